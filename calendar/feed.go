package calendar

import "time"

// FeedPolicy decides which meetings a calendar feed carries.
type FeedPolicy struct {
	// Lookback is how far back a feed reaches, so that past årsplaner stay
	// visible. Default five years.
	Lookback time.Duration
	// CancelledRetention is how long a cancelled meeting stays in the feed,
	// as STATUS:CANCELLED with "INSTÄLLT:" before its summary, counted from
	// the cancellation. Default 30 days.
	CancelledRetention time.Duration
}

// DefaultFeedPolicy is five years back and 30 days for cancellations.
var DefaultFeedPolicy = FeedPolicy{Lookback: 5 * 365 * 24 * time.Hour, CancelledRetention: 30 * 24 * time.Hour}

// Since returns the earliest end a meeting may have to be in a feed at now.
// It is midnight (Swedish time) so that a feed changes at most once a day
// because of the window moving.
func (p FeedPolicy) Since(now time.Time) time.Time {
	return DateOf(now.Add(-p.Lookback)).Start()
}

// Shows reports whether the feed carries m at now.
func (p FeedPolicy) Shows(m *Meeting, now time.Time) bool {
	if m.End.Before(p.Since(now)) {
		return false
	}
	if m.Status == StatusCancelled {
		return m.CancelledAt.IsZero() || now.Before(m.CancelledAt.Add(p.CancelledRetention))
	}
	return true
}

// NextChange returns the first instant after now at which Shows changes its
// answer for one of ms because of time alone (a cancellation ageing out, the
// window moving past a meeting), or the zero time if never. Feed caches use
// it to know how long rendered bytes stay right.
func (p FeedPolicy) NextChange(ms []*Meeting, now time.Time) time.Time {
	var next time.Time
	earliest := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, m := range ms {
		if m.Status == StatusCancelled && !m.CancelledAt.IsZero() {
			earliest(m.CancelledAt.Add(p.CancelledRetention))
		}
		// m drops out at the first instant whose Since is after m.End:
		// Since only moves at Swedish midnight, so that is the midnight after
		// m's last day, shifted by Lookback. Adding Lookback last keeps the
		// answer exact when a DST switch lies between the two.
		earliest(DateOf(m.End).AddDays(1).Start().Add(p.Lookback))
	}
	return next
}
