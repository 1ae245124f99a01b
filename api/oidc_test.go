package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// The OIDC sign-in is tested end to end against a real OpenID Connect
// provider running in the test process (oauth2-proxy/mockoidc: discovery,
// JWKS, an authorize endpoint that redirects, a token endpoint that checks
// the client secret and the PKCE verifier and takes a code once). The
// "browser" is an http.Client with a cookie jar that follows no redirect
// by itself, so that each step can be looked at and tampered with.

const contact = "Regionens kansli, 019-602 00 00"

// provider is the in-process identity provider.
type provider struct {
	*mockoidc.MockOIDC
	down atomic.Bool // while true, every request is answered 503
}

// startProvider runs a provider whose clock is the tests' (start), so
// that its tokens are fresh to the server's clock.
func startProvider(t *testing.T) *provider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{MockOIDC: m}
	m.FastForward(start.Sub(time.Now()))
	must(t, m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p.down.Load() {
				http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	must(t, m.Start(ln, nil)) // before Start, FastForward and the middleware are seen by every handler
	t.Cleanup(func() { m.Shutdown() })
	return p
}

// opUser is who signs in at the provider, and what its ID token says.
type opUser struct {
	email     string
	verified  *bool  // email_verified; nil: not sent
	preferred string // preferred_username
	audience  string // "" : the client's ID
	expired   bool   // the token expired before it was issued to us
}

func (u *opUser) ID() string { return "sub-" + u.email + u.preferred }

func (u *opUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.ID(), "email": u.email})
}

func (u *opUser) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.audience != "" {
		c.Audience = jwt.ClaimStrings{u.audience}
	}
	if u.expired {
		iat := c.IssuedAt.Add(-time.Hour)
		c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(iat), jwt.NewNumericDate(iat), jwt.NewNumericDate(iat.Add(10*time.Minute))
	}
	return &opClaims{IDTokenClaims: c, Email: u.email, EmailVerified: u.verified, PreferredUsername: u.preferred}, nil
}

type opClaims struct {
	*mockoidc.IDTokenClaims
	Email             string `json:"email,omitempty"`
	EmailVerified     *bool  `json:"email_verified,omitempty"`
	PreferredUsername string `json:"preferred_username,omitempty"`
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// newOIDCEnv starts a server whose base URL is its own test address, so
// that the provider's redirect comes back to it, signing in through op.
func newOIDCEnv(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store, op *provider, opts ...func(*api.Options)) *env {
	t.Helper()
	c := &clock{t: start}
	st := open(t, sqlstore.Options{Now: c.Now})
	hs := httptest.NewUnstartedServer(nil)
	logs := &syncBuffer{}
	o := api.Options{
		Store:      st,
		Ping:       st.Ping,
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BaseURL:    "http://" + hs.Listener.Addr().String(),
		AdminToken: adminToken,
		RegionName: region,
		FeedPolicy: calendar.DefaultFeedPolicy,
		Now:        c.Now,
		Contact:    contact,
		OIDC:       &api.OIDCOptions{Issuer: op.Issuer(), ClientID: op.ClientID, ClientSecret: op.ClientSecret},
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := api.New(o)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	return &env{t: t, store: st, clock: c, srv: srv, http: hs, client: client, logs: logs}
}

// oidcBrowser keeps cookies and follows no redirect by itself.
type oidcBrowser struct {
	t      *testing.T
	jar    *cookiejar.Jar
	client *http.Client
}

func newOIDCBrowser(t *testing.T) *oidcBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil) // nil options: never fails
	b := &oidcBrowser{t: t, jar: jar}
	b.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(b.client.CloseIdleConnections)
	return b
}

func (b *oidcBrowser) get(u string) *resp {
	b.t.Helper()
	res, err := b.client.Get(u)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &resp{Response: res, body: body}
}

// redirect checks that r redirects with status and returns where to.
func redirect(t *testing.T, r *resp, status int) string {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d; body: %.300s", r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	loc := r.Header.Get("Location")
	if loc == "" {
		t.Fatalf("%s: a %d without Location", r.Request.URL.Path, status)
	}
	return loc
}

// cookie returns the value of the browser's cookie name for path on e, ""
// when it has none.
func (b *oidcBrowser) cookie(e *env, path, name string) string {
	u, _ := url.Parse(e.http.URL + path)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// toProvider starts a sign-in (GET /logga-in/oidc?next=next) and returns
// the provider's authorize URL that the browser is sent to.
func toProvider(t *testing.T, e *env, b *oidcBrowser, next string) string {
	t.Helper()
	path := "/logga-in/oidc"
	if next != "" {
		path += "?" + url.Values{"next": {next}}.Encode()
	}
	return redirect(t, b.get(e.http.URL+path), http.StatusFound)
}

// atProvider signs user in at the provider (authorizeURL) and returns the
// callback URL the provider sends the browser back to.
func atProvider(t *testing.T, op *provider, b *oidcBrowser, authorizeURL string, user *opUser) string {
	t.Helper()
	op.QueueUser(user)
	return redirect(t, b.get(authorizeURL), http.StatusFound)
}

// wantSignInPage checks a sign-in page: its status, that it is Swedish HTML with
// every want and a link to try again, and that it signs nobody in.
func wantSignInPage(t *testing.T, r *resp, status int, want ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d; body: %.500s", r.StatusCode, status, r.body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want a page", ct)
	}
	body := r.text()
	for _, w := range append(want, `lang="sv"`, `href="/logga-in/oidc`) {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer (the address holds the code)", got)
	}
	for _, c := range r.Cookies() {
		if c.Name == "samkal" && c.MaxAge >= 0 {
			t.Errorf("a failed sign-in sets a session cookie")
		}
	}
}

// whoAmI reads maria through the API with b's cookies: her email is shown
// to herself (and admins) only.
func whoAmI(t *testing.T, e *env, b *oidcBrowser) string {
	t.Helper()
	r := b.get(e.http.URL + "/api/v1/people/maria-lindborg")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET person: %d %s", r.StatusCode, r.body)
	}
	var p struct {
		Email *string `json:"email"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Email == nil {
		return ""
	}
	return *p.Email
}

func TestOIDCSignIn(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		op := startProvider(t)
		e := newOIDCEnv(t, open, op)
		seed(t, e)
		maria := &opUser{email: "Maria.Lindborg@RegionOrebroLan.se", verified: yes()}
		var secrets []string // codes and states seen: none may be logged

		t.Run("success", func(t *testing.T) {
			b := newOIDCBrowser(t)
			if got := whoAmI(t, e, b); got != "" {
				t.Fatalf("anonymous reads maria's email %q; the test cannot tell a signed-in caller", got)
			}
			start := b.get(e.http.URL + "/logga-in/oidc")
			authorize := redirect(t, start, http.StatusFound)
			var flow *http.Cookie
			for _, c := range start.Cookies() {
				if c.Name == "samkal-oidc" {
					flow = c
				}
			}
			if flow == nil || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/logga-in/oidc" || flow.MaxAge != 600 {
				t.Fatalf("flow cookie %+v, want HttpOnly, SameSite=Lax, Path=/logga-in/oidc, Max-Age=600", flow)
			}
			q := must2(url.Parse(authorize)).Query()
			if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
				t.Fatalf("authorize URL %s lacks PKCE S256, nonce or state", authorize)
			}
			if q.Get("redirect_uri") != e.http.URL+"/logga-in/oidc/callback" || q.Get("client_id") != op.ClientID {
				t.Errorf("authorize URL %s: wrong redirect_uri or client_id", authorize)
			}
			callback := atProvider(t, op, b, authorize, maria)
			cq := must2(url.Parse(callback)).Query()
			secrets = append(secrets, cq.Get("code"), cq.Get("state"), op.ClientSecret)

			done := b.get(callback)
			if got := redirect(t, done, http.StatusSeeOther); got != "/konto" {
				t.Errorf("after sign-in to %q, want /konto", got)
			}
			if b.cookie(e, "/", "samkal") == "" {
				t.Fatal("no session cookie after sign-in")
			}
			if b.cookie(e, "/logga-in/oidc/callback", "samkal-oidc") != "" {
				t.Error("the flow cookie outlives the callback")
			}
			if got := whoAmI(t, e, b); got != mariaEmail {
				t.Errorf("signed in, maria reads her email as %q, want %q", got, mariaEmail)
			}
			sess, err := e.store.FindSessions(context.Background(), "maria-lindborg")
			must(t, err)
			if len(sess) != 1 || sess[0].Via != "oidc" {
				t.Errorf("maria's sessions %+v, want one via oidc", sess)
			}
			if !strings.Contains(e.logs.String(), "person=maria-lindborg via=oidc") {
				t.Errorf("no log line of the sign-in:\n%s", e.logs.String())
			}

			t.Run("replayed in the same browser", func(t *testing.T) {
				// The flow cookie is gone: the state matches nothing.
				wantSignInPage(t, b.get(callback), http.StatusBadRequest, "Vi hittar ingen påbörjad inloggning")
			})
			t.Run("replayed with the flow cookie kept", func(t *testing.T) {
				// Someone kept the cookie: the state matches, the provider
				// refuses the code it already gave a token for.
				c := newOIDCBrowser(t)
				u, _ := url.Parse(e.http.URL + "/logga-in/oidc/callback")
				c.jar.SetCookies(u, []*http.Cookie{{Name: "samkal-oidc", Value: flow.Value, Path: "/logga-in/oidc"}})
				wantSignInPage(t, c.get(callback), http.StatusBadRequest, "godtog inte svaret")
				if n, err := e.store.FindSessions(context.Background(), "maria-lindborg"); err != nil || len(n) != 1 {
					t.Errorf("maria has %d sessions (%v) after the replay, want still 1", len(n), err)
				}
			})
		})

		t.Run("no email_verified sent", func(t *testing.T) {
			// As Entra ID: the organisation's own provider is trusted.
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{email: annaEmail})
			redirect(t, b.get(callback), http.StatusSeeOther)
			sess, err := e.store.FindSessions(context.Background(), "anna-berg")
			must(t, err)
			if len(sess) != 1 {
				t.Errorf("anna has %d sessions, want 1", len(sess))
			}
		})

		t.Run("next", func(t *testing.T) {
			for _, c := range []struct{ next, want string }{
				{"/moten/1?x=1", "/moten/1?x=1"},
				{"//evil.example/x", "/konto"},
				{"https://evil.example/", "/konto"},
				{`/\evil.example`, "/konto"},
				{"/\t/evil.example", "/konto"},
				{"konto", "/konto"},
			} {
				b := newOIDCBrowser(t)
				callback := atProvider(t, op, b, toProvider(t, e, b, c.next), maria)
				if got := redirect(t, b.get(callback), http.StatusSeeOther); got != c.want {
					t.Errorf("next %q: sent to %q, want %q", c.next, got, c.want)
				}
			}
		})

		t.Run("wrong state", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), maria)
			u := must2(url.Parse(callback))
			q := u.Query()
			q.Set("state", calendar.NewToken())
			u.RawQuery = q.Encode()
			wantSignInPage(t, b.get(u.String()), http.StatusBadRequest, "Vi hittar ingen påbörjad inloggning", "Försök logga in igen")
			// A state is used once: the right one no longer works either.
			wantSignInPage(t, b.get(callback), http.StatusBadRequest, "Vi hittar ingen påbörjad inloggning")
		})

		t.Run("no flow cookie", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), maria)
			c := newOIDCBrowser(t) // another browser gets the answer
			wantSignInPage(t, c.get(callback), http.StatusBadRequest, "Vi hittar ingen påbörjad inloggning")
		})

		t.Run("sign-in took too long", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), maria)
			e.clock.Add(11 * time.Minute)
			defer e.clock.Add(-11 * time.Minute)
			wantSignInPage(t, b.get(callback), http.StatusBadRequest, "tog mer än tio minuter")
		})

		t.Run("provider error", func(t *testing.T) {
			b := newOIDCBrowser(t)
			authorize := toProvider(t, e, b, "/moten/1")
			state := must2(url.Parse(authorize)).Query().Get("state")
			r := b.get(e.http.URL + "/logga-in/oidc/callback?error=access_denied&error_description=nope&state=" + url.QueryEscape(state))
			wantSignInPage(t, r, http.StatusForbidden, "Inloggningen avbröts", `href="/logga-in/oidc?next=%2Fmoten%2F1"`)
			b = newOIDCBrowser(t)
			authorize = toProvider(t, e, b, "")
			state = must2(url.Parse(authorize)).Query().Get("state")
			r = b.get(e.http.URL + "/logga-in/oidc/callback?error=server_error&state=" + url.QueryEscape(state))
			wantSignInPage(t, r, http.StatusBadGateway, "svarade med ett fel")
		})

		t.Run("verifier not the challenge's", func(t *testing.T) {
			// The code was asked for with another challenge: the provider
			// refuses our verifier.
			b := newOIDCBrowser(t)
			u := must2(url.Parse(toProvider(t, e, b, "")))
			q := u.Query()
			q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
			u.RawQuery = q.Encode()
			callback := atProvider(t, op, b, u.String(), maria)
			wantSignInPage(t, b.get(callback), http.StatusBadRequest, "godtog inte svaret")
		})

		for _, c := range []struct {
			name   string
			user   *opUser
			tamper func(url.Values) // the authorize request
			log    string
		}{
			{"wrong audience", &opUser{email: mariaEmail, verified: yes(), audience: "someone-else"}, nil, "expected audience"},
			{"expired ID token", &opUser{email: mariaEmail, verified: yes(), expired: true}, nil, "token is expired"},
			{"wrong nonce", maria, func(q url.Values) { q.Set("nonce", calendar.NewToken()) }, "nonce is not the one sent"},
		} {
			t.Run(c.name, func(t *testing.T) {
				b := newOIDCBrowser(t)
				u := must2(url.Parse(toProvider(t, e, b, "")))
				if c.tamper != nil {
					q := u.Query()
					c.tamper(q)
					u.RawQuery = q.Encode()
				}
				callback := atProvider(t, op, b, u.String(), c.user)
				wantSignInPage(t, b.get(callback), http.StatusForbidden, "Inloggningen kunde inte bekräftas", contact)
				if !strings.Contains(e.logs.String(), c.log) {
					t.Errorf("the log does not say %q:\n%s", c.log, e.logs.String())
				}
			})
		}

		t.Run("unverified email", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{email: mariaEmail, verified: no()})
			wantSignInPage(t, b.get(callback), http.StatusForbidden, "E-postadressen är inte bekräftad", mariaEmail)
		})

		t.Run("unknown email", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{email: "okand@example.se", verified: yes()})
			wantSignInPage(t, b.get(callback), http.StatusForbidden, "Adressen finns inte i Samkal", "okand@example.se", "Kontakta "+contact)
		})

		t.Run("no email", func(t *testing.T) {
			b := newOIDCBrowser(t)
			callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{preferred: "maria", verified: yes()})
			wantSignInPage(t, b.get(callback), http.StatusForbidden, "Ingen e-postadress från inloggningstjänsten")
		})

		t.Run("provider down", func(t *testing.T) {
			op.down.Store(true)
			b := newOIDCBrowser(t)
			r := b.get(e.http.URL + "/logga-in/oidc")
			op.down.Store(false)
			// The provider was discovered before; its token endpoint is
			// what is down now.
			if r.StatusCode != http.StatusFound {
				t.Fatalf("start with a discovered provider: %d, want 302", r.StatusCode)
			}
			authorize := redirect(t, r, http.StatusFound)
			callback := atProvider(t, op, b, authorize, maria)
			op.down.Store(true)
			r = b.get(callback)
			op.down.Store(false)
			wantSignInPage(t, r, http.StatusServiceUnavailable, "Inloggningstjänsten svarar inte")
		})

		logs := e.logs.String()
		for _, s := range secrets {
			if s != "" && strings.Contains(logs, s) {
				t.Errorf("the log holds a code, state or the client secret %q", s)
			}
		}
	})
}

// TestOIDCProviderDownAtStart: the server starts while the provider does
// not answer, says so on the sign-in page, and signs in once it answers.
func TestOIDCProviderDownAtStart(t *testing.T) {
	op := startProvider(t)
	op.down.Store(true)
	e := newOIDCEnv(t, sqltest.SQLite, op)
	seed(t, e)
	if err := e.srv.CheckOIDC(context.Background()); err == nil {
		t.Fatal("CheckOIDC: no error while the provider is down")
	}
	b := newOIDCBrowser(t)
	wantSignInPage(t, b.get(e.http.URL+"/logga-in/oidc?next=/moten/1"), http.StatusServiceUnavailable,
		"Inloggningstjänsten svarar inte", `href="/logga-in/oidc?next=%2Fmoten%2F1"`)
	op.down.Store(false)
	must(t, e.srv.CheckOIDC(context.Background()))
	callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{email: mariaEmail, verified: yes()})
	redirect(t, b.get(callback), http.StatusSeeOther)
	if got := whoAmI(t, e, b); got != mariaEmail {
		t.Errorf("signed in once the provider answers: maria's email reads %q", got)
	}
}

// TestOIDCEmailClaim: with email_claim preferred_username (Entra ID's UPN)
// the address comes from that claim, and email_verified, which is about
// the email claim, does not matter.
func TestOIDCEmailClaim(t *testing.T) {
	op := startProvider(t)
	e := newOIDCEnv(t, sqltest.SQLite, op, func(o *api.Options) { o.OIDC.EmailClaim = "preferred_username" })
	seed(t, e)
	b := newOIDCBrowser(t)
	callback := atProvider(t, op, b, toProvider(t, e, b, ""), &opUser{email: "someone@else.example", verified: no(), preferred: mariaEmail})
	redirect(t, b.get(callback), http.StatusSeeOther)
	if got := whoAmI(t, e, b); got != mariaEmail {
		t.Errorf("signed in by preferred_username: maria's email reads %q", got)
	}
}

// TestOIDCNotConfigured: without an issuer both addresses are a Swedish
// 404 page.
func TestOIDCNotConfigured(t *testing.T) {
	e := newEnv(t, nil)
	for _, path := range []string{"/logga-in/oidc", "/logga-in/oidc/callback?code=x&state=y"} {
		r := e.get(path)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.text(), "inte kopplat till någon organisations inloggningstjänst") {
			t.Errorf("GET %s: %d %.300s, want the Swedish 404 page", path, r.StatusCode, r.body)
		}
	}
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
