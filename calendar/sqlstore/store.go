// Package sqlstore keeps Samkal's state in SQLite or PostgreSQL. Both engines
// run the same SQL text and give the same answers: one test suite runs
// against both.
//
// # How the two engines are kept alike
//
//   - Placeholders are $1, $2 …: modernc.org/sqlite binds them by number as
//     PostgreSQL does, so one statement serves both.
//   - Times are stored as BIGINT unix seconds and days (membership periods,
//     a meeting's first day) as BIGINT YYYYMMDD, 0 meaning "not set". SQLite
//     has no time type, and the two drivers scan timestamps differently
//     (text or time.Time, with different zones); integers scan, compare and
//     index the same everywhere. No information is lost: every time is a
//     Europe/Stockholm wall-clock event, converted back into that zone on
//     reading, so 13.00 stays 13.00 across the switches to and from summer
//     time.
//   - Booleans are INTEGER on SQLite and BOOLEAN on PostgreSQL, and always
//     bound as Go bools, never written as literals.
//   - Lists other than meetings and changes are sorted in Go by slug or key
//     (byte order), so that the database's collation cannot change the order.
//   - Driver errors are classified by error code in one place per engine
//     (dialect.go) and turned into calendar errors there; the store first
//     checks what it can (does the body exist?) so that the message is
//     precise, and the codes are the backstop against races.
//   - Migrations are embedded SQL files, one folder per engine, applied by
//     goose at Open, each in its own transaction; on PostgreSQL an advisory
//     lock keeps replicas that start together from racing.
//
// # Transactions
//
// Every public method runs in a transaction: reads in a read-only one, writes
// in one that on SQLite takes the write lock at BEGIN (_txlock=immediate), so
// that concurrent writers wait for each other (busy_timeout) instead of
// failing. InTx hands its callback a Store bound to one transaction; calls on
// it join that transaction, each inside a savepoint, so that a call that
// fails leaves nothing behind on either engine and the transaction stays
// usable (PostgreSQL would otherwise refuse every later statement). An
// InTx given calendar.AllOrNothing (an årsplan import) promises to give up
// on the first error instead: its calls run without savepoints, and the
// record of their changes is written in batches (level, record).
//
// # Concurrent writes of one row
//
// PostgreSQL runs transactions in READ COMMITTED: two writers may read the
// same row at once, and then the later write undoes the earlier one's
// fields (a lost update), a meeting's SEQUENCE goes down, or two deletes
// both succeed and both record the delete. So every write that reads a row
// and then changes or deletes it follows one rule, on both engines:
//
//   - Its first statement is lock (lock.go) on the row it is about to
//     change: the meeting, the person, the body …, by the key the caller
//     gave. On PostgreSQL that is SELECT … FOR NO KEY UPDATE (FOR UPDATE
//     before a delete); a second writer waits there, and then reads the row
//     as the first left it, or finds it gone (ENOTFOUND: a second DELETE is
//     a 404 and records nothing). On SQLite the write lock taken at BEGIN
//     already orders the writers, and lock only looks the row up.
//   - Writes to the parts of a meeting lock the meeting: agenda items (so
//     that positions are renumbered by one writer at a time) and its
//     justering. A meeting's room is locked after the meeting, when it is
//     checked to be free; nothing locks a meeting after its room. The
//     parent is locked before its parts, never the other way round.
//   - The UPDATE of a meeting adds to the stored SEQUENCE (sequence =
//     sequence + 1) rather than writing a number computed from what was
//     read, so SEQUENCE only ever rises, whichever path writes the meeting:
//     the API, an årsplan import or a plan being applied, all through
//     UpdateMeeting.
//   - A read-merge-write that the API needs (a PATCH of a booking window,
//     which the store replaces whole) runs inside the store, under the lock:
//     EditBookingWindow.
//   - Writes that are one statement need no lock: an INSERT … ON CONFLICT
//     (outbox, skipped mail, personal links), an UPDATE whose WHERE holds
//     the condition (outbox claims and their ends, revoking links).
//
// Deadlocks remain possible: a large transaction (InTx, an import) locks
// many rows in the order of its file, and PostgreSQL's foreign-key checks
// take locks of their own (a person being deleted while a justering that
// names them is replaced). PostgreSQL then ends one
// of them (40P01; likewise a serialization failure, 40001), and the store
// runs that transaction again from the start, at most five times (retry),
// before it gives up with ECONFLICT. Hence the callbacks of write and InTx
// must start from scratch on every run.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Options configures a Store.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests inject a clock.
	Now func() time.Time
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
	// OnStatement, when set, is called before every statement the store
	// sends to the database (one round trip each on PostgreSQL), BEGIN,
	// COMMIT and savepoints of its transactions included, with the
	// statement's text. The page and import benchmarks count with it; it
	// must be cheap and safe for concurrent use.
	OnStatement func(query string)
}

// Store is a calendar.Store on SQLite or PostgreSQL. It is safe for
// concurrent use, except the Store that InTx hands to its callback, which
// belongs to that callback alone.
type Store struct {
	db  *sql.DB
	d   *dialect
	now func() time.Time
	log *slog.Logger
	// onStatement is Options.OnStatement, or a function that does nothing.
	onStatement func(query string)
	// trace, when set (only by tests: export_test.go), sees every
	// statement with its arguments, so that the query-plan tests can ask
	// the engine how it runs the statements the store really sends.
	trace func(query string, args []any)
	// maxCandidates, when above 0 (only tests set it), replaces the
	// package's maxCandidates, so that both ways FindMeetings reads a
	// body's or person's meetings are tested on small data.
	maxCandidates int
	// maxFeedTouches, when above 0 (only tests set it), replaces the
	// package's maxFeedTouches.
	maxFeedTouches int
	// tx is set on the Store that InTx hands to its callback.
	tx *txState
}

var _ calendar.Store = (*Store)(nil)

// Open opens (creating if needed) the database named by dsn and applies
// embedded migrations.
//
// dsn is a PostgreSQL URL ("postgres://…" or "postgresql://…") or libpq
// key=value connection string ("host=… dbname=…"); anything else is the
// path of a SQLite file (an optional "sqlite:" prefix is stripped). The
// SQLite file is created if missing, but not its directory. Errors say what
// was wrong: an unreachable server, a missing directory, a file that cannot
// be written, a schema newer than this program.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, log: opts.Logger, onStatement: opts.OnStatement}
	if s.onStatement == nil {
		s.onStatement = func(string) {}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var err error
	if isPostgresDSN(dsn) {
		s.d = postgresDialect
		s.db, err = openPostgres(ctx, dsn)
	} else {
		s.d = sqliteDialect
		s.db, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, s.db, s.d, s.log); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Engine returns "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name }

// Ping checks that the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: %s does not answer: %w", s.d.name, err)
	}
	return nil
}

// Close releases the database. On the Store of an InTx callback it fails:
// the transaction ends when the callback returns.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("sqlstore: Close called on the Store of a transaction")
	}
	return s.db.Close()
}

// InTx runs fn with a Store whose every call is part of one transaction,
// committed when fn returns nil and rolled back otherwise (also when fn
// panics). Nested InTx calls join the outer transaction inside a savepoint:
// when the nested fn fails, its work alone is undone and its error returned.
//
// When PostgreSQL ends the transaction to break a deadlock (see retry), fn
// runs again from the start in a new transaction: it must start from
// scratch each time, setting rather than appending to what it hands out.
//
// fn must use only the Store it is given: on SQLite a write through the outer
// Store waits for the transaction's write lock and fails after the busy
// timeout.
func (s *Store) InTx(ctx context.Context, fn func(tx calendar.Store) error) error {
	bare := calendar.IsAllOrNothing(ctx)
	if s.tx != nil {
		if lv := s.tx.bare; lv != nil {
			// The outer callback gives up on the first error too, and
			// that undoes the nested work with the rest: no savepoint (on
			// SQLite it would copy every page the nested work changes to
			// its sub-journal).
			return lv.call(func() error {
				if err := s.newTx(s.tx.tx).flushChanges(ctx); err != nil {
					return err
				}
				return s.level(ctx, bare, func() error { return fn(s) })
			})
		}
		return s.savepoint(ctx, func() error { return s.level(ctx, bare, func() error { return fn(s) }) })
	}
	return s.retry(ctx, func() error {
		s.onStatement("BEGIN")
		sqlTx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlstore: begin transaction: %w", err)
		}
		defer sqlTx.Rollback()
		inner := *s
		inner.tx = &txState{tx: sqlTx, onStatement: s.onStatement}
		if err := inner.level(ctx, bare, func() error { return fn(&inner) }); err != nil {
			return err
		}
		s.onStatement("COMMIT")
		if err := sqlTx.Commit(); err != nil {
			return fmt.Errorf("sqlstore: commit: %w", err)
		}
		return nil
	})
}

// level runs fn, the callback of one InTx, on s (the Store of the
// transaction). When bare (calendar.AllOrNothing), the callback's writes
// run without a savepoint each and their change records wait in a batch
// (see record), which level writes when fn succeeds. It fails if a write
// failed and fn went on regardless: without the savepoint, that write may
// have left half its work behind (and PostgreSQL refuses every statement
// after a failed one).
func (s *Store) level(ctx context.Context, bare bool, fn func() error) error {
	st := s.tx
	outer := st.bare
	defer func() { st.bare = outer }()
	st.bare = nil
	if bare {
		st.bare = &bareLevel{}
	}
	lv := st.bare
	if err := fn(); err != nil {
		return err
	}
	if lv == nil {
		return nil
	}
	if lv.failed != nil {
		return fmt.Errorf("sqlstore: a call failed in an all-or-nothing transaction, and the transaction went on: %v", lv.failed)
	}
	return s.newTx(st.tx).flushChanges(ctx)
}

// maxAttempts bounds how often retry runs one transaction.
const maxAttempts = 5

// retry runs attempt, one whole transaction from BEGIN to COMMIT, and runs
// it again when it failed only because of transactions running at the same
// time (dialect.retryable: PostgreSQL ended it to break a deadlock, or a
// serialization failure), up to maxAttempts times with a short random pause
// that grows with each attempt. Then it gives up with ECONFLICT, which asks
// the caller to send the change again, rather than with the driver's error,
// which would be a 500.
func (s *Store) retry(ctx context.Context, attempt func() error) error {
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || !s.d.retryable(err) || ctx.Err() != nil {
			return err
		}
		if n == maxAttempts {
			s.log.Warn("sqlstore: transaction given up after repeated conflicts with concurrent ones", "attempts", n, "err", err)
			return calendar.Errorf(calendar.ECONFLICT,
				"the change clashed with other changes made at the same moment and was given up after %d tries; send it again", n)
		}
		s.log.Debug("sqlstore: transaction conflicted with a concurrent one; running it again", "attempt", n, "err", err)
		pause := time.NewTimer(rand.N(5 * time.Millisecond << n))
		select {
		case <-ctx.Done():
			pause.Stop()
			return err
		case <-pause.C:
		}
	}
}

// txState is the transaction shared by the calls of an InTx callback.
type txState struct {
	tx          *sql.Tx
	depth       int // open savepoints
	onStatement func(query string)
	// bare is set while the innermost InTx is all-or-nothing.
	bare *bareLevel
}

// bareLevel is an all-or-nothing InTx (calendar.AllOrNothing) in progress.
type bareLevel struct {
	// failed is the first error a write returned, after which the
	// callback should have given up.
	failed error
	// pending are change records not yet inserted (record, flushChanges).
	pending []changeRow
}

// call runs fn, one call of the callback, without a savepoint: refused
// after a call failed, and marking the level failed when it fails.
func (lv *bareLevel) call(fn func() error) error {
	if lv.failed != nil {
		return fmt.Errorf("sqlstore: an earlier call failed in this all-or-nothing transaction: %v", lv.failed)
	}
	err := fn()
	if err != nil {
		lv.failed = err
	}
	return err
}

// exec sends one savepoint statement, after telling Options.OnStatement.
func (st *txState) exec(ctx context.Context, query string) error {
	st.onStatement(query)
	_, err := st.tx.ExecContext(ctx, query)
	return err
}

// savepoint runs fn inside a savepoint of the shared transaction and undoes
// fn's work if it fails. The change records an all-or-nothing level holds
// are written first: undoing fn must not undo them.
func (s *Store) savepoint(ctx context.Context, fn func() error) error {
	st := s.tx
	if err := s.newTx(st.tx).flushChanges(ctx); err != nil {
		return err
	}
	st.depth++
	defer func() { st.depth-- }()
	name := fmt.Sprintf("samkal_sp%d", st.depth)
	if err := st.exec(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		// Undo even when ctx has ended, so the outer transaction stays usable.
		bg := context.WithoutCancel(ctx)
		if rerr := st.exec(bg, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return errors.Join(err, fmt.Errorf("sqlstore: rollback to savepoint: %w", rerr))
		}
		if rerr := st.exec(bg, "RELEASE SAVEPOINT "+name); rerr != nil {
			return errors.Join(err, fmt.Errorf("sqlstore: release savepoint: %w", rerr))
		}
		return err
	}
	if err := st.exec(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("sqlstore: release savepoint: %w", err)
	}
	return nil
}

// tx is what the helpers of the public methods work with: the transaction,
// the dialect, and the time of the operation (whole seconds, Swedish time),
// read once so that every row written by one call carries the same time.
type tx struct {
	*sql.Tx
	d           *dialect
	now         time.Time
	onStatement func(query string)
	trace       func(query string, args []any)
	// bare is the all-or-nothing InTx level the call runs in, or nil.
	bare *bareLevel
}

func (s *Store) newTx(sqlTx *sql.Tx) *tx {
	t := &tx{Tx: sqlTx, d: s.d, now: fromUnix(s.now().Unix()), onStatement: s.onStatement, trace: s.trace}
	if s.tx != nil {
		t.bare = s.tx.bare
	}
	return t
}

// QueryContext, QueryRowContext and ExecContext are *sql.Tx's, after
// telling Options.OnStatement.
func (t *tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.onStatement(query)
	if t.trace != nil {
		t.trace(query, args)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	t.onStatement(query)
	if t.trace != nil {
		t.trace(query, args)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.onStatement(query)
	if t.trace != nil {
		t.trace(query, args)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// write runs fn in a read-write transaction, or in a savepoint of the InTx
// transaction, and commits when fn succeeds.
//
// fn runs again in a new transaction when the first ended in a deadlock
// (see retry), so it must not carry anything from one run to the next: it
// sets its results rather than appending to them, and changes the caller's
// values only from what it read in this run.
//
// In an all-or-nothing InTx (calendar.AllOrNothing) fn runs without a
// savepoint: its callback gives up on the first error, which undoes the
// whole InTx. A write after a failed one is refused.
func (s *Store) write(ctx context.Context, fn func(t *tx) error) error {
	if s.tx != nil {
		if lv := s.tx.bare; lv != nil {
			return lv.call(func() error { return fn(s.newTx(s.tx.tx)) })
		}
		return s.savepoint(ctx, func() error { return fn(s.newTx(s.tx.tx)) })
	}
	return s.retry(ctx, func() error { return s.inNewTx(ctx, nil, fn) })
}

// read runs fn in a read-only transaction (on SQLite a deferred one, which
// does not wait for writers), or in the InTx transaction.
func (s *Store) read(ctx context.Context, fn func(t *tx) error) error {
	if s.tx != nil {
		return fn(s.newTx(s.tx.tx))
	}
	return s.inNewTx(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

// inNewTx runs fn in a new transaction with opts and commits when fn
// succeeds; it rolls back otherwise.
func (s *Store) inNewTx(ctx context.Context, opts *sql.TxOptions, fn func(t *tx) error) error {
	s.onStatement("BEGIN")
	sqlTx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlstore: begin transaction: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(s.newTx(sqlTx)); err != nil {
		return err
	}
	s.onStatement("COMMIT")
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// fromUnix turns stored unix seconds into Swedish time.
func fromUnix(sec int64) time.Time { return time.Unix(sec, 0).In(calendar.Location) }

// nullUnix turns a nullable stored time into a time, zero for NULL.
func nullUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUnix(v.Int64)
}

// dayNumber stores a Date as YYYYMMDD, 0 for the zero Date.
func dayNumber(d calendar.Date) int64 {
	if d.IsZero() {
		return 0
	}
	return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day)
}

// dayFromNumber is the inverse of dayNumber.
func dayFromNumber(n int64) calendar.Date {
	if n == 0 {
		return calendar.Date{}
	}
	return calendar.Date{Year: int(n / 10000), Month: time.Month(n / 100 % 100), Day: int(n % 100)}
}

// notFound returns the ENOTFOUND error for a missing thing.
func notFound(what, name string) error {
	return calendar.Errorf(calendar.ENOTFOUND, "%s %q does not exist", what, name)
}

// missing returns the EINVALID error for a reference to a missing thing.
func missing(what, name string) error {
	return calendar.Errorf(calendar.EINVALID, "%s %q does not exist", what, name)
}
