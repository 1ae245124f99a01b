package api

import (
	"mime"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// exportPerson answers everything Samkal holds about a person as a JSON
// download (GDPR art. 15): to the person themself, and to an admin. It is
// a read, so a read token will do.
func (s *Server) exportPerson(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	key := mux.Vars(r)["key"]
	if c := principalOf(r); !c.SeeAll() && c.Person() != key {
		Problem(w, http.StatusForbidden, calendar.EFORBIDDEN, "You may export only what is held about yourself; an admin may export anyone's.")
		return
	}
	x, err := s.store.ExportPerson(r.Context(), key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "samkal-" + key + ".json"}))
	JSONOK(w, x)
}

// erasePerson erases a person (GDPR art. 17) and answers what was removed
// and what was kept. The person's feed stops at once: its token changed,
// and cached feeds of people are dropped.
func (s *Server) erasePerson(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	x, err := s.store.ErasePerson(r.Context(), mux.Vars(r)["key"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.feeds.dropPeople()
	JSONOK(w, x)
}
