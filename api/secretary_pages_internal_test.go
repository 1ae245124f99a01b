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
func FuzzMeetingForm(f *testing.F) {
	f.Add("", "2026-03-24", "13.00", "16:30", "lokal-eken", "", "", "proposed")
	f.Add("Möte", "2026-03-29", "02.30", "04.00", "", "Länsstyrelsen", "https://meet.example.se/j/1", "confirmed")
	f.Add("x", "2026-10-25", "2:30", "3", "", "", "javascript:alert(1)", "cancelled")
	f.Add("\x00", "24/3", "25.00", "13.60", "nope", "\u202e", "http://", "")
	rooms := map[string]*calendar.Room{"lokal-eken": {Slug: "lokal-eken", Name: "Lokal Eken"}}
	f.Fuzz(func(t *testing.T, title, date, start, end, room, location, online, status string) {
		form := meetingForm{Title: title, Date: date, Start: start, End: end, Room: room, Location: location, Online: online, Status: status}
		m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}}
		errs := form.apply(m, rooms)
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
