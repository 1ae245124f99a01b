// Package access answers one question for the JSON API and the pages alike:
// may this caller do this to these bodies?
//
// # Roles
//
//   - Admin: everything, including giving roles.
//   - Secretary of a body: the body's meetings, agenda, minutes and
//     justering, memberships, email settings, and booking windows whose
//     bodies are all theirs. A person whose membership in a body has the
//     role sekreterare, active today, is its secretary; a stand-in is given
//     the role with a grant.
//   - Member (signed in): sees what they take part in, restricted bodies
//     included.
//   - Anonymous: public data only.
//
// A personal API token acts with its owner's current rights; a read token
// never writes. The configured admin token is an admin (break-glass).
//
// A thing that belongs to several bodies (a joint meeting, a booking
// window) may be changed only by a caller who may change it for every one
// of them: a secretary of one council cannot move the other council's
// meeting. Seeing it needs a part in any one of them.
package access

import (
	"github.com/samkal/samkal/calendar"
)

// Principal is a caller with what they may do. The zero value is
// anonymous.
type Principal struct {
	// Rights are the person's; nil for anonymous and for the admin token.
	Rights *calendar.Rights
	// Admin is true for an admin person and for the admin token.
	Admin bool
	// ReadOnly is true for a read-scope API token.
	ReadOnly bool
	// Actor is what the change log records for this caller.
	Actor calendar.Actor
}

// Anonymous is the caller with no credentials.
var Anonymous = &Principal{}

// ForPerson is the principal of a person with rights r, signed in or using
// a token (via, token name).
func ForPerson(r *calendar.Rights, via, token string, readOnly bool) *Principal {
	return &Principal{
		Rights:   r,
		Admin:    r.Admin,
		ReadOnly: readOnly,
		Actor:    calendar.Actor{PersonID: r.PersonID, Person: r.Person, Name: r.Name, Via: via, Token: token},
	}
}

// AdminToken is the principal of the configured break-glass token.
func AdminToken() *Principal {
	return &Principal{Admin: true, Actor: calendar.Actor{Via: calendar.ViaAdminToken}}
}

// SignedIn reports whether the caller is someone: a person or the admin
// token.
func (p *Principal) SignedIn() bool { return p != nil && (p.Rights != nil || p.Admin) }

// Person returns the caller's person key, "" for anonymous and the admin
// token.
func (p *Principal) Person() string {
	if p == nil || p.Rights == nil {
		return ""
	}
	return p.Rights.Person
}

// Administer reports whether the caller may do what only an admin may:
// organisations, people, rooms, bodies themselves, roles, other people's
// sessions and data.
func (p *Principal) Administer() bool { return p != nil && p.Admin && !p.ReadOnly }

// SeeAll reports whether the caller sees everything (an admin, also
// through a read token).
func (p *Principal) SeeAll() bool { return p != nil && p.Admin }

// Change reports whether the caller may change a thing of these bodies
// (given as slugs): an admin, or the secretary of every one of them. A
// thing of no body (a region-wide event) is the admin's.
func (p *Principal) Change(bodies ...string) bool {
	if p == nil || p.ReadOnly {
		return false
	}
	return p.keeps(bodies)
}

// keeps reports whether the caller is admin or secretary of every body.
func (p *Principal) keeps(bodies []string) bool {
	if p.Admin {
		return true
	}
	if p.Rights == nil || len(bodies) == 0 {
		return false
	}
	for _, b := range bodies {
		if !p.Rights.Secretary[b] {
			return false
		}
	}
	return true
}

// SeeInternal reports whether the caller sees what only those who keep a
// thing see (notes, who approves the minutes, suggestions that show when
// people are busy, the change log): an admin, or a secretary of any of the
// bodies, also through a read token.
func (p *Principal) SeeInternal(bodies ...string) bool {
	if p == nil {
		return false
	}
	if p.Admin {
		return true
	}
	if p.Rights == nil {
		return false
	}
	for _, b := range bodies {
		if p.Rights.Secretary[b] {
			return true
		}
	}
	return false
}

// SeeBody reports whether the caller sees a body of this visibility:
// public bodies everyone, a restricted body its members, secretaries and
// admins.
func (p *Principal) SeeBody(slug string, public bool) bool {
	if public || p.SeeAll() {
		return true
	}
	return p != nil && p.Rights != nil && (p.Rights.Member[slug] || p.Rights.Secretary[slug])
}

// KeepsAny reports whether the caller is an admin or the secretary of at
// least one body: whether any body-scoped write could be theirs. A write
// route answers 403 at once to a caller for whom this is false.
func (p *Principal) KeepsAny() bool {
	if p == nil || p.ReadOnly {
		return false
	}
	return p.Admin || p.Rights != nil && len(p.Rights.Secretary) > 0
}

// SecretaryOf lists the bodies the caller keeps as secretary (not as
// admin).
func (p *Principal) SecretaryOf() []string {
	if p == nil || p.Rights == nil {
		return nil
	}
	out := make([]string, 0, len(p.Rights.Secretary))
	for b := range p.Rights.Secretary {
		out = append(out, b)
	}
	return out
}
