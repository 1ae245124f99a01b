// Package api is Samkal's HTTP layer: the JSON API under /api/v1, the iCal
// feeds under /feeds, the server-rendered pages (start page and meeting
// pages, in Swedish), /healthz and /metrics.
//
// # Who sees what
//
// Writes need "Authorization: Bearer TOKEN" equal to Options.AdminToken;
// with no admin token configured every write is refused. Reads need no
// token; a valid token turns a read into an admin read, a wrong one is
// refused (401) so that a misconfigured client notices. Without a token a
// caller sees public data only:
//
//   - organisations and rooms: all of them;
//   - bodies: public bodies only (a restricted body reads as not found);
//   - meetings: those with at least one public body, and events without a
//     body; the bodies list of a joint meeting names only its public bodies;
//   - notes, of meetings and of backlog items, are internal: the
//     secretary's own remarks, left out for everyone who may not change
//     the thing (one rule, view.internal);
//   - people: only those with a membership in a public body (the members of
//     public councils and groups are public knowledge), and never their
//     email, phone or feed_url;
//   - memberships: those of public bodies;
//   - changes: none (the record holds old and new values of personal data),
//     so /api/v1/changes needs the admin token.
//   - booking windows: those whose bodies are all public, without the
//     attendees they list; their suggestions and plans, and the clash
//     report (/api/v1/conflicts), show when people are busy and need the
//     admin token (see booking.go).
//   - justering: a meeting's status line ("Justerat den 2024-10-01 via
//     e-post") is public with the meeting; the justering itself (who
//     approves, the document) needs the admin token (see justering.go).
//
// The meeting page /moten/{id} shows a public meeting: its facts, its
// accepted dagordning (never a proposal or who proposed an item) and the
// status line of its minutes (never who approves, never the document).
// Emails and feeds link it only for public meetings.
//
// The personal pages /anmalan/{token}, /justering/{token} and
// /bokning/{token} need no account: the token in the address is the
// credential (see personal_pages.go and booking_page.go). The booking page
// shows its secretary free times, and so when people are busy.
//
// An admin sees everything, and a person read by an admin carries email,
// phone and feed_url, the secret address of the person's own feed.
//
// # Limits
//
// Anonymous requests to token addresses, anonymous writes and wrong bearer
// tokens are rate-limited per client address and per token (429 with
// Retry-After; see ratelimit.go); the admin token is never limited. Metric
// labels come from closed sets only, and a method Samkal does not know is
// answered 501 before routing (middleware.go).
//
// # Errors
//
// Every error is application/problem+json (RFC 9457) with a detail written
// for a person: calendar error codes map to statuses in one table
// (statusByCode); caller mistakes are never answered with 500; internal
// errors are logged and answered with a generic 500.
//
// # Feeds
//
// See feeds.go: rendered bytes are cached per feed and revalidated against
// Store.DataVersion, so that serving an unchanged feed costs about what
// serving fixed bytes costs.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
)

// Options configures a Server.
type Options struct {
	Store calendar.Store
	// Ping checks the database for /healthz (the store's Ping); nil means
	// always healthy.
	Ping   func(context.Context) error
	Logger *slog.Logger
	// BaseURL is the public base URL, e.g. "http://localhost:8080", used for
	// absolute links in feeds, feed_url and pages.
	BaseURL string
	// AdminToken is the break-glass bearer token: an admin, recorded as the
	// admin token. "" means none; people then sign in or use their own
	// tokens.
	AdminToken string
	// SessionIdle is how long a signed-in browser may be idle; 0 means 2h.
	SessionIdle time.Duration
	// SessionLifetime is how long a session lasts at most; 0 means 12h.
	SessionLifetime time.Duration
	// OIDC configures signing in through the organisations' identity
	// provider (see oidc.go); nil means none.
	OIDC *OIDCOptions
	// Contact is whom people ask for access, shown when someone signs in
	// with an address Samkal does not know; "" says "whoever runs Samkal
	// in your organisation".
	Contact string
	// RegionName, e.g. "Region Örebro län", is used in feed names and pages.
	RegionName string
	FeedPolicy calendar.FeedPolicy
	// FeedRefresh is the REFRESH-INTERVAL written in feeds; 0 means 1h.
	FeedRefresh time.Duration
	// FeedVersionCheck is how often a cached feed asks Store.DataVersion
	// whether the data changed; 0 means 1s.
	FeedVersionCheck time.Duration
	// Registry is where HTTP metrics are registered and /metrics is served
	// from; nil means a new registry with Go and process collectors.
	Registry *prometheus.Registry
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// JusteringDeadlineDays is how many days after the meeting the minutes
	// should be approved by, when the secretary gives no deadline; 0 means
	// 14.
	JusteringDeadlineDays int
	// MailTiming is when the jobs in notify send the automatic emails (the
	// configuration's [notify]), for the pages that show what will be sent
	// when; nil means calendar.DefaultMailTiming.
	MailTiming *calendar.MailTiming
	// RateLimits limit anonymous requests (see ratelimit.go); zero fields
	// take DefaultRateLimits.
	RateLimits RateLimits
	// SlowRequest is how long a request may take before its access log
	// line is a warning; 0 means 1s.
	SlowRequest time.Duration
	// SignInMail writes the email that carries a sign-in link (linkURL,
	// working until expires) to p, as an outbox message that the handler
	// of /logga-in enqueues; serve passes notify.SignInMail.Message. nil:
	// Samkal sends no mail, and /logga-in offers no emailed link.
	SignInMail func(p *calendar.Person, linkURL string, expires, now time.Time) (*calendar.OutboxMessage, error)
	// CalendarLinkMail writes the email that carries a person's calendar
	// address (feedURL, the https address of their personal feed) and the
	// way to Mina möten (pageURL), as an outbox message that the handler
	// of "Skicka min kalenderlänk" enqueues; serve passes
	// notify.CalendarLinkMail.Message. nil: the start page offers no such
	// form.
	CalendarLinkMail func(p *calendar.Person, feedURL, pageURL string, now time.Time) (*calendar.OutboxMessage, error)
	// MailQueued is called after a handler queued mail that its reader is
	// waiting for (a sign-in link); serve wires it to wake the delivery
	// (notify.Jobs.Wake). nil: the mail goes with the next scheduled run.
	MailQueued func()
	// MailRequested is called after a handler recorded something the
	// email scan turns into mail at once ("Påminn nu", a declined
	// proposal, a cancellation); serve wires it to a whole notify pass
	// (notify.Jobs.Request). nil: the mail goes with the next scheduled run.
	MailRequested func()
	// PreviewLetter writes a meeting's call (calendar.MailCall) or
	// kallelse (MailNotice) as its recipients will read it at now, with no
	// side effect; nil when the meeting gets no such letter. serve passes
	// notify.Scanner.Preview. nil: the pages offer no preview.
	PreviewLetter func(ctx context.Context, meetingID int64, letter calendar.MailLetter, now time.Time) (*LetterPreview, error)
	// QueueMail runs the scan that queues the mail that is due (after the
	// secretary pressed "Skicka nu"); serve passes notify.Scanner.Run.
	// nil: the letter is queued by the next scheduled scan.
	QueueMail func(ctx context.Context) error
	// BusyFetcher fetches the members' own calendars (busy times) when they
	// give or refresh one on their page; nil: a Fetcher with the defaults,
	// which never reaches an internal address.
	BusyFetcher *busy.Fetcher
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; from any other peer the header is ignored. None: the
	// connection's peer is the client.
	TrustedProxies []netip.Prefix
}

// defaultJusteringDays is the approval deadline, in days after the
// meeting, when neither the secretary nor the configuration gives one.
const defaultJusteringDays = 14

// Server serves Samkal over HTTP. Build it with New; it is safe for
// concurrent use.
type Server struct {
	store      calendar.Store
	ping       func(context.Context) error
	log        *slog.Logger
	baseURL    string
	adminToken []byte
	// sessionIdle and sessionLifetime bound a signed-in browser's session.
	sessionIdle      time.Duration
	sessionLifetime  time.Duration
	oidc             *oidcClient // nil when no provider is configured
	contact          string      // see Options.Contact
	rules            []routeRule // every route's rule, as registered by handle
	region           string
	policy           calendar.FeedPolicy
	refresh          time.Duration
	check            time.Duration
	now              func() time.Time
	registry         *prometheus.Registry
	justering        int // default deadline in days after the meeting
	mailTiming       calendar.MailTiming
	metrics          *metrics
	limits           *limits
	slow             time.Duration // see Options.SlowRequest
	signInMail       func(*calendar.Person, string, time.Time, time.Time) (*calendar.OutboxMessage, error)
	calendarLinkMail func(p *calendar.Person, feedURL, pageURL string, now time.Time) (*calendar.OutboxMessage, error)
	mailQueued       func()
	mailRequested    func() // Options.MailRequested; see requestMail
	previewLetter    func(context.Context, int64, calendar.MailLetter, time.Time) (*LetterPreview, error)
	queueMail        func(context.Context) error
	busyFetcher      *busy.Fetcher
	feeds            *feedCache
	windowPlans      windowPlanCache // the window page's plans (window_cache.go)
	namesCache       namesCache      // bodies and rooms by name, per data version (feeds.go)
	pages            *pages
	handler          http.Handler
	router           *mux.Router
	// after runs what an answer leaves to do after it (afterAnswer).
	after afterAnswers
}

// New checks o and builds a Server. It fails when Store is nil or does not
// keep personal links, justeringar and skipped mail, BaseURL is not an
// absolute http(s) URL, JusteringDeadlineDays is negative, or the metrics
// cannot be registered (e.g. two Servers on one Registry).
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("api: Options.Store is required")
	}
	if o.JusteringDeadlineDays < 0 {
		return nil, fmt.Errorf("api: Options.JusteringDeadlineDays is %d; give the days after the meeting (0 for the default, %d)", o.JusteringDeadlineDays, defaultJusteringDays)
	}
	base := strings.TrimRight(o.BaseURL, "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") || len(base) <= len("https://") {
		return nil, fmt.Errorf("api: Options.BaseURL %q must be an absolute http(s) URL such as http://localhost:8080", o.BaseURL)
	}
	s := &Server{
		after:            newAfterAnswers(),
		store:            o.Store,
		ping:             o.Ping,
		log:              o.Logger,
		baseURL:          base,
		adminToken:       []byte(o.AdminToken),
		sessionIdle:      o.SessionIdle,
		sessionLifetime:  o.SessionLifetime,
		region:           o.RegionName,
		policy:           o.FeedPolicy,
		refresh:          o.FeedRefresh,
		check:            o.FeedVersionCheck,
		now:              o.Now,
		registry:         o.Registry,
		justering:        o.JusteringDeadlineDays,
		contact:          o.Contact,
		signInMail:       o.SignInMail,
		calendarLinkMail: o.CalendarLinkMail,
		mailQueued:       o.MailQueued,
		mailRequested:    o.MailRequested,
		previewLetter:    o.PreviewLetter,
		queueMail:        o.QueueMail,
		busyFetcher:      o.BusyFetcher,
	}
	if s.busyFetcher == nil {
		s.busyFetcher = &busy.Fetcher{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.region == "" {
		s.region = "Samkal"
	}
	if s.policy == (calendar.FeedPolicy{}) {
		s.policy = calendar.DefaultFeedPolicy
	}
	if s.refresh <= 0 {
		s.refresh = time.Hour
	}
	if s.check <= 0 {
		s.check = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sessionIdle <= 0 {
		s.sessionIdle = 2 * time.Hour
	}
	if s.sessionLifetime <= 0 {
		s.sessionLifetime = 12 * time.Hour
	}
	s.mailTiming = calendar.DefaultMailTiming
	if o.MailTiming != nil {
		s.mailTiming = *o.MailTiming
	}
	if s.justering == 0 {
		s.justering = defaultJusteringDays
	}
	var err error
	if s.oidc, err = newOIDCClient(o.OIDC, base, s.now); err != nil {
		return nil, err
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m, err := newMetrics(s.registry)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.limits = newLimits(o.RateLimits, o.TrustedProxies)
	if s.slow = o.SlowRequest; s.slow <= 0 {
		s.slow = defaultSlowRequest
	}
	s.feeds = newFeedCache()
	if s.pages, err = newPages(); err != nil {
		return nil, err
	}
	s.router = s.routes()
	s.handler = s.wrap(s.router)
	return s, nil
}

// Handler returns the whole HTTP surface: the router wrapped in recovery,
// logging, metrics and cross-origin protection.
func (s *Server) Handler() http.Handler { return s.handler }

// routes builds the router. Feed routes come first: gorilla/mux tries
// routes in order and feeds are by far the most requested.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	get := []string{http.MethodGet, http.MethodHead}

	s.handle(r, "/feeds/all.ics", anyone, s.serveAllFeed, get...)
	s.handle(r, "/feeds/bodies/{slug}.ics", anyone, s.serveBodyFeed, get...)
	s.handle(r, "/feeds/organisations/{slug}.ics", anyone, s.serveOrganisationFeed, get...)
	s.handle(r, "/feeds/people/{token}.ics", anyone, s.servePersonFeed, get...)

	const v1 = "/api/v1"
	s.handle(r, v1+"/organisations", anyone, s.listOrganisations, get...)
	s.handle(r, v1+"/organisations", adminOnly, s.createOrganisation, http.MethodPost)
	s.handle(r, v1+"/organisations/{slug}", anyone, s.getOrganisation, get...)
	s.handle(r, v1+"/organisations/{slug}", adminOnly, s.updateOrganisation, http.MethodPatch)
	s.handle(r, v1+"/organisations/{slug}", adminOnly, s.deleteOrganisation, http.MethodDelete)

	s.handle(r, v1+"/people", anyone, s.listPeople, get...)
	s.handle(r, v1+"/people", keeper, s.createPerson, http.MethodPost)
	s.handle(r, v1+"/people/{key}", anyone, s.getPerson, get...)
	s.handle(r, v1+"/people/{key}", adminOnly, s.updatePerson, http.MethodPatch)
	s.handle(r, v1+"/people/{key}", adminOnly, s.deletePerson, http.MethodDelete)
	s.handle(r, v1+"/people/{key}/feed-token", signedIn, s.rotateFeedToken, http.MethodPost)
	s.handle(r, v1+"/people/{key}/export", signedIn, s.exportPerson, get...)
	s.handle(r, v1+"/people/{key}/erase", adminOnly, s.erasePerson, http.MethodPost)
	s.handle(r, v1+"/people/{key}/sessions", adminOnly, s.endSessions, http.MethodDelete)

	s.handle(r, v1+"/tokens", signedIn, s.listTokens, get...)
	s.handle(r, v1+"/tokens", signedIn, s.createToken, http.MethodPost)
	s.handle(r, v1+"/tokens/{id}", signedIn, s.revokeToken, http.MethodDelete)
	s.handle(r, v1+"/roles", adminOnly, s.listRoles, get...)
	s.handle(r, v1+"/roles", adminOnly, s.grantRole, http.MethodPost)
	s.handle(r, v1+"/roles/{id}", adminOnly, s.getRole, get...)
	s.handle(r, v1+"/roles/{id}", adminOnly, s.revokeRole, http.MethodDelete)

	s.handle(r, v1+"/bodies", anyone, s.listBodies, get...)
	s.handle(r, v1+"/bodies", adminOnly, s.createBody, http.MethodPost)
	s.handle(r, v1+"/bodies/{slug}", anyone, s.getBody, get...)
	s.handle(r, v1+"/bodies/{slug}", keeper, s.updateBody, http.MethodPatch)
	s.handle(r, v1+"/bodies/{slug}", adminOnly, s.deleteBody, http.MethodDelete)

	s.handle(r, v1+"/memberships", anyone, s.listMemberships, get...)
	s.handle(r, v1+"/memberships", keeper, s.createMembership, http.MethodPost)
	s.handle(r, v1+"/memberships/{id}", anyone, s.getMembership, get...)
	s.handle(r, v1+"/memberships/{id}", keeper, s.updateMembership, http.MethodPatch)
	s.handle(r, v1+"/memberships/{id}", keeper, s.deleteMembership, http.MethodDelete)

	s.handle(r, v1+"/rooms", anyone, s.listRooms, get...)
	s.handle(r, v1+"/rooms", adminOnly, s.createRoom, http.MethodPost)
	s.handle(r, v1+"/rooms/{slug}", anyone, s.getRoom, get...)
	s.handle(r, v1+"/rooms/{slug}", adminOnly, s.updateRoom, http.MethodPatch)
	s.handle(r, v1+"/rooms/{slug}", adminOnly, s.deleteRoom, http.MethodDelete)

	s.handle(r, v1+"/meetings", anyone, s.listMeetings, get...)
	s.handle(r, v1+"/meetings", keeper, s.createMeeting, http.MethodPost)
	s.handle(r, v1+"/meetings/{id}", anyone, s.getMeeting, get...)
	s.handle(r, v1+"/meetings/{id}", keeper, s.updateMeeting, http.MethodPatch)
	s.handle(r, v1+"/meetings/{id}", keeper, s.deleteMeeting, http.MethodDelete)
	s.handle(r, v1+"/meetings/{id}/agenda", anyone, s.listAgenda, get...)
	s.handle(r, v1+"/meetings/{id}/agenda", keeper, s.createAgendaItem, http.MethodPost)
	s.handle(r, v1+"/meetings/{id}/agenda/standard", keeper, s.fillStandardItems, http.MethodPost)
	s.handle(r, v1+"/meetings/{id}/justering", internal, s.getJustering, get...)
	s.handle(r, v1+"/meetings/{id}/justering", keeper, s.markJustering, http.MethodPost)
	s.handle(r, v1+"/meetings/{id}/links", keeper, s.revokeLinks, http.MethodDelete)
	s.handle(r, v1+"/agenda-items/{id}", anyone, s.getAgendaItem, get...)
	s.handle(r, v1+"/agenda-items/{id}", keeper, s.updateAgendaItem, http.MethodPatch)
	s.handle(r, v1+"/agenda-items/{id}", keeper, s.deleteAgendaItem, http.MethodDelete)
	s.handle(r, v1+"/bodies/{slug}/backlog", anyone, s.listBacklog, get...)
	s.handle(r, v1+"/bodies/{slug}/backlog", keeper, s.createBacklogItem, http.MethodPost)
	s.handle(r, v1+"/backlog-items/{id}", anyone, s.getBacklogItem, get...)
	s.handle(r, v1+"/backlog-items/{id}", keeper, s.deleteBacklogItem, http.MethodDelete)

	s.handle(r, v1+"/changes", signedIn, s.listChanges, get...)

	s.handle(r, v1+"/booking-windows", anyone, s.listBookingWindows, get...)
	s.handle(r, v1+"/booking-windows", keeper, s.createBookingWindow, http.MethodPost)
	s.handle(r, v1+"/booking-windows/{id}", anyone, s.getBookingWindow, get...)
	s.handle(r, v1+"/booking-windows/{id}", keeper, s.updateBookingWindow, http.MethodPatch)
	s.handle(r, v1+"/booking-windows/{id}", keeper, s.deleteBookingWindow, http.MethodDelete)
	s.handle(r, v1+"/booking-windows/{id}/suggestions", internal, s.suggestions, get...)
	s.handle(r, v1+"/booking-windows/{id}/plan", keeper, s.planWindow, http.MethodPost)
	s.handle(r, v1+"/booking-windows/{id}/links", keeper, s.revokeWindowLinks, http.MethodDelete)
	s.handle(r, v1+"/conflicts", adminOnly, s.conflicts, get...)
	s.handle(r, v1+"/bodies/{slug}/arsplan-proposal", keeper, s.arsplanProposal, http.MethodPost)

	s.handle(r, v1+"/outbox", adminOnly, s.listOutbox, get...)
	// Before /outbox/{id}, which would take "skipped" for an id.
	s.handle(r, v1+"/outbox/skipped", adminOnly, s.listSkipped, get...)
	s.handle(r, v1+"/outbox/{id}", adminOnly, s.getOutbox, get...)
	s.handle(r, v1+"/outbox/{id}/retry", adminOnly, s.retryOutbox, http.MethodPost)

	s.handle(r, "/", anyone, s.startPage, get...)
	// GET only: a HEAD would use up (or begin) a sign-in for nothing.
	s.handle(r, oidcFlowPath, anyone, s.oidcStart, http.MethodGet)
	s.handle(r, oidcFlowPath+"/callback", anyone, s.oidcCallback, http.MethodGet)
	s.handle(r, "/moten/{id}", anyone, s.meetingPage, get...)
	s.handle(r, "/kalender", anyone, s.calendarPage, get...)
	s.handle(r, "/moten/{id}/kalender.ics", anyone, s.meetingICS, get...)
	s.handle(r, "/organ", anyone, s.bodyIndexPage, get...)
	s.handle(r, "/organ/{slug}", anyone, s.organPage, get...)
	s.handle(r, "/organ/{slug}/sammantradesplan", anyone, s.organPage, get...)
	s.handle(r, "/anmalan/{token}", anyone, s.anmalanPage, get...)
	s.handle(r, "/anmalan/{token}", anyone, s.submitAgendaItem, http.MethodPost)
	s.handle(r, "/justering/{token}", anyone, s.justeringPage, get...)
	s.handle(r, "/justering/{token}", anyone, s.approveMinutes, http.MethodPost)
	s.handle(r, "/bokning/{token}", anyone, s.bookingPage, get...)
	s.handle(r, "/bokning/{token}/kan-inte", anyone, s.linkAvailabilityPage, get...)
	s.handle(r, "/bokning/{token}/kan-inte", anyone, s.linkAvailabilityForm, http.MethodPost)
	s.handle(r, "/forhinder/{token}", anyone, s.forhinderLinkPage, get...)
	s.handle(r, "/forhinder/{token}", anyone, s.forhinderLinkForm, http.MethodPost)
	s.handle(r, "/konto/nycklar", signedIn, s.tokensPage, get...)
	s.handle(r, "/konto/nycklar", signedIn, s.createTokenForm, http.MethodPost)
	s.handle(r, "/konto/nycklar/{id}/aterkalla", signedIn, s.revokeTokenForm, http.MethodPost)
	s.handle(r, "/logga-in", anyone, s.signInPage, get...)
	s.handle(r, "/logga-in", anyone, s.requestSignInLink, http.MethodPost)
	s.handle(r, "/logga-in/{token}", anyone, s.signInLinkPage, get...)
	s.handle(r, "/logga-in/{token}", anyone, s.useSignInLink, http.MethodPost)
	s.handle(r, "/logga-ut", anyone, s.signOut, http.MethodPost)
	s.handle(r, "/logga-ut/overallt", signedIn, s.signOutEverywhere, http.MethodPost)
	s.handle(r, "/konto", signedIn, s.accountPage, get...)
	s.handle(r, "/mina-moten", signedIn, s.myMeetings, get...)
	s.handle(r, "/mina-moten/ny-adress", signedIn, s.renewFeedForm, http.MethodPost)
	s.handle(r, ownCalendarPath, signedIn, s.ownCalendarPage, get...)
	s.handle(r, ownCalendarPath, signedIn, s.ownCalendarForm, http.MethodPost)
	s.handle(r, "/mina-moten/kan-inte/{id}", signedIn, s.myAvailabilityPage, get...)
	s.handle(r, "/mina-moten/kan-inte/{id}", signedIn, s.myAvailabilityForm, http.MethodPost)
	s.handle(r, "/mina-moten/kalenderval", signedIn, s.calendarChoicePage, get...)
	s.handle(r, "/mina-moten/kalenderval", signedIn, s.saveCalendarChoice, http.MethodPost)
	s.handle(r, "/kalenderlank", anyone, s.calendarLinkPage, get...)
	s.handle(r, "/kalenderlank", anyone, s.requestCalendarLink, http.MethodPost)
	s.handle(r, "/mina-moten/forhinder/{id}", signedIn, s.myForhinderPage, get...)
	s.handle(r, "/mina-moten/forhinder/{id}", signedIn, s.myForhinderForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/justering", internal, s.minutesPage, get...)
	s.handle(r, "/mina-organ/moten/{id}/justering", keeper, s.markMinutesForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/justering/paminn", keeper, s.remindMinutesForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/utskick", internal, s.mailingsPage, get...)
	s.handle(r, "/mina-organ/moten/{id}/utskick/kallelse/meddelande", keeper, s.letterMessageForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/utskick/{brev:inbjudan|kallelse}", internal, s.letterPage, get...)
	s.handle(r, "/mina-organ/moten/{id}/utskick/{brev:inbjudan|kallelse}", keeper, s.letterControlForm, http.MethodPost)
	s.handle(r, "/mina-organ/utkorg", internal, s.outboxPage, get...)
	s.handle(r, adminPath, adminOnly, s.adminRoles, get...)
	s.handle(r, adminPath+"/roller", adminOnly, s.adminRoles, get...)
	s.handle(r, adminPath+"/roller", adminOnly, s.grantRoleForm, http.MethodPost)
	s.handle(r, adminPath+"/roller/ta-bort", adminOnly, s.revokeRoleForm, http.MethodPost)
	s.handle(r, adminPath+"/personer", adminOnly, s.adminPeople, get...)
	s.handle(r, adminPath+"/personer/{key}", adminOnly, s.adminPerson, get...)
	s.handle(r, adminPath+"/personer/{key}/radera", adminOnly, s.adminPerson, get...)
	s.handle(r, adminPath+"/personer/{key}/radera", adminOnly, s.adminErase, http.MethodPost)
	s.handle(r, adminPath+"/personer/{key}/logga-ut", adminOnly, s.adminSignOut, http.MethodPost)
	s.handle(r, adminPath+"/personer/{key}/uppgifter", adminOnly, s.exportPerson, get...)
	s.handle(r, adminPath+"/handelser", adminOnly, s.eventsListPage, get...)
	s.handle(r, adminPath+"/handelser/ny", adminOnly, s.newCommonEventPage, get...)
	s.handle(r, adminPath+"/handelser/ny", adminOnly, s.createCommonEventForm, http.MethodPost)
	s.handle(r, "/mina-organ/utkorg/{id}/forsok-igen", keeper, s.retryOutboxForm, http.MethodPost)
	// The secretary's agenda pages (agenda_pages.go).
	const dag = "/mina-organ/moten/{id}/dagordning"
	s.handle(r, dag, internal, s.agendaPage, get...)
	s.handle(r, dag, keeper, s.addAgendaItem, http.MethodPost)
	s.handle(r, dag+"/standard", keeper, s.fillStandardForm, http.MethodPost)
	s.handle(r, dag+"/{item}/andra", internal, s.editItemPage, get...)
	s.handle(r, dag+"/{item}/andra", keeper, s.editItem, http.MethodPost)
	s.handle(r, dag+"/{item}/ta-bort", internal, s.deleteItemPage, get...)
	s.handle(r, dag+"/{item}/ta-bort", keeper, s.deleteItem, http.MethodPost)
	s.handle(r, dag+"/{item}/flytta", keeper, s.moveAgendaItem, http.MethodPost)
	s.handle(r, dag+"/{item}/ta-med", keeper, s.acceptProposal, http.MethodPost)
	s.handle(r, dag+"/{item}/till-backloggen", keeper, s.proposalToBacklog, http.MethodPost)
	s.handle(r, dag+"/{item}/avsla", internal, s.declinePage, get...)
	s.handle(r, dag+"/{item}/avsla", keeper, s.declineProposal, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/backlogg", internal, s.backlogPage, get...)
	s.handle(r, "/mina-organ/{slug}/backlogg", keeper, s.addBacklogItem, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/backlogg/{topic}/ta-bort", keeper, s.removeBacklogItem, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/backlogg/{topic}/ta-upp", keeper, s.backlogToMeeting, http.MethodPost)
	s.handle(r, "/mina-organ", signedIn, s.myBodies, get...)
	s.handle(r, "/mina-organ/bokning", internal, s.windowsPage, get...)
	s.handle(r, "/mina-organ/bokning/ny", internal, s.newWindowPage, get...)
	s.handle(r, "/mina-organ/bokning/ny", keeper, s.createWindowForm, http.MethodPost)
	s.handle(r, "/mina-organ/bokning/{id}", internal, s.windowPage, get...)
	s.handle(r, "/mina-organ/bokning/{id}/lagg-in", keeper, s.applyWindowForm, http.MethodPost)
	s.handle(r, "/mina-organ/bokning/{id}/ta-tid", keeper, s.takeSuggestionForm, http.MethodPost)
	s.handle(r, "/mina-organ/bokning/{id}/andra", internal, s.editWindowPage, get...)
	s.handle(r, "/mina-organ/bokning/{id}/andra", keeper, s.editWindowForm, http.MethodPost)
	s.handle(r, "/mina-organ/bokning/{id}/ta-bort", internal, s.deleteWindowPage, get...)
	s.handle(r, "/mina-organ/bokning/{id}/ta-bort", keeper, s.deleteWindowForm, http.MethodPost)
	// After /mina-organ/utkorg and before /mina-organ/{slug}, which would
	// take "utkorg" or "moten" for a body.
	s.handle(r, "/mina-organ/moten/{id}", internal, s.meetingHub, get...)
	s.handle(r, "/mina-organ/moten/{id}/andra", internal, s.editMeetingPage, get...)
	s.handle(r, "/mina-organ/moten/{id}/andra", keeper, s.updateMeetingForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/installa", internal, s.cancelMeetingPage, get...)
	s.handle(r, "/mina-organ/moten/{id}/installa", keeper, s.cancelMeetingForm, http.MethodPost)
	s.handle(r, "/mina-organ/moten/{id}/faststall", keeper, s.confirmMeetingForm, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}", internal, s.arsplanPage, get...)
	s.handle(r, "/mina-organ/{slug}/nytt-mote", internal, s.newMeetingPage, get...)
	s.handle(r, "/mina-organ/{slug}/nytt-mote", keeper, s.createMeetingForm, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/ny-handelse", internal, s.newEventPage, get...)
	s.handle(r, "/mina-organ/{slug}/ny-handelse", keeper, s.createEventForm, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/faststall", keeper, s.confirmYearForm, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/nasta-ar", internal, s.nextYearPage, get...)
	s.handle(r, "/mina-organ/{slug}/nasta-ar", keeper, s.createNextYear, http.MethodPost)
	// The årsplan as a file (arsplan_files.go).
	s.handle(r, "/mina-organ/{slug}/exportera", internal, s.exportArsplan, get...)
	s.handle(r, "/mina-organ/{slug}/importera", internal, s.arsplanImportPage, get...)
	s.handle(r, "/mina-organ/{slug}/importera", keeper, s.previewArsplanImport, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/importera/spara", keeper, s.saveArsplanImport, http.MethodPost)
	// A body's members and settings (body_pages.go).
	const med = "/mina-organ/{slug}/medlemmar"
	s.handle(r, med, internal, s.membersPage, get...)
	s.handle(r, med, keeper, s.addMember, http.MethodPost)
	s.handle(r, med+"/{id}/andra", internal, s.editMemberPage, get...)
	s.handle(r, med+"/{id}/andra", keeper, s.editMember, http.MethodPost)
	s.handle(r, med+"/{id}/avsluta", internal, s.endMemberPage, get...)
	s.handle(r, med+"/{id}/avsluta", keeper, s.endMember, http.MethodPost)
	s.handle(r, med+"/{id}/ta-bort", keeper, s.removeMember, http.MethodPost)
	s.handle(r, med+"/importera", internal, s.memberImportPage, get...)
	s.handle(r, med+"/importera", keeper, s.previewMemberImport, http.MethodPost)
	s.handle(r, med+"/importera/spara", keeper, s.saveMemberImport, http.MethodPost)
	s.handle(r, "/mina-organ/{slug}/installningar", internal, s.settingsPage, get...)
	s.handle(r, "/mina-organ/{slug}/andringar", internal, s.changesPage, get...)
	s.handle(r, "/mina-organ/{slug}/installningar", keeper, s.saveSettings, http.MethodPost)
	s.handle(r, "/static/{file}", anyone, s.static, get...)
	s.handle(r, "/healthz", anyone, s.healthz, get...)
	s.handle(r, "/metrics", anyone, promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP, get...)
	return r
}

// handle registers h for path and methods, records path (the route
// template) for logs and metrics, and applies the rate limits (see
// ratelimit.go), which depend on the template, before h.
func (s *Server) handle(r *mux.Router, path string, ru rule, h http.HandlerFunc, methods ...string) {
	for _, m := range methods {
		s.rules = append(s.rules, routeRule{Path: path, Method: m, Rule: ru})
	}
	r.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ri := infoOf(req)
		if ri != nil {
			ri.route = path
		}
		if s.limited(w, req, path) {
			return
		}
		if !plainVars(req) {
			s.nothingNamed(w, req)
			return
		}
		s.serveRoute(w, req, path, ru, h)
		if ri != nil && ri.rec != nil {
			s.accountMiss(req, path, ri.rec.status)
		}
	})).Methods(methods...)
}

// serveRoute identifies the caller, applies the limit of anonymous writes
// and the route's rule, and runs h.
func (s *Server) serveRoute(w http.ResponseWriter, req *http.Request, path string, ru rule, h http.HandlerFunc) {
	if ru == anyone && !isPagePath(path) && !strings.HasPrefix(path, "/api/") {
		// Feeds, static files, /healthz and /metrics read no caller: a
		// signed-in browser's stylesheet costs no session lookup.
		h(w, req)
		return
	}
	req, cred, err := s.identify(req)
	switch {
	case err != nil:
		s.Error(w, req, err)
		return
	case cred == badBearer && strings.HasPrefix(path, "/api/"):
		s.unauthorized(w, req, "The bearer token is not valid: it is unknown, revoked or expired. Leave out the Authorization header to read public data, or send the admin token or a personal API token.")
		return
	}
	if s.limitedWrite(w, req) || !s.allows(w, req, ru) {
		return
	}
	h(w, req)
}

// plainVars reports whether every variable of the matched path (a slug,
// key, token or id) is one line of text that calendar would store. A NUL
// byte, a control character or invalid UTF-8 names nothing that can
// exist, and must not reach the database: PostgreSQL refuses such text
// with an error.
func plainVars(r *http.Request) bool {
	for _, v := range mux.Vars(r) {
		if calendar.LineText.Check(v, false) != nil {
			return false
		}
	}
	return true
}

// nothingNamed answers 404 for a path whose slug, key or token cannot
// exist: the Swedish page under a personal path, a problem elsewhere.
func (s *Server) nothingNamed(w http.ResponseWriter, r *http.Request) {
	if isPersonalPath(r.URL.Path) {
		s.linkNotFound(w, r)
		return
	}
	Problem(w, http.StatusNotFound, calendar.ENOTFOUND, "There is nothing at this address: its name holds a character that no name in Samkal can have.")
}

// notFound answers a request that matched no route.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if ri := infoOf(r); ri != nil {
		ri.route = routeUnmatched
	}
	Problem(w, http.StatusNotFound, calendar.ENOTFOUND, "There is nothing at this address. The API lives under /api/v1 (for example GET /api/v1/meetings), feeds under /feeds.")
}

// methodNotAllowed answers a request whose path exists but not for its
// method. gorilla/mux sets no Allow header, so it is computed here by asking
// the router which methods would match.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if ri := infoOf(r); ri != nil {
		ri.route = routeWrongMethod
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	Problem(w, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("Method %s is not allowed here; use %s.", r.Method, strings.Join(allow, ", ")))
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	if isPagePath(r.URL.Path) {
		toSignIn(w, r) // pages are for people: a 401 problem would help nobody
		return
	}
	err := `Bearer realm="samkal"`
	if r.Header.Get("Authorization") != "" {
		err += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", err)
	Problem(w, http.StatusUnauthorized, calendar.EUNAUTHORIZED, detail)
}

// wrote records a successful write through this Server: cached feeds are
// revalidated on their next request instead of after FeedVersionCheck.
func (s *Server) wrote() {
	s.feeds.invalidate()
}

// requestMail asks for a notify pass now (Options.MailRequested), after a
// change the email scan turns into mail that should not wait for the next
// scheduled run.
func (s *Server) requestMail() {
	if s.mailRequested != nil {
		s.mailRequested()
	}
}

// healthz answers {"status":"ok"}, or 503 when the database does not answer.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := s.ping(ctx); err != nil {
			s.log.ErrorContext(r.Context(), "health check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "detail": "The database does not answer."})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
