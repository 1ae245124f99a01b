package notify

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/ical"
	"github.com/samkal/samkal/notify/letters"
)

// meetingTiming is the timing of one meeting's emails: the server's
// defaults with its bodies' own settings applied
// (calendar.MailTiming.ForBodies).
func (c *scan) meetingTiming(bodies []*calendar.Body) Timing {
	t, m := c.Timing, c.Timing.Mail().ForBodies(bodies)
	t.CallDays, t.CallDeadlineDays, t.NoticeDays = m.CallDays, m.CallDeadlineDays, m.NoticeDays
	return t
}

// meetings finds the calls, digests, notices, updates and cancellations
// due for meetings from CatchUp ago up to as far ahead as any call or
// notice reaches, and for meetings beyond that which already have mail.
func (c *scan) meetings() error {
	ahead := max(c.Timing.CallDays, c.Timing.NoticeDays)
	bodies, err := c.Store.FindBodies(c.ctx, calendar.BodyFilter{})
	if err != nil {
		return fmt.Errorf("notify: bodies: %w", err)
	}
	for _, b := range bodies {
		c.bodies[b.Slug] = b
		ahead = max(ahead, calendar.Or(b.Notify.CallDays, 0), calendar.Or(b.Notify.NoticeDays, 0))
	}
	from := c.now.Add(-c.Timing.CatchUp)
	to := calendar.DateOf(c.now).AddDays(ahead + 1).Start()
	kind := calendar.KindMeeting
	ms, err := c.Store.FindMeetings(c.ctx, calendar.MeetingFilter{From: &from, To: &to, Kind: &kind,
		Status: []calendar.MeetingStatus{calendar.StatusConfirmed, calendar.StatusCancelled}})
	if err != nil {
		return fmt.Errorf("notify: meetings: %w", err)
	}
	// Meetings further ahead whose people were told something: moved
	// there after their call or kallelse, they need a correction now.
	seen := map[int64]bool{}
	for _, m := range ms {
		seen[m.ID] = true
	}
	far, err := c.Store.FindMailedMeetings(c.ctx, to)
	if err != nil {
		return fmt.Errorf("notify: meetings with mail: %w", err)
	}
	// And those whose letter the secretary sent before its day.
	now, err := c.sentNow()
	if err != nil {
		return err
	}
	far = append(far, now...)
	// And those with förhinder, whose secretaries and ersättare are told
	// at once.
	withF, err := c.Store.FindForhinderMeetings(c.ctx, to)
	if err != nil {
		return fmt.Errorf("notify: meetings with förhinder: %w", err)
	}
	far = append(far, withF...)
	for _, id := range far {
		if seen[id] {
			continue
		}
		seen[id] = true
		m, err := c.Store.FindMeetingByID(c.ctx, id)
		if calendar.ErrorCode(err) == calendar.ENOTFOUND {
			continue // deleted since
		}
		if err != nil {
			return fmt.Errorf("notify: meeting %d: %w", id, err)
		}
		if m.Kind == calendar.KindMeeting && (m.Status == calendar.StatusConfirmed || m.Status == calendar.StatusCancelled) {
			ms = append(ms, m)
		}
	}
	if err := c.prefetch(ms); err != nil {
		return err
	}
	for _, m := range ms {
		// A meeting whose mail cannot be derived from its data (a person
		// or room deleted meanwhile) must not stop the other meetings' mail.
		if err := c.isolate(c.meeting(m), "mejlen om mötet kunde inte tas fram",
			key(meetingPrefix(m.ID), KindMeetingMail+failSuffix), KindMeetingMail, m.ID); err != nil {
			return err
		}
	}
	return nil
}

// KindMeetingMail is the kind of the skip record of a meeting whose mail
// could not be derived at all.
const KindMeetingMail = "mote"

// meeting finds what is due for one meeting. Proposed meetings get
// nothing: a date that is not fixed is not worth a call or a notice.
//
// Every email about a meeting is written for its current revision (its
// Sequence, in the key of calls, kallelser and cancellations, and on the
// outbox row): one that was queued for an earlier revision is skipped by
// the sweep, and what each person needs now is derived here. Those who
// were told an earlier time get it corrected at once: a corrected call
// ("Ändrad tid") when the deadline for agenda items moved, an "ändrad
// kallelse" after any change of time, place or status.
func (c *scan) meeting(m *calendar.Meeting) error {
	prefix := meetingPrefix(m.ID)
	done, err := c.handled(prefix + "/")
	if err != nil {
		return err
	}
	mc, err := c.meetingContext(m)
	if err != nil {
		return err
	}
	bodies, view := mc.bodies, mc.view
	t := c.meetingTiming(bodies)
	plan := c.Timing.Mail().ForMeeting(m.Start, bodies)
	day := calendar.DateOf(m.Start)
	secs, err := c.secretaries(m.Bodies, day)
	if err != nil {
		return err
	}
	var secretary *calendar.Person
	if len(secs) > 0 {
		secretary = secs[0]
	}
	started := !c.now.Before(m.Start)
	seq := m.Sequence
	rev := revision(seq)
	// Mail about a change is due when the change was made.
	changedAt := m.UpdatedAt
	if changedAt.IsZero() || changedAt.After(c.now) {
		changedAt = c.now
	}

	if m.Status == calendar.StatusCancelled {
		return c.cancellation(mc, done, secretary, started)
	}

	// The call for agenda items, its correction after a move, and the
	// digest after its deadline.
	if t.CallDays > 0 {
		g, err := c.gate(m, bodies, calendar.MailCall)
		if err != nil {
			return err
		}
		callAt, deadlineDay := g.due(plan.CallAt), plan.CallDeadline
		closes := plan.CallCloses // the links work until the end of the deadline day
		// The call makes sense until its deadline, and never after the
		// meeting began; the deadline it gives is recorded with it as
		// this time, to see whether a move changed it.
		sendBefore := closes
		if m.Start.Before(sendBefore) {
			sendBefore = m.Start
		}
		told := toldCalls(done, prefix)
		for _, h := range told {
			if !h.SendBefore.IsZero() && !h.SendBefore.Equal(sendBefore) {
				// Links already sent work until the new deadline, also
				// for members whose corrected call is not sent.
				c.linkMoves = append(c.linkMoves, linkMove{meetingID: m.ID, expires: closes})
				break
			}
		}
		if !c.now.Before(callAt) || len(told) > 0 {
			people, err := c.members(m.Bodies, day, calendar.CallRoles)
			if err != nil {
				return err
			}
			for _, p := range people {
				k := key(prefix, KindCall, p.Key, rev)
				if done.has(k) || done.has(k+noAddressSuffix) {
					continue
				}
				// A call handled before call keys had a revision is
				// taken as handled for good; its deadline is not known.
				if legacy := key(prefix, KindCall, p.Key); done.has(legacy) || done.has(legacy+noAddressSuffix) {
					continue
				}
				d := &Due{Key: k, Kind: KindCall, MeetingID: m.ID, To: p, At: callAt, replyTo: secretary,
					link:       &linkSpec{purpose: calendar.LinkAgenda, expires: closes},
					sendBefore: sendBefore, sequence: &seq}
				call := letters.Call{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
					Deadline: deadlineDay}
				if prev := told[p.Key]; prev != nil {
					// Told a call already: a correction when the deadline
					// it gave is not the deadline now.
					if prev.SendBefore.IsZero() || prev.SendBefore.Equal(sendBefore) {
						continue
					}
					call.Moved = true
					call.PreviousDeadline = calendar.DateOf(prev.SendBefore.Add(-time.Second))
					d.At = changedAt
					switch {
					case started:
						d.skip("mötet har redan börjat")
					case !c.now.Before(closes):
						d.skip("mötet har flyttats, och den nya sista dagen för att anmäla punkter (" + deadlineDay.String() + ") har redan passerat")
					}
				} else {
					if c.now.Before(callAt) {
						continue
					}
					switch {
					case started:
						d.skip("mötet har redan börjat")
					case !c.now.Before(closes):
						d.skip("sista dag för att anmäla punkter (" + deadlineDay.String() + ") har passerat")
					}
				}
				d.letter = func(link string) (letters.Letter, error) {
					call := call
					call.LinkURL = link
					return call.Letter()
				}
				c.add(d)
			}
		}
		// The digest is due at the send time of the day after the
		// deadline, like the other mail of a day.
		digestAt := plan.DigestAt
		if !c.now.Before(digestAt) && !started && hasPrefix(done, prefix+"/"+KindCall+"/") {
			if err := c.digest(m, view, done, secs, deadlineDay, digestAt); err != nil {
				return err
			}
		}
	}

	// The kallelse, and an update after a change of time, place or status.
	// A body that sends no kallelse calls ersättare in at once.
	mf, err := c.forhinderOf(m.ID)
	if err != nil {
		return err
	}
	var noticeAt time.Time
	var agenda []letters.AgendaItem
	var message string
	if t.NoticeDays > 0 {
		g, err := c.gate(m, bodies, calendar.MailNotice)
		if err != nil {
			return err
		}
		noticeAt, message = g.due(plan.NoticeAt), g.message
		told := toldNotices(done, m.ID)
		if !c.now.Before(noticeAt) || len(told) > 0 {
			if agenda, err = c.notices(mc, done, told, mf, secretary, noticeAt, changedAt, g.message); err != nil {
				return err
			}
		}
	}
	if len(mf.standsIn) > 0 && agenda == nil && !c.now.Before(noticeAt) {
		if agenda, err = c.agenda(m.ID, calendar.AgendaAccepted); err != nil {
			return err
		}
	}
	return c.forhinderMail(mc, mf, done, secs, secretary, noticeAt, agenda, message)
}

// notices finds the kallelser due for the meeting, and returns the agenda
// they carry. Each person expected at the meeting (calendar.ExpectedRole)
// gets their personal link to say "Jag kan inte komma". An ersättare called
// in who has had no kallelse gets the call-in kallelse instead
// (forhinderMail), and one told of a revision by it is not told again.
func (c *scan) notices(mc *meetingContext, done mailSet, told map[string]bool, mf *meetingForhinder, secretary *calendar.Person,
	noticeAt, changedAt time.Time, message string) ([]letters.AgendaItem, error) {
	m, view := mc.meeting, mc.view
	prefix := meetingPrefix(m.ID)
	day := calendar.DateOf(m.Start)
	started := !c.now.Before(m.Start)
	seq := m.Sequence
	rev := revision(seq)
	people, err := c.members(m.Bodies, day, calendar.NoticeRoles)
	if err != nil {
		return nil, err
	}
	expected, err := c.expected(m, day)
	if err != nil {
		return nil, err
	}
	agenda, err := c.agenda(m.ID, calendar.AgendaAccepted)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		k := key(prefix, KindNotice, p.Key, rev)
		if done.has(k) || done.has(k+noAddressSuffix) || calledIn(done, m.ID, p.Key, rev) {
			continue
		}
		if mf.standsIn[p.Key] != nil && !told[p.Key] {
			continue // their kallelse is the call-in
		}
		// Someone told an earlier time or place gets an "ändrad
		// kallelse" at once, even when the meeting moved so far ahead
		// that its kallelse is not due yet; a member who joined since
		// gets the first one when it is due.
		ch, at := letters.NoticeFirst, noticeAt
		switch {
		case told[p.Key]:
			ch = letters.NoticeUpdate
			if c.now.Before(noticeAt) {
				at = changedAt
			}
		case c.now.Before(noticeAt):
			continue
		}
		d := &Due{Key: k, Kind: KindNotice, MeetingID: m.ID, To: p, At: at, replyTo: secretary,
			sendBefore: m.Start, sequence: &seq}
		if started {
			d.skip("mötet har redan börjat")
		}
		if expected[p.Key] {
			d.link = &linkSpec{purpose: calendar.LinkForhinder, expires: m.Start}
		}
		p := p
		d.letter = func(link string) (letters.Letter, error) {
			return letters.Notice{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
				Agenda: agenda, Change: ch, PersonalMessage: message, ForhinderURL: link}.Letter()
		}
		if p.Delivery.Invitations() {
			d.invite = c.invitation(mc, p, "REQUEST")
		}
		c.add(d)
	}
	return agenda, nil
}

// revision is the key part of a meeting's Sequence: "r3".
func revision(seq int) string { return "r" + strconv.Itoa(seq) }

// cancellation tells everyone who got a kallelse that the meeting is
// cancelled, with a CANCEL for their calendars and the secretary's
// message (Meeting.CancelMessage) when there is one. Without a kallelse there
// is nothing in their calendars to take away, and no email is sent. The
// key holds the revision, so that a meeting cancelled, confirmed again and
// cancelled again is cancelled again; a key from before revisions were in
// it counts for every revision.
func (c *scan) cancellation(mc *meetingContext, done mailSet, secretary *calendar.Person, started bool) error {
	m, view := mc.meeting, mc.view
	seq := m.Sequence
	for _, pk := range slices.Sorted(maps.Keys(toldNotices(done, m.ID))) {
		k := key(meetingPrefix(m.ID), KindCancel, pk, revision(seq))
		if done.has(k) || done.has(key(meetingPrefix(m.ID), KindCancel, pk)) {
			continue
		}
		p, err := c.person(pk)
		if err != nil {
			if calendar.ErrorCode(err) == calendar.ENOTFOUND {
				continue // the person was deleted; no one to tell
			}
			return err
		}
		d := &Due{Key: k, Kind: KindCancel, MeetingID: m.ID, To: p, At: m.CancelledAt, replyTo: secretary,
			sendBefore: m.Start, sequence: &seq}
		if started {
			d.skip("mötet skulle redan ha börjat när det ställdes in")
		}
		d.letter = func(string) (letters.Letter, error) {
			return letters.Notice{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
				Change: letters.NoticeCancel, CancelMessage: m.CancelMessage}.Letter()
		}
		if p.Delivery.Invitations() {
			d.invite = c.invitation(mc, p, "CANCEL")
		}
		c.add(d)
	}
	return nil
}

// digest sends each secretary the items members proposed, once, after the
// deadline. Without proposals there is nothing to tell and no digest.
func (c *scan) digest(m *calendar.Meeting, view letters.Meeting, done mailSet, secs []*calendar.Person, deadline calendar.Date, at time.Time) error {
	items, err := c.agenda(m.ID, calendar.AgendaProposed)
	if err != nil || len(items) == 0 {
		return err
	}
	for _, s := range secs {
		k := key(meetingPrefix(m.ID), KindDigest, s.Key)
		if done.has(k) || done.has(k+noAddressSuffix) {
			continue
		}
		s := s
		d := &Due{Key: k, Kind: KindDigest, MeetingID: m.ID, To: s, At: at, sendBefore: m.Start}
		d.letter = func(string) (letters.Letter, error) {
			return letters.Digest{Region: c.Region, Meeting: view, To: person(s), Deadline: deadline,
				Items: items, AgendaURL: view.PageURL}.Letter()
		}
		c.add(d)
	}
	return nil
}

// agenda returns the meeting's items of status as the letters show them:
// accepted ones numbered as members read them (calendar.NumberAccepted),
// without the places of proposals not yet handled.
func (c *scan) agenda(meetingID int64, status calendar.AgendaStatus) ([]letters.AgendaItem, error) {
	items, ok := c.agendas[meetingID]
	if !ok {
		var err error
		if items, err = c.Store.FindAgendaItems(c.ctx, meetingID); err != nil {
			return nil, fmt.Errorf("notify: agenda of meeting %d: %w", meetingID, err)
		}
	}
	var out []letters.AgendaItem
	for _, a := range items {
		if a.Status != status {
			continue
		}
		number := 0 // a proposal has no number yet
		if status == calendar.AgendaAccepted {
			number = len(out) + 1
		}
		li := letters.AgendaItem{Number: number, Title: a.Title, Presenter: a.Presenter, Kind: a.Kind,
			SubPoints: a.SubPoints, Links: a.Links}
		if a.SubmittedBy != "" {
			if p, err := c.person(a.SubmittedBy); err == nil {
				li.SubmittedBy = p.Name
			}
		}
		out = append(out, li)
	}
	return out, nil
}

// meetingContext is what every email about one meeting needs, looked up
// once per meeting and scan: its bodies, its room and the meeting as the
// letters show it.
type meetingContext struct {
	meeting *calendar.Meeting
	bodies  []*calendar.Body
	names   []string       // the bodies' display names
	room    *calendar.Room // nil without a room
	view    letters.Meeting
}

func (c *scan) meetingContext(m *calendar.Meeting) (*meetingContext, error) {
	mc := &meetingContext{meeting: m}
	for _, slug := range m.Bodies {
		b, err := c.body(slug)
		if err != nil {
			return nil, err
		}
		mc.bodies = append(mc.bodies, b)
		mc.names = append(mc.names, b.Name)
	}
	v := letters.Meeting{Title: m.Title, Bodies: mc.names, Start: m.Start, End: m.End, AllDay: m.AllDay,
		OnlineURL: m.OnlineURL, Cancelled: m.Status == calendar.StatusCancelled}
	// Only a public meeting has a page; a restricted one's link would
	// lead to "Sidan finns inte".
	public := func(slug string) bool {
		return slices.ContainsFunc(mc.bodies, func(b *calendar.Body) bool { return b.Slug == slug && b.Visibility == calendar.Public })
	}
	if m.IsPublic(public) {
		v.PageURL = c.meetingURL(m)
	}
	if v.Title == "" {
		v.Title = joinSwedish(mc.names)
	}
	if v.Title == "" {
		v.Title = "Möte"
	}
	v.Place = m.Location
	if m.Room != "" {
		r, err := c.room(m.Room)
		if err != nil {
			return nil, err
		}
		mc.room = r
		v.Place = r.Name
		if r.Address != "" {
			v.Place += ", " + r.Address
		}
	}
	mc.view = v
	return mc, nil
}

func (c *scan) meetingURL(m *calendar.Meeting) string {
	return c.url("/moten/" + strconv.FormatInt(m.ID, 10))
}

// invitation returns a function building the meeting's iCalendar
// invitation for p, for the kallelse, its updates and the cancellation of
// someone who chose invitations (calendar.CalendarDelivery.Invitations);
// who chose the feed gets those emails without one, so that the meeting
// is not twice in their calendar. The same UID and SEQUENCE as in the feeds, so that the
// calendar entry from the email and the one from a subscription are one.
func (c *scan) invitation(mc *meetingContext, p *calendar.Person, method string) func() ([]byte, string) {
	return func() ([]byte, string) {
		ev := ical.Event{Meeting: mc.meeting, Bodies: mc.names, Room: mc.room, URL: mc.view.PageURL,
			Organizer: &ical.Party{Name: c.From.Name, Email: c.From.Address},
			Attendee:  &ical.Party{Name: p.Name, Email: p.Email}}
		return ical.Encode(&ical.Feed{Name: c.Region, Method: method, Events: []ical.Event{ev}}), method
	}
}

// toldNotices returns the keys of the people who were sent (or will be
// sent) a kallelse for the meeting, of any revision, the kallelse of an
// ersättare called in included. A kallelse that was
// skipped (no address, out of date before it went out) told nobody.
func toldNotices(done mailSet, meetingID int64) map[string]bool {
	out := map[string]bool{}
	for k, h := range done {
		rest, ok := strings.CutPrefix(k, meetingPrefix(meetingID)+"/"+KindNotice+"/")
		if !ok {
			rest, ok = strings.CutPrefix(k, meetingPrefix(meetingID)+"/"+KindCallIn+"/")
		}
		if !ok || !h.Status.Told() {
			continue
		}
		person, _, _ := strings.Cut(rest, "/")
		out[person] = true
	}
	return out
}

// toldCalls returns, by person key, the latest call for agenda items each
// person was sent (or will be sent) for the meeting: the one of the
// highest revision. A key without a revision (from before revisions were
// in call keys) counts as the earliest.
func toldCalls(done mailSet, prefix string) map[string]*calendar.HandledMail {
	out := map[string]*calendar.HandledMail{}
	rev := map[string]int{}
	for k, h := range done {
		rest, ok := strings.CutPrefix(k, prefix+"/"+KindCall+"/")
		if !ok || !h.Status.Told() {
			continue
		}
		person, r, _ := strings.Cut(rest, "/")
		n := -1
		if s, ok := strings.CutPrefix(r, "r"); ok {
			if v, err := strconv.Atoi(s); err == nil {
				n = v
			}
		}
		if prev, seen := rev[person]; !seen || n > prev {
			out[person], rev[person] = h, n
		}
	}
	return out
}

// hasPrefix reports whether any key in set starts with prefix.
func hasPrefix(set mailSet, prefix string) bool {
	for k := range set {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func person(p *calendar.Person) letters.Person { return letters.Person{Name: p.Name, Email: p.Email} }

func personPtr(p *calendar.Person) *letters.Person {
	if p == nil {
		return nil
	}
	lp := person(p)
	return &lp
}

// joinSwedish joins names as Swedish does: "A", "A och B", "A, B och C".
func joinSwedish(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " och " + names[len(names)-1]
}
