package plan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Re-planning a window keeps what it placed before: a meeting the window
// laid in earlier stays where it is unless it now breaks a hard rule (a
// person who must attend is busy then, the room is taken, the day is a
// holiday or no longer one of the window's days, the time is outside its
// hours), so that people's calendars do not churn. Only the meetings that
// break a rule, and those still missing, are planned.

// Placed is a meeting the window laid in earlier, as re-planning finds it.
type Placed struct {
	Body    string
	Meeting *calendar.Meeting
	// Reasons say in Swedish why the meeting must move; empty for one that
	// is kept.
	Reasons []string
}

// Breaks lists, in Swedish, the hard rules that a meeting of body from
// start to end in room ("" digital) breaks in the problem: against the
// window (its days, weekdays, holidays, blackouts, hours and rooms) and
// against the Busy meetings (a person who must attend, with the buffer,
// or the room) and the half days a person who must attend cannot do. It is empty for a meeting that may stay. An unknown body
// has no attendees and clashes through rooms only.
func (p *Problem) Breaks(body string, start, end time.Time, room string) []string {
	w := p.Window
	var out []string
	s := calendar.In(start)
	day := calendar.DateOf(s)
	switch {
	case !slices.Contains(w.Days(), day):
		out = append(out, fmt.Sprintf("%s är inte längre med i bokningsveckorna", day))
	case !slices.Contains(w.Weekdays, calendar.Weekday(day.Weekday())):
		out = append(out, fmt.Sprintf("%s är inte längre en av bokningsveckornas dagar", calendar.SwedishWeekday(day.Weekday())))
	case slices.ContainsFunc(w.Blackouts, func(r calendar.DateRange) bool { return r.Contains(day) }):
		out = append(out, fmt.Sprintf("%s är spärrad i bokningsveckorna", day))
	}
	if name, ok := Holiday(day); ok {
		out = append(out, fmt.Sprintf("%s är en helgdag (%s)", day, name))
	}
	from, to := wallMinutes(s), wallMinutes(s)+int(end.Sub(start)/time.Minute)
	if !slices.ContainsFunc(w.Hours, func(h calendar.TimeSpan) bool { return int(h.From) <= from && to <= int(h.To) }) {
		var hours []string
		for _, h := range w.Hours {
			hours = append(hours, clockSv(h.From)+"–"+clockSv(h.To))
		}
		out = append(out, fmt.Sprintf("tiden %s–%s ligger utanför bokningsveckornas tider (%s)", s.Format("15.04"), calendar.In(end).Format("15.04"), joinSv(hours)))
	}
	if room != "" && len(w.Rooms) > 0 && !slices.Contains(w.Rooms, room) {
		out = append(out, fmt.Sprintf("lokalen %s är inte längre med i bokningsveckorna", p.roomName(room)))
	}
	var attendees []string
	for _, d := range p.Demands {
		if d.Body == body {
			attendees = d.Attendees
		}
	}
	buf := time.Duration(w.BufferMinutes) * time.Minute
	for _, bz := range p.Busy {
		var who []string
		for _, a := range attendees {
			if slices.Contains(bz.People, a) {
				who = append(who, cmpName(p.Names, a))
			}
		}
		if len(who) > 0 && bz.Reason != "" && bz.Start.Before(end) && start.Before(bz.End) {
			out = append(out, bz.Reason)
			continue
		}
		if len(who) > 0 && bz.Reason == "" && bz.Start.Before(end.Add(buf)) && start.Before(bz.End.Add(buf)) {
			out = append(out, fmt.Sprintf("krockar med %s (%s)", bz.Label, joinSv(limitNames(who, 3))))
			continue
		}
		if room != "" && bz.Room == room && bz.Start.Before(end) && start.Before(bz.End) {
			out = append(out, fmt.Sprintf("lokalen %s är bokad för %s", p.roomName(room), bz.Label))
		}
	}
	return out
}

// cmpName is the display name of person key, or the key.
func cmpName(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}

// roomName is a room's display name, or its slug.
func (p *Problem) roomName(slug string) string {
	if n := p.RoomNames[slug]; n != "" {
		return n
	}
	return slug
}

// keepPlaced goes through the window's meetings from an earlier plan,
// body by body in window order and each body's in time order: one that
// breaks no hard rule, and that the body still needs, is kept – it blocks
// its people and room as a Busy meeting, and counts among the body's
// existing meetings for the spread – and the others must move. The
// demands are then cut to what is still missing and those that need
// nothing more leave the problem. It returns the kept and the moved.
func (p *Problem) keepPlaced(own map[string][]*calendar.Meeting) (kept, moved []Placed) {
	w := p.Window
	counts := map[string]int{}
	for i := range p.Demands {
		d := &p.Demands[i]
		for _, m := range own[d.Body] {
			why := p.Breaks(d.Body, m.Start, m.End, m.Room)
			if len(why) == 0 && counts[d.Body] >= d.Count {
				why = []string{"bokningsveckorna ber nu om färre möten för organet"}
			}
			if len(why) > 0 {
				moved = append(moved, Placed{Body: d.Body, Meeting: m, Reasons: why})
				continue
			}
			counts[d.Body]++
			kept = append(kept, Placed{Body: d.Body, Meeting: m})
			p.Busy = append(p.Busy, Busy{Start: m.Start, End: m.End, People: slices.Clone(d.Attendees), Room: m.Room,
				Bodies: slices.Clone(m.Bodies), MeetingID: m.ID, Label: meetingLabel(m, p.BodyNames)})
			d.Existing = append(d.Existing, m.Start)
		}
	}
	if len(kept) == 0 {
		return kept, moved
	}
	rest := *w
	rest.Bodies, rest.Counts, rest.Attendees = nil, nil, nil
	var demands []Demand
	for _, d := range p.Demands {
		d.Count -= counts[d.Body]
		if d.Count <= 0 {
			continue
		}
		rest.Bodies = append(rest.Bodies, d.Body)
		if d.Count != 1 {
			if rest.Counts == nil {
				rest.Counts = map[string]int{}
			}
			rest.Counts[d.Body] = d.Count
		}
		if keys, ok := w.Attendees[d.Body]; ok {
			if rest.Attendees == nil {
				rest.Attendees = map[string][]string{}
			}
			rest.Attendees[d.Body] = keys
		}
		demands = append(demands, d)
	}
	p.Window, p.Demands = &rest, demands
	return kept, moved
}

// keptAssignment is a kept meeting as a plan shows it.
func keptAssignment(k Placed) Assignment {
	return Assignment{Body: k.Body, Start: k.Meeting.Start, End: k.Meeting.End, Room: k.Meeting.Room, Kept: true,
		Reasons: []string{"ligger kvar där det redan är inlagt"}}
}

// TakeSuggestion lays in one of body's suggestions in window w (see
// SuggestWindow) as the window's own proposed meeting, all in one
// transaction: start and room must be those of a suggestion as the store
// is now, or it is ECONFLICT (the time is no longer free). A body that
// still needs a meeting gets a new one, keyed as ApplyWindowPlan keys
// them; one that has all its meetings, one of them the window's, has that
// meeting (its first) moved there; one that has booked otherwise is
// EINVALID. Re-planning keeps the meeting where it is (see PlanWindow).
func TakeSuggestion(ctx context.Context, store calendar.Store, w *calendar.BookingWindow, body string, start time.Time, room string, now time.Time) (*calendar.Meeting, error) {
	if w == nil || w.ID <= 0 {
		return nil, calendar.Errorf(calendar.EINVALID, "only a stored booking window's suggestions can be taken")
	}
	var out *calendar.Meeting
	err := store.InTx(ctx, func(tx calendar.Store) error {
		sg, err := SuggestWindow(ctx, tx, w, body, now, 0)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(sg, func(g Suggestion) bool { return g.Start.Equal(start) && g.Room == room })
		if i < 0 {
			return calendar.Errorf(calendar.ECONFLICT, "%s is not a free time for body %q in booking window %q", start.Format(time.RFC3339), body, w.Name)
		}
		g := sg[i]
		bookings, err := FindWindowBookings(ctx, tx, w)
		if err != nil {
			return err
		}
		b := bookings[slices.Index(w.Bodies, body)]
		var own []*calendar.Meeting
		for _, m := range b.Meetings {
			if IsWindowMeeting(w.ID, m) {
				own = append(own, m)
			}
		}
		location := ""
		if g.Room == "" {
			location = "Digitalt"
		}
		notes := fmt.Sprintf("Förslag från bokningsveckorna %q.", w.Name)
		if b.Done() {
			if len(own) == 0 {
				return calendar.Errorf(calendar.EINVALID, "body %q has booked its meetings in booking window %q already", body, w.Name)
			}
			out, err = tx.UpdateMeeting(ctx, own[0].ID, calendar.MeetingUpdate{Start: &g.Start, End: &g.End, Room: &g.Room, Location: &location, Notes: &notes})
			return err
		}
		for n := 1; ; n++ {
			key := WindowMeetingKey(w.ID, body, n)
			_, err := tx.FindMeetingByKey(ctx, key)
			if err == nil {
				continue
			}
			if !calendar.IsNotFound(err) {
				return err
			}
			out = &calendar.Meeting{Key: key, Kind: calendar.KindMeeting, Bodies: []string{body}, Start: g.Start, End: g.End,
				Status: calendar.StatusProposed, Room: g.Room, Location: location, Notes: notes}
			return tx.CreateMeeting(ctx, out)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
