package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// entityBookingWindow is the entity name of booking windows in the record
// of changes.
const entityBookingWindow = "booking_window"

const bookingWindowSelect = `SELECT id, name, weeks, bodies, counts, duration_minutes, weekdays, hours, rooms, deadline,
	buffer_minutes, blackouts, attendees, granularity_minutes, created_at, updated_at FROM booking_windows`

// scanBookingWindow reads one row; the JSON columns were written by
// bookingWindowRow, so a decoding error means the row was edited by hand.
func scanBookingWindow(s scanner) (*calendar.BookingWindow, error) {
	var w calendar.BookingWindow
	var weeks, bodies, counts, weekdays, hours, rooms, blackouts, attendees string
	var deadline, created, updated int64
	if err := s.Scan(&w.ID, &w.Name, &weeks, &bodies, &counts, &w.DurationMinutes, &weekdays, &hours, &rooms, &deadline,
		&w.BufferMinutes, &blackouts, &attendees, &w.GranularityMinutes, &created, &updated); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		text string
		dst  any
	}{
		{"weeks", weeks, &w.Weeks}, {"bodies", bodies, &w.Bodies}, {"counts", counts, &w.Counts},
		{"weekdays", weekdays, &w.Weekdays}, {"hours", hours, &w.Hours}, {"rooms", rooms, &w.Rooms},
		{"blackouts", blackouts, &w.Blackouts}, {"attendees", attendees, &w.Attendees},
	} {
		if err := json.Unmarshal([]byte(c.text), c.dst); err != nil {
			return nil, fmt.Errorf("booking window %d: column %s: %w", w.ID, c.name, err)
		}
	}
	emptyToNil(&w)
	w.Deadline = dayFromNumber(deadline)
	w.CreatedAt, w.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &w, nil
}

// bookingWindowRow is the JSON text of a window's list and map columns.
type bookingWindowRow struct {
	weeks, bodies, counts, weekdays, hours, rooms, blackouts, attendees string
}

func encodeBookingWindow(w *calendar.BookingWindow) (bookingWindowRow, error) {
	var r bookingWindowRow
	for _, c := range []struct {
		dst *string
		v   any
	}{
		{&r.weeks, w.Weeks}, {&r.bodies, w.Bodies}, {&r.counts, w.Counts}, {&r.weekdays, w.Weekdays},
		{&r.hours, w.Hours}, {&r.rooms, w.Rooms}, {&r.blackouts, w.Blackouts}, {&r.attendees, w.Attendees},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			return r, fmt.Errorf("sqlstore: encode booking window: %w", err)
		}
		*c.dst = string(b)
	}
	// Empty lists and maps are stored as [] and {}, never null.
	for _, p := range []*string{&r.weeks, &r.bodies, &r.weekdays, &r.hours, &r.rooms, &r.blackouts} {
		if *p == "null" {
			*p = "[]"
		}
	}
	for _, p := range []*string{&r.counts, &r.attendees} {
		if *p == "null" {
			*p = "{}"
		}
	}
	return r, nil
}

// bookingWindowColumns are the recorded fields of a booking window.
var bookingWindowColumns = []column[calendar.BookingWindow]{
	{"name", func(w *calendar.BookingWindow) string { return w.Name }},
	{"weeks", func(w *calendar.BookingWindow) string { return joinText(w.Weeks) }},
	{"bodies", func(w *calendar.BookingWindow) string { return strings.Join(w.Bodies, ",") }},
	{"counts", func(w *calendar.BookingWindow) string { return jsonText(w.Counts) }},
	{"duration_minutes", func(w *calendar.BookingWindow) string { return intText(w.DurationMinutes) }},
	{"weekdays", func(w *calendar.BookingWindow) string { return joinText(w.Weekdays) }},
	{"hours", func(w *calendar.BookingWindow) string {
		s := make([]string, len(w.Hours))
		for i, h := range w.Hours {
			s[i] = h.From.String() + "–" + h.To.String()
		}
		return strings.Join(s, ",")
	}},
	{"rooms", func(w *calendar.BookingWindow) string { return strings.Join(w.Rooms, ",") }},
	{"deadline", func(w *calendar.BookingWindow) string { return w.Deadline.String() }},
	{"buffer_minutes", func(w *calendar.BookingWindow) string { return intText(w.BufferMinutes) }},
	{"blackouts", func(w *calendar.BookingWindow) string {
		s := make([]string, len(w.Blackouts))
		for i, b := range w.Blackouts {
			s[i] = b.From.String() + "–" + b.To.String()
		}
		return strings.Join(s, ",")
	}},
	{"attendees", func(w *calendar.BookingWindow) string { return jsonText(w.Attendees) }},
	{"granularity_minutes", func(w *calendar.BookingWindow) string { return intText(w.GranularityMinutes) }},
}

// joinText joins the text forms of vs with commas.
func joinText[T fmt.Stringer](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.String()
	}
	return strings.Join(s, ",")
}

// jsonText is the JSON of a map for the record of changes; "" when empty.
// encoding/json writes map keys sorted, so equal maps give equal text.
func jsonText[V any](m map[string]V) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // maps of strings, ints and string lists always marshal
	return string(b)
}

// FindBookingWindows returns every booking window, oldest first.
func (s *Store) FindBookingWindows(ctx context.Context) ([]*calendar.BookingWindow, error) {
	var out []*calendar.BookingWindow
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "booking windows", "booking window", scanBookingWindow, bookingWindowSelect+` ORDER BY id`)
		return err
	})
	return out, err
}

// FindBookingWindowByID returns the window, or ENOTFOUND.
func (s *Store) FindBookingWindowByID(ctx context.Context, id int64) (*calendar.BookingWindow, error) {
	var w *calendar.BookingWindow
	err := s.read(ctx, func(t *tx) (err error) {
		w, err = t.findBookingWindow(ctx, id)
		return err
	})
	return w, err
}

func (t *tx) findBookingWindow(ctx context.Context, id int64) (*calendar.BookingWindow, error) {
	w, err := scanBookingWindow(t.QueryRowContext(ctx, bookingWindowSelect+` WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "booking window %d does not exist", id)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find booking window: %w", err)
	}
	return w, nil
}

// normalizeBookingWindow puts a window's sets in one order, so that the
// same window always reads back the same and an update that only reorders
// changes nothing: weeks in time order, weekdays Monday first, hours by
// start, blackouts by first day, each attendee list sorted; duplicates of
// weeks, weekdays, hours and attendees are dropped. Bodies and rooms keep
// the order given (the order of rooms is the order of preference); a
// duplicate in them is an error (see checkBookingWindow).
func normalizeBookingWindow(w *calendar.BookingWindow) {
	slices.SortFunc(w.Weeks, func(a, b calendar.ISOWeek) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Week, b.Week))
	})
	w.Weeks = slices.Compact(w.Weeks)
	monFirst := func(d calendar.Weekday) int { return (int(d) + 6) % 7 }
	slices.SortFunc(w.Weekdays, func(a, b calendar.Weekday) int { return cmp.Compare(monFirst(a), monFirst(b)) })
	w.Weekdays = slices.Compact(w.Weekdays)
	slices.SortFunc(w.Hours, func(a, b calendar.TimeSpan) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	w.Hours = slices.Compact(w.Hours)
	slices.SortStableFunc(w.Blackouts, func(a, b calendar.DateRange) int {
		return cmp.Or(cmp.Compare(dayNumber(a.From), dayNumber(b.From)), cmp.Compare(dayNumber(a.To), dayNumber(b.To)))
	})
	for b, keys := range w.Attendees {
		keys = slices.Clone(keys)
		slices.Sort(keys)
		w.Attendees[b] = slices.Compact(keys)
	}
	emptyToNil(w)
}

// emptyToNil makes the optional lists and maps of w nil when they are
// empty, so that a window reads back exactly as it was written.
func emptyToNil(w *calendar.BookingWindow) {
	if len(w.Counts) == 0 {
		w.Counts = nil
	}
	if len(w.Attendees) == 0 {
		w.Attendees = nil
	}
	if len(w.Rooms) == 0 {
		w.Rooms = nil
	}
	if len(w.Blackouts) == 0 {
		w.Blackouts = nil
	}
}

// checkBookingWindow validates w and checks that its bodies, rooms and
// attendees exist, that no body or room is listed twice and that no
// attendee list is empty, listing every problem at once. All of it is
// EINVALID.
func (t *tx) checkBookingWindow(ctx context.Context, w *calendar.BookingWindow) error {
	var problems []string
	if err := w.Validate(); err != nil {
		var ce *calendar.Error
		if !errors.As(err, &ce) {
			return err
		}
		problems = append(problems, ce.Details...)
		if len(ce.Details) == 0 {
			problems = append(problems, ce.Message)
		}
	}
	twice := func(what string, list []string) {
		seen := map[string]bool{}
		for _, s := range list {
			if seen[s] {
				problems = append(problems, fmt.Sprintf("%s %q is listed twice", what, s))
			}
			seen[s] = true
		}
	}
	twice("body", w.Bodies)
	twice("room", w.Rooms)
	// Malformed slugs were reported by Validate; look up the others.
	valid := func(list []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return !calendar.ValidSlug(s) })
	}
	if _, err := t.bodyIDs(ctx, slices.Compact(valid(w.Bodies))); err != nil {
		if calendar.ErrorCode(err) != calendar.EINVALID {
			return err
		}
		problems = append(problems, calendar.ErrorMessage(err))
	}
	exists := func(table, column, what, value string) error {
		if _, err := t.idOf(ctx, table, column, what, value); err != nil {
			if calendar.ErrorCode(err) != calendar.EINVALID {
				return err
			}
			problems = append(problems, calendar.ErrorMessage(err))
		}
		return nil
	}
	for _, r := range slices.Compact(valid(w.Rooms)) {
		if err := exists("rooms", "slug", "room", r); err != nil {
			return err
		}
	}
	bodies := make([]string, 0, len(w.Attendees))
	for b := range w.Attendees {
		bodies = append(bodies, b)
	}
	slices.Sort(bodies)
	for _, b := range bodies {
		if len(w.Attendees[b]) == 0 {
			problems = append(problems, fmt.Sprintf("attendees of %q is empty: a body needs at least one person who must attend; leave the body out of attendees to take them from its members", b))
		}
		for _, p := range w.Attendees[b] {
			if !calendar.ValidSlug(p) {
				problems = append(problems, fmt.Sprintf("attendee %q of %q is not a valid person key", p, b))
				continue
			}
			if err := exists("people", "key", "person", p); err != nil {
				return err
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(problems)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: problems}
}

// CreateBookingWindow validates w, checks that its bodies, rooms and
// attendees exist (EINVALID naming them), and stores it with ID, CreatedAt
// and UpdatedAt set. Its lists are normalized (see normalizeBookingWindow).
func (s *Store) CreateBookingWindow(ctx context.Context, w *calendar.BookingWindow) error {
	normalizeBookingWindow(w)
	return s.write(ctx, func(t *tx) error {
		if err := t.checkBookingWindow(ctx, w); err != nil {
			return err
		}
		r, err := encodeBookingWindow(w)
		if err != nil {
			return err
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO booking_windows (name, weeks, bodies, counts, duration_minutes, weekdays, hours,
			rooms, deadline, buffer_minutes, blackouts, attendees, granularity_minutes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			w.Name, r.weeks, r.bodies, r.counts, w.DurationMinutes, r.weekdays, r.hours, r.rooms, dayNumber(w.Deadline),
			w.BufferMinutes, r.blackouts, r.attendees, w.GranularityMinutes, t.now.Unix()).Scan(&id)
		if err := t.check(err, "insert booking window", nil, nil); err != nil {
			return err
		}
		w.ID, w.CreatedAt, w.UpdatedAt = id, t.now, t.now
		return t.record(ctx, entityBookingWindow, id, calendar.ActionCreate, diff(bookingWindowColumns, nil, w))
	})
}

// UpdateBookingWindow replaces the settings of window id with w's (ID,
// CreatedAt and UpdatedAt of w are ignored), with the same checks as
// CreateBookingWindow, and returns the stored window. An update that
// changes nothing records no change and keeps UpdatedAt. An unknown id is
// ENOTFOUND.
func (s *Store) UpdateBookingWindow(ctx context.Context, id int64, w *calendar.BookingWindow) (*calendar.BookingWindow, error) {
	settings := cloneBookingWindow(w)
	return s.EditBookingWindow(ctx, id, func(x *calendar.BookingWindow) error {
		keep := *x
		*x = *cloneBookingWindow(settings)
		x.ID, x.CreatedAt, x.UpdatedAt = keep.ID, keep.CreatedAt, keep.UpdatedAt
		return nil
	})
}

// EditBookingWindow locks window id, reads it, lets edit change a copy of
// it, and stores the result with the checks of UpdateBookingWindow, all in
// one transaction: of two edits at once, the second edits what the first
// stored, so each keeps the fields it changed. edit's error is returned as
// it is and nothing is written. edit may run more than once (see write) and
// must not use the store. An unknown id is ENOTFOUND.
func (s *Store) EditBookingWindow(ctx context.Context, id int64, edit func(w *calendar.BookingWindow) error) (*calendar.BookingWindow, error) {
	var out *calendar.BookingWindow
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "booking_windows", "id", id, forUpdate); err != nil {
			return err
		}
		old, err := t.findBookingWindow(ctx, id)
		if err != nil {
			return err
		}
		nw := cloneBookingWindow(old)
		if err := edit(nw); err != nil {
			return err
		}
		// Whatever edit did, the window keeps its identity, and owns its
		// lists apart from anything edit holds on to.
		nw = cloneBookingWindow(nw)
		nw.ID, nw.CreatedAt, nw.UpdatedAt = old.ID, old.CreatedAt, old.UpdatedAt
		normalizeBookingWindow(nw)
		if err := t.checkBookingWindow(ctx, nw); err != nil {
			return err
		}
		f := diff(bookingWindowColumns, old, nw)
		if len(f) == 0 {
			out = old
			return nil
		}
		r, err := encodeBookingWindow(nw)
		if err != nil {
			return err
		}
		nw.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE booking_windows SET name = $1, weeks = $2, bodies = $3, counts = $4, duration_minutes = $5,
			weekdays = $6, hours = $7, rooms = $8, deadline = $9, buffer_minutes = $10, blackouts = $11, attendees = $12,
			granularity_minutes = $13, updated_at = $14 WHERE id = $15`,
			nw.Name, r.weeks, r.bodies, r.counts, nw.DurationMinutes, r.weekdays, r.hours, r.rooms, dayNumber(nw.Deadline),
			nw.BufferMinutes, r.blackouts, r.attendees, nw.GranularityMinutes, t.now.Unix(), id)
		if err := t.check(err, "update booking window", nil, nil); err != nil {
			return err
		}
		out = nw
		return t.record(ctx, entityBookingWindow, id, calendar.ActionUpdate, f)
	})
	return out, err
}

// cloneBookingWindow returns a copy of w that shares no list or map with
// it (the attendee lists included).
func cloneBookingWindow(w *calendar.BookingWindow) *calendar.BookingWindow {
	c := *w
	c.Weeks, c.Bodies, c.Weekdays = slices.Clone(w.Weeks), slices.Clone(w.Bodies), slices.Clone(w.Weekdays)
	c.Hours, c.Rooms, c.Blackouts = slices.Clone(w.Hours), slices.Clone(w.Rooms), slices.Clone(w.Blackouts)
	c.Counts = maps.Clone(w.Counts)
	if w.Attendees != nil {
		c.Attendees = make(map[string][]string, len(w.Attendees))
		for b, keys := range w.Attendees {
			c.Attendees[b] = slices.Clone(keys)
		}
	}
	return &c
}

// DeleteBookingWindow deletes the window, or returns ENOTFOUND. The
// meetings planned from it stay: once written they are meetings like any
// other.
func (s *Store) DeleteBookingWindow(ctx context.Context, id int64) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "booking_windows", "id", id, forDelete); err != nil {
			return err
		}
		w, err := t.findBookingWindow(ctx, id)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `DELETE FROM booking_windows WHERE id = $1`, id)
		if err := t.check(err, "delete booking window", nil, nil); err != nil {
			return err
		}
		return t.record(ctx, entityBookingWindow, id, calendar.ActionDelete, diff(bookingWindowColumns, w, nil))
	})
}
