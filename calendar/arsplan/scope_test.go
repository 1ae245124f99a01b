package arsplan

import (
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestScopedEvent: an event's organisation is read, stored, changed by a
// second import, and written back the same way (round trip).
func TestScopedEvent(t *testing.T) {
	event := func(org string) []byte {
		return doc(
			"organisations:",
			"  - {slug: region-a, name: Region A, kind: region}",
			"  - {slug: region-b, name: Region B, kind: region}",
			"meetings:",
			"  - key: konferensdag-2025",
			"    kind: event",
			"    title: Konferensdag",
			"    date: 2025-05-20",
			"    all_day: true",
			"    status: confirmed",
			"    organisation: "+org,
		)
	}
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		mustApply(t, s, mustParse(t, "a.yaml", event("region-a")))
		m, err := s.FindMeetingByKey(t.Context(), "konferensdag-2025")
		if err != nil || m.Organisation != "region-a" {
			t.Fatalf("stored organisation %q (%v), want region-a", m.Organisation, err)
		}
		if got := mustApply(t, s, mustParse(t, "a.yaml", event("region-a"))).String(); got != "organisations: 0 created, 0 updated, 2 unchanged; meetings: 0 created, 0 updated, 1 unchanged" {
			t.Errorf("import again: %s", got)
		}
		if got := mustApply(t, s, mustParse(t, "b.yaml", event("region-b"))).String(); got != "organisations: 0 created, 0 updated, 2 unchanged; meetings: 0 created, 1 updated, 0 unchanged" {
			t.Errorf("import with region-b: %s", got)
		}
		m, err = s.FindMeetingByKey(t.Context(), "konferensdag-2025")
		if err != nil || m.Organisation != "region-b" {
			t.Fatalf("organisation after the second import %q (%v), want region-b", m.Organisation, err)
		}
		// Written back, the event reads as it was stored.
		out, err := encode(&File{Meetings: []*Meeting{{Meeting: *m}}}, "test")
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse("out.yaml", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := f.Meetings[0].Organisation; got != "region-b" {
			t.Errorf("round trip: organisation %q, want region-b\n%s", got, out)
		}
	})
}
