package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/notify/mail"
)

// Why an email was not sent: the values of the reason label of
// samkal_mail_skipped_total. The set is closed, so that no data can add a
// label value; the Swedish reason for a person is in the skip record.
const (
	// SkipNoAddress: the person has no email address.
	SkipNoAddress = "no_address"
	// SkipPointless: it had become pointless before it was queued (the
	// deadline passed or the meeting began while Samkal was down).
	SkipPointless = "pointless"
	// SkipInvalidData: it cannot be written, composed or linked from the
	// data as they stand (e.g. a name with a line separator, stored before
	// a rule refused it). Tried again at every scan, so that it goes out
	// once the data are corrected.
	SkipInvalidData = "invalid_data"
	// SkipExpired: it waited in the outbox (the SMTP server was down, or
	// quiet hours) until it no longer made sense: its SendBefore passed.
	SkipExpired = "expired"
	// SkipChanged: the meeting (or the justering) changed while it waited
	// in the outbox; what the recipient needs now is written anew.
	SkipChanged = "changed"
)

// SkipReasons are all reason label values, in a fixed order.
var SkipReasons = []string{SkipNoAddress, SkipPointless, SkipInvalidData, SkipExpired, SkipChanged}

// failSuffix ends the key of the skip record of an email that could not be
// written or composed. The email's own key stays free, so the scan tries it
// again at every run, and it goes out once the data are corrected; the
// record under this key makes the failure logged and counted once.
const failSuffix = "/fel"

// noAddressSuffix ends the key of the skip record of an email to a person
// without an address.
const noAddressSuffix = "/ingen-adress"

// recordError is a failure that belongs to one email (or one meeting's
// emails) and the data behind it, not to the database or the program: the
// scan records it as skipped and goes on with the rest.
type recordError struct {
	what string // in Swedish: what could not be done
	err  error
}

func (e *recordError) Error() string { return e.what + ": " + e.err.Error() }
func (e *recordError) Unwrap() error { return e.err }

// reason is the Swedish text of the skip record: what failed, how it is
// mended, and the technical detail for whoever mends it.
func (e *recordError) reason() string {
	return e.what + "; rätta uppgiften i Samkal, så skickas mejlet vid nästa körning om det fortfarande behövs (" +
		e.err.Error() + ")"
}

// dataError reports whether err, from a store read or write about one
// record, says that record's data are wrong or gone (EINVALID,
// ENOTFOUND: a person or meeting deleted meanwhile) rather than that the
// database failed. Only such errors are isolated; a database that is down
// ends the scan with an error, and the next scan tries again.
func dataError(err error) bool {
	switch calendar.ErrorCode(err) {
	case calendar.EINVALID, calendar.ENOTFOUND:
		return true
	}
	return false
}

// asRecordError returns err as a *recordError about what (in Swedish) when
// it is one already or a data error, and nil when it is a failure of the
// database or the program.
func asRecordError(what string, err error) *recordError {
	var re *recordError
	if errors.As(err, &re) {
		return re
	}
	if dataError(err) || errors.Is(err, mail.ErrInvalidMessage) {
		return &recordError{what: what, err: err}
	}
	return nil
}

// stateStore is what checking a queued email against the current state
// reads.
type stateStore interface {
	FindMeetingByID(ctx context.Context, id int64) (*calendar.Meeting, error)
	FindJustering(ctx context.Context, meetingID int64) (*calendar.Justering, error)
	FindForhinder(ctx context.Context, meetingID int64) ([]*calendar.Forhinder, error)
}

// checker decides whether an email in the outbox still makes sense, for
// the scan (queued mail) and the deliverer (claimed mail, just before it is
// sent), by one rule. It caches what it reads for one run.
type checker struct {
	store       stateStore
	meetings    map[int64]*calendar.Meeting   // nil: deleted
	justeringar map[int64]*calendar.Justering // nil: none
	forhinder   map[int64][]*calendar.Forhinder
}

func newChecker(st stateStore) *checker {
	return &checker{store: st, meetings: map[int64]*calendar.Meeting{}, justeringar: map[int64]*calendar.Justering{},
		forhinder: map[int64][]*calendar.Forhinder{}}
}

// check returns why m must not be sent at now, in Swedish, with the reason
// code (SkipExpired or SkipChanged); "" when it may be sent. The error is
// a failure to read the state.
//
// An email is out of date when its SendBefore has passed (a call after its
// deadline, a kallelse after the meeting began), when it was written for a
// revision of the meeting that is not the current one (the meeting moved,
// was cancelled or deleted; a cancellation still goes out after a delete),
// for justering mail, when the minutes are approved or the recipient has
// approved, and for the kallelse of an ersättare called in, when the
// förhinder was withdrawn or another ersättare stands in.
func (k *checker) check(ctx context.Context, m *calendar.OutboxMessage, now time.Time) (reason, code string, err error) {
	if !m.SendBefore.IsZero() && !now.Before(m.SendBefore) {
		return expiredReason(m.Kind, m.SendBefore), SkipExpired, nil
	}
	if m.MeetingSequence != nil {
		mt, err := k.meeting(ctx, m.MeetingID)
		if err != nil {
			return "", "", err
		}
		switch {
		case mt == nil && m.Kind != KindCancel:
			return "mötet har tagits bort efter att mejlet skrevs", SkipChanged, nil
		case mt == nil:
			// A cancellation is still right: the meeting is in calendars.
		case mt.Sequence != *m.MeetingSequence && mt.Status == calendar.StatusCancelled && m.Kind != KindCancel:
			return "mötet har ställts in efter att mejlet skrevs", SkipChanged, nil
		case mt.Sequence != *m.MeetingSequence:
			return fmt.Sprintf("mötet har ändrats efter att mejlet skrevs (version %d, nu %d); det som gäller nu skickas i ett nytt mejl när det behövs",
				*m.MeetingSequence, mt.Sequence), SkipChanged, nil
		}
	}
	if m.Kind == KindCallIn {
		// m42/inkallad/eva/f7/r0: Eva stands in for förhinder 7 while it
		// holds and she is its ersättare.
		parts := strings.Split(m.Key, "/")
		if len(parts) >= 4 {
			fs, err := k.forhinderOf(ctx, m.MeetingID)
			if err != nil {
				return "", "", err
			}
			i := slices.IndexFunc(fs, func(f *calendar.Forhinder) bool { return forhinderID(f) == parts[3] })
			if i < 0 || !fs[i].Active() || fs[i].Substitute != parts[2] {
				return "förhindret har återkallats eller en annan ersättare har kallats in efter att mejlet skrevs", SkipChanged, nil
			}
		}
	}
	if m.Kind == KindJustering || m.Kind == KindJusteringLate {
		j, err := k.justering(ctx, m.MeetingID)
		if err != nil {
			return "", "", err
		}
		switch {
		case j == nil:
			return "protokollet är inte längre markerat som klart för justering", SkipChanged, nil
		case j.Approved():
			return "protokollet har redan justerats", SkipChanged, nil
		case m.Kind == KindJustering && m.Person != "" && !slices.Contains(j.Pending(), m.Person):
			return "personen har redan justerat protokollet", SkipChanged, nil
		}
	}
	return "", "", nil
}

func (k *checker) meeting(ctx context.Context, id int64) (*calendar.Meeting, error) {
	if m, ok := k.meetings[id]; ok {
		return m, nil
	}
	m, err := k.store.FindMeetingByID(ctx, id)
	if calendar.ErrorCode(err) == calendar.ENOTFOUND {
		m, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notify: meeting %d of a queued email: %w", id, err)
	}
	k.meetings[id] = m
	return m, nil
}

func (k *checker) forhinderOf(ctx context.Context, meetingID int64) ([]*calendar.Forhinder, error) {
	if fs, ok := k.forhinder[meetingID]; ok {
		return fs, nil
	}
	fs, err := k.store.FindForhinder(ctx, meetingID)
	if err != nil {
		return nil, fmt.Errorf("notify: förhinder of meeting %d for a queued email: %w", meetingID, err)
	}
	k.forhinder[meetingID] = fs
	return fs, nil
}

func (k *checker) justering(ctx context.Context, meetingID int64) (*calendar.Justering, error) {
	if j, ok := k.justeringar[meetingID]; ok {
		return j, nil
	}
	j, err := k.store.FindJustering(ctx, meetingID)
	if calendar.ErrorCode(err) == calendar.ENOTFOUND {
		j, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notify: justering of meeting %d for a queued email: %w", meetingID, err)
	}
	k.justeringar[meetingID] = j
	return j, nil
}

// expiredReason says in Swedish why an email of kind was not sent after
// before.
func expiredReason(kind string, before time.Time) string {
	why := "mejlet var inte längre aktuellt"
	switch kind {
	case KindCall:
		why = "sista dag för att anmäla punkter hade passerat"
	case KindNotice, KindCancel, KindDigest:
		why = "mötet hade redan börjat"
	case KindJustering:
		why = "sista dag för justering hade passerat eller en ny påminnelse ersätter mejlet"
	case KindBookingReminder:
		why = "sista dag för bokning hade passerat"
	case KindSignIn:
		why = "inloggningslänken hade gått ut"
	case KindCalendarLink:
		why = "kalenderlänken hade väntat för länge"
	}
	return "för sent att skicka: " + why + " (mejlet gällde till " + calendar.In(before).Format("2006-01-02 15:04") +
		" men hade inte kunnat skickas dessförinnan)"
}
