package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// membersShot is where TestBrowserMembers keeps its 390 px screenshot of
// a body's members page.
const membersShot = "../docs/screenshots/medlemmar-390.png"

// TestBrowserMembers: in Chromium at a phone's width, by keyboard alone,
// Maria, secretary of chefsgrupp folkhälsa, sends the add-member form
// empty once, then adds Anna Berg as ledamot from the select, and sets the
// kallelse to 10 days before on the settings page. axe-core audits the
// members page (with and without errors), changing and ending a
// membership, and the settings.
func TestBrowserMembers(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	makeSecretary(t, e)
	ctx := context.Background()
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(t, err)
	base := e.http.URL
	page := base + "/mina-organ/chefsgrupp-folkhalsa/medlemmar"

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	open(t, tab, base+"/", 200)
	setSession(t, tab, base, secret)

	open(t, tab, page, 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "lagg-till")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe, "label", "aria-valid-attr-value")

	tabTo(t, tab, "person")
	for range 5 {
		if eval[string](t, tab, `document.getElementById("person").value`) == "anna-berg" {
			break
		}
		key(t, tab, kb.ArrowDown)
	}
	if got := eval[string](t, tab, `document.getElementById("person").value`); got != "anna-berg" {
		t.Fatalf("the person chosen by keyboard is %q", got)
	}
	tabTo(t, tab, "lagg-till")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("adding Anna ended on %d, want 200 (after 303)", got)
	}
	ms := membershipsOf(t, e, "chefsgrupp-folkhalsa", "anna-berg")
	if len(ms) != 1 || ms[0].Role != calendar.RoleMember {
		t.Fatalf("Anna's memberships %+v", ms)
	}
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(membersShot), 0o755))
	must(t, os.WriteFile(membersShot, shot, 0o644))

	for _, p := range []string{fmt.Sprintf("%s/%d/andra", page, ms[0].ID), fmt.Sprintf("%s/%d/avsluta", page, ms[0].ID)} {
		open(t, tab, p, 200)
		audit(t, tab, axe)
	}

	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa/installningar", 200)
	audit(t, tab, axe, "label")
	// A closing item of the body's own, typed on a line of its own.
	tabTo(t, tab, "standard-slutet")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, "Nästa möte"+kb.Enter)
	tabTo(t, tab, "kallelse")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, "10")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("saving the settings ended on %d", got)
	}
	audit(t, tab, axe)
	must(t, os.WriteFile("../docs/screenshots/installningar-390.png", run(t, tab, chromedp.FullScreenshot(100)), 0o644))
	b, err := e.store.FindBodyBySlug(ctx, "chefsgrupp-folkhalsa")
	must(t, err)
	if b.Notify.NoticeDays == nil || *b.Notify.NoticeDays != 10 || b.Notify.CallDays != nil {
		t.Errorf("the body's timings %+v", b.Notify)
	}
	if len(b.StandardClosing) != 3 || !slices.Contains(b.StandardClosing, "Nästa möte") || b.StandardOpening != nil {
		t.Errorf("the body's standard items %q, %q; want its own closing list with Nästa möte, the default opening", b.StandardOpening, b.StandardClosing)
	}
}
