package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
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

	if c.Feeds.Lookback < 0 {
		add("feeds.lookback", "must not be negative, got %s", c.Feeds.Lookback)
	}
	if c.Feeds.CancelledRetention < 0 {
		add("feeds.cancelled_retention", "must not be negative, got %s", c.Feeds.CancelledRetention)
	}
	if c.Feeds.RefreshInterval < Duration(time.Minute) {
		add("feeds.refresh_interval", "must be at least 1m, got %s", c.Feeds.RefreshInterval)
	}

	if c.Feeds.VersionCheck <= 0 || c.Feeds.VersionCheck > Duration(time.Hour) {
		add("feeds.version_check", "must be more than 0 and at most 1h, got %s", c.Feeds.VersionCheck)
	}

	if len(p) == 0 {
		return nil
	}
	return p
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
