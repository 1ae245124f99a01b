package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// maxBody is the largest request body accepted (1 MiB): ample for any
// entity, small enough that a careless or hostile client cannot tie up
// memory.
const maxBody = 1 << 20

// httpError is an HTTP-level caller mistake with a status outside the
// calendar code table (413, 415).
type httpError struct {
	status int
	code   string
	detail string
}

func (e *httpError) Error() string { return e.detail }

// decodeBody reads r's JSON object into dst (a struct whose fields are
// json.RawMessage, so that each field can be checked with its name; see
// fields). It answers the problem itself and returns false when the body is
// not acceptable: wrong Content-Type (415), larger than maxBody (413),
// empty, malformed (with line and column), not an object, an unknown field
// (named), or trailing data (400).
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := readJSON(w, r, dst); err != nil {
		var he *httpError
		if errors.As(err, &he) {
			Problem(w, he.status, he.code, he.detail)
		} else {
			s.Error(w, r, err)
		}
		return false
	}
	return true
}

func readJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
		shown := ct
		if shown == "" {
			shown = "none"
		}
		return &httpError{http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("The request body must be JSON: send \"Content-Type: application/json\" (got %s).", shown)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &httpError{http.StatusRequestEntityTooLarge, "too_large",
				fmt.Sprintf("The request body is larger than %d bytes (1 MiB); no entity needs that much.", maxBody)}
		}
		return calendar.Errorf(calendar.EINVALID, "The request body could not be read: the connection broke off.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return calendar.Errorf(calendar.EINVALID, "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(body, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		next := int(end)
		for next < len(body) && strings.ContainsRune(" \t\r\n", rune(body[next])) {
			next++
		}
		line, col := position(body, int64(next))
		return calendar.Errorf(calendar.EINVALID, "Malformed JSON: unexpected data after the object at line %d, column %d; send exactly one JSON object.", line, col)
	}
	return nil
}

// jsonError turns an encoding/json error into a message that says what and
// where.
func jsonError(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(body, syn.Offset-1) // Offset counts the offending byte
		return calendar.Errorf(calendar.EINVALID, "Malformed JSON at line %d, column %d: %s.", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(body, int64(len(body)))
		return calendar.Errorf(calendar.EINVALID, "Malformed JSON: the body ends too early at line %d, column %d (a missing } or \"?).", line, col)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return calendar.Errorf(calendar.EINVALID, "The request body must be a JSON object, not %s.", article(typ.Value))
		}
		return calendar.Errorf(calendar.EINVALID, "Field %q must be %s, not %s.", typ.Field, describeType(typ.Type), article(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return calendar.Errorf(calendar.EINVALID, "Unknown field %s; check its spelling (fields are snake_case, e.g. \"online_url\").", name)
	}
	return calendar.Errorf(calendar.EINVALID, "Malformed JSON: %s.", strings.TrimPrefix(err.Error(), "json: "))
}

// position returns the 1-based line and column of the byte at index off
// in b.
func position(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func article(jsonKind string) string {
	switch jsonKind {
	case "array", "object":
		return "an " + jsonKind
	case "number", "string":
		return "a " + jsonKind
	case "bool":
		return "true or false"
	}
	if strings.HasPrefix(jsonKind, "number ") { // "number 1.5" for an int field
		return "the number " + strings.TrimPrefix(jsonKind, "number ")
	}
	return jsonKind
}

func describeType(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// plural names the values of an array's elements: "strings".
func plural(t reflect.Type) string {
	if t.Kind() == reflect.String {
		return "strings"
	}
	return "values of type " + t.String()
}

// fields converts the raw fields of a decoded body one by one, so that a
// mistake names its field; it collects every problem before answering.
type fields struct {
	problems []string
}

func (f *fields) add(format string, args ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

// err returns one EINVALID error listing every problem, or nil.
func (f *fields) err() error {
	if len(f.problems) == 0 {
		return nil
	}
	msg := f.problems[0]
	if len(f.problems) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(f.problems)-1)
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: f.problems}
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// value decodes raw into a *T. It returns nil when the field was not sent.
// null is the zero value when nullable (e.g. "room": null removes the room)
// and a problem otherwise.
func value[T any](f *fields, name string, raw json.RawMessage, nullable bool) *T {
	if raw == nil {
		return nil
	}
	var v T
	if isNull(raw) {
		if !nullable {
			f.add("Field %q must not be null; leave it out to keep its value.", name)
			return nil
		}
		return &v
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		var typ *json.UnmarshalTypeError
		want := reflect.TypeFor[T]()
		if errors.As(err, &typ) {
			if want.Kind() == reflect.Slice && typ.Type == want.Elem() {
				f.add("Field %q must be an array of %s, not %s in it.", name, plural(want.Elem()), article(typ.Value))
			} else if typ.Field != "" {
				f.add("Field %q must be %s (%s: %s, not %s).", name, describeType(want), typ.Field, describeType(typ.Type), article(typ.Value))
			} else {
				f.add("Field %q must be %s, not %s.", name, describeType(want), article(typ.Value))
			}
		} else {
			f.add("Field %q: %s.", name, strings.TrimPrefix(calendar.ErrorMessage(err), "json: "))
		}
		return nil
	}
	return &v
}

// str decodes a string field; null means "" (clears it). CRLF and lone CR
// become LF (calendar.NormalizeNewlines), so that text from a Windows
// client stores as text from any other; what the field may hold is checked
// by calendar's Validate.
func str(f *fields, name string, raw json.RawMessage) *string {
	return text(f, name, raw, true)
}

// text decodes a string field as str does; null is refused unless
// nullable.
func text(f *fields, name string, raw json.RawMessage, nullable bool) *string {
	v := value[string](f, name, raw, nullable)
	if v != nil {
		*v = calendar.NormalizeNewlines(*v)
	}
	return v
}

// strTo decodes a string field into a string-based type such as a kind.
func strTo[T ~string](f *fields, name string, raw json.RawMessage, nullable bool) *T {
	v := value[string](f, name, raw, nullable)
	if v == nil {
		return nil
	}
	t := T(*v)
	return &t
}

// date decodes "YYYY-MM-DD"; null clears it (the zero Date).
func date(f *fields, name string, raw json.RawMessage) *calendar.Date {
	v := value[string](f, name, raw, true)
	if v == nil {
		return nil
	}
	if *v == "" {
		return &calendar.Date{}
	}
	d, err := calendar.ParseDate(*v)
	if err != nil {
		f.add("Field %q: %s.", name, calendar.ErrorMessage(err))
		return nil
	}
	return &d
}

// timestamp decodes a meeting time with calendar.ParseTime: RFC 3339 with
// an offset, or Swedish wall-clock time without one, in Europe/Stockholm.
// A local time that does not exist in Sweden is refused, naming it, and
// one that happens twice asks for the offset that says which.
func timestamp(f *fields, name string, raw json.RawMessage) *time.Time {
	v := value[string](f, name, raw, false)
	if v == nil {
		return nil
	}
	t, err := calendar.ParseTime(*v)
	if err != nil {
		f.add("Field %q: %s.", name, calendar.ErrorMessage(err))
		return nil
	}
	return &t
}

// query checks a request's query parameters: every name must be one of
// allowed (a typo such as ?yaer= is an error, not a silently ignored
// filter), and single-valued ones may appear once.
type query struct {
	fields
	v url.Values
}

func newQuery(r *http.Request, allowed ...string) *query {
	q := &query{v: r.URL.Query()}
	for name := range q.v {
		if !contains(allowed, name) {
			if len(allowed) == 0 {
				q.add("Unknown query parameter %q; this address takes none.", name)
			} else {
				q.add("Unknown query parameter %q; use %s.", name, strings.Join(allowed, ", "))
			}
		}
	}
	return q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// one returns the single value of name, or nil when absent.
func (q *query) one(name string) *string {
	vs := q.v[name]
	switch {
	case len(vs) == 0:
		return nil
	case len(vs) > 1:
		q.add("Query parameter %q is given %d times; give it once.", name, len(vs))
		return nil
	case vs[0] == "":
		q.add("Query parameter %q is empty.", name)
		return nil
	case !q.clean(name, vs[0]):
		return nil
	}
	return &vs[0]
}

// clean reports whether a query value is one line of text that calendar
// would store (no NUL, control or bidi character, valid UTF-8), and
// reports the problem when it is not: such a value can match nothing, and
// must not reach the database.
func (q *query) clean(name, v string) bool {
	if p := calendar.LineText.Check(v, false); p != nil {
		q.add("Query parameter %s.", p.Describe(name))
		return false
	}
	return true
}

// many returns every value of a repeatable parameter; "a,b" counts as two.
func (q *query) many(name string) []string {
	var out []string
	for _, v := range q.v[name] {
		if !q.clean(name, v) {
			continue
		}
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// slug returns a slug-valued parameter, checking its form.
func (q *query) slug(name string) *string {
	v := q.one(name)
	if v != nil && !calendar.ValidSlug(*v) {
		q.add("Query parameter %s=%q is not a valid slug or key (lower-case a–z, digits and hyphens).", name, *v)
		return nil
	}
	return v
}

func (q *query) integer(name string, min, max int) *int {
	v := q.one(name)
	if v == nil {
		return nil
	}
	n, err := strconv.Atoi(*v)
	if err != nil || n < min || n > max {
		q.add("Query parameter %s=%s must be a whole number from %d to %d.", name, strconv.Quote(*v), min, max)
		return nil
	}
	return &n
}

func (q *query) date(name string) *calendar.Date {
	v := q.one(name)
	if v == nil {
		return nil
	}
	d, err := calendar.ParseDate(*v)
	if err != nil {
		q.add("Query parameter %s: %s.", name, calendar.ErrorMessage(err))
		return nil
	}
	return &d
}

// instant reads a date ("2025-01-01", Swedish midnight; with endOfDay the
// midnight after it, so that ?to=2025-01-31 includes the 31st) or an RFC
// 3339 time.
func (q *query) instant(name string, endOfDay bool) *time.Time {
	v := q.one(name)
	if v == nil {
		return nil
	}
	d, err := calendar.ParseDate(*v)
	if err == nil {
		if endOfDay {
			d = d.AddDays(1)
		}
		t := d.Start()
		return &t
	}
	if _, ferr := time.Parse("2006-01-02", *v); ferr == nil { // a real day, out of range
		q.add("Query parameter %s: %s.", name, calendar.ErrorMessage(err))
		return nil
	}
	t, err := time.Parse(time.RFC3339, *v)
	if err != nil {
		q.add("Query parameter %s=%q must be a date (2025-01-31) or an RFC 3339 time (2025-01-31T13:00:00+01:00).", name, *v)
		return nil
	}
	t = calendar.In(t)
	if !calendar.InYearRange(t) {
		q.add("Query parameter %s: %s.", name, calendar.CheckYear(t.Year()).Message)
		return nil
	}
	return &t
}

// pathID parses a numeric id from the path.
func pathID(r *http.Request, what string) (int64, error) {
	s := mux.Vars(r)["id"]
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, calendar.Errorf(calendar.EINVALID, "%q is not a %s id; ids are positive whole numbers.", s, what)
	}
	return id, nil
}
