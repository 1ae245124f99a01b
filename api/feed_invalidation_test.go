package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestWriteRendersOnlyTheFeedsItChanges: two servers, as two replicas,
// each with its own store on one PostgreSQL database. A write renders
// again, on both, only the feeds whose content it can change – counted
// with the render metric – and leaves the others' bytes as they were
// (issue 12: one version for all made every edit re-render every feed of
// a country). Each replica sees every change within FeedVersionCheck.
func TestWriteRendersOnlyTheFeedsItChanges(t *testing.T) {
	url := sqltest.PostgresURL(t)
	open := func(tb testing.TB, opts sqlstore.Options) *sqlstore.Store {
		s, err := sqlstore.Open(context.Background(), url, opts)
		must(tb, err)
		tb.Cleanup(func() { _ = s.Close() })
		return s
	}
	a, b := newEnv(t, open), newEnv(t, open)
	f := seed(t, a)
	feeds := map[string]string{
		"folkhälsa":        "/feeds/bodies/chefsgrupp-folkhalsa.ics",
		"skolchefsgruppen": "/feeds/bodies/skolchefsgruppen.ics",
		"maria":            "/feeds/people/" + f.maria.FeedToken + ".ics",
		"anna":             "/feeds/people/" + f.anna.FeedToken + ".ics",
		"alla":             "/feeds/all.ics",
		"örebro":           "/feeds/organisations/region-orebro-lan.ics", // hosts folkhälsa
		"kumla":            "/feeds/organisations/kumla.ics",             // hosts no body
	}
	// round fetches every feed from both servers after FeedVersionCheck
	// (1 s) and returns, per server, which feeds changed bytes and how
	// many renders each kind of feed took.
	etags := map[string]string{}
	round := func(t *testing.T) (changed [2]string, renders [2]map[string]int) {
		t.Helper()
		for i, e := range []*env{a, b} {
			e.clock.Add(1100 * time.Millisecond)
			before := feedRenders(t, e)
			var ch []string
			for _, name := range []string{"alla", "anna", "folkhälsa", "kumla", "maria", "skolchefsgruppen", "örebro"} {
				r := feed(t, e, feeds[name])
				key := fmt.Sprint(i, name)
				if old, ok := etags[key]; ok && old != r.Header.Get("ETag") {
					ch = append(ch, name)
				}
				etags[key] = r.Header.Get("ETag")
			}
			after := feedRenders(t, e)
			renders[i] = map[string]int{}
			for kind, n := range after {
				renders[i][kind] = n - before[kind]
			}
			changed[i] = strings.Join(ch, ",")
		}
		return changed, renders
	}
	round(t)

	for _, step := range []struct {
		name    string
		write   func(t *testing.T)
		changed string         // the feeds whose bytes change, on both servers
		renders map[string]int // renders per kind, on each server
	}{
		{"a meeting of folkhälsa renamed, through the first server", func(t *testing.T) {
			a.write(http.MethodPatch, fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[3].ID), `{"title":"Nytt namn"}`, http.StatusOK)
		}, "alla,folkhälsa,maria,örebro", map[string]int{"all": 1, "body": 1, "person": 1, "organisation": 1}},
		{"the restricted working group's meeting moved, straight in the second's store", func(t *testing.T) {
			start, end := f.restricted.Start.Add(time.Hour), f.restricted.End.Add(time.Hour)
			_, err := b.store.UpdateMeeting(context.Background(), f.restricted.ID, calendar.MeetingUpdate{Start: &start, End: &end})
			must(t, err)
		}, "anna,maria", map[string]int{"all": 1, "person": 2}},
		{"Anna joins skolchefsgruppen", func(t *testing.T) {
			must(t, a.store.CreateMembership(context.Background(), &calendar.Membership{Body: "skolchefsgruppen", Person: "anna-berg",
				Role: calendar.RoleMember, From: calendar.Date{Year: 2024, Month: 1, Day: 1}}))
		}, "anna", map[string]int{"person": 1}},
		{"a room renamed (folkhälsa meets in Eken)", func(t *testing.T) {
			a.write(http.MethodPatch, "/api/v1/rooms/lokal-eken", `{"name":"Lokal Stora Eken"}`, http.StatusOK)
		}, "alla,folkhälsa,maria,örebro", map[string]int{"all": 1, "body": 1, "person": 1, "organisation": 1}},
		{"skolchefsgruppen renamed: named in the joint meeting", func(t *testing.T) {
			a.write(http.MethodPatch, "/api/v1/bodies/skolchefsgruppen", `{"name":"Skolchefsgruppen i länet"}`, http.StatusOK)
			// Both organisations' feeds render (a body changed: it may have
			// moved into one), but only Örebro's bytes change.
		}, "alla,anna,folkhälsa,maria,skolchefsgruppen,örebro", map[string]int{"all": 1, "body": 2, "person": 2, "organisation": 2}},
		{"an event for everyone", func(t *testing.T) {
			a.write(http.MethodPost, "/api/v1/meetings", `{"kind":"event","title":"Länsdag","start":"2025-09-10T00:00:00+02:00",
				"end":"2025-09-11T00:00:00+02:00","all_day":true}`, http.StatusCreated)
		}, "alla,anna,kumla,maria,örebro", map[string]int{"all": 1, "person": 2, "organisation": 2}},
		{"nothing", func(t *testing.T) {}, "", map[string]int{}},
	} {
		t.Run(step.name, func(t *testing.T) {
			step.write(t)
			changed, renders := round(t)
			for i := range 2 {
				if changed[i] != step.changed {
					t.Errorf("server %d: feeds with new bytes %q, want %q", i+1, changed[i], step.changed)
				}
				for _, kind := range []string{"all", "organisation", "body", "person"} {
					if renders[i][kind] != step.renders[kind] {
						t.Errorf("server %d: %d renders of %s feeds, want %d", i+1, renders[i][kind], kind, step.renders[kind])
					}
				}
			}
		})
	}
}

var rendersRE = regexp.MustCompile(`(?m)^samkal_feed_renders_total\{feed="(\w+)"\} (\d+)$`)

// feedRenders reads the render metric of e's server by kind of feed.
func feedRenders(t *testing.T, e *env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range rendersRE.FindAllStringSubmatch(e.get("/metrics").text(), -1) {
		n, err := strconv.Atoi(m[2])
		must(t, err)
		out[m[1]] = n
	}
	return out
}
