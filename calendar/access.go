package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Who may do what is decided in calendar/access; this file holds what the
// store keeps for it: role grants, sessions, one-time sign-in links,
// personal API tokens, and the actor that every recorded change names.

// AccessRole is a role given to a person beyond their memberships.
type AccessRole string

const (
	// AccessAdmin may do everything, including giving roles.
	AccessAdmin AccessRole = "admin"
	// AccessSecretary is the secretary of one body: a stand-in, or someone
	// who keeps the body's calendar without a sekreterare membership.
	AccessSecretary AccessRole = "secretary"
)

// Valid reports whether r is a known role.
func (r AccessRole) Valid() bool { return r == AccessAdmin || r == AccessSecretary }

// Grant is one role given to a person: admin (no body) or secretary of a
// body.
type Grant struct {
	ID        int64      `json:"id"`
	Person    string     `json:"person"` // person key
	Role      AccessRole `json:"role"`
	Body      string     `json:"body,omitempty"` // body slug; "" for admin
	CreatedAt time.Time  `json:"created"`
}

// Validate checks g: a known role, a person, and a body exactly for the
// secretary role.
func (g *Grant) Validate() error {
	var p problems
	if g.Person == "" {
		p.add("person is required")
	}
	switch g.Role {
	case AccessAdmin:
		if g.Body != "" {
			p.add("the admin role is for every body; give no body")
		}
	case AccessSecretary:
		if g.Body == "" {
			p.add("the secretary role needs the body it is for")
		}
	default:
		p.add("role %s is unknown; use admin or secretary", quote(string(g.Role)))
	}
	return p.err()
}

// GrantFilter narrows FindGrants; zero fields do not filter.
type GrantFilter struct {
	Person *string
	Body   *string
}

// Rights is what a person may do on a day: whether they are an admin, the
// bodies they are secretary of (an explicit grant, or a sekreterare
// membership active that day) and the bodies they take part in (any
// membership active that day).
type Rights struct {
	PersonID  int64
	Person    string // key
	Name      string
	Admin     bool
	Secretary map[string]bool // body slugs
	Member    map[string]bool // body slugs
}

// Session is a signed-in browser. Its secret (the cookie's value) is kept
// only as a hash.
type Session struct {
	ID         int64     `json:"id"`
	Person     string    `json:"-"`
	Via        string    `json:"via"` // how the person signed in: "oidc", "link"
	CreatedAt  time.Time `json:"created"`
	LastSeenAt time.Time `json:"last_seen"`
	ExpiresAt  time.Time `json:"expires"`
}

// TokenScope is what a personal API token may do with its owner's rights.
type TokenScope string

const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
)

// APIToken is a named personal API token. Its secret is shown once, when it
// is made, and kept only as a hash.
type APIToken struct {
	ID         int64      `json:"id"`
	Person     string     `json:"-"`
	Name       string     `json:"name"`
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created"`
	LastUsedAt time.Time  `json:"last_used"`
	Expires    Date       `json:"expires"` // the last day it works
	RevokedAt  time.Time  `json:"revoked"`
}

// MaxTokenDays is how far ahead a personal API token may expire.
const MaxTokenDays = 366

// Validate checks t for creation on today: a one-line name, a known scope,
// an expiry from today up to MaxTokenDays ahead.
func (t *APIToken) Validate(today Date) error {
	var p problems
	p.text("token name", NameText, t.Name, true)
	if t.Scope != ScopeRead && t.Scope != ScopeWrite {
		p.add("scope %s is unknown; use read or write", quote(string(t.Scope)))
	}
	switch {
	case t.Expires.IsZero():
		p.add("expires is required: the last day the token works, e.g. %s", today.AddDays(90))
	case t.Expires.Before(today):
		p.add("expires %s is in the past", t.Expires)
	case today.AddDays(MaxTokenDays).Before(t.Expires):
		p.add("expires %s is more than %d days ahead; make a new token when this one ends", t.Expires, MaxTokenDays)
	}
	return p.err()
}

// HashSecret is how sessions, sign-in links and API tokens are kept: a
// SHA-256 of the secret, so that a copy of the database signs nobody in.
// The secrets are 256-bit random (NewToken), so a plain hash suffices.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// A person is sent at most MaxSignInLinks sign-in links in any
// SignInLinkWindow, the time a link from /logga-in lives: three tries of a
// person who mistyped nothing but waits for slow mail, and no flood of a
// mailbox by someone who knows the address.
const (
	MaxSignInLinks   = 3
	SignInLinkWindow = 15 * time.Minute
)

// CalendarLinkMailEvery is how often a person is mailed their calendar
// link ("Skicka min kalenderlänk") at most: the address does not change
// with each mail, so one mail in a while is all anyone needs.
const CalendarLinkMailEvery = 10 * time.Minute

// Ways an actor made a change.
const (
	ViaSession    = "session"     // a signed-in browser
	ViaToken      = "token"       // a personal API token
	ViaAdminToken = "admin-token" // the configured break-glass token
	ViaCLI        = "cli"         // the samkal command on the server
	ViaScan       = "scan"        // the email scan
	ViaLink       = "link"        // a personal no-account link (anmälan, justering)
	ViaRetention  = "retention"   // the daily job that removes old changes
)

// Actor is who made a change: a person (0 when none, e.g. the admin
// token) and how, with the API token's name and the request's ID.
type Actor struct {
	PersonID  int64  `json:"-"`
	Person    string `json:"person,omitempty"` // key, filled when read back
	Name      string `json:"name,omitempty"`   // filled when read back
	Via       string `json:"via,omitempty"`
	Token     string `json:"token,omitempty"` // the API token's name
	RequestID string `json:"request_id,omitempty"`
}

type actorKey struct{}

// WithActor returns ctx carrying a, which the store records with every
// change made under ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx; the zero Actor when none.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// ErasedName is what stays of an erased person's name in the records that
// must keep them (an approval of minutes is a fact).
const ErasedName = "Borttagen person"

// AccessStore keeps roles, sessions, sign-in links and API tokens, and
// answers for a person's data (export and erasure).
type AccessStore interface {
	// FindPersonByEmail returns the person with this email address,
	// compared case-insensitively; ENOTFOUND when none.
	FindPersonByEmail(ctx context.Context, email string) (*Person, error)
	// FindRights returns what the person may do on day; ENOTFOUND for an
	// unknown person.
	FindRights(ctx context.Context, person string, day Date) (*Rights, error)

	// FindGrants returns role grants, by person and body.
	FindGrants(ctx context.Context, f GrantFilter) ([]*Grant, error)
	// GrantRole gives a role; giving one already held returns it
	// unchanged. EINVALID for an unknown person or body.
	GrantRole(ctx context.Context, g Grant) (*Grant, error)
	// RevokeRole takes a role back; ENOTFOUND when it was not held.
	RevokeRole(ctx context.Context, g Grant) error

	// CreateSession signs person in for at most lifetime and returns the
	// session's secret, shown nowhere but in the cookie.
	CreateSession(ctx context.Context, person, via string, lifetime time.Duration) (string, *Session, error)
	// FindSession returns the session with this secret and marks it seen;
	// ENOTFOUND when unknown, ended, past its lifetime or idle for longer
	// than idle.
	FindSession(ctx context.Context, secret string, idle time.Duration) (*Session, error)
	// FindSessions returns the person's live sessions, newest first.
	FindSessions(ctx context.Context, person string) ([]*Session, error)
	// EndSession signs one session out; ending an unknown one is no error.
	EndSession(ctx context.Context, secret string) error
	// EndSessions signs the person out everywhere and says how many
	// sessions ended.
	EndSessions(ctx context.Context, person string) (int, error)

	// CreateSignInLink makes a one-time sign-in secret for person, valid for
	// ttl. ECONFLICT when MaxSignInLinks links were made for the person in
	// the last SignInLinkWindow (so that nobody floods a mailbox, and the
	// count holds across replicas); EINVALID for an unknown person.
	CreateSignInLink(ctx context.Context, person string, ttl time.Duration) (string, error)
	// ClaimCalendarLinkMail records that the person is being mailed their
	// calendar link ("Skicka min kalenderlänk") now: ECONFLICT when one
	// was claimed less than CalendarLinkMailEvery ago, so that a stranger
	// who types the address again and again fills no one's inbox. It is
	// one conditional update of the person's row, safe across replicas;
	// ENOTFOUND for an unknown person.
	ClaimCalendarLinkMail(ctx context.Context, person string) error
	// UseSignInLink uses up the secret and returns its person's key;
	// ENOTFOUND when unknown, used or expired (one message for all three).
	UseSignInLink(ctx context.Context, secret string) (string, error)

	// CreateAPIToken validates t, stores it for t.Person and returns its
	// secret, which is kept only as a hash.
	CreateAPIToken(ctx context.Context, t *APIToken) (string, error)
	// FindAPITokens lists the person's tokens, revoked ones included.
	FindAPITokens(ctx context.Context, person string) ([]*APIToken, error)
	// FindAPITokenBySecret returns the live token with this secret and marks
	// it used; ENOTFOUND when unknown, revoked or expired.
	FindAPITokenBySecret(ctx context.Context, secret string) (*APIToken, error)
	// RevokeAPIToken revokes the person's token id; ENOTFOUND when the
	// person has no such live token.
	RevokeAPIToken(ctx context.Context, person string, id int64) error
}

// ClashesConfirmedField is the field of a meeting's Change that records
// the clash warnings (in Swedish) its writer was shown and saved anyway:
// the choice is kept with who made it and when, in the record of changes,
// without touching the meeting's own fields.
const ClashesConfirmedField = "clashes_confirmed"

type confirmedKey struct{}

// WithConfirmedClashes returns ctx carrying the clash warnings the caller
// chose to save despite; the store records them with the meeting change
// made under ctx (ClashesConfirmedField).
func WithConfirmedClashes(ctx context.Context, warnings string) context.Context {
	return context.WithValue(ctx, confirmedKey{}, warnings)
}

// ConfirmedClashesFrom returns the warnings ctx carries, "" when none.
func ConfirmedClashesFrom(ctx context.Context) string {
	s, _ := ctx.Value(confirmedKey{}).(string)
	return s
}

type allOrNothingKey struct{}

// AllOrNothing returns ctx for a Store.InTx whose callback gives up on the
// first error any call returns and returns it, so that the whole InTx is
// undone. The store may then run the callback's calls without keeping the
// transaction usable after one of them fails (a savepoint per call, a
// round trip each on PostgreSQL), and write its record of changes in
// batches: an årsplan import of a whole country is thousands of calls. A
// callback that nevertheless goes on after a failed call gets an error
// from InTx, never a half-done commit. An InTx nested in the callback is
// a call like any other: its error too ends the callback, so it needs no
// savepoint either; its own calls run without one only when it too is
// given such a ctx.
func AllOrNothing(ctx context.Context) context.Context {
	return context.WithValue(ctx, allOrNothingKey{}, true)
}

// IsAllOrNothing reports whether ctx was made by AllOrNothing.
func IsAllOrNothing(ctx context.Context) bool {
	b, _ := ctx.Value(allOrNothingKey{}).(bool)
	return b
}
