package notify_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
	"github.com/samkal/samkal/notify/mail"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// sink is a real go-smtp server in the test process that counts what it
// receives by Message-ID. It can be told to refuse every recipient with a
// reply (e.g. 451 for an outage) or one address with another (e.g. 550).
type sink struct {
	host string
	port int
	keep bool // keep the received bytes (tests verify DKIM on them)

	mu       sync.Mutex
	byID     map[string]int // Message-ID -> times received
	received [][]byte
	refuse   *smtp.SMTPError            // reply to every RCPT when set
	refuseTo map[string]*smtp.SMTPError // reply to RCPT of one address
	sessions int
}

// startSink starts a sink on 127.0.0.1, closed at the end of the test.
func startSink(tb testing.TB, keep bool) *sink {
	tb.Helper()
	s := &sink{keep: keep, byID: map[string]int{}, refuseTo: map[string]*smtp.SMTPError{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		return &sinkSession{s: s}, nil
	}))
	srv.Domain = "mx.test.example"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxRecipients = 10
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	s.host = "127.0.0.1"
	s.port = l.Addr().(*net.TCPAddr).Port
	return s
}

// sender returns a mail.Sender for the sink (plain SMTP on loopback, no
// AUTH), signing with signer when it is not nil.
func (s *sink) sender(signer *mail.Signer) *mail.Sender {
	return mail.NewSender(mail.SMTPConfig{Host: s.host, Port: s.port, TLS: mail.TLSNone,
		HeloName: "samkal.test.example", Timeout: 10 * time.Second}, signer)
}

// setRefuse makes every RCPT answer e (nil: accept again).
func (s *sink) setRefuse(e *smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = e
}

func (s *sink) setRefuseTo(addr string, e *smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTo[addr] = e
}

// counts returns a copy of the Message-ID counts.
func (s *sink) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.byID))
	for k, v := range s.byID {
		out[k] = v
	}
	return out
}

func (s *sink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.received...)
}

type sinkSession struct {
	s *sink
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if e := ss.s.refuseTo[to]; e != nil {
		return e
	}
	if ss.s.refuse != nil {
		return ss.s.refuse
	}
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	id := messageID(b)
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.byID[id]++
	if ss.s.keep {
		ss.s.received = append(ss.s.received, b)
	}
	return nil
}

func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }

// messageID returns the Message-ID header of a raw message, "" when none.
func messageID(b []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	return h.Get("Message-Id")
}

// newSigner makes a key of kind ("ed25519" or "rsa2048"), writes it as PEM
// to a temporary file and loads it as the configuration would.
func newSigner(tb testing.TB, kind string) *mail.Signer {
	tb.Helper()
	var key crypto.Signer
	var err error
	switch kind {
	case "ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	case "rsa2048":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		err = fmt.Errorf("unknown key kind %q", kind)
	}
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	file := filepath.Join(tb.TempDir(), "dkim.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	s, err := mail.LoadSigner("region.test.example", "samkal", file)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// testMessage composes the i-th test email (a Swedish kallelse) and signs
// it with signer, or leaves it unsigned when signer is nil. Its Message-ID
// is msgID(i).
func testMessage(tb testing.TB, signer *mail.Signer, i int) *calendar.OutboxMessage {
	tb.Helper()
	rcpt := fmt.Sprintf("ledamot%d@kommun.test.example", i)
	subject := fmt.Sprintf("Kallelse: Chefsgrupp folkhälsa, möte %d", i)
	body, err := mail.Compose(&mail.Message{
		From:      mail.Address{Name: "Samkal Region Örebro län", Address: "samkal@region.test.example"},
		To:        []mail.Address{{Name: "Ledamot", Address: rcpt}},
		ReplyTo:   &mail.Address{Name: "Maria Lindborg", Address: "maria.lindborg@region.test.example"},
		Subject:   subject,
		Text:      "Hej!\n\nVälkommen till mötet den 21 januari 2025 kl. 13.00–16.30 i Lokal Eken.\n\nDagordning bifogas.\n",
		HTML:      "<p>Hej!</p><p>Välkommen till mötet den 21 januari 2025 kl. 13.00–16.30 i Lokal Eken.</p>",
		MessageID: msgID(i),
		Date:      time.Date(2025, 1, 14, 9, 0, 0, 0, calendar.Location),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if signer != nil {
		if body, err = signer.Sign(body); err != nil {
			tb.Fatal(err)
		}
	}
	return &calendar.OutboxMessage{Key: fmt.Sprintf("kallelse/m1/p%d/r1", i), Kind: "kallelse", MeetingID: 1,
		Recipient: rcpt, Subject: subject, Body: body}
}

func msgID(i int) string { return fmt.Sprintf("kallelse.%d.1@region.test.example", i) }

// enqueue puts messages 0..n-1 into the outbox in one transaction.
func enqueue(tb testing.TB, st calendar.Store, signer *mail.Signer, n int) {
	tb.Helper()
	msgs := make([]*calendar.OutboxMessage, n)
	for i := range msgs {
		msgs[i] = testMessage(tb, signer, i)
	}
	err := st.InTx(context.Background(), func(tx calendar.Store) error {
		for _, m := range msgs {
			if ok, err := tx.EnqueueMessage(context.Background(), m); err != nil || !ok {
				return errors.Join(err, fmt.Errorf("enqueue %s: inserted=%v", m.Key, ok))
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// verifyDKIM checks msg's signature against signer's key, looked up
// through an injected LookupTXT.
func verifyDKIM(t *testing.T, signer *mail.Signer, msg []byte) {
	t.Helper()
	rec, err := signer.DNSRecord()
	if err != nil {
		t.Fatal(err)
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if domain != signer.Selector()+"._domainkey."+signer.Domain() {
				return nil, errors.New("no such record: " + domain)
			}
			return []string{rec}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("DKIM verification of %s: got %d signatures, first error %v; want one valid", messageID(msg), len(vs), firstErr(vs))
	}
}

func firstErr(vs []*dkim.Verification) error {
	if len(vs) == 0 {
		return errors.New("no signature")
	}
	return vs[0].Err
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
