package api_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// TestBrowserMailRequests: in Chromium at 390 px, by keyboard alone, the
// council's secretary cancels a meeting with a message for the
// cancellation letter, declines a member's proposal with a note for the
// proposer, and presses "Påminn nu" on the justering page, twice: the
// second press says that a reminder was just asked for; then the body's
// change log shows it. axe-core audits every page on the way; the cancel
// page, the justering page and the change log are photographed.
func TestBrowserMailRequests(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	var asked atomic.Int32
	e := newEnv(t, nil, func(o *api.Options) {
		o.BaseURL = "http://localhost"
		o.MailRequested = func() { asked.Add(1) }
	})
	seed(t, e)
	c := seedCouncil(t, e)
	ctx := context.Background()
	grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
	must(t, e.store.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: c.meeting.ID, DocumentURL: protocolURL,
		Justerare: []string{"siw-lunander"}, Chair: "behcet-barsom"}, e.clock.Now(), 14))
	proposal := &calendar.AgendaItem{MeetingID: c.meeting.ID, Title: "Trygghetsvandringar", Status: calendar.AgendaProposed, SubmittedBy: "siw-lunander"}
	must(t, e.store.CreateAgendaItem(ctx, proposal))
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(t, err)

	tab := newTab(t, startBrowser(t, chromium))
	base := e.http.URL
	do(t, tab, chromedp.EmulateViewport(390, 800))
	setSession(t, tab, base, secret)
	mainText := func() string { return eval[string](t, tab, `document.querySelector("main").innerText`) }
	narrow := func(what string) {
		t.Helper()
		if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %v px wide at 390 px", what, w)
		}
	}

	// Cancel the second meeting, with a message.
	open(t, tab, base+fmt.Sprintf("/mina-organ/moten/%d", c.second.ID), 200)
	tabTo(t, tab, "installa")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the cancel page: %d", got)
	}
	audit(t, tab, axe, "label")
	if got := mainText(); !strings.Contains(got, "Meddelandet står i mejlet om att mötet är inställt") {
		t.Errorf("the cancel page does not say where the message goes:\n%s", got)
	}
	tabTo(t, tab, "meddelande")
	key(t, tab, "Lokalen är stängd. Vi ses den 15 januari i stället.")
	narrow("the cancel page")
	screenshot(t, tab, "installa-390.png")
	tabTo(t, tab, "Ställ in mötet")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("cancelling: %d", got)
	}
	if got := mainText(); !strings.Contains(got, "Mötet är inställt.") || !strings.Contains(got, "Meddelande vid inställningen") ||
		!strings.Contains(got, "Lokalen är stängd. Vi ses den 15 januari i stället.") {
		t.Errorf("after cancelling the hub says:\n%s", got)
	}
	audit(t, tab, axe)
	m, err := e.store.FindMeetingByID(ctx, c.second.ID)
	must(t, err)
	if m.CancelMessage != "Lokalen är stängd. Vi ses den 15 januari i stället." {
		t.Errorf("stored cancel message %q", m.CancelMessage)
	}

	// Decline Siw's proposal with a note for her.
	open(t, tab, base+fmt.Sprintf("/mina-organ/moten/%d/dagordning/%d/avsla", c.meeting.ID, proposal.ID), 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "motivering")
	key(t, tab, "Frågan hör hemma i kommunernas trygghetsråd.")
	tabTo(t, tab, "Avslå förslaget")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("declining: %d", got)
	}
	if got := mainText(); !strings.Contains(got, "Den som föreslog punkten får beskedet i ett mejl.") {
		t.Errorf("after declining the agenda says:\n%s", got)
	}
	audit(t, tab, axe)

	// Påminn nu, twice.
	open(t, tab, base+fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID), 200)
	audit(t, tab, axe)
	tabTo(t, tab, "paminn")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Påminn nu: %d", got)
	}
	if got := mainText(); !strings.Contains(got, "Samkal skickar nu en påminnelse till dem som inte har justerat.") {
		t.Errorf("after Påminn nu the page says:\n%s", got)
	}
	audit(t, tab, axe)
	narrow("the justering page")
	screenshot(t, tab, "justering-paminn-390.png")
	tabTo(t, tab, "paminn")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Påminn nu again: %d", got)
	}
	if got := mainText(); !strings.Contains(got, "En påminnelse skickades nyss") {
		t.Errorf("after the second press the page says:\n%s", got)
	}
	audit(t, tab, axe)
	// The body's change log, from its årsplan.
	open(t, tab, base+"/mina-organ/"+c.slug, 200)
	tabTo(t, tab, "andringar")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Ändringar: %d", got)
	}
	audit(t, tab, axe)
	if got := mainText(); !strings.Contains(got, "Justering ändrades: påminnelse på begäran") || !strings.Contains(got, "Maria Lindborg") {
		t.Errorf("the change log says:\n%s", got)
	}
	narrow("the change log")
	screenshot(t, tab, "andringar-390.png")
	if got := asked.Load(); got != 3 {
		t.Errorf("MailRequested called %d times, want 3 (the cancellation, the decline, the first press)", got)
	}
}
