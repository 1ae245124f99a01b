package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// Agendas (dagordningar) and backlogs ("till kommande möten").
//
// A meeting's agenda is read by whoever may see the meeting; the public sees
// only accepted items, numbered as members read them, and never who
// proposed an item (a person key). New items and accepted proposals go
// before the closing standard items (calendar.AppendIndex). A
// body's backlog is read by whoever may see the body. Every write needs the
// admin token.

type agendaLinkJSON struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type agendaItemJSON struct {
	ID        int64            `json:"id"`
	MeetingID int64            `json:"meeting_id"`
	Position  int              `json:"position"`
	Title     string           `json:"title"`
	Presenter string           `json:"presenter"`
	Kind      string           `json:"kind"`
	SubPoints []string         `json:"sub_points"`
	Links     []agendaLinkJSON `json:"links"`
	Status    string           `json:"status"`
	// SubmittedBy is the key of the person who proposed the item: for
	// admins only, absent for others.
	SubmittedBy *string `json:"submitted_by,omitempty"`
	// DeclineNote is why a declined proposal was declined: for admins
	// only, like SubmittedBy, and only on a declined item.
	DeclineNote *string `json:"decline_note,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

type backlogItemJSON struct {
	ID    int64  `json:"id"`
	Body  string `json:"body"`
	Title string `json:"title"`
	// Notes are internal (view.internal): absent for those who may not
	// change the backlog.
	Notes     *string `json:"notes,omitempty"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func toAgendaItem(a *calendar.AgendaItem, v *view) agendaItemJSON {
	out := agendaItemJSON{ID: a.ID, MeetingID: a.MeetingID, Position: a.Position, Title: a.Title, Presenter: a.Presenter,
		Kind: string(a.Kind), SubPoints: a.SubPoints, Links: make([]agendaLinkJSON, len(a.Links)), Status: string(a.Status),
		CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt)}
	if out.SubPoints == nil {
		out.SubPoints = []string{}
	}
	for i, l := range a.Links {
		out.Links[i] = agendaLinkJSON{Title: l.Title, URL: l.URL}
	}
	if v.admin {
		out.SubmittedBy = &a.SubmittedBy
		if a.Status == calendar.AgendaDeclined {
			out.DeclineNote = &a.DeclineNote
		}
	}
	return out
}

func toBacklogItem(b *calendar.BacklogItem, v *view) backlogItemJSON {
	return backlogItemJSON{ID: b.ID, Body: b.Body, Title: b.Title, Notes: v.internal(b.Notes, b.Body), CreatedAt: stamp(b.CreatedAt), UpdatedAt: stamp(b.UpdatedAt)}
}

// seesAgendaItem: the public sees accepted items only; proposals are the
// secretary's to accept or drop.
func (v *view) seesAgendaItem(a *calendar.AgendaItem) bool {
	return v.admin || a.Status == calendar.AgendaAccepted
}

func agendaItemURL(id int64) string { return "/api/v1/agenda-items/" + strconv.FormatInt(id, 10) }

type agendaItemInput struct {
	Position    json.RawMessage `json:"position"`
	Title       json.RawMessage `json:"title"`
	Presenter   json.RawMessage `json:"presenter"`
	Kind        json.RawMessage `json:"kind"`
	SubPoints   json.RawMessage `json:"sub_points"`
	Links       json.RawMessage `json:"links"`
	Status      json.RawMessage `json:"status"`
	SubmittedBy json.RawMessage `json:"submitted_by"`
	DeclineNote json.RawMessage `json:"decline_note"`
}

// agendaFields converts an item body into an update; create applies it to
// an empty item, so both take the same fields with the same checks.
func agendaFields(f *fields, in *agendaItemInput) calendar.AgendaItemUpdate {
	upd := calendar.AgendaItemUpdate{
		Position:    value[int](f, "position", in.Position, false),
		Title:       str(f, "title", in.Title),
		Presenter:   str(f, "presenter", in.Presenter),
		Kind:        strTo[calendar.AgendaKind](f, "kind", in.Kind, false),
		SubPoints:   value[[]string](f, "sub_points", in.SubPoints, true),
		Links:       links(f, in.Links),
		Status:      strTo[calendar.AgendaStatus](f, "status", in.Status, false),
		SubmittedBy: str(f, "submitted_by", in.SubmittedBy),
		DeclineNote: str(f, "decline_note", in.DeclineNote),
	}
	if upd.SubPoints != nil && *upd.SubPoints == nil {
		*upd.SubPoints = []string{}
	}
	return upd
}

// links decodes the "links" field: an array of {"title", "url"} objects,
// whose unknown fields are refused like those of the body itself; null
// removes every link.
func links(f *fields, raw json.RawMessage) *[]calendar.AgendaLink {
	if raw == nil {
		return nil
	}
	out := []calendar.AgendaLink{}
	if isNull(raw) {
		return &out
	}
	var in []agendaLinkJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		f.add("Field %q must be an array of objects with \"title\" and \"url\" (%s).", "links",
			strings.TrimPrefix(err.Error(), "json: "))
		return nil
	}
	for _, l := range in {
		out = append(out, calendar.AgendaLink{Title: l.Title, URL: l.URL})
	}
	return &out
}

// meetingAgenda reads the meeting named by the path, as findMeeting does,
// and its agenda as the caller may see it.
func (s *Server) meetingAgenda(ctx context.Context, v *view, r *http.Request) ([]agendaItemJSON, error) {
	m, err := s.findMeeting(ctx, v, r)
	if err != nil {
		return nil, err
	}
	items, err := s.store.FindAgendaItems(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	return agendaJSON(items, v.of(m.Bodies)), nil
}

// agendaJSON is the agenda as v sees it: an admin every item at its stored
// position, anyone else the accepted items numbered 1, 2, 3 … as members
// read them, so that a proposal neither shows nor leaves a gap.
func agendaJSON(items []*calendar.AgendaItem, v *view) []agendaItemJSON {
	out := make([]agendaItemJSON, 0, len(items))
	if v.admin {
		for _, a := range items {
			out = append(out, toAgendaItem(a, v))
		}
		return out
	}
	for _, a := range calendar.NumberAccepted(items) {
		out = append(out, toAgendaItem(&a, v))
	}
	return out
}

// listAgenda answers the meeting's agenda ordered by position.
func (s *Server) listAgenda(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	out, err := s.meetingAgenda(r.Context(), v, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, newList(out))
}

// getAgendaItem answers one item; an item of a meeting the caller may not
// see, or a proposal for the public, is not found.
func (s *Server) getAgendaItem(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	ctx := r.Context()
	id, err := pathID(r, "agenda item")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := s.store.FindAgendaItemByID(ctx, id)
	if err == nil && !v.admin {
		var m *calendar.Meeting
		m, err = s.store.FindMeetingByID(ctx, a.MeetingID)
		if err == nil {
			seen := v.seesMeeting(m)
			v = v.of(m.Bodies)
			if !seen || !v.seesAgendaItem(a) {
				err = calendar.Errorf(calendar.ENOTFOUND, "agenda item %d not found", id)
			}
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toAgendaItem(a, v))
}

// createAgendaItem appends an item to the meeting's agenda, before the
// closing standard items ("Övriga frågor", "Mötet avslutas"), or inserts it
// at "position", shifting the items from there on.
func (s *Server) createAgendaItem(w http.ResponseWriter, r *http.Request) {
	var in agendaItemInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	meetingID, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f fields
	u := agendaFields(&f, &in)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsMeeting(w, r, meetingID) {
		return
	}
	item := u.Apply(calendar.AgendaItem{MeetingID: meetingID})
	a := &item
	if err := s.store.CreateAgendaItem(r.Context(), a); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, agendaItemURL(a.ID), toAgendaItem(a, s.keeperView(r)))
}

// updateAgendaItem changes an item; a new "position" moves it, and a
// proposal accepted without one moves before the closing standard items
// when it sits after them.
func (s *Server) updateAgendaItem(w http.ResponseWriter, r *http.Request) {
	var in agendaItemInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	id, err := pathID(r, "agenda item")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f fields
	u := agendaFields(&f, &in)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsAgendaItem(w, r, id) {
		return
	}
	a, err := s.store.UpdateAgendaItem(r.Context(), id, u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, toAgendaItem(a, s.keeperView(r)))
}

func (s *Server) deleteAgendaItem(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "agenda item")
	if err == nil && !s.keepsAgendaItem(w, r, id) {
		return
	}
	if err == nil {
		err = s.store.DeleteAgendaItem(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// fillStandardItems puts the body's standard opening and closing items
// around the agenda (once: a second call changes nothing) and answers the
// whole agenda.
func (s *Server) fillStandardItems(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsMeeting(w, r, id) {
		return
	}
	items, err := s.store.FillStandardItems(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, newList(agendaJSON(items, s.keeperView(r))))
}

type backlogItemInput struct {
	Title json.RawMessage `json:"title"`
	Notes json.RawMessage `json:"notes"`
}

// listBacklog answers the body's backlog, oldest first.
func (s *Server) listBacklog(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	ctx := r.Context()
	b, err := s.findBody(ctx, v, mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, err := s.store.FindBacklogItems(ctx, b.Slug)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]backlogItemJSON, len(items))
	for i, x := range items {
		out[i] = toBacklogItem(x, v)
	}
	JSONOK(w, newList(out))
}

// getBacklogItem answers one backlog item of a body the caller may see.
func (s *Server) getBacklogItem(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	id, err := pathID(r, "backlog item")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b, err := s.store.FindBacklogItemByID(r.Context(), id)
	if err == nil && !v.seesBody(b.Body) {
		err = calendar.Errorf(calendar.ENOTFOUND, "backlog item %d not found", id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toBacklogItem(b, v))
}

func (s *Server) createBacklogItem(w http.ResponseWriter, r *http.Request) {
	var in backlogItemInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	b := &calendar.BacklogItem{Body: mux.Vars(r)["slug"]}
	setStr(&b.Title, str(&f, "title", in.Title))
	setStr(&b.Notes, str(&f, "notes", in.Notes))
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsBody(w, r, b.Body) {
		return
	}
	if err := s.store.CreateBacklogItem(r.Context(), b); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/backlog-items/"+strconv.FormatInt(b.ID, 10), toBacklogItem(b, s.keeperView(r)))
}

func (s *Server) deleteBacklogItem(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "backlog item")
	if err == nil && !s.keepsBacklogItem(w, r, id) {
		return
	}
	if err == nil {
		err = s.store.DeleteBacklogItem(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}
