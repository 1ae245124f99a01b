package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/config"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// exampleFile is the example region, read from the source tree as an
// operator would import it.
var exampleFile = filepath.Join("..", "..", "examples", "region-orebro.yaml")

const testToken = "e2e-test-admin-token-0123456789"

// lockedBuffer is a bytes.Buffer that the server goroutine and the test
// may use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// getenv returns a getenv that knows only vars, so that the developer's own
// SAMKAL_* variables cannot change a test.
func getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// result is what one run of the command line did.
type result struct {
	code           int
	stdout, stderr string
}

// samkal runs the command line in this process and waits for it.
func samkal(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr, getenv(vars))
	return result{code, stdout.String(), stderr.String()}
}

// mustRun runs the command line and fails the test unless it exits 0.
func mustRun(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	r := samkal(t, vars, args...)
	if r.code != 0 {
		t.Fatalf("samkal %s exited %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// server is `samkal serve` running in this process.
type server struct {
	base    string // e.g. http://127.0.0.1:41234
	welcome string // what serve printed on standard output
	logs    *lockedBuffer
	stop    func() int // cancels the context and returns the exit code
}

// startServe starts `samkal serve` with args on a free port of 127.0.0.1 and
// returns when it has printed its welcome, which it does once it listens.
// The server is stopped when the test ends, and must then exit 0.
func startServe(t *testing.T, vars map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, logs, getenv(vars))
		pw.Close()
		done <- code
	}()

	var welcome strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		welcome.WriteString(sc.Text() + "\n")
		if sc.Text() == "Stop with Ctrl+C." {
			break
		}
	}
	go io.Copy(io.Discard, pr) // whatever serve may print later
	if !strings.Contains(welcome.String(), "Stop with Ctrl+C.") {
		cancel()
		t.Fatalf("serve stopped before it listened (exit code %d)\nstdout:\n%s\nstderr:\n%s", <-done, welcome.String(), logs.String())
	}
	m := regexp.MustCompile(`Start page: +(http://\S+)/\n`).FindStringSubmatch(welcome.String())
	if m == nil {
		t.Fatalf("serve printed no start page URL:\n%s", welcome.String())
	}
	var once sync.Once
	code := -1
	s := &server{base: m[1], welcome: welcome.String(), logs: logs, stop: func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}}
	t.Cleanup(func() {
		if code := s.stop(); code != 0 {
			t.Errorf("serve exited %d after its context was cancelled, want 0\nstderr:\n%s", code, logs.String())
		}
	})
	return s
}

// request sends a request to the server and returns the response with its
// body read.
func (s *server) request(t *testing.T, method, path, token string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = s.base + path
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp, b
}

// get fetches path and fails the test unless the answer is want.
func (s *server) get(t *testing.T, path string, want int, header ...string) (*http.Response, []byte) {
	t.Helper()
	resp, body := s.request(t, http.MethodGet, path, "", nil, header...)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, resp.StatusCode, want, body)
	}
	return resp, body
}

const bodyFeed = "/feeds/bodies/chefsgrupp-folkhalsa.ics"

// stockholm returns the instant of a Swedish wall-clock time.
func stockholm(date string, hour, min int) time.Time {
	d, err := calendar.ParseDate(date)
	if err != nil {
		panic(err)
	}
	return d.At(hour, min)
}

// events2025 returns the feed's events that start in 2025, keyed by UID.
func events2025(t *testing.T, ics []byte) map[string]icaltest.Event {
	t.Helper()
	cal := icaltest.ParseWithICALJS(t, ics)
	out := map[string]icaltest.Event{}
	for _, e := range cal.Events {
		if calendar.In(e.Start).Year() == 2025 {
			out[e.UID] = e
		}
	}
	return out
}

// meeting is the part of the API's meeting JSON the tests read.
type meeting struct {
	ID       int64  `json:"id"`
	UID      string `json:"uid"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Sequence int    `json:"sequence"`
}

// checkFeedFlow is the end-to-end check of the brief: the body feed holds
// the six meetings of 2025 at 13.00–16.30 Swedish time as ical.js reads
// them; a meeting moved through the API with token shows in the feed at its
// new time with a higher SEQUENCE, also for a client that sends the old ETag.
func checkFeedFlow(t *testing.T, s *server, token string) {
	t.Helper()
	resp, body := s.get(t, "/healthz", http.StatusOK)
	if !strings.Contains(string(body), `"ok"`) {
		t.Errorf("/healthz answered %s", body)
	}

	resp, ics := s.get(t, bodyFeed, http.StatusOK)
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Errorf("the feed has no ETag")
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("feed Content-Type = %q, want text/calendar", ct)
	}
	events := events2025(t, ics)
	// The UTC instants are spelled out: 13.00 is 12.00Z in winter time and
	// 11.00Z in summer time (30 March to 26 October 2025).
	want := []struct{ date, startUTC, endUTC string }{
		{"2025-01-21", "2025-01-21T12:00:00Z", "2025-01-21T15:30:00Z"},
		{"2025-03-20", "2025-03-20T12:00:00Z", "2025-03-20T15:30:00Z"},
		{"2025-05-22", "2025-05-22T11:00:00Z", "2025-05-22T14:30:00Z"},
		{"2025-08-20", "2025-08-20T11:00:00Z", "2025-08-20T14:30:00Z"},
		{"2025-10-23", "2025-10-23T11:00:00Z", "2025-10-23T14:30:00Z"},
		{"2025-12-02", "2025-12-02T12:00:00Z", "2025-12-02T15:30:00Z"},
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Start.UTC().Format(time.RFC3339)+"/"+e.End.UTC().Format(time.RFC3339)+" "+e.TZID)
	}
	slices.Sort(got)
	var wantLines []string
	for _, w := range want {
		wantLines = append(wantLines, w.startUTC+"/"+w.endUTC+" Europe/Stockholm")
		if s, e := stockholm(w.date, 13, 0), stockholm(w.date, 16, 30); s.UTC().Format(time.RFC3339) != w.startUTC || e.UTC().Format(time.RFC3339) != w.endUTC {
			t.Fatalf("the test's table is wrong for %s", w.date)
		}
	}
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Fatalf("2025 events in %s as ical.js reads them:\n%s\nwant:\n%s", bodyFeed, strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	if resp, _ := s.get(t, bodyFeed, http.StatusNotModified, "If-None-Match", etag); resp.Header.Get("ETag") != etag {
		t.Errorf("304 answer has ETag %q, want %q", resp.Header.Get("ETag"), etag)
	}

	// Move the meeting of 20 March (winter time) to 3 April (summer time).
	_, body = s.get(t, "/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2025", http.StatusOK)
	var list struct{ Items []meeting }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("meetings list: %v\n%s", err, body)
	}
	var march *meeting
	for i, m := range list.Items {
		if strings.HasPrefix(m.Start, "2025-03-20T13:00") {
			march = &list.Items[i]
		}
	}
	if march == nil {
		t.Fatalf("no meeting on 2025-03-20 13:00 in the API's list:\n%s", body)
	}
	before, ok := events[march.UID]
	if !ok {
		t.Fatalf("the API's meeting %s is not in the feed", march.UID)
	}
	path := "/api/v1/meetings/" + strconv.FormatInt(march.ID, 10)
	patch := map[string]string{"start": "2025-04-03T13:00", "end": "2025-04-03T16:30"}
	if resp, body := s.request(t, http.MethodPatch, path, "", patch); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("PATCH without a token: status %d, want 401\n%s", resp.StatusCode, body)
	}
	resp, body = s.request(t, http.MethodPatch, path, token, patch)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH %s: status %d, want 200\n%s", path, resp.StatusCode, body)
	}

	resp, ics = s.get(t, bodyFeed, http.StatusOK, "If-None-Match", etag)
	if resp.Header.Get("ETag") == etag {
		t.Errorf("the feed kept its ETag %s after a change", etag)
	}
	moved, ok := events2025(t, ics)[march.UID]
	if !ok {
		t.Fatalf("the moved meeting %s is gone from the feed", march.UID)
	}
	if got, want := moved.Start.UTC().Format(time.RFC3339), "2025-04-03T11:00:00Z"; got != want {
		t.Errorf("moved meeting starts %s, want %s (13.00 summer time)", got, want)
	}
	if got, want := moved.End.UTC().Format(time.RFC3339), "2025-04-03T14:30:00Z"; got != want {
		t.Errorf("moved meeting ends %s, want %s (16.30 summer time)", got, want)
	}
	if moved.Sequence <= before.Sequence {
		t.Errorf("SEQUENCE went from %d to %d, want it higher", before.Sequence, moved.Sequence)
	}
}

// checkWelcome checks that serve printed the URLs to open and subscribe to,
// and that every http URL printed answers 200.
func checkWelcome(t *testing.T, s *server) {
	t.Helper()
	host := strings.TrimPrefix(s.base, "http://")
	for _, want := range []string{
		s.base + "/\n",
		s.base + "/feeds/all.ics\n",
		s.base + bodyFeed + "\n",
		"webcal://" + host + bodyFeed + "\n",
		s.base + "/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2025\n",
		"curl -X PATCH",
	} {
		if !strings.Contains(s.welcome, want) {
			t.Errorf("the welcome lacks %q:\n%s", want, s.welcome)
		}
	}
	for _, u := range regexp.MustCompile(`http://\S+`).FindAllString(s.welcome, -1) {
		if !strings.Contains(u, "/api/v1/meetings/") { // the PATCH example's target
			s.get(t, u, http.StatusOK)
		}
	}
}

func TestServeDemoSQLite(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	s := startServe(t, map[string]string{"SAMKAL_ADMIN_TOKEN": testToken, "SAMKAL_DB": db}, "--demo")
	checkWelcome(t, s)
	if strings.Contains(s.welcome, testToken) {
		t.Errorf("serve printed the configured admin token:\n%s", s.welcome)
	}
	if !strings.Contains(s.logs.String(), "demo data loaded") {
		t.Errorf("no log line about the demo data:\n%s", s.logs.String())
	}
	checkFeedFlow(t, s, testToken)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d, want 0", code)
	}

	// Again on the same database, without a configured token: the demo data
	// is not loaded over the edited data, and the session token works.
	s = startServe(t, nil, "--demo", "--db", db)
	if !strings.Contains(s.logs.String(), "the demo data is not loaded") {
		t.Errorf("no log line saying the demo data was skipped:\n%s", s.logs.String())
	}
	m := regexp.MustCompile(`Admin token for this demo session.*\n  (\S+)\n`).FindStringSubmatch(s.welcome)
	if m == nil {
		t.Fatalf("serve --demo without a token printed no session token:\n%s", s.welcome)
	}
	if strings.Contains(s.logs.String(), m[1]) {
		t.Errorf("the session token was logged")
	}
	// The printed sign-in link signs Maria in, once, and /konto shows her
	// as the secretary her memberships make her.
	link := regexp.MustCompile(`Sign in as the secretary Maria Lindborg.*\n  (http://\S+/logga-in/\S+)\n`).FindStringSubmatch(s.welcome)
	if link == nil {
		t.Fatalf("serve --demo printed no sign-in link:\n%s", s.welcome)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Post(link[1], "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/konto" || len(cookies) == 0 {
		t.Fatalf("using the printed sign-in link: %d to %q, cookies %v", res.StatusCode, res.Header.Get("Location"), cookies)
	}
	rq, _ := http.NewRequest(http.MethodGet, strings.Split(link[1], "/logga-in/")[0]+"/konto", nil)
	rq.AddCookie(cookies[0])
	res, err = noFollow.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	konto, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(konto), "Maria Lindborg") || !strings.Contains(string(konto), "Chefsgrupp folkhälsa") {
		t.Errorf("/konto after the demo sign-in: %d\n%.2000s", res.StatusCode, konto)
	}
	_, ics := s.get(t, bodyFeed, http.StatusOK)
	events := events2025(t, ics)
	if len(events) != 6 {
		t.Errorf("feed after restart has %d events in 2025, want 6", len(events))
	}
	// The printed curl example works as printed.
	curl := regexp.MustCompile(`curl -X PATCH -H "Authorization: Bearer (\S+)" -H 'Content-Type: application/json' \\\n +-d '(\{.*\})' \\\n +(http://\S+)\n`).FindStringSubmatch(s.welcome)
	if curl == nil {
		t.Fatalf("no curl example in the welcome:\n%s", s.welcome)
	}
	if curl[1] != m[1] {
		t.Errorf("the curl example uses token %q, not the session token", curl[1])
	}
	var patch map[string]string
	if err := json.Unmarshal([]byte(curl[2]), &patch); err != nil {
		t.Fatalf("the curl example's body %s: %v", curl[2], err)
	}
	resp, body := s.request(t, http.MethodPatch, curl[3], curl[1], patch)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the curl example: status %d, want 200\n%s", resp.StatusCode, body)
	}
	var moved meeting
	if err := json.Unmarshal(body, &moved); err != nil || !strings.HasPrefix(moved.Start, patch["start"]) {
		t.Errorf("the curl example moved the meeting to %q, want %q (%v)", moved.Start, patch["start"], err)
	}
}

func TestServePostgres(t *testing.T) {
	t.Parallel()
	db := sqltest.PostgresURL(t)
	r := mustRun(t, nil, "import", "--db", db, exampleFile)
	if !strings.Contains(r.stdout, "meetings: ") {
		t.Errorf("import printed no report:\n%s", r.stdout)
	}
	s := startServe(t, map[string]string{"SAMKAL_ADMIN_TOKEN": testToken}, "--db", db)
	checkWelcome(t, s)
	if !strings.Contains(s.logs.String(), "database=postgres") {
		t.Errorf("the start log does not name PostgreSQL:\n%s", s.logs.String())
	}
	checkFeedFlow(t, s, testToken)
}

func TestServeWithoutTokenRefusesWrites(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)
	s := startServe(t, nil, "--db", db)
	if !strings.Contains(s.welcome, "No admin token is configured: changes need a signed-in person") {
		t.Errorf("no hint about the missing admin token:\n%s", s.welcome)
	}
	if strings.Contains(s.welcome, "curl -X PATCH") {
		t.Errorf("a PATCH example was printed although writes are refused:\n%s", s.welcome)
	}
	resp, body := s.request(t, http.MethodPatch, "/api/v1/meetings/1", "", map[string]string{"notes": "x"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("PATCH without an admin token configured: status %d, want 401\n%s", resp.StatusCode, body)
	}
}

func TestServeEmptyDatabase(t *testing.T) {
	t.Parallel()
	s := startServe(t, map[string]string{"SAMKAL_ADMIN_TOKEN": testToken}, "--db", filepath.Join(t.TempDir(), "samkal.db"))
	if strings.Contains(s.welcome, "chefsgrupp-folkhalsa") {
		t.Errorf("the welcome points at a body the database does not have:\n%s", s.welcome)
	}
	s.get(t, "/feeds/all.ics", http.StatusOK)
}

// counts reads the created/updated/unchanged numbers of import's report.
func counts(t *testing.T, out string) (created, updated, unchanged int) {
	t.Helper()
	ms := regexp.MustCompile(`(\d+) created, (\d+) updated, (\d+) unchanged`).FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		t.Fatalf("no counts in import's report:\n%s", out)
	}
	for _, m := range ms {
		c, _ := strconv.Atoi(m[1])
		u, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		created, updated, unchanged = created+c, updated+u, unchanged+n
	}
	return
}

func TestImportTwice(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	first := mustRun(t, nil, "import", "--db", db, exampleFile)
	if c, _, _ := counts(t, first.stdout); c == 0 {
		t.Errorf("the first import created nothing:\n%s", first.stdout)
	}
	second := mustRun(t, nil, "import", exampleFile, "--db", db) // flags may follow the files
	if c, u, n := counts(t, second.stdout); c != 0 || u != 0 || n == 0 {
		t.Errorf("the second import: %d created, %d updated, %d unchanged; want everything unchanged:\n%s", c, u, n, second.stdout)
	}
	if !strings.HasPrefix(second.stdout, exampleFile+": ") {
		t.Errorf("the report does not name the file:\n%s", second.stdout)
	}
}

func TestImportBrokenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "samkal.db")
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte(`rooms:
  - slug: lokal-eken
    name: Lokal Eken
meetings:
  - key: trasigt-mote
    bodies: [chefsgrupp-folkhalsa]
    date: 2025-02-30
    start: "13:00"
    end: "16:30"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"broken file", []string{broken}, broken + ":7:"},
		{"good file and broken file", []string{exampleFile, broken}, broken + ":7:"},
		{"missing file", []string{exampleFile, filepath.Join(dir, "saknas.yaml")}, "saknas.yaml: cannot read: no such file or directory"},
	}
	for _, tt := range tests {
		r := samkal(t, nil, append([]string{"import", "--db", db}, tt.files...)...)
		if r.code != exitFailure {
			t.Errorf("%s: exit code %d, want %d", tt.name, r.code, exitFailure)
		}
		if !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "nothing was imported") {
			t.Errorf("%s: stderr lacks %q and \"nothing was imported\":\n%s", tt.name, tt.want, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%s: stdout %q, want nothing", tt.name, r.stdout)
		}
	}
	// A file that parses but refers to what does not exist fails in Apply,
	// with its line, and also writes nothing.
	dangling := filepath.Join(dir, "dangling.yaml")
	if err := os.WriteFile(dangling, []byte("meetings:\n  - key: ensamt-mote\n    bodies: [finns-inte]\n    date: 2025-02-03\n    start: \"13:00\"\n    end: \"14:00\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := samkal(t, nil, "import", "--db", db, exampleFile, dangling)
	if r.code != exitFailure || !strings.Contains(r.stderr, dangling+":") {
		t.Errorf("import of a dangling reference: exit %d, stderr:\n%s", r.code, r.stderr)
	}

	store, err := sqlstore.Open(t.Context(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if v, err := store.DataVersion(t.Context()); err != nil || v.Serial != 0 {
		t.Errorf("the database changed after failed imports: version %+v, %v", v, err)
	}
}

func TestExportReimports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)
	out := filepath.Join(dir, "chefsgrupp-folkhalsa-2025.yaml")
	mustRun(t, nil, "export", "--db", db, "--body", "chefsgrupp-folkhalsa", "--year", "2025", "-o", out)
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, date := range []string{"2025-01-21", "2025-03-20", "2025-05-22", "2025-08-20", "2025-10-23", "2025-12-02"} {
		if !bytes.Contains(written, []byte(date)) {
			t.Errorf("the export lacks the meeting of %s:\n%s", date, written)
		}
	}
	if r := mustRun(t, nil, "export", "--db", db, "--body", "chefsgrupp-folkhalsa", "--year", "2025"); r.stdout != string(written) {
		t.Errorf("export to standard output differs from export to a file")
	}
	again := mustRun(t, nil, "import", "--db", db, out)
	if c, u, n := counts(t, again.stdout); c != 0 || u != 0 || n == 0 {
		t.Errorf("re-importing the export: %d created, %d updated, %d unchanged; want everything unchanged:\n%s", c, u, n, again.stdout)
	}

	r := samkal(t, nil, "export", "--db", db, "--body", "finns-inte", "--year", "2025")
	if r.code != exitFailure || !strings.Contains(r.stderr, "finns-inte") {
		t.Errorf("export of an unknown body: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCommandLine checks usage errors, help and the small commands.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	tests := []struct {
		name       string
		vars       map[string]string
		args       []string
		code       int
		stdout     string // a part of standard output
		stderr     string // a part of standard error
		noDatabase bool   // the database file must not be created
	}{
		{name: "no command", code: exitUsage, stderr: "Usage:"},
		{name: "unknown command", args: []string{"sevre"}, code: exitUsage, stderr: `unknown command "sevre"`},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: "samkal export --body SLUG --year YYYY [-o FILE]\n"},
		{name: "help serve", args: []string{"help", "serve"}, code: exitOK, stdout: "-demo"},
		{name: "serve -h", args: []string{"serve", "-h"}, code: exitOK, stderr: "Usage: samkal serve"},
		{name: "help of unknown", args: []string{"help", "nope"}, code: exitUsage, stderr: `unknown command "nope"`},
		{name: "version", args: []string{"version"}, code: exitOK, stdout: "samkal "},
		{name: "bad flag", args: []string{"serve", "--port", "80"}, code: exitUsage, stderr: "flag provided but not defined: -port"},
		{name: "serve extra argument", args: []string{"serve", "now"}, code: exitUsage, stderr: `unexpected arguments ["now"]`},
		{name: "import without files", args: []string{"import", "--db", db}, code: exitUsage, stderr: "name at least one årsplan file", noDatabase: true},
		{name: "export without body", args: []string{"export", "--db", db, "--year", "25"}, code: exitUsage,
			stderr: "samkal export: --body is required\nsamkal export: --year: year 25 is out of range; use a year from 1900 to 2100, such as 2025", noDatabase: true},
		{name: "config redacts", vars: map[string]string{"SAMKAL_ADMIN_TOKEN": testToken}, args: []string{"config", "--db", "postgres://samkal:hemligt@db.example/samkal"},
			code: exitOK, stdout: "db = \"postgres://samkal:xxxxx@db.example/samkal\"\nbase_url = \"\"\n# not set: derived from addr, http://localhost:8080\nadmin_token = \"[redacted]\""},
		{name: "config redacts a key=value DSN", args: []string{"config", "--db", "host=db.example dbname=samkal password=hemligt"},
			code: exitOK, stdout: "db = \"host=db.example dbname=samkal password=xxxxx\"\n"},
		{name: "config table", args: []string{"config", "--table"}, code: exitOK, stdout: config.MarkdownTable()},
		{
			name: "invalid configuration lists every problem",
			vars: map[string]string{"SAMKAL_FEEDS_LOOKBACK": "-1d", "SAMKAL_LOG_FORMAT": "xml", "SAMKAL_ADMIN_TOKEN": "kort"},
			args: []string{"serve", "--addr", "localhost", "--db", db},
			code: exitUsage, noDatabase: true,
			stderr: "samkal serve: invalid configuration, nothing was started:\n" +
				"  - addr: \"localhost\" is not host:port, e.g. \"localhost:8080\" or \":8080\" (set by flag --addr)\n" +
				"  - admin_token: the token must be at least 16 characters long, got 4 (set by SAMKAL_ADMIN_TOKEN)\n" +
				"  - log_format: \"xml\" is unknown; use one of text, json (set by SAMKAL_LOG_FORMAT)\n" +
				"  - feeds.lookback: must not be negative, got -1d (set by SAMKAL_FEEDS_LOOKBACK)\n",
		},
		{name: "missing config file", args: []string{"import", "--config", "/nonexistent/samkal.toml", "--db", db, exampleFile}, code: exitUsage,
			stderr: "config file /nonexistent/samkal.toml cannot be read: no such file or directory", noDatabase: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := samkal(t, tt.vars, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("samkal %s: exit %d, want %d\nstdout:\n%s\nwant in stdout:\n%s\nstderr:\n%s\nwant in stderr:\n%s",
					strings.Join(tt.args, " "), r.code, tt.code, r.stdout, tt.stdout, r.stderr, tt.stderr)
			}
			if _, err := os.Stat(db); tt.noDatabase && err == nil {
				t.Errorf("the database file was created")
			}
		})
	}
}

func TestConfigFileAndPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "samkal.toml")
	if err := os.WriteFile(file, []byte("db = \"från-filen.db\"\nregion_name = \"Region Filen\"\n[feeds]\nlookback = \"2d\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, map[string]string{"SAMKAL_DB": "från-miljön.db", "SAMKAL_FEEDS_LOOKBACK": "3d"}, "config", "--config", file, "--db", "från-flaggan.db")
	for _, want := range []string{`db = "från-flaggan.db"`, `region_name = "Region Filen"`, `lookback = "3d"`} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("config output lacks %s:\n%s", want, r.stdout)
		}
	}
}
