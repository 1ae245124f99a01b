package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/calendar"
)

func TestSwedishWhen(t *testing.T) {
	d := func(y int, m time.Month, day, h, min int) time.Time {
		return time.Date(y, m, day, h, min, 0, 0, calendar.Location)
	}
	for _, tt := range []struct {
		m    calendar.Meeting
		want string
	}{
		{calendar.Meeting{Start: d(2025, 1, 21, 13, 0), End: d(2025, 1, 21, 16, 30)}, "tisdag 21 januari 2025 kl. 13.00–16.30"},
		{calendar.Meeting{Start: d(2025, 3, 30, 9, 5), End: d(2025, 3, 30, 12, 0)}, "söndag 30 mars 2025 kl. 09.05–12.00"},
		// UTC input is shown in Swedish time (summer time here).
		{calendar.Meeting{Start: time.Date(2025, 6, 5, 7, 30, 0, 0, time.UTC), End: time.Date(2025, 6, 5, 9, 0, 0, 0, time.UTC)}, "torsdag 5 juni 2025 kl. 09.30–11.00"},
		{calendar.Meeting{Start: d(2025, 3, 14, 0, 0), End: d(2025, 3, 15, 0, 0), AllDay: true}, "fredag 14 mars 2025, heldag"},
		{calendar.Meeting{Start: d(2025, 11, 18, 0, 0), End: d(2025, 11, 20, 0, 0), AllDay: true}, "tisdag 18 november 2025 – onsdag 19 november 2025, heldagar"},
		{calendar.Meeting{Start: d(2025, 10, 18, 13, 0), End: d(2025, 10, 19, 12, 0)}, "lördag 18 oktober 2025 kl. 13.00 – söndag 19 oktober 2025 kl. 12.00"},
		{calendar.Meeting{Start: d(2025, 12, 31, 23, 0), End: d(2026, 1, 1, 1, 0)}, "onsdag 31 december 2025 kl. 23.00 – torsdag 1 januari 2026 kl. 01.00"},
	} {
		if got := swedishWhen(&tt.m); got != tt.want {
			t.Errorf("swedishWhen(%v–%v) = %q, want %q", tt.m.Start, tt.m.End, got, tt.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		ae   string
		want bool
	}{
		{"", false}, {"gzip", true}, {"GZIP", true}, {"x-gzip", true}, {"deflate, gzip", true},
		{"gzip;q=0", false}, {"gzip; q=0.0", false}, {"gzip;q=0.001", true}, {"gzip;q=abc", false},
		{"*", true}, {"*;q=0", false}, {"*, gzip;q=0", false}, {"gzip;q=0, *", false}, {"br", false}, {"identity", false},
		{" , ,gzip", true},
	} {
		if got := acceptsGzip(tt.ae); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.ae, got, tt.want)
		}
	}
}

func TestPosition(t *testing.T) {
	b := []byte("{\n  \"a\": x\n}")
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 2, 1}, {9, 2, 8}, {11, 3, 1}, {99, 3, 2}} {
		if l, c := position(b, tt.off); l != tt.line || c != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

// TestPanicRecovery: a handler that panics gives the caller a 500 problem
// and the log the panic with its stack; the server goes on serving.
func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	m, err := newMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	s.metrics = m
	h := s.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoOf(r).route = "/boom"
		var m map[string]int
		m["x"]++ // a nil map: a real runtime panic
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json; charset=utf-8" ||
		!strings.Contains(rec.Body.String(), "Something went wrong on our side") || strings.Contains(rec.Body.String(), "nil map") {
		t.Errorf("panic answered %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if l := logs.String(); !strings.Contains(l, "panic while serving a request") || !strings.Contains(l, "assignment to entry in nil map") ||
		!strings.Contains(l, "route=/boom") || !strings.Contains(l, "goroutine") {
		t.Errorf("panic not logged with its stack:\n%s", l)
	}
}

// TestFieldMessages pins the messages for wrong field values: each names
// the field and says what it must be.
func TestFieldMessages(t *testing.T) {
	for _, tt := range []struct {
		name string
		raw  string
		conv func(f *fields, raw json.RawMessage)
		want string
	}{
		{"string for int", `"tio"`, func(f *fields, r json.RawMessage) { value[int](f, "capacity", r, true) }, `Field "capacity" must be a whole number, not a string.`},
		{"fraction for int", `1.5`, func(f *fields, r json.RawMessage) { value[int](f, "capacity", r, true) }, `Field "capacity" must be a whole number, not the number 1.5.`},
		{"huge int", `1e30`, func(f *fields, r json.RawMessage) { value[int](f, "capacity", r, true) }, `Field "capacity" must be a whole number, not the number 1e30.`},
		{"string for list", `"chefsgrupp-folkhalsa"`, func(f *fields, r json.RawMessage) { value[[]string](f, "bodies", r, true) }, `Field "bodies" must be an array, not a string.`},
		{"number in list", `["a", 7]`, func(f *fields, r json.RawMessage) { value[[]string](f, "bodies", r, true) }, `Field "bodies" must be an array of strings, not a number in it.`},
		{"object for bool", `{}`, func(f *fields, r json.RawMessage) { value[bool](f, "all_day", r, false) }, `Field "all_day" must be true or false, not an object.`},
		{"null for bool", `null`, func(f *fields, r json.RawMessage) { value[bool](f, "all_day", r, false) }, `Field "all_day" must not be null; leave it out to keep its value.`},
		{"bad date", `"2025-02-30"`, func(f *fields, r json.RawMessage) { date(f, "from", r) }, `Field "from": "2025-02-30" is not a date of the form YYYY-MM-DD.`},
		{"number for date", `20250101`, func(f *fields, r json.RawMessage) { date(f, "from", r) }, `Field "from" must be a string, not a number.`},
	} {
		var f fields
		tt.conv(&f, json.RawMessage(tt.raw))
		if len(f.problems) != 1 || f.problems[0] != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, f.problems, tt.want)
		}
	}
}

// FuzzReadJSON feeds arbitrary bodies to the meeting decoder: it must answer
// a caller error (never panic, never an internal error) or a valid update.
func FuzzReadJSON(f *testing.F) {
	for _, seed := range []string{
		`{"bodies":["chefsgrupp-folkhalsa"],"start":"2025-01-21T13:00","end":"2025-01-21T16:30"}`,
		`{"start":null}`, `[]`, `{"bodies":[1]}`, `{"title":"\u00e5"}`, "{\n\"a\":", `{} {}`, `{"all_day":"ja"}`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/meetings", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var in meetingInput
		err := readJSON(httptest.NewRecorder(), r, &in)
		if err == nil {
			var fs fields
			meetingFields(&fs, &in)
			err = fs.err()
		}
		var he *httpError
		if err != nil && calendar.ErrorCode(err) != calendar.EINVALID && !errors.As(err, &he) {
			t.Fatalf("body %q: %v is not a caller error", body, err)
		}
	})
}

// FuzzConditional feeds arbitrary Accept-Encoding and validator headers to
// a rendered feed: no panic, and a 304 only for a matching validator.
func FuzzConditional(f *testing.F) {
	f.Add("gzip;q=0.5, *;q=0", `W/"abc", "x"`, "Fri, 10 Jan 2025 08:00:00 GMT")
	f.Add(",;,;q=", "*", "igår")
	f.Fuzz(func(t *testing.T, ae, inm, ims string) {
		acceptsGzip(ae)
		r := &rendered{etag: `"tag"`, etagGz: `"tag-gzip"`, lastMod: time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)}
		req := httptest.NewRequest(http.MethodGet, "/feeds/all.ics", nil)
		req.Header.Set("If-None-Match", inm)
		req.Header.Set("If-Modified-Since", ims)
		if r.notModified(req) && inm != "" && !strings.Contains(inm, `"tag`) && !strings.Contains(inm, "*") {
			t.Fatalf("304 for If-None-Match %q", inm)
		}
	})
}
