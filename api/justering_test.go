package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical/icaltest"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// Personal data of the council's people, which must never reach a page,
// a feed or a public read.
const (
	siwEmail    = "siw.lunander@hallsberg.se"
	behcetEmail = "behcet.barsom@regionorebrolan.se"
)

// protocolURL is where the council's minutes are published.
const protocolURL = "https://www.regionorebrolan.se/protokoll/specifika-samverkansradet-folkhalsa-2025-01-08.pdf"

// council is the fixture's council, as in the seed protocol of
// 2024-09-20: a specifikt samverkansråd whose minutes are justerade by a
// justerare chosen at the meeting (Siw Lunander) and the chair (Behcet
// Barsom), with Maria Lindborg as secretary, and two of its meetings
// before the tests' "now" (10 January 2025).
type council struct {
	slug       string
	meeting    *calendar.Meeting // 8 January 2025
	second     *calendar.Meeting // 9 January 2025
	chair, siw *calendar.Person
}

const councilName = "Specifika samverkansrådet för folkhälsa"

func seedCouncil(t testing.TB, e *env) *council {
	t.Helper()
	ctx := context.Background()
	s := e.store
	c := &council{
		slug:  "specifika-samverkansradet-for-folkhalsa",
		chair: &calendar.Person{Key: "behcet-barsom", Name: "Behcet Barsom", Email: behcetEmail, Organisation: "region-orebro-lan"},
		siw:   &calendar.Person{Key: "siw-lunander", Name: "Siw Lunander", Email: siwEmail, Title: "kommunalråd"},
	}
	must(t, s.CreateBody(ctx, &calendar.Body{Slug: c.slug, Name: councilName, Kind: calendar.BodySpecificCouncil,
		Visibility: calendar.Public, Organisation: "region-orebro-lan", MinutesNeedApproval: true}))
	must(t, s.CreatePerson(ctx, c.chair))
	must(t, s.CreatePerson(ctx, c.siw))
	since := calendar.Date{Year: 2024, Month: 1, Day: 1}
	for _, m := range []*calendar.Membership{
		{Body: c.slug, Person: "behcet-barsom", Role: calendar.RoleChair, From: since},
		{Body: c.slug, Person: "siw-lunander", Role: calendar.RoleMember, From: since},
		{Body: c.slug, Person: "maria-lindborg", Role: calendar.RoleSecretary, From: since},
	} {
		must(t, s.CreateMembership(ctx, m))
	}
	meet := func(day int) *calendar.Meeting {
		m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{c.slug}, Status: calendar.StatusConfirmed, Room: "lokal-eken",
			Start: time.Date(2025, 1, day, 9, 0, 0, 0, calendar.Location), End: time.Date(2025, 1, day, 12, 0, 0, 0, calendar.Location)}
		must(t, s.CreateMeeting(ctx, m))
		return m
	}
	c.meeting, c.second = meet(8), meet(9)
	return c
}

type justeringDoc struct {
	MeetingID   int64   `json:"meeting_id"`
	DocumentURL string  `json:"document_url"`
	Deadline    *string `json:"deadline"`
	ReadyAt     string  `json:"ready_at"`
	ApprovedOn  *string `json:"approved_on"`
	Status      string  `json:"status"`
	Approvals   []struct {
		Person     string  `json:"person"`
		Role       string  `json:"role"`
		ApprovedAt *string `json:"approved_at"`
	} `json:"approvals"`
}

// approvals renders the approvals as "person role approved-at" lines.
func (j justeringDoc) approvals() string {
	var out []string
	for _, a := range j.Approvals {
		at := "-"
		if a.ApprovedAt != nil {
			at = *a.ApprovedAt
		}
		out = append(out, a.Person+" "+a.Role+" "+at)
	}
	return strings.Join(out, ", ")
}

func justeringURL(m *calendar.Meeting) string {
	return fmt.Sprintf("/api/v1/meetings/%d/justering", m.ID)
}

// TestJusteringAPI marks minutes ready, reads the justering, sees the
// status in the meeting's JSON (single and list, public and admin), and
// follows the approvals to "Justerat den … via e-post".
func TestJusteringAPI(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open, func(o *api.Options) { o.JusteringDeadlineDays = 10 })
		seed(t, e)
		c := seedCouncil(t, e)
		ctx := context.Background()

		r := e.write(http.MethodPost, justeringURL(c.meeting), object{"justerare": []string{"siw-lunander"}, "document_url": protocolURL}, http.StatusCreated)
		if loc := r.Header.Get("Location"); loc != justeringURL(c.meeting) {
			t.Errorf("Location %q, want %q", loc, justeringURL(c.meeting))
		}
		wantKeys(t, "justering", decode[object](t, r), "meeting_id", "document_url", "deadline", "ready_at", "approved_on", "status", "approvals")
		j := decode[justeringDoc](t, r)
		// The chair is found from the council's memberships; the deadline
		// is the meeting's day plus Options.JusteringDeadlineDays (10).
		if j.MeetingID != c.meeting.ID || j.DocumentURL != protocolURL || j.Deadline == nil || *j.Deadline != "2025-01-18" ||
			j.ReadyAt != "2025-01-10T09:00:00+01:00" || j.ApprovedOn != nil ||
			j.Status != "Protokollet väntar på justering (2 underskrifter saknas)" ||
			j.approvals() != "siw-lunander justerare -, behcet-barsom ordforande -" {
			t.Errorf("marked: %+v (approvals %s)", j, j.approvals())
		}
		if got, want := decode[object](t, e.adminGet(justeringURL(c.meeting))), decode[object](t, r); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("read after mark:\n%v\nwant\n%v", got, want)
		}
		meetingPath := fmt.Sprintf("/api/v1/meetings/%d", c.meeting.ID)
		pending := object{"status": "Protokollet väntar på justering (2 underskrifter saknas)", "approved_on": nil}
		for _, m := range []object{decode[object](t, e.get(meetingPath)), decode[object](t, e.adminGet(meetingPath))} {
			if fmt.Sprint(m["justering"]) != fmt.Sprint(pending) {
				t.Errorf("meeting justering %v, want %v", m["justering"], pending)
			}
		}

		// Approvals come through the personal pages; here straight from
		// the store, one on the 10th and the chair's on the 11th.
		_, changed, err := e.store.ApproveMinutes(ctx, c.meeting.ID, "siw-lunander", time.Date(2025, 1, 10, 10, 30, 0, 0, calendar.Location))
		if err != nil || !changed {
			t.Fatalf("approve: changed %v, %v", changed, err)
		}
		half := decode[justeringDoc](t, e.adminGet(justeringURL(c.meeting)))
		if half.Status != "Protokollet väntar på justering (1 underskrift saknas)" || half.ApprovedOn != nil ||
			half.approvals() != "siw-lunander justerare 2025-01-10T10:30:00+01:00, behcet-barsom ordforande -" {
			t.Errorf("after one approval: %+v (%s)", half, half.approvals())
		}
		_, _, err = e.store.ApproveMinutes(ctx, c.meeting.ID, "behcet-barsom", time.Date(2025, 1, 11, 8, 15, 0, 0, calendar.Location))
		must(t, err)
		done := decode[justeringDoc](t, e.adminGet(justeringURL(c.meeting)))
		if done.Status != "Justerat den 2025-01-11 via e-post" || done.ApprovedOn == nil || *done.ApprovedOn != "2025-01-11" {
			t.Errorf("after both approvals: %+v", done)
		}
		approved := fmt.Sprint(object{"status": "Justerat den 2025-01-11 via e-post", "approved_on": "2025-01-11"})
		if m := decode[object](t, e.get(meetingPath)); fmt.Sprint(m["justering"]) != approved {
			t.Errorf("public meeting justering %v, want %v", m["justering"], approved)
		}
		// Lists carry it too, for this meeting only.
		for _, path := range []string{"/api/v1/meetings", "/api/v1/meetings?body=" + c.slug} {
			seen := false
			for _, m := range items(t, e.adminGet(path)) {
				got := fmt.Sprint(m["justering"])
				switch {
				case fmt.Sprint(m["id"]) == fmt.Sprint(c.meeting.ID):
					seen = true
					if got != approved {
						t.Errorf("%s: meeting %v justering %s, want %s", path, m["id"], got, approved)
					}
				case m["justering"] != nil:
					t.Errorf("%s: meeting %v has justering %s, want null", path, m["id"], got)
				}
			}
			if !seen {
				t.Errorf("%s lacks the council's meeting", path)
			}
		}

		// Once approved, the marking stands.
		wantProblem(t, e.do(req{method: http.MethodPost, path: justeringURL(c.meeting), admin: true,
			body: object{"justerare": []string{"maria-lindborg"}, "document_url": protocolURL}}), http.StatusConflict, "already approved")

		// The record of changes has the justering's writes.
		if n := len(items(t, e.adminGet(fmt.Sprintf("/api/v1/changes?entity=justering&id=%d", c.meeting.ID)))); n != 3 {
			t.Errorf("changes of the justering: %d, want 3 (marked, two approvals)", n)
		}
	})
}

// TestJusteringChair: without "chair" the chair is the one ordförande of
// the meeting's councils on its day; with several, or none, there is no
// chair unless the secretary names one; "chair": null means none.
func TestJusteringChair(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	c := seedCouncil(t, e)
	ctx := context.Background()
	// A second council with its own chair, Anna Berg, and a joint meeting
	// of both councils on 9 January; the management group's meeting of
	// the 21st has no council at all.
	must(t, e.store.CreateBody(ctx, &calendar.Body{Slug: "regionala-samverkansradet", Name: "Regionala samverkansrådet",
		Kind: calendar.BodyRegionalCouncil, Visibility: calendar.Public, MinutesNeedApproval: true}))
	must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: "regionala-samverkansradet", Person: "anna-berg", Role: calendar.RoleChair}))
	bodies := []string{c.slug, "regionala-samverkansradet"}
	_, err := e.store.UpdateMeeting(ctx, c.second.ID, calendar.MeetingUpdate{Bodies: &bodies})
	must(t, err)
	// A chair whose term has not begun on the meeting's day does not
	// count: Maria Lindborg becomes chair too, from February.
	must(t, e.store.CreateMembership(ctx, &calendar.Membership{Body: c.slug, Person: "maria-lindborg", Role: calendar.RoleChair,
		From: calendar.Date{Year: 2025, Month: 2, Day: 1}}))

	for _, tc := range []struct {
		name      string
		meeting   *calendar.Meeting
		body      string
		approvals string
	}{
		{"one chair on the day", c.meeting, `{"justerare":["siw-lunander"],"document_url":"` + protocolURL + `"}`,
			"siw-lunander justerare -, behcet-barsom ordforande -"},
		{"named chair", c.meeting, `{"justerare":["siw-lunander"],"chair":"anna-berg","document_url":"` + protocolURL + `"}`,
			"siw-lunander justerare -, anna-berg ordforande -"},
		{"no chair", c.meeting, `{"justerare":["siw-lunander"],"chair":null,"document_url":"` + protocolURL + `"}`,
			"siw-lunander justerare -"},
		{"chair who is also justerare approves once", c.meeting, `{"justerare":["behcet-barsom","siw-lunander"],"document_url":"` + protocolURL + `"}`,
			"behcet-barsom justerare -, siw-lunander justerare -"},
		{"two councils, two chairs", c.second, `{"justerare":["siw-lunander"],"document_url":"` + protocolURL + `"}`,
			"siw-lunander justerare -"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := decode[justeringDoc](t, e.write(http.MethodPost, justeringURL(tc.meeting), tc.body, http.StatusCreated))
			if got := j.approvals(); got != tc.approvals {
				t.Errorf("approvals %q, want %q", got, tc.approvals)
			}
			// The default deadline: the meeting's day plus 14 days.
			if want := calendar.DateOf(tc.meeting.Start).AddDays(14).String(); j.Deadline == nil || *j.Deadline != want {
				t.Errorf("deadline %v, want %s", j.Deadline, want)
			}
		})
	}
}

// TestJusteringErrors: every refusal of the justering API, and nothing is
// stored by any of them.
func TestJusteringErrors(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	c := seedCouncil(t, e)
	path := justeringURL(c.meeting)
	good := `"document_url":"` + protocolURL + `"`
	for _, tc := range []struct {
		name   string
		req    req
		status int
		detail []string
	}{
		{"no token: mark", req{method: "POST", path: path, body: `{"justerare":["siw-lunander"],` + good + `}`}, 401, []string{"Bearer TOKEN"}},
		{"no token: read", req{method: "GET", path: path}, 401, []string{"admin token"}},
		{"wrong token: read", req{method: "GET", path: path, headers: []string{"Authorization: Bearer gissat"}}, 401, []string{"not valid"}},
		{"unknown meeting: mark", req{method: "POST", path: "/api/v1/meetings/9999/justering", admin: true, body: `{"justerare":["siw-lunander"],` + good + `}`},
			404, []string{"9999"}},
		{"unknown meeting: read", req{method: "GET", path: "/api/v1/meetings/9999/justering", admin: true}, 404, []string{"9999"}},
		{"never marked", req{method: "GET", path: path, admin: true}, 404, nil},
		{"bad meeting id", req{method: "GET", path: "/api/v1/meetings/tre/justering", admin: true}, 400, []string{`"tre" is not a meeting id`}},
		{"no justerare", req{method: "POST", path: path, admin: true, body: `{` + good + `}`}, 400, []string{"at least one justerare"}},
		{"justerare not an array", req{method: "POST", path: path, admin: true, body: `{"justerare":"siw-lunander",` + good + `}`},
			400, []string{`Field "justerare" must be an array`}},
		{"no document", req{method: "POST", path: path, admin: true, body: `{"justerare":["siw-lunander"]}`}, 400, []string{"document_url"}},
		{"javascript document", req{method: "POST", path: path, admin: true, body: `{"justerare":["siw-lunander"],"document_url":"javascript:alert(1)"}`},
			400, []string{"not an http(s) link"}},
		{"unknown person", req{method: "POST", path: path, admin: true, body: `{"justerare":["ingen-alls"],` + good + `}`},
			400, []string{`"ingen-alls" is not a person`}},
		{"bad deadline", req{method: "POST", path: path, admin: true, body: `{"justerare":["siw-lunander"],"deadline":"2025-02-30",` + good + `}`},
			400, []string{`Field "deadline"`}},
		{"deadline before the meeting", req{method: "POST", path: path, admin: true, body: `{"justerare":["siw-lunander"],"deadline":"2025-01-01",` + good + `}`},
			400, []string{"before the meeting"}},
		{"unknown field", req{method: "POST", path: path, admin: true, body: `{"justerare":["siw-lunander"],"justerat":true,` + good + `}`},
			400, []string{`Unknown field "justerat"`}},
		{"notes need no approval", req{method: "POST", path: justeringURL(f.folkhalsa[0]), admin: true, body: `{"justerare":["maria-lindborg"],` + good + `}`},
			400, []string{"need no approval"}},
		{"query parameter", req{method: "POST", path: path + "?force=1", admin: true, body: `{"justerare":["siw-lunander"],` + good + `}`},
			400, []string{`Unknown query parameter "force"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.do(tc.req), tc.status, tc.detail...)
		})
	}
	wantProblem(t, e.adminGet(path), http.StatusNotFound)
	if m := decode[object](t, e.get(fmt.Sprintf("/api/v1/meetings/%d", c.meeting.ID))); m["justering"] != nil {
		t.Errorf("meeting justering %v after refused marks, want null", m["justering"])
	}
}

// TestJusteringInFeeds: once the minutes are approved, the meeting's
// DESCRIPTION in every feed that carries it says "Justerat den … via
// e-post"; before that it says nothing about the minutes.
func TestJusteringInFeeds(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		c := seedCouncil(t, e)
		paths := []string{"/feeds/all.ics", "/feeds/bodies/" + c.slug + ".ics", "/feeds/people/" + c.chair.FeedToken + ".ics"}
		descriptions := func() map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, p := range paths {
				for _, ev := range icaltest.ParseWithICALJS(t, feed(t, e, p).body).Events {
					if strings.HasSuffix(ev.URL, fmt.Sprintf("/moten/%d", c.meeting.ID)) {
						out[p] = ev.Description
					}
				}
				if _, ok := out[p]; !ok {
					t.Fatalf("%s lacks the council's meeting", p)
				}
			}
			return out
		}
		for p, d := range descriptions() {
			if strings.Contains(d, "Justerat") || strings.Contains(d, "justering") {
				t.Errorf("%s: description before any justering: %q", p, d)
			}
		}

		e.write(http.MethodPost, justeringURL(c.meeting), object{"justerare": []string{"siw-lunander"}, "document_url": protocolURL}, http.StatusCreated)
		ctx := context.Background()
		_, _, err := e.store.ApproveMinutes(ctx, c.meeting.ID, "siw-lunander", time.Date(2025, 1, 10, 10, 0, 0, 0, calendar.Location))
		must(t, err)
		e.clock.Add(2 * time.Second) // past FeedVersionCheck: the approval came past this Server
		for p, d := range descriptions() {
			if strings.Contains(d, "Justerat") {
				t.Errorf("%s: description says justerat with an approval missing: %q", p, d)
			}
		}

		_, _, err = e.store.ApproveMinutes(ctx, c.meeting.ID, "behcet-barsom", time.Date(2025, 1, 13, 16, 0, 0, 0, calendar.Location))
		must(t, err)
		e.clock.Add(2 * time.Second)
		for p, d := range descriptions() {
			if !strings.Contains(d, "\nJusterat den 2025-01-13 via e-post") {
				t.Errorf("%s: description %q lacks the line Justerat den 2025-01-13 via e-post", p, d)
			}
			for _, secret := range []string{siwEmail, behcetEmail, "Siw Lunander"} {
				if strings.Contains(d, secret) {
					t.Errorf("%s: description shows %q", p, secret)
				}
			}
		}
		// The other meeting of the council has no justering.
		for _, ev := range icaltest.ParseWithICALJS(t, feed(t, e, paths[1]).body).Events {
			if strings.HasSuffix(ev.URL, fmt.Sprintf("/moten/%d", c.second.ID)) && strings.Contains(ev.Description, "Justerat") {
				t.Errorf("the meeting of 9 January says %q", ev.Description)
			}
		}
	})
}
