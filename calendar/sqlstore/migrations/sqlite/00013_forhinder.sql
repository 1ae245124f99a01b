-- Förhinder on SQLite. Keep it in step with ../postgres/00013_forhinder.sql.
--
-- forhinder holds each "Jag kan inte komma" of a person to a meeting, with
-- the message to the secretary and the ersättare called in for them
-- (substitute_id, NULL for none). withdrawn_at is when it was taken back
-- (unix seconds, 0 while it holds); a förhinder given again after that is
-- a new row, so that its emails have keys of their own. At most one holds
-- per meeting and person, and an ersättare stands in for one person at a
-- time. personal_links gets the purpose 'forhinder', the link in the
-- kallelse: SQLite cannot change a CHECK, so the table is made anew.

-- +goose Up
CREATE TABLE forhinder (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    message       TEXT    NOT NULL DEFAULT '',
    substitute_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    withdrawn_at  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX forhinder_current ON forhinder (meeting_id, person_id) WHERE withdrawn_at = 0;
CREATE UNIQUE INDEX forhinder_substitute ON forhinder (meeting_id, substitute_id) WHERE withdrawn_at = 0 AND substitute_id IS NOT NULL;
CREATE INDEX forhinder_person ON forhinder (person_id);
CREATE INDEX forhinder_substitute_person ON forhinder (substitute_id) WHERE substitute_id IS NOT NULL;

CREATE TABLE personal_links_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT    NOT NULL UNIQUE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('anmalan', 'justering', 'forhinder')),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO personal_links_new SELECT id, token, purpose, meeting_id, person_id, expires_at, revoked_at, created_at FROM personal_links;
DROP TABLE personal_links;
ALTER TABLE personal_links_new RENAME TO personal_links;
CREATE UNIQUE INDEX personal_links_current ON personal_links (meeting_id, purpose, person_id) WHERE revoked_at = 0;
CREATE INDEX personal_links_meeting ON personal_links (meeting_id);
CREATE INDEX personal_links_person ON personal_links (person_id);

-- +goose Down
DELETE FROM personal_links WHERE purpose = 'forhinder';
CREATE TABLE personal_links_old (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT    NOT NULL UNIQUE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('anmalan', 'justering')),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO personal_links_old SELECT id, token, purpose, meeting_id, person_id, expires_at, revoked_at, created_at FROM personal_links;
DROP TABLE personal_links;
ALTER TABLE personal_links_old RENAME TO personal_links;
CREATE UNIQUE INDEX personal_links_current ON personal_links (meeting_id, purpose, person_id) WHERE revoked_at = 0;
CREATE INDEX personal_links_meeting ON personal_links (meeting_id);
CREATE INDEX personal_links_person ON personal_links (person_id);
DROP TABLE forhinder;
