package plan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// ownCalendar is Maria's published calendar: on Tuesday 27 October 2026 she
// is busy 09.00–10.00 (a floating time) and 10.30–11.00 (in UTC, after
// the change to winter time), and a cancelled event at 11.00 does not
// count.
const ownCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SabreDAV//SabreDAV//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261027T090000\r\nDTEND:20261027T100000\r\nSUMMARY:Tandläkare\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20261027T093000Z\r\nDTEND:20261027T100000Z\r\nSUMMARY:Samtal\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20261027T110000\r\nDTEND:20261027T120000\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// TestLoadOwnCalendar plants a window whose only feasible plan keeps clear
// of a member's busy times from her own calendar: Tuesdays 09.00–12.00 of
// v 44 2026, one-hour meetings on the hour, and Maria busy 09.00–10.00 and
// 10.30–11.00. Only 11.00 is left.
func TestLoadOwnCalendar(t *testing.T) {
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, calendar.Location)
	eachEngine(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		ctx := context.Background()
		s := open(t, sqlstore.Options{Now: func() time.Time { return now }})
		mustNil(t, s.CreateBody(ctx, &calendar.Body{Slug: "rad", Name: "Rådet", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public}))
		for _, key := range []string{"maria-lindborg", "ida-broman"} {
			mustNil(t, s.CreatePerson(ctx, &calendar.Person{Key: key, Name: map[string]string{"maria-lindborg": "Maria Lindborg", "ida-broman": "Ida Broman"}[key]}))
			mustNil(t, s.CreateMembership(ctx, &calendar.Membership{Body: "rad", Person: key, Role: calendar.RoleMember}))
		}
		const url = "https://moln.example.se/remote.php/dav/public-calendars/k3y?export"
		_, err := s.SetBusyFeed(ctx, "maria-lindborg", url)
		mustNil(t, err)
		from, to := (&busy.Fetcher{}).Horizon(now)
		periods, err := busy.Parse([]byte(ownCalendar), from, to)
		mustNil(t, err)
		mustNil(t, s.SaveBusyFetch(ctx, "maria-lindborg", url, &calendar.BusyFetch{At: now, Periods: periods}))

		w := &calendar.BookingWindow{Name: "Rådet hösten", Bodies: []string{"rad"}, DurationMinutes: 60, GranularityMinutes: 60,
			Weeks: []calendar.ISOWeek{{Year: 2026, Week: 44}}, Weekdays: []calendar.Weekday{2},
			Hours: []calendar.TimeSpan{{From: 9 * 60, To: 12 * 60}}}
		mustNil(t, s.CreateBookingWindow(ctx, w))
		p, err := plan.Load(ctx, s, w, now)
		mustNil(t, err)
		var own []string
		for _, b := range p.Busy {
			if b.Label == plan.OwnCalendarLabel {
				if b.MeetingID != 0 || b.Room != "" || len(b.Bodies) != 0 || len(b.People) != 1 {
					t.Errorf("own busy time %+v, want person-only", b)
				}
				own = append(own, b.People[0]+" "+calendar.In(b.Start).Format("15:04")+"–"+calendar.In(b.End).Format("15:04"))
			}
		}
		if got, want := strings.Join(own, ", "), "maria-lindborg 09:00–10:00, maria-lindborg 10:30–11:00"; got != want {
			t.Errorf("own busy times in the problem: %s, want %s", got, want)
		}
		res, err := plan.Solve(ctx, p, plan.Options{})
		mustNil(t, err)
		if !res.Feasible || len(res.Assignments) != 1 || calendar.In(res.Assignments[0].Start).Format("2006-01-02 15:04") != "2026-10-27 11:00" {
			t.Fatalf("Solve = feasible %v, %+v; want the one meeting on 2026-10-27 at 11:00", res.Feasible, res.Assignments)
		}

		// Busy the whole morning: no plan, and the explanation blames her
		// own calendar without saying what is in it.
		_, err = s.SetBusyFeed(ctx, "maria-lindborg", url+"2")
		mustNil(t, err)
		day := time.Date(2026, 10, 27, 0, 0, 0, 0, calendar.Location)
		mustNil(t, s.SaveBusyFetch(ctx, "maria-lindborg", url+"2", &calendar.BusyFetch{At: now,
			Periods: []calendar.BusyPeriod{{Start: day, End: day.AddDate(0, 0, 1)}}}))
		p, err = plan.Load(ctx, s, w, now)
		mustNil(t, err)
		res, err = plan.Solve(ctx, p, plan.Options{})
		mustNil(t, err)
		if res.Feasible || len(res.Assignments) != 1 {
			t.Fatalf("Solve with a busy day = feasible %v, want infeasible", res.Feasible)
		}
		if v := strings.Join(res.Assignments[0].Violations, "; "); !strings.Contains(v, "krockar med upptagen i egen kalender (Maria Lindborg)") || strings.Contains(v, "Tandläkare") {
			t.Errorf("violations %q, want a clash with Maria's own calendar and no title", v)
		}

		// Without her calendar all three hours are free.
		_, err = s.SetBusyFeed(ctx, "maria-lindborg", "")
		mustNil(t, err)
		p, err = plan.Load(ctx, s, w, now)
		mustNil(t, err)
		sug, err := p.Suggest("rad", 0)
		mustNil(t, err)
		if len(sug) != 3 {
			t.Errorf("without her calendar %d slots, want 3", len(sug))
		}
	})
}
