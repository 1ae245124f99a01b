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

const bodySelect = `SELECT b.id, b.slug, b.name, b.kind, b.visibility, COALESCE(o.slug, ''), b.minutes_need_approval,
	b.description, b.call_days, b.call_deadline_days, b.notice_days, COALESCE(b.mail_release, ''), b.standard_opening, b.standard_closing, b.created_at, b.updated_at
	FROM bodies b LEFT JOIN organisations o ON o.id = b.organisation_id`

func scanBody(r scanner) (*calendar.Body, error) {
	var b calendar.Body
	var kind, vis string
	var call, deadline, notice sql.NullInt64
	var created, updated int64
	var release string
	var opening, closing sql.NullString
	if err := r.Scan(&b.ID, &b.Slug, &b.Name, &kind, &vis, &b.Organisation, &b.MinutesNeedApproval, &b.Description,
		&call, &deadline, &notice, &release, &opening, &closing, &created, &updated); err != nil {
		return nil, err
	}
	b.Kind, b.Visibility = calendar.BodyKind(kind), calendar.Visibility(vis)
	b.Notify = calendar.BodyNotify{CallDays: nullDays(call), CallDeadlineDays: nullDays(deadline), NoticeDays: nullDays(notice)}
	b.MailRelease = calendar.MailRelease(release)
	b.StandardOpening, b.StandardClosing = titlesOf(opening), titlesOf(closing)
	b.CreatedAt, b.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &b, nil
}

// nullDays reads a nullable timing: NULL is nil, the server's default.
func nullDays(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}

// daysArg binds a timing: nil is NULL.
func daysArg(v *int) sql.NullInt64 {
	if v == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*v), Valid: true}
}

// copyNotify returns n with its own copies of the values, so that a body
// handed out does not share them with the caller's update.
func copyNotify(n calendar.BodyNotify) calendar.BodyNotify {
	c := func(v *int) *int {
		if v == nil {
			return nil
		}
		x := *v
		return &x
	}
	return calendar.BodyNotify{CallDays: c(n.CallDays), CallDeadlineDays: c(n.CallDeadlineDays), NoticeDays: c(n.NoticeDays)}
}

// releaseArg binds a body's mail release: the default is NULL.
func releaseArg(r calendar.MailRelease) sql.NullString {
	return sql.NullString{String: string(r), Valid: r != ""}
}

// titlesOf reads a body's own standard items, one title per line (see
// migration 00012): NULL is nil, the defaults; ” is a list without items.
func titlesOf(v sql.NullString) []string {
	switch {
	case !v.Valid:
		return nil
	case v.String == "":
		return []string{}
	}
	return strings.Split(v.String, "\n")
}

// titlesArg binds a body's own standard items: nil is NULL. The titles
// are one line each (calendar.NameText), so a line break parts them.
func titlesArg(titles []string) sql.NullString {
	return sql.NullString{String: strings.Join(titles, "\n"), Valid: titles != nil}
}

// titlesText is a list of standard items in the record of changes: ""
// for the defaults, "-" for an empty list, else the titles one per line.
func titlesText(titles []string) string {
	if titles != nil && len(titles) == 0 {
		return "-"
	}
	return strings.Join(titles, "\n")
}

// daysText is a timing in the record of changes: "" for the default.
func daysText(v *int) string {
	if v == nil {
		return ""
	}
	return intText(*v)
}

// FindBodies returns the bodies matching f, ordered by slug.
func (s *Store) FindBodies(ctx context.Context, f calendar.BodyFilter) ([]*calendar.Body, error) {
	var w where
	if f.Visibility != nil {
		w.add("b.visibility = $?", string(*f.Visibility))
	}
	if f.Kind != nil {
		w.add("b.kind = $?", string(*f.Kind))
	}
	if f.Person != nil {
		w.add(`EXISTS (SELECT 1 FROM memberships ms JOIN people p ON p.id = ms.person_id
			WHERE ms.body_id = b.id AND p.key = $?)`, *f.Person)
	}
	var out []*calendar.Body
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "bodies", "body", scanBody, bodySelect+w.sql(), w.args...)
		return err
	})
	slices.SortFunc(out, func(a, b *calendar.Body) int { return cmp.Compare(a.Slug, b.Slug) })
	return out, err
}

// FindBodyBySlug returns the body, or ENOTFOUND.
func (s *Store) FindBodyBySlug(ctx context.Context, slug string) (*calendar.Body, error) {
	var b *calendar.Body
	err := s.read(ctx, func(t *tx) (err error) {
		b, err = t.findBody(ctx, slug)
		return err
	})
	return b, err
}

func (t *tx) findBody(ctx context.Context, slug string) (*calendar.Body, error) {
	b, err := scanBody(t.QueryRowContext(ctx, bodySelect+` WHERE b.slug = $1`, slug))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound("body", slug)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find body: %w", err)
	}
	return b, nil
}

// CreateBody validates b (its Notify timings included), stores it and sets
// ID, CreatedAt and UpdatedAt. A taken slug is ECONFLICT, an unknown
// organisation EINVALID.
func (s *Store) CreateBody(ctx context.Context, b *calendar.Body) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		taken := calendar.Errorf(calendar.ECONFLICT, "body %q already exists", b.Slug)
		if err := t.mustBeFree(ctx, `SELECT 1 FROM bodies WHERE slug = $1`, taken, b.Slug); err != nil {
			return err
		}
		org, err := t.organisationRef(ctx, b.Organisation)
		if err != nil {
			return err
		}
		var id int64
		err = t.QueryRowContext(ctx, `INSERT INTO bodies (slug, name, kind, visibility, organisation_id, minutes_need_approval, description,
			call_days, call_deadline_days, notice_days, mail_release, standard_opening, standard_closing, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			b.Slug, b.Name, string(b.Kind), string(b.Visibility), org, b.MinutesNeedApproval, b.Description,
			daysArg(b.Notify.CallDays), daysArg(b.Notify.CallDeadlineDays), daysArg(b.Notify.NoticeDays), releaseArg(b.MailRelease),
			titlesArg(b.StandardOpening), titlesArg(b.StandardClosing), t.now.Unix()).Scan(&id)
		if err := t.check(err, "insert body", taken, missing("organisation", b.Organisation)); err != nil {
			return err
		}
		b.ID, b.CreatedAt, b.UpdatedAt = id, t.now, t.now
		return t.record(ctx, entityBody, id, calendar.ActionCreate, diff(bodyColumns, nil, b))
	})
}

var bodyColumns = []column[calendar.Body]{
	{"slug", func(b *calendar.Body) string { return b.Slug }},
	{"name", func(b *calendar.Body) string { return b.Name }},
	{"kind", func(b *calendar.Body) string { return string(b.Kind) }},
	{"visibility", func(b *calendar.Body) string { return string(b.Visibility) }},
	{"organisation", func(b *calendar.Body) string { return b.Organisation }},
	{"minutes_need_approval", func(b *calendar.Body) string { return boolText(b.MinutesNeedApproval) }},
	{"description", func(b *calendar.Body) string { return b.Description }},
	{"call_days", func(b *calendar.Body) string { return daysText(b.Notify.CallDays) }},
	{"call_deadline_days", func(b *calendar.Body) string { return daysText(b.Notify.CallDeadlineDays) }},
	{"notice_days", func(b *calendar.Body) string { return daysText(b.Notify.NoticeDays) }},
	{"mail_release", func(b *calendar.Body) string { return string(b.MailRelease) }},
	{"standard_opening", func(b *calendar.Body) string { return titlesText(b.StandardOpening) }},
	{"standard_closing", func(b *calendar.Body) string { return titlesText(b.StandardClosing) }},
}

// UpdateBody applies upd; Organisation "" removes the organisation, and
// Notify replaces all three timings (a nil one inside is the server's
// default). An update that changes nothing records no change and keeps
// UpdatedAt.
func (s *Store) UpdateBody(ctx context.Context, slug string, upd calendar.BodyUpdate) (*calendar.Body, error) {
	var out *calendar.Body
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "bodies", "slug", slug, forUpdate); err != nil {
			return err
		}
		old, err := t.findBody(ctx, slug)
		if err != nil {
			return err
		}
		b := *old
		if upd.Name != nil {
			b.Name = *upd.Name
		}
		if upd.Kind != nil {
			b.Kind = *upd.Kind
		}
		if upd.Visibility != nil {
			b.Visibility = *upd.Visibility
		}
		if upd.Organisation != nil {
			b.Organisation = *upd.Organisation
		}
		if upd.MinutesNeedApproval != nil {
			b.MinutesNeedApproval = *upd.MinutesNeedApproval
		}
		if upd.Description != nil {
			b.Description = *upd.Description
		}
		if upd.Notify != nil {
			b.Notify = copyNotify(*upd.Notify)
		}
		if upd.MailRelease != nil {
			b.MailRelease = *upd.MailRelease
		}
		if upd.StandardOpening != nil {
			b.StandardOpening = slices.Clone(*upd.StandardOpening)
		}
		if upd.StandardClosing != nil {
			b.StandardClosing = slices.Clone(*upd.StandardClosing)
		}
		if err := b.Validate(); err != nil {
			return err
		}
		f := diff(bodyColumns, old, &b)
		if len(f) == 0 {
			out = old
			return nil
		}
		org, err := t.organisationRef(ctx, b.Organisation)
		if err != nil {
			return err
		}
		b.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE bodies SET name = $1, kind = $2, visibility = $3, organisation_id = $4,
			minutes_need_approval = $5, description = $6, call_days = $7, call_deadline_days = $8, notice_days = $9,
			mail_release = $10, standard_opening = $11, standard_closing = $12, updated_at = $13 WHERE id = $14`,
			b.Name, string(b.Kind), string(b.Visibility), org, b.MinutesNeedApproval, b.Description,
			daysArg(b.Notify.CallDays), daysArg(b.Notify.CallDeadlineDays), daysArg(b.Notify.NoticeDays), releaseArg(b.MailRelease),
			titlesArg(b.StandardOpening), titlesArg(b.StandardClosing), t.now.Unix(), b.ID)
		if err := t.check(err, "update body", nil, missing("organisation", b.Organisation)); err != nil {
			return err
		}
		out = &b
		return t.record(ctx, entityBody, b.ID, calendar.ActionUpdate, f)
	})
	return out, err
}

// DeleteBody deletes the body and its memberships, recording each; it fails
// with ECONFLICT while meetings belong to the body.
func (s *Store) DeleteBody(ctx context.Context, slug string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "bodies", "slug", slug, forDelete); err != nil {
			return err
		}
		b, err := t.findBody(ctx, slug)
		if err != nil {
			return err
		}
		var meetings int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM meeting_bodies WHERE body_id = $1`, b.ID).Scan(&meetings); err != nil {
			return fmt.Errorf("sqlstore: count body's meetings: %w", err)
		}
		if meetings > 0 {
			return calendar.Errorf(calendar.ECONFLICT, "body %q still has %s; delete them or move them to another body first",
				slug, count(meetings, "meeting", "meetings"))
		}
		ms, err := t.findMemberships(ctx, calendar.MembershipFilter{Body: &slug})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := t.deleteMembership(ctx, m); err != nil {
				return err
			}
		}
		_, err = t.ExecContext(ctx, `DELETE FROM bodies WHERE id = $1`, b.ID)
		if err := t.check(err, "delete body", nil, calendar.Errorf(calendar.ECONFLICT, "body %q still has meetings", slug)); err != nil {
			return err
		}
		return t.record(ctx, entityBody, b.ID, calendar.ActionDelete, diff(bodyColumns, b, nil))
	})
}
