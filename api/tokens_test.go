package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// sessionCookie signs person in directly in the store and returns the
// Cookie header a browser would send (the __Host- name: the tests' base
// URL is https).
func sessionCookie(t testing.TB, e *env, person string) string {
	t.Helper()
	secret, _, err := e.store.CreateSession(context.Background(), person, "link", time.Hour)
	must(t, err)
	return "Cookie: __Host-samkal=" + secret
}

func bearer(token string) string { return "Authorization: Bearer " + token }

// makeToken makes a token through the API with a session and returns its
// secret and id.
func makeToken(t *testing.T, e *env, cookie, name, scope, expires string) (string, string) {
	t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/tokens", body: map[string]string{"name": name, "scope": scope, "expires": expires}, headers: []string{cookie}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/tokens: %d %s", r.StatusCode, r.body)
	}
	o := decode[object](t, r)
	secret, _ := o["token"].(string)
	if len(secret) < 40 || !strings.Contains(fmt.Sprint(o["note"]), "only time the token is shown") {
		t.Fatalf("new token %v: want a secret and the note that it is shown once", o)
	}
	wantFields(t, "new token", o, object{"name": name, "scope": scope, "expires": expires})
	return secret, fmt.Sprint(o["id"])
}

// TestPersonalTokens: made with a session, shown once, listed without the
// secret; a secretary's write token changes their body's meeting and is
// recorded as such, a read token may only read, a token cannot make
// tokens, the admin token has none, and a revoked or expired token is
// refused on the next request.
func TestPersonalTokens(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		write, writeID := makeToken(t, e, maria, "Skript", "write", "2025-04-01")
		read, _ := makeToken(t, e, maria, "Läsare", "read", "2025-02-01")

		list := items(t, e.get("/api/v1/tokens", maria))
		if got := column(list, "name"); !slices.Equal(got, []string{"Läsare", "Skript"}) {
			t.Errorf("tokens %q, want both, newest first", got)
		}
		wantKeys(t, "listed token", list[0], "id", "name", "scope", "created", "last_used", "expires", "revoked")
		if text := e.get("/api/v1/tokens", maria).text(); strings.Contains(text, write) || strings.Contains(text, read) {
			t.Errorf("the list shows a secret: %s", text)
		}

		// The write token of the working group's secretary changes its
		// meeting; the record names her, the way and the token.
		path := fmt.Sprintf("/api/v1/meetings/%d", f.restricted.ID)
		r := e.do(req{method: "PATCH", path: path, body: `{"title":"Planering, nytt namn"}`, headers: []string{bearer(write)}})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("PATCH with a write token: %d %s", r.StatusCode, r.body)
		}
		c := items(t, e.adminGet(fmt.Sprintf("/api/v1/changes?entity=meeting&id=%d&limit=1", f.restricted.ID)))[0]
		actor, _ := c["actor"].(map[string]any)
		if actor["person"] != "maria-lindborg" || actor["name"] != "Maria Lindborg" || actor["via"] != "token" || actor["token"] != "Skript" || actor["request_id"] == "" {
			t.Errorf("the change's actor %v, want Maria through the token Skript with a request ID", actor)
		}

		// A read token reads what she may see, and writes nothing.
		if r := e.get(path, bearer(read)); r.StatusCode != http.StatusOK {
			t.Errorf("GET a restricted meeting with her read token: %d", r.StatusCode)
		}
		wantProblem(t, e.do(req{method: "PATCH", path: path, body: `{"title":"x"}`, headers: []string{bearer(read)}}),
			http.StatusForbidden, "This token may only read")
		wantProblem(t, e.do(req{method: "DELETE", path: "/api/v1/tokens/" + writeID, headers: []string{bearer(read)}}),
			http.StatusForbidden, "This token may only read")

		// Tokens make no tokens; the admin token has none; anonymous is 401.
		for tok, why := range map[string]string{write: "A token cannot make tokens", read: "This token may only read"} {
			wantProblem(t, e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scope":"write","expires":"2025-03-01"}`,
				headers: []string{bearer(tok)}}), http.StatusForbidden, why)
		}
		wantProblem(t, e.adminGet("/api/v1/tokens"), http.StatusForbidden, "admin token belongs to no person")
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scope":"write","expires":"2025-03-01"}`, admin: true}),
			http.StatusForbidden, "admin token belongs to no person")
		wantProblem(t, e.get("/api/v1/tokens"), http.StatusUnauthorized)
		bad := wantProblem(t, e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scope":"admin","expires":"2024-03-01"}`,
			headers: []string{maria}}), http.StatusBadRequest, "scope")
		if !slices.ContainsFunc(bad.Errors, func(s string) bool { return strings.Contains(s, "in the past") }) {
			t.Errorf("errors %q, want the expiry in the past named", bad.Errors)
		}

		// Someone else's token is not found; revoking ends it at once.
		anna := sessionCookie(t, e, "anna-berg")
		wantProblem(t, e.do(req{method: "DELETE", path: "/api/v1/tokens/" + writeID, headers: []string{anna}}), http.StatusNotFound)
		other := replica(t, e) // another replica on the same database
		onOther := func() int {
			t.Helper()
			hr, err := http.NewRequest(http.MethodGet, other+path, nil)
			must(t, err)
			hr.Header.Set("Authorization", "Bearer "+write)
			res, err := http.DefaultClient.Do(hr)
			must(t, err)
			res.Body.Close()
			return res.StatusCode
		}
		if r := e.get(path, bearer(write)); r.StatusCode != http.StatusOK || onOther() != http.StatusOK {
			t.Fatalf("the token before revocation: %d here, %d on the other replica", r.StatusCode, onOther())
		}
		if r := e.do(req{method: "DELETE", path: "/api/v1/tokens/" + writeID, headers: []string{maria}}); r.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE own token: %d %s", r.StatusCode, r.body)
		}
		wantProblem(t, e.get(path, bearer(write)), http.StatusUnauthorized, "revoked")
		if got := onOther(); got != http.StatusUnauthorized {
			t.Errorf("the revoked token on the other replica: %d, want 401", got)
		}
		listed := items(t, e.get("/api/v1/tokens", maria))
		if listed[1]["revoked"] == nil || listed[0]["revoked"] != nil {
			t.Errorf("after revocation: %v", listed)
		}

		// The read token works through its last day and not after.
		e.clock.Set(time.Date(2025, 2, 1, 23, 0, 0, 0, calendar.Location))
		if r := e.get("/api/v1/bodies", bearer(read)); r.StatusCode != http.StatusOK {
			t.Errorf("on its last day: %d", r.StatusCode)
		}
		e.clock.Set(time.Date(2025, 2, 2, 0, 0, 1, 0, calendar.Location))
		wantProblem(t, e.get("/api/v1/bodies", bearer(read)), http.StatusUnauthorized, "expired")
	})
}

// TestRolesAPI: an admin grants, lists and revokes roles by id; a grant
// takes effect on the next request; nobody else may.
func TestRolesAPI(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		anna := sessionCookie(t, e, "anna-berg")
		meeting := fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[0].ID)
		patch := func() *resp {
			return e.do(req{method: "PATCH", path: meeting, body: `{"title":"Chefsgrupp, flyttat"}`, headers: []string{anna}})
		}
		wantProblem(t, patch(), http.StatusForbidden)
		grant := map[string]string{"person": "anna-berg", "role": "secretary", "body": "chefsgrupp-folkhalsa"}
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/roles", body: grant, headers: []string{anna}}), http.StatusForbidden, "Only an admin")

		g := decode[object](t, e.write("POST", "/api/v1/roles", grant, http.StatusCreated))
		wantFields(t, "grant", g, object{"person": "anna-berg", "role": "secretary", "body": "chefsgrupp-folkhalsa"})
		again := decode[object](t, e.write("POST", "/api/v1/roles", grant, http.StatusOK))
		if again["id"] != g["id"] {
			t.Errorf("granting again gave %v, want the same grant %v", again["id"], g["id"])
		}
		if r := patch(); r.StatusCode != http.StatusOK {
			t.Errorf("the new secretary's PATCH: %d %s", r.StatusCode, r.body)
		}
		if got := column(items(t, e.adminGet("/api/v1/roles?person=anna-berg")), "id"); !slices.Equal(got, []string{fmt.Sprint(g["id"])}) {
			t.Errorf("roles of anna: %q", got)
		}
		if got := items(t, e.adminGet("/api/v1/roles?body=skolchefsgruppen")); len(got) != 0 {
			t.Errorf("roles of skolchefsgruppen: %v", got)
		}
		wantProblem(t, e.adminGet("/api/v1/roles?persn=anna-berg"), http.StatusBadRequest, "persn")
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/roles", body: `{"person":"anna-berg","role":"chef"}`, admin: true}),
			http.StatusBadRequest, `role "chef" is unknown`)
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/roles", body: `{"person":"ingen","role":"admin"}`, admin: true}),
			http.StatusBadRequest, "ingen")

		id := fmt.Sprint(g["id"])
		e.write("DELETE", "/api/v1/roles/"+id, nil, http.StatusNoContent)
		wantProblem(t, e.do(req{method: "DELETE", path: "/api/v1/roles/" + id, admin: true}), http.StatusNotFound, "no role grant")
		wantProblem(t, patch(), http.StatusForbidden)

		// An admin person may give roles too.
		e.write("POST", "/api/v1/roles", map[string]string{"person": "anna-berg", "role": "admin"}, http.StatusCreated)
		if r := e.get("/api/v1/roles", anna); r.StatusCode != http.StatusOK {
			t.Errorf("GET /api/v1/roles as an admin person: %d", r.StatusCode)
		}
		roles := items(t, e.adminGet("/api/v1/roles"))
		if len(roles) != 1 || roles[0]["role"] != "admin" || roles[0]["body"] != nil {
			t.Errorf("roles %v, want anna's admin role alone", roles)
		}
	})
}

// TestEndSessions: an admin signs a person out everywhere; their cookies
// are anonymous on the next request.
func TestEndSessions(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		one, two := sessionCookie(t, e, "anna-berg"), sessionCookie(t, e, "anna-berg")
		maria := sessionCookie(t, e, "maria-lindborg")
		wantProblem(t, e.do(req{method: "DELETE", path: "/api/v1/people/maria-lindborg/sessions", headers: []string{one}}), http.StatusForbidden)
		r := e.write("DELETE", "/api/v1/people/anna-berg/sessions", nil, http.StatusOK)
		if got := decode[object](t, r); fmt.Sprint(got["ended"]) != "2" {
			t.Errorf("answer %v, want ended 2", got)
		}
		for _, c := range []string{one, two} {
			wantProblem(t, e.get("/api/v1/tokens", c), http.StatusUnauthorized)
		}
		if r := e.get("/api/v1/tokens", maria); r.StatusCode != http.StatusOK {
			t.Errorf("another person's session after the sign-out: %d", r.StatusCode)
		}
		wantProblem(t, e.do(req{method: "DELETE", path: "/api/v1/people/ingen/sessions", admin: true}), http.StatusNotFound)
	})
}

// TestChangesFilters: an admin filters the record by actor, way, entity
// and days; a secretary sees only their bodies' things; a member nothing.
func TestChangesFilters(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		e.clock.Set(time.Date(2025, 1, 11, 10, 0, 0, 0, calendar.Location))
		maria := sessionCookie(t, e, "maria-lindborg")
		restricted := fmt.Sprintf("/api/v1/meetings/%d", f.restricted.ID)
		if r := e.do(req{method: "PATCH", path: restricted, body: `{"title":"Planering, nytt namn"}`, headers: []string{maria}}); r.StatusCode != http.StatusOK {
			t.Fatalf("secretary's PATCH: %d %s", r.StatusCode, r.body)
		}
		e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[0].ID), `{"title":"Chefsgrupp, ny rubrik"}`, http.StatusOK)

		ids := func(r *resp) []string {
			t.Helper()
			var out []string
			for _, c := range items(t, r) {
				out = append(out, fmt.Sprintf("%v %v", c["entity"], c["entity_id"]))
			}
			return out
		}
		mine := fmt.Sprintf("meeting %d", f.restricted.ID)
		admins := fmt.Sprintf("meeting %d", f.folkhalsa[0].ID)
		for _, tt := range []struct {
			query string
			want  []string
		}{
			{"actor=maria-lindborg", []string{mine}},
			{"via=session", []string{mine}},
			{"via=admin-token", []string{admins}},
			{"from=2025-01-11", []string{admins, mine}},
			{"from=2025-01-11&entity=meeting&id=" + fmt.Sprint(f.restricted.ID), []string{mine}},
			{"actor=anna-berg", nil},
		} {
			if got := ids(e.adminGet("/api/v1/changes?" + tt.query)); !slices.Equal(got, tt.want) {
				t.Errorf("changes?%s = %q, want %q", tt.query, got, tt.want)
			}
		}
		all := ids(e.adminGet("/api/v1/changes?limit=1000"))
		if got := ids(e.adminGet("/api/v1/changes?to=2025-01-10&limit=1000")); !slices.Equal(got, all[2:]) {
			t.Errorf("changes?to=2025-01-10: %d changes, want the seed's %d", len(got), len(all)-2)
		}
		c := items(t, e.adminGet("/api/v1/changes?actor=maria-lindborg"))[0]
		wantFields(t, "the secretary's change", c, object{"action": "update"})
		actor, _ := c["actor"].(map[string]any)
		if actor["person"] != "maria-lindborg" || actor["name"] != "Maria Lindborg" || actor["via"] != "session" || actor["token"] != "" || len(fmt.Sprint(actor["request_id"])) != 16 {
			t.Errorf("actor %v", actor)
		}
		wantProblem(t, e.adminGet("/api/v1/changes?via=fax"), http.StatusBadRequest, "via")
		wantProblem(t, e.adminGet("/api/v1/changes?from=2025-02-01&to=2025-01-01"), http.StatusBadRequest, "before")

		// The working group's secretary: its body, memberships and
		// meetings (the joint one too), not the council's.
		got := ids(e.get("/api/v1/changes?limit=1000", maria))
		if !slices.Contains(got, mine) || !slices.Contains(got, fmt.Sprintf("meeting %d", f.mixed.ID)) || slices.Contains(got, admins) {
			t.Errorf("the secretary's changes %q: want her meetings and not the council's", got)
		}
		for _, g := range got {
			if kind, _, _ := strings.Cut(g, " "); !slices.Contains([]string{"meeting", "membership", "body"}, kind) {
				t.Errorf("the secretary sees the change of %s", g)
			}
		}
		if len(got) != 6 { // body, 2 memberships, 2 meetings created, 1 updated
			t.Errorf("the secretary sees %d changes, want 6: %q", len(got), got)
		}
		wantProblem(t, e.get("/api/v1/changes", sessionCookie(t, e, "anna-berg")), http.StatusForbidden, "only an admin, or a secretary")
		wantProblem(t, e.get("/api/v1/changes"), http.StatusUnauthorized)
	})
}
