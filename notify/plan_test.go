package notify_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

// TestScanKeepsThePlan: the times calendar.MailTiming plans for a
// meeting's call and kallelse, and a justering's first reminder, are the
// times the scan finds them due: not a minute before, and due at exactly
// that time. The secretary's page /mina-organ/moten/{id}/utskick shows
// the plan, so it must be what happens.
func TestScanKeepsThePlan(t *testing.T) {
	for _, tt := range []struct {
		name    string
		meeting string
		notify  *calendar.BodyNotify
	}{
		{"defaults", "2026-03-30 10:00", nil},
		{"the body's own days", "2026-10-26 13:00", &calendar.BodyNotify{CallDays: ptr(21), CallDeadlineDays: ptr(10), NoticeDays: ptr(8)}},
		{"no call", "2026-05-20 09:00", &calendar.BodyNotify{CallDays: ptr(0), NoticeDays: ptr(3)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := sqltest.SQLite(t, sqlstore.Options{})
			r := newRegion(t, st, local(tt.meeting))
			if tt.notify != nil {
				if _, err := st.UpdateBody(ctx, "samverkansrad-norr", calendar.BodyUpdate{Notify: tt.notify}); err != nil {
					t.Fatal(err)
				}
			}
			b, err := st.FindBodyBySlug(ctx, "samverkansrad-norr")
			if err != nil {
				t.Fatal(err)
			}
			s := newScanner(st, nil, nil)
			plan := s.Timing.Mail().ForMeeting(r.meeting.Start, []*calendar.Body{b})
			check := func(what, kind string, at time.Time) {
				t.Helper()
				has := func(due []*notify.Due) []*notify.Due {
					var out []*notify.Due
					for _, d := range due {
						if d.Kind == kind {
							out = append(out, d)
						}
					}
					return out
				}
				if at.IsZero() {
					for _, probe := range []time.Time{r.meeting.Start.Add(-30 * 24 * time.Hour), r.meeting.Start.Add(-time.Hour)} {
						if d := has(find(t, s, probe)); len(d) > 0 {
							t.Errorf("the plan has no %s, but at %s the scan finds %s due", what, probe, d[0].Key)
						}
					}
					return
				}
				if d := has(find(t, s, at.Add(-time.Minute))); len(d) > 0 {
					t.Errorf("%s planned at %s is due a minute before: %s", what, at, d[0].Key)
				}
				due := has(find(t, s, at))
				if len(due) == 0 {
					t.Fatalf("%s planned at %s is not due then", what, at)
				}
				for _, d := range due {
					if !d.At.Equal(at) {
						t.Errorf("%s %s due at %s, planned %s", what, d.Key, d.At, at)
					}
				}
			}
			check("the call", notify.KindCall, plan.CallAt)
			check("the kallelse", notify.KindNotice, plan.NoticeAt)
		})
	}

	// A justering's first reminder and the secretary's note.
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-02-10 10:00"))
	ready := local("2026-02-11 15:20")
	j := &calendar.Justering{MeetingID: r.meeting.ID, Justerare: []string{"bertil-al"}, DocumentURL: "https://region.test.example/protokoll.pdf"}
	if err := st.MarkMinutesReady(ctx, j, ready, 7); err != nil {
		t.Fatal(err)
	}
	s := newScanner(st, nil, nil)
	mt := s.Timing.Mail()
	keys := func(at time.Time, kind string) []string {
		var out []string
		for _, d := range find(t, s, at) {
			if d.Kind == kind {
				out = append(out, d.Key)
			}
		}
		slices.Sort(out)
		return out
	}
	first := mt.JusteringReminderAt(ready, 1)
	before, at := keys(first.Add(-time.Minute), notify.KindJustering), keys(first, notify.KindJustering)
	if len(before) == 0 || len(at) == 0 || slices.Equal(before, at) || !strings.HasSuffix(at[0], "/1") {
		t.Errorf("reminder 1 planned at %s: before %v, at %v", first, before, at)
	}
	late := mt.JusteringLateAt(ready, j.Deadline)
	if d := keys(late.Add(-time.Minute), notify.KindJusteringLate); len(d) > 0 {
		t.Errorf("the late note planned at %s is due a minute before: %v", late, d)
	}
	if d := keys(late, notify.KindJusteringLate); len(d) == 0 {
		t.Errorf("the late note planned at %s is not due then", late)
	}
}
