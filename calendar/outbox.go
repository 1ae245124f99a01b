package calendar

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// OutboxStatus is where an outgoing email is in its life.
type OutboxStatus string

// The statuses of an outgoing email. A message is queued when enqueued,
// sending while a worker holds its claim, and then sent, queued again (a
// temporary failure, retried after a backoff) or failed (a permanent one,
// retried only when an administrator asks). A message that no longer makes
// sense when it could be sent (its SendBefore passed, its meeting changed)
// is skipped instead, for good, and a SkippedMail records why.
const (
	OutboxQueued  OutboxStatus = "queued"
	OutboxSending OutboxStatus = "sending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
	OutboxSkipped OutboxStatus = "skipped"
)

// OutboxStatuses are the five statuses, in the order of a message's life.
var OutboxStatuses = []OutboxStatus{OutboxQueued, OutboxSending, OutboxSent, OutboxFailed, OutboxSkipped}

// Valid reports whether s is one of OutboxStatuses.
func (s OutboxStatus) Valid() bool {
	switch s {
	case OutboxQueued, OutboxSending, OutboxSent, OutboxFailed, OutboxSkipped:
		return true
	}
	return false
}

// Told reports whether a message of status s has reached its recipient or
// is on its way there: sent, being sent, or queued (a queued message that
// stops making sense is skipped before it goes out, not sent).
func (s OutboxStatus) Told() bool {
	return s == OutboxQueued || s == OutboxSending || s == OutboxSent
}

// OutboxMessage is one email on its way out. Every email Samkal sends is
// first such a row: the row's unique Key (meeting, kind, recipient and
// revision, e.g. "kallelse/m42/p7/r3") is what makes a second scan, a
// restart or a second replica unable to send it twice.
type OutboxMessage struct {
	ID        int64
	Key       string // unique; names meeting, kind, recipient and revision
	Kind      string // e.g. "kallelse", "anmalan", "justering"
	MeetingID int64  // 0 when the email concerns no meeting
	Recipient string // a bare email address
	Subject   string // for the outbox listing; the real header is in Body
	Body      []byte // the composed, signed RFC 5322 message
	Status    OutboxStatus
	// Attempts counts the claims, i.e. the tries to send, including tries
	// that a crashed worker never finished.
	Attempts      int
	NextAttemptAt time.Time // a queued message is not claimed before this
	ClaimedBy     string    // the worker holding a sending message
	ClaimedUntil  time.Time // when that claim expires and the message may be reclaimed
	LastError     string    // the SMTP server's answer to the latest failed try
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent
	// Person is the recipient's person key, "" when unknown; a skip
	// record of the message names it.
	Person string
	// MeetingSequence is the meeting's Sequence the email was written for,
	// nil when its text does not depend on the meeting's time, place or
	// status. Once the meeting has another Sequence (moved, cancelled) the
	// email is out of date and is skipped, not sent; what the recipient
	// needs now is derived and written anew.
	MeetingSequence *int
	// SendBefore is when the email stops making sense: the deadline of a
	// call for agenda items, the start of the meeting of a kallelse. It is
	// not sent at or after it; zero means it never expires.
	SendBefore time.Time
}

// OutboxSignIn is the kind of the email that carries a one-time sign-in
// link (/logga-in). It is queued by the web handler, not by the scan,
// because it is asked for right now; it is sent at once, also in the quiet
// time. Its body holds the link, a credential for SignInLinkWindow: the
// store empties the body once the message is sent or skipped, so that the
// database keeps no usable link longer than the mail waits in the queue.
const OutboxSignIn = "inloggning"

// OutboxCalendarLink is the kind of the email that carries a person's
// calendar link ("Skicka min kalenderlänk" on the start page): queued by
// the web handler and sent at once, like OutboxSignIn. Its body holds the
// personal feed address, a long-lived secret: the store empties it once
// the message is sent or skipped, as for a sign-in link.
const OutboxCalendarLink = "kalenderlank"

// SecretKinds are the kinds of email whose body holds a secret, emptied
// once sent or skipped.
var SecretKinds = []string{OutboxSignIn, OutboxCalendarLink}

// MaxOutboxError is how many bytes of an error text the outbox keeps; an
// SMTP answer is short, and a longer text is cut so a misbehaving server
// cannot fill the database.
const MaxOutboxError = 2000

// Validate checks what EnqueueMessage needs: a key, a kind, one plain
// recipient address and a body, and no line break in the recipient or the
// subject (which would let a value inject a mail header). It returns one
// EINVALID error listing every problem.
func (m *OutboxMessage) Validate() error {
	var p problems
	if strings.TrimSpace(m.Key) == "" {
		p.add("outbox message: key is required")
	}
	if strings.TrimSpace(m.Kind) == "" {
		p.add("outbox message: kind is required")
	}
	if strings.ContainsAny(m.Recipient, "\r\n") {
		p.add("outbox message: recipient must not contain a line break")
	} else if a, err := mail.ParseAddress(m.Recipient); err != nil || a.Address != m.Recipient {
		p.add("outbox message: recipient %s is not a plain email address such as namn@region.se", quote(m.Recipient))
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		p.add("outbox message: subject must not contain a line break")
	}
	if len(m.Body) == 0 {
		p.add("outbox message: body is required")
	}
	if m.MeetingID < 0 {
		p.add("outbox message: meeting id must not be negative")
	}
	if m.MeetingSequence != nil && (m.MeetingID <= 0 || *m.MeetingSequence < 0) {
		p.add("outbox message: a meeting sequence needs a meeting and must not be negative")
	}
	if strings.ContainsAny(m.Person, "\r\n") {
		p.add("outbox message: person must not contain a line break")
	}
	return p.err()
}

// OutboxFilter narrows FindMessages; zero fields do not filter.
type OutboxFilter struct {
	Status    *OutboxStatus
	Kind      *string
	MeetingID *int64
	Limit     int // at most this many (0: 100)
}

// OutboxStore keeps the durable outbox: each email is enqueued under a
// unique key, claimed by one worker for a lease, sent, and marked. A worker
// that dies while holding a claim loses it when the lease expires, and the
// message is claimed again: so nothing is lost, and at most the message that
// was in flight when the worker died may be sent twice.
//
// Outbox writes record no Change: they are not part of the calendar's state
// and must not make feeds render again.
type OutboxStore interface {
	// EnqueueMessage inserts m as queued unless a message with m.Key exists,
	// and reports whether it inserted. It is idempotent, because the scan
	// that derives due emails from the state calls it on every run. On
	// insert it sets m.ID, Status, Attempts 0, CreatedAt, and NextAttemptAt
	// to now when it was zero. EINVALID when m fails Validate.
	EnqueueMessage(ctx context.Context, m *OutboxMessage) (bool, error)
	// ClaimMessages marks up to limit due messages as sending, claimed by
	// worker until now+lease, adds one to their Attempts, and returns them
	// (Body included) ordered by id. Due are queued messages whose
	// NextAttemptAt is not after now (any queued message when
	// ignoreBackoff), and sending messages whose claim expired (a crashed
	// worker). Concurrent claimers, in this process or on other replicas,
	// never get the same message. Worker names must be unique per process
	// (e.g. host, pid and a random part). With kinds, only messages of
	// those kinds are claimed (the sign-in mail in the quiet time). EINVALID
	// for an empty worker, a lease shorter than a second (times are kept in
	// seconds), or a limit below 1.
	ClaimMessages(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, ignoreBackoff bool, kinds ...string) ([]*OutboxMessage, error)
	// MarkMessageSent marks the message sent at at (and empties the body
	// of an OutboxSignIn message, as MarkMessageSkipped and
	// SkipQueuedMessage do). It, MarkMessageRetry
	// and MarkMessageFailed succeed only while the message is sending and
	// claimed by worker, also after the lease expired as long as no other
	// worker has reclaimed it; otherwise ECONFLICT (a stale worker must not
	// overwrite the outcome of the one that took over), ENOTFOUND for an
	// unknown id.
	MarkMessageSent(ctx context.Context, id int64, worker string, at time.Time) error
	// MarkMessageRetry queues the message again after a temporary failure,
	// not to be claimed before next, keeping errText (cut to
	// MaxOutboxError bytes) as LastError.
	MarkMessageRetry(ctx context.Context, id int64, worker string, next time.Time, errText string) error
	// MarkMessageFailed marks the message failed after a permanent failure,
	// keeping errText (the server's answer) as LastError.
	MarkMessageFailed(ctx context.Context, id int64, worker string, errText string) error
	// MarkMessageSkipped marks a message claimed by worker skipped because
	// it no longer makes sense, and records a SkippedMail with its key,
	// kind, meeting, Person and reason (in Swedish), in one transaction.
	// The conditions and errors are MarkMessageSent's.
	MarkMessageSkipped(ctx context.Context, id int64, worker string, reason string) error
	// SkipQueuedMessage does what MarkMessageSkipped does to a message that
	// is queued (not claimed), and reports whether it did: false when the
	// message is no longer queued (a worker claimed it meanwhile, and
	// checks it itself). ENOTFOUND for an unknown id.
	SkipQueuedMessage(ctx context.Context, id int64, reason string) (bool, error)
	// RetryMessage queues a failed message again, due at now, with Attempts
	// back at 0 so that its backoff starts over; LastError is kept until
	// the next try. It is the administrator's "try again". ENOTFOUND for an
	// unknown id, ECONFLICT when the message is not failed (a skipped
	// message made no sense any more and is not sent again).
	RetryMessage(ctx context.Context, id int64, now time.Time) error
	// PruneMail is the mail retention: it empties the Body of every sent
	// or skipped message created before before (the row stays, with its
	// key, status and times, so that no email is ever sent twice), and
	// removes the records of skipped mail made before before, except those
	// of a meeting that starts at or after before (the scan may still look
	// at it). Failed messages keep their body, for "Försök igen". It says
	// how many bodies it emptied and records it removed.
	PruneMail(ctx context.Context, before time.Time) (bodies, records int, err error)
	// FindMessageByID returns one message, Body included; ENOTFOUND when
	// there is none.
	FindMessageByID(ctx context.Context, id int64) (*OutboxMessage, error)
	// FindMessages returns the messages matching f, newest first (by
	// CreatedAt, then id), without their Body: a listing must not load
	// every message's bytes.
	FindMessages(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, error)
}

// Backoff returns how long to wait before trying again a message whose
// attempt-th try (counting from 1) failed temporarily: 1 minute, then
// doubling (2, 4, 8, 16, 32 minutes), capped at 1 hour from the seventh
// attempt on. A mail server that is down for a while is thus tried often at
// first and hourly after that, so that mail goes out soon after it is back
// without hammering it meanwhile. Attempts below 1 count as 1.
func Backoff(attempt int) time.Duration {
	const limit = time.Hour
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 7 {
		return limit
	}
	return min(time.Minute<<(attempt-1), limit)
}
