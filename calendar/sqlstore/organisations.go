package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs query and scans every row with scan; what names the rows in
// error messages ("rooms", "room").
func queryAll[T any](ctx context.Context, t *tx, what, one string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: scan %s: %w", one, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find %s: %w", what, err)
	}
	return out, nil
}

const organisationSelect = `SELECT o.id, o.slug, o.name, o.kind, o.created_at, o.updated_at FROM organisations o`

func scanOrganisation(r scanner) (*calendar.Organisation, error) {
	var o calendar.Organisation
	var kind string
	var created, updated int64
	if err := r.Scan(&o.ID, &o.Slug, &o.Name, &kind, &created, &updated); err != nil {
		return nil, err
	}
	o.Kind, o.CreatedAt, o.UpdatedAt = calendar.OrganisationKind(kind), fromUnix(created), fromUnix(updated)
	return &o, nil
}

// FindOrganisations returns every organisation, ordered by slug.
func (s *Store) FindOrganisations(ctx context.Context) ([]*calendar.Organisation, error) {
	var out []*calendar.Organisation
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "organisations", "organisation", scanOrganisation, organisationSelect)
		return err
	})
	slices.SortFunc(out, func(a, b *calendar.Organisation) int { return cmp.Compare(a.Slug, b.Slug) })
	return out, err
}

// FindOrganisationBySlug returns the organisation, or ENOTFOUND.
func (s *Store) FindOrganisationBySlug(ctx context.Context, slug string) (*calendar.Organisation, error) {
	var o *calendar.Organisation
	err := s.read(ctx, func(t *tx) (err error) {
		o, err = t.findOrganisation(ctx, slug)
		return err
	})
	return o, err
}

func (t *tx) findOrganisation(ctx context.Context, slug string) (*calendar.Organisation, error) {
	o, err := scanOrganisation(t.QueryRowContext(ctx, organisationSelect+` WHERE o.slug = $1`, slug))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound("organisation", slug)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find organisation: %w", err)
	}
	return o, nil
}

// organisationRef returns the id of the organisation that a person or body
// names, NULL for "", and EINVALID if it does not exist.
func (t *tx) organisationRef(ctx context.Context, slug string) (sql.NullInt64, error) {
	if slug == "" {
		return sql.NullInt64{}, nil
	}
	var id int64
	err := t.QueryRowContext(ctx, `SELECT id FROM organisations WHERE slug = $1`, slug).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return sql.NullInt64{}, missing("organisation", slug)
	case err != nil:
		return sql.NullInt64{}, fmt.Errorf("sqlstore: find organisation: %w", err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// CreateOrganisation validates o, stores it and sets ID, CreatedAt and
// UpdatedAt. A taken slug is ECONFLICT.
func (s *Store) CreateOrganisation(ctx context.Context, o *calendar.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		taken := calendar.Errorf(calendar.ECONFLICT, "organisation %q already exists", o.Slug)
		if err := t.mustBeFree(ctx, `SELECT 1 FROM organisations WHERE slug = $1`, taken, o.Slug); err != nil {
			return err
		}
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, kind, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, o.Slug, o.Name, string(o.Kind), t.now.Unix()).Scan(&id)
		if err := t.check(err, "insert organisation", taken, nil); err != nil {
			return err
		}
		o.ID, o.CreatedAt, o.UpdatedAt = id, t.now, t.now
		return t.record(ctx, entityOrganisation, id, calendar.ActionCreate, diff(organisationColumns, nil, o))
	})
}

var organisationColumns = []column[calendar.Organisation]{
	{"slug", func(o *calendar.Organisation) string { return o.Slug }},
	{"name", func(o *calendar.Organisation) string { return o.Name }},
	{"kind", func(o *calendar.Organisation) string { return string(o.Kind) }},
}

// UpdateOrganisation applies upd. An update that changes nothing records no
// change and keeps UpdatedAt.
func (s *Store) UpdateOrganisation(ctx context.Context, slug string, upd calendar.OrganisationUpdate) (*calendar.Organisation, error) {
	var out *calendar.Organisation
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "organisations", "slug", slug, forUpdate); err != nil {
			return err
		}
		old, err := t.findOrganisation(ctx, slug)
		if err != nil {
			return err
		}
		o := *old
		if upd.Name != nil {
			o.Name = *upd.Name
		}
		if upd.Kind != nil {
			o.Kind = *upd.Kind
		}
		if err := o.Validate(); err != nil {
			return err
		}
		f := diff(organisationColumns, old, &o)
		if len(f) == 0 {
			out = old
			return nil
		}
		o.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE organisations SET name = $1, kind = $2, updated_at = $3 WHERE id = $4`,
			o.Name, string(o.Kind), t.now.Unix(), o.ID)
		if err := t.check(err, "update organisation", nil, nil); err != nil {
			return err
		}
		out = &o
		return t.record(ctx, entityOrganisation, o.ID, calendar.ActionUpdate, f)
	})
	return out, err
}

// DeleteOrganisation deletes the organisation; ECONFLICT while people,
// bodies or events name it.
func (s *Store) DeleteOrganisation(ctx context.Context, slug string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "organisations", "slug", slug, forDelete); err != nil {
			return err
		}
		o, err := t.findOrganisation(ctx, slug)
		if err != nil {
			return err
		}
		var people, bodies, events int
		err = t.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people WHERE organisation_id = $1),
			(SELECT count(*) FROM bodies WHERE organisation_id = $1),
			(SELECT count(*) FROM meetings WHERE organisation_id = $1)`, o.ID).Scan(&people, &bodies, &events)
		if err != nil {
			return fmt.Errorf("sqlstore: count organisation's references: %w", err)
		}
		if people+bodies+events > 0 {
			return calendar.Errorf(calendar.ECONFLICT, "organisation %q still has %s; move or delete them first",
				slug, andList(count(people, "person", "people"), count(bodies, "body", "bodies"), count(events, "event", "events")))
		}
		inUse := calendar.Errorf(calendar.ECONFLICT, "organisation %q is still in use", slug)
		_, err = t.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, o.ID)
		if err := t.check(err, "delete organisation", nil, inUse); err != nil {
			return err
		}
		return t.record(ctx, entityOrganisation, o.ID, calendar.ActionDelete, diff(organisationColumns, o, nil))
	})
}

// mustBeFree returns taken when query (a SELECT 1 …) finds a row.
func (t *tx) mustBeFree(ctx context.Context, query string, taken error, args ...any) error {
	var one int
	err := t.QueryRowContext(ctx, query, args...).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("sqlstore: check uniqueness: %w", err)
	}
	return taken
}

// count returns "1 body", "2 bodies", or "" for none.
func count(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// andList joins the non-empty parts with " and ".
func andList(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " and ")
}
