package api_test

import (
	"context"
	"fmt"
	"net/url"
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

// TestBrowserJustering: in Chromium, by keyboard alone, the council's
// secretary marks the minutes ready (Siw and Anna as justerare, the chair
// preselected), the justerare approves through the link from her mail,
// and the secretary sees the approval on the page; then the outbox, with
// one failed message tried again. axe-core audits the form, the followed
// justering, the meeting's mailings and the outbox; each is photographed
// at 390 px.
func TestBrowserJustering(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	var mb mailbox
	e := newEnv(t, nil, mb.options, func(o *api.Options) { o.BaseURL = "http://localhost" })
	seed(t, e)
	c := seedCouncil(t, e)
	ctx := context.Background()
	must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: c.slug, Person: "anna-berg", Role: calendar.RoleSubstitute, From: calendar.Date{Year: 2024, Month: 1, Day: 1}}))
	grant(t, e, "maria-lindborg", calendar.AccessSecretary, c.slug)
	_, err = e.store.EnqueueMessage(ctx, &calendar.OutboxMessage{Key: fmt.Sprintf("m%d/kallelse/siw-lunander/r0", c.meeting.ID), Kind: "kallelse",
		MeetingID: c.meeting.ID, Recipient: siwEmail, Person: "siw-lunander", Subject: "Kallelse", Body: []byte("Subject: x\r\n\r\nhej\r\n")})
	must(t, err)
	claimed, err := e.store.ClaimMessages(ctx, "test", e.clock.Now(), time.Minute, 1, false)
	must(t, err)
	must(t, e.store.MarkMessageFailed(ctx, claimed[0].ID, "test", "550 5.1.1 Recipient address rejected"))

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	base := e.http.URL
	// Maria signs in with the link from her mail.
	if r := e.postForm("/logga-in", url.Values{"epost": {mariaEmail}}); r.StatusCode != 200 {
		t.Fatalf("asking for a sign-in link: %d", r.StatusCode)
	}
	links := signInMails(t, e, mariaEmail)
	if len(links) != 1 {
		t.Fatalf("%d sign-in mails, want 1", len(links))
	}
	open(t, tab, base+"/logga-in/"+links[0], 200)
	tabTo(t, tab, "Logga in")
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Logga in ended on %d", got)
	}

	path := fmt.Sprintf("/mina-organ/moten/%d/justering", c.meeting.ID)
	open(t, tab, base+path, 200)
	audit(t, tab, axe, "label")
	screenshot(t, tab, "justering-formular-390.png")
	tabTo(t, tab, "justerare") // Anna Berg, first by name
	key(t, tab, " ")
	tabTo(t, tab, "justerare-siw-lunander")
	key(t, tab, " ")
	tabTo(t, tab, "dokument")
	key(t, tab, protocolURL)
	tabTo(t, tab, "Markera som klart")
	checkFocusVisible(t, focused(t, tab))
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Markera som klart ended on %d, want 200 (after 303)", got)
	}
	if got := run(t, tab, chromedp.Location()); got != base+path {
		t.Fatalf("after marking the browser is at %s", got)
	}
	audit(t, tab, axe)
	j, err := e.store.FindJustering(ctx, c.meeting.ID)
	must(t, err)
	if got := fmt.Sprintf("%v %s %s", j.Justerare, j.Chair, j.DocumentURL); got != "[anna-berg siw-lunander] behcet-barsom "+protocolURL {
		t.Fatalf("marked %s", got)
	}

	// Siw opens the link from her mail in her own browser and approves.
	siw := newTab(t, startBrowser(t, chromium))
	l := link(t, e, calendar.LinkJustering, c.meeting, "siw-lunander", time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location))
	open(t, siw, base+"/justering/"+l.Token, 200)
	tabTo(t, siw, "Justera")
	if got := submitByKey(t, siw, kb.Enter); got != 200 {
		t.Fatalf("Justera ended on %d", got)
	}

	// The secretary reloads and sees the approval.
	open(t, tab, base+path, 200)
	text := eval[string](t, tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"Protokollet väntar på justering (2 underskrifter saknas)", "Siw Lunander", "Justerade 2025-01-10"} {
		if !strings.Contains(text, want) {
			t.Errorf("after Siw's approval the page lacks %q:\n%s", want, text)
		}
	}
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the justering page is %v px wide at 390 px", w)
	}
	screenshot(t, tab, "justering-390.png")

	// What Samkal sends about the meeting, and when.
	open(t, tab, base+fmt.Sprintf("/mina-organ/moten/%d/utskick", c.meeting.ID), 200)
	audit(t, tab, axe)
	if text := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(text, "Påminnelse om justering") {
		t.Errorf("the mailings page lacks the justering's reminders:\n%s", text)
	}
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the mailings page is %v px wide at 390 px", w)
	}
	screenshot(t, tab, "utskick-390.png")

	// The outbox: the failed kallelse, tried again by keyboard.
	open(t, tab, base+"/mina-organ/utkorg", 200)
	audit(t, tab, axe)
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the outbox is %v px wide at 390 px", w)
	}
	screenshot(t, tab, "utkorg-390.png")
	tabTo(t, tab, "Försök igen\nmed mejlet till Siw Lunander") // the hidden words are a line of their own to innerText
	if got := submitByKey(t, tab, kb.Enter); got != 200 {
		t.Fatalf("Försök igen ended on %d", got)
	}
	if text := eval[string](t, tab, `document.querySelector("main").innerText`); !strings.Contains(text, "Mejlet till Siw Lunander skickas igen inom kort.") {
		t.Errorf("after Försök igen the outbox says:\n%s", text)
	}
	audit(t, tab, axe)
}

// screenshot saves the whole page in tab as name, in -screenshots DIR when
// given.
func screenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	shot := run(t, tab, chromedp.FullScreenshot(100))
	dir := *screenshotDir
	if dir == "" {
		dir = t.TempDir()
	} else {
		must(t, os.MkdirAll(dir, 0o755))
		t.Logf("screenshot in %s", filepath.Join(dir, name))
	}
	must(t, os.WriteFile(filepath.Join(dir, name), shot, 0o644))
}
