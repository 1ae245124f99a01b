package arsplan

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/samkal/samkal/calendar"
)

// BookingWindow is an entry of booking_windows: (bokningsveckor). Its Name
// identifies it across imports: Apply updates the stored window of that
// name, or creates one when there is none.
type BookingWindow struct {
	calendar.BookingWindow
	Pos    Pos
	fields fieldPos
}

// bookingWindowKeys are the keys of a booking window entry, in the order
// Export writes them; the same fields as the API's JSON.
var bookingWindowKeys = []string{"name", "weeks", "bodies", "counts", "duration_minutes", "weekdays", "hours", "rooms",
	"deadline", "buffer_minutes", "blackouts", "attendees", "granularity_minutes"}

// ParseBookingWindows reads the booking windows of a YAML document, for
// commands that plan a window from a file. The document is either one
// booking window (its keys at the top: name, weeks, bodies …) or an årsplan
// file, whose booking_windows: it returns (and whose other sections must be
// valid too). Errors are Errors, as from Parse.
func ParseBookingWindows(name string, data []byte) ([]*BookingWindow, error) {
	p := &parser{name: name}
	if len(data) <= MaxSize {
		p.lines = bytes.Count(data, []byte("\n")) + 1
		if root, ok := p.decode(data); ok && isBareWindow(root) {
			w := p.bookingWindow(root)
			if len(p.errs) > 0 {
				return nil, p.result()
			}
			return []*BookingWindow{w}, nil
		}
	}
	// Anything else, a YAML syntax error included, is read (and reported)
	// as an årsplan file.
	f, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	return f.BookingWindows, nil
}

// isBareWindow reports whether root is a booking window on its own: a
// mapping with the key weeks or name, which an årsplan file does not have.
func isBareWindow(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k == "weeks" || k == "name" {
			return true
		}
	}
	return false
}

var bookingWindowRules = []fieldRule{
	{"booking window name", "name"}, {"a booking window needs at least one ISO week", "weeks"}, {"ISO week", "weeks"},
	{"a booking window needs at least one body", "bodies"}, {"body slug", "bodies"}, {"counts names", "counts"},
	{"count for", "counts"}, {"attendees names", "attendees"}, {"duration_minutes", "duration_minutes"},
	{"a booking window needs at least one weekday", "weekdays"}, {"a booking window needs at least one time span", "hours"},
	{"time span", "hours"}, {"room slug", "rooms"}, {"buffer_minutes", "buffer_minutes"},
	{"granularity_minutes", "granularity_minutes"}, {"blackout", "blackouts"}, {"deadline", "deadline"}, {"weeks:", "weeks"}, {"hours:", "hours"},
	{"rooms:", "rooms"},
}

func (p *parser) bookingWindow(n *yaml.Node) *BookingWindow {
	e := p.entry(n, "booking window", "name", bookingWindowKeys)
	if e == nil {
		return nil
	}
	w := &BookingWindow{Pos: e.pos, fields: e.fields}
	w.Name = e.str("name")
	for _, c := range e.scalars("weeks") {
		wk, err := calendar.ParseISOWeek(c.Value)
		if err != nil {
			e.bad["weeks"] = true
			p.errorAt(pos(c), "%s: weeks: %s", e.what, calendar.ErrorMessage(err))
			continue
		}
		w.Weeks = append(w.Weeks, wk)
	}
	w.Bodies = e.strs("bodies")
	for _, kv := range e.pairs("counts") {
		n, err := strconv.Atoi(kv.value.Value)
		if kv.value.Kind != yaml.ScalarNode || err != nil {
			e.bad["counts"] = true
			p.errorAt(pos(kv.value), "%s: counts: the count for %q must be a whole number, not %s", e.what, kv.key, describe(kv.value))
			continue
		}
		if w.Counts == nil {
			w.Counts = map[string]int{}
		}
		w.Counts[kv.key] = n
	}
	w.DurationMinutes = e.integer("duration_minutes")
	for _, c := range e.scalars("weekdays") {
		d, err := calendar.ParseWeekday(c.Value)
		if err != nil {
			e.bad["weekdays"] = true
			p.errorAt(pos(c), "%s: weekdays: %s", e.what, calendar.ErrorMessage(err))
			continue
		}
		w.Weekdays = append(w.Weekdays, d)
	}
	w.Hours = p.timeSpans(e)
	w.Rooms = e.strs("rooms")
	w.Deadline, _ = e.date("deadline")
	w.BufferMinutes = e.integer("buffer_minutes")
	w.Blackouts = p.dateRanges(e)
	for _, kv := range e.pairs("attendees") {
		var keys []string
		for _, c := range e.listScalars("attendees of "+strconv.Quote(kv.key), "attendees", kv.value) {
			if !calendar.ValidSlug(c.Value) {
				e.bad["attendees"] = true
				p.errorAt(pos(c), "%s: attendees of %q: %q is not a valid person key (lower-case a–z, digits and hyphens)", e.what, kv.key, c.Value)
				continue
			}
			keys = append(keys, c.Value)
		}
		if w.Attendees == nil {
			w.Attendees = map[string][]string{}
		}
		w.Attendees[kv.key] = keys
	}
	w.GranularityMinutes = e.integer("granularity_minutes")
	e.validate(w.Validate(), bookingWindowRules, func(d string) string {
		if strings.HasPrefix(d, "a booking window needs at least one ISO week") && e.bad["weeks"] {
			return "" // the weeks were reported one by one
		}
		if strings.HasPrefix(d, "a booking window needs at least one weekday") && e.bad["weekdays"] {
			return ""
		}
		return d
	})
	return w
}

// timeSpanPattern is the short form of a time span, "09:00–12:00" (also
// with "-" and Swedish "9.00").
var timeSpanPattern = regexp.MustCompile(`^\s*(\d{1,2}[:.]\d{2})\s*[–-]\s*(\d{1,2}[:.]\d{2})\s*$`)

// timeSpans reads hours: a list of {from: "09:00", to: "12:00"}, or of
// "09:00–12:00".
func (p *parser) timeSpans(e *entry) []calendar.TimeSpan {
	var out []calendar.TimeSpan
	for _, n := range e.list("hours") {
		if !p.plain(n, e.what+": hours") {
			continue
		}
		var from, to string
		at := pos(n)
		switch n.Kind {
		case yaml.ScalarNode:
			m := timeSpanPattern.FindStringSubmatch(n.Value)
			if m == nil {
				e.bad["hours"] = true
				p.errorAt(at, "%s: hours: %q is not a time span; write {from: \"09:00\", to: \"12:00\"} or \"09:00–12:00\"", e.what, n.Value)
				continue
			}
			from, to = m[1], m[2]
		default:
			s := p.entry(n, e.what+": a time span of hours", "", []string{"from", "to"})
			if s == nil {
				e.bad["hours"] = true
				continue
			}
			from, to = s.str("from"), s.str("to")
			if from == "" || to == "" {
				e.bad["hours"] = true
				p.errorAt(at, "%s: hours: a time span needs from and to, e.g. {from: \"09:00\", to: \"12:00\"}", e.what)
				continue
			}
		}
		f, err1 := calendar.ParseClock(from)
		t, err2 := calendar.ParseClock(to)
		if err1 != nil || err2 != nil || !clockPattern.MatchString(from) || !clockPattern.MatchString(to) {
			e.bad["hours"] = true
			p.errorAt(at, "%s: hours: %s–%s is not a time span; write the times as HH:MM, e.g. \"09:00\"", e.what, from, to)
			continue
		}
		out = append(out, calendar.TimeSpan{From: f, To: t})
	}
	return out
}

// dateRanges reads blackouts: a list of {from: 2025-07-01, to: 2025-08-10}.
func (p *parser) dateRanges(e *entry) []calendar.DateRange {
	var out []calendar.DateRange
	for _, n := range e.list("blackouts") {
		s := p.entry(n, e.what+": a blackout", "", []string{"from", "to"})
		if s == nil {
			e.bad["blackouts"] = true
			continue
		}
		from, ok1 := s.date("from")
		to, ok2 := s.date("to")
		if !ok1 || !ok2 {
			e.bad["blackouts"] = true
			continue
		}
		if to.IsZero() {
			to = from // one day
		}
		out = append(out, calendar.DateRange{From: from, To: to})
	}
	return out
}

// scalars returns the entries of the list under key as nodes, so that a
// problem with one entry is reported on its own line; one value on its own
// counts as a list of one.
func (e *entry) scalars(key string) []*yaml.Node {
	n, ok := e.vals[key]
	if !ok {
		return nil
	}
	return e.listScalars(key, key, n)
}

// listScalars returns the single values of the list n, which the entry
// holds under key and messages call what.
func (e *entry) listScalars(what, key string, n *yaml.Node) []*yaml.Node {
	if !e.p.plain(n, e.what+": "+what) {
		e.bad[key] = true
		return nil
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil
	case n.Kind == yaml.ScalarNode:
		return []*yaml.Node{n}
	case n.Kind != yaml.SequenceNode:
		e.bad[key] = true
		e.p.errorAt(pos(n), "%s: %s must be a list such as [a, b], not %s", e.what, what, describe(n))
		return nil
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		if !e.p.plain(c, e.what+": "+what) {
			e.bad[key] = true
			continue
		}
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			e.bad[key] = true
			e.p.errorAt(pos(c), "%s: every entry of %s must be a single value, not %s", e.what, what, describe(c))
			continue
		}
		out = append(out, c)
	}
	return out
}

// pair is one "key: value" of a mapping-valued field such as counts.
type pair struct {
	key   string
	value *yaml.Node
}

// pairs returns the entries of the mapping under key (body slug: value),
// reporting keys that are not plain words and keys written twice.
func (e *entry) pairs(key string) []pair {
	n, ok := e.vals[key]
	if !ok || !e.p.plain(n, e.what+": "+key) {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		e.errorf(key, "%s must be a mapping of body slugs, e.g. {lansdel-norr: …}, not %s", key, describe(n))
		return nil
	}
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !e.p.plain(k, e.what+": "+key) || !e.p.plain(v, e.what+": "+key) {
			e.bad[key] = true
			continue
		}
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			e.bad[key] = true
			e.p.errorAt(pos(k), "%s: %s: a key must be a body slug, not %s", e.what, key, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			e.bad[key] = true
			e.p.errorAt(pos(k), "%s: %s: %q is written twice (first at line %d)", e.what, key, k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{k.Value, v})
	}
	return out
}

// duplicateWindows reports booking windows that the file names twice.
func (p *parser) duplicateWindows(f *File) {
	seen := map[string]Pos{}
	for _, w := range f.BookingWindows {
		if w.Name == "" {
			continue
		}
		if first, ok := seen[w.Name]; ok {
			p.errorAt(w.Pos, "booking window %q is defined twice (first at line %d)", w.Name, first.Line)
			continue
		}
		seen[w.Name] = w.Pos
	}
}

// windowReferences checks, with checkReferences' ref, the bodies, rooms
// and attendees that the file's booking windows name.
func (a *applier) windowReferences(ref func(at Pos, what, kind, id string) error, keep func(error)) {
	for _, w := range a.f.BookingWindows {
		what := fmt.Sprintf("booking window %q", w.Name)
		for _, b := range w.Bodies {
			keep(ref(w.fields.at("bodies", w.Pos), what, "body", b))
		}
		for _, r := range w.Rooms {
			keep(ref(w.fields.at("rooms", w.Pos), what, "room", r))
		}
		var people []string
		for _, b := range w.Bodies {
			people = append(people, w.Attendees[b]...)
		}
		slices.Sort(people)
		for _, k := range slices.Compact(people) {
			keep(ref(w.fields.at("attendees", w.Pos), what, "person", k))
		}
	}
}

// bookingWindows creates the file's booking windows that are not stored
// (by name) and updates those that differ. Whether an update changed
// anything is read from the store's record of changes, which records one
// exactly when something changed.
func (a *applier) bookingWindows(ctx context.Context) error {
	if len(a.f.BookingWindows) == 0 {
		return nil
	}
	stored, err := a.tx.FindBookingWindows(ctx)
	if err != nil {
		return err
	}
	for _, w := range a.f.BookingWindows {
		what := fmt.Sprintf("booking window %q", w.Name)
		var same []*calendar.BookingWindow
		for _, s := range stored {
			if s.Name == w.Name {
				same = append(same, s)
			}
		}
		v := w.BookingWindow
		v.ID = 0
		switch len(same) {
		case 0:
			if err := a.tx.CreateBookingWindow(ctx, &v); err != nil {
				return a.fail(w.Pos, what, err)
			}
			a.count("booking_windows", true, false)
		case 1:
			before, err := a.tx.DataVersion(ctx)
			if err != nil {
				return err
			}
			if _, err := a.tx.UpdateBookingWindow(ctx, same[0].ID, &v); err != nil {
				return a.fail(w.Pos, what, err)
			}
			after, err := a.tx.DataVersion(ctx)
			if err != nil {
				return err
			}
			a.count("booking_windows", false, after.Serial != before.Serial)
		default:
			a.errorAt(w.Pos, "%s: %d stored booking windows have this name; rename all but one in Samkal so that the file names one of them", what, len(same))
			return a.errs
		}
	}
	return nil
}

// exportWindows adds to f the stored booking windows that name body and
// have a day in year, with the people their attendees name as references,
// and returns those windows.
func exportWindows(ctx context.Context, store calendar.Store, f *File, body string, year int) ([]*calendar.BookingWindow, error) {
	all, err := store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	var out []*calendar.BookingWindow
	var people []string
	for _, w := range all {
		inYear := slices.ContainsFunc(w.Days(), func(d calendar.Date) bool { return d.Year == year })
		if !inYear || !slices.Contains(w.Bodies, body) {
			continue
		}
		out = append(out, w)
		f.BookingWindows = append(f.BookingWindows, &BookingWindow{BookingWindow: *w})
		for _, keys := range w.Attendees {
			people = append(people, keys...)
		}
	}
	slices.Sort(people)
	for _, k := range slices.Compact(people) {
		x := &Person{Ref: true}
		x.Key = k
		f.People = append(f.People, x)
	}
	return out, nil
}

// bookingWindowNodes writes f's booking windows for encode.
func bookingWindowNodes(f *File) []*yaml.Node {
	var out []*yaml.Node
	flow := func(values ...string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range values {
			n.Content = append(n.Content, str(v))
		}
		return n
	}
	for _, x := range f.BookingWindows {
		w := &x.BookingWindow
		m := mapping("name", str(w.Name))
		weeks := make([]string, len(w.Weeks))
		for i, wk := range w.Weeks {
			weeks[i] = wk.String()
		}
		m.add("weeks", flow(weeks...)).add("bodies", flow(w.Bodies...))
		if len(w.Counts) > 0 {
			c := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
			for _, b := range w.Bodies {
				if n, ok := w.Counts[b]; ok {
					c.Content = append(c.Content, str(b), plain(strconv.Itoa(n)))
				}
			}
			m.add("counts", c)
		}
		m.add("duration_minutes", plain(strconv.Itoa(w.DurationMinutes)))
		days := make([]string, len(w.Weekdays))
		for i, d := range w.Weekdays {
			days[i] = d.String()
		}
		m.add("weekdays", flow(days...))
		hours := &yaml.Node{Kind: yaml.SequenceNode}
		for _, h := range w.Hours {
			span := mapping("from", clock(h.From.String())).add("to", clock(h.To.String()))
			span.Style = yaml.FlowStyle
			hours.Content = append(hours.Content, span.Node)
		}
		m.add("hours", hours)
		m.add("rooms", flow(w.Rooms...))
		if !w.Deadline.IsZero() {
			m.add("deadline", plain(w.Deadline.String()))
		}
		if w.BufferMinutes != 0 {
			m.add("buffer_minutes", plain(strconv.Itoa(w.BufferMinutes)))
		}
		if len(w.Blackouts) > 0 {
			bs := &yaml.Node{Kind: yaml.SequenceNode}
			for _, b := range w.Blackouts {
				r := mapping("from", plain(b.From.String())).add("to", plain(b.To.String()))
				r.Style = yaml.FlowStyle
				bs.Content = append(bs.Content, r.Node)
			}
			m.add("blackouts", bs)
		}
		if len(w.Attendees) > 0 {
			at := &yaml.Node{Kind: yaml.MappingNode}
			for _, b := range w.Bodies {
				if keys, ok := w.Attendees[b]; ok {
					at.Content = append(at.Content, str(b), flow(keys...))
				}
			}
			m.add("attendees", at)
		}
		if w.GranularityMinutes != 0 {
			m.add("granularity_minutes", plain(strconv.Itoa(w.GranularityMinutes)))
		}
		out = append(out, m.Node)
	}
	return out
}
