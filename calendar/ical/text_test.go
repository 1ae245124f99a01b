package ical

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestJoinSwedish(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"Chefsgrupp folkhälsa"}, "Chefsgrupp folkhälsa"},
		{[]string{"A", "B"}, "A och B"},
		{[]string{"A", "B", "C"}, "A, B och C"},
		{[]string{"A", "B", "C", "D"}, "A, B, C och D"},
	}
	for _, tt := range tests {
		if got := joinSwedish(tt.in); got != tt.want {
			t.Errorf("joinSwedish(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "PT1H"},
		{-time.Hour, "PT1H"},
		{time.Hour, "PT1H"},
		{15 * time.Minute, "PT15M"},
		{90 * time.Minute, "PT1H30M"},
		{30 * time.Second, "PT30S"},
		{400 * time.Millisecond, "PT1S"},
		{1500 * time.Millisecond, "PT2S"},
		{24 * time.Hour, "P1D"},
		{36 * time.Hour, "P1DT12H"},
		{49*time.Hour + time.Minute + time.Second, "P2DT1H1M1S"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.in); got != tt.want {
			t.Errorf("formatDuration(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		in, clean, oneLine string
	}{
		{"", "", ""},
		{"Lokal Eken", "Lokal Eken", "Lokal Eken"},
		{"rad 1\r\nrad 2\rrad 3\nrad 4", "rad 1\nrad 2\nrad 3\nrad 4", "rad 1 rad 2 rad 3 rad 4"},
		{"tab\there", "tab\there", "tab\there"},
		{"bell\x07 nul\x00 esc\x1b del\x7f c1\u0085 end", "bell nul esc del c1 end", "bell nul esc del c1 end"},
		{"bad \xff byte", "bad \uFFFD byte", "bad \uFFFD byte"},
		{"  indrag kvar\n\n", "  indrag kvar", "indrag kvar"},
		{"åäö ÅÄÖ é ü 😀", "åäö ÅÄÖ é ü 😀", "åäö ÅÄÖ é ü 😀"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.clean {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.clean)
		}
		if got := oneLine(tt.in); got != tt.oneLine {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.oneLine)
		}
	}
}

// FuzzClean checks clean's promises on any input: valid UTF-8, no control
// characters but LF and tab, nothing trailing, idempotent, and the
// allocation-free path agrees with the slow one.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "Lokal Eken", "a\r\nb\rc", "x\x00\x7f\u0085", "\xff", "å \u00a0", "tab\t", "\uFFFD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := clean(s)
		if !utf8.ValidString(c) {
			t.Fatalf("clean(%q) = %q, not valid UTF-8", s, c)
		}
		for _, r := range c {
			if r != '\n' && r != '\t' && unicode.IsControl(r) {
				t.Fatalf("clean(%q) = %q keeps control %U", s, c, r)
			}
		}
		if strings.TrimRightFunc(c, unicode.IsSpace) != c {
			t.Fatalf("clean(%q) = %q has trailing space", s, c)
		}
		if clean(c) != c {
			t.Fatalf("clean is not idempotent on %q", s)
		}
		if isClean(s) && c != s {
			t.Fatalf("isClean(%q) but clean changes it to %q", s, c)
		}
		if o := oneLine(s); strings.ContainsAny(o, "\r\n") || strings.TrimSpace(o) != o {
			t.Fatalf("oneLine(%q) = %q", s, o)
		}
	})
}
