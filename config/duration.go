package config

import (
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads Go syntax ("90m", "1h30m") and also
// whole days ("30d", "1825d", "1d12h"), because feed windows and retention
// periods are thought of in days. It prints whole days as "30d".
type Duration time.Duration

var daysPrefix = regexp.MustCompile(`^([+-]?)(\d+)d(.*)$`)

// ParseDuration reads s as a Duration; see Duration for the syntax.
func ParseDuration(s string) (Duration, error) {
	if m := daysPrefix.FindStringSubmatch(s); m != nil {
		days, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil || days > int64(time.Duration(1<<63-1)/(24*time.Hour)) {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		d := time.Duration(days) * 24 * time.Hour
		if m[3] != "" {
			rest, err := time.ParseDuration(m[3])
			if err != nil || rest < 0 || m[3][0] == '+' {
				return 0, fmt.Errorf("duration %q is not valid: after the days only hours, minutes and seconds may follow, e.g. \"1d12h\"", s)
			}
			if rest > math.MaxInt64-d {
				return 0, fmt.Errorf("duration %q is too long", s)
			}
			d += rest
		}
		if m[1] == "-" {
			d = -d
		}
		return Duration(d), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q is not valid: use e.g. \"30d\", \"12h\" or \"90m\"", s)
	}
	return Duration(d), nil
}

// UnmarshalText lets TOML files, environment variables and flags use the
// syntax of ParseDuration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the form String returns.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String writes whole days as "30d" and anything else in Go syntax.
func (d Duration) String() string {
	const day = Duration(24 * time.Hour)
	if d != 0 && d%day == 0 {
		return fmt.Sprintf("%dd", d/day)
	}
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Secret is a setting that must never reach a log or an error message: its
// String, GoString, MarshalText and LogValue all redact it. Convert it with
// string(s) where the value is really needed.
type Secret string

const redacted = "[redacted]"

// String returns "[redacted]", or "" when the secret is not set.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString redacts %#v as well.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText redacts encoded forms (TOML, JSON).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue redacts the secret in log/slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
