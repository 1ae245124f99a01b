package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The fuzz targets of the configuration's own syntaxes (durations, clock
// times and ranges, read from files, SAMKAL_* variables and flags): no
// panic, and what is accepted writes back in the form String gives and
// reads again as the same value.

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30d", "1825d", "1d12h", "-2d", "0d", "90m", "1h30m", "-5s", "0", "1.5s", "30", "", "d", "1.5d",
		"1d-2h", "1d+2h", "106751d", "106751d23h47m16s", "106751d23h47m17s", "106752d", "-106751d23h47m16s", "99999999999d",
		"2562047h47m16.854775807s", "+1d", "1d1d", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("ParseDuration(%q): error %q does not name the value", s, err)
			}
			return
		}
		// A duration written with days and more must add up without
		// wrapping around: its sign is the sign written.
		if neg := strings.HasPrefix(s, "-"); neg && d > 0 || !neg && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, the sign changed", s, time.Duration(d))
		}
		back := d.String()
		again, err := ParseDuration(back)
		if err != nil || again != d {
			t.Fatalf("ParseDuration(%q) = %v, written as %q, reads back as %v, %v", s, time.Duration(d), back, time.Duration(again), err)
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"08:00", "23:59", "00:00", "24:00", "8:00", "08:0", "08:60", "-1:00", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseClock(s)
		if err != nil {
			return
		}
		if m < 0 || m >= 24*60 {
			t.Fatalf("ParseClock(%q) = %d minutes, not a time of day", s, m)
		}
		if back := fmt.Sprintf("%02d:%02d", m/60, m%60); back != s {
			t.Fatalf("ParseClock(%q) = %d minutes, which is %s", s, m, back)
		}
	})
}

func FuzzParseClockRange(f *testing.F) {
	for _, s := range []string{"20:00-07:00", "07:00-20:00", " 20:00 - 07:00 ", "20:00-20:00", "20:00", "20:00-", "-07:00", "24:00-01:00",
		"20:00-07:00-08:00", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := ParseClockRange(s)
		if err != nil {
			return
		}
		if from < 0 || from >= 24*60 || to < 0 || to >= 24*60 || from == to {
			t.Fatalf("ParseClockRange(%q) = %d, %d", s, from, to)
		}
		back := fmt.Sprintf("%02d:%02d-%02d:%02d", from/60, from%60, to/60, to%60)
		if f2, t2, err := ParseClockRange(back); err != nil || f2 != from || t2 != to {
			t.Fatalf("ParseClockRange(%q) = %d, %d, written as %q, reads back as %d, %d, %v", s, from, to, back, f2, t2, err)
		}
	})
}
