package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical"
)

// meetingICS answers GET /moten/{id}/kalender.ics: the one meeting as a
// calendar file, for "Lägg till i min kalender". It is a copy: a change
// to the meeting does not reach it, which the page says beside the link,
// and why it offers the subscriptions first. The event has the meeting's
// UID and SEQUENCE, as the feeds and the kallelse do, so a calendar that
// has the meeting already updates it instead of adding a second one. The
// digital link is in it only for the meeting's own people.
func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.shownMeeting(w, r)
	if !ok {
		return
	}
	e := ical.Event{Meeting: m, Room: n.rooms[m.Room], HideOnline: !takesPart(principalOf(r), m)}
	if m.IsPublic(n.isPublic) {
		e.URL = s.meetingURL(m.ID)
	}
	show := func(b *calendar.Body) bool { return isPublic(b) || principalOf(r).SeeBody(b.Slug, false) }
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil && show(b) {
			e.Bodies = append(e.Bodies, b.Name)
		}
	}
	// No calendar name: a named file makes some programs (Outlook) open it
	// as a calendar of its own rather than add the event to the person's.
	body := ical.Encode(&ical.Feed{Method: "PUBLISH", Events: []ical.Event{e}})
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "mote-" + strconv.FormatInt(m.ID, 10) + ".ics"}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
