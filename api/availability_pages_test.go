package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestAvailabilityPages: while a booking window is open, those who must
// attend it answer which half days they cannot do, signed in from Mina
// möten or through the booking email's personal link; saving replaces the
// answer, an empty answer counts, a forged value saves nothing; the
// secretary's window page shows who has answered and who cannot when,
// and the plan keeps off those half days; nobody else sees the page, and
// after the deadline it takes no answers.
func TestAvailabilityPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		seed(t, e)
		ctx := context.Background()
		x := bookingWeeks(t, e) // Tue and Wed of v 37–38 2025, 09–12: mornings only
		must(t, e.store.CreatePerson(ctx, &calendar.Person{Key: "ida-broman", Name: "Ida Broman"}))
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "anna-berg", Role: calendar.AccessAdmin})
		must(t, err)
		maria, anna, ida := sessionCookie(t, e, "maria-lindborg"), sessionCookie(t, e, "anna-berg"), sessionCookie(t, e, "ida-broman")
		page := fmt.Sprintf("/mina-moten/kan-inte/%d", x.ID)

		// Before anyone answers, the plan puts a meeting on Tuesday 9
		// September (the page's plan is cached until the data changes).
		wantIn(t, "window page before", e.get(fmt.Sprintf("/mina-organ/bokning/%d", x.ID), anna), http.StatusOK,
			"0 av 2 som ska vara med har svarat.", "Har inte svarat: Anna Berg och Maria Lindborg.", "<p>tisdag 9 september 2025 ")
		if r := e.get(page); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger: %d %s, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}
		for _, p := range []string{page, "/mina-moten/kan-inte/999", "/mina-moten/kan-inte/x"} {
			if r := e.get(p, ida); r.StatusCode != http.StatusNotFound || strings.Contains(r.text(), x.Name) {
				t.Errorf("GET %s by someone who need not attend: %d, want 404 without the window", p, r.StatusCode)
			}
		}
		if r := e.postForm(page, url.Values{"kan-inte": {"2025-09-09 fm"}}, ida); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST by someone who need not attend: %d, want 404", r.StatusCode)
		}
		wantIn(t, "mina möten", e.get("/mina-moten", maria), http.StatusOK, "Bokningsveckor: dagar du inte kan",
			fmt.Sprintf(`<a href="%s" id="bokningsveckor-%d">Chefsgruppernas höstmöten</a>, v 37 och 38 2025, svara senast fredag 13 juni 2025 <span class="status proposed">Inte svarat</span>`, page, x.ID))
		if r := e.get("/mina-moten", ida); strings.Contains(r.text(), "Bokningsveckor") {
			t.Error("Mina möten shows the window to someone who need not attend")
		}

		r := e.get(page, maria)
		wantIn(t, "the page", r, http.StatusOK, "<h1>Dagar du inte kan: Chefsgruppernas höstmöten</h1>",
			"Mötena för Chefsgrupp folkhälsa och Skolchefsgruppen ska läggas v 37 och 38 2025. Svara senast fredag 13 juni 2025.",
			"Du har inte svarat än.", "förmiddag är före 12.00)", "<legend>tisdag 9 september 2025, v 37</legend>",
			"<legend>onsdag 17 september 2025, v 38</legend>",
			`<input id="kan-inte-2025-09-09-fm" name="kan-inte" type="checkbox" value="2025-09-09 fm"> <label for="kan-inte-2025-09-09-fm">Kan inte förmiddag</label>`)
		if n := strings.Count(r.text(), "<legend>"); n != 4 {
			t.Errorf("%d days, want 4 (Tue and Wed of two weeks)", n)
		}
		if strings.Contains(r.text(), "Kan inte eftermiddag") {
			t.Error("the page asks about afternoons, which the window's hours (09–12) do not touch")
		}

		// A value the page does not offer saves nothing.
		r = e.postForm(page, url.Values{"kan-inte": {"2025-09-09 fm", "2025-09-09 em"}}, maria)
		wantIn(t, "forged", r, http.StatusUnprocessableEntity, "<title>Fel: ", `<a href="#kan-inte-2025-09-09-fm">Kryssa bara för dagar som finns på sidan.`)
		if _, err := e.store.FindAvailability(ctx, x.ID, "maria-lindborg"); calendar.ErrorCode(err) != calendar.ENOTFOUND {
			t.Fatalf("a forged answer was saved: %v", err)
		}

		r = e.postForm(page, url.Values{"kan-inte": {"2025-09-09 fm", "2025-09-16 fm"}}, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"?klart=sparat" {
			t.Fatalf("saving: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		wantIn(t, "saved", e.get(page+"?klart=sparat", maria), http.StatusOK, "Tack! Ditt svar är sparat.",
			"Du svarade fredag 10 januari 2025 kl. 09.00 och kan inte 2 halvdagar.",
			`value="2025-09-09 fm" checked>`, `value="2025-09-16 fm" checked>`, `value="2025-09-10 fm">`)
		// Saving again replaces the answer.
		e.postForm(page, url.Values{"kan-inte": {"2025-09-09 fm"}}, maria)
		a, err := e.store.FindAvailability(ctx, x.ID, "maria-lindborg")
		must(t, err)
		if len(a.CannotDo) != 1 || a.CannotDo[0].Day.String() != "2025-09-09" {
			t.Errorf("after saving again: %+v, want only 9 September", a.CannotDo)
		}
		// Anna Berg can do every day: an empty answer is an answer.
		if r := e.postForm(page, url.Values{}, anna); r.StatusCode != http.StatusSeeOther {
			t.Errorf("an empty answer: %d, want 303", r.StatusCode)
		}
		wantIn(t, "mina möten after", e.get("/mina-moten", maria), http.StatusOK, `<span class="status confirmed">Du har svarat</span>`)

		// The secretary's window page: who has answered, who cannot when;
		// the plan keeps off Maria's morning.
		w := e.get(fmt.Sprintf("/mina-organ/bokning/%d", x.ID), anna)
		wantIn(t, "window page", w, http.StatusOK, "<h2 id=\"svar\">Dagar deltagarna inte kan</h2>", "2 av 2 som ska vara med har svarat.",
			"<li>tisdag 9 september 2025 förmiddag: Maria Lindborg kan inte</li>")
		if strings.Contains(w.text(), "Har inte svarat") {
			t.Error("the window page says someone has not answered")
		}
		if strings.Contains(w.text(), "<p>tisdag 9 september 2025 ") {
			t.Errorf("a proposal on 9 September, which Maria Lindborg cannot do:\n%s", w.body)
		}

		// Through the booking email's link.
		until := calendar.Date{Year: 2025, Month: time.September, Day: 22}.Start()
		l, err := e.store.EnsureWindowLink(ctx, x.ID, "maria-lindborg", until)
		must(t, err)
		wantPage(t, e.get("/bokning/"+l.Token), http.StatusOK, fmt.Sprintf(`<a href="/bokning/%s/kan-inte" id="kan-inte">Säg vilka dagar du inte kan</a>`, l.Token))
		wantPage(t, e.get("/bokning/"+l.Token+"/kan-inte"), http.StatusOK, `value="2025-09-09 fm" checked>`, "Boka möten: Chefsgruppernas höstmöten</a>")
		r = e.postForm("/bokning/"+l.Token+"/kan-inte", url.Values{"kan-inte": {"2025-09-17 fm"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/bokning/"+l.Token+"/kan-inte?klart=sparat" {
			t.Fatalf("saving through the link: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		a, err = e.store.FindAvailability(ctx, x.ID, "maria-lindborg")
		must(t, err)
		if len(a.CannotDo) != 1 || a.CannotDo[0].Day.String() != "2025-09-17" {
			t.Errorf("after saving through the link: %+v, want only 17 September", a.CannotDo)
		}
		idaLink, err := e.store.EnsureWindowLink(ctx, x.ID, "ida-broman", until)
		must(t, err)
		none := wantPage(t, e.get("/bokning/"+idaLink.Token+"/kan-inte"), http.StatusOK, "Du behöver inte svara")
		if strings.Contains(none, "<form") || strings.Contains(e.get("/bokning/"+idaLink.Token).text(), "/kan-inte") {
			t.Error("someone who need not attend is offered the form")
		}
		wantPage(t, e.get("/bokning/"+strings.Repeat("A", 43)+"/kan-inte"), http.StatusNotFound, "Länken finns inte")

		// After the deadline: no more answers; the window page says so.
		e.clock.Set(calendar.Date{Year: 2025, Month: time.June, Day: 14}.At(9, 0))
		maria, anna = sessionCookie(t, e, "maria-lindborg"), sessionCookie(t, e, "anna-berg")
		wantIn(t, "closed", e.get(page, maria), http.StatusGone, "Tiden för att svara har gått ut")
		if r := e.postForm(page, url.Values{}, maria); r.StatusCode != http.StatusGone {
			t.Errorf("POST after the deadline: %d, want 410", r.StatusCode)
		}
		if strings.Contains(e.get("/mina-moten", maria).text(), "Bokningsveckor: dagar du inte kan") {
			t.Error("Mina möten lists a closed window")
		}
		wantIn(t, "window page closed", e.get(fmt.Sprintf("/mina-organ/bokning/%d", x.ID), anna), http.StatusOK,
			"2 av 2 som ska vara med har svarat; bokningsveckorna tar inte emot svar längre.")
	})
}

// FuzzAvailabilityForm posts "kan inte" values: the answer is saved (303)
// with only half days the page offers, or refused (422) with nothing
// saved; never anything else.
func FuzzAvailabilityForm(f *testing.F) {
	for _, s := range []string{"2025-09-09 fm", "2025-09-09 em", "2025-09-08 fm", "2025-09-09", "2025-09-09  fm", "2025-13-40 fm",
		" fm", "", "2025-09-09 fm\x00", "2025-09-09 FM", "2025-09-09 fm 2025-09-10 fm", "\xff\xfe"} {
		f.Add(s, "2025-09-17 fm")
	}
	e := newEnv(f, nil, func(o *api.Options) { o.RateLimits.Writes = api.Rate{Burst: 1 << 30, Every: time.Nanosecond} })
	seed(f, e)
	x := bookingWeeks(f, e)
	maria := sessionOf(f, e, "maria-lindborg")
	path := fmt.Sprintf("/mina-moten/kan-inte/%d", x.ID)
	offered := map[string]bool{}
	for _, d := range []string{"2025-09-09", "2025-09-10", "2025-09-16", "2025-09-17"} {
		offered[d+" fm"] = true
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		e.t = t
		before, _ := e.store.FindAvailability(context.Background(), x.ID, "maria-lindborg")
		r := e.postForm(path, url.Values{"kan-inte": {a, b}}, maria)
		after, _ := e.store.FindAvailability(context.Background(), x.ID, "maria-lindborg")
		switch r.StatusCode {
		case http.StatusSeeOther:
			if !offered[a] || !offered[b] {
				t.Errorf("%q and %q saved, but the page offers only %v", a, b, offered)
			}
			if after == nil || len(after.CannotDo) == 0 || len(after.CannotDo) > 2 {
				t.Errorf("%q and %q saved as %+v", a, b, after)
			}
		case http.StatusUnprocessableEntity:
			if offered[a] && offered[b] {
				t.Errorf("%q and %q refused", a, b)
			}
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Errorf("%q and %q refused, but the answer changed from %+v to %+v", a, b, before, after)
			}
		default:
			t.Fatalf("%q and %q: %d, want 303 or 422; body %.500s", a, b, r.StatusCode, r.body)
		}
	})
}
