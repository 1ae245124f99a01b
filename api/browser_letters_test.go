package api_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
)

// TestBrowserLetters: in Chromium, by keyboard alone, the secretary of
// Chefsgrupp folkhälsa opens a meeting's Utskick, reads the call as its
// recipients will, holds it, releases it, sends it now, and writes a
// message for the kallelse. axe-core audits every page on the way; the
// Utskick page and the letter are photographed at 390 px.
func TestBrowserLetters(t *testing.T) {
	chromium := chromiumPath(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm ci --prefix testdata/axe`", err)
	}
	var mb mailbox
	fake := &letterFake{}
	e := newEnv(t, nil, mb.options, fake.options, func(o *api.Options) { o.BaseURL = "http://localhost" })
	f := seed(t, e)
	grant(t, e, "maria-lindborg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
	m := f.folkhalsa[1]

	browser := startBrowser(t, chromium)
	tab := newTab(t, browser)
	do(t, tab, chromedp.EmulateViewport(390, 800))
	base := e.http.URL
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

	utskick := base + fmt.Sprintf("/mina-organ/moten/%d/utskick", m.ID)
	open(t, tab, utskick, 200)
	audit(t, tab, axe)
	wide := func(what string) {
		t.Helper()
		if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %v px wide at 390 px", what, w)
		}
	}
	wide("the Utskick page")
	screenshot(t, tab, "utskick-brev-390.png")
	main := func() string { return eval[string](t, tab, `document.querySelector("main").innerText`) }
	press := func(id string, want ...string) {
		t.Helper()
		tabTo(t, tab, id)
		checkFocusVisible(t, focused(t, tab))
		if got := submitByKey(t, tab, kb.Enter); got != 200 {
			t.Fatalf("%s ended on %d", id, got)
		}
		audit(t, tab, axe)
		text := main()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("after %s the page lacks %q:\n%s", id, w, text)
			}
		}
	}

	// Read the call as Maria will.
	press("las-inbjudan", "Brevet som Maria Lindborg får det", "Ämne: Anmäl punkter till Chefsgrupp folkhälsa 20 mars",
		"(din personliga länk)", "Mottagare (2)")
	wide("the letter")
	screenshot(t, tab, "utskick-inbjudan-390.png")

	// Hold it from the letter's page, release it, send it now.
	press("hall-inbjudan", "Brevet hålls inne.", "Hålls inne. Skickas inte förrän du släpper det.")
	press("slapp-inbjudan", "Brevet är släppt och skickas på sin dag.", "Skickas automatiskt 2025-03-06 09.00")
	press("skicka-nu-inbjudan", "Brevet ligger i utkorgen och går ut inom några minuter.")
	cs, err := e.store.FindMailControls(context.Background(), m.ID)
	must(t, err)
	if len(cs) != 1 || cs[0].State != calendar.MailNow || fake.queued != 1 {
		t.Errorf("after Skicka nu: %d choices (%+v), %d scans; want the call sent now, one scan", len(cs), cs, fake.queued)
	}

	// A message at the top of the kallelse.
	tabTo(t, tab, "meddelande")
	key(t, tab, "Vi bjuder på fika från kl. 12.30.")
	press("spara-meddelande", "Meddelandet är sparat och står överst i kallelsen.")
	wide("the Utskick page with its confirmation")
}
