package sqlstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// testAllOrNothingBatches writes more changes than one batch of the record
// holds in an all-or-nothing InTx (calendar.AllOrNothing, as an årsplan
// import runs): the transaction reads its own record whole, and after the
// commit every change is there once, in the order of the writes, with
// nested InTx calls (which keep their savepoints) in their place.
func testAllOrNothingBatches(t *testing.T, e *env) {
	const n = 450 // several batches of changes (changeBatch), and a part of one
	var want []string
	must(t, e.s.InTx(calendar.AllOrNothing(e.ctx), func(tx calendar.Store) error {
		for i := range n {
			slug := fmt.Sprintf("org-%03d", i)
			if err := tx.CreateOrganisation(e.ctx, &calendar.Organisation{Slug: slug, Name: slug, Kind: calendar.OrgRegion}); err != nil {
				return err
			}
			want = append(want, "create "+slug)
			if i == 300 {
				// A nested InTx, plain and all-or-nothing: their
				// changes come in their place.
				if err := tx.InTx(e.ctx, func(tx2 calendar.Store) error {
					return tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "nested", Name: "Nested"})
				}); err != nil {
					return err
				}
				if err := tx.InTx(calendar.AllOrNothing(e.ctx), func(tx2 calendar.Store) error {
					return tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "nested-bare", Name: "Nested"})
				}); err != nil {
					return err
				}
				want = append(want, "create nested", "create nested-bare")
			}
		}
		// The transaction sees its own changes, those still in a batch too.
		cs, err := tx.FindChanges(e.ctx, calendar.ChangeFilter{Limit: 1000})
		if err != nil {
			return err
		}
		if len(cs) != len(want) {
			t.Errorf("inside the transaction: %d changes, want %d", len(cs), len(want))
		}
		v, err := tx.DataVersion(e.ctx)
		if err != nil {
			return err
		}
		if v.Serial != cs[0].ID {
			t.Errorf("inside the transaction: data version %d, want the latest change %d", v.Serial, cs[0].ID)
		}
		return nil
	}))
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Limit: 1000})
	must(t, err)
	var got []string
	for i := len(cs) - 1; i >= 0; i-- { // oldest first
		c := cs[i]
		slug := c.Fields["slug"].New
		got = append(got, string(c.Action)+" "+slug)
	}
	if len(got) != len(want) {
		t.Errorf("%d changes after commit, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("change %d after commit = %q, want %q", i, got[i], want[i])
			break
		}
	}
	for _, c := range cs {
		if c.Entity == "organisation" {
			o, err := e.s.FindOrganisationBySlug(e.ctx, c.Fields["slug"].New)
			must(t, err)
			if o.ID != c.EntityID {
				t.Errorf("change %d is of organisation %d, want %d (%s)", c.ID, c.EntityID, o.ID, o.Slug)
			}
		}
	}
}

// testAllOrNothingFailedCall checks the promise an all-or-nothing InTx
// relies on: a callback that goes on after a failed call (which ran
// without a savepoint) gets an error, not a commit of half the work, and
// later writes are refused. A nested InTx that fails is such a call, and
// so is a failed call in an all-or-nothing InTx nested in a plain one,
// which still undoes only the nested work.
func testAllOrNothingFailedCall(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	err := e.s.InTx(calendar.AllOrNothing(e.ctx), func(tx calendar.Store) error {
		if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: "eken", Name: "Lokal Eken"}); err != nil {
			return err
		}
		err := tx.InTx(e.ctx, func(tx2 calendar.Store) error {
			if err := tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "bjorken", Name: "Lokal Björken"}); err != nil {
				return err
			}
			return errors.New("the nested part gives up")
		})
		if err == nil {
			t.Error("the nested InTx succeeded")
		}
		return nil // goes on regardless
	})
	if err == nil || calendar.ErrorCode(err) != calendar.EINTERNAL {
		t.Errorf("InTx after a failed nested InTx = %v, want an internal error", err)
	}
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error {
		err := tx.InTx(calendar.AllOrNothing(e.ctx), func(tx2 calendar.Store) error {
			if err := tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "undone", Name: "Undone"}); err != nil {
				return err
			}
			return tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "undone", Name: "Undone"})
		})
		wantErr(t, err, calendar.ECONFLICT)
		return tx.CreateRoom(e.ctx, &calendar.Room{Slug: "kept", Name: "Kept"})
	}))
	if _, err := e.s.FindRoomBySlug(e.ctx, "undone"); !calendar.IsNotFound(err) {
		t.Errorf("room of the failed nested all-or-nothing InTx: %v, want not found", err)
	}
	must(t, e.s.DeleteRoom(e.ctx, "kept"))
	err = e.s.InTx(calendar.AllOrNothing(e.ctx), func(tx calendar.Store) error {
		if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: "eken", Name: "Lokal Eken"}); err != nil {
			return err
		}
		err := tx.CreateMeeting(e.ctx, &calendar.Meeting{Bodies: []string{"folkhalsa", "nothing"},
			Start: day(2025, 1, 1).At(9, 0), End: day(2025, 1, 1).At(10, 0)})
		wantErr(t, err, calendar.EINVALID, `body "nothing" does not exist`)
		if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: "bjorken", Name: "Lokal Björken"}); err == nil {
			t.Error("a write after a failed one succeeded")
		}
		return nil // goes on regardless
	})
	if err == nil || calendar.ErrorCode(err) != calendar.EINTERNAL {
		t.Errorf("InTx after a failed call = %v, want an internal error", err)
	}
	rooms, err := e.s.FindRooms(e.ctx)
	must(t, err)
	meetings, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{})
	must(t, err)
	if len(rooms)+len(meetings) != 0 {
		t.Errorf("after the failed InTx: %d rooms and %d meetings, want none", len(rooms), len(meetings))
	}
}
