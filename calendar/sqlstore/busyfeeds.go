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

var _ calendar.BusyFeedStore = (*Store)(nil)

// Members' own calendars (calendar.BusyFeed) and their busy periods. The
// address is a secret: no error message and no Change carries it. Setting
// or removing it records a Change of the person with the field "busy_feed"
// saying only "set" or ""; a fetch records none (it changes no calendar
// state, and a feed must not render again for it).

const busyFeedSelect = `SELECT p.key, f.url, f.fetched_at, f.ok_at, f.periods, f.error, f.etag, f.last_modified, f.updated_at
	FROM busy_feeds f JOIN people p ON p.id = f.person_id`

func scanBusyFeed(r scanner) (*calendar.BusyFeed, error) {
	var f calendar.BusyFeed
	var fetched, ok sql.NullInt64
	var updated int64
	if err := r.Scan(&f.Person, &f.URL, &fetched, &ok, &f.Periods, &f.Error, &f.ETag, &f.LastModified, &updated); err != nil {
		return nil, err
	}
	f.FetchedAt, f.OKAt, f.UpdatedAt = nullUnix(fetched), nullUnix(ok), fromUnix(updated)
	return &f, nil
}

// FindBusyFeed returns the person's calendar, ENOTFOUND when none.
func (s *Store) FindBusyFeed(ctx context.Context, person string) (*calendar.BusyFeed, error) {
	var f *calendar.BusyFeed
	err := s.read(ctx, func(t *tx) error {
		var err error
		f, err = t.busyFeed(ctx, person)
		return err
	})
	return f, err
}

func (t *tx) busyFeed(ctx context.Context, person string) (*calendar.BusyFeed, error) {
	f, err := scanBusyFeed(t.QueryRowContext(ctx, busyFeedSelect+` WHERE p.key = $1`, person))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, calendar.Errorf(calendar.ENOTFOUND, "person %q has no calendar of their own", person)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: find busy feed: %w", err)
	}
	return f, nil
}

// FindBusyFeeds returns every calendar, never fetched first, then the
// longest unfetched.
func (s *Store) FindBusyFeeds(ctx context.Context) ([]*calendar.BusyFeed, error) {
	var out []*calendar.BusyFeed
	err := s.read(ctx, func(t *tx) error {
		var err error
		out, err = queryAll(ctx, t, "busy feeds", "busy feed", scanBusyFeed,
			busyFeedSelect+` ORDER BY COALESCE(f.fetched_at, 0), p.key`)
		return err
	})
	return out, err
}

// SetBusyFeed gives the person's calendar the address url, or removes it
// with "". A new address starts unfetched, without periods.
func (s *Store) SetBusyFeed(ctx context.Context, person, url string) (*calendar.BusyFeed, error) {
	if len(url) > calendar.MaxBusyFeedURL {
		return nil, calendar.Errorf(calendar.EINVALID, "the calendar's address is longer than %d characters", calendar.MaxBusyFeedURL)
	}
	var out *calendar.BusyFeed
	err := s.write(ctx, func(t *tx) error {
		out = nil
		var id int64
		err := t.QueryRowContext(ctx, `SELECT id FROM people WHERE key = $1`+t.d.lockClauses[forUpdate], person).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return calendar.Errorf(calendar.ENOTFOUND, "person %q does not exist", person)
		case err != nil:
			return fmt.Errorf("sqlstore: lock person for busy feed: %w", err)
		}
		var old string
		err = t.QueryRowContext(ctx, `SELECT url FROM busy_feeds WHERE person_id = $1`, id).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: read busy feed: %w", err)
		}
		if old == url {
			if url == "" {
				return nil
			}
			out, err = t.busyFeed(ctx, person)
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM busy_feeds WHERE person_id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: remove busy feed: %w", err)
		}
		if url != "" {
			if _, err := t.ExecContext(ctx, `INSERT INTO busy_feeds (person_id, url, updated_at) VALUES ($1, $2, $3)`,
				id, url, t.now.Unix()); err != nil {
				return fmt.Errorf("sqlstore: set busy feed: %w", err)
			}
			if out, err = t.busyFeed(ctx, person); err != nil {
				return err
			}
		}
		was, is := "", ""
		if old != "" {
			was = "set"
		}
		if url != "" {
			is = "set"
		}
		// The address itself never goes into the record: it is a secret.
		return t.record(ctx, entityPerson, id, calendar.ActionUpdate, fields{"busy_feed": {Old: was, New: is}})
	})
	return out, err
}

// busyInsertChunk is how many periods one INSERT writes (3 binds each,
// well under both engines' limits).
const busyInsertChunk = 300

// SaveBusyFetch records a fetch of url; see calendar.BusyFeedStore.
func (s *Store) SaveBusyFetch(ctx context.Context, person, url string, f *calendar.BusyFetch) error {
	if len(f.Periods) > calendar.MaxBusyPeriods {
		return calendar.Errorf(calendar.EINVALID, "%d busy periods, more than %d", len(f.Periods), calendar.MaxBusyPeriods)
	}
	for _, p := range f.Periods {
		if !p.End.After(p.Start) {
			return calendar.Errorf(calendar.EINVALID, "a busy period ends at %s, not after its start", p.End.Format(time.RFC3339))
		}
	}
	return s.write(ctx, func(t *tx) error {
		var id int64
		err := t.QueryRowContext(ctx, `SELECT f.person_id FROM busy_feeds f JOIN people p ON p.id = f.person_id
			WHERE p.key = $1 AND f.url = $2`+t.d.lockClauses[forUpdate], person, url).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return calendar.Errorf(calendar.ENOTFOUND, "person %q no longer has this calendar", person)
		case err != nil:
			return fmt.Errorf("sqlstore: lock busy feed: %w", err)
		}
		at := f.At.Unix()
		switch {
		case f.Error != "":
			_, err = t.ExecContext(ctx, `UPDATE busy_feeds SET fetched_at = $1, error = $2 WHERE person_id = $3`, at, f.Error, id)
		case f.NotModified:
			_, err = t.ExecContext(ctx, `UPDATE busy_feeds SET fetched_at = $1, ok_at = $1, error = '' WHERE person_id = $2`, at, id)
		default:
			_, err = t.ExecContext(ctx, `UPDATE busy_feeds SET fetched_at = $1, ok_at = $1, error = '', periods = $2, etag = $3, last_modified = $4
				WHERE person_id = $5`, at, len(f.Periods), f.ETag, f.LastModified, id)
			if err == nil {
				err = t.replaceBusyPeriods(ctx, id, f.Periods)
			}
		}
		if err != nil {
			return fmt.Errorf("sqlstore: save busy fetch: %w", err)
		}
		return nil
	})
}

func (t *tx) replaceBusyPeriods(ctx context.Context, id int64, ps []calendar.BusyPeriod) error {
	if _, err := t.ExecContext(ctx, `DELETE FROM busy_periods WHERE person_id = $1`, id); err != nil {
		return err
	}
	for len(ps) > 0 {
		n := min(len(ps), busyInsertChunk)
		var b strings.Builder
		args := make([]any, 0, 3*n)
		b.WriteString(`INSERT INTO busy_periods (person_id, starts_at, ends_at) VALUES `)
		for i, p := range ps[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, id, p.Start.Unix(), p.End.Unix())
		}
		if _, err := t.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return nil
}

// FindBusyPeriods returns the busy periods of people that overlap
// [from, to), by person key, each ordered by start.
func (s *Store) FindBusyPeriods(ctx context.Context, people []string, from, to time.Time) (map[string][]calendar.BusyPeriod, error) {
	out := map[string][]calendar.BusyPeriod{}
	if len(people) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(t *tx) error {
		clear(out)
		args := append([]any{from.Unix(), to.Unix()}, anys(people)...)
		rows, err := t.QueryContext(ctx, `SELECT p.key, b.starts_at, b.ends_at FROM busy_periods b JOIN people p ON p.id = b.person_id
			WHERE b.ends_at > $1 AND b.starts_at < $2 AND p.key IN (`+numbered(3, len(people))+`)
			ORDER BY p.key, b.starts_at, b.ends_at`, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: find busy periods: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var key string
			var start, end int64
			if err := rows.Scan(&key, &start, &end); err != nil {
				return fmt.Errorf("sqlstore: scan busy period: %w", err)
			}
			out[key] = append(out[key], calendar.BusyPeriod{Start: fromUnix(start), End: fromUnix(end)})
		}
		return rows.Err()
	})
	return out, err
}
