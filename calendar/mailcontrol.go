package calendar

import (
	"context"
	"time"
)

// The secretary's hand on a meeting's two letters to its people, the call
// for agenda items and the kallelse: held back, released to go by the
// timing (BodyNotify), or sent now; and a personal message at the top of
// the kallelse. notify's scan reads these when it decides what is due.

// MailLetter is one of a meeting's letters the secretary controls.
type MailLetter string

const (
	MailCall   MailLetter = "call"   // the call for agenda items (inbjudan att anmäla punkter)
	MailNotice MailLetter = "notice" // the kallelse
)

// MailLetters are the letters a secretary controls.
var MailLetters = []MailLetter{MailCall, MailNotice}

// MailState is what the secretary chose for one letter of one meeting.
type MailState string

const (
	// MailReleased is the default: the letter goes by the timing, or, for
	// a body whose letters wait (MailReleaseManual), when "Skicka" is
	// pressed.
	MailReleased MailState = "released"
	// MailHeld keeps a letter back: it is not queued until released.
	MailHeld MailState = "held"
	// MailNow queues the letter at once, even before its day.
	MailNow MailState = "now"
)

// MailRelease is how a body's calls and kallelser leave: by themselves at
// their time (MailReleaseAuto, "" too), or only when the secretary presses
// "Skicka" (MailReleaseManual).
type MailRelease string

const (
	MailReleaseAuto   MailRelease = "auto"
	MailReleaseManual MailRelease = "manual"
)

// Manual reports whether letters wait for "Skicka".
func (r MailRelease) Manual() bool { return r == MailReleaseManual }

// Valid reports whether r is "", auto or manual.
func (r MailRelease) Valid() bool { return r == "" || r == MailReleaseAuto || r == MailReleaseManual }

// MaxMailMessage bounds the secretary's message in a kallelse.
const MaxMailMessage = 2000

// MailMessageText is the kind of the secretary's message: a few lines.
var MailMessageText = TextKind{Name: "mail message", Max: MaxMailMessage, MultiLine: true}

// MailControl is the secretary's choice for one letter of one meeting.
// Message is used for the kallelse only.
type MailControl struct {
	MeetingID int64
	Letter    MailLetter
	State     MailState
	Message   string
	// ChangedBy is the key of the person who last changed it ("" when not
	// made by a person); ChangedAt when.
	ChangedBy string
	ChangedAt time.Time
}

// Validate checks c: a known letter and state, and a message by the rules
// of MailMessageText (only on the kallelse).
func (c *MailControl) Validate() error {
	var p problems
	switch c.Letter {
	case MailCall, MailNotice:
	default:
		p.add("letter %s is unknown; use call or notice", quote(string(c.Letter)))
	}
	switch c.State {
	case MailReleased, MailHeld, MailNow:
	default:
		p.add("mail state %s is unknown; use released, held or now", quote(string(c.State)))
	}
	if c.Message != "" && c.Letter != MailNotice {
		p.add("only the kallelse takes a message")
	}
	p.text("message", MailMessageText, c.Message, false)
	return p.err()
}

// MailControlStore keeps the secretaries' choices about meetings' letters.
type MailControlStore interface {
	// FindMailControls returns the choices for the meetings (all meetings
	// when ids is empty), ordered by meeting and letter. A letter without
	// a choice has no row: it is MailReleased without a message.
	FindMailControls(ctx context.Context, ids ...int64) ([]*MailControl, error)
	// SetMailControl stores c for its meeting and letter (replacing the
	// earlier choice), sets ChangedBy from the actor and ChangedAt, and
	// records the change on the meeting. EINVALID for a bad c, ENOTFOUND
	// for a meeting that does not exist.
	SetMailControl(ctx context.Context, c *MailControl) error
}
