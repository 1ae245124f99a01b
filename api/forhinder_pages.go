package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// Förhinder: a member who is called to a meeting says "Jag kan inte komma",
// with a message to the secretary if they like, and may take it back
// ("Jag kan komma ändå") until the meeting starts. Two doors lead to the
// same page: /forhinder/{token}, the personal link in the kallelse (a
// personal page: the token is the credential, see personal_pages.go), and
// /mina-moten/forhinder/{id} for the signed-in member, linked from "Mina
// möten". GET only shows; only the page's POST changes anything, since
// mail scanners open every link in an email. The store decides who may
// (calendar.ExpectedRole) and which ersättare is called in; the email scan
// in notify tells the secretary and the ersättare, woken at once.

type forhinderPage struct {
	page
	Meeting  meetingFacts
	Action   string
	Back     string // "Mina möten" for the signed-in page; "" for the link
	Current  *forhinderShown
	Message  string // as typed
	Errors   []formError
	ErrorFor map[string]string
	Saved    string
	// Closed says why nothing can be changed any more (the meeting has
	// started or is cancelled); "" while it can.
	Closed string
}

type forhinderShown struct{ Given, Message, Substitute string }

// forhinderVisit is one person at one meeting's förhinder page.
type forhinderVisit struct {
	ctx     context.Context // with the actor of what the page changes
	meeting *calendar.Meeting
	person  *calendar.Person
	facts   meetingFacts
	path    string
	back    string
}

// forhinderLinkPage answers GET /forhinder/{token}.
func (s *Server) forhinderLinkPage(w http.ResponseWriter, r *http.Request) {
	if fv := s.forhinderLinkVisit(w, r); fv != nil {
		s.renderForhinder(w, r, http.StatusOK, fv, forhinderPage{})
	}
}

// forhinderLinkForm answers POST /forhinder/{token}.
func (s *Server) forhinderLinkForm(w http.ResponseWriter, r *http.Request) {
	v := s.visit(w, r, calendar.LinkForhinder)
	if v == nil {
		return
	}
	form := s.readForm(w, r, v)
	if form == nil {
		return
	}
	s.saveForhinder(w, r, &forhinderVisit{ctx: v.byLink(r), meeting: v.meeting, person: v.person, facts: v.facts, path: v.path}, form)
}

func (s *Server) forhinderLinkVisit(w http.ResponseWriter, r *http.Request) *forhinderVisit {
	v := s.visit(w, r, calendar.LinkForhinder)
	if v == nil {
		return nil
	}
	return &forhinderVisit{ctx: r.Context(), meeting: v.meeting, person: v.person, facts: v.facts, path: v.path}
}

// myForhinderPage answers GET /mina-moten/forhinder/{id}.
func (s *Server) myForhinderPage(w http.ResponseWriter, r *http.Request) {
	if fv := s.myForhinderVisit(w, r); fv != nil {
		s.renderForhinder(w, r, http.StatusOK, fv, forhinderPage{})
	}
}

// myForhinderForm answers POST /mina-moten/forhinder/{id}.
func (s *Server) myForhinderForm(w http.ResponseWriter, r *http.Request) {
	fv := s.myForhinderVisit(w, r)
	if fv == nil {
		return
	}
	form, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	s.saveForhinder(w, r, fv, form)
}

// myForhinderVisit is the signed-in person at the page of the meeting of
// {id}: "Sidan finns inte" unless they are expected at it, so that the
// page tells nobody else anything.
func (s *Server) myForhinderVisit(w http.ResponseWriter, r *http.Request) *forhinderVisit {
	key := principalOf(r).Person()
	if key == "" {
		seeOther(w, "/logga-in?next="+url.QueryEscape(r.URL.Path))
		return nil
	}
	m := s.pathMeeting(w, r)
	if m == nil {
		return nil
	}
	ctx := r.Context()
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &key})
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	if _, ok := calendar.ExpectedRole(ms, m.Bodies, key, calendar.DateOf(m.Start)); !ok {
		s.pageNotFound(w, r)
		return nil
	}
	p, err := s.store.FindPersonByKey(ctx, key)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	facts, err := s.meetingFactsOf(ctx, m, n)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return &forhinderVisit{ctx: ctx, meeting: m, person: p, facts: facts, path: myForhinderPath(m.ID), back: "/mina-moten"}
}

func myForhinderPath(id int64) string { return "/mina-moten/forhinder/" + strconv.FormatInt(id, 10) }

// saveForhinder takes the page's form: svar=kan-inte gives (or changes
// the message of) the förhinder, svar=kan-komma withdraws it. After a
// change, the email scan is woken, and the answer is 303 to the page.
func (s *Server) saveForhinder(w http.ResponseWriter, r *http.Request, fv *forhinderVisit, form url.Values) {
	msg := calendar.NormalizeNewlines(form.Get("meddelande"))
	var err error
	done := ""
	switch form.Get("svar") {
	case "kan-inte":
		if tp := calendar.NoteText.Check(msg, false); tp != nil {
			errs := []formError{{"meddelande", swedishText("Meddelandet", "meddelandet", tp)}}
			s.renderForhinder(w, r, http.StatusUnprocessableEntity, fv, forhinderPage{Message: msg, Errors: errs})
			return
		}
		_, err = s.store.ReportForhinder(fv.ctx, fv.meeting.ID, fv.person.Key, msg)
		done = "kan-inte"
	case "kan-komma":
		_, err = s.store.WithdrawForhinder(fv.ctx, fv.meeting.ID, fv.person.Key)
		done = "kan-komma"
		if calendar.IsNotFound(err) {
			// Withdrawn already (in another tab), or never given: the
			// page shows how it stands, and confirms nothing.
			seeOther(w, fv.path)
			return
		}
	default:
		errs := []formError{{"", "Välj om du kan komma eller inte med en av knapparna."}}
		s.renderForhinder(w, r, http.StatusBadRequest, fv, forhinderPage{Message: msg, Errors: errs})
		return
	}
	switch calendar.ErrorCode(err) {
	case "":
	case calendar.EINVALID, calendar.ENOTFOUND:
		// The meeting started, was cancelled or the person left the body
		// meanwhile: the page says what holds now.
		s.renderForhinder(w, r, http.StatusConflict, fv, forhinderPage{Message: msg})
		return
	default:
		s.Error(w, r, err)
		return
	}
	s.requestMail()
	seeOther(w, fv.path+"?klart="+done)
}

// renderForhinder fills in the person's förhinder and renders the page.
func (s *Server) renderForhinder(w http.ResponseWriter, r *http.Request, status int, fv *forhinderVisit, data forhinderPage) {
	ctx := r.Context()
	fs, err := s.store.FindForhinder(ctx, fv.meeting.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.page = page{Title: "Förhinder – " + fv.facts.Name + ", " + swedishDate(fv.meeting.Start), Region: s.region, Home: "/"}
	data.Meeting, data.Action, data.Back = fv.facts, fv.path, fv.back
	data.ErrorFor = errorsByField(data.Errors)
	if i := slices.IndexFunc(fs, func(f *calendar.Forhinder) bool { return f.Person == fv.person.Key && f.Active() }); i >= 0 {
		f := fs[i]
		data.Current = &forhinderShown{Given: swedishDate(f.CreatedAt), Message: f.Message}
		if f.Substitute != "" {
			if p, err := s.store.FindPersonByKey(ctx, f.Substitute); err == nil {
				data.Current.Substitute = p.Name
			}
		}
		if data.Message == "" && len(data.Errors) == 0 {
			data.Message = f.Message
		}
	}
	switch {
	case fv.meeting.Status == calendar.StatusCancelled:
		data.Closed = "Mötet är inställt, så du behöver inte meddela något."
	case !s.now().Before(fv.meeting.Start):
		data.Closed = "Mötet har redan börjat, så det går inte att ändra något här längre. Kontakta sekreteraren."
	}
	if status == http.StatusConflict && data.Closed == "" {
		data.Closed = "Det gick inte att spara: du är inte längre kallad till mötet. Kontakta sekreteraren."
	}
	switch r.URL.Query().Get("klart") {
	case "kan-inte":
		if data.Current != nil {
			data.Saved = "Sekreteraren får veta att du inte kan komma."
		}
	case "kan-komma":
		if data.Current == nil {
			data.Saved = "Sekreteraren får veta att du kan komma ändå."
		}
	}
	s.renderPage(w, r, status, s.pages.forhinder, data)
}

// attendance is who is expected at a meeting, as its secretary sees it.
type attendance struct {
	// Coming are those expected who have given no förhinder, and the
	// ersättare called in (Note: whom they stand in for).
	Coming []attendRow
	// Absent are those with förhinder, with their message and who stands
	// in for them.
	Absent []attendRow
	// Reserve are the ersättare not called in, in the order they are
	// called in: the longest-serving first, then by name.
	Reserve []attendRow
}

type attendRow struct {
	Name, Roles, Note, Message, Given string
	key                               string
}

// attendanceOf reads who is expected at m: the members of its bodies on
// its day in a role that must attend, and its ersättare, with their
// förhinder (calendar.ExpectedRole, Forhinder.Substitute). Each list is by
// name.
func (s *Server) attendanceOf(ctx context.Context, m *calendar.Meeting) (attendance, error) {
	var out attendance
	day := calendar.DateOf(m.Start)
	var ms []*calendar.Membership
	name := map[string]string{}
	for _, b := range m.Bodies {
		bm, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &b, ActiveOn: &day})
		if err != nil {
			return out, err
		}
		ms = append(ms, bm...)
		people, err := s.store.FindPeople(ctx, calendar.PersonFilter{Body: &b})
		if err != nil {
			return out, err
		}
		for _, p := range people {
			name[p.Key] = p.Name
		}
	}
	fs, err := s.store.FindForhinder(ctx, m.ID)
	if err != nil {
		return out, err
	}
	active := map[string]*calendar.Forhinder{}
	standsIn := map[string]*calendar.Forhinder{}
	for _, f := range fs {
		if f.Active() {
			active[f.Person] = f
			if f.Substitute != "" {
				standsIn[f.Substitute] = f
			}
		}
	}
	nameOf := func(key string) string {
		if n := name[key]; n != "" {
			return n
		}
		return key
	}
	roles := map[string][]string{}
	since := map[string]string{} // an ersättare's earliest start, for their order
	var keys []string
	for _, x := range ms {
		if x.Role == calendar.RoleSubstitute {
			if f, ok := since[x.Person]; !ok || x.From.String() < f {
				since[x.Person] = x.From.String()
			}
		}
		if x.Role != calendar.RoleSubstitute && !slices.Contains(calendar.BlockingRoles, x.Role) {
			continue
		}
		if !slices.Contains(keys, x.Person) {
			keys = append(keys, x.Person)
		}
		if r := x.Role.SwedishName(); !slices.Contains(roles[x.Person], r) {
			roles[x.Person] = append(roles[x.Person], r)
		}
	}
	for _, k := range keys {
		role, _ := calendar.ExpectedRole(ms, m.Bodies, k, day)
		row := attendRow{Name: nameOf(k), Roles: swedishList(roles[k]), key: k}
		f := active[k]
		switch {
		case f != nil:
			row.Message, row.Given = f.Message, swedishDate(f.CreatedAt)
			if f.Substitute != "" {
				row.Note = "Ersätts av " + nameOf(f.Substitute) + "."
			} else if role != calendar.RoleSubstitute {
				row.Note = "Ingen ersättare är inkallad."
			}
			out.Absent = append(out.Absent, row)
		case standsIn[k] != nil:
			row.Note = "Ersätter " + nameOf(standsIn[k].Person) + "."
			out.Coming = append(out.Coming, row)
		case role == calendar.RoleSubstitute:
			out.Reserve = append(out.Reserve, row)
		default:
			out.Coming = append(out.Coming, row)
		}
	}
	byName := func(a, b attendRow) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(out.Coming, byName)
	slices.SortFunc(out.Absent, byName)
	// The ersättare in the order they are called in (calendar.SubstituteOrder).
	slices.SortStableFunc(out.Reserve, func(a, b attendRow) int { return strings.Compare(since[a.key], since[b.key]) })
	return out, nil
}
