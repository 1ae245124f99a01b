package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"
)

// FindMailKeys returns the keys starting with prefix of outbox messages and
// skipped records, sorted. The prefix is compared with substr, not LIKE, so
// that "_" and "%" in a key are plain characters, and not with a range,
// because PostgreSQL's collations may order "/" apart from the letters.
func (s *Store) FindMailKeys(ctx context.Context, prefix string) ([]string, error) {
	if prefix == "" {
		return nil, fmt.Errorf("sqlstore: find mail keys: an empty prefix would list every email")
	}
	const q = `SELECT key FROM outbox WHERE substr(key, 1, $1) = $2
		UNION SELECT key FROM skipped_mail WHERE substr(key, 1, $1) = $2`
	var keys []string
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, q, utf8.RuneCountInString(prefix), prefix)
		if err != nil {
			return fmt.Errorf("sqlstore: find mail keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return fmt.Errorf("sqlstore: find mail keys: %w", err)
			}
			keys = append(keys, k)
		}
		return rows.Err()
	})
	slices.Sort(keys)
	return keys, err
}
