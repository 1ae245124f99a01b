package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// BenchmarkWindowPage measures GET /mina-organ/bokning/{id} – the page
// plans the window – on a county-sized window (countyWindow) as it is
// served again and again while nothing changes: the plan comes from the
// cache (window_cache.go). The figures are in docs/benchmarks.md under
// "The booking weeks' page".
func BenchmarkWindowPage(b *testing.B) {
	e, id := countyWindow(b)
	cookie := sessionCookie(b, e, "admin")
	h := e.srv.Handler()
	req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s/mina-organ/bokning/%d", baseURL, id), nil)
	name, value, _ := strings.Cut(strings.TrimPrefix(cookie, "Cookie: "), "=")
	req.AddCookie(&http.Cookie{Name: name, Value: value})
	serveBench(b, h, req, http.StatusOK)
}

// BenchmarkWindowPlan is what the page costs the first time after a
// change, without the cache: the window planned (plan.PlanWindow, store
// reads included) and each body's free times (SuggestEach).
func BenchmarkWindowPlan(b *testing.B) {
	e, id := countyWindow(b)
	ctx := context.Background()
	x, err := e.store.FindBookingWindowByID(ctx, id)
	must(b, err)
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		wp, err := plan.PlanWindow(ctx, e.store, x, e.clock.Now(), plan.Options{})
		must(b, err)
		if !wp.Result.Feasible || len(wp.Result.Assignments) != 15 {
			b.Fatalf("feasible %v, %d assignments", wp.Result.Feasible, len(wp.Result.Assignments))
		}
		if _, err := wp.Problem.SuggestEach(5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// countyWindow stores, on SQLite, a county-sized window: 15 bodies of 5
// people who must attend, in three groups of five that share a contact
// person, four weeks, Monday–Friday 09.00–12.00 and 13.00–16.30, two-hour
// meetings in two rooms, 30 minutes' buffer; 200 other meetings of ten
// other bodies, whose members are the window's people, block times. It
// returns the env, with an admin "admin", and the window's id.
func countyWindow(b *testing.B) (*env, int64) {
	e := newEnv(b, nil)
	ctx := context.Background()
	var id int64
	must(b, e.store.InTx(ctx, func(tx calendar.Store) error {
		for _, r := range []*calendar.Room{{Slug: "lokal-eken", Name: "Lokal Eken"}, {Slug: "lokal-enen", Name: "Lokal Enen"}} {
			if err := tx.CreateRoom(ctx, r); err != nil {
				return err
			}
		}
		person := func(key, name string) error {
			return tx.CreatePerson(ctx, &calendar.Person{Key: key, Name: name, Email: key + "@example.se"})
		}
		if err := person("admin", "Ada Admin"); err != nil {
			return err
		}
		for i := range 63 {
			if err := person(fmt.Sprintf("p%02d", i), fmt.Sprintf("Person %02d", i)); err != nil {
				return err
			}
		}
		member := func(body, key string, role calendar.Role) error {
			return tx.CreateMembership(ctx, &calendar.Membership{Body: body, Person: key, Role: role, From: calendar.Date{Year: 2024, Month: 1, Day: 1}})
		}
		body := func(slug, name string) error {
			return tx.CreateBody(ctx, &calendar.Body{Slug: slug, Name: name, Kind: calendar.BodyManagementGroup, Visibility: calendar.Public})
		}
		var bodies []string
		for i := range 15 {
			slug := fmt.Sprintf("organ-%02d", i+1)
			bodies = append(bodies, slug)
			if err := body(slug, fmt.Sprintf("Länsdel %02d", i+1)); err != nil {
				return err
			}
			if err := member(slug, fmt.Sprintf("p%02d", 60+i/5), calendar.RoleContactPerson); err != nil {
				return err
			}
			for j := range 4 {
				if err := member(slug, fmt.Sprintf("p%02d", i*4+j), calendar.RoleMember); err != nil {
					return err
				}
			}
		}
		for k := range 10 {
			slug := fmt.Sprintf("annat-%02d", k+1)
			if err := body(slug, fmt.Sprintf("Annat organ %02d", k+1)); err != nil {
				return err
			}
			for j := k; j < 60; j += 10 {
				if err := member(slug, fmt.Sprintf("p%02d", j), calendar.RoleMember); err != nil {
					return err
				}
			}
		}
		// The other bodies meet every weekday of the four weeks, each at a
		// time that moves through the day.
		first := calendar.Date{Year: 2025, Month: time.September, Day: 8} // Monday of week 37
		for d := range 28 {
			day := first.AddDays(d)
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for k := range 10 {
				h := 8 + (k+d)%8
				m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{fmt.Sprintf("annat-%02d", k+1)},
					Start: day.At(h, 0), End: day.At(h+1, 30), Status: calendar.StatusConfirmed}
				if err := tx.CreateMeeting(ctx, m); err != nil {
					return err
				}
			}
		}
		x := &calendar.BookingWindow{Name: "Länsdelarnas höst", Bodies: bodies, DurationMinutes: 120, BufferMinutes: 30,
			Weeks:    []calendar.ISOWeek{{Year: 2025, Week: 37}, {Year: 2025, Week: 38}, {Year: 2025, Week: 39}, {Year: 2025, Week: 40}},
			Weekdays: []calendar.Weekday{1, 2, 3, 4, 5}, Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 16*60 + 30}},
			Rooms: []string{"lokal-eken", "lokal-enen"}}
		if err := tx.CreateBookingWindow(ctx, x); err != nil {
			return err
		}
		id = x.ID
		_, err := tx.GrantRole(ctx, calendar.Grant{Person: "admin", Role: calendar.AccessAdmin})
		return err
	}))
	return e, id
}
