package plan

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// This file is the bridge between the store and the planner: Load reads a
// Problem for a booking window, FindWindowBookings tells which of its
// bodies are booked, PlanWindow plans what is still unbooked, and
// ApplyWindowPlan writes a plan as proposed meetings.
//
// # The window's own meetings
//
// A plan that is applied becomes proposed meetings whose key is
// "bw{window id}-{body}-{n}" (see WindowMeetingKey), e.g.
// "bw3-lansdel-norr-1". Such a meeting is the window's own as long as it is
// still proposed: planning the window again ignores it (it does not block
// its own people or room, and does not count as the body's booking), and
// applying again replaces it. Once a secretary confirms it, or moves it to
// another status, it is a booking like any other: it blocks, it books its
// body, and re-applying leaves it alone. The prefix ends with a hyphen, so
// window 1's meetings ("bw1-…") are never mistaken for window 12's.

// habitSpan is how far back Load looks for a body's habits (its usual
// weekday and start), and existingMonths how far around the window it
// collects the body's meetings for an even spread.
const (
	habitSpan      = 365 * 24 * time.Hour
	existingMonths = 6 // months before and after the window
)

// WindowKeyPrefix returns "bw{id}-", the start of the keys of the meetings
// that window id plans.
func WindowKeyPrefix(id int64) string { return "bw" + strconv.FormatInt(id, 10) + "-" }

// WindowMeetingKey returns the key of the n-th meeting (from 1) that window
// id plans for body, e.g. "bw3-lansdel-norr-1". The body part is shortened
// when the key would be longer than a key may be (100 characters).
func WindowMeetingKey(id int64, body string, n int) string {
	prefix, suffix := WindowKeyPrefix(id), "-"+strconv.Itoa(n)
	if room := 100 - len(prefix) - len(suffix); len(body) > room {
		body = strings.TrimRight(body[:room], "-")
	}
	return prefix + body + suffix
}

// IsWindowMeeting reports whether m is window id's own planned meeting: its
// key starts with WindowKeyPrefix(id) and it is still proposed. A window
// that is not stored (id 0) has no meetings of its own.
func IsWindowMeeting(id int64, m *calendar.Meeting) bool {
	return id > 0 && m.Status == calendar.StatusProposed && strings.HasPrefix(m.Key, WindowKeyPrefix(id))
}

// ownMeeting reports whether m is window w's own planned meeting (see
// IsWindowMeeting) of one of its bodies. The meetings of a body taken out
// of the window are the body's now: they block as any meeting, and stay
// where they are, as when the window is deleted.
func ownMeeting(w *calendar.BookingWindow, m *calendar.Meeting) bool {
	return IsWindowMeeting(w.ID, m) && slices.ContainsFunc(m.Bodies, func(b string) bool { return slices.Contains(w.Bodies, b) })
}

// Load builds the Problem of window w from store, as seen at now.
//
//   - Demands: one per body of the window, in the window's order, with
//     Count from w.Count. Attendees are w.Attendees[body] when the window
//     overrides them, else the people whose membership of the body has a
//     role in calendar.BlockingRoles and holds on at least one day of the
//     window. UsualWeekday and UsualStart are the most common weekday and
//     start of the body's timed meetings in the year before the window
//     (ties go to the most recent); Existing holds the starts of the body's
//     meetings from six months before the window to six months after it.
//   - Busy: every meeting that is not cancelled and touches the window's
//     days or the day before or after them, with People the blocking
//     members of its bodies on its day, and its room; the busy periods
//     from the attendees' own calendars (see OwnCalendarLabel); and every
//     half day that someone who must attend said on the window's "kan
//     inte" page that they cannot do (see addCannotDo), a hard rule
//     without buffer.
//
// The window's own planned meetings of its bodies (see IsWindowMeeting)
// are left out of Busy, so that planning again does not clash with the
// previous plan (PlanWindow then adds back those it keeps); those of a
// body no longer in the window block as any meeting.
//
// Errors are EINVALID: the window fails calendar's Validate, names a body,
// room or attendee that does not exist, or has a body with nobody who must
// attend. Store failures come back as they are.
func Load(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, now time.Time) (*Problem, error) {
	if w == nil {
		return nil, calendar.Errorf(calendar.EINVALID, "no booking window given")
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	days := w.Days()
	first, last := days[0], days[len(days)-1]

	bodies, err := store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(bodies))
	for _, b := range bodies {
		names[b.Slug] = b.Name
	}
	roomNames, err := checkReferences(ctx, store, w, names)
	if err != nil {
		return nil, err
	}
	ms, err := store.FindMemberships(ctx, calendar.MembershipFilter{})
	if err != nil {
		return nil, err
	}
	members := make(map[string][]*calendar.Membership)
	for _, m := range ms {
		if slices.Contains(calendar.BlockingRoles, m.Role) {
			members[m.Body] = append(members[m.Body], m)
		}
	}

	p := &Problem{Window: w, Now: now, BodyNames: names, RoomNames: roomNames}
	// The body's meetings from a year before the window to six months
	// after it: its habits and its spread come from them.
	from := first.Start().Add(-habitSpan)
	if f := first.Start().AddDate(0, -existingMonths, 0); f.Before(from) {
		from = f
	}
	to := last.AddDays(1).Start().AddDate(0, existingMonths, 0)
	history, err := store.FindMeetings(ctx, calendar.MeetingFilter{
		Bodies: w.Bodies, From: &from, To: &to,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed},
	})
	if err != nil {
		return nil, err
	}
	for _, body := range w.Bodies {
		d := Demand{Body: body, Count: w.Count(body)}
		if keys, ok := w.Attendees[body]; ok {
			d.Attendees = sortedSet(keys)
		} else {
			d.Attendees = activeMembers(members[body], first, last)
		}
		if len(d.Attendees) == 0 {
			return nil, nobodyMustAttend(w, body, names[body])
		}
		var own []*calendar.Meeting
		for _, m := range history {
			if slices.Contains(m.Bodies, body) && !IsWindowMeeting(w.ID, m) {
				own = append(own, m)
			}
		}
		d.UsualWeekday, d.UsualStart = habits(own, first.Start().Add(-habitSpan), first.Start())
		around := first.Start().AddDate(0, -existingMonths, 0)
		for _, m := range own {
			if !m.Start.Before(around) {
				d.Existing = append(d.Existing, m.Start)
			}
		}
		p.Demands = append(p.Demands, d)
	}

	busyFrom, busyTo := first.AddDays(-1).Start(), last.AddDays(2).Start()
	around, err := store.FindMeetings(ctx, calendar.MeetingFilter{
		From: &busyFrom, To: &busyTo,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed},
	})
	if err != nil {
		return nil, err
	}
	for _, m := range around {
		if ownMeeting(w, m) {
			continue
		}
		day := calendar.DateOf(m.Start)
		var people []string
		for _, b := range m.Bodies {
			for _, ms := range members[b] {
				if ms.ActiveOn(day) {
					people = append(people, ms.Person)
				}
			}
		}
		p.Busy = append(p.Busy, Busy{Start: m.Start, End: m.End, People: sortedSet(people), Room: m.Room,
			Bodies: slices.Clone(m.Bodies), MeetingID: m.ID, Label: meetingLabel(m, names)})
	}
	if err := addOwnBusy(ctx, store, p, busyFrom, busyTo); err != nil {
		return nil, err
	}
	answers, err := cannotDoAnswers(ctx, store, w.ID)
	if err != nil {
		return nil, err
	}
	// Reasons and conflicts name people as a secretary knows them. (The
	// last read: planning follows.)
	everyone, err := store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	p.Names = make(map[string]string, len(everyone))
	for _, person := range everyone {
		p.Names[person.Key] = person.Name
	}
	p.addCannotDo(answers)
	return p, nil
}

// OwnCalendarLabel names, in reasons and conflicts, a time an attendee is
// busy in their own calendar (calendar.BusyFeed). It says nothing of what
// the time is: the periods are never shown.
const OwnCalendarLabel = "upptagen i egen kalender"

// addOwnBusy adds the attendees' busy periods from their own calendars
// that overlap [from, to) to p.Busy: one person-only entry each, with no
// room, meeting or body.
func addOwnBusy(ctx context.Context, store calendar.Store, p *Problem, from, to time.Time) error {
	var people []string
	for _, d := range p.Demands {
		people = append(people, d.Attendees...)
	}
	own, err := store.FindBusyPeriods(ctx, sortedSet(people), from, to)
	if err != nil {
		return err
	}
	for _, key := range slices.Sorted(maps.Keys(own)) {
		for _, b := range own[key] {
			p.Busy = append(p.Busy, Busy{Start: b.Start, End: b.End, People: []string{key}, Label: OwnCalendarLabel})
		}
	}
	return nil
}

// cannotDoAnswers reads the "kan inte" answers of window id; a window not
// stored (id 0) has none.
func cannotDoAnswers(ctx context.Context, store calendar.Store, id int64) ([]*calendar.Availability, error) {
	if id <= 0 {
		return nil, nil
	}
	return store.FindAvailabilities(ctx, id)
}

// addCannotDo adds to p's Busy, for every person who must attend one of
// its bodies and has answered (answers), each half day they cannot do
// (calendar.Half.Span: fm before 12.00, em from 12.00) as a Busy period of
// that person alone with the Reason "Maria Lindborg kan inte tis 9 sep
// fm". Answers of others (no longer members, or not asked by the window's
// attendees) are left out.
func (p *Problem) addCannotDo(answers []*calendar.Availability) {
	if len(answers) == 0 {
		return
	}
	attends := map[string]bool{}
	for _, d := range p.Demands {
		for _, a := range d.Attendees {
			attends[a] = true
		}
	}
	for _, a := range answers {
		if !attends[a.Person] {
			continue
		}
		name := cmpName(p.Names, a.Person)
		for _, h := range a.CannotDo {
			start, end := h.Half.Span(h.Day)
			reason := name + " kan inte " + h.ShortSwedish()
			p.Busy = append(p.Busy, Busy{Start: start, End: end, People: []string{a.Person}, Label: reason, Reason: reason})
		}
	}
}

// checkReferences reports, all at once, the bodies, rooms and attendees of
// w that the store does not have. The store checks them when a window is
// saved; a window read from a file, or one whose body was deleted since,
// is checked here.
//
// It returns the display names of the window's rooms.
func checkReferences(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, bodies map[string]string) (map[string]string, error) {
	var problems []string
	roomNames := map[string]string{}
	for _, b := range w.Bodies {
		if _, ok := bodies[b]; !ok {
			problems = append(problems, fmt.Sprintf("body %q of the booking window does not exist", b))
		}
	}
	if len(w.Rooms) > 0 {
		rooms, err := store.FindRooms(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range rooms {
			roomNames[x.Slug] = x.Name
		}
		for _, r := range w.Rooms {
			if !slices.ContainsFunc(rooms, func(x *calendar.Room) bool { return x.Slug == r }) {
				problems = append(problems, fmt.Sprintf("room %q of the booking window does not exist", r))
			}
		}
	}
	var people []string
	for _, b := range w.Bodies {
		people = append(people, w.Attendees[b]...)
	}
	for _, key := range sortedSet(people) {
		if _, err := store.FindPersonByKey(ctx, key); calendar.IsNotFound(err) {
			problems = append(problems, fmt.Sprintf("attendee %q of the booking window does not exist", key))
		} else if err != nil {
			return nil, err
		}
	}
	if len(problems) == 0 {
		return roomNames, nil
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(problems)-1)
	}
	return nil, &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: problems}
}

// activeMembers returns the people of ms (blocking memberships of one body)
// whose membership holds on at least one day from first to last.
func activeMembers(ms []*calendar.Membership, first, last calendar.Date) []string {
	var keys []string
	for _, m := range ms {
		startsAfter := !m.From.IsZero() && last.Before(m.From)
		endedBefore := !m.Until.IsZero() && m.Until.Before(first)
		if !startsAfter && !endedBefore {
			keys = append(keys, m.Person)
		}
	}
	return sortedSet(keys)
}

// nobodyMustAttend is the EINVALID error for a body without attendees.
func nobodyMustAttend(w *calendar.BookingWindow, body, name string) error {
	roles := make([]string, len(calendar.BlockingRoles))
	for i, r := range calendar.BlockingRoles {
		roles[i] = r.SwedishName()
	}
	what := fmt.Sprintf("%q", body)
	if name != "" {
		what = fmt.Sprintf("%q (%s)", body, name)
	}
	if _, ok := w.Attendees[body]; ok {
		return calendar.Errorf(calendar.EINVALID, "body %s has nobody who must attend: its attendees list in the booking window is empty", what)
	}
	return calendar.Errorf(calendar.EINVALID,
		"body %s has nobody who must attend in %s: none of its members is %s then; add such a member, or list the body's attendees in the booking window",
		what, weekRange(w), strings.Join(roles, ", "))
}

// weekRange names the window's weeks, e.g. "2025-W37–2025-W38".
func weekRange(w *calendar.BookingWindow) string {
	days := w.Days()
	a, b := calendar.ISOWeekOf(days[0]), calendar.ISOWeekOf(days[len(days)-1])
	if a == b {
		return "week " + a.String()
	}
	return "weeks " + a.String() + "–" + b.String()
}

// habits returns the most common weekday and the most common start of the
// timed meetings in ms that start in [from, to); ties go to the value of the
// most recent meeting. Both are nil when there is no such meeting.
func habits(ms []*calendar.Meeting, from, to time.Time) (*time.Weekday, *calendar.Clock) {
	type tally struct {
		n    int
		last time.Time
	}
	days, starts := map[time.Weekday]*tally{}, map[calendar.Clock]*tally{}
	count := func(t *tally, at time.Time) *tally {
		if t == nil {
			t = &tally{}
		}
		t.n++
		if at.After(t.last) {
			t.last = at
		}
		return t
	}
	for _, m := range ms {
		if m.AllDay || m.Start.Before(from) || !m.Start.Before(to) {
			continue
		}
		s := calendar.In(m.Start)
		days[s.Weekday()] = count(days[s.Weekday()], s)
		c := calendar.Clock(s.Hour()*60 + s.Minute())
		starts[c] = count(starts[c], s)
	}
	if len(days) == 0 {
		return nil, nil
	}
	better := func(a, b *tally) bool { return a.n > b.n || (a.n == b.n && a.last.After(b.last)) }
	var day time.Weekday
	var bestDay *tally
	for d, t := range days {
		if bestDay == nil || better(t, bestDay) {
			day, bestDay = d, t
		}
	}
	var start calendar.Clock
	var bestStart *tally
	for c, t := range starts {
		if bestStart == nil || better(t, bestStart) {
			start, bestStart = c, t
		}
	}
	return &day, &start
}

// meetingLabel names a meeting in Swedish for explanations: its title, or
// its bodies' names, then its day and start, e.g. "Chefsgrupp folkhälsa
// 2025-12-02 13.00".
func meetingLabel(m *calendar.Meeting, names map[string]string) string {
	name := m.Title
	if name == "" {
		ns := make([]string, len(m.Bodies))
		for i, b := range m.Bodies {
			ns[i] = cmp.Or(names[b], b)
		}
		name = strings.Join(ns, " + ")
	}
	if name == "" {
		name = "Möte"
	}
	s := calendar.In(m.Start)
	if m.AllDay {
		return fmt.Sprintf("%s %s (heldag)", name, calendar.DateOf(s))
	}
	return fmt.Sprintf("%s %s %s", name, calendar.DateOf(s), s.Format("15.04"))
}

// sortedSet returns the distinct values of s, sorted.
func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// WindowBooking is what one body of a window has on the window's days.
type WindowBooking struct {
	Body string
	// Wanted is how many meetings the window asks of the body.
	Wanted int
	// Meetings are the body's meetings on the window's days that are not
	// cancelled, in time order, the window's own planned ones included.
	Meetings []*calendar.Meeting
	// Planned counts the window's own planned meetings among Meetings,
	// Booked the others.
	Planned, Booked int
}

// Done reports whether the body has as many meetings on the window's days
// as the window asks for, planned by the window or booked otherwise.
func (b *WindowBooking) Done() bool { return b.Planned+b.Booked >= b.Wanted }

// FindWindowBookings returns, for each body of w in the window's order, its
// meetings on the window's days: the window knows which of its bodies are
// booked.
func FindWindowBookings(ctx context.Context, store calendar.Store, w *calendar.BookingWindow) ([]WindowBooking, error) {
	days := w.Days()
	if len(days) == 0 || len(w.Bodies) == 0 {
		return nil, nil
	}
	from, to := days[0].Start(), days[len(days)-1].AddDays(1).Start()
	ms, err := store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: w.Bodies, From: &from, To: &to,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}})
	if err != nil {
		return nil, err
	}
	out := make([]WindowBooking, len(w.Bodies))
	for i, body := range w.Bodies {
		b := WindowBooking{Body: body, Wanted: w.Count(body)}
		for _, m := range ms {
			if !slices.Contains(m.Bodies, body) {
				continue
			}
			b.Meetings = append(b.Meetings, m)
			if IsWindowMeeting(w.ID, m) {
				b.Planned++
			} else {
				b.Booked++
			}
		}
		out[i] = b
	}
	return out, nil
}

// WindowPlan is the plan of what a window still has to place.
type WindowPlan struct {
	// Problem is what was planned: the window less what is booked already;
	// nil when every body is booked.
	Problem *Problem
	Result  *Result
	// Bookings are the window's bodies with their meetings (see
	// FindWindowBookings); AlreadyBooked those left out of the plan because
	// meetings booked otherwise than by this window cover what it asks.
	Bookings      []WindowBooking
	AlreadyBooked []WindowBooking
	// Warnings are the problem's and the result's, without repeats.
	Warnings []string
	// Kept are the meetings the window laid in earlier that stay where
	// they are, and Moved those that must move because they now break a
	// hard rule, each with its reasons in Swedish. The kept are in Result
	// too, as assignments marked Kept.
	Kept, Moved []Placed
}

// PlanWindow plans w: it leaves out what the window's bodies have booked on
// its days already, loads the rest (see Load), validates it and solves it.
// A body that asks for two meetings and has one booked gets one planned.
// The window's own meetings from an earlier plan stay where they are
// unless they now break a hard rule (see Problem.Breaks): only those, and
// what is still missing, are planned again, so that calendars do not
// churn.
//
// Errors are those of Load, Problem.Validate and Solve.
func PlanWindow(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, now time.Time, opts Options) (*WindowPlan, error) {
	if w == nil {
		return nil, calendar.Errorf(calendar.EINVALID, "no booking window given")
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	bookings, err := FindWindowBookings(ctx, store, w)
	if err != nil {
		return nil, err
	}
	wp := &WindowPlan{Bookings: bookings}
	rest := *w
	rest.Bodies, rest.Counts, rest.Attendees = nil, nil, nil
	for _, b := range bookings {
		left := b.Wanted - b.Booked
		if left <= 0 {
			wp.AlreadyBooked = append(wp.AlreadyBooked, b)
			continue
		}
		rest.Bodies = append(rest.Bodies, b.Body)
		if left != 1 {
			if rest.Counts == nil {
				rest.Counts = map[string]int{}
			}
			rest.Counts[b.Body] = left
		}
		if keys, ok := w.Attendees[b.Body]; ok {
			if rest.Attendees == nil {
				rest.Attendees = map[string][]string{}
			}
			rest.Attendees[b.Body] = keys
		}
	}
	if len(rest.Bodies) == 0 {
		wp.Result = &Result{Feasible: true, Exact: true}
		return wp, nil
	}
	p, err := Load(ctx, store, &rest, now)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	own := map[string][]*calendar.Meeting{}
	for _, b := range bookings {
		for _, m := range b.Meetings {
			if IsWindowMeeting(w.ID, m) {
				own[b.Body] = append(own[b.Body], m)
			}
		}
	}
	wp.Kept, wp.Moved = p.keepPlaced(own)
	res := &Result{Feasible: true, Exact: true, Warnings: p.Warnings()}
	if len(p.Demands) > 0 {
		if res, err = Solve(ctx, p, opts); err != nil {
			return nil, err
		}
	}
	for _, k := range wp.Kept {
		res.Assignments = append(res.Assignments, keptAssignment(k))
	}
	slices.SortStableFunc(res.Assignments, func(x, y Assignment) int {
		return cmp.Or(cmp.Compare(slices.Index(w.Bodies, x.Body), slices.Index(w.Bodies, y.Body)), x.Start.Compare(y.Start))
	})
	wp.Problem, wp.Result = p, res
	for _, s := range slices.Concat(p.Warnings(), res.Warnings) {
		if !slices.Contains(wp.Warnings, s) {
			wp.Warnings = append(wp.Warnings, s)
		}
	}
	return wp, nil
}

// ApplyWindowPlan writes res, a plan of the stored window w, as proposed
// meetings, all in one transaction: the n-th meeting of a body gets the key
// WindowMeetingKey(w.ID, body, n) (n skips keys that meetings other than
// the window's own already have). A kept assignment (Kept, or one at the
// very time and room of one of the window's own meetings) keeps that
// meeting and its key, untouched. The window's other meetings from an
// earlier plan are moved to the new times where their key is used again,
// and deleted where it is not, so that applying twice never duplicates and
// applying the same plan again changes nothing. A meeting without a room
// is given the location "Digitalt". It returns the plan's meetings in the
// order of res.Assignments.
//
// It refuses, with ECONFLICT listing the conflicts, a plan that is not
// feasible, and with EINVALID a window that is not stored (ID 0). The store
// may refuse a meeting (a room booked meanwhile: ECONFLICT); then nothing is
// written.
func ApplyWindowPlan(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, res *Result) ([]*calendar.Meeting, error) {
	if w == nil || w.ID <= 0 {
		return nil, calendar.Errorf(calendar.EINVALID, "only a stored booking window can be applied: save the window first")
	}
	if res == nil {
		return nil, calendar.Errorf(calendar.EINVALID, "no plan to apply")
	}
	if !res.Feasible {
		e := calendar.Errorf(calendar.ECONFLICT, "the plan breaks hard rules, so nothing was written: %s", conflictSummary(res))
		for _, c := range res.Conflicts {
			e.Details = append(e.Details, c.Reason)
		}
		return nil, e
	}
	var out []*calendar.Meeting
	err := store.InTx(ctx, func(tx calendar.Store) error {
		out = nil // InTx may run this again after a deadlock
		proposed, err := tx.FindMeetings(ctx, calendar.MeetingFilter{Status: []calendar.MeetingStatus{calendar.StatusProposed}})
		if err != nil {
			return err
		}
		own := map[string]*calendar.Meeting{}
		for _, m := range proposed {
			if ownMeeting(w, m) {
				own[m.Key] = m
			}
		}
		keys, err := assignmentKeys(ctx, tx, w.ID, res.Assignments, own)
		if err != nil {
			return err
		}
		for key, m := range own {
			if !slices.Contains(keys, key) {
				if err := tx.DeleteMeeting(ctx, m.ID); err != nil {
					return err
				}
				delete(own, key)
			}
		}
		// Meetings that move let go of their rooms first, so that two of
		// them may swap rooms or times without the store seeing a room
		// booked twice in between.
		for i, a := range res.Assignments {
			if m := own[keys[i]]; m != nil && m.Room != "" && !a.Kept && !sameSlot(m, a) {
				empty := ""
				if _, err := tx.UpdateMeeting(ctx, m.ID, calendar.MeetingUpdate{Room: &empty}); err != nil {
					return err
				}
			}
		}
		for i, a := range res.Assignments {
			location := ""
			if a.Room == "" {
				location = "Digitalt"
			}
			notes := fmt.Sprintf("Förslag från bokningsveckorna %q.", w.Name)
			if m := own[keys[i]]; m != nil && (a.Kept || sameSlot(m, a)) {
				out = append(out, m) // where it is: not written again
				continue
			}
			if m := own[keys[i]]; m != nil {
				start, end, room := a.Start, a.End, a.Room
				u, err := tx.UpdateMeeting(ctx, m.ID, calendar.MeetingUpdate{Start: &start, End: &end, Room: &room,
					Location: &location, Notes: &notes, Bodies: &[]string{a.Body}})
				if err != nil {
					return err
				}
				out = append(out, u)
				continue
			}
			m := &calendar.Meeting{Key: keys[i], Kind: calendar.KindMeeting, Bodies: []string{a.Body}, Start: a.Start, End: a.End,
				Status: calendar.StatusProposed, Room: a.Room, Location: location, Notes: notes}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// assignmentKeys returns the key of each assignment: per body, in time
// order, WindowMeetingKey with n = 1, 2, … skipping keys that a meeting
// other than the window's own (one in own) already has.
func assignmentKeys(ctx context.Context, store calendar.Store, id int64, as []Assignment, own map[string]*calendar.Meeting) ([]string, error) {
	order := make([]int, len(as))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Or(cmp.Compare(as[i].Body, as[j].Body), as[i].Start.Compare(as[j].Start))
	})
	keys := make([]string, len(as))
	// A kept meeting keeps its key; so does one that the plan leaves
	// where it is.
	taken := map[string]bool{}
	for _, i := range order {
		for key, m := range own {
			if !taken[key] && slices.Contains(m.Bodies, as[i].Body) && sameSlot(m, as[i]) {
				keys[i], taken[key] = key, true
				break
			}
		}
	}
	next := map[string]int{}
	for _, i := range order {
		body := as[i].Body
		for keys[i] == "" {
			next[body]++
			key := WindowMeetingKey(id, body, next[body])
			if taken[key] {
				continue
			}
			if own[key] != nil {
				keys[i] = key
				break
			}
			_, err := store.FindMeetingByKey(ctx, key)
			if calendar.IsNotFound(err) {
				keys[i] = key
				break
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

// sameSlot reports whether m already has a's time and room.
func sameSlot(m *calendar.Meeting, a Assignment) bool {
	return m.Start.Equal(a.Start) && m.End.Equal(a.End) && m.Room == a.Room
}

// conflictSummary is the first conflict's reason, or a count of the
// violated rules when the solver gave no conflict.
func conflictSummary(res *Result) string {
	if len(res.Conflicts) > 0 {
		s := res.Conflicts[0].Reason
		if n := len(res.Conflicts) - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more conflicts)", n)
		}
		return s
	}
	n := 0
	for _, a := range res.Assignments {
		n += len(a.Violations)
	}
	return fmt.Sprintf("%d hard rules are broken", n)
}

// SuggestWindow ranks free slots for one body of window w (see
// Problem.Suggest), best first, at most limit (0: all). It plans the body
// alone, so that another body without attendees does not stand in its way;
// the window's own proposals of the other bodies block as meetings do,
// while the body's own proposal does not, so that its current slot is among
// the suggestions.
//
// EINVALID when body is not in the window, and the errors of Load.
func SuggestWindow(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, body string, now time.Time, limit int) ([]Suggestion, error) {
	if w == nil {
		return nil, calendar.Errorf(calendar.EINVALID, "no booking window given")
	}
	if !slices.Contains(w.Bodies, body) {
		return nil, calendar.Errorf(calendar.EINVALID, "body %q is not in booking window %q; its bodies are %s", body, w.Name, strings.Join(w.Bodies, ", "))
	}
	one := *w
	one.ID = 0 // every proposal of the window blocks …
	one.Bodies, one.Counts, one.Attendees = []string{body}, nil, nil
	if n, ok := w.Counts[body]; ok {
		one.Counts = map[string]int{body: n}
	}
	if keys, ok := w.Attendees[body]; ok {
		one.Attendees = map[string][]string{body: keys}
	}
	p, err := Load(ctx, store, &one, now)
	if err != nil {
		return nil, err
	}
	// The people's answers are the stored window's.
	answers, err := cannotDoAnswers(ctx, store, w.ID)
	if err != nil {
		return nil, err
	}
	p.addCannotDo(answers)
	// … except the body's own.
	bookings, err := FindWindowBookings(ctx, store, &one)
	if err != nil {
		return nil, err
	}
	var own []int64
	var starts []time.Time
	for _, m := range bookings[0].Meetings {
		if IsWindowMeeting(w.ID, m) {
			own, starts = append(own, m.ID), append(starts, m.Start)
		}
	}
	p.Busy = slices.DeleteFunc(p.Busy, func(b Busy) bool { return slices.Contains(own, b.MeetingID) })
	p.Demands[0].Existing = slices.DeleteFunc(p.Demands[0].Existing, func(t time.Time) bool {
		return slices.ContainsFunc(starts, t.Equal)
	})
	return p.Suggest(body, limit)
}

// ProposalKey returns the key of a proposed meeting of body on day, as
// årsplan files name meetings: "chefsgrupp-folkhalsa-2026-01-20".
func ProposalKey(body string, day calendar.Date) string {
	suffix := "-" + day.String()
	if room := 100 - len(suffix); len(body) > room {
		body = strings.TrimRight(body[:room], "-")
	}
	return body + suffix
}

// ApplyProposals writes next year's proposals (see ProposeYear) as proposed
// meetings of body, in one transaction. Each gets the key ProposalKey(body,
// its day); a proposal whose key a stored meeting already has is left as
// it is and returned in existing, so that applying the same proposals
// twice never duplicates. It returns the meetings created and those that
// existed, in the order of ps.
//
// The store's errors come back as they are (an unknown body or room is
// EINVALID, a room booked meanwhile ECONFLICT); then nothing is written.
func ApplyProposals(ctx context.Context, store calendar.Store, body string, ps []Proposal) (created, existing []*calendar.Meeting, err error) {
	err = store.InTx(ctx, func(tx calendar.Store) error {
		created, existing = nil, nil
		for _, p := range ps {
			key := ProposalKey(body, calendar.DateOf(p.Start))
			m, err := tx.FindMeetingByKey(ctx, key)
			if err == nil {
				existing = append(existing, m)
				continue
			}
			if !calendar.IsNotFound(err) {
				return err
			}
			m = &calendar.Meeting{Key: key, Kind: calendar.KindMeeting, Bodies: []string{body}, Start: p.Start, End: p.End,
				Status: calendar.StatusProposed, Room: p.Room, Location: p.Location, OnlineURL: p.OnlineURL, Title: p.Title,
				Notes: strings.Join(p.Reasons, "\n")}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			created = append(created, m)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return created, existing, nil
}

// CandidateDays returns the days on which window w may place a meeting:
// its weeks' days on its weekdays, less holidays and blackouts. They are
// the days the "kan inte" page asks about.
func CandidateDays(w *calendar.BookingWindow) []calendar.Date {
	days, _, _ := allowedDays(w)
	return days
}

// WindowAttendees returns, per body of w, who must attend it by Load's
// rule: w.Attendees[body] when the window overrides them, else the people
// whose membership in ms (all memberships, or those of the bodies) has a
// role in calendar.BlockingRoles and holds on a day of the window.
func WindowAttendees(w *calendar.BookingWindow, ms []*calendar.Membership) map[string][]string {
	days := w.Days()
	out := make(map[string][]string, len(w.Bodies))
	if len(days) == 0 {
		return out
	}
	members := map[string][]*calendar.Membership{}
	for _, m := range ms {
		if slices.Contains(calendar.BlockingRoles, m.Role) && slices.Contains(w.Bodies, m.Body) {
			members[m.Body] = append(members[m.Body], m)
		}
	}
	for _, body := range w.Bodies {
		if keys, ok := w.Attendees[body]; ok {
			out[body] = sortedSet(keys)
		} else {
			out[body] = activeMembers(members[body], days[0], days[len(days)-1])
		}
	}
	return out
}
