package ical_test

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical"
	"github.com/samkal/samkal/calendar/ical/icaltest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from Encode's output")

// goldenCase is a feed whose encoding is kept in testdata/NAME.ics, with
// what ical.js must read back from that file.
type goldenCase struct {
	name string
	feed func() *ical.Feed
	want func() icaltest.Calendar
}

var goldenCases = []goldenCase{
	{"region", regionFeed, wantRegion},
	{"dst", dstFeed, wantDST},
	{"invitation", invitationFeed, wantInvitation},
	{"empty", emptyFeed, func() icaltest.Calendar {
		return icaltest.Calendar{Name: "Länsdel Söder (Sydnärke); möten, 2025", TimezoneIDs: []string{"Europe/Stockholm"}}
	}},
}

func TestEncodeGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got := ical.Encode(tc.feed())
			checkSyntax(t, got)
			path := filepath.Join("testdata", tc.name+".ics")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./calendar/ical -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Encode differs from %s (run with -update if the change is intended):\n%s", path, lineDiff(string(want), string(got)))
			}
		})
	}
}

// TestGoldenFilesParseWithICALJS reads every golden file back with ical.js
// and compares what it saw with what the feed meant. A golden file with no
// expectation fails, so none goes unchecked.
func TestGoldenFilesParseWithICALJS(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(goldenCases) {
		t.Fatalf("found %d golden files, want at least %d (run with -update)", len(files), len(goldenCases))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".ics")
		t.Run(name, func(t *testing.T) {
			i := slices.IndexFunc(goldenCases, func(c goldenCase) bool { return c.name == name })
			if i < 0 {
				t.Fatalf("%s has no golden case; remove it or add one", file)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			checkSyntax(t, b)
			compareCalendars(t, icaltest.ParseWithICALJS(t, b), goldenCases[i].want())
		})
	}
}

func compareCalendars(t *testing.T, got, want icaltest.Calendar) {
	t.Helper()
	if got.Name != want.Name {
		t.Errorf("calendar name: got %q, want %q", got.Name, want.Name)
	}
	if !slices.Equal(got.TimezoneIDs, want.TimezoneIDs) {
		t.Errorf("timezones: got %q, want %q", got.TimezoneIDs, want.TimezoneIDs)
	}
	if len(got.Events) != len(want.Events) {
		t.Fatalf("got %d events, want %d", len(got.Events), len(want.Events))
	}
	for i, w := range want.Events {
		g := got.Events[i]
		if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) {
			t.Errorf("event %s: got %s – %s, want %s – %s", w.UID, g.Start, g.End, w.Start, w.End)
		}
		g.Start, g.End, w.Start, w.End = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if g != w {
			t.Errorf("event %d:\n got %#v\nwant %#v", i, g, w)
		}
	}
}

// wantRegion is regionFeed as a reader sees it, in start order.
func wantRegion() icaltest.Calendar {
	const tz = "Europe/Stockholm"
	eken := "Lokal Eken, Eklundavägen 1, Örebro"
	return icaltest.Calendar{
		Name:        "Region Örebro län – alla samverkansmöten",
		TimezoneIDs: []string{tz},
		Events: []icaltest.Event{{
			UID: "folkhalsa-2025-01-21@samkal", Summary: "Chefsgrupp folkhälsa", Status: "CONFIRMED",
			Location:    "Länsstyrelsen, Stortorget 22, Örebro",
			Description: "Organ: Chefsgrupp folkhälsa\nStatus: Fastställt\nMer information: https://samkal.example.se/moten/folkhalsa-2025-01-21",
			URL:         "https://samkal.example.se/moten/folkhalsa-2025-01-21",
			Start:       day(2025, 1, 21).At(13, 0), End: day(2025, 1, 21).At(16, 30), TZID: tz,
		}, {
			UID:      "joint-council-2025-02-07@samkal",
			Summary:  "Specifikt samverkansråd för social välfärd samt vård och omsorg och Specifikt samverkansråd för folkhälsa",
			Status:   "CONFIRMED",
			Location: eken,
			Description: "Organ: Specifikt samverkansråd för social välfärd samt vård och omsorg och Specifikt samverkansråd för folkhälsa\n" +
				"Status: Fastställt\nDagordning:\n1. Mötets öppnande\n2. Val av justerare\n3. Godkännande av dagordningen\n" +
				"4. Uppföljning av överenskommelsen om välfärd och folkhälsa – dialog om nästa års prioriteringar för länets tolv kommuner och Region Örebro län\n" +
				"Protokollet justeras av ordförande och justerare.\nMer information: https://samkal.example.se/moten/joint-council-2025-02-07",
			URL:   "https://samkal.example.se/moten/joint-council-2025-02-07",
			Start: day(2025, 2, 7).At(9, 0), End: day(2025, 2, 7).At(12, 0), Sequence: 2, TZID: tz,
		}, {
			UID: "uppfoljningsdag-2025@samkal", Summary: "Uppföljningsdag", Status: "CONFIRMED",
			Location: "Conventum, Örebro", Description: "Status: Fastställt",
			Start: day(2025, 3, 14).Start(), End: day(2025, 3, 15).Start(), AllDay: true,
		}, {
			UID: "folkhalsa-2025-03-20@samkal", Summary: "INSTÄLLT: Chefsgrupp folkhälsa", Status: "CANCELLED",
			Location: eken, Description: "Organ: Chefsgrupp folkhälsa\nStatus: Inställt",
			Start: day(2025, 3, 20).At(13, 0), End: day(2025, 3, 20).At(16, 30), Sequence: 1, TZID: tz,
		}, {
			UID: "folkhalsa-2025-05-22@samkal", Summary: "Chefsgrupp folkhälsa", Status: "TENTATIVE",
			Location: "Lokal Enen", Description: "Organ: Chefsgrupp folkhälsa\nStatus: Förslag",
			Start: day(2025, 5, 22).At(13, 0), End: day(2025, 5, 22).At(16, 30), TZID: tz,
		}, {
			UID: "dialog-2025-06-05@samkal", Summary: `Dialog: "skola; vård, omsorg" \ uppföljning`, Status: "CONFIRMED",
			Location: "Hällefors, Sävsjövägen 3 – sal Å",
			Description: "Organ: Chefsgrupp social välfärd samt vård och omsorg\nStatus: Fastställt\n" +
				"Rad ett\nRad två\nRad tre\nTecken: komma, semikolon; bakstreck \\ och kolon: klart\nKontrolltecken tas bort\n" +
				"Långt: åäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖ",
			Start: day(2025, 6, 5).At(9, 30), End: day(2025, 6, 5).At(11, 0), TZID: tz,
		}, {
			UID: "vaster-2025-09-10@samkal", Summary: "Länsdel Väster", Status: "TENTATIVE",
			Location:    "Digitalt möte: https://meet.example.se/j/4711?pwd=a;b,c",
			Description: "Organ: Länsdel Väster\nStatus: Förslag\nDigital länk: https://meet.example.se/j/4711?pwd=a;b,c",
			Start:       day(2025, 9, 10).At(10, 0), End: day(2025, 9, 10).At(11, 30), TZID: tz,
		}, {
			UID:      "chefsgrupper-2025-11-14@samkal",
			Summary:  "Chefsgrupp folkhälsa, Chefsgrupp social välfärd samt vård och omsorg och Skolchefsgruppen",
			Status:   "TENTATIVE",
			Location: eken,
			Description: "Organ: Chefsgrupp folkhälsa, Chefsgrupp social välfärd samt vård och omsorg och Skolchefsgruppen\n" +
				"Status: Förslag\nDigital länk: https://meet.example.se/j/815\nMer information: https://samkal.example.se/moten/chefsgrupper-2025-11-14",
			URL:   "https://samkal.example.se/moten/chefsgrupper-2025-11-14",
			Start: day(2025, 11, 14).At(13, 0), End: day(2025, 11, 14).At(16, 30), TZID: tz,
		}},
	}
}

func wantDST() icaltest.Calendar {
	c := icaltest.Calendar{Name: "Chefsgrupp folkhälsa", TimezoneIDs: []string{"Europe/Stockholm"}}
	for _, d := range []calendar.Date{day(2025, 3, 27), day(2025, 4, 1), day(2025, 10, 23), day(2025, 10, 28)} {
		c.Events = append(c.Events, icaltest.Event{
			UID: "folkhalsa-" + d.String() + "@samkal", Summary: "Chefsgrupp folkhälsa", Status: "CONFIRMED",
			Location: "Lokal Eken, Eklundavägen 1, Örebro", Description: "Organ: Chefsgrupp folkhälsa\nStatus: Fastställt",
			Start: d.At(13, 0), End: d.At(16, 30), TZID: "Europe/Stockholm",
		})
	}
	return c
}

func wantInvitation() icaltest.Calendar {
	d := day(2025, 8, 20)
	return icaltest.Calendar{TimezoneIDs: []string{"Europe/Stockholm"}, Events: []icaltest.Event{{
		UID: "folkhalsa-2025-08-20@samkal", Summary: "Chefsgrupp folkhälsa", Status: "CONFIRMED",
		Location: "Lokal Eken, Eklundavägen 1, Örebro", Description: "Organ: Chefsgrupp folkhälsa\nStatus: Fastställt",
		Start: d.At(13, 0), End: d.At(16, 30), Sequence: 4, TZID: "Europe/Stockholm",
	}}}
}

// TestDSTWallClock: meetings at 13.00–16.30 on both sides of the 2025
// switches stay 13.00–16.30 in Stockholm when ical.js reads them, which is
// 12:00Z in winter and 11:00Z in summer.
func TestDSTWallClock(t *testing.T) {
	b := ical.Encode(dstFeed())
	for _, line := range []string{
		"DTSTART;TZID=Europe/Stockholm:20250327T130000",
		"DTEND;TZID=Europe/Stockholm:20250401T163000",
		"DTSTART;TZID=Europe/Stockholm:20251023T130000",
		"DTSTART;TZID=Europe/Stockholm:20251028T130000",
	} {
		if !bytes.Contains(b, []byte(line+"\r\n")) {
			t.Errorf("output lacks %q", line)
		}
	}
	cal := icaltest.ParseWithICALJS(t, b)
	wantUTC := map[string][2]string{
		"folkhalsa-2025-03-27@samkal": {"2025-03-27T12:00:00Z", "2025-03-27T15:30:00Z"},
		"folkhalsa-2025-04-01@samkal": {"2025-04-01T11:00:00Z", "2025-04-01T14:30:00Z"},
		"folkhalsa-2025-10-23@samkal": {"2025-10-23T11:00:00Z", "2025-10-23T14:30:00Z"},
		"folkhalsa-2025-10-28@samkal": {"2025-10-28T12:00:00Z", "2025-10-28T15:30:00Z"},
	}
	if len(cal.Events) != len(wantUTC) {
		t.Fatalf("ical.js saw %d events, want %d", len(cal.Events), len(wantUTC))
	}
	for _, e := range cal.Events {
		w, ok := wantUTC[e.UID]
		if !ok {
			t.Errorf("unexpected event %s", e.UID)
			continue
		}
		if got := e.Start.UTC().Format(time.RFC3339) + " " + e.End.UTC().Format(time.RFC3339); got != w[0]+" "+w[1] {
			t.Errorf("%s: got %s, want %s %s", e.UID, got, w[0], w[1])
		}
		if s, en := e.Start.In(calendar.Location), e.End.In(calendar.Location); s.Format("15:04") != "13:00" || en.Format("15:04") != "16:30" {
			t.Errorf("%s: Stockholm time %s–%s, want 13:00–16:30", e.UID, s.Format("15:04"), en.Format("15:04"))
		}
	}
}

// TestVTimezoneMatchesTZData checks the VTIMEZONE's rules against Go's zone
// data for every switch from 2020 to 2040: ical.js, using only the
// calendar's VTIMEZONE, must put each local time at the same instant as Go.
// The repeated autumn hour (02:00–03:00) is left out: its local times are
// ambiguous in any calendar format.
func TestVTimezoneMatchesTZData(t *testing.T) {
	f := &ical.Feed{Name: "tz"}
	var want []time.Time
	add := func(start time.Time) {
		m := meeting(start.UTC().Format(time.RFC3339), calendar.DateOf(start), 0, 0, 0, 0)
		m.Start, m.End = start, start.Add(10*time.Minute)
		f.Events = append(f.Events, ical.Event{Meeting: m})
		want = append(want, start)
	}
	for y := 2020; y <= 2040; y++ {
		for _, month := range []time.Month{time.March, time.October} {
			lastSunday := day(y, month, 31)
			for lastSunday.Weekday() != time.Sunday {
				lastSunday = lastSunday.AddDays(-1)
			}
			for _, d := range []calendar.Date{lastSunday.AddDays(-1), lastSunday, lastSunday.AddDays(1)} {
				for _, hm := range [][2]int{{0, 30}, {1, 45}, {3, 30}, {13, 0}, {23, 30}} {
					add(d.At(hm[0], hm[1]))
				}
			}
		}
		for m := time.January; m <= time.December; m++ {
			add(day(y, m, 15).At(13, 0))
		}
	}
	slices.SortFunc(want, time.Time.Compare) // Encode writes events in start order
	cal := icaltest.ParseWithICALJS(t, ical.Encode(f))
	if len(cal.Events) != len(want) {
		t.Fatalf("ical.js saw %d events, want %d", len(cal.Events), len(want))
	}
	for i, e := range cal.Events {
		if !e.Start.Equal(want[i]) || !e.End.Equal(want[i].Add(10*time.Minute)) {
			t.Errorf("local %s: ical.js reads %s – %s, Go's zone data says %s – %s", calendar.In(want[i]).Format("2006-01-02 15:04 MST"),
				e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339),
				want[i].UTC().Format(time.RFC3339), want[i].Add(10*time.Minute).UTC().Format(time.RFC3339))
		}
	}
}

// TestEncodeProperties checks the properties that ical.js does not report,
// line by line, independently of the golden file.
func TestEncodeProperties(t *testing.T) {
	cal, events := parseOutput(t, ical.Encode(regionFeed()))

	wantCal := map[string]string{
		"VERSION":                         "2.0",
		"PRODID":                          ical.ProdID,
		"CALSCALE":                        "GREGORIAN",
		"NAME":                            "Region Örebro län – alla samverkansmöten",
		"X-WR-CALNAME":                    "Region Örebro län – alla samverkansmöten",
		"X-WR-CALDESC":                    `Möten i samverkansråd\, chefsgrupper och länsdelar.\nUppdateras varje timme\; prenumerera\, kopiera inte.`,
		"DESCRIPTION":                     `Möten i samverkansråd\, chefsgrupper och länsdelar.\nUppdateras varje timme\; prenumerera\, kopiera inte.`,
		"X-WR-TIMEZONE":                   "Europe/Stockholm",
		"REFRESH-INTERVAL;VALUE=DURATION": "PT1H",
		"X-PUBLISHED-TTL":                 "PT1H",
	}
	if len(cal) != len(wantCal) {
		t.Errorf("calendar properties: got %q, want exactly %q (no METHOD in a subscription feed)", cal, wantCal)
	}
	for k, v := range wantCal {
		if cal[k] != v {
			t.Errorf("calendar %s: got %q, want %q", k, cal[k], v)
		}
	}

	type props struct{ status, transp, busy, seq, stamp, created string }
	want := map[string]props{
		"folkhalsa-2025-01-21@samkal":     {"CONFIRMED", "OPAQUE", "BUSY", "0", "20241202T140500Z", "20241120T083000Z"},
		"joint-council-2025-02-07@samkal": {"CONFIRMED", "OPAQUE", "BUSY", "2", "20250115T100000Z", "20241120T083000Z"},
		"uppfoljningsdag-2025@samkal":     {"CONFIRMED", "TRANSPARENT", "FREE", "0", "20241001T120000Z", "20241001T120000Z"},
		"folkhalsa-2025-03-20@samkal":     {"CANCELLED", "TRANSPARENT", "FREE", "1", "20250228T074500Z", "20241120T083000Z"},
		"folkhalsa-2025-05-22@samkal":     {"TENTATIVE", "OPAQUE", "TENTATIVE", "0", "20241202T140500Z", "20241120T083000Z"},
		"dialog-2025-06-05@samkal":        {"CONFIRMED", "OPAQUE", "BUSY", "0", "20241202T140500Z", "20241120T083000Z"},
		"vaster-2025-09-10@samkal":        {"TENTATIVE", "OPAQUE", "TENTATIVE", "0", "20241202T140500Z", "20241120T083000Z"},
		"chefsgrupper-2025-11-14@samkal":  {"TENTATIVE", "OPAQUE", "TENTATIVE", "0", "20241202T140500Z", "20241120T083000Z"},
	}
	if len(events) != len(want) {
		t.Fatalf("got %d events, want %d", len(events), len(want))
	}
	for _, ev := range events {
		uid := ev["UID"]
		w, ok := want[uid]
		if !ok {
			t.Errorf("unexpected event %q", uid)
			continue
		}
		got := props{ev["STATUS"], ev["TRANSP"], ev["X-MICROSOFT-CDO-BUSYSTATUS"], ev["SEQUENCE"], ev["DTSTAMP"], ev["CREATED"]}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", uid, got, w)
		}
		if ev["LAST-MODIFIED"] != w.stamp {
			t.Errorf("%s: LAST-MODIFIED %q, want %q (= DTSTAMP = UpdatedAt)", uid, ev["LAST-MODIFIED"], w.stamp)
		}
		for _, banned := range []string{"ORGANIZER", "ATTENDEE", "CONTACT", "COMMENT"} {
			if _, ok := ev[banned]; ok {
				t.Errorf("%s has %s; feeds carry nothing personal", uid, banned)
			}
		}
	}
	day := events[slices.IndexFunc(events, func(e map[string]string) bool { return e["UID"] == "uppfoljningsdag-2025@samkal" })]
	if day["DTSTART;VALUE=DATE"] != "20250314" || day["DTEND;VALUE=DATE"] != "20250315" {
		t.Errorf("all-day event: DTSTART %q DTEND %q, want VALUE=DATE 20250314 and 20250315", day["DTSTART;VALUE=DATE"], day["DTEND;VALUE=DATE"])
	}
}

func TestEncodeFeedOptions(t *testing.T) {
	tests := []struct {
		name string
		feed ical.Feed
		want map[string]string // calendar properties; "" means absent
	}{
		{"defaults", ical.Feed{}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "PT1H", "X-PUBLISHED-TTL": "PT1H",
			"METHOD": "", "NAME": "", "X-WR-CALNAME": "", "X-WR-CALDESC": "", "DESCRIPTION": "",
		}},
		{"refresh 90 minutes", ical.Feed{RefreshInterval: 90 * time.Minute}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "PT1H30M", "X-PUBLISHED-TTL": "PT1H30M",
		}},
		{"refresh a day and a half", ical.Feed{RefreshInterval: 36 * time.Hour}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "P1DT12H", "X-PUBLISHED-TTL": "P1DT12H",
		}},
		{"refresh exactly a week", ical.Feed{RefreshInterval: 7 * 24 * time.Hour}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "P7D",
		}},
		{"refresh negative is the default", ical.Feed{RefreshInterval: -time.Minute}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "PT1H",
		}},
		{"refresh under a second", ical.Feed{RefreshInterval: time.Millisecond}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "PT1S",
		}},
		{"refresh with seconds", ical.Feed{RefreshInterval: time.Hour + 2*time.Second}, map[string]string{
			"REFRESH-INTERVAL;VALUE=DURATION": "PT1H2S",
		}},
		{"request", ical.Feed{Method: "REQUEST"}, map[string]string{"METHOD": "REQUEST"}},
		{"cancel in lower case", ical.Feed{Method: "cancel"}, map[string]string{"METHOD": "CANCEL"}},
		{"name on two lines", ical.Feed{Name: "Länsdel\r\nNorr"}, map[string]string{"NAME": "Länsdel Norr", "X-WR-CALNAME": "Länsdel Norr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ical.Encode(&tt.feed)
			checkSyntax(t, b)
			cal, _ := parseOutput(t, b)
			for k, v := range tt.want {
				if got, ok := cal[k]; got != v || (v == "" && ok) {
					t.Errorf("%s: got %q (present %v), want %q", k, got, ok, v)
				}
			}
			if bytes.Count(b, []byte("VALUE=DURATION")) != 1 {
				t.Errorf("VALUE=DURATION appears %d times, want once", bytes.Count(b, []byte("VALUE=DURATION")))
			}
		})
	}
}

func TestEncodeEventEdgeCases(t *testing.T) {
	base := func() *calendar.Meeting { return meeting("edge@samkal", day(2025, 4, 8), 13, 0, 16, 30) }
	tests := []struct {
		name  string
		event func() ical.Event
		want  map[string]string // event properties; "" means absent
	}{
		{"no title, no bodies", func() ical.Event { return ical.Event{Meeting: base()} },
			map[string]string{"SUMMARY": "Möte", "DESCRIPTION": "Status: Fastställt", "LOCATION": ""}},
		{"title wins over bodies", func() ical.Event {
			m := base()
			m.Title = "Årskonferens"
			return ical.Event{Meeting: m, Bodies: []string{bodyFolkhalsa}}
		}, map[string]string{"SUMMARY": "Årskonferens", "DESCRIPTION": "Organ: Chefsgrupp folkhälsa\nStatus: Fastställt"}},
		{"cancelled with a title", func() ical.Event {
			m := base()
			m.Title, m.Status = "Årskonferens", calendar.StatusCancelled
			return ical.Event{Meeting: m}
		}, map[string]string{"SUMMARY": "INSTÄLLT: Årskonferens", "STATUS": "CANCELLED", "TRANSP": "TRANSPARENT"}},
		{"unknown status is tentative", func() ical.Event {
			m := base()
			m.Status = "postponed"
			return ical.Event{Meeting: m}
		}, map[string]string{"STATUS": "TENTATIVE", "X-MICROSOFT-CDO-BUSYSTATUS": "TENTATIVE", "DESCRIPTION": "Status: Förslag"}},
		{"room without address", func() ical.Event { return ical.Event{Meeting: base(), Room: roomEnen} },
			map[string]string{"LOCATION": "Lokal Enen"}},
		{"room wins over location text", func() ical.Event {
			m := base()
			m.Location = "någon annanstans"
			return ical.Event{Meeting: m, Room: roomEken}
		}, map[string]string{"LOCATION": "Lokal Eken, Eklundavägen 1, Örebro"}},
		{"location text wins over link", func() ical.Event {
			m := base()
			m.Location, m.OnlineURL = "Kumla stadshus", "https://meet.example.se/x"
			return ical.Event{Meeting: m}
		}, map[string]string{"LOCATION": "Kumla stadshus", "DESCRIPTION": "Status: Fastställt\nDigital länk: https://meet.example.se/x"}},
		{"empty body names are dropped", func() ical.Event {
			return ical.Event{Meeting: base(), Bodies: []string{"", " ", bodyFolkhalsa}}
		}, map[string]string{"SUMMARY": "Chefsgrupp folkhälsa"}},
		{"no timestamps: DTSTAMP from start", func() ical.Event {
			m := base()
			m.CreatedAt, m.UpdatedAt = time.Time{}, time.Time{}
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTAMP": "20250408T110000Z", "LAST-MODIFIED": "20250408T110000Z", "CREATED": ""}},
		{"no UpdatedAt: DTSTAMP from CreatedAt", func() ical.Event {
			m := base()
			m.UpdatedAt = time.Time{}
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTAMP": "20241120T083000Z", "CREATED": "20241120T083000Z"}},
		{"negative sequence is written as 0", func() ical.Event {
			m := base()
			m.Sequence = -3
			return ical.Event{Meeting: m}
		}, map[string]string{"SEQUENCE": "0"}},
		{"start in UTC is written in Stockholm time", func() ical.Event {
			m := base()
			m.Start, m.End = m.Start.UTC(), m.End.UTC()
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTART;TZID=Europe/Stockholm": "20250408T130000", "DTEND;TZID=Europe/Stockholm": "20250408T163000"}},
		{"all-day over several days", func() ical.Event {
			m := base()
			m.AllDay, m.Start, m.End = true, day(2025, 11, 19).Start(), day(2025, 11, 21).Start()
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTART;VALUE=DATE": "20251119", "DTEND;VALUE=DATE": "20251121", "TRANSP": "TRANSPARENT", "X-MICROSOFT-CDO-BUSYSTATUS": "FREE"}},
		{"all-day ending mid-day still covers that day", func() ical.Event {
			m := base()
			m.AllDay, m.Start, m.End = true, day(2025, 3, 14).Start(), day(2025, 3, 14).At(16, 0)
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTART;VALUE=DATE": "20250314", "DTEND;VALUE=DATE": "20250315"}},
		{"all-day with end before start is one day", func() ical.Event {
			m := base()
			m.AllDay, m.Start, m.End = true, day(2025, 3, 14).Start(), day(2025, 3, 10).Start()
			return ical.Event{Meeting: m}
		}, map[string]string{"DTSTART;VALUE=DATE": "20250314", "DTEND;VALUE=DATE": "20250315"}},
		{"no UID: one from the id", func() ical.Event {
			m := base()
			m.UID, m.ID = "", 42
			return ical.Event{Meeting: m}
		}, map[string]string{"UID": "samkal-meeting-42"}},
		{"invalid UTF-8 and controls are cleaned", func() ical.Event {
			m := base()
			m.Title = "Bad \xff\xfe byte\x1b[31m"
			m.UID = "uid\r\nX-INJECTED:1"
			return ical.Event{Meeting: m, URL: "https://samkal.example.se/m\n/1"}
		}, map[string]string{"SUMMARY": "Bad \uFFFD byte[31m", "UID": "uid X-INJECTED:1", "URL": "https://samkal.example.se/m /1", "X-INJECTED": ""}},
	}
	var all []ical.Event
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all = append(all, tt.event())
			b := ical.Encode(&ical.Feed{Events: []ical.Event{tt.event()}})
			checkSyntax(t, b)
			_, events := parseOutput(t, b)
			if len(events) != 1 {
				t.Fatalf("got %d events, want 1", len(events))
			}
			for k, v := range tt.want {
				if got, ok := events[0][k]; got != v || (v == "" && ok) {
					t.Errorf("%s: got %q (present %v), want %q", k, got, ok, v)
				}
			}
		})
	}
	// And a real parser accepts them all (one run of node for all cases).
	if got := icaltest.ParseWithICALJS(t, ical.Encode(&ical.Feed{Events: all})); len(got.Events) != len(tests) {
		t.Errorf("ical.js saw %d events, want %d", len(got.Events), len(tests))
	}
}

// TestEncodeNothingPersonal: a meeting's notes may hold names, phone numbers
// and emails; no part of them reaches the feed.
func TestEncodeNothingPersonal(t *testing.T) {
	b := ical.Encode(regionFeed())
	text := unfold(b)
	for _, leak := range []string{"070-123", "Lindborg", "@regionorebrolan.se", "Internt"} {
		if strings.Contains(text, leak) {
			t.Errorf("feed contains %q from the meeting notes", leak)
		}
	}
	for _, banned := range []string{"\r\nORGANIZER", "\r\nATTENDEE", "MAILTO:", "mailto:"} {
		if strings.Contains(text, banned) {
			t.Errorf("feed contains %q", strings.TrimSpace(banned))
		}
	}
}

// TestEncodeDeterministic: the same feed gives the same bytes whatever the
// order of its events, and Encode leaves the caller's slice alone.
func TestEncodeDeterministic(t *testing.T) {
	want := ical.Encode(regionFeed())
	if again := ical.Encode(regionFeed()); !bytes.Equal(again, want) {
		t.Fatalf("two encodings of the same feed differ:\n%s", lineDiff(string(want), string(again)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		f := regionFeed()
		rng.Shuffle(len(f.Events), func(a, b int) { f.Events[a], f.Events[b] = f.Events[b], f.Events[a] })
		order := make([]string, len(f.Events))
		for j, e := range f.Events {
			order[j] = e.Meeting.UID
		}
		if got := ical.Encode(f); !bytes.Equal(got, want) {
			t.Fatalf("shuffle %d gives other bytes:\n%s", i, lineDiff(string(want), string(got)))
		}
		for j, e := range f.Events {
			if e.Meeting.UID != order[j] {
				t.Fatalf("Encode reordered the caller's events")
			}
		}
	}
}

func TestEncodeSortsByStartThenUID(t *testing.T) {
	d := day(2025, 5, 6)
	mk := func(uid string, h int) ical.Event { return ical.Event{Meeting: meeting(uid, d, h, 0, h+1, 0)} }
	f := &ical.Feed{Events: []ical.Event{mk("c@x", 10), mk("b@x", 9), {Meeting: nil}, mk("a@x", 10), mk("z@x", 8)}}
	_, events := parseOutput(t, ical.Encode(f))
	var got []string
	for _, e := range events {
		got = append(got, e["UID"])
	}
	if want := []string{"z@x", "b@x", "a@x", "c@x"}; !slices.Equal(got, want) {
		t.Errorf("order: got %q, want %q (a nil Meeting is left out)", got, want)
	}
}

// TestFoldingSwedishText: long values of two-byte letters fold at 75
// octets without splitting a letter, and unfold to the original text.
func TestFoldingSwedishText(t *testing.T) {
	for n := 1; n <= 200; n += 7 {
		for _, unit := range []string{"å", "ÄÖ", "a", "aå", "é€", "😀"} {
			title := strings.Repeat(unit, n)
			m := meeting("fold@samkal", day(2025, 5, 6), 9, 0, 10, 0)
			m.Title = title
			b := ical.Encode(&ical.Feed{Events: []ical.Event{{Meeting: m}}})
			checkSyntax(t, b)
			_, events := parseOutput(t, b)
			if got := events[0]["SUMMARY"]; got != title {
				t.Fatalf("%d × %q: unfolded SUMMARY is %q", n, unit, got)
			}
		}
	}
}

// checkSyntax checks the RFC 5545 framing of b: CRLF after every line and
// nowhere else, no line over 75 octets, every physical line valid UTF-8
// (so a fold never splits a character), and BEGIN/END balanced.
func checkSyntax(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("output does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	var stack []string
	for i, line := range lines {
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character?): %q", i+1, line)
		}
		if line == "" {
			t.Errorf("line %d is empty", i+1)
		}
		for _, r := range line {
			if r != '\t' && (r < 0x20 || r == 0x7f) {
				t.Errorf("line %d has control character %U", i+1, r)
			}
		}
		if name, ok := strings.CutPrefix(line, "BEGIN:"); ok {
			stack = append(stack, name)
		}
		if name, ok := strings.CutPrefix(line, "END:"); ok {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				t.Fatalf("line %d: END:%s does not close %v", i+1, name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 || lines[0] != "BEGIN:VCALENDAR" {
		t.Errorf("components not balanced or not one VCALENDAR: open %v, first line %q", stack, lines[0])
	}
}

// unfold joins folded lines (RFC 5545 3.1) and returns the text with CRLF.
func unfold(b []byte) string {
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(string(b))
}

// parseOutput returns the calendar's own properties and each VEVENT's
// properties, keyed by name with parameters ("DTSTART;TZID=Europe/Stockholm").
// TEXT values of events are unescaped; calendar values are kept as written.
// It fails t when a property appears twice in one component.
func parseOutput(t *testing.T, b []byte) (cal map[string]string, events []map[string]string) {
	t.Helper()
	cal = map[string]string{}
	var cur map[string]string
	var stack []string
	for _, line := range strings.Split(strings.TrimSuffix(unfold(b), "\r\n"), "\r\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", line)
		}
		switch key {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				cur = map[string]string{}
			}
			continue
		case "END":
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				events = append(events, cur)
			}
			continue
		}
		target := map[string]string(nil)
		switch {
		case len(stack) == 1:
			target = cal
		case stack[len(stack)-1] == "VEVENT":
			target = cur
			value = unescape(value)
		default:
			continue // VTIMEZONE and its parts
		}
		if _, dup := target[key]; dup {
			t.Errorf("property %s appears twice in %s", key, stack[len(stack)-1])
		}
		target[key] = value
	}
	return cal, events
}

var unescaper = strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\N`, "\n", `\;`, ";", `\,`, ",")

func unescape(s string) string { return unescaper.Replace(s) }

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\r\n"), strings.Split(got, "\r\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

// TestInvitationParties: an invitation names its ORGANIZER and ATTENDEE
// with RFC 5545 parameters (no backslash escapes in CN, RSVP=FALSE), and
// ical.js reads them.
func TestInvitationParties(t *testing.T) {
	m := meeting("invite@samkal", day(2025, 1, 21), 13, 0, 16, 30)
	b := ical.Encode(&ical.Feed{Method: "REQUEST", Events: []ical.Event{{Meeting: m, Bodies: []string{bodyFolkhalsa},
		Organizer: &ical.Party{Name: "Samkal, Region Örebro län", Email: "samkal@region.example.org"},
		Attendee:  &ical.Party{Name: `Maria "Mia" Lindborg`, Email: "maria.lindborg@example.org"}}}})
	checkSyntax(t, b)
	_, events := parseOutput(t, b)
	want := map[string]string{
		"ORGANIZER;CN=Samkal Region Örebro län":                          "mailto:samkal@region.example.org",
		"ATTENDEE;CN=Maria Mia Lindborg;ROLE=REQ-PARTICIPANT;RSVP=FALSE": "mailto:maria.lindborg@example.org",
	}
	for k, v := range want {
		if got := events[0][k]; got != v {
			t.Errorf("%s = %q, want %q (event: %v)", k, got, v, events[0])
		}
	}
	for k := range events[0] {
		if strings.ContainsRune(k, '\\') {
			t.Errorf("a backslash in the parameters of %s", k)
		}
	}
	feed := ical.Encode(&ical.Feed{Events: []ical.Event{{Meeting: m}}})
	if bytes.Contains(feed, []byte("ORGANIZER")) || bytes.Contains(feed, []byte("ATTENDEE")) {
		t.Error("an event without parties has ORGANIZER or ATTENDEE")
	}
}
