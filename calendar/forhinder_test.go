package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExpectedRoleAndSubstituteOrder(t *testing.T) {
	d := func(y int, m time.Month, day int) Date { return Date{Year: y, Month: m, Day: day} }
	ms := []*Membership{
		{Body: "rad", Person: "anna", Role: RoleMember},
		{Body: "rad", Person: "anna", Role: RoleSubstitute, From: d(2020, 1, 1)}, // odd, but the member role wins
		{Body: "rad", Person: "cia", Role: RoleSubstitute, From: d(2025, 1, 1)},
		{Body: "rad", Person: "eva", Role: RoleSubstitute, From: d(2024, 1, 1)},
		{Body: "rad", Person: "dan", Role: RoleSubstitute, From: d(2024, 1, 1)},    // same start as eva: by name
		{Body: "rad", Person: "old", Role: RoleSubstitute, Until: d(2024, 12, 31)}, // ended
		{Body: "grupp", Person: "gus", Role: RoleSubstitute},                       // another body, where anna is not
		{Body: "rad", Person: "gun", Role: RoleGuest},
		{Body: "grupp", Person: "bo", Role: RoleChair, From: d(2025, 6, 1)}, // not yet
	}
	day := d(2025, 2, 4)
	for _, c := range []struct {
		person string
		want   Role
		ok     bool
	}{{"anna", RoleMember, true}, {"eva", RoleSubstitute, true}, {"gun", "", false}, {"bo", "", false}, {"old", "", false}, {"nobody", "", false}} {
		got, ok := ExpectedRole(ms, []string{"rad", "grupp"}, c.person, day)
		if got != c.want || ok != c.ok {
			t.Errorf("ExpectedRole(%s) = %q, %v; want %q, %v", c.person, got, ok, c.want, c.ok)
		}
	}
	names := map[string]string{"dan": "Dan Ahl", "eva": "Eva Ek"} // cia has no name: her key stands in
	got := SubstituteOrder(ms, []string{"rad", "grupp"}, "anna", day, names)
	if want := []string{"dan", "eva", "cia"}; !slices.Equal(got, want) {
		t.Errorf("SubstituteOrder = %v, want %v (longest first, then by name; not the ended, nor the other body's)", got, want)
	}
	if got := SubstituteOrder(ms, []string{"rad"}, "eva", day, names); len(got) != 0 {
		t.Errorf("an ersättare's own order = %v, want none", got)
	}
}

func TestAssignSubstitutes(t *testing.T) {
	withdrawn := time.Date(2025, 1, 20, 9, 0, 0, 0, Location)
	// f makes a förhinder from "person>sub", "-person>sub" when withdrawn.
	f := func(s string) *Forhinder {
		x := &Forhinder{}
		if rest, ok := strings.CutPrefix(s, "-"); ok {
			s, x.WithdrawnAt = rest, withdrawn
		}
		x.Person, x.Substitute, _ = strings.Cut(s, ">")
		return x
	}
	order := map[string][]string{"anna": {"eva", "cia"}, "bo": {"eva", "cia"}, "dag": {"eva", "cia"}}
	for _, c := range []struct {
		name, in, want, changed string
	}{
		{"first gets the first", "anna>", "anna>eva", "anna"},
		{"in order given", "anna> bo>", "anna>eva bo>cia", "anna bo"},
		{"more absent than ersättare", "anna> bo> dag>", "anna>eva bo>cia dag>", "anna bo"},
		{"kept while valid", "bo>cia anna>", "bo>cia anna>eva", "anna"},
		{"withdrawn frees the ersättare, keeps the record", "-anna>eva bo>", "-anna>eva bo>eva", "bo"},
		{"an ersättare with förhinder is replaced", "anna>eva eva>", "anna>cia eva>", "anna"},
		{"an ersättare's own förhinder calls no one", "eva>", "eva>", ""},
		{"no longer ersättare", "anna>olle", "anna>eva", "anna"},
		{"nobody left", "anna> eva> cia>", "anna> eva> cia>", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var fs []*Forhinder
			for _, s := range strings.Fields(c.in) {
				fs = append(fs, f(s))
			}
			changed := AssignSubstitutes(fs, order)
			var got, ch []string
			for _, x := range fs {
				s := x.Person + ">" + x.Substitute
				if !x.Active() {
					s = "-" + s
				}
				got = append(got, s)
			}
			for _, x := range changed {
				ch = append(ch, x.Person)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got %q, want %q", g, c.want)
			}
			if g := strings.Join(ch, " "); g != c.changed {
				t.Errorf("changed %q, want %q", g, c.changed)
			}
		})
	}
}
