package api

import (
	"strconv"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The JSON shapes of the API. Field names are snake_case; times are RFC 3339
// in Europe/Stockholm with their offset ("2025-01-21T13:00:00+01:00"); days
// are "YYYY-MM-DD"; an optional reference to another entity (a room, an
// organisation) is its slug or null.

// list is the envelope of every list answer: the items of one page, and
// the address of the next page when more follow (paging.go).
type list[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func newList[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}

type organisationJSON struct {
	ID        int64  `json:"id"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type personJSON struct {
	ID           int64   `json:"id"`
	Key          string  `json:"key"`
	Name         string  `json:"name"`
	Title        string  `json:"title"`
	Organisation *string `json:"organisation"`
	// Email, Phone and FeedURL are personal or secret: present for admins
	// only, absent (not null) for everyone else.
	Email     *string `json:"email,omitempty"`
	Phone     *string `json:"phone,omitempty"`
	FeedURL   *string `json:"feed_url,omitempty"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

type bodyJSON struct {
	ID                  int64   `json:"id"`
	Slug                string  `json:"slug"`
	Name                string  `json:"name"`
	Kind                string  `json:"kind"`
	Visibility          string  `json:"visibility"`
	Organisation        *string `json:"organisation"`
	MinutesNeedApproval bool    `json:"minutes_need_approval"`
	Description         string  `json:"description"`
	// Notify is the body's timing of the automatic emails; always present,
	// with null for "the server's default".
	Notify bodyNotifyJSON `json:"notify"`
	// MailRelease is "auto" (calls and kallelser go by themselves) or
	// "manual" (they wait for "Skicka" on the meeting's Utskick page).
	MailRelease string `json:"mail_release"`
	// StandardOpening and StandardClosing are the body's own standard
	// agenda items (titles), null for the defaults (calendar.StandardItems).
	StandardOpening []string `json:"standard_opening"`
	StandardClosing []string `json:"standard_closing"`
	// FeedURL is the public feed of a public body, null for a restricted one.
	FeedURL   *string `json:"feed_url"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

// bodyNotifyJSON is calendar.BodyNotify: days before the meeting, null for
// the server's default, 0 for "not sent for this body".
type bodyNotifyJSON struct {
	CallDays         *int `json:"call_days"`
	CallDeadlineDays *int `json:"call_deadline_days"`
	NoticeDays       *int `json:"notice_days"`
}

type membershipJSON struct {
	ID        int64         `json:"id"`
	Body      string        `json:"body"`
	Person    string        `json:"person"`
	Role      string        `json:"role"`
	From      calendar.Date `json:"from"`  // null when open-ended
	Until     calendar.Date `json:"until"` // null when open-ended
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
}

type roomJSON struct {
	ID        int64  `json:"id"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	Capacity  int    `json:"capacity"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type meetingJSON struct {
	ID        int64    `json:"id"`
	UID       string   `json:"uid"`
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	Bodies    []string `json:"bodies"`
	Start     string   `json:"start"`
	End       string   `json:"end"`
	AllDay    bool     `json:"all_day"`
	Status    string   `json:"status"`
	Room      *string  `json:"room"`
	Location  string   `json:"location"`
	OnlineURL string   `json:"online_url"`
	// Organisation scopes an event without bodies to its people; null is
	// the whole installation (and every meeting with bodies).
	Organisation *string `json:"organisation"`
	// Notes are internal (view.internal): absent for those who may not
	// change the meeting.
	Notes *string `json:"notes,omitempty"`
	// CancelMessage is internal too: it was written to those told the
	// kallelse, not to the public.
	CancelMessage *string `json:"cancel_message,omitempty"`
	Sequence      int     `json:"sequence"`
	CancelledAt   *string `json:"cancelled_at"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     string  `json:"updated_at"`
	URL           string  `json:"url"`
	// Justering is null until the minutes are marked ready for approval.
	Justering *justeringStatusJSON `json:"justering"`
}

// justeringStatusJSON is the status of a meeting's minutes as anyone who
// may see the meeting sees it: the Swedish status line and the day of
// approval (null until every approver has approved).
type justeringStatusJSON struct {
	Status     string        `json:"status"`
	ApprovedOn calendar.Date `json:"approved_on"`
}

type changeJSON struct {
	ID       int64                           `json:"id"`
	At       string                          `json:"at"`
	Entity   string                          `json:"entity"`
	EntityID int64                           `json:"entity_id"`
	Action   string                          `json:"action"`
	Fields   map[string]calendar.FieldChange `json:"fields"`
	Actor    actorJSON                       `json:"actor"`
}

// actorJSON is who made a change: the person (key and name; "" for the
// admin token, the CLI and the scan, and for changes made before Samkal
// recorded it), how, the personal API token's name and the request's ID.
type actorJSON struct {
	Person    string `json:"person"`
	Name      string `json:"name"`
	Via       string `json:"via"`
	Token     string `json:"token"`
	RequestID string `json:"request_id"`
}

// stamp formats t as RFC 3339 in Swedish time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return calendar.In(t).Format(time.RFC3339)
}

func optStamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

// optSlug is nil for "" so that "no room" reads as null.
func optSlug(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toOrganisation(o *calendar.Organisation) organisationJSON {
	return organisationJSON{ID: o.ID, Slug: o.Slug, Name: o.Name, Kind: string(o.Kind), CreatedAt: stamp(o.CreatedAt), UpdatedAt: stamp(o.UpdatedAt)}
}

func (s *Server) toPerson(p *calendar.Person, isAdmin bool) personJSON {
	j := personJSON{ID: p.ID, Key: p.Key, Name: p.Name, Title: p.Title, Organisation: optSlug(p.Organisation),
		CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt)}
	if isAdmin {
		email, phone, feed := p.Email, p.Phone, s.personFeedURL(p)
		j.Email, j.Phone, j.FeedURL = &email, &phone, &feed
	}
	return j
}

func (s *Server) toBody(b *calendar.Body) bodyJSON {
	j := bodyJSON{ID: b.ID, Slug: b.Slug, Name: b.Name, Kind: string(b.Kind), Visibility: string(b.Visibility),
		Organisation: optSlug(b.Organisation), MinutesNeedApproval: b.MinutesNeedApproval, Description: b.Description,
		StandardOpening: b.StandardOpening, StandardClosing: b.StandardClosing,
		CreatedAt: stamp(b.CreatedAt), UpdatedAt: stamp(b.UpdatedAt)}
	j.Notify = bodyNotifyJSON{CallDays: b.Notify.CallDays, CallDeadlineDays: b.Notify.CallDeadlineDays, NoticeDays: b.Notify.NoticeDays}
	j.MailRelease = string(calendar.MailReleaseAuto)
	if b.MailRelease.Manual() {
		j.MailRelease = string(calendar.MailReleaseManual)
	}
	if b.Visibility == calendar.Public {
		u := s.bodyFeedURL(b.Slug)
		j.FeedURL = &u
	}
	return j
}

func toMembership(m *calendar.Membership) membershipJSON {
	return membershipJSON{ID: m.ID, Body: m.Body, Person: m.Person, Role: string(m.Role), From: m.From, Until: m.Until,
		CreatedAt: stamp(m.CreatedAt), UpdatedAt: stamp(m.UpdatedAt)}
}

func toRoom(r *calendar.Room) roomJSON {
	return roomJSON{ID: r.ID, Slug: r.Slug, Name: r.Name, Address: r.Address, Capacity: r.Capacity,
		CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
}

// toMeeting renders m for a caller who sees v: a public caller sees only
// the public bodies of a joint meeting. just is the meeting's justering, nil
// when its minutes were never marked ready.
func (s *Server) toMeeting(m *calendar.Meeting, v *view, just *calendar.Justering) meetingJSON {
	bodies := make([]string, 0, len(m.Bodies))
	for _, b := range m.Bodies {
		if v.seesBody(b) {
			bodies = append(bodies, b)
		}
	}
	j := meetingJSON{ID: m.ID, UID: m.UID, Key: m.Key, Kind: string(m.Kind), Title: m.Title, Bodies: bodies,
		Start: stamp(m.Start), End: stamp(m.End), AllDay: m.AllDay, Status: string(m.Status), Room: optSlug(m.Room),
		Location: m.Location, OnlineURL: m.OnlineURL, Organisation: optSlug(m.Organisation), Sequence: m.Sequence,
		CancelledAt: optStamp(m.CancelledAt), CreatedAt: stamp(m.CreatedAt), UpdatedAt: stamp(m.UpdatedAt),
		URL: s.meetingURL(m.ID), Notes: v.internal(m.Notes, m.Bodies...)}
	if m.CancelMessage != "" {
		j.CancelMessage = v.internal(m.CancelMessage, m.Bodies...)
	}
	if just != nil {
		j.Justering = &justeringStatusJSON{Status: just.StatusText(), ApprovedOn: just.ApprovedOn}
	}
	return j
}

func toChange(c *calendar.Change) changeJSON {
	f := c.Fields
	if f == nil {
		f = map[string]calendar.FieldChange{}
	}
	return changeJSON{ID: c.ID, At: stamp(c.At), Entity: c.Entity, EntityID: c.EntityID, Action: string(c.Action), Fields: f,
		Actor: actorJSON{Person: c.Actor.Person, Name: c.Actor.Name, Via: c.Actor.Via, Token: c.Actor.Token, RequestID: c.Actor.RequestID}}
}

func (s *Server) meetingURL(id int64) string {
	return s.baseURL + "/moten/" + strconv.FormatInt(id, 10)
}

func (s *Server) bodyFeedURL(slug string) string { return s.baseURL + "/feeds/bodies/" + slug + ".ics" }

func (s *Server) personFeedURL(p *calendar.Person) string {
	return s.baseURL + "/feeds/people/" + p.FeedToken + ".ics"
}
