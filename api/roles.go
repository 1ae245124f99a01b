package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// Roles through the API, for admins (the CLI does the same: samkal users).
//
//	GET    /api/v1/roles[?person=KEY][&body=SLUG]  the grants
//	POST   /api/v1/roles {"person","role","body"}  201 with the grant, 200 when already held
//	DELETE /api/v1/roles/{id}                      204
//
// A grant has an id, so taking one back is a DELETE of that id: the same
// REST shape as every other thing in the API, with no body on a DELETE.
// GET lists the grants only: a sekreterare membership makes its person
// the body's secretary without one (see /api/v1/memberships).

type grantJSON struct {
	ID      int64   `json:"id"`
	Person  string  `json:"person"`
	Role    string  `json:"role"`
	Body    *string `json:"body"`
	Created string  `json:"created"`
}

func toGrant(g *calendar.Grant) grantJSON {
	return grantJSON{ID: g.ID, Person: g.Person, Role: string(g.Role), Body: optSlug(g.Body), Created: stamp(g.CreatedAt)}
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "person", "body")
	f := calendar.GrantFilter{Person: q.slug("person"), Body: q.slug("body")}
	if err := q.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	gs, err := s.store.FindGrants(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]grantJSON, 0, len(gs))
	for _, g := range gs {
		out = append(out, toGrant(g))
	}
	JSONOK(w, newList(out))
}

type grantInput struct {
	Person json.RawMessage `json:"person"`
	Role   json.RawMessage `json:"role"`
	Body   json.RawMessage `json:"body"`
}

// grantRole answers POST /api/v1/roles: 201 with a new grant, 200 with
// the one already held.
func (s *Server) grantRole(w http.ResponseWriter, r *http.Request) {
	var in grantInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	var g calendar.Grant
	setStr(&g.Person, text(&f, "person", in.Person, false))
	setStr(&g.Role, strTo[calendar.AccessRole](&f, "role", in.Role, false))
	setStr(&g.Body, str(&f, "body", in.Body))
	// Keys and slugs are checked here, before any query: a NUL byte or
	// invalid UTF-8 must not reach PostgreSQL, and "no such person" is
	// the answer for what cannot be a key.
	if g.Person != "" && !calendar.ValidSlug(g.Person) {
		f.add("Field \"person\" must be a person's key (lower-case a–z, digits and hyphens); %q is none.", g.Person)
	}
	if g.Body != "" && !calendar.ValidSlug(g.Body) {
		f.add("Field \"body\" must be a body's slug (lower-case a–z, digits and hyphens); %q is none.", g.Body)
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := g.Validate(); err != nil {
		s.Error(w, r, err)
		return
	}
	held, err := s.store.FindGrants(r.Context(), calendar.GrantFilter{Person: &g.Person})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	got, err := s.store.GrantRole(r.Context(), g)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, h := range held {
		if h.ID == got.ID {
			JSONOK(w, toGrant(got))
			return
		}
	}
	JSONCreated(w, "/api/v1/roles/"+strconv.FormatInt(got.ID, 10), toGrant(got))
}

// findGrant returns the grant of the path's id; it answers 404 itself.
// Grants are few (one per admin and stand-in), so it reads them all.
func (s *Server) findGrant(w http.ResponseWriter, r *http.Request) *calendar.Grant {
	if !s.noQuery(w, r) {
		return nil
	}
	id, err := pathID(r, "role")
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	gs, err := s.store.FindGrants(r.Context(), calendar.GrantFilter{})
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	for _, g := range gs {
		if g.ID == id {
			return g
		}
	}
	s.Errorf(w, r, calendar.ENOTFOUND, "There is no role grant %d; GET /api/v1/roles lists them.", id)
	return nil
}

// getRole answers GET /api/v1/roles/{id}.
func (s *Server) getRole(w http.ResponseWriter, r *http.Request) {
	if g := s.findGrant(w, r); g != nil {
		JSONOK(w, toGrant(g))
	}
}

// revokeRole answers DELETE /api/v1/roles/{id}: 204, or 404 for a grant
// that does not exist.
func (s *Server) revokeRole(w http.ResponseWriter, r *http.Request) {
	g := s.findGrant(w, r)
	if g == nil {
		return
	}
	if err := s.store.RevokeRole(r.Context(), *g); err != nil {
		s.Error(w, r, err)
		return
	}
	NoContent(w)
}

// endSessions answers DELETE /api/v1/people/{key}/sessions: the person is
// signed out everywhere at once (sessions live in the database), and the
// answer says how many sessions ended. Their API tokens stay: revoke
// those on their own.
func (s *Server) endSessions(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	n, err := s.store.EndSessions(r.Context(), mux.Vars(r)["key"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, map[string]int{"ended": n})
}
