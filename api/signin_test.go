package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// mailbox stands in for notify.SignInMail (tested with a real SMTP server
// in package notify): it writes the link into a plain message, so that a
// test finds it in the outbox where the handler put it. queued counts the
// MailQueued wake-ups.
type mailbox struct{ queued atomic.Int32 }

func (m *mailbox) options(o *api.Options) {
	o.SignInMail = func(p *calendar.Person, link string, expires, now time.Time) (*calendar.OutboxMessage, error) {
		return &calendar.OutboxMessage{Key: "inloggning/" + p.Key + "/" + calendar.HashSecret(link)[:16], Kind: calendar.OutboxSignIn,
			Recipient: p.Email, Person: p.Key, Subject: "Logga in i Samkal",
			Body: []byte("Subject: Logga in i Samkal\r\n\r\n" + link + "\r\n"), NextAttemptAt: now, SendBefore: expires}, nil
	}
	o.CalendarLinkMail = func(p *calendar.Person, feedURL, pageURL string, now time.Time) (*calendar.OutboxMessage, error) {
		return &calendar.OutboxMessage{Key: "kalenderlank/" + p.Key + "/" + strconv.FormatInt(now.Unix(), 10), Kind: calendar.OutboxCalendarLink,
			Recipient: p.Email, Person: p.Key, Subject: "Din kalender",
			Body: []byte("Subject: Din kalender\r\n\r\n" + feedURL + "\r\n" + pageURL + "\r\n"), NextAttemptAt: now}, nil
	}
	o.MailQueued = func() { m.queued.Add(1) }
}

var linkInMail = regexp.MustCompile(`/logga-in/([A-Za-z0-9_-]+)`)

// signInMails returns the sign-in links queued in the outbox for email, oldest first.
func signInMails(t *testing.T, e *env, email string) []string {
	t.Helper()
	kind := calendar.OutboxSignIn
	ms, err := e.store.FindMessages(context.Background(), calendar.OutboxFilter{Kind: &kind})
	must(t, err)
	var out []string
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Recipient != email {
			continue
		}
		m, err := e.store.FindMessageByID(context.Background(), ms[i].ID)
		must(t, err)
		l := linkInMail.FindSubmatch(m.Body)
		if l == nil {
			t.Fatalf("message %s holds no sign-in link: %q", m.Key, m.Body)
		}
		out = append(out, string(l[1]))
	}
	return out
}

// browser is a client with its own cookies that follows no redirects and
// sends forms as a same-origin browser does. It keeps cookies by name,
// not by host, so that one browser can talk to two replicas.
type browser struct {
	t       *testing.T
	client  *http.Client
	cookies map[string]*http.Cookie
}

func newBrowser(t *testing.T) *browser {
	return &browser{t: t, cookies: map[string]*http.Cookie{}, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, base, path string, form url.Values) *resp {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	hr, err := http.NewRequest(method, base+path, body)
	must(b.t, err)
	if form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		hr.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for _, c := range b.cookies {
		hr.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := b.client.Do(hr)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	must(b.t, err)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return &resp{Response: res, body: data}
}

func (b *browser) get(base, path string) *resp { b.t.Helper(); return b.do("GET", base, path, nil) }
func (b *browser) post(base, path string, form url.Values) *resp {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return b.do("POST", base, path, form)
}

// signInWith uses the link token in b at base and checks the 303 to /konto.
func (b *browser) signInWith(base, token string) {
	b.t.Helper()
	r := b.post(base, "/logga-in/"+token, nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/konto" {
		b.t.Fatalf("POST /logga-in/TOKEN: %d to %q, want 303 to /konto; body %s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
}

// wantSignedIn checks that b at base sees /konto (as name) or is sent to
// sign in.
func (b *browser) wantSignedIn(base, name string, in bool) {
	b.t.Helper()
	r := b.get(base, "/konto")
	switch {
	case in && (r.StatusCode != http.StatusOK || !strings.Contains(r.text(), name)):
		b.t.Errorf("GET /konto: %d, want 200 naming %s", r.StatusCode, name)
	case !in && (r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/logga-in?next=/konto"):
		b.t.Errorf("GET /konto when signed out: %d to %q, want 303 to /logga-in?next=/konto", r.StatusCode, r.Header.Get("Location"))
	}
}

// signInPerson adds Maria, with an email address, to e's store.
func signInPerson(t *testing.T, e *env) {
	t.Helper()
	e.write("POST", "/api/v1/organisations", object{"slug": "regionen", "name": "Region Örebro län", "kind": "region"}, 201)
	e.write("POST", "/api/v1/people", object{"key": "maria", "name": "Maria Lindborg", "email": "Maria.Lindborg@example.org", "organisation": "regionen"}, 201)
}

// TestSignInLink: the form answers any address alike, a known person's
// link is queued and works once, for 15 minutes, and a person gets at most
// three links in 15 minutes.
func TestSignInLink(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		var mb mailbox
		e := newEnv(t, open, mb.options)
		signInPerson(t, e)
		b := newBrowser(t)
		base := e.http.URL

		r := b.get(base, "/logga-in")
		if r.StatusCode != 200 || !strings.Contains(r.text(), `<input id="epost" name="epost" type="email"`) {
			t.Fatalf("GET /logga-in: %d, want the form:\n%s", r.StatusCode, r.body)
		}
		if strings.Contains(r.text(), "/logga-in/oidc") {
			t.Errorf("the page offers the organisation's account, which is not configured")
		}

		// The same answer, byte for byte, for a known address (in other
		// letters), an unknown one, and the known one again.
		known := b.post(base, "/logga-in", url.Values{"epost": {"maria.lindborg@EXAMPLE.org"}})
		unknown := b.post(base, "/logga-in", url.Values{"epost": {"ingen@example.org"}})
		if known.StatusCode != 200 || unknown.StatusCode != 200 || known.text() != unknown.text() {
			t.Fatalf("known address: %d, unknown: %d; bodies equal %v, want 200 and equal:\n%s\n---\n%s",
				known.StatusCode, unknown.StatusCode, known.text() == unknown.text(), known.body, unknown.body)
		}
		if !strings.Contains(known.text(), "Om adressen finns hos oss har vi skickat en länk") || !strings.Contains(known.text(), "giltig i 15 minuter") {
			t.Errorf("the answer does not say what happens:\n%s", known.body)
		}
		links := signInMails(t, e, "Maria.Lindborg@example.org")
		if len(links) != 1 || mb.queued.Load() != 1 {
			t.Fatalf("%d links queued for Maria, %d wake-ups; want 1 and 1", len(links), mb.queued.Load())
		}
		if n := len(signInMails(t, e, "ingen@example.org")); n != 0 {
			t.Errorf("%d mails to an unknown address", n)
		}

		// Opening the link (a mail scanner does) uses nothing.
		for range 2 {
			if r := b.get(base, "/logga-in/"+links[0]); r.StatusCode != 200 || !strings.Contains(r.text(), ">Logga in</button>") {
				t.Fatalf("GET the link: %d, want the page with its button:\n%s", r.StatusCode, r.body)
			}
		}
		b.wantSignedIn(base, "Maria Lindborg", false)
		b.signInWith(base, links[0])
		b.wantSignedIn(base, "Maria Lindborg", true)

		// Used once; a second browser with the same link gets the page
		// that says so, and no session.
		other := newBrowser(t)
		r = other.post(base, "/logga-in/"+links[0], nil)
		if r.StatusCode != 404 || !strings.Contains(r.text(), "Länken har redan använts eller gått ut") || !strings.Contains(r.text(), `href="/logga-in"`) {
			t.Errorf("a used link: %d, want 404 and the page that says so:\n%s", r.StatusCode, r.body)
		}
		if len(other.cookies) != 0 {
			t.Errorf("a used link set cookies %v", other.cookies)
		}
		if r := other.post(base, "/logga-in/"+calendar.NewToken(), nil); r.StatusCode != 404 || !strings.Contains(r.text(), "Länken har redan använts eller gått ut") {
			t.Errorf("an unknown link: %d", r.StatusCode)
		}

		// 15 minutes: a link works at 14 minutes, not at 15.
		e.clock.Add(16 * time.Minute) // the first links leave the window of the limit
		b.post(base, "/logga-in", url.Values{"epost": {"maria.lindborg@example.org"}})
		b.post(base, "/logga-in", url.Values{"epost": {"maria.lindborg@example.org"}})
		links = signInMails(t, e, "Maria.Lindborg@example.org")
		if len(links) != 3 {
			t.Fatalf("%d links, want 3", len(links))
		}
		e.clock.Add(14 * time.Minute)
		newBrowser(t).signInWith(base, links[1])
		e.clock.Add(time.Minute)
		if r := newBrowser(t).post(base, "/logga-in/"+links[2], nil); r.StatusCode != 404 {
			t.Errorf("a link 15 minutes old: %d, want 404", r.StatusCode)
		}

		// At most three links in 15 minutes; the fourth request gets the
		// same answer and no mail.
		e.clock.Add(16 * time.Minute)
		before := len(signInMails(t, e, "Maria.Lindborg@example.org"))
		anon := newBrowser(t) // b is signed in: its header names Maria
		var answers []string
		for range 4 {
			r := anon.post(base, "/logga-in", url.Values{"epost": {"maria.lindborg@example.org"}})
			answers = append(answers, r.text())
		}
		if got := len(signInMails(t, e, "Maria.Lindborg@example.org")) - before; got != calendar.MaxSignInLinks {
			t.Errorf("four requests queued %d mails, want %d", got, calendar.MaxSignInLinks)
		}
		if answers[3] != answers[0] || answers[0] != unknown.text() {
			t.Errorf("the answer over the limit differs from the others")
		}
		if !strings.Contains(e.logs.String(), "limit of links is reached") {
			t.Errorf("the limit is not logged")
		}
		if strings.Contains(e.logs.String(), links[0]) {
			t.Errorf("a sign-in link reached the log")
		}

		// Not an address: the form again with the error.
		r = b.post(base, "/logga-in", url.Values{"epost": {"maria.lindborg"}})
		if r.StatusCode != 422 || !strings.Contains(r.text(), `<a href="#epost">Skriv e-postadressen i rätt format`) ||
			!strings.Contains(r.text(), `aria-invalid="true"`) || !strings.Contains(r.text(), "<title>Fel: Logga in") {
			t.Errorf("a wrong address: %d, want 422 with the error summary:\n%s", r.StatusCode, r.body)
		}
		if r := b.post(base, "/logga-in", url.Values{}); r.StatusCode != 422 || !strings.Contains(r.text(), "Skriv din e-postadress") {
			t.Errorf("no address: %d", r.StatusCode)
		}
	})
}

// TestSignInFormRateLimited: POSTs to /logga-in are anonymous writes, and
// the limit answers with the Swedish page.
func TestSignInFormRateLimited(t *testing.T) {
	var mb mailbox
	e := newEnv(t, nil, mb.options, func(o *api.Options) { o.RateLimits.Writes = api.Rate{Burst: 2, Every: time.Hour} })
	b := newBrowser(t)
	for i := range 2 {
		if r := b.post(e.http.URL, "/logga-in", url.Values{"epost": {fmt.Sprintf("n%d@example.org", i)}}); r.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, r.StatusCode)
		}
	}
	r := b.post(e.http.URL, "/logga-in", url.Values{"epost": {"n3@example.org"}})
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(r.text(), "För många försök") {
		t.Errorf("the third request: %d, want 429 with the Swedish page:\n%s", r.StatusCode, r.body)
	}
}

// TestSignInWithoutMail: with no way to send mail the page says so and
// offers no form.
func TestSignInWithoutMail(t *testing.T) {
	e := newEnv(t, nil)
	r := e.get("/logga-in")
	if r.StatusCode != 200 || strings.Contains(r.text(), `name="epost"`) || !strings.Contains(r.text(), "Be administratören om en länk") {
		t.Errorf("GET /logga-in without mail: %d\n%s", r.StatusCode, r.body)
	}
}

// replica is a second Server on e's store, as another replica on the same
// database.
func replica(t *testing.T, e *env) string {
	t.Helper()
	srv, err := api.New(api.Options{Store: e.store, BaseURL: baseURL, RegionName: region, Now: e.clock.Now,
		Registry: prometheus.NewRegistry(), Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

// TestSessions: the cookie's attributes, a new session ID at sign-in,
// the header, and sign-out (here and everywhere) taking effect at the
// next request, on this replica and on another.
func TestSessions(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		signInPerson(t, e)
		base, other := e.http.URL, replica(t, e)
		link := func() string {
			// Five minutes apart, so that no three fall in the 15 minutes
			// of the limit; well inside the sessions' idle time.
			e.clock.Add(5*time.Minute + time.Second)
			s, err := e.store.CreateSignInLink(context.Background(), "maria", 15*time.Minute)
			must(t, err)
			return s
		}

		a := newBrowser(t)
		a.wantSignedIn(base, "", false)
		if r := a.get(base, "/"); !strings.Contains(r.text(), `<a href="/logga-in">Logga in</a>`) || strings.Contains(r.text(), "Logga ut") {
			t.Errorf("the header of an anonymous page does not offer Logga in")
		}
		// A planted cookie is replaced, and the ID is new at every sign-in.
		a.cookies["__Host-samkal"] = &http.Cookie{Name: "__Host-samkal", Value: "planted-by-someone-else"}
		r := a.post(base, "/logga-in/"+link(), nil)
		var c *http.Cookie
		for _, x := range r.Cookies() {
			if x.Name == "__Host-samkal" {
				c = x
			}
		}
		if c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.MaxAge <= 0 {
			t.Fatalf("session cookie %+v, want __Host-samkal; HttpOnly; Secure; SameSite=Lax; Path=/; no Domain; a Max-Age", c)
		}
		first := c.Value
		if first == "planted-by-someone-else" {
			t.Fatal("the planted session ID was kept")
		}
		a.wantSignedIn(base, "Maria Lindborg", true)
		a.signInWith(base, link())
		if a.cookies["__Host-samkal"].Value == first {
			t.Errorf("signing in again kept the session ID")
		}
		old := newBrowser(t)
		old.cookies["__Host-samkal"] = &http.Cookie{Name: "__Host-samkal", Value: first}
		old.wantSignedIn(base, "", false)

		// The header names the person, links /konto and offers Logga ut;
		// the page is not for shared caches.
		r = a.get(base, "/")
		for _, want := range []string{`<a href="/konto">Maria Lindborg<span class="sr-only">, ditt konto</span></a>`,
			`<form method="post" action="/logga-ut"><button type="submit">Logga ut</button></form>`} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("the start page's header lacks %s", want)
			}
		}
		if r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(r.Header.Get("Vary"), "Cookie") {
			t.Errorf("a signed-in page: Cache-Control %q, Vary %q", r.Header.Get("Cache-Control"), r.Header.Get("Vary"))
		}
		// /konto: who, the organisation, the sessions.
		r = a.get(base, "/konto")
		for _, want := range []string{"Maria Lindborg", "Maria.Lindborg@example.org", "Region Örebro län", "Den här webbläsaren",
			"inloggad med en länk i e-post", `id="nycklar"`, `href="/konto/nycklar"`, `action="/logga-ut/overallt"`} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("/konto lacks %q", want)
			}
		}

		// The other replica knows the session.
		a.wantSignedIn(other, "Maria Lindborg", true)
		// Logga ut: this browser only, at once, on both replicas.
		b := newBrowser(t)
		b.signInWith(base, link())
		secret := a.cookies["__Host-samkal"].Value
		r = a.post(base, "/logga-ut", nil)
		if r.StatusCode != 303 || r.Header.Get("Location") != "/?utloggad=1" || len(a.cookies) != 0 {
			t.Fatalf("POST /logga-ut: %d to %q, cookies left %v", r.StatusCode, r.Header.Get("Location"), a.cookies)
		}
		if r := a.get(base, "/?utloggad=1"); !strings.Contains(r.text(), "Du är utloggad.") {
			t.Errorf("the start page does not confirm the sign-out")
		}
		a.cookies["__Host-samkal"] = &http.Cookie{Name: "__Host-samkal", Value: secret} // a copy of the old cookie
		a.wantSignedIn(base, "", false)
		a.wantSignedIn(other, "", false)
		b.wantSignedIn(other, "Maria Lindborg", true)

		// Logga ut överallt, from a third browser on the other replica,
		// ends b's session too.
		c3 := newBrowser(t)
		c3.signInWith(other, link())
		if r := c3.post(other, "/logga-ut/overallt", nil); r.StatusCode != 303 || r.Header.Get("Location") != "/?utloggad=alla" {
			t.Fatalf("POST /logga-ut/overallt: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		b.wantSignedIn(base, "", false)
		c3.wantSignedIn(other, "", false)
		// Anonymous: Logga ut överallt leads to the sign-in page.
		if r := newBrowser(t).post(base, "/logga-ut/overallt", nil); r.StatusCode != 303 || r.Header.Get("Location") != "/logga-in" {
			t.Errorf("anonymous POST /logga-ut/overallt: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

// TestSessionCookieOnHTTP: without https the cookie has no __Host- prefix
// and is not Secure (a browser would drop it), still HttpOnly and Lax.
func TestSessionCookieOnHTTP(t *testing.T) {
	e := newEnv(t, nil, func(o *api.Options) { o.BaseURL = "http://localhost:8080" })
	signInPerson(t, e)
	secret, err := e.store.CreateSignInLink(context.Background(), "maria", 15*time.Minute)
	must(t, err)
	r := newBrowser(t).post(e.http.URL, "/logga-in/"+secret, nil)
	cs := r.Cookies()
	if len(cs) != 1 || cs[0].Name != "samkal" || cs[0].Secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode {
		t.Errorf("cookies %+v, want one: samkal; HttpOnly; SameSite=Lax; not Secure", cs)
	}
}

// FuzzSignInForm: whatever is typed as the address, /logga-in answers the
// form with its error (422) or the one page for every address (200),
// never a 500, and a stored person's address is matched whatever its case.
func FuzzSignInForm(f *testing.F) {
	for _, s := range []string{"maria.lindborg@example.org", "MARIA.LINDBORG@EXAMPLE.ORG", "", " ", "maria", "a@b", "Maria <maria.lindborg@example.org>",
		"maria.lindborg@example.org\x00", "\"citat\"@example.org", "åsa@exämple.se", "x@y.z\r\nBcc: x@y.z", strings.Repeat("a", 300) + "@example.org"} {
		f.Add(s)
	}
	var mb mailbox
	e := newEnv(f, nil, mb.options, func(o *api.Options) { o.RateLimits.Writes = api.Rate{Burst: 1 << 30, Every: time.Nanosecond} })
	e.write("POST", "/api/v1/people", object{"key": "maria", "name": "Maria Lindborg", "email": "Maria.Lindborg@example.org"}, 201)
	f.Fuzz(func(t *testing.T, email string) {
		r := newBrowser(t).post(e.http.URL, "/logga-in", url.Values{"epost": {email}})
		if r.StatusCode != 200 && r.StatusCode != 422 {
			t.Fatalf("address %q: %d, want 200 or 422; body %s", email, r.StatusCode, r.body)
		}
		r = newBrowser(t).post(e.http.URL, "/kalenderlank", url.Values{"epost": {email}})
		if r.StatusCode != 303 && r.StatusCode != 422 {
			t.Fatalf("address %q to /kalenderlank: %d, want 303 or 422; body %s", email, r.StatusCode, r.body)
		}
	})
}
