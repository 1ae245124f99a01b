package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// actorStore is a real store that notes the actor of every write the scan
// makes through it.
type actorStore struct {
	calendar.Store
	mu   sync.Mutex
	seen []calendar.Actor
}

func (s *actorStore) note(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, calendar.ActorFrom(ctx))
}

func (s *actorStore) EnsureLink(ctx context.Context, p calendar.LinkPurpose, meetingID int64, person string, expires time.Time) (*calendar.PersonalLink, error) {
	s.note(ctx)
	return s.Store.EnsureLink(ctx, p, meetingID, person, expires)
}

func (s *actorStore) EnqueueMessage(ctx context.Context, m *calendar.OutboxMessage) (bool, error) {
	s.note(ctx)
	return s.Store.EnqueueMessage(ctx, m)
}

// TestScanRecordsItsActor: what the email scan writes, it writes as the
// scan, whatever the context it was called with carried.
func TestScanRecordsItsActor(t *testing.T) {
	st := &actorStore{Store: sqltest.SQLite(t, sqlstore.Options{})}
	newRegion(t, st, local("2026-03-30 10:00"))
	s := newScanner(st, nil, nil)
	ctx := calendar.WithActor(context.Background(), calendar.Actor{Via: calendar.ViaCLI})
	stats, err := s.Run(ctx, local("2026-03-16 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if stats.Enqueued == 0 || len(st.seen) == 0 {
		t.Fatalf("the scan enqueued %d and wrote %d times; want the calls written", stats.Enqueued, len(st.seen))
	}
	for _, a := range st.seen {
		if a.Via != calendar.ViaScan {
			t.Fatalf("a write of the scan carried actor %+v, want via %q", a, calendar.ViaScan)
		}
	}
}
