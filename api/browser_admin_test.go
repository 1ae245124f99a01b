package api_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// adminShot is where TestBrowserAdmin keeps its 390 px screenshot of the
// roles page.
const adminShot = "../docs/screenshots/administration-roller-390.png"

// TestBrowserAdmin: in Chromium at a phone's width, by keyboard alone, Ida,
// an admin, makes Anna Berg secretary of skolchefsgruppen (a stand-in),
// then finds Maria on the people page and opens her page and the page
// that asks before erasing. axe-core audits each page, the form with its
// errors too.
func TestBrowserAdmin(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	ctx := context.Background()
	makeAdmin(t, e)
	tab, axe := phoneTab(t, e, "ida-admin")
	base := e.http.URL

	open(t, tab, base+"/administration/roller", 200)
	audit(t, tab, axe)
	tabTo(t, tab, "ge-rollen")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe)

	tabTo(t, tab, "epost")
	key(t, tab, annaEmail)
	tabTo(t, tab, "organ")
	for range 8 {
		if eval[string](t, tab, `document.getElementById("organ").value`) == "skolchefsgruppen" {
			break
		}
		key(t, tab, kb.ArrowDown)
	}
	tabTo(t, tab, "ge-rollen")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("giving the role ended on %d, want 200 (after 303)", got)
	}
	rights, err := e.store.FindRights(ctx, "anna-berg", calendar.DateOf(time.Now()))
	must(t, err)
	if !rights.Secretary["skolchefsgruppen"] {
		t.Fatalf("Anna is not secretary of skolchefsgruppen")
	}
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the roles page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(adminShot), 0o755))
	must(t, os.WriteFile(adminShot, shot, 0o644))

	open(t, tab, base+"/administration/personer", 200)
	audit(t, tab, axe)
	tabTo(t, tab, "q")
	key(t, tab, "Maria")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the search answered %d", got)
	}
	audit(t, tab, axe)
	for _, p := range []string{"/administration/personer/maria-lindborg", "/administration/personer/maria-lindborg/radera"} {
		open(t, tab, base+p, 200)
		audit(t, tab, axe)
		if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %.0f px wide at 390 px", p, w)
		}
	}
}
