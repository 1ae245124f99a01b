package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestBodyStandardItems(t *testing.T) {
	runSuite(t, time.Date(2026, 2, 2, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"RoundTrip", testBodyStandardRoundTrip},
		{"Fill", testBodyStandardFill},
	})
}

// testBodyStandardRoundTrip: a body's own standard items are stored and
// read back as given; nil (the defaults) and an empty list stay apart.
func testBodyStandardRoundTrip(t *testing.T, e *env) {
	b := &calendar.Body{Slug: "rad", Name: "Rådet", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public,
		StandardOpening: []string{"Mötet öppnas", "Närvaro och jäv"}, StandardClosing: []string{}}
	must(t, e.s.CreateBody(e.ctx, b))
	read, err := e.s.FindBodyBySlug(e.ctx, "rad")
	must(t, err)
	if !slices.Equal(read.StandardOpening, b.StandardOpening) || read.StandardClosing == nil || len(read.StandardClosing) != 0 {
		t.Fatalf("read back opening %q closing %#v, want %q and an empty list", read.StandardOpening, read.StandardClosing, b.StandardOpening)
	}
	closing := []string{"Nästa möte", "Mötet avslutas"}
	var defaults []string
	got, err := e.s.UpdateBody(e.ctx, "rad", calendar.BodyUpdate{StandardOpening: &defaults, StandardClosing: &closing})
	must(t, err)
	closing[0] = "changed by the caller"
	read, err = e.s.FindBodyBySlug(e.ctx, "rad")
	must(t, err)
	for _, x := range []*calendar.Body{got, read} {
		if x.StandardOpening != nil || !slices.Equal(x.StandardClosing, []string{"Nästa möte", "Mötet avslutas"}) {
			t.Errorf("after update opening %#v closing %q, want nil and the new list", x.StandardOpening, x.StandardClosing)
		}
	}
	ch, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("body"), EntityID: &b.ID, Limit: 1})
	must(t, err)
	if f := ch[0].Fields["standard_closing"]; f.Old != "-" || f.New != "Nästa möte\nMötet avslutas" {
		t.Errorf("recorded standard_closing = %+v", f)
	}
	if f := ch[0].Fields["standard_opening"]; f.New != "" {
		t.Errorf("recorded standard_opening = %+v, want → \"\" (the defaults)", f)
	}
	bad := []string{"Övrigt\nannat"}
	_, err = e.s.UpdateBody(e.ctx, "rad", calendar.BodyUpdate{StandardOpening: &bad})
	wantErr(t, err, calendar.EINVALID, "standard_opening title 1")
}

// testBodyStandardFill: FillStandardItems writes the body's own items.
func testBodyStandardFill(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", true)
	opening, closing := []string{"Välkommen", "Närvaro"}, []string{"Nästa möte", "Avslutning"}
	_, err := e.s.UpdateBody(e.ctx, "chefsgrupp-folkhalsa", calendar.BodyUpdate{StandardOpening: &opening, StandardClosing: &closing})
	must(t, err)
	e.item(m.ID, "Generation Pep", 0)
	_, err = e.s.FillStandardItems(e.ctx, m.ID)
	must(t, err)
	e.wantAgenda(m.ID, "Välkommen", "Närvaro", "Generation Pep", "Nästa möte", "Avslutning")
	// A new item goes before the body's own closing items.
	e.item(m.ID, "Levnadsvanor", 0)
	e.wantAgenda(m.ID, "Välkommen", "Närvaro", "Generation Pep", "Levnadsvanor", "Nästa möte", "Avslutning")

	// Filled first, then the first item: it goes after the body's own
	// opening items, which only the body's list tells from closing ones;
	// and so does a proposal accepted from the end.
	m2 := e.meeting("Nästa", day(2026, 2, 18), 13, 16, "chefsgrupp-folkhalsa")
	_, err = e.s.FillStandardItems(e.ctx, m2.ID)
	must(t, err)
	e.item(m2.ID, "Generation Pep", 0)
	p := &calendar.AgendaItem{MeetingID: m2.ID, Title: "Förslag", Status: calendar.AgendaProposed}
	must(t, e.s.CreateAgendaItem(e.ctx, p))
	e.wantAgenda(m2.ID, "Välkommen", "Närvaro", "Generation Pep", "Förslag", "Nästa möte", "Avslutning")
	last := len(e.wantAgenda(m2.ID, "Välkommen", "Närvaro", "Generation Pep", "Förslag", "Nästa möte", "Avslutning"))
	_, err = e.s.UpdateAgendaItem(e.ctx, p.ID, calendar.AgendaItemUpdate{Position: &last})
	must(t, err)
	accepted := calendar.AgendaAccepted
	_, err = e.s.UpdateAgendaItem(e.ctx, p.ID, calendar.AgendaItemUpdate{Status: &accepted})
	must(t, err)
	e.wantAgenda(m2.ID, "Välkommen", "Närvaro", "Generation Pep", "Förslag", "Nästa möte", "Avslutning")
}
