package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestConflictReasonsInSwedish: when no plan fits, each conflict says in
// Swedish, with names and not keys or slugs, which bodies, which person
// they share (or who is busy, or which room is short), the days they could
// use, and the holidays left out of the window; no English reaches it.
func TestConflictReasonsInSwedish(t *testing.T) {
	// Week 22 of 2025, Thursday (Kristi himmelsfärds dag) and Friday,
	// one hour a day: one slot, Friday 30 May 09.00.
	tight := func() *calendar.BookingWindow {
		w := window("2025-W22")
		w.Weekdays = []calendar.Weekday{4, 5}
		w.Hours = []calendar.TimeSpan{{From: 9 * 60, To: 10 * 60}}
		return w
	}
	names := func(p *Problem) *Problem {
		p.Names = map[string]string{"maria": "Maria Lindborg", "anna": "Anna Berg", "olof": "Olof Sten"}
		p.BodyNames = map[string]string{"organ-1": "Länsdel Norr", "organ-2": "Länsdel Söder"}
		p.RoomNames = map[string]string{"lokal-eken": "Lokal Eken"}
		return p
	}
	friday := time.Date(2025, 5, 30, 9, 0, 0, 0, calendar.Location)
	rooms := tight()
	rooms.Rooms = []string{"lokal-eken"}
	tests := []struct {
		name string
		p    *Problem
		want []string
	}{
		{"a shared person", names(problemOf(tight(), []string{"maria", "anna"}, []string{"maria", "olof"})),
			[]string{"Länsdel Norr och Länsdel Söder kan inte alla få en tid", "de delar Maria Lindborg", "möjliga dagar: 2025-05-30", "2025-05-29 (", "är en helgdag och räknas inte"}},
		{"a room too few", names(problemOf(rooms, []string{"anna"}, []string{"olof"})),
			[]string{"Länsdel Norr och Länsdel Söder kan inte alla få en tid", "lokalerna (Lokal Eken) räcker inte"}},
		{"a busy person", func() *Problem {
			p := names(problemOf(tight(), []string{"maria", "anna"}))
			p.Busy = []Busy{{Start: friday, End: friday.Add(time.Hour), People: []string{"maria"}, Label: "Chefsgrupp folkhälsa 2025-05-30 09.00"}}
			return p
		}(), []string{"Länsdel Norr har ingen ledig tid i fönstret: Maria Lindborg är upptagen alla möjliga tider."}},
	}
	english := []string{"the ", " and ", "cannot", "budget", "room ", "body ", "organ-", "lokal-eken", "maria"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Solve(context.Background(), tc.p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Feasible || len(res.Conflicts) != 1 {
				t.Fatalf("feasible %v, %d conflicts; want one conflict", res.Feasible, len(res.Conflicts))
			}
			c := res.Conflicts[0]
			for _, w := range tc.want {
				if !strings.Contains(c.Reason, w) {
					t.Errorf("the reason lacks %q: %s", w, c.Reason)
				}
			}
			if len(c.Holidays) != 1 || !strings.HasPrefix(c.Holidays[0], "2025-05-29 (") {
				t.Errorf("holidays %v, want Kristi himmelsfärds dag", c.Holidays)
			}
			texts := []string{c.Reason}
			for _, a := range res.Assignments {
				texts = append(texts, a.Violations...)
				texts = append(texts, a.Reasons...)
			}
			for _, s := range texts {
				for _, e := range english {
					if strings.Contains(s, e) {
						t.Errorf("%q has %q", s, e)
					}
				}
			}
		})
	}
}
