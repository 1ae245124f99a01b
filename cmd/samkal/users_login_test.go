package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestUsersLoginLink: the printed link signs the person in once; an
// unknown person and a missing --person are refused.
func TestUsersLoginLink(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)
	r := mustRun(t, map[string]string{"SAMKAL_BASE_URL": "https://samkal.example.se"}, "users", "login-link", "--db", db, "--person", "maria-lindborg")
	m := regexp.MustCompile(`^https://samkal\.example\.se/logga-in/([A-Za-z0-9_-]{40,})\n$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("stdout %q, want one line https://samkal.example.se/logga-in/TOKEN", r.stdout)
	}
	if !strings.Contains(r.stderr, "valid for 15 minutes") {
		t.Errorf("stderr %q does not say how long the link works", r.stderr)
	}
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, err := st.UseSignInLink(context.Background(), m[1]); err != nil || p != "maria-lindborg" {
		t.Errorf("using the printed link: %q, %v; want maria-lindborg", p, err)
	}
	if _, err := st.UseSignInLink(context.Background(), m[1]); err == nil {
		t.Errorf("the printed link worked twice")
	}

	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"users", "login-link", "--db", db, "--person", "finns-inte"}, exitFailure, `there is no person "finns-inte"`},
		{[]string{"users", "login-link", "--db", db}, exitUsage, "--person is required"},
		{[]string{"users", "nope"}, exitUsage, `unknown subcommand "nope"`},
		{[]string{"users"}, exitUsage, "samkal users login-link --person KEY"},
	} {
		r := samkal(t, nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("samkal %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.stderr)
		}
	}
	if r := samkal(t, nil, "help"); !strings.Contains(r.stdout, "login-link --person KEY") {
		t.Errorf("help does not list users login-link:\n%s", r.stdout)
	}
}
