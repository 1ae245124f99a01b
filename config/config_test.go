package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the configuration table in README.md")

// writeFile writes content to a file in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// environ returns a getenv that answers from m.
func environ(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var p Problems
	if err != nil && !errors.As(err, &p) {
		t.Fatalf("error is %T (%v), want Problems", err, err)
	}
	return p
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
	c, err := Load("", environ(nil), nil)
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	if c.Addr != "localhost:8080" || c.DB != "samkal.db" || c.RegionName != "Region Örebro län" ||
		c.Feeds.Lookback != Duration(5*365*24*time.Hour) || c.Feeds.CancelledRetention != Duration(30*24*time.Hour) ||
		c.Feeds.RefreshInterval != Duration(time.Hour) || c.LogLevel != "info" || c.LogFormat != "text" {
		t.Errorf("defaults are\n%s", c)
	}
	if got := c.EffectiveBaseURL(c.Addr); got != "http://localhost:8080" {
		t.Errorf("default base URL = %q, want http://localhost:8080", got)
	}
}

// TestPrecedence checks that the file overrides the defaults, the
// environment the file, and flags the environment, and that Source names
// where each value came from.
func TestPrecedence(t *testing.T) {
	file := writeFile(t, "samkal.toml", `
addr = "file:1"
db = "file.db"
region_name = "Region från filen"
[feeds]
lookback = "400d"
refresh_interval = "2h"
`)
	tests := []struct {
		name       string
		env, flags map[string]string
		wantAddr   string
		wantDB     string
		wantRegion string
		wantSource map[string]string
	}{
		{
			name:     "file only",
			wantAddr: "file:1", wantDB: "file.db", wantRegion: "Region från filen",
			wantSource: map[string]string{"addr": "file " + file, "feeds.lookback": "file " + file, "log_level": "default"},
		},
		{
			name:     "env over file",
			env:      map[string]string{"SAMKAL_ADDR": "env:2", "SAMKAL_REGION_NAME": "Region från miljön", "SAMKAL_FEEDS_LOOKBACK": "10d"},
			wantAddr: "env:2", wantDB: "file.db", wantRegion: "Region från miljön",
			wantSource: map[string]string{"addr": "SAMKAL_ADDR", "db": "file " + file, "feeds.lookback": "SAMKAL_FEEDS_LOOKBACK"},
		},
		{
			name:     "flags over env",
			env:      map[string]string{"SAMKAL_ADDR": "env:2", "SAMKAL_DB": "env.db"},
			flags:    map[string]string{"addr": "flag:3"},
			wantAddr: "flag:3", wantDB: "env.db", wantRegion: "Region från filen",
			wantSource: map[string]string{"addr": "flag --addr", "db": "SAMKAL_DB"},
		},
		{
			name:     "empty env variable counts as unset",
			env:      map[string]string{"SAMKAL_ADDR": ""},
			wantAddr: "file:1", wantDB: "file.db", wantRegion: "Region från filen",
			wantSource: map[string]string{"addr": "file " + file},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(file, environ(tt.env), tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tt.wantAddr || c.DB != tt.wantDB || c.RegionName != tt.wantRegion {
				t.Errorf("got addr %q db %q region %q, want %q %q %q", c.Addr, c.DB, c.RegionName, tt.wantAddr, tt.wantDB, tt.wantRegion)
			}
			if c.Feeds.RefreshInterval != Duration(2*time.Hour) {
				t.Errorf("refresh_interval = %s, want 2h from the file", c.Feeds.RefreshInterval)
			}
			for key, want := range tt.wantSource {
				if got := c.Source(key); got != want {
					t.Errorf("Source(%q) = %q, want %q", key, got, want)
				}
			}
		})
	}
}

// TestValidate checks every validation message, one broken setting at a
// time, and that a setting's source is named.
func TestValidate(t *testing.T) {
	dir := t.TempDir()
	goodTokenFile := filepath.Join(dir, "good")
	shortTokenFile := filepath.Join(dir, "short")
	for name, content := range map[string]string{goodTokenFile: "0123456789abcdefXYZ\n", shortTokenFile: "kort\n"} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" for valid
	}{
		{"any-address host", func(c *Config) { c.Addr = ":8080" }, ""},
		{"port 0", func(c *Config) { c.Addr = "127.0.0.1:0" }, ""},
		{"IPv6", func(c *Config) { c.Addr = "[::1]:8080" }, ""},
		{"addr without port", func(c *Config) { c.Addr = "localhost" }, `addr: "localhost" is not host:port, e.g. "localhost:8080" or ":8080"`},
		{"addr port not a number", func(c *Config) { c.Addr = "localhost:http" }, `addr: port "http" in "localhost:http" is not a number from 0 to 65535`},
		{"addr port too high", func(c *Config) { c.Addr = "localhost:65536" }, `addr: port "65536" in "localhost:65536" is not a number from 0 to 65535`},
		{"addr host with slash", func(c *Config) { c.Addr = "http://x:80" }, `addr: "http://x:80" is not host:port, e.g. "localhost:8080" or ":8080"`},
		{"postgres URL", func(c *Config) { c.DB = "postgres://samkal:hemligt@db.example:5432/samkal?sslmode=disable" }, ""},
		{"postgresql URL", func(c *Config) { c.DB = "postgresql://db.example/samkal" }, ""},
		{"empty db", func(c *Config) { c.DB = " " }, `db: is required: a SQLite file path or a postgres:// URL`},
		{"mysql db", func(c *Config) { c.DB = "mysql://u:pw@h/db" }, `db: "mysql://u:xxxxx@h/db": only SQLite file paths and postgres:// or postgresql:// URLs are supported`},
		{"postgres without host", func(c *Config) { c.DB = "postgres:///samkal" }, `db: "postgres:///samkal" is not a PostgreSQL URL of the form postgres://user:password@host:5432/dbname`},
		{"https base_url", func(c *Config) { c.BaseURL = "https://samkal.regionorebrolan.se/" }, ""},
		{"relative base_url", func(c *Config) { c.BaseURL = "/samkal" }, `base_url: "/samkal" is not an absolute http:// or https:// URL`},
		{"ftp base_url", func(c *Config) { c.BaseURL = "ftp://x.se" }, `base_url: "ftp://x.se" is not an absolute http:// or https:// URL`},
		{"base_url without host", func(c *Config) { c.BaseURL = "http:samkal" }, `base_url: "http:samkal" is not an absolute http:// or https:// URL`},
		{"base_url with query", func(c *Config) { c.BaseURL = "https://x.se/?a=1" }, `base_url: "https://x.se/?a=1" must not have a user, query or fragment`},
		{"good token", func(c *Config) { c.AdminToken = "0123456789abcdef" }, ""},
		{"short token", func(c *Config) { c.AdminToken = "hemligt" }, `admin_token: the token must be at least 16 characters long, got 7`},
		{"token with space", func(c *Config) { c.AdminToken = "0123456789 abcdef" }, `admin_token: the token must be printable ASCII without spaces (it is sent in an HTTP header)`},
		{"good token file", func(c *Config) { c.AdminTokenFile = goodTokenFile }, ""},
		{"unreadable token file", func(c *Config) { c.AdminTokenFile = missing }, `admin_token_file: ` + missing + ` cannot be read: no such file or directory`},
		{"short token file", func(c *Config) { c.AdminTokenFile = shortTokenFile }, `admin_token_file: the token in ` + shortTokenFile + ` must be at least 16 characters long, got 4`},
		{"token and token file", func(c *Config) { c.AdminToken = "0123456789abcdef"; c.AdminTokenFile = goodTokenFile },
			`admin_token: set admin_token or admin_token_file, not both (admin_token_file is set by default)`},
		{"empty region", func(c *Config) { c.RegionName = "" }, `region_name: must be a name on one line, e.g. "Region Örebro län"`},
		{"two-line region", func(c *Config) { c.RegionName = "Region\nÖrebro" }, `region_name: must be a name on one line, e.g. "Region Örebro län"`},
		{"log level", func(c *Config) { c.LogLevel = "verbose" }, `log_level: "verbose" is unknown; use one of debug, info, warn, error`},
		{"log format", func(c *Config) { c.LogFormat = "xml" }, `log_format: "xml" is unknown; use one of text, json`},
		{"trusted proxies", func(c *Config) { c.TrustedProxies = "10.0.0.5, 192.168.10.0/24 ::1" }, ""},
		{"trusted proxy", func(c *Config) { c.TrustedProxies = "10.0.0.5, proxy.local" }, `trusted_proxies: "proxy.local" is not an IP address or CIDR range such as 10.0.0.0/8`},
		{"trusted range", func(c *Config) { c.TrustedProxies = "10.0.0.0/33" }, `trusted_proxies: "10.0.0.0/33" is not an IP address or CIDR range such as 10.0.0.0/8`},
		{"zero lookback", func(c *Config) { c.Feeds.Lookback = 0 }, ""},
		{"negative lookback", func(c *Config) { c.Feeds.Lookback = Duration(-24 * time.Hour) }, `feeds.lookback: must not be negative, got -1d`},
		{"negative retention", func(c *Config) { c.Feeds.CancelledRetention = Duration(-time.Hour) }, `feeds.cancelled_retention: must not be negative, got -1h`},
		{"version check zero", func(c *Config) { c.Feeds.VersionCheck = 0 }, `feeds.version_check: must be more than 0 and at most 1h, got 0s`},
		{"version check too long", func(c *Config) { c.Feeds.VersionCheck = Duration(2 * time.Hour) }, `feeds.version_check: must be more than 0 and at most 1h, got 2h`},
		{"refresh too short", func(c *Config) { c.Feeds.RefreshInterval = Duration(30 * time.Second) }, `feeds.refresh_interval: must be at least 1m, got 30s`},
		{"notify every minute", func(c *Config) { c.Notify.Schedule = "@every 1m" }, ""},
		{"notify no schedule", func(c *Config) { c.Notify.Schedule = "" }, ""},
		{"notify bad schedule", func(c *Config) { c.Notify.Schedule = "every five minutes" },
			`notify.schedule: "every five minutes" is not a cron expression such as "*/5 * * * *" or "@every 1m": expected exactly 5 fields, found 3: [every five minutes]`},
		{"notify send time", func(c *Config) { c.Notify.SendTime = "8" }, `notify.send_time: "8" is not a time of day such as "08:00"`},
		{"notify quiet hours over midnight", func(c *Config) { c.Notify.QuietHours = "20:00-07:00" }, ""},
		{"notify quiet hours empty range", func(c *Config) { c.Notify.QuietHours = "07:00-07:00" }, `notify.quiet_hours: "07:00-07:00" is not a range of hours such as "20:00-07:00"`},
		{"notify quiet hours one time", func(c *Config) { c.Notify.QuietHours = "22:00" }, `notify.quiet_hours: "22:00" is not a range of hours such as "20:00-07:00"`},
		{"notify deadline before call", func(c *Config) { c.Notify.CallDeadlineDays = 14 },
			`notify.call_deadline_days: (14) must be fewer than notify.call_days (14): the deadline comes after the call`},
		{"notify calls off", func(c *Config) { c.Notify.CallDays = 0 }, ""},
		{"notify reminder every 0 days", func(c *Config) { c.Notify.JusteringReminderDays = 0 }, `notify.justering_reminder_days: must be from 1 to 365 days, got 0`},
		{"notify justering the same day", func(c *Config) { c.Notify.JusteringDeadlineDays = 0 }, `notify.justering_deadline_days: must be from 1 to 365 days, got 0`},
		{"notify negative notice", func(c *Config) { c.Notify.NoticeDays = -1 }, `notify.notice_days: must be from 0 to 365 days, got -1`},
		{"notify short lease", func(c *Config) { c.Notify.Lease = Duration(time.Second) }, `notify.lease: must be at least 10s (longer than sending one email may take), got 1s`},
		{"notify batch", func(c *Config) { c.Notify.Batch = 0 }, `notify.batch: must be from 1 to 1000, got 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(c)
			p := problemsOf(t, c.Validate())
			switch {
			case tt.want == "" && p != nil:
				t.Errorf("Validate() = %q, want no problems", []string(p))
			case tt.want != "" && (len(p) != 1 || p[0] != tt.want):
				t.Errorf("Validate() = %q, want [%q]", []string(p), tt.want)
			}
		})
	}
}

// TestLoadListsEveryProblem checks that problems from the file, the
// environment, flags and validation come back together, each naming where
// the value came from.
func TestLoadListsEveryProblem(t *testing.T) {
	file := writeFile(t, "samkal.toml", `
addr = "nohost"
log_level = "chatty"
lookbak = "5d"
[feeds]
cancelled_retention = "-2d"
look_back = "5d"
[ldap]
host = "ldap.example"
`)
	env := map[string]string{
		"SAMKAL_FEEDS_REFRESH_INTERVAL": "often",
		"SAMKAL_ADMIN_TOKEN":            "kort",
		"SAMKAL_BASE_URL":               "samkal.example",
	}
	_, err := Load(file, environ(env), map[string]string{"db": "mysql://x/y"})
	got := problemsOf(t, err)
	want := Problems{
		`config file ` + file + `: unknown setting "lookbak"; known settings: addr, db, base_url, admin_token, admin_token_file, region_name, log_level, log_format, trusted_proxies, shutdown_timeout, mail_from, [feeds], [smtp], [dkim], [notify], [auth], [oidc]`,
		`config file ` + file + `: unknown setting "feeds.look_back"; known settings: feeds.lookback, feeds.cancelled_retention, feeds.refresh_interval, feeds.version_check`,
		`config file ` + file + `: unknown setting "ldap"; known settings: addr, db, base_url, admin_token, admin_token_file, region_name, log_level, log_format, trusted_proxies, shutdown_timeout, mail_from, [feeds], [smtp], [dkim], [notify], [auth], [oidc]`,
		`SAMKAL_FEEDS_REFRESH_INTERVAL: duration "often" is not valid: use e.g. "30d", "12h" or "90m"`,
		`addr: "nohost" is not host:port, e.g. "localhost:8080" or ":8080" (set by file ` + file + `)`,
		`db: "mysql://x/y": only SQLite file paths and postgres:// or postgresql:// URLs are supported (set by flag --db)`,
		`base_url: "samkal.example" is not an absolute http:// or https:// URL (set by SAMKAL_BASE_URL)`,
		`admin_token: the token must be at least 16 characters long, got 4 (set by SAMKAL_ADMIN_TOKEN)`,
		`log_level: "chatty" is unknown; use one of debug, info, warn, error (set by file ` + file + `)`,
		`feeds.cancelled_retention: must not be negative, got -2d (set by file ` + file + `)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "invalid configuration (10 problems): config file") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string // "" means: no file
		want    string // with FILE for the path
	}{
		{"missing file", "", `config file FILE cannot be read: no such file or directory`},
		{"syntax error", "addr = \"x\ndb = 1\n", `config file FILE: toml: line 1 (last key "addr"): strings cannot contain newlines`},
		{"wrong type", "[feeds]\nlookback = 30\n", `config file FILE: toml: line 2 (last key "feeds.lookback"): duration "30" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"string for table", "feeds = \"x\"\n", `config file FILE: toml: line 1 (last key "feeds"): type mismatch for config.Feeds: expected table but found string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "samkal.toml")
			if tt.content != "" {
				path = writeFile(t, "samkal.toml", tt.content)
			}
			_, err := Load(path, environ(nil), nil)
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if p := problemsOf(t, err); len(p) != 1 || p[0] != want {
				t.Errorf("Load() = %q, want [%q]", []string(p), want)
			}
		})
	}
}

func TestFlagErrors(t *testing.T) {
	_, err := Load("", environ(nil), map[string]string{"feeds.lookback": "soon", "nonsense": "1"})
	got := strings.Join(problemsOf(t, err), "\n")
	for _, want := range []string{
		`flag --feeds.lookback: duration "soon" is not valid: use e.g. "30d", "12h" or "90m"`,
		`unknown setting "nonsense" given as a flag`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}

func TestAdminSecret(t *testing.T) {
	file := writeFile(t, "token", "  0123456789abcdefghij\r\n")
	c, err := Load("", environ(map[string]string{"SAMKAL_ADMIN_TOKEN_FILE": file}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.AdminSecret(); err != nil || got != "0123456789abcdefghij" {
		t.Errorf("AdminSecret() = %q, %v; want the file's token without whitespace", got, err)
	}
	if _, err := Load("", environ(map[string]string{"SAMKAL_ADMIN_TOKEN": "från-miljön-0123456789"}), nil); err == nil {
		t.Fatalf("a non-ASCII token was accepted")
	}
	c, err = Load("", environ(map[string]string{"SAMKAL_ADMIN_TOKEN": "fran-miljon-0123456789"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.AdminSecret(); got != "fran-miljon-0123456789" {
		t.Errorf("AdminSecret() = %q, want the environment's token", got)
	}
	if got, _ := Default().AdminSecret(); got != "" {
		t.Errorf("AdminSecret() without a token = %q, want empty", got)
	}
}

// TestSecretsAreRedacted checks that neither the admin token nor a database
// password shows in String, LogValue or fmt output.
func TestSecretsAreRedacted(t *testing.T) {
	const token, password = "tjugo-tecken-hemlig-token", "pg-lösen-123"
	c, err := Load("", environ(map[string]string{
		"SAMKAL_ADMIN_TOKEN": token,
		"SAMKAL_DB":          "postgres://samkal:pg-l%C3%B6sen-123@db.example/samkal?password=pg-lösen-123",
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "config", c)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("token", "token", c.AdminToken)
	outputs := map[string]string{
		"String":     c.String(),
		"slog":       logs.String(),
		"%v":         fmt.Sprintf("%v", c),
		"%+v struct": fmt.Sprintf("%+v", c.Feeds) + fmt.Sprintf("%v %s %+v %#v", c.AdminToken, c.AdminToken, c.AdminToken, c.AdminToken),
	}
	for name, out := range outputs {
		for _, secret := range []string{token, password, "pg-l%C3%B6sen"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output holds a secret:\n%s", name, out)
			}
		}
	}
	if !strings.Contains(c.String(), "base_url = \"\"\n# not set: derived from addr, http://localhost:8080\n") {
		t.Errorf("String() does not show the derived base URL:\n%s", c.String())
	}
	if !strings.Contains(c.String(), `admin_token = "[redacted]"`) || !strings.Contains(c.String(), `db = "postgres://samkal:xxxxx@db.example/samkal?password=xxxxx"`) {
		t.Errorf("String() does not show the redacted settings:\n%s", c.String())
	}
}

// TestRedactKeyValueDSN checks that a PostgreSQL connection string in the
// key=value form has its password hidden as well as the URL form does,
// quoted or not, with spaces around "=" or not.
func TestRedactKeyValueDSN(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"host=db.example dbname=samkal user=samkal password=hunter2", "host=db.example dbname=samkal user=samkal password=xxxxx"},
		{"host=db.example password = hunter2 dbname=samkal", "host=db.example password = xxxxx dbname=samkal"},
		{`password='hunter2 med \' och mellanslag' host=db.example`, "password=xxxxx host=db.example"},
		{"host=db.example PASSWORD=hunter2", "host=db.example PASSWORD=xxxxx"},
		{"host=db.example sslpassword=hunter2 password=hunter2", "host=db.example sslpassword=xxxxx password=xxxxx"},
		{"host=db.example dbname=samkal", "host=db.example dbname=samkal"},
		{"samkal.db", "samkal.db"},
	} {
		got := RedactDSN(tc.dsn)
		if got != tc.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("RedactDSN(%q) shows the password: %q", tc.dsn, got)
		}
	}
	c, err := Load("", environ(map[string]string{"SAMKAL_DB": "host=db.example password=hunter2 dbname=samkal"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := c.String(); strings.Contains(out, "hunter2") || !strings.Contains(out, `db = "host=db.example password=xxxxx dbname=samkal"`) {
		t.Errorf("String() does not redact a key=value DSN:\n%s", out)
	}
}

func TestStringIsLoadableTOML(t *testing.T) {
	c := Default()
	c.Addr = ":9090"
	c.Feeds.RefreshInterval = Duration(90 * time.Minute)
	path := writeFile(t, "samkal.toml", c.String())
	got, err := Load(path, environ(nil), nil)
	if err != nil {
		t.Fatalf("String() output does not load back: %v\n%s", err, c.String())
	}
	if got.Addr != ":9090" || got.Feeds.RefreshInterval != Duration(90*time.Minute) || got.BaseURL != "" {
		t.Errorf("loaded back addr %q refresh %s base_url %q", got.Addr, got.Feeds.RefreshInterval, got.BaseURL)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30d", 30 * 24 * time.Hour, ""},
		{"1825d", 1825 * 24 * time.Hour, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"-2d", -48 * time.Hour, ""},
		{"0d", 0, ""},
		{"90m", 90 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"-5s", -5 * time.Second, ""},
		{"0", 0, ""},
		{"30", 0, `duration "30" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"", 0, `duration "" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"d", 0, `duration "d" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"1.5d", 0, `duration "1.5d" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"2w", 0, `duration "2w" is not valid: use e.g. "30d", "12h" or "90m"`},
		{"1d-2h", 0, `duration "1d-2h" is not valid: after the days only hours, minutes and seconds may follow, e.g. "1d12h"`},
		{"1dx", 0, `duration "1dx" is not valid: after the days only hours, minutes and seconds may follow, e.g. "1d12h"`},
		{"99999999999d", 0, `duration "99999999999d" is too long`},
		// Found by FuzzParseDuration: days and hours that add up past the
		// largest duration wrapped around to a negative one.
		{"106751d23h47m17s", 0, `duration "106751d23h47m17s" is too long`},
		{"-106751d24h", 0, `duration "-106751d24h" is too long`},
		{"106751d23h47m16s", 106751*24*time.Hour + 23*time.Hour + 47*time.Minute + 16*time.Second, ""},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || time.Duration(got) != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, time.Duration(got), err, tt.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	tests := map[time.Duration]string{
		0:                       "0s",
		30 * 24 * time.Hour:     "30d",
		-24 * time.Hour:         "-1d",
		time.Hour:               "1h",
		90 * time.Minute:        "1h30m",
		36 * time.Hour:          "36h",
		time.Minute:             "1m",
		61 * time.Second:        "1m1s",
		1500 * time.Millisecond: "1.5s",
	}
	for d, want := range tests {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(want); err != nil || time.Duration(back) != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", want, back, err, d)
		}
	}
}

func TestEffectiveBaseURL(t *testing.T) {
	tests := []struct{ baseURL, listen, want string }{
		{"", "localhost:8080", "http://localhost:8080"},
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:80", "http://localhost:80"},
		{"", "[::]:8080", "http://localhost:8080"},
		{"", "127.0.0.1:43210", "http://127.0.0.1:43210"},
		{"", "[::1]:8080", "http://[::1]:8080"},
		{"https://samkal.example/", "127.0.0.1:1", "https://samkal.example"},
		{"https://example.se/samkal/", ":1", "https://example.se/samkal"},
	}
	for _, tt := range tests {
		c := Default()
		c.BaseURL = tt.baseURL
		if got := c.EffectiveBaseURL(tt.listen); got != tt.want {
			t.Errorf("EffectiveBaseURL(%q) with base_url %q = %q, want %q", tt.listen, tt.baseURL, got, tt.want)
		}
	}
}

func TestSettingsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Settings() {
		for _, name := range []string{"key " + s.Key, "env " + s.Env, "field " + s.field} {
			if seen[name] {
				t.Errorf("two settings share %s", name)
			}
			seen[name] = true
		}
		if s.Help == "" {
			t.Errorf("setting %s has no help text", s.Key)
		}
		if !strings.HasPrefix(s.Env, EnvPrefix) {
			t.Errorf("setting %s has env %s without the %s prefix", s.Key, s.Env, EnvPrefix)
		}
	}
}

const (
	tableStart = "<!-- config-table: generated from config.Settings; refresh with `go test ./config -run README -update` -->\n"
	tableEnd   = "<!-- end of config-table -->\n"
)

// TestREADMEConfigTable checks that README.md lists exactly the settings of
// Config; with -update it rewrites the table.
func TestREADMEConfigTable(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start, end := strings.Index(readme, tableStart), strings.Index(readme, tableEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the markers\n%s...\n%s", tableStart, tableEnd)
	}
	want := readme[:start+len(tableStart)] + MarkdownTable() + readme[end:]
	if readme == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration table differs from config.Settings; run go test ./config -run README -update\nwant:\n%s", MarkdownTable())
}

// TestTrustedProxyPrefixes: addresses become single-address ranges, ranges
// are masked, and separators may be commas or spaces.
func TestTrustedProxyPrefixes(t *testing.T) {
	c := Default()
	c.TrustedProxies = " 10.0.0.5,192.168.10.7/24  ::1, ::ffff:10.1.2.3"
	got, err := c.TrustedProxyPrefixes()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[10.0.0.5/32 192.168.10.0/24 ::1/128 10.1.2.3/32]" {
		t.Errorf("TrustedProxyPrefixes = %v", got)
	}
}
