package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The authorisation table: every route of the router, as registered with
// its rule, tried by every kind of caller. A route without a rule cannot
// be registered (handle takes one), and a rule or route this table does
// not know fails it, so a new route is never open by accident.
//
// The thing each route names is of chefsgrupp folkhälsa (the world's first
// candidate of each kind), whose secretary – by a grant, as a stand-in
// would be – is Maria Lindborg; the booking window also covers chefsgrupp
// social välfärd, which Maria keeps too.

// Callers of the table.
const (
	callAnonymous = "anonymous"
	callRevoked   = "revoked token"
	callExpired   = "expired session"
	callMember    = "member"
	callOther     = "secretary of another body"
	callReadToken = "read token"
	callSecretary = "secretary of this body"
	callWrite     = "write token"
	callAdmin     = "admin"
)

var tableCallers = []string{callAnonymous, callRevoked, callExpired, callMember, callOther, callReadToken, callSecretary, callWrite, callAdmin}

// fillCallers adds the table's people to the world: Lena Ek, a member of
// chefsgrupp folkhälsa; Olof Sten, secretary of skolchefsgruppen; Ida
// Admin, an admin; and makes Maria secretary of the window's two bodies.
func (w *world) fillCallers(ctx context.Context) {
	s := w.e.store
	for _, p := range []*calendar.Person{
		{Key: "lena-ek", Name: "Lena Ek", Email: "lena.ek@example.se"},
		{Key: "olof-sten", Name: "Olof Sten", Email: "olof.sten@example.se"},
		{Key: "ida-admin", Name: "Ida Admin", Email: "ida.admin@example.se"},
	} {
		must(w.keep, s.CreatePerson(ctx, p))
	}
	must(w.keep, s.CreateMembership(ctx, &calendar.Membership{Body: "chefsgrupp-folkhalsa", Person: "lena-ek", Role: calendar.RoleMember, From: calendar.Date{Year: 2024, Month: 1, Day: 1}}))
	for _, g := range []calendar.Grant{
		{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"},
		{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-social-valfard"},
		{Person: "olof-sten", Role: calendar.AccessSecretary, Body: "skolchefsgruppen"},
		{Person: "ida-admin", Role: calendar.AccessAdmin},
	} {
		_, err := s.GrantRole(ctx, g)
		must(w.keep, err)
	}
}

// sessionCookieName is the session cookie's name for the tests' https base
// URL.
const sessionCookieName = "__Host-samkal"

// credentials makes each caller's header in e: sessions through the store
// (as a sign-in makes them), Maria's API tokens, a revoked one, and a
// session past its lifetime.
func credentials(t *testing.T, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	s := e.store
	session := func(person string, lifetime time.Duration) string {
		secret, _, err := s.CreateSession(ctx, person, "link", lifetime)
		must(t, err)
		return "Cookie: " + sessionCookieName + "=" + secret
	}
	token := func(scope calendar.TokenScope) (string, int64) {
		k := &calendar.APIToken{Person: "maria-lindborg", Name: "tabell " + string(scope), Scope: scope, Expires: calendar.DateOf(e.clock.Now()).AddDays(30)}
		secret, err := s.CreateAPIToken(ctx, k)
		must(t, err)
		return "Authorization: Bearer " + secret, k.ID
	}
	h := map[string]string{callAnonymous: ""}
	h[callExpired] = session("lena-ek", time.Second)
	e.clock.Add(2 * time.Second)
	h[callMember] = session("lena-ek", time.Hour)
	h[callOther] = session("olof-sten", time.Hour)
	h[callSecretary] = session("maria-lindborg", time.Hour)
	h[callAdmin] = session("ida-admin", time.Hour)
	h[callReadToken], _ = token(calendar.ScopeRead)
	h[callWrite], _ = token(calendar.ScopeWrite)
	var id int64
	h[callRevoked], id = token(calendar.ScopeWrite)
	must(t, s.RevokeAPIToken(ctx, "maria-lindborg", id))
	return h
}

// outcome is what a caller must get: allowed (any answer but 401 and 403:
// a 400 or 404 is the handler's, after the rules let the caller in), or
// refused with this status.
type outcome int

const allowed outcome = 0

func (o outcome) String() string {
	if o == allowed {
		return "allowed"
	}
	return fmt.Sprintf("refused %d", int(o))
}

// expect is the table: what caller gets on a route of this rule.
func expect(rule, method, path, caller string) outcome {
	api := strings.HasPrefix(path, "/api/")
	switch caller {
	case callRevoked:
		if rule == "anyone" && !api {
			return allowed // pages and feeds do not read the Authorization header
		}
		return http.StatusUnauthorized
	case callAnonymous, callExpired:
		if rule == "anyone" {
			return allowed
		}
		return http.StatusUnauthorized
	}
	write := method != http.MethodGet && method != http.MethodHead
	if caller == callReadToken && write {
		return http.StatusForbidden // a read token never writes, not even a form anyone may send
	}
	// Routes whose handler decides by the person, not by a body.
	switch method + " " + path {
	case "POST /api/v1/people/{key}/feed-token": // yourself (Maria), or an admin
		if caller == callSecretary || caller == callWrite || caller == callAdmin {
			return allowed
		}
		return http.StatusForbidden
	case "GET /api/v1/people/{key}/export", "HEAD /api/v1/people/{key}/export": // yourself, or an admin; reading
		if caller == callSecretary || caller == callReadToken || caller == callWrite || caller == callAdmin {
			return allowed
		}
		return http.StatusForbidden
	case "GET /api/v1/changes", "HEAD /api/v1/changes", // admins all, secretaries their bodies'
		"GET /mina-organ/utkorg", "HEAD /mina-organ/utkorg",
		"GET /mina-organ/bokning", "HEAD /mina-organ/bokning", // the list is the caller's windows
		"GET /mina-organ/bokning/ny", "HEAD /mina-organ/bokning/ny", "POST /mina-organ/bokning/ny": // any secretary, for the bodies they keep
		if caller == callMember {
			return http.StatusForbidden
		}
		return allowed
	case "POST /api/v1/tokens", "POST /konto/nycklar": // tokens are made in a signed-in browser only
		if caller == callReadToken || caller == callWrite {
			return http.StatusForbidden
		}
		return allowed
	case "DELETE /api/v1/tokens/{id}", "POST /konto/nycklar/{id}/aterkalla": // a read token never writes
		if caller == callReadToken {
			return http.StatusForbidden
		}
		return allowed
	case "POST /api/v1/people": // any secretary adds a new member
		if caller == callOther {
			return allowed
		}
	}
	switch rule {
	case "anyone", "signed in":
		return allowed
	case "keeps the thing (read)":
		if caller == callSecretary || caller == callReadToken || caller == callWrite || caller == callAdmin {
			return allowed
		}
		return http.StatusForbidden
	case "secretary of the body":
		if caller == callSecretary || caller == callWrite || caller == callAdmin {
			return allowed
		}
		return http.StatusForbidden
	case "admin":
		if caller == callAdmin {
			return allowed
		}
		return http.StatusForbidden
	}
	return -1 // an unknown rule: the test fails
}

// tableQuery and tableBody are what a route needs to get past its own
// checks to the rules: a required query, a body naming chefsgrupp
// folkhälsa.
var tableQuery = map[string]string{
	"GET /api/v1/booking-windows/{id}/suggestions":  "body=chefsgrupp-folkhalsa",
	"HEAD /api/v1/booking-windows/{id}/suggestions": "body=chefsgrupp-folkhalsa",
	"POST /api/v1/bodies/{slug}/arsplan-proposal":   "year=2026",
}

func tableBody(route string) string {
	switch route {
	case "POST /api/v1/meetings":
		return `{"kind":"meeting","title":"Extra möte","bodies":["chefsgrupp-folkhalsa"],"start":"2025-04-08T13:00","end":"2025-04-08T15:00"}`
	case "POST /api/v1/memberships":
		return `{"body":"chefsgrupp-folkhalsa","person":"anna-berg","role":"ersattare","from":"2025-01-01"}`
	}
	for _, s := range writeSeeds {
		if s.route == route {
			return s.bodies[0]
		}
	}
	return ""
}

// tablePath fills the route's variables: the world's first candidate, an
// anmälan token, a static file.
func tablePath(t *testing.T, w *world, template string) string {
	segs := strings.Split(template, "/")
	for i := 1; i < len(segs); i++ {
		s := segs[i]
		switch {
		case s == "{token}" || s == "{token}.ics":
			segs[i] = strings.Replace(s, "{token}", w.token, 1)
		case s == "{file}":
			segs[i] = "style.css"
		case s == "{slug}.ics":
			segs[i] = "chefsgrupp-folkhalsa.ics"
		case segs[i-1] == "memberships":
			lena := "lena-ek"
			ms, err := w.e.store.FindMemberships(context.Background(), calendar.MembershipFilter{Person: &lena})
			must(t, err)
			segs[i] = fmt.Sprint(ms[0].ID)
		case segs[i-1] == "nycklar":
			segs[i] = w.candidates("tokens")[0]
		case segs[i-1] == "utkorg":
			segs[i] = w.candidates("outbox")[0]
		case (segs[i-1] == "bokning" || segs[i-1] == "kan-inte") && s == "{id}":
			segs[i] = w.candidates("booking-windows")[0]
		case segs[i-1] == "moten", segs[i-1] == "forhinder" && s == "{id}":
			segs[i] = w.candidates("meetings")[0]
		case segs[i-1] == "mina-organ" && s == "{slug}":
			segs[i] = "chefsgrupp-folkhalsa"
		case segs[i-1] == "dagordning" && s == "{item}": // an item of the meeting above
			segs[i] = w.candidates("agenda-items")[0]
		case segs[i-1] == "medlemmar" && s == "{id}": // a membership of the body above
			body := "chefsgrupp-folkhalsa"
			ms, err := w.e.store.FindMemberships(context.Background(), calendar.MembershipFilter{Body: &body})
			must(t, err)
			segs[i] = fmt.Sprint(ms[0].ID)
		case segs[i-1] == "organ" && s == "{slug}":
			segs[i] = "chefsgrupp-folkhalsa"
		case segs[i-1] == "personer" && s == "{key}":
			segs[i] = w.candidates("people")[0]
		case segs[i-1] == "utskick" && strings.HasPrefix(s, "{brev"): // a letter of the meeting above
			segs[i] = "inbjudan"
		case segs[i-1] == "backlogg" && s == "{topic}":
			segs[i] = w.candidates("backlog-items")[0]
		case strings.HasPrefix(s, "{"):
			c := w.candidates(segs[i-1])
			if len(c) == 0 {
				t.Fatalf("route %s: the table has nothing to put for %s after %q", template, s, segs[i-1])
			}
			segs[i] = c[0]
		}
	}
	return strings.Join(segs, "/")
}

func TestAuthorisationTable(t *testing.T) {
	w, close := newWorld(t, "sqlite", t.TempDir())
	defer close()
	var rules []struct{ Method, Path, Rule string }
	for _, r := range w.use(t).srv.Rules() {
		rules = append(rules, struct{ Method, Path, Rule string }{r.Method, r.Path, r.Rule})
	}
	routes, err := w.e.srv.Routes()
	must(t, err)
	if len(routes) != len(rules) {
		t.Fatalf("the router has %d routes and methods, %d have a rule", len(routes), len(rules))
	}
	for _, ru := range rules {
		route := ru.Method + " " + ru.Path
		t.Run(route, func(t *testing.T) {
			e := w.use(t)
			e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			creds := credentials(t, e)
			path := tablePath(t, w, ru.Path)
			if q := tableQuery[route]; q != "" {
				path += "?" + q
			}
			// Those who must be refused first, so that a write by one who
			// may cannot hide a refusal behind a 404, and so that a
			// refusal that changed anything shows.
			var order []string
			for _, refused := range []bool{true, false} {
				for _, caller := range tableCallers {
					if (expect(ru.Rule, ru.Method, ru.Path, caller) != allowed) == refused {
						order = append(order, caller)
					}
				}
			}
			before := w.version(t)
			for _, caller := range order {
				want := expect(ru.Rule, ru.Method, ru.Path, caller)
				if want < 0 {
					t.Fatalf("rule %q is not in the table", ru.Rule)
				}
				rq := req{method: ru.Method, path: path, headers: []string{creds[caller]}}
				if b := tableBody(route); b != "" {
					rq.body = b
				}
				r := e.do(rq)
				got := allowed
				switch {
				case r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusForbidden:
					got = outcome(r.StatusCode)
				case r.StatusCode == http.StatusSeeOther && (r.Header.Get("Location") == "/logga-in" || strings.HasPrefix(r.Header.Get("Location"), "/logga-in?")):
					got = http.StatusUnauthorized // a page sends a stranger to sign in
				}
				if got != want {
					t.Errorf("%s: %s (%d), want %s; body: %.300s", caller, got, r.StatusCode, want, r.body)
				}
				if want != allowed && w.version(t) != before {
					t.Errorf("%s was refused, but the data changed", caller)
				}
			}
			if ru.Method != http.MethodGet && ru.Method != http.MethodHead {
				w.clean = false
			}
		})
	}
}
