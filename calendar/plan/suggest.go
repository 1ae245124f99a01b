package plan

import (
	"cmp"
	"slices"

	"github.com/samkal/samkal/calendar"
)

// suggest ranks the free slots of one body. A slot is a start where every
// person who must attend is free (with the buffer) and, when the window
// has rooms, some room is free; it carries the first free room in the
// window's order, so the list shows each time once.
func (p *Problem) suggest(body string, limit int) ([]Suggestion, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := compile(p)
	b, ok := m.bodyIdx[body]
	if !ok {
		return nil, calendar.Errorf(calendar.EINVALID, "body %q is not in booking window %q", body, p.Window.Name)
	}
	return m.suggest(b, limit), nil
}

// SuggestEach returns Suggest's slots for every body of the problem at
// once, keyed by body, each body planned alone as by Suggest: the problem
// is compiled once, not once a body.
func (p *Problem) SuggestEach(limit int) (map[string][]Suggestion, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := compile(p)
	out := make(map[string][]Suggestion, len(m.bodies))
	for b := range m.bodies {
		out[m.bodies[b].slug] = m.suggest(b, limit)
	}
	return out, nil
}

// suggest ranks the free slots of body b, best first, at most limit.
func (m *model) suggest(b, limit int) []Suggestion {
	var out []Suggestion
	for t, st := range m.times {
		if len(m.bodies[b].clashAt(t)) > 0 {
			continue
		}
		r, ok := m.freeRoom(t)
		if !ok {
			continue
		}
		score, why := m.unary(b, t, true)
		room := ""
		if r >= 0 {
			room = m.rooms[r]
		}
		out = append(out, Suggestion{Start: st.start, End: st.end, Room: room, Score: float64(score) / 1000, Reasons: why})
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.Start.Compare(b.Start))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
