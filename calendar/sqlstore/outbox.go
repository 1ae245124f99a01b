package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.OutboxStore = (*Store)(nil)

// outboxColumns are the columns of a message, Body last so that listings
// can leave it out.
const outboxColumns = `id, key, kind, meeting_id, recipient, subject, status, attempts, next_attempt_at,
	claimed_by, claimed_until, last_error, created_at, sent_at, person, meeting_sequence, send_before`

// scanMessage reads outboxColumns, and the body when withBody.
func scanMessage(r scanner, withBody bool) (*calendar.OutboxMessage, error) {
	var m calendar.OutboxMessage
	var status string
	var next, until, created, sent, before int64
	var seq sql.NullInt64
	dest := []any{&m.ID, &m.Key, &m.Kind, &m.MeetingID, &m.Recipient, &m.Subject, &status, &m.Attempts, &next,
		&m.ClaimedBy, &until, &m.LastError, &created, &sent, &m.Person, &seq, &before}
	if withBody {
		dest = append(dest, &m.Body)
	}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	m.Status = calendar.OutboxStatus(status)
	m.NextAttemptAt, m.ClaimedUntil = fromUnixOrZero(next), fromUnixOrZero(until)
	m.CreatedAt, m.SentAt = fromUnix(created), fromUnixOrZero(sent)
	m.SendBefore = fromUnixOrZero(before)
	if seq.Valid {
		n := int(seq.Int64)
		m.MeetingSequence = &n
	}
	return &m, nil
}

// fromUnixOrZero is fromUnix with 0 meaning "not set".
func fromUnixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return fromUnix(sec)
}

// EnqueueMessage inserts m as queued unless its key exists, and reports
// whether it inserted. ON CONFLICT DO NOTHING makes two replicas enqueueing
// the same key at once safe on both engines: one inserts, the other does
// nothing, neither fails.
func (s *Store) EnqueueMessage(ctx context.Context, m *calendar.OutboxMessage) (bool, error) {
	if err := m.Validate(); err != nil {
		return false, err
	}
	var inserted bool
	err := s.write(ctx, func(t *tx) error {
		inserted = false
		next := m.NextAttemptAt
		if next.IsZero() {
			next = t.now
		}
		var id int64
		var seq sql.NullInt64
		if m.MeetingSequence != nil {
			seq = sql.NullInt64{Int64: int64(*m.MeetingSequence), Valid: true}
		}
		var before int64
		if !m.SendBefore.IsZero() {
			before = m.SendBefore.Unix()
		}
		err := t.QueryRowContext(ctx, `INSERT INTO outbox (key, kind, meeting_id, recipient, subject, body, status,
			attempts, next_attempt_at, created_at, person, meeting_sequence, send_before)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12)
			ON CONFLICT (key) DO NOTHING RETURNING id`,
			m.Key, m.Kind, m.MeetingID, m.Recipient, m.Subject, m.Body, string(calendar.OutboxQueued),
			next.Unix(), t.now.Unix(), m.Person, seq, before).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err := t.check(err, "enqueue message", nil, nil); err != nil {
			return err
		}
		inserted = true
		m.ID, m.Status, m.Attempts = id, calendar.OutboxQueued, 0
		m.NextAttemptAt, m.CreatedAt = fromUnix(next.Unix()), t.now
		m.ClaimedBy, m.ClaimedUntil, m.LastError, m.SentAt = "", time.Time{}, "", time.Time{}
		return nil
	})
	return inserted && err == nil, err
}

// ClaimMessages claims up to limit due messages for worker in one UPDATE.
// On PostgreSQL the subquery locks the rows it picks with FOR UPDATE SKIP
// LOCKED: a concurrent claimer skips them instead of waiting, and a row
// another claimer committed meanwhile is re-checked against the WHERE
// clause and dropped, so no row goes to two workers. On SQLite the write
// transaction (BEGIN IMMEDIATE) excludes every other writer, which
// serialises claimers on the same file.
func (s *Store) ClaimMessages(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, ignoreBackoff bool, kinds ...string) ([]*calendar.OutboxMessage, error) {
	switch {
	case strings.TrimSpace(worker) == "":
		return nil, calendar.Errorf(calendar.EINVALID, "claim messages: worker name is required")
	case lease < time.Second:
		return nil, calendar.Errorf(calendar.EINVALID, "claim messages: lease must be at least one second, got %v", lease)
	case limit < 1:
		return nil, calendar.Errorf(calendar.EINVALID, "claim messages: limit must be at least 1, got %d", limit)
	}
	due := now.Unix()
	if ignoreBackoff {
		due = maxUnix
	}
	lock := ""
	if s.d == postgresDialect {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	args := []any{string(calendar.OutboxSending), worker, now.Add(lease).Unix(), string(calendar.OutboxQueued), due, now.Unix(), limit}
	only := ""
	if len(kinds) > 0 {
		marks := make([]string, len(kinds))
		for i, k := range kinds {
			args = append(args, k)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		only = " AND kind IN (" + strings.Join(marks, ", ") + ")"
	}
	q := `UPDATE outbox SET status = $1, claimed_by = $2, claimed_until = $3, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox
			WHERE ((status = $4 AND next_attempt_at <= $5) OR (status = $1 AND claimed_until <= $6))` + only + `
			ORDER BY next_attempt_at, id LIMIT $7` + lock + `)
		RETURNING ` + outboxColumns + `, body`
	var out []*calendar.OutboxMessage
	err := s.write(ctx, func(t *tx) error {
		out = nil
		rows, err := t.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: claim messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows, true)
			if err != nil {
				return fmt.Errorf("sqlstore: scan message: %w", err)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *calendar.OutboxMessage) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// maxUnix is a due time later than any message's, for ignoreBackoff.
const maxUnix = int64(1) << 62

// MarkMessageSent marks a message claimed by worker as sent.
func (s *Store) MarkMessageSent(ctx context.Context, id int64, worker string, at time.Time) error {
	return s.finish(ctx, id, worker, "mark message sent",
		`status = $3, sent_at = $4, last_error = '', `+forgetSecret(5), append([]any{string(calendar.OutboxSent), at.Unix()}, forgetArgs()...)...)
}

// MarkMessageRetry queues a message claimed by worker again, due at next.
func (s *Store) MarkMessageRetry(ctx context.Context, id int64, worker string, next time.Time, errText string) error {
	return s.finish(ctx, id, worker, "mark message for retry",
		`status = $3, next_attempt_at = $4, last_error = $5`, string(calendar.OutboxQueued), next.Unix(), cutError(errText))
}

// MarkMessageFailed marks a message claimed by worker as failed for good.
func (s *Store) MarkMessageFailed(ctx context.Context, id int64, worker string, errText string) error {
	return s.finish(ctx, id, worker, "mark message failed",
		`status = $3, last_error = $4`, string(calendar.OutboxFailed), cutError(errText))
}

// MarkMessageSkipped marks a message claimed by worker as skipped with
// reason as its last error, and records the skip, in one transaction.
func (s *Store) MarkMessageSkipped(ctx context.Context, id int64, worker string, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return calendar.Errorf(calendar.EINVALID, "skipping an outbox message needs a reason")
	}
	return s.write(ctx, func(t *tx) error {
		if err := t.finish(ctx, id, worker, "mark message skipped",
			`status = $3, last_error = $4, `+forgetSecret(5), append([]any{string(calendar.OutboxSkipped), cutError(reason)},
				forgetArgs()...)...); err != nil {
			return err
		}
		return t.recordSkippedMessage(ctx, id, reason)
	})
}

// SkipQueuedMessage marks a queued message as skipped and records the
// skip, unless it is no longer queued.
func (s *Store) SkipQueuedMessage(ctx context.Context, id int64, reason string) (bool, error) {
	if strings.TrimSpace(reason) == "" {
		return false, calendar.Errorf(calendar.EINVALID, "skipping an outbox message needs a reason")
	}
	var skipped bool
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE outbox SET status = $1, last_error = $2, `+forgetSecret(5)+` WHERE id = $3 AND status = $4`,
			append([]any{string(calendar.OutboxSkipped), cutError(reason), id, string(calendar.OutboxQueued)}, forgetArgs()...)...)
		if err != nil {
			return fmt.Errorf("sqlstore: skip queued message: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("sqlstore: skip queued message: %w", err)
		}
		if n == 0 {
			_, err := t.findMessage(ctx, id, false) // ENOTFOUND, or simply no longer queued
			return err
		}
		skipped = true
		return t.recordSkippedMessage(ctx, id, reason)
	})
	return skipped && err == nil, err
}

// forgetSecret is the assignment that empties the body of a message that
// holds a secret (calendar.SecretKinds: a one-time sign-in link, a
// personal feed address) once it is sent or skipped: parameters $n … are
// forgetArgs.
func forgetSecret(n int) string {
	kinds := make([]string, len(calendar.SecretKinds))
	for i := range kinds {
		kinds[i] = fmt.Sprintf("$%d", n+i)
	}
	return fmt.Sprintf("body = CASE WHEN kind IN (%s) THEN $%d ELSE body END", strings.Join(kinds, ", "), n+len(kinds))
}

// forgetArgs are the parameters of forgetSecret: the kinds, then an empty
// body.
func forgetArgs() []any {
	out := make([]any, 0, len(calendar.SecretKinds)+1)
	for _, k := range calendar.SecretKinds {
		out = append(out, k)
	}
	return append(out, []byte{})
}

// recordSkippedMessage records the skip of outbox message id, under the
// message's own key, unless a record with that key exists.
func (t *tx) recordSkippedMessage(ctx context.Context, id int64, reason string) error {
	_, err := t.ExecContext(ctx, `INSERT INTO skipped_mail (key, kind, meeting_id, recipient, reason, created_at)
		SELECT key, kind, meeting_id, person, $1, $2 FROM outbox WHERE id = $3
		ON CONFLICT (key) DO NOTHING`, reason, t.now.Unix(), id)
	return t.check(err, "record skipped message", nil, nil)
}

// finish ends worker's claim on message id in a transaction of its own;
// see tx.finish.
func (s *Store) finish(ctx context.Context, id int64, worker, what, set string, args ...any) error {
	return s.write(ctx, func(t *tx) error { return t.finish(ctx, id, worker, what, set, args...) })
}

// finish ends worker's claim on message id with the assignments set (whose
// placeholders start at $3), provided the message is still sending and
// claimed by worker. The condition is in the UPDATE itself, so a worker that
// was reclaimed from cannot slip in between a check and the write.
func (t *tx) finish(ctx context.Context, id int64, worker, what, set string, args ...any) error {
	q := `UPDATE outbox SET ` + set + `, claimed_by = '', claimed_until = 0
		WHERE id = $1 AND claimed_by = $2 AND status = '` + string(calendar.OutboxSending) + `'`
	res, err := t.ExecContext(ctx, q, append([]any{id, worker}, args...)...)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	} else if n == 1 {
		return nil
	}
	m, err := t.findMessage(ctx, id, false)
	if err != nil {
		return err
	}
	if m.Status != calendar.OutboxSending {
		return calendar.Errorf(calendar.ECONFLICT, "outbox message %d is %s, not being sent by worker %q", id, m.Status, worker)
	}
	return calendar.Errorf(calendar.ECONFLICT, "outbox message %d is now claimed by worker %q, not %q", id, m.ClaimedBy, worker)
}

// cutError keeps at most calendar.MaxOutboxError bytes of an error text,
// cut at a character boundary and with invalid UTF-8, NUL and the other
// characters calendar's text rules refuse replaced, so that any server
// answer can be stored (PostgreSQL refuses NUL) and shown.
func cutError(s string) string {
	s = calendar.NoteText.Clean(s)
	if len(s) <= calendar.MaxOutboxError {
		return s
	}
	n := calendar.MaxOutboxError
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// RetryMessage queues a failed message again, due at now.
func (s *Store) RetryMessage(ctx context.Context, id int64, now time.Time) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE outbox SET status = $1, next_attempt_at = $2, attempts = 0
			WHERE id = $3 AND status = $4`,
			string(calendar.OutboxQueued), now.Unix(), id, string(calendar.OutboxFailed))
		if err != nil {
			return fmt.Errorf("sqlstore: retry message: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: retry message: %w", err)
		} else if n == 1 {
			return nil
		}
		m, err := t.findMessage(ctx, id, false)
		if err != nil {
			return err
		}
		return calendar.Errorf(calendar.ECONFLICT, "outbox message %d is %s; only a failed message can be retried", id, m.Status)
	})
}

// FindMessageByID returns one message with its body.
func (s *Store) FindMessageByID(ctx context.Context, id int64) (*calendar.OutboxMessage, error) {
	var m *calendar.OutboxMessage
	err := s.read(ctx, func(t *tx) error {
		var err error
		m, err = t.findMessage(ctx, id, true)
		return err
	})
	return m, err
}

func (t *tx) findMessage(ctx context.Context, id int64, withBody bool) (*calendar.OutboxMessage, error) {
	cols := outboxColumns
	if withBody {
		cols += ", body"
	}
	m, err := scanMessage(t.QueryRowContext(ctx, `SELECT `+cols+` FROM outbox WHERE id = $1`, id), withBody)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "outbox message %d does not exist", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find message: %w", err)
	}
	return m, nil
}

// FindMessages returns the messages matching f without their bodies, newest
// first.
func (s *Store) FindMessages(ctx context.Context, f calendar.OutboxFilter) ([]*calendar.OutboxMessage, error) {
	var w where
	if f.Status != nil {
		if !f.Status.Valid() {
			return nil, calendar.Errorf(calendar.EINVALID, "unknown outbox status %q: use queued, sending, sent, failed or skipped", *f.Status)
		}
		w.add("status = $?", string(*f.Status))
	}
	if f.Kind != nil {
		w.add("kind = $?", *f.Kind)
	}
	if f.MeetingID != nil {
		w.add("meeting_id = $?", *f.MeetingID)
	}
	switch {
	case f.Limit < 0:
		return nil, calendar.Errorf(calendar.EINVALID, "limit must not be negative, got %d", f.Limit)
	case f.Limit == 0:
		f.Limit = 100
	}
	q := `SELECT ` + outboxColumns + ` FROM outbox` + w.sql() + fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, f.Limit)
	var out []*calendar.OutboxMessage
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, q, w.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: find messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows, false)
			if err != nil {
				return fmt.Errorf("sqlstore: scan message: %w", err)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// pruneBatch is how many message bodies one transaction of PruneMail
// empties, so that the daily run never holds the write lock for long.
const pruneBatch = 2000

// PruneMail empties old bodies pruneBatch at a time, walking the outbox's
// created_at index, and removes old skip records in one statement.
func (s *Store) PruneMail(ctx context.Context, before time.Time) (bodies, records int, err error) {
	for {
		var n int64
		err = s.write(ctx, func(t *tx) error {
			res, err := t.ExecContext(ctx, `UPDATE outbox SET body = $1 WHERE id IN (
				SELECT id FROM outbox WHERE created_at < $2 AND status IN ($3, $4) AND length(body) > 0 LIMIT $5)`,
				[]byte{}, before.Unix(), string(calendar.OutboxSent), string(calendar.OutboxSkipped), pruneBatch)
			if err != nil {
				return fmt.Errorf("sqlstore: prune mail: %w", err)
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return bodies, records, err
		}
		bodies += int(n)
		if n < pruneBatch {
			break
		}
	}
	err = s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM skipped_mail WHERE created_at < $1
			AND meeting_id NOT IN (SELECT id FROM meetings WHERE start_at >= $1)`, before.Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: prune skipped mail: %w", err)
		}
		n, err := res.RowsAffected()
		records = int(n)
		return err
	})
	return bodies, records, err
}
