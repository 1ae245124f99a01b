-- How each person gets meetings into their calendar, on postgres. Keep it in
-- step with ../sqlite/00014_calendar_delivery.sql.
--
-- people.calendar_delivery is calendar.CalendarDelivery: 'invitations'
-- (the kallelse carries a calendar invitation; the default, because it is
-- what everyone got before they could choose), 'feed' (the kallelse comes
-- without one: the person subscribes to their feed) or 'both'.
-- people.calendar_link_mailed_at is when the person was last mailed their
-- calendar link from the start page (unix seconds, 0: never), so that it
-- goes at most once in calendar.CalendarLinkMailEvery.

-- +goose Up
ALTER TABLE people ADD COLUMN calendar_delivery TEXT NOT NULL DEFAULT 'invitations'
    CHECK (calendar_delivery IN ('invitations', 'feed', 'both'));
ALTER TABLE people ADD COLUMN calendar_link_mailed_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE people DROP COLUMN calendar_link_mailed_at;
ALTER TABLE people DROP COLUMN calendar_delivery;
