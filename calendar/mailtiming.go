package calendar

import "time"

// MailTiming is when the automatic emails are due: the server's defaults
// ([notify] in the configuration), which a body's BodyNotify overrides.
// Days are whole days before (or after) a day; mail due on a day becomes
// due at SendTime, Swedish wall-clock time. The jobs in notify send by it,
// and the secretary's pages show by it what will be sent when, so both
// read the same rules here.
type MailTiming struct {
	SendTime              int // minutes after midnight, Swedish time
	CallDays              int // the call for agenda items, days before the meeting; 0: none
	CallDeadlineDays      int // agenda items are welcome until this many days before
	NoticeDays            int // the kallelse, days before the meeting; 0: none
	JusteringReminderDays int // a reminder every this many days until the minutes are approved
}

// DefaultMailTiming is the configuration's default timing.
var DefaultMailTiming = MailTiming{SendTime: 8 * 60, CallDays: 14, CallDeadlineDays: 7, NoticeDays: 5, JusteringReminderDays: 3}

// At returns the moment on day d at which mail due that day becomes due.
// It is built from the wall clock, so it stays at SendTime across the
// changes to and from summer time (a duration from the meeting would not).
func (t MailTiming) At(d Date) time.Time { return d.At(t.SendTime/60, t.SendTime%60) }

// ForBodies is t with the bodies' own settings applied. For a joint
// meeting each value is the largest its bodies ask for (the earliest call
// and notice), and an email is off only when every body turned it off.
func (t MailTiming) ForBodies(bodies []*Body) MailTiming {
	if len(bodies) == 0 {
		return t
	}
	call, deadline, notice := -1, -1, -1
	for _, b := range bodies {
		call = max(call, Or(b.Notify.CallDays, t.CallDays))
		deadline = max(deadline, Or(b.Notify.CallDeadlineDays, t.CallDeadlineDays))
		notice = max(notice, Or(b.Notify.NoticeDays, t.NoticeDays))
	}
	t.CallDays, t.CallDeadlineDays, t.NoticeDays = call, deadline, notice
	return t
}

// MeetingMail is when a meeting's call and kallelse are due.
type MeetingMail struct {
	CallAt       time.Time // the call for agenda items; zero when its bodies send none
	CallDeadline Date      // the last day to register items (when CallAt is set)
	// CallCloses is when the links of the call stop working: the end of
	// the deadline day.
	CallCloses time.Time
	DigestAt   time.Time // the proposals to the secretary: the day after the deadline
	NoticeAt   time.Time // the kallelse; zero when its bodies send none
}

// ForMeeting is when the call and kallelse of a meeting starting at start,
// of these bodies, are due.
func (t MailTiming) ForMeeting(start time.Time, bodies []*Body) MeetingMail {
	t = t.ForBodies(bodies)
	day := DateOf(start)
	var m MeetingMail
	if t.CallDays > 0 {
		m.CallAt = t.At(day.AddDays(-t.CallDays))
		m.CallDeadline = day.AddDays(-t.CallDeadlineDays)
		m.CallCloses = m.CallDeadline.AddDays(1).Start()
		m.DigestAt = t.At(m.CallDeadline.AddDays(1))
	}
	if t.NoticeDays > 0 {
		m.NoticeAt = t.At(day.AddDays(-t.NoticeDays))
	}
	return m
}

// JusteringReminderAt is when request n for approving minutes marked ready
// at ready is due: 0 is the first request, due at once; reminder n is due
// n*JusteringReminderDays days after the day they were marked, at the
// send time.
func (t MailTiming) JusteringReminderAt(ready time.Time, n int) time.Time {
	if n <= 0 {
		return ready
	}
	return t.At(DateOf(ready).AddDays(n * max(t.JusteringReminderDays, 1)))
}

// JusteringLateAt is when the secretaries hear that minutes marked ready at
// ready are not approved by deadline: the send time of the day after the
// deadline, but not before the first reminder, so that minutes marked
// late give the approvers one reminder period first.
func (t MailTiming) JusteringLateAt(ready time.Time, deadline Date) time.Time {
	late := t.At(deadline.AddDays(1))
	if first := t.JusteringReminderAt(ready, 1); late.Before(first) {
		return first
	}
	return late
}
