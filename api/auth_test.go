package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestWritesNeedTheAdminToken sends writes without, with a wrong and with a
// malformed token: 401 with WWW-Authenticate, and nothing changes.
func TestWritesNeedTheAdminToken(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		body := `{"slug":"lokal-asken","name":"Lokal Asken"}`
		for _, tt := range []struct {
			name, auth, challenge string
		}{
			{"missing", "", `Bearer realm="samkal"`},
			{"wrong", "Bearer not-the-token", `Bearer realm="samkal", error="invalid_token"`},
			{"almost right", "Bearer " + adminToken + "x", `Bearer realm="samkal", error="invalid_token"`},
			{"other scheme", "Basic YWRtaW46YWRtaW4=", `Bearer realm="samkal", error="invalid_token"`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for _, rq := range []req{
					{method: "POST", path: "/api/v1/rooms", body: body},
					{method: "PATCH", path: "/api/v1/rooms/lokal-eken", body: `{"name":"x"}`},
					{method: "DELETE", path: "/api/v1/rooms/lokal-eken"},
					{method: "POST", path: "/api/v1/people/maria-lindborg/feed-token"},
				} {
					rq.headers = []string{"Authorization: " + tt.auth}
					r := e.do(rq)
					wantProblem(t, r, http.StatusUnauthorized, "token")
					if got := r.Header.Get("WWW-Authenticate"); got != tt.challenge {
						t.Errorf("%s %s: WWW-Authenticate %q, want %q", rq.method, rq.path, got, tt.challenge)
					}
				}
			})
		}
		rooms := column(items(t, e.get("/api/v1/rooms")), "slug")
		if !slices.Equal(rooms, []string{"lokal-eken", "lokal-enen"}) {
			t.Errorf("rooms after refused writes: %q", rooms)
		}
		// A wrong token on a read is refused too, so that a misconfigured
		// admin client does not silently see public data only.
		wantProblem(t, e.get("/api/v1/rooms", "Authorization: Bearer nope"), http.StatusUnauthorized, "not valid")
	})
}

// TestNoAdminTokenRefusesWrites: a server without an admin token (the
// break-glass) refuses every anonymous write with 401, and an empty bearer
// token is no way round it.
func TestNoAdminTokenRefusesWrites(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.AdminToken = "" })
	for _, auth := range []string{"", "Bearer ", "Bearer anything"} {
		r := e.do(req{method: "POST", path: "/api/v1/rooms", body: `{"slug":"a","name":"A"}`, headers: []string{"Authorization: " + auth}})
		wantProblem(t, r, http.StatusUnauthorized, "token")
	}
	if r := e.get("/api/v1/rooms"); r.StatusCode != 200 {
		t.Errorf("public read without admin token configured: %d", r.StatusCode)
	}
}

// TestPublicReads checks what a caller without a token sees, entity by
// entity, against what an admin sees.
func TestPublicReads(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)

		// People: only members of public bodies, without email, phone or
		// feed_url; an admin sees all of it.
		public := items(t, e.get("/api/v1/people"))
		if got := column(public, "key"); !slices.Equal(got, []string{"maria-lindborg"}) {
			t.Errorf("public people %q, want only maria-lindborg (anna-berg sits only in a restricted body)", got)
		}
		wantKeys(t, "public person", public[0], "id", "key", "name", "title", "organisation", "created_at", "updated_at")
		wantProblem(t, e.get("/api/v1/people/anna-berg"), http.StatusNotFound)
		maria := decode[object](t, e.get("/api/v1/people/maria-lindborg"))
		wantKeys(t, "public person", maria, "id", "key", "name", "title", "organisation", "created_at", "updated_at")

		admin := decode[object](t, e.adminGet("/api/v1/people/anna-berg"))
		wantFields(t, "admin person", admin, object{"email": annaEmail, "phone": annaPhone,
			"feed_url": baseURL + "/feeds/people/" + f.anna.FeedToken + ".ics"})
		if got := column(items(t, e.adminGet("/api/v1/people")), "key"); !slices.Equal(got, []string{"anna-berg", "maria-lindborg"}) {
			t.Errorf("admin people %q", got)
		}

		// Bodies: restricted ones do not exist for the public.
		if got := column(items(t, e.get("/api/v1/bodies")), "slug"); slices.Contains(got, "arbetsgrupp-uppfoljningsdag") || len(got) != 3 {
			t.Errorf("public bodies %q, want the three public ones", got)
		}
		wantProblem(t, e.get("/api/v1/bodies/arbetsgrupp-uppfoljningsdag"), http.StatusNotFound)
		if r := e.adminGet("/api/v1/bodies/arbetsgrupp-uppfoljningsdag"); r.StatusCode != 200 {
			t.Errorf("admin read of a restricted body: %d", r.StatusCode)
		}
		if got := column(items(t, e.adminGet("/api/v1/bodies?visibility=restricted")), "slug"); !slices.Equal(got, []string{"arbetsgrupp-uppfoljningsdag"}) {
			t.Errorf("admin bodies?visibility=restricted: %q", got)
		}

		// Meetings: the restricted one is hidden; the mixed one names only
		// its public body; notes are the admin's.
		ms := items(t, e.get("/api/v1/meetings"))
		ids := column(ms, "id")
		if slices.Contains(ids, fmt.Sprint(f.restricted.ID)) || !slices.Contains(ids, fmt.Sprint(f.mixed.ID)) || !slices.Contains(ids, fmt.Sprint(f.followUp.ID)) {
			t.Errorf("public meetings %q: want the mixed meeting and the follow-up day, not the restricted one (%d)", ids, f.restricted.ID)
		}
		for _, m := range ms {
			if _, ok := m["notes"]; ok {
				t.Errorf("public meeting %v carries notes", m["id"])
			}
		}
		mixed := decode[object](t, e.get(fmt.Sprintf("/api/v1/meetings/%d", f.mixed.ID)))
		if fmt.Sprint(mixed["bodies"]) != "[chefsgrupp-folkhalsa]" {
			t.Errorf("public mixed meeting bodies %v, want only the public body", mixed["bodies"])
		}
		wantProblem(t, e.get(fmt.Sprintf("/api/v1/meetings/%d", f.restricted.ID)), http.StatusNotFound)
		wantProblem(t, e.get("/api/v1/meetings?body=arbetsgrupp-uppfoljningsdag"), http.StatusBadRequest, `body "arbetsgrupp-uppfoljningsdag" does not exist`)
		wantProblem(t, e.get("/api/v1/meetings?person=anna-berg"), http.StatusBadRequest, `person "anna-berg" does not exist`)
		adminMixed := decode[object](t, e.adminGet(fmt.Sprintf("/api/v1/meetings/%d", f.mixed.ID)))
		wantFields(t, "admin mixed meeting", adminMixed, object{"bodies": "[arbetsgrupp-uppfoljningsdag chefsgrupp-folkhalsa]", "notes": secretNote})

		// Memberships of restricted bodies are hidden.
		for _, m := range items(t, e.get("/api/v1/memberships")) {
			if m["body"] == "arbetsgrupp-uppfoljningsdag" {
				t.Errorf("public membership list shows %v", m)
			}
		}
		restrictedMembership := items(t, e.adminGet("/api/v1/memberships?body=arbetsgrupp-uppfoljningsdag"))[0]
		wantProblem(t, e.get(fmt.Sprintf("/api/v1/memberships/%v", restrictedMembership["id"])), http.StatusNotFound)

		// No public answer carries personal data.
		for _, path := range []string{"/api/v1/people", "/api/v1/people/maria-lindborg", "/api/v1/meetings", "/api/v1/memberships",
			"/api/v1/bodies", "/api/v1/organisations", "/api/v1/rooms", "/"} {
			text := e.get(path).text()
			for _, secret := range []string{mariaEmail, mariaPhone, annaEmail, annaPhone, f.maria.FeedToken, "Anna Berg"} {
				if strings.Contains(text, secret) {
					t.Errorf("public %s shows %q", path, secret)
				}
			}
		}
	})
}

// TestRotateFeedToken: the answer carries the new feed_url, the old feed
// address stops working at once, the new one works.
func TestRotateFeedToken(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		oldPath := "/feeds/people/" + f.maria.FeedToken + ".ics"
		if r := e.get(oldPath); r.StatusCode != 200 {
			t.Fatalf("person feed before rotation: %d %s", r.StatusCode, r.body)
		}
		p := decode[object](t, e.write("POST", "/api/v1/people/maria-lindborg/feed-token", nil, http.StatusOK))
		newURL, _ := p["feed_url"].(string)
		if newURL == "" || newURL == baseURL+oldPath || !strings.HasPrefix(newURL, baseURL+"/feeds/people/") {
			t.Fatalf("feed_url after rotation %q (old %q)", newURL, baseURL+oldPath)
		}
		wantProblem(t, e.get(oldPath), http.StatusNotFound, "replaced by a new one")
		if r := e.get(strings.TrimPrefix(newURL, baseURL)); r.StatusCode != 200 {
			t.Errorf("new feed address: %d %s", r.StatusCode, r.body)
		}
		wantProblem(t, e.write("POST", "/api/v1/people/finns-inte/feed-token", nil, http.StatusNotFound), http.StatusNotFound)
	})
}

// TestCrossOriginWritesRefused: a browser page on another site cannot make
// an admin's browser write (http.CrossOriginProtection around the router).
func TestCrossOriginWritesRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, h := range [][]string{
		{"Sec-Fetch-Site: cross-site"},
		{"Origin: https://evil.example"},
	} {
		r := e.do(req{method: "POST", path: "/api/v1/rooms", admin: true, body: `{"slug":"lokal-asken","name":"Lokal Asken"}`, headers: h})
		wantProblem(t, r, http.StatusForbidden, "Cross-origin")
	}
	// Same-origin and non-browser clients are fine, and reads are never blocked.
	e.do(req{method: "GET", path: "/api/v1/rooms", headers: []string{"Sec-Fetch-Site: cross-site"}})
	r := e.do(req{method: "POST", path: "/api/v1/rooms", admin: true, body: `{"slug":"lokal-asken","name":"Lokal Asken"}`,
		headers: []string{"Sec-Fetch-Site: same-origin"}})
	if r.StatusCode != http.StatusCreated {
		t.Errorf("same-origin write: %d %s", r.StatusCode, r.body)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/rooms", headers: []string{"Sec-Fetch-Site: cross-site"}}); r.StatusCode != 200 {
		t.Errorf("cross-site read: %d", r.StatusCode)
	}
}
