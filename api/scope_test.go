package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestScopedEvents: an event written through the API with an
// organisation reaches, over HTTP, the personal feeds of that
// organisation's people only – by their own organisation, or by a
// membership in a body it hosts – while an unscoped event reaches every
// feed and the public all.ics keeps them all.
func TestScopedEvents(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		event := func(title, org string) string {
			return `{"kind":"event","title":"` + title + `","start":"2025-05-20T00:00:00+02:00","end":"2025-05-21T00:00:00+02:00",` +
				`"all_day":true,"status":"confirmed","organisation":` + org + `}`
		}
		region := decode[map[string]any](t, e.write("POST", "/api/v1/meetings", event("Regiondagen", `"region-orebro-lan"`), http.StatusCreated))
		if region["organisation"] != "region-orebro-lan" {
			t.Errorf("created event's organisation %v, want region-orebro-lan", region["organisation"])
		}
		e.write("POST", "/api/v1/meetings", event("Kumladagen", `"kumla"`), http.StatusCreated)
		// Its page says whose it is.
		if page := e.get(fmt.Sprintf("/moten/%v", region["id"])).text(); !strings.Contains(page, "<dt>Gäller</dt><dd>Region Örebro län</dd>") {
			t.Errorf("the region's event's page does not say it is the region's:\n%s", page)
		}
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/meetings", admin: true, body: event("Okänd", `"okand-kommun"`)}),
			http.StatusBadRequest, `organisation "okand-kommun" does not exist`)
		wantProblem(t, e.do(req{method: "POST", path: "/api/v1/meetings", admin: true,
			body: `{"kind":"meeting","bodies":["skolchefsgruppen"],"start":"2025-04-08T13:00:00+02:00","end":"2025-04-08T15:00:00+02:00","organisation":"kumla"}`}),
			http.StatusBadRequest)

		// Olle has no organisation of his own; he sits in chefsgrupp
		// folkhälsa, which the region hosts, but only until April.
		e.write("POST", "/api/v1/people", `{"key":"olle","name":"Olle Ek"}`, http.StatusCreated)
		until := decode[map[string]any](t, e.write("POST", "/api/v1/memberships",
			`{"body":"chefsgrupp-folkhalsa","person":"olle","role":"ledamot","until":"2025-04-30"}`, http.StatusCreated))
		e.write("POST", "/api/v1/memberships", `{"body":"skolchefsgruppen","person":"olle","role":"ledamot"}`, http.StatusCreated)
		olle, err := e.store.FindPersonByKey(context.Background(), "olle")
		must(t, err)
		events := func(token string) []string {
			t.Helper()
			c := icaltest.ParseWithICALJS(t, feed(t, e, "/feeds/people/"+token+".ics").body)
			var out []string
			for _, s := range summaries(c) {
				if s == "Uppföljningsdag" || s == "Regiondagen" || s == "Kumladagen" {
					out = append(out, s)
				}
			}
			slices.Sort(out) // two of them share a day
			return out
		}
		for _, tc := range []struct {
			who, token string
			want       []string
		}{
			{"Maria (the region's)", f.maria.FeedToken, []string{"Regiondagen", "Uppföljningsdag"}},
			{"Anna (Kumla's)", f.anna.FeedToken, []string{"Kumladagen", "Uppföljningsdag"}},
			{"Olle (no longer in a body of the region)", olle.FeedToken, []string{"Uppföljningsdag"}},
		} {
			if got := events(tc.token); !slices.Equal(got, tc.want) {
				t.Errorf("%s: events %q, want %q", tc.who, got, tc.want)
			}
		}
		all := summaries(icaltest.ParseWithICALJS(t, feed(t, e, "/feeds/all.ics").body))
		for _, s := range []string{"Uppföljningsdag", "Regiondagen", "Kumladagen"} {
			if !slices.Contains(all, s) {
				t.Errorf("all.ics lacks %q: %q", s, all)
			}
		}

		// Olle's membership runs on: the region's day is his again. Made
		// the whole installation's, Kumla's day reaches Maria too.
		e.write("PATCH", fmt.Sprintf("/api/v1/memberships/%v", until["id"]), `{"until":null}`, http.StatusOK)
		kumla, err := e.store.FindMeetings(context.Background(), calendar.MeetingFilter{Kind: ptrTo(calendar.KindEvent), Year: ptrTo(2025)})
		must(t, err)
		for _, m := range kumla {
			if m.Title == "Kumladagen" {
				got := decode[map[string]any](t, e.write("PATCH", "/api/v1/meetings/"+itoa(m.ID), `{"organisation":null}`, http.StatusOK))
				if got["organisation"] != nil {
					t.Errorf("patched organisation %v, want null", got["organisation"])
				}
			}
		}
		if got, want := events(olle.FeedToken), []string{"Kumladagen", "Regiondagen", "Uppföljningsdag"}; !slices.Equal(got, want) {
			t.Errorf("Olle after his membership runs on: %q, want %q", got, want)
		}
		if got, want := events(f.maria.FeedToken), []string{"Kumladagen", "Regiondagen", "Uppföljningsdag"}; !slices.Equal(got, want) {
			t.Errorf("Maria after Kumla's day is everyone's: %q, want %q", got, want)
		}
	})
}
