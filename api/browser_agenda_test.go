package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// agendaShot is where TestBrowserAgenda keeps its 390 px screenshot of
// the dagordning page, for people to look at.
const agendaShot = "../docs/screenshots/dagordning-390.png"

// TestBrowserAgenda: in Chromium at a phone's width, by keyboard alone,
// Maria, the secretary of chefsgrupp folkhälsa, builds the dagordning of
// its first meeting of 2025: three items (after once sending the form
// empty), moves the third up with its "Flytta upp" button, and takes a
// member's proposal in as item 2 with the select and "Ta med". axe-core
// audits every agenda page: the dagordning (empty, with an error, with
// items and a proposal), editing, deleting, declining and the backlogg.
func TestBrowserAgenda(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	// Over plain http, as the test server speaks: the session cookie is
	// then "samkal".
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	ex := loadExample(t, e)
	ctx := context.Background()
	_, err = e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
	must(t, err)
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(t, err)
	m := ex.meeting(t, "chefsgrupp-folkhalsa-2025-01-21")
	base := e.http.URL
	page := base + fmt.Sprintf("/mina-organ/moten/%d/dagordning", m.ID)

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	// Signed in as by the link from the mail (TestBrowserSignIn does that
	// by keyboard): the session's cookie.
	open(t, tab, base+"/", 200)
	setSession(t, tab, base, secret)

	open(t, tab, page, 200)
	audit(t, tab, axe, "label")
	if got := eval[string](t, tab, `document.querySelector("h1").innerText`); got != "Dagordning" {
		t.Errorf("h1 %q", got)
	}

	// The empty form once: the error summary, then three items.
	tabTo(t, tab, "rubrik")
	if got := submitByKey(t, tab, kb.Enter); got != 422 {
		t.Fatalf("the empty form answered %d, want 422", got)
	}
	audit(t, tab, axe, "label", "aria-valid-attr-value")
	if got := eval[string](t, tab, `document.querySelector('[role="alert"]').innerText`); !strings.Contains(got, "Skriv en rubrik för punkten.") {
		t.Errorf("the error summary says %q", got)
	}
	titles := []string{"Gemensam samverkansplan", "Mötestider 2025", "Länsdelarnas rapporter"}
	for _, title := range titles {
		tabTo(t, tab, "rubrik")
		checkFocusVisible(t, focused(t, tab))
		key(t, tab, title)
		if got := submitByKey(t, tab, kb.Enter); got != 200 {
			t.Fatalf("adding %q ended on %d, want 200 (after 303)", title, got)
		}
	}
	if got := storedAgenda(t, e, m.ID); !slices.Equal(got, titles) {
		t.Fatalf("agenda %q, want %q", got, titles)
	}

	// The third item up, with its button.
	third := agendaItemNamed(t, e, m.ID, "Länsdelarnas rapporter")
	tabTo(t, tab, fmt.Sprintf("upp-%d", third.ID))
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Flytta upp ended on %d", got)
	}
	want := []string{"Gemensam samverkansplan", "Länsdelarnas rapporter", "Mötestider 2025"}
	if got := storedAgenda(t, e, m.ID); !slices.Equal(got, want) {
		t.Fatalf("after Flytta upp: %q, want %q", got, want)
	}
	if got := eval[string](t, tab, `document.querySelector('[role="status"]').innerText`); got != "Punkten är flyttad." {
		t.Errorf("after moving the page says %q", got)
	}

	// A member proposes an item through the link in the call; Maria takes
	// it in as item 2.
	l := link(t, e, calendar.LinkAgenda, m, "anna-jakobsson", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))
	if r := e.postForm("/anmalan/"+l.Token, url.Values{"rubrik": {"Psykisk hälsa bland unga"}, "typ": {"dialog"},
		"beskrivning": {"Läget i länet\nVad gör kommunerna?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the proposal: %d", r.StatusCode)
	}
	proposal := agendaItemNamed(t, e, m.ID, "Psykisk hälsa bland unga")
	open(t, tab, page, 200)
	audit(t, tab, axe, "label")
	sel := fmt.Sprintf("plats-%d", proposal.ID)
	tabTo(t, tab, sel)
	// The select offers places 1–4, "sist" (4) chosen; two presses of
	// the up arrow make it 2.
	key(t, tab, kb.ArrowUp)
	key(t, tab, kb.ArrowUp)
	if got := eval[string](t, tab, `document.getElementById("`+sel+`").value`); got != "2" {
		t.Fatalf("the place chosen by keyboard is %q, want 2", got)
	}
	tabTo(t, tab, fmt.Sprintf("ta-med-%d", proposal.ID))
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Ta med ended on %d", got)
	}
	want = []string{"Gemensam samverkansplan", "Psykisk hälsa bland unga", "Länsdelarnas rapporter", "Mötestider 2025"}
	if got := storedAgenda(t, e, m.ID); !slices.Equal(got, want) {
		t.Fatalf("after Ta med: %q, want %q", got, want)
	}
	items := eval[[]string](t, tab, `[...document.querySelectorAll("ol.agenda > li .item")].map(p => p.innerText)`)
	if !slices.Equal(items, want) {
		t.Errorf("the page lists %q, want %q", items, want)
	}

	// A second proposal, for the pages that show one, and the screenshot.
	if r := e.postForm("/anmalan/"+l.Token, url.Values{"rubrik": {"Uppföljningsdagen 14 mars"}, "typ": {"information"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the second proposal: %d", r.StatusCode)
	}
	open(t, tab, page, 200)
	audit(t, tab, axe, "label")
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(agendaShot), 0o755))
	must(t, os.WriteFile(agendaShot, shot, 0o644))

	second := agendaItemNamed(t, e, m.ID, "Uppföljningsdagen 14 mars")
	must(t, e.store.CreateBacklogItem(ctx, &calendar.BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "Skolfrånvaro", Notes: "Bjud in elevhälsan"}))
	for _, p := range []string{
		fmt.Sprintf("%s/%d/andra", page, third.ID),
		fmt.Sprintf("%s/%d/ta-bort", page, third.ID),
		fmt.Sprintf("%s/%d/avsla", page, second.ID),
		base + "/mina-organ/chefsgrupp-folkhalsa/backlogg",
	} {
		open(t, tab, p, 200)
		audit(t, tab, axe)
	}
}
