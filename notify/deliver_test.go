package notify_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

var start = time.Date(2025, 1, 14, 9, 0, 0, 0, calendar.Location)

func newDeliverer(st notify.DeliveryStore, snd notify.Sender, c *clock) *notify.Deliverer {
	return &notify.Deliverer{Store: st, Sender: snd, From: "bounce@region.test.example",
		Worker: notify.NewWorkerName(), Lease: time.Minute, Batch: 7, Now: c.Now}
}

func run(t *testing.T, d *notify.Deliverer, ignoreBackoff bool) notify.Stats {
	t.Helper()
	st, err := d.RunOnce(context.Background(), ignoreBackoff)
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return st
}

// wantEachOnce fails unless the sink received messages 0..n-1 exactly once
// each (except those in twice, which may arrive once or twice) and nothing
// else.
func wantEachOnce(t *testing.T, s *sink, n int, twice ...int) {
	t.Helper()
	counts := s.counts()
	may := map[string]bool{}
	for _, i := range twice {
		may[msgID(i)] = true
	}
	for i := range n {
		id := "<" + msgID(i) + ">"
		got := counts[id]
		if got != 1 && !(may[msgID(i)] && got == 2) {
			t.Errorf("message %s arrived %d times, want once", id, got)
		}
		delete(counts, id)
	}
	for id, c := range counts {
		t.Errorf("unexpected message %q arrived %d times", id, c)
	}
}

func wantStatus(t *testing.T, st calendar.OutboxStore, status calendar.OutboxStatus, n int) {
	t.Helper()
	ms, err := st.FindMessages(context.Background(), calendar.OutboxFilter{Status: &status, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != n {
		t.Errorf("%s messages: got %d, want %d", status, len(ms), n)
	}
}

// The SMTP server answers 451 for a while, then accepts: every message
// arrives, none twice, each DKIM-valid; backoff is respected unless
// ignoreBackoff says otherwise.
func TestDeliverTemporaryOutageThenBack(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run(map[bool]string{false: "backoff", true: "ignore-backoff"}[ignore], func(t *testing.T) {
			c := &clock{t: start}
			st := sqltest.SQLite(t, sqlstore.Options{Now: c.Now})
			signer := newSigner(t, "ed25519")
			s := startSink(t, true)
			const n = 20
			enqueue(t, st, signer, n)
			reg := prometheus.NewRegistry()
			m, err := notify.NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			d := newDeliverer(st, s.sender(nil), c)
			d.Metrics = m

			s.setRefuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later, greylisted"})
			// Ignoring backoff, the first messages are claimed again in the
			// same run and put back untried: each is tried once per run.
			if got := run(t, d, ignore); got.Retried != n || got.Sent != 0 || (!ignore && got.Claimed != n) {
				t.Fatalf("during the outage: got %+v, want %d claimed and retried", got, n)
			}
			msg, err := st.FindMessageByID(context.Background(), n)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Status != calendar.OutboxQueued || msg.Attempts != 1 || !msg.NextAttemptAt.Equal(start.Add(time.Minute)) ||
				!strings.Contains(msg.LastError, "451") || !strings.Contains(msg.LastError, "greylisted") {
				t.Errorf("after a 451: got status %s, attempts %d, next %v, error %q; want queued, 1, %v, the 451 answer",
					msg.Status, msg.Attempts, msg.NextAttemptAt, msg.LastError, start.Add(time.Minute))
			}
			// Still down half a minute later: nothing is due yet unless
			// the backoff is ignored.
			c.Add(30 * time.Second)
			got := run(t, d, ignore)
			if want := map[bool]int{false: 0, true: n}[ignore]; got.Retried != want {
				t.Errorf("second run while down: got %+v, want %d retried", got, want)
			}
			s.setRefuse(nil)
			if !ignore {
				c.Add(10 * time.Minute)
			}
			if got := run(t, d, ignore); got.Sent != n {
				t.Fatalf("after the outage: got %+v, want %d sent", got, n)
			}
			if got := run(t, d, ignore); got != (notify.Stats{}) {
				t.Errorf("a run with nothing due: got %+v, want nothing", got)
			}
			wantEachOnce(t, s, n)
			wantStatus(t, st, calendar.OutboxSent, n)
			for _, raw := range s.messages() {
				verifyDKIM(t, signer, raw)
			}
			if got := counter(t, reg, "samkal_mail_sent_total"); got != n {
				t.Errorf("sent counter: got %v, want %d", got, n)
			}
			if got := counter(t, reg, "samkal_mail_retried_total"); got < n {
				t.Errorf("retried counter: got %v, want at least %d", got, n)
			}
		})
	}
}

// A 550 for one recipient marks that message failed with the server's
// answer; the others go out. The administrator's retry (what POST
// /api/v1/outbox/{id}/retry calls) queues it again and it goes out.
func TestDeliverPermanentFailure(t *testing.T) {
	c := &clock{t: start}
	st := sqltest.SQLite(t, sqlstore.Options{Now: c.Now})
	s := startSink(t, false)
	const n = 5
	enqueue(t, st, newSigner(t, "ed25519"), n)
	bad := testMessage(t, nil, 3).Recipient
	s.setRefuseTo(bad, &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox ledamot3 does not exist"})
	d := newDeliverer(st, s.sender(nil), c)

	if got := run(t, d, false); got.Sent != n-1 || got.Failed != 1 {
		t.Fatalf("got %+v, want %d sent and 1 failed", got, n-1)
	}
	failed := calendar.OutboxFailed
	ms, err := st.FindMessages(context.Background(), calendar.OutboxFilter{Status: &failed})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Recipient != bad || !strings.Contains(ms[0].LastError, "550") ||
		!strings.Contains(ms[0].LastError, "Mailbox ledamot3 does not exist") {
		t.Fatalf("failed messages: got %+v, want the one to %s with the 550 answer", ms, bad)
	}
	// A failed message is not retried by later runs, even ignoring backoff.
	c.Add(2 * time.Hour)
	if got := run(t, d, true); got.Claimed != 0 {
		t.Errorf("a run after the failure: got %+v, want nothing claimed", got)
	}
	s.setRefuseTo(bad, nil)
	if err := st.RetryMessage(context.Background(), ms[0].ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	if got := run(t, d, false); got.Sent != 1 {
		t.Errorf("after the retry: got %+v, want 1 sent", got)
	}
	wantEachOnce(t, s, n)
}

// dyingSender delivers through its inner Sender, and after the message
// number die has been accepted it ends the calling goroutine before
// RunOnce can mark it: a process killed between send and mark.
type dyingSender struct {
	inner notify.Sender
	die   int
	mu    sync.Mutex
	n     int
}

func (s *dyingSender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	err := s.inner.Send(ctx, from, to, msg)
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	if n == s.die {
		runtime.Goexit()
	}
	return err
}

// A worker dies in the middle of a batch after the server accepted a
// message but before marking it. Once the lease expires a second worker
// takes over: nothing is lost and only that one message arrives twice.
func TestDeliverCrashInMiddleOfBatch(t *testing.T) {
	c := &clock{t: start}
	st := sqltest.SQLite(t, sqlstore.Options{Now: c.Now})
	s := startSink(t, false)
	const n = 20
	enqueue(t, st, newSigner(t, "ed25519"), n)

	dying := newDeliverer(st, &dyingSender{inner: s.sender(nil), die: 3}, c)
	done := make(chan struct{})
	go func() {
		defer close(done)
		dying.RunOnce(context.Background(), false)
		t.Error("RunOnce returned; the dying worker should have died")
	}()
	<-done
	// Messages 0 and 1 are marked; 2 arrived but is unmarked; 3..6 of the
	// first batch of 7 are claimed but untried.
	wantStatus(t, st, calendar.OutboxSent, 2)
	wantStatus(t, st, calendar.OutboxSending, 5)

	other := newDeliverer(st, s.sender(nil), c)
	if got := run(t, other, false); got.Sent != n-7 {
		t.Errorf("while the dead worker's lease holds: got %+v, want %d sent", got, n-7)
	}
	c.Add(2 * time.Minute) // the lease (1 minute) expires
	if got := run(t, other, false); got.Sent != 5 {
		t.Errorf("after the lease expired: got %+v, want the 5 stranded messages sent", got)
	}
	wantStatus(t, st, calendar.OutboxSent, n)
	counts := s.counts()
	if got := counts["<"+msgID(2)+">"]; got != 2 {
		t.Errorf("the message in flight when the worker died arrived %d times, want 2", got)
	}
	wantEachOnce(t, s, n, 2)
	// The dead worker's claim is gone: a late mark from it must not win.
	if err := st.MarkMessageRetry(context.Background(), 3, dying.Worker, c.Now(), "late"); calendar.ErrorCode(err) != calendar.ECONFLICT {
		t.Errorf("late mark from the dead worker: got %v, want a conflict", err)
	}
}

// Three Deliverers, each with its own connection pool to one PostgreSQL
// database as three `samkal serve` processes would have, deliver 1,000
// queued messages at once: every message arrives exactly once.
func TestDeliverThreeWorkersOnPostgres(t *testing.T) {
	url := sqltest.PostgresURL(t)
	ctx := context.Background()
	stores := make([]*sqlstore.Store, 3)
	for i := range stores {
		st, err := sqlstore.Open(ctx, url, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	s := startSink(t, false)
	const n = 1000
	enqueue(t, stores[0], newSigner(t, "ed25519"), n)

	var wg sync.WaitGroup
	stats := make([]notify.Stats, len(stores))
	for i, st := range stores {
		d := &notify.Deliverer{Store: st, Sender: s.sender(nil), From: "bounce@region.test.example",
			Worker: notify.NewWorkerName(), Batch: 25}
		wg.Go(func() {
			var err error
			stats[i], err = d.RunOnce(ctx, false)
			if err != nil {
				t.Errorf("worker %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	total := 0
	for i, st := range stats {
		t.Logf("worker %d: %+v", i, st)
		total += st.Sent
		if st.Lost != 0 || st.Retried != 0 || st.Failed != 0 {
			t.Errorf("worker %d: got %+v, want only sends", i, st)
		}
	}
	if total != n {
		t.Errorf("sent in total: got %d, want %d", total, n)
	}
	wantEachOnce(t, s, n)
	wantStatus(t, stores[1], calendar.OutboxSent, n)
}

// A cancelled run puts its claimed, untried messages back at once instead
// of leaving them to the lease.
func TestDeliverCancelledPutsBack(t *testing.T) {
	c := &clock{t: start}
	st := sqltest.SQLite(t, sqlstore.Options{Now: c.Now})
	s := startSink(t, false)
	enqueue(t, st, nil, 5)
	ctx, cancel := context.WithCancel(context.Background())
	d := newDeliverer(st, cancelAfterFirst{inner: s.sender(nil), cancel: cancel}, c)
	got, err := d.RunOnce(ctx, false)
	if err == nil || got.Sent != 1 {
		t.Fatalf("got %+v, %v; want 1 sent and the context's error", got, err)
	}
	wantStatus(t, st, calendar.OutboxSending, 0)
	wantStatus(t, st, calendar.OutboxQueued, 4)
	if got := run(t, d, false); got.Sent != 4 {
		t.Errorf("next run: got %+v, want 4 sent", got)
	}
	wantEachOnce(t, s, 5)
}

type cancelAfterFirst struct {
	inner  notify.Sender
	cancel context.CancelFunc
}

func (s cancelAfterFirst) Send(ctx context.Context, from string, to []string, msg []byte) error {
	err := s.inner.Send(ctx, from, to, msg)
	s.cancel()
	return err
}

func TestDelivererNeedsItsParts(t *testing.T) {
	_, err := (&notify.Deliverer{}).RunOnce(context.Background(), false)
	if err == nil || !strings.Contains(err.Error(), "Store") || !strings.Contains(err.Error(), "Worker") {
		t.Errorf("got %v, want an error naming the missing fields", err)
	}
}

func TestNewWorkerNameIsUnique(t *testing.T) {
	a, b := notify.NewWorkerName(), notify.NewWorkerName()
	if a == b || !strings.Contains(a, "/") {
		t.Errorf("got %q and %q, want two different host/pid/random names", a, b)
	}
}

// counter returns the value of the counter name in reg.
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("counter %s is not registered", name)
	return 0
}
