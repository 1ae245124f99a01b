package busy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// TestRefresh: the job fetches the calendars that are due, skips those
// fetched within the hour, sends the ETag back, and stores an error
// without losing the periods.
func TestRefresh(t *testing.T) {
	data, err := os.ReadFile("testdata/nextcloud_personligt.ics")
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			var hits, revalidated atomic.Int32
			var broken atomic.Bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				switch {
				case broken.Load():
					http.Error(w, "nej", http.StatusForbidden)
				case r.Header.Get("If-None-Match") == `"n1"`:
					revalidated.Add(1)
					w.WriteHeader(http.StatusNotModified)
				default:
					w.Header().Set("ETag", `"n1"`)
					w.Write(data)
				}
			}))
			defer srv.Close()
			now := time.Date(2026, 10, 12, 9, 0, 0, 0, calendar.Location)
			s := eng.Open(t, sqlstore.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			for _, key := range []string{"anna", "bo"} {
				if err := s.CreatePerson(ctx, &calendar.Person{Key: key, Name: key}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.SetBusyFeed(ctx, key, srv.URL+"/"+key+".ics"); err != nil {
					t.Fatal(err)
				}
			}
			f := &busy.Fetcher{AllowInternal: true, Timeout: 5 * time.Second}
			run := func(at time.Time, want int) {
				t.Helper()
				n, err := busy.Refresh(ctx, s, f, at, time.Hour)
				if err != nil || n != want {
					t.Fatalf("Refresh at %v = %d, %v; want %d", at.Format("15:04"), n, err, want)
				}
			}
			run(now, 2)
			run(now.Add(30*time.Minute), 0) // fetched within the hour
			run(now.Add(61*time.Minute), 2) // due: revalidated with the ETag
			if hits.Load() != 4 || revalidated.Load() != 2 {
				t.Errorf("%d requests, %d revalidated; want 4 and 2", hits.Load(), revalidated.Load())
			}
			broken.Store(true)
			run(now.Add(122*time.Minute), 2)
			feed, err := s.FindBusyFeed(ctx, "anna")
			if err != nil {
				t.Fatal(err)
			}
			ps, err := s.FindBusyPeriods(ctx, []string{"anna"}, now, now.AddDate(0, 1, 0))
			if err != nil {
				t.Fatal(err)
			}
			if feed.Periods != 7 || len(ps["anna"]) != 7 || feed.Error == "" || !feed.OKAt.Equal(now.Add(61*time.Minute)) {
				t.Errorf("after a 403: %d periods (%d stored), error %q, read well at %v; want the 7 kept, an error, 10.01",
					feed.Periods, len(ps["anna"]), feed.Error, feed.OKAt)
			}
		})
	}
}
