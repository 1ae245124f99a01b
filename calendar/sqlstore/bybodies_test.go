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

// TestFindByBodies: the Bodies filters of memberships and people, which
// the email scan reads for all the bodies of its window at once.
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
			if ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{Bodies: []string{}}); err != nil || len(ms) != 0 {
				t.Errorf("memberships of no bodies = %d, %v; want none", len(ms), err)
			}
			if ps, err := e.s.FindPeople(e.ctx, calendar.PersonFilter{Bodies: []string{}}); err != nil || len(ps) != 0 {
				t.Errorf("people of no bodies = %d, %v; want none", len(ps), err)
			}
		})
	}
}
