package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The calendar, /kalender: the meetings of a month (?manad=2025-09) or an
// ISO week (?vecka=2025-W37) laid out by week, as Swedish planning speaks
// ("v 37"), with holidays and klämdagar named; earlier and later months or
// weeks a link away; narrowed to one body (&organ=slug) or one kind
// (&typ=moten or handelser) with a plain GET form, so it works without
// JavaScript. It shows what the start page and the feeds show: the public
// bodies' meetings and the region's events, and for a signed-in person
// also those of the restricted bodies they sit in.
//
// An installation of several regions (more than bodyListMax public
// bodies) has some 800 meetings a month and a thousand bodies: one month
// of everything was 165 KB and the page's slowest (issue 12). There the
// calendar is one organisation's (&organisation=slug, "Huvudman"): its
// bodies' meetings, its events and those for everyone, and the body
// choice lists its bodies; until one is chosen (or a body), the page asks
// for it.

type calendarPage struct {
	page
	Heading, Week                   string
	WeekView                        bool
	PrevPath, NextPath, SwitchPath  string
	PrevText, NextText, SwitchText  string
	Weeks                           []gridWeek
	DayNames                        []string
	Bodies, Kinds, Orgs             []kindOption
	Month, WeekValue, Count, Filter string
	Empty                           bool
	// ChooseOrg: a large installation, and nothing chosen yet.
	ChooseOrg bool
}

// calendarView is one month or one week and what narrows it.
type calendarView struct {
	first, last     calendar.Date
	week            *calendar.ISOWeek
	body, kind, org string
}

// query is the view's own address with its filter, for the links that
// move or switch it.
func (v calendarView) path(params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	if v.org != "" {
		q.Set("organisation", v.org)
	}
	if v.body != "" {
		q.Set("organ", v.body)
	}
	if v.kind != "" {
		q.Set("typ", v.kind)
	}
	return "/kalender?" + q.Encode()
}

func monthParam(d calendar.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)) }

// calendarPage answers GET /kalender. A month or week it cannot read is
// "Sidan finns inte", as an unknown meeting is.
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	today := calendar.DateOf(s.now())
	v := calendarView{body: q.Get("organ"), kind: q.Get("typ"), org: q.Get("organisation")}
	switch {
	case q.Get("vecka") != "":
		wk, err := calendar.ParseISOWeek(q.Get("vecka"))
		if err != nil {
			s.pageNotFound(w, r)
			return
		}
		v.week, v.first = &wk, wk.Monday()
		v.last = v.first.AddDays(6)
	default:
		month := q.Get("manad")
		if month == "" {
			month = monthParam(today)
		}
		t, err := time.ParseInLocation("2006-01", month, calendar.Location)
		if err != nil || calendar.CheckYear(t.Year()) != nil {
			s.pageNotFound(w, r)
			return
		}
		v.first = calendar.DateOf(t)
		v.last = v.first.AddDays(32)
		v.last = calendar.Date{Year: v.last.Year, Month: v.last.Month, Day: 1}.AddDays(-1)
	}
	if v.kind != "" && v.kind != "moten" && v.kind != "handelser" {
		v.kind = ""
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := principalOf(r)
	if b := n.bodies[v.body]; v.body != "" && (b == nil || !p.SeeBody(b.Slug, isPublic(b))) {
		v.body = "" // a body the caller cannot see narrows nothing
	}
	large := len(n.public) > bodyListMax
	if _, ok := n.orgs[v.org]; !ok || !large {
		v.org = ""
	}
	if b := n.bodies[v.body]; b != nil && v.org != "" && b.Organisation != v.org {
		v.body = "" // not the chosen organisation's
	}
	ms, err := s.calendarMeetings(ctx, v, n, large)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	byDay := map[calendar.Date][]gridMeeting{}
	count := 0
	for _, m := range ms {
		if !m.IsPublic(n.isPublic) && !takesPart(p, m) ||
			v.kind == "moten" && m.Kind != calendar.KindMeeting || v.kind == "handelser" && m.Kind != calendar.KindEvent {
			continue
		}
		// An event of several days shows on each of its days in view.
		for d := calendar.DateOf(m.Start); d.Start().Before(m.End) && !v.last.Before(d); d = d.AddDays(1) {
			if d.Before(v.first) {
				continue
			}
			byDay[d] = append(byDay[d], gridMeeting{Path: "/moten/" + strconv.FormatInt(m.ID, 10), Time: swedishSpan(m),
				Title: meetingTitle(m, n), Status: gridStatus[m.Status], StatusClass: string(m.Status)})
		}
		count++
	}
	data := calendarPage{Weeks: weekGrid(v.first, v.last, byDay), DayNames: []string{"mån", "tis", "ons", "tor", "fre", "helg"},
		Month: monthParam(v.first), Empty: count == 0, Count: fmt.Sprintf("%d", count)}
	if v.week != nil {
		data.WeekView, data.WeekValue = true, v.week.String()
		data.Heading = fmt.Sprintf("Vecka %d, %d", v.week.Week, v.week.Year)
		data.Week = fmt.Sprintf("%s – %s", swedishDate(v.first.Start()), swedishDate(v.last.Start()))
		prev, next := calendar.ISOWeekOf(v.first.AddDays(-7)), calendar.ISOWeekOf(v.first.AddDays(7))
		data.PrevPath, data.PrevText = v.path("vecka", prev.String()), fmt.Sprintf("Vecka %d", prev.Week)
		data.NextPath, data.NextText = v.path("vecka", next.String()), fmt.Sprintf("Vecka %d", next.Week)
		data.SwitchPath, data.SwitchText = v.path("manad", monthParam(v.first)), "Visa hela månaden"
	} else {
		data.Heading = upperFirst(swedishMonths[v.first.Month-1]) + " " + strconv.Itoa(v.first.Year)
		prev, next := v.first.AddDays(-1), v.last.AddDays(1)
		data.PrevPath, data.PrevText = v.path("manad", monthParam(prev)), upperFirst(swedishMonths[prev.Month-1])
		data.NextPath, data.NextText = v.path("manad", monthParam(next)), upperFirst(swedishMonths[next.Month-1])
		shown := v.first
		if today.Year == v.first.Year && today.Month == v.first.Month {
			shown = today
		}
		data.SwitchPath, data.SwitchText = v.path("vecka", calendar.ISOWeekOf(shown).String()), "Visa en vecka"
	}
	data.Bodies = []kindOption{{Value: "", Label: "Alla organ", Selected: v.body == ""}}
	for _, b := range n.bodies {
		if p.SeeBody(b.Slug, isPublic(b)) && (!large || b.Organisation == v.org && v.org != "" || b.Slug == v.body) {
			data.Bodies = append(data.Bodies, kindOption{Value: b.Slug, Label: b.Name, Selected: b.Slug == v.body})
		}
	}
	if large {
		data.ChooseOrg = v.org == "" && v.body == ""
		data.Orgs = []kindOption{{Value: "", Label: "Välj huvudman", Selected: v.org == ""}}
		hosts := map[string]bool{}
		for _, b := range n.public {
			hosts[b.Organisation] = true
		}
		for slug, name := range n.orgs {
			if hosts[slug] {
				data.Orgs = append(data.Orgs, kindOption{Value: slug, Label: name, Selected: slug == v.org})
			}
		}
		slices.SortFunc(data.Orgs[1:], func(a, b kindOption) int { return strings.Compare(a.Label, b.Label) })
	}
	slices.SortFunc(data.Bodies[1:], func(a, b kindOption) int { return strings.Compare(a.Label, b.Label) })
	data.Kinds = []kindOption{{"", "Möten och händelser", v.kind == ""}, {"moten", "Bara möten", v.kind == "moten"},
		{"handelser", "Bara andra händelser (konferenser, uppföljningsdagar)", v.kind == "handelser"}}
	switch {
	case v.body != "":
		data.Filter = n.bodies[v.body].Name
	case v.org != "":
		data.Filter = n.orgs[v.org]
	}
	title := data.Heading
	if data.Filter != "" {
		title += " – " + data.Filter
	}
	data.page = s.page("Kalender, " + title)
	s.renderPage(w, r, http.StatusOK, s.pages.calendar, data)
}

// calendarMeetings reads the meetings of the view: one body's; in a large
// installation one organisation's bodies' and the events that are its or
// everyone's, or none until one is chosen; else all of the period.
func (s *Server) calendarMeetings(ctx context.Context, v calendarView, n *names, large bool) ([]*calendar.Meeting, error) {
	from, to := v.first.Start(), v.last.AddDays(1).Start()
	f := calendar.MeetingFilter{From: &from, To: &to}
	switch {
	case v.body != "":
		f.Bodies = []string{v.body}
	case large && v.org == "":
		return nil, nil
	case large:
		ms, _, err := s.organisationMeetings(ctx, n, v.org, f, func(*calendar.Body) bool { return true })
		return ms, err
	}
	return s.store.FindMeetings(ctx, f)
}

// organisationMeetings is what an organisation's calendar holds, within
// f's time (and f's PublicOnly): the meetings of the bodies it hosts that
// keep accepts, its own events of no body and everyone's, by start. It
// returns the bodies too, which a feed depends on. The month's calendar of
// a large installation shows it; an organisation's feed
// (/feeds/organisations/SLUG.ics) is it, public only.
func (s *Server) organisationMeetings(ctx context.Context, n *names, org string, f calendar.MeetingFilter, keep func(*calendar.Body) bool) ([]*calendar.Meeting, []string, error) {
	var bodies []string
	for _, b := range n.bodies {
		if b.Organisation == org && keep(b) {
			bodies = append(bodies, b.Slug)
		}
	}
	slices.Sort(bodies)
	var ms []*calendar.Meeting
	if len(bodies) > 0 {
		f.Bodies = bodies
		var err error
		if ms, err = s.store.FindMeetings(ctx, f); err != nil {
			return nil, nil, err
		}
	}
	event := calendar.KindEvent
	events, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{From: f.From, To: f.To, Kind: &event})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range events {
		if len(e.Bodies) == 0 && (e.Organisation == "" || e.Organisation == org) {
			ms = append(ms, e)
		}
	}
	slices.SortStableFunc(ms, func(a, b *calendar.Meeting) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
	return ms, bodies, nil
}
