// Package config holds Samkal's settings: the Config struct, its defaults,
// Load (a TOML file, then SAMKAL_* environment variables, then command-line
// flags, each overriding the one before) and Validate, which reports every
// problem at once so that an operator fixes a configuration in one round.
//
// Settings are grouped in TOML tables ([feeds]); a new group is a new struct
// field with a toml table name and an envPrefix, and its settings appear in
// Settings, the README table and Config.String without further code.
//
// Secrets (the admin token) are of type Secret and are redacted wherever a
// Config is printed or logged; a PostgreSQL password in db is redacted too.
package config

import (
	"encoding"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/caarlos0/env/v11"
)

// EnvPrefix starts every environment variable Samkal reads.
const EnvPrefix = "SAMKAL_"

// Config is every setting of a Samkal server. Field tags: toml is the key in
// the file, env the variable after SAMKAL_ (with the envPrefix of its
// group), flag the command-line flag that may set it, help the meaning shown
// in the README, and defaultText a description of a computed default.
type Config struct {
	Addr    string `toml:"addr" env:"ADDR" flag:"addr" help:"Address the HTTP server listens on, host:port. Port 0 picks a free port."`
	DB      string `toml:"db" env:"DB" flag:"db" help:"Database: a SQLite file path, or PostgreSQL as a URL (postgres://user:password@host/dbname) or a key=value connection string (host=db dbname=samkal user=samkal password=…). Migrations run at start."`
	BaseURL string `toml:"base_url" env:"BASE_URL" help:"Public address of the service, used in feed links and printed URLs (http or https, no query)." defaultText:"http:// + addr (localhost for an empty or any-address host)"`
	// AdminToken is the bearer token that allows writes through the API.
	// Without one (and without AdminTokenFile) the API refuses writes.
	AdminToken     Secret `toml:"admin_token" env:"ADMIN_TOKEN" help:"Bearer token for writes through the API, at least 16 characters. Without a token the API refuses writes."`
	AdminTokenFile string `toml:"admin_token_file" env:"ADMIN_TOKEN_FILE" help:"File holding the admin token (surrounding whitespace ignored); use it instead of admin_token to keep the secret out of files and environments that are shown."`
	RegionName     string `toml:"region_name" env:"REGION_NAME" help:"Name of the region, shown on the pages and in the region-wide feed."`
	LogLevel       string `toml:"log_level" env:"LOG_LEVEL" help:"Least important log messages written: debug, info, warn or error."`
	LogFormat      string `toml:"log_format" env:"LOG_FORMAT" help:"Log format on standard error: text or json."`
	// TrustedProxies are the reverse proxies in front of Samkal. The rate
	// limits count requests per client address; from these peers the
	// client is read from X-Forwarded-For, from any other peer the header
	// is ignored (a client could write anything in it).
	TrustedProxies string `toml:"trusted_proxies" env:"TRUSTED_PROXIES" help:"Reverse proxies in front of Samkal, as IP addresses or CIDR ranges separated by commas (\"10.0.0.5, 192.168.10.0/24\"). From these peers the client's address (which the rate limits count by) is taken from X-Forwarded-For; from any other peer that header is ignored. Empty: the connection's peer is the client."`
	// ShutdownTimeout is how long serve waits for requests in flight after
	// SIGTERM; match it to the service manager's stop timeout.
	ShutdownTimeout Duration `toml:"shutdown_timeout" env:"SHUTDOWN_TIMEOUT" help:"How long serve lets requests in flight finish after SIGINT or SIGTERM (1s–10m). Requests still running near its end, such as a long planning, are stopped and answered 503, so the server exits within it; set it below the stop timeout of systemd or Kubernetes."`
	// MailFrom is the sender of every email; top-level, so it must come
	// before the tables for String to render valid TOML.
	MailFrom string `toml:"mail_from" env:"MAIL_FROM" help:"Sender of Samkal's emails, e.g. \"Samkal <samkal@region.se>\". Required when smtp.host is set; its domain should be dkim.domain or below it, so that DMARC accepts the signature."`
	Feeds    Feeds  `toml:"feeds" envPrefix:"FEEDS_"`
	SMTP     SMTP   `toml:"smtp" envPrefix:"SMTP_"`
	DKIM     DKIM   `toml:"dkim" envPrefix:"DKIM_"`
	Notify   Notify `toml:"notify" envPrefix:"NOTIFY_"`
	Auth     Auth   `toml:"auth" envPrefix:"AUTH_"`
	OIDC     OIDC   `toml:"oidc" envPrefix:"OIDC_"`

	// sources tells for each setting key where its value came from, so that
	// a problem names the place to fix. Settings at their default are absent.
	sources map[string]string
}

// Feeds are the settings of the iCalendar feeds ([feeds] in the file).
type Feeds struct {
	Lookback           Duration `toml:"lookback" env:"LOOKBACK" help:"How far back feeds reach, so that past årsplaner stay visible."`
	CancelledRetention Duration `toml:"cancelled_retention" env:"CANCELLED_RETENTION" help:"How long a cancelled meeting stays in feeds (marked INSTÄLLT) after the cancellation, so that calendars remove it."`
	RefreshInterval    Duration `toml:"refresh_interval" env:"REFRESH_INTERVAL" help:"How often feeds ask calendar clients to fetch them again (REFRESH-INTERVAL); at least 1m."`
	// VersionCheck matters when several servers share one PostgreSQL
	// database: a server sees its own writes at once, another's after this.
	VersionCheck Duration `toml:"version_check" env:"VERSION_CHECK" help:"How long a server answers from its cached feeds before asking the database whether anything changed. Writes through the same server show at once; this bounds how late several servers on one PostgreSQL database see each other's."`
}

// Auth are the settings of signing in ([auth]).
type Auth struct {
	SessionIdle     Duration `toml:"session_idle" env:"SESSION_IDLE" help:"How long a signed-in browser may be idle before its session ends (5m–24h)."`
	SessionLifetime Duration `toml:"session_lifetime" env:"SESSION_LIFETIME" help:"How long a session lasts at most, however active (1h–30d); then the person signs in again."`
	// Contact is shown to a person whose email Samkal does not know, so
	// that they know whom to ask.
	Contact         string   `toml:"contact" env:"CONTACT" help:"Whom people ask for access, shown when someone signs in with an address Samkal does not know, e.g. \"samkal@regionorebrolan.se\" or \"Regionens kansli, 019-602 00 00\"."`
	ChangeRetention Duration `toml:"change_retention" env:"CHANGE_RETENTION" help:"How long the record of changes (who changed what) is kept; older entries are removed by the daily clean-up. 0 keeps them for ever."`
}

// OIDC are the settings of signing in through the organisations' identity
// provider ([oidc]): Entra ID, Google Workspace, Keycloak or an OIDC broker
// in front of Freja eID+ or BankID. Without an issuer the sign-in page
// offers only the emailed link.
type OIDC struct {
	Issuer           string `toml:"issuer" env:"ISSUER" help:"OpenID Connect issuer URL, e.g. https://login.microsoftonline.com/TENANT/v2.0 or https://keycloak.example.se/realms/region. Empty: no single sign-on, only emailed sign-in links."`
	ClientID         string `toml:"client_id" env:"CLIENT_ID" help:"Client (application) ID registered at the provider; the redirect URI to register is BASE_URL/logga-in/oidc/callback."`
	ClientSecret     Secret `toml:"client_secret" env:"CLIENT_SECRET" help:"Client secret registered at the provider."`
	ClientSecretFile string `toml:"client_secret_file" env:"CLIENT_SECRET_FILE" help:"File holding the client secret (surrounding whitespace ignored); use it instead of client_secret."`
	EmailClaim       string `toml:"email_claim" env:"EMAIL_CLAIM" help:"ID token claim that holds the person's email address: email (standard), or e.g. preferred_username or upn for Entra ID."`
	// ButtonText names the provider on the sign-in page.
	ButtonText string `toml:"button_text" env:"BUTTON_TEXT" help:"Text of the sign-in button, e.g. \"Logga in med Region Örebro län-konto\"."`
}

// SMTP are the settings of the mail server Samkal sends through ([smtp]).
// Without a host no email is sent.
type SMTP struct {
	Host         string   `toml:"host" env:"HOST" help:"SMTP server that Samkal sends email through. Empty: no email is sent."`
	Port         int      `toml:"port" env:"PORT" help:"Port of the SMTP server: 587 for starttls, 465 for tls, 25 for a relay."`
	TLS          string   `toml:"tls" env:"TLS" help:"Encryption: starttls (upgrade after connecting), tls (TLS from the start) or none (only for a relay on this machine or a trusted network)."`
	Username     string   `toml:"username" env:"USERNAME" help:"User for AUTH PLAIN; empty: no authentication. Not allowed with tls = none to a host other than localhost."`
	Password     Secret   `toml:"password" env:"PASSWORD" help:"Password for AUTH PLAIN."`
	PasswordFile string   `toml:"password_file" env:"PASSWORD_FILE" help:"File holding the SMTP password (surrounding whitespace ignored); use it instead of password to keep the secret out of files and environments that are shown."`
	Timeout      Duration `toml:"timeout" env:"TIMEOUT" help:"How long connecting and each SMTP command may take before the attempt counts as a temporary failure."`
}

// DKIM are the settings for signing email ([dkim]). Either all of domain,
// selector and key_file are set, or none (email is sent unsigned).
type DKIM struct {
	Domain    string `toml:"domain" env:"DOMAIN" help:"Domain that signs Samkal's email (d=); the public key is published at SELECTOR._domainkey.DOMAIN. Empty: email is not signed."`
	Selector  string `toml:"selector" env:"SELECTOR" help:"DKIM selector (s=), the DNS label of the key."`
	KeyFile   string `toml:"key_file" env:"KEY_FILE" help:"PEM file with the private key: RSA (at least 2048 bits) or Ed25519, PKCS#1 or PKCS#8."`
	Algorithm string `toml:"algorithm" env:"ALGORITHM" help:"Expected key algorithm, rsa-sha256 or ed25519-sha256, checked against key_file at start; empty accepts either."`
}

// Notify are the settings of the automatic emails ([notify]): when the
// scan runs, when each kind of email is due, and when no mail goes out.
// The day counts are defaults; a body may set its own (see BodyNotify).
type Notify struct {
	Schedule              string   `toml:"schedule" env:"SCHEDULE" help:"When the scan that queues due email and sends the outbox runs: a cron expression in Swedish time (\"*/5 * * * *\") or \"@every 1m\". Empty: serve sends no email (notify run still does)."`
	SendTime              string   `toml:"send_time" env:"SEND_TIME" help:"Time of day (Swedish time, HH:MM) at which email due on a day becomes due: calls, notices and reminders go out at the first scan after it."`
	CallDays              int      `toml:"call_days" env:"CALL_DAYS" help:"Days before a meeting that members get the call for agenda items (\"Anmäl gärna punkter\"); 0 turns calls off."`
	CallDeadlineDays      int      `toml:"call_deadline_days" env:"CALL_DEADLINE_DAYS" help:"Days before a meeting that is the last day to register agenda items; the personal links work until the end of that day."`
	NoticeDays            int      `toml:"notice_days" env:"NOTICE_DAYS" help:"Days before a meeting that the kallelse with the agenda and an invitation goes out; 0 turns notices off."`
	JusteringReminderDays int      `toml:"justering_reminder_days" env:"JUSTERING_REMINDER_DAYS" help:"Days between reminders to the justerare until the minutes are approved."`
	JusteringDeadlineDays int      `toml:"justering_deadline_days" env:"JUSTERING_DEADLINE_DAYS" help:"Days after a meeting by which the minutes should be approved; after that the secretary is told."`
	BookingReminderDays   int      `toml:"booking_reminder_days" env:"BOOKING_REMINDER_DAYS" help:"Days before a booking window's deadline that secretaries of bodies not yet booked are reminded; 0 turns the reminders off."`
	CatchUp               Duration `toml:"catch_up" env:"CATCH_UP" help:"How far back the scan looks for email that was due while Samkal was down: older meetings are history and are not mailed or reported."`
	QuietHours            string   `toml:"quiet_hours" env:"QUIET_HOURS" help:"Hours without email, Swedish time, e.g. \"20:00-07:00\"; mail due then waits until they end. Empty: none."`
	QuietWeekends         bool     `toml:"quiet_weekends" env:"QUIET_WEEKENDS" help:"No email on Saturdays and Sundays; mail due then goes out on Monday."`
	Lease                 Duration `toml:"lease" env:"LEASE" help:"How long a server may hold a claimed email before another may take it over (a crashed server's mail is sent after this)."`
	Batch                 int      `toml:"batch" env:"BATCH" help:"How many emails a server claims at a time."`
	MailRetention         Duration `toml:"mail_retention" env:"MAIL_RETENTION" help:"How long the signed text of a sent or skipped email, and the record of why an email was skipped, are kept; the daily clean-up then empties the text (the fact that the email went, with its key and time, stays, so nothing is sent twice). 0 keeps them for ever."`
}

// Default returns the configuration used where nothing else is said: a
// local server on port 8080 with a SQLite file in the current directory.
func Default() *Config {
	return &Config{
		Addr:       "localhost:8080",
		DB:         "samkal.db",
		RegionName: "Region Örebro län",
		LogLevel:   "info",
		LogFormat:  "text",
		// ShutdownTimeout stays under systemd's and Kubernetes' default
		// stop timeouts (90 s, 30 s).
		ShutdownTimeout: Duration(10 * time.Second),
		Feeds: Feeds{
			Lookback:           Duration(5 * 365 * 24 * time.Hour),
			CancelledRetention: Duration(30 * 24 * time.Hour),
			RefreshInterval:    Duration(time.Hour),
			VersionCheck:       Duration(time.Second),
		},
		SMTP: SMTP{Port: 587, TLS: "starttls", Timeout: Duration(30 * time.Second)},
		// Sessions: a working day, idle up to two hours (a long meeting).
		Auth: Auth{
			SessionIdle:     Duration(2 * time.Hour),
			SessionLifetime: Duration(12 * time.Hour),
			ChangeRetention: Duration(5 * 365 * 24 * time.Hour),
		},
		OIDC: OIDC{EmailClaim: "email", ButtonText: "Logga in med organisationens konto"},
		Notify: Notify{
			Schedule:              "*/5 * * * *",
			SendTime:              "08:00",
			CallDays:              14,
			CallDeadlineDays:      7,
			NoticeDays:            5,
			JusteringReminderDays: 3,
			JusteringDeadlineDays: 14,
			BookingReminderDays:   7,
			CatchUp:               Duration(7 * 24 * time.Hour),
			Lease:                 Duration(2 * time.Minute),
			Batch:                 50,
			// A quarter: long enough to answer "what did the kallelse
			// say?" about the last meetings, short enough that the
			// database does not grow by every message for ever.
			MailRetention: Duration(90 * 24 * time.Hour),
		},
	}
}

// Problems lists everything wrong with a configuration, one entry per
// problem, each naming the setting and where its value came from.
type Problems []string

func (p Problems) Error() string {
	if len(p) == 1 {
		return "invalid configuration: " + p[0]
	}
	return fmt.Sprintf("invalid configuration (%d problems): %s", len(p), strings.Join(p, "; "))
}

// Load builds a Config from the defaults, then the TOML file at path (none
// if path is ""), then the SAMKAL_* variables that getenv returns non-empty,
// then flags, which maps setting keys ("addr", "db") to the values of the
// command-line flags that were given. It validates the result and returns
// Problems listing every problem found on the way: an unreadable file, a
// TOML syntax error, an unknown key, a value that does not parse, and every
// Validate problem.
func Load(path string, getenv func(string) string, flags map[string]string) (*Config, error) {
	c := Default()
	c.sources = map[string]string{}
	var p Problems
	if path != "" {
		p = append(p, c.loadFile(path)...)
	}
	p = append(p, c.loadEnv(getenv)...)
	p = append(p, c.loadFlags(flags)...)
	var vp Problems
	if err := c.Validate(); errors.As(err, &vp) {
		p = append(p, vp...)
	}
	if len(p) > 0 {
		return nil, p
	}
	return c, nil
}

func (c *Config) loadFile(path string) Problems {
	data, err := os.ReadFile(path)
	if err != nil {
		return Problems{fmt.Sprintf("config file %s cannot be read: %v", path, unwrapPath(err))}
	}
	// A first pass into a map finds syntax errors and every key, so that
	// unknown keys are reported even when a value has the wrong type.
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return Problems{fmt.Sprintf("config file %s: %v", path, err)}
	}
	var p Problems
	known := Settings()
	unknown := map[string]bool{}
	for _, k := range md.Keys() {
		key := k.String()
		if isKnownKey(known, key) {
			continue
		}
		unknown[key] = true
		if len(k) > 1 && unknown[k[:len(k)-1].String()] {
			continue // reported with its table
		}
		p = append(p, fmt.Sprintf("config file %s: unknown setting %q; known settings: %s", path, key, knownNear(known, key)))
	}
	for _, s := range known {
		if md.IsDefined(strings.Split(s.Key, ".")...) {
			c.sources[s.Key] = "file " + path
		}
	}
	if _, err := toml.Decode(string(data), c); err != nil {
		p = append(p, fmt.Sprintf("config file %s: %v", path, err))
	}
	return p
}

// isKnownKey reports whether key is a setting or a table of settings.
func isKnownKey(known []Setting, key string) bool {
	for _, s := range known {
		if s.Key == key || strings.HasPrefix(s.Key, key+".") {
			return true
		}
	}
	return false
}

// knownNear lists the known keys of the table that key is in, or the
// top-level keys and tables when key's table is unknown too.
func knownNear(known []Setting, key string) string {
	table := ""
	if i := strings.LastIndex(key, "."); i >= 0 {
		table = key[:i+1]
	}
	var names, tables []string
	for _, s := range known {
		if table != "" && strings.HasPrefix(s.Key, table) {
			names = append(names, s.Key)
		}
	}
	if len(names) == 0 {
		for _, s := range known {
			if i := strings.Index(s.Key, "."); i < 0 {
				names = append(names, s.Key)
			} else if t := "[" + s.Key[:i] + "]"; !slices.Contains(tables, t) {
				tables = append(tables, t)
			}
		}
	}
	return strings.Join(append(names, tables...), ", ")
}

func (c *Config) loadEnv(getenv func(string) string) Problems {
	if getenv == nil {
		return nil
	}
	vars := map[string]string{}
	byField := map[string]string{}
	for _, s := range Settings() {
		byField[s.field] = s.Env
		if v := getenv(s.Env); v != "" {
			vars[s.Env] = v
			c.sources[s.Key] = s.Env
		}
	}
	err := env.ParseWithOptions(c, env.Options{Environment: vars, Prefix: EnvPrefix})
	if err == nil {
		return nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return Problems{err.Error()}
	}
	var p Problems
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			p = append(p, fmt.Sprintf("%s: %v", byField[pe.Name], pe.Err))
		} else {
			p = append(p, e.Error())
		}
	}
	return p
}

func (c *Config) loadFlags(flags map[string]string) Problems {
	var p Problems
	for _, key := range slices.Sorted(maps.Keys(flags)) {
		if !slices.ContainsFunc(Settings(), func(s Setting) bool { return s.Key == key }) {
			p = append(p, fmt.Sprintf("unknown setting %q given as a flag", key))
		}
	}
	for _, s := range Settings() {
		value, ok := flags[s.Key]
		if !ok {
			continue
		}
		name := "flag --" + s.Key
		if s.Flag != "" {
			name = "flag --" + s.Flag
		}
		if err := setText(reflect.ValueOf(c).Elem().FieldByIndex(s.index), value); err != nil {
			p = append(p, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		c.sources[s.Key] = name
	}
	return p
}

// setText sets a settings field from its text form.
func setText(v reflect.Value, text string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(text))
	}
	if v.Kind() == reflect.String {
		v.SetString(text)
		return nil
	}
	return fmt.Errorf("setting of type %s cannot be set from text", v.Type())
}

// AdminSecret returns the admin token, read from admin_token_file when that
// is set, "" when no token is configured.
func (c *Config) AdminSecret() (string, error) {
	if c.AdminTokenFile == "" {
		return string(c.AdminToken), nil
	}
	b, err := os.ReadFile(c.AdminTokenFile)
	if err != nil {
		return "", fmt.Errorf("admin_token_file cannot be read: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// TrustedProxyPrefixes parses trusted_proxies: each address or CIDR range,
// separated by commas or spaces, as a prefix (an address is a /32 or
// /128). Validate reports the same errors.
func (c *Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(c.TrustedProxies, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR range such as 10.0.0.0/8", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range such as 10.0.0.0/8", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// OIDCSecret returns the OIDC client secret, read from
// oidc.client_secret_file when that is set, "" when none is configured.
func (c *Config) OIDCSecret() (string, error) {
	if c.OIDC.ClientSecretFile == "" {
		return string(c.OIDC.ClientSecret), nil
	}
	b, err := os.ReadFile(c.OIDC.ClientSecretFile)
	if err != nil {
		return "", fmt.Errorf("oidc.client_secret_file cannot be read: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// SMTPSecret returns the SMTP password, read from smtp.password_file when
// that is set, "" when none is configured.
func (c *Config) SMTPSecret() (string, error) {
	if c.SMTP.PasswordFile == "" {
		return string(c.SMTP.Password), nil
	}
	b, err := os.ReadFile(c.SMTP.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("smtp.password_file cannot be read: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// EffectiveBaseURL returns base_url without a trailing slash, or, when it is
// not set, the http URL of listen (the address the server really listens
// on, which differs from addr when addr's port is 0). An empty or
// any-address host becomes localhost.
func (c *Config) EffectiveBaseURL(listen string) string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Source tells where the value of the setting key came from ("file
// samkal.toml", "SAMKAL_DB", "flag --db"), or "default".
func (c *Config) Source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return "default"
}

// String renders the configuration as a TOML file, with secrets and
// database passwords redacted, and the base URL derived from addr in a
// comment when base_url is not set.
func (c *Config) String() string {
	var b strings.Builder
	table := ""
	for _, s := range Settings() {
		if i := strings.Index(s.Key, "."); i >= 0 && s.Key[:i] != table {
			table = s.Key[:i]
			fmt.Fprintf(&b, "\n[%s]\n", table)
		}
		format := "%s = %q\n"
		if k := reflect.ValueOf(c).Elem().FieldByIndex(s.index).Kind(); k == reflect.Int || k == reflect.Bool {
			format = "%s = %s\n" // a TOML integer or boolean, unquoted
		}
		fmt.Fprintf(&b, format, s.Key[len(table)+min(len(table), 1):], c.display(s))
		if s.Key == "base_url" && c.BaseURL == "" {
			fmt.Fprintf(&b, "# not set: derived from addr, %s\n", c.EffectiveBaseURL(c.Addr))
		}
	}
	return b.String()
}

// LogValue logs every setting, redacted as in String.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	for _, s := range Settings() {
		attrs = append(attrs, slog.String(s.Key, c.display(s)))
	}
	return slog.GroupValue(attrs...)
}

// display returns a setting's value as safe text.
func (c *Config) display(s Setting) string {
	v := reflect.ValueOf(c).Elem().FieldByIndex(s.index)
	if s.Key == "db" {
		return RedactDSN(c.DB)
	}
	if str, ok := v.Interface().(fmt.Stringer); ok {
		return str.String()
	}
	return fmt.Sprint(v.Interface())
}

// RedactDSN hides the password of a PostgreSQL connection string, in either
// form: a URL (postgres://user:password@host/db?password=…) or key=value
// pairs (host=db password=… dbname=samkal, the value plain or 'quoted').
// Anything else, such as a SQLite path, is returned as it is.
func RedactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		if scheme, _, ok := strings.Cut(dsn, "://"); ok {
			return scheme + "://" + redacted
		}
		return dsn
	}
	q := u.Query()
	if !q.Has("password") && u.User == nil {
		return dsn // nothing to hide; keep the text as given
	}
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// kvPassword matches the value of a password or sslpassword in a key=value
// connection string (libpq's syntax: spaces around "=" allowed, a value in
// single quotes may hold spaces and backslash-escaped quotes).
var kvPassword = regexp.MustCompile(`(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']\S*)`)
