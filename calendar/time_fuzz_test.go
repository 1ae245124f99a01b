package calendar

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The fuzz targets of the parsers of times, days, weeks, clocks and
// weekdays, which read what callers send to the API, the årsplan import
// and the booking windows. Each checks, for any input: no panic; a refusal
// is EINVALID with a message; what is accepted lies in MinYear–MaxYear,
// writes back in the canonical form and reads again as the same value; and
// a Swedish wall-clock time keeps the hour and minute it was given (no
// silent move across a change of summer time).

// timeSeeds are the inputs of the defects and the edges of the
// forms ParseTime takes.
var timeSeeds = []string{
	"2025-01-21T13:00", "2025-01-21T13:00:00", "2025-01-21T13:00:00+01:00", "2025-01-21T12:00:00Z", "2025-01-21T13:00+01:00",
	"2025-03-14", "2025-03-30T02:30", "2025-03-30T02:00", "2025-03-30T03:00", "2025-10-26T02:30", "2025-10-26T02:30+02:00",
	"2025-10-26T02:30:00+01:00", "2025-10-26T03:00", "0000-06-03T13:00", "0000-06-03T14:00:00+01:00", "1899-12-31T23:59",
	"1900-01-01T00:00", "2100-12-31T23:59:59", "2101-01-01T00:00:00+01:00", "2101-01-01T00:00", "9999-12-31T23:59:59Z",
	"2025-01-21T13:00:00.000Z", "2025-01-21T13:00:00.5+01:00", "2025-01-21T13:00:00.999999999", "2025-02-29", "2024-02-29T24:00",
	"2025-01-21T13:00:60", "2025-01-21t13:00:00z", "2025-01-21T13:00:00+14:00", "2025-01-21 13:00", "", "\x00", "2025-01-21T13:00\u2028",
}

// wallForm is a time written without an offset: the Swedish wall clock.
var wallForm = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$`)

func FuzzParseTime(f *testing.F) {
	for _, s := range timeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			wantInvalid(t, "ParseTime", s, err)
			return
		}
		if got.Location() != Location {
			t.Fatalf("ParseTime(%q) = %v in %v, want Europe/Stockholm", s, got, got.Location())
		}
		if !InYearRange(got) {
			t.Fatalf("ParseTime(%q) = %v, outside %d–%d", s, got, MinYear, MaxYear)
		}
		// The API writes times back as RFC 3339 (stamp): that must read
		// as the same instant, and the store keeps whole seconds.
		back := got.Format(time.RFC3339)
		again, err := ParseTime(back)
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v, written back as %q, reads as %v, %v", s, got, back, again, err)
		}
		if got.Nanosecond() != 0 {
			t.Fatalf("ParseTime(%q) = %v keeps a fraction of a second that the store drops", s, got)
		}
		if m := wallForm.FindStringSubmatch(s); m != nil {
			// The wall clock as written, on the day written.
			if got.Format("2006-01-02") != m[1] {
				t.Fatalf("ParseTime(%q) = %v, on another day", s, got)
			}
			want := "00:00:00"
			if m[2] != "" {
				sec := m[4]
				if sec == "" {
					sec = "00"
				}
				want = m[2] + ":" + m[3] + ":" + sec
			}
			if got.Format("15:04:05") != want {
				t.Fatalf("ParseTime(%q) = %v: the wall clock moved from %s", s, got, want)
			}
			return
		}
		// With an offset (or Z) the instant is the one written.
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
			if want, err := time.Parse(layout, s); err == nil && !want.Equal(got) {
				t.Fatalf("ParseTime(%q) = %v, want the instant %v", s, got, want)
			}
		}
	})
}

// FuzzWallClock fuzzes a day in MinYear–MaxYear (as days after 1 January
// MinYear) and a time of day: WallClock gives that hour and minute on that
// day, or refuses the time (the skipped and the repeated hour, and
// anything that is no time of day) with EINVALID; and it agrees with
// ParseTime on the same wall-clock text.
func FuzzWallClock(f *testing.F) {
	first := Date{MinYear, time.January, 1}
	days := func(d Date) int { return int(d.Start().Sub(first.Start()).Hours()+12) / 24 }
	for _, s := range []struct {
		day          Date
		hour, minute int
	}{
		{Date{2025, 3, 30}, 2, 30}, {Date{2025, 10, 26}, 2, 30}, {Date{2025, 3, 30}, 3, 0}, {Date{2025, 10, 26}, 3, 0},
		{Date{2025, 1, 21}, 13, 0}, {Date{2025, 1, 21}, 24, 0}, {Date{2025, 1, 21}, -1, 0}, {Date{2025, 1, 21}, 12, 60},
		{Date{MinYear, 1, 1}, 0, 0}, {Date{MaxYear, 12, 31}, 23, 59}, {Date{1980, 4, 6}, 2, 0}, {Date{1916, 5, 14}, 23, 0},
	} {
		f.Add(days(s.day), s.hour, s.minute)
	}
	last := days(Date{MaxYear, 12, 31})
	f.Fuzz(func(t *testing.T, n, hour, minute int) {
		if n < 0 || n > last {
			n = (n%(last+1) + last + 1) % (last + 1)
		}
		d := first.AddDays(n)
		got, err := WallClock(d, hour, minute)
		inDay := 0 <= hour && hour < 24 && 0 <= minute && minute < 60
		if err != nil {
			wantInvalid(t, "WallClock", d.String(), err)
		} else if DateOf(got) != d || got.Hour() != hour || got.Minute() != minute || got.Second() != 0 {
			t.Fatalf("WallClock(%s, %d, %d) = %v", d, hour, minute, got)
		}
		if !inDay {
			if err == nil {
				t.Fatalf("WallClock(%s, %d, %d) took a time that is no time of day", d, hour, minute)
			}
			return
		}
		text := d.String() + "T" + time.Date(2000, 1, 1, hour, minute, 0, 0, time.UTC).Format("15:04")
		parsed, perr := ParseTime(text)
		if (err == nil) != (perr == nil) || err == nil && !parsed.Equal(got) {
			t.Fatalf("WallClock(%s, %d, %d) = %v, %v but ParseTime(%q) = %v, %v", d, hour, minute, got, err, text, parsed, perr)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-14", "2024-02-29", "2025-02-29", "0000-01-01", "1899-12-31", "1900-01-01", "2100-12-31",
		"2101-01-01", "2025-1-2", "2025-01-02T00:00", " 2025-01-02", "+2025-01-02", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			wantInvalid(t, "ParseDate", s, err)
			return
		}
		if CheckYear(d.Year) != nil || d.IsZero() {
			t.Fatalf("ParseDate(%q) = %v, outside %d–%d", s, d, MinYear, MaxYear)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %v, written back as %q", s, d, d.String())
		}
		if DateOf(d.Start()) != d || d.AddDays(1).AddDays(-1) != d {
			t.Fatalf("ParseDate(%q) = %v, not a day that exists", s, d)
		}
		var j Date
		b, _ := d.MarshalJSON()
		if err := j.UnmarshalJSON(b); err != nil || j != d {
			t.Fatalf("ParseDate(%q) = %v: JSON %s reads as %v, %v", s, d, b, j, err)
		}
	})
}

func FuzzParseISOWeek(f *testing.F) {
	for _, s := range []string{"2025-W37", "2025-W01", "2025-W52", "2025-W53", "2026-W53", "2020-W53", "2025-W54", "2025-W00",
		"0000-W01", "1900-W01", "2100-W52", "2101-W01", "2025-w37", "2025W37", "2025-W3", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseISOWeek(s)
		if err != nil {
			wantInvalid(t, "ParseISOWeek", s, err)
			return
		}
		if CheckYear(w.Year) != nil || w.Week < 1 || w.Week > WeeksInISOYear(w.Year) {
			t.Fatalf("ParseISOWeek(%q) = %+v, a week that does not exist or is out of range", s, w)
		}
		if w.String() != s {
			t.Fatalf("ParseISOWeek(%q) = %+v, written back as %q", s, w, w.String())
		}
		days := w.Days()
		if days[0].Weekday() != time.Monday || days[6].Weekday() != time.Sunday {
			t.Fatalf("week %s runs %s (%s) to %s (%s)", w, days[0], days[0].Weekday(), days[6], days[6].Weekday())
		}
		for _, d := range days {
			if ISOWeekOf(d) != w {
				t.Fatalf("day %s of week %s is in week %s", d, w, ISOWeekOf(d))
			}
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "9.00", "9:00", "23:59", "24:00", "00:00", "12:60", "-1:00", "9", "09:00:00", "0900", " 9:00", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClock(s)
		if err != nil {
			wantInvalid(t, "ParseClock", s, err)
			return
		}
		if c < 0 || c >= 24*60 {
			t.Fatalf("ParseClock(%q) = %d minutes, not a time of day", s, c)
		}
		again, err := ParseClock(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseClock(%q) = %s, which reads back as %v, %v", s, c, again, err)
		}
		// The hour and minute written are the ones taken.
		norm := strings.Replace(s, ".", ":", 1)
		if len(norm) == 4 {
			norm = "0" + norm
		}
		if norm != c.String() {
			t.Fatalf("ParseClock(%q) = %s", s, c)
		}
	})
}

func FuzzParseWeekday(f *testing.F) {
	for _, s := range []string{"mon", "sun", "Mån", "sön", "LÖR", "monday", "måndag", "", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeekday(s)
		if err != nil {
			wantInvalid(t, "ParseWeekday", s, err)
			return
		}
		if w < 0 || w > 6 {
			t.Fatalf("ParseWeekday(%q) = %d", s, w)
		}
		if again, err := ParseWeekday(w.String()); err != nil || again != w {
			t.Fatalf("ParseWeekday(%q) = %s, which reads back as %v, %v", s, w, again, err)
		}
	})
}

// wantInvalid fails unless err is EINVALID with a message.
func wantInvalid(t *testing.T, fn, in string, err error) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID || strings.TrimSpace(e.Message) == "" {
		t.Fatalf("%s(%q): error %#v, want EINVALID with a message", fn, in, err)
	}
}
