package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
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
	// Organisation (slug or null) scopes an event without bodies to its
	// people (calendar.Meeting.Organisation).
	Organisation json.RawMessage `json:"organisation"`
	// CancelMessage goes into the cancellation letter (with status
	// cancelled, or to a meeting cancelled already).
	CancelMessage json.RawMessage `json:"cancel_message"`
	// ConfirmClashes saves a meeting that clashes (see apiClashes).
	ConfirmClashes *bool `json:"confirm_clashes"`
}

// listMeetings answers meetings ordered by start. Filters: body (repeatable
// or comma-separated: meetings of any of them), year, from and to (a date or
// an RFC 3339 time; a date "to" includes that day), status (repeatable),
// kind, person (meetings of the bodies the person sits in on the meeting's
// day) and room.
func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams("body", "year", "from", "to", "status", "kind", "person", "room")...)
	pg := readPager(q)
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
	f.Limit = pg.limit + 1
	if pg.has {
		if f.After = meetingPlace(pg.after); f.After == nil {
			s.Error(w, r, calendar.Errorf(calendar.EINVALID, "Query parameter cursor is not a cursor this server gave: follow the \"next\" address of the previous page."))
			return
		}
	}
	ms, err := s.store.FindMeetings(ctx, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	js, err := s.justeringar(ctx, ms)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The page is read from the store, one more than asked to know
	// whether another follows; meetings the caller may not see are left
	// out of it afterwards (the page may then be shorter).
	next := ""
	if len(ms) > pg.limit {
		ms = ms[:pg.limit]
		next = nextURL(r, meetingKey(ms[len(ms)-1]))
	}
	ms = slices.DeleteFunc(ms, func(m *calendar.Meeting) bool { return !v.seesMeeting(m) })
	out := make([]meetingJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.toMeeting(m, v, js[m.ID]))
	}
	l := newList(out)
	l.Next = next
	JSONOK(w, l)
}

// meetingKey is a meeting's sort key in the API's pages: start (shifted so
// that years from 1900 count as positive numbers), then id.
func meetingKey(m *calendar.Meeting) string {
	return sortKey(numKey(m.Start.Unix()+meetingKeyShift), numKey(m.ID))
}

const meetingKeyShift = 1 << 40

// meetingPlace reads a meetingKey back; nil for anything else.
func meetingPlace(key string) *calendar.MeetingPlace {
	start, id, ok := strings.Cut(key, "\x00")
	s, err1 := strconv.ParseInt(start, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(start) != 20 || len(id) != 20 {
		return nil
	}
	return &calendar.MeetingPlace{Start: time.Unix(s-meetingKeyShift, 0), ID: n}
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

// justeringar returns the justeringar of ms by meeting id, for lists and
// feeds: those of the meetings shown, not every one there is.
func (s *Server) justeringar(ctx context.Context, ms []*calendar.Meeting) (map[int64]*calendar.Justering, error) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return s.store.FindJusteringarOf(ctx, ids)
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

		CancelMessage: str(f, "cancel_message", in.CancelMessage),
		Organisation:  str(f, "organisation", in.Organisation),
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
	setStr(&m.CancelMessage, u.CancelMessage)
	setStr(&m.Organisation, u.Organisation)
	if !s.mayChange(w, r, m.Bodies...) {
		return
	}
	// What the store refuses is refused first (400), with its reasons;
	// the clashes of a meeting it would take come after.
	ctx, ok := r.Context(), true
	check := *m
	check.Normalize() // as the store will
	if check.Validate() == nil {
		if ctx, ok = s.apiClashes(w, r, m, in.ConfirmClashes); !ok {
			return
		}
	}
	if err := s.store.CreateMeeting(ctx, m); err != nil {
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
	// A change of time, place or bodies is checked for clashes, and so is
	// a cancelled meeting taken up again; fixing a proposal is not: its
	// clashes were shown when it was proposed.
	ctx := r.Context()
	if u.Bodies != nil || u.Start != nil || u.End != nil || u.AllDay != nil || u.Status != nil || u.Room != nil {
		old, err := s.store.FindMeetingByID(ctx, id)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		m := *old
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
		moved := u.Bodies != nil || u.Start != nil || u.End != nil || u.AllDay != nil || u.Room != nil
		revived := old.Status == calendar.StatusCancelled && m.Status != calendar.StatusCancelled
		if moved || revived {
			var ok bool
			if ctx, ok = s.apiClashes(w, r, &m, in.ConfirmClashes); !ok {
				return
			}
		}
	}
	m, err := s.store.UpdateMeeting(ctx, id, u)
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

// apiClashes checks m's clashes (plan.MeetingClashes, as the pages do)
// and answers 409 listing them, in Swedish, unless the caller confirmed
// them with "confirm_clashes": true. It returns the context to write
// under – carrying the confirmed warnings, which the store records with
// the change (calendar.ClashesConfirmedField) – and whether the write may
// go on.
func (s *Server) apiClashes(w http.ResponseWriter, r *http.Request, m *calendar.Meeting, confirm *bool) (context.Context, bool) {
	cs, err := plan.MeetingClashes(r.Context(), s.store, m)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	// A room booked twice is refused by the store (409, naming the other
	// meeting) whatever the caller confirms, so it is left to the store.
	var details []string
	for _, c := range cs {
		if c.Kind != plan.ClashRoom {
			details = append(details, c.Detail)
		}
	}
	if len(details) == 0 {
		return r.Context(), true
	}
	if confirm == nil || !*confirm {
		Problem(w, http.StatusConflict, calendar.ECONFLICT,
			"The meeting clashes with other meetings, a holiday, a weekend or the usual hours (listed in errors, in Swedish); nothing was saved. Change it, or send \"confirm_clashes\": true to save it anyway, which the record of changes keeps.",
			details...)
		return nil, false
	}
	return confirmedClashes(r, details), true
}
