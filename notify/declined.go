package notify

import (
	"fmt"
	"strconv"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/letters"
)

// declined tells each member whose proposal a secretary declined why, in
// one email per proposal (key "m42/avbojt/p17"), at once. Declines older
// than the catch-up window are history, not news. A proposal moved to the
// backlog instead is not declined and gets no email; nor does one
// accepted: the kallelse shows it on the agenda.
func (c *scan) declined() error {
	items, err := c.Store.FindDeclinedProposals(c.ctx, c.now.Add(-c.Timing.CatchUp))
	if err != nil {
		return fmt.Errorf("notify: declined proposals: %w", err)
	}
	var done mailSet
	var last int64
	for _, a := range items {
		if a.MeetingID != last {
			if done, err = c.handled(key(meetingPrefix(a.MeetingID), KindDeclined) + "/"); err != nil {
				return err
			}
			last = a.MeetingID
		}
		// One proposal whose email cannot be derived (its meeting or
		// proposer deleted meanwhile) must not stop the others'.
		k := key(meetingPrefix(a.MeetingID), KindDeclined, "p"+strconv.FormatInt(a.ID, 10))
		if err := c.isolate(c.decline(a, k, done), "mejlet om det avböjda förslaget kunde inte tas fram",
			k+failSuffix, KindDeclined, a.MeetingID); err != nil {
			return err
		}
	}
	return nil
}

func (c *scan) decline(a *calendar.AgendaItem, k string, done mailSet) error {
	if done.has(k) || done.has(k+noAddressSuffix) {
		return nil
	}
	m, err := c.Store.FindMeetingByID(c.ctx, a.MeetingID)
	if err != nil {
		return fmt.Errorf("notify: meeting %d of a declined proposal: %w", a.MeetingID, err)
	}
	p, err := c.person(a.SubmittedBy)
	if calendar.ErrorCode(err) == calendar.ENOTFOUND {
		return nil // the proposer was deleted; no one to tell
	}
	if err != nil {
		return err
	}
	mc, err := c.meetingContext(m)
	if err != nil {
		return err
	}
	secs, err := c.secretaries(m.Bodies, calendar.DateOf(m.Start))
	if err != nil {
		return err
	}
	var secretary *calendar.Person
	if len(secs) > 0 {
		secretary = secs[0]
	}
	at := a.UpdatedAt
	if at.IsZero() || at.After(c.now) {
		at = c.now
	}
	d := &Due{Key: k, Kind: KindDeclined, MeetingID: m.ID, To: p, At: at, replyTo: secretary}
	title, note, view := a.Title, a.DeclineNote, mc.view
	d.letter = func(string) (letters.Letter, error) {
		return letters.Declined{Region: c.Region, Meeting: view, To: person(p), Secretary: personPtr(secretary),
			Title: title, Note: note}.Letter()
	}
	c.add(d)
	return nil
}
