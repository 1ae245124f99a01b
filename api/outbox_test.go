package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

type outboxItem struct {
	ID            int64   `json:"id"`
	Key           string  `json:"key"`
	Kind          string  `json:"kind"`
	Meeting       *int64  `json:"meeting"`
	Recipient     string  `json:"recipient"`
	Status        string  `json:"status"`
	Attempts      int     `json:"attempts"`
	NextAttemptAt *string `json:"next_attempt_at"`
	LastError     *string `json:"last_error"`
	SentAt        *string `json:"sent_at"`
}

// seedOutbox puts three emails in the outbox as a delivery run would
// leave them: 1 sent, 2 failed with a 550, 3 queued again after a 451.
func seedOutbox(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	for _, m := range []*calendar.OutboxMessage{
		{Key: "kallelse/m1/p1/r1", Kind: "kallelse", MeetingID: 1, Recipient: "maria.lindborg@regionorebrolan.se",
			Subject: "Kallelse: Chefsgrupp folkhälsa 21 januari", Body: []byte("Subject: x\r\n\r\nhej\r\n")},
		{Key: "kallelse/m1/p2/r1", Kind: "kallelse", MeetingID: 1, Recipient: "anna.berg@kumla.se",
			Subject: "Kallelse: Chefsgrupp folkhälsa 21 januari", Body: []byte("Subject: x\r\n\r\nhej\r\n")},
		{Key: "justering/m7/p1/r1", Kind: "justering", Recipient: "justerare@orebro.se",
			Subject: "Protokoll att justera", Body: []byte("Subject: x\r\n\r\nhej\r\n")},
	} {
		if _, err := e.store.EnqueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	const w = "test-worker"
	now := e.clock.Now()
	ms, err := e.store.ClaimMessages(ctx, w, now, time.Minute, 10, false)
	if err != nil || len(ms) != 3 {
		t.Fatalf("claim: got %d messages, %v; want 3", len(ms), err)
	}
	must(t, e.store.MarkMessageSent(ctx, ms[0].ID, w, now))
	must(t, e.store.MarkMessageFailed(ctx, ms[1].ID, w, "550 sending: 5.1.1 Mailbox anna.berg does not exist"))
	must(t, e.store.MarkMessageRetry(ctx, ms[2].ID, w, now.Add(time.Minute), "451 sending: greylisted, try again later"))
}

func TestOutbox(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seedOutbox(t, e)

		r := e.adminGet("/api/v1/outbox")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("list: status %d: %s", r.StatusCode, r.body)
		}
		golden(t, "outbox_list.json", r.body)

		for _, tc := range []struct {
			query string
			want  []int64
		}{
			{"", []int64{3, 2, 1}},
			{"?status=failed", []int64{2}},
			{"?status=queued", []int64{3}},
			{"?kind=justering", []int64{3}},
			{"?meeting=1", []int64{2, 1}},
			{"?meeting=1&status=sent", []int64{1}},
			{"?limit=1", []int64{3}},
		} {
			r := e.adminGet("/api/v1/outbox" + tc.query)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d: %s", tc.query, r.StatusCode, r.body)
			}
			var got []int64
			for _, it := range decode[struct{ Items []outboxItem }](t, r).Items {
				got = append(got, it.ID)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) || len(got) > 1 && got[1] != tc.want[1] {
				t.Errorf("%s: got ids %v, want %v", tc.query, got, tc.want)
			}
		}

		for _, tc := range []struct {
			method, path string
			admin        bool
			status       int
			detail       string
		}{
			{http.MethodGet, "/api/v1/outbox", false, http.StatusUnauthorized, "personal data"},
			{http.MethodGet, "/api/v1/outbox/2", false, http.StatusUnauthorized, "admin token"},
			{http.MethodPost, "/api/v1/outbox/2/retry", false, http.StatusUnauthorized, "Bearer TOKEN"},
			{http.MethodGet, "/api/v1/outbox?status=lost", true, http.StatusBadRequest, "status"},
			{http.MethodGet, "/api/v1/outbox?limit=0", true, http.StatusBadRequest, "limit"},
			{http.MethodGet, "/api/v1/outbox?meeting=x", true, http.StatusBadRequest, "meeting"},
			{http.MethodGet, "/api/v1/outbox?recipient=a", true, http.StatusBadRequest, "recipient"},
			{http.MethodGet, "/api/v1/outbox/abc", true, http.StatusBadRequest, "is not a message id"},
			{http.MethodGet, "/api/v1/outbox/999", true, http.StatusNotFound, ""},
			{http.MethodPost, "/api/v1/outbox/999/retry", true, http.StatusNotFound, ""},
			{http.MethodPost, "/api/v1/outbox/1/retry", true, http.StatusConflict, ""},
			{http.MethodPost, "/api/v1/outbox/3/retry", true, http.StatusConflict, ""},
		} {
			t.Run(tc.method+" "+tc.path, func(t *testing.T) {
				wantProblem(t, e.do(req{method: tc.method, path: tc.path, admin: tc.admin}), tc.status, tc.detail)
			})
		}

		one := decode[outboxItem](t, e.adminGet("/api/v1/outbox/2"))
		if one.Status != "failed" || one.LastError == nil || *one.LastError != "550 sending: 5.1.1 Mailbox anna.berg does not exist" {
			t.Errorf("GET /outbox/2: got %+v, want the failed message with the server's answer", one)
		}
		e.clock.Add(time.Hour)
		retried := decode[outboxItem](t, e.write(http.MethodPost, "/api/v1/outbox/2/retry", nil, http.StatusOK))
		if retried.Status != "queued" || retried.Attempts != 0 || retried.NextAttemptAt == nil ||
			*retried.NextAttemptAt != "2025-01-10T10:00:00+01:00" {
			t.Errorf("after retry: got %+v, want queued, 0 attempts, due 2025-01-10T10:00:00+01:00", retried)
		}
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/outbox/2/retry", admin: true}), http.StatusConflict)
	})
}
