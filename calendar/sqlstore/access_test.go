package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestAccess(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 7, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"RightsFromGrantsAndMemberships", testRights},
		{"GrantRevokeRecorded", testGrantRevoke},
		{"PersonByEmail", testPersonByEmail},
		{"SessionLifetimeAndIdle", testSessionLifetime},
		{"SessionsEnd", testSessionsEnd},
		{"SignInLinkOnce", testSignInLinkOnce},
		{"SignInLinkConcurrent", testSignInLinkConcurrent},
		{"SignInLinkLimit", testSignInLinkLimit},
		{"TokensHashedAndRevoked", testTokens},
		{"ChangesNameTheActor", testChangeActor},
	})
}

func testRights(t *testing.T, e *env) {
	e.body("rad", calendar.Public)
	e.body("grupp", calendar.Restricted)
	e.body("annat", calendar.Public)
	e.person("anna")
	// A sekreterare membership active today makes Anna the council's
	// secretary; an ended one does not; a grant does.
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "rad", Person: "anna", Role: calendar.RoleSecretary, From: day(2024, 1, 1)}))
	must(t, e.s.CreateMembership(e.ctx, &calendar.Membership{Body: "annat", Person: "anna", Role: calendar.RoleSecretary, From: day(2023, 1, 1), Until: day(2024, 12, 31)}))
	e.membership("grupp", "anna", calendar.Date{}, calendar.Date{})
	r, err := e.s.FindRights(e.ctx, "anna", day(2025, 1, 7))
	must(t, err)
	if r.Admin || !r.Secretary["rad"] || r.Secretary["annat"] || r.Secretary["grupp"] || !r.Member["grupp"] || !r.Member["rad"] || r.Member["annat"] {
		t.Fatalf("rights %+v, want secretary of rad, member of rad and grupp", r)
	}
	if r.Name != "Person anna" || r.PersonID == 0 {
		t.Errorf("rights name %q id %d", r.Name, r.PersonID)
	}
	_, err = e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessSecretary, Body: "annat"})
	must(t, err)
	r, err = e.s.FindRights(e.ctx, "anna", day(2025, 1, 7))
	must(t, err)
	if !r.Secretary["annat"] {
		t.Errorf("a grant did not make Anna secretary: %+v", r)
	}
	_, err = e.s.FindRights(e.ctx, "ingen", day(2025, 1, 7))
	wantErr(t, err, calendar.ENOTFOUND)
}

func testGrantRevoke(t *testing.T, e *env) {
	e.body("rad", calendar.Public)
	e.person("anna")
	g, err := e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessAdmin})
	must(t, err)
	again, err := e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessAdmin})
	must(t, err)
	if again.ID != g.ID {
		t.Errorf("granting twice made two grants: %d, %d", g.ID, again.ID)
	}
	_, err = e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessSecretary, Body: "rad"})
	must(t, err)
	for _, bad := range []calendar.Grant{
		{Person: "anna", Role: "kung"},
		{Person: "anna", Role: calendar.AccessSecretary},
		{Person: "anna", Role: calendar.AccessAdmin, Body: "rad"},
	} {
		_, err := e.s.GrantRole(e.ctx, bad)
		wantErr(t, err, calendar.EINVALID)
	}
	_, err = e.s.GrantRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessSecretary, Body: "finns-inte"})
	wantErr(t, err, calendar.EINVALID, "finns-inte")
	gs, err := e.s.FindGrants(e.ctx, calendar.GrantFilter{Person: ptr("anna")})
	must(t, err)
	if len(gs) != 2 || gs[0].Role != calendar.AccessAdmin || gs[1].Body != "rad" {
		t.Fatalf("grants %+v", gs)
	}
	must(t, e.s.RevokeRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessAdmin}))
	wantErr(t, e.s.RevokeRole(e.ctx, calendar.Grant{Person: "anna", Role: calendar.AccessAdmin}), calendar.ENOTFOUND)
	r, err := e.s.FindRights(e.ctx, "anna", day(2025, 1, 7))
	must(t, err)
	if r.Admin {
		t.Error("revoked admin is still admin")
	}
	role := "role"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &role})
	must(t, err)
	if len(cs) != 3 || cs[0].Action != calendar.ActionDelete || cs[0].Fields["role"].Old != "admin" {
		t.Errorf("role changes %+v, want create, create, delete", cs)
	}
}

func testPersonByEmail(t *testing.T, e *env) {
	e.person("anna") // anna@example.se
	p, err := e.s.FindPersonByEmail(e.ctx, " ANNA@Example.SE ")
	must(t, err)
	if p.Key != "anna" {
		t.Errorf("found %q", p.Key)
	}
	_, err = e.s.FindPersonByEmail(e.ctx, "okand@example.se")
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.FindPersonByEmail(e.ctx, "")
	wantErr(t, err, calendar.ENOTFOUND)
	must(t, e.s.CreatePerson(e.ctx, &calendar.Person{Key: "anna2", Name: "Anna två", Email: "Anna@example.se"}))
	_, err = e.s.FindPersonByEmail(e.ctx, "anna@example.se")
	wantErr(t, err, calendar.ECONFLICT, "anna", "anna2")
}

func testSessionLifetime(t *testing.T, e *env) {
	e.person("anna")
	secret, s, err := e.s.CreateSession(e.ctx, "anna", "link", 8*time.Hour)
	must(t, err)
	if len(secret) < 40 || s.Person != "anna" || s.Via != "link" {
		t.Fatalf("session %q %+v", secret, s)
	}
	idle := 30 * time.Minute
	for range 10 { // 10 × 20 min: never idle for 30 minutes
		e.clock.Advance(20 * time.Minute)
		if _, err := e.s.FindSession(e.ctx, secret, idle); err != nil {
			t.Fatalf("at %s: %v", e.clock.Now(), err)
		}
	}
	e.clock.Advance(31 * time.Minute)
	_, err = e.s.FindSession(e.ctx, secret, idle)
	wantErr(t, err, calendar.ENOTFOUND)

	secret, _, err = e.s.CreateSession(e.ctx, "anna", "oidc", time.Hour)
	must(t, err)
	e.clock.Advance(59 * time.Minute)
	_, err = e.s.FindSession(e.ctx, secret, 0)
	must(t, err)
	e.clock.Advance(time.Minute)
	_, err = e.s.FindSession(e.ctx, secret, 0)
	wantErr(t, err, calendar.ENOTFOUND)
	_, err = e.s.FindSession(e.ctx, "", 0)
	wantErr(t, err, calendar.ENOTFOUND)
}

func testSessionsEnd(t *testing.T, e *env) {
	e.person("anna")
	e.person("bo")
	a1, _, err := e.s.CreateSession(e.ctx, "anna", "link", time.Hour)
	must(t, err)
	a2, _, err := e.s.CreateSession(e.ctx, "anna", "oidc", time.Hour)
	must(t, err)
	b1, _, err := e.s.CreateSession(e.ctx, "bo", "link", time.Hour)
	must(t, err)
	ss, err := e.s.FindSessions(e.ctx, "anna")
	must(t, err)
	if len(ss) != 2 {
		t.Fatalf("anna has %d sessions, want 2", len(ss))
	}
	must(t, e.s.EndSession(e.ctx, a1))
	if _, err := e.s.FindSession(e.ctx, a1, 0); calendar.ErrorCode(err) != calendar.ENOTFOUND {
		t.Errorf("ended session still works: %v", err)
	}
	must(t, e.s.EndSession(e.ctx, "okand")) // no error
	n, err := e.s.EndSessions(e.ctx, "anna")
	must(t, err)
	if n != 1 {
		t.Errorf("ended %d sessions, want 1", n)
	}
	if _, err := e.s.FindSession(e.ctx, a2, 0); calendar.ErrorCode(err) != calendar.ENOTFOUND {
		t.Errorf("session survived signing out everywhere: %v", err)
	}
	if _, err := e.s.FindSession(e.ctx, b1, 0); err != nil {
		t.Errorf("another person's session ended: %v", err)
	}
	_, err = e.s.EndSessions(e.ctx, "ingen")
	wantErr(t, err, calendar.ENOTFOUND)
}

func testSignInLinkOnce(t *testing.T, e *env) {
	e.person("anna")
	secret, err := e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
	must(t, err)
	person, err := e.s.UseSignInLink(e.ctx, secret)
	must(t, err)
	if person != "anna" {
		t.Errorf("link signs in %q", person)
	}
	_, err = e.s.UseSignInLink(e.ctx, secret)
	wantErr(t, err, calendar.ENOTFOUND, "used or has expired")

	late, err := e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
	must(t, err)
	e.clock.Advance(15 * time.Minute)
	_, err = e.s.UseSignInLink(e.ctx, late)
	wantErr(t, err, calendar.ENOTFOUND, "used or has expired")
	_, err = e.s.UseSignInLink(e.ctx, "okand")
	wantErr(t, err, calendar.ENOTFOUND, "used or has expired")
	_, err = e.s.CreateSignInLink(e.ctx, "ingen", time.Minute)
	wantErr(t, err, calendar.EINVALID)
}

// testSignInLinkConcurrent: of ten requests with one link at once (a mail
// scanner and the person), exactly one signs in.
func testSignInLinkConcurrent(t *testing.T, e *env) {
	e.person("anna")
	secret, err := e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 10 {
		wg.Go(func() {
			if _, err := e.s.UseSignInLink(e.ctx, secret); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if calendar.ErrorCode(err) != calendar.ENOTFOUND {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d requests signed in with one link, want 1", ok)
	}
}

func testTokens(t *testing.T, e *env) {
	e.person("anna")
	e.person("bo")
	k := &calendar.APIToken{Person: "anna", Name: "Skript för årsplan", Scope: calendar.ScopeWrite, Expires: day(2025, 3, 31)}
	secret, err := e.s.CreateAPIToken(e.ctx, k)
	must(t, err)
	if k.ID == 0 || len(secret) < 40 {
		t.Fatalf("token %+v secret %q", k, secret)
	}
	got, err := e.s.FindAPITokenBySecret(e.ctx, secret)
	must(t, err)
	if got.Person != "anna" || got.Scope != calendar.ScopeWrite || got.LastUsedAt.IsZero() {
		t.Errorf("found %+v", got)
	}
	for _, bad := range []*calendar.APIToken{
		{Person: "anna", Name: "", Scope: calendar.ScopeRead, Expires: day(2025, 2, 1)},
		{Person: "anna", Name: "x", Scope: "admin", Expires: day(2025, 2, 1)},
		{Person: "anna", Name: "x", Scope: calendar.ScopeRead},
		{Person: "anna", Name: "x", Scope: calendar.ScopeRead, Expires: day(2025, 1, 6)},
		{Person: "anna", Name: "x", Scope: calendar.ScopeRead, Expires: day(2026, 6, 1)},
		{Person: "ingen", Name: "x", Scope: calendar.ScopeRead, Expires: day(2025, 2, 1)},
	} {
		_, err := e.s.CreateAPIToken(e.ctx, bad)
		wantErr(t, err, calendar.EINVALID)
	}
	wantErr(t, e.s.RevokeAPIToken(e.ctx, "bo", k.ID), calendar.ENOTFOUND) // not Bo's
	must(t, e.s.RevokeAPIToken(e.ctx, "anna", k.ID))
	_, err = e.s.FindAPITokenBySecret(e.ctx, secret)
	wantErr(t, err, calendar.ENOTFOUND)
	wantErr(t, e.s.RevokeAPIToken(e.ctx, "anna", k.ID), calendar.ENOTFOUND)

	short := &calendar.APIToken{Person: "anna", Name: "kort", Scope: calendar.ScopeRead, Expires: day(2025, 1, 8)}
	secret, err = e.s.CreateAPIToken(e.ctx, short)
	must(t, err)
	e.clock.Advance(24 * time.Hour) // 8 January: still works
	_, err = e.s.FindAPITokenBySecret(e.ctx, secret)
	must(t, err)
	e.clock.Advance(24 * time.Hour)
	_, err = e.s.FindAPITokenBySecret(e.ctx, secret)
	wantErr(t, err, calendar.ENOTFOUND)
	ks, err := e.s.FindAPITokens(e.ctx, "anna")
	must(t, err)
	if len(ks) != 2 || ks[0].Name != "kort" || ks[1].RevokedAt.IsZero() {
		t.Errorf("tokens %+v", ks)
	}
}

func testChangeActor(t *testing.T, e *env) {
	e.person("anna")
	r, err := e.s.FindRights(e.ctx, "anna", day(2025, 1, 7))
	must(t, err)
	ctx := calendar.WithActor(e.ctx, calendar.Actor{PersonID: r.PersonID, Via: calendar.ViaToken, Token: "skript", RequestID: "req-1"})
	b := &calendar.Body{Slug: "rad", Name: "Rådet", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public}
	must(t, e.s.CreateBody(ctx, b))
	body := "body"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &body})
	must(t, err)
	a := cs[0].Actor
	if a.Person != "anna" || a.Name != "Person anna" || a.Via != calendar.ViaToken || a.Token != "skript" || a.RequestID != "req-1" {
		t.Errorf("actor %+v", a)
	}
}

// testSignInLinkLimit: at most calendar.MaxSignInLinks links per person in
// calendar.SignInLinkWindow, used or not, also when asked for at once; the
// next one is possible once the first is older than the window.
func testSignInLinkLimit(t *testing.T, e *env) {
	e.person("anna")
	e.person("bo")
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := 0
	for range 2 * calendar.MaxSignInLinks {
		wg.Go(func() {
			_, err := e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
			switch calendar.ErrorCode(err) {
			case "":
				mu.Lock()
				made++
				mu.Unlock()
			case calendar.ECONFLICT:
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if made != calendar.MaxSignInLinks {
		t.Fatalf("%d links made at once, want %d", made, calendar.MaxSignInLinks)
	}
	_, err := e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
	wantErr(t, err, calendar.ECONFLICT, "sign-in links were made for this person")
	_, err = e.s.CreateSignInLink(e.ctx, "bo", 15*time.Minute)
	must(t, err) // another person's limit is their own
	e.clock.Advance(calendar.SignInLinkWindow)
	_, err = e.s.CreateSignInLink(e.ctx, "anna", 15*time.Minute)
	must(t, err)
}
