package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/emersion/go-message"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify"
	sammail "github.com/samkal/samkal/notify/mail"
)

// region is a small council with every kind of member, built through the
// store as an import would.
type region struct {
	st      calendar.Store
	meeting *calendar.Meeting
}

// council members: key, name, email ("" for none), role.
var councilMembers = []struct {
	key, name, email string
	role             calendar.Role
}{
	{"anna-ek", "Anna Ek", "anna.ek@kommun.test.example", calendar.RoleChair},
	{"bertil-al", "Bertil Al", "bertil.al@kommun.test.example", calendar.RoleMember},
	{"cecilia-lind", "Cecilia Lind", "cecilia.lind@region.test.example", calendar.RoleSubstitute},
	{"david-gran", "David Gran", "david.gran@region.test.example", calendar.RoleSecretary},
	{"eva-asp", "Eva Asp", "eva.asp@polisen.test.example", calendar.RoleGuest},
	{"frida-alm", "Frida Alm", "", calendar.RoleMember},
}

// newRegion stores the council and one confirmed meeting at start.
func newRegion(t *testing.T, st calendar.Store, start time.Time) *region {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateBody(ctx, &calendar.Body{Slug: "samverkansrad-norr", Name: "Samverkansråd Norr",
		Kind: calendar.BodySpecificCouncil, Visibility: calendar.Public, MinutesNeedApproval: true}))
	for _, m := range councilMembers {
		must(st.CreatePerson(ctx, &calendar.Person{Key: m.key, Name: m.name, Email: m.email}))
		must(st.CreateMembership(ctx, &calendar.Membership{Body: "samverkansrad-norr", Person: m.key, Role: m.role}))
	}
	must(st.CreateRoom(ctx, &calendar.Room{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro"}))
	m := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"samverkansrad-norr"}, Start: start,
		End: start.Add(2 * time.Hour), Status: calendar.StatusConfirmed, Room: "lokal-eken"}
	must(st.CreateMeeting(ctx, m))
	return &region{st: st, meeting: m}
}

func newScanner(st calendar.Store, signer *sammail.Signer, log *slog.Logger) *notify.Scanner {
	return &notify.Scanner{Store: st, Timing: notify.DefaultTiming,
		From:   sammail.Address{Name: "Samkal Region Örebro län", Address: "samkal@region.test.example"},
		Signer: signer, BaseURL: "https://samkal.region.test.example", Region: "Region Örebro län", Logger: log}
}

func find(t *testing.T, s *notify.Scanner, at time.Time) []*notify.Due {
	t.Helper()
	due, err := s.Find(context.Background(), at)
	if err != nil {
		t.Fatalf("Find(%s): %v", at, err)
	}
	return due
}

// dueKeys returns the keys of what would be sent, and of what would be
// skipped.
func dueKeys(due []*notify.Due) (send, skip []string) {
	for _, d := range due {
		if d.Skip == "" {
			send = append(send, d.Key)
		} else {
			skip = append(skip, d.Key)
		}
	}
	return send, skip
}

func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCallAtLocalHourAcrossClockChange: the call goes out at 08:00 Swedish
// time on its day whatever the offset, including a meeting on the Monday
// after the change to summer time (2026-03-29) and to winter time
// (2026-10-25), with the default 14 days and with a body that asks for
// one day, which puts the call on the very day of the change.
func TestCallAtLocalHourAcrossClockChange(t *testing.T) {
	tests := []struct {
		name     string
		meeting  string
		callDays *int
		wantUTC  string // when the call becomes due
	}{
		{"spring, 14 days: call in winter time", "2026-03-30 10:00", nil, "2026-03-16T07:00:00Z"},
		{"spring, 1 day: call on the change day", "2026-03-30 10:00", ptr(1), "2026-03-29T06:00:00Z"},
		{"autumn, 14 days: call in summer time", "2026-10-26 10:00", nil, "2026-10-12T06:00:00Z"},
		{"autumn, 1 day: call on the change day", "2026-10-26 10:00", ptr(1), "2026-10-25T07:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := sqltest.SQLite(t, sqlstore.Options{})
			newRegion(t, st, local(tt.meeting))
			if tt.callDays != nil {
				deadline := 0
				if _, err := st.UpdateBody(context.Background(), "samverkansrad-norr", calendar.BodyUpdate{
					Notify: &calendar.BodyNotify{CallDays: tt.callDays, CallDeadlineDays: &deadline}}); err != nil {
					t.Fatal(err)
				}
			}
			s := newScanner(st, nil, nil)
			want, _ := time.Parse(time.RFC3339, tt.wantUTC)
			if send, _ := dueKeys(find(t, s, want.Add(-time.Minute))); slices.ContainsFunc(send, isCall) {
				t.Errorf("a minute before %s the call is already due: %v", tt.wantUTC, send)
			}
			due := find(t, s, want)
			send, _ := dueKeys(due)
			if n := countFunc(send, isCall); n != 3 {
				// Anna, Bertil and Cecilia are called, Frida (no address)
				// is recorded as skipped; David the secretary and Eva the
				// guest are not called.
				t.Fatalf("at %s: %d calls due (%v), want 3 with an address", tt.wantUTC, n, send)
			}
			for _, d := range due {
				if isCall(d.Key) && !d.At.Equal(want) {
					t.Errorf("%s due at %s, want %s", d.Key, d.At.UTC(), want)
				}
			}
		})
	}
}

func isCall(k string) bool { return strings.Contains(k, "/"+notify.KindCall+"/") }

func countFunc(s []string, f func(string) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}

func ptr(i int) *int { return &i }

// mailParts returns the decoded parts of a raw message by media type
// (text/plain, text/html, text/calendar), and its top-level header.
func mailParts(t *testing.T, raw []byte) (message.Header, map[string]string) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("reading a received message: %v", err)
	}
	parts := map[string]string{}
	var walk func(e *message.Entity)
	walk = func(e *message.Entity) {
		if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("reading a part: %v", err)
				}
				walk(p)
			}
		}
		mt, _, _ := e.Header.ContentType()
		b, err := io.ReadAll(e.Body)
		if err != nil {
			t.Fatalf("reading a part body: %v", err)
		}
		if _, seen := parts[mt]; !seen {
			parts[mt] = string(b)
		}
	}
	walk(e)
	return e.Header, parts
}

// received returns the sink's messages addressed to addr, decoded.
type received struct {
	header  message.Header
	subject string
	parts   map[string]string
	raw     []byte
}

func receivedBy(t *testing.T, s *sink, signer *sammail.Signer) map[string][]received {
	t.Helper()
	out := map[string][]received{}
	for _, raw := range s.messages() {
		if signer != nil {
			verifyDKIM(t, signer, raw)
		}
		h, parts := mailParts(t, raw)
		to, err := mail.ParseAddress(h.Get("To"))
		if err != nil {
			t.Fatalf("To %q: %v", h.Get("To"), err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		out[to.Address] = append(out[to.Address], received{header: h, subject: subject, parts: parts, raw: raw})
	}
	return out
}

// invite parses the text/calendar part and returns its METHOD and event.
func invite(t *testing.T, r received) (string, *ics.VEvent) {
	t.Helper()
	body, ok := r.parts["text/calendar"]
	if !ok {
		t.Fatalf("%q has no text/calendar part (parts %v)", r.subject, slices.Collect(maps.Keys(r.parts)))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("invitation does not parse: %v\n%s", err, body)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("invitation has %d events, want 1", len(evs))
	}
	method := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			method = p.Value
		}
	}
	return method, evs[0]
}

func prop(ev *ics.VEvent, name ics.ComponentProperty) string {
	if p := ev.GetProperty(name); p != nil {
		return p.Value
	}
	return ""
}

// pass runs one scan-and-send at now (the deliverer's clock set to now
// too) and fails on error.
func pass(t *testing.T, j *notify.Jobs, now time.Time) notify.Pass {
	t.Helper()
	j.Deliverer.Now = func() time.Time { return now }
	p, err := j.RunPass(context.Background(), now, false)
	if err != nil {
		t.Fatalf("RunPass(%s): %v", now, err)
	}
	return p
}

func newJobs(st calendar.Store, s *sink, signer *sammail.Signer, c *clock, log *slog.Logger) *notify.Jobs {
	return &notify.Jobs{Scanner: newScanner(st, signer, log),
		Deliverer: &notify.Deliverer{Store: st, Sender: s.sender(nil), From: "bounce@region.test.example",
			Worker: notify.NewWorkerName(), Lease: time.Minute, Now: c.Now}, Logger: log}
}

var linkPattern = regexp.MustCompile(`https://samkal\.region\.test\.example/(anmalan|justering)/([A-Za-z0-9_-]+)`)

// TestMeetingMailEndToEnd follows one council meeting through the call for
// agenda items, the digest, the kallelse, a move and a cancellation, with
// scans and deliveries to a real SMTP server, every message DKIM-verified.
func TestMeetingMailEndToEnd(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	signer := newSigner(t, "ed25519")
	s := startSink(t, true)
	c := &clock{t: local("2026-03-16 08:05")}
	j := newJobs(st, s, signer, c, nil)

	// The call: Anna, Bertil and Cecilia; Frida has no address.
	p := pass(t, j, c.Now())
	if p.Scan.Enqueued != 3 || p.Scan.Skipped != 1 || p.Deliver.Sent != 3 {
		t.Fatalf("call pass = %+v, want 3 queued, 1 skipped, 3 sent", p)
	}
	got := receivedBy(t, s, signer)
	for _, addr := range []string{"anna.ek@kommun.test.example", "bertil.al@kommun.test.example", "cecilia.lind@region.test.example"} {
		if len(got[addr]) != 1 {
			t.Fatalf("%s got %d calls, want 1", addr, len(got[addr]))
		}
		m := got[addr][0]
		if m.header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(m.header.Get("Reply-To"), "david.gran@region.test.example") {
			t.Errorf("call to %s: Auto-Submitted %q, Reply-To %q", addr, m.header.Get("Auto-Submitted"), m.header.Get("Reply-To"))
		}
		link := linkPattern.FindStringSubmatch(m.parts["text/plain"])
		if link == nil || link[1] != "anmalan" {
			t.Fatalf("call to %s has no personal anmälan link:\n%s", addr, m.parts["text/plain"])
		}
		l, err := st.FindLinkByToken(ctx, link[2])
		if err != nil {
			t.Fatalf("the link in the call to %s is not stored: %v", addr, err)
		}
		if want := local("2026-03-24 00:00"); !l.ExpiresAt.Equal(want) || l.MeetingID != r.meeting.ID {
			t.Errorf("link of %s: meeting %d, expires %s; want meeting %d, expires %s", addr, l.MeetingID, l.ExpiresAt, r.meeting.ID, want)
		}
	}
	if len(got["david.gran@region.test.example"])+len(got["eva.asp@polisen.test.example"]) != 0 {
		t.Error("the secretary or the guest got a call for agenda items")
	}
	skipped, err := st.FindSkipped(ctx, r.meeting.ID, 0)
	if err != nil || len(skipped) != 1 || skipped[0].Recipient != "frida-alm" {
		t.Fatalf("skipped = %+v, %v; want Frida's call (no address)", skipped, err)
	}

	// A second scan at the same time, and one later, queue nothing again.
	for _, at := range []time.Time{c.Now(), local("2026-03-20 12:00")} {
		if p := pass(t, j, at); p.Scan.Enqueued != 0 || p.Scan.Skipped != 0 || p.Deliver.Sent != 0 {
			t.Fatalf("pass at %s = %+v, want nothing new", at, p)
		}
	}

	// Bertil proposes an item; after the deadline David gets one digest.
	if err := st.CreateAgendaItem(ctx, &calendar.AgendaItem{MeetingID: r.meeting.ID, Title: "Trygghetsvandringar i Lindesberg",
		Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"}); err != nil {
		t.Fatal(err)
	}
	// It is due at the send time (08:00) of the day after the deadline,
	// not at midnight.
	for _, at := range []string{"2026-03-23 23:59", "2026-03-24 00:00", "2026-03-24 07:59"} {
		if p := pass(t, j, local(at)); p.Scan.Enqueued != 0 {
			t.Fatalf("digest at %s, before its send time: %+v", at, p)
		}
	}
	if p := pass(t, j, local("2026-03-24 08:00")); p.Scan.Enqueued != 1 || p.Deliver.Sent != 1 {
		t.Fatalf("digest pass = %+v, want 1 sent", p)
	}
	got = receivedBy(t, s, signer)
	if d := got["david.gran@region.test.example"]; len(d) != 1 || !strings.Contains(d[0].parts["text/plain"], "Trygghetsvandringar i Lindesberg") {
		t.Fatalf("David's digest: %d messages; want one naming Bertil's item", len(d))
	}

	// The kallelse, five days before at 08:00, to all five with an
	// address, each with an invitation matching the feed's UID and SEQUENCE.
	if p := pass(t, j, local("2026-03-25 07:59")); p.Scan.Enqueued != 0 {
		t.Fatalf("kallelse before its time: %+v", p)
	}
	if p := pass(t, j, local("2026-03-25 08:00")); p.Scan.Enqueued != 5 || p.Deliver.Sent != 5 {
		t.Fatalf("kallelse pass = %+v, want 5 sent", p)
	}
	checkInvites := func(step, method, sequence, subjectPart string) {
		t.Helper()
		got := receivedBy(t, s, signer)
		for _, m := range councilMembers {
			if m.email == "" {
				continue
			}
			last := got[m.email][len(got[m.email])-1]
			gotMethod, ev := invite(t, last)
			if gotMethod != method || prop(ev, ics.ComponentPropertyUniqueId) != r.meeting.UID || prop(ev, ics.ComponentPropertySequence) != sequence {
				t.Errorf("%s to %s: METHOD %q UID %q SEQUENCE %q; want %s %s %s", step, m.email, gotMethod,
					prop(ev, ics.ComponentPropertyUniqueId), prop(ev, ics.ComponentPropertySequence), method, r.meeting.UID, sequence)
			}
			if org := prop(ev, ics.ComponentPropertyOrganizer); org != "mailto:samkal@region.test.example" {
				t.Errorf("%s to %s: ORGANIZER %q", step, m.email, org)
			}
			if !strings.Contains(last.subject, subjectPart) {
				t.Errorf("%s to %s: subject %q does not contain %q", step, m.email, last.subject, subjectPart)
			}
		}
	}
	checkInvites("kallelse", "REQUEST", "0", "Kallelse")

	// Moved an hour: an update with the next SEQUENCE to the same people.
	later, end := r.meeting.Start.Add(time.Hour), r.meeting.End.Add(time.Hour)
	if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Start: &later, End: &end}); err != nil {
		t.Fatal(err)
	}
	if p := pass(t, j, local("2026-03-26 09:00")); p.Scan.Enqueued != 5 || p.Deliver.Sent != 5 {
		t.Fatalf("update pass = %+v, want 5 sent", p)
	}
	checkInvites("update", "REQUEST", "1", "Ändrad")

	// Cancelled: a CANCEL to everyone who had the kallelse.
	cancelled := calendar.StatusCancelled
	if _, err := st.UpdateMeeting(ctx, r.meeting.ID, calendar.MeetingUpdate{Status: &cancelled}); err != nil {
		t.Fatal(err)
	}
	if p := pass(t, j, local("2026-03-27 09:00")); p.Scan.Enqueued != 5 || p.Deliver.Sent != 5 {
		t.Fatalf("cancel pass = %+v, want 5 sent", p)
	}
	checkInvites("cancellation", "CANCEL", "2", "Inställt")
	if p := pass(t, j, local("2026-03-28 09:00")); p.Scan.Enqueued != 0 || p.Deliver.Sent != 0 {
		t.Fatalf("after the cancellation: %+v, want nothing", p)
	}

	// Every message arrived once.
	for id, n := range s.counts() {
		if n != 1 {
			t.Errorf("%s arrived %d times", id, n)
		}
	}
}

// TestMissedMailIsSkippedAndLoggedOnce: Samkal was down from before the
// call until after its deadline. The calls are pointless then: they are
// recorded and logged once, not sent; the kallelse, still useful, goes out.
func TestMissedMailIsSkippedAndLoggedOnce(t *testing.T) {
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	s := startSink(t, false)
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	c := &clock{t: local("2026-03-26 09:00")}
	j := newJobs(st, s, nil, c, log)

	p := pass(t, j, c.Now())
	// Calls: 4 pointless; kallelse: 5 sent, Frida's skipped (no address).
	if p.Scan.Enqueued != 5 || p.Scan.Skipped != 5 || p.Deliver.Sent != 5 {
		t.Fatalf("pass = %+v, want 5 kallelser sent and 5 skipped", p)
	}
	skipped, err := st.FindSkipped(context.Background(), r.meeting.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := 0
	for _, sk := range skipped {
		if strings.Contains(sk.Reason, "sista dag för att anmäla punkter (2026-03-23) har passerat") {
			reasons++
		}
	}
	if reasons != 4 { // Frida's too: pointless comes before "no address"
		t.Errorf("%d calls skipped for the passed deadline, want 4: %+v", reasons, skipped)
	}
	if p := pass(t, j, local("2026-03-26 09:05")); p.Scan.Skipped != 0 || p.Scan.Enqueued != 0 {
		t.Fatalf("second pass = %+v, want nothing new", p)
	}
	if n := strings.Count(logs.String(), "email not sent"); n != 5 {
		t.Errorf("the skips were logged %d times, want once each (5):\n%s", n, logs.String())
	}
}

// TestJusteringRemindersUntilApproved: the justerare and the chair are asked
// at once, reminded every three days while they have not approved, and
// after the deadline the secretary is told, once.
func TestJusteringRemindersUntilApproved(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	s := startSink(t, true)
	c := &clock{t: local("2026-03-31 10:00")}
	j := newJobs(st, s, nil, c, nil)
	// The kallelse and calls are history by now; count only justering mail.
	if _, err := st.RecordSkipped(ctx, &calendar.SkippedMail{Key: "x", Kind: "x", Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	jus := &calendar.Justering{MeetingID: r.meeting.ID, DocumentURL: "https://region.test.example/protokoll/2026-03-30.pdf",
		Justerare: []string{"bertil-al"}, Chair: "anna-ek"}
	if err := st.MarkMinutesReady(ctx, jus, c.Now(), 14); err != nil {
		t.Fatal(err)
	}
	justeringTo := func() map[string]int {
		out := map[string]int{}
		for addr, ms := range receivedBy(t, s, nil) {
			for _, m := range ms {
				if m.header.Get("X-Samkal-Kind") == notify.KindJustering || m.header.Get("X-Samkal-Kind") == notify.KindJusteringLate {
					out[addr]++
				}
			}
		}
		return out
	}
	pass(t, j, local("2026-03-31 10:05"))
	if got := justeringTo(); got["anna.ek@kommun.test.example"] != 1 || got["bertil.al@kommun.test.example"] != 1 || len(got) != 2 {
		t.Fatalf("first requests: %v, want one each to Anna and Bertil", got)
	}
	// The link opens the page; only the button approves (the api tests
	// that); here Bertil approves through the store.
	if _, _, err := st.ApproveMinutes(ctx, r.meeting.ID, "bertil-al", local("2026-04-01 09:00")); err != nil {
		t.Fatal(err)
	}
	pass(t, j, local("2026-04-03 07:59"))
	pass(t, j, local("2026-04-03 08:00")) // three days after the day it was marked ready
	if got := justeringTo(); got["anna.ek@kommun.test.example"] != 2 || got["bertil.al@kommun.test.example"] != 1 {
		t.Fatalf("after the first reminder: %v, want Anna 2, Bertil 1", got)
	}
	// Down for a week: at the next scan Anna gets one reminder (not the
	// missed ones) and David hears that the deadline (2026-04-13) passed.
	pass(t, j, local("2026-04-14 08:30"))
	if got := justeringTo(); got["anna.ek@kommun.test.example"] != 3 || got["david.gran@region.test.example"] != 1 {
		t.Fatalf("after the deadline: %v, want Anna 3, David 1", got)
	}
	pass(t, j, local("2026-04-14 12:00"))
	if _, _, err := st.ApproveMinutes(ctx, r.meeting.ID, "anna-ek", local("2026-04-14 13:00")); err != nil {
		t.Fatal(err)
	}
	pass(t, j, local("2026-04-20 08:00"))
	if got := justeringTo(); got["anna.ek@kommun.test.example"] != 3 || got["david.gran@region.test.example"] != 1 {
		t.Fatalf("after approval: %v, want no more mail", got)
	}
}

// TestBookingReminder: the secretary of a body without a meeting in the
// booking weeks is reminded before the deadline; a booked body is not.
func TestBookingReminder(t *testing.T) {
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
	s := newScanner(st, nil, nil)
	if send, _ := dueKeys(find(t, s, local("2026-06-05 07:59"))); len(send) != 0 {
		t.Fatalf("reminder before its time: %v", send)
	}
	due := find(t, s, local("2026-06-05 08:00"))
	if send, _ := dueKeys(due); len(send) != 1 || due[0].To.Key != "david-gran" || !strings.Contains(due[0].Subject, "") {
		t.Fatalf("reminders = %v, want one to David", send)
	}
	if _, skip := dueKeys(find(t, s, local("2026-06-13 08:00"))); len(skip) != 1 {
		t.Fatalf("after the deadline the reminder should be skipped, got %v", skip)
	}
	start := local("2026-09-07 10:00")
	if err := st.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"samverkansrad-norr"},
		Start: start, End: start.Add(2 * time.Hour), Status: calendar.StatusProposed}); err != nil {
		t.Fatal(err)
	}
	if send, _ := dueKeys(find(t, s, local("2026-06-05 08:00"))); len(send) != 0 {
		t.Fatalf("a booked body's secretary is reminded: %v", send)
	}
}

// TestQuiet checks quiet hours over midnight and weekends.
func TestQuiet(t *testing.T) {
	q := notify.Quiet{Hours: true, From: 20 * 60, To: 7 * 60, Weekends: true}
	for at, want := range map[string]bool{
		"2026-11-23 19:59": false, "2026-11-23 20:00": true, "2026-11-24 06:59": true, "2026-11-24 07:00": false,
		"2026-11-28 12:00": true, "2026-11-29 23:00": true, "2026-11-30 07:00": false,
	} {
		if got := q.At(local(at)); got != want {
			t.Errorf("quiet at %s = %v, want %v", at, got, want)
		}
	}
	if (notify.Quiet{}).At(local("2026-11-28 03:00")) {
		t.Error("no quiet time configured, yet quiet")
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestJusteringMarkedAfterDeadline: minutes marked ready after their
// deadline get requests at once and the secretary's note only after one
// reminder period, not on the day they were marked.
func TestJusteringMarkedAfterDeadline(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	ready := local("2026-05-04 10:00") // the deadline was 2026-04-13
	if err := st.MarkMinutesReady(ctx, &calendar.Justering{MeetingID: r.meeting.ID,
		DocumentURL: "https://region.test.example/protokoll.pdf", Justerare: []string{"bertil-al"}}, ready, 14); err != nil {
		t.Fatal(err)
	}
	s := newScanner(st, nil, nil)
	late := func(at time.Time) int {
		return countFunc(func() []string { send, _ := dueKeys(find(t, s, at)); return send }(),
			func(k string) bool { return strings.Contains(k, "/"+notify.KindJusteringLate+"/") })
	}
	if n := late(ready.Add(time.Minute)); n != 0 {
		t.Errorf("the secretary is told the day the minutes were marked ready")
	}
	if n := late(local("2026-05-07 08:00")); n != 1 {
		t.Errorf("after one reminder period %d notes to the secretary, want 1", n)
	}
}
