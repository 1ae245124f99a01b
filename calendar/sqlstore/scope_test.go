package sqlstore_test

import (
	"testing"

	"github.com/samkal/samkal/calendar"
)

// testFindMeetingsScoped: an event scoped to an organisation reaches its
// people (by their own organisation, or by a membership on the event's
// day in a body the organisation hosts); an unscoped event reaches
// everyone; a scoped event never reaches anyone else.
func testFindMeetingsScoped(t *testing.T, e *env) {
	e.org("region-a")
	e.org("region-b")
	hosted := &calendar.Body{Slug: "a-organ", Name: "Organ A", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public, Organisation: "region-a"}
	must(t, e.s.CreateBody(e.ctx, hosted))
	own := &calendar.Person{Key: "anna", Name: "Anna", Organisation: "region-a"}
	must(t, e.s.CreatePerson(e.ctx, own))
	e.person("bertil") // no organisation; a member of a-organ in 2025 only
	e.membership("a-organ", "bertil", day(2025, 1, 1), day(2025, 12, 31))
	other := &calendar.Person{Key: "berit", Name: "Berit", Organisation: "region-b"}
	must(t, e.s.CreatePerson(e.ctx, other))

	event := func(title string, d calendar.Date, org string) *calendar.Meeting {
		m := &calendar.Meeting{Title: title, Kind: calendar.KindEvent, Start: d.At(9, 0), End: d.At(16, 0), Organisation: org}
		must(t, e.s.CreateMeeting(e.ctx, m))
		return m
	}
	event("alla-2025", day(2025, 3, 3), "")
	a25 := event("a-2025", day(2025, 3, 4), "region-a")
	event("b-2025", day(2025, 3, 5), "region-b")
	event("a-2026", day(2026, 3, 4), "region-a") // after bertil's membership ended
	e.meeting("a-organ-2025", day(2025, 3, 6), 9, 12, "a-organ")

	if got, err := e.s.FindMeetingByID(e.ctx, a25.ID); err != nil || got.Organisation != "region-a" {
		t.Fatalf("stored event's organisation = %q (%v), want region-a", got.Organisation, err)
	}
	for _, tc := range []struct{ person, want string }{
		{"anna", "alla-2025,a-2025,a-2026"},         // her own organisation
		{"bertil", "alla-2025,a-2025,a-organ-2025"}, // through the body region-a hosts, while a member
		{"berit", "alla-2025,b-2025"},               // region-b's, never region-a's
		{"nobody", "alla-2025"},                     // an unknown key: only what is everyone's
	} {
		ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Person: ptr(tc.person), WithRegionWide: true})
		must(t, err)
		if got := titles(ms); got != tc.want {
			t.Errorf("%s's feed = %q, want %q", tc.person, got, tc.want)
		}
	}
	// Without WithRegionWide, and for everyone else, the scope does not
	// narrow anything: the public list has every event.
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{PublicOnly: true})
	must(t, err)
	if got, want := titles(ms), "alla-2025,a-2025,b-2025,a-organ-2025,a-2026"; got != want {
		t.Errorf("public meetings = %q, want %q", got, want)
	}

	// The scope is a recorded field like the others; it can be taken away.
	upd, err := e.s.UpdateMeeting(e.ctx, a25.ID, calendar.MeetingUpdate{Organisation: ptr("")})
	must(t, err)
	if upd.Organisation != "" || upd.Sequence != 0 {
		t.Errorf("after clearing: organisation %q, sequence %d; want \"\" and 0 (not a scheduling change)", upd.Organisation, upd.Sequence)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &a25.ID})
	must(t, err)
	if len(cs) == 0 || cs[0].Fields["organisation"].Old != "region-a" {
		t.Errorf("latest change of the event = %+v, want organisation from region-a", cs[0].Fields)
	}

	// Refused: an unknown organisation, an organisation on a meeting with
	// bodies, and deleting an organisation that still scopes an event.
	wantErr(t, e.s.CreateMeeting(e.ctx, &calendar.Meeting{Kind: calendar.KindEvent, Start: day(2025, 4, 1).At(9, 0),
		End: day(2025, 4, 1).At(10, 0), Organisation: "region-c"}), calendar.EINVALID, `organisation "region-c"`)
	wantErr(t, e.s.CreateMeeting(e.ctx, &calendar.Meeting{Bodies: []string{"a-organ"}, Start: day(2025, 4, 1).At(9, 0),
		End: day(2025, 4, 1).At(10, 0), Organisation: "region-a"}), calendar.EINVALID, "only for an event without bodies")
	wantErr(t, e.s.DeleteOrganisation(e.ctx, "region-b"), calendar.ECONFLICT, "1 person and 1 event")
}
