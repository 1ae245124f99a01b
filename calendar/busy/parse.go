// Package busy reads a member's own published calendar – Outlook's
// "Publicera kalender" (availability only), Google's secret iCal address,
// a Nextcloud link – and keeps only when the member is busy: periods of
// start and end, no titles, places or descriptions. The planner treats
// those periods as clashes (calendar/plan Load), so that "no clash" means
// more than "no clash inside Samkal", without any access to a mailbox.
//
// Parse reads iCalendar text with github.com/arran4/golang-ical and
// expands recurring events with github.com/teambition/rrule-go, within a
// horizon. It takes the calendars as the programs really write them:
//
//   - TZIDs that are IANA names, Windows names without a VTIMEZONE
//     (Outlook: "W. Europe Standard Time", mapped by a table taken from
//     CLDR's windowsZones.xml, see zones.go), prefixed names
//     ("/mozilla.org/20050126_1/Europe/Stockholm"), and VTIMEZONE blocks
//     with a name of their own ("Customized Time Zone", "(UTC+01:00)
//     Amsterdam, Berlin …"), read from their offsets;
//   - floating times and unknown TZIDs, taken as Swedish time
//     (Europe/Stockholm), and UTC times;
//   - RRULE (also several), RDATE, EXDATE, and RECURRENCE-ID overrides
//     that move an instance or cancel it (STATUS:CANCELLED);
//   - all-day events (DTSTART;VALUE=DATE): busy from midnight to midnight,
//     Swedish time, for their days – rrule-go cannot parse a DATE start,
//     so such series are built here with a midnight start;
//   - TRANSP:TRANSPARENT, STATUS:CANCELLED and Outlook's
//     X-MICROSOFT-CDO-BUSYSTATUS FREE or WORKINGELSEWHERE are not busy;
//   - VFREEBUSY components: FREEBUSY periods of FBTYPE BUSY,
//     BUSY-TENTATIVE and BUSY-UNAVAILABLE (FREE is ignored), as start/end
//     or start/duration.
//
// The periods come back clipped to the horizon, merged where they overlap
// or touch, and ordered by start. Fetcher fetches a calendar with bounds
// on size, time and redirects and refuses internal addresses; Refresh
// fetches the calendars that are due and stores what they gave. Every
// error a person may see is an *Error with a Swedish message.
package busy

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/samkal/samkal/calendar"
)

// Error is a failure to read or fetch a calendar; Message is in Swedish,
// for the member whose calendar it is, and never holds the address.
type Error struct {
	Message string
	err     error // the cause, for errors.Is; not shown
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.err }

func failf(cause error, format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), err: cause}
}

// maxIterations bounds how many instances of one recurrence rule are
// looked at (from its first start, inside the horizon or not), and
// maxWork those of all the rules of a calendar, so that rules repeating
// every second since 1970 cannot keep a fetch busy: a calendar that needs
// more is refused.
const (
	maxIterations = 100000
	maxWork       = 1000000
)

// Parse reads an iCalendar text and returns the busy periods that overlap
// [from, to), clipped to it, merged and ordered by start. Errors are
// *Error: not iCalendar, or more than calendar.MaxBusyPeriods periods.
// Events it cannot make sense of (no start, a broken rule) are skipped:
// one odd event must not lose a whole calendar.
func Parse(data []byte, from, to time.Time) ([]calendar.BusyPeriod, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !looksLikeICalendar(data) {
		return nil, notICalendar(data)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		return nil, failf(err, "Kalendern gick inte att läsa: filen följer inte formatet iCalendar.")
	}
	p := &parser{from: from, to: to, zones: map[string]*time.Location{}}
	for _, c := range cal.Components {
		if tz, ok := c.(*ics.VTimezone); ok {
			p.addZone(tz)
		}
	}
	// Events by UID: the series and the instances it moves or cancels.
	type series struct {
		master    *ics.VEvent
		overrides []*ics.VEvent
	}
	byUID := map[string]*series{}
	var order []string
	for _, c := range cal.Components {
		switch c := c.(type) {
		case *ics.VEvent:
			uid := value(c.GetProperty(ics.ComponentPropertyUniqueId))
			if uid == "" { // no series to belong to: an event of its own
				uid = fmt.Sprintf("\x00%d", len(order))
			}
			s := byUID[uid]
			if s == nil {
				s = &series{}
				byUID[uid] = s
				order = append(order, uid)
			}
			if c.GetProperty(ics.ComponentPropertyRecurrenceId) != nil {
				s.overrides = append(s.overrides, c)
			} else if s.master == nil {
				s.master = c
			}
		case *ics.VBusy:
			p.freeBusy(c)
		}
	}
	for _, uid := range order {
		if p.work > maxWork {
			break
		}
		s := byUID[uid]
		var moved []time.Time
		for _, o := range s.overrides {
			prop := o.GetProperty(ics.ComponentPropertyRecurrenceId)
			if t, _, err := p.when(prop.Value, prop.ICalParameters); err == nil {
				moved = append(moved, t)
			}
			p.event(o, nil)
		}
		if s.master != nil {
			p.event(s.master, moved)
		}
	}
	if p.work > maxWork {
		return nil, failf(nil, "Kalendern har för många upprepade händelser för att Samkal ska kunna läsa den.")
	}
	if len(p.out) > calendar.MaxBusyPeriods {
		return nil, failf(nil, "Kalendern har fler än %d upptagna tider de närmaste månaderna; Samkal läser inte så många.", calendar.MaxBusyPeriods)
	}
	return merge(p.out), nil
}

// looksLikeICalendar reports whether data starts as an iCalendar text.
func looksLikeICalendar(data []byte) bool {
	head := bytes.TrimSpace(data[:min(len(data), 512)])
	return len(head) >= 15 && strings.EqualFold(string(head[:15]), "BEGIN:VCALENDAR")
}

// notICalendar says what the address gave instead of a calendar.
func notICalendar(data []byte) *Error {
	head := strings.ToLower(string(bytes.TrimSpace(data[:min(len(data), 512)])))
	if strings.HasPrefix(head, "<") || strings.Contains(head, "<html") {
		return failf(nil, "Adressen ger en webbsida, inte en kalender i formatet iCalendar (.ics). Kontrollera att du kopierade ICS-länken och inte länken till webbsidan.")
	}
	return failf(nil, "Adressen ger ingen kalender i formatet iCalendar (.ics). Kontrollera att du kopierade ICS-länken.")
}

type parser struct {
	from, to time.Time
	zones    map[string]*time.Location // the calendar's VTIMEZONEs by TZID
	out      []calendar.BusyPeriod
	work     int // instances of recurrence rules looked at, up to maxWork+1
}

// add keeps [start, end) when it overlaps the horizon, clipped to it.
func (p *parser) add(start, end time.Time) {
	if !end.After(start) || !end.After(p.from) || !start.Before(p.to) {
		return
	}
	if start.Before(p.from) {
		start = p.from
	}
	if end.After(p.to) {
		end = p.to
	}
	p.out = append(p.out, calendar.BusyPeriod{Start: start.In(calendar.Location), End: end.In(calendar.Location)})
}

// busy reports whether an event makes its person busy.
func busy(e *ics.VEvent) bool {
	if strings.EqualFold(value(e.GetProperty(ics.ComponentPropertyStatus)), "CANCELLED") ||
		strings.EqualFold(value(e.GetProperty(ics.ComponentPropertyTransp)), "TRANSPARENT") {
		return false
	}
	switch strings.ToUpper(value(e.GetProperty("X-MICROSOFT-CDO-BUSYSTATUS"))) {
	case "FREE", "WORKINGELSEWHERE":
		return false
	}
	return true
}

// event adds the busy periods of one event: a single one, or a series
// without the instances that start at skip (moved or cancelled by an
// override) or at an EXDATE.
func (p *parser) event(e *ics.VEvent, skip []time.Time) {
	if !busy(e) {
		return
	}
	sp := e.GetProperty(ics.ComponentPropertyDtStart)
	if sp == nil {
		return
	}
	start, allDay, err := p.when(sp.Value, sp.ICalParameters)
	if err != nil {
		return
	}
	end, ok := p.end(e, start, allDay)
	if !ok {
		return
	}
	days := 0 // an all-day event's length in days: nominal, across DST too
	if allDay {
		days = dayCount(start, end)
		if days < 1 {
			days = 1
		}
	}
	span := end.Sub(start)
	instance := func(t time.Time) {
		if slices.ContainsFunc(skip, t.Equal) {
			return
		}
		if allDay {
			p.add(t, t.AddDate(0, 0, days))
		} else {
			p.add(t, t.Add(span))
		}
	}
	rules := e.GetProperties(ics.ComponentPropertyRrule)
	if len(rules) == 0 {
		instance(start)
		return
	}
	starts := map[int64]time.Time{}
	for _, r := range rules {
		for _, t := range p.expand(r.Value, start, allDay, span) {
			starts[t.Unix()] = t
		}
	}
	for _, r := range e.GetProperties(ics.ComponentPropertyRdate) {
		for _, v := range strings.Split(r.Value, ",") {
			if strings.Contains(v, "/") {
				continue // a PERIOD: rare, and its own length
			}
			if t, _, err := p.when(v, r.ICalParameters); err == nil {
				starts[t.Unix()] = t
			}
		}
	}
	for _, x := range e.GetProperties(ics.ComponentPropertyExdate) {
		for _, v := range strings.Split(x.Value, ",") {
			if t, _, err := p.when(v, x.ICalParameters); err == nil {
				delete(starts, t.Unix())
			}
		}
	}
	for _, t := range starts {
		instance(t)
	}
}

// expand returns the starts of a recurrence rule from start whose
// instances (of length span) may overlap the horizon. start carries the
// event's zone, so that a 09:30 series stays at 09:30 across DST; for an
// all-day event it is Swedish midnight (rrule-go cannot take a DATE).
func (p *parser) expand(rule string, start time.Time, allDay bool, span time.Duration) []time.Time {
	opt, err := rrule.StrToROptionInLocation(strings.TrimPrefix(rule, "RRULE:"), start.Location())
	if err != nil {
		return nil
	}
	opt.Dtstart = start
	if !allDay && untilIsDate(rule) {
		// A date-only UNTIL on a timed series (Outlook does this) takes in
		// the whole day.
		opt.Until = opt.Until.AddDate(0, 0, 1).Add(-time.Second)
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil
	}
	earliest := p.from.Add(-span)
	if allDay {
		earliest = p.from.AddDate(0, 0, -367)
	}
	var out []time.Time
	next := r.Iterator()
	for i := 0; i < maxIterations; i++ {
		if p.work++; p.work > maxWork {
			break
		}
		t, ok := next()
		if !ok || !t.Before(p.to) {
			break
		}
		if t.After(earliest) {
			out = append(out, t)
		}
	}
	return out
}

// dayCount returns the calendar days from start's day to end's day.
func dayCount(start, end time.Time) int {
	utc := func(t time.Time) time.Time { y, m, d := t.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return int(utc(end).Sub(utc(start)).Hours() / 24)
}

func untilIsDate(rule string) bool {
	for _, part := range strings.Split(rule, ";") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.EqualFold(k, "UNTIL") {
			return len(strings.TrimSpace(v)) == 8
		}
	}
	return false
}

// end returns the end of an event: DTEND, or DTSTART plus DURATION, or
// for an all-day event without either the next midnight. An event of no
// length (a timed one without either) blocks nothing: ok is false.
func (p *parser) end(e *ics.VEvent, start time.Time, allDay bool) (time.Time, bool) {
	if ep := e.GetProperty(ics.ComponentPropertyDtEnd); ep != nil {
		end, _, err := p.when(ep.Value, ep.ICalParameters)
		if err != nil || !end.After(start) {
			return time.Time{}, false
		}
		return end, true
	}
	if dp := e.GetProperty(ics.ComponentPropertyDuration); dp != nil {
		days, d, err := duration(dp.Value)
		if err != nil {
			return time.Time{}, false
		}
		end := start.AddDate(0, 0, days).Add(d)
		return end, end.After(start)
	}
	if allDay {
		return start.AddDate(0, 0, 1), true
	}
	return time.Time{}, false
}

// freeBusy adds the busy periods of a VFREEBUSY.
func (p *parser) freeBusy(c *ics.VBusy) {
	for _, fb := range c.GetProperties(ics.ComponentPropertyFreebusy) {
		switch strings.ToUpper(param(fb.ICalParameters, "FBTYPE")) {
		case "", "BUSY", "BUSY-TENTATIVE", "BUSY-UNAVAILABLE":
		default: // FREE, and kinds unknown to RFC 5545
			continue
		}
		for _, period := range strings.Split(fb.Value, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(period), "/")
			if !ok {
				continue
			}
			start, _, err := p.when(a, nil)
			if err != nil {
				continue
			}
			var end time.Time
			if strings.HasPrefix(b, "P") || strings.HasPrefix(b, "+P") {
				days, d, err := duration(b)
				if err != nil {
					continue
				}
				end = start.AddDate(0, 0, days).Add(d)
			} else if end, _, err = p.when(b, nil); err != nil {
				continue
			}
			p.add(start, end)
		}
	}
}

// when reads a DATE-TIME or DATE value: UTC ("…Z"), in the zone of its
// TZID, or floating (Swedish time); a DATE is Swedish midnight, and
// isDate says so.
func (p *parser) when(v string, params map[string][]string) (t time.Time, isDate bool, err error) {
	v = strings.TrimSpace(v)
	if len(v) == 8 || strings.EqualFold(param(params, "VALUE"), "DATE") {
		t, err = time.ParseInLocation("20060102", v, calendar.Location)
		return t, true, err
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		t, err = time.Parse("20060102T150405", v[:len(v)-1])
		return t, false, err
	}
	t, err = time.ParseInLocation("20060102T150405", v, p.location(param(params, "TZID")))
	return t, false, err
}

// location resolves a TZID: the calendar's own VTIMEZONE, else a known
// name; none (floating) or an unknown name is Swedish time.
func (p *parser) location(tzid string) *time.Location {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if tzid == "" {
		return calendar.Location
	}
	if loc := p.zones[tzid]; loc != nil {
		return loc
	}
	if loc := zoneByName(tzid); loc != nil {
		return loc
	}
	return calendar.Location
}

// duration reads an RFC 5545 duration ("PT1H30M", "P1D", "P2W", "-PT15M")
// as nominal days and an exact rest.
func duration(s string) (days int, d time.Duration, err error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, 0, fmt.Errorf("duration %q: no P", s)
	}
	s = s[1:]
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return 0, 0, fmt.Errorf("duration: bad number")
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 100000 {
			return 0, 0, fmt.Errorf("duration: bad number")
		}
		switch unit := s[i]; {
		case unit == 'W' && !inTime:
			days += 7 * n
		case unit == 'D' && !inTime:
			days += n
		case unit == 'H' && inTime:
			d += time.Duration(n) * time.Hour
		case unit == 'M' && inTime:
			d += time.Duration(n) * time.Minute
		case unit == 'S' && inTime:
			d += time.Duration(n) * time.Second
		default:
			return 0, 0, fmt.Errorf("duration: unit %q", unit)
		}
		s = s[i+1:]
	}
	if neg {
		return -days, -d, nil
	}
	return days, d, nil
}

// merge orders periods by start and joins those that overlap or touch.
func merge(ps []calendar.BusyPeriod) []calendar.BusyPeriod {
	slices.SortFunc(ps, func(a, b calendar.BusyPeriod) int {
		return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End))
	})
	var out []calendar.BusyPeriod
	for _, x := range ps {
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

func value(p *ics.IANAProperty) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(p.Value)
}

// param returns the first value of a property parameter, any case,
// without quotes.
func param(params map[string][]string, name string) string {
	for k, v := range params {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return strings.Trim(v[0], `"`)
		}
	}
	return ""
}
