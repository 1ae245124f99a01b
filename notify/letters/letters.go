// Package letters writes the Swedish emails Samkal sends: the call for
// agenda items ("Anmäl gärna punkter"), the digest of proposed items to the
// secretary, the kallelse with the agenda (and its update and
// cancellation), the request to approve minutes (justering) with its
// reminders, the notice that a justering is overdue, the reminder to
// book meetings in the booking weeks, the note to a member whose proposal
// was declined, and the one-time sign-in link.
//
// Each email is a view model (Call, Digest, Notice, …) whose Letter method
// renders a Subject, a plain Text and an HTML body from the same data with
// the templates embedded under templates/. The package reads no store and
// sends nothing: the scan in package notify fills the view models, and
// notify/mail composes and sends the result. The text part is wrapped at 78
// characters; the HTML part is a small complete document that reads well
// without CSS. User text is flattened to one line wherever it is used as a
// line (a title with a line break cannot split a subject or a list item) and
// is escaped in the HTML.
//
// Errors: a view model that lacks a required field (To.Email,
// Meeting.Title, a deadline, a link …) or holds a link that is not an
// http(s) address gives a *calendar.Error with code calendar.EINVALID that
// names every problem; anything else is a template failure, an internal
// error.
package letters

import (
	"time"

	"github.com/samkal/samkal/calendar"
)

// Letter is one rendered email. Subject is a single line; Text and HTML
// carry the same content and end with a newline.
type Letter struct{ Subject, Text, HTML string }

// Person is a recipient or a secretary as the email shows them.
type Person struct{ Name, Email string }

// Meeting is what an email says about a meeting.
type Meeting struct {
	// Title is the display title: the meeting's own title, or the bodies'
	// names joined ("Länsdel Norr och ÖLBF"). Required.
	Title string
	// Bodies are the display names of the meeting's bodies. When they read
	// differently from Title (an event with its own title), the email adds
	// a line saying which bodies the meeting is for.
	Bodies []string
	// Start and End are in Europe/Stockholm (calendar.Location); for an
	// AllDay meeting midnight of the first day to midnight after the last.
	Start, End time.Time
	AllDay     bool
	// Place is the room with its address ("Lokal Eken, Eklundavägen 1,
	// Örebro") or free text; "" when there is none.
	Place string
	// OnlineURL is the link to a digital meeting, "" when none.
	OnlineURL string
	// PageURL is the meeting's page in Samkal, "" when none.
	PageURL string
	// Cancelled marks a cancelled meeting; a Notice of a cancelled meeting
	// is always the cancellation, whatever its Change says.
	Cancelled bool
}

// AgendaItem is one point of an agenda as an email lists it.
type AgendaItem struct {
	Number    int // the item's number on the agenda; 0 means its place in the list
	Title     string
	Presenter string // föredragande, "" when none
	// Kind is shown as "(information)", "(beslut)" or "(dialog)"; standard
	// items (and an empty kind) get no mark.
	Kind      calendar.AgendaKind
	SubPoints []string
	Links     []calendar.AgendaLink
	// SubmittedBy is the display name of the member who proposed the item,
	// "" when the secretary wrote it.
	SubmittedBy string
}

// Call is the call for agenda items ("Anmäl gärna punkter"), sent to a
// member before the meeting with a personal link to the registration page.
type Call struct {
	Region    string // "Region Örebro län", named in the footer
	Meeting   Meeting
	To        Person
	Secretary *Person // signs the email and receives replies; may be nil
	// Deadline is the last day to register items.
	Deadline calendar.Date
	// LinkURL is the member's personal link to the registration page; the
	// email says it works until the deadline.
	LinkURL string
	// Moved makes it the corrected call, sent to a member who had the call
	// before the meeting moved: the subject starts "Ändrad tid:" and the
	// text gives the new time and the new deadline.
	Moved bool
	// PreviousDeadline is, with Moved, the deadline the member was given
	// before; zero when not known.
	PreviousDeadline calendar.Date
}

// Digest tells the secretary, after the deadline, what members proposed.
type Digest struct {
	Region   string
	Meeting  Meeting
	To       Person // the secretary
	Deadline calendar.Date
	// Items are the proposed items, with SubmittedBy; may be empty.
	Items []AgendaItem
	// AgendaURL is a page that shows the meeting's agenda as it stands
	// (the accepted items); Meeting.PageURL when empty. With neither (a
	// restricted meeting has no public page) the email links none. No page
	// accepts proposals, so the email does not say that one does.
	AgendaURL string
}

// NoticeChange tells which kallelse a Notice is.
type NoticeChange int

const (
	// NoticeFirst is the kallelse itself.
	NoticeFirst NoticeChange = iota
	// NoticeUpdate is sent again after the time or place changed; the
	// subject starts "Ändrad kallelse:" and the text says what changed.
	NoticeUpdate
	// NoticeCancel says the meeting is cancelled ("Inställt: …").
	NoticeCancel
)

// Notice is the kallelse with the agenda, also used for the update after a
// move and for the cancellation.
type Notice struct {
	Region    string
	Meeting   Meeting
	To        Person
	Secretary *Person
	// Agenda holds the accepted items in order; when empty the email says
	// the agenda will follow ("Dagordningen skickas senare").
	Agenda []AgendaItem
	Change NoticeChange
	// Previous is, for NoticeUpdate, the meeting as the member was told
	// before, when known (nil otherwise): the email then names the old time
	// and place next to the new ones.
	Previous *Meeting
	// CancelMessage is, for the cancellation, the secretary's message
	// (why, or when they meet instead); "" for none. Its line breaks are
	// kept as paragraphs.
	CancelMessage string
	// PersonalMessage is the secretary's own words at the top of the
	// kallelse (and of its updates), a few lines; "" for none.
	PersonalMessage string
	// StandsInFor is, for an ersättare called in, the name of the member
	// they stand in for (who has förhinder); "" for a normal kallelse.
	StandsInFor string
	// ForhinderURL is the member's personal link to say "Jag kan inte
	// komma" (förhinder); "" for none.
	ForhinderURL string
}

// ForhinderChange tells which note about a förhinder a ForhinderNote is.
type ForhinderChange int

const (
	// ForhinderGiven tells the secretary that Absent cannot come.
	ForhinderGiven ForhinderChange = iota
	// ForhinderWithdrawn tells the secretary that Absent can come after all.
	ForhinderWithdrawn
	// ForhinderNotNeeded tells an ersättare called in for Absent that
	// Absent can come after all, so they are no longer needed.
	ForhinderNotNeeded
)

// ForhinderNote is an email about a förhinder: to the secretary when a
// member gives or withdraws one, to an ersättare who is no longer needed.
type ForhinderNote struct {
	Region    string
	Meeting   Meeting
	To        Person
	Secretary *Person // for the ersättare: who signs; nil for the secretary's own notes
	Change    ForhinderChange
	// Absent is the member with förhinder. Required.
	Absent string
	// Message is the member's message to the secretary, "" for none.
	Message string
	// Substitute is the ersättare called in for Absent, "" for none; for
	// ForhinderGiven the secretary is told that they were called in.
	Substitute string
	// PageURL is the secretary's page of the meeting, "" for none.
	PageURL string
}

// Declined tells a member that the secretary declined the item they
// proposed for a meeting, and why.
type Declined struct {
	Region    string
	Meeting   Meeting
	To        Person // the proposer
	Secretary *Person
	// Title is the proposed item's title; Note the secretary's reason, its
	// line breaks kept as paragraphs. Both required.
	Title, Note string
}

// JusteringRequest asks a justerare or the chair to approve the minutes.
type JusteringRequest struct {
	Region    string
	Meeting   Meeting
	To        Person
	Secretary *Person
	Role      calendar.ApproverRole
	// DocumentURL is the minutes; LinkURL the person's approval page, where
	// only pressing the button "Justera" approves (a link scanner that
	// opens the link approves nothing).
	DocumentURL, LinkURL string
	Deadline             calendar.Date
	// Reminder is 0 for the first email and 1, 2 … for reminders.
	Reminder int
	// Overdue says the email is written after the deadline day: it then
	// says the minutes should have been approved by the deadline
	// ("skulle ha justerats senast …"), never "Sista dag" of a day that has
	// passed.
	Overdue bool
}

// JusteringOverdue tells the secretary that approvals are missing after the
// deadline.
type JusteringOverdue struct {
	Region   string
	Meeting  Meeting
	To       Person // the secretary
	Deadline calendar.Date
	Pending  []Person // who has not approved; at least one
}

// BookingReminder asks a body's secretary to book the meetings not yet
// booked in the booking weeks.
type BookingReminder struct {
	Region   string
	To       Person
	Window   string             // the booking window's name
	Weeks    []calendar.ISOWeek // the booking weeks
	Deadline calendar.Date
	// Bodies are the names of the secretary's bodies that have not booked.
	Bodies []string
	// LinkURL is the secretary's personal link to the booking page, which
	// shows the window, which of their bodies have booked, and free times
	// for those that have not; "" for none. LinkUntil is the last day it
	// works, required with LinkURL.
	LinkURL   string
	LinkUntil calendar.Date
}

// CalendarLink carries a person's own calendar address, asked for with
// "Skicka min kalenderlänk" on the start page: the https address of their
// personal feed (all their meetings), how to subscribe to it in the common
// calendar programs, and the way to Mina möten.
type CalendarLink struct {
	Region string
	To     Person
	// FeedURL is the https address of the person's personal feed.
	FeedURL string
	// PageURL is Mina möten, where the person signs in to see their
	// meetings and choose invitations or feed.
	PageURL string
}

// SignIn carries a one-time sign-in link, asked for on /logga-in.
type SignIn struct {
	Region string
	To     Person
	// LinkURL is the one-time sign-in link; it opens a page with one
	// button, so that a mail scanner that opens it signs nobody in.
	LinkURL string
	// Expires is when the link stops working, in Europe/Stockholm.
	Expires time.Time
}
