package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
)

// availabilityShot is where TestBrowserAvailability keeps its 390 px
// screenshot.
const availabilityShot = "../docs/screenshots/kan-inte-390.png"

// TestBrowserAvailability: at a phone's width, by keyboard alone, Maria
// goes from Mina möten to the booking weeks' "kan inte" page, ticks a
// morning she cannot do and saves; axe audits the page before and after.
func TestBrowserAvailability(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	x := bookingWeeks(t, e)
	tab, axe := phoneTab(t, e, "maria-lindborg")
	open(t, tab, e.http.URL+"/mina-moten", 200)

	tabTo(t, tab, fmt.Sprintf("bokningsveckor-%d", x.ID))
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("following the link ended on %d", got)
	}
	audit(t, tab, axe)
	tabTo(t, tab, "kan-inte-2025-09-16-fm")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, " ")
	if !eval[bool](t, tab, `document.getElementById("kan-inte-2025-09-16-fm").checked`) {
		t.Fatal("Space did not tick the box")
	}
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(availabilityShot), 0o755))
	must(t, os.WriteFile(availabilityShot, shot, 0o644))

	tabTo(t, tab, "Spara mitt svar")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("saving ended on %d", got)
	}
	if !eval[bool](t, tab, `document.body.innerText.includes("Tack! Ditt svar är sparat.") && document.getElementById("kan-inte-2025-09-16-fm").checked`) {
		t.Error("after saving, the page does not confirm the answer with the box ticked")
	}
	audit(t, tab, axe)
	a, err := e.store.FindAvailability(context.Background(), x.ID, "maria-lindborg")
	must(t, err)
	if len(a.CannotDo) != 1 || a.CannotDo[0].Day.String() != "2025-09-16" {
		t.Errorf("stored %+v, want Tuesday 16 September fm", a.CannotDo)
	}
}
