package busy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Defaults of a Fetcher.
const (
	DefaultMaxBytes     = 2 << 20 // 2 MiB: a year of a busy person is about 300 kB
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
	// DefaultHorizonMonths is how far ahead busy periods are kept; they
	// are kept from a week back, for planning that looks at this week.
	DefaultHorizonMonths = 18
)

// Fetcher fetches members' calendars. Its zero value is ready to use with
// the defaults. It never reaches an internal address – loopback, private
// (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with
// the clouds' metadata services, fe80::/10), shared (100.64/10),
// unspecified or multicast – checked at dial time on the address actually
// dialled, so that neither a DNS name nor a redirect leads there. It uses
// no proxy from the environment, for the same reason.
type Fetcher struct {
	MaxBytes      int64         // 0: DefaultMaxBytes
	Timeout       time.Duration // for the whole fetch, body included; 0: DefaultTimeout
	MaxRedirects  int           // 0: DefaultMaxRedirects
	HorizonMonths int           // 0: DefaultHorizonMonths
	// AllowInternal lets the fetcher reach internal addresses. It is for
	// tests against an httptest server only; never set it in a server.
	AllowInternal bool

	once   sync.Once
	client *http.Client
}

// errInternal is the dial-time refusal of an internal address.
var errInternal = errors.New("busy: refusing to connect to an internal address")

var errRedirects = errors.New("busy: too many redirects")

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// internal reports whether ip is no address of the open internet.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || sharedSpace.Contains(ip) ||
		(ip.Is4() && ip.As4()[0] == 0)
}

func (f *Fetcher) httpClient() *http.Client {
	f.once.Do(func() {
		d := &net.Dialer{Timeout: f.timeout()}
		if !f.AllowInternal {
			d.Control = func(network, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err != nil || internal(ap.Addr()) {
					return errInternal
				}
				return nil
			}
		}
		t := &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   f.timeout(),
			ResponseHeaderTimeout: f.timeout(),
			MaxIdleConns:          10,
			IdleConnTimeout:       30 * time.Second,
		}
		max := f.MaxRedirects
		if max == 0 {
			max = DefaultMaxRedirects
		}
		f.client = &http.Client{
			Transport: t,
			Timeout:   f.timeout(),
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) > max {
					return errRedirects
				}
				if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
					return errRedirects
				}
				return nil
			},
		}
	})
	return f.client
}

func (f *Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

// Horizon returns the span whose busy periods are kept at now.
func (f *Fetcher) Horizon(now time.Time) (from, to time.Time) {
	months := f.HorizonMonths
	if months == 0 {
		months = DefaultHorizonMonths
	}
	day := calendar.DateOf(now).Start()
	return day.AddDate(0, 0, -7), day.AddDate(0, months, 0)
}

// CheckURL reads the address a member gives: https or http (webcal:// and
// webcals://, as Apple and some Outlook pages give it, become https://),
// with a host, at most calendar.MaxBusyFeedURL long. It returns the
// address to store, or an *Error in Swedish for the form. An address
// whose host is an internal IP is refused here already (unless
// AllowInternal); a name is checked when dialled.
func (f *Fetcher) CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", failf(nil, "Skriv kalenderns adress.")
	}
	if len(raw) > calendar.MaxBusyFeedURL {
		return "", failf(nil, "Adressen är för lång (högst %d tecken).", calendar.MaxBusyFeedURL)
	}
	lower := strings.ToLower(raw)
	for _, p := range []string{"webcals://", "webcal://"} {
		if strings.HasPrefix(lower, p) {
			raw = "https://" + raw[len(p):]
			break
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", failf(err, "Adressen måste börja med https:// (eller http://), som en webbadress.")
	}
	if u.Hostname() == "" {
		return "", failf(nil, "Adressen saknar en server, till exempel outlook.office365.com.")
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && internal(ip) && !f.AllowInternal {
		return "", failf(errInternal, "Adressen pekar på ett internt nät. Samkal hämtar bara kalendrar från internet.")
	}
	u.Fragment = ""
	return u.String(), nil
}

// Fetch fetches the calendar at rawURL and reads its busy periods within
// the horizon at now. etag and lastModified are the validators of the
// last good fetch ("" for none): an unchanged calendar answers 304 and
// comes back NotModified. It never fails: what went wrong is in the
// result's Error, in Swedish, for the member, without the address.
func (f *Fetcher) Fetch(ctx context.Context, rawURL, etag, lastModified string, now time.Time) *calendar.BusyFetch {
	out := &calendar.BusyFetch{At: now}
	fail := func(err error) *calendar.BusyFetch {
		var e *Error
		if errors.As(err, &e) {
			out.Error = e.Message
		} else {
			out.Error = "Kalendern kunde inte hämtas."
		}
		return out
	}
	u, err := f.CheckURL(rawURL)
	if err != nil {
		return fail(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fail(failf(err, "Adressen går inte att använda."))
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	req.Header.Set("User-Agent", "Samkal (upptagna tider ur egen kalender)")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.httpClient().Do(req)
	if err != nil {
		return fail(f.transportError(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && (etag != "" || lastModified != ""):
		out.NotModified = true
		return out
	case resp.StatusCode != http.StatusOK:
		return fail(statusError(resp.StatusCode))
	case resp.ContentLength > f.maxBytes():
		return fail(f.tooLarge())
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes()+1))
	if err != nil {
		return fail(f.transportError(err))
	}
	if int64(len(data)) > f.maxBytes() {
		return fail(f.tooLarge())
	}
	from, to := f.Horizon(now)
	ps, err := Parse(data, from, to)
	if err != nil {
		return fail(err)
	}
	out.Periods = ps
	out.ETag, out.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return out
}

func (f *Fetcher) tooLarge() *Error {
	return failf(nil, "Kalendern är för stor: mer än %d MiB. Publicera en kortare period, eller bara ledig/upptagen utan detaljer.",
		f.maxBytes()>>20)
}

// transportError says in Swedish why the calendar could not be read.
func (f *Fetcher) transportError(err error) *Error {
	var ne net.Error
	switch {
	case errors.Is(err, errInternal):
		return failf(err, "Adressen pekar på ett internt nät. Samkal hämtar bara kalendrar från internet.")
	case errors.Is(err, errRedirects):
		return failf(err, "Adressen skickar vidare för många gånger. Kopiera den slutliga adressen till kalendern.")
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return failf(err, "Kalendern svarade inte inom %s. Samkal försöker igen senare; kvarstår felet, kontrollera adressen.",
			swedishSeconds(f.timeout()))
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return failf(err, "Servern i adressen finns inte. Kontrollera adressen.")
	}
	return failf(err, "Kalendern gick inte att nå. Samkal försöker igen senare; kvarstår felet, kontrollera adressen.")
}

// statusError says in Swedish what an HTTP error status means for the
// member.
func statusError(code int) *Error {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return failf(nil, "Kalendern kräver inloggning (svar %d). Använd adressen för en publicerad kalender, som inte kräver inloggning.", code)
	case code == http.StatusNotFound || code == http.StatusGone:
		return failf(nil, "Det finns ingen kalender på adressen (svar %d). Publiceringen kan ha stoppats eller adressen ändrats.", code)
	case code >= 500:
		return failf(nil, "Kalenderns server har fel just nu (svar %d). Samkal försöker igen senare.", code)
	}
	return failf(nil, "Kalendern kunde inte hämtas (svar %d). Kontrollera adressen.", code)
}

func swedishSeconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d millisekunder", d.Milliseconds())
	}
	return fmt.Sprintf("%d sekunder", int(d.Seconds()))
}
