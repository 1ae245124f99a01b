package plan

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// window returns a valid window over the given ISO weeks: Monday–Friday,
// 09.00–12.00 and 13.00–16.30, one-hour meetings.
func window(weeks ...string) *calendar.BookingWindow {
	w := &calendar.BookingWindow{Name: "Testfönster", DurationMinutes: 60,
		Weekdays: []calendar.Weekday{1, 2, 3, 4, 5},
		Hours:    []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16*60 + 30}}}
	for _, s := range weeks {
		wk, err := calendar.ParseISOWeek(s)
		if err != nil {
			panic(err)
		}
		w.Weeks = append(w.Weeks, wk)
	}
	return w
}

// problemOf makes a problem with one demand per body; attendees[i] are the
// people of body i.
func problemOf(w *calendar.BookingWindow, attendees ...[]string) *Problem {
	p := &Problem{Window: w}
	w.Bodies = nil
	for i, a := range attendees {
		body := fmt.Sprintf("organ-%d", i+1)
		w.Bodies = append(w.Bodies, body)
		p.Demands = append(p.Demands, Demand{Body: body, Count: w.Count(body), Attendees: a})
	}
	return p
}

// starts lists the candidate starts as "2006-01-02 15:04 -07:00".
func starts(m *model) []string {
	var out []string
	for _, st := range m.times {
		out = append(out, st.start.Format("2006-01-02 15:04 -07:00"))
	}
	return out
}

// TestCandidateTimes checks the hard calendar rules: allowed weekdays,
// holidays, blackouts, spans and granularity from each span's start.
func TestCandidateTimes(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *calendar.BookingWindow)
		weeks []string
		want  []string // days with their number of starts, "2025-05-26:20"
	}{
		{"Kristi himmelsfärd week drops Thursday only", nil, []string{"2025-W22"},
			[]string{"2025-05-26:20", "2025-05-27:20", "2025-05-28:20", "2025-05-30:20"}},
		{"midsommar week drops Friday", nil, []string{"2025-W25"},
			[]string{"2025-06-16:20", "2025-06-17:20", "2025-06-18:20", "2025-06-19:20"}},
		{"Christmas week keeps Monday and Tuesday", nil, []string{"2025-W52"},
			[]string{"2025-12-22:20", "2025-12-23:20"}},
		{"ISO week 53 of 2026 spans the new year", nil, []string{"2026-W53"},
			[]string{"2026-12-28:20", "2026-12-29:20", "2026-12-30:20"}},
		{"only Tuesdays and Thursdays", func(w *calendar.BookingWindow) { w.Weekdays = []calendar.Weekday{2, 4} },
			[]string{"2025-W37"}, []string{"2025-09-09:20", "2025-09-11:20"}},
		{"blackout takes Monday–Wednesday", func(w *calendar.BookingWindow) {
			w.Blackouts = []calendar.DateRange{{From: day("2025-09-08"), To: day("2025-09-10")}}
		}, []string{"2025-W37"}, []string{"2025-09-11:20", "2025-09-12:20"}},
		{"two-hour meetings, 30-minute steps", func(w *calendar.BookingWindow) {
			w.DurationMinutes, w.GranularityMinutes, w.Weekdays = 120, 30, []calendar.Weekday{3}
		}, []string{"2025-W37"}, []string{"2025-09-10:7"}},
		{"Saturday allowed, weeks given twice", func(w *calendar.BookingWindow) {
			w.Weekdays = []calendar.Weekday{6}
			w.Weeks = append(w.Weeks, w.Weeks[0])
		}, []string{"2025-W37"}, []string{"2025-09-13:20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := window(tt.weeks...)
			if tt.setup != nil {
				tt.setup(w)
			}
			p := problemOf(w, []string{"anna"})
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			m := compile(p)
			count := map[calendar.Date]int{}
			var order []calendar.Date
			for _, st := range m.times {
				if count[st.date] == 0 {
					order = append(order, st.date)
				}
				count[st.date]++
			}
			var got []string
			for _, d := range order {
				got = append(got, fmt.Sprintf("%s:%d", d, count[d]))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("days = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestGranularityFromSpanStart checks that starts step from each span's own
// start and that a meeting lies fully inside one span.
func TestGranularityFromSpanStart(t *testing.T) {
	w := window("2025-W37")
	w.Weekdays = []calendar.Weekday{1}
	w.DurationMinutes = 45
	w.Hours = []calendar.TimeSpan{{From: 9*60 + 10, To: 10*60 + 30}, {From: 13 * 60, To: 14 * 60}}
	m := compile(problemOf(w, []string{"anna"}))
	want := []string{"2025-09-08 09:10 +02:00", "2025-09-08 09:25 +02:00", "2025-09-08 09:40 +02:00",
		"2025-09-08 13:00 +02:00", "2025-09-08 13:15 +02:00"}
	if got := starts(m); !slices.Equal(got, want) {
		t.Errorf("starts = %v, want %v", got, want)
	}
}

// TestDSTWeeks checks that wall-clock times hold across the changes to and
// from summer time, and that times that do not exist or occur twice in the
// night of a change are never offered.
func TestDSTWeeks(t *testing.T) {
	t.Run("spring: 13.00 on both sides, UTC offsets change", func(t *testing.T) {
		w := window("2025-W13", "2025-W14") // the change is Sunday 30 March
		w.Weekdays = []calendar.Weekday{5, 1}
		w.Hours = []calendar.TimeSpan{{From: 13 * 60, To: 14 * 60}}
		got := starts(compile(problemOf(w, []string{"anna"})))
		want := []string{"2025-03-24 13:00 +01:00", "2025-03-28 13:00 +01:00", "2025-03-31 13:00 +02:00", "2025-04-04 13:00 +02:00"}
		if !slices.Equal(got, want) {
			t.Errorf("starts = %v, want %v", got, want)
		}
	})
	t.Run("spring: Solve keeps 13.00 on both sides", func(t *testing.T) {
		w := window("2025-W13", "2025-W14")
		w.Weekdays = []calendar.Weekday{5, 1}
		w.Hours = []calendar.TimeSpan{{From: 13 * 60, To: 14 * 60}}
		w.Blackouts = []calendar.DateRange{{From: day("2025-03-24"), To: day("2025-03-24")}, {From: day("2025-04-04"), To: day("2025-04-04")}}
		p := problemOf(w, []string{"anna"}, []string{"anna"})
		res, err := Solve(context.Background(), p, Options{})
		if err != nil || !res.Feasible || !res.Exact {
			t.Fatalf("Solve: %v, %+v", err, res)
		}
		var got []string
		for _, a := range res.Assignments {
			got = append(got, a.Start.Format(time.RFC3339)+"/"+a.End.Format(time.RFC3339))
		}
		slices.Sort(got)
		want := []string{"2025-03-28T13:00:00+01:00/2025-03-28T14:00:00+01:00", "2025-03-31T13:00:00+02:00/2025-03-31T14:00:00+02:00"}
		if !slices.Equal(got, want) {
			t.Errorf("plan %v, want %v", got, want)
		}
		checkPlan(t, p, res)
	})
	t.Run("spring night: the missing hour is skipped", func(t *testing.T) {
		w := window("2025-W13")
		w.Weekdays = []calendar.Weekday{0}
		w.DurationMinutes, w.GranularityMinutes = 30, 30
		w.Hours = []calendar.TimeSpan{{From: 1 * 60, To: 4 * 60}}
		got := starts(compile(problemOf(w, []string{"anna"})))
		// 01.30–02.00 ends at a time that does not exist; 02.00 and 02.30 do not exist.
		want := []string{"2025-03-30 01:00 +01:00", "2025-03-30 03:00 +02:00", "2025-03-30 03:30 +02:00"}
		if !slices.Equal(got, want) {
			t.Errorf("starts = %v, want %v", got, want)
		}
	})
	t.Run("autumn night: the repeated hour is skipped", func(t *testing.T) {
		w := window("2025-W43") // the change is Sunday 26 October
		w.Weekdays = []calendar.Weekday{0}
		w.DurationMinutes, w.GranularityMinutes = 30, 30
		w.Hours = []calendar.TimeSpan{{From: 1 * 60, To: 4 * 60}}
		got := starts(compile(problemOf(w, []string{"anna"})))
		want := []string{"2025-10-26 01:00 +02:00", "2025-10-26 03:00 +01:00", "2025-10-26 03:30 +01:00"}
		if !slices.Equal(got, want) {
			t.Errorf("starts = %v, want %v", got, want)
		}
	})
}

// TestBusyBlocks checks the buffer rule against existing meetings: a
// person who must attend blocks the meeting and the buffer either side; a
// room blocks only the meeting itself; someone who need not attend does
// not block at all.
func TestBusyBlocks(t *testing.T) {
	w := window("2025-W37")
	w.Weekdays = []calendar.Weekday{1}
	w.Hours = []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}
	w.GranularityMinutes = 30
	w.BufferMinutes = 30
	w.Rooms = []string{"eken"}
	p := problemOf(w, []string{"anna", "bertil"})
	at := func(h, m int) time.Time { return day("2025-09-08").At(h, m) }
	p.Busy = []Busy{
		{Start: at(10, 0), End: at(10, 30), People: []string{"anna", "cecilia"}, Label: "A"},
		{Start: at(8, 0), End: at(8, 45), People: []string{"cecilia"}, Room: "eken", Label: "B"},
		{Start: at(11, 0), End: at(12, 0), People: []string{"cecilia"}, Label: "C"},
	}
	m := compile(p)
	var free []string
	for ti, st := range m.times {
		if len(m.bodies[0].clashAt(ti)) == 0 {
			if r, ok := m.freeRoom(ti); ok && r == 0 {
				free = append(free, st.start.Format("15:04"))
			}
		}
	}
	// anna is busy 10.00–10.30: with a 30-minute buffer, a one-hour meeting
	// must end by 09.30 or start at 11.00. Room B ends 08.45, and a room
	// needs no buffer. Cecilia need not attend: C blocks nothing.
	want := []string{"11:00"}
	if !slices.Equal(free, want) {
		t.Errorf("free starts = %v, want %v", free, want)
	}
}
