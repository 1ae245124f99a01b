-- Mail keys read as ranges (issue 12), on SQLite. Keep it in step with
-- ../postgres/00017_mail_key_ranges.sql.
--
-- The email scan asks once per meeting for the mail under "m{id}/"
-- (sqlstore.FindHandledMail); it matched with substr, which no index
-- serves, so every scan read both mail tables once per meeting. It now
-- reads a range of keys compared byte by byte.
-- On SQLite the unique indexes on key already compare bytes (BINARY):
-- nothing to add.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
