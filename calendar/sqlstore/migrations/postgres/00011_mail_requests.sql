-- What secretaries ask the email scan for, on PostgreSQL. Keep it in step with
-- ../sqlite/00011_mail_requests.sql.
--
-- meetings.cancel_message is the secretary's message to everyone who gets
-- the cancellation letter ('' for none, and for a meeting not cancelled).
-- justeringar.remind_requested_at is when a secretary last pressed "Påminn
-- nu" (unix seconds, 0: never): the scan sends a reminder round at once to
-- the approvers who have not approved. agenda_items_declined finds the
-- proposals declined lately, whose proposers the scan tells why.

-- +goose Up
ALTER TABLE meetings ADD COLUMN cancel_message TEXT NOT NULL DEFAULT '';
ALTER TABLE justeringar ADD COLUMN remind_requested_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX agenda_items_declined ON agenda_items (updated_at) WHERE status = 'declined';

-- +goose Down
DROP INDEX agenda_items_declined;
ALTER TABLE justeringar DROP COLUMN remind_requested_at;
ALTER TABLE meetings DROP COLUMN cancel_message;
