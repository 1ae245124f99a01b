package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// meetingSelect reads meetings joined with their bodies: one row per
// meeting and body (one with a NULL slug for a meeting without bodies). A
// list of meetings thus costs one query, not one per meeting, and no
// subquery per row; queryMeetings folds the rows back into meetings. The
// ORDER BY that queryMeetings adds keeps a meeting's rows together.
const meetingSelect = `SELECT m.id, m.uid, m.key, m.kind, m.title, m.start_at, m.end_at, m.all_day, m.status,
	COALESCE(r.slug, ''), m.location, m.online_url, m.notes, m.cancel_message, m.sequence, m.cancelled_at, m.created_at, m.updated_at, COALESCE(o.slug, ''), b.slug
	FROM meetings m LEFT JOIN rooms r ON r.id = m.room_id LEFT JOIN organisations o ON o.id = m.organisation_id
	LEFT JOIN meeting_bodies mb ON mb.meeting_id = m.id LEFT JOIN bodies b ON b.id = mb.body_id`

// queryMeetings returns the meetings that match w, ordered by start, then
// id, each with its bodies sorted.
func (t *tx) queryMeetings(ctx context.Context, w *where) ([]*calendar.Meeting, error) {
	rows, err := t.QueryContext(ctx, meetingSelect+w.sql()+` ORDER BY m.start_at, m.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find meetings: %w", err)
	}
	defer rows.Close()
	var out []*calendar.Meeting
	for rows.Next() {
		var m calendar.Meeting
		var kind, status string
		var start, end, created, updated int64
		var cancelled sql.NullInt64
		var body sql.NullString
		if err := rows.Scan(&m.ID, &m.UID, &m.Key, &kind, &m.Title, &start, &end, &m.AllDay, &status, &m.Room,
			&m.Location, &m.OnlineURL, &m.Notes, &m.CancelMessage, &m.Sequence, &cancelled, &created, &updated, &m.Organisation, &body); err != nil {
			return nil, fmt.Errorf("sqlstore: scan meeting: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == m.ID { // another body of the same meeting
			out[n-1].Bodies = append(out[n-1].Bodies, body.String)
			continue
		}
		if body.Valid {
			m.Bodies = []string{body.String}
		}
		m.Kind, m.Status = calendar.MeetingKind(kind), calendar.MeetingStatus(status)
		m.Start, m.End, m.CancelledAt = fromUnix(start), fromUnix(end), nullUnix(cancelled)
		m.CreatedAt, m.UpdatedAt = fromUnix(created), fromUnix(updated)
		out = append(out, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find meetings: %w", err)
	}
	for _, m := range out {
		slices.Sort(m.Bodies)
	}
	return out, nil
}

// queryMeeting returns the one meeting that matches w, or notFound.
func (t *tx) queryMeeting(ctx context.Context, w *where, notFound error) (*calendar.Meeting, error) {
	ms, err := t.queryMeetings(ctx, w)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, notFound
	}
	return ms[0], nil
}

// meetingColumns are the recorded fields of a meeting.
var meetingColumns = []column[calendar.Meeting]{
	{"uid", func(m *calendar.Meeting) string { return m.UID }},
	{"key", func(m *calendar.Meeting) string { return m.Key }},
	{"kind", func(m *calendar.Meeting) string { return string(m.Kind) }},
	{"title", func(m *calendar.Meeting) string { return m.Title }},
	{"bodies", func(m *calendar.Meeting) string { return strings.Join(m.Bodies, ",") }},
	{"start", func(m *calendar.Meeting) string { return timeText(m.Start) }},
	{"end", func(m *calendar.Meeting) string { return timeText(m.End) }},
	{"all_day", func(m *calendar.Meeting) string { return boolText(m.AllDay) }},
	{"status", func(m *calendar.Meeting) string { return string(m.Status) }},
	{"room", func(m *calendar.Meeting) string { return m.Room }},
	{"location", func(m *calendar.Meeting) string { return m.Location }},
	{"online_url", func(m *calendar.Meeting) string { return m.OnlineURL }},
	{"notes", func(m *calendar.Meeting) string { return m.Notes }},
	{"organisation", func(m *calendar.Meeting) string { return m.Organisation }},
	{"cancel_message", func(m *calendar.Meeting) string { return m.CancelMessage }},
	{"sequence", func(m *calendar.Meeting) string { return intText(m.Sequence) }},
}

// scheduling lists the fields whose change raises Sequence: what a calendar
// client must show anew (RFC 5545 3.8.7.4).
var scheduling = []string{"start", "end", "all_day", "room", "location", "online_url", "status"}

// FindMeetings returns the meetings matching f, ordered by start, then id,
// each with its bodies sorted. A joint meeting appears once.
func (s *Store) FindMeetings(ctx context.Context, f calendar.MeetingFilter) ([]*calendar.Meeting, error) {
	var w where
	// A body's and a person's meetings are read by id, from the ids that
	// meeting_bodies holds for the body (or the person's bodies): a
	// correlated EXISTS was asked of every meeting since From, which at
	// the size of a country made a cold feed cost 50–500 ms (issue 12),
	// and as one statement with IN (SELECT …) PostgreSQL's generic plan
	// still walked the start index. The ids are found first (candidates),
	// in the same read transaction.
	var sets []idSet
	if len(f.Bodies) > 0 {
		set := idSet{`SELECT fmb.meeting_id FROM meeting_bodies fmb JOIN bodies fb ON fb.id = fmb.body_id
			JOIN meetings dm ON dm.id = fmb.meeting_id WHERE fb.slug IN (` + marks(len(f.Bodies)) + `)`, anys(f.Bodies)}
		set.within(f)
		sets = append(sets, set)
	}
	if f.Person != nil {
		// The membership must hold on the meeting's first day.
		set := idSet{`SELECT fmb.meeting_id FROM people p JOIN memberships ms ON ms.person_id = p.id
			JOIN meeting_bodies fmb ON fmb.body_id = ms.body_id JOIN meetings dm ON dm.id = fmb.meeting_id
			WHERE p.key = $?
			AND (ms.starts_on = 0 OR ms.starts_on <= dm.start_day) AND (ms.ends_on = 0 OR ms.ends_on >= dm.start_day)`, []any{*f.Person}}
		set.within(f)
		if f.WithRegionWide {
			// Events without a body, from the partial index of events
			// (meetings_events, migration 00019).
			set.query += ` UNION ALL SELECT e.id FROM meetings e WHERE e.kind = 'event'
				AND NOT EXISTS (SELECT 1 FROM meeting_bodies eb WHERE eb.meeting_id = e.id)`
			if f.From != nil {
				set.query += " AND e.start_at > $?"
				set.args = append(set.args, f.From.Add(-calendar.MaxMeetingLength).Unix())
			}
		}
		sets = append(sets, set)
	}
	if f.Person != nil && f.WithRegionWide {
		// An event scoped to an organisation is only for its people: those
		// of the organisation, and the members of the bodies it hosts on
		// the event's day. Meetings with bodies and events of the whole
		// installation have no organisation and pass.
		w.add(`(m.organisation_id IS NULL OR EXISTS (SELECT 1 FROM people sp WHERE sp.key = $?
			AND (sp.organisation_id = m.organisation_id OR EXISTS (SELECT 1 FROM memberships sms JOIN bodies sb ON sb.id = sms.body_id
				WHERE sms.person_id = sp.id AND sb.organisation_id = m.organisation_id
				AND (sms.starts_on = 0 OR sms.starts_on <= m.start_day) AND (sms.ends_on = 0 OR sms.ends_on >= m.start_day)))))`, *f.Person)
	}
	if f.PublicOnly {
		w.add(`(NOT EXISTS (SELECT 1 FROM meeting_bodies fmb WHERE fmb.meeting_id = m.id)
			OR EXISTS (SELECT 1 FROM meeting_bodies fmb JOIN bodies fb ON fb.id = fmb.body_id
				WHERE fmb.meeting_id = m.id AND fb.visibility = $?))`, string(calendar.Public))
	}
	// The times. Read by candidate ids, the sets hold them already (a
	// bound here would only tempt PostgreSQL to walk the start index as
	// well); they are needed when there are no sets or too many ids.
	var times []idSet // conditions with their arguments
	if f.From != nil {
		// The start bound adds nothing (no meeting is longer than
		// calendar.MaxMeetingLength) but lets the start index serve "from
		// now on" instead of walking every past meeting.
		times = append(times, idSet{"m.end_at > $? AND m.start_at > $?", []any{f.From.Unix(), f.From.Add(-calendar.MaxMeetingLength).Unix()}})
	}
	if f.To != nil {
		times = append(times, idSet{"m.start_at < $?", []any{f.To.Unix()}})
	}
	if f.Year != nil {
		first := time.Date(*f.Year, time.January, 1, 0, 0, 0, 0, calendar.Location)
		times = append(times, idSet{"m.start_at >= $? AND m.start_at < $?", []any{first.Unix(), first.AddDate(1, 0, 0).Unix()}})
	}
	addTimes := func() {
		for _, c := range times {
			w.add(c.query, c.args...)
		}
	}
	if len(sets) == 0 {
		addTimes()
	}
	if len(f.Status) > 0 {
		statuses := make([]any, len(f.Status))
		for i, st := range f.Status {
			statuses[i] = string(st)
		}
		w.add("m.status IN ("+marks(len(f.Status))+")", statuses...)
	}
	if f.Kind != nil {
		w.add("m.kind = $?", string(*f.Kind))
	}
	if f.Room != nil {
		w.add("r.slug = $?", *f.Room)
	}
	if f.Keys != nil {
		if len(f.Keys) == 0 {
			return nil, nil
		}
		// "<> ''" lets the partial key index serve (FindMeetingByKey).
		w.add("m.key IN ("+marks(len(f.Keys))+") AND m.key <> ''", anys(f.Keys)...)
	}
	if f.After != nil {
		at := f.After.Start.Unix()
		w.add("m.start_at >= $? AND (m.start_at > $? OR m.id > $?)", at, at, f.After.ID)
	}
	var out []*calendar.Meeting
	err := s.read(ctx, func(t *tx) (err error) {
		if len(sets) > 0 {
			limit := maxCandidates
			if s.maxCandidates > 0 {
				limit = s.maxCandidates
			}
			ids, err := candidates(ctx, t, sets, limit)
			switch {
			case err != nil:
				return err
			case ids == nil:
				// Too many to bind (an admin's view of every body): the
				// same sets as subqueries.
				for _, set := range sets {
					w.add("m.id IN ("+set.query+")", set.args...)
				}
				addTimes()
			case len(ids) == 0:
				return nil
			default:
				w.add("m.id IN ("+marks(len(ids))+")", anys(ids)...)
			}
		}
		if f.Limit > 0 {
			// The select joins a row per body, so the limit counts
			// meetings first, walking the start index; then those are
			// read by id (one plan on both engines, whatever the stats).
			ids, err := queryAll(ctx, t, "meetings", "meeting", scanID, `SELECT m.id FROM meetings m LEFT JOIN rooms r ON r.id = m.room_id`+
				w.sql()+` ORDER BY m.start_at, m.id LIMIT `+strconv.Itoa(f.Limit), w.args...)
			if err != nil || len(ids) == 0 {
				return err
			}
			w = where{}
			w.add("m.id IN ("+marks(len(ids))+")", anys(ids)...)
		}
		out, err = t.queryMeetings(ctx, &w)
		return err
	})
	return out, err
}

// idSet is a statement that selects meeting ids (or a condition), written
// with "$?" marks (as where.add takes them), and its arguments.
type idSet struct {
	query string
	args  []any
}

// within narrows the set's meetings (dm) to the filter's time, so that
// many bodies over a month (a region's calendar: 60 bodies' whole history
// is 1,440 ids, the month's 40) bind only the month's. The times are
// written "+ 0" so that no engine takes them as the way in: a bounded
// range looks selective to PostgreSQL's generic plan, which then walked a
// year of the country's meetings to find one body's eight.
func (set *idSet) within(f calendar.MeetingFilter) {
	if f.From != nil {
		set.query += " AND dm.end_at + 0 > $?"
		set.args = append(set.args, f.From.Unix())
	}
	if f.To != nil {
		set.query += " AND dm.start_at + 0 < $?"
		set.args = append(set.args, f.To.Unix())
	}
	if f.Year != nil {
		first := time.Date(*f.Year, time.January, 1, 0, 0, 0, 0, calendar.Location)
		set.query += " AND dm.start_at + 0 >= $? AND dm.start_at + 0 < $?"
		set.args = append(set.args, first.Unix(), first.AddDate(1, 0, 0).Unix())
	}
}

// maxCandidates bounds the ids one FindMeetings binds as parameters (both
// engines take over 30,000). A body's or a person's history is far below
// it (a monthly body has 12 meetings a year); a view of every body of a
// country is not.
const maxCandidates = 10000

// candidates returns the meeting ids in every one of sets, sorted and
// not nil; nil when they are more than limit.
func candidates(ctx context.Context, t *tx, sets []idSet, limit int) ([]int64, error) {
	out := []int64{}
	for i, set := range sets {
		var q where
		q.add(set.query, set.args...)
		ids, err := queryAll(ctx, t, "meetings", "meeting", scanID, q.conds[0], q.args...)
		if err != nil {
			return nil, err
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if i > 0 {
			ids = slices.DeleteFunc(ids, func(id int64) bool { _, found := slices.BinarySearch(out, id); return !found })
		}
		if len(ids) > limit {
			return nil, nil
		}
		out = append(out[:0], ids...)
	}
	return out, nil
}

// scanID reads a row of one id.
func scanID(r scanner) (id int64, err error) {
	err = r.Scan(&id)
	return id, err
}

// FindMeetingByID returns the meeting, or ENOTFOUND.
func (s *Store) FindMeetingByID(ctx context.Context, id int64) (*calendar.Meeting, error) {
	var m *calendar.Meeting
	err := s.read(ctx, func(t *tx) (err error) {
		m, err = t.findMeeting(ctx, id)
		return err
	})
	return m, err
}

// FindMeetingByKey returns the meeting with this årsplan key, or ENOTFOUND.
func (s *Store) FindMeetingByKey(ctx context.Context, key string) (*calendar.Meeting, error) {
	var m *calendar.Meeting
	if key == "" { // "" is every meeting without a key
		return nil, calendar.Errorf(calendar.ENOTFOUND, "a meeting key is required")
	}
	err := s.read(ctx, func(t *tx) (err error) {
		var w where
		// "<> ''" lets the partial key index serve the lookup: without it
		// neither engine can prove the parameter is not "" and both scan
		// every meeting (the import's quadratic time, issue 12).
		w.add("m.key = $? AND m.key <> ''", key)
		m, err = t.queryMeeting(ctx, &w, calendar.Errorf(calendar.ENOTFOUND, "no meeting has the key %q", key))
		return err
	})
	return m, err
}

func (t *tx) findMeeting(ctx context.Context, id int64) (*calendar.Meeting, error) {
	var w where
	w.add("m.id = $?", id)
	return t.queryMeeting(ctx, &w, calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", id))
}

// normalizeMeeting is calendar's Normalize plus whole seconds, which is what
// the store keeps: comparing with a stored meeting then finds no change
// where there is none.
func normalizeMeeting(m *calendar.Meeting) {
	m.Normalize()
	if !m.Start.IsZero() {
		m.Start = fromUnix(m.Start.Unix())
	}
	if !m.End.IsZero() {
		m.End = fromUnix(m.End.Unix())
	}
}

// CreateMeeting normalizes and validates m, checks that its bodies, room
// and organisation exist (EINVALID otherwise), that its key is free and that its room is free
// (ECONFLICT naming the other meeting), and stores it with a new UID,
// Sequence 0, CreatedAt, UpdatedAt, and CancelledAt if it is created
// cancelled.
func (s *Store) CreateMeeting(ctx context.Context, m *calendar.Meeting) error {
	normalizeMeeting(m)
	if err := m.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		// Few statements (an import creates thousands of meetings): the
		// unique key index answers a taken key with the message a check
		// first would give, and the bodies are looked up as they are
		// inserted.
		roomID, err := t.roomRef(ctx, m)
		if err != nil {
			return err
		}
		orgID, err := t.organisationRef(ctx, m.Organisation)
		if err != nil {
			return err
		}
		keyTaken := meetingKeyTaken(m.Key)
		if err := t.roomMustBeFree(ctx, m, roomID, 0); err != nil {
			return err
		}
		uid, cancelled := newUID(), sql.NullInt64{}
		if m.Status == calendar.StatusCancelled {
			cancelled = sql.NullInt64{Int64: t.now.Unix(), Valid: true}
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO meetings (uid, key, kind, title, start_at, end_at, start_day, all_day, status,
			room_id, location, online_url, notes, cancel_message, sequence, cancelled_at, created_at, updated_at, organisation_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, $16, $17) RETURNING id`,
			uid, m.Key, string(m.Kind), m.Title, m.Start.Unix(), m.End.Unix(), dayNumber(calendar.DateOf(m.Start)), m.AllDay,
			string(m.Status), roomID, m.Location, m.OnlineURL, m.Notes, m.CancelMessage, cancelled, t.now.Unix(), orgID).Scan(&id)
		if err := t.check(err, "insert meeting", keyTaken, nil); err != nil {
			return err
		}
		if err := t.insertMeetingBodies(ctx, id, m.Bodies); err != nil {
			return err
		}
		m.ID, m.UID, m.Sequence, m.CancelledAt = id, uid, 0, nullUnix(cancelled)
		m.CreatedAt, m.UpdatedAt = t.now, t.now
		return t.record(ctx, entityMeeting, id, calendar.ActionCreate, diff(meetingColumns, nil, m))
	})
}

// UpdateMeeting applies upd with the same checks as CreateMeeting. It raises
// Sequence by one when start, end, all-day, room, location, online link or
// status change, sets CancelledAt when the status becomes cancelled and
// clears it when it stops being so, and sets UpdatedAt. An update that
// changes nothing records no change and returns the meeting as it was.
//
// The meeting's row is locked before it is read (then its room's, see
// roomMustBeFree), so that updates of one meeting take turns: each applies
// its fields to what the one before it wrote, and Sequence counts every
// change and never goes down. The UPDATE itself adds to the stored
// Sequence rather than writing a number computed in Go, so that it could
// not go down even without the lock.
func (s *Store) UpdateMeeting(ctx context.Context, id int64, upd calendar.MeetingUpdate) (*calendar.Meeting, error) {
	var out *calendar.Meeting
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "meetings", "id", id, forUpdate); err != nil {
			return err
		}
		old, err := t.findMeeting(ctx, id)
		if err != nil {
			return err
		}
		m := applyMeetingUpdate(*old, upd)
		normalizeMeeting(&m)
		if err := m.Validate(); err != nil {
			return err
		}
		f := diff(meetingColumns, old, &m)
		if len(f) == 0 {
			out = old
			return nil
		}
		_, bodiesChanged := f["bodies"]
		roomID, err := t.roomRef(ctx, &m)
		if err != nil {
			return err
		}
		orgID, err := t.organisationRef(ctx, m.Organisation)
		if err != nil {
			return err
		}
		keyTaken := meetingKeyTaken(m.Key)
		if _, ok := f["key"]; ok && m.Key != "" {
			if err := t.mustBeFree(ctx, `SELECT 1 FROM meetings WHERE key = $1 AND key <> '' AND id <> $2`, keyTaken, m.Key, id); err != nil {
				return err
			}
		}
		if err := t.roomMustBeFree(ctx, &m, roomID, id); err != nil {
			return err
		}
		bump := 0
		if slices.ContainsFunc(scheduling, func(name string) bool { _, ok := f[name]; return ok }) {
			bump = 1
		}
		switch {
		case m.Status != calendar.StatusCancelled:
			m.CancelledAt = time.Time{}
		case old.Status != calendar.StatusCancelled:
			m.CancelledAt = t.now
		}
		cancelled := sql.NullInt64{}
		if !m.CancelledAt.IsZero() {
			cancelled = sql.NullInt64{Int64: m.CancelledAt.Unix(), Valid: true}
		}
		m.UpdatedAt = t.now
		err = t.QueryRowContext(ctx, `UPDATE meetings SET key = $1, kind = $2, title = $3, start_at = $4, end_at = $5, start_day = $6,
			all_day = $7, status = $8, room_id = $9, location = $10, online_url = $11, notes = $12, sequence = sequence + $13,
			cancelled_at = $14, updated_at = $15, cancel_message = $16, organisation_id = $17 WHERE id = $18 RETURNING sequence`,
			m.Key, string(m.Kind), m.Title, m.Start.Unix(), m.End.Unix(), dayNumber(calendar.DateOf(m.Start)), m.AllDay,
			string(m.Status), roomID, m.Location, m.OnlineURL, m.Notes, bump, cancelled, t.now.Unix(), m.CancelMessage, orgID, id).Scan(&m.Sequence)
		if err := t.check(err, "update meeting", keyTaken, nil); err != nil {
			return err
		}
		if bodiesChanged {
			if _, err := t.ExecContext(ctx, `DELETE FROM meeting_bodies WHERE meeting_id = $1`, id); err != nil {
				return fmt.Errorf("sqlstore: replace meeting's bodies: %w", err)
			}
			if err := t.insertMeetingBodies(ctx, id, m.Bodies); err != nil {
				return err
			}
		}
		out = &m
		return t.record(ctx, entityMeeting, id, calendar.ActionUpdate, diff(meetingColumns, old, &m))
	})
	return out, err
}

// applyMeetingUpdate returns m with the fields of upd that are given.
func applyMeetingUpdate(m calendar.Meeting, upd calendar.MeetingUpdate) calendar.Meeting {
	m.Bodies = slices.Clone(m.Bodies)
	set := func(to *string, from *string) {
		if from != nil {
			*to = *from
		}
	}
	set(&m.Key, upd.Key)
	set(&m.Title, upd.Title)
	set(&m.Room, upd.Room)
	set(&m.Location, upd.Location)
	set(&m.OnlineURL, upd.OnlineURL)
	set(&m.Notes, upd.Notes)
	set(&m.Organisation, upd.Organisation)
	if upd.Kind != nil {
		m.Kind = *upd.Kind
	}
	if upd.Bodies != nil {
		m.Bodies = slices.Clone(*upd.Bodies)
	}
	if upd.Start != nil {
		m.Start = *upd.Start
	}
	if upd.End != nil {
		m.End = *upd.End
	}
	if upd.AllDay != nil {
		m.AllDay = *upd.AllDay
	}
	if upd.Status != nil {
		m.Status = *upd.Status
		if m.Status != calendar.StatusCancelled {
			m.CancelMessage = ""
		}
	}
	set(&m.CancelMessage, upd.CancelMessage)
	return m
}

// DeleteMeeting deletes the meeting, or returns ENOTFOUND; of two deletes
// at once, the second finds nothing (the row is locked first).
func (s *Store) DeleteMeeting(ctx context.Context, id int64) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "meetings", "id", id, forDelete); err != nil {
			return err
		}
		m, err := t.findMeeting(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM meeting_bodies WHERE meeting_id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: delete meeting's bodies: %w", err)
		}
		_, err = t.ExecContext(ctx, `DELETE FROM meetings WHERE id = $1`, id)
		if err := t.check(err, "delete meeting", nil, nil); err != nil {
			return err
		}
		return t.record(ctx, entityMeeting, id, calendar.ActionDelete, diff(meetingColumns, m, nil))
	})
}

func meetingKeyTaken(key string) error {
	return calendar.Errorf(calendar.ECONFLICT, "another meeting already has the key %q", key)
}

// newUID returns a random iCalendar UID (128 bits).
func newUID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b) + "@samkal"
}

// bodyIDs returns the ids of the bodies with these slugs, or EINVALID naming
// those that do not exist.
func (t *tx) bodyIDs(ctx context.Context, slugs []string) ([]int64, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	rows, err := t.QueryContext(ctx, `SELECT id, slug FROM bodies WHERE slug IN (`+numbered(1, len(slugs))+`)`, anys(slugs)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find bodies: %w", err)
	}
	defer rows.Close()
	found := map[string]int64{}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return nil, fmt.Errorf("sqlstore: scan body: %w", err)
		}
		found[slug] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find bodies: %w", err)
	}
	var ids []int64
	var absent []string
	for _, s := range slugs {
		if id, ok := found[s]; ok {
			ids = append(ids, id)
		} else {
			absent = append(absent, fmt.Sprintf("%q", s))
		}
	}
	switch len(absent) {
	case 0:
		return ids, nil
	case 1:
		return nil, calendar.Errorf(calendar.EINVALID, "body %s does not exist", absent[0])
	}
	return nil, calendar.Errorf(calendar.EINVALID, "bodies %s do not exist", andList(strings.Join(absent[:len(absent)-1], ", "), absent[len(absent)-1]))
}

// roomRef returns the id of the room m names, NULL for "", and EINVALID if
// it does not exist. When m books the room (it is not cancelled), the
// room's row is locked in the same statement (see lock), so that two
// transactions cannot both see it free (roomMustBeFree); a meeting's room
// is locked after the meeting (in UpdateMeeting), never before.
func (t *tx) roomRef(ctx context.Context, m *calendar.Meeting) (sql.NullInt64, error) {
	if m.Room == "" {
		return sql.NullInt64{}, nil
	}
	q := `SELECT id FROM rooms WHERE slug = $1`
	if m.Status != calendar.StatusCancelled {
		q += t.d.lockClauses[forUpdate]
	}
	var id int64
	err := t.QueryRowContext(ctx, q, m.Room).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return sql.NullInt64{}, missing("room", m.Room)
	case err != nil:
		return sql.NullInt64{}, fmt.Errorf("sqlstore: find room: %w", err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// insertMeetingBodies links the meeting to the bodies with these slugs in
// one statement, or returns EINVALID naming those that do not exist.
func (t *tx) insertMeetingBodies(ctx context.Context, meetingID int64, slugs []string) error {
	if len(slugs) == 0 {
		return nil
	}
	args := append([]any{meetingID}, anys(slugs)...)
	res, err := t.ExecContext(ctx, `INSERT INTO meeting_bodies (meeting_id, body_id)
		SELECT CAST($1 AS BIGINT), id FROM bodies WHERE slug IN (`+numbered(2, len(slugs))+`)`, args...)
	if err := t.check(err, "insert meeting body", nil, calendar.Errorf(calendar.EINVALID, "a body of the meeting does not exist")); err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: insert meeting body: %w", err)
	}
	if int(n) == len(slices.Compact(slices.Sorted(slices.Values(slugs)))) {
		return nil
	}
	if _, err := t.bodyIDs(ctx, slugs); err != nil {
		return err
	}
	return fmt.Errorf("sqlstore: insert meeting body: %d of the bodies %v linked", n, slugs)
}

// roomMustBeFree returns ECONFLICT naming another meeting (not self) that is
// not cancelled and uses m's room at an overlapping time. A cancelled m
// books nothing. roomRef has locked the room's row.
func (t *tx) roomMustBeFree(ctx context.Context, m *calendar.Meeting, roomID sql.NullInt64, self int64) error {
	if !roomID.Valid || m.Status == calendar.StatusCancelled {
		return nil
	}
	var other calendar.Meeting
	var start, end int64
	err := t.QueryRowContext(ctx, `SELECT id, title, start_at, end_at FROM meetings
		WHERE room_id = $1 AND id <> $2 AND status <> $3 AND start_at < $4 AND end_at > $5
		ORDER BY start_at, id LIMIT 1`,
		roomID.Int64, self, string(calendar.StatusCancelled), m.End.Unix(), m.Start.Unix()).Scan(&other.ID, &other.Title, &start, &end)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("sqlstore: check room: %w", err)
	}
	other.Start, other.End = fromUnix(start), fromUnix(end)
	name := other.Title
	if name == "" {
		names, err := t.bodyNames(ctx, other.ID)
		if err != nil {
			return err
		}
		name = strings.Join(names, " + ")
	}
	what := fmt.Sprintf("meeting %d", other.ID)
	if name != "" {
		what = fmt.Sprintf("%q (meeting %d)", name, other.ID)
	}
	return calendar.Errorf(calendar.ECONFLICT, "room %q is already booked by %s, %s", m.Room, what, span(other.Start, other.End))
}

// bodyNames returns the names of a meeting's bodies, sorted.
func (t *tx) bodyNames(ctx context.Context, meetingID int64) ([]string, error) {
	rows, err := t.QueryContext(ctx, `SELECT b.name FROM meeting_bodies mb JOIN bodies b ON b.id = mb.body_id WHERE mb.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find meeting's bodies: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlstore: scan body name: %w", err)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names, rows.Err()
}

// span formats a time span in Swedish time: "2025-01-21 13:00–16:30", or
// with both dates when it ends on another day.
func span(start, end time.Time) string {
	start, end = calendar.In(start), calendar.In(end)
	if calendar.DateOf(start) == calendar.DateOf(end) {
		return start.Format("2006-01-02 15:04") + "–" + end.Format("15:04")
	}
	return start.Format("2006-01-02 15:04") + " – " + end.Format("2006-01-02 15:04")
}
