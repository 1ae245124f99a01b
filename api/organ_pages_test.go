package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestOrganPage: a body's page shows its årsplan with ISO weeks and the
// status in words, and its members by role with name and organisation
// only; the print view is a table of the year; a restricted body is "not
// found" to strangers and shown to its members.
func TestOrganPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		r := e.get("/organ/chefsgrupp-folkhalsa?ar=2025", "")
		wantIn(t, "body page", r, http.StatusOK, "<h1>Chefsgrupp folkhälsa</h1>", "Möten 2025",
			`tisdag 21 januari 2025, v 4</a>, 13.00–16.30 <span class="status confirmed">Fastställt</span>`,
			`torsdag 22 maj 2025, v 21</a>, 13.00–16.30 <span class="status proposed">Förslag</span>`,
			"Gemensamt möte för chefsgrupperna, Lokal Enen", "Kontaktperson", "Maria Lindborg, Region Örebro län",
			`href="/organ/chefsgrupp-folkhalsa/sammantradesplan?ar=2025"`, "webcal://", `href="/organ/chefsgrupp-folkhalsa?ar=2024"`)
		for _, private := range []string{mariaEmail, mariaPhone, "utvecklingsledare"} {
			if strings.Contains(r.text(), private) {
				t.Errorf("the public body page shows %q", private)
			}
		}
		wantIn(t, "print", e.get("/organ/chefsgrupp-folkhalsa/sammantradesplan?ar=2025", ""), http.StatusOK,
			"Sammanträdesplan 2025", `<td data-label="Vecka">v 4</td><td data-label="Tid">13.00–16.30</td><td data-label="Plats">Länsstyrelsen, Stortorget 22, Örebro</td><td data-label="Status">Fastställt</td>`)
		wantIn(t, "empty year", e.get("/organ/chefsgrupp-folkhalsa?ar=2031", ""), http.StatusOK, "Inga möten är inlagda för 2031.")
		wantIn(t, "bad year", e.get("/organ/chefsgrupp-folkhalsa?ar=tjugo", ""), http.StatusNotFound, "Sidan finns inte")
		wantIn(t, "unknown", e.get("/organ/finns-inte", ""), http.StatusNotFound, "Sidan finns inte")

		wantIn(t, "restricted, stranger", e.get("/organ/arbetsgrupp-uppfoljningsdag", ""), http.StatusNotFound, "Sidan finns inte")
		r = e.get("/organ/arbetsgrupp-uppfoljningsdag?ar=2025", sessionCookie(t, e, "anna-berg"))
		wantIn(t, "restricted, member", r, http.StatusOK, "Planering av uppföljningsdagen", "Anna Berg, Kumla kommun", "Sekreterare")
		if strings.Contains(r.text(), "webcal://") {
			t.Errorf("a restricted body's page offers its (non-existent) public feed")
		}
		wantIn(t, "start links it", e.get("/", ""), http.StatusOK, `<a href="/organ/chefsgrupp-folkhalsa">Chefsgrupp folkhälsa</a>`)
	})
}

// TestMeetingICS: "Lägg till i min kalender" gives the one meeting with
// the UID of the feeds, without the digital link for a stranger and with
// it for the meeting's own people; a restricted meeting is not found.
func TestMeetingICS(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	path := fmt.Sprintf("/moten/%d/kalender.ics", f.mixed.ID)
	r := e.get(path, "")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%s: %d %q %q", path, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	c := icaltest.ParseWithICALJS(t, r.body)
	if len(c.Events) != 1 || c.Events[0].UID != f.mixed.UID || c.Events[0].Summary != f.mixed.Title {
		t.Fatalf("the file's events: %+v", c.Events)
	}
	if strings.Contains(r.text(), "meet.example.se") || strings.Contains(r.text(), "X-WR-CALNAME") {
		t.Errorf("a stranger's copy has the digital link or a calendar name:\n%s", r.body)
	}
	if !strings.Contains(e.get(path, sessionCookie(t, e, "maria-lindborg")).text(), "meet.example.se/j/4711") {
		t.Errorf("Maria's copy lacks the digital link")
	}
	wantIn(t, "restricted", e.get(fmt.Sprintf("/moten/%d/kalender.ics", f.restricted.ID), ""), http.StatusNotFound, "Sidan finns inte")
	wantIn(t, "the page links it", e.get(fmt.Sprintf("/moten/%d", f.mixed.ID), ""), http.StatusOK, `href="`+path+`"`, "en kopia som inte uppdateras")
}
