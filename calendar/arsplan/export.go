package arsplan

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/samkal/samkal/calendar"
)

// Export writes body's årsplan for year in the årsplan format: the
// meetings of the body that start in that year (Swedish time), joint ones
// included, and what they refer to – the body itself, its organisation, the
// rooms used, and the other bodies of joint meetings as references (slug
// only). The booking windows that name the body and have a day in the year
// come too, with the rooms and bodies they name, and the people of their
// attendees as references (key only). Members are left out: an årsplan is
// about dates, and an export should not spread email addresses. Parse and
// Apply of the output into the same store change nothing.
//
// An unknown body is ENOTFOUND, a year outside calendar.MinYear–MaxYear
// EINVALID.
func Export(ctx context.Context, store calendar.Store, body string, year int) ([]byte, error) {
	if err := calendar.CheckYear(year); err != nil {
		return nil, err
	}
	b, err := store.FindBodyBySlug(ctx, body)
	if err != nil {
		return nil, err
	}
	ms, err := store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{body}, Year: &year})
	if err != nil {
		return nil, err
	}
	f := &File{Name: fmt.Sprintf("%s-%d.yaml", body, year)}
	if b.Organisation != "" {
		o, err := store.FindOrganisationBySlug(ctx, b.Organisation)
		if err != nil {
			return nil, err
		}
		f.Organisations = append(f.Organisations, &Organisation{Organisation: *o})
	}
	var rooms, others []string
	for _, m := range ms {
		if m.Room != "" && !slices.Contains(rooms, m.Room) {
			rooms = append(rooms, m.Room)
		}
		for _, s := range m.Bodies {
			if s != body && !slices.Contains(others, s) {
				others = append(others, s)
			}
		}
		f.Meetings = append(f.Meetings, &Meeting{Meeting: *m})
	}
	windows, err := exportWindows(ctx, store, f, body, year)
	if err != nil {
		return nil, err
	}
	for _, w := range windows {
		for _, r := range w.Rooms {
			if !slices.Contains(rooms, r) {
				rooms = append(rooms, r)
			}
		}
		for _, s := range w.Bodies {
			if s != body && !slices.Contains(others, s) {
				others = append(others, s)
			}
		}
	}
	slices.Sort(rooms)
	slices.Sort(others)
	for _, slug := range rooms {
		r, err := store.FindRoomBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.Rooms = append(f.Rooms, &Room{Room: *r})
	}
	f.Bodies = append(f.Bodies, &Body{Body: *b})
	for _, slug := range others {
		x := &Body{Ref: true}
		x.Slug = slug
		f.Bodies = append(f.Bodies, x)
	}
	head := fmt.Sprintf("Årsplan %d: %s (%s).\n"+
		"Written by Samkal; the format is described in docs/arsplan-format.md.\n"+
		"Times are Swedish wall-clock time. Edit and import this file again to\n"+
		"update the meetings: they are matched by key.", year, b.Name, b.Slug)
	return encode(f, head)
}

// encode writes f in the årsplan format with head as the opening comment.
// Fields that are empty are left out, except those a reader expects to see
// (a body's visibility, a meeting's status).
func encode(f *File, head string) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	section := func(key string, items []*yaml.Node) {
		if len(items) > 0 {
			root.Content = append(root.Content, str(key), &yaml.Node{Kind: yaml.SequenceNode, Content: items})
		}
	}
	var orgs, people, rooms, bodies, meetings []*yaml.Node
	for _, o := range f.Organisations {
		m := mapping("slug", str(o.Slug))
		if !o.Ref {
			m.add("name", str(o.Name)).add("kind", str(string(o.Kind)))
		}
		orgs = append(orgs, m.Node)
	}
	for _, x := range f.People {
		m := mapping("key", str(x.Key))
		if !x.Ref {
			m.add("name", str(x.Name)).opt("email", x.Email).opt("phone", x.Phone).opt("title", x.Title).opt("organisation", x.Organisation)
		}
		people = append(people, m.Node)
	}
	for _, r := range f.Rooms {
		m := mapping("slug", str(r.Slug))
		if !r.Ref {
			m.add("name", str(r.Name)).opt("address", r.Address)
			if r.Capacity != 0 {
				m.add("capacity", plain(strconv.Itoa(r.Capacity)))
			}
		}
		rooms = append(rooms, m.Node)
	}
	refNoted := false
	for _, b := range f.Bodies {
		m := mapping("slug", str(b.Slug))
		if b.Ref && !refNoted && len(b.Members) == 0 {
			m.HeadComment = "Named by slug only: bodies that must already exist (here, the other\n" +
				"bodies of joint meetings). Importing the file leaves them as they are."
			if len(f.BookingWindows) > 0 {
				m.HeadComment = "Named by slug only: bodies that must already exist (here, the other\n" +
					"bodies of joint meetings and booking windows). Importing the file\n" +
					"leaves them as they are."
			}
			refNoted = true
		}
		if !b.Ref {
			m.add("name", str(b.Name)).add("kind", str(string(b.Kind))).add("visibility", str(string(b.Visibility))).
				opt("organisation", b.Organisation).add("minutes_need_approval", plain(strconv.FormatBool(b.MinutesNeedApproval))).
				opt("description", b.Description)
			if n := notifyNode(b.Notify, b.MailRelease); n != nil {
				m.add("notify", n)
			}
			// A body's own standard items; left out for the defaults.
			for i, titles := range [][]string{b.StandardOpening, b.StandardClosing} {
				if titles != nil {
					ts := &yaml.Node{Kind: yaml.SequenceNode}
					for _, t := range titles {
						ts.Content = append(ts.Content, str(t))
					}
					if len(titles) == 0 {
						ts.Style = yaml.FlowStyle
					}
					m.add([]string{"standard_opening", "standard_closing"}[i], ts)
				}
			}
		}
		if len(b.Members) > 0 {
			var ms []*yaml.Node
			for _, x := range b.Members {
				mm := mapping("person", str(x.Person)).add("role", str(string(x.Role)))
				if !x.From.IsZero() {
					mm.add("from", plain(x.From.String()))
				}
				if !x.Until.IsZero() {
					mm.add("until", plain(x.Until.String()))
				}
				ms = append(ms, mm.Node)
			}
			m.add("members", &yaml.Node{Kind: yaml.SequenceNode, Content: ms})
		}
		bodies = append(bodies, m.Node)
	}
	for _, x := range f.Meetings {
		meetings = append(meetings, meetingNode(x))
	}
	section("organisations", orgs)
	section("people", people)
	section("rooms", rooms)
	section("bodies", bodies)
	section("meetings", meetings)
	section("booking_windows", bookingWindowNodes(f))

	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: head, Content: []*yaml.Node{root}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("arsplan: encode %s: %w", f.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("arsplan: encode %s: %w", f.Name, err)
	}
	return spaceSections(buf.Bytes()), nil
}

// spaceSections puts an empty line before each top-level key but the
// first, which the YAML encoder does not do, so that the sections stand
// apart for a reader.
func spaceSections(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	seen := false
	for _, l := range lines {
		if len(l) > 0 && l[0] >= 'a' && l[0] <= 'z' {
			if seen {
				out.WriteByte('\n')
			}
			seen = true
		}
		out.Write(l)
	}
	return out.Bytes()
}

func meetingNode(x *Meeting) *yaml.Node {
	m := mapping("key", str(x.Key))
	if x.Key == "" {
		m = mapping("uid", str(x.UID))
	}
	if x.Kind != calendar.KindMeeting {
		m.add("kind", str(string(x.Kind)))
	}
	if len(x.Bodies) > 0 {
		bs := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, b := range x.Bodies {
			bs.Content = append(bs.Content, str(b))
		}
		m.add("bodies", bs)
	}
	m.opt("title", x.Title)
	start, end := calendar.In(x.Start), calendar.In(x.End)
	date := calendar.DateOf(start)
	m.add("date", plain(date.String()))
	if x.AllDay {
		if last := calendar.DateOf(end).AddDays(-1); last != date {
			m.add("end_date", plain(last.String()))
		}
		m.add("all_day", plain("true"))
	} else {
		if last := calendar.DateOf(end); last != date {
			m.add("end_date", plain(last.String()))
		}
		m.add("start", clock(start.Format("15:04"))).add("end", clock(end.Format("15:04")))
	}
	m.add("status", str(string(x.Status)))
	m.opt("room", x.Room).opt("location", x.Location).opt("online_url", x.OnlineURL).opt("notes", x.Notes)
	m.opt("organisation", x.Organisation)
	return m.Node
}

// notifyNode writes a body's email timings on one line, e.g.
// {call_days: 14, notice_days: 5}, leaving out those that are the server's
// default, and mail_release when it is manual; nil when all are defaults.
func notifyNode(n calendar.BodyNotify, release calendar.MailRelease) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for i, v := range []*int{n.CallDays, n.CallDeadlineDays, n.NoticeDays} {
		if v != nil {
			out.Content = append(out.Content, str(notifyKeys[i]), plain(strconv.Itoa(*v)))
		}
	}
	if release.Manual() {
		out.Content = append(out.Content, str("mail_release"), plain(string(calendar.MailReleaseManual)))
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

// node builds a YAML mapping key by key.
type node struct{ *yaml.Node }

func mapping(key string, value *yaml.Node) node {
	return node{&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str(key), value}}}
}

func (n node) add(key string, value *yaml.Node) node {
	n.Content = append(n.Content, str(key), value)
	return n
}

// opt adds key only when value is not empty.
func (n node) opt(key, value string) node {
	if value == "" {
		return n
	}
	return n.add(key, str(value))
}

// str is a string value, quoted by the encoder whenever YAML would read it
// as something else (a number, a date, true), and written as a block when it
// has several lines.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if bytes.ContainsRune([]byte(s), '\n') {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// plain is a value written as it is: dates, numbers, true and false.
func plain(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

// clock is a time of day, quoted so that no YAML reader takes 13:00 for a
// number.
func clock(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}
