package plan

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/samkal/samkal/calendar"
)

// group is a set of bodies planned together: bodies linked by people who
// must attend (or, when rooms tie groups together after all, every body).
// Its search checks rooms against Busy meetings and its own meetings.
type group struct {
	bodies []int
	solved bool
	// stopped: the work was stopped (context or budget) before the group
	// had a plan for every meeting; its plan is not to be used.
	stopped bool

	plan      []placed
	value     int64 // the search's objective of plan
	bound     int64 // an upper bound on the group's best score
	feasible  bool
	exact     bool
	conflicts []Conflict
}

// components splits the bodies into groups linked by shared people.
func (m *model) components() []*group {
	parent := make([]int, len(m.bodies))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	owner := map[int]int{}
	for b := range m.bodies {
		for _, p := range m.bodies[b].attendees {
			if o, ok := owner[p]; ok {
				parent[find(b)] = find(o)
			} else {
				owner[p] = b
			}
		}
	}
	byRoot := map[int]*group{}
	var out []*group
	for b := range m.bodies {
		r := find(b)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			out = append(out, g)
		}
		g.bodies = append(g.bodies, b)
	}
	return out
}

// vars lists the meetings of the bodies.
func (m *model) vars(bodies []int) []meeting {
	var out []meeting
	for _, b := range bodies {
		for k := 0; k < m.bodies[b].d.Count; k++ {
			out = append(out, meeting{b, k})
		}
	}
	return out
}

// solve plans the window. Every group of bodies linked by shared people
// is solved on its own (on all cores), checking rooms against Busy
// meetings and the group's own meetings. Rooms are then reconciled across
// groups: a group whose rooms are taken by groups before it is solved
// again around them. Each group's first optimum is an upper bound for its
// part, so a plan that keeps every group's optimum is optimal. When a
// group had to give up some of its score, rooms tie the groups into one
// component after all: up to mergeLimit bodies they are then solved as
// one, beyond it the plan is kept and marked inexact. When a group cannot
// be placed at all beside the others, all are solved as one regardless.
func solve(ctx context.Context, p *Problem, opts Options) (*Result, error) {
	res, _, err := solveWithStats(ctx, p, opts)
	return res, err
}

// solveStats tells how the window was decomposed and how much of it was
// proven optimal, for the benchmarks.
type solveStats struct {
	components, exactComponents int
	bodies, exactBodies         int
}

func solveWithStats(ctx context.Context, p *Problem, opts Options) (*Result, solveStats, error) {
	return solveMetered(newMeter(ctx, opts.MaxWork), p, opts)
}

// solveMetered is solveWithStats with the meter given: its context and
// work budget, and afterwards the work done.
func solveMetered(mt *meter, p *Problem, opts Options) (*Result, solveStats, error) {
	var st solveStats
	ctx := mt.ctx
	if err := ctx.Err(); err != nil {
		return nil, st, err
	}
	if err := p.Validate(); err != nil {
		return nil, st, err
	}
	m, ok := compileMetered(p, mt.tally())
	if !ok {
		return nil, st, m.stopped(mt, []*group{{stopped: true}})
	}
	budget := opts.MaxNodes
	if budget <= 0 {
		budget = DefaultMaxNodes
	}
	groups := m.components()
	m.solveGroups(mt, groups, budget)
	if err := m.stopped(mt, groups); err != nil {
		return nil, st, err
	}
	placedAll, lost := m.reconcileRooms(mt.tally(), groups, budget)
	if err := m.stopped(mt, groups); err != nil {
		return nil, st, err
	}
	// When rooms tie groups together after all, they are one component:
	// solve them as one where that is affordable, or where there is no
	// plan otherwise; keep the better plan.
	if !placedAll || (lost && len(m.bodies) <= mergeLimit) {
		all := &group{}
		for b := range m.bodies {
			all.bodies = append(all.bodies, b)
		}
		m.solveGroups(mt, []*group{all}, budget)
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		var kept int64
		feasibleKept := true
		for _, g := range groups {
			kept += g.value
			feasibleKept = feasibleKept && g.feasible
		}
		if !all.stopped && (!placedAll || all.exact || (all.feasible && all.value > kept) || (!feasibleKept && all.value > kept)) {
			groups = []*group{all}
		}
		if err := m.stopped(mt, groups); err != nil {
			return nil, st, err
		}
	}
	var plan []placed
	feasible, exact := true, true
	var conflicts []Conflict
	var bound int64
	for _, g := range groups {
		plan = append(plan, g.plan...)
		feasible = feasible && g.feasible
		exact = exact && g.exact
		conflicts = append(conflicts, g.conflicts...)
		bound += g.bound
	}
	slices.SortStableFunc(conflicts, func(a, b Conflict) int { return m.bodyIdx[a.Bodies[0]] - m.bodyIdx[b.Bodies[0]] })
	for _, g := range groups {
		st.components++
		st.bodies += len(g.bodies)
		if g.exact {
			st.exactComponents++
			st.exactBodies += len(g.bodies)
		}
	}
	res := m.result(plan, feasible, exact, conflicts)
	res.Bound = res.Score
	if feasible && !exact {
		res.Bound = float64(bound) / 1000
	}
	if mt.over.Load() {
		w := "the planner used up its work budget before it could finish: this is the best plan it found"
		if feasible {
			w += fmt.Sprintf(", at most %.1f points below the best possible", res.Bound-res.Score)
		}
		res.Warnings = append(res.Warnings, w+"; narrowing the hours or weeks lets it search further")
	}
	return res, st, nil
}

// stopped returns the error of a Solve whose work was stopped before
// every group had a plan: the context's error when the request ended (at
// once, without finishing the search), or EINVALID when the work budget
// ran out before any plan was found – the window is too large to plan. It
// returns nil when every group has a plan to use.
func (m *model) stopped(mt *meter, groups []*group) error {
	if err := mt.ctx.Err(); err != nil {
		return err
	}
	stopped := false
	for _, g := range groups {
		stopped = stopped || g.stopped
	}
	if !stopped {
		return nil
	}
	w := m.p.Window
	meetings := 0
	for _, d := range m.p.Demands {
		meetings += d.Count
	}
	return calendar.Errorf(calendar.EINVALID,
		"the window is too large to plan: the planner used up its work budget (%d steps) on %d meetings × %d candidate start times before it found a plan; narrow the hours or weeks, make granularity_minutes larger (now %d), or split the bodies into several windows",
		mt.limit, meetings, len(m.times), int(w.Granularity().Minutes()))
}

// solveGroups solves every group not yet solved, on all cores: groups are
// independent. Each worker meters its work with its own tally of mt.
func (m *model) solveGroups(mt *meter, groups []*group, budget int) {
	work := make(chan *group)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := mt.tally()
			for g := range work {
				m.solveGroup(t, g, budget)
			}
		}()
	}
	// Largest first, so that one big group does not finish last alone.
	todo := slices.Clone(groups)
	slices.SortStableFunc(todo, func(a, b *group) int { return len(b.bodies) - len(a.bodies) })
	for _, g := range todo {
		if !g.solved {
			work <- g
		}
	}
	close(work)
	wg.Wait()
}

// solveGroup finds the best plan of one group; when there is none, it
// explains why and finds the plan that breaks the fewest rules.
//
// When t says stop (the context ended, the budget is spent) the group
// keeps the best plan found so far, marked inexact; without one it is
// marked stopped.
func (m *model) solveGroup(t *tally, g *group, budget int) {
	g.solved = true
	if t.done() {
		g.stopped = true
		return
	}
	vars := m.vars(g.bodies)
	hard := newEngine(t, m, vars, true, false, budget, nil)
	hard.run()
	if hard.found {
		g.plan, g.feasible, g.exact, g.conflicts = hard.plan(), true, hard.complete, nil
		g.value, g.bound = hard.bestVal, hard.bestVal
		if !hard.complete {
			g.bound = max(hard.bestVal, hard.rootBound-hard.pairBoundAtRoot())
		}
		return
	}
	g.feasible = false
	proven := hard.complete
	hard = nil // its memory is free for what follows
	if t.done() {
		g.stopped = true
		return
	}
	conflicts, dropped, restFits := m.explain(t, g.bodies, proven, budget)
	g.conflicts = conflicts
	// The best-effort plan chooses rooms itself (its candidates carry
	// rooms), so that it breaks no more room rules than it must.
	if len(vars)*len(m.times)*max(1, len(m.rooms)) <= softExactCands {
		soft := newEngine(t, m, vars, true, true, softBudget*budget, nil)
		soft.run()
		g.plan, g.value = soft.plan(), soft.bestVal
		g.exact = proven && soft.complete
		g.stopped = g.plan == nil
		return
	}
	g.plan, g.value = m.repair(t, g.bodies, dropped, restFits, budget)
	g.exact = false
	g.stopped = g.plan == nil
}

// softExactCands bounds the groups whose best-effort plan is searched
// exactly, in candidates (meetings × times × rooms): in soft mode every
// candidate of every meeting stays possible, so the search grows much
// faster than in hard mode. Larger groups get a repaired plan.
const softExactCands = 2000

// softBudget multiplies the budget of the exact best-effort search: its
// bound is weaker (every meeting may still clash with every other), and
// its groups are small, so its nodes are cheap.
const softBudget = 10

// repair makes a best-effort plan for a large group that cannot be
// planned: the bodies that fit without the dropped ones (the explained
// conflicts) are planned exactly, then the dropped bodies' meetings are
// added one by one where they break the fewest rules, best score first.
// It returns the plan and its objective (score less violationBig per rule
// broken).
//
// It returns nil when t says stop before every meeting is placed.
func (m *model) repair(t *tally, bodies, dropped []int, restFits bool, budget int) ([]placed, int64) {
	var plan []placed
	rest := slices.DeleteFunc(slices.Clone(bodies), func(b int) bool { return slices.Contains(dropped, b) })
	if restFits && len(rest) > 0 {
		e := newEngine(t, m, m.vars(rest), true, false, budget, nil)
		e.run()
		plan = e.plan()
	}
	if plan == nil {
		rest = nil
	}
	for _, mt := range m.vars(bodies) {
		if slices.Contains(rest, mt.body) {
			continue
		}
		if t.spend(len(m.times) * max(1, len(m.rooms)) * (1 + len(plan))) {
			return nil, 0
		}
		plan = append(plan, m.leastBad(plan, mt))
	}
	return plan, m.planScore(plan) - violationBig*int64(m.violationCount(plan))
}

// leastBad places meeting mt beside plan where it breaks the fewest
// rules, then where it scores best; a body's meetings stay in order.
func (m *model) leastBad(plan []placed, mt meeting) placed {
	rooms := []int{-1}
	if len(m.rooms) > 0 {
		rooms = rooms[:0]
		for r := range m.rooms {
			rooms = append(rooms, r)
		}
	}
	best, bestViol, bestScore := placed{mt: mt, t: -1}, 0, int64(0)
	for t := range m.times {
		if slices.ContainsFunc(plan, func(o placed) bool { return o.mt.body == mt.body && o.mt.k < mt.k && o.t > t }) {
			continue
		}
		for _, r := range rooms {
			viol := m.busyViolations(mt.body, t, r)
			score := m.bodies[mt.body].unary[t]
			for _, o := range plan {
				shared := m.sharedPeople(o.mt.body, mt.body)
				if m.pairClash(shared, o.t, o.r, t, r) {
					viol++
				}
				score -= m.pairPenalty(shared, o.mt.body == mt.body, mt.body, o.t, t)
			}
			if best.t < 0 || viol < bestViol || (viol == bestViol && score > bestScore) {
				best, bestViol, bestScore = placed{mt: mt, t: t, r: r}, viol, score
			}
		}
	}
	return best
}

// mergeLimit is the most bodies solved as one component when rooms turn
// out to tie groups together; beyond it the groups' plans are kept,
// marked inexact.
const mergeLimit = 100

// reconcileRooms makes the groups' rooms agree. Best-effort plans of
// infeasible groups keep their rooms; then, largest group first, each
// group's meetings get rooms beside those already taken, and a group that
// cannot keep its plan is solved again around them. placedAll is false
// when a group cannot be planned at all beside the others; lost tells
// that a group had to take a worse plan (the result is then not proven).
//
// A group whose search is stopped by t (context, budget) without a plan
// is marked stopped.
func (m *model) reconcileRooms(t *tally, groups []*group, budget int) (placedAll, lost bool) {
	if len(m.rooms) == 0 {
		return true, false
	}
	taken := make([][]span, len(m.rooms))
	take := func(g *group) {
		for _, a := range g.plan {
			st := &m.times[a.t]
			taken[a.r] = append(taken[a.r], span{int32(st.s), int32(st.e)})
		}
	}
	order := slices.Clone(groups)
	slices.SortStableFunc(order, func(a, b *group) int {
		if a.feasible != b.feasible {
			if !a.feasible {
				return -1
			}
			return 1
		}
		return len(b.bodies) - len(a.bodies)
	})
	for _, g := range order {
		slots := make([]roomSlot, len(g.plan))
		for i, a := range g.plan {
			st := &m.times[a.t]
			slots[i] = roomSlot{int32(st.s), int32(st.e), int32(a.t), a.r}
		}
		if rooms, ok, _ := m.roomsFor(t, slots, taken, g.bodies[0]*len(m.rooms)/len(m.bodies)); ok {
			for i := range g.plan {
				g.plan[i].r = rooms[i]
			}
			take(g)
			continue
		}
		if !g.feasible {
			// A best-effort plan whose rooms clash with those taken is
			// solved again, counting them as clashes, when it is small;
			// a large one keeps its rooms and lists the clashes.
			if m.clashesTaken(g, taken) {
				if len(g.plan)*len(m.times)*len(m.rooms) <= softExactCands {
					e := newEngine(t, m, m.vars(g.bodies), true, true, softBudget*budget, taken)
					e.run()
					if e.bestVal < g.value || !e.complete {
						g.exact, lost = false, true
					}
					if e.best != nil {
						g.plan, g.value = e.plan(), e.bestVal
					}
				} else {
					g.exact, lost = false, true
				}
			}
			take(g)
			continue
		}
		e := newEngine(t, m, m.vars(g.bodies), true, false, budget, taken)
		e.run()
		if !e.found {
			if t.done() {
				g.stopped = true
			}
			return false, true
		}
		if e.bestVal < g.value || !e.complete {
			g.exact = false
			lost = true
		}
		g.plan, g.value = e.plan(), e.bestVal
		take(g)
	}
	return true, lost
}

// clashesTaken reports whether a meeting of g is in a room taken then.
func (m *model) clashesTaken(g *group, taken [][]span) bool {
	for _, a := range g.plan {
		st := &m.times[a.t]
		for _, x := range taken[a.r] {
			if x.s < int32(st.e) && int32(st.s) < x.e {
				return true
			}
		}
	}
	return false
}
