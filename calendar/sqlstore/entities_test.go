package sqlstore_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func testOrganisations(t *testing.T, e *env) {
	created := e.clock.Now()
	o := &calendar.Organisation{Slug: "orebro", Name: "Örebro kommun", Kind: calendar.OrgMunicipality}
	must(t, e.s.CreateOrganisation(e.ctx, o))
	if o.ID == 0 {
		t.Error("CreateOrganisation did not set ID")
	}
	sameTime(t, "CreatedAt", o.CreatedAt, created)
	sameTime(t, "UpdatedAt", o.UpdatedAt, created)
	e.org("askersund")
	e.org("region")

	got, err := e.s.FindOrganisationBySlug(e.ctx, "orebro")
	must(t, err)
	if *got != *o {
		t.Errorf("FindOrganisationBySlug = %+v, want %+v", got, o)
	}
	_, err = e.s.FindOrganisationBySlug(e.ctx, "nora")
	wantErr(t, err, calendar.ENOTFOUND, `organisation "nora" does not exist`)

	all, err := e.s.FindOrganisations(e.ctx)
	must(t, err)
	var slugs []string
	for _, o := range all {
		slugs = append(slugs, o.Slug)
	}
	if want := []string{"askersund", "orebro", "region"}; !slices.Equal(slugs, want) {
		t.Errorf("FindOrganisations slugs = %v, want %v", slugs, want)
	}

	wantErr(t, e.s.CreateOrganisation(e.ctx, &calendar.Organisation{Slug: "orebro", Name: "Again", Kind: calendar.OrgRegion}),
		calendar.ECONFLICT, `organisation "orebro" already exists`)
	wantErr(t, e.s.CreateOrganisation(e.ctx, &calendar.Organisation{Slug: "Örebro", Name: "", Kind: "city"}),
		calendar.EINVALID, "slug")

	updated := e.clock.Advance(time.Hour)
	u, err := e.s.UpdateOrganisation(e.ctx, "orebro", calendar.OrganisationUpdate{Name: ptr("Örebro kommun (huvudman)"), Kind: ptr(calendar.OrgPartner)})
	must(t, err)
	if u.Name != "Örebro kommun (huvudman)" || u.Kind != calendar.OrgPartner {
		t.Errorf("UpdateOrganisation = %+v", u)
	}
	sameTime(t, "UpdatedAt after update", u.UpdatedAt, updated)
	sameTime(t, "CreatedAt after update", u.CreatedAt, created)

	before := e.changeCount()
	e.clock.Advance(time.Hour)
	same, err := e.s.UpdateOrganisation(e.ctx, "orebro", calendar.OrganisationUpdate{Name: ptr("Örebro kommun (huvudman)")})
	must(t, err)
	sameTime(t, "UpdatedAt after no-op update", same.UpdatedAt, updated)
	if n := e.changeCount(); n != before {
		t.Errorf("no-op update recorded %d changes", n-before)
	}

	_, err = e.s.UpdateOrganisation(e.ctx, "orebro", calendar.OrganisationUpdate{Kind: ptr(calendar.OrganisationKind("city"))})
	wantErr(t, err, calendar.EINVALID, `organisation kind "city" is unknown`)
	_, err = e.s.UpdateOrganisation(e.ctx, "nora", calendar.OrganisationUpdate{Name: ptr("Nora")})
	wantErr(t, err, calendar.ENOTFOUND, `"nora"`)
}

func testOrganisationDelete(t *testing.T, e *env) {
	e.org("orebro")
	p := &calendar.Person{Key: "maria", Name: "Maria", Organisation: "orebro"}
	must(t, e.s.CreatePerson(e.ctx, p))
	b := &calendar.Body{Slug: "chefsgrupp", Name: "Chefsgrupp", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public, Organisation: "orebro"}
	must(t, e.s.CreateBody(e.ctx, b))

	wantErr(t, e.s.DeleteOrganisation(e.ctx, "orebro"), calendar.ECONFLICT, `organisation "orebro" still has 1 person and 1 body`)
	_, err := e.s.UpdatePerson(e.ctx, "maria", calendar.PersonUpdate{Organisation: ptr("")})
	must(t, err)
	wantErr(t, e.s.DeleteOrganisation(e.ctx, "orebro"), calendar.ECONFLICT, `still has 1 body;`)
	_, err = e.s.UpdateBody(e.ctx, "chefsgrupp", calendar.BodyUpdate{Organisation: ptr("")})
	must(t, err)

	must(t, e.s.DeleteOrganisation(e.ctx, "orebro"))
	_, err = e.s.FindOrganisationBySlug(e.ctx, "orebro")
	wantErr(t, err, calendar.ENOTFOUND)
	wantErr(t, e.s.DeleteOrganisation(e.ctx, "orebro"), calendar.ENOTFOUND)
}

func testPeople(t *testing.T, e *env) {
	e.org("orebro")
	e.org("kumla")
	p := &calendar.Person{Key: "maria-lindborg", Name: "Maria Lindborg", Email: "maria@example.se", Phone: "019-123",
		Title: "utvecklingsledare välfärd och folkhälsa", Organisation: "orebro"}
	must(t, e.s.CreatePerson(e.ctx, p))
	if p.ID == 0 || len(p.FeedToken) != 43 {
		t.Errorf("CreatePerson set ID %d, FeedToken %q; want an id and a 43-character token", p.ID, p.FeedToken)
	}
	got, err := e.s.FindPersonByKey(e.ctx, "maria-lindborg")
	must(t, err)
	if *got != *p {
		t.Errorf("FindPersonByKey = %+v, want %+v", got, p)
	}
	q := e.person("anders")
	if q.FeedToken == p.FeedToken {
		t.Error("two people got the same feed token")
	}
	must(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "karin", Name: "Karin", Organisation: "kumla"}))

	wantErr(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "maria-lindborg", Name: "Another"}), calendar.ECONFLICT, `person "maria-lindborg" already exists`)
	wantErr(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "olle", Name: "Olle", Organisation: "nora"}), calendar.EINVALID, `organisation "nora" does not exist`)
	wantErr(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "olle", Name: "Olle", Email: "not an address"}), calendar.EINVALID, "email")
	_, err = e.s.FindPersonByKey(e.ctx, "olle")
	wantErr(t, err, calendar.ENOTFOUND, `person "olle" does not exist`)

	e.body("folkhalsa", calendar.Public)
	e.membership("folkhalsa", "anders", calendar.Date{}, calendar.Date{})
	for _, tc := range []struct {
		name string
		f    calendar.PersonFilter
		want []string
	}{
		{"all, by key", calendar.PersonFilter{}, []string{"anders", "karin", "maria-lindborg"}},
		{"organisation", calendar.PersonFilter{Organisation: ptr("orebro")}, []string{"maria-lindborg"}},
		{"body", calendar.PersonFilter{Body: ptr("folkhalsa")}, []string{"anders"}},
		{"unknown body", calendar.PersonFilter{Body: ptr("nothing")}, nil},
	} {
		people, err := e.s.FindPeople(e.ctx, tc.f)
		must(t, err)
		var keys []string
		for _, p := range people {
			keys = append(keys, p.Key)
		}
		if !slices.Equal(keys, tc.want) {
			t.Errorf("FindPeople %s = %v, want %v", tc.name, keys, tc.want)
		}
	}

	updated := e.clock.Advance(time.Minute)
	u, err := e.s.UpdatePerson(e.ctx, "maria-lindborg", calendar.PersonUpdate{Title: ptr("sekreterare"), Organisation: ptr("kumla"), Phone: ptr("")})
	must(t, err)
	if u.Title != "sekreterare" || u.Organisation != "kumla" || u.Phone != "" || u.Email != "maria@example.se" || u.FeedToken != p.FeedToken {
		t.Errorf("UpdatePerson = %+v", u)
	}
	sameTime(t, "UpdatedAt", u.UpdatedAt, updated)
	u, err = e.s.UpdatePerson(e.ctx, "maria-lindborg", calendar.PersonUpdate{Organisation: ptr("")})
	must(t, err)
	if u.Organisation != "" {
		t.Errorf("Organisation after removing = %q", u.Organisation)
	}
	_, err = e.s.UpdatePerson(e.ctx, "maria-lindborg", calendar.PersonUpdate{Organisation: ptr("nora")})
	wantErr(t, err, calendar.EINVALID, `organisation "nora" does not exist`)
	_, err = e.s.UpdatePerson(e.ctx, "maria-lindborg", calendar.PersonUpdate{Email: ptr("x")})
	wantErr(t, err, calendar.EINVALID, "email")
	_, err = e.s.UpdatePerson(e.ctx, "olle", calendar.PersonUpdate{Name: ptr("Olle")})
	wantErr(t, err, calendar.ENOTFOUND)

	before := e.changeCount()
	e.clock.Advance(time.Minute)
	same, err := e.s.UpdatePerson(e.ctx, "maria-lindborg", calendar.PersonUpdate{Title: ptr("sekreterare")})
	must(t, err)
	if n := e.changeCount(); n != before || !same.UpdatedAt.Equal(u.UpdatedAt) {
		t.Errorf("no-op UpdatePerson recorded %d changes and moved UpdatedAt to %v", n-before, same.UpdatedAt)
	}
}

func testPersonFeedToken(t *testing.T, e *env) {
	p := e.person("maria")
	got, err := e.s.FindPersonByFeedToken(e.ctx, p.FeedToken)
	must(t, err)
	if got.Key != "maria" {
		t.Errorf("FindPersonByFeedToken = %q, want maria", got.Key)
	}
	_, err = e.s.FindPersonByFeedToken(e.ctx, "unknown")
	wantErr(t, err, calendar.ENOTFOUND)

	rotated := e.clock.Advance(time.Minute)
	r, err := e.s.RotateFeedToken(e.ctx, "maria")
	must(t, err)
	if r.FeedToken == p.FeedToken || len(r.FeedToken) != 43 {
		t.Errorf("RotateFeedToken gave %q (old %q)", r.FeedToken, p.FeedToken)
	}
	sameTime(t, "UpdatedAt", r.UpdatedAt, rotated)
	_, err = e.s.FindPersonByFeedToken(e.ctx, p.FeedToken)
	wantErr(t, err, calendar.ENOTFOUND)
	if msg := calendar.ErrorMessage(err); containsAny(msg, p.FeedToken) {
		t.Errorf("not-found message repeats the token: %q", msg)
	}
	got, err = e.s.FindPersonByFeedToken(e.ctx, r.FeedToken)
	must(t, err)
	if got.FeedToken != r.FeedToken {
		t.Errorf("found person has token %q, want %q", got.FeedToken, r.FeedToken)
	}
	_, err = e.s.RotateFeedToken(e.ctx, "olle")
	wantErr(t, err, calendar.ENOTFOUND)

	// Neither token may appear in the record of changes.
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("person")})
	must(t, err)
	for _, c := range cs {
		for name, f := range c.Fields {
			if containsAny(f.Old+f.New, p.FeedToken, r.FeedToken) {
				t.Errorf("change %d field %s holds a feed token", c.ID, name)
			}
		}
	}
	if len(cs) != 2 || cs[0].Action != calendar.ActionUpdate || cs[0].Fields["feed_token"].New == "" {
		t.Errorf("changes after rotation = %+v, want the rotation recorded", cs)
	}
}

// containsAny reports whether s contains one of the non-empty parts.
func containsAny(s string, parts ...string) bool {
	return slices.ContainsFunc(parts, func(p string) bool { return p != "" && strings.Contains(s, p) })
}

func testPersonDeleteCascades(t *testing.T, e *env) {
	e.person("maria")
	e.person("anders")
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Restricted)
	m1 := e.membership("folkhalsa", "maria", calendar.Date{}, calendar.Date{})
	m2 := e.membership("valfard", "maria", day(2025, 1, 1), calendar.Date{})
	e.membership("valfard", "anders", calendar.Date{}, calendar.Date{})

	must(t, e.s.DeletePerson(e.ctx, "maria"))
	_, err := e.s.FindPersonByKey(e.ctx, "maria")
	wantErr(t, err, calendar.ENOTFOUND)
	ms, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{})
	must(t, err)
	if len(ms) != 1 || ms[0].Person != "anders" {
		t.Errorf("memberships after DeletePerson = %+v, want only anders's", ms)
	}
	// Each membership's end is recorded: personal feeds depend on it.
	for _, m := range []*calendar.Membership{m1, m2} {
		cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("membership"), EntityID: &m.ID})
		must(t, err)
		if len(cs) != 2 || cs[0].Action != calendar.ActionDelete || cs[0].Fields["person"].Old != "maria" {
			t.Errorf("changes of membership %d = %+v, want create then delete", m.ID, cs)
		}
	}
	wantErr(t, e.s.DeletePerson(e.ctx, "maria"), calendar.ENOTFOUND)
}

func testBodies(t *testing.T, e *env) {
	e.org("region")
	b := &calendar.Body{Slug: "regionala-samverkansradet", Name: "Regionala samverkansrådet", Kind: calendar.BodyRegionalCouncil,
		Visibility: calendar.Public, Organisation: "region", MinutesNeedApproval: true, Description: "Det politiska rådet."}
	must(t, e.s.CreateBody(e.ctx, b))
	got, err := e.s.FindBodyBySlug(e.ctx, b.Slug)
	must(t, err)
	if !reflect.DeepEqual(got, b) {
		t.Errorf("FindBodyBySlug = %+v, want %+v", got, b)
	}
	c := &calendar.Body{Slug: "chefsgrupp-folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: calendar.BodyManagementGroup, Visibility: calendar.Restricted}
	must(t, e.s.CreateBody(e.ctx, c))
	e.body("lansdel-vaster", calendar.Public)
	e.person("maria")
	e.membership("chefsgrupp-folkhalsa", "maria", calendar.Date{}, day(2024, 12, 31))

	wantErr(t, e.s.CreateBody(e.ctx, &calendar.Body{Slug: "chefsgrupp-folkhalsa", Name: "X", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}),
		calendar.ECONFLICT, `body "chefsgrupp-folkhalsa" already exists`)
	wantErr(t, e.s.CreateBody(e.ctx, &calendar.Body{Slug: "x", Name: "X", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public, Organisation: "nora"}),
		calendar.EINVALID, `organisation "nora" does not exist`)
	wantErr(t, e.s.CreateBody(e.ctx, &calendar.Body{Slug: "x", Name: "X", Kind: "committee", Visibility: "secret"}), calendar.EINVALID)
	_, err = e.s.FindBodyBySlug(e.ctx, "x")
	wantErr(t, err, calendar.ENOTFOUND, `body "x" does not exist`)

	for _, tc := range []struct {
		name string
		f    calendar.BodyFilter
		want []string
	}{
		{"all, by slug", calendar.BodyFilter{}, []string{"chefsgrupp-folkhalsa", "lansdel-vaster", "regionala-samverkansradet"}},
		{"public", calendar.BodyFilter{Visibility: ptr(calendar.Public)}, []string{"lansdel-vaster", "regionala-samverkansradet"}},
		{"kind", calendar.BodyFilter{Kind: ptr(calendar.BodyRegionalCouncil)}, []string{"regionala-samverkansradet"}},
		{"person, any period", calendar.BodyFilter{Person: ptr("maria")}, []string{"chefsgrupp-folkhalsa"}},
		{"public and kind", calendar.BodyFilter{Visibility: ptr(calendar.Public), Kind: ptr(calendar.BodyManagementGroup)}, []string{"lansdel-vaster"}},
	} {
		bodies, err := e.s.FindBodies(e.ctx, tc.f)
		must(t, err)
		var slugs []string
		for _, b := range bodies {
			slugs = append(slugs, b.Slug)
		}
		if !slices.Equal(slugs, tc.want) {
			t.Errorf("FindBodies %s = %v, want %v", tc.name, slugs, tc.want)
		}
	}

	updated := e.clock.Advance(time.Hour)
	u, err := e.s.UpdateBody(e.ctx, "regionala-samverkansradet", calendar.BodyUpdate{MinutesNeedApproval: ptr(false),
		Visibility: ptr(calendar.Restricted), Organisation: ptr(""), Description: ptr("")})
	must(t, err)
	if u.MinutesNeedApproval || u.Visibility != calendar.Restricted || u.Organisation != "" || u.Description != "" || u.Name != b.Name {
		t.Errorf("UpdateBody = %+v", u)
	}
	sameTime(t, "UpdatedAt", u.UpdatedAt, updated)
	again, err := e.s.FindBodyBySlug(e.ctx, "regionala-samverkansradet")
	must(t, err)
	if !reflect.DeepEqual(again, u) {
		t.Errorf("body read back = %+v, want %+v", again, u)
	}
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("body"), EntityID: &b.ID, Limit: 1})
	must(t, err)
	if f := cs[0].Fields["minutes_need_approval"]; f.Old != "true" || f.New != "false" {
		t.Errorf("recorded minutes_need_approval change = %+v", f)
	}
	before := e.changeCount()
	e.clock.Advance(time.Hour)
	same, err := e.s.UpdateBody(e.ctx, "regionala-samverkansradet", calendar.BodyUpdate{MinutesNeedApproval: ptr(false), Name: ptr(b.Name)})
	must(t, err)
	if n := e.changeCount(); n != before || !same.UpdatedAt.Equal(updated) {
		t.Errorf("no-op UpdateBody recorded %d changes and moved UpdatedAt to %v", n-before, same.UpdatedAt)
	}
	_, err = e.s.UpdateBody(e.ctx, "regionala-samverkansradet", calendar.BodyUpdate{Organisation: ptr("nora")})
	wantErr(t, err, calendar.EINVALID, `organisation "nora" does not exist`)
	_, err = e.s.UpdateBody(e.ctx, "regionala-samverkansradet", calendar.BodyUpdate{Kind: ptr(calendar.BodyKind("x"))})
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.UpdateBody(e.ctx, "x", calendar.BodyUpdate{Name: ptr("X")})
	wantErr(t, err, calendar.ENOTFOUND)
}

func testBodyDelete(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Public)
	e.person("maria")
	m := e.membership("folkhalsa", "maria", calendar.Date{}, calendar.Date{})
	e.meeting("Gemensamt", day(2025, 9, 20), 9, 12, "folkhalsa", "valfard")
	e.meeting("Eget", day(2025, 9, 27), 9, 12, "folkhalsa")

	wantErr(t, e.s.DeleteBody(e.ctx, "folkhalsa"), calendar.ECONFLICT, `body "folkhalsa" still has 2 meetings`)
	wantErr(t, e.s.DeleteBody(e.ctx, "valfard"), calendar.ECONFLICT, `body "valfard" still has 1 meeting;`)

	ms, err := e.s.FindMeetings(e.ctx, calendar.MeetingFilter{Bodies: []string{"folkhalsa"}})
	must(t, err)
	for _, mt := range ms {
		must(t, e.s.DeleteMeeting(e.ctx, mt.ID))
	}
	must(t, e.s.DeleteBody(e.ctx, "folkhalsa"))
	_, err = e.s.FindBodyBySlug(e.ctx, "folkhalsa")
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.FindMembershipByID(e.ctx, m.ID)
	wantErr(t, err, calendar.ENOTFOUND)
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("membership"), EntityID: &m.ID, Limit: 1})
	must(t, err)
	if len(cs) != 1 || cs[0].Action != calendar.ActionDelete {
		t.Errorf("latest change of the body's membership = %+v, want a delete", cs)
	}
	must(t, e.s.DeleteBody(e.ctx, "valfard"))
	wantErr(t, e.s.DeleteBody(e.ctx, "valfard"), calendar.ENOTFOUND)
}

func testMemberships(t *testing.T, e *env) {
	e.body("folkhalsa", calendar.Public)
	e.body("valfard", calendar.Restricted)
	e.person("maria")
	e.person("anders")

	m := &calendar.Membership{Body: "folkhalsa", Person: "maria", Role: calendar.RoleChair, From: day(2025, 1, 1), Until: day(2025, 12, 31)}
	must(t, e.s.CreateMembership(e.ctx, m))
	got, err := e.s.FindMembershipByID(e.ctx, m.ID)
	must(t, err)
	if *got != *m {
		t.Errorf("FindMembershipByID = %+v, want %+v", got, m)
	}
	open := e.membership("valfard", "maria", calendar.Date{}, calendar.Date{})
	e.membership("folkhalsa", "anders", day(2026, 1, 1), calendar.Date{})

	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "maria", Role: calendar.RoleChair, From: day(2025, 1, 1)}),
		calendar.ECONFLICT, `person "maria" already has the role ordforande in body "folkhalsa" from 2025-01-01`)
	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "valfard", Person: "maria", Role: calendar.RoleMember}),
		calendar.ECONFLICT, "without a first day")
	// Same role from another day (a new term) and another role are fine.
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "maria", Role: calendar.RoleChair, From: day(2026, 1, 1)}))
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "valfard", Person: "maria", Role: calendar.RoleSecretary}))
	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "nothing", Person: "maria", Role: calendar.RoleMember}),
		calendar.EINVALID, `body "nothing" does not exist`)
	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "olle", Role: calendar.RoleMember}),
		calendar.EINVALID, `person "olle" does not exist`)
	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "maria", Role: "boss"}), calendar.EINVALID, "role")
	wantErr(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "folkhalsa", Person: "anders", Role: calendar.RoleMember,
		From: day(2025, 2, 1), Until: day(2025, 1, 1)}), calendar.EINVALID, "ends")

	count := func(f calendar.MembershipFilter) int {
		ms, err := e.s.FindMemberships(e.ctx, f)
		must(t, err)
		return len(ms)
	}
	for _, tc := range []struct {
		name string
		f    calendar.MembershipFilter
		want int
	}{
		{"all", calendar.MembershipFilter{}, 5},
		{"body", calendar.MembershipFilter{Body: ptr("folkhalsa")}, 3},
		{"person", calendar.MembershipFilter{Person: ptr("maria")}, 4},
		{"body and person", calendar.MembershipFilter{Body: ptr("folkhalsa"), Person: ptr("anders")}, 1},
		{"active before the chair's first day", calendar.MembershipFilter{Person: ptr("maria"), ActiveOn: ptr(day(2024, 12, 31))}, 2},
		{"active on the chair's first day", calendar.MembershipFilter{Person: ptr("maria"), ActiveOn: ptr(day(2025, 1, 1))}, 3},
		{"active on the chair's last day", calendar.MembershipFilter{Person: ptr("maria"), ActiveOn: ptr(day(2025, 12, 31))}, 3},
		{"active after", calendar.MembershipFilter{Body: ptr("folkhalsa"), ActiveOn: ptr(day(2026, 1, 1))}, 2},
	} {
		if got := count(tc.f); got != tc.want {
			t.Errorf("FindMemberships %s: got %d, want %d", tc.name, got, tc.want)
		}
	}
	all, err := e.s.FindMemberships(e.ctx, calendar.MembershipFilter{})
	must(t, err)
	var order []string
	for _, m := range all {
		order = append(order, m.Body+"/"+m.Person+"/"+m.From.String())
	}
	if want := []string{"folkhalsa/anders/2026-01-01", "folkhalsa/maria/2025-01-01", "folkhalsa/maria/2026-01-01", "valfard/maria/", "valfard/maria/"}; !slices.Equal(order, want) {
		t.Errorf("FindMemberships order = %v, want %v", order, want)
	}

	updated := e.clock.Advance(time.Hour)
	u, err := e.s.UpdateMembership(e.ctx, m.ID, calendar.MembershipUpdate{Until: &calendar.Date{}, Role: ptr(calendar.RoleViceChair)})
	must(t, err)
	if !u.Until.IsZero() || u.Role != calendar.RoleViceChair || u.From != m.From {
		t.Errorf("UpdateMembership = %+v", u)
	}
	sameTime(t, "UpdatedAt", u.UpdatedAt, updated)
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("membership"), EntityID: &m.ID, Limit: 1})
	must(t, err)
	if f := cs[0].Fields["until"]; f.Old != "2025-12-31" || f.New != "" {
		t.Errorf("recorded until change = %+v", f)
	}
	before := e.changeCount()
	if _, err := e.s.UpdateMembership(e.ctx, m.ID, calendar.MembershipUpdate{Role: ptr(calendar.RoleViceChair)}); err != nil {
		t.Fatal(err)
	}
	if n := e.changeCount(); n != before {
		t.Errorf("no-op UpdateMembership recorded %d changes", n-before)
	}
	// Moving the open membership onto the secretary's role clashes.
	_, err = e.s.UpdateMembership(e.ctx, open.ID, calendar.MembershipUpdate{Role: ptr(calendar.RoleSecretary)})
	wantErr(t, err, calendar.ECONFLICT, `already has the role sekreterare in body "valfard"`)
	_, err = e.s.UpdateMembership(e.ctx, open.ID, calendar.MembershipUpdate{From: ptr(day(2025, 5, 1)), Until: ptr(day(2025, 4, 1))})
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.UpdateMembership(e.ctx, 9999, calendar.MembershipUpdate{Role: ptr(calendar.RoleMember)})
	wantErr(t, err, calendar.ENOTFOUND, "membership 9999 does not exist")

	must(t, e.s.DeleteMembership(e.ctx, m.ID))
	_, err = e.s.FindMembershipByID(e.ctx, m.ID)
	wantErr(t, err, calendar.ENOTFOUND)
	wantErr(t, e.s.DeleteMembership(e.ctx, m.ID), calendar.ENOTFOUND)
}

func testRooms(t *testing.T, e *env) {
	r := &calendar.Room{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro", Capacity: 24}
	must(t, e.s.CreateRoom(e.ctx, r))
	got, err := e.s.FindRoomBySlug(e.ctx, "lokal-eken")
	must(t, err)
	if *got != *r {
		t.Errorf("FindRoomBySlug = %+v, want %+v", got, r)
	}
	e.room("lokal-enen")
	all, err := e.s.FindRooms(e.ctx)
	must(t, err)
	if len(all) != 2 || all[0].Slug != "lokal-eken" || all[1].Slug != "lokal-enen" {
		t.Errorf("FindRooms = %+v", all)
	}
	wantErr(t, e.s.CreateRoom(e.ctx, &calendar.Room{Slug: "lokal-eken", Name: "Again"}), calendar.ECONFLICT, `room "lokal-eken" already exists`)
	wantErr(t, e.s.CreateRoom(e.ctx, &calendar.Room{Slug: "x", Name: "X", Capacity: -1}), calendar.EINVALID, "capacity")
	_, err = e.s.FindRoomBySlug(e.ctx, "x")
	wantErr(t, err, calendar.ENOTFOUND, `room "x" does not exist`)

	updated := e.clock.Advance(time.Hour)
	u, err := e.s.UpdateRoom(e.ctx, "lokal-eken", calendar.RoomUpdate{Capacity: ptr(0), Address: ptr("")})
	must(t, err)
	if u.Capacity != 0 || u.Address != "" || u.Name != "Lokal Eken" {
		t.Errorf("UpdateRoom = %+v", u)
	}
	sameTime(t, "UpdatedAt", u.UpdatedAt, updated)
	before := e.changeCount()
	if _, err := e.s.UpdateRoom(e.ctx, "lokal-eken", calendar.RoomUpdate{Name: ptr("Lokal Eken")}); err != nil {
		t.Fatal(err)
	}
	if n := e.changeCount(); n != before {
		t.Errorf("no-op UpdateRoom recorded %d changes", n-before)
	}
	_, err = e.s.UpdateRoom(e.ctx, "lokal-eken", calendar.RoomUpdate{Address: ptr("a\nb")})
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.UpdateRoom(e.ctx, "x", calendar.RoomUpdate{Name: ptr("X")})
	wantErr(t, err, calendar.ENOTFOUND)

	e.body("folkhalsa", calendar.Public)
	m := &calendar.Meeting{Bodies: []string{"folkhalsa"}, Start: day(2025, 1, 21).At(13, 0), End: day(2025, 1, 21).At(16, 30),
		Room: "lokal-eken", Status: calendar.StatusCancelled}
	must(t, e.s.CreateMeeting(e.ctx, m))
	wantErr(t, e.s.DeleteRoom(e.ctx, "lokal-eken"), calendar.ECONFLICT, `room "lokal-eken" is used by 1 meeting`)
	must(t, e.s.DeleteRoom(e.ctx, "lokal-enen"))
	_, err = e.s.FindRoomBySlug(e.ctx, "lokal-enen")
	wantErr(t, err, calendar.ENOTFOUND)
	wantErr(t, e.s.DeleteRoom(e.ctx, "lokal-enen"), calendar.ENOTFOUND)
}

// testPersonCalendarDelivery: a new person gets invitations (what everyone
// got before the choice), the choice is kept and recorded, and an unknown
// one is EINVALID.
func testPersonCalendarDelivery(t *testing.T, e *env) {
	p := e.person("maria")
	if p.Delivery != calendar.DeliveryInvitations {
		t.Errorf("a new person's Delivery = %q, want %q", p.Delivery, calendar.DeliveryInvitations)
	}
	got, err := e.s.FindPersonByKey(e.ctx, "maria")
	must(t, err)
	if got.Delivery != calendar.DeliveryInvitations || !got.Delivery.Invitations() {
		t.Errorf("stored Delivery = %q", got.Delivery)
	}
	before := e.changeCount()
	feed := calendar.DeliveryFeed
	u, err := e.s.UpdatePerson(e.ctx, "maria", calendar.PersonUpdate{Delivery: &feed})
	must(t, err)
	got, err = e.s.FindPersonByKey(e.ctx, "maria")
	must(t, err)
	if u.Delivery != feed || got.Delivery != feed || got.Delivery.Invitations() {
		t.Errorf("after choosing the feed: returned %q, stored %q", u.Delivery, got.Delivery)
	}
	if e.changeCount() != before+1 {
		t.Errorf("choosing the feed recorded %d changes, want 1", e.changeCount()-before)
	}
	bad := calendar.CalendarDelivery("fax")
	_, err = e.s.UpdatePerson(e.ctx, "maria", calendar.PersonUpdate{Delivery: &bad})
	wantErr(t, err, calendar.EINVALID, "calendar delivery")
	err = e.s.CreatePerson(e.ctx, &calendar.Person{Key: "olle", Name: "Olle", Delivery: calendar.DeliveryBoth})
	must(t, err)
	got, err = e.s.FindPersonByKey(e.ctx, "olle")
	must(t, err)
	if got.Delivery != calendar.DeliveryBoth {
		t.Errorf("created with both: stored %q", got.Delivery)
	}
}

// testClaimCalendarLinkMail: the calendar link is mailed at most once in
// calendar.CalendarLinkMailEvery per person, and to no unknown person.
func testClaimCalendarLinkMail(t *testing.T, e *env) {
	e.person("maria")
	e.person("olle")
	must(t, e.s.ClaimCalendarLinkMail(e.ctx, "maria"))
	wantErr(t, e.s.ClaimCalendarLinkMail(e.ctx, "maria"), calendar.ECONFLICT)
	must(t, e.s.ClaimCalendarLinkMail(e.ctx, "olle")) // per person
	e.clock.Advance(calendar.CalendarLinkMailEvery - time.Second)
	wantErr(t, e.s.ClaimCalendarLinkMail(e.ctx, "maria"), calendar.ECONFLICT)
	e.clock.Advance(time.Second)
	must(t, e.s.ClaimCalendarLinkMail(e.ctx, "maria"))
	wantErr(t, e.s.ClaimCalendarLinkMail(e.ctx, "nobody"), calendar.ENOTFOUND)
}
