package notify

import (
	"strings"
	"testing"
)

// TestRedact: every personal link in a text becomes the placeholder; other
// addresses stay.
func TestRedact(t *testing.T) {
	s := &Scanner{BaseURL: "https://samkal.example.se/"}
	const tok = "q7Vx2mKp9RtLw4YbN8cZ3dHf6JgS1aUe0iOo5nBvXyA"
	in := `LinkURL "https://samkal.example.se/anmalan/` + tok + `" is bad; see https://samkal.example.se/justering/` + tok +
		` and https://samkal.example.se/moten/4 and https://samkal.example.se/bokning/` + tok
	got := s.redact(in)
	if strings.Contains(got, tok) {
		t.Errorf("redact left the token: %s", got)
	}
	for _, want := range []string{"https://samkal.example.se/anmalan/PERSONLIG-LANK\"", "https://samkal.example.se/justering/PERSONLIG-LANK and",
		"https://samkal.example.se/moten/4", "https://samkal.example.se/bokning/PERSONLIG-LANK"} {
		if !strings.Contains(got, want) {
			t.Errorf("redact = %q, want it to contain %q", got, want)
		}
	}
}
