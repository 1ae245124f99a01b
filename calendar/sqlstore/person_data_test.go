package sqlstore_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

func TestPersonData(t *testing.T) {
	runSuite(t, time.Date(2024, 9, 20, 15, 0, 0, 0, calendar.Location), []suiteCase{
		{"ExportHoldsEverything", testExportPerson},
		{"EraseRemovesAndKeeps", testErasePerson},
		{"EraseTwice", testEraseTwice},
		{"ScrubWholeWords", testScrubWholeWords},
	})
}

// The person whose data the tests export and erase: a key, name, email
// and phone that occur nowhere else in the fixture, so that a search of
// the stored text for "anna" finds only her.
const (
	annaKey   = "anna-berg"
	annaName  = "Anna Berg"
	annaEmail = "anna.berg@kumla.se"
	annaPhone = "019-58 80 00"
)

// personData holds what gdprFixture made.
type personData struct {
	anna                   *calendar.Person
	meeting                *calendar.Meeting
	window                 *calendar.BookingWindow
	link, windowLink       *calendar.PersonalLink
	session, signIn, token string
	sent, queued           *calendar.OutboxMessage
	proposal               *calendar.AgendaItem
}

// gdprFixture makes one of every kind of data about Anna through the
// store's own calls: a membership, a role, a justering she approved, an
// agenda item she proposed, a personal link and a booking link, a sent and
// a queued email, a skipped email, a session, a sign-in link, an API token,
// a change to her row and a change she made.
func (e *env) gdprFixture() *personData {
	t := e.t
	t.Helper()
	d := &personData{}
	d.meeting = e.council("bo")
	d.anna = &calendar.Person{Key: annaKey, Name: annaName, Email: annaEmail, Title: "skolchef"}
	must(t, e.s.CreatePerson(e.ctx, d.anna))
	_, err := e.s.UpdatePerson(e.ctx, annaKey, calendar.PersonUpdate{Phone: ptr(annaPhone)})
	must(t, err)
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "specifikt-rad-folkhalsa", Person: annaKey, Role: calendar.RoleMember, From: day(2024, 1, 1)}))
	_, err = e.s.GrantRole(e.ctx, calendar.Grant{Person: annaKey, Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
	must(t, err)

	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: d.meeting.ID, DocumentURL: minutesURL,
		Justerare: []string{annaKey, "bo"}}, e.clock.Now(), 11))
	e.approve(d.meeting.ID, annaKey, e.clock.Now(), true)
	d.proposal = &calendar.AgendaItem{MeetingID: d.meeting.ID, Title: "Nära vård-medlen", Presenter: annaName,
		Status: calendar.AgendaProposed, SubmittedBy: annaKey}
	must(t, e.s.CreateAgendaItem(e.ctx, d.proposal))
	d.link = e.ensure(calendar.LinkJustering, d.meeting.ID, annaKey, e.clock.Now().Add(14*24*time.Hour))

	d.window = &calendar.BookingWindow{Name: "Höstens möten", Weeks: []calendar.ISOWeek{week(2024, 45)}, Bodies: []string{"chefsgrupp-folkhalsa"},
		DurationMinutes: 60, Weekdays: []calendar.Weekday{2}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}},
		Attendees: map[string][]string{"chefsgrupp-folkhalsa": {"bo", annaKey}}}
	must(t, e.s.CreateBookingWindow(e.ctx, d.window))
	d.windowLink, err = e.s.EnsureWindowLink(e.ctx, d.window.ID, annaKey, e.clock.Now().Add(30*24*time.Hour))
	must(t, err)

	body := []byte("To: " + annaName + " <" + annaEmail + ">\r\nSubject: Kallelse\r\n\r\nHej " + annaName + "!\r\n")
	d.sent = e.enqueue(&calendar.OutboxMessage{Key: "kallelse/m1/p-anna/r1", Kind: "kallelse", MeetingID: d.meeting.ID,
		Recipient: annaEmail, Person: annaKey, Subject: "Kallelse: Gemensamt möte", Body: body})
	claimed := e.claim("w1", e.clock.Now(), false)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d messages, want the one", len(claimed))
	}
	must(t, e.s.MarkMessageSent(e.ctx, d.sent.ID, "w1", e.clock.Now()))
	d.queued = e.enqueue(&calendar.OutboxMessage{Key: "justering/m1/p-anna/r1", Kind: "justering", MeetingID: d.meeting.ID,
		Recipient: annaEmail, Person: annaKey, Subject: "Justering", Body: body})
	_, err = e.s.RecordSkipped(e.ctx, &calendar.SkippedMail{Key: "anmalan/m1/p-anna", Kind: "anmalan", MeetingID: d.meeting.ID,
		Recipient: annaKey, Reason: "namnet " + annaName + " kan inte stå i ett mejlhuvud"})
	must(t, err)

	d.session, _, err = e.s.CreateSession(e.ctx, annaKey, "link", 8*time.Hour)
	must(t, err)
	d.signIn, err = e.s.CreateSignInLink(e.ctx, annaKey, 15*time.Minute)
	must(t, err)
	d.token, err = e.s.CreateAPIToken(e.ctx, &calendar.APIToken{Person: annaKey, Name: "Annas skript", Scope: calendar.ScopeRead, Expires: day(2024, 12, 31)})
	must(t, err)

	// A change Anna made herself, through her session.
	as := calendar.WithActor(e.ctx, calendar.Actor{PersonID: d.anna.ID, Via: calendar.ViaSession})
	must(t, e.s.CreateRoom(as, &calendar.Room{Slug: "lokal-asken", Name: "Lokal Asken"}))
	return d
}

func testExportPerson(t *testing.T, e *env) {
	d := e.gdprFixture()
	x, err := e.s.ExportPerson(e.ctx, annaKey)
	must(t, err)
	p := x.Person
	if p.Key != annaKey || p.Name != annaName || p.Email != annaEmail || p.Phone != annaPhone || p.Title != "skolchef" || !x.FeedURL {
		t.Errorf("person %+v feed %v", p, x.FeedURL)
	}
	if len(x.Memberships) != 1 || x.Memberships[0].Body != "specifikt-rad-folkhalsa" || x.Memberships[0].Role != calendar.RoleMember {
		t.Errorf("memberships %+v", x.Memberships)
	}
	if len(x.Roles) != 1 || x.Roles[0].Role != calendar.AccessSecretary || x.Roles[0].Body != "chefsgrupp-folkhalsa" {
		t.Errorf("roles %+v", x.Roles)
	}
	if len(x.Emails) != 2 || x.Emails[0].Status != calendar.OutboxSent || x.Emails[0].Sent.IsZero() || x.Emails[0].Meeting != "Gemensamt möte" ||
		x.Emails[1].Status != calendar.OutboxQueued || x.Emails[1].Kind != "justering" {
		t.Errorf("emails %+v", x.Emails)
	}
	if len(x.SkippedEmails) != 1 || x.SkippedEmails[0].Kind != "anmalan" {
		t.Errorf("skipped emails %+v", x.SkippedEmails)
	}
	if len(x.Links) != 2 || x.Links[0].Purpose != calendar.LinkJustering || x.Links[0].MeetingID != d.meeting.ID ||
		x.Links[1].Purpose != calendar.LinkBooking || x.Links[1].WindowID != d.window.ID {
		t.Errorf("links %+v", x.Links)
	}
	if len(x.Approvals) != 1 || x.Approvals[0].MeetingID != d.meeting.ID || x.Approvals[0].Role != calendar.ApproverJusterare || x.Approvals[0].Approved.IsZero() {
		t.Errorf("approvals %+v", x.Approvals)
	}
	if len(x.Proposals) != 1 || x.Proposals[0].Title != "Nära vård-medlen" || x.Proposals[0].Status != calendar.AgendaProposed {
		t.Errorf("proposals %+v", x.Proposals)
	}
	if len(x.Sessions) != 1 || x.Sessions[0].Via != "link" || len(x.SignInLinks) != 1 ||
		len(x.APITokens) != 1 || x.APITokens[0].Name != "Annas skript" || x.APITokens[0].Expires != day(2024, 12, 31) {
		t.Errorf("sessions %+v sign-in links %+v tokens %+v", x.Sessions, x.SignInLinks, x.APITokens)
	}
	// Changes: her row (create, phone), membership, role, justering
	// (twice), agenda item, booking window attendees: about her; the room:
	// by her, without values.
	var about, by []string
	for _, c := range x.Changes {
		if c.AboutYou {
			about = append(about, c.Entity+"/"+string(c.Action))
		}
		if c.ByYou {
			by = append(by, c.Entity+"/"+string(c.Action))
			if c.Fields != nil {
				t.Errorf("a change she made about something else carries values: %+v", c)
			}
		}
	}
	wantAbout := []string{"person/create", "person/update", "membership/create", "role/create", "justering/create", "justering/update",
		"agenda_item/create", "booking_window/create"}
	if !slices.Equal(about, wantAbout) || !slices.Equal(by, []string{"room/create"}) {
		t.Errorf("changes about her %q, want %q; by her %q, want [room/create]", about, wantAbout, by)
	}

	// No secret and no message body is exported.
	b, err := json.Marshal(x)
	must(t, err)
	for _, secret := range []string{d.anna.FeedToken, d.link.Token, d.windowLink.Token, d.session, d.signIn, d.token,
		calendar.HashSecret(d.session), calendar.HashSecret(d.token), "Hej " + annaName} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the export holds %q", secret)
		}
	}
	_, err = e.s.ExportPerson(e.ctx, "ingen")
	wantErr(t, err, calendar.ENOTFOUND)
}

func testErasePerson(t *testing.T, e *env) {
	d := e.gdprFixture()
	admin := calendar.WithActor(e.ctx, calendar.Actor{Via: calendar.ViaCLI})
	x, err := e.s.ErasePerson(admin, annaKey)
	must(t, err)
	key := calendar.ErasedKeyPrefix + itoa(d.anna.ID)
	want := calendar.Erasure{Person: key, Memberships: 1, Roles: 1, Sessions: 1, SignInLinks: 1, APITokens: 1, PersonalLinks: 2,
		EmailsDropped: 1, EmailsScrubbed: 1, SkippedScrubbed: 1, ChangesScrubbed: x.ChangesScrubbed, KeptApprovals: 1, KeptProposals: 1}
	if *x != want || x.ChangesScrubbed < 8 {
		t.Errorf("erasure %+v, want %+v with at least 8 changes scrubbed", *x, want)
	}

	// The row stays, without anything that tells who it was.
	_, err = e.s.FindPersonByKey(e.ctx, annaKey)
	wantErr(t, err, calendar.ENOTFOUND)
	p, err := e.s.FindPersonByKey(e.ctx, key)
	must(t, err)
	if p.ID != d.anna.ID || p.Name != calendar.ErasedName || p.Email != "" || p.Phone != "" || p.Title != "" || p.Organisation != "" {
		t.Errorf("erased person %+v", p)
	}
	_, err = e.s.FindPersonByFeedToken(e.ctx, d.anna.FeedToken)
	wantErr(t, err, calendar.ENOTFOUND)

	// Sign-ins, tokens, links, roles and memberships are gone.
	_, err = e.s.FindSession(e.ctx, d.session, 0)
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.UseSignInLink(e.ctx, d.signIn)
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.FindAPITokenBySecret(e.ctx, d.token)
	wantErr(t, err, calendar.ENOTFOUND)
	for _, tok := range []string{d.link.Token, d.windowLink.Token} {
		_, err = e.s.FindLinkByToken(e.ctx, tok)
		wantErr(t, err, calendar.ENOTFOUND)
	}
	gs, err := e.s.FindGrants(e.ctx, calendar.GrantFilter{Person: &key})
	must(t, err)
	ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{Person: &key})
	must(t, err)
	if len(gs) != 0 || len(ms) != 0 {
		t.Errorf("after erasure: grants %+v memberships %+v", gs, ms)
	}

	// What must stay, stays, naming the erased row.
	j := e.justering(d.meeting.ID)
	if j.Approvals[0].Person != key || j.Approvals[0].ApprovedAt.IsZero() || j.Justerare[0] != key {
		t.Errorf("justering after erasure: %s", justeringText(j))
	}
	items, err := e.s.FindAgendaItems(e.ctx, d.meeting.ID)
	must(t, err)
	if len(items) != 1 || items[0].SubmittedBy != key || items[0].Presenter != calendar.ErasedName {
		t.Errorf("agenda after erasure: %+v", items)
	}
	w, err := e.s.FindBookingWindowByID(e.ctx, d.window.ID)
	must(t, err)
	if got := w.Attendees["chefsgrupp-folkhalsa"]; !slices.Equal(got, []string{"bo", key}) {
		t.Errorf("window attendees %q", got)
	}

	// Mail: the queued email is dropped; the sent one is kept for the
	// statistics without address or message.
	_, err = e.s.FindMessageByID(e.ctx, d.queued.ID)
	wantErr(t, err, calendar.ENOTFOUND)
	sent := e.message(d.sent.ID)
	if sent.Kind != "kallelse" || sent.Status != calendar.OutboxSent || sent.SentAt.IsZero() || sent.Recipient != "" || len(sent.Body) != 0 || sent.Person != "" {
		t.Errorf("sent message after erasure %+v", sent)
	}
	sk, err := e.s.FindSkipped(e.ctx, 0, 0)
	must(t, err)
	if len(sk) != 1 || sk[0].Recipient != "" || sk[0].Kind != "anmalan" || strings.Contains(sk[0].Reason, "Anna") {
		t.Errorf("skipped mail after erasure %+v", sk)
	}

	// Nothing anywhere in the stored text still names her: not the record
	// of changes (every row's fields and token name), the people, the
	// outbox or the skipped mail.
	for _, q := range []string{
		`SELECT fields || ' ' || actor_token FROM changes`,
		`SELECT key || ' ' || name || ' ' || email || ' ' || phone FROM people`,
		`SELECT recipient || ' ' || person || ' ' || subject || ' ' || last_error FROM outbox`,
		`SELECT recipient || ' ' || reason FROM skipped_mail`,
		`SELECT attendees FROM booking_windows`,
		`SELECT submitted_by || ' ' || presenter FROM agenda_items`,
	} {
		texts, err := sqlstore.QueryTexts(e.ctx, e.s, q)
		must(t, err)
		for _, text := range texts {
			if strings.Contains(strings.ToLower(text), "anna") || strings.Contains(text, annaPhone) {
				t.Errorf("%s: a row still names her: %s", q, text)
			}
		}
	}
	// The record keeps the erasure, without values, made by the CLI; the
	// room she created still names its maker, now the erased row.
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("person"), EntityID: &d.anna.ID})
	must(t, err)
	if len(cs) != 3 || cs[0].Action != calendar.ActionErase || len(cs[0].Fields) != 0 || cs[0].Actor.Via != calendar.ViaCLI {
		t.Fatalf("person changes after erasure %+v", cs)
	}
	for _, c := range cs[1:] {
		for name, f := range c.Fields {
			if f.Old != "" || f.New != "" {
				t.Errorf("change %d of her row keeps %s = %+v", c.ID, name, f)
			}
		}
	}
	rooms, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("room")})
	must(t, err)
	if len(rooms) != 1 || rooms[0].Actor.Person != key || rooms[0].Actor.Name != calendar.ErasedName {
		t.Errorf("room change actor %+v", rooms[0].Actor)
	}
	// Bo, the other justerare, is untouched.
	bo, err := e.s.FindPersonByKey(e.ctx, "bo")
	must(t, err)
	if bo.Name != "Person bo" || bo.Email != "bo@example.se" {
		t.Errorf("bo after Anna's erasure: %+v", bo)
	}
}

func testEraseTwice(t *testing.T, e *env) {
	d := e.gdprFixture()
	x, err := e.s.ErasePerson(e.ctx, annaKey)
	must(t, err)
	_, err = e.s.ErasePerson(e.ctx, annaKey)
	wantErr(t, err, calendar.ENOTFOUND)
	again, err := e.s.ErasePerson(e.ctx, x.Person)
	must(t, err)
	want := calendar.Erasure{Person: x.Person, KeptApprovals: 1, KeptProposals: 1}
	if *again != want {
		t.Errorf("second erasure %+v, want %+v", *again, want)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("person"), EntityID: &d.anna.ID, Limit: 2})
	must(t, err)
	if cs[0].Action != calendar.ActionErase || cs[1].Action != calendar.ActionErase {
		t.Errorf("latest person changes %+v, want two erasures", cs)
	}
	// A key taken by hand before: the erased row gets another.
	c := e.person("cecilia")
	must(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: calendar.ErasedKeyPrefix + itoa(c.ID), Name: "Namnet är taget"}))
	x, err = e.s.ErasePerson(e.ctx, "cecilia")
	must(t, err)
	if want := calendar.ErasedKeyPrefix + itoa(c.ID) + "-2"; x.Person != want {
		t.Errorf("erased cecilia got key %q, want %q", x.Person, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func testScrubWholeWords(t *testing.T, e *env) {
	// A person whose key and name are words inside other values: only
	// whole words are erased.
	e.body("bokning", calendar.Public)
	must(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "bo", Name: "Bo", Email: "bo@example.se"}))
	e.membership("bokning", "bo", calendar.Date{}, calendar.Date{})
	m := e.meeting("Bo och bokningen", day(2024, 10, 1), 9, 10, "bokning")
	x, err := e.s.ErasePerson(e.ctx, "bo")
	must(t, err)
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID})
	must(t, err)
	if got := cs[0].Fields["title"].New; got != calendar.ErasedName+" och bokningen" {
		t.Errorf("meeting title in the record: %q", got)
	}
	if got := cs[0].Fields["bodies"].New; got != "bokning" {
		t.Errorf("meeting bodies in the record: %q", got)
	}
	ms, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("membership")})
	must(t, err)
	if len(ms) != 2 || ms[0].Fields["person"].Old != x.Person || ms[0].Fields["body"].Old != "bokning" {
		t.Errorf("membership changes %+v", ms)
	}
}
