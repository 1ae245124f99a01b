package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// calendarChoiceShots are where TestBrowserCalendarChoice keeps its 390 px
// screenshots.
const calendarChoiceShots = "../docs/screenshots"

// TestBrowserCalendarChoice: at a phone's width, by keyboard alone, a
// visitor asks for her calendar link on the start page (a mistyped address
// first, on /kalenderlank), then Maria, signed in, chooses "Bara
// prenumeration" on /mina-moten/kalenderval with the arrow keys and is
// told on Mina möten. axe-core audits every page in every state: the
// start page with the form, the form with its error, the answer, the
// choice and the confirmation.
func TestBrowserCalendarChoice(t *testing.T) {
	composer := &notify.CalendarLinkMail{From: mail.Address{Name: region, Address: "samkal@regionorebrolan.example.se"}, Region: region}
	e := newEnv(t, nil, func(o *api.Options) {
		o.BaseURL = "http://localhost"
		o.CalendarLinkMail = composer.Message
	})
	seed(t, e)
	tab, axe := phoneTab(t, e, "")
	base := e.http.URL
	mainText := func() string { t.Helper(); return eval[string](t, tab, `document.querySelector("main").innerText`) }

	// The start page's form, with a mistyped address: the form again on
	// /kalenderlank, with the error.
	open(t, tab, base+"/", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "kalenderlank-epost")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, "maria.lindborg")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("a mistyped address ended on %d, want 422:\n%s", got, mainText())
	}
	audit(t, tab, axe, "label")
	if !strings.Contains(mainText(), "Skriv e-postadressen i rätt format") {
		t.Errorf("after the error the page does not say what is wrong:\n%s", mainText())
	}
	tabTo(t, tab, "epost")
	key(t, tab, mariaEmail)
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("asking for the link ended on %d:\n%s", got, mainText())
	}
	if !strings.Contains(mainText(), "Om adressen finns hos oss har vi skickat länken till din kalender") {
		t.Errorf("the answer:\n%s", mainText())
	}
	audit(t, tab, axe)
	e.srv.Wait()
	kind := calendar.OutboxCalendarLink
	if ms, err := e.store.FindMessages(context.Background(), calendar.OutboxFilter{Kind: &kind}); err != nil || len(ms) != 1 {
		t.Errorf("%d calendar link mails queued (%v), want 1", len(ms), err)
	}
	open(t, tab, base+"/kalenderlank", 200)
	audit(t, tab, axe, "label")
	shoot(t, tab, "kalenderlank-390.png")

	// Maria signs in and chooses the feed.
	secret, _, err := e.store.CreateSession(context.Background(), "maria-lindborg", "link", time.Hour)
	must(t, err)
	setSession(t, tab, base, secret)
	open(t, tab, base+"/mina-moten/kalenderval", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "kalenderval") // the group's checked button: invitations
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, kb.ArrowDown)
	if got := eval[string](t, tab, `document.querySelector('input[name="kalenderval"]:checked').value`); got != "feed" {
		t.Fatalf("the arrow key chose %q, want feed", got)
	}
	shoot(t, tab, "kalenderval-390.png")
	tabTo(t, tab, "Spara valet")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("saving the choice ended on %d:\n%s", got, mainText())
	}
	if loc := run(t, tab, chromedp.Location()); !strings.HasSuffix(loc, "/mina-moten?klart=kalenderval") {
		t.Errorf("after saving the browser is at %s", loc)
	}
	if !strings.Contains(mainText(), "Ditt val är sparat: Bara prenumeration.") {
		t.Errorf("Mina möten after saving:\n%s", mainText())
	}
	audit(t, tab, axe)
	p, err := e.store.FindPersonByKey(context.Background(), "maria-lindborg")
	must(t, err)
	if p.Delivery != calendar.DeliveryFeed {
		t.Errorf("stored Delivery = %q, want feed", p.Delivery)
	}
}

// shoot saves the whole page, which must not scroll sideways at 390 px,
// as docs/screenshots/name.
func shoot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("%s: the page is %.0f px wide at 390 px: it scrolls sideways", name, w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(calendarChoiceShots, 0o755))
	must(t, os.WriteFile(filepath.Join(calendarChoiceShots, name), shot, 0o644))
}
