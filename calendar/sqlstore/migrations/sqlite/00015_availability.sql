-- Availability in booking weeks ("kan inte"), on SQLite. Keep it in step
-- with ../postgres/00015_availability.sql: the two differ only in types.
--
-- availability_answers holds that a person has answered a booking
-- window's "kan inte" page, and when; an answer with no half days ("jag
-- kan alla dagar") is an answer. availability_slots are the half days of
-- an answer: day (YYYYMMDD, as elsewhere) and half, 'fm'
-- (before 12.00) or 'em' (from 12.00). Saving replaces an answer's slots.
-- Answers go with their window and their person.

-- +goose Up
CREATE TABLE availability_answers (
    window_id   INTEGER NOT NULL REFERENCES booking_windows (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (window_id, person_id)
) STRICT;
CREATE INDEX availability_answers_person ON availability_answers (person_id);
CREATE TABLE availability_slots (
    window_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    day       INTEGER NOT NULL,
    half      TEXT    NOT NULL CHECK (half IN ('fm', 'em')),
    PRIMARY KEY (window_id, person_id, day, half),
    FOREIGN KEY (window_id, person_id) REFERENCES availability_answers (window_id, person_id) ON DELETE CASCADE
) STRICT;

-- +goose Down
DROP TABLE availability_slots;
DROP TABLE availability_answers;
