package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
)

// busyRefreshSchedule is when serve looks for members' own calendars due
// to be fetched again (busy.DefaultEvery after the last fetch): every
// quarter of an hour. A run in the night of a clock change that cron
// skips or repeats does no harm: a second run finds nothing due, and the
// next quarter catches up. Every replica runs it; a calendar fetched by
// one is not due for the other.
const busyRefreshSchedule = "*/15 * * * *"

// startBusyRefresh fetches the members' own calendars that are due, on
// busyRefreshSchedule, until stop is called; a panic in a run is logged
// and the schedule goes on (cron's Recover). The log names how many were
// fetched, never an address.
func startBusyRefresh(store calendar.BusyFeedStore, f *busy.Fetcher, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	logger := cron.PrintfLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	c := cron.New(cron.WithLocation(calendar.Location),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	// The schedule is a constant: AddFunc cannot fail on it.
	_, _ = c.AddFunc(busyRefreshSchedule, func() {
		n, err := busy.Refresh(ctx, store, f, time.Now(), busy.DefaultEvery)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("fetching members' own calendars failed; the next run tries again", "err", err)
		case n > 0:
			log.Info("members' own calendars fetched", "count", n)
		}
	})
	c.Start()
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}
