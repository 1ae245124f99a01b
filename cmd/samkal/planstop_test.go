package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// These tests stop the real binary while it plans a large booking window:
// `samkal serve` with SIGTERM during a plan request, `samkal plan window`
// with Ctrl+C (SIGINT). They wait for the process to exit under a generous
// guard and check how it ended, never how fast.

// yearWindowYAML is a large window that the limits allow: next year's
// årsplan of two management groups with the same three people, every week
// of 2026 on weekdays 08.00–17.00 at 5 minutes, 20 meetings of three hours
// each (773,800 placements).
func yearWindowYAML() string {
	var weeks []string
	for w := 1; w <= 53; w++ {
		weeks = append(weeks, fmt.Sprintf("2026-W%02d", w))
	}
	return `booking_windows:
  - name: Årsplan 2026 för chefsgruppen
    weeks: [` + strings.Join(weeks, ", ") + `]
    bodies: [chefsgrupp-folkhalsa, chefsgrupp-social]
    counts: {chefsgrupp-folkhalsa: 20, chefsgrupp-social: 20}
    duration_minutes: 180
    weekdays: [mon, tue, wed, thu, fri]
    hours:
      - {from: "08:00", to: "17:00"}
    buffer_minutes: 30
    granularity_minutes: 5
`
}

// yearWindowDB fills a SQLite database for yearWindowYAML: the bodies,
// their three members, their meetings of 2025 (one on Tuesday mornings,
// the other on Thursday afternoons) and a council of the same people that
// meets on Tuesday and Thursday mornings in 2026, in the way of one habit:
// the search runs until its work budget is spent, some seconds.
// With stored, the window is stored too (id 1).
func yearWindowDB(t *testing.T, stored bool) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "samkal.db")
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.InTx(ctx, func(tx calendar.Store) error {
		for _, b := range []*calendar.Body{
			{Slug: "chefsgrupp-folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public},
			{Slug: "chefsgrupp-social", Name: "Chefsgrupp social välfärd", Kind: calendar.BodyManagementGroup, Visibility: calendar.Public},
			{Slug: "radet", Name: "Rådet", Kind: calendar.BodySpecificCouncil, Visibility: calendar.Public},
		} {
			if err := tx.CreateBody(ctx, b); err != nil {
				return err
			}
		}
		for _, key := range []string{"maria-lindborg", "ida-broman", "cecilia-ljung"} {
			if err := tx.CreatePerson(ctx, &calendar.Person{Key: key, Name: key}); err != nil {
				return err
			}
			for _, body := range []string{"chefsgrupp-folkhalsa", "chefsgrupp-social", "radet"} {
				if err := tx.CreateMembership(ctx, &calendar.Membership{Body: body, Person: key, Role: calendar.RoleMember}); err != nil {
					return err
				}
			}
		}
		meet := func(body string, d calendar.Date, h, hours int) error {
			start := d.At(h, 0)
			return tx.CreateMeeting(ctx, &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{body}, Start: start,
				End: start.Add(time.Duration(hours) * time.Hour), Status: calendar.StatusConfirmed})
		}
		for d := (calendar.Date{Year: 2025, Month: 1, Day: 9}); d.Year == 2025; d = d.AddDays(35) {
			if err := meet("chefsgrupp-folkhalsa", d, 13, 3); err != nil {
				return err
			}
			if err := meet("chefsgrupp-social", d.AddDays(-2), 9, 3); err != nil {
				return err
			}
		}
		for d := (calendar.Date{Year: 2025, Month: 12, Day: 29}); d.Year < 2027; d = d.AddDays(1) {
			if wd := d.Weekday(); wd == time.Tuesday || wd == time.Thursday {
				if err := meet("radet", d, 10, 2); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored {
		ws, err := arsplan.ParseBookingWindows("window.yaml", []byte(yearWindowYAML()))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateBookingWindow(ctx, &ws[0].BookingWindow); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// cpuTime is the processor time process pid has used so far (Linux).
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0 // exited
	}
	// The command name in parentheses may hold spaces; fields follow it.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// waitBusy waits until process pid has used busy more processor time than
// it had at from: it is then planning, past its start. It fails if done
// closes first.
func waitBusy(t *testing.T, pid int, from, busy time.Duration, done <-chan struct{}, what string) {
	t.Helper()
	guard := time.After(2 * time.Minute)
	for cpuTime(t, pid)-from < busy {
		select {
		case <-done:
			t.Fatalf("%s ended before it had worked %s; the window is too small for this test", what, busy)
		case <-guard:
			t.Fatalf("%s did not work %s within 2 minutes", what, busy)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestServeStopsPlanningOnSIGTERM: SIGTERM while three plan requests of
// a large window are running. When the shutdown timeout (4 s here) nears,
// the requests' contexts end, the searches stop and answer 503, and the
// server exits with 0. Before, Shutdown waited out its timeout, then
// closed the connections under the running handlers (the clients got no
// answer) and the process waited for the searches before it could close
// the database.
func TestServeStopsPlanningOnSIGTERM(t *testing.T) {
	db := yearWindowDB(t, true)
	cmd := exec.Command(samkalBinary(t), "serve")
	cmd.Env = append(os.Environ(), "SAMKAL_DB="+db, "SAMKAL_ADDR=127.0.0.1:0", "SAMKAL_SMTP_HOST=",
		"SAMKAL_ADMIN_TOKEN=process-test-admin-token", "SAMKAL_SHUTDOWN_TIMEOUT=4s", "SAMKAL_LOG_LEVEL=info")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("output of samkal serve:\n%s", out.String())
		}
	})
	var addr string
	waitFor(t, time.Minute, "the server to listen", func() (bool, string) {
		m := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil, out.String()
	})

	idle := cpuTime(t, cmd.Process.Pid)
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make(chan answer, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rq, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/booking-windows/1/plan", nil)
			rq.Header.Set("Authorization", "Bearer process-test-admin-token")
			res, err := http.DefaultClient.Do(rq)
			if err != nil {
				answers <- answer{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			answers <- answer{res.StatusCode, string(b), err}
		}()
	}
	waitBusy(t, cmd.Process.Pid, idle, 300*time.Millisecond, exited, "samkal serve")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(2 * time.Minute): // a hang guard only
		t.Fatal("samkal serve did not exit within 2 minutes of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitOK {
		t.Errorf("samkal serve exited with %d (%v), want %d", code, waitErr, exitOK)
	}
	wg.Wait()
	close(answers)
	stopped := 0
	for a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("a plan request got no answer: %v", a.err)
		case a.status == http.StatusServiceUnavailable && strings.Contains(a.body, "restarting"):
			stopped++
		case a.status != http.StatusOK:
			t.Errorf("a plan request got %d: %s", a.status, a.body)
		}
	}
	logs := out.String()
	if strings.Contains(logs, "did not stop in time") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("the shutdown logged an error:\n%s", logs)
	}
	if stopped == 0 {
		t.Errorf("no plan request was answered 503 by the shutdown")
	}
	t.Logf("%d of 3 plan requests stopped by the shutdown, answered 503", stopped)
}

// TestPlanWindowStopsOnCtrlC: `samkal plan window` on a large window stops
// on SIGINT, says that nothing was written and exits with 130.
func TestPlanWindowStopsOnCtrlC(t *testing.T) {
	db := yearWindowDB(t, false)
	path := filepath.Join(t.TempDir(), "window.yaml")
	if err := os.WriteFile(path, []byte(yearWindowYAML()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(samkalBinary(t), "plan", "window", "--db", db, "--apply", path)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})
	waitBusy(t, cmd.Process.Pid, 0, 300*time.Millisecond, exited, "samkal plan window")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(2 * time.Minute): // a hang guard only
		t.Fatal("samkal plan window did not exit within 2 minutes of Ctrl+C")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted ||
		!strings.Contains(out.String(), "samkal plan window: interrupted before it finished; nothing was written") {
		t.Errorf("exit code %d, output:\n%s\nwant %d and that nothing was written", code, out.String(), exitInterrupted)
	}
	st := openDB(t, db)
	if ws, err := st.FindBookingWindows(context.Background()); err != nil || len(ws) != 0 {
		t.Errorf("after Ctrl+C the database has windows %v (%v); want none", ws, err)
	}
}
