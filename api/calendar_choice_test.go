package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// TestCalendarChoice: a member chooses invitations, the feed or both on
// /mina-moten/kalenderval; the page starts at invitations (the default for
// everyone who never chose), a form without a choice gets the error summary
// and saves nothing, a choice is stored and confirmed on Mina möten, and
// the personal feed is the same whatever the choice.
func TestCalendarChoice(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		ctx := context.Background()
		if r := e.get("/mina-moten/kalenderval"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger: %d %s, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.postForm("/mina-moten/kalenderval", url.Values{"kalenderval": {"feed"}}); r.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("a stranger's post: %d %s, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}
		maria := sessionCookie(t, e, "maria-lindborg")
		wantIn(t, "mina möten", e.get("/mina-moten", maria), http.StatusOK, "Du har valt: <strong>Inbjudningar i e-posten</strong>",
			`<a href="/mina-moten/kalenderval">`)
		wantIn(t, "the choice", e.get("/mina-moten/kalenderval", maria), http.StatusOK,
			`<legend><h1>Hur vill du få dina möten i din kalender?</h1></legend>`,
			`id="kalenderval" name="kalenderval" type="radio" value="invitations" checked`,
			`id="kalenderval-feed" name="kalenderval" type="radio" value="feed" aria-describedby="kalenderval-feed-tips"`,
			`value="both"`, "Bara prenumeration", "Både inbjudningar och prenumeration",
			"utan kalenderinbjudan – så att mötet inte hamnar två gånger", "Kallelsen med dagordningen kommer alltid i e-posten")

		feedBefore := e.get("/feeds/people/" + f.maria.FeedToken + ".ics")
		for _, bad := range []url.Values{{}, {"kalenderval": {"fax"}}} {
			r := e.postForm("/mina-moten/kalenderval", bad, maria)
			wantIn(t, "no choice", r, http.StatusUnprocessableEntity, `<title>Fel: `, `<a href="#kalenderval">Välj hur du vill få dina möten i din kalender.</a>`,
				`aria-describedby="kalenderval-fel"`)
			if strings.Contains(r.text(), " checked") {
				t.Errorf("after a form without a choice, a radio button is checked")
			}
		}
		p, err := e.store.FindPersonByKey(ctx, "maria-lindborg")
		must(t, err)
		if p.Delivery != calendar.DeliveryInvitations {
			t.Fatalf("after wrong forms Delivery = %q, want it unchanged", p.Delivery)
		}

		r := e.postForm("/mina-moten/kalenderval", url.Values{"kalenderval": {"feed"}}, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/mina-moten?klart=kalenderval" {
			t.Fatalf("choosing the feed: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		p, err = e.store.FindPersonByKey(ctx, "maria-lindborg")
		must(t, err)
		if p.Delivery != calendar.DeliveryFeed {
			t.Fatalf("Delivery = %q, want feed", p.Delivery)
		}
		wantIn(t, "the confirmation", e.get("/mina-moten?klart=kalenderval", maria), http.StatusOK,
			`<div class="confirmation" role="status"><p>Ditt val är sparat: Bara prenumeration.</p></div>`,
			"Du har valt: <strong>Bara prenumeration</strong>")
		wantIn(t, "the choice again", e.get("/mina-moten/kalenderval", maria), http.StatusOK, `value="feed" checked`)
		// The choice is in the person's data, as the admin exports it.
		if r := e.adminGet("/administration/personer/maria-lindborg/uppgifter"); r.StatusCode != 200 || !strings.Contains(r.text(), `"calendar_delivery":"feed"`) &&
			!strings.Contains(r.text(), `"calendar_delivery": "feed"`) {
			t.Errorf("the export: %d, no calendar_delivery feed:\n%.1500s", r.StatusCode, r.body)
		}
		// The secretary sees each member's choice among the members.
		wantIn(t, "the members page", e.get("/mina-organ/arbetsgrupp-uppfoljningsdag/medlemmar", maria), http.StatusOK,
			`<th scope="col">Kalender</th>`, `<td data-label="Kalender">Prenumeration (ingen inbjudan)</td>`, `<td data-label="Kalender">Inbjudan</td>`)
		if other := e.get("/mina-moten/kalenderval", sessionCookie(t, e, "anna-berg")); strings.Contains(other.text(), `value="feed" checked`) {
			t.Error("Anna's page shows Maria's choice")
		}

		feedAfter := e.get("/feeds/people/" + f.maria.FeedToken + ".ics")
		if feedAfter.StatusCode != 200 || bytes.Count(feedAfter.body, []byte("BEGIN:VEVENT")) != bytes.Count(feedBefore.body, []byte("BEGIN:VEVENT")) ||
			bytes.Count(feedAfter.body, []byte("BEGIN:VEVENT")) == 0 {
			t.Errorf("the personal feed changed with the choice: %d, %d events before, %d after", feedAfter.StatusCode,
				bytes.Count(feedBefore.body, []byte("BEGIN:VEVENT")), bytes.Count(feedAfter.body, []byte("BEGIN:VEVENT")))
		}
	})
}

// TestCalendarLinkForm: "Skicka min kalenderlänk". The start page offers
// the form to who is not signed in. A known address, an unknown one and a
// known one again all get the same answer (303 to the same page, which is
// the same for all; the address is looked up after the answer); the known person's mail, composed by notify and
// delivered to a real SMTP server, holds their feed address and Mina
// möten; the unknown address and the second request get no mail. A
// malformed address gets the form again with the error, and anonymous
// posts run into the limit of anonymous writes.
func TestCalendarLinkForm(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		sink := startMailSink(t)
		from := mail.Address{Name: region, Address: "samkal@regionorebrolan.example.se"}
		composer := &notify.CalendarLinkMail{From: from, Region: region}
		var woken atomic.Int32
		e := newEnv(t, open, func(o *api.Options) {
			o.CalendarLinkMail = composer.Message
			o.MailQueued = func() { woken.Add(1) }
			o.RateLimits.Writes = api.Rate{Burst: 6, Every: time.Hour}
		})
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		deliverer := &notify.Deliverer{Store: e.store, Sender: mail.NewSender(mail.SMTPConfig{Host: "127.0.0.1", Port: sink.port,
			TLS: mail.TLSNone, HeloName: "samkal.test.example", Timeout: 10 * time.Second}, nil),
			From: from.Address, Worker: "test", Now: e.clock.Now}
		deliver := func() {
			t.Helper()
			if _, err := deliverer.RunUrgent(context.Background()); err != nil {
				t.Fatal(err)
			}
		}

		wantIn(t, "the start page", e.get("/"), http.StatusOK, `<form class="form" method="post" action="/kalenderlank"`,
			`<h3 id="kalenderlank-rubrik">Skicka min kalenderlänk</h3>`)
		if r := e.get("/", sessionCookie(t, e, "maria-lindborg")); strings.Contains(r.text(), `action="/kalenderlank"`) {
			t.Error("the start page offers the form to who is signed in, who has Mina möten")
		}

		post := func(email string) *resp {
			t.Helper()
			return e.postForm("/kalenderlank", url.Values{"epost": {email}})
		}
		known := post(mariaEmail) // 1
		unknown := post("nobody.here@example.org")
		again := post(mariaEmail)
		for name, r := range map[string]*resp{"known": known, "unknown": unknown, "known again": again} {
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/kalenderlank?skickad=1" || !bytes.Equal(r.body, known.body) {
				t.Errorf("%s address: %d %q %q; want the same 303 to /kalenderlank?skickad=1 as the known one", name, r.StatusCode,
					r.Header.Get("Location"), r.body)
			}
		}
		wantIn(t, "the answer", e.get("/kalenderlank?skickad=1"), http.StatusOK, "<h1>Kolla din e-post</h1>",
			"Om adressen finns hos oss har vi skickat länken till din kalender till den.")
		e.srv.Wait() // the address is looked up after the answer
		if n := woken.Load(); n != 1 {
			t.Errorf("the delivery was woken %d times, want once (for the known address, once)", n)
		}
		deliver()
		sink.mu.Lock()
		got, total := sink.got[strings.ToLower(mariaEmail)], len(sink.got)
		sink.mu.Unlock()
		if len(got) != 1 || total != 1 {
			t.Fatalf("Maria got %d mails, %d recipients got mail; want one mail to Maria alone", len(got), total)
		}
		body := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(got[0])
		for _, want := range []string{"/feeds/people/" + f.maria.FeedToken + ".ics", "/mina-moten", "X-Samkal-Kind: kalenderlank"} {
			if !strings.Contains(body, want) {
				t.Errorf("Maria's mail lacks %q:\n%s", want, body)
			}
		}

		// After the wait, a new request sends a new mail.
		e.clock.Add(calendar.CalendarLinkMailEvery)
		if r := post(strings.ToUpper(mariaEmail)); r.StatusCode != http.StatusSeeOther { // 4
			t.Fatalf("after the wait: %d", r.StatusCode)
		}
		e.srv.Wait()
		deliver()
		sink.mu.Lock()
		n := len(sink.got[strings.ToLower(mariaEmail)])
		sink.mu.Unlock()
		if n != 2 {
			t.Errorf("after the wait Maria has %d mails, want 2", n)
		}

		for _, bad := range []string{"", "maria", "Maria <" + mariaEmail + ">"} {
			r := post(bad) // 5, 6, then refused
			if r.StatusCode == http.StatusTooManyRequests {
				if bad != "Maria <"+mariaEmail+">" {
					t.Errorf("refused too early, at %q", bad)
				}
				if r.Header.Get("Retry-After") == "" || !strings.Contains(r.text(), "För många försök") {
					t.Errorf("the refusal: Retry-After %q\n%s", r.Header.Get("Retry-After"), r.body)
				}
				continue
			}
			wantIn(t, "address "+bad, r, http.StatusUnprocessableEntity, "<title>Fel: Skicka min kalenderlänk", `<a href="#epost">`,
				`aria-invalid="true"`)
		}
		if r := post(mariaEmail); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the eighth anonymous post in an hour: %d, want 429", r.StatusCode)
		}
	})
}
