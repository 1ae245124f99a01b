package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.MailControlStore = (*Store)(nil)

const mailControlSelect = `SELECT c.meeting_id, c.letter, c.state, c.message, COALESCE(p.key, ''), c.changed_at
	FROM meeting_mail_control c LEFT JOIN people p ON p.id = c.changed_by`

func scanMailControl(r scanner) (*calendar.MailControl, error) {
	var c calendar.MailControl
	var letter, state string
	var changed int64
	if err := r.Scan(&c.MeetingID, &letter, &state, &c.Message, &c.ChangedBy, &changed); err != nil {
		return nil, err
	}
	c.Letter, c.State, c.ChangedAt = calendar.MailLetter(letter), calendar.MailState(state), fromUnix(changed)
	return &c, nil
}

// FindMailControls returns the choices for the meetings ids (all when
// none), ordered by meeting and letter.
func (s *Store) FindMailControls(ctx context.Context, ids ...int64) ([]*calendar.MailControl, error) {
	var w where
	if len(ids) > 0 {
		w.add("c.meeting_id IN ("+marks(len(ids))+")", anys(ids)...)
	}
	var out []*calendar.MailControl
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "meeting mail control", "meeting mail control", scanMailControl,
			mailControlSelect+w.sql()+` ORDER BY c.meeting_id, c.letter`, w.args...)
		return err
	})
	return out, err
}

// SetMailControl stores c for its meeting and letter, replacing the
// earlier choice, and records the change on the meeting: the field
// "mail_call" or "mail_notice" for the state, "mail_notice_message" for
// the message. A choice that changes nothing records nothing.
func (s *Store) SetMailControl(ctx context.Context, c *calendar.MailControl) error {
	c.Message = calendar.NormalizeNewlines(c.Message)
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		if ok, err := t.lock(ctx, "meetings", "id", c.MeetingID, forUpdate); err != nil {
			return err
		} else if !ok {
			return calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", c.MeetingID)
		}
		old := &calendar.MailControl{MeetingID: c.MeetingID, Letter: c.Letter, State: calendar.MailReleased}
		o, err := scanMailControl(t.QueryRowContext(ctx, mailControlSelect+` WHERE c.meeting_id = $1 AND c.letter = $2`,
			c.MeetingID, string(c.Letter)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("sqlstore: find meeting mail control: %w", err)
		default:
			old = o
		}
		f := fields{}
		state := "mail_" + string(c.Letter)
		if old.State != c.State {
			f[state] = calendar.FieldChange{Old: string(old.State), New: string(c.State)}
		}
		if old.Message != c.Message {
			f[state+"_message"] = calendar.FieldChange{Old: old.Message, New: c.Message}
		}
		if len(f) == 0 {
			*c = *old
			return nil
		}
		a := calendar.ActorFrom(ctx)
		by := sql.NullInt64{Int64: a.PersonID, Valid: a.PersonID != 0}
		_, err = t.ExecContext(ctx, `INSERT INTO meeting_mail_control (meeting_id, letter, state, message, changed_by, changed_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (meeting_id, letter) DO UPDATE SET state = excluded.state, message = excluded.message, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
			c.MeetingID, string(c.Letter), string(c.State), c.Message, by, t.now.Unix())
		if err := t.check(err, "set meeting mail control", nil, nil); err != nil {
			return err
		}
		c.ChangedAt, c.ChangedBy = t.now, ""
		if by.Valid {
			if err := t.QueryRowContext(ctx, `SELECT key FROM people WHERE id = $1`, by.Int64).Scan(&c.ChangedBy); err != nil {
				return fmt.Errorf("sqlstore: actor of mail control: %w", err)
			}
		}
		return t.record(ctx, entityMeeting, c.MeetingID, calendar.ActionUpdate, f)
	})
}
