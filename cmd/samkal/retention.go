package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/samkal/samkal/calendar"
)

// retentionSchedule is when serve removes old changes: daily at 04:10
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

// startRetention runs retainChanges daily until stop is called; a panic
// in a run is logged and the schedule goes on (cron's Recover).
func startRetention(store calendar.ChangeStore, keep time.Duration, log *slog.Logger) (stop func()) {
	if keep <= 0 {
		log.Info("the record of changes is kept for ever (auth.change_retention is 0)")
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
	})
	c.Start()
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}
