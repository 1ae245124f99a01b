package arsplan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// countryFiles generates the national file and regions 1–n, parsed.
func countryFiles(tb testing.TB, n int) []*File {
	tb.Helper()
	var files []*File
	parse := func(name string, write func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			tb.Fatal(err)
		}
		f, err := Parse(name, buf.Bytes())
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, f)
	}
	parse("00-national.yaml", func(b *bytes.Buffer) error { return GenerateNational(b) })
	for r := 1; r <= n; r++ {
		parse(fmt.Sprintf("region-%02d.yaml", r), func(b *bytes.Buffer) error { return GenerateRegion(b, 1, r) })
	}
	return files
}

// importAll applies files in one transaction and adds up their reports.
func importAll(tb testing.TB, s calendar.Store, files []*File) (created, changed, unchanged int) {
	tb.Helper()
	ctx := context.Background()
	err := s.InTx(calendar.AllOrNothing(ctx), func(tx calendar.Store) error {
		for _, f := range files {
			rep, err := Apply(ctx, tx, f)
			if err != nil {
				return err
			}
			for _, n := range rep.Created {
				created += n
			}
			for _, n := range rep.Updated {
				changed += n
			}
			for _, n := range rep.Unchanged {
				unchanged += n
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return created, changed, unchanged
}

// TestGeneratedCountry is the CI-sized country: one region and the
// national coordinator import on both engines, and again unchanged.
func TestGeneratedCountry(t *testing.T) {
	files := countryFiles(t, 1)
	var a, b bytes.Buffer
	_ = GenerateRegion(&a, 1, 2)
	_ = GenerateRegion(&b, 1, 2)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed wrote different files")
	}
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		created, changed, _ := importAll(t, s, files)
		// Per region 16 organisations, 8 rooms, 800 people, 60 bodies,
		// 1,924 memberships (the coordinator's four included), 1,440
		// meetings and 6 conference days (2 a year); the national file
		// adds an organisation and a person.
		if want := 2 + 16 + 8 + 800 + 60 + 1920 + 4 + 1440 + 6; created != want || changed != 0 {
			t.Fatalf("first import: %d created, %d changed; want %d created", created, changed, want)
		}
		created, changed, unchanged := importAll(t, s, files)
		if created != 0 || changed != 0 || unchanged == 0 {
			t.Fatalf("import again: %d created, %d changed, %d unchanged; want only unchanged", created, changed, unchanged)
		}
		coordinator, err := s.FindBodies(context.Background(), calendar.BodyFilter{Person: ptr("nationell-samordnare")})
		if err != nil {
			t.Fatal(err)
		}
		if len(coordinator) != 4 {
			t.Fatalf("the coordinator sits in %d bodies of region 1; want 4", len(coordinator))
		}
	})
}

// BenchmarkImportCountry imports generated regions into an empty database
// and then again unchanged, on both engines: 1 and 2 regions by default
// (CI runs every benchmark once), the sizes in SAMKAL_BENCH_REGIONS
// ("1,2,4,8") for the figures in docs/benchmarks.md ("The country").
// Linear means the seconds per region stay the same as the regions grow.
// The statements are counted too (sqlstore.Options.OnStatement, savepoints
// included): on PostgreSQL each is a round trip.
func BenchmarkImportCountry(b *testing.B) {
	for _, e := range sqltest.Engines() {
		for _, n := range benchRegions(b) {
			files := countryFiles(b, n)
			b.Run(fmt.Sprintf("%s/regions=%d", e.Name, n), func(b *testing.B) {
				var first, again time.Duration
				var statements atomic.Int64
				var firstN, againN int64
				for range b.N {
					s := e.Open(b, sqlstore.Options{OnStatement: func(string) { statements.Add(1) }})
					statements.Store(0)
					start := time.Now()
					importAll(b, s, files)
					first += time.Since(start)
					firstN += statements.Swap(0)
					start = time.Now()
					importAll(b, s, files)
					again += time.Since(start)
					againN += statements.Swap(0)
				}
				b.ReportMetric(first.Seconds()/float64(b.N), "s/import")
				b.ReportMetric(again.Seconds()/float64(b.N), "s/reimport")
				b.ReportMetric(first.Seconds()/float64(b.N)/float64(n), "s/region")
				b.ReportMetric(float64(firstN)/float64(b.N)/float64(n), "stmts/region")
				b.ReportMetric(float64(againN)/float64(b.N), "stmts/reimport")
			})
		}
	}
}

// benchRegions is SAMKAL_BENCH_REGIONS as numbers, or 1 and 2.
func benchRegions(b *testing.B) []int {
	v := os.Getenv("SAMKAL_BENCH_REGIONS")
	if v == "" {
		return []int{1, 2}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > GenRegions {
			b.Fatalf("SAMKAL_BENCH_REGIONS=%q: give region counts 1–%d separated by commas", v, GenRegions)
		}
		out = append(out, n)
	}
	return out
}
