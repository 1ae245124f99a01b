package calendar

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// This file holds what the automatic email needs besides the outbox: the
// personal links members follow without an account (to register agenda
// items, to approve minutes), the justering of minutes, the record of
// emails that became pointless before they could go out, and the per-body
// timing of the calls and notices.

// LinkPurpose is what a personal link lets its holder do.
type LinkPurpose string

const (
	// LinkAgenda lets a member register agenda items for one meeting until
	// the call's deadline ("Anmäl gärna punkter senast …").
	LinkAgenda LinkPurpose = "anmalan"
	// LinkJustering lets a justerare (or the chair) approve the minutes of
	// one meeting.
	LinkJustering LinkPurpose = "justering"
	// LinkBooking lets a body's secretary see one booking window: which of
	// their bodies have booked and free times for the others. Free times
	// show when people are busy, so the page is not public. It belongs to
	// a window, not a meeting.
	LinkBooking LinkPurpose = "bokning"
	// LinkForhinder lets a member who is called to a meeting say that they
	// cannot come (förhinder), and take it back, until the meeting starts.
	// The kallelse carries it.
	LinkForhinder LinkPurpose = "forhinder"
)

// Valid reports whether p is a known purpose.
func (p LinkPurpose) Valid() bool { return p.ForMeeting() || p == LinkBooking }

// ForMeeting reports whether p is a purpose of links to one meeting
// (anmälan, justering, förhinder), which EnsureLink makes.
func (p LinkPurpose) ForMeeting() bool {
	return p == LinkAgenda || p == LinkJustering || p == LinkForhinder
}

// PersonalLink is a link sent to one person for one meeting (or booking
// window) and purpose. Its token (256 bits from NewToken) is the only
// credential: whoever holds the email may act as that person for that
// purpose, nothing more, and only until the link expires or is revoked.
type PersonalLink struct {
	ID        int64
	Token     string
	Purpose   LinkPurpose
	MeetingID int64     // 0 for LinkBooking
	WindowID  int64     // the booking window of LinkBooking, 0 otherwise
	Person    string    // person key
	ExpiresAt time.Time // the link works before this instant
	RevokedAt time.Time // zero unless revoked
	CreatedAt time.Time
}

// UsableAt reports whether the link may be used at now: not revoked and
// not expired.
func (l *PersonalLink) UsableAt(now time.Time) bool {
	return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt)
}

// LinkStore keeps personal links. Links record no Change: they are not
// calendar state, and a feed must not render again because mail went out.
type LinkStore interface {
	// EnsureLink returns the person's link of purpose for the meeting. It
	// creates one with a new token when there is none or the existing one
	// was revoked, and otherwise sets its ExpiresAt to expiresAt (a moved
	// meeting moves the deadline) and returns the same token: the scan that
	// derives due mail calls it on every run, and concurrent callers (two
	// replicas) get the same link. EINVALID for an unknown purpose, meeting
	// or person.
	EnsureLink(ctx context.Context, purpose LinkPurpose, meetingID int64, person string, expiresAt time.Time) (*PersonalLink, error)
	// FindLinkByToken returns the link of any purpose, revoked and expired
	// ones included (the page tells which); ENOTFOUND for a token that
	// never existed.
	FindLinkByToken(ctx context.Context, token string) (*PersonalLink, error)
	// RevokeLinks revokes the meeting's unrevoked links of purpose (every
	// purpose when purpose is "") at now and returns how many it revoked.
	RevokeLinks(ctx context.Context, meetingID int64, purpose LinkPurpose, now time.Time) (int, error)
	// EnsureWindowLink is EnsureLink for a booking window's page
	// (LinkBooking): one link per window and person. EINVALID for an
	// unknown window or person.
	EnsureWindowLink(ctx context.Context, windowID int64, person string, expiresAt time.Time) (*PersonalLink, error)
	// RevokeWindowLinks revokes the window's unrevoked links at now and
	// returns how many it revoked.
	RevokeWindowLinks(ctx context.Context, windowID int64, now time.Time) (int, error)
	// MoveLinks sets ExpiresAt of the meeting's unrevoked links of purpose
	// to expiresAt and returns how many it changed: a meeting that moved
	// moves the deadline of every link already sent, also of people whose
	// corrected email is not sent. EINVALID for a purpose that is not a
	// meeting's (LinkPurpose.ForMeeting) or a zero expiresAt.
	MoveLinks(ctx context.Context, meetingID int64, purpose LinkPurpose, expiresAt time.Time) (int, error)
}

// ApproverRole tells why a person approves minutes.
type ApproverRole string

const (
	ApproverJusterare ApproverRole = "justerare"  // chosen at the meeting
	ApproverChair     ApproverRole = "ordforande" // the chair signs too
)

// Approval is one approver's part of a justering.
type Approval struct {
	Person     string // person key
	Role       ApproverRole
	ApprovedAt time.Time // zero until approved
}

// Justering is the approval of a meeting's minutes. The secretary marks the
// minutes ready with the justerare chosen at the meeting and a link to the
// document; every approver then approves through a personal link, and once
// all have, the minutes are justerade on the day of the last approval.
type Justering struct {
	MeetingID   int64
	DocumentURL string   // the minutes, an http(s) link
	Justerare   []string // person keys chosen at the meeting, at least one
	// Chair is the person key of the chair who also approves, "" for none.
	// A chair who is also justerare approves once.
	Chair string
	// Deadline is the last day for approval; reminders continue after it
	// and the secretary is told.
	Deadline  Date
	ReadyAt   time.Time
	Approvals []Approval // justerare in the given order, then the chair
	// ApprovedOn is the day (Swedish time) of the last approval; zero while
	// any approval is missing.
	ApprovedOn Date
	// RemindRequestedAt is when a secretary last asked for a reminder now
	// ("Påminn nu"); zero when never. The email scan sends the approvers
	// who have not approved a reminder at once, unless a scheduled reminder
	// came after the request.
	RemindRequestedAt time.Time
	UpdatedAt         time.Time
}

// RemindAgain is how long after one "Påminn nu" another records nothing:
// a second press soon after is the same wish, not a second reminder.
const RemindAgain = time.Hour

// Approved reports whether every approver has approved.
func (j *Justering) Approved() bool { return !j.ApprovedOn.IsZero() }

// Pending returns the keys of the approvers who have not yet approved.
func (j *Justering) Pending() []string {
	var out []string
	for _, a := range j.Approvals {
		if a.ApprovedAt.IsZero() {
			out = append(out, a.Person)
		}
	}
	return out
}

// IsApprover reports whether person approves these minutes.
func (j *Justering) IsApprover(person string) bool {
	return slices.ContainsFunc(j.Approvals, func(a Approval) bool { return a.Person == person })
}

// StatusText is the justering status in Swedish, as the API and the
// meeting's feed description show it: "Justerat den 2024-10-01 via e-post"
// once approved, otherwise how many approvals are missing.
func (j *Justering) StatusText() string {
	if j.Approved() {
		return "Justerat den " + j.ApprovedOn.String() + " via e-post"
	}
	n := len(j.Pending())
	if n == 1 {
		return "Protokollet väntar på justering (1 underskrift saknas)"
	}
	return "Protokollet väntar på justering (" + strconv.Itoa(n) + " underskrifter saknas)"
}

// MaxJusterare is the most justerare one meeting may choose; one or two is
// usual.
const MaxJusterare = 10

// Validate checks j and returns EINVALID listing every problem. It does not
// look up the meeting or the people: the store does that.
func (j *Justering) Validate() error {
	var p problems
	if j.MeetingID <= 0 {
		p.add("minutes need a meeting")
	}
	p.link("document_url", j.DocumentURL, true)
	if len(j.Justerare) == 0 {
		p.add("name at least one justerare (the person key chosen at the meeting)")
	}
	if len(j.Justerare) > MaxJusterare {
		p.add("name at most %d justerare, not %d", MaxJusterare, len(j.Justerare))
	}
	checkDate(&p, "deadline", j.Deadline)
	seen := map[string]bool{}
	for _, k := range j.Justerare {
		checkSlug(&p, "justerare person key", k)
		if seen[k] {
			p.add("justerare %s is named twice", quote(k))
		}
		seen[k] = true
	}
	if j.Chair != "" {
		checkSlug(&p, "chair person key", j.Chair)
	}
	return p.err()
}

// JusteringStore keeps justeringar. Every write records a Change (entity
// "justering"), so that feeds, which show the status, render again.
type JusteringStore interface {
	// MarkMinutesReady stores j for its meeting: it validates j, checks
	// that the meeting exists (ENOTFOUND) and that one of its bodies needs
	// its minutes approved and that every person exists (EINVALID
	// otherwise), fills Approvals (justerare, then the chair unless also a
	// justerare) and ReadyAt = now, and a zero Deadline as the meeting's
	// day plus deadlineDays. Marking again before anyone approved replaces
	// the earlier marking (a corrected document); once anyone approved it
	// is ECONFLICT.
	MarkMinutesReady(ctx context.Context, j *Justering, now time.Time, deadlineDays int) error
	// FindJustering returns the meeting's justering; ENOTFOUND when its
	// minutes were never marked ready.
	FindJustering(ctx context.Context, meetingID int64) (*Justering, error)
	// FindJusteringar returns justeringar ordered by meeting id; only those
	// still missing an approval when pending is true.
	FindJusteringar(ctx context.Context, pending bool) ([]*Justering, error)
	// FindJusteringarOf returns the justeringar of these meetings by
	// meeting id (a meeting without one is not in the map): what a feed or
	// a page of meetings shows, without reading every justering there is.
	FindJusteringarOf(ctx context.Context, meetingIDs []int64) (map[int64]*Justering, error)
	// ApproveMinutes records person's approval at now and returns the
	// justering and whether anything changed: a second approval by the
	// same person changes nothing (idempotent). When the last approval
	// arrives, ApprovedOn becomes now's day. ENOTFOUND when the minutes were
	// never marked ready, EINVALID when person is not an approver.
	ApproveMinutes(ctx context.Context, meetingID int64, person string, now time.Time) (*Justering, bool, error)
	// RemindApprovers records at now a secretary's wish that the approvers
	// who have not approved be reminded at once (RemindRequestedAt), and
	// returns the justering and true. Within RemindAgain of the last wish
	// it records nothing and returns false. ENOTFOUND when the minutes were
	// never marked ready, ECONFLICT when every approver has approved.
	RemindApprovers(ctx context.Context, meetingID int64, now time.Time) (*Justering, bool, error)
}

// SkippedMail records an email that was due but not sent because it had
// become pointless (the meeting is over, the deadline has passed, the
// meeting changed while the email waited in the outbox) or could not be
// sent at all (the person has no address, a name holds what an email
// header cannot carry). It is kept so that an administrator sees what did
// not go out and why, and so that it is logged once, not on every run.
type SkippedMail struct {
	ID        int64
	Key       string // the outbox key the email would have had
	Kind      string
	MeetingID int64
	Recipient string // person key, or "" when the email had no one person
	Reason    string // in Swedish, for the administrator
	CreatedAt time.Time
}

// SkippedMailStore keeps the record of skipped emails; it records no
// Change.
type SkippedMailStore interface {
	// RecordSkipped inserts s unless a record with s.Key exists and
	// reports whether it inserted; it sets ID and CreatedAt on insert.
	RecordSkipped(ctx context.Context, s *SkippedMail) (bool, error)
	// FindSkipped returns records newest first, at most limit (0: 100);
	// only the meeting's when meetingID > 0.
	FindSkipped(ctx context.Context, meetingID int64, limit int) ([]*SkippedMail, error)
	// FindHandledMail returns the outbox messages and skipped records whose
	// keys start with any of prefixes, sorted by key, one per key (the
	// outbox message when both exist): what the scan has already handled
	// for a meeting ("m42/") or booking window ("w3/"), and where each
	// stands. The scan asks for all the meetings of its window at once.
	FindHandledMail(ctx context.Context, prefixes ...string) ([]*HandledMail, error)
	// FindMailedMeetings returns the ids, ascending, of the meetings
	// starting at or after from that have an outbox message sent or on its
	// way (OutboxStatus.Told): meetings whose people were told something.
	// The scan looks at them wherever they lie, so that a meeting moved far
	// ahead still has its calls and kallelser corrected.
	FindMailedMeetings(ctx context.Context, from time.Time) ([]int64, error)
}

// HandledMail is an email the scan has dealt with: queued or sent (an
// outbox message) or skipped (a SkippedMail, Status OutboxSkipped).
type HandledMail struct {
	Key        string
	Status     OutboxStatus
	SendBefore time.Time // the outbox message's; zero for a skipped record
}

// BodyNotify is a body's timing of the automatic emails, in days before the
// meeting. A nil field means the server's default ([notify] in the
// configuration); 0 turns that email off for the body.
type BodyNotify struct {
	CallDays         *int // the call for agenda items goes out this many days before
	CallDeadlineDays *int // items are welcome until this many days before
	NoticeDays       *int // the kallelse with the agenda goes out this many days before
}

// MaxNotifyDays bounds the per-body timings: a year ahead is plenty.
const MaxNotifyDays = 365

// Validate checks the timings: each 0–MaxNotifyDays, and a deadline after
// the call, i.e. fewer days before the meeting, when both are given.
func (n BodyNotify) Validate() error {
	var p problems
	n.check(&p)
	return p.err()
}

func (n BodyNotify) check(p *problems) {
	check := func(name string, v *int) {
		if v != nil && !NotifyDaysRange.Contains(*v) {
			p.add("%s must be between %d and %d days, not %d", name, NotifyDaysRange.Min, NotifyDaysRange.Max, *v)
		}
	}
	check("call_days", n.CallDays)
	check("call_deadline_days", n.CallDeadlineDays)
	check("notice_days", n.NoticeDays)
	if n.CallDays != nil && n.CallDeadlineDays != nil && *n.CallDays > 0 && *n.CallDeadlineDays >= *n.CallDays {
		p.add("call_deadline_days (%d) must be fewer than call_days (%d): the deadline comes after the call", *n.CallDeadlineDays, *n.CallDays)
	}
}

// Or returns the body's value, or def when the body has none.
func Or(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

// CallRoles are the roles that receive the call for agenda items: every
// member, ersättare and tjänsteperson. The secretary writes the agenda and
// gets the digest instead; guests are invited per meeting.
var CallRoles = []Role{RoleChair, RoleViceChair, RoleMember, RoleSubstitute, RoleContactPerson, RoleOfficial}

// NoticeRoles are the roles that receive the kallelse: everyone who takes
// part in the meeting.
var NoticeRoles = Roles
