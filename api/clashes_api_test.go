package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestMeetingClashesAPI: the JSON API warns of the same clashes as the
// pages, with 409 and nothing saved, until "confirm_clashes": true; the
// choice is in the record of changes.
func TestMeetingClashesAPI(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		body := map[string]any{"kind": "meeting", "bodies": []string{"chefsgrupp-folkhalsa"}, "start": "2025-06-06T10:00", "end": "2025-06-06T12:00"}
		r := e.do(req{method: "POST", path: "/api/v1/meetings", body: body, admin: true})
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), "Sveriges nationaldag") || !strings.Contains(r.text(), "confirm_clashes") {
			t.Fatalf("a meeting on a holiday: %d %s", r.StatusCode, r.body)
		}
		body["confirm_clashes"] = true
		r = e.do(req{method: "POST", path: "/api/v1/meetings", body: body, admin: true})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("confirmed: %d %s", r.StatusCode, r.body)
		}
		id := int64(decode[object](t, r)["id"].(float64))
		entity := "meeting"
		cs, err := e.store.FindChanges(context.Background(), calendar.ChangeFilter{Entity: &entity, EntityID: &id})
		must(t, err)
		if len(cs) != 1 || !strings.Contains(cs[0].Fields[calendar.ClashesConfirmedField].New, "nationaldag") {
			t.Errorf("the record of changes: %+v", cs)
		}
		// A move onto another meeting's time, with Maria in both bodies'
		// meetings? She is contact person of folkhälsa and member of social
		// välfärd: the joint meeting takes her from both. Move a folkhälsa
		// meeting onto the joint one.
		path := fmt.Sprintf("/api/v1/meetings/%d", f.folkhalsa[5].ID)
		move := map[string]any{"start": "2025-11-14T13:00", "end": "2025-11-14T16:30", "room": ""}
		r = e.do(req{method: "PATCH", path: path, body: move, admin: true})
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), "Maria Lindborg är redan kallad till Gemensamt möte för chefsgrupperna") {
			t.Errorf("a move onto Maria's other meeting: %d %s", r.StatusCode, r.body)
		}
		// A title alone is never checked.
		if r := e.do(req{method: "PATCH", path: path, body: map[string]any{"title": "Decembermötet"}, admin: true}); r.StatusCode != http.StatusOK {
			t.Errorf("a new title: %d %s", r.StatusCode, r.body)
		}
	})
}
