package plan

import (
	"sync"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/se"

	"github.com/samkal/samkal/calendar"
)

// holidayYears caches, per year, the days off computed by rickar/cal: the
// planner asks about the same few hundred days again and again.
var holidayYears sync.Map // int → map[calendar.Date]string

// yearHolidays returns the Swedish days off of year with their Swedish
// names. They come from github.com/rickar/cal/v2/se, a maintained library,
// and not from a hand-written table: Easter-dependent days (långfredagen,
// annandag påsk, Kristi himmelsfärdsdag, pingstdagen), midsommar and alla
// helgons dag move every year. se.Holidays holds the public holidays plus
// midsommarafton, julafton and nyårsafton, which are not public holidays
// by law but on which nobody works and nothing is booked.
func yearHolidays(year int) map[calendar.Date]string {
	if m, ok := holidayYears.Load(year); ok {
		return m.(map[calendar.Date]string)
	}
	m := make(map[calendar.Date]string, len(se.Holidays))
	for _, h := range se.Holidays {
		addHoliday(m, h, year)
	}
	v, _ := holidayYears.LoadOrStore(year, m)
	return v.(map[calendar.Date]string)
}

func addHoliday(m map[calendar.Date]string, h *cal.Holiday, year int) {
	actual, _ := h.Calc(year) // Swedish holidays are never moved to an observed day
	if actual.IsZero() {
		return
	}
	m[calendar.Date{Year: actual.Year(), Month: actual.Month(), Day: actual.Day()}] = h.Name
}

// Holiday reports whether d is a Swedish public holiday or one of the days
// off that are treated like one (midsommarafton, julafton, nyårsafton), and
// its Swedish name ("Kristi himmelsfärdsdag"). No meeting is ever planned on
// such a day. The rules are today's: before 2005, when Sveriges nationaldag
// replaced annandag pingst, the answer is wrong for those two days.
func Holiday(d calendar.Date) (name string, ok bool) {
	name, ok = yearHolidays(d.Year)[d]
	return name, ok
}

// IsWorkday reports whether d is Monday–Friday and not a Holiday.
func IsWorkday(d calendar.Date) bool {
	switch d.Weekday() {
	case 0, 6: // Sunday, Saturday
		return false
	}
	_, hol := Holiday(d)
	return !hol
}

// IsKlamdag reports whether d is a klämdag: a workday squeezed between a
// holiday and a weekend or another holiday, such as the Friday after Kristi
// himmelsfärdsdag. Many take it off, so the planner avoids it.
func IsKlamdag(d calendar.Date) bool {
	if !IsWorkday(d) {
		return false
	}
	prev, next := d.AddDays(-1), d.AddDays(1)
	if IsWorkday(prev) || IsWorkday(next) {
		return false
	}
	_, hp := Holiday(prev)
	_, hn := Holiday(next)
	return hp || hn
}

// klamdagCause names the holiday that makes d a klämdag, for reasons.
func klamdagCause(d calendar.Date) string {
	if n, ok := Holiday(d.AddDays(-1)); ok {
		return "efter " + n
	}
	if n, ok := Holiday(d.AddDays(1)); ok {
		return "före " + n
	}
	return ""
}
