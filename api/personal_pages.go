package api

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The personal pages: /anmalan/{token}, where a member registers agenda
// items for a meeting ("Anmäl gärna punkter senast …"), and
// /justering/{token}, where a justerare or the chair approves the minutes.
// The jobs in notify mail the links; there is no account and no login: the
// token (256 bits, calendar.NewToken) is the only credential, and it lets
// its holder do one thing for one meeting as one person, until it expires
// or is revoked.
//
// Because the address is a credential, every answer under these paths is
// "Cache-Control: no-store" (no cache keeps the page), "Referrer-Policy:
// no-referrer" (a link on the page, such as the minutes, never receives
// the address) and "X-Robots-Tag: noindex" (set in renderPage). Logs and
// metrics name the route template, never the path.
//
// GET and HEAD only show: mail security scanners open every link in an
// email, so nothing is ever registered or approved without a POST of the
// page's form. POSTs from another site are refused (403) by the
// cross-origin protection around the router, the form must be form-encoded
// (415 otherwise) and at most maxFormBody bytes (413). After a POST that
// changed something the answer is 303 See Other to the page, so that
// reloading it sends nothing again.
//
// Unknown or forged tokens get 404, revoked and expired links 410 (a
// friendly page saying what happened and whom to ask), and nothing is
// recorded in either case.
//
// What one link can do is bounded: its holder proposes at most
// calendar.MaxProposalsPerPerson items for the meeting (the store counts
// them when it inserts; the form then says so in its error summary), and
// the rate limits (ratelimit.go) answer a flood of requests to one token,
// or guessing from one address, with 429 and a Swedish page.

// personalSecurity is the Content-Security-Policy of the personal pages:
// pageSecurity, except that their forms post to the page itself.
const personalSecurity = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// maxFormBody is the largest form accepted (64 KiB): an agenda item's
// title, presenter, 50 sub-points of 500 characters and a link fit with
// room to spare.
const maxFormBody = 64 << 10

// isPersonalPath reports whether path is under a personal page: one whose
// address holds a token, or the sign-in and account pages (signin.go).
func isPersonalPath(path string) bool {
	return strings.HasPrefix(path, "/anmalan/") || strings.HasPrefix(path, "/justering/") || strings.HasPrefix(path, "/bokning/") ||
		strings.HasPrefix(path, "/forhinder/") ||
		path == "/logga-in" || strings.HasPrefix(path, "/logga-in/") || strings.HasPrefix(path, "/logga-ut") ||
		path == "/konto" || strings.HasPrefix(path, "/konto/") || path == "/kalenderlank"
}

// personalHeaders sets what every answer under a personal path carries.
func personalHeaders(h http.Header) {
	h.Set("Content-Security-Policy", personalSecurity)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// seeOther answers a POST with 303 See Other to path (the page itself), so
// that reloading what follows does not send the form again.
func seeOther(w http.ResponseWriter, path string) {
	h := w.Header()
	personalHeaders(h)
	h.Set("Location", path)
	w.WriteHeader(http.StatusSeeOther)
}

// plausibleToken reports whether t can be a token at all (URL-safe base64
// of a sensible length), so that junk is answered without a query.
func plausibleToken(t string) bool {
	if len(t) < 20 || len(t) > 100 {
		return false
	}
	for _, c := range t {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// linkVisit is a personal link being used: the link, its meeting and
// person, and the names to show them with.
type linkVisit struct {
	link    *calendar.PersonalLink
	meeting *calendar.Meeting
	person  *calendar.Person
	names   *names
	path    string // the page's own address, without query
	facts   meetingFacts
}

// meetingFacts is the meeting as the personal pages show it. They show
// every body of the meeting, restricted ones too: the holder of the link
// is invited to it.
type meetingFacts struct {
	Name, When, Place, Online, Bodies string
	Secretaries                       string // their names, "" when the bodies have none
	Cancelled                         bool
}

// messagePage is a page that only tells something: a link that does not
// work, a form that could not be taken.
type messagePage struct {
	page
	Heading string
	Lines   []string
	Meeting *meetingFacts // nil when the link leads to no meeting
}

// linkNotice renders a message page with status; v may be nil.
func (s *Server) linkNotice(w http.ResponseWriter, r *http.Request, status int, v *linkVisit, heading string, lines ...string) {
	data := messagePage{page: page{Title: heading, Region: s.region, Home: "/"}, Heading: heading, Lines: lines}
	if v != nil {
		data.Meeting = &v.facts
	}
	s.renderPage(w, r, status, s.pages.linkNotice, data)
}

func (s *Server) linkNotFound(w http.ResponseWriter, r *http.Request) {
	s.linkNotice(w, r, http.StatusNotFound, nil, "Länken finns inte",
		"Vi hittar ingenting med den här länken. Kontrollera att du fick med hela länken från e-postmeddelandet: långa länkar delas ibland på två rader.",
		"Fungerar det ändå inte kan du kontakta sekreteraren för mötet.")
}

// crossSiteForm answers a form posted to a personal page from another
// site (see wrap): the page of a link from an email never does that.
func (s *Server) crossSiteForm(w http.ResponseWriter, r *http.Request) {
	s.linkNotice(w, r, http.StatusForbidden, nil, "Formuläret kom från en annan webbplats",
		"Av säkerhetsskäl tar vi bara emot formulär som skickas från Samkals egna sidor. Ingenting har sparats.",
		"Öppna länken i e-postmeddelandet igen och skicka formuläret därifrån.")
}

// visit resolves the page's token for purpose and answers the page itself,
// returning nil, when the link cannot be used: 404 for a token that does
// not exist, is of another purpose or whose meeting or person is gone;
// 410 for a revoked or expired link.
func (s *Server) visit(w http.ResponseWriter, r *http.Request, purpose calendar.LinkPurpose) *linkVisit {
	ctx := r.Context()
	token := mux.Vars(r)["token"]
	if !plausibleToken(token) {
		s.linkNotFound(w, r)
		return nil
	}
	v, err := s.loadVisit(ctx, token, purpose)
	if calendar.IsNotFound(err) {
		s.linkNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	v.path = "/" + string(purpose) + "/" + token
	switch {
	case !v.link.RevokedAt.IsZero():
		s.linkNotice(w, r, http.StatusGone, v, "Länken har dragits tillbaka",
			"Länken har dragits tillbaka och går inte att använda längre. Ingenting har sparats.",
			"Har du fått ett nyare e-postmeddelande om mötet kan du använda länken i det. Annars kan du kontakta sekreteraren.")
		return nil
	case !v.link.UsableAt(s.now()):
		switch purpose {
		case calendar.LinkForhinder:
			s.linkNotice(w, r, http.StatusGone, v, "Mötet har redan börjat",
				"Länken gällde fram till mötets början. Ingenting har sparats.",
				"Kontakta sekreteraren om du inte kan vara med.")
			return nil
		}
		if purpose == calendar.LinkAgenda {
			s.linkNotice(w, r, http.StatusGone, v, "Tiden för anmälan har gått ut",
				"Tiden för att anmäla punkter till mötet gick ut "+swedishDate(lastDay(v.link.ExpiresAt))+". Kontakta sekreteraren om du vill ta upp något på mötet.")
		} else {
			s.linkNotice(w, r, http.StatusGone, v, "Länken har gått ut",
				"Länken för att justera protokollet gäller inte längre. Ingenting har sparats.",
				"Kontakta sekreteraren, som kan skicka en ny länk.")
		}
		return nil
	}
	return v
}

// byLink is r's context with the link's person as the actor of what the
// request changes: the record of changes names the member who proposed an
// item or approved the minutes through their personal link.
func (v *linkVisit) byLink(r *http.Request) context.Context {
	a := calendar.ActorFrom(r.Context())
	a.PersonID, a.Via, a.Token = v.person.ID, calendar.ViaLink, ""
	return calendar.WithActor(r.Context(), a)
}

// loadVisit reads the link and what its page shows; ENOTFOUND when the
// token, its meeting or its person does not exist, or the link is for
// another purpose.
func (s *Server) loadVisit(ctx context.Context, token string, purpose calendar.LinkPurpose) (*linkVisit, error) {
	l, err := s.store.FindLinkByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if l.Purpose != purpose {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "no %s link with this token", purpose)
	}
	m, err := s.store.FindMeetingByID(ctx, l.MeetingID)
	if err != nil {
		return nil, err
	}
	p, err := s.store.FindPersonByKey(ctx, l.Person)
	if err != nil {
		return nil, err
	}
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	v := &linkVisit{link: l, meeting: m, person: p, names: n}
	if v.facts, err = s.meetingFactsOf(ctx, m, n); err != nil {
		return nil, err
	}
	return v, nil
}

// meetingFactsOf is m as the personal pages show it to someone called to
// it: every body, the online link, the secretaries.
func (s *Server) meetingFactsOf(ctx context.Context, m *calendar.Meeting, n *names) (meetingFacts, error) {
	all := func(*calendar.Body) bool { return true }
	f := meetingFacts{Name: m.Title, When: swedishWhen(m), Place: place(m, n), Online: m.OnlineURL,
		Bodies: bodyNames(m, n, all), Cancelled: m.Status == calendar.StatusCancelled}
	if f.Name == "" {
		f.Name = f.Bodies
	}
	if f.Name == "" {
		f.Name = "Möte"
	}
	var err error
	f.Secretaries, err = s.secretaries(ctx, m)
	return f, err
}

// secretaries names the secretaries of m's bodies on the meeting's day,
// whom the pages tell members to contact.
func (s *Server) secretaries(ctx context.Context, m *calendar.Meeting) (string, error) {
	day := calendar.DateOf(m.Start)
	var keys []string
	for _, slug := range m.Bodies {
		ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &slug, ActiveOn: &day})
		if err != nil {
			return "", err
		}
		for _, x := range ms {
			if x.Role == calendar.RoleSecretary && !contains(keys, x.Person) {
				keys = append(keys, x.Person)
			}
		}
	}
	var names []string
	for _, k := range keys {
		p, err := s.store.FindPersonByKey(ctx, k)
		if err != nil {
			return "", err
		}
		names = append(names, p.Name)
	}
	return swedishList(names), nil
}

// lastDay is the last day a link works: ExpiresAt is the midnight after
// the deadline day.
func lastDay(expires time.Time) time.Time {
	return calendar.DateOf(expires.Add(-time.Nanosecond)).Start()
}

// readForm reads the POSTed form of a personal page. It answers the page
// itself and returns nil for another Content-Type than form encoding
// (415), a body over maxFormBody (413) or one that cannot be read (400).
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, v *linkVisit) url.Values {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		s.linkNotice(w, r, http.StatusUnsupportedMediaType, v, "Formuläret kunde inte tas emot",
			"Det som skickades var inte formuläret från sidan. Ingenting har sparats.",
			"Öppna länken i e-postmeddelandet och skicka formuläret därifrån.")
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.linkNotice(w, r, http.StatusRequestEntityTooLarge, v, "Det du skrev är för långt",
				"Formuläret är större än vi tar emot. Ingenting har sparats.", "Korta texten och försök igen.")
			return nil
		}
		s.linkNotice(w, r, http.StatusBadRequest, v, "Formuläret kunde inte läsas",
			"Formuläret kom inte fram helt. Ingenting har sparats.", "Försök igen.")
		return nil
	}
	return r.PostForm
}

// ---- anmälan: registering agenda items

// anmalanKinds are the kinds a member may propose, with the labels the
// form shows. Standard items are the secretary's.
var anmalanKinds = []struct {
	kind  calendar.AgendaKind
	label string
}{
	{calendar.AgendaInformation, "Information – du berättar om något"},
	{calendar.AgendaDecision, "Beslut – mötet ska besluta något"},
	{calendar.AgendaDialog, "Dialog – mötet ska samtala om något"},
}

// swedishAgendaKind is the kind as a member reads it.
func swedishAgendaKind(k calendar.AgendaKind) string {
	switch k {
	case calendar.AgendaInformation:
		return "informationspunkt"
	case calendar.AgendaDecision:
		return "beslutspunkt"
	case calendar.AgendaDialog:
		return "dialog"
	}
	return "standardpunkt"
}

type anmalanPage struct {
	page
	Meeting  meetingFacts
	Person   string // the name of the link's holder
	Deadline string // "tisdag 14 januari 2025"
	Action   string // the page's own address: the form posts there
	Thanks   bool
	Proposed []proposedItem
	Form     anmalanForm
	Kinds    []kindOption
	// Errors are in the order of the fields, for the summary at the top;
	// ErrorFor has the same messages by field name, for the fields.
	Errors   []formError
	ErrorFor map[string]string
	// Full is set when the person has proposed as many items as one
	// person may (calendar.MaxProposalsPerPerson): the page says so
	// instead of showing the form (unless a refused form is shown again).
	Full string
}

type proposedItem struct{ Title, Kind, Status string }

type kindOption struct {
	Value, Label string
	Selected     bool
}

// formError is a problem with one field (its id), or with the whole form
// when Field is "".
type formError struct{ Field, Message string }

// errorsByField maps each field's id to its message, for the template's
// message beside the field (the summary lists errs itself).
func errorsByField(errs []formError) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		if e.Field != "" {
			m[e.Field] = e.Message
		}
	}
	return m
}

// errorTitle starts a page's title with "Fel: " when its form has errors,
// so that a screen reader hears it first (GOV.UK's error summary pattern).
func errorTitle(title string, errs []formError) string {
	if len(errs) > 0 {
		return "Fel: " + title
	}
	return title
}

// anmalanForm is the form as sent, kept as typed so that a page with
// errors shows the member's input again.
type anmalanForm struct {
	Title, Kind, Presenter, Description, Link string
}

// item checks the form and builds the agenda item, or returns the problems
// in Swedish, in the order of the fields. The texts are checked with
// calendar's rules for the item's fields, so that the form refuses what
// the API and the import refuse (a NUL byte, a control or bidi character,
// too long a text) and never passes the store something it refuses.
func (f anmalanForm) item(meetingID int64, person string) (*calendar.AgendaItem, []formError) {
	var errs []formError
	title := strings.TrimSpace(f.Title)
	if title == "" {
		errs = append(errs, formError{"rubrik", "Skriv en rubrik för punkten."})
	} else if p := calendar.NameText.Check(title, true); p != nil {
		errs = append(errs, formError{"rubrik", swedishText("Rubriken", "rubriken", p)})
	}
	kind := calendar.AgendaKind(f.Kind)
	known := false
	for _, k := range anmalanKinds {
		known = known || k.kind == kind
	}
	if !known {
		errs = append(errs, formError{"typ", "Välj om punkten är information, beslut eller dialog."})
	}
	presenter := strings.TrimSpace(f.Presenter)
	if p := calendar.NameText.Check(presenter, false); p != nil {
		errs = append(errs, formError{"foredragande", swedishText("Föredragande", "föredragande", p)})
	}
	var sub []string
	for _, line := range strings.Split(calendar.NormalizeNewlines(f.Description), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			sub = append(sub, line)
		}
	}
	if len(sub) > calendar.MaxSubPoints {
		errs = append(errs, formError{"beskrivning", fmt.Sprintf("Beskrivningen får ha högst %d rader. Skriv en delpunkt per rad.", calendar.MaxSubPoints)})
	} else {
		for i, line := range sub {
			p := calendar.LineText.Check(line, true)
			if p == nil {
				continue
			}
			msg := fmt.Sprintf("Rad %d i beskrivningen är för lång: en rad får vara högst %d tecken.", i+1, p.Max)
			if p.Reason != calendar.TextTooLong {
				msg = swedishText(fmt.Sprintf("Rad %d i beskrivningen", i+1), "raden", p)
			}
			errs = append(errs, formError{"beskrivning", msg})
			break
		}
	}
	link := strings.TrimSpace(f.Link)
	var links []calendar.AgendaLink
	if link != "" {
		if p := calendar.LinkText.Check(link, true); p != nil {
			errs = append(errs, formError{"lank", swedishText("Webbadressen", "webbadressen", p)})
		} else if !calendar.HTTPLink(link) {
			errs = append(errs, formError{"lank", "Skriv hela webbadressen, som börjar med https:// (eller http://)."})
		} else {
			links = []calendar.AgendaLink{{URL: link}}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &calendar.AgendaItem{MeetingID: meetingID, Title: title, Presenter: presenter, Kind: kind, SubPoints: sub,
		Links: links, Status: calendar.AgendaProposed, SubmittedBy: person}, nil
}

// anmalanPage answers GET /anmalan/{token}: the meeting, the deadline, the
// items this person has proposed, and the form. ?tack=1 (where a
// successful POST leads) adds the confirmation.
func (s *Server) anmalanPage(w http.ResponseWriter, r *http.Request) {
	v := s.visit(w, r, calendar.LinkAgenda)
	if v == nil {
		return
	}
	if v.meeting.Status == calendar.StatusCancelled {
		s.anmalanCancelled(w, r, v)
		return
	}
	form := anmalanForm{Kind: string(calendar.AgendaInformation), Presenter: v.person.Name}
	s.renderAnmalan(w, r, http.StatusOK, v, form, nil, r.URL.Query().Get("tack") == "1")
}

// submitAgendaItem answers POST /anmalan/{token}: a valid form becomes a
// proposed agenda item submitted by the link's person, and the answer is
// 303 to the page with the confirmation; an invalid one is the form again
// with the input kept and the errors named (422), and nothing is stored.
func (s *Server) submitAgendaItem(w http.ResponseWriter, r *http.Request) {
	v := s.visit(w, r, calendar.LinkAgenda)
	if v == nil {
		return
	}
	if v.meeting.Status == calendar.StatusCancelled {
		s.anmalanCancelled(w, r, v)
		return
	}
	values := s.readForm(w, r, v)
	if values == nil {
		return
	}
	form := anmalanForm{Title: values.Get("rubrik"), Kind: values.Get("typ"), Presenter: values.Get("foredragande"),
		Description: values.Get("beskrivning"), Link: values.Get("lank")}
	item, errs := form.item(v.meeting.ID, v.person.Key)
	if len(errs) > 0 {
		s.renderAnmalan(w, r, http.StatusUnprocessableEntity, v, form, errs, false)
		return
	}
	err := s.store.CreateAgendaItem(v.byLink(r), item)
	if msg := proposalLimitMessage(err); msg != "" {
		s.renderAnmalan(w, r, http.StatusUnprocessableEntity, v, form, []formError{{"", msg}}, false)
		return
	}
	switch calendar.ErrorCode(err) {
	case "":
	case calendar.ENOTFOUND:
		s.linkNotFound(w, r)
		return
	case calendar.EINVALID:
		// The form's checks passed, so this is the meeting's state (a full
		// agenda) or a person deleted meanwhile: the member cannot fix it.
		s.log.WarnContext(r.Context(), "agenda item from a personal link refused", "route", routeOf(r), "err", err)
		s.renderAnmalan(w, r, http.StatusUnprocessableEntity, v, form, []formError{{"",
			"Punkten kunde inte sparas. Kontakta sekreteraren, som kan lägga till den åt dig."}}, false)
		return
	default:
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, v.path+"?tack=1")
}

// proposalLimitMessage says in Swedish which of the agenda's limits a
// proposal reached, "" when err is none of them.
func proposalLimitMessage(err error) string {
	switch {
	case errors.Is(err, calendar.ErrPersonProposalsFull):
		return fmt.Sprintf("Du har redan anmält %d punkter till det här mötet, och fler än så går inte att anmäla via länken. Kontakta sekreteraren om du vill ta upp något mer, så kan hen lägga till det.",
			calendar.MaxProposalsPerPerson)
	case errors.Is(err, calendar.ErrProposalsFull):
		return "Mötet har redan fått så många anmälda punkter att inga fler tas emot via länken. Kontakta sekreteraren om du vill ta upp något på mötet."
	case errors.Is(err, calendar.ErrAgendaFull):
		return "Dagordningen för mötet är full. Kontakta sekreteraren om du vill ta upp något på mötet."
	}
	return ""
}

func (s *Server) anmalanCancelled(w http.ResponseWriter, r *http.Request, v *linkVisit) {
	s.linkNotice(w, r, http.StatusGone, v, "Mötet är inställt",
		"Mötet är inställt, så det går inte att anmäla punkter till det. Ingenting har sparats.",
		"Kontakta sekreteraren om du har frågor om mötet.")
}

func (s *Server) renderAnmalan(w http.ResponseWriter, r *http.Request, status int, v *linkVisit, form anmalanForm, errs []formError, thanks bool) {
	items, err := s.store.FindAgendaItems(r.Context(), v.meeting.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title := "Anmäl punkt – " + v.facts.Name + ", " + swedishDate(v.meeting.Start)
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := anmalanPage{
		page:    page{Title: title, Region: s.region, Home: "/"},
		Meeting: v.facts, Person: v.person.Name, Deadline: swedishDate(lastDay(v.link.ExpiresAt)),
		Action: v.path, Thanks: thanks, Form: form, Errors: errs, ErrorFor: map[string]string{},
	}
	for _, a := range items {
		if a.SubmittedBy != v.person.Key {
			continue
		}
		st := "Anmäld, inte behandlad av sekreteraren än."
		switch a.Status {
		case calendar.AgendaAccepted:
			st = "Med på dagordningen."
		case calendar.AgendaDeclined:
			st = "Kommer inte med på dagordningen. Sekreterarens besked: " + a.DeclineNote
		}
		data.Proposed = append(data.Proposed, proposedItem{Title: a.Title, Kind: swedishAgendaKind(a.Kind), Status: st})
	}
	if len(data.Proposed) >= calendar.MaxProposalsPerPerson && len(errs) == 0 {
		// After a refused POST the form stays, with what was typed, under
		// the error summary: the member may want to copy it to the
		// secretary.
		data.Full = proposalLimitMessage(calendar.ErrPersonProposalsFull)
	}
	for _, k := range anmalanKinds {
		data.Kinds = append(data.Kinds, kindOption{Value: string(k.kind), Label: k.label, Selected: string(k.kind) == form.Kind})
	}
	for _, e := range errs {
		if e.Field != "" {
			data.ErrorFor[e.Field] = e.Message
		}
	}
	s.renderPage(w, r, status, s.pages.anmalan, data)
}

// ---- justering: approving the minutes

type justeringPage struct {
	page
	Meeting     meetingFacts
	DocumentURL string
	Deadline    string // "onsdag 22 januari 2025", "" for none
	Approvers   []approverItem
	Mine        string // the day this person approved ("2025-01-10"), "" before
	Done        string // the status line once every approver has approved
	CanApprove  bool
	Action      string
}

type approverItem struct{ Name, Role, Status string }

// justeringOfVisit reads the justering the link is for and answers the
// page itself when it cannot be used: 404 when the minutes are no longer
// marked ready, 410 when the person is no longer an approver (the
// secretary named other justerare).
func (s *Server) justeringOfVisit(w http.ResponseWriter, r *http.Request, v *linkVisit) *calendar.Justering {
	j, err := s.store.FindJustering(r.Context(), v.meeting.ID)
	if calendar.IsNotFound(err) {
		s.linkNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	if !j.IsApprover(v.person.Key) {
		s.notApprover(w, r, v)
		return nil
	}
	return j
}

func (s *Server) notApprover(w http.ResponseWriter, r *http.Request, v *linkVisit) {
	s.linkNotice(w, r, http.StatusGone, v, "Du justerar inte det här protokollet",
		"Du är inte längre utsedd att justera protokollet, så länken gäller inte. Ingenting har sparats.",
		"Kontakta sekreteraren om det är fel.")
}

// justeringPage answers GET /justering/{token}: the meeting, the minutes,
// the approvers and who has approved, and for a person who has not yet
// approved a form with one button. It never approves anything.
func (s *Server) justeringPage(w http.ResponseWriter, r *http.Request) {
	v := s.visit(w, r, calendar.LinkJustering)
	if v == nil {
		return
	}
	j := s.justeringOfVisit(w, r, v)
	if j == nil {
		return
	}
	people, err := s.store.FindPeople(r.Context(), calendar.PersonFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := make(map[string]string, len(people))
	for _, p := range people {
		name[p.Key] = p.Name
	}
	data := justeringPage{
		page:    page{Title: "Justera protokollet – " + v.facts.Name + ", " + swedishDate(v.meeting.Start), Region: s.region, Home: "/"},
		Meeting: v.facts, DocumentURL: j.DocumentURL, Action: v.path,
	}
	if !j.Deadline.IsZero() {
		data.Deadline = swedishDate(j.Deadline.Start())
	}
	for _, a := range j.Approvals {
		role := "justerare"
		if a.Role == calendar.ApproverChair {
			role = "ordförande"
		}
		st := "har inte justerat än"
		if !a.ApprovedAt.IsZero() {
			st = "justerade den " + calendar.DateOf(a.ApprovedAt).String()
		}
		n := name[a.Person]
		if n == "" {
			n = "Okänd person"
		}
		data.Approvers = append(data.Approvers, approverItem{Name: n, Role: role, Status: st})
		if a.Person == v.person.Key {
			if a.ApprovedAt.IsZero() {
				data.CanApprove = true
			} else {
				data.Mine = calendar.DateOf(a.ApprovedAt).String()
			}
		}
	}
	if j.Approved() {
		data.Done = j.StatusText()
		data.CanApprove = false
	}
	s.renderPage(w, r, http.StatusOK, s.pages.justering, data)
}

// approveMinutes answers POST /justering/{token}: the person's approval is
// recorded at now and the answer is 303 to the page, which then says so.
// Approving again changes nothing and leads to the same page.
func (s *Server) approveMinutes(w http.ResponseWriter, r *http.Request) {
	v := s.visit(w, r, calendar.LinkJustering)
	if v == nil || s.readForm(w, r, v) == nil || s.justeringOfVisit(w, r, v) == nil {
		return
	}
	_, changed, err := s.store.ApproveMinutes(v.byLink(r), v.meeting.ID, v.person.Key, s.now())
	switch calendar.ErrorCode(err) {
	case "":
	case calendar.ENOTFOUND:
		s.linkNotFound(w, r)
		return
	case calendar.EINVALID:
		s.notApprover(w, r, v)
		return
	default:
		s.Error(w, r, err)
		return
	}
	if changed {
		s.wrote()
	}
	seeOther(w, v.path)
}
