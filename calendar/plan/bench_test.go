package plan

import (
	"context"
	"fmt"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// benchSolve plans a generated window and reports, besides the time, how
// it decomposed: components, how many were proven optimal (and their
// bodies), and how far the plan may be from the best possible (points).
func benchSolve(b *testing.B, cfg GenConfig) { benchProblem(b, Generate(1, cfg)) }

func benchProblem(b *testing.B, p *Problem) {
	var res *Result
	var st solveStats
	var err error
	stop := peakHeap(b)
	defer stop()
	for b.Loop() {
		res, st, err = solveWithStats(context.Background(), p, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	if !res.Feasible {
		b.Fatalf("generated window not planned: %+v", res.Conflicts)
	}
	b.ReportMetric(float64(st.components), "components")
	b.ReportMetric(float64(st.exactComponents), "exact-components")
	b.ReportMetric(float64(st.exactBodies), "exact-bodies")
	b.ReportMetric(res.Bound-res.Score, "gap-points")
	b.ReportMetric(res.Score, "score")
}

// BenchmarkPlanSeed: the seed's booking weeks (v 37–38 and 48–49 2025),
// six länsdel and partner bodies, two meetings each, two rooms.
func BenchmarkPlanSeed(b *testing.B) { benchProblem(b, seedProblem()) }

// BenchmarkPlanCounty: 60 bodies, 800 people, 8 rooms, two weeks at
// 15-minute granularity. Goal: under 100 ms.
func BenchmarkPlanCounty(b *testing.B) { benchSolve(b, County()) }

// BenchmarkPlanCountyDigital: the same county, meeting digitally.
func BenchmarkPlanCountyDigital(b *testing.B) {
	cfg := County()
	cfg.Rooms = 0
	benchSolve(b, cfg)
}

// BenchmarkPlanCountry: 21 counties in one window. Goal: under 5 s.
func BenchmarkPlanCountry(b *testing.B) { benchSolve(b, Country()) }

// BenchmarkSuggestCounty ranks the slots of one body of the county.
func BenchmarkSuggestCounty(b *testing.B) {
	p := Generate(1, County())
	for b.Loop() {
		if _, err := p.Suggest(p.Demands[0].Body, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap samples the heap every 10 ms while the benchmark runs and
// reports the highest value seen as peak-heap-MiB: live objects and
// garbage not yet collected, what the planner makes the process hold.
func peakHeap(b *testing.B) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			metrics.Read(sample)
			peak.Store(max(peak.Load(), sample[0].Value.Uint64()))
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	}
}

// BenchmarkPlanYear: next year's årsplan of a body, a realistic large
// window: 53 weeks of weekdays at 5 minutes, 20 meetings (yearWindow).
func BenchmarkPlanYear(b *testing.B) { benchProblem(b, yearWindow()) }

// BenchmarkPlanLimit: the shape of issue 8's window made as large as the
// limits allow: 25 weeks, every day around the clock at 30 minutes, six
// bodies with 20 meetings each, five sharing a contact person who has two
// meetings a week (120 meetings × 8,225 start times = 987,000 placements).
func BenchmarkPlanLimit(b *testing.B) { benchProblem(b, limitWindow()) }

// limitWindow is the window of BenchmarkPlanLimit.
func limitWindow() *Problem {
	w := &calendar.BookingWindow{Name: "Vid gränsen", DurationMinutes: 60, BufferMinutes: 30, GranularityMinutes: 30,
		Weekdays: []calendar.Weekday{0, 1, 2, 3, 4, 5, 6}, Hours: []calendar.TimeSpan{{From: 0, To: 24 * 60}}, Counts: map[string]int{}}
	for wk := 1; wk <= 25; wk++ {
		w.Weeks = append(w.Weeks, calendar.ISOWeek{Year: 2025, Week: wk})
	}
	p := &Problem{Window: w, Now: day("2024-06-01").At(9, 0)}
	for i := range 6 {
		body := fmt.Sprintf("organ-%d", i+1)
		w.Bodies = append(w.Bodies, body)
		w.Counts[body] = 20
		people := []string{fmt.Sprintf("p-%d-a", i), fmt.Sprintf("p-%d-b", i)}
		if i < 5 {
			people = append(people, "kontakt")
		}
		p.Demands = append(p.Demands, Demand{Body: body, Count: 20, Attendees: people})
	}
	for i, d := range w.Days() {
		if wd := d.Weekday(); wd == time.Tuesday || wd == time.Thursday {
			st := d.At(10, 0)
			p.Busy = append(p.Busy, Busy{Start: st, End: st.Add(2 * time.Hour), People: []string{"kontakt", "p-0-a"},
				MeetingID: int64(i + 1), Label: "Annat möte " + d.String()})
		}
	}
	return p
}
