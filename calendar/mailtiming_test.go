package calendar_test

import (
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func days(n int) *int { return &n }

// TestMailTimingForMeeting: the call and kallelse of a meeting, for one
// body, a joint meeting (the earliest call, the latest deadline's days,
// off only when all are off) and across the change to summer time.
func TestMailTimingForMeeting(t *testing.T) {
	def := calendar.DefaultMailTiming
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		name                   string
		start                  string
		bodies                 []*calendar.Body
		call, deadline, notice string // "" for none
	}{
		{"defaults", "2025-03-20 13:00", []*calendar.Body{{}}, "2025-03-06 08:00", "2025-03-13", "2025-03-15 08:00"},
		{"no bodies", "2025-03-20 13:00", nil, "2025-03-06 08:00", "2025-03-13", "2025-03-15 08:00"},
		{"joint: the earliest of each", "2025-03-20 13:00",
			[]*calendar.Body{{Notify: calendar.BodyNotify{CallDays: days(21), NoticeDays: days(0)}}, {Notify: calendar.BodyNotify{CallDeadlineDays: days(10)}}},
			"2025-02-27 08:00", "2025-03-10", "2025-03-15 08:00"},
		{"all off", "2025-03-20 13:00", []*calendar.Body{{Notify: calendar.BodyNotify{CallDays: days(0), NoticeDays: days(0)}}}, "", "", ""},
		{"summer time begins between", "2026-03-30 10:00", []*calendar.Body{{}}, "2026-03-16 08:00", "2026-03-23", "2026-03-25 08:00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := def.ForMeeting(at(tt.start), tt.bodies)
			if got := stamp(m.CallAt); got != tt.call {
				t.Errorf("call at %s, want %s", got, tt.call)
			}
			if tt.call != "" && m.CallDeadline.String() != tt.deadline {
				t.Errorf("deadline %s, want %s", m.CallDeadline, tt.deadline)
			}
			if got := stamp(m.NoticeAt); got != tt.notice {
				t.Errorf("notice at %s, want %s", got, tt.notice)
			}
		})
	}
	ready := at("2025-01-10 15:20")
	if got := stamp(def.JusteringReminderAt(ready, 2)); got != "2025-01-16 08:00" {
		t.Errorf("reminder 2 at %s, want 2025-01-16 08:00", got)
	}
	if got := def.JusteringReminderAt(ready, 0); !got.Equal(ready) {
		t.Errorf("request 0 at %s, want at once", got)
	}
	// Minutes marked the day before their deadline: the first reminder
	// comes before the secretary hears they are late.
	if got := stamp(def.JusteringLateAt(ready, calendar.Date{Year: 2025, Month: 1, Day: 11})); got != "2025-01-13 08:00" {
		t.Errorf("late note at %s, want 2025-01-13 08:00", got)
	}
	if got := stamp(def.JusteringLateAt(ready, calendar.Date{Year: 2025, Month: 1, Day: 22})); got != "2025-01-23 08:00" {
		t.Errorf("late note at %s, want 2025-01-23 08:00", got)
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Location).Format("2006-01-02 15:04")
}
