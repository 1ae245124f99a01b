-- Members' own calendars as busy times, on postgres. Keep it in step with
-- ../sqlite/00016_busy_feeds.sql: the two differ only in types.
--
-- busy_feeds holds, per person, the address of a calendar they publish
-- elsewhere (a secret: it is never shown back in full), when it was last
-- fetched (NULL: never), when last read well and how many busy periods that
-- gave, why the last fetch failed ('' when it did not, in Swedish for the
-- person), and the validators (ETag, Last-Modified) of the last good
-- response. busy_periods holds only when the person is busy – no titles,
-- places or descriptions. Both go with the person.

-- +goose Up
CREATE TABLE busy_feeds (
    person_id     BIGINT NOT NULL PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    fetched_at    BIGINT,
    ok_at         BIGINT,
    periods       BIGINT NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);

CREATE TABLE busy_periods (
    person_id BIGINT NOT NULL REFERENCES busy_feeds (person_id) ON DELETE CASCADE,
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX busy_periods_person_start ON busy_periods (person_id, starts_at);

-- +goose Down
DROP TABLE busy_periods;
DROP TABLE busy_feeds;
