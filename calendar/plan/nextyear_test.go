package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// setUpNextYear plants, on top of the example region, what the year
// planner must move around:
//
//   - a seventh 2025 meeting of Chefsgrupp folkhälsa on Thursday 15 May
//     (week 20), whose 2026 counterpart falls on Kristi himmelsfärdsdag;
//   - on Tuesday 20 January 2026, where the 21 January 2025 meeting lands,
//     Länsdel Norr (Maria Lindborg and Ida Broman, both of the chefsgrupp)
//     and Skolchefsgruppen in Länsstyrelsen's room; on Monday 19 January
//     Skolchefsgruppen in that room again;
//   - on Thursday 19 March 2026 the social välfärd council, in which
//     Madelene Larsson of the chefsgrupp is only ersättare;
//   - for Samverkan RF-SISU in 2027: its contact person busy Monday to
//     Wednesday of the week of Kristi himmelsfärdsdag (6 May 2027);
//   - for Samverkan ÖLBF: a meeting in week 53 of 2026 (29 December), and
//     one on 29 December 2025, which lies in ISO week 1 of 2026.
func setUpNextYear(t *testing.T, s *regionStore) {
	t.Helper()
	ctx := t.Context()
	rorelse := &calendar.Body{Slug: "arbetsgrupp-rorelse", Name: "Arbetsgrupp rörelse", Kind: calendar.BodyWorkingGroup,
		Visibility: calendar.Public}
	if err := s.CreateBody(ctx, rorelse); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*calendar.Membership{
		{Body: rorelse.Slug, Person: "peter-bergvall-virtanen", Role: calendar.RoleMember},
		{Body: "specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg", Person: "madelene-larsson", Role: calendar.RoleSubstitute},
	} {
		if err := s.CreateMembership(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	plantMeetings(t, s,
		meetingSpec{key: "chefsgrupp-folkhalsa-2025-05-15", bodies: []string{"chefsgrupp-folkhalsa"}, when: "2025-05-15 13:00-16:30", status: calendar.StatusProposed},
		meetingSpec{key: "norr-2026-01-20", bodies: []string{"lansdel-norr"}, when: "2026-01-20 13:00-15:00"},
		meetingSpec{key: "skolchefer-2026-01-20", bodies: []string{"skolchefsgruppen"}, when: "2026-01-20 15:30-17:00", room: "lansstyrelsen"},
		meetingSpec{key: "skolchefer-2026-01-19", bodies: []string{"skolchefsgruppen"}, when: "2026-01-19 13:00-14:00", room: "lansstyrelsen"},
		meetingSpec{key: "valfardsradet-2026-03-19", bodies: []string{"specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg"}, when: "2026-03-19 13:00-16:00"},
		meetingSpec{key: "rorelse-2027-05-03", bodies: []string{"arbetsgrupp-rorelse"}, when: "2027-05-03 09:00-12:00"},
		meetingSpec{key: "rorelse-2027-05-04", bodies: []string{"arbetsgrupp-rorelse"}, when: "2027-05-04 09:00-12:00"},
		meetingSpec{key: "rorelse-2027-05-05", bodies: []string{"arbetsgrupp-rorelse"}, when: "2027-05-05 09:00-12:00"},
		meetingSpec{key: "olbf-2026-12-29", bodies: []string{"samverkan-olbf"}, when: "2026-12-29 10:00-12:00"},
		meetingSpec{key: "olbf-2025-12-29", bodies: []string{"samverkan-olbf"}, when: "2025-12-29 10:00-12:00"},
	)
}

// TestProposeYear checks the proposals line by line. A line is the start
// with its UTC offset (so that 13:00 in summer is seen to stay 13:00), the
// end, the room, where it was moved from, and the reasons.
func TestProposeYear(t *testing.T) {
	thu := calendar.Weekday(4)
	tests := []struct {
		name string
		body string
		year int
		pat  plan.Pattern
		want []string
	}{
		{"copy chefsgrupp folkhälsa 2025 to 2026", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025}, []string{
			"2026-01-21 13:00 +01:00–16:30 lansstyrelsen flyttad från 2026-01-20 | Ida Broman och Maria Lindborg är upptagna: Länsdel Norr kl. 13.00–15.00; " +
				"Länsstyrelsen är bokad: Skolchefsgruppen kl. 15.30–17.00 (tis 20 jan 2026) – flyttad till ons 21 jan",
			"2026-03-19 13:00 +01:00–16:30 -",
			"2026-05-13 13:00 +02:00–16:30 - flyttad från 2026-05-14 | Kristi himmelsfärdsdag (tor 14 maj 2026) – flyttad till ons 13 maj",
			"2026-05-21 13:00 +02:00–16:30 -",
			"2026-08-19 13:00 +02:00–16:30 -",
			"2026-10-22 13:00 +02:00–16:30 -",
			"2026-12-01 13:00 +01:00–16:30 -",
		}},
		{"copy to one room, without week 21", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025, Room: "lokal-eken", ExcludedWeeks: []int{21}}, []string{
			"2026-01-19 13:00 +01:00–16:30 lokal-eken flyttad från 2026-01-20 | Ida Broman och Maria Lindborg är upptagna: Länsdel Norr kl. 13.00–15.00 (tis 20 jan 2026) – flyttad till mån 19 jan",
			"2026-03-19 13:00 +01:00–16:30 lokal-eken",
			"2026-05-13 13:00 +02:00–16:30 lokal-eken flyttad från 2026-05-14 | Kristi himmelsfärdsdag (tor 14 maj 2026) – flyttad till ons 13 maj",
			"2026-05-28 13:00 +02:00–16:30 lokal-eken flyttad från 2026-05-21 | vecka 21 är undantagen (tor 21 maj 2026) – flyttad till tor 28 maj (vecka 22)",
			"2026-08-19 13:00 +02:00–16:30 lokal-eken",
			"2026-10-22 13:00 +02:00–16:30 lokal-eken",
			"2026-12-01 13:00 +01:00–16:30 lokal-eken",
		}},
		{"every other month on the third Thursday, no summer", "chefsgrupp-folkhalsa", 2026, plan.Pattern{
			RRule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=TH;BYSETPOS=3", Start: 13 * 60, DurationMinutes: 210,
			ExcludedWeeks: []int{27, 28, 29, 30, 31, 32}, Room: "lokal-enen"}, []string{
			"2026-01-15 13:00 +01:00–16:30 lokal-enen",
			"2026-03-19 13:00 +01:00–16:30 lokal-enen",
			"2026-05-21 13:00 +02:00–16:30 lokal-enen",
			"2026-06-25 13:00 +02:00–16:30 lokal-enen flyttad från 2026-07-16 | vecka 29 är undantagen (tor 16 jul 2026) – flyttad till tor 25 jun (vecka 26)",
			"2026-09-17 13:00 +02:00–16:30 lokal-enen",
			"2026-11-19 13:00 +01:00–16:30 lokal-enen",
		}},
		{"six a year on Thursdays, spread evenly", "chefsgrupp-folkhalsa", 2026, plan.Pattern{
			PerYear: 6, Weekday: thu, Start: 13 * 60, DurationMinutes: 210, ExcludedWeeks: []int{27, 28, 29, 30, 31, 32, 52}}, []string{
			"2026-01-22 13:00 +01:00–16:30 -",
			"2026-03-19 13:00 +01:00–16:30 -",
			"2026-05-13 13:00 +02:00–16:30 - flyttad från 2026-05-14 | Kristi himmelsfärdsdag (tor 14 maj 2026) – flyttad till ons 13 maj",
			"2026-08-13 13:00 +02:00–16:30 -",
			"2026-10-08 13:00 +02:00–16:30 -",
			"2026-12-03 13:00 +01:00–16:30 -",
		}},
		{"off a klämdag", "chefsgrupp-folkhalsa", 2026, plan.Pattern{
			RRule: "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=15", Start: 9 * 60, DurationMinutes: 60}, []string{
			"2026-05-13 09:00 +02:00–10:00 - flyttad från 2026-05-15 | klämdag efter Kristi himmelsfärdsdag (fre 15 maj 2026) – flyttad till ons 13 maj",
		}},
		{"a klämdag kept when the week has no other free day", "samverkan-rf-sisu", 2027, plan.Pattern{
			RRule: "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=7", Start: 10 * 60, DurationMinutes: 60}, []string{
			"2027-05-07 10:00 +02:00–11:00 - | fre 7 maj 2027 är en klämdag, men ingen annan dag i veckan är ledig",
		}},
		{"off a holiday onto a klämdag, the week's only free day", "samverkan-rf-sisu", 2027, plan.Pattern{
			RRule: "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=6", Start: 10 * 60, DurationMinutes: 60}, []string{
			"2027-05-07 10:00 +02:00–11:00 - flyttad från 2027-05-06 | Kristi himmelsfärdsdag (tor 6 maj 2027) – flyttad till fre 7 maj" +
				" | fre 7 maj är en klämdag, men ingen annan dag i veckan är ledig",
		}},
		{"week 53 into a year without one", "samverkan-olbf", 2027, plan.Pattern{CopyYear: 2026}, []string{
			"2027-12-28 10:00 +01:00–12:00 - | tis 29 dec 2026 ligger i vecka 53, som 2027 saknar – vecka 52 används",
		}},
		{"ISO week 1 that starts in the old year", "samverkan-olbf", 2026, plan.Pattern{CopyYear: 2025}, []string{
			"2026-12-28 10:00 +01:00–12:00 - flyttad från 2027-01-04 | utanför 2026 (mån 4 jan 2027) – flyttad till mån 28 dec 2026 (vecka 53)",
		}},
		{"earlier proposals block later ones", "samverkan-rf-sisu", 2026, plan.Pattern{
			RRule: "FREQ=WEEKLY;BYDAY=TU;BYMONTH=6,7", Start: 10 * 60, DurationMinutes: 60, ExcludedWeeks: []int{27, 28}}, []string{
			"2026-06-02 10:00 +02:00–11:00 -",
			"2026-06-09 10:00 +02:00–11:00 -",
			"2026-06-16 10:00 +02:00–11:00 -",
			"2026-06-22 10:00 +02:00–11:00 - flyttad från 2026-06-30 | vecka 27 är undantagen (tis 30 jun 2026) – flyttad till mån 22 jun (vecka 26)",
			"2026-06-23 10:00 +02:00–11:00 -",
			"2026-07-13 10:00 +02:00–11:00 - flyttad från 2026-07-07 | vecka 28 är undantagen (tis 7 jul 2026) – flyttad till mån 13 jul (vecka 29)",
			"2026-07-14 10:00 +02:00–11:00 -",
			"2026-07-21 10:00 +02:00–11:00 -",
			"2026-07-28 10:00 +02:00–11:00 -",
		}},
	}

	onEachEngine(t, func(t *testing.T, engine string) {
		s := openRegion(t, engine)
		setUpNextYear(t, s)
		before, err := s.DataVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := plan.ProposeYear(t.Context(), s, tt.body, tt.year, tt.pat)
				if err != nil {
					t.Fatal(err)
				}
				lines := proposalLines(got.Proposals)
				if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
				}
			})
		}
		after, err := s.DataVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("ProposeYear wrote to the store: data version %v became %v", before, after)
		}
	})
}

// proposalLines writes proposals as TestProposeYear compares them.
func proposalLines(ps []plan.Proposal) []string {
	var out []string
	for _, p := range ps {
		start, end := calendar.In(p.Start), calendar.In(p.End)
		line := fmt.Sprintf("%s–%s %s", start.Format("2006-01-02 15:04 -07:00"), end.Format("15:04"), orDefault(p.Room, "-"))
		if p.Moved {
			line += " flyttad från " + calendar.DateOf(p.Original).String()
		}
		if !p.Moved && !p.Original.Equal(p.Start) {
			line += fmt.Sprintf(" (original %s differs from start although not moved)", p.Original)
		}
		for _, r := range p.Reasons {
			line += " | " + r
		}
		out = append(out, line)
	}
	return out
}

// TestProposeYearBadInput checks that every bad pattern is EINVALID with a
// message that says what to change.
func TestProposeYearBadInput(t *testing.T) {
	s := openRegion(t, "sqlite")
	rule := func(r string) plan.Pattern { return plan.Pattern{RRule: r, Start: 13 * 60, DurationMinutes: 60} }
	tests := []struct {
		name string
		body string
		year int
		pat  plan.Pattern
		want string
	}{
		{"no pattern", "chefsgrupp-folkhalsa", 2026, plan.Pattern{Start: 13 * 60, DurationMinutes: 60}, "needs one of copy_year, rrule or per_year"},
		{"two patterns", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025, PerYear: 6}, "only one of copy_year, rrule and per_year"},
		{"unknown body", "chefsgrupp-okand", 2026, plan.Pattern{CopyYear: 2025}, `body "chefsgrupp-okand" does not exist`},
		{"unknown room", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025, Room: "lokal-aspen"}, `room "lokal-aspen" does not exist`},
		{"year too early", "chefsgrupp-folkhalsa", 1999, plan.Pattern{CopyYear: 2025}, "year must be 2000–2100, not 1999"},
		{"year too late", "chefsgrupp-folkhalsa", 2101, rule("FREQ=MONTHLY"), "year must be 2000–2100, not 2101"},
		{"copy the same year", "chefsgrupp-folkhalsa", 2025, plan.Pattern{CopyYear: 2025}, "copy_year 2025 is the year being planned"},
		{"copy a year without meetings", "chefsgrupp-folkhalsa", 2031, plan.Pattern{CopyYear: 2030}, `"chefsgrupp-folkhalsa" has no timed meetings in 2030 to copy`},
		{"copy with a time", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025, Start: 9 * 60}, "leave them out with copy_year"},
		{"rule does not parse", "chefsgrupp-folkhalsa", 2026, rule("FREQ=SOMETIMES"), "is not an RFC 5545 recurrence rule"},
		{"rule with an unknown part", "chefsgrupp-folkhalsa", 2026, rule("FREQ=MONTHLY;BYFULLMOON=1"), "is not an RFC 5545 recurrence rule"},
		{"rule out of bounds", "chefsgrupp-folkhalsa", 2026, rule("FREQ=YEARLY;BYWEEKNO=60"), "byweekno must be between 1 and 53"},
		{"rule with DTSTART", "chefsgrupp-folkhalsa", 2026, rule("DTSTART:20260101T130000\nRRULE:FREQ=MONTHLY"), "one line without DTSTART"},
		{"rule with DTSTART inline", "chefsgrupp-folkhalsa", 2026, rule("FREQ=MONTHLY;DTSTART=20260101T130000"), "must not give DTSTART"},
		{"rule with an hour", "chefsgrupp-folkhalsa", 2026, rule("FREQ=MONTHLY;BYHOUR=9"), "must not give BYHOUR"},
		{"rule every hour", "chefsgrupp-folkhalsa", 2026, rule("FREQ=HOURLY"), "finer than a day"},
		{"rule every day", "chefsgrupp-folkhalsa", 2026, rule("FREQ=DAILY"), "gives 365 dates in 2026; a year's plan has at most 100"},
		{"rule without a date in the year", "chefsgrupp-folkhalsa", 2026, rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), "gives no date in 2026"},
		{"rule that ended", "chefsgrupp-folkhalsa", 2026, rule("FREQ=MONTHLY;UNTIL=20251231T000000Z"), "gives no date in 2026"},
		{"no duration", "chefsgrupp-folkhalsa", 2026, plan.Pattern{RRule: "FREQ=MONTHLY", Start: 13 * 60}, "duration_minutes must be 1–720, not 0"},
		{"past midnight", "chefsgrupp-folkhalsa", 2026, plan.Pattern{RRule: "FREQ=MONTHLY", Start: 23 * 60, DurationMinutes: 90}, "runs past midnight"},
		{"bad start", "chefsgrupp-folkhalsa", 2026, plan.Pattern{RRule: "FREQ=MONTHLY", Start: 24 * 60, DurationMinutes: 60}, "start must be a time of day"},
		{"per year on a Sunday", "chefsgrupp-folkhalsa", 2026, plan.Pattern{PerYear: 6, Start: 13 * 60, DurationMinutes: 60}, "weekday must be mon–fri for per_year, not sun"},
		{"per year too many", "chefsgrupp-folkhalsa", 2026, plan.Pattern{PerYear: 60, Weekday: 2, Start: 13 * 60, DurationMinutes: 60}, "per_year must be 1–53, not 60"},
		{"per year more than the weeks left", "chefsgrupp-folkhalsa", 2026, plan.Pattern{PerYear: 50, Weekday: 2, Start: 13 * 60, DurationMinutes: 60,
			ExcludedWeeks: []int{27, 28, 29, 30, 31, 32}}, "2026 has only 46 tisdagar outside the excluded weeks, fewer than per_year 50"},
		{"excluded week 54", "chefsgrupp-folkhalsa", 2026, plan.Pattern{CopyYear: 2025, ExcludedWeeks: []int{54}}, "excluded week 54 does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.ProposeYear(t.Context(), s, tt.body, tt.year, tt.pat)
			if calendar.ErrorCode(err) != calendar.EINVALID || !strings.Contains(calendar.ErrorMessage(err), tt.want) {
				t.Errorf("got %v, %v; want EINVALID containing %q", got, err, tt.want)
			}
		})
	}
	t.Run("every problem at once", func(t *testing.T) {
		_, err := plan.ProposeYear(t.Context(), s, "chefsgrupp-folkhalsa", 1999, plan.Pattern{PerYear: 70, ExcludedWeeks: []int{0}})
		var e *calendar.Error
		if !errors.As(err, &e) || len(e.Details) != 5 {
			t.Fatalf("got %v, want one EINVALID listing 5 problems", err)
		}
		if want := "(and 4 more problems)"; !strings.Contains(e.Message, want) {
			t.Errorf("message %q does not contain %q", e.Message, want)
		}
	})
}

// FuzzProposeYearRRule feeds ProposeYear rules from outside: each gives
// proposals in the year at the time asked for, or EINVALID – never a
// panic or an internal error.
func FuzzProposeYearRRule(f *testing.F) {
	for _, r := range []string{
		"FREQ=MONTHLY;INTERVAL=2;BYDAY=TH;BYSETPOS=3", "FREQ=WEEKLY;BYDAY=TU;BYMONTH=6,7", "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO",
		"FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", "FREQ=YEARLY;BYYEARDAY=-1,366", "FREQ=MONTHLY;BYDAY=-1FR", "RRULE:FREQ=YEARLY;BYEASTER=39",
		"FREQ=DAILY;INTERVAL=9;UNTIL=20260401T000000Z", "FREQ=MONTHLY;BYSETPOS=-366", "FREQ=WEEKLY;WKST=SU;BYDAY=SA,SU", "",
	} {
		f.Add(r)
	}
	s := openRegion(f, "sqlite")
	f.Fuzz(func(t *testing.T, rule string) {
		pat := plan.Pattern{RRule: rule, Start: 13 * 60, DurationMinutes: 210}
		got, err := plan.ProposeYear(context.Background(), s, "chefsgrupp-folkhalsa", 2026, pat)
		if err != nil {
			if calendar.ErrorCode(err) != calendar.EINVALID {
				t.Fatalf("rule %q: got %v, want EINVALID or proposals", rule, err)
			}
			return
		}
		for _, p := range got.Proposals {
			start, end := calendar.In(p.Start), calendar.In(p.End)
			if start.Year() != 2026 || start.Format("15:04") != "13:00" || end.Format("15:04") != "16:30" ||
				calendar.DateOf(start) != calendar.DateOf(end) {
				t.Errorf("rule %q: proposal %s–%s, want 13:00–16:30 on one day of 2026", rule, start, end)
			}
		}
	})
}

// TestProposeYearCopiesAllItCan: a copied meeting brings its place, online
// link and title, a joint meeting says that the copy is for one body, a
// cancelled meeting is proposed with a reason, and what is not copied (a
// cancelled meeting replaced in its week, an all-day meeting, an event)
// is in LeftOut with the reason.
func TestProposeYearCopiesAllItCan(t *testing.T) {
	onEachEngine(t, func(t *testing.T, engine string) {
		s := openRegion(t, engine)
		ctx := t.Context()
		body := &calendar.Body{Slug: "arbetsgrupp-kopia", Name: "Arbetsgrupp kopia", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}
		if err := s.CreateBody(ctx, body); err != nil {
			t.Fatal(err)
		}
		ids := plantMeetings(t, s,
			meetingSpec{key: "held", bodies: []string{body.Slug}, when: "2025-02-04 09:00-11:00", title: "Arbetsmöte"},
			meetingSpec{key: "cancelled", bodies: []string{body.Slug}, when: "2025-03-04 09:00-11:00", status: calendar.StatusCancelled},
			meetingSpec{key: "replaced", bodies: []string{body.Slug}, when: "2025-04-01 09:00-11:00", status: calendar.StatusCancelled},
			meetingSpec{key: "replacement", bodies: []string{body.Slug}, when: "2025-04-03 09:00-11:00"},
			meetingSpec{key: "event", bodies: []string{body.Slug}, when: "2025-06-10/2025-06-10", allDay: true, title: "Konferens"},
			meetingSpec{key: "joint", bodies: []string{body.Slug, "chefsgrupp-folkhalsa"}, when: "2025-09-09 09:00-11:00"},
		)
		online, place := "https://teams.example.se/l/arbetsgrupp", "Kumla kommunhus"
		if _, err := s.UpdateMeeting(ctx, ids["held"], calendar.MeetingUpdate{OnlineURL: &online, Location: &place}); err != nil {
			t.Fatal(err)
		}
		d := calendar.Date{Year: 2025, Month: time.May, Day: 6}
		allDay := &calendar.Meeting{Key: "all-day", Kind: calendar.KindMeeting, Bodies: []string{body.Slug}, Start: d.Start(),
			End: d.AddDays(1).Start(), AllDay: true, Status: calendar.StatusConfirmed}
		if err := s.CreateMeeting(ctx, allDay); err != nil {
			t.Fatal(err)
		}

		yp, err := plan.ProposeYear(ctx, s, body.Slug, 2026, plan.Pattern{CopyYear: 2025})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"2026-02-03 09:00 +01:00–11:00 - | Kumla kommunhus | https://teams.example.se/l/arbetsgrupp | Arbetsmöte | från held",
			"2026-03-03 09:00 +01:00–11:00 - | från cancelled | tis 4 mar 2025 var inställt – föreslås ändå, så att 2026 får lika många möten; ta bort förslaget om mötet inte behövs",
			"2026-04-02 09:00 +02:00–11:00 - | från replacement",
			"2026-09-08 09:00 +02:00–11:00 - | från joint | tis 9 sep 2025 var gemensamt med Chefsgrupp folkhälsa – förslaget gäller bara Arbetsgrupp kopia; " +
				"lägg till de andra organen om mötet ska vara gemensamt 2026 också",
		}
		names := map[int64]string{}
		for k, id := range ids {
			names[id] = k
		}
		var got []string
		for _, p := range yp.Proposals {
			line := fmt.Sprintf("%s–%s %s", calendar.In(p.Start).Format("2006-01-02 15:04 -07:00"), calendar.In(p.End).Format("15:04"), orDefault(p.Room, "-"))
			for _, x := range []string{p.Location, p.OnlineURL, p.Title, "från " + names[p.CopiedFrom]} {
				if x != "" {
					line += " | " + x
				}
			}
			for _, r := range p.Reasons {
				line += " | " + r
			}
			got = append(got, line)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("proposals:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		wantLeft := []string{
			fmt.Sprintf("%d 2025-04-01: inställt och ersatt av mötet tor 3 apr 2025 kl. 09.00–11.00 samma vecka, som kopieras i stället", ids["replaced"]),
			fmt.Sprintf("%d 2025-05-06: heldag: kopieras inte – lägg in den för hand om den ska hållas 2026", allDay.ID),
			fmt.Sprintf("%d 2025-06-10: en händelse, inget möte: kopieras inte – lägg in den för hand om den ska hållas 2026", ids["event"]),
		}
		var left []string
		for _, l := range yp.LeftOut {
			left = append(left, fmt.Sprintf("%d %s: %s", l.Meeting, calendar.DateOf(l.Start), l.Reason))
		}
		if strings.Join(left, "\n") != strings.Join(wantLeft, "\n") {
			t.Errorf("left out:\n%s\nwant\n%s", strings.Join(left, "\n"), strings.Join(wantLeft, "\n"))
		}

		// A room for every meeting replaces the copied place.
		yp, err = plan.ProposeYear(ctx, s, body.Slug, 2026, plan.Pattern{CopyYear: 2025, Room: "lokal-eken"})
		if err != nil {
			t.Fatal(err)
		}
		if p := yp.Proposals[0]; p.Room != "lokal-eken" || p.Location != "" || p.OnlineURL != online {
			t.Errorf("with a room: %+v, want lokal-eken, no place, the online link", p)
		}
	})
}
