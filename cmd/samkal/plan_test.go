package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// windowFile is the ready booking window of the examples.
var windowFile = filepath.Join("..", "..", "examples", "booking-window-hosten-2025.yaml")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/samkal -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/samkal -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// regionDB returns a database of the engine with the example region
// imported, as the README's steps make it.
func regionDB(t *testing.T, engine string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "samkal.db")
	if engine == "postgres" {
		db = sqltest.PostgresURL(t)
	}
	mustRun(t, nil, "import", "--db", db, exampleFile)
	return db
}

// openDB opens the database the commands wrote, for checking it.
func openDB(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// windowMeetings returns the keys of the proposed meetings of window id.
func windowMeetings(t *testing.T, s calendar.Store, id string) []string {
	t.Helper()
	ms, err := s.FindMeetings(t.Context(), calendar.MeetingFilter{Status: []calendar.MeetingStatus{calendar.StatusProposed}})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range ms {
		if strings.HasPrefix(m.Key, "bw"+id+"-") {
			keys = append(keys, m.Key)
		}
	}
	return keys
}

// TestExampleWindowFile: the ready file is the region's first window, so
// that the README's steps plan the seed's booking weeks.
func TestExampleWindowFile(t *testing.T) {
	read := func(path string) []*arsplan.BookingWindow {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := arsplan.ParseBookingWindows(path, data)
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	file, region := read(windowFile), read(exampleFile)
	if len(file) != 1 || len(region) != 2 || !reflect.DeepEqual(file[0].BookingWindow, region[0].BookingWindow) {
		t.Errorf("%s does not hold the first booking window of %s", windowFile, exampleFile)
	}
}

func TestPlanWindowCommand(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db := regionDB(t, engine)
			r := mustRun(t, nil, "plan", "window", windowFile, "--db", db)
			checkGolden(t, "plan-window.txt", r.stdout)

			// --apply writes six proposals; applying again replaces them.
			r = mustRun(t, nil, "plan", "window", "--apply", "--db", db, windowFile)
			written := regexp.MustCompile(`Skrev 6 föreslagna möten \(id [0-9, ]+\)\.\n$`).FindString(r.stdout)
			if !strings.Contains(r.stdout, "Bokningsfönstret är sparat (id 1).") || written == "" {
				t.Fatalf("apply:\n%s", r.stdout)
			}
			again := mustRun(t, nil, "plan", "window", "--apply", "--db", db, windowFile)
			if !strings.HasSuffix(again.stdout, written) {
				t.Errorf("applying again wrote other meetings:\n%s\nwant the same %s", again.stdout, written)
			}
			s := openDB(t, db)
			if keys := windowMeetings(t, s, "1"); len(keys) != 6 {
				t.Errorf("window 1 has proposals %v, want 6", keys)
			}
			ws, err := s.FindBookingWindows(t.Context())
			if err != nil || len(ws) != 2 {
				t.Errorf("%d windows stored (%v), want the example's 2: the file's window is the first", len(ws), err)
			}

			// Suggestions for one body of the other window.
			r = mustRun(t, nil, "plan", "suggest", "--db", db, "--window", "2", "--body", "lansdel-norr", "--limit", "3")
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "Lediga tider för Länsdel Norr i Samverkansmöten hösten 2025, v 48–49 (id 2)") ||
				!regexp.MustCompile(`^v 4[89]  (mån|tis|ons|tor|fre) \d+ (nov|dec) 2025 +\d\d\.\d\d–\d\d\.\d\d  Lokal E[kn]en  poäng `).MatchString(lines[1]) {
				t.Errorf("suggestions:\n%s", r.stdout)
			}
		})
	}
}

func TestPlanWindowInfeasibleCommand(t *testing.T) {
	t.Parallel()
	db := regionDB(t, "sqlite")
	tight := filepath.Join(t.TempDir(), "trangt.yaml")
	if err := os.WriteFile(tight, []byte("name: För trångt\nweeks: [2025-W37]\nbodies: [lansdel-norr, lansdel-vaster, samverkan-olbf]\n"+
		"duration_minutes: 180\nweekdays: [mon]\nhours: [\"09:00-12:00\"]\nrooms: [lokal-eken]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := samkal(t, nil, "plan", "window", "--db", db, tight)
	if r.code != exitFailure {
		t.Errorf("exit code %d, want %d when no plan keeps the rules", r.code, exitFailure)
	}
	for _, want := range []string{"För trångt (inte sparat)\n", "Det går inte att planera alla möten utan att bryta mot reglerna. Varför:\n",
		"personer: Maria Lindborg", "möjliga dagar: mån 8 sep 2025", "Bästa möjliga plan", "bryter mot: krockar med"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	s := openDB(t, db)
	before, err := s.DataVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r = samkal(t, nil, "plan", "window", "--apply", "--db", db, tight)
	if r.code != exitFailure || !strings.HasSuffix(r.stdout, "Inget skrevs, inte heller bokningsfönstret: planen bryter mot reglerna.\n") {
		t.Errorf("apply of an infeasible plan: exit %d\n%s", r.code, r.stdout)
	}
	if after, _ := s.DataVersion(t.Context()); after != before {
		t.Errorf("an infeasible --apply changed the database")
	}
}

func TestPlanCommandErrors(t *testing.T) {
	t.Parallel()
	db := regionDB(t, "sqlite")
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	window := "name: Prov\nweeks: [2025-W37]\nbodies: [%s]\nduration_minutes: 60\nweekdays: [mon]\nhours: [\"09:00-12:00\"]\n"
	badWeek := file("v54.yaml", strings.Replace(strings.Replace(window, "2025-W37", "2025-W54", 1), "%s", "lansdel-norr", 1))
	unknown := file("okand.yaml", strings.Replace(window, "%s", "lansdel-ost", 1))
	guests := file("gaster.yaml", strings.Replace(window, "%s", "chefsgrupp-social-valfard-samt-vard-och-omsorg", 1))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"plan without subcommand", []string{"plan"}, exitUsage, "", "samkal plan window FILE.yaml"},
		{"help plan", []string{"help", "plan"}, exitOK, "samkal plan next-year --body SLUG", ""},
		{"unknown subcommand", []string{"plan", "fönster"}, exitUsage, "", `unknown subcommand "fönster"`},
		{"window without file", []string{"plan", "window", "--db", db}, exitUsage, "", "name exactly one file"},
		{"missing file", []string{"plan", "window", "--db", db, filepath.Join(dir, "saknas.yaml")}, exitFailure, "", "saknas.yaml: cannot read: no such file or directory"},
		{"week 54", []string{"plan", "window", "--db", db, badWeek}, exitFailure, "", badWeek + `:2: booking window "Prov": weeks: ISO week 2025-W54 does not exist`},
		{"several windows", []string{"plan", "window", "--db", db, exampleFile}, exitFailure, "", "has 2 booking windows; pick one with --name"},
		{"unknown name", []string{"plan", "window", "--db", db, "--name", "Våren", exampleFile}, exitFailure, "", `has no booking window named "Våren"`},
		{"named window", []string{"plan", "window", "--db", db, "--name", "Samverkansmöten hösten 2025, v 48–49", exampleFile}, exitOK, "Samverkansmöten hösten 2025, v 48–49 (id 2)", ""},
		{"unknown body", []string{"plan", "window", "--db", db, unknown}, exitFailure, "", `body "lansdel-ost" of the booking window does not exist`},
		{"nobody must attend", []string{"plan", "window", "--db", db, guests}, exitFailure, "", "has nobody who must attend"},
		{"suggest without flags", []string{"plan", "suggest", "--db", db}, exitUsage, "", "--window is required"},
		{"suggest unknown window", []string{"plan", "suggest", "--db", db, "--window", "9", "--body", "lansdel-norr"}, exitFailure, "", "booking window 9 does not exist"},
		{"suggest body outside", []string{"plan", "suggest", "--db", db, "--window", "1", "--body", "skolchefsgruppen"}, exitFailure, "", `body "skolchefsgruppen" is not in booking window`},
		{"next-year without year", []string{"plan", "next-year", "--db", db, "--body", "lansdel-norr", "--copy-year", "2024"}, exitUsage, "", "--year is required"},
		{"next-year bad weekday", []string{"plan", "next-year", "--db", db, "--body", "lansdel-norr", "--year", "2026", "--per-year", "4", "--weekday", "fredag", "--start", "9", "--duration", "60"},
			exitUsage, "", `--weekday: "fredag" is not a weekday`},
		{"next-year bad start", []string{"plan", "next-year", "--db", db, "--body", "lansdel-norr", "--year", "2026", "--per-year", "4", "--weekday", "fre", "--start", "nio", "--duration", "60"},
			exitUsage, "", `--start: "nio" is not a time of day`},
		{"next-year unknown body", []string{"plan", "next-year", "--db", db, "--body", "lansdel-ost", "--year", "2026", "--copy-year", "2025"}, exitFailure, "", `body "lansdel-ost" does not exist`},
		{"next-year no pattern", []string{"plan", "next-year", "--db", db, "--body", "lansdel-norr", "--year", "2026"}, exitFailure, "", "copy_year"},
		{"conflicts without to", []string{"conflicts", "--db", db, "--from", "2025-01-01"}, exitUsage, "", "--to is required"},
		{"conflicts backwards", []string{"conflicts", "--db", db, "--from", "2025-12-31", "--to", "2025-01-01"}, exitUsage, "", "--to 2025-01-01 is before --from 2025-12-31"},
		{"conflicts bad day", []string{"conflicts", "--db", db, "--from", "2025-02-30", "--to", "2025-03-01"}, exitUsage, "", `--from: "2025-02-30" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := samkal(t, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("samkal %s: exit %d, want %d\nstdout:\n%s\nwant in stdout: %s\nstderr:\n%s\nwant in stderr: %s",
					strings.Join(tt.args, " "), r.code, tt.code, r.stdout, tt.stdout, r.stderr, tt.stderr)
			}
		})
	}
}

func TestPlanNextYearCommand(t *testing.T) {
	t.Parallel()
	db := regionDB(t, "sqlite")
	args := []string{"plan", "next-year", "--db", db, "--body", "chefsgrupp-folkhalsa", "--year", "2026", "--copy-year", "2025"}
	r := mustRun(t, nil, args...)
	want := "Förslag till årsplan 2026 för Chefsgrupp folkhälsa:\n" +
		"v 4   tis 20 jan 2026  13.00–16.30  Länsstyrelsen\n" +
		"v 12  tor 19 mar 2026  13.00–16.30  lokal ej vald\n" +
		"v 21  tor 21 maj 2026  13.00–16.30  lokal ej vald\n" +
		"v 34  ons 19 aug 2026  13.00–16.30  lokal ej vald\n" +
		"v 43  tor 22 okt 2026  13.00–16.30  lokal ej vald\n" +
		"v 49  tis 1 dec 2026   13.00–16.30  lokal ej vald\n"
	if r.stdout != want {
		t.Errorf("next-year:\n%s\nwant\n%s", r.stdout, want)
	}
	r = mustRun(t, nil, append(args, "--apply")...)
	if !strings.HasSuffix(r.stdout, "\nSkrev 6 föreslagna möten; 0 fanns redan och lämnades som de var.\n") {
		t.Errorf("apply:\n%s", r.stdout)
	}
	r = mustRun(t, nil, append(args, "--apply")...)
	if !strings.HasSuffix(r.stdout, "\nSkrev 0 föreslagna möten; 6 fanns redan och lämnades som de var.\n") {
		t.Errorf("apply again:\n%s", r.stdout)
	}
	// A holiday moves a meeting, and the reason is printed under it.
	r = mustRun(t, nil, "plan", "next-year", "--db", db, "--body", "lansdel-norr", "--year", "2026",
		"--rrule", "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=14", "--start", "13:00", "--duration", "120")
	if !strings.Contains(r.stdout, "v 20  ons 13 maj 2026  13.00–15.00  lokal ej vald\n") ||
		!strings.Contains(r.stdout, "\n                                    Kristi himmelsfärdsdag (tor 14 maj 2026) – flyttad till ons 13 maj") {
		t.Errorf("a meeting moved off Kristi himmelsfärdsdag:\n%s", r.stdout)
	}
}

func TestConflictsCommand(t *testing.T) {
	t.Parallel()
	db := regionDB(t, "sqlite")
	r := mustRun(t, nil, "conflicts", "--db", db, "--from", "2025-12-01", "--to", "2025-12-31")
	if r.stdout != "Inga krockar mån 1 dec 2025 – ons 31 dec 2025.\n" {
		t.Errorf("conflicts of the example:\n%s", r.stdout)
	}
	// Länsdel Norr on Chefsgrupp folkhälsa's afternoon: Maria Lindborg and
	// Ida Broman sit in both.
	s := openDB(t, db)
	d := calendar.Date{Year: 2025, Month: time.December, Day: 2}
	m := &calendar.Meeting{Key: "lansdel-norr-2025-12-02", Bodies: []string{"lansdel-norr"}, Start: d.At(14, 0), End: d.At(16, 0)}
	if err := s.CreateMeeting(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, nil, "conflicts", "--db", db, "--from", "2025-12-01", "--to", "2025-12-31")
	lines := strings.Split(r.stdout, "\n")
	if lines[0] != "2 krockar mån 1 dec 2025 – ons 31 dec 2025:" || !strings.HasPrefix(lines[1], "v 49  tis 2 dec 2025  dubbelbokad person  möte ") ||
		!strings.Contains(r.stdout, "Ida Broman") || !strings.Contains(r.stdout, "Maria Lindborg") {
		t.Errorf("conflicts:\n%s", r.stdout)
	}
}

// TestPlanNextYearSaysWhatItLeavesOut: --copy-year copies the online link,
// place and title with each meeting and copies a cancelled meeting as a
// proposal that says so; what it does not copy (a cancelled meeting
// replaced in its week, an all-day meeting, an event) it lists with the
// reason. Nothing of the copied year is dropped without a word.
func TestPlanNextYearSaysWhatItLeavesOut(t *testing.T) {
	t.Parallel()
	db := regionDB(t, "sqlite")
	s := openDB(t, db)
	ctx := t.Context()
	year := 2025
	ms, err := s.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa"}, Year: &year,
		Kind: ptrTo(calendar.KindMeeting)})
	if err != nil || len(ms) != 6 {
		t.Fatalf("the example's 2025 meetings of Chefsgrupp folkhälsa: %d, %v; want 6", len(ms), err)
	}
	cancelled, online := calendar.StatusCancelled, "https://teams.example.se/l/chefsgrupp-folkhalsa"
	may, aug := ms[2], ms[3] // 22 May, 20 August
	if _, err := s.UpdateMeeting(ctx, may.ID, calendar.MeetingUpdate{Status: &cancelled}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateMeeting(ctx, aug.ID, calendar.MeetingUpdate{OnlineURL: &online}); err != nil {
		t.Fatal(err)
	}
	// Cancelled on Tuesday 21 October and held on Thursday the 23rd: replaced.
	oct21 := calendar.Date{Year: 2025, Month: time.October, Day: 21}
	replaced := &calendar.Meeting{Key: "chefsgrupp-folkhalsa-2025-10-21", Bodies: []string{"chefsgrupp-folkhalsa"},
		Start: oct21.At(13, 0), End: oct21.At(16, 30), Status: calendar.StatusCancelled}
	nov6 := calendar.Date{Year: 2025, Month: time.November, Day: 6}
	allDay := &calendar.Meeting{Key: "chefsgrupp-folkhalsa-planeringsdag", Title: "Planeringsdag", Bodies: []string{"chefsgrupp-folkhalsa"},
		Start: nov6.Start(), End: nov6.AddDays(1).Start(), AllDay: true, Status: calendar.StatusConfirmed}
	for _, m := range []*calendar.Meeting{replaced, allDay} {
		if err := s.CreateMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
	}

	r := mustRun(t, nil, "plan", "next-year", "--db", db, "--body", "chefsgrupp-folkhalsa", "--year", "2026", "--copy-year", "2025", "--apply")
	for _, want := range []string{
		"v 21  tor 21 maj 2026  13.00–16.30  lokal ej vald\n",
		"tor 22 maj 2025 var inställt – föreslås ändå, så att 2026 får lika många möten; ta bort förslaget om mötet inte behövs\n",
		"v 34  ons 19 aug 2026  13.00–16.30  digitalt\n",
		"\nInte med i förslaget (2 av 2025 års möten):\n",
		fmt.Sprintf("v 43  tis 21 okt 2025  13.00–16.30  möte %d\n", replaced.ID),
		"inställt och ersatt av mötet tor 23 okt 2025 kl. 13.00–16.30 samma vecka, som kopieras i stället\n",
		fmt.Sprintf("v 45  tor 6 nov 2025   heldag       möte %d\n", allDay.ID),
		"heldag: kopieras inte – lägg in den för hand om den ska hållas 2026\n",
		"\nSkrev 6 föreslagna möten; 0 fanns redan och lämnades som de var.\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("next-year output lacks %q:\n%s", want, r.stdout)
		}
	}
	copied, err := s.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	if copied.OnlineURL != online {
		t.Errorf("the copy of 20 August has online_url %q, want %q", copied.OnlineURL, online)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestTableKeepsTheTerminalSafe: text stored before the text rules (or
// written into the database by hand) cannot move the cursor, recolour the
// terminal or reverse a line when plan and conflicts print it.
func TestTableKeepsTheTerminalSafe(t *testing.T) {
	var tb table
	tb.add("v 12", "möte \x1b[2J\x1b[31mröd", "\u202eetöm")
	tb.note("rad ett\nrad två\x00")
	var out strings.Builder
	tb.write(&out)
	if s := out.String(); strings.ContainsAny(s, "\x1b\x00\u202e") || strings.Count(s, "\n") != 2 {
		t.Errorf("printed %q", s)
	}
}
