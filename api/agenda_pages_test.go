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
	"github.com/samkal/samkal/calendar/sqlstore"
)

// storedAgenda are the titles of the meeting's agenda as members read it.
func storedAgenda(t *testing.T, e *env, meetingID int64) []string {
	t.Helper()
	items, err := e.store.FindAgendaItems(context.Background(), meetingID)
	must(t, err)
	var out []string
	for _, a := range calendar.NumberAccepted(items) {
		out = append(out, a.Title)
	}
	return out
}

// agendaItemNamed is the meeting's item with this title, or fails.
func agendaItemNamed(t *testing.T, e *env, meetingID int64, title string) *calendar.AgendaItem {
	t.Helper()
	items, err := e.store.FindAgendaItems(context.Background(), meetingID)
	must(t, err)
	for _, a := range items {
		if a.Title == title {
			return a
		}
	}
	t.Fatalf("meeting %d has no item %q", meetingID, title)
	return nil
}

// wantSeeOther checks a POST's 303 to the page with a confirmation.
func wantSeeOther(t *testing.T, what string, r *resp, location string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), location) {
		t.Fatalf("%s: %d to %q, want 303 to %s…\n%.600s", what, r.StatusCode, r.Header.Get("Location"), location, r.body)
	}
}

// TestAgendaPages: Maria, secretary of chefsgrupp folkhälsa, builds a
// dagordning without JavaScript: standard items, three items (one with
// sub-points and links), a form with errors, an edit, Flytta upp and ner,
// a delete with its confirmation; she handles three members' proposals
// (one accepted as item 2, one to the backlog, one declined with a note
// the proposer then reads), and takes a backlog topic up on the next
// meeting. Members still see only the accepted items on /moten/{id}; a
// member and a stranger get no further than the rules let them.
func TestAgendaPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		ctx := context.Background()
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
		must(t, err)
		maria := sessionCookie(t, e, "maria-lindborg")
		m := f.folkhalsa[0]
		page := fmt.Sprintf("/mina-organ/moten/%d/dagordning", m.ID)

		r := e.get(page, maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Dagordningen har inga punkter än") || !strings.Contains(r.text(), "Lägg till standardpunkter") {
			t.Fatalf("the empty page: %d\n%s", r.StatusCode, r.body)
		}
		wantSeeOther(t, "standard items", e.postForm(page+"/standard", url.Values{}, maria), page+"?klart=standard")
		r = e.get(page+"?klart=standard", maria)
		if !strings.Contains(r.text(), "Standardpunkterna är tillagda") || strings.Contains(r.text(), "Lägg till standardpunkter") {
			t.Errorf("after the standard items the page still offers them, or does not confirm:\n%s", r.body)
		}

		// Three items, the first with everything.
		wantSeeOther(t, "add A", e.postForm(page, url.Values{"rubrik": {"Generation Pep"}, "typ": {"dialog"}, "foredragande": {"Josefin Sejnelid"},
			"delpunkter": {"Mat och rörelse\n\n  Årlig konferens 19/11  "},
			"lankar":     {"Följeforskning | https://liu.diva-portal.org/pep.pdf\nhttps://www.regionorebrolan.se/pep"}}, maria), page+"?klart=tillagd")
		for _, title := range []string{"Mötestider 2026", "Länsdelarnas rapporter"} {
			wantSeeOther(t, "add "+title, e.postForm(page, url.Values{"rubrik": {title}, "typ": {"beslut"}}, maria), page)
		}
		pep := agendaItemNamed(t, e, m.ID, "Generation Pep")
		if pep.Kind != calendar.AgendaDialog || pep.Presenter != "Josefin Sejnelid" || !slices.Equal(pep.SubPoints, []string{"Mat och rörelse", "Årlig konferens 19/11"}) ||
			len(pep.Links) != 2 || pep.Links[0] != (calendar.AgendaLink{Title: "Följeforskning", URL: "https://liu.diva-portal.org/pep.pdf"}) || pep.Links[1].Title != "" {
			t.Errorf("item A stored as %+v", pep)
		}
		want := []string{"Mötet öppnas", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar",
			"Generation Pep", "Mötestider 2026", "Länsdelarnas rapporter", "Övriga frågor", "Mötet avslutas"}
		if got := storedAgenda(t, e, m.ID); !slices.Equal(got, want) {
			t.Fatalf("agenda %q, want %q", got, want)
		}

		// A form with errors: the Swedish summary linking the fields, and
		// what was typed kept.
		r = e.postForm(page, url.Values{"rubrik": {"  "}, "typ": {"beslut"}, "foredragande": {"Anna Berg"}, "lankar": {"Bilder | ftp://example.se/x"}}, maria)
		for _, w := range []string{`class="error-summary"`, `href="#rubrik"`, "Skriv en rubrik för punkten.", `href="#lankar"`, "Länk 1: skriv hela webbadressen",
			`value="Anna Berg"`, "Bilder | ftp://example.se/x</textarea>", "<title>Fel: Dagordning"} {
			if !strings.Contains(r.text(), w) {
				t.Errorf("the refused form lacks %q", w)
			}
		}
		if r.StatusCode != http.StatusUnprocessableEntity || len(storedAgenda(t, e, m.ID)) != len(want) {
			t.Errorf("the refused form: %d, and the agenda has %d items", r.StatusCode, len(storedAgenda(t, e, m.ID)))
		}

		// Edit the second item.
		tider := agendaItemNamed(t, e, m.ID, "Mötestider 2026")
		edit := fmt.Sprintf("%s/%d/andra", page, tider.ID)
		if r := e.get(edit, maria); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), `value="Mötestider 2026"`) {
			t.Errorf("the edit page: %d\n%s", r.StatusCode, r.body)
		}
		r = e.postForm(edit, url.Values{"rubrik": {""}, "typ": {"beslut"}, "delpunkter": {"Förslag"}}, maria)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `href="#rubrik"`) || !strings.Contains(r.text(), "Förslag</textarea>") {
			t.Errorf("the refused edit: %d\n%s", r.StatusCode, r.body)
		}
		wantSeeOther(t, "edit", e.postForm(edit, url.Values{"rubrik": {"Mötestider 2026 (förslag)"}, "typ": {"beslut"}, "delpunkter": {"Förslag"}}, maria), page+"?klart=andrad")
		if a := agendaItemNamed(t, e, m.ID, "Mötestider 2026 (förslag)"); a.ID != tider.ID || !slices.Equal(a.SubPoints, []string{"Förslag"}) {
			t.Errorf("edited item %+v", a)
		}

		// Reorder: the third item up, then the first down.
		lans := agendaItemNamed(t, e, m.ID, "Länsdelarnas rapporter")
		if !strings.Contains(e.get(page, maria).text(), fmt.Sprintf(`id="upp-%d"`, lans.ID)) {
			t.Errorf("no Flytta upp button for the third item")
		}
		wantSeeOther(t, "up", e.postForm(fmt.Sprintf("%s/%d/flytta", page, lans.ID), url.Values{"riktning": {"upp"}}, maria), page+"?klart=flyttad")
		wantSeeOther(t, "down", e.postForm(fmt.Sprintf("%s/%d/flytta", page, pep.ID), url.Values{"riktning": {"ner"}}, maria), page+"?klart=flyttad")
		want = []string{"Mötet öppnas", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar",
			"Länsdelarnas rapporter", "Generation Pep", "Mötestider 2026 (förslag)", "Övriga frågor", "Mötet avslutas"}
		if got := storedAgenda(t, e, m.ID); !slices.Equal(got, want) {
			t.Errorf("after up and down: %q, want %q", got, want)
		}
		// The first item has no Flytta upp, the last no Flytta ner.
		first := agendaItemNamed(t, e, m.ID, "Mötet öppnas")
		last := agendaItemNamed(t, e, m.ID, "Mötet avslutas")
		if p := e.get(page, maria).text(); strings.Contains(p, fmt.Sprintf(`id="upp-%d"`, first.ID)) || strings.Contains(p, fmt.Sprintf(`id="ner-%d"`, last.ID)) {
			t.Errorf("the first item can move up or the last down")
		}

		// Delete, after a confirmation that changes nothing.
		del := fmt.Sprintf("%s/%d/ta-bort", page, tider.ID)
		if r := e.get(del, maria); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Ta bort punkten?") || !strings.Contains(r.text(), "Ja, ta bort punkten") {
			t.Errorf("the confirmation: %d\n%s", r.StatusCode, r.body)
		}
		if len(storedAgenda(t, e, m.ID)) != len(want) {
			t.Fatalf("opening the confirmation deleted the item")
		}
		wantSeeOther(t, "delete", e.postForm(del, url.Values{}, maria), page+"?klart=borttagen")
		want = slices.DeleteFunc(want, func(s string) bool { return s == "Mötestider 2026 (förslag)" })
		if got := storedAgenda(t, e, m.ID); !slices.Equal(got, want) {
			t.Errorf("after delete: %q, want %q", got, want)
		}

		// Three proposals from Anna Berg through her personal link.
		l := link(t, e, calendar.LinkAgenda, m, "anna-berg", time.Date(2025, 1, 20, 0, 0, 0, 0, calendar.Location))
		for _, title := range []string{"Psykisk hälsa bland unga", "Tema till hösten", "Reklam för en konferens"} {
			if r := e.postForm("/anmalan/"+l.Token, url.Values{"rubrik": {title}, "typ": {"information"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("proposal %q: %d", title, r.StatusCode)
			}
		}
		r = e.get(page, maria)
		for _, w := range []string{"Förslag från medlemmar", "Psykisk hälsa bland unga", "Föreslagen av Anna Berg", "Som punkt 2, före ”Fastställande av dagordning”"} {
			if !strings.Contains(r.text(), w) {
				t.Errorf("the page with proposals lacks %q", w)
			}
		}
		public := e.get(fmt.Sprintf("/moten/%d", m.ID)).text()
		if strings.Contains(public, "Psykisk hälsa") || strings.Contains(public, "Anna Berg") || !strings.Contains(public, "Generation Pep") {
			t.Errorf("the members' page shows a proposal or lacks an accepted item")
		}

		// Accept the first as item 2.
		psyk := agendaItemNamed(t, e, m.ID, "Psykisk hälsa bland unga")
		wantSeeOther(t, "accept", e.postForm(fmt.Sprintf("%s/%d/ta-med", page, psyk.ID), url.Values{"plats": {"2"}}, maria), page+"?klart=tagen")
		if got := storedAgenda(t, e, m.ID); len(got) < 2 || got[1] != "Psykisk hälsa bland unga" {
			t.Errorf("after accepting into place 2: %q", got)
		}
		if !strings.Contains(e.get(fmt.Sprintf("/moten/%d", m.ID)).text(), "Psykisk hälsa bland unga") {
			t.Errorf("the accepted proposal is not on the members' page")
		}
		if r := e.postForm(fmt.Sprintf("%s/%d/ta-med", page, agendaItemNamed(t, e, m.ID, "Tema till hösten").ID), url.Values{"plats": {"99"}}, maria); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.text(), "Välj var på dagordningen förslaget ska stå.") {
			t.Errorf("accepting into a place that does not exist: %d", r.StatusCode)
		}

		// The second to the backlog.
		tema := agendaItemNamed(t, e, m.ID, "Tema till hösten")
		wantSeeOther(t, "to backlog", e.postForm(fmt.Sprintf("%s/%d/till-backloggen", page, tema.ID), url.Values{}, maria), page+"?klart=backlogg")
		if _, err := e.store.FindAgendaItemByID(ctx, tema.ID); !calendar.IsNotFound(err) {
			t.Errorf("the proposal moved to the backlog is still there: %v", err)
		}
		backlog, err := e.store.FindBacklogItems(ctx, "chefsgrupp-folkhalsa")
		must(t, err)
		if len(backlog) != 1 || backlog[0].Title != "Tema till hösten" || !strings.Contains(backlog[0].Notes, "Föreslagen av Anna Berg") {
			t.Fatalf("backlog %+v", backlog)
		}

		// The third declined: first without a note, then with one.
		reklam := agendaItemNamed(t, e, m.ID, "Reklam för en konferens")
		decline := fmt.Sprintf("%s/%d/avsla", page, reklam.ID)
		if r := e.get(decline, maria); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Besked till den som föreslog punkten") {
			t.Errorf("the decline page: %d", r.StatusCode)
		}
		if r := e.postForm(decline, url.Values{"motivering": {" "}}, maria); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `href="#motivering"`) {
			t.Errorf("declining without a note: %d", r.StatusCode)
		}
		wantSeeOther(t, "decline", e.postForm(decline, url.Values{"motivering": {"Hör hemma i nyhetsbrevet."}}, maria), page+"?klart=avslagen")
		reklam = agendaItemNamed(t, e, m.ID, "Reklam för en konferens")
		if reklam.Status != calendar.AgendaDeclined || reklam.DeclineNote != "Hör hemma i nyhetsbrevet." {
			t.Errorf("declined item %+v", reklam)
		}
		if p := e.get(page, maria).text(); !strings.Contains(p, "Inga förslag väntar på dig.") || strings.Contains(p, "Reklam för en konferens") {
			t.Errorf("the page after handling every proposal:\n%s", p)
		}
		if p := e.get("/anmalan/" + l.Token).text(); !strings.Contains(p, "Sekreterarens besked: Hör hemma i nyhetsbrevet.") || !strings.Contains(p, "Med på dagordningen.") {
			t.Errorf("the proposer's page does not tell what became of the proposals:\n%s", p)
		}
		if slices.Contains(storedAgenda(t, e, m.ID), "Reklam för en konferens") {
			t.Errorf("a declined proposal is on the agenda")
		}

		// The backlog: a wrong form, a new topic, one taken up on the next
		// meeting, one removed.
		bl := "/mina-organ/chefsgrupp-folkhalsa/backlogg"
		r = e.get(bl, maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Tema till hösten") || !strings.Contains(r.text(), "torsdag 20 mars 2025") {
			t.Errorf("the backlog page: %d\n%s", r.StatusCode, r.body)
		}
		r = e.postForm(bl, url.Values{"rubrik": {""}, "anteckningar": {"Bjud in elevhälsan"}}, maria)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `href="#rubrik"`) || !strings.Contains(r.text(), "Bjud in elevhälsan</textarea>") {
			t.Errorf("the refused backlog form: %d\n%s", r.StatusCode, r.body)
		}
		wantSeeOther(t, "add topic", e.postForm(bl, url.Values{"rubrik": {"Skolfrånvaro"}, "anteckningar": {"Bjud in elevhälsan"}}, maria), bl+"?klart=bpost")
		backlog, err = e.store.FindBacklogItems(ctx, "chefsgrupp-folkhalsa")
		must(t, err)
		if len(backlog) != 2 {
			t.Fatalf("backlog %+v", backlog)
		}
		next := f.folkhalsa[1]
		r = e.postForm(fmt.Sprintf("%s/%d/ta-upp", bl, backlog[1].ID), url.Values{"mote": {fmt.Sprint(next.ID)}}, maria)
		wantSeeOther(t, "take up", r, fmt.Sprintf("/mina-organ/moten/%d/dagordning?klart=upptagen", next.ID))
		if a := agendaItemNamed(t, e, next.ID, "Skolfrånvaro"); a.Status != calendar.AgendaAccepted || !slices.Equal(a.SubPoints, []string{"Bjud in elevhälsan"}) {
			t.Errorf("the topic taken up: %+v", a)
		}
		if r := e.postForm(fmt.Sprintf("%s/%d/ta-upp", bl, backlog[0].ID), url.Values{"mote": {fmt.Sprint(f.restricted.ID)}}, maria); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("taking a topic up on another body's meeting: %d", r.StatusCode)
		}
		wantSeeOther(t, "remove topic", e.postForm(fmt.Sprintf("%s/%d/ta-bort", bl, backlog[0].ID), url.Values{}, maria), bl+"?klart=bborttagen")
		if backlog, err = e.store.FindBacklogItems(ctx, "chefsgrupp-folkhalsa"); err != nil || len(backlog) != 0 {
			t.Errorf("backlog after: %+v %v", backlog, err)
		}

		// Who may: Anna, a member, is refused with the Swedish page and
		// changes nothing; a stranger is sent to sign in; an item of
		// another meeting is not found under this one.
		anna := sessionCookie(t, e, "anna-berg")
		before := storedAgenda(t, e, m.ID)
		if r := e.get(page, anna); r.StatusCode != http.StatusForbidden || !strings.Contains(r.text(), "Du saknar behörighet") {
			t.Errorf("a member's GET: %d", r.StatusCode)
		}
		if r := e.postForm(page, url.Values{"rubrik": {"Smyg"}, "typ": {"information"}}, anna); r.StatusCode != http.StatusForbidden {
			t.Errorf("a member's POST: %d", r.StatusCode)
		}
		if got := storedAgenda(t, e, m.ID); !slices.Equal(got, before) {
			t.Errorf("a refused POST changed the agenda: %q", got)
		}
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if r := e.get(page); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in?next=") {
			t.Errorf("a stranger: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.get(fmt.Sprintf("/mina-organ/moten/%d/dagordning/%d/andra", next.ID, pep.ID), maria); r.StatusCode != http.StatusNotFound {
			t.Errorf("another meeting's item: %d", r.StatusCode)
		}
	})
}
