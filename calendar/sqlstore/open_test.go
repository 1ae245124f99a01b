package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

func TestOpenSQLiteErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	must(t, os.WriteFile(file, []byte("x"), 0o600))
	notDB := filepath.Join(dir, "not-a-database.db")
	must(t, os.WriteFile(notDB, []byte(strings.Repeat("this is no SQLite file ", 100)), 0o600))
	for _, tc := range []struct {
		name, dsn string
		want      []string
	}{
		{"empty", "", []string{"no database given"}},
		{"missing directory", filepath.Join(dir, "nothing", "samkal.db"), []string{"directory", "nothing", "does not exist"}},
		{"directory is a file", filepath.Join(file, "samkal.db"), []string{"is not a directory"}},
		{"path is a directory", dir, []string{"is a directory"}},
		{"query in path", filepath.Join(dir, "samkal.db?mode=ro"), []string{"contains '?'"}},
		{"in memory", ":memory:", []string{"not a file path"}},
		{"file URI", "file:samkal.db", []string{"not a file path"}},
		{"not a database", notDB, []string{"not-a-database.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sqlstore.Open(context.Background(), tc.dsn, sqlstore.Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tc.dsn)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestOpenSQLiteReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "samkal.db")
	var log bytes.Buffer
	s, err := sqlstore.Open(ctx, path, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	must(t, err)
	if !strings.Contains(log.String(), "applied migration") || !strings.Contains(log.String(), "00001_initial.sql") {
		t.Errorf("the log of the first Open does not name the migration:\n%s", log.String())
	}
	must(t, s.CreateRoom(ctx, &calendar.Room{Slug: "eken", Name: "Lokal Eken"}))
	must(t, s.Ping(ctx))
	must(t, s.Close())
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded")
	}

	// Reopening applies no migration twice and keeps the data; the
	// "sqlite:" prefix is accepted.
	log.Reset()
	s, err = sqlstore.Open(ctx, "sqlite:"+path, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	must(t, err)
	defer s.Close()
	if strings.Contains(log.String(), "applied migration") {
		t.Errorf("reopening applied a migration again:\n%s", log.String())
	}
	if s.Engine() != "sqlite" {
		t.Errorf("Engine() = %q", s.Engine())
	}
	if _, err := s.FindRoomBySlug(ctx, "eken"); err != nil {
		t.Errorf("room after reopening: %v", err)
	}
}

// TestOpenNewerSchema checks that a database migrated by a newer Samkal is
// refused rather than used with a schema this one does not know.
func TestOpenNewerSchema(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, dsn string }{
		{"sqlite", filepath.Join(t.TempDir(), "samkal.db")},
		{"postgres", sqltest.PostgresURL(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sqlstore.Open(ctx, tc.dsn, sqlstore.Options{})
			must(t, err)
			must(t, sqlstore.ExecRaw(ctx, s, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, $1)`, true))
			must(t, s.Close())
			s, err = sqlstore.Open(ctx, tc.dsn, sqlstore.Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open of a newer schema succeeded")
			}
			if !strings.Contains(err.Error(), "newer than this Samkal knows") {
				t.Errorf("error %q does not say the schema is newer", err)
			}
		})
	}
}

func TestOpenPostgresErrors(t *testing.T) {
	for _, tc := range []struct {
		name, dsn string
		want      []string
	}{
		{"nothing listening", "postgres://samkal:hunter2@127.0.0.1:1/samkal?connect_timeout=5", []string{"cannot connect to PostgreSQL at 127.0.0.1:1", `database "samkal"`}},
		{"bad URL", "postgresql://samkal:hunter2@127.0.0.1:port/samkal", []string{"invalid PostgreSQL URL"}},
		{"unknown database", strings.Replace(sqltest.PostgresURL(t), "/samkal_test_", "/missing_", 1), []string{"cannot connect to PostgreSQL", "missing_"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := sqlstore.Open(ctx, tc.dsn, sqlstore.Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tc.dsn)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestPostgresPing(t *testing.T) {
	s := sqltest.Postgres(t, sqlstore.Options{})
	must(t, s.Ping(context.Background()))
	if s.Engine() != "postgres" {
		t.Errorf("Engine() = %q", s.Engine())
	}
}

// TestOpenPostgresKeyValueDSN opens PostgreSQL through a connection string in
// libpq's key=value form. It used to be taken for a SQLite file name: a file
// named after it, password included, appeared in the current directory.
func TestOpenPostgresKeyValueDSN(t *testing.T) {
	cfg, err := pgx.ParseConfig(sqltest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=disable", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	if cfg.Password != "" {
		dsn += " password='" + strings.ReplaceAll(cfg.Password, "'", `\'`) + "'"
	}
	t.Chdir(t.TempDir())
	s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatalf("Open(key=value DSN): %v", err)
	}
	defer s.Close()
	if s.Engine() != "postgres" {
		t.Errorf("Engine() = %q for %q, want postgres", s.Engine(), dsn)
	}
	if files, _ := os.ReadDir("."); len(files) > 0 {
		t.Errorf("Open(key=value DSN) left %d file(s) in the current directory, first %q", len(files), files[0].Name())
	}
	// A key=value string that names no reachable server is a PostgreSQL
	// error that hides the password, not a SQLite file.
	_, err = sqlstore.Open(context.Background(), "host=127.0.0.1 port=1 dbname=samkal password=hunter2 connect_timeout=5", sqlstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(unreachable key=value DSN) = %v, want a PostgreSQL error without the password", err)
	}
	if files, _ := os.ReadDir("."); len(files) > 0 {
		t.Errorf("Open(unreachable key=value DSN) left %q in the current directory", files[0].Name())
	}
}
