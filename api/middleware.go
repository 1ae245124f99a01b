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
	return "unmatched"
}

// metrics are the HTTP and feed-cache metrics.
type metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	feedHits   *prometheus.CounterVec
	feedRender *prometheus.CounterVec
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
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.feedHits, m.feedRender} {
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

// wrap puts the whole router (not only matched routes, as r.Use would) in
// panic recovery, request logging, metrics and cross-origin protection for
// unsafe methods.
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
		ri := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
		rw := &recorder{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic while serving a request",
					"method", r.Method, "route", routeOf(r), "panic", v, "stack", string(debug.Stack()))
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
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.duration.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
			level := slog.LevelInfo
			if status >= 500 && !ri.ended {
				level = slog.LevelError
			}
			if s.log.Enabled(r.Context(), level) {
				s.log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("route", route),
					slog.Int("status", status),
					slog.Int64("bytes", rw.bytes),
					slog.Duration("duration", elapsed))
			}
		}()
		inner.ServeHTTP(rw, r)
	})
}
