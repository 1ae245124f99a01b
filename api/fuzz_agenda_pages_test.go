package api_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// FuzzAgendaItemForm posts fuzzed forms to the secretary's dagordning
// page (/mina-organ/moten/{id}/dagordning), as the page's form would: the
// fields rubrik, typ, foredragande, delpunkter and lankar (one a line,
// "titel | https://…"), and extra raw form text. For every input:
//   - never a 5xx, never a panic, nothing logged as an error;
//   - every answer but a 303 is a Swedish HTML page, a 422 names its
//     errors in Swedish and keeps nothing; a refusal changes no data;
//   - a 303 leads to the page with its confirmation, and one item more is
//     on the agenda, with the title sent, which the page then shows.
func FuzzAgendaItemForm(f *testing.F) {
	type form struct{ rubrik, typ, presenter, delpunkter, lankar, extra string }
	ok := form{"Gemensam samverkansplan", "dialog", "Maria Lindborg", "Presentation\r\n\r\n  Diskussion  ",
		"Planen | https://www.regionorebrolan.se/plan.pdf\nhttps://example.se/bilaga", ""}
	seeds := []form{ok, {"Kort", "standard", "", "", "", ""}, {"<script>&amp;", "beslut", "A & B", "a\rb\nc", "x | y | http://x.se/?a=1&b=<2>", ""}}
	for _, p := range append(slices.Clone(poisons), strings.Repeat("å", 201), strings.Repeat("å", 501)) {
		seeds = append(seeds,
			form{p, ok.typ, ok.presenter, ok.delpunkter, ok.lankar, ""},
			form{ok.rubrik, p, ok.presenter, ok.delpunkter, ok.lankar, ""},
			form{ok.rubrik, ok.typ, p, ok.delpunkter, ok.lankar, ""},
			form{ok.rubrik, ok.typ, ok.presenter, "Rad ett\n" + p, ok.lankar, ""},
			form{ok.rubrik, ok.typ, ok.presenter, ok.delpunkter, p + " | https://example.se/", ""},
			form{ok.rubrik, ok.typ, ok.presenter, ok.delpunkter, "https://example.se/" + p, ""})
	}
	seeds = append(seeds,
		form{"", "", "", "", "", ""},
		form{ok.rubrik, ok.typ, ok.presenter, strings.Repeat("punkt\n", 51), ok.lankar, ""},
		form{ok.rubrik, ok.typ, ok.presenter, "", strings.Repeat("https://example.se/\n", 21), ""},
		form{ok.rubrik, ok.typ, ok.presenter, "", "Titel | javascript:alert(1)", ""},
		form{ok.rubrik, ok.typ, ok.presenter, "", "Titel |", ""},
		form{ok.rubrik, ok.typ, ok.presenter, ok.delpunkter, ok.lankar, "rubrik=Andra&typ=information"},
		form{ok.rubrik, ok.typ, ok.presenter, ok.delpunkter, ok.lankar, "%zz"},
	)
	for _, s := range seeds {
		f.Add(s.rubrik, s.typ, s.presenter, s.delpunkter, s.lankar, s.extra)
	}
	worlds := fuzzWorlds(f)
	f.Fuzz(func(t *testing.T, rubrik, typ, presenter, delpunkter, lankar, extra string) {
		values := url.Values{"rubrik": {rubrik}, "typ": {typ}, "foredragande": {presenter}, "delpunkter": {delpunkter}, "lankar": {lankar}}
		body := values.Encode()
		if extra != "" {
			body += "&" + extra
		}
		eachWorld(t, worlds, func(t *testing.T, w *world) { checkAgendaForm(t, w, body) })
	})
}

func checkAgendaForm(t *testing.T, w *world, body string) {
	e := w.use(t)
	path := fmt.Sprintf("/mina-organ/moten/%d/dagordning", w.meeting.ID)
	where := fmt.Sprintf("%s: POST %s with %s", w.engine, path, excerpt([]byte(body)))
	before := w.version(t)
	items, err := e.store.FindAgendaItems(context.Background(), w.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	hr, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Sec-Fetch-Site", "same-origin")
	hr.Header.Set("Origin", e.http.URL)
	hr.Header.Set("Authorization", "Bearer "+adminToken)
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
	if r.StatusCode != http.StatusSeeOther {
		page := r.text()
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || !strings.Contains(page, `<html lang="sv">`) || r.StatusCode < 400 {
			t.Fatalf("%s: status %d with %q, want a Swedish page refusing the form: %s", where, r.StatusCode, ct, excerpt(r.body))
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
	w.clean = false
	if loc := r.Header.Get("Location"); loc != path+"?klart=tillagd" {
		t.Fatalf("%s: 303 to %q", where, loc)
	}
	after, err := e.store.FindAgendaItems(context.Background(), w.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	form, _ := url.ParseQuery(body)
	title := strings.TrimSpace(form.Get("rubrik"))
	if len(after) != len(items)+1 || !slices.ContainsFunc(after, func(a *calendar.AgendaItem) bool { return a.Title == title }) {
		t.Fatalf("%s: 303, but the agenda went from %d to %d items without %q", where, len(items), len(after), title)
	}
	page := e.do(req{method: http.MethodGet, path: path + "?klart=tillagd", admin: true})
	if page.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(page.text()), title) {
		t.Fatalf("%s: the page after the 303 (%d) does not show %q", where, page.StatusCode, title)
	}
	noErrorLogged(t, e, where)
}
