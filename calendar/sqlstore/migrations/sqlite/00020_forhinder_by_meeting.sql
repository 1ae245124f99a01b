-- Förhinder by meeting (issue 12), on SQLite. Keep it in step with
-- ../postgres/00020_forhinder_by_meeting.sql.
--
-- A meeting's förhinder, withdrawn ones too, were read through the partial
-- indexes of those that hold, which do not serve them: every read of one
-- meeting's förhinder (the email scan asked once per meeting in its
-- window) read the whole table. TestQueryPlans found it.

-- +goose Up
CREATE INDEX forhinder_meeting ON forhinder (meeting_id, created_at, id);

-- +goose Down
DROP INDEX forhinder_meeting;
