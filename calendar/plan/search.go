package plan

import (
	"math"
	"slices"
)

// DefaultMaxNodes is the search budget per component when Options.MaxNodes
// is 0: enough to prove most real components optimal in milliseconds, small
// enough that a county window is planned in well under 100 ms even when
// one component cannot be proven.
const DefaultMaxNodes = 20_000

// firstPlanNodes is the budget for finding a first plan when MaxNodes is
// smaller: MaxNodes bounds the proof of optimality, not the search for a
// plan at all, so a small budget never turns a feasible window into an
// unexplained failure.
const firstPlanNodes = 200_000

// cand is one value a meeting can take: a time and, when rooms are part of
// the search, a room. Everything the inner loop needs is copied in.
type cand struct {
	t    int32
	r    int16 // room index; -1 = digital, or rooms checked lazily (roomable)
	day  int16
	s, e int32 // minutes since model.base
	dn   int32 // day number, for spread
	val  int64 // unary score; in soft mode less violationBig per Busy clash
}

// edge links two meetings that constrain each other.
type edge struct {
	to       int32
	shared   int32 // people both must attend
	sameBody bool
	later    int8 // +1: to is a later meeting of the same body, -1: earlier
}

// trailEntry undoes one change: d == 0 revives a candidate, else adds d
// back to its adjusted score.
type trailEntry struct {
	v, c int32
	d    int64
}

// engine is an exact branch-and-bound over the meetings of one component:
// most-constrained meeting first, candidates tried best first, forward
// checking that removes every candidate clashing with a choice, and as
// upper bound the sum over unplaced meetings of their best surviving
// candidate (including what they lose with the meetings already placed).
// Pairwise penalties only lower a score, so the bound is admissible.
//
// In soft mode a clash is not forbidden but costs violationBig, so the best
// plan is the one breaking the fewest rules, then with the best score.
type engine struct {
	m         *model
	vars      []meeting
	roomMode  bool
	soft      bool
	firstOnly bool
	budget    int
	// tally meters the work and says when to stop: the request ended or
	// the Solve's work budget is spent (see budget.go).
	tally *tally

	cands    [][]cand
	edges    [][]edge
	alive    [][]bool
	adj      [][]int64
	nAlive   []int
	assigned []int32
	ver      []uint32
	cacheVer []uint32
	cache    []int64
	trail    []trailEntry
	order    [][]int32 // per depth, reused
	gap      []int     // per var: its body's ideal spread
	// dayLo[v][d] is the first candidate of v on day index d or later;
	// dayLo[v][len(days)] is len(cands[v]).
	dayLo [][]int32
	reach int // day indices either side on which a clash is possible

	// With roomCheck (rooms in the search, hard mode) the candidates are
	// times and rooms are checked lazily: a meeting may be placed only if
	// the placed meetings around it can still all get a room.
	roomCheck bool
	byDay     [][]int32 // placed meetings per day index
	roomOf    []int16   // a valid room for every placed meeting
	nearBuf   []int32
	bestRooms []int16
	// extra are rooms already taken by other groups' plans, per room.
	extra [][]span
	// roomStart is the room tried first, different per group so that
	// groups solved side by side seldom pick the same rooms.
	roomStart int

	// gapBuf is pairBound's list, kept from call to call.
	gapBuf []pairGapOf

	nodes     int
	aborted   bool
	found     bool
	best      []int32
	bestVal   int64
	complete  bool
	rootBound int64
}

const noBest = math.MinInt64

// pairDepth is how deep in the hard search the pair bound is computed:
// near the root a pruned node saves a large subtree, deeper the bound
// costs more than it saves (measured on planted windows of 5–40 bodies).
const pairDepth = 6

// newEngine builds the candidates and constraints of vars. The meetings of
// one body share one candidate list (it depends on the body only), so the
// engine's memory is about 13 bytes per meeting and candidate, and 40 per
// body and candidate. When t says stop while it is built, the engine is
// returned aborted, with nothing found.
func newEngine(t *tally, m *model, vars []meeting, roomMode, soft bool, budget int, extra [][]span) *engine {
	n := len(vars)
	g := &engine{m: m, vars: vars, roomMode: roomMode && len(m.rooms) > 0, soft: soft, budget: budget, tally: t,
		dayLo: make([][]int32, n), byDay: make([][]int32, len(m.days)), roomOf: make([]int16, n), extra: extra,
		cands: make([][]cand, n), edges: make([][]edge, n), alive: make([][]bool, n), adj: make([][]int64, n),
		nAlive: make([]int, n), assigned: make([]int32, n), ver: make([]uint32, n), cacheVer: make([]uint32, n),
		cache: make([]int64, n), order: make([][]int32, n+1), gap: make([]int, n), bestVal: noBest}
	type bodyCands struct {
		cands []cand
		lo    []int32
	}
	byBody := map[int]bodyCands{}
	for i, mt := range vars {
		if g.aborted {
			break
		}
		sh, ok := byBody[mt.body]
		if !ok {
			sh.cands = g.candidates(mt.body)
			sh.lo = make([]int32, len(m.days)+1)
			k := 0
			for d := range sh.lo {
				for k < len(sh.cands) && int(sh.cands[k].day) < d {
					k++
				}
				sh.lo[d] = int32(k)
			}
			byBody[mt.body] = sh
		}
		g.cands[i], g.dayLo[i] = sh.cands, sh.lo
		g.alive[i] = make([]bool, len(g.cands[i]))
		g.adj[i] = make([]int64, len(g.cands[i]))
		for k := range g.cands[i] {
			g.alive[i][k] = true
			g.adj[i][k] = g.cands[i][k].val
		}
		g.nAlive[i] = len(g.cands[i])
		g.assigned[i] = -1
		g.cacheVer[i] = math.MaxUint32
		g.gap[i] = m.bodies[mt.body].gap
		if t.spend(len(g.cands[i])) {
			g.aborted = true
		}
	}
	if g.aborted {
		return g
	}
	g.roomCheck = g.roomMode && !soft
	if len(m.rooms) > 0 && len(vars) > 0 {
		g.roomStart = vars[0].body * len(m.rooms) / len(m.bodies)
	}
	// Meetings lie within a day; a clash needs the two to be less than a
	// meeting plus the buffer apart, so it reaches at most this many days.
	g.reach = 1 + (m.durMin+m.buf)/(24*60)
	// shared[b] caches the people vars[i]'s body shares with body b; the
	// meetings of a body come one after another, so it is reset per body
	// (a table per pair of bodies would grow with their square).
	shared, sharedOf := make([]int32, len(m.bodies)), -1
	for i := 0; i < n; i++ {
		if t.spend(n - i) {
			g.aborted = true
			return g
		}
		if bi := vars[i].body; bi != sharedOf {
			for b := range shared {
				shared[b] = -1
			}
			sharedOf = bi
		}
		for j := i + 1; j < n; j++ {
			bi, bj := vars[i].body, vars[j].body
			s := int(shared[bj])
			if s < 0 {
				s = m.sharedPeople(bi, bj)
				shared[bj] = int32(s)
			}
			same := bi == bj
			// Rooms link every pair only when the candidates carry rooms
			// (soft mode); otherwise they are checked lazily, see roomable.
			if s == 0 && !same && !(g.roomMode && soft) {
				continue
			}
			var later int8
			if same {
				later = 1
				if vars[j].k < vars[i].k {
					later = -1
				}
			}
			g.edges[i] = append(g.edges[i], edge{to: int32(j), shared: int32(s), sameBody: same, later: later})
			g.edges[j] = append(g.edges[j], edge{to: int32(i), shared: int32(s), sameBody: same, later: -later})
		}
	}
	return g
}

// candidates lists the values of a meeting of body b: in hard mode the
// times free of Busy meetings for its people with some room free; in soft
// mode every time (with every room), charged for the rules it breaks.
func (g *engine) candidates(b int) []cand {
	m := g.m
	body := &m.bodies[b]
	var out []cand
	mk := func(t, r int, viol int) cand {
		st := &m.times[t]
		return cand{t: int32(t), r: int16(r), day: int16(st.day), s: int32(st.s), e: int32(st.e),
			dn: int32(m.dayNums[st.day]), val: body.unary[t] - int64(viol)*violationBig}
	}
	for t := range m.times {
		switch {
		case g.roomMode && g.soft:
			for r := range m.rooms {
				v := m.busyViolations(b, t, r)
				st := &m.times[t]
				for _, x := range extraOf(g.extra, r) {
					if x.s < int32(st.e) && int32(st.s) < x.e {
						v++ // a meeting another group placed in this room
					}
				}
				out = append(out, mk(t, r, v))
			}
		case g.soft: // digital: rooms never clash
			out = append(out, mk(t, -1, len(body.clashAt(t))))
		default:
			if len(body.clashAt(t)) > 0 {
				continue
			}
			if _, ok := m.freeRoom(t); ok {
				out = append(out, mk(t, -1, 0))
			}
		}
	}
	g.tally.spend(len(m.times) * max(1, len(m.rooms)))
	return out
}

// run searches; afterwards found, best, bestVal and complete tell the result.
func (g *engine) run() {
	if g.aborted { // stopped while it was built
		return
	}
	for i := range g.vars {
		if g.nAlive[i] == 0 {
			g.complete = true // a meeting with no candidate at all: proven infeasible
			return
		}
	}
	for i := range g.vars {
		g.rootBound += g.bestOf(i)
	}
	g.dfs(0, 0)
	g.complete = !g.aborted
}

// bestOf returns the best adjusted score among v's surviving candidates.
func (g *engine) bestOf(v int) int64 {
	if g.cacheVer[v] == g.ver[v] {
		return g.cache[v]
	}
	b := int64(noBest)
	al, ad := g.alive[v], g.adj[v]
	for k, ok := range al {
		if ok && ad[k] > b {
			b = ad[k]
		}
	}
	g.cache[v], g.cacheVer[v] = b, g.ver[v]
	g.spendSteps(len(al))
	return b
}

// spendSteps meters n steps of work; when the tally says stop (the
// request ended, the work budget is spent) the search is aborted and
// unwinds, keeping the best plan found.
func (g *engine) spendSteps(n int) bool {
	if g.tally.spend(n) {
		g.aborted = true
		return true
	}
	return false
}

func (g *engine) dfs(depth int, cur int64) {
	// Pick the most constrained unplaced meeting and sum the bound.
	g.spendSteps(len(g.vars))
	v, rest := -1, int64(0)
	for i := range g.vars {
		if g.assigned[i] >= 0 {
			continue
		}
		rest += g.bestOf(i)
		if v < 0 || g.nAlive[i] < g.nAlive[v] || (g.nAlive[i] == g.nAlive[v] && len(g.edges[i]) > len(g.edges[v])) {
			v = i
		}
	}
	if v < 0 {
		if cur > g.bestVal || !g.found {
			g.found = true
			g.bestVal = cur
			g.best = slices.Clone(g.assigned)
			if g.roomCheck {
				g.bestRooms = slices.Clone(g.roomOf)
			}
		}
		return
	}
	if g.aborted || g.found && (g.firstOnly || cur+rest <= g.bestVal) {
		return
	}
	// The simple bound ignores what unplaced meetings cost each other; the
	// pair bound sees part of it. In soft mode that includes every clash
	// still to come, so it is always worth it there.
	if g.found && (g.soft || depth < pairDepth) && cur+rest-g.pairBound() <= g.bestVal {
		return
	}
	rest -= g.bestOf(v)
	// Candidates best first. Most nodes try only a few before the bound
	// stops them, so the next best is picked by a scan rather than by
	// sorting them all.
	ord := g.order[depth][:0]
	for k, ok := range g.alive[v] {
		if ok {
			ord = append(ord, int32(k))
		}
	}
	g.order[depth] = ord
	g.spendSteps(len(g.alive[v]))
	ad := g.adj[v]
	for i := range ord {
		g.spendSteps(len(ord) - i)
		bi := i
		for j := i + 1; j < len(ord); j++ {
			if ad[ord[j]] > ad[ord[bi]] || (ad[ord[j]] == ad[ord[bi]] && ord[j] < ord[bi]) {
				bi = j
			}
		}
		ord[i], ord[bi] = ord[bi], ord[i]
		k := ord[i]
		if g.found && (g.firstOnly || cur+ad[k]+rest <= g.bestVal) {
			break
		}
		g.nodes++
		if (g.found && g.nodes > g.budget) || g.nodes > max(g.budget, firstPlanNodes) || len(g.trail) > maxTrail {
			g.aborted = true
		}
		if g.aborted {
			return
		}
		mark := len(g.trail)
		val := ad[k]
		if g.place(v, int(k)) {
			g.dfs(depth+1, cur+val)
		}
		g.undo(mark)
		g.unplace(v)
		if g.aborted {
			return
		}
	}
}

// place sets meeting v to candidate c and updates every unplaced neighbour:
// candidates that clash are removed (soft mode: charged violationBig),
// the others lose what they would cost together with c. It returns false
// when a neighbour has nothing left.
func (g *engine) place(v, c int) bool {
	x := &g.cands[v][c]
	if g.roomCheck && !g.roomable(v, x) {
		return false
	}
	g.assigned[v] = int32(c)
	if g.roomCheck {
		g.byDay[x.day] = append(g.byDay[x.day], int32(v))
	}
	buf := int32(g.m.buf)
	nd := len(g.m.days)
	for _, e := range g.edges[v] {
		u := int(e.to)
		if g.assigned[u] >= 0 {
			continue
		}
		cu, al, ad := g.cands[u], g.alive[u], g.adj[u]
		// Only a meeting of the same body (order, spread) is affected
		// beyond the days around x: clashes need overlap, the same-day
		// penalty the same day.
		lo, hi := int32(0), int32(len(cu))
		if !e.sameBody {
			lo = g.dayLo[u][max(0, int(x.day)-g.reach)]
			hi = g.dayLo[u][min(nd, int(x.day)+g.reach+1)]
		}
		changed := false
		stop := g.spendSteps(int(hi - lo))
		for k := lo; k < hi; k++ {
			if !al[k] {
				continue
			}
			y := &cu[k]
			if (e.later > 0 && (y.s < x.s || (!g.soft && y.s == x.s))) || (e.later < 0 && (y.s > x.s || (!g.soft && y.s == x.s))) {
				g.kill(u, int(k))
				changed = true
				continue
			}
			var d int64
			if (e.shared > 0 && x.s < y.e+buf && y.s < x.e+buf) || (x.r >= 0 && x.r == y.r && x.s < y.e && y.s < x.e) {
				if !g.soft {
					g.kill(u, int(k))
					changed = true
					continue
				}
				d = violationBig
			}
			if e.shared > 0 && x.day == y.day {
				d += int64(e.shared) * wSameDay
			}
			if e.sameBody {
				gp := int(x.dn - y.dn)
				if gp < 0 {
					gp = -gp
				}
				d += spreadPenalty(gp, g.gap[v])
			}
			if d != 0 {
				ad[k] -= d
				g.trail = append(g.trail, trailEntry{int32(u), k, d})
				changed = true
			}
		}
		if changed {
			g.ver[u]++
		}
		if g.nAlive[u] == 0 || stop {
			return false
		}
	}
	return true
}

// unplace takes meeting v out again (its neighbours are restored by undo).
func (g *engine) unplace(v int) {
	if c := g.assigned[v]; c >= 0 && g.roomCheck {
		d := g.cands[v][c].day
		g.byDay[d] = g.byDay[d][:len(g.byDay[d])-1]
	}
	g.assigned[v] = -1
}

// roomable reports whether meeting v at x and the meetings already placed
// can all get rooms, and if so records a room for v (and, when others had
// to move, for them: a room assignment valid for a set of meetings stays
// valid for any subset, so undoing a placement needs no room undo). Most
// of the time a room is simply free; only then is the cluster of meetings
// overlapping x solved again. Meetings on days further away never share
// a room with x.
func (g *engine) roomable(v int, x *cand) bool {
	m := g.m
	nd := len(m.days)
	lo, hi := max(0, int(x.day)-g.reach), min(nd, int(x.day)+g.reach+1)
	a := roomSlot{x.s, x.e, x.t, -1}
	for i := range m.rooms {
		r := (g.roomStart + i) % len(m.rooms)
		if !m.roomFree(&a, r, g.extra) {
			continue
		}
		free := true
		for d := lo; d < hi && free; d++ {
			for _, u := range g.byDay[d] {
				y := &g.cands[u][g.assigned[u]]
				if int(g.roomOf[u]) == r && y.s < x.e && x.s < y.e {
					free = false
					break
				}
			}
		}
		if free {
			g.roomOf[v] = int16(r)
			return true
		}
	}
	// No room is simply free. First the quick proof that none can be:
	// at some moment more meetings than free rooms.
	near := g.nearBuf[:0]
	for d := lo; d < hi; d++ {
		for _, u := range g.byDay[d] {
			y := &g.cands[u][g.assigned[u]]
			if y.s < x.e && x.s < y.e {
				near = append(near, u)
			}
		}
	}
	g.nearBuf = near
	for _, p := range append([]int32{x.s}, g.startsIn(near, x)...) {
		n := 1
		for _, u := range near {
			y := &g.cands[u][g.assigned[u]]
			if y.s <= p && p < y.e {
				n++
			}
		}
		if n > m.roomsFreeAt(p, g.extra) {
			return false
		}
	}
	// Re-room the meetings that overlap x through a chain.
	var who []int
	slots := []roomSlot{a}
	h0, h1 := x.s, x.e
	for grown := true; grown; {
		grown = false
		for d := lo; d < hi; d++ {
			for _, u := range g.byDay[d] {
				y := &g.cands[u][g.assigned[u]]
				if y.s < h1 && h0 < y.e && !slices.Contains(who, int(u)) {
					who = append(who, int(u))
					slots = append(slots, roomSlot{y.s, y.e, y.t, int(g.roomOf[u])})
					h0, h1 = min(h0, y.s), max(h1, y.e)
					grown = true
				}
			}
		}
	}
	rooms, ok, capped := m.roomsFor(g.tally, slots, g.extra, g.roomStart)
	if capped {
		g.aborted = true // exactness can no longer be claimed
	}
	if !ok {
		return false
	}
	g.roomOf[v] = int16(rooms[0])
	for i, u := range who {
		g.roomOf[u] = int16(rooms[i+1])
	}
	return true
}

// startsIn returns the starts of the near meetings that fall inside x.
func (g *engine) startsIn(near []int32, x *cand) []int32 {
	var out []int32
	for _, u := range near {
		if y := &g.cands[u][g.assigned[u]]; y.s > x.s && y.s < x.e {
			out = append(out, y.s)
		}
	}
	return out
}

// roomsFreeAt counts the rooms free of Busy meetings and extra blocks at
// minute p.
func (m *model) roomsFreeAt(p int32, extra [][]span) int {
	n := 0
	for r := range m.rooms {
		free := true
		for _, b := range m.roomBusy[r] {
			if b.s > p {
				break
			}
			if p < b.e {
				free = false
				break
			}
		}
		if free && extra != nil {
			for _, b := range extra[r] {
				if b.s <= p && p < b.e {
					free = false
					break
				}
			}
		}
		if free {
			n++
		}
	}
	return n
}

// roomStepCap bounds the backtracking of one room check. Past it the
// check answers "no" and the search is marked inexact, never wrongly exact.
const roomStepCap = 20_000

// roomSlot is a meeting waiting for a room: its time and, optionally, the
// room to try first.
type roomSlot struct {
	s, e int32
	t    int32
	pref int // -1: none
}

// span is a stretch of time in minutes since model.base.
type span struct{ s, e int32 }

// roomsFor finds a room for every slot, free of Busy meetings, of the
// blocks in extra (per room) and of each other; the result is by slot
// index. ok is false when there is none, or when capped is set: the check
// gave up.
//
// Meetings that overlap in time (directly or through others) form
// clusters, each solved by backtracking in order of start. Rooms that look
// the same from now on – the same bookings inside the cluster's span and
// free now – are interchangeable, so only one of them is tried.
func (m *model) roomsFor(t *tally, slots []roomSlot, extra [][]span, start int) (rooms []int, ok, capped bool) {
	idx := make([]int, len(slots))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(slots[a].s - slots[b].s) })
	got := make([]int, len(slots))
	for i := 0; i < len(idx); {
		end := slots[idx[i]].e
		j := i + 1
		for j < len(idx) && slots[idx[j]].s < end {
			end = max(end, slots[idx[j]].e)
			j++
		}
		ok, capped := m.roomCluster(t, slots, idx[i:j], extra, start, got)
		if !ok {
			return nil, false, capped
		}
		i = j
	}
	return got, true, false
}

// roomFree reports whether room r is free of Busy meetings and extra blocks at a.
func (m *model) roomFree(a *roomSlot, r int, extra [][]span) bool {
	if m.roomHeld(int(a.t), r) {
		return false
	}
	if extra != nil {
		for _, b := range extra[r] {
			if b.s < a.e && a.s < b.e {
				return false
			}
		}
	}
	return true
}

// roomCluster rooms one cluster (idx sorted by start) into got.
func (m *model) roomCluster(t *tally, slots []roomSlot, idx []int, extra [][]span, start int, got []int) (ok, capped bool) {
	h0, h1 := slots[idx[0]].s, int32(0)
	for _, i := range idx {
		h1 = max(h1, slots[i].e)
	}
	// class[r]: rooms with the same bookings inside [h0, h1) share one.
	class := make([]int, len(m.rooms))
	var sigs [][]span
	for r := range m.rooms {
		t.spend(1 + len(m.roomBusy[r]))
		var sig []span
		for _, b := range m.roomBusy[r] {
			if b.s < h1 && h0 < b.e {
				sig = append(sig, b)
			}
		}
		if extra != nil {
			for _, b := range extra[r] {
				if b.s < h1 && h0 < b.e {
					sig = append(sig, b)
				}
			}
		}
		class[r] = slices.IndexFunc(sigs, func(x []span) bool { return slices.Equal(x, sig) })
		if class[r] < 0 {
			class[r] = len(sigs)
			sigs = append(sigs, sig)
		}
	}
	lastEnd := make([]int32, len(m.rooms))
	for r := range lastEnd {
		lastEnd[r] = h0
	}
	steps := 0
	type key struct {
		class int
		free  int32
	}
	order := make([]int, 0, len(m.rooms)+1)
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == len(idx) {
			return true
		}
		a := &slots[idx[i]]
		order := order[:0]
		if a.pref >= 0 {
			order = append(order, a.pref)
		}
		for i := range m.rooms {
			if r := (start + i) % len(m.rooms); r != a.pref {
				order = append(order, r)
			}
		}
		var tried []key
		for _, r := range order {
			if lastEnd[r] > a.s || !m.roomFree(a, r, extra) {
				continue
			}
			k := key{class[r], max(lastEnd[r], a.s)}
			if slices.Contains(tried, k) {
				continue
			}
			tried = append(tried, k)
			if steps++; steps > roomStepCap || t.spend(len(m.rooms)) {
				capped = true
				return false
			}
			prev := lastEnd[r]
			lastEnd[r] = a.e
			got[idx[i]] = r
			if rec(i + 1) {
				return true
			}
			lastEnd[r] = prev
			if capped {
				return false
			}
		}
		return false
	}
	return rec(0), capped
}

// plan returns the best plan found as placed meetings, nil if none.
func (g *engine) plan() []placed {
	if g.best == nil {
		return nil
	}
	out := make([]placed, len(g.vars))
	for i, mt := range g.vars {
		c := &g.cands[i][g.best[i]]
		out[i] = placed{mt: mt, t: int(c.t), r: int(c.r)}
		if g.bestRooms != nil {
			out[i].r = int(g.bestRooms[i])
		}
	}
	return out
}

// placed is one meeting with its time and room (-1: digital or not yet).
type placed struct {
	mt   meeting
	t, r int
}

func (g *engine) kill(u, k int) {
	g.alive[u][k] = false
	g.nAlive[u]--
	g.trail = append(g.trail, trailEntry{int32(u), int32(k), 0})
}

func (g *engine) undo(mark int) {
	for i := len(g.trail) - 1; i >= mark; i-- {
		te := g.trail[i]
		if te.d == 0 {
			g.alive[te.v][te.c] = true
			g.nAlive[te.v]++
		} else {
			g.adj[te.v][te.c] += te.d
		}
		g.ver[te.v]++
	}
	g.trail = g.trail[:mark]
}

// pairGap is how much less than best(u)+best(v) the unplaced meetings u
// and v (linked by e) can score together: they may clash (forbidden, or
// in soft mode charged violationBig), meet the same day with shared
// people, or, for one body, lie too close. A pair of one body whose
// candidates are too many to compare each with each (pairGapCap) gets 0,
// which keeps the bound admissible, only weaker.
func (g *engine) pairGap(u int, e *edge) int64 {
	v := int(e.to)
	bu, bv := g.bestOf(u), g.bestOf(v)
	nd := len(g.m.days)
	buf := int32(g.m.buf)
	if e.sameBody && g.nAlive[u]*g.nAlive[v] > pairGapCap {
		return 0
	}
	// Beyond reach days and for different bodies, v costs nothing extra:
	// its best candidate per day serves. before[d] is the best of days
	// before d, after[d] of days from d on.
	var before, after []int64
	if !e.sameBody {
		dayBest := make([]int64, nd)
		for d := range dayBest {
			dayBest[d] = noBest
		}
		for k, ok := range g.alive[v] {
			if c := &g.cands[v][k]; ok && g.adj[v][k] > dayBest[c.day] {
				dayBest[c.day] = g.adj[v][k]
			}
		}
		before, after = make([]int64, nd+1), make([]int64, nd+1)
		before[0], after[nd] = noBest, noBest
		for d := range nd {
			before[d+1] = max(before[d], dayBest[d])
			after[nd-1-d] = max(after[nd-d], dayBest[nd-1-d])
		}
		g.spendSteps(len(g.alive[v]) + 3*nd)
	}
	joint := int64(noBest)
	for k, ok := range g.alive[u] {
		if !ok {
			continue
		}
		x := &g.cands[u][k]
		au := g.adj[u][k]
		if au+bv <= joint {
			continue
		}
		lo, hi := int32(0), int32(len(g.cands[v]))
		if !e.sameBody {
			far := max(before[max(0, int(x.day)-g.reach)], after[min(nd, int(x.day)+g.reach+1)])
			if far != noBest && au+far > joint {
				joint = au + far
			}
			lo = g.dayLo[v][max(0, int(x.day)-g.reach)]
			hi = g.dayLo[v][min(nd, int(x.day)+g.reach+1)]
		}
		if g.spendSteps(int(hi-lo) + 1) {
			return 0
		}
		for j := lo; j < hi; j++ {
			if !g.alive[v][j] {
				continue
			}
			y := &g.cands[v][j]
			if (e.later > 0 && (y.s < x.s || (!g.soft && y.s == x.s))) || (e.later < 0 && (y.s > x.s || (!g.soft && y.s == x.s))) {
				continue
			}
			val := au + g.adj[v][j]
			if (e.shared > 0 && x.s < y.e+buf && y.s < x.e+buf) || (x.r >= 0 && x.r == y.r && x.s < y.e && y.s < x.e) {
				if !g.soft {
					continue
				}
				val -= violationBig
			}
			if e.shared > 0 && x.day == y.day {
				val -= int64(e.shared) * wSameDay
			}
			if e.sameBody {
				val -= spreadPenalty(abs(int(x.dn-y.dn)), g.gap[u])
			}
			if val > joint {
				joint = val
			}
		}
	}
	if joint == noBest {
		return bu + bv - 2*violationBig*int64(len(g.vars)) // cannot both be placed
	}
	return bu + bv - joint
}

// pairGapCap bounds the candidate pairs pairGap compares for two meetings
// of one body (about a millisecond of work): beyond it their gap is taken
// as 0. Windows of a few weeks stay far below it.
const pairGapCap = 1 << 20

// pairBound is how much the simple bound can be lowered: a greedy matching
// of unplaced neighbours by their pair gaps (disjoint pairs, so the gaps
// add up and the bound stays admissible).
func (g *engine) pairBound() int64 {
	gaps := g.gapBuf[:0]
	defer func() { g.gapBuf = gaps[:0] }()
	for u := range g.vars {
		if g.assigned[u] >= 0 {
			continue
		}
		for i := range g.edges[u] {
			e := &g.edges[u][i]
			v := int(e.to)
			if v < u || g.assigned[v] >= 0 {
				continue
			}
			if gp := g.pairGap(u, e); gp > 0 {
				gaps = append(gaps, pairGapOf{int32(u), int32(v), gp})
			}
			if g.tally.done() {
				return 0
			}
		}
	}
	slices.SortFunc(gaps, func(a, b pairGapOf) int {
		if a.gap != b.gap {
			if a.gap > b.gap {
				return -1
			}
			return 1
		}
		return int(a.u)*len(g.vars) + int(a.v) - int(b.u)*len(g.vars) - int(b.v)
	})
	used := make([]bool, len(g.vars))
	var total int64
	for _, x := range gaps {
		if !used[x.u] && !used[x.v] {
			used[x.u], used[x.v] = true, true
			total += x.gap
		}
	}
	return total
}

// pairGapOf is the pair gap of two unplaced meetings u < v.
type pairGapOf struct {
	u, v int32
	gap  int64
}

// pairBoundAtRoot is the pair-gap lowering of the bound with nothing
// placed; after run every placement has been undone, so that is the state.
func (g *engine) pairBoundAtRoot() int64 { return g.pairBound() }

// extraOf returns the taken blocks of room r, none when there are none.
func extraOf(extra [][]span, r int) []span {
	if extra == nil {
		return nil
	}
	return extra[r]
}
