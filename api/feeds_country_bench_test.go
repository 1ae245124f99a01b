package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// BenchmarkCountry renders feeds cold (the cache emptied before every
// request) on the generated country: a body's feed, the feed of a person
// in one body, the national coordinator's (in 21 bodies across 6 regions
// when SAMKAL_BENCH_REGIONS is 6 or more; fewer below), and the region's
// all.ics; and the public pages (start, a body, the list of
// organisations, the month's calendar, a meeting). SAMKAL_BENCH_REGIONS (default 1) sets how many
// regions are imported; both engines. Figures: docs/benchmarks.md, "The
// country".
func BenchmarkCountry(b *testing.B) {
	regions := 1
	if v := os.Getenv("SAMKAL_BENCH_REGIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("SAMKAL_BENCH_REGIONS=%q: give one number of regions, 1–%d", v, arsplan.GenRegions)
		}
		regions = n
	}
	for _, eng := range sqltest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			unlimited := api.Rate{Burst: 1 << 30, Every: time.Nanosecond} // one token, fetched thousands of times
			e := newEnv(b, eng.Open, func(o *api.Options) {
				o.RateLimits = api.RateLimits{Misses: unlimited, Address: unlimited, Token: unlimited, Writes: unlimited}
			})
			e.clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Location))
			ctx := context.Background()
			must(b, arsplan.ApplyGenerated(ctx, e.store, regions))
			coordinator, err := e.store.FindPersonByKey(ctx, "nationell-samordnare")
			must(b, err)
			one := onlyInOneBody(b, e, "r01-organ-00")
			h := e.srv.Handler()
			for _, f := range []struct{ name, path string }{
				{"body", "/feeds/bodies/r01-organ-00.ics"},
				{"person_one_body", "/feeds/people/" + one.FeedToken + ".ics"},
				{"person_coordinator", "/feeds/people/" + coordinator.FeedToken + ".ics"},
				{"organisation", "/feeds/organisations/r01-region.ics"},
				{"all", "/feeds/all.ics"},
			} {
				b.Run(f.name, func(b *testing.B) {
					coldFeed(b, e.srv, h, f.path)
				})
			}
			// The pages anyone reads, each bounded by what it shows.
			for _, p := range []struct{ name, path string }{
				{"page_start", "/"},
				{"page_body", "/organ/r01-organ-00"},
				{"page_organisations", "/organ"},
				{"page_calendar_month", "/kalender"}, // asks for an organisation from 2 regions on
				{"page_calendar_month_region", "/kalender?organisation=r01-region"},
				{"page_meeting", "/moten/" + strconv.FormatInt(firstMeeting(b, e, "r01-organ-00"), 10)},
			} {
				b.Run(p.name, func(b *testing.B) {
					b.ReportAllocs()
					req := httptest.NewRequest(http.MethodGet, p.path, nil)
					var rec *httptest.ResponseRecorder
					for b.Loop() {
						rec = httptest.NewRecorder()
						h.ServeHTTP(rec, req)
					}
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: %d", p.path, rec.Code)
					}
					b.ReportMetric(float64(rec.Body.Len()), "bytes")
				})
			}
		})
	}
}

// coldFeed serves path with an empty feed cache every time.
func coldFeed(b *testing.B, srv *api.Server, h http.Handler, path string) {
	b.ReportAllocs()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req) // the names of bodies and rooms, once per data version
	var rec *httptest.ResponseRecorder
	for b.Loop() {
		srv.DropFeeds()
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	b.ReportMetric(float64(rec.Body.Len()), "gzip-bytes")
}

// firstMeeting is the id of body's first meeting.
func firstMeeting(b *testing.B, e *env, body string) int64 {
	ms, err := e.store.FindMeetings(context.Background(), calendar.MeetingFilter{Bodies: []string{body}, Limit: 1})
	must(b, err)
	if len(ms) == 0 {
		b.Fatalf("%s has no meetings", body)
	}
	return ms[0].ID
}

// onlyInOneBody is a person whose only membership is in body.
func onlyInOneBody(b *testing.B, e *env, body string) *calendar.Person {
	ctx := context.Background()
	ms, err := e.store.FindMemberships(ctx, calendar.MembershipFilter{Body: &body})
	must(b, err)
	for _, m := range ms {
		mine, err := e.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &m.Person})
		must(b, err)
		if len(mine) == 1 {
			p, err := e.store.FindPersonByKey(ctx, m.Person)
			must(b, err)
			return p
		}
	}
	b.Fatalf("nobody sits in %s alone", body)
	return nil
}
