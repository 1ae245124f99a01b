package api

import (
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
)

// FuzzMeetingForm: whatever a secretary types into the meeting form, the
// form either names its errors in Swedish, each for a field, or gives a
// meeting that the domain's validation accepts – never a panic, and never
// a meeting the store would refuse for a reason the form did not tell.
// The form is of a meeting, an event of a body, or an event of no body
// (the admin's, with an organisation), with whole days or a clock.
func FuzzMeetingForm(f *testing.F) {
	f.Add("", "2026-03-24", "13.00", "16:30", "lokal-eken", "", "", "proposed", uint8(0), false, "", "")
	f.Add("Möte", "2026-03-29", "02.30", "04.00", "", "Länsstyrelsen", "https://meet.example.se/j/1", "confirmed", uint8(1), false, "", "")
	f.Add("x", "2026-10-25", "2:30", "3", "", "", "javascript:alert(1)", "cancelled", uint8(2), true, "2026-10-24", "region")
	f.Add("\x00", "24/3", "25.00", "13.60", "nope", "\u202e", "http://", "", uint8(2), false, "2026-11-01", "nope")
	f.Add("Konferens", "2026-10-18", "", "", "", "", "", "confirmed", uint8(2), true, "2026-10-31", "region")
	f.Add("Konferens", "2026-10-18", "", "", "", "", "", "confirmed", uint8(1), true, "2026-11-01", "")
	rooms := map[string]*calendar.Room{"lokal-eken": {Slug: "lokal-eken", Name: "Lokal Eken"}}
	orgs := map[string]string{"region": "Region Örebro län"}
	f.Fuzz(func(t *testing.T, title, date, start, end, room, location, online, status string, what uint8, allDay bool, last, org string) {
		form := meetingForm{Title: title, Date: date, Start: start, End: end, Room: room, Location: location, Online: online, Status: status,
			AllDay: allDay, LastDate: last, Organisation: org}
		m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}}
		switch what % 3 {
		case 1:
			m.Kind = calendar.KindEvent
		case 2:
			m.Kind, m.Bodies = calendar.KindEvent, nil
		}
		errs := form.apply(m, rooms, orgs)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Field == "" || e.Message == "" || strings.Contains(e.Message, "must") {
					t.Fatalf("error %+v: want a Swedish message for a field", e)
				}
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("the form passed %+v, the domain refuses it: %v", form, err)
		}
		if !m.End.After(m.Start) || m.Start.Location() != calendar.Location {
			t.Fatalf("start %v, end %v", m.Start, m.End)
		}
		if m.AllDay != allDay || m.Kind == calendar.KindEvent && m.Title == "" {
			t.Fatalf("form %+v gave all-day %v, title %q", form, m.AllDay, m.Title)
		}
		if _, ok := orgs[m.Organisation]; m.Organisation != "" && (len(m.Bodies) > 0 || !ok) {
			t.Fatalf("form %+v gave organisation %q to a meeting of %v", form, m.Organisation, m.Bodies)
		}
	})
}

// TestSwedishWallClock: the hour skipped and the hour repeated at the
// change of summer time are refused in words; other times are taken.
func TestSwedishWallClock(t *testing.T) {
	for _, c := range []struct {
		day        calendar.Date
		hour, min  int
		wantPrefix string
	}{
		{calendar.Date{Year: 2026, Month: 3, Day: 29}, 2, 30, "2026-03-29 02.30 finns inte"},
		{calendar.Date{Year: 2026, Month: 10, Day: 25}, 2, 30, "2026-10-25 02.30 finns två gånger"},
		{calendar.Date{Year: 2026, Month: 3, Day: 29}, 3, 0, ""},
		{calendar.Date{Year: 2026, Month: 3, Day: 24}, 13, 0, ""},
	} {
		_, msg := swedishWallClock(c.day, c.hour, c.min)
		if !strings.HasPrefix(msg, c.wantPrefix) || c.wantPrefix == "" && msg != "" {
			t.Errorf("%s %02d.%02d: %q, want %q…", c.day, c.hour, c.min, msg, c.wantPrefix)
		}
	}
}
