package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// TestAcceptedTextFeedsAndMails is the property behind calendar's text
// rules: any text the API accepts yields a feed that ical.js parses and an
// email that composes. It sends random strings – ASCII, å/ä/ö, emoji,
// combining marks, right-to-left script, every control and format
// character class, very long strings – as meeting titles, locations and
// notes and as the names of people and bodies, through the real API. It
// checks that the API accepts exactly what calendar's rules accept (and
// answers 400 naming the field otherwise, never a 500); then that the feed
// of every accepted meeting parses in ical.js with its title and location
// as sent, and that the notify scan composes a call and a kallelse to
// every accepted person without an error, each with the person's name as
// sent in its To header. The seed is fixed and the count bounded, so a
// failure is repeatable. Before the rules a name with U+2028 was accepted
// and stopped the scan at composing.
func TestAcceptedTextFeedsAndMails(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "samkal.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	meetingDay := calendar.Date{Year: 2025, Month: time.June, Day: 10}
	now := meetingDay.AddDays(-5).At(8, 0) // the kallelse is due, the call still open
	srv, err := api.New(api.Options{Store: st, Logger: slog.New(slog.DiscardHandler), BaseURL: "https://samkal.example.se",
		AdminToken: testToken, RegionName: "Region Örebro län", FeedPolicy: calendar.DefaultFeedPolicy,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	post := func(path string, body map[string]any) (int, map[string]any) {
		t.Helper()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+path, strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+testToken)
		res, err := hs.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("POST %s: %d with a body that is not JSON: %v", path, res.StatusCode, err)
		}
		return res.StatusCode, out
	}
	// wantAnswer checks that the API took a text exactly when calendar's
	// rule for the field does, and named the field when it did not.
	wantAnswer := func(status int, out map[string]any, fields []string, texts []string, kinds []calendar.TextKind, required []bool) bool {
		t.Helper()
		var refused []string
		for i, s := range texts {
			if p := kinds[i].Check(calendar.NormalizeNewlines(s), required[i]); p != nil {
				refused = append(refused, p.Describe(fields[i]))
			}
		}
		switch {
		case status == http.StatusCreated && len(refused) == 0:
			return true
		case status == http.StatusBadRequest && len(refused) > 0:
			if detail := fmt.Sprint(out["errors"]); !strings.Contains(detail, refused[0]) {
				t.Errorf("400 for %q does not say %q: %s", texts, refused[0], detail)
			}
			return false
		}
		t.Fatalf("the API answered %d for %q, but the rules say %q: %v", status, texts, refused, out)
		return false
	}

	gen := newTextGen(rand.New(rand.NewPCG(2025, 8)))

	// Bodies, each with a secretary (who signs the emails and is in
	// Reply-To) and members, all named by the generator.
	type person struct{ key, name string }
	var bodies []string
	var people []person
	for i := 0; len(bodies) < 6; i++ {
		if i == 100 {
			t.Fatalf("only %d of 100 body names accepted", len(bodies))
		}
		slug, name := fmt.Sprintf("organ-%d", i), gen.line(calendar.NameText)
		status, out := post("/api/v1/bodies", map[string]any{"slug": slug, "name": name, "kind": "working-group"})
		if wantAnswer(status, out, []string{"body name"}, []string{name}, []calendar.TextKind{calendar.NameText}, []bool{true}) {
			bodies = append(bodies, slug)
		}
	}
	for i := range 90 {
		key, name := fmt.Sprintf("person-%d", i), gen.line(calendar.NameText)
		status, out := post("/api/v1/people", map[string]any{"key": key, "name": name, "email": key + "@kommun.test.example"})
		if !wantAnswer(status, out, []string{"person name"}, []string{name}, []calendar.TextKind{calendar.NameText}, []bool{true}) {
			continue
		}
		body, role := bodies[len(people)%len(bodies)], "ledamot"
		if len(people) < len(bodies) {
			role = "sekreterare"
		}
		if status, out := post("/api/v1/memberships", map[string]any{"body": body, "person": key, "role": role}); status != http.StatusCreated {
			t.Fatalf("membership: %d %v", status, out)
		}
		people = append(people, person{key, name})
	}

	type meeting struct{ uid, title, location string }
	var meetings []meeting
	var meetingBodies []string // the body of each accepted meeting
	for i := range 150 {
		title, location, notes := gen.line(calendar.NameText), gen.line(calendar.LineText), gen.text()
		start := meetingDay.At(8, 0).Add(time.Duration(i) * 4 * time.Minute)
		status, out := post("/api/v1/meetings", map[string]any{"bodies": []string{bodies[i%len(bodies)]}, "status": "confirmed",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
			"title": title, "location": location, "notes": notes,
			"confirm_clashes": true}) // 150 meetings of a few bodies in one day
		if wantAnswer(status, out, []string{"title", "location", "notes"}, []string{title, location, notes},
			[]calendar.TextKind{calendar.NameText, calendar.LineText, calendar.NoteText}, []bool{false, false, false}) {
			meetings = append(meetings, meeting{out["uid"].(string), title, location})
			meetingBodies = append(meetingBodies, bodies[i%len(bodies)])
		}
	}
	// The property must not hold by refusing everything, nor test nothing
	// by accepting everything.
	if len(people) < 30 || len(people) > 85 || len(meetings) < 30 || len(meetings) > 140 {
		t.Fatalf("accepted %d of 90 names and %d of 150 meetings: the generator no longer mixes good and bad text", len(people), len(meetings))
	}
	t.Logf("accepted %d of 90 names and %d of 150 meetings", len(people), len(meetings))

	// The region-wide feed, as a subscribing calendar reads it.
	res, err := hs.Client().Get(hs.URL + "/feeds/all.ics")
	if err != nil {
		t.Fatal(err)
	}
	ics, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d, %v", res.StatusCode, err)
	}
	events := map[string]icaltest.Event{}
	for _, e := range icaltest.ParseWithICALJS(t, ics).Events {
		events[e.UID] = e
	}
	if len(events) != len(meetings) {
		t.Errorf("ical.js found %d events, want the %d accepted meetings", len(events), len(meetings))
	}
	for _, m := range meetings {
		e, ok := events[m.uid]
		switch {
		case !ok:
			t.Errorf("meeting %q is not in the feed", m.title)
		case m.title != "" && e.Summary != m.title:
			t.Errorf("ical.js read the summary %q, sent %q", e.Summary, m.title)
		case m.location != "" && e.Location != m.location:
			t.Errorf("ical.js read the location %q, sent %q", e.Location, m.location)
		}
	}

	// The emails: every call and kallelse composes.
	scanner := &notify.Scanner{Store: st, From: mail.Address{Name: "Samkal", Address: "samkal@region.test.example"},
		BaseURL: "https://samkal.example.se", Region: "Region Örebro län",
		Timing: notify.Timing{SendTime: 8 * 60, CallDays: 10, CallDeadlineDays: 2, NoticeDays: 5, CatchUp: 7 * 24 * time.Hour}}
	stats, err := scanner.Run(ctx, now)
	if err != nil {
		t.Fatalf("the scan stopped: %v", err)
	}
	// Each meeting's members get a call (but its secretary) and a kallelse.
	want := 0
	perBody := map[string]int{}
	for i := range people {
		perBody[bodies[i%len(bodies)]]++
	}
	for _, b := range meetingBodies {
		want += 2*perBody[b] - 1 // one secretary per body gets no call
	}
	if stats.Enqueued != want || stats.Skipped != 0 {
		t.Errorf("the scan queued %d and skipped %d emails, want %d and none", stats.Enqueued, stats.Skipped, want)
	}
	msgs, err := st.FindMessages(ctx, calendar.OutboxFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, p := range people {
		names[p.key+"@kommun.test.example"] = p.name
	}
	invitations := 0
	for _, m := range msgs {
		full, err := st.FindMessageByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		mr, err := gomail.CreateReader(strings.NewReader(string(full.Body)))
		if err != nil {
			t.Fatalf("%s does not parse as a message: %v", m.Key, err)
		}
		to, err := mr.Header.AddressList("To")
		if err != nil || len(to) != 1 {
			t.Errorf("%s: To %v, %v; header %q, name sent %q", m.Key, to, err, mr.Header.Get("To"), names[m.Recipient])
			continue
		}
		if to[0].Name != names[to[0].Address] {
			t.Errorf("%s: To name %q, sent %q", m.Key, to[0].Name, names[to[0].Address])
		}
		if _, err := mr.Header.Subject(); err != nil {
			t.Errorf("%s: Subject: %v", m.Key, err)
		}
		// Some invitations, through ical.js as well: they carry the
		// person's name as the attendee's CN.
		for invitations < 8 {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct == "text/calendar" {
				b, err := io.ReadAll(part.Body)
				if err != nil {
					t.Fatal(err)
				}
				icaltest.ParseWithICALJS(t, b)
				invitations++
				break
			}
		}
	}
	if invitations == 0 {
		t.Errorf("no invitation found in %d messages", len(msgs))
	}
	t.Logf("scan: %+v, %d messages", stats, len(msgs))
}

// textGen makes random text from a mix of the characters people write,
// paste and send by mistake, with a fixed seed.
type textGen struct{ r *rand.Rand }

func newTextGen(r *rand.Rand) *textGen { return &textGen{r} }

// The classes of characters the generator mixes. good are characters
// every field takes; bad are those no field takes; breaks are what only a
// multi-line field takes (and CR, which the API turns into LF).
var (
	goodText = []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     ",
		"åäöÅÄÖéüÉ", ".,;:!?-–—'\"()[]{}/\\@#%&*+=<>|~^`$",
		"😀🎉☕👍🏽🇸🇪👩‍👩‍👧❤️", "e\u0301a\u0308o\u0323\u0336", "中文字日本語한국어",
		"مرحباשלום", "\u200e\u200f\u061c\u200c\u200d\u200b\u2060\ufeff", "\u00a0\u3000\u202f",
		"\ue000\U0001d49c\U0001f600", "\\n\\,\\;", "=?utf-8?q?x?=",
	}
	badText = []string{
		"\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f", "\u0080\u0085\u009b\u009f",
		"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "\u2028\u2029",
		"\ufffe\uffff\ufdd0\U0001fffe", "\u206a\u206f\ufff9\ufffb",
	}
	breakText = []string{"\n", "\r\n", "\r", "\t"}
)

func (g *textGen) pick(classes []string) string {
	rs := []rune(classes[g.r.IntN(len(classes))])
	return string(rs[g.r.IntN(len(rs))])
}

// length is mostly short, sometimes near a kind's limit.
func (g *textGen) length(max int) int {
	switch n := g.r.IntN(20); {
	case n == 0:
		return max - 3 + g.r.IntN(7)
	case n == 1:
		return 0
	}
	return 1 + g.r.IntN(40)
}

// line returns text for a one-line field of kind k: good characters, and
// in about one string of four a bad one, a line break or white space at
// an end.
func (g *textGen) line(k calendar.TextKind) string {
	return g.make(k.Max, false)
}

// text returns text for a multi-line field, with line breaks.
func (g *textGen) text() string {
	return g.make(calendar.NoteText.Max, true)
}

func (g *textGen) make(max int, lines bool) string {
	var b strings.Builder
	n := g.length(max)
	for range n {
		if lines && g.r.IntN(12) == 0 {
			b.WriteString(g.pick(breakText))
			continue
		}
		b.WriteString(g.pick(goodText))
	}
	s := []rune(b.String())
	switch g.r.IntN(8) {
	case 0: // a bad character somewhere
		at := g.r.IntN(len(s) + 1)
		s = append(s[:at], append([]rune(g.pick(badText)), s[at:]...)...)
	case 1: // a line break or tab somewhere
		at := g.r.IntN(len(s) + 1)
		s = append(s[:at], append([]rune(g.pick(breakText)), s[at:]...)...)
	}
	return string(s)
}
