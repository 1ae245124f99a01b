package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestSuggest checks one body's ranked slots: best first, with reasons
// (klämdag, another meeting the same day, habit), never on a holiday,
// never clashing with a person's meeting (with the buffer) or a room's.
func TestSuggest(t *testing.T) {
	w := window("2025-W22") // Kristi himmelsfärdsdag Thursday 29 May, klämdag Friday 30 May
	w.DurationMinutes, w.BufferMinutes, w.GranularityMinutes = 120, 30, 30
	w.Rooms = []string{"lokal-eken", "lokal-enen"}
	p := problemOf(w, []string{"maria-lindborg", "ida-broman"}, []string{"peter"})
	p.Names = map[string]string{"maria-lindborg": "Maria Lindborg"}
	wed := time.Wednesday
	thirteen := calendar.Clock(13 * 60)
	p.Demands[0].UsualWeekday, p.Demands[0].UsualStart = &wed, &thirteen
	tue := day("2025-05-27")
	p.Busy = []Busy{
		{Start: tue.At(10, 0), End: tue.At(11, 0), People: []string{"maria-lindborg"}, Label: "Chefsgrupp folkhälsa 2025-05-27 10.00"},
		{Start: day("2025-05-28").At(13, 0), End: day("2025-05-28").At(15, 0), Room: "lokal-eken", Label: "Eken bokad"},
	}
	all, err := p.Suggest("organ-1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no suggestions")
	}
	best := all[0]
	if got := best.Start.Format("2006-01-02 15:04"); got != "2025-05-28 13:00" || best.Room != "lokal-enen" || best.Score != 100 {
		t.Errorf("best = %s in %q score %v, want Wednesday 13.00 in lokal-enen (eken is taken) with 100", got, best.Room, best.Score)
	}
	if !slices.Contains(best.Reasons, "vanlig veckodag (onsdag)") || !slices.Contains(best.Reasons, "vanlig starttid 13.00") {
		t.Errorf("best reasons %q", best.Reasons)
	}
	for i, s := range all {
		if i > 0 && s.Score > all[i-1].Score {
			t.Errorf("suggestion %d scores %v after %v", i, s.Score, all[i-1].Score)
		}
		d := calendar.DateOf(s.Start)
		if d == day("2025-05-29") {
			t.Errorf("suggested on Kristi himmelsfärdsdag: %v", s.Start)
		}
		if d == tue && s.Start.Before(tue.At(11, 30)) && tue.At(9, 30).Before(s.End) {
			t.Errorf("suggested %v–%v, within 30 minutes of Maria Lindborg's meeting", s.Start, s.End)
		}
		reasons := strings.Join(s.Reasons, "; ")
		if d == day("2025-05-30") && !strings.Contains(reasons, "klämdag efter Kristi himmelsfärdsdag") {
			t.Errorf("Friday suggestion without klämdag: %q", reasons)
		}
		if d == tue && !strings.Contains(reasons, "Maria Lindborg har ett annat möte samma dag (Chefsgrupp folkhälsa 2025-05-27 10.00)") {
			t.Errorf("Tuesday suggestion without the other meeting: %q", reasons)
		}
		if d == day("2025-05-28") && s.Start.Hour() == 13 && s.Room != "lokal-enen" {
			t.Errorf("Wednesday 13.00 in %q, which is booked", s.Room)
		}
	}
	// 4 workdays × (3 + 4 starts) = 28 slots; Tuesday loses 09.00, 09.30
	// and 10.00 to Maria Lindborg's meeting and its buffer.
	if len(all) != 25 {
		t.Errorf("%d suggestions, want 25", len(all))
	}
	three, _ := p.Suggest("organ-1", 3)
	if !reflect.DeepEqual(three, all[:3]) {
		t.Errorf("limit 3 = %v, want the first three", three)
	}
	if _, err := p.Suggest("okant-organ", 3); calendar.ErrorCode(err) != calendar.EINVALID || !strings.Contains(err.Error(), `"okant-organ" is not in booking window`) {
		t.Errorf("unknown body: %v", err)
	}
}

// TestGenerate checks that the generator is deterministic and makes the
// instances the benchmarks promise.
func TestGenerate(t *testing.T) {
	a, b := Generate(1, County()), Generate(1, County())
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two problems")
	}
	if reflect.DeepEqual(a.Busy, Generate(2, County()).Busy) {
		t.Error("two seeds gave the same problem")
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	people := map[string]bool{}
	multi := map[string]int{}
	for _, d := range a.Demands {
		for _, p := range d.Attendees {
			people[p] = true
			multi[p]++
		}
	}
	several := 0
	for _, n := range multi {
		if n > 1 {
			several++
		}
	}
	if len(a.Demands) != 60 || len(people) > 800 || several < 30 || multi["r01-region-0"] != 6 || len(a.Window.Rooms) != 8 {
		t.Errorf("county: %d bodies, %d people (%d in several bodies), contact person in %d bodies, %d rooms",
			len(a.Demands), len(people), several, multi["r01-region-0"], len(a.Window.Rooms))
	}
	c := Generate(1, Country())
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Demands) != 21*60 || len(c.Window.Rooms) != 21*8 {
		t.Errorf("country: %d bodies, %d rooms", len(c.Demands), len(c.Window.Rooms))
	}
}

// seedProblem is the seed's booking weeks: the länsdel and partner
// meetings "läggas v 37–38, v 48–49" 2025, one in each pair of weeks,
// five of the six bodies with Maria Lindborg as contact person, who is
// also at Chefsgrupp folkhälsa on Tuesday 2 December.
func seedProblem() *Problem {
	w := window("2025-W37", "2025-W38", "2025-W48", "2025-W49")
	w.Name = "Samverkansmöten hösten 2025, v 37–38 och 48–49"
	w.DurationMinutes, w.BufferMinutes = 180, 30
	w.Rooms = []string{"lokal-eken", "lokal-enen"}
	w.Bodies = []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro", "samverkan-olbf", "samverkan-rf-sisu"}
	members := [][]string{{"maria-lindborg", "ida-broman"}, {"maria-lindborg", "cathrine-bohlin", "theresia-wreby-ljung"},
		{"maria-lindborg", "cecilia-ljung"}, {"maria-lindborg", "malin-lindqvist"}, {"maria-lindborg", "cecilia-lonn-elgstrand"},
		{"peter-bergvall-virtanen", "jonas-karlsson"}}
	p := &Problem{Window: w, Now: day("2025-06-01").At(9, 0), Names: map[string]string{
		"maria-lindborg": "Maria Lindborg", "ida-broman": "Ida Broman", "cecilia-ljung": "Cecilia Ljung"}}
	for i, b := range w.Bodies {
		p.Demands = append(p.Demands, Demand{Body: b, Count: 2, Attendees: members[i]})
	}
	w.Counts = map[string]int{}
	for _, b := range w.Bodies {
		w.Counts[b] = 2
	}
	tue := time.Tuesday
	p.Demands[0].UsualWeekday = &tue // Norr met on Tuesdays in 2024 (24/9, 2/12)
	p.Demands[0].Existing = []time.Time{day("2025-08-26").At(13, 0)}
	dec2 := day("2025-12-02")
	p.Busy = []Busy{{Start: dec2.At(13, 0), End: dec2.At(16, 30), People: []string{"maria-lindborg", "ida-broman", "cecilia-ljung"},
		Room: "lokal-eken", Bodies: []string{"chefsgrupp-folkhalsa"}, Label: "Chefsgrupp folkhälsa 2025-12-02 13.00"}}
	return p
}

// TestSeedWindowGolden plans the seed's window and compares the plan, as a
// table with ISO weeks and Swedish weekdays, with testdata (-update
// rewrites it).
func TestSeedWindowGolden(t *testing.T) {
	p := seedProblem()
	res, err := Solve(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Feasible || !res.Exact || checkPlan(t, p, res) != 0 {
		t.Fatalf("feasible %v exact %v score %v", res.Feasible, res.Exact, res.Score)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: feasible=%v exact=%v score=%.3f\n", p.Window.Name, res.Feasible, res.Exact, res.Score)
	for _, a := range res.Assignments {
		d := calendar.DateOf(a.Start)
		fmt.Fprintf(&b, "v %s %-7s %s %s–%s %-10s %-17s %7.3f  %s\n", strings.TrimPrefix(calendar.ISOWeekOf(d).String(), "2025-W"),
			calendar.SwedishWeekday(d.Weekday()), d, a.Start.Format("15.04"), a.End.Format("15.04"), a.Room, a.Body, a.Score, strings.Join(a.Reasons, "; "))
	}
	golden(t, "seed-v37-38-48-49.golden", b.String())
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *UpdateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestSuggestEachIsSuggest: the slots of every body at once are those of
// Suggest body by body.
func TestSuggestEachIsSuggest(t *testing.T) {
	p := Generate(7, County())
	all, err := p.SuggestEach(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(p.Demands) {
		t.Fatalf("%d bodies suggested, want %d", len(all), len(p.Demands))
	}
	some := 0
	for _, d := range p.Demands {
		one, err := p.Suggest(d.Body, 5)
		if err != nil {
			t.Fatal(err)
		}
		some += len(one)
		if !reflect.DeepEqual(all[d.Body], one) {
			t.Errorf("%s: SuggestEach gives %v, Suggest %v", d.Body, all[d.Body], one)
		}
	}
	if some == 0 {
		t.Errorf("no body has a slot: the test shows nothing")
	}
}
