package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The admins' pages, under /administration: what issue 9 built for the
// CLI and the API (samkal users grant|revoke, samkal people export|erase,
// DELETE /api/v1/people/{key}/sessions), for an admin with a browser.
//
//   - /administration/roller lists who is admin and who is secretary of
//     which body by an explicit grant (a stand-in, say), gives a role to a
//     person found by email, and takes one back.
//   - /administration/personer finds a person by name or email;
//     /administration/personer/{key} shows their roles and live sessions,
//     signs them out everywhere, downloads everything held about them
//     (GDPR art. 15) and, after a page of its own that says what happens,
//     erases them (art. 17).
//
// Every route has the rule adminOnly: strangers are sent to sign in, and
// everyone else gets the Swedish 403 page.

const adminPath = "/administration"

type adminRolesPage struct {
	page
	Grants          []adminGrant
	Bodies          []kindOption
	Email, Role     string
	Body            string // the body chosen in the grant form
	Errors          []formError
	ErrorFor        map[string]string
	Saved, PeopleAt string
}

type adminGrant struct {
	Person, PersonName, PersonPath string
	Role, RoleText, Body           string
	Self                           bool // the caller's own admin role: not taken back here
}

// adminRoles answers GET /administration/roller.
func (s *Server) adminRoles(w http.ResponseWriter, r *http.Request) {
	data := adminRolesPage{Role: string(calendar.AccessSecretary)}
	switch r.URL.Query().Get("klart") {
	case "given":
		data.Saved = "Rollen är given."
	case "borttagen":
		data.Saved = "Rollen är borttagen."
	}
	s.renderAdminRoles(w, r, http.StatusOK, data)
}

func (s *Server) renderAdminRoles(w http.ResponseWriter, r *http.Request, status int, data adminRolesPage) {
	ctx := r.Context()
	grants, err := s.store.FindGrants(ctx, calendar.GrantFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	bodies, err := s.store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	names := map[string]string{}
	for _, p := range people {
		names[p.Key] = p.Name
	}
	bodyName := map[string]string{}
	data.Bodies = []kindOption{{Value: "", Label: "Välj organ", Selected: data.Body == ""}}
	for _, b := range bodies {
		bodyName[b.Slug] = b.Name
		data.Bodies = append(data.Bodies, kindOption{Value: b.Slug, Label: b.Name, Selected: b.Slug == data.Body})
	}
	me := principalOf(r).Person()
	for _, g := range grants {
		ag := adminGrant{Person: g.Person, PersonName: names[g.Person], PersonPath: adminPath + "/personer/" + url.PathEscape(g.Person),
			Role: string(g.Role), Body: g.Body, RoleText: "Administratör"}
		if g.Role == calendar.AccessSecretary {
			ag.RoleText = "Sekreterare för " + bodyName[g.Body]
		}
		ag.Self = g.Role == calendar.AccessAdmin && g.Person == me
		data.Grants = append(data.Grants, ag)
	}
	slices.SortStableFunc(data.Grants, func(a, b adminGrant) int {
		if c := strings.Compare(b.Role, a.Role); c != 0 { // secretary after admin
			return -c
		}
		return strings.Compare(a.PersonName, b.PersonName)
	})
	data.ErrorFor = errorsByField(data.Errors)
	data.PeopleAt = adminPath + "/personer"
	data.page = s.page(errorTitle("Roller", data.Errors))
	s.renderPage(w, r, status, s.pages.adminRoles, data)
}

// grantRoleForm answers POST /administration/roller.
func (s *Server) grantRoleForm(w http.ResponseWriter, r *http.Request) {
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	data := adminRolesPage{Email: strings.TrimSpace(values.Get("epost")), Role: values.Get("roll"), Body: values.Get("organ")}
	g := calendar.Grant{Role: calendar.AccessRole(data.Role), Body: data.Body}
	switch {
	case data.Email == "":
		data.Errors = append(data.Errors, formError{"epost", "Skriv e-postadressen till den som ska få rollen."})
	default:
		p, err := s.store.FindPersonByEmail(r.Context(), data.Email)
		switch {
		case calendar.IsNotFound(err):
			data.Errors = append(data.Errors, formError{"epost", "Ingen person i Samkal har den e-postadressen. Lägg först till personen som medlem i ett organ."})
		case err != nil:
			s.Error(w, r, err)
			return
		default:
			g.Person = p.Key
		}
	}
	switch g.Role {
	case calendar.AccessAdmin:
		g.Body = ""
	case calendar.AccessSecretary:
		if g.Body == "" {
			data.Errors = append(data.Errors, formError{"organ", "Välj vilket organ personen ska vara sekreterare för."})
		}
	default:
		data.Errors = append(data.Errors, formError{"roll", "Välj sekreterare eller administratör."})
	}
	if len(data.Errors) == 0 {
		_, err := s.store.GrantRole(r.Context(), g)
		switch {
		case calendar.ErrorCode(err) == calendar.EINVALID:
			data.Errors = append(data.Errors, formError{"organ", "Välj ett organ i listan."})
		case err != nil:
			s.Error(w, r, err)
			return
		}
	}
	if len(data.Errors) > 0 {
		s.renderAdminRoles(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	s.wrote()
	seeOther(w, adminPath+"/roller?klart=given")
}

// revokeRoleForm answers POST /administration/roller/ta-bort. An admin
// does not take back their own admin role here: with no other admin that
// would lock everyone out of these pages (the CLI can, on the server).
func (s *Server) revokeRoleForm(w http.ResponseWriter, r *http.Request) {
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	g := calendar.Grant{Person: values.Get("person"), Role: calendar.AccessRole(values.Get("roll")), Body: values.Get("organ")}
	if g.Role == calendar.AccessAdmin && g.Person == principalOf(r).Person() {
		s.renderAdminRoles(w, r, http.StatusUnprocessableEntity, adminRolesPage{Role: string(calendar.AccessSecretary),
			Errors: []formError{{"", "Du kan inte ta bort din egen administratörsroll. Be en annan administratör om det."}}})
		return
	}
	err := s.store.RevokeRole(r.Context(), g)
	if err != nil && !calendar.IsNotFound(err) { // gone already: what was asked for holds
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, adminPath+"/roller?klart=borttagen")
}

type adminPeoplePage struct {
	page
	Query    string
	Searched bool
	Found    []adminPersonItem
	More     int
	RolesAt  string
}

type adminPersonItem struct{ Name, Email, Path string }

// adminPeopleShown is how many people a search lists; a longer list asks
// for a narrower search.
const adminPeopleShown = 50

// adminPeople answers GET /administration/personer?q=…: people whose name
// or email holds the search, case-insensitively.
func (s *Server) adminPeople(w http.ResponseWriter, r *http.Request) {
	data := adminPeoplePage{page: s.page("Personer"), Query: strings.TrimSpace(r.URL.Query().Get("q")), RolesAt: adminPath + "/roller"}
	if data.Query != "" {
		data.Searched = true
		people, err := s.store.FindPeople(r.Context(), calendar.PersonFilter{})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		q := strings.ToLower(data.Query)
		for _, p := range people {
			if !strings.Contains(strings.ToLower(p.Name), q) && !strings.Contains(strings.ToLower(p.Email), q) {
				continue
			}
			if len(data.Found) == adminPeopleShown {
				data.More++
				continue
			}
			data.Found = append(data.Found, adminPersonItem{Name: p.Name, Email: p.Email, Path: adminPath + "/personer/" + url.PathEscape(p.Key)})
		}
		data.Title = fmt.Sprintf("Personer: %s", data.Query)
	}
	s.renderPage(w, r, http.StatusOK, s.pages.adminPeople, data)
}

type adminPersonPage struct {
	page
	Person         *calendar.Person
	Erased         bool
	Roles          []string
	Sessions       []adminSession
	Saved          string
	Path, PeopleAt string
	Confirm        bool // the erase page: say what happens, then ask
}

type adminSession struct{ Via, Since, Seen string }

// adminPerson answers GET /administration/personer/{key}, and
// …/radera, the page that asks before erasing.
func (s *Server) adminPerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := mux.Vars(r)["key"]
	p, err := s.store.FindPersonByKey(ctx, key)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := adminPersonPage{Person: p, Erased: strings.HasPrefix(p.Key, calendar.ErasedKeyPrefix),
		Path: adminPath + "/personer/" + url.PathEscape(p.Key), PeopleAt: adminPath + "/personer",
		Confirm: strings.HasSuffix(r.URL.Path, "/radera")}
	grants, err := s.store.FindGrants(ctx, calendar.GrantFilter{Person: &p.Key})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	bodies, err := s.store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	bodyName := map[string]string{}
	for _, b := range bodies {
		bodyName[b.Slug] = b.Name
	}
	for _, g := range grants {
		if g.Role == calendar.AccessAdmin {
			data.Roles = append(data.Roles, "Administratör")
		} else {
			data.Roles = append(data.Roles, "Sekreterare för "+bodyName[g.Body])
		}
	}
	sessions, err := s.store.FindSessions(ctx, p.Key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, se := range sessions {
		via := "en inloggningslänk i e-post"
		if se.Via == "oidc" {
			via = "organisationens inloggning"
		}
		data.Sessions = append(data.Sessions, adminSession{Via: via, Since: swedishStamp(se.CreatedAt), Seen: swedishStamp(se.LastSeenAt)})
	}
	switch r.URL.Query().Get("klart") {
	case "utloggad":
		data.Saved = "Personen är utloggad överallt."
	case "raderad":
		data.Saved = "Personen är raderad."
	}
	title := p.Name
	if data.Confirm {
		title = "Radera " + p.Name
	}
	data.page = s.page(title)
	s.renderPage(w, r, http.StatusOK, s.pages.adminPerson, data)
}

// adminSignOut answers POST /administration/personer/{key}/logga-ut.
func (s *Server) adminSignOut(w http.ResponseWriter, r *http.Request) {
	key := mux.Vars(r)["key"]
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	if _, err := s.store.EndSessions(r.Context(), key); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, adminPath+"/personer/"+url.PathEscape(key)+"?klart=utloggad")
}

// adminErase answers POST /administration/personer/{key}/radera, and
// sends the admin to the person row as it is now: "Borttagen person".
func (s *Server) adminErase(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.accountForm(w, r); !ok {
		return
	}
	x, err := s.store.ErasePerson(r.Context(), mux.Vars(r)["key"])
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.feeds.dropPeople()
	seeOther(w, adminPath+"/personer/"+url.PathEscape(x.Person)+"?klart=raderad")
}
