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
)

// ownCalendarShot is where TestBrowserOwnCalendar keeps its 390 px
// screenshot.
const ownCalendarShot = "../docs/screenshots/egen-kalender-390.png"

// TestBrowserOwnCalendar: at a phone's width, by keyboard alone, Maria
// gives a wrong address (and is told beside the field), then her Google
// calendar's secret address, sees how many busy times it gave, fetches it
// again when it has turned into a web page and reads why it failed; axe
// audits every state of the page.
func TestBrowserOwnCalendar(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" }, allowLocalCalendars)
	seed(t, e)
	e.clock.Set(time.Date(2026, 10, 12, 9, 0, 0, 0, calendar.Location))
	secret, html := ownCalendarServer(t)
	tab, axe := phoneTab(t, e, "maria-lindborg")
	open(t, tab, e.http.URL+"/mina-moten/egen-kalender", 200)
	audit(t, tab, axe)

	// A wrong address: Enter in the field sends the form with its first
	// button, "Spara och hämta".
	tabTo(t, tab, "adress")
	checkFocusVisible(t, focused(t, tab))
	do(t, tab, chromedp.KeyEvent("outlook.office365.com/kalender"))
	if got := submitByKey(t, tab, kb.Enter); got != 400 {
		t.Fatalf("a wrong address ended on %d, want 400", got)
	}
	audit(t, tab, axe)
	if msg := eval[string](t, tab, `document.getElementById("adress-fel").innerText`); !strings.Contains(msg, "https://") {
		t.Errorf("the message beside the field is %q", msg)
	}

	tabTo(t, tab, "adress")
	do(t, tab, chromedp.KeyEvent(kb.End))
	for range len("outlook.office365.com/kalender") {
		key(t, tab, kb.Backspace)
	}
	do(t, tab, chromedp.KeyEvent(secret))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("saving the address ended on %d", got)
	}
	audit(t, tab, axe)
	text := eval[string](t, tab, `document.querySelector("main").innerText`)
	if !strings.Contains(text, "14 de närmaste 18 månaderna") || strings.Contains(text, "private-hemlig123") {
		t.Errorf("after saving the page says:\n%s", text)
	}
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(ownCalendarShot), 0o755))
	must(t, os.WriteFile(ownCalendarShot, shot, 0o644))

	// The calendar becomes a web page; "Hämta nu" says so.
	html.Store(true)
	e.clock.Add(2 * time.Minute)
	tabTo(t, tab, "Hämta nu")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("fetching again ended on %d", got)
	}
	audit(t, tab, axe)
	if text := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(text, "Adressen ger en webbsida") {
		t.Errorf("after a failed fetch the page says:\n%s", text)
	}

	tabTo(t, tab, "Ta bort kalendern")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("removing ended on %d", got)
	}
	audit(t, tab, axe)
	if _, err := e.store.FindBusyFeed(context.Background(), "maria-lindborg"); !calendar.IsNotFound(err) {
		t.Errorf("after removing: %v, want no calendar", err)
	}
}
