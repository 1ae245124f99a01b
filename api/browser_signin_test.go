package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
)

// TestBrowserSignIn: in Chromium, by keyboard alone, a member asks for a
// sign-in link (first sending the form empty), opens the link from the
// mail, presses "Logga in", sees who they are on /konto and signs out with
// the header's button. axe-core audits /logga-in (with and without the
// error), /logga-in/{token} and /konto, and /konto is photographed at a
// phone's width (390 px).
func TestBrowserSignIn(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	var mb mailbox
	// Over plain http, as the test server speaks: the cookie is then
	// "samkal", without Secure, which Chromium keeps.
	e := newEnv(t, nil, mb.options, func(o *api.Options) { o.BaseURL = "http://localhost" })
	loadExample(t, e)
	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	base := e.http.URL

	open(t, tab, base+"/logga-in", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "epost")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe, "label", "aria-valid-attr-value")
	if got := eval[string](t, tab, `document.querySelector('[role="alert"]').innerText`); !strings.Contains(got, "Skriv din e-postadress") {
		t.Errorf("the error summary says %q", got)
	}
	tabTo(t, tab, "epost")
	key(t, tab, "Maria-Lindborg@example.org")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("sending the address answered %d, want 200", got)
	}
	if got := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(got, "Om adressen finns hos oss har vi skickat en länk") {
		t.Errorf("after sending the page says:\n%s", got)
	}
	links := signInMails(t, e, "maria-lindborg@example.org")
	if len(links) != 1 {
		t.Fatalf("%d sign-in mails queued, want 1", len(links))
	}

	// The person opens the link from the mail.
	open(t, tab, base+"/logga-in/"+links[0], 200)
	audit(t, tab, axe)
	tabTo(t, tab, "Logga in")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("pressing Logga in ended on a page with status %d, want 200 (after 303)", got)
	}
	if got := run(t, tab, chromedp.Location()); got != base+"/konto" {
		t.Fatalf("after signing in the browser is at %s, want /konto", got)
	}
	audit(t, tab, axe)
	text := eval[string](t, tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"Ditt konto", "Maria Lindborg", "maria-lindborg@example.org", "Region Örebro län", "Sekreterare", "Den här webbläsaren"} {
		if !strings.Contains(text, want) {
			t.Errorf("/konto lacks %q:\n%s", want, text)
		}
	}
	if got := eval[string](t, tab, `document.querySelector("header nav.account a").innerText`); !strings.HasPrefix(got, "Maria Lindborg") {
		t.Errorf("the header names %q, want Maria Lindborg", got)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	dir := *screenshotDir
	if dir == "" {
		dir = t.TempDir()
	} else {
		must(t, os.MkdirAll(dir, 0o755))
	}
	must(t, os.WriteFile(filepath.Join(dir, "konto-390.png"), shot, 0o644))

	// Signing out with the header's button, by keyboard.
	tabTo(t, tab, "Logga ut")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Logga ut ended on a page with status %d, want 200 (after 303)", got)
	}
	if got := run(t, tab, chromedp.Location()); got != base+"/?utloggad=1" {
		t.Errorf("after signing out the browser is at %s", got)
	}
	if got := eval[string](t, tab, `document.body.innerText`); !strings.Contains(got, "Du är utloggad.") || !strings.Contains(got, "Logga in") || strings.Contains(got, "Maria Lindborg") {
		t.Errorf("the page after signing out says:\n%s", got)
	}
	open(t, tab, base+"/konto", 200) // followed to /logga-in
	if got := run(t, tab, chromedp.Location()); got != base+"/logga-in?next=/konto" {
		t.Errorf("/konto after signing out leads to %s, want the sign-in page", got)
	}
	if dir == *screenshotDir {
		t.Logf("screenshot in %s", filepath.Join(dir, "konto-390.png"))
	}
}
