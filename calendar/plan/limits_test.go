package plan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// yearWindow is a large window that the limits allow: next year's årsplan
// of a body, every week of 2026 on weekdays 08.00–17.00 at 5 minutes, 20
// meetings of 3 hours (19,345 candidate starts, 386,900 placements); its
// three people are busy on Tuesday and Thursday mornings. Planned to the
// end it takes some 4·10⁸ steps of work.
func yearWindow() *Problem {
	w := &calendar.BookingWindow{Name: "Årsplan 2026", DurationMinutes: 180, Weekdays: []calendar.Weekday{1, 2, 3, 4, 5},
		Hours: []calendar.TimeSpan{{From: 8 * 60, To: 17 * 60}}, GranularityMinutes: 5, BufferMinutes: 30,
		Counts: map[string]int{"chefsgrupp-folkhalsa": 20}, Bodies: []string{"chefsgrupp-folkhalsa"}}
	for wk := 1; wk <= 53; wk++ {
		w.Weeks = append(w.Weeks, calendar.ISOWeek{Year: 2026, Week: wk})
	}
	people := []string{"maria-lindborg", "ida-broman", "cecilia-ljung"}
	thu, one := time.Thursday, calendar.Clock(13*60)
	p := &Problem{Window: w, Now: day("2025-10-01").At(9, 0),
		Demands: []Demand{{Body: "chefsgrupp-folkhalsa", Count: 20, Attendees: people, UsualWeekday: &thu, UsualStart: &one,
			Existing: []time.Time{day("2025-12-02").At(13, 0), day("2027-01-21").At(13, 0)}}}}
	for i, d := range w.Days() {
		if wd := d.Weekday(); wd == time.Tuesday || wd == time.Thursday {
			st := d.At(10, 0)
			p.Busy = append(p.Busy, Busy{Start: st, End: st.Add(2 * time.Hour), People: people[:1+i%3], MeetingID: int64(i + 1),
				Label: fmt.Sprintf("Annat möte %s", d)})
		}
	}
	return p
}

// TestSolveCancelledContextDoesNoWork: with a context that has already
// ended, Solve returns its error before building anything. Before, it
// compiled the whole model (and for the window of issue 8 grew past 6 GB)
// before it looked at the context.
func TestSolveCancelledContextDoesNoWork(t *testing.T) {
	p := yearWindow()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := Solve(ctx, p, Options{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Solve with a cancelled context = %v, %v; want nil, context.Canceled", res, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("Solve with a cancelled context allocated %d bytes; want it to stop before building the model", alloc)
	}
}

// TestSolveStopsSoonAfterCancel: a context cancelled while the search runs
// stops it at once: after the cancellation each goroutine does at most one
// stretch of work between two looks at the context (checkEvery steps and
// the loop it is in), not the rest of the search.
func TestSolveStopsSoonAfterCancel(t *testing.T) {
	p := yearWindow()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mt := newMeter(ctx, 0)
	done := make(chan error, 1)
	go func() {
		_, _, err := solveMetered(mt, p, Options{})
		done <- err
	}()
	// Wait until the model is built and the search is well under way
	// (compiling takes about 10⁵ steps).
	guard := time.After(5 * time.Minute)
	for mt.used.Load() < 40*checkEvery {
		select {
		case err := <-done:
			t.Fatalf("the search ended (err %v) after %d steps, before it could be cancelled", err, mt.used.Load())
		case <-guard:
			t.Fatal("the search did not start within 5 minutes")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	at := mt.used.Load()
	var err error
	select {
	case err = <-done:
	case <-guard:
		t.Fatalf("the search did not stop within 5 minutes of the cancellation (%d steps since)", mt.used.Load()-at)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Solve after cancel = %v, want context.Canceled", err)
	}
	// One stretch per goroutine: checkEvery steps plus the largest loop
	// spent at once (a body's candidates with its people and meetings).
	m := compile(p)
	stretch := int64(checkEvery + len(m.times)*8)
	if since := mt.used.Load() - at; since > int64(runtime.GOMAXPROCS(0)+1)*stretch {
		t.Errorf("the search did %d steps after the cancellation; want at most %d (one stretch per goroutine)",
			since, int64(runtime.GOMAXPROCS(0)+1)*stretch)
	}
}

// TestSolveWorkBudget: a search that uses up its work budget keeps the
// best plan it found, inexact and with a warning that says so; one that
// has found none fails with EINVALID telling how to make the window
// smaller. Without the budget a node near the limits could look at
// hundreds of thousands of candidates, so the node budget alone did not
// bound the time.
func TestSolveWorkBudget(t *testing.T) {
	p := yearWindow()
	res, err := Solve(context.Background(), p, Options{MaxWork: 1})
	if calendar.ErrorCode(err) != calendar.EINVALID || !strings.Contains(calendar.ErrorMessage(err), "too large to plan") ||
		!strings.Contains(calendar.ErrorMessage(err), "narrow the hours or weeks") {
		t.Fatalf("Solve with no budget = %v, %v; want EINVALID: too large to plan", res, err)
	}
	// A budget that lets the search find a plan but not finish.
	res, err = Solve(context.Background(), p, Options{MaxWork: 20_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Feasible || res.Exact || len(res.Assignments) != 20 {
		t.Fatalf("with a small budget: feasible %v, exact %v, %d meetings; want a feasible inexact plan of 20", res.Feasible, res.Exact, len(res.Assignments))
	}
	if w := res.Warnings[len(res.Warnings)-1]; !strings.Contains(w, "used up its work budget") || !strings.Contains(w, "points below the best possible") {
		t.Errorf("last warning %q; want the budget named, with how far from the best the plan may be", w)
	}
	checkPlan(t, p, res)
}

// TestPlanningRefusesWindowsBeyondTheLimits: a window stored before the
// limits existed is refused when it is planned or asked for suggestions,
// with the message that names the limit, before anything is loaded.
func TestPlanningRefusesWindowsBeyondTheLimits(t *testing.T) {
	store := sqltest.SQLite(t, sqlstore.Options{})
	w := yearWindow().Window
	w.GranularityMinutes = 1
	want := "candidate start times (265 days on its weekdays × 361 start times a day); at most 30000"
	if _, err := PlanWindow(context.Background(), store, w, time.Now(), Options{}); calendar.ErrorCode(err) != calendar.EINVALID ||
		!strings.Contains(calendar.ErrorMessage(err), want) {
		t.Errorf("PlanWindow = %v; want EINVALID with %q", err, want)
	}
	if _, err := SuggestWindow(context.Background(), store, w, w.Bodies[0], time.Now(), 10); calendar.ErrorCode(err) != calendar.EINVALID ||
		!strings.Contains(calendar.ErrorMessage(err), want) {
		t.Errorf("SuggestWindow = %v; want EINVALID with %q", err, want)
	}
	if _, err := Solve(context.Background(), &Problem{Window: w, Demands: yearWindow().Demands}, Options{}); calendar.ErrorCode(err) != calendar.EINVALID {
		t.Errorf("Solve = %v; want EINVALID", err)
	}
}
