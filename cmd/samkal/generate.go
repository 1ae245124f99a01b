package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/samkal/samkal/calendar/arsplan"
)

// generate writes the generated national data set (arsplan.GenerateRegion)
// as one årsplan file per region in a directory, ready for
// "samkal import DIR/*.yaml": the scale benchmarks and load tests use it.
func generate(_ context.Context, e *env, args []string) int {
	fs, _ := flagSet(e, "generate", "--out DIR [--regions N] [--seed N]")
	out := fs.String("out", "", "directory to write the files into (created if missing)")
	regions := fs.Int("regions", arsplan.GenRegions, fmt.Sprintf("how many regions, 1–%d", arsplan.GenRegions))
	seed := fs.Int64("seed", 1, "the same seed writes the same files")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(err)
	}
	if *out == "" || *regions < 1 || *regions > arsplan.GenRegions {
		fmt.Fprintf(e.stderr, "samkal generate: give --out DIR and --regions 1–%d\n", arsplan.GenRegions)
		fs.Usage()
		return exitUsage
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "samkal generate: %v\n", err)
		return exitFailure
	}
	write := func(name string, fill func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(*out, name))
		if err != nil {
			return err
		}
		if err := fill(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	err := write("00-national.yaml", func(f *os.File) error { return arsplan.GenerateNational(f) })
	for r := 1; r <= *regions && err == nil; r++ {
		err = write(fmt.Sprintf("region-%02d.yaml", r), func(f *os.File) error { return arsplan.GenerateRegion(f, *seed, r) })
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal generate: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "wrote %d regions to %s; import them with: samkal import %s\n", *regions, *out, filepath.Join(*out, "*.yaml"))
	return exitOK
}
