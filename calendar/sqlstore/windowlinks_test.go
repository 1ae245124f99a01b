package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestWindowLinks: the personal links of a booking window's page behave
// as those of a meeting: one per window and person, the same token for
// concurrent callers, revocable, found by token, and gone with the window
// or the person.
func TestWindowLinks(t *testing.T) {
	runSuite(t, time.Date(2025, 6, 2, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"EnsureSameLink", testWindowLinkSame},
		{"EnsureConcurrent", testWindowLinkConcurrent},
		{"RevokeThenEnsure", testWindowLinkRevoke},
		{"Errors", testWindowLinkErrors},
		{"GoWithWindowAndPerson", testWindowLinkCascade},
	})
}

// linkWindow creates a body, the people and a booking window of weeks
// 37–38 of 2025.
func (e *env) linkWindow(people ...string) *calendar.BookingWindow {
	e.t.Helper()
	e.body("lansdel-norr", calendar.Public)
	for _, p := range people {
		e.person(p)
	}
	w := &calendar.BookingWindow{Name: "Hösten 2025", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}, {Year: 2025, Week: 38}},
		Bodies: []string{"lansdel-norr"}, DurationMinutes: 120, Weekdays: []calendar.Weekday{calendar.Weekday(time.Monday)},
		Hours: []calendar.TimeSpan{{From: calendar.Clock(9 * 60), To: calendar.Clock(16 * 60)}}}
	must(e.t, e.s.CreateBookingWindow(e.ctx, w))
	return w
}

func testWindowLinkSame(t *testing.T, e *env) {
	w := e.linkWindow("maria")
	until := day(2025, 9, 22).Start()
	l, err := e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until)
	must(t, err)
	if len(l.Token) != 43 || l.Purpose != calendar.LinkBooking || l.WindowID != w.ID || l.MeetingID != 0 || l.Person != "maria" ||
		!l.ExpiresAt.Equal(until) || !l.RevokedAt.IsZero() {
		t.Fatalf("EnsureWindowLink = %+v; want a 43-character bokning link of window %d for maria until %s", l, w.ID, until)
	}
	again, err := e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until.Add(time.Hour))
	must(t, err)
	if again.Token != l.Token || again.ID != l.ID || !again.ExpiresAt.Equal(until.Add(time.Hour)) {
		t.Errorf("second EnsureWindowLink = %+v, want the same token with the new expiry", again)
	}
	got := e.link(l.Token)
	if got.Purpose != calendar.LinkBooking || got.WindowID != w.ID || got.Person != "maria" || got.MeetingID != 0 {
		t.Errorf("FindLinkByToken = %+v, want maria's bokning link of window %d", got, w.ID)
	}
	// A meeting link with the same person is another link.
	m := e.meeting("Länsdel Norr", day(2025, 9, 8), 9, 11, "lansdel-norr")
	ml := e.ensure(calendar.LinkAgenda, m.ID, "maria", until)
	if ml.Token == l.Token || e.link(ml.Token).Purpose != calendar.LinkAgenda {
		t.Errorf("a meeting link of the same person shares the token or purpose")
	}
}

func testWindowLinkConcurrent(t *testing.T, e *env) {
	w := e.linkWindow("maria")
	until := day(2025, 9, 22).Start()
	const n = 8
	links := make([]*calendar.PersonalLink, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { links[i], errs[i] = e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("concurrent EnsureWindowLink %d: %v", i, errs[i])
		}
		if links[i].Token != links[0].Token {
			t.Errorf("concurrent EnsureWindowLink %d got another token than caller 0", i)
		}
	}
	if n, err := e.s.RevokeWindowLinks(e.ctx, w.ID, e.clock.Now()); err != nil || n != 1 {
		t.Errorf("after concurrent ensures RevokeWindowLinks = %d, %v; want 1 link", n, err)
	}
}

func testWindowLinkRevoke(t *testing.T, e *env) {
	w := e.linkWindow("maria", "ida")
	until := day(2025, 9, 22).Start()
	maria, err := e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until)
	must(t, err)
	_, err = e.s.EnsureWindowLink(e.ctx, w.ID, "ida", until)
	must(t, err)
	now := e.clock.Now()
	if n, err := e.s.RevokeWindowLinks(e.ctx, w.ID, now); err != nil || n != 2 {
		t.Fatalf("RevokeWindowLinks = %d, %v; want 2", n, err)
	}
	if n, err := e.s.RevokeWindowLinks(e.ctx, w.ID, now); err != nil || n != 0 {
		t.Errorf("revoking again = %d, %v; want 0", n, err)
	}
	if got := e.link(maria.Token); !got.RevokedAt.Equal(now) || got.UsableAt(now) {
		t.Errorf("revoked link reads %+v", got)
	}
	fresh, err := e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until)
	must(t, err)
	if fresh.Token == maria.Token || !fresh.RevokedAt.IsZero() {
		t.Errorf("EnsureWindowLink after revocation = %+v, want a new unrevoked link", fresh)
	}
}

func testWindowLinkErrors(t *testing.T, e *env) {
	w := e.linkWindow("maria")
	until := day(2025, 9, 22).Start()
	_, err := e.s.EnsureWindowLink(e.ctx, w.ID+1, "maria", until)
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.EnsureWindowLink(e.ctx, w.ID, "okand", until)
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.EnsureWindowLink(e.ctx, w.ID, "maria", time.Time{})
	wantErr(t, err, calendar.EINVALID)
	m := e.meeting("Länsdel Norr", day(2025, 9, 8), 9, 11, "lansdel-norr")
	_, err = e.s.EnsureLink(e.ctx, calendar.LinkBooking, m.ID, "maria", until)
	wantErr(t, err, calendar.EINVALID)
	_, err = e.s.RevokeLinks(e.ctx, m.ID, calendar.LinkBooking, e.clock.Now())
	wantErr(t, err, calendar.EINVALID)
}

func testWindowLinkCascade(t *testing.T, e *env) {
	w := e.linkWindow("maria", "ida")
	until := day(2025, 9, 22).Start()
	maria, err := e.s.EnsureWindowLink(e.ctx, w.ID, "maria", until)
	must(t, err)
	ida, err := e.s.EnsureWindowLink(e.ctx, w.ID, "ida", until)
	must(t, err)
	must(t, e.s.DeletePerson(e.ctx, "ida"))
	_, err = e.s.FindLinkByToken(e.ctx, ida.Token)
	wantErr(t, err, calendar.ENOTFOUND)
	must(t, e.s.DeleteBookingWindow(e.ctx, w.ID))
	_, err = e.s.FindLinkByToken(e.ctx, maria.Token)
	wantErr(t, err, calendar.ENOTFOUND)
}
