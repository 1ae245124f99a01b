package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/samkal/samkal/calendar"
)

// Quiet is when no email is sent: a range of hours each day (From to To in
// minutes after midnight, Swedish time, running over midnight when To is
// before From) and, when Weekends is set, Saturdays and Sundays. The scan
// still queues what becomes due; it goes out when the quiet time ends.
type Quiet struct {
	Hours    bool // whether From and To apply
	From, To int
	Weekends bool
}

// At reports whether t is in the quiet time.
func (q Quiet) At(t time.Time) bool {
	t = calendar.In(t)
	if q.Weekends && (t.Weekday() == time.Saturday || t.Weekday() == time.Sunday) {
		return true
	}
	if !q.Hours {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.From < q.To {
		return m >= q.From && m < q.To
	}
	return m >= q.From || m < q.To
}

// Pass is what one run of the job did.
type Pass struct {
	Scan    ScanStats
	Deliver Stats
	Quiet   bool // nothing was sent: quiet time
}

// Jobs runs the scan and the delivery together: on a cron schedule in
// serve, once in `samkal notify run`. Between runs, Wake sends the urgent
// mail (a sign-in link) at once.
type Jobs struct {
	Scanner   *Scanner
	Deliverer *Deliverer
	Quiet     Quiet
	Logger    *slog.Logger

	wakeOnce sync.Once
	wake     chan struct{}
	askOnce  sync.Once
	ask      chan struct{}
}

// wakeCh is the channel Wake signals, made on first use.
func (j *Jobs) wakeCh() chan struct{} {
	j.wakeOnce.Do(func() { j.wake = make(chan struct{}, 1) })
	return j.wake
}

// Wake asks the running Jobs (Start) to deliver the UrgentKinds now,
// quiet time or not: a web handler has queued a sign-in link, which its
// reader waits for. It never blocks; wakes that come while a delivery is
// pending are one delivery. Before Start, or after stop, it only leaves a
// note that the next Start acts on.
func (j *Jobs) Wake() {
	select {
	case j.wakeCh() <- struct{}{}:
	default:
	}
}

// Request asks the running Jobs (Start) for a whole pass now, the scan
// and the delivery with the quiet time respected: a secretary asked for
// mail that the scan writes ("Påminn nu", a declined proposal, a
// cancellation). It never blocks; requests that come while a pass is
// pending are one pass. Before Start it leaves a note that the next Start
// acts on.
func (j *Jobs) Request() {
	select {
	case j.askCh() <- struct{}{}:
	default:
	}
}

func (j *Jobs) askCh() chan struct{} {
	j.askOnce.Do(func() { j.ask = make(chan struct{}, 1) })
	return j.ask
}

// RunPass scans at now, queueing what is due, and then sends the outbox
// unless now is in the quiet time. With ignoreBackoff queued mail is tried
// at once whatever its backoff says. A failing scan does not stop the
// delivery of mail already queued.
func (j *Jobs) RunPass(ctx context.Context, now time.Time, ignoreBackoff bool) (Pass, error) {
	var p Pass
	st, scanErr := j.Scanner.Run(ctx, now)
	p.Scan = st
	if scanErr != nil {
		j.logger().ErrorContext(ctx, "notify scan failed; mail already queued is still sent", "err", scanErr)
	}
	if j.Quiet.At(now) {
		// Urgent mail goes out anyway; a sign-in link that missed its
		// wake-up (another replica queued it) is tried here.
		p.Quiet = true
		ds, err := j.Deliverer.RunUrgent(ctx)
		p.Deliver = ds
		if err != nil {
			return p, err
		}
		return p, scanErr
	}
	ds, err := j.Deliverer.RunOnce(ctx, ignoreBackoff)
	p.Deliver = ds
	if err != nil {
		return p, err
	}
	return p, scanErr
}

// Start runs RunPass on schedule (a cron expression, Swedish time) until
// the returned stop is called. A run that is still going when the next is
// due makes cron skip the next (SkipIfStillRunning), and a panic in a run is logged and does not stop
// the schedule (cron's Recover). stop cancels a run in progress (the
// deliverer puts untried mail back) and waits for it to end.
func (j *Jobs) Start(schedule string) (stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	logger := cronLogger{j.logger()}
	c := cron.New(cron.WithLocation(calendar.Location), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	if _, err := c.AddFunc(schedule, func() {
		if _, err := j.RunPass(ctx, time.Now(), false); err != nil && ctx.Err() == nil {
			j.logger().Error("notify job failed", "err", err)
		}
	}); err != nil {
		cancel()
		return nil, fmt.Errorf("notify: schedule %q: %w", schedule, err)
	}
	c.Start()
	urgent := make(chan struct{})
	go func() {
		defer close(urgent)
		j.deliverWoken(ctx)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-c.Stop().Done()
			<-urgent
		})
	}, nil
}

// deliverWoken delivers the urgent mail each time Wake is called, and
// runs a whole pass each time Request is, until ctx ends. A panic is logged and the loop goes on, as cron's Recover does
// for the scheduled runs.
func (j *Jobs) deliverWoken(ctx context.Context) {
	for {
		asked := false
		select {
		case <-ctx.Done():
			return
		case <-j.wakeCh():
		case <-j.askCh():
			asked = true
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					j.logger().Error("urgent mail delivery panicked", "panic", r)
				}
			}()
			if asked {
				if _, err := j.RunPass(ctx, time.Now(), false); err != nil && ctx.Err() == nil {
					j.logger().Error("notify pass on request failed", "err", err)
				}
				return
			}
			if _, err := j.Deliverer.RunUrgent(ctx); err != nil && ctx.Err() == nil {
				j.logger().Error("urgent mail delivery failed", "err", err)
			}
		}()
	}
}

func (j *Jobs) logger() *slog.Logger {
	if j.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Logger
}

// cronLogger passes cron's messages to slog: its routine scheduling lines
// at debug level, its errors (a recovered panic) as errors.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
