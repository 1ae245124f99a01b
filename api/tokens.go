package api

import (
	"encoding/json"
	"net/http"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// Personal API tokens (/api/v1/tokens, and the page /konto/nycklar in
// account_pages.go). A token acts with its owner's current rights, a read
// token never writes, and its secret is shown once, when it is made, and
// kept only as a hash.
//
// Who may make one: only a person signed in with a browser session. A
// token cannot make tokens, so that a leaked token cannot outlive its own
// expiry or revocation by minting another, and a read token cannot make
// itself a write token. The admin token belongs to no person and has no
// tokens of its own: it is answered 403 on these routes. Listing and
// revoking one's own tokens also works with a personal token (revoking
// with a write token only).

// tokenJSON is a token as listed: never its secret.
type tokenJSON struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Scope    string  `json:"scope"`
	Created  string  `json:"created"`
	LastUsed *string `json:"last_used"`
	Expires  string  `json:"expires"` // the last day it works
	Revoked  *string `json:"revoked"`
}

// newTokenJSON is the answer to making a token: the one time its secret is
// shown.
type newTokenJSON struct {
	tokenJSON
	Token string `json:"token"`
	Note  string `json:"note"`
}

// tokenShownOnce is said wherever a new token's secret is shown.
const tokenShownOnce = "This is the only time the token is shown: Samkal keeps only a hash of it. Copy it now and send it as \"Authorization: Bearer TOKEN\"."

func toToken(k *calendar.APIToken) tokenJSON {
	return tokenJSON{ID: k.ID, Name: k.Name, Scope: string(k.Scope), Created: stamp(k.CreatedAt),
		LastUsed: optStamp(k.LastUsedAt), Expires: k.Expires.String(), Revoked: optStamp(k.RevokedAt)}
}

// personalOnly returns the caller when they are a person, and answers 403
// for the admin token, which has no tokens of its own.
func (s *Server) personalOnly(w http.ResponseWriter, r *http.Request) (*access.Principal, bool) {
	p := principalOf(r)
	if p.Person() == "" {
		Problem(w, http.StatusForbidden, calendar.EFORBIDDEN,
			"The admin token belongs to no person, so it has no personal tokens. Sign in as yourself to make and list your tokens.")
		return p, false
	}
	return p, true
}

type tokenInput struct {
	Name    json.RawMessage `json:"name"`
	Scope   json.RawMessage `json:"scope"`
	Expires json.RawMessage `json:"expires"`
}

// createToken answers POST /api/v1/tokens: 201 with the secret, shown
// once. Only a browser session may make a token (see above).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	p, ok := s.personalOnly(w, r)
	if !ok {
		return
	}
	if p.Actor.Via != calendar.ViaSession {
		Problem(w, http.StatusForbidden, calendar.EFORBIDDEN,
			"A token cannot make tokens. Sign in with your browser and make one on the page /konto/nycklar, or with POST /api/v1/tokens from that session.")
		return
	}
	var in tokenInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	k := &calendar.APIToken{Person: p.Person()}
	setStr(&k.Name, text(&f, "name", in.Name, false))
	setStr(&k.Scope, strTo[calendar.TokenScope](&f, "scope", in.Scope, false))
	if d := date(&f, "expires", in.Expires); d != nil {
		k.Expires = *d
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	secret, err := s.store.CreateAPIToken(r.Context(), k)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONCreated(w, "/api/v1/tokens", newTokenJSON{tokenJSON: toToken(k), Token: secret, Note: tokenShownOnce})
}

// listTokens answers GET /api/v1/tokens: the caller's tokens, revoked
// ones included, newest first, without their secrets.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	p, ok := s.personalOnly(w, r)
	if !ok || !s.noQuery(w, r) {
		return
	}
	ks, err := s.store.FindAPITokens(r.Context(), p.Person())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]tokenJSON, 0, len(ks))
	for _, k := range ks {
		out = append(out, toToken(k))
	}
	JSONOK(w, newList(out))
}

// revokeToken answers DELETE /api/v1/tokens/{id}: 204, or 404 when the
// caller has no such live token (someone else's reads as unknown).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	p, ok := s.personalOnly(w, r)
	if !ok || !s.noQuery(w, r) {
		return
	}
	if p.ReadOnly {
		s.forbidden(w, r, p, "")
		return
	}
	id, err := pathID(r, "token")
	if err == nil {
		err = s.store.RevokeAPIToken(r.Context(), p.Person(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	NoContent(w)
}
