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
)

// TestBrowserSecretary: in Chromium, by keyboard alone, Maria (secretary
// of chefsgrupp folkhälsa, signed in by a session cookie made in the
// store) opens Mina organ and the 2025 year grid, creates a meeting, moves
// it, and cancels another; the body's feed shows both. axe-core audits
// every page; the year grid is photographed at 390 px.
func TestBrowserSecretary(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	ex := loadExample(t, e)
	secret, _, err := e.store.CreateSession(context.Background(), "maria-lindborg", "link", time.Hour)
	must(t, err)
	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	base := e.http.URL
	do(t, tab, chromedp.EmulateViewport(390, 800))
	setSession(t, tab, base, secret)

	open(t, tab, base+"/mina-organ", 200)
	audit(t, tab, axe)
	if got := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(got, "Chefsgrupp folkhälsa") {
		t.Errorf("Mina organ says:\n%s", got)
	}

	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa?ar=2025&visa=rutnat", 200)
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the year grid is %v px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	dir := *screenshotDir
	if dir == "" {
		dir = t.TempDir()
	} else {
		must(t, os.MkdirAll(dir, 0o755))
	}
	must(t, os.WriteFile(filepath.Join(dir, "arsplan-rutnat-390.png"), shot, 0o644))
	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa?ar=2025", 200)
	audit(t, tab, axe)

	// saveForm presses the form's button; on a clash warning it ticks
	// "Spara ändå" and presses it again. It returns the page's text.
	saveForm := func(button string) string {
		t.Helper()
		tabTo(t, tab, button)
		status := submitByKey(t, tab, kb.Enter)
		if status == 409 {
			audit(t, tab, axe, "label")
			tabTo(t, tab, "spara_anda")
			key(t, tab, " ")
			tabTo(t, tab, button)
			status = submitByKey(t, tab, kb.Enter)
		}
		if status != 200 {
			t.Fatalf("saving answered %d:\n%s", status, eval[string](t, tab, `document.querySelector("main").innerText`))
		}
		return eval[string](t, tab, `document.querySelector("main").innerText`)
	}

	// Create.
	open(t, tab, base+"/mina-organ/chefsgrupp-folkhalsa/nytt-mote", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "datum")
	key(t, tab, "2026-04-14")
	if got := saveForm("Skapa mötet"); !strings.Contains(got, "Mötet är skapat.") || !strings.Contains(got, "tisdag 14 april 2026, v 16") {
		t.Fatalf("after creating:\n%s", got)
	}
	audit(t, tab, axe)

	// Move it a week.
	tabTo(t, tab, "andra")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the edit page: %d", got)
	}
	audit(t, tab, axe, "label")
	tabTo(t, tab, "datum") // Tab selects the field's text: typing replaces it
	key(t, tab, "2026-04-21")
	if got := saveForm("Spara"); !strings.Contains(got, "Ändringarna är sparade.") || !strings.Contains(got, "tisdag 21 april 2026, v 17") {
		t.Fatalf("after moving:\n%s", got)
	}

	// Cancel another.
	other := ex.meeting(t, "chefsgrupp-folkhalsa-2025-05-22")
	open(t, tab, fmt.Sprintf("%s/mina-organ/moten/%d", base, other.ID), 200)
	tabTo(t, tab, "installa")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the cancel page: %d", got)
	}
	audit(t, tab, axe, "label")
	tabTo(t, tab, "meddelande")
	key(t, tab, "Vi ses i juni i stället.")
	tabTo(t, tab, "Ställ in mötet")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("cancelling: %d", got)
	}
	if got := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(got, "Mötet är inställt.") || !strings.Contains(got, "Vi ses i juni i stället.") {
		t.Errorf("after cancelling:\n%s", got)
	}
	audit(t, tab, axe)

	feed := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics").text()
	for _, want := range []string{"DTSTART;TZID=Europe/Stockholm:20260421T130000", "STATUS:CANCELLED"} {
		if !strings.Contains(feed, want) {
			t.Errorf("the feed lacks %q", want)
		}
	}
	if dir == *screenshotDir {
		t.Logf("screenshot in %s", filepath.Join(dir, "arsplan-rutnat-390.png"))
	}
}
