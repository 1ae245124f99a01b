package api_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// windowPlanShot is the 390 px screenshot of a window's page after one
// body's time was taken: what stays, the new times, the other body's free
// times.
const windowPlanShot = "../docs/screenshots/bokningsveckor-valj-tid-390.png"

// TestBrowserWindowPlan: in Chromium at a phone's width, by keyboard
// alone, Maria changes the autumn window's name with the filled-in form,
// takes chefsgrupp folkhälsa's first free time, lays in the plan, and then
// deletes the window after its confirmation page. axe-core audits every
// page on the way.
func TestBrowserWindowPlan(t *testing.T) {
	x, tab, axe, base := windowBrowser(t)
	page := fmt.Sprintf("%s/mina-organ/bokning/%d", base, x.ID)
	mainText := func() string { return eval[string](t, tab, `document.querySelector("main").innerText`) }

	// Change the name.
	open(t, tab, page, 200)
	audit(t, tab, axe)
	tabTo(t, tab, "andra")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Ändra answered %d", got)
	}
	audit(t, tab, axe, "label")
	if got := eval[string](t, tab, `document.querySelector("#veckor").value`); got != "v 37–38 2025" {
		t.Errorf("the weeks field holds %q", got)
	}
	tabTo(t, tab, "namn")
	do(t, tab, chromedp.KeyEvent(kb.End), chromedp.KeyEvent(" (ändrad)"))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Spara ended on %d", got)
	}
	audit(t, tab, axe)
	if got := mainText(); !strings.Contains(got, "Ändringarna är sparade") || !strings.Contains(got, x.Name+" (ändrad)") {
		t.Errorf("after the change the page says %q", got)
	}

	// Take chefsgrupp folkhälsa's first free time.
	tabTo(t, tab, "valj-chefsgrupp-folkhalsa-0")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Välj tiden ended on %d", got)
	}
	audit(t, tab, axe)
	got := mainText()
	if !strings.Contains(got, "Tiden är vald") || !strings.Contains(got, "Ligger kvar") || strings.Contains(got, "Måste flyttas") {
		t.Errorf("after taking a time the page says %q", got)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('[id^="valj-chefsgrupp-folkhalsa-"]').length`); n != 0 {
		t.Errorf("chefsgrupp folkhälsa still has %d times to take", n)
	}
	if n := eval[int](t, tab, `document.documentElement.scrollWidth`); n > 390 {
		t.Errorf("the page is %d px wide at 390 px", n)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.WriteFile(windowPlanShot, shot, 0o644))

	// Lay in the plan: the taken time stays.
	tabTo(t, tab, "lagg-in")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Lägg in förslaget ended on %d", got)
	}
	audit(t, tab, axe)
	if got := mainText(); !strings.Contains(got, "Förslaget är inlagt") || strings.Contains(got, "inte bokat") {
		t.Errorf("after applying the page says %q", got)
	}

	// Delete the window after its confirmation page.
	tabTo(t, tab, "ta-bort")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Ta bort answered %d", got)
	}
	audit(t, tab, axe)
	if got := mainText(); !strings.Contains(got, "ligger kvar") || !strings.Contains(got, "Chefsgrupp folkhälsa") {
		t.Errorf("the delete page says %q", got)
	}
	tabTo(t, tab, "ta-bort")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Ta bort bokningsveckorna ended on %d", got)
	}
	audit(t, tab, axe)
	if got := mainText(); !strings.Contains(got, "Bokningsveckorna är borttagna") {
		t.Errorf("after deleting the list says %q", got)
	}
}
