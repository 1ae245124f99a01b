package calendar

import (
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
