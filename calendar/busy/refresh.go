package busy

import (
	"context"
	"time"

	"github.com/samkal/samkal/calendar"
)

// DefaultEvery is how often a member's calendar is fetched at most: the
// planner's view of it is at most this old.
const DefaultEvery = time.Hour

// RefreshOne fetches the feed's calendar and stores what it gave (see
// calendar.BusyFeedStore.SaveBusyFetch). A feed whose address changed
// meanwhile is left alone. It returns what the fetch gave; errors are the
// store's.
func RefreshOne(ctx context.Context, store calendar.BusyFeedStore, f *Fetcher, feed *calendar.BusyFeed, now time.Time) (*calendar.BusyFetch, error) {
	got := f.Fetch(ctx, feed.URL, feed.ETag, feed.LastModified, now)
	if ctx.Err() != nil {
		return got, ctx.Err() // stopped, not the calendar's fault: save nothing
	}
	if err := store.SaveBusyFetch(ctx, feed.Person, feed.URL, got); err != nil && !calendar.IsNotFound(err) {
		return got, err
	}
	return got, nil
}

// Refresh fetches, one after another, every calendar not fetched in the
// last every (0: DefaultEvery) at now, and stores what each gave. It
// returns how many it fetched; it stops at the first store error, or
// when ctx ends. It is the job the server runs every few minutes; the
// fetches are bounded by f, so a run is bounded by the number of feeds.
func Refresh(ctx context.Context, store calendar.BusyFeedStore, f *Fetcher, now time.Time, every time.Duration) (int, error) {
	if every <= 0 {
		every = DefaultEvery
	}
	feeds, err := store.FindBusyFeeds(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, feed := range feeds {
		if !feed.FetchedAt.IsZero() && now.Sub(feed.FetchedAt) < every {
			continue
		}
		if _, err := RefreshOne(ctx, store, f, feed, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
