package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.AccessStore = (*Store)(nil)

// entityRole names role grants in the record of changes: who may change
// what is worth as much of a trail as what was changed.
const entityRole = "role"

// FindPersonByEmail returns the person with this address, compared
// case-insensitively (on SQLite only ASCII letters fold, which covers the
// addresses people have); ENOTFOUND when none, ECONFLICT when two people
// share it (sign-in cannot tell them apart).
func (s *Store) FindPersonByEmail(ctx context.Context, email string) (*calendar.Person, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, calendar.Errorf(calendar.ENOTFOUND, "no person has an empty email address")
	}
	var out *calendar.Person
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, `SELECT key FROM people WHERE lower(email) = lower($1) ORDER BY id LIMIT 2`, email)
		if err != nil {
			return fmt.Errorf("sqlstore: find person by email: %w", err)
		}
		var keys []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: scan person: %w", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: find person by email: %w", err)
		}
		switch len(keys) {
		case 0:
			return calendar.Errorf(calendar.ENOTFOUND, "no person has this email address")
		case 2:
			return calendar.Errorf(calendar.ECONFLICT, "two people have this email address (%s and %s); give one of them another address", keys[0], keys[1])
		}
		out, err = t.findPerson(ctx, keys[0])
		return err
	})
	return out, err
}

// FindRights returns what the person may do on day: admin from a grant;
// secretary of the bodies granted and of those where a sekreterare
// membership is active on day; member of the bodies of every membership
// active on day.
func (s *Store) FindRights(ctx context.Context, person string, day calendar.Date) (*calendar.Rights, error) {
	r := &calendar.Rights{Person: person}
	err := s.read(ctx, func(t *tx) error {
		r.Secretary, r.Member, r.Admin = map[string]bool{}, map[string]bool{}, false
		err := t.QueryRowContext(ctx, `SELECT id, name FROM people WHERE key = $1`, person).Scan(&r.PersonID, &r.Name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("person", person)
		case err != nil:
			return fmt.Errorf("sqlstore: find person: %w", err)
		}
		rows, err := t.QueryContext(ctx, `SELECT g.role, COALESCE(b.slug, '') FROM role_grants g LEFT JOIN bodies b ON b.id = g.body_id
			WHERE g.person_id = $1`, r.PersonID)
		if err != nil {
			return fmt.Errorf("sqlstore: find grants: %w", err)
		}
		for rows.Next() {
			var role, body string
			if err := rows.Scan(&role, &body); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: scan grant: %w", err)
			}
			if calendar.AccessRole(role) == calendar.AccessAdmin {
				r.Admin = true
			} else {
				r.Secretary[body] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: find grants: %w", err)
		}
		n := dayNumber(day)
		rows, err = t.QueryContext(ctx, `SELECT b.slug, m.role FROM memberships m JOIN bodies b ON b.id = m.body_id
			WHERE m.person_id = $1 AND m.starts_on <= $2 AND (m.ends_on = 0 OR m.ends_on >= $2)`, r.PersonID, n)
		if err != nil {
			return fmt.Errorf("sqlstore: find memberships: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var body, role string
			if err := rows.Scan(&body, &role); err != nil {
				return fmt.Errorf("sqlstore: scan membership: %w", err)
			}
			r.Member[body] = true
			if calendar.Role(role) == calendar.RoleSecretary {
				r.Secretary[body] = true
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

const grantSelect = `SELECT g.id, p.key, g.role, COALESCE(b.slug, ''), g.created_at
	FROM role_grants g JOIN people p ON p.id = g.person_id LEFT JOIN bodies b ON b.id = g.body_id`

func scanGrant(r scanner) (*calendar.Grant, error) {
	var g calendar.Grant
	var role string
	var created int64
	if err := r.Scan(&g.ID, &g.Person, &role, &g.Body, &created); err != nil {
		return nil, err
	}
	g.Role, g.CreatedAt = calendar.AccessRole(role), fromUnix(created)
	return &g, nil
}

// FindGrants returns role grants by person key and body slug.
func (s *Store) FindGrants(ctx context.Context, f calendar.GrantFilter) ([]*calendar.Grant, error) {
	var w where
	if f.Person != nil {
		w.add("p.key = $?", *f.Person)
	}
	if f.Body != nil {
		w.add("b.slug = $?", *f.Body)
	}
	var out []*calendar.Grant
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "grants", "grant", scanGrant, grantSelect+w.sql()+` ORDER BY p.key, g.role, b.slug`, w.args...)
		return err
	})
	return out, err
}

// grantIDs resolves a grant's person and body to ids.
func (t *tx) grantIDs(ctx context.Context, g calendar.Grant) (person int64, body sql.NullInt64, err error) {
	if person, err = t.idOf(ctx, "people", "key", "person", g.Person); err != nil {
		return 0, body, err
	}
	if g.Body != "" {
		id, err := t.idOf(ctx, "bodies", "slug", "body", g.Body)
		if err != nil {
			return 0, body, err
		}
		body = sql.NullInt64{Int64: id, Valid: true}
	}
	return person, body, nil
}

// findGrant returns the grant's id, 0 when not held.
func (t *tx) findGrant(ctx context.Context, person int64, role calendar.AccessRole, body sql.NullInt64) (int64, error) {
	var id int64
	err := t.QueryRowContext(ctx, `SELECT id FROM role_grants WHERE person_id = $1 AND role = $2 AND COALESCE(body_id, 0) = $3`,
		person, string(role), body.Int64).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: find grant: %w", err)
	}
	return id, nil
}

// GrantRole gives the role and records it; a role already held is
// returned as it is.
func (s *Store) GrantRole(ctx context.Context, g calendar.Grant) (*calendar.Grant, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	var out *calendar.Grant
	err := s.write(ctx, func(t *tx) error {
		person, body, err := t.grantIDs(ctx, g)
		if err != nil {
			return err
		}
		id, err := t.findGrant(ctx, person, g.Role, body)
		if err != nil {
			return err
		}
		if id == 0 {
			err = t.QueryRowContext(ctx, `INSERT INTO role_grants (person_id, role, body_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
				person, string(g.Role), body, t.now.Unix()).Scan(&id)
			if err != nil {
				return t.check(err, "grant role", calendar.Errorf(calendar.ECONFLICT, "the role was given at the same moment by someone else; try again"), nil)
			}
			if err := t.record(ctx, entityRole, id, calendar.ActionCreate, grantFields(g)); err != nil {
				return err
			}
		}
		out, err = scanGrant(t.QueryRowContext(ctx, grantSelect+` WHERE g.id = $1`, id))
		if err != nil {
			return fmt.Errorf("sqlstore: read grant: %w", err)
		}
		return nil
	})
	return out, err
}

func grantFields(g calendar.Grant) fields {
	f := fields{"person": {New: g.Person}, "role": {New: string(g.Role)}}
	if g.Body != "" {
		f["body"] = calendar.FieldChange{New: g.Body}
	}
	return f
}

// RevokeRole takes the role back and records it; ENOTFOUND when it was
// not held.
func (s *Store) RevokeRole(ctx context.Context, g calendar.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		person, body, err := t.grantIDs(ctx, g)
		if err != nil {
			return err
		}
		id, err := t.findGrant(ctx, person, g.Role, body)
		if err != nil {
			return err
		}
		if id == 0 {
			what := "the admin role"
			if g.Role == calendar.AccessSecretary {
				what = fmt.Sprintf("the secretary role for body %q", g.Body)
			}
			return calendar.Errorf(calendar.ENOTFOUND, "person %q does not have %s", g.Person, what)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM role_grants WHERE id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: revoke role: %w", err)
		}
		f := grantFields(g)
		for k, v := range f {
			f[k] = calendar.FieldChange{Old: v.New}
		}
		return t.record(ctx, entityRole, id, calendar.ActionDelete, f)
	})
}

const sessionSelect = `SELECT s.id, p.key, s.via, s.created_at, s.last_seen_at, s.expires_at
	FROM sessions s JOIN people p ON p.id = s.person_id`

func scanSession(r scanner) (*calendar.Session, error) {
	var x calendar.Session
	var created, seen, expires int64
	if err := r.Scan(&x.ID, &x.Person, &x.Via, &created, &seen, &expires); err != nil {
		return nil, err
	}
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromUnix(created), fromUnix(seen), fromUnix(expires)
	return &x, nil
}

// CreateSession stores a new session for person with a new secret and
// returns the secret. Sessions past their lifetime are removed on the way.
func (s *Store) CreateSession(ctx context.Context, person, via string, lifetime time.Duration) (string, *calendar.Session, error) {
	if lifetime <= 0 {
		return "", nil, calendar.Errorf(calendar.EINVALID, "a session needs a lifetime")
	}
	secret := calendar.NewToken()
	var out *calendar.Session
	err := s.write(ctx, func(t *tx) error {
		personID, err := t.idOf(ctx, "people", "key", "person", person)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, t.now.Unix()); err != nil {
			return fmt.Errorf("sqlstore: remove old sessions: %w", err)
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO sessions (hash, person_id, via, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $4, $5) RETURNING id`,
			calendar.HashSecret(secret), personID, via, t.now.Unix(), t.now.Add(lifetime).Unix()).Scan(&id)
		if err != nil {
			return t.check(err, "create session", nil, nil)
		}
		out, err = scanSession(t.QueryRowContext(ctx, sessionSelect+` WHERE s.id = $1`, id))
		if err != nil {
			return fmt.Errorf("sqlstore: read session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, out, nil
}

// seenEvery is how often FindSession writes the time a session was last
// seen: not on every request (a write per page view), but often enough
// for an idle timeout counted in minutes.
const seenEvery = time.Minute

// markSeen writes the time a session was last seen or a token last used
// (column of table's row id) when the stored one, last, is seenEvery old or
// more, and returns the time that is stored now. table and column are
// constants of this package.
func (s *Store) markSeen(ctx context.Context, table, column string, id int64, last time.Time) (time.Time, error) {
	now := fromUnix(s.now().Unix())
	if now.Sub(last) < seenEvery {
		return last, nil
	}
	err := s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE `+table+` SET `+column+` = $1 WHERE id = $2`, now.Unix(), id)
		return err
	})
	if err != nil {
		return last, fmt.Errorf("sqlstore: mark %s seen: %w", table, err)
	}
	return now, nil
}

// errNoSession is the one answer for a session that is unknown, ended,
// too old or idle: the caller signs in again either way.
var errNoSession = calendar.Errorf(calendar.ENOTFOUND, "the session has ended; sign in again")

// FindSession returns the live session with this secret and marks it seen.
func (s *Store) FindSession(ctx context.Context, secret string, idle time.Duration) (*calendar.Session, error) {
	if secret == "" {
		return nil, errNoSession
	}
	var out *calendar.Session
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = scanSession(t.QueryRowContext(ctx, sessionSelect+` WHERE s.hash = $1`, calendar.HashSecret(secret)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errNoSession
		case err != nil:
			return fmt.Errorf("sqlstore: find session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := fromUnix(s.now().Unix())
	if !now.Before(out.ExpiresAt) || idle > 0 && now.Sub(out.LastSeenAt) > idle {
		return nil, errNoSession
	}
	if out.LastSeenAt, err = s.markSeen(ctx, "sessions", "last_seen_at", out.ID, out.LastSeenAt); err != nil {
		return nil, err
	}
	return out, nil
}

// FindSessions returns the person's sessions that have not passed their
// lifetime, newest first.
func (s *Store) FindSessions(ctx context.Context, person string) ([]*calendar.Session, error) {
	var out []*calendar.Session
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "sessions", "session", scanSession, sessionSelect+` WHERE p.key = $1 AND s.expires_at > $2 ORDER BY s.id DESC`, person, t.now.Unix())
		return err
	})
	return out, err
}

// EndSession removes the session with this secret.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, calendar.HashSecret(secret))
		if err != nil {
			return fmt.Errorf("sqlstore: end session: %w", err)
		}
		return nil
	})
}

// EndSessions removes every session of the person; ENOTFOUND for an
// unknown person.
func (s *Store) EndSessions(ctx context.Context, person string) (int, error) {
	var n int64
	err := s.write(ctx, func(t *tx) error {
		personID, err := t.idOf(ctx, "people", "key", "person", person)
		if err != nil {
			return notFound("person", person)
		}
		res, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE person_id = $1`, personID)
		if err != nil {
			return fmt.Errorf("sqlstore: end sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// errNoSignInLink is the one answer for a sign-in link that is unknown,
// used or expired.
var errNoSignInLink = calendar.Errorf(calendar.ENOTFOUND, "the sign-in link has been used or has expired; ask for a new one")

// CreateSignInLink stores a one-time sign-in secret for person and
// returns it. Links that can no longer be used, and no longer count
// towards the limit, are removed on the way. The person's row is locked
// while the recent links are counted, so that concurrent requests (on any
// replica) cannot together pass calendar.MaxSignInLinks.
func (s *Store) CreateSignInLink(ctx context.Context, person string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", calendar.Errorf(calendar.EINVALID, "a sign-in link needs a time to live")
	}
	secret := calendar.NewToken()
	err := s.write(ctx, func(t *tx) error {
		personID, err := t.idOf(ctx, "people", "key", "person", person)
		if err != nil {
			return err
		}
		if _, err := t.lock(ctx, "people", "id", personID, forUpdate); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM signin_links WHERE expires_at <= $1 AND created_at <= $2`,
			t.now.Unix(), t.now.Add(-calendar.SignInLinkWindow).Unix()); err != nil {
			return fmt.Errorf("sqlstore: remove old sign-in links: %w", err)
		}
		var recent int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_links WHERE person_id = $1 AND created_at > $2`,
			personID, t.now.Add(-calendar.SignInLinkWindow).Unix()).Scan(&recent); err != nil {
			return fmt.Errorf("sqlstore: count sign-in links: %w", err)
		}
		if recent >= calendar.MaxSignInLinks {
			return calendar.Errorf(calendar.ECONFLICT, "%d sign-in links were made for this person in the last %v; wait for one of them",
				recent, calendar.SignInLinkWindow)
		}
		_, err = t.ExecContext(ctx, `INSERT INTO signin_links (hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			calendar.HashSecret(secret), personID, t.now.Unix(), t.now.Add(ttl).Unix())
		return t.check(err, "create sign-in link", nil, nil)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// UseSignInLink marks the link used in one statement, so that of two
// requests with the same link (a mail scanner and the person) exactly one
// signs in.
func (s *Store) UseSignInLink(ctx context.Context, secret string) (string, error) {
	var person string
	err := s.write(ctx, func(t *tx) error {
		err := t.QueryRowContext(ctx, `UPDATE signin_links SET used_at = $1
			WHERE hash = $2 AND used_at = 0 AND expires_at > $1
			RETURNING (SELECT key FROM people WHERE people.id = signin_links.person_id)`,
			t.now.Unix(), calendar.HashSecret(secret)).Scan(&person)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errNoSignInLink
		case err != nil:
			return fmt.Errorf("sqlstore: use sign-in link: %w", err)
		}
		return nil
	})
	return person, err
}

const tokenSelect = `SELECT k.id, p.key, k.name, k.scope, k.created_at, k.last_used_at, k.expires_day, k.revoked_at
	FROM api_tokens k JOIN people p ON p.id = k.person_id`

func scanToken(r scanner) (*calendar.APIToken, error) {
	var k calendar.APIToken
	var scope string
	var created, used, expires, revoked int64
	if err := r.Scan(&k.ID, &k.Person, &k.Name, &scope, &created, &used, &expires, &revoked); err != nil {
		return nil, err
	}
	k.Scope, k.Expires = calendar.TokenScope(scope), dayFromNumber(expires)
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = fromUnix(created), fromUnixOrZero(used), fromUnixOrZero(revoked)
	return &k, nil
}

// maxTokensPerPerson bounds the live tokens one person may hold.
const maxTokensPerPerson = 50

// CreateAPIToken validates k, stores it with a new secret and returns the
// secret; it sets k.ID and k.CreatedAt.
func (s *Store) CreateAPIToken(ctx context.Context, k *calendar.APIToken) (string, error) {
	if err := k.Validate(calendar.DateOf(s.now())); err != nil {
		return "", err
	}
	secret := calendar.NewToken()
	err := s.write(ctx, func(t *tx) error {
		personID, err := t.idOf(ctx, "people", "key", "person", k.Person)
		if err != nil {
			return err
		}
		if _, err := t.lock(ctx, "people", "id", personID, forUpdate); err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE person_id = $1 AND revoked_at = 0 AND expires_day >= $2`,
			personID, dayNumber(calendar.DateOf(t.now))).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: count tokens: %w", err)
		}
		if n >= maxTokensPerPerson {
			return calendar.Errorf(calendar.ECONFLICT, "you already have %d tokens; revoke one you no longer use first", n)
		}
		err = t.QueryRowContext(ctx, `INSERT INTO api_tokens (hash, person_id, name, scope, created_at, expires_day)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			calendar.HashSecret(secret), personID, k.Name, string(k.Scope), t.now.Unix(), dayNumber(k.Expires)).Scan(&k.ID)
		if err != nil {
			return t.check(err, "create token", nil, nil)
		}
		k.CreatedAt = t.now
		return nil
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// FindAPITokens lists the person's tokens, newest first.
func (s *Store) FindAPITokens(ctx context.Context, person string) ([]*calendar.APIToken, error) {
	var out []*calendar.APIToken
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "tokens", "token", scanToken, tokenSelect+` WHERE p.key = $1 ORDER BY k.id DESC`, person)
		return err
	})
	return out, err
}

// errNoToken is the one answer for a token that is unknown, revoked or
// expired.
var errNoToken = calendar.Errorf(calendar.ENOTFOUND, "the API token is unknown, revoked or expired")

// FindAPITokenBySecret returns the live token with this secret and marks
// it used (at most once a minute, like sessions).
func (s *Store) FindAPITokenBySecret(ctx context.Context, secret string) (*calendar.APIToken, error) {
	var out *calendar.APIToken
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = scanToken(t.QueryRowContext(ctx, tokenSelect+` WHERE k.hash = $1`, calendar.HashSecret(secret)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errNoToken
		case err != nil:
			return fmt.Errorf("sqlstore: find token: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := fromUnix(s.now().Unix())
	if !out.RevokedAt.IsZero() || out.Expires.Before(calendar.DateOf(now)) {
		return nil, errNoToken
	}
	if out.LastUsedAt, err = s.markSeen(ctx, "api_tokens", "last_used_at", out.ID, out.LastUsedAt); err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeAPIToken revokes the person's live token id.
func (s *Store) RevokeAPIToken(ctx context.Context, person string, id int64) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1
			WHERE id = $2 AND revoked_at = 0 AND person_id = (SELECT id FROM people WHERE key = $3)`, t.now.Unix(), id, person)
		if err != nil {
			return fmt.Errorf("sqlstore: revoke token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return calendar.Errorf(calendar.ENOTFOUND, "you have no live token %d", id)
		}
		return nil
	})
}
