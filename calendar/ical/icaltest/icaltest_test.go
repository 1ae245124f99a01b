package icaltest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// crlf turns a readable multi-line literal into CRLF-terminated lines.
func crlf(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// stockholm is a VTIMEZONE written by hand here (not taken from package
// ical), so this test checks the helper and not the encoder.
var stockholm = []string{
	"BEGIN:VTIMEZONE",
	"TZID:Europe/Stockholm",
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0200",
	"TZNAME:CEST",
	"DTSTART:19700329T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0200",
	"TZOFFSETTO:+0100",
	"TZNAME:CET",
	"DTSTART:19701025T030000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

func calendarText(events ...string) []byte {
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//test//SV", "X-WR-CALNAME:Chefsgrupp folkhälsa"}
	lines = append(lines, stockholm...)
	lines = append(lines, events...)
	lines = append(lines, "END:VCALENDAR")
	return crlf(lines...)
}

func TestParseWithICALJS(t *testing.T) {
	ics := calendarText(
		"BEGIN:VEVENT",
		"UID:summer@test",
		"DTSTAMP:20250101T000000Z",
		"DTSTART;TZID=Europe/Stockholm:20250401T130000",
		"DTEND;TZID=Europe/Stockholm:20250401T163000",
		"SUMMARY:Möte\\; med\\, tecken \\\\ och",
		"  vikt rad",
		"STATUS:TENTATIVE",
		"LOCATION:Lokal Eken\\, Eklundavägen 1\\, Örebro",
		"DESCRIPTION:Rad ett\\nRad två",
		"URL:https://samkal.example/m/1",
		"SEQUENCE:3",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:winter@test",
		"DTSTAMP:20250101T000000Z",
		"DTSTART;TZID=Europe/Stockholm:20250327T130000",
		"DTEND;TZID=Europe/Stockholm:20250327T163000",
		"SUMMARY:Vinter",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:allday@test",
		"DTSTAMP:20250101T000000Z",
		"DTSTART;VALUE=DATE:20250314",
		"DTEND;VALUE=DATE:20250315",
		"SUMMARY:Uppföljningsdag",
		"STATUS:CONFIRMED",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:utc@test",
		"DTSTAMP:20250101T000000Z",
		"DTSTART:20251028T120000Z",
		"DTEND:20251028T153000Z",
		"SUMMARY:UTC",
		"END:VEVENT",
	)
	got := ParseWithICALJS(t, ics)

	if got.Name != "Chefsgrupp folkhälsa" {
		t.Errorf("name: got %q, want %q", got.Name, "Chefsgrupp folkhälsa")
	}
	if len(got.TimezoneIDs) != 1 || got.TimezoneIDs[0] != "Europe/Stockholm" {
		t.Errorf("timezone ids: got %q, want [Europe/Stockholm]", got.TimezoneIDs)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, calendar.Location)
	}
	want := []Event{{
		UID: "summer@test", Summary: "Möte; med, tecken \\ och vikt rad", Status: "TENTATIVE",
		Location: "Lokal Eken, Eklundavägen 1, Örebro", Description: "Rad ett\nRad två",
		URL: "https://samkal.example/m/1", Start: at(2025, 4, 1, 13, 0), End: at(2025, 4, 1, 16, 30),
		Sequence: 3, TZID: "Europe/Stockholm",
	}, {
		UID: "winter@test", Summary: "Vinter", Start: at(2025, 3, 27, 13, 0), End: at(2025, 3, 27, 16, 30), TZID: "Europe/Stockholm",
	}, {
		UID: "allday@test", Summary: "Uppföljningsdag", Status: "CONFIRMED",
		Start: at(2025, 3, 14, 0, 0), End: at(2025, 3, 15, 0, 0), AllDay: true,
	}, {
		UID: "utc@test", Summary: "UTC", Start: at(2025, 10, 28, 13, 0), End: at(2025, 10, 28, 16, 30),
	}}
	if len(got.Events) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(got.Events), len(want), got.Events)
	}
	for i, w := range want {
		g := got.Events[i]
		if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) {
			t.Errorf("event %s: got %s – %s, want %s – %s", w.UID, g.Start, g.End, w.Start, w.End)
		}
		if g.Start.Location() != calendar.Location {
			t.Errorf("event %s: start in %s, want %s", w.UID, g.Start.Location(), calendar.Location)
		}
		g.Start, g.End, w.Start, w.End = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if g != w {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	// The summer and winter meetings are both 13:00 local: 11:00Z and 12:00Z.
	if h := got.Events[0].Start.UTC().Hour(); h != 11 {
		t.Errorf("summer meeting starts at %d:00Z, want 11:00Z", h)
	}
	if h := got.Events[1].Start.UTC().Hour(); h != 12 {
		t.Errorf("winter meeting starts at %d:00Z, want 12:00Z", h)
	}
}

// fatalRecorder is a testing.TB whose Fatal stops only the goroutine that
// called it and records the message, so a test can check that the helper
// fails where it must.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// expectFatal runs fn with a recorder and returns the fatal message; it
// fails t if fn returned normally.
func expectFatal(t *testing.T, fn func(tb testing.TB)) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan bool)
	go func() {
		returned := false
		defer func() { done <- returned }()
		fn(r)
		returned = true
	}()
	if <-done {
		t.Fatalf("the helper returned normally, want a fatal failure")
	}
	return r.msg
}

func TestParseWithICALJSRejects(t *testing.T) {
	event := func(extra ...string) []string {
		return append([]string{"BEGIN:VEVENT", "UID:x@test", "DTSTAMP:20250101T000000Z"}, append(extra, "END:VEVENT")...)
	}
	tests := []struct {
		name string
		ics  []byte
		want string
	}{
		{"garbage", []byte("this is not a calendar\r\n"), "parse error"},
		{"unterminated", crlf("BEGIN:VCALENDAR", "VERSION:2.0"), "parse error"},
		{"bad date-time", calendarText(event("DTSTART;TZID=Europe/Stockholm:2025-13-45T99")...), "ical.js"},
		{"TZID without VTIMEZONE", crlf(append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0"},
			event("DTSTART;TZID=Europe/Oslo:20250121T130000")...), "END:VCALENDAR")...), "no VTIMEZONE"},
		{"unknown TZID in a calendar with a VTIMEZONE", calendarText(event("DTSTART;TZID=Europe/Oslo:20250121T130000")...), "no VTIMEZONE"},
		{"no DTSTART", calendarText(event("SUMMARY:x")...), "no DTSTART"},
		{"no UID", calendarText("BEGIN:VEVENT", "DTSTAMP:20250101T000000Z", "DTSTART:20250101T100000Z", "END:VEVENT"), "no UID"},
		{"two calendars", append(calendarText(), calendarText()...), "exactly one VCALENDAR"},
		{"not a calendar", crlf("BEGIN:VCARD", "VERSION:4.0", "FN:X", "END:VCARD"), "not vcalendar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := expectFatal(t, func(tb testing.TB) { ParseWithICALJS(tb, tt.ics) })
			if !strings.Contains(msg, tt.want) {
				t.Errorf("got failure %q, want it to mention %q", msg, tt.want)
			}
		})
	}
}

func TestMissingInstallSaysHowToInstall(t *testing.T) {
	lock, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "icaljs", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "icaljs", "parse.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	ics := calendarText()

	t.Run("no node_modules", func(t *testing.T) {
		dir := t.TempDir()
		mustWrite(t, filepath.Join(dir, "package-lock.json"), lock)
		mustWrite(t, filepath.Join(dir, "parse.mjs"), script)
		msg := expectFatal(t, func(tb testing.TB) { parseIn(tb, dir, ics) })
		if !strings.Contains(msg, InstallHint) {
			t.Errorf("got failure %q, want it to say %q", msg, InstallHint)
		}
	})
	t.Run("stale node_modules", func(t *testing.T) {
		dir := t.TempDir()
		mustWrite(t, filepath.Join(dir, "package-lock.json"), lock)
		mustWrite(t, filepath.Join(dir, "parse.mjs"), script)
		mustWrite(t, filepath.Join(dir, "node_modules", "ical.js", "package.json"), []byte(`{"version":"0.0.1"}`))
		msg := expectFatal(t, func(tb testing.TB) { parseIn(tb, dir, ics) })
		if !strings.Contains(msg, "0.0.1") || !strings.Contains(msg, InstallHint) {
			t.Errorf("got failure %q, want it to name version 0.0.1 and say %q", msg, InstallHint)
		}
	})
	t.Run("no node on PATH", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		msg := expectFatal(t, func(tb testing.TB) { ParseWithICALJS(tb, ics) })
		if !strings.Contains(msg, "node is not installed") || !strings.Contains(msg, InstallHint) {
			t.Errorf("got failure %q, want it to say node is missing and %q", msg, InstallHint)
		}
	})
}

func mustWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseWithICALJSCalendarName(t *testing.T) {
	tests := []struct {
		name  string
		props []string
		want  string
	}{
		{"NAME is unescaped", []string{`NAME:Länsdel Söder\, Sydnärke\; 2025`, "X-WR-CALNAME:other"}, "Länsdel Söder, Sydnärke; 2025"},
		{"X-WR-CALNAME when there is no NAME", []string{`X-WR-CALNAME:Chefsgrupp\, folkhälsa`}, "Chefsgrupp, folkhälsa"},
		{"no name", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//test//SV"}, tt.props...)
			got := ParseWithICALJS(t, crlf(append(lines, "END:VCALENDAR")...))
			if got.Name != tt.want {
				t.Errorf("got name %q, want %q", got.Name, tt.want)
			}
			if len(got.Events) != 0 || len(got.TimezoneIDs) != 0 {
				t.Errorf("got %d events and timezones %q, want none", len(got.Events), got.TimezoneIDs)
			}
		})
	}
}
