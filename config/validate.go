package config

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// LogLevels and LogFormats are the accepted values of log_level and log_format.
var (
	LogLevels  = []string{"debug", "info", "warn", "error"}
	LogFormats = []string{"text", "json"}
)

// MinAdminTokenLength is the shortest admin token accepted: a shorter one
// can be guessed.
const MinAdminTokenLength = 16

// Validate checks every setting and returns Problems listing all that is
// wrong, or nil. It reads admin_token_file to check that it is readable and
// holds a usable token, and changes nothing.
func (c *Config) Validate() error {
	var p Problems
	add := func(key, format string, args ...any) {
		msg := key + ": " + fmt.Sprintf(format, args...)
		if src := c.Source(key); src != "default" {
			msg += " (set by " + src + ")"
		}
		p = append(p, msg)
	}

	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		add("addr", "%q is not host:port, e.g. \"localhost:8080\" or \":8080\"", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		add("addr", "port %q in %q is not a number from 0 to 65535", port, c.Addr)
	} else if strings.ContainsAny(host, "/ ") {
		add("addr", "host %q in %q is not a host name or IP address", host, c.Addr)
	}

	switch dsn := c.DB; {
	case strings.TrimSpace(dsn) == "":
		add("db", "is required: a SQLite file path or a postgres:// URL")
	case strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://"):
		add("db", "%q: only SQLite file paths and postgres:// or postgresql:// URLs are supported", RedactDSN(dsn))
	case strings.Contains(dsn, "://"):
		if u, err := url.Parse(dsn); err != nil || u.Host == "" {
			add("db", "%q is not a PostgreSQL URL of the form postgres://user:password@host:5432/dbname", RedactDSN(dsn))
		}
	}

	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
			add("base_url", "%q is not an absolute http:// or https:// URL", c.BaseURL)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
			add("base_url", "%q must not have a user, query or fragment", c.BaseURL)
		}
	}

	switch {
	case c.AdminToken != "" && c.AdminTokenFile != "":
		add("admin_token", "set admin_token or admin_token_file, not both (admin_token_file is set by %s)", c.Source("admin_token_file"))
	case c.AdminToken != "":
		if msg := checkToken(string(c.AdminToken)); msg != "" {
			add("admin_token", "%s", msg)
		}
	case c.AdminTokenFile != "":
		if tok, err := c.AdminSecret(); err != nil {
			add("admin_token_file", "%s cannot be read: %v", c.AdminTokenFile, unwrapPath(err))
		} else if msg := checkToken(tok); msg != "" {
			add("admin_token_file", "the token in %s %s", c.AdminTokenFile, strings.TrimPrefix(msg, "the token "))
		}
	}

	if strings.TrimSpace(c.RegionName) == "" || strings.ContainsAny(c.RegionName, "\r\n") {
		add("region_name", "must be a name on one line, e.g. \"Region Örebro län\"")
	}
	if !slices.Contains(LogLevels, c.LogLevel) {
		add("log_level", "%q is unknown; use one of %s", c.LogLevel, strings.Join(LogLevels, ", "))
	}
	if !slices.Contains(LogFormats, c.LogFormat) {
		add("log_format", "%q is unknown; use one of %s", c.LogFormat, strings.Join(LogFormats, ", "))
	}

	if _, err := c.TrustedProxyPrefixes(); err != nil {
		add("trusted_proxies", "%v", err)
	}

	if c.Feeds.Lookback < 0 {
		add("feeds.lookback", "must not be negative, got %s", c.Feeds.Lookback)
	}
	if c.Feeds.CancelledRetention < 0 {
		add("feeds.cancelled_retention", "must not be negative, got %s", c.Feeds.CancelledRetention)
	}
	if c.ShutdownTimeout < Duration(time.Second) || c.ShutdownTimeout > Duration(10*time.Minute) {
		add("shutdown_timeout", "must be 1s–10m, got %s", c.ShutdownTimeout)
	}
	if c.Feeds.RefreshInterval < Duration(time.Minute) {
		add("feeds.refresh_interval", "must be at least 1m, got %s", c.Feeds.RefreshInterval)
	}

	if c.Auth.SessionIdle < Duration(5*time.Minute) || c.Auth.SessionIdle > Duration(24*time.Hour) {
		add("auth.session_idle", "must be 5m–24h, got %s", c.Auth.SessionIdle)
	}
	if c.Auth.SessionLifetime < Duration(time.Hour) || c.Auth.SessionLifetime > Duration(30*24*time.Hour) {
		add("auth.session_lifetime", "must be 1h–30d, got %s", c.Auth.SessionLifetime)
	}
	if c.Notify.MailRetention < 0 {
		add("notify.mail_retention", "must not be negative, got %s", c.Notify.MailRetention)
	}
	if c.Auth.ChangeRetention < 0 {
		add("auth.change_retention", "must not be negative, got %s", c.Auth.ChangeRetention)
	}
	if strings.ContainsAny(c.Auth.Contact, "\r\n") || len(c.Auth.Contact) > 200 {
		add("auth.contact", "must be one line of at most 200 characters")
	}
	if c.OIDC.Issuer != "" {
		if u, err := url.Parse(c.OIDC.Issuer); err != nil || u.Scheme != "https" && !(u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1")) || u.Host == "" {
			add("oidc.issuer", "%q is not an https:// URL (http is allowed only for localhost)", c.OIDC.Issuer)
		}
		if c.OIDC.ClientID == "" {
			add("oidc.client_id", "is required with oidc.issuer")
		}
		switch {
		case c.OIDC.ClientSecret != "" && c.OIDC.ClientSecretFile != "":
			add("oidc.client_secret", "set client_secret or client_secret_file, not both")
		case c.OIDC.ClientSecretFile != "":
			if _, err := c.OIDCSecret(); err != nil {
				add("oidc.client_secret_file", "%s cannot be read: %v", c.OIDC.ClientSecretFile, unwrapPath(err))
			}
		case c.OIDC.ClientSecret == "":
			add("oidc.client_secret", "is required with oidc.issuer (or oidc.client_secret_file)")
		}
		if c.OIDC.EmailClaim == "" {
			add("oidc.email_claim", "is required with oidc.issuer; the standard claim is email")
		}
	}
	if c.Feeds.VersionCheck <= 0 || c.Feeds.VersionCheck > Duration(time.Hour) {
		add("feeds.version_check", "must be more than 0 and at most 1h, got %s", c.Feeds.VersionCheck)
	}

	c.validateMail(add)
	c.validateNotify(add)

	if len(p) == 0 {
		return nil
	}
	return p
}

// SMTPTLSModes and DKIMAlgorithms are the accepted values of smtp.tls and
// dkim.algorithm.
var (
	SMTPTLSModes   = []string{"none", "starttls", "tls"}
	DKIMAlgorithms = []string{"rsa-sha256", "ed25519-sha256"}
)

// validateMail checks [smtp], [dkim] and mail_from. It reads the DKIM key
// file, so that an unreadable key or one of the wrong kind stops the start
// rather than the first email. Whether the SMTP host answers is not checked
// here: an unreachable host is a warning at start, not a refusal.
func (c *Config) validateMail(add func(key, format string, args ...any)) {
	s := c.SMTP
	if strings.ContainsAny(s.Host, " /:\r\n") {
		add("smtp.host", "%q is not a host name or IP address (give the port in smtp.port)", s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		add("smtp.port", "must be from 1 to 65535, got %d", s.Port)
	}
	if !slices.Contains(SMTPTLSModes, s.TLS) {
		add("smtp.tls", "%q is unknown; use one of %s", s.TLS, strings.Join(SMTPTLSModes, ", "))
	}
	if s.Timeout <= 0 {
		add("smtp.timeout", "must be more than 0, got %s", s.Timeout)
	}
	switch {
	case s.Password != "" && s.PasswordFile != "":
		add("smtp.password", "set smtp.password or smtp.password_file, not both (smtp.password_file is set by %s)", c.Source("smtp.password_file"))
	case s.PasswordFile != "":
		if _, err := c.SMTPSecret(); err != nil {
			add("smtp.password_file", "%s cannot be read: %v", s.PasswordFile, unwrapPath(err))
		}
	}
	if s.Username == "" && (s.Password != "" || s.PasswordFile != "") {
		add("smtp.username", "is required when a password is set")
	}
	if s.Username != "" && s.TLS == "none" && !isLoopbackHost(s.Host) {
		add("smtp.tls", "none would send the SMTP password in clear text to %q; use starttls or tls", s.Host)
	}

	if c.MailFrom != "" {
		if a, err := mail.ParseAddress(c.MailFrom); err != nil || strings.ContainsAny(c.MailFrom, "\r\n") {
			add("mail_from", "%q is not an email address such as \"Samkal <samkal@region.se>\"", c.MailFrom)
		} else if d := c.DKIM.Domain; d != "" {
			from := strings.ToLower(a.Address[strings.LastIndex(a.Address, "@")+1:])
			if from != strings.ToLower(d) && !strings.HasSuffix(from, "."+strings.ToLower(d)) {
				add("mail_from", "domain %q is not dkim.domain %q or below it, so receivers applying DMARC would not accept the signature", from, d)
			}
		}
	} else if s.Host != "" {
		add("mail_from", "is required when smtp.host is set, e.g. \"Samkal <samkal@region.se>\"")
	}

	d := c.DKIM
	if d.Domain == "" && d.Selector == "" && d.KeyFile == "" {
		if d.Algorithm != "" {
			add("dkim.algorithm", "is set but dkim.domain, dkim.selector and dkim.key_file are not")
		}
		return
	}
	for _, f := range []struct{ key, value string }{{"dkim.domain", d.Domain}, {"dkim.selector", d.Selector}, {"dkim.key_file", d.KeyFile}} {
		if f.value == "" {
			add(f.key, "is required when any of dkim.domain, dkim.selector and dkim.key_file is set")
		}
	}
	if d.Domain != "" && (strings.ContainsAny(d.Domain, " /@;=\r\n") || !strings.Contains(d.Domain, ".")) {
		add("dkim.domain", "%q is not a domain name such as region.se", d.Domain)
	}
	if d.Selector != "" && strings.ContainsAny(d.Selector, " /@;=\r\n") {
		add("dkim.selector", "%q is not a DNS label such as samkal2026", d.Selector)
	}
	if d.Algorithm != "" && !slices.Contains(DKIMAlgorithms, d.Algorithm) {
		add("dkim.algorithm", "%q is unknown; use one of %s", d.Algorithm, strings.Join(DKIMAlgorithms, ", "))
	}
	if d.KeyFile != "" {
		alg, err := DKIMKeyAlgorithm(d.KeyFile)
		switch {
		case err != nil:
			add("dkim.key_file", "%v", err)
		case d.Algorithm != "" && alg != d.Algorithm && slices.Contains(DKIMAlgorithms, d.Algorithm):
			add("dkim.key_file", "%s holds a key for %s but dkim.algorithm is %s", d.KeyFile, alg, d.Algorithm)
		}
	}
}

// DKIMKeyAlgorithm reads the PEM private key in path and returns the DKIM
// algorithm it signs with, or an error saying why it cannot be used: the
// file is unreadable, holds no PEM private key, or holds a key that is
// neither RSA of at least 2048 bits nor Ed25519.
func DKIMKeyAlgorithm(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s cannot be read: %v", path, unwrapPath(err))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return "", fmt.Errorf("%s holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return "", fmt.Errorf("%s holds a %q block, not a PKCS#8 or PKCS#1 private key", path, block.Type)
	}
	if err != nil {
		return "", fmt.Errorf("%s: the %s block does not parse: %v", path, block.Type, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return "", fmt.Errorf("%s holds an RSA key of %d bits; DKIM needs at least 2048", path, k.N.BitLen())
		}
		return "rsa-sha256", nil
	case ed25519.PrivateKey:
		return "ed25519-sha256", nil
	}
	return "", fmt.Errorf("%s holds a %T key; DKIM signs with RSA or Ed25519", path, key)
}

// isLoopbackHost reports whether host is this machine.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkToken returns what is wrong with an admin token, or "". It never
// repeats the token.
func checkToken(tok string) string {
	if len(tok) < MinAdminTokenLength {
		return fmt.Sprintf("the token must be at least %d characters long, got %d", MinAdminTokenLength, len(tok))
	}
	for _, r := range tok {
		if r <= ' ' || r > '~' {
			return "the token must be printable ASCII without spaces (it is sent in an HTTP header)"
		}
	}
	return ""
}

// unwrapPath drops the repeated path from an *os.PathError.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// validateNotify checks [notify].
func (c *Config) validateNotify(add func(key, format string, args ...any)) {
	n := c.Notify
	if n.Schedule != "" {
		if _, err := cron.ParseStandard(n.Schedule); err != nil {
			add("notify.schedule", "%q is not a cron expression such as \"*/5 * * * *\" or \"@every 1m\": %v", n.Schedule, err)
		}
	}
	if _, err := ParseClock(n.SendTime); err != nil {
		add("notify.send_time", "%v", err)
	}
	if n.QuietHours != "" {
		if _, _, err := ParseClockRange(n.QuietHours); err != nil {
			add("notify.quiet_hours", "%v", err)
		}
	}
	days := []struct {
		key      string
		v, least int
	}{
		{"notify.call_days", n.CallDays, 0},
		{"notify.call_deadline_days", n.CallDeadlineDays, 0},
		{"notify.notice_days", n.NoticeDays, 0},
		{"notify.justering_reminder_days", n.JusteringReminderDays, 1},
		{"notify.justering_deadline_days", n.JusteringDeadlineDays, 1},
		{"notify.booking_reminder_days", n.BookingReminderDays, 0},
	}
	for _, d := range days {
		if d.v < d.least || d.v > 365 {
			add(d.key, "must be from %d to 365 days, got %d", d.least, d.v)
		}
	}
	if n.CallDays > 0 && n.CallDeadlineDays >= n.CallDays {
		add("notify.call_deadline_days", "(%d) must be fewer than notify.call_days (%d): the deadline comes after the call", n.CallDeadlineDays, n.CallDays)
	}
	if n.CatchUp < 0 {
		add("notify.catch_up", "must not be negative, got %s", n.CatchUp)
	}
	if n.Lease < Duration(10*time.Second) {
		add("notify.lease", "must be at least 10s (longer than sending one email may take), got %s", n.Lease)
	}
	if n.Batch < 1 || n.Batch > 1000 {
		add("notify.batch", "must be from 1 to 1000, got %d", n.Batch)
	}
}

// ParseClock reads a time of day "HH:MM" (24-hour) and returns the minutes
// since midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day such as \"08:00\"", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// ParseClockRange reads "HH:MM-HH:MM" and returns both ends in minutes since
// midnight; a range whose end is before its start runs over midnight
// ("20:00-07:00"). The ends must differ.
func ParseClockRange(s string) (from, to int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if ok {
		from, err = ParseClock(strings.TrimSpace(a))
		if err == nil {
			to, err = ParseClock(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || from == to {
		return 0, 0, fmt.Errorf("%q is not a range of hours such as \"20:00-07:00\"", s)
	}
	return from, to, nil
}
