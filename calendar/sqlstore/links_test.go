package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// suiteCase is one test of a suite that runs on every engine.
type suiteCase struct {
	name string
	fn   func(t *testing.T, e *env)
}

// runSuite runs every case on every engine, each on a fresh database whose
// clock starts at start.
func runSuite(t *testing.T, start time.Time, cases []suiteCase) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: start}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					tc.fn(t, &env{t: t, s: s, clock: clk, ctx: context.Background()})
				})
			}
		})
	}
}

func TestLinks(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 7, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"EnsureSameLink", testLinkEnsureSame},
		{"EnsureConcurrent", testLinkEnsureConcurrent},
		{"RevokeThenEnsure", testLinkRevoke},
		{"Errors", testLinkErrors},
		{"GoWithMeetingAndPerson", testLinkCascade},
	})
}

// linkMeeting creates a body, the people and a meeting on 2025-01-21.
func (e *env) linkMeeting(people ...string) *calendar.Meeting {
	e.t.Helper()
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	for _, p := range people {
		e.person(p)
	}
	return e.meeting("Chefsgrupp folkhälsa", day(2025, 1, 21), 13, 16, "chefsgrupp-folkhalsa")
}

// ensure calls EnsureLink and fails on an error.
func (e *env) ensure(purpose calendar.LinkPurpose, meetingID int64, person string, expires time.Time) *calendar.PersonalLink {
	e.t.Helper()
	l, err := e.s.EnsureLink(e.ctx, purpose, meetingID, person, expires)
	must(e.t, err)
	return l
}

func (e *env) link(token string) *calendar.PersonalLink {
	e.t.Helper()
	l, err := e.s.FindLinkByToken(e.ctx, token)
	must(e.t, err)
	return l
}

func (e *env) dataVersion() calendar.DataVersion {
	e.t.Helper()
	v, err := e.s.DataVersion(e.ctx)
	must(e.t, err)
	return v
}

func testLinkEnsureSame(t *testing.T, e *env) {
	m := e.linkMeeting("anna", "bo")
	deadline := day(2025, 1, 14).At(23, 59)
	before := e.dataVersion()
	l := e.ensure(calendar.LinkAgenda, m.ID, "anna", deadline)
	if len(l.Token) != 43 || l.ID == 0 || l.Purpose != calendar.LinkAgenda || l.MeetingID != m.ID || l.Person != "anna" || !l.RevokedAt.IsZero() {
		t.Fatalf("EnsureLink = %+v; want a 43-character token, an id, anmalan, meeting %d, anna, not revoked", l, m.ID)
	}
	sameTime(t, "ExpiresAt", l.ExpiresAt, deadline)
	sameTime(t, "CreatedAt", l.CreatedAt, e.clock.Now())
	if !l.UsableAt(deadline.Add(-time.Second)) || l.UsableAt(deadline) {
		t.Errorf("UsableAt: want usable before %v and not at it", deadline)
	}

	e.clock.Advance(time.Hour)
	again := e.ensure(calendar.LinkAgenda, m.ID, "anna", deadline)
	if *again != *l {
		t.Errorf("second EnsureLink = %+v, want the same link %+v", again, l)
	}
	// A moved meeting moves the deadline; the token stays.
	later := deadline.Add(48 * time.Hour)
	moved := e.ensure(calendar.LinkAgenda, m.ID, "anna", later)
	if moved.Token != l.Token || moved.ID != l.ID {
		t.Errorf("EnsureLink with a new expiry gave token %q (id %d), want the same %q (id %d)", moved.Token, moved.ID, l.Token, l.ID)
	}
	sameTime(t, "ExpiresAt after the move", moved.ExpiresAt, later)
	sameTime(t, "stored ExpiresAt after the move", e.link(l.Token).ExpiresAt, later)
	sameTime(t, "CreatedAt after the move", moved.CreatedAt, l.CreatedAt)

	// Another purpose or person is another link.
	j := e.ensure(calendar.LinkJustering, m.ID, "anna", later)
	b := e.ensure(calendar.LinkAgenda, m.ID, "bo", later)
	if j.Token == l.Token || b.Token == l.Token || j.Token == b.Token {
		t.Errorf("tokens of different links are equal: %q %q %q", l.Token, j.Token, b.Token)
	}
	if got := e.link(j.Token); got.Purpose != calendar.LinkJustering || got.Person != "anna" {
		t.Errorf("FindLinkByToken = %+v, want anna's justering link", got)
	}
	if after := e.dataVersion(); after != before {
		t.Errorf("links moved DataVersion from %+v to %+v; links record no change", before, after)
	}
}

func testLinkEnsureConcurrent(t *testing.T, e *env) {
	m := e.linkMeeting("anna")
	base := day(2025, 1, 14).At(12, 0)
	const n = 8
	links := make([]*calendar.PersonalLink, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			// Different expiries, so that some callers take the update path.
			links[i], errs[i] = e.s.EnsureLink(e.ctx, calendar.LinkAgenda, m.ID, "anna", base.Add(time.Duration(i%2)*time.Hour))
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("concurrent EnsureLink %d: %v", i, errs[i])
		}
		if links[i].Token != links[0].Token || links[i].ID != links[0].ID {
			t.Errorf("concurrent EnsureLink %d got token %q (id %d), caller 0 got %q (id %d); want one link",
				i, links[i].Token, links[i].ID, links[0].Token, links[0].ID)
		}
	}
	revoked, err := e.s.RevokeLinks(e.ctx, m.ID, calendar.LinkAgenda, e.clock.Now())
	must(t, err)
	if revoked != 1 {
		t.Errorf("after %d concurrent EnsureLink calls %d links were stored, want 1", n, revoked)
	}
}

func testLinkRevoke(t *testing.T, e *env) {
	m := e.linkMeeting("anna")
	other := e.meeting("Annat möte", day(2025, 2, 4), 9, 10, "chefsgrupp-folkhalsa")
	expires := day(2025, 1, 14).At(23, 59)
	agenda := e.ensure(calendar.LinkAgenda, m.ID, "anna", expires)
	just := e.ensure(calendar.LinkJustering, m.ID, "anna", expires)
	elsewhere := e.ensure(calendar.LinkAgenda, other.ID, "anna", expires)

	now := e.clock.Advance(time.Hour)
	n, err := e.s.RevokeLinks(e.ctx, m.ID, calendar.LinkAgenda, now)
	must(t, err)
	if n != 1 {
		t.Errorf("RevokeLinks(anmalan) = %d, want 1", n)
	}
	old := e.link(agenda.Token)
	sameTime(t, "RevokedAt", old.RevokedAt, now)
	if old.UsableAt(now.Add(-2 * time.Hour)) {
		t.Error("a revoked link is usable")
	}
	if got := e.link(just.Token); !got.RevokedAt.IsZero() {
		t.Errorf("revoking anmalan links revoked the justering link at %v", got.RevokedAt)
	}

	fresh := e.ensure(calendar.LinkAgenda, m.ID, "anna", expires)
	if fresh.Token == agenda.Token || fresh.ID == agenda.ID || !fresh.RevokedAt.IsZero() {
		t.Errorf("EnsureLink after revocation = %+v, want a new unrevoked link (old token %q, id %d)", fresh, agenda.Token, agenda.ID)
	}
	sameTime(t, "CreatedAt of the new link", fresh.CreatedAt, now)
	if got := e.link(agenda.Token); got.RevokedAt.IsZero() {
		t.Error("the old token is no longer revoked after a new link was made")
	}
	if again := e.ensure(calendar.LinkAgenda, m.ID, "anna", expires); again.Token != fresh.Token {
		t.Errorf("EnsureLink after the new link gave %q, want %q", again.Token, fresh.Token)
	}

	n, err = e.s.RevokeLinks(e.ctx, m.ID, "", now)
	must(t, err)
	if n != 2 {
		t.Errorf("RevokeLinks(every purpose) = %d, want 2 (the new anmalan link and the justering link)", n)
	}
	n, err = e.s.RevokeLinks(e.ctx, m.ID, "", now)
	must(t, err)
	if n != 0 {
		t.Errorf("RevokeLinks again = %d, want 0", n)
	}
	if got := e.link(elsewhere.Token); !got.RevokedAt.IsZero() {
		t.Error("revoking one meeting's links revoked another meeting's")
	}
	n, err = e.s.RevokeLinks(e.ctx, 999, "", now)
	if err != nil || n != 0 {
		t.Errorf("RevokeLinks of an unknown meeting = %d, %v; want 0, nil", n, err)
	}
}

func testLinkErrors(t *testing.T, e *env) {
	m := e.linkMeeting("anna")
	expires := day(2025, 1, 14).At(23, 59)
	for _, tc := range []struct {
		name    string
		purpose calendar.LinkPurpose
		meeting int64
		person  string
		expires time.Time
		want    string
	}{
		{"unknown purpose", "vote", m.ID, "anna", expires, `link purpose "vote" is unknown; use anmalan, justering or forhinder`},
		{"no purpose", "", m.ID, "anna", expires, `link purpose "" is unknown`},
		{"unknown meeting", calendar.LinkAgenda, 999, "anna", expires, "meeting 999 does not exist"},
		{"unknown person", calendar.LinkAgenda, m.ID, "nobody", expires, `person "nobody" does not exist`},
		{"no expiry", calendar.LinkAgenda, m.ID, "anna", time.Time{}, "needs the time it expires"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := e.s.EnsureLink(e.ctx, tc.purpose, tc.meeting, tc.person, tc.expires)
			wantErr(t, err, calendar.EINVALID, tc.want)
			if l != nil {
				t.Errorf("EnsureLink returned %+v with an error", l)
			}
		})
	}
	n, err := e.s.RevokeLinks(e.ctx, m.ID, calendar.LinkAgenda, e.clock.Now())
	must(t, err)
	if n != 0 {
		t.Errorf("failed EnsureLink calls stored %d links", n)
	}
	for _, token := range []string{"", "no-such-token"} {
		_, err := e.s.FindLinkByToken(e.ctx, token)
		wantErr(t, err, calendar.ENOTFOUND, "no personal link has this token")
	}
	_, err = e.s.RevokeLinks(e.ctx, m.ID, "vote", e.clock.Now())
	wantErr(t, err, calendar.EINVALID, `link purpose "vote" is unknown`)
	_, err = e.s.RevokeLinks(e.ctx, m.ID, "", time.Time{})
	wantErr(t, err, calendar.EINVALID, "time of revocation")
}

func testLinkCascade(t *testing.T, e *env) {
	m := e.linkMeeting("anna", "bo")
	expires := day(2025, 1, 14).At(23, 59)
	anna := e.ensure(calendar.LinkAgenda, m.ID, "anna", expires)
	bo := e.ensure(calendar.LinkAgenda, m.ID, "bo", expires)
	other := e.meeting("Annat möte", day(2025, 2, 4), 9, 10, "chefsgrupp-folkhalsa")
	boOther := e.ensure(calendar.LinkAgenda, other.ID, "bo", expires)

	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	for _, l := range []*calendar.PersonalLink{anna, bo} {
		_, err := e.s.FindLinkByToken(e.ctx, l.Token)
		wantErr(t, err, calendar.ENOTFOUND)
	}
	e.link(boOther.Token)
	must(t, e.s.DeletePerson(e.ctx, "bo"))
	_, err := e.s.FindLinkByToken(e.ctx, boOther.Token)
	wantErr(t, err, calendar.ENOTFOUND)
}
