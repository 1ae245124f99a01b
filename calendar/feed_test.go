package calendar

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestFeedPolicySince(t *testing.T) {
	p := DefaultFeedPolicy
	tests := []struct {
		now  time.Time
		want time.Time
	}{
		// 1825 days back from 2025-06-15 is 2020-06-16 (2024 has 29 February).
		{Date{2025, 6, 15}.At(12, 0), Date{2020, 6, 16}.Start()},
		{Date{2025, 6, 15}.At(0, 30), Date{2020, 6, 16}.Start()},
		// From 2025-01-21 two leap days lie within the 1825 days.
		{Date{2025, 1, 21}.At(13, 0), Date{2020, 1, 23}.Start()},
	}
	for _, tt := range tests {
		got := p.Since(tt.now)
		if !got.Equal(tt.want) {
			t.Errorf("Since(%s) = %s, want %s", tt.now, got, tt.want)
		}
		if l := In(got); l.Hour() != 0 || l.Minute() != 0 {
			t.Errorf("Since(%s) = %s, not a Swedish midnight", tt.now, l)
		}
	}
}

func TestFeedPolicyShows(t *testing.T) {
	now := Date{2025, 6, 15}.At(12, 0)
	since := Date{2020, 6, 16}.Start()
	mk := func(status MeetingStatus, end time.Time, cancelledAt time.Time) *Meeting {
		return &Meeting{Start: end.Add(-3 * time.Hour), End: end, Status: status, CancelledAt: cancelledAt}
	}
	tests := []struct {
		name   string
		policy FeedPolicy
		m      *Meeting
		want   bool
	}{
		{"future meeting", DefaultFeedPolicy, mk(StatusConfirmed, now.Add(48*time.Hour), time.Time{}), true},
		{"meeting today", DefaultFeedPolicy, mk(StatusProposed, now, time.Time{}), true},
		{"ended at the window start", DefaultFeedPolicy, mk(StatusConfirmed, since, time.Time{}), true},
		{"ended a minute before the window", DefaultFeedPolicy, mk(StatusConfirmed, since.Add(-time.Minute), time.Time{}), false},
		{"ten years ago", DefaultFeedPolicy, mk(StatusConfirmed, now.AddDate(-10, 0, 0), time.Time{}), false},
		{"cancelled 29 days ago", DefaultFeedPolicy, mk(StatusCancelled, now.Add(24*time.Hour), now.Add(-29*24*time.Hour)), true},
		{"cancelled exactly 30 days ago", DefaultFeedPolicy, mk(StatusCancelled, now.Add(24*time.Hour), now.Add(-30*24*time.Hour)), false},
		{"cancelled 31 days ago", DefaultFeedPolicy, mk(StatusCancelled, now.Add(24*time.Hour), now.Add(-31*24*time.Hour)), false},
		{"cancelled, time unknown", DefaultFeedPolicy, mk(StatusCancelled, now.Add(24*time.Hour), time.Time{}), true},
		{"cancelled recently but outside the window", DefaultFeedPolicy, mk(StatusCancelled, since.Add(-time.Hour), now.Add(-time.Hour)), false},
		{"cancelled at now with no retention", FeedPolicy{Lookback: time.Hour}, mk(StatusCancelled, now.Add(time.Hour), now), false},
		{"short lookback: yesterday", FeedPolicy{Lookback: 24 * time.Hour}, mk(StatusConfirmed, now.Add(-24*time.Hour), time.Time{}), true},
		{"short lookback: two days ago", FeedPolicy{Lookback: 24 * time.Hour}, mk(StatusConfirmed, now.Add(-49*time.Hour), time.Time{}), false},
	}
	for _, tt := range tests {
		if got := tt.policy.Shows(tt.m, now); got != tt.want {
			t.Errorf("%s: Shows = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFeedPolicyNextChange(t *testing.T) {
	p := DefaultFeedPolicy
	now := Date{2025, 6, 15}.At(12, 0)
	cancelled := &Meeting{Start: now.Add(240 * time.Hour), End: now.Add(243 * time.Hour), Status: StatusCancelled,
		CancelledAt: now.Add(-10 * 24 * time.Hour)}
	old := &Meeting{Start: Date{2020, 6, 20}.At(13, 0), End: Date{2020, 6, 20}.At(16, 30), Status: StatusConfirmed}
	gone := &Meeting{Start: Date{2019, 6, 20}.At(13, 0), End: Date{2019, 6, 20}.At(16, 30), Status: StatusConfirmed}
	tests := []struct {
		name string
		ms   []*Meeting
		want time.Time
	}{
		{"no meetings", nil, time.Time{}},
		{"a cancellation ages out", []*Meeting{cancelled}, now.Add(20 * 24 * time.Hour)},
		// old ended 2020-06-20; the window passes it when its start is
		// 2020-06-21, which is 1825 days before 2025-06-20.
		{"an old meeting leaves the window", []*Meeting{old}, Date{2025, 6, 20}.Start()},
		{"the earliest of both", []*Meeting{cancelled, old}, Date{2025, 6, 20}.Start()},
		{"a meeting already gone changes nothing", []*Meeting{gone}, time.Time{}},
		{"gone plus a cancellation", []*Meeting{gone, cancelled}, now.Add(20 * 24 * time.Hour)},
	}
	for _, tt := range tests {
		got := p.NextChange(tt.ms, now)
		if !got.Equal(tt.want) {
			t.Errorf("%s: NextChange = %s, want %s", tt.name, got, tt.want)
		}
		if !got.IsZero() && !got.After(now) {
			t.Errorf("%s: NextChange = %s, not after now %s", tt.name, got, now)
		}
	}
	// The window's own move of the far future counts too: a meeting next
	// week leaves the feed five years from now, not never.
	next := &Meeting{Start: now.Add(168 * time.Hour), End: now.Add(171 * time.Hour), Status: StatusConfirmed}
	if got := p.NextChange([]*Meeting{next}, now); got.IsZero() || got.Before(now.AddDate(4, 11, 0)) {
		t.Errorf("NextChange for next week's meeting = %s, want about five years on", got)
	}
}

// TestFeedPolicyNextChangeNeverSkipsAChange follows NextChange through a
// year, hour by hour, for a mix of meetings: between two announced
// instants no meeting may enter or leave the feed, and at each announced
// instant one must. Meetings end on whole hours, so hourly steps see every
// change. Old meetings end in every month, so the window moving across a
// summer-time switch is covered too.
func TestFeedPolicyNextChangeNeverSkipsAChange(t *testing.T) {
	p := DefaultFeedPolicy
	rng := rand.New(rand.NewPCG(7, 11))
	var ms []*Meeting
	for range 25 { // meetings that leave the window during 2025
		d := Date{2020, time.Month(1 + rng.IntN(12)), 1 + rng.IntN(28)}
		h := 8 + rng.IntN(10)
		ms = append(ms, &Meeting{Start: d.At(h, 0), End: d.At(h+2, 0), Status: StatusConfirmed})
	}
	for range 15 { // cancellations during 2025 of meetings later in 2025
		c := Date{2025, time.Month(1 + rng.IntN(11)), 1 + rng.IntN(28)}.At(rng.IntN(24), 0)
		ms = append(ms, &Meeting{Start: c.Add(40 * 24 * time.Hour), End: c.Add(41 * 24 * time.Hour), Status: StatusCancelled, CancelledAt: c})
	}
	shows := func(at time.Time) []bool {
		out := make([]bool, len(ms))
		for i, m := range ms {
			out[i] = p.Shows(m, at)
		}
		return out
	}

	start, end := Date{2025, 1, 1}.Start(), Date{2026, 1, 1}.Start()
	changes := 0
	for at := start; at.Before(end); {
		next := p.NextChange(ms, at)
		if !next.IsZero() && !next.After(at) {
			t.Fatalf("NextChange(%s) = %s, not after it", at, next)
		}
		stop := next
		if next.IsZero() || next.After(end) {
			stop = end
		}
		before := shows(at)
		for h := at.Add(time.Hour); h.Before(stop); h = h.Add(time.Hour) {
			if !slices.Equal(shows(h), before) {
				t.Fatalf("at %s the feed changes, but NextChange(%s) announced %s", h, at, next)
			}
		}
		if stop == next && slices.Equal(shows(next), before) {
			t.Fatalf("NextChange(%s) = %s, but nothing changes then", at, next)
		}
		if stop == end {
			break
		}
		changes++
		at = next
	}
	if changes < 30 {
		t.Errorf("only %d changes seen during 2025, want at least 30 (is the test data right?)", changes)
	}
}

// A meeting whose window exit lies across a summer-time switch from its end
// must be announced at the exact instant Shows changes, not an hour early.
func TestFeedPolicyNextChangeAcrossDST(t *testing.T) {
	p := DefaultFeedPolicy
	for _, end := range []time.Time{
		time.Date(2020, 10, 26, 12, 0, 0, 0, Location), // winter end, exit in summer-time-shifted year
		time.Date(2020, 3, 30, 12, 0, 0, 0, Location),
		time.Date(2021, 3, 28, 12, 0, 0, 0, Location),
	} {
		m := &Meeting{Start: end.Add(-2 * time.Hour), End: end, Status: StatusConfirmed}
		from := end.Add(p.Lookback - 72*time.Hour)
		next := p.NextChange([]*Meeting{m}, from)
		if next.IsZero() {
			t.Fatalf("end %s: NextChange is zero, want an exit time", end)
		}
		if !p.Shows(m, next.Add(-time.Second)) || p.Shows(m, next) {
			t.Errorf("end %s: NextChange %s, but Shows(just before)=%v Shows(at)=%v; want true, false",
				end, next, p.Shows(m, next.Add(-time.Second)), p.Shows(m, next))
		}
	}
}
