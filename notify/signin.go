package notify

import (
	"fmt"
	"strconv"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/letters"
	"github.com/samkal/samkal/notify/mail"
)

// KindSignIn is the email with a one-time sign-in link (see
// calendar.OutboxSignIn): queued by the web handler of /logga-in through
// SignInMail, sent at once by Jobs.Wake, also in the quiet time.
const KindSignIn = calendar.OutboxSignIn

// UrgentKinds are the kinds of email that go out in the quiet time too:
// they were asked for right now, and are worthless later.
var UrgentKinds = []string{KindSignIn, KindCalendarLink}

// SignInMail writes the email that carries a sign-in link, composed and
// DKIM-signed like every other email, as an outbox message. The web
// handler that made the link enqueues it (package api does not import
// notify: serve passes Message as a function); the handler itself sends
// nothing.
type SignInMail struct {
	From   mail.Address
	Signer *mail.Signer // nil: unsigned
	Region string
}

// Message returns the outbox message that mails linkURL, a sign-in link
// that works until expires, to p. Its key names the person and a part of
// a hash of the link (never the link itself); its SendBefore is expires:
// a mail that could not go out while the link works is skipped, not sent.
// EINVALID when p has no usable address.
func (s *SignInMail) Message(p *calendar.Person, linkURL string, expires, now time.Time) (*calendar.OutboxMessage, error) {
	l, err := letters.SignIn{Region: s.Region, To: letters.Person{Name: p.Name, Email: p.Email}, LinkURL: linkURL, Expires: expires}.Letter()
	if err != nil {
		return nil, err
	}
	return urgentMessage(s.From, s.Signer, p, KindSignIn, l, calendar.HashSecret(linkURL)[:16], now, expires)
}

// KindCalendarLink is the email with a person's calendar address (see
// calendar.OutboxCalendarLink), asked for with "Skicka min kalenderlänk"
// on the start page and sent at once like a sign-in link.
const KindCalendarLink = calendar.OutboxCalendarLink

// CalendarLinkMail writes the email that carries a person's calendar
// address, composed and DKIM-signed like every other email, as an outbox
// message that the start page's handler enqueues (as SignInMail).
type CalendarLinkMail struct {
	From   mail.Address
	Signer *mail.Signer // nil: unsigned
	Region string
}

// calendarLinkLife is how long a calendar link email may wait in the
// outbox: it was asked for now, and is pointless a day later.
const calendarLinkLife = 24 * time.Hour

// Message returns the outbox message that mails p the https address of
// their personal feed (feedURL) and the way to Mina möten (pageURL). Its
// key names the person and the minute it was asked for; it is skipped
// when it could not go out within a day. EINVALID when p has no usable
// address.
func (s *CalendarLinkMail) Message(p *calendar.Person, feedURL, pageURL string, now time.Time) (*calendar.OutboxMessage, error) {
	l, err := letters.CalendarLink{Region: s.Region, To: letters.Person{Name: p.Name, Email: p.Email}, FeedURL: feedURL, PageURL: pageURL}.Letter()
	if err != nil {
		return nil, err
	}
	return urgentMessage(s.From, s.Signer, p, KindCalendarLink, l, strconv.FormatInt(now.Unix(), 10), now, now.Add(calendarLinkLife))
}

// urgentMessage composes and signs letter l of kind to p as an outbox
// message that is due now and skipped from sendBefore: the emails a web
// handler queues because someone asked for them. Its key is the kind, the
// person and tag.
func urgentMessage(from mail.Address, signer *mail.Signer, p *calendar.Person, kind string, l letters.Letter, tag string,
	now, sendBefore time.Time) (*calendar.OutboxMessage, error) {
	k := key(kind, p.Key, tag)
	raw, err := mail.Compose(&mail.Message{
		From:      from,
		To:        []mail.Address{{Name: p.Name, Address: p.Email}},
		Subject:   l.Subject,
		Text:      l.Text,
		HTML:      l.HTML,
		MessageID: messageID(k, from.Address),
		Date:      calendar.In(now),
		Headers:   map[string]string{"X-Samkal-Kind": kind},
	})
	if err != nil {
		return nil, calendar.Errorf(calendar.EINVALID, "the %s email to %s cannot be composed: %v", kind, p.Key, err)
	}
	if signer != nil {
		if raw, err = signer.Sign(raw); err != nil {
			return nil, fmt.Errorf("notify: sign the %s email: %w", kind, err)
		}
	}
	return &calendar.OutboxMessage{Key: k, Kind: kind, Recipient: p.Email, Person: p.Key, Subject: l.Subject,
		Body: raw, NextAttemptAt: now, SendBefore: sendBefore}, nil
}
