package sqlstore_test

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func testMeetingCreate(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Public)
	e.room("lokal-eken")
	created := e.clock.Now()
	m := &calendar.Meeting{
		Title:  "Gemensamt möte",
		Bodies: []string{"valfard", "folkhalsa", "valfard"},
		// Sub-second parts are dropped: the store keeps whole seconds.
		Start:     day(2024, 9, 20).At(9, 0).Add(300 * time.Millisecond),
		End:       day(2024, 9, 20).At(12, 0),
		Room:      "lokal-eken",
		OnlineURL: "https://meet.example.se/abc",
		Notes:     "Anmäl gärna övriga frågor innan.",
	}
	must(t, e.s.CreateMeeting(e.ctx, m))
	if !regexp.MustCompile(`^[0-9a-f]{32}@samkal$`).MatchString(m.UID) {
		t.Errorf("UID = %q, want 32 hex digits @samkal", m.UID)
	}
	if !slices.Equal(m.Bodies, []string{"folkhalsa", "valfard"}) || m.Kind != calendar.KindMeeting || m.Status != calendar.StatusProposed || m.Sequence != 0 {
		t.Errorf("created meeting = %+v, want sorted bodies, kind meeting, status proposed, sequence 0", m)
	}
	sameTime(t, "Start", m.Start, day(2024, 9, 20).At(9, 0))
	sameTime(t, "CreatedAt", m.CreatedAt, created)
	sameTime(t, "UpdatedAt", m.UpdatedAt, created)
	if !m.CancelledAt.IsZero() {
		t.Errorf("CancelledAt = %v, want zero", m.CancelledAt)
	}
	got, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	if !reflect.DeepEqual(got, m) {
		t.Errorf("FindMeetingByID =\n%+v\nwant\n%+v", got, m)
	}

	// An all-day event of the whole region, without bodies.
	ev := &calendar.Meeting{Kind: calendar.KindEvent, Title: "Uppföljningsdag", Start: day(2025, 3, 14).Start(), End: day(2025, 3, 15).Start(),
		AllDay: true, Status: calendar.StatusConfirmed, Location: "Örebro slott"}
	must(t, e.s.CreateMeeting(e.ctx, ev))
	got, err = e.s.FindMeetingByID(e.ctx, ev.ID)
	must(t, err)
	if !reflect.DeepEqual(got, ev) || got.Bodies != nil {
		t.Errorf("event read back =\n%+v\nwant\n%+v", got, ev)
	}
	if ev.UID == m.UID {
		t.Error("two meetings got the same UID")
	}

	cancelledAt := e.clock.Advance(time.Hour)
	c := &calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: day(2025, 1, 21).At(13, 0), End: day(2025, 1, 21).At(16, 30), Status: calendar.StatusCancelled}
	must(t, e.s.CreateMeeting(e.ctx, c))
	sameTime(t, "CancelledAt of a meeting created cancelled", c.CancelledAt, cancelledAt)
	got, err = e.s.FindMeetingByID(e.ctx, c.ID)
	must(t, err)
	sameTime(t, "CancelledAt read back", got.CancelledAt, cancelledAt)

	_, err = e.s.FindMeetingByID(e.ctx, 9999)
	wantErr(t, err, calendar.ENOTFOUND, "meeting 9999 does not exist")
}

func testMeetingCreateErrors(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.room("lokal-eken")
	start, end := day(2025, 1, 21).At(13, 0), day(2025, 1, 21).At(16, 30)
	for _, tc := range []struct {
		name  string
		m     calendar.Meeting
		code  string
		parts []string
	}{
		{"unknown body", calendar.Meeting{Bodies: []string{"folkhalsa", "nothing"}, Start: start, End: end}, calendar.EINVALID, []string{`body "nothing" does not exist`}},
		{"unknown bodies", calendar.Meeting{Bodies: []string{"x", "y", "z"}, Start: start, End: end}, calendar.EINVALID, []string{`bodies "x", "y" and "z" do not exist`}},
		{"unknown room", calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: start, End: end, Room: "lokal-asken"}, calendar.EINVALID, []string{`room "lokal-asken" does not exist`}},
		{"meeting without body", calendar.Meeting{Start: start, End: end}, calendar.EINVALID, []string{"at least one body"}},
		{"end before start", calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: end, End: start}, calendar.EINVALID, []string{"must be after start"}},
		{"no times", calendar.Meeting{Bodies: []string{"folkhalsa"}}, calendar.EINVALID, []string{"start and end are required"}},
		{"bad link", calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: start, End: end, OnlineURL: "javascript:alert(1)"}, calendar.EINVALID, []string{"online_url"}},
		{"bad status", calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: start, End: end, Status: "moved"}, calendar.EINVALID, []string{`status "moved"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			wantErr(t, e.s.CreateMeeting(e.ctx, &m), tc.code, tc.parts...)
		})
	}
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{})
	must(t, err)
	if len(ms) != 0 {
		t.Errorf("failed creates left %d meetings", len(ms))
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting")})
	must(t, err)
	if len(cs) != 0 {
		t.Errorf("failed creates recorded %d changes", len(cs))
	}
}

func testMeetingKeys(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	d := day(2025, 1, 21)
	// Meetings without a key do not clash with each other.
	e.meeting("Utan nyckel 1", d, 9, 10, "folkhalsa")
	e.meeting("Utan nyckel 2", d, 10, 11, "folkhalsa")
	k := &calendar.Meeting{Key: "cg-folkhalsa-2025-01", Bodies: []string{"folkhalsa"}, Start: d.At(13, 0), End: d.At(16, 30)}
	must(t, e.s.CreateMeeting(e.ctx, k))
	got, err := e.s.FindMeetingByKey(e.ctx, "cg-folkhalsa-2025-01")
	must(t, err)
	if got.ID != k.ID {
		t.Errorf("FindMeetingByKey found meeting %d, want %d", got.ID, k.ID)
	}
	_, err = e.s.FindMeetingByKey(e.ctx, "nothing")
	wantErr(t, err, calendar.ENOTFOUND, `"nothing"`)
	_, err = e.s.FindMeetingByKey(e.ctx, "")
	wantErr(t, err, calendar.ENOTFOUND)

	dup := &calendar.Meeting{Key: "cg-folkhalsa-2025-01", Bodies: []string{"folkhalsa"}, Start: d.At(17, 0), End: d.At(18, 0)}
	wantErr(t, e.s.CreateMeeting(e.ctx, dup), calendar.ECONFLICT, `another meeting already has the key "cg-folkhalsa-2025-01"`)
	wantErr(t, e.s.CreateMeeting(e.ctx, &calendar.Meeting{Key: "Not A Key", Bodies: []string{"folkhalsa"}, Start: d.At(17, 0), End: d.At(18, 0)}),
		calendar.EINVALID, "meeting key")

	other := e.meeting("Annat", d, 17, 18, "folkhalsa")
	_, err = e.s.UpdateMeeting(e.ctx, other.ID, calendar.MeetingUpdate{Key: ptr("cg-folkhalsa-2025-01")})
	wantErr(t, err, calendar.ECONFLICT, `"cg-folkhalsa-2025-01"`)
	// Removing the key frees it.
	_, err = e.s.UpdateMeeting(e.ctx, k.ID, calendar.MeetingUpdate{Key: ptr("")})
	must(t, err)
	_, err = e.s.FindMeetingByKey(e.ctx, "cg-folkhalsa-2025-01")
	wantErr(t, err, calendar.ENOTFOUND)
	u, err := e.s.UpdateMeeting(e.ctx, other.ID, calendar.MeetingUpdate{Key: ptr("cg-folkhalsa-2025-01")})
	must(t, err)
	if u.Key != "cg-folkhalsa-2025-01" {
		t.Errorf("Key = %q", u.Key)
	}
}

func testMeetingUpdateSequence(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Public)
	e.room("lokal-eken")
	d := day(2025, 5, 22)
	m := e.meeting("Chefsgrupp folkhälsa", d, 13, 16, "folkhalsa")
	for _, tc := range []struct {
		name    string
		upd     calendar.MeetingUpdate
		seqUp   int
		changed []string // the recorded fields
	}{
		{"title", calendar.MeetingUpdate{Title: ptr("Chefsgrupp folkhälsa (maj)")}, 0, []string{"title"}},
		{"notes", calendar.MeetingUpdate{Notes: ptr("Dagordning följer.")}, 0, []string{"notes"}},
		{"bodies", calendar.MeetingUpdate{Bodies: &[]string{"valfard", "folkhalsa"}}, 0, []string{"bodies"}},
		{"kind", calendar.MeetingUpdate{Kind: ptr(calendar.KindEvent)}, 0, []string{"kind"}},
		{"key", calendar.MeetingUpdate{Key: ptr("cg-2025-05")}, 0, []string{"key"}},
		{"start and end, once", calendar.MeetingUpdate{Start: ptr(d.At(12, 0)), End: ptr(d.At(15, 0))}, 1, []string{"start", "end", "sequence"}},
		{"end", calendar.MeetingUpdate{End: ptr(d.At(16, 30))}, 1, []string{"end", "sequence"}},
		{"all day", calendar.MeetingUpdate{AllDay: ptr(true), Start: ptr(d.Start()), End: ptr(d.AddDays(1).Start())}, 1, []string{"all_day", "start", "end", "sequence"}},
		{"room", calendar.MeetingUpdate{Room: ptr("lokal-eken")}, 1, []string{"room", "sequence"}},
		{"location", calendar.MeetingUpdate{Location: ptr("Länsstyrelsen")}, 1, []string{"location", "sequence"}},
		{"online link", calendar.MeetingUpdate{OnlineURL: ptr("https://meet.example.se/x")}, 1, []string{"online_url", "sequence"}},
		{"status", calendar.MeetingUpdate{Status: ptr(calendar.StatusConfirmed)}, 1, []string{"status", "sequence"}},
		{"room removed and title", calendar.MeetingUpdate{Room: ptr(""), Title: ptr("Ny titel")}, 1, []string{"room", "title", "sequence"}},
	} {
		now := e.clock.Advance(time.Hour)
		u, err := e.s.UpdateMeeting(e.ctx, m.ID, tc.upd)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if u.Sequence != m.Sequence+tc.seqUp {
			t.Errorf("%s: Sequence = %d, want %d", tc.name, u.Sequence, m.Sequence+tc.seqUp)
		}
		sameTime(t, tc.name+": UpdatedAt", u.UpdatedAt, now)
		sameTime(t, tc.name+": CreatedAt", u.CreatedAt, m.CreatedAt)
		if u.UID != m.UID {
			t.Errorf("%s: UID changed from %q to %q", tc.name, m.UID, u.UID)
		}
		got, err := e.s.FindMeetingByID(e.ctx, m.ID)
		must(t, err)
		if !reflect.DeepEqual(got, u) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", tc.name, got, u)
		}
		cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID, Limit: 1})
		must(t, err)
		var names []string
		for n := range cs[0].Fields {
			names = append(names, n)
		}
		slices.Sort(names)
		want := slices.Sorted(slices.Values(tc.changed))
		if cs[0].Action != calendar.ActionUpdate || !slices.Equal(names, want) {
			t.Errorf("%s: recorded %s of %v, want update of %v", tc.name, cs[0].Action, names, want)
		}
		m = u
	}
}

// testMeetingUpdateNoop is what årsplan re-imports rely on: giving a meeting
// the values it already has changes nothing at all.
func testMeetingUpdateNoop(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Public)
	e.room("lokal-eken")
	d := day(2025, 10, 23)
	m := &calendar.Meeting{Key: "cg-2025-10", Title: "Chefsgrupp", Bodies: []string{"folkhalsa", "valfard"}, Start: d.At(13, 0), End: d.At(16, 30),
		Status: calendar.StatusConfirmed, Room: "lokal-eken", Notes: "x"}
	must(t, e.s.CreateMeeting(e.ctx, m))
	before := e.changeCount()
	version, err := e.s.DataVersion(e.ctx)
	must(t, err)
	e.clock.Advance(24 * time.Hour)

	u, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{
		Key: ptr(m.Key), Kind: ptr(calendar.KindMeeting), Title: ptr(m.Title),
		Bodies: &[]string{"valfard", "folkhalsa", "valfard"}, // other order, a duplicate
		Start:  ptr(m.Start.UTC()),                           // same instant in another zone
		End:    ptr(m.End.Add(400 * time.Millisecond)),       // the same whole second
		AllDay: ptr(false), Status: ptr(calendar.StatusConfirmed), Room: ptr("lokal-eken"),
		Location: ptr(""), OnlineURL: ptr(""), Notes: ptr("x"),
	})
	must(t, err)
	if !reflect.DeepEqual(u, m) {
		t.Errorf("no-op update returned\n%+v\nwant\n%+v", u, m)
	}
	if n := e.changeCount(); n != before {
		t.Errorf("no-op update recorded %d changes", n-before)
	}
	after, err := e.s.DataVersion(e.ctx)
	must(t, err)
	if after != version {
		t.Errorf("DataVersion moved from %+v to %+v", version, after)
	}
	// An empty update is a no-op too.
	u, err = e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{})
	must(t, err)
	if !reflect.DeepEqual(u, m) {
		t.Errorf("empty update returned\n%+v\nwant\n%+v", u, m)
	}
}

func testMeetingCancel(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	m := e.meeting("Chefsgrupp", day(2025, 8, 20), 13, 16, "folkhalsa")

	cancelled := e.clock.Advance(time.Hour)
	u, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Status: ptr(calendar.StatusCancelled)})
	must(t, err)
	if u.Sequence != 1 || u.Status != calendar.StatusCancelled {
		t.Errorf("after cancelling: Sequence %d, Status %s; want 1, cancelled", u.Sequence, u.Status)
	}
	sameTime(t, "CancelledAt", u.CancelledAt, cancelled)

	// Other changes of a cancelled meeting keep the time of cancellation.
	e.clock.Advance(time.Hour)
	u, err = e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Title: ptr("Inställt: Chefsgrupp")})
	must(t, err)
	sameTime(t, "CancelledAt after a title change", u.CancelledAt, cancelled)

	e.clock.Advance(time.Hour)
	u, err = e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Status: ptr(calendar.StatusConfirmed)})
	must(t, err)
	if !u.CancelledAt.IsZero() || u.Sequence != 2 {
		t.Errorf("after un-cancelling: CancelledAt %v, Sequence %d; want zero, 2", u.CancelledAt, u.Sequence)
	}
	got, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	if !got.CancelledAt.IsZero() {
		t.Errorf("CancelledAt read back = %v, want zero", got.CancelledAt)
	}
}

func testMeetingUpdateErrors(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	m := e.meeting("Chefsgrupp", day(2025, 8, 20), 13, 16, "folkhalsa")
	for _, tc := range []struct {
		name  string
		id    int64
		upd   calendar.MeetingUpdate
		code  string
		parts []string
	}{
		{"unknown meeting", 9999, calendar.MeetingUpdate{Title: ptr("x")}, calendar.ENOTFOUND, []string{"meeting 9999 does not exist"}},
		{"unknown body", m.ID, calendar.MeetingUpdate{Bodies: &[]string{"nothing"}}, calendar.EINVALID, []string{`body "nothing" does not exist`}},
		{"no bodies", m.ID, calendar.MeetingUpdate{Bodies: &[]string{}}, calendar.EINVALID, []string{"at least one body"}},
		{"unknown room", m.ID, calendar.MeetingUpdate{Room: ptr("lokal-asken")}, calendar.EINVALID, []string{`room "lokal-asken" does not exist`}},
		{"end before start", m.ID, calendar.MeetingUpdate{End: ptr(day(2025, 8, 20).At(12, 0))}, calendar.EINVALID, []string{"must be after start"}},
		{"all day at 13", m.ID, calendar.MeetingUpdate{AllDay: ptr(true)}, calendar.EINVALID, []string{"midnight"}},
	} {
		_, err := e.s.UpdateMeeting(e.ctx, tc.id, tc.upd)
		if calendar.ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v, want code %s", tc.name, err, tc.code)
			continue
		}
		wantErr(t, err, tc.code, tc.parts...)
	}
	got, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	if !reflect.DeepEqual(got, m) {
		t.Errorf("failed updates changed the meeting:\n%+v\nwant\n%+v", got, m)
	}
}

func testMeetingDelete(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Public)
	m := e.meeting("Gemensamt", day(2024, 9, 20), 9, 12, "folkhalsa", "valfard")
	keep := e.meeting("Kvar", day(2024, 9, 27), 9, 12, "folkhalsa")
	deleted := e.clock.Advance(time.Hour)
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	_, err := e.s.FindMeetingByID(e.ctx, m.ID)
	wantErr(t, err, calendar.ENOTFOUND)
	wantErr(t, e.s.DeleteMeeting(e.ctx, m.ID), calendar.ENOTFOUND)
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"valfard", "folkhalsa"}})
	must(t, err)
	if len(ms) != 1 || ms[0].ID != keep.ID {
		t.Errorf("meetings after delete = %v", titles(ms))
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID, Limit: 1})
	must(t, err)
	c := cs[0]
	if c.Action != calendar.ActionDelete || c.Fields["uid"].Old != m.UID || c.Fields["bodies"].Old != "folkhalsa,valfard" || c.Fields["title"].New != "" {
		t.Errorf("delete recorded as %+v", c)
	}
	sameTime(t, "change At", c.At, deleted)
	// The body's last meeting is gone, so it can be deleted.
	must(t, e.s.DeleteBody(e.ctx, "valfard"))
}

func testRoomDoubleBooking(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("skolchefer", calendar.Public)
	e.room("lokal-eken")
	e.room("lokal-enen")
	d := day(2025, 1, 21)
	book := func(title string, h1, m1, h2, m2 int, room string, status calendar.MeetingStatus) (*calendar.Meeting, error) {
		m := &calendar.Meeting{Title: title, Bodies: []string{"skolchefer"}, Start: d.At(h1, m1), End: d.At(h2, m2), Room: room, Status: status}
		return m, e.s.CreateMeeting(e.ctx, m)
	}
	a := &calendar.Meeting{Title: "Chefsgrupp folkhälsa", Bodies: []string{"folkhalsa"}, Start: d.At(13, 0), End: d.At(16, 30), Room: "lokal-eken"}
	must(t, e.s.CreateMeeting(e.ctx, a))

	_, err := book("Krock", 15, 0, 17, 0, "lokal-eken", "")
	wantErr(t, err, calendar.ECONFLICT, `room "lokal-eken" is already booked by "Chefsgrupp folkhälsa"`, "2025-01-21 13:00–16:30")
	_, err = book("Inuti", 14, 0, 15, 0, "lokal-eken", calendar.StatusConfirmed)
	wantErr(t, err, calendar.ECONFLICT)
	_, err = book("Runt om", 12, 0, 17, 0, "lokal-eken", "")
	wantErr(t, err, calendar.ECONFLICT)

	after, err := book("Efter", 16, 30, 18, 0, "lokal-eken", "") // touching ends do not overlap
	must(t, err)
	_, err = book("Före", 10, 0, 13, 0, "lokal-eken", "")
	must(t, err)
	_, err = book("Annan lokal", 13, 0, 16, 30, "lokal-enen", "")
	must(t, err)
	_, err = book("Utan lokal", 13, 0, 16, 30, "", "")
	must(t, err)
	// A cancelled meeting books nothing …
	ghost, err := book("Inställt", 13, 0, 16, 30, "lokal-eken", calendar.StatusCancelled)
	must(t, err)
	// … until it is no longer cancelled.
	_, err = e.s.UpdateMeeting(e.ctx, ghost.ID, calendar.MeetingUpdate{Status: ptr(calendar.StatusProposed)})
	wantErr(t, err, calendar.ECONFLICT, `"Chefsgrupp folkhälsa"`)
	// Moving a meeting into the booked time clashes; a change that keeps
	// its own time does not clash with itself.
	_, err = e.s.UpdateMeeting(e.ctx, after.ID, calendar.MeetingUpdate{Start: ptr(d.At(16, 0))})
	wantErr(t, err, calendar.ECONFLICT, "Chefsgrupp folkhälsa")
	_, err = e.s.UpdateMeeting(e.ctx, a.ID, calendar.MeetingUpdate{Title: ptr("Chefsgrupp folkhälsa, januari"), End: ptr(d.At(16, 0))})
	must(t, err)
	// Cancelling frees the room.
	_, err = e.s.UpdateMeeting(e.ctx, a.ID, calendar.MeetingUpdate{Status: ptr(calendar.StatusCancelled)})
	must(t, err)
	_, err = book("Ersätter", 13, 0, 16, 30, "lokal-eken", "")
	must(t, err)

	// A meeting without a title is named by its bodies.
	untitled := &calendar.Meeting{Bodies: []string{"skolchefer", "folkhalsa"}, Start: d.AddDays(1).At(9, 0), End: d.AddDays(2).At(12, 0), Room: "lokal-enen"}
	must(t, e.s.CreateMeeting(e.ctx, untitled))
	clash := &calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: d.AddDays(2).At(11, 0), End: d.AddDays(2).At(13, 0), Room: "lokal-enen"}
	wantErr(t, e.s.CreateMeeting(e.ctx, clash), calendar.ECONFLICT,
		`"Organ folkhalsa + Organ skolchefer" (meeting `, "2025-01-22 09:00 – 2025-01-23 12:00")
}
