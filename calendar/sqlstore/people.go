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

const personSelect = `SELECT p.id, p.key, p.name, p.email, p.phone, p.title, COALESCE(o.slug, ''), p.feed_token,
	p.calendar_delivery, p.created_at, p.updated_at
	FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id`

func scanPerson(r scanner) (*calendar.Person, error) {
	var p calendar.Person
	var created, updated int64
	if err := r.Scan(&p.ID, &p.Key, &p.Name, &p.Email, &p.Phone, &p.Title, &p.Organisation, &p.FeedToken, &p.Delivery, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &p, nil
}

// FindPeople returns the people matching f, ordered by key.
func (s *Store) FindPeople(ctx context.Context, f calendar.PersonFilter) ([]*calendar.Person, error) {
	var w where
	if f.Organisation != nil {
		w.add("o.slug = $?", *f.Organisation)
	}
	if f.Body != nil {
		// IN, not a correlated EXISTS: the body's members are found from
		// the body (its slug, then the memberships' body index), not by
		// testing every person in the country (TestQueryPlans).
		w.add(`p.id IN (SELECT ms.person_id FROM memberships ms JOIN bodies b ON b.id = ms.body_id
			WHERE b.slug = $?)`, *f.Body)
	}
	if f.Bodies != nil {
		if len(f.Bodies) == 0 {
			return nil, nil
		}
		w.add(`p.id IN (SELECT ms.person_id FROM memberships ms JOIN bodies b ON b.id = ms.body_id
			WHERE b.slug IN (`+marks(len(f.Bodies))+`))`, anys(f.Bodies)...)
	}
	if f.Keys != nil {
		if len(f.Keys) == 0 {
			return nil, nil
		}
		w.add("p.key IN ("+marks(len(f.Keys))+")", anys(f.Keys)...)
	}
	var out []*calendar.Person
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "people", "person", scanPerson, personSelect+w.sql(), w.args...)
		return err
	})
	slices.SortFunc(out, func(a, b *calendar.Person) int { return cmp.Compare(a.Key, b.Key) })
	return out, err
}

// FindPersonByKey returns the person, or ENOTFOUND.
func (s *Store) FindPersonByKey(ctx context.Context, key string) (*calendar.Person, error) {
	var p *calendar.Person
	err := s.read(ctx, func(t *tx) (err error) {
		p, err = t.findPerson(ctx, key)
		return err
	})
	return p, err
}

// FindPersonByFeedToken returns the person whose feed token is token, or
// ENOTFOUND for an unknown or rotated token.
func (s *Store) FindPersonByFeedToken(ctx context.Context, token string) (*calendar.Person, error) {
	var p *calendar.Person
	err := s.read(ctx, func(t *tx) (err error) {
		p, err = scanPerson(t.QueryRowContext(ctx, personSelect+` WHERE p.feed_token = $1`, token))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The token is a secret: do not repeat it.
			return calendar.Errorf(calendar.ENOTFOUND, "no person has this feed token; it may have been replaced")
		case err != nil:
			return fmt.Errorf("sqlstore: find person by feed token: %w", err)
		}
		return nil
	})
	return p, err
}

func (t *tx) findPerson(ctx context.Context, key string) (*calendar.Person, error) {
	p, err := scanPerson(t.QueryRowContext(ctx, personSelect+` WHERE p.key = $1`, key))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound("person", key)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find person: %w", err)
	}
	return p, nil
}

// CreatePerson validates p, stores it with a new random feed token and sets
// ID, FeedToken, CreatedAt and UpdatedAt. A taken key is ECONFLICT, an
// unknown organisation EINVALID.
func (s *Store) CreatePerson(ctx context.Context, p *calendar.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		// One statement (an import creates thousands of people): the
		// unique key answers a taken key with the same message a check
		// first would, and the organisation is looked up in the INSERT.
		taken := calendar.Errorf(calendar.ECONFLICT, "person %q already exists", p.Key)
		token := calendar.NewToken()
		if p.Delivery == "" {
			p.Delivery = calendar.DeliveryInvitations
		}
		var id int64
		var org sql.NullInt64
		err := t.QueryRowContext(ctx, `INSERT INTO people (key, name, email, phone, title, organisation_id, feed_token, calendar_delivery,
			created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, (SELECT id FROM organisations WHERE slug = $6), $7, $8, $9, $9) RETURNING id, organisation_id`,
			p.Key, p.Name, p.Email, p.Phone, p.Title, p.Organisation, token, string(p.Delivery), t.now.Unix()).Scan(&id, &org)
		if err := t.check(err, "insert person", taken, missing("organisation", p.Organisation)); err != nil {
			return err
		}
		if p.Organisation != "" && !org.Valid {
			return missing("organisation", p.Organisation)
		}
		p.ID, p.FeedToken, p.CreatedAt, p.UpdatedAt = id, token, t.now, t.now
		return t.record(ctx, entityPerson, id, calendar.ActionCreate, diff(personColumns, nil, p))
	})
}

// personColumns are the recorded fields of a person. The feed token is a
// secret and never recorded.
var personColumns = []column[calendar.Person]{
	{"key", func(p *calendar.Person) string { return p.Key }},
	{"name", func(p *calendar.Person) string { return p.Name }},
	{"email", func(p *calendar.Person) string { return p.Email }},
	{"phone", func(p *calendar.Person) string { return p.Phone }},
	{"title", func(p *calendar.Person) string { return p.Title }},
	{"organisation", func(p *calendar.Person) string { return p.Organisation }},
	{"calendar_delivery", func(p *calendar.Person) string { return string(p.Delivery) }},
}

// UpdatePerson applies upd; Organisation "" removes the organisation. An
// unknown organisation is EINVALID. An update that changes nothing records
// no change and keeps UpdatedAt.
func (s *Store) UpdatePerson(ctx context.Context, key string, upd calendar.PersonUpdate) (*calendar.Person, error) {
	var out *calendar.Person
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "people", "key", key, forUpdate); err != nil {
			return err
		}
		old, err := t.findPerson(ctx, key)
		if err != nil {
			return err
		}
		p := *old
		for _, u := range []struct{ to, from *string }{
			{&p.Name, upd.Name}, {&p.Email, upd.Email}, {&p.Phone, upd.Phone}, {&p.Title, upd.Title}, {&p.Organisation, upd.Organisation},
		} {
			if u.from != nil {
				*u.to = *u.from
			}
		}
		if upd.Delivery != nil {
			p.Delivery = *upd.Delivery
		}
		if err := p.Validate(); err != nil {
			return err
		}
		f := diff(personColumns, old, &p)
		if len(f) == 0 {
			out = old
			return nil
		}
		org, err := t.organisationRef(ctx, p.Organisation)
		if err != nil {
			return err
		}
		p.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE people SET name = $1, email = $2, phone = $3, title = $4, organisation_id = $5,
			calendar_delivery = $6, updated_at = $7 WHERE id = $8`,
			p.Name, p.Email, p.Phone, p.Title, org, string(p.Delivery), t.now.Unix(), p.ID)
		if err := t.check(err, "update person", nil, missing("organisation", p.Organisation)); err != nil {
			return err
		}
		out = &p
		return t.record(ctx, entityPerson, p.ID, calendar.ActionUpdate, f)
	})
	return out, err
}

// RotateFeedToken gives the person a new feed token; the old one stops
// working at once. The change is recorded without either token.
func (s *Store) RotateFeedToken(ctx context.Context, key string) (*calendar.Person, error) {
	var out *calendar.Person
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "people", "key", key, forUpdate); err != nil {
			return err
		}
		p, err := t.findPerson(ctx, key)
		if err != nil {
			return err
		}
		p.FeedToken, p.UpdatedAt = calendar.NewToken(), t.now
		_, err = t.ExecContext(ctx, `UPDATE people SET feed_token = $1, updated_at = $2 WHERE id = $3`, p.FeedToken, t.now.Unix(), p.ID)
		if err := t.check(err, "rotate feed token", nil, nil); err != nil {
			return err
		}
		out = p
		return t.record(ctx, entityPerson, p.ID, calendar.ActionUpdate, fields{"feed_token": {Old: "(secret)", New: "(new secret)"}})
	})
	return out, err
}

// ClaimCalendarLinkMail records that the person is mailed their calendar
// link now, in one conditional update: ECONFLICT when the last one was
// claimed less than calendar.CalendarLinkMailEvery ago (two requests at
// once, on any replica, cannot both pass), ENOTFOUND for an unknown
// person. Nothing is recorded in the changes: it changes nothing of the
// person.
func (s *Store) ClaimCalendarLinkMail(ctx context.Context, key string) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE people SET calendar_link_mailed_at = $1 WHERE key = $2 AND calendar_link_mailed_at <= $3`,
			t.now.Unix(), key, t.now.Add(-calendar.CalendarLinkMailEvery).Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: claim calendar link mail: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("sqlstore: claim calendar link mail: %w", err)
		}
		if n == 1 {
			return nil
		}
		if _, err := t.findPerson(ctx, key); err != nil {
			return err
		}
		return calendar.Errorf(calendar.ECONFLICT, "the calendar link was mailed to this person less than %v ago", calendar.CalendarLinkMailEvery)
	})
}

// DeletePerson deletes the person and their memberships, recording each.
func (s *Store) DeletePerson(ctx context.Context, key string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "people", "key", key, forDelete); err != nil {
			return err
		}
		p, err := t.findPerson(ctx, key)
		if err != nil {
			return err
		}
		ms, err := t.findMemberships(ctx, calendar.MembershipFilter{Person: &key})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := t.deleteMembership(ctx, m); err != nil {
				return err
			}
		}
		_, err = t.ExecContext(ctx, `DELETE FROM people WHERE id = $1`, p.ID)
		if err := t.check(err, "delete person", nil, calendar.Errorf(calendar.ECONFLICT, "person %q is still in use", key)); err != nil {
			return err
		}
		return t.record(ctx, entityPerson, p.ID, calendar.ActionDelete, diff(personColumns, p, nil))
	})
}
