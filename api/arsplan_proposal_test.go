package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

type proposalAnswer struct {
	Body      string `json:"body"`
	Year      int    `json:"year"`
	Proposals []struct {
		Start    string   `json:"start"`
		End      string   `json:"end"`
		Room     *string  `json:"room"`
		Moved    bool     `json:"moved"`
		Original string   `json:"original"`
		Reasons  []string `json:"reasons"`
	} `json:"proposals"`
	Created  *[]int64 `json:"created"`
	Existing *[]int64 `json:"existing"`
}

func TestArsplanProposal(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)
		const path = "/api/v1/bodies/chefsgrupp-folkhalsa/arsplan-proposal"

		// Copying 2025 to 2026: the same ISO week and weekday, the same
		// time and room.
		p := decode[proposalAnswer](t, e.write(http.MethodPost, path+"?year=2026", `{"copy_year": 2025}`, http.StatusOK))
		if p.Body != "chefsgrupp-folkhalsa" || p.Year != 2026 || len(p.Proposals) != 6 || p.Created != nil {
			t.Fatalf("proposal: %+v", p)
		}
		var starts []string
		for _, x := range p.Proposals {
			starts = append(starts, x.Start)
		}
		want := []string{"2026-01-20T13:00:00+01:00", "2026-03-19T13:00:00+01:00", "2026-05-21T13:00:00+02:00",
			"2026-08-19T13:00:00+02:00", "2026-10-22T13:00:00+02:00", "2026-12-01T13:00:00+01:00"}
		if !slices.Equal(starts, want) || p.Proposals[0].Room == nil || *p.Proposals[0].Room != "lansstyrelsen" || p.Proposals[1].Room != nil {
			t.Errorf("copied starts %v (first room %v), want %v with the first at Länsstyrelsen", starts, p.Proposals[0].Room, want)
		}

		// A rule that lands on Kristi himmelsfärdsdag (Thursday 14 May
		// 2026) is moved, and says why.
		h := decode[proposalAnswer](t, e.write(http.MethodPost, path+"?year=2026",
			`{"rrule": "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=14", "start": "13:00", "duration_minutes": 210}`, http.StatusOK))
		if len(h.Proposals) != 1 || !h.Proposals[0].Moved || h.Proposals[0].Original != "2026-05-14T13:00:00+02:00" ||
			len(h.Proposals[0].Reasons) == 0 || !strings.HasPrefix(h.Proposals[0].Reasons[0], "Kristi himmelsfärdsdag") {
			t.Errorf("proposal on a holiday: %+v, want it moved with the holiday named", h.Proposals)
		}
		if n := len(items(t, e.adminGet("/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2026"))); n != 0 {
			t.Errorf("a proposal without apply wrote %d meetings", n)
		}

		// Applied: proposed meetings keyed by body and day; applying again
		// finds them and writes nothing.
		a := decode[proposalAnswer](t, e.write(http.MethodPost, path+"?year=2026&apply=true", `{"copy_year": 2025}`, http.StatusOK))
		if a.Created == nil || len(*a.Created) != 6 || len(*a.Existing) != 0 {
			t.Fatalf("apply: created %v existing %v", a.Created, a.Existing)
		}
		ms := items(t, e.adminGet("/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2026"))
		if len(ms) != 6 || ms[0]["status"] != "proposed" || !strings.HasPrefix(ms[0]["key"].(string), "chefsgrupp-folkhalsa-2026-") {
			t.Errorf("stored 2026 meetings: %v", ms)
		}
		b := decode[proposalAnswer](t, e.write(http.MethodPost, path+"?year=2026&apply=true", `{"copy_year": 2025}`, http.StatusOK))
		if len(*b.Created) != 0 || !slices.Equal(*b.Existing, *a.Created) {
			t.Errorf("applying again: created %v existing %v, want none and %v", *b.Created, *b.Existing, *a.Created)
		}

		// Six a year on Thursdays at 13.00, three and a half hours.
		q := decode[proposalAnswer](t, e.write(http.MethodPost, "/api/v1/bodies/lansdel-norr/arsplan-proposal?year=2027",
			`{"per_year": 6, "weekday": "thu", "start": "13:00", "duration_minutes": 210, "excluded_weeks": [27, 28, 29, 30, 31, 32], "room": "lokal-eken"}`, http.StatusOK))
		if len(q.Proposals) != 6 || q.Proposals[0].Room == nil || *q.Proposals[0].Room != "lokal-eken" {
			t.Errorf("per year: %+v", q)
		}

		for _, tt := range []struct {
			path, body string
			status     int
			detail     string
		}{
			{path, `{"copy_year": 2025}`, http.StatusBadRequest, "Query parameter year is required"},
			{path + "?year=1999", `{"copy_year": 2025}`, http.StatusBadRequest, "year=\"1999\" must be a whole number from 2000 to 2100"},
			{path + "?year=2026&apply=ja", `{"copy_year": 2025}`, http.StatusBadRequest, `apply="ja" must be true or false`},
			{path + "?year=2026", `{}`, http.StatusBadRequest, "copy_year"},
			{path + "?year=2026", `{"copy_year": 2025, "rrule": "FREQ=MONTHLY"}`, http.StatusBadRequest, "copy_year"},
			{path + "?year=2026", `{"per_year": 6, "weekday": "fredag", "start": "13:00", "duration_minutes": 60}`, http.StatusBadRequest, `"fredag" is not a weekday`},
			{path + "?year=2026", `{"per_year": 6, "weekday": "thu", "start": "25:00", "duration_minutes": 60}`, http.StatusBadRequest, `"25:00" is not a time of day`},
			{path + "?year=2026", `{"rrule": "FREQ=SOMETIMES", "start": "13:00", "duration_minutes": 60}`, http.StatusBadRequest, "rrule"},
			{path + "?year=2026", `{"copy_year": 2025, "room": "lokal-alm"}`, http.StatusBadRequest, `room "lokal-alm"`},
			{path + "?year=2026", `{"copy_yaer": 2025}`, http.StatusBadRequest, `Unknown field "copy_yaer"`},
			{"/api/v1/bodies/lansdel-ost/arsplan-proposal?year=2026", `{"copy_year": 2025}`, http.StatusNotFound, `body "lansdel-ost" does not exist`},
		} {
			wantProblem(t, e.do(req{method: http.MethodPost, path: tt.path, body: tt.body, admin: true}), tt.status, tt.detail)
		}
		wantProblem(t, e.do(req{method: http.MethodPost, path: path + "?year=2026", body: `{"copy_year": 2025}`}), http.StatusUnauthorized, "Bearer TOKEN")
	})
}

// TestArsplanProposalLeavesNothingOutSilently: copy_year copies each
// meeting's online link, and a cancelled meeting as a proposal that says
// so; the answer lists what it left out (here an all-day meeting) with the
// reason.
func TestArsplanProposalLeavesNothingOutSilently(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)
		ms := items(t, e.adminGet("/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2025&kind=meeting"))
		if len(ms) != 6 {
			t.Fatalf("%d meetings of Chefsgrupp folkhälsa in 2025, want the example's 6", len(ms))
		}
		meeting := func(m object) string { return fmt.Sprintf("/api/v1/meetings/%v", m["id"]) }
		e.write(http.MethodPatch, meeting(ms[2]), object{"status": "cancelled"}, http.StatusOK)
		e.write(http.MethodPatch, meeting(ms[3]), object{"online_url": "https://teams.example.se/l/folkhalsa"}, http.StatusOK)
		day := decode[object](t, e.write(http.MethodPost, "/api/v1/meetings", object{"bodies": []string{"chefsgrupp-folkhalsa"},
			"title": "Planeringsdag", "start": "2025-11-06", "end": "2025-11-07", "all_day": true, "status": "confirmed"}, http.StatusCreated))

		type answer struct {
			Proposals []struct {
				Start      string   `json:"start"`
				OnlineURL  string   `json:"online_url"`
				CopiedFrom *float64 `json:"copied_from"`
				Reasons    []string `json:"reasons"`
			} `json:"proposals"`
			LeftOut []struct {
				Meeting float64 `json:"meeting"`
				AllDay  bool    `json:"all_day"`
				Reason  string  `json:"reason"`
			} `json:"left_out"`
		}
		a := decode[answer](t, e.write(http.MethodPost, "/api/v1/bodies/chefsgrupp-folkhalsa/arsplan-proposal?year=2026&apply=true",
			`{"copy_year": 2025}`, http.StatusOK))
		if len(a.Proposals) != 6 {
			t.Fatalf("%d proposals, want 6 (the cancelled meeting copied)", len(a.Proposals))
		}
		may := a.Proposals[2]
		if may.Start != "2026-05-21T13:00:00+02:00" || len(may.Reasons) != 1 || !strings.Contains(may.Reasons[0], "var inställt") {
			t.Errorf("the copy of the cancelled 22 May: %+v, want 21 May 2026 with a reason saying it was cancelled", may)
		}
		if aug := a.Proposals[3]; aug.OnlineURL != "https://teams.example.se/l/folkhalsa" || aug.CopiedFrom == nil || *aug.CopiedFrom != ms[3]["id"] {
			t.Errorf("the copy of 20 August: %+v, want its online link and copied_from %v", aug, ms[3]["id"])
		}
		if len(a.LeftOut) != 1 || a.LeftOut[0].Meeting != day["id"] || !a.LeftOut[0].AllDay || !strings.Contains(a.LeftOut[0].Reason, "heldag") {
			t.Errorf("left_out = %+v, want the all-day Planeringsdag with the reason", a.LeftOut)
		}
		stored := items(t, e.adminGet("/api/v1/meetings?body=chefsgrupp-folkhalsa&year=2026"))
		if len(stored) != 6 || stored[3]["online_url"] != "https://teams.example.se/l/folkhalsa" {
			t.Errorf("stored 2026 meetings: %d, the fourth with online_url %v; want 6 and the link", len(stored), stored[3]["online_url"])
		}
	})
}
