package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// TestBrowserSecretaryReflow opens every secretary page, signed in as
// Maria Lindborg, at 200 % zoom of a 1280×800 window and at 390 px (a
// phone), and fails when one scrolls sideways or cuts off its content
// (WCAG 1.4.4 and 1.4.10). Two pages at 200 % are kept in docs/screenshots
// for a person to look at.
//
// 200 % zoom is emulated as Chromium zooms: Emulation.setDeviceMetricsOverride
// with a 640×400 CSS px layout viewport and a device scale factor of 2, so
// the page lays out in 640 CSS px, media queries and rem see what they see
// at 200 %, window.devicePixelRatio is 2 and the screenshot is 1280 device
// pixels wide, as the window is. (A 640 px viewport alone would lay out the
// same but render at 1:1; setPageScaleFactor is a pinch zoom, which does not
// reflow the page.) The test checks devicePixelRatio, the layout width and
// the screenshot's width, so a wrong emulation fails.
func TestBrowserSecretaryReflow(t *testing.T) {
	chromium := chromiumPath(t)
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost" })
	ex := loadExample(t, e)
	ctx := context.Background()
	for _, b := range []string{"lansdel-norr", "lansdel-soder", "lansdel-vaster", "lansdel-orebro", "samverkan-olbf", "samverkan-rf-sisu",
		"specifika-samverkansradet-for-folkhalsa", "specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg"} {
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: b})
		must(t, err)
	}
	secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
	must(t, err)
	// The pages' states with the most in them: a dagordning with items and
	// a member's proposal, minutes waiting for justering, mail in the outbox.
	first := ex.meeting(t, "chefsgrupp-folkhalsa-2025-01-21")
	agendaPath := fmt.Sprintf("/api/v1/meetings/%d/agenda", first.ID)
	e.write("POST", agendaPath+"/standard", nil, 200)
	e.write("POST", agendaPath, object{"title": "Gemensam samverkansplan för folkhälsa", "kind": "dialog",
		"presenter":  "Maria Lindborg och Anna Swift Johannison",
		"sub_points": []string{"Presentation av arbetsgruppens arbete samt förslag till gemensam samverkansplan, ej för beslut utan för diskussion"},
		"links":      []object{{"title": "Presentation av samverkansplanen", "url": "https://www.regionorebrolan.se/samverkansplan.pdf"}}}, 201)
	e.write("POST", agendaPath, object{"title": "Psykisk hälsa bland unga", "status": "proposed", "submitted_by": "anna-jakobsson"}, 201)
	councils := ex.meeting(t, "specifika-samverkansraden-2024-09-20")
	e.write("POST", fmt.Sprintf("/api/v1/meetings/%d/justering", councils.ID),
		object{"justerare": []string{"siw-lunander"}, "document_url": "https://www.regionorebrolan.se/protokoll/samverkansraden-2024-09-20.pdf"}, 201)
	_, err = e.store.EnqueueMessage(ctx, &calendar.OutboxMessage{Key: fmt.Sprintf("m%d/kallelse/siw-lunander/r0", first.ID), Kind: "kallelse",
		MeetingID: first.ID, Recipient: "siw-lunander@example.org", Person: "siw-lunander", Subject: "Kallelse: Chefsgrupp folkhälsa 21 januari 2025",
		Body: []byte("Subject: x\r\n\r\nhej\r\n")})
	must(t, err)
	bookingLink, err := e.store.EnsureWindowLink(ctx, 1, "maria-lindborg", time.Date(2025, 9, 22, 0, 0, 0, 0, calendar.Location))
	must(t, err)
	body := "chefsgrupp-folkhalsa"
	members, err := e.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &body})
	must(t, err)

	hub := fmt.Sprintf("/mina-organ/moten/%d", first.ID)
	conference := fmt.Sprintf("/mina-organ/moten/%d", ex.meeting(t, "lansdel-vaster-konferens-2024-10-18").ID)
	pages := []struct{ name, path string }{
		{"mina-organ", "/mina-organ"},
		{"arsplan", "/mina-organ/chefsgrupp-folkhalsa?ar=2025"},
		{"arsplan-rutnat", "/mina-organ/chefsgrupp-folkhalsa?ar=2025&visa=rutnat"},
		{"nytt-mote", "/mina-organ/chefsgrupp-folkhalsa/nytt-mote"},
		{"ny-handelse", "/mina-organ/lansdel-vaster/ny-handelse"},
		{"handelse", conference},
		{"handelse-andra", conference + "/andra"},
		{"motesnav", hub},
		{"andra", hub + "/andra"},
		{"installa", hub + "/installa"},
		{"dagordning", hub + "/dagordning"},
		{"backlogg", "/mina-organ/chefsgrupp-folkhalsa/backlogg"},
		{"justering", fmt.Sprintf("/mina-organ/moten/%d/justering", councils.ID)},
		{"utskick", hub + "/utskick"},
		{"utkorg", "/mina-organ/utkorg"},
		{"medlemmar", "/mina-organ/chefsgrupp-folkhalsa/medlemmar"},
		{"medlem-andra", fmt.Sprintf("/mina-organ/chefsgrupp-folkhalsa/medlemmar/%d/andra", members[0].ID)},
		{"installningar", "/mina-organ/chefsgrupp-folkhalsa/installningar"},
		{"bokningsveckor", "/mina-organ/bokning"},
		{"bokningsvecka", "/mina-organ/bokning/1"},
		{"bokningsveckor-ny", "/mina-organ/bokning/ny"},
		{"bokning-lank", "/bokning/" + bookingLink.Token},
		{"bokningsvecka-andra", "/mina-organ/bokning/1/andra"},
		{"bokningsvecka-ta-bort", "/mina-organ/bokning/1/ta-bort"},
		{"nasta-ar", "/mina-organ/chefsgrupp-folkhalsa/nasta-ar?ar=2026"},
		{"arsplan-importera", "/mina-organ/chefsgrupp-folkhalsa/importera"},
		{"medlemmar-importera", "/mina-organ/chefsgrupp-folkhalsa/medlemmar/importera"},
		{"andringar", "/mina-organ/chefsgrupp-folkhalsa/andringar"},
		// The members' pages.
		{"organ", "/organ/chefsgrupp-folkhalsa?ar=2025"},
		{"sammantradesplan", "/organ/chefsgrupp-folkhalsa/sammantradesplan?ar=2025"},
		{"kalender-manad", "/kalender?manad=2025-09"},
		{"kalender-vecka", "/kalender?vecka=2025-W37"},
		{"mina-moten", "/mina-moten"},
		{"organ-sok", "/organ?sok=samverkan"},
		{"kalenderval", "/mina-moten/kalenderval"},
		{"kalenderlank", "/kalenderlank"},
		{"egen-kalender", "/mina-moten/egen-kalender"},
		{"kan-inte", "/mina-moten/kan-inte/1"},
		{"kan-inte-lank", "/bokning/" + bookingLink.Token + "/kan-inte"},
		{"forhinder", fmt.Sprintf("/mina-moten/forhinder/%d", first.ID)},
	}

	browser := startBrowser(t, chromium)
	base := e.http.URL
	for _, c := range []struct {
		name          string
		width, height int64
		scale         float64
		shots         map[string]string // page name -> file in docs/screenshots
	}{
		{"zoom200", 640, 400, 2, map[string]string{"dagordning": "dagordning-zoom200.png", "arsplan-rutnat": "arsplan-rutnat-zoom200.png",
			"kan-inte": "kan-inte-zoom200.png", "forhinder": "forhinder-zoom200.png", "organ-sok": "organ-sok-zoom200.png",
			"handelse-andra": "handelse-andra-zoom200.png"}},
		{"390px", 390, 800, 1, nil},
	} {
		tab := newTab(t, browser)
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: c.width, Height: c.height, DeviceScaleFactor: c.scale, Mobile: false}); err != nil {
			t.Fatalf("emulate %s: %v", c.name, err)
		}
		open(t, tab, base+"/", 200)
		setSession(t, tab, base, secret)
		for _, p := range pages {
			t.Run(c.name+" "+p.name, func(t *testing.T) {
				open(t, tab, base+p.path, 200)
				if got := run(t, tab, chromedp.Location()); strings.Contains(got, "/logga-in") {
					t.Fatalf("%s led to the sign-in page", p.path)
				}
				r := eval[struct {
					ScrollWidth, ClientWidth int
					Offenders                []string
				}](t, tab, overflowScript)
				if dpr := eval[float64](t, tab, `window.devicePixelRatio`); r.ClientWidth != int(c.width) || dpr != c.scale {
					t.Fatalf("the page is %d CSS px wide at device pixel ratio %v, want %d at %v (is the zoom emulated?)", r.ClientWidth, dpr, c.width, c.scale)
				}
				if r.ScrollWidth > r.ClientWidth || len(r.Offenders) > 0 {
					t.Errorf("scrolls sideways (%d px content in %d px) or cuts off content:\n  %s",
						r.ScrollWidth, r.ClientWidth, strings.Join(r.Offenders, "\n  "))
				}
				if file := c.shots[p.name]; file != "" {
					shot := run(t, tab, chromedp.FullScreenshot(100))
					img, err := png.Decode(bytes.NewReader(shot))
					must(t, err)
					if w := img.Bounds().Dx(); w != int(float64(c.width)*c.scale) {
						t.Errorf("the screenshot is %d px wide, want %d (the window's width)", w, int(float64(c.width)*c.scale))
					}
					must(t, os.MkdirAll("../docs/screenshots", 0o755))
					must(t, os.WriteFile(filepath.Join("../docs/screenshots", file), shot, 0o644))
				}
			})
		}
	}
}
