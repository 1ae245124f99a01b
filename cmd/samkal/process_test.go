package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// These tests run the real samkal binary as separate processes: killed in
// the middle of sending, and three servers sharing one PostgreSQL
// database. They wait for mail to arrive (never asserting how fast).

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// samkalBinary builds the command once per test run.
func samkalBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "samkal-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "samkal")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// countingSink is an SMTP server that counts messages by Message-ID and
// can call a hook on each DATA before answering it.
type countingSink struct {
	mu     sync.Mutex
	byID   map[string]int
	total  int
	onData func(n int) // called with the number of DATA commands so far, before the reply
	port   int
}

func startCountingSink(t *testing.T) *countingSink {
	t.Helper()
	s := &countingSink{byID: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &countingSession{s}, nil }))
	srv.Domain = "sink.test.example"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.port = l.Addr().(*net.TCPAddr).Port
	return s
}

type countingSession struct{ s *countingSink }

func (c *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (c *countingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (c *countingSession) Reset()                               {}
func (c *countingSession) Logout() error                        { return nil }
func (c *countingSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	c.s.mu.Lock()
	c.s.byID[h.Get("Message-Id")]++
	c.s.total++
	n, hook := c.s.total, c.s.onData
	c.s.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return nil
}

func (s *countingSink) snapshot() (unique, total int, twice []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.byID {
		if n > 1 {
			twice = append(twice, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	return len(s.byID), s.total, twice
}

// waitFor polls until cond holds or the deadline passes (a failure that
// says what was seen, not a timing assertion: the limit is generous).
func waitFor(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting after %s for %s; last seen: %s", limit, what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dueNotices fills store with meetings whose kallelse is due now: meetings
// three days ahead, each with members people. The calls for agenda items
// of these meetings are past their deadline and are skipped.
func dueNotices(t *testing.T, st calendar.Store, meetings, members int) {
	t.Helper()
	ctx := context.Background()
	day := calendar.DateOf(time.Now()).AddDays(3)
	for i := range meetings {
		body := fmt.Sprintf("grupp-%d", i)
		if err := st.CreateBody(ctx, &calendar.Body{Slug: body, Name: fmt.Sprintf("Grupp %d", i),
			Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}); err != nil {
			t.Fatal(err)
		}
		err := st.InTx(ctx, func(tx calendar.Store) error {
			for j := range members {
				key := fmt.Sprintf("person-%d-%d", i, j)
				if err := tx.CreatePerson(ctx, &calendar.Person{Key: key, Name: fmt.Sprintf("Person %d %d", i, j),
					Email: key + "@kommun.test.example"}); err != nil {
					return err
				}
				if err := tx.CreateMembership(ctx, &calendar.Membership{Body: body, Person: key, Role: calendar.RoleMember}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		start := day.At(9, 0).Add(time.Duration(i) * 10 * time.Minute)
		if err := st.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{body},
			Start: start, End: start.Add(time.Hour), Status: calendar.StatusConfirmed}); err != nil {
			t.Fatal(err)
		}
	}
}

// serveProcess starts `samkal serve` with the mail job every second.
func serveProcess(t *testing.T, db string, smtpPort int, extra ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(samkalBinary(t), "serve")
	cmd.Env = append(os.Environ(),
		"SAMKAL_DB="+db,
		"SAMKAL_ADDR=127.0.0.1:0",
		"SAMKAL_SMTP_HOST=127.0.0.1",
		"SAMKAL_SMTP_PORT="+strconv.Itoa(smtpPort),
		"SAMKAL_SMTP_TLS=none",
		"SAMKAL_MAIL_FROM=Samkal <samkal@region.test.example>",
		"SAMKAL_NOTIFY_SCHEDULE=@every 1s",
		"SAMKAL_NOTIFY_LEASE=10s",
		"SAMKAL_NOTIFY_QUIET_HOURS=",
		"SAMKAL_NOTIFY_QUIET_WEEKENDS=false",
		"SAMKAL_LOG_LEVEL=info",
	)
	cmd.Env = append(cmd.Env, extra...)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("output of samkal serve (pid %d):\n%s", cmd.Process.Pid, out.String())
		}
	})
	return cmd, &out
}

// TestKilledInMiddleOfBatchThenRestarted: the server is killed (SIGKILL)
// while the SMTP server holds its 10th message unanswered. After a
// restart every email arrives; only the message in flight may arrive twice.
func TestKilledInMiddleOfBatchThenRestarted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samkal.db")
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dueNotices(t, st, 1, 40)
	st.Close()

	sink := startCountingSink(t)
	killed, started := make(chan struct{}), make(chan *exec.Cmd, 1)
	sink.onData = func(n int) {
		if n == 10 {
			first := <-started
			first.Process.Kill() // before the SMTP server answers message 10
			first.Wait()
			close(killed)
		}
	}
	first, _ := serveProcess(t, db, sink.port, "SAMKAL_NOTIFY_BATCH=15")
	started <- first
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		t.Fatal("the first server sent fewer than 10 messages in 2 minutes")
	}
	sink.mu.Lock()
	sink.onData = nil
	sink.mu.Unlock()

	serveProcess(t, db, sink.port, "SAMKAL_NOTIFY_BATCH=15")
	waitFor(t, 2*time.Minute, "all 40 kallelser after the restart", func() (bool, string) {
		u, total, twice := sink.snapshot()
		return u == 40, fmt.Sprintf("%d distinct of %d received, repeated %v", u, total, twice)
	})
	// Let a few more scans pass: nothing more may arrive.
	time.Sleep(3 * time.Second)
	u, total, twice := sink.snapshot()
	if u != 40 || total > 41 || len(twice) > 1 {
		t.Fatalf("received %d distinct in %d messages, repeated %v; want 40, at most the one in flight twice", u, total, twice)
	}
	t.Logf("40 distinct kallelser in %d messages; repeated: %v", total, twice)
}

// TestThreeServersOnePostgres: three `samkal serve` processes on one
// PostgreSQL database, 1,000 kallelser due; each arrives exactly once.
func TestThreeServersOnePostgres(t *testing.T) {
	url := sqltest.PostgresURL(t)
	st, err := sqlstore.Open(context.Background(), url, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dueNotices(t, st, 20, 50)
	st.Close()

	sink := startCountingSink(t)
	var outs []*lockedBuffer
	for range 3 {
		_, out := serveProcess(t, url, sink.port)
		outs = append(outs, out)
	}
	waitFor(t, 3*time.Minute, "1,000 kallelser from three servers", func() (bool, string) {
		u, total, twice := sink.snapshot()
		return u == 1000, fmt.Sprintf("%d distinct of %d received, repeated %d", u, total, len(twice))
	})
	time.Sleep(3 * time.Second)
	u, total, twice := sink.snapshot()
	if u != 1000 || total != 1000 {
		t.Fatalf("received %d distinct in %d messages (repeated %v); want each of 1,000 exactly once", u, total, twice)
	}
	// How the servers shared the work, from their own logs.
	var shares []int
	for _, out := range outs {
		n := 0
		for _, m := range sentPattern.FindAllStringSubmatch(out.String(), -1) {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
		shares = append(shares, n)
	}
	t.Logf("1,000 kallelser, each once; sent per server: %v", shares)
}

var sentPattern = regexp.MustCompile(`outbox delivery run.* sent=(\d+)`)
