package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testServer is a real go-smtp server in the test process.
type testServer struct {
	host string
	port int
	tls  *tls.Config // the client config that trusts the server's certificate

	mu       sync.Mutex
	received []receivedMail
	authed   []string
	// rcptErr, when set, is the reply to every RCPT TO.
	rcptErr *smtp.SMTPError
}

type receivedMail struct {
	from string
	to   []string
	data []byte
	tls  bool
	helo string
}

const (
	testUser     = "samkal"
	testPassword = "hemligt-lösenord"
)

// startServer starts a server speaking mode (TLSNone, TLSStartTLS or
// TLSImplicit) with AUTH PLAIN for testUser/testPassword, closed at the
// end of the test.
func startServer(t *testing.T, mode string) *testServer {
	t.Helper()
	serverTLS, clientTLS := selfSigned(t)
	ts := &testServer{tls: clientTLS}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{ts: ts, conn: c}, nil
	}))
	srv.Domain = "mx.test.example"
	srv.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	// Plain-text AUTH is allowed only for the "none" tests on loopback.
	srv.AllowInsecureAuth = mode == TLSNone
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case TLSStartTLS:
		srv.TLSConfig = serverTLS
	case TLSImplicit:
		l = tls.NewListener(l, serverTLS)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	ts.host = "127.0.0.1"
	ts.port = l.Addr().(*net.TCPAddr).Port
	return ts
}

// config returns a client configuration for the server.
func (ts *testServer) config(mode string) SMTPConfig {
	return SMTPConfig{Host: ts.host, Port: ts.port, TLS: mode, Username: testUser, Password: testPassword,
		HeloName: "samkal.test.example", Timeout: 10 * time.Second, TLSConfig: ts.tls}
}

func (ts *testServer) messages() []receivedMail {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]receivedMail(nil), ts.received...)
}

type testSession struct {
	ts     *testServer
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != testUser || password != testPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		s.ts.mu.Lock()
		s.ts.authed = append(s.ts.authed, username)
		s.ts.mu.Unlock()
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.ts.rcptErr != nil {
		return s.ts.rcptErr
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.ts.mu.Lock()
	s.ts.received = append(s.ts.received, receivedMail{from: s.from, to: s.to, data: b, tls: isTLS, helo: s.conn.Hostname()})
	s.ts.mu.Unlock()
	return nil
}

func (s *testSession) Reset()        { s.from, s.to = "", nil }
func (s *testSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and returns a server
// config using it and a client config trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test.example"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}
