package plan_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/examples"
)

// loadNow is "now" for the loader tests: spring 2025, before the example's
// booking weeks of the autumn.
var loadNow = time.Date(2025, 5, 2, 9, 0, 0, 0, calendar.Location)

// exampleStore returns a fresh store of the engine with the example region
// imported, and its two booking windows (v 37–38 and v 48–49 of 2025).
func exampleStore(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) (*sqlstore.Store, []*calendar.BookingWindow) {
	t.Helper()
	s := open(t, sqlstore.Options{Now: func() time.Time { return loadNow }})
	data, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		t.Fatal(err)
	}
	f, err := arsplan.Parse(examples.Region, data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := arsplan.Apply(context.Background(), s, f); err != nil {
		t.Fatal(err)
	}
	ws, err := s.FindBookingWindows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 {
		t.Fatalf("the example has %d booking windows, want 2", len(ws))
	}
	return s, ws
}

// eachEngine runs fn on SQLite and PostgreSQL.
func eachEngine(t *testing.T, fn func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store)) {
	for _, e := range sqltest.Engines() {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open) })
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err has the code and its message holds every part.
func wantCode(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	if got := calendar.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	for _, p := range parts {
		if !strings.Contains(calendar.ErrorMessage(err), p) {
			t.Errorf("error %q does not contain %q", calendar.ErrorMessage(err), p)
		}
	}
}

// addMeeting stores a meeting of bodies on day from start to end ("09:00").
func addMeeting(t *testing.T, s calendar.Store, key string, status calendar.MeetingStatus, day string, start, end string, bodies ...string) *calendar.Meeting {
	t.Helper()
	d, err := calendar.ParseDate(day)
	mustNil(t, err)
	a, err := calendar.ParseClock(start)
	mustNil(t, err)
	b, err := calendar.ParseClock(end)
	mustNil(t, err)
	kind := calendar.KindMeeting
	if len(bodies) == 0 {
		kind = calendar.KindEvent
	}
	m := &calendar.Meeting{Key: key, Kind: kind, Bodies: bodies, Start: a.On(d), End: b.On(d), Status: status}
	mustNil(t, s.CreateMeeting(context.Background(), m))
	return m
}

func TestLoadExample(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		w := ws[1] // v 48–49
		p, err := plan.Load(context.Background(), s, w, loadNow)
		mustNil(t, err)
		if p.Window != w || !p.Now.Equal(loadNow) {
			t.Errorf("Window %p Now %v, want the window given and %v", p.Window, p.Now, loadNow)
		}
		mustNil(t, p.Validate())

		mon, tue := time.Monday, time.Tuesday
		nine := calendar.Clock(9 * 60)
		want := []struct {
			body      string
			attendees []string
			weekday   *time.Weekday
			start     *calendar.Clock
		}{
			// The year before 24 November 2025: Norr met on Monday 2
			// December 2024 at 09.00 (its conference day of 29 November
			// is all-day and says nothing about habits).
			{"lansdel-norr", []string{"ida-broman", "maria-lindborg"}, &mon, &nine},
			// Theresia Wreby-Ljung joined on 1 January 2025.
			{"lansdel-soder", []string{"cathrine-bohlin", "maria-lindborg", "theresia-wreby-ljung"}, &mon, &nine},
			{"lansdel-vaster", []string{"cecilia-ljung", "maria-lindborg"}, nil, nil}, // met 4 November 2024, over a year before
			{"lansdel-orebro", []string{"malin-lindqvist", "maria-lindborg"}, &tue, &nine},
			{"samverkan-olbf", []string{"cecilia-lonn-elgstrand", "maria-lindborg"}, nil, nil},
			{"samverkan-rf-sisu", []string{"jonas-karlsson", "peter-bergvall-virtanen"}, nil, nil},
		}
		if len(p.Demands) != len(want) {
			t.Fatalf("%d demands, want %d", len(p.Demands), len(want))
		}
		for i, d := range p.Demands {
			wd := want[i]
			if d.Body != wd.body || d.Count != 1 || !slices.Equal(d.Attendees, wd.attendees) {
				t.Errorf("demand %d: %s ×%d attendees %v, want %s ×1 %v", i, d.Body, d.Count, d.Attendees, wd.body, wd.attendees)
			}
			if !reflect.DeepEqual(d.UsualWeekday, wd.weekday) || !reflect.DeepEqual(d.UsualStart, wd.start) {
				t.Errorf("%s: usual %v %v, want %v %v", d.Body, d.UsualWeekday, d.UsualStart, wd.weekday, wd.start)
			}
			if len(d.Existing) != 0 {
				t.Errorf("%s: existing %v, want none within six months of the window", d.Body, d.Existing)
			}
		}

		// Chefsgrupp folkhälsa on Tuesday 2 December blocks its members
		// with blocking roles; Kerstin Angergård is a guest and does not.
		if len(p.Busy) != 1 {
			t.Fatalf("busy: %+v, want the one meeting of Chefsgrupp folkhälsa in the weeks", p.Busy)
		}
		b := p.Busy[0]
		wantPeople := []string{"anna-andersson", "anna-jakobsson", "cathrine-bohlin", "cecilia-ljung", "ida-broman", "jonas-karlsson",
			"madelene-larsson", "malin-lindqvist", "maria-lindborg"}
		if b.Label != "Chefsgrupp folkhälsa 2025-12-02 13.00" || !slices.Equal(b.People, wantPeople) || b.MeetingID == 0 ||
			!slices.Equal(b.Bodies, []string{"chefsgrupp-folkhalsa"}) || b.Start.Format(time.RFC3339) != "2025-12-02T13:00:00+01:00" {
			t.Errorf("busy = %+v, want Chefsgrupp folkhälsa with %v", b, wantPeople)
		}
	})
}

// TestLoadBusy checks which meetings block: those touching the window's
// days or the day before or after, not cancelled, and not the window's own
// proposals.
func TestLoadBusy(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		w := ws[0] // v 37–38: 8–21 September 2025
		own := plan.WindowKeyPrefix(w.ID)
		other := plan.WindowKeyPrefix(w.ID * 10) // window 10 is not window 1
		const p, c = calendar.StatusProposed, calendar.StatusConfirmed
		friday := addMeeting(t, s, "before", c, "2025-09-05", "09:00", "12:00", "lansdel-norr")
		sunday := addMeeting(t, s, "sunday-before", c, "2025-09-07", "10:00", "11:00", "lansdel-norr")
		addMeeting(t, s, own+"lansdel-norr-1", p, "2025-09-09", "09:00", "12:00", "lansdel-norr")
		confirmed := addMeeting(t, s, own+"lansdel-norr-2", c, "2025-09-10", "09:00", "12:00", "lansdel-norr")
		otherWindow := addMeeting(t, s, other+"lansdel-vaster-1", p, "2025-09-10", "13:00", "16:00", "lansdel-vaster")
		cancelled := addMeeting(t, s, "cancelled", c, "2025-09-11", "09:00", "12:00", "lansdel-soder")
		_, err := s.UpdateMeeting(context.Background(), cancelled.ID, calendar.MeetingUpdate{Status: pointer(calendar.StatusCancelled)})
		mustNil(t, err)
		event := addMeeting(t, s, "event", c, "2025-09-16", "08:00", "17:00")
		monday := addMeeting(t, s, "monday-after", c, "2025-09-22", "09:00", "10:00", "samverkan-olbf")
		addMeeting(t, s, "tuesday-after", c, "2025-09-23", "09:00", "10:00", "samverkan-olbf")

		pr, err := plan.Load(context.Background(), s, w, loadNow)
		mustNil(t, err)
		var got []int64
		for _, b := range pr.Busy {
			got = append(got, b.MeetingID)
		}
		if want := []int64{sunday.ID, confirmed.ID, otherWindow.ID, event.ID, monday.ID}; !slices.Equal(got, want) {
			t.Errorf("busy meetings %v, want %v (sunday before, confirmed own, other window's, event, monday after)", got, want)
		}
		for _, b := range pr.Busy {
			if b.MeetingID == event.ID && (len(b.People) != 0 || b.Label != "Möte 2025-09-16 08.00") {
				t.Errorf("the event without bodies or title: %+v, want nobody and a plain label", b)
			}
			if b.MeetingID == monday.ID && !slices.Equal(b.People, []string{"cecilia-lonn-elgstrand", "maria-lindborg"}) {
				t.Errorf("ÖLBF's meeting blocks %v", b.People)
			}
		}
		// The body's own proposal is not one of its existing meetings; the
		// confirmed one is, and so are those outside the window's days.
		norr := pr.Demands[0]
		if want := []time.Time{friday.Start, sunday.Start, confirmed.Start}; !slices.EqualFunc(norr.Existing, want, time.Time.Equal) {
			t.Errorf("existing meetings of Norr %v, want %v", norr.Existing, want)
		}
	})
}

func pointer[T any](v T) *T { return &v }

func TestLoadErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		// A body whose only members are a substitute and a guest, and
		// members whose terms miss the window.
		mustNil(t, s.CreateBody(ctx, &calendar.Body{Slug: "arbetsgrupp-gaster", Name: "Arbetsgrupp gäster", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}))
		for _, m := range []*calendar.Membership{
			{Body: "arbetsgrupp-gaster", Person: "kerstin-angergard", Role: calendar.RoleGuest},
			{Body: "arbetsgrupp-gaster", Person: "emma-lado", Role: calendar.RoleSubstitute},
			{Body: "arbetsgrupp-gaster", Person: "ida-broman", Role: calendar.RoleMember, Until: calendar.Date{Year: 2025, Month: 9, Day: 7}},
			{Body: "arbetsgrupp-gaster", Person: "jan-engman", Role: calendar.RoleMember, From: calendar.Date{Year: 2025, Month: 9, Day: 22}},
		} {
			mustNil(t, s.CreateMembership(ctx, m))
		}
		base := *ws[0]
		tests := []struct {
			name  string
			edit  func(w *calendar.BookingWindow)
			parts []string
		}{
			{"nobody must attend", func(w *calendar.BookingWindow) { w.Bodies = []string{"lansdel-norr", "arbetsgrupp-gaster"} },
				[]string{`body "arbetsgrupp-gaster" (Arbetsgrupp gäster) has nobody who must attend in weeks 2025-W37–2025-W38`, "ordförande", "kontaktperson"}},
			{"empty attendees", func(w *calendar.BookingWindow) {
				w.Bodies = []string{"lansdel-norr"}
				w.Attendees = map[string][]string{"lansdel-norr": {}}
			}, []string{`body "lansdel-norr" (Länsdel Norr) has nobody who must attend: its attendees list in the booking window is empty`}},
			{"unknown body, room and attendee", func(w *calendar.BookingWindow) {
				w.Bodies = []string{"lansdel-norr", "lansdel-ost"}
				w.Rooms = []string{"lokal-alm"}
				w.Attendees = map[string][]string{"lansdel-norr": {"okand-person"}}
			}, []string{`body "lansdel-ost" of the booking window does not exist (and 2 more problems)`}},
			{"week that does not exist", func(w *calendar.BookingWindow) { w.Weeks = []calendar.ISOWeek{{Year: 2025, Week: 54}} },
				[]string{"ISO week 2025-W54 does not exist"}},
			{"no weeks", func(w *calendar.BookingWindow) { w.Weeks = nil }, []string{"at least one ISO week"}},
			{"end before start", func(w *calendar.BookingWindow) { w.Hours = []calendar.TimeSpan{{From: 16 * 60, To: 13 * 60}} },
				[]string{"time span 16:00–13:00: end must be after start"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := base
				w.Bodies, w.Rooms, w.Attendees = slices.Clone(base.Bodies), slices.Clone(base.Rooms), nil
				tt.edit(&w)
				_, err := plan.Load(ctx, s, &w, loadNow)
				wantCode(t, err, calendar.EINVALID, tt.parts...)
			})
		}
		_, err := plan.Load(ctx, s, nil, loadNow)
		wantCode(t, err, calendar.EINVALID, "no booking window")

		// A member who joins during the window counts; the override wins.
		w := base
		w.Bodies, w.Attendees = []string{"arbetsgrupp-gaster", "lansdel-norr"}, map[string][]string{"lansdel-norr": {"maria-lindborg", "anna-jakobsson", "maria-lindborg"}}
		w.Weeks = []calendar.ISOWeek{{Year: 2025, Week: 38}, {Year: 2025, Week: 39}}
		p, err := plan.Load(ctx, s, &w, loadNow)
		mustNil(t, err)
		if got := p.Demands[0].Attendees; !slices.Equal(got, []string{"jan-engman"}) {
			t.Errorf("attendees of the working group in weeks 38–39: %v, want the member who joins on the 22nd", got)
		}
		if got := p.Demands[1].Attendees; !slices.Equal(got, []string{"anna-jakobsson", "maria-lindborg"}) {
			t.Errorf("overridden attendees %v, want them sorted without repeats", got)
		}
	})
}

func TestWindowMeetingKey(t *testing.T) {
	long := strings.Repeat("a", 95) + "-bb"
	tests := []struct {
		id   int64
		body string
		n    int
		want string
	}{
		{3, "lansdel-norr", 1, "bw3-lansdel-norr-1"},
		{12, "samverkan-rf-sisu", 2, "bw12-samverkan-rf-sisu-2"},
		{7, long, 10, "bw7-" + strings.Repeat("a", 93) + "-10"}, // 100 characters
	}
	for _, tt := range tests {
		got := plan.WindowMeetingKey(tt.id, tt.body, tt.n)
		if got != tt.want || !calendar.ValidSlug(got) {
			t.Errorf("WindowMeetingKey(%d, %q, %d) = %q (valid %v), want %q", tt.id, tt.body, tt.n, got, calendar.ValidSlug(got), tt.want)
		}
	}
	m := &calendar.Meeting{Key: "bw12-lansdel-norr-1", Status: calendar.StatusProposed}
	for _, c := range []struct {
		id     int64
		status calendar.MeetingStatus
		want   bool
	}{{12, calendar.StatusProposed, true}, {1, calendar.StatusProposed, false}, {12, calendar.StatusConfirmed, false}, {0, calendar.StatusProposed, false}} {
		m.Status = c.status
		if got := plan.IsWindowMeeting(c.id, m); got != c.want {
			t.Errorf("IsWindowMeeting(%d, %s %s) = %v, want %v", c.id, m.Key, c.status, got, c.want)
		}
	}
}

// at returns the instant of "2025-09-09 09:00" in Swedish time.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location)
	mustNil(t, err)
	return v
}

func assignment(t *testing.T, body, start, end, room string) plan.Assignment {
	return plan.Assignment{Body: body, Start: at(t, start), End: at(t, end), Room: room}
}

func TestApplyWindowPlan(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[0]
		key := func(body string, n int) string { return plan.WindowMeetingKey(w.ID, body, n) }
		first := &plan.Result{Feasible: true, Assignments: []plan.Assignment{
			assignment(t, "lansdel-norr", "2025-09-09 09:00", "2025-09-09 12:00", "lokal-eken"),
			assignment(t, "lansdel-vaster", "2025-09-09 09:00", "2025-09-09 12:00", "lokal-enen"),
			assignment(t, "samverkan-olbf", "2025-09-10 13:00", "2025-09-10 16:00", ""),
		}}
		ms, err := plan.ApplyWindowPlan(ctx, s, w, first)
		mustNil(t, err)
		if len(ms) != 3 {
			t.Fatalf("%d meetings written, want 3", len(ms))
		}
		for i, m := range ms {
			a := first.Assignments[i]
			stored, err := s.FindMeetingByID(ctx, m.ID)
			mustNil(t, err)
			if stored.Key != key(a.Body, 1) || stored.Status != calendar.StatusProposed || !slices.Equal(stored.Bodies, []string{a.Body}) ||
				!stored.Start.Equal(a.Start) || !stored.End.Equal(a.End) || stored.Room != a.Room {
				t.Errorf("meeting %d: %+v, want a proposal of %s at %s in %q", i, stored, a.Body, a.Start, a.Room)
			}
			if wantLoc := map[bool]string{true: "Digitalt", false: ""}[a.Room == ""]; stored.Location != wantLoc {
				t.Errorf("meeting %s: location %q, want %q", stored.Key, stored.Location, wantLoc)
			}
		}

		// Applying the same plan again changes nothing at all.
		before, err := s.DataVersion(ctx)
		mustNil(t, err)
		again, err := plan.ApplyWindowPlan(ctx, s, w, first)
		mustNil(t, err)
		after, err := s.DataVersion(ctx)
		mustNil(t, err)
		if after != before || again[0].ID != ms[0].ID {
			t.Errorf("re-applying the same plan moved DataVersion %+v → %+v", before, after)
		}

		// A new plan swaps the two rooms at the same hour (possible only
		// because moving meetings let go of their rooms first), moves ÖLBF
		// and drops Väster: the meetings are updated in place, Väster's
		// proposal is deleted, nothing is duplicated.
		second := &plan.Result{Feasible: true, Assignments: []plan.Assignment{
			assignment(t, "lansdel-norr", "2025-09-09 09:00", "2025-09-09 12:00", "lokal-enen"),
			assignment(t, "samverkan-olbf", "2025-09-09 09:00", "2025-09-09 12:00", "lokal-eken"),
		}}
		moved, err := plan.ApplyWindowPlan(ctx, s, w, second)
		mustNil(t, err)
		if moved[0].ID != ms[0].ID || moved[1].ID != ms[2].ID || moved[1].Room != "lokal-eken" || moved[1].Location != "" || moved[0].Sequence == 0 {
			t.Errorf("second plan: %+v / %+v, want the same meetings moved", moved[0], moved[1])
		}
		if _, err := s.FindMeetingByID(ctx, ms[1].ID); !calendar.IsNotFound(err) {
			t.Errorf("Väster's old proposal: %v, want it deleted", err)
		}
		all, err := s.FindMeetings(ctx, calendar.MeetingFilter{Bodies: w.Bodies, Status: []calendar.MeetingStatus{calendar.StatusProposed}})
		mustNil(t, err)
		if len(all) != 2 {
			t.Errorf("%d proposed meetings of the window's bodies, want 2", len(all))
		}

		// Once confirmed, a meeting is no longer the window's: applying
		// again leaves it and gives the new meeting the next key.
		_, err = s.UpdateMeeting(ctx, ms[0].ID, calendar.MeetingUpdate{Status: pointer(calendar.StatusConfirmed)})
		mustNil(t, err)
		third := &plan.Result{Feasible: true, Assignments: []plan.Assignment{
			assignment(t, "lansdel-norr", "2025-09-16 09:00", "2025-09-16 12:00", "lokal-enen"),
		}}
		fresh, err := plan.ApplyWindowPlan(ctx, s, w, third)
		mustNil(t, err)
		if fresh[0].Key != key("lansdel-norr", 2) || fresh[0].ID == ms[0].ID {
			t.Errorf("after confirming: new meeting %q (id %d), want key %q and a new meeting", fresh[0].Key, fresh[0].ID, key("lansdel-norr", 2))
		}
		kept, err := s.FindMeetingByID(ctx, ms[0].ID)
		mustNil(t, err)
		if kept.Status != calendar.StatusConfirmed || !kept.Start.Equal(second.Assignments[0].Start) {
			t.Errorf("the confirmed meeting changed: %+v", kept)
		}
		if _, err := s.FindMeetingByID(ctx, ms[2].ID); !calendar.IsNotFound(err) {
			t.Errorf("ÖLBF's proposal left out of the third plan: %v, want it deleted", err)
		}

		// Refusals write nothing.
		before, err = s.DataVersion(ctx)
		mustNil(t, err)
		infeasible := &plan.Result{Feasible: false, Assignments: third.Assignments,
			Conflicts: []plan.Conflict{{Bodies: []string{"lansdel-norr"}, Reason: "lansdel-norr har ingen ledig tid i fönstret."}}}
		_, err = plan.ApplyWindowPlan(ctx, s, w, infeasible)
		wantCode(t, err, calendar.ECONFLICT, "nothing was written", "lansdel-norr har ingen ledig tid")
		unsaved := *w
		unsaved.ID = 0
		_, err = plan.ApplyWindowPlan(ctx, s, &unsaved, first)
		wantCode(t, err, calendar.EINVALID, "save the window first")
		// A room that is taken meanwhile: the store refuses, nothing stays.
		taken := addMeeting(t, s, "taken", calendar.StatusConfirmed, "2025-09-17", "09:00", "12:00", "skolchefsgruppen")
		_, err = s.UpdateMeeting(ctx, taken.ID, calendar.MeetingUpdate{Room: pointer("lokal-eken")})
		mustNil(t, err)
		before, err = s.DataVersion(ctx)
		mustNil(t, err)
		clash := &plan.Result{Feasible: true, Assignments: []plan.Assignment{
			assignment(t, "lansdel-norr", "2025-09-16 13:00", "2025-09-16 16:00", ""),
			assignment(t, "lansdel-soder", "2025-09-17 09:00", "2025-09-17 12:00", "lokal-eken"),
		}}
		_, err = plan.ApplyWindowPlan(ctx, s, w, clash)
		wantCode(t, err, calendar.ECONFLICT, `room "lokal-eken" is already booked`)
		after, err = s.DataVersion(ctx)
		mustNil(t, err)
		if after != before {
			t.Errorf("a refused plan changed the store")
		}
	})
}

func TestFindWindowBookings(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := *ws[0]
		w.Counts = map[string]int{"samverkan-olbf": 2}
		addMeeting(t, s, plan.WindowKeyPrefix(w.ID)+"lansdel-norr-1", calendar.StatusProposed, "2025-09-09", "09:00", "12:00", "lansdel-norr")
		addMeeting(t, s, "vaster-booked", calendar.StatusConfirmed, "2025-09-12", "09:00", "12:00", "lansdel-vaster")
		addMeeting(t, s, "olbf-booked", calendar.StatusProposed, "2025-09-15", "09:00", "12:00", "samverkan-olbf")
		addMeeting(t, s, "olbf-after", calendar.StatusProposed, "2025-09-22", "09:00", "12:00", "samverkan-olbf")
		bs, err := plan.FindWindowBookings(ctx, s, &w)
		mustNil(t, err)
		var got []string
		for _, b := range bs {
			got = append(got, fmt.Sprintf("%s %d/%d planned %d booked %d done %v", b.Body, len(b.Meetings), b.Wanted, b.Planned, b.Booked, b.Done()))
		}
		want := []string{
			"lansdel-norr 1/1 planned 1 booked 0 done true",
			"lansdel-soder 0/1 planned 0 booked 0 done false",
			"lansdel-vaster 1/1 planned 0 booked 1 done true",
			"lansdel-orebro 0/1 planned 0 booked 0 done false",
			"samverkan-olbf 1/2 planned 0 booked 1 done false",
			"samverkan-rf-sisu 0/1 planned 0 booked 0 done false",
		}
		if !slices.Equal(got, want) {
			t.Errorf("bookings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// checkHardRules fails for every hard rule the plan breaks: each meeting
// inside the window's days, weekdays and hours and in one of its rooms; no
// two meetings that share a person closer than the buffer; no room twice;
// no person who must attend at a busy meeting (with the buffer).
func checkHardRules(t *testing.T, p *plan.Problem, res *plan.Result) {
	t.Helper()
	w := p.Window
	buffer := time.Duration(w.BufferMinutes) * time.Minute
	people := map[string][]string{}
	for _, d := range p.Demands {
		people[d.Body] = d.Attendees
	}
	shares := func(a, b []string) bool {
		return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
	}
	near := func(s1, e1, s2, e2 time.Time) bool { return s1.Before(e2.Add(buffer)) && s2.Before(e1.Add(buffer)) }
	for i, a := range res.Assignments {
		day := calendar.DateOf(a.Start)
		start := calendar.Clock(calendar.In(a.Start).Hour()*60 + calendar.In(a.Start).Minute())
		inHours := slices.ContainsFunc(w.Hours, func(h calendar.TimeSpan) bool {
			return start >= h.From && int(start)+w.DurationMinutes <= int(h.To)
		})
		if !slices.Contains(w.Days(), day) || !slices.Contains(w.Weekdays, calendar.Weekday(day.Weekday())) || !inHours ||
			a.End.Sub(a.Start) != time.Duration(w.DurationMinutes)*time.Minute || (len(w.Rooms) > 0 && !slices.Contains(w.Rooms, a.Room)) {
			t.Errorf("%s at %s–%s in %q is outside the window's rules", a.Body, a.Start, a.End, a.Room)
		}
		if len(a.Violations) > 0 {
			t.Errorf("%s: violations %v in a feasible plan", a.Body, a.Violations)
		}
		for _, b := range res.Assignments[i+1:] {
			if shares(people[a.Body], people[b.Body]) && near(a.Start, a.End, b.Start, b.End) {
				t.Errorf("%s at %s and %s at %s share people within the buffer", a.Body, a.Start, b.Body, b.Start)
			}
			if a.Room != "" && a.Room == b.Room && a.Start.Before(b.End) && b.Start.Before(a.End) {
				t.Errorf("%s and %s both in %s at %s", a.Body, b.Body, a.Room, a.Start)
			}
		}
		for _, bz := range p.Busy {
			if a.Kept {
				break // a kept meeting blocks as a Busy one, and Breaks checked it
			}
			if shares(people[a.Body], bz.People) && near(a.Start, a.End, bz.Start, bz.End) {
				t.Errorf("%s at %s clashes with %s", a.Body, a.Start, bz.Label)
			}
		}
	}
}

func TestPlanWindow(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[1] // v 48–49, with Chefsgrupp folkhälsa on 2 December
		wp, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if !wp.Result.Feasible || !wp.Result.Exact || len(wp.Result.Assignments) != 6 || len(wp.AlreadyBooked) != 0 || len(wp.Bookings) != 6 {
			t.Fatalf("plan: feasible %v exact %v, %d assignments, %d skipped; want a proven plan of all six bodies",
				wp.Result.Feasible, wp.Result.Exact, len(wp.Result.Assignments), len(wp.AlreadyBooked))
		}
		checkHardRules(t, wp.Problem, wp.Result)

		// Applied, then planned again: the window's own proposals are kept
		// where they are, not counted as bookings, so the same slots come
		// out, marked kept, and applying them changes nothing.
		first, err := plan.ApplyWindowPlan(ctx, s, w, wp.Result)
		mustNil(t, err)
		again, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if got, want := slots(again.Result.Assignments), slots(wp.Result.Assignments); !reflect.DeepEqual(got, want) || len(again.AlreadyBooked) != 0 ||
			len(again.Kept) != 6 || len(again.Moved) != 0 || again.Problem.Demands != nil {
			t.Errorf("planning again after applying gave another plan:\n%v\nwant\n%v", got, want)
		}
		for _, a := range again.Result.Assignments {
			if !a.Kept {
				t.Errorf("%s at %s is not marked kept", a.Body, a.Start)
			}
		}
		for _, b := range again.Bookings {
			if b.Planned != 1 || b.Booked != 0 || !b.Done() {
				t.Errorf("%s after applying: planned %d booked %d, want its one proposal", b.Body, b.Planned, b.Booked)
			}
		}
		before, err := s.DataVersion(ctx)
		mustNil(t, err)
		_, err = plan.ApplyWindowPlan(ctx, s, w, again.Result)
		mustNil(t, err)
		if after, _ := s.DataVersion(ctx); after != before {
			t.Errorf("applying the same plan again changed the store")
		}

		// A confirmed meeting is a booking: its body is left out, and the
		// others keep clear of it.
		norr := first[0]
		if norr.Bodies[0] != "lansdel-norr" {
			t.Fatalf("first meeting is %v, want Norr's", norr.Bodies)
		}
		_, err = s.UpdateMeeting(ctx, norr.ID, calendar.MeetingUpdate{Status: pointer(calendar.StatusConfirmed)})
		mustNil(t, err)
		rest, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if len(rest.AlreadyBooked) != 1 || rest.AlreadyBooked[0].Body != "lansdel-norr" || len(rest.Result.Assignments) != 5 {
			t.Fatalf("after confirming Norr: already booked %v, %d assignments; want Norr already booked and five planned", rest.AlreadyBooked, len(rest.Result.Assignments))
		}
		if !slices.ContainsFunc(rest.Problem.Busy, func(b plan.Busy) bool { return b.MeetingID == norr.ID }) {
			t.Errorf("the confirmed meeting does not block")
		}
		checkHardRules(t, rest.Problem, rest.Result)

		// Everything booked: nothing left to plan.
		for _, m := range first[1:] {
			_, err = s.UpdateMeeting(ctx, m.ID, calendar.MeetingUpdate{Status: pointer(calendar.StatusConfirmed)})
			mustNil(t, err)
		}
		done, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if done.Problem != nil || !done.Result.Feasible || len(done.Result.Assignments) != 0 || len(done.AlreadyBooked) != 6 {
			t.Errorf("all booked: problem %v, %d assignments, %d already booked; want nothing planned", done.Problem != nil, len(done.Result.Assignments), len(done.AlreadyBooked))
		}
	})
}

// TestPlanWindowInfeasible plants a window too small for Maria Lindborg:
// five of her bodies and one three-hour slot.
func TestPlanWindowInfeasible(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := *ws[0]
		w.Weekdays = []calendar.Weekday{calendar.Weekday(time.Monday)}
		w.Weeks = w.Weeks[:1]
		w.Hours = []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}
		_, err := s.UpdateBookingWindow(ctx, w.ID, &w)
		mustNil(t, err)
		wp, err := plan.PlanWindow(ctx, s, &w, time.Date(2026, 1, 5, 9, 0, 0, 0, calendar.Location), plan.Options{})
		mustNil(t, err)
		if wp.Result.Feasible || len(wp.Result.Conflicts) == 0 {
			t.Fatalf("feasible %v with %d conflicts, want an explained infeasible plan", wp.Result.Feasible, len(wp.Result.Conflicts))
		}
		c := wp.Result.Conflicts[0]
		// The reason is for a secretary: display names, not slugs or keys.
		if !strings.Contains(c.Reason, "Maria Lindborg") || !strings.Contains(c.Reason, "Länsdel ") || strings.Contains(c.Reason, "lansdel-") {
			t.Errorf("conflict reason %q, want body and person names, no slugs", c.Reason)
		}
		if len(c.Bodies) < 2 || !slices.Contains(c.People, "maria-lindborg") || slices.Contains(c.Bodies, "samverkan-rf-sisu") || c.Reason == "" {
			t.Errorf("conflict %+v, want Maria Lindborg's bodies (not RF-SISU's) with a reason", c)
		}
		if !slices.ContainsFunc(wp.Warnings, func(s string) bool { return strings.Contains(s, "2025-W37 is in the past") }) {
			t.Errorf("warnings %v, want the week in the past", wp.Warnings)
		}
		before, err := s.DataVersion(ctx)
		mustNil(t, err)
		_, err = plan.ApplyWindowPlan(ctx, s, &w, wp.Result)
		wantCode(t, err, calendar.ECONFLICT, "breaks hard rules")
		if after, _ := s.DataVersion(ctx); after != before {
			t.Errorf("an infeasible plan was written")
		}
	})
}

func TestSuggestWindow(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[1] // v 48–49
		sg, err := plan.SuggestWindow(ctx, s, w, "lansdel-norr", loadNow, 0)
		mustNil(t, err)
		if len(sg) == 0 {
			t.Fatal("no suggestions for Länsdel Norr")
		}
		for i, x := range sg {
			if i > 0 && x.Score > sg[i-1].Score {
				t.Errorf("suggestion %d scores %v, more than the one before (%v)", i, x.Score, sg[i-1].Score)
			}
			// Maria Lindborg and Ida Broman are at Chefsgrupp folkhälsa on
			// 2 December 13.00–16.30; with the half hour of buffer nothing
			// of Norr's may come near it.
			busyFrom, busyTo := at(t, "2025-12-02 12:30"), at(t, "2025-12-02 17:00")
			if x.Start.Before(busyTo) && busyFrom.Before(x.End) {
				t.Errorf("suggestion %s–%s clashes with Chefsgrupp folkhälsa", x.Start, x.End)
			}
		}
		best := sg[0]
		top, err := plan.SuggestWindow(ctx, s, w, "lansdel-norr", loadNow, 3)
		mustNil(t, err)
		if len(top) != 3 || !top[0].Start.Equal(best.Start) {
			t.Errorf("limit 3: %d suggestions starting %v, want 3 starting %v", len(top), top[0].Start, best.Start)
		}

		// Another body's proposal from this window blocks; Norr's own does
		// not, so its current slot is still suggested.
		addMeeting(t, s, plan.WindowMeetingKey(w.ID, "lansdel-norr", 1), calendar.StatusProposed,
			calendar.DateOf(best.Start).String(), calendar.In(best.Start).Format("15:04"), calendar.In(best.End).Format("15:04"), "lansdel-norr")
		again, err := plan.SuggestWindow(ctx, s, w, "lansdel-norr", loadNow, 0)
		mustNil(t, err)
		if !slices.ContainsFunc(again, func(x plan.Suggestion) bool { return x.Start.Equal(best.Start) }) {
			t.Errorf("Norr's own proposal at %s hides its own slot", best.Start)
		}
		vaster, err := plan.SuggestWindow(ctx, s, w, "lansdel-vaster", loadNow, 0)
		mustNil(t, err)
		if slices.ContainsFunc(vaster, func(x plan.Suggestion) bool { return x.Start.Equal(best.Start) }) {
			t.Errorf("Väster (with Maria Lindborg) is offered %s, where Norr's proposal already has her", best.Start)
		}

		_, err = plan.SuggestWindow(ctx, s, w, "chefsgrupp-folkhalsa", loadNow, 0)
		wantCode(t, err, calendar.EINVALID, `body "chefsgrupp-folkhalsa" is not in booking window "Samverkansmöten hösten 2025, v 48–49"`)
	})
}

func TestApplyProposals(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, _ := exampleStore(t, open)
		ctx := context.Background()
		yp, err := plan.ProposeYear(ctx, s, "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025})
		mustNil(t, err)
		ps := yp.Proposals
		if len(ps) != 6 {
			t.Fatalf("%d proposals, want the six of 2025 copied", len(ps))
		}
		created, existing, err := plan.ApplyProposals(ctx, s, "chefsgrupp-folkhalsa", ps)
		mustNil(t, err)
		if len(created) != 6 || len(existing) != 0 {
			t.Fatalf("created %d, existing %d; want 6 and 0", len(created), len(existing))
		}
		for i, m := range created {
			p := ps[i]
			if m.Key != plan.ProposalKey("chefsgrupp-folkhalsa", calendar.DateOf(p.Start)) || m.Status != calendar.StatusProposed ||
				!m.Start.Equal(p.Start) || !m.End.Equal(p.End) || m.Room != p.Room || m.Notes != strings.Join(p.Reasons, "\n") {
				t.Errorf("meeting %d: %+v, want the proposal %+v", i, m, p)
			}
		}
		if created[0].Key != "chefsgrupp-folkhalsa-"+calendar.DateOf(ps[0].Start).String() {
			t.Errorf("key %q, want the body and the day", created[0].Key)
		}
		before, err := s.DataVersion(ctx)
		mustNil(t, err)
		created, existing, err = plan.ApplyProposals(ctx, s, "chefsgrupp-folkhalsa", ps)
		mustNil(t, err)
		if len(created) != 0 || len(existing) != 6 {
			t.Errorf("second apply: created %d, existing %d; want 0 and 6", len(created), len(existing))
		}
		if after, _ := s.DataVersion(ctx); after != before {
			t.Errorf("applying the same proposals again changed the store")
		}
		// A refused meeting leaves nothing behind.
		bad := []plan.Proposal{ps[0], {Start: at(t, "2026-02-03 13:00"), End: at(t, "2026-02-03 15:00"), Room: "lokal-alm"}}
		bad[0].Start, bad[0].End = at(t, "2026-02-02 13:00"), at(t, "2026-02-02 15:00")
		_, _, err = plan.ApplyProposals(ctx, s, "chefsgrupp-folkhalsa", bad)
		wantCode(t, err, calendar.EINVALID, `room "lokal-alm" does not exist`)
		if _, err := s.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2026-02-02"); !calendar.IsNotFound(err) {
			t.Errorf("the first meeting of a refused batch was kept: %v", err)
		}
	})
}

// slots writes each assignment as "body start room".
func slots(as []plan.Assignment) []string {
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprintf("%s %s %s", a.Body, a.Start.Format("2006-01-02 15:04"), a.Room))
	}
	return out
}

// TestPlanWindowKeepsPlaced: planning a window again after its plan was
// laid in moves only the meetings that now break a hard rule – here the
// Mondays taken out of the window, and Länsdel Väster's meeting, which
// Maria Lindborg now has another meeting on top of – each with its reason
// in Swedish; the others stay where they are, and applying the new plan
// leaves them untouched and moves the rest as the same meetings.
func TestPlanWindowKeepsPlaced(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[1]
		wp, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		first, err := plan.ApplyWindowPlan(ctx, s, w, wp.Result)
		mustNil(t, err)
		byBody := map[string]*calendar.Meeting{}
		for _, m := range first {
			byBody[m.Bodies[0]] = m
		}
		mondays := 0
		for _, m := range first {
			if calendar.In(m.Start).Weekday() == time.Monday {
				mondays++
			}
		}
		if mondays == 0 || calendar.In(byBody["lansdel-vaster"].Start).Weekday() == time.Monday {
			t.Fatalf("the test needs a Monday meeting and Väster off Monday: %v", slots(wp.Result.Assignments))
		}
		// Mondays are taken out of the window …
		changed := *w
		changed.Weekdays = []calendar.Weekday{2, 3, 4, 5}
		w, err = s.UpdateBookingWindow(ctx, w.ID, &changed)
		mustNil(t, err)
		// … and Maria gets another meeting on top of Väster's.
		v := byBody["lansdel-vaster"]
		clash := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Start: v.Start.Add(time.Hour), End: v.Start.Add(2 * time.Hour),
			Status: calendar.StatusConfirmed, Title: "Extra chefsgrupp"}
		mustNil(t, s.CreateMeeting(ctx, clash))

		again, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if !again.Result.Feasible || len(again.Kept)+len(again.Moved) != 6 || len(again.Moved) != mondays+1 {
			t.Fatalf("feasible %v, kept %d, moved %d; want %d moved", again.Result.Feasible, len(again.Kept), len(again.Moved), mondays+1)
		}
		for _, mv := range again.Moved {
			why := strings.Join(mv.Reasons, "; ")
			switch {
			case mv.Body == "lansdel-vaster":
				if !strings.Contains(why, "krockar med Extra chefsgrupp") || !strings.Contains(why, "Maria Lindborg") {
					t.Errorf("Väster moves because %q", why)
				}
			case !strings.Contains(why, "måndag är inte längre en av bokningsveckornas dagar"):
				t.Errorf("%s moves because %q", mv.Body, why)
			}
		}
		for _, k := range again.Kept {
			if m := byBody[k.Body]; m.ID != k.Meeting.ID || calendar.In(m.Start).Weekday() == time.Monday || k.Body == "lansdel-vaster" {
				t.Errorf("kept %s at %s", k.Body, k.Meeting.Start)
			}
		}
		checkHardRules(t, again.Problem, again.Result)
		for _, a := range again.Result.Assignments {
			if a.Kept != slices.ContainsFunc(again.Kept, func(k plan.Placed) bool { return k.Body == a.Body }) {
				t.Errorf("%s: kept %v in the plan", a.Body, a.Kept)
			}
		}

		out, err := plan.ApplyWindowPlan(ctx, s, w, again.Result)
		mustNil(t, err)
		if len(out) != 6 {
			t.Fatalf("applied %d meetings", len(out))
		}
		for _, m := range out {
			old := byBody[m.Bodies[0]]
			if m.ID != old.ID {
				t.Errorf("%s: meeting %d became %d; a moved meeting stays the same meeting", m.Bodies[0], old.ID, m.ID)
			}
			kept := slices.ContainsFunc(again.Kept, func(k plan.Placed) bool { return k.Meeting.ID == m.ID })
			stored, err := s.FindMeetingByID(ctx, m.ID)
			mustNil(t, err)
			if kept && (!stored.Start.Equal(old.Start) || !stored.UpdatedAt.Equal(old.UpdatedAt)) {
				t.Errorf("kept %s was written: %s → %s", m.Bodies[0], old.Start, stored.Start)
			}
			if !kept && (stored.Start.Equal(old.Start) || calendar.In(stored.Start).Weekday() == time.Monday) {
				t.Errorf("moved %s is at %s", m.Bodies[0], stored.Start)
			}
		}
	})
}

// TestTakeSuggestion: a body's suggestion taken is the window's own
// proposed meeting, which planning then keeps where it is; a time that is
// not a suggestion is ECONFLICT; taken again, the same meeting moves.
func TestTakeSuggestion(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[0]
		sg, err := plan.SuggestWindow(ctx, s, w, "lansdel-norr", loadNow, 3)
		mustNil(t, err)
		if len(sg) < 2 {
			t.Fatalf("%d suggestions", len(sg))
		}
		_, err = plan.TakeSuggestion(ctx, s, w, "lansdel-norr", sg[1].Start.Add(5*time.Minute), sg[1].Room, loadNow)
		wantCode(t, err, calendar.ECONFLICT, "not a free time")
		m, err := plan.TakeSuggestion(ctx, s, w, "lansdel-norr", sg[1].Start, sg[1].Room, loadNow)
		mustNil(t, err)
		if !plan.IsWindowMeeting(w.ID, m) || !m.Start.Equal(sg[1].Start) || m.Room != sg[1].Room || m.Status != calendar.StatusProposed {
			t.Errorf("taken: %+v", m)
		}
		wp, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		if len(wp.Kept) != 1 || wp.Kept[0].Meeting.ID != m.ID || !wp.Result.Feasible {
			t.Errorf("planning after taking: kept %v", wp.Kept)
		}
		m2, err := plan.TakeSuggestion(ctx, s, w, "lansdel-norr", sg[0].Start, sg[0].Room, loadNow)
		mustNil(t, err)
		if m2.ID != m.ID || !m2.Start.Equal(sg[0].Start) {
			t.Errorf("taken again: meeting %d at %s, want %d moved to %s", m2.ID, m2.Start, m.ID, sg[0].Start)
		}

		// Norr is taken out of the window: its meeting stays when the
		// plan of the others is laid in.
		changed := *w
		changed.Bodies = slices.DeleteFunc(slices.Clone(w.Bodies), func(b string) bool { return b == "lansdel-norr" })
		w, err = s.UpdateBookingWindow(ctx, w.ID, &changed)
		mustNil(t, err)
		wp, err = plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		_, err = plan.ApplyWindowPlan(ctx, s, w, wp.Result)
		mustNil(t, err)
		if kept, err := s.FindMeetingByID(ctx, m.ID); err != nil || !kept.Start.Equal(sg[0].Start) {
			t.Errorf("Norr's meeting after Norr left the window: %v %v", kept, err)
		}
	})
}

// TestLoadCannotDo: Load turns the "kan inte" answers of people who must
// attend into Busy periods of that person with the answer's words, and
// leaves out the answers of others; planning and suggestions keep off
// them.
func TestLoadCannotDo(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		s, ws := exampleStore(t, open)
		ctx := context.Background()
		w := ws[1] // v 48–49
		tue := calendar.Date{Year: 2025, Month: time.November, Day: 25}
		mustNil(t, s.SetAvailability(ctx, &calendar.Availability{WindowID: w.ID, Person: "maria-lindborg",
			CannotDo: []calendar.HalfDay{{Day: tue, Half: calendar.HalfMorning}, {Day: tue, Half: calendar.HalfAfternoon}}}))
		// Kerstin Angergård is no one who must attend the window.
		mustNil(t, s.SetAvailability(ctx, &calendar.Availability{WindowID: w.ID, Person: "kerstin-angergard",
			CannotDo: []calendar.HalfDay{{Day: tue, Half: calendar.HalfMorning}}}))
		p, err := plan.Load(ctx, s, w, loadNow)
		mustNil(t, err)
		var got []string
		for _, b := range p.Busy {
			if b.Reason != "" {
				got = append(got, fmt.Sprintf("%s %s–%s %v", b.Reason, b.Start.Format(time.RFC3339), b.End.Format("15:04"), b.People))
				if b.Room != "" || b.MeetingID != 0 {
					t.Errorf("answer %+v has a room or a meeting", b)
				}
			}
		}
		want := []string{
			"Maria Lindborg kan inte tis 25 nov fm 2025-11-25T00:00:00+01:00–12:00 [maria-lindborg]",
			"Maria Lindborg kan inte tis 25 nov em 2025-11-25T12:00:00+01:00–00:00 [maria-lindborg]",
		}
		if !slices.Equal(got, want) {
			t.Errorf("answers in Busy:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		wp, err := plan.PlanWindow(ctx, s, w, loadNow, plan.Options{})
		mustNil(t, err)
		for _, a := range wp.Result.Assignments {
			if calendar.DateOf(a.Start) == tue && a.Body != "samverkan-rf-sisu" {
				t.Errorf("%s placed on %s, when Maria Lindborg cannot", a.Body, tue)
			}
		}
		sugg, err := plan.SuggestWindow(ctx, s, w, "lansdel-norr", loadNow, 0)
		mustNil(t, err)
		if len(sugg) == 0 {
			t.Fatal("no suggestions for lansdel-norr")
		}
		for _, x := range sugg {
			if calendar.DateOf(x.Start) == tue {
				t.Errorf("suggestion %s on a day Maria Lindborg cannot", x.Start)
			}
		}
	})
}
