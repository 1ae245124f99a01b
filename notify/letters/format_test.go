package letters

import (
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestDay(t *testing.T) {
	tests := []struct {
		in   calendar.Date
		want string
	}{
		{calendar.Date{Year: 2025, Month: time.March, Day: 7}, "fredag 7 mars 2025"},
		{calendar.Date{Year: 2025, Month: time.January, Day: 21}, "tisdag 21 januari 2025"},
		{calendar.Date{Year: 2025, Month: time.March, Day: 30}, "söndag 30 mars 2025"},      // summer time begins
		{calendar.Date{Year: 2025, Month: time.October, Day: 26}, "söndag 26 oktober 2025"}, // summer time ends
		{calendar.Date{Year: 2024, Month: time.February, Day: 29}, "torsdag 29 februari 2024"},
		{calendar.Date{Year: 2024, Month: time.December, Day: 31}, "tisdag 31 december 2024"},
		{calendar.Date{Year: 2025, Month: time.May, Day: 1}, "torsdag 1 maj 2025"},
		{calendar.Date{Year: 2025, Month: 13, Day: 1}, "torsdag 1 januari 2026"}, // out of range: the day it denotes
		{calendar.Date{}, ""},
	}
	for _, tt := range tests {
		if got := Day(tt.in); got != tt.want {
			t.Errorf("Day(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWhen(t *testing.T) {
	loc := calendar.Location
	d := func(y int, m time.Month, day, hh, mm int) time.Time { return time.Date(y, m, day, hh, mm, 0, 0, loc) }
	tests := []struct {
		name  string
		m     Meeting
		want  string
		short string
	}{
		{"afternoon", Meeting{Start: d(2025, 1, 21, 13, 0), End: d(2025, 1, 21, 16, 30)},
			"tisdag 21 januari 2025 kl. 13.00–16.30", "tisdag 21 januari kl. 13.00"},
		{"morning, two-digit hours", Meeting{Start: d(2024, 9, 20, 9, 0), End: d(2024, 9, 20, 12, 0)},
			"fredag 20 september 2024 kl. 09.00–12.00", "fredag 20 september kl. 09.00"},
		{"given in UTC, shown in Swedish time", Meeting{Start: time.Date(2025, 6, 19, 7, 0, 0, 0, time.UTC), End: time.Date(2025, 6, 19, 9, 30, 0, 0, time.UTC)},
			"torsdag 19 juni 2025 kl. 09.00–11.30", "torsdag 19 juni kl. 09.00"},
		{"over the spring change", Meeting{Start: d(2025, 3, 30, 1, 0), End: d(2025, 3, 30, 4, 0)},
			"söndag 30 mars 2025 kl. 01.00–04.00", "söndag 30 mars kl. 01.00"},
		{"over the autumn change", Meeting{Start: d(2025, 10, 26, 1, 0), End: d(2025, 10, 26, 4, 0)},
			"söndag 26 oktober 2025 kl. 01.00–04.00", "söndag 26 oktober kl. 01.00"},
		{"all day on the spring change (23 hours)", Meeting{Start: d(2025, 3, 30, 0, 0), End: d(2025, 3, 31, 0, 0), AllDay: true},
			"söndag 30 mars 2025, heldag", "söndag 30 mars, heldag"},
		{"all day on the autumn change (25 hours)", Meeting{Start: d(2025, 10, 26, 0, 0), End: d(2025, 10, 27, 0, 0), AllDay: true},
			"söndag 26 oktober 2025, heldag", "söndag 26 oktober, heldag"},
		{"all day without end", Meeting{Start: d(2025, 3, 14, 0, 0), AllDay: true},
			"fredag 14 mars 2025, heldag", "fredag 14 mars, heldag"},
		{"two whole days", Meeting{Start: d(2025, 10, 8, 0, 0), End: d(2025, 10, 10, 0, 0), AllDay: true},
			"8–9 oktober 2025", "8–9 oktober"},
		{"whole days across months", Meeting{Start: d(2025, 9, 30, 0, 0), End: d(2025, 10, 2, 0, 0), AllDay: true},
			"30 september – 1 oktober 2025", "30 september – 1 oktober"},
		{"whole days across New Year", Meeting{Start: d(2025, 12, 30, 0, 0), End: d(2026, 1, 3, 0, 0), AllDay: true},
			"30 december 2025 – 2 januari 2026", "30 december 2025 – 2 januari 2026"},
		{"whole days over the autumn change", Meeting{Start: d(2025, 10, 25, 0, 0), End: d(2025, 10, 27, 0, 0), AllDay: true},
			"25–26 oktober 2025", "25–26 oktober"},
		{"over midnight", Meeting{Start: d(2025, 10, 8, 18, 0), End: d(2025, 10, 9, 2, 0)},
			"onsdag 8 oktober kl. 18.00 – torsdag 9 oktober 2025 kl. 02.00", "onsdag 8 oktober kl. 18.00"},
		{"two-day conference", Meeting{Start: d(2025, 10, 8, 9, 0), End: d(2025, 10, 9, 16, 0)},
			"onsdag 8 oktober kl. 09.00 – torsdag 9 oktober 2025 kl. 16.00", "onsdag 8 oktober kl. 09.00"},
		{"over New Year's midnight", Meeting{Start: d(2025, 12, 31, 22, 0), End: d(2026, 1, 1, 1, 0)},
			"onsdag 31 december 2025 kl. 22.00 – torsdag 1 januari 2026 kl. 01.00", "onsdag 31 december kl. 22.00"},
		{"ends at midnight", Meeting{Start: d(2025, 10, 8, 18, 0), End: d(2025, 10, 9, 0, 0)},
			"onsdag 8 oktober 2025 kl. 18.00–24.00", "onsdag 8 oktober kl. 18.00"},
		{"no end", Meeting{Start: d(2025, 1, 21, 13, 0)},
			"tisdag 21 januari 2025 kl. 13.00", "tisdag 21 januari kl. 13.00"},
		{"end before start", Meeting{Start: d(2025, 1, 21, 13, 0), End: d(2025, 1, 21, 12, 0)},
			"tisdag 21 januari 2025 kl. 13.00", "tisdag 21 januari kl. 13.00"},
		{"no start", Meeting{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := When(tt.m); got != tt.want {
				t.Errorf("When = %q, want %q", got, tt.want)
			}
			if got := whenShort(tt.m); got != tt.short {
				t.Errorf("whenShort = %q, want %q", got, tt.short)
			}
		})
	}
}

func TestWeeks(t *testing.T) {
	w := func(pairs ...int) []calendar.ISOWeek {
		var out []calendar.ISOWeek
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, calendar.ISOWeek{Year: pairs[i], Week: pairs[i+1]})
		}
		return out
	}
	tests := []struct {
		name string
		in   []calendar.ISOWeek
		want string
	}{
		{"none", nil, ""},
		{"one", w(2025, 37), "v 37"},
		{"consecutive", w(2025, 37, 2025, 38), "v 37–38"},
		{"apart", w(2025, 37, 2025, 39, 2025, 41), "v 37, 39 och 41"},
		{"two runs (the seed)", w(2025, 37, 2025, 38, 2025, 48, 2025, 49), "v 37–38 och 48–49"},
		{"unsorted with duplicates", w(2025, 49, 2025, 37, 2025, 48, 2025, 38, 2025, 37), "v 37–38 och 48–49"},
		{"run and singles", w(2025, 1, 2025, 2, 2025, 3, 2025, 5, 2025, 9), "v 1–3, 5 och 9"},
		{"across New Year", w(2025, 52, 2026, 1), "v 52 2025–v 1 2026"},
		{"across New Year after week 53", w(2026, 53, 2027, 1), "v 53 2026–v 1 2027"},
		{"week 52 is not next to week 1 when 53 lies between", w(2020, 52, 2021, 1), "v 52 2020 och v 1 2021"},
		{"longer run across New Year", w(2025, 51, 2025, 52, 2026, 1, 2026, 2), "v 51 2025–v 2 2026"},
		{"apart in two years", w(2025, 50, 2026, 2), "v 50 2025 och v 2 2026"},
		{"run within one of two years", w(2025, 50, 2025, 51, 2026, 2), "v 50–51 2025 och v 2 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Weeks(tt.in); got != tt.want {
				t.Errorf("Weeks(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	long := "https://samkal.example.org/" + strings.Repeat("x", 80)
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"short", "Hej Maria!", []string{"Hej Maria!"}},
		{"exactly the width", strings.Repeat("a", 9) + strings.Repeat(" aaaaaaaa", 7) + " aaaaa", []string{strings.Repeat("a", 9) + strings.Repeat(" aaaaaaaa", 7) + " aaaaa"}},
		{"one over the width", strings.Repeat("a", 9) + strings.Repeat(" aaaaaaaa", 7) + " aaaaaa", []string{strings.Repeat("a", 9) + strings.Repeat(" aaaaaaaa", 7), "aaaaaa"}},
		{"paragraph",
			"Protokollet från Specifika samverkansrådet för folkhälsa, fredag 20 september 2024 kl. 09.00–12.00, är klart att justeras.",
			[]string{
				"Protokollet från Specifika samverkansrådet för folkhälsa, fredag 20 september",
				"2024 kl. 09.00–12.00, är klart att justeras.",
			}},
		{"numbered item hangs under its text",
			"13. Beslut och implementering av ny överenskommelse för hälso- och sjukvård i hemmet (beslut)",
			[]string{
				"13. Beslut och implementering av ny överenskommelse för hälso- och sjukvård i",
				"    hemmet (beslut)",
			}},
		{"indented sub-point",
			"    - Delaktighet – Hur jobbar du vidare på hemmaplan med det som tas upp på råden?",
			[]string{
				"    - Delaktighet – Hur jobbar du vidare på hemmaplan med det som tas upp på",
				"      råden?",
			}},
		{"kl. and the time stay together",
			"Nu kan du anmäla punkter till Chefsgrupp folkhälsa, tisdag 21 januari 2025 kl. 13.00–16.30.",
			[]string{
				"Nu kan du anmäla punkter till Chefsgrupp folkhälsa, tisdag 21 januari 2025",
				"kl. 13.00–16.30.",
			}},
		{"day and month stay together",
			"Protokollet ska justeras senast 1 oktober 2024; påminnelser går ut från 1 oktober 2024.",
			[]string{
				"Protokollet ska justeras senast 1 oktober 2024; påminnelser går ut från",
				"1 oktober 2024.",
			}},
		{"a change line hangs under its text",
			"- Tid: fredag 20 september 2024 kl. 09.00–12.00 (tidigare torsdag 19 september 2024 kl. 13.00–16.00)",
			[]string{
				"- Tid: fredag 20 september 2024 kl. 09.00–12.00 (tidigare torsdag 19 september",
				"  2024 kl. 13.00–16.00)",
			}},
		{"a week and its number stay together, a dash ends the line",
			"Mötestider som ännu inte är bokade ombeds läggas någon gång mellan v 52 2025 – v 2 2026",
			[]string{
				"Mötestider som ännu inte är bokade ombeds läggas någon gång mellan v 52 2025 –",
				"v 2 2026",
			}},
		{"a long link stays whole", "Digitalt möte: " + long, []string{"Digitalt möte:", long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(tt.in, TextWidth)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("wrap:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestOneLineAndNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Chefsgrupp\r\n folkhälsa\t", "Chefsgrupp folkhälsa"},
		{"A\u2028B\u2029C\x00D", "A B CD"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	greetings := []struct {
		p    Person
		want string
	}{
		{Person{Name: "Ann-Christine Appelqvist"}, "Hej Ann-Christine!"},
		{Person{Name: "Malin Duckert Ek"}, "Hej Malin!"},
		{Person{Name: "Märta Ländin, sekreterare"}, "Hej Märta!"},
		{Person{Name: " ", Email: "x@example.org"}, "Hej!"},
	}
	for _, tt := range greetings {
		if got := greeting(tt.p); got != tt.want {
			t.Errorf("greeting(%q) = %q, want %q", tt.p.Name, got, tt.want)
		}
	}
	counts := []struct {
		n    int
		want string
	}{{0, "inga punkter"}, {1, "en punkt"}, {3, "tre punkter"}, {12, "tolv punkter"}, {13, "13 punkter"}}
	for _, tt := range counts {
		if got := countOf(tt.n, "punkt", "punkter"); got != tt.want {
			t.Errorf("countOf(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
