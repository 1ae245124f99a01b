package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// forhinderShot is where TestBrowserForhinder keeps its 390 px screenshot.
const forhinderShot = "../docs/screenshots/forhinder-390.png"

// TestBrowserForhinder: at a phone's width, by keyboard alone, Anna goes
// from Mina möten to the meeting's förhinder page, writes a message and
// says she cannot come; the secretary's meeting page shows it and who
// stands in; Anna then can come after all. The page of the link in the
// kallelse is the same page. axe audits every page in every state, and
// the pages reflow at 200 % zoom.
func TestBrowserForhinder(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	m := forhinderWorld(t, e)
	tab, axe := phoneTab(t, e, "anna")
	base := e.http.URL
	mainText := func() string { t.Helper(); return eval[string](t, tab, `document.querySelector("main").innerText`) }
	signInAs := func(person string) {
		t.Helper()
		secret, _, err := e.store.CreateSession(context.Background(), person, "link", time.Hour)
		must(t, err)
		setSession(t, tab, base, secret)
	}

	open(t, tab, base+"/mina-moten", 200)
	audit(t, tab, axe)
	tabTo(t, tab, "forhinder-"+itoa(m.ID))
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("following the link ended on %d", got)
	}
	if !strings.Contains(mainText(), "Kan du komma till mötet?") {
		t.Fatalf("the förhinder page:\n%s", mainText())
	}
	audit(t, tab, axe, "label")
	tabTo(t, tab, "meddelande")
	key(t, tab, "Jag är på kurs i Karlstad.")
	tabTo(t, tab, "Jag kan inte komma")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("saying I cannot come ended on %d:\n%s", got, mainText())
	}
	got := mainText()
	for _, want := range []string{"Sekreteraren får veta att du inte kan komma.", "Jag är på kurs i Karlstad.", "Eva Ek har kallats in som ersättare för dig."} {
		if !strings.Contains(got, want) {
			t.Errorf("after the förhinder the page lacks %q:\n%s", want, got)
		}
	}
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the förhinder page is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(forhinderShot), 0o755))
	must(t, os.WriteFile(forhinderShot, shot, 0o644))

	// The secretary's meeting page.
	signInAs("sara")
	open(t, tab, base+"/mina-organ/moten/"+itoa(m.ID), 200)
	got = mainText()
	for _, want := range []string{"Vilka kommer", "Anna Ahl (ledamot) kan inte komma", "Ersätts av Eva Ek.", "Jag är på kurs i Karlstad.", "Eva Ek (ersättare) – Ersätter Anna Ahl."} {
		if !strings.Contains(got, want) {
			t.Errorf("the secretary's page lacks %q:\n%s", want, got)
		}
	}
	audit(t, tab, axe)

	// The link in the kallelse leads to the same page.
	l, err := e.store.EnsureLink(context.Background(), calendar.LinkForhinder, m.ID, "anna", m.Start)
	must(t, err)
	open(t, tab, base+"/forhinder/"+l.Token, 200)
	tabTo(t, tab, "Jag kan komma ändå")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("withdrawing ended on %d:\n%s", got, mainText())
	}
	if got := mainText(); !strings.Contains(got, "Sekreteraren får veta att du kan komma ändå.") {
		t.Errorf("after withdrawing:\n%s", got)
	}
	audit(t, tab, axe)
	fs, err := e.store.FindForhinder(context.Background(), m.ID)
	must(t, err)
	if len(fs) != 1 || fs[0].Active() {
		t.Errorf("förhinder after the flow: %+v, want one, withdrawn", fs)
	}

	// At 200 % zoom (as TestBrowserSecretaryReflow emulates it) no page
	// scrolls sideways or cuts off content: the förhinder page with its
	// form, the secretary's meeting page with Bo's förhinder, Mina möten.
	_, err = e.store.ReportForhinder(context.Background(), m.ID, "bo", "Sjuk, tyvärr. "+strings.Repeat("Långtordförhinderbeskrivning", 3))
	must(t, err)
	if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 640, Height: 400, DeviceScaleFactor: 2}); err != nil {
		t.Fatalf("emulate 200 %% zoom: %v", err)
	}
	for _, path := range []string{"/forhinder/" + l.Token, "/mina-organ/moten/" + itoa(m.ID), "/mina-moten"} {
		open(t, tab, base+path, 200)
		r := eval[struct {
			ScrollWidth, ClientWidth int
			Offenders                []string
		}](t, tab, overflowScript)
		if dpr := eval[float64](t, tab, `window.devicePixelRatio`); r.ClientWidth != 640 || dpr != 2 {
			t.Fatalf("%s is %d CSS px wide at device pixel ratio %v, want 640 at 2", path, r.ClientWidth, dpr)
		}
		if r.ScrollWidth > r.ClientWidth || len(r.Offenders) > 0 {
			t.Errorf("%s at 200 %%: scrolls sideways (%d px in %d px) or cuts off content:\n  %s", path, r.ScrollWidth, r.ClientWidth,
				strings.Join(r.Offenders, "\n  "))
		}
	}
}
