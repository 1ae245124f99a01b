package api

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// The pages are server-rendered Swedish HTML (html/template, embedded),
// written for WCAG 2.1 AA: lang="sv", a skip link, header/main/footer
// landmarks, one h1 and ordered headings, text contrast above 7:1, visible
// focus, and no JavaScript. They show public data only, except the
// personal pages reached by a link from an email (personal_pages.go).

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageSecurity is the Content-Security-Policy of every page: only our own
// stylesheet, no scripts, no frames, forms only to this site (the
// header's "Logga ut").
const pageSecurity = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type pages struct {
	start, meeting, notFound       *template.Template
	anmalan, justering, linkNotice *template.Template // the personal pages
	booking                        *template.Template // the booking page, personal too
	availability                   *template.Template // "kan inte" in booking weeks (availability_pages.go)
	tooMany                        *template.Template // 429 on a personal page
	oidc                           *template.Template // sign-in through the provider: what went wrong
	tokens                         *template.Template // /konto/nycklar
	signIn, signInLink, signInGone *template.Template // signing in (signin.go)
	account                        *template.Template // /konto
	minutes, outbox, mailings      *template.Template // /mina-organ/moten/{id}/justering, /mina-organ/utkorg, …/utskick
	letter                         *template.Template // …/utskick/inbjudan, …/utskick/kallelse
	// The secretary's agenda pages (agenda_pages.go).
	agenda, agendaEdit, agendaDelete, agendaDecline, backlog  *template.Template
	myBodies, arsplan, meetingHub, meetingForm, cancelMeeting *template.Template // the secretaries' meeting pages (secretary_pages.go)
	members, memberEdit, memberEnd, bodySettings              *template.Template // a body's members and settings (body_pages.go)
	adminRoles, adminPeople, adminPerson                      *template.Template // the admins' pages (admin_pages.go)
	events                                                    *template.Template // the admin's events of no body (event_pages.go)
	organ                                                     *template.Template // a body's page for its members (organ_pages.go)
	bodyIndex                                                 *template.Template // finding a body: /organ (body_index.go)
	myMeetings                                                *template.Template // a member's own page (my_meetings.go)
	ownCalendar                                               *template.Template // busy times from the member's own calendar (busy_pages.go)
	calendarChoice, calendarLink                              *template.Template // invitations or feed, "Skicka min kalenderlänk" (calendar_choice.go)
	forhinder                                                 *template.Template // "Jag kan inte komma" (forhinder_pages.go)
	calendar                                                  *template.Template // the calendar by month and week (calendar_page.go)
	changes                                                   *template.Template // a body's change log (changes_page.go)
	windows, window, windowForm, windowDelete                 *template.Template // the booking weeks (window_pages.go)
	memberImport, arsplanImport, nextYear                     *template.Template // files and next year (member_import.go, arsplan_files.go, nextyear_page.go)
	static                                                    fs.FS
}

func newPages() (*pages, error) {
	parse := func(names ...string) (*template.Template, error) {
		files := []string{"templates/layout.html"}
		for _, n := range names {
			files = append(files, "templates/"+n)
		}
		return template.New("layout.html").ParseFS(templateFS, files...)
	}
	var p pages
	var err error
	for _, t := range []struct {
		dst   **template.Template
		files []string
	}{
		{&p.start, []string{"start.html", "subscribe.html", "bodylist.html"}},
		{&p.bodyIndex, []string{"organ_index.html", "bodylist.html"}},
		{&p.meeting, []string{"meeting.html"}},
		{&p.notFound, []string{"notfound.html"}},
		{&p.anmalan, []string{"anmalan.html", "facts.html"}},
		{&p.justering, []string{"justering.html", "facts.html"}},
		{&p.linkNotice, []string{"linknotice.html", "facts.html"}},
		{&p.booking, []string{"booking.html"}},
		{&p.availability, []string{"kan_inte.html"}},
		{&p.tooMany, []string{"toomany.html"}},
		{&p.oidc, []string{"oidc.html"}},
		{&p.tokens, []string{"tokens.html"}},
		{&p.signIn, []string{"signin.html"}},
		{&p.signInLink, []string{"signinlink.html"}},
		{&p.signInGone, []string{"signingone.html"}},
		{&p.account, []string{"account.html"}},
		{&p.minutes, []string{"minutes.html"}},
		{&p.outbox, []string{"outbox.html"}},
		{&p.mailings, []string{"mailings.html", "agendaparts.html", "letterparts.html"}},
		{&p.letter, []string{"letter.html", "letterparts.html"}},
		{&p.agenda, []string{"dagordning.html", "agendaparts.html"}},
		{&p.agendaEdit, []string{"dagordning_andra.html", "agendaparts.html"}},
		{&p.agendaDelete, []string{"dagordning_ta_bort.html", "agendaparts.html"}},
		{&p.agendaDecline, []string{"dagordning_avsla.html", "agendaparts.html"}},
		{&p.backlog, []string{"backlogg.html", "agendaparts.html"}},
		{&p.myBodies, []string{"mybodies.html"}},
		{&p.arsplan, []string{"arsplan.html", "gridparts.html"}},
		{&p.meetingHub, []string{"meetinghub.html"}},
		{&p.meetingForm, []string{"meetingform.html"}},
		{&p.cancelMeeting, []string{"cancelmeeting.html"}},
		{&p.members, []string{"medlemmar.html", "agendaparts.html", "memberparts.html"}},
		{&p.memberEdit, []string{"medlem_andra.html", "agendaparts.html", "memberparts.html"}},
		{&p.memberEnd, []string{"medlem_avsluta.html", "agendaparts.html", "memberparts.html"}},
		{&p.bodySettings, []string{"installningar.html", "agendaparts.html", "memberparts.html"}},
		{&p.windows, []string{"windows.html"}},
		{&p.window, []string{"window.html"}},
		{&p.windowForm, []string{"windowform.html", "agendaparts.html"}},
		{&p.adminRoles, []string{"admin_roles.html", "agendaparts.html"}},
		{&p.adminPeople, []string{"admin_people.html"}},
		{&p.events, []string{"handelser.html"}},
		{&p.adminPerson, []string{"admin_person.html"}},
		{&p.ownCalendar, []string{"egen_kalender.html"}},
		{&p.organ, []string{"organ.html", "subscribe.html"}},
		{&p.myMeetings, []string{"mina_moten.html", "subscribe.html"}},
		{&p.calendarChoice, []string{"kalenderval.html", "agendaparts.html"}},
		{&p.calendarLink, []string{"kalenderlank.html", "agendaparts.html"}},
		{&p.forhinder, []string{"forhinder.html", "facts.html", "agendaparts.html"}},
		{&p.calendar, []string{"kalender.html", "gridparts.html"}},
		{&p.changes, []string{"andringar.html"}},
		{&p.windowDelete, []string{"window_ta_bort.html"}},
		{&p.memberImport, []string{"medlem_importera.html", "agendaparts.html"}},
		{&p.arsplanImport, []string{"arsplan_importera.html", "agendaparts.html"}},
		{&p.nextYear, []string{"nasta_ar.html", "agendaparts.html"}},
	} {
		if *t.dst, err = parse(t.files...); err != nil {
			return nil, err
		}
	}
	if p.static, err = fs.Sub(staticFS, "static"); err != nil {
		return nil, err
	}
	return &p, nil
}

// page is what every page's layout needs.
type page struct {
	// Title starts the <title> (the region and "Samkal" follow). It tells
	// pages apart in tabs, history and bookmarks, so a meeting's title
	// has its date.
	Title  string
	Region string
	Home   string // link to the start page
	// Viewer is the signed-in person, for the header's name and "Logga
	// ut"; nil when nobody is. renderPage sets it.
	Viewer *viewer
}

type startPage struct {
	page
	// SignedOut confirms a sign-out (/?utloggad=1, or =alla for every
	// browser); "" otherwise.
	SignedOut string
	AllFeed   feedLinks
	Subscribe subscribeHelp
	// LinkMail is whether the page offers "Skicka min kalenderlänk" (mail
	// is configured and nobody is signed in).
	LinkMail bool
	Index    bodyIndex // the public bodies, or their organisations (body_index.go)
	Upcoming []meetingItem
}

// feedLinks are a feed's https address and its webcal:// form, which opens
// the subscription dialog of the member's calendar program. Webcal is a
// template.URL because html/template would otherwise replace the webcal
// scheme with "#ZgotmplZ"; it is built from BaseURL, never from input.
type feedLinks struct {
	HTTPS  string
	Webcal template.URL
}

// subscribeHelp is the data of the "subscribe" partial (subscribe.html):
// one feed with its button, its https address to copy, the steps for each
// calendar program and the one-off download, said to be a copy that does
// not update. Every page that offers a feed shows it the same way.
type subscribeHelp struct {
	Button   string // "Prenumerera på …", also named in the Apple steps
	Feed     feedLinks
	Personal bool // the person's own feed: the address is not to be shared
}

type bodyItem struct {
	Name, Kind, Description string
	Path                    string // the body's page, /organ/{slug}
	Feed                    feedLinks
}

// meetingItem is a meeting in the start page's list. Date is the day in
// short, for the calendar-leaf badge; When has the full date and time.
type meetingItem struct {
	Path, Title, When, Status, Bodies, Place string
	StatusClass                              string // proposed, confirmed or cancelled, for the status badge
	Day                                      string // "tisdag 21 januari 2025", read out with the link
	Date                                     shortDate
	Cancelled                                bool
}

// shortDate is a day as the badge shows it: "tis", "21", "jan", and the
// ISO date for <time datetime>.
type shortDate struct {
	Weekday, Day, Month, ISO string
}

type meetingPage struct {
	page
	Name                                      string // the h1: the meeting's title
	When, Status, Place, Online, Bodies, Kind string
	StatusClass                               string
	Cancelled                                 bool
	// Event is another dated event: it has no dagordning, and its
	// CancelMessage, which no letter carries (notify writes to meetings
	// only), is shown here.
	Event         bool
	CancelMessage string
	// OnlineHidden: the meeting is digital, but the caller is not one of
	// its people, to whom alone the link is shown (signed in; the
	// kallelse and the personal feed carry it too).
	OnlineHidden bool
	Self         string // the page's own path, to come back to after signing in
	// MinutesURL is the approved minutes: public once justerade, as the
	// minutes of a public body are; "" before, and for notes that need no
	// approval (Samkal keeps no document for them).
	MinutesURL string
	Download   string // the meeting alone as a calendar file, a copy that does not update
	// Minutes is the justering status as the public reads it ("Justerat
	// den 2024-10-01 via e-post", "Protokollet väntar på justering (1
	// underskrift saknas)"), "" when the meeting's minutes need none.
	Minutes string
	// Agenda is the accepted dagordning, numbered as members read it;
	// proposals and who proposed an item are never shown.
	Agenda  []agendaEntry
	Feeds   []bodyItem
	AllFeed feedLinks
	// For names the organisation whose people an event is for
	// (calendar.Meeting.Organisation); "" for everyone's.
	For string
}

// agendaEntry is one item of the dagordning as a page shows it.
type agendaEntry struct {
	Number           int
	Title, Presenter string
	Kind             string // "information", "beslut", "dialog"; "" for standard items
	SubPoints        []string
	Links            []agendaLinkEntry
}

type agendaLinkEntry struct{ Text, URL string }

// agendaEntries are the accepted items of an agenda, numbered 1, 2, 3 ….
func agendaEntries(items []*calendar.AgendaItem) []agendaEntry {
	var out []agendaEntry
	for _, a := range calendar.NumberAccepted(items) {
		e := agendaEntry{Number: a.Position, Title: a.Title, Presenter: a.Presenter, SubPoints: a.SubPoints}
		switch a.Kind {
		case calendar.AgendaInformation:
			e.Kind = "information"
		case calendar.AgendaDecision:
			e.Kind = "beslut"
		case calendar.AgendaDialog:
			e.Kind = "dialog"
		}
		for _, l := range a.Links {
			// A link says where it leads even without a title (2.4.4).
			text := l.Title
			if text == "" {
				text = "Underlag: " + a.Title
			}
			e.Links = append(e.Links, agendaLinkEntry{Text: text, URL: l.URL})
		}
		out = append(out, e)
	}
	return out
}

// minutesStatus is the public justering line of m: the status once the
// minutes were marked ready; before that, for a meeting that has ended
// and whose minutes must be approved, that they are not ready yet; ""
// for minutes that need no approval. It names nobody and links no
// document: who approves, and the minutes until they are public, are the
// admin's (see the package doc).
func minutesStatus(m *calendar.Meeting, j *calendar.Justering, n *names, now time.Time) string {
	if j != nil {
		return j.StatusText()
	}
	approve := slices.ContainsFunc(m.Bodies, func(slug string) bool {
		b := n.bodies[slug]
		return b != nil && b.MinutesNeedApproval
	})
	if approve && m.Status != calendar.StatusCancelled && !now.Before(m.End) {
		return "Protokollet är inte klart för justering än"
	}
	return ""
}

// upcomingLimit is how many coming meetings the start page lists.
const upcomingLimit = 20

func (s *Server) feedLinks(path string) feedLinks {
	u := s.baseURL + path
	_, rest, _ := strings.Cut(u, "://")
	return feedLinks{HTTPS: u, Webcal: template.URL("webcal://" + rest)}
}

// startPage lists the region's public bodies with their feeds, and the
// coming meetings. Like every page it ignores a query string: links in
// newsletters and mail filters get ?utm_source=… and the like added, and a
// member following one must still get the page. Only ?utloggad, where
// signing out leads, adds a confirmation.
func (s *Server) startPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now()
	index, err := s.publicBodies(ctx, "", "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Read what the page shows, not every coming meeting in the country:
	// a few more than it lists, for those the feed policy hides (a
	// meeting cancelled long ago that has not yet taken place).
	from := now
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{PublicOnly: true, From: &from, Limit: 3 * upcomingLimit})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := startPage{
		page:    page{Title: "Möten i samverkan", Region: s.region, Home: "/"},
		AllFeed: s.feedLinks("/feeds/all.ics"),
	}
	data.Subscribe = subscribeHelp{Button: "Prenumerera på alla möten", Feed: data.AllFeed}
	data.LinkMail = s.calendarLinkMail != nil && viewerOf(r) == nil
	switch r.URL.Query().Get("utloggad") {
	case "1":
		data.SignedOut = "Du är utloggad."
	case "alla":
		data.SignedOut = "Du är utloggad i alla webbläsare."
	}
	data.Index = index
	for _, m := range ms {
		if len(data.Upcoming) == upcomingLimit {
			break
		}
		if !s.policy.Shows(m, now) {
			continue
		}
		data.Upcoming = append(data.Upcoming, meetingItem{
			Path: "/moten/" + strconv.FormatInt(m.ID, 10), Title: meetingTitle(m, n), When: swedishWhen(m),
			Status: swedishStatus(m.Status), StatusClass: string(m.Status), Bodies: publicBodyNames(m, n), Place: place(m, n),
			Day: swedishDate(m.Start), Date: shortDateOf(m.Start), Cancelled: m.Status == calendar.StatusCancelled,
		})
	}
	s.renderPage(w, r, http.StatusOK, s.pages.start, data)
}

// meetingPage shows one public meeting – its facts, its accepted
// dagordning and the status of its minutes – the page that the emails and
// feeds link; a restricted meeting is not found.
// takesPart reports whether p sees m although it has no public body: a
// member or secretary of one of its bodies, or an admin.
func takesPart(p *access.Principal, m *calendar.Meeting) bool {
	for _, b := range m.Bodies {
		if p.SeeBody(b, false) {
			return true
		}
	}
	return false
}

// shownMeeting loads the meeting of the path's {id} for a members' page:
// a public meeting for anyone, a restricted one for its own people, and
// "Sidan finns inte" (answered here) for everything else.
func (s *Server) shownMeeting(w http.ResponseWriter, r *http.Request) (*calendar.Meeting, *names, bool) {
	m := s.pathMeeting(w, r)
	if m == nil {
		return nil, nil, false
	}
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	if !m.IsPublic(n.isPublic) && !takesPart(principalOf(r), m) {
		s.pageNotFound(w, r)
		return nil, nil, false
	}
	return m, n, true
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, n, ok := s.shownMeeting(w, r)
	if !ok {
		return
	}
	var feeds []bodyItem
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil && isPublic(b) {
			feeds = append(feeds, bodyItem{Name: b.Name, Path: "/organ/" + b.Slug, Feed: s.feedLinks("/feeds/bodies/" + b.Slug + ".ics")})
		}
	}
	items, err := s.store.FindAgendaItems(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	just, err := s.justeringOf(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	kind := "Möte"
	if m.Kind == calendar.KindEvent {
		kind = "Händelse"
	}
	cancelled := m.Status == calendar.StatusCancelled
	title := meetingTitle(m, n) + ", " + swedishDate(m.Start)
	if cancelled {
		title = "Inställt: " + title
	}
	data := meetingPage{
		page: page{Title: title, Region: s.region, Home: "/"},
		Name: meetingTitle(m, n), When: swedishWhen(m), Status: swedishStatus(m.Status), StatusClass: string(m.Status),
		Place: place(m, n), Bodies: publicBodyNames(m, n), Kind: kind, Cancelled: cancelled,
		Minutes: minutesStatus(m, just, n, s.now()), Agenda: agendaEntries(items),
		Feeds: feeds, AllFeed: s.feedLinks("/feeds/all.ics"), Download: fmt.Sprintf("/moten/%d/kalender.ics", m.ID),
	}
	if m.Organisation != "" {
		data.For = cmp.Or(n.orgs[m.Organisation], m.Organisation)
	}
	if m.Kind == calendar.KindEvent {
		data.Event, data.CancelMessage = true, m.CancelMessage
	}
	if just != nil && just.Approved() {
		data.MinutesURL = just.DocumentURL
	}
	if takesPart(principalOf(r), m) {
		data.Online = m.OnlineURL
	} else {
		data.OnlineHidden, data.Self = m.OnlineURL != "", r.URL.Path
	}
	s.renderPage(w, r, http.StatusOK, s.pages.meeting, data)
}

func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, http.StatusNotFound, s.pages.notFound, page{Title: "Sidan finns inte", Region: s.region, Home: "/"})
}

// renderPage executes t into a buffer first, so that a template error is a
// clean 500 and never half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, t *template.Template, data any) {
	v := viewerOf(r)
	data = withViewer(data, v)
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		s.Error(w, r, fmt.Errorf("render page: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Content-Security-Policy", pageSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	// The header shows who is signed in: a cache must not give one
	// person's page to another.
	h.Add("Vary", "Cookie")
	if isPersonalPath(r.URL.Path) || isSignInPath(r.URL.Path) || isAccountPath(r.URL.Path) || v != nil {
		personalHeaders(h)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
}

// static serves the embedded stylesheet.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["file"]
	if _, err := fs.Stat(s.pages.static, name); err != nil {
		Problem(w, http.StatusNotFound, calendar.ENOTFOUND, "There is no such static file.")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, s.pages.static, name)
}

// meetingTitle is the title, else the public bodies' names, else "Möte".
func meetingTitle(m *calendar.Meeting, n *names) string {
	if m.Title != "" {
		return m.Title
	}
	if b := publicBodyNames(m, n); b != "" {
		return b
	}
	return "Möte"
}

// isPublic reports whether the body with this slug is public; a
// calendar.Meeting.IsPublic lookup.
func (n *names) isPublic(slug string) bool {
	b := n.bodies[slug]
	return b != nil && isPublic(b)
}

// publicBodyNames joins the names of m's public bodies in Swedish
// ("A, B och C").
func publicBodyNames(m *calendar.Meeting, n *names) string { return bodyNames(m, n, isPublic) }

// bodyNames joins the names of m's bodies that show allows.
func bodyNames(m *calendar.Meeting, n *names, show func(*calendar.Body) bool) string {
	var names []string
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil && show(b) {
			names = append(names, b.Name)
		}
	}
	return swedishList(names)
}

// swedishList joins words as Swedish lists them: "A, B och C".
func swedishList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " och " + words[len(words)-1]
}

// place is the room with its address, else the free-text place, else
// "Digitalt" for a meeting with only a link.
func place(m *calendar.Meeting, n *names) string {
	if r := n.rooms[m.Room]; r != nil {
		if r.Address != "" {
			return r.Name + ", " + r.Address
		}
		return r.Name
	}
	if m.Location != "" {
		return m.Location
	}
	if m.OnlineURL != "" {
		return "Digitalt möte"
	}
	return "Plats meddelas senare"
}

var (
	swedishWeekdays = [...]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}
	swedishMonths   = [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
)

// shortDateOf is t's day for the badge: the first three letters of the
// weekday and month ("tis 21 jan"), which is only decoration – the full
// date is in the text next to it.
func shortDateOf(t time.Time) shortDate {
	t = calendar.In(t)
	short := func(s string) string { return string([]rune(s)[:3]) }
	return shortDate{
		Weekday: short(swedishWeekdays[t.Weekday()]), Day: strconv.Itoa(t.Day()),
		Month: short(swedishMonths[t.Month()-1]), ISO: t.Format(time.DateOnly),
	}
}

// swedishDate is "tisdag 21 januari 2025".
func swedishDate(t time.Time) string {
	t = calendar.In(t)
	return fmt.Sprintf("%s %d %s %d", swedishWeekdays[t.Weekday()], t.Day(), swedishMonths[t.Month()-1], t.Year())
}

// swedishClock is "13.00".
func swedishClock(t time.Time) string { return calendar.In(t).Format("15.04") }

// swedishWhen is when a meeting takes place, as a Swede writes it:
// "tisdag 21 januari 2025 kl. 13.00–16.30", "fredag 14 mars 2025, heldag",
// or with both days when it spans several.
func swedishWhen(m *calendar.Meeting) string {
	start, end := calendar.In(m.Start), calendar.In(m.End)
	if m.AllDay {
		last := lastDayOf(m)
		first := calendar.DateOf(start)
		if !first.Before(last) {
			return swedishDate(start) + ", heldag"
		}
		return swedishDate(start) + " – " + swedishDate(last.Start()) + ", heldagar"
	}
	if calendar.DateOf(start) == calendar.DateOf(end) {
		return swedishDate(start) + " kl. " + swedishClock(start) + "–" + swedishClock(end)
	}
	return swedishDate(start) + " kl. " + swedishClock(start) + " – " + swedishDate(end) + " kl. " + swedishClock(end)
}

// lastDayOf is the day m ends on; for an all-day event, whose End is
// midnight after its last day, the day before End (as a link's lastDay).
func lastDayOf(m *calendar.Meeting) calendar.Date {
	if m.AllDay {
		return calendar.DateOf(lastDay(m.End))
	}
	return calendar.DateOf(m.End)
}

func swedishStatus(s calendar.MeetingStatus) string {
	switch s {
	case calendar.StatusConfirmed:
		return "Fastställt"
	case calendar.StatusCancelled:
		return "Inställt"
	}
	return "Förslag – tiden är inte fastställd"
}

func swedishBodyKind(k calendar.BodyKind) string {
	switch k {
	case calendar.BodyRegionalCouncil:
		return "Regionalt samverkansråd"
	case calendar.BodySpecificCouncil:
		return "Specifikt samverkansråd"
	case calendar.BodyManagementGroup:
		return "Chefsgrupp"
	case calendar.BodyLansdelGroup:
		return "Länsdelsgrupp"
	case calendar.BodyPartnerGroup:
		return "Samverkan med partner"
	case calendar.BodyWorkingGroup:
		return "Arbetsgrupp"
	}
	return string(k)
}
