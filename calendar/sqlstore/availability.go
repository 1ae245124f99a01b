package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.AvailabilityStore = (*Store)(nil)

// entityAvailability names a "kan inte" answer in the record of changes:
// the entity id is the window's, the fields say whose answer and how many
// half days it holds (not which: the record is no copy of the answer). The
// record also moves Store.DataVersion, so that the window page's cached
// plan is made again with the answer.
const entityAvailability = "availability"

// SetAvailability replaces the person's answer for the window: the answer
// row is written (or its time moved) and its half days replaced, in one
// transaction. EINVALID for an unknown window or person, or a half day
// outside the window.
func (s *Store) SetAvailability(ctx context.Context, a *calendar.Availability) error {
	a.Normalize()
	var at int64
	err := s.write(ctx, func(t *tx) error {
		w, err := t.findBookingWindow(ctx, a.WindowID)
		if calendar.IsNotFound(err) {
			return calendar.Errorf(calendar.EINVALID, "booking window %d does not exist", a.WindowID)
		}
		if err != nil {
			return err
		}
		if err := a.Validate(w); err != nil {
			return err
		}
		personID, err := t.idOf(ctx, "people", "key", "person", a.Person)
		if err != nil {
			return err
		}
		at = t.now.Unix()
		if _, err := t.ExecContext(ctx, `INSERT INTO availability_answers (window_id, person_id, answered_at) VALUES ($1, $2, $3)
			ON CONFLICT (window_id, person_id) DO UPDATE SET answered_at = excluded.answered_at`, w.ID, personID, at); err != nil {
			return fmt.Errorf("sqlstore: save answer: %w", err)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM availability_slots WHERE window_id = $1 AND person_id = $2`, w.ID, personID); err != nil {
			return fmt.Errorf("sqlstore: save answer: %w", err)
		}
		for _, h := range a.CannotDo {
			if _, err := t.ExecContext(ctx, `INSERT INTO availability_slots (window_id, person_id, day, half) VALUES ($1, $2, $3, $4)`,
				w.ID, personID, dayNumber(h.Day), string(h.Half)); err != nil {
				return fmt.Errorf("sqlstore: save answer: %w", err)
			}
		}
		return t.record(ctx, entityAvailability, w.ID, calendar.ActionUpdate, fields{
			"person": {New: a.Person}, "half_days": {New: strconv.Itoa(len(a.CannotDo))}})
	})
	if err != nil {
		return err
	}
	a.AnsweredAt = fromUnix(at)
	return nil
}

// FindAvailability returns the person's answer for the window, ENOTFOUND
// when there is none.
func (s *Store) FindAvailability(ctx context.Context, windowID int64, person string) (*calendar.Availability, error) {
	var out []*calendar.Availability
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findAvailabilities(ctx, windowID, &person)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "person %q has not answered booking window %d", person, windowID)
	}
	return out[0], nil
}

// FindAvailabilities returns every answer for the window, by person key.
func (s *Store) FindAvailabilities(ctx context.Context, windowID int64) ([]*calendar.Availability, error) {
	var out []*calendar.Availability
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findAvailabilities(ctx, windowID, nil)
		return err
	})
	return out, err
}

// findAvailabilities reads the answers of the window, of one person when
// person is given: the answers, then their half days, joined in Go.
func (t *tx) findAvailabilities(ctx context.Context, windowID int64, person *string) ([]*calendar.Availability, error) {
	filter, args := "", []any{windowID}
	if person != nil {
		filter, args = " AND p.key = $2", append(args, *person)
	}
	answers, err := queryAll(ctx, t, "answers", "answer", func(r scanner) (*calendar.Availability, error) {
		a := &calendar.Availability{WindowID: windowID}
		var at int64
		err := r.Scan(&a.Person, &at)
		a.AnsweredAt = fromUnix(at)
		return a, err
	}, `SELECT p.key, a.answered_at FROM availability_answers a JOIN people p ON p.id = a.person_id
		WHERE a.window_id = $1`+filter+` ORDER BY p.key`, args...)
	if err != nil || len(answers) == 0 {
		return nil, err
	}
	byKey := make(map[string]*calendar.Availability, len(answers))
	for _, a := range answers {
		byKey[a.Person] = a
	}
	type slot struct {
		person string
		h      calendar.HalfDay
	}
	slots, err := queryAll(ctx, t, "half days", "half day", func(r scanner) (slot, error) {
		var s slot
		var day int64
		var half string
		err := r.Scan(&s.person, &day, &half)
		s.h = calendar.HalfDay{Day: dayFromNumber(day), Half: calendar.Half(half)}
		return s, err
	}, `SELECT p.key, s.day, s.half FROM availability_slots s JOIN people p ON p.id = s.person_id
		WHERE s.window_id = $1`+filter+` ORDER BY p.key, s.day, s.half DESC`, args...)
	if err != nil {
		return nil, err
	}
	for _, s := range slots {
		if a := byKey[s.person]; a != nil {
			a.CannotDo = append(a.CannotDo, s.h)
		}
	}
	return answers, nil
}
