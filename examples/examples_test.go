package examples_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/examples"
)

func region(t *testing.T) *arsplan.File {
	t.Helper()
	data, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		t.Fatal(err)
	}
	f, err := arsplan.Parse(examples.Region, data)
	if err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	return f
}

func TestEveryFileParses(t *testing.T) {
	names, err := fs.Glob(examples.Files, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, examples.Region) {
		t.Fatalf("Files holds %v, want %s among them", names, examples.Region)
	}
	for _, name := range names {
		data, err := examples.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := arsplan.Parse(name, data); err != nil {
			t.Errorf("%s:\n%v", name, err)
		}
	}
}

// TestChefsgruppFolkhalsa2025 checks the proposal of the seed: "Mötestider
// förslag 2025", tis 21 jan, tor 20 mar, tor 22 maj, ons 20 aug, tor 23 okt,
// tis 2 dec, all 13.00–16.30, the first at Länsstyrelsen.
func TestChefsgruppFolkhalsa2025(t *testing.T) {
	want := []struct {
		date    string
		weekday time.Weekday
	}{
		{"2025-01-21", time.Tuesday}, {"2025-03-20", time.Thursday}, {"2025-05-22", time.Thursday},
		{"2025-08-20", time.Wednesday}, {"2025-10-23", time.Thursday}, {"2025-12-02", time.Tuesday},
	}
	var got []*arsplan.Meeting
	for _, m := range region(t).Meetings {
		if slices.Contains(m.Bodies, "chefsgrupp-folkhalsa") && m.Start.Year() == 2025 {
			got = append(got, m)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d meetings of chefsgrupp-folkhalsa in 2025, want %d", len(got), len(want))
	}
	for i, m := range got {
		w := want[i]
		start, end := calendar.In(m.Start), calendar.In(m.End)
		if d := calendar.DateOf(start); d.String() != w.date || d.Weekday() != w.weekday {
			t.Errorf("meeting %d: on %s (%s), want %s (%s)", i, d, d.Weekday(), w.date, w.weekday)
		}
		if start.Format("15:04") != "13:00" || end.Format("15:04") != "16:30" || calendar.DateOf(end) != calendar.DateOf(start) {
			t.Errorf("meeting %s: %s – %s, want 13:00 – 16:30 the same day", m.Key, start, end)
		}
		if start.Location() != calendar.Location {
			t.Errorf("meeting %s is in %s, want Europe/Stockholm", m.Key, start.Location())
		}
		if m.Status != calendar.StatusProposed || m.Kind != calendar.KindMeeting || len(m.Bodies) != 1 {
			t.Errorf("meeting %s: status %s kind %s bodies %v, want a proposed meeting of the group alone", m.Key, m.Status, m.Kind, m.Bodies)
		}
		wantRoom := ""
		if i == 0 {
			wantRoom = "lansstyrelsen"
		}
		if m.Room != wantRoom {
			t.Errorf("meeting %s: room %q, want %q", m.Key, m.Room, wantRoom)
		}
		if wantKey := "chefsgrupp-folkhalsa-" + w.date; m.Key != wantKey {
			t.Errorf("key %q, want %q", m.Key, wantKey)
		}
	}
}

func TestSeedMeetings(t *testing.T) {
	byKey := map[string]*arsplan.Meeting{}
	for _, m := range region(t).Meetings {
		byKey[m.Key] = m
	}
	tests := []struct {
		key, start, end, room string
		bodies                []string
		allDay                bool
	}{
		{"specifika-samverkansraden-2024-09-20", "2024-09-20 09:00", "2024-09-20 12:00", "lokal-eken",
			[]string{"specifika-samverkansradet-for-folkhalsa", "specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg"}, false},
		{"chefsgrupp-folkhalsa-2024-08-28", "2024-08-28 13:00", "2024-08-28 16:30", "", []string{"chefsgrupp-folkhalsa"}, false},
		{"chefsgrupp-folkhalsa-2024-10-03", "2024-10-03 13:00", "2024-10-03 16:30", "lokal-enen", []string{"chefsgrupp-folkhalsa"}, false},
		{"chefsgrupper-2024-11-15", "2024-11-15 13:00", "2024-11-15 16:30", "",
			[]string{"chefsgrupp-folkhalsa", "chefsgrupp-social-valfard-samt-vard-och-omsorg", "skolchefsgruppen"}, false},
		{"chefsgrupp-folkhalsa-2024-11-19", "2024-11-19 13:00", "2024-11-19 16:30", "", []string{"chefsgrupp-folkhalsa"}, false},
		{"lansdel-norr-2024-09-24", "2024-09-24 09:00", "2024-09-24 12:00", "", []string{"lansdel-norr"}, false},
		{"lansdel-norr-2024-12-02", "2024-12-02 09:00", "2024-12-02 12:00", "", []string{"lansdel-norr"}, false},
		{"lansdel-soder-2024-11-25", "2024-11-25 09:00", "2024-11-25 12:00", "", []string{"lansdel-soder"}, false},
		{"lansdel-vaster-2024-11-04", "2024-11-04 09:00", "2024-11-04 12:00", "", []string{"lansdel-vaster"}, false},
		{"lansdel-orebro-2024-11-26", "2024-11-26 09:00", "2024-11-26 12:00", "", []string{"lansdel-orebro"}, false},
		{"samverkan-olbf-2024-09-30", "2024-09-30 09:00", "2024-09-30 12:00", "", []string{"samverkan-olbf"}, false},
		{"lansdel-vaster-konferens-2024-10-18", "2024-10-18 00:00", "2024-10-19 00:00", "", []string{"lansdel-vaster"}, true},
		{"lansdel-soder-konferens-2024-12-06", "2024-12-06 00:00", "2024-12-07 00:00", "", []string{"lansdel-soder"}, true},
		{"generation-pep-konferens-2024-11-19", "2024-11-19 00:00", "2024-11-20 00:00", "", nil, true},
		{"lansdel-norr-ledningsgrupp-2024-11-29", "2024-11-29 00:00", "2024-11-30 00:00", "", []string{"lansdel-norr"}, true},
		{"uppfoljningsdag-folkhalsoarbetet-2025-03-14", "2025-03-14 00:00", "2025-03-15 00:00", "", nil, true},
	}
	for _, tt := range tests {
		m, ok := byKey[tt.key]
		if !ok {
			t.Errorf("no meeting %q", tt.key)
			continue
		}
		const layout = "2006-01-02 15:04"
		if got := calendar.In(m.Start).Format(layout); got != tt.start {
			t.Errorf("%s starts %s, want %s", tt.key, got, tt.start)
		}
		if got := calendar.In(m.End).Format(layout); got != tt.end {
			t.Errorf("%s ends %s, want %s", tt.key, got, tt.end)
		}
		if m.Room != tt.room || !slices.Equal(m.Bodies, tt.bodies) || m.AllDay != tt.allDay {
			t.Errorf("%s: room %q bodies %v all-day %v, want %q %v %v", tt.key, m.Room, m.Bodies, m.AllDay, tt.room, tt.bodies, tt.allDay)
		}
		if tt.allDay && m.Kind != calendar.KindEvent {
			t.Errorf("%s: kind %s, want event", tt.key, m.Kind)
		}
	}
	for _, m := range byKey {
		if m.Start.Year() == 2024 && m.Status != calendar.StatusConfirmed {
			t.Errorf("%s: a meeting of 2024 is %s, want confirmed", m.Key, m.Status)
		}
		if d := calendar.DateOf(m.Start).String(); !strings.HasSuffix(m.Key, "-"+d) {
			t.Errorf("key %q does not end with the meeting's date %s", m.Key, d)
		}
	}
}

// TestRegionIsConsistent checks the rules the product owner set for the
// example: slugs are the names folded to ASCII, addresses are placeholders,
// no phone numbers, everything referred to is defined in the file, and one
// body is restricted and has a meeting.
func TestRegionIsConsistent(t *testing.T) {
	f := region(t)
	defined := map[string]bool{}
	for _, o := range f.Organisations {
		defined["organisation/"+o.Slug] = true
		if o.Slug != calendar.Slugify(o.Name) {
			t.Errorf("organisation %q: slug %q, want %q", o.Name, o.Slug, calendar.Slugify(o.Name))
		}
	}
	if len(f.Organisations) != 16 {
		t.Errorf("%d organisations, want 16: the region, 12 municipalities, Länsstyrelsen, RF-SISU and ÖLBF", len(f.Organisations))
	}
	for _, r := range f.Rooms {
		defined["room/"+r.Slug] = true
		if r.Slug != calendar.Slugify(r.Name) {
			t.Errorf("room %q: slug %q, want %q", r.Name, r.Slug, calendar.Slugify(r.Name))
		}
	}
	for _, p := range f.People {
		defined["person/"+p.Key] = true
		if p.Key != calendar.Slugify(p.Name) {
			t.Errorf("person %q: key %q, want %q", p.Name, p.Key, calendar.Slugify(p.Name))
		}
		if !strings.HasSuffix(p.Email, "@example.org") || p.Phone != "" {
			t.Errorf("person %s: email %q phone %q, want a placeholder address and no phone", p.Key, p.Email, p.Phone)
		}
		if p.Organisation != "" && !defined["organisation/"+p.Organisation] {
			t.Errorf("person %s: organisation %q is not defined", p.Key, p.Organisation)
		}
	}
	restricted := map[string]bool{}
	for _, b := range f.Bodies {
		defined["body/"+b.Slug] = true
		if b.Ref || b.Slug != calendar.Slugify(b.Name) {
			t.Errorf("body %q: slug %q (reference %v), want %q", b.Name, b.Slug, b.Ref, calendar.Slugify(b.Name))
		}
		if b.Organisation != "" && !defined["organisation/"+b.Organisation] {
			t.Errorf("body %s: organisation %q is not defined", b.Slug, b.Organisation)
		}
		for _, m := range b.Members {
			if !defined["person/"+m.Person] {
				t.Errorf("member %s of %s is not defined", m.Person, b.Slug)
			}
		}
		if b.Visibility == calendar.Restricted {
			restricted[b.Slug] = true
		}
	}
	restrictedMeetings := 0
	for _, m := range f.Meetings {
		for _, b := range m.Bodies {
			if !defined["body/"+b] {
				t.Errorf("meeting %s: body %q is not defined", m.Key, b)
			}
			if restricted[b] {
				restrictedMeetings++
			}
		}
		if m.Room != "" && !defined["room/"+m.Room] {
			t.Errorf("meeting %s: room %q is not defined", m.Key, m.Room)
		}
	}
	if len(restricted) == 0 || restrictedMeetings == 0 {
		t.Errorf("%d restricted bodies with %d meetings, want at least one of each", len(restricted), restrictedMeetings)
	}

	// Contact persons as in the seed: Maria Lindborg for the länsdelar and
	// ÖLBF, Peter Bergvall Virtanen for RF-SISU.
	contacts := map[string]string{}
	for _, b := range f.Bodies {
		for _, m := range b.Members {
			if m.Role == calendar.RoleContactPerson {
				contacts[b.Slug] = m.Person
			}
		}
	}
	for body, person := range map[string]string{
		"lansdel-norr": "maria-lindborg", "lansdel-soder": "maria-lindborg", "lansdel-vaster": "maria-lindborg",
		"lansdel-orebro": "maria-lindborg", "samverkan-olbf": "maria-lindborg", "samverkan-rf-sisu": "peter-bergvall-virtanen",
	} {
		if contacts[body] != person {
			t.Errorf("kontaktperson of %s: got %q, want %q", body, contacts[body], person)
		}
	}
}
