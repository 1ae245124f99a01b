package api_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// The fuzz targets of the HTTP surface (FuzzAPIWrite, FuzzAnmalanForm) run
// each input against a world: a server on a real store seeded with the
// fixture, and a few things more to address (an agenda item, a backlog
// item, a booking window, an anmälan link, a failed email). Building a
// world costs a store, so one world serves every input that changes
// nothing (every refused write), and a world is built again only after an
// input that changed something: each input meets the same state, so a
// failing input reproduces on its own, as the fuzzer needs.
//
// Under `go test -fuzz` the worlds run on SQLite. In a plain `go test` the
// seed corpus (the f.Add seeds and testdata/fuzz) runs on SQLite and on
// PostgreSQL: the defects that started these targets (NUL bytes, int32
// overflow) were PostgreSQL's alone.

// fuzzTB is the testing.TB of a world, which outlives the input that built
// it: failures go to the input running now (TB, set for each input);
// cleanups and temporary folders wait until the world is built again or
// the fuzz target ends.
type fuzzTB struct {
	testing.TB
	dir      string
	cleanups []func()
}

func (w *fuzzTB) Cleanup(f func()) { w.cleanups = append(w.cleanups, f) }

func (w *fuzzTB) TempDir() string {
	d, err := os.MkdirTemp(w.dir, "world")
	if err != nil {
		w.TB.Fatalf("fuzz world: %v", err)
	}
	w.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// close runs the cleanups, the last registered first.
func (w *fuzzTB) close() {
	for i := len(w.cleanups) - 1; i >= 0; i-- {
		w.cleanups[i]()
	}
	w.cleanups = nil
}

// unlimited lifts the rate limits of anonymous requests: the fuzz targets
// read feeds and post forms without the admin token, far more often than
// any person would, and a 429 would hide what they look for. The admin
// token is never limited anyway.
func unlimited(o *api.Options) {
	r := api.Rate{Burst: 1 << 30, Every: time.Nanosecond}
	o.RateLimits = api.RateLimits{Misses: r, Address: r, Token: r, Writes: r}
}

// world is one server and store for fuzz inputs; see above. The first
// build fills a store and keeps its database as a snapshot; later builds
// open a copy of the snapshot (a file copy on SQLite, CREATE DATABASE …
// TEMPLATE on PostgreSQL), which holds the same things under the same ids.
type world struct {
	engine string // "sqlite" or "postgres"
	tb     *fuzzTB
	keep   *fuzzTB // the snapshot's, until the fuzz target ends
	// clean is false when the last input may have changed the state.
	clean    bool
	snapshot string // the filled database: a file or a URL; "" before the first build
	dsn      string // the database opened last

	e       *env
	fix     *fixture
	meeting *calendar.Meeting // the anmälan link's meeting, with the agenda item
	item    int64             // an agenda item of meeting
	backlog int64             // a backlog item of chefsgrupp folkhälsa
	window  int64             // a booking window of two public bodies
	grant   int64             // Anna's role as secretary of skolchefsgruppen
	failed  int64             // a failed email
	sent    int64             // a sent email
	members []int64           // every membership
	token   string            // Maria's anmälan link to meeting
}

// newWorld returns a world on engine whose builds are undone by close.
func newWorld(tb testing.TB, engine, dir string) (w *world, close func()) {
	w = &world{engine: engine, tb: &fuzzTB{TB: tb, dir: dir}, keep: &fuzzTB{TB: tb, dir: dir}}
	return w, func() {
		w.tb.TB, w.keep.TB = tb, tb
		w.tb.close()
		w.keep.close()
	}
}

// fuzzing reports whether this is a go test -fuzz run rather than a run
// of the seed corpus.
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// fuzzWorlds returns a world per engine, or SQLite's alone while fuzzing.
func fuzzWorlds(f *testing.F) []*world {
	engines := sqltest.Engines()
	if fuzzing() {
		engines = engines[:1]
	}
	dir := f.TempDir()
	var ws []*world
	for _, e := range engines {
		w, close := newWorld(f, e.Name, dir)
		f.Cleanup(close)
		ws = append(ws, w)
	}
	return ws
}

// eachWorld runs check on every world, at once: one world's store waits
// for its disk while the other's works.
func eachWorld(t *testing.T, worlds []*world, check func(*testing.T, *world)) {
	if len(worlds) == 1 {
		check(t, worlds[0])
		return
	}
	for _, w := range worlds {
		t.Run(w.engine, func(t *testing.T) {
			t.Parallel()
			check(t, w)
		})
	}
}

// use readies w for the input t runs and returns its env: the world as the
// last input left it when that changed nothing, a new one otherwise.
func (w *world) use(t *testing.T) *env {
	w.tb.TB, w.keep.TB = t, t
	if !w.clean || w.e == nil {
		w.tb.close()
		if w.snapshot == "" {
			w.fill()
			must(t, w.e.store.Close())
			w.snapshot = w.dsn
		}
		w.e = newEnv(w.tb, w.open, unlimited)
		w.clean = true
	}
	w.e.logs.reset()
	return w.e
}

// open opens a store on a new database: an empty one before the snapshot
// is taken, a copy of the snapshot after.
func (w *world) open(tb testing.TB, o sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	var dsn string
	switch {
	case w.engine == "postgres" && w.snapshot == "":
		dsn = sqltest.PostgresURL(tb)
	case w.engine == "postgres":
		dsn = sqltest.PostgresCopy(tb, w.snapshot)
	default:
		dsn = filepath.Join(tb.TempDir(), "samkal.db")
		for _, suffix := range []string{"", "-wal"} {
			if w.snapshot == "" {
				break
			}
			b, err := os.ReadFile(w.snapshot + suffix)
			if errors.Is(err, fs.ErrNotExist) && suffix != "" {
				continue
			}
			if err == nil {
				err = os.WriteFile(dsn+suffix, b, 0o600)
			}
			if err != nil {
				tb.Fatalf("fuzz world: copy the snapshot: %v", err)
			}
		}
	}
	s, err := sqlstore.Open(context.Background(), dsn, o)
	if err != nil {
		tb.Fatalf("fuzz world: open %s store: %v", w.engine, err)
	}
	tb.Cleanup(func() { s.Close() })
	w.dsn = dsn
	return s
}

// fill makes the world that is kept as the snapshot: the fixture and the
// things to address.
func (w *world) fill() {
	ctx := context.Background()
	e := newEnv(w.keep, w.open, unlimited)
	w.e, w.fix = e, seed(w.keep, e)
	w.meeting = w.fix.folkhalsa[2]
	type created struct{ ID int64 }
	w.item = decode[created](w.keep, e.write(http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/agenda", w.meeting.ID),
		`{"title":"Lägesrapport","kind":"information","sub_points":["Budget 2025"]}`, http.StatusCreated)).ID
	w.backlog = decode[created](w.keep, e.write(http.MethodPost, "/api/v1/bodies/chefsgrupp-folkhalsa/backlog",
		`{"title":"Tema: psykisk hälsa","notes":"Förbered till hösten"}`, http.StatusCreated)).ID
	w.window = decode[created](w.keep, e.write(http.MethodPost, "/api/v1/booking-windows", fuzzWindow, http.StatusCreated)).ID
	w.grant = decode[created](w.keep, e.write(http.MethodPost, "/api/v1/roles",
		`{"person":"anna-berg","role":"secretary","body":"skolchefsgruppen"}`, http.StatusCreated)).ID
	// Minutes to approve, so that a justering can be marked.
	e.write(http.MethodPatch, "/api/v1/bodies/chefsgrupp-folkhalsa", `{"minutes_need_approval":true}`, http.StatusOK)
	// A room no meeting uses, so that deleting a room can succeed.
	e.write(http.MethodPost, "/api/v1/rooms", `{"slug":"lokal-tom","name":"Lokal Tom","capacity":8}`, http.StatusCreated)
	// A body with nothing in it, so that deleting a body can succeed.
	e.write(http.MethodPost, "/api/v1/bodies", `{"slug":"tom-grupp","name":"Tom grupp","kind":"working-group"}`, http.StatusCreated)

	w.fillCallers(ctx)

	ms, err := e.store.FindMemberships(ctx, calendar.MembershipFilter{})
	must(w.keep, err)
	w.members = nil
	for _, m := range ms {
		w.members = append(w.members, m.ID)
	}
	l, err := e.store.EnsureLink(ctx, calendar.LinkAgenda, w.meeting.ID, w.fix.maria.Key, start.AddDate(0, 1, 0))
	must(w.keep, err)
	w.token = l.Token

	for _, m := range []*calendar.OutboxMessage{
		{Key: "kallelse/fuzz/1", Kind: "kallelse", MeetingID: w.meeting.ID, Recipient: mariaEmail, Subject: "Kallelse", Body: []byte("Subject: x\r\n\r\nhej\r\n")},
		{Key: "kallelse/fuzz/2", Kind: "kallelse", MeetingID: w.meeting.ID, Recipient: annaEmail, Subject: "Kallelse", Body: []byte("Subject: x\r\n\r\nhej\r\n")},
	} {
		_, err := e.store.EnqueueMessage(ctx, m)
		must(w.keep, err)
	}
	claimed, err := e.store.ClaimMessages(ctx, "fuzz", start, time.Minute, 10, false)
	if err != nil || len(claimed) != 2 {
		w.keep.Fatalf("fuzz world: claimed %d messages, %v; want 2", len(claimed), err)
	}
	must(w.keep, e.store.MarkMessageSent(ctx, claimed[0].ID, "fuzz", start))
	must(w.keep, e.store.MarkMessageFailed(ctx, claimed[1].ID, "fuzz", "550 mailbox unavailable"))
	w.sent, w.failed = claimed[0].ID, claimed[1].ID
}

// fuzzWindow is the world's booking window.
const fuzzWindow = `{"name":"Höstmöten 2025","weeks":["2025-W37","2025-W38"],"bodies":["chefsgrupp-folkhalsa","chefsgrupp-social-valfard"],` +
	`"duration_minutes":120,"weekdays":["tue","wed","thu"],"hours":[{"from":"09:00","to":"12:00"},{"from":"13:00","to":"16:30"}],` +
	`"rooms":["lokal-eken"],"deadline":"2025-06-13"}`

// candidates are what a path variable after collection may name in the
// world: things of each kind that matter (public and restricted, used
// and unused), and one that does not exist. A new kind of path fails here
// until it is added, so that no route goes unfuzzed.
func (w *world) candidates(collection string) []string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := w.fix
	switch collection {
	case "organisations":
		return []string{"region-orebro-lan", "kumla", "lansstyrelsen", "finns-inte"}
	case "people":
		return []string{"maria-lindborg", "anna-berg", "finns-inte"}
	case "bodies":
		return []string{"chefsgrupp-folkhalsa", "arbetsgrupp-uppfoljningsdag", "skolchefsgruppen", "tom-grupp", "finns-inte"}
	case "rooms":
		return []string{"lokal-eken", "lokal-enen", "lokal-tom", "finns-inte"}
	case "memberships":
		var out []string
		for _, m := range w.members {
			out = append(out, id(m))
		}
		return append(out, "999999")
	case "meetings":
		return []string{id(w.meeting.ID), id(f.followUp.ID), id(f.restricted.ID), id(f.mixed.ID), id(f.joint.ID), id(f.folkhalsa[0].ID), "999999"}
	case "agenda-items":
		return []string{id(w.item), "999999"}
	case "backlog-items":
		return []string{id(w.backlog), "999999"}
	case "booking-windows":
		return []string{id(w.window), "999999"}
	case "outbox":
		return []string{id(w.failed), id(w.sent), "999999"}
	case "roles":
		return []string{id(w.grant), "999999"}
	case "tokens":
		return []string{"1", "999999"}
	}
	return nil
}

// resolve fills the route template's variables with candidates chosen by
// target.
func (w *world) resolve(t *testing.T, template string, target uint8) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		c := w.candidates(segs[i-1])
		if len(c) == 0 {
			t.Fatalf("route %s: the fuzz world has nothing to put for %s after %q; add candidates in world.candidates", template, s, segs[i-1])
		}
		segs[i] = c[int(target)%len(c)]
	}
	return strings.Join(segs, "/")
}

// version is the store's data version, to tell whether a request changed
// anything.
func (w *world) version(t *testing.T) calendar.DataVersion {
	v, err := w.e.store.DataVersion(context.Background())
	if err != nil {
		t.Fatalf("%s: data version: %v", w.engine, err)
	}
	return v
}

// checkOutputs reads what every reader sees after a change: the feeds
// (all, every body's, every person's), each parsed, and the start page,
// the page of the world's meeting and its anmälan page. None may fail;
// every feed must parse.
func (w *world) checkOutputs(t *testing.T, where string) {
	t.Helper()
	ctx := context.Background()
	e := w.e
	paths := []string{"/feeds/all.ics"}
	bodies, err := e.store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		t.Fatalf("%s: bodies: %v", where, err)
	}
	for _, b := range bodies {
		paths = append(paths, "/feeds/bodies/"+b.Slug+".ics")
	}
	people, err := e.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		t.Fatalf("%s: people: %v", where, err)
	}
	for _, p := range people {
		paths = append(paths, "/feeds/people/"+p.FeedToken+".ics")
	}
	for _, p := range paths {
		r := e.get(p)
		switch {
		case r.StatusCode == http.StatusOK:
			checkICS(t, where+": GET "+p, r.body)
		case r.StatusCode != http.StatusNotFound || !strings.HasPrefix(p, "/feeds/bodies/"):
			// Only a restricted body has no feed.
			t.Fatalf("%s: GET %s: status %d: %s\nlogs:\n%s", where, p, r.StatusCode, r.body, e.logs)
		}
	}
	for _, p := range []string{"/", "/anmalan/" + w.token, "/moten/" + strconv.FormatInt(w.meeting.ID, 10)} {
		if r := e.get(p); r.StatusCode >= 500 {
			t.Fatalf("%s: GET %s: status %d: %s\nlogs:\n%s", where, p, r.StatusCode, r.body, e.logs)
		}
	}
}

// checkICS checks a feed as a strict calendar client reads it: lines end
// in CRLF, hold at most 75 octets of valid UTF-8 and no control character
// but tab; golang-ical parses it; every event has UID, DTSTAMP and
// DTSTART, and there are as many events as BEGIN:VEVENT lines.
func checkICS(t *testing.T, where string, b []byte) {
	t.Helper()
	text := string(b)
	if !strings.HasPrefix(text, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(text, "END:VCALENDAR\r\n") {
		t.Fatalf("%s: not a VCALENDAR:\n%s", where, excerpt(b))
	}
	begins := 0
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Fatalf("%s: line %d is %d octets or not UTF-8: %q", where, i+1, len(line), line)
		}
		for _, r := range line {
			if r < 0x20 && r != '\t' || r == 0x7f {
				t.Fatalf("%s: line %d holds control character %U: %q", where, i+1, r, line)
			}
		}
		if line == "BEGIN:VEVENT" {
			begins++
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: golang-ical cannot parse the feed: %v\n%s", where, err, excerpt(b))
	}
	events := cal.Events()
	if len(events) != begins {
		t.Fatalf("%s: %d BEGIN:VEVENT lines but %d events parsed", where, begins, len(events))
	}
	for _, ev := range events {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart} {
			if v := ev.GetProperty(p); v == nil || v.Value == "" {
				t.Fatalf("%s: event %q has no %s", where, ev.Id(), p)
			}
		}
	}
}

// excerpt shows at most the first 300 bytes of b, quoted.
func excerpt(b []byte) string {
	if len(b) > 300 {
		return fmt.Sprintf("%q… (%d bytes)", b[:300], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// noErrorLogged fails when the server logged an error: a caller's mistake
// is never one.
func noErrorLogged(t *testing.T, e *env, where string) {
	t.Helper()
	if logs := e.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Fatalf("%s: the server logged an error:\n%s", where, logs)
	}
}

func (s *syncBuffer) reset() { s.mu.Lock(); defer s.mu.Unlock(); s.b.Reset() }

// rawQuery makes a fuzzed query string safe to put in a URL: it keeps
// what a URL may hold (and %XX escapes), and escapes the rest, so that
// the server decodes exactly the fuzzed bytes.
func rawQuery(s string) string {
	const hex = "0123456789ABCDEF"
	isHex := func(c byte) bool { return strings.IndexByte("0123456789abcdefABCDEF", c) >= 0 }
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case c > 0x20 && c < 0x7f && c != '%' && c != '#' && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// readAll reads and closes a response body.
func readAll(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
