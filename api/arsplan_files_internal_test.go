package api

import (
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/arsplan"
)

// TestFileProblemsInSwedish: the problems a secretary most often makes in
// an årsplan file are said in Swedish with their line, not in the
// package's English, and nothing falls through to the general sentence.
func TestFileProblemsInSwedish(t *testing.T) {
	const head = "meetings:\n  - key: m1\n    bodies: [chefsgrupp-folkhalsa]\n"
	for _, c := range []struct{ file, want string }{
		{head + "    date: 2026-02-30\n    start: \"13:00\"\n    end: \"15:00\"\n", "Rad 4: ”2026-02-30” är inget datum. Skriv date som ÅÅÅÅ-MM-DD"},
		{head + "    date: 2026-02-10\n    start: \"25:00\"\n    end: \"15:00\"\n", "Rad 5: ”25:00” är ingen tid. Skriv start som TT:MM"},
		{head + "    dat: 2026-02-10\n    start: \"13:00\"\n    end: \"15:00\"\n", "Rad 4: okänd nyckel ”dat”. Menade du ”date”?"},
		{head + "    start: \"13:00\"\n    end: \"15:00\"\n", "date saknas."},
		{head + "    date: 2026-02-10\n    start: \"13:00\"\n    end: \"12:00\"\n", "slutet kommer före början."},
		{head + "    date: 2026-03-29\n    start: \"02:30\"\n    end: \"04:00\"\n", "klockan ställs fram en timme"},
		{head + "    date: 2026-02-10\n    start: \"13:00\"\n    end: \"15:00\"\n  - key: m1\n    bodies: [chefsgrupp-folkhalsa]\n    date: 2026-02-11\n    start: \"13:00\"\n    end: \"15:00\"\n",
			"står två gånger i filen (första gången på rad 2)"},
		{"meetings:\n  - key: [\n", "filen är inte giltig YAML"},
	} {
		_, err := arsplan.Parse("x.yaml", []byte(c.file))
		if err == nil {
			t.Errorf("%q parsed", c.file)
			continue
		}
		got := strings.Join(fileProblems(err), "\n")
		if !strings.Contains(got, c.want) || strings.Contains(got, "stämmer inte med årsplanens format") {
			t.Errorf("%s\ngot  %s\nwant %s (from %v)", c.file, got, c.want, err)
		}
	}
}
