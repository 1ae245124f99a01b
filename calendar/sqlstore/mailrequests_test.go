package sqlstore_test

import (
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestMailRequests covers what a secretary asks the email scan for
// (migration 00011): a cancellation's message, "Påminn nu" on a
// justering, and the declined proposals whose proposers are told why.
func TestMailRequests(t *testing.T) {
	runSuite(t, time.Date(2024, 9, 20, 14, 0, 0, 0, calendar.Location), []suiteCase{
		{"CancelMessage", testCancelMessage},
		{"RemindApprovers", testRemindApprovers},
		{"DeclinedProposals", testDeclinedProposals},
		{"ChangesBefore", testChangesBefore},
	})
}

// testChangesBefore pages through a body's changes, newest first.
func testChangesBefore(t *testing.T, e *env) {
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	for i := range 5 {
		e.meeting("Möte", day(2024, 10, 1+i), 9, 12, "chefsgrupp-folkhalsa")
	}
	bodies := []string{"chefsgrupp-folkhalsa"}
	var seen []int64
	f := calendar.ChangeFilter{Bodies: &bodies, Limit: 2}
	for range 10 {
		cs, err := e.s.FindChanges(e.ctx, f)
		must(t, err)
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			seen = append(seen, c.ID)
		}
		f.Before = cs[len(cs)-1].ID
	}
	if len(seen) != 6 { // the body and its five meetings
		t.Fatalf("paged through %d changes, want 6: %v", len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("pages not newest first without repeats: %v", seen)
		}
	}
}

func testCancelMessage(t *testing.T, e *env) {
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	m := e.meeting("Möte", day(2024, 10, 3), 9, 12, "chefsgrupp-folkhalsa")

	// Only a cancelled meeting has a message.
	_, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{CancelMessage: ptr("Vi ses i november.")})
	wantErr(t, err, calendar.EINVALID, "only a cancelled meeting has a cancel_message")

	st := calendar.StatusCancelled
	got, err := e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Status: &st, CancelMessage: ptr("Vi ses i november.")})
	must(t, err)
	if got.CancelMessage != "Vi ses i november." {
		t.Errorf("UpdateMeeting: CancelMessage = %q", got.CancelMessage)
	}
	read, err := e.s.FindMeetingByID(e.ctx, m.ID)
	must(t, err)
	if read.CancelMessage != "Vi ses i november." || read.Notes != "" {
		t.Errorf("read back: CancelMessage %q, Notes %q; want the message, no notes", read.CancelMessage, read.Notes)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("meeting"), EntityID: &m.ID, Limit: 1})
	must(t, err)
	if len(cs) != 1 || cs[0].Fields["cancel_message"].New != "Vi ses i november." {
		t.Errorf("recorded change = %+v, want cancel_message", cs)
	}

	// Confirmed again, the message goes with the cancellation.
	conf := calendar.StatusConfirmed
	got, err = e.s.UpdateMeeting(e.ctx, m.ID, calendar.MeetingUpdate{Status: &conf})
	must(t, err)
	if got.CancelMessage != "" {
		t.Errorf("confirmed again: CancelMessage = %q, want none", got.CancelMessage)
	}

	// Created cancelled with a message.
	c := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Status: calendar.StatusCancelled,
		Start: m.Start.AddDate(0, 1, 0), End: m.End.AddDate(0, 1, 0), CancelMessage: "Ingen lokal."}
	must(t, e.s.CreateMeeting(e.ctx, c))
	read, err = e.s.FindMeetingByID(e.ctx, c.ID)
	must(t, err)
	if read.CancelMessage != "Ingen lokal." {
		t.Errorf("created cancelled: CancelMessage = %q", read.CancelMessage)
	}
}

func testRemindApprovers(t *testing.T, e *env) {
	m := e.council("anna", "bo")
	_, _, err := e.s.RemindApprovers(e.ctx, m.ID, e.clock.Now())
	wantErr(t, err, calendar.ENOTFOUND)

	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL, Justerare: []string{"anna", "bo"}}, e.clock.Now(), 11))
	if j := e.justering(m.ID); !j.RemindRequestedAt.IsZero() {
		t.Fatalf("RemindRequestedAt = %v before any request", j.RemindRequestedAt)
	}
	pressed := e.clock.Advance(24 * time.Hour)
	j, changed, err := e.s.RemindApprovers(e.ctx, m.ID, pressed)
	must(t, err)
	if !changed {
		t.Error("first press: changed = false")
	}
	sameTime(t, "RemindRequestedAt", e.justering(m.ID).RemindRequestedAt, pressed)
	sameTime(t, "returned RemindRequestedAt", j.RemindRequestedAt, pressed)
	if c := e.lastJusteringChange(m.ID); c.Fields["remind_requested_at"].New == "" {
		t.Errorf("recorded change = %v, want remind_requested_at", c.Fields)
	}

	// A second press within the hour records nothing.
	changes := e.changeCount()
	_, changed, err = e.s.RemindApprovers(e.ctx, m.ID, e.clock.Advance(59*time.Minute))
	must(t, err)
	if changed || e.changeCount() != changes {
		t.Errorf("second press within the hour: changed %v, changes %d → %d; want nothing", changed, changes, e.changeCount())
	}
	sameTime(t, "RemindRequestedAt after the second press", e.justering(m.ID).RemindRequestedAt, pressed)
	later := e.clock.Advance(2 * time.Minute)
	if _, changed, err = e.s.RemindApprovers(e.ctx, m.ID, later); err != nil || !changed {
		t.Errorf("press after the hour: changed %v, err %v", changed, err)
	}

	// Marked again (a corrected document): the wish is gone with the
	// old marking.
	must(t, e.s.MarkMinutesReady(e.ctx, &calendar.Justering{MeetingID: m.ID, DocumentURL: minutesURL + "?v=2", Justerare: []string{"anna", "bo"}}, e.clock.Now(), 11))
	if j := e.justering(m.ID); !j.RemindRequestedAt.IsZero() {
		t.Errorf("marked again: RemindRequestedAt = %v, want zero", j.RemindRequestedAt)
	}

	// Nobody left to remind.
	e.approve(m.ID, "anna", e.clock.Now(), true)
	e.approve(m.ID, "bo", e.clock.Now(), true)
	_, _, err = e.s.RemindApprovers(e.ctx, m.ID, e.clock.Advance(2*time.Hour))
	wantErr(t, err, calendar.ECONFLICT, "approved already")
}

func testDeclinedProposals(t *testing.T, e *env) {
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	e.person("anna")
	m := e.meeting("Möte", day(2024, 10, 3), 9, 12, "chefsgrupp-folkhalsa")
	must(t, e.propose(m.ID, "anna", "Äldre förslag"))
	must(t, e.propose(m.ID, "anna", "Nytt förslag"))
	must(t, e.propose(m.ID, "anna", "Tas upp"))
	own := &calendar.AgendaItem{MeetingID: m.ID, Title: "Sekreterarens punkt"}
	must(t, e.s.CreateAgendaItem(e.ctx, own))
	items, err := e.s.FindAgendaItems(e.ctx, m.ID)
	must(t, err)
	declined := calendar.AgendaDeclined
	decline := func(a *calendar.AgendaItem, note string) {
		t.Helper()
		_, err := e.s.UpdateAgendaItem(e.ctx, a.ID, calendar.AgendaItemUpdate{Status: &declined, DeclineNote: &note})
		must(t, err)
	}
	decline(items[0], "Hanterades i augusti.")
	since := e.clock.Advance(time.Hour)
	decline(items[1], "Hör av dig till regionen.")
	accepted := calendar.AgendaAccepted
	_, err = e.s.UpdateAgendaItem(e.ctx, items[2].ID, calendar.AgendaItemUpdate{Status: &accepted})
	must(t, err)

	got, err := e.s.FindDeclinedProposals(e.ctx, since)
	must(t, err)
	if len(got) != 1 || got[0].ID != items[1].ID || got[0].DeclineNote != "Hör av dig till regionen." || got[0].SubmittedBy != "anna" {
		t.Errorf("FindDeclinedProposals(since) = %+v, want only %q with its note", got, items[1].Title)
	}
	got, err = e.s.FindDeclinedProposals(e.ctx, since.Add(-2*time.Hour))
	must(t, err)
	if len(got) != 2 || got[0].ID != items[0].ID || got[1].ID != items[1].ID {
		t.Errorf("FindDeclinedProposals(earlier) = %d items, want the two declined in id order", len(got))
	}
}
