// Package sqltest gives tests real stores: a fresh SQLite file, or a fresh
// database on a real PostgreSQL server. Tests of other packages (api,
// arsplan, the binary's end-to-end test) use it to run against both engines.
//
// PostgreSQL comes from SAMKAL_TEST_POSTGRES_URL when that is set: a URL to
// a server on which the tests may CREATE DATABASE (CI may set it). Otherwise
// the first test that needs PostgreSQL starts a throwaway cluster for the
// whole test process, from the server binaries under
// /usr/lib/postgresql/*/bin (Debian's `apt-get install -y postgresql`),
// and Main stops it. Every call gets its own new database, so tests never
// see each other's data. A missing server is a test failure that says how
// to install one, never a skip.
//
// A package that uses PostgreSQL must call Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// EnvPostgresURL names the environment variable with the URL of a
// PostgreSQL server to use instead of starting one.
const EnvPostgresURL = "SAMKAL_TEST_POSTGRES_URL"

// Main runs the tests (m.Run) and then stops any PostgreSQL server this
// process started; call it from TestMain and os.Exit with its result. An
// interrupt (Ctrl-C) or SIGTERM while the tests run also stops the server.
func Main(m *testing.M) int {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		if sig, ok := <-signals; ok {
			fmt.Fprintf(os.Stderr, "sqltest: %v: stopping the test PostgreSQL server\n", sig)
			shutdown()
			os.Exit(1)
		}
	}()
	code := m.Run()
	signal.Stop(signals)
	close(signals)
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "sqltest: %v\n", err)
	}
	return code
}

// Engine is one database engine that tests run against.
type Engine struct {
	Name string // "sqlite" or "postgres", as Store.Engine reports it
	// Open returns a fresh, migrated, empty store, closed when the test ends.
	Open func(t testing.TB, opts sqlstore.Options) *sqlstore.Store
}

// Engines returns SQLite and PostgreSQL, in that order.
func Engines() []Engine {
	return []Engine{{Name: "sqlite", Open: SQLite}, {Name: "postgres", Open: Postgres}}
}

// SQLite returns a fresh store in a file in t.TempDir(), closed by
// t.Cleanup.
func SQLite(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "samkal.db"), opts)
}

// Postgres returns a fresh store in a new database on the test server,
// closed (and the database dropped) by t.Cleanup.
func Postgres(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	return open(t, PostgresURL(t), opts)
}

func open(t testing.TB, dsn string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close test store: %v", err)
		}
	})
	return s
}

// PostgresURL returns the URL of a fresh, empty database on the test server,
// for tests that run the binary. The database is dropped (best effort) after
// the test; connections still open to it are ended then.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// PostgresCopy returns the URL of a new database on the test server that
// holds a copy of the database at from, a URL that PostgresURL or
// PostgresCopy returned; no connection to it may be open then (close its
// store first): PostgreSQL copies only a database nobody uses. Like
// PostgresURL's, the copy is dropped after the test. Copying is far
// faster than migrating and filling a new database, for tests that need
// many stores holding the same data.
func PostgresCopy(t testing.TB, from string) string {
	t.Helper()
	u, err := url.Parse(from)
	name := ""
	if err == nil {
		name = strings.TrimPrefix(u.Path, "/")
	}
	if !testDatabase.MatchString(name) {
		t.Fatalf("sqltest: %s is not a database that PostgresURL made", redact(from))
	}
	return newDatabase(t, name)
}

// testDatabase is the name of a database PostgresURL makes.
var testDatabase = regexp.MustCompile(`^samkal_test_[0-9a-f]{16}$`)

// newDatabase makes a database, a copy of template when it is not "",
// dropped after the test, and returns its URL.
func newDatabase(t testing.TB, template string) string {
	t.Helper()
	srv, err := getServer()
	if err != nil {
		t.Fatalf("test PostgreSQL server: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := "samkal_test_" + hex.EncodeToString(b)
	if err := srv.createDatabase(name, template); err != nil {
		t.Fatalf("test PostgreSQL server: %v", err)
	}
	t.Cleanup(func() {
		// Dropping waits up to 100 ms for the closed store's connections
		// to go: do it in the background, Main waits for it.
		srv.drops.Go(func() {
			if err := srv.dropDatabase(name); err != nil {
				fmt.Fprintf(os.Stderr, "sqltest: %v\n", err)
			}
		})
	})
	return srv.urlFor(name)
}

// server is the PostgreSQL server the tests of this process use.
type server struct {
	base    *url.URL // a URL on the server; its path is replaced per database
	admin   *sql.DB  // connected to base, for CREATE and DROP DATABASE
	version int      // server_version_num
	cluster *cluster // the cluster this process started, nil for an outside server
	drops   sync.WaitGroup
}

var state struct {
	mu  sync.Mutex
	srv *server
	err error // why the server could not be had; every later test fails with it
}

// getServer returns the test server, connecting to or starting it on first
// use.
func getServer() (*server, error) {
	state.mu.Lock()
	defer state.mu.Unlock()
	if state.srv == nil && state.err == nil {
		state.srv, state.err = newServer()
	}
	return state.srv, state.err
}

func newServer() (*server, error) {
	if u := os.Getenv(EnvPostgresURL); u != "" {
		srv, err := connect(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvPostgresURL, err)
		}
		return srv, nil
	}
	c, err := startCluster()
	if err != nil {
		return nil, err
	}
	srv, err := connect(c.url())
	if err != nil {
		return nil, errors.Join(err, c.stop())
	}
	srv.cluster = c
	return srv, nil
}

// connect opens the admin connection to the server at rawURL.
func connect(rawURL string) (*server, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%q is not a postgres:// URL", redact(rawURL))
	}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := &server{base: u, admin: db}
	if err := db.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&srv.version); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot connect to %s: %w", redact(rawURL), err)
	}
	return srv, nil
}

func (s *server) urlFor(database string) string {
	u := *s.base
	u.Path = "/" + database
	u.RawPath = ""
	return u.String()
}

// createDatabase makes database name, a copy of template ("": of
// PostgreSQL's template1, an empty database).
func (s *server) createDatabase(name, template string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := `CREATE DATABASE ` + name
	if template != "" {
		q += ` TEMPLATE ` + template
	}
	if s.version >= 150000 {
		// Copying the small template's files is much faster than WAL-logging
		// it, PostgreSQL 15's default.
		q += ` STRATEGY = FILE_COPY`
	}
	if _, err := s.admin.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func (s *server) dropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := `DROP DATABASE IF EXISTS ` + name
	if s.version >= 130000 {
		q += ` WITH (FORCE)` // end connections a test left open
	}
	if _, err := s.admin.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// shutdown closes the admin connection and stops the cluster, if any.
func shutdown() error {
	state.mu.Lock()
	defer state.mu.Unlock()
	srv := state.srv
	state.srv, state.err = nil, fmt.Errorf("the test PostgreSQL server has been stopped")
	if srv == nil {
		return nil
	}
	srv.drops.Wait()
	srv.admin.Close()
	if srv.cluster != nil {
		return srv.cluster.stop()
	}
	return nil
}

// redact hides the password of a URL for messages.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
