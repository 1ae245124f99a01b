package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/samkal/samkal/calendar"
)

type meetingInput struct {
	Key       json.RawMessage `json:"key"`
	Kind      json.RawMessage `json:"kind"`
	Title     json.RawMessage `json:"title"`
	Bodies    json.RawMessage `json:"bodies"`
	Start     json.RawMessage `json:"start"`
	End       json.RawMessage `json:"end"`
	AllDay    json.RawMessage `json:"all_day"`
	Status    json.RawMessage `json:"status"`
	Room      json.RawMessage `json:"room"`
	Location  json.RawMessage `json:"location"`
	OnlineURL json.RawMessage `json:"online_url"`
	Notes     json.RawMessage `json:"notes"`
}

// listMeetings answers meetings ordered by start. Filters: body (repeatable
// or comma-separated: meetings of any of them), year, from and to (a date or
// an RFC 3339 time; a date "to" includes that day), status (repeatable),
// kind, person (meetings of the bodies the person sits in on the meeting's
// day) and room.
func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "body", "year", "from", "to", "status", "kind", "person", "room")
	f := calendar.MeetingFilter{
		Bodies: q.many("body"),
		Year:   q.integer("year", calendar.MinYear, calendar.MaxYear),
		From:   q.instant("from", false),
		To:     q.instant("to", true),
		Kind:   queryEnum(q, "kind", []calendar.MeetingKind{calendar.KindMeeting, calendar.KindEvent}),
		Person: q.slug("person"),
		Room:   q.slug("room"),
	}
	for _, st := range q.many("status") {
		switch calendar.MeetingStatus(st) {
		case calendar.StatusProposed, calendar.StatusConfirmed, calendar.StatusCancelled:
			f.Status = append(f.Status, calendar.MeetingStatus(st))
		default:
			q.add("Query parameter status=%q is unknown; use proposed, confirmed or cancelled.", st)
		}
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		q.add("Query parameter to (%s) must be after from (%s).", stamp(*f.To), stamp(*f.From))
	}
	v := s.readView(w, r, q)
	if v == nil {
		return
	}
	ctx := r.Context()
	if err := s.checkBodies(ctx, v, f.Bodies); err != nil {
		s.Error(w, r, err)
		return
	}
	if f.Person != nil {
		if _, err := s.findPerson(ctx, v, *f.Person); err != nil {
			if calendar.IsNotFound(err) {
				err = calendar.Errorf(calendar.EINVALID, "person %q does not exist", *f.Person)
			}
			s.Error(w, r, err)
			return
		}
	}
	if f.Room != nil {
		if _, err := s.store.FindRoomBySlug(ctx, *f.Room); err != nil {
			if calendar.IsNotFound(err) {
				err = calendar.Errorf(calendar.EINVALID, "room %q does not exist", *f.Room)
			}
			s.Error(w, r, err)
			return
		}
	}
	f.PublicOnly = v.seesOnlyPublic()
	ms, err := s.store.FindMeetings(ctx, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	js, err := s.justeringar(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]meetingJSON, 0, len(ms))
	for _, m := range ms {
		if v.seesMeeting(m) {
			out = append(out, s.toMeeting(m, v, js[m.ID]))
		}
	}
	JSONOK(w, newList(out))
}

// findMeeting reads the meeting named by the path that the caller may see;
// a restricted meeting is not found for the public.
func (s *Server) findMeeting(ctx context.Context, v *view, r *http.Request) (*calendar.Meeting, error) {
	id, err := pathID(r, "meeting")
	if err != nil {
		return nil, err
	}
	m, err := s.store.FindMeetingByID(ctx, id)
	if err == nil && !v.seesMeeting(m) {
		err = calendar.Errorf(calendar.ENOTFOUND, "meeting %d not found", id)
	}
	return m, err
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	m, err := s.findMeeting(r.Context(), v, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	j, err := s.justeringOf(r.Context(), m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, s.toMeeting(m, v, j))
}

// justeringOf returns the meeting's justering, or nil when its minutes
// were never marked ready.
func (s *Server) justeringOf(ctx context.Context, meetingID int64) (*calendar.Justering, error) {
	j, err := s.store.FindJustering(ctx, meetingID)
	if calendar.IsNotFound(err) {
		return nil, nil
	}
	return j, err
}

// justeringar returns every justering by meeting id, in one query, for
// lists and feeds.
func (s *Server) justeringar(ctx context.Context) (map[int64]*calendar.Justering, error) {
	js, err := s.store.FindJusteringar(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*calendar.Justering, len(js))
	for _, j := range js {
		out[j.MeetingID] = j
	}
	return out, nil
}

// meetingFields converts a meeting body into an update; create applies it
// to an empty meeting, so both take the same fields with the same checks.
func meetingFields(f *fields, in *meetingInput) calendar.MeetingUpdate {
	upd := calendar.MeetingUpdate{
		Key:       str(f, "key", in.Key),
		Kind:      strTo[calendar.MeetingKind](f, "kind", in.Kind, false),
		Title:     str(f, "title", in.Title),
		Bodies:    value[[]string](f, "bodies", in.Bodies, true),
		Start:     timestamp(f, "start", in.Start),
		End:       timestamp(f, "end", in.End),
		AllDay:    value[bool](f, "all_day", in.AllDay, false),
		Status:    strTo[calendar.MeetingStatus](f, "status", in.Status, false),
		Room:      str(f, "room", in.Room),
		Location:  str(f, "location", in.Location),
		OnlineURL: str(f, "online_url", in.OnlineURL),
		Notes:     str(f, "notes", in.Notes),
	}
	if upd.Bodies != nil && *upd.Bodies == nil {
		*upd.Bodies = []string{}
	}
	return upd
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) {
	var in meetingInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	u := meetingFields(&f, &in)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	m := &calendar.Meeting{}
	setStr(&m.Key, u.Key)
	setStr(&m.Kind, u.Kind)
	setStr(&m.Title, u.Title)
	if u.Bodies != nil {
		m.Bodies = *u.Bodies
	}
	if u.Start != nil {
		m.Start = *u.Start
	}
	if u.End != nil {
		m.End = *u.End
	}
	if u.AllDay != nil {
		m.AllDay = *u.AllDay
	}
	setStr(&m.Status, u.Status)
	setStr(&m.Room, u.Room)
	setStr(&m.Location, u.Location)
	setStr(&m.OnlineURL, u.OnlineURL)
	setStr(&m.Notes, u.Notes)
	if !s.mayChange(w, r, m.Bodies...) {
		return
	}
	if err := s.store.CreateMeeting(r.Context(), m); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/meetings/"+strconv.FormatInt(m.ID, 10), s.toMeeting(m, s.keeperView(r), nil))
}

func (s *Server) updateMeeting(w http.ResponseWriter, r *http.Request) {
	var in meetingInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	id, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f fields
	u := meetingFields(&f, &in)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	// The caller must keep the meeting as it is, and as it would be: a
	// secretary cannot hand a meeting to, or take it from, another body.
	if !s.keepsMeeting(w, r, id) || u.Bodies != nil && !s.mayChange(w, r, *u.Bodies...) {
		return
	}
	m, err := s.store.UpdateMeeting(r.Context(), id, u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	j, err := s.justeringOf(r.Context(), m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, s.toMeeting(m, s.keeperView(r), j))
}

func (s *Server) deleteMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "meeting")
	if err == nil && !s.keepsMeeting(w, r, id) {
		return
	}
	if err == nil {
		err = s.store.DeleteMeeting(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}
