package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

// FindHandledMail returns the outbox messages and skipped records whose
// keys start with any of prefixes, one per key (the outbox message when
// both exist, as for a message skipped after it was queued), sorted by key.
//
// Each prefix is read as a range of the bytewise key indexes (prefix ≤ key
// < keyRangeEnd(prefix)), so that the scan reads only the rows it wants
// however much mail has accumulated; substr then keeps each range exact.
// Not LIKE, where "_" and "%" in a key would be patterns. Many prefixes go
// in statements of handledBatch ranges each.
func (s *Store) FindHandledMail(ctx context.Context, prefixes ...string) ([]*calendar.HandledMail, error) {
	if len(prefixes) == 0 || slices.Contains(prefixes, "") {
		return nil, fmt.Errorf("sqlstore: find handled mail: an empty prefix would list every email")
	}
	byKey := map[string]*calendar.HandledMail{}
	for batch := range slices.Chunk(prefixes, handledBatch) {
		// The ranges are a table joined to each mail table: both engines
		// then look each range up in the key index, once per prefix
		// (a long OR of ranges made PostgreSQL plan and probe slowly).
		rows := make([]string, 0, len(batch))
		args := []any{string(calendar.OutboxSkipped)}
		for _, prefix := range batch {
			n := len(args)
			rows = append(rows, fmt.Sprintf("(CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS INTEGER))", n+1, n+2, n+3))
			args = append(args, prefix, keyRangeEnd(prefix), utf8.RuneCountInString(prefix))
		}
		in := func(t string) string {
			k := t + ".key" + s.d.bytewise
			return ` JOIN ` + t + ` ON ` + k + ` >= r.lo AND ` + k + ` < r.hi AND substr(` + t + `.key, 1, r.n) = r.lo`
		}
		q := `WITH r(lo, hi, n) AS (VALUES ` + strings.Join(rows, ", ") + `)
			SELECT outbox.key, outbox.status, outbox.send_before, 0 FROM r` + in("outbox") + `
			UNION ALL SELECT skipped_mail.key, $1, 0, 1 FROM r` + in("skipped_mail")
		if err := s.readHandled(ctx, q, args, byKey); err != nil {
			return nil, err
		}
	}
	out := make([]*calendar.HandledMail, 0, len(byKey))
	for _, h := range byKey {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b *calendar.HandledMail) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// handledBatch is how many key ranges one statement of FindHandledMail
// reads: 3 parameters each, far below either engine's limit.
const handledBatch = 200

// readHandled adds the rows of q to byKey, an outbox message over a skip
// record of the same key.
func (s *Store) readHandled(ctx context.Context, q string, args []any, byKey map[string]*calendar.HandledMail) error {
	return s.read(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: find handled mail: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h calendar.HandledMail
			var status string
			var before int64
			var record int
			if err := rows.Scan(&h.Key, &status, &before, &record); err != nil {
				return fmt.Errorf("sqlstore: find handled mail: %w", err)
			}
			if _, seen := byKey[h.Key]; seen && record == 1 {
				continue // the outbox message says more than its skip record
			}
			h.Status, h.SendBefore = calendar.OutboxStatus(status), fromUnixOrZero(before)
			byKey[h.Key] = &h
		}
		return rows.Err()
	})
}

// keyRangeEnd returns the least string above every string that starts
// with prefix, in byte order (which for UTF-8 is code point order): prefix
// with its last character's successor, skipping the surrogates, which
// UTF-8 cannot hold. A prefix of only U+10FFFF has no end: "" is
// returned, and no valid key lies in the range then.
func keyRangeEnd(prefix string) string {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-size]
		switch {
		case r == utf8.MaxRune:
			continue
		case r == 0xD7FF:
			return prefix + "\uE000"
		default:
			return prefix + string(r+1)
		}
	}
	return ""
}

// FindMailedMeetings returns the ids of meetings starting at or after from
// with an outbox message that was sent or is on its way. It starts from the
// meetings (their start index: few lie far ahead) and looks each up in the
// outbox's meeting index, never through the outbox's whole history.
func (s *Store) FindMailedMeetings(ctx context.Context, from time.Time) ([]int64, error) {
	const q = `SELECT m.id FROM meetings m WHERE m.start_at >= $1
		AND EXISTS (SELECT 1 FROM outbox o WHERE o.meeting_id = m.id AND o.status IN ($2, $3, $4))`
	var ids []int64
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, q, from.Unix(), string(calendar.OutboxQueued), string(calendar.OutboxSending),
			string(calendar.OutboxSent))
		if err != nil {
			return fmt.Errorf("sqlstore: find mailed meetings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("sqlstore: find mailed meetings: %w", err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	slices.Sort(ids) // sorted here, so that the query may walk the start index
	return ids, err
}
