package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
)

// ExecChecked runs one statement the way the store's own writes run (a
// transaction, or a savepoint inside InTx) and maps its error through the
// same code-based mapping. Tests use it to reach the backstop mapping with
// real constraint violations, which the store's own checks otherwise
// prevent.
func ExecChecked(ctx context.Context, s *Store, query string, args ...any) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, query, args...)
		return t.check(err, "test statement", nil, nil)
	})
}

// ExecRaw runs one statement outside any store transaction, for tests that
// must put the database in a state the store would refuse to make.
func ExecRaw(ctx context.Context, s *Store, query string, args ...any) error {
	_, err := s.db.ExecContext(ctx, query, args...)
	return err
}

// WriteFailing runs a write whose every run fails with err, and returns how
// often it ran and the error the store returned, for testing retries
// without having to provoke a deadlock each time.
func WriteFailing(ctx context.Context, s *Store, err error) (runs int, got error) {
	got = s.write(ctx, func(*tx) error {
		runs++
		return err
	})
	return runs, got
}

// MigrateTo brings the database named by dsn to exactly version, up or
// down, with the embedded migrations: a test fills it as an older Samkal
// would have, then opens it with Open to migrate it to the latest.
func MigrateTo(ctx context.Context, dsn string, version int64) error {
	d, open := sqliteDialect, openSQLite
	if isPostgresDSN(dsn) {
		d, open = postgresDialect, openPostgres
	}
	db, err := open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := fs.Sub(migrationFiles, d.migrations)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d.goose, db, files, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if current > version {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// QueryTexts runs query outside any store transaction and returns its
// single text column, row by row: tests read stored text (the changes'
// fields) as it lies in the table, not as the store hands it out.
func QueryTexts(ctx context.Context, s *Store, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Trace makes s call f with every statement it sends and its arguments.
func Trace(s *Store, f func(query string, args []any)) { s.trace = f }

// Explain returns the engine's plan of query as one line per step: EXPLAIN
// QUERY PLAN on SQLite; on PostgreSQL EXPLAIN of the query prepared as a
// generic plan (the plan a prepared statement settles on, which cannot
// know its parameters) with sequential scans discouraged, so that a tiny
// test table does not hide whether an index can serve the query at all.
func Explain(ctx context.Context, s *Store, query string, args []any) (string, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var lines []string
	collect := func(q string, args ...any) error {
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		return rows.Err()
	}
	if s.d.name == "sqlite" {
		err = collect("EXPLAIN QUERY PLAN "+query, args...)
		return strings.Join(lines, "\n"), err
	}
	for _, q := range []string{"SET plan_cache_mode = force_generic_plan", "SET enable_seqscan = off",
		"PREPARE plan_check AS " + query} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	nulls := strings.TrimSuffix(strings.Repeat("NULL, ", len(args)), ", ")
	if len(args) > 0 {
		nulls = "(" + nulls + ")"
	}
	err = collect("EXPLAIN EXECUTE plan_check" + nulls)
	_, _ = conn.ExecContext(ctx, "DEALLOCATE plan_check")
	_, _ = conn.ExecContext(ctx, "RESET ALL")
	return strings.Join(lines, "\n"), err
}

// SetMaxCandidates makes FindMeetings read a body's or person's meetings
// through subqueries once they have more than n meetings.
func SetMaxCandidates(s *Store, n int) { s.maxCandidates = n }

// SetMaxFeedTouches makes FeedTouches say "everything" for more than n new
// changes.
func SetMaxFeedTouches(s *Store, n int) { s.maxFeedTouches = n }

// DBStats is the connection pool's statistics, for the test of its bound.
func DBStats(s *Store) sql.DBStats { return s.db.Stats() }

// SQLiteConns is how many connections a SQLite database may have open.
func SQLiteConns() int { return sqliteConns() }
