-- Mail keys read as ranges (issue 12), on PostgreSQL. Keep it in step with
-- ../sqlite/00017_mail_key_ranges.sql.
--
-- The email scan asks once per meeting for the mail under "m{id}/"
-- (sqlstore.FindHandledMail); it matched with substr, which no index
-- serves, so every scan read both mail tables once per meeting. It now
-- reads a range of keys compared byte by byte.
-- The unique indexes on key follow the database's collation, which may
-- order "/" apart from the letters; these follow the bytes (COLLATE "C"),
-- as the query does.

-- +goose Up
CREATE INDEX outbox_key_bytes ON outbox (key COLLATE "C");
CREATE INDEX skipped_mail_key_bytes ON skipped_mail (key COLLATE "C");

-- +goose Down
DROP INDEX skipped_mail_key_bytes;
DROP INDEX outbox_key_bytes;
