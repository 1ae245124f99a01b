package notify_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
)

// TestNoticeNumbersTheAcceptedAgenda: the kallelse numbers the agenda as
// members read it, 1, 2, 3 …, and a proposal the secretary has not handled
// neither shows nor leaves a gap.
func TestNoticeNumbersTheAcceptedAgenda(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	if _, err := st.FillStandardItems(ctx, r.meeting.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*calendar.AgendaItem{
		{MeetingID: r.meeting.ID, Title: "Årsplan 2027", Kind: calendar.AgendaDecision},
		{MeetingID: r.meeting.ID, Title: "Inte behandlad", Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"},
	} {
		if err := st.CreateAgendaItem(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	s := startSink(t, true)
	c := &clock{t: local("2026-03-25 08:00")}
	pass(t, newJobs(st, s, nil, c, nil), c.Now())
	got := receivedBy(t, s, nil)["anna.ek@kommun.test.example"]
	var text string
	for _, m := range got {
		if strings.HasPrefix(m.subject, "Kallelse") {
			text = strings.ReplaceAll(m.parts["text/plain"], "\r\n", "\n")
		}
	}
	want := "1. Mötet öppnas\n2. Val av justerare\n3. Fastställande av dagordning\n" +
		"4. Föregående mötes protokoll/minnesanteckningar\n5. Årsplan 2027 (beslut)\n6. Övriga frågor\n7. Mötet avslutas\n"
	if !strings.Contains(text, want) {
		t.Errorf("kallelse to Anna does not number the agenda 1–7:\n%s", text)
	}
	if strings.Contains(text, "Inte behandlad") {
		t.Errorf("kallelse shows a proposal the secretary has not accepted:\n%s", text)
	}
}

// TestRestrictedMeetingMailLinksNoMissingPage: a meeting of a restricted
// body has no public page, so neither its emails (call, digest, kallelse)
// nor its invitation link one; a public meeting's do.
func TestRestrictedMeetingMailLinksNoMissingPage(t *testing.T) {
	for _, restricted := range []bool{false, true} {
		name := map[bool]string{false: "public", true: "restricted"}[restricted]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := sqltest.SQLite(t, sqlstore.Options{})
			r := newRegion(t, st, local("2026-03-30 10:00"))
			if restricted {
				vis := calendar.Restricted
				if _, err := st.UpdateBody(ctx, "samverkansrad-norr", calendar.BodyUpdate{Visibility: &vis}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: "Trygghetsvandringar",
				Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"}); err != nil {
				t.Fatal(err)
			}
			s := startSink(t, true)
			c := &clock{t: local("2026-03-16 08:05")}
			j := newJobs(st, s, nil, c, nil)
			for _, at := range []string{"2026-03-16 08:05", "2026-03-24 00:05", "2026-03-25 08:05"} { // call, digest, kallelse
				pass(t, j, local(at))
			}
			page := "https://samkal.region.test.example/moten/" + strconv.FormatInt(r.meeting.ID, 10)
			kinds := map[string]bool{}
			for addr, ms := range receivedBy(t, s, nil) {
				for _, m := range ms {
					kind := m.header.Get("X-Samkal-Kind")
					kinds[kind] = true
					text := m.parts["text/plain"] + m.parts["text/html"]
					if linked := strings.Contains(text, page); linked == restricted {
						t.Errorf("%s to %s links the meeting's page: %v, want %v:\n%s", kind, addr, linked, !restricted, m.parts["text/plain"])
					}
					if kind == notify.KindNotice {
						_, ev := invite(t, m)
						if u := prop(ev, ics.ComponentPropertyUrl); (u == page) == restricted {
							t.Errorf("invitation to %s has URL %q; want the page only for a public meeting", addr, u)
						}
					}
				}
			}
			for _, k := range []string{notify.KindCall, notify.KindDigest, notify.KindNotice} {
				if !kinds[k] {
					t.Errorf("no %s was sent; got %v", k, kinds)
				}
			}
		})
	}
}

// TestBookingReminderCarriesPersonalLink: the booking reminder promises
// free times; its link is the secretary's personal link to the booking
// page (not the start page), stored for the window and working until the
// window's weeks have passed, as the email says.
func TestBookingReminderCarriesPersonalLink(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	newRegion(t, st, local("2026-03-30 10:00"))
	w := &calendar.BookingWindow{Name: "Hösten 2026", Weeks: []calendar.ISOWeek{{Year: 2026, Week: 37}, {Year: 2026, Week: 38}},
		Bodies: []string{"samverkansrad-norr"}, DurationMinutes: 120,
		Weekdays: []calendar.Weekday{calendar.Weekday(time.Monday)},
		Hours:    []calendar.TimeSpan{{From: calendar.Clock(9 * 60), To: calendar.Clock(16 * 60)}},
		Deadline: calendar.Date{Year: 2026, Month: time.June, Day: 12}}
	if err := st.CreateBookingWindow(ctx, w); err != nil {
		t.Fatal(err)
	}
	s := startSink(t, true)
	c := &clock{t: local("2026-06-05 08:00")}
	pass(t, newJobs(st, s, nil, c, nil), c.Now())
	got := receivedBy(t, s, nil)["david.gran@region.test.example"]
	if len(got) != 1 {
		t.Fatalf("David got %d emails, want the booking reminder", len(got))
	}
	text := strings.Join(strings.Fields(got[0].parts["text/plain"]), " ")
	link := regexp.MustCompile(`https://samkal\.region\.test\.example/bokning/([A-Za-z0-9_-]+)`).FindStringSubmatch(text)
	if link == nil {
		t.Fatalf("the booking reminder carries no personal booking link:\n%s", got[0].parts["text/plain"])
	}
	if strings.Contains(text, "https://samkal.region.test.example/ ") || strings.Contains(text, "krockar med varandra") {
		t.Errorf("the booking reminder still sends the secretary to the start page, or promises what the page does not show:\n%s", text)
	}
	l, err := st.FindLinkByToken(ctx, link[1])
	if err != nil {
		t.Fatalf("the link in the reminder is not stored: %v", err)
	}
	// Week 38 of 2026 ends on Sunday 20 September.
	if l.Purpose != calendar.LinkBooking || l.WindowID != w.ID || l.Person != "david-gran" || !l.ExpiresAt.Equal(local("2026-09-21 00:00")) {
		t.Errorf("link = %+v; want David's bokning link of window %d, working to the end of 20 September", l, w.ID)
	}
	if !strings.Contains(text, "fungerar till och med söndag 20 september 2026") {
		t.Errorf("the email does not say how long the link works:\n%s", text)
	}
}
