package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestAdminPages: an admin gives and takes back roles by email, finds a
// person, signs them out everywhere, downloads what is held about them and
// erases them, all from the pages, in Swedish; nobody else gets in.
func TestAdminPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		seed(t, e)
		ctx := context.Background()
		makeAdmin(t, e)
		makeSecretary(t, e)
		ida, maria := sessionCookie(t, e, "ida-admin"), sessionCookie(t, e, "maria-lindborg")

		wantIn(t, "a secretary", e.get("/administration/roller", maria), http.StatusForbidden, "Du saknar behörighet")
		wantIn(t, "a secretary posts", e.postForm("/administration/roller", url.Values{"epost": {annaEmail}, "roll": {"admin"}}, maria),
			http.StatusForbidden, "Du saknar behörighet")
		if r := e.get("/administration/personer", ""); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger: %d %s, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}

		r := e.get("/administration/roller", ida)
		wantIn(t, "roles", r, http.StatusOK, ">Administration</a>", "Ida Admin", "Din egen roll", "Maria Lindborg", "Sekreterare för Chefsgrupp folkhälsa")

		r = e.postForm("/administration/roller", url.Values{"epost": {"nobody@example.se"}, "roll": {"secretary"}, "organ": {""}}, ida)
		wantIn(t, "unknown email", r, http.StatusUnprocessableEntity, "<title>Fel: Roller", `href="#epost"`, "Ingen person i Samkal har den e-postadressen",
			`href="#organ"`, "Välj vilket organ", `value="nobody@example.se"`)
		r = e.postFollow("/administration/roller", url.Values{"epost": {strings.ToUpper(annaEmail)}, "roll": {"secretary"}, "organ": {"skolchefsgruppen"}}, ida)
		wantIn(t, "given", r, http.StatusOK, "Rollen är given.", "Sekreterare för Skolchefsgruppen")
		rights, err := e.store.FindRights(ctx, "anna-berg", calendar.DateOf(e.clock.Now()))
		must(t, err)
		if !rights.Secretary["skolchefsgruppen"] {
			t.Fatalf("Anna is not secretary of skolchefsgruppen after the page gave it")
		}
		r = e.postFollow("/administration/roller/ta-bort", url.Values{"person": {"anna-berg"}, "roll": {"secretary"}, "organ": {"skolchefsgruppen"}}, ida)
		wantIn(t, "taken back", r, http.StatusOK, "Rollen är borttagen.")
		if strings.Contains(r.text(), "Sekreterare för Skolchefsgruppen") {
			t.Errorf("the role is still listed")
		}
		r = e.postForm("/administration/roller/ta-bort", url.Values{"person": {"ida-admin"}, "roll": {"admin"}}, ida)
		wantIn(t, "own admin role", r, http.StatusUnprocessableEntity, "Du kan inte ta bort din egen administratörsroll")

		r = e.get("/administration/personer?q=LINDB", ida)
		wantIn(t, "search", r, http.StatusOK, "1 träffar", `href="/administration/personer/maria-lindborg"`, mariaEmail)
		wantIn(t, "no hits", e.get("/administration/personer?q=zzz", ida), http.StatusOK, "Ingen person har")

		r = e.get("/administration/personer/maria-lindborg", ida)
		wantIn(t, "person", r, http.StatusOK, "Maria Lindborg", "Sekreterare för Chefsgrupp folkhälsa", "Via en inloggningslänk i e-post", "Logga ut personen överallt")
		r = e.postFollow("/administration/personer/maria-lindborg/logga-ut", url.Values{}, ida)
		wantIn(t, "signed out", r, http.StatusOK, "Personen är utloggad överallt.", "Personen är inte inloggad någonstans.")
		if r := e.get("/mina-organ", maria); r.StatusCode != http.StatusSeeOther {
			t.Errorf("Maria's ended session still opens Mina organ: %d", r.StatusCode)
		}

		r = e.get("/administration/personer/maria-lindborg/uppgifter", ida)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(r.text(), mariaEmail) {
			t.Errorf("export: %d %q %.200s", r.StatusCode, r.Header.Get("Content-Disposition"), r.body)
		}

		wantIn(t, "erase asks", e.get("/administration/personer/anna-berg/radera", ida), http.StatusOK, "Radera Anna Berg", "Det går inte att ångra.")
		if _, err := e.store.FindPersonByKey(ctx, "anna-berg"); err != nil {
			t.Fatalf("the page that asks erased: %v", err)
		}
		r = e.postFollow("/administration/personer/anna-berg/radera", url.Values{}, ida)
		wantIn(t, "erased", r, http.StatusOK, "Personen är raderad.", "Borttagen person")
		if strings.Contains(r.text(), annaEmail) {
			t.Errorf("the erased person's page shows the email")
		}
		if _, err := e.store.FindPersonByEmail(ctx, annaEmail); !calendar.IsNotFound(err) {
			t.Errorf("the erased email is still found: %v", err)
		}
		wantIn(t, "erased again", e.postForm("/administration/personer/anna-berg/radera", url.Values{}, ida), http.StatusNotFound)
	})
}
