package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/samkal/samkal/calendar"
)

const membershipSelect = `SELECT ms.id, b.slug, p.key, ms.role, ms.starts_on, ms.ends_on, ms.created_at, ms.updated_at
	FROM memberships ms JOIN bodies b ON b.id = ms.body_id JOIN people p ON p.id = ms.person_id`

func scanMembership(r scanner) (*calendar.Membership, error) {
	var m calendar.Membership
	var role string
	var from, until, created, updated int64
	if err := r.Scan(&m.ID, &m.Body, &m.Person, &role, &from, &until, &created, &updated); err != nil {
		return nil, err
	}
	m.Role, m.From, m.Until = calendar.Role(role), dayFromNumber(from), dayFromNumber(until)
	m.CreatedAt, m.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &m, nil
}

var membershipColumns = []column[calendar.Membership]{
	{"body", func(m *calendar.Membership) string { return m.Body }},
	{"person", func(m *calendar.Membership) string { return m.Person }},
	{"role", func(m *calendar.Membership) string { return string(m.Role) }},
	{"from", func(m *calendar.Membership) string { return m.From.String() }},
	{"until", func(m *calendar.Membership) string { return m.Until.String() }},
}

// FindMemberships returns the memberships matching f, ordered by body,
// person, first day and id.
func (s *Store) FindMemberships(ctx context.Context, f calendar.MembershipFilter) ([]*calendar.Membership, error) {
	var out []*calendar.Membership
	err := s.read(ctx, func(t *tx) (err error) {
		out, err = t.findMemberships(ctx, f)
		return err
	})
	return out, err
}

func (t *tx) findMemberships(ctx context.Context, f calendar.MembershipFilter) ([]*calendar.Membership, error) {
	var w where
	if f.Body != nil {
		w.add("b.slug = $?", *f.Body)
	}
	if f.Bodies != nil {
		if len(f.Bodies) == 0 {
			return nil, nil
		}
		w.add("b.slug IN ("+marks(len(f.Bodies))+")", anys(f.Bodies)...)
	}
	if f.Person != nil {
		w.add("p.key = $?", *f.Person)
	}
	if f.ActiveOn != nil {
		d := dayNumber(*f.ActiveOn)
		w.add("(ms.starts_on = 0 OR ms.starts_on <= $?) AND (ms.ends_on = 0 OR ms.ends_on >= $?)", d, d)
	}
	out, err := queryAll(ctx, t, "memberships", "membership", scanMembership, membershipSelect+w.sql(), w.args...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *calendar.Membership) int {
		return cmp.Or(cmp.Compare(a.Body, b.Body), cmp.Compare(a.Person, b.Person),
			cmp.Compare(dayNumber(a.From), dayNumber(b.From)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// FindMembershipByID returns the membership, or ENOTFOUND.
func (s *Store) FindMembershipByID(ctx context.Context, id int64) (*calendar.Membership, error) {
	var m *calendar.Membership
	err := s.read(ctx, func(t *tx) (err error) {
		m, err = t.findMembership(ctx, id)
		return err
	})
	return m, err
}

func (t *tx) findMembership(ctx context.Context, id int64) (*calendar.Membership, error) {
	m, err := scanMembership(t.QueryRowContext(ctx, membershipSelect+` WHERE ms.id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "membership %d does not exist", id)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find membership: %w", err)
	}
	return m, nil
}

// idOf returns the id of the row of table whose column equals value, or
// EINVALID naming what does not exist.
func (t *tx) idOf(ctx context.Context, table, column, what, value string) (int64, error) {
	var id int64
	err := t.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE `+column+` = $1`, value).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, missing(what, value)
	case err != nil:
		return 0, fmt.Errorf("sqlstore: find %s: %w", what, err)
	}
	return id, nil
}

// duplicateMembership is the ECONFLICT error for a second membership with
// the same person, body, role and first day.
func duplicateMembership(m *calendar.Membership) error {
	from := "without a first day"
	if !m.From.IsZero() {
		from = "from " + m.From.String()
	}
	return calendar.Errorf(calendar.ECONFLICT, "person %q already has the role %s in body %q %s", m.Person, m.Role, m.Body, from)
}

// CreateMembership validates m, stores it and sets ID, CreatedAt and
// UpdatedAt. An unknown body or person is EINVALID; the same person with the
// same role in the same body from the same day is ECONFLICT.
func (s *Store) CreateMembership(ctx context.Context, m *calendar.Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		// One statement (an import creates thousands of memberships): the
		// body and person are looked up in the INSERT, and only when it
		// finds no pair are they looked up one by one to say which is
		// missing; the unique key answers a duplicate with the message a
		// check first would give.
		dup := duplicateMembership(m)
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO memberships (body_id, person_id, role, starts_on, ends_on, created_at, updated_at)
			SELECT b.id, p.id, $3, CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($6 AS BIGINT), CAST($6 AS BIGINT) FROM bodies b, people p WHERE b.slug = $1 AND p.key = $2 RETURNING id`,
			m.Body, m.Person, string(m.Role), dayNumber(m.From), dayNumber(m.Until), t.now.Unix()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := t.idOf(ctx, "bodies", "slug", "body", m.Body); err != nil {
				return err
			}
			if _, err := t.idOf(ctx, "people", "key", "person", m.Person); err != nil {
				return err
			}
			return fmt.Errorf("sqlstore: insert membership: body %q and person %q exist but were not found", m.Body, m.Person)
		}
		if err := t.check(err, "insert membership", dup, nil); err != nil {
			return err
		}
		m.ID, m.CreatedAt, m.UpdatedAt = id, t.now, t.now
		return t.record(ctx, entityMembership, id, calendar.ActionCreate, diff(membershipColumns, nil, m))
	})
}

// UpdateMembership applies upd; a pointer to the zero Date clears From or
// Until. An update that changes nothing records no change and keeps
// UpdatedAt.
func (s *Store) UpdateMembership(ctx context.Context, id int64, upd calendar.MembershipUpdate) (*calendar.Membership, error) {
	var out *calendar.Membership
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "memberships", "id", id, forUpdate); err != nil {
			return err
		}
		old, err := t.findMembership(ctx, id)
		if err != nil {
			return err
		}
		m := *old
		if upd.Role != nil {
			m.Role = *upd.Role
		}
		if upd.From != nil {
			m.From = *upd.From
		}
		if upd.Until != nil {
			m.Until = *upd.Until
		}
		if err := m.Validate(); err != nil {
			return err
		}
		f := diff(membershipColumns, old, &m)
		if len(f) == 0 {
			out = old
			return nil
		}
		dup := duplicateMembership(&m)
		if err := t.mustBeFree(ctx, `SELECT 1 FROM memberships o, memberships ms
			WHERE ms.id = $1 AND o.id <> ms.id AND o.person_id = ms.person_id AND o.body_id = ms.body_id AND o.role = $2 AND o.starts_on = $3`,
			dup, id, string(m.Role), dayNumber(m.From)); err != nil {
			return err
		}
		m.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE memberships SET role = $1, starts_on = $2, ends_on = $3, updated_at = $4 WHERE id = $5`,
			string(m.Role), dayNumber(m.From), dayNumber(m.Until), t.now.Unix(), id)
		if err := t.check(err, "update membership", dup, nil); err != nil {
			return err
		}
		out = &m
		return t.record(ctx, entityMembership, id, calendar.ActionUpdate, f)
	})
	return out, err
}

// DeleteMembership deletes the membership, or returns ENOTFOUND.
func (s *Store) DeleteMembership(ctx context.Context, id int64) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "memberships", "id", id, forDelete); err != nil {
			return err
		}
		m, err := t.findMembership(ctx, id)
		if err != nil {
			return err
		}
		return t.deleteMembership(ctx, m)
	})
}

// deleteMembership deletes m and records it; DeletePerson and DeleteBody use
// it too, so that personal feeds see every membership that ends.
func (t *tx) deleteMembership(ctx context.Context, m *calendar.Membership) error {
	_, err := t.ExecContext(ctx, `DELETE FROM memberships WHERE id = $1`, m.ID)
	if err := t.check(err, "delete membership", nil, nil); err != nil {
		return err
	}
	return t.record(ctx, entityMembership, m.ID, calendar.ActionDelete, diff(membershipColumns, m, nil))
}
