package plan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The kinds of Clash.
const (
	// ClashPerson: someone who must attend is called to two meetings that
	// overlap.
	ClashPerson = "person"
	// ClashRoom: a room is used by two meetings that overlap.
	ClashRoom = "room"
	// ClashHoliday: a meeting lies on a Swedish public holiday or on
	// midsommarafton, julafton or nyårsafton (see Holiday).
	ClashHoliday = "holiday"
	// ClashHours: a timed meeting lies outside UsualHours, or outside the
	// hours of a booking window that contains it.
	ClashHours = "hours"
	// ClashWeekend: a meeting lies on a Saturday or Sunday that is not a
	// holiday (a holiday is reported as such).
	ClashWeekend = "weekend"
	// ClashCannotDo: someone who must attend said, on the "kan inte" page
	// of a booking window that contains the meeting, that they cannot do
	// a half day the meeting overlaps (MeetingClashes only).
	ClashCannotDo = "kan-inte"
)

// UsualHours is the part of the day in which the region's bodies meet. A
// timed meeting that starts before 07:00, ends after 19:00 or runs past
// midnight is reported as a ClashHours: no body of the seed documents meets
// outside it, so such a meeting is worth a second look (it may be a typing
// error, 19:00 for 09:00).
var UsualHours = calendar.TimeSpan{From: 7 * 60, To: 19 * 60}

// maxClashSpan bounds the period of one clash report, so that a request
// cannot make the server read the whole database many times over.
const maxClashSpan = 10 * 366 * 24 * time.Hour

// Clash is one finding of a clash report: what a secretary checks before
// publishing an årsplan.
type Clash struct {
	// Kind is one of ClashPerson, ClashRoom, ClashHoliday, ClashHours and
	// ClashWeekend.
	Kind string `json:"kind"`
	// Day is the day of the finding: for two overlapping meetings the day
	// on which the overlap begins, for a holiday or weekend the day itself,
	// for hours the day the meeting starts.
	Day calendar.Date `json:"day"`
	// Meetings are the ids of the meetings involved, ascending.
	Meetings []int64 `json:"meetings"`
	// Person is the key of the double-booked person (ClashPerson only).
	Person string `json:"person,omitempty"`
	// Room is the slug of the double-booked room (ClashRoom only).
	Room string `json:"room,omitempty"`
	// Detail says it in a Swedish sentence for the secretary, e.g. "Maria
	// Lindborg är kallad till två möten samtidigt: …".
	Detail string `json:"detail"`
}

// FindClashes lists every clash among the non-cancelled meetings and events
// that overlap [from, to):
//
//   - ClashPerson: a person who must attend two meetings that overlap.
//     Who must attend a meeting is everyone with a membership in one of its
//     bodies in one of calendar.BlockingRoles, active on the day the meeting
//     starts; ersättare and gäster are not counted. A joint meeting is one
//     meeting, so sitting in two of its bodies is no clash. One Clash is
//     reported per person and pair of meetings.
//   - ClashRoom: a room used by two meetings that overlap. The store refuses
//     to book a room twice (ECONFLICT), so this finds only what came in
//     around that check – rows written by hand or by an older version – and
//     is reported all the same, since a secretary must know.
//   - ClashHoliday and ClashWeekend: every day of [from, to) that a
//     meeting or event covers and that is a holiday (see Holiday), or else
//     a Saturday or Sunday.
//   - ClashHours: a timed meeting outside UsualHours (07:00–19:00), or
//     outside the hours of a booking window that contains it: one of whose
//     bodies the meeting belongs to, in one of whose weeks it starts. All-day
//     events have no hours and are not checked.
//
// The result is ordered by day, kind, meetings, then person and room, so
// that the same state always gives the same report; it is empty (not nil)
// when nothing clashes. EINVALID when from or to is missing, to is not
// after from, or the period is longer than ten years.
func FindClashes(ctx context.Context, store calendar.Store, from, to time.Time) ([]Clash, error) {
	switch {
	case from.IsZero() || to.IsZero():
		return nil, calendar.Errorf(calendar.EINVALID, "a clash report needs both from and to")
	case !to.After(from):
		return nil, calendar.Errorf(calendar.EINVALID, "to (%s) must be after from (%s)",
			calendar.In(to).Format(time.RFC3339), calendar.In(from).Format(time.RFC3339))
	case to.Sub(from) > maxClashSpan:
		return nil, calendar.Errorf(calendar.EINVALID, "a clash report covers at most ten years; ask for a shorter period")
	}
	meetings, err := store.FindMeetings(ctx, calendar.MeetingFilter{From: &from, To: &to,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}})
	if err != nil {
		return nil, err
	}
	clashes := []Clash{}
	if len(meetings) == 0 {
		return clashes, nil
	}
	dir, err := loadDirectory(ctx, store)
	if err != nil {
		return nil, err
	}
	windows, err := store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	clashes = append(clashes, overlapClashes(dir, meetings)...)
	first, last := calendar.DateOf(from), calendar.DateOf(to.Add(-time.Nanosecond))
	for _, m := range meetings {
		clashes = append(clashes, dayClashes(dir, m, first, last)...)
		if c, ok := hoursClash(dir, windows, m); ok {
			clashes = append(clashes, c)
		}
	}
	slices.SortFunc(clashes, func(a, b Clash) int {
		return cmp.Or(cmp.Compare(a.Day.String(), b.Day.String()), cmp.Compare(a.Kind, b.Kind),
			slices.Compare(a.Meetings, b.Meetings), cmp.Compare(a.Person, b.Person), cmp.Compare(a.Room, b.Room))
	})
	return clashes, nil
}

// overlapClashes finds the people and rooms booked twice among meetings,
// which FindMeetings gives ordered by start.
func overlapClashes(dir *directory, meetings []*calendar.Meeting) []Clash {
	attend := make([]map[string]calendar.Role, len(meetings))
	for i, m := range meetings {
		attend[i] = dir.mustAttend(m.Bodies, calendar.DateOf(m.Start))
	}
	var out []Clash
	for i, a := range meetings {
		// Sorted by start: the meetings that begin before a ends are the
		// only ones that can overlap it.
		for j := i + 1; j < len(meetings) && meetings[j].Start.Before(a.End); j++ {
			b := meetings[j]
			if !a.Overlaps(b) {
				continue
			}
			ids := []int64{a.ID, b.ID}
			slices.Sort(ids)
			day := calendar.DateOf(b.Start) // b starts no earlier than a
			for _, p := range sharedKeys(attend[i], attend[j]) {
				out = append(out, Clash{Kind: ClashPerson, Day: day, Meetings: ids, Person: p,
					Detail: fmt.Sprintf("%s är kallad till två möten samtidigt: %s (som %s) och %s (som %s).",
						dir.personName(p), dir.describe(a), attend[i][p].SwedishName(),
						dir.describe(b), attend[j][p].SwedishName())})
			}
			if a.Room != "" && a.Room == b.Room {
				out = append(out, Clash{Kind: ClashRoom, Day: day, Meetings: ids, Room: a.Room,
					Detail: fmt.Sprintf("%s är bokad för två möten samtidigt: %s och %s.",
						dir.roomName(a.Room), dir.describe(a), dir.describe(b))})
			}
		}
	}
	return out
}

// dayClashes reports the holidays and weekend days between first and last
// (inclusive) on which m lies.
func dayClashes(dir *directory, m *calendar.Meeting, first, last calendar.Date) []Clash {
	from, to := calendar.DateOf(m.Start), calendar.DateOf(m.End.Add(-time.Nanosecond))
	if from.Before(first) {
		from = first
	}
	if last.Before(to) {
		to = last
	}
	// A meeting of several days says which of them is meant.
	which := func(calendar.Date) string { return "" }
	if calendar.DateOf(m.Start) != calendar.DateOf(m.End.Add(-time.Nanosecond)) {
		which = func(d calendar.Date) string { return " (" + swedishDate(d, true) + ")" }
	}
	var out []Clash
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if name, ok := Holiday(d); ok {
			out = append(out, Clash{Kind: ClashHoliday, Day: d, Meetings: []int64{m.ID},
				Detail: fmt.Sprintf("%s ligger på %s%s.", capitalize(dir.describe(m)), holidayInText(name), which(d))})
		} else if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			out = append(out, Clash{Kind: ClashWeekend, Day: d, Meetings: []int64{m.ID},
				Detail: fmt.Sprintf("%s ligger på en %s%s.", capitalize(dir.describe(m)), calendar.SwedishWeekday(wd), which(d))})
		}
	}
	return out
}

// hoursClash reports a timed meeting outside UsualHours or outside the
// hours of a booking window that contains it.
func hoursClash(dir *directory, windows []*calendar.BookingWindow, m *calendar.Meeting) (Clash, bool) {
	if m.AllDay {
		return Clash{}, false
	}
	day := calendar.DateOf(m.Start)
	start, end := clockOf(m.Start), clockOf(m.End)
	sameDay := calendar.DateOf(m.End) == day
	var why []string
	if !sameDay || start < UsualHours.From || end > UsualHours.To {
		why = append(why, "utanför "+swedishSpan(UsualHours))
	}
	for _, w := range windows {
		if !windowContains(w, m.Bodies, day) {
			continue
		}
		inside := slices.ContainsFunc(w.Hours, func(h calendar.TimeSpan) bool {
			return sameDay && h.From <= start && end <= h.To
		})
		if !inside {
			spans := make([]string, len(w.Hours))
			for i, h := range w.Hours {
				spans[i] = swedishSpan(h)
			}
			why = append(why, fmt.Sprintf("utanför tiderna för bokningsveckorna ”%s” (%s)", w.Name, strings.Join(spans, ", ")))
		}
	}
	if len(why) == 0 {
		return Clash{}, false
	}
	return Clash{Kind: ClashHours, Day: day, Meetings: []int64{m.ID},
		Detail: fmt.Sprintf("%s ligger %s.", capitalize(dir.describe(m)), swedishList(why))}, true
}

// windowContains reports whether a meeting of bodies that starts on day is
// one the booking window w governs.
func windowContains(w *calendar.BookingWindow, bodies []string, day calendar.Date) bool {
	return slices.Contains(w.Weeks, calendar.ISOWeekOf(day)) &&
		slices.ContainsFunc(bodies, func(b string) bool { return slices.Contains(w.Bodies, b) })
}

// directory holds what the clash report and the year planner need to know
// about people, bodies and rooms: who must attend which body when, and the
// names to write in Swedish sentences.
type directory struct {
	blocking map[string][]*calendar.Membership // by body slug: memberships in BlockingRoles
	people   map[string]string                 // person key → name
	bodies   map[string]string                 // body slug → name
	rooms    map[string]string                 // room slug → name
}

func loadDirectory(ctx context.Context, store calendar.Store) (*directory, error) {
	members, err := store.FindMemberships(ctx, calendar.MembershipFilter{})
	if err != nil {
		return nil, err
	}
	people, err := store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	bodies, err := store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		return nil, err
	}
	rooms, err := store.FindRooms(ctx)
	if err != nil {
		return nil, err
	}
	d := &directory{blocking: map[string][]*calendar.Membership{}, people: map[string]string{},
		bodies: map[string]string{}, rooms: map[string]string{}}
	for _, m := range members {
		if slices.Contains(calendar.BlockingRoles, m.Role) {
			d.blocking[m.Body] = append(d.blocking[m.Body], m)
		}
	}
	for _, p := range people {
		d.people[p.Key] = p.Name
	}
	for _, b := range bodies {
		d.bodies[b.Slug] = b.Name
	}
	for _, r := range rooms {
		d.rooms[r.Slug] = r.Name
	}
	return d, nil
}

// mustAttend returns who must attend a meeting of bodies on day, with the
// role that obliges them (for one person in several of the bodies, the
// role in the first body that has one, in the order of calendar.Roles).
func (d *directory) mustAttend(bodies []string, day calendar.Date) map[string]calendar.Role {
	out := map[string]calendar.Role{}
	for _, b := range bodies {
		for _, m := range d.blocking[b] {
			if !m.ActiveOn(day) {
				continue
			}
			if r, ok := out[m.Person]; !ok || slices.Index(calendar.Roles, m.Role) < slices.Index(calendar.Roles, r) {
				out[m.Person] = m.Role
			}
		}
	}
	return out
}

func (d *directory) personName(key string) string { return cmp.Or(d.people[key], key) }
func (d *directory) roomName(slug string) string  { return cmp.Or(d.rooms[slug], slug) }
func (d *directory) bodyName(slug string) string  { return cmp.Or(d.bodies[slug], slug) }

// label names a meeting: its title, or its bodies' names.
func (d *directory) label(m *calendar.Meeting) string {
	if m.Title != "" {
		return m.Title
	}
	names := make([]string, len(m.Bodies))
	for i, b := range m.Bodies {
		names[i] = cmp.Or(d.bodies[b], b)
	}
	if len(names) == 0 {
		return fmt.Sprintf("möte %d", m.ID)
	}
	return swedishList(names)
}

// describe names a meeting and when it is: "Chefsgrupp folkhälsa, tis 21
// jan 2025 kl. 13.00–16.30".
func (d *directory) describe(m *calendar.Meeting) string {
	return d.label(m) + ", " + swedishWhen(m.Start, m.End, m.AllDay)
}

// sharedKeys returns the keys of both maps, sorted.
func sharedKeys(a, b map[string]calendar.Role) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// clockOf returns the Swedish wall-clock time of day of t.
func clockOf(t time.Time) calendar.Clock {
	t = calendar.In(t)
	return calendar.Clock(t.Hour()*60 + t.Minute())
}

var (
	swedishMonths   = [...]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
	swedishWeekdays = [...]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"}
)

// swedishDate writes a day as Swedish text does: "tor 29 maj 2025", or
// without the year: "tor 29 maj".
func swedishDate(d calendar.Date, withYear bool) string {
	s := fmt.Sprintf("%s %d %s", swedishWeekdays[d.Weekday()], d.Day, swedishMonths[d.Month-1])
	if withYear {
		s += fmt.Sprintf(" %d", d.Year)
	}
	return s
}

// swedishClock writes a time of day as Swedish text does: "13.00".
func swedishClock(c calendar.Clock) string { return strings.Replace(c.String(), ":", ".", 1) }

// swedishSpan writes "09.00–12.00".
func swedishSpan(s calendar.TimeSpan) string {
	return swedishClock(s.From) + "–" + swedishClock(s.To)
}

// swedishWhen writes when a meeting is: "tis 21 jan 2025 kl. 13.00–16.30",
// "fre 18 okt 2024 (heldag)", or with both days when it spans several.
func swedishWhen(start, end time.Time, allDay bool) string {
	first := calendar.DateOf(start)
	if allDay {
		last := calendar.DateOf(end).AddDays(-1)
		if last == first || last.Before(first) {
			return swedishDate(first, true) + " (heldag)"
		}
		return swedishDate(first, first.Year != last.Year) + " – " + swedishDate(last, true) + " (heldag)"
	}
	endDay := calendar.DateOf(end)
	if endDay == first {
		return swedishDate(first, true) + " kl. " + swedishSpan(calendar.TimeSpan{From: clockOf(start), To: clockOf(end)})
	}
	return swedishDate(first, true) + " kl. " + swedishClock(clockOf(start)) + " – " +
		swedishDate(endDay, endDay.Year != first.Year) + " kl. " + swedishClock(clockOf(end))
}

// swedishList joins "a", "a och b", "a, b och c".
func swedishList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " och " + items[len(items)-1]
}

// holidayInText writes a holiday's name as it stands inside a sentence:
// "på midsommarafton", but "på Kristi himmelsfärdsdag" and "på Sveriges
// nationaldag", which hold proper names.
func holidayInText(name string) string {
	if strings.HasPrefix(name, "Kristi ") || strings.HasPrefix(name, "Sveriges ") {
		return name
	}
	for i, r := range name {
		return strings.ToLower(string(r)) + name[i+len(string(r)):]
	}
	return name
}

// capitalize upper-cases the first letter of a sentence.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// MeetingClashes lists what FindClashes would report about m if it were
// saved as it is: the people who must attend it and another meeting at the
// same time, a room taken, a holiday or weekend day, hours outside the
// usual ones or a booking window's; and, beyond FindClashes, a half day
// someone who must attend said they cannot do in a booking window that
// contains m (ClashCannotDo). m may be unsaved (ID 0) or an existing
// meeting with changed fields: the stored version of it is left out of the
// comparison. A cancelled m clashes with nothing. Secretaries see these
// before they save, and save anyway only by choice.
func MeetingClashes(ctx context.Context, store calendar.Store, m *calendar.Meeting) ([]Clash, error) {
	out := []Clash{}
	if m.Status == calendar.StatusCancelled || m.Start.IsZero() || !m.End.After(m.Start) {
		return out, nil
	}
	from, to := m.Start, m.End
	others, err := store.FindMeetings(ctx, calendar.MeetingFilter{From: &from, To: &to,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}})
	if err != nil {
		return nil, err
	}
	dir, err := loadDirectory(ctx, store)
	if err != nil {
		return nil, err
	}
	windows, err := store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	mine := dir.mustAttend(m.Bodies, calendar.DateOf(m.Start))
	for _, o := range others {
		if o.ID == m.ID || !m.Overlaps(o) {
			continue
		}
		ids := []int64{o.ID}
		if m.ID != 0 {
			ids = append(ids, m.ID)
			slices.Sort(ids)
		}
		day := calendar.DateOf(m.Start)
		if o.Start.After(m.Start) {
			day = calendar.DateOf(o.Start)
		}
		theirs := dir.mustAttend(o.Bodies, calendar.DateOf(o.Start))
		for _, p := range sharedKeys(mine, theirs) {
			out = append(out, Clash{Kind: ClashPerson, Day: day, Meetings: ids, Person: p,
				Detail: fmt.Sprintf("%s är redan kallad till %s (som %s) samtidigt.",
					dir.personName(p), dir.describe(o), theirs[p].SwedishName())})
		}
		if m.Room != "" && m.Room == o.Room {
			out = append(out, Clash{Kind: ClashRoom, Day: day, Meetings: ids, Room: m.Room,
				Detail: fmt.Sprintf("%s är redan bokad för %s.", dir.roomName(m.Room), dir.describe(o))})
		}
	}
	out = append(out, dayClashes(dir, m, calendar.DateOf(m.Start), calendar.DateOf(m.End.Add(-time.Nanosecond)))...)
	if c, ok := hoursClash(dir, windows, m); ok {
		out = append(out, c)
	}
	cannot, err := cannotDoClashes(ctx, store, dir, windows, m)
	if err != nil {
		return nil, err
	}
	return append(out, cannot...), nil
}

// cannotDoClashes reports, for each booking window that contains m, the
// half days m overlaps that someone who must attend m's bodies in the
// window said they cannot do: "Maria Lindborg kan inte tis 9 sep fm (svar
// för bokningsveckorna ”Hösten 2025”)."
func cannotDoClashes(ctx context.Context, store calendar.Store, dir *directory, windows []*calendar.BookingWindow, m *calendar.Meeting) ([]Clash, error) {
	var out []Clash
	var ids []int64
	if m.ID != 0 {
		ids = []int64{m.ID}
	}
	day := calendar.DateOf(m.Start)
	var blocking []*calendar.Membership
	for _, w := range windows {
		if !windowContains(w, m.Bodies, day) {
			continue
		}
		answers, err := store.FindAvailabilities(ctx, w.ID)
		if err != nil {
			return nil, err
		}
		if len(answers) == 0 {
			continue
		}
		if blocking == nil {
			for _, ms := range dir.blocking {
				blocking = append(blocking, ms...)
			}
		}
		att := WindowAttendees(w, blocking)
		for _, a := range answers {
			if !slices.ContainsFunc(m.Bodies, func(b string) bool { return slices.Contains(att[b], a.Person) }) {
				continue
			}
			for _, h := range a.CannotDo {
				start, end := h.Half.Span(h.Day)
				if m.Start.Before(end) && start.Before(m.End) {
					out = append(out, Clash{Kind: ClashCannotDo, Day: h.Day, Meetings: slices.Clone(ids), Person: a.Person,
						Detail: fmt.Sprintf("%s kan inte %s (svar för bokningsveckorna ”%s”).", dir.personName(a.Person), h.ShortSwedish(), w.Name)})
				}
			}
		}
	}
	return out, nil
}
