package api

import (
	"net/http"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// clashJSON is one finding of the clash report (see plan.FindClashes).
type clashJSON struct {
	// Kind is person, room, holiday, hours or weekend (and, for one
	// meeting before it is saved, kan-inte).
	Kind     string        `json:"kind"`
	Day      calendar.Date `json:"day"`
	Meetings []int64       `json:"meetings"`
	Person   *string       `json:"person"` // the double-booked person (kind person)
	Room     *string       `json:"room"`   // the double-booked room (kind room)
	// Detail says it in Swedish for the secretary.
	Detail string `json:"detail"`
}

// conflicts answers the clash report for a period: GET
// /api/v1/conflicts?from=2025-01-01&to=2025-12-31 (days, the to day
// included, or RFC 3339 times). It names people and their meetings, so it
// needs the admin token.
func (s *Server) conflicts(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "from", "to")
	from, to := q.instant("from", false), q.instant("to", true)
	for _, name := range []string{"from", "to"} {
		if _, given := q.v[name]; !given {
			q.add("Query parameter %s is required: the report covers ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included).", name)
		}
	}
	if from != nil && to != nil && !to.After(*from) {
		q.add("Query parameter to (%s) must be after from (%s).", stamp(*to), stamp(*from))
	}
	if !s.busyRead(w, r, q, "Clash reports", nil) {
		return
	}
	cs, err := plan.FindClashes(r.Context(), s.store, *from, *to)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]clashJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, clashJSON{Kind: c.Kind, Day: c.Day, Meetings: nonNil(c.Meetings), Person: optSlug(c.Person),
			Room: optSlug(c.Room), Detail: c.Detail})
	}
	JSONOK(w, newList(out))
}
