-- Booking windows (bokningsveckor) on SQLite. Keep it in step with
-- ../postgres/00002_booking_windows.sql.
--
-- A window's lists (weeks, bodies, weekdays, hours, rooms, blackouts) and
-- maps (counts, attendees) are kept as JSON text in the window's row: they
-- are always read and written whole, never searched. Bodies, rooms and
-- people are named by slug or key, which never change; the store checks at
-- every write that they exist, and the planner checks again when it loads
-- the window, so that a window whose body was deleted since is refused with
-- a message naming it rather than planned wrongly. There are no foreign
-- keys to them on purpose: deleting a body or room is decided by its own
-- rules (its meetings), not by a plan that names it.

-- +goose Up
CREATE TABLE booking_windows (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT    NOT NULL,
    weeks               TEXT    NOT NULL,
    bodies              TEXT    NOT NULL,
    counts              TEXT    NOT NULL DEFAULT '{}',
    duration_minutes    INTEGER NOT NULL,
    weekdays            TEXT    NOT NULL,
    hours               TEXT    NOT NULL,
    rooms               TEXT    NOT NULL DEFAULT '[]',
    deadline            INTEGER NOT NULL DEFAULT 0,
    buffer_minutes      INTEGER NOT NULL DEFAULT 0,
    blackouts           TEXT    NOT NULL DEFAULT '[]',
    attendees           TEXT    NOT NULL DEFAULT '{}',
    granularity_minutes INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE booking_windows;
