package sqlstore_test

import (
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestPruneMail: the mail retention empties the text of old sent and
// skipped messages and removes old skip records, but keeps every row's
// key and status (so that nothing is sent twice), a failed message's text
// (for "Försök igen"), everything newer, and the skip records of a meeting
// that is still to come.
func TestPruneMail(t *testing.T) {
	runSuite(t, time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location), []suiteCase{{"Prune", testPruneMail}})
}

func testPruneMail(t *testing.T, e *env) {
	sent := e.enqueue(msg("m1/kallelse/anna/r0"))
	failed := e.enqueue(msg("m1/kallelse/bo/r0"))
	skippedMsg := e.enqueue(msg("m1/kallelse/cia/r0"))
	queued := e.enqueue(msg("m1/kallelse/dag/r0"))
	for _, m := range e.claim("w1", e.clock.Now(), true) {
		switch m.ID {
		case sent.ID:
			must(t, e.s.MarkMessageSent(e.ctx, m.ID, "w1", e.clock.Now()))
		case failed.ID:
			must(t, e.s.MarkMessageFailed(e.ctx, m.ID, "w1", "550 no such user"))
		case skippedMsg.ID:
			must(t, e.s.MarkMessageSkipped(e.ctx, m.ID, "w1", "ändrat"))
		case queued.ID:
			must(t, e.s.MarkMessageRetry(e.ctx, m.ID, "w1", e.clock.Now().Add(time.Hour), "421 try later"))
		}
	}
	e.body("framtid", calendar.Public)
	coming := e.meeting("Kommande", day(2026, 9, 1), 9, 10, "framtid")
	e.recordSkipped(skipped("m999/anmalan/anna/r0", 999)) // a meeting gone
	e.recordSkipped(skipped("w1/bokning/anna", 0))        // no meeting
	e.recordSkipped(skipped("m"+itoa(coming.ID)+"/anmalan/anna/r0", coming.ID))

	later := e.clock.Advance(100 * 24 * time.Hour)
	newer := e.enqueue(msg("m2/kallelse/anna/r0"))
	for _, m := range e.claim("w2", later, true) {
		if m.ID == newer.ID {
			must(t, e.s.MarkMessageSent(e.ctx, m.ID, "w2", later))
		}
	}

	bodies, records, err := e.s.PruneMail(e.ctx, later.Add(-90*24*time.Hour))
	must(t, err)
	// sent and the skipped message (cia); the skip records of the gone
	// meeting and of the window (the skipped message's own record is one
	// more, made when it was skipped).
	if bodies != 2 || records != 3 {
		t.Errorf("PruneMail = %d bodies, %d records; want 2 and 3", bodies, records)
	}
	for _, tc := range []struct {
		m     *calendar.OutboxMessage
		empty bool
	}{{sent, true}, {skippedMsg, true}, {failed, false}, {queued, false}, {newer, false}} {
		got, err := e.s.FindMessageByID(e.ctx, tc.m.ID)
		must(t, err)
		if (len(got.Body) == 0) != tc.empty {
			t.Errorf("%s (%s): body of %d bytes after pruning; want empty %v", got.Key, got.Status, len(got.Body), tc.empty)
		}
	}
	handled, err := e.s.FindHandledMail(e.ctx, "m1/kallelse/")
	must(t, err)
	if len(handled) != 4 {
		t.Errorf("after pruning %d emails of meeting 1 are known; want all 4 (their keys stay)", len(handled))
	}
	recs, err := e.s.FindSkipped(e.ctx, 0, 0)
	must(t, err)
	if len(recs) != 1 || recs[0].MeetingID != coming.ID {
		t.Errorf("skip records left = %+v, want only the coming meeting's", recs)
	}
	// Again: nothing more to do.
	if b, r, err := e.s.PruneMail(e.ctx, later.Add(-90*24*time.Hour)); b != 0 || r != 0 || err != nil {
		t.Errorf("PruneMail again = %d, %d, %v; want nothing", b, r, err)
	}
}
