package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// ownCalendarServer serves Google's export of Maria's calendar at a secret
// path, or an HTML page once html is set.
func ownCalendarServer(t *testing.T) (secretURL string, html *atomic.Bool) {
	t.Helper()
	data, err := os.ReadFile("../calendar/busy/testdata/google_hemlig.ics")
	must(t, err)
	html = &atomic.Bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/calendar/ical/maria/private-hemlig123/basic.ics" {
			http.NotFound(w, r)
			return
		}
		if html.Load() {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><html><title>Google Kalender</title></html>"))
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=UTF-8")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/calendar/ical/maria/private-hemlig123/basic.ics", html
}

// allowLocalCalendars lets the page fetch the test's own calendar server.
func allowLocalCalendars(o *api.Options) {
	o.BusyFetcher = &busy.Fetcher{AllowInternal: true, Timeout: 5 * time.Second}
}

// TestOwnCalendarPage: a member gives the address of her published
// calendar, sees when it was read and how many busy times it gave – never
// the address, never what is in it – fetches it again, sees why it could
// not be read, and removes it. Nobody else sees any of it.
func TestOwnCalendarPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open, allowLocalCalendars)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		seed(t, e)
		e.clock.Set(time.Date(2026, 10, 12, 9, 0, 0, 0, calendar.Location))
		secret, html := ownCalendarServer(t)
		const path = "/mina-moten/egen-kalender"

		if r := e.get(path); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger: %d %s, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		wantIn(t, "Mina möten links", e.get("/mina-moten", maria), http.StatusOK, `<a href="/mina-moten/egen-kalender">Upptagen i egen kalender</a>`)
		wantIn(t, "no calendar yet", e.get(path, maria), http.StatusOK, "<h1>Upptagen i egen kalender</h1>",
			"Du har inte gett någon kalender.", `<label for="adress">Adress till din publicerade kalender</label>`, "Publicera en kalender",
			"Hemlig adress i iCal-format", "Kopiera prenumerationslänk")

		// Refused addresses, each with its message beside the field.
		for addr, msg := range map[string]string{
			"":                       "Skriv kalenderns adress.",
			"ftp://example.se/k.ics": "Adressen måste börja med https://",
			"outlook.office365.com":  "Adressen måste börja med https://",
		} {
			r := e.postForm(path, url.Values{"atgard": {"spara"}, "adress": {addr}}, maria)
			wantIn(t, "refused "+addr, r, http.StatusBadRequest, "<title>Fel: Upptagen i egen kalender", `<a href="#adress">`+msg,
				`id="adress-fel"`, `aria-invalid="true"`)
		}

		r := e.postForm(path, url.Values{"atgard": {"spara"}, "adress": {secret}}, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?klart=sparad" {
			t.Fatalf("saving: %d %s\n%.1000s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		page := e.get(path+"?klart=sparad", maria)
		host := "127.0.0.1" // the server, without port or path
		// 18 months from a week back: the 11 busy times of the four weeks
		// after 12 October and the 3 of the week before.
		wantIn(t, "saved", page, http.StatusOK, "Adressen är sparad.", host+"/…",
			"måndag 12 oktober 2026 kl. 09.00", "<dd>14 de närmaste 18 månaderna</dd>", "Hämta nu", "Ta bort kalendern")
		for _, never := range []string{"private-hemlig123", "Semester", "Lunch med Per", "Kör", "17.00"} {
			if strings.Contains(page.text(), never) {
				t.Errorf("the page shows %q", never)
			}
		}
		if strings.Contains(e.logs.String(), "private-hemlig123") {
			t.Error("the log holds the calendar's address")
		}
		// Anna has none, and cannot see Maria's.
		anna := sessionCookie(t, e, "anna-berg")
		if r := e.get(path, anna); !strings.Contains(r.text(), "Du har inte gett någon kalender.") || strings.Contains(r.text(), host+"/…") {
			t.Errorf("Anna's page: %.600s", r.body)
		}

		// The calendar turns into a web page: the next fetch says so, and
		// the busy times from the good fetch stay.
		html.Store(true)
		e.clock.Add(2 * time.Minute)
		r = e.postForm(path, url.Values{"atgard": {"hamta"}}, maria)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("fetching again: %d", r.StatusCode)
		}
		wantIn(t, "fetch failed", e.get(path+"?klart=hamtad", maria), http.StatusOK, "Kalendern kunde inte läsas.",
			"Adressen ger en webbsida, inte en kalender", "måndag 12 oktober 2026 kl. 09.02",
			"Samkal planerar med tiderna från måndag 12 oktober 2026 kl. 09.00: 14 upptagna tider.")
		ps, err := e.store.FindBusyPeriods(context.Background(), []string{"maria-lindborg"}, e.clock.Now(), e.clock.Now().AddDate(0, 1, 0))
		must(t, err)
		if len(ps["maria-lindborg"]) != 11 {
			t.Errorf("busy periods after the failed fetch: %d, want the 11 of the good one kept", len(ps["maria-lindborg"]))
		}

		r = e.postForm(path, url.Values{"atgard": {"ta-bort"}}, maria)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("removing: %d", r.StatusCode)
		}
		wantIn(t, "removed", e.get(path+"?klart=borttagen", maria), http.StatusOK, "Adressen är borttagen", "Du har inte gett någon kalender.")
		if _, err := e.store.FindBusyFeed(context.Background(), "maria-lindborg"); !calendar.IsNotFound(err) {
			t.Errorf("after removing, FindBusyFeed = %v, want not found", err)
		}
		// Nothing to do: said, nothing changed.
		wantIn(t, "no action", e.postForm(path, url.Values{}, maria), http.StatusBadRequest, "Formuläret saknar vad som ska göras")
	})
}

// TestOwnCalendarInternalRefused: a server as configured (no test option)
// does not fetch an address on the internal network.
func TestOwnCalendarInternalRefused(t *testing.T) {
	e := newEnv(t, nil)
	e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	seed(t, e)
	secret, _ := ownCalendarServer(t)
	maria := sessionCookie(t, e, "maria-lindborg")
	wantIn(t, "an internal IP", e.postForm("/mina-moten/egen-kalender", url.Values{"atgard": {"spara"}, "adress": {secret}}, maria),
		http.StatusBadRequest, "Adressen pekar på ett internt nät")
	// Behind a name, it is refused when dialled: saved, but never read.
	local := strings.Replace(secret, "127.0.0.1", "localhost", 1)
	if r := e.postForm("/mina-moten/egen-kalender", url.Values{"atgard": {"spara"}, "adress": {local}}, maria); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving a name: %d", r.StatusCode)
	}
	wantIn(t, "a name for an internal IP", e.get("/mina-moten/egen-kalender", maria), http.StatusOK,
		"Kalendern kunde inte läsas.", "Adressen pekar på ett internt nät", "Samkal har inga upptagna tider från den än.")
}
