// Package ical renders Samkal's meetings as iCalendar (RFC 5545) feeds that
// members subscribe to in Outlook, Google, Apple Calendar and Thunderbird,
// and as the calendar part of invitation emails.
//
// Encode builds the calendar with github.com/arran4/golang-ical and works
// around the few things that library does not do right for us (see the
// comments at each place). Every local time carries TZID=Europe/Stockholm
// and the calendar carries a complete VTIMEZONE for that zone, so 13.00
// stays 13.00 in every client on both sides of the summer-time switches.
//
// A feed is public to whoever holds its link, so nothing personal is ever
// written: no emails, no phone numbers, no ORGANIZER or ATTENDEE, and not the
// meeting's internal notes.
package ical

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/samkal/samkal/calendar"
)

// ProdID identifies Samkal as the producer of every calendar it writes.
const ProdID = "-//Samkal//Samkal//SV"

// Feed is one calendar: a body's feed, a person's feed, the region-wide
// feed, or the calendar part of an invitation.
type Feed struct {
	Name            string        // X-WR-CALNAME and NAME (RFC 7986)
	Description     string        // X-WR-CALDESC and DESCRIPTION
	RefreshInterval time.Duration // REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL; 0 means 1 hour
	Method          string        // "" for subscription feeds (no METHOD line); "REQUEST"/"CANCEL" for invitations (used later by email)
	Events          []Event
}

// Event is one meeting as a feed shows it: the meeting with the names and
// room already looked up, so that Encode needs no store.
type Event struct {
	Meeting *calendar.Meeting
	Bodies  []string       // display names of the bodies shown for this meeting (a public feed shows only public bodies)
	Room    *calendar.Room // nil when the meeting has no room
	URL     string         // link to the meeting's web page; "" for none
	Details []string       // extra DESCRIPTION lines in Swedish (agenda, justering status); never personal data
	// HideOnline leaves the digital meeting's link out, for a feed anyone
	// may read: the link is for the meeting's own people (their personal
	// feed, the kallelse), and the event only says that the meeting is
	// digital.
	HideOnline bool
	// Organizer and Attendee are for invitations sent by email only (a Feed
	// with a Method): iTIP (RFC 5546) requires an ORGANIZER in a REQUEST
	// and CANCEL, and clients show the invitation to the ATTENDEE. They are
	// personal data, so subscription feeds never set them.
	Organizer *Party
	Attendee  *Party
}

// Party is a person in an invitation: a display name and an email address.
type Party struct {
	Name  string
	Email string
}

// DefaultRefreshInterval is what a Feed with no RefreshInterval asks
// subscribing clients to wait between fetches.
const DefaultRefreshInterval = time.Hour

// tzid is the only zone Samkal writes; its VTIMEZONE is in timezone.go.
const tzid = "Europe/Stockholm"

const (
	localTimeLayout = "20060102T150405"
	dateLayout      = "20060102"
)

// busyStatus is Outlook's own free/busy property. Outlook ignores
// STATUS:TENTATIVE for free/busy, so without it proposals would block the
// day as firmly as fixed meetings. golang-ical's ComponentPropertyExtended
// builds a wrong name ("X-X-…"), so the name is spelled out.
const busyStatus = ics.ComponentProperty("X-MICROSOFT-CDO-BUSYSTATUS")

// Encode renders f as RFC 5545 text: CRLF, lines folded at 75 octets never splitting a UTF-8 character, text escaped.
// It is deterministic: the same Feed gives the same bytes (feeds are cached and ETagged by their bytes).
//
// Events are written sorted by start, then UID; events whose Meeting is nil
// are left out. Text is cleaned before it is written (invalid UTF-8 becomes
// U+FFFD, CRLF and CR become LF, other control characters are dropped), so
// no input can break the calendar's syntax. Encode keeps no state and is
// safe for concurrent use.
func Encode(f *Feed) []byte {
	cal := ics.NewCalendar() // VERSION:2.0 and the library's PRODID …
	cal.SetProductId(ProdID) // … which this replaces in place
	cal.SetCalscale("GREGORIAN")
	if m := oneLine(f.Method); m != "" {
		cal.SetMethod(ics.Method(strings.ToUpper(m)))
	}
	if name := oneLine(f.Name); name != "" {
		cal.SetName(name) // writes NAME and X-WR-CALNAME
	}
	if desc := clean(f.Description); desc != "" {
		cal.SetXWRCalDesc(desc)
		cal.SetDescription(desc)
	}
	cal.SetXWRTimezone(tzid)
	refresh := formatDuration(f.RefreshInterval)
	// golang-ical's property name for SetRefreshInterval already holds
	// ";VALUE=DURATION", so no WithValue here (that would write it twice).
	cal.SetRefreshInterval(refresh)
	cal.SetXPublishedTTL(refresh)

	cal.AddVTimezone(stockholmTimezone())

	events := make([]*Event, 0, len(f.Events))
	for i := range f.Events {
		if f.Events[i].Meeting != nil {
			events = append(events, &f.Events[i])
		}
	}
	// Stable, so that events equal in start and UID keep the caller's order.
	slices.SortStableFunc(events, func(a, b *Event) int {
		if c := a.Meeting.Start.Compare(b.Meeting.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.Meeting.UID, b.Meeting.UID)
	})
	for _, e := range events {
		cal.AddVEvent(vevent(e))
	}

	var b bytes.Buffer
	b.Grow(2048 + 1024*len(events))
	// SerializeTo fails only for unknown options or a failing writer; a
	// bytes.Buffer does not fail and the options are fixed.
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		panic("ical: serialising to memory failed: " + err.Error())
	}
	return b.Bytes()
}

// vevent renders one meeting. Meeting.Notes is deliberately not written:
// notes are the secretary's internal remarks and may name people or hold
// phone numbers, and a feed is readable by anyone who has its link.
func vevent(e *Event) *ics.VEvent {
	m := e.Meeting
	uid := oneLine(m.UID)
	if uid == "" {
		// The store always sets a UID; a meeting built elsewhere without one
		// still needs a stable one, since clients match updates by it.
		uid = "samkal-meeting-" + strconv.FormatInt(m.ID, 10)
	}
	ev := ics.NewEvent(uid)

	// DTSTAMP and LAST-MODIFIED come from the data, not the clock, so that
	// unchanged data gives identical bytes (and an unchanged ETag).
	stamp := m.UpdatedAt
	if stamp.IsZero() {
		stamp = m.CreatedAt
	}
	if stamp.IsZero() {
		stamp = m.Start
	}
	ev.SetDtStampTime(stamp)
	if !m.CreatedAt.IsZero() {
		ev.SetCreatedTime(m.CreatedAt)
	}
	ev.SetModifiedAt(stamp)
	ev.SetSequence(max(m.Sequence, 0))

	if m.AllDay {
		first, end := allDayRange(m)
		ev.SetProperty(ics.ComponentPropertyDtStart, dateText(first), ics.WithValue(string(ics.ValueDataTypeDate)))
		ev.SetProperty(ics.ComponentPropertyDtEnd, dateText(end), ics.WithValue(string(ics.ValueDataTypeDate)))
	} else {
		// SetStartAt/SetEndAt would write UTC; a local time with a TZID
		// keeps the wall clock through summer-time changes.
		ev.SetProperty(ics.ComponentPropertyDtStart, calendar.In(m.Start).Format(localTimeLayout), ics.WithTZID(tzid))
		ev.SetProperty(ics.ComponentPropertyDtEnd, calendar.In(m.End).Format(localTimeLayout), ics.WithTZID(tzid))
	}

	bodies := joinSwedish(cleanAll(e.Bodies))
	summary := oneLine(m.Title)
	if summary == "" {
		summary = bodies
	}
	if summary == "" {
		summary = "Möte"
	}
	if m.Status == calendar.StatusCancelled {
		summary = "INSTÄLLT: " + summary
	}
	ev.SetSummary(summary)
	ev.SetStatus(objectStatus(m.Status))

	if loc := location(e); loc != "" {
		ev.SetLocation(loc)
	}
	if desc := description(e, bodies); desc != "" {
		ev.SetDescription(desc)
	}
	if u := oneLine(e.URL); u != "" {
		ev.SetURL(u)
	}

	transp, busy := ics.TransparencyOpaque, "BUSY"
	switch {
	case m.Status == calendar.StatusCancelled || m.AllDay:
		// A cancelled meeting and a day-long event (a conference, a
		// follow-up day) should not block the member's free/busy time.
		transp, busy = ics.TransparencyTransparent, "FREE"
	case m.Status != calendar.StatusConfirmed:
		busy = "TENTATIVE"
	}
	ev.SetTimeTransparency(transp)
	ev.SetProperty(busyStatus, busy)
	if p := e.Organizer; p != nil && oneLine(p.Email) != "" {
		ev.SetOrganizer("mailto:"+oneLine(p.Email), partyName(p)...)
	}
	if p := e.Attendee; p != nil && oneLine(p.Email) != "" {
		// RSVP=FALSE: Samkal does not read replies, so clients should not
		// offer to send one; attendance is told to the secretary.
		opts := append(partyName(p), &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}}, ics.ParticipationRoleReqParticipant)
		ev.AddAttendee(oneLine(p.Email), opts...)
	}
	return ev
}

// partyName returns the CN parameter for a party with a name. golang-ical
// backslash-escapes parameter values, which RFC 5545 does not allow, so the
// characters that would need quoting or escaping are left out of the name.
func partyName(p *Party) []ics.PropertyParameter {
	n := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune("\",;:\\", r) {
			return ' '
		}
		return r
	}, oneLine(p.Name))), " ")
	if n != "" {
		return []ics.PropertyParameter{ics.WithCN(n)}
	}
	return nil
}

// allDayRange returns the first day and the day after the last day of an
// all-day meeting, as DTSTART and DTEND (exclusive) want them. A meeting
// whose end is not at midnight still covers the day it ends on, and the
// range is never empty.
func allDayRange(m *calendar.Meeting) (first, end calendar.Date) {
	first = calendar.DateOf(m.Start)
	end = calendar.DateOf(m.End)
	if !calendar.In(m.End).Equal(end.Start()) {
		end = end.AddDays(1)
	}
	if !first.Before(end) {
		end = first.AddDays(1)
	}
	return first, end
}

func dateText(d calendar.Date) string { return d.Start().Format(dateLayout) }

func objectStatus(s calendar.MeetingStatus) ics.ObjectStatus {
	switch s {
	case calendar.StatusConfirmed:
		return ics.ObjectStatusConfirmed
	case calendar.StatusCancelled:
		return ics.ObjectStatusCancelled
	}
	// Proposed, and anything unknown: never claim more than we know.
	return ics.ObjectStatusTentative
}

// swedishStatus is the status as DESCRIPTION shows it.
func swedishStatus(s calendar.MeetingStatus) string {
	switch s {
	case calendar.StatusConfirmed:
		return "Fastställt"
	case calendar.StatusCancelled:
		return "Inställt"
	}
	return "Förslag"
}

// location is the room with its address, else the free-text place, else
// the digital link.
func location(e *Event) string {
	m := e.Meeting
	if e.Room != nil {
		name, addr := oneLine(e.Room.Name), oneLine(e.Room.Address)
		switch {
		case name != "" && addr != "":
			return name + ", " + addr
		case name != "":
			return name
		case addr != "":
			return addr
		}
	}
	if l := oneLine(m.Location); l != "" {
		return l
	}
	if u := oneLine(m.OnlineURL); u != "" {
		if e.HideOnline {
			return "Digitalt möte"
		}
		return "Digitalt möte: " + u
	}
	return ""
}

// description is the Swedish text a member reads in the event: the bodies
// (already joined), the status, the digital link, the caller's details and
// the web page.
func description(e *Event, bodies string) string {
	m := e.Meeting
	lines := make([]string, 0, 4+len(e.Details))
	if bodies != "" {
		lines = append(lines, "Organ: "+bodies)
	}
	lines = append(lines, "Status: "+swedishStatus(m.Status))
	if u := oneLine(m.OnlineURL); u != "" {
		if e.HideOnline {
			lines = append(lines, "Digital länk: i kallelsen och i din personliga kalender")
		} else {
			lines = append(lines, "Digital länk: "+u)
		}
	}
	for _, d := range e.Details {
		if d = clean(d); d != "" {
			lines = append(lines, d)
		}
	}
	if u := oneLine(e.URL); u != "" {
		lines = append(lines, "Mer information: "+u)
	}
	return strings.Join(lines, "\n")
}
