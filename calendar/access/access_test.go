package access_test

import (
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
)

// TestPrincipal is the rules of calendar/access as a table: who may change,
// see the internals of, and see a thing of which bodies.
func TestPrincipal(t *testing.T) {
	rights := func(admin bool, secretary, member []string) *calendar.Rights {
		r := &calendar.Rights{Person: "p", PersonID: 1, Admin: admin, Secretary: map[string]bool{}, Member: map[string]bool{}}
		for _, b := range secretary {
			r.Secretary[b] = true
		}
		for _, b := range member {
			r.Member[b] = true
		}
		return r
	}
	anna := rights(false, []string{"rad"}, []string{"rad", "grupp"})
	callers := map[string]*access.Principal{
		"anonymous":   access.Anonymous,
		"member":      access.ForPerson(rights(false, nil, []string{"grupp"}), calendar.ViaSession, "", false),
		"secretary":   access.ForPerson(anna, calendar.ViaSession, "", false),
		"read token":  access.ForPerson(anna, calendar.ViaToken, "t", true),
		"admin":       access.ForPerson(rights(true, nil, nil), calendar.ViaSession, "", false),
		"admin read":  access.ForPerson(rights(true, nil, nil), calendar.ViaToken, "t", true),
		"admin token": access.AdminToken(),
	}
	for _, tt := range []struct {
		caller                          string
		change, changeJoint, changeNone bool // rad; rad+annat; no body
		internal, internalJoint         bool // rad; annat+rad
		seeRestricted                   bool // grupp, restricted
		administer, keepsAny, signedIn  bool
	}{
		{"anonymous", false, false, false, false, false, false, false, false, false},
		{"member", false, false, false, false, false, true, false, false, true},
		{"secretary", true, false, false, true, true, true, false, true, true},
		{"read token", false, false, false, true, true, true, false, false, true},
		{"admin", true, true, true, true, true, true, true, true, true},
		{"admin read", false, false, false, true, true, true, false, false, true},
		{"admin token", true, true, true, true, true, true, true, true, true},
	} {
		p := callers[tt.caller]
		for _, c := range []struct {
			what      string
			got, want bool
		}{
			{"Change(rad)", p.Change("rad"), tt.change},
			{"Change(rad, annat)", p.Change("rad", "annat"), tt.changeJoint},
			{"Change()", p.Change(), tt.changeNone},
			{"SeeInternal(rad)", p.SeeInternal("rad"), tt.internal},
			{"SeeInternal(annat, rad)", p.SeeInternal("annat", "rad"), tt.internalJoint},
			{"SeeBody(grupp, restricted)", p.SeeBody("grupp", false), tt.seeRestricted},
			{"SeeBody(annat, public)", p.SeeBody("annat", true), true},
			{"Administer", p.Administer(), tt.administer},
			{"KeepsAny", p.KeepsAny(), tt.keepsAny},
			{"SignedIn", p.SignedIn(), tt.signedIn},
		} {
			if c.got != c.want {
				t.Errorf("%s: %s = %v, want %v", tt.caller, c.what, c.got, c.want)
			}
		}
	}
	if (*access.Principal)(nil).Change("rad") || (*access.Principal)(nil).SeeInternal("rad") {
		t.Error("a nil principal may do something")
	}
}
