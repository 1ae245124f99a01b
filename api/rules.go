package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// rule is who may call a route at all; calendar/access decides the rest.
// Every route is registered with one (handle), so that a route without a
// rule cannot exist, and the authorisation table test tries every route
// against every kind of caller.
type rule int

const (
	// anyone may call the route: reads that show each caller what they
	// may see, feeds, pages, and the personal pages whose token is the
	// credential.
	anyone rule = iota + 1
	// signedIn routes need a person or the admin token: the caller's own
	// tokens, sessions and data.
	signedIn
	// keeper routes change a body's things (meetings, agenda, justering,
	// memberships, booking windows): an admin, or a secretary of at least
	// one body; the handler then checks the bodies of the thing with
	// Server.mayChange.
	keeper
	// adminOnly routes change what belongs to no one body: organisations,
	// people, rooms, bodies themselves, roles, other people's data.
	adminOnly
)

func (r rule) String() string {
	switch r {
	case anyone:
		return "anyone"
	case signedIn:
		return "signed in"
	case keeper:
		return "secretary of the body"
	case adminOnly:
		return "admin"
	}
	return fmt.Sprintf("rule(%d)", int(r))
}

// routeRule is the rule of one route and method, as registered.
type routeRule struct {
	Path   string
	Method string
	Rule   rule
}

// allows checks the route's rule for the caller and answers 401 or 403
// itself when it fails.
func (s *Server) allows(w http.ResponseWriter, r *http.Request, ru rule) bool {
	p := principalOf(r)
	switch ru {
	case anyone:
		return true
	case signedIn:
		if !p.SignedIn() && isPagePath(r.URL.Path) {
			toSignIn(w, r) // pages are for people: a 401 problem would help nobody
			return false
		}
		if !p.SignedIn() {
			s.unauthorized(w, r, "Sign in, or send a personal API token: \"Authorization: Bearer TOKEN\".")
			return false
		}
		return true
	case keeper:
		if !p.SignedIn() {
			s.unauthorized(w, r, "This request changes data: sign in, or send a personal API token with write scope (\"Authorization: Bearer TOKEN\").")
			return false
		}
		if !p.KeepsAny() {
			s.forbidden(w, r, p, "This request changes a body's calendar, which only the body's secretaries and the admins may do.")
			return false
		}
		return true
	case adminOnly:
		if !p.SignedIn() {
			s.unauthorized(w, r, "This request changes data that only an admin may change: sign in, or send a personal API token with write scope (\"Authorization: Bearer TOKEN\").")
			return false
		}
		if !p.Administer() {
			s.forbidden(w, r, p, "Only an admin may do this.")
			return false
		}
		return true
	}
	// A route registered without a known rule is refused, never open.
	s.forbidden(w, r, p, "This route has no access rule; nobody may call it.")
	return false
}

// forbidden answers 403. A read token is told why, so that its owner does
// not look for a missing role.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, p *access.Principal, detail string) {
	if p.ReadOnly {
		detail = "This token may only read; make a token with write scope to change data."
	}
	Problem(w, http.StatusForbidden, calendar.EFORBIDDEN, detail)
}

// mayChange checks that the caller may change a thing of these bodies
// (slugs; none for a region-wide event) and answers 403 otherwise. Every
// keeper handler calls it with the bodies of the thing before and, for a
// change that moves it, after the change.
func (s *Server) mayChange(w http.ResponseWriter, r *http.Request, bodies ...string) bool {
	p := principalOf(r)
	if p.Change(bodies...) {
		return true
	}
	switch {
	case p.ReadOnly:
		s.forbidden(w, r, p, "")
	case len(bodies) == 0:
		s.forbidden(w, r, p, "Only an admin may change what belongs to no body, such as a region-wide event.")
	default:
		var not []string
		for _, b := range bodies {
			if !p.Change(b) {
				not = append(not, fmt.Sprintf("%q", b))
			}
		}
		s.forbidden(w, r, p, fmt.Sprintf("You are not secretary of %s: only its secretaries and the admins may change this.", strings.Join(not, ", ")))
	}
	return false
}
