package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLocationIsStockholm(t *testing.T) {
	if Location.String() != "Europe/Stockholm" {
		t.Fatalf("Location is %s, want Europe/Stockholm", Location)
	}
	winter := time.Date(2025, 1, 21, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2025, 6, 21, 12, 0, 0, 0, time.UTC)
	if got := In(winter).Format("15:04 MST"); got != "13:00 CET" {
		t.Errorf("In(12:00Z January) = %s, want 13:00 CET", got)
	}
	if got := In(summer).Format("15:04 MST"); got != "14:00 CEST" {
		t.Errorf("In(12:00Z June) = %s, want 14:00 CEST", got)
	}
}

func TestParseDate(t *testing.T) {
	good := []struct {
		in   string
		want Date
	}{
		{"2025-03-14", Date{2025, time.March, 14}},
		{"2024-02-29", Date{2024, time.February, 29}}, // leap year
		{"2000-02-29", Date{2000, time.February, 29}}, // divisible by 400
		{"2025-12-31", Date{2025, time.December, 31}},
		{"2025-03-30", Date{2025, time.March, 30}}, // the day summer time starts
		{"2025-10-26", Date{2025, time.October, 26}},
	}
	for _, tt := range good {
		got, err := ParseDate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, nil", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
	bad := []string{
		"", "2025-02-29", "1900-02-29", "2025-04-31", "2025-06-31", "2025-13-01", "2025-00-10",
		"2025-01-00", "2025-01-32", "2025-1-5", "25-01-05", "20250105", "2025/01/05",
		"2025-01-05T13:00", " 2025-01-05", "2025-01-05 ", "tisdag 21 jan", "2025-01-05\n",
	}
	for _, in := range bad {
		d, err := ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q): code %q, want %q", in, ErrorCode(err), EINVALID)
		}
		if !strings.Contains(ErrorMessage(err), "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q): message %q does not say the expected form", in, ErrorMessage(err))
		}
		if !d.IsZero() {
			t.Errorf("ParseDate(%q) returned %v with its error, want the zero Date", in, d)
		}
	}
}

func TestDateAddDaysAcrossDST(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{Date{2025, 3, 29}, 1, Date{2025, 3, 30}}, // into the 23-hour day
		{Date{2025, 3, 30}, 1, Date{2025, 3, 31}}, // out of it
		{Date{2025, 3, 29}, 2, Date{2025, 3, 31}},
		{Date{2025, 3, 31}, -2, Date{2025, 3, 29}},
		{Date{2025, 10, 25}, 1, Date{2025, 10, 26}}, // into the 25-hour day
		{Date{2025, 10, 26}, 1, Date{2025, 10, 27}},
		{Date{2025, 10, 27}, -1, Date{2025, 10, 26}},
		{Date{2025, 1, 1}, 365, Date{2026, 1, 1}},
		{Date{2024, 2, 28}, 1, Date{2024, 2, 29}},
		{Date{2025, 12, 31}, 1, Date{2026, 1, 1}},
		{Date{2025, 3, 14}, 0, Date{2025, 3, 14}},
	}
	for _, tt := range tests {
		if got := tt.from.AddDays(tt.n); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	// Every day of several years: one step forward is the next calendar
	// day, whatever the length of the day in hours.
	for d := (Date{2024, 1, 1}); d.Year < 2028; d = d.AddDays(1) {
		next := d.AddDays(1)
		if want := DateOf(d.At(12, 0).AddDate(0, 0, 1)); next != want {
			t.Fatalf("%s.AddDays(1) = %s, want %s", d, next, want)
		}
		if next.AddDays(-1) != d {
			t.Fatalf("%s.AddDays(-1) = %s, want %s", next, next.AddDays(-1), d)
		}
	}
}

func TestDateStartAndAtAcrossDST(t *testing.T) {
	tests := []struct {
		d     Date
		hours time.Duration // length of the day
	}{
		{Date{2025, 3, 30}, 23 * time.Hour},
		{Date{2025, 10, 26}, 25 * time.Hour},
		{Date{2025, 6, 1}, 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := tt.d.AddDays(1).Start().Sub(tt.d.Start()); got != tt.hours {
			t.Errorf("%s lasts %s, want %s", tt.d, got, tt.hours)
		}
	}
	// 13.00 stays 13.00 on both sides of a switch: 12:00Z in winter, 11:00Z in summer.
	for _, c := range []struct {
		d    Date
		want string
	}{
		{Date{2025, 3, 27}, "12:00"}, {Date{2025, 4, 1}, "11:00"},
		{Date{2025, 10, 23}, "11:00"}, {Date{2025, 10, 28}, "12:00"},
	} {
		at := c.d.At(13, 0)
		if got := at.UTC().Format("15:04"); got != c.want || at.Location() != Location || at.Hour() != 13 {
			t.Errorf("%s.At(13, 0) = %s (%sZ), want 13:00 local = %sZ", c.d, at, got, c.want)
		}
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		t    time.Time
		want Date
	}{
		{time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC), Date{2025, 7, 1}}, // 00:30 CEST
		{time.Date(2025, 6, 30, 21, 59, 0, 0, time.UTC), Date{2025, 6, 30}},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), Date{2026, 1, 1}}, // 00:00 CET
		{time.Date(2025, 12, 31, 22, 59, 59, 0, time.UTC), Date{2025, 12, 31}},
	}
	for _, tt := range tests {
		if got := DateOf(tt.t); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestDateBasics(t *testing.T) {
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero Date: IsZero %v, String %q; want true, \"\"", zero.IsZero(), zero.String())
	}
	if (Date{2025, 1, 1}).IsZero() {
		t.Error("2025-01-01 reports IsZero")
	}
	before := []struct {
		a, b Date
		want bool
	}{
		{Date{2025, 1, 21}, Date{2025, 3, 20}, true},
		{Date{2025, 3, 20}, Date{2025, 1, 21}, false},
		{Date{2025, 3, 20}, Date{2025, 3, 20}, false},
		{Date{2024, 12, 31}, Date{2025, 1, 1}, true},
		{Date{2025, 9, 30}, Date{2025, 10, 1}, true},
	}
	for _, tt := range before {
		if got := tt.a.Before(tt.b); got != tt.want {
			t.Errorf("%s.Before(%s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	weekdays := map[Date]time.Weekday{
		{2025, 1, 21}: time.Tuesday, {2025, 3, 20}: time.Thursday, {2025, 8, 20}: time.Wednesday,
		{2025, 3, 30}: time.Sunday, {2025, 10, 26}: time.Sunday,
	}
	for d, want := range weekdays {
		if got := d.Weekday(); got != want {
			t.Errorf("%s.Weekday() = %s, want %s", d, got, want)
		}
	}
	weeks := []struct {
		d          Date
		year, week int
	}{
		{Date{2025, 9, 8}, 2025, 37},
		{Date{2025, 9, 21}, 2025, 38},
		{Date{2025, 11, 24}, 2025, 48},
		{Date{2025, 12, 29}, 2026, 1}, // Monday of week 1 of 2026
		{Date{2027, 1, 3}, 2026, 53},  // Sunday still in 2026's week 53
		{Date{2024, 12, 30}, 2025, 1}, // Monday of week 1 of 2025
		{Date{2021, 1, 3}, 2020, 53},
	}
	for _, tt := range weeks {
		if y, w := tt.d.ISOWeek(); y != tt.year || w != tt.week {
			t.Errorf("%s.ISOWeek() = %d-W%d, want %d-W%d", tt.d, y, w, tt.year, tt.week)
		}
	}
}

func TestDateJSONAndText(t *testing.T) {
	type wrapper struct {
		From  Date `json:"from"`
		Until Date `json:"until"`
	}
	b, err := json.Marshal(wrapper{From: Date{2025, 3, 14}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"from":"2025-03-14","until":null}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var w wrapper
	if err := json.Unmarshal([]byte(`{"from":"2024-02-29","until":null}`), &w); err != nil {
		t.Fatal(err)
	}
	if w.From != (Date{2024, 2, 29}) || !w.Until.IsZero() {
		t.Errorf("Unmarshal = %+v", w)
	}
	for _, in := range []string{`{"from":"2025-02-29"}`, `{"from":20250101}`, `{"from":"14 mars"}`, `{"from":true}`} {
		err := json.Unmarshal([]byte(in), &w)
		if ErrorCode(err) != EINVALID {
			t.Errorf("Unmarshal(%s): error %v (code %q), want %s", in, err, ErrorCode(err), EINVALID)
		}
	}

	var d Date
	if err := d.UnmarshalText([]byte("2025-10-26")); err != nil || d != (Date{2025, 10, 26}) {
		t.Errorf("UnmarshalText = %v, %v", d, err)
	}
	if txt, _ := d.MarshalText(); string(txt) != "2025-10-26" {
		t.Errorf("MarshalText = %q", txt)
	}
	if err := d.UnmarshalText(nil); err != nil || !d.IsZero() {
		t.Errorf("UnmarshalText(empty) = %v, %v; want the zero Date", d, err)
	}
	if err := d.UnmarshalText([]byte("2025-04-31")); ErrorCode(err) != EINVALID {
		t.Errorf("UnmarshalText(2025-04-31): %v, want %s", err, EINVALID)
	}
}
