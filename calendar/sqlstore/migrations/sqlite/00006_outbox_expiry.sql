-- Queued mail that stops making sense, on SQLite. Keep it in step with
-- ../postgres/00006_outbox_expiry.sql.
--
-- An email is checked when it is sent, not only when it is queued: a call
-- for agenda items whose deadline passed while the SMTP server was down, or
-- a kallelse for a meeting that has moved since, must not go out.
--
-- send_before is when the email stops making sense (unix seconds, 0: never).
-- meeting_sequence is the meeting's sequence the email was written for
-- (NULL: its text does not depend on it); once the meeting has another, the
-- email is out of date. person is the recipient's person key ('' when not
-- known, as for rows queued before this migration), for the record of a
-- skipped email. A message that is not sent for these reasons gets the
-- new status 'skipped' (and a row in skipped_mail saying why).
--
-- SQLite cannot change a CHECK constraint in place, so the table is built
-- anew and the rows copied with their ids; nothing refers to the outbox.
-- The AUTOINCREMENT counter is carried over, so that no id is used twice.
-- The body, often larger than a page, is now the last column: SQLite then
-- reads a message's status and times without walking the body's overflow
-- pages, which the scan and the claims do for every queued message.

-- +goose Up
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL,
    meeting_id       INTEGER NOT NULL DEFAULT 0,
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    claimed_by       TEXT    NOT NULL DEFAULT '',
    claimed_until    INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER NOT NULL DEFAULT 0,
    person           TEXT    NOT NULL DEFAULT '',
    meeting_sequence INTEGER,
    send_before      INTEGER NOT NULL DEFAULT 0,
    body             BLOB    NOT NULL
) STRICT;
INSERT INTO outbox_new (id, key, kind, meeting_id, recipient, subject, body, status, attempts, next_attempt_at,
    claimed_by, claimed_until, last_error, created_at, sent_at)
SELECT id, key, kind, meeting_id, recipient, subject, body, status, attempts, next_attempt_at,
    claimed_by, claimed_until, last_error, created_at, sent_at FROM outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (status, claimed_until);
CREATE INDEX outbox_meeting ON outbox (meeting_id);
CREATE INDEX outbox_created ON outbox (created_at, id);

-- +goose Down
CREATE TABLE outbox_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    meeting_id      INTEGER NOT NULL DEFAULT 0,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL DEFAULT '',
    body            BLOB    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT    NOT NULL DEFAULT '',
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO outbox_old (id, key, kind, meeting_id, recipient, subject, body, status, attempts, next_attempt_at,
    claimed_by, claimed_until, last_error, created_at, sent_at)
SELECT id, key, kind, meeting_id, recipient, subject, body,
    CASE status WHEN 'skipped' THEN 'failed' ELSE status END, attempts, next_attempt_at,
    claimed_by, claimed_until, last_error, created_at, sent_at FROM outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_old', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (status, claimed_until);
CREATE INDEX outbox_meeting ON outbox (meeting_id);
CREATE INDEX outbox_created ON outbox (created_at, id);
