package calendar

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := Errorf(ENOTFOUND, "body %q does not exist", "chefsgrupp-x")
	tests := []struct {
		name     string
		err      error
		code     string
		message  string
		notFound bool
	}{
		{"nil", nil, "", "", false},
		{"domain error", notFound, ENOTFOUND, `body "chefsgrupp-x" does not exist`, true},
		{"wrapped domain error", fmt.Errorf("loading feed: %w", notFound), ENOTFOUND, `body "chefsgrupp-x" does not exist`, true},
		{"twice wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", Errorf(ECONFLICT, "room taken"))), ECONFLICT, "room taken", false},
		{"joined, first domain error wins", errors.Join(errors.New("x"), Errorf(EFORBIDDEN, "not yours")), EFORBIDDEN, "not yours", false},
		{"internal error hides its text", errors.New(`pq: relation "meetings" does not exist`), EINTERNAL, "Internal error.", false},
		{"wrapped internal error", fmt.Errorf("query: %w", errors.New("password=secret")), EINTERNAL, "Internal error.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := ErrorMessage(tt.err); got != tt.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
			}
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, tt.notFound)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := Errorf(EINVALID, "start %s is after end", "2025-01-21")
	if got, want := err.Error(), "invalid: start 2025-01-21 is after end"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if err.Details != nil {
		t.Errorf("Errorf set Details %q, want none", err.Details)
	}
}
