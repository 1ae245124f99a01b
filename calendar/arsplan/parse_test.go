package arsplan

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// doc joins lines into a YAML document, so that test inputs can be read
// with their line numbers.
func doc(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// meetingDoc is a valid file with one meeting whose fields are given as
// extra lines (at line 4 on); the meeting entry starts at line 2.
func meetingDoc(extra ...string) []byte {
	return doc(append([]string{
		"meetings:",
		"  - key: cf-2025-01",
		"    bodies: [chefsgrupp-folkhalsa]",
	}, extra...)...)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want []string // Error() of each problem, in order
	}{
		{
			name: "bad YAML",
			data: doc("meetings:", "  - key: a", "    bodies: [x", "    date: 2025-01-21"),
			want: []string{"region.yaml:3: this is not valid YAML: did not find expected ',' or ']'"},
		},
		{
			name: "bad YAML on the first line",
			data: doc("meetings: - key: a"),
			want: []string{"region.yaml:1: this is not valid YAML: block sequence entries are not allowed in this context"},
		},
		{
			name: "tab indentation",
			data: doc("rooms:", "\t- slug: x"),
			want: []string{"region.yaml:2: this is not valid YAML: found character that cannot start any token"},
		},
		{
			name: "unknown top-level key",
			data: doc("meetngs: []"),
			want: []string{`region.yaml:1: the file: unknown key "meetngs"; did you mean "meetings"?`},
		},
		{
			name: "unknown key in a meeting",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "13:00"`, `    end: "16:30"`, `    romm: lokal-eken`),
			want: []string{`region.yaml:7: meeting "cf-2025-01": unknown key "romm"; did you mean "room"?`},
		},
		{
			name: "organisation on a meeting with bodies",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "13:00"`, `    end: "16:30"`, `    organisation: region-orebro-lan`),
			want: []string{`region.yaml:7: meeting "cf-2025-01": organisation is only for an event without bodies (it says whose event it is); a meeting with bodies reaches its bodies' members`},
		},
		{
			name: "unknown key with nothing close",
			data: doc("rooms:", "  - slug: lokal-eken", "    name: Lokal Eken", "    wifi: yes"),
			want: []string{`region.yaml:4: room "lokal-eken": unknown key "wifi"; the keys are slug, name, address, capacity`},
		},
		{
			name: "key written twice",
			data: doc("rooms:", "  - slug: lokal-eken", "    name: Lokal Eken", "    name: Eken"),
			want: []string{`region.yaml:4: room "lokal-eken": key "name" is written twice (first at line 3)`},
		},
		{
			name: "bad date",
			data: meetingDoc(`    date: 2025-02-30`, `    start: "13:00"`, `    end: "16:30"`),
			want: []string{`region.yaml:4: meeting "cf-2025-01": date "2025-02-30" is not a date; write it as YYYY-MM-DD, e.g. 2025-01-21`},
		},
		{
			name: "date missing",
			data: meetingDoc(`    start: "13:00"`, `    end: "16:30"`),
			want: []string{`region.yaml:2: meeting "cf-2025-01": date is required, e.g. date: 2025-01-21`},
		},
		{
			name: "date empty",
			data: meetingDoc(`    date:`, `    start: "13:00"`, `    end: "16:30"`),
			want: []string{`region.yaml:4: meeting "cf-2025-01": date is required, e.g. date: 2025-01-21`},
		},
		{
			name: "bad time",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "25:00"`, `    end: "16:30"`),
			want: []string{`region.yaml:5: meeting "cf-2025-01": start "25:00" is not a time of day; write it as HH:MM, e.g. "13:00"`},
		},
		{
			name: "end time missing",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "13:00"`),
			want: []string{`region.yaml:2: meeting "cf-2025-01": end is required: a time of day such as "13:00" (or set all_day: true)`},
		},
		{
			name: "end before start",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "13:00"`, `    end: "12:00"`),
			want: []string{`region.yaml:6: meeting "cf-2025-01": end 12:00 is not after start 13:00`},
		},
		{
			name: "end on a later day before start",
			data: meetingDoc(`    date: 2025-01-21`, `    end_date: 2025-01-20`, `    start: "13:00"`, `    end: "12:00"`),
			want: []string{`region.yaml:7: meeting "cf-2025-01": end 2025-01-20 12:00 is not after start 2025-01-21 13:00`},
		},
		{
			name: "all-day end_date before date",
			data: meetingDoc(`    date: 2025-03-14`, `    end_date: 2025-03-12`, `    all_day: true`),
			want: []string{`region.yaml:2: meeting "cf-2025-01": end_date 2025-03-12 is before date 2025-03-14`},
		},
		{
			name: "all-day with a time",
			data: meetingDoc(`    date: 2025-03-14`, `    all_day: true`, `    start: "09:00"`),
			want: []string{`region.yaml:6: meeting "cf-2025-01": an all-day event has no start time; remove start, or remove all_day`},
		},
		{
			name: "too long",
			data: meetingDoc(`    date: 2025-03-01`, `    end_date: 2025-03-20`, `    all_day: true`),
			want: []string{`region.yaml:5: meeting "cf-2025-01": a meeting may last at most 14 days`},
		},
		{
			name: "time in the spring-forward gap",
			data: meetingDoc(`    date: 2025-03-30`, `    start: "02:30"`, `    end: "04:00"`),
			want: []string{`region.yaml:5: meeting "cf-2025-01": start 02:30 does not exist on 2025-03-30 in Swedish time: the clocks go forward an hour that night; choose another time`},
		},
		{
			name: "time in the repeated autumn hour",
			data: meetingDoc(`    date: 2025-10-26`, `    start: "01:00"`, `    end: "02:15"`),
			want: []string{`region.yaml:6: meeting "cf-2025-01": end 02:15 happens twice on 2025-10-26 in Swedish time: the clocks go back an hour that night; choose another time`},
		},
		{
			name: "unknown role",
			data: doc("bodies:", "  - slug: chefsgrupp-folkhalsa", "    members:", "      - person: maria-lindborg", "        role: chair"),
			want: []string{`region.yaml:5: member "maria-lindborg" of "chefsgrupp-folkhalsa": role "chair" is unknown; use one of ordforande, vice-ordforande, sekreterare, ledamot, ersattare, tjansteperson, gast, kontaktperson`},
		},
		{
			name: "role missing",
			data: doc("bodies:", "  - slug: chefsgrupp-folkhalsa", "    members:", "      - {person: maria-lindborg}"),
			want: []string{`region.yaml:4: member "maria-lindborg" of "chefsgrupp-folkhalsa": role is required; use one of ordforande, vice-ordforande, sekreterare, ledamot, ersattare, tjansteperson, gast, kontaktperson`},
		},
		{
			name: "membership ends before it starts",
			data: doc("bodies:", "  - slug: lansdel-soder", "    members:", "      - {person: theresia-wreby-ljung, role: ledamot, from: 2025-01-01, until: 2024-12-31}"),
			want: []string{`region.yaml:4: member "theresia-wreby-ljung" of "lansdel-soder": membership ends (2024-12-31) before it starts (2025-01-01)`},
		},
		{
			name: "duplicate meeting key",
			data: doc("meetings:",
				"  - {key: cf-2025-01, bodies: [chefsgrupp-folkhalsa], date: 2025-01-21, start: '13:00', end: '16:30'}",
				"  - {key: cf-2025-01, bodies: [chefsgrupp-folkhalsa], date: 2025-03-20, start: '13:00', end: '16:30'}"),
			want: []string{`region.yaml:3: meeting "cf-2025-01" is defined twice (first at line 2)`},
		},
		{
			name: "duplicate body and membership",
			data: doc("bodies:",
				"  - slug: lansdel-norr",
				"    members:",
				"      - {person: maria-lindborg, role: kontaktperson}",
				"      - {person: maria-lindborg, role: kontaktperson}",
				"  - slug: lansdel-norr"),
			want: []string{
				`region.yaml:5: membership "maria-lindborg as kontaktperson in lansdel-norr from the start" is defined twice (first at line 4)`,
				`region.yaml:6: body "lansdel-norr" is defined twice (first at line 2)`,
			},
		},
		{
			name: "meeting without key",
			data: doc("meetings:", "  - {bodies: [lansdel-norr], date: 2024-09-24, start: '09:00', end: '12:00'}"),
			want: []string{`region.yaml:2: meeting (no key): key is required: a stable name for the meeting such as "lansdel-norr-2024-09-24", so that importing the file again updates it`},
		},
		{
			name: "meeting without body",
			data: doc("meetings:", "  - key: m", "    date: 2024-09-24", `    start: "09:00"`, `    end: "12:00"`),
			want: []string{`region.yaml:2: meeting "m": a meeting needs at least one body: list it under bodies, or set kind: event for an event of the whole region`},
		},
		{
			name: "bad values in a meeting",
			data: meetingDoc(`    date: 2025-01-21`, `    start: "13:00"`, `    end: "16:30"`, `    status: tentative`, `    kind: möte`, `    online_url: teams`, `    all_day: yes`),
			want: []string{
				`region.yaml:7: meeting "cf-2025-01": status "tentative" is unknown; use proposed, confirmed or cancelled`,
				`region.yaml:8: meeting "cf-2025-01": kind "möte" is unknown; use meeting or event`,
				`region.yaml:9: meeting "cf-2025-01": online_url "teams" is not an http(s) link`,
				`region.yaml:10: meeting "cf-2025-01": all_day must be true or false, not "yes"`,
			},
		},
		{
			name: "bad organisation, person, room and body",
			data: doc("organisations:",
				"  - {slug: Region Örebro, name: Region Örebro län, kind: county}",
				"people:",
				"  - {key: maria-lindborg, name: Maria Lindborg, email: 'Maria <maria@example.org>'}",
				"rooms:",
				"  - {slug: lokal-eken, name: Lokal Eken, capacity: many}",
				"bodies:",
				"  - {slug: lansdel-norr, name: Länsdel Norr, kind: lansdel-group, visibility: secret}"),
			want: []string{
				`region.yaml:2: organisation "Region Örebro": organisation slug "Region Örebro" must be lower-case letters a–z, digits and single hyphens (e.g. "region-orebro")`,
				`region.yaml:2: organisation "Region Örebro": organisation kind "county" is unknown; use region, municipality or partner`,
				`region.yaml:4: person "maria-lindborg": email "Maria <maria@example.org>" is not a plain email address`,
				`region.yaml:6: room "lokal-eken": capacity must be a whole number, not "many"`,
				`region.yaml:8: body "lansdel-norr": visibility "secret" is unknown; use public or restricted`,
			},
		},
		{
			// What the outputs cannot carry, written as YAML escapes: the
			// same rules as the API, each problem at its file and line.
			name: "text and numbers the outputs cannot carry",
			data: doc("people:",
				`  - {key: maria-lindborg, name: "Maria\u2028Lindborg"}`,
				`  - {key: anna-berg, name: Anna Berg, title: "chef\e[31m"}`,
				"rooms:",
				"  - {slug: lokal-stor, name: Lokal Stor, capacity: 2147483648}",
				`  - {slug: lokal-nul, name: "Lokal\0Nul"}`,
				"bodies:",
				"  - slug: lansdel-norr",
				"    name: Länsdel Norr",
				"    kind: lansdel-group",
				`    description: "Norr\u202e"`,
				"    members:",
				"      - {person: anna-berg, role: ledamot, from: 1899-12-31}",
				"meetings:",
				"  - key: cf-2025-01",
				"    bodies: [chefsgrupp-folkhalsa]",
				"    date: 0000-01-21",
				`    start: "13:00"`,
				`    end: "16:30"`,
				"  - key: cf-2025-02",
				"    bodies: [chefsgrupp-folkhalsa]",
				"    date: 2025-02-21",
				`    start: "13:00"`,
				`    end: "16:30"`,
				"    location: "+strings.Repeat("Eklundavägen ", 40),
				`    notes: "rad ett\r\nrad två\0"`),
			want: []string{
				`region.yaml:2: person "maria-lindborg": person name contains a line separator (U+2028) at position 6; it must be one line: use a space`,
				`region.yaml:3: person "anna-berg": title contains a control character (U+001B) at position 5; remove it`,
				`region.yaml:5: room "lokal-stor": room capacity must be from 0 to 100000, not 2147483648`,
				`region.yaml:6: room "lokal-nul": room name contains a NUL byte (U+0000) at position 6; remove it`,
				`region.yaml:11: body "lansdel-norr": description contains a bidirectional formatting character (U+202E) at position 5; remove it`,
				`region.yaml:13: member "anna-berg" of "lansdel-norr": from "1899-12-31": year 1899 is out of range; use a year from 1900 to 2100`,
				`region.yaml:17: meeting "cf-2025-01": date "0000-01-21": year 0 is out of range; use a year from 1900 to 2100`,
				`region.yaml:25: meeting "cf-2025-02": location is 519 characters; at most 500`,
				`region.yaml:26: meeting "cf-2025-02": notes contains a NUL byte (U+0000) at position 16; remove it`,
			},
		},
		{
			name: "a section that is not a list",
			data: doc("rooms:", "  slug: lokal-eken", "  name: Lokal Eken"),
			want: []string{`region.yaml:1: the file: rooms must be a list: start each entry with "- "`},
		},
		{
			name: "an entry that is not a mapping",
			data: doc("rooms:", "  - lokal-eken"),
			want: []string{`region.yaml:2: room must be a mapping of "key: value" lines, not the value "lokal-eken"`},
		},
		{
			name: "a list where one value belongs",
			data: doc("rooms:", "  - slug: lokal-eken", "    name: [Lokal, Eken]"),
			want: []string{`region.yaml:3: room "lokal-eken": name must be a single value, not a list`},
		},
		{
			name: "the file is not a mapping",
			data: doc("- key: a"),
			want: []string{`region.yaml:1: the file must be a mapping of "key: value" lines, not a list`},
		},
		{
			name: "two documents",
			data: doc("rooms: []", "---", "rooms: []"),
			want: []string{`region.yaml:2: a file holds one YAML document; remove the line "---" and what follows it, or make it a file of its own`},
		},
		{
			name: "alias",
			data: doc("rooms:", "  - &eken {slug: lokal-eken, name: Lokal Eken}", "  - *eken"),
			want: []string{`region.yaml:3: room: aliases such as *eken are not supported in årsplan files; write the value out`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("region.yaml", tt.data)
			if err == nil {
				t.Fatalf("Parse succeeded (%d meetings), want errors %q", len(f.Meetings), tt.want)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T (%v), want Errors", err, err)
			}
			got := make([]string, len(es))
			for i, e := range es {
				got[i] = e.Error()
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
			if err.Error() != strings.Join(got, "\n") {
				t.Errorf("Errors.Error() = %q, want the problems one per line", err.Error())
			}
			if calendar.ErrorCode(err) != calendar.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", calendar.ErrorCode(err), calendar.EINVALID)
			}
		})
	}
}

func TestParseMeetingTimes(t *testing.T) {
	stockholm := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		lines      []string
		start, end time.Time
		allDay     bool
	}{
		{"winter time", []string{"date: 2025-01-21", `start: "13:00"`, `end: "16:30"`}, stockholm("2025-01-21 13:00"), stockholm("2025-01-21 16:30"), false},
		{"summer time", []string{"date: 2025-08-20", `start: "13:00"`, `end: "16:30"`}, stockholm("2025-08-20 13:00"), stockholm("2025-08-20 16:30"), false},
		{"Swedish notation, unquoted", []string{"date: 2024-09-20", "start: 9.00", "end: 12.00"}, stockholm("2024-09-20 09:00"), stockholm("2024-09-20 12:00"), false},
		{"across the spring change", []string{"date: 2025-03-30", `start: "01:30"`, `end: "03:30"`}, stockholm("2025-03-30 01:30"), stockholm("2025-03-30 03:30"), false},
		{"over two days", []string{"date: 2025-05-22", "end_date: 2025-05-23", `start: "13:00"`, `end: "12:00"`}, stockholm("2025-05-22 13:00"), stockholm("2025-05-23 12:00"), false},
		{"all day", []string{"date: 2025-03-14", "all_day: true"}, stockholm("2025-03-14 00:00"), stockholm("2025-03-15 00:00"), true},
		{"all day over the autumn change", []string{"date: 2025-10-25", "end_date: 2025-10-26", "all_day: true"}, stockholm("2025-10-25 00:00"), stockholm("2025-10-27 00:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := []string{"meetings:", "  - key: m", "    kind: event"}
			for _, l := range tt.lines {
				lines = append(lines, "    "+l)
			}
			f, err := Parse("t.yaml", doc(lines...))
			if err != nil {
				t.Fatal(err)
			}
			m := f.Meetings[0]
			if !m.Start.Equal(tt.start) || !m.End.Equal(tt.end) || m.AllDay != tt.allDay {
				t.Errorf("got %s – %s all-day %v, want %s – %s all-day %v", m.Start, m.End, m.AllDay, tt.start, tt.end, tt.allDay)
			}
			if m.Start.Location() != calendar.Location {
				t.Errorf("start is in %s, want Europe/Stockholm", m.Start.Location())
			}
		})
	}
}

func TestParseEntries(t *testing.T) {
	data := doc(
		"organisations:",
		"  - slug: region-orebro-lan",
		"    name: Region Örebro län",
		"    kind: region",
		"  - slug: orebro-kommun",
		"people:",
		"  - {key: maria-lindborg, name: Maria Lindborg, email: maria-lindborg@example.org, organisation: region-orebro-lan}",
		"  - key: anna-jakobsson",
		"rooms:",
		"  - {slug: lokal-eken, name: Lokal Eken, address: 'Eklundavägen 1, Örebro', capacity: 40}",
		"bodies:",
		"  - slug: chefsgrupp-folkhalsa",
		"    name: Chefsgrupp folkhälsa",
		"    kind: management-group",
		"    members:",
		"      - {person: maria-lindborg, role: sekreterare}",
		"      - {person: kerstin-angergard, role: gast, from: 2024-10-03}",
		"  - slug: skolchefsgruppen",
		"    members:",
		"      - {person: anna-jakobsson, role: gast}",
		"meetings:",
		"  - key: uppfoljningsdag-2025-03-14",
		"    kind: event",
		"    title: Uppföljningsdag folkhälsoarbetet",
		"    date: 2025-03-14",
		"    all_day: true",
		"    notes: |",
		"      Rad ett.",
		"      Rad två.",
		"  - key: cf-2025-01-21",
		"    bodies: [chefsgrupp-folkhalsa, skolchefsgruppen, chefsgrupp-folkhalsa]",
		`    date: 2025-01-21`,
		`    start: "13:00"`,
		`    end: "16:30"`,
		"    room: lokal-eken",
	)
	f, err := Parse("t.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.Organisations); got != 2 || f.Organisations[0].Ref || !f.Organisations[1].Ref {
		t.Errorf("organisations: got %d, refs %v %v; want 2, the second a reference", got, f.Organisations[0].Ref, f.Organisations[1].Ref)
	}
	if p := f.People[0]; p.Email != "maria-lindborg@example.org" || p.Organisation != "region-orebro-lan" || p.Ref || p.Pos.Line != 7 {
		t.Errorf("person: got %+v", p)
	}
	if !f.People[1].Ref {
		t.Error("a person with only a key must be a reference")
	}
	if r := f.Rooms[0]; r.Capacity != 40 || r.Address != "Eklundavägen 1, Örebro" {
		t.Errorf("room: got %+v", r)
	}
	b := f.Bodies[0]
	if b.Visibility != calendar.Public || b.MinutesNeedApproval || b.Ref || len(b.Members) != 2 {
		t.Errorf("body: got visibility %q, approval %v, ref %v, %d members; want public, false, false, 2", b.Visibility, b.MinutesNeedApproval, b.Ref, len(b.Members))
	}
	if m := b.Members[1]; m.Body != "chefsgrupp-folkhalsa" || m.Role != calendar.RoleGuest || m.From != (calendar.Date{Year: 2024, Month: 10, Day: 3}) || m.Pos.Line != 17 {
		t.Errorf("membership: got %+v", m.Membership)
	}
	if !f.Bodies[1].Ref || len(f.Bodies[1].Members) != 1 {
		t.Errorf("a body with only a slug and members must be a reference with its members")
	}
	ev := f.Meetings[0]
	if ev.Kind != calendar.KindEvent || ev.Status != calendar.StatusProposed || ev.Notes != "Rad ett.\nRad två.\n" || len(ev.Bodies) != 0 {
		t.Errorf("event: got kind %q status %q notes %q bodies %v", ev.Kind, ev.Status, ev.Notes, ev.Bodies)
	}
	m := f.Meetings[1]
	if want := []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}; strings.Join(m.Bodies, ",") != strings.Join(want, ",") {
		t.Errorf("bodies: got %v, want %v (sorted, without repeats)", m.Bodies, want)
	}
	if m.Kind != calendar.KindMeeting || m.Room != "lokal-eken" || m.Pos.Line != 30 {
		t.Errorf("meeting: got kind %q room %q line %d", m.Kind, m.Room, m.Pos.Line)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only a comment\n", "~\n", "meetings:\n", "meetings: []\nrooms: []\n"} {
		f, err := Parse("t.yaml", []byte(data))
		if err != nil {
			t.Errorf("Parse(%q): %v", data, err)
			continue
		}
		if len(f.Meetings)+len(f.Rooms)+len(f.Bodies)+len(f.People)+len(f.Organisations) != 0 || f.Name != "t.yaml" {
			t.Errorf("Parse(%q) = %+v, want an empty file named t.yaml", data, f)
		}
	}
}

func TestParseManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("rooms:\n")
	for i := range 150 {
		fmt.Fprintf(&b, "  - {slug: Bad Slug %d, name: x}\n", i)
	}
	_, err := Parse("t.yaml", []byte(b.String()))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want Errors", err)
	}
	if len(es) != maxErrors+1 {
		t.Fatalf("got %d problems, want %d and a count of the rest", len(es), maxErrors+1)
	}
	if last := es[len(es)-1].Error(); last != "t.yaml: 50 more problems not listed; fix the ones above first" {
		t.Errorf("last problem: got %q", last)
	}
	if es[0].Line != 2 || es[maxErrors-1].Line != 101 {
		t.Errorf("kept problems run from line %d to %d, want 2 to 101", es[0].Line, es[maxErrors-1].Line)
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("t.yaml", make([]byte, MaxSize+1))
	if err == nil || !strings.Contains(err.Error(), "may be at most") {
		t.Errorf("got %v, want a size error", err)
	}
}

func TestErrorFormat(t *testing.T) {
	es := Errors{{File: "a.yaml", Line: 3, Column: 5, Msg: "one"}, {File: "a.yaml", Msg: "two"}}
	if got, want := es.Error(), "a.yaml:3: one\na.yaml: two"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := calendar.ErrorMessage(es), "a.yaml:3: one (and 1 more problems)"; got != want {
		t.Errorf("ErrorMessage: got %q, want %q", got, want)
	}
}
