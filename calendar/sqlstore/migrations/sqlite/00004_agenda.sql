-- Agendas (dagordningar) and backlogs ("till kommande möten") on SQLite.
-- Keep it in step with ../postgres/00004_agenda.sql.
--
-- An item's sub-points and links are JSON text in its row: they are always
-- read and written whole with the item, never searched. position is the
-- item's 1-based number; the store keeps a meeting's positions 1, 2, 3 …
-- without gaps, renumbering inside the write transaction that inserts,
-- moves or deletes. There is no unique index on (meeting_id, position):
-- renumbering would break it halfway through on SQLite, which cannot defer
-- the check. submitted_by is a person key without a foreign key on purpose:
-- a proposal stays on the agenda when its proposer leaves. Items go with
-- their meeting, backlog items with their body. Writers to one agenda
-- take turns: on SQLite by the write lock, on PostgreSQL by locking the
-- meeting's row (SELECT … FOR UPDATE) before renumbering.

-- +goose Up
CREATE TABLE agenda_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    presenter    TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL,
    sub_points   TEXT    NOT NULL DEFAULT '[]',
    links        TEXT    NOT NULL DEFAULT '[]',
    status       TEXT    NOT NULL,
    submitted_by TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);

CREATE TABLE backlog_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id    INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    notes      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX backlog_items_body ON backlog_items (body_id, created_at);

-- +goose Down
DROP TABLE backlog_items;
DROP TABLE agenda_items;
