package plan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samkal/samkal/calendar"
)

// GenConfig shapes a generated planning problem. The shape follows the
// seed documents: a region with its 12 municipalities and partners, councils
// where small municipalities send the same politicians to several bodies,
// management groups of officials, länsdel and partner groups that share one
// contact person at the region, and working groups.
type GenConfig struct {
	Regions int // 1 = a county; 21 = the whole country
	Bodies  int // per region, at least 16
	People  int // per region
	Rooms   int // per region; 0 = a digital window
	// OtherMeetings is how many existing meetings (Busy) each region has in
	// the window's weeks, besides two conference days.
	OtherMeetings int
	Weeks         []calendar.ISOWeek
	// TwoMeetings is the share of bodies (0–1) that need two meetings.
	TwoMeetings float64
}

// County is a region like Region Örebro län: 60 bodies, 800 people, eight
// rooms, a two-week window (v 37–38 2025) at 15-minute granularity.
func County() GenConfig {
	return GenConfig{Regions: 1, Bodies: 60, People: 800, Rooms: 8, OtherMeetings: 120,
		Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}, {Year: 2025, Week: 38}}, TwoMeetings: 0.1}
}

// Country is 21 counties planned in one window.
func Country() GenConfig {
	c := County()
	c.Regions = 21
	return c
}

// Generate builds a realistic planning problem from seed; the same seed and
// config give the same problem. Person keys, body slugs and rooms carry the
// region number ("r03-…") so that regions never share anyone.
func Generate(seed int64, cfg GenConfig) *Problem {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5a4d6b61))
	if cfg.Regions < 1 {
		cfg.Regions = 1
	}
	cfg.Bodies = max(cfg.Bodies, 16)
	cfg.People = max(cfg.People, 200)
	if len(cfg.Weeks) == 0 {
		cfg.Weeks = County().Weeks
	}
	w := &calendar.BookingWindow{
		ID: 1, Name: "Genererat fönster", Weeks: cfg.Weeks, Counts: map[string]int{},
		DurationMinutes: 120,
		Weekdays:        []calendar.Weekday{1, 2, 3, 4, 5},
		Hours:           []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16*60 + 30}},
		BufferMinutes:   15, GranularityMinutes: 15,
	}
	p := &Problem{Window: w, Names: map[string]string{}}
	days := w.Days()
	p.Now = days[0].AddDays(-60).At(9, 0)
	for r := range cfg.Regions {
		g := &regionGen{rng: rng, cfg: cfg, p: p, prefix: fmt.Sprintf("r%02d-", r+1), days: days}
		g.build()
	}
	return p
}

// regionGen builds one region.
type regionGen struct {
	rng    *rand.Rand
	cfg    GenConfig
	p      *Problem
	prefix string
	days   []calendar.Date

	region      []string   // people at the region
	partners    []string   // people at partner organisations
	politicians [][]string // per municipality
	officials   [][]string // per municipality
	rooms       []string
}

// municipality sizes: one large (Örebro), three medium, eight small.
var muniWeights = []int{30, 10, 9, 8, 5, 5, 5, 4, 4, 4, 3, 3}

func (g *regionGen) person(kind string, i int) string {
	key := fmt.Sprintf("%s%s-%d", g.prefix, kind, i)
	g.p.Names[key] = fmt.Sprintf("%s %s %d", g.prefix[:3], kind, i)
	return key
}

func (g *regionGen) build() {
	n := g.cfg.People
	nRegion, nPartner := n/4, n/16
	for i := range nRegion {
		g.region = append(g.region, g.person("region", i))
	}
	for i := range nPartner {
		g.partners = append(g.partners, g.person("partner", i))
	}
	rest := n - nRegion - nPartner
	total := 0
	for _, wt := range muniWeights {
		total += wt
	}
	id := 0
	for mi, wt := range muniWeights {
		size := max(6, rest*wt/total)
		// Small municipalities have few politicians: the same people
		// represent them in several councils.
		nPol := max(2, size/8)
		var pol, off []string
		for range nPol {
			pol = append(pol, g.person(fmt.Sprintf("k%02d-pol", mi+1), id))
			id++
		}
		for range size - nPol {
			off = append(off, g.person(fmt.Sprintf("k%02d-tj", mi+1), id))
			id++
		}
		g.politicians = append(g.politicians, pol)
		g.officials = append(g.officials, off)
	}
	for i := range g.cfg.Rooms {
		g.rooms = append(g.rooms, fmt.Sprintf("%slokal-%d", g.prefix, i+1))
	}
	g.p.Window.Rooms = append(g.p.Window.Rooms, g.rooms...)

	contact := g.region[0] // the one kontaktperson of every länsdel and partner group
	var bodies [][]string
	var kinds []string
	add := func(kind string, people []string) {
		slices.Sort(people)
		bodies = append(bodies, slices.Compact(people))
		kinds = append(kinds, kind)
	}
	// Councils: one politician per municipality, small ones reuse theirs.
	for c := range 4 {
		var ppl []string
		for _, pol := range g.politicians {
			ppl = append(ppl, pol[(c+g.rng.IntN(2))%len(pol)])
		}
		ppl = append(ppl, g.pick(g.region[1:20], 3)...)
		add(fmt.Sprintf("samverkansrad-%d", c+1), ppl)
	}
	// Management groups: one official per municipality, from a small pool.
	for c := range 8 {
		var ppl []string
		for _, off := range g.officials {
			pool := off[:min(len(off), 4)]
			ppl = append(ppl, pool[(c+g.rng.IntN(3))%len(pool)])
		}
		ppl = append(ppl, g.pick(g.region[1:40], 2)...)
		add(fmt.Sprintf("chefsgrupp-%d", c+1), ppl)
	}
	// Länsdel groups (4 parts of the county) and two partner groups share
	// the contact person.
	parts := [][]int{{2, 3, 4}, {5, 6, 7}, {8, 9}, {0, 1, 10, 11}}
	for li, part := range parts {
		ppl := []string{contact}
		for _, mi := range part {
			ppl = append(ppl, g.pick(g.officials[mi][:min(len(g.officials[mi]), 6)], 2)...)
		}
		add(fmt.Sprintf("lansdel-%d", li+1), ppl)
	}
	for pi := range 2 {
		ppl := []string{contact}
		ppl = append(ppl, g.pick(g.partners, 4)...)
		ppl = append(ppl, g.pick(g.region[40:80], 2)...)
		add(fmt.Sprintf("partner-%d", pi+1), ppl)
	}
	// Working groups and networks: a few region people and officials.
	for len(bodies) < g.cfg.Bodies {
		ppl := g.pick(g.region[20:], 2+g.rng.IntN(3))
		for range 3 + g.rng.IntN(6) {
			mi := g.muni()
			ppl = append(ppl, g.pick(g.officials[mi], 1)...)
		}
		add(fmt.Sprintf("arbetsgrupp-%d", len(bodies)+1), ppl)
	}
	first := g.days[0]
	for i, ppl := range bodies {
		slug := g.prefix + kinds[i]
		g.p.Window.Bodies = append(g.p.Window.Bodies, slug)
		d := Demand{Body: slug, Count: 1, Attendees: ppl}
		if g.rng.Float64() < g.cfg.TwoMeetings {
			d.Count = 2
			g.p.Window.Counts[slug] = 2
		}
		if g.rng.Float64() < 0.7 {
			wd := []time.Weekday{1, 2, 2, 3, 3, 4, 4, 5}[g.rng.IntN(8)]
			d.UsualWeekday = &wd
			c := []calendar.Clock{9 * 60, 9*60 + 30, 10 * 60, 13 * 60, 13 * 60, 13*60 + 30}[g.rng.IntN(6)]
			d.UsualStart = &c
		}
		d.Existing = []time.Time{
			first.AddDays(-7*(3+g.rng.IntN(4))).At(13, 0),
			first.AddDays(7*(5+g.rng.IntN(4))).At(13, 0),
		}
		g.p.Demands = append(g.p.Demands, d)
	}
	g.busy()
}

// busy adds the region's existing meetings: meetings of bodies outside the
// window (drawn like working groups, some in the region's rooms) and two
// conference days of a länsdel.
func (g *regionGen) busy() {
	var workdays []calendar.Date
	for _, d := range g.days {
		if IsWorkday(d) {
			workdays = append(workdays, d)
		}
	}
	for i := range g.cfg.OtherMeetings {
		day := workdays[g.rng.IntN(len(workdays))]
		start := calendar.Clock(8*60 + 30*g.rng.IntN(16))
		length := 60 + 30*g.rng.IntN(5)
		ppl := g.pick(g.region, 1+g.rng.IntN(3))
		for range 2 + g.rng.IntN(6) {
			mi := g.muni()
			if g.rng.IntN(3) == 0 {
				ppl = append(ppl, g.pick(g.politicians[mi], 1)...)
			} else {
				ppl = append(ppl, g.pick(g.officials[mi], 1)...)
			}
		}
		room := ""
		if len(g.rooms) > 0 && g.rng.IntN(3) == 0 {
			room = g.rooms[g.rng.IntN(len(g.rooms))]
		}
		st := start.On(day)
		g.p.Busy = append(g.p.Busy, Busy{Start: st, End: st.Add(time.Duration(length) * time.Minute),
			People: ppl, Room: room, MeetingID: int64(len(g.p.Busy) + 1),
			Label: fmt.Sprintf("%smöte-%d %s", g.prefix, i+1, stamp(st))})
	}
	for c := range 2 {
		day := workdays[g.rng.IntN(len(workdays))]
		var ppl []string
		for mi := range g.officials {
			ppl = append(ppl, g.pick(g.officials[mi], 3)...)
		}
		ppl = append(ppl, g.pick(g.region, 10)...)
		st := calendar.Clock(9 * 60).On(day)
		g.p.Busy = append(g.p.Busy, Busy{Start: st, End: calendar.Clock(16 * 60).On(day), People: ppl,
			MeetingID: int64(len(g.p.Busy) + 1), Label: fmt.Sprintf("%slänsdelskonferens-%d %s", g.prefix, c+1, stamp(st))})
	}
}

// muni draws a municipality, large ones more often.
func (g *regionGen) muni() int {
	total := 0
	for _, w := range muniWeights {
		total += w
	}
	x := g.rng.IntN(total)
	for i, w := range muniWeights {
		if x < w {
			return i
		}
		x -= w
	}
	return 0
}

// pick draws n distinct people from pool (all of them if it is smaller).
func (g *regionGen) pick(pool []string, n int) []string {
	if n >= len(pool) {
		return slices.Clone(pool)
	}
	idx := g.rng.Perm(len(pool))[:n]
	out := make([]string, n)
	for i, j := range idx {
		out[i] = pool[j]
	}
	return out
}
