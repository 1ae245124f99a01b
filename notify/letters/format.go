package letters

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// This file holds the Swedish formatting of days, meeting times and ISO
// weeks, as Swedish public-sector text writes them: weekday and month names
// in lower case, "kl. 13.00–16.30" with a full stop in the time and an en
// dash without spaces between simple parts, with spaces between parts that
// are several words ("30 september – 1 oktober 2025").

var monthNames = [...]string{"januari", "februari", "mars", "april", "maj", "juni",
	"juli", "augusti", "september", "oktober", "november", "december"}

// normDate brings a Date with an out-of-range month or day (2025-13-01) to
// the day it denotes, so that formatting never indexes out of range.
func normDate(d calendar.Date) calendar.Date { return d.AddDays(0) }

// Day returns a day as "fredag 7 mars 2025", or "" for the zero Date.
func Day(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	d = normDate(d)
	return calendar.SwedishWeekday(d.Weekday()) + " " + dayMonth(d) + " " + strconv.Itoa(d.Year)
}

// dayMonth returns "7 mars".
func dayMonth(d calendar.Date) string {
	d = normDate(d)
	return strconv.Itoa(d.Day) + " " + monthNames[d.Month-1]
}

// weekdayDayMonth returns "fredag 7 mars".
func weekdayDayMonth(d calendar.Date) string {
	d = normDate(d)
	return calendar.SwedishWeekday(d.Weekday()) + " " + dayMonth(d)
}

// clock returns "09.00".
func clock(t time.Time) string { return fmt.Sprintf("%02d.%02d", t.Hour(), t.Minute()) }

// isMidnight reports whether t is 00.00 on its (Swedish) day.
func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// allDayRange returns the first and last day of an all-day meeting: End is
// midnight after the last day; an End that is not midnight is taken to lie
// on the last day.
func allDayRange(m Meeting) (first, last calendar.Date) {
	first = calendar.DateOf(m.Start)
	if m.End.IsZero() {
		return first, first
	}
	end := m.End.In(calendar.Location)
	last = calendar.DateOf(end)
	if isMidnight(end) {
		last = last.AddDays(-1)
	}
	if last.Before(first) {
		last = first
	}
	return first, last
}

// dayRange returns "8–9 oktober 2025", "30 september – 1 oktober 2025" or
// "30 december 2025 – 2 januari 2026"; withYear false leaves the year out.
func dayRange(first, last calendar.Date, withYear bool) string {
	year := func(d calendar.Date) string {
		if withYear {
			return " " + strconv.Itoa(d.Year)
		}
		return ""
	}
	switch {
	case first.Year == last.Year && first.Month == last.Month:
		return strconv.Itoa(first.Day) + "–" + dayMonth(last) + year(last)
	case first.Year == last.Year:
		return dayMonth(first) + " – " + dayMonth(last) + year(last)
	default:
		// Across New Year the years are needed to tell the days apart.
		return dayMonth(first) + " " + strconv.Itoa(first.Year) + " – " + dayMonth(last) + " " + strconv.Itoa(last.Year)
	}
}

// When returns when a meeting is, in Swedish:
//
//	tisdag 21 januari 2025 kl. 13.00–16.30          one day
//	fredag 14 mars 2025, heldag                     all day
//	8–9 oktober 2025                                several whole days
//	tisdag 8 oktober kl. 18.00 – onsdag 9 oktober 2025 kl. 02.00
//
// A meeting that ends at midnight ends "24.00" on its day; one without a
// (later) end shows its start only. The zero Start gives "".
func When(m Meeting) string {
	if m.Start.IsZero() {
		return ""
	}
	if m.AllDay {
		first, last := allDayRange(m)
		if first == last {
			return Day(first) + ", heldag"
		}
		return dayRange(first, last, true)
	}
	s := m.Start.In(calendar.Location)
	day := calendar.DateOf(s)
	if m.End.IsZero() || !m.End.After(m.Start) {
		return Day(day) + " kl. " + clock(s)
	}
	e := m.End.In(calendar.Location)
	end := calendar.DateOf(e)
	switch {
	case end == day:
		return Day(day) + " kl. " + clock(s) + "–" + clock(e)
	case end == day.AddDays(1) && isMidnight(e):
		return Day(day) + " kl. " + clock(s) + "–24.00"
	}
	from := weekdayDayMonth(day)
	if day.Year != end.Year {
		from += " " + strconv.Itoa(day.Year)
	}
	return from + " kl. " + clock(s) + " – " + Day(end) + " kl. " + clock(e)
}

// whenShort is the meeting's time in a subject, without the year and the
// end: "tisdag 21 januari kl. 13.00", "fredag 14 mars, heldag", "8–9
// oktober".
func whenShort(m Meeting) string {
	if m.Start.IsZero() {
		return ""
	}
	if m.AllDay {
		first, last := allDayRange(m)
		if first == last {
			return weekdayDayMonth(first) + ", heldag"
		}
		return dayRange(first, last, false)
	}
	s := m.Start.In(calendar.Location)
	return weekdayDayMonth(calendar.DateOf(s)) + " kl. " + clock(s)
}

// Weeks returns ISO weeks as Swedish text writes them: "v 37–38" for
// consecutive weeks, "v 37, 39 och 41" otherwise, "v 37–38 och 48–49" for
// both. When the weeks lie in different years every part names its year:
// "v 52 2025–v 1 2026", "v 50 2025 och v 2 2026". Duplicates and order do
// not matter; no weeks give "".
func Weeks(ws []calendar.ISOWeek) string {
	if len(ws) == 0 {
		return ""
	}
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b calendar.ISOWeek) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Week, b.Week))
	})
	ws = slices.Compact(ws)
	years := ws[0].Year != ws[len(ws)-1].Year

	// Runs of consecutive weeks; week 52 (or 53) runs on into week 1.
	var runs [][2]calendar.ISOWeek
	for _, w := range ws {
		if n := len(runs); n > 0 && runs[n-1][1].Monday().AddDays(7) == w.Monday() {
			runs[n-1][1] = w
			continue
		}
		runs = append(runs, [2]calendar.ISOWeek{w, w})
	}

	parts := make([]string, len(runs))
	for i, r := range runs {
		from, to := r[0], r[1]
		switch {
		case !years && from == to:
			parts[i] = strconv.Itoa(from.Week)
		case !years:
			parts[i] = strconv.Itoa(from.Week) + "–" + strconv.Itoa(to.Week)
		case from == to:
			parts[i] = fmt.Sprintf("v %d %d", from.Week, from.Year)
		case from.Year == to.Year:
			parts[i] = fmt.Sprintf("v %d–%d %d", from.Week, to.Week, to.Year)
		default:
			parts[i] = fmt.Sprintf("v %d %d–v %d %d", from.Week, from.Year, to.Week, to.Year)
		}
	}
	if years {
		return joinList(parts)
	}
	return "v " + joinList(parts)
}

// joinList joins "A", "A och B", "A, B och C".
func joinList(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " och " + parts[len(parts)-1]
}
