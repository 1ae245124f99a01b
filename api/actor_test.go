package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestChangesNameWhoMadeThem: a change through the API records the
// person and how (a session, a named token, the admin token, a personal
// link), and the request's ID, which the response's X-Request-ID and the
// access log carry too.
func TestChangesNameWhoMadeThem(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		ctx := context.Background()
		_, err := e.store.GrantRole(ctx, calendar.Grant{Person: "maria-lindborg", Role: calendar.AccessSecretary, Body: "chefsgrupp-folkhalsa"})
		must(t, err)
		secret, _, err := e.store.CreateSession(ctx, "maria-lindborg", "link", time.Hour)
		must(t, err)
		k := &calendar.APIToken{Person: "maria-lindborg", Name: "årsplanskript", Scope: calendar.ScopeWrite, Expires: calendar.DateOf(e.clock.Now()).AddDays(10)}
		token, err := e.store.CreateAPIToken(ctx, k)
		must(t, err)

		m := f.folkhalsa[1]
		path := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		lastActor := func() calendar.Actor {
			t.Helper()
			entity := "meeting"
			cs, err := e.store.FindChanges(ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &m.ID, Limit: 1})
			must(t, err)
			return cs[0].Actor
		}
		for _, tt := range []struct {
			name, header string
			want         calendar.Actor
		}{
			{"session", "Cookie: " + sessionCookieName + "=" + secret, calendar.Actor{Person: "maria-lindborg", Name: "Maria Lindborg", Via: calendar.ViaSession}},
			{"token", "Authorization: Bearer " + token, calendar.Actor{Person: "maria-lindborg", Name: "Maria Lindborg", Via: calendar.ViaToken, Token: "årsplanskript"}},
			{"admin token", "Authorization: Bearer " + adminToken, calendar.Actor{Via: calendar.ViaAdminToken}},
		} {
			r := e.do(req{method: http.MethodPatch, path: path, body: object{"location": "Rum " + tt.name}, headers: []string{tt.header}})
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d: %s", tt.name, r.StatusCode, r.body)
			}
			tt.want.RequestID = r.Header.Get("X-Request-ID")
			if len(tt.want.RequestID) != 16 {
				t.Errorf("%s: X-Request-ID %q", tt.name, tt.want.RequestID)
			}
			if got := lastActor(); got != tt.want {
				t.Errorf("%s: recorded actor %+v, want %+v", tt.name, got, tt.want)
			}
			if !strings.Contains(e.logs.String(), "request_id="+tt.want.RequestID) {
				t.Errorf("%s: the access log does not carry the request ID", tt.name)
			}
		}

		// Through the personal anmälan link: the member is the actor.
		l := link(t, e, calendar.LinkAgenda, m, "maria-lindborg", m.Start)
		if r := e.postForm("/anmalan/"+l.Token, anmalan()); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("anmälan: status %d", r.StatusCode)
		}
		entity := "agenda_item"
		cs, err := e.store.FindChanges(ctx, calendar.ChangeFilter{Entity: &entity, Limit: 1})
		must(t, err)
		if a := cs[0].Actor; a.Person != "maria-lindborg" || a.Via != calendar.ViaLink {
			t.Errorf("anmälan recorded actor %+v, want Maria through her link", a)
		}
	})
}

// TestMembersSeeTheirRestrictedMeetingPage: the page of a meeting of a
// restricted body is not found for the public and for a member of
// another body, and shown to the body's members.
func TestMembersSeeTheirRestrictedMeetingPage(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	ctx := context.Background()
	path := fmt.Sprintf("/moten/%d", f.restricted.ID)
	anna, _, err := e.store.CreateSession(ctx, "anna-berg", "link", time.Hour) // in the working group
	must(t, err)
	must(t, e.store.CreatePerson(ctx, &calendar.Person{Key: "lena-ek", Name: "Lena Ek"}))
	lena, _, err := e.store.CreateSession(ctx, "lena-ek", "link", time.Hour) // in no body
	must(t, err)
	for _, tt := range []struct {
		who, cookie string
		want        int
	}{
		{"anonymous", "", http.StatusNotFound},
		{"a person of no body", "Cookie: " + sessionCookieName + "=" + lena, http.StatusNotFound},
		{"a member of the working group", "Cookie: " + sessionCookieName + "=" + anna, http.StatusOK},
	} {
		if r := e.get(path, tt.cookie); r.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.who, r.StatusCode, tt.want)
		}
	}
}
