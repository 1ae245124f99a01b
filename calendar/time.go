package calendar

import (
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // the binary must know Europe/Stockholm on any machine
)

// Location is Europe/Stockholm. Every meeting is a Swedish wall-clock event:
// Samkal keeps times in this zone, so 13.00 stays 13.00 across the switches
// to and from summer time.
var Location = mustLoadLocation("Europe/Stockholm")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("calendar: zone %s: %v", name, err))
	}
	return loc
}

// In returns t in Europe/Stockholm.
func In(t time.Time) time.Time { return t.In(Location) }

// Date is a calendar day without a time or zone, such as the first day of a
// membership or an all-day event. Its text form is YYYY-MM-DD. The zero Date
// means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the Swedish calendar day on which t falls.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Location).Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD and rejects days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Location)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Start returns midnight at the start of d in Europe/Stockholm.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Location) }

// At returns the wall-clock time hour:min on d in Europe/Stockholm.
func (d Date) At(hour, min int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, Location)
}

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, Location))
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.String() < e.String() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.At(12, 0).Weekday() }

// ISOWeek returns the ISO 8601 year and week of d.
func (d Date) ISOWeek() (year, week int) { return d.At(12, 0).ISOWeek() }

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "a date must be a string of the form YYYY-MM-DD")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText and UnmarshalText let Date appear in YAML, TOML and query strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
