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

// sessionOf signs person in through the store, as a sign-in link does,
// and returns the Cookie header of the session.
func sessionOf(t testing.TB, e *env, person string) string {
	t.Helper()
	secret, _, err := e.store.CreateSession(context.Background(), person, "link", time.Hour)
	must(t, err)
	return "Cookie: " + sessionCookieName + "=" + secret
}

// grant gives person an access role (a body's secretary, or admin when
// body is "").
func grant(t testing.TB, e *env, person string, role calendar.AccessRole, body string) {
	t.Helper()
	_, err := e.store.GrantRole(context.Background(), calendar.Grant{Person: person, Role: role, Body: body})
	must(t, err)
}

// wantHTML checks the status of a page and that it holds every text, and
// returns its HTML.
func wantHTML(t *testing.T, r *resp, status int, texts ...string) string {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	page := r.text()
	for _, want := range texts {
		if !strings.Contains(page, want) {
			t.Errorf("%s %s (%d) lacks %q:\n%s", r.Request.Method, r.Request.URL.Path, status, want, page)
		}
	}
	return page
}

// TestMinutesPage: the council's secretary marks the minutes ready with
// two justerare and the chair (preselected), first with the form empty;
// the approvals that come in through /justering/{token} show on the page
// until "Justerat den …", after which the minutes cannot be marked again.
func TestMinutesPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		seed(t, e)
		c := seedCouncil(t, e)
		ctx := context.Background()
		must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: c.slug, Person: "anna-berg", Role: calendar.RoleSubstitute, From: calendar.Date{Year: 2024, Month: 1, Day: 1}}))
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
		maria := sessionOf(t, e, "maria-lindborg")
		path := fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID)

		page := wantHTML(t, e.get(path, maria), http.StatusOK,
			"<h1>Justering av protokollet</h1>", "<p class=\"lead\">"+councilName+", onsdag 8 januari 2025 kl. 09.00–12.00</p>",
			"Protokollet är inte klart för justering än",
			`<input id="justerare" name="justerare" type="checkbox" value="anna-berg">`, `<label for="justerare">Anna Berg, ersättare</label>`,
			`<input id="justerare-siw-lunander" name="justerare" type="checkbox" value="siw-lunander">`,
			`<option value="behcet-barsom" selected>Behcet Barsom, ordförande</option>`,
			"Utan datum gäller onsdag 22 januari 2025.")
		if strings.Contains(page, "maria-lindborg") {
			t.Error("the secretary is offered as justerare")
		}

		// The form sent empty names what is missing.
		r := e.postForm(path, url.Values{"ordforande": {"behcet-barsom"}}, maria)
		wantHTML(t, r, http.StatusUnprocessableEntity, "<title>Fel: Justering",
			`<a href="#justerare">Välj minst en justerare.</a>`, `<a href="#dokument">Skriv länken till protokollet.</a>`,
			`<option value="behcet-barsom" selected>`)
		r = e.postForm(path, url.Values{"justerare": {"siw-lunander", "maria-lindborg"}, "dokument": {"protokoll.pdf"}, "sista-dag": {"22/1"}}, maria)
		wantHTML(t, r, http.StatusUnprocessableEntity, "Välj justerarna bland organets ledamöter i listan.",
			"Skriv hela länken till protokollet, som börjar med https://.", "Skriv datumet som år-månad-dag, till exempel 2025-01-22.",
			`value="siw-lunander" checked`)
		if _, err := e.store.FindJustering(ctx, c.meeting.ID); !calendar.IsNotFound(err) {
			t.Fatalf("a refused form marked the minutes: %v", err)
		}

		// Marked ready: Siw and Anna justerar, with the chair.
		r = e.postForm(path, url.Values{"justerare": {"siw-lunander", "anna-berg"}, "ordforande": {"behcet-barsom"},
			"dokument": {protocolURL}, "sista-dag": {"2025-01-20"}}, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
			t.Fatalf("marking: %d to %q, want 303 to the page:\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		j, err := e.store.FindJustering(ctx, c.meeting.ID)
		must(t, err)
		if got := fmt.Sprintf("%v %s %s", j.Justerare, j.Chair, j.Deadline); got != "[siw-lunander anna-berg] behcet-barsom 2025-01-20" {
			t.Errorf("stored %s", got)
		}
		page = wantHTML(t, e.get(path, maria), http.StatusOK, "Väntar på justering", "Protokollet väntar på justering (3 underskrifter saknas)",
			`<a href="`+protocolURL+`" rel="noreferrer">Läs protokollet</a>`, "<dd>måndag 20 januari 2025</dd>",
			`<tr><th scope="row">Siw Lunander</th><td data-label="Justerar som">Justerare</td><td data-label="Justerat">Har inte justerat än</td></tr>`,
			`<tr><th scope="row">Behcet Barsom</th><td data-label="Justerar som">Ordförande</td><td data-label="Justerat">Har inte justerat än</td></tr>`)
		if strings.Contains(page, "<form class=\"form\"") {
			t.Error("the marked minutes' page still offers the form")
		}

		// Siw approves through her link at 10.30.
		far := time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location)
		e.clock.Set(time.Date(2025, 1, 10, 10, 30, 0, 0, calendar.Location))
		siw := "/justering/" + link(t, e, calendar.LinkJustering, c.meeting, "siw-lunander", far).Token
		if r := e.postForm(siw, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("Siw's approval: %d", r.StatusCode)
		}
		maria = sessionOf(t, e, "maria-lindborg") // the clock moved past the session's idle time
		wantHTML(t, e.get(path, maria), http.StatusOK, "Protokollet väntar på justering (2 underskrifter saknas)",
			`<th scope="row">Siw Lunander</th><td data-label="Justerar som">Justerare</td><td data-label="Justerat">Justerade 2025-01-10 10.30</td>`,
			`<th scope="row">Anna Berg</th><td data-label="Justerar som">Justerare</td><td data-label="Justerat">Har inte justerat än</td>`)

		// Anna and the chair approve the next day: justerat.
		e.clock.Set(time.Date(2025, 1, 11, 9, 0, 0, 0, calendar.Location))
		for _, p := range []string{"anna-berg", "behcet-barsom"} {
			if r := e.postForm("/justering/"+link(t, e, calendar.LinkJustering, c.meeting, p, far).Token, nil); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s's approval: %d", p, r.StatusCode)
			}
		}
		maria = sessionOf(t, e, "maria-lindborg")
		page = wantHTML(t, e.get(path, maria), http.StatusOK, "<h2 id=\"status\">Protokollet är justerat</h2>",
			`<p class="confirmation">Justerat den 2025-01-11 via e-post</p>`, "Justerade 2025-01-11 09.00")
		if strings.Contains(page, "påminner") {
			t.Error("the justerade minutes' page still speaks of reminders")
		}

		// Once approved, marking again is refused in words.
		r = e.postForm(path, url.Values{"justerare": {"siw-lunander"}, "dokument": {protocolURL}}, maria)
		wantHTML(t, r, http.StatusUnprocessableEntity, "Någon har redan justerat protokollet, så det kan inte markeras som klart på nytt.")
	})
}

// TestMinutesPageAccess: a stranger is sent to sign in, a member without
// the role gets the Swedish 403, a restricted body's meeting is not there
// for a secretary of another body, and minutes that need no approval have
// no form.
func TestMinutesPageAccess(t *testing.T) {
	e := newEnv(t, nil)
	e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	f := seed(t, e)
	c := seedCouncil(t, e)
	grant(t, e, "anna-berg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
	anna := sessionOf(t, e, "anna-berg")
	path := fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID)
	if r := e.get(path); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in?next=") {
		t.Errorf("anonymous: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	wantHTML(t, e.get(path, anna), http.StatusForbidden, "Du saknar behörighet")
	if r := e.postForm(path, url.Values{"justerare": {"siw-lunander"}, "dokument": {protocolURL}}, anna); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST by another body's secretary: %d", r.StatusCode)
	}
	grant(t, e, "siw-lunander", calendar.AccessSecretary, "skolchefsgruppen")
	wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/justering", f.restricted.ID), sessionOf(t, e, "siw-lunander")), http.StatusNotFound)
	page := wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/justering", f.folkhalsa[0].ID), anna), http.StatusOK,
		"minnesanteckningar som inte behöver justeras")
	if strings.Contains(page, "<form class=\"form\"") {
		t.Error("minutes that need no approval have a form")
	}
}

// TestOutboxPage: a secretary sees the mail of their bodies' meetings
// only, an admin all of it; a failed message says why in Swedish and is
// tried again by "Försök igen", once; a skipped email says why.
func TestOutboxPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		c := seedCouncil(t, e)
		ctx := context.Background()
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
		makeAdmin(t, e)
		maria, ida := sessionOf(t, e, "maria-lindborg"), sessionOf(t, e, "ida-admin")

		body := []byte("Subject: x\r\n\r\nhej\r\n")
		for _, m := range []*calendar.OutboxMessage{
			{Key: fmt.Sprintf("m%d/kallelse/siw-lunander/r0", c.meeting.ID), Kind: "kallelse", MeetingID: c.meeting.ID, Recipient: siwEmail, Person: "siw-lunander", Subject: "Kallelse", Body: body},
			{Key: fmt.Sprintf("m%d/justering/behcet-barsom/1", c.meeting.ID), Kind: "justering", MeetingID: c.meeting.ID, Recipient: behcetEmail, Person: "behcet-barsom", Subject: "Påminnelse", Body: body},
			{Key: fmt.Sprintf("m%d/anmalan/anna-berg/r0", f.folkhalsa[1].ID), Kind: "anmalan", MeetingID: f.folkhalsa[1].ID, Recipient: annaEmail, Person: "anna-berg", Subject: "Anmälan", Body: body},
			{Key: "inloggning/anna-berg/1", Kind: calendar.OutboxSignIn, Recipient: annaEmail, Person: "anna-berg", Subject: "Logga in", Body: body},
		} {
			_, err := e.store.EnqueueMessage(ctx, m)
			must(t, err)
		}
		claimed, err := e.store.ClaimMessages(ctx, "test", e.clock.Now(), time.Minute, 10, false)
		if err != nil || len(claimed) != 4 {
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		must(t, e.store.MarkMessageFailed(ctx, claimed[0].ID, "test", "550 5.1.1 <siw.lunander@hallsberg.se>: Recipient address rejected"))
		must(t, e.store.MarkMessageSent(ctx, claimed[1].ID, "test", e.clock.Now()))
		must(t, e.store.MarkMessageFailed(ctx, claimed[2].ID, "test", "552 mailbox full"))
		must(t, e.store.MarkMessageSent(ctx, claimed[3].ID, "test", e.clock.Now()))
		_, err = e.store.RecordSkipped(ctx, &calendar.SkippedMail{Key: fmt.Sprintf("m%d/anmalan/behcet-barsom/r0", c.meeting.ID), Kind: "anmalan",
			MeetingID: c.meeting.ID, Recipient: "behcet-barsom", Reason: "sista dag för att anmäla punkter (2025-01-01) har passerat"})
		must(t, err)
		_, err = e.store.RecordSkipped(ctx, &calendar.SkippedMail{Key: fmt.Sprintf("m%d/anmalan/anna-berg/r0", f.folkhalsa[0].ID), Kind: "anmalan",
			MeetingID: f.folkhalsa[0].ID, Recipient: "anna-berg", Reason: "personen har ingen e-postadress"})
		must(t, err)

		siwRetry := fmt.Sprintf("/mina-organ/utkorg/%d/forsok-igen", claimed[0].ID)
		annaRetry := fmt.Sprintf("/mina-organ/utkorg/%d/forsok-igen", claimed[2].ID)
		page := wantHTML(t, e.get("/mina-organ/utkorg", maria), http.StatusOK, "<h1>Utkorgen</h1>", "Mejlen om dina organs möten",
			`<th scope="row">Kallelse</th>`, "Siw Lunander<br>", "Misslyckades<br>Mottagarens e-postserver känner inte till adressen.",
			"Serverns svar: 550 5.1.1", `<form method="post" action="`+siwRetry+`"><button class="button secondary" type="submit">Försök igen<span class="sr-only"> med mejlet till Siw Lunander</span>`,
			`<th scope="row">Påminnelse om justering</th>`, "Behcet Barsom", "Skickat",
			fmt.Sprintf(`<a href="/mina-organ/moten/%d">`+councilName+`, onsdag 8 januari 2025</a>`, c.meeting.ID),
			"Sista dag för att anmäla punkter (2025-01-01) har passerat.")
		for _, other := range []string{"Anna Berg", "Inloggningslänk", "personen har ingen e-postadress", "Personen har ingen e-postadress"} {
			if strings.Contains(page, other) {
				t.Errorf("the secretary's outbox shows %q, which is not of her bodies", other)
			}
		}
		wantHTML(t, e.get("/mina-organ/utkorg", ida), http.StatusOK, "Alla mejl som Samkal", "Anna Berg", "Inloggningslänk",
			"Mottagarens brevlåda är full.", "Personen har ingen e-postadress.", annaRetry)

		// Maria may not retry another body's mail; she retries Siw's.
		if r := e.postForm(annaRetry, nil, maria); r.StatusCode != http.StatusForbidden {
			t.Errorf("retry of another body's mail: %d, want 403", r.StatusCode)
		}
		r := e.postForm(siwRetry, nil, maria)
		if want := fmt.Sprintf("/mina-organ/utkorg?igen=%d", claimed[0].ID); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Fatalf("retry: %d to %q, want 303 to %s", r.StatusCode, r.Header.Get("Location"), want)
		}
		m, err := e.store.FindMessageByID(ctx, claimed[0].ID)
		must(t, err)
		if m.Status != calendar.OutboxQueued || m.Attempts != 0 {
			t.Errorf("after the retry: %s, %d attempts; want queued, 0", m.Status, m.Attempts)
		}
		page = wantHTML(t, e.get(r.Header.Get("Location"), maria), http.StatusOK, "Mejlet till Siw Lunander skickas igen inom kort.",
			"Väntar<br>Ett tidigare försök misslyckades")
		if strings.Contains(page, siwRetry) {
			t.Error("the queued message still has Försök igen")
		}
		wantHTML(t, e.postForm(siwRetry, nil, maria), http.StatusConflict, "Mejlet har inte misslyckats")
		if r := e.postForm(siwRetry, nil, sessionOf(t, e, "siw-lunander")); r.StatusCode != http.StatusForbidden {
			t.Errorf("retry by a member: %d, want 403", r.StatusCode)
		}
		wantHTML(t, e.get("/mina-organ/utkorg", sessionOf(t, e, "siw-lunander")), http.StatusForbidden, "Du saknar behörighet")
	})
}

// FuzzMinutesForm: whatever the form holds, the minutes are marked ready
// (303) or the form comes back naming what to correct in Swedish (422);
// never an error of the server, never an English message.
func FuzzMinutesForm(f *testing.F) {
	f.Add("siw-lunander", "anna-berg", "behcet-barsom", protocolURL, "2025-01-20")
	f.Add("", "", "", "", "")
	f.Add("siw-lunander", "siw-lunander", "", "https://x", "")
	f.Add("maria-lindborg", "finns-inte", "finns-inte", "javascript:alert(1)", "2025-13-40")
	f.Add("siw-lunander", "", "", "http://exempel.se/protokoll.pdf", "2024-12-31")
	f.Add("siw-lunander", "", "", "https://exempel.se/"+strings.Repeat("a", 3000), "2025-02-30")
	f.Add("siw-lunander\x00", "", "behcet-barsom\r\n", "https://exempel.se/\n", " 2025-01-20 ")
	e := newEnv(f, nil, func(o *api.Options) { o.RateLimits.Writes = api.Rate{Burst: 1 << 30, Every: time.Nanosecond} })
	seed(f, e)
	c := seedCouncil(f, e)
	must(f, e.store.CreateMembership(context.Background(), &calendar.Membership{Body: c.slug, Person: "anna-berg", Role: calendar.RoleSubstitute, From: calendar.Date{Year: 2024, Month: 1, Day: 1}}))
	grant(f, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
	maria := sessionOf(f, e, "maria-lindborg")
	path := fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID)
	f.Fuzz(func(t *testing.T, j1, j2, chair, doc, deadline string) {
		form := url.Values{"ordforande": {chair}, "dokument": {doc}, "sista-dag": {deadline}}
		for _, j := range []string{j1, j2} {
			if j != "" {
				form.Add("justerare", j)
			}
		}
		e.t = t
		r := e.postForm(path, form, maria)
		switch r.StatusCode {
		case http.StatusSeeOther:
		case http.StatusUnprocessableEntity:
			for _, english := range []string{" must ", "required", "not found", "justering:"} {
				if strings.Contains(r.text(), english) {
					t.Errorf("form %v: the page says %q", form, english)
				}
			}
		default:
			t.Fatalf("form %v: %d, want 303 or 422; body %.500s", form, r.StatusCode, r.body)
		}
	})
}

// TestMailingsPage: a meeting's page of what Samkal sends lists the call,
// the digest, the kallelse and the justering's reminders at the times of
// the server's timing (here 09.00) and the body's own days, with what the
// outbox holds for it; a proposed meeting gets nothing.
func TestMailingsPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		timing := calendar.MailTiming{SendTime: 9 * 60, CallDays: 14, CallDeadlineDays: 7, NoticeDays: 5, JusteringReminderDays: 3}
		e := newEnv(t, open, func(o *api.Options) { o.MailTiming = &timing })
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		c := seedCouncil(t, e)
		ctx := context.Background()
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
		maria := sessionOf(t, e, "maria-lindborg")
		callDays := 21
		_, err := e.store.UpdateBody(ctx, "chefsgrupp-folkhalsa", calendar.BodyUpdate{Notify: &calendar.BodyNotify{CallDays: &callDays}})
		must(t, err)

		// The council's meeting of 8 January, over: its kallelse went to
		// Siw, and the minutes are marked ready today.
		_, err = e.store.EnqueueMessage(ctx, &calendar.OutboxMessage{Key: fmt.Sprintf("m%d/kallelse/siw-lunander/r0", c.meeting.ID), Kind: "kallelse",
			MeetingID: c.meeting.ID, Recipient: siwEmail, Person: "siw-lunander", Subject: "Kallelse", Body: []byte("Subject: x\r\n\r\nhej\r\n")})
		must(t, err)
		must(t, e.store.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: c.meeting.ID, Justerare: []string{"siw-lunander"}, Chair: "behcet-barsom",
			DocumentURL: protocolURL}, e.clock.Now(), 14))
		path := fmt.Sprintf("/mina-organ/moten/%d/utskick", c.meeting.ID)
		wantHTML(t, e.get(path, maria), http.StatusOK, "<h1>Utskick</h1>",
			`<th scope="row">Inbjudan att anmäla punkter</th><td data-label="Till">ledamöter, ersättare och tjänstepersoner</td><td data-label="När">2024-12-25 09.00, med sista dag 2025-01-01</td><td data-label="Läge">Inget skickat</td>`,
			`<th scope="row">Sammanställning av anmälda punkter</th><td data-label="Till">sekreteraren</td><td data-label="När">2025-01-02 09.00</td>`,
			`<th scope="row">Kallelse med dagordning</th><td data-label="Till">alla som deltar i mötet</td><td data-label="När">2025-01-03 09.00</td><td data-label="Läge">1 väntar</td>`,
			`<th scope="row">Begäran om justering</th><td data-label="Till">justerarna och ordföranden</td><td data-label="När">2025-01-10 09.00</td><td data-label="Läge">Skickas inom kort</td>`,
			`<td data-label="När">nästa 2025-01-13 09.00, sedan var 3:e dag tills alla har justerat</td>`,
			`<th scope="row">Justeringen är försenad</th><td data-label="Till">sekreteraren, om någon inte har justerat</td><td data-label="När">2025-01-23 09.00</td>`,
			`<th scope="row">Kallelse</th>`, "Siw Lunander<br>", "Väntar")

		// Chefsgrupp folkhälsa's meeting of 20 March: the call 21 days
		// before (the body's own), the rest by the server's timing.
		page := wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/utskick", f.folkhalsa[1].ID), maria), http.StatusOK,
			`<td data-label="När">2025-02-27 09.00, med sista dag 2025-03-13</td><td data-label="Läge">Skickas då</td>`,
			`<td data-label="När">2025-03-15 09.00</td><td data-label="Läge">Skickas då</td>`, "Inga mejl om mötet än.")
		if strings.Contains(page, "justering") {
			t.Error("a management group's notes need no justering, yet the page speaks of it")
		}
		page = wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/utskick", f.folkhalsa[2].ID), maria), http.StatusOK,
			"Mötet är ett förslag. Samkal skickar ingenting förrän tiden är fastställd.")
		if strings.Contains(page, "Inbjudan att anmäla punkter") {
			t.Error("a proposed meeting's page plans a call")
		}
		wantHTML(t, e.get(path, sessionOf(t, e, "anna-berg")), http.StatusForbidden, "Du saknar behörighet")
	})
}
