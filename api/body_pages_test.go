package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// membershipsOf returns the body's memberships of the person.
func membershipsOf(t *testing.T, e *env, body, person string) []*calendar.Membership {
	t.Helper()
	ms, err := e.store.FindMemberships(context.Background(), calendar.MembershipFilter{Body: &body, Person: &person})
	must(t, err)
	return ms
}

// TestMemberPages: Maria, secretary of arbetsgrupp uppföljningsdag (by her
// membership), adds an existing person and a new one, changes a role and
// period, ends and removes memberships; the sekreterare role makes Anna
// the body's secretary, so her Mina organ lists it; errors are in Swedish
// with the input kept; a secretary of another body gets 403.
func TestMemberPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e) // Maria keeps chefsgrupp folkhälsa too
		maria := sessionCookie(t, e, "maria-lindborg")
		const body = "arbetsgrupp-uppfoljningsdag"
		page := "/mina-organ/" + body + "/medlemmar"

		r := e.get(page, maria)
		wantIn(t, "members", r, http.StatusOK, "<h3>Sekreterare</h3>", "<h3>Ledamot</h3>", "Maria Lindborg", "Region Örebro län",
			"Anna Berg", "Kumla kommun", `href="mailto:`, "från 1 januari 2024 tills vidare", `name="person"`, `<option value="">Ny person</option>`)
		wantIn(t, "links from Mina organ", e.get("/mina-organ", maria), http.StatusOK, `href="/mina-organ/`+body+`/medlemmar"`, `href="/mina-organ/`+body+`/installningar"`)
		wantIn(t, "links from the årsplan", e.get("/mina-organ/"+body, maria), http.StatusOK, `href="/mina-organ/`+body+`/medlemmar"`, `href="/mina-organ/`+body+`/installningar"`)

		// Errors, in Swedish, with the input kept.
		r = e.postForm(page, url.Values{"person": {""}, "namn": {"Lena Ek"}, "epost": {"lena@"}, "organisation": {"kumla"}, "roll": {"ledamot"}, "fran": {"1/1 2026"}}, maria)
		wantIn(t, "refused", r, http.StatusUnprocessableEntity, "<title>Fel: Medlemmar", `class="error-summary"`, `href="#epost"`, "Skriv en e-postadress",
			`href="#fran"`, "till exempel 2026-01-01", `value="Lena Ek"`, `value="lena@"`, `value="1/1 2026"`, `<option value="kumla" selected>`)
		r = e.postForm(page, url.Values{"person": {""}, "roll": {"ledamot"}, "fran": {"2026-02-01"}, "till": {"2026-01-01"}}, maria)
		wantIn(t, "refused 2", r, http.StatusUnprocessableEntity, `href="#namn"`, `href="#till"`, "Sista dagen kan inte vara före första dagen.")

		r = e.postForm(page, url.Values{"person": {""}, "namn": {"Anna B"}, "epost": {"ANNA.BERG@kumla.se"}, "roll": {"ledamot"}}, maria)
		wantIn(t, "the same address", r, http.StatusUnprocessableEntity, "Anna Berg har redan den e-postadressen.", `value="Anna B"`)

		// A new person and their membership, in one go.
		r = e.postFollow(page, url.Values{"person": {""}, "namn": {"Lena Ek"}, "epost": {"lena.ek@kumla.se"}, "organisation": {"kumla"}, "roll": {"ersattare"}, "fran": {"2025-02-01"}}, maria)
		wantIn(t, "created", r, http.StatusOK, "Medlemmen är tillagd.", "<h3>Ersättare</h3>", "Lena Ek", "lena.ek@kumla.se", "från 1 februari 2025 tills vidare")
		lena, err := e.store.FindPersonByKey(context.Background(), "lena-ek")
		must(t, err)
		if lena.Email != "lena.ek@kumla.se" || lena.Organisation != "kumla" {
			t.Errorf("Lena stored as %+v", lena)
		}
		if ms := membershipsOf(t, e, body, "lena-ek"); len(ms) != 1 || ms[0].Role != calendar.RoleSubstitute || ms[0].From != (calendar.Date{Year: 2025, Month: 2, Day: 1}) {
			t.Errorf("Lena's memberships %+v", ms)
		}
		// An existing person: Anna becomes secretary too, and then keeps the body.
		wantIn(t, "Anna before", e.get("/mina-organ", sessionCookie(t, e, "anna-berg")), http.StatusOK, "Du är inte sekreterare för något organ")
		wantSeeOther(t, "add Anna", e.postForm(page, url.Values{"person": {"anna-berg"}, "roll": {"sekreterare"}, "fran": {"2025-01-01"}, "till": {"2025-12-31"}}, maria), page+"?klart=tillagd")
		wantIn(t, "Anna after", e.get("/mina-organ", sessionCookie(t, e, "anna-berg")), http.StatusOK, "Arbetsgrupp uppföljningsdag", "Nytt möte")
		// The same again is refused in words.
		r = e.postForm(page, url.Values{"person": {"anna-berg"}, "roll": {"sekreterare"}, "fran": {"2025-01-01"}}, maria)
		wantIn(t, "twice", r, http.StatusUnprocessableEntity, "Anna Berg har redan den rollen i organet från samma dag.")

		// Change Lena's role and period.
		m := membershipsOf(t, e, body, "lena-ek")[0]
		edit := page + "/" + strconv.FormatInt(m.ID, 10) + "/andra"
		wantIn(t, "edit page", e.get(edit, maria), http.StatusOK, `<option value="ersattare" selected>`, `value="2025-02-01"`, "Spara", "Avbryt")
		r = e.postForm(edit, url.Values{"roll": {"ledamot"}, "fran": {"2025-02-01"}, "till": {"31 dec"}}, maria)
		wantIn(t, "edit refused", r, http.StatusUnprocessableEntity, `href="#till"`, `value="31 dec"`)
		wantSeeOther(t, "edit", e.postForm(edit, url.Values{"roll": {"ledamot"}, "fran": {"2025-03-01"}, "till": {"2026-12-31"}}, maria), page+"?klart=andrad")
		if m2 := membershipsOf(t, e, body, "lena-ek")[0]; m2.Role != calendar.RoleMember || m2.From.String() != "2025-03-01" || m2.Until.String() != "2026-12-31" {
			t.Errorf("edited %+v", m2)
		}
		wantIn(t, "after edit", e.get(page, maria), http.StatusOK, "1 mars 2025–31 december 2026")

		// End Anna's ledamot membership today; remove Lena's (she has not started).
		anna := membershipsOf(t, e, body, "anna-berg")
		var ledamot *calendar.Membership
		for _, x := range anna {
			if x.Role == calendar.RoleMember {
				ledamot = x
			}
		}
		end := page + "/" + strconv.FormatInt(ledamot.ID, 10) + "/avsluta"
		wantIn(t, "end page", e.get(end, maria), http.StatusOK, "Avsluta medlemskapet", "10 januari 2025", "Ta bort medlemskapet")
		wantSeeOther(t, "end", e.postForm(end, url.Values{}, maria), page+"?klart=avslutad")
		if x, err := e.store.FindMembershipByID(context.Background(), ledamot.ID); err != nil || x.Until.String() != "2025-01-10" {
			t.Errorf("ended: %+v %v", x, err)
		}
		lenaEnd := page + "/" + strconv.FormatInt(m.ID, 10) + "/avsluta"
		r = e.get(lenaEnd, maria)
		if r.StatusCode != http.StatusOK || strings.Contains(r.text(), `id="avsluta"`) {
			t.Errorf("a membership that has not begun offers ending: %d", r.StatusCode)
		}
		wantSeeOther(t, "remove", e.postForm(page+"/"+strconv.FormatInt(m.ID, 10)+"/ta-bort", url.Values{}, maria), page+"?klart=borttagen")
		if ms := membershipsOf(t, e, body, "lena-ek"); len(ms) != 0 {
			t.Errorf("removed, still %+v", ms)
		}

		// A membership of another body through this body's path: not found.
		other := membershipsOf(t, e, "chefsgrupp-folkhalsa", "maria-lindborg")[0]
		if r := e.get(page+"/"+strconv.FormatInt(other.ID, 10)+"/andra", maria); r.StatusCode != http.StatusNotFound {
			t.Errorf("another body's membership: %d", r.StatusCode)
		}
		// A secretary of another body: 403 on the page and on the POSTs.
		lenaCookie := sessionCookie(t, e, "anna-berg") // Anna now keeps the working group only
		wantIn(t, "other secretary", e.get("/mina-organ/chefsgrupp-folkhalsa/medlemmar", lenaCookie), http.StatusForbidden, "Du saknar behörighet")
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/medlemmar", url.Values{"person": {"anna-berg"}, "roll": {"ledamot"}}, lenaCookie)
		wantIn(t, "other secretary POST", r, http.StatusForbidden, "Du saknar behörighet")
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/installningar", url.Values{"namn": {"X"}}, lenaCookie)
		wantIn(t, "other secretary settings", r, http.StatusForbidden, "Du saknar behörighet")
	})
}

// TestSettingsPage: name, description, justering and the email timings
// saved and read back through the API; errors in Swedish with the input
// kept.
func TestSettingsPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		page := "/mina-organ/chefsgrupp-folkhalsa/installningar"
		wantIn(t, "settings", e.get(page, maria), http.StatusOK, `value="Chefsgrupp folkhälsa"`, "Standard: 14 dagar före mötet.",
			"Standard: 7 dagar före mötet.", "Standard: 5 dagar före mötet.", "Protokollen ska justeras",
			"Punkter i början av varje möte", ">Mötet öppnas\nFastställande av dagordning\nFöregående mötes protokoll/minnesanteckningar</textarea>",
			">Övriga frågor\nMötet avslutas</textarea>", "Återställ standardpunkterna")

		r := e.postForm(page, url.Values{"namn": {" "}, "inbjudan": {"tre"}, "sista-dag": {"9"}, "kallelse": {"400"}, "beskrivning": {"Kvar"}}, maria)
		wantIn(t, "refused", r, http.StatusUnprocessableEntity, "<title>Fel: Inställningar", `href="#namn"`, "Fyll i organets namn.",
			`href="#inbjudan"`, `href="#kallelse"`, "från 0 till 365", `value="tre"`, `value="400"`, "Kvar</textarea>")
		r = e.postForm(page, url.Values{"namn": {"Chefsgrupp folkhälsa"}, "inbjudan": {"10"}, "sista-dag": {"12"}}, maria)
		wantIn(t, "deadline before the call", r, http.StatusUnprocessableEntity, `href="#sista-dag"`, "måste komma efter inbjudan")

		r = e.postFollow(page, url.Values{"namn": {"Chefsgrupp folkhälsa och hälsa"}, "beskrivning": {"Chefer inom folkhälsa."}, "justering": {"ja"},
			"inbjudan": {"21"}, "sista-dag": {""}, "kallelse": {"0"}}, maria)
		wantIn(t, "saved", r, http.StatusOK, "Inställningarna är sparade.", `value="Chefsgrupp folkhälsa och hälsa"`, `value="21"`, `value="0"`, "checked")
		got := decode[object](t, e.do(req{method: http.MethodGet, path: "/api/v1/bodies/chefsgrupp-folkhalsa", admin: true}))
		n, _ := got["notify"].(map[string]any)
		if got["name"] != "Chefsgrupp folkhälsa och hälsa" || got["description"] != "Chefer inom folkhälsa." || got["minutes_need_approval"] != true ||
			n["call_days"] != 21.0 || n["call_deadline_days"] != nil || n["notice_days"] != 0.0 {
			t.Errorf("read back through the API: %v", got)
		}
		// Saving the page as shown (the defaults, now with justering) keeps
		// the defaults: the body has no list of its own.
		if got["standard_opening"] != nil || got["standard_closing"] != nil {
			t.Errorf("standard items after saving the defaults: %v, %v", got["standard_opening"], got["standard_closing"])
		}

		// The body's own standard items.
		form := url.Values{"namn": {"Chefsgrupp folkhälsa"}, "standard-borjan": {"Mötet öppnas\r\n\r\n  Närvaro och jäv \r\nMötet öppnas"},
			"standard-slutet": {strings.Repeat("Punkt\n", 16)}}
		r = e.postForm(page, form, maria)
		wantIn(t, "standard items refused", r, http.StatusUnprocessableEntity, `href="#standard-borjan"`, "Punkten ”Mötet öppnas” står två gånger i början.",
			`href="#standard-slutet"`, "Skriv högst 15 punkter i slutet; nu är de 16.", `aria-invalid="true"`)
		form.Set("standard-borjan", "Mötet öppnas\r\n\r\n  Närvaro och jäv \r\n")
		form.Set("standard-slutet", "Nästa möte\nAvslutning")
		r = e.postFollow(page, form, maria)
		wantIn(t, "own standard items saved", r, http.StatusOK, "Inställningarna är sparade.", ">Mötet öppnas\nNärvaro och jäv</textarea>",
			">Nästa möte\nAvslutning</textarea>")
		got = decode[object](t, e.do(req{method: http.MethodGet, path: "/api/v1/bodies/chefsgrupp-folkhalsa", admin: true}))
		if fmt.Sprint(got["standard_opening"]) != "[Mötet öppnas Närvaro och jäv]" || fmt.Sprint(got["standard_closing"]) != "[Nästa möte Avslutning]" {
			t.Errorf("standard items through the API: %v, %v", got["standard_opening"], got["standard_closing"])
		}
		// "Lägg till standardpunkter" on the dagordning adds them.
		agenda := fmt.Sprintf("/mina-organ/moten/%d/dagordning", f.folkhalsa[0].ID)
		wantSeeOther(t, "standard items", e.postForm(agenda+"/standard", url.Values{}, maria), agenda+"?klart=standard")
		items, err := e.store.FindAgendaItems(context.Background(), f.folkhalsa[0].ID)
		must(t, err)
		var titles []string
		for _, a := range items {
			titles = append(titles, a.Title)
		}
		if want := []string{"Mötet öppnas", "Närvaro och jäv", "Nästa möte", "Avslutning"}; !slices.Equal(titles, want) {
			t.Errorf("the dagordning after Lägg till standardpunkter: %q, want %q", titles, want)
		}
		wantIn(t, "dagordning", e.get(agenda, maria), http.StatusOK, "Närvaro och jäv", "Nästa möte")

		// Återställ standardpunkterna: back to the defaults (with justering).
		r = e.postFollow(page, url.Values{"namn": {"Chefsgrupp folkhälsa"}, "justering": {"ja"}, "standard-aterstall": {"ja"},
			"standard-borjan": {"Ignoreras"}, "standard-slutet": {""}}, maria)
		wantIn(t, "reset", r, http.StatusOK, "Inställningarna är sparade.", ">Mötet öppnas\nVal av justerare\nFastställande av dagordning")
		got = decode[object](t, e.do(req{method: http.MethodGet, path: "/api/v1/bodies/chefsgrupp-folkhalsa", admin: true}))
		if got["standard_opening"] != nil || got["standard_closing"] != nil {
			t.Errorf("standard items after the reset: %v, %v", got["standard_opening"], got["standard_closing"])
		}
	})
}
