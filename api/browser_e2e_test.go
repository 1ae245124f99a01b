package api_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/emersion/go-smtp"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// TestBrowserSecretaryDay is the end-to-end flow, in one browser,
// as a secretary works, by keyboard, with axe-core on every page visited.
// The server is the real api.Server on a SQLite file holding the example
// region, with notify's scan and deliverer sending through a real SMTP
// server in this process (mailSink); the test clock is moved to when mail
// is due, and the mail pass then runs as the scheduled job would run it.
//
//  1. Maria Lindborg asks for a sign-in link; it arrives by SMTP and she
//     signs in with it.
//  2. She creates chefsgrupp folkhälsa's 2026 årsplan, six dates, with the
//     new-meeting form, moves one and cancels another; the body's iCal
//     feed shows both.
//  3. She opens the booking weeks v 37–38 of the länsdelar and applies the
//     plan.
//  4. She builds the dagordning of chefsgrupp folkhälsa's meeting of 20
//     August 2025.
//  5. She sends the call for agenda items with "Skicka nu" on the utskick
//     page, and it arrives at the SMTP server; Anna Jakobsson opens the link in her
//     mail and proposes an item; Maria takes it into the dagordning.
//  6. Maria marks the minutes of the councils' joint meeting in Lokal Eken
//     ready; Siw Lunander's justering mail arrives, she approves with its
//     link, and Maria sees the approval.
//
// Maria keeps the councils and the länsdelar by grants (an admin gives
// them); the session lasts the test, whose clock leaps months.
func TestBrowserSecretaryDay(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	ctx := context.Background()
	sink := startMailSink(t)
	from := mail.Address{Name: region, Address: "samkal@regionorebrolan.example.se"}
	signIn := &notify.SignInMail{From: from, Region: region}
	timing := notify.DefaultTiming.Mail()
	// The server runs the scan and the delivery as serve wires them:
	// "Skicka nu" queues the letter at once (QueueMail) and asks for a
	// pass that delivers it (MailRequested), here run in the request.
	var jobs *notify.Jobs
	e := newEnv(t, nil, func(o *api.Options) {
		o.QueueMail = func(ctx context.Context) error {
			_, err := jobs.Scanner.Run(ctx, jobs.Deliverer.Now())
			return err
		}
		o.MailRequested = func() {
			if _, err := jobs.Deliverer.RunOnce(context.Background(), true); err != nil {
				t.Errorf("delivering after Skicka nu: %v", err)
			}
		}
		o.BaseURL = "http://localhost"
		o.SignInMail = signIn.Message
		o.MailTiming = &timing
		o.SessionIdle = 365 * 24 * time.Hour
		o.SessionLifetime = 365 * 24 * time.Hour
	})
	// Monday 12 May 2025: the spring, when next year is planned and the
	// booking weeks of the autumn are still open.
	e.clock.Set(time.Date(2025, 5, 12, 9, 0, 0, 0, calendar.Location))
	ex := loadExample(t, e)
	for _, b := range []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro", "samverkan-olbf", "samverkan-rf-sisu",
		"specifika-samverkansradet-for-folkhalsa", "specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg"} {
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
		must(t, err)
	}
	jobs = &notify.Jobs{
		Scanner: &notify.Scanner{Store: e.store, Timing: notify.DefaultTiming, From: from, BaseURL: "http://localhost", Region: region},
		Deliverer: &notify.Deliverer{Store: e.store, Sender: mail.NewSender(mail.SMTPConfig{Host: "127.0.0.1", Port: sink.port,
			TLS: mail.TLSNone, HeloName: "samkal.test.example", Timeout: 10 * time.Second}, nil),
			From: from.Address, Worker: "e2e", Now: e.clock.Now},
	}
	pass := func(at time.Time) {
		t.Helper()
		e.clock.Set(at)
		p, err := jobs.RunPass(ctx, at, false)
		if err != nil {
			t.Fatalf("the mail pass at %s: %v", at, err)
		}
		t.Logf("the mail pass at %s: %+v", at.Format(time.DateTime), p)
	}

	// check audits each page once in each of its states (with an error
	// summary, with a confirmation): axe takes about a second a page.
	audited := map[string]bool{}
	check := func(tab context.Context, mustPass ...string) {
		t.Helper()
		state := eval[string](t, tab, `location.pathname.replace(/[0-9]+/g, "N").replace(/[A-Za-z0-9_-]{20,}/g, "T") + location.search +
			(document.querySelector('[role="alert"]') ? " fel" : "") + (document.querySelector('[role="status"]') ? " klart" : "")`)
		if !audited[state] {
			audited[state] = true
			audit(t, tab, axe, mustPass...)
		}
	}

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	base := e.http.URL
	mainText := func() string { t.Helper(); return eval[string](t, tab, `document.querySelector("main").innerText`) }
	press := func(idOrButton string, want int64) {
		t.Helper()
		tabTo(t, tab, idOrButton)
		checkFocusVisible(t, focused(t, tab))
		if got := submitByKey(t, tab, kb.Enter); got != want {
			t.Fatalf("%s ended on %d, want %d:\n%s", idOrButton, got, want, mainText())
		}
	}
	// typeInto moves to a text field by Tab (which selects its text, so
	// typing replaces it) and types.
	typeInto := func(id, text string) {
		t.Helper()
		tabTo(t, tab, id)
		key(t, tab, text)
	}

	began := time.Now()
	step := func(name string) { t.Logf("%5.1f s: %s", time.Since(began).Seconds(), name) }
	// 1. Sign in with the link from the mail.
	open(t, tab, base+"/logga-in", 200)
	check(tab, "label")
	typeInto("epost", "maria-lindborg@example.org")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("asking for the link: %d", got)
	}
	check(tab)
	if _, err := jobs.Deliverer.RunUrgent(ctx); err != nil { // what the web handler's wake-up does
		t.Fatal(err)
	}
	token := sink.link(t, "maria-lindborg@example.org", "logga-in")
	open(t, tab, base+"/logga-in/"+token, 200)
	check(tab)
	press("Logga in", 200)

	step("årsplan")
	// 2. The 2026 årsplan: six Tuesdays, proposed.
	open(t, tab, base+"/mina-organ", 200)
	check(tab)
	// saveMeeting sends the meeting form with Enter in the field just
	// typed in (as a person does, without tabbing through the rest).
	saveMeeting := func(button string) string {
		t.Helper()
		status := submitByKey(t, tab, kb.Enter)
		if status == 409 { // a clash warning: save anyway, by choice
			check(tab, "label")
			tabTo(t, tab, "spara_anda")
			key(t, tab, " ")
			tabTo(t, tab, button)
			status = submitByKey(t, tab, kb.Enter)
		}
		if status != 200 {
			t.Fatalf("saving answered %d:\n%s", status, mainText())
		}
		check(tab)
		return mainText()
	}
	dates := []string{"2026-01-20", "2026-03-17", "2026-05-19", "2026-08-25", "2026-10-13", "2026-12-01"}
	hubs := map[string]string{}
	for _, d := range dates {
		open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa/nytt-mote", 200)
		check(tab, "label")
		typeInto("datum", d)
		if got := saveMeeting("Skapa mötet"); !strings.Contains(got, "Mötet är skapat.") {
			t.Fatalf("after creating %s:\n%s", d, got)
		}
		hubs[d] = run(t, tab, chromedp.Location())
	}
	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa?ar=2026", 200)
	check(tab)
	if got := eval[int](t, tab, `document.querySelectorAll('main a[href^="/mina-organ/moten/"]').length`); got < len(dates) {
		t.Errorf("the 2026 årsplan links %d meetings, want %d:\n%s", got, len(dates), mainText())
	}
	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa?ar=2026&visa=rutnat", 200)
	check(tab)

	step("move and cancel")
	// Move the March meeting a week; cancel the May one.
	open(t, tab, hubs["2026-03-17"], 200)
	check(tab)
	press("andra", 200)
	check(tab, "label")
	typeInto("datum", "2026-03-24")
	if got := saveMeeting("Spara"); !strings.Contains(got, "Ändringarna är sparade.") || !strings.Contains(got, "tisdag 24 mars 2026") {
		t.Fatalf("after moving:\n%s", got)
	}
	open(t, tab, hubs["2026-05-19"], 200)
	press("installa", 200)
	check(tab, "label")
	typeInto("meddelande", "Vi ses i juni i stället.")
	press("Ställ in mötet", 200)
	check(tab)
	if got := mainText(); !strings.Contains(got, "Mötet är inställt.") {
		t.Errorf("after cancelling:\n%s", got)
	}
	feed := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics").text()
	for _, want := range []string{"DTSTART;TZID=Europe/Stockholm:20260324T130000", "STATUS:CANCELLED"} {
		if !strings.Contains(feed, want) {
			t.Errorf("the body's feed lacks %q", want)
		}
	}
	if cancelled := regexp.MustCompile(`(?s)BEGIN:VEVENT.*?END:VEVENT`).FindAllString(feed, -1); !containsAll(cancelled, "20260519T", "STATUS:CANCELLED") {
		t.Errorf("the feed does not show the meeting of 19 May 2026 as cancelled")
	}

	step("booking weeks")
	// 3. The booking weeks v 37–38: the plan, applied.
	open(t, tab, base+"/mina-organ", 200)
	press("bokningsveckor", 200)
	check(tab)
	ws, err := e.store.FindBookingWindows(ctx)
	must(t, err)
	window := ws[0]
	if window.Weeks[0].Week != 37 {
		t.Fatalf("the first window is %v, want v 37–38", window.Weeks)
	}
	press(fmt.Sprintf("oppna-%d", window.ID), 200)
	check(tab)
	press("Lägg in förslaget", 200)
	check(tab)
	if got := eval[string](t, tab, `document.querySelector('[role="status"]').innerText`); !strings.Contains(got, "Förslaget är inlagt") {
		t.Errorf("after applying the plan the page says %q", got)
	}
	for _, b := range []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro"} {
		f := calendar.MeetingFilter{Bodies: []string{b}}
		ms, err := e.store.FindMeetings(ctx, f)
		must(t, err)
		placed := false
		for _, m := range ms {
			_, w := m.Start.ISOWeek()
			placed = placed || m.Start.Year() == 2025 && (w == 37 || w == 38)
		}
		if !placed {
			t.Errorf("%s has no meeting in v 37–38 after the plan was applied", b)
		}
	}

	step("dagordning")
	// 4. The dagordning of 20 August 2025.
	august := ex.meeting(t, "chefsgrupp-folkhalsa-2025-08-20")
	agenda := fmt.Sprintf("%s/mina-organ/moten/%d/dagordning", base, august.ID)
	open(t, tab, fmt.Sprintf("%s/mina-organ/moten/%d", base, august.ID), 200)
	check(tab)
	press("Fastställ mötet", 200) // the seed's 2025 dates are a proposal; calls go out for fixed meetings
	check(tab)
	open(t, tab, agenda, 200)
	check(tab, "label")
	for _, title := range []string{"Gemensam samverkansplan för folkhälsa", "Mötestider 2026"} {
		typeInto("rubrik", title)
		if got := submitByKey(t, tab, kb.Enter); got != 200 {
			t.Fatalf("adding %q ended on %d:\n%s", title, got, mainText())
		}
	}
	check(tab, "label")

	step("call")
	// 5. The call would go out by itself 14 days before, at 08.00; the
	// secretary reads it on the utskick page and sends it now.
	mailings := fmt.Sprintf("%s/mina-organ/moten/%d/utskick", base, august.ID)
	open(t, tab, mailings, 200)
	check(tab)
	press("skicka-nu-inbjudan", 200)
	check(tab)
	if got := eval[string](t, tab, `document.querySelector("#skickat").parentElement.innerText`); !strings.Contains(got, "Anna Jakobsson") {
		t.Errorf("after Skicka nu the utskick page's outbox does not list the call to Anna Jakobsson:\n%s", got)
	}
	call := sink.link(t, "anna-jakobsson@example.org", "anmalan")
	member := otherPerson(t, browser) // Anna, in her own browser
	open(t, member, base+"/anmalan/"+call, 200)
	check(member, "label")
	tabTo(t, member, "rubrik")
	key(t, member, "Psykisk hälsa bland unga")
	if got := submitByKey(t, member, kb.Enter); got != 200 {
		t.Fatalf("Anna's proposal ended on %d", got)
	}
	check(member)
	items, err := e.store.FindAgendaItems(ctx, august.ID)
	must(t, err)
	var proposal *calendar.AgendaItem
	for _, a := range items {
		if a.Title == "Psykisk hälsa bland unga" && a.Status == calendar.AgendaProposed && a.SubmittedBy == "anna-jakobsson" {
			proposal = a
		}
	}
	if proposal == nil {
		t.Fatalf("Anna's proposal is not stored: %+v", items)
	}
	open(t, tab, agenda, 200)
	check(tab, "label")
	press(fmt.Sprintf("ta-med-%d", proposal.ID), 200)
	check(tab, "label")
	got, err := e.store.FindAgendaItemByID(ctx, proposal.ID)
	must(t, err)
	if got.Status != calendar.AgendaAccepted {
		t.Errorf("after Ta med the proposal is %s", got.Status)
	}
	if list := eval[string](t, tab, `document.querySelector("ol.agenda").innerText`); !strings.Contains(list, "Psykisk hälsa bland unga") {
		t.Errorf("the dagordning lacks the proposal:\n%s", list)
	}

	step("justering")
	// 6. Justering of the councils' joint meeting in Lokal Eken.
	councils := ex.meeting(t, "specifika-samverkansraden-2024-09-20")
	minutes := fmt.Sprintf("%s/mina-organ/moten/%d/justering", base, councils.ID)
	open(t, tab, minutes, 200)
	check(tab, "label")
	// Both councils' members are listed, some thirty checkboxes: the
	// test focuses Siw's directly rather than by thirty presses of Tab,
	// and ticks it with the space bar.
	eval[chromedp.Void](t, tab, `document.querySelector('input[name="justerare"][value="siw-lunander"]').focus()`)
	key(t, tab, " ")
	typeInto("dokument", "https://www.regionorebrolan.se/protokoll/samverkansraden-2024-09-20.pdf")
	press("Markera som klart", 200)
	check(tab)
	pass(e.clock.Now().Add(time.Minute))
	approve := sink.link(t, "siw-lunander@example.org", "justering")
	justerare := otherPerson(t, browser) // Siw, in her own browser
	open(t, justerare, base+"/justering/"+approve, 200)
	check(justerare)
	tabTo(t, justerare, "Justera")
	if got := submitByKey(t, justerare, kb.Enter); got != 200 {
		t.Fatalf("Siw's Justera ended on %d", got)
	}
	check(justerare)
	open(t, tab, minutes, 200)
	check(tab)
	if got := mainText(); !strings.Contains(got, "Siw Lunander") || !strings.Contains(got, "Justerade "+calendar.In(e.clock.Now()).Format(time.DateOnly)) {
		t.Errorf("after Siw's approval the justering page says:\n%s", got)
	}
}

// otherPerson opens a tab in a browser context of its own, without
// Maria's cookies: another person's browser, without starting another
// Chromium.
func otherPerson(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

func containsAll(events []string, want ...string) bool {
	for _, ev := range events {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(ev, w)
		}
		if ok {
			return true
		}
	}
	return false
}

// mailSink is a real SMTP server (go-smtp) on loopback that keeps what it
// receives, per recipient.
type mailSink struct {
	port int
	mu   sync.Mutex
	got  map[string][]string // recipient -> messages
}

func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	s := &mailSink{got: map[string][]string{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkMail{s: s}, nil }))
	srv.Domain = "mx.test.example"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.port = l.Addr().(*net.TCPAddr).Port
	return s
}

// link returns the token of the last /{path}/{token} link in the last
// message to rcpt, failing t when none has come.
func (s *mailSink) link(t *testing.T, rcpt, path string) string {
	t.Helper()
	s.mu.Lock()
	msgs := s.got[strings.ToLower(rcpt)]
	s.mu.Unlock()
	if len(msgs) == 0 {
		s.mu.Lock()
		var who []string
		for k := range s.got {
			who = append(who, k)
		}
		s.mu.Unlock()
		t.Fatalf("no mail has come to %s (mail came to %v)", rcpt, who)
	}
	// Quoted-printable breaks long lines with a soft break ("=" at the end).
	body := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(msgs[len(msgs)-1])
	m := regexp.MustCompile(`/`+path+`/([A-Za-z0-9_-]{20,})`).FindAllStringSubmatch(body, -1)
	if m == nil {
		t.Fatalf("the mail to %s holds no /%s/ link:\n%s", rcpt, path, body)
	}
	return m[len(m)-1][1]
}

type sinkMail struct {
	s  *mailSink
	to []string
}

func (m *sinkMail) Mail(string, *smtp.MailOptions) error { return nil }

func (m *sinkMail) Rcpt(to string, _ *smtp.RcptOptions) error {
	m.to = append(m.to, strings.ToLower(to))
	return nil
}

func (m *sinkMail) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	for _, to := range m.to {
		m.s.got[to] = append(m.s.got[to], string(b))
	}
	return nil
}

func (m *sinkMail) Reset()        { m.to = nil }
func (m *sinkMail) Logout() error { return nil }
