package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// planted builds a window of n bodies with a plan planted in it: a slot
// (and room) for every meeting that breaks no rule, and Busy meetings that
// keep clear of the planted plan. So a plan exists, however crowded.
func planted(rng *rand.Rand, n int, rooms []string) *Problem {
	w := window("2025-W37", "2025-W38")
	w.DurationMinutes = 60 + 30*rng.IntN(3)
	w.BufferMinutes = 15
	w.Rooms = rooms
	w.Counts = map[string]int{}
	pool := 2 * n
	var att [][]string
	for i := range n {
		a := []string{fmt.Sprintf("p%d", rng.IntN(pool)), fmt.Sprintf("p%d", rng.IntN(pool))}
		if i%4 == 0 {
			a = append(a, "hub") // one person in a quarter of the bodies
		}
		slices.Sort(a)
		att = append(att, slices.Compact(a))
	}
	p := problemOf(w, att...)
	for i := range p.Demands {
		if rng.IntN(6) == 0 {
			p.Demands[i].Count = 2
			w.Counts[p.Demands[i].Body] = 2
		}
	}
	m := compile(p)
	buf := time.Duration(w.BufferMinutes) * time.Minute
	type slot struct {
		start, end time.Time
		people     []string
		room       string
	}
	clash := func(a, b slot) bool {
		shared := slices.ContainsFunc(a.people, func(x string) bool { return slices.Contains(b.people, x) })
		return (shared && a.start.Before(b.end.Add(buf)) && b.start.Before(a.end.Add(buf))) ||
			(a.room != "" && a.room == b.room && a.start.Before(b.end) && b.start.Before(a.end))
	}
	var plan []slot
	for _, d := range p.Demands {
		for range d.Count {
			for try := 0; ; try++ {
				st := m.times[rng.IntN(len(m.times))]
				s := slot{st.start, st.end, d.Attendees, ""}
				if len(rooms) > 0 {
					s.room = rooms[rng.IntN(len(rooms))]
				}
				if !slices.ContainsFunc(plan, func(o slot) bool { return clash(o, s) }) {
					plan = append(plan, s)
					break
				}
				if try > 10000 {
					panic("cannot plant")
				}
			}
		}
	}
	for len(p.Busy) < 3*n {
		d := m.days[rng.IntN(len(m.days))]
		st := d.At(8+rng.IntN(9), 15*rng.IntN(4))
		bz := Busy{Start: st, End: st.Add(time.Duration(30+30*rng.IntN(4)) * time.Minute), Label: fmt.Sprintf("Annat möte %d", len(p.Busy)),
			People: []string{fmt.Sprintf("p%d", rng.IntN(pool)), "någon-annan"}}
		if len(rooms) > 0 && rng.IntN(2) == 0 {
			bz.Room = rooms[rng.IntN(len(rooms))]
		}
		s := slot{bz.Start, bz.End, bz.People, bz.Room}
		if !slices.ContainsFunc(plan, func(o slot) bool { return clash(o, s) }) {
			p.Busy = append(p.Busy, bz)
		}
	}
	return p
}

// TestPlantedFeasible checks that a window with a plan planted in it is
// always planned without breaking a rule.
func TestPlantedFeasible(t *testing.T) {
	rng := rand.New(rand.NewPCG(48, 49))
	for i := range 40 {
		n := 5 + rng.IntN(36)
		var rooms []string
		if i%2 == 1 {
			rooms = []string{"eken", "enen", "granen"}
		}
		p := planted(rng, n, rooms)
		res, err := Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if !res.Feasible {
			t.Fatalf("instance %d (%d bodies, rooms %v): no plan found; conflicts %+v", i, n, rooms, res.Conflicts)
		}
		if v := checkPlan(t, p, res); v != 0 {
			t.Fatalf("instance %d: %d rules broken", i, v)
		}
		if res.Bound < res.Score {
			t.Fatalf("instance %d: bound %v below score %v", i, res.Bound, res.Score)
		}
	}
}

// blockAllBut makes person busy on every day of the window except from
// 09.00 to 11.00 on free.
func blockAllBut(p *Problem, person string, free calendar.Date) {
	for _, d := range p.Window.Days() {
		if d == free {
			p.Busy = append(p.Busy,
				Busy{Start: d.At(7, 0), End: d.At(9, 0), People: []string{person}, Label: "Förmiddag " + d.String()},
				Busy{Start: d.At(11, 0), End: d.At(18, 0), People: []string{person}, Label: "Eftermiddag " + d.String()})
			continue
		}
		p.Busy = append(p.Busy, Busy{Start: d.At(7, 0), End: d.At(18, 0), People: []string{person}, Label: "Heldag " + d.String()})
	}
}

// TestPlantedInfeasible plants three bodies that share a contact person
// who has room for only two one-hour meetings, beside a planted feasible
// window: the explanation must name exactly those three bodies, that
// person and that day, and the best-effort plan must break one rule only.
func TestPlantedInfeasible(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	for i := range 10 {
		p := planted(rng, 8+rng.IntN(20), nil)
		w := p.Window
		w.DurationMinutes, w.BufferMinutes = 60, 0
		free := w.Days()[rng.IntN(5)+7*rng.IntN(2)]
		var want []string
		for k := range 3 {
			body := fmt.Sprintf("lansdel-%d", k+1)
			want = append(want, body)
			w.Bodies = append(w.Bodies, body)
			p.Demands = append(p.Demands, Demand{Body: body, Count: 1, Attendees: []string{"kontaktperson", fmt.Sprintf("ledamot-%d", k)}})
		}
		blockAllBut(p, "kontaktperson", free)
		// Shorter meetings and no buffer keep the planted plan valid.
		res, err := Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if res.Feasible {
			t.Fatalf("instance %d: feasible, want infeasible", i)
		}
		if len(res.Conflicts) != 1 {
			t.Fatalf("instance %d: conflicts %+v, want one", i, res.Conflicts)
		}
		c := res.Conflicts[0]
		if !slices.Equal(c.Bodies, want) || !slices.Equal(c.People, []string{"kontaktperson"}) || len(c.Rooms) != 0 ||
			!slices.Equal(c.Days, []calendar.Date{free}) {
			t.Fatalf("instance %d: conflict %+v, want bodies %v, person kontaktperson, day %s", i, c, want, free)
		}
		if !strings.Contains(c.Reason, "kontaktperson") || !strings.Contains(c.Reason, "lansdel-1, lansdel-2 och lansdel-3") {
			t.Errorf("instance %d: reason %q", i, c.Reason)
		}
		if v := checkPlan(t, p, res); v != 1 {
			t.Errorf("instance %d: best-effort plan breaks %d rules, want 1", i, v)
		}
		for _, a := range res.Assignments {
			if len(a.Violations) > 0 && !slices.Contains(want, a.Body) {
				t.Errorf("instance %d: %s breaks %q, but it is not in the conflict", i, a.Body, a.Violations)
			}
		}
	}
}

// TestConflictKinds checks the explanations of the other ways a window
// can fail: a body whose people are never free, a body needing more
// meetings than it has free times, rooms too few, and two separate
// clashes named separately.
func TestConflictKinds(t *testing.T) {
	t.Run("nobody free", func(t *testing.T) {
		p := problemOf(window("2025-W37"), []string{"anna"}, []string{"greta", "bertil"})
		for _, d := range p.Window.Days() {
			p.Busy = append(p.Busy, Busy{Start: d.At(8, 0), End: d.At(17, 0), People: []string{"greta"}, Label: "Utbildning " + d.String()})
		}
		res := solveOK(t, p)
		want := Conflict{Bodies: []string{"organ-2"}, People: []string{"greta"}}
		if len(res.Conflicts) != 1 || !slices.Equal(res.Conflicts[0].Bodies, want.Bodies) || !slices.Equal(res.Conflicts[0].People, want.People) ||
			!strings.Contains(res.Conflicts[0].Reason, "organ-2 har ingen ledig tid i fönstret: greta är upptagen alla möjliga tider") {
			t.Errorf("conflicts %+v, want %+v", res.Conflicts, want)
		}
	})
	t.Run("too many meetings for the free times", func(t *testing.T) {
		w := window("2025-W37")
		w.Counts = map[string]int{"organ-1": 3}
		w.DurationMinutes, w.BufferMinutes = 60, 0
		p := problemOf(w, []string{"anna"})
		blockAllBut(p, "anna", day("2025-09-10"))
		res := solveOK(t, p)
		if len(res.Conflicts) != 1 || !strings.Contains(res.Conflicts[0].Reason, "organ-1 behöver 3 möten men de lediga tiderna räcker bara till 2 (övriga tider: anna är upptagen)") {
			t.Errorf("conflicts %+v", res.Conflicts)
		}
	})
	t.Run("rooms too few", func(t *testing.T) {
		w := window("2025-W37")
		w.DurationMinutes, w.BufferMinutes = 60, 0
		w.Rooms = []string{"eken"}
		p := problemOf(w, []string{"anna"}, []string{"bertil"}, []string{"cecilia"})
		for _, d := range w.Days() {
			if d == day("2025-09-10") {
				p.Busy = append(p.Busy, Busy{Start: d.At(11, 0), End: d.At(17, 0), Room: "eken", Label: "Eken bokad " + d.String()})
				continue
			}
			p.Busy = append(p.Busy, Busy{Start: d.At(8, 0), End: d.At(17, 0), Room: "eken", Label: "Eken bokad " + d.String()})
		}
		res := solveOK(t, p)
		if len(res.Conflicts) != 1 {
			t.Fatalf("conflicts %+v, want one", res.Conflicts)
		}
		c := res.Conflicts[0]
		if !slices.Equal(c.Bodies, []string{"organ-1", "organ-2", "organ-3"}) || !slices.Equal(c.Rooms, []string{"eken"}) ||
			len(c.People) != 0 || !slices.Equal(c.Days, []calendar.Date{day("2025-09-10")}) || !strings.Contains(c.Reason, "lokalerna (eken) räcker inte") {
			t.Errorf("conflict %+v", c)
		}
		if !res.Exact || checkPlan(t, p, res) != 1 {
			t.Errorf("best effort: exact %v, want exact with 1 rule broken", res.Exact)
		}
	})
	t.Run("two separate clashes", func(t *testing.T) {
		w := window("2025-W37")
		w.DurationMinutes, w.BufferMinutes = 60, 0
		p := problemOf(w, []string{"kp-norr", "a"}, []string{"kp-norr", "b"}, []string{"kp-norr", "c"}, []string{"fri"},
			[]string{"kp-soder", "d"}, []string{"kp-soder", "e"}, []string{"kp-soder", "f"})
		blockAllBut(p, "kp-norr", day("2025-09-09"))
		blockAllBut(p, "kp-soder", day("2025-09-11"))
		res := solveOK(t, p)
		if len(res.Conflicts) != 2 || !slices.Equal(res.Conflicts[0].People, []string{"kp-norr"}) ||
			!slices.Equal(res.Conflicts[1].Bodies, []string{"organ-5", "organ-6", "organ-7"}) {
			t.Errorf("conflicts %+v", res.Conflicts)
		}
		if !res.Exact || checkPlan(t, p, res) != 2 {
			t.Errorf("best effort: exact %v, want exact with 2 rules broken", res.Exact)
		}
	})
}

func solveOK(t *testing.T, p *Problem) *Result {
	t.Helper()
	res, err := Solve(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Feasible {
		t.Fatalf("feasible, want infeasible: %+v", res.Assignments)
	}
	return res
}

// TestBudgetAndCancel checks that a search cut short never claims to be
// exact, still returns a plan, and that a cancelled context stops Solve.
func TestBudgetAndCancel(t *testing.T) {
	p := Generate(7, County())
	res, err := Solve(context.Background(), p, Options{MaxNodes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Exact || !res.Feasible {
		t.Errorf("budget 1: exact %v feasible %v, want a feasible plan not claimed exact", res.Exact, res.Feasible)
	}
	if v := checkPlan(t, p, res); v != 0 {
		t.Errorf("budget 1: %d rules broken", v)
	}
	if res.Bound <= res.Score {
		t.Errorf("bound %v not above score %v of an unproven plan", res.Bound, res.Score)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, p, Options{}); err != context.Canceled {
		t.Errorf("cancelled: err %v, want %v", err, context.Canceled)
	}
}

// TestLargeInfeasible blocks one body of a generated county, with and
// without rooms: the group is too large for an exact best-effort search,
// so the rest is planned and the blocked body placed where it breaks
// fewest rules; the explanation names the body and the one person.
func TestLargeInfeasible(t *testing.T) {
	for _, rooms := range []int{0, 8} {
		cfg := County()
		cfg.Rooms = rooms
		p := Generate(3, cfg)
		blocked := p.Demands[10].Body
		p.Demands[10].Attendees = append(p.Demands[10].Attendees, "heldag")
		for _, d := range p.Window.Days() {
			p.Busy = append(p.Busy, Busy{Start: d.At(7, 0), End: d.At(18, 0), People: []string{"heldag"}, Label: "Heldag " + d.String()})
		}
		res, err := Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Feasible || res.Exact || len(res.Conflicts) != 1 {
			t.Fatalf("rooms %d: feasible %v exact %v conflicts %+v", rooms, res.Feasible, res.Exact, res.Conflicts)
		}
		c := res.Conflicts[0]
		if !slices.Equal(c.Bodies, []string{blocked}) || !slices.Equal(c.People, []string{"heldag"}) || len(c.Days) != 10 {
			t.Errorf("rooms %d: conflict %+v, want %s blocked by heldag on all 10 days", rooms, c, blocked)
		}
		if v := checkPlan(t, p, res); v < 1 {
			t.Errorf("rooms %d: best-effort plan breaks %d rules", rooms, v)
		}
		for _, a := range res.Assignments {
			if a.Body == blocked && !strings.Contains(strings.Join(a.Violations, "; "), "Heldag") {
				t.Errorf("rooms %d: %s violations %q do not name the blocking meeting", rooms, a.Body, a.Violations)
			}
		}
	}
}
