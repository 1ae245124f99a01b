package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// lockMode says what a write is about to do to the row it locks.
type lockMode int

const (
	// forUpdate: the row is read, changed in Go and written back.
	forUpdate lockMode = iota
	// forDelete: the row is read (for the record of changes) and deleted.
	forDelete
)

// lock is the first statement of every write that reads a row and then
// changes or deletes it: it locks the row of table whose column equals key
// until the transaction ends, and reports whether the row exists.
//
// On PostgreSQL (READ COMMITTED) it is SELECT … FOR NO KEY UPDATE (or FOR
// UPDATE before a delete): a second writer of the same row waits here until
// the first commits, and then, as every later statement reads the latest
// committed data, it reads the row as the first left it, or finds it gone.
// Without the lock both would read the same old row and the second would
// write back the fields the first had changed, or delete and record what
// was already deleted. On SQLite the write transaction already holds the
// database's write lock, so lock only looks the row up.
//
// table and column are constants of this package, never input.
func (t *tx) lock(ctx context.Context, table, column string, key any, mode lockMode) (bool, error) {
	var one int
	err := t.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE `+column+` = $1`+t.d.lockClauses[mode], key).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("sqlstore: lock %s row: %w", table, err)
	}
	return true, nil
}
