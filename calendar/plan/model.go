package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Scores are kept in integer milli-points during the search so that sums do
// not depend on the order of addition: Solve and Exhaustive must reach
// exactly the same optimum. A meeting starts at 100 points and loses points
// for each soft preference it misses.
const (
	basePoints   = 100_000 // a meeting that misses no preference
	wKlamdag     = 10_000  // on a klämdag
	wSameDay     = 3_000   // per person who has another meeting the same day
	wWeekday     = 4_000   // not on the body's usual weekday
	wStartPer30  = 1_000   // per 30 minutes away from the body's usual start …
	wStartMax    = 6_000   // … at most
	wSpread      = 8_000   // two meetings of a body on the same day; less the further apart
	violationBig = 1_000_000_000
)

// slotTime is one possible start of a meeting in the window, the same for
// every body: an allowed day and a start on the granularity inside one of
// the window's time spans.
type slotTime struct {
	day        int // index into model.days
	date       calendar.Date
	clock      calendar.Clock
	start, end time.Time
	s, e       int // minutes since model.base (real time, so DST-safe)
}

// bodyModel is a Demand compiled for search.
type bodyModel struct {
	d         *Demand
	slug      string
	attendees []int // person indices, sorted, unique
	gap       int   // ideal days between two of its meetings (spread)
	// clashAt(t) lists the Busy meetings that block time t through a
	// person who must attend (with the buffer); empty means the people are
	// free. They are kept as one list with offsets per time (clashOff has
	// one more entry than there are times), 4 bytes a time.
	clashOff, clashIdx []int32
	unary              []int64 // score of a meeting at time t, before pairwise terms
	// existing are the day numbers of the body's other meetings.
	existing []int
}

// clashAt lists the Busy meetings that block time t, in ascending order.
func (b *bodyModel) clashAt(t int) []int32 { return b.clashIdx[b.clashOff[t]:b.clashOff[t+1]] }

// model is a Problem compiled for search: allowed days, candidate times,
// people as small integers, and the Busy meetings that block each.
type model struct {
	p         *Problem
	win       *calendar.BookingWindow
	days      []calendar.Date // allowed days, ascending
	klam      []bool          // per day: a klämdag
	dayNums   []int
	times     []slotTime // ascending by start
	base      time.Time
	buf       int // minutes
	durMin    int
	rooms     []string // candidate rooms; empty = digital
	people    []string // person keys by index
	personIdx map[string]int
	bodies    []bodyModel
	bodyIdx   map[string]int
	// roomBusy[r] are the Busy bookings of room r, by start; roomBusyIdx
	// the Busy meeting of each, and roomMaxEnd[r][k] the latest end among
	// the first k+1, so that the bookings holding a room at a time are
	// found by a binary search (a table per time and room would grow with
	// their product).
	roomBusy    [][]span
	roomBusyIdx [][]int32
	roomMaxEnd  [][]int32
	// dayBusy[person][day] is the first Busy meeting of the person that day,
	// or -1: "har ett annat möte samma dag".
	dayBusy map[int][]int32
}

// dayNumber counts days from an epoch; differences are exact day gaps.
func dayNumber(d calendar.Date) int {
	return int(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Unix() / 86400)
}

// allowedDays returns the window's days on which a meeting may be placed,
// and for each day left out, why (for warnings and error messages).
func allowedDays(w *calendar.BookingWindow) (days []calendar.Date, holidays []string, blackedOut int) {
	for _, d := range w.Days() {
		if !slices.Contains(w.Weekdays, calendar.Weekday(d.Weekday())) {
			continue
		}
		if name, ok := Holiday(d); ok {
			holidays = append(holidays, fmt.Sprintf("%s (%s)", d, name))
			continue
		}
		if slices.ContainsFunc(w.Blackouts, func(r calendar.DateRange) bool { return r.Contains(d) }) {
			blackedOut++
			continue
		}
		days = append(days, d)
	}
	return days, holidays, blackedOut
}

// candidateTimes returns every start allowed on days: the window's starts
// a day (on the granularity from each span's start, the whole meeting
// inside the span; see calendar.BookingWindow.Starts). A start whose
// wall-clock time does not exist or is ambiguous (the night of a DST
// change), or a meeting that spans the change, is left out: calendars
// disagree about such times.
func candidateTimes(w *calendar.BookingWindow, days []calendar.Date) []slotTime {
	dur := w.DurationMinutes
	starts := w.Starts()
	out := make([]slotTime, 0, len(days)*len(starts))
	for i, d := range days {
		for _, c := range starts {
			s := int(c)
			st := c.On(d)
			en := calendar.Clock(s + dur).On(d)
			if wallMinutes(st) != s || wallMinutes(en) != (s+dur)%(24*60) || en.Sub(st) != time.Duration(dur)*time.Minute || ambiguous(st) || ambiguous(en) {
				continue
			}
			out = append(out, slotTime{day: i, date: d, clock: c, start: st, end: en})
		}
	}
	return out
}

// wallMinutes is the wall-clock time of t in minutes after midnight.
func wallMinutes(t time.Time) int { return t.Hour()*60 + t.Minute() }

// ambiguous reports whether t's wall-clock time occurs twice that night
// (the repeated hour when summer time ends).
func ambiguous(t time.Time) bool {
	w := wallMinutes(t)
	return wallMinutes(t.Add(time.Hour)) == w || wallMinutes(t.Add(-time.Hour)) == w
}

// compile builds the model of a valid problem.
func compile(p *Problem) *model {
	m, _ := compileMetered(p, nil)
	return m
}

// compileMetered builds the model of a valid problem, spending its work
// from t (nil: unmetered); it stops with false, the model unfinished, when
// t says so. Its memory
// is about (bodies + rooms) × candidate times, which the window's limits
// bound (calendar.MaxWindowPlacements).
func compileMetered(p *Problem, t *tally) (*model, bool) {
	w := p.Window
	m := &model{p: p, win: w, buf: w.BufferMinutes, durMin: w.DurationMinutes, rooms: w.Rooms,
		personIdx: map[string]int{}, bodyIdx: map[string]int{}, dayBusy: map[int][]int32{}}
	m.days, _, _ = allowedDays(w)
	for _, d := range m.days {
		m.dayNums = append(m.dayNums, dayNumber(d))
		m.klam = append(m.klam, IsKlamdag(d))
	}
	m.times = candidateTimes(w, m.days)
	if len(m.days) > 0 {
		m.base = m.days[0].Start()
	}
	for i := range m.times {
		t := &m.times[i]
		t.s = int(t.start.Sub(m.base) / time.Minute)
		t.e = int(t.end.Sub(m.base) / time.Minute)
	}
	span := 1
	if len(m.dayNums) > 0 {
		span = m.dayNums[len(m.dayNums)-1] - m.dayNums[0] + 1
	}
	for bi := range p.Demands {
		d := &p.Demands[bi]
		b := bodyModel{d: d, slug: d.Body}
		for _, a := range d.Attendees {
			b.attendees = append(b.attendees, m.person(a))
		}
		slices.Sort(b.attendees)
		b.attendees = slices.Compact(b.attendees)
		b.gap = max(7, span/max(1, d.Count))
		for _, x := range d.Existing {
			b.existing = append(b.existing, dayNumber(calendar.DateOf(x)))
		}
		m.bodyIdx[d.Body] = bi
		m.bodies = append(m.bodies, b)
	}
	if !m.indexBusy(t) {
		return m, false
	}
	for bi := range m.bodies {
		b := &m.bodies[bi]
		b.unary = make([]int64, len(m.times))
		for t := range m.times {
			b.unary[t], _ = m.unary(bi, t, false)
		}
		if t.spend(len(m.times) * (1 + len(b.attendees) + len(b.existing))) {
			return m, false
		}
	}
	return m, true
}

func (m *model) person(key string) int {
	if i, ok := m.personIdx[key]; ok {
		return i
	}
	m.personIdx[key] = len(m.people)
	m.people = append(m.people, key)
	return len(m.people) - 1
}

// name returns a person's display name, or the key.
func (m *model) name(person int) string {
	k := m.people[person]
	if n := m.p.Names[k]; n != "" {
		return n
	}
	return k
}

// indexBusy finds, for every body and time, the Busy meetings that block
// it through a person, and for every room the Busy meetings that hold it;
// and which people have some other meeting on each day. Each Busy meeting
// is looked up by binary search among the times and days it reaches, so
// the work grows with what it blocks, not with all times × all meetings.
// It returns false when t says stop.
func (m *model) indexBusy(t *tally) bool {
	byPerson := map[int][]int32{}
	for i, bz := range m.p.Busy {
		// The days it touches: from the first day that ends after its
		// start, while the day starts before its end.
		d0 := sort.Search(len(m.days), func(k int) bool { return m.days[k].AddDays(1).Start().After(bz.Start) })
		for _, key := range bz.People {
			pi, ok := m.personIdx[key]
			if !ok {
				continue // not someone who must attend anything here
			}
			if l := byPerson[pi]; len(l) > 0 && l[len(l)-1] == int32(i) {
				continue
			}
			byPerson[pi] = append(byPerson[pi], int32(i))
			if bz.Reason != "" {
				continue // "kan inte" is no other meeting that day
			}
			for di := d0; di < len(m.days) && m.days[di].Start().Before(bz.End); di++ {
				db := m.dayBusy[pi]
				if db == nil {
					db = make([]int32, len(m.days))
					for j := range db {
						db[j] = -1
					}
					m.dayBusy[pi] = db
				}
				if db[di] < 0 {
					db[di] = int32(i)
				}
			}
		}
		if t.spend(1 + len(bz.People)) {
			return false
		}
	}
	buf := time.Duration(m.buf) * time.Minute
	for bi := range m.bodies {
		b := &m.bodies[bi]
		var mine []int32
		for _, a := range b.attendees {
			mine = append(mine, byPerson[a]...)
		}
		slices.Sort(mine)
		mine = slices.Compact(mine)
		// Times are in order of start and all equally long, so those that
		// come within the buffer of a Busy meeting are one run [lo, hi).
		runs := make([][2]int32, len(mine))
		b.clashOff = make([]int32, len(m.times)+1)
		for j, i := range mine {
			bz := &m.p.Busy[i]
			buf := buf
			if bz.Reason != "" {
				buf = 0 // "kan inte" needs no buffer
			}
			lo := sort.Search(len(m.times), func(k int) bool { return bz.Start.Before(m.times[k].end.Add(buf)) })
			hi := lo
			for hi < len(m.times) && m.times[hi].start.Before(bz.End.Add(buf)) {
				b.clashOff[hi+1]++
				hi++
			}
			runs[j] = [2]int32{int32(lo), int32(hi)}
			if t.spend(1 + hi - lo) {
				return false
			}
		}
		for k := range m.times {
			b.clashOff[k+1] += b.clashOff[k]
		}
		b.clashIdx = make([]int32, b.clashOff[len(m.times)])
		next := slices.Clone(b.clashOff[:len(m.times)])
		for j, i := range mine {
			for k := runs[j][0]; k < runs[j][1]; k++ {
				b.clashIdx[next[k]] = i
				next[k]++
			}
		}
		if t.spend(len(m.times)) {
			return false
		}
	}
	m.roomBusy = make([][]span, len(m.rooms))
	m.roomBusyIdx = make([][]int32, len(m.rooms))
	m.roomMaxEnd = make([][]int32, len(m.rooms))
	for i, bz := range m.p.Busy {
		if r := slices.Index(m.rooms, bz.Room); r >= 0 && bz.Room != "" {
			m.roomBusy[r] = append(m.roomBusy[r], span{m.minute(bz.Start, false), m.minute(bz.End, true)})
			m.roomBusyIdx[r] = append(m.roomBusyIdx[r], int32(i))
		}
	}
	for r := range m.roomBusy {
		idx := make([]int, len(m.roomBusy[r]))
		for k := range idx {
			idx[k] = k
		}
		sp, bi := m.roomBusy[r], m.roomBusyIdx[r]
		slices.SortStableFunc(idx, func(a, b int) int { return int(sp[a].s - sp[b].s) })
		m.roomBusy[r], m.roomBusyIdx[r] = make([]span, len(idx)), make([]int32, len(idx))
		m.roomMaxEnd[r] = make([]int32, len(idx))
		for k, j := range idx {
			m.roomBusy[r][k], m.roomBusyIdx[r][k] = sp[j], bi[j]
			m.roomMaxEnd[r][k] = sp[j].e
			if k > 0 {
				m.roomMaxEnd[r][k] = max(m.roomMaxEnd[r][k], m.roomMaxEnd[r][k-1])
			}
		}
	}
	return !t.spend(len(m.p.Busy))
}

// minute is t in minutes since the model's base, rounded down, or up for
// an end, so that a booking with seconds still covers every minute it
// touches.
func (m *model) minute(t time.Time, up bool) int32 {
	d := t.Sub(m.base)
	n := d / time.Minute
	if up && d%time.Minute > 0 {
		n++
	} else if !up && d%time.Minute < 0 {
		n--
	}
	return int32(n)
}

// roomHeld reports whether a Busy meeting holds room r at some moment of
// time t.
func (m *model) roomHeld(t, r int) bool {
	held := false
	m.roomHolders(t, r, func(int32) bool { held = true; return false })
	return held
}

// roomHolders calls yield with each Busy meeting that holds room r at some
// moment of time t, latest start first, until yield returns false.
func (m *model) roomHolders(t, r int, yield func(int32) bool) {
	st := &m.times[t]
	s, e := int32(st.s), int32(st.e)
	sp, me := m.roomBusy[r], m.roomMaxEnd[r]
	// Bookings that start before e, scanned back while one of them may
	// still end after s.
	k := sort.Search(len(sp), func(i int) bool { return sp[i].s >= e })
	for k--; k >= 0 && me[k] > s; k-- {
		if sp[k].e > s && !yield(m.roomBusyIdx[r][k]) {
			return
		}
	}
}

// touchesDay reports whether a Busy meeting lies (partly) on day d.
func touchesDay(bz Busy, d calendar.Date) bool {
	return bz.Start.Before(d.AddDays(1).Start()) && d.Start().Before(bz.End)
}

// busyViolations counts the Busy meetings a meeting of body b at time t in
// room r (-1 = digital or not chosen) clashes with: through a person who
// must attend, or through the room. Each Busy meeting counts once.
func (m *model) busyViolations(b, t, r int) int {
	c := m.bodies[b].clashAt(t)
	if r < 0 || len(m.rooms) == 0 {
		return len(c)
	}
	n := len(c)
	m.roomHolders(t, r, func(i int32) bool {
		if !slices.Contains(c, i) {
			n++
		}
		return true
	})
	return n
}

// freeRoom returns the first room free at time t, -1 if none; with no
// rooms (digital) it returns -1 and ok.
func (m *model) freeRoom(t int) (r int, ok bool) {
	if len(m.rooms) == 0 {
		return -1, true
	}
	for r := range m.rooms {
		if !m.roomHeld(t, r) {
			return r, true
		}
	}
	return -1, false
}

// unary scores a meeting of body b at time t by the preferences that do
// not depend on the rest of the plan, and says why when asked.
func (m *model) unary(b, t int, explain bool) (int64, []string) {
	body := &m.bodies[b]
	st := &m.times[t]
	score := int64(basePoints)
	var why []string
	if m.klam[st.day] {
		score -= wKlamdag
		if explain {
			why = append(why, "klämdag "+klamdagCause(st.date))
		}
	}
	var others []string
	for _, a := range body.attendees {
		if db := m.dayBusy[a]; db != nil && db[st.day] >= 0 {
			score -= wSameDay
			if explain {
				others = append(others, fmt.Sprintf("%s har ett annat möte samma dag (%s)", m.name(a), m.p.Busy[db[st.day]].Label))
			}
		}
	}
	why = append(why, summarize(others, 3)...)
	if wd := body.d.UsualWeekday; wd != nil {
		if st.date.Weekday() != *wd {
			score -= wWeekday
			if explain {
				why = append(why, fmt.Sprintf("inte den vanliga veckodagen (%s)", calendar.SwedishWeekday(*wd)))
			}
		} else if explain {
			why = append(why, fmt.Sprintf("vanlig veckodag (%s)", calendar.SwedishWeekday(*wd)))
		}
	}
	if us := body.d.UsualStart; us != nil {
		diff := int(st.clock) - int(*us)
		if diff < 0 {
			diff = -diff
		}
		if diff == 0 {
			if explain {
				why = append(why, "vanlig starttid "+clockSv(*us))
			}
		} else {
			score -= min(wStartMax, int64(diff)*wStartPer30/30)
			if explain {
				why = append(why, fmt.Sprintf("börjar %s, vanligen %s", clockSv(st.clock), clockSv(*us)))
			}
		}
	}
	dn := m.dayNums[st.day]
	for i, x := range body.existing {
		g := dn - x
		if g < 0 {
			g = -g
		}
		if g < body.gap {
			score -= spreadPenalty(g, body.gap)
			if explain {
				why = append(why, fmt.Sprintf("%s från organets möte %s", daysSv(g), calendar.DateOf(body.d.Existing[i])))
			}
		}
	}
	return score, why
}

// spreadPenalty is what two meetings of one body g days apart cost when
// they should be gap days apart.
func spreadPenalty(g, gap int) int64 {
	if g >= gap {
		return 0
	}
	return int64(wSpread) * int64(gap-g) / int64(gap)
}

// summarize keeps at most n phrases and counts the rest.
func summarize(phrases []string, n int) []string {
	if len(phrases) <= n {
		return phrases
	}
	return append(phrases[:n:n], fmt.Sprintf("och %d till har ett annat möte samma dag", len(phrases)-n))
}

// clockSv writes a time the Swedish way, "13.00".
func clockSv(c calendar.Clock) string { return strings.Replace(c.String(), ":", ".", 1) }

// daysSv writes "samma dag", "1 dag", "3 dagar".
func daysSv(g int) string {
	switch g {
	case 0:
		return "samma dag"
	case 1:
		return "1 dag"
	}
	return fmt.Sprintf("%d dagar", g)
}

// meeting is one meeting to place: the k-th of a body.
type meeting struct {
	body, k int
}

// meetings lists every meeting of the window, body by body.
func (m *model) meetings() []meeting {
	var out []meeting
	for b := range m.bodies {
		for k := 0; k < m.bodies[b].d.Count; k++ {
			out = append(out, meeting{b, k})
		}
	}
	return out
}

// sharedPeople counts the people two bodies both need.
func (m *model) sharedPeople(a, b int) int {
	x, y := m.bodies[a].attendees, m.bodies[b].attendees
	n, i, j := 0, 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			n++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// pairClash reports whether two planned meetings break a hard rule
// together: a shared person without the buffer between them, or the same
// room at the same time.
func (m *model) pairClash(shared int, t1, r1, t2, r2 int) bool {
	a, b := &m.times[t1], &m.times[t2]
	if shared > 0 && a.s < b.e+m.buf && b.s < a.e+m.buf {
		return true
	}
	return r1 >= 0 && r1 == r2 && a.s < b.e && b.s < a.e
}

// pairPenalty is what two planned meetings cost together: each shared
// person meets twice that day, and two meetings of one body close together
// spread badly.
func (m *model) pairPenalty(shared int, sameBody bool, body, t1, t2 int) int64 {
	a, b := &m.times[t1], &m.times[t2]
	var p int64
	if shared > 0 && a.day == b.day {
		p += int64(shared) * wSameDay
	}
	if sameBody {
		g := m.dayNums[a.day] - m.dayNums[b.day]
		if g < 0 {
			g = -g
		}
		p += spreadPenalty(g, m.bodies[body].gap)
	}
	return p
}
