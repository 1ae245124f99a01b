// Package notify is everything that leaves Samkal by email. This file holds
// the delivery side of the outbox: a Deliverer claims due messages from
// calendar.OutboxStore, hands each to an SMTP sender and marks the outcome.
// Composing and DKIM signing live in notify/mail; by the time a message is
// in the outbox its Body is the final, signed bytes.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/mail"
)

// Sender delivers one message over SMTP. *mail.Sender implements it; its
// errors are classified with mail.IsTemporary (a *mail.SendError with
// Temporary set, or a context deadline, is worth retrying; anything else is
// permanent).
type Sender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// Defaults used when a Deliverer field is zero.
const (
	DefaultLease = 5 * time.Minute
	DefaultBatch = 50
)

// DeliveryStore is what a Deliverer reads and writes: the outbox, and the
// meetings and justeringar it checks a message against before sending it.
type DeliveryStore interface {
	calendar.OutboxStore
	stateStore
}

// Deliverer sends what the outbox holds. Several Deliverers, in one process
// or on several replicas sharing a database, may run at once: the store's
// claim gives each message to one of them. A message is marked sent right
// after the server accepted it, so a Deliverer that dies leaves at most the
// one message it was sending unmarked; that message is claimed again when
// its lease expires and may then arrive twice. Nothing is lost.
//
// Each message is checked just before it is sent, not only when it was
// queued: one that no longer makes sense (its SendBefore passed while the
// SMTP server was down; its meeting moved, was cancelled or deleted; its
// minutes were approved) is marked skipped with the reason in Swedish,
// recorded in the skipped mail, logged once and counted, and not sent.
type Deliverer struct {
	Store  DeliveryStore
	Sender Sender
	// From is the envelope sender (MAIL FROM), e.g. the bounce address.
	From string
	// Worker names this Deliverer in claims; it must be unique per process
	// (see NewWorkerName), or two processes could finish each other's
	// claims.
	Worker string
	// Lease is how long a claim holds (DefaultLease when zero). It must
	// comfortably exceed the time to send a batch, or a slow batch is
	// claimed again by another worker while it is still being sent.
	Lease time.Duration
	// Batch is how many messages one claim takes (DefaultBatch when zero).
	Batch int
	// Now returns the current time; nil means time.Now. Every claim and
	// mark reads it, so a test drives delivery with a fixed clock.
	Now func() time.Time
	// Logger receives one line per failure and per finished run; nil
	// discards.
	Logger *slog.Logger
	// Metrics counts outcomes; nil counts nothing.
	Metrics *Metrics
}

// Stats says what one RunOnce did.
type Stats struct {
	Claimed int // claims taken (a message released unsent counts too)
	Sent    int // accepted by the server and marked sent
	Retried int // temporary failure: queued again after a backoff
	Failed  int // permanent failure: marked failed with the server's answer
	Skipped int // out of date when its turn came: marked skipped, not sent
	// Lost counts messages whose outcome could not be recorded because
	// another worker had reclaimed them after this one's lease expired.
	Lost int
}

// Metrics are the Prometheus counters of what happens to email: delivery
// outcomes, and emails not sent, by reason.
type Metrics struct {
	Sent    prometheus.Counter
	Retried prometheus.Counter
	Failed  prometheus.Counter
	// Skipped counts emails not sent by reason, one of SkipReasons (a
	// closed set: no data reaches a label).
	Skipped *prometheus.CounterVec
}

// NewMetrics creates the counters samkal_mail_sent_total,
// samkal_mail_retried_total, samkal_mail_failed_total and
// samkal_mail_skipped_total{reason} (every reason present from the start,
// at 0) and registers them with reg. It fails when they are registered
// already.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "samkal_mail_sent_total",
			Help: "Emails accepted by the SMTP server."}),
		Retried: prometheus.NewCounter(prometheus.CounterOpts{Name: "samkal_mail_retried_total",
			Help: "Temporary SMTP failures; the email is queued again after a backoff."}),
		Failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "samkal_mail_failed_total",
			Help: "Permanent SMTP failures; the email is marked failed until an administrator retries it."}),
		Skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "samkal_mail_skipped_total",
			Help: "Emails not sent, by reason: no_address, pointless (due while Samkal was down and pointless by then), " +
				"invalid_data (cannot be written from the data; tried again when corrected), expired (waited in the outbox " +
				"past its deadline) or changed (its meeting changed while it waited). GET /api/v1/outbox/skipped lists them."},
			[]string{"reason"}),
	}
	for _, r := range SkipReasons {
		m.Skipped.WithLabelValues(r)
	}
	for _, c := range []prometheus.Collector{m.Sent, m.Retried, m.Failed, m.Skipped} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("notify: register mail metrics: %w", err)
		}
	}
	return m, nil
}

// countSkipped counts one email not sent for reason (one of SkipReasons);
// a nil Metrics counts nothing.
func (m *Metrics) countSkipped(reason string) {
	if m == nil || !slices.Contains(SkipReasons, reason) {
		return
	}
	m.Skipped.WithLabelValues(reason).Inc()
}

// NewWorkerName returns a worker name unique to this process and call:
// host name, process id and a random part, e.g. "web-1/4711/3f9a0c21".
func NewWorkerName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// interruptedText is kept as LastError of a claimed message that was put
// back untried because the run was cancelled.
const interruptedText = "delivery was interrupted before this message was tried"

// RunOnce delivers everything due: it claims a batch, sends each message to
// its Recipient, marks it, and claims again until nothing is due. With
// ignoreBackoff queued messages are due whatever their next attempt time
// says (`samkal notify run`). Each message is tried at most once per run: a
// message that failed temporarily and is claimed again in the same run
// (possible only with ignoreBackoff) is put back untried, and a batch that
// holds nothing new ends the run, so a server that is down ends the run
// instead of spinning. Putting a message back costs it one claim in
// Attempts (the store counts claims), so its next backoff is one step longer.
// Before a message is sent it is checked against the state of its meeting
// (read once per batch) and its SendBefore; one out of date is marked
// skipped, not sent.
//
// Cancelling ctx stops the run after the message being sent; claimed
// messages not yet tried are put back. Outcomes are recorded even when ctx
// is cancelled, so that a shutdown does not leave claims behind. The error
// is non-nil only when the store fails (or ctx ended); SMTP failures are
// recorded on the messages and counted in Stats.
func (d *Deliverer) RunOnce(ctx context.Context, ignoreBackoff bool) (Stats, error) {
	return d.run(ctx, ignoreBackoff)
}

// RunUrgent is RunOnce for the UrgentKinds only (the sign-in mail): what
// Jobs runs when woken, and in the quiet time.
func (d *Deliverer) RunUrgent(ctx context.Context) (Stats, error) {
	return d.run(ctx, false, UrgentKinds...)
}

// run delivers what is due of kinds (every kind when none).
func (d *Deliverer) run(ctx context.Context, ignoreBackoff bool, kinds ...string) (Stats, error) {
	var st Stats
	if err := d.check(); err != nil {
		return st, err
	}
	start := d.now()
	tried := make(map[int64]bool)
	for ctx.Err() == nil {
		msgs, err := d.Store.ClaimMessages(ctx, d.Worker, d.now(), d.lease(), d.batch(), ignoreBackoff, kinds...)
		if err != nil {
			return st, fmt.Errorf("notify: claim outbox messages: %w", err)
		}
		check := newChecker(d.Store) // what it reads holds for one batch

		st.Claimed += len(msgs)
		fresh := 0
		for _, m := range msgs {
			if tried[m.ID] || ctx.Err() != nil {
				// Claimed again in this run, or not tried before a
				// shutdown: put it back as it was.
				errText := m.LastError
				if !tried[m.ID] && errText == "" {
					errText = interruptedText
				}
				if err := d.mark(ctx, &st, m, func(c context.Context) error {
					return d.Store.MarkMessageRetry(c, m.ID, d.Worker, m.NextAttemptAt, errText)
				}); err != nil {
					return st, err
				}
				continue
			}
			tried[m.ID] = true
			fresh++
			reason, code, err := check.check(ctx, m, d.now())
			if err != nil {
				return st, err // the claim expires and the message is tried again
			}
			if reason != "" {
				if err := d.skip(ctx, &st, m, reason, code); err != nil {
					return st, err
				}
				continue
			}
			if err := d.deliver(ctx, &st, m); err != nil {
				return st, err
			}
		}
		if len(msgs) < d.batch() || fresh == 0 {
			break
		}
	}
	if st.Claimed > 0 {
		d.logger().InfoContext(ctx, "outbox delivery run", "worker", d.Worker, "claimed", st.Claimed, "sent", st.Sent,
			"retried", st.Retried, "failed", st.Failed, "skipped", st.Skipped, "lost", st.Lost, "took", d.now().Sub(start))
	}
	return st, ctx.Err()
}

// deliver sends one claimed message and records the outcome.
func (d *Deliverer) deliver(ctx context.Context, st *Stats, m *calendar.OutboxMessage) error {
	sendErr := d.Sender.Send(ctx, d.From, []string{m.Recipient}, m.Body)
	switch {
	case sendErr == nil:
		lost, err := d.markLost(ctx, st, m, func(c context.Context) error {
			return d.Store.MarkMessageSent(c, m.ID, d.Worker, d.now())
		})
		if err == nil && !lost {
			st.Sent++
			d.count(func(x *Metrics) prometheus.Counter { return x.Sent })
		}
		return err
	case mail.IsTemporary(sendErr):
		next := d.now().Add(calendar.Backoff(m.Attempts))
		d.logger().WarnContext(ctx, "email not sent, will retry", "id", m.ID, "key", m.Key, "attempt", m.Attempts,
			"next_attempt_at", next, "err", sendErr)
		lost, err := d.markLost(ctx, st, m, func(c context.Context) error {
			return d.Store.MarkMessageRetry(c, m.ID, d.Worker, next, errorText(sendErr))
		})
		if err == nil && !lost {
			st.Retried++
			d.count(func(x *Metrics) prometheus.Counter { return x.Retried })
		}
		return err
	default:
		d.logger().ErrorContext(ctx, "email refused, marked failed", "id", m.ID, "key", m.Key, "err", sendErr)
		lost, err := d.markLost(ctx, st, m, func(c context.Context) error {
			return d.Store.MarkMessageFailed(c, m.ID, d.Worker, errorText(sendErr))
		})
		if err == nil && !lost {
			st.Failed++
			d.count(func(x *Metrics) prometheus.Counter { return x.Failed })
		}
		return err
	}
}

// skip marks a claimed message that no longer makes sense as skipped, and
// logs and counts it once.
func (d *Deliverer) skip(ctx context.Context, st *Stats, m *calendar.OutboxMessage, reason, code string) error {
	lost, err := d.markLost(ctx, st, m, func(c context.Context) error {
		return d.Store.MarkMessageSkipped(c, m.ID, d.Worker, reason)
	})
	if err == nil && !lost {
		st.Skipped++
		d.logger().WarnContext(ctx, "email not sent", "id", m.ID, "key", m.Key, "kind", m.Kind, "meeting", m.MeetingID,
			"recipient", m.Person, "reason_code", code, "reason", reason)
		d.Metrics.countSkipped(code)
	}
	return err
}

// mark records an outcome; see markLost.
func (d *Deliverer) mark(ctx context.Context, st *Stats, m *calendar.OutboxMessage, fn func(context.Context) error) error {
	_, err := d.markLost(ctx, st, m, fn)
	return err
}

// markLost runs fn on a context that survives cancellation of ctx (an
// outcome must be recorded even during shutdown). A conflict means another
// worker reclaimed the message after this one's lease expired: its outcome
// wins, and lost is true.
func (d *Deliverer) markLost(ctx context.Context, st *Stats, m *calendar.OutboxMessage, fn func(context.Context) error) (lost bool, err error) {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err = fn(c)
	if calendar.ErrorCode(err) == calendar.ECONFLICT {
		st.Lost++
		d.logger().WarnContext(ctx, "outbox claim lost to another worker; lease too short?", "id", m.ID, "key", m.Key,
			"worker", d.Worker, "lease", d.lease())
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("notify: record outcome of outbox message %d: %w", m.ID, err)
	}
	return false, nil
}

// errorText is what the outbox keeps of a send error: the server's answer
// when there was one.
func errorText(err error) string {
	var se *mail.SendError
	if errors.As(err, &se) {
		if se.Code != 0 {
			return fmt.Sprintf("%d %s", se.Code, se.Message)
		}
		return se.Message
	}
	return err.Error()
}

func (d *Deliverer) check() error {
	var missing []string
	if d.Store == nil {
		missing = append(missing, "Store")
	}
	if d.Sender == nil {
		missing = append(missing, "Sender")
	}
	if d.From == "" {
		missing = append(missing, "From")
	}
	if d.Worker == "" {
		missing = append(missing, "Worker (see NewWorkerName)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("notify: Deliverer needs %v", missing)
	}
	if d.Lease < 0 || d.Batch < 0 {
		return fmt.Errorf("notify: Deliverer Lease (%v) and Batch (%d) must not be negative", d.Lease, d.Batch)
	}
	return nil
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deliverer) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return DefaultLease
}

func (d *Deliverer) batch() int {
	if d.Batch > 0 {
		return d.Batch
	}
	return DefaultBatch
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (d *Deliverer) count(pick func(*Metrics) prometheus.Counter) {
	if d.Metrics != nil {
		pick(d.Metrics).Inc()
	}
}
