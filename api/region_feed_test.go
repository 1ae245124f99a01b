package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestRegionFeedBounded: the region's feed of everything reaches back a
// year; the body's own feed keeps its whole history (five years).
func TestRegionFeedBounded(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	ctx := context.Background()
	old := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Title: "Gammalt möte",
		Start: start.AddDate(-2, 0, 0), End: start.AddDate(-2, 0, 0).Add(2 * time.Hour), Status: calendar.StatusConfirmed}
	recent := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Title: "Möte i höstas",
		Start: start.AddDate(0, -11, 0), End: start.AddDate(0, -11, 0).Add(2 * time.Hour), Status: calendar.StatusConfirmed}
	for _, m := range []*calendar.Meeting{old, recent} {
		must(t, e.store.CreateMeeting(ctx, m))
	}
	body := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics").text()
	all := e.get("/feeds/all.ics").text()
	if !strings.Contains(body, old.UID) || !strings.Contains(body, recent.UID) {
		t.Error("the body's feed lost its history")
	}
	if strings.Contains(all, old.UID) || !strings.Contains(all, recent.UID) {
		t.Errorf("the region's feed: a meeting two years ago shown %v, eleven months ago shown %v; want false, true",
			strings.Contains(all, old.UID), strings.Contains(all, recent.UID))
	}
}

// TestOrganisationFeed: an organisation's feed is the public meetings of
// the bodies it hosts, its own events and everyone's, on both engines: not
// another organisation's event, a body of no organisation alone, a
// restricted body, or anything personal. /organ offers it; an unknown
// organisation has none.
func TestOrganisationFeed(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		ctx := context.Background()
		must(t, e.store.CreateBody(ctx, &calendar.Body{Slug: "hemlig-grupp", Name: "Hemlig grupp", Kind: calendar.BodyWorkingGroup,
			Visibility: calendar.Restricted, Organisation: "region-orebro-lan"}))
		day := calendar.Date{Year: 2025, Month: 4, Day: 2}
		secret := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"hemlig-grupp"}, Start: day.At(9, 0), End: day.At(10, 0),
			Status: calendar.StatusConfirmed}
		social := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-social-valfard"}, Start: day.At(13, 0), End: day.At(15, 0),
			Status: calendar.StatusConfirmed}
		kumlaDay := &calendar.Meeting{Kind: calendar.KindEvent, Title: "Kumladagen", Organisation: "kumla", Start: day.Start(), End: day.AddDays(1).Start(),
			AllDay: true, Status: calendar.StatusConfirmed}
		for _, m := range []*calendar.Meeting{secret, social, kumlaDay} {
			must(t, e.store.CreateMeeting(ctx, m))
		}

		region := feed(t, e, "/feeds/organisations/region-orebro-lan.ics")
		kumla := feed(t, e, "/feeds/organisations/kumla.ics").text()
		if ct := region.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("Content-Type %q", ct)
		}
		for _, c := range []struct {
			feed, name string
			m          *calendar.Meeting
			want       bool
		}{
			{region.text(), "a meeting of a body it hosts", f.folkhalsa[0], true},
			{region.text(), "a joint meeting with one of its bodies", f.joint, true},
			{region.text(), "everyone's follow-up day", f.followUp, true},
			{region.text(), "Kumla's event", kumlaDay, false},
			{region.text(), "a meeting of a body of no organisation", social, false},
			{region.text(), "a restricted body's meeting", secret, false},
			{kumla, "everyone's follow-up day", f.followUp, true},
			{kumla, "its own event", kumlaDay, true},
			{kumla, "a region's body's meeting", f.folkhalsa[0], false},
		} {
			if strings.Contains(c.feed, c.m.UID) != c.want {
				t.Errorf("%s: in the feed %v, want %v", c.name, !c.want, c.want)
			}
		}
		for _, private := range []string{mariaPhone, annaEmail, "maria.lindborg@", "Internt"} {
			if strings.Contains(region.text(), private) || strings.Contains(kumla, private) {
				t.Errorf("an organisation's feed shows %q", private)
			}
		}
		// As a calendar client reads it: the follow-up day whole days.
		read := icaltest.ParseWithICALJS(t, region.body)
		found := false
		for _, ev := range read.Events {
			if ev.UID == f.followUp.UID {
				found = ev.AllDay && ev.Summary == "Uppföljningsdag"
			}
		}
		if !found || len(read.Events) == 0 {
			t.Errorf("ical.js read %d events, the follow-up day not as one whole day", len(read.Events))
		}
		if !strings.Contains(region.text(), "X-WR-CALNAME:Region Örebro län – alla möten") {
			t.Errorf("the feed is not named after the organisation")
		}
		r := e.get("/feeds/organisations/ingen-alls.ics")
		if r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("an unknown organisation: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		page := e.get("/organ?organisation=region-orebro-lan").text()
		if !strings.Contains(page, "/feeds/organisations/region-orebro-lan.ics") || !strings.Contains(page, "Prenumerera på alla möten i Region Örebro län") {
			t.Errorf("/organ does not offer the organisation's feed")
		}
	})
}
