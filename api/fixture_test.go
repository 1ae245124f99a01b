package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The fixture follows the seed documents: Region Örebro län, its
// chefsgrupper, chefsgrupp folkhälsa's 2025 meeting times (13.00–16.30, the
// first at Länsstyrelsen, the others in the region's rooms at Eklundavägen
// 1), a joint meeting of the three chefsgrupper, the follow-up day on 14
// March, and a restricted working group planning it.

// Personal data that must never reach a feed or a public read.
const (
	mariaEmail = "maria.lindborg@regionorebrolan.se"
	mariaPhone = "070-123 45 67"
	annaEmail  = "anna.berg@kumla.se"
	annaPhone  = "019-58 80 00"
	// secretNote is in every fixture meeting's notes; feeds must not show it.
	secretNote = "Internt: ring Maria på 070-123 45 67 eller maria.lindborg@regionorebrolan.se"
)

type fixture struct {
	folkhalsa  []*calendar.Meeting // chefsgrupp folkhälsa 2025, in order
	joint      *calendar.Meeting   // the three chefsgrupper, 14 November
	restricted *calendar.Meeting   // the working group alone
	mixed      *calendar.Meeting   // chefsgrupp folkhälsa with the working group
	followUp   *calendar.Meeting   // the follow-up day: all day, no body
	maria      *calendar.Person    // in both chefsgrupper and the working group
	anna       *calendar.Person    // only in the restricted working group
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed fills e's store directly (writes through the API are tested on
// their own). It runs before the first request, so no cache can be stale.
func seed(t testing.TB, e *env) *fixture {
	t.Helper()
	ctx := context.Background()
	s := e.store
	for _, o := range []*calendar.Organisation{
		{Slug: "region-orebro-lan", Name: "Region Örebro län", Kind: calendar.OrgRegion},
		{Slug: "kumla", Name: "Kumla kommun", Kind: calendar.OrgMunicipality},
		{Slug: "lansstyrelsen", Name: "Länsstyrelsen Örebro län", Kind: calendar.OrgPartner},
	} {
		must(t, s.CreateOrganisation(ctx, o))
	}
	for _, r := range []*calendar.Room{
		{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro", Capacity: 30},
		{Slug: "lokal-enen", Name: "Lokal Enen", Address: "Eklundavägen 1, Örebro", Capacity: 16},
	} {
		must(t, s.CreateRoom(ctx, r))
	}
	for _, b := range []*calendar.Body{
		{Slug: "chefsgrupp-folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public, Organisation: "region-orebro-lan"},
		{Slug: "chefsgrupp-social-valfard", Name: "Chefsgrupp social välfärd samt vård och omsorg", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public},
		{Slug: "skolchefsgruppen", Name: "Skolchefsgruppen", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public},
		{Slug: "arbetsgrupp-uppfoljningsdag", Name: "Arbetsgrupp uppföljningsdag", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Restricted,
			Description: "Planerar uppföljningsdagen 14 mars 2025."},
	} {
		must(t, s.CreateBody(ctx, b))
	}
	f := &fixture{
		maria: &calendar.Person{Key: "maria-lindborg", Name: "Maria Lindborg", Email: mariaEmail, Phone: mariaPhone,
			Title: "utvecklingsledare välfärd och folkhälsa", Organisation: "region-orebro-lan"},
		anna: &calendar.Person{Key: "anna-berg", Name: "Anna Berg", Email: annaEmail, Phone: annaPhone, Organisation: "kumla"},
	}
	must(t, s.CreatePerson(ctx, f.maria))
	must(t, s.CreatePerson(ctx, f.anna))
	since := calendar.Date{Year: 2024, Month: 1, Day: 1}
	for _, m := range []*calendar.Membership{
		{Body: "chefsgrupp-folkhalsa", Person: "maria-lindborg", Role: calendar.RoleContactPerson, From: since},
		{Body: "chefsgrupp-social-valfard", Person: "maria-lindborg", Role: calendar.RoleMember, From: since},
		{Body: "arbetsgrupp-uppfoljningsdag", Person: "maria-lindborg", Role: calendar.RoleSecretary, From: since},
		{Body: "arbetsgrupp-uppfoljningsdag", Person: "anna-berg", Role: calendar.RoleMember, From: since},
	} {
		must(t, s.CreateMembership(ctx, m))
	}

	at := func(m time.Month, d, h, min int) time.Time {
		return time.Date(2025, m, d, h, min, 0, 0, calendar.Location)
	}
	meet := func(m *calendar.Meeting) *calendar.Meeting {
		t.Helper()
		if m.Kind == "" {
			m.Kind = calendar.KindMeeting
		}
		m.Notes = secretNote
		must(t, s.CreateMeeting(ctx, m))
		return m
	}
	for i, d := range []struct {
		month  time.Month
		day    int
		room   string
		status calendar.MeetingStatus
	}{
		{time.January, 21, "", calendar.StatusConfirmed},
		{time.March, 20, "lokal-eken", calendar.StatusConfirmed},
		{time.May, 22, "lokal-eken", calendar.StatusProposed},
		{time.August, 20, "lokal-eken", calendar.StatusProposed},
		{time.October, 23, "lokal-eken", calendar.StatusProposed},
		{time.December, 2, "lokal-eken", calendar.StatusProposed},
	} {
		m := &calendar.Meeting{Bodies: []string{"chefsgrupp-folkhalsa"}, Start: at(d.month, d.day, 13, 0), End: at(d.month, d.day, 16, 30),
			Status: d.status, Room: d.room}
		if i == 0 {
			m.Location = "Länsstyrelsen, Stortorget 22, Örebro"
		}
		f.folkhalsa = append(f.folkhalsa, meet(m))
	}
	f.joint = meet(&calendar.Meeting{Title: "Gemensamt möte för chefsgrupperna",
		Bodies: []string{"chefsgrupp-folkhalsa", "chefsgrupp-social-valfard", "skolchefsgruppen"},
		Start:  at(time.November, 14, 13, 0), End: at(time.November, 14, 16, 30), Status: calendar.StatusProposed, Room: "lokal-enen"})
	f.restricted = meet(&calendar.Meeting{Title: "Planering av uppföljningsdagen", Bodies: []string{"arbetsgrupp-uppfoljningsdag"},
		Start: at(time.February, 10, 10, 0), End: at(time.February, 10, 11, 0), Status: calendar.StatusConfirmed, Room: "lokal-enen"})
	f.mixed = meet(&calendar.Meeting{Title: "Avstämning inför uppföljningsdagen",
		Bodies: []string{"arbetsgrupp-uppfoljningsdag", "chefsgrupp-folkhalsa"},
		Start:  at(time.February, 12, 9, 0), End: at(time.February, 12, 10, 0), Status: calendar.StatusConfirmed,
		OnlineURL: "https://meet.example.se/j/4711"})
	f.followUp = meet(&calendar.Meeting{Kind: calendar.KindEvent, Title: "Uppföljningsdag",
		Start: at(time.March, 14, 0, 0), End: at(time.March, 15, 0, 0), AllDay: true, Status: calendar.StatusConfirmed,
		Location: "Conventum, Örebro"})
	return f
}
