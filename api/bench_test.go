package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// The feed-serving benchmarks compare serving the cached region-wide feed
// of 1,000 meetings through the whole Handler (router, logging, metrics,
// recovery, cross-origin check, cache lookup, validators) with a bare
// handler that writes the same bytes with the same headers. The figures
// are in docs/benchmarks.md under "Feed serving".

// benchFeed starts a server on SQLite with 1,000 meetings (every weekday
// from January 2025 on, 13.00–16.30, in two rooms, four bodies, every
// tenth a joint meeting, every seventh cancelled) and returns its handler.
// The server runs on the real clock, so the cache asks the store for the
// data version once a second, as in production.
func benchFeed(b *testing.B, opts ...func(*api.Options)) http.Handler {
	b.Helper()
	e := newEnv(b, nil, append([]func(*api.Options){func(o *api.Options) { o.Now = nil }}, opts...)...)
	e.clock.Set(time.Now())
	ctx := context.Background()
	must(b, e.store.InTx(ctx, func(tx calendar.Store) error {
		for _, r := range []*calendar.Room{
			{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro"},
			{Slug: "lokal-enen", Name: "Lokal Enen", Address: "Eklundavägen 1, Örebro"},
		} {
			if err := tx.CreateRoom(ctx, r); err != nil {
				return err
			}
		}
		bodies := []string{"chefsgrupp-folkhalsa", "chefsgrupp-social-valfard", "skolchefsgruppen", "regionala-samverkansradet"}
		for _, slug := range bodies {
			if err := tx.CreateBody(ctx, &calendar.Body{Slug: slug, Name: "Organ " + slug, Kind: calendar.BodyManagementGroup, Visibility: calendar.Public}); err != nil {
				return err
			}
		}
		day := calendar.Date{Year: 2025, Month: time.January, Day: 6}
		for n := 0; n < 1000; day = day.AddDays(1) {
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{bodies[n%len(bodies)]},
				Start: day.At(13, 0), End: day.At(16, 30), Status: calendar.StatusConfirmed,
				Room: []string{"lokal-eken", "lokal-enen"}[n%2], Notes: secretNote}
			if n%10 == 0 {
				m.Bodies = bodies[:3]
				m.Title = fmt.Sprintf("Gemensamt möte %d", n)
			}
			if n%7 == 0 {
				m.Status = calendar.StatusCancelled
			}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			n++
		}
		return nil
	}))
	return e.srv.Handler()
}

// serveBench runs h for req and reports the body size, and the process's
// CPU time per request (user and system, GC included): on a machine shared
// with other work the wall-clock ns/op swings widely, CPU time far less.
func serveBench(b *testing.B, h http.Handler, req *http.Request, wantStatus int) {
	b.Helper()
	b.ReportAllocs()
	var rec *httptest.ResponseRecorder
	runtime.GC() // the garbage of the set-up, or of the benchmark before, is not this one's cost
	cpu0 := cpuTime(b)
	for b.Loop() {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if rec.Code != wantStatus {
		b.Fatalf("status %d, want %d: %s", rec.Code, wantStatus, rec.Body)
	}
	b.ReportMetric(float64(rec.Body.Len()), "bytes/resp")
}

// cpuTime is the CPU time this process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func feedRequest(acceptEncoding string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/feeds/all.ics", nil)
	if acceptEncoding != "" {
		r.Header.Set("Accept-Encoding", acceptEncoding)
	}
	return r
}

// BenchmarkServeCachedFeed serves the unchanged feed through the Handler.
func BenchmarkServeCachedFeed(b *testing.B) {
	h := benchFeed(b)
	for _, tt := range []struct{ name, ae string }{{"identity", ""}, {"gzip", "gzip, deflate, br"}} {
		b.Run(tt.name, func(b *testing.B) { serveBench(b, h, feedRequest(tt.ae), http.StatusOK) })
	}
	b.Run("not_modified", func(b *testing.B) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, feedRequest(""))
		r := feedRequest("")
		r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		serveBench(b, h, r, http.StatusNotModified)
	})
}

// BenchmarkServeFixedBytes is the floor: a handler that writes the bytes
// and headers the Handler answered with, and does nothing else.
func BenchmarkServeFixedBytes(b *testing.B) {
	h := benchFeed(b)
	for _, tt := range []struct{ name, ae string }{{"identity", ""}, {"gzip", "gzip, deflate, br"}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, feedRequest(tt.ae))
		header, body := rec.Header().Clone(), rec.Body.Bytes()
		fixed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			wh := w.Header()
			for k, v := range header {
				wh[k] = v
			}
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		})
		b.Run(tt.name, func(b *testing.B) { serveBench(b, fixed, feedRequest(tt.ae), http.StatusOK) })
	}
}

// BenchmarkAccessLog is what the access log costs: the unchanged feed (304
// and gzipped 200) with the server's logger at info (the default) and at
// warn, writing text lines to a file as `samkal serve` writes to a journal.
// The figures are in docs/benchmarks.md under "Access log".
func BenchmarkAccessLog(b *testing.B) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
		f, err := os.Create(filepath.Join(b.TempDir(), "samkal.log"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		h := benchFeed(b, func(o *api.Options) {
			o.Logger = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: level}))
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, feedRequest("gzip"))
		r := feedRequest("gzip")
		r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		b.Run(level.String()+"/not_modified", func(b *testing.B) { serveBench(b, h, r, http.StatusNotModified) })
		b.Run(level.String()+"/gzip", func(b *testing.B) { serveBench(b, h, feedRequest("gzip"), http.StatusOK) })
	}
}

// BenchmarkWhoIsCalling is what finding the caller costs on a cheap read
// (GET /api/v1/rooms): nobody, the admin token (a comparison in memory), a
// session cookie and a personal API token (each a lookup of the secret's
// hash and of the person's rights). The figures are in docs/benchmarks.md
// under "Sign-in".
func BenchmarkWhoIsCalling(b *testing.B) {
	e := newEnv(b, nil)
	seed(b, e)
	ctx := context.Background()
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(b, err)
	token, err := e.store.CreateAPIToken(ctx, &calendar.APIToken{Person: "maria-lindborg", Name: "bench", Scope: calendar.ScopeRead, Expires: calendar.DateOf(e.clock.Now()).AddDays(30)})
	must(b, err)
	h := e.srv.Handler()
	for _, tt := range []struct{ name, header, value string }{
		{"anonymous", "", ""},
		{"admin_token", "Authorization", "Bearer " + adminToken},
		{"session", "Cookie", "__Host-samkal=" + secret},
		{"personal_token", "Authorization", "Bearer " + token},
	} {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/rooms", nil)
		if tt.header != "" {
			r.Header.Set(tt.header, tt.value)
		}
		b.Run(tt.name, func(b *testing.B) { serveBench(b, h, r, http.StatusOK) })
	}
}
