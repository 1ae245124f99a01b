package arsplan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// Error is one problem in an årsplan file, at a line (and column when
// known; both are 1-based, 0 when unknown). Msg is plain English meant for
// the person who edits the file.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

// Error returns "file:line: msg", or "file: msg" when the line is unknown.
func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Errors is every problem found in one file, ordered by line. Parse and
// Apply return it (never an empty one) so that a secretary can fix all
// problems in one round.
type Errors []*Error

// Error returns the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as one calendar.EINVALID error, so that
// calendar.ErrorCode and calendar.ErrorMessage treat a bad file as the
// caller's mistake (not as an internal error) wherever it surfaces.
func (es Errors) Unwrap() error {
	if len(es) == 0 {
		return nil
	}
	details := make([]string, len(es))
	for i, e := range es {
		details[i] = e.Error()
	}
	msg := details[0]
	if len(details) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", details[0], len(details)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: details}
}

// sorted returns es ordered by line and column, keeping the order in which
// problems were found on the same spot.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Column < es[j].Column
	})
	return es
}
