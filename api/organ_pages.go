package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The members' page of a body, /organ/{slug}: what it is, who sits in it
// (name and organisation, nothing to contact them by), and its årsplan by
// year, each date with its ISO week as Swedish planning speaks of it
// ("tisdag 21 januari 2025, v 4"). /organ/{slug}/sammantradesplan?ar=YYYY
// is the same year as a table for A4 paper: the shared stylesheet's print
// rules drop the header and links, so the browser's "Spara som PDF" gives
// the sammanträdesplan to send around.
//
// A public body's page is for anyone; a restricted body's only for its
// members, its secretaries and the admins, and "Sidan finns inte" to
// everyone else, as a restricted meeting's page is.

type organPage struct {
	page
	Name, Slug, Kind, Description string
	Year                          int
	PrevPath, NextPath, PrintPath string
	YearPath                      string
	Groups                        []organGroup
	Rows                          []organRow
	Feed                          *subscribeHelp
	Print                         bool
}

type organGroup struct {
	Role    string
	Members []organMember
}

type organMember struct{ Name, Organisation string }

type organRow struct {
	Path, When, Day, Week, Time, Place, Title, Status, StatusClass string
	Cancelled                                                      bool
}

// organPage answers GET /organ/{slug} and /organ/{slug}/sammantradesplan.
func (s *Server) organPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := s.store.FindBodyBySlug(ctx, mux.Vars(r)["slug"])
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !principalOf(r).SeeBody(b.Slug, isPublic(b)) {
		s.pageNotFound(w, r)
		return
	}
	now := s.now()
	year := calendar.In(now).Year()
	if v := r.URL.Query().Get("ar"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || calendar.CheckYear(y) != nil {
			s.pageNotFound(w, r)
			return
		}
		year = y
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{b.Slug}, Year: &year})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	base := "/organ/" + b.Slug
	data := organPage{Name: b.Name, Slug: b.Slug, Kind: swedishBodyKind(b.Kind), Description: b.Description, Year: year,
		YearPath: fmt.Sprintf("%s?ar=%d", base, year), PrintPath: fmt.Sprintf("%s/sammantradesplan?ar=%d", base, year)}
	data.Print = r.URL.Path == base+"/sammantradesplan"
	yearPath := base
	if data.Print {
		yearPath = base + "/sammantradesplan"
	}
	if calendar.CheckYear(year-1) == nil {
		data.PrevPath = fmt.Sprintf("%s?ar=%d", yearPath, year-1)
	}
	if calendar.CheckYear(year+1) == nil {
		data.NextPath = fmt.Sprintf("%s?ar=%d", yearPath, year+1)
	}
	p := principalOf(r)
	for _, m := range ms {
		if !m.IsPublic(n.isPublic) && !takesPart(p, m) {
			continue
		}
		_, week := calendar.In(m.Start).ISOWeek()
		row := organRow{Path: "/moten/" + strconv.FormatInt(m.ID, 10), When: weekDate(m.Start), Day: swedishDate(m.Start),
			Week: "v " + strconv.Itoa(week), Time: swedishSpan(m), Place: place(m, n), Status: shortStatus(m.Status),
			StatusClass: string(m.Status), Cancelled: m.Status == calendar.StatusCancelled}
		if len(m.Bodies) > 1 || m.Title != "" {
			row.Title = meetingTitle(m, n)
		}
		data.Rows = append(data.Rows, row)
	}
	if data.Print {
		data.page = s.page(fmt.Sprintf("Sammanträdesplan %d – %s", year, b.Name))
		s.renderPage(w, r, http.StatusOK, s.pages.organ, data)
		return
	}
	if err := s.organMembers(r, b, &data); err != nil {
		s.Error(w, r, err)
		return
	}
	if isPublic(b) {
		data.Feed = &subscribeHelp{Button: "Prenumerera på " + b.Name, Feed: s.feedLinks("/feeds/bodies/" + b.Slug + ".ics")}
	}
	data.page = s.page(fmt.Sprintf("%s %d", b.Name, year))
	s.renderPage(w, r, http.StatusOK, s.pages.organ, data)
}

// organMembers fills in who sits in b today, by role in the domain's
// order: the name and the organisation only.
func (s *Server) organMembers(r *http.Request, b *calendar.Body, data *organPage) error {
	ctx := r.Context()
	today := calendar.DateOf(s.now())
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &b.Slug, ActiveOn: &today})
	if err != nil {
		return err
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{Body: &b.Slug})
	if err != nil {
		return err
	}
	orgs, err := s.store.FindOrganisations(ctx)
	if err != nil {
		return err
	}
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.Slug] = o.Name
	}
	byKey := map[string]*calendar.Person{}
	for _, p := range people {
		byKey[p.Key] = p
	}
	for _, role := range calendar.Roles {
		g := organGroup{Role: upperFirst(role.SwedishName())}
		for _, m := range ms {
			if p := byKey[m.Person]; m.Role == role && p != nil {
				g.Members = append(g.Members, organMember{Name: p.Name, Organisation: orgName[p.Organisation]})
			}
		}
		if len(g.Members) > 0 {
			data.Groups = append(data.Groups, g)
		}
	}
	return nil
}
