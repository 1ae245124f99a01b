package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The secretary's pages for the justering and the outbox:
//
//   - /mina-organ/moten/{id}/justering marks a meeting's minutes ready
//     (the justerare among the members, the chair, the document, a
//     deadline), and then follows who has approved until "Justerat den …".
//   - /mina-organ/utkorg lists the outbox: what was sent, what waits, what
//     failed and why, with "Försök igen"; and the emails that were skipped.
//
// The GETs are for those who see a body's internals (an admin, or a
// secretary of one of the meeting's bodies: access.Principal.SeeInternal);
// the outbox shows a secretary only the mail of their bodies' meetings.
// The POSTs change through calendar.Store as the API does (markJustering,
// retryOutbox) and answer 303 to the page. Nothing here sends mail: the
// jobs in notify derive the requests and reminders from the justering, and
// deliver what the outbox holds.
//
// "Påminn nu" is a wish recorded on the justering (RemindApprovers): api
// cannot write the reminder (a letter with a personal link, composed in
// notify, which api must not import), so notify's scan turns the wish
// into a reminder to each approver who has not approved, and the page
// asks for a scan at once (Options.MailRequested).

// secretaryMeeting loads the meeting of the page's {id} and answers the
// page itself when it cannot go on: 404 for an unknown meeting or one the
// caller does not see at all, 403 for one they see but may not (may
// change, when change is set; see the internals of, otherwise).
func (s *Server) secretaryMeeting(w http.ResponseWriter, r *http.Request, change bool) (*calendar.Meeting, *names, bool) {
	m := s.pathMeeting(w, r)
	if m == nil {
		return nil, nil, false
	}
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	p := principalOf(r)
	if change && p.Change(m.Bodies...) || !change && p.SeeInternal(m.Bodies...) {
		return m, n, true
	}
	s.refuseMeeting(w, r, m, n)
	return nil, nil, false
}

// refuseMeeting answers a page about m for a caller who may not: 404 when
// they do not see any of its bodies (a restricted body's meeting is not
// there for a stranger), the Swedish 403 page otherwise.
func (s *Server) refuseMeeting(w http.ResponseWriter, r *http.Request, m *calendar.Meeting, n *names) {
	p := principalOf(r)
	if !slices.ContainsFunc(m.Bodies, func(b string) bool { return p.SeeBody(b, n.isPublic(b)) }) {
		s.pageNotFound(w, r)
		return
	}
	s.forbidden(w, r, p, "")
}

// allBodies shows every body: the secretary's pages name restricted bodies
// too.
func allBodies(*calendar.Body) bool { return true }

// secretaryMeetingTitle is the meeting's title or its bodies' names, and
// its date: "Specifika samverkansrådet för folkhälsa, onsdag 8 januari 2025".
func secretaryMeetingTitle(m *calendar.Meeting, n *names) string {
	return secretaryMeetingName(m, n) + ", " + swedishDate(m.Start)
}

// secretaryMeetingName is the meeting's title, else its bodies' names.
func secretaryMeetingName(m *calendar.Meeting, n *names) string {
	if m.Title != "" {
		return m.Title
	}
	if name := bodyNames(m, n, allBodies); name != "" {
		return name
	}
	return "Möte"
}

func meetingPagePath(id int64, sub string) string {
	return "/mina-organ/moten/" + strconv.FormatInt(id, 10) + sub
}

type minutesPage struct {
	page
	Meeting  string // title and date
	When     string
	Hub      string // the meeting's secretary page
	Action   string // the form's action
	NoNeed   bool   // none of the bodies needs its minutes approved
	Status   string // minutesStatus: the public line
	Marked   bool
	Approved bool
	Document string
	Deadline string
	Ready    string
	Rows     []approvalRow
	Members  []memberChoice
	Form     minutesForm
	Errors   []formError
	ErrorFor map[string]string
	Example  string // a deadline to show as an example
	Default  string // the deadline when none is given
	Remind   string // the "Påminn nu" form's action
	Reminded string // when a reminder was last asked for, "" for never
	Done     string // what the last POST did, to confirm it
}

type approvalRow struct{ Name, Role, Approved string }

type memberChoice struct {
	Key, Name, Role string
	Justerare       bool // checked
	Chair           bool // selected as chair
}

// minutesForm is the form as sent, kept when it is shown again.
type minutesForm struct {
	Justerare []string
	Chair     string
	Document  string
	Deadline  string
}

// minutesPage answers GET /mina-organ/moten/{id}/justering.
func (s *Server) minutesPage(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, false)
	if !ok {
		return
	}
	j, err := s.justeringOf(r.Context(), m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var form minutesForm
	if j == nil {
		if form.Chair, err = s.meetingChair(r.Context(), m); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.renderMinutes(w, r, http.StatusOK, m, n, j, form, nil)
}

// markMinutesForm answers POST /mina-organ/moten/{id}/justering: the
// minutes are marked ready (303 to the page), or the form is shown again
// with its errors named (422).
func (s *Server) markMinutesForm(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, true)
	if !ok {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	form := minutesForm{Justerare: values["justerare"], Chair: values.Get("ordforande"),
		Document: strings.TrimSpace(values.Get("dokument")), Deadline: strings.TrimSpace(values.Get("sista-dag"))}
	ctx := r.Context()
	members, err := s.minutesMembers(r, m)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	known := func(k string) bool {
		return slices.ContainsFunc(members, func(c memberChoice) bool { return c.Key == k })
	}
	var errs []formError
	switch {
	case len(form.Justerare) == 0:
		errs = append(errs, formError{"justerare", "Välj minst en justerare."})
	case len(form.Justerare) > calendar.MaxJusterare:
		errs = append(errs, formError{"justerare", fmt.Sprintf("Välj högst %d justerare.", calendar.MaxJusterare)})
	case slices.ContainsFunc(form.Justerare, func(k string) bool { return !known(k) }):
		errs = append(errs, formError{"justerare", "Välj justerarna bland organets ledamöter i listan."})
	}
	if form.Chair != "" && !known(form.Chair) {
		errs = append(errs, formError{"ordforande", "Välj ordföranden bland organets ledamöter i listan, eller ”Ingen ordförande justerar”."})
	}
	if u, err := url.Parse(form.Document); form.Document == "" {
		errs = append(errs, formError{"dokument", "Skriv länken till protokollet."})
	} else if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, formError{"dokument", "Skriv hela länken till protokollet, som börjar med https://."})
	}
	j := &calendar.Justering{MeetingID: m.ID, Justerare: form.Justerare, Chair: form.Chair, DocumentURL: form.Document}
	if form.Deadline != "" {
		d, err := calendar.ParseDate(form.Deadline)
		switch {
		case err != nil:
			errs = append(errs, formError{"sista-dag", fmt.Sprintf("Skriv datumet som år-månad-dag, till exempel %s.", calendar.DateOf(m.Start).AddDays(s.justering))})
		case d.Before(calendar.DateOf(m.Start)):
			errs = append(errs, formError{"sista-dag", "Sista dagen för justering kan inte vara före mötet."})
		default:
			j.Deadline = d
		}
	}
	if len(errs) == 0 {
		err := s.store.MarkMinutesReady(ctx, j, s.now(), s.justering)
		switch calendar.ErrorCode(err) {
		case "":
			s.wrote()
			seeOther(w, meetingPagePath(m.ID, "/justering"))
			return
		case calendar.ECONFLICT:
			errs = append(errs, formError{"", "Någon har redan justerat protokollet, så det kan inte markeras som klart på nytt."})
		case calendar.EINVALID:
			errs = append(errs, formError{"", "Protokollet kunde inte markeras som klart med de här uppgifterna. Kontrollera länken och justerarna och försök igen."})
		default:
			s.Error(w, r, err)
			return
		}
	}
	cur, err := s.justeringOf(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderMinutes(w, r, http.StatusUnprocessableEntity, m, n, cur, form, errs)
}

// remindMinutesForm answers POST /mina-organ/moten/{id}/justering/paminn
// ("Påminn nu"): the wish is recorded on the justering, with the secretary
// in the record of changes, notify is asked for a pass at once, and the
// page confirms it. A second press within calendar.RemindAgain records
// nothing and says that a reminder was just asked for. Minutes not marked
// ready, or approved meanwhile, lead back to the page, which shows which.
func (s *Server) remindMinutesForm(w http.ResponseWriter, r *http.Request) {
	m, _, ok := s.secretaryMeeting(w, r, true)
	if !ok {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	path := meetingPagePath(m.ID, "/justering")
	_, changed, err := s.store.RemindApprovers(r.Context(), m.ID, s.now())
	switch calendar.ErrorCode(err) {
	case "":
		if !changed {
			seeOther(w, path+"?klart=paminnelse-nyss")
			return
		}
		s.wrote()
		s.requestMail()
		seeOther(w, path+"?klart=paminnelse")
	case calendar.ENOTFOUND, calendar.ECONFLICT:
		seeOther(w, path)
	default:
		s.Error(w, r, err)
	}
}

// minutesMembers are the people who may be chosen as justerare or chair:
// those with a membership active on the meeting's day in any of its
// bodies, as ordförande, vice ordförande, ledamot or ersättare, in name
// order.
func (s *Server) minutesMembers(r *http.Request, m *calendar.Meeting) ([]memberChoice, error) {
	ctx := r.Context()
	day := calendar.DateOf(m.Start)
	roles := map[string]calendar.Role{}
	for _, slug := range m.Bodies {
		ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &slug, ActiveOn: &day})
		if err != nil {
			return nil, err
		}
		for _, x := range ms {
			switch x.Role {
			case calendar.RoleChair, calendar.RoleViceChair, calendar.RoleMember, calendar.RoleSubstitute:
				if _, seen := roles[x.Person]; !seen || x.Role == calendar.RoleChair {
					roles[x.Person] = x.Role
				}
			}
		}
	}
	if len(roles) == 0 {
		return nil, nil
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	var out []memberChoice
	for _, p := range people {
		if role, ok := roles[p.Key]; ok {
			out = append(out, memberChoice{Key: p.Key, Name: p.Name, Role: role.SwedishName()})
		}
	}
	slices.SortFunc(out, func(a, b memberChoice) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *Server) renderMinutes(w http.ResponseWriter, r *http.Request, status int, m *calendar.Meeting, n *names, j *calendar.Justering, form minutesForm, errs []formError) {
	title := "Justering: " + secretaryMeetingTitle(m, n)
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	day := calendar.DateOf(m.Start)
	data := minutesPage{page: page{Title: title, Region: s.region, Home: "/"},
		Meeting: secretaryMeetingName(m, n), When: swedishWhen(m), Hub: meetingPagePath(m.ID, ""), Action: meetingPagePath(m.ID, "/justering"),
		Status: minutesStatus(m, j, n, s.now()), Form: form, Errors: errs, ErrorFor: map[string]string{},
		Example: day.AddDays(s.justering).String(), Default: swedishDate(day.AddDays(s.justering).Start())}
	data.NoNeed = !slices.ContainsFunc(m.Bodies, func(slug string) bool { b := n.bodies[slug]; return b != nil && b.MinutesNeedApproval })
	for _, e := range errs {
		if e.Field != "" {
			data.ErrorFor[e.Field] = e.Message
		}
	}
	if j != nil {
		data.Marked, data.Approved = true, j.Approved()
		data.Remind = meetingPagePath(m.ID, "/justering/paminn")
		if !j.RemindRequestedAt.IsZero() {
			data.Reminded = tableTime(j.RemindRequestedAt)
		}
		switch r.URL.Query().Get("klart") {
		case "paminnelse":
			data.Done = "Samkal skickar nu en påminnelse till dem som inte har justerat."
		case "paminnelse-nyss":
			if !j.RemindRequestedAt.IsZero() {
				data.Done = "En påminnelse skickades nyss, " + tableTime(j.RemindRequestedAt) + ". Du kan påminna igen från kl. " +
					swedishClock(j.RemindRequestedAt.Add(calendar.RemindAgain)) + "."
			}
		}
		if data.Approved {
			data.Done = ""
		}
		data.Document, data.Deadline, data.Ready = j.DocumentURL, swedishDate(j.Deadline.Start()), tableTime(j.ReadyAt)
		people, err := s.store.FindPeople(r.Context(), calendar.PersonFilter{})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		name := map[string]string{}
		for _, p := range people {
			name[p.Key] = p.Name
		}
		for _, a := range j.Approvals {
			row := approvalRow{Name: name[a.Person], Role: "Justerare", Approved: "Har inte justerat än"}
			if row.Name == "" {
				row.Name = a.Person
			}
			if a.Role == calendar.ApproverChair {
				row.Role = "Ordförande"
			}
			if !a.ApprovedAt.IsZero() {
				row.Approved = "Justerade " + tableTime(a.ApprovedAt)
			}
			data.Rows = append(data.Rows, row)
		}
	}
	if (j == nil || len(errs) > 0) && !data.NoNeed {
		members, err := s.minutesMembers(r, m)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for i := range members {
			members[i].Justerare = slices.Contains(form.Justerare, members[i].Key)
			members[i].Chair = members[i].Key == form.Chair
		}
		data.Members = members
	}
	s.renderPage(w, r, status, s.pages.minutes, data)
}

// outboxLimit is how many of the newest messages, and skipped emails, the
// outbox page reads; a secretary sees those of them that concern their
// bodies' meetings.
const outboxLimit = 500

type outboxPage struct {
	page
	All      bool // the caller sees every message (an admin)
	Retried  string
	Errors   []formError
	Messages []outboxRow
	Skipped  []skippedRow
}

type outboxRow struct {
	Kind, Recipient, Address, Meeting, MeetingLink, Status, Reason, Server, When string
	Failed                                                                       bool
	Retry                                                                        string // the retry form's action
}

type skippedRow struct{ Kind, Recipient, Meeting, MeetingLink, Reason, When string }

// outboxKinds names the kinds of email (notify's Kind… constants and
// calendar.OutboxSignIn, calendar.OutboxCalendarLink) in Swedish.
var outboxKinds = map[string]string{
	"anmalan":         "Inbjudan att anmäla punkter",
	"sammanstallning": "Sammanställning av anmälda punkter",
	"kallelse":        "Kallelse",
	"installt":        "Inställt möte",
	"justering":       "Begäran om justering",
	"justering-sen":   "Justeringen är försenad",
	"bokning":         "Påminnelse om bokning",
	"avbojt":          "Besked om avböjt förslag",
	"inloggning":      "Inloggningslänk",
	"kalenderlank":    "Kalenderlänk",
}

// outboxKind is the kind in Swedish; a justering email after the first
// (its key ends in the reminder's number) is a reminder.
func outboxKind(kind, key string) string {
	if kind == "justering" {
		n := strings.TrimSuffix(key[strings.LastIndexByte(key, '/')+1:], "-sen")
		if n != "0" {
			return "Påminnelse om justering"
		}
	}
	if s, ok := outboxKinds[kind]; ok {
		return s
	}
	return kind
}

// smtpReason says in Swedish what a mail server's answer to a failed try
// means, by its reply code; "" when the code says nothing more useful than
// the answer itself.
func smtpReason(answer string) string {
	code := answer
	if len(code) > 3 {
		code = code[:3]
	}
	switch code {
	case "550", "551", "553":
		return "Mottagarens e-postserver känner inte till adressen. Kontrollera personens e-postadress."
	case "552":
		return "Mottagarens brevlåda är full."
	case "554", "541":
		return "Mottagarens e-postserver tog inte emot mejlet, till exempel för att den tog det för skräppost."
	case "535", "530":
		return "Samkal kunde inte logga in på sin e-postserver. Kontakta den som sköter Samkal."
	}
	if strings.HasPrefix(code, "4") {
		return "E-postservern kunde inte ta emot mejlet just då."
	}
	return "E-postservern tog inte emot mejlet."
}

func outboxStatus(m *calendar.OutboxMessage) (status, when string) {
	switch m.Status {
	case calendar.OutboxSent:
		return "Skickat", tableTime(m.SentAt)
	case calendar.OutboxQueued:
		return "Väntar", "tidigast " + tableTime(m.NextAttemptAt)
	case calendar.OutboxSending:
		return "Skickas nu", tableTime(m.CreatedAt)
	case calendar.OutboxFailed:
		return "Misslyckades", tableTime(m.CreatedAt)
	case calendar.OutboxSkipped:
		return "Skickades inte", tableTime(m.CreatedAt)
	}
	return string(m.Status), tableTime(m.CreatedAt)
}

// outboxPage answers GET /mina-organ/utkorg.
func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if !p.SeeAll() && len(p.SecretaryOf()) == 0 {
		s.forbidden(w, r, p, "")
		return
	}
	s.renderOutbox(w, r, http.StatusOK, outboxPage{})
}

// retryOutboxForm answers POST /mina-organ/utkorg/{id}/forsok-igen: a
// failed message is queued again, due at once, as retryOutbox does (303 to
// the outbox, which confirms it); a message that has not failed is the
// page with a message (409). Only who may change the message's meeting
// may, and only an admin for mail of no meeting.
func (s *Server) retryOutboxForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return
	}
	m, err := s.store.FindMessageByID(ctx, id)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := principalOf(r)
	if m.MeetingID == 0 {
		if !p.Administer() {
			s.forbidden(w, r, p, "")
			return
		}
	} else {
		mt, err := s.store.FindMeetingByID(ctx, m.MeetingID)
		if err != nil && !calendar.IsNotFound(err) {
			s.Error(w, r, err)
			return
		}
		switch {
		case p.Administer():
		case mt == nil:
			s.pageNotFound(w, r)
			return
		case !p.Change(mt.Bodies...):
			n, err := s.names(ctx)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			s.refuseMeeting(w, r, mt, n)
			return
		}
	}
	switch err := s.store.RetryMessage(ctx, id, s.now()); calendar.ErrorCode(err) {
	case "":
		seeOther(w, "/mina-organ/utkorg?igen="+strconv.FormatInt(id, 10))
	case calendar.ECONFLICT, calendar.ENOTFOUND:
		s.renderOutbox(w, r, http.StatusConflict, outboxPage{Errors: []formError{{"", "Mejlet har inte misslyckats, så det behöver inte skickas igen. Det kan redan vara skickat eller på väg."}}})
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) renderOutbox(w http.ResponseWriter, r *http.Request, status int, data outboxPage) {
	ctx := r.Context()
	p := principalOf(r)
	data.All = p.SeeAll()
	data.page = page{Title: "Utkorgen", Region: s.region, Home: "/"}
	if len(data.Errors) > 0 {
		data.Title = "Fel: " + data.Title
	}
	msgs, err := s.store.FindMessages(ctx, calendar.OutboxFilter{Limit: outboxLimit})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	skipped, err := s.store.FindSkipped(ctx, 0, outboxLimit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var mf calendar.MeetingFilter
	if !data.All {
		mf.Bodies = p.SecretaryOf()
	}
	ms, err := s.store.FindMeetings(ctx, mf)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	meetings := make(map[int64]*calendar.Meeting, len(ms))
	for _, m := range ms {
		meetings[m.ID] = m
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := make(map[string]string, len(people))
	for _, x := range people {
		name[x.Key] = x.Name
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// shows reports whether the caller sees mail about meeting id, and
	// names the meeting.
	shows := func(id int64) (bool, string, string) {
		if id == 0 {
			return data.All, "–", ""
		}
		m := meetings[id]
		if m == nil {
			return data.All, "Mötet finns inte längre", ""
		}
		return true, secretaryMeetingTitle(m, n), meetingPagePath(id, "")
	}
	retried, _ := strconv.ParseInt(r.URL.Query().Get("igen"), 10, 64)
	for _, m := range msgs {
		ok, meeting, link := shows(m.MeetingID)
		if !ok {
			continue
		}
		row := toOutboxRow(m, name)
		row.Meeting, row.MeetingLink = meeting, link
		if m.ID == retried && retried > 0 {
			data.Retried = row.Recipient
		}
		data.Messages = append(data.Messages, row)
	}
	for _, x := range skipped {
		ok, meeting, link := shows(x.MeetingID)
		if !ok {
			continue
		}
		row := toSkippedRow(x, name)
		row.Meeting, row.MeetingLink = meeting, link
		data.Skipped = append(data.Skipped, row)
	}
	s.renderPage(w, r, status, s.pages.outbox, data)
}

// toOutboxRow is a message as the outbox tables show it, its recipient
// named (name: person key to name).
func toOutboxRow(m *calendar.OutboxMessage, name map[string]string) outboxRow {
	row := outboxRow{Kind: outboxKind(m.Kind, m.Key), Recipient: name[m.Person], Address: m.Recipient}
	if row.Recipient == "" {
		row.Recipient = m.Recipient
	}
	row.Status, row.When = outboxStatus(m)
	if m.Status == calendar.OutboxFailed {
		row.Failed = true
		row.Reason, row.Server = smtpReason(m.LastError), m.LastError
		row.Retry = "/mina-organ/utkorg/" + strconv.FormatInt(m.ID, 10) + "/forsok-igen"
	} else if m.Status == calendar.OutboxQueued && m.LastError != "" {
		row.Reason, row.Server = "Ett tidigare försök misslyckades: "+smtpReason(m.LastError), m.LastError
	}
	return row
}

// toSkippedRow is a skipped email as the tables show it, its reason a
// sentence.
func toSkippedRow(x *calendar.SkippedMail, name map[string]string) skippedRow {
	row := skippedRow{Kind: outboxKind(x.Kind, x.Key), Recipient: name[x.Recipient], Reason: x.Reason, When: tableTime(x.CreatedAt)}
	if row.Recipient == "" {
		row.Recipient = "–"
	}
	if rs := []rune(strings.TrimSuffix(row.Reason, ".")); len(rs) > 0 {
		row.Reason = strings.ToUpper(string(rs[:1])) + string(rs[1:]) + "."
	}
	return row
}

// The page /mina-organ/moten/{id}/utskick: what Samkal has sent about one
// meeting and what it will send, and when. The times come from
// calendar.MailTiming, the rules the jobs in notify send by, with the
// meeting's bodies' own settings.

type mailingsPage struct {
	page
	Meeting, When, Hub string
	Note               string // why nothing is planned, when nothing is
	Planned            []plannedMail
	Messages           []outboxRow
	Skipped            []skippedRow
	// Letters are the call and the kallelse, which the secretary may
	// read before they go, hold, release or send now (letter_pages.go).
	Letters  []letterRow
	Message  string // the secretary's message in the kallelse, as saved or sent
	MsgSaved string // when the message was saved, "" when never
	Action   string // the message form's action
	Done     string
	Errors   []formError
	ErrorFor map[string]string
}

// plannedMail is one kind of email the meeting gets: when, to whom, and
// where it stands.
type plannedMail struct{ Kind, To, At, State string }

// mailingsPage answers GET /mina-organ/moten/{id}/utskick.
func (s *Server) mailingsPage(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, false)
	if !ok {
		return
	}
	s.renderMailings(w, r, http.StatusOK, m, n, mailingsPage{Done: mailingsDone[r.URL.Query().Get("klart")]}, nil)
}

// renderMailings fills in the page of m and renders it; message, when not
// nil, is the message form as sent (shown again with its errors).
func (s *Server) renderMailings(w http.ResponseWriter, r *http.Request, status int, m *calendar.Meeting, n *names, data mailingsPage, message *string) {
	ctx := r.Context()
	id := m.ID
	msgs, err := s.store.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &id, Limit: outboxLimit})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	skipped, err := s.store.FindSkipped(ctx, m.ID, outboxLimit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	j, err := s.justeringOf(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	controls, err := s.mailControls(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := make(map[string]string, len(people))
	for _, p := range people {
		name[p.Key] = p.Name
	}
	data.page = page{Title: "Utskick: " + secretaryMeetingTitle(m, n), Region: s.region, Home: "/"}
	if len(data.Errors) > 0 {
		data.Title = "Fel: " + data.Title
	}
	data.Meeting, data.When, data.Hub = secretaryMeetingName(m, n), swedishWhen(m), meetingPagePath(m.ID, "")
	data.ErrorFor = errorFor(data.Errors)
	for _, x := range msgs {
		data.Messages = append(data.Messages, toOutboxRow(x, name))
	}
	for _, x := range skipped {
		data.Skipped = append(data.Skipped, toSkippedRow(x, name))
	}
	data.Planned, data.Note = s.plannedMail(m, n, j, msgs, controls)
	if data.Note == "" {
		data.Letters = s.letterRows(m, n, msgs, controls, principalOf(r).Change(m.Bodies...))
	}
	notice := controls[calendar.MailNotice]
	data.Action = meetingPagePath(m.ID, "/utskick/kallelse/meddelande")
	data.Message = notice.Message
	if notice.Message != "" {
		data.MsgSaved = tableTime(notice.ChangedAt)
	}
	if message != nil {
		data.Message = *message
	}
	s.renderPage(w, r, status, s.pages.mailings, data)
}

// plannedMail lists the emails of m by the rules of calendar.MailTiming:
// the call for agenda items, the digest, the kallelse and the justering's
// requests and reminders, each with its time and how far it has come
// (from the meeting's outbox messages). It returns a note instead when
// nothing is sent: a proposed meeting, or an event.
func (s *Server) plannedMail(m *calendar.Meeting, n *names, j *calendar.Justering, msgs []*calendar.OutboxMessage,
	controls map[calendar.MailLetter]*calendar.MailControl) ([]plannedMail, string) {
	now := s.now()
	count := func(kinds ...string) (sent, waiting, failed int) {
		for _, x := range msgs {
			if !slices.Contains(kinds, x.Kind) {
				continue
			}
			switch x.Status {
			case calendar.OutboxSent:
				sent++
			case calendar.OutboxQueued, calendar.OutboxSending:
				waiting++
			case calendar.OutboxFailed:
				failed++
			}
		}
		return
	}
	state := func(at time.Time, kinds ...string) string {
		sent, waiting, failed := count(kinds...)
		var parts []string
		if sent > 0 {
			parts = append(parts, fmt.Sprintf("%d skickade", sent))
		}
		if waiting > 0 {
			parts = append(parts, fmt.Sprintf("%d väntar", waiting))
		}
		if failed > 0 {
			parts = append(parts, fmt.Sprintf("%d misslyckades", failed))
		}
		switch {
		case len(parts) > 0:
			return swedishSentence(parts)
		case at.IsZero():
			return "Skickas inom kort"
		case now.Before(at):
			return "Skickas då"
		}
		return "Inget skickat"
	}
	var bodies []*calendar.Body
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil {
			bodies = append(bodies, b)
		}
	}
	var out []plannedMail
	switch {
	case m.Kind != calendar.KindMeeting:
		return nil, "Samkal skickar inga kallelser till händelser, bara till möten."
	case m.Status == calendar.StatusProposed:
		return nil, "Mötet är ett förslag. Samkal skickar ingenting förrän tiden är fastställd."
	case m.Status == calendar.StatusCancelled:
		if sent, waiting, _ := count("kallelse"); sent+waiting > 0 {
			out = append(out, plannedMail{Kind: "Inställt möte", To: "alla som fick kallelsen", At: "när mötet ställdes in", State: state(time.Time{}, "installt")})
		}
		if len(out) == 0 {
			return nil, "Mötet är inställt. Ingen hade fått någon kallelse, så inget mejl om det skickas."
		}
		return out, ""
	}
	plan := s.mailTiming.ForMeeting(m.Start, bodies)
	manual := slices.ContainsFunc(bodies, func(b *calendar.Body) bool { return b.MailRelease.Manual() })
	// letterState is state, or what the secretary's choice makes of a
	// letter nothing of which is queued or sent yet.
	letterState := func(at time.Time, l calendar.MailLetter, kind string) string {
		if sent, waiting, failed := count(kind); sent+waiting+failed == 0 {
			if w := waitingFor(controls[l], manual); w != "" {
				return w
			}
		}
		return state(at, kind)
	}
	if !plan.CallAt.IsZero() {
		out = append(out,
			plannedMail{Kind: "Inbjudan att anmäla punkter", To: "ledamöter, ersättare och tjänstepersoner",
				At: tableTime(plan.CallAt) + ", med sista dag " + plan.CallDeadline.String(), State: letterState(plan.CallAt, calendar.MailCall, "anmalan")},
			plannedMail{Kind: "Sammanställning av anmälda punkter", To: "sekreteraren", At: tableTime(plan.DigestAt), State: state(plan.DigestAt, "sammanstallning")})
	}
	if !plan.NoticeAt.IsZero() {
		out = append(out, plannedMail{Kind: "Kallelse med dagordning", To: "alla som deltar i mötet", At: tableTime(plan.NoticeAt), State: letterState(plan.NoticeAt, calendar.MailNotice, "kallelse")})
	}
	needApproval := slices.ContainsFunc(bodies, func(b *calendar.Body) bool { return b.MinutesNeedApproval })
	switch {
	case j != nil && j.Approved():
		out = append(out, plannedMail{Kind: "Begäran om justering", To: "justerarna och ordföranden", At: tableTime(j.ReadyAt),
			State: state(time.Time{}, "justering") + ". Protokollet är justerat; inga fler påminnelser."})
	case j != nil:
		out = append(out, plannedMail{Kind: "Begäran om justering", To: "justerarna och ordföranden", At: tableTime(j.ReadyAt), State: state(time.Time{}, "justering")})
		next := 1
		for !now.Before(s.mailTiming.JusteringReminderAt(j.ReadyAt, next)) {
			next++
		}
		out = append(out, plannedMail{Kind: "Påminnelse om justering", To: "de som inte har justerat",
			At:    fmt.Sprintf("nästa %s, sedan var %d:e dag tills alla har justerat", tableTime(s.mailTiming.JusteringReminderAt(j.ReadyAt, next)), max(s.mailTiming.JusteringReminderDays, 1)),
			State: "Skickas då"})
		late := s.mailTiming.JusteringLateAt(j.ReadyAt, j.Deadline)
		out = append(out, plannedMail{Kind: "Justeringen är försenad", To: "sekreteraren, om någon inte har justerat", At: tableTime(late), State: state(late, "justering-sen")})
	case needApproval:
		out = append(out, plannedMail{Kind: "Begäran om justering", To: "justerarna och ordföranden", At: "när protokollet markeras som klart", State: "Inte än"})
	}
	if len(out) == 0 {
		return nil, "Mötets organ har stängt av inbjudan och kallelse, och protokollet behöver inte justeras."
	}
	return out, ""
}

// swedishSentence joins parts as a list and starts it with a capital.
func swedishSentence(parts []string) string {
	s := []rune(swedishList(parts))
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}
