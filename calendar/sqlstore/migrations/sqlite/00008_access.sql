-- Who may do what, on SQLite. Keep it in step with
-- ../postgres/00008_access.sql: the two differ only in types.
--
-- role_grants give a person the admin role (body_id NULL) or the role of
-- secretary of one body, beside what their memberships give (a sekreterare
-- membership makes its person the body's secretary without a grant).
--
-- sessions, signin_links and api_tokens keep only a SHA-256 hash of their
-- secret (calendar.HashSecret): a copy of the database signs nobody in.
-- All go with their person.
--
-- changes gain who made them: the person (NULL for the admin token and for
-- someone since deleted), how (calendar.Via…), the API token's name and the
-- request's ID.

-- +goose Up
CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'secretary')),
    body_id    INTEGER REFERENCES bodies (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    CHECK ((role = 'admin') = (body_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX role_grants_one ON role_grants (person_id, role, COALESCE(body_id, 0));
CREATE INDEX role_grants_body ON role_grants (body_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    hash         TEXT    NOT NULL UNIQUE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    via          TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE signin_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    hash       TEXT    NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX signin_links_person ON signin_links (person_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    hash         TEXT    NOT NULL UNIQUE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    expires_day  INTEGER NOT NULL,
    revoked_at   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX api_tokens_person ON api_tokens (person_id);

ALTER TABLE changes ADD COLUMN actor_person_id INTEGER REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE changes ADD COLUMN actor_via TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN actor_token TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
CREATE INDEX changes_actor ON changes (actor_person_id, id);
CREATE INDEX changes_at ON changes (at);

-- +goose Down
DROP INDEX changes_at;
DROP INDEX changes_actor;
ALTER TABLE changes DROP COLUMN request_id;
ALTER TABLE changes DROP COLUMN actor_token;
ALTER TABLE changes DROP COLUMN actor_via;
ALTER TABLE changes DROP COLUMN actor_person_id;
DROP TABLE api_tokens;
DROP TABLE signin_links;
DROP TABLE sessions;
DROP TABLE role_grants;
