package api_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// FuzzAnmalanForm posts fuzzed forms to a valid anmälan link, as a member's
// browser on the page would (form encoding, same origin): the fields
// rubrik, typ, foredragande, beskrivning (one sub-point a line) and lank,
// and extra, raw form text appended to the encoded fields (repeated or
// unknown fields, broken escapes). For every input:
//   - never a 5xx, never a panic, nothing logged as an error;
//   - every answer but a 303 is an HTML page in Swedish (lang="sv", the
//     personal pages' headers), and a 422 names its errors in Swedish;
//     a refusal changes no data;
//   - a 303 leads to the page with the thanks, and the item was stored as
//     the member's proposal with the title, kind, presenter, sub-points
//     and link sent; the page lists it, the API reads it back, and every
//     feed and page still renders (world.checkOutputs).
func FuzzAnmalanForm(f *testing.F) {
	type form struct{ rubrik, typ, presenter, beskrivning, lank, extra string }
	ok := form{"Uppföljning av samverkansplanen", "beslut", "Maria Lindborg", "Läget i kommunerna\r\n\r\n  Nästa steg  \r\n",
		"https://www.regionorebrolan.se/samverkansplan.pdf", ""}
	seeds := []form{ok, {"Kort", "information", "", "", "", ""}, {"Dialog om <script>&amp;", "dialog", "A & B", "a\rb\nc", "http://x.se/?a=1&b=<2>", ""}}
	// The defects of issue 8 in every field: NUL (500 on PostgreSQL),
	// U+2028, an ESC sequence, a bidi override, a tab, invalid UTF-8, too
	// long a text, a body past the form's limit.
	for _, p := range append(slices.Clone(poisons), strings.Repeat("å", 201), strings.Repeat("å", 501), strings.Repeat("x", 2001)) {
		seeds = append(seeds,
			form{p, ok.typ, ok.presenter, ok.beskrivning, ok.lank, ""},
			form{ok.rubrik, p, ok.presenter, ok.beskrivning, ok.lank, ""},
			form{ok.rubrik, ok.typ, p, ok.beskrivning, ok.lank, ""},
			form{ok.rubrik, ok.typ, ok.presenter, "Rad ett\n" + p, ok.lank, ""},
			form{ok.rubrik, ok.typ, ok.presenter, ok.beskrivning, "https://example.se/" + p, ""})
	}
	seeds = append(seeds,
		form{"", "", "", "", "", ""},
		form{"   ", "standard", ok.presenter, ok.beskrivning, "javascript:alert(1)", ""},
		form{ok.rubrik, ok.typ, ok.presenter, strings.Repeat("punkt\n", 51), ok.lank, ""},
		form{ok.rubrik, ok.typ, ok.presenter, strings.Repeat("rad\n", 50), "ftp://example.se/fil", ""},
		form{ok.rubrik, ok.typ, ok.presenter, megabyte[:70_000], ok.lank, ""},
		form{ok.rubrik, ok.typ, ok.presenter, ok.beskrivning, ok.lank, "rubrik=Andra&typ=dialog"},
		form{ok.rubrik, ok.typ, ok.presenter, ok.beskrivning, ok.lank, "beskrivning=%00"},
		form{ok.rubrik, ok.typ, ok.presenter, ok.beskrivning, ok.lank, "%zz"},
		form{ok.rubrik, ok.typ, ok.presenter, ok.beskrivning, ok.lank, "a;b=c"},
		form{"Rubrik\u200f med riktningsmärke", ok.typ, "Fatima\u200d", ok.beskrivning, ok.lank, ""},
	)
	for _, s := range seeds {
		if fuzzing() && len(s.beskrivning) > maxFuzzSeed {
			continue
		}
		f.Add(s.rubrik, s.typ, s.presenter, s.beskrivning, s.lank, s.extra)
	}
	worlds := fuzzWorlds(f)
	f.Fuzz(func(t *testing.T, rubrik, typ, presenter, beskrivning, lank, extra string) {
		values := url.Values{"rubrik": {rubrik}, "typ": {typ}, "foredragande": {presenter}, "beskrivning": {beskrivning}, "lank": {lank}}
		body := values.Encode()
		if extra != "" {
			body += "&" + extra
		}
		eachWorld(t, worlds, func(t *testing.T, w *world) { checkAnmalan(t, w, body) })
	})
}

// swedishErrors are the error summary's items on the anmälan page.
var swedishErrors = regexp.MustCompile(`<li>(?:<a href="#[a-z]+">)?(.*?)(?:</a>)?</li>`)

// englishWords betray an English message on a Swedish page.
var englishWords = []string{" contains ", " must ", " is ", " the ", "characters", "invalid"}

// checkAnmalan posts body to w's anmälan link and checks what
// FuzzAnmalanForm promises.
func checkAnmalan(t *testing.T, w *world, body string) {
	e := w.use(t)
	path := "/anmalan/" + w.token
	where := fmt.Sprintf("%s: POST %s with %s", w.engine, path, excerpt([]byte(body)))
	before := w.version(t)
	hr, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Sec-Fetch-Site", "same-origin")
	hr.Header.Set("Origin", e.http.URL)
	client := &http.Client{Transport: e.client.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(hr)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	r := &resp{Response: res, body: readAll(t, res.Body)}
	if r.StatusCode >= 500 {
		t.Fatalf("%s: status %d: %s\nlogs:\n%s", where, r.StatusCode, excerpt(r.body), e.logs)
	}
	noErrorLogged(t, e, where)
	wantPersonalHeaders(t, r)
	if r.StatusCode != http.StatusSeeOther {
		page := r.text()
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || !strings.Contains(page, `<html lang="sv">`) {
			t.Fatalf("%s: status %d with %q, want a Swedish page: %s", where, r.StatusCode, ct, excerpt(r.body))
		}
		if r.StatusCode < 400 {
			t.Fatalf("%s: status %d, want 303 or a refusal", where, r.StatusCode)
		}
		if after := w.version(t); after != before {
			t.Fatalf("%s: refused with %d, yet the data changed", where, r.StatusCode)
		}
		if r.StatusCode == http.StatusUnprocessableEntity {
			errs := swedishErrors.FindAllStringSubmatch(page, -1)
			if !strings.Contains(page, "<title>Fel: ") || len(errs) == 0 {
				t.Fatalf("%s: 422 without its errors named:\n%s", where, page)
			}
			for _, m := range errs {
				for _, word := range englishWords {
					if strings.Contains(m[1], word) {
						t.Fatalf("%s: an error in English: %q", where, m[1])
					}
				}
			}
		}
		return
	}

	// Stored, as sent.
	w.clean = false
	if loc := r.Header.Get("Location"); loc != path+"?tack=1" {
		t.Fatalf("%s: 303 to %q, want %s?tack=1", where, loc, path)
	}
	items, err := e.store.FindAgendaItems(context.Background(), w.meeting.ID)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var got *calendar.AgendaItem
	for _, a := range items {
		if a.SubmittedBy == w.fix.maria.Key {
			got = a
		}
	}
	form, _ := url.ParseQuery(body) // the form as the server read it: the first value of each field
	var sub []string
	for _, line := range strings.Split(calendar.NormalizeNewlines(form.Get("beskrivning")), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			sub = append(sub, line)
		}
	}
	link := strings.TrimSpace(form.Get("lank"))
	switch {
	case got == nil:
		t.Fatalf("%s: 303, but no item of Maria's is stored", where)
	case got.Title != strings.TrimSpace(form.Get("rubrik")) || string(got.Kind) != form.Get("typ") || got.Status != calendar.AgendaProposed ||
		got.Presenter != strings.TrimSpace(form.Get("foredragande")) || !slices.Equal(got.SubPoints, sub) ||
		(link == "") != (len(got.Links) == 0) || link != "" && got.Links[0].URL != link:
		t.Fatalf("%s: stored %+v, not what was sent", where, got)
	}
	page := e.get(path + "?tack=1")
	if page.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(page.text()), got.Title) ||
		!strings.Contains(page.text(), "Tack! Din punkt är anmäld.") {
		t.Fatalf("%s: the page after the 303 (%d) does not thank for %q:\n%s", where, page.StatusCode, got.Title, page.body)
	}
	if a := e.adminGet(fmt.Sprintf("/api/v1/meetings/%d/agenda", w.meeting.ID)); a.StatusCode != http.StatusOK ||
		!strings.Contains(a.text(), fmt.Sprintf(`"id": %d`, got.ID)) {
		t.Fatalf("%s: the agenda (%d) does not list item %d: %s", where, a.StatusCode, got.ID, a.body)
	}
	w.checkOutputs(t, where)
	noErrorLogged(t, e, where)
}
