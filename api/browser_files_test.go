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

// importShot is where TestBrowserFiles keeps its 390 px screenshot of the
// member import's preview.
const importShot = "../docs/screenshots/medlemmar-import-390.png"

// nextYearShot is the proposal of next year's årsplan at 390 px.
const nextYearShot = "../docs/screenshots/nasta-ar-390.png"

// TestBrowserFiles: in Chromium at a phone's width, by keyboard alone,
// Maria, secretary of chefsgrupp folkhälsa, goes from the members page to
// the import, gives the file input a CSV member list (SetUploadFiles
// stands in for the system's file dialog, which is no part of the page),
// previews it, chooses to skip the row with a problem and imports the
// rest. axe-core audits every new page: the member import (upload,
// preview), the årsplan import (upload, preview, problems) and next year's
// proposal.
func TestBrowserFiles(t *testing.T) {
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
	body := base + "/mina-organ/chefsgrupp-folkhalsa"
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "medlemmar.csv")
	must(t, os.WriteFile(csvFile, []byte("\ufeffNamn;E-post;Organisation;Roll\r\n"+
		"Lena Ek;lena.ek@kumla.se;Kumla kommun;ledamot\r\n"+
		"Anna Berg;anna.berg@kumla.se;kumla;ersättare\r\n"+
		"Per Ek;per.ek@;;ordf\r\n"), 0o644))

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	open(t, tab, base+"/", 200)
	setSession(t, tab, base, secret)

	open(t, tab, body+"/medlemmar", 200)
	tabTo(t, tab, "importera-medlemmar")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the import link opened %d", got)
	}
	audit(t, tab, axe, "label")
	tabTo(t, tab, "fil")
	checkFocusVisible(t, focused(t, tab))
	do(t, tab, chromedp.SetUploadFiles("#fil", []string{csvFile}))
	tabTo(t, tab, "forhandsgranska")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the preview answered %d", got)
	}
	audit(t, tab, axe, "label")
	text := eval[string](t, tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"Ny person", "Finns: Anna Berg", "Nytt medlemskap", "Rollen \"ordf\" finns inte"} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview lacks %q:\n%s", want, text)
		}
	}
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the preview is %.0f px wide at 390 px: it scrolls sideways", w)
	}
	shot := run(t, tab, chromedp.FullScreenshot(100))
	must(t, os.MkdirAll(filepath.Dir(importShot), 0o755))
	must(t, os.WriteFile(importShot, shot, 0o644))

	tabTo(t, tab, "hoppa-over")
	checkFocusVisible(t, focused(t, tab))
	key(t, tab, " ")
	tabTo(t, tab, "importera")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the import ended on %d, want 200 (after 303)", got)
	}
	audit(t, tab, axe)
	if ms := membershipsOf(t, e, "chefsgrupp-folkhalsa", "lena-ek"); len(ms) != 1 || ms[0].Role != calendar.RoleMember {
		t.Errorf("Lena's memberships %+v", ms)
	}
	if ms := membershipsOf(t, e, "chefsgrupp-folkhalsa", "anna-berg"); len(ms) != 1 || ms[0].Role != calendar.RoleSubstitute {
		t.Errorf("Anna's memberships %+v", ms)
	}
	if _, err := e.store.FindPersonByKey(ctx, "per-ek"); !calendar.IsNotFound(err) {
		t.Errorf("the row with a problem was written: %v", err)
	}

	// The årsplan import: upload, a file with problems, a preview.
	yamlFile := filepath.Join(dir, "arsplan.yaml")
	for _, c := range []struct{ content, want string }{
		{strings.Replace(newMeetingYAML, "date: 2026-02-10", "date: 2026-02-30", 1), "Rad 5"},
		{newMeetingYAML, "Mötena i filen"},
	} {
		open(t, tab, body+"/importera", 200)
		audit(t, tab, axe, "label")
		must(t, os.WriteFile(yamlFile, []byte(c.content), 0o644))
		tabTo(t, tab, "fil")
		do(t, tab, chromedp.SetUploadFiles("#fil", []string{yamlFile}))
		tabTo(t, tab, "forhandsgranska")
		submitByKey(t, tab, kb.Enter)
		audit(t, tab, axe)
		if text := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(text, c.want) {
			t.Errorf("the årsplan import lacks %q:\n%s", c.want, text)
		}
	}

	// Next year's proposal: the choice, then the proposal.
	open(t, tab, body+"/nasta-ar?ar=2026", 200)
	audit(t, tab, axe, "label")
	tabTo(t, tab, "visa")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("the proposal answered %d", got)
	}
	audit(t, tab, axe, "label")
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("next year's proposal is %.0f px wide at 390 px", w)
	}
	if n := eval[float64](t, tab, `document.querySelectorAll("ol.proposals > li").length`); n == 0 {
		t.Errorf("no proposals on the page")
	}
	must(t, os.WriteFile(nextYearShot, run(t, tab, chromedp.FullScreenshot(100)), 0o644))
}
