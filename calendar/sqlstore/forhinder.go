package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.ForhinderStore = (*Store)(nil)

const forhinderSelect = `SELECT f.id, f.meeting_id, p.key, f.message, COALESCE(s.key, ''), f.created_at, f.withdrawn_at
	FROM forhinder f JOIN people p ON p.id = f.person_id LEFT JOIN people s ON s.id = f.substitute_id`

func scanForhinder(r scanner) (*calendar.Forhinder, error) {
	var f calendar.Forhinder
	var created, withdrawn int64
	if err := r.Scan(&f.ID, &f.MeetingID, &f.Person, &f.Message, &f.Substitute, &created, &withdrawn); err != nil {
		return nil, err
	}
	f.CreatedAt, f.WithdrawnAt = fromUnix(created), fromUnixOrZero(withdrawn)
	return &f, nil
}

// FindForhinder returns the meeting's förhinder, oldest first.
func (s *Store) FindForhinder(ctx context.Context, meetingID int64) ([]*calendar.Forhinder, error) {
	var out []*calendar.Forhinder
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findForhinder(ctx, meetingID)
		return err
	})
	return out, err
}

// FindForhinderOf reads the meetings' förhinder, 500 meetings a
// statement.
func (s *Store) FindForhinderOf(ctx context.Context, meetingIDs []int64) (map[int64][]*calendar.Forhinder, error) {
	out := map[int64][]*calendar.Forhinder{}
	for batch := range slices.Chunk(meetingIDs, 500) {
		var fs []*calendar.Forhinder
		err := s.read(ctx, func(t *tx) (err error) {
			fs, err = queryAll(ctx, t, "förhinder", "förhinder", scanForhinder,
				forhinderSelect+` WHERE f.meeting_id IN (`+numbered(1, len(batch))+`) ORDER BY f.meeting_id, f.created_at, f.id`, anys(batch)...)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			out[f.MeetingID] = append(out[f.MeetingID], f)
		}
	}
	return out, nil
}

func (t *tx) findForhinder(ctx context.Context, meetingID int64) ([]*calendar.Forhinder, error) {
	return queryAll(ctx, t, "förhinder", "förhinder", scanForhinder,
		forhinderSelect+` WHERE f.meeting_id = $1 ORDER BY f.created_at, f.id`, meetingID)
}

// ReportForhinder records the person's förhinder and calls in ersättare
// (calendar.AssignSubstitutes), in one transaction that first locks the
// meeting's row: two förhinder to one meeting at once are decided one
// after the other, so that no ersättare is called in twice.
func (s *Store) ReportForhinder(ctx context.Context, meetingID int64, person, message string) (*calendar.Forhinder, error) {
	message = calendar.NormalizeNewlines(message)
	if err := calendar.ValidateForhinderMessage(message); err != nil {
		return nil, err
	}
	var out *calendar.Forhinder
	err := s.write(ctx, func(t *tx) error {
		m, personID, err := t.forhinderMeeting(ctx, meetingID, person)
		if err != nil {
			return err
		}
		ms, err := t.meetingMemberships(ctx, m)
		if err != nil {
			return err
		}
		if _, ok := calendar.ExpectedRole(ms, m.Bodies, person, calendar.DateOf(m.Start)); !ok {
			return calendar.Errorf(calendar.EINVALID, "person %q is not called to meeting %d: only members and ersättare of its bodies give förhinder", person, meetingID)
		}
		res, err := t.ExecContext(ctx, `UPDATE forhinder SET message = $1 WHERE meeting_id = $2 AND person_id = $3 AND withdrawn_at = 0`,
			message, meetingID, personID)
		if err != nil {
			return fmt.Errorf("sqlstore: update förhinder: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := t.ExecContext(ctx, `INSERT INTO forhinder (meeting_id, person_id, message, created_at, withdrawn_at) VALUES ($1, $2, $3, $4, 0)`,
				meetingID, personID, message, t.now.Unix()); err != nil {
				return t.check(err, "insert förhinder", calendar.Errorf(calendar.ECONFLICT, "person %q has a förhinder to meeting %d already", person, meetingID), nil)
			}
		}
		if err := t.assignSubstitutes(ctx, m, ms); err != nil {
			return err
		}
		out, err = t.currentForhinder(ctx, meetingID, person)
		return err
	})
	return out, err
}

// WithdrawForhinder marks the person's förhinder withdrawn and lets the
// ersättare called in for them go to another förhinder that has none.
func (s *Store) WithdrawForhinder(ctx context.Context, meetingID int64, person string) (*calendar.Forhinder, error) {
	var out *calendar.Forhinder
	err := s.write(ctx, func(t *tx) error {
		m, personID, err := t.forhinderMeeting(ctx, meetingID, person)
		if err != nil {
			return err
		}
		f, err := t.currentForhinder(ctx, meetingID, person)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE forhinder SET withdrawn_at = $1 WHERE id = $2 AND person_id = $3`,
			t.now.Unix(), f.ID, personID); err != nil {
			return fmt.Errorf("sqlstore: withdraw förhinder: %w", err)
		}
		f.WithdrawnAt = t.now
		ms, err := t.meetingMemberships(ctx, m)
		if err != nil {
			return err
		}
		if err := t.assignSubstitutes(ctx, m, ms); err != nil {
			return err
		}
		out = f
		return nil
	})
	return out, err
}

// forhinderMeeting locks the meeting, checks that a förhinder may still be
// given or withdrawn, and returns it with the person's id.
func (t *tx) forhinderMeeting(ctx context.Context, meetingID int64, person string) (*calendar.Meeting, int64, error) {
	ok, err := t.lock(ctx, "meetings", "id", meetingID, forUpdate)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", meetingID)
	}
	m, err := t.findMeeting(ctx, meetingID)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case m.Status == calendar.StatusCancelled:
		return nil, 0, calendar.Errorf(calendar.EINVALID, "meeting %d is cancelled", meetingID)
	case !t.now.Before(m.Start):
		return nil, 0, calendar.Errorf(calendar.EINVALID, "meeting %d has started", meetingID)
	}
	personID, err := t.idOf(ctx, "people", "key", "person", person)
	if err != nil {
		return nil, 0, err
	}
	return m, personID, nil
}

func (t *tx) currentForhinder(ctx context.Context, meetingID int64, person string) (*calendar.Forhinder, error) {
	f, err := scanForhinder(t.QueryRowContext(ctx, forhinderSelect+` WHERE f.meeting_id = $1 AND p.key = $2 AND f.withdrawn_at = 0`, meetingID, person))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "person %q has no förhinder to meeting %d", person, meetingID)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find förhinder: %w", err)
	}
	return f, nil
}

// meetingMemberships returns the memberships of m's bodies active on its day.
func (t *tx) meetingMemberships(ctx context.Context, m *calendar.Meeting) ([]*calendar.Membership, error) {
	day := calendar.DateOf(m.Start)
	var out []*calendar.Membership
	for _, b := range m.Bodies {
		ms, err := t.findMemberships(ctx, calendar.MembershipFilter{Body: &b, ActiveOn: &day})
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// assignSubstitutes applies calendar.AssignSubstitutes to the meeting's
// förhinder: those whose ersättare changed are written, releases first so
// that the index of one ersättare per meeting holds after each statement.
func (t *tx) assignSubstitutes(ctx context.Context, m *calendar.Meeting, ms []*calendar.Membership) error {
	fs, err := t.findForhinder(ctx, m.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, x := range ms {
		if x.Role == calendar.RoleSubstitute && names[x.Person] == "" {
			p, err := t.findPerson(ctx, x.Person)
			if err != nil {
				return err
			}
			names[x.Person] = p.Name
		}
	}
	day := calendar.DateOf(m.Start)
	order := map[string][]string{}
	for _, f := range fs {
		if f.Active() {
			order[f.Person] = calendar.SubstituteOrder(ms, m.Bodies, f.Person, day, names)
		}
	}
	changed := calendar.AssignSubstitutes(fs, order)
	for _, release := range []bool{true, false} {
		for _, f := range changed {
			if (f.Substitute == "") != release {
				continue
			}
			var sub any
			if f.Substitute != "" {
				id, err := t.idOf(ctx, "people", "key", "person", f.Substitute)
				if err != nil {
					return err
				}
				sub = id
			}
			if release {
				sub = nil
			}
			if _, err := t.ExecContext(ctx, `UPDATE forhinder SET substitute_id = $1 WHERE id = $2`, sub, f.ID); err != nil {
				return fmt.Errorf("sqlstore: call in ersättare: %w", err)
			}
		}
	}
	return nil
}

// FindForhinderMeetings returns the ids of the meetings starting after
// after that have förhinder, in id order.
func (s *Store) FindForhinderMeetings(ctx context.Context, after time.Time) ([]int64, error) {
	var out []int64
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = queryAll(ctx, t, "meetings with förhinder", "meeting id", func(r scanner) (id int64, err error) {
			err = r.Scan(&id)
			return id, err
		}, `SELECT DISTINCT m.id FROM meetings m JOIN forhinder f ON f.meeting_id = m.id WHERE m.start_at > $1 ORDER BY m.id`, after.Unix())
		return err
	})
	return out, err
}
