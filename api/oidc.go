package api

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/samkal/samkal/calendar"
)

// Signing in through the organisation's identity provider (OpenID
// Connect, authorization code flow with PKCE S256):
//
//  1. GET /logga-in/oidc[?next=/path] makes a state, a nonce and a PKCE
//     verifier, keeps them in a short-lived cookie (see oidcFlow) and
//     sends the browser to the provider.
//  2. The provider sends the browser back to GET /logga-in/oidc/callback
//     with a code and the state. The cookie is cleared at once, whatever
//     follows, so that a state is used once. The state must equal the
//     cookie's; the code is exchanged (with the verifier) at the provider's
//     token endpoint; the ID token's signature, issuer, audience (the
//     client ID), expiry and nonce are checked (coreos/go-oidc); the email
//     is read from the configured claim and matched to a person,
//     case-insensitively. Then the person is signed in (a new session) and
//     sent on to the next path, /konto by default.
//
// Every failure is a Swedish page that says what happened and offers to
// try again; none is a 500. The reason is logged at INFO (the person's or
// the provider's side) or WARN (a token that does not check out, a
// provider that does not answer), never a code, a token, the state or the
// client secret.
//
// Why a cookie and not a table: the flow needs no storage, so any replica
// can finish what another began, and nothing is left behind by flows that
// were abandoned. The cookie is HttpOnly, SameSite=Lax (sent with the
// provider's redirect, a top-level GET, and not with another site's
// requests), scoped to /logga-in/oidc, Secure on https, and carries its
// own expiry (10 minutes), checked here too. One use: the callback clears
// it before anything else, and the provider takes a code once; the PKCE
// verifier means a code that leaks (through a log or a referrer) is worth
// nothing without the browser's cookie.
//
// Discovery of the provider is lazy: New never calls it, so that serve
// starts while the provider is down; the first sign-in asks (5 s), and a
// failed discovery is tried again by the next one. Server.CheckOIDC lets
// serve ask at start and log the answer.

// OIDCOptions configure signing in through an OpenID Connect provider.
type OIDCOptions struct {
	// Issuer is the provider's issuer URL; the discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// EmailClaim is the ID token claim that holds the person's email
	// address; "" means "email". With "email", a token that carries
	// email_verified must say true. Other claims (Entra ID's
	// preferred_username or upn) are taken as they are: they are set by
	// the organisation's administrators, not by the person, and the
	// issuer check pins the organisation's own tenant.
	EmailClaim string
	// ButtonText names the provider on a sign-in button.
	ButtonText string
	// HTTPClient talks to the provider; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
}

const (
	// oidcFlowPath is where the flow starts, and the path its cookie is
	// scoped to.
	oidcFlowPath = "/logga-in/oidc"
	// oidcFlowLifetime is how long a started sign-in may take at the
	// provider.
	oidcFlowLifetime = 10 * time.Minute
	// oidcDiscoveryTimeout bounds one discovery, so that a sign-in while
	// the provider is down is answered soon.
	oidcDiscoveryTimeout = 5 * time.Second
	// defaultNext is where a signed-in person goes when the sign-in did not
	// say.
	defaultNext = "/konto"
)

// oidcClient is the provider as discovered, and what is needed to
// discover it.
type oidcClient struct {
	opts        OIDCOptions
	redirectURL string
	now         func() time.Time

	mu       sync.Mutex // held while discovering, so that one request asks
	config   *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newOIDCClient(o *OIDCOptions, baseURL string, now func() time.Time) (*oidcClient, error) {
	if o == nil || o.Issuer == "" {
		return nil, nil
	}
	if o.ClientID == "" {
		return nil, errors.New("api: OIDCOptions.ClientID is required with an issuer")
	}
	c := &oidcClient{opts: *o, redirectURL: baseURL + oidcFlowPath + "/callback", now: now}
	if c.opts.EmailClaim == "" {
		c.opts.EmailClaim = "email"
	}
	if c.opts.HTTPClient == nil {
		c.opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return c, nil
}

// ctx returns ctx carrying the client to talk to the provider with.
func (c *oidcClient) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.opts.HTTPClient)
}

// discover returns the OAuth2 configuration and the ID token verifier,
// asking the provider the first time (and again after a failure).
func (c *oidcClient) discover(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.config != nil {
		return c.config, c.verifier, nil
	}
	dctx, cancel := context.WithTimeout(ctx, oidcDiscoveryTimeout)
	defer cancel()
	// The key set the provider keeps uses this context's client for its
	// later fetches, not its deadline (go-oidc drops the cancellation).
	p, err := oidc.NewProvider(c.ctx(dctx), c.opts.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("discovering the OIDC provider %s: %w", c.opts.Issuer, err)
	}
	c.config = &oauth2.Config{
		ClientID:     c.opts.ClientID,
		ClientSecret: c.opts.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  c.redirectURL,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
	c.verifier = p.Verifier(&oidc.Config{ClientID: c.opts.ClientID, Now: c.now})
	return c.config, c.verifier, nil
}

// CheckOIDC asks the configured provider for its discovery document, so
// that serve can say at start whether sign-in will work. Nil when no
// provider is configured. Sign-in does not depend on it: a provider that
// is down now is asked again at the next sign-in.
func (s *Server) CheckOIDC(ctx context.Context) error {
	if s.oidc == nil {
		return nil
	}
	_, _, err := s.oidc.discover(ctx)
	return err
}

// oidcEnabled reports whether sign-in through the organisation's provider
// is configured: the sign-in page shows its button (oidcButtonText) only
// then.
func (s *Server) oidcEnabled() bool { return s.oidc != nil }

// oidcButtonText is the text of the sign-in button.
func (s *Server) oidcButtonText() string {
	if s.oidc == nil || s.oidc.opts.ButtonText == "" {
		return "Logga in med organisationens konto"
	}
	return s.oidc.opts.ButtonText
}

// oidcFlow is what the browser keeps between the start and the callback.
type oidcFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x,omitempty"`
	Expires  int64  `json:"e"` // Unix seconds
}

// oidcCookieName is the flow cookie's name, with the __Secure- prefix on
// https (the browser then refuses it from plain http).
func (s *Server) oidcCookieName() string {
	if strings.HasPrefix(s.baseURL, "https://") {
		return "__Secure-samkal-oidc"
	}
	return "samkal-oidc"
}

func (s *Server) setFlowCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.oidcCookieName(),
		Value:    value,
		Path:     oidcFlowPath,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.baseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
	})
}

// takeFlow reads the flow cookie and clears it: a state is used once. Nil
// when there is none, it cannot be read, or it has expired.
func (s *Server) takeFlow(w http.ResponseWriter, r *http.Request) *oidcFlow {
	c, err := r.Cookie(s.oidcCookieName())
	if err != nil {
		return nil
	}
	s.setFlowCookie(w, "", -1)
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var f oidcFlow
	if json.Unmarshal(b, &f) != nil || f.State == "" || f.Nonce == "" || f.Verifier == "" {
		return nil
	}
	if s.now().Unix() > f.Expires {
		return nil
	}
	f.Next = safeNext(f.Next)
	return &f
}

// oidcStart begins a sign-in: GET /logga-in/oidc[?next=/path].
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if !s.oidcEnabled() {
		s.oidcNotConfigured(w, r)
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	conf, _, err := s.oidc.discover(r.Context())
	if err != nil {
		s.oidcUnavailable(w, r, next, err)
		return
	}
	f := oidcFlow{
		State: calendar.NewToken(), Nonce: calendar.NewToken(), Verifier: oauth2.GenerateVerifier(),
		Next: next, Expires: s.now().Add(oidcFlowLifetime).Unix(),
	}
	b, _ := json.Marshal(f) // strings and an integer: never fails
	s.setFlowCookie(w, base64.RawURLEncoding.EncodeToString(b), int(oidcFlowLifetime.Seconds()))
	to := conf.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Location", to)
	w.WriteHeader(http.StatusFound)
}

// oidcCallback finishes a sign-in: GET /logga-in/oidc/callback.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if !s.oidcEnabled() {
		s.oidcNotConfigured(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := s.takeFlow(w, r)
	next := ""
	if f != nil {
		next = f.Next
	}
	if e := q.Get("error"); e != "" {
		// The provider's own error description is not shown: it is in the
		// provider's language and may say more than a visitor needs.
		code := providerErrorCode(e)
		s.log.InfoContext(ctx, "oidc sign-in refused by the provider", "error", code)
		if code == "access_denied" {
			s.oidcProblem(w, r, http.StatusForbidden, next, "Inloggningen avbröts",
				"Organisationens inloggningstjänst sa nej, eller så avbröt du inloggningen. Du är inte inloggad i Samkal.")
			return
		}
		s.oidcProblem(w, r, http.StatusBadGateway, next, "Inloggningstjänsten svarade med ett fel",
			"Organisationens inloggningstjänst kunde inte logga in dig just nu. Du är inte inloggad i Samkal.")
		return
	}
	state, code := q.Get("state"), q.Get("code")
	if f == nil || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		s.log.InfoContext(ctx, "oidc sign-in: the state does not match a sign-in begun in this browser",
			"flow_cookie", f != nil)
		s.oidcProblem(w, r, http.StatusBadRequest, next, "Inloggningen kunde inte slutföras",
			"Vi hittar ingen påbörjad inloggning i den här webbläsaren som hör ihop med svaret från inloggningstjänsten. Det händer om inloggningen tog mer än tio minuter, om du använde bakåtknappen eller ett gammalt bokmärke, om du började logga in i en annan flik, eller om webbläsaren inte sparar kakor.")
		return
	}
	if code == "" {
		s.log.InfoContext(ctx, "oidc sign-in: the provider's answer has no code")
		s.oidcProblem(w, r, http.StatusBadRequest, next, "Inloggningen kunde inte slutföras",
			"Svaret från inloggningstjänsten saknade en del som behövs för att logga in.")
		return
	}
	conf, verifier, err := s.oidc.discover(ctx)
	if err != nil {
		s.oidcUnavailable(w, r, next, err)
		return
	}
	tok, err := conf.Exchange(s.oidc.ctx(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		if s.requestEnded(w, r, err) {
			return
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			// invalid_grant and the like: a code used before, expired, or
			// not made for this verifier.
			s.log.InfoContext(ctx, "oidc sign-in: the provider did not accept the code",
				"status", re.Response.StatusCode, "error", providerErrorCode(re.ErrorCode))
			s.oidcProblem(w, r, http.StatusBadRequest, next, "Inloggningen kunde inte slutföras",
				"Inloggningstjänsten godtog inte svaret. Det händer om samma inloggningslänk används två gånger, eller om det dröjde för länge. Du är inte inloggad i Samkal.")
			return
		}
		s.oidcUnavailable(w, r, next, err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.log.WarnContext(ctx, "oidc sign-in: the token response has no id_token")
		s.oidcNotConfirmed(w, r, next)
		return
	}
	idt, err := verifier.Verify(s.oidc.ctx(ctx), raw)
	if err != nil {
		if s.requestEnded(w, r, err) {
			return
		}
		// The error names the failed check (issuer, audience, expiry,
		// signature) and values of the token's header and claims, never the
		// token itself.
		s.log.WarnContext(ctx, "oidc sign-in: the ID token does not check out", "err", err)
		s.oidcNotConfirmed(w, r, next)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		s.log.WarnContext(ctx, "oidc sign-in: the ID token's nonce is not the one sent")
		s.oidcNotConfirmed(w, r, next)
		return
	}
	email, why := s.oidc.email(idt)
	switch why {
	case "":
	case emailUnverified:
		s.log.InfoContext(ctx, "oidc sign-in: the provider has not verified the address", "email", email)
		s.oidcProblem(w, r, http.StatusForbidden, next, "E-postadressen är inte bekräftad",
			"Inloggningstjänsten säger att din e-postadress "+email+" inte är bekräftad, så Samkal kan inte lita på att den är din. Bekräfta adressen hos din organisation och försök igen.")
		return
	default:
		s.log.WarnContext(ctx, "oidc sign-in: no usable email address in the ID token", "claim", s.oidc.opts.EmailClaim, "reason", why)
		s.oidcProblem(w, r, http.StatusForbidden, next, "Ingen e-postadress från inloggningstjänsten",
			"Inloggningstjänsten skickade ingen e-postadress som Samkal kan känna igen dig med. Du är inte inloggad i Samkal.",
			s.askWhom(" och be att inställningarna för inloggningen kontrolleras."))
		return
	}
	p, err := s.store.FindPersonByEmail(ctx, email)
	switch {
	case calendar.IsNotFound(err):
		s.log.InfoContext(ctx, "oidc sign-in: no person has this address", "email", email)
		s.oidcProblem(w, r, http.StatusForbidden, "", "Adressen finns inte i Samkal",
			"Du loggade in som "+email+", men den adressen finns inte hos någon person i Samkal, så vi kan inte släppa in dig.",
			s.askWhom(" om du ska ha tillgång till Samkal, och be att bli tillagd med den adressen."))
		return
	case calendar.ErrorCode(err) == calendar.ECONFLICT:
		s.log.WarnContext(ctx, "oidc sign-in: more than one person has this address", "email", email)
		s.oidcProblem(w, r, http.StatusForbidden, "", "Adressen hör till flera personer",
			"Du loggade in som "+email+", men flera personer i Samkal har den adressen, så vi vet inte vem du är.",
			s.askWhom(" och be att dubbletten tas bort."))
		return
	case err != nil:
		s.Error(w, r, err)
		return
	}
	if err := s.signIn(w, r, p.Key, "oidc"); err != nil {
		s.Error(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "signed in", "person", p.Key, "via", "oidc")
	if next == "" {
		next = defaultNext
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Location", next)
	w.WriteHeader(http.StatusSeeOther)
}

// Why no email came from a token (oidcClient.email).
const (
	emailMissing    = "missing"
	emailNotAddress = "not_an_address"
	emailUnverified = "unverified"
)

// email returns the address in the configured claim of t, or why there is
// none to use: the claim is missing or no address, or (claim "email") the
// provider says email_verified false. A provider that sends no
// email_verified is trusted: it is the organisation's own, and Entra ID,
// for one, never sends it.
func (c *oidcClient) email(t *oidc.IDToken) (string, string) {
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return "", emailMissing
	}
	v, ok := claims[c.opts.EmailClaim]
	if !ok || v == nil {
		return "", emailMissing
	}
	email, ok := v.(string)
	if !ok {
		return "", emailNotAddress
	}
	email = strings.TrimSpace(email)
	if !plausibleEmail(email) {
		return "", emailNotAddress
	}
	if c.opts.EmailClaim == "email" {
		if ev, sent := claims["email_verified"]; sent && !verified(ev) {
			return email, emailUnverified
		}
	}
	return email, ""
}

// verified reads email_verified: a boolean, or the string "true" that
// some providers send.
func verified(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// plausibleEmail reports whether s can be an address that a person in
// Samkal has: one line, at most 254 characters, something on both sides
// of one @. What the store holds was validated when written; this keeps
// junk from the provider away from the query.
func plausibleEmail(s string) bool {
	if len(s) > 254 || calendar.LineText.Check(s, false) != nil || strings.ContainsAny(s, " \t") {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@")
}

// providerErrorCode returns an OAuth2 error code as it may be logged: the
// codes are short lowercase words; anything else is "other".
func providerErrorCode(e string) string {
	if errorCodePattern.MatchString(e) {
		return e
	}
	return "other"
}

var errorCodePattern = regexp.MustCompile(`^[a-z_]{1,40}$`)

// safeNext returns next when it is a path on this site, "" otherwise: it
// must start with one "/" (not "//", which a browser reads as another
// host), hold no backslash (read as "/" by browsers) and no control
// character (a tab or newline is dropped by browsers, "/\t/evil" becomes
// "//evil"), and parse as a path without scheme or host.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return ""
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}

// oidcPage is a sign-in message: what happened, and a link to try again.
type oidcPage struct {
	page
	Heading string
	Lines   []string
	Retry   string // the address that starts a new sign-in; "" for none
}

// oidcProblem renders a sign-in message with status. next, when not "",
// goes along with the link to try again.
func (s *Server) oidcProblem(w http.ResponseWriter, r *http.Request, status int, next, heading string, lines ...string) {
	retry := oidcFlowPath
	if next != "" {
		retry += "?" + url.Values{"next": {next}}.Encode()
	}
	data := oidcPage{page: page{Title: heading, Region: s.region, Home: "/"}, Heading: heading, Lines: lines, Retry: retry}
	s.renderPage(w, r, status, s.pages.oidc, data)
}

// oidcNotConfirmed answers an ID token that does not check out: the
// caller cannot tell a forged token from a misconfigured provider, and
// needs to know neither.
func (s *Server) oidcNotConfirmed(w http.ResponseWriter, r *http.Request, next string) {
	s.oidcProblem(w, r, http.StatusForbidden, next, "Inloggningen kunde inte bekräftas",
		"Svaret från inloggningstjänsten gick inte att kontrollera, så Samkal kan inte veta vem du är. Du är inte inloggad i Samkal.",
		"Försök igen. Händer det igen kan det bero på inställningarna för inloggningen.",
		s.askWhom(" om det inte går."))
}

// oidcUnavailable answers 503 when the provider cannot be reached or
// answers with a server error.
func (s *Server) oidcUnavailable(w http.ResponseWriter, r *http.Request, next string, err error) {
	if s.requestEnded(w, r, err) {
		return
	}
	s.log.WarnContext(r.Context(), "oidc sign-in: the provider does not answer", "issuer", s.oidc.opts.Issuer, "err", err)
	w.Header().Set("Retry-After", "60")
	s.oidcProblem(w, r, http.StatusServiceUnavailable, next, "Inloggningstjänsten svarar inte",
		"Organisationens inloggningstjänst svarar inte just nu, så du kan inte logga in med den. Försök igen om en stund.")
}

// oidcNotConfigured answers 404: this installation signs nobody in
// through a provider.
func (s *Server) oidcNotConfigured(w http.ResponseWriter, r *http.Request) {
	data := oidcPage{page: page{Title: "Inloggning med organisationens konto finns inte", Region: s.region, Home: "/"},
		Heading: "Inloggning med organisationens konto finns inte",
		Lines:   []string{"Samkal här är inte kopplat till någon organisations inloggningstjänst."}}
	s.renderPage(w, r, http.StatusNotFound, s.pages.oidc, data)
}

// askWhom is "Kontakta CONTACT" and tail, CONTACT being auth.contact or,
// when none is configured, whoever runs Samkal in the person's
// organisation.
func (s *Server) askWhom(tail string) string {
	who := s.contact
	if who == "" {
		who = "den som sköter Samkal i din organisation"
	}
	return "Kontakta " + who + tail
}

// isSignInPath reports whether path is a sign-in page: like the personal
// pages it is never cached or indexed, and sends no referrer (the
// callback's address holds the provider's code and the state).
func isSignInPath(path string) bool {
	return path == "/logga-in" || strings.HasPrefix(path, "/logga-in/")
}
