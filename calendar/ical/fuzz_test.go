package ical_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar/ical"
)

// FuzzEncodeText feeds arbitrary text into every free-text field and checks
// that the framing stays valid and that SUMMARY and LOCATION unfold and
// unescape to the text as cleaned (valid UTF-8, one line, no controls).
func FuzzEncodeText(f *testing.F) {
	f.Add("Chefsgrupp folkhälsa", "Lokal Eken", "Dagordning:\n1. Öppnande", "Region Örebro län")
	f.Add(`a;b,c\d`, "x\r\ny\rz", "\x00\x07\x1b[31m", "\xff\xfe")
	f.Add(strings.Repeat("å", 80), strings.Repeat("aå", 50), strings.Repeat("😀", 40), strings.Repeat(" ", 90))
	f.Add("END:VEVENT", "\r\nBEGIN:VEVENT", "DTSTART:20250101T000000Z", "\\n\\,")
	f.Fuzz(func(t *testing.T, title, place, detail, name string) {
		m := meeting("fuzz@samkal", day(2025, 5, 6), 9, 0, 10, 0)
		m.Title, m.Location = title, place
		b := ical.Encode(&ical.Feed{Name: name, Description: detail, Events: []ical.Event{{
			Meeting: m, Bodies: []string{name, title}, URL: place, Details: []string{detail, title},
		}}})
		checkSyntax(t, b)
		_, events := parseOutput(t, b)
		if len(events) != 1 {
			t.Fatalf("got %d events, want 1", len(events))
		}
		wantSummary := cleanLine(title)
		if wantSummary == "" {
			wantSummary = cleanLine(name)
		}
		if wantSummary == "" {
			wantSummary = "Möte"
		}
		if got := events[0]["SUMMARY"]; got != wantSummary {
			t.Errorf("SUMMARY: got %q, want %q", got, wantSummary)
		}
		if got, want := events[0]["LOCATION"], cleanLine(place); got != want {
			t.Errorf("LOCATION: got %q, want %q", got, want)
		}
	})
}

// cleanLine is what a one-line text field should read as after Encode,
// written out independently of the package's own helper.
func cleanLine(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			b.WriteRune('\n')
		case r == '\t' || !unicode.IsControl(r):
			b.WriteRune(r)
		}
	}
	out := strings.TrimRightFunc(b.String(), unicode.IsSpace)
	out = strings.ReplaceAll(out, "\n", " ")
	if !utf8.ValidString(out) {
		panic("cleanLine made invalid UTF-8")
	}
	return strings.TrimSpace(out)
}
