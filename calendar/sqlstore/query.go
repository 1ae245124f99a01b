package sqlstore

import (
	"fmt"
	"strings"
)

// where builds a WHERE clause with numbered placeholders. Conditions are
// written with "$?", which add numbers in order: the same text then serves
// both engines.
type where struct {
	conds []string
	args  []any
}

// add appends cond, whose "$?" marks stand for args in order.
func (w *where) add(cond string, args ...any) {
	var b strings.Builder
	n := 0
	for {
		i := strings.Index(cond, "$?")
		if i < 0 {
			break
		}
		b.WriteString(cond[:i])
		w.args = append(w.args, args[n])
		n++
		fmt.Fprintf(&b, "$%d", len(w.args))
		cond = cond[i+2:]
	}
	if n != len(args) {
		panic(fmt.Sprintf("sqlstore: condition has %d placeholders for %d arguments", n, len(args)))
	}
	b.WriteString(cond)
	w.conds = append(w.conds, b.String())
}

// sql returns " WHERE c1 AND c2 …", or "" without conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// marks returns n "$?" marks separated by commas, for an IN list.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("$?, ", n), ", ")
}

// numbered returns "$from, $from+1, …" for n placeholders, for an IN list in
// a statement built without where.
func numbered(from, n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(s, ", ")
}

// anys turns a slice into arguments.
func anys[T any](s []T) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}
