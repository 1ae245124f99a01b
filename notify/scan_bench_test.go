package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// BenchmarkScan measures the scan that derives due email: 20 meetings of
// 50 members each whose kallelse is due, so that one scan queues 1,000
// kallelser (each composed with its invitation, signed and inserted); and
// the scan that follows, which finds everything handled (the cost every
// scheduled run pays). Figures: docs/benchmarks.md, "Email scan".
func BenchmarkScan(b *testing.B) {
	for _, key := range []string{"ed25519", "rsa2048"} {
		b.Run("queue-1000/"+key, func(b *testing.B) {
			signer := newSigner(b, key)
			for i := range b.N {
				b.StopTimer()
				st := benchRegion(b, filepath.Join(b.TempDir(), fmt.Sprintf("scan%d.db", i)))
				s := newScanner(st, signer, nil)
				b.StartTimer()
				stats, err := s.Run(context.Background(), benchNow)
				if err != nil || stats.Enqueued != 1000 {
					b.Fatalf("scan queued %d, err %v; want 1,000", stats.Enqueued, err)
				}
			}
			b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "queued/s")
		})
	}
	b.Run("nothing-new", func(b *testing.B) {
		st := benchRegion(b, filepath.Join(b.TempDir(), "steady.db"))
		s := newScanner(st, nil, nil)
		if _, err := s.Run(context.Background(), benchNow); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			stats, err := s.Run(context.Background(), benchNow)
			if err != nil || stats.Enqueued != 0 {
				b.Fatalf("a repeated scan queued %d, err %v", stats.Enqueued, err)
			}
		}
	})
}

var benchNow = time.Date(2026, 3, 25, 8, 30, 0, 0, calendar.Location)

// benchRegion stores 20 bodies of 50 members, each with a confirmed
// meeting on 2026-03-30, in a SQLite file.
func benchRegion(b *testing.B, file string) calendar.Store {
	b.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, file, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	err = st.InTx(ctx, func(tx calendar.Store) error {
		for i := range 20 {
			body := fmt.Sprintf("grupp-%d", i)
			if err := tx.CreateBody(ctx, &calendar.Body{Slug: body, Name: fmt.Sprintf("Grupp %d", i),
				Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}); err != nil {
				return err
			}
			for j := range 50 {
				k := fmt.Sprintf("person-%d-%d", i, j)
				if err := tx.CreatePerson(ctx, &calendar.Person{Key: k, Name: fmt.Sprintf("Person %d %d", i, j),
					Email: k + "@kommun.test.example"}); err != nil {
					return err
				}
				if err := tx.CreateMembership(ctx, &calendar.Membership{Body: body, Person: k, Role: calendar.RoleMember}); err != nil {
					return err
				}
			}
			start := time.Date(2026, 3, 30, 9, i, 0, 0, calendar.Location)
			if err := tx.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{body},
				Start: start, End: start.Add(time.Hour), Status: calendar.StatusConfirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return st
}
