package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestOutboxSkip: a message that no longer makes sense is skipped, queued
// (by the scan) or claimed (by the worker about to send it), with a skip
// record under its key naming the person; it is never claimed or retried
// again.
func TestOutboxSkip(t *testing.T) {
	runSuite(t, time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"FieldsKept", testOutboxSkipFields},
		{"SkipQueued", testOutboxSkipQueued},
		{"SkipClaimed", testOutboxSkipClaimed},
		{"HandledMail", testOutboxHandledMail},
		{"MoveLinks", testMoveLinks},
		{"MailedMeetings", testMailedMeetings},
	})
}

func expiringMsg(key string, seq int, before time.Time) *calendar.OutboxMessage {
	m := msg(key)
	m.Kind, m.Person, m.MeetingSequence, m.SendBefore = "anmalan", "anna-ek", &seq, before
	return m
}

func testOutboxSkipFields(t *testing.T, e *env) {
	before := e.clock.Now().Add(72 * time.Hour)
	m := e.enqueue(expiringMsg("m42/anmalan/anna-ek/r3", 3, before))
	got := e.message(m.ID)
	if got.Person != "anna-ek" || got.MeetingSequence == nil || *got.MeetingSequence != 3 {
		t.Errorf("read back person %q, sequence %v; want anna-ek, 3", got.Person, got.MeetingSequence)
	}
	sameTime(t, "SendBefore", got.SendBefore, before)
	plain := e.enqueue(msg("plain"))
	if got := e.message(plain.ID); got.MeetingSequence != nil || !got.SendBefore.IsZero() || got.Person != "" {
		t.Errorf("a message without them reads back sequence %v, send before %v, person %q; want none", got.MeetingSequence, got.SendBefore, got.Person)
	}
	bad := expiringMsg("bad", -1, before)
	_, err := e.s.EnqueueMessage(e.ctx, bad)
	wantErr(t, err, calendar.EINVALID, "meeting sequence")
}

func testOutboxSkipQueued(t *testing.T, e *env) {
	m := e.enqueue(expiringMsg("m42/anmalan/anna-ek/r0", 0, e.clock.Now()))
	_, err := e.s.SkipQueuedMessage(e.ctx, m.ID, " ")
	wantErr(t, err, calendar.EINVALID, "reason")
	const reason = "för sent att skicka: sista dag för att anmäla punkter hade passerat"
	ok, err := e.s.SkipQueuedMessage(e.ctx, m.ID, reason)
	must(t, err)
	if !ok {
		t.Fatal("SkipQueuedMessage of a queued message = false")
	}
	got := e.message(m.ID)
	if got.Status != calendar.OutboxSkipped || got.LastError != reason {
		t.Errorf("after skip: status %q, last error %q; want skipped with the reason", got.Status, got.LastError)
	}
	recs, err := e.s.FindSkipped(e.ctx, 42, 0)
	must(t, err)
	if len(recs) != 1 || recs[0].Key != m.Key || recs[0].Recipient != "anna-ek" || recs[0].Kind != "anmalan" || recs[0].Reason != reason {
		t.Fatalf("skip records = %+v, want one for %s naming anna-ek with the reason", recs, m.Key)
	}
	if ok, err := e.s.SkipQueuedMessage(e.ctx, m.ID, reason); err != nil || ok {
		t.Errorf("second SkipQueuedMessage = %v, %v; want false and no error", ok, err)
	}
	if k := keys(e.claim("w1", e.clock.Now().Add(time.Hour), true)); k != "" {
		t.Errorf("claim after the skip got %q, want nothing", k)
	}
	wantErr(t, e.s.RetryMessage(e.ctx, m.ID, e.clock.Now()), calendar.ECONFLICT, "skipped")
	skipped, err := e.s.FindMessages(e.ctx, calendar.OutboxFilter{Status: ptr(calendar.OutboxSkipped)})
	must(t, err)
	if keys(skipped) != m.Key {
		t.Errorf("FindMessages(skipped) = %q, want %q", keys(skipped), m.Key)
	}
	// A message a worker holds is the worker's to check.
	held := e.enqueue(msg("held"))
	e.claim("w1", e.clock.Now(), false)
	if ok, err := e.s.SkipQueuedMessage(e.ctx, held.ID, reason); err != nil || ok {
		t.Errorf("SkipQueuedMessage of a claimed message = %v, %v; want false", ok, err)
	}
	_, err = e.s.SkipQueuedMessage(e.ctx, 9999, reason)
	wantErr(t, err, calendar.ENOTFOUND, "9999")
}

func testOutboxSkipClaimed(t *testing.T, e *env) {
	m := e.enqueue(expiringMsg("m42/kallelse/anna-ek/r0", 0, e.clock.Now()))
	e.claim("w1", e.clock.Now(), false)
	const reason = "mötet har ändrats efter att mejlet skrevs"
	wantErr(t, e.s.MarkMessageSkipped(e.ctx, m.ID, "w2", reason), calendar.ECONFLICT, `"w1"`)
	if recs, _ := e.s.FindSkipped(e.ctx, 0, 0); len(recs) != 0 {
		t.Fatalf("a refused skip left records %+v", recs)
	}
	must(t, e.s.MarkMessageSkipped(e.ctx, m.ID, "w1", reason))
	got := e.message(m.ID)
	if got.Status != calendar.OutboxSkipped || got.ClaimedBy != "" || got.LastError != reason {
		t.Errorf("after skip: status %q, by %q, error %q; want skipped, unclaimed, the reason", got.Status, got.ClaimedBy, got.LastError)
	}
	recs, err := e.s.FindSkipped(e.ctx, 0, 0)
	must(t, err)
	if len(recs) != 1 || recs[0].Key != m.Key || recs[0].Recipient != "anna-ek" {
		t.Errorf("skip records = %+v, want one for %s", recs, m.Key)
	}
	wantErr(t, e.s.MarkMessageSent(e.ctx, m.ID, "w1", e.clock.Now()), calendar.ECONFLICT, "is skipped")
}

func testOutboxHandledMail(t *testing.T, e *env) {
	before := e.clock.Now().Add(time.Hour)
	e.enqueue(expiringMsg("m1/anmalan/anna-ek/r0", 0, before))
	skippedMsg := e.enqueue(msg("m1/kallelse/anna-ek/r0"))
	ok, err := e.s.SkipQueuedMessage(e.ctx, skippedMsg.ID, "ändrat")
	must(t, err)
	if !ok {
		t.Fatal("skip failed")
	}
	e.recordSkipped(skipped("m1/anmalan/frida-alm/r0/ingen-adress", 1))
	e.enqueue(msg("m10/anmalan/anna-ek/r0")) // another meeting: "m10/" is not under "m1/"
	e.enqueue(msg("m1"))                     // the range's edges: "m1" < "m1/" ≤ key < "m10"
	e.enqueue(msg("m1.anmalan"))
	e.enqueue(msg("m10"))
	e.enqueue(msg("m1/ärende/åsa-öberg/r0")) // bytes above ASCII stay under the prefix
	got, err := e.s.FindHandledMail(e.ctx, "m1/")
	must(t, err)
	var parts []string
	for _, h := range got {
		parts = append(parts, h.Key+"="+string(h.Status))
	}
	want := "m1/anmalan/anna-ek/r0=queued,m1/anmalan/frida-alm/r0/ingen-adress=skipped,m1/kallelse/anna-ek/r0=skipped,m1/ärende/åsa-öberg/r0=queued"
	if strings.Join(parts, ",") != want {
		t.Errorf("FindHandledMail = %s, want %s", strings.Join(parts, ","), want)
	}
	sameTime(t, "SendBefore", got[0].SendBefore, before)
	if !got[1].SendBefore.IsZero() {
		t.Errorf("a skip record's SendBefore = %v, want zero", got[1].SendBefore)
	}
	if got, err := e.s.FindHandledMail(e.ctx, "m1/ärende/å"); err != nil || len(got) != 1 {
		t.Errorf("FindHandledMail under a prefix ending in å = %v, %v; want the one message", got, err)
	}
	_, err = e.s.FindHandledMail(e.ctx, "")
	if err == nil {
		t.Error("FindHandledMail with an empty prefix listed every email")
	}
}

func testMoveLinks(t *testing.T, e *env) {
	m := e.linkMeeting("anna", "bo")
	deadline := day(2025, 1, 14).At(0, 0)
	a := e.ensure(calendar.LinkAgenda, m.ID, "anna", deadline)
	b := e.ensure(calendar.LinkAgenda, m.ID, "bo", deadline.Add(time.Hour))
	j := e.ensure(calendar.LinkJustering, m.ID, "anna", deadline)
	later := deadline.Add(7 * 24 * time.Hour)
	n, err := e.s.MoveLinks(e.ctx, m.ID, calendar.LinkAgenda, later)
	must(t, err)
	if n != 2 {
		t.Errorf("MoveLinks changed %d links, want 2", n)
	}
	sameTime(t, "anna's link", e.link(a.Token).ExpiresAt, later)
	sameTime(t, "bo's link", e.link(b.Token).ExpiresAt, later)
	sameTime(t, "the justering link", e.link(j.Token).ExpiresAt, deadline)
	if n, err := e.s.MoveLinks(e.ctx, m.ID, calendar.LinkAgenda, later); err != nil || n != 0 {
		t.Errorf("MoveLinks again = %d, %v; want nothing to change", n, err)
	}
	for _, p := range []calendar.LinkPurpose{"x", calendar.LinkBooking} {
		_, err = e.s.MoveLinks(e.ctx, m.ID, p, later)
		wantErr(t, err, calendar.EINVALID, "purpose")
	}
	_, err = e.s.MoveLinks(e.ctx, m.ID, calendar.LinkAgenda, time.Time{})
	wantErr(t, err, calendar.EINVALID, "expire")
}

// TestOutboxMigration6 fills an outbox as version 5 wrote it, migrates to
// the latest, and checks that the rows, their ids and the id counter
// survive, that the new status is accepted, and that the migration goes
// down again (a skipped message becomes failed) and back up.
func TestOutboxMigration6(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, driver, dsn string }{
		{"sqlite", "sqlite", filepath.Join(t.TempDir(), "samkal.db")},
		{"postgres", "pgx", sqltest.PostgresURL(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, sqlstore.MigrateTo(ctx, tc.dsn, 5))
			raw, err := sql.Open(tc.driver, tc.dsn)
			must(t, err)
			defer raw.Close()
			var ids []int64
			for i, status := range []string{"sent", "queued"} {
				var id int64
				err := raw.QueryRowContext(ctx, `INSERT INTO outbox (key, kind, meeting_id, recipient, subject, body, status,
					attempts, next_attempt_at, created_at) VALUES ($1, 'kallelse', 42, 'anna@region.se', 'Kallelse', $2, $3, 1, 100, 100)
					RETURNING id`, "m42/kallelse/anna/r"+string(rune('0'+i)), []byte("body"), status).Scan(&id)
				must(t, err)
				ids = append(ids, id)
			}
			queuedID := ids[1]
			s, err := sqlstore.Open(ctx, tc.dsn, sqlstore.Options{})
			must(t, err)
			defer s.Close()
			old, err := s.FindMessageByID(ctx, queuedID)
			must(t, err)
			if old.Key != "m42/kallelse/anna/r1" || old.Status != calendar.OutboxQueued || string(old.Body) != "body" ||
				old.Person != "" || old.MeetingSequence != nil || !old.SendBefore.IsZero() {
				t.Errorf("the queued row after the migration = %+v, want it as it was, without person, sequence or expiry", old)
			}
			ok, err := s.SkipQueuedMessage(ctx, queuedID, "ändrat")
			must(t, err)
			if !ok {
				t.Error("the migrated queued row could not be skipped")
			}
			m := msg("new")
			ok, err = s.EnqueueMessage(ctx, m)
			must(t, err)
			if !ok || m.ID <= queuedID {
				t.Errorf("a new message got id %d, want one after the copied rows (%d)", m.ID, queuedID)
			}
			must(t, s.Close())
			must(t, sqlstore.MigrateTo(ctx, tc.dsn, 5))
			var status string
			must(t, raw.QueryRowContext(ctx, `SELECT status FROM outbox WHERE id = $1`, queuedID).Scan(&status))
			if status != "failed" {
				t.Errorf("after going down the skipped row is %q, want failed", status)
			}
			s, err = sqlstore.Open(ctx, tc.dsn, sqlstore.Options{})
			must(t, err)
			defer s.Close()
			if _, err := s.FindMessageByID(ctx, m.ID); err != nil {
				t.Errorf("after going down and up: %v", err)
			}
		})
	}
}

func testMailedMeetings(t *testing.T, e *env) {
	e.body("b", calendar.Public)
	before := e.meeting("before", day(2026, 3, 10), 9, 10, "b")
	told := e.meeting("told", day(2026, 4, 20), 9, 10, "b")
	skippedOnly := e.meeting("skipped only", day(2026, 4, 21), 9, 10, "b")
	e.meeting("no mail", day(2026, 4, 22), 9, 10, "b")
	for _, tc := range []struct {
		m   *calendar.Meeting
		key string
	}{{before, "m-before"}, {told, "m-told"}, {skippedOnly, "m-skipped"}} {
		m := msg(tc.key)
		m.MeetingID = tc.m.ID
		e.enqueue(m)
		if tc.m == skippedOnly {
			ok, err := e.s.SkipQueuedMessage(e.ctx, m.ID, "ändrat")
			must(t, err)
			if !ok {
				t.Fatal("skip failed")
			}
		}
	}
	ids, err := e.s.FindMailedMeetings(e.ctx, day(2026, 4, 1).Start())
	must(t, err)
	if len(ids) != 1 || ids[0] != told.ID {
		t.Errorf("FindMailedMeetings = %v, want only the told meeting %d", ids, told.ID)
	}
}
