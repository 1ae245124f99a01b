package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds one folder of numbered SQL files per engine. A new
// migration goes into both folders with the same number.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migrate applies the migrations the database lacks, each in its own
// transaction, recorded in goose's version table. It refuses a database whose
// schema is newer than this program, which an older binary must not touch.
func migrate(ctx context.Context, db *sql.DB, d *dialect, log *slog.Logger) error {
	files, err := fs.Sub(migrationFiles, d.migrations)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithSlog(log), goose.WithDisableGlobalRegistry(true)}
	if d == postgresDialect {
		// Replicas starting together must not apply the same migration twice.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("sqlstore: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d.goose, db, files, opts...)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: apply migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: read schema version: %w", err)
	}
	if current > target {
		return fmt.Errorf("sqlstore: the database schema (version %d) is newer than this Samkal knows (version %d): run a newer Samkal", current, target)
	}
	for _, r := range results {
		log.Info("applied migration", "engine", d.name, "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}
