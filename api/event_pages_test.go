package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestCommonEventPages: an admin lists the year's events of no body, makes
// a two-day conference of one organisation, changes a follow-up day from a
// whole day to a morning, and cancels it with a message that its page
// shows – all from pages, in Swedish errors where the form is wrong. A
// secretary does not get in; the feeds carry what was made.
func TestCommonEventPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		ctx := context.Background()
		makeAdmin(t, e)
		makeSecretary(t, e)
		ida, maria := sessionCookie(t, e, "ida-admin"), sessionCookie(t, e, "maria-lindborg")

		wantIn(t, "a secretary", e.get("/administration/handelser", maria), http.StatusForbidden, "Du saknar behörighet")
		wantIn(t, "a secretary posts", e.postForm("/administration/handelser/ny", url.Values{"titel": {"X"}}, maria), http.StatusForbidden)
		wantIn(t, "roles link", e.get("/administration/roller", ida), http.StatusOK, `href="/administration/handelser"`)

		r := e.get("/administration/handelser?ar=2025", ida)
		wantIn(t, "list", r, http.StatusOK, "Gemensamma händelser 2025", "Uppföljningsdag", "fredag 14 mars 2025, heldag", "Alla",
			fmt.Sprintf(`href="/mina-organ/moten/%d"`, f.followUp.ID), `href="/administration/handelser/ny"`)
		if strings.Contains(r.text(), "Avstämning inför uppföljningsdagen") {
			t.Errorf("the list shows a meeting of bodies")
		}
		wantIn(t, "form", e.get("/administration/handelser/ny", ida), http.StatusOK, "Ny gemensam händelse", `value="heldag" checked`,
			`<option value="" selected>Alla</option>`, `<option value="kumla">Kumla kommun</option>`, `name="sista"`)

		// Wrong: no title, a last day before the first, an organisation
		// that does not exist. Nothing is saved.
		bad := url.Values{"titel": {""}, "datum": {"2025-11-19"}, "sista": {"2025-11-18"}, "tid": {"heldag"}, "organisation": {"nope"},
			"status": {"confirmed"}, "lokal": {""}}
		r = e.postForm("/administration/handelser/ny", bad, ida)
		wantIn(t, "wrong", r, http.StatusUnprocessableEntity, "<title>Fel: Ny gemensam händelse", "Händelsen är inte sparad än",
			`href="#titel"`, "Skriv vad händelsen heter", `href="#sista"`, "Sista dagen kan inte vara före första dagen",
			`href="#organisation"`, "Välj en organisation i listan", `value="2025-11-18"`)
		bad.Set("tid", "klockslag")
		bad.Set("titel", "Konferens")
		bad.Set("sista", "2025-11-20")
		bad.Set("organisation", "")
		wantIn(t, "last day with a clock", e.postForm("/administration/handelser/ny", bad, ida), http.StatusUnprocessableEntity,
			"Sista dagen gäller bara en händelse som pågår hela dagar", "Skriv när händelsen börjar")

		// A two-day conference of Kumla.
		conf := url.Values{"titel": {"Länskonferens folkhälsa"}, "datum": {"2025-11-19"}, "sista": {"2025-11-20"}, "tid": {"heldag"},
			"organisation": {"kumla"}, "status": {"confirmed"}, "lokal": {""}, "plats": {"Conventum, Örebro"}, "start": {"09.00"}}
		r = e.postFollow("/administration/handelser/ny", conf, ida)
		wantIn(t, "created", r, http.StatusOK, "Händelsen är skapad.", "onsdag 19 november 2025 – torsdag 20 november 2025, heldagar",
			"<dt>Gäller</dt><dd>Kumla kommun</dd>", "Ändra eller flytta händelsen", "Ställ in händelsen", `href="/administration/handelser?ar=2025">Gemensamma händelser`)
		if strings.Contains(r.text(), "/dagordning") || strings.Contains(r.text(), "/utskick") {
			t.Errorf("an event's hub offers a dagordning or mail")
		}
		ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Keys: nil})
		must(t, err)
		var made *calendar.Meeting
		for _, m := range ms {
			if m.Title == "Länskonferens folkhälsa" {
				made = m
			}
		}
		if made == nil || made.Kind != calendar.KindEvent || !made.AllDay || len(made.Bodies) != 0 || made.Organisation != "kumla" ||
			calendar.DateOf(made.Start).String() != "2025-11-19" || calendar.DateOf(made.End).String() != "2025-11-21" {
			t.Fatalf("made %+v, want an all-day event of no body for Kumla, 19–20 November", made)
		}
		wantIn(t, "listed", e.get("/administration/handelser?ar=2025", ida), http.StatusOK, "Länskonferens folkhälsa", "Kumla kommun")

		// The follow-up day becomes a morning; its form showed whole days.
		edit := fmt.Sprintf("/mina-organ/moten/%d/andra", f.followUp.ID)
		r = e.get(edit, ida)
		wantIn(t, "edit form", r, http.StatusOK, "Ändra eller flytta händelsen", `value="heldag" checked`, `value="2025-03-14"`)
		if strings.Contains(r.text(), `value="00.00"`) {
			t.Errorf("the form of a whole day shows a clock of 00.00")
		}
		morning := url.Values{"titel": {"Uppföljningsdag"}, "datum": {"2025-03-14"}, "tid": {"klockslag"}, "start": {"9.00"}, "slut": {"12.00"},
			"status": {"confirmed"}, "lokal": {""}, "plats": {"Conventum, Örebro"}, "organisation": {""}}
		r = e.postFollow(edit, morning, ida)
		wantIn(t, "morning", r, http.StatusOK, "Ändringarna är sparade.", "fredag 14 mars 2025, v 11, 09.00–12.00", "<dt>Gäller</dt><dd>Alla</dd>")
		m, err := e.store.FindMeetingByID(ctx, f.followUp.ID)
		must(t, err)
		if m.AllDay || calendar.In(m.Start).Hour() != 9 || m.Kind != calendar.KindEvent || len(m.Bodies) != 0 {
			t.Errorf("after the edit: %+v", m)
		}

		// Cancelled, with a message on its page and no letter.
		cancel := fmt.Sprintf("/mina-organ/moten/%d/installa", f.followUp.ID)
		wantIn(t, "cancel page", e.get(cancel, ida), http.StatusOK, "Ställ in händelsen", "Inget mejl skickas")
		r = e.postFollow(cancel, url.Values{"meddelande": {"Vi återkommer med ett nytt datum."}}, ida)
		wantIn(t, "cancelled", r, http.StatusOK, "Händelsen är inställd.")
		r = e.get(fmt.Sprintf("/moten/%d", f.followUp.ID), "")
		wantIn(t, "public page", r, http.StatusOK, "Händelsen är inställd. Vi återkommer med ett nytt datum.", "Få händelsen i din kalender")
		if strings.Contains(r.text(), "Dagordningen") {
			t.Errorf("an event's page speaks of a dagordning")
		}

		// The feeds: the conference as whole days, for Kumla's people only.
		feed := e.get("/feeds/all.ics").text()
		for _, want := range []string{"SUMMARY:Länskonferens folkhälsa", "DTSTART;VALUE=DATE:20251119", "DTEND;VALUE=DATE:20251121"} {
			if !strings.Contains(feed, want) {
				t.Errorf("all.ics lacks %q", want)
			}
		}

		// Maria may not change an event of no body.
		wantIn(t, "maria edits", e.postForm(edit, morning, maria), http.StatusForbidden)
	})
}

// TestBodyEventPages: a secretary makes a conference day of her body from
// its årsplan, and changes a whole-day event of the body, which the form
// once refused (it showed 00.00–00.00 and said the end was not after the
// start).
func TestBodyEventPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		ctx := context.Background()

		wantIn(t, "årsplan", e.get("/mina-organ/chefsgrupp-folkhalsa?ar=2025", maria), http.StatusOK, `href="/mina-organ/chefsgrupp-folkhalsa/ny-handelse"`)
		r := e.get("/mina-organ/chefsgrupp-folkhalsa/ny-handelse", maria)
		wantIn(t, "form", r, http.StatusOK, "Ny händelse – Chefsgrupp folkhälsa", `value="heldag" checked`, "Skapa händelsen")
		if strings.Contains(r.text(), `id="organisation"`) {
			t.Errorf("a body's event offers an organisation")
		}
		day := url.Values{"titel": {"Konferens chefsgrupp"}, "datum": {"2025-10-16"}, "tid": {"heldag"}, "status": {"confirmed"}, "lokal": {""},
			"organisation": {"kumla"}}
		r = e.postFollow("/mina-organ/chefsgrupp-folkhalsa/ny-handelse", day, maria)
		wantIn(t, "created", r, http.StatusOK, "Händelsen är skapad.", "torsdag 16 oktober 2025, v 42, heldag", "<dt>Organ</dt><dd>Chefsgrupp folkhälsa</dd>")
		hub := r.Request.URL.Path
		id := strings.TrimPrefix(hub, "/mina-organ/moten/")
		var made *calendar.Meeting
		ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa"}})
		must(t, err)
		for _, m := range ms {
			if fmt.Sprint(m.ID) == id {
				made = m
			}
		}
		if made == nil || made.Kind != calendar.KindEvent || !made.AllDay || made.Organisation != "" {
			t.Fatalf("made %+v, want a whole-day event of the body and no organisation", made)
		}

		// Saved again as it is: a whole day stays one.
		r = e.get(hub+"/andra", maria)
		wantIn(t, "edit", r, http.StatusOK, `value="heldag" checked`, `value="2025-10-16"`)
		day.Set("sista", "2025-10-17")
		r = e.postFollow(hub+"/andra", day, maria)
		wantIn(t, "saved", r, http.StatusOK, "Ändringarna är sparade.", "torsdag 16 oktober 2025 – fredag 17 oktober 2025, heldagar")

		// A meeting's form still asks for a clock, and offers no whole day.
		r = e.get("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", maria)
		if strings.Contains(r.text(), `value="heldag"`) {
			t.Errorf("the meeting form offers whole days")
		}
	})
}

// TestMeetingFormOfManyBodies: an admin of several regions keeps more
// bodies than a form can list; the meeting form offers those of the
// meeting's organisation, not all seventy-five.
func TestMeetingFormOfManyBodies(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	severalRegions(t, e)
	makeAdmin(t, e)
	ida := sessionCookie(t, e, "ida-admin")
	r := e.get("/mina-organ/r01-grupp-00/nytt-mote", ida)
	wantIn(t, "form", r, http.StatusOK, `value="r01-grupp-00" checked`, `value="r01-grupp-24"`, "Här står organen med samma huvudman som mötets.")
	if strings.Contains(r.text(), `value="r02-grupp-00"`) || strings.Contains(r.text(), `value="chefsgrupp-folkhalsa"`) {
		t.Errorf("the form offers another organisation's bodies")
	}
	// A joint meeting of two of the region's bodies is made as before.
	form := url.Values{"organ_valt": {"ja"}, "organ": {"r01-grupp-00", "r01-grupp-01"}, "datum": {"2025-04-08"}, "start": {"13.00"},
		"slut": {"15.00"}, "lokal": {""}, "status": {"proposed"}}
	r = e.postFollow("/mina-organ/r01-grupp-00/nytt-mote", form, ida)
	wantIn(t, "joint", r, http.StatusOK, "Mötet är skapat.", "<dt>Organ</dt><dd>Samverkansgrupp 01-00 och Samverkansgrupp 01-01</dd>")
}
