package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// Who is calling: a request carries at most one credential that Samkal
// reads, in this order:
//
//  1. "Authorization: Bearer TOKEN": the configured admin token (an admin,
//     recorded as the admin token), or a personal API token (its owner's
//     current rights; a read token never writes). A token that is neither
//     is refused with 401 on /api/, so that a misconfigured client notices.
//  2. The session cookie of a signed-in browser (see signin.go). A
//     session that has ended reads as anonymous.
//
// The caller, as an access.Principal, is resolved once per request in
// handle, before the route's rule (see rules.go) and the handler; the
// actor it carries is put into the request's context so that the store
// records it with every change.

type principalKey struct{}

// principalOf returns the caller of r: anonymous unless identify found
// credentials.
func principalOf(r *http.Request) *access.Principal {
	if p, ok := r.Context().Value(principalKey{}).(*access.Principal); ok {
		return p
	}
	return access.Anonymous
}

// withPrincipal returns r carrying p, and p's actor (with the request's
// ID) for the record of changes.
func withPrincipal(r *http.Request, p *access.Principal) *http.Request {
	a := p.Actor
	if ri := infoOf(r); ri != nil {
		a.RequestID = ri.id
	}
	ctx := context.WithValue(r.Context(), principalKey{}, p)
	return r.WithContext(calendar.WithActor(ctx, a))
}

// credential is what identify found.
type credential int

const (
	noCredential credential = iota
	goodCredential
	badBearer // an Authorization header that is no token Samkal knows
)

// identify resolves the caller of r. It returns r carrying the principal,
// and whether the request had a bearer token that is not valid. Errors of
// the store (not the caller's fault) come back as err.
func (s *Server) identify(r *http.Request) (*http.Request, credential, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		p, err := s.bearer(r.Context(), h)
		if err != nil {
			if calendar.IsNotFound(err) {
				return r, badBearer, nil
			}
			return r, badBearer, err
		}
		return withPrincipal(r, p), goodCredential, nil
	}
	secret := s.sessionSecret(r)
	if secret == "" {
		return withPrincipal(r, access.Anonymous), noCredential, nil
	}
	sess, err := s.store.FindSession(r.Context(), secret, s.sessionIdle)
	if err != nil {
		if calendar.IsNotFound(err) {
			return withPrincipal(r, access.Anonymous), noCredential, nil
		}
		return r, noCredential, err
	}
	rights, err := s.store.FindRights(r.Context(), sess.Person, calendar.DateOf(s.now()))
	if err != nil {
		return r, noCredential, err
	}
	r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
	return withPrincipal(r, access.ForPerson(rights, calendar.ViaSession, "", false)), goodCredential, nil
}

type sessionKey struct{}

// sessionOf returns the session r was identified by, nil when none (so
// that /konto can mark "this browser" among the person's sessions).
func sessionOf(r *http.Request) *calendar.Session {
	sess, _ := r.Context().Value(sessionKey{}).(*calendar.Session)
	return sess
}

// bearer resolves an Authorization header: ENOTFOUND for anything but the
// admin token or a live personal token.
func (s *Server) bearer(ctx context.Context, h string) (*access.Principal, error) {
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "not a bearer token")
	}
	if len(s.adminToken) > 0 && subtle.ConstantTimeCompare([]byte(token), s.adminToken) == 1 {
		return access.AdminToken(), nil
	}
	k, err := s.store.FindAPITokenBySecret(ctx, token)
	if err != nil {
		return nil, err
	}
	rights, err := s.store.FindRights(ctx, k.Person, calendar.DateOf(s.now()))
	if err != nil {
		return nil, err
	}
	return access.ForPerson(rights, calendar.ViaToken, k.Name, k.Scope == calendar.ScopeRead), nil
}

// isAdminToken reports whether r carries the configured admin token,
// without asking the store: the rate limits never count the admin token.
func (s *Server) isAdminToken(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && len(s.adminToken) > 0 &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), s.adminToken) == 1
}

// newRequestID returns a random ID for one request: it is in the access
// log line, the X-Request-ID header and the record of the changes the
// request made, so that a change can be found in the log and back.
func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// sessionCookieName is the session cookie's name: with the __Host- prefix
// when the base URL is https, so that the browser sends it only over
// https, only to this host and only for path /.
func (s *Server) sessionCookieName() string {
	if strings.HasPrefix(s.baseURL, "https://") {
		return "__Host-samkal"
	}
	return "samkal"
}

// sessionSecret returns the session cookie's value, "" when none.
func (s *Server) sessionSecret(r *http.Request) string {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil {
		return ""
	}
	return c.Value
}

// setSessionCookie gives the browser the session's secret: HttpOnly (no
// script reads it), SameSite=Lax (not sent with another site's forms),
// Secure on https. It lives as long as the session may.
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string, lifetime time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.sessionCookieName(),
		Value:    secret,
		Path:     "/",
		MaxAge:   int(lifetime.Seconds()),
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.baseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie removes the session cookie from the browser.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.sessionCookieName(),
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.baseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
	})
}

// signIn starts a session for person (via "oidc" or "link"): a new
// session ID every time (the old cookie, if any, is ended), so that an ID
// planted before sign-in is worth nothing after it.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, person, via string) error {
	if old := s.sessionSecret(r); old != "" {
		if err := s.store.EndSession(r.Context(), old); err != nil {
			return err
		}
	}
	secret, _, err := s.store.CreateSession(r.Context(), person, via, s.sessionLifetime)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, secret, s.sessionLifetime)
	return nil
}
