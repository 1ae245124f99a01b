package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
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
	KindDeclined        = "avbojt"          // to a member: your proposal is declined, and why
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

// Mail is the part of t that says when a meeting's and a justering's
// emails are due; calendar.MailTiming holds those rules, so that the
// secretary's pages show the times the scan uses.
func (t Timing) Mail() calendar.MailTiming {
	return calendar.MailTiming{SendTime: t.SendTime, CallDays: t.CallDays, CallDeadlineDays: t.CallDeadlineDays,
		NoticeDays: t.NoticeDays, JusteringReminderDays: t.JusteringReminderDays}
}

// at returns the moment on day d at which mail due that day becomes due
// (calendar.MailTiming.At).
func (t Timing) at(d calendar.Date) time.Time { return t.Mail().At(d) }

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
	// Metrics counts skipped emails (samkal_mail_skipped_total); nil
	// counts nothing.
	Metrics *Metrics
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
	// SkipCode is Skip's reason code, one of SkipReasons.
	SkipCode string

	// sendBefore is when the email stops making sense (the outbox row's
	// SendBefore); zero: never.
	sendBefore time.Time
	// sequence is the meeting's Sequence the email is written for, nil
	// when its text does not depend on it.
	sequence *int

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
	// Skipped counts the emails recorded as skipped by this run: pointless
	// or without an address, impossible to write from the data, or queued
	// earlier and out of date now.
	Skipped int
}

// previewToken stands for the token of a personal link in a preview,
// which creates none.
const previewToken = "PERSONLIG-LANK"

// Find returns what is due at now and not yet handled (not in the outbox,
// not recorded as skipped), ordered by due time, then key. It writes
// nothing: `samkal notify preview` uses it.
//
// An email whose letter cannot be written from the data is listed as
// skipped (SkipInvalidData) under its key with failSuffix, as Run would
// record it. Queued emails that Run would skip as out of date are not
// listed, but the rest is derived as if they were skipped.
func (s *Scanner) Find(ctx context.Context, now time.Time) ([]*Due, error) {
	c, err := s.find(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, d := range c.out {
		if d.Skip == "" {
			preview := ""
			if d.link != nil {
				preview = s.url("/" + string(d.link.purpose) + "/" + previewToken)
			}
			l, err := d.letter(preview)
			if err != nil {
				re := &recordError{what: "mejlets text kunde inte skrivas", err: err}
				d.Key, d.Skip, d.SkipCode = d.Key+failSuffix, re.reason(), SkipInvalidData
				continue
			}
			d.Subject = l.Subject
		}
	}
	return c.out, nil
}

// find derives what is due at now, after deciding which queued emails are
// out of date; it writes nothing.
func (s *Scanner) find(ctx context.Context, now time.Time) (*scan, error) {
	c := s.newScan(ctx, now)
	if err := c.sweep(); err != nil {
		return nil, err
	}
	if err := c.meetings(); err != nil {
		return nil, err
	}
	if err := c.justeringar(); err != nil {
		return nil, err
	}
	if err := c.declined(); err != nil {
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
	return c, nil
}

// newScan is the state of one scan at now, empty.
func (s *Scanner) newScan(ctx context.Context, now time.Time) *scan {
	return &scan{Scanner: s, ctx: ctx, now: calendar.In(now), people: map[string]*calendar.Person{}, bodies: map[string]*calendar.Body{},
		active: map[string][]*calendar.Membership{}, peopleRead: map[string]bool{}, known: map[string]bool{}, outdated: map[string]bool{}}
}

// maxQueued bounds how many queued emails one scan checks; more than this
// are checked by the deliverer just before sending.
const maxQueued = 100000

// sweep finds the queued emails that no longer make sense (checker.check):
// Run skips them first, and the derivation that follows treats them as
// skipped, so that what the recipient needs now is written anew.
func (c *scan) sweep() error {
	queued := calendar.OutboxQueued
	msgs, err := c.Store.FindMessages(c.ctx, calendar.OutboxFilter{Status: &queued, Limit: maxQueued})
	if err != nil {
		return fmt.Errorf("notify: queued emails: %w", err)
	}
	k := newChecker(c.Store)
	for _, m := range msgs {
		reason, code, err := k.check(c.ctx, m, c.now)
		if err != nil {
			return err
		}
		if reason != "" {
			c.stale = append(c.stale, staleMail{msg: m, reason: reason, code: code})
			c.outdated[m.Key] = true
		}
	}
	return nil
}

// Run finds what is due at now and enqueues it: each email composed,
// signed and stored in the outbox under its key, each pointless one
// recorded as skipped and logged once. A key another replica enqueued in
// the meantime is left alone.
//
// Failures are isolated per email: an email that cannot be written,
// composed or linked from the data as they stand (a name with a line
// separator, a person deleted meanwhile) is recorded as skipped
// (SkipInvalidData), logged and counted once, and the scan goes on with the
// rest; it is tried again at the next scan and goes out once the data are
// corrected. The same holds for one meeting, justering or booking window
// whose mail cannot be derived. A failure of the database ends the run with
// an error and records nothing, so the next scan tries again.
//
// Before that, queued emails that no longer make sense (their SendBefore
// passed, their meeting moved or was cancelled) are skipped, and the
// personal links of a meeting that moved get its new deadline.
//
// What the scan changes in the store is recorded as made by the email
// scan (calendar.ViaScan).
func (s *Scanner) Run(ctx context.Context, now time.Time) (ScanStats, error) {
	ctx = calendar.WithActor(ctx, calendar.Actor{Via: calendar.ViaScan})
	var st ScanStats
	c, err := s.find(ctx, now)
	if err != nil {
		return st, err
	}
	for _, x := range c.stale {
		ok, err := s.Store.SkipQueuedMessage(ctx, x.msg.ID, x.reason)
		if err != nil {
			return st, fmt.Errorf("notify: skip queued %s: %w", x.msg.Key, err)
		}
		if ok {
			st.Skipped++
			s.skipped(ctx, x.code, x.reason, "key", x.msg.Key, "kind", x.msg.Kind, "meeting", x.msg.MeetingID, "recipient", x.msg.Person)
		}
	}
	for _, lm := range c.linkMoves {
		if _, err := s.Store.MoveLinks(ctx, lm.meetingID, calendar.LinkAgenda, lm.expires); err != nil {
			return st, fmt.Errorf("notify: move the links of meeting %d: %w", lm.meetingID, err)
		}
	}
	st.Due = len(c.out)
	for _, d := range c.out {
		if d.Skip != "" {
			if err := s.recordSkip(ctx, &st, d, d.Key, d.Skip, d.SkipCode); err != nil {
				return st, err
			}
			continue
		}
		inserted, err := s.enqueue(ctx, d, now)
		var re *recordError
		switch {
		case errors.As(err, &re):
			// This email's data are wrong: record it once, go on.
			if c.known[d.Key+failSuffix] {
				continue // recorded and logged at an earlier scan
			}
			if err := s.recordSkip(ctx, &st, d, d.Key+failSuffix, s.redact(re.reason()), SkipInvalidData); err != nil {
				return st, err
			}
		case err != nil:
			return st, err
		case inserted:
			st.Enqueued++
		}
	}
	if st.Enqueued > 0 || st.Skipped > 0 {
		s.logger().InfoContext(ctx, "notify scan", "due", st.Due, "enqueued", st.Enqueued, "skipped", st.Skipped)
	}
	return st, nil
}

// enqueue composes d and puts it in the outbox; false when another
// replica had put it there first. A *recordError is about d's data only.
func (s *Scanner) enqueue(ctx context.Context, d *Due, now time.Time) (bool, error) {
	msg, err := s.compose(ctx, d, now)
	if err != nil {
		return false, err
	}
	inserted, err := s.Store.EnqueueMessage(ctx, msg)
	if err != nil {
		return false, asRecordErrorOr("mejlet kunde inte läggas i kön", fmt.Errorf("notify: enqueue %s: %w", d.Key, err))
	}
	return inserted, nil
}

// asRecordErrorOr is asRecordError that passes through nil and errors that
// are not about the record.
func asRecordErrorOr(what string, err error) error {
	if err == nil {
		return nil
	}
	if re := asRecordError(what, err); re != nil {
		return re
	}
	return err
}

// recordSkip records d as skipped under key with reason and code, and
// logs and counts it when the record is new.
func (s *Scanner) recordSkip(ctx context.Context, st *ScanStats, d *Due, key, reason, code string) error {
	rec := &calendar.SkippedMail{Key: key, Kind: d.Kind, MeetingID: d.MeetingID, Reason: reason}
	if d.To != nil {
		rec.Recipient = d.To.Key
	}
	inserted, err := s.Store.RecordSkipped(ctx, rec)
	if err != nil {
		return fmt.Errorf("notify: record skipped %s: %w", key, err)
	}
	if inserted {
		st.Skipped++
		s.skipped(ctx, code, reason, "key", key, "kind", d.Kind, "meeting", d.MeetingID, "recipient", rec.Recipient)
	}
	return nil
}

// skipped logs one skipped email, once (the callers log only what they
// newly recorded), and counts it under code.
func (s *Scanner) skipped(ctx context.Context, code, reason string, attrs ...any) {
	s.logger().WarnContext(ctx, "email not sent", append(attrs, "reason_code", code, "reason", reason)...)
	s.Metrics.countSkipped(code)
}

// redact replaces every personal link in text (an error that quotes a
// letter's link) with the preview placeholder: a link is a credential and
// is neither stored in a skip record nor logged.
func (s *Scanner) redact(text string) string {
	base := regexp.QuoteMeta(strings.TrimSuffix(s.BaseURL, "/"))
	re := regexp.MustCompile(`(` + base + `/(?:` + string(calendar.LinkAgenda) + `|` + string(calendar.LinkJustering) + `|` +
		string(calendar.LinkBooking) + `|` + string(calendar.LinkForhinder) + `)/)[A-Za-z0-9_-]+`)
	return re.ReplaceAllString(text, "${1}"+previewToken)
}

// compose turns a due email into an outbox message: its personal link
// created (or found again), the letter written, composed and signed.
func (s *Scanner) compose(ctx context.Context, d *Due, now time.Time) (*calendar.OutboxMessage, error) {
	linkURL := ""
	if d.link != nil {
		l, err := s.ensureLink(ctx, d)
		if err != nil {
			return nil, asRecordErrorOr("den personliga länken kunde inte skapas", fmt.Errorf("notify: personal link for %s: %w", d.Key, err))
		}
		linkURL = s.url("/" + string(l.Purpose) + "/" + l.Token)
	}
	// Writing and composing are pure functions of the data: whatever fails
	// there fails for this email only.
	letter, err := d.letter(linkURL)
	if err != nil {
		return nil, &recordError{what: "mejlets text kunde inte skrivas", err: err}
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
		return nil, &recordError{what: "mejlet kunde inte sättas ihop: ett namn, en adress eller ämnesraden innehåller något som inte får stå i ett e-posthuvud", err: err}
	}
	if s.Signer != nil {
		if raw, err = s.Signer.Sign(raw); err != nil {
			return nil, fmt.Errorf("notify: sign %s: %w", d.Key, err)
		}
	}
	return &calendar.OutboxMessage{Key: d.Key, Kind: d.Kind, MeetingID: d.MeetingID, Recipient: d.To.Email,
		Person: d.To.Key, Subject: letter.Subject, Body: raw, NextAttemptAt: now,
		MeetingSequence: d.sequence, SendBefore: d.sendBefore}, nil
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
	// peopleRead are the bodies whose people are in people: read in one
	// query per body rather than one per person.
	peopleRead map[string]bool
	// bodyMembers holds the memberships (any period) of the bodies
	// prefetch read, by body; memberships filters them by day.
	bodyMembers map[string][]*calendar.Membership
	// prefetched holds what prefetch read of the mail under each
	// meeting's prefix ("m42/"), by prefix.
	prefetched map[string][]*calendar.HandledMail
	// agendas holds the agenda items prefetch read, by meeting.
	agendas map[int64][]*calendar.AgendaItem
	// forhinder holds the förhinder prefetch read, by meeting (a meeting
	// read without any holds nil); another meeting is asked for alone.
	forhinder map[int64][]*calendar.Forhinder
	// rooms are read once per scan, by slug.
	rooms map[string]*calendar.Room
	out   []*Due

	// known holds every key handled() returned in this scan.
	known map[string]bool
	// outdated are the keys of the queued emails in stale.
	outdated map[string]bool
	// stale are the queued emails that no longer make sense.
	stale []staleMail
	// linkMoves are the meetings whose agenda links get a new deadline.
	linkMoves []linkMove
	// controls are the secretaries' choices about letters, by meeting;
	// read on first use (gate).
	controls map[int64]map[calendar.MailLetter]*calendar.MailControl
	// preview is the letter a Preview writes as if nothing had been sent
	// and it were sent now; "" in a real scan.
	preview calendar.MailLetter
}

// staleMail is a queued email the scan skips, and why.
type staleMail struct {
	msg          *calendar.OutboxMessage
	reason, code string
}

// linkMove gives a meeting's agenda links a new expiry.
type linkMove struct {
	meetingID int64
	expires   time.Time
}

// mailSet is what has been done under one prefix, by key.
type mailSet map[string]*calendar.HandledMail

// has reports whether key was handled in any way.
func (s mailSet) has(key string) bool { _, ok := s[key]; return ok }

// told reports whether the email under key reached its recipient or is on
// its way (calendar.OutboxStatus.Told).
func (s mailSet) told(key string) bool { h, ok := s[key]; return ok && h.Status.Told() }

// handled returns the emails already in the outbox or skipped under
// prefix; queued emails the sweep found out of date count as skipped.
func (c *scan) handled(prefix string) (mailSet, error) {
	if c.preview != "" {
		return mailSet{}, nil // a preview writes to everyone, as if first
	}
	hs, ok := c.prefetched[prefix]
	if !ok {
		var err error
		if hs, err = c.Store.FindHandledMail(c.ctx, prefix); err != nil {
			return nil, fmt.Errorf("notify: emails under %s: %w", prefix, err)
		}
	}
	set := make(mailSet, len(hs))
	for _, h := range hs {
		if c.outdated[h.Key] {
			h.Status = calendar.OutboxSkipped
		}
		set[h.Key] = h
		c.known[h.Key] = true
	}
	return set, nil
}

// failed lists the mail of one meeting, justering or booking window that
// cannot be derived, as a skip under key (ending in failSuffix); Run
// records it once. It is derived again at every scan.
func (c *scan) failed(key, kind string, meetingID int64, re *recordError) {
	if c.known[key] {
		return
	}
	c.out = append(c.out, &Due{Key: key, Kind: kind, MeetingID: meetingID, At: c.now,
		Skip: c.redact(re.reason()), SkipCode: SkipInvalidData})
}

// isolate returns nil after listing err as the failure of one record
// (key, kind, meeting) when it is one, and err otherwise.
func (c *scan) isolate(err error, what, key, kind string, meetingID int64) error {
	if err == nil {
		return nil
	}
	re := asRecordError(what, err)
	if re == nil {
		return err
	}
	c.failed(key, kind, meetingID, re)
	return nil
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
	var ms []*calendar.Membership
	if all, ok := c.bodyMembers[body]; ok {
		for _, m := range all {
			if m.ActiveOn(day) {
				ms = append(ms, m)
			}
		}
	} else {
		var err error
		ms, err = c.Store.FindMemberships(c.ctx, calendar.MembershipFilter{Body: &body, ActiveOn: &day})
		if err != nil {
			return nil, fmt.Errorf("notify: members of %s: %w", body, err)
		}
	}
	c.active[k] = ms
	if !c.peopleRead[body] {
		ps, err := c.Store.FindPeople(c.ctx, calendar.PersonFilter{Body: &body})
		if err != nil {
			return nil, fmt.Errorf("notify: people of %s: %w", body, err)
		}
		for _, p := range ps {
			c.people[p.Key] = p
		}
		c.peopleRead[body] = true
	}
	return ms, nil
}

// room returns the room, read once per scan.
func (c *scan) room(slug string) (*calendar.Room, error) {
	if r, ok := c.rooms[slug]; ok {
		return r, nil
	}
	r, err := c.Store.FindRoomBySlug(c.ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("notify: room %s: %w", slug, err)
	}
	if c.rooms == nil {
		c.rooms = map[string]*calendar.Room{}
	}
	c.rooms[slug] = r
	return r, nil
}

// prefetchBatch is how many bodies one prefetch query names.
const prefetchBatch = 500

// prefetch reads, in a few queries, what meeting asks of every meeting of
// the scan: the mail already handled under each meeting's prefix, their
// agendas, and the memberships and people of their bodies. At the size of a country the
// scan otherwise asks three or four times per meeting, and a scan that
// finds nothing new is mostly round trips (issue 12).
func (c *scan) prefetch(ms []*calendar.Meeting) error {
	if c.preview != "" || len(ms) == 0 {
		return nil
	}
	prefixes := make([]string, 0, len(ms))
	ids := make([]int64, 0, len(ms))
	var bodies []string
	seen := map[string]bool{}
	for _, m := range ms {
		prefixes = append(prefixes, meetingPrefix(m.ID)+"/")
		ids = append(ids, m.ID)
		for _, b := range m.Bodies {
			if !seen[b] && c.bodyMembers[b] == nil {
				seen[b] = true
				bodies = append(bodies, b)
			}
		}
	}
	hs, err := c.Store.FindHandledMail(c.ctx, prefixes...)
	if err != nil {
		return fmt.Errorf("notify: emails of %d meetings: %w", len(ms), err)
	}
	c.prefetched = make(map[string][]*calendar.HandledMail, len(prefixes))
	for _, p := range prefixes {
		c.prefetched[p] = nil
	}
	for _, h := range hs {
		p, _, _ := strings.Cut(h.Key, "/")
		c.prefetched[p+"/"] = append(c.prefetched[p+"/"], h)
	}
	// A meeting deleted since it was listed is left out: agenda then asks
	// for it alone, and the store's "not found" isolates it.
	if c.agendas, err = c.Store.FindAgendas(c.ctx, ids); err != nil {
		return fmt.Errorf("notify: agendas of %d meetings: %w", len(ids), err)
	}
	if c.forhinder, err = c.Store.FindForhinderOf(c.ctx, ids); err != nil {
		return fmt.Errorf("notify: förhinder of %d meetings: %w", len(ids), err)
	}
	for _, id := range ids {
		if _, ok := c.forhinder[id]; !ok {
			c.forhinder[id] = nil // read: none
		}
	}
	if c.bodyMembers == nil {
		c.bodyMembers = map[string][]*calendar.Membership{}
	}
	for batch := range slices.Chunk(bodies, prefetchBatch) {
		all, err := c.Store.FindMemberships(c.ctx, calendar.MembershipFilter{Bodies: batch})
		if err != nil {
			return fmt.Errorf("notify: members of %d bodies: %w", len(batch), err)
		}
		for _, b := range batch {
			c.bodyMembers[b] = []*calendar.Membership{} // read, even if it has none
		}
		for _, m := range all {
			c.bodyMembers[m.Body] = append(c.bodyMembers[m.Body], m)
		}
		people, err := c.Store.FindPeople(c.ctx, calendar.PersonFilter{Bodies: batch})
		if err != nil {
			return fmt.Errorf("notify: people of %d bodies: %w", len(batch), err)
		}
		for _, p := range people {
			c.people[p.Key] = p
		}
		for _, b := range batch {
			c.peopleRead[b] = true
		}
	}
	return nil
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
		d.Skip, d.SkipCode = "personen saknar e-postadress", SkipNoAddress
		d.Key += noAddressSuffix
	}
	if d.Skip != "" && d.SkipCode == "" {
		d.SkipCode = SkipPointless
	}
	c.out = append(c.out, d)
}

// skip makes d a pointless email: it is recorded, not sent.
func (d *Due) skip(reason string) { d.Skip, d.SkipCode = reason, SkipPointless }

// key joins the parts of an outbox key: "m42/kallelse/anna-berg/r3".
func key(parts ...string) string { return strings.Join(parts, "/") }

func meetingPrefix(id int64) string { return "m" + strconv.FormatInt(id, 10) }

// swedishDay is a date as the skip reasons write it: "2025-03-07".
func swedishDay(t time.Time) string { return calendar.DateOf(t).String() }
