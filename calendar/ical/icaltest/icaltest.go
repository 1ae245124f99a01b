// Package icaltest lets tests check iCalendar output with an independent,
// real parser: Mozilla's ical.js, the one inside Thunderbird, run under
// node from testdata/icaljs at the repository root (package.json and
// package-lock.json pin its version).
//
// A missing node or a missing install fails the test with the command that
// fixes it; it never skips, so a feed can not pass unchecked.
package icaltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// InstallHint is the command that installs ical.js for these tests, run at
// the repository root.
const InstallHint = "run: npm ci --prefix testdata/icaljs"

// Event is one VEVENT as ical.js saw it.
type Event struct {
	UID, Summary, Status, Location, Description, URL string
	// Start and End are in calendar.Location, converted by ical.js from the
	// calendar's own VTIMEZONE. For an all-day event they are midnight at
	// the start of the first day and of the day after the last.
	Start, End time.Time
	AllDay     bool
	Sequence   int
	TZID       string // DTSTART's TZID parameter; "" for UTC times and dates
}

// Calendar is a VCALENDAR as ical.js saw it.
type Calendar struct {
	Name        string   // NAME, else X-WR-CALNAME
	TimezoneIDs []string // the TZIDs of its VTIMEZONE components, in order
	Events      []Event  // in the order of the text
}

// ParseWithICALJS parses ics with Mozilla's ical.js (Thunderbird's parser) under node and returns what it saw; t.Fatal on any parse error.
//
// Besides syntax errors, the parse fails when a TZID has no VTIMEZONE in
// the calendar (ical.js would read such a time as floating) and when an
// event lacks UID, DTSTAMP or DTSTART.
func ParseWithICALJS(t testing.TB, ics []byte) Calendar {
	t.Helper()
	return parseIn(t, filepath.Join(repoRoot(t), "testdata", "icaljs"), ics)
}

// parseIn runs the parse script installed in dir.
func parseIn(t testing.TB, dir string, ics []byte) Calendar {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed (%v): install Node.js (apt-get install -y nodejs npm), then %s", err, InstallHint)
	}
	checkInstall(t, dir)

	cmd := exec.Command(node, filepath.Join(dir, "parse.mjs"))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(ics)
	// ical.js converts with the calendar's VTIMEZONE; TZ=UTC makes sure
	// nothing of the machine's own zone can leak into the result.
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ical.js rejected the calendar (%v):\n%s\n--- calendar ---\n%s", err, strings.TrimSpace(stderr.String()), excerpt(ics))
	}

	var out struct {
		Name        string   `json:"name"`
		TimezoneIDs []string `json:"timezoneIds"`
		Events      []struct {
			UID         string `json:"uid"`
			Summary     string `json:"summary"`
			Status      string `json:"status"`
			Location    string `json:"location"`
			Description string `json:"description"`
			URL         string `json:"url"`
			Start       string `json:"start"`
			End         string `json:"end"`
			AllDay      bool   `json:"allDay"`
			Sequence    int    `json:"sequence"`
			TZID        string `json:"tzid"`
		} `json:"events"`
	}
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("reading ical.js output: %v", err)
	}
	c := Calendar{Name: out.Name, TimezoneIDs: out.TimezoneIDs}
	for _, e := range out.Events {
		start, err := parseTime(e.Start, e.AllDay)
		if err != nil {
			t.Fatalf("event %s: start: %v", e.UID, err)
		}
		end, err := parseTime(e.End, e.AllDay)
		if err != nil {
			t.Fatalf("event %s: end: %v", e.UID, err)
		}
		c.Events = append(c.Events, Event{
			UID: e.UID, Summary: e.Summary, Status: e.Status, Location: e.Location,
			Description: e.Description, URL: e.URL, Start: start, End: end,
			AllDay: e.AllDay, Sequence: e.Sequence, TZID: e.TZID,
		})
	}
	return c
}

// parseTime reads the script's time text: YYYY-MM-DD for a date, ISO 8601
// UTC for a date-time. An absent time (no DTEND) is the zero time.
func parseTime(s string, allDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if allDay {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return time.Time{}, err
		}
		return d.Start(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return calendar.In(t), nil
}

// checkInstall fails t unless dir holds an ical.js install of the version
// package-lock.json pins, so a stale node_modules can not mislead a test.
func checkInstall(t testing.TB, dir string) {
	t.Helper()
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	var installed struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dir, "package-lock.json"), &lock); err != nil {
		t.Fatalf("ical.js lock file: %v", err)
	}
	want := lock.Packages["node_modules/ical.js"].Version
	if want == "" {
		t.Fatalf("%s pins no ical.js version", filepath.Join(dir, "package-lock.json"))
	}
	if err := readJSON(filepath.Join(dir, "node_modules", "ical.js", "package.json"), &installed); err != nil {
		t.Fatalf("ical.js is not installed (%v): %s", err, InstallHint)
	}
	if installed.Version != want {
		t.Fatalf("ical.js %s is installed but package-lock.json pins %s: %s", installed.Version, want, InstallHint)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// repoRoot walks up from the working directory (a package directory under
// go test) to the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the working directory; run the tests inside the repository")
		}
		dir = parent
	}
}

// excerpt keeps failure messages readable for big calendars.
func excerpt(b []byte) string {
	const limit = 4000
	if len(b) <= limit {
		return string(b)
	}
	return string(b[:limit]) + fmt.Sprintf("\n… (%d more bytes)", len(b)-limit)
}
