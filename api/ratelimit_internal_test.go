package api

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
)

// TestLimiterKeysBounded: however many different keys (random tokens,
// rotating addresses) come by, a limit remembers at most its cap, and a
// key in use stays remembered (least recently used goes first).
func TestLimiterKeysBounded(t *testing.T) {
	const keys = 500
	l := newLimiter("token", Rate{Burst: 3, Every: time.Minute}, keys)
	now := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	for range 3 {
		l.take("busy", now)
	}
	for i := range 50_000 {
		l.take(rand.Text(), now)
		if i%100 == 0 {
			l.wait("busy", now) // in use: kept
		}
		if n := l.buckets.Len(); n > keys {
			t.Fatalf("after %d random keys the limit holds %d keys, more than its cap %d", i+1, n, keys)
		}
	}
	if d := l.take("busy", now); d <= 0 {
		t.Errorf("the busy key was forgotten: it has a full bucket again")
	}
	// The same through a Server: random tokens and addresses leave every
	// limit at or below RateLimits.Keys.
	s := &Server{now: func() time.Time { return now }, log: slog.New(slog.DiscardHandler)}
	var err error
	if s.metrics, err = newMetrics(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = newPages(); err != nil {
		t.Fatal(err)
	}
	s.limits = newLimits(RateLimits{Keys: keys}, []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")})
	const route = "/anmalan/{token}"
	limitedAt := 0
	for i := range 5_000 {
		r := httptest.NewRequest(http.MethodPost, "/anmalan/x", nil) // RemoteAddr 192.0.2.1, a trusted proxy
		r.Header.Set("X-Forwarded-For", netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String())
		r = mux.SetURLVars(r, map[string]string{"token": rand.Text()})
		if s.limited(httptest.NewRecorder(), r, route) {
			limitedAt = i
			break
		}
		s.accountMiss(r, route, http.StatusNotFound)
	}
	if limitedAt != 0 {
		t.Errorf("request %d from a new address with a new token was limited", limitedAt)
	}
	for _, l := range []*limiter{s.limits.misses, s.limits.address, s.limits.token, s.limits.writes} {
		if n := l.buckets.Len(); n > keys {
			t.Errorf("limit %s holds %d keys, more than %d", l.name, n, keys)
		}
	}
}

// TestClientAddr: the peer is the client unless it is a trusted proxy;
// X-Forwarded-For is read from the right, and the client's own claims
// left of the first untrusted hop are never believed; IPv6 counts per /64.
func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	for _, tc := range []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"direct", "203.0.113.7:4711", nil, "203.0.113.7"},
		{"direct ignores the header", "203.0.113.7:4711", []string{"198.51.100.1"}, "203.0.113.7"},
		{"through a proxy", "10.0.0.2:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a client's claim is not believed", "10.0.0.2:80", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"two proxies", "10.0.0.2:80", []string{"198.51.100.1, 10.1.1.1"}, "198.51.100.1"},
		{"two headers", "10.0.0.2:80", []string{"6.6.6.6", "198.51.100.1, 10.1.1.1"}, "198.51.100.1"},
		{"only proxies", "10.0.0.2:80", []string{"10.9.9.9"}, "10.9.9.9"},
		{"no header from a proxy", "10.0.0.2:80", nil, "10.0.0.2"},
		{"junk from a proxy", "10.0.0.2:80", []string{"198.51.100.1, junk"}, "10.0.0.2"},
		{"IPv6 per /64", "[2001:db8:1:2:aaaa::1]:443", nil, "2001:db8:1:2::"},
		{"IPv6 through an IPv6 proxy", "[2001:db8:ffff::5]:443", []string{"2001:db8:7:8:9::1"}, "2001:db8:7:8::"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.9]:1", nil, "203.0.113.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, trusted).String(); got != tc.want {
				t.Errorf("clientAddr = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestAccessLevel pins the access log's levels (see accessLevel).
func TestAccessLevel(t *testing.T) {
	const slow = time.Second
	for _, tc := range []struct {
		method, route string
		status        int
		elapsed       time.Duration
		want          slog.Level
	}{
		{"GET", "/feeds/all.ics", 200, time.Millisecond, slog.LevelDebug},
		{"GET", "/feeds/people/{token}.ics", 304, time.Millisecond, slog.LevelDebug},
		{"GET", "/feeds/people/{token}.ics", 404, time.Millisecond, slog.LevelInfo},
		{"GET", "/justering/{token}", 410, time.Millisecond, slog.LevelInfo},
		{"GET", "/api/v1/meetings", 400, time.Millisecond, slog.LevelDebug},
		{"GET", "/api/v1/meetings", 401, time.Millisecond, slog.LevelInfo},
		{"GET", "unmatched", 404, time.Millisecond, slog.LevelDebug},
		{"other", "unknown_method", 501, time.Millisecond, slog.LevelDebug},
		{"POST", "/api/v1/rooms", 201, time.Millisecond, slog.LevelInfo},
		{"DELETE", "/api/v1/rooms/{slug}", 404, time.Millisecond, slog.LevelInfo},
		{"POST", "/anmalan/{token}", 429, time.Millisecond, slog.LevelDebug},
		{"GET", "/feeds/all.ics", 200, 2 * time.Second, slog.LevelWarn},
		{"GET", "/feeds/all.ics", 500, time.Millisecond, slog.LevelError},
	} {
		if got := accessLevel(tc.method, tc.route, tc.status, tc.elapsed, slow); got != tc.want {
			t.Errorf("%s %s %d in %s: %s, want %s", tc.method, tc.route, tc.status, tc.elapsed, got, tc.want)
		}
	}
}
