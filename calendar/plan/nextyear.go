package plan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/teambition/rrule-go"
)

// The years ProposeYear plans for and copies from.
const (
	MinPlanYear = 2000
	MaxPlanYear = 2100
)

const (
	// maxMoveWeeks is how far from its first candidate a meeting may move:
	// far enough to leave a summer break of six excluded weeks from its
	// middle.
	maxMoveWeeks = 8
	// maxProposals bounds the meetings of one year's pattern.
	maxProposals = 100
)

// Pattern says how a body meets over a year. Exactly one of CopyYear,
// RRule and PerYear is given.
type Pattern struct {
	// CopyYear copies the body's timed meetings of that year to the same
	// ISO week and weekday of the target year, each with its own time of
	// day, room, place, online link and title. A week 53 that the target
	// year lacks becomes week 52. Start and DurationMinutes must be left
	// out: they come from the copied meetings.
	//
	// A cancelled meeting is copied too, with a reason saying so: a copied
	// årsplan is a proposal the secretary goes through anyway, and a
	// cancellation is that year's (too few items, illness), not the body's
	// rhythm, which the copy is for. It is left out when the body met
	// another time in the same ISO week: then it was replaced, and a copy
	// would double that week. All-day meetings and events are one-off dates
	// and are left out. Everything left out is listed in
	// YearProposal.LeftOut with the reason, never dropped silently.
	CopyYear int `json:"copy_year,omitempty"`
	// RRule is an RFC 5545 recurrence rule, one line, such as
	// "FREQ=MONTHLY;INTERVAL=2;BYDAY=TH;BYSETPOS=3" (the third Thursday of
	// every other month). The series starts on 1 January of the target year
	// and its dates in that year are the candidates; the time of day comes
	// from Start, so DTSTART, BYHOUR, BYMINUTE, BYSECOND and frequencies
	// finer than DAILY are refused.
	RRule string `json:"rrule,omitempty"`
	// PerYear spreads this many meetings evenly over the year's Weekdays,
	// leaving out ExcludedWeeks.
	PerYear int `json:"per_year,omitempty"`
	// Weekday is the day of the week for PerYear: Monday to Friday.
	Weekday calendar.Weekday `json:"weekday,omitempty"`
	// Start is the time of day for RRule and PerYear, Swedish wall-clock
	// time: 13:00 stays 13:00 in summer.
	Start calendar.Clock `json:"start,omitempty"`
	// DurationMinutes is the length for RRule and PerYear; the meeting
	// must end by midnight.
	DurationMinutes int `json:"duration_minutes,omitempty"`
	// ExcludedWeeks are ISO week numbers never used, e.g. the summer
	// weeks 27–32 and Christmas week 52.
	ExcludedWeeks []int `json:"excluded_weeks,omitempty"`
	// Room is the room slug of every meeting; with CopyYear, empty keeps
	// each copied meeting's room. Empty otherwise means digital or not
	// decided.
	Room string `json:"room,omitempty"`
}

// YearProposal is next year's årsplan as ProposeYear proposes it.
type YearProposal struct {
	// Proposals are the meetings proposed, ordered by start.
	Proposals []Proposal
	// LeftOut are the meetings of the copied year (Pattern.CopyYear) that
	// are not among the proposals, each with the reason, in the order of
	// their start; empty for the other patterns.
	LeftOut []LeftOut
}

// LeftOut is a meeting of the copied year that the proposal leaves out.
type LeftOut struct {
	Meeting    int64 // its id
	Start, End time.Time
	AllDay     bool
	// Reason says in Swedish why it was left out, e.g. "heldag: kopieras
	// inte, lägg in den för hand om den ska hållas 2026".
	Reason string
}

// Proposal is one proposed meeting of next year's årsplan.
type Proposal struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Room  string    `json:"room,omitempty"`
	// Location, OnlineURL and Title come from the copied meeting
	// (CopyYear); Location is left empty when Pattern.Room gives a room.
	Location  string `json:"location,omitempty"`
	OnlineURL string `json:"online_url,omitempty"`
	Title     string `json:"title,omitempty"`
	// CopiedFrom is the id of the copied meeting, 0 for the other patterns.
	CopiedFrom int64 `json:"copied_from,omitempty"`
	// Moved is true when the meeting was moved off its first candidate.
	Moved bool `json:"moved"`
	// Original is the start on the first candidate day: the same ISO week
	// and weekday (CopyYear), the rule's date (RRule) or the evenly spread
	// date (PerYear).
	Original time.Time `json:"original"`
	// Reasons say in Swedish what was moved and why, e.g.
	// "Kristi himmelsfärdsdag (tor 14 maj 2026) – flyttad till ons 13 maj",
	// and anything else the secretary should know about the date.
	Reasons []string `json:"reasons"`
}

// ProposeYear proposes body's meetings for year from pat, and writes
// nothing. Each candidate day is kept when it is free, and otherwise moved
// to the nearest day that is:
//
//   - a workday (IsWorkday): no weekend, public holiday, midsommarafton,
//     julafton or nyårsafton;
//   - in the target year and not in one of pat.ExcludedWeeks;
//   - free for everyone who must attend the body that day (memberships in
//     calendar.BlockingRoles) and for the room: no other non-cancelled
//     meeting at an overlapping time that one of them must attend or that
//     uses the room, and no other meeting of the same answer. The body's
//     own stored meetings never block: they are what is being planned.
//
// Candidates whose first day is free keep it; the others are moved after
// them, in date order, so that a moved meeting never takes the day of one
// that could stay. The search takes the other days of the same ISO week first, nearest
// first and the earlier of two equally near days first, then the weeks one
// before and one after, and so on up to eight weeks away, preferring the
// same weekday there. A klämdag (IsKlamdag) is avoided where possible: a
// meeting on one moves to another free day of its week if there is one,
// and a meeting that must move lands on a klämdag only when its week (or
// the nearest week with a free day) offers nothing else. A meeting for
// which no day within eight weeks is free stays on its first candidate,
// with the reason. Proposals are ordered by start.
//
// With CopyYear, the copied year's meetings that are not proposed are in
// LeftOut with the reason (see Pattern.CopyYear).
//
// EINVALID for a bad pattern: none or several of CopyYear, RRule and
// PerYear, a rule that does not parse or gives no date (or more than 100)
// in the year, an unknown body or room, a year outside
// MinPlanYear–MaxPlanYear, a copied year without timed meetings, a PerYear
// on a weekend day, excluded weeks outside 1–53.
func ProposeYear(ctx context.Context, store calendar.Store, body string, year int, pat Pattern) (*YearProposal, error) {
	if err := pat.validate(year); err != nil {
		return nil, err
	}
	if _, err := store.FindBodyBySlug(ctx, body); err != nil {
		if calendar.IsNotFound(err) {
			return nil, calendar.Errorf(calendar.EINVALID, "body %q does not exist", body)
		}
		return nil, err
	}
	if pat.Room != "" {
		if _, err := store.FindRoomBySlug(ctx, pat.Room); err != nil {
			if calendar.IsNotFound(err) {
				return nil, calendar.Errorf(calendar.EINVALID, "room %q does not exist", pat.Room)
			}
			return nil, err
		}
	}
	pl, err := newYearPlanner(ctx, store, body, year, pat)
	if err != nil {
		return nil, err
	}
	yp := &YearProposal{}
	var cands []candidate
	switch {
	case pat.CopyYear != 0:
		cands, yp.LeftOut, err = copyCandidates(ctx, store, pl.dir, body, year, pat)
	case pat.RRule != "":
		cands, err = ruleCandidates(year, pat)
	default:
		cands, err = spreadCandidates(year, pat)
	}
	if err != nil {
		return nil, err
	}
	// The candidates whose first day is free keep it; only then are the
	// others moved, so that a moved meeting never takes the day of one
	// that could stay.
	out := make([]Proposal, len(cands))
	var moving []int
	for i, c := range cands {
		if pl.judge(c, c.day).free() {
			out[i] = pl.place(c)
		} else {
			moving = append(moving, i)
		}
	}
	for _, i := range moving {
		out[i] = pl.place(cands[i])
	}
	slices.SortStableFunc(out, func(a, b Proposal) int {
		return cmp.Or(a.Start.Compare(b.Start), a.Original.Compare(b.Original))
	})
	yp.Proposals = out
	return yp, nil
}

// validate checks the pattern alone and returns EINVALID listing every
// problem.
func (p *Pattern) validate(year int) error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if year < MinPlanYear || year > MaxPlanYear {
		add("year must be %d–%d, not %d", MinPlanYear, MaxPlanYear, year)
	}
	given := 0
	for _, set := range []bool{p.CopyYear != 0, p.RRule != "", p.PerYear != 0} {
		if set {
			given++
		}
	}
	switch {
	case given == 0:
		add("a pattern needs one of copy_year, rrule or per_year")
	case given > 1:
		add("a pattern takes only one of copy_year, rrule and per_year")
	case p.CopyYear != 0:
		if p.CopyYear < MinPlanYear || p.CopyYear > MaxPlanYear {
			add("copy_year must be %d–%d, not %d", MinPlanYear, MaxPlanYear, p.CopyYear)
		} else if p.CopyYear == year {
			add("copy_year %d is the year being planned; copy another year", p.CopyYear)
		}
		if p.Start != 0 || p.DurationMinutes != 0 {
			add("start and duration_minutes come from the copied meetings; leave them out with copy_year")
		}
	default:
		if p.PerYear != 0 {
			if p.PerYear < 1 || p.PerYear > 53 {
				add("per_year must be 1–53, not %d", p.PerYear)
			}
			if wd := time.Weekday(p.Weekday); wd < time.Monday || wd > time.Friday {
				add("weekday must be mon–fri for per_year, not %s", p.Weekday)
			}
		}
		if p.Start < 0 || p.Start >= 24*60 {
			add("start must be a time of day 00:00–23:59")
		}
		if p.DurationMinutes <= 0 || p.DurationMinutes > 12*60 {
			add("duration_minutes must be 1–720, not %d", p.DurationMinutes)
		} else if p.Start >= 0 && int(p.Start)+p.DurationMinutes > 24*60 {
			add("a meeting from %s lasting %d minutes runs past midnight", p.Start, p.DurationMinutes)
		}
	}
	for _, w := range p.ExcludedWeeks {
		if w < 1 || w > 53 {
			add("excluded week %d does not exist: ISO weeks are 1–53", w)
		}
	}
	if len(probs) == 0 {
		return nil
	}
	msg := probs[0]
	if len(probs) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", probs[0], len(probs)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: probs}
}

// candidate is one meeting to place: its first candidate day and its
// wall-clock times, kept as clock and day offset so that moving it to
// another day keeps 13.00 at 13.00 across the change to summer time.
type candidate struct {
	day     calendar.Date
	start   calendar.Clock
	endDays int // days from the start day to the end day
	end     calendar.Clock
	room    string
	notes   []string // what the secretary should know about the first candidate
	// What a copied meeting brings along (CopyYear), empty otherwise.
	location, onlineURL, title string
	source                     int64
}

// on returns the candidate's start and end on day d.
func (c candidate) on(d calendar.Date) (time.Time, time.Time) {
	return c.start.On(d), c.end.On(d.AddDays(c.endDays))
}

// copyCandidates maps the body's meetings of pat.CopyYear to the same ISO
// week and weekday of year, and returns those it does not copy with the
// reason (see Pattern.CopyYear).
func copyCandidates(ctx context.Context, store calendar.Store, dir *directory, body string, year int, pat Pattern) ([]candidate, []LeftOut, error) {
	meetings, err := store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{body}, Year: &pat.CopyYear})
	if err != nil {
		return nil, nil, err
	}
	// The ISO weeks in which the body has a timed meeting that was not
	// cancelled: a cancelled meeting in one of them was replaced.
	held := map[calendar.ISOWeek]*calendar.Meeting{}
	for _, m := range meetings {
		if m.Kind == calendar.KindMeeting && !m.AllDay && m.Status != calendar.StatusCancelled {
			if w := calendar.ISOWeekOf(calendar.DateOf(m.Start)); held[w] == nil {
				held[w] = m
			}
		}
	}
	var out []candidate
	var left []LeftOut
	leave := func(m *calendar.Meeting, format string, args ...any) {
		left = append(left, LeftOut{Meeting: m.ID, Start: m.Start, End: m.End, AllDay: m.AllDay, Reason: fmt.Sprintf(format, args...)})
	}
	for _, m := range meetings {
		src := calendar.DateOf(m.Start)
		var notes []string
		switch {
		case m.Kind == calendar.KindEvent:
			leave(m, "en händelse, inget möte: kopieras inte – lägg in den för hand om den ska hållas %d", year)
			continue
		case m.AllDay:
			leave(m, "heldag: kopieras inte – lägg in den för hand om den ska hållas %d", year)
			continue
		case m.Status == calendar.StatusCancelled:
			if r := held[calendar.ISOWeekOf(src)]; r != nil {
				leave(m, "inställt och ersatt av mötet %s samma vecka, som kopieras i stället",
					swedishWhen(r.Start, r.End, false))
				continue
			}
			notes = append(notes, fmt.Sprintf("%s var inställt – föreslås ändå, så att %d får lika många möten; ta bort förslaget om mötet inte behövs",
				swedishDate(src, true), year))
		}
		if others := otherBodies(dir, m.Bodies, body); others != "" {
			notes = append(notes, fmt.Sprintf("%s var gemensamt med %s – förslaget gäller bara %s; lägg till de andra organen om mötet ska vara gemensamt %d också",
				swedishDate(src, true), others, dir.bodyName(body), year))
		}
		isoYear, week := src.ISOWeek()
		target := calendar.ISOWeek{Year: isoYear + year - pat.CopyYear, Week: week}
		c := candidate{start: clockOf(m.Start), end: clockOf(m.End), room: cmp.Or(pat.Room, m.Room), notes: notes,
			onlineURL: m.OnlineURL, title: m.Title, source: m.ID}
		if pat.Room == "" {
			c.location = m.Location // a room given for every meeting replaces the place
		}
		c.endDays = daysBetween(src, calendar.DateOf(m.End))
		if n := calendar.WeeksInISOYear(target.Year); target.Week > n {
			c.notes = append(c.notes, fmt.Sprintf("%s ligger i vecka %d, som %d saknar – vecka %d används",
				swedishDate(src, true), week, target.Year, n))
			target.Week = n
		}
		c.day = target.Monday().AddDays((int(src.Weekday()) + 6) % 7)
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, nil, calendar.Errorf(calendar.EINVALID, "body %q has no timed meetings in %d to copy", body, pat.CopyYear)
	}
	return out, left, nil
}

// otherBodies names the bodies of a joint meeting other than body, in
// Swedish ("Skolchefsgruppen och Länsdel Norr"); "" when there are none.
func otherBodies(dir *directory, bodies []string, body string) string {
	var names []string
	for _, b := range bodies {
		if b != body {
			names = append(names, dir.bodyName(b))
		}
	}
	return swedishList(names)
}

// ruleCandidates returns the dates of pat.RRule in year.
func ruleCandidates(year int, pat Pattern) ([]candidate, error) {
	s := strings.TrimSpace(pat.RRule)
	if strings.ContainsAny(s, "\r\n") {
		return nil, calendar.Errorf(calendar.EINVALID, "rrule must be one line without DTSTART: the series starts on 1 January %d", year)
	}
	opt, err := rrule.StrToROptionInLocation(s, calendar.Location)
	if err != nil {
		return nil, calendar.Errorf(calendar.EINVALID, "rrule %q is not an RFC 5545 recurrence rule: %v", pat.RRule, err)
	}
	switch {
	case !opt.Dtstart.IsZero():
		return nil, calendar.Errorf(calendar.EINVALID, "rrule must not give DTSTART: the series starts on 1 January %d", year)
	case opt.Freq > rrule.DAILY:
		return nil, calendar.Errorf(calendar.EINVALID, "rrule FREQ=%s is finer than a day; use DAILY, WEEKLY, MONTHLY or YEARLY", opt.Freq)
	case len(opt.Byhour)+len(opt.Byminute)+len(opt.Bysecond) > 0:
		return nil, calendar.Errorf(calendar.EINVALID, "rrule must not give BYHOUR, BYMINUTE or BYSECOND: the time of day is start")
	}
	jan1 := calendar.Date{Year: year, Month: time.January, Day: 1}
	opt.Dtstart = jan1.Start()
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, calendar.Errorf(calendar.EINVALID, "rrule %q: %v", pat.RRule, err)
	}
	var times []time.Time
	for _, t := range r.Between(jan1.Start(), calendar.Date{Year: year + 1, Month: time.January, Day: 1}.Start(), true) {
		if calendar.DateOf(t).Year == year {
			times = append(times, t)
		}
	}
	switch {
	case len(times) == 0:
		return nil, calendar.Errorf(calendar.EINVALID, "rrule %q gives no date in %d", pat.RRule, year)
	case len(times) > maxProposals:
		return nil, calendar.Errorf(calendar.EINVALID, "rrule %q gives %d dates in %d; a year's plan has at most %d meetings",
			pat.RRule, len(times), year, maxProposals)
	}
	out := make([]candidate, 0, len(times))
	for _, t := range times {
		out = append(out, clockCandidate(calendar.DateOf(t), pat))
	}
	return out, nil
}

// spreadCandidates spreads pat.PerYear meetings evenly over the year's
// days of pat.Weekday outside the excluded weeks: the i-th of n takes the
// day in the middle of the i-th of n equal parts.
func spreadCandidates(year int, pat Pattern) ([]candidate, error) {
	var days []calendar.Date
	for d := (calendar.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		if d.Weekday() == time.Weekday(pat.Weekday) && !excluded(pat.ExcludedWeeks, d) {
			days = append(days, d)
		}
	}
	if len(days) < pat.PerYear {
		return nil, calendar.Errorf(calendar.EINVALID, "%d has only %d %sar outside the excluded weeks, fewer than per_year %d",
			year, len(days), calendar.SwedishWeekday(time.Weekday(pat.Weekday)), pat.PerYear)
	}
	out := make([]candidate, pat.PerYear)
	for i := range out {
		out[i] = clockCandidate(days[(2*i+1)*len(days)/(2*pat.PerYear)], pat)
	}
	return out, nil
}

func clockCandidate(d calendar.Date, pat Pattern) candidate {
	return candidate{day: d, start: pat.Start, end: pat.Start + calendar.Clock(pat.DurationMinutes), room: pat.Room}
}

func excluded(weeks []int, d calendar.Date) bool {
	_, w := d.ISOWeek()
	return slices.Contains(weeks, w)
}

// daysBetween returns the number of days from a to b.
func daysBetween(a, b calendar.Date) int {
	return int(b.At(12, 0).Sub(a.At(12, 0)).Round(24*time.Hour) / (24 * time.Hour))
}

// busySlot is something that keeps people or a room busy.
type busySlot struct {
	start, end time.Time
	allDay     bool
	people     map[string]calendar.Role // who must attend
	room       string
	label      string // Swedish: what it is
}

// text says what b is and when, leaving out the day when it is day.
func (b busySlot) text(day calendar.Date) string {
	if calendar.DateOf(b.start) == day && calendar.DateOf(b.end) == day {
		return fmt.Sprintf("%s kl. %s", b.label, swedishSpan(calendar.TimeSpan{From: clockOf(b.start), To: clockOf(b.end)}))
	}
	return b.label + ", " + swedishWhen(b.start, b.end, b.allDay)
}

// yearPlanner moves candidates off days that do not work.
type yearPlanner struct {
	dir      *directory
	body     string
	year     int
	excluded []int
	busy     []busySlot // other meetings, then the proposals made so far
	// byDay indexes busy by the days each slot touches, so that judging a
	// day reads only that day's meetings even in a country-wide database.
	byDay map[calendar.Date][]int
}

// book adds b to what keeps people and rooms busy.
func (pl *yearPlanner) book(b busySlot) {
	pl.busy = append(pl.busy, b)
	for d := calendar.DateOf(b.start); !calendar.DateOf(b.end.Add(-time.Nanosecond)).Before(d); d = d.AddDays(1) {
		pl.byDay[d] = append(pl.byDay[d], len(pl.busy)-1)
	}
}

// busyDuring returns the slots that overlap [start, end), each once, in
// the order they were booked.
func (pl *yearPlanner) busyDuring(start, end time.Time) []busySlot {
	var idx []int
	for d := calendar.DateOf(start); !calendar.DateOf(end.Add(-time.Nanosecond)).Before(d); d = d.AddDays(1) {
		idx = append(idx, pl.byDay[d]...)
	}
	slices.Sort(idx)
	var out []busySlot
	for _, i := range slices.Compact(idx) {
		if b := pl.busy[i]; start.Before(b.end) && b.start.Before(end) {
			out = append(out, b)
		}
	}
	return out
}

func newYearPlanner(ctx context.Context, store calendar.Store, body string, year int, pat Pattern) (*yearPlanner, error) {
	dir, err := loadDirectory(ctx, store)
	if err != nil {
		return nil, err
	}
	margin := 7 * (maxMoveWeeks + 1)
	from := calendar.Date{Year: year, Month: time.January, Day: 1}.AddDays(-margin).Start()
	to := calendar.Date{Year: year + 1, Month: time.January, Day: 1}.AddDays(margin).Start()
	meetings, err := store.FindMeetings(ctx, calendar.MeetingFilter{From: &from, To: &to,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}})
	if err != nil {
		return nil, err
	}
	pl := &yearPlanner{dir: dir, body: body, year: year, excluded: pat.ExcludedWeeks, byDay: map[calendar.Date][]int{}}
	for _, m := range meetings {
		if slices.Contains(m.Bodies, body) {
			continue
		}
		pl.book(busySlot{start: m.Start, end: m.End, allDay: m.AllDay, room: m.Room,
			people: dir.mustAttend(m.Bodies, calendar.DateOf(m.Start)), label: dir.label(m)})
	}
	return pl, nil
}

// verdict is what a day means for a candidate.
type verdict struct {
	problems []string // why the day cannot be used, in Swedish
	klamdag  bool
}

func (v verdict) free() bool { return len(v.problems) == 0 && !v.klamdag }

// judge tells whether candidate c can be held on day d.
func (pl *yearPlanner) judge(c candidate, d calendar.Date) verdict {
	var v verdict
	if d.Year != pl.year {
		v.problems = append(v.problems, fmt.Sprintf("utanför %d", pl.year))
	}
	if name, ok := Holiday(d); ok {
		v.problems = append(v.problems, name)
	} else if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		v.problems = append(v.problems, calendar.SwedishWeekday(wd))
	} else if !IsWorkday(d) {
		v.problems = append(v.problems, "ingen arbetsdag")
	}
	if excluded(pl.excluded, d) {
		_, w := d.ISOWeek()
		v.problems = append(v.problems, fmt.Sprintf("vecka %d är undantagen", w))
	}
	if len(v.problems) > 0 {
		return v // the day is out whatever else holds
	}
	start, end := c.on(d)
	attend := pl.dir.mustAttend([]string{pl.body}, d)
	for _, b := range pl.busyDuring(start, end) {
		var names []string
		for _, p := range sharedKeys(attend, b.people) {
			names = append(names, pl.dir.personName(p))
		}
		switch len(names) {
		case 0:
		case 1:
			v.problems = append(v.problems, fmt.Sprintf("%s är upptagen: %s", names[0], b.text(d)))
		default:
			v.problems = append(v.problems, fmt.Sprintf("%s är upptagna: %s", swedishList(names), b.text(d)))
		}
		if c.room != "" && c.room == b.room {
			v.problems = append(v.problems, fmt.Sprintf("%s är bokad: %s", pl.dir.roomName(c.room), b.text(d)))
		}
	}
	v.klamdag = IsKlamdag(d)
	return v
}

// place finds the day for candidate c and books it for the candidates
// that follow.
func (pl *yearPlanner) place(c candidate) Proposal {
	first := pl.judge(c, c.day)
	day, found := c.day, true
	var chosen verdict
	if !first.free() {
		day, chosen, found = pl.search(c, len(first.problems) > 0)
	}
	p := Proposal{Room: c.room, Location: c.location, OnlineURL: c.onlineURL, Title: c.title, CopiedFrom: c.source,
		Reasons: append([]string{}, c.notes...)}
	p.Original, _ = c.on(c.day)
	switch {
	case first.free():
	case !found && len(first.problems) > 0:
		day = c.day
		p.Reasons = append(p.Reasons, fmt.Sprintf("%s (%s) – ingen ledig arbetsdag inom %d veckor, ligger kvar",
			strings.Join(first.problems, "; "), swedishDate(c.day, true), maxMoveWeeks))
	case !found:
		day = c.day
		p.Reasons = append(p.Reasons, fmt.Sprintf("%s är en klämdag, men ingen annan dag i veckan är ledig",
			swedishDate(c.day, true)))
	default:
		p.Moved = true
		why := first.problems
		if len(why) == 0 {
			why = []string{klamdagText(c.day)}
		}
		p.Reasons = append(p.Reasons, fmt.Sprintf("%s (%s) – flyttad till %s", strings.Join(why, "; "),
			swedishDate(c.day, true), pl.dayText(c.day, day)))
		if chosen.klamdag {
			p.Reasons = append(p.Reasons, fmt.Sprintf("%s är en klämdag, men ingen annan dag i veckan är ledig",
				swedishDate(day, day.Year != c.day.Year)))
		}
	}
	p.Start, p.End = c.on(day)
	pl.book(busySlot{start: p.Start, end: p.End, room: c.room,
		people: pl.dir.mustAttend([]string{pl.body}, day), label: "ett annat möte i förslaget"})
	return p
}

// klamdagText says why d is a klämdag: "klämdag efter Kristi
// himmelsfärdsdag".
func klamdagText(d calendar.Date) string {
	if name, ok := Holiday(d.AddDays(-1)); ok {
		return "klämdag efter " + name
	}
	if name, ok := Holiday(d.AddDays(1)); ok {
		return "klämdag före " + name
	}
	return "klämdag"
}

// dayText names the day a meeting moved to, with its week when it left
// its week and the year when it left its year.
func (pl *yearPlanner) dayText(from, to calendar.Date) string {
	s := swedishDate(to, to.Year != from.Year)
	if calendar.ISOWeekOf(to) != calendar.ISOWeekOf(from) {
		_, w := to.ISOWeek()
		s += fmt.Sprintf(" (vecka %d)", w)
	}
	return s
}

// search looks for another day for c, week by week away from its first
// candidate. must is true when the first day cannot be used at all; when
// it is only a klämdag, only the same week is searched, and only for a day
// that is no klämdag either.
func (pl *yearPlanner) search(c candidate, must bool) (calendar.Date, verdict, bool) {
	rings := maxMoveWeeks
	if !must {
		rings = 0
	}
	for ring := 0; ring <= rings; ring++ {
		var klam calendar.Date
		var klamVerdict verdict
		for _, d := range ringDays(c.day, ring) {
			v := pl.judge(c, d)
			if v.free() {
				return d, v, true
			}
			if must && klam.IsZero() && len(v.problems) == 0 {
				klam, klamVerdict = d, v
			}
		}
		if !klam.IsZero() {
			return klam, klamVerdict, true
		}
	}
	return calendar.Date{}, verdict{}, false
}

// ringDays returns the days ring weeks away from day's ISO week (ring 0:
// the other days of its week), in the order they are tried: nearest
// weekday to day's first, the earlier week and then the earlier day of two
// equally near.
func ringDays(day calendar.Date, ring int) []calendar.Date {
	wd := (int(day.Weekday()) + 6) % 7 // Monday = 0
	monday := day.AddDays(-wd)
	type option struct {
		d          calendar.Date
		dist, week int
	}
	var opts []option
	for _, week := range []int{-ring, ring} {
		for i := range 7 {
			d := monday.AddDays(7*week + i)
			if d == day {
				continue
			}
			opts = append(opts, option{d, max(i-wd, wd-i), week})
		}
		if ring == 0 {
			break
		}
	}
	slices.SortStableFunc(opts, func(a, b option) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.week, b.week), cmp.Compare(a.d.String(), b.d.String()))
	})
	out := make([]calendar.Date, len(opts))
	for i, o := range opts {
		out[i] = o.d
	}
	return out
}
