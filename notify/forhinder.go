package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/letters"
)

// The emails about förhinder (calendar.Forhinder), as outbox kinds.
const (
	KindForhinder          = "forhinder"            // to the secretaries: NN cannot come
	KindForhinderWithdrawn = "forhinder-aterkallat" // to the secretaries: NN can come after all
	KindCallIn             = "inkallad"             // to an ersättare: the kallelse, standing in for NN
	KindNotNeeded          = "ej-inkallad"          // to an ersättare: NN can come, you are not needed
)

// meetingForhinder is what the scan knows of one meeting's förhinder.
type meetingForhinder struct {
	all []*calendar.Forhinder
	// standsIn maps an ersättare called in (person key) to the förhinder
	// they stand in for; only förhinder that hold.
	standsIn map[string]*calendar.Forhinder
}

func (c *scan) forhinderOf(meetingID int64) (*meetingForhinder, error) {
	fs, read := c.forhinder[meetingID]
	if !read {
		var err error
		if fs, err = c.Store.FindForhinder(c.ctx, meetingID); err != nil {
			return nil, fmt.Errorf("notify: förhinder of meeting %d: %w", meetingID, err)
		}
	}
	mf := &meetingForhinder{all: fs, standsIn: map[string]*calendar.Forhinder{}}
	for _, f := range fs {
		if f.Active() && f.Substitute != "" {
			mf.standsIn[f.Substitute] = f
		}
	}
	return mf, nil
}

func forhinderID(f *calendar.Forhinder) string { return "f" + strconv.FormatInt(f.ID, 10) }

// callInKey is the key of the kallelse to ersättare sub standing in for
// f, written for revision rev: "m42/inkallad/eva/f7/r0".
func callInKey(meetingID int64, sub string, f *calendar.Forhinder, rev string) string {
	return key(meetingPrefix(meetingID), KindCallIn, sub, forhinderID(f), rev)
}

// calledIn reports whether sub was told, by a call-in kallelse, of the
// meeting at revision rev (any förhinder): their kallelse of that
// revision is then sent.
func calledIn(done mailSet, meetingID int64, sub, rev string) bool {
	prefix := key(meetingPrefix(meetingID), KindCallIn, sub) + "/"
	for k, h := range done {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, "/"+rev) && h.Status.Told() {
			return true
		}
	}
	return false
}

// toldCallIn reports whether sub was told they stand in for f, at any
// revision.
func toldCallIn(done mailSet, meetingID int64, sub string, f *calendar.Forhinder) bool {
	prefix := key(meetingPrefix(meetingID), KindCallIn, sub, forhinderID(f)) + "/"
	for k, h := range done {
		if strings.HasPrefix(k, prefix) && h.Status.Told() {
			return true
		}
	}
	return false
}

// forhinderMail finds the emails about the meeting's förhinder:
//
//   - each secretary is told of each förhinder (with the member's message
//     and the ersättare called in), at once, and of its withdrawal when
//     they were told of it;
//   - an ersättare called in gets the kallelse with the agenda saying whom
//     they stand in for: with the normal kallelse when that is not due yet,
//     at once when it has gone out (noticeAt is when it is due; the
//     kallelse of a called-in ersättare who has had none is this one);
//   - an ersättare who was told so and is no longer needed (the förhinder
//     was withdrawn, or another stands in) is told, unless they gave a
//     förhinder of their own.
//
// Keys hold the förhinder's id, so that a förhinder given again after a
// withdrawal is told again, and nothing is told twice.
func (c *scan) forhinderMail(mc *meetingContext, mf *meetingForhinder, done mailSet, secs []*calendar.Person,
	secretary *calendar.Person, noticeAt time.Time, agenda []letters.AgendaItem, message string) error {
	m, view := mc.meeting, mc.view
	prefix := meetingPrefix(m.ID)
	started := !c.now.Before(m.Start)
	seq := m.Sequence
	absent := map[string]bool{}
	for _, f := range mf.all {
		if f.Active() {
			absent[f.Person] = true
		}
	}
	for _, f := range mf.all {
		who, err := c.person(f.Person)
		if calendar.ErrorCode(err) == calendar.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		var subName string
		if f.Substitute != "" {
			if p, err := c.person(f.Substitute); err == nil {
				subName = p.Name
			}
		}
		// The secretaries.
		for _, sec := range secs {
			if sec.Key == f.Person {
				continue // a secretary who cannot come knows it
			}
			given := key(prefix, KindForhinder, forhinderID(f), sec.Key)
			if f.Active() || done.told(given) {
				c.forhinderNote(mc, done, given, KindForhinder, sec, nil, f.CreatedAt, letters.ForhinderNote{
					Change: letters.ForhinderGiven, Absent: who.Name, Message: f.Message, Substitute: subName}, started)
			}
			if !f.Active() && done.told(given) {
				c.forhinderNote(mc, done, key(prefix, KindForhinderWithdrawn, forhinderID(f), sec.Key), KindForhinderWithdrawn,
					sec, nil, f.WithdrawnAt, letters.ForhinderNote{Change: letters.ForhinderWithdrawn, Absent: who.Name,
						Substitute: calledName(done, m.ID, f, subName)}, started)
			}
		}
		// The ersättare no longer needed for f: every one told of f
		// (there may be several when one gave a förhinder of their own).
		for _, sub := range calledFor(done, m.ID, f) {
			if (f.Active() && f.Substitute == sub) || absent[sub] {
				continue
			}
			p, err := c.person(sub)
			if calendar.ErrorCode(err) == calendar.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			at := f.WithdrawnAt
			if f.Active() || at.IsZero() {
				at = c.now
			}
			c.forhinderNote(mc, done, key(prefix, KindNotNeeded, forhinderID(f), sub), KindNotNeeded, p, secretary, at,
				letters.ForhinderNote{Change: letters.ForhinderNotNeeded, Absent: who.Name}, started)
		}
		// The ersättare called in.
		if !f.Active() || f.Substitute == "" || toldCallIn(done, m.ID, f.Substitute, f) {
			continue
		}
		at := noticeAt
		if f.CreatedAt.After(at) {
			at = f.CreatedAt
		}
		if c.now.Before(at) {
			continue // with the kallelse
		}
		p, err := c.person(f.Substitute)
		if calendar.ErrorCode(err) == calendar.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		k := callInKey(m.ID, p.Key, f, revision(seq))
		if done.has(k) || done.has(k+noAddressSuffix) {
			continue
		}
		d := &Due{Key: k, Kind: KindCallIn, MeetingID: m.ID, To: p, At: at, replyTo: secretary,
			link: &linkSpec{purpose: calendar.LinkForhinder, expires: m.Start}, sendBefore: m.Start, sequence: &seq}
		if started {
			d.skip("mötet har redan börjat")
		}
		standsFor := who.Name
		d.letter = func(link string) (letters.Letter, error) {
			return letters.Notice{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
				Agenda: agenda, PersonalMessage: message, StandsInFor: standsFor, ForhinderURL: link}.Letter()
		}
		if p.Delivery.Invitations() {
			d.invite = c.invitation(mc, p, "REQUEST")
		}
		c.add(d)
	}
	return nil
}

// forhinderNote adds one note about a förhinder under k unless it was
// handled.
func (c *scan) forhinderNote(mc *meetingContext, done mailSet, k, kind string, to, signer *calendar.Person, at time.Time,
	note letters.ForhinderNote, started bool) {
	if done.has(k) || done.has(k+noAddressSuffix) {
		return
	}
	if at.IsZero() || at.After(c.now) {
		at = c.now
	}
	d := &Due{Key: k, Kind: kind, MeetingID: mc.meeting.ID, To: to, At: at, replyTo: signer, sendBefore: mc.meeting.Start}
	if started {
		d.skip("mötet har redan börjat")
	}
	note.Region, note.Meeting, note.To, note.Secretary = c.Region, mc.view, person(to), personPtr(signer)
	if signer == nil {
		note.PageURL = c.url("/mina-organ/moten/" + strconv.FormatInt(mc.meeting.ID, 10))
	}
	d.letter = func(string) (letters.Letter, error) { return note.Letter() }
	c.add(d)
}

// calledFor returns the ersättare told that they stand in for f.
func calledFor(done mailSet, meetingID int64, f *calendar.Forhinder) []string {
	var out []string
	prefix := key(meetingPrefix(meetingID), KindCallIn) + "/"
	for k, h := range done {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || !h.Status.Told() {
			continue
		}
		parts := strings.Split(rest, "/")
		if len(parts) >= 2 && parts[1] == forhinderID(f) && !contains(out, parts[0]) {
			out = append(out, parts[0])
		}
	}
	return out
}

// calledName is the name the withdrawal note gives for the ersättare who
// had been called in: name when one was told, "" otherwise.
func calledName(done mailSet, meetingID int64, f *calendar.Forhinder, name string) string {
	if f.Substitute != "" && toldCallIn(done, meetingID, f.Substitute, f) {
		return name
	}
	return ""
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// expected returns who is expected at m on day (calendar.ExpectedRole):
// those who may give a förhinder.
func (c *scan) expected(m *calendar.Meeting, day calendar.Date) (map[string]bool, error) {
	var all []*calendar.Membership
	for _, b := range m.Bodies {
		ms, err := c.memberships(b, day)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	out := map[string]bool{}
	for _, x := range all {
		if _, ok := calendar.ExpectedRole(all, m.Bodies, x.Person, day); ok {
			out[x.Person] = true
		}
	}
	return out, nil
}
