package api_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// forhinderWorld is Rådet (a public council) with secretary Sara Sekreterare,
// ledamöter Anna Ahl and Bo Berg, ersättare Eva Ek (since 2024) and Cia
// Carlsson (since 2025, so called after Eva), guest Gun Gäst and an
// outsider, Olle Utanför; and a confirmed meeting on Tuesday 4 February
// 2025, 13–16, with one accepted agenda item. Its kallelse is due five
// days before: Thursday 30 January at 08.00.
func forhinderWorld(t testing.TB, e *env) *calendar.Meeting {
	t.Helper()
	ctx := context.Background()
	must(t, e.store.CreateBody(ctx, &calendar.Body{Slug: "radet", Name: "Rådet", Kind: calendar.BodyRegionalCouncil, Visibility: calendar.Public}))
	for _, p := range []struct {
		key, name string
		role      calendar.Role
		from      calendar.Date
	}{
		{"sara", "Sara Sekreterare", calendar.RoleSecretary, calendar.Date{Year: 2024, Month: 1, Day: 1}},
		{"anna", "Anna Ahl", calendar.RoleMember, calendar.Date{Year: 2024, Month: 1, Day: 1}},
		{"bo", "Bo Berg", calendar.RoleMember, calendar.Date{Year: 2024, Month: 1, Day: 1}},
		{"cia", "Cia Carlsson", calendar.RoleSubstitute, calendar.Date{Year: 2025, Month: 1, Day: 1}},
		{"eva", "Eva Ek", calendar.RoleSubstitute, calendar.Date{Year: 2024, Month: 1, Day: 1}},
		{"gun", "Gun Gäst", calendar.RoleGuest, calendar.Date{Year: 2024, Month: 1, Day: 1}},
		{"olle", "Olle Utanför", "", calendar.Date{}},
	} {
		must(t, e.store.CreatePerson(ctx, &calendar.Person{Key: p.key, Name: p.name, Email: p.key + "@example.org"}))
		if p.role != "" {
			must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: "radet", Person: p.key, Role: p.role, From: p.from}))
		}
	}
	day := calendar.Date{Year: 2025, Month: 2, Day: 4}
	m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"radet"}, Start: day.At(13, 0), End: day.At(16, 0),
		Status: calendar.StatusConfirmed, Location: "Lokal Eken"}
	must(t, e.store.CreateMeeting(ctx, m))
	must(t, e.store.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: m.ID, Title: "Budget för folkhälsoarbetet 2026",
		Kind: calendar.AgendaDecision, Status: calendar.AgendaAccepted}))
	return m
}

// received is one message as the SMTP server got it: its subject, its
// plain text decoded with every run of white space (the wrapping) made
// one space, and whether it carries a calendar invitation.
type received struct {
	Subject, Text string
	Invitation    bool
}

// inbox returns the messages rcpt has received, oldest first.
func (s *mailSink) inbox(t *testing.T, rcpt string) []received {
	t.Helper()
	s.mu.Lock()
	raw := append([]string(nil), s.got[strings.ToLower(rcpt)]...)
	s.mu.Unlock()
	var out []received
	for _, r := range raw {
		msg, err := netmail.ReadMessage(strings.NewReader(r))
		must(t, err)
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		must(t, err)
		rc := received{Subject: subject}
		var walk func(ct string, body io.Reader, enc string)
		walk = func(ct string, body io.Reader, enc string) {
			mt, params, err := mime.ParseMediaType(ct)
			must(t, err)
			switch {
			case strings.HasPrefix(mt, "multipart/"):
				mr := multipart.NewReader(body, params["boundary"])
				for {
					p, err := mr.NextRawPart()
					if err == io.EOF {
						return
					}
					must(t, err)
					walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"))
				}
			case mt == "text/calendar":
				rc.Invitation = true
			case mt == "text/plain":
				if strings.EqualFold(enc, "quoted-printable") {
					body = quotedprintable.NewReader(body)
				}
				b, err := io.ReadAll(body)
				must(t, err)
				rc.Text += strings.Join(strings.Fields(string(b)), " ") // unwrapped
			}
		}
		walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		out = append(out, rc)
	}
	return out
}

// forhinderJobs returns the mail jobs of e sending to sink, as serve wires
// them, and a pass: the clock set to at, then one scan and delivery.
func forhinderJobs(t *testing.T, e *env, sink *mailSink) (*notify.Jobs, func(at time.Time)) {
	from := mail.Address{Name: region, Address: "samkal@regionorebrolan.example.se"}
	jobs := &notify.Jobs{
		Scanner: &notify.Scanner{Store: e.store, Timing: notify.DefaultTiming, From: from, BaseURL: baseURL, Region: region},
		Deliverer: &notify.Deliverer{Store: e.store, Sender: mail.NewSender(mail.SMTPConfig{Host: "127.0.0.1", Port: sink.port,
			TLS: mail.TLSNone, HeloName: "samkal.test.example", Timeout: 10 * time.Second}, nil),
			From: from.Address, Worker: "forhinder", Now: e.clock.Now},
	}
	return jobs, func(at time.Time) {
		t.Helper()
		e.clock.Set(at)
		if _, err := jobs.RunPass(context.Background(), at, false); err != nil {
			t.Fatalf("the mail pass at %s: %v", at, err)
		}
	}
}

// TestForhinderWithdrawnBeforeSent: a förhinder withdrawn while the
// ersättare's kallelse waits in the outbox (the SMTP server was down, or
// quiet hours) leaves the ersättare alone: the queued kallelse is skipped,
// so there is nothing to take back. The secretary, who was told of the
// förhinder, is told of the withdrawal.
func TestForhinderWithdrawnBeforeSent(t *testing.T) {
	ctx := context.Background()
	sink := startMailSink(t)
	e := newEnv(t, nil)
	m := forhinderWorld(t, e)
	jobs, pass := forhinderJobs(t, e, sink)
	pass(time.Date(2025, 1, 30, 8, 0, 0, 0, calendar.Location)) // the kallelse
	_, err := e.store.ReportForhinder(ctx, m.ID, "bo", "")
	must(t, err)
	st, err := jobs.Scanner.Run(ctx, e.clock.Now()) // queued, not sent
	must(t, err)
	if st.Enqueued != 2 {
		t.Fatalf("the scan after Bo's förhinder queued %d, want 2 (the note to the secretary, Eva's kallelse)", st.Enqueued)
	}
	_, err = e.store.WithdrawForhinder(ctx, m.ID, "bo")
	must(t, err)
	pass(e.clock.Now().Add(time.Minute))
	if got := sink.subjects(t, "eva@example.org"); len(got) != 1 || got[0] != "Kallelse: Rådet tisdag 4 februari kl. 13.00" {
		t.Errorf("Eva got %q, want only her ordinary kallelse", got)
	}
	if got := sink.subjects(t, "sara@example.org"); len(got) != 3 || !strings.HasPrefix(got[2], "Förhinder återkallat: Bo Berg") {
		t.Errorf("the secretary got %q, want her kallelse, the förhinder and its withdrawal", got)
	}
	skipped, err := e.store.FindSkipped(ctx, m.ID, 0)
	must(t, err)
	var callIns []string
	for _, x := range skipped {
		if strings.Contains(x.Key, "/inkallad/") {
			callIns = append(callIns, x.Key+": "+x.Reason)
		}
	}
	if want := "m" + itoa(m.ID) + "/inkallad/eva/"; len(callIns) != 1 || !strings.HasPrefix(callIns[0], want) || !strings.Contains(callIns[0], "förhindret har återkallats") {
		t.Errorf("skipped kallelser as ersättare: %q, want Eva's (%s…) with the reason", callIns, want)
	}
}

// subjects lists the subjects of rcpt's messages.
func (s *mailSink) subjects(t *testing.T, rcpt string) []string {
	t.Helper()
	var out []string
	for _, m := range s.inbox(t, rcpt) {
		out = append(out, m.Subject)
	}
	return out
}

// TestForhinderEndToEnd is the förhinder flow with a real SMTP
// server, on both engines:
//
//  1. Before the kallelse, Bo says in Mina möten that he cannot come: the
//     secretary is told at once, and Eva, the first ersättare, is called
//     in, but her kallelse waits for the kallelse's day.
//  2. The kallelse goes out: Eva gets one kallelse, as ersättare for Bo,
//     and no ordinary one; every kallelse to those expected carries their
//     personal förhinder link.
//  3. Anna follows the link in her kallelse: the GET changes nothing; she
//     posts "Jag kan inte komma" with a message. The jobs are woken and
//     Cia, the next ersättare, gets the kallelse with the agenda at once,
//     with the invitation; the secretary is told with Anna's message.
//  4. The secretary's meeting page shows who comes, who has förhinder
//     (with the message) and who stands in for whom.
//  5. Anna can come after all: the secretary is told, and Cia is told she
//     is not needed. Another pass sends nothing again.
func TestForhinderEndToEnd(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		ctx := context.Background()
		sink := startMailSink(t)
		woken := 0
		e := newEnv(t, open, func(o *api.Options) { o.MailRequested = func() { woken++ } })
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		m := forhinderWorld(t, e)
		_, pass := forhinderJobs(t, e, sink)
		id := m.ID
		hub := "/mina-organ/moten/" + itoa(id)

		// 1. Bo, before the kallelse, from Mina möten.
		pass(time.Date(2025, 1, 20, 9, 0, 0, 0, calendar.Location))
		bo := sessionCookie(t, e, "bo")
		wantIn(t, "Bo's Mina möten", e.get("/mina-moten", bo), http.StatusOK, `href="/mina-moten/forhinder/`+itoa(id)+`"`, "Jag kan inte komma")
		wantIn(t, "Bo's förhinder page", e.get("/mina-moten/forhinder/"+itoa(id), bo), http.StatusOK,
			"Kan du komma till mötet?", `name="svar" value="kan-inte"`, "Lokal Eken", "Sara Sekreterare")
		r := e.postForm("/mina-moten/forhinder/"+itoa(id), url.Values{"svar": {"kan-inte"}, "meddelande": {"Jag är på semester."}}, bo)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/mina-moten/forhinder/"+itoa(id)+"?klart=kan-inte" {
			t.Fatalf("Bo's förhinder: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		if woken != 1 {
			t.Errorf("the jobs were woken %d times, want 1", woken)
		}
		wantIn(t, "Bo's Mina möten after", e.get("/mina-moten", bo), http.StatusOK, "Förhinder meddelat.")
		pass(e.clock.Now().Add(time.Minute))
		if got := sink.subjects(t, "sara@example.org"); len(got) != 1 || got[0] != "Förhinder: Bo Berg kan inte komma till Rådet 4 februari" {
			t.Errorf("the secretary got %q, want one förhinder note", got)
		}
		if got := sink.inbox(t, "sara@example.org"); len(got) == 1 && (!strings.Contains(got[0].Text, "Jag är på semester.") ||
			!strings.Contains(got[0].Text, "Ersättaren Eva Ek har kallats in")) {
			t.Errorf("the note to the secretary:\n%s", got[0].Text)
		}
		if got := sink.subjects(t, "eva@example.org"); len(got) != 0 {
			t.Errorf("Eva got %q before the kallelse's day, want nothing yet", got)
		}

		// 2. The kallelse's day.
		pass(time.Date(2025, 1, 30, 8, 0, 0, 0, calendar.Location))
		eva := sink.inbox(t, "eva@example.org")
		if len(eva) != 1 || eva[0].Subject != "Kallelse som ersättare: Rådet tisdag 4 februari kl. 13.00" || !eva[0].Invitation ||
			!strings.Contains(eva[0].Text, "Du ersätter Bo Berg, som har förhinder.") || !strings.Contains(eva[0].Text, "Budget för folkhälsoarbetet 2026") {
			t.Fatalf("Eva's mail on the kallelse's day, want one kallelse as ersättare for Bo with the agenda: %+v", eva)
		}
		for _, who := range []string{"anna", "bo", "cia", "sara", "gun"} {
			var kallelser int
			for _, s := range sink.subjects(t, who+"@example.org") {
				if strings.HasPrefix(s, "Kallelse: Rådet") {
					kallelser++
				}
			}
			if kallelser != 1 {
				t.Errorf("%s got %d kallelser, want 1: %q", who, kallelser, sink.subjects(t, who+"@example.org"))
			}
		}
		if in := sink.inbox(t, "gun@example.org"); len(in) == 1 && strings.Contains(in[0].Text, "/forhinder/") {
			t.Errorf("the guest's kallelse holds a förhinder link; a guest is not expected:\n%s", in[0].Text)
		}

		// 3. Anna, from the link in her kallelse.
		token := sink.link(t, "anna@example.org", "forhinder")
		page := "/forhinder/" + token
		wantIn(t, "Anna's link", e.get(page), http.StatusOK, "Kan du komma till mötet?", "Jag kan inte komma")
		if fs, _ := e.store.FindForhinder(ctx, id); len(fs) != 1 {
			t.Fatalf("after Anna's GET there are %d förhinder, want Bo's only", len(fs))
		}
		r = e.postForm(page, url.Values{"svar": {"kan-inte"}, "meddelande": {"Krockar med kommunstyrelsen.\nFrågor om budgeten till Bo."}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"?klart=kan-inte" {
			t.Fatalf("Anna's förhinder: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		wantIn(t, "Anna's link after", e.get(page+"?klart=kan-inte"), http.StatusOK, "Du har meddelat förhinder",
			"Sekreteraren får veta att du inte kan komma.", "Cia Carlsson har kallats in som ersättare för dig.", "Jag kan komma ändå")
		if woken != 2 {
			t.Errorf("the jobs were woken %d times, want 2", woken)
		}
		pass(e.clock.Now().Add(time.Minute))
		cia := sink.inbox(t, "cia@example.org")
		if len(cia) != 2 || cia[1].Subject != "Kallelse som ersättare: Rådet tisdag 4 februari kl. 13.00" || !cia[1].Invitation ||
			!strings.Contains(cia[1].Text, "Du ersätter Anna Ahl, som har förhinder.") || !strings.Contains(cia[1].Text, "Budget för folkhälsoarbetet 2026") {
			t.Fatalf("Cia's mail after Anna's förhinder, want her kallelse and then the one as ersättare for Anna: %+v", cia)
		}
		sara := sink.inbox(t, "sara@example.org")
		if last := sara[len(sara)-1]; last.Subject != "Förhinder: Anna Ahl kan inte komma till Rådet 4 februari" ||
			!strings.Contains(last.Text, "Krockar med kommunstyrelsen.") || !strings.Contains(last.Text, "Ersättaren Cia Carlsson") {
			t.Errorf("the secretary's note of Anna's förhinder: %+v", last)
		}

		// 4. The secretary's view.
		saraCookie := sessionCookie(t, e, "sara")
		wantIn(t, "the secretary's meeting page", e.get(hub, saraCookie), http.StatusOK, "Vilka kommer",
			"<strong>Anna Ahl</strong> (ledamot) kan inte komma, meddelat torsdag 30 januari 2025. Ersätts av Cia Carlsson.",
			"Krockar med kommunstyrelsen.\nFrågor om budgeten till Bo.",
			"<strong>Bo Berg</strong> (ledamot) kan inte komma, meddelat måndag 20 januari 2025. Ersätts av Eva Ek.",
			"<li>Cia Carlsson (ersättare) – Ersätter Anna Ahl.</li>", "<li>Eva Ek (ersättare) – Ersätter Bo Berg.</li>",
			"<li>Sara Sekreterare (sekreterare)</li>")

		// 5. Anna can come after all.
		r = e.postForm(page, url.Values{"svar": {"kan-komma"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("Anna's withdrawal: %d\n%s", r.StatusCode, r.body)
		}
		wantIn(t, "Anna's link after withdrawing", e.get(page+"?klart=kan-komma"), http.StatusOK, "Sekreteraren får veta att du kan komma ändå.", "Kan du komma till mötet?")
		pass(e.clock.Now().Add(time.Minute))
		cia = sink.inbox(t, "cia@example.org")
		if len(cia) != 3 || cia[2].Subject != "Du behövs inte som ersättare: Rådet 4 februari" || !strings.Contains(cia[2].Text, "Anna Ahl kan komma till mötet nedan ändå") {
			t.Fatalf("Cia's mail after the withdrawal: %+v", cia)
		}
		sara = sink.inbox(t, "sara@example.org")
		if last := sara[len(sara)-1]; last.Subject != "Förhinder återkallat: Anna Ahl kan komma till Rådet 4 februari" ||
			!strings.Contains(last.Text, "Cia Carlsson, som hade kallats in, har fått veta att hen inte behövs") {
			t.Errorf("the secretary's note of the withdrawal: %+v", last)
		}
		wantIn(t, "the secretary's page after", e.get(hub, saraCookie), http.StatusOK, "<li>Anna Ahl (ledamot)</li>", "<li>Cia Carlsson</li>")
		// Nothing is sent twice.
		counts := map[string]int{}
		for _, who := range []string{"anna", "bo", "cia", "eva", "sara", "gun"} {
			counts[who] = len(sink.inbox(t, who+"@example.org"))
		}
		pass(e.clock.Now().Add(time.Hour))
		for who, n := range counts {
			if got := len(sink.inbox(t, who+"@example.org")); got != n {
				t.Errorf("%s: %d messages after one more pass, want still %d: %q", who, got, n, sink.subjects(t, who+"@example.org"))
			}
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestForhinderPages: who may use the förhinder pages and what a wrong
// form gets, on both engines. A GET never changes anything; a stranger is
// sent to sign in; a signed-in person who is not expected at the meeting
// (an outsider, a guest) finds no page; a form without an answer, or with
// a message that cannot be stored, gets an error summary linking to the
// field and changes nothing; the link of another purpose, a forged token
// and a link after the meeting began do not work; a cancelled meeting
// says so and offers no button.
func TestForhinderPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		ctx := context.Background()
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		m := forhinderWorld(t, e)
		page := "/mina-moten/forhinder/" + itoa(m.ID)
		count := func() int {
			t.Helper()
			fs, err := e.store.FindForhinder(ctx, m.ID)
			must(t, err)
			return len(fs)
		}

		// The secretary sees the ersättare in the order they are called in:
		// Eva (since 2024) before Cia (since 2025), whatever the names.
		hub := e.get("/mina-organ/moten/"+itoa(m.ID), sessionCookie(t, e, "sara"))
		wantIn(t, "the secretary's page", hub, http.StatusOK, "Ingen har meddelat förhinder.",
			"<li>Eva Ek</li>\n<li>Cia Carlsson</li>", "<li>Anna Ahl (ledamot)</li>")
		if strings.Contains(hub.text(), "Gun Gäst") {
			t.Error("the secretary's list of who comes names the guest, who is not expected")
		}

		if r := e.get(page); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in?next=") {
			t.Errorf("a stranger: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.postForm(page, url.Values{"svar": {"kan-inte"}}); r.StatusCode != http.StatusSeeOther || count() != 0 {
			t.Errorf("a stranger's POST: %d, %d förhinder", r.StatusCode, count())
		}
		for _, who := range []string{"olle", "gun"} {
			c := sessionCookie(t, e, who)
			wantIn(t, who+"'s page", e.get(page, c), http.StatusNotFound)
			wantIn(t, who+"'s POST", e.postForm(page, url.Values{"svar": {"kan-inte"}}, c), http.StatusNotFound)
			if strings.Contains(e.get("/mina-moten", c).text(), "/mina-moten/forhinder/") {
				t.Errorf("%s's Mina möten links a förhinder page", who)
			}
		}
		wantIn(t, "an unknown meeting", e.get("/mina-moten/forhinder/9999", sessionCookie(t, e, "anna")), http.StatusNotFound)

		anna := sessionCookie(t, e, "anna")
		r := e.postForm(page, url.Values{"meddelande": {"Hej"}}, anna)
		wantIn(t, "no answer", r, http.StatusBadRequest, `class="error-summary"`, "Välj om du kan komma eller inte")
		r = e.postForm(page, url.Values{"svar": {"kan-inte"}, "meddelande": {strings.Repeat("å", 10001)}}, anna)
		wantIn(t, "a message too long", r, http.StatusUnprocessableEntity, `<a href="#meddelande">Meddelandet får vara högst 10000 tecken.</a>`,
			`aria-invalid="true"`, `id="meddelande-fel"`)
		r = e.postForm(page, url.Values{"svar": {"kan-inte"}, "meddelande": {"a\x00b"}}, anna)
		wantIn(t, "a NUL", r, http.StatusUnprocessableEntity, "nolltecken")
		if r := e.postRaw(page, "application/json", []byte(`{"svar":"kan-inte"}`), anna); r.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("JSON to the form: %d, want 415", r.StatusCode)
		}
		if n := count(); n != 0 {
			t.Fatalf("after the wrong forms there are %d förhinder, want none", n)
		}
		// Withdrawing what was never given changes nothing, and confirms nothing.
		r = e.postForm(page, url.Values{"svar": {"kan-komma"}}, anna)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page || count() != 0 {
			t.Errorf("withdrawing nothing: %d to %q, %d förhinder; want 303 to the page itself", r.StatusCode, r.Header.Get("Location"), count())
		}

		// Links: a forged token, an anmälan link, a förhinder link after the start.
		wantIn(t, "a forged token", e.get("/forhinder/"+strings.Repeat("A", 43)), http.StatusNotFound, "Länken finns inte")
		agenda, err := e.store.EnsureLink(ctx, calendar.LinkAgenda, m.ID, "anna", m.Start)
		must(t, err)
		wantIn(t, "an anmälan link", e.get("/forhinder/"+agenda.Token), http.StatusNotFound, "Länken finns inte")
		l, err := e.store.EnsureLink(ctx, calendar.LinkForhinder, m.ID, "anna", m.Start)
		must(t, err)
		wantIn(t, "the link", e.get("/forhinder/"+l.Token), http.StatusOK, "Kan du komma till mötet?")
		if got := e.get("/forhinder/" + l.Token).Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("the link's page: Cache-Control %q, want no-store", got)
		}
		e.clock.Set(m.Start)
		anna = sessionCookie(t, e, "anna") // a session of the new day
		wantIn(t, "the link after the start", e.get("/forhinder/"+l.Token), http.StatusGone, "Mötet har redan börjat")
		wantIn(t, "the page after the start", e.get(page, anna), http.StatusOK, "Mötet har redan börjat, så det går inte att ändra något här längre.")
		if strings.Contains(e.get(page, anna).text(), `name="svar"`) {
			t.Error("the page offers a button after the start")
		}
		wantIn(t, "a POST after the start", e.postForm(page, url.Values{"svar": {"kan-inte"}}, anna), http.StatusConflict, "Mötet har redan börjat")
		if n := count(); n != 0 {
			t.Fatalf("after the start there are %d förhinder, want none", n)
		}

		// A cancelled meeting.
		e.clock.Set(start)
		anna = sessionCookie(t, e, "anna")
		cancelled := calendar.StatusCancelled
		_, err = e.store.UpdateMeeting(ctx, m.ID, calendar.MeetingUpdate{Status: &cancelled})
		must(t, err)
		wantIn(t, "a cancelled meeting", e.get(page, anna), http.StatusOK, "Mötet är inställt, så du behöver inte meddela något.")
		wantIn(t, "a POST to a cancelled meeting", e.postForm(page, url.Values{"svar": {"kan-inte"}}, anna), http.StatusConflict)
		if n := count(); n != 0 {
			t.Fatalf("a cancelled meeting has %d förhinder, want none", n)
		}
	})
}
