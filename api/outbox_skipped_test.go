package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestOutboxSkippedStatus: an email that no longer made sense when its turn
// came is listed with status skipped and its Swedish reason, in the outbox
// and among the skipped emails, and cannot be retried.
func TestOutboxSkippedStatus(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		ctx := context.Background()
		m := &calendar.OutboxMessage{Key: "m1/anmalan/anna-berg/r0", Kind: "anmalan", MeetingID: 1, Recipient: "anna.berg@kumla.se",
			Person: "anna-berg", Subject: "Anmäl punkter", Body: []byte("Subject: x\r\n\r\nhej\r\n")}
		if _, err := e.store.EnqueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		const reason = "för sent att skicka: sista dag för att anmäla punkter hade passerat"
		if ok, err := e.store.SkipQueuedMessage(ctx, m.ID, reason); err != nil || !ok {
			t.Fatalf("skip: %v, %v", ok, err)
		}
		items := decode[struct{ Items []outboxItem }](t, e.adminGet("/api/v1/outbox?status=skipped")).Items
		if len(items) != 1 || items[0].Status != "skipped" || items[0].LastError == nil || *items[0].LastError != reason {
			t.Fatalf("GET /outbox?status=skipped = %+v, want the skipped call with its reason", items)
		}
		r := e.adminGet("/api/v1/outbox/skipped")
		if r.StatusCode != http.StatusOK || !strings.Contains(string(r.body), reason) || !strings.Contains(string(r.body), `"recipient": "anna-berg"`) {
			t.Errorf("GET /outbox/skipped: %d %s; want the record naming anna-berg with the reason", r.StatusCode, r.body)
		}
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/outbox/1/retry", admin: true}), http.StatusConflict, "skipped")
	})
}
