package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

// TestNotifyPreviewAndRun: preview lists what is due and writes nothing;
// run queues and sends it; a second run sends nothing.
func TestNotifyPreviewAndRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samkal.db")
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dueNotices(t, st, 1, 3)
	st.Close()
	sink := startCountingSink(t)
	vars := map[string]string{"SAMKAL_DB": db, "SAMKAL_SMTP_HOST": "127.0.0.1", "SAMKAL_SMTP_PORT": strconv.Itoa(sink.port),
		"SAMKAL_SMTP_TLS": "none", "SAMKAL_MAIL_FROM": "Samkal <samkal@region.test.example>", "SAMKAL_LOG_LEVEL": "error"}

	r := mustRun(t, vars, "notify", "preview")
	for _, want := range []string{"3 email(s) would be queued, 3 skipped", "kallelse  Person 0 0 <person-0-0@kommun.test.example>",
		"Kallelse", "sista dag för att anmäla punkter"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("preview does not say %q:\n%s", want, r.stdout)
		}
	}
	if again := mustRun(t, vars, "notify", "preview"); again.stdout != r.stdout {
		t.Errorf("a second preview differs, so the first wrote something:\n%s\n---\n%s", r.stdout, again.stdout)
	}
	if u, _, _ := sink.snapshot(); u != 0 {
		t.Fatalf("preview sent %d messages", u)
	}
	// Two weeks earlier the calls are due instead, with their links.
	early := mustRun(t, vars, "notify", "preview", "--at", "2020-01-01 08:00")
	if !strings.Contains(early.stdout, "0 email(s) would be queued, 0 skipped") {
		t.Errorf("preview long before the meeting:\n%s", early.stdout)
	}

	r = mustRun(t, vars, "notify", "run")
	if want := "queued 3 new email(s), skipped 3; sent 3, to retry later 0, failed 0, out of date 0."; strings.TrimSpace(r.stdout) != want {
		t.Errorf("notify run printed %q, want %q", r.stdout, want)
	}
	r = mustRun(t, vars, "notify", "run")
	if want := "queued 0 new email(s), skipped 0; sent 0, to retry later 0, failed 0, out of date 0."; strings.TrimSpace(r.stdout) != want {
		t.Errorf("second notify run printed %q, want %q", r.stdout, want)
	}
	if u, total, _ := sink.snapshot(); u != 3 || total != 3 {
		t.Errorf("the SMTP server got %d distinct of %d, want 3 once each", u, total)
	}
}

func TestNotifyCommandErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samkal.db")
	tests := []struct {
		args []string
		vars map[string]string
		code int
		want string
	}{
		{[]string{"notify"}, nil, exitUsage, "samkal notify preview"},
		{[]string{"notify", "send"}, nil, exitUsage, `unknown subcommand "send"; use preview or run`},
		{[]string{"notify", "preview", "--at", "i morgon"}, nil, exitUsage, `"i morgon" is not a time such as "2026-12-01 08:00"`},
		{[]string{"notify", "run"}, nil, exitFailure, "no SMTP server configured"},
		{[]string{"notify", "preview"}, map[string]string{"SAMKAL_NOTIFY_SEND_TIME": "8"}, exitUsage, `notify.send_time: "8" is not a time of day`},
	}
	for _, tt := range tests {
		vars := map[string]string{"SAMKAL_DB": db}
		for k, v := range tt.vars {
			vars[k] = v
		}
		r := samkal(t, vars, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("samkal %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.want)
		}
	}
}
