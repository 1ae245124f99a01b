package api_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// Tests of issue 8, defects 1 and 4: what anonymous callers can make the
// server hold, and how fast they can knock.

// series returns the http_* series on /metrics, with the page's size.
func series(t *testing.T, e *env) (map[string]bool, int) {
	t.Helper()
	r := e.get("/metrics")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", r.StatusCode)
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "http_") {
			name, _, _ := strings.Cut(line, " ")
			out[name] = true
		}
	}
	return out, len(r.body)
}

// randomWord is n random letters, upper or lower case.
func randomWord(rng *rand.Rand, n int, upper bool) string {
	letters := "abcdefghijklmnopqrstuvwxyz"
	if upper {
		letters = strings.ToUpper(letters)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// TestMetricLabelsBounded (defect 1): requests with made-up methods and
// random paths leave the series on /metrics, and so its size and the
// server's memory, as they were: every label comes from a closed set.
func TestMetricLabelsBounded(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	rng := rand.New(rand.NewPCG(8, 1))
	not501 := 0
	batch := func() {
		for range 200 {
			method := randomWord(rng, 3+rng.IntN(8), true)
			path := "/" + randomWord(rng, 1+rng.IntN(20), false)
			if rng.IntN(3) == 0 {
				path = "/api/v1/meetings/" + randomWord(rng, 5, false)
			}
			if r := e.do(req{method: method, path: path}); r.StatusCode != http.StatusNotImplemented {
				not501++
			}
		}
		// The methods Samkal knows, on random paths: 404 or 405.
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			e.do(req{method: m, path: "/" + randomWord(rng, 12, false)})
			e.do(req{method: m, path: "/api/v1/meetings"})
		}
	}
	batch()
	series(t, e) // the first read of /metrics adds its own series
	first, size := series(t, e)
	batch()
	batch()
	second, size2 := series(t, e)
	if len(second) != len(first) {
		var added []string
		for s := range second {
			if !first[s] {
				added = append(added, s)
			}
		}
		t.Errorf("random methods and paths added %d series to /metrics (had %d), e.g. %q", len(second)-len(first), len(first), added[:min(5, len(added))])
	}
	// The counts' digits may grow; nothing else.
	if size2 > size+2048 {
		t.Errorf("/metrics grew from %d to %d bytes", size, size2)
	}
	known := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true, "other": true}
	var outside []string
	for s := range second {
		_, rest, _ := strings.Cut(s, `method="`)
		m, _, _ := strings.Cut(rest, `"`)
		_, rest, _ = strings.Cut(s, `route="`)
		route, _, _ := strings.Cut(rest, `"`)
		switch route {
		case "/api/v1/meetings", "/metrics", "unmatched", "method_not_allowed", "unknown_method":
		default:
			outside = append(outside, s)
			continue
		}
		if !known[m] {
			outside = append(outside, s)
		}
	}
	if len(outside) > 0 {
		t.Errorf("%d series have a method or route label outside the closed sets, e.g. %s", len(outside), outside[0])
	}
	if not501 > 0 {
		t.Errorf("%d requests with unknown methods were not answered 501", not501)
	}
	p := wantProblem(t, e.do(req{method: "BREW", path: "/feeds/all.ics"}), http.StatusNotImplemented, "does not know the request's method")
	if p.Code != "not_implemented" {
		t.Errorf("code %q", p.Code)
	}
}

// proxied returns a request header that makes the request come from addr,
// for a server that trusts the test's loopback proxy.
func from(addr string) string { return "X-Forwarded-For: " + addr }

// trustLoopback makes the tests' client a trusted proxy, so that
// X-Forwarded-For chooses the client address.
func trustLoopback(o *api.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// wantTooMany checks a 429 with a Retry-After of at least one second and
// returns it.
func wantTooMany(t *testing.T, r *resp) time.Duration {
	t.Helper()
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s %s: %d, want 429; body: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, r.body)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Fatalf("Retry-After %q, want whole seconds", r.Header.Get("Retry-After"))
	}
	return time.Duration(secs) * time.Second
}

// TestGuessingPersonFeeds (defect 4): guessing person-feed tokens from one
// address is answered 429 (problem+json, Retry-After) after a small burst,
// for every token route from that address, until the wait has passed;
// another address and the admin are not affected.
func TestGuessingPersonFeeds(t *testing.T) {
	e := newEnv(t, nil, trustLoopback)
	f := seed(t, e)
	guesser := from("203.0.113.7")
	burst := api.DefaultRateLimits.Misses.Burst
	for i := range burst {
		r := e.get("/feeds/people/"+calendar.NewToken()+".ics", guesser)
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d: %d, want 404", i+1, r.StatusCode)
		}
	}
	r := e.get("/feeds/people/"+calendar.NewToken()+".ics", guesser)
	wait := wantTooMany(t, r)
	wantProblem(t, r, http.StatusTooManyRequests, "Too many requests", "Wait")
	if wait > time.Minute {
		t.Errorf("Retry-After %s after the burst, want at most a minute", wait)
	}
	// The address is refused on every token route, even with a real token:
	// a hit must not tell a guesser apart from a miss.
	wantTooMany(t, e.get("/feeds/people/"+f.maria.FeedToken+".ics", guesser))
	wantTooMany(t, e.get("/anmalan/"+calendar.NewToken(), guesser))
	// Others are not affected, nor the public feeds for the guesser.
	if r := e.get("/feeds/people/"+f.maria.FeedToken+".ics", from("198.51.100.20")); r.StatusCode != http.StatusOK {
		t.Errorf("Maria's feed from another address: %d", r.StatusCode)
	}
	if r := e.get("/feeds/all.ics", guesser); r.StatusCode != http.StatusOK {
		t.Errorf("the public feed for the guesser: %d", r.StatusCode)
	}
	if r := e.do(req{method: http.MethodGet, path: "/api/v1/people/maria-lindborg", admin: true, headers: []string{guesser}}); r.StatusCode != http.StatusOK {
		t.Errorf("the admin from the guesser's address: %d", r.StatusCode)
	}
	// After Retry-After one more try is allowed, then the wait again.
	e.clock.Add(wait)
	if r := e.get("/feeds/people/"+calendar.NewToken()+".ics", guesser); r.StatusCode != http.StatusNotFound {
		t.Errorf("a guess after Retry-After: %d, want 404", r.StatusCode)
	}
	wantTooMany(t, e.get("/feeds/people/"+calendar.NewToken()+".ics", guesser))
	// Without a trusted proxy the header is the client's claim and is
	// ignored: a guesser cannot pick a fresh address by writing one.
	e2 := newEnv(t, nil)
	seed(t, e2)
	for i := range burst {
		e2.get("/feeds/people/"+calendar.NewToken()+".ics", from(fmt.Sprintf("198.51.100.%d", i)))
	}
	wantTooMany(t, e2.get("/feeds/people/"+calendar.NewToken()+".ics", from("198.51.100.250")))
	if n := strings.Count(e2.get("/metrics").text(), `samkal_rate_limited_total{limit="misses"} 1`); n != 1 {
		t.Errorf("samkal_rate_limited_total{limit=\"misses\"} is not 1")
	}
}

// TestFeedPollerNeverLimited: a calendar app polling its person feed every
// five minutes for two days, a phone and a calendar service polling the same
// feed besides, and guessing from another address all the while: the
// poller is never refused.
func TestFeedPollerNeverLimited(t *testing.T) {
	e := newEnv(t, nil, trustLoopback)
	f := seed(t, e)
	path := "/feeds/people/" + f.maria.FeedToken + ".ics"
	etag := ""
	for i := range 2 * 24 * 12 {
		for _, client := range []string{"192.0.2.10", "192.0.2.11", "2001:db8:1:2::7"} {
			r := e.get(path, from(client), "If-None-Match: "+etag)
			switch r.StatusCode {
			case http.StatusOK:
				etag = r.Header.Get("ETag")
			case http.StatusNotModified:
			default:
				t.Fatalf("poll %d from %s: %d, want 200 or 304", i, client, r.StatusCode)
			}
		}
		e.get("/feeds/people/"+calendar.NewToken()+".ics", from("203.0.113.7"))
		e.clock.Add(5 * time.Minute)
	}
}

// TestAnmalanFlood (defect 4): one anmälan link stores at most
// calendar.MaxProposalsPerPerson items, and says so in the form's error
// summary; posting on is answered 429 with a Swedish page and Retry-After.
func TestAnmalanFlood(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		m := f.folkhalsa[0]
		l := link(t, e, calendar.LinkAgenda, m, "maria-lindborg", time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location))
		path := "/anmalan/" + l.Token
		form := func(i int) url.Values {
			v := anmalan()
			v.Set("rubrik", fmt.Sprintf("Punkt %d", i))
			return v
		}
		for i := range calendar.MaxProposalsPerPerson {
			if r := e.postForm(path, form(i)); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("proposal %d: %d, want 303:\n%s", i+1, r.StatusCode, r.body)
			}
		}
		r := e.postForm(path, form(99))
		page := wantPage(t, r, http.StatusUnprocessableEntity, `class="error-summary" role="alert"`,
			"Du har redan anmält 5 punkter till det här mötet", "Kontakta sekreteraren", `value="Punkt 99"`)
		if strings.Contains(page, "Punkt 99</strong>") {
			t.Errorf("the refused item is listed as proposed")
		}
		// The page without a form says it too, and offers no form.
		page = wantPage(t, e.get(path), http.StatusOK, "Du har redan anmält 5 punkter")
		if strings.Contains(page, "<form") {
			t.Errorf("the page offers the form after the limit")
		}
		// The secretary's room is untouched.
		e.write(http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/agenda", m.ID), object{"title": "Årsplan 2026", "kind": "beslut"}, http.StatusCreated)

		// Flooding on: the token's limit answers 429 with a Swedish page.
		var last *resp
		for i := 0; i < 2*api.DefaultRateLimits.Token.Burst; i++ {
			if last = e.postForm(path, form(100+i)); last.StatusCode == http.StatusTooManyRequests {
				break
			}
		}
		wait := wantTooMany(t, last)
		wantPage(t, last, http.StatusTooManyRequests, "<h1>För många försök</h1>", "Ingenting har sparats", "Försök igen om", `<html lang="sv">`)
		if wait > time.Minute {
			t.Errorf("Retry-After %s, want a short wait", wait)
		}
		if got := agendaOf(t, e, m); strings.Count(got, `by "maria-lindborg"`) != calendar.MaxProposalsPerPerson {
			t.Errorf("the agenda after the flood:\n%s", got)
		}
	})
}

// TestAnonymousWritesLimited: anonymous writes to the API are answered 429
// (problem+json, Retry-After) after a burst, wrong bearer tokens after a
// smaller one; the admin token is never limited.
func TestAnonymousWritesLimited(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	var r *resp
	for i := 0; i <= api.DefaultRateLimits.Writes.Burst; i++ {
		if r = e.do(req{method: http.MethodPost, path: "/api/v1/rooms", body: object{"slug": "x"}}); r.StatusCode != http.StatusUnauthorized {
			break
		}
	}
	wantTooMany(t, r)
	wantProblem(t, r, http.StatusTooManyRequests, "Too many requests")

	e = newEnv(t, nil)
	seed(t, e)
	for i := 0; i <= api.DefaultRateLimits.Misses.Burst; i++ {
		if r = e.get("/api/v1/rooms", "Authorization: Bearer guess-"+strconv.Itoa(i)); r.StatusCode != http.StatusUnauthorized {
			break
		}
	}
	wantTooMany(t, r)
	wantProblem(t, r, http.StatusTooManyRequests, "Too many requests")
	// Public reads stay open; the admin is not limited at all.
	if r := e.get("/api/v1/rooms"); r.StatusCode != http.StatusOK {
		t.Errorf("a public read after the guesses: %d", r.StatusCode)
	}
	for i := range 3 * api.DefaultRateLimits.Writes.Burst {
		e.write(http.MethodPost, "/api/v1/rooms", object{"slug": fmt.Sprintf("rum-%d", i), "name": "Rum"}, http.StatusCreated)
	}
}
