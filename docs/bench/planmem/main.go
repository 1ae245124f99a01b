// Command planmem plans one booking window with plan.Solve and prints how
// long it took, whether it stopped when its context ended, and how much
// memory it needed: the figures of docs/benchmarks.md, "Planning: limits
// and cancellation". It uses only plan.Solve and the public types, so the
// same program measures a commit from before the limits.
//
//	go run ./docs/bench/planmem -case issue -timeout 60s
//
// Cases: issue (52 weeks, six bodies × 20 meetings, 00.00–23.59 every day
// at one minute), issue26 (the same for 26 weeks at 5 minutes), year (next
// year's årsplan of a body: 53 weeks of weekdays 08.00–17.00 at 5 minutes,
// 20 meetings) and limit (the shape inside the limits: 25 weeks,
// every day around the clock at 30 minutes, six bodies × 20 meetings,
// 987,000 placements).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

func weeks(year, from, to int) []calendar.ISOWeek {
	var out []calendar.ISOWeek
	for w := from; w <= to; w++ {
		out = append(out, calendar.ISOWeek{Year: year, Week: w})
	}
	return out
}

// problem builds a case: six bodies (five share a contact person, who has
// two meetings a week) or one with a habit, with 20 meetings each.
func problem(name *string) (*plan.Problem, error) {
	everyDay := []calendar.Weekday{0, 1, 2, 3, 4, 5, 6}
	w := &calendar.BookingWindow{Name: *name, DurationMinutes: 60, BufferMinutes: 30, Weekdays: everyDay,
		Hours: []calendar.TimeSpan{{From: 0, To: 23*60 + 59}}}
	bodies, count := 6, 20
	switch *name {
	case "issue":
		w.Weeks, w.GranularityMinutes = weeks(2025, 1, 52), 1
	case "issue26":
		w.Weeks, w.GranularityMinutes = weeks(2025, 1, 26), 5
	case "year":
		w.Weeks, w.GranularityMinutes, w.DurationMinutes = weeks(2026, 1, 53), 5, 180
		w.Weekdays, w.Hours = []calendar.Weekday{1, 2, 3, 4, 5}, []calendar.TimeSpan{{From: 8 * 60, To: 17 * 60}}
		bodies = 1
	case "limit":
		w.Weeks, w.GranularityMinutes = weeks(2025, 1, 25), 30
		w.Hours = []calendar.TimeSpan{{From: 0, To: 24 * 60}}
	default:
		return nil, fmt.Errorf("unknown case %q: use issue, issue26, year or limit", *name)
	}
	p := &plan.Problem{Window: w, Now: time.Date(2024, 6, 1, 9, 0, 0, 0, calendar.Location)}
	w.Counts = map[string]int{}
	for i := range bodies {
		b := fmt.Sprintf("organ-%d", i+1)
		w.Bodies = append(w.Bodies, b)
		w.Counts[b] = count
		att := []string{fmt.Sprintf("p-%d-a", i), fmt.Sprintf("p-%d-b", i)}
		if i < 5 {
			att = append(att, "kontakt")
		}
		d := plan.Demand{Body: b, Count: count, Attendees: att}
		if *name == "year" { // the body's habit: Thursdays at 13.00
			thu, one := time.Thursday, calendar.Clock(13*60)
			d.UsualWeekday, d.UsualStart = &thu, &one
		}
		p.Demands = append(p.Demands, d)
	}
	for i, d := range w.Days() {
		if wd := d.Weekday(); wd == time.Tuesday || wd == time.Thursday {
			st := d.At(10, 0)
			p.Busy = append(p.Busy, plan.Busy{Start: st, End: st.Add(2 * time.Hour), People: []string{"kontakt", "p-0-a"},
				MeetingID: int64(i + 1), Label: "Annat möte " + d.String()})
		}
	}
	return p, nil
}

func main() {
	name := flag.String("case", "year", "the window: issue, issue26, year or limit")
	timeout := flag.Duration("timeout", time.Minute, "the context's deadline")
	maxSys := flag.Uint64("maxmem", 8<<30, "stop the process when the Go runtime holds more than this many bytes")
	flag.Parse()
	p, err := problem(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapInuse))
			if ms.Sys > *maxSys {
				fmt.Printf("case=%s ABORTED: the runtime holds %d MiB after %s (context ended: %v)\n",
					*name, ms.Sys>>20, time.Since(start).Round(time.Millisecond), ctx.Err() != nil)
				os.Exit(3)
			}
		}
	}()
	res, err := plan.Solve(ctx, p, plan.Options{})
	elapsed := time.Since(start)
	close(done)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("case=%s elapsed=%s past_deadline=%s peak_heap=%dMiB max_rss=%dMiB err=%v",
		*name, elapsed.Round(time.Millisecond), max(0, elapsed-*timeout).Round(time.Millisecond), peak.Load()>>20, ru.Maxrss>>10, err)
	if res != nil {
		fmt.Printf(" feasible=%v exact=%v score=%.1f meetings=%d", res.Feasible, res.Exact, res.Score, len(res.Assignments))
	}
	fmt.Println()
}
