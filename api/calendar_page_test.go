package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCalendarPage: the month and week views lay the meetings out by ISO
// week with holidays named, move to the previous and next month or week,
// narrow to a body or a kind, and show a restricted meeting only to its
// own people.
func TestCalendarPage(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	r := e.get("/kalender?manad=2025-02", "")
	wantIn(t, "month", r, http.StatusOK, "<h1>Februari 2025</h1>", `<th scope="row">v 7</th>`, "Avstämning inför uppföljningsdagen",
		`href="/kalender?manad=2025-01"`, `href="/kalender?manad=2025-03"`, "Föregående: Januari", "Nästa: Mars", `href="/kalender?vecka=2025-W05"`)
	if strings.Contains(r.text(), f.restricted.Title) {
		t.Errorf("a stranger sees the restricted working group's meeting")
	}
	wantIn(t, "member", e.get("/kalender?manad=2025-02", sessionCookie(t, e, "anna-berg")), http.StatusOK, f.restricted.Title)

	r = e.get("/kalender?vecka=2025-W12", "")
	wantIn(t, "week", r, http.StatusOK, "<h1>Vecka 12, 2025</h1>", "måndag 17 mars 2025 – söndag 23 mars 2025",
		"13.00–16.30", "Föregående: Vecka 11", "Nästa: Vecka 13", `href="/kalender?manad=2025-03"`)
	if got := strings.Count(r.text(), `<th scope="row">v `); got != 1 {
		t.Errorf("the week view has %d week rows, want 1", got)
	}

	wantIn(t, "holiday", e.get("/kalender?manad=2025-06", ""), http.StatusOK, "Sveriges nationaldag", "Midsommarafton")
	r = e.get("/kalender?manad=2025-03&typ=handelser", "")
	wantIn(t, "events only", r, http.StatusOK, "Uppföljningsdag", `<option value="handelser" selected>`)
	if strings.Contains(r.text(), "Chefsgrupp folkhälsa</span></a>") {
		t.Errorf("the events-only view shows a meeting")
	}
	r = e.get("/kalender?manad=2025-11&organ=skolchefsgruppen", "")
	wantIn(t, "one body", r, http.StatusOK, "<h1>November 2025 <span class=\"sub\">Skolchefsgruppen</span></h1>", f.joint.Title,
		`href="/kalender?manad=2025-10&amp;organ=skolchefsgruppen"`)
	for _, bad := range []string{"/kalender?manad=2025-13", "/kalender?vecka=2025-W54", "/kalender?manad=1066-01"} {
		wantIn(t, bad, e.get(bad, ""), http.StatusNotFound, "Sidan finns inte")
	}
	wantIn(t, "today", e.get("/kalender", ""), http.StatusOK, "<h1>Januari 2025</h1>")
}
