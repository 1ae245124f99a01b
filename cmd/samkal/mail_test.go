package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
)

// sink is an in-process go-smtp server that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs [][]byte
}

type sinkSession struct{ s *sink }

func (s sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s sinkSession) Reset()                               {}
func (s sinkSession) Logout() error                        { return nil }
func (s sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.s.mu.Lock()
	s.s.msgs = append(s.s.msgs, b)
	s.s.mu.Unlock()
	return err
}

// startSink starts the server on a loopback port and returns it and the port.
func startSink(t *testing.T) (*sink, int) {
	t.Helper()
	s := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	srv.Domain = "sink.test.example"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s, l.Addr().(*net.TCPAddr).Port
}

func TestMailTest(t *testing.T) {
	s, port := startSink(t)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"SAMKAL_SMTP_HOST":     "127.0.0.1",
		"SAMKAL_SMTP_PORT":     strconv.Itoa(port),
		"SAMKAL_SMTP_TLS":      "none",
		"SAMKAL_MAIL_FROM":     "Samkal <samkal@region.example.se>",
		"SAMKAL_DKIM_DOMAIN":   "region.example.se",
		"SAMKAL_DKIM_SELECTOR": "samkal",
		"SAMKAL_DKIM_KEY_FILE": keyFile,
	}
	getenv := func(k string) string { return vars[k] }
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"mail", "test", "--to", "Åsa Öberg <asa@example.se>"}, &stdout, &stderr, getenv)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "sent a test message to asa@example.se via 127.0.0.1:") || !strings.Contains(stdout.String(), "signed ed25519-sha256 d=region.example.se s=samkal") {
		t.Errorf("stdout = %q", stdout.String())
	}
	s.mu.Lock()
	msgs := s.msgs
	s.mu.Unlock()
	if len(msgs) != 1 {
		t.Fatalf("sink received %d messages, want 1", len(msgs))
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(msgs[0]), &dkim.VerifyOptions{LookupTXT: func(domain string) ([]string, error) {
		if domain != "samkal._domainkey.region.example.se" {
			return nil, errors.New("no record for " + domain)
		}
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("DKIM verification = %v, %v; want one valid signature", vs, err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := r.Header.Subject(); subj != "Testmeddelande från Samkal – Region Örebro län" {
		t.Errorf("Subject = %q", subj)
	}
	if to, _ := r.Header.AddressList("To"); len(to) != 1 || to[0].Name != "Åsa Öberg" {
		t.Errorf("To = %v", to)
	}
}

func TestMailTestErrors(t *testing.T) {
	_, port := startSink(t)
	tests := []struct {
		name       string
		args       []string
		vars       map[string]string
		code       int
		wantStderr string
	}{
		{"no subcommand", []string{"mail"}, nil, exitUsage, "samkal mail test --to ADDRESS"},
		{"unknown subcommand", []string{"mail", "send"}, nil, exitUsage, `unknown subcommand "send"`},
		{"no --to", []string{"mail", "test"}, nil, exitUsage, "--to must be an email address"},
		{"bad --to", []string{"mail", "test", "--to", "asa"}, nil, exitUsage, `--to must be an email address, got "asa"`},
		{"no SMTP host", []string{"mail", "test", "--to", "asa@example.se"}, nil, exitFailure, "no SMTP server configured: set smtp.host (SAMKAL_SMTP_HOST)"},
		{"DKIM key missing", []string{"mail", "test", "--to", "asa@example.se"}, map[string]string{
			"SAMKAL_SMTP_HOST": "127.0.0.1", "SAMKAL_SMTP_PORT": strconv.Itoa(port), "SAMKAL_SMTP_TLS": "none", "SAMKAL_MAIL_FROM": "samkal@region.example.se",
			"SAMKAL_DKIM_DOMAIN": "region.example.se", "SAMKAL_DKIM_SELECTOR": "samkal", "SAMKAL_DKIM_KEY_FILE": "/saknas/dkim.pem",
		}, exitUsage, "dkim.key_file: /saknas/dkim.pem cannot be read"},
		{"server refuses connection", []string{"mail", "test", "--to", "asa@example.se"}, map[string]string{
			"SAMKAL_SMTP_HOST": "127.0.0.1", "SAMKAL_SMTP_PORT": "1", "SAMKAL_SMTP_TLS": "none", "SAMKAL_MAIL_FROM": "samkal@region.example.se",
		}, exitFailure, "smtp temporary failure: connecting to 127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, func(k string) string { return tt.vars[k] })
			if code != tt.code || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.wantStderr)
			}
		})
	}
}

// serve checks the SMTP server once at start: reachable is logged, and an
// unreachable one is a warning while the server goes on serving feeds.
func TestServeChecksSMTPAtStart(t *testing.T) {
	_, up := startSink(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	for _, tc := range []struct {
		name string
		port int
		want string
	}{
		{"reachable", up, "the SMTP server answers"},
		{"unreachable", down, "the SMTP server cannot be reached now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServe(t, map[string]string{
				"SAMKAL_SMTP_HOST": "127.0.0.1", "SAMKAL_SMTP_PORT": strconv.Itoa(tc.port),
				"SAMKAL_SMTP_TLS": "none", "SAMKAL_MAIL_FROM": "samkal@region.example.se",
			}, "--db", filepath.Join(t.TempDir(), "samkal.db"))
			s.get(t, "/feeds/all.ics", http.StatusOK)
			// The check runs beside the start; wait for its log line.
			for i := 0; i < 200 && !strings.Contains(s.logs.String(), tc.want); i++ {
				time.Sleep(25 * time.Millisecond)
			}
			if !strings.Contains(s.logs.String(), tc.want) {
				t.Errorf("log has no %q:\n%s", tc.want, s.logs.String())
			}
		})
	}
}
