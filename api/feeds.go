package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical"
)

// Feeds
//
// A feed is rendered once (store query, iCal encoding, gzip, SHA-256) and
// its bytes are kept per feed key. A request for an unchanged feed does no
// store query and no encoding: it looks up the entry, compares two
// versions, sets prebuilt headers and writes the prebuilt bytes.
//
// Whether the data changed is asked of Store.DataVersion at most once per
// FeedVersionCheck for all feeds together (one tiny query, however many
// feeds and requests). While one request asks, others go on with the
// version known so far. A write through this Server marks the version
// dirty, so the next feed request asks at once and writes show up
// immediately; writes by others (another replica, a CLI import) show up
// within FeedVersionCheck. An entry is also rendered again when the feed
// policy's NextChange has passed (a cancelled meeting ageing out, the
// window moving at midnight), although no data changed.
//
// A change renders again only the feeds it can alter (issue 12: with one
// version for all, one edit anywhere re-rendered every feed of a country
// at its next poll). When the version moves, the cache reads what the new
// changes touched (Store.FeedTouches: meetings, bodies, rooms, people,
// events without a body) as one step of its log (an epoch). Each render
// keeps what it shows (feedDeps) and the epoch it is known good through;
// a request checks the steps since against it, and renders only when one
// touches it. Every replica keeps its own log from the shared record of
// changes, so each sees every change within FeedVersionCheck.
//
// Validators: the ETag is strong and derived from the bytes (SHA-256), so
// two renders of the same data give the same ETag, across restarts and
// replicas. Last-Modified has one-second resolution and some clients send
// only If-Modified-Since, so it must never stay or go back when the bytes
// change. The rule: while the bytes are unchanged the previous value is
// kept; new bytes get the later of the data's last change and the render
// time, and at least one second more than the previous value. The render
// time (not only the data's change time) matters because bytes also change
// without any data change (a cancellation ageing out), and after a restart
// a first render cannot know what earlier processes sent. The price is that
// an If-Modified-Since-only client downloads the feed once more after a
// restart; clients that send If-None-Match (which takes precedence) do not.
//
// Cache-Control: public feeds are "public, max-age=N" with N the refresh
// interval but at most 15 minutes, so that a shared cache never holds a
// changed meeting back for long; person feeds carry a secret token in their
// URL and are "private, no-cache": no shared cache may store them and the
// client revalidates every time (a cheap 304).

// feedMaxAge caps max-age for public feeds.
const feedMaxAge = 15 * time.Minute

// feedCache holds rendered feeds and the data version they were rendered at.
type feedCache struct {
	mu      sync.RWMutex
	entries map[string]*feedEntry

	// known is the latest DataVersion, when it was asked and its epoch;
	// vmu lets one request at a time ask; dirty forces the next request to
	// ask.
	known atomic.Pointer[knownVersion]
	vmu   sync.Mutex
	dirty atomic.Bool

	// log is what the changes of each epoch touched; seen (under vmu)
	// holds the change ids read into it, back to touchWindow below the
	// highest.
	log  atomic.Pointer[touchLog]
	seen map[int64]bool
}

type knownVersion struct {
	v         calendar.DataVersion
	checkedAt time.Time
	epoch     uint64
}

// touchWindow is how far below the highest change id seen the cache asks
// again for changes: on PostgreSQL a change may commit after one with a
// higher id (as in the store's DataVersion). Far more than the writes
// that can be in flight at once.
const touchWindow = 1000

// touchLogSteps is how many epochs the log keeps; a render older than the
// log renders again.
const touchLogSteps = 1024

// touchLog holds the touches of epochs first, first+1, …; it is replaced,
// never changed, once published.
type touchLog struct {
	first uint64
	steps []*touched
}

// touched is what the changes of one epoch touched, merged.
type touched struct {
	everything, regionWide bool
	meetings               map[int64]bool
	// bodies are those whose meetings changed; named those that changed
	// themselves.
	bodies, named, rooms, people map[string]bool
}

func newTouched(ts []calendar.FeedTouch) *touched {
	t := &touched{meetings: map[int64]bool{}, bodies: map[string]bool{}, named: map[string]bool{},
		rooms: map[string]bool{}, people: map[string]bool{}}
	for _, ft := range ts {
		t.everything = t.everything || ft.Everything
		t.regionWide = t.regionWide || ft.RegionWide
		if ft.Meeting != 0 {
			t.meetings[ft.Meeting] = true
		}
		for _, b := range ft.Bodies {
			t.bodies[b] = true
			if ft.BodyItself {
				t.named[b] = true
			}
		}
		for _, r := range ft.Rooms {
			t.rooms[r] = true
		}
		for _, p := range ft.People {
			t.people[p] = true
		}
	}
	return t
}

// feedDeps is what a render showed: the feed must be rendered again when
// a change touches any of it.
type feedDeps struct {
	// public is the region's feed: every change of a meeting, body, room
	// or event touches it (not of a person or membership).
	public     bool
	regionWide bool // it shows events without a body
	person     string
	meetings   map[int64]bool
	// about are the bodies whose meetings it lists; named those its
	// events name (a joint meeting names the other bodies too).
	about, named map[string]bool
	rooms        map[string]bool
	// anyBody: a change of any body itself alters it. An organisation's
	// feed lists the public bodies it hosts, and a body made, moved to
	// another organisation or made restricted changes which they are.
	anyBody bool
}

// newFeedDeps is the deps of a feed of ms (their ids, bodies and rooms)
// about these bodies.
func newFeedDeps(ms []*calendar.Meeting, about ...string) *feedDeps {
	d := &feedDeps{meetings: make(map[int64]bool, len(ms)), about: map[string]bool{}, named: map[string]bool{}, rooms: map[string]bool{}}
	for _, b := range about {
		d.about[b] = true
	}
	for _, m := range ms {
		d.meetings[m.ID] = true
		for _, b := range m.Bodies {
			d.named[b] = true
		}
		if m.Room != "" {
			d.rooms[m.Room] = true
		}
	}
	return d
}

// alters reports whether the touches may alter a feed with deps d.
func (t *touched) alters(d *feedDeps) bool {
	if t.everything || (t.regionWide && (d.regionWide || d.public)) || t.people[d.person] {
		return true
	}
	if d.public && (len(t.meetings) > 0 || len(t.bodies) > 0 || len(t.rooms) > 0) || d.anyBody && len(t.named) > 0 {
		return true
	}
	for id := range t.meetings {
		if d.meetings[id] {
			return true
		}
	}
	for b := range t.bodies {
		if d.about[b] || (t.named[b] && d.named[b]) {
			return true
		}
	}
	for r := range t.rooms {
		if d.rooms[r] {
			return true
		}
	}
	return false
}

// feedEntry is one feed's rendered bytes; mu lets one request at a time
// render it, the others wait for its result instead of rendering too.
type feedEntry struct {
	mu  sync.Mutex
	cur atomic.Pointer[rendered]
}

// rendered is one render of a feed with everything a response needs,
// headers prebuilt as one-element slices (cap 1) so that serving allocates
// nothing.
type rendered struct {
	version calendar.DataVersion
	deps    *feedDeps
	// good is the epoch through which these bytes are known right: set
	// at the render, moved on when later epochs are found not to touch
	// them.
	good    atomic.Uint64
	expires time.Time // the policy's NextChange; zero: never
	lastMod time.Time
	body    []byte
	gz      []byte
	etag    string // strong, of body
	etagGz  string // strong, of the gzip representation

	hType, hDisp, hCache, hVary, hLastMod []string
	hETag, hETagGz, hLen, hLenGz, hGzip   []string
	hNosniff, hRobots, hReferrer          []string
	private                               bool
}

func newFeedCache() *feedCache {
	c := &feedCache{entries: map[string]*feedEntry{}, seen: map[int64]bool{}}
	c.log.Store(&touchLog{first: 1})
	return c
}

// invalidate makes the next feed request ask for the data version.
func (c *feedCache) invalidate() { c.dirty.Store(true) }

// dropPeople forgets every person feed, e.g. after a token rotation, so
// that no entry keyed by an old token lingers.
func (c *feedCache) dropPeople() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if strings.HasPrefix(k, "person:") {
			delete(c.entries, k)
		}
	}
}

// version returns the current data version and its epoch, asking the
// store when the known one is older than every or a write made it dirty.
// When the version moved, what the new changes touched becomes the next
// epoch of the log.
func (c *feedCache) version(ctx context.Context, store calendar.Store, now time.Time, every time.Duration) (*knownVersion, error) {
	k := c.known.Load()
	if k != nil && !c.dirty.Load() {
		if age := now.Sub(k.checkedAt); age >= 0 && age < every {
			return k, nil
		}
		if !c.vmu.TryLock() {
			return k, nil // another request is asking right now
		}
	} else {
		c.vmu.Lock()
	}
	defer c.vmu.Unlock()
	if k2 := c.known.Load(); k2 != k && !c.dirty.Load() {
		return k2, nil // answered while this request waited
	}
	// Cleared before asking: a write that commits after this point sets it
	// again, so its change is never missed.
	c.dirty.Store(false)
	v, err := store.DataVersion(ctx)
	if err == nil && (k == nil || v != k.v) {
		err = c.learn(ctx, store, v, k == nil)
	}
	if err != nil {
		c.dirty.Store(true)
		return nil, err
	}
	next := &knownVersion{v: v, checkedAt: now, epoch: c.log.Load().last()}
	c.known.Store(next)
	return next, nil
}

// last is the newest epoch of the log.
func (l *touchLog) last() uint64 { return l.first + uint64(len(l.steps)) - 1 }

// learn reads the changes not yet seen into the next epoch of the log;
// the first time (start) only notes the ids of the window below v:
// nothing was rendered before. Under vmu.
func (c *feedCache) learn(ctx context.Context, store calendar.Store, v calendar.DataVersion, start bool) error {
	var high int64
	for id := range c.seen {
		high = max(high, id)
	}
	if start {
		high = v.Serial
	}
	ts, err := store.FeedTouches(ctx, max(high-touchWindow, 0), func(id int64) bool { return c.seen[id] })
	if err != nil {
		return err
	}
	for _, t := range ts {
		c.seen[t.ChangeID] = true
		high = max(high, t.ChangeID)
	}
	for id := range c.seen {
		if id <= high-touchWindow {
			delete(c.seen, id)
		}
	}
	if start {
		return nil
	}
	step := newTouched(ts)
	if len(ts) == 0 {
		// The version moved and no change is new to this cache: more
		// were in flight than the window holds, or the record was cut.
		// Nothing is known, so everything is rendered again.
		step.everything = true
	}
	old := c.log.Load()
	l := &touchLog{first: old.first, steps: append(old.steps[:len(old.steps):len(old.steps)], step)}
	if n := len(l.steps) - touchLogSteps; n > 0 {
		l.first += uint64(n)
		l.steps = l.steps[n:]
	}
	c.log.Store(l)
	return nil
}

// good reports whether r is still right at epoch: no epoch after the one
// it is known good through touches it. It remembers the answer.
func (c *feedCache) good(r *rendered, epoch uint64) bool {
	from := r.good.Load()
	if from >= epoch {
		return true
	}
	l := c.log.Load()
	if from+1 < l.first || epoch > l.last() {
		return false // older than the log: not known
	}
	for e := from + 1; e <= epoch; e++ {
		if l.steps[e-l.first].alters(r.deps) {
			return false
		}
	}
	for cur := from; cur < epoch && !r.good.CompareAndSwap(cur, epoch); cur = r.good.Load() {
	}
	return true
}

func (c *feedCache) entry(key string) *feedEntry {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e != nil {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e = c.entries[key]; e == nil {
		e = &feedEntry{}
		c.entries[key] = e
	}
	return e
}

// peek returns the feed rendered last for key, or nil.
func (c *feedCache) peek(key string) *rendered {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	return e.cur.Load()
}

func (c *feedCache) remove(key string, e *feedEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] == e {
		delete(c.entries, key)
	}
}

// feedSource is what a render produced: the feed, the meetings the store
// returned (for the policy's NextChange), what it shows (for the changes
// that alter it), and the response's file name and audience.
type feedSource struct {
	feed     *ical.Feed
	meetings []*calendar.Meeting
	deps     *feedDeps
	filename string
	private  bool
}

// fresh reports whether r is still right at epoch k and now.
func (c *feedCache) fresh(r *rendered, k *knownVersion, now time.Time) bool {
	return (r.expires.IsZero() || now.Before(r.expires)) && c.good(r, k.epoch)
}

// serveFeed answers a feed request from the cache, rendering when needed.
// kind labels metrics ("all", "organisation", "body", "person"); key names
// the cache entry.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, kind, key string, source func(ctx context.Context, now time.Time) (*feedSource, error)) {
	now := s.now()
	k, err := s.feeds.version(r.Context(), s.store, now, s.check)
	if err != nil {
		// The database does not answer: a feed rendered before is still the
		// best answer there is (calendar clients would otherwise show
		// errors); it is served until the database answers again.
		if cur := s.feeds.peek(key); cur != nil {
			s.log.WarnContext(r.Context(), "serving a cached feed: the data version is unknown", "route", routeOf(r), "err", err)
			s.metrics.feedHits.WithLabelValues(kind).Inc()
			cur.serve(w, r)
			return
		}
		s.Error(w, r, err)
		return
	}
	e := s.feeds.entry(key)
	cur := e.cur.Load()
	if cur == nil || !s.feeds.fresh(cur, k, now) {
		e.mu.Lock()
		prev := e.cur.Load()
		if cur = prev; cur == nil || !s.feeds.fresh(cur, k, now) {
			cur, err = s.render(r.Context(), prev, k, now, source)
			if err == nil {
				e.cur.Store(cur)
				s.metrics.feedRender.WithLabelValues(kind).Inc()
			}
		} else {
			s.metrics.feedHits.WithLabelValues(kind).Inc()
		}
		e.mu.Unlock()
		switch {
		case calendar.IsNotFound(err):
			// The body became restricted or was deleted, the token was
			// rotated: forget the feed.
			s.feeds.remove(key, e)
			s.feedNotFound(w, r, kind)
			return
		case err != nil && prev != nil && calendar.ErrorCode(err) == calendar.EINTERNAL:
			// The database failed during the render: the previous bytes
			// are better than an error; the next request tries again.
			s.log.WarnContext(r.Context(), "serving the previous feed: rendering failed", "route", routeOf(r), "err", err)
			cur = prev
		case err != nil:
			s.Error(w, r, err)
			return
		}
	} else {
		s.metrics.feedHits.WithLabelValues(kind).Inc()
	}
	cur.serve(w, r)
}

func (s *Server) feedNotFound(w http.ResponseWriter, r *http.Request, kind string) {
	if kind == "person" {
		Problem(w, http.StatusNotFound, calendar.ENOTFOUND,
			"This feed address is not valid. It may have been replaced by a new one: ask the secretary for your current feed address.")
		return
	}
	Problem(w, http.StatusNotFound, calendar.ENOTFOUND,
		"There is no public feed at this address. The start page lists every public feed.")
}

// render builds new bytes for a feed. prev is the previous render, whose
// Last-Modified is kept when the bytes did not change.
func (s *Server) render(ctx context.Context, prev *rendered, k *knownVersion, now time.Time, source func(context.Context, time.Time) (*feedSource, error)) (*rendered, error) {
	v := k.v
	// A render outlives the request that started it: the others waiting for
	// it, and the cache, want its result even if that client went away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	src, err := source(ctx, now)
	if err != nil {
		return nil, err
	}
	src.feed.RefreshInterval = s.refresh
	body := ical.Encode(src.feed)
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:])
	etag := `"` + tag + `"`

	if prev != nil && prev.etag == etag && prev.private == src.private {
		out := prev.again()
		out.version, out.expires, out.deps = v, s.policy.NextChange(src.meetings, now), src.deps
		out.good.Store(k.epoch)
		return out, nil
	}
	out := &rendered{version: v, deps: src.deps, expires: s.policy.NextChange(src.meetings, now)}
	out.good.Store(k.epoch)

	var gz bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gzipWriters.Put(zw)

	last := v.At
	if now.After(last) {
		last = now
	}
	last = last.Truncate(time.Second)
	if prev != nil && !last.After(prev.lastMod) {
		last = prev.lastMod.Add(time.Second)
	}
	out.lastMod = last
	out.body, out.gz = body, gz.Bytes()
	out.etag, out.etagGz = etag, `"`+tag+`-gzip"`
	out.private = src.private

	one := func(s string) []string { return []string{s} }
	out.hType = one("text/calendar; charset=utf-8")
	out.hDisp = one(`inline; filename="` + src.filename + `"`)
	if src.private {
		out.hCache = one("private, no-cache")
		out.hRobots = one("noindex, nofollow")
		out.hReferrer = one("no-referrer")
	} else {
		age := min(s.refresh, feedMaxAge)
		out.hCache = one("public, max-age=" + strconv.Itoa(int(age/time.Second)))
	}
	out.hVary = one("Accept-Encoding")
	out.hLastMod = one(last.UTC().Format(http.TimeFormat))
	out.hETag, out.hETagGz = one(out.etag), one(out.etagGz)
	out.hLen, out.hLenGz = one(strconv.Itoa(len(out.body))), one(strconv.Itoa(len(out.gz)))
	out.hGzip = one("gzip")
	out.hNosniff = one("nosniff")
	return out, nil
}

// gzipWriters are reused: a writer holds about 1 MB of state, which was
// most of what a small feed's render allocated. The default level: on
// the country's coordinator feed BestCompression saved 5 % of the bytes
// for 20–25 % more render time.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // a valid level never fails
	return zw
}}

// again is a copy of f for a render that gave the same bytes: the
// bytes, validators and headers stay (Last-Modified too).
func (f *rendered) again() *rendered {
	return &rendered{version: f.version, deps: f.deps, expires: f.expires, lastMod: f.lastMod,
		body: f.body, gz: f.gz, etag: f.etag, etagGz: f.etagGz,
		hType: f.hType, hDisp: f.hDisp, hCache: f.hCache, hVary: f.hVary, hLastMod: f.hLastMod,
		hETag: f.hETag, hETagGz: f.hETagGz, hLen: f.hLen, hLenGz: f.hLenGz, hGzip: f.hGzip,
		hNosniff: f.hNosniff, hRobots: f.hRobots, hReferrer: f.hReferrer, private: f.private}
}

// serve writes r as the answer to req: 304 when the client's copy is
// current, else the gzip or identity bytes (none for HEAD).
func (f *rendered) serve(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	gzipped := acceptsGzip(req.Header.Get("Accept-Encoding"))
	h["Cache-Control"] = f.hCache
	h["Vary"] = f.hVary
	h["Last-Modified"] = f.hLastMod
	h["X-Content-Type-Options"] = f.hNosniff
	if f.private {
		h["X-Robots-Tag"] = f.hRobots
		h["Referrer-Policy"] = f.hReferrer
	}
	if gzipped {
		h["Etag"] = f.hETagGz
	} else {
		h["Etag"] = f.hETag
	}
	if f.notModified(req) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = f.hType
	h["Content-Disposition"] = f.hDisp
	body := f.body
	if gzipped {
		h["Content-Encoding"] = f.hGzip
		h["Content-Length"] = f.hLenGz
		body = f.gz
	} else {
		h["Content-Length"] = f.hLen
	}
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// notModified evaluates If-None-Match and, only without it,
// If-Modified-Since (RFC 9110 13.2.2). Either ETag of the feed matches: they
// name the same bytes, gzipped or not.
func (f *rendered) notModified(req *http.Request) bool {
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		for inm != "" {
			var tag string
			tag, inm, _ = strings.Cut(inm, ",")
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == f.etag || tag == f.etagGz {
				return true
			}
		}
		return false
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !f.lastMod.After(t)
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip: gzip,
// x-gzip or * with a q-value above 0 (an explicit gzip;q=0 wins over *).
func acceptsGzip(ae string) bool {
	if ae == "" {
		return false
	}
	star := false
	for ae != "" {
		var part string
		part, ae, _ = strings.Cut(ae, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		ok := qAbove0(params)
		switch {
		case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
			return ok
		case coding == "*":
			star = ok
		}
	}
	return star
}

// qAbove0 reads "q=0.5" style parameters; no q means 1.
func qAbove0(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(name), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			return err == nil && q > 0
		}
	}
	return true
}

// ---- the three feeds

func (s *Server) serveAllFeed(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	s.serveFeed(w, r, "all", "all", s.allFeed)
}

func (s *Server) serveBodyFeed(w http.ResponseWriter, r *http.Request) {
	s.serveSlugFeed(w, r, "body", s.bodyFeed)
}

func (s *Server) serveOrganisationFeed(w http.ResponseWriter, r *http.Request) {
	s.serveSlugFeed(w, r, "organisation", s.organisationFeed)
}

// serveSlugFeed serves the feed of kind named by the path's {slug}.
func (s *Server) serveSlugFeed(w http.ResponseWriter, r *http.Request, kind string, source func(context.Context, time.Time, string) (*feedSource, error)) {
	if !s.noQuery(w, r) {
		return
	}
	slug := mux.Vars(r)["slug"]
	if !calendar.ValidSlug(slug) {
		s.feedNotFound(w, r, kind)
		return
	}
	s.serveFeed(w, r, kind, kind+":"+slug, func(ctx context.Context, now time.Time) (*feedSource, error) {
		return source(ctx, now, slug)
	})
}

func (s *Server) servePersonFeed(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	token := mux.Vars(r)["token"]
	if len(token) < 20 || len(token) > 100 {
		s.feedNotFound(w, r, "person")
		return
	}
	s.serveFeed(w, r, "person", "person:"+token, func(ctx context.Context, now time.Time) (*feedSource, error) {
		return s.personFeed(ctx, now, token)
	})
}

// names looks up bodies and rooms for events and pages; feeds also load
// the justeringar (feedNames), once per render. A names is shared by the
// requests of one data version (namesCache): never change one.
type names struct {
	bodies      map[string]*calendar.Body
	rooms       map[string]*calendar.Room
	justeringar map[int64]*calendar.Justering // by meeting id
	// public are the public bodies by slug, and orgs the organisations'
	// names by slug: the start page and /organ (body_index.go).
	public []*calendar.Body
	orgs   map[string]string
}

// feedNames is names with the justeringar of the feed's meetings, for its
// events: a copy, so that the shared names stay as they are.
func (s *Server) feedNames(ctx context.Context, ms []*calendar.Meeting) (*names, error) {
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	c := *n
	if c.justeringar, err = s.justeringar(ctx, ms); err != nil {
		return nil, err
	}
	return &c, nil
}

// namesCache keeps the names of the latest data version: every page and
// feed names bodies and rooms, and at the size of a country reading all
// of them per request (1,260 bodies) was most of a page's time and memory
// (issue 12). The version is asked of the store on every call – one
// indexed row – so a change made anywhere, by any replica or straight in
// the store, is seen at once.
type namesCache struct {
	mu sync.Mutex
	v  calendar.DataVersion
	n  *names
}

func (s *Server) names(ctx context.Context) (*names, error) {
	v, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.namesCache.mu.Lock()
	if n := s.namesCache.n; n != nil && s.namesCache.v == v {
		s.namesCache.mu.Unlock()
		return n, nil
	}
	s.namesCache.mu.Unlock()
	bodies, err := s.store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		return nil, err
	}
	rooms, err := s.store.FindRooms(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.store.FindOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	n := &names{bodies: make(map[string]*calendar.Body, len(bodies)), rooms: make(map[string]*calendar.Room, len(rooms)),
		orgs: make(map[string]string, len(orgs))}
	for _, b := range bodies { // FindBodies sorts by slug
		n.bodies[b.Slug] = b
		if b.Visibility == calendar.Public {
			n.public = append(n.public, b)
		}
	}
	for _, r := range rooms {
		n.rooms[r.Slug] = r
	}
	for _, o := range orgs {
		n.orgs[o.Slug] = o.Name
	}
	// Read after v: at least as new as v, so keeping it under v is safe
	// (a change in between moves the version, and the next call reads
	// again).
	s.namesCache.mu.Lock()
	s.namesCache.v, s.namesCache.n = v, n
	s.namesCache.mu.Unlock()
	return n, nil
}

// events turns the meetings the policy shows into feed events, naming only
// the bodies that show allows (a public feed: public bodies only). A
// meeting whose minutes are approved says so in its description
// ("Justerat den 2024-10-01 via e-post"), as the minutes themselves do.
// Only a personal feed (own) carries the links of digital meetings.
func (s *Server) events(ms []*calendar.Meeting, now time.Time, n *names, show func(*calendar.Body) bool, own bool) []ical.Event {
	out := make([]ical.Event, 0, len(ms))
	for _, m := range ms {
		if !s.policy.Shows(m, now) {
			continue
		}
		e := ical.Event{Meeting: m, Room: n.rooms[m.Room], HideOnline: !own}
		if m.IsPublic(n.isPublic) { // a restricted meeting has no page to link
			e.URL = s.meetingURL(m.ID)
		}
		for _, slug := range m.Bodies {
			if b := n.bodies[slug]; b != nil && show(b) {
				e.Bodies = append(e.Bodies, b.Name)
			}
		}
		if j := n.justeringar[m.ID]; j != nil && j.Approved() {
			e.Details = append(e.Details, j.StatusText())
		}
		out = append(out, e)
	}
	return out
}

func isPublic(b *calendar.Body) bool { return b.Visibility == calendar.Public }

// regionFeedLookback bounds how far back the region's feed (all.ics)
// reaches: a year, or the policy's Lookback if shorter. A body's feed and
// a person's keep the whole Lookback (their own history); the feed of
// everything would otherwise grow with every body and every year – 14 MB
// for a country (issue 12).
const regionFeedLookback = 365 * 24 * time.Hour

// allFeed is every public body's meetings and the events without a body,
// from regionFeedLookback ago.
func (s *Server) allFeed(ctx context.Context, now time.Time) (*feedSource, error) {
	since := s.regionFeedSince(now)
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{PublicOnly: true, From: &since})
	if err != nil {
		return nil, err
	}
	n, err := s.feedNames(ctx, ms)
	if err != nil {
		return nil, err
	}
	return &feedSource{
		feed: &ical.Feed{
			Name:        s.region + " – alla möten",
			Description: "Alla offentliga möten i samverkansråd, chefsgrupper och andra organ inom " + s.region + ", och gemensamma händelser för hela länet.",
			Events:      s.events(ms, now, n, isPublic, false),
		},
		meetings: ms,
		deps:     &feedDeps{public: true, regionWide: true},
		filename: "alla-moten.ics",
	}, nil
}

// regionFeedSince is where the region's feed and an organisation's
// begin: the policy's lookback, at most regionFeedLookback.
func (s *Server) regionFeedSince(now time.Time) time.Time {
	since := s.policy.Since(now)
	if bound := calendar.DateOf(now.Add(-regionFeedLookback)).Start(); bound.After(since) {
		since = bound
	}
	return since
}

// organisationFeed is the region's feed of one organisation, for an
// installation of several regions (docs/deployment.md): the meetings of
// the public bodies it hosts (Body.Organisation), its own events and the
// events for everyone, from regionFeedSince. all.ics holds the whole
// installation, which for a country is every region's meetings.
func (s *Server) organisationFeed(ctx context.Context, now time.Time, slug string) (*feedSource, error) {
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	name, ok := n.orgs[slug]
	if !ok {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "organisation %q has no feed", slug)
	}
	since := s.regionFeedSince(now)
	ms, bodies, err := s.organisationMeetings(ctx, n, slug, calendar.MeetingFilter{PublicOnly: true, From: &since}, isPublic)
	if err != nil {
		return nil, err
	}
	fn, err := s.feedNames(ctx, ms)
	if err != nil {
		return nil, err
	}
	deps := newFeedDeps(ms, bodies...)
	deps.regionWide, deps.anyBody = true, true
	return &feedSource{
		feed: &ical.Feed{
			Name:        name + " – alla möten",
			Description: "Alla offentliga möten i organ som " + name + " är huvudman för, och gemensamma händelser.",
			Events:      s.events(ms, now, fn, isPublic, false),
		},
		meetings: ms,
		deps:     deps,
		filename: slug + ".ics",
	}, nil
}

// bodyFeed is one public body's meetings; a restricted body has no feed
// and reads as not found.
func (s *Server) bodyFeed(ctx context.Context, now time.Time, slug string) (*feedSource, error) {
	b, err := s.store.FindBodyBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if b.Visibility != calendar.Public {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "body %q has no public feed", slug)
	}
	since := s.policy.Since(now)
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{slug}, PublicOnly: true, From: &since})
	if err != nil {
		return nil, err
	}
	n, err := s.feedNames(ctx, ms)
	if err != nil {
		return nil, err
	}
	desc := b.Description
	if desc == "" {
		desc = "Möten i " + b.Name + " (" + s.region + ")."
	}
	return &feedSource{
		feed:     &ical.Feed{Name: b.Name, Description: desc, Events: s.events(ms, now, n, isPublic, false)},
		meetings: ms,
		deps:     newFeedDeps(ms, slug),
		filename: slug + ".ics",
	}, nil
}

// personFeed is everything the token's person takes part in, through
// memberships active on the meeting's day, restricted bodies included, and
// the region-wide events (no body) that are for everyone. An
// event names the public bodies and the person's own bodies.
func (s *Server) personFeed(ctx context.Context, now time.Time, token string) (*feedSource, error) {
	p, err := s.store.FindPersonByFeedToken(ctx, token)
	if err != nil {
		return nil, err
	}
	since := s.policy.Since(now)
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Person: &p.Key, WithRegionWide: true, From: &since})
	if err != nil {
		return nil, err
	}
	mine, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &p.Key})
	if err != nil {
		return nil, err
	}
	own := map[string]bool{}
	var bodies []string
	for _, m := range mine {
		own[m.Body] = true
		bodies = append(bodies, m.Body)
	}
	deps := newFeedDeps(ms, bodies...)
	deps.person, deps.regionWide = p.Key, true
	n, err := s.feedNames(ctx, ms)
	if err != nil {
		return nil, err
	}
	return &feedSource{
		feed: &ical.Feed{
			Name:        "Samkal – " + p.Name,
			Description: "Dina möten i de organ där du ingår (" + s.region + "). Adressen till den här kalendern är personlig: dela den inte.",
			Events:      s.events(ms, now, n, func(b *calendar.Body) bool { return isPublic(b) || own[b.Slug] }, true),
		},
		meetings: ms,
		deps:     deps,
		filename: "mina-moten.ics",
		private:  true,
	}, nil
}
