package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// summaries returns the events' summaries, in feed order.
func summaries(c icaltest.Calendar) []string {
	var s []string
	for _, e := range c.Events {
		s = append(s, e.Summary)
	}
	return s
}

func event(t *testing.T, c icaltest.Calendar, summary string) icaltest.Event {
	t.Helper()
	for _, e := range c.Events {
		if e.Summary == summary {
			return e
		}
	}
	t.Fatalf("no event %q in %q", summary, summaries(c))
	return icaltest.Event{}
}

func feed(t *testing.T, e *env, path string, headers ...string) *resp {
	t.Helper()
	r := e.get(path, headers...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.StatusCode, r.body)
	}
	return r
}

const folkhalsaName = "Chefsgrupp folkhälsa"

func encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// TestFeedContents parses the region-wide and a body's feed with ical.js:
// public meetings only, public bodies' names only, Swedish times, links to
// the meeting pages. The region feed is pinned in a golden file.
func TestFeedContents(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)

		all := feed(t, e, "/feeds/all.ics")
		if e.store.Engine() == "sqlite" {
			golden(t, "all.ics", stableUIDs(all.body))
		}
		c := icaltest.ParseWithICALJS(t, all.body)
		if c.Name != region+" – alla möten" {
			t.Errorf("name %q", c.Name)
		}
		want := []string{folkhalsaName, f.mixed.Title, "Uppföljningsdag", folkhalsaName, folkhalsaName, folkhalsaName, folkhalsaName, f.joint.Title, folkhalsaName}
		if got := summaries(c); !slices.Equal(got, want) {
			t.Errorf("region feed events %q,\nwant %q", got, want)
		}
		first := c.Events[0]
		if !first.Start.Equal(time.Date(2025, 1, 21, 13, 0, 0, 0, calendar.Location)) || first.TZID != "Europe/Stockholm" ||
			first.Location != "Länsstyrelsen, Stortorget 22, Örebro" || first.URL != fmt.Sprintf("%s/moten/%d", baseURL, f.folkhalsa[0].ID) {
			t.Errorf("first event %+v", first)
		}
		mixed := event(t, c, f.mixed.Title)
		if !strings.Contains(mixed.Description, "Organ: Chefsgrupp folkhälsa\n") || strings.Contains(mixed.Description, "Arbetsgrupp") {
			t.Errorf("public feed's mixed meeting must name only the public body: %q", mixed.Description)
		}
		joint := event(t, c, f.joint.Title)
		if !strings.Contains(joint.Description, "Chefsgrupp folkhälsa, Chefsgrupp social välfärd samt vård och omsorg och Skolchefsgruppen") ||
			joint.Location != "Lokal Enen, Eklundavägen 1, Örebro" || joint.Status != "TENTATIVE" {
			t.Errorf("joint meeting %+v", joint)
		}
		if follow := event(t, c, "Uppföljningsdag"); !follow.AllDay {
			t.Errorf("follow-up day is not all-day: %+v", follow)
		}

		body := icaltest.ParseWithICALJS(t, feed(t, e, "/feeds/bodies/chefsgrupp-folkhalsa.ics").body)
		want = []string{folkhalsaName, f.mixed.Title, folkhalsaName, folkhalsaName, folkhalsaName, folkhalsaName, f.joint.Title, folkhalsaName}
		if body.Name != folkhalsaName || !slices.Equal(summaries(body), want) {
			t.Errorf("body feed %q: %q,\nwant %q", body.Name, summaries(body), want)
		}
		school := icaltest.ParseWithICALJS(t, feed(t, e, "/feeds/bodies/skolchefsgruppen.ics").body)
		if got := summaries(school); !slices.Equal(got, []string{f.joint.Title}) {
			t.Errorf("skolchefsgruppen feed %q", got)
		}
	})
}

// TestFeedHTTP checks the headers, conditional requests, HEAD and gzip.
func TestFeedHTTP(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	const path = "/feeds/bodies/chefsgrupp-folkhalsa.ics"
	r := feed(t, e, path)
	for name, want := range map[string]string{
		"Content-Type":        "text/calendar; charset=utf-8",
		"Content-Disposition": `inline; filename="chefsgrupp-folkhalsa.ics"`,
		"Cache-Control":       "public, max-age=900",
		"Vary":                "Accept-Encoding",
		"Content-Length":      fmt.Sprint(len(r.body)),
		"Last-Modified":       "Fri, 10 Jan 2025 08:00:00 GMT", // the render time: 09:00 Swedish
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	etag := r.Header.Get("ETag")
	if sum := sha256.Sum256(r.body); !regexp.MustCompile(`^"[A-Za-z0-9_-]{43}"$`).MatchString(etag) || !strings.Contains(etag, encode(sum[:])) {
		t.Errorf("ETag %q is not the strong SHA-256 of the bytes", etag)
	}

	// Unchanged data: identical bytes and ETag, however often asked.
	e.clock.Add(10 * time.Second)
	again := feed(t, e, path)
	if again.Header.Get("ETag") != etag || !bytes.Equal(again.body, r.body) || again.Header.Get("Last-Modified") != r.Header.Get("Last-Modified") {
		t.Errorf("second request: ETag %q (was %q), bytes equal %v", again.Header.Get("ETag"), etag, bytes.Equal(again.body, r.body))
	}

	lastMod := r.Header.Get("Last-Modified")
	for _, tt := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"matching ETag", []string{"If-None-Match: " + etag}, 304},
		{"weak form of the ETag", []string{"If-None-Match: W/" + etag}, 304},
		{"ETag in a list", []string{`If-None-Match: "other", ` + etag}, 304},
		{"star", []string{"If-None-Match: *"}, 304},
		{"other ETag", []string{`If-None-Match: "other"`}, 200},
		{"If-None-Match wins over a matching If-Modified-Since", []string{`If-None-Match: "other"`, "If-Modified-Since: " + lastMod}, 200},
		{"If-Modified-Since equal", []string{"If-Modified-Since: " + lastMod}, 304},
		{"If-Modified-Since later", []string{"If-Modified-Since: Sat, 11 Jan 2025 08:00:00 GMT"}, 304},
		{"If-Modified-Since earlier", []string{"If-Modified-Since: Fri, 10 Jan 2025 07:59:59 GMT"}, 200},
		{"If-Modified-Since unreadable", []string{"If-Modified-Since: igår"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := e.get(path, tt.headers...)
			if got.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", got.StatusCode, tt.status)
			}
			if tt.status == 304 {
				if len(got.body) != 0 || got.Header.Get("ETag") != etag || got.Header.Get("Last-Modified") != lastMod ||
					got.Header.Get("Cache-Control") == "" || got.Header.Get("Vary") != "Accept-Encoding" {
					t.Errorf("304: body %d bytes, headers %v", len(got.body), got.Header)
				}
			} else if !bytes.Equal(got.body, r.body) {
				t.Errorf("200 with other bytes")
			}
		})
	}

	t.Run("HEAD", func(t *testing.T) {
		h := e.do(req{method: http.MethodHead, path: path})
		if h.StatusCode != 200 || len(h.body) != 0 {
			t.Fatalf("HEAD: %d with %d bytes", h.StatusCode, len(h.body))
		}
		for _, name := range []string{"Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control", "Content-Disposition"} {
			if h.Header.Get(name) != r.Header.Get(name) {
				t.Errorf("HEAD %s %q, GET %q", name, h.Header.Get(name), r.Header.Get(name))
			}
		}
		if h := e.do(req{method: http.MethodHead, path: path, headers: []string{"If-None-Match: " + etag}}); h.StatusCode != 304 {
			t.Errorf("conditional HEAD: %d", h.StatusCode)
		}
	})

	t.Run("gzip", func(t *testing.T) {
		for _, tt := range []struct {
			acceptEncoding string
			gzipped        bool
		}{
			{"gzip", true},
			{"gzip, deflate, br", true},
			{"br;q=1.0, gzip;q=0.8", true},
			{"x-gzip", true},
			{"*", true},
			{"br, *;q=0.1", true},
			{"gzip;q=0", false},
			{"*, gzip;q=0", false},
			{"identity", false},
			{"br", false},
			{"", false},
		} {
			g := feed(t, e, path, "Accept-Encoding: "+tt.acceptEncoding)
			if got := g.Header.Get("Content-Encoding") == "gzip"; got != tt.gzipped {
				t.Errorf("Accept-Encoding %q: gzipped %v, want %v", tt.acceptEncoding, got, tt.gzipped)
				continue
			}
			if g.Header.Get("Vary") != "Accept-Encoding" || g.Header.Get("Content-Length") != fmt.Sprint(len(g.body)) {
				t.Errorf("Accept-Encoding %q: Vary %q, Content-Length %q for %d bytes", tt.acceptEncoding, g.Header.Get("Vary"), g.Header.Get("Content-Length"), len(g.body))
			}
			if !tt.gzipped {
				if !bytes.Equal(g.body, r.body) || g.Header.Get("ETag") != etag {
					t.Errorf("Accept-Encoding %q: identity answer differs", tt.acceptEncoding)
				}
				continue
			}
			if g.Header.Get("ETag") == etag || len(g.body) >= len(r.body)/2 {
				t.Errorf("gzip answer: ETag %q (identity %q), %d bytes of %d", g.Header.Get("ETag"), etag, len(g.body), len(r.body))
			}
			if plain := gunzip(t, g.body); !bytes.Equal(plain, r.body) {
				t.Errorf("gunzipped feed differs from the identity bytes")
			}
			// The gzip ETag validates too, and so does the identity one.
			for _, tag := range []string{g.Header.Get("ETag"), etag} {
				if c := e.get(path, "Accept-Encoding: gzip", "If-None-Match: "+tag); c.StatusCode != 304 || c.Header.Get("ETag") != g.Header.Get("ETag") {
					t.Errorf("If-None-Match %s with gzip: %d, ETag %q", tag, c.StatusCode, c.Header.Get("ETag"))
				}
			}
		}
	})
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return plain
}

// TestPatchMeetingUpdatesFeed: moving a meeting through the API raises its
// sequence, and the body's feed shows the new time on the very next
// request with a new ETag and a later Last-Modified, although the clock
// has not moved (an If-Modified-Since-only client must not get a 304).
func TestPatchMeetingUpdatesFeed(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		const path = "/feeds/bodies/chefsgrupp-folkhalsa.ics"
		before := feed(t, e, path)
		moved := f.folkhalsa[2] // 22 May
		if ev := event(t, icaltest.ParseWithICALJS(t, before.body), folkhalsaName); ev.Sequence != 0 {
			t.Fatalf("sequence before: %d", ev.Sequence)
		}

		m := decode[object](t, e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", moved.ID),
			`{"start":"2025-05-22T14:00","end":"2025-05-22T17:00:00+02:00"}`, http.StatusOK))
		wantFields(t, "moved", m, object{"sequence": 1, "start": "2025-05-22T14:00:00+02:00", "end": "2025-05-22T17:00:00+02:00"})

		after := feed(t, e, path)
		if after.Header.Get("ETag") == before.Header.Get("ETag") {
			t.Fatalf("ETag unchanged after the PATCH")
		}
		lmBefore, _ := http.ParseTime(before.Header.Get("Last-Modified"))
		lmAfter, _ := http.ParseTime(after.Header.Get("Last-Modified"))
		if !lmAfter.After(lmBefore) {
			t.Errorf("Last-Modified %v did not move past %v", lmAfter, lmBefore)
		}
		if r := e.get(path, "If-Modified-Since: "+before.Header.Get("Last-Modified")); r.StatusCode != 200 {
			t.Errorf("If-Modified-Since of the old bytes: %d, want 200", r.StatusCode)
		}
		var got icaltest.Event
		for _, ev := range icaltest.ParseWithICALJS(t, after.body).Events {
			if strings.HasSuffix(ev.URL, fmt.Sprintf("/moten/%d", moved.ID)) {
				got = ev
			}
		}
		if !got.Start.Equal(time.Date(2025, 5, 22, 14, 0, 0, 0, calendar.Location)) || !got.End.Equal(time.Date(2025, 5, 22, 17, 0, 0, 0, calendar.Location)) || got.Sequence != 1 {
			t.Errorf("moved meeting in the feed: %v–%v sequence %d", got.Start, got.End, got.Sequence)
		}
	})
}

// TestFeedSeesOtherWritersAfterVersionCheck: a change made past this
// Server (another replica, an import) shows up once FeedVersionCheck has
// passed, and not before (the cache does not ask on every request).
func TestFeedSeesOtherWritersAfterVersionCheck(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	const path = "/feeds/all.ics"
	first := feed(t, e, path)
	title := "Flyttat av en annan server"
	_, err := e.store.UpdateMeeting(context.Background(), f.folkhalsa[3].ID, calendar.MeetingUpdate{Title: &title})
	must(t, err)

	e.clock.Add(500 * time.Millisecond)
	if r := feed(t, e, path); r.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("the feed asked the store before FeedVersionCheck (1s) had passed")
	}
	e.clock.Add(600 * time.Millisecond)
	r := feed(t, e, path)
	if r.Header.Get("ETag") == first.Header.Get("ETag") || !bytes.Contains(r.body, []byte(title)) {
		t.Errorf("the other writer's change is not in the feed after FeedVersionCheck")
	}
}

// TestCancelledMeetingLeavesAfterRetention: a cancelled meeting shows as
// INSTÄLLT for CancelledRetention (30 days) and then leaves the feed, with
// no write in between: the cache re-renders when the policy's NextChange
// has passed.
func TestCancelledMeetingLeavesAfterRetention(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	const path = "/feeds/bodies/chefsgrupp-folkhalsa.ics"
	cancelled := f.folkhalsa[4] // 23 October
	e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", cancelled.ID), `{"status":"cancelled"}`, http.StatusOK)
	cancelledAt := e.clock.Now()

	r := feed(t, e, path)
	ev := event(t, icaltest.ParseWithICALJS(t, r.body), "INSTÄLLT: "+folkhalsaName)
	if ev.Status != "CANCELLED" || ev.Sequence != 1 {
		t.Errorf("cancelled event %+v", ev)
	}

	e.clock.Set(cancelledAt.Add(30*24*time.Hour - time.Second))
	still := feed(t, e, path)
	if still.Header.Get("ETag") != r.Header.Get("ETag") || still.Header.Get("Last-Modified") != r.Header.Get("Last-Modified") {
		t.Errorf("the feed changed before the retention ended")
	}

	e.clock.Set(cancelledAt.Add(30 * 24 * time.Hour))
	gone := feed(t, e, path)
	c := icaltest.ParseWithICALJS(t, gone.body)
	for _, ev := range c.Events {
		if strings.HasPrefix(ev.Summary, "INSTÄLLT") {
			t.Errorf("cancelled meeting still in the feed after 30 days: %+v", ev)
		}
	}
	if len(c.Events) != 7 {
		t.Errorf("%d events after the cancelled one left, want 7", len(c.Events))
	}
	lmOld, _ := http.ParseTime(r.Header.Get("Last-Modified"))
	lmNew, _ := http.ParseTime(gone.Header.Get("Last-Modified"))
	if !lmNew.After(lmOld) || gone.Header.Get("ETag") == r.Header.Get("ETag") {
		t.Errorf("after retention: Last-Modified %v (was %v), ETag %q (was %q)", lmNew, lmOld, gone.Header.Get("ETag"), r.Header.Get("ETag"))
	}
}

// TestPersonFeed: everything the person takes part in, restricted bodies
// included, region-wide events too, joint meetings once, only through memberships active on the
// meeting's day; private caching; unknown tokens 404; the token never in
// the log.
func TestPersonFeed(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		// Anna sits in skolchefsgruppen only until June: the joint meeting
		// in November is not hers.
		e.write("POST", "/api/v1/memberships", `{"body":"skolchefsgruppen","person":"anna-berg","role":"ersattare","from":"2025-01-01","until":"2025-06-30"}`, http.StatusCreated)

		r := feed(t, e, "/feeds/people/"+f.maria.FeedToken+".ics")
		for name, want := range map[string]string{
			"Cache-Control":       "private, no-cache",
			"Content-Disposition": `inline; filename="mina-moten.ics"`,
			"X-Robots-Tag":        "noindex, nofollow",
			"Referrer-Policy":     "no-referrer",
		} {
			if got := r.Header.Get(name); got != want {
				t.Errorf("%s %q, want %q", name, got, want)
			}
		}
		c := icaltest.ParseWithICALJS(t, r.body)
		if c.Name != "Samkal – Maria Lindborg" {
			t.Errorf("name %q", c.Name)
		}
		// The follow-up day has no body: it is for everyone in the region,
		// so every personal feed carries it.
		want := []string{folkhalsaName, f.restricted.Title, f.mixed.Title, "Uppföljningsdag", folkhalsaName, folkhalsaName, folkhalsaName, folkhalsaName, f.joint.Title, folkhalsaName}
		if got := summaries(c); !slices.Equal(got, want) {
			t.Errorf("Maria's feed %q,\nwant %q", got, want)
		}
		uids := map[string]bool{}
		for _, ev := range c.Events {
			if uids[ev.UID] {
				t.Errorf("event %s (%s) twice", ev.UID, ev.Summary)
			}
			uids[ev.UID] = true
		}
		if mixed := event(t, c, f.mixed.Title); !strings.Contains(mixed.Description, "Organ: Arbetsgrupp uppföljningsdag och Chefsgrupp folkhälsa") {
			t.Errorf("Maria's mixed meeting names %q", mixed.Description)
		}
		// Her own feed carries the digital link, which public feeds leave out.
		if mixed := event(t, c, f.mixed.Title); !strings.Contains(mixed.Description, "Digital länk: https://meet.example.se/j/4711") {
			t.Errorf("Maria's feed lacks the digital link: %q", mixed.Description)
		}
		if all := e.get("/feeds/all.ics").text(); strings.Contains(all, "meet.example.se") {
			t.Errorf("the public feed gives the digital link")
		}

		anna := icaltest.ParseWithICALJS(t, feed(t, e, "/feeds/people/"+f.anna.FeedToken+".ics").body)
		if got := summaries(anna); !slices.Equal(got, []string{f.restricted.Title, f.mixed.Title, "Uppföljningsdag"}) {
			t.Errorf("Anna's feed %q, want the working group's two meetings and the region-wide day", got)
		}

		for _, token := range []string{"x", strings.Repeat("A", 43), f.maria.FeedToken + "x"} {
			wantProblem(t, e.get("/feeds/people/"+token+".ics"), http.StatusNotFound, "not valid")
		}
		logs := e.logs.String()
		if strings.Contains(logs, f.maria.FeedToken) || strings.Contains(logs, f.anna.FeedToken) {
			t.Errorf("a feed token reached the log:\n%s", logs)
		}
		if !strings.Contains(logs, "route=/feeds/people/{token}.ics") {
			t.Errorf("person feed requests not logged by route template:\n%s", logs)
		}
	})
}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// TestNoPersonalDataInFeeds reads every feed, plain and gzipped: no email
// address, phone number or meeting note anywhere (the only '@' allowed is
// in the UID lines).
func TestNoPersonalDataInFeeds(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	paths := []string{"/feeds/all.ics", "/feeds/people/" + f.maria.FeedToken + ".ics", "/feeds/people/" + f.anna.FeedToken + ".ics"}
	for _, b := range items(t, e.get("/api/v1/bodies")) {
		paths = append(paths, "/feeds/bodies/"+b["slug"].(string)+".ics")
	}
	for _, path := range paths {
		for _, gz := range []bool{false, true} {
			var body []byte
			if gz {
				body = gunzip(t, feed(t, e, path, "Accept-Encoding: gzip").body)
			} else {
				body = feed(t, e, path).body
			}
			unfolded := strings.ReplaceAll(string(body), "\r\n ", "")
			for _, line := range strings.Split(unfolded, "\r\n") {
				if strings.Contains(line, "@") && !strings.HasPrefix(line, "UID:") {
					t.Errorf("%s: '@' outside a UID: %q", path, line)
				}
			}
			for _, secret := range []string{mariaEmail, annaEmail, mariaPhone, annaPhone, "070-123", "Internt"} {
				if strings.Contains(unfolded, secret) {
					t.Errorf("%s: shows %q", path, secret)
				}
			}
			if m := emailPattern.FindString(unfolded); m != "" {
				t.Errorf("%s: email address %q", path, m)
			}
		}
	}
}

// TestFeedConcurrentRequests serves one feed to many clients while it is
// being changed: every answer is a whole, consistent feed (its ETag is the
// hash of its bytes). Run with -race.
func TestFeedConcurrentRequests(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	const path = "/feeds/all.ics"
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				hr, _ := http.NewRequest(http.MethodGet, e.http.URL+path, nil)
				res, err := e.client.Do(hr)
				if err != nil {
					errs <- err.Error()
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				sum := sha256.Sum256(b)
				if res.StatusCode != 200 || res.Header.Get("ETag") != `"`+encode(sum[:])+`"` {
					errs <- fmt.Sprintf("status %d, ETag %s for %d bytes", res.StatusCode, res.Header.Get("ETag"), len(b))
				}
			}
		}()
	}
	for i := 0; i < 5; i++ {
		e.write("PATCH", fmt.Sprintf("/api/v1/meetings/%d", f.joint.ID), fmt.Sprintf(`{"title":"Gemensamt möte %d"}`, i), http.StatusOK)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if r := feed(t, e, path); !bytes.Contains(r.body, []byte("Gemensamt möte 4")) {
		t.Errorf("the last write is not in the feed")
	}
}
