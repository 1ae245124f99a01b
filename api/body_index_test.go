package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// severalRegions adds three regions of 25 public bodies each (r02-grupp-01
// is region-02's), more than a region has: an installation for several.
func severalRegions(t testing.TB, e *env) {
	t.Helper()
	ctx := context.Background()
	must(t, e.store.InTx(ctx, func(tx calendar.Store) error {
		for r := 1; r <= 3; r++ {
			org := fmt.Sprintf("region-%02d", r)
			if err := tx.CreateOrganisation(ctx, &calendar.Organisation{Slug: org, Name: fmt.Sprintf("Region %02d", r), Kind: calendar.OrgRegion}); err != nil {
				return err
			}
			for i := range 25 {
				if err := tx.CreateBody(ctx, &calendar.Body{Slug: fmt.Sprintf("r%02d-grupp-%02d", r, i), Name: fmt.Sprintf("Samverkansgrupp %02d-%02d", r, i),
					Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public, Organisation: org}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// TestBodyIndex: with more public bodies than a region has, the start page
// lists their organisations rather than a thousand bodies, and /organ
// shows one organisation's bodies or finds bodies by name; a region's
// sixty are still listed one by one.
func TestBodyIndex(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	start := e.get("/")
	if !strings.Contains(string(start.body), `href="/organ/chefsgrupp-folkhalsa"`) || strings.Contains(string(start.body), "/organ?organisation=") {
		t.Fatal("a region's start page should list its bodies one by one")
	}

	ctx := context.Background()
	severalRegions(t, e)

	start = e.get("/")
	page := string(start.body)
	for _, want := range []string{`href="/organ?organisation=region-02"`, "Region 02</a> (25 organ)", `action="/organ"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the start page of a large installation lacks %q", want)
		}
	}
	if strings.Contains(page, `href="/organ/r02-grupp-01"`) {
		t.Error("the start page of a large installation still lists every body")
	}

	// The calendar: one organisation's at a time, chosen first.
	cal := e.get("/kalender?manad=2025-03")
	if page := string(cal.body); cal.StatusCode != http.StatusOK || !strings.Contains(page, `<option value="region-02">Region 02</option>`) ||
		!strings.Contains(page, "Välj en huvudman ovan") || strings.Contains(page, `<table class="yeargrid calendar">`) ||
		strings.Contains(page, `value="r02-grupp-01"`) {
		t.Errorf("the calendar of a large installation without a choice: %d\n%s", cal.StatusCode, page)
	}
	must(t, e.store.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Title: "Region 2:s möte", Bodies: []string{"r02-grupp-01"},
		Start: time.Date(2025, 3, 11, 9, 0, 0, 0, calendar.Location), End: time.Date(2025, 3, 11, 10, 0, 0, 0, calendar.Location)}))
	must(t, e.store.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Title: "Region 3:s möte", Bodies: []string{"r03-grupp-01"},
		Start: time.Date(2025, 3, 12, 9, 0, 0, 0, calendar.Location), End: time.Date(2025, 3, 12, 10, 0, 0, 0, calendar.Location)}))
	must(t, e.store.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindEvent, Title: "Region 3:s dag", Organisation: "region-03",
		Start: time.Date(2025, 3, 13, 0, 0, 0, 0, calendar.Location), End: time.Date(2025, 3, 14, 0, 0, 0, 0, calendar.Location), AllDay: true}))
	cal = e.get("/kalender?manad=2025-03&organisation=region-02")
	page = string(cal.body)
	for _, want := range []string{"Region 2:s möte", "Uppföljningsdag", `<option value="region-02" selected>`, `<option value="r02-grupp-01">`,
		`<span class="sub">Region 02</span>`, `href="/kalender?manad=2025-04&amp;organisation=region-02"`} {
		if !strings.Contains(page, want) {
			t.Errorf("region 02's calendar lacks %q", want)
		}
	}
	for _, not := range []string{"Region 3:s möte", "Region 3:s dag", `value="r03-grupp-01"`} {
		if strings.Contains(page, not) {
			t.Errorf("region 02's calendar shows %q", not)
		}
	}
	if page := string(e.get("/kalender?manad=2025-03&organ=r03-grupp-01").body); !strings.Contains(page, "Region 3:s möte") || strings.Contains(page, "Välj en huvudman ovan") {
		t.Errorf("a body chosen without its organisation shows its meetings:\n%s", page)
	}

	org := e.get("/organ?organisation=region-02")
	if org.StatusCode != http.StatusOK || strings.Count(string(org.body), `<h3><a href="/organ/r02-grupp-`) != 25 ||
		strings.Contains(string(org.body), "/organ/r01-grupp-") || !strings.Contains(string(org.body), "Organ i Region 02") {
		t.Errorf("/organ?organisation=region-02: %d, want its 25 bodies and none other:\n%s", org.StatusCode, org.body)
	}
	found := e.get("/organ?sok=grupp+03-1")
	if c := strings.Count(string(found.body), `<h3><a href="/organ/r03-grupp-1`); c != 10 || !strings.Contains(string(found.body), "10 organ heter något med") {
		t.Errorf("a search for one region's 10–19 found %d:\n%s", c, found.body)
	}
	many := e.get("/organ?sok=samverkansgrupp")
	if c := strings.Count(string(many.body), `<h3><a href="/organ/r0`); c != 50 || !strings.Contains(string(many.body), "De första 50 visas") {
		t.Errorf("a search with 75 hits shows %d, want the first 50 and a word on the rest", c)
	}
	folded := e.get("/organ?sok=FOLKHALSA")
	if !strings.Contains(string(folded.body), `href="/organ/chefsgrupp-folkhalsa"`) {
		t.Error("a search without å, ä, ö and in capitals does not find Chefsgrupp folkhälsa")
	}
	long := e.get("/organ?sok=" + strings.Repeat("a", 101))
	if long.StatusCode != http.StatusOK || !strings.Contains(string(long.body), "högst 100 tecken") || !strings.Contains(string(long.body), "<title>Fel: ") {
		t.Errorf("a too long search: %d, want the error summary:\n%s", long.StatusCode, long.body)
	}
	for _, p := range []string{"/organ?organisation=finns-inte", "/organ?organisation=%00", "/organ?sok=%00x"} {
		r := e.get(p)
		if r.StatusCode != http.StatusOK || strings.Contains(string(r.body), `href="/organ/r0`) {
			t.Errorf("%s: %d, want a page that lists nothing", p, r.StatusCode)
		}
	}
	restricted := e.get("/organ?sok=arbetsgrupp")
	if strings.Contains(string(restricted.body), "hemlig") {
		t.Error("a restricted body is found by the public search")
	}
}
