package api_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// bigWindow is the booking window of issue 8: 52 weeks, the six länsdel
// and partner bodies with 20 meetings each, 00.00–23.59 every day at one
// minute. Planning it grew past 6.4 GB.
func bigWindow() string {
	var weeks []string
	for w := 1; w <= 52; w++ {
		weeks = append(weeks, fmt.Sprintf("%q", fmt.Sprintf("2025-W%02d", w)))
	}
	bodies := []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro", "samverkan-olbf", "samverkan-rf-sisu"}
	var counts []string
	for _, b := range bodies {
		counts = append(counts, fmt.Sprintf("%q: 20", b))
	}
	return fmt.Sprintf(`{"name": "Hela året", "weeks": [%s], "bodies": ["%s"], "counts": {%s}, "duration_minutes": 60,
 "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": [{"from": "00:00", "to": "23:59"}], "granularity_minutes": 1}`,
		strings.Join(weeks, ", "), strings.Join(bodies, `", "`), strings.Join(counts, ", "))
}

// TestBookingWindowBeyondLimits: the window is refused with 400
// naming the limit and the value given, when it is created and when an
// existing window is changed into it; a window stored before the limits
// existed is refused when it is planned or asked for suggestions.
func TestBookingWindowBeyondLimits(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		var legacy *legacyStore
		e := newEnv(t, open, func(o *api.Options) {
			legacy = &legacyStore{Store: o.Store}
			o.Store = legacy
		})
		importRegion(t, e)
		p := wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows", body: bigWindow(), admin: true}),
			http.StatusBadRequest, "the window has 502320 candidate start times", "at most 30000 can be planned", "granularity_minutes larger")
		if !strings.Contains(strings.Join(p.Errors, "\n"), "granularity_minutes must divide an hour and be at least 5") {
			t.Errorf("problems %q do not name the granularity's limit", p.Errors)
		}
		// Half a year around the clock at 5 minutes (the 41-second
		// case), then 120 meetings in 10 weeks.
		var weeks []string
		for w := 1; w <= 26; w++ {
			weeks = append(weeks, fmt.Sprintf(`"2025-W%02d"`, w))
		}
		allDay := `"granularity_minutes": 5, "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": [{"from": "00:00", "to": "23:59"}]`
		wantProblem(t, e.do(req{method: http.MethodPatch, path: "/api/v1/booking-windows/1", admin: true,
			body: `{"weeks": [` + strings.Join(weeks, ", ") + `], ` + allDay + `}`}),
			http.StatusBadRequest, "the window has 45864 candidate start times (182 days on its weekdays × 252 start times a day); at most 30000")
		wantProblem(t, e.do(req{method: http.MethodPatch, path: "/api/v1/booking-windows/1", admin: true,
			body: `{"weeks": [` + strings.Join(weeks[:10], ", ") + `], ` + allDay + `, "counts": {"lansdel-norr": 20, "lansdel-soder": 20,
			"lansdel-vaster": 20, "lansdel-orebro": 20, "samverkan-olbf": 20, "samverkan-rf-sisu": 20}}`}),
			http.StatusBadRequest, "the window has 2116800 placements to weigh (120 meetings × 17640 candidate start times); at most 1000000")

		// Window 1 as if stored before the limits: one-minute steps.
		legacy.granularity.Store(1)
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/1/plan", admin: true}),
			http.StatusBadRequest, "granularity_minutes must divide an hour and be at least 5", "not 1")
		wantProblem(t, e.do(req{method: http.MethodGet, path: "/api/v1/booking-windows/1/suggestions?body=lansdel-norr", admin: true}),
			http.StatusBadRequest, "granularity_minutes must divide an hour and be at least 5", "not 1")
		if strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("a window beyond the limits was logged as an error:\n%s", e.logs)
		}
	})
}

// legacyStore reads booking windows with the granularity set in
// granularity (0: as stored), as a window saved before the limits existed
// would be read.
type legacyStore struct {
	calendar.Store
	granularity atomic.Int64
}

func (s *legacyStore) FindBookingWindowByID(ctx context.Context, id int64) (*calendar.BookingWindow, error) {
	w, err := s.Store.FindBookingWindowByID(ctx, id)
	if g := s.granularity.Load(); err == nil && g != 0 {
		w.GranularityMinutes = int(g)
	}
	return w, err
}

// stoppingStore ends a request at a chosen read: when armed, it calls
// stop after the read and waits for the request's context to end, so that
// what follows runs on an ended context whatever the machine's speed. At
// "window" (the handler's first read) the store's next queries fail; at
// "people" (plan.Load's last read) the search itself starts on an ended
// context.
type stoppingStore struct {
	calendar.Store
	at   atomic.Value // "window", "people" or nil
	stop func()
}

func (s *stoppingStore) stopAt(ctx context.Context, point string) {
	if s.at.CompareAndSwap(point, "") {
		s.stop()
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute): // a hang guard; the test then fails on what it finds
		}
	}
}

func (s *stoppingStore) FindBookingWindowByID(ctx context.Context, id int64) (*calendar.BookingWindow, error) {
	w, err := s.Store.FindBookingWindowByID(ctx, id)
	s.stopAt(ctx, "window")
	return w, err
}

func (s *stoppingStore) FindPeople(ctx context.Context, f calendar.PersonFilter) ([]*calendar.Person, error) {
	people, err := s.Store.FindPeople(ctx, f)
	s.stopAt(ctx, "people")
	return people, err
}

// TestPlanRequestCancelledByClient: a client that goes away while its
// window is planned is not an error, whether the planner is loading
// (the store's queries fail) or searching: no 500, no ERROR line; the
// request is logged at INFO with status 499. Before, the context's error
// was answered 500 and logged as an internal error.
func TestPlanRequestCancelledByClient(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		for _, point := range []string{"window", "people"} {
			t.Run("at "+point, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var st *stoppingStore
				e := newEnv(t, open, func(o *api.Options) {
					st = &stoppingStore{Store: o.Store, stop: cancel}
					o.Store = st
				})
				importRegion(t, e)
				st.at.Store(point)
				hr, err := http.NewRequestWithContext(ctx, http.MethodPost, e.http.URL+"/api/v1/booking-windows/1/plan", nil)
				must(t, err)
				hr.Header.Set("Authorization", "Bearer "+adminToken)
				if res, err := e.client.Do(hr); !errors.Is(err, context.Canceled) {
					t.Fatalf("the cancelled request got %v, %v; want context.Canceled", res, err)
				}
				waitForLog(t, e, "route=/api/v1/booking-windows/{id}/plan")
				logs := e.logs.String()
				for _, want := range []string{`level=INFO msg="request cancelled by the client"`, "status=499"} {
					if !strings.Contains(logs, want) {
						t.Errorf("logs lack %q:\n%s", want, logs)
					}
				}
				if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "status=500") {
					t.Errorf("a cancelled plan request was logged as an error:\n%s", logs)
				}
				if point == "people" && !strings.Contains(logs, `err="context canceled"`) {
					t.Errorf("the search did not end with the context's error:\n%s", logs)
				}
			})
		}
	})
}

// TestPlanRequestStoppedByShutdown: when the server ends the requests'
// base context at shutdown (cause api.ErrShuttingDown, as samkal serve
// does when its shutdown timeout nears), a plan in progress stops and the
// client, still waiting, gets 503 with Retry-After; it is logged at INFO.
func TestPlanRequestStoppedByShutdown(t *testing.T) {
	base, stopAll := context.WithCancelCause(context.Background())
	defer stopAll(nil)
	var st *stoppingStore
	e := newEnv(t, nil, func(o *api.Options) {
		st = &stoppingStore{Store: o.Store, stop: func() { stopAll(api.ErrShuttingDown) }}
		o.Store = st
	})
	importRegion(t, e)
	hs := httptest.NewUnstartedServer(e.srv.Handler())
	hs.Config.BaseContext = func(net.Listener) context.Context { return base }
	hs.Start()
	defer hs.Close()
	e.http = hs
	st.at.Store("people")
	r := e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/1/plan", admin: true})
	wantProblem(t, r, http.StatusServiceUnavailable, "restarting", "try again")
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	waitForLog(t, e, "route=/api/v1/booking-windows/{id}/plan")
	logs := e.logs.String()
	if !strings.Contains(logs, `level=INFO msg="request stopped before it was answered"`) || !strings.Contains(logs, "cause=\"the server is shutting down\"") {
		t.Errorf("logs do not say the request was stopped by the shutdown:\n%s", logs)
	}
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("a request stopped by the shutdown was logged as an error:\n%s", logs)
	}
}

// waitForLog waits until the access log line of a request with text is
// written: the handler of a request whose client went away finishes after
// the client has given up.
func waitForLog(t *testing.T, e *env, text string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing assertion
	for !strings.Contains(e.logs.String(), "msg=request ") || !strings.Contains(e.logs.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no access log line with %q within a minute:\n%s", text, e.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
