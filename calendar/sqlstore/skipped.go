package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.SkippedMailStore = (*Store)(nil)

const skippedSelect = `SELECT id, key, kind, meeting_id, recipient, reason, created_at FROM skipped_mail`

func scanSkipped(r scanner) (*calendar.SkippedMail, error) {
	var m calendar.SkippedMail
	var created int64
	if err := r.Scan(&m.ID, &m.Key, &m.Kind, &m.MeetingID, &m.Recipient, &m.Reason, &created); err != nil {
		return nil, err
	}
	m.CreatedAt = fromUnix(created)
	return &m, nil
}

// validateSkipped checks what a record of a skipped email needs: a key, a
// kind and a reason, a meeting id that is not negative, and the key, kind
// and recipient on one line each.
func validateSkipped(m *calendar.SkippedMail) error {
	var problems []string
	if strings.TrimSpace(m.Key) == "" {
		problems = append(problems, "skipped mail: key is required")
	}
	if strings.TrimSpace(m.Kind) == "" {
		problems = append(problems, "skipped mail: kind is required")
	}
	if strings.TrimSpace(m.Reason) == "" {
		problems = append(problems, "skipped mail: reason is required")
	}
	if strings.ContainsAny(m.Key+m.Kind+m.Recipient, "\r\n") {
		problems = append(problems, "skipped mail: key, kind and recipient must be on one line")
	}
	if m.MeetingID < 0 {
		problems = append(problems, "skipped mail: meeting id must not be negative")
	}
	if len(problems) == 0 {
		return nil
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", problems[0], len(problems)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: problems}
}

// RecordSkipped inserts m unless a record with m.Key exists, and reports
// whether it inserted; on insert it sets ID and CreatedAt (the store's
// clock). ON CONFLICT DO NOTHING makes two replicas recording the same key
// at once safe, as in EnqueueMessage. EINVALID for a record without key,
// kind or reason.
func (s *Store) RecordSkipped(ctx context.Context, m *calendar.SkippedMail) (bool, error) {
	if err := validateSkipped(m); err != nil {
		return false, err
	}
	var inserted bool
	err := s.write(ctx, func(t *tx) error {
		inserted = false
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO skipped_mail (key, kind, meeting_id, recipient, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING id`,
			m.Key, m.Kind, m.MeetingID, m.Recipient, m.Reason, t.now.Unix()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err := t.check(err, "record skipped mail", nil, nil); err != nil {
			return err
		}
		inserted = true
		m.ID, m.CreatedAt = id, t.now
		return nil
	})
	return inserted && err == nil, err
}

// FindSkipped returns records newest first, at most limit (0: 100); only
// the meeting's when meetingID > 0. EINVALID for a negative limit.
func (s *Store) FindSkipped(ctx context.Context, meetingID int64, limit int) ([]*calendar.SkippedMail, error) {
	switch {
	case limit < 0:
		return nil, calendar.Errorf(calendar.EINVALID, "limit must not be negative, got %d", limit)
	case limit == 0:
		limit = 100
	}
	var w where
	if meetingID > 0 {
		w.add("meeting_id = $?", meetingID)
	}
	q := skippedSelect + w.sql() + fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit)
	var out []*calendar.SkippedMail
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = queryAll(ctx, t, "skipped mail", "skipped mail", scanSkipped, q, w.args...)
		return err
	})
	return out, err
}
