package sqlstore_test

import (
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestMailControl(t *testing.T) {
	runSuite(t, time.Date(2026, 2, 2, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"SetAndFind", testMailControlSetAndFind},
		{"Invalid", testMailControlInvalid},
		{"BodyRelease", testBodyMailRelease},
	})
}

func testMailControlSetAndFind(t *testing.T, e *env) {
	e.body("rad", calendar.Public)
	anna := e.person("anna")
	m := e.meeting("Råd", day(2026, 3, 24), 13, 15, "rad")
	other := e.meeting("Annat", day(2026, 4, 24), 13, 15, "rad")
	cs, err := e.s.FindMailControls(e.ctx, m.ID)
	must(t, err)
	if len(cs) != 0 {
		t.Fatalf("FindMailControls before any choice = %d rows, want 0", len(cs))
	}
	ctx := calendar.WithActor(e.ctx, calendar.Actor{PersonID: anna.ID, Via: "session"})
	must(t, e.s.SetMailControl(ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailCall, State: calendar.MailHeld}))
	e.clock.Advance(time.Hour)
	c := &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailNotice, State: calendar.MailReleased, Message: "Välkomna!\r\nTa med kaffe."}
	must(t, e.s.SetMailControl(ctx, c))
	if c.ChangedBy != "anna" || !c.ChangedAt.Equal(e.clock.Now()) || c.Message != "Välkomna!\nTa med kaffe." {
		t.Errorf("SetMailControl set by %q at %v message %q, want anna at %v, newlines normalized", c.ChangedBy, c.ChangedAt, c.Message, e.clock.Now())
	}
	must(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: other.ID, Letter: calendar.MailNotice, State: calendar.MailNow}))
	// Replacing: held → now.
	must(t, e.s.SetMailControl(ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailCall, State: calendar.MailNow}))

	cs, err = e.s.FindMailControls(e.ctx, m.ID)
	must(t, err)
	var got []string
	for _, c := range cs {
		got = append(got, string(c.Letter)+"="+string(c.State)+"/"+c.ChangedBy)
	}
	if want := "call=now/anna notice=released/anna"; join(got) != want {
		t.Errorf("FindMailControls(m) = %s, want %s", join(got), want)
	}
	all, err := e.s.FindMailControls(e.ctx)
	must(t, err)
	if len(all) != 3 {
		t.Errorf("FindMailControls() = %d rows, want 3", len(all))
	}

	// Each choice is a change of the meeting, made by the actor.
	ch, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID, Limit: 1})
	must(t, err)
	if f := ch[0].Fields["mail_call"]; f.Old != "held" || f.New != "now" || ch[0].Actor.Person != "anna" {
		t.Errorf("latest change = %+v by %q, want mail_call held → now by anna", ch[0].Fields, ch[0].Actor.Person)
	}
	// The same choice again records nothing.
	n := e.changeCount()
	must(t, e.s.SetMailControl(ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailCall, State: calendar.MailNow}))
	if e.changeCount() != n {
		t.Error("setting the same choice again recorded a change")
	}
	// The rows go with their meeting.
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	cs, err = e.s.FindMailControls(e.ctx, m.ID)
	must(t, err)
	if len(cs) != 0 {
		t.Errorf("after deleting the meeting: %d rows, want 0", len(cs))
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func testMailControlInvalid(t *testing.T, e *env) {
	e.body("rad", calendar.Public)
	m := e.meeting("Råd", day(2026, 3, 24), 13, 15, "rad")
	wantErr(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: m.ID, Letter: "digest", State: calendar.MailHeld}), calendar.EINVALID, "letter")
	wantErr(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailCall, State: "later"}), calendar.EINVALID, "state")
	wantErr(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailCall, State: calendar.MailHeld, Message: "Hej"}), calendar.EINVALID, "message")
	wantErr(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: m.ID, Letter: calendar.MailNotice, State: calendar.MailHeld, Message: "a\u202eb"}), calendar.EINVALID)
	wantErr(t, e.s.SetMailControl(e.ctx, &calendar.MailControl{MeetingID: m.ID + 100, Letter: calendar.MailNotice, State: calendar.MailHeld}), calendar.ENOTFOUND)
}

func testBodyMailRelease(t *testing.T, e *env) {
	b := e.body("rad", calendar.Public)
	if b.MailRelease != "" {
		t.Fatalf("new body MailRelease = %q, want \"\"", b.MailRelease)
	}
	manual := calendar.MailReleaseManual
	got, err := e.s.UpdateBody(e.ctx, "rad", calendar.BodyUpdate{MailRelease: &manual})
	must(t, err)
	read, err := e.s.FindBodyBySlug(e.ctx, "rad")
	must(t, err)
	if got.MailRelease != manual || read.MailRelease != manual {
		t.Errorf("after update MailRelease = %q, read back %q, want manual", got.MailRelease, read.MailRelease)
	}
	ch, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("body"), EntityID: &b.ID, Limit: 1})
	must(t, err)
	if f := ch[0].Fields["mail_release"]; f.New != "manual" {
		t.Errorf("recorded mail_release = %+v, want → manual", f)
	}
	bad := calendar.MailRelease("sometimes")
	_, err = e.s.UpdateBody(e.ctx, "rad", calendar.BodyUpdate{MailRelease: &bad})
	wantErr(t, err, calendar.EINVALID, "mail_release")
}
