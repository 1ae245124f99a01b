package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// personalToken makes a personal API token for person and returns the
// header that sends it.
func personalToken(t *testing.T, e *env, person string, scope calendar.TokenScope) string {
	t.Helper()
	secret, err := e.store.CreateAPIToken(context.Background(), &calendar.APIToken{Person: person, Name: "test", Scope: scope,
		Expires: calendar.DateOf(start).AddDays(30)})
	must(t, err)
	return "Authorization: Bearer " + secret
}

// TestExportPerson: a person exports their own data, an admin anyone's;
// another member is refused, and so is an anonymous caller.
func TestExportPerson(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		anna := personalToken(t, e, "anna-berg", calendar.ScopeRead)
		maria := personalToken(t, e, "maria-lindborg", calendar.ScopeRead)

		r := e.get("/api/v1/people/anna-berg/export", anna)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("own export: %d %s", r.StatusCode, r.body)
		}
		if got := r.Header.Get("Content-Disposition"); got != `attachment; filename=samkal-anna-berg.json` {
			t.Errorf("Content-Disposition %q", got)
		}
		x := decode[object](t, r)
		person, _ := x["person"].(map[string]any)
		wantFields(t, "exported person", person, object{"key": "anna-berg", "email": annaEmail, "phone": annaPhone})
		ms, _ := x["memberships"].([]any)
		tokens, _ := x["api_tokens"].([]any)
		if len(ms) != 1 || len(tokens) != 1 || x["has_feed_url"] != true {
			t.Errorf("export memberships %v tokens %v feed %v", ms, tokens, x["has_feed_url"])
		}
		if strings.Contains(r.text(), f.anna.FeedToken) || strings.Contains(r.text(), strings.TrimPrefix(anna, "Authorization: Bearer ")) {
			t.Error("the export carries a secret")
		}

		wantProblem(t, e.get("/api/v1/people/anna-berg/export", maria), http.StatusForbidden, "only what is held about yourself")
		wantProblem(t, e.get("/api/v1/people/anna-berg/export"), http.StatusUnauthorized)
		if r := e.adminGet("/api/v1/people/anna-berg/export"); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), annaEmail) {
			t.Errorf("admin export: %d %s", r.StatusCode, r.body)
		}
		wantProblem(t, e.adminGet("/api/v1/people/finns-inte/export"), http.StatusNotFound)
	})
}

// TestErasePerson: only an admin erases; afterwards the person's feed,
// tokens and key are gone and the answer says what was removed.
func TestErasePerson(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		feed := "/feeds/people/" + f.maria.FeedToken + ".ics"
		if r := e.get(feed); r.StatusCode != http.StatusOK { // now cached
			t.Fatalf("feed before erasure: %d", r.StatusCode)
		}
		maria := personalToken(t, e, "maria-lindborg", calendar.ScopeWrite)
		anna := personalToken(t, e, "anna-berg", calendar.ScopeWrite)
		for _, who := range []string{maria, anna} {
			r := e.do(req{method: http.MethodPost, path: "/api/v1/people/maria-lindborg/erase", headers: []string{who}})
			wantProblem(t, r, http.StatusForbidden)
		}
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/people/maria-lindborg/erase"}), http.StatusUnauthorized)

		x := decode[object](t, e.write(http.MethodPost, "/api/v1/people/maria-lindborg/erase", nil, http.StatusOK))
		wantFields(t, "erasure", x, object{"person": "borttagen-" + fmt.Sprint(f.maria.ID), "memberships": "3", "api_tokens": "1"})

		wantProblem(t, e.get(feed), http.StatusNotFound)
		wantProblem(t, e.adminGet("/api/v1/people/maria-lindborg"), http.StatusNotFound)
		wantProblem(t, e.get("/api/v1/people/anna-berg/export", maria), http.StatusUnauthorized)
		p := decode[object](t, e.adminGet("/api/v1/people/borttagen-"+fmt.Sprint(f.maria.ID)))
		wantFields(t, "erased person", p, object{"name": calendar.ErasedName, "title": ""})
		wantProblem(t, e.write(http.MethodPost, "/api/v1/people/maria-lindborg/erase", nil, http.StatusNotFound), http.StatusNotFound)
	})
}
