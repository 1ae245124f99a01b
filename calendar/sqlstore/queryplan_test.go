package sqlstore_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestQueryPlans asks each engine how it runs the statements that must
// stay fast at the size of a country (issue 12), as the store really sends
// them: every statement of the operation is traced with its arguments and
// explained (EXPLAIN QUERY PLAN on SQLite, EXPLAIN of the generic plan on
// PostgreSQL), and none may read a whole table that the operation names.
// A later change that brings back a scan fails here, not in production.
func TestQueryPlans(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
			s := eng.Open(t, sqlstore.Options{Now: clk.Now})
			e := &env{t: t, s: s, clock: clk, ctx: context.Background()}
			e.body("folkhalsa", calendar.Public)
			must(t, s.CreateRoom(e.ctx, &calendar.Room{Slug: "sal-1", Name: "Sal 1"}))
			d := day(2026, 3, 24)
			keyed := &calendar.Meeting{Key: "cg-folkhalsa-2026-03", Bodies: []string{"folkhalsa"}, Start: d.At(13, 0), End: d.At(16, 0)}
			must(t, s.CreateMeeting(e.ctx, keyed))
			e.enqueue(msg("m1/kallelse/anna-ek/r0"))

			for _, op := range []struct {
				name   string
				tables []string // none of these may be scanned whole
				avoid  []string // indexes the plan must not walk (a range that grows with the country)
				run    func() error
			}{
				{"FindMeetingByKey", []string{"meetings"}, nil, func() error {
					_, err := s.FindMeetingByKey(e.ctx, "cg-folkhalsa-2026-03")
					return err
				}},
				{"CreateMeeting in a room", []string{"meetings", "rooms"}, nil, func() error {
					// The key is not looked up first: the unique index
					// refuses a taken one.
					return s.CreateMeeting(e.ctx, &calendar.Meeting{Key: "cg-folkhalsa-2026-04", Bodies: []string{"folkhalsa"},
						Room: "sal-1", Start: d.AddDays(7).At(13, 0), End: d.AddDays(7).At(16, 0)})
				}},
				{"FindMeetings of keys (an import)", []string{"meetings"}, nil, func() error {
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Keys: []string{"cg-folkhalsa-2026-03", "cg-folkhalsa-2026-05"}})
					return err
				}},
				{"FindPeople of keys (an import)", []string{"people"}, nil, func() error {
					_, err := s.FindPeople(e.ctx, calendar.PersonFilter{Keys: []string{"anna-ek", "bo-ek"}})
					return err
				}},
				{"UpdateMeeting's key", []string{"meetings"}, nil, func() error {
					_, err := s.UpdateMeeting(e.ctx, keyed.ID, calendar.MeetingUpdate{Key: ptr("cg-folkhalsa-2026-03b")})
					return err
				}},
				{"FindPeople of a body", []string{"people", "memberships"}, nil, func() error {
					_, err := s.FindPeople(e.ctx, calendar.PersonFilter{Body: ptr("folkhalsa")})
					return err
				}},
				{"FindHandledMail", []string{"outbox", "skipped_mail"}, nil, func() error {
					_, err := s.FindHandledMail(e.ctx, "m1/")
					return err
				}},
				{"FindHandledMail of many meetings", []string{"outbox", "skipped_mail"}, nil, func() error {
					_, err := s.FindHandledMail(e.ctx, "m1/", "m2/", "m3/", "w1/")
					return err
				}},
				{"FindPeople of bodies", []string{"people", "memberships"}, nil, func() error {
					_, err := s.FindPeople(e.ctx, calendar.PersonFilter{Bodies: []string{"folkhalsa", "annat"}})
					return err
				}},
				{"the start page's coming meetings", []string{"meetings"}, nil, func() error {
					from := d.Start()
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{PublicOnly: true, From: &from, Limit: 60})
					return err
				}},
				{"the API's next page of meetings", []string{"meetings"}, nil, func() error {
					y := 2026
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Year: &y, Limit: 201,
						After: &calendar.MeetingPlace{Start: d.Start(), ID: keyed.ID}})
					return err
				}},
				{"PruneMail", []string{"outbox", "skipped_mail", "meetings"}, nil, func() error {
					_, _, err := s.PruneMail(e.ctx, d.Start())
					return err
				}},
				{"FindForhinder", []string{"forhinder"}, nil, func() error {
					_, err := s.FindForhinder(e.ctx, keyed.ID)
					return err
				}},
				{"FindForhinderOf", []string{"forhinder"}, nil, func() error {
					_, err := s.FindForhinderOf(e.ctx, []int64{keyed.ID, keyed.ID + 1})
					return err
				}},
				{"FindAgendas", []string{"agenda_items"}, nil, func() error {
					_, err := s.FindAgendas(e.ctx, []int64{keyed.ID, keyed.ID + 1})
					return err
				}},
				// The feeds: from the body's (or the person's bodies')
				// rows of meeting_bodies, never every meeting since the
				// lookback through the start index.
				{"a body's feed", []string{"meetings", "meeting_bodies"}, []string{"meetings_start"}, func() error {
					from := d.AddDays(-5 * 365).Start()
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"folkhalsa"}, PublicOnly: true, From: &from})
					return err
				}},
				{"a region's calendar: many bodies, one month", []string{"meetings", "meeting_bodies"}, []string{"meetings_start"}, func() error {
					from, to := d.Start(), d.AddDays(31).Start()
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"folkhalsa", "annat", "tredje"}, From: &from, To: &to})
					return err
				}},
				{"a body's year", []string{"meetings", "meeting_bodies"}, []string{"meetings_start"}, func() error {
					y := 2026
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"folkhalsa"}, Year: &y})
					return err
				}},
				// Its events scoped to organisations read people,
				// memberships and bodies by index too.
				{"a person's feed", []string{"meetings", "meeting_bodies", "memberships", "people", "bodies"}, []string{"meetings_start"}, func() error {
					from := d.AddDays(-5 * 365).Start()
					_, err := s.FindMeetings(e.ctx, calendar.MeetingFilter{Person: ptr("anna-ek"), WithRegionWide: true, From: &from})
					return err
				}},
				{"FindMemberships of bodies", []string{"memberships"}, nil, func() error {
					_, err := s.FindMemberships(e.ctx, calendar.MembershipFilter{Bodies: []string{"folkhalsa", "annat"}})
					return err
				}},
			} {
				t.Run(op.name, func(t *testing.T) {
					statements := trace(t, s, op.run)
					checked := 0
					for _, st := range statements {
						if !mentionsAny(st.query, op.tables) || !isQuery(st.query) {
							continue
						}
						plan, err := sqlstore.Explain(e.ctx, s, st.query, st.args)
						if err != nil {
							t.Fatalf("explain %s: %v", st.query, err)
						}
						checked++
						for _, table := range op.tables {
							if scans(eng.Name, plan, st.query, table) {
								t.Errorf("%s reads all of %s:\n%s\nplan:\n%s", op.name, table, st.query, plan)
							}
						}
						for _, index := range op.avoid {
							if regexp.MustCompile(`\b` + index + `\b`).MatchString(plan) {
								t.Errorf("%s walks %s:\n%s\nplan:\n%s", op.name, index, st.query, plan)
							}
						}
					}
					if checked == 0 {
						t.Fatalf("%s sent no statement on %v to explain", op.name, op.tables)
					}
				})
			}
		})
	}
}

type statement struct {
	query string
	args  []any
}

// trace runs f and returns the statements the store sent meanwhile.
func trace(t *testing.T, s *sqlstore.Store, f func() error) []statement {
	t.Helper()
	var mu sync.Mutex
	var out []statement
	sqlstore.Trace(s, func(q string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, statement{q, append([]any(nil), args...)})
	})
	defer sqlstore.Trace(s, nil)
	must(t, f())
	return out
}

func mentionsAny(query string, tables []string) bool {
	for _, table := range tables {
		if regexp.MustCompile(`\b` + table + `\b`).MatchString(query) {
			return true
		}
	}
	return false
}

// isQuery is true for what EXPLAIN can explain without side effects:
// SELECT, and UPDATE/DELETE (their plans are explained, not run).
func isQuery(q string) bool {
	q = strings.ToUpper(strings.TrimSpace(q))
	return strings.HasPrefix(q, "SELECT") || strings.HasPrefix(q, "WITH") ||
		strings.HasPrefix(q, "UPDATE") || strings.HasPrefix(q, "DELETE")
}

// scans reports whether plan reads the whole of table, under its own
// name or an alias the query gives it. SQLite: any "SCAN" of it, even
// through a covering index (that is still every row); "SEARCH" is a
// lookup. PostgreSQL: a Seq Scan of it (which the explain discourages, so
// that it shows only where no index serves), or an index scan without an
// Index Cond (a walk through the whole index).
func scans(engine, plan, query, table string) bool {
	names := []string{table}
	for _, m := range aliasRE(table).FindAllStringSubmatch(query, -1) {
		if !sqlWords[strings.ToUpper(m[1])] {
			names = append(names, m[1])
		}
	}
	lines := strings.Split(plan, "\n")
	for i, line := range lines {
		for _, name := range names {
			if engine == "sqlite" {
				if regexp.MustCompile(`\bSCAN ` + name + `\b`).MatchString(line) {
					return true
				}
				continue
			}
			node := regexp.MustCompile(`(Seq Scan|Index Scan|Index Only Scan)(?: using \S+)? on ` + table + `(?: ` + name + `)?\b`).FindStringSubmatch(line)
			if node == nil || (name != table && !strings.Contains(line, " on "+table+" "+name)) {
				continue
			}
			if node[1] == "Seq Scan" || !hasIndexCond(lines[i+1:]) {
				return true
			}
		}
	}
	return false
}

// hasIndexCond reports whether the details of a plan node (the lines
// after it, up to the next node) hold an Index Cond.
func hasIndexCond(details []string) bool {
	for _, l := range details {
		if strings.Contains(l, "->") {
			return false
		}
		if strings.Contains(l, "Index Cond:") {
			return true
		}
	}
	return false
}

// aliasRE finds the aliases given to table in a query: "FROM meetings m",
// "JOIN outbox AS o".
func aliasRE(table string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+` + table + `\s+(?:AS\s+)?(\w+)`)
}

// sqlWords are the words that may follow a table name and are no alias.
var sqlWords = map[string]bool{"WHERE": true, "JOIN": true, "LEFT": true, "INNER": true, "ON": true, "SET": true,
	"ORDER": true, "GROUP": true, "LIMIT": true, "UNION": true, "AND": true, "OR": true, "USING": true, "CROSS": true}
