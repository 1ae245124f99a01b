package arsplan

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/samkal/samkal/examples"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a round trip: written out by encode (as Export does) and parsed
// again, it reads the same.
func FuzzParse(f *testing.F) {
	region, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(region)
	f.Add(meetingDoc(`    date: 2025-03-30`, `    start: "02:30"`, `    end: "04:00"`))
	f.Add(doc("rooms:", "  - &eken {slug: lokal-eken, name: Lokal Eken}", "  - *eken"))
	f.Add(doc("bodies:", "  - slug: lansdel-norr", "    members:", "      - {person: maria-lindborg, role: kontaktperson, from: 2024-01-01}"))
	f.Add(doc("meetings:", "  - {uid: abc, kind: event, title: 'Dag: ett', date: 2025-01-01, end_date: 2025-01-03, all_day: true, notes: \"a\\tb\\r\\n\"}"))
	f.Add([]byte("meetings: [{key: a, bodies: b, date: 2025-01-21, start: 9.00, end: '10:00', status: cancelled}]"))
	f.Add(doc("bodies:", "  - {slug: rad, name: Rådet, kind: specific-council, notify: {call_days: 14, call_deadline_days: 0, notice_days: 5}}"))
	// The defects of issue 8 as an årsplan writes them: NUL, U+2028, an ESC
	// sequence, a bidi override, 2^31 people, year 0, Swedish times that
	// do not exist or happen twice, a megabyte of place.
	for _, line := range []string{`    title: "Möte\0"`, `    title: "Maria\u2028Lindborg"`, `    title: "Möte \e[31mröd"`,
		`    location: "Möte \u202Eetöm"`, `    notes: "rad\r\nrad\x85"`, "    location: " + strings.Repeat("Eklundavägen ", 80_000)} {
		f.Add(meetingDoc(`    date: 2025-05-22`, `    start: "13:00"`, `    end: "16:30"`, line))
	}
	for _, when := range [][2]string{{"0000-05-22", "13:00"}, {"2025-10-26", "02:30"}, {"2025-03-30", "02:00"}, {"2101-01-01", "00:00"}, {"2025-05-22", ".30"}} {
		f.Add(meetingDoc(`    date: `+when[0], `    start: "`+when[1]+`"`, `    end: "04:00"`))
	}
	f.Add(doc("rooms:", "  - {slug: lokal-stor, name: Lokal Stor, capacity: 2147483648}"))
	f.Add(doc("people:", "  - {key: maria, name: \"Maria\\u2028Lindborg\", phone: \"070\\0\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error is %T, want Errors: %v", err, err)
			}
			return
		}
		// What the import takes, the store's rules take: every entry
		// that is more than a reference passes calendar's Validate.
		var invalid []error
		for _, o := range file.Organisations {
			if !o.Ref {
				invalid = append(invalid, o.Validate())
			}
		}
		for _, p := range file.People {
			if !p.Ref {
				invalid = append(invalid, p.Validate())
			}
		}
		for _, r := range file.Rooms {
			if !r.Ref {
				invalid = append(invalid, r.Validate())
			}
		}
		for _, b := range file.Bodies {
			if !b.Ref {
				invalid = append(invalid, b.Validate())
			}
			for _, m := range b.Members {
				invalid = append(invalid, m.Validate())
			}
		}
		for _, m := range file.Meetings {
			invalid = append(invalid, m.Validate())
		}
		if err := errors.Join(invalid...); err != nil {
			t.Fatalf("Parse took entries that calendar refuses: %v", err)
		}
		out, err := encode(file, "fuzz")
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := Parse("f.yaml", out)
		if err != nil {
			t.Fatalf("the encoded file does not parse: %v\n%s", err, out)
		}
		out2, err := encode(again, "fuzz")
		if err != nil {
			t.Fatalf("encode again: %v", err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the file:\n%s\n---\n%s", out, out2)
		}
		for i, b := range file.Bodies {
			if n := again.Bodies[i]; notifyText(b.Notify) != notifyText(n.Notify) {
				t.Fatalf("body %q's notify changed in the round trip: %s became %s", b.Slug, notifyText(b.Notify), notifyText(n.Notify))
			}
		}
		for i, m := range file.Meetings {
			if n := again.Meetings[i]; !m.Start.Equal(n.Start) || !m.End.Equal(n.End) || m.Notes != n.Notes || m.Title != n.Title {
				t.Fatalf("meeting %d changed in the round trip: %+v became %+v", i, m.Meeting, n.Meeting)
			}
		}
	})
}
