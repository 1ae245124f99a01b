package ical_test

import (
	"fmt"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical"
)

// The fixtures follow the seed documents: Region Örebro län's councils and
// management groups, their 2025 meeting times (13.00–16.30), the follow-up
// day on 14 March and the rooms at Eklundavägen 1.

const (
	bodyFolkhalsa   = "Chefsgrupp folkhälsa"
	bodySocial      = "Chefsgrupp social välfärd samt vård och omsorg"
	bodySkolchefer  = "Skolchefsgruppen"
	councilSocial   = "Specifikt samverkansråd för social välfärd samt vård och omsorg"
	councilHealth   = "Specifikt samverkansråd för folkhälsa"
	bodyLansdelVast = "Länsdel Väster"
)

var (
	roomEken = &calendar.Room{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro", Capacity: 30}
	roomEnen = &calendar.Room{Slug: "lokal-enen", Name: "Lokal Enen"}
)

// secretNote is in every fixture meeting's Notes; no feed may show it.
const secretNote = "Internt: ring Maria Lindborg 070-123 45 67, maria.lindborg@regionorebrolan.se"

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// meeting returns a confirmed meeting of d from start to end (hour, minute).
func meeting(uid string, d calendar.Date, sh, sm, eh, em int) *calendar.Meeting {
	return &calendar.Meeting{
		UID:       uid,
		Kind:      calendar.KindMeeting,
		Start:     d.At(sh, sm),
		End:       d.At(eh, em),
		Status:    calendar.StatusConfirmed,
		Notes:     secretNote,
		CreatedAt: utc(2024, 11, 20, 8, 30),
		UpdatedAt: utc(2024, 12, 2, 14, 5),
	}
}

// regionFeed is the region-wide feed with one meeting of every kind the
// golden file must cover. The events are deliberately not in order.
func regionFeed() *ical.Feed {
	joint := meeting("joint-council-2025-02-07@samkal", day(2025, 2, 7), 9, 0, 12, 0)
	joint.Room = roomEken.Slug
	joint.Sequence = 2
	joint.UpdatedAt = utc(2025, 1, 15, 10, 0)

	first := meeting("folkhalsa-2025-01-21@samkal", day(2025, 1, 21), 13, 0, 16, 30)
	first.Location = "Länsstyrelsen, Stortorget 22, Örebro"

	proposed := meeting("folkhalsa-2025-05-22@samkal", day(2025, 5, 22), 13, 0, 16, 30)
	proposed.Status = calendar.StatusProposed
	proposed.Room = roomEnen.Slug

	cancelled := meeting("folkhalsa-2025-03-20@samkal", day(2025, 3, 20), 13, 0, 16, 30)
	cancelled.Status = calendar.StatusCancelled
	cancelled.Sequence = 1
	cancelled.Room = roomEken.Slug
	cancelled.CancelledAt = utc(2025, 2, 28, 7, 45)
	cancelled.UpdatedAt = cancelled.CancelledAt

	followUp := &calendar.Meeting{
		UID: "uppfoljningsdag-2025@samkal", Kind: calendar.KindEvent, Title: "Uppföljningsdag",
		Start: day(2025, 3, 14).Start(), End: day(2025, 3, 15).Start(), AllDay: true,
		Status: calendar.StatusConfirmed, Location: "Conventum, Örebro", Notes: secretNote,
		CreatedAt: utc(2024, 10, 1, 12, 0), UpdatedAt: utc(2024, 10, 1, 12, 0),
	}

	digital := meeting("vaster-2025-09-10@samkal", day(2025, 9, 10), 10, 0, 11, 30)
	digital.Status = calendar.StatusProposed
	digital.OnlineURL = "https://meet.example.se/j/4711?pwd=a;b,c"

	threeGroups := meeting("chefsgrupper-2025-11-14@samkal", day(2025, 11, 14), 13, 0, 16, 30)
	threeGroups.Status = calendar.StatusProposed
	threeGroups.Room = roomEken.Slug
	threeGroups.OnlineURL = "https://meet.example.se/j/815"

	tricky := meeting("dialog-2025-06-05@samkal", day(2025, 6, 5), 9, 30, 11, 0)
	tricky.Title = `Dialog: "skola; vård, omsorg" \ uppföljning`
	tricky.Location = "Hällefors, Sävsjövägen 3 – sal Å"

	return &ical.Feed{
		Name:        "Region Örebro län – alla samverkansmöten",
		Description: "Möten i samverkansråd, chefsgrupper och länsdelar.\r\nUppdateras varje timme; prenumerera, kopiera inte.",
		Events: []ical.Event{
			{Meeting: threeGroups, Bodies: []string{bodyFolkhalsa, bodySocial, bodySkolchefer}, Room: roomEken,
				URL: "https://samkal.example.se/moten/chefsgrupper-2025-11-14"},
			{Meeting: joint, Bodies: []string{councilSocial, councilHealth}, Room: roomEken,
				URL: "https://samkal.example.se/moten/joint-council-2025-02-07",
				Details: []string{
					"Dagordning:",
					"1. Mötets öppnande",
					"2. Val av justerare",
					"3. Godkännande av dagordningen",
					"4. Uppföljning av överenskommelsen om välfärd och folkhälsa – dialog om nästa års prioriteringar för länets tolv kommuner och Region Örebro län",
					"Protokollet justeras av ordförande och justerare.",
				}},
			{Meeting: cancelled, Bodies: []string{bodyFolkhalsa}, Room: roomEken},
			{Meeting: first, Bodies: []string{bodyFolkhalsa}, URL: "https://samkal.example.se/moten/folkhalsa-2025-01-21"},
			{Meeting: followUp},
			{Meeting: proposed, Bodies: []string{bodyFolkhalsa}, Room: roomEnen},
			{Meeting: digital, Bodies: []string{bodyLansdelVast}},
			{Meeting: tricky, Bodies: []string{bodySocial},
				Details: []string{
					"Rad ett\r\nRad två\rRad tre",
					"Tecken: komma, semikolon; bakstreck \\ och kolon: klart",
					"Kontroll\x07tecken\x00 tas bort",
					"Långt: åäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖ",
				}},
		},
	}
}

// dstFeed holds 13.00–16.30 meetings on both sides of both summer-time
// switches of 2025 (30 March and 26 October).
func dstFeed() *ical.Feed {
	f := &ical.Feed{Name: bodyFolkhalsa, RefreshInterval: 90 * time.Minute}
	for _, d := range []calendar.Date{day(2025, 3, 27), day(2025, 4, 1), day(2025, 10, 23), day(2025, 10, 28)} {
		m := meeting(fmt.Sprintf("folkhalsa-%s@samkal", d), d, 13, 0, 16, 30)
		f.Events = append(f.Events, ical.Event{Meeting: m, Bodies: []string{bodyFolkhalsa}, Room: roomEken})
	}
	return f
}

// invitationFeed is the calendar part of an invitation email.
func invitationFeed() *ical.Feed {
	m := meeting("folkhalsa-2025-08-20@samkal", day(2025, 8, 20), 13, 0, 16, 30)
	m.Sequence = 4
	return &ical.Feed{
		Method:          "REQUEST",
		RefreshInterval: 24 * time.Hour,
		Events:          []ical.Event{{Meeting: m, Bodies: []string{bodyFolkhalsa}, Room: roomEken}},
	}
}

// emptyFeed has no events and a name that needs escaping.
func emptyFeed() *ical.Feed {
	return &ical.Feed{Name: "Länsdel Söder (Sydnärke); möten, 2025", RefreshInterval: 15 * time.Minute}
}

// bigFeed returns n meetings spread over the weekdays from 2025, each with
// a room, a link and a few details, as a large region-wide feed has them.
func bigFeed(n int) *ical.Feed {
	f := &ical.Feed{Name: "Region Örebro län – alla samverkansmöten", Description: "Alla möten."}
	bodies := []string{bodyFolkhalsa, bodySocial, bodySkolchefer, councilSocial, councilHealth, bodyLansdelVast}
	d := day(2025, 1, 2)
	for i := range n {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDays(1)
		}
		m := meeting(fmt.Sprintf("m-%05d@samkal", i), d, 9+i%4, 0, 13+i%4, 30)
		m.Status = []calendar.MeetingStatus{calendar.StatusProposed, calendar.StatusConfirmed, calendar.StatusCancelled}[i%3]
		m.Sequence = i % 5
		names := []string{bodies[i%len(bodies)]}
		if i%2 == 1 {
			names = append(names, bodies[(i+1)%len(bodies)])
		}
		f.Events = append(f.Events, ical.Event{
			Meeting: m,
			Bodies:  names,
			Room:    roomEken,
			URL:     fmt.Sprintf("https://samkal.example.se/moten/%d", i),
			Details: []string{"Dagordning:", "1. Mötets öppnande", "2. Val av justerare", "3. Övriga frågor"},
		})
		if i%3 == 2 {
			d = d.AddDays(1)
		}
	}
	return f
}
