package api

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The secretary's agenda pages (issue 10, point 6): a meeting's dagordning
// under /mina-organ/moten/{id}/dagordning, built with forms that work
// without JavaScript (reordering is a POST per button), the members'
// proposals beside it, and a body's backlog under /mina-organ/{slug}/backlogg.
//
// Who may: the pages (GET) are for those who see a meeting's internals
// (access.Principal.SeeInternal of its bodies: its secretaries and the
// admins), since proposals and who made them are internal; every POST
// needs access.Principal.Change of the bodies, the same decision as
// Server.keepsMeeting and keepsBody, answered as a Swedish page. A caller
// who may not even see the meeting or body gets "Sidan finns inte".
//
// Every POST ends in 303 See Other to the page with a short confirmation
// (?klart=…), or shows the form again with its errors (422). The store
// does the numbering: new items go before the closing standard items
// (calendar.AppendIndex), and positions are those of the store, proposals
// included, while the page numbers the accepted items 1, 2, 3 … as members
// read them.

// agendaPath is the address of meeting id's dagordning page.
func agendaPath(id int64) string {
	return "/mina-organ/moten/" + strconv.FormatInt(id, 10) + "/dagordning"
}

// agendaItemPath is the address under the dagordning page of one item's
// action.
func agendaItemPath(m, item int64, action string) string {
	return agendaPath(m) + "/" + strconv.FormatInt(item, 10) + "/" + action
}

// backlogPath is the address of a body's backlog page.
func backlogPath(slug string) string { return "/mina-organ/" + slug + "/backlogg" }

// agendaDone are the confirmations a POST leads to (?klart=…).
var agendaDone = map[string]string{
	"tillagd":    "Punkten är tillagd på dagordningen.",
	"andrad":     "Punkten är ändrad.",
	"borttagen":  "Punkten är borttagen från dagordningen.",
	"flyttad":    "Punkten är flyttad.",
	"standard":   "Standardpunkterna är tillagda.",
	"tagen":      "Förslaget är med på dagordningen.",
	"backlogg":   "Förslaget är flyttat till backloggen.",
	"avslagen":   "Förslaget är avslaget. Den som föreslog punkten får beskedet i ett mejl.",
	"bpost":      "Ämnet är tillagt i backloggen.",
	"bborttagen": "Ämnet är borttaget från backloggen.",
	"upptagen":   "Ämnet är tillagt på mötets dagordning och borttaget från backloggen.",
}

// agendaKindOptions are the kinds a secretary chooses among, with the
// labels the form shows.
var agendaKindOptions = []struct {
	kind  calendar.AgendaKind
	label string
}{
	{calendar.AgendaInformation, "Information"},
	{calendar.AgendaDecision, "Beslut"},
	{calendar.AgendaDialog, "Dialog"},
	{calendar.AgendaStandard, "Standardpunkt (öppnar eller avslutar mötet)"},
}

// pageMeeting reads the meeting named by the path and checks the caller:
// change for a POST (access.Principal.Change), see internals for a GET.
// It answers the page itself and returns nil when the request cannot go
// on: "Sidan finns inte" for a meeting that does not exist or that the
// caller may not see at all, the Swedish 403 page otherwise.
func (s *Server) pageMeeting(w http.ResponseWriter, r *http.Request, change bool) *calendar.Meeting {
	m := s.pathMeeting(w, r)
	if m == nil || !s.mayOnPage(w, r, change, m.Bodies, func(v *view) bool { return v.seesMeeting(m) }) {
		return nil
	}
	return m
}

// pathMeeting reads the meeting of the page's {id}, and answers the page
// itself ("Sidan finns inte", or the error) when there is none: what
// every page of a meeting does before it checks who is asking.
func (s *Server) pathMeeting(w http.ResponseWriter, r *http.Request) *calendar.Meeting {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	m, err := s.store.FindMeetingByID(r.Context(), id)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return m
}

// mayOnPage checks the caller for a thing of bodies and answers the page
// itself when they may not: not found when sees says they do not even see
// it, 403 otherwise.
func (s *Server) mayOnPage(w http.ResponseWriter, r *http.Request, change bool, bodies []string, sees func(*view) bool) bool {
	p := principalOf(r)
	if change && p.Change(bodies...) || !change && p.SeeInternal(bodies...) {
		return true
	}
	v, err := s.view(r.Context(), p)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	if !sees(v) {
		s.pageNotFound(w, r)
		return false
	}
	s.forbidden(w, r, p, "")
	return false
}

// agendaItemOf reads the item named by the path, which must be of
// meeting m; it answers "Sidan finns inte" and returns nil otherwise.
func (s *Server) agendaItemOf(w http.ResponseWriter, r *http.Request, m *calendar.Meeting) *calendar.AgendaItem {
	id, err := strconv.ParseInt(mux.Vars(r)["item"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	a, err := s.store.FindAgendaItemByID(r.Context(), id)
	if calendar.IsNotFound(err) || err == nil && a.MeetingID != m.ID {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return a
}

// ---- the form of an item

// agendaItemForm is an item's form as typed, kept when it is shown again.
// Sub-points and links are one per line: a secretary pastes them from the
// invitation they are writing, and a variable number of lines needs no
// JavaScript and no "add another" round trip, where separate fields
// would. A link line is "titel | https://…", or the bare address.
type agendaItemForm struct {
	Title, Kind, Presenter, SubPoints, Links string
}

func agendaFormOf(v map[string][]string) agendaItemForm {
	get := func(k string) string {
		if x := v[k]; len(x) > 0 {
			return x[0]
		}
		return ""
	}
	return agendaItemForm{Title: get("rubrik"), Kind: get("typ"), Presenter: get("foredragande"), SubPoints: get("delpunkter"), Links: get("lankar")}
}

// formOfItem is the form filled with a's fields, for editing it.
func formOfItem(a *calendar.AgendaItem) agendaItemForm {
	var links []string
	for _, l := range a.Links {
		if l.Title != "" {
			links = append(links, l.Title+" | "+l.URL)
		} else {
			links = append(links, l.URL)
		}
	}
	return agendaItemForm{Title: a.Title, Kind: string(a.Kind), Presenter: a.Presenter,
		SubPoints: strings.Join(a.SubPoints, "\n"), Links: strings.Join(links, "\n")}
}

// lines are the non-empty lines of a textarea, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(calendar.NormalizeNewlines(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// update checks the form in Swedish, with calendar's rules for each field,
// and returns the fields as an update (every field set), or the problems
// in the order of the fields.
func (f agendaItemForm) update() (calendar.AgendaItemUpdate, []formError) {
	var errs []formError
	title := strings.TrimSpace(f.Title)
	if title == "" {
		errs = append(errs, formError{"rubrik", "Skriv en rubrik för punkten."})
	} else if p := calendar.NameText.Check(title, true); p != nil {
		errs = append(errs, formError{"rubrik", swedishText("Rubriken", "rubriken", p)})
	}
	kind := calendar.AgendaKind(f.Kind)
	if !slices.Contains(calendar.AgendaKinds, kind) {
		errs = append(errs, formError{"typ", "Välj vilken sorts punkt det är."})
	}
	presenter := strings.TrimSpace(f.Presenter)
	if p := calendar.NameText.Check(presenter, false); p != nil {
		errs = append(errs, formError{"foredragande", swedishText("Föredragande", "föredragande", p)})
	}
	sub := lines(f.SubPoints)
	if sub == nil {
		sub = []string{}
	}
	if len(sub) > calendar.MaxSubPoints {
		errs = append(errs, formError{"delpunkter", fmt.Sprintf("En punkt får ha högst %d delpunkter, en per rad.", calendar.MaxSubPoints)})
	} else {
		for i, l := range sub {
			if p := calendar.LineText.Check(l, true); p != nil {
				errs = append(errs, formError{"delpunkter", swedishText(fmt.Sprintf("Delpunkt %d", i+1), "delpunkten", p)})
				break
			}
		}
	}
	links := []calendar.AgendaLink{}
	ls := lines(f.Links)
	if len(ls) > calendar.MaxLinks {
		errs = append(errs, formError{"lankar", fmt.Sprintf("En punkt får ha högst %d länkar, en per rad.", calendar.MaxLinks)})
		ls = nil
	}
	for i, l := range ls {
		var lt, u string
		if at := strings.LastIndex(l, "|"); at >= 0 {
			lt, u = strings.TrimSpace(l[:at]), strings.TrimSpace(l[at+1:])
		} else {
			u = l
		}
		what := fmt.Sprintf("Länk %d", i+1)
		if p := calendar.NameText.Check(lt, false); p != nil {
			errs = append(errs, formError{"lankar", swedishText(what+": titeln", "titeln", p)})
			break
		}
		if p := calendar.LinkText.Check(u, true); p != nil {
			errs = append(errs, formError{"lankar", swedishText(what+": webbadressen", "webbadressen", p)})
			break
		}
		if !calendar.HTTPLink(u) {
			errs = append(errs, formError{"lankar", what + ": skriv hela webbadressen, som börjar med https:// (eller http://), efter tecknet |."})
			break
		}
		links = append(links, calendar.AgendaLink{Title: lt, URL: u})
	}
	return calendar.AgendaItemUpdate{Title: &title, Kind: &kind, Presenter: &presenter, SubPoints: &sub, Links: &links}, errs
}

// ---- the dagordning page

type agendaPageData struct {
	page
	Meeting   agendaFacts
	Done      string
	Items     []agendaRow
	Proposals []proposalRow
	// Standard is whether "Lägg till standardpunkter" is offered: only
	// while the agenda has no standard items (the store adds them once).
	Standard bool
	Form     agendaItemForm
	Kinds    []kindOption
	Errors   []formError
	ErrorFor map[string]string
}

// agendaFacts name the meeting on the agenda pages and link its other pages.
type agendaFacts struct {
	ID                      int64
	Name, When, Hub, Public string
	Agenda                  string // the dagordning page
	Backlogs                []backlogLink
	Cancelled               bool
}

type backlogLink struct{ Name, Path string }

type agendaRow struct {
	agendaEntry
	ID                 int64
	KindLabel          string
	Edit, Delete, Move string
	First, Last        bool
}

type proposalRow struct {
	agendaEntry
	ID                       int64
	KindLabel, By, When      string
	Accept, Backlog, Decline string
	Positions                []positionOption
}

type positionOption struct {
	Number   int
	Label    string
	Selected bool
}

func (s *Server) agendaFactsOf(m *calendar.Meeting, n *names) agendaFacts {
	all := func(*calendar.Body) bool { return true }
	f := agendaFacts{ID: m.ID, Name: m.Title, When: swedishWhen(m), Hub: "/mina-organ/moten/" + strconv.FormatInt(m.ID, 10),
		Public: "/moten/" + strconv.FormatInt(m.ID, 10), Agenda: agendaPath(m.ID), Cancelled: m.Status == calendar.StatusCancelled}
	if !m.IsPublic(n.isPublic) {
		f.Public = "" // /moten/{id} shows public meetings only
	}
	if f.Name == "" {
		f.Name = bodyNames(m, n, all)
	}
	if f.Name == "" {
		f.Name = "Möte"
	}
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil {
			f.Backlogs = append(f.Backlogs, backlogLink{Name: b.Name, Path: backlogPath(slug)})
		}
	}
	return f
}

// kindLabel is the kind as the secretary's pages name it.
func kindLabel(k calendar.AgendaKind) string {
	switch k {
	case calendar.AgendaInformation:
		return "information"
	case calendar.AgendaDecision:
		return "beslut"
	case calendar.AgendaDialog:
		return "dialog"
	}
	return "standardpunkt"
}

func kindOptions(selected string) []kindOption {
	var out []kindOption
	for _, k := range agendaKindOptions {
		out = append(out, kindOption{Value: string(k.kind), Label: k.label, Selected: string(k.kind) == selected})
	}
	return out
}

func errorFor(errs []formError) map[string]string {
	m := map[string]string{}
	for _, e := range errs {
		if e.Field != "" {
			if _, ok := m[e.Field]; !ok {
				m[e.Field] = e.Message
			}
		}
	}
	return m
}

// agendaPage answers GET /mina-organ/moten/{id}/dagordning.
func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	s.renderAgenda(w, r, http.StatusOK, m, agendaItemForm{Kind: string(calendar.AgendaInformation)}, nil)
}

// entryOf is a as the page shows it, numbered n (0: not numbered).
func entryOf(a *calendar.AgendaItem, n int) agendaEntry {
	e := agendaEntry{Number: n, Title: a.Title, Presenter: a.Presenter, SubPoints: a.SubPoints}
	for _, l := range a.Links {
		text := l.Title
		if text == "" {
			text = "Underlag: " + a.Title
		}
		e.Links = append(e.Links, agendaLinkEntry{Text: text, URL: l.URL})
	}
	return e
}

func (s *Server) renderAgenda(w http.ResponseWriter, r *http.Request, status int, m *calendar.Meeting, form agendaItemForm, errs []formError) {
	ctx := r.Context()
	items, err := s.store.FindAgendaItems(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	facts := s.agendaFactsOf(m, n)
	title := "Dagordning – " + facts.Name + ", " + swedishDate(m.Start)
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := agendaPageData{page: page{Title: title, Region: s.region, Home: "/"}, Meeting: facts,
		Done: agendaDone[r.URL.Query().Get("klart")], Form: form, Kinds: kindOptions(form.Kind), Errors: errs, ErrorFor: errorFor(errs),
		Standard: !slices.ContainsFunc(items, func(a *calendar.AgendaItem) bool { return a.Kind == calendar.AgendaStandard })}
	var accepted []*calendar.AgendaItem
	var proposals []*calendar.AgendaItem
	for _, a := range items {
		switch a.Status {
		case calendar.AgendaAccepted:
			accepted = append(accepted, a)
		case calendar.AgendaProposed:
			proposals = append(proposals, a)
		}
	}
	for i, a := range accepted {
		data.Items = append(data.Items, agendaRow{agendaEntry: entryOf(a, i+1), ID: a.ID, KindLabel: kindLabel(a.Kind),
			Edit: agendaItemPath(m.ID, a.ID, "andra"), Delete: agendaItemPath(m.ID, a.ID, "ta-bort"), Move: agendaItemPath(m.ID, a.ID, "flytta"),
			First: i == 0, Last: i == len(accepted)-1})
	}
	var people map[string]string
	if len(proposals) > 0 {
		ps, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		people = make(map[string]string, len(ps))
		for _, p := range ps {
			people[p.Key] = p.Name
		}
	}
	for _, a := range proposals {
		by := people[a.SubmittedBy]
		if by == "" {
			by = "okänd person"
		}
		row := proposalRow{agendaEntry: entryOf(a, 0), ID: a.ID, KindLabel: kindLabel(a.Kind), By: by, When: tableTime(a.CreatedAt),
			Accept: agendaItemPath(m.ID, a.ID, "ta-med"), Backlog: agendaItemPath(m.ID, a.ID, "till-backloggen"), Decline: agendaItemPath(m.ID, a.ID, "avsla")}
		rest := slices.DeleteFunc(slices.Clone(items), func(x *calendar.AgendaItem) bool { return x.ID == a.ID })
		def := acceptedBefore(rest, calendar.ClosingStart(rest, meetingBodies(m, n)...)) + 1
		for k := 1; k <= len(accepted)+1; k++ {
			label := fmt.Sprintf("Som punkt %d", k)
			if k <= len(accepted) {
				label += ", före ”" + accepted[k-1].Title + "”"
			} else {
				label += ", sist"
			}
			row.Positions = append(row.Positions, positionOption{Number: k, Label: label, Selected: k == def})
		}
		data.Proposals = append(data.Proposals, row)
	}
	s.renderPage(w, r, status, s.pages.agenda, data)
}

// acceptedBefore counts the accepted items of items[:i].
func acceptedBefore(items []*calendar.AgendaItem, i int) int {
	n := 0
	for _, a := range items[:i] {
		if a.Status == calendar.AgendaAccepted {
			n++
		}
	}
	return n
}

// positionFor is the store position (1-based, among all items) at which
// an item lands as accepted number k (1 … accepted+1) of the agenda
// without it (rest): just before the item that is number k now, or just
// after the last accepted item.
func positionFor(rest []*calendar.AgendaItem, k int) int {
	seen, last := 0, -1
	for i, a := range rest {
		if a.Status != calendar.AgendaAccepted {
			continue
		}
		seen++
		if seen == k {
			return i + 1
		}
		last = i
	}
	return last + 2
}

// agendaAgain answers a POST whose form was refused: the page again, 422.
func (s *Server) agendaAgain(w http.ResponseWriter, r *http.Request, m *calendar.Meeting, form agendaItemForm, errs []formError) {
	s.renderAgenda(w, r, http.StatusUnprocessableEntity, m, form, errs)
}

// storeMessage says in Swedish why the store refused a valid form, "" for
// an error the page does not explain (the caller answers it as an error).
func storeMessage(err error) string {
	if msg := proposalLimitMessage(err); msg != "" {
		if err == calendar.ErrAgendaFull {
			return fmt.Sprintf("Dagordningen har redan %d punkter, så många som ett möte kan ha. Ta bort en punkt först.", calendar.MaxAgendaItems)
		}
		return msg
	}
	if calendar.ErrorCode(err) == calendar.EINVALID {
		return "Punkten kunde inte sparas med de här uppgifterna. Kontrollera fälten och försök igen."
	}
	return ""
}

// addAgendaItem answers POST /mina-organ/moten/{id}/dagordning: the item
// goes before the closing standard items.
func (s *Server) addAgendaItem(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	form := agendaFormOf(values)
	upd, errs := form.update()
	if len(errs) > 0 {
		s.agendaAgain(w, r, m, form, errs)
		return
	}
	a := upd.Apply(calendar.AgendaItem{MeetingID: m.ID, Status: calendar.AgendaAccepted})
	if err := s.store.CreateAgendaItem(r.Context(), &a); err != nil {
		if msg := storeMessage(err); msg != "" {
			s.agendaAgain(w, r, m, form, []formError{{"", msg}})
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=tillagd")
}

// fillStandardForm answers POST …/dagordning/standard.
func (s *Server) fillStandardForm(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	if _, err := s.store.FillStandardItems(r.Context(), m.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=standard")
}

// moveAgendaItem answers POST …/{item}/flytta with riktning=upp or ner:
// the item changes place with the accepted item before or after it (a
// proposal between them stays where it is, among the accepted items).
func (s *Server) moveAgendaItem(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	a := s.agendaItemOf(w, r, m)
	if a == nil {
		return
	}
	items, err := s.store.FindAgendaItems(r.Context(), m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rest := slices.DeleteFunc(slices.Clone(items), func(x *calendar.AgendaItem) bool { return x.ID == a.ID })
	var number int // a's number among the accepted items, 1-based
	for _, x := range items {
		if x.Status == calendar.AgendaAccepted {
			number++
		}
		if x.ID == a.ID {
			break
		}
	}
	target := number
	switch values.Get("riktning") {
	case "upp":
		target--
	case "ner":
		target++
	}
	if a.Status != calendar.AgendaAccepted || target < 1 || target > acceptedBefore(rest, len(rest))+1 || target == number {
		seeOther(w, agendaPath(m.ID)) // nothing to move: the page as it is
		return
	}
	pos := positionFor(rest, target)
	if target > number { // after the item that is number target now, not before it
		pos = positionFor(rest, target-1) + 1
	}
	if _, err := s.store.UpdateAgendaItem(r.Context(), a.ID, calendar.AgendaItemUpdate{Position: &pos}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=flyttad#punkt-"+strconv.FormatInt(a.ID, 10))
}

// ---- one item: edit, delete

type agendaItemPageData struct {
	page
	Meeting  agendaFacts
	Item     agendaEntry
	Action   string
	Form     agendaItemForm
	Kinds    []kindOption
	Errors   []formError
	ErrorFor map[string]string
	Proposal bool // declining a proposal: the form has the note only
}

// renderAgendaItemPage renders tpl, one of the pages of one item (edit,
// delete, decline), titled t.
func (s *Server) renderAgendaItemPage(w http.ResponseWriter, r *http.Request, status int, tpl *template.Template, t string, m *calendar.Meeting, a *calendar.AgendaItem, data agendaItemPageData) {
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.Meeting = s.agendaFactsOf(m, n)
	data.Item = entryOf(a, 0)
	if len(data.Errors) > 0 {
		t = "Fel: " + t
	}
	data.page = page{Title: t + " – " + data.Meeting.Name + ", " + swedishDate(m.Start), Region: s.region, Home: "/"}
	data.Kinds = kindOptions(data.Form.Kind)
	data.ErrorFor = errorFor(data.Errors)
	s.renderPage(w, r, status, tpl, data)
}

// editItemPage answers GET …/{item}/andra.
func (s *Server) editItemPage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	a := s.agendaItemOf(w, r, m)
	if a == nil {
		return
	}
	s.renderAgendaItemPage(w, r, http.StatusOK, s.pages.agendaEdit, "Ändra punkt", m, a, agendaItemPageData{Action: agendaItemPath(m.ID, a.ID, "andra"), Form: formOfItem(a)})
}

// editItem answers POST …/{item}/andra.
func (s *Server) editItem(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	a := s.agendaItemOf(w, r, m)
	if a == nil {
		return
	}
	form := agendaFormOf(values)
	upd, errs := form.update()
	if len(errs) == 0 {
		_, err := s.store.UpdateAgendaItem(r.Context(), a.ID, upd)
		if err == nil {
			s.wrote()
			seeOther(w, agendaPath(m.ID)+"?klart=andrad#punkt-"+strconv.FormatInt(a.ID, 10))
			return
		}
		msg := storeMessage(err)
		if msg == "" {
			s.Error(w, r, err)
			return
		}
		errs = []formError{{"", msg}}
	}
	s.renderAgendaItemPage(w, r, http.StatusUnprocessableEntity, s.pages.agendaEdit, "Ändra punkt", m, a,
		agendaItemPageData{Action: agendaItemPath(m.ID, a.ID, "andra"), Form: form, Errors: errs})
}

// deleteItemPage answers GET …/{item}/ta-bort: are you sure?
func (s *Server) deleteItemPage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	a := s.agendaItemOf(w, r, m)
	if a == nil {
		return
	}
	s.renderAgendaItemPage(w, r, http.StatusOK, s.pages.agendaDelete, "Ta bort punkt", m, a, agendaItemPageData{Action: agendaItemPath(m.ID, a.ID, "ta-bort"),
		Proposal: a.Status == calendar.AgendaProposed})
}

// deleteItem answers POST …/{item}/ta-bort.
func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	a := s.agendaItemOf(w, r, m)
	if a == nil {
		return
	}
	if err := s.store.DeleteAgendaItem(r.Context(), a.ID); err != nil && !calendar.IsNotFound(err) {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=borttagen")
}

// ---- members' proposals

// proposalOf is agendaItemOf for a proposal: an item already accepted or
// declined leads back to the page, where it shows as it is.
func (s *Server) proposalOf(w http.ResponseWriter, r *http.Request, m *calendar.Meeting) *calendar.AgendaItem {
	a := s.agendaItemOf(w, r, m)
	if a != nil && a.Status != calendar.AgendaProposed {
		seeOther(w, agendaPath(m.ID))
		return nil
	}
	return a
}

// acceptProposal answers POST …/{item}/ta-med with plats=k: the proposal
// becomes accepted item number k.
func (s *Server) acceptProposal(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	a := s.proposalOf(w, r, m)
	if a == nil {
		return
	}
	ctx := r.Context()
	items, err := s.store.FindAgendaItems(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rest := slices.DeleteFunc(slices.Clone(items), func(x *calendar.AgendaItem) bool { return x.ID == a.ID })
	k, err := strconv.Atoi(values.Get("plats"))
	if err != nil || k < 1 || k > acceptedBefore(rest, len(rest))+1 {
		s.agendaAgain(w, r, m, agendaItemForm{Kind: string(calendar.AgendaInformation)},
			[]formError{{"plats-" + strconv.FormatInt(a.ID, 10), "Välj var på dagordningen förslaget ska stå."}})
		return
	}
	pos, st := positionFor(rest, k), calendar.AgendaAccepted
	if _, err := s.store.UpdateAgendaItem(ctx, a.ID, calendar.AgendaItemUpdate{Position: &pos, Status: &st}); err != nil {
		if msg := storeMessage(err); msg != "" {
			s.agendaAgain(w, r, m, agendaItemForm{Kind: string(calendar.AgendaInformation)}, []formError{{"", msg}})
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=tagen#punkt-"+strconv.FormatInt(a.ID, 10))
}

// proposalToBacklog answers POST …/{item}/till-backloggen: the proposal
// becomes a topic of the backlog of the meeting's first body, in one
// transaction with its deletion, its sub-points and links kept in the
// notes.
func (s *Server) proposalToBacklog(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	a := s.proposalOf(w, r, m)
	if a == nil {
		return
	}
	if len(m.Bodies) == 0 {
		s.agendaAgain(w, r, m, agendaItemForm{Kind: string(calendar.AgendaInformation)},
			[]formError{{"", "Händelsen hör inte till något organ, så det finns ingen backlogg att flytta förslaget till."}})
		return
	}
	by := a.SubmittedBy
	if p, err := s.store.FindPersonByKey(r.Context(), a.SubmittedBy); err == nil {
		by = p.Name
	}
	b := &calendar.BacklogItem{Body: m.Bodies[0], Title: a.Title, Notes: backlogNotes(a, by)}
	err := s.store.InTx(r.Context(), func(tx calendar.Store) error {
		if err := tx.CreateBacklogItem(r.Context(), b); err != nil {
			return err
		}
		return tx.DeleteAgendaItem(r.Context(), a.ID)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=backlogg")
}

// backlogNotes keeps what a proposal said besides its title, and who
// proposed it, in a backlog topic's notes, cut to what notes may hold.
func backlogNotes(a *calendar.AgendaItem, by string) string {
	var b strings.Builder
	if by != "" {
		fmt.Fprintf(&b, "Föreslagen av %s.\n", by)
	}
	if a.Presenter != "" {
		fmt.Fprintf(&b, "Föredragande: %s\n", a.Presenter)
	}
	for _, s := range a.SubPoints {
		fmt.Fprintf(&b, "– %s\n", s)
	}
	for _, l := range a.Links {
		fmt.Fprintf(&b, "%s %s\n", l.Title, l.URL)
	}
	notes := strings.TrimSpace(b.String())
	if max := calendar.NoteText.Max; len([]rune(notes)) > max {
		notes = string([]rune(notes)[:max])
	}
	return notes
}

// declinePage answers GET …/{item}/avsla: the proposal and a note to its
// proposer.
func (s *Server) declinePage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	a := s.proposalOf(w, r, m)
	if a == nil {
		return
	}
	s.renderAgendaItemPage(w, r, http.StatusOK, s.pages.agendaDecline, "Avslå förslag", m, a, agendaItemPageData{Action: agendaItemPath(m.ID, a.ID, "avsla"), Proposal: true})
}

// declineProposal answers POST …/{item}/avsla with motivering: the
// proposal is declined with the note and moved last, out of the agenda's
// way. The proposer reads the note on their /anmalan page and gets it by
// email: notify's scan writes one letter per declined proposal, and is
// asked to run at once.
func (s *Server) declineProposal(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	a := s.proposalOf(w, r, m)
	if a == nil {
		return
	}
	note := strings.TrimSpace(calendar.NormalizeNewlines(values.Get("motivering")))
	var errs []formError
	if note == "" {
		errs = append(errs, formError{"motivering", "Skriv några ord till den som föreslog punkten om varför den inte kommer med."})
	} else if p := calendar.NoteText.Check(note, true); p != nil {
		errs = append(errs, formError{"motivering", swedishText("Motiveringen", "motiveringen", p)})
	}
	if len(errs) == 0 {
		items, err := s.store.FindAgendaItems(r.Context(), m.ID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		last, st := len(items), calendar.AgendaDeclined
		_, err = s.store.UpdateAgendaItem(r.Context(), a.ID, calendar.AgendaItemUpdate{Status: &st, DeclineNote: &note, Position: &last})
		if err == nil {
			s.wrote()
			s.requestMail()
			seeOther(w, agendaPath(m.ID)+"?klart=avslagen")
			return
		}
		if calendar.ErrorCode(err) != calendar.EINVALID {
			s.Error(w, r, err)
			return
		}
		errs = []formError{{"", "Förslaget kunde inte avslås. Ladda om sidan och försök igen."}}
	}
	s.renderAgendaItemPage(w, r, http.StatusUnprocessableEntity, s.pages.agendaDecline, "Avslå förslag", m, a,
		agendaItemPageData{Action: agendaItemPath(m.ID, a.ID, "avsla"), Proposal: true, Form: agendaItemForm{Title: note}, Errors: errs})
}

// ---- a body's backlog ("till kommande möten")

type backlogPageData struct {
	page
	Body     string // the body's name
	Action   string
	Done     string
	Topics   []backlogRow
	Meetings []meetingOption // the body's coming meetings, for "Ta upp på möte"
	Form     backlogForm
	Errors   []formError
	ErrorFor map[string]string
}

type backlogRow struct {
	ID                 int64
	Title, Notes, When string
	Remove, ToMeeting  string
}

type meetingOption struct {
	ID    int64
	Label string
}

type backlogForm struct{ Title, Notes string }

// backlogBody reads the body named by the path and checks the caller as
// pageMeeting does.
func (s *Server) backlogBody(w http.ResponseWriter, r *http.Request, change bool) *calendar.Body {
	b, err := s.store.FindBodyBySlug(r.Context(), mux.Vars(r)["slug"])
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	if !s.mayOnPage(w, r, change, []string{b.Slug}, func(v *view) bool { return v.seesBody(b.Slug) }) {
		return nil
	}
	return b
}

// backlogTopic reads the topic named by the path, which must be of body b.
func (s *Server) backlogTopic(w http.ResponseWriter, r *http.Request, b *calendar.Body) *calendar.BacklogItem {
	id, err := strconv.ParseInt(mux.Vars(r)["topic"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	x, err := s.store.FindBacklogItemByID(r.Context(), id)
	if calendar.IsNotFound(err) || err == nil && x.Body != b.Slug {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return x
}

// backlogPage answers GET /mina-organ/{slug}/backlogg.
func (s *Server) backlogPage(w http.ResponseWriter, r *http.Request) {
	b := s.backlogBody(w, r, false)
	if b == nil {
		return
	}
	s.renderBacklog(w, r, http.StatusOK, b, backlogForm{}, nil)
}

func (s *Server) renderBacklog(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, form backlogForm, errs []formError) {
	ctx := r.Context()
	topics, err := s.store.FindBacklogItems(ctx, b.Slug)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.now()
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{b.Slug}, From: &now,
		Status: []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed}})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title := "Backlogg – " + b.Name
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := backlogPageData{page: page{Title: title, Region: s.region, Home: "/"}, Body: b.Name, Action: backlogPath(b.Slug),
		Done: agendaDone[r.URL.Query().Get("klart")], Form: form, Errors: errs, ErrorFor: errorFor(errs)}
	for _, m := range ms {
		label := swedishDate(m.Start)
		if m.Title != "" {
			label += ", " + m.Title
		}
		data.Meetings = append(data.Meetings, meetingOption{ID: m.ID, Label: label})
	}
	for _, x := range topics {
		base := backlogPath(b.Slug) + "/" + strconv.FormatInt(x.ID, 10)
		data.Topics = append(data.Topics, backlogRow{ID: x.ID, Title: x.Title, Notes: x.Notes, When: calendar.DateOf(x.CreatedAt).String(),
			Remove: base + "/ta-bort", ToMeeting: base + "/ta-upp"})
	}
	s.renderPage(w, r, status, s.pages.backlog, data)
}

// addBacklogItem answers POST /mina-organ/{slug}/backlogg.
func (s *Server) addBacklogItem(w http.ResponseWriter, r *http.Request) {
	b := s.backlogBody(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	form := backlogForm{Title: values.Get("rubrik"), Notes: values.Get("anteckningar")}
	title, notes := strings.TrimSpace(form.Title), strings.TrimSpace(calendar.NormalizeNewlines(form.Notes))
	var errs []formError
	if title == "" {
		errs = append(errs, formError{"rubrik", "Skriv vad ämnet gäller."})
	} else if p := calendar.NameText.Check(title, true); p != nil {
		errs = append(errs, formError{"rubrik", swedishText("Rubriken", "rubriken", p)})
	}
	if p := calendar.NoteText.Check(notes, false); p != nil {
		errs = append(errs, formError{"anteckningar", swedishText("Anteckningarna", "anteckningarna", p)})
	}
	if len(errs) > 0 {
		s.renderBacklog(w, r, http.StatusUnprocessableEntity, b, form, errs)
		return
	}
	if err := s.store.CreateBacklogItem(r.Context(), &calendar.BacklogItem{Body: b.Slug, Title: title, Notes: notes}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, backlogPath(b.Slug)+"?klart=bpost")
}

// removeBacklogItem answers POST …/backlogg/{topic}/ta-bort.
func (s *Server) removeBacklogItem(w http.ResponseWriter, r *http.Request) {
	b := s.backlogBody(w, r, true)
	if b == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	x := s.backlogTopic(w, r, b)
	if x == nil {
		return
	}
	if err := s.store.DeleteBacklogItem(r.Context(), x.ID); err != nil && !calendar.IsNotFound(err) {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, backlogPath(b.Slug)+"?klart=bborttagen")
}

// backlogToMeeting answers POST …/backlogg/{topic}/ta-upp with mote=id: the
// topic becomes an item of that coming meeting of the body (before its
// closing standard items, its notes as sub-points) and leaves the backlog,
// in one transaction.
func (s *Server) backlogToMeeting(w http.ResponseWriter, r *http.Request) {
	b := s.backlogBody(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	x := s.backlogTopic(w, r, b)
	if x == nil {
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(values.Get("mote"), 10, 64)
	var m *calendar.Meeting
	if id > 0 {
		var err error
		if m, err = s.store.FindMeetingByID(ctx, id); err != nil && !calendar.IsNotFound(err) {
			s.Error(w, r, err)
			return
		}
	}
	field := "mote-" + strconv.FormatInt(x.ID, 10)
	if m == nil || !slices.Contains(m.Bodies, b.Slug) || m.Status == calendar.StatusCancelled {
		s.renderBacklog(w, r, http.StatusUnprocessableEntity, b, backlogForm{}, []formError{{field, "Välj ett av organets kommande möten."}})
		return
	}
	if p := principalOf(r); !p.Change(m.Bodies...) {
		s.forbidden(w, r, p, "")
		return
	}
	sub := lines(x.Notes)
	if len(sub) > calendar.MaxSubPoints {
		sub = sub[:calendar.MaxSubPoints]
	}
	a := &calendar.AgendaItem{MeetingID: m.ID, Title: x.Title, Kind: calendar.AgendaInformation, Status: calendar.AgendaAccepted, SubPoints: sub}
	err := s.store.InTx(ctx, func(tx calendar.Store) error {
		if err := tx.CreateAgendaItem(ctx, a); err != nil {
			return err
		}
		return tx.DeleteBacklogItem(ctx, x.ID)
	})
	if msg := storeMessage(err); err != nil && msg != "" {
		s.renderBacklog(w, r, http.StatusUnprocessableEntity, b, backlogForm{}, []formError{{field, msg}})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, agendaPath(m.ID)+"?klart=upptagen#punkt-"+strconv.FormatInt(a.ID, 10))
}
