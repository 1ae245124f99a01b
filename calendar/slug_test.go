package calendar

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"chefsgrupp folkhälsa", "chefsgrupp-folkhalsa"},
		{"Chefsgrupp folkhälsa", "chefsgrupp-folkhalsa"},
		{"Länsdel Väster", "lansdel-vaster"},
		{"Länsdel Söder (Sydnärke)", "lansdel-soder-sydnarke"},
		{"Örebro", "orebro"},
		{"RF-SISU Örebro län", "rf-sisu-orebro-lan"},
		{"ÖLBF", "olbf"},
		{"Specifikt samverkansråd för social välfärd samt vård och omsorg", "specifikt-samverkansrad-for-social-valfard-samt-vard-och-omsorg"},
		{"Region Örebro län", "region-orebro-lan"},
		{"  Skolchefsgruppen  ", "skolchefsgruppen"},
		{"Laxå -- Hällefors", "laxa-hallefors"},
		{"v 37–38, v 48–49", "v-37-38-v-48-49"},
		{"Ærø Straße Łódź Øresund", "aero-strasse-lodz-oresund"},
		{"Café Évian", "cafe-evian"},
		{"", ""},
		{"---", ""},
		{"!!! å !!!", "a"},
		{"日本", ""},
	}
	for _, tt := range tests {
		got := Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, which ValidSlug rejects", tt.in, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"chefsgrupp-folkhalsa", true},
		{"rf-sisu-orebro-lan", true},
		{"v37", true},
		{"a", true},
		{strings.Repeat("a", 100), true},
		{strings.Repeat("a", 101), false},
		{"", false},
		{"Chefsgrupp", false},
		{"folkhälsa", false},
		{"-lead", false},
		{"trail-", false},
		{"double--hyphen", false},
		{"under_score", false},
		{"with space", false},
	}
	for _, tt := range tests {
		if got := ValidSlug(tt.in); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 43 { // 32 bytes, unpadded base64
			t.Fatalf("token %q has %d characters, want 43 (256 bits)", tok, len(tok))
		}
		if strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Fatalf("token %q is not URL-safe", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q came twice", tok)
		}
		seen[tok] = true
	}
}
