package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Entity names in the record of changes.
const (
	entityOrganisation = "organisation"
	entityPerson       = "person"
	entityBody         = "body"
	entityMembership   = "membership"
	entityRoom         = "room"
	entityMeeting      = "meeting"
	// entityChange is the record's own: the removal of old changes.
	entityChange = "change"
)

// fields holds the field changes of one write. A field whose old and new
// text are equal is left out, so an update that changes nothing has none.
type fields map[string]calendar.FieldChange

// column is one recorded field of an entity: its name and its text form.
type column[T any] struct {
	name string
	text func(*T) string
}

// diff returns the fields whose text differs between old and new. A nil old
// or new stands for "did not exist" (create, delete): its texts are "".
func diff[T any](cols []column[T], old, new *T) fields {
	f := fields{}
	for _, c := range cols {
		var o, n string
		if old != nil {
			o = c.text(old)
		}
		if new != nil {
			n = c.text(new)
		}
		if o != n {
			f[c.name] = calendar.FieldChange{Old: o, New: n}
		}
	}
	return f
}

// Text forms of field values in the record of changes.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return calendar.In(t).Format(time.RFC3339)
}

func boolText(b bool) string { return strconv.FormatBool(b) }

func intText(n int) string { return strconv.Itoa(n) }

// record writes one Change at t.now, made by the actor ctx carries
// (calendar.WithActor). In an all-or-nothing InTx the row waits in a batch
// (t.bare.pending), written by flushChanges when the batch is full, before
// a savepoint, before the record is read and when the InTx ends: one round
// trip for changeBatch changes instead of one each.
func (t *tx) record(ctx context.Context, entity string, id int64, action calendar.ChangeAction, f fields) error {
	if w := calendar.ConfirmedClashesFrom(ctx); w != "" && entity == entityMeeting && action != calendar.ActionDelete {
		g := make(fields, len(f)+1)
		for k, v := range f {
			g[k] = v
		}
		g[calendar.ClashesConfirmedField] = calendar.FieldChange{New: w}
		f = g
	}
	text, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("sqlstore: encode change: %w", err)
	}
	a := calendar.ActorFrom(ctx)
	row := changeRow{t.now.Unix(), entity, id, string(action), string(text),
		sql.NullInt64{Int64: a.PersonID, Valid: a.PersonID != 0}, a.Via, a.Token, a.RequestID}
	if t.bare == nil {
		return t.insertChanges(ctx, []changeRow{row})
	}
	t.bare.pending = append(t.bare.pending, row)
	if len(t.bare.pending) < changeBatch {
		return nil
	}
	return t.flushChanges(ctx)
}

// changeRow is one row of changes as record writes it, in column order.
type changeRow struct {
	at       int64
	entity   string
	entityID int64
	action   string
	fields   string
	actor    sql.NullInt64
	via      string
	token    string
	request  string
}

// changeBatch is how many change records one INSERT writes at most (9
// parameters each). SQLite finds a $N parameter by name, in a list it
// walks each time, so parsing costs the square of the parameters: 50 rows
// take a fiftieth of the round trips and little parsing.
const changeBatch = 50

// flushChanges writes the change records an all-or-nothing InTx holds, in
// the order they were made; every statement that reads the record of
// changes calls it first, so that a transaction sees its own changes.
func (t *tx) flushChanges(ctx context.Context) error {
	if t.bare == nil || len(t.bare.pending) == 0 {
		return nil
	}
	rows := t.bare.pending
	t.bare.pending = nil
	for len(rows) > 0 {
		n := min(len(rows), changeBatch)
		if err := t.insertChanges(ctx, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertChanges writes rows in one INSERT; their ids rise in slice order.
func (t *tx) insertChanges(ctx context.Context, rows []changeRow) error {
	values := make([]string, len(rows))
	args := make([]any, 0, 9*len(rows))
	for i, r := range rows {
		values[i] = "(" + numbered(len(args)+1, 9) + ")"
		args = append(args, r.at, r.entity, r.entityID, r.action, r.fields, r.actor, r.via, r.token, r.request)
	}
	_, err := t.ExecContext(ctx, `INSERT INTO changes (at, entity, entity_id, action, fields, actor_person_id, actor_via, actor_token, request_id)
		VALUES `+strings.Join(values, ", "), args...)
	return t.check(err, "record change", nil, nil)
}

// FindChanges returns changes, newest first, at most f.Limit (0: 100).
func (s *Store) FindChanges(ctx context.Context, f calendar.ChangeFilter) ([]*calendar.Change, error) {
	if f.Limit < 0 {
		return nil, calendar.Errorf(calendar.EINVALID, "limit must not be negative")
	}
	limit := f.Limit
	if limit == 0 {
		limit = 100
	}
	var w where
	if f.Entity != nil {
		w.add("c.entity = $?", *f.Entity)
	}
	if f.EntityID != nil {
		w.add("c.entity_id = $?", *f.EntityID)
	}
	if f.Actor != nil {
		w.add("p.key = $?", *f.Actor)
	}
	if f.Via != nil {
		w.add("c.actor_via = $?", *f.Via)
	}
	if f.From != nil {
		w.add("c.at >= $?", f.From.Unix())
	}
	if f.To != nil {
		w.add("c.at < $?", f.To.Unix())
	}
	if f.Before > 0 {
		w.add("c.id < $?", f.Before)
	}
	var out []*calendar.Change
	err := s.read(ctx, func(t *tx) error {
		if err := t.flushChanges(ctx); err != nil {
			return err
		}
		if f.Bodies != nil {
			t.ofBodies(&w, *f.Bodies)
		}
		args := append(w.args, limit)
		rows, err := t.QueryContext(ctx, `SELECT c.id, c.at, c.entity, c.entity_id, c.action, c.fields,
			COALESCE(p.key, ''), COALESCE(p.name, ''), c.actor_via, c.actor_token, c.request_id
			FROM changes c LEFT JOIN people p ON p.id = c.actor_person_id`+w.sql()+
			fmt.Sprintf(` ORDER BY c.id DESC LIMIT $%d`, len(args)), args...)
		if err != nil {
			return fmt.Errorf("sqlstore: find changes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c calendar.Change
			var at int64
			var action, text string
			if err := rows.Scan(&c.ID, &at, &c.Entity, &c.EntityID, &action, &text,
				&c.Actor.Person, &c.Actor.Name, &c.Actor.Via, &c.Actor.Token, &c.Actor.RequestID); err != nil {
				return fmt.Errorf("sqlstore: scan change: %w", err)
			}
			c.At, c.Action = fromUnix(at), calendar.ChangeAction(action)
			if err := json.Unmarshal([]byte(text), &c.Fields); err != nil {
				return fmt.Errorf("sqlstore: decode change %d: %w", c.ID, err)
			}
			out = append(out, &c)
		}
		return rows.Err()
	})
	return out, err
}

// ofBodies narrows w to the changes of things of these bodies (see
// calendar.ChangeFilter.Bodies): one EXISTS per kind of entity, each
// asking the thing's current row. None keeps nothing.
func (t *tx) ofBodies(w *where, slugs []string) {
	if len(slugs) == 0 {
		w.add("1 = 0")
		return
	}
	in := func() (string, []any) {
		args := make([]any, len(slugs))
		for i, s := range slugs {
			args[i] = s
		}
		return "(" + marks(len(slugs)) + ")", args
	}
	var conds []string
	var args []any
	kind := func(entity, exists string) {
		list, a := in()
		conds = append(conds, "(c.entity = '"+entity+"' AND "+strings.ReplaceAll(exists, "(?)", list)+")")
		args = append(args, a...)
	}
	// A meeting, and its justering (recorded under the meeting's id), is of
	// every body it has: the secretary of any one of them sees its record.
	for _, e := range []string{entityMeeting, entityJustering} {
		kind(e, `EXISTS (SELECT 1 FROM meeting_bodies mb JOIN bodies b ON b.id = mb.body_id
			WHERE mb.meeting_id = c.entity_id AND b.slug IN (?))`)
	}
	kind(entityAgendaItem, `EXISTS (SELECT 1 FROM agenda_items a JOIN meeting_bodies mb ON mb.meeting_id = a.meeting_id
		JOIN bodies b ON b.id = mb.body_id WHERE a.id = c.entity_id AND b.slug IN (?))`)
	kind(entityMembership, `EXISTS (SELECT 1 FROM memberships m JOIN bodies b ON b.id = m.body_id
		WHERE m.id = c.entity_id AND b.slug IN (?))`)
	kind(entityBacklogItem, `EXISTS (SELECT 1 FROM backlog_items x JOIN bodies b ON b.id = x.body_id
		WHERE x.id = c.entity_id AND b.slug IN (?))`)
	kind(entityRole, `EXISTS (SELECT 1 FROM role_grants g JOIN bodies b ON b.id = g.body_id
		WHERE g.id = c.entity_id AND b.slug IN (?))`)
	kind(entityBody, `EXISTS (SELECT 1 FROM bodies b WHERE b.id = c.entity_id AND b.slug IN (?))`)
	// A booking window plans meetings of all its bodies together, as only
	// a keeper of every one of them may: it is theirs when no body of it is
	// another's.
	kind(entityBookingWindow, `EXISTS (SELECT 1 FROM booking_windows bw WHERE bw.id = c.entity_id
		AND NOT EXISTS (SELECT 1 FROM `+t.d.jsonTexts("bw.bodies", "j")+` WHERE j.value NOT IN (?)))`)
	w.add("("+strings.Join(conds, " OR ")+")", args...)
}

// DeleteChangesBefore removes the changes recorded before t and, when any
// went, records that it did (entity "change", id 0, the number and the
// day), so that the latest change is new: DataVersion counts the recent
// changes to notice a late commit on PostgreSQL, and a count that fell by
// the deleted ones as another rose by a late commit would otherwise read
// as no change at all.
func (s *Store) DeleteChangesBefore(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(t *tx) error {
		if err := t.flushChanges(ctx); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `DELETE FROM changes WHERE at < $1`, before.Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: delete old changes: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: delete old changes: %w", err)
		}
		if n == 0 {
			return nil
		}
		return t.record(ctx, entityChange, 0, calendar.ActionDelete, fields{
			"count":  {Old: strconv.FormatInt(n, 10)},
			"before": {Old: timeText(before)},
		})
	})
	return int(n), err
}

// recentIDs is how far below the latest change id DataVersion counts the
// changes it can see: far more than the transactions that can be in flight
// at once.
const recentIDs = 1000

// DataVersion returns the id and time of the latest change, and how many
// changes among the recentIDs ids up to it are committed; zero for an empty
// database.
//
// The count is for PostgreSQL, where ids are taken when a change is
// recorded, not when it commits: a transaction holding id 100 may commit
// after one holding 101 has, and then the latest id stays 101 while the
// data changed. The count rises then, so the version differs and feed
// caches render again. (On SQLite writers commit in the order they begin.)
func (s *Store) DataVersion(ctx context.Context) (calendar.DataVersion, error) {
	var v calendar.DataVersion
	err := s.read(ctx, func(t *tx) error {
		if err := t.flushChanges(ctx); err != nil {
			return err
		}
		var at int64
		err := t.QueryRowContext(ctx, `SELECT c.id, c.at, (SELECT count(*) FROM changes r WHERE r.id > c.id - $1)
			FROM changes c ORDER BY c.id DESC LIMIT 1`, recentIDs).Scan(&v.Serial, &at, &v.Recent)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return fmt.Errorf("sqlstore: data version: %w", err)
		}
		v.At = fromUnix(at)
		return nil
	})
	return v, err
}
