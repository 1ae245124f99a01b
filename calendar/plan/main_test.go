package plan

import (
	"flag"
	"os"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// UpdateGolden is the -update flag of this package's tests: rewrite the
// golden files in testdata/ instead of comparing with them. It is defined
// here, once, so that every test file of the package, in package plan and
// in package plan_test alike, shares it (a second flag.Bool("update")
// would panic).
var UpdateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestMain stops the throwaway PostgreSQL server that the tests of this
// package may start (see sqltest.Main). It is the package's only TestMain.
func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }
