package calendar

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Förhinder: a member who must attend a meeting says "Jag kan inte komma",
// with an optional message, and may take it back ("Jag kan komma ändå")
// until the meeting starts. The secretary is told by email, and where the
// member's body has ersättare (RoleSubstitute), the next of them in the
// body's order is called in: they get the kallelse with the agenda and a
// line saying whom they stand in for, and are told if they are no longer
// needed. The store records each förhinder as a row of its own, so that a
// förhinder given again after a withdrawal is a new one with new emails.

// Forhinder is one person's "I cannot come" to one meeting.
type Forhinder struct {
	ID        int64
	MeetingID int64
	Person    string // person key
	Message   string // to the secretary, "" for none
	// Substitute is the ersättare (person key) called in for Person, ""
	// when none is (the body has no free ersättare, or Person is one).
	Substitute  string
	CreatedAt   time.Time
	WithdrawnAt time.Time // zero while the förhinder holds
}

// Active reports whether the förhinder holds (is not withdrawn).
func (f *Forhinder) Active() bool { return f.WithdrawnAt.IsZero() }

// ValidateForhinderMessage checks the message of a förhinder: free text
// (NoteText), possibly empty. EINVALID otherwise.
func ValidateForhinderMessage(msg string) error {
	var p problems
	p.text("message", NoteText, msg, false)
	return p.err()
}

// ForhinderStore keeps förhinder.
type ForhinderStore interface {
	// FindForhinder returns the meeting's förhinder, withdrawn ones too,
	// oldest first. An unknown meeting has none.
	FindForhinder(ctx context.Context, meetingID int64) ([]*Forhinder, error)
	// FindForhinderOf returns the förhinder of these meetings by meeting
	// id, as FindForhinder does for one (the email scan reads its whole
	// window at once); a meeting without any is not in the map.
	FindForhinderOf(ctx context.Context, meetingIDs []int64) (map[int64][]*Forhinder, error)
	// ReportForhinder records that person cannot come to the meeting, with
	// message, and calls in ersättare (AssignSubstitutes). Given again
	// while one holds, it only replaces the message. ENOTFOUND for an
	// unknown meeting; EINVALID for a person who is not expected at the
	// meeting (ExpectedRole), a message that is too long or not text, or
	// a meeting that has started or is not confirmed or proposed.
	ReportForhinder(ctx context.Context, meetingID int64, person, message string) (*Forhinder, error)
	// WithdrawForhinder takes back the person's förhinder: they can come
	// after all. The ersättare called in for them is released, and may be
	// called in for another förhinder that had none. ENOTFOUND when the
	// person has no förhinder that holds; EINVALID once the meeting has
	// started.
	WithdrawForhinder(ctx context.Context, meetingID int64, person string) (*Forhinder, error)
	// FindForhinderMeetings returns the ids of the meetings that start
	// after after and have any förhinder, withdrawn ones too: the email
	// scan tells their secretaries and ersättare however far ahead they are.
	FindForhinderMeetings(ctx context.Context, after time.Time) ([]int64, error)
}

// ExpectedRole returns the role in which person is expected at a meeting
// of bodies on day, from ms (memberships of any bodies and people): a
// role that must attend (BlockingRoles) before RoleSubstitute, and false
// when the person has neither in any of the bodies. Only those may give a
// förhinder.
func ExpectedRole(ms []*Membership, bodies []string, person string, day Date) (Role, bool) {
	var found Role
	for _, m := range ms {
		if m.Person != person || !slices.Contains(bodies, m.Body) || !m.ActiveOn(day) {
			continue
		}
		if slices.Contains(BlockingRoles, m.Role) {
			return m.Role, true
		}
		if m.Role == RoleSubstitute {
			found = m.Role
		}
	}
	return found, found != ""
}

// SubstituteOrder returns, for person's förhinder at a meeting of bodies
// on day, the ersättare who may stand in for them, in the body's order:
// the ersättare of the bodies in which person must attend, body by body
// in the meeting's order, and in each body the one who has been ersättare
// longest first (the earliest From; an open start counts as earliest),
// then by name (names by person key; the key when a name is missing).
// Memberships carry no order of their own: the longest-serving ersättare
// is called first, which is how a secretary would go down the list.
func SubstituteOrder(ms []*Membership, bodies []string, person string, day Date, names map[string]string) []string {
	var out []string
	for _, b := range bodies {
		attends := slices.ContainsFunc(ms, func(m *Membership) bool {
			return m.Body == b && m.Person == person && m.ActiveOn(day) && slices.Contains(BlockingRoles, m.Role)
		})
		if !attends {
			continue
		}
		var subs []*Membership
		for _, m := range ms {
			if m.Body == b && m.Role == RoleSubstitute && m.ActiveOn(day) && m.Person != person {
				subs = append(subs, m)
			}
		}
		slices.SortFunc(subs, func(x, y *Membership) int {
			return cmp.Or(cmp.Compare(x.From.String(), y.From.String()), cmp.Compare(nameOr(names, x.Person), nameOr(names, y.Person)),
				cmp.Compare(x.Person, y.Person))
		})
		for _, m := range subs {
			if !slices.Contains(out, m.Person) {
				out = append(out, m.Person)
			}
		}
	}
	return out
}

func nameOr(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}

// AssignSubstitutes decides who stands in for whom. fs are a meeting's
// förhinder, oldest first; order gives, by the absent person's key, their
// ersättare in the body's order (SubstituteOrder). It sets Substitute on
// the förhinder that hold and returns those whose Substitute changed.
//
// A substitute stays called in while their own förhinder does not hold;
// one who gives a förhinder is replaced. A förhinder without a substitute
// gets, oldest first, the first ersättare in its order who has no
// förhinder that holds and is not already called in for someone else.
// An ersättare's own förhinder calls no one in. A withdrawn förhinder
// keeps the substitute it had, as a record of whom to tell that they are
// no longer needed.
func AssignSubstitutes(fs []*Forhinder, order map[string][]string) []*Forhinder {
	absent := map[string]bool{}
	for _, f := range fs {
		if f.Active() {
			absent[f.Person] = true
		}
	}
	taken := map[string]bool{}
	var changed []*Forhinder
	set := func(f *Forhinder, sub string) {
		if f.Substitute != sub {
			f.Substitute = sub
			if !slices.Contains(changed, f) {
				changed = append(changed, f)
			}
		}
	}
	for _, f := range fs {
		if !f.Active() || f.Substitute == "" {
			continue
		}
		if absent[f.Substitute] || taken[f.Substitute] || !slices.Contains(order[f.Person], f.Substitute) {
			set(f, "")
			continue
		}
		taken[f.Substitute] = true
	}
	for _, f := range fs {
		if !f.Active() || f.Substitute != "" {
			continue
		}
		for _, sub := range order[f.Person] {
			if !absent[sub] && !taken[sub] {
				taken[sub] = true
				set(f, sub)
				break
			}
		}
	}
	return changed
}
