package api

import (
	"context"
	"sync"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// The window page plans its window on every GET, which on a county-sized
// window takes about as long as a page may (docs/benchmarks.md, "The
// booking weeks' page"). The plan and each body's free times depend only
// on what the store holds (and the day), so they are kept per window and
// used again while Store.DataVersion, asked on every GET (one small
// query), says nothing has changed – as the feeds are. A POST plans
// afresh in its own transaction and never uses them.

// maxCachedPlans bounds the windows kept; past it, the cache starts over.
const maxCachedPlans = 64

type windowPlanCache struct {
	mu sync.Mutex
	m  map[int64]*cachedPlan
}

// cachedPlan is one window's plan as of a data version and day.
type cachedPlan struct {
	v           calendar.DataVersion
	day         calendar.Date
	wp          *plan.WindowPlan
	suggestions map[string][]plan.Suggestion
}

// windowPlan returns the plan of x and each body's free times, from the
// cache when the store has not changed since, else planned now and kept.
// Errors (an invalid window: EINVALID) are not kept.
func (s *Server) windowPlan(ctx context.Context, x *calendar.BookingWindow) (*plan.WindowPlan, map[string][]plan.Suggestion, error) {
	now := s.now()
	day := calendar.DateOf(now)
	v, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	c := &s.windowPlans
	c.mu.Lock()
	e := c.m[x.ID]
	c.mu.Unlock()
	if e != nil && e.v == v && e.day == day {
		return e.wp, e.suggestions, nil
	}
	wp, err := plan.PlanWindow(ctx, s.store, x, now, plan.Options{})
	if err != nil {
		return nil, nil, err
	}
	var sg map[string][]plan.Suggestion
	if p := wp.Problem; p != nil && len(p.Demands) > 0 {
		if sg, err = p.SuggestEach(suggestionsPerBody); err != nil {
			return nil, nil, err
		}
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedPlans {
		c.m = map[int64]*cachedPlan{}
	}
	c.m[x.ID] = &cachedPlan{v: v, day: day, wp: wp, suggestions: sg}
	c.mu.Unlock()
	return wp, sg, nil
}
