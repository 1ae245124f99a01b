package api_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
)

// myMeetingsShot is where TestBrowserMyMeetings keeps its 390 px screenshot.
const myMeetingsShot = "../docs/screenshots/mina-moten-390.png"

// TestBrowserMyMeetings: at a phone's width, by keyboard alone, Maria opens
// the help for Google Kalender and changes her calendar's address; axe
// audits the page before and after.
func TestBrowserMyMeetings(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	f := seed(t, e)
	tab, axe := phoneTab(t, e, "maria-lindborg")
	base := e.http.URL
	open(t, tab, base+"/mina-moten", 200)
	audit(t, tab, axe)

	tabTo(t, tab, "hjalp-google")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, kb.Enter)
	if !eval[bool](t, tab, `[...document.querySelectorAll("details")].find(d => d.textContent.includes("Google Kalender")).open`) {
		t.Fatal("Enter on the summary did not open the help for Google Kalender")
	}
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("Mina möten is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(myMeetingsShot), 0o755))
	must(t, os.WriteFile(myMeetingsShot, shot, 0o644))

	tabTo(t, tab, "Byt adress till min kalender")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("changing the address ended on %d", got)
	}
	audit(t, tab, axe)
	p, err := e.store.FindPersonByKey(context.Background(), "maria-lindborg")
	must(t, err)
	if p.FeedToken == f.maria.FeedToken {
		t.Error("the address did not change")
	}
}
