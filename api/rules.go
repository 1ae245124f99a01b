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
	// internal routes read what only those who keep a thing see (who
	// approves the minutes, suggestions that show when people are busy):
	// a signed-in caller, whom the handler then checks with
	// access.Principal.SeeInternal for the thing's bodies.
	internal
	// keeper routes change a body's things (meetings, agenda, justering,
	// memberships, booking windows): an admin, or a secretary of at least
	// one body; the handler then checks the bodies of the thing with
	// Server.mayChange.
	keeper
	// adminOnly routes change what belongs to no one body (organisations,
	// people, rooms, bodies themselves, roles, other people's data), or
	// read what spans all bodies (the outbox, the clash report). Reads are
	// open to an admin's read token too.
	adminOnly
)

func (r rule) String() string {
	switch r {
	case anyone:
		return "anyone"
	case signedIn:
		return "signed in"
	case internal:
		return "keeps the thing (read)"
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
// itself when it fails. A read token never gets past a write, whatever
// the route: not even an anonymous form takes it.
func (s *Server) allows(w http.ResponseWriter, r *http.Request, ru rule) bool {
	p := principalOf(r)
	if p.ReadOnly && unsafeMethod(r.Method) {
		s.forbidden(w, r, p, "")
		return false
	}
	switch ru {
	case anyone:
		return true
	case signedIn:
		if !p.SignedIn() {
			s.unauthorized(w, r, "Sign in, or send a personal API token: \"Authorization: Bearer TOKEN\".")
			return false
		}
		return true
	case internal:
		if !p.SignedIn() {
			s.unauthorized(w, r, "This shows what only the body's secretaries and the admins may read: sign in, or send the admin token or a personal API token (\"Authorization: Bearer TOKEN\").")
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
		if !p.SignedIn() && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.unauthorized(w, r, "This holds personal data that only an admin may read: send the admin token or an admin's personal API token (\"Authorization: Bearer TOKEN\"), or sign in.")
			return false
		}
		if !p.SignedIn() {
			s.unauthorized(w, r, "This request changes data that only an admin may change: sign in, or send a personal API token with write scope (\"Authorization: Bearer TOKEN\").")
			return false
		}
		read := r.Method == http.MethodGet || r.Method == http.MethodHead
		if read && !p.SeeAll() || !read && !p.Administer() {
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
	if isPagePath(r.URL.Path) { // pages are for people: a Swedish page, not a problem document
		s.linkNotice(w, r, http.StatusForbidden, nil, "Du saknar behörighet",
			"Det här är till för organets sekreterare och för administratörerna.",
			"Fråga en administratör om du behöver göra det.")
		return
	}
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
		s.forbidden(w, r, p, fmt.Sprintf("You are not secretary of %s: only the secretaries of a thing's bodies and the admins may change it.", strings.Join(not, ", ")))
	}
	return false
}

// The keeper handlers check the bodies of the thing they change with one
// of these before changing it. Each answers the problem itself and returns
// false when the request cannot go on: 404 when the thing does not exist
// or the caller may not even see it (a restricted body's meeting is not
// there for a stranger), 403 when they see it but do not keep it. An admin
// is let through without reading anything: the store answers 404 for a
// thing that does not exist.

// keepsBodies is the check for the bodies of one thing.
func (s *Server) keepsBodies(w http.ResponseWriter, r *http.Request, what string, bodies []string) bool {
	p := principalOf(r)
	if p.Administer() {
		return true
	}
	v, err := s.view(r.Context(), p)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	seen := len(bodies) == 0
	for _, b := range bodies {
		seen = seen || v.seesBody(b)
	}
	if !seen {
		s.Error(w, r, calendar.Errorf(calendar.ENOTFOUND, "%s not found", what))
		return false
	}
	return s.mayChange(w, r, bodies...)
}

// keepsMeeting checks the meeting id.
func (s *Server) keepsMeeting(w http.ResponseWriter, r *http.Request, id int64) bool {
	if principalOf(r).Administer() {
		return true
	}
	m, err := s.store.FindMeetingByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsBodies(w, r, fmt.Sprintf("meeting %d", id), m.Bodies)
}

// keepsBody checks the body slug.
func (s *Server) keepsBody(w http.ResponseWriter, r *http.Request, slug string) bool {
	if principalOf(r).Administer() {
		return true
	}
	if _, err := s.store.FindBodyBySlug(r.Context(), slug); err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsBodies(w, r, fmt.Sprintf("body %q", slug), []string{slug})
}

// keepsWindow checks the booking window id: its bodies must all be the
// caller's.
func (s *Server) keepsWindow(w http.ResponseWriter, r *http.Request, id int64) bool {
	if principalOf(r).Administer() {
		return true
	}
	x, err := s.store.FindBookingWindowByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsBodies(w, r, fmt.Sprintf("booking window %d", id), x.Bodies)
}

// keepsAgendaItem checks the agenda item id by its meeting.
func (s *Server) keepsAgendaItem(w http.ResponseWriter, r *http.Request, id int64) bool {
	if principalOf(r).Administer() {
		return true
	}
	a, err := s.store.FindAgendaItemByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsMeeting(w, r, a.MeetingID)
}

// keepsBacklogItem checks the backlog item id by its body.
func (s *Server) keepsBacklogItem(w http.ResponseWriter, r *http.Request, id int64) bool {
	if principalOf(r).Administer() {
		return true
	}
	b, err := s.store.FindBacklogItemByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsBody(w, r, b.Body)
}

// keepsMembership checks the membership id by its body.
func (s *Server) keepsMembership(w http.ResponseWriter, r *http.Request, id int64) bool {
	if principalOf(r).Administer() {
		return true
	}
	m, err := s.store.FindMembershipByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	return s.keepsBody(w, r, m.Body)
}
