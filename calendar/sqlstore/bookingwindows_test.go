package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestBookingWindows runs the booking window tests on every engine, each on
// a fresh database.
func TestBookingWindows(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"RoundTrip", testBookingWindowRoundTrip},
		{"Normalized", testBookingWindowNormalized},
		{"CreateErrors", testBookingWindowCreateErrors},
		{"Update", testBookingWindowUpdate},
		{"Delete", testBookingWindowDelete},
		{"InTxRollback", testBookingWindowInTx},
	}
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: time.Date(2025, 5, 2, 9, 0, 0, 0, calendar.Location)}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					e := &env{t: t, s: s, clock: clk, ctx: context.Background()}
					e.windowFixture()
					tc.fn(t, e)
				})
			}
		})
	}
}

// windowFixture stores what the windows below refer to: two länsdel groups
// with their members, a partner group and two rooms.
func (e *env) windowFixture() {
	e.t.Helper()
	for _, b := range []string{"lansdel-norr", "lansdel-vaster", "samverkan-olbf"} {
		e.body(b, calendar.Public)
	}
	for _, p := range []string{"maria-lindborg", "ida-broman", "cecilia-ljung"} {
		e.person(p)
	}
	e.room("lokal-eken")
	e.room("lokal-enen")
}

func week(y, w int) calendar.ISOWeek { return calendar.ISOWeek{Year: y, Week: w} }

// autumnWindow is the window of the example, with every optional
// field set.
func autumnWindow() *calendar.BookingWindow {
	return &calendar.BookingWindow{
		Name:            "Länsdelsmöten hösten 2025",
		Weeks:           []calendar.ISOWeek{week(2025, 37), week(2025, 38)},
		Bodies:          []string{"lansdel-norr", "lansdel-vaster", "samverkan-olbf"},
		Counts:          map[string]int{"samverkan-olbf": 2},
		DurationMinutes: 120,
		Weekdays:        []calendar.Weekday{1, 2, 3, 4, 5},
		Hours:           []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16*60 + 30}},
		Rooms:           []string{"lokal-eken", "lokal-enen"},
		Deadline:        day(2025, 6, 13),
		BufferMinutes:   30,
		Blackouts:       []calendar.DateRange{{From: day(2025, 9, 12), To: day(2025, 9, 12)}},
		Attendees:       map[string][]string{"lansdel-norr": {"ida-broman", "maria-lindborg"}},
	}
}

func testBookingWindowRoundTrip(t *testing.T, e *env) {
	w := autumnWindow()
	must(t, e.s.CreateBookingWindow(e.ctx, w))
	if w.ID == 0 {
		t.Fatal("CreateBookingWindow did not set ID")
	}
	sameTime(t, "CreatedAt", w.CreatedAt, e.clock.Now())
	sameTime(t, "UpdatedAt", w.UpdatedAt, e.clock.Now())

	got, err := e.s.FindBookingWindowByID(e.ctx, w.ID)
	must(t, err)
	if !reflect.DeepEqual(got, w) {
		t.Errorf("FindBookingWindowByID =\n%+v\nwant\n%+v", got, w)
	}

	// A minimal window: digital, no deadline, nothing optional.
	min := &calendar.BookingWindow{Name: "Digitalt", Weeks: []calendar.ISOWeek{week(2025, 48)}, Bodies: []string{"lansdel-norr"},
		DurationMinutes: 60, Weekdays: []calendar.Weekday{4}, Hours: []calendar.TimeSpan{{From: 13 * 60, To: 15 * 60}}}
	must(t, e.s.CreateBookingWindow(e.ctx, min))
	all, err := e.s.FindBookingWindows(e.ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != w.ID || all[1].ID != min.ID {
		t.Fatalf("FindBookingWindows = %d windows, want the two in creation order", len(all))
	}
	if !reflect.DeepEqual(all[1], min) {
		t.Errorf("minimal window read back as\n%+v\nwant\n%+v", all[1], min)
	}
	if all[1].Rooms != nil || all[1].Counts != nil || all[1].Attendees != nil || !all[1].Deadline.IsZero() {
		t.Errorf("minimal window: rooms %v counts %v attendees %v deadline %v, want all unset", all[1].Rooms, all[1].Counts, all[1].Attendees, all[1].Deadline)
	}

	entity := "booking_window"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &w.ID})
	must(t, err)
	if len(cs) != 1 || cs[0].Action != calendar.ActionCreate {
		t.Fatalf("changes of the window = %+v, want one create", cs)
	}
	for field, want := range map[string]string{
		"name": "Länsdelsmöten hösten 2025", "weeks": "2025-W37,2025-W38", "hours": "09:00–12:00,13:00–16:30",
		"rooms": "lokal-eken,lokal-enen", "deadline": "2025-06-13", "counts": `{"samverkan-olbf":2}`,
		"attendees": `{"lansdel-norr":["ida-broman","maria-lindborg"]}`, "weekdays": "mon,tue,wed,thu,fri",
	} {
		if got := cs[0].Fields[field]; got.Old != "" || got.New != want {
			t.Errorf("recorded %s = %+v, want new %q", field, got, want)
		}
	}
}

func testBookingWindowNormalized(t *testing.T, e *env) {
	w := &calendar.BookingWindow{Name: "Oordning", DurationMinutes: 60,
		Weeks:     []calendar.ISOWeek{week(2025, 49), week(2025, 48), week(2025, 49)},
		Bodies:    []string{"samverkan-olbf", "lansdel-norr"},
		Weekdays:  []calendar.Weekday{5, 1, 3, 1},
		Hours:     []calendar.TimeSpan{{From: 13 * 60, To: 16 * 60}, {From: 9 * 60, To: 12 * 60}},
		Rooms:     []string{"lokal-enen", "lokal-eken"},
		Attendees: map[string][]string{"lansdel-norr": {"maria-lindborg", "ida-broman", "maria-lindborg"}},
	}
	must(t, e.s.CreateBookingWindow(e.ctx, w))
	got, err := e.s.FindBookingWindowByID(e.ctx, w.ID)
	must(t, err)
	want := []any{
		[]calendar.ISOWeek{week(2025, 48), week(2025, 49)},
		[]string{"samverkan-olbf", "lansdel-norr"}, // the order given
		[]calendar.Weekday{1, 3, 5},
		[]calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16 * 60}},
		[]string{"lokal-enen", "lokal-eken"}, // the order of preference
		map[string][]string{"lansdel-norr": {"ida-broman", "maria-lindborg"}},
	}
	for i, have := range []any{got.Weeks, got.Bodies, got.Weekdays, got.Hours, got.Rooms, got.Attendees} {
		if !reflect.DeepEqual(have, want[i]) {
			t.Errorf("read back %v, want %v", have, want[i])
		}
	}
	// Saving it again in another order changes nothing.
	again := *got
	again.Weeks = []calendar.ISOWeek{week(2025, 49), week(2025, 48)}
	before := e.changeCount()
	e.clock.Advance(time.Hour)
	u, err := e.s.UpdateBookingWindow(e.ctx, w.ID, &again)
	must(t, err)
	if n := e.changeCount(); n != before {
		t.Errorf("reordering the weeks recorded %d changes, want none", n-before)
	}
	sameTime(t, "UpdatedAt after a no-op update", u.UpdatedAt, w.UpdatedAt)
}

func testBookingWindowCreateErrors(t *testing.T, e *env) {
	tests := []struct {
		name  string
		edit  func(w *calendar.BookingWindow)
		parts []string
	}{
		{"no weeks", func(w *calendar.BookingWindow) { w.Weeks = nil }, []string{"at least one ISO week"}},
		{"week 53 of a 52-week year", func(w *calendar.BookingWindow) { w.Weeks = []calendar.ISOWeek{week(2025, 53)} }, []string{"2025-W53 does not exist"}},
		{"no bodies", func(w *calendar.BookingWindow) { w.Bodies = nil; w.Counts = nil; w.Attendees = nil }, []string{"at least one body"}},
		{"end before start", func(w *calendar.BookingWindow) { w.Hours = []calendar.TimeSpan{{From: 12 * 60, To: 9 * 60}} }, []string{"12:00–09:00: end must be after start"}},
		{"unknown body", func(w *calendar.BookingWindow) { w.Bodies = append(w.Bodies, "lansdel-ost") }, []string{`body "lansdel-ost" does not exist`}},
		{"unknown room", func(w *calendar.BookingWindow) { w.Rooms = []string{"lokal-alen"} }, []string{`room "lokal-alen" does not exist`}},
		{"unknown attendee", func(w *calendar.BookingWindow) { w.Attendees["lansdel-vaster"] = []string{"okand-person"} }, []string{`person "okand-person" does not exist`}},
		{"empty attendees", func(w *calendar.BookingWindow) { w.Attendees["lansdel-vaster"] = []string{} }, []string{`attendees of "lansdel-vaster" is empty`}},
		{"body twice", func(w *calendar.BookingWindow) { w.Bodies = append(w.Bodies, "lansdel-norr") }, []string{`body "lansdel-norr" is listed twice`}},
		{"several at once", func(w *calendar.BookingWindow) {
			w.Rooms = []string{"lokal-alen", "lokal-alen"}
			w.Bodies = append(w.Bodies, "lansdel-ost")
			w.Hours = []calendar.TimeSpan{{From: 12 * 60, To: 9 * 60}}
		}, []string{`time span 12:00–09:00: end must be after start (and 3 more problems)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := autumnWindow()
			tt.edit(w)
			before := e.changeCount()
			err := e.s.CreateBookingWindow(e.ctx, w)
			wantErr(t, err, calendar.EINVALID, tt.parts...)
			if tt.name == "several at once" {
				var ce *calendar.Error
				if !errors.As(err, &ce) || len(ce.Details) != 4 || ce.Details[1] != `room "lokal-alen" is listed twice` ||
					ce.Details[2] != `body "lansdel-ost" does not exist` || ce.Details[3] != `room "lokal-alen" does not exist` {
					t.Errorf("details %q, want the span, the room twice, and the unknown body and room", ce.Details)
				}
			}
			if w.ID != 0 {
				t.Errorf("a refused window got ID %d", w.ID)
			}
			if n := e.changeCount(); n != before {
				t.Errorf("a refused window recorded %d changes", n-before)
			}
		})
	}
	all, err := e.s.FindBookingWindows(e.ctx)
	must(t, err)
	if len(all) != 0 {
		t.Errorf("%d windows stored after refused creates, want 0", len(all))
	}
}

func testBookingWindowUpdate(t *testing.T, e *env) {
	w := autumnWindow()
	must(t, e.s.CreateBookingWindow(e.ctx, w))
	later := e.clock.Advance(time.Hour)
	edit := autumnWindow()
	edit.Weeks = append(edit.Weeks, week(2025, 48), week(2025, 49))
	edit.Rooms = nil
	edit.Attendees = nil
	edit.ID, edit.CreatedAt = 4711, later // ignored
	u, err := e.s.UpdateBookingWindow(e.ctx, w.ID, edit)
	must(t, err)
	if u.ID != w.ID || len(u.Weeks) != 4 || u.Rooms != nil || u.Attendees != nil {
		t.Errorf("UpdateBookingWindow = %+v, want id %d with four weeks and no rooms or attendees", u, w.ID)
	}
	sameTime(t, "CreatedAt after update", u.CreatedAt, w.CreatedAt)
	sameTime(t, "UpdatedAt after update", u.UpdatedAt, later)
	got, err := e.s.FindBookingWindowByID(e.ctx, w.ID)
	must(t, err)
	if !reflect.DeepEqual(got, u) {
		t.Errorf("stored\n%+v\nreturned\n%+v", got, u)
	}
	entity := "booking_window"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &w.ID})
	must(t, err)
	if len(cs) != 2 || cs[0].Action != calendar.ActionUpdate {
		t.Fatalf("changes = %d, want a create and an update", len(cs))
	}
	if f := cs[0].Fields; len(f) != 3 || f["weeks"].New != "2025-W37,2025-W38,2025-W48,2025-W49" || f["rooms"].Old != "lokal-eken,lokal-enen" || f["attendees"].New != "" {
		t.Errorf("recorded update fields %+v, want weeks, rooms and attendees", f)
	}

	bad := autumnWindow()
	bad.Bodies = []string{"lansdel-ost"}
	bad.Counts, bad.Attendees = nil, nil
	_, err = e.s.UpdateBookingWindow(e.ctx, w.ID, bad)
	wantErr(t, err, calendar.EINVALID, `body "lansdel-ost" does not exist`)
	_, err = e.s.UpdateBookingWindow(e.ctx, w.ID+100, autumnWindow())
	wantErr(t, err, calendar.ENOTFOUND, "booking window", "does not exist")
}

func testBookingWindowDelete(t *testing.T, e *env) {
	w := autumnWindow()
	must(t, e.s.CreateBookingWindow(e.ctx, w))
	must(t, e.s.DeleteBookingWindow(e.ctx, w.ID))
	_, err := e.s.FindBookingWindowByID(e.ctx, w.ID)
	wantErr(t, err, calendar.ENOTFOUND, "does not exist")
	wantErr(t, e.s.DeleteBookingWindow(e.ctx, w.ID), calendar.ENOTFOUND, "does not exist")
	entity := "booking_window"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &w.ID})
	must(t, err)
	if len(cs) != 2 || cs[0].Action != calendar.ActionDelete || cs[0].Fields["name"].Old != w.Name {
		t.Errorf("changes = %+v, want a create and a delete naming the window", cs)
	}
}

func testBookingWindowInTx(t *testing.T, e *env) {
	boom := errors.New("boom")
	err := e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := tx.CreateBookingWindow(e.ctx, autumnWindow()); err != nil {
			return err
		}
		all, err := tx.FindBookingWindows(e.ctx)
		if err != nil || len(all) != 1 {
			t.Errorf("inside the transaction: %d windows (%v), want 1", len(all), err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	all, err := e.s.FindBookingWindows(e.ctx)
	must(t, err)
	if len(all) != 0 {
		t.Errorf("%d windows after rollback, want 0", len(all))
	}
}
