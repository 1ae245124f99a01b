package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// makeSecretary makes Maria secretary of chefsgrupp folkhälsa.
func makeSecretary(t testing.TB, e *env) {
	t.Helper()
	_, err := e.store.GrantRole(context.Background(), calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
	must(t, err)
}

// makeAdmin adds Ida Admin, an admin, to the world.
func makeAdmin(t testing.TB, e *env) {
	t.Helper()
	must(t, e.store.CreatePerson(context.Background(), &calendar.Person{Key: "ida-admin", Name: "Ida Admin", Email: "ida.admin@example.se"}))
	grant(t, e, "ida-admin", calendar.AccessAdmin, "")
}

// postFollow posts the form and, on 303, gets where it leads, as a
// browser does.
func (e *env) postFollow(path string, form url.Values, cookie string) *resp {
	e.t.Helper()
	r := e.postForm(path, form, cookie)
	if r.StatusCode != http.StatusSeeOther {
		return r
	}
	return e.get(r.Header.Get("Location"), cookie)
}

func wantIn(t *testing.T, what string, r *resp, status int, wants ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("%s: status %d, want %d\n%.2000s", what, r.StatusCode, status, r.body)
	}
	for _, w := range wants {
		if !strings.Contains(r.text(), w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

// TestMinaOrgan: the secretary's overview with the coming meetings and
// what needs doing; a member who keeps no body is told where to go.
func TestMinaOrgan(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		makeSecretary(t, e)
		must(t, e.store.CreateAgendaItem(context.Background(), &calendar.AgendaItem{MeetingID: f.folkhalsa[0].ID, Title: "Generation Pep",
			Kind: calendar.AgendaInformation, Status: calendar.AgendaProposed, SubmittedBy: "anna-berg"}))
		c := seedCouncil(t, e) // Maria is its secretary; its meeting of 8 January is over
		must(t, e.store.MarkMinutesReady(context.Background(), &calendar.Justering{MeetingID: c.meeting.ID, Justerare: []string{"siw-lunander"},
			Chair: "behcet-barsom", DocumentURL: "https://region.example.se/protokoll.pdf"}, e.clock.Now(), 14))
		bookingWeeks(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		r := e.get("/mina-organ", maria)
		wantIn(t, "Mina organ", r, http.StatusOK, `<a href="/mina-organ">Mina organ</a>`, "Chefsgrupp folkhälsa",
			"Chefsgruppernas höstmöten (v 37 och 38 2025): 0 av 1 möten är bokade. Sista dag att boka är fredag 13 juni 2025.",
			`href="/mina-organ/chefsgrupp-folkhalsa/nytt-mote">Boka ett möte`,
			"Kallelse med dagordning till mötet tisdag 21 januari 2025 går ut torsdag 16 januari 2025 kl. 08.00. Läs den innan.",
			"tisdag 21 januari 2025, v 4", "Föreslaget datum torsdag 22 maj 2025, v 21 är inte fastställt.", "Fastställ</a>",
			"Planering av uppföljningsdagen", `href="/mina-organ/chefsgrupp-folkhalsa?ar=2025"`,
			"1 förslag från ledamöter väntar inför mötet tisdag 21 januari 2025.",
			fmt.Sprintf(`href="/mina-organ/moten/%d/dagordning">Hantera förslagen`, f.folkhalsa[0].ID),
			"väntar på justering (0 av 2 har justerat).", fmt.Sprintf(`href="/mina-organ/moten/%d/justering">Följ justeringen`, c.meeting.ID))
		if strings.Contains(r.text(), "Skolchefsgruppen") {
			t.Errorf("Maria sees a body she does not keep")
		}
		// Next year proposed in full: three dates one by one, the rest one
		// line to the årsplan.
		for _, d := range []int{13, 20, 27} {
			for _, month := range []time.Month{time.February, time.April, time.June, time.October} {
				day := calendar.Date{Year: 2026, Month: month, Day: d}
				must(t, e.store.CreateMeeting(context.Background(), &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"},
					Start: day.At(13, 0), End: day.At(16, 0), Status: calendar.StatusProposed}))
			}
		}
		r = e.get("/mina-organ", maria)
		if n := strings.Count(r.text(), "Fastställ</a>"); n != 3 {
			t.Errorf("Mina organ lists %d proposed dates one by one, want 3", n)
		}
		if !regexp.MustCompile(`Ytterligare \d+ föreslagna datum är inte fastställda; fastställ dem i årsplanen. <a href="/mina-organ/chefsgrupp-folkhalsa\?ar=20\d\d">Årsplanen 20\d\d</a>`).MatchString(r.text()) {
			t.Errorf("Mina organ does not sum up the other proposed dates:\n%s", r.text())
		}
		r = e.get("/mina-organ", sessionCookie(t, e, "anna-berg"))
		wantIn(t, "a member", r, http.StatusOK, "Du är inte sekreterare för något organ", `href="/konto"`)
		if strings.Contains(r.text(), `<a href="/mina-organ">`) {
			t.Errorf("the header links Mina organ for a member")
		}
	})
}

// TestArsplanPage: the list and the year grid with weeks, weekdays,
// holidays, klämdagar and the status in words.
func TestArsplanPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		r := e.get("/mina-organ/chefsgrupp-folkhalsa?ar=2025", maria)
		wantIn(t, "list", r, http.StatusOK, "Årsplan 2025", "torsdag 22 maj 2025, v 21, 13.00–16.30", "Förslag", "Fastställt",
			"Fastställ alla förslag för 2025", `href="/mina-organ/chefsgrupp-folkhalsa?ar=2024"`, `href="/mina-organ/chefsgrupp-folkhalsa?ar=2026"`)
		r = e.get("/mina-organ/chefsgrupp-folkhalsa?ar=2025&visa=rutnat", maria)
		wantIn(t, "grid", r, http.StatusOK, `<th scope="row">v 1</th>`, `<th scope="row">v 52</th>`, `<th scope="col">helg</th>`,
			"Kristi himmelsfärdsdag", "klämdag", "<span class=\"st\">för\u00adslag</span> <span class=\"tm\">13.00–16.30</span> <span class=\"t\">Chefsgrupp folkhälsa</span>", "<span class=\"st\">fast\u00adställt</span>",
			`href="/mina-organ/chefsgrupp-folkhalsa?ar=2026&amp;visa=rutnat"`)
		// Another secretary, and a member, may not.
		r = e.get("/mina-organ/chefsgrupp-folkhalsa?ar=2025", sessionCookie(t, e, "anna-berg"))
		wantIn(t, "a member", r, http.StatusForbidden, "Du saknar behörighet")
	})
}

// TestMeetingPages: create (the DST gap refused in words, a holiday
// warned of and saved anyway, recorded), move, cancel with a message,
// fastställ one and all; the body's feed shows the move and the
// cancellation.
func TestMeetingPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		form := func(date, from, to string) url.Values {
			return url.Values{"titel": {""}, "datum": {date}, "start": {from}, "slut": {to}, "lokal": {"lokal-eken"}, "status": {"proposed"}}
		}
		wantIn(t, "new form", e.get("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", maria), http.StatusOK, `name="datum"`, "Skapa mötet")

		r := e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form("2026-03-29", "02.30", "04:00"), maria)
		wantIn(t, "DST gap", r, http.StatusUnprocessableEntity, "2026-03-29 02.30 finns inte", `href="#start"`, `value="2026-03-29"`)
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form("24/3", "13", "12.00"), maria)
		wantIn(t, "wrong form", r, http.StatusUnprocessableEntity, `href="#datum"`, "till exempel 2026-03-24")

		r = e.postFollow("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form("2025-04-08", "13.00", "15:00"), maria)
		wantIn(t, "created", r, http.StatusOK, "Mötet är skapat.", "tisdag 8 april 2025, v 15, 13.00–15.00", "Lokal Eken", "Förslag")
		if !strings.HasPrefix(r.Request.URL.Path, "/mina-organ/moten/") {
			t.Fatalf("created: at %s, want the hub", r.Request.URL.Path)
		}
		hub := r.Request.URL.Path

		// A holiday: warned first, nothing saved, then saved anyway.
		holiday := form("2025-06-06", "10.00", "12.00")
		holiday.Set("lokal", "")
		before, err := e.store.FindMeetings(context.Background(), calendar.MeetingFilter{})
		must(t, err)
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", holiday, maria)
		wantIn(t, "clash", r, http.StatusConflict, "Mötet krockar", "Sveriges nationaldag", `name="spara_anda"`, "Spara ändå")
		after, err := e.store.FindMeetings(context.Background(), calendar.MeetingFilter{})
		must(t, err)
		if len(after) != len(before) {
			t.Fatalf("a warned meeting was saved")
		}
		holiday.Set("spara_anda", "ja")
		r = e.postFollow("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", holiday, maria)
		wantIn(t, "saved anyway", r, http.StatusOK, "Mötet är skapat.", "Sparat trots varning av Maria Lindborg", "nationaldag")

		// Same person elsewhere: Maria is called to both chefsgrupper.
		// Move the May proposal.
		may := f.folkhalsa[2]
		move := form("2025-05-27", "13.00", "16.30")
		r = e.postFollow(fmt.Sprintf("/mina-organ/moten/%d/andra", may.ID), move, maria)
		wantIn(t, "moved", r, http.StatusOK, "Ändringarna är sparade.", "tisdag 27 maj 2025, v 22")

		// Cancel the August one with a message.
		aug := f.folkhalsa[3]
		wantIn(t, "cancel page", e.get(fmt.Sprintf("/mina-organ/moten/%d/installa", aug.ID), maria), http.StatusOK, "Ställ in mötet", `name="meddelande"`)
		r = e.postFollow(fmt.Sprintf("/mina-organ/moten/%d/installa", aug.ID), url.Values{"meddelande": {"Vi ses i september i stället."}}, maria)
		wantIn(t, "cancelled", r, http.StatusOK, "Mötet är inställt.", "Inställt",
			`<dt>Meddelande vid inställningen</dt><dd class="notes">Vi ses i september i stället.</dd>`)
		// The message is the cancellation letter's, not the notes'.
		cancelled, err := e.store.FindMeetingByID(context.Background(), aug.ID)
		must(t, err)
		if cancelled.CancelMessage != "Vi ses i september i stället." || cancelled.Notes != aug.Notes {
			t.Errorf("cancelled: message %q, notes %q; want the message and the notes as they were (%q)", cancelled.CancelMessage, cancelled.Notes, aug.Notes)
		}

		// Fastställ one, then all.
		r = e.postFollow(fmt.Sprintf("/mina-organ/moten/%d/faststall", f.folkhalsa[4].ID), url.Values{}, maria)
		wantIn(t, "fastställt", r, http.StatusOK, "Mötet är fastställt.", "Fastställt")
		r = e.postFollow("/mina-organ/chefsgrupp-folkhalsa/faststall?ar=2025", url.Values{}, maria)
		wantIn(t, "all", r, http.StatusOK, "4 förslag är fastställda.")
		for _, id := range []int64{may.ID, f.folkhalsa[5].ID} {
			m, err := e.store.FindMeetingByID(context.Background(), id)
			must(t, err)
			if m.Status != calendar.StatusConfirmed {
				t.Errorf("meeting %d: %s after Fastställ alla", id, m.Status)
			}
		}
		joint, err := e.store.FindMeetingByID(context.Background(), f.joint.ID)
		must(t, err)
		if joint.Status != calendar.StatusProposed {
			t.Errorf("the joint meeting of bodies Maria does not keep was fixed")
		}
		wantIn(t, "hub", e.get(hub, maria), http.StatusOK, "Ändra eller flytta mötet", "Ställ in mötet", "/dagordning", "/justering", "/utskick")

		// The feed shows the move and the cancellation.
		feed := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics").text()
		for _, want := range []string{"DTSTART;TZID=Europe/Stockholm:20250527T130000", "STATUS:CANCELLED"} {
			if !strings.Contains(feed, want) {
				t.Errorf("the feed lacks %q", want)
			}
		}
		if strings.Contains(feed, "20250522T130000") {
			t.Errorf("the feed still has the meeting on 22 May")
		}

		// Another body's secretary may not change it.
		olof := &calendar.Person{Key: "olof-sten", Name: "Olof Sten", Email: "olof@example.se"}
		must(t, e.store.CreatePerson(context.Background(), olof))
		_, err = e.store.GrantRole(context.Background(), calendar.Grant{Person: "olof-sten", Role: calendar.AccessSecretary, Body: "skolchefsgruppen"})
		must(t, err)
		r = e.postForm(fmt.Sprintf("/mina-organ/moten/%d/andra", may.ID), move, sessionCookie(t, e, "olof-sten"))
		wantIn(t, "olof", r, http.StatusForbidden, "Du saknar behörighet")
	})
}

// TestJointMeetingForm: a secretary of two bodies makes a joint meeting by
// ticking both, may not tick none or a body they do not keep, and can make
// it one body's again; a secretary of one body gets no choice at all.
func TestJointMeetingForm(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		wantNot := func(what string, r *resp, text string) {
			t.Helper()
			if strings.Contains(r.text(), text) {
				t.Errorf("%s: the page has %q", what, text)
			}
		}
		olof := &calendar.Person{Key: "olof-sten", Name: "Olof Sten", Email: "olof@example.se"}
		must(t, e.store.CreatePerson(context.Background(), olof))
		_, err := e.store.GrantRole(context.Background(), calendar.Grant{Person: "olof-sten", Role: calendar.AccessSecretary, Body: "skolchefsgruppen"})
		must(t, err)
		r := e.get("/mina-organ/skolchefsgruppen/nytt-mote", sessionCookie(t, e, "olof-sten"))
		wantIn(t, "one body", r, http.StatusOK, `<input type="hidden" name="organ" value="skolchefsgruppen">`)
		wantNot("one body", r, `type="checkbox" value="`)

		_, err = e.store.GrantRole(context.Background(), calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-social-valfard"})
		must(t, err)
		r = e.get("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", maria)
		wantIn(t, "bodies", r, http.StatusOK, "Kryssa i flera organ för ett gemensamt möte.", `id="organ" name="organ"`,
			`type="checkbox" value="chefsgrupp-folkhalsa" checked>`, `type="checkbox" value="chefsgrupp-social-valfard">`)
		wantNot("bodies", r, "skolchefsgruppen")

		form := url.Values{"datum": {"2025-09-16"}, "start": {"09.00"}, "slut": {"12.00"}, "lokal": {"lokal-eken"},
			"status": {"proposed"}, "organ_valt": {"ja"}}
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form, maria)
		wantIn(t, "none ticked", r, http.StatusUnprocessableEntity, `href="#organ"`, "Kryssa i minst ett organ")
		form["organ"] = []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}
		r = e.postForm("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form, maria)
		wantIn(t, "not kept", r, http.StatusUnprocessableEntity, "Du kan bara lägga möten för organ där du är sekreterare.")

		form["organ"] = []string{"chefsgrupp-social-valfard", "chefsgrupp-folkhalsa"}
		r = e.postFollow("/mina-organ/chefsgrupp-folkhalsa/nytt-mote", form, maria)
		wantIn(t, "joint", r, http.StatusOK, "Mötet är skapat.", "Chefsgrupp folkhälsa", "Chefsgrupp social välfärd samt vård och omsorg")
		ms, err := e.store.FindMeetings(context.Background(), calendar.MeetingFilter{Bodies: []string{"chefsgrupp-social-valfard"}})
		must(t, err)
		var m *calendar.Meeting
		for _, x := range ms {
			if calendar.DateOf(x.Start).String() == "2025-09-16" {
				m = x
			}
		}
		if m == nil || strings.Join(m.Bodies, ",") != "chefsgrupp-folkhalsa,chefsgrupp-social-valfard" {
			t.Fatalf("the joint meeting: %+v", m)
		}
		for _, feed := range []string{"chefsgrupp-folkhalsa", "chefsgrupp-social-valfard"} {
			if !strings.Contains(e.get("/feeds/bodies/"+feed+".ics").text(), "DTSTART;TZID=Europe/Stockholm:20250916T090000") {
				t.Errorf("%s's feed lacks the joint meeting", feed)
			}
		}

		// Made one body's again; a form without the choice keeps the bodies.
		edit := fmt.Sprintf("/mina-organ/moten/%d/andra", m.ID)
		wantIn(t, "edit", e.get(edit, maria), http.StatusOK, `value="chefsgrupp-social-valfard" checked`)
		form["organ"] = []string{"chefsgrupp-social-valfard"}
		wantIn(t, "one again", e.postFollow(edit, form, maria), http.StatusOK, "Ändringarna är sparade.")
		delete(form, "organ")
		delete(form, "organ_valt")
		form.Set("start", "09.30")
		wantIn(t, "no choice", e.postFollow(edit, form, maria), http.StatusOK, "Ändringarna är sparade.")
		m, err = e.store.FindMeetingByID(context.Background(), m.ID)
		must(t, err)
		if strings.Join(m.Bodies, ",") != "chefsgrupp-social-valfard" {
			t.Errorf("bodies after the edits: %v", m.Bodies)
		}
	})
}
