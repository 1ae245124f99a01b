package sqlstore_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestSQLitePoolBounded: forty requests at once share a bounded pool of
// SQLite connections rather than open one each (each connection keeps its
// own page cache outside Go's heap: unbounded, 50 clients grew the server
// by 175 MB). Those beyond the bound wait their turn, and all succeed.
func TestSQLitePoolBounded(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "pool.db"), sqlstore.Options{})
	must(t, err)
	t.Cleanup(func() { s.Close() })
	bound := sqlstore.SQLiteConns()
	if bound < 4 || bound > 16 {
		t.Fatalf("the bound is %d connections, want 4 to 16", bound)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each holds its connection a while, so that all forty want
			// one at once.
			errs <- s.InTx(ctx, func(tx calendar.Store) error {
				time.Sleep(20 * time.Millisecond)
				_, err := tx.FindBodies(ctx, calendar.BodyFilter{})
				return err
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	st := sqlstore.DBStats(s)
	if st.MaxOpenConnections != bound || st.OpenConnections > bound {
		t.Errorf("pool: at most %d open, %d open now; want the bound %d", st.MaxOpenConnections, st.OpenConnections, bound)
	}
	if st.WaitCount == 0 {
		t.Errorf("no request waited for a connection: forty ran on forty connections")
	}
}
