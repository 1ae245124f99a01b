package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// Booking windows (bokningsveckor): the weeks in which bodies are to place
// their meetings, their suggestions and their plan.
//
// Reading a window needs no token when all its bodies are public; the
// attendees it lists (person keys) are then left out. Suggestions and plans
// show when people are busy, so they need the admin token like writes do.

// bookingWindowInput is the body of POST and PATCH; every field is
// optional in a PATCH.
type bookingWindowInput struct {
	Name               json.RawMessage `json:"name"`
	Weeks              json.RawMessage `json:"weeks"`
	Bodies             json.RawMessage `json:"bodies"`
	Counts             json.RawMessage `json:"counts"`
	DurationMinutes    json.RawMessage `json:"duration_minutes"`
	Weekdays           json.RawMessage `json:"weekdays"`
	Hours              json.RawMessage `json:"hours"`
	Rooms              json.RawMessage `json:"rooms"`
	Deadline           json.RawMessage `json:"deadline"`
	BufferMinutes      json.RawMessage `json:"buffer_minutes"`
	Blackouts          json.RawMessage `json:"blackouts"`
	Attendees          json.RawMessage `json:"attendees"`
	GranularityMinutes json.RawMessage `json:"granularity_minutes"`
}

// bookingWindowJSON is a window as read: its settings in the shape they
// are written, and what Samkal knows about it.
type bookingWindowJSON struct {
	ID              int64                `json:"id"`
	Name            string               `json:"name"`
	Weeks           []calendar.ISOWeek   `json:"weeks"`
	Bodies          []string             `json:"bodies"`
	Counts          map[string]int       `json:"counts"`
	DurationMinutes int                  `json:"duration_minutes"`
	Weekdays        []calendar.Weekday   `json:"weekdays"`
	Hours           []calendar.TimeSpan  `json:"hours"`
	Rooms           []string             `json:"rooms"`
	Deadline        calendar.Date        `json:"deadline"` // null when none
	BufferMinutes   int                  `json:"buffer_minutes"`
	Blackouts       []calendar.DateRange `json:"blackouts"`
	// Attendees are person keys: present for admins only.
	Attendees          *map[string][]string `json:"attendees,omitempty"`
	GranularityMinutes int                  `json:"granularity_minutes"`
	// Booked says per body whether it has its meetings in the window's
	// weeks, and which.
	Booked []windowBookingJSON `json:"booked"`
	// Warnings are what a secretary should know: weeks in the past, a
	// deadline passed with bodies unbooked, bodies that no longer exist.
	Warnings  []string `json:"warnings"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

type windowBookingJSON struct {
	Body string `json:"body"`
	// Wanted is how many meetings the window asks of the body.
	Wanted int  `json:"wanted"`
	Booked bool `json:"booked"`
	// Meetings are the body's meetings on the window's days, proposed or
	// confirmed.
	Meetings []bookedMeetingJSON `json:"meetings"`
}

type bookedMeetingJSON struct {
	ID     int64   `json:"id"`
	Key    string  `json:"key"`
	Start  string  `json:"start"`
	End    string  `json:"end"`
	Status string  `json:"status"`
	Room   *string `json:"room"`
	// PlannedByWindow marks the window's own proposals, which planning
	// the window again keeps where they are unless they break a hard rule.
	PlannedByWindow bool   `json:"planned_by_window"`
	URL             string `json:"url"`
}

// toBookingWindow renders w for a caller who sees v, with its bookings and
// warnings at now. bodies are the slugs of the stored bodies.
func (s *Server) toBookingWindow(w *calendar.BookingWindow, bookings []plan.WindowBooking, bodies map[string]bool, v *view) bookingWindowJSON {
	j := bookingWindowJSON{ID: w.ID, Name: w.Name, Weeks: nonNil(w.Weeks), Bodies: nonNil(w.Bodies), Counts: w.Counts,
		DurationMinutes: w.DurationMinutes, Weekdays: nonNil(w.Weekdays), Hours: nonNil(w.Hours), Rooms: nonNil(w.Rooms),
		Deadline: w.Deadline, BufferMinutes: w.BufferMinutes, Blackouts: nonNil(w.Blackouts),
		GranularityMinutes: int(w.Granularity().Minutes()), Booked: []windowBookingJSON{},
		CreatedAt: stamp(w.CreatedAt), UpdatedAt: stamp(w.UpdatedAt)}
	v = v.of(w.Bodies)
	if j.Counts == nil {
		j.Counts = map[string]int{}
	}
	if v.admin {
		a := w.Attendees
		if a == nil {
			a = map[string][]string{}
		}
		j.Attendees = &a
	}
	for _, b := range bookings {
		bj := windowBookingJSON{Body: b.Body, Wanted: b.Wanted, Booked: b.Done(), Meetings: []bookedMeetingJSON{}}
		for _, m := range b.Meetings {
			bj.Meetings = append(bj.Meetings, bookedMeetingJSON{ID: m.ID, Key: m.Key, Start: stamp(m.Start), End: stamp(m.End),
				Status: string(m.Status), Room: optSlug(m.Room), PlannedByWindow: plan.IsWindowMeeting(w.ID, m), URL: s.meetingURL(m.ID)})
		}
		j.Booked = append(j.Booked, bj)
	}
	j.Warnings = windowWarnings(w, bookings, bodies, s.now())
	return j
}

// windowWarnings are the notes a read of a window carries: the planner's
// (weeks in the past, a deadline passed, holidays left out), which bodies
// have not booked once the deadline has passed, and bodies that no longer
// exist.
func windowWarnings(w *calendar.BookingWindow, bookings []plan.WindowBooking, bodies map[string]bool, now time.Time) []string {
	out := slices.Clone((&plan.Problem{Window: w, Now: now}).Warnings())
	if !w.Deadline.IsZero() && w.Deadline.Before(calendar.DateOf(now)) {
		var open []string
		for _, b := range bookings {
			if !b.Done() {
				open = append(open, b.Body)
			}
		}
		if len(open) > 0 {
			out = append(out, fmt.Sprintf("not booked by the deadline: %s", strings.Join(open, ", ")))
		}
	}
	for _, b := range w.Bodies {
		if !bodies[b] {
			out = append(out, fmt.Sprintf("body %q no longer exists; remove it from the window before planning", b))
		}
	}
	return nonNil(out)
}

func pluralVerb(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// nonNil returns s, or an empty slice for nil, so that JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// windowFields applies the fields given in in to w, collecting problems in
// f. null resets an optional field (counts, rooms, deadline, buffer,
// blackouts, attendees, granularity) and is refused for a required one.
func windowFields(f *fields, in *bookingWindowInput, w *calendar.BookingWindow) {
	if v := value[string](f, "name", in.Name, false); v != nil {
		w.Name = *v
	}
	if v := value[[]calendar.ISOWeek](f, "weeks", in.Weeks, false); v != nil {
		w.Weeks = *v
	}
	if v := value[[]string](f, "bodies", in.Bodies, false); v != nil {
		w.Bodies = *v
	}
	if v := value[map[string]int](f, "counts", in.Counts, true); v != nil {
		w.Counts = *v
	}
	if v := value[int](f, "duration_minutes", in.DurationMinutes, false); v != nil {
		w.DurationMinutes = *v
	}
	if v := value[[]calendar.Weekday](f, "weekdays", in.Weekdays, false); v != nil {
		w.Weekdays = *v
	}
	if v := value[[]calendar.TimeSpan](f, "hours", in.Hours, false); v != nil {
		w.Hours = *v
	}
	if v := value[[]string](f, "rooms", in.Rooms, true); v != nil {
		w.Rooms = *v
	}
	if v := date(f, "deadline", in.Deadline); v != nil {
		w.Deadline = *v
	}
	if v := value[int](f, "buffer_minutes", in.BufferMinutes, true); v != nil {
		w.BufferMinutes = *v
	}
	if v := value[[]calendar.DateRange](f, "blackouts", in.Blackouts, true); v != nil {
		w.Blackouts = *v
	}
	if v := value[map[string][]string](f, "attendees", in.Attendees, true); v != nil {
		w.Attendees = *v
	}
	if v := value[int](f, "granularity_minutes", in.GranularityMinutes, true); v != nil {
		w.GranularityMinutes = *v
	}
	for i, h := range w.Hours {
		if h.From == 0 && h.To == 0 {
			f.add("Field \"hours\": entry %d has no from and to; write {\"from\": \"09:00\", \"to\": \"12:00\"}.", i+1)
		}
	}
	for i, b := range w.Blackouts {
		if b.From.IsZero() || b.To.IsZero() {
			f.add("Field \"blackouts\": entry %d needs from and to; write {\"from\": \"2025-07-01\", \"to\": \"2025-08-10\"}.", i+1)
		}
	}
}

// windowView loads what a read of windows needs: the caller's view and the
// stored bodies. It answers the problem itself and returns nil when the
// request cannot go on.
func (s *Server) windowView(w http.ResponseWriter, r *http.Request, q *query) (*view, map[string]bool) {
	v := s.readView(w, r, q)
	if v == nil {
		return nil, nil
	}
	bodies, err := s.bodySet(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return nil, nil
	}
	return v, bodies
}

// bodySet returns the slugs of the stored bodies.
func (s *Server) bodySet(ctx context.Context) (map[string]bool, error) {
	bodies, err := s.store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		return nil, err
	}
	slugs := make(map[string]bool, len(bodies))
	for _, b := range bodies {
		slugs[b.Slug] = true
	}
	return slugs, nil
}

// seesWindow: an admin sees every window, anyone else those whose bodies
// they all see (public, or theirs).
func (v *view) seesWindow(w *calendar.BookingWindow) bool {
	if v.admin {
		return true
	}
	for _, b := range w.Bodies {
		if !v.seesBody(b) {
			return false
		}
	}
	return true
}

// renderWindow reads the window's bookings and renders it.
func (s *Server) renderWindow(ctx context.Context, w *calendar.BookingWindow, bodies map[string]bool, v *view) (bookingWindowJSON, error) {
	bookings, err := plan.FindWindowBookings(ctx, s.store, w)
	if err != nil {
		return bookingWindowJSON{}, err
	}
	return s.toBookingWindow(w, bookings, bodies, v), nil
}

// listBookingWindows answers every window the caller may see, oldest first.
func (s *Server) listBookingWindows(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams()...)
	pg := readPager(q)
	v, bodies := s.windowView(w, r, q)
	if v == nil {
		return
	}
	ws, err := s.store.FindBookingWindows(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ws = slices.DeleteFunc(ws, func(x *calendar.BookingWindow) bool { return !v.seesWindow(x) })
	// Paged before rendering: a window's answer reads its bookings.
	ws, next := pageOf(r, pg, ws, func(x *calendar.BookingWindow) string { return numKey(x.ID) })
	out := make([]bookingWindowJSON, 0, len(ws))
	for _, x := range ws {
		j, err := s.renderWindow(r.Context(), x, bodies, v)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		out = append(out, j)
	}
	l := newList(out)
	l.Next = next
	JSONOK(w, l)
}

// findWindow reads the window named by the path that the caller may see; a
// window with a restricted body is not found for the public.
func (s *Server) findWindow(ctx context.Context, v *view, r *http.Request) (*calendar.BookingWindow, error) {
	id, err := pathID(r, "booking window")
	if err != nil {
		return nil, err
	}
	x, err := s.store.FindBookingWindowByID(ctx, id)
	if err == nil && !v.seesWindow(x) {
		err = calendar.Errorf(calendar.ENOTFOUND, "booking window %d does not exist", id)
	}
	return x, err
}

func (s *Server) getBookingWindow(w http.ResponseWriter, r *http.Request) {
	v, bodies := s.windowView(w, r, newQuery(r))
	if v == nil {
		return
	}
	x, err := s.findWindow(r.Context(), v, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	j, err := s.renderWindow(r.Context(), x, bodies, v)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, j)
}

func (s *Server) createBookingWindow(w http.ResponseWriter, r *http.Request) {
	var in bookingWindowInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	x := &calendar.BookingWindow{}
	windowFields(&f, &in, x)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.mayChange(w, r, x.Bodies...) {
		return
	}
	if err := s.store.CreateBookingWindow(r.Context(), x); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.answerWindow(w, r, x, http.StatusCreated)
}

func (s *Server) updateBookingWindow(w http.ResponseWriter, r *http.Request) {
	var in bookingWindowInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	id, err := pathID(r, "booking window")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsWindow(w, r, id) {
		return
	}
	// The fields are merged into the window as the store holds it locked,
	// so that two PATCHes at once each keep theirs. The bodies it ends
	// with must be the caller's too.
	p := principalOf(r)
	u, err := s.store.EditBookingWindow(r.Context(), id, func(x *calendar.BookingWindow) error {
		var f fields
		windowFields(&f, &in, x)
		if err := f.err(); err != nil {
			return err
		}
		if !p.Change(x.Bodies...) {
			return calendar.Errorf(calendar.EFORBIDDEN, "you may plan only for bodies you are secretary of; %s are not all yours", strings.Join(x.Bodies, ", "))
		}
		return nil
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.answerWindow(w, r, u, http.StatusOK)
}

// answerWindow answers a written window as an admin reads it.
func (s *Server) answerWindow(w http.ResponseWriter, r *http.Request, x *calendar.BookingWindow, status int) {
	bodies, err := s.bodySet(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	j, err := s.renderWindow(r.Context(), x, bodies, s.keeperView(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if status == http.StatusCreated {
		JSONCreated(w, "/api/v1/booking-windows/"+strconv.FormatInt(x.ID, 10), j)
		return
	}
	JSONOK(w, j)
}

func (s *Server) deleteBookingWindow(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "booking window")
	if err == nil && !s.keepsWindow(w, r, id) {
		return
	}
	if err == nil {
		err = s.store.DeleteBookingWindow(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// busyRead starts a read that shows when people are busy: for admins, and
// for the secretaries of bodies (nil: admins only); see internalRead.
func (s *Server) busyRead(w http.ResponseWriter, r *http.Request, q *query, what string, bodies func() ([]string, error)) bool {
	return s.internalRead(w, r, q, what+" show when people are busy and need the admin token or a secretary's sign-in: send \"Authorization: Bearer TOKEN\".", bodies)
}

type suggestionJSON struct {
	Start   string   `json:"start"`
	End     string   `json:"end"`
	Room    *string  `json:"room"` // null: digital
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

// suggestions answers free slots for one body of the window, best first:
// ?body=SLUG (required) and ?limit= (1–200, default 20).
func (s *Server) suggestions(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "body", "limit")
	body := q.slug("body")
	limit := q.integer("limit", 1, 200)
	if _, given := q.v["body"]; !given {
		q.add("Query parameter body is required: the slug of one of the window's bodies, e.g. ?body=lansdel-norr.")
	}
	if !s.busyRead(w, r, q, "Suggestions", func() ([]string, error) {
		if body == nil {
			return nil, nil
		}
		return []string{*body}, nil
	}) {
		return
	}
	ctx := r.Context()
	x, err := s.findWindow(ctx, s.keeperView(r), r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n := 20
	if limit != nil {
		n = *limit
	}
	sg, err := plan.SuggestWindow(ctx, s.store, x, *body, s.now(), n)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]suggestionJSON, 0, len(sg))
	for _, g := range sg {
		out = append(out, suggestionJSON{Start: stamp(g.Start), End: stamp(g.End), Room: optSlug(g.Room), Score: g.Score, Reasons: nonNil(g.Reasons)})
	}
	JSONOK(w, newList(out))
}

type assignmentJSON struct {
	Body       string   `json:"body"`
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Room       *string  `json:"room"` // null: digital
	Score      float64  `json:"score"`
	Reasons    []string `json:"reasons"`
	Violations []string `json:"violations"`
	// Kept marks a meeting the window laid in earlier that stays where it
	// is: re-planning moves only what breaks a hard rule.
	Kept bool `json:"kept"`
}

type conflictJSON struct {
	Bodies []string        `json:"bodies"`
	People []string        `json:"people"`
	Rooms  []string        `json:"rooms"`
	Days   []calendar.Date `json:"days"`
	Reason string          `json:"reason"`
}

// alreadyBookedJSON is a body left out of a plan because it is booked.
type alreadyBookedJSON struct {
	Body     string  `json:"body"`
	Meetings []int64 `json:"meetings"`
}

type planJSON struct {
	Window      int64            `json:"window"`
	Feasible    bool             `json:"feasible"`
	Exact       bool             `json:"exact"`
	Score       float64          `json:"score"`
	Assignments []assignmentJSON `json:"assignments"`
	Conflicts   []conflictJSON   `json:"conflicts"`
	// AlreadyBooked are the bodies that have booked their meetings in the window
	// otherwise than by this window's plan: they are not planned again.
	AlreadyBooked []alreadyBookedJSON `json:"already_booked"`
	Warnings      []string            `json:"warnings"`
	// Created holds the ids of the plan's meetings, with apply=true only.
	Created *[]int64 `json:"created,omitempty"`
}

func toPlan(id int64, wp *plan.WindowPlan) planJSON {
	res := wp.Result
	j := planJSON{Window: id, Feasible: res.Feasible, Exact: res.Exact, Score: res.Score, Assignments: []assignmentJSON{},
		Conflicts: []conflictJSON{}, AlreadyBooked: []alreadyBookedJSON{}, Warnings: nonNil(wp.Warnings)}
	for _, a := range res.Assignments {
		j.Assignments = append(j.Assignments, assignmentJSON{Body: a.Body, Start: stamp(a.Start), End: stamp(a.End), Room: optSlug(a.Room),
			Score: a.Score, Reasons: nonNil(a.Reasons), Violations: nonNil(a.Violations), Kept: a.Kept})
	}
	for _, c := range res.Conflicts {
		j.Conflicts = append(j.Conflicts, conflictJSON{Bodies: nonNil(c.Bodies), People: nonNil(c.People), Rooms: nonNil(c.Rooms),
			Days: nonNil(c.Days), Reason: c.Reason})
	}
	for _, b := range wp.AlreadyBooked {
		sk := alreadyBookedJSON{Body: b.Body, Meetings: []int64{}}
		for _, m := range b.Meetings {
			sk.Meetings = append(sk.Meetings, m.ID)
		}
		j.AlreadyBooked = append(j.AlreadyBooked, sk)
		j.Warnings = append(j.Warnings, fmt.Sprintf("body %q has booked its %s in the window already and is not planned again",
			b.Body, pluralVerb(b.Wanted, "meeting", "meetings")))
	}
	return j
}

// planWindow plans the window: POST /booking-windows/{id}/plan. With
// ?apply=true it also writes the plan as proposed meetings, all in one
// transaction with the planning, and refuses (409) a plan that breaks hard
// rules. A window beyond the planning limits (calendar.MaxWindowStarts …)
// is refused with 400 naming the limit; a client that goes away stops the
// search at once (see Server.requestEnded).
func (s *Server) planWindow(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "apply")
	apply := false
	if v := q.one("apply"); v != nil {
		switch *v {
		case "true":
			apply = true
		case "false":
		default:
			q.add("Query parameter apply=%q must be true or false.", *v)
		}
	}
	if err := q.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	x, err := s.findWindow(ctx, s.keeperView(r), r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsWindow(w, r, x.ID) {
		return
	}
	var wp *plan.WindowPlan
	var created []*calendar.Meeting
	if !apply {
		// Only reading: no transaction, which on SQLite would hold the
		// write lock for as long as the search runs.
		wp, err = plan.PlanWindow(ctx, s.store, x, s.now(), plan.Options{})
	} else {
		err = s.store.InTx(ctx, func(tx calendar.Store) error {
			var err error
			if wp, err = plan.PlanWindow(ctx, tx, x, s.now(), plan.Options{}); err != nil {
				return err
			}
			created, err = plan.ApplyWindowPlan(ctx, tx, x, wp.Result)
			return err
		})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	j := toPlan(x.ID, wp)
	if apply {
		ids := make([]int64, 0, len(created))
		for _, m := range created {
			ids = append(ids, m.ID)
		}
		j.Created = &ids
		s.wrote()
	}
	JSONOK(w, j)
}
