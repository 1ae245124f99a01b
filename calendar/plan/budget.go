package plan

import (
	"context"
	"sync/atomic"
)

// DefaultMaxWork is the work budget of one Solve when Options.MaxWork is 0,
// in steps: one step is about one candidate time looked at (a few
// nanoseconds). It is far beyond what a realistic window needs – the
// country benchmark (1,260 bodies) takes about 3·10⁸ steps and the largest
// window the limits allow finishes well inside it – and bounds a search
// that the node budget alone would not: a node of a window near the limits
// may look at hundreds of thousands of candidates. See docs/benchmarks.md,
// "Planning: limits".
const DefaultMaxWork = 2_000_000_000

// maxTrail bounds the undo trail of one search (16 bytes an entry, so
// 32 MiB): it grows with the depth of the search times the candidates each
// placement touches. A search that reaches it stops as if its budget had
// run out, keeping the best plan found.
const maxTrail = 1 << 21

// checkEvery is how many steps a tally takes between two looks at the
// context and the shared budget: about a tenth of a millisecond of work,
// so a cancelled request stops at once.
const checkEvery = 1 << 16

// meter is the work budget of one Solve, shared by the searches that run
// side by side, and the context that can end it early.
type meter struct {
	ctx   context.Context
	limit int64
	used  atomic.Int64
	// over is set once the budget is spent: every search stops, keeping
	// the best it found.
	over atomic.Bool
}

func newMeter(ctx context.Context, limit int64) *meter {
	if limit <= 0 {
		limit = DefaultMaxWork
	}
	return &meter{ctx: ctx, limit: limit}
}

// tally counts the steps of one goroutine and reports them to the meter
// every checkEvery steps, so that the work between two looks at the
// context is bounded whatever the size of a loop: every loop over
// candidates spends what it looked at. A nil tally never stops (compile
// for Suggest and Exhaustive).
type tally struct {
	m       *meter
	n       int64
	stopped bool
}

func (m *meter) tally() *tally { return &tally{m: m} }

// spend counts n steps and reports whether the work must stop: the
// context ended or the budget is spent.
func (t *tally) spend(n int) bool {
	if t == nil {
		return false
	}
	if t.stopped {
		return true
	}
	t.n += int64(n)
	if t.n < checkEvery {
		return false
	}
	return t.check()
}

// check reports the steps counted so far and whether the work must stop.
func (t *tally) check() bool {
	if t == nil {
		return false
	}
	if t.m.used.Add(t.n) > t.m.limit {
		t.m.over.Store(true)
	}
	t.n = 0
	if t.m.over.Load() || t.m.ctx.Err() != nil {
		t.stopped = true
	}
	return t.stopped
}

// done reports whether the work was stopped.
func (t *tally) done() bool { return t != nil && t.stopped }
