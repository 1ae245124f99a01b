-- Personal links to a booking window's page, on SQLite. Keep it in step
-- with ../postgres/00008_booking_links.sql: the two differ only in types.
--
-- booking_links are what personal_links are for meetings: the booking
-- reminder mails a body's secretary a link to /bokning/{token}, which shows
-- the window, which of their bodies have booked, and free times for the
-- others. Free times show when people are busy, so the page is not public:
-- the token (256 bits from calendar.NewToken) is the credential. A person
-- has at most one unrevoked link per window (the partial unique index that
-- EnsureWindowLink's INSERT … ON CONFLICT relies on); a revoked link stays,
-- so that following it tells that it was withdrawn. Links go with their
-- window and their person.

-- +goose Up
CREATE TABLE booking_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT    NOT NULL UNIQUE,
    window_id  INTEGER NOT NULL REFERENCES booking_windows (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX booking_links_current ON booking_links (window_id, person_id) WHERE revoked_at = 0;
CREATE INDEX booking_links_window ON booking_links (window_id);
CREATE INDEX booking_links_person ON booking_links (person_id);

-- +goose Down
DROP TABLE booking_links;
