package api_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phoneTab opens Chromium with one tab at a phone's width (390 × 800 CSS
// px), signed in as person unless person is "", and returns the tab and
// axe-core's script: how the page tests of one person's flow begin.
func phoneTab(t *testing.T, e *env, person string) (context.Context, []byte) {
	t.Helper()
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	tab := newTab(t, startBrowser(t, chromium))
	do(t, tab, chromedp.EmulateViewport(390, 800))
	if person != "" {
		secret, _, err := e.store.CreateSession(context.Background(), person, "link", time.Hour)
		must(t, err)
		open(t, tab, e.http.URL+"/", 200)
		setSession(t, tab, e.http.URL, secret)
	}
	return tab, axe
}
