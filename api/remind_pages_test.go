package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestRemindNowPage: "Påminn nu" on the justering page records the wish
// with the secretary in the record of changes and asks notify for a pass
// (MailRequested), once; a second press within the hour records nothing
// and says that a reminder was just asked for. Only a keeper may press,
// and only while approvals are missing.
func TestRemindNowPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		var asked atomic.Int32
		e := newEnv(t, open, func(o *api.Options) { o.MailRequested = func() { asked.Add(1) } })
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		seed(t, e)
		c := seedCouncil(t, e)
		ctx := context.Background()
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
		maria := sessionOf(t, e, "maria-lindborg")
		path := fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID)
		remind := path + "/paminn"

		// Not marked ready: nothing to remind of.
		if page := wantHTML(t, e.get(path, maria), http.StatusOK); strings.Contains(page, "Påminn nu") {
			t.Error("minutes not marked ready offer Påminn nu")
		}
		if r := e.postForm(remind, nil, maria); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
			t.Errorf("press before marking: %d to %q, want 303 to the page", r.StatusCode, r.Header.Get("Location"))
		}

		must(t, e.store.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: c.meeting.ID, DocumentURL: protocolURL,
			Justerare: []string{"siw-lunander"}, Chair: "behcet-barsom"}, e.clock.Now(), 14))
		wantHTML(t, e.get(path, maria), http.StatusOK, `<form method="post" action="`+remind+`">`,
			`<button class="button secondary" id="paminn" type="submit" aria-describedby="paminn-tips">Påminn nu</button>`)

		// Another body's secretary may not press.
		grant(t, e, "anna-berg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
		if r := e.postForm(remind, nil, sessionOf(t, e, "anna-berg")); r.StatusCode != http.StatusForbidden {
			t.Errorf("press by another body's secretary: %d, want 403", r.StatusCode)
		}
		if asked.Load() != 0 {
			t.Fatalf("MailRequested called %d times before any press that counts", asked.Load())
		}

		// Maria presses at 09.00.
		pressed := e.clock.Now()
		r := e.postForm(remind, nil, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?klart=paminnelse" {
			t.Fatalf("press: %d to %q, want 303 to ?klart=paminnelse", r.StatusCode, r.Header.Get("Location"))
		}
		if asked.Load() != 1 {
			t.Errorf("MailRequested called %d times after the press, want 1", asked.Load())
		}
		j, err := e.store.FindJustering(ctx, c.meeting.ID)
		must(t, err)
		if !j.RemindRequestedAt.Equal(pressed) {
			t.Errorf("RemindRequestedAt = %v, want %v", j.RemindRequestedAt, pressed)
		}
		entity := "justering"
		cs, err := e.store.FindChanges(ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &c.meeting.ID, Limit: 1})
		must(t, err)
		if len(cs) != 1 || cs[0].Fields["remind_requested_at"].New == "" || cs[0].Actor.Person != "maria-lindborg" {
			t.Errorf("recorded change = %+v, want remind_requested_at by maria-lindborg", cs)
		}
		wantHTML(t, e.get(path+"?klart=paminnelse", maria), http.StatusOK,
			`<div class="confirmation" role="status"><p>Samkal skickar nu en påminnelse till dem som inte har justerat.</p></div>`,
			"Senast du bad om en påminnelse: 2025-01-10 09.00.")

		// Again 20 minutes later: nothing recorded, and the page says why.
		e.clock.Set(pressed.Add(20 * time.Minute))
		maria = sessionOf(t, e, "maria-lindborg")
		r = e.postForm(remind, nil, maria)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?klart=paminnelse-nyss" {
			t.Fatalf("second press: %d to %q, want 303 to ?klart=paminnelse-nyss", r.StatusCode, r.Header.Get("Location"))
		}
		if asked.Load() != 1 {
			t.Errorf("MailRequested called %d times after the second press, want still 1", asked.Load())
		}
		wantHTML(t, e.get(path+"?klart=paminnelse-nyss", maria), http.StatusOK,
			"En påminnelse skickades nyss, 2025-01-10 09.00. Du kan påminna igen från kl. 10.00.")

		// Cancelling a meeting asks for a pass too: the cancellation
		// letter, with the message, need not wait for the schedule.
		cancel := fmt.Sprintf("/mina-organ/moten/%d/installa", c.second.ID)
		if r := e.postForm(cancel, url.Values{"meddelande": {"Lokalen är stängd."}}, maria); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", r.StatusCode)
		}
		if asked.Load() != 2 {
			t.Errorf("MailRequested called %d times after the cancellation, want 2", asked.Load())
		}
		m, err := e.store.FindMeetingByID(ctx, c.second.ID)
		must(t, err)
		if m.Status != calendar.StatusCancelled || m.CancelMessage != "Lokalen är stängd." || m.Notes != "" {
			t.Errorf("cancelled: %s, message %q, notes %q", m.Status, m.CancelMessage, m.Notes)
		}
	})
}

// TestCancelMessageAPI: the cancel path of the API (PATCH with status
// cancelled) takes cancel_message; a meeting not cancelled has none; the
// message is internal, absent for the public.
func TestCancelMessageAPI(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	path := fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[3].ID)
	r := e.do(req{method: http.MethodPatch, path: path, body: `{"cancel_message":"Vi ses i september."}`, admin: true})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.text(), "only a cancelled meeting has a cancel_message") {
		t.Errorf("a message without cancelling: %d %s", r.StatusCode, r.body)
	}
	got := decode[map[string]any](t, e.write(http.MethodPatch, path, `{"status":"cancelled","cancel_message":"Vi ses i september."}`, http.StatusOK))
	if got["cancel_message"] != "Vi ses i september." || got["status"] != "cancelled" {
		t.Errorf("PATCH answered cancel_message %v, status %v", got["cancel_message"], got["status"])
	}
	if public := decode[map[string]any](t, e.get(path)); public["cancel_message"] != nil {
		t.Errorf("the public sees cancel_message %v", public["cancel_message"])
	}
	got = decode[map[string]any](t, e.write(http.MethodPatch, path, `{"status":"confirmed","confirm_clashes":true}`, http.StatusOK))
	if _, ok := got["cancel_message"]; ok {
		t.Errorf("confirmed again, the meeting keeps cancel_message %v", got["cancel_message"])
	}
}
