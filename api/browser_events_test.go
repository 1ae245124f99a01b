package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// TestBrowserCommonEvent: in Chromium at a phone's width, by keyboard
// alone, Ida, an admin, goes from the year's events to the form, sends it
// empty and reads the errors, then makes a two-day conference of Kumla and
// lands on its hub. axe-core audits each page; the form, its errors and
// the hub are kept as screenshots.
func TestBrowserCommonEvent(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	ctx := context.Background()
	makeAdmin(t, e)
	tab, axe := phoneTab(t, e, "ida-admin")
	base := e.http.URL

	open(t, tab, base+"/administration/handelser?ar=2025", 200)
	audit(t, tab, axe)
	shoot(t, tab, "gemensamma-handelser-390.png")
	tabTo(t, tab, "ny-handelse")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the form answered %d", got)
	}
	audit(t, tab, axe, "label")
	tabTo(t, tab, "Skapa händelsen")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe, "label")
	if got := eval[string](t, tab, `document.querySelector(".error-summary").innerText`); !strings.Contains(got, "Skriv vad händelsen heter") ||
		!strings.Contains(got, "Skriv händelsens datum") {
		t.Fatalf("the error summary says:\n%s", got)
	}
	shoot(t, tab, "ny-handelse-fel-390.png")

	tabTo(t, tab, "titel")
	key(t, tab, "Länskonferens folkhälsa")
	tabTo(t, tab, "organisation")
	for range 5 {
		if eval[string](t, tab, `document.getElementById("organisation").value`) == "kumla" {
			break
		}
		key(t, tab, kb.ArrowDown)
	}
	tabTo(t, tab, "datum")
	key(t, tab, "2025-11-19")
	tabTo(t, tab, "sista")
	key(t, tab, "2025-11-20")
	tabTo(t, tab, "Skapa händelsen")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("creating answered %d:\n%s", got, eval[string](t, tab, `document.querySelector("main").innerText`))
	}
	audit(t, tab, axe)
	main := eval[string](t, tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"Händelsen är skapad.", "onsdag 19 november 2025 – torsdag 20 november 2025, heldagar", "Kumla kommun"} {
		if !strings.Contains(main, want) {
			t.Errorf("the hub lacks %q:\n%s", want, main)
		}
	}
	shoot(t, tab, "handelse-390.png")
	ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
	must(t, err)
	found := false
	for _, m := range ms {
		found = found || m.Title == "Länskonferens folkhälsa" && m.AllDay && m.Organisation == "kumla" && len(m.Bodies) == 0
	}
	if !found {
		t.Errorf("the conference is not stored as a whole-day event of Kumla")
	}
}

// TestBrowserBodyEvent: in Chromium at a phone's width, by keyboard alone,
// Maria, secretary of chefsgrupp folkhälsa, goes from the årsplan to "Ny
// händelse", makes a two-day conference of the body, and opens its form
// again, which shows whole days. axe-core audits each page.
func TestBrowserBodyEvent(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	makeSecretary(t, e)
	tab, axe := phoneTab(t, e, "maria-lindborg")
	base := e.http.URL

	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa?ar=2025", 200)
	tabTo(t, tab, "ny-handelse")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the form answered %d", got)
	}
	audit(t, tab, axe)
	tabTo(t, tab, "titel")
	key(t, tab, "Chefsgruppens konferens")
	tabTo(t, tab, "datum")
	key(t, tab, "2025-10-16")
	tabTo(t, tab, "sista")
	key(t, tab, "2025-10-17")
	tabTo(t, tab, "Skapa händelsen")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("creating answered %d:\n%s", got, eval[string](t, tab, `document.querySelector("main").innerText`))
	}
	audit(t, tab, axe)
	main := eval[string](t, tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"Händelsen är skapad.", "torsdag 16 oktober 2025 – fredag 17 oktober 2025, heldagar", "Chefsgrupp folkhälsa"} {
		if !strings.Contains(main, want) {
			t.Errorf("the hub lacks %q:\n%s", want, main)
		}
	}
	tabTo(t, tab, "andra")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the edit page: %d", got)
	}
	audit(t, tab, axe)
	if !eval[bool](t, tab, `document.getElementById("tid").checked`) || eval[string](t, tab, `document.getElementById("sista").value`) != "2025-10-17" {
		t.Errorf("the form of the conference does not show its whole days")
	}
	shoot(t, tab, "handelse-andra-390.png")
}
