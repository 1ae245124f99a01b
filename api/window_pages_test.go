package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// bookingWeeks stores a window for chefsgrupp folkhälsa and
// skolchefsgruppen in weeks 37–38 2025, mornings, in Lokal Eken.
func bookingWeeks(t testing.TB, e *env) *calendar.BookingWindow {
	t.Helper()
	w := &calendar.BookingWindow{Name: "Chefsgruppernas höstmöten", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}, {Year: 2025, Week: 38}},
		Bodies: []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, DurationMinutes: 120, Rooms: []string{"lokal-eken"},
		Attendees: map[string][]string{"chefsgrupp-folkhalsa": {"maria-lindborg"}, "skolchefsgruppen": {"anna-berg", "maria-lindborg"}},
		Weekdays:  []calendar.Weekday{2, 3}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}, Deadline: calendar.Date{Year: 2025, Month: 6, Day: 13}}
	must(t, e.store.CreateBookingWindow(context.Background(), w))
	return w
}

// TestWindowPages: the list of booking weeks shows a window to an admin
// and to a secretary of all its bodies, not to one who keeps only one of
// them (who gets 403 on the window's page and its POST); the window page
// shows its facts and the plan in Swedish; "Lägg in förslaget" writes the
// proposed meetings, which then show as booked and in the body's feed.
func TestWindowPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		x := bookingWeeks(t, e)
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
		must(t, err)
		_, err = e.store.GrantRole(ctx, calendar.Grant{Person: "anna-berg", Role: calendar.AccessAdmin})
		must(t, err)
		maria := sessionCookie(t, e, "maria-lindborg")
		admin := sessionCookie(t, e, "anna-berg")
		page := fmt.Sprintf("/mina-organ/bokning/%d", x.ID)

		if r := e.get("/mina-organ", maria); !strings.Contains(r.text(), `href="/mina-organ/bokning"`) {
			t.Errorf("/mina-organ has no link to Bokningsveckor:\n%s", r.body)
		}
		r := e.get("/mina-organ/bokning", maria)
		if r.StatusCode != http.StatusOK || strings.Contains(r.text(), x.Name) || !strings.Contains(r.text(), "Det finns inga bokningsveckor") {
			t.Errorf("a secretary of one of the two bodies: %d\n%s", r.StatusCode, r.body)
		}
		if r := e.get(page, maria); r.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s by a secretary of one body: %d, want 403", page, r.StatusCode)
		}
		if r := e.postForm(page+"/lagg-in", url.Values{}, maria); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST by a secretary of one body: %d, want 403", r.StatusCode)
		}
		r = e.get("/mina-organ/bokning", admin)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), x.Name) || !strings.Contains(r.text(), "v 37–38 2025") ||
			!strings.Contains(r.text(), "inte bokat") || !strings.Contains(r.text(), "2025-06-13") {
			t.Errorf("the admin's list: %d\n%s", r.StatusCode, r.body)
		}

		_, err = e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "skolchefsgruppen"})
		must(t, err)
		maria = sessionCookie(t, e, "maria-lindborg")
		if r := e.get("/mina-organ/bokning", maria); !strings.Contains(r.text(), x.Name) {
			t.Errorf("a secretary of both bodies does not see the window:\n%s", r.body)
		}
		r = e.get(page, maria)
		txt := r.text()
		for _, want := range []string{"Samkal föreslår", "Chefsgrupp folkhälsa", "Skolchefsgruppen", "Lokal Eken", "120 minuter", "tisdag och onsdag", "09.00–12.00", "Lägg in förslaget"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the window page lacks %q:\n%s", want, r.body)
			}
		}
		if r.StatusCode != http.StatusOK || strings.Count(txt, "<h3>") < 2 {
			t.Fatalf("the window page: %d, want a proposal per body\n%s", r.StatusCode, r.body)
		}

		wantSeeOther(t, "apply", e.postForm(page+"/lagg-in", url.Values{}, maria), page+"?klart=inlagt")
		ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, Status: []calendar.MeetingStatus{calendar.StatusProposed}})
		must(t, err)
		var placed []*calendar.Meeting
		for _, m := range ms {
			if y, wk := m.Start.ISOWeek(); y == 2025 && (wk == 37 || wk == 38) {
				placed = append(placed, m)
			}
		}
		if len(placed) != 2 {
			t.Fatalf("after apply %d proposed meetings in the weeks, want 2", len(placed))
		}
		r = e.get(page+"?klart=inlagt", maria)
		if !strings.Contains(r.text(), "Förslaget är inlagt") || strings.Contains(r.text(), "inte bokat") || !strings.Contains(r.text(), "föreslaget, inlagt från förslaget") {
			t.Errorf("after apply the page does not confirm or show the bodies booked:\n%s", r.body)
		}
		// Applying again moves nothing and duplicates nothing.
		wantSeeOther(t, "apply again", e.postForm(page+"/lagg-in", url.Values{}, maria), page+"?klart=inlagt")
		again, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, Status: []calendar.MeetingStatus{calendar.StatusProposed}})
		must(t, err)
		if len(again) != len(ms) {
			t.Errorf("applying twice: %d meetings, then %d", len(ms), len(again))
		}
		var feedMeeting *calendar.Meeting
		for _, m := range placed {
			if m.Bodies[0] == "chefsgrupp-folkhalsa" {
				feedMeeting = m
			}
		}
		if feedMeeting == nil {
			t.Fatal("no proposed meeting of chefsgrupp folkhälsa")
		}
		feed := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics")
		if !strings.Contains(strings.ReplaceAll(feed.text(), "\r\n ", ""), calendar.In(feedMeeting.Start).Format("20060102T150405")) {
			t.Errorf("the body's feed lacks the planned meeting at %s:\n%.2000s", feedMeeting.Start, feed.body)
		}
	})
}

// TestWindowPageConflicts: a window with one slot for two bodies that
// share Maria has no plan: the page says so in Swedish and names the
// bodies and Maria, offers no "Lägg in förslaget", and a POST anyway is
// refused on the page (409) with nothing written. A body that has booked
// its meeting in the weeks already is not planned again and its meeting
// is not moved.
func TestWindowPageConflicts(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "anna-berg", Role: calendar.AccessAdmin})
		must(t, err)
		admin := sessionCookie(t, e, "anna-berg")
		x := &calendar.BookingWindow{Name: "Trångt", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}},
			Bodies: []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, DurationMinutes: 120,
			Attendees: map[string][]string{"chefsgrupp-folkhalsa": {"maria-lindborg"}, "skolchefsgruppen": {"maria-lindborg"}},
			Weekdays:  []calendar.Weekday{2}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 11 * 60}}, Deadline: calendar.Date{Year: 2025, Month: 6, Day: 13}}
		must(t, e.store.CreateBookingWindow(ctx, x))
		page := fmt.Sprintf("/mina-organ/bokning/%d", x.ID)
		r := e.get(page, admin)
		txt := r.text()
		if r.StatusCode != http.StatusOK || !strings.Contains(txt, "Det finns ingen plan där alla organ får plats") ||
			!strings.Contains(txt, "Krockar") || !strings.Contains(txt, "Maria Lindborg") || !strings.Contains(txt, "Chefsgrupp folkhälsa och Skolchefsgruppen") ||
			strings.Contains(txt, "Lägg in förslaget") {
			t.Errorf("an infeasible window: %d\n%s", r.StatusCode, r.body)
		}
		before, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
		must(t, err)
		r = e.postForm(page+"/lagg-in", url.Values{}, admin)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), "Förslaget kunde inte läggas in") {
			t.Errorf("POST on an infeasible window: %d\n%s", r.StatusCode, r.body)
		}
		after, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("a refused plan wrote meetings: %d, then %d", len(before), len(after))
		}

		// The deadline passes.
		e.clock.Set(time.Date(2025, time.June, 20, 9, 0, 0, 0, calendar.Location))
		admin = sessionCookie(t, e, "anna-berg")
		if r := e.get(page, admin); !strings.Contains(r.text(), "2025-06-13 (har passerat)") {
			t.Errorf("the deadline passed is not said:\n%s", r.body)
		}

		// Skolchefsgruppen books its meeting itself: then chefsgruppen fits.
		day := calendar.Date{Year: 2025, Month: time.September, Day: 9}
		own := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"skolchefsgruppen"}, Start: day.At(13, 0), End: day.At(15, 0),
			Status: calendar.StatusConfirmed}
		must(t, e.store.CreateMeeting(ctx, own))
		r = e.get(page, admin)
		if !strings.Contains(r.text(), "Skolchefsgruppen har redan bokat sina möten") || !strings.Contains(r.text(), "Lägg in förslaget") {
			t.Errorf("with skolchefsgruppen booked:\n%s", r.body)
		}
		wantSeeOther(t, "apply", e.postForm(page+"/lagg-in", url.Values{}, admin), page+"?klart=inlagt")
		kept, err := e.store.FindMeetingByID(ctx, own.ID)
		must(t, err)
		if !kept.Start.Equal(own.Start) || kept.Status != calendar.StatusConfirmed {
			t.Errorf("the booked meeting was moved: %v %s", kept.Start, kept.Status)
		}
	})
}

// TestWindowForm: Maria creates booking weeks with the form: sent empty
// it answers 422 with a Swedish error summary linking to the fields; a
// body she does not keep is refused; filled in as "v 37–38 2025" with her
// two bodies it is stored as the API would store it and she lands on the
// window's page with its plan.
func TestWindowForm(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		for _, b := range []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"} {
			_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
			must(t, err)
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		r := e.get("/mina-organ/bokning/ny", maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Chefsgrupp folkhälsa") || strings.Contains(r.text(), "Chefsgrupp social välfärd") {
			t.Fatalf("the form lists the bodies she keeps, only: %d\n%s", r.StatusCode, r.body)
		}
		r = e.postForm("/mina-organ/bokning/ny", url.Values{"veckor": {"vecka tre"}, "tider": {"9.00-12.00"}, "langd": {"240"}}, maria)
		for _, want := range []string{`href="#namn"`, "Skriv ett namn", `href="#veckor"`, `href="#organ-forsta"`, "Välj minst ett organ", "Välj minst en veckodag", `href="#tider"`, "kortare än mötet"} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("the empty form lacks %q", want)
			}
		}
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `value="vecka tre"`) {
			t.Errorf("the form with errors: %d, want 422 keeping what was typed\n%s", r.StatusCode, r.body)
		}
		form := url.Values{"namn": {"Höstens chefsgrupper"}, "veckor": {"v 37–38 2025"}, "organ": {"chefsgrupp-folkhalsa", "chefsgrupp-social-valfard"},
			"langd": {"90"}, "dagar": {"2", "4"}, "tider": {"09.00–12.00, 13:00-16:00"}, "lokaler": {"lokal-enen"}, "sista-dag": {"2025-06-13"}}
		if r := e.postForm("/mina-organ/bokning/ny", form, maria); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "bara välja organ som du är sekreterare för") {
			t.Errorf("a body she does not keep: %d\n%s", r.StatusCode, r.body)
		}
		form["organ"] = []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}
		r = e.postForm("/mina-organ/bokning/ny", form, maria)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/mina-organ/bokning/") {
			t.Fatalf("create: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		ws, err := e.store.FindBookingWindows(ctx)
		must(t, err)
		if len(ws) != 1 {
			t.Fatalf("%d windows stored", len(ws))
		}
		x := ws[0]
		if got := fmt.Sprint(x.Weeks, x.Bodies, x.DurationMinutes, x.Weekdays, len(x.Hours), x.Rooms, x.Deadline); got != "[2025-W37 2025-W38] [chefsgrupp-folkhalsa skolchefsgruppen] 90 [tue thu] 2 [lokal-enen] 2025-06-13" {
			t.Errorf("stored %s", got)
		}
		if r := e.get(r.Header.Get("Location"), maria); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Bokningsveckorna är sparade") || !strings.Contains(r.text(), "Höstens chefsgrupper") {
			t.Errorf("after create: %d\n%s", r.StatusCode, r.body)
		}
	})
}

// TestWindowEditDelete: the form of a stored window comes filled in as the
// secretary would type it; a wrong field answers 422 and changes nothing;
// a change is stored with the fields the form does not show (attendees)
// kept. Deleting asks first, naming the meetings that stay, and a meeting
// laid in from the plan is still there after.
func TestWindowEditDelete(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		x := bookingWeeks(t, e)
		for _, b := range []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"} {
			_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
			must(t, err)
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		page := fmt.Sprintf("/mina-organ/bokning/%d", x.ID)
		if r := e.get(page, maria); !strings.Contains(r.text(), `href="`+page+`/andra"`) || !strings.Contains(r.text(), `href="`+page+`/ta-bort"`) {
			t.Errorf("the window page links neither change nor delete:\n%s", r.body)
		}
		r := e.get(page+"/andra", maria)
		for _, want := range []string{`value="Chefsgruppernas höstmöten"`, `value="v 37–38 2025"`, `value="120"`, `value="09.00–12.00"`, `value="2025-06-13"`,
			`value="2" id="dag-2" checked`, `value="lokal-eken" id="lokal-lokal-eken" checked`, `action="` + page + `/andra"`, "Ändra Chefsgruppernas höstmöten"} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("the filled-in form lacks %q", want)
			}
		}
		if t.Failed() {
			t.Logf("%s", r.body)
		}
		form := url.Values{"namn": {"Hösten"}, "veckor": {"v 38–39 2025"}, "organ": {"chefsgrupp-folkhalsa", "skolchefsgruppen"},
			"langd": {"90"}, "dagar": {"2", "4"}, "tider": {"13.00–16.00"}, "sista-dag": {"i morgon"}}
		if r := e.postForm(page+"/andra", form, maria); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `href="#sista-dag"`) {
			t.Errorf("a wrong deadline: %d\n%s", r.StatusCode, r.body)
		}
		if y, err := e.store.FindBookingWindowByID(ctx, x.ID); err != nil || y.Name != x.Name {
			t.Errorf("a refused change was stored: %v %v", y, err)
		}
		form.Set("sista-dag", "")
		wantSeeOther(t, "edit", e.postForm(page+"/andra", form, maria), page+"?klart=andrat")
		y, err := e.store.FindBookingWindowByID(ctx, x.ID)
		must(t, err)
		if got := fmt.Sprint(y.Name, y.Weeks, y.DurationMinutes, y.Weekdays, y.Hours, y.Rooms, y.Deadline.IsZero(), y.Attendees); got !=
			"Hösten[2025-W38 2025-W39] 90 [tue thu] [{13:00 16:00}] [] true map[chefsgrupp-folkhalsa:[maria-lindborg] skolchefsgruppen:[anna-berg maria-lindborg]]" {
			t.Errorf("stored %s", got)
		}
		if r := e.get(page+"?klart=andrat", maria); !strings.Contains(r.text(), "Ändringarna är sparade") || !strings.Contains(r.text(), "13.00–16.00") {
			t.Errorf("after the change:\n%s", r.body)
		}

		wantSeeOther(t, "apply", e.postForm(page+"/lagg-in", url.Values{}, maria), page+"?klart=inlagt")
		r = e.get(page+"/ta-bort", maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "ligger kvar") || !strings.Contains(r.text(), "Skolchefsgruppen: <a href=\"/mina-organ/moten/") {
			t.Errorf("the delete page: %d\n%s", r.StatusCode, r.body)
		}
		before, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
		must(t, err)
		wantSeeOther(t, "delete", e.postForm(page+"/ta-bort", url.Values{}, maria), "/mina-organ/bokning?klart=borttaget")
		if _, err := e.store.FindBookingWindowByID(ctx, x.ID); !calendar.IsNotFound(err) {
			t.Errorf("the window is still there: %v", err)
		}
		after, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("deleting the window took meetings with it: %d, then %d", len(before), len(after))
		}
		if r := e.get("/mina-organ/bokning?klart=borttaget", maria); !strings.Contains(r.text(), "Bokningsveckorna är borttagna") {
			t.Errorf("after delete:\n%s", r.body)
		}
		if r := e.get(page+"/ta-bort", maria); r.StatusCode != http.StatusNotFound {
			t.Errorf("the delete page of a deleted window: %d", r.StatusCode)
		}
	})
}

// TestWindowPageSuggestionsAndKept: the window page lists each body's own
// free times; taking one lays it in (303), and the page then says it lies
// where it is ("Ligger kvar") and suggests only for the other body; a time
// no longer free is 409 and a wrong form 400, in Swedish. After the
// window loses the taken meeting's weekday, the page says the meeting
// must move and why before "Lägg in förslaget", which moves it.
func TestWindowPageSuggestionsAndKept(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		x := bookingWeeks(t, e)
		for _, b := range []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"} {
			_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
			must(t, err)
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		page := fmt.Sprintf("/mina-organ/bokning/%d", x.ID)
		r := e.get(page, maria)
		txt := r.text()
		for _, want := range []string{"Lediga tider för varje organ", `id="tider-chefsgrupp-folkhalsa"`, `id="tider-skolchefsgruppen"`, `action="` + page + `/ta-tid"`,
			`name="start" value="2025-09-`, "Välj tiden", "Lokal Eken"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the window page lacks %q", want)
			}
		}
		if t.Failed() {
			t.Fatalf("%s", r.body)
		}
		sg, err := plan.SuggestWindow(ctx, e.store, x, "chefsgrupp-folkhalsa", e.clock.Now(), 2)
		must(t, err)
		take := url.Values{"organ": {"chefsgrupp-folkhalsa"}, "start": {calendar.In(sg[1].Start).Format("2006-01-02T15:04")}, "lokal": {sg[1].Room}}
		bad := url.Values{"organ": {"chefsgrupp-folkhalsa"}, "start": {"2025-09-13T09:00"}, "lokal": {sg[1].Room}} // a Saturday
		if r := e.postForm(page+"/ta-tid", bad, maria); r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), "Tiden är inte ledig längre") {
			t.Errorf("a time not free: %d\n%s", r.StatusCode, r.body)
		}
		wrong := url.Values{"organ": {"chefsgrupp-social-valfard"}, "start": take["start"]}
		if r := e.postForm(page+"/ta-tid", wrong, maria); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.text(), "Tiden kunde inte väljas") {
			t.Errorf("a body not in the window: %d\n%s", r.StatusCode, r.body)
		}
		wantSeeOther(t, "take", e.postForm(page+"/ta-tid", take, maria), page+"?klart=vald")
		ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa"}, Status: []calendar.MeetingStatus{calendar.StatusProposed}})
		must(t, err)
		var taken *calendar.Meeting
		for _, m := range ms {
			if plan.IsWindowMeeting(x.ID, m) {
				taken = m
			}
		}
		if taken == nil || !taken.Start.Equal(sg[1].Start) {
			t.Fatalf("the taken time is not laid in: %v", ms)
		}
		r = e.get(page+"?klart=vald", maria)
		txt = r.text()
		if !strings.Contains(txt, "Tiden är vald") || !strings.Contains(txt, "Ligger kvar") || strings.Contains(txt, `id="tider-chefsgrupp-folkhalsa"`) ||
			!strings.Contains(txt, `id="tider-skolchefsgruppen"`) || strings.Contains(txt, "Måste flyttas") {
			t.Errorf("after taking a time:\n%s", r.body)
		}

		// The window loses the taken meeting's weekday.
		day := calendar.Weekday(calendar.In(taken.Start).Weekday())
		_, err = e.store.EditBookingWindow(ctx, x.ID, func(y *calendar.BookingWindow) error {
			y.Weekdays = slices.DeleteFunc(y.Weekdays, func(d calendar.Weekday) bool { return d == day })
			return nil
		})
		must(t, err)
		r = e.get(page, maria)
		txt = r.text()
		if !strings.Contains(txt, "Måste flyttas") || !strings.Contains(txt, "är inte längre en av bokningsveckornas dagar") || !strings.Contains(txt, "Lägg in förslaget") {
			t.Errorf("after the weekday went:\n%s", r.body)
		}
		main := txt[strings.Index(txt, "<main"):strings.Index(txt, "</main>")]
		for _, english := range []string{" the ", "body", "window", "cannot"} {
			if strings.Contains(main, english) {
				t.Errorf("the page has English %q", english)
			}
		}
		wantSeeOther(t, "apply", e.postForm(page+"/lagg-in", url.Values{}, maria), page+"?klart=inlagt")
		moved, err := e.store.FindMeetingByID(ctx, taken.ID)
		must(t, err)
		if calendar.Weekday(calendar.In(moved.Start).Weekday()) == day {
			t.Errorf("the meeting did not move: %s", moved.Start)
		}
	})
}

// TestWindowPageNoDay: a window whose only weekday is a holiday says so
// in Swedish, naming the holiday, and offers no plan.
func TestWindowPageNoDay(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		ctx := context.Background()
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "anna-berg", Role: calendar.AccessAdmin})
		must(t, err)
		x := &calendar.BookingWindow{Name: "Kristi himmelsfärd", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 22}},
			Bodies: []string{"chefsgrupp-folkhalsa"}, DurationMinutes: 60, Attendees: map[string][]string{"chefsgrupp-folkhalsa": {"maria-lindborg"}},
			Weekdays: []calendar.Weekday{4}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}}
		must(t, e.store.CreateBookingWindow(ctx, x))
		r := e.get(fmt.Sprintf("/mina-organ/bokning/%d", x.ID), sessionCookie(t, e, "anna-berg"))
		if txt := r.text(); r.StatusCode != http.StatusOK || !strings.Contains(txt, "ingen dag att mötas på") || !strings.Contains(txt, "2025-05-29 (") ||
			strings.Contains(txt, "Lägg in förslaget") || strings.Contains(txt, "holiday") {
			t.Errorf("a window of one holiday: %d\n%s", r.StatusCode, r.body)
		}
	})
}
