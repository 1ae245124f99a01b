package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.JusteringStore = (*Store)(nil)

// entityJustering names justeringar in the record of changes. A
// justering's EntityID is its meeting's id: a meeting has at most one.
const entityJustering = "justering"

// justeringColumns are the recorded fields of a justering. "approved" lists
// the approvers who have approved, in the order of the approvers, so that
// each approval is a recorded change.
var justeringColumns = []column[calendar.Justering]{
	{"document_url", func(j *calendar.Justering) string { return j.DocumentURL }},
	{"justerare", func(j *calendar.Justering) string { return strings.Join(j.Justerare, ",") }},
	{"chair", func(j *calendar.Justering) string { return j.Chair }},
	{"deadline", func(j *calendar.Justering) string { return j.Deadline.String() }},
	{"ready_at", func(j *calendar.Justering) string { return timeText(j.ReadyAt) }},
	{"approved", func(j *calendar.Justering) string {
		var keys []string
		for _, a := range j.Approvals {
			if !a.ApprovedAt.IsZero() {
				keys = append(keys, a.Person)
			}
		}
		return strings.Join(keys, ",")
	}},
	{"approved_on", func(j *calendar.Justering) string { return j.ApprovedOn.String() }},
	{"remind_requested_at", func(j *calendar.Justering) string { return timeText(j.RemindRequestedAt) }},
}

const justeringSelect = `SELECT j.meeting_id, j.document_url, COALESCE(c.key, ''), j.deadline, j.ready_at, j.approved_on, j.remind_requested_at, j.updated_at
	FROM justeringar j LEFT JOIN people c ON c.id = j.chair_id`

func scanJustering(r scanner) (*calendar.Justering, error) {
	var j calendar.Justering
	var deadline, ready, approvedOn, remind, updated int64
	if err := r.Scan(&j.MeetingID, &j.DocumentURL, &j.Chair, &deadline, &ready, &approvedOn, &remind, &updated); err != nil {
		return nil, err
	}
	j.Deadline, j.ApprovedOn = dayFromNumber(deadline), dayFromNumber(approvedOn)
	j.RemindRequestedAt = fromUnixOrZero(remind)
	j.ReadyAt, j.UpdatedAt = fromUnix(ready), fromUnix(updated)
	return &j, nil
}

// approvalRow is one approver as read with its meeting.
type approvalRow struct {
	meetingID int64
	calendar.Approval
}

func scanApproval(r scanner) (approvalRow, error) {
	var a approvalRow
	var role string
	var at int64
	if err := r.Scan(&a.meetingID, &a.Person, &role, &at); err != nil {
		return a, err
	}
	a.Role, a.ApprovedAt = calendar.ApproverRole(role), fromUnixOrZero(at)
	return a, nil
}

// justeringar returns the justeringar matching w (on the columns of
// justeringSelect), ordered by meeting id, with their approvers: two
// queries, however many there are.
func (t *tx) justeringar(ctx context.Context, w *where) ([]*calendar.Justering, error) {
	js, err := queryAll(ctx, t, "justeringar", "justering", scanJustering, justeringSelect+w.sql()+` ORDER BY j.meeting_id`, w.args...)
	if err != nil || len(js) == 0 {
		return js, err
	}
	as, err := queryAll(ctx, t, "justering approvals", "justering approval", scanApproval,
		`SELECT ja.meeting_id, p.key, ja.role, ja.approved_at
		FROM justering_approvals ja JOIN people p ON p.id = ja.person_id
		JOIN justeringar j ON j.meeting_id = ja.meeting_id`+w.sql()+` ORDER BY ja.meeting_id, ja.position`, w.args...)
	if err != nil {
		return nil, err
	}
	byMeeting := make(map[int64]*calendar.Justering, len(js))
	for _, j := range js {
		byMeeting[j.MeetingID] = j
	}
	for _, a := range as {
		j := byMeeting[a.meetingID]
		j.Approvals = append(j.Approvals, a.Approval)
		if a.Role == calendar.ApproverJusterare {
			j.Justerare = append(j.Justerare, a.Person)
		}
	}
	return js, nil
}

// findJustering returns the meeting's justering, or ENOTFOUND.
func (t *tx) findJustering(ctx context.Context, meetingID int64) (*calendar.Justering, error) {
	var w where
	w.add("j.meeting_id = $?", meetingID)
	js, err := t.justeringar(ctx, &w)
	if err != nil {
		return nil, err
	}
	if len(js) == 0 {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "the minutes of meeting %d have not been marked ready for justering", meetingID)
	}
	return js[0], nil
}

// lockMeeting locks the meeting's row (see lock) and checks that it exists
// (ENOTFOUND otherwise), so that the justering writes of one meeting take
// turns: a marking cannot replace the approvers while an approval is being
// recorded.
func (t *tx) lockMeeting(ctx context.Context, id int64) error {
	switch found, err := t.lock(ctx, "meetings", "id", id, forUpdate); {
	case err != nil:
		return err
	case !found:
		return calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", id)
	}
	return nil
}

// MarkMinutesReady validates j and stores it as its meeting's justering:
// the minutes are ready, and the justerare (in the given order) and then
// the chair, unless the chair is also a justerare, are to approve them.
// It sets Approvals, ReadyAt (now) and UpdatedAt, and a zero Deadline to
// the meeting's day plus deadlineDays.
//
// Marking again before anyone approved replaces the earlier marking (a
// corrected document, another justerare); marking again with the same
// document, people and deadline changes nothing and leaves j as stored.
// Once anyone approved, marking again is ECONFLICT. ENOTFOUND for an
// unknown meeting; EINVALID for invalid input, a negative deadlineDays, a
// deadline before the meeting, unknown person keys (all of them named), or
// a meeting none of whose bodies keeps minutes that need approval.
func (s *Store) MarkMinutesReady(ctx context.Context, j *calendar.Justering, now time.Time, deadlineDays int) error {
	if err := j.Validate(); err != nil {
		return err
	}
	if deadlineDays < 0 {
		return calendar.Errorf(calendar.EINVALID, "the days until the justering deadline must not be negative, got %d", deadlineDays)
	}
	if now.IsZero() {
		return calendar.Errorf(calendar.EINVALID, "marking minutes ready needs the time they became ready")
	}
	in := *j
	in.Justerare = slices.Clone(j.Justerare)
	in.ReadyAt = fromUnix(now.Unix())
	in.Approvals = make([]calendar.Approval, 0, len(in.Justerare)+1)
	for _, k := range in.Justerare {
		in.Approvals = append(in.Approvals, calendar.Approval{Person: k, Role: calendar.ApproverJusterare})
	}
	if in.Chair != "" && !slices.Contains(in.Justerare, in.Chair) {
		in.Approvals = append(in.Approvals, calendar.Approval{Person: in.Chair, Role: calendar.ApproverChair})
	}
	in.ApprovedOn = calendar.Date{}
	var n calendar.Justering
	err := s.write(ctx, func(t *tx) error {
		n = in // afresh in every run: the deadline follows the meeting as now read
		if err := t.lockMeeting(ctx, n.MeetingID); err != nil {
			return err
		}
		m, err := t.findMeeting(ctx, n.MeetingID)
		if err != nil {
			return err
		}
		if err := t.mustKeepMinutes(ctx, m); err != nil {
			return err
		}
		meetingDay := calendar.DateOf(m.Start)
		if n.Deadline.IsZero() {
			n.Deadline = meetingDay.AddDays(deadlineDays)
		} else if n.Deadline.Before(meetingDay) {
			return calendar.Errorf(calendar.EINVALID, "the justering deadline %s is before the meeting (%s)", n.Deadline, meetingDay)
		}
		ids, err := t.approverIDs(ctx, &n)
		if err != nil {
			return err
		}
		old, err := t.findJustering(ctx, n.MeetingID)
		switch {
		case calendar.IsNotFound(err):
			old = nil
		case err != nil:
			return err
		}
		action := calendar.ActionCreate
		if old != nil {
			if approved := approvedBy(old); len(approved) > 0 {
				return calendar.Errorf(calendar.ECONFLICT,
					"the minutes of meeting %d cannot be marked ready again: %s already approved them; once anyone has approved, the justering stands",
					n.MeetingID, strings.Join(approved, ", "))
			}
			same := n
			same.ReadyAt, same.RemindRequestedAt = old.ReadyAt, old.RemindRequestedAt
			if len(diff(justeringColumns, old, &same)) == 0 {
				n = *old
				return nil
			}
			action = calendar.ActionUpdate
		}
		n.UpdatedAt = t.now
		chair := sql.NullInt64{}
		if n.Chair != "" {
			chair = sql.NullInt64{Int64: ids[n.Chair], Valid: true}
		}
		_, err = t.ExecContext(ctx, `INSERT INTO justeringar (meeting_id, document_url, chair_id, deadline, ready_at, approved_on, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6)
			ON CONFLICT (meeting_id) DO UPDATE SET document_url = excluded.document_url, chair_id = excluded.chair_id,
				deadline = excluded.deadline, ready_at = excluded.ready_at, approved_on = 0, remind_requested_at = 0,
				updated_at = excluded.updated_at`,
			n.MeetingID, n.DocumentURL, chair, dayNumber(n.Deadline), n.ReadyAt.Unix(), t.now.Unix())
		if err := t.check(err, "store justering", nil, calendar.Errorf(calendar.EINVALID, "the meeting or a person of the justering does not exist")); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM justering_approvals WHERE meeting_id = $1`, n.MeetingID); err != nil {
			return fmt.Errorf("sqlstore: replace justering approvers: %w", err)
		}
		for i, a := range n.Approvals {
			_, err := t.ExecContext(ctx, `INSERT INTO justering_approvals (meeting_id, person_id, role, position, approved_at)
				VALUES ($1, $2, $3, $4, 0)`, n.MeetingID, ids[a.Person], string(a.Role), i+1)
			if err := t.check(err, "store justering approver", nil, missing("person", a.Person)); err != nil {
				return err
			}
		}
		return t.record(ctx, entityJustering, n.MeetingID, action, diff(justeringColumns, old, &n))
	})
	if err != nil {
		return err
	}
	*j = n
	return nil
}

// mustKeepMinutes returns EINVALID unless one of m's bodies keeps minutes
// that need approval.
func (t *tx) mustKeepMinutes(ctx context.Context, m *calendar.Meeting) error {
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM meeting_bodies mb JOIN bodies b ON b.id = mb.body_id
		WHERE mb.meeting_id = $1 AND b.minutes_need_approval = $2`, m.ID, true).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: check the minutes of meeting %d: %w", m.ID, err)
	}
	if n > 0 {
		return nil
	}
	if len(m.Bodies) == 0 {
		return calendar.Errorf(calendar.EINVALID, "meeting %d belongs to no body, so it keeps no minutes to approve", m.ID)
	}
	return calendar.Errorf(calendar.EINVALID,
		"the minutes of meeting %d need no approval: none of its bodies (%s) has minutes_need_approval set; their notes are not justerade",
		m.ID, strings.Join(m.Bodies, ", "))
}

// approverIDs returns the ids of j's approvers by person key, or one
// EINVALID error naming every key that is no person.
func (t *tx) approverIDs(ctx context.Context, j *calendar.Justering) (map[string]int64, error) {
	ids := map[string]int64{}
	var problems []string
	for _, a := range j.Approvals {
		var id int64
		err := t.QueryRowContext(ctx, `SELECT id FROM people WHERE key = $1`, a.Person).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			what := "justerare"
			if a.Role == calendar.ApproverChair {
				what = "chair"
			}
			problems = append(problems, fmt.Sprintf("%s %q is not a person in Samkal; use the person key", what, a.Person))
		case err != nil:
			return nil, fmt.Errorf("sqlstore: find approver: %w", err)
		}
		ids[a.Person] = id
	}
	switch len(problems) {
	case 0:
		return ids, nil
	case 1:
		return nil, &calendar.Error{Code: calendar.EINVALID, Message: problems[0], Details: problems}
	}
	return nil, &calendar.Error{Code: calendar.EINVALID,
		Message: fmt.Sprintf("%s (and %d more problems)", problems[0], len(problems)-1), Details: problems}
}

// approvedBy returns the keys of the approvers who have approved.
func approvedBy(j *calendar.Justering) []string {
	var out []string
	for _, a := range j.Approvals {
		if !a.ApprovedAt.IsZero() {
			out = append(out, a.Person)
		}
	}
	return out
}

// FindJustering returns the meeting's justering; ENOTFOUND when its
// minutes were never marked ready.
func (s *Store) FindJustering(ctx context.Context, meetingID int64) (*calendar.Justering, error) {
	var out *calendar.Justering
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findJustering(ctx, meetingID)
		return err
	})
	return out, err
}

// FindJusteringar returns the justeringar ordered by meeting id; only those
// still missing an approval when pending is true.
func (s *Store) FindJusteringar(ctx context.Context, pending bool) ([]*calendar.Justering, error) {
	var w where
	if pending {
		w.add("j.approved_on = 0")
	}
	var out []*calendar.Justering
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.justeringar(ctx, &w)
		return err
	})
	return out, err
}

// FindJusteringarOf returns the meetings' justeringar by meeting id, 500
// meetings a statement.
func (s *Store) FindJusteringarOf(ctx context.Context, meetingIDs []int64) (map[int64]*calendar.Justering, error) {
	out := map[int64]*calendar.Justering{}
	for batch := range slices.Chunk(meetingIDs, 500) {
		var w where
		w.add("j.meeting_id IN ("+marks(len(batch))+")", anys(batch)...)
		var js []*calendar.Justering
		err := s.read(ctx, func(t *tx) (err error) {
			js, err = t.justeringar(ctx, &w)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, j := range js {
			out[j.MeetingID] = j
		}
	}
	return out, nil
}

// ApproveMinutes records person's approval of the meeting's minutes at now
// and returns the justering and whether anything changed. A second
// approval by the same person changes nothing and records nothing. The
// last approval sets ApprovedOn to now's day (Swedish time). ENOTFOUND when
// the minutes were never marked ready, EINVALID when person is not one of
// the approvers (or now is zero).
func (s *Store) ApproveMinutes(ctx context.Context, meetingID int64, person string, now time.Time) (*calendar.Justering, bool, error) {
	if now.IsZero() {
		return nil, false, calendar.Errorf(calendar.EINVALID, "an approval needs the time it was given")
	}
	return s.changeJustering(ctx, meetingID, func(t *tx, old *calendar.Justering) (*calendar.Justering, error) {
		i := slices.IndexFunc(old.Approvals, func(a calendar.Approval) bool { return a.Person == person })
		if i < 0 {
			keys := make([]string, len(old.Approvals))
			for k, a := range old.Approvals {
				keys[k] = a.Person
			}
			return nil, calendar.Errorf(calendar.EINVALID, "%q does not approve the minutes of meeting %d; the approvers are %s",
				person, meetingID, strings.Join(keys, ", "))
		}
		if !old.Approvals[i].ApprovedAt.IsZero() {
			return nil, nil
		}
		n := *old
		n.Approvals = slices.Clone(old.Approvals)
		n.Approvals[i].ApprovedAt = fromUnix(now.Unix())
		if len(n.Pending()) == 0 {
			n.ApprovedOn = calendar.DateOf(now)
		}
		n.UpdatedAt = t.now
		if _, err := t.ExecContext(ctx, `UPDATE justering_approvals SET approved_at = $1
			WHERE meeting_id = $2 AND person_id = (SELECT id FROM people WHERE key = $3)`,
			n.Approvals[i].ApprovedAt.Unix(), meetingID, person); err != nil {
			return nil, fmt.Errorf("sqlstore: record approval: %w", err)
		}
		if _, err := t.ExecContext(ctx, `UPDATE justeringar SET approved_on = $1, updated_at = $2 WHERE meeting_id = $3`,
			dayNumber(n.ApprovedOn), t.now.Unix(), meetingID); err != nil {
			return nil, fmt.Errorf("sqlstore: record approval: %w", err)
		}
		return &n, nil
	})
}

// RemindApprovers records at now a secretary's wish that the approvers who
// have not approved be reminded at once; within calendar.RemindAgain of
// the last wish it records nothing and returns false. ENOTFOUND when the
// minutes were never marked ready, ECONFLICT when they are approved.
func (s *Store) RemindApprovers(ctx context.Context, meetingID int64, now time.Time) (*calendar.Justering, bool, error) {
	if now.IsZero() {
		return nil, false, calendar.Errorf(calendar.EINVALID, "a reminder needs the time it was asked for")
	}
	return s.changeJustering(ctx, meetingID, func(t *tx, old *calendar.Justering) (*calendar.Justering, error) {
		if old.Approved() {
			return nil, calendar.Errorf(calendar.ECONFLICT, "the minutes of meeting %d are approved already; there is nobody to remind", meetingID)
		}
		if !old.RemindRequestedAt.IsZero() && now.Before(old.RemindRequestedAt.Add(calendar.RemindAgain)) {
			return nil, nil
		}
		n := *old
		n.RemindRequestedAt, n.UpdatedAt = fromUnix(now.Unix()), t.now
		if _, err := t.ExecContext(ctx, `UPDATE justeringar SET remind_requested_at = $1, updated_at = $2 WHERE meeting_id = $3`,
			n.RemindRequestedAt.Unix(), t.now.Unix(), meetingID); err != nil {
			return nil, fmt.Errorf("sqlstore: record a reminder request: %w", err)
		}
		return &n, nil
	})
}

// changeJustering runs change on the meeting's justering in a write
// transaction, after locking the meeting (lockMeeting), and records the
// change. change returns the justering as it wrote it, or nil when nothing
// changes; changeJustering then returns the justering as it was, and false.
func (s *Store) changeJustering(ctx context.Context, meetingID int64,
	change func(t *tx, old *calendar.Justering) (*calendar.Justering, error)) (*calendar.Justering, bool, error) {
	var out *calendar.Justering
	var changed bool
	err := s.write(ctx, func(t *tx) error {
		out, changed = nil, false
		if err := t.lockMeeting(ctx, meetingID); err != nil {
			return err
		}
		old, err := t.findJustering(ctx, meetingID)
		if err != nil {
			return err
		}
		n, err := change(t, old)
		if err != nil || n == nil {
			out = old
			return err
		}
		out, changed = n, true
		return t.record(ctx, entityJustering, meetingID, calendar.ActionUpdate, diff(justeringColumns, old, n))
	})
	if err != nil {
		return nil, false, err
	}
	return out, changed, nil
}
