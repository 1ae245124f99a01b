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
)

// The meeting of these tests is on Monday 2026-03-30 at 10.00: the call
// for agenda items is due 2026-03-16 at 08.00 (14 days before), the
// kallelse 2026-03-25 at 08.00 (5 days before).
var (
	controlMeeting = local("2026-03-30 10:00")
	callDay        = local("2026-03-16 08:00")
	noticeDay      = local("2026-03-25 08:00")
)

// setControl stores the secretary's choice for a letter of the meeting.
func setControl(t *testing.T, st calendar.Store, id int64, l calendar.MailLetter, s calendar.MailState, msg string) {
	t.Helper()
	if err := st.SetMailControl(context.Background(), &calendar.MailControl{MeetingID: id, Letter: l, State: s, Message: msg}); err != nil {
		t.Fatal(err)
	}
}

// queued returns the outbox keys of kind, in order.
func queued(t *testing.T, st calendar.Store, kind string) []string {
	t.Helper()
	msgs, err := st.FindMessages(context.Background(), calendar.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m.Key)
		}
	}
	return out
}

func scanAt(t *testing.T, s *notify.Scanner, at time.Time) notify.ScanStats {
	t.Helper()
	st, err := s.Run(context.Background(), at)
	if err != nil {
		t.Fatalf("Run(%s): %v", at, err)
	}
	return st
}

// TestHeldLetterWaitsUntilReleased: a held call is not queued on its day
// nor after; released, it goes at the next scan. The kallelse is not
// held with it.
func TestHeldLetterWaitsUntilReleased(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, controlMeeting)
	s := newScanner(st, nil, nil)
	setControl(t, st, r.meeting.ID, calendar.MailCall, calendar.MailHeld, "")

	scanAt(t, s, callDay)
	scanAt(t, s, callDay.Add(24*time.Hour))
	if got := queued(t, st, notify.KindCall); len(got) != 0 {
		t.Fatalf("held call queued: %v", got)
	}
	if send, _ := dueKeys(find(t, s, callDay.Add(24*time.Hour))); len(send) != 0 {
		t.Errorf("Find lists a held call as due: %v", send)
	}

	setControl(t, st, r.meeting.ID, calendar.MailCall, calendar.MailReleased, "")
	scanAt(t, s, callDay.Add(25*time.Hour))
	if got := queued(t, st, notify.KindCall); len(got) != 3 {
		t.Fatalf("released call: %d queued (%v), want 3 (Anna, Bertil, Cecilia)", len(got), got)
	}
	scanAt(t, s, noticeDay)
	if got := queued(t, st, notify.KindNotice); len(got) != 5 {
		t.Errorf("kallelse on its day: %d queued (%v), want 5", len(got), got)
	}
}

// TestSendNowBeforeTheDay: "Skicka nu" queues the call before its day,
// once; the kallelse keeps its own day.
func TestSendNowBeforeTheDay(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, controlMeeting)
	s := newScanner(st, nil, nil)
	early := local("2026-03-02 14:00")

	scanAt(t, s, early)
	if got := queued(t, st, notify.KindCall); len(got) != 0 {
		t.Fatalf("call queued two weeks early without a press: %v", got)
	}
	setControl(t, st, r.meeting.ID, calendar.MailCall, calendar.MailNow, "")
	if st1 := scanAt(t, s, early.Add(time.Minute)); st1.Enqueued != 3 {
		t.Errorf("after Skicka nu: %d queued, want 3", st1.Enqueued)
	}
	if st2 := scanAt(t, s, early.Add(2*time.Minute)); st2.Enqueued != 0 {
		t.Errorf("second scan after Skicka nu queued %d more, want 0", st2.Enqueued)
	}
	scanAt(t, s, callDay) // its own day: nothing again
	if got := queued(t, st, notify.KindCall); len(got) != 3 {
		t.Errorf("calls queued in all: %d (%v), want 3, once each", len(got), got)
	}
	if got := queued(t, st, notify.KindNotice); len(got) != 0 {
		t.Errorf("kallelse queued with the call: %v", got)
	}
}

// TestManualBodyWaitsForSkicka: a body whose letters wait sends neither
// call nor kallelse on their day; the call goes when sent now, and a held
// letter of a manual body stays held when released (released means "by
// the body's rule", which is to wait).
func TestManualBodyWaitsForSkicka(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, controlMeeting)
	manual := calendar.MailReleaseManual
	if _, err := st.UpdateBody(context.Background(), "samverkansrad-norr", calendar.BodyUpdate{MailRelease: &manual}); err != nil {
		t.Fatal(err)
	}
	s := newScanner(st, nil, nil)
	scanAt(t, s, callDay)
	scanAt(t, s, noticeDay)
	if got := append(queued(t, st, notify.KindCall), queued(t, st, notify.KindNotice)...); len(got) != 0 {
		t.Fatalf("manual body: queued %v without a press on Skicka", got)
	}
	setControl(t, st, r.meeting.ID, calendar.MailCall, calendar.MailReleased, "")
	scanAt(t, s, noticeDay.Add(time.Hour))
	if got := queued(t, st, notify.KindCall); len(got) != 0 {
		t.Fatalf("manual body, call released: queued %v, want it still waiting", got)
	}
	setControl(t, st, r.meeting.ID, calendar.MailNotice, calendar.MailNow, "")
	scanAt(t, s, noticeDay.Add(2*time.Hour))
	if got := queued(t, st, notify.KindNotice); len(got) != 5 {
		t.Errorf("manual body, kallelse sent now: %d queued, want 5", len(got))
	}
	if got := queued(t, st, notify.KindCall); len(got) != 0 {
		t.Errorf("the call went with the kallelse: %v", got)
	}
}

// TestMessageInKallelse: the secretary's message stands at the top of
// the kallelse as it is queued.
func TestMessageInKallelse(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, controlMeeting)
	setControl(t, st, r.meeting.ID, calendar.MailNotice, calendar.MailReleased, "Vi börjar med fika kl. 09.30.\nVälkomna!")
	s := newScanner(st, nil, nil)
	scanAt(t, s, noticeDay)
	msgs, err := st.FindMessages(context.Background(), calendar.OutboxFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind != notify.KindNotice {
			continue
		}
		n++
		full, err := st.FindMessageByID(context.Background(), m.ID) // a list leaves the body out
		if err != nil {
			t.Fatal(err)
		}
		_, parts := mailParts(t, full.Body)
		text := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n")
		i, j := strings.Index(text, "Vi börjar med fika kl. 09.30.\nVälkomna!"), strings.Index(text, "Härmed kallas du")
		if i < 0 || j < i {
			t.Errorf("kallelse to %s: message missing or not at the top:\n%q", m.Recipient, text)
		}
	}
	if n != 5 {
		t.Errorf("%d kallelser, want 5", n)
	}
}

// TestPreviewHasNoSideEffects: a preview writes the letter as the scan
// would, with the placeholder for the personal link, names every
// recipient, and creates neither links nor outbox rows; held or not yet
// due makes no difference to it.
func TestPreviewHasNoSideEffects(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, controlMeeting)
	setControl(t, st, r.meeting.ID, calendar.MailCall, calendar.MailHeld, "")
	setControl(t, st, r.meeting.ID, calendar.MailNotice, calendar.MailHeld, "Ta med årsplanen.")
	s := newScanner(st, nil, nil)
	ctx := context.Background()
	early := local("2026-03-02 14:00")

	p, err := s.Preview(ctx, early, r.meeting.ID, calendar.MailCall)
	if err != nil {
		t.Fatal(err)
	}
	if p == nil {
		t.Fatal("Preview(call) = nil, want the call")
	}
	if !strings.HasPrefix(p.Subject, "Anmäl punkter till") || !strings.Contains(p.Text, notify.LinkPlaceholder) ||
		strings.Contains(p.Text, "PERSONLIG-LANK") {
		t.Errorf("call preview: subject %q, text:\n%s", p.Subject, p.Text)
	}
	var names []string
	for _, x := range p.Recipients {
		names = append(names, x.Name)
		if (x.Skip != "") != (x.Email == "") {
			t.Errorf("recipient %s <%s> skip %q: want a skip exactly without an address", x.Name, x.Email, x.Skip)
		}
	}
	if got := strings.Join(names, ", "); got != "Anna Ek, Bertil Al, Cecilia Lind, Frida Alm" {
		t.Errorf("call recipients = %s", got)
	}
	if p.Sample.Name != "Anna Ek" || !strings.Contains(p.Text, "Hej Anna!") {
		t.Errorf("sample = %q; text:\n%s", p.Sample.Name, p.Text)
	}

	n, err := s.Preview(ctx, early, r.meeting.ID, calendar.MailNotice)
	if err != nil {
		t.Fatal(err)
	}
	if n == nil || !strings.HasPrefix(n.Subject, "Kallelse:") || !strings.Contains(n.Text, "Ta med årsplanen.") || len(n.Recipients) != 6 {
		t.Errorf("kallelse preview = %+v", n)
	}

	if msgs, err := st.FindMessages(ctx, calendar.OutboxFilter{Limit: 10}); err != nil || len(msgs) != 0 {
		t.Errorf("after previews: %d outbox rows (%v), want none", len(msgs), err)
	}
	if links, err := st.RevokeLinks(ctx, r.meeting.ID, "", early); err != nil || links != 0 {
		t.Errorf("after previews: %d personal links (%v), want none", links, err)
	}

	if _, err := s.Preview(ctx, early, r.meeting.ID+99, calendar.MailCall); calendar.ErrorCode(err) != calendar.ENOTFOUND {
		t.Errorf("preview of a meeting that does not exist: %v, want ENOTFOUND", err)
	}
}
