package plan

import (
	"github.com/samkal/samkal/calendar"
)

// maxExhaustiveBodies bounds Exhaustive: it tries every combination.
const maxExhaustiveBodies = 8

// exhaustive is the reference the planner is tested against. It shares
// only the model (candidate times, Busy clashes, unary scores) with Solve:
// no components, no rooms handed out afterwards, no bound. Meetings are
// taken in window order; every time and room is tried for each; a partial
// plan is cut only when it already breaks a hard rule (or, in the
// best-effort pass, more rules than the best so far), which loses no
// complete plan. Scores are computed from scratch for every complete plan.
func exhaustive(p *Problem) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(p.Demands) > maxExhaustiveBodies {
		return nil, calendar.Errorf(calendar.EINVALID, "exhaustive search is for at most %d bodies, not %d", maxExhaustiveBodies, len(p.Demands))
	}
	m := compile(p)
	ms := m.meetings()
	type choice struct{ t, r int }
	var choices []choice
	for t := range m.times {
		if len(m.rooms) == 0 {
			choices = append(choices, choice{t, -1})
			continue
		}
		for r := range m.rooms {
			choices = append(choices, choice{t, r})
		}
	}
	cur := make([]placed, len(ms))
	var best []placed
	var bestScore int64
	bestViol := -1

	// search places meeting i; viol counts the rules broken so far, and
	// maxViol is how many may be broken (0 in the first pass).
	var search func(i, viol, maxViol int)
	search = func(i, viol, maxViol int) {
		if i == len(ms) {
			s := m.planScore(cur)
			if best == nil || viol < bestViol || (viol == bestViol && s > bestScore) {
				best, bestScore, bestViol = append([]placed(nil), cur...), s, viol
			}
			return
		}
		mt := ms[i]
		for _, c := range choices {
			// A body's meetings in order of start, so that the same plan is
			// not tried in every order of its meetings.
			if i > 0 && ms[i-1].body == mt.body && c.t < cur[i-1].t {
				continue
			}
			v := viol + m.busyViolations(mt.body, c.t, c.r)
			for _, o := range cur[:i] {
				if m.pairClash(m.sharedPeople(o.mt.body, mt.body), o.t, o.r, c.t, c.r) {
					v++
				}
			}
			if v > maxViol || (bestViol >= 0 && v > bestViol) {
				continue
			}
			cur[i] = placed{mt: mt, t: c.t, r: c.r}
			search(i+1, v, maxViol)
		}
	}
	search(0, 0, 0)
	if best != nil {
		return m.result(best, true, true, nil), nil
	}
	search(0, 0, len(ms)*(len(p.Busy)+len(ms)))
	return m.result(best, false, true, nil), nil
}
