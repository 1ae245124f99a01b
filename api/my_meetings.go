package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// "Mina möten", /mina-moten: a signed-in person's bodies and roles, their
// coming meetings, and their personal calendar – the feed over all their
// bodies – with how to subscribe to it in each calendar program people
// here use, the address to copy, and a way to change the address when it
// has gone astray (the old one stops at once). Subscribing is what keeps
// a calendar right; the one-off download is offered last and said to be
// a copy that does not update.

type myMeetingsPage struct {
	page
	Bodies    []myBody
	Coming    []myMeetingRow
	More      bool
	Feed      feedLinks
	Subscribe subscribeHelp
	// Delivery is the person's choice of invitations or feed, and
	// DeliveryMeans what it means (calendar_choice.go).
	Delivery, DeliveryMeans string
	Saved                   string
	Renewed                 bool
	// Windows are the open booking weeks the person must attend, each
	// with its "kan inte" page (availability_pages.go).
	Windows []myWindow
}

type myBody struct{ Name, Path, Roles string }

// myMeetingRow is a coming meeting with, for one who is expected at it,
// the link to say "Jag kan inte komma" (AbsenceGiven when a förhinder
// holds).
type myMeetingRow struct {
	organRow
	AbsencePath, AbsenceID string
	AbsenceGiven           bool
}

// myMeetingsShown is how many coming meetings the page lists; the
// personal calendar has them all.
const myMeetingsShown = 15

// myMeetings answers GET /mina-moten.
func (s *Server) myMeetings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := principalOf(r)
	if pr.Person() == "" { // the admin token is no one
		seeOther(w, "/logga-in?next=/mina-moten")
		return
	}
	p, err := s.store.FindPersonByKey(ctx, pr.Person())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.now()
	today := calendar.DateOf(now)
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &p.Key, ActiveOn: &today})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	roles := map[string][]string{}
	for _, m := range ms {
		roles[m.Body] = append(roles[m.Body], m.Role.SwedishName())
	}
	data := myMeetingsPage{page: s.page("Mina möten"), Renewed: r.URL.Query().Get("klart") == "ny-adress",
		Delivery: p.Delivery.SwedishName(), DeliveryMeans: deliveryMeans(p.Delivery)}
	if r.URL.Query().Get("klart") == "kalenderval" {
		data.Saved = "Ditt val är sparat: " + p.Delivery.SwedishName() + "."
	}
	slugs := sortedKeys(roles)
	for _, slug := range slugs {
		name := slug
		if b := n.bodies[slug]; b != nil {
			name = b.Name
		}
		data.Bodies = append(data.Bodies, myBody{Name: name, Path: "/organ/" + slug, Roles: swedishList(roles[slug])})
	}
	slices.SortFunc(data.Bodies, func(a, b myBody) int { return strings.Compare(a.Name, b.Name) })
	if len(slugs) > 0 {
		coming, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: slugs, From: &now})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		all, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &p.Key})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for _, m := range coming {
			if len(data.Coming) == myMeetingsShown {
				data.More = true
				break
			}
			_, week := calendar.In(m.Start).ISOWeek()
			row := myMeetingRow{organRow: organRow{Path: "/moten/" + strconv.FormatInt(m.ID, 10), When: weekDate(m.Start),
				Week: fmt.Sprintf("v %d", week), Time: swedishSpan(m), Place: place(m, n), Title: meetingTitle(m, n),
				Status: shortStatus(m.Status), StatusClass: string(m.Status), Cancelled: m.Status == calendar.StatusCancelled}}
			if err := s.absenceLink(ctx, &row, m, all, p.Key); err != nil {
				s.Error(w, r, err)
				return
			}
			data.Coming = append(data.Coming, row)
		}
	}
	if data.Windows, err = s.myWindows(ctx, p.Key, today); err != nil {
		s.Error(w, r, err)
		return
	}
	path := "/feeds/people/" + p.FeedToken + ".ics"
	data.Feed = s.feedLinks(path)
	data.Subscribe = subscribeHelp{Button: "Prenumerera på mina möten", Feed: data.Feed, Personal: true}
	s.renderPage(w, r, http.StatusOK, s.pages.myMeetings, data)
}

// renewFeedForm answers POST /mina-moten/ny-adress: the personal calendar
// gets a new address, and the old one stops at once (a link that was
// forwarded or posted by mistake).
func (s *Server) renewFeedForm(w http.ResponseWriter, r *http.Request) {
	key := principalOf(r).Person()
	if key == "" {
		seeOther(w, "/logga-in?next=/mina-moten")
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	if _, err := s.store.RotateFeedToken(r.Context(), key); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.feeds.dropPeople()
	seeOther(w, "/mina-moten?klart=ny-adress")
}

// absenceLink fills in row's link to the förhinder page when person is
// expected at m (calendar.ExpectedRole, from all their memberships) and m
// is not cancelled. A member with förhinder keeps the meeting here and in
// their personal calendar: they may come after all.
func (s *Server) absenceLink(ctx context.Context, row *myMeetingRow, m *calendar.Meeting, ms []*calendar.Membership, person string) error {
	if m.Status == calendar.StatusCancelled {
		return nil
	}
	if _, ok := calendar.ExpectedRole(ms, m.Bodies, person, calendar.DateOf(m.Start)); !ok {
		return nil
	}
	fs, err := s.store.FindForhinder(ctx, m.ID)
	if err != nil {
		return err
	}
	row.AbsencePath, row.AbsenceID = myForhinderPath(m.ID), "forhinder-"+strconv.FormatInt(m.ID, 10)
	row.AbsenceGiven = slices.ContainsFunc(fs, func(f *calendar.Forhinder) bool { return f.Person == person && f.Active() })
	return nil
}
