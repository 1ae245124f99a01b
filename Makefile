# Samkal's developer commands. `make test` is the README's test command and
# what CI runs (.ci/run).

# Test tools from npm, one folder each under testdata/ with package.json and
# package-lock.json (ical.js for the feed checks).
NPM_DIRS := $(patsubst %/package.json,%,$(wildcard testdata/*/package.json))

.PHONY: test fuzz build deps

## test: install what the tests need and is missing (Debian packages when
## run as root, otherwise the one command to run is printed; then the npm
## test tools), then run every test (SQLite and PostgreSQL; the PostgreSQL
## tests start their own server).
test: deps $(addsuffix /node_modules/.package-lock.json,$(NPM_DIRS))
	go test ./...

## fuzz: fuzz every fuzz target for FUZZTIME (default 10s) each; see
## .ci/fuzz.
fuzz:
	.ci/fuzz

## deps: Node.js, npm, Chromium and the PostgreSQL server binaries.
deps:
	@.ci/install-test-deps

# npm writes node_modules/.package-lock.json on every install, so a tool is
# installed again only when it is missing or its lock file changed.
testdata/%/node_modules/.package-lock.json: testdata/%/package.json testdata/%/package-lock.json | deps
	npm ci --prefix testdata/$* --no-audit --no-fund

## build: build the samkal binary in the current directory.
build:
	go build -o samkal ./cmd/samkal
