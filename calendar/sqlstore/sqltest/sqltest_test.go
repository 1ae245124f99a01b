package sqltest

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestEngines(t *testing.T) {
	var names []string
	for _, e := range Engines() {
		names = append(names, e.Name)
		s := e.Open(t, sqlstore.Options{})
		if s.Engine() != e.Name {
			t.Errorf("engine %q opened a %q store", e.Name, s.Engine())
		}
	}
	if got := strings.Join(names, ","); got != "sqlite,postgres" {
		t.Errorf("Engines() = %s, want sqlite,postgres", got)
	}
}

// TestPostgresURL checks that every call gives a new database with nothing
// in it.
func TestPostgresURL(t *testing.T) {
	a, b := PostgresURL(t), PostgresURL(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	for _, u := range []string{a, b} {
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var tables int
		err = db.QueryRowContext(context.Background(), `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
		if err != nil {
			t.Fatalf("connect to %s: %v", u, err)
		}
		if tables != 0 {
			t.Errorf("%s has %d tables, want none", u, tables)
		}
	}
	// A store in one database is not seen from the other.
	s, err := sqlstore.Open(context.Background(), a, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, _ := sql.Open("pgx", b)
	defer db.Close()
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("after migrating one database the other has %d tables (%v), want none", tables, err)
	}
}

// TestMissingServer checks that without PostgreSQL the failure says how to
// install it.
func TestMissingServer(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := findServerBinaries("/nonexistent/*/bin/initdb")
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y postgresql") || !strings.Contains(err.Error(), EnvPostgresURL) {
		t.Errorf("got %v, want a message naming apt-get install -y postgresql and %s", err, EnvPostgresURL)
	}
}

// TestPostgresCopy: a copy holds what the database held when it was
// copied, and the two go separate ways after.
func TestPostgresCopy(t *testing.T) {
	ctx := context.Background()
	open := func(u string) *sqlstore.Store {
		s, err := sqlstore.Open(ctx, u, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	orgs := func(s *sqlstore.Store) string {
		os, err := s.FindOrganisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, o := range os {
			slugs = append(slugs, o.Slug)
		}
		return strings.Join(slugs, " ")
	}
	a := PostgresURL(t)
	s := open(a)
	if err := s.CreateOrganisation(ctx, &calendar.Organisation{Slug: "kumla", Name: "Kumla kommun", Kind: calendar.OrgMunicipality}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b := PostgresCopy(t, a)
	if b == a {
		t.Fatalf("the copy is the database itself: %s", b)
	}
	c := open(b)
	if got := orgs(c); got != "kumla" {
		t.Errorf("the copy holds organisations %q, want kumla", got)
	}
	if err := c.CreateOrganisation(ctx, &calendar.Organisation{Slug: "laxa", Name: "Laxå kommun", Kind: calendar.OrgMunicipality}); err != nil {
		t.Fatal(err)
	}
	if got := orgs(open(a)); got != "kumla" {
		t.Errorf("after a write to the copy the original holds %q, want kumla", got)
	}
}
