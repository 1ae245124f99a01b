package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// changesVia opens db and returns the changes recorded through via.
func changesVia(t *testing.T, db, via string) []*calendar.Change {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.FindChanges(context.Background(), calendar.ChangeFilter{Via: &via, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestUsers: the first admin and a stand-in secretary of two bodies are
// made with the CLI, listed beside the sekreterare memberships, and taken
// back; every change is recorded as made through the CLI, the import's
// too.
func TestUsers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)
	if n := len(changesVia(t, db, calendar.ViaCLI)); n < 50 {
		t.Errorf("the import recorded %d changes as made through the CLI, want all of them", n)
	}

	r := mustRun(t, nil, "users", "list", "--db", db)
	if !regexp.MustCompile(`malin-duckert-ek\s+Malin[^\n]*secretary\s+specifika-samverkansradet-for-social-valfard-samt-vard-och-omsorg\s+sekreterare membership`).MatchString(r.stdout) {
		t.Errorf("the list lacks the sekreterare membership of Malin:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "grant") {
		t.Errorf("roles listed as given before any was:\n%s", r.stdout)
	}

	r = mustRun(t, nil, "users", "grant", "--db", db, "--person", "behcet-barsom", "--role", "admin")
	if r.stdout != "behcet-barsom is now admin\n" {
		t.Errorf("grant admin said %q", r.stdout)
	}
	r = mustRun(t, nil, "users", "grant", "--db", db, "--person", "behcet-barsom", "--role", "admin")
	if r.stdout != "behcet-barsom is already admin\n" {
		t.Errorf("grant admin again said %q", r.stdout)
	}
	mustRun(t, nil, "users", "grant", "--person", "jenny-steen", "--role", "secretary", "--body", "chefsgrupp-folkhalsa", "--body", "skolchefsgruppen", "--db", db)
	r = mustRun(t, nil, "users", "list", "--db", db, "--person", "jenny-steen")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PERSON") ||
		!regexp.MustCompile(`^jenny-steen\s+Jenny Steen\s+secretary\s+chefsgrupp-folkhalsa\s+grant$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^jenny-steen\s+Jenny Steen\s+secretary\s+skolchefsgruppen\s+grant$`).MatchString(lines[2]) {
		t.Errorf("list --person jenny-steen:\n%s", r.stdout)
	}
	if r := mustRun(t, nil, "users", "list", "--db", db); !regexp.MustCompile(`behcet-barsom\s+Behcet Barsom\s+admin\s+\(all\)\s+grant`).MatchString(r.stdout) {
		t.Errorf("the list lacks the admin:\n%s", r.stdout)
	}

	r = mustRun(t, nil, "users", "revoke", "--db", db, "--person", "jenny-steen", "--role", "secretary", "--body", "skolchefsgruppen")
	if r.stdout != "jenny-steen is no longer secretary of skolchefsgruppen\n" {
		t.Errorf("revoke said %q", r.stdout)
	}
	// Revoking what is not held fails and says so.
	r = samkal(t, nil, "users", "revoke", "--db", db, "--person", "jenny-steen", "--role", "secretary", "--body", "skolchefsgruppen")
	if r.code != exitFailure || !strings.Contains(r.stderr, "does not have the secretary role") {
		t.Errorf("revoke again: exit %d, stderr %q", r.code, r.stderr)
	}

	roles := changesVia(t, db, calendar.ViaCLI)
	kinds := 0
	for _, c := range roles {
		if c.Entity == "role" {
			kinds++
		}
	}
	if kinds != 4 { // admin, two secretaries, one revoked
		t.Errorf("%d role changes recorded through the CLI, want 4", kinds)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"users", "grant", "--person", "ingen", "--role", "admin"}, exitFailure, "ingen"},
		{[]string{"users", "grant", "--person", "jenny-steen", "--role", "secretary"}, exitUsage, "needs --body"},
		{[]string{"users", "grant", "--person", "jenny-steen", "--role", "admin", "--body", "skolchefsgruppen"}, exitUsage, "give no --body"},
		{[]string{"users", "grant", "--person", "jenny-steen", "--role", "chef"}, exitUsage, `--role "chef" is unknown`},
		{[]string{"users", "grant", "--role", "admin"}, exitUsage, "--person is required"},
		{[]string{"users", "grant", "--person", "jenny-steen", "--role", "secretary", "--body", "finns-inte"}, exitFailure, "finns-inte"},
		{[]string{"users", "list", "--person", "ingen"}, exitFailure, "ingen"},
		{[]string{"users", "promote"}, exitUsage, "unknown subcommand"},
	} {
		r := samkal(t, nil, append(tt.args, "--db", db)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("samkal %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.want)
		}
	}
	if r := samkal(t, nil, "users"); r.code != exitUsage || !strings.Contains(r.stderr, "samkal users grant --person KEY --role admin") {
		t.Errorf("samkal users: exit %d, stderr %q; want the usage", r.code, r.stderr)
	}
}

// TestRetainChanges: the daily job removes what is older than the
// retention, records that it did as the retention job, and does nothing
// when the retention is 0.
func TestRetainChanges(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	all, err := st.FindChanges(ctx, calendar.ChangeFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := retainChanges(ctx, st, 0, time.Now().Add(24*time.Hour)); n != 0 || err != nil {
		t.Fatalf("retention 0 removed %d (%v)", n, err)
	}
	if n, err := retainChanges(ctx, st, 24*time.Hour, time.Now()); n != 0 || err != nil {
		t.Fatalf("a day's retention removed %d changes of today (%v)", n, err)
	}
	n, err := retainChanges(ctx, st, 24*time.Hour, time.Now().Add(25*time.Hour))
	if err != nil || n != len(all) {
		t.Fatalf("a day later it removed %d (%v), want all %d", n, err, len(all))
	}
	left, err := st.FindChanges(ctx, calendar.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Entity != "change" || left[0].Actor.Via != calendar.ViaRetention {
		t.Errorf("left after retention: %+v, want only the record of the removal", left)
	}
}
