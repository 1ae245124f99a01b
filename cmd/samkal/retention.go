package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/samkal/samkal/calendar"
)

// retentionSchedule is when serve removes old changes and old mail: daily at 04:10
// Swedish time, outside the hour the clock change repeats or skips. Every
// replica runs it; the second finds nothing left to remove.
const retentionSchedule = "10 4 * * *"

// retainChanges removes the changes recorded more than keep before now
// (auth.change_retention; 0 keeps them all) and says how many went. The
// removal is recorded as made by the retention job. It is the daily job
// of serve, a plain function of (ctx, now) so that a test runs it at a
// time of its choosing.
func retainChanges(ctx context.Context, store calendar.ChangeStore, keep time.Duration, now time.Time) (int, error) {
	if keep <= 0 {
		return 0, nil
	}
	ctx = calendar.WithActor(ctx, calendar.Actor{Via: calendar.ViaRetention})
	return store.DeleteChangesBefore(ctx, now.Add(-keep))
}

// retainMail empties the text of sent and skipped email created more
// than keep before now, and removes old records of skipped mail
// (notify.mail_retention; 0 keeps them all): calendar.OutboxStore's
// PruneMail.
func retainMail(ctx context.Context, store calendar.OutboxStore, keep time.Duration, now time.Time) (bodies, records int, err error) {
	if keep <= 0 {
		return 0, 0, nil
	}
	return store.PruneMail(ctx, now.Add(-keep))
}

// startRetention runs retainChanges and retainMail daily until stop is
// called; a panic in a run is logged and the schedule goes on (cron's
// Recover).
func startRetention(store calendar.Store, keep, keepMail time.Duration, log *slog.Logger) (stop func()) {
	if keep <= 0 {
		log.Info("the record of changes is kept for ever (auth.change_retention is 0)")
	}
	if keepMail <= 0 {
		log.Info("sent email is kept for ever (notify.mail_retention is 0)")
	}
	if keep <= 0 && keepMail <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := cron.PrintfLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	c := cron.New(cron.WithLocation(calendar.Location),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	// The schedule is a constant: AddFunc cannot fail on it.
	_, _ = c.AddFunc(retentionSchedule, func() {
		n, err := retainChanges(ctx, store, keep, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("removing old changes failed; the next run tries again", "err", err)
		case n > 0:
			log.Info("old changes removed", "count", n, "older_than", keep)
		}
		bodies, records, err := retainMail(ctx, store, keepMail, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("emptying old email failed; the next run tries again", "err", err)
		case bodies+records > 0:
			log.Info("old email emptied", "messages", bodies, "skip_records", records, "older_than", keepMail)
		}
	})
	c.Start()
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}
