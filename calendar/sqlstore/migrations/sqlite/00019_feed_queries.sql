-- Feeds found from their bodies (issue 12), on SQLite. Keep it in step with
-- ../postgres/00019_feed_queries.sql.
--
-- A personal feed holds the events without a body (the region's
-- conference days). They were found by asking every meeting whether it has
-- a body; this partial index holds only the events, so they are found
-- without reading the meetings.

-- +goose Up
CREATE INDEX meetings_events ON meetings (start_at, id) WHERE kind = 'event';

-- +goose Down
DROP INDEX meetings_events;
