package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/samkal/samkal/calendar"
)

// Justering: the approval of a council's minutes.
//
// The secretary marks the minutes ready with POST
// /api/v1/meetings/{id}/justering, naming the justerare chosen at the
// meeting and the document; the jobs in notify then mail every approver a
// personal link to /justering/{token} (personal_pages.go). Both routes need
// the admin token: the justering names people and may link to minutes that
// are not yet public. The status line alone is public, in the meeting's
// JSON and in the feeds.

type justeringJSON struct {
	MeetingID   int64          `json:"meeting_id"`
	DocumentURL string         `json:"document_url"`
	Deadline    calendar.Date  `json:"deadline"`
	ReadyAt     string         `json:"ready_at"`
	ApprovedOn  calendar.Date  `json:"approved_on"` // null until every approver has approved
	Status      string         `json:"status"`      // in Swedish, as feeds show it
	Approvals   []approvalJSON `json:"approvals"`
}

type approvalJSON struct {
	Person     string  `json:"person"`
	Role       string  `json:"role"` // justerare or ordforande
	ApprovedAt *string `json:"approved_at"`
}

func toJustering(j *calendar.Justering) justeringJSON {
	out := justeringJSON{MeetingID: j.MeetingID, DocumentURL: j.DocumentURL, Deadline: j.Deadline, ReadyAt: stamp(j.ReadyAt),
		ApprovedOn: j.ApprovedOn, Status: j.StatusText(), Approvals: make([]approvalJSON, len(j.Approvals))}
	for i, a := range j.Approvals {
		out.Approvals[i] = approvalJSON{Person: a.Person, Role: string(a.Role), ApprovedAt: optStamp(a.ApprovedAt)}
	}
	return out
}

type justeringInput struct {
	Justerare   json.RawMessage `json:"justerare"`
	Chair       json.RawMessage `json:"chair"`
	DocumentURL json.RawMessage `json:"document_url"`
	Deadline    json.RawMessage `json:"deadline"`
}

func justeringPath(meetingID int64) string {
	return "/api/v1/meetings/" + strconv.FormatInt(meetingID, 10) + "/justering"
}

// markJustering answers POST /api/v1/meetings/{id}/justering: the minutes
// are ready for approval by "justerare" (person keys, in order) and the
// chair. Without "chair" the chair is the one person with the role
// ordförande, on the meeting's day, in the meeting's bodies whose minutes
// need approval; null or "" means no chair. Without "deadline" the store
// sets the meeting's day plus Options.JusteringDeadlineDays. 201 with the
// justering; 404 for an unknown meeting, 400 for invalid input, 409 once
// anyone has approved.
func (s *Server) markJustering(w http.ResponseWriter, r *http.Request) {
	var in justeringInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	ctx := r.Context()
	id, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f fields
	j := &calendar.Justering{MeetingID: id}
	if v := value[[]string](&f, "justerare", in.Justerare, true); v != nil {
		j.Justerare = *v
	}
	chair := str(&f, "chair", in.Chair)
	setStr(&j.DocumentURL, str(&f, "document_url", in.DocumentURL))
	if d := date(&f, "deadline", in.Deadline); d != nil {
		j.Deadline = *d
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := s.store.FindMeetingByID(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsBodies(w, r, fmt.Sprintf("meeting %d", id), m.Bodies) {
		return
	}
	if chair != nil {
		j.Chair = *chair
	} else if j.Chair, err = s.meetingChair(ctx, m); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.MarkMinutesReady(ctx, j, s.now(), s.justering); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, justeringPath(id), toJustering(j))
}

// meetingChair returns the key of the person who chairs m: the one person
// with the role ordförande, on the meeting's day, in any of its bodies
// whose minutes need approval. It returns "" when there is none or more
// than one (a joint meeting of councils with different chairs): the
// secretary must then name the chair.
func (s *Server) meetingChair(ctx context.Context, m *calendar.Meeting) (string, error) {
	day := calendar.DateOf(m.Start)
	var chairs []string
	for _, slug := range m.Bodies {
		b, err := s.store.FindBodyBySlug(ctx, slug)
		if err != nil {
			return "", err
		}
		if !b.MinutesNeedApproval {
			continue
		}
		ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &slug, ActiveOn: &day})
		if err != nil {
			return "", err
		}
		for _, x := range ms {
			if x.Role == calendar.RoleChair && !slices.Contains(chairs, x.Person) {
				chairs = append(chairs, x.Person)
			}
		}
	}
	if len(chairs) != 1 {
		return "", nil
	}
	return chairs[0], nil
}

// getJustering answers GET /api/v1/meetings/{id}/justering with the
// approvers and who has approved; 404 when the meeting does not exist or
// its minutes were never marked ready. It needs the admin token.
func (s *Server) getJustering(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "meeting")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.internalRead(w, r, newQuery(r), "A justering names its approvers and links to minutes that may not be public yet; it needs the admin token or a secretary's sign-in: send \"Authorization: Bearer TOKEN\".", func() ([]string, error) {
		m, err := s.store.FindMeetingByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return m.Bodies, nil
	}) {
		return
	}
	if _, err := s.store.FindMeetingByID(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	j, err := s.store.FindJustering(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toJustering(j))
}

// adminOnly starts a read that only an admin may make (see internalRead).
func (s *Server) adminOnly(w http.ResponseWriter, r *http.Request, q *query, detail string) bool {
	return s.internalRead(w, r, q, detail, nil)
}

// internalRead starts a read of what only those who keep a thing see
// (access.Principal.SeeInternal): an admin, or a secretary of one of the
// bodies that bodies returns (nil: admins only). It checks the query,
// answers 401 with detail to an anonymous caller and 403 to one who may
// not, and returns false then.
func (s *Server) internalRead(w http.ResponseWriter, r *http.Request, q *query, detail string, bodies func() ([]string, error)) bool {
	v := s.readView(w, r, q)
	if v == nil {
		return false
	}
	if v.admin {
		return true
	}
	if !v.p.SignedIn() {
		s.unauthorized(w, r, detail)
		return false
	}
	var bs []string
	if bodies != nil {
		var err error
		if bs, err = bodies(); err != nil {
			s.Error(w, r, err)
			return false
		}
	}
	if len(bs) == 0 || !v.p.SeeInternal(bs...) {
		s.forbidden(w, r, v.p, "Only an admin or a secretary of the body may read this.")
		return false
	}
	return true
}
