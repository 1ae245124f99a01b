-- Members' own calendars as busy times, on sqlite. Keep it in step with
-- ../postgres/00016_busy_feeds.sql: the two differ only in types.
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
    person_id     INTEGER NOT NULL PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    fetched_at    INTEGER,
    ok_at         INTEGER,
    periods       INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE busy_periods (
    person_id INTEGER NOT NULL REFERENCES busy_feeds (person_id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX busy_periods_person_start ON busy_periods (person_id, starts_at);

-- +goose Down
DROP TABLE busy_periods;
DROP TABLE busy_feeds;
