package calendar

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// OrganisationKind tells a huvudman's kind.
type OrganisationKind string

const (
	OrgRegion       OrganisationKind = "region"
	OrgMunicipality OrganisationKind = "municipality" // kommun
	OrgPartner      OrganisationKind = "partner"      // Länsstyrelsen, RF-SISU, ÖLBF …
)

// Organisation is a huvudman: the region, a municipality or a partner.
type Organisation struct {
	ID        int64
	Slug      string
	Name      string
	Kind      OrganisationKind
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks o and returns EINVALID listing every problem.
func (o *Organisation) Validate() error {
	var p problems
	checkSlug(&p, "organisation", o.Slug)
	checkName(&p, "organisation", o.Name)
	if !slices.Contains([]OrganisationKind{OrgRegion, OrgMunicipality, OrgPartner}, o.Kind) {
		p.add("organisation kind %s is unknown; use region, municipality or partner", quote(string(o.Kind)))
	}
	return p.err()
}

// Person is someone who takes part in bodies. Email and Phone are personal
// data: they are shown to admins and used for mail, never put in a feed.
type Person struct {
	ID           int64
	Key          string // stable key, e.g. "maria-lindborg"; used by årsplan files
	Name         string
	Email        string
	Phone        string
	Title        string // e.g. "utvecklingsledare välfärd och folkhälsa"
	Organisation string // organisation slug, may be empty
	// FeedToken is the secret in the person's feed URL. It is random (256
	// bits), set by the store at creation and replaced by RotateFeedToken.
	FeedToken string
	// Delivery is how the person wants meetings in their calendar: by
	// invitations in the kallelse emails, by the subscribed feed, or both.
	// "" reads as DeliveryInvitations (what everyone got before they could
	// choose), and the store keeps that.
	Delivery  CalendarDelivery
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CalendarDelivery is how a person gets meetings into their own calendar.
type CalendarDelivery string

const (
	// DeliveryInvitations: the kallelse and its updates carry a calendar
	// invitation (METHOD:REQUEST, and CANCEL when the meeting is
	// cancelled). The default: it is what every member got before the
	// choice existed.
	DeliveryInvitations CalendarDelivery = "invitations"
	// DeliveryFeed: the person subscribes to their personal feed; the
	// kallelse still comes (it carries the agenda) but without the
	// invitation, so that the meeting is not twice in their calendar.
	DeliveryFeed CalendarDelivery = "feed"
	// DeliveryBoth: invitations, and the person subscribes too (for
	// example the feed on the phone, invitations in Outlook at work).
	DeliveryBoth CalendarDelivery = "both"
)

// Deliveries are the choices, in the order a page offers them.
var Deliveries = []CalendarDelivery{DeliveryInvitations, DeliveryFeed, DeliveryBoth}

// Valid reports whether d is one of Deliveries.
func (d CalendarDelivery) Valid() bool { return slices.Contains(Deliveries, d) }

// Invitations reports whether the person gets calendar invitations by
// email: for every choice but DeliveryFeed ("" included).
func (d CalendarDelivery) Invitations() bool { return d != DeliveryFeed }

// SwedishName is the choice as a page names it.
func (d CalendarDelivery) SwedishName() string {
	switch d {
	case DeliveryFeed:
		return "Bara prenumeration"
	case DeliveryBoth:
		return "Både inbjudningar och prenumeration"
	}
	return "Inbjudningar i e-posten"
}

// Validate checks p and returns EINVALID listing every problem.
func (x *Person) Validate() error {
	var p problems
	checkSlug(&p, "person key", x.Key)
	if x.Delivery != "" && !x.Delivery.Valid() {
		p.add("calendar delivery %s is unknown; use invitations, feed or both", quote(string(x.Delivery)))
	}
	checkName(&p, "person", x.Name)
	if tp := EmailText.Check(x.Email, false); tp != nil {
		p.add("%s", tp.Describe("email"))
	} else if x.Email != "" {
		if a, err := mail.ParseAddress(x.Email); err != nil || a.Address != x.Email || a.Name != "" {
			p.add("email %s is not a plain email address", quote(x.Email))
		}
	}
	p.text("phone", PhoneText, x.Phone, false)
	p.text("title", NameText, x.Title, false)
	if x.Organisation != "" {
		checkSlug(&p, "organisation", x.Organisation)
	}
	return p.err()
}

// BodyKind tells what kind of body an organ is.
type BodyKind string

const (
	BodyRegionalCouncil BodyKind = "regional-council" // regionala samverkansrådet
	BodySpecificCouncil BodyKind = "specific-council" // specifikt samverkansråd
	BodyManagementGroup BodyKind = "management-group" // chefsgrupp
	BodyLansdelGroup    BodyKind = "lansdel-group"    // länsdelsgrupp
	BodyPartnerGroup    BodyKind = "partner-group"    // samverkansmöte med partner
	BodyWorkingGroup    BodyKind = "working-group"    // arbetsgrupp
)

// BodyKinds lists every BodyKind in a stable order.
var BodyKinds = []BodyKind{BodyRegionalCouncil, BodySpecificCouncil, BodyManagementGroup, BodyLansdelGroup, BodyPartnerGroup, BodyWorkingGroup}

// Visibility tells who may see a body's meetings.
type Visibility string

const (
	// Public bodies appear in the region-wide feed and have a public feed.
	Public Visibility = "public"
	// Restricted bodies are seen only by their members, in personal feeds.
	Restricted Visibility = "restricted"
)

// Body is an organ: a council, a management group, a länsdel group …
type Body struct {
	ID           int64
	Slug         string // e.g. "chefsgrupp-folkhalsa"
	Name         string // e.g. "Chefsgrupp folkhälsa"
	Kind         BodyKind
	Visibility   Visibility
	Organisation string // slug of the organisation that hosts it, may be empty
	// MinutesNeedApproval is true for bodies whose minutes are justerade
	// (councils); management groups keep notes that need no approval.
	MinutesNeedApproval bool
	Description         string
	// Notify is when the automatic emails go out for this body's meetings.
	Notify BodyNotify
	// MailRelease says whether the calls and kallelser of the body's
	// meetings go by themselves ("" or auto) or wait for "Skicka".
	MailRelease MailRelease
	// StandardOpening and StandardClosing are the body's own standard
	// agenda items, the titles that open and close each of its meetings
	// (StandardItems). nil is the defaults (the package's StandardOpening
	// and StandardClosing, "Val av justerare" only when the minutes need
	// approval); an empty list is none.
	StandardOpening []string
	StandardClosing []string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Validate checks b and returns EINVALID listing every problem.
func (b *Body) Validate() error {
	var p problems
	checkSlug(&p, "body", b.Slug)
	checkName(&p, "body", b.Name)
	if !slices.Contains(BodyKinds, b.Kind) {
		p.add("body kind %s is unknown; use one of %s", quote(string(b.Kind)), joinKinds(BodyKinds))
	}
	if b.Visibility != Public && b.Visibility != Restricted {
		p.add("visibility %s is unknown; use public or restricted", quote(string(b.Visibility)))
	}
	if b.Organisation != "" {
		checkSlug(&p, "organisation", b.Organisation)
	}
	p.text("description", NoteText, b.Description, false)
	b.Notify.check(&p)
	checkStandardItems(&p, "standard_opening", b.StandardOpening)
	checkStandardItems(&p, "standard_closing", b.StandardClosing)
	if !b.MailRelease.Valid() {
		p.add("mail_release %s is unknown; use auto or manual", quote(string(b.MailRelease)))
	}
	return p.err()
}

// Role is a person's role in a body.
type Role string

const (
	RoleChair         Role = "ordforande"      // ordförande
	RoleViceChair     Role = "vice-ordforande" // vice ordförande
	RoleSecretary     Role = "sekreterare"
	RoleMember        Role = "ledamot"
	RoleSubstitute    Role = "ersattare"     // ersättare
	RoleOfficial      Role = "tjansteperson" // tjänsteperson
	RoleGuest         Role = "gast"          // gäst, possibly with a standing invitation
	RoleContactPerson Role = "kontaktperson"
)

// Roles lists every Role in a stable order.
var Roles = []Role{RoleChair, RoleViceChair, RoleSecretary, RoleMember, RoleSubstitute, RoleOfficial, RoleGuest, RoleContactPerson}

// SwedishName returns the role as written in Swedish ("ordförande").
func (r Role) SwedishName() string {
	switch r {
	case RoleChair:
		return "ordförande"
	case RoleViceChair:
		return "vice ordförande"
	case RoleSubstitute:
		return "ersättare"
	case RoleOfficial:
		return "tjänsteperson"
	case RoleGuest:
		return "gäst"
	}
	return string(r)
}

// Membership says that a person has a role in a body for a period. From and
// Until are inclusive; a zero Date means open-ended.
type Membership struct {
	ID        int64
	Body      string // body slug
	Person    string // person key
	Role      Role
	From      Date
	Until     Date
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ActiveOn reports whether the membership holds on day d.
func (m *Membership) ActiveOn(d Date) bool {
	return (m.From.IsZero() || !d.Before(m.From)) && (m.Until.IsZero() || !m.Until.Before(d))
}

// Validate checks m and returns EINVALID listing every problem.
func (m *Membership) Validate() error {
	var p problems
	checkSlug(&p, "body", m.Body)
	checkSlug(&p, "person key", m.Person)
	if !slices.Contains(Roles, m.Role) {
		p.add("role %s is unknown; use one of %s", quote(string(m.Role)), joinKinds(Roles))
	}
	checkDate(&p, "from", m.From)
	checkDate(&p, "until", m.Until)
	if !m.From.IsZero() && !m.Until.IsZero() && m.Until.Before(m.From) {
		p.add("membership ends (%s) before it starts (%s)", m.Until, m.From)
	}
	return p.err()
}

// Room is a meeting room, e.g. Lokal Eken, Eklundavägen 1, Örebro.
type Room struct {
	ID        int64
	Slug      string
	Name      string
	Address   string
	Capacity  int // 0 when unknown
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks r and returns EINVALID listing every problem.
func (r *Room) Validate() error {
	var p problems
	checkSlug(&p, "room", r.Slug)
	checkName(&p, "room", r.Name)
	p.text("room address", LineText, r.Address, false)
	p.number("room capacity", r.Capacity, CapacityRange)
	return p.err()
}

// MeetingStatus is where a meeting stands.
type MeetingStatus string

const (
	StatusProposed  MeetingStatus = "proposed"  // förslag: shown as tentative
	StatusConfirmed MeetingStatus = "confirmed" // fastställt
	StatusCancelled MeetingStatus = "cancelled" // inställt: stays visible for a while
)

// MeetingKind separates real meetings from other dated events.
type MeetingKind string

const (
	KindMeeting MeetingKind = "meeting"
	// KindEvent is another dated event: a follow-up day, a conference. It may
	// be all-day and may have no body (then it belongs to the whole region).
	KindEvent MeetingKind = "event"
)

// Meeting is one meeting or other dated event. A joint meeting of several
// bodies is one Meeting with several Bodies.
type Meeting struct {
	ID int64
	// UID is the iCalendar UID: set by the store at creation, stable forever.
	UID string
	// Key is an optional stable key for årsplan files, so that re-importing a
	// file updates the meeting instead of duplicating it.
	Key    string
	Kind   MeetingKind
	Title  string   // if empty, feeds use the bodies' names
	Bodies []string // body slugs, sorted; a joint meeting has several
	// Start and End are in Europe/Stockholm. For an all-day event Start is
	// midnight of its first day and End midnight after its last day.
	Start     time.Time
	End       time.Time
	AllDay    bool
	Status    MeetingStatus
	Room      string // room slug, may be empty
	Location  string // free-text place when there is no room
	OnlineURL string // link to a digital meeting
	Notes     string
	// Organisation (slug) scopes an event without bodies: "" is for the
	// whole installation (everyone's personal feed, as in one
	// installation per region); an organisation is for its people only –
	// those whose own organisation it is, and the members (on the event's
	// first day, as for a body's meeting) of the bodies it hosts
	// (Body.Organisation). An installation of several regions scopes each
	// region's conference days to the region (docs/deployment.md). A
	// meeting with bodies reaches its bodies' members, so it has none:
	// Validate refuses one rather than keep a field that means nothing.
	Organisation string
	// CancelMessage is the secretary's message to everyone told that the
	// meeting is cancelled (the cancellation letter quotes it); only a
	// cancelled meeting has one.
	CancelMessage string
	// Sequence rises by one on every change of time, place or status, as
	// iCalendar clients expect (RFC 5545 3.8.7.4).
	Sequence    int
	CancelledAt time.Time // zero unless Status is cancelled
	CreatedAt   time.Time
	UpdatedAt   time.Time // the last change of any field
}

// MaxMeetingBodies is the most bodies one joint meeting may have: a region
// has a few dozen bodies, and a meeting of more is a mistake.
const MaxMeetingBodies = 50

// MaxMeetingLength is how long a meeting or event may last. The store
// relies on it: a meeting that ends after a moment started at most this
// long before it, so that "meetings still going on at t" is a range of
// the start index.
const MaxMeetingLength = 14 * 24 * time.Hour

// Validate checks m and returns EINVALID listing every problem. It does not
// look up bodies or rooms: the store does that.
func (m *Meeting) Validate() error {
	var p problems
	if m.Key != "" {
		checkSlug(&p, "meeting key", m.Key)
	}
	if m.Kind != KindMeeting && m.Kind != KindEvent {
		p.add("kind %s is unknown; use meeting or event", quote(string(m.Kind)))
	}
	if m.Kind == KindMeeting && len(m.Bodies) == 0 {
		p.add("a meeting needs at least one body")
	}
	if len(m.Bodies) > MaxMeetingBodies {
		p.add("a meeting may have at most %d bodies, not %d", MaxMeetingBodies, len(m.Bodies))
	}
	for _, b := range m.Bodies {
		checkSlug(&p, "body", b)
	}
	if m.Start.IsZero() || m.End.IsZero() {
		p.add("start and end are required")
	} else if startOK, endOK := checkTime(&p, "start", m.Start), checkTime(&p, "end", m.End); !startOK || !endOK {
		// a year out of range: the order of the two says nothing more
	} else if !m.End.After(m.Start) {
		p.add("end (%s) must be after start (%s)", In(m.End).Format(time.RFC3339), In(m.Start).Format(time.RFC3339))
	} else if m.End.Sub(m.Start) > MaxMeetingLength {
		p.add("a meeting may last at most 14 days")
	}
	if m.AllDay && !m.Start.IsZero() && !m.End.IsZero() {
		if s, e := In(m.Start), In(m.End); s.Hour()+s.Minute()+s.Second() != 0 || e.Hour()+e.Minute()+e.Second() != 0 {
			p.add("an all-day event must start and end at midnight")
		}
	}
	switch m.Status {
	case StatusProposed, StatusConfirmed, StatusCancelled:
	default:
		p.add("status %s is unknown; use proposed, confirmed or cancelled", quote(string(m.Status)))
	}
	if m.Room != "" {
		checkSlug(&p, "room", m.Room)
	}
	if m.Organisation != "" {
		checkSlug(&p, "organisation", m.Organisation)
		if len(m.Bodies) > 0 {
			p.add("organisation is only for an event without bodies (it says whose event it is); a meeting with bodies reaches its bodies' members")
		}
	}
	p.text("title", NameText, m.Title, false)
	p.text("location", LineText, m.Location, false)
	p.link("online_url", m.OnlineURL, false)
	p.text("notes", NoteText, m.Notes, false)
	p.text("cancel_message", NoteText, m.CancelMessage, false)
	if m.CancelMessage != "" && m.Status != StatusCancelled {
		p.add("only a cancelled meeting has a cancel_message")
	}
	return p.err()
}

// Normalize sorts and de-duplicates Bodies and puts times in Europe/Stockholm.
func (m *Meeting) Normalize() {
	slices.Sort(m.Bodies)
	m.Bodies = slices.Compact(m.Bodies)
	m.Start, m.End = In(m.Start), In(m.End)
	if m.Kind == "" {
		m.Kind = KindMeeting
	}
	if m.Status == "" {
		m.Status = StatusProposed
	}
}

// IsPublic reports whether anyone may see m: it has a public body, or no
// body at all (an event for the whole region). public tells a body's
// visibility by slug. Only a public meeting has a public page
// (/moten/{id}), so emails and feeds link a meeting's page only then: a
// member of a restricted body would otherwise follow a link to "Sidan
// finns inte".
func (m *Meeting) IsPublic(public func(slug string) bool) bool {
	return len(m.Bodies) == 0 || slices.ContainsFunc(m.Bodies, public)
}

// Overlaps reports whether m and o share any time (touching ends do not).
func (m *Meeting) Overlaps(o *Meeting) bool {
	return m.Start.Before(o.End) && o.Start.Before(m.End)
}

// ChangeAction is what a change did.
type ChangeAction string

const (
	ActionCreate ChangeAction = "create"
	ActionUpdate ChangeAction = "update"
	ActionDelete ChangeAction = "delete"
	// ActionErase is a person's erasure (PersonDataStore.ErasePerson),
	// recorded without values.
	ActionErase ChangeAction = "erase"
)

// Change is one recorded change to stored state: when, to what, and which
// fields, with their old and new values as text.
type Change struct {
	ID       int64
	At       time.Time
	Entity   string // "meeting", "body", "person", "membership", "room", "organisation", "booking_window", "agenda_item", "backlog_item", "availability"
	EntityID int64
	Action   ChangeAction
	Fields   map[string]FieldChange
	// Actor is who made the change and how; zero for changes made before
	// Samkal recorded it.
	Actor Actor
}

// FieldChange is the old and new value of one field.
type FieldChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

func checkSlug(p *problems, what, s string) {
	if s == "" {
		p.add("%s slug is required", what)
	} else if !ValidSlug(s) {
		p.add("%s slug %s must be lower-case letters a–z, digits and single hyphens (e.g. %s)", what, quote(s), quote(Slugify(s)))
	}
}

// checkName checks the required name of an entity ("person" → "person
// name").
func checkName(p *problems, what, s string) {
	p.text(what+" name", NameText, s, true)
}

func joinKinds[T ~string](ks []T) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
