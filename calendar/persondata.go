package calendar

import (
	"context"
	"time"
)

// A personal data controller must be able to show a person everything
// Samkal holds about them, and to erase it (issue 9, GDPR articles 15 and
// 17). This file holds the shape of both answers; the store gathers and
// erases (PersonDataStore).

// PersonExport is everything Samkal holds about one person, as it is
// handed to them: their contact data, what they take part in, the mail
// sent to them, their links, approvals, proposals, the changes that name
// them, and their sign-ins and tokens. Secrets (the feed token, link
// tokens, session and token hashes) and message bodies are left out: they
// are credentials or copies of calendar data, not facts about the person.
type PersonExport struct {
	Exported      time.Time           `json:"exported"`
	Person        ExportedPerson      `json:"person"`
	Memberships   []ExportedMember    `json:"memberships"`
	Roles         []ExportedRole      `json:"roles"`
	Emails        []ExportedEmail     `json:"emails"`
	SkippedEmails []ExportedSkipped   `json:"skipped_emails"`
	Links         []ExportedLink      `json:"links"`
	Approvals     []ExportedApproval  `json:"approvals"`
	Proposals     []ExportedProposal  `json:"agenda_proposals"`
	Forhinder     []ExportedForhinder `json:"forhinder"`
	Changes       []ExportedChange    `json:"changes"`
	Sessions      []ExportedSession   `json:"sessions"`
	SignInLinks   []ExportedSignIn    `json:"sign_in_links"`
	APITokens     []ExportedToken     `json:"api_tokens"`
	// FeedURL says that the person has a personal calendar feed; its
	// address holds a secret and is not exported.
	FeedURL bool `json:"has_feed_url"`
	// OwnCalendar is the person's own published calendar (BusyFeed), if
	// they gave one: its server only (the address is a secret), and how
	// many busy periods Samkal keeps from it, never the periods.
	OwnCalendar *ExportedOwnCalendar `json:"own_calendar,omitempty"`
	// Availability are the person's "kan inte" answers, one per booking
	// window; left out when there are none.
	Availability []*Availability `json:"availability,omitempty"`
}

// ExportedOwnCalendar is what Samkal keeps of a person's own calendar.
type ExportedOwnCalendar struct {
	Server      string    `json:"server"`
	Given       time.Time `json:"given"`
	Fetched     time.Time `json:"fetched,omitzero"`
	BusyPeriods int       `json:"busy_periods"`
	Error       string    `json:"error,omitempty"`
}

// ExportedForhinder is one förhinder of the person (their message
// included), or one in which they were called in as ersättare (StoodIn;
// the other's message left out).
type ExportedForhinder struct {
	MeetingID int64     `json:"meeting_id"`
	Meeting   string    `json:"meeting"` // its title, "" for a meeting named by its bodies
	Message   string    `json:"message"`
	StoodIn   bool      `json:"called_in_as_ersattare"`
	Created   time.Time `json:"created"`
	Withdrawn time.Time `json:"withdrawn"`
}

// ExportedPerson is the person's own row.
type ExportedPerson struct {
	Key          string `json:"key"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Title        string `json:"title"`
	Organisation string `json:"organisation"` // organisation slug
	// CalendarDelivery is the person's choice of invitations or feed.
	CalendarDelivery CalendarDelivery `json:"calendar_delivery"`
	Created          time.Time        `json:"created"`
	Updated          time.Time        `json:"updated"`
}

// ExportedMember is one membership in a body.
type ExportedMember struct {
	Body     string    `json:"body"` // slug
	BodyName string    `json:"body_name"`
	Role     Role      `json:"role"`
	From     Date      `json:"from"`
	Until    Date      `json:"until"`
	Created  time.Time `json:"created"`
}

// ExportedRole is one role given beyond memberships.
type ExportedRole struct {
	Role    AccessRole `json:"role"`
	Body    string     `json:"body,omitempty"`
	Created time.Time  `json:"created"`
}

// ExportedEmail is one email sent, being sent or waiting to be sent to the
// person: what kind, about which meeting, and where it stands.
type ExportedEmail struct {
	Kind      string       `json:"kind"`
	MeetingID int64        `json:"meeting_id,omitempty"`
	Meeting   string       `json:"meeting,omitempty"` // title, when the meeting still exists
	Subject   string       `json:"subject"`
	Status    OutboxStatus `json:"status"`
	Created   time.Time    `json:"created"`
	Sent      time.Time    `json:"sent,omitzero"`
}

// ExportedSkipped is an email about the person that was due but not sent,
// and why.
type ExportedSkipped struct {
	Kind      string    `json:"kind"`
	MeetingID int64     `json:"meeting_id,omitempty"`
	Reason    string    `json:"reason"`
	Created   time.Time `json:"created"`
}

// ExportedLink is a personal link (anmälan, justering, bokning) without
// its token.
type ExportedLink struct {
	Purpose   LinkPurpose `json:"purpose"`
	MeetingID int64       `json:"meeting_id,omitempty"`
	WindowID  int64       `json:"booking_window_id,omitempty"`
	Created   time.Time   `json:"created"`
	Expires   time.Time   `json:"expires"`
	Revoked   time.Time   `json:"revoked,omitzero"`
}

// ExportedApproval is the person's place among the approvers of a
// meeting's minutes: as justerare or chair, and when they approved.
type ExportedApproval struct {
	MeetingID int64        `json:"meeting_id"`
	Meeting   string       `json:"meeting"`
	Role      ApproverRole `json:"role"`
	Approved  time.Time    `json:"approved,omitzero"`
}

// ExportedProposal is an agenda item the person proposed.
type ExportedProposal struct {
	MeetingID int64        `json:"meeting_id"`
	Meeting   string       `json:"meeting"`
	Title     string       `json:"title"`
	Status    AgendaStatus `json:"status"`
	Created   time.Time    `json:"created"`
}

// ExportedChange is a recorded change that names the person (AboutYou:
// their own row, their memberships and roles, lists of approvers …) or
// that they made (ByYou). A change they made about others carries no
// field values: those are other people's data.
type ExportedChange struct {
	At       time.Time              `json:"at"`
	Entity   string                 `json:"entity"`
	EntityID int64                  `json:"entity_id"`
	Action   ChangeAction           `json:"action"`
	AboutYou bool                   `json:"about_you"`
	ByYou    bool                   `json:"by_you"`
	Via      string                 `json:"via,omitempty"`
	Fields   map[string]FieldChange `json:"fields,omitempty"`
}

// ExportedSession is a signed-in browser, kept until it ends.
type ExportedSession struct {
	Via      string    `json:"via"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	Expires  time.Time `json:"expires"`
}

// ExportedSignIn is an emailed or printed one-time sign-in link.
type ExportedSignIn struct {
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Used    time.Time `json:"used,omitzero"`
}

// ExportedToken is a personal API token without its secret.
type ExportedToken struct {
	Name     string     `json:"name"`
	Scope    TokenScope `json:"scope"`
	Created  time.Time  `json:"created"`
	LastUsed time.Time  `json:"last_used,omitzero"`
	Expires  Date       `json:"expires"`
	Revoked  time.Time  `json:"revoked,omitzero"`
}

// Erasure says what ErasePerson removed and what it kept.
type Erasure struct {
	// Person is the neutral key the person row has now.
	Person        string `json:"person"`
	Memberships   int    `json:"memberships"`
	Roles         int    `json:"roles"`
	Sessions      int    `json:"sessions"`
	SignInLinks   int    `json:"sign_in_links"`
	APITokens     int    `json:"api_tokens"`
	PersonalLinks int    `json:"personal_links"` // anmälan, justering and booking links
	// EmailsDropped are queued or failed emails that will now never go.
	EmailsDropped int `json:"emails_dropped"`
	// EmailsScrubbed are sent (or skipped) emails kept for the statistics
	// without address and message.
	EmailsScrubbed  int `json:"emails_scrubbed"`
	SkippedScrubbed int `json:"skipped_scrubbed"`
	ChangesScrubbed int `json:"changes_scrubbed"`
	// Kept: records that stay and now name "Borttagen person".
	KeptApprovals int `json:"kept_approvals"`
	KeptProposals int `json:"kept_proposals"`
}

// ErasedKeyPrefix starts the neutral key an erased person gets in place
// of their own (keys are often made from names): "borttagen-ID".
const ErasedKeyPrefix = "borttagen-"

// PersonDataStore answers for the data held about a person.
type PersonDataStore interface {
	// ExportPerson returns everything held about the person; ENOTFOUND
	// for an unknown key.
	ExportPerson(ctx context.Context, key string) (*PersonExport, error)
	// ErasePerson removes the person's contact data, sign-ins, tokens,
	// roles, memberships, links and mail to them, in one transaction, and
	// records the erasure without the erased values. Records that must stay
	// (approvals of minutes, proposed agenda items, changes they made) keep
	// pointing at the person row, which then reads ErasedName under the
	// key ErasedKeyPrefix+ID. Erasing an erased person (by the new key)
	// runs again harmlessly; the old key is ENOTFOUND.
	ErasePerson(ctx context.Context, key string) (*Erasure, error)
}
