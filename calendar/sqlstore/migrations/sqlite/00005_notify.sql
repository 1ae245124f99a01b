-- What the automatic email needs besides the outbox, on SQLite. Keep it in
-- step with ../postgres/00005_notify.sql: the two differ only in types.
--
-- bodies gain their timing of the call for agenda items, its deadline and
-- the kallelse, in days before a meeting; NULL means the server's default
-- ([notify] in the configuration), 0 turns that email off for the body.
--
-- personal_links are the links members follow without an account. The
-- token is the credential (256 bits from calendar.NewToken). A person has at
-- most one unrevoked link per meeting and purpose: the partial unique index
-- is what EnsureLink's INSERT … ON CONFLICT relies on, so that two replicas
-- ensuring the same link at once get the same token. A revoked link stays,
-- so that following it tells the person it was withdrawn; ensuring the link
-- again inserts a new one with a new token. Links go with their meeting and
-- their person.
--
-- justeringar are the approvals of a meeting's minutes, one per meeting;
-- justering_approvals hold its approvers in order (the justerare as given,
-- then the chair). deadline and approved_on are days, YYYYMMDD as in
-- memberships (0: not set); ready_at, approved_at and updated_at are unix
-- seconds (0: not set). They go with their meeting. The people have no
-- ON DELETE: deleting a person who approves minutes fails (ECONFLICT "still
-- in use"), because silently dropping an approver would make the minutes
-- look approved.
--
-- skipped_mail records emails that were due but not sent and why, once per
-- outbox key. meeting_id has no foreign key on purpose, as in the outbox:
-- the record outlives the meeting.

-- +goose Up
ALTER TABLE bodies ADD COLUMN call_days INTEGER;
ALTER TABLE bodies ADD COLUMN call_deadline_days INTEGER;
ALTER TABLE bodies ADD COLUMN notice_days INTEGER;

CREATE TABLE personal_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT    NOT NULL UNIQUE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('anmalan', 'justering')),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
-- One usable link per meeting, purpose and person; its leading column
-- also serves RevokeLinks, which works per meeting.
CREATE UNIQUE INDEX personal_links_current ON personal_links (meeting_id, purpose, person_id) WHERE revoked_at = 0;
CREATE INDEX personal_links_meeting ON personal_links (meeting_id);
CREATE INDEX personal_links_person ON personal_links (person_id);

CREATE TABLE justeringar (
    meeting_id   INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    document_url TEXT    NOT NULL,
    chair_id     INTEGER REFERENCES people (id),
    deadline     INTEGER NOT NULL,
    ready_at     INTEGER NOT NULL,
    approved_on  INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX justeringar_chair ON justeringar (chair_id) WHERE chair_id IS NOT NULL;

CREATE TABLE justering_approvals (
    meeting_id  INTEGER NOT NULL REFERENCES justeringar (meeting_id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    role        TEXT    NOT NULL CHECK (role IN ('justerare', 'ordforande')),
    position    INTEGER NOT NULL,
    approved_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, person_id)
) STRICT;
CREATE INDEX justering_approvals_person ON justering_approvals (person_id);

CREATE TABLE skipped_mail (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    meeting_id INTEGER NOT NULL DEFAULT 0,
    recipient  TEXT    NOT NULL DEFAULT '',
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX skipped_mail_meeting ON skipped_mail (meeting_id, created_at);
CREATE INDEX skipped_mail_created ON skipped_mail (created_at, id);

-- +goose Down
DROP TABLE skipped_mail;
DROP TABLE justering_approvals;
DROP TABLE justeringar;
DROP TABLE personal_links;
ALTER TABLE bodies DROP COLUMN notice_days;
ALTER TABLE bodies DROP COLUMN call_deadline_days;
ALTER TABLE bodies DROP COLUMN call_days;
