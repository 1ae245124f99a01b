package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
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
		`href="/organ/chefsgrupp-folkhalsa#kalender"`, // its address and the help for each program
		`href="webcal://samkal.example.se/feeds/all.ics"`,
		`>https://samkal.example.se/feeds/all.ics</textarea>`,
		`href="https://samkal.example.se/feeds/bodies/chefsgrupp-folkhalsa.ics" download>Hämta en kopia som inte uppdateras`, "Från webbadress", "Thunderbird", "Android",
		"en kopia av hur det ser ut i dag. Den uppdateras inte",
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
		"Digitalt möte", "Finns i kallelsen.", fmt.Sprintf(`href="/logga-in?next=%%2fmoten%%2f%d"`, f.mixed.ID), "Chefsgrupp folkhälsa",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("meeting page lacks %q", want)
		}
	}
	// The digital link is for the meeting's own people.
	own := e.get(fmt.Sprintf("/moten/%d", f.mixed.ID), sessionCookie(t, e, "maria-lindborg")).text()
	if !strings.Contains(own, `<a href="https://meet.example.se/j/4711">`) {
		t.Errorf("a member of the meeting's body does not see the digital link")
	}
	for _, hidden := range []string{"Arbetsgrupp", "Internt", mariaEmail, "meet.example.se"} {
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

// TestMeetingPageAgendaAndMinutes: the page that emails link shows what
// they promise – the accepted dagordning, numbered, with kind, presenter,
// sub-points and links, and the status of the minutes – and nothing that
// is not public: no proposal, no proposer, no approver, no document, no
// notes.
func TestMeetingPageAgendaAndMinutes(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		m := f.folkhalsa[1] // 20 March, Lokal Eken
		agenda := fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID)
		page := fmt.Sprintf("/moten/%d", m.ID)
		if p := e.get(page).text(); !strings.Contains(p, "Dagordningen är inte klar än.") {
			t.Errorf("meeting page without an agenda does not say so:\n%s", p)
		}
		e.write(http.MethodPost, agenda+"/standard", nil, http.StatusOK)
		e.write(http.MethodPost, agenda, object{"title": "Gemensam samverkansplan för folkhälsa", "kind": "dialog",
			"presenter": "Maria Lindborg", "sub_points": []string{"Vad ser vi framför oss när det gäller prioriteringar?"},
			"links": []object{{"title": "Presentation", "url": "https://samkal.example.se/filer/plan.pdf"},
				{"title": "", "url": "https://samkal.example.se/filer/bilaga.pdf"}}}, http.StatusCreated)
		e.write(http.MethodPost, agenda, object{"title": "Anmäld men inte godkänd", "status": "proposed",
			"submitted_by": "anna-berg"}, http.StatusCreated)
		e.write(http.MethodPost, agenda, object{"title": "Mötestider 2026", "kind": "beslut"}, http.StatusCreated)

		r := e.get(page)
		golden(t, "meeting_agenda.html", r.body)
		p := r.text()
		for _, want := range []string{
			`<h2 id="dagordning">Dagordning</h2>`,
			`<li value="1">`, "<strong>Mötet öppnas</strong></p>",
			`<li value="4">`, "<strong>Gemensam samverkansplan för folkhälsa</strong> (dialog)", "Föredragande: Maria Lindborg",
			"<li>Vad ser vi framför oss när det gäller prioriteringar?</li>",
			`<a href="https://samkal.example.se/filer/plan.pdf">Presentation</a>`,
			`<a href="https://samkal.example.se/filer/bilaga.pdf">Underlag: Gemensam samverkansplan för folkhälsa</a>`,
			`<li value="5">`, "<strong>Mötestider 2026</strong> (beslut)",
			`<li value="6">`, "<strong>Övriga frågor</strong></p>", `<li value="7">`, "<strong>Mötet avslutas</strong></p>",
		} {
			if !strings.Contains(p, want) {
				t.Errorf("meeting page lacks %q", want)
			}
		}
		for _, hidden := range []string{"Anmäld men inte godkänd", "Anna Berg", "anna-berg", "Internt", `value="8"`, "Protokoll"} {
			if strings.Contains(p, hidden) {
				t.Errorf("meeting page shows %q", hidden)
			}
		}

		// A council's minutes: not ready, waiting, approved – the status
		// line, never who approves; the document only once it is justerat,
		// when the minutes of a public body are public.
		council := object{"slug": "specifika-samverkansradet-folkhalsa", "name": "Specifika samverkansrådet för folkhälsa",
			"kind": "specific-council", "visibility": "public", "minutes_need_approval": true}
		e.write(http.MethodPost, "/api/v1/bodies", council, http.StatusCreated)
		e.write(http.MethodPost, "/api/v1/memberships", object{"body": council["slug"], "person": "maria-lindborg", "role": "ordforande"}, http.StatusCreated)
		held := decode[object](t, e.write(http.MethodPost, "/api/v1/meetings", object{"bodies": []string{council["slug"].(string)},
			"start": "2025-01-08T09:00", "end": "2025-01-08T12:00", "status": "confirmed", "room": "lokal-eken"}, http.StatusCreated))
		councilPage := fmt.Sprintf("/moten/%v", held["id"])
		minutes := func() string {
			t.Helper()
			p := e.get(councilPage).text()
			_, after, ok := strings.Cut(p, "<dt>Protokoll</dt><dd>")
			line, _, _ := strings.Cut(after, "</dd>")
			if !ok {
				return ""
			}
			return line
		}
		if got := minutes(); got != "Protokollet är inte klart för justering än" {
			t.Errorf("minutes before they are ready: %q", got)
		}
		e.write(http.MethodPost, fmt.Sprintf("/api/v1/meetings/%v/justering", held["id"]), object{"justerare": []string{"anna-berg"},
			"document_url": "https://samkal.example.se/protokoll/2025-01-08.pdf"}, http.StatusCreated)
		if got := minutes(); got != "Protokollet väntar på justering (2 underskrifter saknas)" {
			t.Errorf("minutes waiting for approval: %q", got)
		}
		if strings.Contains(e.get(councilPage).text(), "protokoll/2025-01-08.pdf") {
			t.Errorf("the page links the minutes before they are justerade")
		}
		id := int64(held["id"].(float64))
		for _, who := range []string{"anna-berg", "maria-lindborg"} {
			if _, _, err := e.store.ApproveMinutes(context.Background(), id, who, start); err != nil {
				t.Fatal(err)
			}
		}
		if got := minutes(); got != `Justerat den 2025-01-10 via e-post. <a href="https://samkal.example.se/protokoll/2025-01-08.pdf">Läs protokollet</a>` {
			t.Errorf("approved minutes: %q", got)
		}
		for _, hidden := range []string{"Anna Berg", "Maria Lindborg"} {
			if strings.Contains(e.get(councilPage).text(), hidden) {
				t.Errorf("council meeting page shows %q", hidden)
			}
		}
	})
}
