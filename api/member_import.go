package api

// A body's member list from a spreadsheet:
// /mina-organ/{slug}/medlemmar/importera. The upload (CSV or XLSX) is
// shown row by row – what will happen and what is wrong – and nothing is
// written until "Importera" is pressed. The confirm carries the rows in a
// hidden field (as CSV) and plans them again against the store as it is
// then, in the transaction that writes them.

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// maxMemberFile is the largest member list taken (1 MiB): thousands of
// rows.
const maxMemberFile = 1 << 20

func memberImportPath(slug string) string { return membersPath(slug) + "/importera" }

// memberColumns are the column headers understood, Swedish and English,
// compared in lower case.
var memberColumns = map[string]string{
	"namn": "namn", "name": "namn", "fullständigt namn": "namn", "full name": "namn",
	"e-post": "epost", "epost": "epost", "e-postadress": "epost", "epostadress": "epost", "email": "epost", "e-mail": "epost", "mail": "epost",
	"organisation": "organisation", "organization": "organisation", "org": "organisation",
	"roll": "roll", "role": "roll",
	"från": "fran", "fran": "fran", "from": "fran", "första dag": "fran",
	"till": "till", "to": "till", "until": "till", "sista dag": "till",
	"rad": "rad", // the line in the original file, in the confirm's copy
}

// roleWords maps what a list may say to a role: the Swedish words, the
// stored values and English.
var roleWords = func() map[string]calendar.Role {
	m := map[string]calendar.Role{"chair": calendar.RoleChair, "vice chair": calendar.RoleViceChair, "secretary": calendar.RoleSecretary,
		"member": calendar.RoleMember, "substitute": calendar.RoleSubstitute, "official": calendar.RoleOfficial, "guest": calendar.RoleGuest,
		"contact person": calendar.RoleContactPerson, "contact": calendar.RoleContactPerson, "vice-ordförande": calendar.RoleViceChair}
	for _, r := range calendar.Roles {
		m[r.SwedishName()] = r
		m[string(r)] = r
	}
	return m
}()

func swedishRoleList() string {
	var names []string
	for _, r := range calendar.Roles {
		names = append(names, r.SwedishName())
	}
	return strings.Join(names[:len(names)-1], ", ") + " eller " + names[len(names)-1]
}

// memberLine is one row of the list as written.
type memberLine struct {
	Line                                         int
	Name, Email, Organisation, Role, From, Until string
}

// memberLines finds the columns by the header row and returns the rows
// below it. The error is in Swedish.
func memberLines(rows []tableRow) ([]memberLine, error) {
	if len(rows) == 0 {
		return nil, errors.New("Filen är tom.")
	}
	col := map[string]int{}
	for i, h := range rows[0].Cells {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if k, ok := memberColumns[h]; ok {
			if _, dup := col[k]; !dup {
				col[k] = i
			}
		}
	}
	var missing []string
	for _, k := range []string{"namn", "epost", "roll"} {
		if _, ok := col[k]; !ok {
			missing = append(missing, map[string]string{"namn": "namn", "epost": "e-post", "roll": "roll"}[k])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("Första raden ska ha kolumnrubrikerna namn, e-post, organisation och roll (och gärna från och till). Rubriken %s saknas.",
			strings.Join(missing, " och "))
	}
	cell := func(r tableRow, k string) string {
		i, ok := col[k]
		if !ok || i >= len(r.Cells) {
			return ""
		}
		return strings.TrimSpace(r.Cells[i])
	}
	var out []memberLine
	for _, r := range rows[1:] {
		l := memberLine{Line: r.Line, Name: cell(r, "namn"), Email: cell(r, "epost"), Organisation: cell(r, "organisation"),
			Role: cell(r, "roll"), From: cell(r, "fran"), Until: cell(r, "till")}
		if n, err := strconv.Atoi(cell(r, "rad")); err == nil && n > 0 {
			l.Line = n
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, errors.New("Filen har bara rubrikraden. Skriv en medlem per rad under den.")
	}
	return out, nil
}

// encodeMemberLines writes the rows as the CSV the confirm form carries.
func encodeMemberLines(ls []memberLine) string {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"rad", "namn", "e-post", "organisation", "roll", "från", "till"})
	for _, l := range ls {
		_ = cw.Write([]string{strconv.Itoa(l.Line), l.Name, l.Email, l.Organisation, l.Role, l.From, l.Until})
	}
	cw.Flush()
	return b.String()
}

// memberPlan is what the import does with one row.
type memberPlan struct {
	memberLine
	Person    string   // "Ny person" or "Finns: Anna Berg"
	Action    string   // "Nytt medlemskap", "Byter roll från ledamot", "Oförändrad", …
	Problems  []string // in Swedish; the row is not imported when there are any
	Period    string
	Unchanged bool

	person    *calendar.Person // stored, or new (ID 0)
	role      calendar.Role
	from, til calendar.Date
	update    *calendar.Membership // the membership to change, or nil to create one
}

// planMembers decides, against store, what each row does. Three reads:
// people, organisations and the body's memberships.
func planMembers(ctx context.Context, store calendar.Store, b *calendar.Body, ls []memberLine, today calendar.Date) ([]*memberPlan, error) {
	people, err := store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	orgs, err := store.FindOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := store.FindMemberships(ctx, calendar.MembershipFilter{Body: &b.Slug})
	if err != nil {
		return nil, err
	}
	byEmail := map[string]*calendar.Person{}
	for _, p := range people {
		byEmail[strings.ToLower(p.Email)] = p
	}
	orgOf := map[string]string{}
	for _, o := range orgs {
		orgOf[strings.ToLower(o.Slug)] = o.Slug
		orgOf[strings.ToLower(o.Name)] = o.Slug
	}
	rowsOf := map[string]int{} // rows per e-mail address
	for _, l := range ls {
		rowsOf[strings.ToLower(l.Email)]++
	}
	seen := map[string]int{} // "email/role" → line
	newPeople := map[string]*calendar.Person{}
	var out []*memberPlan
	for _, l := range ls {
		p := &memberPlan{memberLine: l}
		out = append(out, p)
		bad := func(format string, args ...any) { p.Problems = append(p.Problems, fmt.Sprintf(format, args...)) }
		if l.Name == "" {
			bad("Namn saknas.")
		} else if pr := calendar.NameText.Check(l.Name, true); pr != nil {
			bad("%s", swedishText("Namnet", "namnet", pr))
		} else if calendar.Slugify(l.Name) == "" {
			bad("Namnet behöver minst en bokstav eller siffra.")
		}
		email := strings.ToLower(l.Email)
		if l.Email == "" {
			bad("E-postadress saknas.")
		} else if a, err := mail.ParseAddress(l.Email); err != nil || a.Address != l.Email || a.Name != "" || calendar.EmailText.Check(l.Email, true) != nil {
			bad("%q är ingen e-postadress. Skriv den som anna.berg@kumla.se.", l.Email)
			email = ""
		}
		org := ""
		if l.Organisation != "" {
			if org = orgOf[strings.ToLower(l.Organisation)]; org == "" {
				bad("Organisationen %q finns inte i Samkal. Skriv en som finns, eller lämna fältet tomt.", l.Organisation)
			}
		}
		role, ok := roleWords[strings.ToLower(l.Role)]
		if l.Role == "" {
			bad("Roll saknas. Skriv en av: %s.", swedishRoleList())
		} else if !ok {
			bad("Rollen %q finns inte. Skriv en av: %s.", l.Role, swedishRoleList())
		}
		p.role = role
		date := func(v, what string) calendar.Date {
			if v == "" {
				return calendar.Date{}
			}
			d, err := calendar.ParseDate(v)
			if err != nil {
				bad("Skriv %s som år-månad-dag, till exempel 2026-01-01, inte %q.", what, v)
			}
			return d
		}
		p.from, p.til = date(l.From, "första dagen"), date(l.Until, "sista dagen")
		if !p.from.IsZero() && !p.til.IsZero() && p.til.Before(p.from) {
			bad("Sista dagen kan inte vara före första dagen.")
		}
		p.Period = period(&calendar.Membership{From: p.from, Until: p.til})
		if email != "" && ok {
			key := email + "/" + string(role)
			if first, dup := seen[key]; dup {
				bad("Samma person och roll står redan på rad %d.", first)
			} else {
				seen[key] = l.Line
			}
		}
		if len(p.Problems) > 0 || email == "" {
			continue
		}
		if stored := byEmail[email]; stored != nil {
			p.person = stored
			p.Person = "Finns: " + stored.Name
		} else if np := newPeople[email]; np != nil {
			p.person = np
			p.Person = "Ny person (som på raden ovan)"
		} else {
			p.person = &calendar.Person{Name: l.Name, Email: l.Email, Organisation: org}
			newPeople[email] = p.person
			p.Person = "Ny person"
		}
		p.Action = "Nytt medlemskap"
		if p.person.ID == 0 {
			continue
		}
		var current []*calendar.Membership
		for _, m := range ms {
			if m.Person == p.person.Key && (m.Until.IsZero() || !m.Until.Before(today)) {
				current = append(current, m)
			}
		}
		var same *calendar.Membership
		for _, m := range current {
			if m.Role == role {
				same = m
				break
			}
		}
		switch {
		case same != nil:
			from, til := same.From, same.Until
			if l.From != "" {
				from = p.from
			}
			if l.Until != "" {
				til = p.til
			}
			if from == same.From && til == same.Until {
				p.Action, p.Unchanged = "Oförändrad", true
			} else {
				p.Action, p.update, p.from, p.til = "Ny period", same, from, til
			}
			p.Period = period(&calendar.Membership{From: from, Until: til})
		case len(current) == 1 && rowsOf[email] == 1:
			// One role before, one in the list: the role changes.
			m := current[0]
			p.Action, p.update = "Byter roll från "+m.Role.SwedishName(), m
			if l.From == "" {
				p.from = m.From
			}
			if l.Until == "" {
				p.til = m.Until
			}
			p.Period = period(&calendar.Membership{From: p.from, Until: p.til})
		}
	}
	return out, nil
}

// writeMembers writes the planned rows without problems: new people (with
// a key from the name, as addMember makes it), new memberships, changed
// roles and periods.
func writeMembers(ctx context.Context, tx calendar.Store, b *calendar.Body, plans []*memberPlan) (int, error) {
	n := 0
	for _, p := range plans {
		if len(p.Problems) > 0 || p.Unchanged {
			continue
		}
		if p.person.ID == 0 {
			if err := createPerson(ctx, tx, p.person); err != nil {
				return n, fmt.Errorf("rad %d: %w", p.Line, err)
			}
		}
		var err error
		if p.update != nil {
			_, err = tx.UpdateMembership(ctx, p.update.ID, calendar.MembershipUpdate{Role: &p.role, From: &p.from, Until: &p.til})
		} else {
			err = tx.CreateMembership(ctx, &calendar.Membership{Body: b.Slug, Person: p.person.Key, Role: p.role, From: p.from, Until: p.til})
		}
		if err != nil {
			return n, fmt.Errorf("rad %d: %w", p.Line, err)
		}
		n++
	}
	return n, nil
}

// createPerson stores a new person under a key made from the name,
// numbered when it is taken ("anna-berg-2").
func createPerson(ctx context.Context, tx calendar.Store, person *calendar.Person) error {
	base := calendar.Slugify(person.Name)
	key := base
	for n := 2; ; n++ {
		_, err := tx.FindPersonByKey(ctx, key)
		if calendar.IsNotFound(err) {
			break
		}
		if err != nil {
			return err
		}
		key = fmt.Sprintf("%s-%d", base, n)
	}
	person.Key = key
	return tx.CreatePerson(ctx, person)
}

type memberImportPage struct {
	page
	Body, Slug, Action, Confirm, Members string
	FileName                             string
	Errors                               []formError
	ErrorFor                             map[string]string
	Rows                                 []*memberPlan
	Content                              string // the rows as CSV, for the confirm
	Problems, Writes                     int
	ProblemsText, WritesText             string // "1 rad har fel", "2 rader sparas"
	Skip                                 bool
	Roles                                string
}

func (s *Server) renderMemberImport(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, data memberImportPage) {
	title := "Importera medlemmar – " + b.Name
	if data.Rows != nil {
		title = "Förhandsgranska import – " + b.Name
	}
	if len(data.Errors) > 0 {
		title = "Fel: " + title
	}
	data.page = page{Title: title, Region: s.region, Home: "/"}
	data.Body, data.Slug, data.Members = b.Name, b.Slug, membersPath(b.Slug)
	data.Action, data.Confirm = memberImportPath(b.Slug), memberImportPath(b.Slug)+"/spara"
	data.ErrorFor, data.Roles = errorFor(data.Errors), swedishRoleList()
	for _, p := range data.Rows {
		if len(p.Problems) > 0 {
			data.Problems++
		} else if !p.Unchanged {
			data.Writes++
		}
	}
	rows := func(n int) string {
		if n == 1 {
			return "1 rad"
		}
		return strconv.Itoa(n) + " rader"
	}
	data.WritesText, data.ProblemsText = rows(data.Writes)+" sparas", rows(data.Problems)+" har fel"
	s.renderPage(w, r, status, s.pages.memberImport, data)
}

// memberImportPage answers GET …/medlemmar/importera: the upload form.
func (s *Server) memberImportPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	s.renderMemberImport(w, r, http.StatusOK, b, memberImportPage{})
}

// previewMemberImport answers POST …/medlemmar/importera (multipart): the
// preview. It writes nothing.
func (s *Server) previewMemberImport(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	up, ok, err := s.readUpload(w, r, maxMemberFile)
	if !ok {
		return
	}
	fileErr := func(status int, msg string) {
		s.renderMemberImport(w, r, status, b, memberImportPage{FileName: up.Name, Errors: []formError{{uploadField, msg}}})
	}
	switch {
	case errors.Is(err, errUploadTooLarge):
		fileErr(http.StatusRequestEntityTooLarge, "Filen är större än 1 MB. Dela upp den i flera filer.")
		return
	case errors.Is(err, errNoFile):
		fileErr(http.StatusUnprocessableEntity, "Välj en fil med medlemslistan (CSV eller XLSX).")
		return
	}
	rows, err := readTable(up.Data)
	var ls []memberLine
	if err == nil {
		ls, err = memberLines(rows)
	}
	if err != nil {
		fileErr(http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.showMemberPlan(w, r, http.StatusOK, b, up.Name, ls, false, nil)
}

func (s *Server) showMemberPlan(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, name string, ls []memberLine, skip bool, errs []formError) {
	plans, err := planMembers(r.Context(), s.store, b, ls, calendar.DateOf(s.now()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderMemberImport(w, r, status, b, memberImportPage{FileName: name, Rows: plans, Content: encodeMemberLines(ls), Skip: skip, Errors: errs})
}

// saveMemberImport answers POST …/medlemmar/importera/spara: the rows of
// the hidden field are planned again and written in one transaction. Rows
// with problems are skipped only when the secretary chose so; otherwise
// nothing is written.
func (s *Server) saveMemberImport(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.pageForm(w, r, 4*maxMemberFile)
	if !ok {
		return
	}
	name, skip := values.Get("filnamn"), values.Get("hoppa-over") == "ja"
	rows, err := readTable([]byte(values.Get("innehall")))
	var ls []memberLine
	if err == nil {
		ls, err = memberLines(rows)
	}
	if err != nil {
		s.renderMemberImport(w, r, http.StatusUnprocessableEntity, b, memberImportPage{
			Errors: []formError{{uploadField, "Listan kom inte fram hel. Välj filen igen."}}})
		return
	}
	ctx := r.Context()
	var plans []*memberPlan
	var written int
	refused := errors.New("rows with problems")
	err = s.store.InTx(ctx, func(tx calendar.Store) error {
		var err error
		if plans, err = planMembers(ctx, tx, b, ls, calendar.DateOf(s.now())); err != nil {
			return err
		}
		for _, p := range plans {
			if len(p.Problems) > 0 && !skip {
				return refused
			}
		}
		written, err = writeMembers(ctx, tx, b, plans)
		return err
	})
	switch {
	case errors.Is(err, refused):
		s.renderMemberImport(w, r, http.StatusUnprocessableEntity, b, memberImportPage{FileName: name, Rows: plans, Content: encodeMemberLines(ls),
			Errors: []formError{{"hoppa-over", "Några rader har fel. Rätta filen och välj den igen, eller välj att hoppa över raderna med fel."}}})
		return
	case calendar.ErrorCode(err) == calendar.ECONFLICT || calendar.ErrorCode(err) == calendar.EINVALID:
		line, _, _ := strings.Cut(err.Error(), ":")
		s.showMemberPlan(w, r, http.StatusUnprocessableEntity, b, name, ls, skip,
			[]formError{{"", "Ingenting importerades: " + line + " kunde inte sparas (personen kan redan ha haft rollen från samma dag). Rätta raden och försök igen."}})
		return
	case err != nil:
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, membersPath(b.Slug)+"?importerade="+strconv.Itoa(written))
}
