package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

// The account pages under /konto/ are for a signed-in person: here, the
// page /konto/nycklar where they list, make and revoke their personal API
// tokens (the same rules as /api/v1/tokens, see tokens.go). They work
// without JavaScript: each form posts to the server, which answers with
// the page. A new token's secret is shown once, in the answer to the form
// that made it, in a read-only field that is easy to select and copy; the
// answer is never cached (Cache-Control: no-store, as on the personal
// pages).

// isAccountPath reports whether path is an account page.
func isAccountPath(path string) bool { return strings.HasPrefix(path, "/konto/") || path == "/konto" }

type tokensPage struct {
	page
	Person   string
	Tokens   []tokenRow
	Created  *createdToken
	Revoked  string // the name of the token just revoked
	Form     tokenForm
	Errors   []formError
	ErrorFor map[string]string
	Example  string // an expiry to show as an example, 90 days ahead
}

type tokenRow struct {
	Name, Scope, Created, LastUsed, Expires, Status string
	Live                                            bool
	Revoke                                          string // the revoke form's action
}

type createdToken struct{ Name, Secret string }

// tokenForm is what was typed into the form, kept when it is shown again.
type tokenForm struct{ Name, Scope, Expires string }

// tableTime is a time in the table of tokens: "2025-01-10 09.00", or
// "–" for none.
func tableTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return calendar.In(t).Format("2006-01-02 15.04")
}

// accountPerson returns the signed-in person's key, and answers the page
// itself when the caller is no person (the admin token).
func (s *Server) accountPerson(w http.ResponseWriter, r *http.Request) (string, bool) {
	p := principalOf(r)
	if p.Person() == "" {
		s.accountNotice(w, r, http.StatusForbidden, "Sidan är för personer",
			"Administratörsnyckeln hör inte till någon person och har därför inga egna API-nycklar.",
			"Logga in som dig själv för att se och skapa dina nycklar.")
		return "", false
	}
	return p.Person(), true
}

// accountNotice answers an account page with a short Swedish message.
func (s *Server) accountNotice(w http.ResponseWriter, r *http.Request, status int, heading string, lines ...string) {
	s.renderPage(w, r, status, s.pages.linkNotice, messagePage{page: page{Title: heading, Region: s.region, Home: "/"}, Heading: heading, Lines: lines})
}

// signInFirst answers a page that needs a signed-in person when the
// caller is anonymous: 401 with a Swedish page that leads to sign-in.
func (s *Server) signInFirst(w http.ResponseWriter, r *http.Request) {
	s.accountNotice(w, r, http.StatusUnauthorized, "Logga in först",
		"Den här sidan visar dina egna uppgifter, så du behöver vara inloggad för att se den.",
		"Logga in på /logga-in och öppna sedan sidan igen.")
}

// tokensPage answers GET /konto/nycklar.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	person, ok := s.accountPerson(w, r)
	if !ok {
		return
	}
	s.renderTokens(w, r, http.StatusOK, person, tokensPage{Form: tokenForm{Scope: string(calendar.ScopeRead)}})
}

// createTokenForm answers POST /konto/nycklar: the page with the new
// secret shown once (200, not a redirect: the secret must not travel in
// an address), or the form again with its errors named (422).
func (s *Server) createTokenForm(w http.ResponseWriter, r *http.Request) {
	person, ok := s.accountPerson(w, r)
	if !ok {
		return
	}
	if principalOf(r).Actor.Via != calendar.ViaSession {
		s.accountNotice(w, r, http.StatusForbidden, "Nycklar skapas av inloggade personer",
			"En API-nyckel kan inte skapa nya nycklar. Logga in i webbläsaren och skapa nyckeln här.")
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	form := tokenForm{Name: strings.TrimSpace(values.Get("namn")), Scope: values.Get("behorighet"), Expires: strings.TrimSpace(values.Get("giltig"))}
	k, errs := form.token(person, calendar.DateOf(s.now()))
	if len(errs) == 0 {
		secret, err := s.store.CreateAPIToken(r.Context(), k)
		switch calendar.ErrorCode(err) {
		case "":
			s.renderTokens(w, r, http.StatusOK, person, tokensPage{Created: &createdToken{Name: k.Name, Secret: secret},
				Form: tokenForm{Scope: string(calendar.ScopeRead)}})
			return
		case calendar.ECONFLICT:
			errs = []formError{{"", "Du har redan så många nycklar som går att ha. Återkalla en som du inte använder och försök igen."}}
		case calendar.EINVALID:
			errs = []formError{{"", "Nyckeln kunde inte skapas med de här uppgifterna. Kontrollera namnet och datumet och försök igen."}}
		default:
			s.Error(w, r, err)
			return
		}
	}
	s.renderTokens(w, r, http.StatusUnprocessableEntity, person, tokensPage{Form: form, Errors: errs})
}

// token checks the form in Swedish, the same rules as
// calendar.APIToken.Validate, and returns the token to make.
func (f tokenForm) token(person string, today calendar.Date) (*calendar.APIToken, []formError) {
	var errs []formError
	k := &calendar.APIToken{Person: person, Name: f.Name, Scope: calendar.TokenScope(f.Scope)}
	switch {
	case f.Name == "":
		errs = append(errs, formError{"namn", "Skriv ett namn på nyckeln."})
	case utf8.RuneCountInString(f.Name) > 200 || strings.ContainsAny(f.Name, "\r\n\t"):
		errs = append(errs, formError{"namn", "Namnet får vara högst 200 tecken på en rad."})
	case calendar.NameText.Check(f.Name, true) != nil:
		errs = append(errs, formError{"namn", "Namnet innehåller tecken som inte går att spara. Använd bokstäver, siffror och vanliga skiljetecken."})
	}
	if k.Scope != calendar.ScopeRead && k.Scope != calendar.ScopeWrite {
		errs = append(errs, formError{"behorighet", "Välj om nyckeln bara får läsa eller också ändra."})
	}
	last := today.AddDays(calendar.MaxTokenDays)
	d, err := calendar.ParseDate(f.Expires)
	switch {
	case f.Expires == "":
		errs = append(errs, formError{"giltig", fmt.Sprintf("Skriv sista dagen nyckeln ska fungera, till exempel %s.", today.AddDays(90))})
	case err != nil:
		errs = append(errs, formError{"giltig", fmt.Sprintf("Skriv datumet som år-månad-dag, till exempel %s.", today.AddDays(90))})
	case d.Before(today):
		errs = append(errs, formError{"giltig", "Datumet har redan varit. Välj en dag från och med i dag."})
	case last.Before(d):
		errs = append(errs, formError{"giltig", fmt.Sprintf("En nyckel kan gälla högst ett år, till och med %s. Skapa en ny nyckel när den här slutar gälla.", last)})
	}
	k.Expires = d
	return k, errs
}

// revokeTokenForm answers POST /konto/nycklar/{id}/aterkalla: the page
// saying the token is revoked; a token that is not the caller's, or is
// already revoked, is the page with a message (404).
func (s *Server) revokeTokenForm(w http.ResponseWriter, r *http.Request) {
	person, ok := s.accountPerson(w, r)
	if !ok {
		return
	}
	if p := principalOf(r); p.ReadOnly {
		s.accountNotice(w, r, http.StatusForbidden, "Nyckeln får bara läsa",
			"Den här API-nyckeln får bara läsa. Logga in i webbläsaren för att återkalla nycklar.")
		return
	}
	id, err := pathID(r, "token")
	var name string
	if err == nil {
		var ks []*calendar.APIToken
		if ks, err = s.store.FindAPITokens(r.Context(), person); err == nil {
			for _, k := range ks {
				if k.ID == id {
					name = k.Name
				}
			}
			err = s.store.RevokeAPIToken(r.Context(), person, id)
		}
	}
	switch calendar.ErrorCode(err) {
	case "":
		s.renderTokens(w, r, http.StatusOK, person, tokensPage{Revoked: name, Form: tokenForm{Scope: string(calendar.ScopeRead)}})
	case calendar.ENOTFOUND, calendar.EINVALID:
		s.renderTokens(w, r, http.StatusNotFound, person, tokensPage{Form: tokenForm{Scope: string(calendar.ScopeRead)},
			Errors: []formError{{"", "Nyckeln finns inte bland dina aktiva nycklar. Den kan redan vara återkallad."}}})
	default:
		s.Error(w, r, err)
	}
}

// accountForm reads a posted form of an account page; it answers the page
// itself when the body is no form or too large.
func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	return s.pageForm(w, r, maxFormBody)
}

// pageForm is accountForm for a form of at most limit bytes: the import
// pages carry the uploaded file's content in a hidden field.
func (s *Server) pageForm(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		s.accountNotice(w, r, http.StatusUnsupportedMediaType, "Formuläret kunde inte tas emot",
			"Det som skickades var inte formuläret från sidan. Ingenting har sparats.")
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.accountNotice(w, r, http.StatusRequestEntityTooLarge, "Det du skrev är för långt",
				"Formuläret är större än vi tar emot. Ingenting har sparats.")
			return nil, false
		}
		s.accountNotice(w, r, http.StatusBadRequest, "Formuläret kunde inte läsas",
			"Formuläret kom inte fram helt. Ingenting har sparats. Försök igen.")
		return nil, false
	}
	return r.PostForm, true
}

// renderTokens fills in the person's tokens and renders the page.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, person string, data tokensPage) {
	ks, err := s.store.FindAPITokens(r.Context(), person)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rights, err := s.store.FindRights(r.Context(), person, calendar.DateOf(s.now()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title := "API-nycklar"
	if len(data.Errors) > 0 && status == http.StatusUnprocessableEntity {
		title = "Fel: " + title
	}
	today := calendar.DateOf(s.now())
	data.page = page{Title: title, Region: s.region, Home: "/"}
	data.Person, data.Example = rights.Name, today.AddDays(90).String()
	data.ErrorFor = map[string]string{}
	for _, e := range data.Errors {
		if e.Field != "" {
			data.ErrorFor[e.Field] = e.Message
		}
	}
	for _, k := range ks {
		row := tokenRow{Name: k.Name, Scope: "Läsa", Created: tableTime(k.CreatedAt), LastUsed: tableTime(k.LastUsedAt), Expires: k.Expires.String(),
			Revoke: "/konto/nycklar/" + strconv.FormatInt(k.ID, 10) + "/aterkalla"}
		if k.Scope == calendar.ScopeWrite {
			row.Scope = "Läsa och ändra"
		}
		switch {
		case !k.RevokedAt.IsZero():
			row.Status = "Återkallad " + tableTime(k.RevokedAt)
		case k.Expires.Before(today):
			row.Status = "Har slutat gälla"
		default:
			row.Status, row.Live = "Aktiv", true
		}
		data.Tokens = append(data.Tokens, row)
	}
	s.renderPage(w, r, status, s.pages.tokens, data)
}
