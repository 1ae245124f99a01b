-- A declined proposal keeps its note to the proposer, on PostgreSQL. Keep it in
-- step with ../sqlite/00009_agenda_decline.sql.
--
-- status gains the value 'declined' (the column has no CHECK: the domain
-- validates it), and decline_note is why the secretary declined the item
-- ('' for every other item).

-- +goose Up
ALTER TABLE agenda_items ADD COLUMN decline_note TEXT NOT NULL DEFAULT '';

-- +goose Down
DELETE FROM agenda_items WHERE status = 'declined';
ALTER TABLE agenda_items DROP COLUMN decline_note;
