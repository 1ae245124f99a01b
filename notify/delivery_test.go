package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// TestInvitationPerChoice: each member's choice of invitations or feed
// (calendar.CalendarDelivery) decides whether the kallelse, its update
// and the cancellation carry the iCalendar invitation, received by a real
// SMTP server. Anna chose the feed: her kallelse comes, with the agenda,
// but with no text/calendar part and no invite.ics, and so does her
// cancellation; Bertil chose both and gets invitations; the others never
// chose and get them as before.
func TestInvitationPerChoice(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, _ := newMailWorld(t, eng, "2026-03-30 10:00")
			for key, d := range map[string]calendar.CalendarDelivery{"anna-ek": calendar.DeliveryFeed, "bertil-al": calendar.DeliveryBoth} {
				if _, err := st.UpdatePerson(ctx, key, calendar.PersonUpdate{Delivery: &d}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: "Trygghetsvandringar i Lindesberg",
				Status: calendar.AgendaAccepted}); err != nil {
				t.Fatal(err)
			}
			// The calls' deadline has passed: only the kallelse goes out.
			if p := pass(t, j, local("2026-03-25 08:00")); p.Deliver.Sent != 5 {
				t.Fatalf("kallelse pass = %+v, want 5 sent", p)
			}
			check := func(step, method, subject string) {
				t.Helper()
				got := receivedBy(t, s, nil)
				for _, m := range councilMembers {
					if m.email == "" {
						continue
					}
					if len(got[m.email]) == 0 {
						t.Fatalf("%s: nothing came to %s", step, m.email)
					}
					last := got[m.email][len(got[m.email])-1]
					if !strings.Contains(last.subject, subject) {
						t.Errorf("%s to %s: subject %q, want it to hold %q", step, m.email, last.subject, subject)
					}
					if method == "REQUEST" && !strings.Contains(last.parts["text/plain"], "Trygghetsvandringar i Lindesberg") {
						t.Errorf("%s to %s lacks the agenda:\n%s", step, m.email, last.parts["text/plain"])
					}
					if m.key == "anna-ek" {
						if _, ok := last.parts["text/calendar"]; ok || strings.Contains(string(last.raw), "BEGIN:VCALENDAR") ||
							strings.Contains(string(last.raw), "invite.ics") {
							t.Errorf("%s to Anna, who chose the feed, carries an invitation:\n%s", step, last.raw)
						}
						continue
					}
					if got, _ := invite(t, last); got != method {
						t.Errorf("%s to %s: METHOD %q, want %s", step, m.email, got, method)
					}
				}
			}
			check("kallelse", "REQUEST", "Kallelse")

			later, end := r.meeting.Start.Add(time.Hour), r.meeting.End.Add(time.Hour)
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &later, End: &end}); err != nil {
				t.Fatal(err)
			}
			if p := pass(t, j, local("2026-03-26 09:00")); p.Deliver.Sent != 5 {
				t.Fatalf("update pass = %+v, want 5 sent", p)
			}
			check("update", "REQUEST", "Ändrad")

			cancelled := calendar.StatusCancelled
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Status: &cancelled}); err != nil {
				t.Fatal(err)
			}
			if p := pass(t, j, local("2026-03-27 09:00")); p.Deliver.Sent != 5 {
				t.Fatalf("cancel pass = %+v, want 5 sent", p)
			}
			check("cancellation", "CANCEL", "Inställt")
		})
	}
}

// TestCalendarLinkMail: the email of "Skicka min kalenderlänk", queued as
// the start page's handler queues it, goes out at once when the jobs are
// woken (also in the quiet time), DKIM-signed, with the feed's address,
// the help per program and Mina möten; once sent, the outbox keeps no copy
// of the address (it is a long-lived secret).
func TestCalendarLinkMail(t *testing.T) {
	for _, e := range sqltest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			night := time.Date(2025, 1, 14, 23, 30, 0, 0, calendar.Location)
			c := &clock{t: night}
			st := e.Open(t, sqlstore.Options{Now: c.Now})
			signer := newSigner(t, "ed25519")
			s := startSink(t, true)
			maria := &calendar.Person{Key: "maria", Name: "Maria Lindborg", Email: "maria.lindborg@region.test.example"}
			if err := st.CreatePerson(ctx, maria); err != nil {
				t.Fatal(err)
			}
			composer := &notify.CalendarLinkMail{From: mail.Address{Name: "Region Örebro län", Address: "samkal@region.test.example"},
				Signer: signer, Region: "Region Örebro län"}
			feed := "https://samkal.region.test.example/feeds/people/" + maria.FeedToken + ".ics"
			msg, err := composer.Message(maria, feed, "https://samkal.region.test.example/mina-moten", c.Now())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(msg.Key, maria.FeedToken) || msg.Kind != calendar.OutboxCalendarLink {
				t.Errorf("outbox key %q kind %q: want kind %s and no token in the key", msg.Key, msg.Kind, calendar.OutboxCalendarLink)
			}
			if ok, err := st.EnqueueMessage(ctx, msg); err != nil || !ok {
				t.Fatalf("enqueue: %v %v", ok, err)
			}
			jobs := &notify.Jobs{Scanner: newScanner(st, signer, nil), Deliverer: newDeliverer(st, s.sender(nil), c),
				Quiet: notify.Quiet{Hours: true, From: 22 * 60, To: 7 * 60}}
			p, err := jobs.RunPass(ctx, c.Now(), false)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Quiet || p.Deliver.Sent != 1 {
				t.Fatalf("a run in the quiet time: %+v, want the calendar link sent", p)
			}
			got := s.messages()
			if len(got) != 1 {
				t.Fatalf("the sink received %d messages, want 1", len(got))
			}
			verifyDKIM(t, signer, got[0])
			h, parts := mailParts(t, got[0])
			if h.Get("X-Samkal-Kind") != "kalenderlank" || h.Get("To") != `"Maria Lindborg" <maria.lindborg@region.test.example>` {
				t.Errorf("X-Samkal-Kind %q, To %q", h.Get("X-Samkal-Kind"), h.Get("To"))
			}
			for _, want := range []string{feed, "Från webbadress", "Prenumerera från webben", "https://samkal.region.test.example/mina-moten"} {
				if !strings.Contains(parts["text/plain"], want) || !strings.Contains(parts["text/html"], want) {
					t.Errorf("the calendar link mail lacks %q:\n%s", want, parts["text/plain"])
				}
			}
			sent, err := st.FindMessageByID(ctx, msg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sent.Status != calendar.OutboxSent || len(sent.Body) != 0 {
				t.Errorf("after sending: status %s, body of %d bytes; want sent and an empty body", sent.Status, len(sent.Body))
			}
		})
	}
}
