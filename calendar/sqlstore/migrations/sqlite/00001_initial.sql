-- Samkal's first schema on SQLite. Keep it in step with
-- ../postgres/00001_initial.sql: the two differ only in types.
--
-- Times are INTEGER unix seconds and days are INTEGER YYYYMMDD (0: not set),
-- so that both engines scan and compare them the same way; see the package
-- doc of sqlstore. Tables are STRICT so that a wrongly typed value fails
-- instead of being stored as something else.

-- +goose Up
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE people (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    email           TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    title           TEXT    NOT NULL DEFAULT '',
    organisation_id INTEGER REFERENCES organisations (id),
    feed_token      TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX people_organisation ON people (organisation_id);

CREATE TABLE bodies (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                  TEXT    NOT NULL UNIQUE,
    name                  TEXT    NOT NULL,
    kind                  TEXT    NOT NULL,
    visibility            TEXT    NOT NULL,
    organisation_id       INTEGER REFERENCES organisations (id),
    minutes_need_approval INTEGER NOT NULL,
    description           TEXT    NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX bodies_organisation ON bodies (organisation_id);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id    INTEGER NOT NULL REFERENCES bodies (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    role       TEXT    NOT NULL,
    starts_on  INTEGER NOT NULL DEFAULT 0,
    ends_on    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (person_id, body_id, role, starts_on)
) STRICT;
CREATE INDEX memberships_body ON memberships (body_id);

CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    address    TEXT    NOT NULL DEFAULT '',
    capacity   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uid          TEXT    NOT NULL UNIQUE,
    key          TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL DEFAULT '',
    start_at     INTEGER NOT NULL,
    end_at       INTEGER NOT NULL,
    start_day    INTEGER NOT NULL,
    all_day      INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    room_id      INTEGER REFERENCES rooms (id),
    location     TEXT    NOT NULL DEFAULT '',
    online_url   TEXT    NOT NULL DEFAULT '',
    notes        TEXT    NOT NULL DEFAULT '',
    sequence     INTEGER NOT NULL DEFAULT 0,
    cancelled_at INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
-- Most meetings have no key; '' means none, so only non-empty keys are unique.
CREATE UNIQUE INDEX meetings_key ON meetings (key) WHERE key <> '';
CREATE INDEX meetings_start ON meetings (start_at);
CREATE INDEX meetings_room_start ON meetings (room_id, start_at) WHERE room_id IS NOT NULL;

CREATE TABLE meeting_bodies (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    body_id    INTEGER NOT NULL REFERENCES bodies (id),
    PRIMARY KEY (meeting_id, body_id)
) STRICT;
CREATE INDEX meeting_bodies_body ON meeting_bodies (body_id, meeting_id);

CREATE TABLE changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT    NOT NULL,
    fields    TEXT    NOT NULL
) STRICT;
CREATE INDEX changes_entity ON changes (entity, entity_id, id);

-- +goose Down
DROP TABLE changes;
DROP TABLE meeting_bodies;
DROP TABLE meetings;
DROP TABLE rooms;
DROP TABLE memberships;
DROP TABLE bodies;
DROP TABLE people;
DROP TABLE organisations;
