package calendar

import (
	"context"
	"time"
)

// Store keeps Samkal's state. Two implementations exist, SQLite and
// PostgreSQL (calendar/sqlstore), and one test suite runs against both.
//
// Every method returns *Error values with these codes where the caller is at
// fault: ENOTFOUND for a slug, key, token or id that does not exist (never a
// nil result), EINVALID for input that fails validation or names a body,
// room, person or organisation that does not exist, ECONFLICT for a
// duplicate slug or key, a room booked twice, or a delete that would orphan
// other things. Anything else is internal.
//
// Every successful write of calendar state records a Change in the same
// transaction. Outbox rows are not calendar state: they record no Change, so
// that queueing mail never makes a feed render again.
type Store interface {
	OrganisationStore
	PersonStore
	BodyStore
	MembershipStore
	RoomStore
	MeetingStore
	ChangeStore
	BookingWindowStore
	AgendaStore
	OutboxStore
	LinkStore
	JusteringStore
	SkippedMailStore
	AccessStore
	PersonDataStore
	MailControlStore
	BusyFeedStore
	AvailabilityStore
	ForhinderStore

	// InTx runs fn with a Store whose every call is part of one transaction,
	// committed when fn returns nil and rolled back otherwise. Årsplan imports
	// use it so that nothing is half-imported. Nested InTx calls join the
	// outer transaction. fn may run more than once: when the database ends
	// the transaction to break a deadlock, it runs again in a new one, so fn
	// must set, not append to, what it hands out.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// Close releases the database.
	Close() error
}

// OrganisationStore keeps organisations (huvudmän).
type OrganisationStore interface {
	FindOrganisations(ctx context.Context) ([]*Organisation, error)
	FindOrganisationBySlug(ctx context.Context, slug string) (*Organisation, error)
	// CreateOrganisation sets o.ID, CreatedAt and UpdatedAt.
	CreateOrganisation(ctx context.Context, o *Organisation) error
	UpdateOrganisation(ctx context.Context, slug string, upd OrganisationUpdate) (*Organisation, error)
	// DeleteOrganisation fails with ECONFLICT while people or bodies refer to it.
	DeleteOrganisation(ctx context.Context, slug string) error
}

// OrganisationUpdate holds the fields to change; nil means "leave as is".
type OrganisationUpdate struct {
	Name *string
	Kind *OrganisationKind
}

// PersonStore keeps people.
type PersonStore interface {
	FindPeople(ctx context.Context, f PersonFilter) ([]*Person, error)
	FindPersonByKey(ctx context.Context, key string) (*Person, error)
	// FindPersonByFeedToken returns ENOTFOUND for an unknown or rotated token.
	FindPersonByFeedToken(ctx context.Context, token string) (*Person, error)
	// CreatePerson sets p.ID, FeedToken (a new random token), CreatedAt and
	// UpdatedAt.
	CreatePerson(ctx context.Context, p *Person) error
	UpdatePerson(ctx context.Context, key string, upd PersonUpdate) (*Person, error)
	// RotateFeedToken gives the person a new feed token; the old one stops
	// working at once.
	RotateFeedToken(ctx context.Context, key string) (*Person, error)
	// DeletePerson deletes the person and their memberships.
	DeletePerson(ctx context.Context, key string) error
}

// PersonFilter narrows FindPeople; zero fields do not filter.
type PersonFilter struct {
	Organisation *string // organisation slug
	Body         *string // people with a membership in this body (any period)
	// Bodies, when not nil, keeps the people with a membership in any of
	// these bodies (any period); an empty list keeps nobody.
	Bodies []string
	// Keys, when not nil, keeps the people with these keys; an empty list
	// keeps nobody. An årsplan import reads the people it names at once.
	Keys []string
}

// PersonUpdate holds the fields to change; nil means "leave as is".
type PersonUpdate struct {
	Name         *string
	Email        *string
	Phone        *string
	Title        *string
	Organisation *string // "" removes the organisation
	// Delivery is the person's choice of invitations, feed or both.
	Delivery *CalendarDelivery
}

// BodyStore keeps bodies (organ).
type BodyStore interface {
	FindBodies(ctx context.Context, f BodyFilter) ([]*Body, error)
	FindBodyBySlug(ctx context.Context, slug string) (*Body, error)
	CreateBody(ctx context.Context, b *Body) error
	UpdateBody(ctx context.Context, slug string, upd BodyUpdate) (*Body, error)
	// DeleteBody deletes the body and its memberships; it fails with
	// ECONFLICT while meetings belong to it.
	DeleteBody(ctx context.Context, slug string) error
}

// BodyFilter narrows FindBodies; zero fields do not filter.
type BodyFilter struct {
	Visibility *Visibility
	Kind       *BodyKind
	Person     *string // bodies in which this person (key) has a membership
}

// BodyUpdate holds the fields to change; nil means "leave as is".
type BodyUpdate struct {
	Name                *string
	Kind                *BodyKind
	Visibility          *Visibility
	Organisation        *string // "" removes the organisation
	MinutesNeedApproval *bool
	Description         *string
	// Notify replaces all three timings at once (a nil field inside means
	// the server's default).
	Notify *BodyNotify
	// MailRelease "" is the default, auto.
	MailRelease *MailRelease
	// StandardOpening and StandardClosing replace the body's own standard
	// items when set: a pointer to nil goes back to the defaults.
	StandardOpening *[]string
	StandardClosing *[]string
}

// MembershipStore keeps who sits in which body.
type MembershipStore interface {
	FindMemberships(ctx context.Context, f MembershipFilter) ([]*Membership, error)
	FindMembershipByID(ctx context.Context, id int64) (*Membership, error)
	// CreateMembership fails with ECONFLICT if the same person already has
	// the same role in the same body from the same day.
	CreateMembership(ctx context.Context, m *Membership) error
	UpdateMembership(ctx context.Context, id int64, upd MembershipUpdate) (*Membership, error)
	DeleteMembership(ctx context.Context, id int64) error
}

// MembershipFilter narrows FindMemberships; zero fields do not filter.
type MembershipFilter struct {
	Body *string
	// Bodies, when not nil, keeps the memberships of these bodies; an
	// empty list keeps none.
	Bodies   []string
	Person   *string
	ActiveOn *Date // only memberships that hold on this day
}

// MembershipUpdate holds the fields to change; nil means "leave as is".
// A pointer to the zero Date clears From or Until.
type MembershipUpdate struct {
	Role  *Role
	From  *Date
	Until *Date
}

// RoomStore keeps rooms.
type RoomStore interface {
	FindRooms(ctx context.Context) ([]*Room, error)
	FindRoomBySlug(ctx context.Context, slug string) (*Room, error)
	CreateRoom(ctx context.Context, r *Room) error
	UpdateRoom(ctx context.Context, slug string, upd RoomUpdate) (*Room, error)
	// DeleteRoom fails with ECONFLICT while meetings use the room.
	DeleteRoom(ctx context.Context, slug string) error
}

// RoomUpdate holds the fields to change; nil means "leave as is".
type RoomUpdate struct {
	Name     *string
	Address  *string
	Capacity *int
}

// MeetingStore keeps meetings and other dated events.
type MeetingStore interface {
	// FindMeetings returns the meetings matching f, ordered by start, then id.
	FindMeetings(ctx context.Context, f MeetingFilter) ([]*Meeting, error)
	FindMeetingByID(ctx context.Context, id int64) (*Meeting, error)
	FindMeetingByKey(ctx context.Context, key string) (*Meeting, error)
	// CreateMeeting normalizes and validates m, checks that its bodies and
	// room exist (EINVALID otherwise) and that the room is free (ECONFLICT
	// naming the other meeting), sets ID, UID, Sequence 0, CreatedAt and
	// UpdatedAt, and CancelledAt if it is created cancelled.
	CreateMeeting(ctx context.Context, m *Meeting) error
	// UpdateMeeting applies upd with the same checks as CreateMeeting. It
	// raises Sequence by one when start, end, all-day, room, location,
	// online link or status change, sets CancelledAt when the status becomes
	// cancelled (and clears it and CancelMessage when it stops being so),
	// and sets UpdatedAt
	// when anything changed. An update that changes nothing changes nothing,
	// records no Change, and returns the meeting as it was.
	UpdateMeeting(ctx context.Context, id int64, upd MeetingUpdate) (*Meeting, error)
	DeleteMeeting(ctx context.Context, id int64) error
}

// MeetingFilter narrows FindMeetings; zero fields do not filter.
type MeetingFilter struct {
	Bodies []string // meetings of any of these bodies
	// Person (key): meetings of the bodies in which the person has a
	// membership active on the meeting's day.
	Person *string
	// WithRegionWide, together with Person, also keeps events without any
	// body that are for the person: those of the whole installation
	// (Meeting.Organisation "") and those of an organisation the person
	// belongs to – their own, or one that hosts a body in which they hold
	// a membership active on the event's first day. A personal feed shows
	// them (a follow-up day, a conference day of the region).
	WithRegionWide bool
	// PublicOnly keeps meetings that have at least one public body, and
	// events without bodies.
	PublicOnly bool
	// From and To keep meetings that overlap [From, To).
	From *time.Time
	To   *time.Time
	// Year keeps meetings that start in this calendar year (Swedish time).
	Year   *int
	Status []MeetingStatus
	Kind   *MeetingKind
	Room   *string
	// Limit keeps only the first Limit meetings (by start, then id);
	// 0 keeps all. A page that shows twenty meetings reads twenty, not
	// the country's (issue 12).
	Limit int
	// After keeps the meetings after this place in that order: the API's
	// next page.
	After *MeetingPlace
	// Keys, when not nil, keeps the meetings with these årsplan keys; an
	// empty list keeps none. An årsplan import reads the meetings it
	// names at once.
	Keys []string
}

// MeetingPlace is a meeting's place in the order of start, then id.
type MeetingPlace struct {
	Start time.Time
	ID    int64
}

// MeetingUpdate holds the fields to change; nil means "leave as is".
type MeetingUpdate struct {
	Key       *string
	Kind      *MeetingKind
	Title     *string
	Bodies    *[]string
	Start     *time.Time
	End       *time.Time
	AllDay    *bool
	Status    *MeetingStatus
	Room      *string // "" removes the room
	Location  *string
	OnlineURL *string
	Notes     *string
	// CancelMessage is the message of a cancellation; a new status other
	// than cancelled clears it unless it is given.
	CancelMessage *string
	// Organisation scopes an event without bodies; "" makes it the whole
	// installation's (Meeting.Organisation).
	Organisation *string
}

// ChangeStore reads the record of changes.
type ChangeStore interface {
	// FindChanges returns changes, newest first, at most limit (0: 100).
	FindChanges(ctx context.Context, f ChangeFilter) ([]*Change, error)
	// DataVersion identifies the current state: the id and time of the latest
	// change, and how many recent changes are committed. Feed caches compare
	// it to know when to render again.
	DataVersion(ctx context.Context) (DataVersion, error)
	// DeleteChangesBefore removes the changes recorded before t (the
	// retention of the record) and says how many went. When any went, it
	// records one change of entity "change" that says so, so that the
	// record keeps its own erasure and DataVersion moves on.
	DeleteChangesBefore(ctx context.Context, t time.Time) (int, error)
	// FeedTouches returns what the changes with ids above after may alter
	// in feeds, oldest first, leaving out the ids seen says it has seen. A
	// feed cache asks it when DataVersion moves, from below the highest id
	// it saw (on PostgreSQL a change may commit after one with a higher
	// id), and renders again only the feeds a change can alter.
	FeedTouches(ctx context.Context, after int64, seen func(id int64) bool) ([]FeedTouch, error)
}

// FeedTouch is what one recorded change may alter in the feeds: the keys
// of what it changed, before and after (a meeting moved from one body to
// another touches both). A feed that shows none of them stays as it is.
type FeedTouch struct {
	ChangeID int64
	// Everything is a change of a kind feeds do not know: every feed is
	// rendered again.
	Everything bool
	Meeting    int64    // a meeting, or its justering
	Bodies     []string // slugs: the meeting's bodies, the body itself
	// BodyItself: Bodies changed themselves (a name, the visibility), so
	// every feed that names them changes, not only those of their
	// meetings.
	BodyItself bool
	Rooms      []string // slugs
	People     []string // keys: the person, a membership's person
	// RegionWide is a change of an event without a body, which personal
	// feeds and the region's show, or of an organisation (which scopes
	// such events).
	RegionWide bool
}

// ChangeFilter narrows FindChanges; nil fields do not filter.
type ChangeFilter struct {
	Entity   *string
	EntityID *int64
	// Actor keeps the changes made by this person (key).
	Actor *string
	// Via keeps the changes made this way (ViaSession, ViaToken …).
	Via *string
	// From and To keep the changes recorded in [From, To).
	From *time.Time
	To   *time.Time
	// Bodies keeps the changes of things of these bodies (slugs): their
	// meetings (and justeringar), agenda items of those meetings,
	// memberships, backlog items and role grants of the bodies, the bodies
	// themselves, and booking windows whose bodies are all among them. A
	// thing deleted since is no longer of any body, so its changes are
	// left out. An empty list keeps nothing. It is what a secretary, who
	// is no admin, may read of the record.
	Bodies *[]string
	// Before keeps the changes with an ID below it (0: no bound): the
	// next page after the oldest change of the page before.
	Before int64
	Limit  int
}

// DataVersion is the id and time of the latest recorded change; zero for an
// empty database. Two versions are the same state only when all their
// fields are equal.
type DataVersion struct {
	Serial int64
	At     time.Time
	// Recent counts the committed changes among the latest ids (how many is
	// the store's to say). It tells apart states with the same latest
	// change: on PostgreSQL a change may commit after one with a higher id.
	Recent int64
}
