package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// agendaSuite runs on every engine like the store suite, each test on a
// fresh database.
var agendaSuite = []struct {
	name string
	fn   func(t *testing.T, e *env)
}{
	{"Numbering", testAgendaNumbering},
	{"Update", testAgendaUpdate},
	{"Errors", testAgendaErrors},
	{"StandardItems", testAgendaStandardItems},
	{"BeforeClosingItems", testAgendaBeforeClosingItems},
	{"Changes", testAgendaChanges},
	{"MeetingDeleteTakesAgenda", testAgendaMeetingDelete},
	{"Backlog", testBacklog},
}

func TestAgendaStore(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range agendaSuite {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					tc.fn(t, &env{t: t, s: s, clock: clk, ctx: context.Background()})
				})
			}
		})
	}
}

// agendaMeeting creates a body and a meeting of it on 2026-01-21.
func (e *env) agendaMeeting(body string, approval bool) *calendar.Meeting {
	e.t.Helper()
	b := &calendar.Body{Slug: body, Name: "Organ " + body, Kind: calendar.BodyManagementGroup, Visibility: calendar.Public,
		MinutesNeedApproval: approval}
	must(e.t, e.s.CreateBody(e.ctx, b))
	return e.meeting("", day(2026, 1, 21), 13, 16, body)
}

// item adds an item with title at position (0: append).
func (e *env) item(meetingID int64, title string, position int) *calendar.AgendaItem {
	e.t.Helper()
	a := &calendar.AgendaItem{MeetingID: meetingID, Title: title, Position: position}
	must(e.t, e.s.CreateAgendaItem(e.ctx, a))
	return a
}

// wantAgenda fails unless the stored agenda reads want (titles in order)
// and is numbered 1, 2, 3 ….
func (e *env) wantAgenda(meetingID int64, want ...string) []*calendar.AgendaItem {
	e.t.Helper()
	items, err := e.s.FindAgendaItems(e.ctx, meetingID)
	must(e.t, err)
	got := make([]string, len(items))
	for i, a := range items {
		got[i] = a.Title
		if a.Position != i+1 {
			e.t.Errorf("item %q has position %d, want %d", a.Title, a.Position, i+1)
		}
	}
	if !slices.Equal(got, want) {
		e.t.Errorf("agenda = %q, want %q", got, want)
	}
	return items
}

func testAgendaNumbering(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	other := e.meeting("", day(2026, 2, 3), 9, 10, "chefsgrupp-folkhalsa")
	a := e.item(m.ID, "Årsplan", 0)
	b := e.item(m.ID, "Generation Pep", 0)
	e.item(other.ID, "Annat möte", 0)
	if a.Position != 1 || b.Position != 2 || a.ID == 0 {
		t.Fatalf("appended positions %d, %d (id %d), want 1, 2 and an id", a.Position, b.Position, a.ID)
	}
	c := e.item(m.ID, "Levnadsvanor", 1)
	if c.Position != 1 {
		t.Errorf("inserted position %d, want 1", c.Position)
	}
	e.wantAgenda(m.ID, "Levnadsvanor", "Årsplan", "Generation Pep")
	e.item(m.ID, "Sist", 4) // count+1 is the end
	e.item(m.ID, "Mitten", 3)
	e.wantAgenda(m.ID, "Levnadsvanor", "Årsplan", "Mitten", "Generation Pep", "Sist")

	// Moves down, up, and to the same place.
	for _, mv := range []struct {
		title string
		to    int
		want  []string
	}{
		{"Levnadsvanor", 4, []string{"Årsplan", "Mitten", "Generation Pep", "Levnadsvanor", "Sist"}},
		{"Sist", 1, []string{"Sist", "Årsplan", "Mitten", "Generation Pep", "Levnadsvanor"}},
		{"Mitten", 3, []string{"Sist", "Årsplan", "Mitten", "Generation Pep", "Levnadsvanor"}},
		{"Årsplan", 5, []string{"Sist", "Mitten", "Generation Pep", "Levnadsvanor", "Årsplan"}},
	} {
		items, err := e.s.FindAgendaItems(e.ctx, m.ID)
		must(t, err)
		i := slices.IndexFunc(items, func(a *calendar.AgendaItem) bool { return a.Title == mv.title })
		got, err := e.s.UpdateAgendaItem(e.ctx, items[i].ID, calendar.AgendaItemUpdate{Position: ptr(mv.to)})
		must(t, err)
		if got.Position != mv.to {
			t.Errorf("moved %q to position %d, want %d", mv.title, got.Position, mv.to)
		}
		e.wantAgenda(m.ID, mv.want...)
	}

	items := e.wantAgenda(m.ID, "Sist", "Mitten", "Generation Pep", "Levnadsvanor", "Årsplan")
	must(t, e.s.DeleteAgendaItem(e.ctx, items[1].ID))
	e.wantAgenda(m.ID, "Sist", "Generation Pep", "Levnadsvanor", "Årsplan")
	must(t, e.s.DeleteAgendaItem(e.ctx, items[0].ID))
	must(t, e.s.DeleteAgendaItem(e.ctx, items[4].ID))
	e.wantAgenda(m.ID, "Generation Pep", "Levnadsvanor")
	e.wantAgenda(other.ID, "Annat möte")
}

func testAgendaUpdate(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	e.person("maria-lindborg")
	a := &calendar.AgendaItem{MeetingID: m.ID, Title: "Generation Pep", Presenter: "Josefin Sejnelid", Kind: calendar.AgendaDialog,
		SubPoints:   []string{"Mat och rörelsesatsning i kommuner och förskolor", "Årlig konferens 19/11"},
		Links:       []calendar.AgendaLink{{Title: "Följeforskning", URL: "https://liu.diva-portal.org/smash/get/diva2:1842456/FULLTEXT01.pdf"}},
		Status:      calendar.AgendaProposed,
		SubmittedBy: "maria-lindborg"}
	must(t, e.s.CreateAgendaItem(e.ctx, a))
	got, err := e.s.FindAgendaItemByID(e.ctx, a.ID)
	must(t, err)
	if got.Title != a.Title || got.Presenter != a.Presenter || got.Kind != calendar.AgendaDialog || got.Status != calendar.AgendaProposed ||
		got.SubmittedBy != "maria-lindborg" || !slices.Equal(got.SubPoints, a.SubPoints) || !slices.Equal(got.Links, a.Links) {
		t.Errorf("read back %+v, want %+v", got, a)
	}
	sameTime(t, "CreatedAt", got.CreatedAt, e.clock.Now())

	// Defaults: kind information, status accepted, empty lists.
	d := e.item(m.ID, "Övrigt", 0)
	if d.Kind != calendar.AgendaInformation || d.Status != calendar.AgendaAccepted || d.SubPoints == nil || d.Links == nil {
		t.Errorf("defaults %+v, want kind information, status accepted and empty lists", d)
	}

	later := e.clock.Advance(time.Hour)
	upd, err := e.s.UpdateAgendaItem(e.ctx, a.ID, calendar.AgendaItemUpdate{
		Status: ptr(calendar.AgendaAccepted), Kind: ptr(calendar.AgendaDecision),
		SubPoints: ptr([]string{}), Links: ptr([]calendar.AgendaLink(nil)), SubmittedBy: ptr("")})
	must(t, err)
	if upd.Status != calendar.AgendaAccepted || upd.Kind != calendar.AgendaDecision || len(upd.SubPoints) != 0 || len(upd.Links) != 0 ||
		upd.SubmittedBy != "" || upd.Title != "Generation Pep" {
		t.Errorf("updated %+v", upd)
	}
	sameTime(t, "UpdatedAt", upd.UpdatedAt, later)

	before := e.changeCount()
	e.clock.Advance(time.Hour)
	same, err := e.s.UpdateAgendaItem(e.ctx, a.ID, calendar.AgendaItemUpdate{Title: ptr("Generation Pep"), Position: ptr(1)})
	must(t, err)
	if n := e.changeCount(); n != before {
		t.Errorf("a no-op update recorded %d changes", n-before)
	}
	sameTime(t, "UpdatedAt after no-op", same.UpdatedAt, later)
}

func testAgendaErrors(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	first := e.item(m.ID, "Årsplan", 0)
	e.item(m.ID, "Levnadsvanor", 0)
	long := strings.Repeat("å", 201)
	for _, tc := range []struct {
		name  string
		item  calendar.AgendaItem
		code  string
		parts []string
	}{
		{"no title", calendar.AgendaItem{MeetingID: m.ID}, calendar.EINVALID, []string{"title is required"}},
		{"long title", calendar.AgendaItem{MeetingID: m.ID, Title: long}, calendar.EINVALID, []string{"at most 200"}},
		{"two-line title", calendar.AgendaItem{MeetingID: m.ID, Title: "a\nb"}, calendar.EINVALID, []string{"one line"}},
		{"bad kind", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Kind: "beslutspunkt"}, calendar.EINVALID, []string{`"beslutspunkt"`, "information, beslut, dialog, standard"}},
		{"bad status", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Status: "done"}, calendar.EINVALID, []string{`"done"`}},
		{"javascript link", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Links: []calendar.AgendaLink{{URL: "javascript:alert(1)"}}},
			calendar.EINVALID, []string{"link 1", "not an http(s) link"}},
		{"relative link", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Links: []calendar.AgendaLink{{URL: "/files/a.pdf"}}},
			calendar.EINVALID, []string{"not an http(s) link"}},
		{"blank sub-point", calendar.AgendaItem{MeetingID: m.ID, Title: "x", SubPoints: []string{"ok", " "}}, calendar.EINVALID, []string{"sub-point 2 is required"}},
		{"negative position", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Position: -1}, calendar.EINVALID, []string{"position"}},
		{"past the end", calendar.AgendaItem{MeetingID: m.ID, Title: "x", Position: 4}, calendar.EINVALID, []string{"position 4", "use 1 to 3"}},
		{"unknown person", calendar.AgendaItem{MeetingID: m.ID, Title: "x", SubmittedBy: "nobody"}, calendar.EINVALID, []string{`person "nobody" does not exist`}},
		{"unknown meeting", calendar.AgendaItem{MeetingID: 999, Title: "x"}, calendar.ENOTFOUND, []string{"meeting 999"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{t: t, s: e.s, clock: e.clock, ctx: e.ctx}
			before := e.changeCount()
			a := tc.item
			wantErr(t, e.s.CreateAgendaItem(e.ctx, &a), tc.code, tc.parts...)
			if a.ID != 0 {
				t.Errorf("failed create set ID %d", a.ID)
			}
			if n := e.changeCount(); n != before {
				t.Errorf("failed create recorded %d changes", n-before)
			}
		})
	}
	e.wantAgenda(m.ID, "Årsplan", "Levnadsvanor")

	_, err := e.s.UpdateAgendaItem(e.ctx, first.ID, calendar.AgendaItemUpdate{Position: ptr(3)})
	wantErr(t, err, calendar.EINVALID, "position 3", "use 1 to 2")
	_, err = e.s.UpdateAgendaItem(e.ctx, first.ID, calendar.AgendaItemUpdate{Position: ptr(0)})
	wantErr(t, err, calendar.EINVALID, "position 0")
	_, err = e.s.UpdateAgendaItem(e.ctx, first.ID, calendar.AgendaItemUpdate{Kind: ptr(calendar.AgendaKind(""))})
	wantErr(t, err, calendar.EINVALID, "kind")
	_, err = e.s.UpdateAgendaItem(e.ctx, 999, calendar.AgendaItemUpdate{Title: ptr("x")})
	wantErr(t, err, calendar.ENOTFOUND, "agenda item 999")
	wantErr(t, e.s.DeleteAgendaItem(e.ctx, 999), calendar.ENOTFOUND, "agenda item 999")
	_, err = e.s.FindAgendaItems(e.ctx, 999)
	wantErr(t, err, calendar.ENOTFOUND, "meeting 999")
	_, err = e.s.FindAgendaItemByID(e.ctx, 999)
	wantErr(t, err, calendar.ENOTFOUND, "agenda item 999")
	_, err = e.s.FillStandardItems(e.ctx, 999)
	wantErr(t, err, calendar.ENOTFOUND, "meeting 999")
	e.wantAgenda(m.ID, "Årsplan", "Levnadsvanor")
}

func testAgendaStandardItems(t *testing.T, e *env) {
	for _, tc := range []struct {
		name     string
		approval bool
		existing []string
		want     []string
	}{
		{"management group", false, nil, []string{"Mötet öppnas", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Övriga frågor", "Mötet avslutas"}},
		{"council", true, nil, []string{"Mötet öppnas", "Val av justerare", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Övriga frågor", "Mötet avslutas"}},
		{"around proposals", false, []string{"Generation Pep", "Levnadsvanor"}, []string{"Mötet öppnas", "Fastställande av dagordning",
			"Föregående mötes protokoll/minnesanteckningar", "Generation Pep", "Levnadsvanor", "Övriga frågor", "Mötet avslutas"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{t: t, s: e.s, clock: e.clock, ctx: e.ctx}
			m := e.agendaMeeting(calendar.Slugify(tc.name), tc.approval)
			for _, title := range tc.existing {
				e.item(m.ID, title, 0)
			}
			got, err := e.s.FillStandardItems(e.ctx, m.ID)
			must(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("FillStandardItems returned %d items, want %d", len(got), len(tc.want))
			}
			items := e.wantAgenda(m.ID, tc.want...)
			for i, a := range items {
				if got[i].ID != a.ID || got[i].Position != a.Position {
					t.Errorf("returned item %d: id %d position %d, stored id %d position %d", i, got[i].ID, got[i].Position, a.ID, a.Position)
				}
				standard := !slices.Contains(tc.existing, a.Title)
				if (a.Kind == calendar.AgendaStandard) != standard {
					t.Errorf("item %q has kind %q", a.Title, a.Kind)
				}
			}
			// Idempotent: a second call adds nothing and records nothing.
			before := e.changeCount()
			again, err := e.s.FillStandardItems(e.ctx, m.ID)
			must(t, err)
			if len(again) != len(tc.want) || e.changeCount() != before {
				t.Errorf("second fill: %d items and %d new changes, want %d and none", len(again), e.changeCount()-before, len(tc.want))
			}
			e.wantAgenda(m.ID, tc.want...)
		})
	}

	// A joint meeting with a council chooses a justerare.
	must(t, e.s.CreateBody(e.ctx, &calendar.Body{Slug: "specifika-radet", Name: "Specifika samverkansrådet", Kind: calendar.BodyManagementGroup,
		Visibility: calendar.Public, MinutesNeedApproval: true}))
	joint := e.meeting("Gemensamt", day(2026, 3, 2), 9, 12, "management-group", "specifika-radet")
	items, err := e.s.FillStandardItems(e.ctx, joint.ID)
	must(t, err)
	if !slices.ContainsFunc(items, func(a *calendar.AgendaItem) bool { return a.Title == calendar.ChooseJusterare }) {
		t.Errorf("joint meeting with a council has no %q", calendar.ChooseJusterare)
	}
}

// testAgendaBeforeClosingItems: an item appended without a position, and a
// proposal when it is accepted, land before the closing standard items
// ("Övriga frågor", "Mötet avslutas"), not after them; a position the
// secretary gives is kept as given.
func testAgendaBeforeClosingItems(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	// A member's proposal from before the standard items stays between them.
	early := &calendar.AgendaItem{MeetingID: m.ID, Title: "Tidig anmälan", Status: calendar.AgendaProposed}
	must(t, e.s.CreateAgendaItem(e.ctx, early))
	_, err := e.s.FillStandardItems(e.ctx, m.ID)
	must(t, err)
	open := []string{"Mötet öppnas", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar"}
	agenda := func(middle ...string) []string {
		return slices.Concat(open, middle, []string{"Övriga frågor", "Mötet avslutas"})
	}
	e.wantAgenda(m.ID, agenda("Tidig anmälan")...)

	// The secretary appends; a member proposes (as the anmälan page does).
	e.item(m.ID, "Årsplan 2027", 0)
	proposal := &calendar.AgendaItem{MeetingID: m.ID, Title: "Generation Pep", Kind: calendar.AgendaDialog,
		Status: calendar.AgendaProposed}
	must(t, e.s.CreateAgendaItem(e.ctx, proposal))
	if proposal.Position != 6 {
		t.Errorf("appended proposal got position %d, want 6 (before Övriga frågor)", proposal.Position)
	}
	e.wantAgenda(m.ID, agenda("Tidig anmälan", "Årsplan 2027", "Generation Pep")...)

	// An explicit position is the secretary's choice, even after the
	// closing items; appending still goes before them.
	e.item(m.ID, "Efter mötet: fika", 9)
	e.item(m.ID, "Levnadsvanor", 0)
	e.wantAgenda(m.ID, slices.Concat(agenda("Tidig anmälan", "Årsplan 2027", "Generation Pep", "Levnadsvanor"),
		[]string{"Efter mötet: fika"})...)

	// Accepting a proposal keeps it where it is when it is already before
	// the closing items.
	accepted := calendar.AgendaAccepted
	got, err := e.s.UpdateAgendaItem(e.ctx, proposal.ID, calendar.AgendaItemUpdate{Status: &accepted})
	must(t, err)
	if got.Position != 6 || got.Status != accepted {
		t.Errorf("accepted proposal at %d (%s), want 6 (accepted)", got.Position, got.Status)
	}

	// A proposal that sits after the closing items (stored by an older
	// Samkal, or moved there) is put before them when it is accepted …
	late := &calendar.AgendaItem{MeetingID: m.ID, Title: "Sen anmälan", Status: calendar.AgendaProposed, Position: 11}
	must(t, e.s.CreateAgendaItem(e.ctx, late))
	e.wantAgenda(m.ID, slices.Concat(agenda("Tidig anmälan", "Årsplan 2027", "Generation Pep", "Levnadsvanor"),
		[]string{"Efter mötet: fika", "Sen anmälan"})...)
	// … and an item appended meanwhile still goes before the closing items.
	e.item(m.ID, "Nära vård", 0)
	got, err = e.s.UpdateAgendaItem(e.ctx, late.ID, calendar.AgendaItemUpdate{Status: &accepted})
	must(t, err)
	if got.Position != 9 {
		t.Errorf("accepted late proposal at %d, want 9 (before Övriga frågor)", got.Position)
	}
	e.wantAgenda(m.ID, slices.Concat(agenda("Tidig anmälan", "Årsplan 2027", "Generation Pep", "Levnadsvanor", "Nära vård", "Sen anmälan"),
		[]string{"Efter mötet: fika"})...)

	// Accepting with a position puts it where the secretary says.
	last := &calendar.AgendaItem{MeetingID: m.ID, Title: "Sist av allt", Status: calendar.AgendaProposed, Position: 13}
	must(t, e.s.CreateAgendaItem(e.ctx, last))
	got, err = e.s.UpdateAgendaItem(e.ctx, last.ID, calendar.AgendaItemUpdate{Status: &accepted, Position: ptr(13)})
	must(t, err)
	if got.Position != 13 {
		t.Errorf("accepted with position 13 at %d", got.Position)
	}

	// A standard item appended is a closing item: it goes last.
	std := &calendar.AgendaItem{MeetingID: m.ID, Title: "Nästa möte", Kind: calendar.AgendaStandard}
	must(t, e.s.CreateAgendaItem(e.ctx, std))
	if std.Position != 14 {
		t.Errorf("appended standard item at %d, want 14 (the end)", std.Position)
	}
}

func testAgendaChanges(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	a := e.item(m.ID, "Årsplan", 0)
	b := e.item(m.ID, "Levnadsvanor", 1) // shifts a to 2
	entity := "agenda_item"
	changes := func(id int64) []*calendar.Change {
		cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &entity, EntityID: &id})
		must(t, err)
		return cs
	}
	ca := changes(a.ID)
	if len(ca) != 2 || ca[1].Action != calendar.ActionCreate || ca[0].Action != calendar.ActionUpdate {
		t.Fatalf("changes of the shifted item: %d, want create then update", len(ca))
	}
	if f := ca[0].Fields["position"]; f.Old != "1" || f.New != "2" {
		t.Errorf("shift recorded position %q→%q, want 1→2", f.Old, f.New)
	}
	if f := ca[1].Fields["meeting"]; f.New == "" || ca[1].Fields["title"].New != "Årsplan" {
		t.Errorf("create recorded %v, want the meeting and the title", ca[1].Fields)
	}
	must(t, e.s.DeleteAgendaItem(e.ctx, b.ID))
	cb := changes(b.ID)
	if len(cb) != 2 || cb[0].Action != calendar.ActionDelete || cb[0].Fields["title"].Old != "Levnadsvanor" {
		t.Errorf("changes of the deleted item: %+v", cb)
	}
	if ca = changes(a.ID); len(ca) != 3 || ca[0].Fields["position"].New != "1" {
		t.Errorf("the item after the deleted one was not recorded moving back to 1")
	}
}

func testAgendaMeetingDelete(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	a := e.item(m.ID, "Årsplan", 0)
	must(t, e.s.DeleteMeeting(e.ctx, m.ID))
	_, err := e.s.FindAgendaItemByID(e.ctx, a.ID)
	wantErr(t, err, calendar.ENOTFOUND)
}

func testBacklog(t *testing.T, e *env) {
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	e.body("skolchefsgruppen", calendar.Public)
	x := &calendar.BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "Uppföljning av Generation Pep", Notes: "Ta upp i maj.\nJosefin föredrar."}
	must(t, e.s.CreateBacklogItem(e.ctx, x))
	if x.ID == 0 {
		t.Fatal("CreateBacklogItem set no ID")
	}
	sameTime(t, "CreatedAt", x.CreatedAt, e.clock.Now())
	e.clock.Advance(time.Minute)
	y := &calendar.BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "Nära vård-medlen"}
	must(t, e.s.CreateBacklogItem(e.ctx, y))
	must(t, e.s.CreateBacklogItem(e.ctx, &calendar.BacklogItem{Body: "skolchefsgruppen", Title: "Annat organ"}))

	got, err := e.s.FindBacklogItems(e.ctx, "chefsgrupp-folkhalsa")
	must(t, err)
	if len(got) != 2 || got[0].Title != x.Title || got[1].Title != y.Title || got[0].Notes != x.Notes || got[0].Body != "chefsgrupp-folkhalsa" {
		t.Fatalf("backlog = %+v, want the two items oldest first", got)
	}
	one, err := e.s.FindBacklogItemByID(e.ctx, y.ID)
	must(t, err)
	if one.Title != y.Title {
		t.Errorf("FindBacklogItemByID = %+v", one)
	}
	must(t, e.s.DeleteBacklogItem(e.ctx, x.ID))
	got, err = e.s.FindBacklogItems(e.ctx, "chefsgrupp-folkhalsa")
	must(t, err)
	if len(got) != 1 || got[0].ID != y.ID {
		t.Errorf("after delete backlog = %+v", got)
	}
	entity := "backlog_item"
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: &entity})
	must(t, err)
	if len(cs) != 4 || cs[0].Action != calendar.ActionDelete || cs[0].Fields["body"].Old != "chefsgrupp-folkhalsa" {
		t.Errorf("backlog changes: %d, newest %+v; want 4, a delete first", len(cs), cs[0])
	}

	wantErr(t, e.s.CreateBacklogItem(e.ctx, &calendar.BacklogItem{Body: "okand", Title: "x"}), calendar.ENOTFOUND, `body "okand"`)
	wantErr(t, e.s.CreateBacklogItem(e.ctx, &calendar.BacklogItem{Body: "skolchefsgruppen"}), calendar.EINVALID, "title is required")
	wantErr(t, e.s.CreateBacklogItem(e.ctx, &calendar.BacklogItem{Body: "skolchefsgruppen", Title: "x", Notes: strings.Repeat("n", 10001)}),
		calendar.EINVALID, "notes")
	_, err = e.s.FindBacklogItems(e.ctx, "okand")
	wantErr(t, err, calendar.ENOTFOUND, `body "okand"`)
	wantErr(t, e.s.DeleteBacklogItem(e.ctx, 999), calendar.ENOTFOUND, "backlog item 999")
	_, err = e.s.FindBacklogItemByID(e.ctx, 999)
	wantErr(t, err, calendar.ENOTFOUND)

	// A body's backlog goes with the body.
	must(t, e.s.DeleteBody(e.ctx, "chefsgrupp-folkhalsa"))
	_, err = e.s.FindBacklogItemByID(e.ctx, y.ID)
	wantErr(t, err, calendar.ENOTFOUND)
}
