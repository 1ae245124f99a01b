package arsplan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/samkal/samkal/calendar"
)

// MaxSize is the largest file Parse reads (10 MiB): an årsplan for a whole
// region is a few hundred kilobytes.
const MaxSize = 10 << 20

// maxErrors is how many problems Parse lists; past that the list ends with
// a count, since a file that broken is better fixed from the top.
const maxErrors = 100

// Parse reads an årsplan YAML document. name is the file name used in
// errors. The error, if any, is Errors: every problem found, each with the
// file, line and column and a message in English, such as
//
//	region.yaml:42: meeting "chefsgrupp-folkhalsa-2025-01-21": end 12:00 is not after start 13:00
//
// Parse does not look anything up: an entry may refer to bodies, rooms,
// people and organisations that the file does not define, and Apply checks
// that they exist in the store.
func Parse(name string, data []byte) (*File, error) {
	p := &parser{name: name}
	f := p.file(data)
	if len(p.errs) > 0 {
		return nil, p.result()
	}
	return f, nil
}

// parser collects problems while walking the YAML node tree.
type parser struct {
	name    string
	errs    Errors
	dropped int // problems beyond what is kept
	lines   int // lines in the input, to keep library line numbers in range
}

func (p *parser) errorAt(at Pos, format string, args ...any) {
	if len(p.errs) >= 10*maxErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, &Error{File: p.name, Line: at.Line, Column: at.Column, Msg: fmt.Sprintf(format, args...)})
}

// result returns the problems in line order, at most maxErrors of them.
func (p *parser) result() Errors {
	es := p.errs.sorted()
	if more := len(es) - maxErrors + p.dropped; more > 0 {
		es = append(es[:maxErrors:maxErrors], &Error{File: p.name, Msg: fmt.Sprintf("%d more problems not listed; fix the ones above first", more)})
	}
	return es
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

func (p *parser) file(data []byte) *File {
	f := &File{Name: p.name}
	if len(data) > MaxSize {
		p.errorAt(Pos{}, "the file is %d bytes; an årsplan file may be at most %d bytes", len(data), MaxSize)
		return nil
	}
	p.lines = bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		p.lines++
	}
	root, ok := p.decode(data)
	if !ok || root == nil {
		return f
	}
	top := p.entry(root, "the file", "", topKeys)
	if top == nil {
		return f
	}
	for _, n := range top.list("organisations") {
		if o := p.organisation(n); o != nil {
			f.Organisations = append(f.Organisations, o)
		}
	}
	for _, n := range top.list("people") {
		if x := p.person(n); x != nil {
			f.People = append(f.People, x)
		}
	}
	for _, n := range top.list("rooms") {
		if r := p.room(n); r != nil {
			f.Rooms = append(f.Rooms, r)
		}
	}
	for _, n := range top.list("bodies") {
		if b := p.body(n); b != nil {
			f.Bodies = append(f.Bodies, b)
		}
	}
	for _, n := range top.list("meetings") {
		if m := p.meeting(n); m != nil {
			f.Meetings = append(f.Meetings, m)
		}
	}
	for _, n := range top.list("booking_windows") {
		if w := p.bookingWindow(n); w != nil {
			f.BookingWindows = append(f.BookingWindows, w)
		}
	}
	p.duplicates(f)
	p.duplicateWindows(f)
	return f
}

// decode parses data as exactly one YAML document and returns its root
// node, nil for an empty document. ok is false after a syntax error.
func (p *parser) decode(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// The YAML library turns its own failures into errors, but a bug
		// in it must not take the server down with a file upload.
		if r := recover(); r != nil {
			p.errorAt(Pos{}, "the YAML could not be read (%v)", r)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		p.yamlError(err)
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err)
		return nil, false
	default:
		p.errorAt(pos(&next), "a file holds one YAML document; remove the line \"---\" and what follows it, or make it a file of its own")
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, true
	}
	root = doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, true
	}
	return root, true
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of the YAML library's parser stage, whose
// line numbers it reports counting from 0 (its scanner counts from 1).
var parserProblems = []string{
	"did not find expected",
	"found duplicate %",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError records a syntax error from the YAML library with the line it
// is on. The library leaves out the line when it is the first one.
func (p *parser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if slices.ContainsFunc(parserProblems, func(s string) bool { return strings.HasPrefix(msg, s) }) {
			line++
		}
	} else if strings.Contains(msg, "anchor") {
		line = 0 // an unknown alias: the library does not say where
	}
	if p.lines > 0 && line > p.lines {
		line = p.lines
	}
	p.errorAt(Pos{Line: line}, "this is not valid YAML: %s", msg)
}

// entry is one mapping of the file being read: an organisation, a meeting,
// the file itself. It reports problems prefixed by what it is ("meeting
// \"x\"") and at the line of the key they concern.
type entry struct {
	p      *parser
	what   string
	pos    Pos
	vals   map[string]*yaml.Node
	fields fieldPos
	bad    map[string]bool // keys whose value was reported as malformed
}

// entry reads n as a mapping with the given keys. idKey names the key whose
// value identifies the entry in messages ("key" for a meeting). It reports
// anything that is not a mapping, unknown keys and keys written twice, and
// returns nil only when n is not a mapping at all.
func (p *parser) entry(n *yaml.Node, kind, idKey string, known []string) *entry {
	e := &entry{p: p, what: kind, pos: pos(n), vals: map[string]*yaml.Node{}, fields: fieldPos{}, bad: map[string]bool{}}
	if !p.plain(n, kind) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorAt(pos(n), "%s must be a mapping of \"key: value\" lines, not %s", kind, describe(n))
		return nil
	}
	if idKey != "" {
		e.what = kind + " (no " + idKey + ")"
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == idKey && v.Kind == yaml.ScalarNode && v.Value != "" && v.Tag != "!!null" {
				e.what = fmt.Sprintf("%s %q", kind, v.Value)
				break
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !p.plain(k, e.what+": a key") {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			p.errorAt(pos(k), "%s: a key must be a plain word such as %q, not %s", e.what, known[0], describe(k))
			continue
		}
		if !slices.Contains(known, k.Value) {
			p.errorAt(pos(k), "%s: unknown key %q%s", e.what, k.Value, suggest(k.Value, known))
			continue
		}
		if first, dup := e.fields[k.Value]; dup {
			p.errorAt(pos(k), "%s: key %q is written twice (first at line %d)", e.what, k.Value, first.Line)
			continue
		}
		e.vals[k.Value] = v
		e.fields[k.Value] = pos(k)
	}
	return e
}

// plain reports aliases (*name) as unsupported: following them could
// expand a small file into a huge one, and a hand-written årsplan has no
// need for them.
func (p *parser) plain(n *yaml.Node, what string) bool {
	if n.Kind == yaml.AliasNode {
		p.errorAt(pos(n), "%s: aliases such as *%s are not supported in årsplan files; write the value out", what, n.Value)
		return false
	}
	return true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "an empty value"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "this"
}

// suggest returns "; did you mean "x"?" for the known key closest to key,
// or a list of the known keys when none is close.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := distance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; the keys are " + strings.Join(known, ", ")
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func (e *entry) has(key string) bool { _, ok := e.vals[key]; return ok }

// at returns where key is written, or where the entry starts.
func (e *entry) at(key string) Pos { return e.fields.at(key, e.pos) }

func (e *entry) errorf(key, format string, args ...any) {
	e.bad[key] = true
	e.p.errorAt(e.at(key), "%s: %s", e.what, fmt.Sprintf(format, args...))
}

// scalar returns the value of key as written, "" when it is missing or
// empty, and ok false (after reporting it) when it is a list or mapping.
func (e *entry) scalar(key string) (string, bool) {
	n, ok := e.vals[key]
	if !ok {
		return "", true
	}
	if !e.p.plain(n, e.what+": "+key) {
		e.bad[key] = true
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		e.errorf(key, "%s must be a single value, not %s", key, describe(n))
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	// A quoted "\r\n" keeps its CR; text is stored with LF alone.
	return calendar.NormalizeNewlines(n.Value), true
}

func (e *entry) str(key string) string { s, _ := e.scalar(key); return s }

// strOr returns the value of key, or def when it is missing or empty.
func (e *entry) strOr(key, def string) string {
	if s := e.str(key); s != "" {
		return s
	}
	return def
}

func (e *entry) boolean(key string) bool {
	s, ok := e.scalar(key)
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false", "":
		return false
	}
	if ok {
		e.errorf(key, "%s must be true or false, not %q", key, s)
	}
	return false
}

func (e *entry) integer(key string) int {
	s, ok := e.scalar(key)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil && ok {
		e.errorf(key, "%s must be a whole number, not %q", key, s)
	}
	return v
}

// date reads a YYYY-MM-DD date; ok is false when the value was reported.
func (e *entry) date(key string) (calendar.Date, bool) {
	s, ok := e.scalar(key)
	if s == "" || !ok {
		return calendar.Date{}, ok
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		if _, ferr := time.Parse("2006-01-02", s); ferr == nil {
			e.errorf(key, "%s %s", key, calendar.ErrorMessage(err)) // a real day, but out of range
		} else {
			e.errorf(key, "%s %q is not a date; write it as YYYY-MM-DD, e.g. 2025-01-21", key, s)
		}
		return calendar.Date{}, false
	}
	return d, true
}

var clockPattern = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// clock reads a time of day written "13:00" (or "13.00", as Swedish
// minutes write it); ok is false when it was missing or reported.
func (e *entry) clock(key string) (hour, minute int, ok bool) {
	s, fine := e.scalar(key)
	if !fine {
		return 0, 0, false
	}
	if s == "" {
		e.errorf(key, "%s is required: a time of day such as \"13:00\" (or set all_day: true)", key)
		return 0, 0, false
	}
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		e.errorf(key, "%s %q is not a time of day; write it as HH:MM, e.g. \"13:00\"", key, s)
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(m[1])
	minute, _ = strconv.Atoi(m[2])
	return hour, minute, true
}

// strs reads a list of single values; one value on its own counts as a
// list of one.
func (e *entry) strs(key string) []string {
	n, ok := e.vals[key]
	if !ok || !e.p.plain(n, e.what+": "+key) {
		return nil
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil
	case n.Kind == yaml.ScalarNode:
		return []string{n.Value}
	case n.Kind != yaml.SequenceNode:
		e.errorf(key, "%s must be a list such as [a, b], not %s", key, describe(n))
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if !e.p.plain(c, e.what+": "+key) {
			continue
		}
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			e.p.errorAt(pos(c), "%s: every entry of %s must be a single value, not %s", e.what, key, describe(c))
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// titles reads a body's own standard agenda items, a list of titles:
// nil (the defaults) when the key is left out or empty, an empty list for
// [].
func (e *entry) titles(key string) []string {
	if n, ok := e.vals[key]; !ok || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	if out := e.strs(key); out != nil {
		return out
	}
	return []string{}
}

// list returns the entries of the list under key; an empty value is an
// empty list.
func (e *entry) list(key string) []*yaml.Node {
	n, ok := e.vals[key]
	if !ok || !e.p.plain(n, e.what+": "+key) {
		return nil
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil
	case n.Kind != yaml.SequenceNode:
		e.errorf(key, "%s must be a list: start each entry with \"- \"", key)
		return nil
	}
	return n.Content
}

// onlyID reports whether the entry gives nothing but its identifying key
// (and the keys in also), which makes it a reference to something stored.
func (e *entry) onlyID(id string, also ...string) bool {
	for k := range e.vals {
		if k != id && !slices.Contains(also, k) {
			return false
		}
	}
	return e.has(id)
}

// fieldRule maps a problem reported by a domain Validate method to the key
// it concerns, by the start of its text.
type fieldRule struct{ prefix, key string }

// validate reports each problem in err (a calendar.EINVALID with Details)
// at the line of the key it concerns, or of the entry when no rule fits.
// rewrite, when not nil, may reword a problem in the file's own terms.
func (e *entry) validate(err error, rules []fieldRule, rewrite func(string) string) {
	if err == nil {
		return
	}
	var ce *calendar.Error
	if !errors.As(err, &ce) {
		e.p.errorAt(e.pos, "%s: %v", e.what, err)
		return
	}
	details := ce.Details
	if len(details) == 0 {
		details = []string{ce.Message}
	}
	for _, d := range details {
		key := ""
		for _, r := range rules {
			if strings.HasPrefix(d, r.prefix) {
				key = r.key
				break
			}
		}
		if key != "" && e.bad[key] {
			continue // the value itself was reported already
		}
		if rewrite != nil {
			d = rewrite(d)
		}
		if d != "" {
			e.p.errorAt(e.at(key), "%s: %s", e.what, d)
		}
	}
}

var organisationRules = []fieldRule{{"organisation slug", "slug"}, {"organisation name", "name"}, {"organisation kind", "kind"}}

func (p *parser) organisation(n *yaml.Node) *Organisation {
	e := p.entry(n, "organisation", "slug", organisationKeys)
	if e == nil {
		return nil
	}
	o := &Organisation{Pos: e.pos, fields: e.fields, Ref: e.onlyID("slug")}
	o.Slug = e.str("slug")
	o.Name = e.str("name")
	o.Kind = calendar.OrganisationKind(e.str("kind"))
	if o.Ref {
		// Check only the slug: a reference has no name or kind.
		stub := calendar.Organisation{Slug: o.Slug, Name: "-", Kind: calendar.OrgRegion}
		e.validate(stub.Validate(), organisationRules, nil)
		return o
	}
	e.validate(o.Validate(), organisationRules, nil)
	return o
}

var personRules = []fieldRule{{"person key", "key"}, {"person name", "name"}, {"email", "email"}, {"phone", "phone"}, {"title", "title"}, {"organisation", "organisation"}}

func (p *parser) person(n *yaml.Node) *Person {
	e := p.entry(n, "person", "key", personKeys)
	if e == nil {
		return nil
	}
	x := &Person{Pos: e.pos, fields: e.fields, Ref: e.onlyID("key")}
	x.Key = e.str("key")
	x.Name = e.str("name")
	x.Email = e.str("email")
	x.Phone = e.str("phone")
	x.Title = e.str("title")
	x.Organisation = e.str("organisation")
	if x.Ref {
		stub := calendar.Person{Key: x.Key, Name: "-"}
		e.validate(stub.Validate(), personRules, nil)
		return x
	}
	e.validate(x.Validate(), personRules, nil)
	return x
}

var roomRules = []fieldRule{{"room slug", "slug"}, {"room name", "name"}, {"room address", "address"}, {"room capacity", "capacity"}}

func (p *parser) room(n *yaml.Node) *Room {
	e := p.entry(n, "room", "slug", roomKeys)
	if e == nil {
		return nil
	}
	r := &Room{Pos: e.pos, fields: e.fields, Ref: e.onlyID("slug")}
	r.Slug = e.str("slug")
	r.Name = e.str("name")
	r.Address = e.str("address")
	r.Capacity = e.integer("capacity")
	if r.Ref {
		stub := calendar.Room{Slug: r.Slug, Name: "-"}
		e.validate(stub.Validate(), roomRules, nil)
		return r
	}
	e.validate(r.Validate(), roomRules, nil)
	return r
}

var bodyRules = []fieldRule{{"body slug", "slug"}, {"body name", "name"}, {"body kind", "kind"}, {"visibility", "visibility"}, {"organisation", "organisation"}, {"description", "description"},
	{"standard_opening", "standard_opening"}, {"standard_closing", "standard_closing"}}

func (p *parser) body(n *yaml.Node) *Body {
	e := p.entry(n, "body", "slug", bodyKeys)
	if e == nil {
		return nil
	}
	b := &Body{Pos: e.pos, fields: e.fields, Ref: e.onlyID("slug", "members")}
	b.Slug = e.str("slug")
	b.Name = e.str("name")
	b.Kind = calendar.BodyKind(e.str("kind"))
	b.Visibility = calendar.Visibility(e.strOr("visibility", string(calendar.Public)))
	b.Organisation = e.str("organisation")
	b.MinutesNeedApproval = e.boolean("minutes_need_approval")
	b.Description = e.str("description")
	b.Notify, b.MailRelease = p.notify(e)
	b.StandardOpening, b.StandardClosing = e.titles("standard_opening"), e.titles("standard_closing")
	if b.Ref {
		stub := calendar.Body{Slug: b.Slug, Name: "-", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public}
		e.validate(stub.Validate(), bodyRules, nil)
	} else {
		e.validate(b.Validate(), bodyRules, func(d string) string {
			if slices.ContainsFunc(notifyKeys, func(k string) bool { return strings.HasPrefix(d, k) }) {
				return "" // reported by notify, on the line of its key
			}
			return d
		})
	}
	for _, mn := range e.list("members") {
		if m := p.membership(mn, b.Slug); m != nil {
			b.Members = append(b.Members, m)
		}
	}
	return b
}

var notifyRules = []fieldRule{{"call_days", "call_days"}, {"call_deadline_days", "call_deadline_days"}, {"notice_days", "notice_days"},
	{"mail_release", "mail_release"}}

// notify reads a body's notify: {call_days, call_deadline_days,
// notice_days}, each a whole number of days before the meeting, and
// mail_release (auto or manual: whether the calls and kallelser go by
// themselves or wait for "Skicka"). A key left out (or notify left out) is
// the server's default, and auto; 0 turns that email off. Problems are
// reported on the line of the key they concern.
func (p *parser) notify(body *entry) (calendar.BodyNotify, calendar.MailRelease) {
	n, ok := body.vals["notify"]
	if !ok || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return calendar.BodyNotify{}, ""
	}
	e := p.entry(n, body.what+": notify", "", notifyKeys)
	if e == nil {
		body.bad["notify"] = true
		return calendar.BodyNotify{}, ""
	}
	out := calendar.BodyNotify{CallDays: e.days("call_days"), CallDeadlineDays: e.days("call_deadline_days"), NoticeDays: e.days("notice_days")}
	e.validate(out.Validate(), notifyRules, nil)
	release := calendar.MailRelease(e.str("mail_release"))
	if !release.Valid() {
		e.errorf("mail_release", "mail_release must be auto or manual, not %q", string(release))
		release = ""
	}
	if release == calendar.MailReleaseAuto {
		release = "" // the default, as stored
	}
	return out, release
}

// days reads a whole number of days; nil when the key is missing, empty or
// reported.
func (e *entry) days(key string) *int {
	s, ok := e.scalar(key)
	if s == "" || !ok {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		e.errorf(key, "%s must be a whole number of days, such as 7, not %q", key, s)
		return nil
	}
	return &v
}

var membershipRules = []fieldRule{{"person key", "person"}, {"role", "role"}, {"membership ends", "until"}, {"from", "from"}, {"until", "until"}}

func (p *parser) membership(n *yaml.Node, body string) *Membership {
	e := p.entry(n, "member", "person", membershipKeys)
	if e == nil {
		return nil
	}
	if body != "" {
		e.what += " of " + strconv.Quote(body)
	}
	m := &Membership{Pos: e.pos, fields: e.fields}
	m.Body = body
	m.Person = e.str("person")
	m.Role = calendar.Role(e.str("role"))
	m.From, _ = e.date("from")
	m.Until, _ = e.date("until")
	err := m.Validate()
	e.validate(err, membershipRules, func(d string) string {
		if strings.HasPrefix(d, "body slug") {
			return "" // reported on the body itself
		}
		if strings.HasPrefix(d, "role \"\"") {
			return "role is required; use one of " + roleList()
		}
		return d
	})
	return m
}

func roleList() string {
	s := make([]string, len(calendar.Roles))
	for i, r := range calendar.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

var meetingRules = []fieldRule{
	{"meeting key", "key"}, {"kind", "kind"}, {"a meeting needs at least one body", "bodies"},
	{"body slug", "bodies"}, {"end (", "end"}, {"a meeting may last", "end_date"},
	{"an all-day event", "all_day"}, {"status", "status"}, {"room slug", "room"},
	{"title", "title"}, {"location", "location"}, {"online_url", "online_url"}, {"notes", "notes"},
	{"a meeting may have at most", "bodies"},
	{"organisation", "organisation"},
}

func (p *parser) meeting(n *yaml.Node) *Meeting {
	e := p.entry(n, "meeting", "key", meetingKeys)
	if e == nil {
		return nil
	}
	m := &Meeting{Pos: e.pos, fields: e.fields}
	m.Key = e.str("key")
	m.UID = e.str("uid")
	m.Kind = calendar.MeetingKind(e.strOr("kind", string(calendar.KindMeeting)))
	m.Title = e.str("title")
	m.Bodies = e.strs("bodies")
	m.Status = calendar.MeetingStatus(e.strOr("status", string(calendar.StatusProposed)))
	m.Room = e.str("room")
	m.Location = e.str("location")
	m.OnlineURL = e.str("online_url")
	m.Notes = e.str("notes")
	m.Organisation = e.str("organisation")
	m.AllDay = e.boolean("all_day")

	timesOK := p.meetingTimes(e, m)
	if m.Key == "" && m.UID == "" {
		e.errorf("", "key is required: a stable name for the meeting such as %q, so that importing the file again updates it", suggestKey(m))
	}
	m.Normalize()
	e.validate(m.Validate(), meetingRules, func(d string) string {
		switch {
		case strings.HasPrefix(d, "start and end are required") && !timesOK:
			return "" // the date or time was reported already
		case strings.HasPrefix(d, "end ("):
			return endBeforeStart(m)
		case strings.HasPrefix(d, "a meeting needs at least one body"):
			return d + ": list it under bodies, or set kind: event for an event of the whole region"
		}
		return d
	})
	return m
}

// meetingTimes sets m.Start and m.End from date, end_date, start, end and
// all_day, reporting what is missing, malformed or not a Swedish wall-clock
// time. It returns false when it reported something.
func (p *parser) meetingTimes(e *entry, m *Meeting) bool {
	date, ok := e.date("date")
	if !ok {
		return false
	}
	if date.IsZero() {
		e.errorf("date", "date is required, e.g. date: 2025-01-21")
		return false
	}
	endDate := date
	if e.has("end_date") {
		if endDate, ok = e.date("end_date"); !ok {
			return false
		}
		if endDate.IsZero() {
			endDate = date
		}
	}
	if m.AllDay {
		for _, k := range []string{"start", "end"} {
			if e.has(k) {
				e.errorf(k, "an all-day event has no %s time; remove %s, or remove all_day", k, k)
				ok = false
			}
		}
		m.Start, m.End = date.Start(), endDate.AddDays(1).Start()
		return ok
	}
	sh, sm, okStart := e.clock("start")
	eh, em, okEnd := e.clock("end")
	if !okStart || !okEnd {
		return false
	}
	// A file has no way to write an offset, so a time that happens twice
	// is refused like one that does not exist (calendar.WallClock).
	var err error
	if m.Start, err = calendar.WallClock(date, sh, sm); err != nil {
		e.errorf("start", "start %s; choose another time", calendar.ErrorMessage(err))
		ok = false
	}
	if m.End, err = calendar.WallClock(endDate, eh, em); err != nil {
		e.errorf("end", "end %s; choose another time", calendar.ErrorMessage(err))
		ok = false
	}
	return ok
}

// endBeforeStart words "end must be after start" in the file's terms.
func endBeforeStart(m *Meeting) string {
	s, e := calendar.In(m.Start), calendar.In(m.End)
	if m.AllDay {
		return fmt.Sprintf("end_date %s is before date %s", calendar.DateOf(e).AddDays(-1), calendar.DateOf(s))
	}
	if calendar.DateOf(s) == calendar.DateOf(e) {
		return fmt.Sprintf("end %s is not after start %s", e.Format("15:04"), s.Format("15:04"))
	}
	return fmt.Sprintf("end %s %s is not after start %s %s", calendar.DateOf(e), e.Format("15:04"), calendar.DateOf(s), s.Format("15:04"))
}

// suggestKey proposes a meeting key: its first body (or title) and date.
func suggestKey(m *Meeting) string {
	name := "meeting"
	if len(m.Bodies) > 0 {
		name = m.Bodies[0]
	} else if m.Title != "" {
		name = calendar.Slugify(m.Title)
	}
	if m.Start.IsZero() {
		return name
	}
	return name + "-" + calendar.DateOf(m.Start).String()
}

// duplicates reports entries that the file defines twice: the same slug or
// key, the same membership, the same meeting uid.
func (p *parser) duplicates(f *File) {
	type seen map[string]Pos
	check := func(s seen, kind, id string, at Pos) {
		if id == "" {
			return
		}
		if first, ok := s[id]; ok {
			p.errorAt(at, "%s %q is defined twice (first at line %d)", kind, id, first.Line)
			return
		}
		s[id] = at
	}
	orgs, people, rooms, bodies, members, keys, uids := seen{}, seen{}, seen{}, seen{}, seen{}, seen{}, seen{}
	for _, o := range f.Organisations {
		check(orgs, "organisation", o.Slug, o.Pos)
	}
	for _, x := range f.People {
		check(people, "person", x.Key, x.Pos)
	}
	for _, r := range f.Rooms {
		check(rooms, "room", r.Slug, r.Pos)
	}
	for _, b := range f.Bodies {
		check(bodies, "body", b.Slug, b.Pos)
		for _, m := range b.Members {
			id := fmt.Sprintf("%s as %s in %s from %s", m.Person, m.Role, m.Body, orOpen(m.From))
			check(members, "membership", id, m.Pos)
		}
	}
	for _, m := range f.Meetings {
		check(keys, "meeting", m.Key, m.Pos)
		check(uids, "meeting uid", m.UID, m.fields.at("uid", m.Pos))
	}
}

func orOpen(d calendar.Date) string {
	if d.IsZero() {
		return "the start"
	}
	return d.String()
}
