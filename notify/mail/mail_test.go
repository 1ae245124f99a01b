package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

const testICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samkal//SV\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:mote-42@samkal.example.se\r\nSEQUENCE:0\r\nDTSTAMP:20261020T080000Z\r\nDTSTART;TZID=Europe/Stockholm:20261103T130000\r\nDTEND;TZID=Europe/Stockholm:20261103T150000\r\nSUMMARY:Länsdelsråd Söder\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// kallelse is the Swedish message of the golden file.
func kallelse() *Message {
	return &Message{
		From:    Address{Name: "Samkal – Region Örebro län", Address: "samkal@regionorebrolan.example.se"},
		To:      []Address{{Name: "Åsa Öberg", Address: "asa.oberg@example.se"}, {Address: "jarl@example.se"}},
		ReplyTo: &Address{Name: "Märta Ländin, sekreterare", Address: "marta.landin@regionorebrolan.example.se"},
		Subject: "Kallelse: Länsdelsråd Söder tisdag 3 november 13.00–15.00",
		Text: "Hej!\n\nVälkomna till Länsdelsråd Söder tisdag 3 november 2026 kl. 13.00–15.00 i Rum Älgen.\n\n" +
			"Dagordning\n1. Mötets öppnande\n2. Val av justerare\n3. Ärenden för beslut – en rad som är så lång att den måste brytas av quoted-printable-kodningen i mejlet\n\nMed vänlig hälsning\nMärta Ländin",
		HTML: "<p>Hej!</p>\r\n<p>Välkomna till <b>Länsdelsråd Söder</b> tisdag 3 november 2026 kl. 13.00–15.00 i Rum Älgen.</p>\r\n" +
			"<ol><li>Mötets öppnande</li><li>Val av justerare</li><li>Ärenden för beslut</li></ol>",
		Calendar:  []byte(testICS),
		MessageID: "kallelse.42.0.asa@samkal.example.se",
		Date:      time.Date(2026, 10, 29, 8, 0, 0, 0, stockholm),
		Headers:   map[string]string{"X-Samkal-Kind": "kallelse"},
	}
}

func TestComposeGolden(t *testing.T) {
	got, err := Compose(kallelse())
	if err != nil {
		t.Fatal(err)
	}
	again, err := Compose(kallelse())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Error("Compose is not deterministic: two runs differ")
	}
	path := filepath.Join("testdata", "kallelse.eml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./notify/mail -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("composed message differs from %s (run with -update after checking):\ngot:\n%s", path, got)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(got), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") || len(line) > 998 {
			t.Errorf("line %d is not a proper CRLF line of at most 998 octets: %q", i+1, line)
		}
	}
}

// TestComposeParsesBack reads the composed message with go-message and
// checks that Swedish names and subject survive, and the MIME structure.
func TestComposeParsesBack(t *testing.T) {
	m := kallelse()
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := r.Header.Subject(); err != nil || s != m.Subject {
		t.Errorf("Subject = %q, %v; want %q", s, err, m.Subject)
	}
	from, err := r.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != m.From.Name || from[0].Address != m.From.Address {
		t.Errorf("From = %v, %v; want %v", from, err, m.From)
	}
	to, err := r.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Åsa Öberg" || to[1].Address != "jarl@example.se" {
		t.Errorf("To = %v, %v", to, err)
	}
	rt, err := r.Header.AddressList("Reply-To")
	if err != nil || len(rt) != 1 || rt[0].Name != m.ReplyTo.Name {
		t.Errorf("Reply-To = %v, %v; want %v", rt, err, m.ReplyTo)
	}
	if id, _ := r.Header.MessageID(); id != m.MessageID {
		t.Errorf("Message-ID = %q, want %q", id, m.MessageID)
	}
	if d, err := r.Header.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("Date = %v, %v; want %v", d, err, m.Date)
	}
	for k, want := range map[string]string{"Auto-Submitted": "auto-generated", "MIME-Version": "1.0", "X-Samkal-Kind": "kallelse"} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}

	var parts []string
	bodies := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		typ, params, _ := p.Header.(interface {
			ContentType() (string, map[string]string, error)
		}).ContentType()
		if typ == "text/calendar" {
			typ += ";method=" + params["method"]
		}
		if ah, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, _ := ah.Filename()
			typ += " attachment " + name
		}
		b, _ := io.ReadAll(p.Body)
		parts = append(parts, typ)
		bodies[typ] = string(b)
	}
	wantParts := []string{"text/plain", "text/html", "text/calendar;method=REQUEST", "application/ics attachment invite.ics"}
	if !slices.Equal(parts, wantParts) {
		t.Errorf("parts = %q, want %q", parts, wantParts)
	}
	if want := strings.ReplaceAll(m.Text, "\n", "\r\n"); bodies["text/plain"] != want {
		t.Errorf("text body = %q, want %q", bodies["text/plain"], want)
	}
	if bodies["text/calendar;method=REQUEST"] != testICS || bodies["application/ics attachment invite.ics"] != testICS {
		t.Errorf("calendar parts differ from the iCalendar given")
	}
}

// TestComposeNamesParseBack: every display name reads back from the
// address headers as it was given. net/mail Q-encodes a non-ASCII name
// with a raw backslash, which no parser reads (golang/go#80592); the
// property test in cmd/samkal found it with a random person name.
func TestComposeNamesParseBack(t *testing.T) {
	for _, name := range []string{"Åsa Öberg", `Maria \ Öberg`, `\☕\`, `Anna "Annie" Berg`, `Berg, Anna`, `Jarl \ Ek`,
		"Åsa (sekreterare) Öberg", "=?utf-8?q?x?=", "مريم 👩‍👩‍👧", strings.Repeat("Å\\ ", 60)} {
		m := kallelse()
		m.To = []Address{{Name: name, Address: "asa@example.se"}, {Name: name + " 2", Address: "b@example.se"}}
		m.From.Name, m.ReplyTo.Name = name, name
		raw, err := Compose(m)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		r, err := gomail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"From", "To", "Reply-To"} {
			got, err := r.Header.AddressList(h)
			if err != nil || len(got) == 0 || got[0].Name != name {
				t.Errorf("%s for %q: got %v, %v; header %q", h, name, got, err, r.Header.Get(h))
			}
		}
		if to, _ := r.Header.AddressList("To"); len(to) != 2 || to[1].Name != name+" 2" || to[1].Address != "b@example.se" {
			t.Errorf("second recipient for %q: %v", name, to)
		}
	}
}

func TestComposeWithoutCalendar(t *testing.T) {
	m := kallelse()
	m.Calendar, m.HTML, m.MessageID, m.Date = nil, "", "", time.Time{}
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if typ, _, _ := e.Header.ContentType(); typ != "multipart/alternative" {
		t.Errorf("Content-Type = %q, want multipart/alternative", typ)
	}
	h := gomail.Header{Header: e.Header}
	id, err := h.MessageID()
	if err != nil || !strings.HasSuffix(id, "@regionorebrolan.example.se") {
		t.Errorf("generated Message-ID = %q, %v; want one at the From domain", id, err)
	}
}

func TestComposeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Message)
	}{
		{"CRLF in subject", func(m *Message) { m.Subject = "Hej\r\nBcc: offer@evil.example" }},
		{"LF in subject", func(m *Message) { m.Subject = "Hej\nBcc: offer@evil.example" }},
		{"CR in subject", func(m *Message) { m.Subject = "Hej\rBcc: offer@evil.example" }},
		{"CRLF in recipient name", func(m *Message) { m.To[0].Name = "Åsa\r\nBcc: offer@evil.example" }},
		{"CRLF in From name", func(m *Message) { m.From.Name = "Samkal\r\nX-Evil: 1" }},
		{"CRLF in Reply-To name", func(m *Message) { m.ReplyTo.Name = "Märta\nBcc: x@evil.example" }},
		{"CRLF in address", func(m *Message) { m.To[0].Address = "asa@example.se\r\nBcc: x@evil.example" }},
		{"two addresses in one", func(m *Message) { m.To[0].Address = "asa@example.se, x@evil.example" }},
		{"not an address", func(m *Message) { m.To[0].Address = "Åsa Öberg" }},
		{"CRLF in extra header", func(m *Message) { m.Headers["X-Samkal-Kind"] = "kallelse\r\nBcc: x@evil.example" }},
		{"header not allowed", func(m *Message) { m.Headers["Bcc"] = "x@evil.example" }},
		{"override From by header", func(m *Message) { m.Headers["From"] = "x@evil.example" }},
		{"CRLF in Message-ID", func(m *Message) { m.MessageID = "a@b\r\nBcc: x@evil.example" }},
		{"brackets in Message-ID", func(m *Message) { m.MessageID = "<a@b>" }},
		{"no recipients", func(m *Message) { m.To = nil }},
		{"empty subject", func(m *Message) { m.Subject = " " }},
		{"no body", func(m *Message) { m.Text, m.HTML = "", "" }},
		{"unknown calendar method", func(m *Message) { m.CalendarMethod = "REQUEST\r\nX: 1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := kallelse()
			tt.change(m)
			raw, err := Compose(m)
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("Compose = %v; want an error wrapping ErrInvalidMessage, got message:\n%s", err, raw)
			}
		})
	}
}

// keys are generated once: RSA-2048 generation takes a noticeable moment.
var keys = sync.OnceValue(func() map[string][]byte {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	shortRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)
	return map[string][]byte{
		"rsa-pkcs1": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}),
		"rsa-pkcs8": pkcs8(rsaKey),
		"ed25519":   pkcs8(edKey),
		"rsa-1024":  pkcs8(shortRSA),
		"ecdsa":     pkcs8(ecKey),
		"ec-sec1":   pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}),
	}
})

func keyFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".pem")
	if err := os.WriteFile(path, keys()[name], 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSigner(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("inte en nyckel"), 0o600)
	cert := filepath.Join(dir, "cert.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}), 0o600)
	broken := filepath.Join(dir, "broken.pem")
	os.WriteFile(broken, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}), 0o600)

	tests := []struct {
		name, file, wantAlg, wantErr string
	}{
		{"RSA PKCS#1", keyFile(t, "rsa-pkcs1"), "rsa-sha256", ""},
		{"RSA PKCS#8", keyFile(t, "rsa-pkcs8"), "rsa-sha256", ""},
		{"Ed25519 PKCS#8", keyFile(t, "ed25519"), "ed25519-sha256", ""},
		{"missing file", filepath.Join(dir, "saknas.pem"), "", "cannot be read: no such file or directory"},
		{"not PEM", garbage, "", "no PEM block found"},
		{"certificate", cert, "", `PEM block "CERTIFICATE" is not a private key`},
		{"broken key", broken, "", "does not parse"},
		{"short RSA", keyFile(t, "rsa-1024"), "", "RSA key of 1024 bits is too short"},
		{"ECDSA PKCS#8", keyFile(t, "ecdsa"), "", "is not supported"},
		{"EC SEC1", keyFile(t, "ec-sec1"), "", `"EC PRIVATE KEY" is not a private key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := LoadSigner("example.se", "samkal", tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadSigner error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Algorithm() != tt.wantAlg {
				t.Errorf("Algorithm() = %q, want %q", s.Algorithm(), tt.wantAlg)
			}
		})
	}
	if _, err := LoadSigner("", "samkal", keyFile(t, "ed25519")); err == nil {
		t.Error("LoadSigner with no domain succeeded")
	}
}

// verify checks msg's DKIM signature against s's public key, looked up
// through an injected LookupTXT, and returns the verification.
func verify(t *testing.T, s *Signer, msg []byte) *dkim.Verification {
	t.Helper()
	rec, err := s.DNSRecord()
	if err != nil {
		t.Fatal(err)
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if domain != s.Selector()+"._domainkey."+s.Domain() {
				return nil, errors.New("no such record: " + domain)
			}
			return []string{rec}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Fatalf("%d signatures, want 1", len(vs))
	}
	return vs[0]
}

func TestSignVerifies(t *testing.T) {
	raw, err := Compose(kallelse())
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"rsa-pkcs1", "ed25519"} {
		t.Run(kind, func(t *testing.T) {
			s, err := LoadSigner("regionorebrolan.example.se", "samkal2026", keyFile(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			signed, err := s.Sign(raw)
			if err != nil {
				t.Fatal(err)
			}
			v := verify(t, s, signed)
			if v.Err != nil {
				t.Fatalf("signature does not verify: %v", v.Err)
			}
			for _, h := range []string{"from", "to", "subject", "date", "message-id", "mime-version", "content-type", "reply-to", "auto-submitted"} {
				if !slices.ContainsFunc(v.HeaderKeys, func(k string) bool { return strings.EqualFold(k, h) }) {
					t.Errorf("signature does not cover %s; covers %v", h, v.HeaderKeys)
				}
			}
			sig := string(signed[:bytes.Index(signed, []byte("\r\n\r\n"))])
			if !strings.Contains(sig, "c=relaxed/relaxed") || !strings.Contains(sig, "a="+s.Algorithm()) {
				t.Errorf("DKIM-Signature lacks c=relaxed/relaxed or a=%s:\n%s", s.Algorithm(), sig)
			}
			tampered := bytes.Replace(signed, []byte("Subject: "), []byte("Subject: Re: "), 1)
			if v := verify(t, s, tampered); v.Err == nil {
				t.Error("a changed Subject still verifies")
			}
		})
	}
}

func TestSendTLSModes(t *testing.T) {
	for _, mode := range []string{TLSNone, TLSStartTLS, TLSImplicit} {
		for _, kind := range []string{"rsa-pkcs8", "ed25519"} {
			t.Run(mode+"/"+kind, func(t *testing.T) {
				ts := startServer(t, mode)
				signer, err := LoadSigner("regionorebrolan.example.se", "samkal", keyFile(t, kind))
				if err != nil {
					t.Fatal(err)
				}
				s := NewSender(ts.config(mode), signer)
				m := kallelse()
				raw, err := Compose(m)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Send(context.Background(), m.From.Address, []string{"asa.oberg@example.se", "jarl@example.se"}, raw); err != nil {
					t.Fatal(err)
				}
				if err := s.Check(context.Background()); err != nil {
					t.Errorf("Check: %v", err)
				}
				got := ts.messages()
				if len(got) != 1 {
					t.Fatalf("server received %d messages, want 1", len(got))
				}
				r := got[0]
				if r.from != m.From.Address || !slices.Equal(r.to, []string{"asa.oberg@example.se", "jarl@example.se"}) {
					t.Errorf("envelope = %s -> %v", r.from, r.to)
				}
				if wantTLS := mode != TLSNone; r.tls != wantTLS {
					t.Errorf("message over TLS = %v, want %v", r.tls, wantTLS)
				}
				if r.helo != "samkal.test.example" {
					t.Errorf("EHLO name = %q, want samkal.test.example", r.helo)
				}
				if v := verify(t, signer, r.data); v.Err != nil {
					t.Errorf("received message does not verify: %v", v.Err)
				}
				if !bytes.HasSuffix(r.data, raw) {
					t.Error("received message is not the composed message behind a DKIM-Signature")
				}
			})
		}
	}
}

func TestSendUnsigned(t *testing.T) {
	ts := startServer(t, TLSNone)
	raw, err := Compose(kallelse())
	if err != nil {
		t.Fatal(err)
	}
	if err := NewSender(ts.config(TLSNone), nil).Send(context.Background(), "samkal@example.se", []string{"a@example.se"}, raw); err != nil {
		t.Fatal(err)
	}
	if got := ts.messages(); len(got) != 1 || !bytes.Equal(got[0].data, raw) {
		t.Fatalf("server received %d messages, want the composed one unchanged", len(got))
	}
}

func TestSendErrors(t *testing.T) {
	closedPort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return port
	}
	tests := []struct {
		name          string
		mode          string
		change        func(ts *testServer, c *SMTPConfig)
		wantTemporary bool
		wantCode      int
	}{
		{"451 greylisting", TLSStartTLS, func(ts *testServer, c *SMTPConfig) {
			ts.rcptErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, försök igen"}
		}, true, 451},
		{"550 no such user", TLSStartTLS, func(ts *testServer, c *SMTPConfig) {
			ts.rcptErr = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		}, false, 550},
		{"wrong password", TLSImplicit, func(ts *testServer, c *SMTPConfig) { c.Password = "fel" }, false, 535},
		{"server down", TLSNone, func(ts *testServer, c *SMTPConfig) { c.Port = closedPort() }, true, 0},
		{"untrusted certificate", TLSImplicit, func(ts *testServer, c *SMTPConfig) { c.TLSConfig = nil }, false, 0},
		{"starttls to a server without it", TLSNone, func(ts *testServer, c *SMTPConfig) { c.TLS = TLSStartTLS }, true, 0},
		{"unknown TLS mode", TLSNone, func(ts *testServer, c *SMTPConfig) { c.TLS = "ssl" }, false, 0},
		{"CRLF in envelope recipient", TLSNone, func(ts *testServer, c *SMTPConfig) {}, false, 0},
		{"clear-text password to a remote host", TLSNone, func(ts *testServer, c *SMTPConfig) { c.Host = "mail.example.se" }, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.mode)
			cfg := ts.config(tt.mode)
			tt.change(ts, &cfg)
			rcpt := "a@example.se"
			if strings.HasPrefix(tt.name, "CRLF") {
				rcpt = "a@example.se>\r\nRCPT TO:<b@evil.example"
			}
			err := NewSender(cfg, nil).Send(context.Background(), "samkal@example.se", []string{rcpt}, []byte("Subject: x\r\n\r\nx\r\n"))
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send error = %v (%T), want a *SendError", err, err)
			}
			if se.Temporary != tt.wantTemporary || se.Code != tt.wantCode || IsTemporary(err) != tt.wantTemporary {
				t.Errorf("got Temporary=%v Code=%d (%v), want Temporary=%v Code=%d", se.Temporary, se.Code, err, tt.wantTemporary, tt.wantCode)
			}
			if len(ts.messages()) != 0 {
				t.Error("a message arrived although Send failed")
			}
		})
	}
}

func TestSendCancelled(t *testing.T) {
	ts := startServer(t, TLSNone)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := NewSender(ts.config(TLSNone), nil).Send(ctx, "samkal@example.se", []string{"a@example.se"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if !IsTemporary(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want a temporary error wrapping context.Canceled", err)
	}
}

func TestCheckUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	err = NewSender(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone}, nil).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connecting to 127.0.0.1:") {
		t.Errorf("Check = %v, want a connection error naming the address", err)
	}
}
