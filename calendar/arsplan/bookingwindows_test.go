package arsplan

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/examples"
)

// windowDoc is a file with one booking window whose further fields are
// given as extra lines (at line 4 on); the entry starts at line 2.
func windowDoc(extra ...string) []byte {
	return doc(append([]string{
		"booking_windows:",
		"  - name: Länsdelsmöten hösten 2025",
		"    bodies: [lansdel-norr, lansdel-vaster]",
	}, extra...)...)
}

// validWindow are the lines that make windowDoc a valid window.
var validWindow = []string{
	"    weeks: [2025-W37, 2025-W38]",
	"    duration_minutes: 120",
	"    weekdays: [mon, tue, wed, thu, fri]",
	`    hours: [{from: "09:00", to: "12:00"}]`,
}

func TestParseBookingWindow(t *testing.T) {
	data := windowDoc(
		"    weeks: [2025-W38, 2025-W37]",
		"    counts: {lansdel-vaster: 2}",
		"    duration_minutes: 120",
		"    weekdays: [mon, tis, wed]",
		"    hours:",
		`      - {from: "09:00", to: "12:00"}`,
		`      - "13.00–16.30"`,
		"    rooms: [lokal-eken]",
		"    deadline: 2025-06-13",
		"    buffer_minutes: 30",
		"    blackouts:",
		"      - {from: 2025-09-12}",
		"      - {from: 2025-07-01, to: 2025-08-10}",
		"    attendees:",
		"      lansdel-norr: [maria-lindborg, ida-broman]",
		"    granularity_minutes: 30",
	)
	f, err := Parse("w.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.BookingWindows) != 1 {
		t.Fatalf("got %d booking windows, want 1", len(f.BookingWindows))
	}
	w := f.BookingWindows[0]
	day := func(m time.Month, d int) calendar.Date { return calendar.Date{Year: 2025, Month: m, Day: d} }
	want := calendar.BookingWindow{
		Name:               "Länsdelsmöten hösten 2025",
		Weeks:              []calendar.ISOWeek{{Year: 2025, Week: 38}, {Year: 2025, Week: 37}},
		Bodies:             []string{"lansdel-norr", "lansdel-vaster"},
		Counts:             map[string]int{"lansdel-vaster": 2},
		DurationMinutes:    120,
		Weekdays:           []calendar.Weekday{1, 2, 3},
		Hours:              []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16*60 + 30}},
		Rooms:              []string{"lokal-eken"},
		Deadline:           day(6, 13),
		BufferMinutes:      30,
		Blackouts:          []calendar.DateRange{{From: day(9, 12), To: day(9, 12)}, {From: day(7, 1), To: day(8, 10)}},
		Attendees:          map[string][]string{"lansdel-norr": {"maria-lindborg", "ida-broman"}},
		GranularityMinutes: 30,
	}
	if !reflect.DeepEqual(w.BookingWindow, want) {
		t.Errorf("parsed\n%+v\nwant\n%+v", w.BookingWindow, want)
	}
	if w.Pos.Line != 2 {
		t.Errorf("window at line %d, want 2", w.Pos.Line)
	}
}

func TestParseBookingWindowErrors(t *testing.T) {
	with := func(replace map[string]string, extra ...string) []byte {
		var lines []string
		for _, l := range validWindow {
			key := strings.TrimSpace(strings.SplitN(l, ":", 2)[0])
			if r, ok := replace[key]; ok {
				if r != "" {
					lines = append(lines, r)
				}
				continue
			}
			lines = append(lines, l)
		}
		return windowDoc(append(lines, extra...)...)
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"week that does not exist", with(map[string]string{"weeks": "    weeks:\n      - 2025-W37\n      - 2025-W54"}),
			[]string{`w.yaml:6: booking window "Länsdelsmöten hösten 2025": weeks: ISO week 2025-W54 does not exist: 2025 has weeks 1–52`}},
		{"not a week", with(map[string]string{"weeks": "    weeks: [v37]"}),
			[]string{`w.yaml:4: booking window "Länsdelsmöten hösten 2025": weeks: "v37" is not an ISO week of the form YYYY-Www (e.g. 2025-W37)`}},
		{"no weeks", with(map[string]string{"weeks": "    weeks: []"}),
			[]string{`w.yaml:4: booking window "Länsdelsmöten hösten 2025": a booking window needs at least one ISO week`}},
		{"end before start", with(map[string]string{"hours": `    hours: [{from: "12:00", to: "09:00"}]`}),
			[]string{`w.yaml:7: booking window "Länsdelsmöten hösten 2025": time span 12:00–09:00: end must be after start`}},
		{"span shorter than the meeting", with(map[string]string{"hours": `    hours: ["09:00-10:00"]`}),
			[]string{`w.yaml:7: booking window "Länsdelsmöten hösten 2025": time span 09:00–10:00 is shorter than the meeting (120 minutes)`}},
		{"not a time span", with(map[string]string{"hours": `    hours: [morgon]`}),
			[]string{`w.yaml:7: booking window "Länsdelsmöten hösten 2025": hours: "morgon" is not a time span; write {from: "09:00", to: "12:00"} or "09:00–12:00"`}},
		{"span without to", with(map[string]string{"hours": `    hours: [{from: "09:00"}]`}),
			[]string{`w.yaml:7: booking window "Länsdelsmöten hösten 2025": hours: a time span needs from and to, e.g. {from: "09:00", to: "12:00"}`}},
		{"bad weekday", with(map[string]string{"weekdays": "    weekdays: [mon, fredag]"}),
			[]string{`w.yaml:6: booking window "Länsdelsmöten hösten 2025": weekdays: "fredag" is not a weekday; use mon, tue, wed, thu, fri, sat or sun`}},
		{"count that is no number", with(nil, "    counts: {lansdel-norr: två}"),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025": counts: the count for "lansdel-norr" must be a whole number, not the value "två"`}},
		{"count for another body", with(nil, "    counts: {lansdel-soder: 2}"),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025": counts names body "lansdel-soder" which is not in the window`}},
		{"bad attendee", with(nil, "    attendees:", "      lansdel-norr: [Maria Lindborg]"),
			[]string{`w.yaml:9: booking window "Länsdelsmöten hösten 2025": attendees of "lansdel-norr": "Maria Lindborg" is not a valid person key (lower-case a–z, digits and hyphens)`}},
		{"attendees not a mapping", with(nil, "    attendees: [maria-lindborg]"),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025": attendees must be a mapping of body slugs, e.g. {lansdel-norr: …}, not a list`}},
		{"unknown key", with(nil, "    room: lokal-eken"),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025": unknown key "room"; did you mean "rooms"?`}},
		{"bad deadline", with(nil, "    deadline: 13 juni"),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025": deadline "13 juni" is not a date; write it as YYYY-MM-DD, e.g. 2025-01-21`}},
		// Issue 8's window (a year at one minute) names the limits it exceeds.
		{"beyond the limits", with(map[string]string{"weeks": "    weeks: [" + yearOfWeeks(2025, 52) + "]",
			"weekdays": "    weekdays: [mon, tue, wed, thu, fri, sat, sun]", "hours": `    hours: ["00:00-23:59"]`},
			"    granularity_minutes: 1"),
			[]string{`w.yaml:2: booking window "Länsdelsmöten hösten 2025": the window has 480480 candidate start times (364 days on its weekdays × 1320 start times a day); at most 30000 can be planned: narrow the hours or weeks, or make granularity_minutes larger`,
				`w.yaml:8: booking window "Länsdelsmöten hösten 2025": granularity_minutes must divide an hour and be at least 5 (5, 10, 15, 20, 30 or 60), or be whole hours up to 720, not 1`}},
		{"54 weeks", with(map[string]string{"weeks": "    weeks: [" + yearOfWeeks(2025, 52) + ", 2026-W01, 2026-W02]"}),
			[]string{`w.yaml:4: booking window "Länsdelsmöten hösten 2025": weeks: a booking window may have at most 53 ISO weeks (a year), not 54: split it into several windows`}},
		{"twice", append(with(nil), []byte("  - name: Länsdelsmöten hösten 2025\n    bodies: [lansdel-norr]\n    weeks: [2025-W48]\n    duration_minutes: 60\n    weekdays: [mon]\n    hours: [\"09:00-12:00\"]\n")...),
			[]string{`w.yaml:8: booking window "Länsdelsmöten hösten 2025" is defined twice (first at line 2)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("w.yaml", tt.data)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %v, want Errors for\n%s", err, tt.data)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s\nfor\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), tt.data)
			}
		})
	}
}

// yearOfWeeks lists weeks 1 to n of year, "2025-W01, 2025-W02, …".
func yearOfWeeks(year, n int) string {
	var ws []string
	for w := 1; w <= n; w++ {
		ws = append(ws, calendar.ISOWeek{Year: year, Week: w}.String())
	}
	return strings.Join(ws, ", ")
}

func TestParseBookingWindows(t *testing.T) {
	bare := doc(
		"# one window on its own",
		"name: Länsdelsmöten hösten 2025",
		"weeks: [2025-W37]",
		"bodies: [lansdel-norr]",
		"duration_minutes: 120",
		"weekdays: [mon]",
		`hours: [{from: "09:00", to: "12:00"}]`,
	)
	ws, err := ParseBookingWindows("bare.yaml", bare)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].Name != "Länsdelsmöten hösten 2025" || ws[0].Pos.Line != 2 {
		t.Errorf("bare window: got %d windows %+v", len(ws), ws)
	}
	_, err = ParseBookingWindows("bare.yaml", append(bare, []byte("weeks: [2025-W54]\n")...))
	if err == nil || err.Error() != `bare.yaml:8: booking window "Länsdelsmöten hösten 2025": key "weeks" is written twice (first at line 3)` {
		t.Errorf("bare window with a key twice: got %v", err)
	}

	ws, err = ParseBookingWindows("region-orebro.yaml", regionYAML(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Name != "Samverkansmöten hösten 2025, v 37–38" || ws[1].Name != "Samverkansmöten hösten 2025, v 48–49" {
		t.Errorf("the example region's windows: got %d", len(ws))
	}
	_, err = ParseBookingWindows("broken.yaml", []byte("booking_windows: [\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "broken.yaml:") {
		t.Errorf("a YAML syntax error: got %v, want it with the file's name", err)
	}
}

func TestApplyBookingWindows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		f := mustParse(t, "region-orebro.yaml", regionYAML(t))
		mustApply(t, s, f)
		stored, err := s.FindBookingWindows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 2 {
			t.Fatalf("%d windows stored, want 2", len(stored))
		}
		for i, w := range stored {
			want := f.BookingWindows[i].BookingWindow
			want.ID, want.CreatedAt, want.UpdatedAt = w.ID, w.CreatedAt, w.UpdatedAt
			if !reflect.DeepEqual(*w, want) {
				t.Errorf("stored\n%+v\nwant the file's\n%+v", *w, want)
			}
		}

		// An edited window is updated in place, matched by name.
		edited := replaceOnce(t, string(regionYAML(t)), "    weeks: [2025-W48, 2025-W49]", "    weeks: [2025-W47, 2025-W48, 2025-W49]")
		rep := mustApply(t, s, mustParse(t, "region-orebro.yaml", []byte(edited)))
		if rep.Created["booking_windows"] != 0 || rep.Updated["booking_windows"] != 1 || rep.Unchanged["booking_windows"] != 1 {
			t.Errorf("edited import: %s", rep)
		}
		w, err := s.FindBookingWindowByID(ctx, stored[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Weeks) != 3 || w.Weeks[0].Week != 47 {
			t.Errorf("edited window has weeks %v, want 47–49", w.Weeks)
		}

		// A reference the store cannot satisfy is reported on its line, and
		// nothing is written.
		bad := replaceOnce(t, edited, "bodies: [lansdel-norr, lansdel-soder, lansdel-vaster, lansdel-orebro, samverkan-olbf, samverkan-rf-sisu]\n    duration_minutes: 180\n    weekdays: [mon, tue, wed, thu, fri]\n    hours:\n      - {from: \"09:00\", to: \"12:00\"}\n      - {from: \"13:00\", to: \"16:30\"}\n    rooms: [lokal-eken, lokal-enen]\n    deadline: 2025-10-17",
			"bodies: [lansdel-norr, lansdel-ost]\n    duration_minutes: 180\n    weekdays: [mon, tue, wed, thu, fri]\n    hours:\n      - {from: \"09:00\", to: \"12:00\"}\n      - {from: \"13:00\", to: \"16:30\"}\n    rooms: [lokal-alm]\n    deadline: 2025-10-17")
		before := dataVersion(t, s)
		_, err = Apply(ctx, s, mustParse(t, "region-orebro.yaml", []byte(bad)))
		var es Errors
		if !errors.As(err, &es) || len(es) != 2 {
			t.Fatalf("got %v, want two problems", err)
		}
		line := strings.Count(bad[:strings.Index(bad, "lansdel-ost]")], "\n") + 1
		for i, want := range []string{
			`booking window "Samverkansmöten hösten 2025, v 48–49": body "lansdel-ost" does not exist; define it under bodies: or check the spelling`,
			`booking window "Samverkansmöten hösten 2025, v 48–49": room "lokal-alm" does not exist; define it under rooms: or check the spelling`,
		} {
			if es[i].Msg != want || (i == 0 && es[i].Line != line) {
				t.Errorf("problem %d: got %s, want line %d: %s", i, es[i], line, want)
			}
		}
		if after := dataVersion(t, s); after != before {
			t.Errorf("a refused import changed the store")
		}

		// Two stored windows of one name: the file cannot say which.
		dup := *w
		dup.ID = 0
		if err := s.CreateBookingWindow(ctx, &dup); err != nil {
			t.Fatal(err)
		}
		_, err = Apply(ctx, s, mustParse(t, "region-orebro.yaml", []byte(edited)))
		if err == nil || !strings.Contains(err.Error(), `booking window "Samverkansmöten hösten 2025, v 48–49": 2 stored booking windows have this name`) {
			t.Errorf("two windows of one name: got %v", err)
		}
	})
}

func TestExportBookingWindows(t *testing.T) {
	golden := filepath.Join("testdata", "lansdel-norr-2025.yaml")
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		w, err := s.FindBookingWindows(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// Attendees are exported as references to people.
		w[0].Attendees = map[string][]string{"lansdel-norr": {"ida-broman", "maria-lindborg"}}
		w[0].Counts = map[string]int{"samverkan-olbf": 2}
		w[0].Blackouts = []calendar.DateRange{{From: calendar.Date{Year: 2025, Month: 9, Day: 12}, To: calendar.Date{Year: 2025, Month: 9, Day: 12}}}
		if _, err := s.UpdateBookingWindow(t.Context(), w[0].ID, w[0]); err != nil {
			t.Fatal(err)
		}
		out, err := Export(t.Context(), s, "lansdel-norr", 2025)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, golden, out)

		before := dataVersion(t, s)
		rep := mustApply(t, s, mustParse(t, golden, out))
		if rep.Unchanged["booking_windows"] != 2 || rep.Created["booking_windows"]+rep.Updated["booking_windows"] != 0 {
			t.Errorf("re-applying the export: %s", rep)
		}
		if after := dataVersion(t, s); after != before {
			t.Errorf("re-applying the export moved DataVersion from %+v to %+v", before, after)
		}

		// A body in no window of the year exports none.
		out, err = Export(t.Context(), s, "lansdel-norr", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "booking_windows") {
			t.Errorf("the 2024 export has booking windows:\n%s", out)
		}
	})
}

// FuzzParseBookingWindows checks that ParseBookingWindows never panics,
// returns Errors when it fails, and that a window it accepts survives a
// round trip through encode (as Export writes it) unchanged.
func FuzzParseBookingWindows(f *testing.F) {
	region, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(region)
	f.Add(windowDoc(validWindow...))
	f.Add(doc("name: Prov", "weeks: 2026-W53", "bodies: lansdel-norr", "counts: {lansdel-norr: 3}", "duration_minutes: 45",
		"weekdays: [mån, fre]", `hours: ["8.30–11.00", {from: "13:00", to: "16:00"}]`, "blackouts: [{from: 2026-12-24}]",
		"attendees: {lansdel-norr: maria-lindborg}", "granularity_minutes: 5"))
	f.Add(doc("name: x", "weeks: [2025-W54]", "hours: [{from: 9}]", "attendees: {a: [*b]}"))
	// The defects of issue 8: year 0, 2^31, a clock without its hour,
	// NUL and a bidi override in the name.
	f.Add(windowDoc("    weeks: [0000-W01]", "    duration_minutes: 2147483648", "    weekdays: [mon]", `    hours: [{from: ".00", to: "24:00"}]`))
	f.Add(doc(`name: "Höst\0\u202E"`, "weeks: 2025-W37", "bodies: lansdel-norr", "counts: {lansdel-norr: 2147483648}", "duration_minutes: 45",
		"weekdays: [mon]", `hours: ["9.00–11.00"]`, "granularity_minutes: 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := ParseBookingWindows("f.yaml", data)
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error is %T, want Errors: %v", err, err)
			}
			return
		}
		out, err := encode(&File{Name: "f.yaml", BookingWindows: ws}, "fuzz")
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := ParseBookingWindows("f.yaml", out)
		if err != nil {
			t.Fatalf("the encoded windows do not parse: %v\n%s", err, out)
		}
		if len(again) != len(ws) {
			t.Fatalf("%d windows became %d", len(ws), len(again))
		}
		for i := range ws {
			if !reflect.DeepEqual(ws[i].BookingWindow, again[i].BookingWindow) {
				t.Fatalf("window %d changed in the round trip:\n%+v\n%+v\n%s", i, ws[i].BookingWindow, again[i].BookingWindow, out)
			}
		}
	})
}
