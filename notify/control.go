package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The secretary's hand on a meeting's call and kallelse
// (calendar.MailControl): held back, sent now, or left to the timing, which
// for a body whose letters wait (calendar.MailReleaseManual) means until
// "Skicka" is pressed. The scan asks gate when it decides whether a first
// call or kallelse is due. Corrections to people already told (a moved
// deadline, an "ändrad kallelse") are not held: they tell of a change.

// never is the due time of a held letter.
var never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// letterGate is what the secretary chose for one letter of one meeting.
type letterGate struct {
	held    bool      // not sent as a first letter until released
	now     time.Time // when "Skicka nu" was pressed; zero otherwise
	message string    // the secretary's message (the kallelse only)
}

// due is when a first letter planned for at becomes due: never while it
// is held, at once (the press of "Skicka nu") when sent now, else at.
func (g letterGate) due(at time.Time) time.Time {
	switch {
	case g.held:
		return never
	case !g.now.IsZero() && g.now.Before(at):
		return g.now
	}
	return at
}

// gate returns the secretary's choice for letter of m, whose bodies are
// given; the choices of all meetings are read once per scan. A preview
// takes the letter it shows as sent now.
func (c *scan) gate(m *calendar.Meeting, bodies []*calendar.Body, letter calendar.MailLetter) (letterGate, error) {
	if err := c.loadControls(); err != nil {
		return letterGate{}, err
	}
	var g letterGate
	ctl := c.controls[m.ID][letter]
	if ctl != nil {
		g.message = ctl.Message
	}
	manual := false
	for _, b := range bodies {
		manual = manual || b.MailRelease.Manual()
	}
	switch {
	case c.preview == letter:
		g.now = c.now
	case ctl != nil && ctl.State == calendar.MailNow:
		g.now = ctl.ChangedAt
		if g.now.IsZero() || g.now.After(c.now) {
			g.now = c.now
		}
	case ctl != nil && ctl.State == calendar.MailHeld, manual:
		g.held = true
	}
	return g, nil
}

// loadControls reads the secretaries' choices of every meeting, once per
// scan.
func (c *scan) loadControls() error {
	if c.controls != nil {
		return nil
	}
	cs, err := c.Store.FindMailControls(c.ctx)
	if err != nil {
		return fmt.Errorf("notify: the secretaries' choices about letters: %w", err)
	}
	c.controls = map[int64]map[calendar.MailLetter]*calendar.MailControl{}
	for _, x := range cs {
		if c.controls[x.MeetingID] == nil {
			c.controls[x.MeetingID] = map[calendar.MailLetter]*calendar.MailControl{}
		}
		c.controls[x.MeetingID][x.Letter] = x
	}
	return nil
}

// sentNow returns the meetings with a letter the secretary sent now: they
// are scanned however far ahead they are.
func (c *scan) sentNow() ([]int64, error) {
	if err := c.loadControls(); err != nil {
		return nil, err
	}
	var ids []int64
	for id, ls := range c.controls {
		for _, x := range ls {
			if x.State == calendar.MailNow {
				ids = append(ids, id)
				break
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Preview is one letter of a meeting as its recipients will read it,
// written by the scan's own rules but with nothing stored: no personal
// link is made, nothing is queued.
type Preview struct {
	Subject string
	// Text is the letter's plain text, for the Sample; its personal link
	// reads LinkPlaceholder.
	Text string
	// Sample is the recipient the text is written for: the first with an
	// address.
	Sample     PreviewRecipient
	Recipients []PreviewRecipient
}

// PreviewRecipient is one person the letter goes to; Skip says why it
// would not be sent to them ("" when it would).
type PreviewRecipient struct {
	Name, Email, Skip string
}

// LinkPlaceholder stands for the personal link in a preview.
const LinkPlaceholder = "(din personliga länk)"

// Preview writes the letter (calendar.MailCall or MailNotice) of meeting
// id as it would go out at now to everyone who gets it, whether or not it
// is held, sent or due yet, and without any side effect. It returns nil
// when the meeting gets no such letter (a cancelled meeting, an event, a
// letter turned off for its bodies, nobody to send it to); ENOTFOUND for a
// meeting that does not exist.
func (s *Scanner) Preview(ctx context.Context, now time.Time, id int64, letter calendar.MailLetter) (*Preview, error) {
	kind := map[calendar.MailLetter]string{calendar.MailCall: KindCall, calendar.MailNotice: KindNotice}[letter]
	if kind == "" {
		return nil, calendar.Errorf(calendar.EINVALID, "letter %q is unknown; use call or notice", letter)
	}
	m, err := s.Store.FindMeetingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.Kind != calendar.KindMeeting || m.Status == calendar.StatusCancelled {
		return nil, nil
	}
	c := s.newScan(ctx, now)
	c.preview = letter
	if err := c.meeting(m); err != nil {
		return nil, err
	}
	var p Preview
	var sample *Due
	rank := func(d *Due) int { // lower is a better sample
		switch {
		case d.Skip == "":
			return 0
		case strings.TrimSpace(d.To.Email) != "":
			return 1
		}
		return 2
	}
	for _, d := range c.out {
		// An ersättare called in gets the kallelse as such.
		if d.Kind != kind && (kind != KindNotice || d.Kind != KindCallIn) || d.To == nil {
			continue
		}
		r := PreviewRecipient{Name: d.To.Name, Email: d.To.Email, Skip: d.Skip}
		p.Recipients = append(p.Recipients, r)
		if sample == nil || rank(d) < rank(sample) {
			sample, p.Sample = d, r
		}
	}
	if sample == nil {
		return nil, nil
	}
	link := ""
	if sample.link != nil {
		link = s.url("/" + string(sample.link.purpose) + "/" + previewToken)
	}
	l, err := sample.letter(link)
	if err != nil {
		return nil, fmt.Errorf("notify: preview of %s: %w", sample.Key, err)
	}
	p.Subject = l.Subject
	p.Text = l.Text
	if link != "" {
		p.Text = strings.ReplaceAll(p.Text, link, LinkPlaceholder)
	}
	return &p, nil
}
