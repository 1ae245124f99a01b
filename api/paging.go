package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging of the API's lists (issue 12): every list answer holds at most
// ?limit= items (default defaultPageSize, at most maxPageSize) and, when
// more follow, "next": the address of the next page, which carries an
// opaque ?cursor= (the sort key of the last item given). A client follows
// "next" until it is absent. A cursor, not an offset: a meeting added or
// removed between two pages neither repeats nor skips another.

const (
	defaultPageSize = 200
	maxPageSize     = 1000
)

// pager is what a list request asked for: how many, after which key.
type pager struct {
	limit int
	after string // the sort key of the last item of the previous page; "" at the start
	has   bool   // a cursor was given
}

// pageParams are the query parameters every list takes, after its own.
func pageParams(own ...string) []string { return append(own, "limit", "cursor") }

// readPager reads ?limit= and ?cursor= from q; problems are added to q.
func readPager(q *query) pager {
	p := pager{limit: defaultPageSize}
	if n := q.integer("limit", 1, maxPageSize); n != nil {
		p.limit = *n
	}
	if c := q.one("cursor"); c != nil {
		key, err := base64.RawURLEncoding.DecodeString(*c)
		if err != nil || len(key) == 0 {
			q.add("Query parameter cursor=%q is not a cursor this server gave: follow the \"next\" address of the previous page.", *c)
		} else {
			p.after, p.has = string(key), true
		}
	}
	return p
}

// pageOf returns the page of items that p asks for, in the order of key
// (unique per item; items are sorted by it here, stably, which keeps the
// store's order where key follows it), and the address of the next page,
// "" when it is the last.
func pageOf[T any](r *http.Request, p pager, items []T, key func(T) string) ([]T, string) {
	slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	start := 0
	if p.has {
		start, _ = slices.BinarySearchFunc(items, p.after, func(it T, after string) int {
			return strings.Compare(key(it), after)
		})
		if start < len(items) && key(items[start]) == p.after {
			start++
		}
	}
	end := min(start+p.limit, len(items))
	page := items[start:end]
	if end == len(items) || len(page) == 0 {
		return page, ""
	}
	return page, nextURL(r, key(page[len(page)-1]))
}

// nextURL is the request's address with ?cursor= after key (its other
// parameters, limit included, kept): relative to the server, as the other
// links of the API are.
func nextURL(r *http.Request, key string) string {
	q := r.URL.Query()
	q.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte(key)))
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// sortKey joins the parts of a composite sort key so that keys compare as
// their parts do, in order: NUL separates (no part holds one: stored text
// refuses it) and numbers are zero-padded.
func sortKey(parts ...string) string { return strings.Join(parts, "\x00") }

// numKey is n zero-padded to compare as a number (n ≥ 0).
func numKey(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", max(0, 20-len(s))) + s
}

// JSONPage answers a list with its page and the next page's address.
func JSONPage[T any](w http.ResponseWriter, r *http.Request, p pager, items []T, key func(T) string) {
	page, next := pageOf(r, p, items, key)
	l := newList(page)
	l.Next = next
	JSONOK(w, l)
}
