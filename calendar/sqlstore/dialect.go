package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/samkal/samkal/calendar"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between the engines. Everything else, the SQL
// text included, is shared.
type dialect struct {
	name       string
	goose      goose.Dialect
	migrations string // folder under migrations/
	// violation classifies a driver error by its error code.
	violation func(error) violation
	// lockClauses are what lock appends to its SELECT, by lockMode: row
	// locks on PostgreSQL; none on SQLite, where a write transaction takes
	// the database's one write lock at BEGIN and so already excludes every
	// other writer.
	lockClauses [2]string
	// retryable reports whether err ended the transaction only because of
	// other transactions running at the same time (a deadlock, a
	// serialization failure), so that running it again can succeed.
	retryable func(error) bool
	// jsonTexts is a table expression of the texts in a JSON array held in
	// column col, as rows of one column named value, aliased as alias.
	jsonTexts func(col, alias string) string
	// bytewise is appended to a text column to compare it byte by byte,
	// as the indexes on mail keys do: PostgreSQL's collations may order
	// "/" apart from the letters; SQLite's BINARY already is bytewise.
	bytewise string
}

// violation is the kind of constraint a statement broke.
type violation int

const (
	noViolation violation = iota
	uniqueViolation
	foreignKeyViolation
)

var sqliteDialect = &dialect{
	name:       "sqlite",
	goose:      goose.DialectSQLite3,
	migrations: "migrations/sqlite",
	violation: func(err error) violation {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueViolation
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKeyViolation
		}
		return noViolation
	},
	// SQLITE_BUSY comes only after busy_timeout has waited for the write
	// lock in vain: trying again would only wait longer.
	retryable: func(error) bool { return false },
	jsonTexts: func(col, alias string) string { return "json_each(" + col + ") AS " + alias },
}

var postgresDialect = &dialect{
	name:       "postgres",
	goose:      goose.DialectPostgres,
	migrations: "migrations/postgres",
	violation: func(err error) violation {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code {
		case "23505": // unique_violation
			return uniqueViolation
		case "23503": // foreign_key_violation
			return foreignKeyViolation
		}
		return noViolation
	},
	// FOR NO KEY UPDATE for a change lets inserts that refer to the row
	// (an agenda item of a meeting) go on; FOR UPDATE for a delete makes
	// them wait, so that they then fail on the foreign key instead of
	// referring to a row that is gone.
	lockClauses: [2]string{forUpdate: ` FOR NO KEY UPDATE`, forDelete: ` FOR UPDATE`},
	retryable: func(err error) bool {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return false
		}
		return e.Code == "40P01" || e.Code == "40001" // deadlock_detected, serialization_failure
	},
	jsonTexts: func(col, alias string) string {
		return "jsonb_array_elements_text(" + col + "::jsonb) AS " + alias + "(value)"
	},
	bytewise: ` COLLATE "C"`,
}

// check turns the error of a write into a domain error: onUnique when the
// statement broke a unique constraint, onForeignKey when it broke a foreign
// key, and an internal error (with what for the log) otherwise. This is the
// one place where driver errors become calendar errors.
func (t *tx) check(err error, what string, onUnique, onForeignKey error) error {
	if err == nil {
		return nil
	}
	switch t.d.violation(err) {
	case uniqueViolation:
		if onUnique != nil {
			return onUnique
		}
		return calendar.Errorf(calendar.ECONFLICT, "this clashes with something that already exists")
	case foreignKeyViolation:
		if onForeignKey != nil {
			return onForeignKey
		}
		return calendar.Errorf(calendar.ECONFLICT, "this refers to something that does not exist or is still in use")
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}

// isPostgresDSN reports whether dsn names a PostgreSQL database, in either of
// libpq's forms: a URL (postgres://… or postgresql://…) or a key=value
// connection string ("host=db dbname=samkal user=samkal password=…"). A
// key=value string is recognised by its first key, one of libpq's
// connection keywords; a SQLite file name never starts that way, and taking
// one for a file name would create a file named after it, password and all.
func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || pgKeyValue.MatchString(dsn)
}

// pgKeyValue matches the start of a libpq key=value connection string.
var pgKeyValue = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|sslrootcert|sslcert|sslkey|sslpassword|connect_timeout|application_name|options|target_session_attrs|client_encoding)\s*=`)

// sqlitePragmas are set on every connection: wait up to 5 s for the write
// lock instead of failing at once, take that lock at BEGIN so that a
// transaction never fails halfway on it, write-ahead logging so that
// readers do not block the writer, enforce foreign keys, sync at
// checkpoints only (safe with WAL), and keep temporary files in memory:
// each write of a transaction keeps a statement journal (the pages it
// changes, to undo it alone), which SQLite otherwise spills to a file
// after 64 KiB and then writes page by page – a sixth of the CPU time of
// an årsplan import of the country went to those writes.
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(memory)&_txlock=immediate"

// sqliteConns is how many connections a SQLite database may have open:
// four per core, from 4 to 16. Without a bound database/sql opened one per
// concurrent request, and each SQLite connection keeps its own page cache
// and parsed schema outside Go's heap: 50 clients of the start page on
// the country grew the server from 40 to 215 MB (the Go heap stayed under
// 14 MB) and served 19 requests a second; with 8 connections it peaked at
// 83 MB and served 121 (docs/benchmarks.md, "Memory under load"). WAL lets
// the connections read side by side, and writes take the one write lock
// in turn anyway, so more connections than the cores can use buy nothing.
func sqliteConns() int {
	return min(16, max(4, 4*runtime.GOMAXPROCS(0)))
}

// openSQLite opens the SQLite file at path, creating the file but not its
// directory.
func openSQLite(ctx context.Context, path string) (*sql.DB, error) {
	path = strings.TrimPrefix(path, "sqlite:")
	switch {
	case path == "":
		return nil, errors.New("sqlstore: no database given: name a SQLite file or a postgres:// URL")
	case strings.ContainsRune(path, '?'):
		return nil, fmt.Errorf("sqlstore: SQLite path %q contains '?': give a plain file path, Samkal sets the options itself", path)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return nil, fmt.Errorf("sqlstore: SQLite database %q is not a file path: give a plain file path", path)
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: directory %s does not exist", path, dir)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: %w", path, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: %s is not a directory", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: it is a directory, not a file", path)
	}
	db, err := sql.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open SQLite database %s: %w", path, err)
	}
	n := sqliteConns()
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := checkSQLiteWritable(ctx, db); err != nil {
		db.Close()
		var e *sqlite.Error
		if errors.As(err, &e) {
			switch e.Code() & 0xff { // the primary result code
			case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
				return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: %w (check that this user may write the file and its directory)", path, err)
			}
		}
		return nil, fmt.Errorf("sqlstore: cannot open SQLite database %s: %w", path, err)
	}
	return db, nil
}

// checkSQLiteWritable opens a connection (which creates the file and switches
// it to WAL) and asks SQLite whether the database is read-only, as it is
// when the file is write-protected: SQLite then opens it for reading without
// saying so.
func checkSQLiteWritable(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		ro, ok := dc.(interface{ IsReadOnly(string) (bool, error) })
		if !ok {
			return nil
		}
		readOnly, err := ro.IsReadOnly("main")
		if err != nil {
			return err
		}
		if readOnly {
			return errors.New("it can only be read, not written: check the permissions of the file and its directory")
		}
		return nil
	})
}

// openPostgres connects to the PostgreSQL database named by url, a URL or
// a key=value connection string.
func openPostgres(ctx context.Context, url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgconn's message repeats the connection string with the
		// password masked, in either form.
		what := "URL"
		if !strings.Contains(url, "://") {
			what = "connection string"
		}
		return nil, fmt.Errorf("sqlstore: invalid PostgreSQL %s: %w", what, err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		where := net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
		if strings.HasPrefix(cfg.Host, "/") {
			where = cfg.Host // a Unix socket directory
		}
		return nil, fmt.Errorf("sqlstore: cannot connect to PostgreSQL at %s, database %q, user %q: %w", where, cfg.Database, cfg.User, err)
	}
	return db, nil
}
