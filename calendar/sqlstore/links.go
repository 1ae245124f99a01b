package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.LinkStore = (*Store)(nil)

const linkSelect = `SELECT l.id, l.token, l.purpose, l.meeting_id, p.key, l.expires_at, l.revoked_at, l.created_at
	FROM personal_links l JOIN people p ON p.id = l.person_id`

func scanLink(r scanner) (*calendar.PersonalLink, error) {
	var l calendar.PersonalLink
	var purpose string
	var expires, revoked, created int64
	if err := r.Scan(&l.ID, &l.Token, &purpose, &l.MeetingID, &l.Person, &expires, &revoked, &created); err != nil {
		return nil, err
	}
	l.Purpose = calendar.LinkPurpose(purpose)
	l.ExpiresAt, l.RevokedAt, l.CreatedAt = fromUnix(expires), fromUnixOrZero(revoked), fromUnix(created)
	return &l, nil
}

// unknownPurpose is the EINVALID error for a purpose that is not a
// calendar.LinkPurpose.
func unknownPurpose(p calendar.LinkPurpose) error {
	return calendar.Errorf(calendar.EINVALID, "link purpose %q is unknown; use %s, %s or %s", p, calendar.LinkAgenda, calendar.LinkJustering, calendar.LinkForhinder)
}

// EnsureLink returns the person's unrevoked link of purpose for the
// meeting, creating it with a new token (calendar.NewToken) when there is
// none, and otherwise moving its ExpiresAt to expiresAt. A revoked link is
// left as it is (following it still tells that it was withdrawn) and a new
// one is made beside it.
//
// One statement decides: INSERT … ON CONFLICT on the partial unique index
// of unrevoked links. Of two callers at once (two replicas), one inserts and
// the other finds the conflict, waits for the first to commit on PostgreSQL
// (or for the write lock on SQLite) and updates the same row, so both
// return the same token. The update is skipped when ExpiresAt is already
// right, so that the scan calling this on every run does not rewrite rows.
//
// EINVALID for an unknown purpose, meeting or person, or a zero expiresAt.
func (s *Store) EnsureLink(ctx context.Context, purpose calendar.LinkPurpose, meetingID int64, person string, expiresAt time.Time) (*calendar.PersonalLink, error) {
	if purpose == calendar.LinkBooking {
		return nil, calendar.Errorf(calendar.EINVALID, "a %s link belongs to a booking window; make it with EnsureWindowLink", purpose)
	}
	if !purpose.Valid() {
		return nil, unknownPurpose(purpose)
	}
	if expiresAt.IsZero() {
		return nil, calendar.Errorf(calendar.EINVALID, "a personal link needs the time it expires")
	}
	var out *calendar.PersonalLink
	err := s.write(ctx, func(t *tx) error {
		if err := t.meetingMustExist(ctx, meetingID, calendar.EINVALID); err != nil {
			return err
		}
		personID, err := t.idOf(ctx, "people", "key", "person", person)
		if err != nil {
			return err
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO personal_links (token, purpose, meeting_id, person_id, expires_at, revoked_at, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6)
			ON CONFLICT (meeting_id, purpose, person_id) WHERE revoked_at = 0
			DO UPDATE SET expires_at = excluded.expires_at WHERE personal_links.expires_at <> excluded.expires_at
			RETURNING id`,
			calendar.NewToken(), string(purpose), meetingID, personID, expiresAt.Unix(), t.now.Unix()).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The link exists with the right expiry: nothing was written.
		case err != nil:
			return t.check(err, "ensure personal link", nil,
				calendar.Errorf(calendar.EINVALID, "meeting %d or person %q does not exist", meetingID, person))
		}
		out, err = scanLink(t.QueryRowContext(ctx, linkSelect+` WHERE l.meeting_id = $1 AND l.purpose = $2 AND l.person_id = $3 AND l.revoked_at = 0`,
			meetingID, string(purpose), personID))
		if err != nil {
			return fmt.Errorf("sqlstore: read ensured personal link: %w", err)
		}
		return nil
	})
	return out, err
}

// meetingMustExist returns an error with code (ENOTFOUND or EINVALID)
// unless the meeting exists.
func (t *tx) meetingMustExist(ctx context.Context, id int64, code string) error {
	var one int
	err := t.QueryRowContext(ctx, `SELECT 1 FROM meetings WHERE id = $1`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return calendar.Errorf(code, "meeting %d does not exist", id)
	case err != nil:
		return fmt.Errorf("sqlstore: find meeting: %w", err)
	}
	return nil
}

// FindLinkByToken returns the link with this token, of a meeting or of a
// booking window, revoked and expired ones included; ENOTFOUND for a token
// that never existed. The message does not repeat the token: it is a
// credential.
func (s *Store) FindLinkByToken(ctx context.Context, token string) (*calendar.PersonalLink, error) {
	var out *calendar.PersonalLink
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = scanLink(t.QueryRowContext(ctx, linkSelect+` WHERE l.token = $1`, token))
		if errors.Is(err, sql.ErrNoRows) {
			out, err = scanWindowLink(t.QueryRowContext(ctx, windowLinkSelect+` WHERE l.token = $1`, token))
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return calendar.Errorf(calendar.ENOTFOUND, "no personal link has this token; check that the whole link was copied")
		case err != nil:
			return fmt.Errorf("sqlstore: find personal link: %w", err)
		}
		return nil
	})
	return out, err
}

const windowLinkSelect = `SELECT l.id, l.token, l.window_id, p.key, l.expires_at, l.revoked_at, l.created_at
	FROM booking_links l JOIN people p ON p.id = l.person_id`

func scanWindowLink(r scanner) (*calendar.PersonalLink, error) {
	l := calendar.PersonalLink{Purpose: calendar.LinkBooking}
	var expires, revoked, created int64
	if err := r.Scan(&l.ID, &l.Token, &l.WindowID, &l.Person, &expires, &revoked, &created); err != nil {
		return nil, err
	}
	l.ExpiresAt, l.RevokedAt, l.CreatedAt = fromUnix(expires), fromUnixOrZero(revoked), fromUnix(created)
	return &l, nil
}

// EnsureWindowLink returns the person's unrevoked link to the booking
// window's page (calendar.LinkBooking), creating it with a new token when
// there is none and otherwise moving its ExpiresAt to expiresAt, in one
// statement as EnsureLink does, so that two replicas get the same link.
// EINVALID for an unknown window or person, or a zero expiresAt.
func (s *Store) EnsureWindowLink(ctx context.Context, windowID int64, person string, expiresAt time.Time) (*calendar.PersonalLink, error) {
	if expiresAt.IsZero() {
		return nil, calendar.Errorf(calendar.EINVALID, "a personal link needs the time it expires")
	}
	var out *calendar.PersonalLink
	err := s.write(ctx, func(t *tx) error {
		var one int
		switch err := t.QueryRowContext(ctx, `SELECT 1 FROM booking_windows WHERE id = $1`, windowID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return calendar.Errorf(calendar.EINVALID, "booking window %d does not exist", windowID)
		case err != nil:
			return fmt.Errorf("sqlstore: find booking window: %w", err)
		}
		personID, err := t.idOf(ctx, "people", "key", "person", person)
		if err != nil {
			return err
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO booking_links (token, window_id, person_id, expires_at, revoked_at, created_at)
			VALUES ($1, $2, $3, $4, 0, $5)
			ON CONFLICT (window_id, person_id) WHERE revoked_at = 0
			DO UPDATE SET expires_at = excluded.expires_at WHERE booking_links.expires_at <> excluded.expires_at
			RETURNING id`,
			calendar.NewToken(), windowID, personID, expiresAt.Unix(), t.now.Unix()).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The link exists with the right expiry: nothing was written.
		case err != nil:
			return t.check(err, "ensure booking link", nil,
				calendar.Errorf(calendar.EINVALID, "booking window %d or person %q does not exist", windowID, person))
		}
		out, err = scanWindowLink(t.QueryRowContext(ctx, windowLinkSelect+` WHERE l.window_id = $1 AND l.person_id = $2 AND l.revoked_at = 0`,
			windowID, personID))
		if err != nil {
			return fmt.Errorf("sqlstore: read ensured booking link: %w", err)
		}
		return nil
	})
	return out, err
}

// RevokeWindowLinks revokes the booking window's unrevoked links at now and
// returns how many it revoked; EINVALID for a zero now.
func (s *Store) RevokeWindowLinks(ctx context.Context, windowID int64, now time.Time) (int, error) {
	if now.IsZero() {
		return 0, calendar.Errorf(calendar.EINVALID, "revoking links needs the time of revocation")
	}
	var n int64
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE booking_links SET revoked_at = $1 WHERE window_id = $2 AND revoked_at = 0`, now.Unix(), windowID)
		if err != nil {
			return fmt.Errorf("sqlstore: revoke booking links: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: revoke booking links: %w", err)
		}
		return nil
	})
	return int(n), err
}

// RevokeLinks revokes the meeting's unrevoked links of purpose (of every
// purpose when purpose is "") at now and returns how many it revoked; a
// meeting without links, or one that does not exist, has none to revoke.
// EINVALID for an unknown purpose or a zero now.
func (s *Store) RevokeLinks(ctx context.Context, meetingID int64, purpose calendar.LinkPurpose, now time.Time) (int, error) {
	if purpose != "" && !purpose.ForMeeting() {
		return 0, unknownPurpose(purpose)
	}
	if now.IsZero() {
		return 0, calendar.Errorf(calendar.EINVALID, "revoking links needs the time of revocation")
	}
	var w where
	w.add("meeting_id = $?", meetingID)
	w.add("revoked_at = 0")
	if purpose != "" {
		w.add("purpose = $?", string(purpose))
	}
	var n int64
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, fmt.Sprintf(`UPDATE personal_links SET revoked_at = $%d`, len(w.args)+1)+w.sql(),
			append(w.args, now.Unix())...)
		if err != nil {
			return fmt.Errorf("sqlstore: revoke personal links: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: revoke personal links: %w", err)
		}
		return nil
	})
	return int(n), err
}

// MoveLinks sets the expiry of the meeting's unrevoked links of purpose to
// expiresAt and returns how many it changed; links that already expire then
// are not written. EINVALID for a purpose that is not a meeting's or a zero
// expiresAt.
func (s *Store) MoveLinks(ctx context.Context, meetingID int64, purpose calendar.LinkPurpose, expiresAt time.Time) (int, error) {
	if !purpose.ForMeeting() {
		return 0, calendar.Errorf(calendar.EINVALID, "link purpose %q is not one of a meeting's; use %s, %s or %s", purpose, calendar.LinkAgenda, calendar.LinkJustering, calendar.LinkForhinder)
	}
	if expiresAt.IsZero() {
		return 0, calendar.Errorf(calendar.EINVALID, "moving links needs the time they expire")
	}
	var n int64
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE personal_links SET expires_at = $1
			WHERE meeting_id = $2 AND purpose = $3 AND revoked_at = 0 AND expires_at <> $1`,
			expiresAt.Unix(), meetingID, string(purpose))
		if err != nil {
			return fmt.Errorf("sqlstore: move personal links: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: move personal links: %w", err)
		}
		return nil
	})
	return int(n), err
}
