package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestChangesPage: a body's change log names who changed what and when,
// newest first, with the clash warnings a secretary saved despite, 50 to a
// page; only those who see the body's internals read it.
func TestChangesPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		path := "/mina-organ/chefsgrupp-folkhalsa/andringar"

		// Maria cancels a meeting and saves one on a holiday anyway.
		aug := f.folkhalsa[3]
		if r := e.postForm(fmt.Sprintf("/mina-organ/moten/%d/installa", aug.ID), url.Values{"meddelande": {"Vi ses i september."}}, maria); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", r.StatusCode)
		}
		holiday := url.Values{"titel": {""}, "datum": {"2025-06-06"}, "start": {"10.00"}, "slut": {"12.00"}, "lokal": {""},
			"status": {"proposed"}, "spara_anda": {"ja"}}
		if r := e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", holiday, maria); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving on a holiday anyway: %d\n%s", r.StatusCode, r.body)
		}
		page := wantHTML(t, e.get(path, maria), http.StatusOK, "<h1>Ändringar <span class=\"sub\">Chefsgrupp folkhälsa</span></h1>",
			`<td data-label="Vem">Maria Lindborg</td>`,
			fmt.Sprintf(`<a href="/mina-organ/moten/%d">Möte ändrades</a>: meddelande vid inställningen, status, version`, aug.ID),
			"Möte skapades</a><br>Sparat trots varning: ", "nationaldag")
		if strings.Index(page, "Sparat trots varning") > strings.Index(page, "meddelande vid inställningen") {
			t.Error("the change log is not newest first")
		}
		if strings.Contains(page, "Vi ses i september.") {
			t.Error("the change log shows a field's value")
		}

		// Paged: 55 more meetings, 50 to a page.
		for i := range 55 {
			start := time.Date(2026, 1, 5, 9, 0, 0, 0, calendar.Location).AddDate(0, 0, i)
			must(t, e.store.CreateMeeting(context.Background(), &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"},
				Start: start, End: start.Add(time.Hour)}))
		}
		page = wantHTML(t, e.get(path, maria), http.StatusOK, "Äldre ändringar")
		if n := strings.Count(page, `<td data-label="Vem">`); n != 50 {
			t.Errorf("the first page has %d changes, want 50", n)
		}
		older := page[strings.Index(page, `<a href="`+path+"?fore=")+len(`<a href="`):]
		older = strings.ReplaceAll(older[:strings.Index(older, `"`)], "&amp;", "&")
		page = wantHTML(t, e.get(older, maria), http.StatusOK, `<a href="`+path+`">De senaste ändringarna</a>`,
			"Maria Lindborg", "Sparat trots varning")
		if strings.Contains(page, "Äldre ändringar") && strings.Count(page, `<td data-label="Vem">`) < 50 {
			t.Error("a last page offers older changes")
		}

		// Only those who see the body's internals.
		if r := e.get(path); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in?next=") {
			t.Errorf("anonymous: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		wantHTML(t, e.get(path, sessionCookie(t, e, "anna-berg")), http.StatusForbidden, "Du saknar behörighet")
	})
}
