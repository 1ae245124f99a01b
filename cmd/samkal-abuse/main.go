// Command samkal-abuse tries, for a bounded time and number of requests,
// what an attacker or a careless client would try against a running Samkal
// server on this machine, and reports whether the server's memory and its
// /metrics page stayed flat:
//
//   - made-up methods and random paths (each new label would be a new
//     metric series),
//   - guessed person-feed, anmälan and justering tokens,
//   - a flood of the anmälan form (random tokens, or a real link's token
//     with --anmalan-token) and of anonymous API writes,
//   - huge bodies (8 MiB, more than any form or API body Samkal takes).
//
// It samples the server's resident memory (from /proc/PID/status with
// --pid, else the process_resident_memory_bytes metric) and the size of
// /metrics before, every --every during, and after the run, prints what it
// saw (status codes, 429s, memory and /metrics over time), and exits 1
// when RSS grew by more than --max-rss-growth or /metrics by more than
// --max-metrics-growth, 2 for wrong flags, 0 otherwise.
//
//	go run ./cmd/samkal serve --demo --db /tmp/abuse.db --addr 127.0.0.1:8080 &
//	go run ./cmd/samkal-abuse --url http://127.0.0.1:8080 --pid $(pgrep -n samkal)
//
// It only ever talks to loopback addresses (127.0.0.0/8, ::1, localhost)
// and refuses any other URL: it is for testing one's own server. It lives
// in cmd/ beside samkal because it is a program a person runs, not part of
// the server; it imports nothing of Samkal's, so it tests the server only
// from outside, as an attacker would.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit codes.
const (
	exitOK    = 0
	exitGrew  = 1 // memory or /metrics grew beyond its bound, or the server did not answer
	exitUsage = 2
)

// Upper bounds of the flags: the run is always bounded.
const (
	maxDuration    = 10 * time.Minute
	maxRequests    = 200_000
	maxConcurrency = 64
	hugeBody       = 8 << 20
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the parsed flags.
type options struct {
	base             *url.URL
	duration, every  time.Duration
	requests, conc   int
	pid              int
	anmalanToken     string
	maxRSS, maxBytes int64
	settle           time.Duration
}

func parse(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("samkal-abuse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "the Samkal server to try (loopback only)")
	o := &options{}
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "stop sending after this long (at most 10m)")
	fs.IntVar(&o.requests, "requests", 5000, "stop after this many requests (at most 200000)")
	fs.IntVar(&o.conc, "concurrency", 8, "requests in flight at once (at most 64)")
	fs.DurationVar(&o.every, "every", time.Second, "how often to sample memory and /metrics")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id, to read its RSS from /proc/PID/status (default: the process_resident_memory_bytes metric)")
	fs.StringVar(&o.anmalanToken, "anmalan-token", "", "a real anmälan link's token, to flood its form (default: random tokens only)")
	maxRSS := fs.Int("max-rss-growth", 32, "fail when the server's RSS grew by more than this many MiB")
	maxBytes := fs.Int("max-metrics-growth", 256, "fail when /metrics grew by more than this many KiB")
	fs.DurationVar(&o.settle, "settle", 2*time.Second, "wait this long after the run before the last sample")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	u, err := url.Parse(strings.TrimRight(*rawURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q is not an http(s) URL", *rawURL)
	}
	if !loopback(u.Hostname()) {
		return nil, fmt.Errorf("--url %q is not on this machine: samkal-abuse only talks to 127.0.0.0/8, ::1 or localhost", *rawURL)
	}
	o.base = u
	switch {
	case o.duration <= 0 || o.duration > maxDuration:
		return nil, fmt.Errorf("--duration %s: give more than 0 and at most %s", o.duration, maxDuration)
	case o.requests <= 0 || o.requests > maxRequests:
		return nil, fmt.Errorf("--requests %d: give 1 to %d", o.requests, maxRequests)
	case o.conc <= 0 || o.conc > maxConcurrency:
		return nil, fmt.Errorf("--concurrency %d: give 1 to %d", o.conc, maxConcurrency)
	case o.every < 100*time.Millisecond:
		return nil, fmt.Errorf("--every %s: give at least 100ms", o.every)
	case *maxRSS <= 0 || *maxBytes <= 0:
		return nil, errors.New("--max-rss-growth and --max-metrics-growth must be more than 0")
	case o.settle < 0 || o.settle > time.Minute:
		return nil, fmt.Errorf("--settle %s: give 0 to 1m", o.settle)
	}
	o.maxRSS, o.maxBytes = int64(*maxRSS)<<20, int64(*maxBytes)<<10
	return o, nil
}

// loopback reports whether host is this machine: "localhost" or a
// loopback IP. Names are not resolved.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "samkal-abuse: %v\n", err)
		}
		return exitUsage
	}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.conc, DisableCompression: true,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	s := &sampler{o: o, client: client}
	first, err := s.sample(ctx, "before")
	if err != nil {
		fmt.Fprintf(stderr, "samkal-abuse: %v\n", err)
		return exitGrew
	}
	fmt.Fprintf(stdout, "samkal-abuse against %s: at most %d requests in %s, %d at a time\n", o.base, o.requests, o.duration, o.conc)
	fmt.Fprintf(stdout, "%-8s %9s %12s %14s %8s\n", "when", "requests", "RSS", "/metrics", "series")
	s.print(stdout, first)

	a := &attack{o: o, client: client, codes: map[string]int{}}
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	done := make(chan struct{})
	go func() { a.run(runCtx); close(done) }()
	tick := time.NewTicker(o.every)
	defer tick.Stop()
	samples := []sample{first}
loop:
	for {
		select {
		case <-done:
			break loop
		case <-tick.C:
			sm, err := s.sample(ctx, "during")
			if err != nil {
				fmt.Fprintf(stdout, "%-8s sample failed: %v\n", "during", err)
				continue
			}
			sm.requests = a.sent.Load()
			samples = append(samples, sm)
			s.print(stdout, sm)
		}
	}
	cancel()
	select {
	case <-time.After(o.settle):
	case <-ctx.Done():
	}
	last, err := s.sample(context.WithoutCancel(ctx), "after")
	if err != nil {
		fmt.Fprintf(stderr, "samkal-abuse: the server did not answer after the run: %v\n", err)
		return exitGrew
	}
	last.requests = a.sent.Load()
	samples = append(samples, last)
	s.print(stdout, last)
	return a.report(stdout, samples)
}

// ---- what is sent

type attack struct {
	o      *options
	client *http.Client
	sent   atomic.Int64
	mu     sync.Mutex
	codes  map[string]int // "GET 404", "junk 501", "error"
	kinds  map[string]int
}

// run sends requests from o.conc workers until o.requests are sent or ctx
// ends.
func (a *attack) run(ctx context.Context) {
	a.kinds = map[string]int{}
	var wg sync.WaitGroup
	for w := range a.o.conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
			for ctx.Err() == nil && a.sent.Add(1) <= int64(a.o.requests) {
				a.one(ctx, rng)
			}
		})
	}
	wg.Wait()
	if n := a.sent.Load(); n > int64(a.o.requests) {
		a.sent.Store(int64(a.o.requests))
	}
}

// one sends one request of a kind chosen at random.
func (a *attack) one(ctx context.Context, rng *rand.Rand) {
	var (
		kind, method, path, ctype string
		body                      io.Reader
	)
	switch n := rng.IntN(100); {
	case n < 35:
		kind, method, path = "random method and path", word(rng, 3+rng.IntN(10), upper), "/"+word(rng, 1+rng.IntN(30), lower)
	case n < 45:
		kind, method, path = "random path", "GET", "/"+word(rng, 1+rng.IntN(12), lower)+"/"+word(rng, 1+rng.IntN(40), lower)
	case n < 60:
		kind, method, path = "person feed guess", "GET", "/feeds/people/"+token(rng)+".ics"
	case n < 70:
		kind, method, path = "link guess", "GET", []string{"/anmalan/", "/justering/"}[rng.IntN(2)]+token(rng)
	case n < 85:
		tok := token(rng)
		if a.o.anmalanToken != "" && rng.IntN(2) == 0 {
			tok = a.o.anmalanToken
		}
		kind, method, path, ctype = "anmälan form flood", "POST", "/anmalan/"+tok, "application/x-www-form-urlencoded"
		body = strings.NewReader(url.Values{"rubrik": {"Punkt " + word(rng, 8, lower)}, "typ": {"information"}}.Encode())
	case n < 97:
		kind, method, path, ctype = "anonymous API write", []string{"POST", "PATCH", "DELETE"}[rng.IntN(3)], "/api/v1/meetings", "application/json"
		body = strings.NewReader(`{"title":"` + word(rng, 20, lower) + `"}`)
	default:
		kind, method = "huge body", "POST"
		path, ctype = "/api/v1/meetings", "application/json"
		if rng.IntN(2) == 0 {
			path, ctype = "/anmalan/"+token(rng), "application/x-www-form-urlencoded"
		}
		body = io.LimitReader(repeat('a'), hugeBody)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.o.base.String()+path, body)
	if err != nil {
		a.count(kind, "request error")
		return
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	// The anmälan form as a browser on the page posts it: same origin.
	req.Header.Set("Origin", a.o.base.Scheme+"://"+a.o.base.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			a.count(kind, "transport error")
		}
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	label := method
	if !slices.Contains([]string{"GET", "POST", "PATCH", "DELETE"}, method) {
		label = "made-up"
	}
	a.count(kind, label+" "+strconv.Itoa(res.StatusCode))
}

func (a *attack) count(kind, code string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.codes[code]++
	a.kinds[kind]++
}

// report prints what was sent and answered and judges the samples: it
// returns exitGrew when RSS or /metrics grew beyond its bound.
func (a *attack) report(w io.Writer, samples []sample) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(w, "\nsent %d requests:\n", a.sent.Load())
	for _, k := range sortedKeys(a.kinds) {
		fmt.Fprintf(w, "  %-24s %7d\n", k, a.kinds[k])
	}
	fmt.Fprintln(w, "answers (method, status):")
	limited := 0
	for _, c := range sortedKeys(a.codes) {
		fmt.Fprintf(w, "  %-24s %7d\n", c, a.codes[c])
		if strings.HasSuffix(c, " 429") {
			limited += a.codes[c]
		}
	}
	fmt.Fprintf(w, "refused with 429 (rate limits): %d\n", limited)
	first, last := samples[0], samples[len(samples)-1]
	var peakRSS, peakBytes int64
	for _, s := range samples {
		peakRSS, peakBytes = max(peakRSS, s.rss), max(peakBytes, s.bytes)
	}
	code := exitOK
	judge := func(what string, before, peak, after, bound int64, unit func(int64) string) {
		verdict := "ok"
		if peak-before > bound {
			verdict, code = "GREW beyond the bound", exitGrew
		}
		fmt.Fprintf(w, "%-9s before %s, peak %s, after %s: growth %s, bound %s: %s\n", what,
			unit(before), unit(peak), unit(after), unit(peak-before), unit(bound), verdict)
	}
	judge("RSS", first.rss, peakRSS, last.rss, a.o.maxRSS, mib)
	judge("/metrics", first.bytes, peakBytes, last.bytes, a.o.maxBytes, kib)
	fmt.Fprintf(w, "metric series: before %d, after %d\n", first.series, last.series)
	return code
}

// ---- what is measured

type sample struct {
	when          string
	requests      int64
	rss, bytes    int64
	series        int
	rssFromMetric bool
}

type sampler struct {
	o      *options
	client *http.Client
}

// sample reads /metrics (its size, its series and the process's RSS) and,
// with --pid, the RSS from /proc.
func (s *sampler) sample(ctx context.Context, when string) (sample, error) {
	sm := sample{when: when}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.o.base.String()+"/metrics", nil)
	if err != nil {
		return sm, err
	}
	res, err := s.client.Do(req)
	if err != nil {
		return sm, fmt.Errorf("GET /metrics: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 512<<20))
	if err != nil || res.StatusCode != http.StatusOK {
		return sm, fmt.Errorf("GET /metrics: %d %v", res.StatusCode, err)
	}
	sm.bytes = int64(len(b))
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sm.series++
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok && s.o.pid == 0 {
			f, _ := strconv.ParseFloat(v, 64)
			sm.rss, sm.rssFromMetric = int64(f), true
		}
	}
	if s.o.pid != 0 {
		if sm.rss, err = procRSS(s.o.pid); err != nil {
			return sm, err
		}
	}
	return sm, nil
}

func (s *sampler) print(w io.Writer, sm sample) {
	fmt.Fprintf(w, "%-8s %9d %12s %14s %8d\n", sm.when, sm.requests, mib(sm.rss), kib(sm.bytes), sm.series)
}

// procRSS reads VmRSS from /proc/PID/status.
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("--pid %d: %w", pid, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("--pid %d: VmRSS %q", pid, v)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("--pid %d: no VmRSS in /proc/%d/status", pid, pid)
}

// ---- helpers

const (
	lower = "abcdefghijklmnopqrstuvwxyz0123456789-_."
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

func word(rng *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// token is a random token shaped like Samkal's (43 characters of URL-safe
// base64).
func token(rng *rand.Rand) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return word(rng, 43, b64)
}

// repeat is an endless reader of one byte, for huge bodies that are never
// held in memory.
type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
func kib(n int64) string { return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10)) }
