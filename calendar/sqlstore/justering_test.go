package sqlstore_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestJustering(t *testing.T) {
	// The day of the joint council meeting of the seed protocol.
	runSuite(t, time.Date(2024, 9, 20, 14, 0, 0, 0, calendar.Location), []suiteCase{
		{"HappyPath", testJusteringHappyPath},
		{"ChairAlsoJusterare", testJusteringChairAlsoJusterare},
		{"MarkAgain", testJusteringMarkAgain},
		{"Errors", testJusteringErrors},
		{"ConcurrentApprovals", testJusteringConcurrentApprovals},
		{"MeetingAndPeople", testJusteringMeetingAndPeople},
	})
}

const minutesURL = "https://www.regionorebrolan.se/protokoll/2024-09-20.pdf"

// council creates a council whose minutes are justerade, a management
// group whose notes are not, the people, and a joint meeting of both on
// 2024-09-20 09–12.
func (e *env) council(people ...string) *calendar.Meeting {
	e.t.Helper()
	must(e.t, e.s.CreateBody(e.ctx, &calendar.Body{Slug: "specifikt-rad-folkhalsa", Name: "Specifikt samverkansråd för folkhälsa",
		Kind: calendar.BodySpecificCouncil, Visibility: calendar.Public, MinutesNeedApproval: true}))
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	for _, p := range people {
		e.person(p)
	}
	return e.meeting("Gemensamt möte", day(2024, 9, 20), 9, 12, "specifikt-rad-folkhalsa", "chefsgrupp-folkhalsa")
}

// justeringText is j in one line, for comparing whole justeringar.
func justeringText(j *calendar.Justering) string {
	var as []string
	for _, a := range j.Approvals {
		at := "-"
		if !a.ApprovedAt.IsZero() {
			at = a.ApprovedAt.Format(time.RFC3339)
		}
		as = append(as, fmt.Sprintf("%s/%s/%s", a.Person, a.Role, at))
	}
	return fmt.Sprintf("meeting %d doc %s justerare %v chair %q deadline %s ready %s approvals [%s] approved %q updated %s",
		j.MeetingID, j.DocumentURL, j.Justerare, j.Chair, j.Deadline, j.ReadyAt.Format(time.RFC3339),
		strings.Join(as, " "), j.ApprovedOn, j.UpdatedAt.Format(time.RFC3339))
}

func (e *env) justering(meetingID int64) *calendar.Justering {
	e.t.Helper()
	j, err := e.s.FindJustering(e.ctx, meetingID)
	must(e.t, err)
	return j
}

// approve approves and fails unless changed is as wanted.
func (e *env) approve(meetingID int64, person string, at time.Time, wantChanged bool) *calendar.Justering {
	e.t.Helper()
	j, changed, err := e.s.ApproveMinutes(e.ctx, meetingID, person, at)
	must(e.t, err)
	if changed != wantChanged {
		e.t.Errorf("ApproveMinutes(%s) changed = %v, want %v", person, changed, wantChanged)
	}
	return j
}

// lastJusteringChange returns the newest change of the meeting's justering.
func (e *env) lastJusteringChange(meetingID int64) *calendar.Change {
	e.t.Helper()
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("justering"), EntityID: &meetingID, Limit: 1})
	must(e.t, err)
	if len(cs) == 0 {
		e.t.Fatalf("no justering change recorded for meeting %d", meetingID)
	}
	return cs[0]
}

func pendingMeetings(t *testing.T, e *env, pending bool) []int64 {
	t.Helper()
	js, err := e.s.FindJusteringar(e.ctx, pending)
	must(t, err)
	var ids []int64
	for _, j := range js {
		ids = append(ids, j.MeetingID)
	}
	return ids
}

func testJusteringHappyPath(t *testing.T, e *env) {
	m := e.council("anna", "bo", "cecilia")
	ready := e.clock.Now()
	before := e.dataVersion()
	j := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"bo", "anna"}, Chair: "cecilia"}
	must(t, e.s.MarkMinutesReady(e.ctx, j, ready, 11))
	want := fmt.Sprintf("meeting %d doc %s justerare [bo anna] chair \"cecilia\" deadline 2024-10-01 ready %s "+
		"approvals [bo/justerare/- anna/justerare/- cecilia/ordforande/-] approved \"\" updated %s",
		m.ID, minutesURL, ready.Format(time.RFC3339), ready.Format(time.RFC3339))
	if got := justeringText(j); got != want {
		t.Errorf("MarkMinutesReady set\n got %s\nwant %s", got, want)
	}
	if got := justeringText(e.justering(m.ID)); got != want {
		t.Errorf("FindJustering\n got %s\nwant %s", got, want)
	}
	if v := e.dataVersion(); v == before {
		t.Error("marking the minutes ready did not move DataVersion")
	}
	c := e.lastJusteringChange(m.ID)
	if c.Action != calendar.ActionCreate || c.Fields["justerare"].New != "bo,anna" || c.Fields["deadline"].New != "2024-10-01" {
		t.Errorf("recorded change = %s %v", c.Action, c.Fields)
	}
	if got := j.StatusText(); got != "Protokollet väntar på justering (3 underskrifter saknas)" {
		t.Errorf("StatusText = %q", got)
	}
	if got := pendingMeetings(t, e, true); !slices.Equal(got, []int64{m.ID}) {
		t.Errorf("pending justeringar = %v, want [%d]", got, m.ID)
	}

	// Anna approves the next day, twice: the second changes nothing.
	first := e.clock.Advance(24 * time.Hour)
	got := e.approve(m.ID, "anna", first, true)
	if p := got.Pending(); !slices.Equal(p, []string{"bo", "cecilia"}) || got.Approved() {
		t.Errorf("after anna: pending %v, approved %v; want [bo cecilia], false", p, got.Approved())
	}
	sameTime(t, "anna's ApprovedAt", got.Approvals[1].ApprovedAt, first)
	if c := e.lastJusteringChange(m.ID); c.Fields["approved"] != (calendar.FieldChange{Old: "", New: "anna"}) {
		t.Errorf("recorded approval = %v", c.Fields)
	}
	changes := e.changeCount()
	v := e.dataVersion()
	e.clock.Advance(time.Hour)
	again := e.approve(m.ID, "anna", e.clock.Now(), false)
	sameTime(t, "anna's ApprovedAt after approving again", again.Approvals[1].ApprovedAt, first)
	if n := e.changeCount(); n != changes || e.dataVersion() != v {
		t.Errorf("a second approval recorded %d changes", n-changes)
	}

	e.approve(m.ID, "bo", e.clock.Advance(time.Hour), true)
	// The chair signs last, on 1 October (the seed's "Justerat den: 2024-10-01").
	last := time.Date(2024, 10, 1, 8, 30, 0, 0, calendar.Location)
	e.clock.Advance(last.Sub(e.clock.Now()))
	v = e.dataVersion()
	done := e.approve(m.ID, "cecilia", last, true)
	if !done.Approved() || done.ApprovedOn != day(2024, 10, 1) || len(done.Pending()) != 0 {
		t.Errorf("after the last approval: approved %v on %s, pending %v; want approved on 2024-10-01", done.Approved(), done.ApprovedOn, done.Pending())
	}
	if s := done.StatusText(); s != "Justerat den 2024-10-01 via e-post" {
		t.Errorf("StatusText = %q", s)
	}
	if got := justeringText(e.justering(m.ID)); got != justeringText(done) {
		t.Errorf("stored justering\n got %s\nwant %s", got, justeringText(done))
	}
	if e.dataVersion() == v {
		t.Error("the last approval did not move DataVersion")
	}
	if c := e.lastJusteringChange(m.ID); c.Fields["approved_on"].New != "2024-10-01" || c.Fields["approved"].New != "bo,anna,cecilia" {
		t.Errorf("recorded last approval = %v", c.Fields)
	}
	if got := pendingMeetings(t, e, true); len(got) != 0 {
		t.Errorf("pending justeringar after approval = %v, want none", got)
	}
	if got := pendingMeetings(t, e, false); !slices.Equal(got, []int64{m.ID}) {
		t.Errorf("all justeringar = %v, want [%d]", got, m.ID)
	}
	// By meeting: a feed asks for its meetings' justeringar only.
	other := e.meeting("Utan protokoll", day(2024, 9, 27), 9, 12, "chefsgrupp-folkhalsa")
	of, err := e.s.FindJusteringarOf(e.ctx, []int64{other.ID, m.ID, m.ID + 1000})
	must(t, err)
	if len(of) != 1 || of[m.ID] == nil || justeringText(of[m.ID]) != justeringText(done) {
		t.Errorf("FindJusteringarOf = %v, want only meeting %d's, approved", of, m.ID)
	}
	// An approval after the end changes nothing either.
	e.approve(m.ID, "bo", e.clock.Now(), false)

	// Once anyone approved, the marking stands.
	err = e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL + "?v=2", Justerare: []string{"bo"}}, e.clock.Now(), 11)
	wantErr(t, err, calendar.ECONFLICT, "cannot be marked ready again", "bo, anna, cecilia already approved")
}

func testJusteringChairAlsoJusterare(t *testing.T, e *env) {
	m := e.council("anna", "cecilia")
	j := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"cecilia", "anna"}, Chair: "cecilia",
		Deadline: day(2024, 10, 4)}
	must(t, e.s.MarkMinutesReady(e.ctx, j, e.clock.Now(), 11))
	if len(j.Approvals) != 2 || j.Approvals[0] != (calendar.Approval{Person: "cecilia", Role: calendar.ApproverJusterare}) ||
		j.Approvals[1].Person != "anna" || j.Deadline != day(2024, 10, 4) {
		t.Fatalf("approvals %+v, deadline %s; want cecilia as justerare once, then anna, and the given deadline", j.Approvals, j.Deadline)
	}
	if got := e.justering(m.ID); got.Chair != "cecilia" || !slices.Equal(got.Justerare, []string{"cecilia", "anna"}) || len(got.Approvals) != 2 {
		t.Errorf("stored: chair %q, justerare %v, %d approvals", got.Chair, got.Justerare, len(got.Approvals))
	}
	got := e.approve(m.ID, "cecilia", e.clock.Advance(time.Hour), true)
	if p := got.Pending(); !slices.Equal(p, []string{"anna"}) {
		t.Errorf("after the chair: pending %v, want [anna]", p)
	}
	if got := e.approve(m.ID, "anna", e.clock.Advance(time.Hour), true); got.ApprovedOn != day(2024, 9, 20) {
		t.Errorf("ApprovedOn = %s, want 2024-09-20", got.ApprovedOn)
	}
}

func testJusteringMarkAgain(t *testing.T, e *env) {
	m := e.council("anna", "bo", "cecilia")
	first := e.clock.Now()
	j := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna"}, Chair: "cecilia"}
	must(t, e.s.MarkMinutesReady(e.ctx, j, first, 11))

	// The same marking again (a retried request) changes nothing.
	changes := e.changeCount()
	e.clock.Advance(time.Hour)
	same := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna"}, Chair: "cecilia"}
	must(t, e.s.MarkMinutesReady(e.ctx, same, e.clock.Now(), 11))
	if n := e.changeCount(); n != changes {
		t.Errorf("the same marking again recorded %d changes", n-changes)
	}
	sameTime(t, "ReadyAt after the same marking", same.ReadyAt, first)

	// A corrected document and another justerare replace the marking.
	now := e.clock.Advance(time.Hour)
	fixed := &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL + "?rev=2", Justerare: []string{"bo"}, Chair: "cecilia"}
	must(t, e.s.MarkMinutesReady(e.ctx, fixed, now, 14))
	got := e.justering(m.ID)
	if got.DocumentURL != fixed.DocumentURL || !slices.Equal(got.Justerare, []string{"bo"}) || len(got.Approvals) != 2 ||
		got.Approvals[0].Person != "bo" || got.Approvals[1].Person != "cecilia" || got.Deadline != day(2024, 10, 4) {
		t.Errorf("after marking again: %s", justeringText(got))
	}
	sameTime(t, "ReadyAt after marking again", got.ReadyAt, now)
	c := e.lastJusteringChange(m.ID)
	if c.Action != calendar.ActionUpdate || c.Fields["justerare"] != (calendar.FieldChange{Old: "anna", New: "bo"}) || c.Fields["deadline"].New != "2024-10-04" {
		t.Errorf("recorded change = %s %v", c.Action, c.Fields)
	}
	_, _, err := e.s.ApproveMinutes(e.ctx, m.ID, "anna", now)
	wantErr(t, err, calendar.EINVALID, `"anna" does not approve the minutes`, "the approvers are bo, cecilia")

	// Dropping the chair removes the chair's approval.
	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"bo"}}, now, 14))
	if got := e.justering(m.ID); got.Chair != "" || len(got.Approvals) != 1 {
		t.Errorf("without a chair: %s", justeringText(got))
	}
}

func testJusteringErrors(t *testing.T, e *env) {
	m := e.council("anna", "cecilia")
	notes := e.meeting("Chefsgruppen", day(2024, 9, 24), 13, 16, "chefsgrupp-folkhalsa")
	event := e.meeting("Uppföljningsdag", day(2024, 9, 25), 9, 16)
	now := e.clock.Now()
	valid := func(meetingID int64) *calendar.Justering {
		return &calendar.Justering{MeetingID: meetingID, DocumentURL: minutesURL, Justerare: []string{"anna"}, Chair: "cecilia"}
	}
	for _, tc := range []struct {
		name string
		j    *calendar.Justering
		days int
		code string
		want []string
	}{
		{"unknown meeting", valid(999), 11, calendar.ENOTFOUND, []string{"meeting 999 does not exist"}},
		{"notes need no approval", valid(notes.ID), 11, calendar.EINVALID, []string{"need no approval", "chefsgrupp-folkhalsa"}},
		{"event without a body", valid(event.ID), 11, calendar.EINVALID, []string{"belongs to no body"}},
		{"unknown people", &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna", "okand"}, Chair: "ingen"},
			11, calendar.EINVALID, []string{`justerare "okand" is not a person`, "(and 1 more problems)"}},
		{"no justerare", &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL}, 11, calendar.EINVALID, []string{"at least one justerare"}},
		{"not a link", &calendar.Justering{MeetingID: m.ID, DocumentURL: "protokoll.pdf", Justerare: []string{"anna"}}, 11, calendar.EINVALID, []string{"document_url"}},
		{"negative days", valid(m.ID), -1, calendar.EINVALID, []string{"must not be negative"}},
		{"deadline before the meeting", &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna"},
			Deadline: day(2024, 9, 19)}, 11, calendar.EINVALID, []string{"deadline 2024-09-19 is before the meeting (2024-09-20)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, e.s.MarkMinutesReady(e.ctx, tc.j, now, tc.days), tc.code, tc.want...)
		})
	}
	err := e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna", "okand"}, Chair: "ingen"}, now, 11)
	var ce *calendar.Error
	if !errors.As(err, &ce) || !slices.Equal(ce.Details, []string{
		`justerare "okand" is not a person in Samkal; use the person key`,
		`chair "ingen" is not a person in Samkal; use the person key`}) {
		t.Errorf("unknown people: details %v", err)
	}
	wantErr(t, e.s.MarkMinutesReady(e.ctx, valid(m.ID), time.Time{}, 11), calendar.EINVALID, "time they became ready")
	if got := pendingMeetings(t, e, false); len(got) != 0 {
		t.Errorf("failed markings stored justeringar for meetings %v", got)
	}

	_, err = e.s.FindJustering(e.ctx, m.ID)
	wantErr(t, err, calendar.ENOTFOUND, fmt.Sprintf("the minutes of meeting %d have not been marked ready", m.ID))
	_, _, err = e.s.ApproveMinutes(e.ctx, m.ID, "anna", now)
	wantErr(t, err, calendar.ENOTFOUND, "have not been marked ready")
	_, _, err = e.s.ApproveMinutes(e.ctx, 999, "anna", now)
	wantErr(t, err, calendar.ENOTFOUND, "meeting 999 does not exist")

	must(t, e.s.MarkMinutesReady(e.ctx, valid(m.ID), now, 11))
	_, _, err = e.s.ApproveMinutes(e.ctx, m.ID, "bo", now)
	wantErr(t, err, calendar.EINVALID, `"bo" does not approve the minutes`, "the approvers are anna, cecilia")
	_, _, err = e.s.ApproveMinutes(e.ctx, m.ID, "anna", time.Time{})
	wantErr(t, err, calendar.EINVALID, "time it was given")
	if p := e.justering(m.ID).Pending(); len(p) != 2 {
		t.Errorf("refused approvals left pending %v, want both", p)
	}
}

// testJusteringConcurrentApprovals has every approver approve at once: each
// approval must count, and exactly the last one must close the justering.
func testJusteringConcurrentApprovals(t *testing.T, e *env) {
	people := []string{"anna", "bo", "cecilia", "david", "eva", "filip"}
	m := e.council(people...)
	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: people[:5], Chair: "filip"},
		e.clock.Now(), 11))
	now := e.clock.Advance(time.Hour)
	changed := make([]bool, len(people))
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, p := range people {
		wg.Go(func() {
			<-start
			_, changed[i], errs[i] = e.s.ApproveMinutes(e.ctx, m.ID, p, now)
		})
	}
	close(start)
	wg.Wait()
	for i, p := range people {
		if errs[i] != nil || !changed[i] {
			t.Errorf("concurrent approval by %s: changed %v, %v; want true, nil", p, changed[i], errs[i])
		}
	}
	j := e.justering(m.ID)
	if !j.Approved() || j.ApprovedOn != day(2024, 9, 20) || len(j.Pending()) != 0 {
		t.Errorf("after concurrent approvals: %s", justeringText(j))
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("justering"), EntityID: &m.ID})
	must(t, err)
	closing := 0
	for _, c := range cs {
		if c.Fields["approved_on"].New != "" {
			closing++
		}
	}
	if len(cs) != len(people)+1 || closing != 1 {
		t.Errorf("recorded %d justering changes, %d of them closing it; want %d and 1", len(cs), closing, len(people)+1)
	}
}

func testJusteringMeetingAndPeople(t *testing.T, e *env) {
	m := e.council("anna", "cecilia", "bo")
	later := e.meeting("Rådet i oktober", day(2024, 10, 18), 9, 12, "specifikt-rad-folkhalsa")
	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: later.ID, DocumentURL: minutesURL, Justerare: []string{"bo"}}, e.clock.Now(), 11))
	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna"}, Chair: "cecilia"}, e.clock.Now(), 11))
	if got := pendingMeetings(t, e, true); !slices.Equal(got, []int64{m.ID, later.ID}) {
		t.Errorf("pending justeringar = %v, want [%d %d] (by meeting id)", got, m.ID, later.ID)
	}

	// An approver, the chair included, cannot be deleted from under the
	// minutes; someone else can.
	wantErr(t, e.s.DeletePerson(e.ctx, "anna"), calendar.ECONFLICT, `person "anna" is still in use`)
	wantErr(t, e.s.DeletePerson(e.ctx, "cecilia"), calendar.ECONFLICT, `person "cecilia" is still in use`)
	e.person("david")
	must(t, e.s.DeletePerson(e.ctx, "david"))

	// The justering goes with its meeting.
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	_, err := e.s.FindJustering(e.ctx, m.ID)
	wantErr(t, err, calendar.ENOTFOUND)
	if got := pendingMeetings(t, e, false); !slices.Equal(got, []int64{later.ID}) {
		t.Errorf("justeringar after deleting the meeting = %v, want [%d]", got, later.ID)
	}
	must(t, e.s.DeletePerson(e.ctx, "anna"))
}
