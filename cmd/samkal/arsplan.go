package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/config"
)

// importFiles parses every file first and applies them all in one
// transaction, so that a problem in any file leaves the database as it was.
func importFiles(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "import", "FILE...", "db")
	files, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "samkal import: name at least one årsplan file")
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}

	var plans []*arsplan.File
	failed := false
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: cannot read: %v\n", name, unwrapPathError(err))
			failed = true
			continue
		}
		f, err := arsplan.Parse(name, data)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			failed = true
			continue
		}
		plans = append(plans, f)
	}
	if failed {
		fmt.Fprintln(e.stderr, "samkal import: nothing was imported")
		return exitFailure
	}

	store, code := openStore(ctx, e, cfg, newLogger(cfg, e.stderr))
	if store == nil {
		return code
	}
	defer store.Close()
	reports := make([]*arsplan.Report, len(plans))
	// The first error ends the import (calendar.AllOrNothing).
	err = store.InTx(calendar.AllOrNothing(ctx), func(tx calendar.Store) error {
		for i, f := range plans {
			rep, err := arsplan.Apply(ctx, tx, f)
			if err != nil {
				return err
			}
			reports[i] = rep
		}
		return nil
	})
	if err != nil {
		var es arsplan.Errors
		if errors.As(err, &es) {
			fmt.Fprintln(e.stderr, es)
		} else {
			fmt.Fprintf(e.stderr, "samkal import: %v\n", err)
		}
		fmt.Fprintln(e.stderr, "samkal import: nothing was imported")
		return exitFailure
	}
	for i, rep := range reports {
		fmt.Fprintf(e.stdout, "%s: %s\n", files[i], rep)
	}
	return exitOK
}

// export writes one body's årsplan for a year, in the format import reads.
func export(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "export", "--body SLUG --year YYYY [-o FILE]", "db")
	body := fs.String("body", "", "the body's `slug`, e.g. chefsgrupp-folkhalsa")
	year := fs.Int("year", 0, "the calendar `year` of the meetings")
	out := fs.String("o", "", "write to this `file` instead of standard output")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	var problems []string
	if len(rest) > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", rest))
	}
	if *body == "" {
		problems = append(problems, "--body is required")
	}
	if err := calendar.CheckYear(*year); err != nil {
		problems = append(problems, fmt.Sprintf("--year: %s, such as 2025", err.Message))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(e.stderr, "samkal export: %s\n", p)
		}
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	store, code := openStore(ctx, e, cfg, newLogger(cfg, e.stderr))
	if store == nil {
		return code
	}
	defer store.Close()
	data, err := arsplan.Export(ctx, store, *body, *year)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal export: %s\n", errorText(err))
		return exitFailure
	}
	if *out == "" {
		_, err = e.stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal export: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// openStore opens the configured database and runs its migrations. On
// failure it prints why and returns nil and the exit code.
func openStore(ctx context.Context, e *env, cfg *config.Config, log *slog.Logger) (*sqlstore.Store, int) {
	store, err := sqlstore.Open(ctx, cfg.DB, sqlstore.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal: cannot open the database %s: %v\n", config.RedactDSN(cfg.DB), err)
		return nil, exitFailure
	}
	return store, exitOK
}

// errorText is the message of a domain error, or the whole error text for
// anything else: the operator at the terminal may see internal details.
func errorText(err error) string {
	if code := calendar.ErrorCode(err); code != calendar.EINTERNAL {
		return calendar.ErrorMessage(err)
	}
	return err.Error()
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
