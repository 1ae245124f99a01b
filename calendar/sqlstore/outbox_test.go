package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// outboxSuite runs on every engine, each entry on a fresh database.
var outboxSuite = []struct {
	name string
	fn   func(t *testing.T, e *env)
}{
	{"EnqueueIdempotent", testOutboxEnqueueIdempotent},
	{"EnqueueInvalid", testOutboxEnqueueInvalid},
	{"ClaimDueOnly", testOutboxClaimDueOnly},
	{"BackoffAndIgnoreBackoff", testOutboxBackoff},
	{"ExpiredLeaseReclaimed", testOutboxExpiredLease},
	{"FailedThenRetried", testOutboxFailedRetry},
	{"FindMessages", testOutboxFind},
	{"ClaimArguments", testOutboxClaimArguments},
	{"EnqueueInTx", testOutboxEnqueueInTx},
}

func TestOutbox(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range outboxSuite {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location)}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					tc.fn(t, &env{t: t, s: s, clock: clk, ctx: context.Background()})
				})
			}
		})
	}
}

// msg returns a valid message with the given key.
func msg(key string) *calendar.OutboxMessage {
	return &calendar.OutboxMessage{
		Key: key, Kind: "kallelse", MeetingID: 42, Recipient: "anna@region.se",
		Subject: "Kallelse: Ledningsgrupp 9 mars", Body: []byte("Subject: Kallelse\r\n\r\nVälkommen!\r\n"),
	}
}

// enqueue enqueues m and fails unless it was inserted.
func (e *env) enqueue(m *calendar.OutboxMessage) *calendar.OutboxMessage {
	e.t.Helper()
	ok, err := e.s.EnqueueMessage(e.ctx, m)
	must(e.t, err)
	if !ok {
		e.t.Fatalf("EnqueueMessage(%q) = false, want true (new key)", m.Key)
	}
	return m
}

// claim claims for worker at now with a 5-minute lease and returns the keys.
func (e *env) claim(worker string, now time.Time, ignoreBackoff bool) []*calendar.OutboxMessage {
	e.t.Helper()
	ms, err := e.s.ClaimMessages(e.ctx, worker, now, 5*time.Minute, 50, ignoreBackoff)
	must(e.t, err)
	return ms
}

func keys(ms []*calendar.OutboxMessage) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.Key
	}
	return strings.Join(s, ",")
}

// message reads one message back.
func (e *env) message(id int64) *calendar.OutboxMessage {
	e.t.Helper()
	m, err := e.s.FindMessageByID(e.ctx, id)
	must(e.t, err)
	return m
}

func testOutboxEnqueueIdempotent(t *testing.T, e *env) {
	m := e.enqueue(msg("kallelse/m42/p7/r0"))
	if m.ID == 0 || m.Status != calendar.OutboxQueued || m.Attempts != 0 {
		t.Errorf("after enqueue: id %d, status %q, attempts %d; want an id, queued, 0", m.ID, m.Status, m.Attempts)
	}
	sameTime(t, "CreatedAt", m.CreatedAt, e.clock.Now())
	sameTime(t, "NextAttemptAt", m.NextAttemptAt, e.clock.Now())

	again := msg("kallelse/m42/p7/r0")
	again.Subject = "another subject"
	ok, err := e.s.EnqueueMessage(e.ctx, again)
	must(t, err)
	if ok || again.ID != 0 {
		t.Errorf("second EnqueueMessage of the same key = %v (id %d), want false and m untouched", ok, again.ID)
	}
	all, err := e.s.FindMessages(e.ctx, calendar.OutboxFilter{})
	must(t, err)
	if len(all) != 1 || all[0].Subject != m.Subject {
		t.Fatalf("after enqueueing one key twice: %d rows (%s), want 1 with the first subject", len(all), keys(all))
	}
	// A new revision is a new email.
	e.enqueue(msg("kallelse/m42/p7/r1"))
}

func testOutboxEnqueueInvalid(t *testing.T, e *env) {
	tests := []struct {
		name string
		edit func(m *calendar.OutboxMessage)
		want string
	}{
		{"no key", func(m *calendar.OutboxMessage) { m.Key = " " }, "key is required"},
		{"no kind", func(m *calendar.OutboxMessage) { m.Kind = "" }, "kind is required"},
		{"no body", func(m *calendar.OutboxMessage) { m.Body = nil }, "body is required"},
		{"bad recipient", func(m *calendar.OutboxMessage) { m.Recipient = "anna" }, "not a plain email address"},
		{"named recipient", func(m *calendar.OutboxMessage) { m.Recipient = "Anna <anna@region.se>" }, "not a plain email address"},
		{"header injection in recipient", func(m *calendar.OutboxMessage) { m.Recipient = "anna@region.se\r\nBcc: x@y.se" }, "line break"},
		{"header injection in subject", func(m *calendar.OutboxMessage) { m.Subject = "Hej\nBcc: x@y.se" }, "line break"},
		{"negative meeting", func(m *calendar.OutboxMessage) { m.MeetingID = -1 }, "meeting id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := msg("k/" + tc.name)
			tc.edit(m)
			ok, err := e.s.EnqueueMessage(e.ctx, m)
			wantErr(t, err, calendar.EINVALID, tc.want)
			if ok {
				t.Error("EnqueueMessage reported an insert for an invalid message")
			}
		})
	}
	all, err := e.s.FindMessages(e.ctx, calendar.OutboxFilter{})
	must(t, err)
	if len(all) != 0 {
		t.Errorf("invalid messages left %d rows (%s), want 0", len(all), keys(all))
	}
}

func testOutboxClaimDueOnly(t *testing.T, e *env) {
	now := e.clock.Now()
	e.enqueue(msg("due"))
	later := msg("later")
	later.NextAttemptAt = now.Add(3 * time.Minute) // due while the others' 5-minute lease holds
	e.enqueue(later)
	past := msg("past")
	past.NextAttemptAt = now.Add(-time.Hour)
	e.enqueue(past)

	got := e.claim("w1", now, false)
	if k := keys(got); k != "due,past" {
		t.Fatalf("claim at now got %q, want \"due,past\" (ordered by id)", k)
	}
	for _, m := range got {
		if m.Status != calendar.OutboxSending || m.ClaimedBy != "w1" || m.Attempts != 1 || string(m.Body) != string(msg("").Body) {
			t.Errorf("claimed %s: status %q, by %q, attempts %d, body %q; want sending, w1, 1, the body", m.Key, m.Status, m.ClaimedBy, m.Attempts, m.Body)
		}
		sameTime(t, "ClaimedUntil", m.ClaimedUntil, now.Add(5*time.Minute))
	}
	if k := keys(e.claim("w2", now, false)); k != "" {
		t.Errorf("second claim got %q, want nothing (claimed rows are not due, later is not due yet)", k)
	}
	if k := keys(e.claim("w2", now.Add(3*time.Minute), false)); k != "later" {
		t.Errorf("claim when later is due got %q, want \"later\"", k)
	}
}

func testOutboxBackoff(t *testing.T, e *env) {
	now := e.clock.Now()
	m := e.enqueue(msg("retry"))
	got := e.claim("w1", now, false)
	if len(got) != 1 {
		t.Fatalf("claim got %q, want the message", keys(got))
	}
	next := now.Add(calendar.Backoff(got[0].Attempts))
	must(t, e.s.MarkMessageRetry(e.ctx, m.ID, "w1", next, "421 4.7.0 Try again later"))
	back := e.message(m.ID)
	if back.Status != calendar.OutboxQueued || back.ClaimedBy != "" || back.LastError != "421 4.7.0 Try again later" {
		t.Errorf("after retry: status %q, by %q, error %q; want queued, nobody, the answer", back.Status, back.ClaimedBy, back.LastError)
	}
	sameTime(t, "NextAttemptAt", back.NextAttemptAt, next)

	if k := keys(e.claim("w1", next.Add(-time.Second), false)); k != "" {
		t.Errorf("claim a second before the backoff ends got %q, want nothing", k)
	}
	if k := keys(e.claim("w1", now, true)); k != "retry" {
		t.Fatalf("claim with ignoreBackoff got %q, want \"retry\"", k)
	}
	must(t, e.s.MarkMessageRetry(e.ctx, m.ID, "w1", now.Add(calendar.Backoff(2)), "451 busy"))
	got = e.claim("w1", now.Add(calendar.Backoff(2)), false)
	if len(got) != 1 || got[0].Attempts != 3 {
		t.Fatalf("claim when the backoff ended got %q, want the message at attempt 3", keys(got))
	}
	must(t, e.s.MarkMessageSent(e.ctx, m.ID, "w1", now.Add(3*time.Minute)))
	sent := e.message(m.ID)
	if sent.Status != calendar.OutboxSent || sent.LastError != "" {
		t.Errorf("after sent: status %q, error %q; want sent and no error", sent.Status, sent.LastError)
	}
	sameTime(t, "SentAt", sent.SentAt, now.Add(3*time.Minute))
	if k := keys(e.claim("w1", now.Add(48*time.Hour), true)); k != "" {
		t.Errorf("claim after sent got %q, want nothing", k)
	}
}

// testOutboxExpiredLease simulates a worker that dies holding a claim: when
// its lease has expired another worker takes the message over, and the dead
// worker, should it wake, can no longer record an outcome.
func testOutboxExpiredLease(t *testing.T, e *env) {
	now := e.clock.Now()
	m := e.enqueue(msg("crash"))
	if k := keys(e.claim("dead", now, false)); k != "crash" {
		t.Fatalf("first claim got %q", k)
	}
	if k := keys(e.claim("alive", now.Add(5*time.Minute-time.Second), true)); k != "" {
		t.Errorf("claim before the lease expired got %q, want nothing, even with ignoreBackoff", k)
	}
	got := e.claim("alive", now.Add(5*time.Minute), false)
	if len(got) != 1 || got[0].ClaimedBy != "alive" || got[0].Attempts != 2 {
		t.Fatalf("claim after the lease expired got %q, want the message claimed by alive at attempt 2", keys(got))
	}
	wantErr(t, e.s.MarkMessageSent(e.ctx, m.ID, "dead", now.Add(6*time.Minute)), calendar.ECONFLICT, `claimed by worker "alive"`)
	wantErr(t, e.s.MarkMessageRetry(e.ctx, m.ID, "dead", now, "x"), calendar.ECONFLICT)
	must(t, e.s.MarkMessageSent(e.ctx, m.ID, "alive", now.Add(6*time.Minute)))
	wantErr(t, e.s.MarkMessageFailed(e.ctx, m.ID, "dead", "x"), calendar.ECONFLICT, "is sent")
	wantErr(t, e.s.MarkMessageSent(e.ctx, m.ID, "alive", now), calendar.ECONFLICT, "is sent")
	if got := e.message(m.ID); got.Status != calendar.OutboxSent {
		t.Errorf("status %q after the stale worker's attempts, want sent", got.Status)
	}
	wantErr(t, e.s.MarkMessageSent(e.ctx, 9999, "alive", now), calendar.ENOTFOUND, "9999")
}

func testOutboxFailedRetry(t *testing.T, e *env) {
	now := e.clock.Now()
	m := e.enqueue(msg("bounce"))
	wantErr(t, e.s.RetryMessage(e.ctx, m.ID, now), calendar.ECONFLICT, "queued", "only a failed message")
	e.claim("w1", now, false)
	answer := "550 5.1.1 <anna@region.se>: Recipient address rejected: User unknown"
	must(t, e.s.MarkMessageFailed(e.ctx, m.ID, "w1", answer))
	failed := e.message(m.ID)
	if failed.Status != calendar.OutboxFailed || failed.LastError != answer || failed.ClaimedBy != "" {
		t.Fatalf("after failed: status %q, error %q, by %q; want failed with the answer, unclaimed", failed.Status, failed.LastError, failed.ClaimedBy)
	}
	if k := keys(e.claim("w1", now.Add(240*time.Hour), true)); k != "" {
		t.Errorf("claim of a failed message got %q, want nothing", k)
	}
	later := now.Add(time.Hour)
	must(t, e.s.RetryMessage(e.ctx, m.ID, later))
	queued := e.message(m.ID)
	if queued.Status != calendar.OutboxQueued || queued.Attempts != 0 || queued.LastError != answer {
		t.Errorf("after RetryMessage: status %q, attempts %d, error %q; want queued, 0, the old answer", queued.Status, queued.Attempts, queued.LastError)
	}
	sameTime(t, "NextAttemptAt", queued.NextAttemptAt, later)
	wantErr(t, e.s.RetryMessage(e.ctx, m.ID, later), calendar.ECONFLICT, "queued")
	if k := keys(e.claim("w1", later, false)); k != "bounce" {
		t.Errorf("claim after RetryMessage got %q, want \"bounce\"", k)
	}
	wantErr(t, e.s.RetryMessage(e.ctx, 9999, later), calendar.ENOTFOUND, "9999")

	// A huge, partly invalid server answer is cut and stored as valid text.
	must(t, e.s.MarkMessageFailed(e.ctx, m.ID, "w1", strings.Repeat("å", 3000)+"\xff"))
	if got := e.message(m.ID).LastError; len(got) > calendar.MaxOutboxError || !strings.HasPrefix(got, "ååå") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long error kept as %d bytes starting %q, want at most %d bytes of whole characters", len(got), got[:min(len(got), 9)], calendar.MaxOutboxError)
	}
	// A NUL or escape in a server's answer is kept as U+FFFD: PostgreSQL
	// refuses NUL in text, and an escape must not reach a terminal.
	must(t, e.s.RetryMessage(e.ctx, m.ID, later))
	e.claim("w1", later, false)
	must(t, e.s.MarkMessageFailed(e.ctx, m.ID, "w1", "550 nej\x00\x1b[31m\r\nrad två"))
	if got := e.message(m.ID).LastError; got != "550 nej\uFFFD\uFFFD[31m\nrad två" {
		t.Errorf("error with NUL and ESC kept as %q", got)
	}
}

func testOutboxFind(t *testing.T, e *env) {
	now := e.clock.Now()
	a := e.enqueue(msg("a"))
	e.clock.Advance(time.Minute)
	b := msg("b")
	b.Kind, b.MeetingID = "justering", 7
	e.enqueue(b)
	e.clock.Advance(time.Minute)
	c := e.enqueue(msg("c"))
	e.claim("w1", e.clock.Now(), false)
	must(t, e.s.MarkMessageSent(e.ctx, a.ID, "w1", now))
	must(t, e.s.MarkMessageFailed(e.ctx, c.ID, "w1", "550 no"))

	tests := []struct {
		name string
		f    calendar.OutboxFilter
		want string
	}{
		{"all, newest first", calendar.OutboxFilter{}, "c,b,a"},
		{"limit", calendar.OutboxFilter{Limit: 2}, "c,b"},
		{"sent", calendar.OutboxFilter{Status: ptr(calendar.OutboxSent)}, "a"},
		{"failed", calendar.OutboxFilter{Status: ptr(calendar.OutboxFailed)}, "c"},
		{"sending", calendar.OutboxFilter{Status: ptr(calendar.OutboxSending)}, "b"},
		{"queued", calendar.OutboxFilter{Status: ptr(calendar.OutboxQueued)}, ""},
		{"kind", calendar.OutboxFilter{Kind: ptr("kallelse")}, "c,a"},
		{"meeting", calendar.OutboxFilter{MeetingID: ptr(int64(7))}, "b"},
		{"kind and meeting", calendar.OutboxFilter{Kind: ptr("kallelse"), MeetingID: ptr(int64(7))}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.s.FindMessages(e.ctx, tc.f)
			must(t, err)
			if k := keys(got); k != tc.want {
				t.Errorf("got %q, want %q", k, tc.want)
			}
			for _, m := range got {
				if m.Body != nil {
					t.Errorf("%s: listing carries a body of %d bytes, want none", m.Key, len(m.Body))
				}
			}
		})
	}
	_, err := e.s.FindMessages(e.ctx, calendar.OutboxFilter{Status: ptr(calendar.OutboxStatus("lost"))})
	wantErr(t, err, calendar.EINVALID, `"lost"`)
	_, err = e.s.FindMessages(e.ctx, calendar.OutboxFilter{Limit: -1})
	wantErr(t, err, calendar.EINVALID, "limit")
	_, err = e.s.FindMessageByID(e.ctx, 9999)
	wantErr(t, err, calendar.ENOTFOUND, "9999")
	if got := e.message(b.ID); got.Kind != "justering" || got.MeetingID != 7 || len(got.Body) == 0 {
		t.Errorf("FindMessageByID: kind %q, meeting %d, %d body bytes; want justering, 7, the body", got.Kind, got.MeetingID, len(got.Body))
	}
}

func testOutboxClaimArguments(t *testing.T, e *env) {
	now := e.clock.Now()
	tests := []struct {
		name   string
		worker string
		lease  time.Duration
		limit  int
		want   string
	}{
		{"no worker", " ", time.Minute, 10, "worker"},
		{"no lease", "w", 0, 10, "lease"},
		{"sub-second lease", "w", time.Millisecond, 10, "lease"},
		{"no limit", "w", time.Minute, 0, "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.ClaimMessages(e.ctx, tc.worker, now, tc.lease, tc.limit, false)
			wantErr(t, err, calendar.EINVALID, tc.want)
		})
	}
}

// testOutboxEnqueueInTx checks that enqueueing joins an InTx transaction:
// the scan may enqueue a meeting's mails together, all or none.
func testOutboxEnqueueInTx(t *testing.T, e *env) {
	err := e.s.InTx(e.ctx, func(tx calendar.Store) error {
		ob := tx.(calendar.OutboxStore)
		if _, err := ob.EnqueueMessage(e.ctx, msg("in-tx")); err != nil {
			return err
		}
		return calendar.Errorf(calendar.EINVALID, "abandon")
	})
	wantErr(t, err, calendar.EINVALID, "abandon")
	all, err := e.s.FindMessages(e.ctx, calendar.OutboxFilter{})
	must(t, err)
	if len(all) != 0 {
		t.Errorf("rolled-back InTx left %q, want nothing", keys(all))
	}
}

// TestOutboxConcurrentClaimers is the replicas' bar: 1,000 due messages and
// several workers, each with its own Store (its own connection pool, as a
// separate `samkal serve` would have) on the same database, claiming in
// batches of 50 and marking sent. Every message must be sent exactly once.
func TestOutboxConcurrentClaimers(t *testing.T) {
	const (
		total   = 1000
		workers = 4
		batch   = 50
	)
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location)
			dsn := sharedDSN(t, eng.Name)
			stores := make([]*sqlstore.Store, workers)
			for i := range stores {
				stores[i] = openShared(t, dsn, now)
			}
			err := stores[0].InTx(ctx, func(tx calendar.Store) error {
				ob := tx.(calendar.OutboxStore)
				for i := range total {
					m := msg(fmt.Sprintf("kallelse/m%d/p%d/r0", i/50, i%50))
					if _, err := ob.EnqueueMessage(ctx, m); err != nil {
						return err
					}
				}
				return nil
			})
			must(t, err)

			var mu sync.Mutex
			sentBy := map[int64][]string{}
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for i, s := range stores {
				worker := fmt.Sprintf("replica-%d", i)
				wg.Go(func() {
					for {
						ms, err := s.ClaimMessages(ctx, worker, now, 10*time.Minute, batch, false)
						if err != nil {
							errs <- fmt.Errorf("%s: claim: %w", worker, err)
							return
						}
						if len(ms) == 0 {
							return
						}
						for _, m := range ms {
							if m.ClaimedBy != worker || m.Attempts != 1 {
								errs <- fmt.Errorf("%s: got message %d claimed by %q at attempt %d", worker, m.ID, m.ClaimedBy, m.Attempts)
								return
							}
							mu.Lock()
							sentBy[m.ID] = append(sentBy[m.ID], worker)
							mu.Unlock()
							if err := s.MarkMessageSent(ctx, m.ID, worker, now); err != nil {
								errs <- fmt.Errorf("%s: mark %d sent: %w", worker, m.ID, err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}

			perWorker := map[string]int{}
			for id, ws := range sentBy {
				if len(ws) != 1 {
					t.Errorf("message %d sent %d times, by %v; want once", id, len(ws), ws)
				}
				perWorker[ws[0]]++
			}
			if len(sentBy) != total {
				t.Errorf("%d distinct messages sent, want %d", len(sentBy), total)
			}
			sent, err := stores[1].FindMessages(ctx, calendar.OutboxFilter{Status: ptr(calendar.OutboxSent), Limit: 2 * total})
			must(t, err)
			if len(sent) != total {
				t.Errorf("%d messages marked sent in the database, want %d", len(sent), total)
			}
			for _, m := range sent {
				if m.Attempts != 1 {
					t.Errorf("message %d was claimed %d times, want once", m.ID, m.Attempts)
				}
			}
			t.Logf("messages per worker: %v", perWorker)
		})
	}
}

// sharedDSN returns a database that several Stores can open together: a
// SQLite file in a temporary directory, or a fresh PostgreSQL database.
func sharedDSN(t *testing.T, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "shared.db")
	case "postgres":
		return sqltest.PostgresURL(t)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// openShared opens one more Store on dsn, closed when the test ends.
func openShared(t *testing.T, dsn string, now time.Time) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}
