package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/letters"
	"github.com/samkal/samkal/notify/mail"
)

// The kinds of email the scan sends, as outbox kinds and key parts.
const (
	KindCall            = "anmalan"         // call for agenda items, to members
	KindDigest          = "sammanstallning" // the members' proposals, to the secretary after the deadline
	KindNotice          = "kallelse"        // the kallelse with agenda and invitation; also its updates
	KindCancel          = "installt"        // cancellation after a kallelse
	KindJustering       = "justering"       // please approve the minutes, and the reminders
	KindJusteringLate   = "justering-sen"   // to the secretary: approval is overdue
	KindBookingReminder = "bokning"         // to a secretary: book your meetings in the booking weeks
)

// Timing is when each kind of email is due: the server's defaults, which a
// body may override (calendar.BodyNotify). Days are whole days before (or
// after) a meeting's day; mail due on a day becomes due at SendTime. The
// justering deadline is not here: it is fixed on the Justering when the
// minutes are marked ready (notify.justering_deadline_days, in the API).
type Timing struct {
	SendTime              int // minutes after midnight, Swedish time
	CallDays              int
	CallDeadlineDays      int
	NoticeDays            int
	JusteringReminderDays int
	BookingReminderDays   int
	// CatchUp is how far back the scan looks for meetings whose email was
	// missed (Samkal was down): older meetings are history, not news.
	CatchUp time.Duration
}

// DefaultTiming is the configuration's default timing.
var DefaultTiming = Timing{SendTime: 8 * 60, CallDays: 14, CallDeadlineDays: 7, NoticeDays: 5,
	JusteringReminderDays: 3, BookingReminderDays: 7, CatchUp: 7 * 24 * time.Hour}

// at returns the moment on day d at which mail due that day becomes due.
// It is built from the wall clock, so it stays at SendTime across the
// changes to and from summer time (a duration from the meeting would not).
func (t Timing) at(d calendar.Date) time.Time { return d.At(t.SendTime/60, t.SendTime%60) }

// Scanner derives from the database which emails are due and puts them in
// the outbox. It keeps no state of its own: what was already handled is
// the set of outbox keys and skipped records, so a scan may run as often as
// wanted, on as many replicas as wanted, and after any downtime; each email
// is enqueued at most once.
type Scanner struct {
	Store   calendar.Store
	Timing  Timing
	From    mail.Address // sender and ORGANIZER of invitations
	Signer  *mail.Signer // nil: messages are stored unsigned
	BaseURL string       // public address, for links in the emails
	Region  string       // e.g. "Region Örebro län"
	Logger  *slog.Logger // nil discards
}

// Due is one email the scan found due, or found pointless (Skip set).
type Due struct {
	Key       string
	Kind      string
	MeetingID int64
	To        *calendar.Person
	At        time.Time // when it became due
	Subject   string    // as the email will have it (personal links shown as a placeholder)
	// Skip is why the email will not be sent (in Swedish); "" when it will.
	Skip string

	link   *linkSpec
	letter func(linkURL string) (letters.Letter, error)
	// invite returns the iCalendar part of an invitation and its method;
	// nil when the email has none.
	invite  func() ([]byte, string)
	replyTo *calendar.Person
}

// linkSpec is the personal link an email carries: to the email's meeting,
// or to a booking window when window is set.
type linkSpec struct {
	purpose calendar.LinkPurpose
	window  int64
	expires time.Time
}

// ScanStats says what one Run did.
type ScanStats struct {
	Due      int // emails found due
	Enqueued int // put in the outbox by this run
	Skipped  int // recorded as skipped by this run
}

// previewToken stands for the token of a personal link in a preview,
// which creates none.
const previewToken = "PERSONLIG-LANK"

// Find returns what is due at now and not yet handled (not in the outbox,
// not recorded as skipped), ordered by due time, then key. It writes
// nothing: `samkal notify preview` uses it.
func (s *Scanner) Find(ctx context.Context, now time.Time) ([]*Due, error) {
	due, err := s.find(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, d := range due {
		if d.Skip == "" {
			preview := ""
			if d.link != nil {
				preview = s.url("/" + string(d.link.purpose) + "/" + previewToken)
			}
			l, err := d.letter(preview)
			if err != nil {
				return nil, fmt.Errorf("notify: %s: %w", d.Key, err)
			}
			d.Subject = l.Subject
		}
	}
	return due, nil
}

// find is Find without the subjects, which Run gets from the real letters.
func (s *Scanner) find(ctx context.Context, now time.Time) ([]*Due, error) {
	c := &scan{Scanner: s, ctx: ctx, now: calendar.In(now), people: map[string]*calendar.Person{}, bodies: map[string]*calendar.Body{},
		active: map[string][]*calendar.Membership{}}
	if err := c.meetings(); err != nil {
		return nil, err
	}
	if err := c.justeringar(); err != nil {
		return nil, err
	}
	if err := c.bookingWindows(); err != nil {
		return nil, err
	}
	slices.SortFunc(c.out, func(a, b *Due) int {
		if x := a.At.Compare(b.At); x != 0 {
			return x
		}
		return strings.Compare(a.Key, b.Key)
	})
	return c.out, nil
}

// Run finds what is due at now and enqueues it: each email composed,
// signed and stored in the outbox under its key, each pointless one
// recorded as skipped and logged once. A key another replica enqueued in
// the meantime is left alone.
func (s *Scanner) Run(ctx context.Context, now time.Time) (ScanStats, error) {
	var st ScanStats
	due, err := s.find(ctx, now)
	if err != nil {
		return st, err
	}
	st.Due = len(due)
	for _, d := range due {
		if d.Skip != "" {
			rec := &calendar.SkippedMail{Key: d.Key, Kind: d.Kind, MeetingID: d.MeetingID, Reason: d.Skip}
			if d.To != nil {
				rec.Recipient = d.To.Key
			}
			inserted, err := s.Store.RecordSkipped(ctx, rec)
			if err != nil {
				return st, fmt.Errorf("notify: record skipped %s: %w", d.Key, err)
			}
			if inserted {
				st.Skipped++
				s.logger().WarnContext(ctx, "email not sent: it became pointless or cannot be sent",
					"key", d.Key, "kind", d.Kind, "meeting", d.MeetingID, "recipient", rec.Recipient, "reason", d.Skip)
			}
			continue
		}
		msg, err := s.compose(ctx, d, now)
		if err != nil {
			return st, err
		}
		inserted, err := s.Store.EnqueueMessage(ctx, msg)
		if err != nil {
			return st, fmt.Errorf("notify: enqueue %s: %w", d.Key, err)
		}
		if inserted {
			st.Enqueued++
		}
	}
	if st.Enqueued > 0 || st.Skipped > 0 {
		s.logger().InfoContext(ctx, "notify scan", "due", st.Due, "enqueued", st.Enqueued, "skipped", st.Skipped)
	}
	return st, nil
}

// compose turns a due email into an outbox message: its personal link
// created (or found again), the letter written, composed and signed.
func (s *Scanner) compose(ctx context.Context, d *Due, now time.Time) (*calendar.OutboxMessage, error) {
	linkURL := ""
	if d.link != nil {
		l, err := s.ensureLink(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("notify: personal link for %s: %w", d.Key, err)
		}
		linkURL = s.url("/" + string(l.Purpose) + "/" + l.Token)
	}
	letter, err := d.letter(linkURL)
	if err != nil {
		return nil, fmt.Errorf("notify: write %s: %w", d.Key, err)
	}
	m := &mail.Message{
		From:      s.From,
		To:        []mail.Address{{Name: d.To.Name, Address: d.To.Email}},
		Subject:   letter.Subject,
		Text:      letter.Text,
		HTML:      letter.HTML,
		MessageID: messageID(d.Key, s.From.Address),
		Date:      calendar.In(now), // Swedish offset in the Date header
		Headers:   map[string]string{"X-Samkal-Kind": d.Kind},
	}
	if d.replyTo != nil && d.replyTo.Email != "" {
		m.ReplyTo = &mail.Address{Name: d.replyTo.Name, Address: d.replyTo.Email}
	}
	if d.invite != nil {
		m.Calendar, m.CalendarMethod = d.invite()
	}
	raw, err := mail.Compose(m)
	if err != nil {
		return nil, fmt.Errorf("notify: compose %s: %w", d.Key, err)
	}
	if s.Signer != nil {
		if raw, err = s.Signer.Sign(raw); err != nil {
			return nil, fmt.Errorf("notify: sign %s: %w", d.Key, err)
		}
	}
	return &calendar.OutboxMessage{Key: d.Key, Kind: d.Kind, MeetingID: d.MeetingID, Recipient: d.To.Email,
		Subject: letter.Subject, Body: raw, NextAttemptAt: now}, nil
}

// messageID makes a stable Message-ID from the outbox key, so that a
// message sent twice (a crash between sending and marking) is recognisably
// the same message to the receiver.
func messageID(key, from string) string {
	domain := from[strings.LastIndex(from, "@")+1:]
	id := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		}
		return '.'
	}, key)
	return "samkal." + id + "@" + domain
}

func (s *Scanner) url(path string) string { return strings.TrimSuffix(s.BaseURL, "/") + path }

func (s *Scanner) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// scan is the state of one Find: the clock, caches of people and bodies,
// and what was found.
type scan struct {
	*Scanner
	ctx    context.Context
	now    time.Time
	people map[string]*calendar.Person
	bodies map[string]*calendar.Body
	active map[string][]*calendar.Membership // by "body|day"
	out    []*Due
}

// handled returns the keys already in the outbox or skipped, under prefix.
func (c *scan) handled(prefix string) (map[string]bool, error) {
	keys, err := c.Store.FindMailKeys(c.ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("notify: keys under %s: %w", prefix, err)
	}
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set, nil
}

func (c *scan) person(key string) (*calendar.Person, error) {
	if p, ok := c.people[key]; ok {
		return p, nil
	}
	p, err := c.Store.FindPersonByKey(c.ctx, key)
	if err != nil {
		return nil, fmt.Errorf("notify: person %s: %w", key, err)
	}
	c.people[key] = p
	return p, nil
}

func (c *scan) body(slug string) (*calendar.Body, error) {
	if b, ok := c.bodies[slug]; ok {
		return b, nil
	}
	b, err := c.Store.FindBodyBySlug(c.ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("notify: body %s: %w", slug, err)
	}
	c.bodies[slug] = b
	return b, nil
}

// members returns the people with one of roles in any of bodies on day,
// each once, ordered by key.
func (c *scan) members(bodies []string, day calendar.Date, roles []calendar.Role) ([]*calendar.Person, error) {
	seen := map[string]bool{}
	for _, b := range bodies {
		ms, err := c.memberships(b, day)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if slices.Contains(roles, m.Role) {
				seen[m.Person] = true
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*calendar.Person, 0, len(keys))
	for _, k := range keys {
		p, err := c.person(k)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// memberships returns body's memberships active on day, read once per
// scan: a meeting asks for its members, its secretaries and its call's
// recipients, each from the same memberships.
func (c *scan) memberships(body string, day calendar.Date) ([]*calendar.Membership, error) {
	k := body + "|" + day.String()
	if ms, ok := c.active[k]; ok {
		return ms, nil
	}
	ms, err := c.Store.FindMemberships(c.ctx, calendar.MembershipFilter{Body: &body, ActiveOn: &day})
	if err != nil {
		return nil, fmt.Errorf("notify: members of %s: %w", body, err)
	}
	c.active[k] = ms
	return ms, nil
}

// secretaries returns the secretaries of bodies on day, each once.
func (c *scan) secretaries(bodies []string, day calendar.Date) ([]*calendar.Person, error) {
	return c.members(bodies, day, []calendar.Role{calendar.RoleSecretary})
}

// add appends a due email to a person; a person without an email address
// gets a skip record instead, so that the secretary can see who was not
// reached.
func (c *scan) add(d *Due) {
	if d.Skip == "" && (d.To == nil || strings.TrimSpace(d.To.Email) == "") {
		d.Skip = "personen saknar e-postadress"
		d.Key += "/ingen-adress"
	}
	c.out = append(c.out, d)
}

// key joins the parts of an outbox key: "m42/kallelse/anna-berg/r3".
func key(parts ...string) string { return strings.Join(parts, "/") }

func meetingPrefix(id int64) string { return "m" + strconv.FormatInt(id, 10) }

// swedishDay is a date as the skip reasons write it: "2025-03-07".
func swedishDay(t time.Time) string { return calendar.DateOf(t).String() }
