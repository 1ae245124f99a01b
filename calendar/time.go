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

// MinYear and MaxYear bound every date and time Samkal takes: meetings,
// memberships, booking windows, justering deadlines, query parameters and
// årsplan files. Before 1900 Swedish time was not yet CET (Stockholm's
// zone data gives local mean time, +01:12), and a year past 2100 in a
// calendar of meetings is a typing mistake, not a plan; both ends keep
// every year at four digits, as RFC 3339 and iCalendar need.
const (
	MinYear = 1900
	MaxYear = 2100
)

// CheckYear returns EINVALID when year lies outside MinYear–MaxYear.
func CheckYear(year int) *Error {
	if year < MinYear || year > MaxYear {
		return Errorf(EINVALID, "year %d is out of range; use a year from %d to %d", year, MinYear, MaxYear)
	}
	return nil
}

// InYearRange reports whether t lies in MinYear–MaxYear in Swedish time.
// The midnight that ends MaxYear counts: it is the end of an all-day event
// on the range's last day.
func InYearRange(t time.Time) bool {
	return !t.Before(time.Date(MinYear, 1, 1, 0, 0, 0, 0, Location)) && !t.After(time.Date(MaxYear+1, 1, 1, 0, 0, 0, 0, Location))
}

// checkTime adds a problem when t's year is out of range and reports
// whether it was in range.
func checkTime(p *problems, field string, t time.Time) bool {
	if InYearRange(t) {
		return true
	}
	p.add("%s is in year %d; use a year from %d to %d", field, In(t).Year(), MinYear, MaxYear)
	return false
}

// checkDate adds a problem when d is set and its year out of range.
func checkDate(p *problems, field string, d Date) {
	if !d.IsZero() {
		if CheckYear(d.Year) != nil {
			p.add("%s %s is in year %d; use a year from %d to %d", field, d, d.Year, MinYear, MaxYear)
		}
	}
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

// ParseDate parses YYYY-MM-DD and rejects days that do not exist and years
// outside MinYear–MaxYear.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Location)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%s is not a date of the form YYYY-MM-DD", quote(s))
	}
	if err := CheckYear(t.Year()); err != nil {
		return Date{}, Errorf(EINVALID, "%s: %s", quote(s), err.Message)
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

// clockShift tells whether a Swedish wall-clock time exists once, not at
// all or twice.
type clockShift int

const (
	clockOnce     clockShift = iota
	clockSkipped             // in the hour skipped when summer time starts
	clockRepeated            // in the hour repeated when summer time ends
)

// wallClock returns hour:minute:second on d in Swedish time and whether
// that time exists once. For a skipped time the instant is the one Go
// picks (an hour later); for a repeated one the first.
func wallClock(d Date, hour, minute, second int) (time.Time, clockShift) {
	t := time.Date(d.Year, d.Month, d.Day, hour, minute, second, 0, Location)
	if t.Hour() != hour || t.Minute() != minute {
		return t, clockSkipped
	}
	for _, o := range []time.Time{t.Add(-time.Hour), t.Add(time.Hour)} {
		if o.Hour() == hour && o.Minute() == minute {
			return t, clockRepeated
		}
	}
	return t, clockOnce
}

// WallClock returns hour:minute on day d in Swedish time. A time that does
// not exist there (in the hour skipped when summer time starts) or that
// happens twice (in the hour repeated when it ends) is EINVALID with a
// message that names it, such as "02:30 does not exist on 2025-03-30 in
// Swedish time: the clocks go forward an hour that night". The årsplan
// import, which has no way to write an offset, refuses both.
func WallClock(d Date, hour, minute int) (time.Time, error) {
	t, shift := wallClock(d, hour, minute, 0)
	hm := fmt.Sprintf("%02d:%02d", hour, minute)
	switch shift {
	case clockSkipped:
		return t, Errorf(EINVALID, "%s does not exist on %s in Swedish time: the clocks go forward an hour that night", hm, d)
	case clockRepeated:
		return t, Errorf(EINVALID, "%s happens twice on %s in Swedish time: the clocks go back an hour that night", hm, d)
	}
	return t, nil
}

// ParseTime reads a meeting time as the API takes it: RFC 3339 with an
// offset ("2025-01-21T13:00:00+01:00"; the seconds may be left out),
// Swedish wall-clock time without one ("2025-01-21T13:00" or
// "2025-01-21T13:00:00"), or a date alone ("2025-03-14", its midnight). It
// returns the time in Europe/Stockholm. It is EINVALID for anything else,
// for a year outside MinYear–MaxYear, for a wall-clock time that does not
// exist in Sweden (naming it), and for one that happens twice: then only
// an offset tells which of the two is meant, and the message shows both.
// Times are kept to the second: a fraction of a second is taken only when
// it is zero (".000", as JavaScript's toISOString writes), and refused
// otherwise rather than silently cut off.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Nanosecond() != 0 {
				return time.Time{}, fractionError(s)
			}
			t = In(t)
			if !InYearRange(t) {
				return time.Time{}, Errorf(EINVALID, "%s: %s", quote(s), CheckYear(t.Year()).Message)
			}
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		f, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if err := CheckYear(f.Year()); err != nil {
			return time.Time{}, Errorf(EINVALID, "%s: %s", quote(s), err.Message)
		}
		if f.Nanosecond() != 0 {
			return time.Time{}, fractionError(s)
		}
		t, shift := wallClock(Date{f.Year(), f.Month(), f.Day()}, f.Hour(), f.Minute(), f.Second())
		switch shift {
		case clockSkipped:
			return time.Time{}, Errorf(EINVALID, "%s does not exist in Swedish time: the clocks go forward an hour that night; choose another time", s)
		case clockRepeated:
			return time.Time{}, Errorf(EINVALID, "%s happens twice in Swedish time: the clocks go back an hour that night; add the offset to say which: %s+02:00 (summer time, the first) or %s+01:00 (winter time, the second)", s, s, s)
		}
		return t, nil
	}
	return time.Time{}, Errorf(EINVALID, "%s is not a time; use RFC 3339 such as \"2025-01-21T13:00:00+01:00\", or Swedish local time such as \"2025-01-21T13:00\" (a date alone, \"2025-03-14\", is its midnight)", quote(s))
}

// fractionError refuses a time with a fraction of a second: the store keeps
// whole seconds, and a time it cannot keep is not taken silently cut.
func fractionError(s string) *Error {
	return Errorf(EINVALID, "%s has a fraction of a second; times are kept to the second: leave the fraction out", quote(s))
}
