package sqlstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestForhinder(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 7, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"CallsInErsattareInOrder", testForhinderCallIn},
		{"Errors", testForhinderErrors},
		{"MeetingsWithForhinder", testForhinderMeetings},
	})
}

// forhinderMeeting makes a body with ledamöter anna and bo, ersättare
// eva (since 2024) and cia (since 2025, so after eva), a guest and a
// meeting on 2025-01-21.
func (e *env) forhinderMeeting() *calendar.Meeting {
	e.t.Helper()
	e.body("rad", calendar.Public)
	for _, x := range []struct {
		key  string
		role calendar.Role
		from calendar.Date
	}{
		{"anna", calendar.RoleMember, day(2024, 1, 1)},
		{"bo", calendar.RoleMember, day(2024, 1, 1)},
		{"cia", calendar.RoleSubstitute, day(2025, 1, 1)},
		{"eva", calendar.RoleSubstitute, day(2024, 1, 1)},
		{"gast", calendar.RoleGuest, day(2024, 1, 1)},
	} {
		e.person(x.key)
		must(e.t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "rad", Person: x.key, Role: x.role, From: x.from}))
	}
	return e.meeting("Rådet", day(2025, 1, 21), 13, 16, "rad")
}

func (e *env) report(meetingID int64, person, msg string) *calendar.Forhinder {
	e.t.Helper()
	f, err := e.s.ReportForhinder(e.ctx, meetingID, person, msg)
	must(e.t, err)
	return f
}

// forhinderState is the meeting's förhinder as "person>substitute" for
// those that hold, and "-person" for the withdrawn, oldest first.
func (e *env) forhinderState(meetingID int64) string {
	e.t.Helper()
	fs, err := e.s.FindForhinder(e.ctx, meetingID)
	must(e.t, err)
	var out []string
	for _, f := range fs {
		if !f.Active() {
			out = append(out, "-"+f.Person)
			continue
		}
		out = append(out, f.Person+">"+f.Substitute)
	}
	return strings.Join(out, " ")
}

func testForhinderCallIn(t *testing.T, e *env) {
	m := e.forhinderMeeting()
	a := e.report(m.ID, "anna", "Jag är på tjänsteresa.")
	if a.Substitute != "eva" || a.Message != "Jag är på tjänsteresa." || !a.Active() {
		t.Fatalf("anna's förhinder = %+v, want eva called in (the longest-serving ersättare)", a)
	}
	e.report(m.ID, "bo", "")
	if got, want := e.forhinderState(m.ID), "anna>eva bo>cia"; got != want {
		t.Fatalf("after bo: %q, want %q", got, want)
	}
	// Given again, only the message changes.
	again := e.report(m.ID, "anna", "Sjuk")
	if again.ID != a.ID || again.Message != "Sjuk" || again.Substitute != "eva" {
		t.Fatalf("anna again = %+v, want the same förhinder (id %d) with the new message", again, a.ID)
	}
	// Withdrawn: the row stays with its substitute, as a record.
	e.clock.Advance(time.Hour)
	w, err := e.s.WithdrawForhinder(e.ctx, m.ID, "anna")
	must(t, err)
	if w.WithdrawnAt.IsZero() || w.Substitute != "eva" {
		t.Fatalf("withdrawn = %+v, want WithdrawnAt set and eva kept", w)
	}
	// An ersättare's own förhinder calls no one in; cia, called in for bo,
	// gives one and bo is left without (eva is free, but has förhinder).
	e.report(m.ID, "eva", "Tandläkare")
	e.report(m.ID, "cia", "")
	if got, want := e.forhinderState(m.ID), "-anna bo> eva> cia>"; got != want {
		t.Fatalf("after the ersättare's förhinder: %q, want %q", got, want)
	}
	// eva can come after all: she is called in for bo.
	_, err = e.s.WithdrawForhinder(e.ctx, m.ID, "eva")
	must(t, err)
	if got, want := e.forhinderState(m.ID), "-anna bo>eva -eva cia>"; got != want {
		t.Fatalf("after eva withdrew: %q, want %q", got, want)
	}
	// anna again: a new förhinder, and no ersättare is free.
	b := e.report(m.ID, "anna", "")
	if b.ID == a.ID || b.Substitute != "" {
		t.Fatalf("anna's new förhinder = %+v, want a new row (not %d) without substitute", b, a.ID)
	}
	// Eva's data: her own förhinder with its message, and the two she was
	// called in for, without their messages.
	x, err := e.s.ExportPerson(e.ctx, "eva")
	must(t, err)
	var got []string
	for _, f := range x.Forhinder {
		got = append(got, fmt.Sprintf("%v:%q:%v", f.StoodIn, f.Message, f.Withdrawn.IsZero()))
	}
	if want := `true:"":false true:"":true false:"Tandläkare":false`; strings.Join(got, " ") != want {
		t.Errorf("Eva's exported förhinder = %q, want %q", strings.Join(got, " "), want)
	}
	// The guest is not called, and a withdrawn förhinder is not withdrawn again.
	_, err = e.s.ReportForhinder(e.ctx, m.ID, "gast", "")
	wantErr(t, err, calendar.EINVALID, "not called")
	_, err = e.s.WithdrawForhinder(e.ctx, m.ID, "eva")
	wantErr(t, err, calendar.ENOTFOUND)
}

func testForhinderErrors(t *testing.T, e *env) {
	m := e.forhinderMeeting()
	_, err := e.s.ReportForhinder(e.ctx, m.ID+100, "anna", "")
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.ReportForhinder(e.ctx, m.ID, "nobody", "")
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.ReportForhinder(e.ctx, m.ID, "anna", strings.Repeat("x", 10001))
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.ReportForhinder(e.ctx, m.ID, "anna", "a\x00b")
	wantErr(t, err, calendar.EINVALID)
	e.report(m.ID, "anna", "")
	// Once the meeting has started, nothing changes.
	e.clock.now = m.Start
	_, err = e.s.ReportForhinder(e.ctx, m.ID, "bo", "")
	wantErr(t, err, calendar.EINVALID, "started")
	_, err = e.s.WithdrawForhinder(e.ctx, m.ID, "anna")
	wantErr(t, err, calendar.EINVALID, "started")
	if got := e.forhinderState(m.ID); got != "anna>eva" {
		t.Fatalf("state = %q, want anna>eva unchanged", got)
	}
}

func testForhinderMeetings(t *testing.T, e *env) {
	m := e.forhinderMeeting()
	later := e.meeting("Rådet igen", day(2025, 3, 4), 13, 16, "rad")
	without := e.meeting("Utan förhinder", day(2025, 3, 5), 13, 16, "rad")
	e.report(m.ID, "anna", "")
	e.report(later.ID, "bo", "")
	e.report(later.ID, "anna", "")
	// By meeting, as the email scan reads its window: each meeting's own,
	// oldest first, and none for a meeting without.
	of, err := e.s.FindForhinderOf(e.ctx, []int64{m.ID, later.ID, without.ID})
	must(t, err)
	people := func(fs []*calendar.Forhinder) (out []string) {
		for _, f := range fs {
			out = append(out, f.Person)
		}
		return out
	}
	if len(of) != 2 || !slices.Equal(people(of[m.ID]), []string{"anna"}) || !slices.Equal(people(of[later.ID]), []string{"bo", "anna"}) {
		t.Errorf("FindForhinderOf = %v, want anna's for the first meeting, bo's and anna's for the later", of)
	}
	ids, err := e.s.FindForhinderMeetings(e.ctx, day(2025, 2, 1).Start())
	must(t, err)
	if len(ids) != 1 || ids[0] != later.ID {
		t.Fatalf("meetings after 1 February with förhinder = %v, want [%d]", ids, later.ID)
	}
	// Deleting the meeting deletes its förhinder.
	must(t, e.s.DeleteMeeting(e.ctx, later.ID))
	if got := e.forhinderState(later.ID); got != "" {
		t.Fatalf("förhinder of a deleted meeting = %q, want none", got)
	}
}
