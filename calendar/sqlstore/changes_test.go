package sqlstore_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

func testChanges(t *testing.T, e *env) {
	t0 := e.clock.Now()
	o := e.org("region")
	t1 := e.clock.Advance(time.Minute)
	b := &calendar.Body{Slug: "folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public, Organisation: "region"}
	must(t, e.s.CreateBody(e.ctx, b))
	t2 := e.clock.Advance(time.Minute)
	_, err := e.s.UpdateBody(e.ctx, "folkhalsa", calendar.BodyUpdate{Name: ptr("Specifikt samverkansråd för folkhälsa"), Kind: ptr(calendar.BodySpecificCouncil)})
	must(t, err)
	t3 := e.clock.Advance(time.Minute)
	m := &calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: day(2025, 3, 31).At(13, 0), End: day(2025, 3, 31).At(16, 30)}
	must(t, e.s.CreateMeeting(e.ctx, m))
	t4 := e.clock.Advance(time.Minute)
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))

	all, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{})
	must(t, err)
	type row struct {
		entity string
		id     int64
		action calendar.ChangeAction
		at     time.Time
	}
	want := []row{
		{"meeting", m.ID, calendar.ActionDelete, t4},
		{"meeting", m.ID, calendar.ActionCreate, t3},
		{"body", b.ID, calendar.ActionUpdate, t2},
		{"body", b.ID, calendar.ActionCreate, t1},
		{"organisation", o.ID, calendar.ActionCreate, t0},
	}
	if len(all) != len(want) {
		t.Fatalf("got %d changes, want %d", len(all), len(want))
	}
	for i, w := range want {
		c := all[i]
		if c.Entity != w.entity || c.EntityID != w.id || c.Action != w.action {
			t.Errorf("change %d = %s %d %s, want %s %d %s", i, c.Entity, c.EntityID, c.Action, w.entity, w.id, w.action)
		}
		sameTime(t, fmt.Sprintf("change %d At", i), c.At, w.at)
		if i > 0 && c.ID >= all[i-1].ID {
			t.Errorf("changes not newest first: id %d after %d", c.ID, all[i-1].ID)
		}
	}
	wantFields := map[string]calendar.FieldChange{
		"name": {Old: "Chefsgrupp folkhälsa", New: "Specifikt samverkansråd för folkhälsa"},
		"kind": {Old: "management-group", New: "specific-council"},
	}
	if !reflect.DeepEqual(all[2].Fields, wantFields) {
		t.Errorf("update fields = %+v, want %+v", all[2].Fields, wantFields)
	}
	created := all[3].Fields
	if created["slug"] != (calendar.FieldChange{New: "folkhalsa"}) || created["organisation"].New != "region" ||
		created["minutes_need_approval"].New != "false" {
		t.Errorf("create fields = %+v", created)
	}
	if _, ok := created["description"]; ok {
		t.Error("create recorded the empty description")
	}
	if got := all[1].Fields["start"].New; got != "2025-03-31T13:00:00+02:00" {
		t.Errorf("meeting start recorded as %q, want Swedish time with offset", got)
	}
	if got := all[0].Fields["start"]; got.Old != "2025-03-31T13:00:00+02:00" || got.New != "" {
		t.Errorf("deleted meeting start recorded as %+v", got)
	}

	for _, tc := range []struct {
		name string
		f    calendar.ChangeFilter
		want int
	}{
		{"entity", calendar.ChangeFilter{Entity: ptr("body")}, 2},
		{"entity and id", calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID}, 2},
		{"unknown entity", calendar.ChangeFilter{Entity: ptr("nothing")}, 0},
		{"limit", calendar.ChangeFilter{Limit: 3}, 3},
	} {
		cs, err := e.s.FindChanges(e.ctx, tc.f)
		must(t, err)
		if len(cs) != tc.want {
			t.Errorf("FindChanges %s: %d changes, want %d", tc.name, len(cs), tc.want)
		}
	}
	_, err = e.s.FindChanges(e.ctx, calendar.ChangeFilter{Limit: -1})
	wantErr(t, err, calendar.EINVALID, "limit")

	// Without a limit, at most 100.
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error {
		for i := range 100 {
			if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: fmt.Sprintf("rum-%d", i), Name: "Rum"}); err != nil {
				return err
			}
		}
		return nil
	}))
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{})
	must(t, err)
	if len(cs) != 100 || cs[0].Fields["slug"].New != "rum-99" {
		t.Errorf("default limit gave %d changes, newest %+v", len(cs), cs[0])
	}
}

func testDataVersion(t *testing.T, e *env) {
	v, err := e.s.DataVersion(e.ctx)
	must(t, err)
	if v != (calendar.DataVersion{}) {
		t.Errorf("DataVersion of an empty database = %+v, want zero", v)
	}
	at := e.clock.Advance(time.Minute)
	e.room("eken")
	v1, err := e.s.DataVersion(e.ctx)
	must(t, err)
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Limit: 1})
	must(t, err)
	if v1.Serial != cs[0].ID || v1.Serial == 0 {
		t.Errorf("DataVersion serial %d, want the latest change's id %d", v1.Serial, cs[0].ID)
	}
	sameTime(t, "DataVersion At", v1.At, at)

	e.clock.Advance(time.Minute)
	_, err = e.s.UpdateRoom(e.ctx, "eken", calendar.RoomUpdate{Name: ptr("Lokal eken")}) // no change
	must(t, err)
	wantErr(t, e.s.CreateRoom(e.ctx, &calendar.Room{Slug: "eken", Name: "X"}), calendar.ECONFLICT) // fails
	v2, err := e.s.DataVersion(e.ctx)
	must(t, err)
	if v2 != v1 {
		t.Errorf("DataVersion moved from %+v to %+v without a change", v1, v2)
	}
	at = e.clock.Advance(time.Minute)
	_, err = e.s.UpdateRoom(e.ctx, "eken", calendar.RoomUpdate{Capacity: ptr(12)})
	must(t, err)
	v3, err := e.s.DataVersion(e.ctx)
	must(t, err)
	if v3.Serial <= v1.Serial {
		t.Errorf("DataVersion serial %d after a change, want more than %d", v3.Serial, v1.Serial)
	}
	sameTime(t, "DataVersion At", v3.At, at)
}

// testErrorCodeMapping reaches the code-based mapping with real constraint
// violations, which the store's own checks otherwise prevent.
func testErrorCodeMapping(t *testing.T, e *env) {
	o := e.org("region")
	e.body("folkhalsa", calendar.Public)
	m1 := e.meeting("M1", day(2025, 1, 1), 9, 10, "folkhalsa")
	m2 := e.meeting("M2", day(2025, 1, 2), 9, 10, "folkhalsa")
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		code  string
	}{
		{"unique slug", `INSERT INTO organisations (slug, name, kind, created_at, updated_at) VALUES ($1, 'X', 'region', 0, 0)`, []any{"region"}, calendar.ECONFLICT},
		{"primary key", `INSERT INTO meeting_bodies (meeting_id, body_id) SELECT meeting_id, body_id FROM meeting_bodies WHERE meeting_id = $1`, []any{m1.ID}, calendar.ECONFLICT},
		{"foreign key on insert", `INSERT INTO people (key, name, organisation_id, feed_token, created_at, updated_at) VALUES ('x', 'X', $1, 'tok', 0, 0)`, []any{9999}, calendar.ECONFLICT},
		{"foreign key on delete", `DELETE FROM bodies WHERE slug = $1`, []any{"folkhalsa"}, calendar.ECONFLICT},
		{"a syntax error is internal", `SELEC 1`, nil, calendar.EINTERNAL},
	} {
		err := sqlstore.ExecChecked(e.ctx, e.s, tc.query, tc.args...)
		if got := calendar.ErrorCode(err); got != tc.code {
			t.Errorf("%s: got %v (code %q), want code %q", tc.name, err, got, tc.code)
		}
	}
	// Meeting keys are unique only when not empty.
	must(t, sqlstore.ExecChecked(e.ctx, e.s, `UPDATE meetings SET key = '' WHERE id IN ($1, $2)`, m1.ID, m2.ID))
	must(t, sqlstore.ExecChecked(e.ctx, e.s, `UPDATE meetings SET key = 'k' WHERE id = $1`, m1.ID))
	wantErr(t, sqlstore.ExecChecked(e.ctx, e.s, `UPDATE meetings SET key = 'k' WHERE id = $1`, m2.ID), calendar.ECONFLICT)
	// Person and body refer to the organisation: the foreign key stops a delete.
	must(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "maria", Name: "Maria", Organisation: "region"}))
	wantErr(t, sqlstore.ExecChecked(e.ctx, e.s, `DELETE FROM organisations WHERE id = $1`, o.ID), calendar.ECONFLICT)
}
