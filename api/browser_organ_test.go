package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
)

// organShot is where TestBrowserOrgan keeps the printed sammanträdesplan.
const organShot = "../docs/screenshots/sammantradesplan-utskrift.png"

// TestBrowserOrgan: a body's page, its sammanträdesplan and the page that
// finds a body (with hits, with an error, with nothing) pass axe-core and
// fit 390 px; printed (print media), the plan drops the site's header,
// footer and year links and keeps the table.
func TestBrowserOrgan(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	tab, axe := phoneTab(t, e, "")
	base := e.http.URL
	// The plan last: it is printed below.
	for _, p := range []string{"/organ", "/organ?sok=folkh%C3%A4lsa", "/organ?sok=" + strings.Repeat("x", 101), "/organ?organisation=finns-inte",
		"/organ/chefsgrupp-folkhalsa?ar=2025", "/organ/chefsgrupp-folkhalsa/sammantradesplan?ar=2025"} {
		open(t, tab, base+p, 200)
		audit(t, tab, axe)
		if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %.0f px wide at 390 px: it scrolls sideways", p, w)
		}
	}

	do(t, tab, chromedp.EmulateViewport(794, 1123)) // A4 at 96 dpi
	do(t, tab, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	for _, sel := range []string{"header.site", "footer.site", "nav.years"} {
		if d := eval[string](t, tab, `getComputedStyle(document.querySelector("`+sel+`")).display`); d != "none" {
			t.Errorf("printed, %s shows (display %s)", sel, d)
		}
	}
	if n := eval[float64](t, tab, `document.querySelectorAll("table.sheet tbody tr").length`); n != 8 {
		t.Errorf("the printed plan has %.0f rows, want the 8 meetings of 2025 (six, the joint one and one with the restricted working group)", n)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(organShot), 0o755))
	must(t, os.WriteFile(organShot, shot, 0o644))
}

// TestBrowserCalendar: the calendar's month and week pass axe-core at a
// phone's width, and a body is chosen and shown by keyboard alone.
func TestBrowserCalendar(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	tab, axe := phoneTab(t, e, "")
	base := e.http.URL
	open(t, tab, base+"/kalender?manad=2025-11", 200)
	audit(t, tab, axe, "select-name")
	tabTo(t, tab, "organ")
	for range 8 {
		if eval[string](t, tab, `document.getElementById("organ").value`) == "skolchefsgruppen" {
			break
		}
		key(t, tab, kb.ArrowDown)
	}
	tabTo(t, tab, "visa")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Visa ended on %d", got)
	}
	if h := eval[string](t, tab, `document.querySelector("h1").textContent`); h != "November 2025 Skolchefsgruppen" {
		t.Errorf("after choosing skolchefsgruppen the heading is %q", h)
	}
	audit(t, tab, axe)
	open(t, tab, base+"/kalender?vecka=2025-W46", 200)
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the week is %.0f px wide at 390 px", w)
	}
}

// TestBrowserCalendarOfSeveralRegions: in an installation of several
// regions the calendar asks for an organisation first; it is chosen by
// keyboard alone, and both pages pass axe-core at a phone's width.
func TestBrowserCalendarOfSeveralRegions(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	severalRegions(t, e)
	tab, axe := phoneTab(t, e, "")
	open(t, tab, e.http.URL+"/kalender?manad=2025-03", 200)
	audit(t, tab, axe, "select-name")
	if n := eval[float64](t, tab, `document.querySelectorAll("table.calendar").length`); n != 0 {
		t.Error("the calendar shows meetings before an organisation is chosen")
	}
	shoot(t, tab, "kalender-valj-huvudman-390.png")
	tabTo(t, tab, "organisation")
	for range 8 {
		if eval[string](t, tab, `document.getElementById("organisation").value`) == "region-02" {
			break
		}
		key(t, tab, kb.ArrowDown)
	}
	tabTo(t, tab, "visa")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Visa ended on %d", got)
	}
	if h := eval[string](t, tab, `document.querySelector("h1").textContent`); h != "Mars 2025 Region 02" {
		t.Errorf("after choosing Region 02 the heading is %q", h)
	}
	if n := eval[float64](t, tab, `document.querySelectorAll("#organ option").length`); n != 26 {
		t.Errorf("the body choice has %.0f options, want Alla organ and Region 02's 25", n)
	}
	audit(t, tab, axe)
	shoot(t, tab, "kalender-huvudman-390.png")
}
