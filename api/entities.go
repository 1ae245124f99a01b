package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// view is what one caller may see: an admin everything, anyone else public
// bodies, their meetings and members (see the package doc).
type view struct {
	p      *access.Principal
	admin  bool            // the caller sees everything (access.Principal.SeeAll)
	public map[string]bool // slugs of public bodies; filled for callers who do not see all
}

// view loads what a caller may see.
func (s *Server) view(ctx context.Context, p *access.Principal) (*view, error) {
	v := &view{p: p, admin: p.SeeAll()}
	if v.admin {
		return v, nil
	}
	pub := calendar.Public
	bodies, err := s.store.FindBodies(ctx, calendar.BodyFilter{Visibility: &pub})
	if err != nil {
		return nil, err
	}
	v.public = make(map[string]bool, len(bodies))
	for _, b := range bodies {
		v.public[b.Slug] = true
	}
	return v, nil
}

// seesBody: a public body, or one the caller takes part in or keeps.
func (v *view) seesBody(slug string) bool { return v.p.SeeBody(slug, v.admin || v.public[slug]) }

// seesAllBodies reports whether the caller sees every public body and no
// restricted one: a public reader, whose queries may filter on public
// bodies in the database.
func (v *view) seesOnlyPublic() bool {
	return !v.admin && (v.p.Rights == nil || len(v.p.Rights.Member) == 0 && len(v.p.Rights.Secretary) == 0)
}

// internal is the one rule for notes: the notes of meetings and backlog
// items are the secretary's own remarks ("ring Anna före mötet"), which may
// name people or hold phone numbers, so only those who keep the thing see
// them: the admins and the secretaries of its bodies (access.SeeInternal).
// Everything else about a thing that a caller may see is shown to them;
// notes never are, in the API, the pages, the feeds or the members'
// emails. It returns nil (the JSON field is left out) for everyone else.
func (v *view) internal(notes string, bodies ...string) *string {
	if !v.p.SeeInternal(bodies...) {
		return nil
	}
	return &notes
}

// seesMeeting: an event without bodies, or a meeting with a body the
// caller sees.
func (v *view) seesMeeting(m *calendar.Meeting) bool {
	if v.admin || len(m.Bodies) == 0 {
		return true
	}
	for _, b := range m.Bodies {
		if v.seesBody(b) {
			return true
		}
	}
	return false
}

// seesPerson: the caller themself, or a person with a membership in a body
// the caller sees (the members of public councils and groups are public
// knowledge).
func (s *Server) seesPerson(ctx context.Context, v *view, key string) (bool, error) {
	if v.admin || v.p.Person() == key {
		return true, nil
	}
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &key})
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if v.seesBody(m.Body) {
			return true, nil
		}
	}
	return false, nil
}

// readView starts a read: it rejects unknown query parameters and loads
// the caller's view. It answers the problem itself and returns nil when
// the request cannot go on.
func (s *Server) readView(w http.ResponseWriter, r *http.Request, q *query) *view {
	if err := q.err(); err != nil {
		s.Error(w, r, err)
		return nil
	}
	v, err := s.view(r.Context(), principalOf(r))
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return v
}

// noQuery rejects query parameters on routes that take none.
func (s *Server) noQuery(w http.ResponseWriter, r *http.Request) bool {
	if err := newQuery(r).err(); err != nil {
		s.Error(w, r, err)
		return false
	}
	return true
}

// immutable reports a problem when a PATCH tries to change an identifying
// field (a slug or key) to another value; sending the same value is fine.
func immutable(f *fields, name string, raw json.RawMessage, current string) {
	if v := str(f, name, raw); v != nil && *v != current {
		f.add("Field %q cannot be changed (it is %q); create a new one and delete this one instead.", name, current)
	}
}

// ---- organisations

type organisationInput struct {
	Slug json.RawMessage `json:"slug"`
	Name json.RawMessage `json:"name"`
	Kind json.RawMessage `json:"kind"`
}

func (s *Server) listOrganisations(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams()...)
	pg := readPager(q)
	if s.readView(w, r, q) == nil {
		return
	}
	os, err := s.store.FindOrganisations(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]organisationJSON, 0, len(os))
	for _, o := range os {
		out = append(out, toOrganisation(o))
	}
	JSONPage(w, r, pg, out, func(o organisationJSON) string { return o.Slug })
}

func (s *Server) getOrganisation(w http.ResponseWriter, r *http.Request) {
	if s.readView(w, r, newQuery(r)) == nil {
		return
	}
	o, err := s.store.FindOrganisationBySlug(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toOrganisation(o))
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) {
	var in organisationInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	o := &calendar.Organisation{}
	setStr(&o.Slug, str(&f, "slug", in.Slug))
	setStr(&o.Name, str(&f, "name", in.Name))
	setStr(&o.Kind, strTo[calendar.OrganisationKind](&f, "kind", in.Kind, false))
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.CreateOrganisation(r.Context(), o); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/organisations/"+o.Slug, toOrganisation(o))
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) {
	var in organisationInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	slug := mux.Vars(r)["slug"]
	var f fields
	immutable(&f, "slug", in.Slug, slug)
	upd := calendar.OrganisationUpdate{
		Name: str(&f, "name", in.Name),
		Kind: strTo[calendar.OrganisationKind](&f, "kind", in.Kind, false),
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	o, err := s.store.UpdateOrganisation(r.Context(), slug, upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, toOrganisation(o))
}

func (s *Server) deleteOrganisation(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	if err := s.store.DeleteOrganisation(r.Context(), mux.Vars(r)["slug"]); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// setStr copies *v into dst when given.
func setStr[T ~string](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ---- people

type personInput struct {
	Key          json.RawMessage `json:"key"`
	Name         json.RawMessage `json:"name"`
	Email        json.RawMessage `json:"email"`
	Phone        json.RawMessage `json:"phone"`
	Title        json.RawMessage `json:"title"`
	Organisation json.RawMessage `json:"organisation"`
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams("organisation", "body")...)
	f := calendar.PersonFilter{Organisation: q.slug("organisation"), Body: q.slug("body")}
	pg := readPager(q)
	v := s.readView(w, r, q)
	if v == nil {
		return
	}
	if f.Body != nil {
		if err := s.checkBodies(r.Context(), v, []string{*f.Body}); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	people, err := s.store.FindPeople(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var visible map[string]bool
	if !v.admin {
		ms, err := s.store.FindMemberships(r.Context(), calendar.MembershipFilter{})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		visible = map[string]bool{}
		for _, m := range ms {
			if v.seesBody(m.Body) {
				visible[m.Person] = true
			}
		}
	}
	out := make([]personJSON, 0, len(people))
	for _, p := range people {
		if v.admin || visible[p.Key] {
			out = append(out, s.toPerson(p, v.admin || v.p.Person() == p.Key))
		}
	}
	JSONPage(w, r, pg, out, func(p personJSON) string { return p.Key })
}

// findPerson reads a person the caller may see; others are not found.
func (s *Server) findPerson(ctx context.Context, v *view, key string) (*calendar.Person, error) {
	p, err := s.store.FindPersonByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	ok, err := s.seesPerson(ctx, v, key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "person %q not found", key)
	}
	return p, nil
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	p, err := s.findPerson(r.Context(), v, mux.Vars(r)["key"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, s.toPerson(p, v.admin || v.p.Person() == p.Key))
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) {
	var in personInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	p := &calendar.Person{}
	setStr(&p.Key, str(&f, "key", in.Key))
	setStr(&p.Name, str(&f, "name", in.Name))
	setStr(&p.Email, str(&f, "email", in.Email))
	setStr(&p.Phone, str(&f, "phone", in.Phone))
	setStr(&p.Title, str(&f, "title", in.Title))
	setStr(&p.Organisation, str(&f, "organisation", in.Organisation))
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.CreatePerson(r.Context(), p); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/people/"+p.Key, s.toPerson(p, true))
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request) {
	var in personInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	key := mux.Vars(r)["key"]
	var f fields
	immutable(&f, "key", in.Key, key)
	upd := calendar.PersonUpdate{
		Name:         value[string](&f, "name", in.Name, false),
		Email:        str(&f, "email", in.Email),
		Phone:        str(&f, "phone", in.Phone),
		Title:        str(&f, "title", in.Title),
		Organisation: str(&f, "organisation", in.Organisation),
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.store.UpdatePerson(r.Context(), key, upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, s.toPerson(p, true))
}

func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	if err := s.store.DeletePerson(r.Context(), mux.Vars(r)["key"]); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.feeds.dropPeople()
	NoContent(w)
}

// rotateFeedToken gives the person a new feed token; the old feed address
// stops working at once. It answers the person with the new feed_url.
func (s *Server) rotateFeedToken(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	key := mux.Vars(r)["key"]
	if c := principalOf(r); !c.Administer() && (c.Person() != key || c.ReadOnly) {
		s.forbidden(w, r, c, "You may give a new feed address only to yourself; an admin may give one to anyone.")
		return
	}
	p, err := s.store.RotateFeedToken(r.Context(), key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.feeds.dropPeople()
	JSONOK(w, s.toPerson(p, true))
}

// ---- bodies

type bodyInput struct {
	Slug                json.RawMessage `json:"slug"`
	Name                json.RawMessage `json:"name"`
	Kind                json.RawMessage `json:"kind"`
	Visibility          json.RawMessage `json:"visibility"`
	Organisation        json.RawMessage `json:"organisation"`
	MinutesNeedApproval json.RawMessage `json:"minutes_need_approval"`
	Description         json.RawMessage `json:"description"`
	Notify              json.RawMessage `json:"notify"`
	// MailRelease is "auto" or "manual"; null is auto (calendar.MailRelease).
	MailRelease json.RawMessage `json:"mail_release"`
	// StandardOpening and StandardClosing are arrays of titles (at most
	// calendar.MaxStandardItems); null is the defaults.
	StandardOpening json.RawMessage `json:"standard_opening"`
	StandardClosing json.RawMessage `json:"standard_closing"`
}

func (s *Server) listBodies(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams("visibility", "kind", "person")...)
	pg := readPager(q)
	f := calendar.BodyFilter{
		Visibility: queryEnum(q, "visibility", []calendar.Visibility{calendar.Public, calendar.Restricted}),
		Kind:       queryEnum(q, "kind", calendar.BodyKinds),
		Person:     q.slug("person"),
	}
	v := s.readView(w, r, q)
	if v == nil {
		return
	}
	bodies, err := s.store.FindBodies(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]bodyJSON, 0, len(bodies))
	for _, b := range bodies {
		if v.seesBody(b.Slug) {
			out = append(out, s.toBody(b))
		}
	}
	JSONPage(w, r, pg, out, func(b bodyJSON) string { return b.Slug })
}

// queryEnum reads a parameter that must be one of allowed.
func queryEnum[T ~string](q *query, name string, allowed []T) *T {
	v := q.one(name)
	if v == nil {
		return nil
	}
	for _, a := range allowed {
		if string(a) == *v {
			return &a
		}
	}
	q.add("Query parameter %s=%q is unknown; use one of %s.", name, *v, joinStrings(allowed))
	return nil
}

func joinStrings[T ~string](xs []T) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += string(x)
	}
	return out
}

// findBody reads a body the caller may see; a restricted body is not found
// for the public, exactly like one that does not exist.
func (s *Server) findBody(ctx context.Context, v *view, slug string) (*calendar.Body, error) {
	b, err := s.store.FindBodyBySlug(ctx, slug)
	if err == nil && !v.seesBody(b.Slug) {
		err = calendar.Errorf(calendar.ENOTFOUND, "body %q not found", slug)
	}
	return b, err
}

func (s *Server) getBody(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	b, err := s.findBody(r.Context(), v, mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, s.toBody(b))
}

func (s *Server) createBody(w http.ResponseWriter, r *http.Request) {
	var in bodyInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	b := &calendar.Body{Visibility: calendar.Public}
	setStr(&b.Slug, str(&f, "slug", in.Slug))
	setStr(&b.Name, str(&f, "name", in.Name))
	setStr(&b.Kind, strTo[calendar.BodyKind](&f, "kind", in.Kind, false))
	setStr(&b.Visibility, strTo[calendar.Visibility](&f, "visibility", in.Visibility, false))
	setStr(&b.Organisation, str(&f, "organisation", in.Organisation))
	setStr(&b.Description, str(&f, "description", in.Description))
	if v := value[bool](&f, "minutes_need_approval", in.MinutesNeedApproval, false); v != nil {
		b.MinutesNeedApproval = *v
	}
	if n := notifyTimings(&f, in.Notify); n != nil {
		b.Notify = *n
	}
	setStr(&b.MailRelease, strTo[calendar.MailRelease](&f, "mail_release", in.MailRelease, true))
	if v := value[[]string](&f, "standard_opening", in.StandardOpening, true); v != nil {
		b.StandardOpening = *v
	}
	if v := value[[]string](&f, "standard_closing", in.StandardClosing, true); v != nil {
		b.StandardClosing = *v
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.CreateBody(r.Context(), b); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/bodies/"+b.Slug, s.toBody(b))
}

func (s *Server) updateBody(w http.ResponseWriter, r *http.Request) {
	var in bodyInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	slug := mux.Vars(r)["slug"]
	if !s.keepsBody(w, r, slug) {
		return
	}
	var f fields
	immutable(&f, "slug", in.Slug, slug)
	upd := calendar.BodyUpdate{
		Name:                value[string](&f, "name", in.Name, false),
		Kind:                strTo[calendar.BodyKind](&f, "kind", in.Kind, false),
		Visibility:          strTo[calendar.Visibility](&f, "visibility", in.Visibility, false),
		Organisation:        str(&f, "organisation", in.Organisation),
		MinutesNeedApproval: value[bool](&f, "minutes_need_approval", in.MinutesNeedApproval, false),
		Description:         str(&f, "description", in.Description),
		Notify:              notifyTimings(&f, in.Notify),
		MailRelease:         strTo[calendar.MailRelease](&f, "mail_release", in.MailRelease, true),
		StandardOpening:     value[[]string](&f, "standard_opening", in.StandardOpening, true),
		StandardClosing:     value[[]string](&f, "standard_closing", in.StandardClosing, true),
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	b, err := s.store.UpdateBody(r.Context(), slug, upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, s.toBody(b))
}

func (s *Server) deleteBody(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	if err := s.store.DeleteBody(r.Context(), mux.Vars(r)["slug"]); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// notifyTimings decodes a body's "notify": an object with "call_days",
// "call_deadline_days" and "notice_days", each a whole number of days or
// null (the server's default); a name left out is null too, and null for
// the whole object is all three defaults. Unknown names are refused like
// those of the body itself. The ranges are checked by calendar.
func notifyTimings(f *fields, raw json.RawMessage) *calendar.BodyNotify {
	if raw == nil {
		return nil
	}
	out := calendar.BodyNotify{}
	if isNull(raw) {
		return &out
	}
	var in bodyNotifyJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typ) && typ.Field != "":
			f.add("Field %q must be a whole number of days or null, not %s.", "notify."+typ.Field, article(typ.Value))
		case errors.As(err, &typ):
			f.add("Field %q must be an object such as {\"call_days\": 21, \"call_deadline_days\": 14, \"notice_days\": 7}, not %s.", "notify", article(typ.Value))
		default:
			f.add("Field %q takes \"call_days\", \"call_deadline_days\" and \"notice_days\" (%s).", "notify", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	}
	out = calendar.BodyNotify{CallDays: in.CallDays, CallDeadlineDays: in.CallDeadlineDays, NoticeDays: in.NoticeDays}
	return &out
}

// checkBodies answers EINVALID naming the first body in slugs that does not
// exist or that the caller may not see.
func (s *Server) checkBodies(ctx context.Context, v *view, slugs []string) error {
	for _, slug := range slugs {
		if !calendar.ValidSlug(slug) {
			return calendar.Errorf(calendar.EINVALID, "body %q is not a valid slug (lower-case a–z, digits and hyphens)", slug)
		}
		if _, err := s.findBody(ctx, v, slug); err != nil {
			if calendar.IsNotFound(err) {
				return calendar.Errorf(calendar.EINVALID, "body %q does not exist", slug)
			}
			return err
		}
	}
	return nil
}

// ---- memberships

type membershipInput struct {
	Body   json.RawMessage `json:"body"`
	Person json.RawMessage `json:"person"`
	Role   json.RawMessage `json:"role"`
	From   json.RawMessage `json:"from"`
	Until  json.RawMessage `json:"until"`
}

func (s *Server) listMemberships(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams("body", "person", "active_on")...)
	f := calendar.MembershipFilter{Body: q.slug("body"), Person: q.slug("person"), ActiveOn: q.date("active_on")}
	pg := readPager(q)
	v := s.readView(w, r, q)
	if v == nil {
		return
	}
	if f.Body != nil {
		if err := s.checkBodies(r.Context(), v, []string{*f.Body}); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	ms, err := s.store.FindMemberships(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]membershipJSON, 0, len(ms))
	for _, m := range ms {
		if v.seesBody(m.Body) {
			out = append(out, toMembership(m))
		}
	}
	// The store's order: body, person, first day (none first), id.
	JSONPage(w, r, pg, out, func(m membershipJSON) string {
		from := ""
		if !m.From.IsZero() {
			from = m.From.String()
		}
		return sortKey(m.Body, m.Person, from, numKey(m.ID))
	})
}

func (s *Server) findMembership(ctx context.Context, v *view, r *http.Request) (*calendar.Membership, error) {
	id, err := pathID(r, "membership")
	if err != nil {
		return nil, err
	}
	m, err := s.store.FindMembershipByID(ctx, id)
	if err == nil && !v.seesBody(m.Body) {
		err = calendar.Errorf(calendar.ENOTFOUND, "membership %d not found", id)
	}
	return m, err
}

func (s *Server) getMembership(w http.ResponseWriter, r *http.Request) {
	v := s.readView(w, r, newQuery(r))
	if v == nil {
		return
	}
	m, err := s.findMembership(r.Context(), v, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toMembership(m))
}

func (s *Server) createMembership(w http.ResponseWriter, r *http.Request) {
	var in membershipInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	m := &calendar.Membership{}
	setStr(&m.Body, str(&f, "body", in.Body))
	setStr(&m.Person, str(&f, "person", in.Person))
	setStr(&m.Role, strTo[calendar.Role](&f, "role", in.Role, false))
	if d := date(&f, "from", in.From); d != nil {
		m.From = *d
	}
	if d := date(&f, "until", in.Until); d != nil {
		m.Until = *d
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsBody(w, r, m.Body) {
		return
	}
	if err := s.store.CreateMembership(r.Context(), m); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/memberships/"+strconv.FormatInt(m.ID, 10), toMembership(m))
}

func (s *Server) updateMembership(w http.ResponseWriter, r *http.Request) {
	var in membershipInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	id, err := pathID(r, "membership")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cur, err := s.store.FindMembershipByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsBody(w, r, cur.Body) {
		return
	}
	var f fields
	immutable(&f, "body", in.Body, cur.Body)
	immutable(&f, "person", in.Person, cur.Person)
	upd := calendar.MembershipUpdate{
		Role:  strTo[calendar.Role](&f, "role", in.Role, false),
		From:  date(&f, "from", in.From),
		Until: date(&f, "until", in.Until),
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := s.store.UpdateMembership(r.Context(), id, upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, toMembership(m))
}

func (s *Server) deleteMembership(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "membership")
	if err == nil && !s.keepsMembership(w, r, id) {
		return
	}
	if err == nil {
		err = s.store.DeleteMembership(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// ---- rooms

type roomInput struct {
	Slug     json.RawMessage `json:"slug"`
	Name     json.RawMessage `json:"name"`
	Address  json.RawMessage `json:"address"`
	Capacity json.RawMessage `json:"capacity"`
}

func (s *Server) listRooms(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, pageParams()...)
	pg := readPager(q)
	if s.readView(w, r, q) == nil {
		return
	}
	rooms, err := s.store.FindRooms(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]roomJSON, 0, len(rooms))
	for _, x := range rooms {
		out = append(out, toRoom(x))
	}
	JSONPage(w, r, pg, out, func(x roomJSON) string { return x.Slug })
}

func (s *Server) getRoom(w http.ResponseWriter, r *http.Request) {
	if s.readView(w, r, newQuery(r)) == nil {
		return
	}
	x, err := s.store.FindRoomBySlug(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toRoom(x))
}

func (s *Server) createRoom(w http.ResponseWriter, r *http.Request) {
	var in roomInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	x := &calendar.Room{}
	setStr(&x.Slug, str(&f, "slug", in.Slug))
	setStr(&x.Name, str(&f, "name", in.Name))
	setStr(&x.Address, str(&f, "address", in.Address))
	if c := value[int](&f, "capacity", in.Capacity, true); c != nil {
		x.Capacity = *c
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.CreateRoom(r.Context(), x); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONCreated(w, "/api/v1/rooms/"+x.Slug, toRoom(x))
}

func (s *Server) updateRoom(w http.ResponseWriter, r *http.Request) {
	var in roomInput
	if !s.noQuery(w, r) || !s.decodeBody(w, r, &in) {
		return
	}
	slug := mux.Vars(r)["slug"]
	var f fields
	immutable(&f, "slug", in.Slug, slug)
	upd := calendar.RoomUpdate{
		Name:     value[string](&f, "name", in.Name, false),
		Address:  str(&f, "address", in.Address),
		Capacity: value[int](&f, "capacity", in.Capacity, true), // null: unknown (0)
	}
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	x, err := s.store.UpdateRoom(r.Context(), slug, upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	JSONOK(w, toRoom(x))
}

func (s *Server) deleteRoom(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	if err := s.store.DeleteRoom(r.Context(), mux.Vars(r)["slug"]); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	NoContent(w)
}

// ---- changes

// changeEntities are the entity names the change record uses.
var changeEntities = []string{"organisation", "person", "body", "membership", "room", "meeting", "booking_window", "agenda_item", "backlog_item", "justering", "role", "change", "availability"}

// changeVias are the ways a change can have been made.
var changeVias = []string{calendar.ViaSession, calendar.ViaToken, calendar.ViaAdminToken, calendar.ViaCLI, calendar.ViaScan, calendar.ViaLink, calendar.ViaRetention}

// listChanges answers the record of changes, newest first, filtered by
// ?entity= and ?id=, ?actor= (a person's key), ?via=, and the days
// ?from= and ?to= (both included). The record holds old and new values of
// personal data, so an admin reads all of it, a secretary only the
// changes of their bodies' things (calendar.ChangeFilter.Bodies), and
// anyone else nothing (403).
func (s *Server) listChanges(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "entity", "id", "actor", "via", "from", "to", "limit")
	f := calendar.ChangeFilter{Entity: queryEnum(q, "entity", changeEntities), Actor: q.slug("actor"),
		Via: queryEnum(q, "via", changeVias), From: q.instant("from", false), To: q.instant("to", true)}
	if id := q.integer("id", 1, 1<<53); id != nil {
		n := int64(*id)
		f.EntityID = &n
		if _, given := q.v["entity"]; !given {
			q.add("Query parameter id needs entity too (e.g. ?entity=meeting&id=%d): ids are per entity.", n)
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		q.add("Query parameter from must be before to.")
	}
	if l := q.integer("limit", 1, 1000); l != nil {
		f.Limit = *l
	}
	v := s.readView(w, r, q)
	if v == nil {
		return
	}
	if !v.admin {
		mine := v.p.SecretaryOf()
		if len(mine) == 0 {
			s.forbidden(w, r, v.p, "The record of changes holds personal data: only an admin, or a secretary for their own bodies, may read it.")
			return
		}
		f.Bodies = &mine
	}
	cs, err := s.store.FindChanges(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]changeJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, toChange(c))
	}
	JSONOK(w, newList(out))
}

// of returns v for one thing of these bodies: a caller who keeps it
// (access.Principal.SeeInternal: an admin, or a secretary of one of the
// bodies) sees all of it, as an admin would – proposals, who proposed,
// notes; anyone else sees it as v does.
func (v *view) of(bodies []string) *view {
	if v.admin || !v.p.SeeInternal(bodies...) {
		return v
	}
	return &view{p: v.p, admin: true}
}

// keeperView is the view of a caller who has just been allowed to change a
// thing (mayChange): they see all of it, and its notes as
// access.Principal.SeeInternal says.
func (s *Server) keeperView(r *http.Request) *view {
	return &view{p: principalOf(r), admin: true}
}
