package notify_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

// rawStore is a real store of one engine with a plain database handle on
// the same database, for putting in data the store (and the stricter
// validation of later versions) would refuse: rows that predate a rule.
type rawStore struct {
	*sqlstore.Store
	raw *sql.DB
	dsn string
}

// openRaw opens a fresh store of the engine ("sqlite" or "postgres") and a
// raw handle beside it, both closed when the test ends.
func openRaw(t *testing.T, engine string, opts sqlstore.Options) *rawStore {
	t.Helper()
	var dsn, driver string
	switch engine {
	case "sqlite":
		dsn, driver = filepath.Join(t.TempDir(), "samkal.db"), "sqlite"
	case "postgres":
		dsn, driver = sqltest.PostgresURL(t), "pgx"
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	st, err := sqlstore.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s database: %v", engine, err)
	}
	t.Cleanup(func() {
		raw.Close()
		st.Close()
	})
	return &rawStore{Store: st, raw: raw, dsn: dsn}
}

// exec runs one statement on the raw handle.
func (r *rawStore) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := r.raw.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// skippedCount returns samkal_mail_skipped_total{reason}.
func skippedCount(t *testing.T, reg *prometheus.Registry, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "samkal_mail_skipped_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("samkal_mail_skipped_total{reason=%q} is not registered", reason)
	return 0
}

func newMetrics(t *testing.T) (*notify.Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := notify.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

// linesWith counts the lines of s that contain sub.
func linesWith(s, sub string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// addBody stores a second body with one member with an address, and a
// confirmed meeting of it at start.
func addBody(t *testing.T, st calendar.Store, start time.Time) *calendar.Meeting {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateBody(ctx, &calendar.Body{Slug: "lansdel-norr", Name: "Länsdel Norr", Kind: calendar.BodyLansdelGroup, Visibility: calendar.Public}))
	must(st.CreatePerson(ctx, &calendar.Person{Key: "gustav-berg", Name: "Gustav Berg", Email: "gustav.berg@lindesberg.test.example"}))
	must(st.CreateMembership(ctx, &calendar.Membership{Body: "lansdel-norr", Person: "gustav-berg", Role: calendar.RoleMember}))
	m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"lansdel-norr"}, Start: start, End: start.Add(2 * time.Hour),
		Status: calendar.StatusConfirmed}
	must(st.CreateMeeting(ctx, m))
	return m
}

// TestScanSurvivesBadRecord: a person whose name holds a line separator
// (U+2028), stored before any rule refused it, cannot have an email
// composed to them (it would break the To header). That one email is
// recorded as skipped with a Swedish reason, logged once, counted, and
// everyone else, in this meeting and in another body, still gets mail.
// Once the name is corrected the email goes out at the next scan.
func TestScanSurvivesBadRecord(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st := openRaw(t, eng.Name, sqlstore.Options{})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			other := addBody(t, st, local("2026-03-30 13:00"))
			st.exec(t, `UPDATE people SET name = $1 WHERE key = $2`, "Anna\u2028Ek", "anna-ek")
			var logs syncBuffer
			s := newScanner(st, nil, slog.New(slog.NewTextHandler(&logs, nil)))
			metrics, reg := newMetrics(t)
			s.Metrics = metrics

			stats, err := s.Run(ctx, local("2026-03-16 08:05"))
			if err != nil {
				t.Fatalf("Run: %v; one bad name must not stop the scan", err)
			}
			// Bertil, Cecilia and Gustav (the other body) are called;
			// Anna's call cannot be composed and Frida has no address:
			// both recorded as skipped.
			if stats.Enqueued != 3 || stats.Skipped != 2 {
				t.Fatalf("Run = %+v, want 3 queued and 2 skipped", stats)
			}
			if ms, err := st.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &other.ID}); err != nil || len(ms) != 1 {
				t.Fatalf("the other body's meeting: %d messages, %v; want Gustav's call", len(ms), err)
			}
			skipped, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var anna *calendar.SkippedMail
			for _, sk := range skipped {
				if sk.Recipient == "anna-ek" {
					anna = sk
				}
			}
			if anna == nil || !strings.Contains(anna.Reason, "mejlet kunde inte sättas ihop") || anna.Kind != notify.KindCall {
				t.Fatalf("skipped = %+v; want Anna's call recorded with a Swedish reason", skipped)
			}
			if got := skippedCount(t, reg, notify.SkipInvalidData); got != 1 {
				t.Errorf("skipped{invalid_data} = %v, want 1", got)
			}
			if got := skippedCount(t, reg, notify.SkipNoAddress); got != 1 {
				t.Errorf("skipped{no_address} = %v, want 1", got)
			}

			again, err := s.Run(ctx, local("2026-03-16 08:10"))
			if err != nil || again.Enqueued != 0 || again.Skipped != 0 {
				t.Fatalf("second Run = %+v, %v; want nothing new", again, err)
			}
			if n := linesWith(logs.String(), "anna-ek"); n != 1 {
				t.Errorf("Anna's skipped call was logged %d times, want once:\n%s", n, logs.String())
			}
			if got := skippedCount(t, reg, notify.SkipInvalidData); got != 1 {
				t.Errorf("after the second run skipped{invalid_data} = %v, want still 1", got)
			}

			// Corrected: her call goes out at the next scan.
			st.exec(t, `UPDATE people SET name = $1 WHERE key = $2`, "Anna Ek", "anna-ek")
			fixed, err := s.Run(ctx, local("2026-03-16 08:15"))
			if err != nil || fixed.Enqueued != 1 {
				t.Fatalf("Run after the correction = %+v, %v; want Anna's call queued", fixed, err)
			}
		})
	}
}

// hookStore runs a hook before the agendas of one meeting are read: a way
// to make something happen in the middle of a scan, between its reading
// of the meetings and its reading of their agendas.
type hookStore struct {
	calendar.Store
	meetingID int64
	hook      func()
}

func (h *hookStore) FindAgendaItems(ctx context.Context, meetingID int64) ([]*calendar.AgendaItem, error) {
	if meetingID == h.meetingID && h.hook != nil {
		h.hook()
		h.hook = nil
	}
	return h.Store.FindAgendaItems(ctx, meetingID)
}

func (h *hookStore) FindAgendas(ctx context.Context, meetingIDs []int64) (map[int64][]*calendar.AgendaItem, error) {
	if slices.Contains(meetingIDs, h.meetingID) && h.hook != nil {
		h.hook()
		h.hook = nil
	}
	return h.Store.FindAgendas(ctx, meetingIDs)
}

// TestScanIsolatesOneMeeting: a meeting deleted in the middle of a scan
// (between listing the meetings and reading its agenda; the store answers
// "not found") must not stop the other meetings' kallelser. The failure is
// recorded once against that meeting.
func TestScanIsolatesOneMeeting(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st := openRaw(t, eng.Name, sqlstore.Options{})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			other := addBody(t, st, local("2026-03-30 13:00"))
			hs := &hookStore{Store: st, meetingID: r.meeting.ID, hook: func() {
				if err := st.DeleteMeeting(ctx, r.meeting.ID); err != nil {
					t.Errorf("delete meeting: %v", err)
				}
			}}
			s := newScanner(hs, nil, nil)
			s.Timing.CallDays = 0 // only the kallelser
			stats, err := s.Run(ctx, local("2026-03-25 08:05"))
			if err != nil {
				t.Fatalf("Run: %v; one meeting must not stop the others", err)
			}
			if stats.Enqueued != 1 {
				t.Errorf("Run = %+v, want Gustav's kallelse queued", stats)
			}
			if ms, err := st.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &other.ID}); err != nil || len(ms) != 1 {
				t.Errorf("the other meeting: %d messages, %v; want 1", len(ms), err)
			}
			skipped, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil || len(skipped) != 1 || skipped[0].Kind != notify.KindMeetingMail ||
				!strings.Contains(skipped[0].Reason, "mejlen om mötet kunde inte tas fram") {
				t.Fatalf("skipped = %+v, %v; want one record for the deleted meeting", skipped, err)
			}
		})
	}
}

// TestScanStopsWhenDatabaseFails: a database that fails in the middle of a
// scan is not one record's fault: Run returns the error and records
// nothing as skipped, so the next scan tries everything again.
func TestScanStopsWhenDatabaseFails(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st := openRaw(t, eng.Name, sqlstore.Options{})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			addBody(t, st, local("2026-03-30 13:00"))
			failing, err := sqlstore.Open(ctx, st.dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			hs := &hookStore{Store: failing, meetingID: r.meeting.ID, hook: func() { failing.Close() }}
			s := newScanner(hs, nil, nil)
			if _, err := s.Run(ctx, local("2026-03-25 08:05")); err == nil {
				t.Fatal("Run with the database gone returned no error")
			}
			skipped, err := st.FindSkipped(ctx, 0, 0)
			if err != nil || len(skipped) != 0 {
				t.Fatalf("skipped = %+v, %v; a database failure must not be recorded as skipped mail", skipped, err)
			}
			// The next scan, with the database back, sends everything.
			stats, err := newScanner(st, nil, nil).Run(ctx, local("2026-03-25 08:10"))
			if err != nil || stats.Enqueued != 6 {
				t.Fatalf("next Run = %+v, %v; want the 6 kallelser queued", stats, err)
			}
		})
	}
}

// TestScanSurvivesBadMeetingData: a meeting whose online link is not an
// http(s) address (stored before the rule) cannot have its letters
// written: its emails are skipped with the reason, and another body's
// meeting still gets its call.
func TestScanSurvivesBadMeetingData(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st := openRaw(t, eng.Name, sqlstore.Options{})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			other := addBody(t, st, local("2026-03-30 13:00"))
			st.exec(t, `UPDATE meetings SET online_url = $1 WHERE id = $2`, "javascript:alert(1)", r.meeting.ID)
			stats, err := newScanner(st, nil, nil).Run(ctx, local("2026-03-16 08:05"))
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if stats.Enqueued != 1 {
				t.Errorf("Run = %+v, want Gustav's call queued", stats)
			}
			if ms, err := st.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &other.ID}); err != nil || len(ms) != 1 {
				t.Errorf("the other meeting: %d messages, %v; want 1", len(ms), err)
			}
			recs, err := st.FindSkipped(ctx, r.meeting.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, rec := range recs {
				if strings.HasSuffix(rec.Key, "/fel") && strings.Contains(rec.Reason, "mejlets text kunde inte skrivas") &&
					strings.Contains(rec.Reason, "OnlineURL") {
					n++
				}
			}
			if n != 3 {
				t.Errorf("skip records = %+v; want the 3 calls skipped, naming the online link", recs)
			}
		})
	}
}

// TestSkipRecordsHoldNoLinks: when the letters cannot be written because
// of the addresses made from base_url (here one that is not a valid URL),
// the reason names the bad address, but no link token, a credential, is
// stored in the skip record or logged.
func TestSkipRecordsHoldNoLinks(t *testing.T) {
	ctx := context.Background()
	st := openRaw(t, "sqlite", sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	var logs syncBuffer
	s := newScanner(st, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	s.BaseURL = "https://samkal.region.test.example/%zz"
	if _, err := s.Run(ctx, local("2026-03-16 08:05")); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	rows, err := st.raw.QueryContext(ctx, `SELECT token FROM personal_links`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	rows.Close()
	recs, err := st.FindSkipped(ctx, r.meeting.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 3 || len(recs) != 4 {
		t.Fatalf("%d links and %d skip records; want 3 links made and 4 records (3 calls, Frida)", len(tokens), len(recs))
	}
	for _, rec := range recs {
		if strings.HasSuffix(rec.Key, "/fel") && !strings.Contains(rec.Reason, "%zz") {
			t.Errorf("reason %q does not name the bad address", rec.Reason)
		}
		for _, tok := range tokens {
			if strings.Contains(rec.Reason, tok) {
				t.Errorf("skip record %s holds a link token: %s", rec.Key, rec.Reason)
			}
		}
	}
	for _, tok := range tokens {
		if strings.Contains(logs.String(), tok) {
			t.Errorf("the log holds a link token:\n%s", logs.String())
		}
	}
}
