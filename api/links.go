package api

import (
	"net/http"

	"github.com/samkal/samkal/calendar"
)

// Personal links are made by the jobs in notify when they mail a call for
// agenda items, a request to approve minutes or a booking reminder; the API
// only revokes them, e.g. when an email went to the wrong person. The pages
// they lead to are in personal_pages.go and booking_page.go.

var linkPurposes = []calendar.LinkPurpose{calendar.LinkAgenda, calendar.LinkJustering, calendar.LinkForhinder}

// revokeLinks answers DELETE /api/v1/meetings/{id}/links with {"revoked":
// n}: every unrevoked personal link of the meeting stops working at once,
// or only those of ?purpose=anmalan, justering or forhinder. Revoking again
// revokes nothing (n is 0). 404 for an unknown meeting. A link the jobs
// make later for the same person has a new token.
func (s *Server) revokeLinks(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "purpose")
	purpose := queryEnum(q, "purpose", linkPurposes)
	if err := q.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	if _, err := s.store.FindMeetingByID(ctx, id); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsMeeting(w, r, id) {
		return
	}
	var p calendar.LinkPurpose
	if purpose != nil {
		p = *purpose
	}
	n, err := s.store.RevokeLinks(ctx, id, p, s.now())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, struct {
		Revoked int `json:"revoked"`
	}{n})
}

// revokeWindowLinks answers DELETE /api/v1/booking-windows/{id}/links with
// {"revoked": n}: every unrevoked link to the window's booking page stops
// working at once. 404 for an unknown window. A link a later reminder
// carries has a new token.
func (s *Server) revokeWindowLinks(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "booking window")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	if _, err := s.store.FindBookingWindowByID(ctx, id); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsWindow(w, r, id) {
		return
	}
	n, err := s.store.RevokeWindowLinks(ctx, id, s.now())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, struct {
		Revoked int `json:"revoked"`
	}{n})
}
