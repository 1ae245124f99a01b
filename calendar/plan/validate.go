package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// validate collects every problem at once, as calendar's validators do, so
// that a secretary fixes the window in one round trip.
func (p *Problem) validate() error {
	if p == nil || p.Window == nil {
		return calendar.Errorf(calendar.EINVALID, "a planning problem needs a booking window")
	}
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	w := p.Window
	if err := w.Validate(); err != nil {
		var ce *calendar.Error
		if errors.As(err, &ce) && len(ce.Details) > 0 {
			probs = append(probs, ce.Details...)
		} else {
			probs = append(probs, calendar.ErrorMessage(err))
		}
		// The rest needs a sound window: hours, weeks and duration.
		return invalid(probs)
	}
	if len(p.Demands) != len(w.Bodies) {
		add("the problem has %d demands but the window has %d bodies; give one demand per body, in window order", len(p.Demands), len(w.Bodies))
	}
	seen := map[string]bool{}
	for i, d := range p.Demands {
		if seen[d.Body] {
			add("body %q has two demands", d.Body)
		}
		seen[d.Body] = true
		if i < len(w.Bodies) && w.Bodies[i] != d.Body {
			add("demand %d is for body %q but the window's body %d is %q", i+1, d.Body, i+1, w.Bodies[i])
		}
		if d.Count < 1 || d.Count > calendar.MaxWindowCount {
			add("body %q: the number of meetings must be 1–%d, not %d", d.Body, calendar.MaxWindowCount, d.Count)
		}
		if len(d.Attendees) == 0 {
			add("body %q has nobody who must attend: give it members with a role that blocks (%s) or list its attendees in the window", d.Body, roleList())
		}
		if slices.Contains(d.Attendees, "") {
			add("body %q has an attendee without a key", d.Body)
		}
		if d.UsualStart != nil && (*d.UsualStart < 0 || *d.UsualStart >= 24*60) {
			add("body %q: usual start %d is not a time of day", d.Body, int(*d.UsualStart))
		}
		if d.UsualWeekday != nil && (*d.UsualWeekday < 0 || *d.UsualWeekday > 6) {
			add("body %q: usual weekday %d is not a weekday", d.Body, int(*d.UsualWeekday))
		}
	}
	for _, b := range p.Busy {
		if !b.End.After(b.Start) {
			add("busy meeting %q ends (%s) before it starts (%s)", b.Label, b.End.Format("2006-01-02 15:04"), b.Start.Format("2006-01-02 15:04"))
		}
	}
	days, holidays, blacked := allowedDays(w)
	if len(days) == 0 {
		add("the window has no day to meet on: of its %d days, %s", len(w.Days()), whyNoDays(w, holidays, blacked))
	} else if len(candidateTimes(w, days)) == 0 {
		add("the window has no start time for a %d-minute meeting inside its hours on its %d days", w.DurationMinutes, len(days))
	}
	return invalid(probs)
}

// whyNoDays explains an empty window.
func whyNoDays(w *calendar.BookingWindow, holidays []string, blacked int) string {
	var parts []string
	inWeekdays := 0
	for _, d := range w.Days() {
		if slices.Contains(w.Weekdays, calendar.Weekday(d.Weekday())) {
			inWeekdays++
		}
	}
	parts = append(parts, fmt.Sprintf("%d fall on the allowed weekdays", inWeekdays))
	if len(holidays) > 0 {
		parts = append(parts, fmt.Sprintf("%d of those are holidays (%s)", len(holidays), strings.Join(holidays, ", ")))
	}
	if blacked > 0 {
		parts = append(parts, fmt.Sprintf("%d are in blackout periods", blacked))
	}
	return strings.Join(parts, ", ")
}

func roleList() string {
	var s []string
	for _, r := range calendar.BlockingRoles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// invalid returns one EINVALID error holding every problem, or nil.
func invalid(probs []string) error {
	if len(probs) == 0 {
		return nil
	}
	msg := probs[0]
	if len(probs) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", probs[0], len(probs)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: slices.Clone(probs)}
}

// warnings are things a secretary should know but that do not stop
// planning: weeks already past (what-if planning is allowed), a passed
// booking deadline, days of the window left out because they are holidays.
func (p *Problem) warnings() []string {
	if p == nil || p.Window == nil {
		return nil
	}
	w := p.Window
	var out []string
	if !p.Now.IsZero() {
		today := calendar.DateOf(p.Now)
		weeks := slices.Clone(w.Weeks)
		slices.SortFunc(weeks, func(a, b calendar.ISOWeek) int { return strings.Compare(a.String(), b.String()) })
		weeks = slices.Compact(weeks)
		for _, wk := range weeks {
			if wk.Monday().AddDays(6).Before(today) {
				out = append(out, fmt.Sprintf("week %s is in the past; the plan is a what-if", wk))
			} else if wk.Monday().Before(today.AddDays(1)) {
				out = append(out, fmt.Sprintf("week %s has begun; days before %s are still planned as if free", wk, today))
			}
		}
		if !w.Deadline.IsZero() && w.Deadline.Before(today) {
			out = append(out, fmt.Sprintf("the booking deadline %s has passed", w.Deadline))
		}
	}
	_, holidays, _ := allowedDays(w)
	for _, h := range holidays {
		out = append(out, fmt.Sprintf("%s is a holiday and is left out", h))
	}
	return out
}
