package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// samkalAnswering runs a people command with stdin as the operator's
// answers.
func samkalAnswering(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: getenv(nil)}
	code := peopleCmd(t.Context(), e, args)
	return result{code, stdout.String(), stderr.String()}
}

// TestPeopleExportErase: export prints the person's data as JSON; erase
// asks for the key, does nothing on a wrong answer, erases on the right
// one (or with --yes), and records the erasure as made by the CLI.
func TestPeopleExportErase(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "samkal.db")
	mustRun(t, nil, "import", "--db", db, exampleFile)

	r := mustRun(t, nil, "people", "export", "--db", db, "jenny-steen")
	var x calendar.PersonExport
	if err := json.Unmarshal([]byte(r.stdout), &x); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, r.stdout)
	}
	if x.Person.Key != "jenny-steen" || x.Person.Email != "jenny-steen@example.org" || len(x.Memberships) == 0 {
		t.Errorf("export person %+v memberships %d", x.Person, len(x.Memberships))
	}
	if r := samkal(t, nil, "people", "export", "--db", db, "finns-inte"); r.code != exitFailure || !strings.Contains(r.stderr, `"finns-inte" does not exist`) {
		t.Errorf("export of an unknown key: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := samkal(t, nil, "people", "export", "--db", db); r.code != exitUsage {
		t.Errorf("export without a key: exit %d", r.code)
	}

	r = samkalAnswering(t, "jenny\n", "erase", "--db", db, "jenny-steen")
	if r.code != exitFailure || !strings.Contains(r.stderr, "Type the key jenny-steen") || !strings.Contains(r.stderr, "nothing was erased") {
		t.Errorf("erase with a wrong answer: exit %d, stderr %q", r.code, r.stderr)
	}
	mustRun(t, nil, "people", "export", "--db", db, "jenny-steen")

	r = samkalAnswering(t, "jenny-steen\n", "erase", "--db", db, "jenny-steen")
	if r.code != exitOK || !strings.Contains(r.stdout, "Erased jenny-steen; the person is now borttagen-") ||
		!strings.Contains(r.stdout, `naming "Borttagen person"`) {
		t.Fatalf("erase: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if r := samkal(t, nil, "people", "export", "--db", db, "jenny-steen"); r.code != exitFailure {
		t.Errorf("export after erasure: exit %d", r.code)
	}
	r = samkalAnswering(t, "", "erase", "--yes", "--db", db, "behcet-barsom")
	if r.code != exitOK || strings.Contains(r.stderr, "confirm") {
		t.Errorf("erase --yes: exit %d, stderr %q", r.code, r.stderr)
	}

	store, err := sqlstore.Open(t.Context(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cs, err := store.FindChanges(t.Context(), calendar.ChangeFilter{Entity: ptrTo("person"), Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Action != calendar.ActionErase || cs[1].Action != calendar.ActionErase || cs[0].Actor.Via != calendar.ViaCLI {
		t.Errorf("latest person changes %+v, want two erasures by the CLI", cs)
	}
}
