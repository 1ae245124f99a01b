package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestMyMeetings: a member sees their bodies with their roles, their
// coming meetings with ISO weeks, and their personal calendar's address
// with help per program; changing the address stops the old one at once.
func TestMyMeetings(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		if r := e.get("/mina-moten", ""); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		r := e.get("/mina-moten", maria)
		wantIn(t, "mina möten", r, http.StatusOK, `<a href="/mina-moten">Mina möten</a>`,
			`<a href="/organ/chefsgrupp-folkhalsa">Chefsgrupp folkhälsa</a> – kontaktperson`,
			`<a href="/organ/arbetsgrupp-uppfoljningsdag">Arbetsgrupp uppföljningsdag</a> – sekreterare`,
			"tisdag 21 januari 2025, v 4</a>, 13.00–16.30", "Planering av uppföljningsdagen",
			"/feeds/people/"+f.maria.FeedToken+".ics", "webcal://", "Prenumerera från webben", "Från webbadress",
			"ungefär en gång per dygn", "Lägg till prenumererad kalender", "Thunderbird", "Den uppdateras inte")

		r = e.postForm("/mina-moten/ny-adress", url.Values{}, maria)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("changing the address: %d", r.StatusCode)
		}
		p, err := e.store.FindPersonByKey(context.Background(), "maria-lindborg")
		must(t, err)
		if p.FeedToken == f.maria.FeedToken {
			t.Fatal("the feed token did not change")
		}
		if got := e.get("/feeds/people/" + f.maria.FeedToken + ".ics").StatusCode; got != http.StatusNotFound {
			t.Errorf("the old address answers %d, want 404", got)
		}
		if got := e.get("/feeds/people/" + p.FeedToken + ".ics").StatusCode; got != http.StatusOK {
			t.Errorf("the new address answers %d", got)
		}
		wantIn(t, "renewed", e.get("/mina-moten?klart=ny-adress", maria), http.StatusOK, "Din kalender har fått en ny adress.", p.FeedToken)
	})
}
