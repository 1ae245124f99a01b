package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// wantFound checks the titles FindMeetings finds with f, both ways it
// reads a body's or a person's meetings: by their ids, and through
// subqueries (as when the ids are too many to bind).
func (e *env) wantFound(name string, f calendar.MeetingFilter, want string) {
	e.t.Helper()
	for _, bound := range []int{0, 1} {
		sqlstore.SetMaxCandidates(e.s, bound)
		ms, err := e.s.FindMeetings(e.ctx, f)
		sqlstore.SetMaxCandidates(e.s, 0)
		must(e.t, err)
		if got := titles(ms); got != want {
			e.t.Errorf("FindMeetings %s (at most %d ids bound) = %q, want %q", name, bound, got, want)
		}
	}
}

func testFindMeetingsFilters(t *testing.T, e *env) {
	e.body("a", calendar.Public)
	e.body("b", calendar.Public)
	e.body("c", calendar.Restricted)
	e.room("eken")
	d := day(2025, 2, 1)
	a1 := &calendar.Meeting{Title: "A1", Bodies: []string{"a"}, Start: d.At(10, 0), End: d.At(12, 0), Room: "eken", Status: calendar.StatusConfirmed}
	must(t, e.s.CreateMeeting(e.ctx, a1))
	ab := e.meeting("AB", d, 13, 15, "b", "a") // joint
	c1 := &calendar.Meeting{Title: "C1", Bodies: []string{"c"}, Start: day(2025, 3, 1).At(10, 0), End: day(2025, 3, 1).At(12, 0), Status: calendar.StatusCancelled}
	must(t, e.s.CreateMeeting(e.ctx, c1))
	e.meeting("E1", day(2025, 2, 10), 9, 17)
	e.meeting("B1", day(2025, 1, 15), 10, 12, "b")
	e.meeting("B2", d, 10, 11, "b") // starts with A1, created later

	for _, tc := range []struct {
		name string
		f    calendar.MeetingFilter
		want string
	}{
		{"all, by start then id", calendar.MeetingFilter{}, "B1,A1,B2,AB,E1,C1"},
		{"body a: the joint meeting once", calendar.MeetingFilter{Bodies: []string{"a"}}, "A1,AB"},
		{"bodies a or b: the joint meeting once", calendar.MeetingFilter{Bodies: []string{"a", "b"}}, "B1,A1,B2,AB"},
		{"unknown body", calendar.MeetingFilter{Bodies: []string{"nothing"}}, ""},
		{"empty bodies do not filter", calendar.MeetingFilter{Bodies: []string{}}, "B1,A1,B2,AB,E1,C1"},
		{"cancelled", calendar.MeetingFilter{Status: []calendar.MeetingStatus{calendar.StatusCancelled}}, "C1"},
		{"proposed or confirmed", calendar.MeetingFilter{Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}}, "B1,A1,B2,AB,E1"},
		{"events", calendar.MeetingFilter{Kind: ptr(calendar.KindEvent)}, "E1"},
		{"room", calendar.MeetingFilter{Room: ptr("eken")}, "A1"},
		{"unknown room", calendar.MeetingFilter{Room: ptr("enen")}, ""},
		{"touching the window is outside it", calendar.MeetingFilter{From: ptr(d.At(12, 0)), To: ptr(d.At(13, 0))}, ""},
		{"overlapping the window", calendar.MeetingFilter{From: ptr(d.At(11, 0)), To: ptr(d.At(14, 0))}, "A1,AB"},
		{"from only", calendar.MeetingFilter{From: ptr(day(2025, 2, 2).Start())}, "E1,C1"},
		{"to only", calendar.MeetingFilter{To: ptr(d.Start())}, "B1"},
		{"combined", calendar.MeetingFilter{Bodies: []string{"a", "b"}, From: ptr(d.Start()), Status: []calendar.MeetingStatus{calendar.StatusProposed}}, "B2,AB"},
	} {
		e.wantFound(tc.name, tc.f, tc.want)
	}
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"b"}, From: ptr(d.At(13, 0)), To: ptr(d.At(14, 0))})
	must(t, err)
	if len(ms) != 1 || ms[0].ID != ab.ID || !slices.Equal(ms[0].Bodies, []string{"a", "b"}) {
		t.Errorf("joint meeting found with bodies %v, want [a b]", ms[0].Bodies)
	}
}

func testFindMeetingsPerson(t *testing.T, e *env) {
	for _, b := range []string{"a", "b", "c", "x"} {
		e.body(b, calendar.Restricted)
	}
	e.person("maria")
	e.person("anders")
	e.membership("a", "maria", day(2025, 2, 1), day(2025, 2, 28))
	e.membership("b", "maria", day(2025, 3, 1), calendar.Date{})
	e.membership("c", "maria", calendar.Date{}, day(2025, 1, 31))
	// A second role in a, open-ended: a joint meeting of a and b from
	// March matches through both, and must still appear once.
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "a", Person: "maria", Role: calendar.RoleSecretary, From: day(2025, 3, 1)}))
	e.membership("x", "anders", calendar.Date{}, calendar.Date{})

	e.meeting("a-before", day(2025, 1, 31), 13, 15, "a")
	e.meeting("a-first-day", day(2025, 2, 1), 13, 15, "a")
	e.meeting("a-last-day", day(2025, 2, 28), 22, 23, "a")
	// 00:30 on 1 March in Sweden is still 28 February in UTC. The day that
	// counts is the Swedish one, 1 March, when Maria is a's secretary.
	must(t, e.s.CreateMeeting(e.ctx, &calendar.Meeting{Title: "a-march-night", Bodies: []string{"a"},
		Start: day(2025, 3, 1).At(0, 30), End: day(2025, 3, 1).At(1, 30)}))
	e.meeting("ab-february", day(2025, 2, 15), 9, 12, "a", "b")
	e.meeting("ab-march", day(2025, 3, 10), 9, 12, "a", "b")
	e.meeting("b-february", day(2025, 2, 20), 9, 12, "b")
	e.meeting("c-january", day(2025, 1, 15), 9, 12, "c")
	e.meeting("c-february", day(2025, 2, 15), 13, 15, "c")
	e.meeting("x-march", day(2025, 3, 10), 13, 15, "x")
	e.meeting("event", day(2025, 3, 14), 9, 16)

	for _, tc := range []struct {
		name string
		f    calendar.MeetingFilter
		want string
	}{
		{"maria", calendar.MeetingFilter{Person: ptr("maria")}, "c-january,a-first-day,ab-february,a-last-day,a-march-night,ab-march"},
		{"anders", calendar.MeetingFilter{Person: ptr("anders")}, "x-march"},
		{"anders with region-wide", calendar.MeetingFilter{Person: ptr("anders"), WithRegionWide: true}, "x-march,event"},
		{"unknown person", calendar.MeetingFilter{Person: ptr("olle")}, ""},
		{"maria in b", calendar.MeetingFilter{Person: ptr("maria"), Bodies: []string{"b"}}, "ab-february,ab-march"},
	} {
		e.wantFound(tc.name, tc.f, tc.want)
	}

	// Without the secretary role the night meeting of 1 March is not hers:
	// her first term in a ended on 28 February, Swedish time.
	ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{Person: ptr("maria"), Body: ptr("a")})
	must(t, err)
	for _, m := range ms {
		if m.Role == calendar.RoleSecretary {
			must(t, e.s.DeleteMembership(e.ctx, m.ID))
		}
	}
	got, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Person: ptr("maria"), Bodies: []string{"a"}})
	must(t, err)
	if want := "a-first-day,ab-february,a-last-day,ab-march"; titles(got) != want {
		t.Errorf("maria's meetings of a after her second role ended = %q, want %q", titles(got), want)
	}
}

func testFindMeetingsPublicOnly(t *testing.T, e *env) {
	e.body("pub", calendar.Public)
	e.body("res", calendar.Restricted)
	e.meeting("P", day(2025, 4, 1), 9, 10, "pub")
	e.meeting("R", day(2025, 4, 2), 9, 10, "res")
	e.meeting("PR", day(2025, 4, 3), 9, 10, "res", "pub")
	e.meeting("E", day(2025, 4, 4), 9, 10)
	for _, tc := range []struct {
		name string
		f    calendar.MeetingFilter
		want string
	}{
		{"public only", calendar.MeetingFilter{PublicOnly: true}, "P,PR,E"},
		{"public only, restricted body", calendar.MeetingFilter{PublicOnly: true, Bodies: []string{"res"}}, "PR"},
		{"everything", calendar.MeetingFilter{}, "P,R,PR,E"},
	} {
		ms, err := e.s.FindMeetings(e.ctx, tc.f)
		must(t, err)
		if got := titles(ms); got != tc.want {
			t.Errorf("FindMeetings %s = %q, want %q", tc.name, got, tc.want)
		}
	}
	// Making the body public shows its meetings at once.
	_, err := e.s.UpdateBody(e.ctx, "res", calendar.BodyUpdate{Visibility: ptr(calendar.Public)})
	must(t, err)
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{PublicOnly: true})
	must(t, err)
	if got := titles(ms); got != "P,R,PR,E" {
		t.Errorf("after making res public: %q", got)
	}
}

func testFindMeetingsYear(t *testing.T, e *env) {
	for _, m := range []struct {
		title string
		start time.Time
	}{
		{"2024-last", day(2024, 12, 31).At(23, 30)},
		{"2025-first", day(2025, 1, 1).At(0, 30)}, // 2024 in UTC
		{"2025-last", day(2025, 12, 31).At(23, 30)},
		{"2026-first", day(2026, 1, 1).Start()},
	} {
		must(t, e.s.CreateMeeting(e.ctx, &calendar.Meeting{Kind: calendar.KindEvent, Title: m.title, Start: m.start, End: m.start.Add(time.Hour)}))
	}
	for year, want := range map[int]string{2024: "2024-last", 2025: "2025-first,2025-last", 2026: "2026-first", 2027: ""} {
		ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Year: ptr(year)})
		must(t, err)
		if got := titles(ms); got != want {
			t.Errorf("year %d: %q, want %q", year, got, want)
		}
	}
}

// testDaylightSaving checks that meetings on both sides of the switches to
// and from summer time keep their Swedish wall-clock time.
func testDaylightSaving(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	for _, tc := range []struct {
		name       string
		start, end time.Time
		allDay     bool
		wantStart  string // wall clock and offset read back
		wantEnd    string
	}{
		{"winter before spring switch", day(2025, 3, 27).At(13, 0), day(2025, 3, 27).At(16, 30), false, "2025-03-27 13:00 +0100", "2025-03-27 16:30 +0100"},
		{"summer after spring switch", day(2025, 3, 31).At(13, 0), day(2025, 3, 31).At(16, 30), false, "2025-03-31 13:00 +0200", "2025-03-31 16:30 +0200"},
		{"summer before autumn switch", day(2025, 10, 23).At(13, 0), day(2025, 10, 23).At(16, 30), false, "2025-10-23 13:00 +0200", "2025-10-23 16:30 +0200"},
		{"winter after autumn switch", day(2025, 10, 27).At(13, 0), day(2025, 10, 27).At(16, 30), false, "2025-10-27 13:00 +0100", "2025-10-27 16:30 +0100"},
		{"across the spring night", day(2025, 3, 29).At(22, 0), day(2025, 3, 30).At(10, 0), false, "2025-03-29 22:00 +0100", "2025-03-30 10:00 +0200"},
		{"all-day across spring", day(2025, 3, 29).Start(), day(2025, 3, 31).Start(), true, "2025-03-29 00:00 +0100", "2025-03-31 00:00 +0200"},
		{"all-day across autumn", day(2025, 10, 25).Start(), day(2025, 10, 27).Start(), true, "2025-10-25 00:00 +0200", "2025-10-27 00:00 +0100"},
		{"given in UTC", time.Date(2025, 3, 31, 11, 0, 0, 0, time.UTC), time.Date(2025, 3, 31, 14, 30, 0, 0, time.UTC), false, "2025-03-31 13:00 +0200", "2025-03-31 16:30 +0200"},
	} {
		m := &calendar.Meeting{Title: tc.name, Bodies: []string{"folkhalsa"}, Start: tc.start, End: tc.end, AllDay: tc.allDay}
		must(t, e.s.CreateMeeting(e.ctx, m))
		got, err := e.s.FindMeetingByID(e.ctx, m.ID)
		must(t, err)
		const layout = "2006-01-02 15:04 -0700"
		if s, en := got.Start.Format(layout), got.End.Format(layout); s != tc.wantStart || en != tc.wantEnd {
			t.Errorf("%s: read back %s – %s, want %s – %s", tc.name, s, en, tc.wantStart, tc.wantEnd)
		}
		sameTime(t, tc.name+": Start", got.Start, tc.start)
		sameTime(t, tc.name+": End", got.End, tc.end)
	}
	// Moving a meeting across the switch by its wall-clock day keeps 13.00.
	m := &calendar.Meeting{Title: "flyttas", Bodies: []string{"folkhalsa"}, Start: day(2025, 3, 27).At(13, 0), End: day(2025, 3, 27).At(16, 30)}
	must(t, e.s.CreateMeeting(e.ctx, m))
	_, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Start: ptr(day(2025, 3, 31).At(13, 0)), End: ptr(day(2025, 3, 31).At(16, 30))})
	must(t, err)
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Year: ptr(2025), From: ptr(day(2025, 3, 31).Start()), To: ptr(day(2025, 4, 1).Start())})
	must(t, err)
	var moved *calendar.Meeting
	for _, x := range ms {
		if x.ID == m.ID {
			moved = x
		}
	}
	if moved == nil || moved.Start.Hour() != 13 || moved.End.Format("15:04") != "16:30" {
		t.Errorf("moved meeting = %+v, want 13:00–16:30 on 31 March", moved)
	}
}
