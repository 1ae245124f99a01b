package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestErrors sends every kind of caller mistake and checks status, problem
// document and a detail that tells the caller what to fix. It runs on both
// engines: store errors come back with the same codes from each.
func TestErrors(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		eken := f.folkhalsa[1] // 20 March in Lokal Eken

		tests := []struct {
			name    string
			req     req
			status  int
			details []string
			errors  []string // entries expected in the problem's errors list
		}{
			{"malformed JSON says where", req{method: "POST", path: "/api/v1/rooms", body: "{\"slug\": \"eken\",\n  \"name\": }"},
				400, []string{"Malformed JSON at line 2, column 11", "invalid character '}'"}, nil},
			{"truncated JSON", req{method: "POST", path: "/api/v1/rooms", body: `{"slug": "eken"`},
				400, []string{"ends too early", "line 1"}, nil},
			{"unknown field is named", req{method: "POST", path: "/api/v1/rooms", body: `{"slug":"lokal-asken","name":"Lokal Asken","colour":"grön"}`},
				400, []string{`Unknown field "colour"`}, nil},
			{"wrong type is named", req{method: "POST", path: "/api/v1/rooms", body: `{"slug":"lokal-asken","name":"Lokal Asken","capacity":"tio"}`},
				400, []string{`"capacity" must be a whole number, not a string`}, nil},
			{"several wrong fields at once", req{method: "POST", path: "/api/v1/bodies", body: `{"slug":"x","name":7,"minutes_need_approval":"ja"}`},
				400, []string{`"name" must be a string`, "and 1 more problem"},
				[]string{`Field "name" must be a string, not a number.`, `Field "minutes_need_approval" must be true or false, not a string.`}},
			{"array instead of object", req{method: "POST", path: "/api/v1/rooms", body: `[1, 2]`},
				400, []string{"must be a JSON object, not an array"}, nil},
			{"trailing data", req{method: "POST", path: "/api/v1/rooms", body: `{"slug":"a","name":"A"} {"slug":"b"}`},
				400, []string{"unexpected data after the object at line 1, column 25"}, nil},
			{"empty body", req{method: "POST", path: "/api/v1/rooms", body: "  "},
				400, []string{"body is empty"}, nil},
			{"body too large", req{method: "POST", path: "/api/v1/rooms", body: `{"slug":"a","name":"` + strings.Repeat("x", 2<<20) + `"}`},
				413, []string{"larger than 1048576 bytes"}, nil},
			{"wrong content type", req{method: "POST", path: "/api/v1/rooms", body: `{}`, headers: []string{"Content-Type: text/plain"}},
				415, []string{"Content-Type: application/json", "got text/plain"}, nil},
			{"form post", req{method: "PATCH", path: "/api/v1/rooms/lokal-eken", body: `name=x`, headers: []string{"Content-Type: application/x-www-form-urlencoded"}},
				415, []string{"must be JSON"}, nil},
			{"validation lists every problem", req{method: "POST", path: "/api/v1/bodies", body: `{"slug":"Chefsgrupp Ä","name":"","kind":"kommitte"}`},
				400, []string{"and 2 more problems"}, []string{`body kind "kommitte" is unknown; use one of regional-council, specific-council, management-group, lansdel-group, partner-group, working-group`}},
			{"end before start", req{method: "POST", path: "/api/v1/meetings", body: `{"bodies":["chefsgrupp-folkhalsa"],"start":"2025-06-03T13:00:00+02:00","end":"2025-06-03T12:00:00+02:00"}`},
				400, []string{"end (2025-06-03T12:00:00+02:00) must be after start (2025-06-03T13:00:00+02:00)"}, nil},
			{"bad time", req{method: "POST", path: "/api/v1/meetings", body: `{"bodies":["chefsgrupp-folkhalsa"],"start":"tisdag kl 13","end":"2025-06-03T12:00"}`},
				400, []string{`Field "start": "tisdag kl 13" is not a time`}, nil},
			{"null where a value is needed", req{method: "PATCH", path: fmt.Sprintf("/api/v1/meetings/%d", eken.ID), body: `{"start":null}`},
				400, []string{`Field "start" must not be null`}, nil},
			{"unknown body is named", req{method: "POST", path: "/api/v1/meetings", body: `{"bodies":["finns-inte"],"start":"2025-06-03T13:00","end":"2025-06-03T14:00"}`},
				400, []string{`body "finns-inte" does not exist`}, nil},
			{"unknown room is named", req{method: "POST", path: "/api/v1/meetings", body: `{"bodies":["skolchefsgruppen"],"room":"lokal-asken","start":"2025-06-03T13:00","end":"2025-06-03T14:00"}`},
				400, []string{`room "lokal-asken" does not exist`}, nil},
			{"room booked twice names the other meeting", req{method: "POST", path: "/api/v1/meetings",
				body: `{"bodies":["skolchefsgruppen"],"room":"lokal-eken","start":"2025-03-20T15:00","end":"2025-03-20T17:00"}`},
				409, []string{`room "lokal-eken" is already booked by "Chefsgrupp folkhälsa" (meeting ` + fmt.Sprint(eken.ID)}, nil},
			{"duplicate slug", req{method: "POST", path: "/api/v1/bodies", body: `{"slug":"skolchefsgruppen","name":"Skolchefer","kind":"management-group"}`},
				409, []string{`body "skolchefsgruppen" already exists`}, nil},
			{"delete a body that has meetings", req{method: "DELETE", path: "/api/v1/bodies/skolchefsgruppen"},
				409, []string{`body "skolchefsgruppen" still has`}, nil},
			{"slug cannot change", req{method: "PATCH", path: "/api/v1/rooms/lokal-eken", body: `{"slug":"lokal-ek"}`},
				400, []string{`Field "slug" cannot be changed`}, nil},
			{"not found: body", req{method: "GET", path: "/api/v1/bodies/finns-inte"}, 404, []string{`body "finns-inte" does not exist`}, nil},
			{"not found: meeting", req{method: "GET", path: "/api/v1/meetings/999999"}, 404, []string{"meeting 999999 does not exist"}, nil},
			{"not found: patch", req{method: "PATCH", path: "/api/v1/people/finns-inte", body: `{"title":"x"}`}, 404, []string{`"finns-inte" does not exist`}, nil},
			{"not found: delete", req{method: "DELETE", path: "/api/v1/memberships/999999"}, 404, []string{"membership 999999 does not exist"}, nil},
			{"id that is no number", req{method: "GET", path: "/api/v1/meetings/forsta"}, 400, []string{`"forsta" is not a meeting id`}, nil},
			{"bad query: year", req{method: "GET", path: "/api/v1/meetings?year=tjugo"}, 400, []string{`year="tjugo" must be a whole number`}, nil},
			{"bad query: misspelt name", req{method: "GET", path: "/api/v1/meetings?yaer=2025"}, 400, []string{`Unknown query parameter "yaer"`, "year"}, nil},
			{"bad query: status", req{method: "GET", path: "/api/v1/meetings?status=kanske"}, 400, []string{`status="kanske" is unknown`}, nil},
			{"bad query: date", req{method: "GET", path: "/api/v1/meetings?from=2025-02-30"}, 400, []string{`from="2025-02-30" must be a date`}, nil},
			{"bad query: to before from", req{method: "GET", path: "/api/v1/meetings?from=2025-03-01&to=2025-02-01"}, 400, []string{"must be after from"}, nil},
			{"bad query: unknown body", req{method: "GET", path: "/api/v1/meetings?body=finns-inte"}, 400, []string{`body "finns-inte" does not exist`}, nil},
			{"bad query: repeated single value", req{method: "GET", path: "/api/v1/meetings?year=2025&year=2026"}, 400, []string{`"year" is given 2 times`}, nil},
			{"bad query: active_on", req{method: "GET", path: "/api/v1/memberships?active_on=idag"}, 400, []string{"active_on"}, nil},
			{"bad query: id without entity", req{method: "GET", path: "/api/v1/changes?id=3", admin: true}, 400, []string{"needs entity too"}, nil},
			{"query on a write", req{method: "DELETE", path: "/api/v1/rooms/lokal-enen?force=1"}, 400, []string{`Unknown query parameter "force"`}, nil},
			{"unknown route", req{method: "GET", path: "/api/v2/meetings"}, 404, []string{"nothing at this address"}, nil},
			{"unknown feed", req{method: "GET", path: "/feeds/bodies/finns-inte.ics"}, 404, []string{"no public feed"}, nil},
			{"restricted body has no public feed", req{method: "GET", path: "/feeds/bodies/arbetsgrupp-uppfoljningsdag.ics"}, 404, []string{"no public feed"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.req.method != http.MethodGet {
					tt.req.admin = true
				}
				p := wantProblem(t, e.do(tt.req), tt.status, tt.details...)
				for _, want := range tt.errors {
					found := false
					for _, got := range p.Errors {
						found = found || got == want
					}
					if !found {
						t.Errorf("errors %q lack %q", p.Errors, want)
					}
				}
			})
		}
		// No caller mistake above may be logged as an internal error.
		if logs := e.logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("caller mistakes were logged as errors:\n%s", logs)
		}
	})
}

// TestMethodNotAllowed checks 405 with an Allow header that mux leaves out.
func TestMethodNotAllowed(t *testing.T) {
	e := newEnv(t, nil)
	for _, tt := range []struct {
		method, path, allow string
	}{
		{"PUT", "/api/v1/meetings/1", "GET, HEAD, PATCH, DELETE"},
		{"DELETE", "/api/v1/meetings", "GET, HEAD, POST"},
		{"POST", "/feeds/all.ics", "GET, HEAD"},
		{"GET", "/api/v1/people/maria/feed-token", "POST"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := e.do(req{method: tt.method, path: tt.path, admin: true, body: "{}"})
			wantProblem(t, r, 405, "Method "+tt.method+" is not allowed here; use "+tt.allow)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
}

// TestInternalErrorIsGeneric closes the database under the server: the
// caller gets a generic 500 problem, the log gets the real error, and
// /healthz reports 503. A feed rendered before is still served.
func TestInternalErrorIsGeneric(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	cached := feed(t, e, "/feeds/all.ics")
	must(t, e.store.Close())
	e.clock.Add(time.Minute) // past FeedVersionCheck: the cache asks the closed database
	if r := feed(t, e, "/feeds/all.ics"); r.Header.Get("ETag") != cached.Header.Get("ETag") {
		t.Errorf("cached feed not served while the database is down")
	}
	wantProblem(t, e.get("/feeds/bodies/skolchefsgruppen.ics"), 500, "Something went wrong on our side")
	r := e.get("/api/v1/rooms")
	p := wantProblem(t, r, 500, "Something went wrong on our side")
	if strings.Contains(p.Detail, "sql") || strings.Contains(p.Detail, "closed") {
		t.Errorf("500 detail leaks the internal error: %q", p.Detail)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "database is closed") {
		t.Errorf("internal error not logged:\n%s", logs)
	}
	h := e.get("/healthz")
	if h.StatusCode != 503 || !strings.Contains(h.text(), `"status": "unavailable"`) {
		t.Errorf("healthz with a closed database: %d %s", h.StatusCode, h.body)
	}
}
