package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestStartPage pins the start page in a golden file and checks the
// accessibility basics a colleague's browser tests will build on.
func TestStartPage(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	r := e.get("/")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("start page: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	golden(t, "start.html", r.body)
	page := r.text()
	for _, want := range []string{
		`<html lang="sv">`, `<main id="innehall"`, "<header", "<footer", `href="#innehall"`, "<h1>",
		`href="webcal://samkal.example.se/feeds/bodies/chefsgrupp-folkhalsa.ics"`,
		`href="https://samkal.example.se/feeds/bodies/chefsgrupp-folkhalsa.ics"`,
		`href="webcal://samkal.example.se/feeds/all.ics"`,
		"tisdag 21 januari 2025 kl. 13.00–16.30", "fredag 14 mars 2025, heldag",
		fmt.Sprintf(`href="/moten/%d"`, f.joint.ID),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	for _, hidden := range []string{"Arbetsgrupp uppföljningsdag", f.restricted.Title, "<script"} {
		if strings.Contains(page, hidden) {
			t.Errorf("start page shows %q", hidden)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	css := e.get("/static/style.css")
	if css.StatusCode != 200 || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", css.StatusCode, css.Header.Get("Content-Type"))
	}
	wantProblem(t, e.get("/static/finns-inte.css"), http.StatusNotFound)
}

// TestMeetingPage shows a public meeting in Swedish, and hides a
// restricted one behind a Swedish 404 page.
func TestMeetingPage(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	r := e.get(fmt.Sprintf("/moten/%d", f.mixed.ID))
	if r.StatusCode != 200 {
		t.Fatalf("meeting page: %d", r.StatusCode)
	}
	golden(t, "meeting.html", r.body)
	page := r.text()
	for _, want := range []string{
		"<h1>Avstämning inför uppföljningsdagen</h1>", "onsdag 12 februari 2025 kl. 09.00–10.00", "Fastställt",
		"Digitalt möte", `<a href="https://meet.example.se/j/4711">`, "Chefsgrupp folkhälsa",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("meeting page lacks %q", want)
		}
	}
	for _, hidden := range []string{"Arbetsgrupp", "Internt", mariaEmail} {
		if strings.Contains(page, hidden) {
			t.Errorf("public meeting page shows %q", hidden)
		}
	}

	e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[3].ID), `{"status":"cancelled"}`, http.StatusOK)
	cancelled := e.get(fmt.Sprintf("/moten/%d", f.folkhalsa[3].ID)).text()
	if !strings.Contains(cancelled, "<h1>Inställt: Chefsgrupp folkhälsa</h1>") || !strings.Contains(cancelled, "onsdag 20 augusti 2025 kl. 13.00–16.30") {
		t.Errorf("cancelled meeting page:\n%s", cancelled)
	}

	for _, path := range []string{fmt.Sprintf("/moten/%d", f.restricted.ID), "/moten/999999", "/moten/forsta"} {
		nf := e.get(path)
		if nf.StatusCode != 404 || !strings.Contains(nf.text(), "Sidan finns inte") || strings.Contains(nf.text(), f.restricted.Title) {
			t.Errorf("%s: %d %s", path, nf.StatusCode, nf.body)
		}
	}
}

// TestHealthzAndMetrics: /healthz answers ok; /metrics counts requests by
// route template (never by path) and the feed cache's hits and renders.
func TestHealthzAndMetrics(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	h := e.get("/healthz")
	if h.StatusCode != 200 || decode[map[string]string](t, h)["status"] != "ok" {
		t.Errorf("healthz: %d %s", h.StatusCode, h.body)
	}
	for i := 0; i < 3; i++ {
		feed(t, e, "/feeds/all.ics")
		feed(t, e, "/feeds/people/"+f.maria.FeedToken+".ics")
	}
	e.get("/finns-inte")
	m := e.get("/metrics").text()
	for _, want := range []string{
		`http_requests_total{code="200",method="GET",route="/feeds/all.ics"} 3`,
		`http_requests_total{code="200",method="GET",route="/feeds/people/{token}.ics"} 3`,
		`http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/healthz"} 1`,
		`samkal_feed_renders_total{feed="all"} 1`,
		`samkal_feed_cache_hits_total{feed="all"} 2`,
		`samkal_feed_renders_total{feed="person"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(m, f.maria.FeedToken) {
		t.Errorf("metrics show a feed token")
	}
}
