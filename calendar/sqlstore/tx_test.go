package sqlstore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// importPlan writes one of everything inside tx, as an årsplan import does,
// and checks that tx sees its own writes.
func importPlan(t *testing.T, e *env, tx calendar.Store) error {
	t.Helper()
	if err := tx.CreateOrganisation(e.ctx, &calendar.Organisation{Slug: "region", Name: "Region Örebro län", Kind: calendar.OrgRegion}); err != nil {
		return err
	}
	if err := tx.CreateBody(e.ctx, &calendar.Body{Slug: "folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: calendar.BodyManagementGroup,
		Visibility: calendar.Public, Organisation: "region"}); err != nil {
		return err
	}
	if err := tx.CreatePerson(e.ctx, &calendar.Person{Key: "maria", Name: "Maria", Organisation: "region"}); err != nil {
		return err
	}
	if err := tx.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "maria", Role: calendar.RoleContactPerson}); err != nil {
		return err
	}
	if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: "eken", Name: "Lokal Eken"}); err != nil {
		return err
	}
	for i, d := range []calendar.Date{day(2025, 1, 21), day(2025, 3, 20), day(2025, 5, 22)} {
		if err := tx.CreateMeeting(e.ctx, &calendar.Meeting{Key: fmt.Sprintf("cg-%d", i), Bodies: []string{"folkhalsa"},
			Start: d.At(13, 0), End: d.At(16, 30), Room: "eken"}); err != nil {
			return err
		}
	}
	ms, err := tx.FindMeetings(e.ctx, calendar.MeetingFilter{Person: ptr("maria")})
	if err != nil {
		return err
	}
	if len(ms) != 3 {
		t.Errorf("inside the transaction: %d meetings, want 3", len(ms))
	}
	return nil
}

func testInTxCommit(t *testing.T, e *env) {
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error { return importPlan(t, e, tx) }))
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Person: ptr("maria")})
	must(t, err)
	if len(ms) != 3 {
		t.Errorf("after commit: %d meetings, want 3", len(ms))
	}
	if n := e.changeCount(); n != 8 {
		t.Errorf("after commit: %d changes, want 8", n)
	}
}

func testInTxRollback(t *testing.T, e *env) {
	stop := errors.New("the file has an error on line 12")
	err := e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := importPlan(t, e, tx); err != nil {
			return err
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("InTx returned %v, want the callback's error", err)
	}
	assertEmpty(t, e)

	// A panic rolls back too, and goes on.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		e.s.InTx(e.ctx, func(tx calendar.Store) error {
			if err := importPlan(t, e, tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	assertEmpty(t, e)

	// A failing call ends the import: the callback returns its error.
	err = e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := importPlan(t, e, tx); err != nil {
			return err
		}
		return tx.CreateMeeting(e.ctx, &calendar.Meeting{Bodies: []string{"nothing"}, Start: day(2025, 1, 1).At(9, 0), End: day(2025, 1, 1).At(10, 0)})
	})
	wantErr(t, err, calendar.EINVALID, `body "nothing" does not exist`)
	assertEmpty(t, e)

	// The transaction's Store is not to be closed.
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := tx.Close(); err == nil {
			t.Error("Close on the transaction's Store succeeded")
		}
		return nil
	}))
	must(t, e.s.Ping(e.ctx))
}

// assertEmpty fails unless nothing at all is stored.
func assertEmpty(t *testing.T, e *env) {
	t.Helper()
	orgs, err := e.s.FindOrganisations(e.ctx)
	must(t, err)
	bodies, err := e.s.FindBodies(e.ctx, calendar.BodyFilter{})
	must(t, err)
	people, err := e.s.FindPeople(e.ctx, calendar.PersonFilter{})
	must(t, err)
	ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{})
	must(t, err)
	rooms, err := e.s.FindRooms(e.ctx)
	must(t, err)
	meetings, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{})
	must(t, err)
	v, err := e.s.DataVersion(e.ctx)
	must(t, err)
	if n := len(orgs) + len(bodies) + len(people) + len(ms) + len(rooms) + len(meetings) + e.changeCount(); n != 0 || v != (calendar.DataVersion{}) {
		t.Errorf("after rollback: %d rows and data version %+v, want nothing", n, v)
	}
}

func testInTxNested(t *testing.T, e *env) {
	inner := errors.New("inner failed")
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := tx.CreateRoom(e.ctx, &calendar.Room{Slug: "a", Name: "A"}); err != nil {
			return err
		}
		if err := tx.InTx(e.ctx, func(tx2 calendar.Store) error {
			return tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "b", Name: "B"})
		}); err != nil {
			return err
		}
		err := tx.InTx(e.ctx, func(tx2 calendar.Store) error {
			if err := tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "c", Name: "C"}); err != nil {
				return err
			}
			// The nested transaction sees the outer one's writes.
			if _, err := tx2.FindRoomBySlug(e.ctx, "a"); err != nil {
				return err
			}
			return inner
		})
		if !errors.Is(err, inner) {
			t.Errorf("nested InTx returned %v, want its callback's error", err)
		}
		// The failed nested work is undone, the rest stays.
		if _, err := tx.FindRoomBySlug(e.ctx, "c"); !calendar.IsNotFound(err) {
			t.Errorf("room c after the nested rollback: %v, want not found", err)
		}
		return nil
	}))
	rooms, err := e.s.FindRooms(e.ctx)
	must(t, err)
	var slugs []string
	for _, r := range rooms {
		slugs = append(slugs, r.Slug)
	}
	if fmt.Sprint(slugs) != "[a b]" {
		t.Errorf("rooms after commit = %v, want [a b]", slugs)
	}

	// When the outer callback fails, the nested work goes too.
	err = e.s.InTx(e.ctx, func(tx calendar.Store) error {
		if err := tx.InTx(e.ctx, func(tx2 calendar.Store) error {
			return tx2.CreateRoom(e.ctx, &calendar.Room{Slug: "d", Name: "D"})
		}); err != nil {
			return err
		}
		return inner
	})
	if !errors.Is(err, inner) {
		t.Fatalf("InTx returned %v", err)
	}
	if _, err := e.s.FindRoomBySlug(e.ctx, "d"); !calendar.IsNotFound(err) {
		t.Errorf("room d after the outer rollback: %v, want not found", err)
	}
}

// testInTxFailedCall checks that a call that fails inside a transaction
// undoes only its own work and leaves the transaction usable on both
// engines (PostgreSQL aborts a transaction after a failed statement unless
// the statement ran in a savepoint).
func testInTxFailedCall(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	must(t, e.s.InTx(e.ctx, func(tx calendar.Store) error {
		s := tx.(*sqlstore.Store)
		// A statement that the database itself refuses (the store's own
		// calls check first, so they seldom get that far).
		err := sqlstore.ExecChecked(e.ctx, s, `INSERT INTO bodies (slug, name, kind, visibility, minutes_need_approval, created_at, updated_at)
			VALUES ('folkhalsa', 'X', 'working-group', 'public', $1, 0, 0)`, false)
		wantErr(t, err, calendar.ECONFLICT)
		// A call that the store refuses.
		wantErr(t, tx.CreateBody(e.ctx, &calendar.Body{Slug: "folkhalsa", Name: "X", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}), calendar.ECONFLICT)
		return tx.CreateRoom(e.ctx, &calendar.Room{Slug: "eken", Name: "Lokal Eken"})
	}))
	if _, err := e.s.FindRoomBySlug(e.ctx, "eken"); err != nil {
		t.Errorf("room created after failed calls in the same transaction: %v", err)
	}
	bodies, err := e.s.FindBodies(e.ctx, calendar.BodyFilter{})
	must(t, err)
	if len(bodies) != 1 || bodies[0].Name != "Organ folkhalsa" {
		t.Errorf("bodies = %+v, want the one created before", bodies)
	}
}

// testConcurrentWrites writes from many goroutines at once: every write must
// succeed (on SQLite, writers wait for the lock), and of several bookings of
// one room at one time exactly one may win.
func testConcurrentWrites(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.room("eken")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			d := day(2025, 1, 1).AddDays(i)
			errs <- e.s.CreateMeeting(e.ctx, &calendar.Meeting{Title: fmt.Sprintf("m%d", i), Bodies: []string{"folkhalsa"}, Start: d.At(9, 0), End: d.At(10, 0)})
		})
		wg.Go(func() {
			d := day(2025, 6, 1)
			errs <- e.s.CreateMeeting(e.ctx, &calendar.Meeting{Title: fmt.Sprintf("room%d", i), Bodies: []string{"folkhalsa"}, Start: d.At(9, 0), End: d.At(10, 0), Room: "eken"})
		})
	}
	wg.Wait()
	close(errs)
	conflicts := 0
	for err := range errs {
		switch calendar.ErrorCode(err) {
		case "":
		case calendar.ECONFLICT:
			conflicts++
		default:
			t.Errorf("concurrent write failed: %v", err)
		}
	}
	if conflicts != n-1 {
		t.Errorf("%d of %d concurrent bookings of one room at one time were refused, want %d", conflicts, n, n-1)
	}
	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{})
	must(t, err)
	if len(ms) != n+1 {
		t.Errorf("%d meetings after concurrent writes, want %d", len(ms), n+1)
	}
}
