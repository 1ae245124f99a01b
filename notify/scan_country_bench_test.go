package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// BenchmarkScanCountry is the scheduled scan at the size of a country
// (issue 12): the generated regions (SAMKAL_BENCH_REGIONS, default 1 so
// that CI's run of every benchmark stays short; 21 is the country) are
// imported, one scan queues what is due on Monday 2
// March 2026, and then the benchmark times the scan that finds nothing
// new – what every five-minute run pays – first as it is, then with a
// year of mail history (SAMKAL_BENCH_HISTORY rows, default 2,000; a year
// of the country is about 480,000, under the keys of the year's past
// meetings) in the outbox. Both
// engines. Figures: docs/benchmarks.md, "The country".
func BenchmarkScanCountry(b *testing.B) {
	regions := envInt(b, "SAMKAL_BENCH_REGIONS", 1)
	history := envInt(b, "SAMKAL_BENCH_HISTORY", 2_000)
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Location)
	for _, e := range sqltest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			st := e.Open(b, sqlstore.Options{Now: func() time.Time { return now }})
			if err := arsplan.ApplyGenerated(context.Background(), st, regions); err != nil {
				b.Fatal(err)
			}
			s := newScanner(st, nil, nil)
			ctx := context.Background()
			first, err := s.Run(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			sendAll(b, st, now)
			steady := func(b *testing.B) {
				for range b.N {
					stats, err := s.Run(ctx, now)
					if err != nil || stats.Enqueued != 0 {
						b.Fatalf("a repeated scan queued %d, err %v", stats.Enqueued, err)
					}
				}
			}
			b.Run(fmt.Sprintf("nothing-new/queued-%d", first.Enqueued), steady)
			addHistory(b, st, history, now)
			b.Run(fmt.Sprintf("nothing-new/history-%d", history), steady)
		})
	}
}

// addHistory puts rows sent messages in the outbox under the keys of the
// meetings of the year before now, as a year of scans and deliveries
// leaves them.
func addHistory(b testing.TB, st calendar.Store, rows int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	from := now.AddDate(-1, 0, 0)
	past, err := st.FindMeetings(ctx, calendar.MeetingFilter{From: &from, To: &now})
	if err != nil || len(past) == 0 {
		b.Fatalf("past meetings: %d, %v", len(past), err)
	}
	body := bytes.Repeat([]byte("x"), 6000) // a signed kallelse is about 6 KB
	for done := 0; done < rows; {
		err := st.InTx(ctx, func(tx calendar.Store) error {
			for i := 0; i < 5000 && done < rows; i, done = i+1, done+1 {
				m := past[done%len(past)]
				msg := &calendar.OutboxMessage{Key: fmt.Sprintf("m%d/kallelse/historik-%d/r0", m.ID, done),
					Kind: "kallelse", MeetingID: m.ID, Recipient: "historik@example.se", Subject: "Kallelse", Body: body}
				if _, err := tx.EnqueueMessage(ctx, msg); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		sendAll(b, st, now)
	}
}

// sendAll marks every queued message sent, as the delivery would.
func sendAll(b testing.TB, st calendar.Store, now time.Time) {
	b.Helper()
	ctx := context.Background()
	for {
		ms, err := st.ClaimMessages(ctx, "bench", now, time.Hour, 1000, true)
		if err != nil {
			b.Fatal(err)
		}
		if len(ms) == 0 {
			return
		}
		for _, m := range ms {
			if err := st.MarkMessageSent(ctx, m.ID, "bench", now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func envInt(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("%s=%q: %v", name, v, err)
		}
		return n
	}
	return def
}
