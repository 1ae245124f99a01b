package api_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// postForm posts form values to a personal page as a browser on the page
// does (form encoding, Sec-Fetch-Site: same-origin, Origin of the server),
// without following the redirect. headers change or remove ("Name:")
// those.
func (e *env) postForm(path string, form url.Values, headers ...string) *resp {
	e.t.Helper()
	return e.postRaw(path, "application/x-www-form-urlencoded", []byte(form.Encode()), headers...)
}

// postRaw is postForm with a body of any content type (a multipart
// upload).
func (e *env) postRaw(path, contentType string, body []byte, headers ...string) *resp {
	e.t.Helper()
	hr, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.http.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	hr.Header.Set("Content-Type", contentType)
	hr.Header.Set("Sec-Fetch-Site", "same-origin")
	hr.Header.Set("Origin", e.http.URL)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		if value = strings.TrimSpace(value); value == "" {
			hr.Header.Del(name)
		} else {
			hr.Header.Set(name, value)
		}
	}
	client := &http.Client{Transport: e.client.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(hr)
	if err != nil {
		e.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("POST %s: read body: %v", path, err)
	}
	return &resp{Response: res, body: b}
}

// personalSecrets must never be on a personal page: the link's holder sees
// names, never anyone's address or phone number.
var personalSecrets = []string{mariaEmail, mariaPhone, annaEmail, annaPhone, siwEmail, behcetEmail, "Internt"}

// wantPage checks that r is a personal page with status, the headers that
// keep its token private, every one of texts and no personal data, and
// returns its HTML.
func wantPage(t *testing.T, r *resp, status int, texts ...string) string {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	wantPersonalHeaders(t, r)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/html; charset=utf-8", ct)
	}
	page := r.text()
	for _, want := range texts {
		if !strings.Contains(page, want) {
			t.Errorf("%s %s (%d) lacks %q:\n%s", r.Request.Method, r.Request.URL.Path, status, want, page)
		}
	}
	for _, secret := range personalSecrets {
		if strings.Contains(page, secret) {
			t.Errorf("%s %s shows %q", r.Request.Method, r.Request.URL.Path, secret)
		}
	}
	return page
}

// wantPersonalHeaders: no cache keeps the answer, no Referer carries the
// token away, no search engine indexes it.
func wantPersonalHeaders(t *testing.T, r *resp) {
	t.Helper()
	for name, want := range map[string]string{
		"Cache-Control":   "no-store",
		"Referrer-Policy": "no-referrer",
		"X-Robots-Tag":    "noindex, nofollow",
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s %s: %s %q, want %q", r.Request.Method, r.Request.URL.Path, name, got, want)
		}
	}
	if r.StatusCode != http.StatusSeeOther {
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
			t.Errorf("%s %s: Content-Security-Policy %q", r.Request.Method, r.Request.URL.Path, csp)
		}
	}
}

// agendaOf describes the meeting's agenda as stored, to compare before and
// after a request that must store nothing.
func agendaOf(t *testing.T, e *env, m *calendar.Meeting) string {
	t.Helper()
	items, err := e.store.FindAgendaItems(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range items {
		out = append(out, fmt.Sprintf("%d %q %s %s by %q", a.Position, a.Title, a.Kind, a.Status, a.SubmittedBy))
	}
	return strings.Join(out, "\n")
}

// tokenless replaces the token in a page, for golden files.
func tokenless(page []byte, token string) []byte {
	return []byte(strings.ReplaceAll(string(page), token, "TOKEN"))
}

// anmalan is a complete, valid form.
func anmalan() url.Values {
	return url.Values{
		"rubrik":       {"Uppföljning av samverkansplanen"},
		"typ":          {"beslut"},
		"foredragande": {"Maria Lindborg"},
		"beskrivning":  {"Läget i kommunerna\r\n\r\n  Nästa steg  \r\n"},
		"lank":         {"https://www.regionorebrolan.se/samverkansplan.pdf"},
	}
}

// TestAnmalanPage: a member registers an agenda item through the link
// from the call for agenda items; the page keeps a wrong form's input and
// names its errors; nothing is stored by a refused form, a foreign site, a
// revoked or forged link, a cancelled meeting or after the deadline.
func TestAnmalanPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		m := f.folkhalsa[0] // tuesday 21 January, 13.00–16.30 at Länsstyrelsen
		// Items are welcome through tuesday 14 January: the link works
		// until the midnight after.
		deadline := time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location)
		l := link(t, e, calendar.LinkAgenda, m, "maria-lindborg", deadline)
		path := "/anmalan/" + l.Token
		// The secretary's own item is on the agenda already; it is not Maria's.
		e.write(http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID), object{"title": "Årsplan 2026", "kind": "beslut"}, http.StatusCreated)

		page := wantPage(t, e.get(path), http.StatusOK,
			"<title>Anmäl punkt – Chefsgrupp folkhälsa, tisdag 21 januari 2025 – Region Örebro län – Samkal</title>",
			"Anmäl gärna punkter senast <strong>tisdag 14 januari 2025</strong>.",
			"tisdag 21 januari 2025 kl. 13.00–16.30", "Länsstyrelsen, Stortorget 22, Örebro", "<dd>Chefsgrupp folkhälsa</dd>",
			"Du anmäler som Maria Lindborg.", `action="`+path+`"`, `value="Maria Lindborg"`,
			`<option value="information" selected>`, `<label for="rubrik">`, `<label for="typ">`, `<label for="foredragande">`,
			`<label for="beskrivning">`, `<label for="lank">`)
		for _, absent := range []string{"Tack!", "Årsplan 2026", "Punkter du har anmält", `role="alert"`} {
			if strings.Contains(page, absent) {
				t.Errorf("the page shows %q before anything was sent", absent)
			}
		}
		head := e.do(req{method: http.MethodHead, path: path})
		if head.StatusCode != http.StatusOK || len(head.body) != 0 {
			t.Errorf("HEAD: %d with %d bytes", head.StatusCode, len(head.body))
		}
		wantPersonalHeaders(t, head)
		before := agendaOf(t, e, m)

		// The form, sent: a proposed item by Maria, then the page again
		// with the confirmation.
		r := e.postForm(path, anmalan())
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?tack=1" {
			t.Fatalf("POST: %d, Location %q; want 303 to %s?tack=1:\n%s", r.StatusCode, r.Header.Get("Location"), path, r.body)
		}
		wantPersonalHeaders(t, r)
		items, err := e.store.FindAgendaItems(context.Background(), m.ID)
		must(t, err)
		if len(items) != 2 {
			t.Fatalf("agenda has %d items after the POST, want 2", len(items))
		}
		got := items[1]
		if got.Title != "Uppföljning av samverkansplanen" || got.Kind != calendar.AgendaDecision || got.Status != calendar.AgendaProposed ||
			got.SubmittedBy != "maria-lindborg" || got.Presenter != "Maria Lindborg" ||
			fmt.Sprint(got.SubPoints) != "[Läget i kommunerna Nästa steg]" ||
			len(got.Links) != 1 || got.Links[0].URL != "https://www.regionorebrolan.se/samverkansplan.pdf" {
			t.Errorf("stored item %+v", got)
		}
		page = wantPage(t, e.get(path+"?tack=1"), http.StatusOK, `role="status"><p>Tack! Din punkt är anmäld.</p>`,
			"Punkter du har anmält", "<strong>Uppföljning av samverkansplanen</strong> (beslutspunkt). Anmäld, inte behandlad av sekreteraren än.")
		if strings.Contains(page, "Årsplan 2026") {
			t.Errorf("the page lists the secretary's item as Maria's")
		}
		before = agendaOf(t, e, m)

		t.Run("invalid forms", func(t *testing.T) {
			with := func(changes map[string]string) url.Values {
				v := anmalan()
				for k, x := range changes {
					if x == "<none>" {
						v.Del(k)
					} else {
						v.Set(k, x)
					}
				}
				return v
			}
			for _, tc := range []struct {
				name    string
				form    url.Values
				fields  []string // fields with an error, in order
				message string
			}{
				{"no title", with(map[string]string{"rubrik": "   "}), []string{"rubrik"}, "Skriv en rubrik för punkten."},
				{"long title", with(map[string]string{"rubrik": strings.Repeat("Å", 201)}), []string{"rubrik"}, "Rubriken får vara högst 200 tecken."},
				{"two-line title", with(map[string]string{"rubrik": "Rad ett\nRad två"}), []string{"rubrik"}, "Skriv rubriken på en rad."},
				{"standard kind", with(map[string]string{"typ": "standard"}), []string{"typ"}, "Välj om punkten är information, beslut eller dialog."},
				{"no kind", with(map[string]string{"typ": "<none>"}), []string{"typ"}, "Välj om punkten är information, beslut eller dialog."},
				{"long presenter", with(map[string]string{"foredragande": strings.Repeat("x", 201)}), []string{"foredragande"}, "högst 200 tecken"},
				{"51 lines", with(map[string]string{"beskrivning": strings.Repeat("En delpunkt\n", 51)}), []string{"beskrivning"}, "högst 50 rader"},
				{"long line", with(map[string]string{"beskrivning": "Kort\n" + strings.Repeat("ö", 501)}), []string{"beskrivning"}, "Rad 2 i beskrivningen är för lång"},
				{"javascript link", with(map[string]string{"lank": "javascript:alert(1)"}), []string{"lank"}, "Skriv hela webbadressen"},
				{"link without scheme", with(map[string]string{"lank": "www.regionorebrolan.se/plan.pdf"}), []string{"lank"}, "Skriv hela webbadressen"},
				{"two at once", with(map[string]string{"rubrik": "", "lank": "ftp://filer.example.se/plan.pdf"}), []string{"rubrik", "lank"}, "Skriv en rubrik för punkten."},
				// What PostgreSQL, an email header or a page cannot carry:
				// before the text rules a NUL byte gave 500 on PostgreSQL. (html/
				// template writes "+" as "&#43;".)
				{"NUL in the title", with(map[string]string{"rubrik": "Uppföljning\x00"}), []string{"rubrik"},
					"Rubriken innehåller ett nolltecken (U&#43;0000) på plats 12, som inte kan sparas."},
				{"NUL in the description", with(map[string]string{"beskrivning": "Läget\r\nNästa\x00steg"}), []string{"beskrivning"},
					"Rad 2 i beskrivningen innehåller ett nolltecken (U&#43;0000) på plats 6"},
				{"NUL in the link", with(map[string]string{"lank": "https://example.se/\x00"}), []string{"lank"}, "Webbadressen innehåller ett nolltecken"},
				{"escape sequence in the presenter", with(map[string]string{"foredragande": "Maria \x1b[31mLindborg"}), []string{"foredragande"},
					"Föredragande innehåller ett osynligt styrtecken (U&#43;001B) på plats 7"},
				{"bidi override in the title", with(map[string]string{"rubrik": "Plan \u202egnirön"}), []string{"rubrik"},
					"Rubriken innehåller ett osynligt tecken som vänder skrivriktningen (U&#43;202E) på plats 6"},
				{"line separator in the title", with(map[string]string{"rubrik": "Rad ett\u2028Rad två"}), []string{"rubrik"}, "osynlig radbrytning (U&#43;2028) på plats 8"},
				{"invalid UTF-8 in the title", with(map[string]string{"rubrik": "Uppf\xf6ljning"}), []string{"rubrik"}, "tecken som inte gick att läsa (på plats 5)"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.postForm(path, tc.form)
					page := wantPage(t, r, http.StatusUnprocessableEntity, "<title>Fel: Anmäl punkt", `class="error-summary" role="alert"`, tc.message)
					last := 0
					for _, id := range tc.fields {
						// Linked from the summary, in the order of the form.
						at := strings.Index(page, `<a href="#`+id+`">`)
						if at < last {
							t.Errorf("the summary does not link field %s after the one before", id)
						}
						last = at
						if !strings.Contains(page, `id="`+id+`-fel"`) || !strings.Contains(page, id+`-fel" aria-invalid="true"`) {
							t.Errorf("field %s is not marked invalid with its message in aria-describedby", id)
						}
					}
					if n := strings.Count(page, `aria-invalid="true"`); n != len(tc.fields) {
						t.Errorf("%d fields marked invalid, want %d", n, len(tc.fields))
					}
					// Everything typed is there again.
					for _, name := range []string{"rubrik", "foredragande", "beskrivning", "lank"} {
						// html/template writes a NUL as U+FFFD.
						if v := strings.ReplaceAll(tc.form.Get(name), "\x00", "\uFFFD"); strings.TrimSpace(v) != "" && !strings.Contains(page, html.EscapeString(v)) {
							t.Errorf("the %s typed is not kept", name)
						}
					}
					if tc.name == "two at once" {
						golden(t, "anmalan-fel.html", tokenless(r.body, l.Token))
					}
					if got := agendaOf(t, e, m); got != before {
						t.Errorf("the agenda changed:\n%s\nwas\n%s", got, before)
					}
				})
			}
		})

		t.Run("refused posts", func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				form    url.Values
				headers []string
				status  int
				text    string
			}{
				{"JSON", anmalan(), []string{"Content-Type: application/json"}, 415, "Formuläret kunde inte tas emot"},
				{"multipart", anmalan(), []string{"Content-Type: multipart/form-data; boundary=x"}, 415, "Formuläret kunde inte tas emot"},
				{"no content type", anmalan(), []string{"Content-Type:"}, 415, "Formuläret kunde inte tas emot"},
				{"too large", url.Values{"rubrik": {strings.Repeat("x", 70<<10)}, "typ": {"dialog"}}, nil, 413, "Det du skrev är för långt"},
				{"cross-site", anmalan(), []string{"Sec-Fetch-Site: cross-site"}, 403, "Formuläret kom från en annan webbplats"},
				{"same site, other origin", anmalan(), []string{"Sec-Fetch-Site: same-site", "Origin: https://intra.regionorebrolan.se"}, 403, "annan webbplats"},
				{"other origin, old browser", anmalan(), []string{"Sec-Fetch-Site:", "Origin: https://evil.example"}, 403, "annan webbplats"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantPage(t, e.postForm(path, tc.form, tc.headers...), tc.status, tc.text, "Ingenting har sparats")
					if got := agendaOf(t, e, m); got != before {
						t.Errorf("the agenda changed:\n%s\nwas\n%s", got, before)
					}
				})
			}
		})

		t.Run("links that do not work", func(t *testing.T) {
			revoked := link(t, e, calendar.LinkAgenda, m, "anna-berg", deadline)
			e.write(http.MethodDelete, fmt.Sprintf("/api/v1/meetings/%d/links?purpose=anmalan", m.ID), nil, http.StatusOK)
			other := link(t, e, calendar.LinkJustering, m, "maria-lindborg", deadline)
			cancelledMeeting := f.folkhalsa[1]
			cancelled := link(t, e, calendar.LinkAgenda, cancelledMeeting, "maria-lindborg", time.Date(2025, 3, 14, 0, 0, 0, 0, calendar.Location))
			e.write(http.MethodPatch, fmt.Sprintf("/api/v1/meetings/%d", cancelledMeeting.ID), `{"status":"cancelled"}`, http.StatusOK)
			for _, tc := range []struct {
				name, path string
				status     int
				texts      []string
			}{
				{"forged", "/anmalan/" + calendar.NewToken(), 404, []string{"Länken finns inte", "hela länken"}},
				{"junk", "/anmalan/gissning", 404, []string{"Länken finns inte"}},
				{"justering link", "/anmalan/" + other.Token, 404, []string{"Länken finns inte"}},
				{"revoked", "/anmalan/" + revoked.Token, 410, []string{"Länken har dragits tillbaka", "tisdag 21 januari 2025"}},
				{"revoked, first link", path, 410, []string{"Länken har dragits tillbaka"}},
				{"cancelled meeting", "/anmalan/" + cancelled.Token, 410, []string{"Mötet är inställt", "Inställt: Chefsgrupp folkhälsa", "torsdag 20 mars 2025"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantPage(t, e.get(tc.path), tc.status, tc.texts...)
					wantPage(t, e.postForm(tc.path, anmalan()), tc.status, tc.texts...)
					if got := agendaOf(t, e, m); got != before {
						t.Errorf("the agenda changed:\n%s\nwas\n%s", got, before)
					}
					if got := agendaOf(t, e, cancelledMeeting); got != "" {
						t.Errorf("the cancelled meeting got items:\n%s", got)
					}
				})
			}
		})

		t.Run("deadline", func(t *testing.T) {
			l := link(t, e, calendar.LinkAgenda, m, "maria-lindborg", deadline) // a new link: the first was revoked
			path := "/anmalan/" + l.Token
			e.clock.Set(deadline.Add(-time.Second)) // 23.59.59 on the deadline day: still open
			if r := e.postForm(path, url.Values{"rubrik": {"I sista sekunden"}, "typ": {"information"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST on the deadline day: %d, want 303:\n%s", r.StatusCode, r.body)
			}
			before := agendaOf(t, e, m)
			e.clock.Set(deadline)
			const gone = "Tiden för att anmäla punkter till mötet gick ut tisdag 14 januari 2025. Kontakta sekreteraren"
			wantPage(t, e.get(path), http.StatusGone, gone, "tisdag 21 januari 2025 kl. 13.00–16.30")
			wantPage(t, e.postForm(path, anmalan()), http.StatusGone, gone)
			if got := agendaOf(t, e, m); got != before {
				t.Errorf("the agenda changed after the deadline:\n%s\nwas\n%s", got, before)
			}
		})

		logs := e.logs.String()
		if strings.Contains(logs, l.Token) {
			t.Errorf("a link token reached the log")
		}
		if !strings.Contains(logs, "route=/anmalan/{token}") {
			t.Errorf("personal pages are not logged by route template:\n%s", logs)
		}
	})
}

// approvalsOf describes the meeting's justering as stored, to compare
// before and after requests that must record nothing.
func approvalsOf(t *testing.T, e *env, m *calendar.Meeting) string {
	t.Helper()
	ctx := context.Background()
	j, err := e.store.FindJustering(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	entity, id := "justering", m.ID
	changes, err := e.store.FindChanges(ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range j.Approvals {
		out = append(out, fmt.Sprintf("%s %s %v", a.Person, a.Role, a.ApprovedAt))
	}
	return fmt.Sprintf("%s; approved on %q; %d changes", strings.Join(out, ", "), j.ApprovedOn, len(changes))
}

// TestJusteringPage: the justerare and the chair approve through their
// links; opening a link (GET, HEAD, as link scanners do) never approves,
// and a second approval changes nothing.
func TestJusteringPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		c := seedCouncil(t, e)
		e.write(http.MethodPost, justeringURL(c.meeting), object{"justerare": []string{"siw-lunander"}, "document_url": protocolURL}, http.StatusCreated)
		far := time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location)
		siw := link(t, e, calendar.LinkJustering, c.meeting, "siw-lunander", far)
		chair := link(t, e, calendar.LinkJustering, c.meeting, "behcet-barsom", far)
		siwPath, chairPath := "/justering/"+siw.Token, "/justering/"+chair.Token

		before := approvalsOf(t, e, c.meeting)
		for range 3 {
			e.get(siwPath)
			e.do(req{method: http.MethodHead, path: siwPath})
			e.get(chairPath)
		}
		r := e.get(siwPath)
		wantPage(t, r, http.StatusOK,
			"<title>Justera protokollet – "+councilName+", onsdag 8 januari 2025 – Region Örebro län – Samkal</title>",
			"<dd>"+councilName+"</dd>", "onsdag 8 januari 2025 kl. 09.00–12.00", "Lokal Eken, Eklundavägen 1, Örebro",
			"<dt>Sekreterare</dt><dd>Maria Lindborg</dd>",
			`<a href="`+protocolURL+`" rel="noreferrer">Läs protokollet</a>`,
			"<li>Siw Lunander, justerare: har inte justerat än</li>", "<li>Behcet Barsom, ordförande: har inte justerat än</li>",
			"Protokollet ska vara justerat senast onsdag 22 januari 2025.",
			`<form method="post" action="`+siwPath+`"><p><button class="button" type="submit">Justera</button></p></form>`)
		golden(t, "justering.html", tokenless(r.body, siw.Token))
		if got := approvalsOf(t, e, c.meeting); got != before {
			t.Fatalf("looking at the pages changed the justering:\n%s\nwas\n%s", got, before)
		}

		// Siw approves at 10.30.
		e.clock.Set(time.Date(2025, 1, 10, 10, 30, 0, 0, calendar.Location))
		r = e.postForm(siwPath, nil)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != siwPath {
			t.Fatalf("POST: %d, Location %q; want 303 to the page:\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		wantPersonalHeaders(t, r)
		want := "siw-lunander justerare 2025-01-10 10:30:00 +0100 CET, behcet-barsom ordforande 0001-01-01 00:00:00 +0000 UTC; approved on \"\"; 2 changes"
		if got := approvalsOf(t, e, c.meeting); got != want {
			t.Errorf("after Siw's approval:\n%s\nwant\n%s", got, want)
		}
		page := wantPage(t, e.get(siwPath), http.StatusOK, "Du justerade protokollet den 2025-01-10.",
			"<li>Siw Lunander, justerare: justerade den 2025-01-10</li>", "<li>Behcet Barsom, ordförande: har inte justerat än</li>")
		for _, absent := range []string{"<button", "Protokollet är justerat"} {
			if strings.Contains(page, absent) {
				t.Errorf("after Siw's approval her page shows %q", absent)
			}
		}
		wantPage(t, e.get(chairPath), http.StatusOK, `<button class="button" type="submit">Justera</button>`)

		// Again the next morning: the same page, nothing changed.
		e.clock.Set(time.Date(2025, 1, 11, 8, 0, 0, 0, calendar.Location))
		if r := e.postForm(siwPath, nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != siwPath {
			t.Fatalf("second POST: %d, Location %q", r.StatusCode, r.Header.Get("Location"))
		}
		if got := approvalsOf(t, e, c.meeting); got != want {
			t.Errorf("the second approval changed the justering:\n%s\nwant\n%s", got, want)
		}
		wantPage(t, e.get(siwPath), http.StatusOK, "Du justerade protokollet den 2025-01-10.")

		// The chair approves: the minutes are justerade.
		if r := e.postForm(chairPath, url.Values{}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("chair's POST: %d:\n%s", r.StatusCode, r.body)
		}
		page = wantPage(t, e.get(chairPath), http.StatusOK, "Du justerade protokollet den 2025-01-11.",
			"Protokollet är justerat: Justerat den 2025-01-11 via e-post", "<li>Behcet Barsom, ordförande: justerade den 2025-01-11</li>")
		for _, absent := range []string{"<button", "ska vara justerat senast"} {
			if strings.Contains(page, absent) {
				t.Errorf("the justerade minutes' page shows %q", absent)
			}
		}
		wantPage(t, e.get(siwPath), http.StatusOK, "Du justerade protokollet den 2025-01-10.", "Protokollet är justerat: Justerat den 2025-01-11 via e-post")
		m := decode[object](t, e.get(fmt.Sprintf("/api/v1/meetings/%d", c.meeting.ID)))
		if want := fmt.Sprint(object{"status": "Justerat den 2025-01-11 via e-post", "approved_on": "2025-01-11"}); fmt.Sprint(m["justering"]) != want {
			t.Errorf("meeting justering %v, want %s", m["justering"], want)
		}
	})
}

// TestJusteringLinkRefusals: links that do not work, and posts that are
// refused, record no approval.
func TestJusteringLinkRefusals(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		c := seedCouncil(t, e)
		m := c.second
		e.write(http.MethodPost, justeringURL(m), object{"justerare": []string{"siw-lunander"}, "document_url": protocolURL}, http.StatusCreated)
		far := time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location)
		revoked := link(t, e, calendar.LinkJustering, m, "siw-lunander", far)
		e.write(http.MethodDelete, fmt.Sprintf("/api/v1/meetings/%d/links?purpose=justering", m.ID), nil, http.StatusOK)
		expired := link(t, e, calendar.LinkJustering, m, "siw-lunander", time.Date(2025, 1, 10, 9, 30, 0, 0, calendar.Location))
		chair := link(t, e, calendar.LinkJustering, m, "behcet-barsom", far)
		anna := link(t, e, calendar.LinkJustering, m, "anna-berg", far) // not an approver
		agenda := link(t, e, calendar.LinkAgenda, m, "siw-lunander", far)
		unmarked := link(t, e, calendar.LinkJustering, f.folkhalsa[0], "maria-lindborg", far) // notes need no justering
		e.clock.Set(time.Date(2025, 1, 10, 9, 30, 0, 0, calendar.Location))
		before := approvalsOf(t, e, m)

		for _, tc := range []struct {
			name, path string
			status     int
			text       string
		}{
			{"forged", "/justering/" + calendar.NewToken(), 404, "Länken finns inte"},
			{"junk", "/justering/kort", 404, "Länken finns inte"},
			{"too long", "/justering/" + strings.Repeat("a", 101), 404, "Länken finns inte"},
			{"anmälan link", "/justering/" + agenda.Token, 404, "Länken finns inte"},
			{"never marked ready", "/justering/" + unmarked.Token, 404, "Länken finns inte"},
			{"revoked", "/justering/" + revoked.Token, 410, "Länken har dragits tillbaka"},
			{"expired", "/justering/" + expired.Token, 410, "Länken har gått ut"},
			{"not an approver", "/justering/" + anna.Token, 410, "Du justerar inte det här protokollet"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantPage(t, e.get(tc.path), tc.status, tc.text)
				if r := e.do(req{method: http.MethodHead, path: tc.path}); r.StatusCode != tc.status || len(r.body) != 0 {
					t.Errorf("HEAD: %d with %d bytes, want %d", r.StatusCode, len(r.body), tc.status)
				}
				wantPage(t, e.postForm(tc.path, nil), tc.status, tc.text)
			})
		}
		chairPath := "/justering/" + chair.Token
		for _, tc := range []struct {
			name    string
			headers []string
			status  int
			text    string
		}{
			{"cross-site", []string{"Sec-Fetch-Site: cross-site"}, 403, "Formuläret kom från en annan webbplats"},
			{"other origin", []string{"Sec-Fetch-Site:", "Origin: https://evil.example"}, 403, "annan webbplats"},
			{"JSON", []string{"Content-Type: application/json"}, 415, "Formuläret kunde inte tas emot"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantPage(t, e.postForm(chairPath, nil, tc.headers...), tc.status, tc.text)
			})
		}
		if got := approvalsOf(t, e, m); got != before {
			t.Fatalf("refused requests changed the justering:\n%s\nwas\n%s", got, before)
		}
		// The same chair's link, posted from the page, works.
		if r := e.postForm(chairPath, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the chair's POST: %d:\n%s", r.StatusCode, r.body)
		}
		if got := approvalsOf(t, e, m); got == before {
			t.Errorf("the chair's approval was not recorded")
		}
	})
}
