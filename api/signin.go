package api

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// Signing in with an emailed link, the account page and signing out.
//
//   - GET /logga-in asks for an email address (and, when OIDC is
//     configured, offers the organisation's account). POST /logga-in
//     answers the same page whether or not the address is known, so that
//     the form tells nobody who has an account. For a known person it makes
//     a one-time link (calendar.SignInLinkWindow, at most
//     calendar.MaxSignInLinks per person in that time, counted by the
//     store for every replica) and puts the email with it in the outbox
//     (Options.SignInMail composes it, Options.MailQueued wakes the
//     delivery). The handler sends no mail itself.
//   - GET /logga-in/{token} shows one button; only its POST uses the link,
//     so that a mail scanner that opens every link signs nobody in. A used,
//     expired or unknown link gets one page that says so.
//   - GET /konto shows who is signed in, their roles, bodies and sessions,
//     with "Logga ut" (POST /logga-ut) and "Logga ut överallt" (POST
//     /logga-ut/overallt). Anonymous callers are sent to /logga-in.
//
// Every answer under these paths is personal (see isPersonalPath): not
// stored by any cache, no referrer. The rate limits apply as to every
// route: anonymous POSTs count as anonymous writes, and /logga-in/{token}
// is a token route.

// signInPage is the sign-in form, and what the form answers.
type signInPage struct {
	page
	// Mail is whether Samkal can email links (Options.SignInMail).
	Mail bool
	// OIDC is whether the organisation's sign-in is configured; the page
	// then links /logga-in/oidc (carrying Next).
	OIDC  bool
	Next  string // a local path to return to, "" for /konto
	Email string // as typed, on an error
	// Sent is the answer to a valid POST: the same for any address.
	Sent     bool
	Errors   []formError
	ErrorFor map[string]string
}

// signInLinkPage is the one-button page of an emailed link.
type signInLinkPage struct {
	page
	Action string
}

// accountPage is /konto.
type accountPage struct {
	page
	Name, Email, Organisation string
	Admin                     bool
	Secretary                 []secretaryRole
	Bodies                    []string
	Sessions                  []sessionItem
}

type secretaryRole struct {
	Body string // the body's name
	// Why is "utsedd" (a role grant) or "sekreterare i organet" (a
	// sekreterare membership active today), or both.
	Why string
}

type sessionItem struct {
	Created, LastSeen, Via string
	Current                bool
}

// viewer is the signed-in person as every page's header shows them.
type viewer struct {
	Name string
	// Keeps is true for a secretary of any body and an admin: the header
	// links "Mina organ".
	Keeps bool
	// Admin is true for an admin: the header links "Administration".
	Admin bool
}

// signInOIDC reports whether the organisation's sign-in (OIDC) is
// configured, so that /logga-in offers it: it asks s.oidcEnabled, which
// the OIDC part of the server defines; until then there is none. (The
// interface keeps this file free of that part, so either builds alone.)
func (s *Server) signInOIDC() bool {
	o, ok := any(s).(interface{ oidcEnabled() bool })
	return ok && o.oidcEnabled()
}

// signInPage answers GET /logga-in.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, r, http.StatusOK, "", nil, false)
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, email string, errs []formError, sent bool) {
	title := "Logga in"
	if len(errs) > 0 {
		title = "Fel: " + title
	} else if sent {
		title = "Kolla din e-post"
	}
	data := signInPage{page: s.page(title), Mail: s.signInMail != nil, OIDC: s.signInOIDC(), Next: localPath(r.FormValue("next")),
		Email: email, Sent: sent, Errors: errs, ErrorFor: map[string]string{}}
	for _, e := range errs {
		data.ErrorFor[e.Field] = e.Message
	}
	s.renderPage(w, r, status, s.pages.signIn, data)
}

// localPath returns p when it is a path on this site ("/konto"), else "":
// a next= that leads elsewhere would make the sign-in an open redirect.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") || len(p) > 200 {
		return ""
	}
	return p
}

// requestSignInLink answers POST /logga-in: an address that is not one
// gets the form again with the error (422); any other gets the same page,
// and a known person's link is queued. What went wrong for a known person
// (the limit of links, an address that cannot be mailed) is logged, never
// shown: the answer must not differ.
func (s *Server) requestSignInLink(w http.ResponseWriter, r *http.Request) {
	if s.signInMail == nil {
		s.renderSignIn(w, r, http.StatusOK, "", nil, false)
		return
	}
	values := s.readForm(w, r, nil)
	if values == nil {
		return
	}
	email := strings.TrimSpace(values.Get("epost"))
	if msg := emailProblem(email); msg != "" {
		s.renderSignIn(w, r, http.StatusUnprocessableEntity, email, []formError{{"epost", msg}}, false)
		return
	}
	p, err := s.store.FindPersonByEmail(r.Context(), email)
	switch {
	case calendar.IsNotFound(err):
	case err != nil:
		s.Error(w, r, err)
		return
	default:
		s.mailSignInLink(r.Context(), p)
	}
	s.renderSignIn(w, r, http.StatusOK, "", nil, true)
}

// mailSignInLink makes a link for p and queues the email with it; what
// fails is logged (with the person's key, never the link).
func (s *Server) mailSignInLink(ctx context.Context, p *calendar.Person) {
	secret, err := s.store.CreateSignInLink(ctx, p.Key, calendar.SignInLinkWindow)
	if calendar.ErrorCode(err) == calendar.ECONFLICT {
		s.log.InfoContext(ctx, "sign-in link not sent: the person's limit of links is reached", "person", p.Key,
			"limit", calendar.MaxSignInLinks, "per", calendar.SignInLinkWindow)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "sign-in link not made", "person", p.Key, "err", err)
		return
	}
	now := s.now()
	msg, err := s.signInMail(p, s.baseURL+"/logga-in/"+secret, now.Add(calendar.SignInLinkWindow), now)
	s.enqueueAsked(ctx, "sign-in", p, msg, err)
}

// signInLinkPage answers GET /logga-in/{token}: one button, which posts
// the link. Opening the link uses nothing.
func (s *Server) signInLinkPage(w http.ResponseWriter, r *http.Request) {
	token := mux.Vars(r)["token"]
	if !plausibleToken(token) {
		s.signInLinkGone(w, r)
		return
	}
	s.renderPage(w, r, http.StatusOK, s.pages.signInLink, signInLinkPage{page: s.page("Logga in"), Action: "/logga-in/" + token})
}

// useSignInLink answers POST /logga-in/{token}: the link is used up, a new
// session starts (a new session ID, the old one ended) and the answer is
// 303 to /konto.
func (s *Server) useSignInLink(w http.ResponseWriter, r *http.Request) {
	token := mux.Vars(r)["token"]
	if !plausibleToken(token) {
		s.signInLinkGone(w, r)
		return
	}
	person, err := s.store.UseSignInLink(r.Context(), token)
	if calendar.IsNotFound(err) {
		s.signInLinkGone(w, r)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.signIn(w, r, person, "link"); err != nil {
		s.Error(w, r, err)
		return
	}
	seeOther(w, "/konto")
}

// signInLinkGone is the one answer for a link that is used, expired or
// unknown (404, so that guessing counts as misses).
func (s *Server) signInLinkGone(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, http.StatusNotFound, s.pages.signInGone, s.page("Länken har redan använts eller gått ut"))
}

// accountPage answers GET /konto.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := principalOf(r)
	if pr.Person() == "" { // the admin token is no one to show
		http.Redirect(w, r, "/logga-in?next=/konto", http.StatusSeeOther)
		return
	}
	p, err := s.store.FindPersonByKey(ctx, pr.Person())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	bodyName := func(slug string) string {
		if b := n.bodies[slug]; b != nil {
			return b.Name
		}
		return slug
	}
	data := accountPage{page: s.page("Ditt konto"), Name: p.Name, Email: p.Email, Admin: pr.Rights.Admin}
	if p.Organisation != "" {
		o, err := s.store.FindOrganisationBySlug(ctx, p.Organisation)
		switch {
		case err == nil:
			data.Organisation = o.Name
		case !calendar.IsNotFound(err):
			s.Error(w, r, err)
			return
		}
	}
	grants, err := s.store.FindGrants(ctx, calendar.GrantFilter{Person: &p.Key})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	today := calendar.DateOf(s.now())
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &p.Key, ActiveOn: &today})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	why := map[string][]string{}
	for _, g := range grants {
		if g.Role == calendar.AccessSecretary {
			why[g.Body] = append(why[g.Body], "utsedd som sekreterare")
		}
	}
	for _, m := range ms {
		if m.Role == calendar.RoleSecretary && !slices.Contains(why[m.Body], "sekreterare i organet") {
			why[m.Body] = append(why[m.Body], "sekreterare i organet")
		}
	}
	for _, slug := range sortedKeys(why) {
		data.Secretary = append(data.Secretary, secretaryRole{Body: bodyName(slug), Why: swedishList(why[slug])})
	}
	for _, slug := range sortedKeys(pr.Rights.Member) {
		data.Bodies = append(data.Bodies, bodyName(slug))
	}
	sessions, err := s.store.FindSessions(ctx, p.Key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	current := sessionOf(r)
	for _, x := range sessions {
		via := "med en länk i e-post"
		if x.Via == "oidc" {
			via = "med organisationens konto"
		}
		data.Sessions = append(data.Sessions, sessionItem{Created: swedishStamp(x.CreatedAt), LastSeen: swedishStamp(x.LastSeenAt),
			Via: via, Current: current != nil && current.ID == x.ID})
	}
	s.renderPage(w, r, http.StatusOK, s.pages.account, data)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// swedishStamp is "tisdag 21 januari 2025 kl. 13.05".
func swedishStamp(t time.Time) string { return swedishDate(t) + " kl. " + swedishClock(t) }

// signOut answers POST /logga-ut: this browser's session ends, the cookie
// is cleared and the answer is 303 to the start page, which says so.
// Signing out when not signed in does the same.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if secret := s.sessionSecret(r); secret != "" {
		if err := s.store.EndSession(r.Context(), secret); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	seeOther(w, "/?utloggad=1")
}

// signOutEverywhere answers POST /logga-ut/overallt: every session of the
// person ends, in every browser and on every replica at their next
// request.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	if person := principalOf(r).Person(); person != "" {
		if _, err := s.store.EndSessions(r.Context(), person); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	seeOther(w, "/?utloggad=alla")
}

// page is what every page's layout needs, with title. The viewer is set
// by renderPage.
func (s *Server) page(title string) page { return page{Title: title, Region: s.region, Home: "/"} }

// viewerOf is the signed-in person of r for the page header; nil for
// anonymous and the admin token.
func viewerOf(r *http.Request) *viewer {
	p := principalOf(r)
	if p.Rights == nil || p.Actor.Via != calendar.ViaSession {
		return nil
	}
	return &viewer{Name: p.Rights.Name, Keeps: p.KeepsAny(), Admin: p.SeeAll()}
}

// withViewer returns data, a page struct that embeds page, with Viewer
// set to v: renderPage does it for every page, so that no handler can
// forget the header's "Logga ut". Data of another shape is returned as
// it is.
func withViewer(data any, v *viewer) any {
	if v == nil {
		return data
	}
	rv := reflect.ValueOf(data)
	if rv.Kind() != reflect.Struct {
		return data
	}
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	f := cp.FieldByName("Viewer")
	if !f.IsValid() || !f.CanSet() || f.Type() != reflect.TypeFor[*viewer]() {
		return data
	}
	f.Set(reflect.ValueOf(v))
	return cp.Interface()
}

// toSignIn sends an anonymous browser that asked for a page needing a
// person (signedIn) to the sign-in page, which comes back here after.
func toSignIn(w http.ResponseWriter, r *http.Request) {
	next := ""
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		next = "?next=" + r.URL.Path
	}
	h := w.Header()
	personalHeaders(h)
	h.Set("Location", "/logga-in"+next)
	w.WriteHeader(http.StatusSeeOther)
}

// isPagePath reports whether path is a page for people rather than the
// API: an anonymous caller is sent to sign in instead of answered 401.
func isPagePath(path string) bool {
	for _, machine := range []string{"/api/", "/feeds/", "/static/"} {
		if strings.HasPrefix(path, machine) {
			return false
		}
	}
	return path != "/healthz" && path != "/metrics"
}
