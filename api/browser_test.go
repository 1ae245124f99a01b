package api_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/examples"
)

// The browser tests open the pages in a real browser, Debian's Chromium,
// driven headless by chromedp through a pipe (no debugging port). The
// server is the real api.Server on a real SQLite file, filled with the
// example region (examples.Region), so the pages show what members of
// Region Örebro län would see. The tests check what a member sees and can
// do, audit WCAG 2.1 AA with axe-core (testdata/axe), use the pages by
// keyboard, check reflow at 320 px and zoom, and take screenshots for a
// person to look at (-screenshots DIR keeps them).

var screenshotDir = flag.String("screenshots", "", "keep the browser tests' screenshots in this directory (default: a temporary directory, removed after the test)")

// axePath is axe-core's browser bundle, installed by make test (npm ci).
const axePath = "../testdata/axe/node_modules/axe-core/axe.min.js"

// wcag21AA are axe-core's tags for the success criteria of WCAG 2.0 and 2.1
// at levels A and AA: the level the Swedish DOS-lagen requires.
var wcag21AA = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

func TestBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe` in the repository root (make test does it)", err)
	}
	e := newEnv(t, nil)
	ex := loadExample(t, e)
	// One cancelled meeting, so that the pages show that state too.
	cancelled := ex.meeting(t, "chefsgrupp-folkhalsa-2025-05-22")
	e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", cancelled.ID), `{"status":"cancelled"}`, 200)
	first := ex.meeting(t, "chefsgrupp-folkhalsa-2025-01-21")
	// The personal pages: the chair of chefsgrupp folkhälsa's link to
	// register items for its first meeting of 2025 (until 14 January), and
	// the justerare's link to approve the minutes of the councils' joint
	// meeting of 2024-09-20, as the seed protocol had them approved.
	anmalanLink := link(t, e, calendar.LinkAgenda, first, "anna-jakobsson", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))
	councils := ex.meeting(t, "specifika-samverkansraden-2024-09-20")
	e.write("POST", fmt.Sprintf("/api/v1/meetings/%d/justering", councils.ID),
		object{"justerare": []string{"siw-lunander"}, "document_url": "https://www.regionorebrolan.se/protokoll/samverkansraden-2024-09-20.pdf"}, 201)
	justeringLink := link(t, e, calendar.LinkJustering, councils, "siw-lunander", time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location))
	// The first meeting's dagordning, as the emails promise it on the
	// meeting page: the standard items, an item with everything, a
	// decision, and a member's proposal that the page must not show.
	agendaPath := fmt.Sprintf("/api/v1/meetings/%d/agenda", first.ID)
	e.write("POST", agendaPath+"/standard", nil, 200)
	e.write("POST", agendaPath, object{"title": "Gemensam samverkansplan för folkhälsa", "kind": "dialog",
		"presenter": "Maria Lindborg och Anna Swift Johannison",
		"sub_points": []string{"Presentation av arbetsgruppens arbete samt förslag till gemensam samverkansplan, ej för beslut utan för diskussion",
			"Vad ser vi framför oss när det gäller prioriteringar?"},
		"links": []object{{"title": "Presentation av samverkansplanen", "url": "https://www.regionorebrolan.se/samverkansplan.pdf"},
			{"title": "", "url": "https://www.regionorebrolan.se/liv-och-halsa.pdf"}}}, 201)
	e.write("POST", agendaPath, object{"title": "Mötestider 2025", "kind": "beslut"}, 201)
	e.write("POST", agendaPath, object{"title": "Ej behandlad anmälan", "status": "proposed", "submitted_by": "jenny-steen"}, 201)
	// The booking reminder's page: Maria Lindborg as the secretary of two
	// of the bodies of the window of weeks 37–38.
	for _, body := range []string{"lansdel-norr", "samverkan-olbf"} {
		must(t, e.store.CreateMembership(context.Background(), &calendar.Membership{Body: body, Person: "maria-lindborg", Role: calendar.RoleSecretary}))
	}
	bookingLink, err := e.store.EnsureWindowLink(context.Background(), 1, "maria-lindborg", time.Date(2025, 9, 22, 0, 0, 0, 0, calendar.Location))
	must(t, err)
	// A link whose holder has proposed all they may (the page says so
	// instead of the form), and one opened so often that it is answered
	// 429 (the Swedish "För många försök" page).
	fullLink := link(t, e, calendar.LinkAgenda, first, "maria-lindborg", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))
	for i := range calendar.MaxProposalsPerPerson {
		if r := e.postForm("/anmalan/"+fullLink.Token, url.Values{"rubrik": {fmt.Sprintf("Punkt %d", i+1)}, "typ": {"information"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("proposal %d: %d", i+1, r.StatusCode)
		}
	}
	floodedLink := link(t, e, calendar.LinkAgenda, first, "jenny-steen", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))
	for i := 0; e.get("/anmalan/"+floodedLink.Token).StatusCode != http.StatusTooManyRequests; i++ {
		if i > 2*api.DefaultRateLimits.Token.Burst {
			t.Fatalf("the link is still answered after %d requests", i)
		}
	}

	browser := startBrowser(t, chromium)
	pages := []struct {
		name, path string
		status     int64
	}{
		{"start", "/", 200},
		{"meeting", fmt.Sprintf("/moten/%d", first.ID), 200},
		{"cancelled", fmt.Sprintf("/moten/%d", cancelled.ID), 200},
		{"notfound", "/moten/999999", 404},
		{"anmalan", "/anmalan/" + anmalanLink.Token, 200},
		{"justering", "/justering/" + justeringLink.Token, 200},
		{"link-notfound", "/anmalan/" + calendar.NewToken(), 404},
		{"council", fmt.Sprintf("/moten/%d", councils.ID), 200},
		{"bokning", "/bokning/" + bookingLink.Token, 200},
		{"anmalan-full", "/anmalan/" + fullLink.Token, 200},
		{"too-many", "/anmalan/" + floodedLink.Token, 429},
	}

	t.Run("StartPage", func(t *testing.T) {
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+"/", 200)
		if got, want := run(t, tab, chromedp.Title()), "Möten i samverkan – Region Örebro län – Samkal"; got != want {
			t.Errorf("title %q, want %q", got, want)
		}
		if got := eval[[]string](t, tab, `[...document.querySelectorAll("h1")].map(h => h.innerText)`); !slices.Equal(got, []string{"Möten i samverkan"}) {
			t.Errorf("h1 %q, want one: Möten i samverkan", got)
		}
		if got := eval[string](t, tab, `document.documentElement.lang`); got != "sv" {
			t.Errorf(`lang %q, want "sv"`, got)
		}
		if n := eval[int](t, tab, `[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)`); n == 0 {
			t.Errorf("the stylesheet did not load under the page's Content-Security-Policy")
		}
		links := eval[[]struct{ Href, Text string }](t, tab,
			`[...document.querySelectorAll("a[href]")].map(a => ({href: a.getAttribute("href"), text: a.textContent}))`)
		// A screen reader lists links by name: a name must not lead to
		// two places (six links "Chefsgrupp folkhälsa" to six meetings).
		where := map[string]string{}
		for _, l := range links {
			if h, ok := where[l.Text]; ok && h != l.Href {
				t.Errorf("links named %q lead to %s and %s", l.Text, h, l.Href)
			}
			where[l.Text] = l.Href
		}
		text := eval[string](t, tab, `document.body.innerText`)
		for _, b := range ex.file.Bodies {
			path := "samkal.example.se/feeds/bodies/" + b.Slug + ".ics"
			var webcal, https bool
			for _, l := range links {
				named := strings.Contains(l.Text, b.Name) // the link says which body, for screen readers too
				webcal = webcal || l.Href == "webcal://"+path && named
				https = https || l.Href == "https://"+path && named
			}
			if b.Visibility == calendar.Public && (!webcal || !https) {
				t.Errorf("%s: webcal link %v, https link %v (each naming the body), want both", b.Slug, webcal, https)
			}
			if b.Visibility == calendar.Restricted {
				for _, l := range links {
					if strings.Contains(l.Href, b.Slug) {
						t.Errorf("restricted body %s has a link: %s", b.Slug, l.Href)
					}
				}
				if strings.Contains(text, b.Name) {
					t.Errorf("the start page shows the restricted body %q", b.Name)
				}
			}
		}
		for _, want := range []string{"tisdag 21 januari 2025", "13.00–16.30", "Inställt: Chefsgrupp folkhälsa", "Regionala samverkansrådet"} {
			if !strings.Contains(text, want) {
				t.Errorf("the start page does not show %q", want)
			}
		}
	})

	t.Run("FollowMeetingLink", func(t *testing.T) {
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+"/", 200)
		href := eval[string](t, tab, `(() => {
			const a = [...document.querySelectorAll('a[href^="/moten/"]')].find(a => a.closest("li")?.innerText.includes("tisdag 21 januari 2025"));
			return a ? a.getAttribute("href") : "";
		})()`)
		if want := pages[1].path; href != want {
			t.Fatalf("the start page links the meeting of 21 January to %q, want %q", href, want)
		}
		resp, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`a[href="`+href+`"]`)))
		if err != nil {
			t.Fatalf("click the meeting link: %v", err)
		}
		if resp.Status != 200 {
			t.Fatalf("the meeting page answered %d", resp.Status)
		}
		if got := run(t, tab, chromedp.Location()); got != e.http.URL+href {
			t.Errorf("after the click the browser is at %s, want %s", got, e.http.URL+href)
		}
		if got := eval[string](t, tab, `document.querySelector("h1").innerText`); got != "Chefsgrupp folkhälsa" {
			t.Errorf("h1 %q, want Chefsgrupp folkhälsa", got)
		}
		if got, want := run(t, tab, chromedp.Title()), "Chefsgrupp folkhälsa, tisdag 21 januari 2025 – Region Örebro län – Samkal"; got != want {
			t.Errorf("title %q, want %q", got, want)
		}
		text := eval[string](t, tab, `document.querySelector("main").innerText`)
		for _, want := range []string{"tisdag 21 januari 2025", "13.00–16.30", "Länsstyrelsen, Stortorget 22, Örebro", "Förslag"} {
			if !strings.Contains(text, want) {
				t.Errorf("the meeting page does not show %q:\n%s", want, text)
			}
		}
	})

	t.Run("MeetingPageShowsAgendaAndMinutes", func(t *testing.T) {
		// What the kallelse and the digest send members and secretaries
		// to see: the accepted dagordning, numbered 1, 2, 3 …, and for a
		// council the status of its minutes.
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+pages[1].path, 200)
		items := eval[[]string](t, tab, `[...document.querySelectorAll("ol.agenda > li")].map(li => li.value + ". " + li.querySelector(".item").innerText)`)
		want := []string{"1. Mötet öppnas", "2. Fastställande av dagordning", "3. Föregående mötes protokoll/minnesanteckningar",
			"4. Gemensam samverkansplan för folkhälsa (dialog)", "5. Mötestider 2025 (beslut)", "6. Övriga frågor", "7. Mötet avslutas"}
		if !slices.Equal(items, want) {
			t.Errorf("the dagordning reads %q, want %q", items, want)
		}
		text := eval[string](t, tab, `document.querySelector("main").innerText`)
		for _, want := range []string{"Föredragande: Maria Lindborg och Anna Swift Johannison", "Vad ser vi framför oss när det gäller prioriteringar?"} {
			if !strings.Contains(text, want) {
				t.Errorf("the meeting page does not show %q", want)
			}
		}
		if strings.Contains(text, "Ej behandlad anmälan") {
			t.Errorf("the meeting page shows a proposal or its proposer:\n%s", text)
		}
		links := eval[[]string](t, tab, `[...document.querySelectorAll("ol.agenda a")].map(a => a.innerText + " → " + a.href)`)
		if want := []string{"Presentation av samverkansplanen → https://www.regionorebrolan.se/samverkansplan.pdf",
			"Underlag: Gemensam samverkansplan för folkhälsa → https://www.regionorebrolan.se/liv-och-halsa.pdf"}; !slices.Equal(links, want) {
			t.Errorf("the agenda's links are %q, want %q", links, want)
		}
		open(t, tab, e.http.URL+fmt.Sprintf("/moten/%d", councils.ID), 200)
		minutes := eval[string](t, tab, `(() => { const dt = [...document.querySelectorAll("dt")].find(d => d.innerText === "Protokoll"); return dt ? dt.nextElementSibling.innerText : ""; })()`)
		if minutes != "Protokollet väntar på justering (2 underskrifter saknas)" {
			t.Errorf("the council meeting's minutes read %q", minutes)
		}
		if text := eval[string](t, tab, `document.querySelector("main").innerText`); strings.Contains(text, "Siw Lunander") || strings.Contains(text, "protokoll/") {
			t.Errorf("the public meeting page names an approver or links the minutes:\n%s", text)
		}
	})

	t.Run("BookingPageShowsFreeTimes", func(t *testing.T) {
		// What the booking reminder promises: the secretary's bodies, and
		// free times for those that have not booked.
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+"/bokning/"+bookingLink.Token, 200)
		bodies := eval[[]string](t, tab, `[...document.querySelectorAll("section.booking h2")].map(h => h.innerText)`)
		if !slices.Equal(bodies, []string{"Länsdel Norr", "Samverkan ÖLBF"}) {
			t.Errorf("the booking page shows the bodies %q, want Länsdel Norr and Samverkan ÖLBF", bodies)
		}
		if n := eval[int](t, tab, `document.querySelectorAll("ol.suggestions > li").length`); n != 2*5 {
			t.Errorf("the booking page shows %d free times, want five per body", n)
		}
		if got := eval[string](t, tab, `document.querySelector("ol.suggestions > li strong").innerText`); !strings.Contains(got, "september 2025 kl.") {
			t.Errorf("the first free time reads %q, want a day of week 37 or 38 with its time", got)
		}
	})

	t.Run("QueryStringIsIgnored", func(t *testing.T) {
		// Newsletters and mail filters add ?utm_source=… to links; the
		// member must still get the page.
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+pages[1].path+"?utm_source=nyhetsbrev", 200)
		if got := eval[string](t, tab, `document.querySelector("h1").innerText`); got != "Chefsgrupp folkhälsa" {
			t.Errorf("h1 %q, want Chefsgrupp folkhälsa", got)
		}
	})

	t.Run("Axe", func(t *testing.T) {
		tab := newTab(t, browser)
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				open(t, tab, e.http.URL+p.path, p.status)
				audit(t, tab, axe)
			})
		}
		t.Run("catches a violation", func(t *testing.T) {
			open(t, tab, e.http.URL+"/", 200)
			eval[chromedp.Void](t, tab, `document.documentElement.removeAttribute("lang")`)
			res := runAxe(t, tab, axe)
			if !slices.ContainsFunc(res.Violations, func(v axeRule) bool { return v.ID == "html-has-lang" }) {
				t.Errorf("axe did not report html-has-lang on a page without lang; violations: %v", res.Violations)
			}
		})
	})

	t.Run("Keyboard", func(t *testing.T) {
		// WCAG 2.1.1, 2.4.1, 2.4.3 and 2.4.7: the first Tab reaches the
		// skip link, Tab then visits every link in order, each with a
		// visible focus, and the skip link takes focus past the header.
		tab := newTab(t, browser)
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				open(t, tab, e.http.URL+p.path, p.status)
				want := eval[int](t, tab, `document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])").length`)
				var stops int
				for range want + 1 {
					key(t, tab, kb.Tab)
					f := focused(t, tab)
					if f.Tag == "BODY" { // focus has left the page for the browser's own controls
						break
					}
					if stops == 0 && (f.Text != "Hoppa till innehållet" || f.Href != "#innehall") {
						t.Errorf("the first Tab reaches %s %q (%s), want the skip link Hoppa till innehållet", f.Tag, f.Text, f.Href)
					}
					stops++
					checkFocusVisible(t, f)
				}
				if stops != want {
					t.Errorf("Tab stopped on %d elements, want all %d links", stops, want)
				}

				open(t, tab, e.http.URL+p.path, p.status)
				key(t, tab, kb.Tab)
				key(t, tab, kb.Enter)
				if f := focused(t, tab); f.ID != "innehall" {
					t.Errorf("the skip link moved focus to %s#%s, want main#innehall", f.Tag, f.ID)
				}
				key(t, tab, kb.Tab)
				if f := focused(t, tab); !f.InMain {
					t.Errorf("Tab after the skip link reaches %s %q, outside main", f.Tag, f.Text)
				}
			})
		}
	})

	t.Run("Reflow", func(t *testing.T) {
		// WCAG 1.4.10: at 320 CSS px (a 1280 px window at 400 %) nothing
		// scrolls sideways; 1.4.4: at 200 % nothing is cut off; 1.4.12:
		// the text spacing users may set breaks nothing.
		const textSpacing = `document.styleSheets[0].insertRule("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }");
			document.styleSheets[0].insertRule("p { margin-bottom: 2em !important; }");`
		for _, c := range []struct {
			name          string
			width, height int64
			scale         float64
			script        string
		}{
			{"320px", 320, 640, 1, ""},
			{"zoom200", 640, 400, 2, ""},
			{"320px text spacing", 320, 640, 1, textSpacing},
		} {
			tab := newTab(t, browser)
			do(t, tab, chromedp.EmulateViewport(c.width, c.height, chromedp.EmulateScale(c.scale)))
			for _, p := range pages {
				t.Run(c.name+" "+p.name, func(t *testing.T) {
					open(t, tab, e.http.URL+p.path, p.status)
					if c.script != "" {
						eval[chromedp.Void](t, tab, c.script)
					}
					r := eval[struct {
						ScrollWidth, ClientWidth int
						Offenders                []string
					}](t, tab, overflowScript)
					if r.ClientWidth != int(c.width) {
						t.Fatalf("the page is %d px wide, want %d (is the viewport emulated?)", r.ClientWidth, c.width)
					}
					if r.ScrollWidth > r.ClientWidth || len(r.Offenders) > 0 {
						t.Errorf("scrolls sideways (%d px content in %d px) or cuts off content:\n  %s",
							r.ScrollWidth, r.ClientWidth, strings.Join(r.Offenders, "\n  "))
					}
				})
			}
		}
	})

	t.Run("Screenshots", func(t *testing.T) {
		// For a person to look at: whole pages at a desktop and a phone
		// width, and the top of the start page with the keyboard focus on
		// the skip link and on the first card's link.
		dir := *screenshotDir
		if dir == "" {
			dir = t.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		save := func(name string, width int64, shot []byte) {
			t.Helper()
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatalf("%s: the screenshot is no PNG: %v", name, err)
			}
			if w := img.Bounds().Dx(); w != int(width) {
				t.Errorf("%s: screenshot %d px wide, want %d", name, w, width)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, width := range []int64{1280, 390} {
			tab := newTab(t, browser)
			do(t, tab, chromedp.EmulateViewport(width, 800))
			for _, p := range pages {
				open(t, tab, e.http.URL+p.path, p.status)
				save(fmt.Sprintf("%s-%d", p.name, width), width, run(t, tab, chromedp.FullScreenshot(100)))
			}
			open(t, tab, e.http.URL+"/", 200)
			key(t, tab, kb.Tab)
			save(fmt.Sprintf("focus-skiplink-%d", width), width, run(t, tab, chromedp.CaptureScreenshot()))
			key(t, tab, kb.Tab)
			key(t, tab, kb.Tab)
			save(fmt.Sprintf("focus-button-%d", width), width, run(t, tab, chromedp.CaptureScreenshot()))
		}
		if *screenshotDir != "" {
			t.Logf("screenshots in %s", dir)
		}
	})

	t.Run("Anmalan", func(t *testing.T) {
		// A member sends the form by keyboard alone: first without a title
		// (Enter in the empty field), which shows the errors, audited; then
		// fills every field and sends it, and sees the confirmation.
		tab := newTab(t, browser)
		path := "/anmalan/" + anmalanLink.Token
		open(t, tab, e.http.URL+path, 200)
		tabTo(t, tab, "rubrik")
		if got := submitByKey(t, tab, kb.Enter); got != 422 {
			t.Fatalf("the empty form answered %d, want 422", got)
		}
		audit(t, tab, axe, "label", "aria-valid-attr-value")
		if *screenshotDir != "" {
			must(t, os.WriteFile(filepath.Join(*screenshotDir, "anmalan-fel-1280.png"), run(t, tab, chromedp.FullScreenshot(100)), 0o644))
		}
		errs := eval[struct {
			Summary, Message, DescribedBy, Invalid, Title string
		}](t, tab, `(() => {
			const f = document.getElementById("rubrik");
			return {summary: document.querySelector('[role="alert"]').innerText, message: document.getElementById("rubrik-fel").innerText,
				describedBy: f.getAttribute("aria-describedby"), invalid: f.getAttribute("aria-invalid"), title: document.title};
		})()`)
		if !strings.Contains(errs.Summary, "Skriv en rubrik för punkten.") || !strings.Contains(errs.Message, "Skriv en rubrik för punkten.") ||
			!strings.Contains(errs.DescribedBy, "rubrik-fel") || errs.Invalid != "true" || !strings.HasPrefix(errs.Title, "Fel: ") {
			t.Errorf("the error is not shown and tied to the field: %+v", errs)
		}
		// The summary's link leads to the field.
		if href := eval[string](t, tab, `document.querySelector('[role="alert"] a').getAttribute("href")`); href != "#rubrik" {
			t.Errorf("the summary links %q, want #rubrik", href)
		}

		tabTo(t, tab, "rubrik")
		key(t, tab, "Uppföljning av samverkansplanen")
		tabTo(t, tab, "typ")
		key(t, tab, kb.ArrowDown) // Information → Beslut
		tabTo(t, tab, "beskrivning")
		key(t, tab, "Läget i kommunerna")
		key(t, tab, kb.Enter)
		key(t, tab, "Nästa steg")
		tabTo(t, tab, "lank")
		key(t, tab, "https://www.regionorebrolan.se/samverkansplan.pdf")
		tabTo(t, tab, "Anmäl punkten")
		if got := submitByKey(t, tab, kb.Enter); got != 200 {
			t.Fatalf("sending the form ended on a page with status %d, want 200 (after 303)", got)
		}
		if got := run(t, tab, chromedp.Location()); got != e.http.URL+path+"?tack=1" {
			t.Errorf("after sending the browser is at %s, want %s?tack=1", got, path)
		}
		text := eval[string](t, tab, `document.querySelector("main").innerText`)
		for _, want := range []string{"Tack! Din punkt är anmäld.", "Uppföljning av samverkansplanen (beslutspunkt)"} {
			if !strings.Contains(text, want) {
				t.Errorf("the page after sending lacks %q:\n%s", want, text)
			}
		}
		audit(t, tab, axe, "label")
		items, err := e.store.FindAgendaItems(context.Background(), first.ID)
		must(t, err)
		var got *calendar.AgendaItem
		for _, a := range items {
			if a.SubmittedBy == "anna-jakobsson" {
				got = a
			}
		}
		if got == nil || got.Title != "Uppföljning av samverkansplanen" || got.Kind != calendar.AgendaDecision || got.Presenter != "Anna Jakobsson" ||
			!slices.Equal(got.SubPoints, []string{"Läget i kommunerna", "Nästa steg"}) || len(got.Links) != 1 || got.Status != calendar.AgendaProposed {
			t.Errorf("stored item %+v", got)
		}
	})

	t.Run("Justering", func(t *testing.T) {
		// The justerare opens the link, reads, and approves with the one
		// button, by keyboard; the page then says so.
		tab := newTab(t, browser)
		open(t, tab, e.http.URL+"/justering/"+justeringLink.Token, 200)
		tabTo(t, tab, "Justera")
		if got := submitByKey(t, tab, kb.Enter); got != 200 {
			t.Fatalf("approving ended on a page with status %d, want 200 (after 303)", got)
		}
		text := eval[string](t, tab, `document.querySelector("main").innerText`)
		if !strings.Contains(text, "Du justerade protokollet den 2025-01-10.") || strings.Contains(text, "Din justering") {
			t.Errorf("the page after approving:\n%s", text)
		}
		audit(t, tab, axe)
		j, err := e.store.FindJustering(context.Background(), councils.ID)
		must(t, err)
		if j.Approvals[0].Person != "siw-lunander" || j.Approvals[0].ApprovedAt.IsZero() || !j.Approvals[1].ApprovedAt.IsZero() {
			t.Errorf("approvals after the justerare's click: %+v", j.Approvals)
		}
	})
}

// audit runs axe-core on the page in tab and fails t for every violation
// of WCAG 2.1 AA, and when a rule that every page must pass (and extra
// ones, such as "label" on a form) did not run and pass.
func audit(t *testing.T, tab context.Context, axe []byte, mustPass ...string) {
	t.Helper()
	res := runAxe(t, tab, axe)
	for _, v := range res.Violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("\n    %v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " ")))
		}
		t.Errorf("axe %s (%s): %s%s", v.ID, v.Impact, v.Help, strings.Join(nodes, ""))
	}
	for _, v := range res.Incomplete {
		t.Logf("axe could not decide %s (%s) on %d elements: %s", v.ID, v.Help, len(v.Nodes), v.HelpURL)
	}
	// Without these the audit ran nothing that matters: a wrong tag, or axe
	// not seeing the page.
	passed := map[string]bool{}
	for _, r := range res.Passes {
		passed[r.ID] = true
	}
	for _, id := range append([]string{"color-contrast", "document-title", "html-has-lang", "html-lang-valid", "link-name"}, mustPass...) {
		if !passed[id] {
			t.Errorf("axe rule %s did not pass (violations above, if any)", id)
		}
	}
}

// tabTo presses Tab until the element with id (or, for a button, the
// text) has focus, as a keyboard user moves through a form. (The Keyboard
// test checks that focus is visible on every stop of every page.)
func tabTo(t *testing.T, tab context.Context, idOrText string) {
	t.Helper()
	for range 40 {
		key(t, tab, kb.Tab)
		// A small script per press (focused reads much more): on a long
		// form the presses add up.
		if f := eval[struct{ Tag, ID, Text string }](t, tab,
			`(el => ({tag: el.tagName, id: el.id, text: el.innerText.trim()}))(document.activeElement)`); f.ID == idOrText || f.Tag == "BUTTON" && f.Text == idOrText {
			return
		}
	}
	t.Fatalf("40 presses of Tab did not reach %q", idOrText)
}

// submitByKey presses key (Enter in a text field, or on a button) and
// returns the status of the page the browser then shows.
func submitByKey(t *testing.T, tab context.Context, k string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(tab, chromedp.KeyEvent(k))
	if err != nil {
		t.Fatalf("submit the form: %v", err)
	}
	return resp.Status
}

// chromiumPath finds Chromium or fails the test saying how to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed, and the page tests need a real browser: install it with `apt-get install -y chromium` (Debian) and run the tests again (%v)", err)
	}
	return path
}

// startBrowser starts headless Chromium with a fresh profile and returns
// the browser's context; newTab opens tabs in it. The flags keep Chromium
// off the network: it only talks to the test server.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	profile := t.TempDir() // removed after the browser has stopped (cleanups run last-in first-out)
	output := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "sv-SE"),
		chromedp.WindowSize(1280, 800),
		chromedp.CombinedOutput(output),
	)
	// A browser that hangs fails the step it hangs in shortly before go
	// test's -timeout would end the whole run with a stack dump.
	ctx, cancelDeadline := context.Background(), context.CancelFunc(func() {})
	if d, ok := t.Deadline(); ok {
		ctx, cancelDeadline = context.WithDeadline(ctx, d.Add(-5*time.Second))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelDeadline()
	})
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v\n%s", path, err, output)
	}
	return browser
}

// newTab opens a tab that closes when t ends.
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	return ctx
}

func run[T any](t *testing.T, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// setSession signs the tab in at base with the session secret. The
// cookie goes through the DevTools protocol, not a script's
// document.cookie: a script can run before the page of base has replaced
// about:blank, where the cookie is lost, and the next page was then the
// sign-in page (seen under load, in two tests).
func setSession(t *testing.T, tab context.Context, base, secret string) {
	t.Helper()
	if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: "samkal", Value: secret, URL: base}); err != nil {
		t.Fatalf("set the session cookie: %v", err)
	}
}

func do(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval runs script in the page and decodes its value into T.
func eval[T any](t *testing.T, tab context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("script %s: %v", script, err)
	}
	return v
}

// open navigates tab to url, waits for the page and checks its status.
func open(t *testing.T, tab context.Context, url string, status int64) {
	t.Helper()
	resp := run(t, tab, chromedp.NavigateResponse(url))
	if resp.Status != status {
		t.Fatalf("%s answered %d, want %d", url, resp.Status, status)
	}
}

// key presses a key (a kb constant) as a person would.
func key(t *testing.T, tab context.Context, k string) {
	t.Helper()
	do(t, tab, chromedp.KeyEvent(k))
}

// example is the example region as loaded into the test's store.
type example struct {
	file     *arsplan.File
	meetings map[string]*calendar.Meeting // by key
}

// loadExample applies examples.Region to e's store.
func loadExample(t testing.TB, e *env) *example {
	t.Helper()
	ctx := context.Background()
	data, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		t.Fatal(err)
	}
	f, err := arsplan.Parse(examples.Region, data)
	if err != nil {
		t.Fatalf("parse the example region: %v", err)
	}
	if _, err := arsplan.Apply(ctx, e.store, f); err != nil {
		t.Fatalf("apply the example region: %v", err)
	}
	ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ex := &example{file: f, meetings: map[string]*calendar.Meeting{}}
	for _, m := range ms {
		ex.meetings[m.Key] = m
	}
	return ex
}

func (ex *example) meeting(t *testing.T, key string) *calendar.Meeting {
	t.Helper()
	m := ex.meetings[key]
	if m == nil {
		t.Fatalf("the example region has no meeting %s", key)
	}
	return m
}

// axeResult is the part of axe.run's result the tests read.
type axeResult struct {
	Violations, Incomplete []axeRule
	Passes                 []struct{ ID string }
}

type axeRule struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct {
		Target         []any
		FailureSummary string
	}
}

// runAxe injects axe-core into the page and audits it against WCAG 2.1
// AA. Injecting through the DevTools protocol is not subject to the page's
// Content-Security-Policy, which allows no scripts.
func runAxe(t *testing.T, tab context.Context, axe []byte) axeResult {
	t.Helper()
	eval[chromedp.Void](t, tab, string(axe)+"\n;0")
	tags := `["` + strings.Join(wcag21AA, `", "`) + `"]`
	res, err := chromedp.Run(tab, chromedp.Evaluate[axeResult](
		`axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations", "incomplete"]})`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	return res
}

// focus is what the tests read about the focused element.
type focus struct {
	Tag, ID, Text, Href            string
	InMain, FocusVisible           bool
	OutlineStyle, OutlineColor, Bg string
	OutlineWidth                   float64
	Left, Top, Right, Bottom       float64
	ViewWidth, ViewHeight          float64
}

func focused(t *testing.T, tab context.Context) focus {
	t.Helper()
	return eval[focus](t, tab, `(() => {
		const el = document.activeElement, cs = getComputedStyle(el), r = el.getBoundingClientRect();
		let bg = "rgb(255, 255, 255)";
		for (let n = el.parentElement; n; n = n.parentElement) {
			const c = getComputedStyle(n).backgroundColor;
			if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
		}
		return {tag: el.tagName, id: el.id, text: el.innerText.trim(), href: el.getAttribute("href") || "",
			inMain: !!el.closest("main"), focusVisible: el.matches(":focus-visible"),
			outlineStyle: cs.outlineStyle, outlineColor: cs.outlineColor, bg: bg, outlineWidth: parseFloat(cs.outlineWidth),
			left: r.left, top: r.top, right: r.right, bottom: r.bottom,
			viewWidth: document.documentElement.clientWidth, viewHeight: innerHeight};
	})()`)
}

// checkFocusVisible checks WCAG 2.4.7 and 1.4.11 for the focused element:
// it is on screen and has an outline of at least 2 px whose colour has a
// contrast of at least 3:1 with the background around it.
func checkFocusVisible(t *testing.T, f focus) {
	t.Helper()
	what := fmt.Sprintf("%s %q", f.Tag, f.Text)
	if !f.FocusVisible {
		t.Errorf("%s: has focus but does not match :focus-visible", what)
	}
	if f.Right-f.Left < 1 || f.Bottom-f.Top < 1 || f.Left < -1 || f.Top < -1 || f.Right > f.ViewWidth+1 || f.Bottom > f.ViewHeight+1 {
		t.Errorf("%s: focused but not on screen (%.0f,%.0f)–(%.0f,%.0f) in %.0f×%.0f", what, f.Left, f.Top, f.Right, f.Bottom, f.ViewWidth, f.ViewHeight)
	}
	if f.OutlineStyle == "none" || f.OutlineWidth < 2 {
		t.Errorf("%s: focus outline %s %.1fpx, want a visible outline of at least 2px", what, f.OutlineStyle, f.OutlineWidth)
		return
	}
	c, err := contrast(f.OutlineColor, f.Bg)
	if err != nil {
		t.Errorf("%s: %v", what, err)
	} else if c < 3 {
		t.Errorf("%s: focus outline %s on %s has contrast %.2f:1, want at least 3:1", what, f.OutlineColor, f.Bg, c)
	}
}

var rgbPattern = regexp.MustCompile(`^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$`)

// contrast is the WCAG contrast ratio of two opaque CSS colours as
// getComputedStyle writes them ("rgb(179, 89, 0)").
func contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05), nil
}

func luminance(color string) (float64, error) {
	m := rgbPattern.FindStringSubmatch(color)
	if m == nil || m[4] != "" && m[4] != "1" {
		return 0, fmt.Errorf("colour %q is not an opaque rgb() colour", color)
	}
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.Atoi(m[i+1])
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l, nil
}

// overflowScript measures sideways scrolling and lists up to ten elements
// that stick out of the viewport or cut off their content. Text hidden on
// purpose (.sr-only, and the skip link until it has focus) is left out.
const overflowScript = `(() => {
	const vw = document.documentElement.clientWidth, out = [];
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") +
		" " + JSON.stringify((el.innerText || "").slice(0, 40));
	for (const el of document.body.querySelectorAll("*")) {
		if (el.closest(".sr-only, .skip")) continue;
		const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
		if (r.width === 0 && r.height === 0) continue;
		// Visually hidden on purpose, as .sr-only does it (a 1×1 px clip):
		// the header row of a table stacked on a narrow screen.
		if (r.width <= 1 && r.height <= 1 && cs.overflow === "hidden") continue;
		if (r.right > vw + 0.5 || r.left < -0.5) out.push(name(el) + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
		// A text field the person types in scrolls its own line, as every
		// text field does; what they read must not be cut off.
		else if (el.matches("input:not([readonly])")) continue;
		else if (cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) out.push(name(el) + " cuts off its content (" + el.scrollWidth + " px in " + el.clientWidth + " px)");
	}
	return {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, offenders: out.slice(0, 10)};
})()`
