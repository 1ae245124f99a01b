package sqltest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// installHint is what a failing test says when no PostgreSQL is at hand.
const installHint = "install the server with `apt-get install -y postgresql` (it need not run: the tests start their own), " +
	"or set " + EnvPostgresURL + " to the URL of a server on which the tests may CREATE DATABASE"

// cluster is a throwaway PostgreSQL cluster in a temporary directory,
// listening on 127.0.0.1 at a free port and on a socket in that directory.
// Durability is off (fsync, full-page writes): a crash loses nothing that
// matters.
type cluster struct {
	dir    string // holds data/, the socket, the log and owner.pid
	bin    string // folder of initdb, pg_ctl and postgres
	port   int
	asUser string // "postgres" when this process is root, which PostgreSQL refuses to run as
}

// clusterPrefix starts the name of every cluster folder, so that a later run
// can find and remove clusters whose test process died without stopping them.
const clusterPrefix = "samkal-pg-"

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startCluster creates and starts a cluster. Its errors say what to do.
func startCluster() (*cluster, error) {
	bin, err := findServerBinaries(debianServerBinaries)
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin}
	var uid, gid = -1, -1
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, so PostgreSQL must run as the system user postgres, which does not exist (%v): %s", err, installHint)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, fmt.Errorf("running as root, PostgreSQL must be started with runuser, which is missing: apt-get install -y util-linux")
		}
		c.asUser = "postgres"
	}
	for _, b := range baseCandidates() {
		c.reapOrphans(b)
	}
	base := tempBase(c.asUser != "")
	if c.dir, err = os.MkdirTemp(base, clusterPrefix); err != nil {
		return nil, fmt.Errorf("make a folder for the test PostgreSQL cluster: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, errors.Join(err, c.remove())
	}
	if uid >= 0 {
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return nil, errors.Join(fmt.Errorf("give the cluster folder to postgres: %w", err), c.remove())
		}
	}
	if out, err := c.run(2*time.Minute, "initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		return nil, errors.Join(fmt.Errorf("initdb failed: %w\n%s", err, out), c.remove())
	}
	conf := fmt.Sprintf(`
# Added by sqltest: a throwaway cluster for tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '%s'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
`, strings.ReplaceAll(c.dir, "'", "''"))
	if err := appendFile(filepath.Join(c.data(), "postgresql.conf"), conf); err != nil {
		return nil, errors.Join(fmt.Errorf("configure the test cluster: %w", err), c.remove())
	}
	// Another process may take the free port before the server binds it:
	// try a few ports.
	var startErr error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return nil, errors.Join(err, c.remove())
		}
		out, err := c.run(2*time.Minute, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "postgres.log"),
			"-o", fmt.Sprintf("-p %d", c.port), "-w", "-t", "60", "start")
		if err == nil {
			return c, nil
		}
		startErr = fmt.Errorf("pg_ctl start failed: %w\n%s\nserver log:\n%s", err, out, c.logTail())
		if !strings.Contains(c.logTail(), "could not bind") {
			break
		}
	}
	return nil, errors.Join(startErr, c.stop())
}

// stop stops the server and removes the cluster's folder.
func (c *cluster) stop() error {
	var err error
	if _, statErr := os.Stat(filepath.Join(c.data(), "postmaster.pid")); statErr == nil {
		if out, stopErr := c.run(time.Minute, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop"); stopErr != nil {
			err = fmt.Errorf("stop the test PostgreSQL cluster in %s: %w\n%s", c.dir, stopErr, out)
		}
	}
	return errors.Join(err, c.remove())
}

func (c *cluster) remove() error {
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove the test PostgreSQL cluster: %w", err)
	}
	return nil
}

// run runs one of the server binaries, as postgres when this process is
// root, and returns its output.
func (c *cluster) run(timeout time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.dir // a folder postgres may enter, unlike root's working directory
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	return cmd.CombinedOutput()
}

func (c *cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// reapOrphans stops and removes clusters under base left by test processes
// that died without stopping them (a panic, a test timeout, kill -9).
func (c *cluster) reapOrphans(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, clusterPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue // not ours, or still being made
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		orphan := &cluster{dir: dir, bin: c.bin, asUser: c.asUser}
		orphan.stop()
	}
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// debianServerBinaries is where Debian's postgresql packages put initdb.
const debianServerBinaries = "/usr/lib/postgresql/*/bin/initdb"

// findServerBinaries returns the folder of initdb and pg_ctl: the newest
// version that pattern matches, else wherever PATH has them.
func findServerBinaries(pattern string) (string, error) {
	found, _ := filepath.Glob(pattern)
	version := func(p string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
		return n
	}
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	if p, err := exec.LookPath("initdb"); err == nil {
		found = append(found, p)
	}
	for _, initdb := range found {
		dir := filepath.Dir(initdb)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH: %s", installHint)
}

// tempBase returns the folder for clusters: /dev/shm when it is a usable
// tmpfs (CREATE DATABASE is 25 times faster in memory than on this disk,
// even with fsync off), else the system's temporary folder, unless the
// server could not reach it or the socket path would be too long, then
// /tmp.
func tempBase(asOtherUser bool) string {
	for _, base := range []string{"/dev/shm", os.TempDir()} {
		if usableBase(base, asOtherUser) {
			return base
		}
	}
	return "/tmp"
}

// baseCandidates lists every folder tempBase may choose, for finding
// orphaned clusters.
func baseCandidates() []string {
	return slices.Compact([]string{"/dev/shm", os.TempDir(), "/tmp"})
}

func usableBase(base string, asOtherUser bool) bool {
	// A Unix socket path has at most 107 bytes: base/samkal-pg-NNNNNNNNNN/.s.PGSQL.NNNNN
	if len(base) > 60 {
		return false
	}
	if syscall.Access(base, 0o3) != nil { // writable and searchable by this process
		return false
	}
	var fs syscall.Statfs_t
	if syscall.Statfs(base, &fs) != nil || uint64(fs.Bavail)*uint64(fs.Bsize) < 512<<20 {
		return false
	}
	if asOtherUser {
		// The server runs as postgres: every folder above must let it pass.
		for dir := base; ; dir = filepath.Dir(dir) {
			fi, err := os.Stat(dir)
			if err != nil || fi.Mode().Perm()&0o001 == 0 {
				return false
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	return true
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte(text)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
