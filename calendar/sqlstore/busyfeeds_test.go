package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestBusyFeeds(t *testing.T) {
	runSuite(t, time.Date(2026, 10, 12, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"SetFetchFind", testBusyFeedSetFetchFind},
		{"Invalid", testBusyFeedInvalid},
		{"GoneWithErasure", testBusyFeedErased},
	})
}

func at(d calendar.Date, h, m int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, calendar.Location)
}

func testBusyFeedSetFetchFind(t *testing.T, e *env) {
	e.person("anna")
	e.person("bo")
	const secret = "https://outlook.office365.com/owa/calendar/hemlig/calendar.ics"
	wantErr(t, func() error { _, err := e.s.FindBusyFeed(e.ctx, "anna"); return err }(), calendar.ENOTFOUND)
	f, err := e.s.SetBusyFeed(e.ctx, "anna", secret)
	must(t, err)
	if f.URL != secret || !f.FetchedAt.IsZero() || f.Periods != 0 || !f.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("SetBusyFeed = %+v, want the address, never fetched, set now", f)
	}
	// The record says that the address was set, never the address.
	ch, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("person"), Limit: 1})
	must(t, err)
	if got := ch[0].Fields["busy_feed"]; got.Old != "" || got.New != "set" {
		t.Errorf("change of busy_feed = %+v, want \"\" → set", got)
	}
	for _, c := range ch {
		for _, fc := range c.Fields {
			if strings.Contains(fc.Old+fc.New, "hemlig") {
				t.Errorf("the record of changes holds the address: %+v", c.Fields)
			}
		}
	}

	d := day(2026, 10, 26)
	periods := []calendar.BusyPeriod{{Start: at(d, 9, 0), End: at(d, 10, 0)}, {Start: at(d.AddDays(1), 13, 0), End: at(d.AddDays(1), 14, 30)}}
	e.clock.Advance(time.Minute)
	n := e.changeCount()
	must(t, e.s.SaveBusyFetch(e.ctx, "anna", secret, &calendar.BusyFetch{At: e.clock.Now(), ETag: `"v1"`, Periods: periods}))
	if e.changeCount() != n {
		t.Error("a fetch recorded a change")
	}
	f, err = e.s.FindBusyFeed(e.ctx, "anna")
	must(t, err)
	if f.Periods != 2 || f.ETag != `"v1"` || !f.OKAt.Equal(e.clock.Now()) || f.Error != "" {
		t.Errorf("after a good fetch: %+v, want 2 periods, ETag v1, read now", f)
	}
	// A failing fetch keeps the periods and says why.
	e.clock.Advance(time.Hour)
	must(t, e.s.SaveBusyFetch(e.ctx, "anna", secret, &calendar.BusyFetch{At: e.clock.Now(), Error: "Kalendern svarade inte."}))
	f, err = e.s.FindBusyFeed(e.ctx, "anna")
	must(t, err)
	if f.Periods != 2 || f.Error != "Kalendern svarade inte." || !f.FetchedAt.Equal(e.clock.Now()) || f.OKAt.Equal(e.clock.Now()) {
		t.Errorf("after a failed fetch: %+v, want the 2 periods kept, the error, fetched now, read an hour ago", f)
	}
	ps, err := e.s.FindBusyPeriods(e.ctx, []string{"anna", "bo"}, at(d, 0, 0), at(d.AddDays(1), 13, 30))
	must(t, err)
	if len(ps["anna"]) != 2 || !ps["anna"][0].Start.Equal(periods[0].Start) || !ps["anna"][1].End.Equal(periods[1].End) || len(ps["bo"]) != 0 {
		t.Errorf("FindBusyPeriods = %v, want anna's two", ps)
	}
	ps, err = e.s.FindBusyPeriods(e.ctx, []string{"anna"}, at(d, 10, 0), at(d.AddDays(1), 13, 0))
	must(t, err)
	if len(ps["anna"]) != 0 {
		t.Errorf("FindBusyPeriods between the two = %v, want none (ends and starts are open)", ps)
	}
	// A fetch of an address the person no longer has saves nothing.
	wantErr(t, e.s.SaveBusyFetch(e.ctx, "anna", "https://annan.example/", &calendar.BusyFetch{At: e.clock.Now()}), calendar.ENOTFOUND)
	// A new address forgets what the old gave.
	f, err = e.s.SetBusyFeed(e.ctx, "anna", secret+"?ny")
	must(t, err)
	if f.Periods != 0 || !f.FetchedAt.IsZero() || f.ETag != "" {
		t.Errorf("after a new address: %+v, want a fresh start", f)
	}
	ps, err = e.s.FindBusyPeriods(e.ctx, []string{"anna"}, at(d, 0, 0), at(d.AddDays(2), 0, 0))
	must(t, err)
	if len(ps["anna"]) != 0 {
		t.Errorf("periods after a new address = %v, want none", ps)
	}
	_, err = e.s.SetBusyFeed(e.ctx, "bo", "https://calendar.google.com/calendar/ical/bo/private-x/basic.ics")
	must(t, err)
	all, err := e.s.FindBusyFeeds(e.ctx)
	must(t, err)
	if len(all) != 2 {
		t.Errorf("FindBusyFeeds = %d, want 2", len(all))
	}
	// Removing, and many periods in chunks.
	many := make([]calendar.BusyPeriod, 700)
	for i := range many {
		s := at(d, 0, 0).Add(time.Duration(i) * time.Hour)
		many[i] = calendar.BusyPeriod{Start: s, End: s.Add(30 * time.Minute)}
	}
	must(t, e.s.SaveBusyFetch(e.ctx, "bo", "https://calendar.google.com/calendar/ical/bo/private-x/basic.ics", &calendar.BusyFetch{At: e.clock.Now(), Periods: many}))
	ps, err = e.s.FindBusyPeriods(e.ctx, []string{"bo"}, at(d, 0, 0), at(d.AddDays(60), 0, 0))
	must(t, err)
	if len(ps["bo"]) != 700 {
		t.Errorf("FindBusyPeriods after 700 = %d", len(ps["bo"]))
	}
	f, err = e.s.SetBusyFeed(e.ctx, "bo", "")
	must(t, err)
	if f != nil {
		t.Errorf("SetBusyFeed(\"\") = %+v, want nil", f)
	}
	wantErr(t, func() error { _, err := e.s.FindBusyFeed(e.ctx, "bo"); return err }(), calendar.ENOTFOUND)
	ps, err = e.s.FindBusyPeriods(e.ctx, []string{"bo"}, at(d, 0, 0), at(d.AddDays(60), 0, 0))
	must(t, err)
	if len(ps["bo"]) != 0 {
		t.Errorf("periods after removing = %d, want 0", len(ps["bo"]))
	}
	// The person's export says which server, never the address.
	x, err := e.s.ExportPerson(e.ctx, "anna")
	must(t, err)
	if x.OwnCalendar == nil || x.OwnCalendar.Server != "outlook.office365.com" {
		t.Errorf("ExportPerson own calendar = %+v, want the server only", x.OwnCalendar)
	}
	// They go with the person.
	must(t, e.s.DeletePerson(e.ctx, "anna"))
	all, err = e.s.FindBusyFeeds(e.ctx)
	must(t, err)
	if len(all) != 0 {
		t.Errorf("FindBusyFeeds after deleting anna = %d, want 0", len(all))
	}
}

func testBusyFeedInvalid(t *testing.T, e *env) {
	e.person("anna")
	_, err := e.s.SetBusyFeed(e.ctx, "ingen", "https://x.se/k.ics")
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.SetBusyFeed(e.ctx, "anna", "https://x.se/"+strings.Repeat("a", calendar.MaxBusyFeedURL))
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.SetBusyFeed(e.ctx, "anna", "https://x.se/k.ics")
	must(t, err)
	now := e.clock.Now()
	wantErr(t, e.s.SaveBusyFetch(e.ctx, "anna", "https://x.se/k.ics", &calendar.BusyFetch{At: now,
		Periods: []calendar.BusyPeriod{{Start: now, End: now}}}), calendar.EINVALID)
	wantErr(t, e.s.SaveBusyFetch(e.ctx, "anna", "https://x.se/k.ics", &calendar.BusyFetch{At: now,
		Periods: make([]calendar.BusyPeriod, calendar.MaxBusyPeriods+1)}), calendar.EINVALID)
}

func testBusyFeedErased(t *testing.T, e *env) {
	e.person("anna")
	_, err := e.s.SetBusyFeed(e.ctx, "anna", "https://x.se/k.ics")
	must(t, err)
	now := e.clock.Now()
	must(t, e.s.SaveBusyFetch(e.ctx, "anna", "https://x.se/k.ics", &calendar.BusyFetch{At: now,
		Periods: []calendar.BusyPeriod{{Start: now, End: now.Add(time.Hour)}}}))
	x, err := e.s.ErasePerson(e.ctx, "anna")
	must(t, err)
	all, err := e.s.FindBusyFeeds(e.ctx)
	must(t, err)
	ps, err := e.s.FindBusyPeriods(e.ctx, []string{x.Person}, now.Add(-time.Hour), now.Add(time.Hour))
	must(t, err)
	if len(all) != 0 || len(ps[x.Person]) != 0 {
		t.Errorf("after erasing anna: %d calendars, %d periods; want none", len(all), len(ps[x.Person]))
	}
}
