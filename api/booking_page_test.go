package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestBookingPage: the booking reminder's link opens a personal page that
// shows what the email promises – the secretary's bodies in the window,
// which have booked, and free times for the others – and nothing to
// anyone else.
func TestBookingPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)
		ctx := context.Background()
		// Maria Lindborg is the secretary of two of the window's bodies.
		for _, body := range []string{"lansdel-norr", "samverkan-olbf"} {
			must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: body, Person: "maria-lindborg", Role: calendar.RoleSecretary}))
		}
		const windowID = 1 // weeks 37–38 of 2025, deadline 13 June
		until := calendar.Date{Year: 2025, Month: time.September, Day: 22}.Start()
		l, err := e.store.EnsureWindowLink(ctx, windowID, "maria-lindborg", until)
		must(t, err)
		path := "/bokning/" + l.Token

		page := wantPage(t, e.get(path), http.StatusOK,
			"<h1>Boka möten: Samverkansmöten hösten 2025, v 37–38</h1>",
			"Bokningsveckor: v 37 och 38 2025. Boka senast <strong>fredag 13 juni 2025</strong>.",
			"Du ser sidan som sekreterare för Länsdel Norr och Samverkan ÖLBF.",
			`<h2 id="organ-lansdel-norr">Länsdel Norr</h2>`, `<h2 id="organ-samverkan-olbf">Samverkan ÖLBF</h2>`,
			"Inte bokat än", "<h3>Lediga tider</h3>", "boka ett organ i taget")
		// The token is new each run; the page links the "kan inte" page behind it.
		golden(t, "booking-page.html", []byte(strings.ReplaceAll(page, l.Token, "TOKEN")))
		if n := strings.Count(page, "<li><strong>"); n != 10 {
			t.Errorf("the page shows %d free times, want 5 for each of the two bodies:\n%s", n, page)
		}
		for _, other := range []string{"Länsdel Söder", "Samverkan RF-SISU"} {
			if strings.Contains(page, other) {
				t.Errorf("the page shows %s, of which Maria is not secretary", other)
			}
		}

		// Länsdel Norr books a meeting in week 37: booked, with a link to
		// the meeting's page, and no free times for it any more.
		norr := decode[object](t, e.write(http.MethodPost, "/api/v1/meetings", object{"bodies": []string{"lansdel-norr"},
			"start": "2025-09-09T09:00", "end": "2025-09-09T12:00", "status": "proposed", "room": "lokal-eken"}, http.StatusCreated))
		page = wantPage(t, e.get(path), http.StatusOK, "Bokat",
			fmt.Sprintf(`<a href="/moten/%v">tisdag 9 september 2025 kl. 09.00–12.00</a> (förslag – tiden är inte fastställd)`, norr["id"]))
		if n := strings.Count(page, "<h3>Lediga tider</h3>"); n != 1 {
			t.Errorf("%d bodies show free times after Länsdel Norr booked, want 1 (Samverkan ÖLBF)", n)
		}

		// Another purpose's token, a forged one, a revoked and an expired
		// link: nothing from the window.
		m := decode[object](t, e.adminGet(fmt.Sprintf("/api/v1/meetings/%v", norr["id"])))
		agenda, err := e.store.EnsureLink(ctx, calendar.LinkAgenda, int64(m["id"].(float64)), "maria-lindborg", until)
		must(t, err)
		wantPage(t, e.get("/bokning/"+agenda.Token), http.StatusNotFound, "Länken finns inte")
		wantPage(t, e.get("/bokning/"+strings.Repeat("A", 43)), http.StatusNotFound, "Länken finns inte")
		e.clock.Set(until)
		expired := wantPage(t, e.get(path), http.StatusGone, "Länken har gått ut")
		if strings.Contains(expired, "Länsdel Norr") {
			t.Error("an expired link still shows the window's bodies")
		}
		e.clock.Set(start)
		r := decode[object](t, e.write(http.MethodDelete, fmt.Sprintf("/api/v1/booking-windows/%d/links", windowID), nil, http.StatusOK))
		if r["revoked"] != float64(1) {
			t.Errorf("revoked %v links, want 1", r["revoked"])
		}
		wantPage(t, e.get(path), http.StatusGone, "Länken har dragits tillbaka")
		wantProblem(t, e.do(req{method: http.MethodDelete, path: "/api/v1/booking-windows/99/links", admin: true}), http.StatusNotFound)
		wantProblem(t, e.do(req{method: http.MethodDelete, path: fmt.Sprintf("/api/v1/booking-windows/%d/links", windowID)}), http.StatusUnauthorized)

		// A person who is not (or no longer) secretary of any of the bodies
		// sees no times.
		other, err := e.store.EnsureWindowLink(ctx, windowID, "ida-broman", until)
		must(t, err)
		none := wantPage(t, e.get("/bokning/"+other.Token), http.StatusOK, "Du är inte sekreterare för något av organen")
		if strings.Contains(none, "Lediga tider") {
			t.Error("the page shows free times to someone who is not secretary of the window's bodies")
		}
	})
}
