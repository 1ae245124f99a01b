package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

const (
	adminToken = "test-admin-token-4711"
	baseURL    = "https://samkal.example.se"
	region     = "Region Örebro län"
)

// start is the tests' "now": a Friday morning in January 2025, before the
// year's first chefsgrupp meeting.
var start = time.Date(2025, 1, 10, 9, 0, 0, 0, calendar.Location)

// clock is a settable time source shared by the store and the server, so
// that tests move time instead of waiting for it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// env is one running server on a fresh database, reached over real HTTP.
type env struct {
	t      testing.TB
	store  *sqlstore.Store
	clock  *clock
	srv    *api.Server
	http   *httptest.Server
	client *http.Client
	logs   *syncBuffer
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// newEnv starts a server on a fresh store of the given engine (nil means
// SQLite); opts may change the options before New.
func newEnv(t testing.TB, open func(testing.TB, sqlstore.Options) *sqlstore.Store, opts ...func(*api.Options)) *env {
	t.Helper()
	if open == nil {
		open = sqltest.SQLite
	}
	c := &clock{t: start}
	st := open(t, sqlstore.Options{Now: c.Now})
	logs := &syncBuffer{}
	o := api.Options{
		Store:      st,
		Ping:       st.Ping,
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BaseURL:    baseURL,
		AdminToken: adminToken,
		RegionName: region,
		FeedPolicy: calendar.DefaultFeedPolicy,
		Now:        c.Now,
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := api.New(o)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(srv.Wait) // after the server, before the store closes
	t.Cleanup(hs.Close)
	// DisableCompression: the tests choose Accept-Encoding themselves and
	// see the bytes as sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	return &env{t: t, store: st, clock: c, srv: srv, http: hs, client: client, logs: logs}
}

// engines runs f once per engine (SQLite, PostgreSQL) as subtests.
func engines(t *testing.T, f func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store)) {
	for _, e := range sqltest.Engines() {
		t.Run(e.Name, func(t *testing.T) { f(t, e.Open) })
	}
}

// req is one request: method, path, an optional body (a string is sent as
// is, anything else as JSON) and headers as "Name: value".
type req struct {
	method, path string
	body         any
	headers      []string
	admin        bool
}

// resp is a finished response with its body read.
type resp struct {
	*http.Response
	body []byte
}

func (r *resp) text() string { return string(r.body) }

// do sends rq; JSON bodies get Content-Type application/json unless a
// header says otherwise.
func (e *env) do(rq req) *resp {
	e.t.Helper()
	var body io.Reader
	contentType := ""
	switch b := rq.body.(type) {
	case nil:
	case string:
		body, contentType = strings.NewReader(b), "application/json"
	case []byte:
		body, contentType = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("marshal request: %v", err)
		}
		body, contentType = bytes.NewReader(j), "application/json"
	}
	hr, err := http.NewRequestWithContext(context.Background(), rq.method, e.http.URL+rq.path, body)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	if rq.admin {
		hr.Header.Set("Authorization", "Bearer "+adminToken)
	}
	for _, h := range rq.headers {
		name, value, _ := strings.Cut(h, ":")
		value = strings.TrimSpace(value)
		if value == "" {
			hr.Header.Del(name)
		} else {
			hr.Header.Set(name, value)
		}
	}
	res, err := e.client.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", rq.method, rq.path, err)
	}
	return &resp{Response: res, body: b}
}

func (e *env) get(path string, headers ...string) *resp {
	e.t.Helper()
	return e.do(req{method: http.MethodGet, path: path, headers: headers})
}

func (e *env) adminGet(path string) *resp {
	e.t.Helper()
	return e.do(req{method: http.MethodGet, path: path, admin: true})
}

// write sends an admin write and fails the test unless the status is want.
func (e *env) write(method, path string, body any, want int) *resp {
	e.t.Helper()
	r := e.do(req{method: method, path: path, body: body, admin: true})
	if r.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, r.StatusCode, want, r.body)
	}
	return r
}

// decode unmarshals r's JSON body into a new T.
func decode[T any](t testing.TB, r *resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v; body: %s", r.Request.URL.Path, err, r.body)
	}
	return v
}

// problem is the RFC 9457 document the API answers errors with.
type problem struct {
	Type   string   `json:"type"`
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Detail string   `json:"detail"`
	Code   string   `json:"code"`
	Errors []string `json:"errors"`
}

// wantProblem checks that r is a problem+json with status and a detail
// containing every one of wantDetail.
func wantProblem(t *testing.T, r *resp, status int, wantDetail ...string) problem {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
		t.Errorf("Content-Type %q, want application/problem+json; charset=utf-8", ct)
	}
	p := decode[problem](t, r)
	if p.Status != status || p.Title != http.StatusText(status) || p.Type == "" || p.Code == "" {
		t.Errorf("problem %+v: want status %d, title %q, a type and a code", p, status, http.StatusText(status))
	}
	for _, w := range wantDetail {
		if !strings.Contains(p.Detail, w) {
			t.Errorf("detail %q does not contain %q", p.Detail, w)
		}
	}
	return p
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./api -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./api -update if the change is intended):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var uidPattern = regexp.MustCompile(`[0-9a-f]{32}@samkal`)

// stableUIDs replaces the store's random meeting UIDs so that golden files
// stay put.
func stableUIDs(b []byte) []byte { return uidPattern.ReplaceAll(b, []byte("UID-REPLACED@samkal")) }
