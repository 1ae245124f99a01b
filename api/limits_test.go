package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestInputLimits sends what the outputs (email headers, iCalendar, a
// terminal, a PostgreSQL column) cannot carry, in every kind of field, and
// checks that each is refused at the door with 400 and a detail naming the
// field and what is wrong – never a 500, and the same on both engines.
// Before the text rules, NUL bytes and a capacity of 2^31 gave 500 on
// PostgreSQL, and U+2028, ESC, U+202E, a 1 MB location and year 0 were
// stored.
func TestInputLimits(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		f := seed(t, e)
		m := f.folkhalsa[2]
		meeting := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		item := e.write("POST", meeting+"/agenda", map[string]any{"title": "Lägesrapport"}, http.StatusCreated)
		itemID := decode[struct{ ID int64 }](t, item).ID
		newMeeting := func(k, v string) map[string]any {
			return map[string]any{"bodies": []string{"skolchefsgruppen"}, "start": "2025-06-03T13:00", "end": "2025-06-03T14:00", k: v}
		}
		megabyte := strings.Repeat("Eklundavägen ", 1_000_000/len("Eklundavägen "))

		tests := []struct {
			name         string
			method, path string
			body         any
			want         []string // parts of the detail
		}{
			// NUL: 500 on PostgreSQL before.
			{"NUL in an organisation name", "POST", "/api/v1/organisations",
				map[string]any{"slug": "nul", "name": "Nul\x00kommun", "kind": "municipality"}, []string{"organisation name", "U+0000", "position 4"}},
			{"NUL in a person's name", "POST", "/api/v1/people", map[string]any{"key": "nul", "name": "Nul\x00"}, []string{"person name", "U+0000"}},
			{"NUL in a phone number", "PATCH", "/api/v1/people/maria-lindborg", map[string]any{"phone": "070\x00"}, []string{"phone", "U+0000"}},
			{"NUL in a person's title", "PATCH", "/api/v1/people/maria-lindborg", map[string]any{"title": "chef\x00"}, []string{"title", "U+0000"}},
			{"NUL in a body's description", "PATCH", "/api/v1/bodies/skolchefsgruppen", map[string]any{"description": "a\x00b"}, []string{"description", "U+0000"}},
			{"NUL in a room's address", "POST", "/api/v1/rooms",
				map[string]any{"slug": "lokal-nul", "name": "Lokal Nul", "address": "Gatan 1\x00"}, []string{"room address", "U+0000"}},
			{"NUL in a meeting's title", "POST", "/api/v1/meetings", newMeeting("title", "Möte\x00"), []string{"title", "U+0000"}},
			{"NUL in a meeting's notes", "PATCH", meeting, map[string]any{"notes": "Internt\x00"}, []string{"notes", "U+0000"}},
			{"NUL in a meeting's location", "PATCH", meeting, map[string]any{"location": "\x00"}, []string{"location", "U+0000"}},
			{"NUL in a booking window's name", "POST", "/api/v1/booking-windows",
				map[string]any{"name": "Höst\x00", "weeks": []string{"2025-W37"}, "bodies": []string{"skolchefsgruppen"}, "duration_minutes": 60,
					"weekdays": []string{"tue"}, "hours": []map[string]string{{"from": "09:00", "to": "16:00"}}}, []string{"booking window name", "U+0000"}},
			{"NUL in an agenda item's title", "PATCH", fmt.Sprintf("/api/v1/agenda-items/%d", itemID), map[string]any{"title": "a\x00"}, []string{"title", "U+0000"}},
			{"NUL in a sub-point", "PATCH", fmt.Sprintf("/api/v1/agenda-items/%d", itemID), map[string]any{"sub_points": []string{"ok", "b\x00"}}, []string{"sub-point 2", "U+0000"}},
			{"NUL in a backlog item's notes", "POST", "/api/v1/bodies/skolchefsgruppen/backlog", map[string]any{"title": "Tema", "notes": "\x00"}, []string{"notes", "U+0000"}},

			// What breaks email, a terminal or the start page.
			{"line separator in a person's name", "PATCH", "/api/v1/people/maria-lindborg", map[string]any{"name": "Maria\u2028Lindborg"},
				[]string{"person name", "line separator (U+2028)", "position 6"}},
			{"ESC in a title", "POST", "/api/v1/meetings", newMeeting("title", "Möte \x1b[31mröd"), []string{"title", "control character (U+001B)", "position 6"}},
			{"bidi override in a title", "POST", "/api/v1/meetings", newMeeting("title", "Möte \u202eetöm"), []string{"title", "U+202E"}},
			{"C1 control in a room name", "PATCH", "/api/v1/rooms/lokal-eken", map[string]any{"name": "Lokal\u0085Eken"}, []string{"room name", "U+0085"}},
			{"bidi isolate in an online link", "PATCH", meeting, map[string]any{"online_url": "https://meet.example.se/\u2067exe.gnp"}, []string{"online_url", "U+2067"}},
			{"bidi override in the minutes' link", "POST", meeting + "/justering",
				map[string]any{"justerare": []string{"maria-lindborg"}, "document_url": "https://example.se/\u202efdp.exe"}, []string{"document_url", "U+202E"}},
			{"noncharacter in a description", "PATCH", "/api/v1/bodies/skolchefsgruppen", map[string]any{"description": "a\uffffb"}, []string{"description", "U+FFFF"}},

			// Lengths and ranges.
			{"1 MB location", "PATCH", meeting, map[string]any{"location": megabyte},
				[]string{"location is " + fmt.Sprint(len([]rune(megabyte))) + " characters", "at most 500"}},
			{"capacity past the column", "POST", "/api/v1/rooms",
				map[string]any{"slug": "lokal-stor", "name": "Lokal Stor", "capacity": 2147483648}, []string{"room capacity", "2147483648", "0 to 100000"}},
			{"capacity past the column on update", "PATCH", "/api/v1/rooms/lokal-eken", map[string]any{"capacity": 1 << 40}, []string{"room capacity"}},
			{"year 0", "POST", "/api/v1/meetings",
				map[string]any{"bodies": []string{"skolchefsgruppen"}, "start": "0000-06-03T13:00", "end": "0000-06-03T14:00"}, []string{`"start"`, "year 0", "1900"}},
			{"year 0 with an offset", "PATCH", meeting, map[string]any{"end": "0000-06-03T14:00:00+01:00"}, []string{`"end"`, "year 0"}},
			{"membership from year 1", "POST", "/api/v1/memberships",
				map[string]any{"body": "skolchefsgruppen", "person": "anna-berg", "role": "ledamot", "from": "0001-01-01"}, []string{`"from"`, "year 1 "}},
			{"query year before the range", "GET", "/api/v1/meetings?year=1899", nil, []string{"year", "1900"}},
			{"query from before the range", "GET", "/api/v1/meetings?from=0001-01-01", nil, []string{"from", "year 1 "}},
			{"NUL in a free query value", "GET", "/api/v1/outbox?kind=kallelse%00", nil, []string{"Query parameter kind contains a NUL byte (U+0000) at position 9"}},
			{"bidi override in a repeated query value", "GET", "/api/v1/meetings?status=confirmed&body=%E2%80%AEa", nil, []string{"Query parameter body contains a bidirectional formatting character (U+202E)"}},

			// Swedish wall-clock times that do not exist or exist twice.
			{"time that does not exist", "POST", "/api/v1/meetings",
				map[string]any{"bodies": []string{"skolchefsgruppen"}, "start": "2025-03-30T02:30", "end": "2025-03-30T04:00"},
				[]string{`"start"`, "2025-03-30T02:30 does not exist in Swedish time", "forward"}},
			{"time that exists twice", "POST", "/api/v1/meetings",
				map[string]any{"bodies": []string{"skolchefsgruppen"}, "start": "2025-10-26T01:30", "end": "2025-10-26T02:30"},
				[]string{`"end"`, "2025-10-26T02:30 happens twice in Swedish time", "2025-10-26T02:30+02:00", "2025-10-26T02:30+01:00"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(req{method: tc.method, path: tc.path, body: tc.body, admin: true})
				wantProblem(t, r, http.StatusBadRequest, tc.want...)
			})
		}
		if logs := e.logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("a caller mistake was logged as an internal error:\n%s", logs)
		}

		t.Run("an ambiguous time with an offset is taken", func(t *testing.T) {
			for _, tc := range []struct {
				start string
				want  time.Time
			}{
				{"2025-10-26T02:30+02:00", time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC)},
				{"2025-10-26T02:30:00+01:00", time.Date(2025, 10, 26, 1, 30, 0, 0, time.UTC)},
			} {
				r := e.write("POST", "/api/v1/meetings", map[string]any{"bodies": []string{"skolchefsgruppen"}, "start": tc.start, "end": "2025-10-26T04:00", "confirm_clashes": true}, http.StatusCreated) // a Sunday night
				got := decode[struct{ Start string }](t, r).Start
				if st, err := time.Parse(time.RFC3339, got); err != nil || !st.Equal(tc.want) {
					t.Errorf("start %s: stored %s, want %s", tc.start, got, calendar.In(tc.want).Format(time.RFC3339))
				}
			}
		})
	})
}

// TestPathsWithNUL sends a NUL byte and invalid UTF-8 where a path holds a
// slug, key or token: nothing by such a name can exist, so each is a 404 on
// both engines, never a 500.
func TestPathsWithNUL(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		for _, path := range []string{
			"/api/v1/bodies/skol%00chefsgruppen", "/api/v1/people/maria%00", "/api/v1/rooms/lokal%00eken",
			"/api/v1/organisations/kumla%00", "/api/v1/bodies/skolchefsgruppen%00/backlog", "/feeds/bodies/skol%00.ics",
			"/feeds/people/" + strings.Repeat("a", 30) + "%00.ics", "/api/v1/bodies/%ff%fe",
		} {
			r := e.get(path)
			if r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404; body: %s", path, r.StatusCode, r.body)
			}
		}
		r := e.do(req{method: "PATCH", path: "/api/v1/rooms/lokal%00eken", body: map[string]any{"name": "x"}, admin: true})
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("PATCH a room named with NUL: status %d, want 404; body: %s", r.StatusCode, r.body)
		}
	})
}
