package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestChangeFilters(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 7, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"ActorViaPeriod", testChangeActorViaPeriod},
		{"Bodies", testChangeBodies},
		{"Retention", testChangeRetention},
	})
}

// changeKeys lists the changes f finds as "entity id action", newest first.
func (e *env) changeKeys(f calendar.ChangeFilter) []string {
	e.t.Helper()
	cs, err := e.s.FindChanges(e.ctx, f)
	must(e.t, err)
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s %d %s", c.Entity, c.EntityID, c.Action)
	}
	return out
}

func testChangeActorViaPeriod(t *testing.T, e *env) {
	anna, bo := e.person("anna"), e.person("bo")
	e.clock.Advance(24 * time.Hour) // 2025-01-08
	byAnna := calendar.WithActor(e.ctx, calendar.Actor{PersonID: anna.ID, Via: calendar.ViaSession})
	r1 := &calendar.Room{Slug: "r1", Name: "R1", Address: "A", Capacity: 2}
	must(t, e.s.CreateRoom(byAnna, r1))
	e.clock.Advance(24 * time.Hour) // 2025-01-09
	byBo := calendar.WithActor(e.ctx, calendar.Actor{PersonID: bo.ID, Via: calendar.ViaToken, Token: "skript"})
	r2 := &calendar.Room{Slug: "r2", Name: "R2", Address: "A", Capacity: 2}
	must(t, e.s.CreateRoom(byBo, r2))
	cli := calendar.WithActor(e.ctx, calendar.Actor{Via: calendar.ViaCLI})
	r3 := &calendar.Room{Slug: "r3", Name: "R3", Address: "A", Capacity: 2}
	must(t, e.s.CreateRoom(cli, r3))

	ptr := func(s string) *string { return &s }
	at := func(y, m, d int) *time.Time { t := day(y, time.Month(m), d).Start(); return &t }
	for _, tt := range []struct {
		name string
		f    calendar.ChangeFilter
		want []string
	}{
		{"actor anna", calendar.ChangeFilter{Actor: ptr("anna")}, []string{fmt.Sprintf("room %d create", r1.ID)}},
		{"actor bo", calendar.ChangeFilter{Actor: ptr("bo")}, []string{fmt.Sprintf("room %d create", r2.ID)}},
		{"via cli", calendar.ChangeFilter{Via: ptr(calendar.ViaCLI)}, []string{fmt.Sprintf("room %d create", r3.ID)}},
		{"via session and anna", calendar.ChangeFilter{Via: ptr(calendar.ViaSession), Actor: ptr("bo")}, []string{}},
		{"from the 9th", calendar.ChangeFilter{From: at(2025, 1, 9)}, []string{fmt.Sprintf("room %d create", r3.ID), fmt.Sprintf("room %d create", r2.ID)}},
		{"the 8th", calendar.ChangeFilter{From: at(2025, 1, 8), To: at(2025, 1, 9)}, []string{fmt.Sprintf("room %d create", r1.ID)}},
		{"before the 8th", calendar.ChangeFilter{To: at(2025, 1, 8), Entity: ptr("person")}, []string{fmt.Sprintf("person %d create", bo.ID), fmt.Sprintf("person %d create", anna.ID)}},
	} {
		if got := e.changeKeys(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// testChangeBodies: a secretary of rad sees the changes of rad's things
// (and of a joint meeting), not of grupp's, nor of a window that also
// plans grupp, nor of people and rooms.
func testChangeBodies(t *testing.T, e *env) {
	rad, grupp := e.body("rad", calendar.Public), e.body("grupp", calendar.Public)
	e.person("anna")
	e.room("eken")
	mRad := e.meeting("Rådet", day(2025, 2, 3), 9, 10, "rad")
	mGrupp := e.meeting("Gruppen", day(2025, 2, 4), 9, 10, "grupp")
	mJoint := e.meeting("Båda", day(2025, 2, 5), 9, 10, "rad", "grupp")
	msRad := e.membership("rad", "anna", calendar.Date{}, calendar.Date{})
	msGrupp := e.membership("grupp", "anna", calendar.Date{}, calendar.Date{})
	aRad, aGrupp := e.item(mRad.ID, "Ärende rad", 0), e.item(mGrupp.ID, "Ärende grupp", 0)
	bRad := &calendar.BacklogItem{Body: "rad", Title: "Till senare"}
	must(t, e.s.CreateBacklogItem(e.ctx, bRad))
	bGrupp := &calendar.BacklogItem{Body: "grupp", Title: "Till senare"}
	must(t, e.s.CreateBacklogItem(e.ctx, bGrupp))
	gRad, err := e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessSecretary, Body: "rad"})
	must(t, err)
	_, err = e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessSecretary, Body: "grupp"})
	must(t, err)
	window := func(name string, bodies ...string) *calendar.BookingWindow {
		w := &calendar.BookingWindow{Name: name, Weeks: []calendar.ISOWeek{week(2025, 37)}, Bodies: bodies, DurationMinutes: 60,
			Weekdays: []calendar.Weekday{1}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}}
		must(t, e.s.CreateBookingWindow(e.ctx, w))
		return w
	}
	wRad, wBoth := window("Rådet ensamt", "rad"), window("Båda", "rad", "grupp")
	deleted := e.meeting("Strax borta", day(2025, 2, 6), 9, 10, "rad")
	must(t, e.s.DeleteMeeting(e.ctx, deleted.ID))

	radOnly := []string{"rad"}
	got := e.changeKeys(calendar.ChangeFilter{Bodies: &radOnly, Limit: 1000})
	want := []string{
		fmt.Sprintf("booking_window %d create", wRad.ID),
		fmt.Sprintf("role %d create", gRad.ID),
		fmt.Sprintf("backlog_item %d create", bRad.ID),
		fmt.Sprintf("agenda_item %d create", aRad.ID),
		fmt.Sprintf("membership %d create", msRad.ID),
		fmt.Sprintf("meeting %d create", mJoint.ID),
		fmt.Sprintf("meeting %d create", mRad.ID),
		fmt.Sprintf("body %d create", rad.ID),
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes of rad:\n got %q\nwant %q", got, want)
	}
	for _, not := range []string{fmt.Sprintf("booking_window %d create", wBoth.ID), fmt.Sprintf("meeting %d create", mGrupp.ID),
		fmt.Sprintf("agenda_item %d create", aGrupp.ID), fmt.Sprintf("membership %d create", msGrupp.ID),
		fmt.Sprintf("backlog_item %d create", bGrupp.ID), fmt.Sprintf("body %d create", grupp.ID)} {
		if slices.Contains(got, not) {
			t.Errorf("changes of rad hold %s", not)
		}
	}
	// Both bodies: the joint window too.
	both := []string{"rad", "grupp"}
	if got := e.changeKeys(calendar.ChangeFilter{Bodies: &both, Limit: 1000}); !slices.Contains(got, fmt.Sprintf("booking_window %d create", wBoth.ID)) || len(got) != 15 {
		t.Errorf("changes of rad and grupp (%d): %q; want 15 with the joint window", len(got), got)
	}
	// No bodies, no changes; the filter combines with the others.
	none := []string{}
	if got := e.changeKeys(calendar.ChangeFilter{Bodies: &none}); len(got) != 0 {
		t.Errorf("changes of no body: %q", got)
	}
	meeting := "meeting"
	if got := e.changeKeys(calendar.ChangeFilter{Bodies: &radOnly, Entity: &meeting}); len(got) != 2 {
		t.Errorf("meeting changes of rad: %q, want 2", got)
	}
}

// testChangeRetention: old changes go, newer stay, the removal is recorded
// and DataVersion moves on, so that no feed cache takes the state for
// unchanged.
func testChangeRetention(t *testing.T, e *env) {
	e.person("anna")
	e.clock.Advance(48 * time.Hour)
	cutoff := e.clock.Now()
	e.person("bo")
	before := e.dataVersion()
	if n, err := e.s.DeleteChangesBefore(e.ctx, day(2025, 1, 7).At(9, 0)); err != nil || n != 0 {
		t.Fatalf("nothing that old: %d, %v", n, err)
	}
	if v := e.dataVersion(); v != before {
		t.Errorf("removing nothing moved DataVersion from %+v to %+v", before, v)
	}
	ctx := calendar.WithActor(e.ctx, calendar.Actor{Via: calendar.ViaRetention})
	n, err := e.s.DeleteChangesBefore(ctx, cutoff)
	must(t, err)
	if n != 1 {
		t.Fatalf("removed %d changes, want 1 (anna's creation)", n)
	}
	got := e.changeKeys(calendar.ChangeFilter{})
	if len(got) != 2 || got[0] != "change 0 delete" || got[1][:7] != "person " {
		t.Fatalf("after retention: %q, want the removal and bo's creation", got)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Limit: 1})
	must(t, err)
	if cs[0].Fields["count"].Old != "1" || cs[0].Actor.Via != calendar.ViaRetention {
		t.Errorf("the removal's record: %+v", cs[0])
	}
	after := e.dataVersion()
	if after.Serial <= before.Serial {
		t.Errorf("DataVersion after removing changes %+v, want a later serial than %+v", after, before)
	}
}
