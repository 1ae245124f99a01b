package arsplan

import (
	"bytes"
	"context"
	"fmt"

	"github.com/samkal/samkal/calendar"
)

// ApplyGenerated imports the national file and regions 1–n of the
// generated country (seed 1, as `samkal generate` writes it) into store,
// in one transaction: the data that the benchmarks at the size of a
// country run on (docs/benchmarks.md, "The country").
func ApplyGenerated(ctx context.Context, store calendar.Store, n int) error {
	if n < 1 || n > GenRegions {
		return fmt.Errorf("arsplan: %d regions: the country has 1–%d", n, GenRegions)
	}
	return store.InTx(ctx, func(tx calendar.Store) error {
		for r := 0; r <= n; r++ {
			var buf bytes.Buffer
			name := "00-national.yaml"
			if r == 0 {
				_ = GenerateNational(&buf) // a bytes.Buffer does not fail
			} else {
				name = fmt.Sprintf("region-%02d.yaml", r)
				_ = GenerateRegion(&buf, 1, r)
			}
			f, err := Parse(name, buf.Bytes())
			if err != nil {
				return err
			}
			if _, err := Apply(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
}
