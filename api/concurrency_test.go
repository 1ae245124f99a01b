package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// These tests send many writes of one thing at once through the HTTP
// handler, on both engines. What they assert does not depend on who wins
// (no timing): every field some request changed is kept, SEQUENCE counts
// every change of time or place and never goes down, in the answers and in
// the feed, and of two deletes one answers 204 and the other 404.

// sent is the outcome of one request sent from a goroutine (which may not
// call t.Fatal).
type sent struct {
	status int
	body   []byte
	err    error
}

// send sends an admin request with a JSON body (nil for none).
func (e *env) send(method, path string, body any) sent {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return sent{err: err}
		}
		rd = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(context.Background(), method, e.http.URL+path, rd)
	if err != nil {
		return sent{err: err}
	}
	hr.Header.Set("Authorization", "Bearer "+adminToken)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	res, err := e.client.Do(hr)
	if err != nil {
		return sent{err: fmt.Errorf("%s %s: %w", method, path, err)}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return sent{status: res.StatusCode, body: b, err: err}
}

// sendAll sends every request at once, released together, and returns the
// outcomes in the order of reqs.
func (e *env) sendAll(reqs []req) []sent {
	out := make([]sent, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, rq := range reqs {
		wg.Go(func() {
			<-start
			out[i] = e.send(rq.method, rq.path, rq.body)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// meetingAnswer is the part of a meeting as the API answers it that these
// tests look at.
type meetingAnswer struct {
	Key       string   `json:"key"`
	Title     string   `json:"title"`
	Bodies    []string `json:"bodies"`
	Start     string   `json:"start"`
	Status    string   `json:"status"`
	Location  string   `json:"location"`
	OnlineURL string   `json:"online_url"`
	Notes     *string  `json:"notes"`
	Sequence  int      `json:"sequence"`
}

// feedEvent is what the feed says about one event: its SEQUENCE and
// DTSTART as written.
type feedEvent struct {
	sequence int
	start    string
}

// readFeedEvent fetches the feed at path and returns the event with uid,
// parsed with golang-ical (fast enough to poll; ical.js checks the last).
func (e *env) readFeedEvent(path, uid string) (feedEvent, error) {
	hr, err := http.NewRequestWithContext(context.Background(), http.MethodGet, e.http.URL+path, nil)
	if err != nil {
		return feedEvent{}, err
	}
	res, err := e.client.Do(hr)
	if err != nil {
		return feedEvent{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return feedEvent{}, fmt.Errorf("GET %s: %d %v %s", path, res.StatusCode, err, body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		return feedEvent{}, fmt.Errorf("GET %s: parse: %w", path, err)
	}
	for _, ev := range cal.Events() {
		if ev.Id() != uid {
			continue
		}
		var fe feedEvent
		if p := ev.GetProperty(ics.ComponentPropertySequence); p != nil {
			if fe.sequence, err = strconv.Atoi(p.Value); err != nil {
				return feedEvent{}, fmt.Errorf("GET %s: SEQUENCE %q: %w", path, p.Value, err)
			}
		}
		if p := ev.GetProperty(ics.ComponentPropertyDtStart); p != nil {
			fe.start = p.Value
		}
		return fe, nil
	}
	return feedEvent{}, fmt.Errorf("GET %s: no event %s", path, uid)
}

// concurrencyFixture stores two public bodies and a proposed meeting of the
// first, without room or place.
func concurrencyFixture(t *testing.T, e *env) *calendar.Meeting {
	t.Helper()
	ctx := context.Background()
	for _, slug := range []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"} {
		must(t, e.store.CreateBody(ctx, &calendar.Body{Slug: slug, Name: "Organ " + slug, Kind: calendar.BodyManagementGroup,
			Visibility: calendar.Public}))
	}
	m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Status: calendar.StatusProposed,
		Start: time.Date(2025, 3, 20, 13, 0, 0, 0, calendar.Location), End: time.Date(2025, 3, 20, 16, 30, 0, 0, calendar.Location)}
	must(t, e.store.CreateMeeting(ctx, m))
	return m
}

// TestConcurrentMeetingPatches sends 50 PATCHes of one meeting at once:
// seven each change one field (three of them fields of time or place), 43
// move it to a day of its own. Meanwhile a reader polls the body's feed.
// Every field must be kept; the 46 changes of time or place must answer
// SEQUENCE 1 … 46, each once; the meeting must end at 46 on the day of the
// move that answered 46; the polled feed must never show SEQUENCE going
// down, and at the end shows 46 (checked with ical.js).
func TestConcurrentMeetingPatches(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		m := concurrencyFixture(t, e)
		path := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		fieldPatches := []map[string]any{
			{"title": "Chefsgrupp folkhälsa, vårmötet"},
			{"notes": "Internt: lokalen bokad av Maria"},
			{"key": "cg-folkhalsa-2025-03"},
			{"bodies": []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, "confirm_clashes": true},
			{"location": "Eklundavägen 1, Örebro"},           // time or place
			{"online_url": "https://meet.example.se/j/4711"}, // time or place
			{"status": "confirmed"},                          // time or place
		}
		const scheduling = 3
		const moves = 50 - 7
		var reqs []req
		for _, p := range fieldPatches {
			reqs = append(reqs, req{method: http.MethodPatch, path: path, body: p})
		}
		for i := range moves {
			d := time.Date(2025, 4, 1+i, 13, 0, 0, 0, calendar.Location)
			reqs = append(reqs, req{method: http.MethodPatch, path: path, body: map[string]any{
				"start": d.Format(time.RFC3339), "end": d.Add(3*time.Hour + 30*time.Minute).Format(time.RFC3339),
				"confirm_clashes": true}}) // weekends and Easter among the days
		}

		// The reader: polls the feed until the writers are done.
		const feedPath = "/feeds/bodies/chefsgrupp-folkhalsa.ics"
		done := make(chan struct{})
		var polled []feedEvent
		var pollErr error
		var reader sync.WaitGroup
		reader.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				fe, err := e.readFeedEvent(feedPath, m.UID)
				if err != nil {
					pollErr = err
					return
				}
				polled = append(polled, fe)
			}
		})
		outs := e.sendAll(reqs)
		close(done)
		reader.Wait()

		answers := make([]meetingAnswer, len(outs))
		for i, o := range outs {
			if o.err != nil || o.status != http.StatusOK {
				t.Fatalf("PATCH %d (%v): %d %v %s", i, reqs[i].body, o.status, o.err, o.body)
			}
			if err := json.Unmarshal(o.body, &answers[i]); err != nil {
				t.Fatalf("PATCH %d: %v: %s", i, err, o.body)
			}
		}
		// The changes of time or place answered 1 … 46, each once; the
		// others answered what the meeting had then, never more than 46.
		var seqs []int
		last := -1
		for i, a := range answers {
			if i < len(fieldPatches)-scheduling {
				if a.Sequence < 0 || a.Sequence > scheduling+moves {
					t.Errorf("PATCH %v answered sequence %d, outside 0 … %d", reqs[i].body, a.Sequence, scheduling+moves)
				}
				continue
			}
			seqs = append(seqs, a.Sequence)
			if i >= len(fieldPatches) && (last < 0 || a.Sequence > answers[last].Sequence) {
				last = i
			}
		}
		slices.Sort(seqs)
		for i, s := range seqs {
			if s != i+1 {
				t.Fatalf("the %d changes of time or place answered sequences %v; want 1 … %d each once", len(seqs), seqs, len(seqs))
			}
		}

		final := decode[meetingAnswer](t, e.adminGet(path))
		if final.Title != "Chefsgrupp folkhälsa, vårmötet" || final.Notes == nil || *final.Notes != "Internt: lokalen bokad av Maria" ||
			final.Key != "cg-folkhalsa-2025-03" || strings.Join(final.Bodies, ",") != "chefsgrupp-folkhalsa,skolchefsgruppen" ||
			final.Location != "Eklundavägen 1, Örebro" || final.OnlineURL != "https://meet.example.se/j/4711" || final.Status != "confirmed" {
			t.Errorf("after 50 parallel PATCHes a field was lost: %s", mustJSON(t, final))
		}
		if final.Sequence != scheduling+moves || final.Start != answers[last].Start {
			t.Errorf("meeting ends at sequence %d starting %s; want %d starting %s, as the move that answered the highest sequence",
				final.Sequence, final.Start, scheduling+moves, answers[last].Start)
		}

		// The feed, read while the PATCHes ran, never went back.
		if pollErr != nil {
			t.Fatalf("reading the feed during the PATCHes: %v", pollErr)
		}
		for i := 1; i < len(polled); i++ {
			if polled[i].sequence < polled[i-1].sequence {
				t.Fatalf("the feed showed SEQUENCE %d (start %s) after %d (start %s): a calendar client would keep the old time",
					polled[i].sequence, polled[i].start, polled[i-1].sequence, polled[i-1].start)
			}
		}
		c := icaltest.ParseWithICALJS(t, feed(t, e, feedPath).body)
		i := slices.IndexFunc(c.Events, func(ev icaltest.Event) bool { return ev.UID == m.UID })
		if i < 0 {
			t.Fatalf("the feed has no event %s", m.UID)
		}
		if ev := c.Events[i]; ev.Sequence != final.Sequence || ev.Start.Format(time.RFC3339) != final.Start {
			t.Errorf("the feed shows sequence %d starting %s; the meeting has %d starting %s",
				ev.Sequence, ev.Start.Format(time.RFC3339), final.Sequence, final.Start)
		}
		t.Logf("%s: the feed was read %d times during the PATCHes", e.store.Engine(), len(polled))
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

// TestConcurrentBookingWindowPatches sends PATCHes of different fields of
// one booking window at once, ten rounds: each field keeps what its
// PATCH wrote. (The handler used to read the window, merge and write it
// whole, so the last PATCH undid the others.)
func TestConcurrentBookingWindowPatches(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		concurrencyFixture(t, e)
		w := &calendar.BookingWindow{Name: "Länsdelsmöten hösten 2025", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}},
			Bodies: []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}, DurationMinutes: 120,
			Weekdays: []calendar.Weekday{1, 2, 3, 4, 5}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}}
		must(t, e.store.CreateBookingWindow(context.Background(), w))
		path := fmt.Sprintf("/api/v1/booking-windows/%d", w.ID)
		for r := 1; r <= 10; r++ {
			deadline := fmt.Sprintf("2025-06-%02d", 10+r)
			var reqs []req
			for range 3 {
				reqs = append(reqs,
					req{method: http.MethodPatch, path: path, body: map[string]any{"name": fmt.Sprintf("Länsdelsmöten, runda %d", r)}},
					req{method: http.MethodPatch, path: path, body: map[string]any{"duration_minutes": 60 + r}},
					req{method: http.MethodPatch, path: path, body: map[string]any{"buffer_minutes": r}},
					req{method: http.MethodPatch, path: path, body: map[string]any{"deadline": deadline}})
			}
			for i, o := range e.sendAll(reqs) {
				if o.err != nil || o.status != http.StatusOK {
					t.Fatalf("round %d: PATCH %v: %d %v %s", r, reqs[i].body, o.status, o.err, o.body)
				}
			}
			got := decode[windowJSON](t, e.adminGet(path))
			if got.Name != fmt.Sprintf("Länsdelsmöten, runda %d", r) || got.DurationMinutes != 60+r || got.BufferMinutes != r ||
				got.Deadline == nil || *got.Deadline != deadline {
				t.Fatalf("round %d: parallel PATCHes of different fields lost one: name %q, duration %d, buffer %d, deadline %s",
					r, got.Name, got.DurationMinutes, got.BufferMinutes, mustJSON(t, got.Deadline))
			}
		}
	})
}

// TestConcurrentDeletes deletes one meeting, and one person, from two
// requests at once, five times each: one answers 204, the other 404, and
// one change is recorded.
func TestConcurrentDeletes(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		concurrencyFixture(t, e)
		ctx := context.Background()
		for r := 1; r <= 5; r++ {
			d := time.Date(2025, 5, r, 9, 0, 0, 0, calendar.Location)
			m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Start: d, End: d.Add(time.Hour)}
			must(t, e.store.CreateMeeting(ctx, m))
			p := &calendar.Person{Key: fmt.Sprintf("person-%d", r), Name: "Person"}
			must(t, e.store.CreatePerson(ctx, p))
			for _, x := range []struct {
				entity, path string
				id           int64
			}{
				{"meeting", fmt.Sprintf("/api/v1/meetings/%d", m.ID), m.ID},
				{"person", "/api/v1/people/" + p.Key, p.ID},
			} {
				outs := e.sendAll([]req{{method: http.MethodDelete, path: x.path}, {method: http.MethodDelete, path: x.path}})
				var statuses []int
				for _, o := range outs {
					if o.err != nil {
						t.Fatal(o.err)
					}
					statuses = append(statuses, o.status)
				}
				slices.Sort(statuses)
				cs, err := e.store.FindChanges(ctx, calendar.ChangeFilter{Entity: &x.entity, EntityID: &x.id, Limit: 100})
				must(t, err)
				deletes := 0
				for _, c := range cs {
					if c.Action == calendar.ActionDelete {
						deletes++
					}
				}
				if !slices.Equal(statuses, []int{http.StatusNoContent, http.StatusNotFound}) || deletes != 1 {
					t.Fatalf("round %d: two DELETE %s at once answered %v and recorded %d deletes; want 204 and 404, and one",
						r, x.path, statuses, deletes)
				}
			}
		}
	})
}
