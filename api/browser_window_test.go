package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// windowShot is where TestBrowserWindow keeps its 390 px screenshot of
// a booking window's page after the plan is applied.
const windowShot = "../docs/screenshots/bokningsveckor-390.png"

// TestBrowserWindow: in Chromium at a phone's width, by keyboard alone,
// Maria, secretary of chefsgrupp folkhälsa and skolchefsgruppen, goes from
// Mina organ to Bokningsveckor, opens the autumn window and presses
// "Lägg in förslaget"; then sends the form for new booking weeks empty.
// axe-core audits the list, the window page before and after, and the
// form without and with errors.
func TestBrowserWindow(t *testing.T) {
	x, tab, axe, base := windowBrowser(t)

	open(t, tab, base+"/mina-organ", 200)
	tabTo(t, tab, "bokningsveckor")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Bokningsveckor answered %d", got)
	}
	audit(t, tab, axe)
	if got := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(got, x.Name) || !strings.Contains(got, "v 37–38 2025") {
		t.Errorf("the list says %q", got)
	}
	tabTo(t, tab, fmt.Sprintf("oppna-%d", x.ID))
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the window answered %d", got)
	}
	audit(t, tab, axe)
	if got := eval[string](t, tab, `document.querySelector("h1").innerText`); got != x.Name {
		t.Errorf("h1 %q", got)
	}
	tabTo(t, tab, "Lägg in förslaget")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Lägg in förslaget ended on %d", got)
	}
	audit(t, tab, axe)
	if got := eval[string](t, tab, `document.querySelector('[role="status"]').innerText`); !strings.Contains(got, "Förslaget är inlagt") {
		t.Errorf("the confirmation says %q", got)
	}
	if got := eval[string](t, tab, `document.querySelector("#organen").parentElement.innerText`); strings.Contains(got, "inte bokat") {
		t.Errorf("after the plan is applied a body is still not booked: %q", got)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(windowShot), 0o755))
	must(t, os.WriteFile(windowShot, shot, 0o644))

	// The form for new booking weeks, sent once with nothing filled in.
	open(t, tab, base+"/mina-organ/bokning/ny", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "namn")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe, "label", "aria-valid-attr-value")
	if got := eval[string](t, tab, `document.querySelector('[role="alert"]').innerText`); !strings.Contains(got, "Skriv ett namn") || !strings.Contains(got, "Välj minst ett organ") {
		t.Errorf("the error summary says %q", got)
	}
	screenshot(t, tab, "bokningsveckor-ny-fel-390.png")
}

// windowBrowser starts Chromium at 390 px with Maria signed in, secretary
// of both bodies of bookingWeeks' window, and returns the window, the tab,
// axe-core and the server's base URL.
func windowBrowser(t *testing.T) (*calendar.BookingWindow, context.Context, []byte, string) {
	t.Helper()
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	x := bookingWeeks(t, e)
	ctx := context.Background()
	for _, b := range x.Bodies {
		_, err = e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
		must(t, err)
	}
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(t, err)
	base := e.http.URL
	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	open(t, tab, base+"/", 200)
	setSession(t, tab, base, secret)
	return x, tab, axe, base
}
