package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes of SMTPConfig.TLS.
const (
	TLSNone     = "none"     // plain SMTP, e.g. a relay on localhost
	TLSStartTLS = "starttls" // plain connect, then STARTTLS (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	Username string // AUTH PLAIN when not empty
	Password string
	// HeloName is the host name sent with EHLO; the machine's host name
	// when empty (go-smtp would say "localhost", which receivers frown on).
	HeloName string
	// Timeout bounds connecting and each SMTP command; 30s when zero.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own
	// certificate with it); ServerName defaults to Host.
	TLSConfig *tls.Config
}

// SendError is what Send and Check return when the server cannot be
// reached or refuses. Temporary is true for network errors and 4xx replies
// (retry later) and false for 5xx replies and for configuration mistakes
// (mark failed). Code is the SMTP reply code, 0 when there was none.
type SendError struct {
	Temporary bool
	Code      int
	Message   string // the server's answer, or what went wrong
	Err       error  // the underlying error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Code != 0 {
		return fmt.Sprintf("smtp %s failure: %d %s", kind, e.Code, e.Message)
	}
	return fmt.Sprintf("smtp %s failure: %s", kind, e.Message)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: a *SendError with
// Temporary set, or a context deadline.
func IsTemporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// Sender sends messages over SMTP, one connection per Send. It is safe for
// concurrent use.
type Sender struct {
	cfg    SMTPConfig
	signer *Signer
}

// NewSender returns a Sender for cfg that signs with signer, or sends
// unsigned when signer is nil.
func NewSender(cfg SMTPConfig, signer *Signer) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HeloName == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			cfg.HeloName = h
		} else {
			cfg.HeloName = "localhost"
		}
	}
	return &Sender{cfg: cfg, signer: signer}
}

// Send signs msg (when the Sender has a Signer) and delivers it to the
// server for the envelope sender from and recipients to. Errors are
// *SendError, classified for retrying.
func (s *Sender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return &SendError{Message: "no recipients"}
	}
	for _, a := range append([]string{from}, to...) {
		if hasLineBreak(a) || !strings.Contains(a, "@") {
			return &SendError{Message: fmt.Sprintf("envelope address %q is not an email address", a)}
		}
	}
	if s.signer != nil {
		signed, err := s.signer.Sign(msg)
		if err != nil {
			return &SendError{Message: err.Error(), Err: err}
		}
		msg = signed
	}
	c, stop, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer stop()
	defer c.Close()
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return classify(ctx, "sending", err)
	}
	// The message was accepted with the reply to DATA; a failing QUIT
	// does not make it unsent.
	_ = c.Quit()
	return nil
}

// Check connects, says EHLO (and STARTTLS and AUTH as configured) and
// QUIT, so that a start-up check can warn about an unreachable server.
func (s *Sender) Check(ctx context.Context) error {
	c, stop, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer stop()
	defer c.Close()
	if err := c.Quit(); err != nil {
		return classify(ctx, "QUIT", err)
	}
	return nil
}

// Addr returns host:port of the server.
func (s *Sender) Addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

// connect dials, greets and authenticates. stop releases the goroutine
// that closes the connection when ctx ends.
func (s *Sender) connect(ctx context.Context) (*smtp.Client, func(), error) {
	cfg := s.cfg
	if cfg.Username != "" && cfg.TLS == TLSNone && !isLoopback(cfg.Host) {
		return nil, nil, &SendError{Message: fmt.Sprintf("refusing to send the SMTP password in clear text to %s; use tls=starttls or tls=tls", cfg.Host)}
	}
	tlsCfg := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsCfg = cfg.TLSConfig.Clone()
		if tlsCfg.ServerName == "" {
			tlsCfg.ServerName = cfg.Host
		}
	}
	dctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", s.Addr())
	if err != nil {
		return nil, nil, classify(ctx, "connecting to "+s.Addr(), err)
	}
	// Closing the connection when ctx ends interrupts any blocked command.
	stopWatch := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(what string, err error) (*smtp.Client, func(), error) {
		stopWatch()
		conn.Close()
		return nil, nil, classify(ctx, what, err)
	}
	// The greeting is read under the same deadline as the dial.
	conn.SetDeadline(time.Now().Add(cfg.Timeout))

	var c *smtp.Client
	switch cfg.TLS {
	case TLSNone:
		c = smtp.NewClient(conn)
	case TLSImplicit:
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(dctx); err != nil {
			return fail("TLS handshake with "+s.Addr(), err)
		}
		c = smtp.NewClient(tc)
	case TLSStartTLS:
		// go-smtp says EHLO localhost before STARTTLS; Hello below
		// introduces Samkal by name on the encrypted connection.
		c, err = smtp.NewClientStartTLS(conn, tlsCfg)
		if err != nil {
			return fail("STARTTLS with "+s.Addr(), err)
		}
	default:
		stopWatch()
		conn.Close()
		return nil, nil, &SendError{Message: fmt.Sprintf("unknown TLS mode %q; use none, starttls or tls", cfg.TLS)}
	}
	c.CommandTimeout = cfg.Timeout
	c.SubmissionTimeout = cfg.Timeout
	if err := c.Hello(cfg.HeloName); err != nil {
		return fail("EHLO", err)
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fail("AUTH", &SendError{Message: "the server offers no AUTH but a username is configured"})
		}
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return fail("AUTH PLAIN", err)
		}
	}
	return c, func() { stopWatch() }, nil
}

// classify turns an error from the network or the server into a
// *SendError. A cancelled ctx is temporary: the message was not sent.
func classify(ctx context.Context, what string, err error) error {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		return &SendError{
			Temporary: smtpErr.Code >= 400 && smtpErr.Code < 500,
			Code:      smtpErr.Code,
			Message:   what + ": " + smtpErr.Message,
			Err:       err,
		}
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return &SendError{Message: what + ": " + err.Error(), Err: err}
	}
	if ctx.Err() != nil {
		err = errors.Join(ctx.Err(), err)
	}
	// Network errors, timeouts and unexpected replies: try again later.
	return &SendError{Temporary: true, Message: what + ": " + err.Error(), Err: err}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
