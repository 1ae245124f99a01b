package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// letterFake stands for notify's composer (serve wires
// notify.Scanner.Preview): it writes a letter that names what it was
// asked for, and counts the scans "Skicka nu" asks for.
type letterFake struct {
	mu     sync.Mutex
	asked  []string
	queued int
}

func (f *letterFake) preview(_ context.Context, id int64, l calendar.MailLetter, _ time.Time) (*api.LetterPreview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, fmt.Sprintf("%d/%s", id, l))
	subject := "Anmäl punkter till Chefsgrupp folkhälsa 20 mars"
	text := "Hej Maria!\n\nNu kan du anmäla punkter till mötet.\n\nAnmäl punkter här:\n(din personliga länk)\n"
	if l == calendar.MailNotice {
		subject = "Kallelse: Chefsgrupp folkhälsa torsdag 20 mars kl. 13.00"
		text = "Hej Maria!\n\nHärmed kallas du till följande möte.\n\n<Välkommen>\n"
	}
	return &api.LetterPreview{Subject: subject, Text: text, Sample: api.LetterRecipient{Name: "Maria Lindborg", Email: "maria@example.se"},
		Recipients: []api.LetterRecipient{{Name: "Maria Lindborg", Email: "maria@example.se"},
			{Name: "Frida Alm", Skip: "personen saknar e-postadress"}}}, nil
}

func (f *letterFake) queue(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued++
	return nil
}

func (f *letterFake) options(o *api.Options) {
	timing := calendar.MailTiming{SendTime: 9 * 60, CallDays: 14, CallDeadlineDays: 7, NoticeDays: 5, JusteringReminderDays: 3}
	o.MailTiming, o.PreviewLetter, o.QueueMail = &timing, f.preview, f.queue
}

// wantControl fails unless the meeting's letter has state and message.
func wantControl(t *testing.T, e *env, id int64, l calendar.MailLetter, state calendar.MailState, message string) {
	t.Helper()
	cs, err := e.store.FindMailControls(context.Background(), id)
	must(t, err)
	for _, c := range cs {
		if c.Letter == l {
			if c.State != state || c.Message != message || c.ChangedBy != "maria-lindborg" {
				t.Errorf("%s: %s %q by %q, want %s %q by maria-lindborg", l, c.State, c.Message, c.ChangedBy, state, message)
			}
			return
		}
	}
	t.Errorf("%s: no choice stored, want %s", l, state)
}

// TestLetterPages: the secretary reads the call before it goes, holds it,
// releases it and sends it now; writes a message for the kallelse (a bad
// one refused in Swedish); and makes the body's letters wait for Skicka,
// which the Utskick page and Mina organ then say.
func TestLetterPages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		fake := &letterFake{}
		e := newEnv(t, open, fake.options)
		e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		f := seed(t, e)
		grant(t, e, "maria-lindborg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
		maria := sessionOf(t, e, "maria-lindborg")
		m := f.folkhalsa[1] // 20 March 2025: the call 6 March, the kallelse 15 March
		utskick := fmt.Sprintf("/mina-organ/moten/%d/utskick", m.ID)

		wantHTML(t, e.get(utskick, maria), http.StatusOK, `<h2 id="breven">Inbjudan och kallelse</h2>`,
			"<h3>Inbjudan att anmäla punkter</h3>\n<p>Skickas automatiskt 2025-03-06 09.00</p>",
			`<a href="`+utskick+`/inbjudan" id="las-inbjudan">Läs brevet<span class="sr-only">: Inbjudan att anmäla punkter</span></a>`,
			`<button class="button secondary" type="submit" name="atgard" value="hall" id="hall-inbjudan">Håll inne`,
			`<button class="button" type="submit" name="atgard" value="skicka" id="skicka-nu-kallelse">Skicka nu`,
			`<label for="meddelande">Personligt meddelande i kallelsen (frivilligt)</label>`)

		// The letter as Maria will read it, and who gets it.
		page := wantHTML(t, e.get(utskick+"/inbjudan", maria), http.StatusOK, "<h1>Inbjudan att anmäla punkter</h1>",
			"<h2 id=\"brevet\">Brevet som Maria Lindborg får det</h2>",
			`<span class="label">Ämne:</span> Anmäl punkter till Chefsgrupp folkhälsa 20 mars`, "(din personliga länk)",
			"Mottagare (2)", "1 av dem saknar e-postadress", "Frida Alm – <strong>får inget brev:</strong> personen saknar e-postadress",
			`id="hall-inbjudan"`)
		if want := fmt.Sprintf("%d/call", m.ID); len(fake.asked) != 1 || fake.asked[0] != want {
			t.Errorf("preview asked for %v, want [%s]", fake.asked, want)
		}
		wantHTML(t, e.get(utskick+"/kallelse", maria), http.StatusOK, "&lt;Välkommen&gt;")
		if strings.Contains(page, "<Välkommen>") {
			t.Error("the letter's text is not escaped")
		}
		if r := e.get(utskick+"/sammanstallning", maria); r.StatusCode != http.StatusNotFound {
			t.Errorf("a letter that is not offered: %d, want 404", r.StatusCode)
		}

		// Håll inne, Släpp, Skicka nu.
		post := func(l, action, wantDone string) {
			t.Helper()
			r := e.postForm(utskick+"/"+l, url.Values{"atgard": {action}}, maria)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != utskick+"?klart="+wantDone {
				t.Fatalf("%s %s: %d to %q, want 303 to ?klart=%s:\n%s", l, action, r.StatusCode, r.Header.Get("Location"), wantDone, r.body)
			}
		}
		post("inbjudan", "hall", "hallen")
		wantControl(t, e, m.ID, calendar.MailCall, calendar.MailHeld, "")
		wantHTML(t, e.get(utskick+"?klart=hallen", maria), http.StatusOK, "Brevet hålls inne.",
			"<p>Hålls inne. Skickas inte förrän du släpper det.</p>", `id="slapp-inbjudan"`,
			`<td data-label="Läge">Hålls inne. Skickas inte förrän du släpper det.</td>`)
		ch, err := e.store.FindChanges(context.Background(), calendar.ChangeFilter{Entity: ptrTo("meeting"), EntityID: &m.ID, Limit: 1})
		must(t, err)
		if fc := ch[0].Fields["mail_call"]; fc.New != "held" || ch[0].Actor.Person != "maria-lindborg" {
			t.Errorf("recorded %+v by %q, want mail_call → held by maria-lindborg", ch[0].Fields, ch[0].Actor.Person)
		}
		post("inbjudan", "slapp", "slappt")
		wantControl(t, e, m.ID, calendar.MailCall, calendar.MailReleased, "")
		post("inbjudan", "skicka", "i-kon")
		wantControl(t, e, m.ID, calendar.MailCall, calendar.MailNow, "")
		if fake.queued != 1 {
			t.Errorf("Skicka nu ran %d scans, want 1", fake.queued)
		}
		wantHTML(t, e.get(utskick, maria), http.StatusOK, "<p>Skickas nu, inom några minuter</p>")
		r := e.postForm(utskick+"/inbjudan", url.Values{"atgard": {"kanske"}}, maria)
		wantHTML(t, r, http.StatusUnprocessableEntity, "Välj om brevet ska hållas inne, släppas eller skickas nu.")

		// The message: refused in Swedish, then saved; the state stays.
		post("kallelse", "hall", "hallen")
		r = e.postForm(utskick+"/kallelse/meddelande", url.Values{"meddelande": {"Fika \u202ekl. 12.30"}}, maria)
		wantHTML(t, r, http.StatusUnprocessableEntity, "<title>Fel: Utskick", `<a href="#meddelande">Meddelandet innehåller`,
			`aria-invalid="true">Fika`)
		r = e.postForm(utskick+"/kallelse/meddelande", url.Values{"meddelande": {"  Vi bjuder på fika.\r\nVälkomna!  "}}, maria)
		if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "?klart=meddelande") {
			t.Fatalf("message: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		wantControl(t, e, m.ID, calendar.MailNotice, calendar.MailHeld, "Vi bjuder på fika.\nVälkomna!")
		wantHTML(t, e.get(utskick+"?klart=meddelande", maria), http.StatusOK, "Meddelandet är sparat och står överst i kallelsen.",
			">Vi bjuder på fika.\nVälkomna!</textarea>")

		// Others may not; a proposed meeting gets no letters.
		wantHTML(t, e.postForm(utskick+"/inbjudan", url.Values{"atgard": {"hall"}}, sessionOf(t, e, "anna-berg")), http.StatusForbidden)
		if r := e.postForm(utskick+"/inbjudan", url.Values{"atgard": {"hall"}}); r.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(r.Header.Get("Location"), "/logga-in") {
			t.Errorf("anonymous: %d to %q, want 303 to /logga-in", r.StatusCode, r.Header.Get("Location"))
		}
		proposed := fmt.Sprintf("/mina-organ/moten/%d/utskick", f.folkhalsa[2].ID)
		wantHTML(t, e.postForm(proposed+"/inbjudan", url.Values{"atgard": {"skicka"}}, maria), http.StatusConflict,
			"Mötet är ett förslag. Samkal skickar ingenting förrän tiden är fastställd.")
		wantHTML(t, e.get(proposed+"/inbjudan", maria), http.StatusOK, "Mötet är ett förslag.")

		// The body's letters wait for Skicka: the setting, the API, the
		// pages.
		settings := "/mina-organ/chefsgrupp-folkhalsa/installningar"
		wantHTML(t, e.get(settings, maria), http.StatusOK, `value="automatiskt" checked`, "Först när jag trycker Skicka")
		r = e.postForm(settings, url.Values{"namn": {"Chefsgrupp folkhälsa"}, "utskick": {"manuellt"}}, maria)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d:\n%s", r.StatusCode, r.body)
		}
		wantHTML(t, e.get(settings, maria), http.StatusOK, `value="manuellt" checked`)
		if b := e.adminGet("/api/v1/bodies/chefsgrupp-folkhalsa"); !strings.Contains(string(b.body), `"mail_release": "manual"`) {
			t.Errorf("API body: %s, want mail_release manual", b.body)
		}
		post("kallelse", "slapp", "slappt-manuellt")
		wantHTML(t, e.get(utskick, maria), http.StatusOK, "<p>Väntar på att du trycker Skicka</p>",
			`<button class="button" type="submit" name="atgard" value="skicka" id="skicka-kallelse">Skicka<span class="sr-only"> Kallelse med dagordning</span>`)
		e.clock.Set(time.Date(2025, 3, 16, 10, 0, 0, 0, calendar.Location))
		maria = sessionOf(t, e, "maria-lindborg")
		wantHTML(t, e.get("/mina-organ", maria), http.StatusOK,
			"Kallelse med dagordning till mötet torsdag 20 mars 2025 väntar på att du trycker Skicka.", `href="`+utskick+`"`)

		e.write(http.MethodPatch, "/api/v1/bodies/chefsgrupp-folkhalsa", map[string]any{"mail_release": "auto"}, http.StatusOK)
		b, err := e.store.FindBodyBySlug(context.Background(), "chefsgrupp-folkhalsa")
		must(t, err)
		if b.MailRelease != calendar.MailReleaseAuto {
			t.Errorf("after PATCH mail_release auto: %q", b.MailRelease)
		}
		r = e.do(req{method: http.MethodPatch, path: "/api/v1/bodies/chefsgrupp-folkhalsa", body: map[string]any{"mail_release": "sometimes"}, admin: true})
		if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
			t.Errorf("PATCH mail_release sometimes: %d, want it refused", r.StatusCode)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

// FuzzLetterMessageForm: whatever the secretary types as the kallelse's
// message, the form saves it (303) or names the problem in Swedish (422),
// and what is saved reads back as calendar's text rules allow.
func FuzzLetterMessageForm(f *testing.F) {
	f.Add("Vi bjuder på fika.\r\nVälkomna!")
	f.Add("")
	f.Add("   ")
	f.Add("a\u202eb")
	f.Add("nul\x00")
	f.Add(strings.Repeat("å", calendar.MaxMailMessage+1))
	f.Add("\xff\xfe")
	e := newEnv(f, nil, (&letterFake{}).options, func(o *api.Options) { o.RateLimits.Writes = api.Rate{Burst: 1 << 30, Every: time.Nanosecond} })
	fx := seed(f, e)
	grant(f, e, "maria-lindborg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
	maria := sessionOf(f, e, "maria-lindborg")
	path := fmt.Sprintf("/mina-organ/moten/%d/utskick/kallelse/meddelande", fx.folkhalsa[1].ID)
	f.Fuzz(func(t *testing.T, message string) {
		e.t = t
		r := e.postForm(path, url.Values{"meddelande": {message}}, maria)
		switch r.StatusCode {
		case http.StatusSeeOther:
			cs, err := e.store.FindMailControls(context.Background(), fx.folkhalsa[1].ID)
			must(t, err)
			for _, c := range cs {
				if p := calendar.MailMessageText.Check(c.Message, false); p != nil {
					t.Errorf("saved %q, which the rules refuse: %+v", c.Message, p)
				}
			}
		case http.StatusUnprocessableEntity:
			for _, english := range []string{" must ", "unknown", "message:", "characters"} {
				if strings.Contains(r.text(), english) {
					t.Errorf("message %q: the page says %q", message, english)
				}
			}
		default:
			t.Fatalf("message %q: %d, want 303 or 422; body %.500s", message, r.StatusCode, r.body)
		}
	})
}

// TestLetterPagesTooLate: a letter whose time has passed (the meeting
// began, the call's deadline went by) is said to be so, with no button.
func TestLetterPagesTooLate(t *testing.T) {
	e := newEnv(t, nil, (&letterFake{}).options)
	f := seed(t, e)
	grant(t, e, "maria-lindborg", calendar.AccessSecretary, "chefsgrupp-folkhalsa")
	e.clock.Set(time.Date(2025, 3, 14, 10, 0, 0, 0, calendar.Location))
	maria := sessionOf(t, e, "maria-lindborg")
	page := wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/utskick", f.folkhalsa[1].ID), maria), http.StatusOK,
		"<p>Sista dagen för att anmäla punkter har passerat, så inbjudan skickas inte.</p>", "<p>Skickas automatiskt 2025-03-15 09.00</p>")
	if strings.Contains(page, `id="hall-inbjudan"`) || !strings.Contains(page, `id="hall-kallelse"`) {
		t.Error("the call past its deadline offers Håll inne, or the kallelse does not")
	}
	page = wantHTML(t, e.get(fmt.Sprintf("/mina-organ/moten/%d/utskick", f.folkhalsa[0].ID), maria), http.StatusOK,
		"<p>Mötet har redan börjat, så brevet skickas inte.</p>")
	if strings.Contains(page, `name="atgard"`) || strings.Contains(page, `id="meddelande"`) {
		t.Error("a meeting that began offers buttons for its letters, or a message for its kallelse")
	}
}
