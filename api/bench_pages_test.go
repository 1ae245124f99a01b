package api_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// The secretary-page benchmarks serve every page a secretary works in, as
// Maria Lindborg (secretary of chefsgrupp folkhälsa and five more bodies,
// signed in by a session cookie) and as an admin, from a county-sized
// world on a SQLite file (countyWorld). Besides ns/op and the CPU time
// they report the statements each request sends to the database
// (sqlstore.Options.OnStatement: every query, BEGIN and COMMIT; on
// PostgreSQL each is a round trip) and the read transactions among them.
// The figures are in docs/benchmarks.md under "Secretary pages".
//
//	go test ./api -run '^$' -bench BenchmarkSecretaryPages -benchtime 200x

var listStatements = flag.Bool("statements", false, "BenchmarkSecretaryPages: list each page's statements")

// statements counts what the store sends to the database.
type statements struct {
	n, tx atomic.Int64
	mu    sync.Mutex
	log   []string // when logging is on, the statements' texts
	on    atomic.Bool
}

func (c *statements) observe(q string) {
	c.n.Add(1)
	if q == "BEGIN" {
		c.tx.Add(1)
	}
	if c.on.Load() {
		c.mu.Lock()
		c.log = append(c.log, q)
		c.mu.Unlock()
	}
}

// county is the world of the page benchmarks and the ids its pages need.
type county struct {
	e                             *env
	count                         *statements
	hub, past, window             int64 // a coming meeting with an agenda, a past one with a justering, a booking window
	bookingToken                  string
	secretaryCookie, adminCookie  string
	meetings, people, bodies, out int
}

// countyWorld builds a county-sized world on a SQLite file: the example
// region (Region Örebro län, whose slugs the pages use) and, added to it,
// 1,500 people, 60 bodies of 25 members each, ten meetings a year per body
// in 2025–2027 (about 600 a year; every fifth a joint meeting of two
// bodies, every twelfth cancelled) each with a dagordning of eight items
// and one member's proposal, the calls and kallelser of 2025 in the outbox
// (sent, a few failed), justeringar of the 2025 council meetings, and the
// booking windows of the example. The clock stands at Monday 2 March 2026.
func countyWorld(b *testing.B) *county {
	b.Helper()
	c := &county{count: &statements{}}
	open := func(t testing.TB, o sqlstore.Options) *sqlstore.Store {
		o.OnStatement = c.count.observe
		return sqltest.SQLite(t, o)
	}
	// The benchmark opens the booking link thousands of times: no limit.
	unlimited := api.Rate{Burst: 1 << 30, Every: time.Nanosecond}
	e := newEnv(b, open, func(o *api.Options) {
		o.RateLimits = api.RateLimits{Misses: unlimited, Address: unlimited, Token: unlimited, Writes: unlimited}
	})
	c.e = e
	ex := loadExample(b, e)
	ctx := context.Background()
	e.clock.Set(time.Date(2025, 1, 2, 9, 0, 0, 0, calendar.Location))
	bodies := []string{}
	for _, body := range ex.file.Bodies {
		bodies = append(bodies, body.Slug)
	}
	must(b, e.store.InTx(ctx, func(tx calendar.Store) error {
		for i := len(bodies); i < 60; i++ {
			slug := fmt.Sprintf("samverkansgrupp-%02d", i)
			if err := tx.CreateBody(ctx, &calendar.Body{Slug: slug, Name: fmt.Sprintf("Samverkansgrupp %02d", i),
				Kind: calendar.BodyManagementGroup, Visibility: calendar.Public, MinutesNeedApproval: i%3 == 0}); err != nil {
				return err
			}
			bodies = append(bodies, slug)
		}
		for i := range 1500 {
			key := fmt.Sprintf("person-%04d", i)
			if err := tx.CreatePerson(ctx, &calendar.Person{Key: key, Name: fmt.Sprintf("Förnamn Efternamn %04d", i),
				Email: key + "@kommun.example.se", Title: "utvecklingsledare"}); err != nil {
				return err
			}
			role := calendar.RoleMember
			switch i % 25 {
			case 0:
				role = calendar.RoleChair
			case 1:
				role = calendar.RoleSecretary
			case 2:
				role = calendar.RoleSubstitute
			}
			if err := tx.CreateMembership(ctx, &calendar.Membership{Body: bodies[i/25], Person: key, Role: role,
				From: calendar.Date{Year: 2024, Month: 1, Day: 1}}); err != nil {
				return err
			}
		}
		// Maria keeps five more bodies than her own.
		for _, body := range bodies[len(bodies)-5:] {
			if err := tx.CreateMembership(ctx, &calendar.Membership{Body: body, Person: "maria-lindborg", Role: calendar.RoleSecretary}); err != nil {
				return err
			}
		}
		for _, p := range []*calendar.Person{{Key: "ida-admin", Name: "Ida Admin", Email: "ida.admin@example.se"}} {
			if err := tx.CreatePerson(ctx, p); err != nil {
				return err
			}
		}
		if _, err := tx.GrantRole(ctx, calendar.Grant{Person: "ida-admin", Role: calendar.AccessAdmin}); err != nil {
			return err
		}
		all, err := tx.FindBodies(ctx, calendar.BodyFilter{})
		if err != nil {
			return err
		}
		approval := map[string]bool{}
		for _, b := range all {
			approval[b.Slug] = b.MinutesNeedApproval
		}
		// Meetings: ten a year per body, on weekdays spread over the year.
		for year := 2025; year <= 2027; year++ {
			for bi, body := range bodies {
				for k := range 10 {
					day := calendar.Date{Year: year, Month: time.January, Day: 15}.AddDays(k*34 + bi%20)
					for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
						day = day.AddDays(1)
					}
					hour := 9 + 4*(bi%2)
					m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{body}, Status: calendar.StatusConfirmed,
						Start: day.At(hour, 0), End: day.At(hour+3, 0), Location: "Eklundavägen 1, Örebro"}
					if year == 2027 {
						m.Status = calendar.StatusProposed
					}
					if k%5 == 0 && bi+1 < len(bodies) {
						m.Bodies = []string{body, bodies[bi+1]}
						m.Title = "Gemensamt möte"
					}
					if (bi+k)%12 == 0 {
						m.Status = calendar.StatusCancelled
					}
					if err := tx.CreateMeeting(ctx, m); err != nil {
						return err
					}
					c.meetings++
					for n := range 8 {
						if err := tx.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: m.ID,
							Title: fmt.Sprintf("Punkt %d: lägesrapport från arbetsgruppen", n+1), Presenter: "Förnamn Efternamn",
							SubPoints: []string{"Bakgrund", "Förslag till beslut"}}); err != nil {
							return err
						}
					}
					proposer := fmt.Sprintf("person-%04d", (bi*25+3)%1500)
					if err := tx.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: m.ID, Title: "Anmäld punkt",
						Status: calendar.AgendaProposed, SubmittedBy: proposer}); err != nil {
						return err
					}
					if year == 2025 && m.Status != calendar.StatusCancelled {
						for r := range 12 {
							person := fmt.Sprintf("person-%04d", (bi*25+r)%1500)
							for _, kind := range []string{"anmalan", "kallelse"} {
								if _, err := tx.EnqueueMessage(ctx, &calendar.OutboxMessage{
									Key:  fmt.Sprintf("%s/%d/%s", kind, m.ID, person),
									Kind: kind, MeetingID: m.ID, Person: person, Recipient: person + "@kommun.example.se",
									Subject: "Kallelse: " + body, Body: []byte("Subject: Kallelse\r\n\r\nHej!\r\n"),
									NextAttemptAt: m.Start.AddDate(0, 0, -14)}); err != nil {
									return err
								}
								c.out++
							}
						}
						if approval[m.Bodies[0]] || approval[m.Bodies[len(m.Bodies)-1]] {
							if err := tx.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: m.ID,
								DocumentURL: "https://www.regionorebrolan.se/protokoll.pdf",
								Justerare:   []string{fmt.Sprintf("person-%04d", (bi*25+4)%1500)}}, m.End, 14); err != nil {
								return err
							}
						}
					}
				}
			}
		}
		return nil
	}))
	// Send the 2025 mail: claimed and sent, one in fifty failed.
	for {
		ms, err := e.store.ClaimMessages(ctx, "bench", time.Date(2026, 1, 1, 0, 0, 0, 0, calendar.Location), time.Hour, 1000, true)
		must(b, err)
		if len(ms) == 0 {
			break
		}
		must(b, e.store.InTx(ctx, func(tx calendar.Store) error {
			for i, m := range ms {
				var err error
				if i%50 == 0 {
					err = tx.MarkMessageFailed(ctx, m.ID, "bench", "550 5.1.1 mailbox unavailable")
				} else {
					err = tx.MarkMessageSent(ctx, m.ID, "bench", m.NextAttemptAt)
				}
				if err != nil {
					return err
				}
			}
			return nil
		}))
	}
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location))
	c.bodies = len(bodies)
	c.people = 1500
	// The pages' meetings: chefsgrupp folkhälsa's first coming meeting, and
	// the last past one with a justering of a body Maria keeps.
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, calendar.Location)
	ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{"chefsgrupp-folkhalsa", bodies[len(bodies)-3]}})
	must(b, err)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Start.Before(ms[j].Start) })
	for _, m := range ms {
		if c.hub == 0 && m.Start.After(from) && m.Status != calendar.StatusCancelled && m.Bodies[0] == "chefsgrupp-folkhalsa" {
			c.hub = m.ID
		}
		if m.Start.Before(from) && m.Start.Year() == 2025 {
			if _, err := e.store.FindJustering(ctx, m.ID); err == nil {
				c.past = m.ID
			}
		}
	}
	if c.hub == 0 || c.past == 0 {
		b.Fatalf("no coming meeting (%d) or past one with a justering (%d)", c.hub, c.past)
	}
	ws, err := e.store.FindBookingWindows(ctx)
	must(b, err)
	c.window = ws[0].ID
	// Maria keeps the window's bodies too, as in the booking-window tests.
	for _, body := range ws[0].Bodies {
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: body})
		must(b, err)
	}
	link, err := e.store.EnsureWindowLink(ctx, c.window, "maria-lindborg", time.Date(2026, 12, 31, 0, 0, 0, 0, calendar.Location))
	must(b, err)
	c.bookingToken = link.Token
	for _, p := range []struct {
		who string
		to  *string
	}{{"maria-lindborg", &c.secretaryCookie}, {"ida-admin", &c.adminCookie}} {
		secret, _, err := e.store.CreateSession(ctx, p.who, "link", 30*24*time.Hour)
		must(b, err)
		*p.to = sessionCookieName + "=" + secret
	}
	return c
}

// secretaryPages are the pages of the benchmark, as paths in w.
func (c *county) secretaryPages() []struct{ name, path string } {
	return []struct{ name, path string }{
		{"mina-organ", "/mina-organ"},
		{"arsplan-lista", "/mina-organ/chefsgrupp-folkhalsa?ar=2026"},
		{"arsplan-rutnat", "/mina-organ/chefsgrupp-folkhalsa?ar=2026&visa=rutnat"},
		{"nytt-mote", "/mina-organ/chefsgrupp-folkhalsa/nytt-mote"},
		{"motesnav", fmt.Sprintf("/mina-organ/moten/%d", c.hub)},
		{"andra", fmt.Sprintf("/mina-organ/moten/%d/andra", c.hub)},
		{"dagordning", fmt.Sprintf("/mina-organ/moten/%d/dagordning", c.hub)},
		{"backlogg", "/mina-organ/chefsgrupp-folkhalsa/backlogg"},
		{"justering", fmt.Sprintf("/mina-organ/moten/%d/justering", c.past)},
		{"utskick", fmt.Sprintf("/mina-organ/moten/%d/utskick", c.hub)},
		{"utkorg", "/mina-organ/utkorg"},
		{"medlemmar", "/mina-organ/chefsgrupp-folkhalsa/medlemmar"},
		{"installningar", "/mina-organ/chefsgrupp-folkhalsa/installningar"},
		{"bokningsveckor", "/mina-organ/bokning"},
		{"bokningsvecka", fmt.Sprintf("/mina-organ/bokning/%d", c.window)},
		{"bokning-lank", "/bokning/" + c.bookingToken},
		// The members' pages (issue 11), as the same signed-in people.
		{"organ", "/organ/chefsgrupp-folkhalsa?ar=2026"},
		{"kalender-manad", "/kalender?manad=2026-03"},
		{"kalender-vecka", "/kalender?vecka=2026-W12"},
		{"mina-moten", "/mina-moten"},
	}
}

// BenchmarkSecretaryPages serves each secretary page through the whole
// Handler, as the secretary and as an admin.
func BenchmarkSecretaryPages(b *testing.B) {
	c := countyWorld(b)
	b.Logf("world: %d bodies, %d people, %d meetings, %d outbox messages", c.bodies, c.people, c.meetings, c.out)
	h := c.e.srv.Handler()
	for _, who := range []struct{ name, cookie string }{{"secretary", c.secretaryCookie}, {"admin", c.adminCookie}} {
		for _, p := range c.secretaryPages() {
			r := httptest.NewRequest(http.MethodGet, p.path, nil)
			r.Header.Set("Cookie", who.cookie)
			b.Run(who.name+"/"+p.name, func(b *testing.B) { servePageBench(b, c.count, h, r) })
		}
	}
}

// servePageBench is serveBench with the statements per request.
func servePageBench(b *testing.B, count *statements, h http.Handler, req *http.Request) {
	b.Helper()
	b.ReportAllocs()
	// One request first, to check it and to list its statements with -v.
	rec := httptest.NewRecorder()
	count.on.Store(true)
	h.ServeHTTP(rec, req)
	count.on.Store(false)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d, want 200: %.300s", rec.Code, rec.Body)
	}
	count.mu.Lock()
	if *listStatements {
		for _, q := range count.log {
			b.Logf("  %.160s", strings.Join(strings.Fields(q), " "))
		}
	}
	count.log = nil
	count.mu.Unlock()
	runtime.GC()
	n0, tx0 := count.n.Load(), count.tx.Load()
	cpu0 := cpuTime(b)
	for b.Loop() {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(count.n.Load()-n0)/float64(b.N), "stmts/op")
	b.ReportMetric(float64(count.tx.Load()-tx0)/float64(b.N), "tx/op")
	b.ReportMetric(float64(rec.Body.Len()), "bytes/resp")
}
