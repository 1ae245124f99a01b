package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar/sqlstore"
)

type object = map[string]any

// keys returns the sorted field names of o.
func keys(o object) []string {
	var k []string
	for name := range o {
		k = append(k, name)
	}
	slices.Sort(k)
	return k
}

func wantKeys(t *testing.T, what string, o object, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := keys(o); !slices.Equal(got, want) {
		t.Errorf("%s fields %q, want %q", what, got, want)
	}
}

// set, as a wanted value, accepts any value but null.
const set = "<set>"

// wantFields checks selected field values of o (numbers as float64, the
// way encoding/json reads them).
func wantFields(t *testing.T, what string, o object, want object) {
	t.Helper()
	for k, v := range want {
		if v == set {
			if o[k] == nil {
				t.Errorf("%s.%s is null, want a value", what, k)
			}
			continue
		}
		if fmt.Sprint(o[k]) != fmt.Sprint(v) {
			t.Errorf("%s.%s = %v, want %v", what, k, o[k], v)
		}
	}
}

func items(t *testing.T, r *resp) []object {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", r.Request.URL, r.StatusCode, r.body)
	}
	return decode[struct{ Items []object }](t, r).Items
}

// ids returns field name's values of the list items, as text.
func column(list []object, name string) []string {
	var out []string
	for _, o := range list {
		out = append(out, fmt.Sprint(o[name]))
	}
	return out
}

// crudCase drives one entity through create, read, list, partial update
// and delete over HTTP.
type crudCase struct {
	collection string   // "/api/v1/rooms"
	id         string   // the path segment of the created entity
	create     string   // JSON body
	fields     []string // every field name of the answer
	created    object   // field values after create
	patch      string   // JSON body of a partial update
	patched    object   // field values after it, including untouched ones
}

func (c crudCase) run(t *testing.T, e *env) {
	t.Helper()
	r := e.write("POST", c.collection, c.create, http.StatusCreated)
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("create Content-Type %q", ct)
	}
	if loc, want := r.Header.Get("Location"), c.collection+"/"+c.id; loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	got := decode[object](t, r)
	wantKeys(t, "created", got, c.fields...)
	wantFields(t, "created", got, c.created)

	path := c.collection + "/" + c.id
	read := decode[object](t, e.do(req{method: "GET", path: path, admin: true}))
	if fmt.Sprint(read) != fmt.Sprint(got) {
		t.Errorf("read after create:\n%v\nwant\n%v", read, got)
	}
	list := items(t, e.adminGet(c.collection))
	if !slices.Contains(column(list, "id"), fmt.Sprint(got["id"])) {
		t.Errorf("list %s lacks the new entity %v", c.collection, got["id"])
	}

	e.clock.Add(time.Hour)
	patched := decode[object](t, e.write("PATCH", path, c.patch, http.StatusOK))
	wantKeys(t, "patched", patched, c.fields...)
	wantFields(t, "patched", patched, c.patched)
	if patched["created_at"] != got["created_at"] || patched["updated_at"] == got["updated_at"] {
		t.Errorf("after PATCH created_at %v (was %v), updated_at %v (was %v): want created_at kept, updated_at moved",
			patched["created_at"], got["created_at"], patched["updated_at"], got["updated_at"])
	}
	// Only the sent fields changed: an empty PATCH changes nothing.
	same := decode[object](t, e.write("PATCH", path, `{}`, http.StatusOK))
	if fmt.Sprint(same) != fmt.Sprint(patched) {
		t.Errorf("empty PATCH changed the entity:\n%v\nwas\n%v", same, patched)
	}

	r = e.write("DELETE", path, nil, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("DELETE answered a body: %s", r.body)
	}
	wantProblem(t, e.adminGet(path), http.StatusNotFound)
}

// TestCRUD creates, reads, lists, updates and deletes every entity, on both
// engines, and pins the JSON field names.
func TestCRUD(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		t.Run("organisation", func(t *testing.T) {
			crudCase{
				collection: "/api/v1/organisations", id: "laxa",
				create:  `{"slug":"laxa","name":"Laxå kommun","kind":"municipality"}`,
				fields:  []string{"id", "slug", "name", "kind", "created_at", "updated_at"},
				created: object{"slug": "laxa", "name": "Laxå kommun", "kind": "municipality", "created_at": "2025-01-10T09:00:00+01:00"},
				patch:   `{"name":"Laxå"}`,
				patched: object{"name": "Laxå", "kind": "municipality", "updated_at": "2025-01-10T10:00:00+01:00"},
			}.run(t, e)
		})
		t.Run("person", func(t *testing.T) {
			crudCase{
				collection: "/api/v1/people", id: "erik-holm",
				create: `{"key":"erik-holm","name":"Erik Holm","email":"erik.holm@kumla.se","phone":"019-58 80 10","title":"skolchef","organisation":"kumla"}`,
				fields: []string{"id", "key", "name", "title", "organisation", "email", "phone", "feed_url", "created_at", "updated_at"},
				created: object{"key": "erik-holm", "name": "Erik Holm", "email": "erik.holm@kumla.se", "phone": "019-58 80 10",
					"title": "skolchef", "organisation": "kumla"},
				patch:   `{"title":"förvaltningschef","organisation":null,"phone":""}`,
				patched: object{"name": "Erik Holm", "title": "förvaltningschef", "organisation": nil, "phone": "", "email": "erik.holm@kumla.se"},
			}.run(t, e)
		})
		t.Run("body", func(t *testing.T) {
			crudCase{
				collection: "/api/v1/bodies", id: "lansdel-vaster",
				create: `{"slug":"lansdel-vaster","name":"Länsdel Väster","kind":"lansdel-group","description":"Karlskoga, Degerfors, Laxå, Hällefors",` +
					`"notify":{"call_days":21,"call_deadline_days":14}}`,
				fields: []string{"id", "slug", "name", "kind", "visibility", "organisation", "minutes_need_approval", "description", "notify", "mail_release",
					"standard_opening", "standard_closing", "feed_url", "created_at", "updated_at"},
				created: object{"name": "Länsdel Väster", "kind": "lansdel-group", "visibility": "public", "organisation": nil,
					"minutes_need_approval": false, "feed_url": baseURL + "/feeds/bodies/lansdel-vaster.ics", "mail_release": "auto",
					"notify": "map[call_days:21 call_deadline_days:14 notice_days:<nil>]", "standard_opening": nil, "standard_closing": nil},
				// "notify" replaces all three timings: those left out go back
				// to the server's default.
				patch: `{"visibility":"restricted","minutes_need_approval":true,"organisation":"region-orebro-lan","notify":{"notice_days":0},"mail_release":"manual",` +
					`"standard_closing":["Nästa möte","Mötet avslutas"]}`,
				patched: object{"name": "Länsdel Väster", "visibility": "restricted", "minutes_need_approval": true, "mail_release": "manual",
					"organisation": "region-orebro-lan", "feed_url": nil, "description": "Karlskoga, Degerfors, Laxå, Hällefors",
					"notify": "map[call_days:<nil> call_deadline_days:<nil> notice_days:0]", "standard_closing": "[Nästa möte Mötet avslutas]",
					"standard_opening": nil},
			}.run(t, e)
			wantProblem(t, e.do(req{method: "PATCH", path: "/api/v1/bodies/skolchefsgruppen", admin: true, body: `{"standard_opening":["Mötet öppnas"," Närvaro"]}`}),
				400, "standard_opening title 2")
			wantProblem(t, e.do(req{method: "PATCH", path: "/api/v1/bodies/skolchefsgruppen", admin: true, body: `{"standard_closing":"Slut"}`}),
				400, `"standard_closing" must be`)
		})
		t.Run("room", func(t *testing.T) {
			crudCase{
				collection: "/api/v1/rooms", id: "lokal-asken",
				create:  `{"slug":"lokal-asken","name":"Lokal Asken","address":"Eklundavägen 1, Örebro","capacity":12}`,
				fields:  []string{"id", "slug", "name", "address", "capacity", "created_at", "updated_at"},
				created: object{"name": "Lokal Asken", "capacity": 12},
				patch:   `{"capacity":14}`,
				patched: object{"name": "Lokal Asken", "capacity": 14, "address": "Eklundavägen 1, Örebro"},
			}.run(t, e)
		})
		t.Run("membership", func(t *testing.T) {
			r := e.write("POST", "/api/v1/memberships", `{"body":"skolchefsgruppen","person":"anna-berg","role":"ersattare","from":"2025-01-01"}`, http.StatusCreated)
			m := decode[object](t, r)
			wantKeys(t, "membership", m, "id", "body", "person", "role", "from", "until", "created_at", "updated_at")
			wantFields(t, "membership", m, object{"body": "skolchefsgruppen", "person": "anna-berg", "role": "ersattare", "from": "2025-01-01", "until": nil})
			path := fmt.Sprintf("/api/v1/memberships/%v", m["id"])
			if loc := r.Header.Get("Location"); loc != path {
				t.Errorf("Location %q, want %q", loc, path)
			}
			p := decode[object](t, e.write("PATCH", path, `{"role":"ledamot","until":"2026-12-31"}`, http.StatusOK))
			wantFields(t, "patched", p, object{"role": "ledamot", "from": "2025-01-01", "until": "2026-12-31"})
			p = decode[object](t, e.write("PATCH", path, `{"from":null}`, http.StatusOK))
			wantFields(t, "cleared", p, object{"from": nil, "until": "2026-12-31"})
			wantProblem(t, e.do(req{method: "PATCH", path: path, admin: true, body: `{"person":"maria-lindborg"}`}), 400, `"person" cannot be changed`)

			for _, tt := range []struct{ query, want string }{
				{"?body=skolchefsgruppen", "anna-berg"},
				{"?person=anna-berg", "arbetsgrupp-uppfoljningsdag skolchefsgruppen"},
				{"?person=anna-berg&active_on=2027-01-01", "arbetsgrupp-uppfoljningsdag"},
				{"?body=chefsgrupp-folkhalsa&person=maria-lindborg", "maria-lindborg"},
			} {
				list := items(t, e.adminGet("/api/v1/memberships"+tt.query))
				got := column(list, "person")
				if strings.HasPrefix(tt.query, "?person") {
					got = column(list, "body")
				}
				slices.Sort(got)
				if strings.Join(got, " ") != tt.want {
					t.Errorf("memberships%s: %q, want %q", tt.query, got, tt.want)
				}
			}
			e.write("DELETE", path, nil, http.StatusNoContent)
			wantProblem(t, e.adminGet(path), 404)
		})
		t.Run("meeting", func(t *testing.T) {
			crudCase{
				collection: "/api/v1/meetings", id: "11",
				create: `{"kind":"meeting","title":"Skolchefer: uppföljning","bodies":["skolchefsgruppen"],"start":"2025-04-08T13:00:00+02:00",` +
					`"end":"2025-04-08T15:00","status":"confirmed","room":"lokal-enen","notes":"Ta med underlag"}`,
				fields: []string{"id", "uid", "key", "kind", "title", "bodies", "start", "end", "all_day", "status", "room", "location",
					"online_url", "organisation", "notes", "sequence", "cancelled_at", "created_at", "updated_at", "url", "justering"},
				created: object{"title": "Skolchefer: uppföljning", "bodies": []any{"skolchefsgruppen"}, "start": "2025-04-08T13:00:00+02:00",
					"end": "2025-04-08T15:00:00+02:00", "status": "confirmed", "room": "lokal-enen", "sequence": 0, "cancelled_at": nil,
					"url": baseURL + "/moten/11", "justering": nil},
				patch: `{"room":null,"location":"Kumla stadshus","status":"cancelled"}`,
				patched: object{"room": nil, "location": "Kumla stadshus", "status": "cancelled", "sequence": 1,
					"cancelled_at": set, "notes": "Ta med underlag", "start": "2025-04-08T13:00:00+02:00"},
			}.run(t, e)
		})
	})
}

// TestMeetingJSON pins a meeting's JSON in a golden file.
func TestMeetingJSON(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	r := e.adminGet(fmt.Sprintf("/api/v1/meetings/%d", f.joint.ID))
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.body)
	}
	golden(t, "meeting.json", stableUIDs(r.body))
}

// TestMeetingFilters checks every query filter of the meeting list.
func TestMeetingFilters(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		id := func(ms ...any) string {
			var s []string
			for _, m := range ms {
				s = append(s, fmt.Sprint(m))
			}
			return strings.Join(s, " ")
		}
		fh := f.folkhalsa
		for _, tt := range []struct{ query, want string }{
			{"?body=chefsgrupp-folkhalsa&year=2025", id(fh[0].ID, f.mixed.ID, fh[1].ID, fh[2].ID, fh[3].ID, fh[4].ID, f.joint.ID, fh[5].ID)},
			{"?body=skolchefsgruppen&body=arbetsgrupp-uppfoljningsdag", id(f.restricted.ID, f.mixed.ID, f.joint.ID)},
			{"?body=skolchefsgruppen,arbetsgrupp-uppfoljningsdag", id(f.restricted.ID, f.mixed.ID, f.joint.ID)},
			{"?year=2026", ""},
			{"?from=2025-03-14&to=2025-03-20", id(f.followUp.ID, fh[1].ID)},
			{"?from=2025-03-14T12:00:00%2B01:00&to=2025-03-20T13:00:00%2B01:00", id(f.followUp.ID)},
			{"?status=confirmed&body=chefsgrupp-folkhalsa", id(fh[0].ID, f.mixed.ID, fh[1].ID)},
			{"?status=confirmed&status=proposed&kind=event", id(f.followUp.ID)},
			{"?kind=event", id(f.followUp.ID)},
			{"?person=anna-berg", id(f.restricted.ID, f.mixed.ID)},
			{"?room=lokal-enen", id(f.restricted.ID, f.joint.ID)},
		} {
			got := id(anySlice(column(items(t, e.adminGet("/api/v1/meetings"+tt.query)), "id"))...)
			if got != tt.want {
				t.Errorf("meetings%s: ids %q, want %q", tt.query, got, tt.want)
			}
		}
	})
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestChanges reads the record of changes, filtered by entity and id.
func TestChanges(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	e.clock.Add(time.Minute)
	e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", f.joint.ID), `{"status":"confirmed"}`, http.StatusOK)

	list := items(t, e.adminGet(fmt.Sprintf("/api/v1/changes?entity=meeting&id=%d", f.joint.ID)))
	if len(list) != 2 {
		t.Fatalf("changes of the joint meeting: %d, want 2 (create, update): %v", len(list), list)
	}
	wantKeys(t, "change", list[0], "id", "at", "entity", "entity_id", "action", "fields", "actor")
	if a := fmt.Sprint(list[0]["actor"]); !strings.Contains(a, "via:admin-token") || !strings.Contains(a, "person: ") {
		t.Errorf("the admin token's change names actor %s, want via admin-token and no person", a)
	}
	wantFields(t, "newest change", list[0], object{"entity": "meeting", "entity_id": f.joint.ID, "action": "update", "at": "2025-01-10T09:01:00+01:00"})
	fields := list[0]["fields"].(map[string]any)
	if fmt.Sprint(fields["status"]) != "map[new:confirmed old:proposed]" {
		t.Errorf("status change recorded as %v", fields["status"])
	}
	if n := len(items(t, e.adminGet("/api/v1/changes?entity=person&limit=1"))); n != 1 {
		t.Errorf("limit=1 gave %d changes", n)
	}
	wantProblem(t, e.get("/api/v1/changes"), http.StatusUnauthorized, "Bearer TOKEN")
}

// TestBodyNotify: a body's timing of the automatic emails is read as
// three numbers or nulls (the server's default), replaced as a whole by
// PATCH, and checked by calendar: a mistake is a 400 that names the field.
func TestBodyNotify(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	path := "/api/v1/bodies/chefsgrupp-folkhalsa"
	if got := fmt.Sprint(decode[object](t, e.get(path))["notify"]); got != "map[call_days:<nil> call_deadline_days:<nil> notice_days:<nil>]" {
		t.Errorf("a body without timings: notify %s, want three nulls", got)
	}
	for _, tc := range []struct {
		body, want string
	}{
		{`{"notify":{"call_days":28,"call_deadline_days":10,"notice_days":7}}`, "map[call_days:28 call_deadline_days:10 notice_days:7]"},
		{`{"notify":{"notice_days":0}}`, "map[call_days:<nil> call_deadline_days:<nil> notice_days:0]"},
		{`{"name":"Chefsgrupp folkhälsa"}`, "map[call_days:<nil> call_deadline_days:<nil> notice_days:0]"}, // not sent: kept
		{`{"notify":{"call_days":0,"call_deadline_days":5}}`, "map[call_days:0 call_deadline_days:5 notice_days:<nil>]"},
		{`{"notify":null}`, "map[call_days:<nil> call_deadline_days:<nil> notice_days:<nil>]"},
	} {
		got := fmt.Sprint(decode[object](t, e.write(http.MethodPatch, path, tc.body, http.StatusOK))["notify"])
		if got != tc.want {
			t.Errorf("PATCH %s: notify %s, want %s", tc.body, got, tc.want)
		}
		if read := fmt.Sprint(decode[object](t, e.get(path))["notify"]); read != got {
			t.Errorf("read after PATCH %s: notify %s, want %s", tc.body, read, got)
		}
	}
	for _, tc := range []struct {
		method, path, body, detail string
	}{
		{http.MethodPatch, path, `{"notify":{"call_days":-1}}`, "call_days must be between 0 and 365"},
		{http.MethodPatch, path, `{"notify":{"notice_days":400}}`, "notice_days must be between 0 and 365"},
		{http.MethodPatch, path, `{"notify":{"call_days":7,"call_deadline_days":14}}`, "call_deadline_days (14) must be fewer than call_days (7)"},
		{http.MethodPatch, path, `{"notify":{"call_days":"tre"}}`, `Field "notify.call_days" must be a whole number of days or null, not a string.`},
		{http.MethodPatch, path, `{"notify":{"call_days":2.5}}`, `Field "notify.call_days" must be a whole number of days or null, not the number 2.5.`},
		{http.MethodPatch, path, `{"notify":{"kallelse_days":7}}`, `unknown field "kallelse_days"`},
		{http.MethodPatch, path, `{"notify":7}`, `Field "notify" must be an object`},
		{http.MethodPost, "/api/v1/bodies", `{"slug":"lansdel-norr","name":"Länsdel Norr","kind":"lansdel-group","notify":{"call_days":400}}`, "call_days must be between 0 and 365"},
	} {
		wantProblem(t, e.do(req{method: tc.method, path: tc.path, body: tc.body, admin: true}), http.StatusBadRequest, tc.detail)
	}
	if got := fmt.Sprint(decode[object](t, e.get(path))["notify"]); got != "map[call_days:<nil> call_deadline_days:<nil> notice_days:<nil>]" {
		t.Errorf("refused PATCHes changed notify to %s", got)
	}
	wantProblem(t, e.get("/api/v1/bodies/lansdel-norr"), http.StatusNotFound)
}
