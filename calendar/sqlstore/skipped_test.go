package sqlstore_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestSkippedMail(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 20, 7, 0, 0, 0, calendar.Location), []suiteCase{
		{"RecordIdempotent", testSkippedIdempotent},
		{"Find", testSkippedFind},
		{"Invalid", testSkippedInvalid},
		{"Concurrent", testSkippedConcurrent},
	})
}

func skipped(key string, meetingID int64) *calendar.SkippedMail {
	return &calendar.SkippedMail{Key: key, Kind: "anmalan", MeetingID: meetingID, Recipient: "anna",
		Reason: "Sista dag för anmälan har passerat."}
}

func (e *env) recordSkipped(m *calendar.SkippedMail) {
	e.t.Helper()
	ok, err := e.s.RecordSkipped(e.ctx, m)
	must(e.t, err)
	if !ok {
		e.t.Fatalf("RecordSkipped(%q) = false, want true (new key)", m.Key)
	}
}

func skippedKeys(ms []*calendar.SkippedMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

func testSkippedIdempotent(t *testing.T, e *env) {
	before := e.dataVersion()
	m := skipped("anmalan/m7/anna/r0", 7)
	e.recordSkipped(m)
	if m.ID == 0 {
		t.Error("RecordSkipped did not set ID")
	}
	sameTime(t, "CreatedAt", m.CreatedAt, e.clock.Now())

	e.clock.Advance(time.Hour)
	again := skipped("anmalan/m7/anna/r0", 7)
	again.Reason = "another reason"
	ok, err := e.s.RecordSkipped(e.ctx, again)
	must(t, err)
	if ok || again.ID != 0 || !again.CreatedAt.IsZero() {
		t.Errorf("second RecordSkipped of one key = %v (id %d), want false and the record untouched", ok, again.ID)
	}
	all, err := e.s.FindSkipped(e.ctx, 0, 0)
	must(t, err)
	if len(all) != 1 || *all[0] != *m {
		t.Fatalf("FindSkipped = %v, want only %+v", all, m)
	}
	if after := e.dataVersion(); after != before {
		t.Errorf("skipped mail moved DataVersion from %+v to %+v; it records no change", before, after)
	}
}

func testSkippedFind(t *testing.T, e *env) {
	e.recordSkipped(skipped("a", 7))
	e.clock.Advance(time.Minute)
	e.recordSkipped(skipped("b", 8))
	e.recordSkipped(skipped("c", 7)) // same second as b: the id orders
	e.clock.Advance(time.Minute)
	noMeeting := skipped("d", 0)
	noMeeting.Recipient = ""
	e.recordSkipped(noMeeting)
	for _, tc := range []struct {
		meeting int64
		limit   int
		want    []string
	}{
		{0, 0, []string{"d", "c", "b", "a"}},
		{-1, 0, []string{"d", "c", "b", "a"}},
		{0, 2, []string{"d", "c"}},
		{7, 0, []string{"c", "a"}},
		{7, 1, []string{"c"}},
		{8, 0, []string{"b"}},
		{9, 0, nil},
	} {
		t.Run(fmt.Sprintf("meeting %d limit %d", tc.meeting, tc.limit), func(t *testing.T) {
			got, err := e.s.FindSkipped(e.ctx, tc.meeting, tc.limit)
			must(t, err)
			if keys := skippedKeys(got); !slices.Equal(keys, tc.want) {
				t.Errorf("FindSkipped = %v, want %v", keys, tc.want)
			}
		})
	}
	_, err := e.s.FindSkipped(e.ctx, 0, -1)
	wantErr(t, err, calendar.EINVALID, "limit must not be negative")
}

func testSkippedInvalid(t *testing.T, e *env) {
	for _, tc := range []struct {
		name string
		edit func(m *calendar.SkippedMail)
		want string
	}{
		{"no key", func(m *calendar.SkippedMail) { m.Key = " " }, "key is required"},
		{"no kind", func(m *calendar.SkippedMail) { m.Kind = "" }, "kind is required"},
		{"no reason", func(m *calendar.SkippedMail) { m.Reason = "" }, "reason is required"},
		{"line break", func(m *calendar.SkippedMail) { m.Recipient = "anna\nbo" }, "on one line"},
		{"negative meeting", func(m *calendar.SkippedMail) { m.MeetingID = -3 }, "meeting id must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := skipped("k/"+tc.name, 7)
			tc.edit(m)
			ok, err := e.s.RecordSkipped(e.ctx, m)
			wantErr(t, err, calendar.EINVALID, tc.want)
			if ok || m.ID != 0 {
				t.Errorf("RecordSkipped reported an insert (id %d) for an invalid record", m.ID)
			}
		})
	}
	all, err := e.s.FindSkipped(e.ctx, 0, 0)
	must(t, err)
	if len(all) != 0 {
		t.Errorf("invalid records left %v", skippedKeys(all))
	}
}

func testSkippedConcurrent(t *testing.T, e *env) {
	const n = 8
	inserted := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			inserted[i], errs[i] = e.s.RecordSkipped(e.ctx, skipped("kallelse/m9/bo/r1", 9))
		})
	}
	close(start)
	wg.Wait()
	count := 0
	for i := range n {
		must(t, errs[i])
		if inserted[i] {
			count++
		}
	}
	all, err := e.s.FindSkipped(e.ctx, 9, 0)
	must(t, err)
	if count != 1 || len(all) != 1 {
		t.Errorf("%d concurrent records of one key: %d reported inserting, %d stored; want 1 and 1", n, count, len(all))
	}
}
