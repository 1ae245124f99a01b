package plan

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// cannotDo is the Busy period Load makes of a "kan inte" answer.
func cannotDo(p *Problem, person string, h calendar.HalfDay) {
	start, end := h.Half.Span(h.Day)
	reason := cmpName(p.Names, person) + " kan inte " + h.ShortSwedish()
	p.Busy = append(p.Busy, Busy{Start: start, End: end, People: []string{person}, Label: reason, Reason: reason})
}

// blockAllButMornings makes person busy on every day of the window except
// from 09.00 to 11.00 on the free days.
func blockAllButMornings(p *Problem, person string, free ...calendar.Date) {
	for _, d := range p.Window.Days() {
		if slices.Contains(free, d) {
			p.Busy = append(p.Busy,
				Busy{Start: d.At(7, 0), End: d.At(9, 0), People: []string{person}, Label: "Förmiddag " + d.String()},
				Busy{Start: d.At(11, 0), End: d.At(18, 0), People: []string{person}, Label: "Eftermiddag " + d.String()})
			continue
		}
		p.Busy = append(p.Busy, Busy{Start: d.At(7, 0), End: d.At(18, 0), People: []string{person}, Label: "Heldag " + d.String()})
	}
}

// plantedCannotDo adds to a planted window a body whose contact person is
// free only on the mornings of days a and b, with Maria Lindborg, who
// must attend it too; the body usually meets on a's weekday, so that
// without her answers the planner prefers a.
func plantedCannotDo(rng *rand.Rand) (p *Problem, a, b calendar.Date) {
	p = planted(rng, 8+rng.IntN(20), nil)
	w := p.Window
	w.DurationMinutes, w.BufferMinutes = 60, 0 // keeps the planted plan valid
	days := w.Days()
	a = days[rng.IntN(5)]
	b = days[7+rng.IntN(5)]
	for b.Weekday() == a.Weekday() {
		b = days[7+rng.IntN(5)]
	}
	w.Bodies = append(w.Bodies, "lansdel-x")
	usual := a.Weekday()
	p.Demands = append(p.Demands, Demand{Body: "lansdel-x", Count: 1, Attendees: []string{"kontaktperson", "maria"}, UsualWeekday: &usual})
	p.Names = map[string]string{"maria": "Maria Lindborg", "kontaktperson": "Kim Kontakt"}
	blockAllButMornings(p, "kontaktperson", a, b)
	return p, a, b
}

// TestPlantedCannotDo: in planted windows, a body whose only free
// mornings are two days is placed on the one Maria Lindborg can do, though
// it prefers the other; and when she cannot do either, the window is
// infeasible and the explanation names her and the days.
func TestPlantedCannotDo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 8))
	for i := range 6 {
		p, a, b := plantedCannotDo(rng)
		placed := func(res *Result) calendar.Date {
			for _, x := range res.Assignments {
				if x.Body == "lansdel-x" {
					return calendar.DateOf(x.Start)
				}
			}
			t.Fatalf("instance %d: lansdel-x not placed", i)
			return calendar.Date{}
		}
		res, err := Solve(context.Background(), p, Options{})
		if err != nil || !res.Feasible {
			t.Fatalf("instance %d without answers: err %v feasible %v", i, err, res != nil && res.Feasible)
		}
		if got := placed(res); got != a {
			t.Fatalf("instance %d without answers: lansdel-x on %s, want its usual weekday %s", i, got, a)
		}

		am := calendar.HalfDay{Day: a, Half: calendar.HalfMorning}
		cannotDo(p, "maria", am)
		res, err = Solve(context.Background(), p, Options{})
		if err != nil || !res.Feasible {
			t.Fatalf("instance %d, maria cannot %s: err %v, feasible %v", i, am, err, res != nil && res.Feasible)
		}
		if got := placed(res); got != b {
			t.Errorf("instance %d: lansdel-x on %s, want %s, the only morning Maria Lindborg can do", i, got, b)
		}
		if v := checkPlan(t, p, res); v != 0 {
			t.Errorf("instance %d: %d rules broken", i, v)
		}
		sugg, err := p.Suggest("lansdel-x", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugg {
			if calendar.DateOf(s.Start) != b {
				t.Errorf("instance %d: suggestion %s, want only %s", i, s.Start, b)
			}
		}

		bm := calendar.HalfDay{Day: b, Half: calendar.HalfMorning}
		cannotDo(p, "maria", bm)
		res, err = Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Feasible || len(res.Conflicts) != 1 {
			t.Fatalf("instance %d, maria cannot %s nor %s: feasible %v, conflicts %+v", i, am, bm, res.Feasible, res.Conflicts)
		}
		c := res.Conflicts[0]
		for _, want := range []string{"Maria Lindborg kan inte " + am.ShortSwedish(), "Maria Lindborg kan inte " + bm.ShortSwedish()} {
			if !strings.Contains(c.Reason, want) {
				t.Errorf("instance %d: reason %q does not say %q", i, c.Reason, want)
			}
		}
		if !slices.Equal(c.Bodies, []string{"lansdel-x"}) || !slices.Contains(c.People, "maria") {
			t.Errorf("instance %d: conflict %+v, want lansdel-x with maria", i, c)
		}
		if v := checkPlan(t, p, res); v != 1 {
			t.Errorf("instance %d: best-effort plan breaks %d rules, want 1", i, v)
		}
		if len(sugg) == 0 {
			t.Errorf("instance %d: no suggestions before the second answer", i)
		}
	}
}

// TestCannotDoRules: a "kan inte" half day has no buffer (a meeting may
// end at 12.00 when the afternoon is taken), does not count as another
// meeting that day, and a meeting that overlaps it breaks it by the
// answer's own words.
func TestCannotDoRules(t *testing.T) {
	w := window("2025-W37")
	w.Weekdays = []calendar.Weekday{2} // tuesday 9 September
	w.Hours = []calendar.TimeSpan{{From: 11 * 60, To: 13 * 60}}
	w.BufferMinutes = 60
	p := problemOf(w, []string{"maria"})
	p.Names = map[string]string{"maria": "Maria Lindborg"}
	tue := day("2025-09-09")
	cannotDo(p, "maria", calendar.HalfDay{Day: tue, Half: calendar.HalfAfternoon})
	sugg, err := p.Suggest("organ-1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sugg {
		got = append(got, s.Start.Format("15.04"))
		if strings.Contains(strings.Join(s.Reasons, "; "), "annat möte") {
			t.Errorf("suggestion %s reasons %q count the answer as a meeting", s.Start, s.Reasons)
		}
	}
	if !slices.Equal(got, []string{"11.00"}) {
		t.Errorf("suggestions start %v, want only 11.00 (ends at 12.00, no buffer)", got)
	}
	breaks := p.Breaks("organ-1", tue.At(11, 30), tue.At(12, 30), "")
	if !slices.Equal(breaks, []string{"Maria Lindborg kan inte tis 9 sep em"}) {
		t.Errorf("Breaks = %q, want the answer's words", breaks)
	}
	if b := p.Breaks("organ-1", tue.At(11, 0), tue.At(12, 0), ""); len(b) != 0 {
		t.Errorf("Breaks 11.00–12.00 = %q, want none", b)
	}
}
