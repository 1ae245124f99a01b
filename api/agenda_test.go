package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// agendaTitles lists the titles of an agenda answer and checks that it is
// numbered 1, 2, 3 ….
func agendaTitles(t *testing.T, list []object) []string {
	t.Helper()
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = fmt.Sprint(a["title"])
		if fmt.Sprint(a["position"]) != fmt.Sprint(i+1) {
			t.Errorf("item %q has position %v, want %d", out[i], a["position"], i+1)
		}
	}
	return out
}

func wantTitles(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func TestAgenda(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		m := f.folkhalsa[3] // 20 August, chefsgrupp folkhälsa (public)
		agenda := fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID)

		r := e.write(http.MethodPost, agenda, object{
			"title": "Generation Pep", "presenter": "Josefin Sejnelid", "kind": "dialog",
			"sub_points": []string{"Mat och rörelsesatsning i kommuner och förskolor", "Årlig konferens 19/11"},
			"links":      []object{{"title": "Följeforskning", "url": "https://liu.diva-portal.org/smash/get/diva2:1842456/FULLTEXT01.pdf"}},
		}, http.StatusCreated)
		pep := decode[object](t, r)
		wantKeys(t, "agenda item", pep, "id", "meeting_id", "position", "title", "presenter", "kind", "sub_points", "links",
			"status", "submitted_by", "created_at", "updated_at")
		wantFields(t, "agenda item", pep, object{"meeting_id": m.ID, "position": 1, "kind": "dialog", "status": "accepted",
			"submitted_by": "", "created_at": "2025-01-10T09:00:00+01:00",
			"links": "[map[title:Följeforskning url:https://liu.diva-portal.org/smash/get/diva2:1842456/FULLTEXT01.pdf]]"})
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/agenda-items/%v", pep["id"]) {
			t.Errorf("Location %q", loc)
		}
		e.write(http.MethodPost, agenda, object{"title": "Levnadsvanor", "kind": "information"}, http.StatusCreated)
		e.write(http.MethodPost, agenda, object{"title": "Årsplan 2026", "kind": "beslut", "position": 1}, http.StatusCreated)
		proposal := decode[object](t, e.write(http.MethodPost, agenda, object{"title": "Nära vård-medlen", "status": "proposed",
			"submitted_by": "maria-lindborg"}, http.StatusCreated))
		wantTitles(t, "agenda", agendaTitles(t, items(t, e.adminGet(agenda))), "Årsplan 2026", "Generation Pep", "Levnadsvanor", "Nära vård-medlen")

		// Move, then delete: the numbering stays 1, 2, 3 ….
		item := func(o object) string { return fmt.Sprintf("/api/v1/agenda-items/%v", o["id"]) }
		moved := decode[object](t, e.write(http.MethodPatch, item(pep), object{"position": 3, "presenter": "Malin Bengtsson"}, http.StatusOK))
		wantFields(t, "moved item", moved, object{"position": 3, "presenter": "Malin Bengtsson", "title": "Generation Pep"})
		wantTitles(t, "after move", agendaTitles(t, items(t, e.adminGet(agenda))), "Årsplan 2026", "Levnadsvanor", "Generation Pep", "Nära vård-medlen")
		e.write(http.MethodDelete, item(moved), nil, http.StatusNoContent)
		wantTitles(t, "after delete", agendaTitles(t, items(t, e.adminGet(agenda))), "Årsplan 2026", "Levnadsvanor", "Nära vård-medlen")
		wantProblem(t, e.adminGet(item(moved)), http.StatusNotFound, "does not exist")

		// The public sees accepted items only, and nobody's key.
		public := items(t, e.get(agenda))
		wantTitles(t, "public agenda", agendaTitles(t, public), "Årsplan 2026", "Levnadsvanor")
		for _, a := range public {
			if _, ok := a["submitted_by"]; ok {
				t.Errorf("public item %v shows submitted_by", a["title"])
			}
		}
		wantProblem(t, e.get(item(proposal)), http.StatusNotFound)
		wantFields(t, "proposal for admin", decode[object](t, e.adminGet(item(proposal))), object{"submitted_by": "maria-lindborg"})

		// Standard items, twice: the second call adds nothing.
		std := agenda + "/standard"
		for range 2 {
			got := agendaTitles(t, items(t, e.write(http.MethodPost, std, nil, http.StatusOK)))
			wantTitles(t, "standard agenda", got, "Mötet öppnas", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar",
				"Årsplan 2026", "Levnadsvanor", "Nära vård-medlen", "Övriga frågor", "Mötet avslutas")
		}
		// A new item goes before the closing items, and the public reads
		// the accepted items numbered without the proposal's place.
		e.write(http.MethodPost, agenda, object{"title": "Mötestider 2027", "kind": "beslut"}, http.StatusCreated)
		wantTitles(t, "agenda after appending", agendaTitles(t, items(t, e.adminGet(agenda))), "Mötet öppnas", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Årsplan 2026", "Levnadsvanor", "Nära vård-medlen", "Mötestider 2027",
			"Övriga frågor", "Mötet avslutas")
		wantTitles(t, "public agenda with a proposal", agendaTitles(t, items(t, e.get(agenda))), "Mötet öppnas", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Årsplan 2026", "Levnadsvanor", "Mötestider 2027", "Övriga frågor", "Mötet avslutas")
		// Accepting the proposal shows it to the public, before the
		// closing items.
		e.write(http.MethodPatch, item(proposal), object{"status": "accepted"}, http.StatusOK)
		wantTitles(t, "public agenda after accepting", agendaTitles(t, items(t, e.get(agenda))), "Mötet öppnas", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Årsplan 2026", "Levnadsvanor", "Nära vård-medlen", "Mötestider 2027",
			"Övriga frågor", "Mötet avslutas")

		// A restricted meeting's agenda is not found for the public.
		restricted := fmt.Sprintf("/api/v1/meetings/%d/agenda", f.restricted.ID)
		e.write(http.MethodPost, restricted, object{"title": "Program för dagen"}, http.StatusCreated)
		wantProblem(t, e.get(restricted), http.StatusNotFound)
		if n := len(items(t, e.adminGet(restricted))); n != 1 {
			t.Errorf("admin sees %d items of the restricted agenda, want 1", n)
		}

		// The record of changes shows agenda writes (the newest: the
		// restricted meeting's item).
		changes := items(t, e.adminGet("/api/v1/changes?limit=1"))
		if len(changes) != 1 || changes[0]["entity"] != "agenda_item" || changes[0]["action"] != "create" {
			t.Errorf("newest change: %v, want the creation of an agenda_item", changes)
		}
	})
}

// TestNotesAreInternal checks the one rule for notes (view.internal): the
// notes of meetings and backlog items are the secretary's remarks, shown to
// those who may change them and to nobody else, in lists and single reads
// alike. Backlog notes used to be shown to anonymous callers.
func TestNotesAreInternal(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		const secret = "Ring Anna på 070-123 45 67 före mötet."
		backlog := "/api/v1/bodies/chefsgrupp-folkhalsa/backlog"
		item := e.write(http.MethodPost, backlog, object{"title": "Uppföljning av Generation Pep", "notes": secret}, http.StatusCreated).Header.Get("Location")
		meeting := e.write(http.MethodPost, "/api/v1/meetings", object{"bodies": []string{"chefsgrupp-folkhalsa"},
			"start": "2025-05-22T13:00", "end": "2025-05-22T16:30", "notes": secret, "confirm_clashes": true}, http.StatusCreated).Header.Get("Location")
		for _, path := range []string{backlog, item, meeting, "/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2025"} {
			if body := string(e.get(path).body); strings.Contains(body, secret) || strings.Contains(body, `"notes"`) {
				t.Errorf("anonymous GET %s shows notes:\n%s", path, body)
			}
			if body := string(e.adminGet(path).body); !strings.Contains(body, secret) {
				t.Errorf("admin GET %s does not show the notes:\n%s", path, body)
			}
		}
	})
}

func TestBacklog(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		backlog := "/api/v1/bodies/chefsgrupp-folkhalsa/backlog"
		r := e.write(http.MethodPost, backlog, object{"title": "Uppföljning av Generation Pep", "notes": "Till majmötet."}, http.StatusCreated)
		x := decode[object](t, r)
		wantKeys(t, "backlog item", x, "id", "body", "title", "notes", "created_at", "updated_at")
		wantFields(t, "backlog item", x, object{"body": "chefsgrupp-folkhalsa", "notes": "Till majmötet."})
		loc := r.Header.Get("Location")
		if loc != fmt.Sprintf("/api/v1/backlog-items/%v", x["id"]) {
			t.Errorf("Location %q", loc)
		}
		e.write(http.MethodPost, backlog, object{"title": "Nära vård-medlen"}, http.StatusCreated)
		got := items(t, e.get(backlog))
		if len(got) != 2 || got[0]["title"] != "Uppföljning av Generation Pep" || got[1]["title"] != "Nära vård-medlen" {
			t.Errorf("backlog = %v", got)
		}
		wantFields(t, "backlog item", decode[object](t, e.get(loc)), object{"title": "Uppföljning av Generation Pep"})
		e.write(http.MethodDelete, loc, nil, http.StatusNoContent)
		if n := len(items(t, e.get(backlog))); n != 1 {
			t.Errorf("backlog has %d items after delete, want 1", n)
		}
		wantProblem(t, e.get(loc), http.StatusNotFound, "does not exist")

		// A restricted body's backlog is for admins only.
		hidden := "/api/v1/bodies/arbetsgrupp-uppfoljningsdag/backlog"
		hr := e.write(http.MethodPost, hidden, object{"title": "Lokal för uppföljningsdagen"}, http.StatusCreated)
		wantProblem(t, e.get(hidden), http.StatusNotFound)
		wantProblem(t, e.get(hr.Header.Get("Location")), http.StatusNotFound)
		if n := len(items(t, e.adminGet(hidden))); n != 1 {
			t.Errorf("admin sees %d restricted backlog items, want 1", n)
		}
	})
}

func TestAgendaErrors(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	agenda := fmt.Sprintf("/api/v1/meetings/%d/agenda", f.folkhalsa[0].ID)
	first := decode[object](t, e.write(http.MethodPost, agenda, object{"title": "Årsplan"}, http.StatusCreated))
	itemPath := fmt.Sprintf("/api/v1/agenda-items/%v", first["id"])
	backlog := decode[object](t, e.write(http.MethodPost, "/api/v1/bodies/chefsgrupp-folkhalsa/backlog", object{"title": "Senare"}, http.StatusCreated))
	backlogPath := fmt.Sprintf("/api/v1/backlog-items/%v", backlog["id"])

	for _, tc := range []struct {
		name   string
		req    req
		status int
		detail []string
	}{
		{"unknown field", req{method: "POST", path: agenda, body: `{"title":"x","meeting_id":1}`, admin: true}, 400, []string{`Unknown field "meeting_id"`}},
		{"unknown link field", req{method: "POST", path: agenda, body: `{"title":"x","links":[{"url":"https://a.se","href":"x"}]}`, admin: true},
			400, []string{`Field "links"`, `unknown field "href"`}},
		{"links not an array", req{method: "POST", path: agenda, body: `{"title":"x","links":"https://a.se"}`, admin: true}, 400, []string{`Field "links"`}},
		{"bad kind", req{method: "POST", path: agenda, body: `{"title":"x","kind":"beslutspunkt"}`, admin: true},
			400, []string{`agenda kind "beslutspunkt" is unknown`, "information, beslut, dialog, standard"}},
		{"bad status", req{method: "PATCH", path: itemPath, body: `{"status":"klar"}`, admin: true}, 400, []string{`agenda status "klar" is unknown`}},
		{"non-http link", req{method: "POST", path: agenda, body: `{"title":"x","links":[{"title":"Bilaga","url":"javascript:alert(1)"}]}`, admin: true},
			400, []string{`link 1 "javascript:alert(1)" is not an http(s) link`}},
		{"file link", req{method: "PATCH", path: itemPath, body: `{"links":[{"url":"file:///etc/passwd"}]}`, admin: true}, 400, []string{"not an http(s) link"}},
		{"missing title", req{method: "POST", path: agenda, body: `{"kind":"dialog"}`, admin: true}, 400, []string{"title is required"}},
		{"two-line title", req{method: "POST", path: agenda, body: `{"title":"a\nb"}`, admin: true}, 400, []string{"one line"}},
		{"position not a number", req{method: "POST", path: agenda, body: `{"title":"x","position":"först"}`, admin: true},
			400, []string{`"position" must be a whole number`}},
		{"position past the end", req{method: "POST", path: agenda, body: `{"title":"x","position":5}`, admin: true},
			400, []string{"position 5 is past the end", "use 1 to 2"}},
		{"move past the end", req{method: "PATCH", path: itemPath, body: `{"position":2}`, admin: true}, 400, []string{"use 1 to 1"}},
		{"null title", req{method: "PATCH", path: itemPath, body: `{"title":null}`, admin: true}, 400, []string{"title is required"}},
		{"unknown person", req{method: "POST", path: agenda, body: `{"title":"x","submitted_by":"ingen-alls"}`, admin: true},
			400, []string{`person "ingen-alls" does not exist`}},
		{"unknown meeting: create", req{method: "POST", path: "/api/v1/meetings/9999/agenda", body: `{"title":"x"}`, admin: true},
			404, []string{"meeting 9999"}},
		{"unknown meeting: list", req{method: "GET", path: "/api/v1/meetings/9999/agenda"}, 404, []string{"9999"}},
		{"unknown meeting: standard", req{method: "POST", path: "/api/v1/meetings/9999/agenda/standard", admin: true}, 404, []string{"meeting 9999"}},
		{"bad meeting id", req{method: "GET", path: "/api/v1/meetings/tre/agenda"}, 400, []string{`"tre" is not a meeting id`}},
		{"unknown item: patch", req{method: "PATCH", path: "/api/v1/agenda-items/9999", body: `{"title":"x"}`, admin: true}, 404, []string{"agenda item 9999"}},
		{"unknown item: delete", req{method: "DELETE", path: "/api/v1/agenda-items/9999", admin: true}, 404, []string{"agenda item 9999"}},
		{"unknown body: backlog", req{method: "POST", path: "/api/v1/bodies/finns-inte/backlog", body: `{"title":"x"}`, admin: true},
			404, []string{`body "finns-inte"`}},
		{"unknown body: list backlog", req{method: "GET", path: "/api/v1/bodies/finns-inte/backlog"}, 404, []string{`"finns-inte"`}},
		{"backlog unknown field", req{method: "POST", path: "/api/v1/bodies/chefsgrupp-folkhalsa/backlog", body: `{"title":"x","meeting":3}`, admin: true},
			400, []string{`Unknown field "meeting"`}},
		{"backlog without title", req{method: "POST", path: "/api/v1/bodies/chefsgrupp-folkhalsa/backlog", body: `{"notes":"x"}`, admin: true},
			400, []string{"title is required"}},
		{"unknown backlog item", req{method: "DELETE", path: "/api/v1/backlog-items/9999", admin: true}, 404, []string{"backlog item 9999"}},
		{"no token: create", req{method: "POST", path: agenda, body: `{"title":"x"}`}, 401, []string{"Bearer TOKEN"}},
		{"no token: patch", req{method: "PATCH", path: itemPath, body: `{"title":"x"}`}, 401, []string{"Bearer TOKEN"}},
		{"no token: delete", req{method: "DELETE", path: itemPath}, 401, []string{"Bearer TOKEN"}},
		{"no token: standard", req{method: "POST", path: agenda + "/standard"}, 401, []string{"Bearer TOKEN"}},
		{"no token: backlog", req{method: "POST", path: "/api/v1/bodies/chefsgrupp-folkhalsa/backlog", body: `{"title":"x"}`}, 401, []string{"Bearer TOKEN"}},
		{"no token: backlog delete", req{method: "DELETE", path: backlogPath}, 401, []string{"Bearer TOKEN"}},
		{"wrong token", req{method: "POST", path: agenda, body: `{"title":"x"}`, headers: []string{"Authorization: Bearer gissat"}}, 401, []string{"not valid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.do(tc.req), tc.status, tc.detail...)
		})
	}
	// Nothing above changed the agenda or the backlog.
	wantTitles(t, "agenda", agendaTitles(t, items(t, e.adminGet(agenda))), "Årsplan")
	if n := len(items(t, e.get("/api/v1/bodies/chefsgrupp-folkhalsa/backlog"))); n != 1 {
		t.Errorf("backlog has %d items, want 1", n)
	}
}
