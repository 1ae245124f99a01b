package sqlstore

import (
	"strings"
	"testing"
)

func TestKeyRangeEnd(t *testing.T) {
	for _, tc := range []struct{ prefix, want string }{
		{"m1/", "m10"},
		{"m12/kallelse/", "m12/kallelse0"},
		{"w3/å", "w3/æ"},
		{"a\uD7FF", "a\uE000"},
		{"a\U0010FFFF", "b"},
		{"\U0010FFFF", ""},
	} {
		got := keyRangeEnd(tc.prefix)
		if got != tc.want {
			t.Errorf("keyRangeEnd(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
		// Every string under the prefix lies below the end.
		for _, under := range []string{tc.prefix, tc.prefix + "z", tc.prefix + "\U0010FFFF\U0010FFFF"} {
			if got != "" && strings.Compare(under, got) >= 0 {
				t.Errorf("%q is under %q but not below its end %q", under, tc.prefix, got)
			}
		}
	}
}
