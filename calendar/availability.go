package calendar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Availability in booking weeks ("kan inte"): while a booking window is
// open, everyone who must attend one of its bodies may say which half
// days of its weeks they cannot do. The planner treats each such half day
// as a hard rule for that person.

// Half is one half of a day: förmiddag or eftermiddag.
type Half string

const (
	// HalfMorning (förmiddag, "fm") is the wall-clock time before 12.00.
	HalfMorning Half = "fm"
	// HalfAfternoon (eftermiddag, "em") is from 12.00 to midnight.
	HalfAfternoon Half = "em"
)

// Noon divides a day's halves: fm is before it, em from it.
const Noon Clock = 12 * 60

// Halves are the halves of a day in order.
var Halves = []Half{HalfMorning, HalfAfternoon}

// Valid reports whether h is fm or em.
func (h Half) Valid() bool { return h == HalfMorning || h == HalfAfternoon }

// Span returns the half of day d as instants in Europe/Stockholm: fm from
// midnight to 12.00, em from 12.00 to the next midnight. A meeting that
// overlaps the span at all falls on that half.
func (h Half) Span(d Date) (start, end time.Time) {
	if h == HalfMorning {
		return d.Start(), Noon.On(d)
	}
	return Noon.On(d), d.AddDays(1).Start()
}

// SwedishName returns "förmiddag" or "eftermiddag".
func (h Half) SwedishName() string {
	if h == HalfMorning {
		return "förmiddag"
	}
	return "eftermiddag"
}

// HalfDay is one half of one day.
type HalfDay struct {
	Day  Date `json:"day"`
	Half Half `json:"half"`
}

// String returns "2025-09-09 fm".
func (h HalfDay) String() string { return h.Day.String() + " " + string(h.Half) }

// ShortSwedish names a half day as the planner's reasons do: "tis 9 sep fm".
func (h HalfDay) ShortSwedish() string {
	wd := [...]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"}[h.Day.Weekday()]
	mon := [...]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}[h.Day.Month-1]
	return fmt.Sprintf("%s %d %s %s", wd, h.Day.Day, mon, h.Half)
}

// CompareHalfDays orders by day, then fm before em.
func CompareHalfDays(a, b HalfDay) int {
	if c := strings.Compare(a.Day.String(), b.Day.String()); c != 0 {
		return c
	}
	return slices.Index(Halves, a.Half) - slices.Index(Halves, b.Half)
}

// Availability is one person's answer for one booking window: the half
// days they cannot do. An answer with none ("jag kan alla dagar") is an
// answer too: AnsweredAt tells that they have answered.
type Availability struct {
	WindowID   int64     `json:"window_id"`
	Person     string    `json:"person"` // person key
	CannotDo   []HalfDay `json:"cannot_do"`
	AnsweredAt time.Time `json:"answered_at"`
}

// Normalize sorts CannotDo by day and half and drops repeats.
func (a *Availability) Normalize() {
	slices.SortFunc(a.CannotDo, CompareHalfDays)
	a.CannotDo = slices.Compact(a.CannotDo)
}

// Validate checks a against its window w: every half is fm or em and every
// day lies in the window's weeks. EINVALID lists every problem.
func (a *Availability) Validate(w *BookingWindow) error {
	var p problems
	if a.Person == "" {
		p.add("an answer needs the person's key")
	}
	days := w.Days()
	for _, h := range a.CannotDo {
		if !h.Half.Valid() {
			p.add("half %s is unknown; use fm or em", quote(string(h.Half)))
		}
		if !slices.Contains(days, h.Day) {
			p.add("day %s is not in the booking weeks of %s", h.Day, quote(w.Name))
		}
	}
	if len(a.CannotDo) > 2*len(days) {
		p.add("an answer can hold at most %d half days", 2*len(days))
	}
	return p.err()
}

// AvailabilityStore keeps the answers to "kan inte".
type AvailabilityStore interface {
	// SetAvailability replaces the person's answer for the window with a
	// (normalised), stamping AnsweredAt with the store's now. EINVALID for
	// an unknown window or person, or a half day outside the window (see
	// Availability.Validate).
	SetAvailability(ctx context.Context, a *Availability) error
	// FindAvailability returns the person's answer for the window;
	// ENOTFOUND when they have not answered.
	FindAvailability(ctx context.Context, windowID int64, person string) (*Availability, error)
	// FindAvailabilities returns every answer for the window, by person
	// key; none when nobody has answered or the window does not exist.
	FindAvailabilities(ctx context.Context, windowID int64) ([]*Availability, error)
}
