package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestAvailability: a person's "kan inte" answer for a booking window is
// stored normalised, replaced as a whole on saving again, an empty answer
// counts as answered, days outside the window and unknown halves are
// refused, and answers go with their window, their person and an erasure.
func TestAvailability(t *testing.T) {
	runSuite(t, time.Date(2025, 9, 1, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"SaveReplaceFind", testAvailabilitySave},
		{"Refused", testAvailabilityRefused},
		{"GoWithWindowAndPerson", testAvailabilityCascade},
	})
}

func testAvailabilitySave(t *testing.T, e *env) {
	w := e.linkWindow("maria", "ida")
	_, err := e.s.FindAvailability(e.ctx, w.ID, "maria")
	wantErr(t, err, calendar.ENOTFOUND)
	a := &calendar.Availability{WindowID: w.ID, Person: "maria", CannotDo: []calendar.HalfDay{
		{Day: day(2025, 9, 16), Half: calendar.HalfAfternoon}, {Day: day(2025, 9, 8), Half: calendar.HalfAfternoon},
		{Day: day(2025, 9, 8), Half: calendar.HalfMorning}, {Day: day(2025, 9, 8), Half: calendar.HalfMorning}}}
	must(t, e.s.SetAvailability(e.ctx, a))
	want := []calendar.HalfDay{{Day: day(2025, 9, 8), Half: calendar.HalfMorning}, {Day: day(2025, 9, 8), Half: calendar.HalfAfternoon},
		{Day: day(2025, 9, 16), Half: calendar.HalfAfternoon}}
	got, err := e.s.FindAvailability(e.ctx, w.ID, "maria")
	must(t, err)
	if !slices.Equal(got.CannotDo, want) || got.Person != "maria" || got.WindowID != w.ID || !got.AnsweredAt.Equal(e.clock.Now()) {
		t.Fatalf("FindAvailability = %+v, want %v answered at %s", got, want, e.clock.Now())
	}
	// Saving again replaces; an empty answer is an answer.
	must(t, e.s.SetAvailability(e.ctx, &calendar.Availability{WindowID: w.ID, Person: "maria"}))
	must(t, e.s.SetAvailability(e.ctx, &calendar.Availability{WindowID: w.ID, Person: "ida",
		CannotDo: []calendar.HalfDay{{Day: day(2025, 9, 9), Half: calendar.HalfMorning}}}))
	all, err := e.s.FindAvailabilities(e.ctx, w.ID)
	must(t, err)
	if len(all) != 2 || all[0].Person != "ida" || len(all[0].CannotDo) != 1 || all[1].Person != "maria" || len(all[1].CannotDo) != 0 {
		t.Fatalf("FindAvailabilities = %+v %+v, want ida with one half day and maria with none", all[0], all[len(all)-1])
	}
	none, err := e.s.FindAvailabilities(e.ctx, w.ID+100)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("FindAvailabilities of an unknown window = %v, want none", none)
	}
}

func testAvailabilityRefused(t *testing.T, e *env) {
	w := e.linkWindow("maria")
	for _, a := range []*calendar.Availability{
		{WindowID: w.ID, Person: "maria", CannotDo: []calendar.HalfDay{{Day: day(2025, 9, 22), Half: calendar.HalfMorning}}},
		{WindowID: w.ID, Person: "maria", CannotDo: []calendar.HalfDay{{Day: day(2025, 9, 8), Half: "kväll"}}},
		{WindowID: w.ID, Person: "okänd"},
		{WindowID: w.ID + 100, Person: "maria"},
	} {
		wantErr(t, e.s.SetAvailability(e.ctx, a), calendar.EINVALID)
	}
	_, err := e.s.FindAvailability(e.ctx, w.ID, "maria")
	wantErr(t, err, calendar.ENOTFOUND)
}

func testAvailabilityCascade(t *testing.T, e *env) {
	w := e.linkWindow("maria", "ida", "anna")
	for _, p := range []string{"maria", "ida", "anna"} {
		must(t, e.s.SetAvailability(e.ctx, &calendar.Availability{WindowID: w.ID, Person: p,
			CannotDo: []calendar.HalfDay{{Day: day(2025, 9, 8), Half: calendar.HalfMorning}}}))
	}
	must(t, e.s.DeletePerson(e.ctx, "ida"))
	x, err := e.s.ExportPerson(e.ctx, "anna")
	must(t, err)
	if len(x.Availability) != 1 || x.Availability[0].WindowID != w.ID || len(x.Availability[0].CannotDo) != 1 {
		t.Errorf("anna's export has answers %+v, want her one answer", x.Availability)
	}
	_, err = e.s.ErasePerson(e.ctx, "anna")
	must(t, err)
	all, err := e.s.FindAvailabilities(e.ctx, w.ID)
	must(t, err)
	if len(all) != 1 || all[0].Person != "maria" {
		t.Fatalf("after deleting ida and erasing anna: %d answers (%+v), want maria's only", len(all), all)
	}
	must(t, e.s.DeleteBookingWindow(e.ctx, w.ID))
	all, err = e.s.FindAvailabilities(e.ctx, w.ID)
	must(t, err)
	if len(all) != 0 {
		t.Fatalf("after deleting the window: %d answers, want none", len(all))
	}
}

// TestAvailabilityMovesDataVersion: saving an answer is recorded (whose,
// how many half days) and so moves the data version that cached plans
// are checked against.
func TestAvailabilityMovesDataVersion(t *testing.T) {
	runSuite(t, time.Date(2025, 9, 1, 9, 0, 0, 0, calendar.Location), []suiteCase{{"Recorded", func(t *testing.T, e *env) {
		w := e.linkWindow("maria")
		before, err := e.s.DataVersion(e.ctx)
		must(t, err)
		must(t, e.s.SetAvailability(e.ctx, &calendar.Availability{WindowID: w.ID, Person: "maria",
			CannotDo: []calendar.HalfDay{{Day: day(2025, 9, 8), Half: calendar.HalfMorning}}}))
		after, err := e.s.DataVersion(e.ctx)
		must(t, err)
		if after == before {
			t.Error("saving an answer left the data version as it was")
		}
		cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("availability")})
		must(t, err)
		if len(cs) != 1 || cs[0].EntityID != w.ID || cs[0].Fields["person"].New != "maria" || cs[0].Fields["half_days"].New != "1" {
			t.Errorf("changes %+v, want one naming maria and 1 half day", cs)
		}
	}}})
}
