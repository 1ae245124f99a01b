package api

import (
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// FuzzMembershipForm: the role and period fields of the member forms are
// refused in Swedish, field by field, or give a membership the domain
// takes.
func FuzzMembershipForm(f *testing.F) {
	f.Add("ledamot", "2026-01-01", "")
	f.Add("sekreterare", "", "2026-12-31")
	f.Add("ersattare", "2026-02-01", "2026-01-01")
	f.Add("chef", "1/1 2026", "2026-02-30")
	f.Add("", " 2026-01-01 ", "10000-01-01")
	f.Fuzz(func(t *testing.T, role, from, until string) {
		form := memberForm{Role: role, From: from, Until: until}
		r, errs := roleOf(form)
		d1, d2, e := periodOf(form)
		errs = append(errs, e...)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Field == "" || e.Message == "" || strings.Contains(e.Message, "must") {
					t.Fatalf("error %+v: want a Swedish message for a field", e)
				}
			}
			return
		}
		m := &calendar.Membership{Body: "chefsgrupp-folkhalsa", Person: "anna-berg", Role: r, From: d1, Until: d2}
		if err := m.Validate(); err != nil {
			t.Fatalf("the form passed %+v, the domain refuses it: %v", form, err)
		}
	})
}
