package calendar

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// AgendaKind tells what an agenda item asks of the meeting, as the seed
// agendas mark it: an informationspunkt, a beslut or a dialog, or one of the
// standard items that open and close every meeting.
type AgendaKind string

const (
	AgendaInformation AgendaKind = "information" // informationspunkt
	AgendaDecision    AgendaKind = "beslut"      // the meeting decides
	AgendaDialog      AgendaKind = "dialog"      // discussion, no decision
	AgendaStandard    AgendaKind = "standard"    // opening and closing items
)

// AgendaKinds lists the known agenda item kinds.
var AgendaKinds = []AgendaKind{AgendaInformation, AgendaDecision, AgendaDialog, AgendaStandard}

// AgendaStatus separates the secretary's agenda from what members have
// proposed ("Anmäl gärna innan") and the secretary has not yet accepted.
type AgendaStatus string

const (
	AgendaProposed AgendaStatus = "proposed" // submitted by a member, not yet on the agenda
	AgendaAccepted AgendaStatus = "accepted" // on the agenda
	// AgendaDeclined is a proposal the secretary declined, kept with the
	// note (DeclineNote) that tells the proposer why. It is not on the
	// agenda; the secretary's page puts it last, after the closing items.
	AgendaDeclined AgendaStatus = "declined"
)

// Limits of agenda input: generous for real agendas, small enough that a
// mistaken paste cannot fill the database or an email. The lengths are
// those of the text kinds (see TextKind); exported so that a form can tell
// in Swedish which field is too long.
const (
	MaxSubPoints = 50 // sub-points per item
	MaxLinks     = 20 // links per item
)

var (
	MaxAgendaText = NameText.Max // title, presenter, link title: one line
	MaxSubPoint   = LineText.Max // one sub-point: one line
	MaxLinkURL    = LinkText.Max // characters of a link
)

// Limits of a meeting's agenda. The agenda proper, what the secretary
// controls (accepted items), may hold MaxAgendaItems; members' proposals
// are counted apart, so that proposals never take the secretary's room.
// What one person may propose through the personal link (or be recorded as
// proposing) is a handful, MaxProposalsPerPerson, so that one link, shared
// or leaked, cannot fill a meeting's proposals either; and all proposals of
// a meeting together are bounded by MaxProposals.
const (
	MaxAgendaItems        = 200 // accepted items of one meeting
	MaxProposals          = 100 // proposed items of one meeting, from everyone
	MaxProposalsPerPerson = 5   // items of one meeting submitted by one person
)

// Errors of a full agenda. Stores return these values (compare with
// errors.Is), so that a form can tell the member which limit was reached.
var (
	ErrAgendaFull = &Error{Code: EINVALID,
		Message: fmt.Sprintf("the agenda already holds %d items, the most one meeting's agenda may hold; remove one first", MaxAgendaItems)}
	ErrProposalsFull = &Error{Code: EINVALID,
		Message: fmt.Sprintf("the meeting already has %d proposed items, the most it may have; the secretary must accept or remove some first", MaxProposals)}
	ErrPersonProposalsFull = &Error{Code: EINVALID,
		Message: fmt.Sprintf("this person has already proposed %d items for this meeting, the most one person may propose; the secretary can add more", MaxProposalsPerPerson)}
)

// AgendaLink is a link to an attachment or background document of an item
// (a presentation, a report).
type AgendaLink struct {
	Title string // shown instead of the address; may be empty
	URL   string // an http(s) address
}

// AgendaItem is one numbered point of a meeting's dagordning.
type AgendaItem struct {
	ID        int64
	MeetingID int64
	// Position is the item's place on the agenda, 1-based and without
	// gaps among a meeting's items, proposals included (NumberAccepted
	// gives the numbers members read). On create 0 appends: before the
	// closing standard items (AppendIndex).
	Position  int
	Title     string
	Presenter string // who presents the item (föredragande), may be empty
	Kind      AgendaKind
	SubPoints []string // delpunkter, each one line
	Links     []AgendaLink
	Status    AgendaStatus
	// SubmittedBy is the key of the person who proposed the item, empty when
	// the secretary added it.
	SubmittedBy string
	// DeclineNote is why the secretary declined the proposal, written to
	// the proposer; only a declined item has one.
	DeclineNote string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Normalize fills defaults: an item without kind is an informationspunkt, an
// item without status is accepted (the secretary wrote it), and nil lists
// become empty ones.
func (a *AgendaItem) Normalize() {
	if a.Kind == "" {
		a.Kind = AgendaInformation
	}
	if a.Status == "" {
		a.Status = AgendaAccepted
	}
	if a.SubPoints == nil {
		a.SubPoints = []string{}
	}
	if a.Links == nil {
		a.Links = []AgendaLink{}
	}
}

// Validate checks a and returns EINVALID listing every problem. It does not
// look up the meeting or the person: the store does that.
func (a *AgendaItem) Validate() error {
	var p problems
	if a.MeetingID <= 0 {
		p.add("an agenda item needs a meeting")
	}
	if a.Position < 0 || a.Position > MaxAgendaItems {
		p.add("position must be from 1 to %d (or left out to append), not %d", MaxAgendaItems, a.Position)
	}
	p.text("title", NameText, a.Title, true)
	p.text("presenter", NameText, a.Presenter, false)
	if !slices.Contains(AgendaKinds, a.Kind) {
		p.add("agenda kind %s is unknown; use one of %s", quote(string(a.Kind)), joinKinds(AgendaKinds))
	}
	if a.Status != AgendaProposed && a.Status != AgendaAccepted && a.Status != AgendaDeclined {
		p.add("agenda status %s is unknown; use proposed, accepted or declined", quote(string(a.Status)))
	}
	p.text("decline note", NoteText, a.DeclineNote, false)
	if a.DeclineNote != "" && a.Status != AgendaDeclined {
		p.add("only a declined item has a decline note")
	}
	if len(a.SubPoints) > MaxSubPoints {
		p.add("an agenda item may have at most %d sub-points, not %d", MaxSubPoints, len(a.SubPoints))
	}
	for i, s := range a.SubPoints {
		p.text("sub-point "+strconv.Itoa(i+1), LineText, s, true)
	}
	if len(a.Links) > MaxLinks {
		p.add("an agenda item may have at most %d links, not %d", MaxLinks, len(a.Links))
	}
	for i, l := range a.Links {
		what := "link " + strconv.Itoa(i+1)
		p.text(what+" title", NameText, l.Title, false)
		p.link(what, l.URL, true)
	}
	if a.SubmittedBy != "" {
		checkSlug(&p, "submitted_by person key", a.SubmittedBy)
	}
	return p.err()
}

// HTTPLink reports whether s is an absolute http or https address that
// LinkText accepts: links end up in emails and pages, where a javascript:
// or file: address must never appear, and no white space, control or bidi
// character may hide what the address really is.
func HTTPLink(s string) bool {
	if s == "" || LinkText.Check(s, true) != nil || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// link adds the problem, if any, of s as an http(s) link in field: what
// LinkText refuses, named, or that it is no http(s) address.
func (p *problems) link(field, s string, required bool) {
	switch tp := LinkText.Check(s, required); {
	case tp != nil:
		p.add("%s", tp.Describe(field))
	case s != "" && !HTTPLink(s):
		p.add("%s %s is not an http(s) link", field, quote(s))
	}
}

// AgendaItemUpdate holds the fields to change; nil means "leave as is".
// Position moves the item: the items between its old and new place shift by
// one so that the numbering stays 1, 2, 3 ….
type AgendaItemUpdate struct {
	Position    *int
	Title       *string
	Presenter   *string
	Kind        *AgendaKind
	SubPoints   *[]string
	Links       *[]AgendaLink
	Status      *AgendaStatus
	SubmittedBy *string // "" clears it
	// DeclineNote is the note of a declined item; a new status other than
	// declined clears it unless it is given.
	DeclineNote *string
}

// Apply returns a copy of a with upd applied (Position included; the store
// renumbers the others).
func (upd AgendaItemUpdate) Apply(a AgendaItem) AgendaItem {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if upd.Position != nil {
		a.Position = *upd.Position
	}
	set(&a.Title, upd.Title)
	set(&a.Presenter, upd.Presenter)
	if upd.Kind != nil {
		a.Kind = *upd.Kind
	}
	if upd.SubPoints != nil {
		a.SubPoints = slices.Clone(*upd.SubPoints)
	}
	if upd.Links != nil {
		a.Links = slices.Clone(*upd.Links)
	}
	if upd.Status != nil {
		a.Status = *upd.Status
		if a.Status != AgendaDeclined {
			a.DeclineNote = ""
		}
	}
	set(&a.SubmittedBy, upd.SubmittedBy)
	set(&a.DeclineNote, upd.DeclineNote)
	return a
}

// BacklogItem is a topic a body wants on a later meeting's agenda ("till
// kommande möten").
type BacklogItem struct {
	ID        int64
	Body      string // body slug
	Title     string
	Notes     string // free text, may span lines
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks b and returns EINVALID listing every problem.
func (b *BacklogItem) Validate() error {
	var p problems
	checkSlug(&p, "body", b.Body)
	p.text("title", NameText, b.Title, true)
	p.text("notes", NoteText, b.Notes, false)
	return p.err()
}

// The standard agenda items that open and close every meeting, as in the
// seed protocols. Councils, whose minutes are approved (justeras), choose a
// justerare at the start; management groups, which keep notes, do not.
var (
	StandardOpening = []string{"Mötet öppnas", "Val av justerare", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar"}
	StandardClosing = []string{"Övriga frågor", "Mötet avslutas"}
)

// ChooseJusterare is the standard item left out for bodies whose minutes
// need no approval.
const ChooseJusterare = "Val av justerare"

// MaxStandardItems is how many titles a body's own opening list, and its
// closing list, may hold.
const MaxStandardItems = 15

// checkStandardItems adds the problems of a body's own list of standard
// items (nil is the defaults and always fine): at most MaxStandardItems
// titles, each a NameText, none twice.
func checkStandardItems(p *problems, field string, titles []string) {
	if len(titles) > MaxStandardItems {
		p.add("%s holds %d titles; at most %d", field, len(titles), MaxStandardItems)
		return
	}
	for i, t := range titles {
		p.text(fmt.Sprintf("%s title %d", field, i+1), NameText, t, true)
		if slices.Index(titles, t) < i {
			p.add("%s holds %s twice", field, quote(t))
		}
	}
}

// StandardItems returns the titles of the standard opening and closing items
// of a meeting of bodies. A body with its own lists (Body.StandardOpening,
// Body.StandardClosing; each list on its own) gives them as they are. For a
// joint meeting the bodies are taken in slug order and the first with its
// own list wins. Without one, the defaults: StandardOpening with "Val av
// justerare" when any of the bodies needs its minutes approved (a joint
// meeting with a council chooses one), without it otherwise (management
// groups, events without bodies), and StandardClosing. The lists returned
// are the caller's own.
func StandardItems(bodies []*Body) (opening, closing []string) {
	sorted := slices.Clone(bodies)
	slices.SortStableFunc(sorted, func(a, b *Body) int { return strings.Compare(a.Slug, b.Slug) })
	own := func(list func(*Body) []string) ([]string, bool) {
		for _, b := range sorted {
			if l := list(b); l != nil {
				return slices.Clone(l), true
			}
		}
		return nil, false
	}
	opening, ok := own(func(b *Body) []string { return b.StandardOpening })
	if !ok {
		approve := slices.ContainsFunc(bodies, func(b *Body) bool { return b.MinutesNeedApproval })
		for _, t := range StandardOpening {
			if t != ChooseJusterare || approve {
				opening = append(opening, t)
			}
		}
	}
	closing, ok = own(func(b *Body) []string { return b.StandardClosing })
	if !ok {
		closing = slices.Clone(StandardClosing)
	}
	return opening, closing
}

// isStandardTitle reports whether a is a standard item with one of titles.
func isStandardTitle(a *AgendaItem, titles []string) bool {
	return a.Kind == AgendaStandard && slices.Contains(titles, strings.TrimSpace(a.Title))
}

// closingItem reports whether a can belong to the closing standard items:
// an accepted standard item that is not one of the opening ones.
func closingItem(a *AgendaItem, opening []string) bool {
	return a.Status == AgendaAccepted && a.Kind == AgendaStandard && !isStandardTitle(a, opening)
}

// standardTitles returns the titles that mark opening and closing
// standard items on an agenda of a meeting of bodies: the defaults, and
// the bodies' own (StandardItems) when given.
func standardTitles(bodies []*Body) (opening, closing []string) {
	if len(bodies) == 0 {
		return StandardOpening, StandardClosing
	}
	opening, closing = StandardItems(bodies)
	return append(opening, StandardOpening...), append(closing, StandardClosing...)
}

// ClosingStart returns the index in items (one agenda, ordered by position)
// of the first of the closing standard items – the items that close a
// meeting, "Övriga frågor" and "Mötet avslutas" as FillStandardItems writes
// them – or len(items) when the agenda has none. It is where a new item
// belongs: before the closing items, after everything else.
//
// The closing items are the last run of accepted standard items that are
// not opening items (StandardOpening, and the opening list of bodies, the
// meeting's, when given: StandardItems) and that holds one of the
// StandardClosing titles (or of the bodies' closing list), so that a secretary's own closing item ("Nästa
// möte") next to them counts too and a standard item in the middle
// ("Lunch") does not. Without such a run (the titles were changed), they are
// the standard items at the end of the agenda. Proposals are not on the
// agenda yet and neither start nor end the run; an item the secretary put
// after the closing items stays after them. Declined proposals count as
// proposals here.
func ClosingStart(items []*AgendaItem, bodies ...*Body) int {
	opening, closing := standardTitles(bodies)
	// runStart returns the first index of the run of closing items that
	// ends at index i.
	runStart := func(i int) int {
		start := i
		for j := i - 1; j >= 0; j-- {
			switch a := items[j]; {
			case a.Status != AgendaAccepted:
			case closingItem(a, opening):
				start = j
			default:
				return start
			}
		}
		return start
	}
	for i := len(items) - 1; i >= 0; i-- {
		if a := items[i]; a.Status == AgendaAccepted && isStandardTitle(a, closing) {
			return runStart(i)
		}
	}
	for i := len(items) - 1; i >= 0; i-- {
		switch a := items[i]; {
		case a.Status != AgendaAccepted:
		case closingItem(a, opening):
			return runStart(i)
		default:
			return len(items)
		}
	}
	return len(items)
}

// AppendIndex returns the index in items (one agenda, ordered by position)
// at which a, created without a position, is inserted: before the closing
// standard items (ClosingStart), or at the very end for a standard item,
// which is then itself a closing item. bodies are the meeting's, as for
// ClosingStart.
func AppendIndex(items []*AgendaItem, a *AgendaItem, bodies ...*Body) int {
	if a.Kind == AgendaStandard {
		return len(items)
	}
	return ClosingStart(items, bodies...)
}

// AcceptIndex returns where a proposal lands when the secretary accepts it
// without giving a position: rest is the agenda without the item and at
// its index there. An item already before the closing standard items stays
// where it is (a member's proposal is inserted there, and the secretary may
// have moved it); one after them moves to just before them. bodies are the
// meeting's, as for ClosingStart.
func AcceptIndex(rest []*AgendaItem, at int, bodies ...*Body) int {
	return min(at, ClosingStart(rest, bodies...))
}

// NumberAccepted returns the accepted items of an agenda (ordered by
// position) as the agenda reads to members and the public: copies numbered
// 1, 2, 3 … without the proposals, which hold positions among them until
// the secretary accepts or removes them.
func NumberAccepted(items []*AgendaItem) []AgendaItem {
	var out []AgendaItem
	for _, a := range items {
		if a.Status == AgendaAccepted {
			c := *a
			c.Position = len(out) + 1
			out = append(out, c)
		}
	}
	return out
}

// AgendaStore keeps agendas and backlogs. Every write records a Change
// (entity "agenda_item" or "backlog_item"); moving or deleting an item also
// records the new position of every item it shifted.
type AgendaStore interface {
	// FindAgendaItems returns the meeting's items ordered by position, or
	// ENOTFOUND for an unknown meeting.
	FindAgendaItems(ctx context.Context, meetingID int64) ([]*AgendaItem, error)
	// FindAgendas returns the items of the meetings, by meeting, each
	// ordered by position (the email scan reads its whole window at once):
	// a meeting without items maps to an empty list, and one that does not
	// exist (deleted meanwhile) is left out.
	FindAgendas(ctx context.Context, meetingIDs []int64) (map[int64][]*AgendaItem, error)
	// FindAgendaItemByID returns the item, or ENOTFOUND.
	FindAgendaItemByID(ctx context.Context, id int64) (*AgendaItem, error)
	// FindDeclinedProposals returns the members' proposals (items with a
	// SubmittedBy) declined and last changed at or after since, ordered by
	// meeting, then id: the email scan tells their proposers why.
	FindDeclinedProposals(ctx context.Context, since time.Time) ([]*AgendaItem, error)
	// CountProposals returns, for each of the meetings that has any, how
	// many members' proposals wait for the secretary (status proposed), in
	// one query: "Mina organ" asks it for every coming meeting at once.
	// Unknown meetings count nothing.
	CountProposals(ctx context.Context, meetingIDs []int64) (map[int64]int, error)
	// CreateAgendaItem normalizes and validates a and appends it before the
	// closing standard items (AppendIndex), or inserts it at a.Position
	// (1 … count+1), shifting the items from there on. It
	// sets ID, Position, CreatedAt and UpdatedAt. ENOTFOUND for an unknown
	// meeting; EINVALID for bad input, a position past the end or an
	// unknown SubmittedBy person; ErrAgendaFull for an accepted item when
	// MaxAgendaItems are accepted, ErrProposalsFull or
	// ErrPersonProposalsFull for a proposed one when MaxProposals are
	// proposed or its SubmittedBy has submitted MaxProposalsPerPerson
	// items of the meeting. The counts are taken in the write transaction
	// that inserts, under a lock of the meeting, so that parallel creates
	// cannot pass a limit together.
	CreateAgendaItem(ctx context.Context, a *AgendaItem) error
	// UpdateAgendaItem applies upd with the same checks; a new Position
	// (1 … count) moves the item. Accepting a proposal without a Position
	// moves it before the closing standard items when it sits after them
	// (AcceptIndex). A new status must find room under its limit
	// (ErrAgendaFull, ErrProposalsFull). ENOTFOUND for an unknown item. An
	// update that changes nothing records nothing.
	UpdateAgendaItem(ctx context.Context, id int64, upd AgendaItemUpdate) (*AgendaItem, error)
	// DeleteAgendaItem deletes the item and closes the gap in the numbering;
	// ENOTFOUND for an unknown item.
	DeleteAgendaItem(ctx context.Context, id int64) error
	// FillStandardItems puts the standard opening items (see StandardItems)
	// first and the closing items last, with kind "standard", unless the
	// meeting already has standard items: calling it again changes nothing.
	// Items already there (members' proposals) stay between them. It returns
	// the whole agenda; ENOTFOUND for an unknown meeting.
	FillStandardItems(ctx context.Context, meetingID int64) ([]*AgendaItem, error)

	// FindBacklogItems returns the body's backlog, oldest first; ENOTFOUND
	// for an unknown body.
	FindBacklogItems(ctx context.Context, body string) ([]*BacklogItem, error)
	// FindBacklogItemByID returns the item, or ENOTFOUND.
	FindBacklogItemByID(ctx context.Context, id int64) (*BacklogItem, error)
	// CreateBacklogItem validates b, stores it and sets ID, CreatedAt and
	// UpdatedAt; ENOTFOUND for an unknown body.
	CreateBacklogItem(ctx context.Context, b *BacklogItem) error
	// DeleteBacklogItem deletes the item, or returns ENOTFOUND.
	DeleteBacklogItem(ctx context.Context, id int64) error
}
