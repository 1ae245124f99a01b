package arsplan

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The national data set: the size of Sweden's 21 regions, each with its
// municipalities, partners, rooms, people, bodies and three years of
// meetings, written as årsplan files. It is what the scale benchmarks and
// load tests import (docs/benchmarks.md, "The country"); a small version of
// it runs in CI. The same seed gives the same bytes.
//
// Per region: 16 organisations (the region, 12 municipalities, 3 partners),
// 8 rooms, 800 people, 60 bodies of about 32 members (ordförande,
// sekreterare, 20 ledamöter, 6 ersättare, 4 tjänstepersoner, drawn so that
// people sit in about two bodies each), and 8 meetings a year per body in
// 2025–2027 (every tenth a joint meeting with the next body, every
// fifteenth cancelled; 2025 fastställt, later years partly förslag), and
// two conference days a year without bodies, scoped to the region's
// organisation so that they reach only the region's people. One
// national coordinator sits in 21 bodies across the first six regions.
// The whole country (21 regions) is 1,260 bodies, 16,801 people, about
// 40,000 memberships and 30,366 meetings, about 9.5 MB of YAML: within
// MaxSize per file because each region is its own file.

// GenRegions is how many regions the country has.
const GenRegions = 21

// GenerateNational writes the file that comes first in an import of the
// generated country: the national organisation and its coordinator, whom
// the region files name in their bodies.
func GenerateNational(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprint(b, `# Generated national data set (samkal generate): the national part.
organisations:
  - slug: nationell-samordning
    name: Nationell samordning
    kind: partner
people:
  - key: nationell-samordnare
    name: Nora Nationell
    email: nationell-samordnare@example.se
    title: nationell samordnare
    organisation: nationell-samordning
`)
	return b.Flush()
}

// GenerateRegion writes region r (1–21) of the generated country from
// seed.
func GenerateRegion(w io.Writer, seed int64, r int) error {
	if r < 1 || r > GenRegions {
		return fmt.Errorf("arsplan: region %d: the country has regions 1–%d", r, GenRegions)
	}
	g := &regionGen{b: bufio.NewWriter(w), p: fmt.Sprintf("r%02d-", r), r: r,
		rng: rand.New(rand.NewPCG(uint64(seed), uint64(r)))}
	g.write()
	return g.b.Flush()
}

const (
	genPeople        = 800
	genBodies        = 60
	genRooms         = 8
	genMunicipality  = 12
	genMeetingsAYear = 8
)

type regionGen struct {
	b   *bufio.Writer
	p   string // prefix of every slug and key: "r07-"
	r   int
	rng *rand.Rand
}

func (g *regionGen) write() {
	b, p := g.b, g.p
	fmt.Fprintf(b, "# Generated national data set (samkal generate): region %d.\norganisations:\n", g.r)
	fmt.Fprintf(b, "  - {slug: %sregion, name: Region %02d, kind: region}\n", p, g.r)
	for m := range genMunicipality {
		fmt.Fprintf(b, "  - {slug: %skommun-%02d, name: Kommun %02d-%02d, kind: municipality}\n", p, m, g.r, m)
	}
	for m := range 3 {
		fmt.Fprintf(b, "  - {slug: %spartner-%d, name: Partner %02d-%d, kind: partner}\n", p, m, g.r, m)
	}
	fmt.Fprint(b, "rooms:\n")
	for i := range genRooms {
		fmt.Fprintf(b, "  - {slug: %slokal-%d, name: Lokal %02d-%d, address: \"Storgatan %d, Stad %02d\", capacity: %d}\n",
			p, i, g.r, i, i+1, g.r, 12+4*i)
	}
	fmt.Fprint(b, "people:\n")
	for i := range genPeople {
		org := fmt.Sprintf("%skommun-%02d", p, i%genMunicipality)
		if i%5 == 0 {
			org = p + "region"
		}
		fmt.Fprintf(b, "  - {key: %sperson-%03d, name: Person %02d-%03d, email: %sperson-%03d@example.se, organisation: %s}\n",
			p, i, g.r, i, p, i, org)
	}
	fmt.Fprint(b, "bodies:\n")
	kinds := []calendar.BodyKind{calendar.BodyRegionalCouncil, calendar.BodySpecificCouncil, calendar.BodySpecificCouncil}
	for len(kinds) < genBodies {
		kinds = append(kinds, calendar.BodyManagementGroup, calendar.BodyLansdelGroup, calendar.BodyPartnerGroup, calendar.BodyWorkingGroup)
	}
	for i := range genBodies {
		vis := "public"
		if kinds[i] == calendar.BodyWorkingGroup && i%2 == 0 {
			vis = "restricted"
		}
		fmt.Fprintf(b, "  - slug: %sorgan-%02d\n    name: Organ %02d-%02d\n    kind: %s\n    visibility: %s\n    organisation: %sregion\n    minutes_need_approval: %t\n    members:\n",
			p, i, g.r, i, kinds[i], vis, p, i < 3 || i%4 == 1)
		g.members(i)
	}
	fmt.Fprint(b, "meetings:\n")
	for year := 2025; year <= 2027; year++ {
		for i := range genBodies {
			g.meetings(i, year)
		}
		g.events(year)
	}
}

// events writes the region's conference days of year: all-day events
// without bodies, for the region's people only (organisation rNN-region).
// An installation of every region would otherwise put them into every
// personal feed of the country (issue 12).
func (g *regionGen) events(year int) {
	for n, e := range []struct {
		week  int
		title string
	}{{12, "Regional konferensdag"}, {41, "Uppföljningsdag"}} {
		day := calendar.ISOWeek{Year: year, Week: e.week}.Monday().AddDays(3)
		fmt.Fprintf(g.b, "  - key: %skonferensdag-%d-%d\n    kind: event\n    title: %s %02d\n    date: %s\n    all_day: true\n    status: confirmed\n    organisation: %sregion\n",
			g.p, year, n+1, e.title, g.r, day, g.p)
	}
}

// members writes body i's members: 32 people from a stretch of the
// region's people that overlaps the next body's, so that most people sit
// in two bodies and some in three.
func (g *regionGen) members(i int) {
	roles := make([]calendar.Role, 0, 32)
	roles = append(roles, calendar.RoleChair, calendar.RoleSecretary)
	for range 20 {
		roles = append(roles, calendar.RoleMember)
	}
	for range 6 {
		roles = append(roles, calendar.RoleSubstitute)
	}
	for range 4 {
		roles = append(roles, calendar.RoleOfficial)
	}
	start := i * genPeople / genBodies * 2 % genPeople
	for k, role := range roles {
		person := (start + k + g.rng.IntN(3)*genBodies) % genPeople
		fmt.Fprintf(g.b, "      - {person: %sperson-%03d, role: %s}\n", g.p, person, role)
	}
	// The national coordinator: in four bodies of each of regions 1–5
	// and the regional council of region 6, 21 in all.
	if g.r <= 5 && i < 8 && i%4 < 2 || g.r == 6 && i == 0 {
		fmt.Fprintf(g.b, "      - {person: nationell-samordnare, role: %s}\n", calendar.RoleOfficial)
	}
}

// meetings writes body i's meetings of year: the n-th of each period of
// the year on the body's weekday, at its usual time.
func (g *regionGen) meetings(i, year int) {
	b, p := g.b, g.p
	weekday := time.Weekday(1 + i%5)
	startHour := 9 + 4*(i%2)
	for n := range genMeetingsAYear {
		// Spread over the year, skipping the summer.
		week := []int{3, 9, 15, 21, 34, 39, 44, 48}[n] + i%3
		day := calendar.ISOWeek{Year: year, Week: week}.Monday().AddDays(int(weekday) - 1)
		seq := (year-2025)*genMeetingsAYear + n
		status := calendar.StatusConfirmed
		switch {
		case year == 2027 || (year == 2026 && n >= 4):
			status = calendar.StatusProposed
		case (i+seq)%15 == 7:
			status = calendar.StatusCancelled
		}
		fmt.Fprintf(b, "  - key: %sorgan-%02d-%d-%d\n", p, i, year, n+1)
		if (i+n)%10 == 3 && i+1 < genBodies {
			fmt.Fprintf(b, "    bodies: [%sorgan-%02d, %sorgan-%02d]\n    title: Organ %02d-%02d och %02d-%02d, gemensamt möte\n",
				p, i, p, i+1, g.r, i, g.r, i+1)
		} else {
			fmt.Fprintf(b, "    bodies: [%sorgan-%02d]\n", p, i)
		}
		fmt.Fprintf(b, "    date: %s\n    start: \"%02d:00\"\n    end: \"%02d:00\"\n    status: %s\n",
			day, startHour, startHour+3, status)
		// Two bodies share a weekday, week and hour (i and i+30): each
		// has half of the rooms, so that no room is booked twice. One
		// meeting in five is digital.
		if room := g.rng.IntN(5); room < 4 {
			fmt.Fprintf(b, "    room: %slokal-%d\n", p, room+4*(i/30))
		}
	}
}
