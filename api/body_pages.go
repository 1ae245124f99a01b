package api

// A body's members and roles, and its settings, for its secretaries:
// /mina-organ/{slug}/medlemmar (+ /{id}/andra, /{id}/avsluta, /{id}/ta-bort)
// and /mina-organ/{slug}/installningar. The settings page edits the body's
// own standard agenda items too (calendar.Body.StandardOpening/
// StandardClosing), one title per line; "Återställ standardpunkterna"
// (a checkbox) goes back to the defaults in code, and an emptied field is
// a list without items.

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

func membersPath(slug string) string  { return "/mina-organ/" + slug + "/medlemmar" }
func settingsPath(slug string) string { return "/mina-organ/" + slug + "/installningar" }
func memberPath(slug string, id int64, action string) string {
	return membersPath(slug) + "/" + strconv.FormatInt(id, 10) + "/" + action
}

var bodyDone = map[string]string{
	"tillagd":   "Medlemmen är tillagd.",
	"andrad":    "Medlemskapet är ändrat.",
	"avslutad":  "Medlemskapet är avslutat.",
	"borttagen": "Medlemskapet är borttaget.",
	"sparad":    "Inställningarna är sparade.",
}

// swedishDay writes d as "1 januari 2026".
func swedishDay(d calendar.Date) string {
	return fmt.Sprintf("%d %s %d", d.Day, swedishMonths[d.Month-1], d.Year)
}

// period writes a membership's period in words.
func period(m *calendar.Membership) string {
	switch {
	case m.From.IsZero() && m.Until.IsZero():
		return "tills vidare"
	case m.Until.IsZero():
		return "från " + swedishDay(m.From) + " tills vidare"
	case m.From.IsZero():
		return "till och med " + swedishDay(m.Until)
	}
	return swedishDay(m.From) + "–" + swedishDay(m.Until)
}

type option struct {
	Value, Label string
	Selected     bool
}

func roleOptions(selected string) []option {
	var out []option
	for _, r := range calendar.Roles {
		out = append(out, option{Value: string(r), Label: r.SwedishName(), Selected: string(r) == selected})
	}
	return out
}

type memberRow struct {
	ID                                int64
	Name, Organisation, Email, Period string
	// Calendar is how the member gets meetings into their calendar
	// (invitations, feed or both), so that a secretary asked "why did I
	// get no invitation?" sees the answer.
	Calendar  string
	Edit, End string
	Ended     bool
}

type roleGroup struct {
	Role    string
	Members []memberRow
}

type memberForm struct {
	Person, Name, Email, Organisation, Role, From, Until string
}

type membersPageData struct {
	page
	Body, Slug      string
	Action          string
	Import          string
	Settings, Plan  string
	Done            string
	Groups          []roleGroup
	People          []option
	Organisations   []option
	Roles           []option
	Form            memberForm
	Errors          []formError
	ErrorFor        map[string]string
	CanChange       bool
	HasMemberships  bool
	EditMembership  *memberRow // the edit and end pages
	EditAction      string
	EndAction       string
	RemoveAction    string
	MayEndToday     bool
	EndToday        string
	MembershipTitle string
}

// bodyOfPage reads the body named by the path and checks the caller as
// pageMeeting does.
func (s *Server) bodyOfPage(w http.ResponseWriter, r *http.Request, change bool) *calendar.Body {
	return s.backlogBody(w, r, change)
}

// membershipOf reads the membership named by the path, which must be of b.
func (s *Server) membershipOf(w http.ResponseWriter, r *http.Request, b *calendar.Body) *calendar.Membership {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	m, err := s.store.FindMembershipByID(r.Context(), id)
	if calendar.IsNotFound(err) || err == nil && m.Body != b.Slug {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return m
}

// membersPage answers GET /mina-organ/{slug}/medlemmar.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	s.renderMembers(w, r, http.StatusOK, b, memberForm{Role: string(calendar.RoleMember)}, nil)
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, form memberForm, errs []formError) {
	ctx := r.Context()
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &b.Slug})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	orgs, err := s.store.FindOrganisations(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title := "Medlemmar – " + b.Name
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := membersPageData{page: page{Title: title, Region: s.region, Home: "/"}, Body: b.Name, Slug: b.Slug,
		Action: membersPath(b.Slug), Settings: settingsPath(b.Slug), Plan: "/mina-organ/" + b.Slug,
		Done: bodyDone[r.URL.Query().Get("klart")], Import: memberImportPath(b.Slug), Roles: roleOptions(form.Role), Form: form, Errors: errs, ErrorFor: errorFor(errs),
		CanChange: principalOf(r).Change(b.Slug), HasMemberships: len(ms) > 0}
	byKey := map[string]*calendar.Person{}
	for _, p := range people {
		byKey[p.Key] = p
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("importerade")); err == nil && n >= 0 {
		data.Done = fmt.Sprintf("Importen är klar: %d rader är sparade.", n)
	}
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.Slug] = o.Name
		data.Organisations = append(data.Organisations, option{Value: o.Slug, Label: o.Name, Selected: o.Slug == form.Organisation})
	}
	for _, p := range people {
		label := p.Name
		if o := orgName[p.Organisation]; o != "" {
			label += ", " + o
		}
		data.People = append(data.People, option{Value: p.Key, Label: label, Selected: p.Key == form.Person})
	}
	today := calendar.DateOf(s.now())
	for _, role := range calendar.Roles {
		g := roleGroup{Role: upperFirst(role.SwedishName())}
		for _, m := range ms {
			if m.Role != role {
				continue
			}
			row := memberRow{ID: m.ID, Name: m.Person, Period: period(m), Edit: memberPath(b.Slug, m.ID, "andra"), End: memberPath(b.Slug, m.ID, "avsluta"),
				Ended: !m.Until.IsZero() && m.Until.Before(today)}
			if p := byKey[m.Person]; p != nil {
				row.Name, row.Email, row.Organisation, row.Calendar = p.Name, p.Email, orgName[p.Organisation], deliveryShort(p.Delivery)
			}
			g.Members = append(g.Members, row)
		}
		if len(g.Members) > 0 {
			data.Groups = append(data.Groups, g)
		}
	}
	s.renderPage(w, r, status, s.pages.members, data)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// periodOf reads the from and until fields; "" leaves a side open.
func periodOf(f memberForm) (from, until calendar.Date, errs []formError) {
	parse := func(field, value, what string) calendar.Date {
		value = strings.TrimSpace(value)
		if value == "" {
			return calendar.Date{}
		}
		d, err := calendar.ParseDate(value)
		if err != nil {
			errs = append(errs, formError{field, "Skriv " + what + " som år-månad-dag, till exempel 2026-01-01."})
		}
		return d
	}
	from = parse("fran", f.From, "första dagen")
	until = parse("till", f.Until, "sista dagen")
	if !from.IsZero() && !until.IsZero() && until.Before(from) {
		errs = append(errs, formError{"till", "Sista dagen kan inte vara före första dagen."})
	}
	return from, until, errs
}

func roleOf(f memberForm) (calendar.Role, []formError) {
	role := calendar.Role(f.Role)
	if !slices.Contains(calendar.Roles, role) {
		return "", []formError{{"roll", "Välj en roll."}}
	}
	return role, nil
}

func readMemberForm(v url.Values) memberForm {
	return memberForm{Person: v.Get("person"), Name: v.Get("namn"), Email: v.Get("epost"), Organisation: v.Get("organisation"),
		Role: v.Get("roll"), From: v.Get("fran"), Until: v.Get("till")}
}

// addMember answers POST /mina-organ/{slug}/medlemmar: an existing person,
// or a new one (name, email, organisation) created with the membership in
// one transaction.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	form := readMemberForm(values)
	var errs []formError
	var person *calendar.Person
	if form.Person != "" {
		p, err := s.store.FindPersonByKey(ctx, form.Person)
		if calendar.IsNotFound(err) {
			errs = append(errs, formError{"person", "Välj en person i listan."})
		} else if err != nil {
			s.Error(w, r, err)
			return
		} else {
			person = p
		}
	} else {
		name, email := strings.TrimSpace(form.Name), strings.TrimSpace(form.Email)
		if name == "" {
			errs = append(errs, formError{"namn", "Välj en person i listan, eller skriv namnet på en ny person."})
		} else if p := calendar.NameText.Check(name, true); p != nil {
			errs = append(errs, formError{"namn", swedishText("Namnet", "namnet", p)})
		} else if calendar.Slugify(name) == "" {
			errs = append(errs, formError{"namn", "Namnet behöver minst en bokstav eller siffra."})
		}
		if email == "" {
			errs = append(errs, formError{"epost", "Skriv den nya personens e-postadress, till exempel anna.berg@kumla.se."})
		} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || a.Name != "" || calendar.EmailText.Check(email, true) != nil {
			errs = append(errs, formError{"epost", "Skriv en e-postadress, till exempel anna.berg@kumla.se."})
		} else {
			// One person, one address: someone already here is chosen in
			// the list, not created twice.
			people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
			if err != nil {
				s.Error(w, r, err)
				return
			}
			for _, p := range people {
				if strings.EqualFold(p.Email, email) {
					errs = append(errs, formError{"epost", p.Name + " har redan den e-postadressen. Välj " + p.Name + " i listan Person i stället."})
					break
				}
			}
		}
		if form.Organisation != "" {
			if _, err := s.store.FindOrganisationBySlug(ctx, form.Organisation); err != nil {
				errs = append(errs, formError{"organisation", "Välj en organisation i listan."})
			}
		}
		person = &calendar.Person{Name: name, Email: email, Organisation: form.Organisation}
	}
	role, e := roleOf(form)
	errs = append(errs, e...)
	from, until, e := periodOf(form)
	errs = append(errs, e...)
	if len(errs) > 0 {
		s.renderMembers(w, r, http.StatusUnprocessableEntity, b, form, errs)
		return
	}
	err := s.store.InTx(ctx, func(tx calendar.Store) error {
		if person.ID == 0 {
			if err := createPerson(ctx, tx, person); err != nil {
				return err
			}
		}
		return tx.CreateMembership(ctx, &calendar.Membership{Body: b.Slug, Person: person.Key, Role: role, From: from, Until: until})
	})
	if calendar.ErrorCode(err) == calendar.ECONFLICT {
		s.renderMembers(w, r, http.StatusUnprocessableEntity, b, form,
			[]formError{{"roll", person.Name + " har redan den rollen i organet från samma dag."}})
		return
	}
	if calendar.ErrorCode(err) == calendar.EINVALID {
		s.renderMembers(w, r, http.StatusUnprocessableEntity, b, form,
			[]formError{{"", "Medlemmen kunde inte sparas med de här uppgifterna. Kontrollera fälten och försök igen."}})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, membersPath(b.Slug)+"?klart=tillagd")
}

func (s *Server) renderMembership(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, m *calendar.Membership, form memberForm, errs []formError, end bool) {
	p, err := s.store.FindPersonByKey(r.Context(), m.Person)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	today := calendar.DateOf(s.now())
	verb := "Ändra medlemskapet"
	if end {
		verb = "Avsluta medlemskapet"
	}
	title := verb + " – " + p.Name
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := membersPageData{page: page{Title: title, Region: s.region, Home: "/"}, Body: b.Name, Slug: b.Slug, Action: membersPath(b.Slug),
		Roles: roleOptions(form.Role), Form: form, Errors: errs, ErrorFor: errorFor(errs), CanChange: true, MembershipTitle: verb,
		EditMembership: &memberRow{ID: m.ID, Name: p.Name, Email: p.Email, Period: period(m) + ", " + m.Role.SwedishName()},
		EditAction:     memberPath(b.Slug, m.ID, "andra"), EndAction: memberPath(b.Slug, m.ID, "avsluta"), RemoveAction: memberPath(b.Slug, m.ID, "ta-bort"),
		MayEndToday: m.From.IsZero() || !today.Before(m.From), EndToday: swedishDay(today)}
	tpl := s.pages.memberEdit
	if end {
		tpl = s.pages.memberEnd
	}
	s.renderPage(w, r, status, tpl, data)
}

func formOfMembership(m *calendar.Membership) memberForm {
	f := memberForm{Role: string(m.Role)}
	if !m.From.IsZero() {
		f.From = m.From.String()
	}
	if !m.Until.IsZero() {
		f.Until = m.Until.String()
	}
	return f
}

// editMemberPage answers GET …/medlemmar/{id}/andra.
func (s *Server) editMemberPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	if m := s.membershipOf(w, r, b); m != nil {
		s.renderMembership(w, r, http.StatusOK, b, m, formOfMembership(m), nil, false)
	}
}

// editMember answers POST …/medlemmar/{id}/andra: role and period.
func (s *Server) editMember(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	m := s.membershipOf(w, r, b)
	if m == nil {
		return
	}
	form := readMemberForm(values)
	role, errs := roleOf(form)
	from, until, e := periodOf(form)
	errs = append(errs, e...)
	if len(errs) > 0 {
		s.renderMembership(w, r, http.StatusUnprocessableEntity, b, m, form, errs, false)
		return
	}
	_, err := s.store.UpdateMembership(r.Context(), m.ID, calendar.MembershipUpdate{Role: &role, From: &from, Until: &until})
	switch calendar.ErrorCode(err) {
	case calendar.ECONFLICT:
		s.renderMembership(w, r, http.StatusUnprocessableEntity, b, m, form,
			[]formError{{"roll", "Personen har redan den rollen i organet från samma dag."}}, false)
		return
	case calendar.EINVALID:
		s.renderMembership(w, r, http.StatusUnprocessableEntity, b, m, form,
			[]formError{{"", "Medlemskapet kunde inte sparas med de här uppgifterna. Kontrollera fälten och försök igen."}}, false)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, membersPath(b.Slug)+"?klart=andrad")
}

// endMemberPage answers GET …/medlemmar/{id}/avsluta: the confirmation.
func (s *Server) endMemberPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	if m := s.membershipOf(w, r, b); m != nil {
		s.renderMembership(w, r, http.StatusOK, b, m, formOfMembership(m), nil, true)
	}
}

// endMember answers POST …/medlemmar/{id}/avsluta: the membership ends
// today (its last day).
func (s *Server) endMember(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	m := s.membershipOf(w, r, b)
	if m == nil {
		return
	}
	today := calendar.DateOf(s.now())
	if !m.From.IsZero() && today.Before(m.From) {
		s.renderMembership(w, r, http.StatusUnprocessableEntity, b, m, formOfMembership(m),
			[]formError{{"", "Medlemskapet har inte börjat än. Ta bort det i stället."}}, true)
		return
	}
	if _, err := s.store.UpdateMembership(r.Context(), m.ID, calendar.MembershipUpdate{Until: &today}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, membersPath(b.Slug)+"?klart=avslutad")
}

// removeMember answers POST …/medlemmar/{id}/ta-bort: the membership goes,
// as if it had never been (for one added by mistake).
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	m := s.membershipOf(w, r, b)
	if m == nil {
		return
	}
	if err := s.store.DeleteMembership(r.Context(), m.ID); err != nil && !calendar.IsNotFound(err) {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, membersPath(b.Slug)+"?klart=borttagen")
}

// ---- settings

type settingsForm struct {
	Name, Description              string
	Approval                       bool
	CallDays, DeadlineDays, Notice string
	Manual                         bool // the calls and kallelser wait for "Skicka"
	// Opening and Closing are the standard items, one title per line;
	// Reset goes back to the defaults.
	Opening, Closing string
	Reset            bool
}

type settingsPageData struct {
	page
	Body, Slug                                  string
	Action, Members, Plan                       string
	Done                                        string
	Form                                        settingsForm
	Errors                                      []formError
	ErrorFor                                    map[string]string
	CanChange                                   bool
	DefaultCall, DefaultDeadline, DefaultNotice int
	// DefaultOpening and DefaultClosing name the default standard items.
	DefaultOpening, DefaultClosing string
	MaxStandard                    int
}

func daysText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	opening, closing := calendar.StandardItems([]*calendar.Body{b})
	s.renderSettings(w, r, http.StatusOK, b, settingsForm{Name: b.Name, Description: b.Description, Approval: b.MinutesNeedApproval,
		CallDays: daysText(b.Notify.CallDays), DeadlineDays: daysText(b.Notify.CallDeadlineDays), Notice: daysText(b.Notify.NoticeDays),
		Manual: b.MailRelease.Manual(), Opening: strings.Join(opening, "\n"), Closing: strings.Join(closing, "\n")}, nil)
}

// defaultStandard returns the default standard items of a body whose
// minutes need approval or not.
func defaultStandard(approval bool) (opening, closing []string) {
	return calendar.StandardItems([]*calendar.Body{{MinutesNeedApproval: approval}})
}

// standardOf reads one of the settings page's lists of standard items (one
// title per line, blank lines skipped) into the body's update: nil when
// the field was not sent (no change), a pointer to nil for the defaults –
// when the secretary reset them, or left them as the page showed the
// defaults (before or after changing "Protokollen ska justeras", so that
// saving other settings does not freeze the defaults into the body's own
// list) – else the titles. Problems are added to errs in Swedish.
func standardOf(values url.Values, field, where string, own []string, defaults [2][]string, reset bool, errs *[]formError) *[]string {
	if _, sent := values[field]; !sent && !reset {
		return nil
	}
	var titles []string
	if reset {
		return &titles
	}
	titles = []string{}
	for line := range strings.Lines(calendar.NormalizeNewlines(values.Get(field))) {
		if t := strings.TrimSpace(line); t != "" {
			titles = append(titles, t)
		}
	}
	if own == nil && (slices.Equal(titles, defaults[0]) || slices.Equal(titles, defaults[1])) {
		titles = nil
		return &titles
	}
	if len(titles) > calendar.MaxStandardItems {
		*errs = append(*errs, formError{field, fmt.Sprintf("Skriv högst %d punkter %s; nu är de %d.", calendar.MaxStandardItems, where, len(titles))})
		return nil
	}
	for i, t := range titles {
		if p := calendar.NameText.Check(t, true); p != nil {
			*errs = append(*errs, formError{field, fmt.Sprintf("Punkt %d %s: ", i+1, where) + swedishText("Punkten", "punkten", p)})
			return nil
		}
		if slices.Index(titles, t) < i {
			*errs = append(*errs, formError{field, fmt.Sprintf("Punkten ”%s” står två gånger %s. Ta bort den ena.", t, where)})
			return nil
		}
	}
	return &titles
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, form settingsForm, errs []formError) {
	title := "Inställningar – " + b.Name
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	s.renderPage(w, r, status, s.pages.bodySettings, settingsPageData{page: page{Title: title, Region: s.region, Home: "/"},
		Body: b.Name, Slug: b.Slug, Action: settingsPath(b.Slug), Members: membersPath(b.Slug), Plan: "/mina-organ/" + b.Slug,
		Done: bodyDone[r.URL.Query().Get("klart")], Form: form, Errors: errs, ErrorFor: errorFor(errs), CanChange: principalOf(r).Change(b.Slug),
		DefaultCall: s.mailTiming.CallDays, DefaultDeadline: s.mailTiming.CallDeadlineDays, DefaultNotice: s.mailTiming.NoticeDays,
		DefaultOpening: strings.Join(calendar.StandardOpening, ", "), DefaultClosing: strings.Join(calendar.StandardClosing, ", "),
		MaxStandard: calendar.MaxStandardItems})
}

// saveSettings answers POST /mina-organ/{slug}/installningar.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	form := settingsForm{Name: values.Get("namn"), Description: values.Get("beskrivning"), Approval: values.Get("justering") == "ja",
		CallDays: values.Get("inbjudan"), DeadlineDays: values.Get("sista-dag"), Notice: values.Get("kallelse"),
		Manual: values.Get("utskick") == "manuellt", Opening: values.Get("standard-borjan"), Closing: values.Get("standard-slutet"),
		Reset: values.Get("standard-aterstall") == "ja"}
	release := calendar.MailReleaseAuto
	if form.Manual {
		release = calendar.MailReleaseManual
	}
	var errs []formError
	name := strings.TrimSpace(form.Name)
	description := strings.TrimSpace(calendar.NormalizeNewlines(form.Description))
	if p := calendar.NameText.Check(name, true); p != nil {
		errs = append(errs, formError{"namn", swedishText("Namnet", "organets namn", p)})
	}
	if p := calendar.NoteText.Check(description, false); p != nil {
		errs = append(errs, formError{"beskrivning", swedishText("Beskrivningen", "beskrivningen", p)})
	}
	days := func(field, value, what string) *int {
		value = strings.TrimSpace(value)
		if value == "" {
			return nil
		}
		n, err := strconv.Atoi(value)
		if err != nil || !calendar.NotifyDaysRange.Contains(n) {
			errs = append(errs, formError{field, fmt.Sprintf("Skriv %s som ett helt antal dagar från %d till %d, eller lämna fältet tomt för standardvärdet.",
				what, calendar.NotifyDaysRange.Min, calendar.NotifyDaysRange.Max)})
			return nil
		}
		return &n
	}
	n := calendar.BodyNotify{CallDays: days("inbjudan", form.CallDays, "inbjudan"), CallDeadlineDays: days("sista-dag", form.DeadlineDays, "sista dagen"),
		NoticeDays: days("kallelse", form.Notice, "kallelsen")}
	oldOpening, oldClosing := defaultStandard(b.MinutesNeedApproval)
	newOpening, newClosing := defaultStandard(form.Approval)
	opening := standardOf(values, "standard-borjan", "i början", b.StandardOpening, [2][]string{oldOpening, newOpening}, form.Reset, &errs)
	closing := standardOf(values, "standard-slutet", "i slutet", b.StandardClosing, [2][]string{oldClosing, newClosing}, form.Reset, &errs)
	call, deadline := calendar.Or(n.CallDays, s.mailTiming.CallDays), calendar.Or(n.CallDeadlineDays, s.mailTiming.CallDeadlineDays)
	if len(errs) == 0 && call > 0 && deadline >= call {
		errs = append(errs, formError{"sista-dag", fmt.Sprintf("Sista dagen för förslag (%d dagar före) måste komma efter inbjudan (%d dagar före): skriv färre dagar.", deadline, call)})
	}
	if len(errs) > 0 {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, b, form, errs)
		return
	}
	_, err := s.store.UpdateBody(r.Context(), b.Slug, calendar.BodyUpdate{Name: &name, Description: &description, MinutesNeedApproval: &form.Approval, Notify: &n,
		MailRelease: &release, StandardOpening: opening, StandardClosing: closing})
	if calendar.ErrorCode(err) == calendar.EINVALID {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, b, form,
			[]formError{{"", "Inställningarna kunde inte sparas med de här uppgifterna. Kontrollera fälten och försök igen."}})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, settingsPath(b.Slug)+"?klart=sparad")
}
