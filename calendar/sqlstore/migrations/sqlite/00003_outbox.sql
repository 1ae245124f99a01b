-- The outbox on SQLite: every email Samkal sends is first a row here. Keep
-- it in step with ../postgres/00003_outbox.sql.
--
-- key is unique (meeting, kind, recipient, revision): enqueueing the same
-- email again does nothing, so the scan that derives due mail from the
-- state may run as often as it likes. A worker claims a row by setting
-- status 'sending', claimed_by and claimed_until in one write transaction;
-- a row whose claim expired belongs to a crashed worker and is claimed
-- again. Times are unix seconds, 0 meaning "not set", as everywhere.
-- meeting_id has no foreign key on purpose: the record of what was mailed
-- outlives the meeting, and a cancellation may be mailed after a delete.

-- +goose Up
CREATE TABLE outbox (
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

-- What a claim looks for: queued rows by due time, sending rows by lease.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (status, claimed_until);
CREATE INDEX outbox_meeting ON outbox (meeting_id);
CREATE INDEX outbox_created ON outbox (created_at, id);

-- +goose Down
DROP TABLE outbox;
