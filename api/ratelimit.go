package api

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/gorilla/mux"
)

// Rate limits
//
// Anonymous callers are limited where a request costs a database query or
// may change data, or where a secret is in play; everything else (public
// feeds, pages and API reads) is cheap or cached and is not limited. A
// request with the admin token is never limited. Four limits, each a token
// bucket (golang.org/x/time/rate) per key:
//
//   - misses, per client address: requests to a token-addressed route that
//     found no such token (404), and requests with a wrong bearer token
//     (401). Only failures spend it, so a calendar app polling its own
//     feed never touches it, while guessing tokens (or the admin token) is
//     slowed to a few tries a minute after a small burst. While it is
//     empty, the address's token-addressed and bearer requests are refused.
//   - address, per client address: every request to a token-addressed
//     route, generous, against hammering with valid links.
//   - token, per token: every request to that token's routes, so that one
//     leaked or shared link cannot be used to flood, whatever the address.
//   - writes, per client address: every anonymous POST, PUT, PATCH and
//     DELETE (the anmälan and justering forms, and writes to the API
//     without the admin token).
//
// A token-addressed route is one whose template has {token}: the person
// feeds, /anmalan/{token} and /justering/{token}, and any such route added
// later. A refused request is answered 429 with Retry-After (seconds): a
// Swedish page on the personal pages, problem+json elsewhere.
//
// Each limit remembers at most RateLimits.Keys keys and forgets the least
// recently used beyond that (hashicorp/golang-lru), so random tokens or
// addresses cannot grow memory. A forgotten key starts again with a full
// bucket; an attacker who can rotate through more than Keys addresses
// (IPv6 addresses are counted per /64) gets a burst per address, which is
// the limit of any per-address scheme. The client address is the
// connection's peer, or X-Forwarded-For as written by a trusted proxy (see
// clientAddr).

// Rate is a token bucket: Burst requests at once, then one more each Every.
type Rate struct {
	Burst int
	Every time.Duration
}

func (r Rate) String() string { return fmt.Sprintf("%d, then 1 per %s", r.Burst, r.Every) }

// RateLimits are the limits of anonymous requests; see above. A zero field
// takes its value from DefaultRateLimits.
type RateLimits struct {
	Misses  Rate // 404 on token routes and 401, per client address
	Address Rate // requests to token routes, per client address
	Token   Rate // requests to token routes, per token
	Writes  Rate // anonymous POST, PUT, PATCH, DELETE, per client address
	// Keys is how many keys each limit remembers at most.
	Keys int
}

// DefaultRateLimits: guessing gets 20 tries and then 2 a minute per
// address; a person's feed, polled every few minutes by a calendar app (or
// a few: phone, laptop, a calendar service), stays far below 30 at once and
// 6 a minute; a calendar service that fetches many people's feeds from one
// address stays below 2 a second; a member filling in the anmälan form,
// with mistakes, stays below 30 posts at once. 10,000 keys a limit cost
// about 9 MiB for the four limits when all are full (measured).
var DefaultRateLimits = RateLimits{
	Misses:  Rate{Burst: 20, Every: 30 * time.Second},
	Address: Rate{Burst: 120, Every: 500 * time.Millisecond},
	Token:   Rate{Burst: 30, Every: 10 * time.Second},
	Writes:  Rate{Burst: 30, Every: 2 * time.Second},
	Keys:    10_000,
}

// withDefaults fills zero fields from DefaultRateLimits.
func (l RateLimits) withDefaults() RateLimits {
	d := DefaultRateLimits
	for _, f := range []struct{ dst, def *Rate }{{&l.Misses, &d.Misses}, {&l.Address, &d.Address}, {&l.Token, &d.Token}, {&l.Writes, &d.Writes}} {
		if f.dst.Burst <= 0 {
			f.dst.Burst = f.def.Burst
		}
		if f.dst.Every <= 0 {
			f.dst.Every = f.def.Every
		}
	}
	if l.Keys <= 0 {
		l.Keys = d.Keys
	}
	return l
}

// The names of the limits, the closed set of samkal_rate_limited_total's
// label.
const (
	limitMisses  = "misses"
	limitAddress = "address"
	limitToken   = "token"
	limitWrites  = "writes"
)

// limiter is one limit: a bucket per key, at most cap keys.
type limiter struct {
	name    string
	every   rate.Limit
	burst   int
	buckets *lru.Cache[string, *rate.Limiter]
}

func newLimiter(name string, r Rate, keys int) *limiter {
	c, _ := lru.New[string, *rate.Limiter](keys) // keys > 0: never fails
	return &limiter{name: name, every: rate.Every(r.Every), burst: r.Burst, buckets: c}
}

// bucket returns key's bucket, making a full one for a new key.
func (l *limiter) bucket(key string) *rate.Limiter {
	if b, ok := l.buckets.Get(key); ok {
		return b
	}
	b := rate.NewLimiter(l.every, l.burst)
	if prev, found, _ := l.buckets.PeekOrAdd(key, b); found {
		return prev
	}
	return b
}

// take spends one request of key's bucket at now. When the bucket is empty
// it spends nothing and returns how long until it holds one again.
func (l *limiter) take(key string, now time.Time) time.Duration {
	b := l.bucket(key)
	if b.AllowN(now, 1) {
		return 0
	}
	return l.until(b, now)
}

// wait returns how long until key's bucket holds one request again, 0 when
// it holds one now; it spends nothing (see charge).
func (l *limiter) wait(key string, now time.Time) time.Duration {
	b, ok := l.buckets.Get(key)
	if !ok {
		return 0
	}
	return l.until(b, now)
}

// charge spends one request of key's bucket after the fact, going into
// debt when it is empty (requests that passed wait at the same time), so
// that concurrent guesses cost their full price.
func (l *limiter) charge(key string, now time.Time) {
	l.bucket(key).ReserveN(now, 1)
}

func (l *limiter) until(b *rate.Limiter, now time.Time) time.Duration {
	t := b.TokensAt(now)
	if t >= 1 {
		return 0
	}
	return time.Duration((1 - t) / float64(l.every) * float64(time.Second))
}

// limits are a Server's four limits.
type limits struct {
	misses, address, token, writes *limiter
	trusted                        []netip.Prefix
}

func newLimits(o RateLimits, trusted []netip.Prefix) *limits {
	o = o.withDefaults()
	return &limits{
		misses:  newLimiter(limitMisses, o.Misses, o.Keys),
		address: newLimiter(limitAddress, o.Address, o.Keys),
		token:   newLimiter(limitToken, o.Token, o.Keys),
		writes:  newLimiter(limitWrites, o.Writes, o.Keys),
		trusted: trusted,
	}
}

// tokenRoute reports whether a route template holds a secret token.
func tokenRoute(route string) bool { return strings.Contains(route, "{token}") }

// limited applies the rate limits to a request for route before its
// handler runs. It answers 429 itself and returns true when the request is
// refused. A request it lets through and that fails as a guess (a 404 on a
// token route, a 401) is charged to the misses limit afterwards, by
// accountMiss.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, route string) bool {
	tokens := tokenRoute(route)
	bearer := r.Header.Get("Authorization") != ""
	if !tokens && !bearer {
		return false // a public read or a write, which limitedWrite decides
	}
	if s.isAdminToken(r) {
		return false
	}
	now := s.now()
	addr := clientAddr(r, s.limits.trusted).String()
	if l := s.limits.misses; l.wait(addr, now) > 0 {
		s.tooMany(w, r, l.name, l.wait(addr, now))
		return true
	}
	if tokens {
		if wait := s.limits.address.take(addr, now); wait > 0 {
			s.tooMany(w, r, s.limits.address.name, wait)
			return true
		}
		if wait := s.limits.token.take(mux.Vars(r)["token"], now); wait > 0 {
			s.tooMany(w, r, s.limits.token.name, wait)
			return true
		}
	}
	return false
}

// limitedWrite applies the limit of anonymous writes (the anmälan and
// sign-in forms) once the caller is known: a signed-in person and a
// personal token are not limited by it, a made-up cookie or token is.
func (s *Server) limitedWrite(w http.ResponseWriter, r *http.Request) bool {
	if !unsafeMethod(r.Method) || principalOf(r).SignedIn() {
		return false
	}
	addr := clientAddr(r, s.limits.trusted).String()
	if wait := s.limits.writes.take(addr, s.now()); wait > 0 {
		s.tooMany(w, r, s.limits.writes.name, wait)
		return true
	}
	return false
}

// accountMiss charges a request that failed as a guess would to the
// misses limit of its client address: a 404 on a token route (no such
// link or feed) and a 401 for a wrong bearer token (not the 401 of an
// anonymous write, which guessed nothing).
func (s *Server) accountMiss(r *http.Request, route string, status int) {
	guess := status == http.StatusNotFound && tokenRoute(route) ||
		status == http.StatusUnauthorized && r.Header.Get("Authorization") != ""
	if guess {
		s.limits.misses.charge(clientAddr(r, s.limits.trusted).String(), s.now())
	}
}

// tooMany answers 429 with Retry-After: on a personal page a Swedish page,
// elsewhere problem+json.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, limit string, wait time.Duration) {
	s.metrics.limited.WithLabelValues(limit).Inc()
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if isPersonalPath(r.URL.Path) {
		data := messagePage{page: page{Title: "För många försök", Region: s.region, Home: "/"}, Heading: "För många försök",
			Lines: []string{
				"Vi har fått många förfrågningar från din anslutning eller till den här länken på kort tid, så vi väntar en stund innan vi tar emot fler. Ingenting har sparats.",
				"Försök igen om " + swedishWait(secs) + ".",
			}}
		s.renderPage(w, r, http.StatusTooManyRequests, s.pages.tooMany, data)
		return
	}
	Problem(w, http.StatusTooManyRequests, "rate_limited", fmt.Sprintf(
		"Too many requests of this kind from your address or for this address's token in a short time. Wait %d seconds (Retry-After) and try again. A calendar app that fetches a feed every few minutes is never limited; requests with the admin token are not limited.", secs))
}

// swedishWait says a wait in whole seconds as a person reads it: "30
// sekunder", "1 minut", "2 minuter".
func swedishWait(secs int) string {
	switch {
	case secs == 1:
		return "1 sekund"
	case secs < 60:
		return strconv.Itoa(secs) + " sekunder"
	case secs < 120:
		return "1 minut"
	}
	return strconv.Itoa((secs+59)/60) + " minuter"
}
