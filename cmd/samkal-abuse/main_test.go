package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

func abuse(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(t.Context(), args, &out, &errs)
	return code, out.String() + errs.String()
}

// TestLoopbackOnly: any URL that is not on this machine is refused before
// anything is sent, and so are unbounded runs.
func TestLoopbackOnly(t *testing.T) {
	for _, args := range [][]string{
		{"--url", "http://192.0.2.1:8080"},
		{"--url", "http://10.0.0.1"},
		{"--url", "https://samkal.example.se"},
		{"--url", "http://[2001:db8::1]:8080"},
		{"--url", "http://127.0.0.1:1", "--requests", "1000000"},
		{"--url", "http://127.0.0.1:1", "--duration", "2h"},
		{"--url", "http://127.0.0.1:1", "--concurrency", "1000"},
	} {
		if code, out := abuse(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
	for _, host := range []string{"127.0.0.1", "127.8.9.10", "[::1]", "localhost"} {
		if _, err := parse([]string{"--url", "http://" + host + ":8080"}, &bytes.Buffer{}); err != nil {
			t.Errorf("%s refused: %v", host, err)
		}
	}
}

// TestAgainstSamkal runs a short abuse against a real server on SQLite:
// the rate limits answer (429s), and /metrics stays within its bound.
func TestAgainstSamkal(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := api.New(api.Options{Store: st, BaseURL: "http://127.0.0.1", AdminToken: "abuse-test-admin-token", Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	code, out := abuse(t, "--url", hs.URL, "--requests", "1500", "--duration", "60s", "--concurrency", "4",
		"--every", "200ms", "--settle", "0s", "--max-rss-growth", "1024")
	if code != exitOK {
		t.Fatalf("exit %d, want 0:\n%s", code, out)
	}
	for _, want := range []string{"sent 1500 requests", "made-up 501", "GET 404", "GET 429", "/metrics  before", ": ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "refused with 429 (rate limits): 0\n") {
		t.Errorf("nothing was rate-limited:\n%s", out)
	}
	t.Log(out)
}

// TestDetectsGrowth: against a server that labels a metric with the
// request's method, as Samkal did before issue 8, the run fails.
func TestDetectsGrowth(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "by method"}, []string{"method"})
	reg.MustRegister(requests)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			metrics.ServeHTTP(w, r)
			return
		}
		requests.WithLabelValues(r.Method).Inc()
		http.NotFound(w, r)
	}))
	defer hs.Close()
	code, out := abuse(t, "--url", hs.URL, "--requests", "3000", "--duration", "60s", "--concurrency", "4",
		"--settle", "0s", "--max-rss-growth", "1024", "--max-metrics-growth", "16")
	if code != exitGrew || !strings.Contains(out, "/metrics  before") || !strings.Contains(out, "GREW beyond the bound") {
		t.Errorf("exit %d, want %d with /metrics grown:\n%s", code, exitGrew, out)
	}
}
