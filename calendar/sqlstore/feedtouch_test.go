package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// touchText is what FeedTouches says of the changes after from, one line
// each, without change ids.
func (e *env) touchText(after int64) string {
	e.t.Helper()
	ts, err := e.s.FeedTouches(e.ctx, after, func(int64) bool { return false })
	must(e.t, err)
	var lines []string
	for _, t := range ts {
		lines = append(lines, fmt.Sprintf("all=%v meeting=%v bodies=%v itself=%v rooms=%v people=%v regionwide=%v",
			t.Everything, t.Meeting != 0, t.Bodies, t.BodyItself, t.Rooms, t.People, t.RegionWide))
	}
	return strings.Join(lines, "\n")
}

// testFeedTouches: what each kind of change touches, also once the thing
// changed is deleted (its record still names it), and seen changes left
// out.
func testFeedTouches(t *testing.T, e *env) {
	e.body("a", calendar.Public)
	e.body("b", calendar.Public)
	e.person("maria")
	e.room("eken")
	ms := e.membership("a", "maria", calendar.Date{}, calendar.Date{})
	m := e.meeting("M", day(2026, 3, 2), 9, 10, "a")
	ev := e.meeting("E", day(2026, 3, 3), 9, 10)
	start := e.dataVersion().Serial

	b := []string{"b"}
	_, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Bodies: &b})
	must(t, err)
	title := "M2"
	_, err = e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Title: &title})
	must(t, err)
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	_, err = e.s.UpdateMeeting(e.ctx, ev.ID, calendar.MeetingUpdate{Title: &title})
	must(t, err)
	must(t, e.s.DeleteMembership(e.ctx, ms.ID))
	name := "Organ B"
	_, err = e.s.UpdateBody(e.ctx, "b", calendar.BodyUpdate{Name: &name})
	must(t, err)
	rname := "Stora Eken"
	_, err = e.s.UpdateRoom(e.ctx, "eken", calendar.RoomUpdate{Name: &rname})
	must(t, err)

	want := strings.Join([]string{
		"all=false meeting=true bodies=[a b] itself=false rooms=[] people=[] regionwide=false", // moved from a to b
		"all=false meeting=true bodies=[] itself=false rooms=[] people=[] regionwide=false",    // renamed, then deleted: the deletion names its bodies
		"all=false meeting=true bodies=[b] itself=false rooms=[] people=[] regionwide=false",   // deleted: from its record
		"all=false meeting=true bodies=[] itself=false rooms=[] people=[] regionwide=true",     // an event without a body
		"all=false meeting=false bodies=[] itself=false rooms=[] people=[maria] regionwide=false",
		"all=false meeting=false bodies=[b] itself=true rooms=[] people=[] regionwide=false",
		"all=false meeting=false bodies=[] itself=false rooms=[eken] people=[] regionwide=false",
	}, "\n")
	if got := e.touchText(start); got != want {
		t.Errorf("FeedTouches\n got:\n%s\nwant:\n%s", got, want)
	}
	// More new changes than are read one by one: everything.
	sqlstore.SetMaxFeedTouches(e.s, 3)
	ts, err := e.s.FeedTouches(e.ctx, start, func(int64) bool { return false })
	sqlstore.SetMaxFeedTouches(e.s, 0)
	must(t, err)
	if len(ts) != 7 || !ts[0].Everything || !ts[6].Everything || ts[6].ChangeID != start+7 {
		t.Errorf("FeedTouches of 7 changes, at most 3 read: %+v", ts)
	}
	ts, err = e.s.FeedTouches(e.ctx, start, func(id int64) bool { return id != start+2 })
	must(t, err)
	if len(ts) != 1 || ts[0].ChangeID != start+2 {
		t.Errorf("FeedTouches with all but change %d seen = %+v", start+2, ts)
	}
}
