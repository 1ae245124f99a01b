package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Entity names of agendas in the record of changes.
const (
	entityAgendaItem  = "agenda_item"
	entityBacklogItem = "backlog_item"
)

const agendaSelect = `SELECT id, meeting_id, position, title, presenter, kind, sub_points, links, status, submitted_by,
	decline_note, created_at, updated_at FROM agenda_items`

// linkJSON is how an item's links are stored in its links column.
type linkJSON struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

func scanAgendaItem(r scanner) (*calendar.AgendaItem, error) {
	var a calendar.AgendaItem
	var kind, status, subs, links string
	var created, updated int64
	if err := r.Scan(&a.ID, &a.MeetingID, &a.Position, &a.Title, &a.Presenter, &kind, &subs, &links, &status,
		&a.SubmittedBy, &a.DeclineNote, &created, &updated); err != nil {
		return nil, err
	}
	a.Kind, a.Status = calendar.AgendaKind(kind), calendar.AgendaStatus(status)
	a.CreatedAt, a.UpdatedAt = fromUnix(created), fromUnix(updated)
	if err := json.Unmarshal([]byte(subs), &a.SubPoints); err != nil {
		return nil, fmt.Errorf("decode sub-points of agenda item %d: %w", a.ID, err)
	}
	var ls []linkJSON
	if err := json.Unmarshal([]byte(links), &ls); err != nil {
		return nil, fmt.Errorf("decode links of agenda item %d: %w", a.ID, err)
	}
	a.Links = make([]calendar.AgendaLink, len(ls))
	for i, l := range ls {
		a.Links[i] = calendar.AgendaLink{Title: l.Title, URL: l.URL}
	}
	a.Normalize() // a stored "null" list reads as an empty one
	return &a, nil
}

// subPointsText and linksText are the stored (and recorded) JSON forms of an
// item's lists; an empty list is "[]".
func subPointsText(a *calendar.AgendaItem) string {
	if len(a.SubPoints) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(a.SubPoints) // a []string always encodes
	return string(b)
}

func linksText(a *calendar.AgendaItem) string {
	if len(a.Links) == 0 {
		return "[]"
	}
	ls := make([]linkJSON, len(a.Links))
	for i, l := range a.Links {
		ls[i] = linkJSON{Title: l.Title, URL: l.URL}
	}
	b, _ := json.Marshal(ls) // strings only: always encodes
	return string(b)
}

// agendaColumns are the recorded fields of an agenda item. The meeting is
// among them so that a feed can find an item's meeting from its changes.
var agendaColumns = []column[calendar.AgendaItem]{
	{"meeting", func(a *calendar.AgendaItem) string { return strconv.FormatInt(a.MeetingID, 10) }},
	{"position", func(a *calendar.AgendaItem) string { return intText(a.Position) }},
	{"title", func(a *calendar.AgendaItem) string { return a.Title }},
	{"presenter", func(a *calendar.AgendaItem) string { return a.Presenter }},
	{"kind", func(a *calendar.AgendaItem) string { return string(a.Kind) }},
	{"sub_points", subPointsText},
	{"links", linksText},
	{"status", func(a *calendar.AgendaItem) string { return string(a.Status) }},
	{"submitted_by", func(a *calendar.AgendaItem) string { return a.SubmittedBy }},
	{"decline_note", func(a *calendar.AgendaItem) string { return a.DeclineNote }},
}

// backlogColumns are the recorded fields of a backlog item.
var backlogColumns = []column[calendar.BacklogItem]{
	{"body", func(b *calendar.BacklogItem) string { return b.Body }},
	{"title", func(b *calendar.BacklogItem) string { return b.Title }},
	{"notes", func(b *calendar.BacklogItem) string { return b.Notes }},
}

// FindAgendaItems returns the meeting's items ordered by position, or
// ENOTFOUND for an unknown meeting.
func (s *Store) FindAgendaItems(ctx context.Context, meetingID int64) ([]*calendar.AgendaItem, error) {
	var out []*calendar.AgendaItem
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.agenda(ctx, meetingID, false)
		return err
	})
	return out, err
}

// FindAgendas returns the items of the meetings by meeting, each ordered
// by position, an empty list for an existing meeting without items; 500
// meetings a statement, with the meetings that exist read in the same
// transaction.
func (s *Store) FindAgendas(ctx context.Context, meetingIDs []int64) (map[int64][]*calendar.AgendaItem, error) {
	out := map[int64][]*calendar.AgendaItem{}
	for batch := range slices.Chunk(meetingIDs, 500) {
		var items []*calendar.AgendaItem
		var exist []int64
		err := s.read(ctx, func(t *tx) (err error) {
			in := `(` + numbered(1, len(batch)) + `)`
			exist, err = queryAll(ctx, t, "meetings", "meeting", scanID, `SELECT id FROM meetings WHERE id IN `+in, anys(batch)...)
			if err != nil {
				return err
			}
			items, err = queryAll(ctx, t, "agenda items", "agenda item", scanAgendaItem,
				agendaSelect+` WHERE meeting_id IN `+in+` ORDER BY meeting_id, position, id`, anys(batch)...)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, id := range exist {
			out[id] = []*calendar.AgendaItem{}
		}
		for _, a := range items {
			out[a.MeetingID] = append(out[a.MeetingID], a)
		}
	}
	return out, nil
}

// CountProposals counts the waiting proposals of the meetings, in one
// query.
func (s *Store) CountProposals(ctx context.Context, meetingIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(meetingIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(t *tx) error {
		clear(out)
		var w where
		w.add("status = $?", string(calendar.AgendaProposed))
		w.add("meeting_id IN ("+marks(len(meetingIDs))+")", anys(meetingIDs)...)
		rows, err := t.QueryContext(ctx, `SELECT meeting_id, COUNT(*) FROM agenda_items`+w.sql()+` GROUP BY meeting_id`, w.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: count proposals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return fmt.Errorf("sqlstore: count proposals: %w", err)
			}
			out[id] = n
		}
		return rows.Err()
	})
	return out, err
}

// FindAgendaItemByID returns the item, or ENOTFOUND.
func (s *Store) FindAgendaItemByID(ctx context.Context, id int64) (*calendar.AgendaItem, error) {
	var out *calendar.AgendaItem
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findAgendaItem(ctx, id)
		return err
	})
	return out, err
}

// FindDeclinedProposals returns the members' proposals declined and last
// changed at or after since, ordered by meeting, then id.
func (s *Store) FindDeclinedProposals(ctx context.Context, since time.Time) ([]*calendar.AgendaItem, error) {
	var out []*calendar.AgendaItem
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = queryAll(ctx, t, "declined proposals", "agenda item", scanAgendaItem,
			agendaSelect+` WHERE status = 'declined' AND updated_at >= $1 AND submitted_by <> '' ORDER BY meeting_id, id`, since.Unix())
		return err
	})
	return out, err
}

// agenda returns the meeting's items ordered by position, or ENOTFOUND for
// an unknown meeting. With lock (before a write) it first locks the
// meeting's row (see lock), so that writers of one agenda take turns: each
// numbers the items as the one before it left them. Every write of an
// agenda item locks its meeting, never the item alone.
func (t *tx) agenda(ctx context.Context, meetingID int64, lock bool) ([]*calendar.AgendaItem, error) {
	if lock {
		switch found, err := t.lock(ctx, "meetings", "id", meetingID, forUpdate); {
		case err != nil:
			return nil, err
		case !found:
			return nil, calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", meetingID)
		}
	} else if err := t.meetingMustExist(ctx, meetingID, calendar.ENOTFOUND); err != nil {
		return nil, err
	}
	return queryAll(ctx, t, "agenda items", "agenda item", scanAgendaItem, agendaSelect+` WHERE meeting_id = $1 ORDER BY position, id`, meetingID)
}

func (t *tx) findAgendaItem(ctx context.Context, id int64) (*calendar.AgendaItem, error) {
	a, err := scanAgendaItem(t.QueryRowContext(ctx, agendaSelect+` WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "agenda item %d does not exist", id)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find agenda item: %w", err)
	}
	return a, nil
}

// lockedAgenda reads the item and its meeting's agenda under the lock of
// agenda, and returns the agenda and the item's index in it.
func (t *tx) lockedAgenda(ctx context.Context, id int64) ([]*calendar.AgendaItem, int, error) {
	a, err := t.findAgendaItem(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	items, err := t.agenda(ctx, a.MeetingID, true)
	if err != nil {
		return nil, 0, err
	}
	i := slices.IndexFunc(items, func(x *calendar.AgendaItem) bool { return x.ID == id })
	if i < 0 { // deleted between the two reads
		return nil, 0, calendar.Errorf(calendar.ENOTFOUND, "agenda item %d does not exist", id)
	}
	return items, i, nil
}

// renumber gives items the positions 1, 2, 3 … in slice order, writing and
// recording only the stored items whose position changes (an item not yet
// stored, ID 0, gets its position where it is inserted).
func (t *tx) renumber(ctx context.Context, items []*calendar.AgendaItem) error {
	for i, a := range items {
		if a.ID == 0 || a.Position == i+1 {
			continue
		}
		old := *a
		a.Position, a.UpdatedAt = i+1, t.now
		if _, err := t.ExecContext(ctx, `UPDATE agenda_items SET position = $1, updated_at = $2 WHERE id = $3`,
			a.Position, t.now.Unix(), a.ID); err != nil {
			return fmt.Errorf("sqlstore: renumber agenda item: %w", err)
		}
		if err := t.record(ctx, entityAgendaItem, a.ID, calendar.ActionUpdate, diff(agendaColumns, &old, a)); err != nil {
			return err
		}
	}
	return nil
}

// roomFor checks that a meeting whose agenda is items (read under the lock
// of agenda, in the transaction that writes) has room for one more item of
// status, submitted by person (may be empty): accepted items count against
// calendar.MaxAgendaItems, proposed ones against calendar.MaxProposals and,
// per person, calendar.MaxProposalsPerPerson (every item of the meeting
// the person submitted, whatever became of it).
func roomFor(items []*calendar.AgendaItem, status calendar.AgendaStatus, person string) error {
	var accepted, proposed, mine int
	for _, a := range items {
		switch a.Status {
		case calendar.AgendaAccepted:
			accepted++
		case calendar.AgendaProposed:
			proposed++
		}
		if person != "" && a.SubmittedBy == person {
			mine++
		}
	}
	switch {
	case status == calendar.AgendaAccepted && accepted >= calendar.MaxAgendaItems:
		return calendar.ErrAgendaFull
	case status == calendar.AgendaProposed && person != "" && mine >= calendar.MaxProposalsPerPerson:
		return calendar.ErrPersonProposalsFull
	case status == calendar.AgendaProposed && proposed >= calendar.MaxProposals:
		return calendar.ErrProposalsFull
	}
	return nil
}

// personMustExist returns EINVALID unless key is empty or names a person.
func (t *tx) personMustExist(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	_, err := t.idOf(ctx, "people", "key", "person", key)
	return err
}

// insertAgendaItem stores a (whose Position is set) and records it.
func (t *tx) insertAgendaItem(ctx context.Context, a *calendar.AgendaItem) error {
	a.CreatedAt, a.UpdatedAt = t.now, t.now
	err := t.QueryRowContext(ctx, `INSERT INTO agenda_items (meeting_id, position, title, presenter, kind, sub_points, links,
		status, submitted_by, decline_note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		a.MeetingID, a.Position, a.Title, a.Presenter, string(a.Kind), subPointsText(a), linksText(a), string(a.Status),
		a.SubmittedBy, a.DeclineNote, t.now.Unix()).Scan(&a.ID)
	if err := t.check(err, "create agenda item", nil,
		calendar.Errorf(calendar.ENOTFOUND, "meeting %d does not exist", a.MeetingID)); err != nil {
		return err
	}
	return t.record(ctx, entityAgendaItem, a.ID, calendar.ActionCreate, diff(agendaColumns, nil, a))
}

// CreateAgendaItem normalizes and validates a and appends it to its
// meeting's agenda before the closing standard items
// (calendar.AppendIndex), or inserts it at a.Position (1 … count+1) and
// shifts the items from there on by one. It sets ID, Position, CreatedAt and UpdatedAt.
// ENOTFOUND for an unknown meeting; EINVALID for bad input, a position past
// the end or an unknown SubmittedBy person; calendar.ErrAgendaFull,
// ErrProposalsFull or ErrPersonProposalsFull when the item's limit is
// reached (see roomFor: counted under the meeting's lock, so parallel
// creates cannot pass a limit together).
func (s *Store) CreateAgendaItem(ctx context.Context, a *calendar.AgendaItem) error {
	in := *a
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	var n calendar.AgendaItem
	err := s.write(ctx, func(t *tx) error {
		n = in // afresh in every run: Position 0 appends to the agenda as now read
		items, err := t.agenda(ctx, n.MeetingID, true)
		if err != nil {
			return err
		}
		if err := roomFor(items, n.Status, n.SubmittedBy); err != nil {
			return err
		}
		if n.Position == 0 {
			bodies, err := t.meetingBodies(ctx, n.MeetingID)
			if err != nil {
				return err
			}
			n.Position = calendar.AppendIndex(items, &n, bodies...) + 1
		}
		if n.Position > len(items)+1 {
			return calendar.Errorf(calendar.EINVALID,
				"position %d is past the end of the agenda of meeting %d: it has %d items, so use 1 to %d (or leave position out to append)",
				n.Position, n.MeetingID, len(items), len(items)+1)
		}
		if err := t.personMustExist(ctx, n.SubmittedBy); err != nil {
			return err
		}
		if err := t.insertAgendaItem(ctx, &n); err != nil {
			return err
		}
		return t.renumber(ctx, slices.Insert(items, n.Position-1, &n))
	})
	if err != nil {
		return err
	}
	*a = n
	return nil
}

// UpdateAgendaItem applies upd with the same checks as CreateAgendaItem; a
// new Position (1 … count) moves the item and shifts those in between, and
// a proposal accepted without a Position moves before the closing standard
// items when it sits after them (calendar.AcceptIndex). An
// update that changes nothing records nothing and returns the item as it
// was. ENOTFOUND for an unknown item.
func (s *Store) UpdateAgendaItem(ctx context.Context, id int64, upd calendar.AgendaItemUpdate) (*calendar.AgendaItem, error) {
	var out *calendar.AgendaItem
	err := s.write(ctx, func(t *tx) error {
		items, i, err := t.lockedAgenda(ctx, id)
		if err != nil {
			return err
		}
		old := *items[i]
		n := upd.Apply(old)
		if upd.Position == nil && old.Status == calendar.AgendaProposed && n.Status == calendar.AgendaAccepted {
			bodies, err := t.meetingBodies(ctx, old.MeetingID)
			if err != nil {
				return err
			}
			n.Position = calendar.AcceptIndex(slices.Delete(slices.Clone(items), i, i+1), i, bodies...) + 1
		}
		if n.SubPoints == nil {
			n.SubPoints = []string{}
		}
		if n.Links == nil {
			n.Links = []calendar.AgendaLink{}
		}
		if err := n.Validate(); err != nil {
			return err
		}
		if n.Position < 1 || n.Position > len(items) {
			return calendar.Errorf(calendar.EINVALID,
				"position %d is outside the agenda of meeting %d: it has %d items, so use 1 to %d",
				n.Position, n.MeetingID, len(items), len(items))
		}
		if n.SubmittedBy != old.SubmittedBy {
			if err := t.personMustExist(ctx, n.SubmittedBy); err != nil {
				return err
			}
		}
		if n.Status != old.Status {
			// Accepting a proposal needs room on the agenda; sending an item
			// back to the proposals needs room there (the per-person count
			// is the link's limit, not the secretary's).
			if err := roomFor(slices.Delete(slices.Clone(items), i, i+1), n.Status, ""); err != nil {
				return err
			}
		}
		f := diff(agendaColumns, &old, &n)
		if len(f) == 0 {
			out = &old
			return nil
		}
		n.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE agenda_items SET position = $1, title = $2, presenter = $3, kind = $4,
			sub_points = $5, links = $6, status = $7, submitted_by = $8, decline_note = $9, updated_at = $10 WHERE id = $11`,
			n.Position, n.Title, n.Presenter, string(n.Kind), subPointsText(&n), linksText(&n), string(n.Status),
			n.SubmittedBy, n.DeclineNote, t.now.Unix(), id)
		if err != nil {
			return fmt.Errorf("sqlstore: update agenda item: %w", err)
		}
		if err := t.record(ctx, entityAgendaItem, id, calendar.ActionUpdate, f); err != nil {
			return err
		}
		rest := slices.Delete(items, i, i+1)
		if err := t.renumber(ctx, slices.Insert(rest, n.Position-1, &n)); err != nil {
			return err
		}
		out = &n
		return nil
	})
	return out, err
}

// DeleteAgendaItem deletes the item and moves the items after it up by one;
// ENOTFOUND for an unknown item.
func (s *Store) DeleteAgendaItem(ctx context.Context, id int64) error {
	return s.write(ctx, func(t *tx) error {
		items, i, err := t.lockedAgenda(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM agenda_items WHERE id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: delete agenda item: %w", err)
		}
		if err := t.record(ctx, entityAgendaItem, id, calendar.ActionDelete, diff(agendaColumns, items[i], nil)); err != nil {
			return err
		}
		return t.renumber(ctx, slices.Delete(items, i, i+1))
	})
}

// meetingBodies returns the bodies of the meeting, whose standard items
// (calendar.StandardItems) shape its agenda; ENOTFOUND for an unknown
// meeting.
func (t *tx) meetingBodies(ctx context.Context, meetingID int64) ([]*calendar.Body, error) {
	m, err := t.findMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	bodies := make([]*calendar.Body, 0, len(m.Bodies))
	for _, slug := range m.Bodies {
		b, err := t.findBody(ctx, slug)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, b)
	}
	return bodies, nil
}

// FillStandardItems puts the standard opening items first and the closing
// items last (calendar.StandardItems, by the meeting's bodies), kind
// "standard", around whatever the agenda already holds, unless it already
// has a standard item: then it changes nothing. It returns the agenda;
// ENOTFOUND for an unknown meeting.
func (s *Store) FillStandardItems(ctx context.Context, meetingID int64) ([]*calendar.AgendaItem, error) {
	var out []*calendar.AgendaItem
	err := s.write(ctx, func(t *tx) error {
		items, err := t.agenda(ctx, meetingID, true)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(items, func(a *calendar.AgendaItem) bool { return a.Kind == calendar.AgendaStandard }) {
			out = items
			return nil
		}
		bodies, err := t.meetingBodies(ctx, meetingID)
		if err != nil {
			return err
		}
		opening, closing := calendar.StandardItems(bodies)
		accepted := 0
		for _, a := range items {
			if a.Status == calendar.AgendaAccepted {
				accepted++
			}
		}
		if n := accepted + len(opening) + len(closing); n > calendar.MaxAgendaItems {
			return calendar.Errorf(calendar.EINVALID, "the standard items would give meeting %d %d agenda items, more than the %d one agenda may hold",
				meetingID, n, calendar.MaxAgendaItems)
		}
		standard := func(title string) *calendar.AgendaItem {
			a := &calendar.AgendaItem{MeetingID: meetingID, Title: title, Kind: calendar.AgendaStandard}
			a.Normalize()
			return a
		}
		var all []*calendar.AgendaItem
		for _, title := range opening {
			all = append(all, standard(title))
		}
		all = append(all, items...)
		for _, title := range closing {
			all = append(all, standard(title))
		}
		// Move the existing items out of the way first, then insert the new
		// ones at their places.
		if err := t.renumber(ctx, all); err != nil {
			return err
		}
		for i, a := range all {
			if a.ID == 0 {
				a.Position = i + 1
				if err := t.insertAgendaItem(ctx, a); err != nil {
					return err
				}
			}
		}
		out = all
		return nil
	})
	return out, err
}

const backlogSelect = `SELECT bi.id, b.slug, bi.title, bi.notes, bi.created_at, bi.updated_at
	FROM backlog_items bi JOIN bodies b ON b.id = bi.body_id`

func scanBacklogItem(r scanner) (*calendar.BacklogItem, error) {
	var b calendar.BacklogItem
	var created, updated int64
	if err := r.Scan(&b.ID, &b.Body, &b.Title, &b.Notes, &created, &updated); err != nil {
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &b, nil
}

// FindBacklogItems returns the body's backlog, oldest first; ENOTFOUND for
// an unknown body.
func (s *Store) FindBacklogItems(ctx context.Context, body string) ([]*calendar.BacklogItem, error) {
	var out []*calendar.BacklogItem
	err := s.read(ctx, func(t *tx) error {
		b, err := t.findBody(ctx, body)
		if err != nil {
			return err
		}
		out, err = queryAll(ctx, t, "backlog items", "backlog item", scanBacklogItem, backlogSelect+` WHERE bi.body_id = $1 ORDER BY bi.created_at, bi.id`, b.ID)
		return err
	})
	return out, err
}

// FindBacklogItemByID returns the item, or ENOTFOUND.
func (s *Store) FindBacklogItemByID(ctx context.Context, id int64) (*calendar.BacklogItem, error) {
	var out *calendar.BacklogItem
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findBacklogItem(ctx, id)
		return err
	})
	return out, err
}

func (t *tx) findBacklogItem(ctx context.Context, id int64) (*calendar.BacklogItem, error) {
	b, err := scanBacklogItem(t.QueryRowContext(ctx, backlogSelect+` WHERE bi.id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "backlog item %d does not exist", id)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find backlog item: %w", err)
	}
	return b, nil
}

// CreateBacklogItem validates b, stores it and sets ID, CreatedAt and
// UpdatedAt; ENOTFOUND for an unknown body.
func (s *Store) CreateBacklogItem(ctx context.Context, b *calendar.BacklogItem) error {
	if err := b.Validate(); err != nil {
		return err
	}
	n := *b
	err := s.write(ctx, func(t *tx) error {
		body, err := t.findBody(ctx, n.Body)
		if err != nil {
			return err
		}
		n.CreatedAt, n.UpdatedAt = t.now, t.now
		err = t.QueryRowContext(ctx, `INSERT INTO backlog_items (body_id, title, notes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, body.ID, n.Title, n.Notes, t.now.Unix()).Scan(&n.ID)
		if err := t.check(err, "create backlog item", nil, notFound("body", n.Body)); err != nil {
			return err
		}
		return t.record(ctx, entityBacklogItem, n.ID, calendar.ActionCreate, diff(backlogColumns, nil, &n))
	})
	if err != nil {
		return err
	}
	*b = n
	return nil
}

// DeleteBacklogItem deletes the item, or returns ENOTFOUND.
func (s *Store) DeleteBacklogItem(ctx context.Context, id int64) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "backlog_items", "id", id, forDelete); err != nil {
			return err
		}
		b, err := t.findBacklogItem(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM backlog_items WHERE id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: delete backlog item: %w", err)
		}
		return t.record(ctx, entityBacklogItem, id, calendar.ActionDelete, diff(backlogColumns, b, nil))
	})
}
