-- A body's own standard agenda items, on SQLite. Keep it in step with
-- ../postgres/00012_standard_items.sql: the two are the same.
--
-- bodies gain standard_opening and standard_closing: the titles that open
-- and close each of the body's meetings (calendar.Body.StandardOpening,
-- StandardClosing), one title per line. A title is one line (NameText), so
-- a line break cannot be part of one, and plain text reads well in a dump
-- and needs no JSON on either engine. NULL is the defaults in code
-- (calendar.StandardOpening, StandardClosing, "Val av justerare" only for
-- bodies whose minutes need approval); '' is a list without items.

-- +goose Up
ALTER TABLE bodies ADD COLUMN standard_opening TEXT;
ALTER TABLE bodies ADD COLUMN standard_closing TEXT;

-- +goose Down
ALTER TABLE bodies DROP COLUMN standard_closing;
ALTER TABLE bodies DROP COLUMN standard_opening;
