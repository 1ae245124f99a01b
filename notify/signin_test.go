package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// TestSignInMailInQuietTime: at night, in the quiet time, a sign-in link
// queued as /logga-in queues it goes out at once when the jobs are woken,
// DKIM-signed, while the other queued mail waits for the morning; once
// sent, the outbox keeps no copy of the link. A sign-in mail that could
// not go out while its link worked is skipped, and its body is emptied
// too.
func TestSignInMailInQuietTime(t *testing.T) {
	for _, e := range sqltest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			night := time.Date(2025, 1, 14, 23, 30, 0, 0, calendar.Location)
			c := &clock{t: night}
			st := e.Open(t, sqlstore.Options{Now: c.Now})
			signer := newSigner(t, "ed25519")
			s := startSink(t, true)
			enqueue(t, st, signer, 5) // kallelser, waiting for the morning
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			maria := &calendar.Person{Key: "maria", Name: "Maria Lindborg", Email: "maria.lindborg@region.test.example"}
			must(st.CreatePerson(ctx, maria))

			jobs := &notify.Jobs{Scanner: newScanner(st, signer, slog.New(slog.DiscardHandler)), Deliverer: newDeliverer(st, s.sender(nil), c),
				Quiet: notify.Quiet{Hours: true, From: 22 * 60, To: 7 * 60}}
			stop, err := jobs.Start("@every 1h")
			must(err)
			defer stop()

			composer := &notify.SignInMail{From: mail.Address{Name: "Region Örebro län", Address: "samkal@region.test.example"},
				Signer: signer, Region: "Region Örebro län"}
			queue := func(expires time.Time) (string, *calendar.OutboxMessage) {
				t.Helper()
				secret, err := st.CreateSignInLink(ctx, "maria", calendar.SignInLinkWindow)
				must(err)
				link := "https://samkal.region.test.example/logga-in/" + secret
				msg, err := composer.Message(maria, link, expires, c.Now())
				must(err)
				ok, err := st.EnqueueMessage(ctx, msg)
				if err != nil || !ok {
					t.Fatalf("enqueue the sign-in mail: %v, %v", ok, err)
				}
				return link, msg
			}

			link, msg := queue(c.Now().Add(calendar.SignInLinkWindow))
			if strings.Contains(msg.Key, link[strings.LastIndex(link, "/")+1:]) {
				t.Errorf("the outbox key %q holds the link's secret", msg.Key)
			}
			jobs.Wake()
			deadline := time.Now().Add(10 * time.Second)
			for len(s.messages()) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			got := s.messages()
			if len(got) != 1 {
				t.Fatalf("the sink received %d messages after the wake-up, want the one sign-in mail", len(got))
			}
			raw := got[0]
			verifyDKIM(t, signer, raw)
			unfolded := strings.ReplaceAll(strings.ReplaceAll(string(raw), "=\r\n", ""), "\r\n", "\n")
			for _, want := range []string{"Subject: Logga in i Samkal", "X-Samkal-Kind: inloggning", "To: \"Maria Lindborg\" <maria.lindborg@region.test.example>", link} {
				if !strings.Contains(unfolded, want) {
					t.Errorf("the sign-in mail lacks %q:\n%s", want, raw)
				}
			}
			sent, err := st.FindMessageByID(ctx, msg.ID)
			must(err)
			if sent.Status != calendar.OutboxSent || len(sent.Body) != 0 {
				t.Errorf("after sending: status %s, body of %d bytes; want sent and an empty body", sent.Status, len(sent.Body))
			}
			wantStatus(t, st, calendar.OutboxQueued, 5)

			// The scheduled run in the quiet time sends urgent mail only.
			queue(c.Now().Add(calendar.SignInLinkWindow))
			p, err := jobs.RunPass(ctx, c.Now(), false)
			must(err)
			if !p.Quiet || p.Deliver.Sent != 1 {
				t.Errorf("a run in the quiet time: %+v, want quiet and the sign-in mail sent", p)
			}
			wantStatus(t, st, calendar.OutboxQueued, 5)

			// Past its link's 15 minutes a sign-in mail is skipped.
			_, late := queue(c.Now().Add(calendar.SignInLinkWindow))
			c.Add(calendar.SignInLinkWindow)
			p, err = jobs.RunPass(ctx, c.Now(), false)
			must(err)
			if p.Scan.Skipped+p.Deliver.Skipped != 1 || p.Deliver.Sent != 0 { // the scan finds it first
				t.Errorf("a late sign-in mail: %+v, want it skipped", p)
			}
			skipped, err := st.FindMessageByID(ctx, late.ID)
			must(err)
			if skipped.Status != calendar.OutboxSkipped || len(skipped.Body) != 0 || !strings.Contains(skipped.LastError, "inloggningslänken hade gått ut") {
				t.Errorf("late sign-in mail: status %s, body %d bytes, reason %q", skipped.Status, len(skipped.Body), skipped.LastError)
			}
			if n := len(s.messages()); n != 2 {
				t.Errorf("the sink received %d messages, want the two sign-in mails", n)
			}
			for _, m := range s.messages() {
				if bytes.Contains(m, []byte("Kallelse")) {
					t.Errorf("a kallelse went out in the quiet time")
				}
			}
		})
	}
}
