package notify

import (
	"fmt"
	"strconv"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/letters"
)

// justeringLinkLife is how long a justering link works after the minutes
// were marked ready. Reminders go on until the minutes are approved, so
// the link must outlive any realistic delay; marking again (a corrected
// document) does not shorten it.
const justeringLinkLife = 365 * 24 * time.Hour

// justeringar finds, for minutes not yet approved, the first request to
// each approver who has not approved, a reminder every
// JusteringReminderDays (only the latest one when several were missed),
// a reminder at once when a secretary asked for one (Påminn nu),
// and once the deadline has passed a note to the secretaries. They are
// never pointless while approval is missing, so the catch-up window does
// not apply.
func (c *scan) justeringar() error {
	js, err := c.Store.FindJusteringar(c.ctx, true)
	if err != nil {
		return fmt.Errorf("notify: justeringar: %w", err)
	}
	for _, j := range js {
		// One justering whose mail cannot be derived must not stop the
		// others'.
		if err := c.isolate(c.justering(j), "mejlen om justeringen kunde inte tas fram",
			key(meetingPrefix(j.MeetingID), KindJustering+failSuffix), KindJustering, j.MeetingID); err != nil {
			return err
		}
	}
	return nil
}

func (c *scan) justering(j *calendar.Justering) error {
	m, err := c.Store.FindMeetingByID(c.ctx, j.MeetingID)
	if err != nil {
		return fmt.Errorf("notify: meeting %d of a justering: %w", j.MeetingID, err)
	}
	prefix := meetingPrefix(m.ID)
	done, err := c.handled(prefix + "/" + KindJustering)
	if err != nil {
		return err
	}
	mc, err := c.meetingContext(m)
	if err != nil {
		return err
	}
	view := mc.view
	day := calendar.DateOf(m.Start)
	secs, err := c.secretaries(m.Bodies, day)
	if err != nil {
		return err
	}
	var secretary *calendar.Person
	if len(secs) > 0 {
		secretary = secs[0]
	}

	// Reminder n is due n*K days after the day the minutes were marked
	// ready, at the send time; 0 is the first request, due at once.
	mt := c.Timing.Mail()
	n, at := 0, j.ReadyAt
	for {
		next := mt.JusteringReminderAt(j.ReadyAt, n+1)
		if c.now.Before(next) {
			break
		}
		n, at = n+1, next
	}
	roles := map[string]calendar.ApproverRole{}
	for _, a := range j.Approvals {
		roles[a.Person] = a.Role
	}
	expires := j.ReadyAt.Add(justeringLinkLife)
	// A request written after the deadline day says the minutes should
	// have been approved by then; one written before it says "Sista dag"
	// and must not go out after that day. Either is replaced by the next
	// reminder once that is due. The overdue wording has a key of its own,
	// so that a request that could not go out before the deadline is
	// written again with the right words.
	overdue := !c.now.Before(j.Deadline.AddDays(1).Start())
	sendBefore := mt.JusteringReminderAt(j.ReadyAt, n+1)
	if end := j.Deadline.AddDays(1).Start(); !overdue && end.Before(sendBefore) {
		sendBefore = end
	}
	// round writes to each approver who has not approved the email under
	// the key part part: reminder number reminder, due at.
	round := func(part string, reminder int, at time.Time) error {
		for _, pk := range j.Pending() {
			base := key(prefix, KindJustering, pk, part)
			k := base
			if overdue {
				k = base + "-sen"
				if done.told(base) || done.has(base+noAddressSuffix) {
					continue // this reminder went out before the deadline passed
				}
			}
			if done.has(k) || done.has(k+noAddressSuffix) {
				continue
			}
			p, err := c.person(pk)
			if err != nil {
				return err
			}
			role := roles[pk]
			d := &Due{Key: k, Kind: KindJustering, MeetingID: m.ID, To: p, At: at, replyTo: secretary,
				link: &linkSpec{purpose: calendar.LinkJustering, expires: expires}, sendBefore: sendBefore}
			d.letter = func(link string) (letters.Letter, error) {
				return letters.JusteringRequest{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
					Role: role, DocumentURL: j.DocumentURL, LinkURL: link, Deadline: j.Deadline, Reminder: reminder,
					Overdue: overdue}.Letter()
			}
			c.add(d)
		}
		return nil
	}
	if err := round(strconv.Itoa(n), n, at); err != nil {
		return err
	}
	// A secretary's "Påminn nu" is a reminder round at once (key part
	// "nu" and the time of the wish), unless the first request or a
	// scheduled reminder became due after it.
	if r := j.RemindRequestedAt; r.After(at) && !c.now.Before(r) {
		if err := round("nu"+strconv.FormatInt(r.Unix(), 10), max(n, 1), r); err != nil {
			return err
		}
	}

	// After the deadline day the secretaries hear who has not approved;
	// minutes marked ready late (after or just before the deadline) give
	// the approvers one reminder period first, so that the secretary is
	// not told on the day they marked them that they are late.
	lateAt := mt.JusteringLateAt(j.ReadyAt, j.Deadline)
	if c.now.Before(lateAt) {
		return nil
	}
	var pending []letters.Person
	for _, pk := range j.Pending() {
		p, err := c.person(pk)
		if err != nil {
			return err
		}
		pending = append(pending, letters.Person{Name: p.Name})
	}
	for _, s := range secs {
		k := key(prefix, KindJusteringLate, s.Key)
		if done.has(k) || done.has(k+noAddressSuffix) {
			continue
		}
		s := s
		d := &Due{Key: k, Kind: KindJusteringLate, MeetingID: m.ID, To: s, At: lateAt}
		d.letter = func(string) (letters.Letter, error) {
			return letters.JusteringOverdue{Region: c.Region, Meeting: view, To: person(s), Deadline: j.Deadline,
				Pending: pending}.Letter()
		}
		c.add(d)
	}
	return nil
}
