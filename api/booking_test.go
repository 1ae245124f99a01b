package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/examples"
)

// importRegion loads the example region, with its two booking windows of
// autumn 2025 (ids 1 and 2), into e's store, as `samkal import` does.
func importRegion(t testing.TB, e *env) {
	t.Helper()
	data, err := examples.Files.ReadFile(examples.Region)
	must(t, err)
	f, err := arsplan.Parse(examples.Region, data)
	must(t, err)
	_, err = arsplan.Apply(context.Background(), e.store, f)
	must(t, err)
}

// issueWindow is the window of the issue, exactly as it is written there.
const issueWindow = `{"name": "Länsdelsmöten hösten 2025", "weeks": ["2025-W37", "2025-W38"], "bodies": ["lansdel-norr", "lansdel-vaster"],
 "duration_minutes": 120, "weekdays": ["mon", "tue", "wed", "thu", "fri"],
 "hours": [{"from": "09:00", "to": "12:00"}, {"from": "13:00", "to": "16:30"}], "rooms": [], "deadline": "2025-06-13"}`

// windowJSON is a booking window as the API answers it.
type windowJSON struct {
	ID                 int64               `json:"id"`
	Name               string              `json:"name"`
	Weeks              []string            `json:"weeks"`
	Bodies             []string            `json:"bodies"`
	Counts             map[string]int      `json:"counts"`
	DurationMinutes    int                 `json:"duration_minutes"`
	Weekdays           []string            `json:"weekdays"`
	Hours              []map[string]string `json:"hours"`
	Rooms              []string            `json:"rooms"`
	Deadline           *string             `json:"deadline"`
	BufferMinutes      int                 `json:"buffer_minutes"`
	Blackouts          []map[string]string `json:"blackouts"`
	Attendees          map[string][]string `json:"attendees"`
	GranularityMinutes int                 `json:"granularity_minutes"`
	Booked             []struct {
		Body     string `json:"body"`
		Wanted   int    `json:"wanted"`
		Booked   bool   `json:"booked"`
		Meetings []struct {
			ID              int64  `json:"id"`
			Key             string `json:"key"`
			Start           string `json:"start"`
			Status          string `json:"status"`
			PlannedByWindow bool   `json:"planned_by_window"`
		} `json:"meetings"`
	} `json:"booked"`
	Warnings []string `json:"warnings"`
}

// planAnswer is the answer of POST /booking-windows/{id}/plan.
type planAnswer struct {
	Window      int64 `json:"window"`
	Feasible    bool  `json:"feasible"`
	Exact       bool  `json:"exact"`
	Assignments []struct {
		Body       string   `json:"body"`
		Start      string   `json:"start"`
		End        string   `json:"end"`
		Room       *string  `json:"room"`
		Score      float64  `json:"score"`
		Reasons    []string `json:"reasons"`
		Violations []string `json:"violations"`
	} `json:"assignments"`
	Conflicts []struct {
		Bodies []string `json:"bodies"`
		People []string `json:"people"`
		Rooms  []string `json:"rooms"`
		Days   []string `json:"days"`
		Reason string   `json:"reason"`
	} `json:"conflicts"`
	AlreadyBooked []struct {
		Body     string  `json:"body"`
		Meetings []int64 `json:"meetings"`
	} `json:"already_booked"`
	Warnings []string `json:"warnings"`
	Created  *[]int64 `json:"created"`
}

func TestBookingWindowCRUD(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)

		r := e.write(http.MethodPost, "/api/v1/booking-windows", issueWindow, http.StatusCreated)
		got := decode[windowJSON](t, r)
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/booking-windows/%d", got.ID) || got.ID != 3 {
			t.Errorf("Location %q for window %d, want /api/v1/booking-windows/3", loc, got.ID)
		}
		// What was written reads back as written, with the defaults.
		var sent map[string]any
		must(t, json.Unmarshal([]byte(issueWindow), &sent))
		var back map[string]any
		must(t, json.Unmarshal(r.body, &back))
		for k, v := range sent {
			if fmt.Sprint(back[k]) != fmt.Sprint(v) {
				t.Errorf("%s read back as %v, want %v", k, back[k], v)
			}
		}
		wantKeys(t, "window", back, "id", "name", "weeks", "bodies", "counts", "duration_minutes", "weekdays", "hours", "rooms",
			"deadline", "buffer_minutes", "blackouts", "attendees", "granularity_minutes", "booked", "warnings", "created_at", "updated_at")
		if got.GranularityMinutes != 15 || got.BufferMinutes != 0 || len(got.Counts) != 0 || len(got.Warnings) != 0 {
			t.Errorf("defaults: granularity %d buffer %d counts %v warnings %v", got.GranularityMinutes, got.BufferMinutes, got.Counts, got.Warnings)
		}
		if len(got.Booked) != 2 || got.Booked[0].Body != "lansdel-norr" || got.Booked[0].Booked || got.Booked[0].Wanted != 1 {
			t.Errorf("booked %+v, want both bodies unbooked", got.Booked)
		}

		// The public reads windows of public bodies, without attendees.
		pub := decode[map[string]any](t, e.get("/api/v1/booking-windows/3"))
		if _, ok := pub["attendees"]; ok {
			t.Errorf("a public read shows attendees")
		}
		if n := len(items(t, e.get("/api/v1/booking-windows"))); n != 3 {
			t.Errorf("the public sees %d windows, want 3", n)
		}

		patched := decode[windowJSON](t, e.write(http.MethodPatch, "/api/v1/booking-windows/3",
			`{"rooms": ["lokal-eken"], "counts": {"lansdel-norr": 2}, "attendees": {"lansdel-vaster": ["maria-lindborg"]},
			  "blackouts": [{"from": "2025-09-12", "to": "2025-09-12"}], "buffer_minutes": 30, "weeks": ["2025-W38", "2025-W37"]}`, http.StatusOK))
		if !slices.Equal(patched.Rooms, []string{"lokal-eken"}) || patched.Counts["lansdel-norr"] != 2 || patched.BufferMinutes != 30 ||
			!slices.Equal(patched.Attendees["lansdel-vaster"], []string{"maria-lindborg"}) || len(patched.Blackouts) != 1 ||
			!slices.Equal(patched.Weeks, []string{"2025-W37", "2025-W38"}) || patched.Name != "Länsdelsmöten hösten 2025" {
			t.Errorf("patched window: %+v", patched)
		}
		reset := decode[windowJSON](t, e.write(http.MethodPatch, "/api/v1/booking-windows/3", `{"rooms": null, "deadline": null, "counts": null}`, http.StatusOK))
		if len(reset.Rooms) != 0 || reset.Deadline != nil || len(reset.Counts) != 0 || reset.BufferMinutes != 30 {
			t.Errorf("after resetting: rooms %v deadline %v counts %v buffer %d", reset.Rooms, reset.Deadline, reset.Counts, reset.BufferMinutes)
		}

		// The record of changes knows the window.
		cs := items(t, e.adminGet("/api/v1/changes?entity=booking_window&id=3"))
		if len(cs) != 3 {
			t.Errorf("%d changes of window 3, want create and two updates", len(cs))
		}

		// Writes need the token; reads of a window that is gone are 404.
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows", body: issueWindow}), http.StatusUnauthorized, "Bearer TOKEN")
		wantProblem(t, e.do(req{method: http.MethodDelete, path: "/api/v1/booking-windows/3"}), http.StatusUnauthorized, "Bearer TOKEN")
		e.write(http.MethodDelete, "/api/v1/booking-windows/3", nil, http.StatusNoContent)
		wantProblem(t, e.get("/api/v1/booking-windows/3"), http.StatusNotFound, "booking window 3 does not exist")
		wantProblem(t, e.do(req{method: http.MethodDelete, path: "/api/v1/booking-windows/3", admin: true}), http.StatusNotFound, "does not exist")
		wantProblem(t, e.get("/api/v1/booking-windows/v37"), http.StatusBadRequest, `"v37" is not a booking window id`)
	})
}

// TestBookingWindowRestricted: a window with a restricted body is not
// shown to the public.
func TestBookingWindowRestricted(t *testing.T) {
	e := newEnv(t, nil)
	importRegion(t, e)
	e.write(http.MethodPost, "/api/v1/booking-windows", `{"name": "Arbetsgrupp", "weeks": ["2025-W10"], "bodies": ["arbetsgrupp-uppfoljningsdag-folkhalsa"],
		"duration_minutes": 60, "weekdays": ["mon"], "hours": ["09:00-12:00"]}`, http.StatusBadRequest)
	e.write(http.MethodPost, "/api/v1/booking-windows", `{"name": "Arbetsgrupp", "weeks": ["2025-W10"], "bodies": ["arbetsgrupp-uppfoljningsdag-folkhalsa"],
		"duration_minutes": 60, "weekdays": ["mon"], "hours": [{"from": "09:00", "to": "12:00"}]}`, http.StatusCreated)
	wantProblem(t, e.get("/api/v1/booking-windows/3"), http.StatusNotFound, "booking window 3 does not exist")
	if n := len(items(t, e.get("/api/v1/booking-windows"))); n != 2 {
		t.Errorf("the public sees %d windows, want the 2 of public bodies", n)
	}
	if n := len(items(t, e.adminGet("/api/v1/booking-windows"))); n != 3 {
		t.Errorf("an admin sees %d windows, want 3", n)
	}
}

func TestBookingWindowBadInput(t *testing.T) {
	e := newEnv(t, nil)
	importRegion(t, e)
	with := func(field, value string) string {
		var m map[string]json.RawMessage
		must(t, json.Unmarshal([]byte(issueWindow), &m))
		if value == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(value)
		}
		b, err := json.Marshal(m)
		must(t, err)
		return string(b)
	}
	tests := []struct {
		name, body, detail string
	}{
		{"week 54", with("weeks", `["2025-W37", "2025-W54"]`), `ISO week 2025-W54 does not exist: 2025 has weeks 1–52`},
		{"week 53 of 2025", with("weeks", `["2025-W53"]`), `ISO week 2025-W53 does not exist`},
		{"not a week", with("weeks", `["v 37"]`), `"v 37" is not an ISO week of the form YYYY-Www`},
		{"no weeks", with("weeks", `[]`), "a booking window needs at least one ISO week"},
		{"no bodies", with("bodies", `[]`), "a booking window needs at least one body"},
		{"no hours", with("hours", `[]`), "a booking window needs at least one time span in hours"},
		{"no weekdays", with("weekdays", `[]`), "a booking window needs at least one weekday"},
		{"end before start", with("hours", `[{"from": "12:00", "to": "09:00"}]`), "time span 12:00–09:00: end must be after start"},
		{"span too short", with("hours", `[{"from": "09:00", "to": "10:00"}]`), "time span 09:00–10:00 is shorter than the meeting (120 minutes)"},
		{"span without times", with("hours", `[{"start": "09:00"}]`), `Field "hours": entry 1 has no from and to`},
		{"not a clock", with("hours", `[{"from": "nio", "to": "12:00"}]`), `"nio" is not a time of day of the form HH:MM`},
		{"unknown body", with("bodies", `["lansdel-norr", "lansdel-ost"]`), `body "lansdel-ost" does not exist`},
		{"unknown room", with("rooms", `["lokal-alm"]`), `room "lokal-alm" does not exist`},
		{"unknown attendee", with("attendees", `{"lansdel-norr": ["okand"]}`), `person "okand" does not exist`},
		{"body twice", with("bodies", `["lansdel-norr", "lansdel-norr"]`), `body "lansdel-norr" is listed twice`},
		{"bad weekday", with("weekdays", `["mon", "fredag"]`), `"fredag" is not a weekday`},
		{"bad deadline", with("deadline", `"13 juni"`), `"13 juni" is not a date of the form YYYY-MM-DD`},
		{"duration as text", with("duration_minutes", `"2 timmar"`), `Field "duration_minutes" must be a whole number, not a string`},
		{"no duration", with("duration_minutes", ""), "duration_minutes must be 1–720, not 0"},
		{"no name", with("name", ""), "booking window name is required"},
		{"null name", with("name", "null"), `Field "name" must not be null`},
		{"unknown field", with("room", `"lokal-eken"`), `Unknown field "room"`},
		{"granularity", with("granularity_minutes", "7"), "granularity_minutes must divide an hour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows", body: tt.body, admin: true}), http.StatusBadRequest, tt.detail)
		})
	}
	if n := len(items(t, e.adminGet("/api/v1/booking-windows"))); n != 2 {
		t.Errorf("%d windows after refused writes, want the example's 2", n)
	}
	wantProblem(t, e.do(req{method: http.MethodPatch, path: "/api/v1/booking-windows/1", body: `{"weeks": ["2025-W54"]}`, admin: true}),
		http.StatusBadRequest, "2025-W54 does not exist")
	wantProblem(t, e.do(req{method: http.MethodPatch, path: "/api/v1/booking-windows/99", body: `{"name": "x"}`, admin: true}),
		http.StatusNotFound, "booking window 99 does not exist")
}

// TestBookingWindowRead checks the whole answer for a window of the
// example, against a golden file.
func TestBookingWindowRead(t *testing.T) {
	e := newEnv(t, nil)
	importRegion(t, e)
	e.clock.Set(time.Date(2025, 11, 28, 9, 0, 0, 0, calendar.Location)) // in week 48, after the deadline
	golden(t, "booking-window.json", e.adminGet("/api/v1/booking-windows/2").body)
}

func TestPlanWindow(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		importRegion(t, e)
		e.clock.Set(time.Date(2025, 6, 2, 9, 0, 0, 0, calendar.Location))

		// Planning needs the token; so do suggestions.
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/2/plan"}), http.StatusUnauthorized, "Bearer TOKEN")
		wantProblem(t, e.get("/api/v1/booking-windows/2/suggestions?body=lansdel-norr"), http.StatusUnauthorized, "only the body's secretaries")

		r := e.write(http.MethodPost, "/api/v1/booking-windows/2/plan", nil, http.StatusOK)
		p := decode[planAnswer](t, r)
		if !p.Feasible || !p.Exact || len(p.Assignments) != 6 || len(p.Conflicts) != 0 || p.Created != nil || p.Window != 2 {
			t.Fatalf("plan of v 48–49: %s", r.body)
		}
		var raw map[string]any
		must(t, json.Unmarshal(r.body, &raw))
		wantKeys(t, "plan", raw, "window", "feasible", "exact", "score", "assignments", "conflicts", "already_booked", "warnings")
		bodies := map[string]bool{}
		for _, a := range p.Assignments {
			bodies[a.Body] = true
			start, err1 := time.Parse(time.RFC3339, a.Start)
			end, err2 := time.Parse(time.RFC3339, a.End)
			if err1 != nil || err2 != nil || end.Sub(start) != 3*time.Hour || a.Room == nil || len(a.Violations) != 0 {
				t.Errorf("assignment %+v: want RFC 3339 times three hours apart, a room and no violations", a)
			}
			// Maria Lindborg is at Chefsgrupp folkhälsa on 2 December
			// 13.00–16.30, with 30 minutes of buffer around it.
			if a.Body != "samverkan-rf-sisu" && start.Before(time.Date(2025, 12, 2, 17, 0, 0, 0, calendar.Location)) &&
				time.Date(2025, 12, 2, 12, 30, 0, 0, calendar.Location).Before(end) {
				t.Errorf("%s at %s clashes with Chefsgrupp folkhälsa", a.Body, a.Start)
			}
		}
		if len(bodies) != 6 {
			t.Errorf("the plan places %d bodies, want all 6", len(bodies))
		}

		// Applied: six proposed meetings, which the window now knows of and
		// the feeds show as tentative.
		applied := decode[planAnswer](t, e.write(http.MethodPost, "/api/v1/booking-windows/2/plan?apply=true", nil, http.StatusOK))
		if applied.Created == nil || len(*applied.Created) != 6 {
			t.Fatalf("apply created %v, want 6 meetings", applied.Created)
		}
		w := decode[windowJSON](t, e.adminGet("/api/v1/booking-windows/2"))
		for _, b := range w.Booked {
			if !b.Booked || len(b.Meetings) != 1 || !b.Meetings[0].PlannedByWindow || b.Meetings[0].Status != "proposed" ||
				b.Meetings[0].Key != "bw2-"+b.Body+"-1" {
				t.Errorf("%s after apply: %+v, want one proposal of the window", b.Body, b)
			}
		}
		m := decode[map[string]any](t, e.adminGet(fmt.Sprintf("/api/v1/meetings/%d", (*applied.Created)[0])))
		wantFields(t, "planned meeting", m, object{"status": "proposed", "kind": "meeting"})
		// The länsdel's other meetings are confirmed, so the one tentative
		// event of its feed is the proposal.
		first := applied.Assignments[0]
		start, err := time.Parse(time.RFC3339, first.Start)
		must(t, err)
		feed := e.get("/feeds/bodies/" + first.Body + ".ics").text()
		if strings.Count(feed, "\nSTATUS:TENTATIVE") != 1 || !strings.Contains(feed, "DTSTART;TZID=Europe/Stockholm:"+start.Format("20060102T150405")) {
			t.Errorf("the feed of %s does not show the proposal at %s as tentative:\n%s", first.Body, first.Start, feed)
		}

		// Applying again replaces rather than duplicates.
		again := decode[planAnswer](t, e.write(http.MethodPost, "/api/v1/booking-windows/2/plan?apply=true", nil, http.StatusOK))
		if !slices.Equal(*again.Created, *applied.Created) {
			t.Errorf("re-applying gave meetings %v, want the same %v", *again.Created, *applied.Created)
		}
		planned := 0
		for _, m := range items(t, e.adminGet("/api/v1/meetings?from=2025-11-24&to=2025-12-07&status=proposed")) {
			if strings.HasPrefix(m["key"].(string), "bw2-") {
				planned++
			}
		}
		if planned != 6 {
			t.Errorf("%d meetings of the window after applying twice, want 6", planned)
		}

		// A confirmed meeting is a booking: that body is skipped next time.
		e.write(http.MethodPatch, fmt.Sprintf("/api/v1/meetings/%d", (*applied.Created)[0]), `{"status": "confirmed"}`, http.StatusOK)
		rest := decode[planAnswer](t, e.write(http.MethodPost, "/api/v1/booking-windows/2/plan", nil, http.StatusOK))
		if len(rest.Assignments) != 5 || len(rest.AlreadyBooked) != 1 || rest.AlreadyBooked[0].Meetings[0] != (*applied.Created)[0] {
			t.Errorf("after confirming one: %d assignments, already booked %+v", len(rest.Assignments), rest.AlreadyBooked)
		}
		if !slices.ContainsFunc(rest.Warnings, func(s string) bool { return strings.Contains(s, "is not planned again") }) {
			t.Errorf("warnings %v, want the skipped body named", rest.Warnings)
		}

		// Suggestions for one body, best first.
		sg := items(t, e.adminGet("/api/v1/booking-windows/2/suggestions?body=lansdel-vaster&limit=5"))
		if len(sg) != 5 {
			t.Fatalf("%d suggestions, want 5", len(sg))
		}
		wantKeys(t, "suggestion", sg[0], "start", "end", "room", "score", "reasons")
		for i := 1; i < len(sg); i++ {
			if sg[i]["score"].(float64) > sg[i-1]["score"].(float64) {
				t.Errorf("suggestions out of order: %v after %v", sg[i]["score"], sg[i-1]["score"])
			}
		}
		for _, tt := range []struct{ query, detail string }{
			{"", "Query parameter body is required"},
			{"?body=chefsgrupp-folkhalsa", `body "chefsgrupp-folkhalsa" is not in booking window`},
			{"?body=Lansdel", "is not a valid slug"},
			{"?body=lansdel-norr&limit=0", "limit=\"0\" must be a whole number from 1 to 200"},
			{"?body=lansdel-norr&bodies=x", `Unknown query parameter "bodies"`},
		} {
			wantProblem(t, e.adminGet("/api/v1/booking-windows/2/suggestions"+tt.query), http.StatusBadRequest, tt.detail)
		}
		wantProblem(t, e.adminGet("/api/v1/booking-windows/9/suggestions?body=lansdel-norr"), http.StatusNotFound, "booking window 9 does not exist")
		wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/2/plan?apply=yes", admin: true}), http.StatusBadRequest, `apply="yes" must be true or false`)
	})
}

// TestPlanWindowInfeasible plants a window too small for Maria Lindborg's
// five bodies: one morning. The plan says why, and applying it is refused.
func TestPlanWindowInfeasible(t *testing.T) {
	e := newEnv(t, nil)
	importRegion(t, e)
	e.write(http.MethodPatch, "/api/v1/booking-windows/1", `{"weeks": ["2025-W37"], "weekdays": ["mon"], "hours": [{"from": "09:00", "to": "12:00"}]}`, http.StatusOK)
	p := decode[planAnswer](t, e.write(http.MethodPost, "/api/v1/booking-windows/1/plan", nil, http.StatusOK))
	if p.Feasible || len(p.Conflicts) == 0 {
		t.Fatalf("a one-slot window for five bodies of one person is planned: %+v", p)
	}
	c := p.Conflicts[0]
	if len(c.Bodies) < 2 || !slices.Contains(c.People, "maria-lindborg") || len(c.Days) == 0 || c.Days[0] != "2025-09-08" || c.Reason == "" {
		t.Errorf("conflict %+v, want Maria Lindborg's bodies on 2025-09-08 with a reason", c)
	}
	violations := 0
	for _, a := range p.Assignments {
		violations += len(a.Violations)
	}
	if len(p.Assignments) != 6 || violations == 0 {
		t.Errorf("best effort plan: %d assignments with %d violations, want all six marked", len(p.Assignments), violations)
	}
	before, err := e.store.DataVersion(context.Background())
	must(t, err)
	pr := wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/1/plan?apply=true", admin: true}), http.StatusConflict,
		"the plan breaks hard rules, so nothing was written")
	if len(pr.Errors) == 0 {
		t.Errorf("the refusal lists no conflicts")
	}
	if after, _ := e.store.DataVersion(context.Background()); after != before {
		t.Errorf("a refused plan changed the store")
	}

	// A body with nobody who must attend cannot be planned.
	must(t, e.store.CreateBody(context.Background(), &calendar.Body{Slug: "gastgrupp", Name: "Gästgrupp", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}))
	must(t, e.store.CreateMembership(context.Background(), &calendar.Membership{Body: "gastgrupp", Person: "kerstin-angergard", Role: calendar.RoleGuest}))
	e.write(http.MethodPatch, "/api/v1/booking-windows/1", `{"bodies": ["lansdel-norr", "gastgrupp"]}`, http.StatusOK)
	wantProblem(t, e.do(req{method: http.MethodPost, path: "/api/v1/booking-windows/1/plan", admin: true}), http.StatusBadRequest,
		`body "gastgrupp" (Gästgrupp) has nobody who must attend`)
	wantProblem(t, e.adminGet("/api/v1/booking-windows/1/suggestions?body=gastgrupp"), http.StatusBadRequest, "has nobody who must attend")
}
