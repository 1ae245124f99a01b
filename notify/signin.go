package notify

import (
	"fmt"
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
var UrgentKinds = []string{KindSignIn}

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
	k := key(KindSignIn, p.Key, calendar.HashSecret(linkURL)[:16])
	raw, err := mail.Compose(&mail.Message{
		From:      s.From,
		To:        []mail.Address{{Name: p.Name, Address: p.Email}},
		Subject:   l.Subject,
		Text:      l.Text,
		HTML:      l.HTML,
		MessageID: messageID(k, s.From.Address),
		Date:      calendar.In(now),
		Headers:   map[string]string{"X-Samkal-Kind": KindSignIn},
	})
	if err != nil {
		return nil, calendar.Errorf(calendar.EINVALID, "the sign-in email to %s cannot be composed: %v", p.Key, err)
	}
	if s.Signer != nil {
		if raw, err = s.Signer.Sign(raw); err != nil {
			return nil, fmt.Errorf("notify: sign the sign-in email: %w", err)
		}
	}
	return &calendar.OutboxMessage{Key: k, Kind: KindSignIn, Recipient: p.Email, Person: p.Key, Subject: l.Subject,
		Body: raw, NextAttemptAt: now, SendBefore: expires}, nil
}
