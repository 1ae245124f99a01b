package calendar

import (
	"context"
	"time"
)

// A member's own calendar, as busy times: a person may give the address of
// a calendar they publish elsewhere (Outlook's "Publicera kalender" with
// availability only, Google's secret iCal address, Nextcloud's link), and
// Samkal fetches it now and then (calendar/busy) and keeps only when the
// person is busy – never a title, place or description. The planner treats
// those periods as clashes for the person.
//
// The address is a secret: whoever has it reads the person's calendar. It
// is never shown back in full (BusyFeed.Shown), never logged, never in a
// feed, an export to others or the record of changes. Fetching it is no
// change of calendar state and records no Change.

// MaxBusyFeedURL bounds the length of a calendar's address.
const MaxBusyFeedURL = 2000

// MaxBusyPeriods bounds how many busy periods one calendar may give within
// the horizon; a feed with more is refused.
const MaxBusyPeriods = 10000

// BusyPeriod is a time a person is busy in their own calendar.
type BusyPeriod struct{ Start, End time.Time }

// BusyFeed is a person's own published calendar and what the last fetch
// of it gave.
type BusyFeed struct {
	Person string // key
	URL    string // secret: show Shown() instead
	// FetchedAt is when the calendar was last fetched, successfully or
	// not; zero before the first fetch.
	FetchedAt time.Time
	// OKAt is when it was last read successfully (zero: never); Periods
	// counts the busy periods that read gave.
	OKAt    time.Time
	Periods int
	// Error is why the last fetch failed, in Swedish for the person; ""
	// when it did not.
	Error string
	// ETag and LastModified are the validators of the last successful
	// response, sent back so that an unchanged calendar is not read again.
	ETag, LastModified string
	UpdatedAt          time.Time // when the address was given
}

// BusyFetch is the outcome of one fetch of a person's calendar.
type BusyFetch struct {
	At time.Time
	// Error, in Swedish, when the fetch failed: the periods stored from
	// the last good fetch stay.
	Error string
	// NotModified: the server said the calendar has not changed (304).
	NotModified        bool
	ETag, LastModified string
	Periods            []BusyPeriod // when neither Error nor NotModified
}

// BusyFeedStore keeps members' own calendars and their busy periods.
type BusyFeedStore interface {
	// FindBusyFeed returns the person's calendar; ENOTFOUND when they
	// have none (or the person does not exist).
	FindBusyFeed(ctx context.Context, person string) (*BusyFeed, error)
	// FindBusyFeeds returns every calendar, ordered by when it was last
	// fetched (never fetched first), for the refresh job.
	FindBusyFeeds(ctx context.Context) ([]*BusyFeed, error)
	// SetBusyFeed gives the person's calendar a new address (url, already
	// checked by calendar/busy), forgetting what the old one gave; ""
	// removes the calendar and its busy periods. ENOTFOUND for an unknown
	// person, EINVALID for an address longer than MaxBusyFeedURL.
	SetBusyFeed(ctx context.Context, person, url string) (*BusyFeed, error)
	// SaveBusyFetch records what fetching url for the person gave; the
	// periods replace the earlier ones when f has them. When the person's
	// address is no longer url (changed or removed meanwhile) nothing is
	// saved and ENOTFOUND comes back. EINVALID for more than
	// MaxBusyPeriods periods or one that ends before it starts.
	SaveBusyFetch(ctx context.Context, person, url string, f *BusyFetch) error
	// FindBusyPeriods returns the busy periods of the people (keys) that
	// overlap [from, to), by person, each ordered by start.
	FindBusyPeriods(ctx context.Context, people []string, from, to time.Time) (map[string][]BusyPeriod, error)
}
