package notify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/notify/letters"
)

// ensureLink makes (or finds again) the personal link d carries: a
// booking window's for a booking reminder, the meeting's otherwise.
func (s *Scanner) ensureLink(ctx context.Context, d *Due) (*calendar.PersonalLink, error) {
	if d.link.window != 0 {
		return s.Store.EnsureWindowLink(ctx, d.link.window, d.To.Key, d.link.expires)
	}
	return s.Store.EnsureLink(ctx, d.link.purpose, d.MeetingID, d.To.Key, d.link.expires)
}

// bookingWindows finds the reminders to book meetings in the booking
// weeks: BookingReminderDays before a window's deadline, every secretary of
// a body that has fewer meetings in the window's weeks than the window
// asks for gets one email naming all such bodies of theirs. After the
// deadline a reminder is pointless and is recorded as skipped.
func (c *scan) bookingWindows() error {
	days := c.Timing.BookingReminderDays
	if days <= 0 {
		return nil
	}
	ws, err := c.Store.FindBookingWindows(c.ctx)
	if err != nil {
		return fmt.Errorf("notify: booking windows: %w", err)
	}
	today := calendar.DateOf(c.now)
	for _, w := range ws {
		// One window whose reminders cannot be derived must not stop the
		// others'.
		if err := c.isolate(c.bookingWindow(w, days, today), "påminnelserna om bokning kunde inte tas fram",
			key("w"+strconv.FormatInt(w.ID, 10), KindBookingReminder+failSuffix), KindBookingReminder, 0); err != nil {
			return err
		}
	}
	return nil
}

// bookingWindow finds the reminders of one booking window.
func (c *scan) bookingWindow(w *calendar.BookingWindow, days int, today calendar.Date) error {
	if w.Deadline.IsZero() {
		return nil
	}
	dueAt := c.Timing.at(w.Deadline.AddDays(-days))
	closes := w.Deadline.AddDays(1).Start()
	// Windows whose deadline lies further back than the catch-up
	// window are history.
	if c.now.Before(dueAt) || closes.Before(c.now.Add(-c.Timing.CatchUp)) {
		return nil
	}
	prefix := "w" + strconv.FormatInt(w.ID, 10)
	done, err := c.handled(prefix + "/")
	if err != nil {
		return err
	}
	bookings, err := plan.FindWindowBookings(c.ctx, c.Store, w)
	if err != nil {
		return fmt.Errorf("notify: bookings of window %q: %w", w.Name, err)
	}
	// Secretary (person key) → names of their bodies not yet booked.
	open := map[string][]string{}
	for _, b := range bookings {
		if b.Done() {
			continue
		}
		body, err := c.body(b.Body)
		if err != nil {
			if calendar.ErrorCode(err) == calendar.ENOTFOUND {
				continue // deleted since; the window's own warnings say so
			}
			return err
		}
		secs, err := c.secretaries([]string{b.Body}, today)
		if err != nil {
			return err
		}
		for _, s := range secs {
			open[s.Key] = append(open[s.Key], body.Name)
		}
	}
	for _, sk := range slices.Sorted(maps.Keys(open)) {
		k := key(prefix, KindBookingReminder, sk)
		if done.has(k) || done.has(k+noAddressSuffix) {
			continue
		}
		s, err := c.person(sk)
		if err != nil {
			return err
		}
		// The link leads to the secretary's booking page, with free
		// times for their bodies; it works to the end of the window's
		// weeks (and at least of its deadline), after which booking in
		// them is history. The reminder itself says "Boka senast" the
		// deadline, so it is not sent after that day.
		until := w.LastDay()
		if until.Before(w.Deadline) {
			until = w.Deadline
		}
		d := &Due{Key: k, Kind: KindBookingReminder, To: s, At: dueAt, sendBefore: closes,
			link: &linkSpec{purpose: calendar.LinkBooking, window: w.ID, expires: until.AddDays(1).Start()}}
		if !c.now.Before(closes) {
			d.skip("sista dag för bokning (" + w.Deadline.String() + ") har passerat")
		}
		names, w := open[sk], w
		d.letter = func(link string) (letters.Letter, error) {
			return letters.BookingReminder{Region: c.Region, To: person(s), Window: w.Name, Weeks: w.Weeks,
				Deadline: w.Deadline, Bodies: names, LinkURL: link, LinkUntil: until}.Letter()
		}
		c.add(d)
	}
	return nil
}
