package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// These tests race writers against each other on one row. What they assert
// does not depend on who wins: every field written must survive, Sequence
// must count every change, and of several deletes exactly one may succeed.
// Without row locks PostgreSQL (READ COMMITTED) fails them in most rounds;
// SQLite serialises writers at BEGIN and must pass them too.
func TestConcurrency(t *testing.T) {
	runSuite(t, time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"MeetingFieldsSurvive", testRaceMeetingFields},
		{"PersonFieldsSurvive", testRacePersonFields},
		{"BodyFieldsSurvive", testRaceBodyFields},
		{"OrganisationFieldsSurvive", testRaceOrganisationFields},
		{"RoomFieldsSurvive", testRaceRoomFields},
		{"MembershipFieldsSurvive", testRaceMembershipFields},
		{"AgendaItemFieldsSurvive", testRaceAgendaItemFields},
		{"BookingWindowFieldsSurvive", testRaceBookingWindowFields},
		{"MovesRaiseSequence", testRaceMoves},
		{"DeletesOnce", testRaceDeletes},
		{"UpdateAfterDelete", testRaceUpdateDelete},
		{"AgendaMoves", testRaceAgendaMoves},
		{"Approvals", testRaceApprovals},
	})
}

// race runs every fn at once, released together, and returns their errors
// in the order of fns.
func race(fns ...func() error) []error {
	errs := make([]error, len(fns))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			<-start
			errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// rounds is how often each race is run: a lost update shows in most rounds
// on PostgreSQL without locks, so ten make a miss all but impossible.
const rounds = 10

// raceFields runs, in each round, writes that each set one field to a value
// of that round (several writers per field raise the contention), then
// fails unless check finds every field at its round's value.
func raceFields(t *testing.T, writes func(r int) []func() error, check func(r int) []string) {
	t.Helper()
	for r := 1; r <= rounds; r++ {
		for i, err := range race(writes(r)...) {
			if err != nil {
				t.Fatalf("round %d: write %d failed: %v", r, i, err)
			}
		}
		if lost := check(r); len(lost) > 0 {
			t.Fatalf("round %d: parallel updates of different fields lost %v", r, lost)
		}
	}
}

// times repeats fn n times, for several writers of one field.
func times(n int, fn func() error) []func() error {
	out := make([]func() error, n)
	for i := range out {
		out[i] = fn
	}
	return out
}

// differ lists the names whose got differs from want.
func differ(pairs ...[3]string) []string {
	var out []string
	for _, p := range pairs {
		if p[1] != p[2] {
			out = append(out, fmt.Sprintf("%s (got %q, want %q)", p[0], p[1], p[2]))
		}
	}
	return out
}

func testRaceMeetingFields(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("skola", calendar.Public)
	m := e.meeting("Start", day(2026, 3, 2), 13, 16, "folkhalsa")
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.MeetingUpdate) func() error {
			return func() error { _, err := e.s.UpdateMeeting(e.ctx, m.ID, u); return err }
		}
		d := day(2026, 3, 2).AddDays(r)
		bodies := []string{"folkhalsa"}
		if r%2 == 1 {
			bodies = []string{"folkhalsa", "skola"}
		}
		return slices.Concat(
			times(3, upd(calendar.MeetingUpdate{Title: ptr(fmt.Sprintf("Titel %d", r))})),
			times(3, upd(calendar.MeetingUpdate{Location: ptr(fmt.Sprintf("Plats %d", r))})),
			times(2, upd(calendar.MeetingUpdate{Notes: ptr(fmt.Sprintf("Anteckning %d", r))})),
			times(2, upd(calendar.MeetingUpdate{OnlineURL: ptr(fmt.Sprintf("https://meet.example.se/%d", r))})),
			times(2, upd(calendar.MeetingUpdate{Key: ptr(fmt.Sprintf("mote-%d", r))})),
			times(2, upd(calendar.MeetingUpdate{Bodies: &bodies})),
			times(2, upd(calendar.MeetingUpdate{Start: ptr(d.At(13, 0)), End: ptr(d.At(16, 0))})),
		)
	}, func(r int) []string {
		got, err := e.s.FindMeetingByID(e.ctx, m.ID)
		must(t, err)
		bodies := "folkhalsa"
		if r%2 == 1 {
			bodies = "folkhalsa,skola"
		}
		d := day(2026, 3, 2).AddDays(r)
		return differ(
			[3]string{"title", got.Title, fmt.Sprintf("Titel %d", r)},
			[3]string{"location", got.Location, fmt.Sprintf("Plats %d", r)},
			[3]string{"notes", got.Notes, fmt.Sprintf("Anteckning %d", r)},
			[3]string{"online_url", got.OnlineURL, fmt.Sprintf("https://meet.example.se/%d", r)},
			[3]string{"key", got.Key, fmt.Sprintf("mote-%d", r)},
			[3]string{"bodies", strings.Join(got.Bodies, ","), bodies},
			[3]string{"start", got.Start.String(), d.At(13, 0).String()},
		)
	})
	// Location, online link and time changed in every round: each round
	// raised Sequence by one per change, never lowered it.
	got, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	checkSequenceHistory(t, e, m.ID, got.Sequence)
}

// checkSequenceHistory fails unless the recorded changes of meeting id raise
// Sequence one at a time, in the order they were recorded, up to final.
func checkSequenceHistory(t *testing.T, e *env, id int64, final int) {
	t.Helper()
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &id, Limit: 10000})
	must(t, err)
	slices.Reverse(cs) // oldest first
	seq := 0
	for _, c := range cs {
		f, ok := c.Fields["sequence"]
		if !ok || c.Action != calendar.ActionUpdate {
			continue
		}
		old, _ := strconv.Atoi(f.Old)
		n, _ := strconv.Atoi(f.New)
		if old != seq || n != seq+1 {
			t.Fatalf("change %d records sequence %s → %s after %d: Sequence must rise by one per change", c.ID, f.Old, f.New, seq)
		}
		seq = n
	}
	if seq != final {
		t.Fatalf("the changes raise sequence to %d, the meeting has %d", seq, final)
	}
}

func testRacePersonFields(t *testing.T, e *env) {
	e.org("kumla")
	e.org("orebro")
	p := e.person("maria")
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.PersonUpdate) func() error {
			return func() error { _, err := e.s.UpdatePerson(e.ctx, p.Key, u); return err }
		}
		org := []string{"kumla", "orebro"}[r%2]
		return slices.Concat(
			times(3, upd(calendar.PersonUpdate{Name: ptr(fmt.Sprintf("Maria %d", r))})),
			times(3, upd(calendar.PersonUpdate{Email: ptr(fmt.Sprintf("maria%d@example.se", r))})),
			times(2, upd(calendar.PersonUpdate{Phone: ptr(fmt.Sprintf("070-%d", r))})),
			times(2, upd(calendar.PersonUpdate{Title: ptr(fmt.Sprintf("Utvecklingsledare %d", r))})),
			times(2, upd(calendar.PersonUpdate{Organisation: &org})),
			times(2, func() error { _, err := e.s.RotateFeedToken(e.ctx, p.Key); return err }),
		)
	}, func(r int) []string {
		got, err := e.s.FindPersonByKey(e.ctx, p.Key)
		must(t, err)
		return differ(
			[3]string{"name", got.Name, fmt.Sprintf("Maria %d", r)},
			[3]string{"email", got.Email, fmt.Sprintf("maria%d@example.se", r)},
			[3]string{"phone", got.Phone, fmt.Sprintf("070-%d", r)},
			[3]string{"title", got.Title, fmt.Sprintf("Utvecklingsledare %d", r)},
			[3]string{"organisation", got.Organisation, []string{"kumla", "orebro"}[r%2]},
		)
	})
}

func testRaceBodyFields(t *testing.T, e *env) {
	b := e.body("folkhalsa", calendar.Public)
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.BodyUpdate) func() error {
			return func() error { _, err := e.s.UpdateBody(e.ctx, b.Slug, u); return err }
		}
		return slices.Concat(
			times(3, upd(calendar.BodyUpdate{Name: ptr(fmt.Sprintf("Chefsgrupp %d", r))})),
			times(3, upd(calendar.BodyUpdate{Description: ptr(fmt.Sprintf("Beskrivning %d", r))})),
			times(2, upd(calendar.BodyUpdate{MinutesNeedApproval: ptr(r%2 == 1)})),
			times(2, upd(calendar.BodyUpdate{Notify: &calendar.BodyNotify{CallDays: ptr(20 + r)}})),
		)
	}, func(r int) []string {
		got, err := e.s.FindBodyBySlug(e.ctx, b.Slug)
		must(t, err)
		call := ""
		if got.Notify.CallDays != nil {
			call = strconv.Itoa(*got.Notify.CallDays)
		}
		return differ(
			[3]string{"name", got.Name, fmt.Sprintf("Chefsgrupp %d", r)},
			[3]string{"description", got.Description, fmt.Sprintf("Beskrivning %d", r)},
			[3]string{"minutes_need_approval", strconv.FormatBool(got.MinutesNeedApproval), strconv.FormatBool(r%2 == 1)},
			[3]string{"call_days", call, strconv.Itoa(20 + r)},
		)
	})
}

func testRaceOrganisationFields(t *testing.T, e *env) {
	o := e.org("kumla")
	kinds := []calendar.OrganisationKind{calendar.OrgMunicipality, calendar.OrgPartner}
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.OrganisationUpdate) func() error {
			return func() error { _, err := e.s.UpdateOrganisation(e.ctx, o.Slug, u); return err }
		}
		return slices.Concat(
			times(4, upd(calendar.OrganisationUpdate{Name: ptr(fmt.Sprintf("Kumla kommun %d", r))})),
			times(4, upd(calendar.OrganisationUpdate{Kind: &kinds[r%2]})),
		)
	}, func(r int) []string {
		got, err := e.s.FindOrganisationBySlug(e.ctx, o.Slug)
		must(t, err)
		return differ(
			[3]string{"name", got.Name, fmt.Sprintf("Kumla kommun %d", r)},
			[3]string{"kind", string(got.Kind), string(kinds[r%2])},
		)
	})
}

func testRaceRoomFields(t *testing.T, e *env) {
	x := e.room("eken")
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.RoomUpdate) func() error {
			return func() error { _, err := e.s.UpdateRoom(e.ctx, x.Slug, u); return err }
		}
		return slices.Concat(
			times(3, upd(calendar.RoomUpdate{Name: ptr(fmt.Sprintf("Lokal Eken %d", r))})),
			times(3, upd(calendar.RoomUpdate{Address: ptr(fmt.Sprintf("Eklundavägen %d", r))})),
			times(3, upd(calendar.RoomUpdate{Capacity: ptr(10 + r)})),
		)
	}, func(r int) []string {
		got, err := e.s.FindRoomBySlug(e.ctx, x.Slug)
		must(t, err)
		return differ(
			[3]string{"name", got.Name, fmt.Sprintf("Lokal Eken %d", r)},
			[3]string{"address", got.Address, fmt.Sprintf("Eklundavägen %d", r)},
			[3]string{"capacity", strconv.Itoa(got.Capacity), strconv.Itoa(10 + r)},
		)
	})
}

func testRaceMembershipFields(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.person("maria")
	ms := e.membership("folkhalsa", "maria", day(2025, 1, 1), day(2027, 1, 1))
	roles := []calendar.Role{calendar.RoleMember, calendar.RoleSecretary}
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.MembershipUpdate) func() error {
			return func() error { _, err := e.s.UpdateMembership(e.ctx, ms.ID, u); return err }
		}
		return slices.Concat(
			times(3, upd(calendar.MembershipUpdate{Role: &roles[r%2]})),
			times(3, upd(calendar.MembershipUpdate{From: ptr(day(2025, 1, 1).AddDays(r))})),
			times(3, upd(calendar.MembershipUpdate{Until: ptr(day(2027, 1, 1).AddDays(r))})),
		)
	}, func(r int) []string {
		got, err := e.s.FindMembershipByID(e.ctx, ms.ID)
		must(t, err)
		return differ(
			[3]string{"role", string(got.Role), string(roles[r%2])},
			[3]string{"from", got.From.String(), day(2025, 1, 1).AddDays(r).String()},
			[3]string{"until", got.Until.String(), day(2027, 1, 1).AddDays(r).String()},
		)
	})
}

func testRaceAgendaItemFields(t *testing.T, e *env) {
	m := e.agendaMeeting("folkhalsa", false)
	a := e.item(m.ID, "Start", 0)
	raceFields(t, func(r int) []func() error {
		upd := func(u calendar.AgendaItemUpdate) func() error {
			return func() error { _, err := e.s.UpdateAgendaItem(e.ctx, a.ID, u); return err }
		}
		return slices.Concat(
			times(3, upd(calendar.AgendaItemUpdate{Title: ptr(fmt.Sprintf("Punkt %d", r))})),
			times(3, upd(calendar.AgendaItemUpdate{Presenter: ptr(fmt.Sprintf("Maria %d", r))})),
			times(2, upd(calendar.AgendaItemUpdate{SubPoints: &[]string{fmt.Sprintf("Del %d", r)}})),
			times(2, upd(calendar.AgendaItemUpdate{Links: &[]calendar.AgendaLink{{Title: "Underlag", URL: fmt.Sprintf("https://example.se/%d", r)}}})),
		)
	}, func(r int) []string {
		got, err := e.s.FindAgendaItemByID(e.ctx, a.ID)
		must(t, err)
		return differ(
			[3]string{"title", got.Title, fmt.Sprintf("Punkt %d", r)},
			[3]string{"presenter", got.Presenter, fmt.Sprintf("Maria %d", r)},
			[3]string{"sub_points", fmt.Sprint(got.SubPoints), fmt.Sprintf("[Del %d]", r)},
			[3]string{"links", fmt.Sprint(got.Links), fmt.Sprintf("[{Underlag https://example.se/%d}]", r)},
		)
	})
}

func testRaceBookingWindowFields(t *testing.T, e *env) {
	e.windowFixture()
	w := autumnWindow()
	must(t, e.s.CreateBookingWindow(e.ctx, w))
	raceFields(t, func(r int) []func() error {
		edit := func(f func(x *calendar.BookingWindow)) func() error {
			return func() error {
				_, err := e.s.EditBookingWindow(e.ctx, w.ID, func(x *calendar.BookingWindow) error { f(x); return nil })
				return err
			}
		}
		return slices.Concat(
			times(3, edit(func(x *calendar.BookingWindow) { x.Name = fmt.Sprintf("Länsdelsmöten %d", r) })),
			times(3, edit(func(x *calendar.BookingWindow) { x.DurationMinutes = 60 + r })),
			times(2, edit(func(x *calendar.BookingWindow) { x.BufferMinutes = r })),
			times(2, edit(func(x *calendar.BookingWindow) { x.Deadline = day(2025, 6, 1).AddDays(r) })),
		)
	}, func(r int) []string {
		got, err := e.s.FindBookingWindowByID(e.ctx, w.ID)
		must(t, err)
		return differ(
			[3]string{"name", got.Name, fmt.Sprintf("Länsdelsmöten %d", r)},
			[3]string{"duration_minutes", strconv.Itoa(got.DurationMinutes), strconv.Itoa(60 + r)},
			[3]string{"buffer_minutes", strconv.Itoa(got.BufferMinutes), strconv.Itoa(r)},
			[3]string{"deadline", got.Deadline.String(), day(2025, 6, 1).AddDays(r).String()},
		)
	})
}

// testRaceMoves moves one meeting 50 times at once, half of the moves
// inside InTx as the årsplan import and plan apply write: every move is
// one step of Sequence, so the answers carry 1 … 50 each once, the meeting
// ends at 50 and at the time of the move that answered 50.
func testRaceMoves(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	m := e.meeting("Flyttas", day(2026, 3, 2), 13, 16, "folkhalsa")
	const n = 50
	got := make([]*calendar.Meeting, n)
	fns := make([]func() error, n)
	for i := range fns {
		d := day(2026, 4, 1).AddDays(i)
		upd := calendar.MeetingUpdate{Start: ptr(d.At(13, 0)), End: ptr(d.At(16, 0))}
		fns[i] = func() (err error) {
			if i%2 == 0 {
				got[i], err = e.s.UpdateMeeting(e.ctx, m.ID, upd)
				return err
			}
			return e.s.InTx(e.ctx, func(tx calendar.Store) (err error) {
				got[i], err = tx.UpdateMeeting(e.ctx, m.ID, upd)
				return err
			})
		}
	}
	for i, err := range race(fns...) {
		must(t, err)
		if got[i] == nil {
			t.Fatalf("move %d returned no meeting", i)
		}
	}
	seqs := make([]int, n)
	last := got[0]
	for i, g := range got {
		seqs[i] = g.Sequence
		if g.Sequence > last.Sequence {
			last = g
		}
	}
	sort.Ints(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("the moves answered sequences %v, want 1 … %d each once", seqs, n)
		}
	}
	final, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	if final.Sequence != n || !final.Start.Equal(last.Start) {
		t.Errorf("meeting ends at sequence %d starting %v; want %d starting %v (the move that answered %d)",
			final.Sequence, final.Start, n, last.Start, n)
	}
	checkSequenceHistory(t, e, m.ID, n)
}

// deleteRace is one kind of thing that testRaceDeletes deletes from
// several goroutines at once.
type deleteRace struct {
	entity string
	// create makes a new one and returns its id (as recorded in changes)
	// and a function that deletes it.
	create func(e *env, r int) (int64, func() error)
}

var deleteRaces = []deleteRace{
	{"meeting", func(e *env, r int) (int64, func() error) {
		m := e.meeting("Strykes", day(2026, 3, 2).AddDays(r), 13, 16)
		return m.ID, func() error { return e.s.DeleteMeeting(e.ctx, m.ID) }
	}},
	{"person", func(e *env, r int) (int64, func() error) {
		p := e.person(fmt.Sprintf("person-%d", r))
		return p.ID, func() error { return e.s.DeletePerson(e.ctx, p.Key) }
	}},
	{"body", func(e *env, r int) (int64, func() error) {
		b := e.body(fmt.Sprintf("organ-%d", r), calendar.Public)
		return b.ID, func() error { return e.s.DeleteBody(e.ctx, b.Slug) }
	}},
	{"organisation", func(e *env, r int) (int64, func() error) {
		o := e.org(fmt.Sprintf("org-%d", r))
		return o.ID, func() error { return e.s.DeleteOrganisation(e.ctx, o.Slug) }
	}},
	{"room", func(e *env, r int) (int64, func() error) {
		x := e.room(fmt.Sprintf("lokal-%d", r))
		return x.ID, func() error { return e.s.DeleteRoom(e.ctx, x.Slug) }
	}},
	{"membership", func(e *env, r int) (int64, func() error) {
		if r == 1 {
			e.body("folkhalsa", calendar.Public)
			e.person("maria")
		}
		m := e.membership("folkhalsa", "maria", day(2025, 1, 1).AddDays(r), calendar.Date{})
		return m.ID, func() error { return e.s.DeleteMembership(e.ctx, m.ID) }
	}},
	{"booking_window", func(e *env, r int) (int64, func() error) {
		if r == 1 {
			e.windowFixture()
		}
		w := autumnWindow()
		must(e.t, e.s.CreateBookingWindow(e.ctx, w))
		return w.ID, func() error { return e.s.DeleteBookingWindow(e.ctx, w.ID) }
	}},
	{"agenda_item", func(e *env, r int) (int64, func() error) {
		if r == 1 {
			e.agendaMeeting("agenda", false)
		}
		ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"agenda"}})
		must(e.t, err)
		a := e.item(ms[0].ID, fmt.Sprintf("Punkt %d", r), 0)
		return a.ID, func() error { return e.s.DeleteAgendaItem(e.ctx, a.ID) }
	}},
	{"backlog_item", func(e *env, r int) (int64, func() error) {
		if r == 1 {
			e.body("backlog", calendar.Public)
		}
		b := &calendar.BacklogItem{Body: "backlog", Title: fmt.Sprintf("Fråga %d", r)}
		must(e.t, e.s.CreateBacklogItem(e.ctx, b))
		return b.ID, func() error { return e.s.DeleteBacklogItem(e.ctx, b.ID) }
	}},
}

// testRaceDeletes deletes one thing from four goroutines at once, ten
// times per kind of thing: one delete succeeds, the others find nothing
// (ENOTFOUND, a 404 in the API), and one change is recorded.
func testRaceDeletes(t *testing.T, e *env) {
	for _, d := range deleteRaces {
		t.Run(d.entity, func(t *testing.T) {
			for r := 1; r <= rounds; r++ {
				id, del := d.create(e, r)
				ok, notFound := 0, 0
				for _, err := range race(times(4, del)...) {
					switch {
					case err == nil:
						ok++
					case calendar.IsNotFound(err):
						notFound++
					default:
						t.Fatalf("round %d: delete failed: %v", r, err)
					}
				}
				cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &d.entity, EntityID: &id, Limit: 100})
				must(t, err)
				deletes := 0
				for _, c := range cs {
					if c.Action == calendar.ActionDelete {
						deletes++
					}
				}
				if ok != 1 || notFound != 3 || deletes != 1 {
					t.Fatalf("round %d: 4 parallel deletes: %d succeeded, %d not found, %d delete changes recorded; want 1, 3, 1",
						r, ok, notFound, deletes)
				}
			}
		})
	}
}

// testRaceUpdateDelete updates a meeting and a person while they are being
// deleted: an update either comes before the delete or finds nothing, so no
// change is recorded after the delete.
func testRaceUpdateDelete(t *testing.T, e *env) {
	for r := 1; r <= rounds; r++ {
		m := e.meeting("Strykes", day(2026, 3, 2).AddDays(r), 13, 16)
		p := e.person(fmt.Sprintf("person-%d", r))
		fns := []func() error{
			func() error { return e.s.DeleteMeeting(e.ctx, m.ID) },
			func() error { return e.s.DeletePerson(e.ctx, p.Key) },
		}
		for i := range 3 {
			fns = append(fns,
				func() error {
					_, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Title: ptr(fmt.Sprintf("Ny titel %d", i))})
					return err
				},
				func() error {
					_, err := e.s.UpdatePerson(e.ctx, p.Key, calendar.PersonUpdate{Name: ptr(fmt.Sprintf("Nytt namn %d", i))})
					return err
				},
				func() error { _, err := e.s.RotateFeedToken(e.ctx, p.Key); return err })
		}
		for i, err := range race(fns...) {
			if err != nil && !calendar.IsNotFound(err) {
				t.Fatalf("round %d: write %d failed: %v", r, i, err)
			}
		}
		for _, c := range []struct {
			entity string
			id     int64
		}{{"meeting", m.ID}, {"person", p.ID}} {
			cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &c.entity, EntityID: &c.id, Limit: 100})
			must(t, err)
			if len(cs) == 0 {
				t.Fatalf("round %d: no change recorded for %s %d", r, c.entity, c.id)
			}
			if cs[0].Action != calendar.ActionDelete {
				t.Fatalf("round %d: the last change of %s %d is %s, want the delete", r, c.entity, c.id, cs[0].Action)
			}
		}
	}
}

// testRaceAgendaMoves moves items of one agenda to other positions at once:
// the agenda stays numbered 1 … n with every item once.
func testRaceAgendaMoves(t *testing.T, e *env) {
	m := e.agendaMeeting("folkhalsa", false)
	const n = 8
	var items []*calendar.AgendaItem
	for i := range n {
		items = append(items, e.item(m.ID, fmt.Sprintf("Punkt %d", i+1), 0))
	}
	for r := 1; r <= rounds; r++ {
		var fns []func() error
		for i, a := range items {
			to := (i*r)%n + 1
			fns = append(fns, func() error {
				_, err := e.s.UpdateAgendaItem(e.ctx, a.ID, calendar.AgendaItemUpdate{Position: &to})
				return err
			})
		}
		for i, err := range race(fns...) {
			if err != nil {
				t.Fatalf("round %d: move %d failed: %v", r, i, err)
			}
		}
		got, err := e.s.FindAgendaItems(e.ctx, m.ID)
		must(t, err)
		seen := map[int64]bool{}
		for i, a := range got {
			if a.Position != i+1 || seen[a.ID] {
				t.Fatalf("round %d: agenda after parallel moves is not numbered 1 … %d with every item once: item %d at %d",
					r, n, a.ID, a.Position)
			}
			seen[a.ID] = true
		}
		if len(got) != n {
			t.Fatalf("round %d: %d items after parallel moves, want %d", r, len(got), n)
		}
	}
}

// testRaceApprovals lets every approver approve at once: every approval is
// kept, each recorded once, and the last sets the day of approval.
func testRaceApprovals(t *testing.T, e *env) {
	people := []string{"anna", "bo", "cecilia", "david", "eva"}
	m := e.council(people...)
	j := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: people[:4], Chair: people[4]}
	now := e.clock.Now()
	must(t, e.s.MarkMinutesReady(e.ctx, j, now, 7))
	var fns []func() error
	for _, p := range people {
		fns = append(fns, times(2, func() error { _, _, err := e.s.ApproveMinutes(e.ctx, m.ID, p, now); return err })...)
	}
	for i, err := range race(fns...) {
		if err != nil {
			t.Fatalf("approval %d failed: %v", i, err)
		}
	}
	got, err := e.s.FindJustering(e.ctx, m.ID)
	must(t, err)
	if len(got.Pending()) != 0 || got.ApprovedOn.IsZero() {
		t.Errorf("after parallel approvals: pending %v, approved on %v; want none pending and a day", got.Pending(), got.ApprovedOn)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("justering"), EntityID: &m.ID, Limit: 100})
	must(t, err)
	if len(cs) != 1+len(people) {
		t.Errorf("%d justering changes, want %d: the marking and one per approver", len(cs), 1+len(people))
	}
}

// TestDeadlockRetried makes two transactions deadlock for certain: each
// updates one meeting, waits until the other has too, then updates the
// other's. PostgreSQL ends one of them (40P01); the store runs it again,
// so both succeed, and each field keeps what its transaction wrote. Only
// PostgreSQL: on SQLite the second transaction cannot begin while the
// first holds the write lock, so the two cannot interleave at all.
func TestDeadlockRetried(t *testing.T) {
	clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
	e := &env{t: t, s: sqltest.Postgres(t, sqlstore.Options{Now: clk.Now}), clock: clk, ctx: context.Background()}
	a := e.meeting("A", day(2026, 3, 2), 13, 16)
	b := e.meeting("B", day(2026, 3, 3), 13, 16)
	type half struct {
		first, second *calendar.Meeting
		holds         chan struct{} // closed once the first update is done
		once          sync.Once
		runs          int
	}
	h1 := &half{first: a, second: b, holds: make(chan struct{})}
	h2 := &half{first: b, second: a, holds: make(chan struct{})}
	run := func(me, other *half, name string) func() error {
		return func() error {
			return e.s.InTx(e.ctx, func(tx calendar.Store) error {
				me.runs++
				if _, err := tx.UpdateMeeting(e.ctx, me.first.ID, calendar.MeetingUpdate{Title: &name}); err != nil {
					return err
				}
				me.once.Do(func() { close(me.holds); <-other.holds }) // only the first run waits
				_, err := tx.UpdateMeeting(e.ctx, me.second.ID, calendar.MeetingUpdate{Notes: &name})
				return err
			})
		}
	}
	for i, err := range race(run(h1, h2, "eins"), run(h2, h1, "zwei")) {
		if err != nil {
			t.Fatalf("transaction %d failed: %v", i+1, err)
		}
	}
	if h1.runs+h2.runs != 3 {
		t.Errorf("the transactions ran %d and %d times, want 3 in all: one of them again after the deadlock", h1.runs, h2.runs)
	}
	gotA, err := e.s.FindMeetingByID(e.ctx, a.ID)
	must(t, err)
	gotB, err := e.s.FindMeetingByID(e.ctx, b.ID)
	must(t, err)
	if gotA.Title != "eins" || gotA.Notes != "zwei" || gotB.Title != "zwei" || gotB.Notes != "eins" {
		t.Errorf("A = %q/%q, B = %q/%q; want eins/zwei, zwei/eins", gotA.Title, gotA.Notes, gotB.Title, gotB.Notes)
	}
	if n := e.changeCount(); n != 2+4 {
		t.Errorf("%d changes recorded, want 6: two creates, four updates, nothing of the run that was undone", n)
	}
}

// TestRetryBounded checks what the store does with a transaction that
// conflicts every time: PostgreSQL runs it at most five times and then
// asks the caller to try again (ECONFLICT, a 409, not a 500); SQLite, whose
// writers never deadlock, runs it once and returns the error as it is.
func TestRetryBounded(t *testing.T) {
	deadlock := &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			s := eng.Open(t, sqlstore.Options{})
			runs, err := sqlstore.WriteFailing(context.Background(), s, deadlock)
			switch eng.Name {
			case "postgres":
				if runs != 5 || calendar.ErrorCode(err) != calendar.ECONFLICT {
					t.Errorf("ran %d times and returned %v; want 5 times and ECONFLICT", runs, err)
				}
			default:
				if runs != 1 || !errors.Is(err, deadlock) {
					t.Errorf("ran %d times and returned %v; want once and the error itself", runs, err)
				}
			}
			plain := errors.New("disk full")
			if runs, err := sqlstore.WriteFailing(context.Background(), s, plain); runs != 1 || !errors.Is(err, plain) {
				t.Errorf("an error that is no conflict: ran %d times and returned %v; want once and the error itself", runs, err)
			}
		})
	}
}

// TestDataVersionSeesLateCommit: on PostgreSQL a transaction may take a
// change id and commit after another that took a higher one. Feed caches
// ask DataVersion whether anything changed; it must tell them when the
// late change commits, though the latest id stays the same, or every feed
// would go on showing the meeting as it was before that change (with its
// older SEQUENCE) until the next write. Only PostgreSQL: on SQLite the
// second write waits for the first to commit.
func TestDataVersionSeesLateCommit(t *testing.T) {
	ctx := context.Background()
	s := sqltest.Postgres(t, sqlstore.Options{})
	must(t, s.CreateOrganisation(ctx, &calendar.Organisation{Slug: "a", Name: "A", Kind: calendar.OrgRegion}))
	recorded, release := make(chan struct{}), make(chan struct{})
	late := make(chan error, 1)
	go func() {
		late <- s.InTx(ctx, func(tx calendar.Store) error {
			if err := tx.CreateOrganisation(ctx, &calendar.Organisation{Slug: "b", Name: "B", Kind: calendar.OrgRegion}); err != nil {
				return err
			}
			select {
			case <-recorded: // a second run after a retry: nothing to wait for
			default:
				close(recorded)
				<-release
			}
			return nil
		})
	}()
	<-recorded
	must(t, s.CreateOrganisation(ctx, &calendar.Organisation{Slug: "c", Name: "C", Kind: calendar.OrgRegion}))
	before, err := s.DataVersion(ctx)
	must(t, err)
	close(release)
	must(t, <-late)
	after, err := s.DataVersion(ctx)
	must(t, err)
	if after == before {
		t.Errorf("DataVersion stayed %+v when a change that took a lower id committed", before)
	}
	if after.Serial != before.Serial {
		t.Errorf("the latest change id moved from %d to %d; this test wants the late change to have the lower id", before.Serial, after.Serial)
	}
}
