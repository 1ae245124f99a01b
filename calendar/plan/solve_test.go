package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// checkPlan checks a result against the problem using only public data,
// independently of the planner's model: every meeting is placed once, on
// an allowed day, inside one span, on the granularity, in a window room;
// then it counts the hard rules broken (one per Busy meeting a planned
// meeting clashes with, one per clashing pair of planned meetings) and
// checks that exactly the meetings involved list violations.
func checkPlan(t *testing.T, p *Problem, res *Result) (violations int) {
	t.Helper()
	w := p.Window
	want := map[string]int{}
	att := map[string][]string{}
	for _, d := range p.Demands {
		want[d.Body] = d.Count
		att[d.Body] = d.Attendees
	}
	got := map[string]int{}
	shares := func(a, b []string) bool {
		return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
	}
	buf := time.Duration(w.BufferMinutes) * time.Minute
	clashes := make([]int, len(res.Assignments))
	var sum float64
	for i, a := range res.Assignments {
		sum += a.Score
		got[a.Body]++
		d := calendar.DateOf(a.Start)
		if _, hol := Holiday(d); hol {
			t.Errorf("%s on holiday %s", a.Body, d)
		}
		if !slices.Contains(w.Weekdays, calendar.Weekday(d.Weekday())) {
			t.Errorf("%s on %s, not an allowed weekday", a.Body, d)
		}
		if !slices.Contains(w.Weeks, calendar.ISOWeekOf(d)) {
			t.Errorf("%s on %s, outside the weeks", a.Body, d)
		}
		for _, b := range w.Blackouts {
			if b.Contains(d) {
				t.Errorf("%s on %s, in a blackout", a.Body, d)
			}
		}
		if a.End.Sub(a.Start) != time.Duration(w.DurationMinutes)*time.Minute {
			t.Errorf("%s lasts %v", a.Body, a.End.Sub(a.Start))
		}
		s := calendar.Clock(a.Start.In(calendar.Location).Hour()*60 + a.Start.In(calendar.Location).Minute())
		inSpan := false
		for _, h := range w.Hours {
			if s >= h.From && int(s)+w.DurationMinutes <= int(h.To) && int(s-h.From)%int(w.Granularity()/time.Minute) == 0 {
				inSpan = true
			}
		}
		if !inSpan {
			t.Errorf("%s starts %s, not a start inside a span", a.Body, s)
		}
		if (len(w.Rooms) == 0) != (a.Room == "") || (a.Room != "" && !slices.Contains(w.Rooms, a.Room)) {
			t.Errorf("%s in room %q, window rooms %v", a.Body, a.Room, w.Rooms)
		}
		for _, bz := range p.Busy {
			buf := buf
			if bz.Reason != "" {
				buf = 0 // "kan inte" has no buffer
			}
			if (shares(att[a.Body], bz.People) && bz.Start.Before(a.End.Add(buf)) && a.Start.Before(bz.End.Add(buf))) ||
				(a.Room != "" && a.Room == bz.Room && bz.Start.Before(a.End) && a.Start.Before(bz.End)) {
				violations++
				clashes[i]++
			}
		}
		for j, b := range res.Assignments[:i] {
			if (shares(att[a.Body], att[b.Body]) && b.Start.Before(a.End.Add(buf)) && a.Start.Before(b.End.Add(buf))) ||
				(a.Room != "" && a.Room == b.Room && b.Start.Before(a.End) && a.Start.Before(b.End)) {
				violations++
				clashes[i]++
				clashes[j]++
			}
		}
	}
	for b, n := range want {
		if got[b] != n {
			t.Errorf("%s placed %d times, want %d", b, got[b], n)
		}
	}
	for i, a := range res.Assignments {
		if (clashes[i] > 0) != (len(a.Violations) > 0) {
			t.Errorf("%s at %s: %d clashes but violations %q", a.Body, a.Start, clashes[i], a.Violations)
		}
	}
	if math.Abs(sum-res.Score) > 1e-6 {
		t.Errorf("assignment scores add up to %v, result score %v", sum, res.Score)
	}
	if !slices.IsSortedFunc(res.Assignments, func(a, b Assignment) int {
		if a.Body != b.Body {
			return slices.Index(w.Bodies, a.Body) - slices.Index(w.Bodies, b.Body)
		}
		return a.Start.Compare(b.Start)
	}) {
		t.Errorf("assignments not ordered by body then start")
	}
	return violations
}

// smallProblem draws a random instance small enough for Exhaustive: up to
// eight bodies, a few people shared between them, Busy meetings, rooms,
// buffers, habits, earlier meetings, sometimes a klämdag.
func smallProblem(rng *rand.Rand) *Problem {
	for {
		weeks := []string{"2025-W37"}
		if rng.IntN(3) == 0 {
			weeks = []string{"2025-W22"} // Kristi himmelsfärd and its klämdag
		}
		w := window(weeks...)
		w.Weekdays = nil
		for _, d := range rng.Perm(5)[:1+rng.IntN(3)] {
			w.Weekdays = append(w.Weekdays, calendar.Weekday(d+1))
		}
		w.DurationMinutes = []int{60, 90}[rng.IntN(2)]
		w.GranularityMinutes = []int{30, 60}[rng.IntN(2)]
		w.Hours = []calendar.TimeSpan{{From: 9 * 60, To: calendar.Clock(9*60 + w.DurationMinutes + 60*rng.IntN(2))}}
		if rng.IntN(2) == 0 {
			w.Hours = append(w.Hours, calendar.TimeSpan{From: 13 * 60, To: calendar.Clock(13*60 + w.DurationMinutes + 30*rng.IntN(3))})
		}
		w.BufferMinutes = []int{0, 15, 30}[rng.IntN(3)]
		w.Rooms = []string{"eken", "enen"}[:rng.IntN(3)]
		people := []string{"anna", "bertil", "cecilia", "david", "eva", "fredrik"}[:3+rng.IntN(4)]
		nb := 1 + rng.IntN(8)
		var att [][]string
		for range nb {
			var a []string
			for _, i := range rng.Perm(len(people))[:1+rng.IntN(2)] {
				a = append(a, people[i])
			}
			att = append(att, a)
		}
		w.Counts = map[string]int{}
		p := problemOf(w, att...)
		for i := range p.Demands {
			if rng.IntN(8) == 0 {
				p.Demands[i].Count = 2
				w.Counts[p.Demands[i].Body] = 2
			}
			if rng.IntN(2) == 0 {
				wd := time.Weekday(1 + rng.IntN(5))
				c := calendar.Clock([]int{9 * 60, 13 * 60, 10 * 60}[rng.IntN(3)])
				p.Demands[i].UsualWeekday, p.Demands[i].UsualStart = &wd, &c
			}
			if rng.IntN(2) == 0 {
				p.Demands[i].Existing = []time.Time{w.Days()[0].AddDays(rng.IntN(21)-10).At(13, 0)}
			}
		}
		days := w.Days()
		for i := range rng.IntN(5) {
			d := days[rng.IntN(5)]
			st := d.At(8+rng.IntN(8), 30*rng.IntN(2))
			bz := Busy{Start: st, End: st.Add(time.Duration(30+30*rng.IntN(3)) * time.Minute),
				People: []string{people[rng.IntN(len(people))], "utomstående"}, Label: fmt.Sprintf("Möte %d", i)}
			if len(w.Rooms) > 0 && rng.IntN(2) == 0 {
				bz.Room = w.Rooms[rng.IntN(len(w.Rooms))]
			}
			p.Busy = append(p.Busy, bz)
		}
		if p.Validate() != nil {
			continue
		}
		// Keep Exhaustive quick: bound the number of complete plans.
		m := compile(p)
		choices := float64(len(m.times) * max(1, len(w.Rooms)))
		if math.Pow(choices, float64(len(m.meetings()))) > 3e5 {
			continue
		}
		return p
	}
}

// TestSolveEqualsExhaustive checks the planner against brute force on many
// random small instances: the same feasibility, the same optimal score,
// exactness claimed, and a plan the independent checker accepts. For
// infeasible instances: as few rules broken as brute force finds, with
// the same score.
func TestSolveEqualsExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 37))
	feasible, infeasible, withRooms := 0, 0, 0
	for i := range 1000 {
		p := smallProblem(rng)
		ex, err := Exhaustive(p)
		if err != nil {
			t.Fatalf("instance %d: Exhaustive: %v", i, err)
		}
		res, err := Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatalf("instance %d: Solve: %v", i, err)
		}
		if res.Feasible != ex.Feasible || !res.Exact {
			t.Fatalf("instance %d: Solve feasible=%v exact=%v, Exhaustive feasible=%v", i, res.Feasible, res.Exact, ex.Feasible)
		}
		vs, ve := checkPlan(t, p, res), checkPlan(t, p, ex)
		if res.Score != ex.Score || vs != ve {
			t.Fatalf("instance %d (feasible=%v): Solve score %v with %d violations, Exhaustive %v with %d\nSolve: %v\nExhaustive: %v",
				i, res.Feasible, res.Score, vs, ex.Score, ve, res.Assignments, ex.Assignments)
		}
		if res.Feasible {
			feasible++
			if vs != 0 || len(res.Conflicts) != 0 || res.Bound != res.Score {
				t.Fatalf("instance %d: feasible plan with %d violations, conflicts %v, bound %v", i, vs, res.Conflicts, res.Bound)
			}
		} else {
			infeasible++
			if vs == 0 || len(res.Conflicts) == 0 {
				t.Fatalf("instance %d: infeasible plan with %d violations and conflicts %v", i, vs, res.Conflicts)
			}
		}
		if len(p.Window.Rooms) > 0 {
			withRooms++
		}
	}
	t.Logf("%d feasible, %d infeasible, %d with rooms", feasible, infeasible, withRooms)
	if feasible < 250 || infeasible < 100 || withRooms < 250 {
		t.Errorf("the generator no longer covers both cases: %d feasible, %d infeasible, %d with rooms", feasible, infeasible, withRooms)
	}
}
