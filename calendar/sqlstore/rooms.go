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

const roomSelect = `SELECT r.id, r.slug, r.name, r.address, r.capacity, r.created_at, r.updated_at FROM rooms r`

func scanRoom(s scanner) (*calendar.Room, error) {
	var r calendar.Room
	var created, updated int64
	if err := s.Scan(&r.ID, &r.Slug, &r.Name, &r.Address, &r.Capacity, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &r, nil
}

var roomColumns = []column[calendar.Room]{
	{"slug", func(r *calendar.Room) string { return r.Slug }},
	{"name", func(r *calendar.Room) string { return r.Name }},
	{"address", func(r *calendar.Room) string { return r.Address }},
	{"capacity", func(r *calendar.Room) string { return intText(r.Capacity) }},
}

// FindRooms returns every room, ordered by slug.
func (s *Store) FindRooms(ctx context.Context) ([]*calendar.Room, error) {
	var out []*calendar.Room
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "rooms", "room", scanRoom, roomSelect)
		return err
	})
	slices.SortFunc(out, func(a, b *calendar.Room) int { return cmp.Compare(a.Slug, b.Slug) })
	return out, err
}

// FindRoomBySlug returns the room, or ENOTFOUND.
func (s *Store) FindRoomBySlug(ctx context.Context, slug string) (*calendar.Room, error) {
	var r *calendar.Room
	err := s.read(ctx, func(t *tx) (err error) {
		r, err = t.findRoom(ctx, slug)
		return err
	})
	return r, err
}

func (t *tx) findRoom(ctx context.Context, slug string) (*calendar.Room, error) {
	r, err := scanRoom(t.QueryRowContext(ctx, roomSelect+` WHERE r.slug = $1`, slug))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound("room", slug)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find room: %w", err)
	}
	return r, nil
}

// CreateRoom validates r, stores it and sets ID, CreatedAt and UpdatedAt. A
// taken slug is ECONFLICT.
func (s *Store) CreateRoom(ctx context.Context, r *calendar.Room) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		taken := calendar.Errorf(calendar.ECONFLICT, "room %q already exists", r.Slug)
		if err := t.mustBeFree(ctx, `SELECT 1 FROM rooms WHERE slug = $1`, taken, r.Slug); err != nil {
			return err
		}
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO rooms (slug, name, address, capacity, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, r.Slug, r.Name, r.Address, r.Capacity, t.now.Unix()).Scan(&id)
		if err := t.check(err, "insert room", taken, nil); err != nil {
			return err
		}
		r.ID, r.CreatedAt, r.UpdatedAt = id, t.now, t.now
		return t.record(ctx, entityRoom, id, calendar.ActionCreate, diff(roomColumns, nil, r))
	})
}

// UpdateRoom applies upd. An update that changes nothing records no change
// and keeps UpdatedAt.
func (s *Store) UpdateRoom(ctx context.Context, slug string, upd calendar.RoomUpdate) (*calendar.Room, error) {
	var out *calendar.Room
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "rooms", "slug", slug, forUpdate); err != nil {
			return err
		}
		old, err := t.findRoom(ctx, slug)
		if err != nil {
			return err
		}
		r := *old
		if upd.Name != nil {
			r.Name = *upd.Name
		}
		if upd.Address != nil {
			r.Address = *upd.Address
		}
		if upd.Capacity != nil {
			r.Capacity = *upd.Capacity
		}
		if err := r.Validate(); err != nil {
			return err
		}
		f := diff(roomColumns, old, &r)
		if len(f) == 0 {
			out = old
			return nil
		}
		r.UpdatedAt = t.now
		_, err = t.ExecContext(ctx, `UPDATE rooms SET name = $1, address = $2, capacity = $3, updated_at = $4 WHERE id = $5`,
			r.Name, r.Address, r.Capacity, t.now.Unix(), r.ID)
		if err := t.check(err, "update room", nil, nil); err != nil {
			return err
		}
		out = &r
		return t.record(ctx, entityRoom, r.ID, calendar.ActionUpdate, f)
	})
	return out, err
}

// DeleteRoom deletes the room; ECONFLICT while meetings (past, future or
// cancelled) use it.
func (s *Store) DeleteRoom(ctx context.Context, slug string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.lock(ctx, "rooms", "slug", slug, forDelete); err != nil {
			return err
		}
		r, err := t.findRoom(ctx, slug)
		if err != nil {
			return err
		}
		var meetings int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM meetings WHERE room_id = $1`, r.ID).Scan(&meetings); err != nil {
			return fmt.Errorf("sqlstore: count room's meetings: %w", err)
		}
		if meetings > 0 {
			return calendar.Errorf(calendar.ECONFLICT, "room %q is used by %s; move or delete them first",
				slug, count(meetings, "meeting", "meetings"))
		}
		_, err = t.ExecContext(ctx, `DELETE FROM rooms WHERE id = $1`, r.ID)
		if err := t.check(err, "delete room", nil, calendar.Errorf(calendar.ECONFLICT, "room %q is used by meetings", slug)); err != nil {
			return err
		}
		return t.record(ctx, entityRoom, r.ID, calendar.ActionDelete, diff(roomColumns, r, nil))
	})
}
