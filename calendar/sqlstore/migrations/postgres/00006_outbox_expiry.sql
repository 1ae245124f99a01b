-- Queued mail that stops making sense, on PostgreSQL. Keep it in step with
-- ../sqlite/00006_outbox_expiry.sql.
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

-- +goose Up
ALTER TABLE outbox ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN meeting_sequence BIGINT;
ALTER TABLE outbox ADD COLUMN send_before BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped'));

-- +goose Down
UPDATE outbox SET status = 'failed' WHERE status = 'skipped';
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed'));
ALTER TABLE outbox DROP COLUMN send_before;
ALTER TABLE outbox DROP COLUMN meeting_sequence;
ALTER TABLE outbox DROP COLUMN person;
