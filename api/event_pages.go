package api

import (
	"cmp"
	"fmt"
	"net/http"

	"github.com/samkal/samkal/calendar"
)

// The admin's events of no body, under /administration/handelser: the
// conference days and follow-up days of the whole installation
// (DOMAIN.md: "uppföljningsdag 14 mars 2025", the annual conference),
// which belong to no body and so to no secretary (access.Principal.Change
// gives a thing of no body to the admin). Before, they came only from
// årsplan files and the API.
//
//   - /administration/handelser?ar=YYYY lists the year's events of no
//     body, with whose they are (Meeting.Organisation);
//   - /administration/handelser/ny makes one with the meeting form in its
//     event shape: a title, whole days or a clock, and whose it is.
//
// Each is then changed, moved and cancelled on its hub, as a meeting is
// (secretary_pages.go). An event of a body (Konferens Väster) is its
// secretary's, made from the body's årsplan (/mina-organ/{slug}/ny-handelse).

const eventsBase = adminPath + "/handelser"

func eventsPath(year int) string { return fmt.Sprintf("%s?ar=%d", eventsBase, year) }

type eventsPage struct {
	page
	Year               int
	PrevPath, NextPath string
	New, RolesAt       string
	Rows               []eventRow
}

type eventRow struct {
	Path, When, Title, For string
	Status, StatusClass    string
}

// eventsListPage answers GET /administration/handelser?ar=YYYY.
func (s *Server) eventsListPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	year := s.pageYear(r)
	event := calendar.KindEvent
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Year: &year, Kind: &event})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := eventsPage{page: s.page(fmt.Sprintf("Gemensamma händelser %d", year)), Year: year, New: eventsBase + "/ny", RolesAt: adminPath + "/roller"}
	if calendar.CheckYear(year-1) == nil {
		data.PrevPath = eventsPath(year - 1)
	}
	if calendar.CheckYear(year+1) == nil {
		data.NextPath = eventsPath(year + 1)
	}
	for _, m := range ms {
		if len(m.Bodies) > 0 {
			continue
		}
		data.Rows = append(data.Rows, eventRow{Path: hubPath(m.ID), When: swedishWhen(m), Title: meetingTitle(m, n),
			For: cmp.Or(n.orgs[m.Organisation], "Alla"), Status: shortStatus(m.Status), StatusClass: string(m.Status)})
	}
	s.renderPage(w, r, http.StatusOK, s.pages.events, data)
}

// eventForm is the empty form of a new event of no body: whole days,
// fixed, and everyone's.
func (s *Server) eventForm() meetingFormPage {
	return meetingFormPage{Heading: "Ny gemensam händelse", Action: eventsBase + "/ny", Back: eventsPath(calendar.In(s.now()).Year()),
		Submit: "Skapa händelsen", Event: true, NoBodies: true, Form: meetingForm{AllDay: true, Status: string(calendar.StatusConfirmed)}}
}

// newCommonEventPage answers GET /administration/handelser/ny.
func (s *Server) newCommonEventPage(w http.ResponseWriter, r *http.Request) {
	s.renderMeetingForm(w, r, http.StatusOK, s.eventForm())
}

// createCommonEventForm answers POST /administration/handelser/ny.
func (s *Server) createCommonEventForm(w http.ResponseWriter, r *http.Request) {
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	data := s.eventForm()
	data.Form = readMeetingForm(values)
	data.Form.Bodies = nil
	s.createFromForm(w, r, &calendar.Meeting{Kind: calendar.KindEvent}, values, &data)
}
