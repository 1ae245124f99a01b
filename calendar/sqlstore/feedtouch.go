package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// FeedTouches reads the record of changes above after (ids only), then
// the changes not yet seen, 500 a statement, with what each touched: the
// keys in its fields (before and after) and in the rows as they are now,
// so that a deleted thing is still named by its record.
func (s *Store) FeedTouches(ctx context.Context, after int64, seen func(id int64) bool) ([]calendar.FeedTouch, error) {
	var out []calendar.FeedTouch
	err := s.read(ctx, func(t *tx) error {
		if err := t.flushChanges(ctx); err != nil {
			return err
		}
		ids, err := queryAll(ctx, t, "changes", "change", scanID, `SELECT id FROM changes WHERE id > $1 ORDER BY id`, after)
		if err != nil {
			return err
		}
		ids = slices.DeleteFunc(ids, seen)
		limit := maxFeedTouches
		if s.maxFeedTouches > 0 {
			limit = s.maxFeedTouches
		}
		if len(ids) > limit {
			// An import of a country: every feed renders again anyway,
			// so the changes are not read one by one.
			for _, id := range ids {
				out = append(out, calendar.FeedTouch{ChangeID: id, Everything: true})
			}
			return nil
		}
		for batch := range slices.Chunk(ids, 500) {
			touches, err := t.feedTouches(ctx, batch)
			if err != nil {
				return err
			}
			out = append(out, touches...)
		}
		return nil
	})
	return out, err
}

// maxFeedTouches is how many new changes FeedTouches reads one by one; a
// larger batch touches everything.
const maxFeedTouches = 5000

// recorded is one change as FeedTouches reads it.
type recorded struct {
	id, entityID   int64
	entity, action string
	fields         fields
}

func (t *tx) feedTouches(ctx context.Context, ids []int64) ([]calendar.FeedTouch, error) {
	in := "(" + numbered(1, len(ids)) + ")"
	cs, err := queryAll(ctx, t, "changes", "change", func(r scanner) (c recorded, err error) {
		var text string
		if err = r.Scan(&c.id, &c.entity, &c.entityID, &c.action, &text); err == nil {
			err = json.Unmarshal([]byte(text), &c.fields)
		}
		return c, err
	}, `SELECT id, entity, entity_id, action, fields FROM changes WHERE id IN `+in+` ORDER BY id`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	// The keys of the rows as they are now, by entity.
	byEntity := map[string][]int64{}
	for _, c := range cs {
		byEntity[c.entity] = append(byEntity[c.entity], c.entityID)
	}
	now := map[string]map[int64][]string{}
	for entity, query := range map[string]string{
		// A meeting without a body reads as one "" (not absent: deleted).
		entityMeeting: `SELECT m.id, COALESCE(b.slug, '') FROM meetings m LEFT JOIN meeting_bodies mb ON mb.meeting_id = m.id
			LEFT JOIN bodies b ON b.id = mb.body_id WHERE m.id IN `,
		entityBody:       `SELECT id, slug FROM bodies WHERE id IN `,
		entityRoom:       `SELECT id, slug FROM rooms WHERE id IN `,
		entityPerson:     `SELECT id, key FROM people WHERE id IN `,
		entityMembership: `SELECT ms.id, p.key FROM memberships ms JOIN people p ON p.id = ms.person_id WHERE ms.id IN `,
	} {
		if ids := byEntity[entity]; len(ids) > 0 {
			if now[entity], err = t.keysByID(ctx, query+"("+numbered(1, len(ids))+")", ids); err != nil {
				return nil, err
			}
		}
	}
	out := make([]calendar.FeedTouch, 0, len(cs))
	for _, c := range cs {
		ft := calendar.FeedTouch{ChangeID: c.id}
		cur, exists := now[c.entity][c.entityID]
		both := func(field string) []string { // the field's old and new value, and the row's now
			f := c.fields[field]
			return compactKeys(append([]string{f.Old, f.New}, cur...))
		}
		switch c.entity {
		case entityMeeting:
			ft.Meeting = c.entityID
			ft.Bodies, ft.RegionWide = meetingBodies(c, cur, exists)
		case entityJustering:
			ft.Meeting = c.entityID
		case entityBody:
			ft.Bodies, ft.BodyItself = both("slug"), true
		case entityRoom:
			ft.Rooms = both("slug")
		case entityPerson:
			ft.People = both("key")
		case entityMembership:
			ft.People = both("person")
		case entityOrganisation:
			ft.RegionWide = true
		case entityAgendaItem, entityBacklogItem, entityRole, entityBookingWindow, entityAvailability, entityChange:
			// Not in any feed: agendas, roles, planning, the record itself.
		default:
			ft.Everything = true
		}
		out = append(out, ft)
	}
	return out, nil
}

// meetingBodies is the bodies a meeting's change touched, and whether the
// meeting was or is an event without a body. The record holds "bodies"
// only when they differ: on a creation the new ones, on a deletion the
// old ones, on an update both; without it they did not change (the rows
// say which they are, cur; a meeting deleted since is touched by the
// record of its deletion) or there were none.
func meetingBodies(c recorded, cur []string, exists bool) (bodies []string, regionWide bool) {
	f, ok := c.fields["bodies"]
	var sides []string
	switch {
	case c.action == string(calendar.ActionCreate):
		sides = []string{f.New}
	case c.action == string(calendar.ActionDelete):
		sides = []string{f.Old}
	case ok:
		sides = []string{f.Old, f.New}
	case exists:
		sides = []string{strings.Join(cur, ",")}
	}
	for _, side := range sides {
		if side == "" {
			regionWide = true
			continue
		}
		bodies = append(bodies, strings.Split(side, ",")...)
	}
	return compactKeys(append(bodies, cur...)), regionWide
}

// keysByID reads (id, key) rows into keys by id.
func (t *tx) keysByID(ctx context.Context, query string, ids []int64) (map[int64][]string, error) {
	rows, err := t.QueryContext(ctx, query, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: keys of changed rows: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("sqlstore: scan keys of changed rows: %w", err)
		}
		out[id] = append(out[id], key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: keys of changed rows: %w", err)
	}
	return out, nil
}

// compactKeys sorts keys and drops empty and repeated ones.
func compactKeys(keys []string) []string {
	keys = slices.DeleteFunc(keys, func(k string) bool { return k == "" })
	slices.Sort(keys)
	return slices.Compact(keys)
}
