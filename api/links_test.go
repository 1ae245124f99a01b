package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// link makes a personal link as the mail jobs do.
func link(t testing.TB, e *env, purpose calendar.LinkPurpose, m *calendar.Meeting, person string, expires time.Time) *calendar.PersonalLink {
	t.Helper()
	l, err := e.store.EnsureLink(context.Background(), purpose, m.ID, person, expires)
	if err != nil {
		t.Fatalf("ensure %s link for %s: %v", purpose, person, err)
	}
	return l
}

// TestRevokeLinks revokes a meeting's links by purpose and then all of
// them; a revoked link's page says so.
func TestRevokeLinks(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		c := seedCouncil(t, e)
		m := f.folkhalsa[0]
		later := time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location)
		maria := link(t, e, calendar.LinkAgenda, m, "maria-lindborg", later)
		anna := link(t, e, calendar.LinkAgenda, m, "anna-berg", later)
		justering := link(t, e, calendar.LinkJustering, m, "maria-lindborg", later)
		other := link(t, e, calendar.LinkAgenda, c.meeting, "siw-lunander", later)

		path := fmt.Sprintf("/api/v1/meetings/%d/links", m.ID)
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"?purpose=anmalan", 2},
			{"?purpose=anmalan", 0}, // already revoked
			{"", 1},                 // the justering link is left
			{"?purpose=justering", 0},
		} {
			r := e.write(http.MethodDelete, path+tc.query, nil, http.StatusOK)
			wantKeys(t, "revoke answer", decode[object](t, r), "revoked")
			if got := decode[struct{ Revoked int }](t, r).Revoked; got != tc.want {
				t.Errorf("DELETE %s%s: revoked %d, want %d", path, tc.query, got, tc.want)
			}
		}
		for _, l := range []*calendar.PersonalLink{maria, anna, justering} {
			got, err := e.store.FindLinkByToken(context.Background(), l.Token)
			if err != nil || got.RevokedAt.IsZero() {
				t.Errorf("%s link of %s: revoked at %v, %v; want revoked", l.Purpose, l.Person, got.RevokedAt, err)
			}
		}
		if r := e.get("/anmalan/" + maria.Token); r.StatusCode != http.StatusGone {
			t.Errorf("the page of a revoked link: %d, want 410", r.StatusCode)
		}
		// Another meeting's link is untouched.
		if r := e.get("/anmalan/" + other.Token); r.StatusCode != http.StatusOK {
			t.Errorf("another meeting's link after the revocation: %d, want 200", r.StatusCode)
		}

		for _, tc := range []struct {
			name   string
			req    req
			status int
			detail string
		}{
			{"no token", req{method: http.MethodDelete, path: path}, 401, "Bearer TOKEN"},
			{"unknown purpose", req{method: http.MethodDelete, path: path + "?purpose=kallelse", admin: true}, 400, "anmalan, justering"},
			{"unknown parameter", req{method: http.MethodDelete, path: path + "?person=anna-berg", admin: true}, 400, `"person"`},
			{"unknown meeting", req{method: http.MethodDelete, path: "/api/v1/meetings/9999/links", admin: true}, 404, "9999"},
			{"bad id", req{method: http.MethodDelete, path: "/api/v1/meetings/x/links", admin: true}, 400, "not a meeting id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantProblem(t, e.do(tc.req), tc.status, tc.detail)
			})
		}
		if got, err := e.store.FindLinkByToken(context.Background(), other.Token); err != nil || !got.RevokedAt.IsZero() {
			t.Errorf("another meeting's link after refused revocations: revoked at %v, %v", got.RevokedAt, err)
		}
	})
}

type skippedItem struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	MeetingID *int64 `json:"meeting_id"`
	Recipient string `json:"recipient"`
	Reason    string `json:"reason"`
	CreatedAt string `json:"created_at"`
}

// TestSkippedMail lists the emails that were not sent, newest first, by
// meeting and with a limit; only for the admin.
func TestSkippedMail(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		ctx := context.Background()
		first, joint := f.folkhalsa[0], f.joint
		for _, s := range []*calendar.SkippedMail{
			{Key: fmt.Sprintf("anmalan/m%d/anna-berg/r0", first.ID), Kind: "anmalan", MeetingID: first.ID, Recipient: "anna-berg",
				Reason: "Personen saknar e-postadress."},
			{Key: fmt.Sprintf("kallelse/m%d/maria-lindborg/r0", joint.ID), Kind: "kallelse", MeetingID: joint.ID, Recipient: "maria-lindborg",
				Reason: "Mötet har redan börjat."},
			{Key: "bokning/v37/r0", Kind: "bokning", Reason: "Bokningsveckorna är över."},
		} {
			inserted, err := e.store.RecordSkipped(ctx, s)
			if err != nil || !inserted {
				t.Fatalf("record skipped %s: %v, %v", s.Key, inserted, err)
			}
			e.clock.Add(time.Minute)
		}

		r := e.adminGet("/api/v1/outbox/skipped")
		list := items(t, r)
		if len(list) != 3 {
			t.Fatalf("skipped: %d records, want 3: %s", len(list), r.body)
		}
		wantKeys(t, "skipped", list[0], "id", "key", "kind", "meeting_id", "recipient", "reason", "created_at")
		wantFields(t, "newest", list[0], object{"kind": "bokning", "meeting_id": nil, "recipient": "", "reason": "Bokningsveckorna är över.",
			"created_at": "2025-01-10T09:02:00+01:00"})
		wantFields(t, "oldest", list[2], object{"kind": "anmalan", "meeting_id": first.ID, "recipient": "anna-berg",
			"key": fmt.Sprintf("anmalan/m%d/anna-berg/r0", first.ID), "created_at": "2025-01-10T09:00:00+01:00"})

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{fmt.Sprintf("?meeting=%d", joint.ID), []string{"kallelse"}},
			{"?limit=2", []string{"bokning", "kallelse"}},
			{fmt.Sprintf("?meeting=%d&limit=1", first.ID), []string{"anmalan"}},
			{"?meeting=9999", nil},
		} {
			var got []string
			for _, s := range decode[struct{ Items []skippedItem }](t, e.adminGet("/api/v1/outbox/skipped"+tc.query)).Items {
				got = append(got, s.Kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("skipped%s: %q, want %q", tc.query, got, tc.want)
			}
		}

		for _, tc := range []struct {
			name   string
			req    req
			status int
			detail string
		}{
			{"no token", req{method: http.MethodGet, path: "/api/v1/outbox/skipped"}, 401, "admin token"},
			{"wrong token", req{method: http.MethodGet, path: "/api/v1/outbox/skipped", headers: []string{"Authorization: Bearer gissat"}}, 401, "not valid"},
			{"bad meeting", req{method: http.MethodGet, path: "/api/v1/outbox/skipped?meeting=x", admin: true}, 400, "meeting"},
			{"bad limit", req{method: http.MethodGet, path: "/api/v1/outbox/skipped?limit=0", admin: true}, 400, "limit"},
			{"unknown parameter", req{method: http.MethodGet, path: "/api/v1/outbox/skipped?kind=anmalan", admin: true}, 400, `"kind"`},
			// "skipped" is not taken for a message id by /outbox/{id}.
			{"POST is refused", req{method: http.MethodPost, path: "/api/v1/outbox/skipped", admin: true}, 405, "GET, HEAD"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantProblem(t, e.do(tc.req), tc.status, tc.detail)
			})
		}
		// The outbox's own routes still work beside it.
		if r := e.adminGet("/api/v1/outbox"); r.StatusCode != http.StatusOK {
			t.Errorf("GET /api/v1/outbox: %d", r.StatusCode)
		}
		wantProblem(t, e.adminGet("/api/v1/outbox/999"), http.StatusNotFound)
	})
}
