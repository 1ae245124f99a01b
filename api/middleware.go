package api

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samkal/samkal/calendar"
)

// requestInfo travels in a request's context from the outer wrapper to the
// route handler, which fills in the route template. Logs and metrics use the
// template, never the path: a person feed's path holds its secret token.
type requestInfo struct {
	route string
	id    string    // the request's ID (newRequestID), logged and recorded with its changes
	rec   *recorder // the response so far, for the rate limits' accounting
	// ended is set when the request's context ended before it was
	// answered (see Server.requestEnded): logged at INFO, and as 499 when
	// nothing was written.
	ended bool
}

type infoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	ri, _ := r.Context().Value(infoKey{}).(*requestInfo)
	return ri
}

// routeOf returns the route template of r, or "unmatched".
func routeOf(r *http.Request) string {
	if ri := infoOf(r); ri != nil && ri.route != "" {
		return ri.route
	}
	return routeUnmatched
}

// The route labels of requests that reached no handler of a route
// template. With the templates themselves they are the closed set of
// route labels in metrics and logs.
const (
	routeUnmatched     = "unmatched"          // no route has the path
	routeWrongMethod   = "method_not_allowed" // a route has the path, not the method
	routeUnknownMethod = "unknown_method"     // a method Samkal does not know (501)
)

// methodLabel maps a request's method to the closed set that metrics and
// logs use: the methods Samkal knows, and "other" for anything else (which
// is answered 501 before routing). A label taken from the request as sent
// would let anyone create new series, and so memory and /metrics bytes,
// without bound.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// unsafeMethod reports whether m may change data (and so is refused from
// other sites and rate-limited for anonymous callers).
func unsafeMethod(m string) bool {
	switch m {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// metrics are the HTTP and feed-cache metrics.
type metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	feedHits   *prometheus.CounterVec
	feedRender *prometheus.CounterVec
	limited    *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route template and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		feedHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samkal_feed_cache_hits_total",
			Help: "Feed requests answered from already rendered bytes, by feed kind (all, body, person).",
		}, []string{"feed"}),
		feedRender: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samkal_feed_renders_total",
			Help: "Feed renders (store query + iCal encoding + gzip), by feed kind (all, body, person).",
		}, []string{"feed"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samkal_rate_limited_total",
			Help: "Requests refused with 429 by a rate limit, by limit (misses, address, token, writes).",
		}, []string{"limit"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.feedHits, m.feedRender, m.limited} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// defaultSlowRequest is how long a request may take before its access log
// line is a warning, whatever else it is (Options.SlowRequest).
const defaultSlowRequest = time.Second

// accessLevel decides how important a request's access log line is, so
// that the log is useful at info and cheap: the many successful reads
// (feed polls and their 304s, pages, the API, static files) are DEBUG;
// what someone may want to look into later is INFO: every request that
// may change data (the audit trail of writes and attempted writes), a
// wrong bearer token (401), and anything but success on a token-addressed
// route (a member's link that does not work, or someone guessing); slow
// requests are WARN and server errors ERROR. Refusals by the rate limits
// (429) and unknown methods (501) are DEBUG: they are counted in the
// metrics, and a line for each would let an attacker fill the disk.
func accessLevel(method, route string, status int, elapsed, slow time.Duration) slog.Level {
	switch {
	case status == http.StatusNotImplemented:
		return slog.LevelDebug // an unknown method: the caller's noise, not our error
	case status >= 500:
		return slog.LevelError
	case elapsed >= slow:
		return slog.LevelWarn
	case status == http.StatusTooManyRequests:
		return slog.LevelDebug
	case unsafeMethod(method), status == http.StatusUnauthorized, status >= 400 && tokenRoute(route):
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// wrap puts the whole router (not only matched routes, as r.Use would) in
// panic recovery, request logging, metrics and cross-origin protection for
// unsafe methods. A method Samkal does not know is answered 501 before
// anything else.
func (s *Server) wrap(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPersonalPath(r.URL.Path) {
			// A member's browser, sent by another site's page: a page in
			// Swedish, not an API problem.
			s.crossSiteForm(w, r)
			return
		}
		Problem(w, http.StatusForbidden, calendar.EFORBIDDEN,
			"Cross-origin requests that change data are refused. Call the API from a server or a command-line client, not from another site's page.")
	}))
	inner := cop.Handler(next)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &recorder{ResponseWriter: w}
		ri := &requestInfo{rec: rw, id: newRequestID()}
		rw.Header().Set("X-Request-ID", ri.id)
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
		method := methodLabel(r.Method)

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic while serving a request",
					"method", method, "route", routeOf(r), "panic", v, "stack", string(debug.Stack()))
				if rw.status == 0 {
					Problem(rw, http.StatusInternalServerError, calendar.EINTERNAL,
						"Something went wrong on our side. The error has been logged; please try again later.")
				}
			}
			status := rw.status
			if status == 0 && ri.ended {
				status = statusClientClosed
			} else if status == 0 {
				status = http.StatusOK
			}
			route := routeOf(r)
			elapsed := time.Since(start)
			s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			s.metrics.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
			level := accessLevel(method, route, status, elapsed, s.slow)
			if ri.ended && level > slog.LevelInfo {
				level = slog.LevelInfo // the client went away or the server is stopping: not our error
			}
			if s.log.Enabled(r.Context(), level) {
				s.log.LogAttrs(r.Context(), level, "request",
					slog.String("method", method),
					slog.String("route", route),
					slog.Int("status", status),
					slog.Int64("bytes", rw.bytes),
					slog.Duration("duration", elapsed),
					slog.String("request_id", ri.id))
			}
		}()
		if method == "other" {
			ri.route = routeUnknownMethod
			rw.Header().Set("Allow", "GET, HEAD, POST, PATCH, DELETE")
			Problem(rw, http.StatusNotImplemented, "not_implemented",
				"This server does not know the request's method. Samkal answers GET, HEAD, POST, PATCH and DELETE.")
			return
		}
		inner.ServeHTTP(rw, r)
	})
}
