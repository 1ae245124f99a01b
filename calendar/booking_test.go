package calendar

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseISOWeek(t *testing.T) {
	for _, tc := range []struct {
		in     string
		monday string
		err    bool
	}{
		{"2025-W37", "2025-09-08", false},
		{"2025-W01", "2024-12-30", false}, // week 1 starts in the previous year
		{"2026-W53", "2026-12-28", false}, // 2026 has 53 weeks
		{"2020-W53", "2020-12-28", false},
		{"2025-W53", "", true},
		{"2025-W54", "", true},
		{"2025-W00", "", true},
		{"2025-37", "", true},
		{"v37", "", true},
	} {
		w, err := ParseISOWeek(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseISOWeek(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Errorf("ParseISOWeek(%q) code %q, want invalid", tc.in, ErrorCode(err))
			}
			continue
		}
		if got := w.Monday().String(); got != tc.monday {
			t.Errorf("%s.Monday() = %s, want %s", tc.in, got, tc.monday)
		}
		if got := ISOWeekOf(w.Monday()); got != w {
			t.Errorf("ISOWeekOf(%s) = %s, want %s", w.Monday(), got, w)
		}
		if w.String() != tc.in {
			t.Errorf("String() = %s, want %s", w, tc.in)
		}
	}
}

func TestISOWeekAroundDST(t *testing.T) {
	// 2025-W13 holds the spring change (Sunday 30 March): seven days, Monday first.
	days := ISOWeek{2025, 13}.Days()
	if days[0].String() != "2025-03-24" || days[6].String() != "2025-03-30" {
		t.Fatalf("2025-W13 days %s–%s, want 2025-03-24–2025-03-30", days[0], days[6])
	}
	if d := Clock(13 * 60).On(days[6]); d.Hour() != 13 {
		t.Errorf("13:00 on the change day is %s", d)
	}
}

func TestClockAndWeekday(t *testing.T) {
	for in, want := range map[string]Clock{"09:00": 540, "9.00": 540, "16:30": 990, "13.00": 780} {
		got, err := ParseClock(in)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// ".00" was read as midnight (found by FuzzParseClock): a time of day
	// without its hour is refused, as is anything but HH:MM or H.MM.
	for _, in := range []string{"25:00", "24:00", ".00", ":30", "9", "9:5", "09:00:00", " 9:00", "9:00 ", "0900", "+9:00", "٩:٠٠"} {
		if c, err := ParseClock(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseClock(%q) = %v, %v; want EINVALID", in, c, err)
		}
	}
	if w, err := ParseWeekday("tor"); err != nil || time.Weekday(w) != time.Thursday {
		t.Errorf("ParseWeekday(tor) = %v, %v", w, err)
	}
	if _, err := ParseWeekday("someday"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseWeekday(someday) error %v, want invalid", err)
	}
}

func TestBookingWindowValidate(t *testing.T) {
	ok := func() *BookingWindow {
		return &BookingWindow{Name: "Länsdelsmöten hösten 2025", Weeks: []ISOWeek{{2025, 37}, {2025, 38}},
			Bodies: []string{"lansdel-norr"}, DurationMinutes: 120, Weekdays: []Weekday{1, 2, 3, 4, 5},
			Hours: []TimeSpan{{540, 720}, {780, 990}}}
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid window: %v", err)
	}
	for name, mutate := range map[string]func(*BookingWindow){
		"no weeks":       func(w *BookingWindow) { w.Weeks = nil },
		"week 53":        func(w *BookingWindow) { w.Weeks = []ISOWeek{{2025, 53}} },
		"no bodies":      func(w *BookingWindow) { w.Bodies = nil },
		"span too short": func(w *BookingWindow) { w.Hours = []TimeSpan{{540, 600}} },
		"span reversed":  func(w *BookingWindow) { w.Hours = []TimeSpan{{720, 540}} },
		"no weekdays":    func(w *BookingWindow) { w.Weekdays = nil },
		"zero length":    func(w *BookingWindow) { w.DurationMinutes = 0 },
		"count unknown":  func(w *BookingWindow) { w.Counts = map[string]int{"lansdel-soder": 2} },
		"blackout back": func(w *BookingWindow) {
			w.Blackouts = []DateRange{{Date{2025, 7, 31}, Date{2025, 7, 1}}}
		},
	} {
		w := ok()
		mutate(w)
		if err := w.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate() = %v, want invalid", name, err)
		}
	}
}

// weeksOf lists weeks from to to of year.
func weeksOf(year, from, to int) []ISOWeek {
	var out []ISOWeek
	for w := from; w <= to; w++ {
		out = append(out, ISOWeek{year, w})
	}
	return out
}

// TestBookingWindowLimits: the window of issue 8 (52 weeks, six bodies
// with 20 meetings each, 00:00–23:59 at one minute, which grew past 6.4 GB
// when planned) is refused with a message that names the limit and the
// value given; the realistic windows the limits are measured against are
// accepted.
func TestBookingWindowLimits(t *testing.T) {
	bodies := []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro", "samverkan-olbf", "samverkan-rf-sisu"}
	issue := func() *BookingWindow {
		w := &BookingWindow{Name: "Hela året", Weeks: weeksOf(2025, 1, 52), Bodies: bodies, Counts: map[string]int{},
			DurationMinutes: 60, Weekdays: []Weekday{0, 1, 2, 3, 4, 5, 6}, Hours: []TimeSpan{{0, 23*60 + 59}}, GranularityMinutes: 1}
		for _, b := range bodies {
			w.Counts[b] = 20
		}
		return w
	}
	err := issue().Validate()
	if ErrorCode(err) != EINVALID {
		t.Fatalf("the issue's window: Validate() = %v, want invalid", err)
	}
	for _, want := range []string{
		// days × start times a day, the limit, what to do
		"the window has 502320 candidate start times (364 days on its weekdays × 1380 start times a day); at most 30000 can be planned",
		"granularity_minutes must divide an hour and be at least 5",
		"not 1",
	} {
		if !strings.Contains(strings.Join(problemsOf(err), "\n"), want) {
			t.Errorf("the issue's window: problems %q lack %q", problemsOf(err), want)
		}
	}
	if !strings.Contains(ErrorMessage(err), "502320 candidate start times") {
		t.Errorf("the issue's window: message %q does not lead with the size", ErrorMessage(err))
	}

	// Realistic windows are allowed.
	seed := &BookingWindow{Name: "Samverkansmöten hösten 2025", Weeks: []ISOWeek{{2025, 37}, {2025, 38}, {2025, 48}, {2025, 49}},
		Bodies: bodies, Counts: map[string]int{"lansdel-norr": 2}, DurationMinutes: 180, Weekdays: []Weekday{1, 2, 3, 4, 5},
		Hours: []TimeSpan{{540, 720}, {780, 990}}, Rooms: []string{"lokal-eken", "lokal-enen"}, BufferMinutes: 30}
	// Next year's årsplan of one body: every week of 2026 (53), weekdays
	// 08.00–17.00 at 5 minutes, 20 meetings of 3 hours.
	year := &BookingWindow{Name: "Årsplan 2026", Weeks: weeksOf(2026, 1, 53), Bodies: []string{"chefsgrupp-folkhalsa"},
		Counts: map[string]int{"chefsgrupp-folkhalsa": 20}, DurationMinutes: 180, Weekdays: []Weekday{1, 2, 3, 4, 5},
		Hours: []TimeSpan{{480, 1020}}, GranularityMinutes: 5}
	// 1,260 bodies (the country benchmark) in two weeks.
	country := &BookingWindow{Name: "Landet", Weeks: []ISOWeek{{2025, 37}, {2025, 38}}, Counts: map[string]int{},
		DurationMinutes: 120, Weekdays: []Weekday{1, 2, 3, 4, 5}, Hours: []TimeSpan{{540, 720}, {780, 990}}, BufferMinutes: 15}
	for i := range 1260 {
		b := fmt.Sprintf("organ-%d", i+1)
		country.Bodies = append(country.Bodies, b)
		if i%10 == 0 {
			country.Counts[b] = 2
		}
	}
	for name, w := range map[string]*BookingWindow{"seed": seed, "a body's year at 5 minutes": year, "country": country} {
		if err := w.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}

	// Each limit, with the value given in the message.
	for _, tc := range []struct {
		name   string
		mutate func(*BookingWindow)
		want   string
	}{
		{"54 weeks", func(w *BookingWindow) { w.Weeks = append(weeksOf(2025, 1, 52), ISOWeek{2026, 1}, ISOWeek{2026, 2}) },
			"at most 53 ISO weeks (a year), not 54"},
		{"2,001 meetings", func(w *BookingWindow) {
			w.Bodies, w.Counts = nil, map[string]int{}
			for i := range 101 {
				b := fmt.Sprintf("organ-%d", i)
				w.Bodies = append(w.Bodies, b)
				w.Counts[b] = 20
			}
			w.Counts["organ-0"] = 1
		}, "asks for 2001 meetings"},
		{"21 meetings of a body", func(w *BookingWindow) { w.Counts = map[string]int{"lansdel-norr": 21} }, "count for \"lansdel-norr\" must be 1–20, not 21"},
		{"201 rooms", func(w *BookingWindow) {
			w.Rooms = nil
			for i := range 201 {
				w.Rooms = append(w.Rooms, fmt.Sprintf("lokal-%d", i))
			}
		}, "at most 200 rooms, not 201"},
		{"25 time spans", func(w *BookingWindow) {
			w.Hours = nil
			for i := range 25 {
				w.Hours = append(w.Hours, TimeSpan{Clock(i * 10), Clock(i*10 + 200)})
			}
		}, "at most 24 time spans, not 25"},
		{"101 blackouts", func(w *BookingWindow) {
			w.Blackouts = nil
			for range 101 {
				w.Blackouts = append(w.Blackouts, DateRange{Date{2025, 7, 1}, Date{2025, 7, 31}})
			}
		}, "at most 100 blackout periods, not 101"},
		{"granularity 2", func(w *BookingWindow) { w.GranularityMinutes = 2 }, "granularity_minutes must divide an hour and be at least 5"},
		{"granularity 7", func(w *BookingWindow) { w.GranularityMinutes = 7 }, "not 7"},
		{"30,000+ start times", func(w *BookingWindow) {
			w.Weeks, w.Weekdays, w.Hours, w.GranularityMinutes = weeksOf(2026, 1, 53), []Weekday{0, 1, 2, 3, 4, 5, 6}, []TimeSpan{{420, 1260}}, 5
		}, "the window has 49343 candidate start times (371 days on its weekdays × 133 start times a day); at most 30000"},
		{"1,000,000+ placements", func(w *BookingWindow) {
			w.Weeks, w.Hours, w.GranularityMinutes, w.DurationMinutes = weeksOf(2026, 1, 53), []TimeSpan{{480, 1020}}, 5, 60
			for _, b := range w.Bodies {
				w.Counts[b] = 10
			}
		}, "the window has 1542300 placements to weigh (60 meetings × 25705 candidate start times); at most 1000000"},
	} {
		w := seed.clone()
		tc.mutate(w)
		err := w.Validate()
		if ErrorCode(err) != EINVALID || !strings.Contains(strings.Join(problemsOf(err), "\n"), tc.want) {
			t.Errorf("%s: Validate() = %v (%q), want invalid with %q", tc.name, err, problemsOf(err), tc.want)
		}
	}
}

// clone copies w deeply enough for the limit cases to change it.
func (w *BookingWindow) clone() *BookingWindow {
	c := *w
	c.Weeks, c.Bodies, c.Weekdays, c.Hours, c.Rooms = slices.Clone(w.Weeks), slices.Clone(w.Bodies), slices.Clone(w.Weekdays), slices.Clone(w.Hours), slices.Clone(w.Rooms)
	c.Counts = maps.Clone(w.Counts)
	return &c
}

// problemsOf returns every problem an EINVALID error lists.
func problemsOf(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
