-- The secretary's hand on a meeting's letters, on SQLite. Keep it in step
-- with ../postgres/00010_mail_control.sql: the two differ only in types.
--
-- bodies gain mail_release: NULL or 'auto' lets the calls and kallelser of
-- the body's meetings go by themselves at their time (as before), 'manual'
-- makes them wait until the secretary presses "Skicka".
--
-- meeting_mail_control holds, per meeting and letter (the call for agenda
-- items, the kallelse), what the secretary chose: 'held' (not queued until
-- released), 'released' (by the timing, or the body's mail_release), 'now'
-- (queued at once, even before its day); and the secretary's message at
-- the top of the kallelse. A letter without a row is 'released' without a
-- message. changed_by is who chose (NULL when not a person, or erased); the
-- rows go with their meeting.

-- +goose Up
ALTER TABLE bodies ADD COLUMN mail_release TEXT CHECK (mail_release IN ('auto', 'manual'));

CREATE TABLE meeting_mail_control (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    letter     TEXT    NOT NULL CHECK (letter IN ('call', 'notice')),
    state      TEXT    NOT NULL CHECK (state IN ('held', 'released', 'now')),
    message    TEXT    NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, letter)
) STRICT;
CREATE INDEX meeting_mail_control_changed_by ON meeting_mail_control (changed_by) WHERE changed_by IS NOT NULL;

-- +goose Down
DROP TABLE meeting_mail_control;
ALTER TABLE bodies DROP COLUMN mail_release;
