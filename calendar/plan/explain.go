package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// maxConflicts bounds how many separate explanations one group gets.
const maxConflicts = 8

// explain says why the bodies cannot all be planned. A deletion filter
// drops one body at a time and keeps it out when the rest still cannot be
// planned; what remains is an irreducible set: every body in it is needed
// for the clash. The set is then taken away and the rest checked again, so
// that separate clashes are all named. proven tells whether the search
// proved that no plan exists; when it only ran out of budget, that is said.
// It also returns the bodies of all the sets found, and whether the other
// bodies were shown to fit without them.
func (m *model) explain(t *tally, bodies []int, proven bool, budget int) (out []Conflict, dropped []int, restFits bool) {
	roomMode := len(m.rooms) > 0
	// feasible reports whether set can be planned, and whether that is known.
	feasible := func(set []int, roomMode bool) (ok, known bool) {
		e := newEngine(t, m, m.vars(set), roomMode, false, budget, nil)
		e.firstOnly = true
		e.run()
		return e.found, e.found || e.complete
	}
	if !proven {
		return []Conflict{{Bodies: m.slugs(bodies), People: m.sharedAmong(bodies), Days: m.candidateDays(bodies),
			Reason: fmt.Sprintf("Ingen plan hittades för %s inom sökbudgeten; det är inte bevisat att en plan saknas.", joinSv(m.slugs(bodies)))}}, nil, false
	}
	rest := slices.Clone(bodies)
	for len(out) < maxConflicts && len(rest) > 0 {
		if ok, known := feasible(rest, roomMode); ok || !known {
			restFits = ok
			break
		}
		var core []int
		for _, b := range rest {
			if ok, known := feasible([]int{b}, roomMode); !ok && known {
				core = []int{b}
				break
			}
		}
		if core == nil {
			core = slices.Clone(rest)
			for i := 0; i < len(core); {
				trial := slices.Delete(slices.Clone(core), i, i+1)
				if ok, known := feasible(trial, roomMode); !ok && known {
					core = trial
				} else {
					i++
				}
			}
		}
		roomsToBlame := roomMode && len(core) > 1
		if roomsToBlame {
			ok, known := feasible(core, false)
			roomsToBlame = ok && known
		}
		out = append(out, m.withHolidays(m.conflict(t, core, roomsToBlame)))
		dropped = append(dropped, core...)
		rest = slices.DeleteFunc(rest, func(b int) bool { return slices.Contains(core, b) })
		restFits = len(rest) == 0
	}
	if len(out) == 0 {
		// The search ran out of budget in the filter; name the whole group.
		out = append(out, Conflict{Bodies: m.slugs(bodies), People: m.sharedAmong(bodies), Days: m.candidateDays(bodies),
			Reason: fmt.Sprintf("%s kan inte alla planeras, men den minsta orsaken kunde inte ringas in inom sökbudgeten.", joinSv(m.bodyNames(m.slugs(bodies))))})
	}
	return out, dropped, restFits
}

// conflict describes an irreducible set of bodies that cannot all fit.
func (m *model) conflict(t *tally, core []int, roomsToBlame bool) Conflict {
	t.spend(len(m.times) * (len(core) + len(m.rooms)))
	c := Conflict{Bodies: m.slugs(core), Days: m.candidateDays(core)}
	if len(core) == 1 {
		b := core[0]
		body := &m.bodies[b]
		free, blockedByRoom := 0, false
		var blocked []int // times blocked by people
		for t := range m.times {
			if len(body.clashAt(t)) > 0 {
				blocked = append(blocked, t)
				continue
			}
			if _, ok := m.freeRoom(t); !ok {
				blockedByRoom = true
				continue
			}
			free++
		}
		blockers := m.blockers(t, b, blocked)
		for _, p := range blockers {
			c.People = append(c.People, m.people[p])
		}
		if blockedByRoom {
			c.Rooms = slices.Clone(m.rooms)
		}
		if len(c.Days) == 0 {
			c.Days = slices.Clone(m.days)
		}
		var why []string
		if len(blockers) > 0 {
			verb := "är upptagen"
			if len(blockers) > 1 {
				verb = "är upptagna"
			}
			why = append(why, fmt.Sprintf("%s %s", joinSv(m.names(blockers, 5)), verb))
		}
		if blockedByRoom {
			why = append(why, fmt.Sprintf("lokalerna (%s) är bokade", joinSv(m.roomNames())))
		}
		switch {
		case free == 0:
			c.Reason = fmt.Sprintf("%s har ingen ledig tid i fönstret: %s alla möjliga tider.", m.bodyName(body.slug), strings.Join(why, " eller "))
		case len(why) == 0:
			c.Reason = fmt.Sprintf("%s behöver %d möten men de möjliga tiderna räcker bara till %d med %d minuters buffert.",
				m.bodyName(body.slug), body.d.Count, m.fit(b), m.buf)
		default:
			c.Reason = fmt.Sprintf("%s behöver %d möten men de lediga tiderna räcker bara till %d (övriga tider: %s).",
				m.bodyName(body.slug), body.d.Count, m.fit(b), strings.Join(why, " eller "))
		}
		c.Reason += m.cannotDo(core)
		return c
	}
	c.People = m.sharedAmong(core)
	if roomsToBlame {
		c.Rooms = slices.Clone(m.rooms)
	}
	var days []string
	for _, d := range c.Days {
		days = append(days, d.String())
	}
	what := "de lediga tiderna räcker inte"
	if len(c.People) > 0 {
		var ps []int
		for _, k := range c.People {
			ps = append(ps, m.personIdx[k])
		}
		what = fmt.Sprintf("de delar %s, och de lediga tiderna räcker inte", joinSv(m.names(ps, 5)))
	}
	if roomsToBlame {
		what = fmt.Sprintf("lokalerna (%s) räcker inte", joinSv(m.roomNames()))
	}
	c.Reason = fmt.Sprintf("%s kan inte alla få en tid: %s (möjliga dagar: %s).", joinSv(m.bodyNames(c.Bodies)), what, strings.Join(days, ", ")) + m.cannotDo(core)
	return c
}

// maxCannotDo bounds the "kan inte" answers a conflict names.
const maxCannotDo = 8

// cannotDo names, as a sentence to add to a conflict's reason, the half
// days that people who must attend the bodies said they cannot do and
// that take away some of the bodies' times: " Kan inte: Maria Lindborg kan
// inte tis 9 sep fm och …". It is "" when no such answer is in the way.
func (m *model) cannotDo(bodies []int) string {
	var out []string
	seen := map[int32]bool{}
	for _, b := range bodies {
		for t := range m.times {
			for _, i := range m.bodies[b].clashAt(t) {
				if r := m.p.Busy[i].Reason; r != "" && !seen[i] {
					seen[i] = true
					out = append(out, r)
				}
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return fmt.Sprintf(" Svar om dagar de inte kan: %s.", joinSv(limitNames(unique(out), maxCannotDo)))
}

// slugs names bodies in window order.
// bodyName returns a body's display name, or its slug.
func (m *model) bodyName(slug string) string {
	if n := m.p.BodyNames[slug]; n != "" {
		return n
	}
	return slug
}

// bodyNames returns the display names of body slugs, in their order.
func (m *model) bodyNames(slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = m.bodyName(s)
	}
	return out
}

func (m *model) slugs(bodies []int) []string {
	s := slices.Clone(bodies)
	slices.Sort(s)
	var out []string
	for _, b := range s {
		out = append(out, m.bodies[b].slug)
	}
	return out
}

// sharedAmong returns the people (keys, sorted) at least two of the bodies need.
func (m *model) sharedAmong(bodies []int) []string {
	count := map[int]int{}
	for _, b := range bodies {
		for _, p := range m.bodies[b].attendees {
			count[p]++
		}
	}
	var out []string
	for p, n := range count {
		if n > 1 {
			out = append(out, m.people[p])
		}
	}
	slices.Sort(out)
	return out
}

// candidateDays are the days on which at least one of the bodies has a
// time free of Busy meetings: the days they compete for.
func (m *model) candidateDays(bodies []int) []calendar.Date {
	var out []calendar.Date
	for t, st := range m.times {
		if len(out) > 0 && out[len(out)-1] == st.date {
			continue
		}
		for _, b := range bodies {
			if len(m.bodies[b].clashAt(t)) > 0 {
				continue
			}
			if _, ok := m.freeRoom(t); !ok {
				continue
			}
			out = append(out, st.date)
			break
		}
	}
	return out
}

// names gives display names of up to n people.
func (m *model) names(people []int, n int) []string {
	var out []string
	for _, p := range people {
		out = append(out, m.name(p))
	}
	return limitNames(out, n)
}

// fit counts how many meetings of body b fit at once in its free times:
// the greatest number that do not overlap with the buffer (earliest end
// first is optimal for intervals of one person).
func (m *model) fit(b int) int {
	n, last := 0, -1<<30
	for t, st := range m.times { // times are ordered by start and all last as long
		if len(m.bodies[b].clashAt(t)) > 0 {
			continue
		}
		if _, ok := m.freeRoom(t); !ok {
			continue
		}
		if st.s >= last+m.buf {
			n++
			last = st.e
		}
	}
	return n
}

// blockers names few people who together block the times of body b:
// greedily the one blocking most of what is left, then any made redundant
// by the later ones is dropped again.
//
// Its work (people × times, per person chosen) is metered by t; when t says
// stop it returns those chosen so far.
func (m *model) blockers(t *tally, b int, times []int) []int {
	body := &m.bodies[b]
	blocks := func(p, t int) bool {
		for _, i := range body.clashAt(t) {
			if slices.Contains(m.p.Busy[i].People, m.people[p]) {
				return true
			}
		}
		return false
	}
	left := slices.Clone(times)
	var chosen []int
	for len(left) > 0 && !t.spend(len(left)*len(body.attendees)) {
		best, bestN := -1, 0
		for _, p := range body.attendees {
			n := 0
			for _, t := range left {
				if blocks(p, t) {
					n++
				}
			}
			if n > bestN {
				best, bestN = p, n
			}
		}
		if best < 0 {
			break
		}
		chosen = append(chosen, best)
		left = slices.DeleteFunc(left, func(t int) bool { return blocks(best, t) })
	}
	for i := 0; i < len(chosen) && !t.spend(len(times)*len(chosen)); {
		others := slices.Delete(slices.Clone(chosen), i, i+1)
		if !slices.ContainsFunc(times, func(t int) bool {
			return !slices.ContainsFunc(others, func(p int) bool { return blocks(p, t) })
		}) {
			chosen = others
		} else {
			i++
		}
	}
	slices.Sort(chosen)
	return chosen
}

// roomNames are the display names of the window's rooms, in its order.
func (m *model) roomNames() []string {
	out := make([]string, len(m.rooms))
	for i, r := range m.rooms {
		out[i] = m.p.roomName(r)
	}
	return out
}

// withHolidays adds to c the window's days left out as holidays, and says
// so at the end of its reason: a secretary counting the days sees why
// they are fewer.
func (m *model) withHolidays(c Conflict) Conflict {
	_, holidays, _ := allowedDays(m.win)
	if len(holidays) == 0 {
		return c
	}
	c.Holidays = holidays
	word := "är en helgdag"
	if len(holidays) > 1 {
		word = "är helgdagar"
	}
	c.Reason += fmt.Sprintf(" %s %s och räknas inte.", joinSv(holidays), word)
	return c
}
