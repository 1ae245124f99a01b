package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestProposalLimits (issue 8, defect 4): what the no-account anmälan link
// can do is bounded in the store, on both engines. One person proposes at
// most calendar.MaxProposalsPerPerson items for a meeting; proposals never
// use up the secretary's room (calendar.MaxAgendaItems counts accepted
// items only, proposals have their own calendar.MaxProposals); and the
// counts hold when submissions run in parallel.
func TestProposalLimits(t *testing.T) {
	for _, eng := range sqltest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				fn   func(t *testing.T, e *env)
			}{
				{"OneLink", testProposalsOneLink},
				{"FloodLeavesTheSecretaryRoom", testProposalsFlood},
				{"Parallel", testProposalsParallel},
			} {
				t.Run(tc.name, func(t *testing.T) {
					clk := &clock{now: time.Date(2026, 1, 10, 9, 0, 0, 0, calendar.Location)}
					s := eng.Open(t, sqlstore.Options{Now: clk.Now})
					tc.fn(t, &env{t: t, s: s, clock: clk, ctx: context.Background()})
				})
			}
		})
	}
}

// propose submits a proposal by person as the anmälan form does.
func (e *env) propose(meetingID int64, person, title string) error {
	a := &calendar.AgendaItem{MeetingID: meetingID, Title: title, Kind: calendar.AgendaInformation,
		Status: calendar.AgendaProposed, SubmittedBy: person}
	return e.s.CreateAgendaItem(e.ctx, a)
}

// count returns how many items of the meeting have status, and how many
// of them person submitted.
func (e *env) count(meetingID int64, status calendar.AgendaStatus, person string) (all, by int) {
	e.t.Helper()
	items, err := e.s.FindAgendaItems(e.ctx, meetingID)
	must(e.t, err)
	for _, a := range items {
		if a.Status == status {
			all++
			if a.SubmittedBy == person {
				by++
			}
		}
	}
	return all, by
}

func testProposalsOneLink(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	e.person("maria-lindborg")
	e.person("anna-berg")
	for i := range calendar.MaxProposalsPerPerson {
		must(t, e.propose(m.ID, "maria-lindborg", fmt.Sprintf("Förslag %d", i+1)))
	}
	before := e.changeCount()
	err := e.propose(m.ID, "maria-lindborg", "Ett förslag för mycket")
	if !errors.Is(err, calendar.ErrPersonProposalsFull) {
		t.Fatalf("proposal %d by one person: %v, want ErrPersonProposalsFull", calendar.MaxProposalsPerPerson+1, err)
	}
	wantErr(t, err, calendar.EINVALID, "already proposed 5 items")
	if n := e.changeCount(); n != before {
		t.Errorf("the refused proposal recorded %d changes", n-before)
	}
	if _, by := e.count(m.ID, calendar.AgendaProposed, "maria-lindborg"); by != calendar.MaxProposalsPerPerson {
		t.Errorf("%d proposals by maria-lindborg stored, want %d", by, calendar.MaxProposalsPerPerson)
	}
	// An accepted item still counts as one the person submitted: accepting
	// makes no room for more through the link.
	items, err := e.s.FindAgendaItems(e.ctx, m.ID)
	must(t, err)
	_, err = e.s.UpdateAgendaItem(e.ctx, items[0].ID, calendar.AgendaItemUpdate{Status: ptr(calendar.AgendaAccepted)})
	must(t, err)
	if err := e.propose(m.ID, "maria-lindborg", "Efter godkännandet"); !errors.Is(err, calendar.ErrPersonProposalsFull) {
		t.Errorf("proposal after one was accepted: %v, want ErrPersonProposalsFull", err)
	}
	// Others' links and the secretary are not affected.
	must(t, e.propose(m.ID, "anna-berg", "Annas förslag"))
	e.item(m.ID, "Sekreterarens punkt", 0)
	// Another meeting is another count.
	other := e.meeting("", day(2026, 2, 18), 13, 16, "chefsgrupp-folkhalsa")
	must(t, e.propose(other.ID, "maria-lindborg", "Till nästa möte"))
	// CountProposals counts the waiting ones of each meeting in one query:
	// four of Maria's and Anna's one, not the accepted one nor the
	// secretary's item; an unknown meeting counts nothing.
	got, err := e.s.CountProposals(e.ctx, []int64{m.ID, other.ID, 999999})
	must(t, err)
	if want := map[int64]int{m.ID: calendar.MaxProposalsPerPerson, other.ID: 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CountProposals = %v, want %v", got, want)
	}
}

func testProposalsFlood(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", true)
	// The attack of the issue: one link submits as much as it can. It gets
	// a handful through.
	e.person("flood")
	stored := 0
	for i := range 196 {
		err := e.propose(m.ID, "flood", fmt.Sprintf("Flod %d", i+1))
		switch {
		case err == nil:
			stored++
		case !errors.Is(err, calendar.ErrPersonProposalsFull):
			t.Fatalf("proposal %d: %v", i+1, err)
		}
	}
	if stored != calendar.MaxProposalsPerPerson {
		t.Errorf("one link stored %d proposals, want %d", stored, calendar.MaxProposalsPerPerson)
	}
	// Many links (every member of a large body) fill the proposals up to
	// their own bound...
	for p := 0; stored < calendar.MaxProposals; p++ {
		key := fmt.Sprintf("ledamot-%d", p)
		e.person(key)
		for i := 0; i < calendar.MaxProposalsPerPerson && stored < calendar.MaxProposals; i++ {
			must(t, e.propose(m.ID, key, fmt.Sprintf("Förslag %d från %s", i+1, key)))
			stored++
		}
	}
	e.person("en-till")
	if err := e.propose(m.ID, "en-till", "Ett förslag för mycket"); !errors.Is(err, calendar.ErrProposalsFull) {
		t.Fatalf("proposal %d of the meeting: %v, want ErrProposalsFull", calendar.MaxProposals+1, err)
	}
	// ...and the secretary still has the whole agenda: the standard items
	// and accepted items up to MaxAgendaItems.
	all, err := e.s.FillStandardItems(e.ctx, m.ID)
	must(t, err)
	standard := len(all) - calendar.MaxProposals
	for i := standard; i < calendar.MaxAgendaItems; i++ {
		a := &calendar.AgendaItem{MeetingID: m.ID, Title: fmt.Sprintf("Punkt %d", i+1)}
		if err := e.s.CreateAgendaItem(e.ctx, a); err != nil {
			t.Fatalf("the secretary's item %d after the flood: %v", i+1, err)
		}
	}
	if accepted, _ := e.count(m.ID, calendar.AgendaAccepted, ""); accepted != calendar.MaxAgendaItems {
		t.Errorf("%d accepted items, want %d", accepted, calendar.MaxAgendaItems)
	}
	// The agenda proper is full now, for the secretary too: no more
	// accepted items, and no accepting a proposal.
	err = e.s.CreateAgendaItem(e.ctx, &calendar.AgendaItem{MeetingID: m.ID, Title: "En för mycket"})
	if !errors.Is(err, calendar.ErrAgendaFull) {
		t.Errorf("accepted item %d: %v, want ErrAgendaFull", calendar.MaxAgendaItems+1, err)
	}
	var proposal *calendar.AgendaItem
	for _, a := range e.wantCount(m.ID, calendar.MaxAgendaItems+calendar.MaxProposals) {
		if a.Status == calendar.AgendaProposed {
			proposal = a
			break
		}
	}
	_, err = e.s.UpdateAgendaItem(e.ctx, proposal.ID, calendar.AgendaItemUpdate{Status: ptr(calendar.AgendaAccepted)})
	if !errors.Is(err, calendar.ErrAgendaFull) {
		t.Errorf("accepting a proposal on a full agenda: %v, want ErrAgendaFull", err)
	}
	// Sending an accepted item back to the proposals needs room there.
	_, err = e.s.UpdateAgendaItem(e.ctx, all[0].ID, calendar.AgendaItemUpdate{Status: ptr(calendar.AgendaProposed)})
	if !errors.Is(err, calendar.ErrProposalsFull) {
		t.Errorf("an accepted item back to full proposals: %v, want ErrProposalsFull", err)
	}
	// Dropping a proposal makes room for another.
	must(t, e.s.DeleteAgendaItem(e.ctx, proposal.ID))
	must(t, e.propose(m.ID, "en-till", "Nu finns det plats"))
}

// wantCount fails unless the meeting has n items, and returns them.
func (e *env) wantCount(meetingID int64, n int) []*calendar.AgendaItem {
	e.t.Helper()
	items, err := e.s.FindAgendaItems(e.ctx, meetingID)
	must(e.t, err)
	if len(items) != n {
		e.t.Fatalf("meeting %d has %d items, want %d", meetingID, len(items), n)
	}
	return items
}

// testProposalsParallel: submissions at the same moment (a script on a
// link, or many members at the deadline) cannot pass a limit together.
func testProposalsParallel(t *testing.T, e *env) {
	m := e.agendaMeeting("chefsgrupp-folkhalsa", false)
	e.person("maria-lindborg")
	const parallel = 20
	run := func(person func(i int) string) (ok, full int) {
		var wg sync.WaitGroup
		errs := make([]error, parallel)
		for i := range parallel {
			wg.Go(func() { errs[i] = e.propose(m.ID, person(i), fmt.Sprintf("Parallellt %d", i)) })
		}
		wg.Wait()
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, calendar.ErrPersonProposalsFull), errors.Is(err, calendar.ErrProposalsFull):
				full++
			default:
				t.Errorf("submission %d: %v", i, err)
			}
		}
		return ok, full
	}
	if ok, full := run(func(int) string { return "maria-lindborg" }); ok != calendar.MaxProposalsPerPerson || full != parallel-ok {
		t.Errorf("%d parallel submissions from one link: %d stored, %d refused; want %d stored", parallel, ok, full, calendar.MaxProposalsPerPerson)
	}
	// Up to 5 short of the meeting's bound, then 20 people at once: 5 get in.
	stored := calendar.MaxProposalsPerPerson
	for p := 0; stored < calendar.MaxProposals-5; p++ {
		key := fmt.Sprintf("ledamot-%d", p)
		e.person(key)
		for i := 0; i < calendar.MaxProposalsPerPerson && stored < calendar.MaxProposals-5; i++ {
			must(t, e.propose(m.ID, key, fmt.Sprintf("Förslag %d", i)))
			stored++
		}
	}
	for i := range parallel {
		e.person(fmt.Sprintf("sist-%d", i))
	}
	if ok, _ := run(func(i int) string { return fmt.Sprintf("sist-%d", i) }); ok != 5 {
		t.Errorf("%d parallel submissions 5 short of the meeting's bound: %d stored, want 5", parallel, ok)
	}
	if proposed, _ := e.count(m.ID, calendar.AgendaProposed, ""); proposed != calendar.MaxProposals {
		t.Errorf("%d proposals stored, want %d", proposed, calendar.MaxProposals)
	}
}
