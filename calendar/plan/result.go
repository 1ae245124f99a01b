package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// planScore is the total score of a plan in milli-points: every meeting's
// unary score less every pairwise penalty. Solve and Exhaustive both
// report it, computed here from scratch.
func (m *model) planScore(plan []placed) int64 {
	var s int64
	for i, a := range plan {
		s += m.bodies[a.mt.body].unary[a.t]
		for _, b := range plan[i+1:] {
			s -= m.pairPenalty(m.sharedPeople(a.mt.body, b.mt.body), a.mt.body == b.mt.body, a.mt.body, a.t, b.t)
		}
	}
	return s
}

// violationCount counts the hard rules a plan breaks: one per Busy meeting
// a planned meeting clashes with, one per pair of planned meetings that
// clash (a shared person without the buffer, or the same room).
func (m *model) violationCount(plan []placed) int {
	n := 0
	for i, a := range plan {
		n += m.busyViolations(a.mt.body, a.t, a.r)
		for _, b := range plan[i+1:] {
			if m.pairClash(m.sharedPeople(a.mt.body, b.mt.body), a.t, a.r, b.t, b.r) {
				n++
			}
		}
	}
	return n
}

// result turns a plan into the answer: assignments ordered by body then
// start, each with its share of the score, its reasons and the rules it
// breaks.
func (m *model) result(plan []placed, feasible, exact bool, conflicts []Conflict) *Result {
	res := &Result{Feasible: feasible, Exact: exact, Conflicts: conflicts, Warnings: m.p.Warnings()}
	res.Score = float64(m.planScore(plan)) / 1000
	for i := range plan {
		res.Assignments = append(res.Assignments, m.assignment(plan, i))
	}
	slices.SortStableFunc(res.Assignments, func(x, y Assignment) int {
		return cmp.Or(cmp.Compare(m.bodyIdx[x.Body], m.bodyIdx[y.Body]), x.Start.Compare(y.Start))
	})
	return res
}

// assignment describes plan[i].
func (m *model) assignment(plan []placed, i int) Assignment {
	a := plan[i]
	st := &m.times[a.t]
	body := &m.bodies[a.mt.body]
	score, why := m.unary(a.mt.body, a.t, true)
	var half int64
	var violations []string
	for j, b := range plan {
		if j == i {
			continue
		}
		shared := m.sharedPeople(a.mt.body, b.mt.body)
		same := a.mt.body == b.mt.body
		half += m.pairPenalty(shared, same, a.mt.body, a.t, b.t)
		ot := &m.times[b.t]
		other := m.bodyName(m.bodies[b.mt.body].slug)
		if shared > 0 && st.day == ot.day {
			why = append(why, fmt.Sprintf("%s har även %s samma dag", joinSv(m.sharedNames(a.mt.body, b.mt.body, 3)), other))
		}
		if same {
			if g := abs(m.dayNums[st.day] - m.dayNums[ot.day]); g < body.gap {
				why = append(why, fmt.Sprintf("%s från organets andra möte i fönstret (%s)", daysSv(g), ot.date))
			}
		}
		if m.pairClash(shared, a.t, a.r, b.t, b.r) {
			if shared > 0 && st.s < ot.e+m.buf && ot.s < st.e+m.buf {
				violations = append(violations, fmt.Sprintf("krockar med %s %s (%s)", other, stamp(ot.start), joinSv(m.sharedNames(a.mt.body, b.mt.body, 3))))
			} else {
				violations = append(violations, fmt.Sprintf("lokalen %s är dubbelbokad med %s %s", m.p.roomName(m.rooms[a.r]), other, stamp(ot.start)))
			}
		}
	}
	for _, bi := range body.clashAt(a.t) {
		bz := &m.p.Busy[bi]
		if bz.Reason != "" {
			violations = append(violations, bz.Reason)
			continue
		}
		violations = append(violations, fmt.Sprintf("krockar med %s (%s)", bz.Label, joinSv(m.busyNames(a.mt.body, bz, 3))))
	}
	if a.r >= 0 && len(m.rooms) > 0 {
		var holders []int32
		m.roomHolders(a.t, a.r, func(bi int32) bool {
			if !slices.Contains(body.clashAt(a.t), bi) {
				holders = append(holders, bi)
			}
			return true
		})
		slices.Sort(holders)
		for _, bi := range holders {
			violations = append(violations, fmt.Sprintf("lokalen %s är bokad för %s", m.p.roomName(m.rooms[a.r]), m.p.Busy[bi].Label))
		}
	}
	room := ""
	if a.r >= 0 && a.r < len(m.rooms) {
		room = m.rooms[a.r]
	}
	// Each pairwise penalty is shared equally by the two meetings, so the
	// assignments' scores add up to the plan's.
	return Assignment{Body: body.slug, Start: st.start, End: st.end, Room: room,
		Score: float64(2*score-half) / 2000, Reasons: unique(why), Violations: unique(violations)}
}

// unique drops repeated phrases (two meetings of one body the same day
// give the same reason twice), keeping the first.
func unique(phrases []string) []string {
	var out []string
	for _, p := range phrases {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// sharedNames names up to n people both bodies need.
func (m *model) sharedNames(a, b, n int) []string {
	var out []string
	for _, p := range m.bodies[a].attendees {
		if slices.Contains(m.bodies[b].attendees, p) {
			out = append(out, m.name(p))
		}
	}
	return limitNames(out, n)
}

// busyNames names up to n of body b's people who attend bz.
func (m *model) busyNames(b int, bz *Busy, n int) []string {
	var out []string
	for _, p := range m.bodies[b].attendees {
		if slices.Contains(bz.People, m.people[p]) {
			out = append(out, m.name(p))
		}
	}
	return limitNames(out, n)
}

func limitNames(names []string, n int) []string {
	if len(names) > n {
		return append(names[:n:n], fmt.Sprintf("%d till", len(names)-n))
	}
	return names
}

// joinSv joins "a, b och c".
func joinSv(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " och " + s[len(s)-1]
}

// stamp writes a meeting start the Swedish way: "2025-09-09 13.00".
func stamp(t time.Time) string { return t.In(calendar.Location).Format("2006-01-02 15.04") }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
