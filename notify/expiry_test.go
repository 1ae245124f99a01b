package notify_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

// outage is the reply of an SMTP server that is down for a while.
var outage = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}

// newMailWorld opens a store of the engine with the council and its
// meeting at meeting, a real SMTP sink, and the jobs with their metrics
// and a log; the last result reads samkal_mail_skipped_total{reason}.
func newMailWorld(t *testing.T, eng sqltest.Engine, meeting string) (*sqlstore.Store, *region, *sink, *notify.Jobs, *syncBuffer, func(reason string) float64) {
	t.Helper()
	st := eng.Open(t, sqlstore.Options{})
	r := newRegion(t, st, local(meeting))
	s := startSink(t, true)
	logs := &syncBuffer{}
	j := newJobs(st, s, nil, &clock{}, slog.New(slog.NewTextHandler(logs, nil)))
	j.Deliverer.Logger = j.Logger
	m, reg := newMetrics(t)
	j.Scanner.Metrics, j.Deliverer.Metrics = m, m
	return st, r, s, j, logs, func(reason string) float64 { return skippedCount(t, reg, reason) }
}

// deliverOnly runs the deliverer alone at now: no scan first, so that
// what it sends or skips is its own decision at the moment of sending.
func deliverOnly(t *testing.T, j *notify.Jobs, now time.Time) notify.Stats {
	t.Helper()
	j.Deliverer.Now = func() time.Time { return now }
	st, err := j.Deliverer.RunOnce(context.Background(), true)
	if err != nil {
		t.Fatalf("RunOnce(%s): %v", now, err)
	}
	return st
}

func subjects(t *testing.T, s *sink) []string {
	t.Helper()
	var out []string
	for _, ms := range receivedBy(t, s, nil) {
		for _, m := range ms {
			out = append(out, m.subject)
		}
	}
	return out
}

// TestQueuedCallExpiresWhileServerDown: the calls were queued while the
// SMTP server was down, and it came back after the deadline for agenda
// items. The deliverer checks each message when it is its turn: the calls
// are not sent but marked skipped with a Swedish reason (listed in the
// outbox and the skipped mail), logged once and counted; the kallelse,
// still in time, goes out.
func TestQueuedCallExpiresWhileServerDown(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, logs, skippedN := newMailWorld(t, eng, "2026-03-30 10:00")
			s.setRefuse(outage)
			if p := pass(t, j, local("2026-03-16 08:05")); p.Scan.Enqueued != 3 || p.Deliver.Retried != 3 {
				t.Fatalf("call pass = %+v, want 3 queued and retried", p)
			}
			s.setRefuse(nil)
			got := deliverOnly(t, j, local("2026-03-24 00:30")) // the deadline was 2026-03-23
			if got.Skipped != 3 || got.Sent != 0 {
				t.Fatalf("delivery after the deadline = %+v, want the 3 calls skipped, none sent", got)
			}
			if n := len(s.messages()); n != 0 {
				t.Fatalf("the sink received %d messages, want none: %v", n, subjects(t, s))
			}
			skippedStatus := calendar.OutboxSkipped
			ms, err := st.FindMessages(ctx, calendar.OutboxFilter{Status: &skippedStatus})
			if err != nil || len(ms) != 3 || !strings.Contains(ms[0].LastError, "sista dag för att anmäla punkter hade passerat") {
				t.Fatalf("skipped outbox messages = %d (%v), first %+v; want 3 with the reason", len(ms), err, ms)
			}
			recs, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			expired := 0
			for _, rec := range recs {
				if strings.HasPrefix(rec.Reason, "för sent att skicka") && rec.Recipient != "" {
					expired++
				}
			}
			if expired != 3 {
				t.Errorf("skip records = %+v; want 3 expired calls naming their person", recs)
			}
			if got := skippedN(notify.SkipExpired); got != 3 {
				t.Errorf("skipped{expired} = %v, want 3", got)
			}
			if n := strings.Count(logs.String(), "reason_code=expired"); n != 3 {
				t.Errorf("expired calls logged %d times, want 3 (once each)", n)
			}
			// Later runs neither send nor log them again; the kallelse goes.
			p := pass(t, j, local("2026-03-25 08:00"))
			if p.Deliver.Sent != 5 || p.Deliver.Skipped != 0 || p.Scan.Skipped != 1 /* Frida's kallelse */ {
				t.Fatalf("kallelse pass = %+v, want 5 sent", p)
			}
			for _, subj := range subjects(t, s) {
				if !strings.HasPrefix(subj, "Kallelse:") {
					t.Errorf("received %q; only kallelser should have gone out", subj)
				}
			}
			if n := strings.Count(logs.String(), "reason_code=expired"); n != 3 {
				t.Errorf("expired calls logged %d times after more runs, want still 3", n)
			}
		})
	}
}

// TestQueuedKallelseOfMovedMeetingNotSent: the kallelse was queued while
// the SMTP server was down, then the meeting moved. The queued kallelse
// names the old time: the next scan skips it (it was written for an
// earlier revision of the meeting), and since nobody got it, the members
// get a first kallelse for the new time when that is due, not an
// "ändrad kallelse".
func TestQueuedKallelseOfMovedMeetingNotSent(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, skippedN := newMailWorld(t, eng, "2026-03-30 10:00")
			j.Scanner.Timing.CallDays = 0
			s.setRefuse(outage)
			if p := pass(t, j, local("2026-03-25 08:00")); p.Scan.Enqueued != 5 || p.Deliver.Retried != 5 {
				t.Fatalf("kallelse pass = %+v, want 5 queued and retried", p)
			}
			start, end := local("2026-04-02 10:00"), local("2026-04-02 12:00")
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &start, End: &end}); err != nil {
				t.Fatal(err)
			}
			s.setRefuse(nil)
			p := pass(t, j, local("2026-03-25 09:00"))
			if p.Scan.Skipped != 5 || p.Deliver.Sent != 0 || p.Scan.Enqueued != 0 {
				t.Fatalf("pass after the move = %+v, want the 5 old kallelser skipped, nothing new yet", p)
			}
			if got := skippedN(notify.SkipChanged); got != 5 {
				t.Errorf("skipped{changed} = %v, want 5", got)
			}
			p = pass(t, j, local("2026-03-28 08:00")) // five days before the new date
			if p.Deliver.Sent != 5 {
				t.Fatalf("pass at the new kallelse time = %+v, want 5 sent", p)
			}
			for _, subj := range subjects(t, s) {
				if !strings.HasPrefix(subj, "Kallelse: Samverkansråd Norr torsdag 2 april") {
					t.Errorf("received %q, want only the first kallelse for the new time", subj)
				}
			}
		})
	}
}

// TestCancelledWhileQueuedNotSent: a kallelse still queued when the meeting
// is cancelled is not sent, and since nobody had it, nobody gets a
// cancellation either. The deliverer decides this alone, with no scan
// in between.
func TestCancelledWhileQueuedNotSent(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, _ := newMailWorld(t, eng, "2026-03-30 10:00")
			j.Scanner.Timing.CallDays = 0
			s.setRefuse(outage)
			pass(t, j, local("2026-03-25 08:00"))
			cancelled := calendar.StatusCancelled
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Status: &cancelled}); err != nil {
				t.Fatal(err)
			}
			s.setRefuse(nil)
			if got := deliverOnly(t, j, local("2026-03-25 09:00")); got.Skipped != 5 || got.Sent != 0 {
				t.Fatalf("delivery after the cancellation = %+v, want 5 skipped", got)
			}
			if p := pass(t, j, local("2026-03-25 09:05")); p.Scan.Enqueued != 0 || p.Deliver.Sent != 0 {
				t.Fatalf("pass after the cancellation = %+v, want nothing: nobody had the kallelse", p)
			}
			recs, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil || len(recs) == 0 || !strings.Contains(recs[0].Reason, "ställts in") {
				t.Fatalf("skip records = %+v, %v; want the kallelser skipped as cancelled", recs, err)
			}
		})
	}
}

// TestCallCorrectedAfterMove: members who had the call get a corrected
// call when the meeting moves to another day ("Ändrad tid", the new
// deadline and the old one), with the same personal link, which now works
// until the new deadline. Moved so early that the new deadline has passed,
// the correction is skipped and the links stop at once.
func TestCallCorrectedAfterMove(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, _ := newMailWorld(t, eng, "2026-03-30 10:00")
			if p := pass(t, j, local("2026-03-16 08:05")); p.Deliver.Sent != 3 {
				t.Fatalf("call pass = %+v, want 3 sent", p)
			}
			tokens := map[string]string{}
			for addr, ms := range receivedBy(t, s, nil) {
				tokens[addr] = linkPattern.FindStringSubmatch(ms[0].parts["text/plain"])[2]
			}
			start, end := local("2026-04-06 10:00"), local("2026-04-06 12:00")
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &start, End: &end}); err != nil {
				t.Fatal(err)
			}
			p := pass(t, j, local("2026-03-18 09:00"))
			// Frida, without an address, had no call and gets no correction.
			if p.Deliver.Sent != 3 || p.Scan.Skipped != 0 {
				t.Fatalf("pass after the move = %+v, want 3 corrected calls sent", p)
			}
			for addr, ms := range receivedBy(t, s, nil) {
				if len(ms) != 2 {
					t.Fatalf("%s got %d emails, want the call and its correction", addr, len(ms))
				}
				c := ms[1]
				text := strings.Join(strings.Fields(c.parts["text/plain"]), " ")
				if c.subject != "Ändrad tid: Anmäl punkter till Samverkansråd Norr 6 april" ||
					!strings.Contains(text, "har fått en ny tid: måndag 6 april 2026 kl. 10.00–12.00") ||
					!strings.Contains(text, "(tidigare måndag 23 mars 2026)") || !strings.Contains(text, "senast måndag 30 mars 2026") {
					t.Errorf("correction to %s: subject %q, text:\n%s", addr, c.subject, c.parts["text/plain"])
				}
				link := linkPattern.FindStringSubmatch(c.parts["text/plain"])
				if link == nil || link[2] != tokens[addr] {
					t.Errorf("correction to %s carries link %v, want the same link as the call", addr, link)
					continue
				}
				l, err := st.FindLinkByToken(ctx, link[2])
				if err != nil || !l.ExpiresAt.Equal(local("2026-03-31 00:00")) {
					t.Errorf("link of %s expires %v (%v), want the end of the new deadline day, 2026-03-30", addr, l.ExpiresAt, err)
				}
			}
			if p := pass(t, j, local("2026-03-18 09:05")); p.Scan.Enqueued != 0 || p.Scan.Skipped != 0 {
				t.Fatalf("a second pass = %+v, want nothing new", p)
			}

			// Moved so early that the new deadline (2026-03-17) has passed:
			// no correction goes out, and the links stop working.
			start, end = local("2026-03-24 10:00"), local("2026-03-24 12:00")
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &start, End: &end}); err != nil {
				t.Fatal(err)
			}
			p = pass(t, j, local("2026-03-18 10:00"))
			// Three corrections and Frida's first call, all past the deadline.
			if p.Deliver.Sent != 0 || p.Scan.Skipped != 4 {
				t.Fatalf("pass after the move to 24 March = %+v, want 3 corrections and a call skipped, none sent", p)
			}
			for addr, tok := range tokens {
				if l, err := st.FindLinkByToken(ctx, tok); err != nil || l.UsableAt(local("2026-03-18 10:00")) {
					t.Errorf("link of %s: %+v, %v; want it expired at the new deadline", addr, l, err)
				}
			}
			recs, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil || !strings.Contains(recs[0].Reason, "den nya sista dagen för att anmäla punkter (2026-03-17) har redan passerat") {
				t.Errorf("newest skip record = %+v, %v; want the passed new deadline", recs[0], err)
			}
		})
	}
}

// TestQueuedCallReplacedAfterMove: the call was still queued (server down)
// when the meeting moved: the old call does not go out, and the members,
// who never had it, get a plain call for the new time and deadline.
func TestQueuedCallReplacedAfterMove(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, _ := newMailWorld(t, eng, "2026-03-30 10:00")
			s.setRefuse(outage)
			pass(t, j, local("2026-03-16 08:05"))
			start, end := local("2026-04-06 10:00"), local("2026-04-06 12:00")
			if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &start, End: &end}); err != nil {
				t.Fatal(err)
			}
			s.setRefuse(nil)
			// The new call is due 14 days before 6 April: 23 March.
			if p := pass(t, j, local("2026-03-18 09:00")); p.Deliver.Sent != 0 || p.Scan.Skipped != 3 {
				t.Fatalf("pass after the move = %+v, want the 3 queued calls skipped and nothing sent", p)
			}
			if p := pass(t, j, local("2026-03-23 08:00")); p.Deliver.Sent != 3 {
				t.Fatalf("pass at the new call time = %+v, want 3 sent", p)
			}
			for _, subj := range subjects(t, s) {
				if subj != "Anmäl punkter till Samverkansråd Norr 6 april" {
					t.Errorf("received %q, want only the call for the new date", subj)
				}
			}
		})
	}
}

// TestKallelseCorrectedAtOnceAfterMoveAhead: a meeting whose kallelse went
// out moves two weeks ahead, so far that its kallelse would not be due for
// days. Members must not keep the old date meanwhile: the "ändrad
// kallelse" (with the new SEQUENCE) goes out at once, and so does the
// corrected call, whose deadline is open again.
func TestKallelseCorrectedAtOnceAfterMoveAhead(t *testing.T) {
	ctx := context.Background()
	st, r, s, j, _, _ := newMailWorld(t, sqltest.Engines()[0], "2026-03-30 10:00")
	pass(t, j, local("2026-03-16 08:05"))
	if p := pass(t, j, local("2026-03-25 08:00")); p.Deliver.Sent != 5 {
		t.Fatalf("kallelse pass = %+v, want 5 sent", p)
	}
	start, end := local("2026-04-13 10:00"), local("2026-04-13 12:00")
	if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &start, End: &end}); err != nil {
		t.Fatal(err)
	}
	if p := pass(t, j, local("2026-03-25 10:00")); p.Deliver.Sent != 5+3 {
		t.Fatalf("pass after the move = %+v, want 5 changed kallelser and 3 corrected calls", p)
	}
	got := receivedBy(t, s, nil)
	last := got["bertil.al@kommun.test.example"]
	var changed, corrected bool
	for _, m := range last {
		changed = changed || strings.HasPrefix(m.subject, "Ändrad kallelse: Samverkansråd Norr måndag 13 april")
		corrected = corrected || strings.HasPrefix(m.subject, "Ändrad tid: Anmäl punkter")
	}
	if !changed || !corrected {
		t.Errorf("Bertil got %v; want an ändrad kallelse and a corrected call", subjects(t, s))
	}
}

// TestDigestAtSendTime: the digest of proposed items is due at the send
// time of the day after the deadline, as every other email of a day, not
// at midnight.
func TestDigestAtSendTime(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	s := newScanner(st, nil, nil)
	s.Timing.SendTime = 9*60 + 30
	if _, err := s.Run(ctx, local("2026-03-16 09:30")); err != nil { // the calls
		t.Fatal(err)
	}
	if err := st.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: "Trygghetsvandringar",
		Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"}); err != nil {
		t.Fatal(err)
	}
	isDigest := func(k string) bool { return strings.Contains(k, "/"+notify.KindDigest+"/") }
	for _, at := range []string{"2026-03-24 00:00", "2026-03-24 09:29"} {
		if send, _ := dueKeys(find(t, s, local(at))); countFunc(send, isDigest) != 0 {
			t.Errorf("digest due at %s, before the send time 09:30: %v", at, send)
		}
	}
	due := find(t, s, local("2026-03-24 09:30"))
	n := 0
	for _, d := range due {
		if isDigest(d.Key) {
			n++
			if !d.At.Equal(local("2026-03-24 09:30")) {
				t.Errorf("digest due since %s, want 2026-03-24 09:30", d.At)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d digests due at 09:30, want 1", n)
	}
}

// TestJusteringNeverStatesPastDeadline: the reminder written on the last
// day says "Sista dag för justering: måndag 13 april"; the SMTP server is
// down until the next day. That reminder must not arrive then: it is
// skipped, and one that says the minutes should have been approved by 13
// April goes out instead. No email that arrives says "Sista dag" of a day
// already past.
func TestJusteringNeverStatesPastDeadline(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, _ := newMailWorld(t, eng, "2026-03-30 10:00")
			if _, err := st.RecordSkipped(ctx, &calendar.SkippedMail{Key: "x", Kind: "x", Reason: "x"}); err != nil {
				t.Fatal(err)
			}
			j.Scanner.Timing.CallDays, j.Scanner.Timing.NoticeDays = 0, 0
			if err := st.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: r.meeting.ID,
				DocumentURL: "https://region.test.example/protokoll.pdf", Justerare: []string{"bertil-al"}, Chair: "anna-ek"},
				local("2026-04-01 10:00"), 14); err != nil { // deadline 2026-04-13
				t.Fatal(err)
			}
			pass(t, j, local("2026-04-01 10:05"))
			// Reminders every three days from 1 April: the fourth is due on
			// 13 April, the deadline, at 08:00.
			s.setRefuse(outage)
			if p := pass(t, j, local("2026-04-13 08:00")); p.Scan.Enqueued != 2 {
				t.Fatalf("reminder pass on the deadline = %+v, want 2 queued", p)
			}
			s.setRefuse(nil)
			before := len(s.messages())
			p := pass(t, j, local("2026-04-14 09:00"))
			if p.Scan.Skipped != 2 || p.Deliver.Sent != 2+1 /* the reminders, and the note to David */ {
				t.Fatalf("pass the day after = %+v, want the 2 old reminders skipped, 2 overdue ones and David's note sent", p)
			}
			after := s.messages()[before:]
			for _, raw := range after {
				_, parts := mailParts(t, raw)
				text := strings.Join(strings.Fields(parts["text/plain"]), " ")
				if strings.Contains(text, "Sista dag") {
					t.Errorf("an email sent on 14 April says %q", text)
				}
				if strings.Contains(text, "väntar fortfarande på din justering") && !strings.Contains(text, "skulle ha justerats senast måndag 13 april 2026") {
					t.Errorf("a reminder after the deadline does not say it is overdue:\n%s", text)
				}
			}
		})
	}
}

// TestSendBeforeOfEveryKind: every email whose text states a deadline or
// a coming meeting carries the moment that statement stops being true, so
// that it is never sent after it; the class of "Sista dag: <a past day>".
func TestSendBeforeOfEveryKind(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	s := newScanner(st, nil, nil)
	w := &calendar.BookingWindow{Name: "Hösten 2026", Weeks: []calendar.ISOWeek{{Year: 2026, Week: 37}},
		Bodies: []string{"samverkansrad-norr"}, DurationMinutes: 120,
		Weekdays: []calendar.Weekday{calendar.Weekday(time.Monday)},
		Hours:    []calendar.TimeSpan{{From: calendar.Clock(9 * 60), To: calendar.Clock(16 * 60)}},
		Deadline: calendar.Date{Year: 2026, Month: time.March, Day: 20}}
	if err := st.CreateBookingWindow(ctx, w); err != nil {
		t.Fatal(err)
	}
	run := func(at string) {
		t.Helper()
		if _, err := s.Run(ctx, local(at)); err != nil {
			t.Fatal(err)
		}
	}
	run("2026-03-16 08:05") // calls, booking reminder
	if err := st.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: "Trygghetsvandringar",
		Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"}); err != nil {
		t.Fatal(err)
	}
	run("2026-03-24 08:00") // digest
	run("2026-03-25 08:00") // kallelser
	if err := st.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: r.meeting.ID,
		DocumentURL: "https://region.test.example/protokoll.pdf", Justerare: []string{"bertil-al"}}, local("2026-04-11 10:00"), 14); err != nil {
		t.Fatal(err)
	}
	run("2026-04-11 10:05") // justering requests, two days before the deadline (13 April)
	ms, err := st.FindMessages(ctx, calendar.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		notify.KindCall:            local("2026-03-24 00:00"), // the end of the deadline day
		notify.KindDigest:          r.meeting.Start,
		notify.KindNotice:          r.meeting.Start,
		notify.KindBookingReminder: local("2026-03-21 00:00"),
		notify.KindJustering:       local("2026-04-14 00:00"), // the deadline day ends before the next reminder
	}
	seen := map[string]bool{}
	for _, m := range ms {
		seen[m.Kind] = true
		if w, ok := want[m.Kind]; ok && !m.SendBefore.Equal(w) {
			t.Errorf("%s: send before %v, want %v", m.Key, m.SendBefore, w)
		}
		tied := m.Kind == notify.KindCall || m.Kind == notify.KindNotice
		if tied != (m.MeetingSequence != nil) {
			t.Errorf("%s: meeting sequence %v; want one exactly for calls and kallelser", m.Key, m.MeetingSequence)
		}
	}
	for kind := range want {
		if !seen[kind] {
			t.Errorf("no %s was queued; the test does not cover it", kind)
		}
	}
}

// TestQueuedReminderAfterApprovalNotSent: a justering reminder waits in
// the outbox (server down) while its recipient approves: it does not go
// out, and once every approver has, neither does the secretary's note.
func TestQueuedReminderAfterApprovalNotSent(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, r, s, j, _, skippedN := newMailWorld(t, eng, "2026-03-30 10:00")
			j.Scanner.Timing.CallDays, j.Scanner.Timing.NoticeDays = 0, 0
			if err := st.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: r.meeting.ID,
				DocumentURL: "https://region.test.example/protokoll.pdf", Justerare: []string{"bertil-al"}, Chair: "anna-ek"},
				local("2026-04-01 10:00"), 14); err != nil {
				t.Fatal(err)
			}
			s.setRefuse(outage)
			if p := pass(t, j, local("2026-04-01 10:05")); p.Scan.Enqueued != 2 {
				t.Fatalf("first pass = %+v, want the 2 requests queued", p)
			}
			if _, _, err := st.ApproveMinutes(ctx, r.meeting.ID, "bertil-al", local("2026-04-01 11:00")); err != nil {
				t.Fatal(err)
			}
			s.setRefuse(nil)
			if got := deliverOnly(t, j, local("2026-04-01 12:00")); got.Sent != 1 || got.Skipped != 1 {
				t.Fatalf("delivery after Bertil approved = %+v, want Anna's request sent and Bertil's skipped", got)
			}
			if got := receivedBy(t, s, nil); len(got["bertil.al@kommun.test.example"]) != 0 {
				t.Errorf("Bertil, who had approved, got %d emails", len(got["bertil.al@kommun.test.example"]))
			}
			if got := skippedN(notify.SkipChanged); got != 1 {
				t.Errorf("skipped{changed} = %v, want 1", got)
			}
		})
	}
}
