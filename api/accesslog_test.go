package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// logAt makes the server log at level instead of debug, and never call a
// request slow (which would be a warning, and the test would depend on
// the machine's speed).
func logAt(level slog.Level, logs *syncBuffer) func(*api.Options) {
	return func(o *api.Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
		o.SlowRequest = time.Hour
	}
}

// requestLines returns the access log lines in logs.
func requestLines(logs string) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, " msg=request ") {
			out = append(out, l)
		}
	}
	return out
}

// TestAccessLog (issue 8, defect 13): at the default level (info) the
// access log holds what someone may look into later, and not the many
// successful reads that made logging cost more than serving: feed polls
// and their 304s, pages, API reads and static files are debug; writes
// (also refused ones), wrong bearer tokens and failures on token routes
// are info, server errors error. A secret token never appears in the log,
// at any level: lines name the route template.
func TestAccessLog(t *testing.T) {
	logs := &syncBuffer{}
	e := newEnv(t, nil, logAt(slog.LevelInfo, logs))
	f := seed(t, e)
	l := link(t, e, calendar.LinkAgenda, f.folkhalsa[0], "maria-lindborg", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))

	// Successful reads: nothing at info.
	r := feed(t, e, "/feeds/all.ics")
	e.get("/feeds/all.ics", "If-None-Match: "+r.Header.Get("ETag"))
	e.get("/feeds/people/" + f.maria.FeedToken + ".ics")
	e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics")
	e.get("/")
	e.get(fmt.Sprintf("/moten/%d", f.folkhalsa[0].ID))
	e.get("/anmalan/" + l.Token)
	e.get("/static/style.css")
	e.get("/api/v1/meetings?year=2025")
	e.adminGet("/api/v1/people")
	e.get("/healthz")
	e.get("/metrics")
	e.get("/no/such/page")
	if got := requestLines(logs.String()); len(got) != 0 {
		t.Errorf("successful reads logged at info:\n%s", strings.Join(got, "\n"))
	}

	// What is worth a line: writes, wrong tokens, failing links.
	e.write(http.MethodPost, "/api/v1/rooms", object{"slug": "lokal-asken", "name": "Lokal Asken"}, http.StatusCreated)
	e.do(req{method: http.MethodPost, path: "/api/v1/rooms", body: object{"slug": "x"}})
	e.get("/api/v1/rooms", "Authorization: Bearer fel-token-4711")
	guess := calendar.NewToken()
	e.get("/feeds/people/" + guess + ".ics")
	e.get("/anmalan/" + guess)
	e.postForm("/anmalan/"+l.Token, anmalan())
	want := []string{
		`method=POST route=/api/v1/rooms status=201`,
		`method=POST route=/api/v1/rooms status=401`,
		`method=GET route=/api/v1/rooms status=401`,
		`method=GET route=/feeds/people/{token}.ics status=404`,
		`method=GET route=/anmalan/{token} status=404`,
		`method=POST route=/anmalan/{token} status=303`,
	}
	got := requestLines(logs.String())
	if len(got) != len(want) {
		t.Errorf("%d access log lines at info, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if i < len(got) && (!strings.Contains(got[i], "level=INFO") || !strings.Contains(got[i], w)) {
			t.Errorf("line %d: %s\nwant INFO with %s", i+1, got[i], w)
		}
	}

	// At debug everything is there, and still no token.
	debug := &syncBuffer{}
	e2 := newEnv(t, nil, logAt(slog.LevelDebug, debug))
	f2 := seed(t, e2)
	e2.get("/feeds/people/" + f2.maria.FeedToken + ".ics")
	e2.get("/feeds/people/" + guess + ".ics")
	e2.get("/anmalan/" + guess)
	if n := len(requestLines(debug.String())); n != 3 {
		t.Errorf("%d access log lines at debug, want 3:\n%s", n, debug)
	}
	for _, secret := range []string{f.maria.FeedToken, f2.maria.FeedToken, l.Token, guess, "fel-token-4711", adminToken} {
		if strings.Contains(logs.String()+debug.String(), secret) {
			t.Errorf("the log holds a secret token %q", secret)
		}
	}
}
