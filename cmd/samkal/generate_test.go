package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerate: samkal generate writes the national file and one file per
// region, which samkal import takes as they are; a region count out of
// range is a usage error in words.
func TestGenerate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := mustRun(t, nil, "generate", "--out", dir, "--regions", "1")
	if !strings.Contains(out.stdout, "samkal import") {
		t.Errorf("generate does not say how to import: %q", out.stdout)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) != 2 {
		t.Fatalf("generate --regions 1 wrote %v (%v); want 00-national.yaml and region-01.yaml", files, err)
	}
	db := filepath.Join(t.TempDir(), "samkal.db")
	imported := mustRun(t, nil, append([]string{"import", "--db", db}, files...)...)
	if c, _, _ := counts(t, imported.stdout); c == 0 {
		t.Errorf("importing the generated files created nothing:\n%s", imported.stdout)
	}
	for _, bad := range [][]string{{"generate", "--out", dir, "--regions", "0"}, {"generate", "--regions", "2"}} {
		r := samkal(t, nil, bad...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--regions 1–21") {
			t.Errorf("samkal %s: exit %d, stderr %q; want a usage error naming the range", strings.Join(bad, " "), r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "region-02.yaml")); err == nil {
		t.Error("a refused run wrote a file")
	}
}
