package notify_test

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

// queuedMail is one message in the outbox as these tests read it: its
// recipient, subject and text part.
type queuedMail struct{ key, to, subject, text string }

// outboxOf returns the outbox's messages of kind, by key.
func outboxOf(t *testing.T, st calendar.Store, kind string) map[string]queuedMail {
	t.Helper()
	ms, err := st.FindMessages(context.Background(), calendar.OutboxFilter{Kind: &kind, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]queuedMail{}
	for _, m := range ms {
		if m, err = st.FindMessageByID(context.Background(), m.ID); err != nil { // with its body
			t.Fatal(err)
		}
		_, parts := mailParts(t, m.Body)
		out[m.Key] = queuedMail{key: m.Key, to: m.Recipient, subject: m.Subject, text: strings.Join(strings.Fields(parts["text/plain"]), " ")}
	}
	return out
}

// TestCancellationCarriesMessage: everyone told the kallelse gets the
// cancellation once, quoting the secretary's message; the meeting's notes
// are left as they were.
func TestCancellationCarriesMessage(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t: local("2026-03-25 08:05")}
			st := eng.Open(t, sqlstore.Options{Now: c.Now})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			j := newJobs(st, startSink(t, false), nil, c, nil)
			pass(t, j, local("2026-03-25 08:05")) // the kallelser, sent
			notices := outboxOf(t, st, notify.KindNotice)
			if len(notices) < 3 {
				t.Fatalf("kallelser: %d, want everyone with an address", len(notices))
			}
			c.Add(2 * time.Hour)
			notes, cancelled := "Lokalen bokad av David.", calendar.StatusCancelled
			msg := "Ordföranden är sjuk.\nVi ses den 27 april i stället."
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Notes: &notes}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Status: &cancelled, CancelMessage: &msg}); err != nil {
				t.Fatal(err)
			}
			pass(t, j, local("2026-03-25 10:10"))
			pass(t, j, local("2026-03-25 10:20")) // once
			got := outboxOf(t, st, notify.KindCancel)
			if len(got) != len(notices) {
				t.Fatalf("cancellations: %d, want one to each of the %d told", len(got), len(notices))
			}
			for _, q := range got {
				if !strings.Contains(q.text, "Meddelande från sekreteraren: Ordföranden är sjuk. Vi ses den 27 april i stället.") ||
					!strings.HasPrefix(q.subject, "Inställt: ") || strings.Contains(q.text, notes) {
					t.Errorf("cancellation to %s: %q\n%s", q.to, q.subject, q.text)
				}
			}
			m, err := st.FindMeetingByID(ctx, r.meeting.ID)
			if err != nil || m.Notes != notes {
				t.Errorf("notes after the cancellation = %q (%v), want %q", m.Notes, err, notes)
			}
		})
	}
}

// TestDeclinedProposalTellsProposer: a declined proposal's proposer gets
// one email with the note; a proposer without an address is recorded as
// skipped with a Swedish reason; an accepted proposal, one moved to the
// backlog (deleted from the agenda) and a decline older than the catch-up
// window get nothing.
func TestDeclinedProposalTellsProposer(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t: local("2026-03-01 09:00")}
			st := eng.Open(t, sqlstore.Options{Now: c.Now})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			s := newScanner(st, nil, nil)
			propose := func(who, title string) *calendar.AgendaItem {
				t.Helper()
				a := &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: title, Status: calendar.AgendaProposed, SubmittedBy: who}
				if err := st.CreateAgendaItem(ctx, a); err != nil {
					t.Fatal(err)
				}
				return a
			}
			decline := func(a *calendar.AgendaItem, note string) {
				t.Helper()
				st2 := calendar.AgendaDeclined
				if _, err := st.UpdateAgendaItem(ctx, a.ID, calendar.AgendaItemUpdate{Status: &st2, DeclineNote: &note}); err != nil {
					t.Fatal(err)
				}
			}
			old := propose("anna-ek", "Gammalt förslag")
			decline(old, "Hanterat förra året.")
			c.Add(15 * 24 * time.Hour) // 2026-03-16: the old decline is past the catch-up window
			bertil := propose("bertil-al", "Trygghetsvandringar")
			frida := propose("frida-alm", "Föreningsbidrag")
			backlog := propose("cecilia-lind", "Sommarlovsaktiviteter")
			accepted := propose("anna-ek", "Budget 2027")
			decline(bertil, "Frågan hör hemma i kommunernas trygghetsråd.\nTa gärna upp den där.")
			decline(frida, "Tas upp i höst.")
			if err := st.DeleteAgendaItem(ctx, backlog.ID); err != nil { // moved to the backlog
				t.Fatal(err)
			}
			acc := calendar.AgendaAccepted
			if _, err := st.UpdateAgendaItem(ctx, accepted.ID, calendar.AgendaItemUpdate{Status: &acc}); err != nil {
				t.Fatal(err)
			}

			scanAt(t, s, local("2026-03-16 09:05"))
			second := scanAt(t, s, local("2026-03-16 10:05"))
			got := outboxOf(t, st, notify.KindDeclined)
			k := "m" + strconv.FormatInt(r.meeting.ID, 10) + "/avbojt/p" + strconv.FormatInt(bertil.ID, 10)
			q, ok := got[k]
			if len(got) != 1 || !ok {
				t.Fatalf("decline emails %v, want only %s", slices.Sorted(maps.Keys(got)), k)
			}
			if q.to != "bertil.al@kommun.test.example" || q.subject != "Ditt förslag ”Trygghetsvandringar” tas inte upp på Samverkansråd Norr 30 mars" ||
				!strings.Contains(q.text, "Sekreterarens besked: Frågan hör hemma i kommunernas trygghetsråd. Ta gärna upp den där.") ||
				!strings.Contains(q.text, "Tid: måndag 30 mars 2026 kl. 10.00–12.00") {
				t.Errorf("decline email to %s: %q\n%s", q.to, q.subject, q.text)
			}
			if second.Enqueued != 0 || second.Skipped != 0 {
				t.Errorf("second scan: %+v, want nothing new", second)
			}
			skipped, err := st.FindSkipped(ctx, r.meeting.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			var reasons []string
			for _, sk := range skipped {
				if sk.Kind == notify.KindDeclined {
					reasons = append(reasons, sk.Recipient+": "+sk.Reason)
				}
			}
			if !slices.Equal(reasons, []string{"frida-alm: personen saknar e-postadress"}) {
				t.Errorf("skipped decline emails %q, want Frida's without an address", reasons)
			}
		})
	}
}

// TestRemindNow: "Påminn nu" sends each approver who has not approved one
// reminder at once, however often the scan runs; a later press after an
// approval reminds only who is left; a press that a scheduled reminder
// overtook sends nothing more.
func TestRemindNow(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t: local("2026-03-31 10:00")}
			st := eng.Open(t, sqlstore.Options{Now: c.Now})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			s := newScanner(st, nil, nil)
			jus := &calendar.Justering{MeetingID: r.meeting.ID, DocumentURL: "https://region.test.example/protokoll/2026-03-30.pdf",
				Justerare: []string{"bertil-al"}, Chair: "anna-ek"}
			if err := st.MarkMinutesReady(ctx, jus, c.Now(), 14); err != nil {
				t.Fatal(err)
			}
			count := func() map[string]int {
				out := map[string]int{}
				for _, q := range outboxOf(t, st, notify.KindJustering) {
					if strings.HasPrefix(q.subject, "Påminnelse: Justera protokollet") {
						out[q.to]++
					}
				}
				return out
			}
			scanAt(t, s, local("2026-03-31 10:05")) // the first requests
			if got := count(); len(got) != 0 {
				t.Fatalf("reminders before any press: %v", got)
			}
			press := func(at string) {
				t.Helper()
				if _, ok, err := st.RemindApprovers(ctx, r.meeting.ID, local(at)); err != nil || !ok {
					t.Fatalf("RemindApprovers(%s) = %v, %v", at, ok, err)
				}
			}
			press("2026-03-31 11:00")
			scanAt(t, s, local("2026-03-31 11:00"))
			scanAt(t, s, local("2026-03-31 11:30"))
			if got := count(); got["anna.ek@kommun.test.example"] != 1 || got["bertil.al@kommun.test.example"] != 1 || len(got) != 2 {
				t.Fatalf("after the press: %v, want one reminder each to Anna and Bertil", got)
			}
			if _, _, err := st.ApproveMinutes(ctx, r.meeting.ID, "bertil-al", local("2026-04-01 09:00")); err != nil {
				t.Fatal(err)
			}
			press("2026-04-01 14:00")
			scanAt(t, s, local("2026-04-01 14:01"))
			if got := count(); got["anna.ek@kommun.test.example"] != 2 || got["bertil.al@kommun.test.example"] != 1 {
				t.Fatalf("after the second press: %v, want Anna 2, Bertil 1", got)
			}
			// The scheduled reminder (2026-04-03 08:00) overtakes a press
			// that was not scanned before it.
			press("2026-04-03 07:00")
			scanAt(t, s, local("2026-04-03 08:00"))
			if got := count(); got["anna.ek@kommun.test.example"] != 3 {
				t.Fatalf("after the scheduled reminder: %v, want Anna 3 (the press folded into it)", got)
			}
		})
	}
}

// TestRequestRunsAPass: Request makes the running jobs scan and deliver at
// once, without waiting for the schedule: the justering requests of
// minutes marked ready just now arrive.
func TestRequestRunsAPass(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	c := &clock{t: now}
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, now.Add(-24*time.Hour))
	s := startSink(t, true)
	// The pass runs at the real time.Now() and queues the mail then, so
	// the deliverer must claim at real time too: a clock standing at the
	// test's start is a second behind on a loaded machine, and mail queued
	// "in the future" is not claimed (the flake this test had).
	d := newDeliverer(st, s.sender(nil), c)
	d.Now = time.Now
	jobs := &notify.Jobs{Scanner: newScanner(st, nil, nil), Deliverer: d}
	jus := &calendar.Justering{MeetingID: r.meeting.ID, DocumentURL: "https://region.test.example/protokoll.pdf", Justerare: []string{"bertil-al"}}
	if err := st.MarkMinutesReady(ctx, jus, now, 14); err != nil {
		t.Fatal(err)
	}
	stop, err := jobs.Start("@every 1h")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	jobs.Request()
	// Not a timing assertion: the pass runs at once; the minute only
	// bounds the wait on a loaded machine, so that a Request that does
	// nothing fails instead of hanging.
	deadline := time.Now().Add(time.Minute)
	for len(receivedBy(t, s, nil)["bertil.al@kommun.test.example"]) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := receivedBy(t, s, nil)["bertil.al@kommun.test.example"]; len(got) != 1 || !strings.HasPrefix(got[0].subject, "Justera protokollet") {
		t.Fatalf("Bertil received %d messages after Request, want the justering request", len(got))
	}
}
