package calendar

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ISOWeek is an ISO 8601 week such as 2025-W37, the unit in which
// secretaries are asked to place meetings ("läggas v 37–38").
type ISOWeek struct {
	Year int
	Week int
}

var isoWeekPattern = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseISOWeek parses "2025-W37". It rejects weeks the year does not have
// (2025-W53, 2025-W54; 2026-W53 exists) and years outside MinYear–MaxYear.
func ParseISOWeek(s string) (ISOWeek, error) {
	m := isoWeekPattern.FindStringSubmatch(s)
	if m == nil {
		return ISOWeek{}, Errorf(EINVALID, "%s is not an ISO week of the form YYYY-Www (e.g. 2025-W37)", quote(s))
	}
	y, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	if err := CheckYear(y); err != nil {
		return ISOWeek{}, Errorf(EINVALID, "ISO week %s: %s", s, err.Message)
	}
	if w < 1 || w > WeeksInISOYear(y) {
		return ISOWeek{}, Errorf(EINVALID, "ISO week %s does not exist: %d has weeks 1–%d", s, y, WeeksInISOYear(y))
	}
	return ISOWeek{y, w}, nil
}

// WeeksInISOYear returns 52 or 53: a year has week 53 when 28 December
// (always in the last week) falls in week 53.
func WeeksInISOYear(year int) int {
	_, w := time.Date(year, 12, 28, 12, 0, 0, 0, Location).ISOWeek()
	return w
}

// ISOWeekOf returns the ISO week of day d.
func ISOWeekOf(d Date) ISOWeek { y, w := d.ISOWeek(); return ISOWeek{y, w} }

// Monday returns the first day of the week.
func (w ISOWeek) Monday() Date {
	// 4 January is always in week 1.
	jan4 := Date{w.Year, time.January, 4}
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDays(-offset + 7*(w.Week-1))
}

// Days returns the seven days Monday to Sunday.
func (w ISOWeek) Days() []Date {
	mon := w.Monday()
	days := make([]Date, 7)
	for i := range days {
		days[i] = mon.AddDays(i)
	}
	return days
}

// String returns "2025-W37".
func (w ISOWeek) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// MarshalText writes "2025-W37".
func (w ISOWeek) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText parses "2025-W37".
func (w *ISOWeek) UnmarshalText(b []byte) error {
	v, err := ParseISOWeek(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Clock is a wall-clock time of day in minutes after midnight; its text form
// is "09:00".
type Clock int

// clockPattern is a time of day: an hour of one or two digits, a colon or
// a full stop, two digits of minutes.
var clockPattern = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// ParseClock parses "09:00" (or "9.00", as Swedish text writes it). The
// hour must be written: ".30" is no time of day.
func ParseClock(s string) (Clock, error) {
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, Errorf(EINVALID, "%s is not a time of day of the form HH:MM", quote(s))
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	return Clock(h*60 + min), nil
}

// String returns "09:00".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// On returns the instant at c on day d in Europe/Stockholm.
func (c Clock) On(d Date) time.Time { return d.At(int(c)/60, int(c)%60) }

// MarshalText writes "09:00".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses "09:00".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// TimeSpan is a span of the day, e.g. 09:00–12:00.
type TimeSpan struct {
	From Clock `json:"from"`
	To   Clock `json:"to"`
}

// DateRange is a span of days, both ends included, e.g. a blackout period.
type DateRange struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Contains reports whether d lies in r.
func (r DateRange) Contains(d Date) bool { return !d.Before(r.From) && !r.To.Before(d) }

// weekdayNames are the short English names used in the API ("mon" … "sun").
var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Weekday is a time.Weekday whose text form is "mon" … "sun".
type Weekday time.Weekday

// ParseWeekday parses "mon" … "sun" (also Swedish "mån" … "sön").
func ParseWeekday(s string) (Weekday, error) {
	s = strings.ToLower(s)
	if i := slices.Index(weekdayNames, s); i >= 0 {
		return Weekday(i), nil
	}
	if i := slices.Index([]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"}, s); i >= 0 {
		return Weekday(i), nil
	}
	return 0, Errorf(EINVALID, "%s is not a weekday; use mon, tue, wed, thu, fri, sat or sun", quote(s))
}

// String returns "mon" … "sun".
func (w Weekday) String() string { return weekdayNames[int(w)%7] }

// MarshalText writes "mon" … "sun".
func (w Weekday) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText parses "mon" … "sun".
func (w *Weekday) UnmarshalText(b []byte) error {
	v, err := ParseWeekday(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// SwedishWeekday returns the Swedish name of a weekday ("måndag").
func SwedishWeekday(d time.Weekday) string {
	return [...]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}[d]
}

// BookingWindow (bokningsveckor) is a set of ISO weeks in which the listed
// bodies are to place their meetings, with the rules a secretary gives:
// length, weekdays, hours, rooms, a deadline and a buffer between two
// meetings of the same person.
type BookingWindow struct {
	ID     int64
	Name   string
	Weeks  []ISOWeek
	Bodies []string // body slugs
	// Counts gives a body more than one meeting in the window; absent = 1.
	Counts          map[string]int
	DurationMinutes int
	Weekdays        []Weekday
	Hours           []TimeSpan
	// Rooms are candidate room slugs; empty means the meetings are digital.
	Rooms    []string
	Deadline Date
	// BufferMinutes is the least time between two meetings of one person.
	BufferMinutes int
	// Blackouts are periods in which nothing may be placed (summer weeks …).
	Blackouts []DateRange
	// Attendees overrides, per body slug, who must attend (person keys);
	// without it they are derived from memberships (see BlockingRoles).
	Attendees map[string][]string
	// GranularityMinutes is the step between candidate start times; 0 = 15.
	GranularityMinutes int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// BlockingRoles are the roles whose holders must attend, so that their
// other meetings block a slot: ersättare and gäster do not block.
var BlockingRoles = []Role{RoleChair, RoleViceChair, RoleSecretary, RoleMember, RoleContactPerson, RoleOfficial}

// Count returns how many meetings body is to have in the window.
func (w *BookingWindow) Count(body string) int {
	if n, ok := w.Counts[body]; ok {
		return n
	}
	return 1
}

// Granularity returns the step between candidate start times.
func (w *BookingWindow) Granularity() time.Duration {
	if w.GranularityMinutes <= 0 {
		return 15 * time.Minute
	}
	return time.Duration(w.GranularityMinutes) * time.Minute
}

// Limits of a booking window. Planning costs time and memory in proportion
// to the meetings asked for times the candidate start times (every start on
// the granularity inside the hours, on every day of the weeks that falls on
// one of the weekdays), so a window may not ask for more than these. They
// allow every realistic use with room to spare (measured in
// docs/benchmarks.md, "Planning: limits and cancellation"):
//
//   - a region's partner and länsdel meetings "v 37–38, v 48–49": 6 bodies,
//     12 meetings of 3 hours, 20 days × 4 start times (960 placements);
//   - next year's årsplan of a body: 53 weeks of weekdays 08.00–17.00 at
//     5 minutes, 20 meetings of 3 hours (19,345 start times, 386,900
//     placements);
//   - the country benchmark, 1,260 bodies and 1,386 meetings in two weeks
//     (166,320 placements).
//
// At the limits the planner holds at most about 130 MB (measured: a million
// placements over 50 bodies, 97 MB; 2,000 meetings that all share one
// person, 121 MB, as its meetings constrain each other pairwise). A window
// stored before these limits existed is refused when it is planned, with
// the same message, and can be narrowed with an update.
const (
	// MaxWindowWeeks is the most ISO weeks in a window: a year.
	MaxWindowWeeks = 53
	// MaxWindowMeetings bounds the meetings a window asks for, over all
	// its bodies (each body at least one, at most MaxWindowCount).
	MaxWindowMeetings = 2_000
	// MaxWindowCount bounds the meetings of one body in a window.
	MaxWindowCount = 20
	// MaxWindowRooms bounds the candidate rooms.
	MaxWindowRooms = 200
	// MaxWindowSpans bounds the time spans in hours, MaxWindowBlackouts the
	// blackout periods.
	MaxWindowSpans     = 24
	MaxWindowBlackouts = 100
	// MinGranularityMinutes is the finest step between start times: no
	// meeting is booked to start at 09.07.
	MinGranularityMinutes = 5
	// MaxWindowStarts bounds the candidate start times of a window: days on
	// its weekdays × start times a day.
	MaxWindowStarts = 30_000
	// MaxWindowPlacements bounds meetings × candidate start times, what the
	// planner's memory grows with.
	MaxWindowPlacements = 1_000_000
)

// Validate checks w and returns EINVALID listing every problem, the limits
// above included.
func (w *BookingWindow) Validate() error {
	var p problems
	checkName(&p, "booking window", w.Name)
	before := len(p)
	if len(w.Weeks) == 0 {
		p.add("a booking window needs at least one ISO week")
	}
	for _, wk := range w.Weeks {
		if CheckYear(wk.Year) != nil {
			p.add("ISO week %s is in year %d; use a year from %d to %d", wk, wk.Year, MinYear, MaxYear)
		} else if wk.Week < 1 || wk.Week > WeeksInISOYear(wk.Year) {
			p.add("ISO week %s does not exist", wk)
		}
	}
	if n := len(w.distinctWeeks()); n > MaxWindowWeeks {
		p.add("weeks: a booking window may have at most %d ISO weeks (a year), not %d: split it into several windows", MaxWindowWeeks, n)
	}
	if len(w.Bodies) == 0 {
		p.add("a booking window needs at least one body")
	}
	for _, b := range w.Bodies {
		checkSlug(&p, "body", b)
	}
	for b, n := range w.Counts {
		if !slices.Contains(w.Bodies, b) {
			p.add("counts names body %s which is not in the window", quote(b))
		}
		if n < 1 || n > MaxWindowCount {
			p.add("count for %s must be 1–%d, not %d", quote(b), MaxWindowCount, n)
		}
	}
	for b, people := range w.Attendees {
		if !slices.Contains(w.Bodies, b) {
			p.add("attendees names body %s which is not in the window", quote(b))
		}
		for _, k := range people {
			checkSlug(&p, "attendee person key", k)
		}
	}
	if w.DurationMinutes <= 0 || w.DurationMinutes > 12*60 {
		p.add("duration_minutes must be 1–720, not %d", w.DurationMinutes)
	}
	if len(w.Weekdays) == 0 {
		p.add("a booking window needs at least one weekday")
	}
	if len(w.Hours) == 0 {
		p.add("a booking window needs at least one time span in hours")
	}
	if len(w.Hours) > MaxWindowSpans {
		p.add("hours: a booking window may have at most %d time spans, not %d", MaxWindowSpans, len(w.Hours))
	}
	for _, h := range w.Hours {
		if h.From < 0 || h.To > 24*60 || h.To <= h.From {
			p.add("time span %s–%s: end must be after start", h.From, h.To)
		} else if w.DurationMinutes > 0 && int(h.To-h.From) < w.DurationMinutes {
			p.add("time span %s–%s is shorter than the meeting (%d minutes)", h.From, h.To, w.DurationMinutes)
		}
	}
	if len(w.Rooms) > MaxWindowRooms {
		p.add("rooms: a booking window may have at most %d rooms, not %d", MaxWindowRooms, len(w.Rooms))
	}
	for _, r := range w.Rooms {
		checkSlug(&p, "room", r)
	}
	if w.BufferMinutes < 0 || w.BufferMinutes > 24*60 {
		p.add("buffer_minutes must be 0–1440")
	}
	if len(w.Blackouts) > MaxWindowBlackouts {
		p.add("blackouts: a booking window may have at most %d blackout periods, not %d", MaxWindowBlackouts, len(w.Blackouts))
	}
	checkDate(&p, "deadline", w.Deadline)
	for _, b := range w.Blackouts {
		if b.From.IsZero() || b.To.IsZero() || b.To.Before(b.From) {
			p.add("blackout %s–%s: both days required, end not before start", b.From, b.To)
		}
		checkDate(&p, "blackout from", b.From)
		checkDate(&p, "blackout to", b.To)
	}
	// The size is measured once the weeks, the hours and the length it is
	// measured from are sound (a granularity too fine still counts: the
	// size then tells how far off it is).
	if len(p) == before {
		w.checkSize(&p)
	}
	g := w.GranularityMinutes
	if g < 0 || g > 0 && (g < MinGranularityMinutes || g > 12*60 || (60%g != 0 && g%60 != 0)) {
		p.add("granularity_minutes must divide an hour and be at least %d (5, 10, 15, 20, 30 or 60), or be whole hours up to 720, not %d", MinGranularityMinutes, g)
	}
	return p.err()
}

// checkSize adds a problem for each size limit a valid window exceeds.
func (w *BookingWindow) checkSize(p *problems) {
	meetings := 0
	for _, b := range w.Bodies {
		meetings += w.Count(b)
	}
	if meetings > MaxWindowMeetings {
		p.add("the window asks for %d meetings (its bodies and their counts); at most %d can be planned in one window: split the bodies into several windows",
			meetings, MaxWindowMeetings)
	}
	days, starts := w.PlanningDays(), len(w.Starts())
	slots := days * starts
	if slots > MaxWindowStarts {
		p.add("the window has %d candidate start times (%d days on its weekdays × %d start times a day); at most %d can be planned: narrow the hours or weeks, or make granularity_minutes larger",
			slots, days, starts, MaxWindowStarts)
	} else if placements := meetings * slots; placements > MaxWindowPlacements {
		p.add("the window has %d placements to weigh (%d meetings × %d candidate start times); at most %d can be planned: narrow the hours or weeks, make granularity_minutes larger, or split the bodies into several windows",
			placements, meetings, slots, MaxWindowPlacements)
	}
}

// PlanningDays counts the days of the window's weeks that fall on its
// weekdays, holidays and blackouts included: what its size is measured in.
func (w *BookingWindow) PlanningDays() int {
	var days []Weekday
	for _, d := range w.Weekdays {
		if d >= 0 && d <= 6 && !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	return len(w.distinctWeeks()) * len(days)
}

// Starts returns the start times a day that a meeting of the window may
// have, ascending and without repeats: from each span's start on the
// granularity, the whole meeting inside the span.
func (w *BookingWindow) Starts() []Clock {
	dur, gran := w.DurationMinutes, int(w.Granularity()/time.Minute)
	if dur <= 0 || gran <= 0 {
		return nil
	}
	var out []Clock
	for _, h := range w.Hours {
		for s := max(int(h.From), 0); s+dur <= min(int(h.To), 24*60); s += gran {
			out = append(out, Clock(s))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// distinctWeeks returns the window's weeks in order, without repeats.
func (w *BookingWindow) distinctWeeks() []ISOWeek {
	weeks := slices.Clone(w.Weeks)
	slices.SortFunc(weeks, func(a, b ISOWeek) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(weeks)
}

// Days returns the days of the window's weeks, in order, without duplicates.
func (w *BookingWindow) Days() []Date {
	var days []Date
	for _, wk := range w.distinctWeeks() {
		days = append(days, wk.Days()...)
	}
	return days
}

// LastDay returns the last day of the window's weeks (a Sunday), or the
// zero Date for a window without weeks. After it, booking in the window
// is history.
func (w *BookingWindow) LastDay() Date {
	days := w.Days()
	if len(days) == 0 {
		return Date{}
	}
	return days[len(days)-1]
}

// BookingWindowStore keeps booking windows.
type BookingWindowStore interface {
	FindBookingWindows(ctx context.Context) ([]*BookingWindow, error)
	FindBookingWindowByID(ctx context.Context, id int64) (*BookingWindow, error)
	// CreateBookingWindow validates w, checks that its bodies and rooms
	// exist (EINVALID naming them) and sets ID, CreatedAt, UpdatedAt.
	CreateBookingWindow(ctx context.Context, w *BookingWindow) error
	// UpdateBookingWindow replaces the window's settings with w's (same
	// checks as create) and returns the stored window.
	UpdateBookingWindow(ctx context.Context, id int64, w *BookingWindow) (*BookingWindow, error)
	// EditBookingWindow changes the stored window with edit (which gets a
	// copy) and stores the result with the checks of UpdateBookingWindow,
	// in one transaction that holds the window, so that two edits at once
	// each keep the fields they changed; a PATCH reads and merges here, not
	// before. edit's error comes back as it is and nothing is written. edit
	// may run more than once and must not use the store.
	EditBookingWindow(ctx context.Context, id int64, edit func(w *BookingWindow) error) (*BookingWindow, error)
	DeleteBookingWindow(ctx context.Context, id int64) error
}
