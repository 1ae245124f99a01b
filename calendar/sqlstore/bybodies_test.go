package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestFindByBodies: the Bodies filters of memberships and people, and the
// agendas of several meetings, which the email scan reads for its whole
// window at once.
func TestFindByBodies(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
			e := &env{t: t, s: eng.Open(t, sqlstore.Options{Now: clk.Now}), clock: clk, ctx: context.Background()}
			for _, b := range []string{"a", "b", "c"} {
				e.body(b, calendar.Public)
			}
			for _, p := range []string{"anna", "bo", "cia", "dag"} {
				e.person(p)
			}
			e.membership("a", "anna", calendar.Date{}, calendar.Date{})
			e.membership("a", "bo", calendar.Date{}, day(2025, 12, 31)) // ended: still a membership
			e.membership("b", "bo", calendar.Date{}, calendar.Date{})
			e.membership("c", "cia", calendar.Date{}, calendar.Date{})

			ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{Bodies: []string{"a", "b"}})
			must(t, err)
			var got []string
			for _, m := range ms {
				got = append(got, m.Body+":"+m.Person)
			}
			if g := strings.Join(got, ","); g != "a:anna,a:bo,b:bo" {
				t.Errorf("memberships of a and b = %s, want a:anna,a:bo,b:bo", g)
			}
			people, err := e.s.FindPeople(e.ctx, calendar.PersonFilter{Bodies: []string{"a", "b"}})
			must(t, err)
			got = nil
			for _, p := range people {
				got = append(got, p.Key)
			}
			if g := strings.Join(got, ","); g != "anna,bo" {
				t.Errorf("people of a and b = %s, want anna,bo (each once)", g)
			}
			m1 := e.meeting("Ett", day(2026, 2, 3), 9, 10, "a")
			m2 := e.meeting("Två", day(2026, 2, 4), 9, 10, "b")
			m3 := e.meeting("Tre", day(2026, 2, 5), 9, 10, "c")
			e.item(m1.ID, "Andra", 0)
			e.item(m1.ID, "Första", 1)
			e.item(m2.ID, "Enda", 0)
			e.item(m3.ID, "Annat möte", 0)
			agendas, err := e.s.FindAgendas(e.ctx, []int64{m1.ID, m2.ID, 999})
			must(t, err)
			var titles []string
			for _, id := range []int64{m1.ID, m2.ID, 999} {
				for _, a := range agendas[id] {
					titles = append(titles, a.Title)
				}
				titles = append(titles, "|")
			}
			if g := strings.Join(titles, ","); g != "Första,Andra,|,Enda,|,|" || len(agendas) != 2 {
				t.Errorf("agendas of two meetings and an unknown one = %s (%d meetings), want Första,Andra,|,Enda,|,| (2)", g, len(agendas))
			}
			// Limit counts meetings, not their rows per body: a joint
			// meeting of two bodies is one, with both bodies.
			joint := e.meeting("Gemensamt", day(2026, 2, 2), 9, 10, "a", "b")
			from := day(2026, 2, 1).Start()
			first, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{From: &from, Limit: 2})
			must(t, err)
			if len(first) != 2 || first[0].ID != joint.ID || len(first[0].Bodies) != 2 || first[1].ID != m1.ID {
				t.Errorf("the first 2 meetings from 1 Feb = %v; want the joint meeting (2 bodies) and Ett", first)
			}
			next, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{From: &from, Limit: 2,
				After: &calendar.MeetingPlace{Start: first[1].Start, ID: first[1].ID}})
			must(t, err)
			if len(next) != 2 || next[0].ID != m2.ID || next[1].ID != m3.ID {
				t.Errorf("the 2 meetings after Ett = %v; want Två and Tre", next)
			}
			if all, _ := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{From: &from}); len(all) != 4 {
				t.Errorf("without a limit %d meetings; want 4", len(all))
			}
			if ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{Bodies: []string{}}); err != nil || len(ms) != 0 {
				t.Errorf("memberships of no bodies = %d, %v; want none", len(ms), err)
			}
			if ps, err := e.s.FindPeople(e.ctx, calendar.PersonFilter{Bodies: []string{}}); err != nil || len(ps) != 0 {
				t.Errorf("people of no bodies = %d, %v; want none", len(ps), err)
			}
		})
	}
}
