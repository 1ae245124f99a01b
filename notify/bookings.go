package notify

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/notify/letters"
)

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
		if w.Deadline.IsZero() {
			continue
		}
		dueAt := c.Timing.at(w.Deadline.AddDays(-days))
		closes := w.Deadline.AddDays(1).Start()
		// Windows whose deadline lies further back than the catch-up
		// window are history.
		if c.now.Before(dueAt) || closes.Before(c.now.Add(-c.Timing.CatchUp)) {
			continue
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
			if done[k] || done[k+"/ingen-adress"] {
				continue
			}
			s, err := c.person(sk)
			if err != nil {
				return err
			}
			d := &Due{Key: k, Kind: KindBookingReminder, To: s, At: dueAt}
			if !c.now.Before(closes) {
				d.Skip = "sista dag för bokning (" + w.Deadline.String() + ") har passerat"
			}
			names, w := open[sk], w
			d.letter = func(string) (letters.Letter, error) {
				return letters.BookingReminder{Region: c.Region, To: person(s), Window: w.Name, Weeks: w.Weeks,
					Deadline: w.Deadline, Bodies: names, PageURL: c.url("/")}.Letter()
			}
			c.add(d)
		}
	}
	return nil
}
