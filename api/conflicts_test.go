package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

func TestConflicts(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)
		const year = "/api/v1/conflicts?from=2025-01-01&to=2025-12-31"
		before := items(t, e.adminGet(year))
		for _, c := range before {
			if c["kind"] == "person" || c["kind"] == "room" {
				t.Errorf("the example has a double booking: %v", c)
			}
		}

		// Länsdel Norr on the afternoon of Chefsgrupp folkhälsa's meeting:
		// Maria Lindborg and Ida Broman sit in both.
		m := decode[map[string]any](t, e.write(http.MethodPost, "/api/v1/meetings",
			`{"key": "lansdel-norr-2025-12-02", "bodies": ["lansdel-norr"], "start": "2025-12-02T13:00", "end": "2025-12-02T15:00", "confirm_clashes": true}`, http.StatusCreated))
		id := int64(m["id"].(float64))
		cf, err := e.store.FindMeetingByKey(t.Context(), "chefsgrupp-folkhalsa-2025-12-02")
		must(t, err)
		var people []string
		for _, c := range items(t, e.adminGet(year)) {
			if c["kind"] != "person" {
				continue
			}
			wantKeys(t, "clash", c, "kind", "day", "meetings", "person", "room", "detail")
			ids := fmt.Sprint(c["meetings"])
			if c["day"] != "2025-12-02" || ids != fmt.Sprint([]float64{float64(cf.ID), float64(id)}) || c["room"] != nil || c["detail"] == "" {
				t.Errorf("clash %v, want the two meetings of 2 December", c)
			}
			people = append(people, c["person"].(string))
		}
		if !slices.Equal(people, []string{"ida-broman", "maria-lindborg"}) {
			t.Errorf("double-booked people %v, want Ida Broman and Maria Lindborg", people)
		}
		// The day itself is enough for to: 2 December is included.
		if n := len(items(t, e.adminGet("/api/v1/conflicts?from=2025-12-02&to=2025-12-02"))); n != 2 {
			t.Errorf("%d clashes on 2025-12-02, want 2", n)
		}

		wantProblem(t, e.get(year), http.StatusUnauthorized, "only an admin may read")
		for _, tt := range []struct{ query, detail string }{
			{"?from=2025-01-01", "Query parameter to is required"},
			{"", "Query parameter from is required"},
			{"?from=2025-12-31&to=2025-01-01", "must be after from"},
			{"?from=2025-13-01&to=2025-12-31", `from="2025-13-01" must be a date`},
			{"?from=2025-01-01&to=2025-12-31&body=x", `Unknown query parameter "body"`},
			{"?from=2000-01-01&to=2025-12-31", "at most ten years"},
		} {
			wantProblem(t, e.adminGet("/api/v1/conflicts"+tt.query), http.StatusBadRequest, tt.detail)
		}
	})
}
