package arsplan

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/examples"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// testNow is the fixed clock of the test stores: the day after Chefsgrupp
// folkhälsa's meeting of 3 October 2024.
var testNow = time.Date(2024, 10, 4, 9, 0, 0, 0, calendar.Location)

// forEachEngine runs fn on a fresh store of each engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	for _, e := range sqltest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e.Open(t, sqlstore.Options{Now: func() time.Time { return testNow }}))
		})
	}
}

func regionYAML(t *testing.T) []byte {
	t.Helper()
	b, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, name string, data []byte) *File {
	t.Helper()
	f, err := Parse(name, data)
	if err != nil {
		t.Fatalf("Parse %s: %v", name, err)
	}
	return f
}

func mustApply(t *testing.T, s calendar.Store, f *File) *Report {
	t.Helper()
	rep, err := Apply(t.Context(), s, f)
	if err != nil {
		t.Fatalf("Apply %s: %v", f.Name, err)
	}
	return rep
}

func dataVersion(t *testing.T, s calendar.Store) calendar.DataVersion {
	t.Helper()
	v, err := s.DataVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// counts returns how many organisations, people, rooms, bodies,
// memberships and meetings the store holds.
func counts(t *testing.T, s calendar.Store) map[string]int {
	t.Helper()
	ctx := t.Context()
	orgs, err1 := s.FindOrganisations(ctx)
	people, err2 := s.FindPeople(ctx, calendar.PersonFilter{})
	rooms, err3 := s.FindRooms(ctx)
	bodies, err4 := s.FindBodies(ctx, calendar.BodyFilter{})
	members, err5 := s.FindMemberships(ctx, calendar.MembershipFilter{})
	meetings, err6 := s.FindMeetings(ctx, calendar.MeetingFilter{})
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		t.Fatal(err)
	}
	return map[string]int{"organisations": len(orgs), "people": len(people), "rooms": len(rooms),
		"bodies": len(bodies), "memberships": len(members), "meetings": len(meetings)}
}

const regionReport = "organisations: 16 created, 0 updated, 0 unchanged; people: 58 created, 0 updated, 0 unchanged; " +
	"bodies: 13 created, 0 updated, 0 unchanged; memberships: 87 created, 0 updated, 0 unchanged; " +
	"rooms: 3 created, 0 updated, 0 unchanged; meetings: 24 created, 0 updated, 0 unchanged; " +
	"booking_windows: 2 created, 0 updated, 0 unchanged"

const regionUnchanged = "organisations: 0 created, 0 updated, 16 unchanged; people: 0 created, 0 updated, 58 unchanged; " +
	"bodies: 0 created, 0 updated, 13 unchanged; memberships: 0 created, 0 updated, 87 unchanged; " +
	"rooms: 0 created, 0 updated, 3 unchanged; meetings: 0 created, 0 updated, 24 unchanged; " +
	"booking_windows: 0 created, 0 updated, 2 unchanged"

func TestApplyExample(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		rep := mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		if got := rep.String(); got != regionReport {
			t.Errorf("first import:\n got %s\nwant %s", got, regionReport)
		}
		want := map[string]int{"organisations": 16, "people": 58, "rooms": 3, "bodies": 13, "memberships": 87, "meetings": 24}
		if got := counts(t, s); !equalCounts(got, want) {
			t.Errorf("stored: got %v, want %v", got, want)
		}

		// What was stored is what the file says.
		m, err := s.FindMeetingByKey(ctx, "specifika-samverkansraden-2024-09-20")
		if err != nil {
			t.Fatal(err)
		}
		if m.Start.Format(time.RFC3339) != "2024-09-20T09:00:00+02:00" || m.End.Format(time.RFC3339) != "2024-09-20T12:00:00+02:00" ||
			m.Room != "lokal-eken" || len(m.Bodies) != 2 || m.Status != calendar.StatusConfirmed {
			t.Errorf("joint council meeting: got %s – %s in %q, bodies %v, %s", m.Start, m.End, m.Room, m.Bodies, m.Status)
		}
		day, err := s.FindMeetingByKey(ctx, "uppfoljningsdag-folkhalsoarbetet-2025-03-14")
		if err != nil {
			t.Fatal(err)
		}
		if !day.AllDay || day.Kind != calendar.KindEvent || day.Start.Format(time.RFC3339) != "2025-03-14T00:00:00+01:00" || day.End.Format(time.RFC3339) != "2025-03-15T00:00:00+01:00" {
			t.Errorf("follow-up day: got all-day %v kind %s %s – %s", day.AllDay, day.Kind, day.Start, day.End)
		}
		restricted := calendar.Restricted
		rb, err := s.FindBodies(ctx, calendar.BodyFilter{Visibility: &restricted})
		if err != nil {
			t.Fatal(err)
		}
		if len(rb) != 1 || rb[0].Slug != "arbetsgrupp-uppfoljningsdag-folkhalsa" {
			t.Errorf("restricted bodies: got %v, want the arbetsgrupp", rb)
		}
		public, err := s.FindMeetings(ctx, calendar.MeetingFilter{PublicOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 23 {
			t.Errorf("public meetings: got %d, want 23 (all but the arbetsgrupp's)", len(public))
		}
		guest, err := s.FindMemberships(ctx, calendar.MembershipFilter{Person: ptr("kerstin-angergard")})
		if err != nil {
			t.Fatal(err)
		}
		if len(guest) != 1 || guest[0].Role != calendar.RoleGuest || guest[0].From.String() != "2024-10-03" {
			t.Errorf("standing invitation: got %+v", guest)
		}

		// Importing the same file again changes nothing at all.
		before := dataVersion(t, s)
		rep = mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		if got := rep.String(); got != regionUnchanged {
			t.Errorf("second import:\n got %s\nwant %s", got, regionUnchanged)
		}
		if after := dataVersion(t, s); after != before {
			t.Errorf("DataVersion moved from %+v to %+v on a re-import", before, after)
		}
		if got := counts(t, s); !equalCounts(got, want) {
			t.Errorf("stored after re-import: got %v, want %v", got, want)
		}
	})
}

func TestApplyEdited(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		old, err := s.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2025-03-20")
		if err != nil {
			t.Fatal(err)
		}

		// The secretary moves the March meeting a week on (keeping its key)
		// and gives a person a title.
		edited := replaceOnce(t, string(regionYAML(t)),
			"    date: 2025-03-20\n", "    date: 2025-03-27\n")
		edited = replaceOnce(t, edited,
			"    email: jenny-steen@example.org\n", "    email: jenny-steen@example.org\n    title: regionråd\n")
		rep := mustApply(t, s, mustParse(t, "region-orebro.yaml", []byte(edited)))
		for kind, want := range map[string]int{"meetings": 1, "people": 1, "bodies": 0, "memberships": 0, "rooms": 0, "organisations": 0} {
			if rep.Updated[kind] != want || rep.Created[kind] != 0 {
				t.Errorf("%s: %d created, %d updated; want 0 created, %d updated (report: %s)", kind, rep.Created[kind], rep.Updated[kind], want, rep)
			}
		}
		if rep.Unchanged["meetings"] != 23 {
			t.Errorf("unchanged meetings: got %d, want 23", rep.Unchanged["meetings"])
		}
		moved, err := s.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2025-03-20")
		if err != nil {
			t.Fatal(err)
		}
		if moved.ID != old.ID || moved.UID != old.UID {
			t.Errorf("the moved meeting is a new one: id %d uid %s, was %d %s", moved.ID, moved.UID, old.ID, old.UID)
		}
		if moved.Sequence != old.Sequence+1 {
			t.Errorf("sequence: got %d, want %d", moved.Sequence, old.Sequence+1)
		}
		if got := moved.Start.Format(time.RFC3339); got != "2025-03-27T13:00:00+01:00" {
			t.Errorf("moved start: got %s", got)
		}
		if got := counts(t, s)["meetings"]; got != 24 {
			t.Errorf("meetings: got %d, want 24 (no duplicate)", got)
		}
		p, err := s.FindPersonByKey(ctx, "jenny-steen")
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != "regionråd" || p.Email != "jenny-steen@example.org" {
			t.Errorf("person: got title %q email %q", p.Title, p.Email)
		}
	})
}

func TestApplyNothingHalfImported(t *testing.T) {
	region := string(regionYAML(t))
	// Lines are counted from the end of the example, where these go.
	base := strings.Count(region, "\n")
	tests := []struct {
		name string
		tail string
		want string
	}{
		{
			name: "unknown room",
			tail: "  - key: extra\n    bodies: [chefsgrupp-folkhalsa]\n    date: 2025-06-10\n    start: \"13:00\"\n    end: \"15:00\"\n    room: lokal-ekn\n",
			want: `region-orebro.yaml:%d: meeting "extra": room "lokal-ekn" does not exist; define it under rooms: or check the spelling`,
		},
		{
			name: "unknown body",
			tail: "  - key: extra\n    bodies: [chefsgrupp-folkhalsa, skolchefsgrupp]\n    date: 2025-06-10\n    start: \"13:00\"\n    end: \"15:00\"\n",
			want: `region-orebro.yaml:%d: meeting "extra": body "skolchefsgrupp" does not exist; define it under bodies: or check the spelling`,
		},
		{
			name: "unknown organisation",
			tail: "  - key: extra\n    kind: event\n    title: Konferensdag\n    date: 2025-06-10\n    all_day: true\n    organisation: region-orebro\n",
			want: `region-orebro.yaml:%d: meeting "extra": organisation "region-orebro" does not exist; define it under organisations: or check the spelling`,
		},
		{
			// Only the store knows: everything before it has been written
			// in the transaction when it refuses.
			name: "room booked twice",
			tail: "  - key: extra\n    bodies: [lansdel-norr]\n    date: 2024-10-03\n    start: \"15:00\"\n    end: \"17:00\"\n    room: lokal-enen\n",
			want: `region-orebro.yaml:%d: meeting "extra": room "lokal-enen" is already booked`,
		},
	}
	lineOf := map[string]int{"unknown room": base + 6, "unknown body": base + 2, "room booked twice": base + 1, "unknown organisation": base + 6}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, "region-orebro.yaml", []byte(region+tt.tail))
			forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
				_, err := Apply(t.Context(), s, f)
				var es Errors
				if !errors.As(err, &es) {
					t.Fatalf("got %v, want Errors", err)
				}
				want := strings.Replace(tt.want, "%d", itoa(lineOf[tt.name]), 1)
				if len(es) != 1 || !strings.HasPrefix(es[0].Error(), want) {
					t.Errorf("got %q, want one problem starting %q", es.Error(), want)
				}
				if (dataVersion(t, s) != calendar.DataVersion{}) {
					t.Errorf("DataVersion is %+v, want zero: something was written", dataVersion(t, s))
				}
				for kind, n := range counts(t, s) {
					if n != 0 {
						t.Errorf("%d %s stored, want none", n, kind)
					}
				}
			})
		})
	}
}

func TestApplyReferences(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		// A second file may name what the first one stored.
		f := mustParse(t, "rf-sisu-2025.yaml", doc(
			"bodies:",
			"  - slug: samverkan-rf-sisu",
			"    members:",
			"      - {person: unnur-tryggvadottir, role: ledamot, from: 2025-01-01}",
			"meetings:",
			"  - key: samverkan-rf-sisu-2025-09-09",
			"    bodies: [samverkan-rf-sisu]",
			"    date: 2025-09-09",
			`    start: "09:00"`,
			`    end: "12:00"`,
			"    room: lokal-eken",
		))
		rep := mustApply(t, s, f)
		if got, want := rep.String(), "memberships: 1 created, 0 updated, 0 unchanged; meetings: 1 created, 0 updated, 0 unchanged"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		// References that nothing satisfies are all reported, each on its line.
		f = mustParse(t, "bad.yaml", doc(
			"organisations:",
			"  - slug: laxa",
			"people:",
			"  - {key: ny-person, name: Ny Person, organisation: laxa-kommunn}",
			"bodies:",
			"  - slug: lansdel-mitt",
			"    members:",
			"      - {person: okand, role: ledamot}",
		))
		_, err := Apply(t.Context(), s, f)
		want := strings.Join([]string{
			`bad.yaml:2: organisation "laxa" is not stored yet; give its name and kind to create it`,
			`bad.yaml:4: person "ny-person": organisation "laxa-kommunn" does not exist; define it under organisations: or check the spelling`,
			`bad.yaml:6: body "lansdel-mitt" is not stored yet; give its name and kind to create it`,
			`bad.yaml:8: member "okand" of "lansdel-mitt": person "okand" does not exist; define it under people: or check the spelling`,
		}, "\n")
		if err == nil || err.Error() != want {
			t.Errorf("got\n%v\nwant\n%s", err, want)
		}
	})
}

func TestExport(t *testing.T) {
	for _, year := range []int{2024, 2025} {
		golden := filepath.Join("testdata", "chefsgrupp-folkhalsa-"+itoa(year)+".yaml")
		t.Run(itoa(year), func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
				mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
				out, err := Export(t.Context(), s, "chefsgrupp-folkhalsa", year)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, golden, out)

				before := dataVersion(t, s)
				rep := mustApply(t, s, mustParse(t, golden, out))
				for _, kind := range reportKinds {
					if rep.Created[kind]+rep.Updated[kind] != 0 {
						t.Errorf("re-applying the export changed %s: %s", kind, rep)
					}
				}
				if rep.Unchanged["meetings"] == 0 {
					t.Errorf("the export has no meetings: %s", rep)
				}
				if after := dataVersion(t, s); after != before {
					t.Errorf("DataVersion moved from %+v to %+v", before, after)
				}
			})
		})
	}
}

// TestExportWithoutKeys covers meetings made outside årsplan files: the
// export names them by uid, and importing it finds them by uid.
func TestExportWithoutKeys(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		mustApply(t, s, mustParse(t, "region-orebro.yaml", regionYAML(t)))
		day := calendar.Date{Year: 2025, Month: 9, Day: 16}
		m := &calendar.Meeting{Bodies: []string{"samverkan-rf-sisu"}, Start: day.At(9, 0), End: day.At(11, 30),
			Status: calendar.StatusProposed, Location: "RF-SISU:s kontor", Notes: "Bokad i vecka 38."}
		if err := s.CreateMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		out, err := Export(ctx, s, "samverkan-rf-sisu", 2025)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("  - uid: "+m.UID+"\n")) {
			t.Fatalf("the export does not name the meeting by its uid:\n%s", out)
		}
		before := dataVersion(t, s)
		rep := mustApply(t, s, mustParse(t, "rf.yaml", out))
		if rep.Unchanged["meetings"] != 1 || dataVersion(t, s) != before {
			t.Errorf("re-applying changed something: %s", rep)
		}
		moved := replaceOnce(t, string(out), `start: "09:00"`, `start: "09:30"`)
		rep = mustApply(t, s, mustParse(t, "rf.yaml", []byte(moved)))
		if rep.Updated["meetings"] != 1 {
			t.Errorf("moving it: %s", rep)
		}
		got, err := s.FindMeetingByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Start.Format("15:04") != "09:30" || got.Key != "" || got.Sequence != 1 {
			t.Errorf("got start %s key %q sequence %d, want 09:30, no key, 1", got.Start.Format("15:04"), got.Key, got.Sequence)
		}
		// Adding a key to the exported entry gives the meeting that key.
		keyed := replaceOnce(t, moved, "  - uid: "+m.UID+"\n", "  - key: samverkan-rf-sisu-2025-09-16\n    uid: "+m.UID+"\n")
		rep = mustApply(t, s, mustParse(t, "rf.yaml", []byte(keyed)))
		if got, err := s.FindMeetingByKey(ctx, "samverkan-rf-sisu-2025-09-16"); err != nil || got.ID != m.ID || rep.Updated["meetings"] != 1 {
			t.Errorf("adding a key: got %v, %v, report %s; want meeting %d, updated", got, err, rep, m.ID)
		}
		// A uid that matches nothing cannot create a meeting.
		unknown := strings.Replace(moved, m.UID, "no-such-uid", 1)
		if _, err := Apply(ctx, s, mustParse(t, "rf.yaml", []byte(unknown))); err == nil || !strings.Contains(err.Error(), "no stored meeting has this uid") {
			t.Errorf("unknown uid: got %v", err)
		}
	})
}

func TestExportErrors(t *testing.T) {
	s := sqltest.SQLite(t, sqlstore.Options{})
	if _, err := Export(t.Context(), s, "no-such-body", 2025); calendar.ErrorCode(err) != calendar.ENOTFOUND {
		t.Errorf("unknown body: got %v, want not_found", err)
	}
	if _, err := Export(t.Context(), s, "no-such-body", 0); calendar.ErrorCode(err) != calendar.EINVALID {
		t.Errorf("year 0: got %v, want invalid", err)
	}
	if _, err := Apply(t.Context(), s, nil); calendar.ErrorCode(err) != calendar.EINVALID {
		t.Errorf("Apply(nil): got %v, want invalid", err)
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended):\n%s", path, got)
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%q occurs %d times, want once", old, n)
	}
	return strings.Replace(s, old, new, 1)
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func ptr[T any](v T) *T { return &v }

func itoa(n int) string { return strconv.Itoa(n) }
