package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/samkal/samkal/calendar"
)

// statusByCode is the one table that maps calendar error codes to HTTP
// statuses. An error without a code (not a *calendar.Error) is internal.
var statusByCode = map[string]int{
	calendar.EINVALID:      http.StatusBadRequest,
	calendar.EUNAUTHORIZED: http.StatusUnauthorized,
	calendar.EFORBIDDEN:    http.StatusForbidden,
	calendar.ENOTFOUND:     http.StatusNotFound,
	calendar.ECONFLICT:     http.StatusConflict,
	calendar.EINTERNAL:     http.StatusInternalServerError,
}

// problem is an RFC 9457 problem details document. Code and Errors are
// extension members: Code is the calendar error code (or an HTTP-level code
// such as "unsupported_media_type") so that clients can branch on it, and
// Errors lists every problem when several were found at once.
type problem struct {
	Type   string   `json:"type"`
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Detail string   `json:"detail"`
	Code   string   `json:"code"`
	Errors []string `json:"errors,omitempty"`
}

// JSONOK writes v as JSON with status 200.
func JSONOK(w http.ResponseWriter, v any) { writeJSON(w, http.StatusOK, v) }

// JSONCreated writes v as JSON with status 201 and a Location header
// pointing at the new resource.
func JSONCreated(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, v)
}

// NoContent answers 204, e.g. after a delete.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Every type written here is a plain struct of strings, numbers and
		// slices; a marshal error is a programming mistake.
		panic("api: cannot marshal response: " + err.Error())
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Problem writes an application/problem+json answer with the given status,
// a code for clients to branch on, and a detail for the person reading it.
func Problem(w http.ResponseWriter, status int, code, detail string, errs ...string) {
	p := problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
		Errors: errs,
	}
	b, _ := json.MarshalIndent(p, "", "  ")
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/problem+json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// A problem may follow headers set for a success (a feed's ETag); they
	// do not describe the problem.
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Del("Content-Encoding")
	h.Del("Content-Disposition")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ErrShuttingDown is the cause with which the server ends the contexts of
// the requests still running when its shutdown timeout passes (see
// http.Server.BaseContext in cmd/samkal): they stop at once, answer 503
// and are logged as stopped, not as errors.
var ErrShuttingDown = errors.New("the server is shutting down")

// statusClientClosed is the status logged, never sent, for a request whose
// client went away before it was answered (nginx's 499).
const statusClientClosed = 499

// Error answers err as a problem: a *calendar.Error with its code's status
// and its safe message; anything else is logged with the request's route
// and answered with a generic 500 whose text reveals nothing – unless the
// request's own context has ended (see requestEnded).
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if s.requestEnded(w, r, err) {
		return
	}
	var ce *calendar.Error
	if !errors.As(err, &ce) || ce.Code == calendar.EINTERNAL {
		s.log.ErrorContext(r.Context(), "internal error", "route", routeOf(r), "method", r.Method, "err", err)
		Problem(w, http.StatusInternalServerError, calendar.EINTERNAL,
			"Something went wrong on our side. The error has been logged; please try again later.")
		return
	}
	status, ok := statusByCode[ce.Code]
	if !ok {
		s.log.ErrorContext(r.Context(), "calendar error with unknown code", "code", ce.Code, "err", err)
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="samkal"`)
	}
	Problem(w, status, ce.Code, ce.Message, ce.Details...)
}

// requestEnded handles an error that comes from the request's own context
// having ended, and reports whether err was one. Such an error is never an
// internal error, on any route: the work stopped because nobody waits for
// it any longer. When the client went away (context.Canceled) nothing is
// written and the request is logged at INFO with status 499; when the
// server is shutting down (ErrShuttingDown) or the request ran out of time,
// the client still waits and gets a 503 with Retry-After. A caller mistake
// found before the end (a *calendar.Error with a code other than internal)
// is answered as usual; any other error after the end is taken as caused by
// it (a driver interrupted mid-query does not always say so) and logged
// with it.
func (s *Server) requestEnded(w http.ResponseWriter, r *http.Request, err error) bool {
	ctx := r.Context()
	if ctx.Err() == nil {
		return false
	}
	if ce := (*calendar.Error)(nil); errors.As(err, &ce) && ce.Code != calendar.EINTERNAL {
		return false
	}
	if ri := infoOf(r); ri != nil {
		ri.ended = true
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) {
		s.log.InfoContext(ctx, "request cancelled by the client", "route", routeOf(r), "method", r.Method,
			"status", statusClientClosed, "err", err)
		return true
	}
	s.log.InfoContext(ctx, "request stopped before it was answered", "route", routeOf(r), "method", r.Method,
		"cause", cause, "err", err)
	detail := "The request took longer than the server allows and was stopped; try again, or ask for less at a time."
	if errors.Is(cause, ErrShuttingDown) {
		detail = "The server stopped this request before it finished because it is restarting; try again in a minute."
	}
	w.Header().Set("Retry-After", "30")
	Problem(w, http.StatusServiceUnavailable, "unavailable", detail)
	return true
}

// Errorf answers a caller mistake with code's status and a formatted detail.
func (s *Server) Errorf(w http.ResponseWriter, r *http.Request, code, format string, args ...any) {
	s.Error(w, r, calendar.Errorf(code, format, args...))
}
