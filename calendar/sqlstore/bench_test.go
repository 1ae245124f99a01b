package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// BenchmarkFindMeetings reads 1,000 meetings of 20 bodies (every fifth one
// joint) with the filters the feeds use, on both engines. Run with
//
//	go test ./calendar/sqlstore -run '^$' -bench FindMeetings
func BenchmarkFindMeetings(b *testing.B) {
	for _, eng := range sqltest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			s := eng.Open(b, sqlstore.Options{})
			seedMeetings(b, s, 1000)
			// Measure with planner statistics, as autovacuum keeps them on
			// a PostgreSQL in service (without them its plan for PublicOnly
			// is ten times slower; SQLite's plans do not change).
			if err := sqlstore.ExecRaw(context.Background(), s, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			for _, q := range []struct {
				name string
				f    calendar.MeetingFilter
			}{
				{"all", calendar.MeetingFilter{}},
				{"public-year", calendar.MeetingFilter{PublicOnly: true, Year: ptr(2025)}},
				{"person", calendar.MeetingFilter{Person: ptr("person-0")}},
				{"two-bodies", calendar.MeetingFilter{Bodies: []string{"body-1", "body-2"}}},
				{"one-month", calendar.MeetingFilter{From: ptr(day(2025, 6, 1).Start()), To: ptr(day(2025, 7, 1).Start())}},
			} {
				b.Run(q.name, func(b *testing.B) {
					ctx := context.Background()
					var n int
					for b.Loop() {
						ms, err := s.FindMeetings(ctx, q.f)
						if err != nil {
							b.Fatal(err)
						}
						n = len(ms)
					}
					b.ReportMetric(float64(n), "meetings/op")
				})
			}
		})
	}
}

// seedMeetings stores n one-hour meetings 17 hours apart from 2025-01-01,
// 20 bodies (even ones public), 5 rooms and 50 people with 3 memberships
// each, in one transaction.
func seedMeetings(b testing.TB, s *sqlstore.Store, n int) {
	b.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx calendar.Store) error {
		for i := range 20 {
			vis := calendar.Restricted
			if i%2 == 0 {
				vis = calendar.Public
			}
			if err := tx.CreateBody(ctx, &calendar.Body{Slug: fmt.Sprintf("body-%d", i), Name: fmt.Sprintf("Organ %d", i),
				Kind: calendar.BodyManagementGroup, Visibility: vis}); err != nil {
				return err
			}
		}
		for i := range 5 {
			if err := tx.CreateRoom(ctx, &calendar.Room{Slug: fmt.Sprintf("room-%d", i), Name: fmt.Sprintf("Lokal %d", i)}); err != nil {
				return err
			}
		}
		for i := range 50 {
			key := fmt.Sprintf("person-%d", i)
			if err := tx.CreatePerson(ctx, &calendar.Person{Key: key, Name: key}); err != nil {
				return err
			}
			for j := range 3 {
				m := &calendar.Membership{Body: fmt.Sprintf("body-%d", (i+j*7)%20), Person: key, Role: calendar.RoleMember}
				if j == 0 {
					m.From, m.Until = day(2025, 3, 1), day(2025, 12, 31)
				}
				if err := tx.CreateMembership(ctx, m); err != nil {
					return err
				}
			}
		}
		start := day(2025, 1, 1).At(9, 0)
		for i := range n {
			bodies := []string{fmt.Sprintf("body-%d", i%20)}
			if i%5 == 0 {
				bodies = append(bodies, fmt.Sprintf("body-%d", (i+3)%20))
			}
			st := start.Add(time.Duration(i) * 17 * time.Hour)
			if err := tx.CreateMeeting(ctx, &calendar.Meeting{Title: fmt.Sprintf("Möte %d", i), Bodies: bodies,
				Start: st, End: st.Add(time.Hour), Room: fmt.Sprintf("room-%d", i%5), Status: calendar.StatusConfirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
