package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// suite is the store test suite; TestStore runs every entry on every engine,
// each on a fresh database.
var suite = []struct {
	name string
	fn   func(t *testing.T, e *env)
}{
	{"Organisations", testOrganisations},
	{"OrganisationDelete", testOrganisationDelete},
	{"People", testPeople},
	{"PersonFeedToken", testPersonFeedToken},
	{"PersonCalendarDelivery", testPersonCalendarDelivery},
	{"ClaimCalendarLinkMail", testClaimCalendarLinkMail},
	{"PersonDeleteCascades", testPersonDeleteCascades},
	{"Bodies", testBodies},
	{"BodyDelete", testBodyDelete},
	{"Memberships", testMemberships},
	{"Rooms", testRooms},
	{"MeetingCreate", testMeetingCreate},
	{"MeetingCreateErrors", testMeetingCreateErrors},
	{"MeetingKeys", testMeetingKeys},
	{"MeetingUpdateSequence", testMeetingUpdateSequence},
	{"MeetingUpdateNoop", testMeetingUpdateNoop},
	{"MeetingCancel", testMeetingCancel},
	{"MeetingUpdateErrors", testMeetingUpdateErrors},
	{"MeetingDelete", testMeetingDelete},
	{"RoomDoubleBooking", testRoomDoubleBooking},
	{"FindMeetingsFilters", testFindMeetingsFilters},
	{"FindMeetingsPerson", testFindMeetingsPerson},
	{"FindMeetingsPublicOnly", testFindMeetingsPublicOnly},
	{"FindMeetingsScoped", testFindMeetingsScoped},
	{"FindMeetingsYear", testFindMeetingsYear},
	{"DaylightSaving", testDaylightSaving},
	{"Changes", testChanges},
	{"DataVersion", testDataVersion},
	{"FeedTouches", testFeedTouches},
	{"InTxCommit", testInTxCommit},
	{"InTxRollback", testInTxRollback},
	{"InTxNested", testInTxNested},
	{"InTxFailedCallLeavesTxUsable", testInTxFailedCall},
	{"AllOrNothingBatches", testAllOrNothingBatches},
	{"AllOrNothingFailedCall", testAllOrNothingFailedCall},
	{"ErrorCodeMapping", testErrorCodeMapping},
	{"ConcurrentWrites", testConcurrentWrites},
}

func TestStore(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					if s.Engine() != eng.Name {
						t.Fatalf("Engine() = %q, want %q", s.Engine(), eng.Name)
					}
					tc.fn(t, &env{t: t, s: s, clock: clk, ctx: context.Background()})
				})
			}
		})
	}
}

// clock is the injected Now: it stands still until a test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// env is what every suite test gets: a fresh store and its clock.
type env struct {
	t     *testing.T
	s     *sqlstore.Store
	clock *clock
	ctx   context.Context
}

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func ptr[T any](v T) *T { return &v }

// wantErr fails unless err has the code and its message contains every
// part.
func wantErr(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	if got := calendar.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	for _, p := range parts {
		if !strings.Contains(calendar.ErrorMessage(err), p) {
			t.Errorf("error message %q does not contain %q", calendar.ErrorMessage(err), p)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) org(slug string) *calendar.Organisation {
	e.t.Helper()
	o := &calendar.Organisation{Slug: slug, Name: "Org " + slug, Kind: calendar.OrgMunicipality}
	must(e.t, e.s.CreateOrganisation(e.ctx, o))
	return o
}

func (e *env) body(slug string, vis calendar.Visibility) *calendar.Body {
	e.t.Helper()
	b := &calendar.Body{Slug: slug, Name: "Organ " + slug, Kind: calendar.BodyManagementGroup, Visibility: vis}
	must(e.t, e.s.CreateBody(e.ctx, b))
	return b
}

func (e *env) person(key string) *calendar.Person {
	e.t.Helper()
	p := &calendar.Person{Key: key, Name: "Person " + key, Email: key + "@example.se"}
	must(e.t, e.s.CreatePerson(e.ctx, p))
	return p
}

func (e *env) room(slug string) *calendar.Room {
	e.t.Helper()
	r := &calendar.Room{Slug: slug, Name: "Lokal " + slug, Address: "Eklundavägen 1, Örebro", Capacity: 20}
	must(e.t, e.s.CreateRoom(e.ctx, r))
	return r
}

func (e *env) membership(body, person string, from, until calendar.Date) *calendar.Membership {
	e.t.Helper()
	m := &calendar.Membership{Body: body, Person: person, Role: calendar.RoleMember, From: from, Until: until}
	must(e.t, e.s.CreateMembership(e.ctx, m))
	return m
}

// meeting creates a meeting of bodies on d from h1 to h2 o'clock.
func (e *env) meeting(title string, d calendar.Date, h1, h2 int, bodies ...string) *calendar.Meeting {
	e.t.Helper()
	kind := calendar.KindMeeting
	if len(bodies) == 0 {
		kind = calendar.KindEvent
	}
	m := &calendar.Meeting{Title: title, Kind: kind, Bodies: bodies, Start: d.At(h1, 0), End: d.At(h2, 0)}
	must(e.t, e.s.CreateMeeting(e.ctx, m))
	return m
}

// titles returns the titles of ms, for comparing lists.
func titles(ms []*calendar.Meeting) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.Title
	}
	return strings.Join(s, ",")
}

// changeCount returns how many changes are recorded.
func (e *env) changeCount() int {
	e.t.Helper()
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Limit: 10000})
	must(e.t, err)
	return len(cs)
}

// sameTime fails unless got and want are the same instant shown in
// Europe/Stockholm.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != calendar.Location {
		t.Errorf("%s = %v, want %v in Europe/Stockholm", what, got, want)
	}
}
