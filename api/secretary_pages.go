package api

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
	"github.com/samkal/samkal/calendar/plan"
)

// The secretaries' pages under /mina-organ (issue 10): "Mina organ" with
// what needs doing, a body's årsplan as a list and a year grid, and a
// meeting's hub with its actions – create, change or move, cancel,
// fastställ. They write through the store directly, as the personal pages
// do, with the domain's validation; errors are Swedish field messages.
// Before a meeting is saved its clashes (plan.MeetingClashes, the same
// rules as `samkal conflicts`) are shown, and saving anyway takes an
// explicit choice, which is recorded in the meeting's notes (see
// overrideNote).

// nearBodies are those of kept that share an organisation (a huvudman)
// with a ticked body, and the ticked ones: an admin of a country keeps
// 1,260 bodies, and a form of 1,260 checkboxes helps nobody, while a
// joint meeting is of one region's bodies.
func nearBodies(kept []*calendar.Body, ticked []string) []*calendar.Body {
	orgs := map[string]bool{}
	for _, b := range kept {
		if slices.Contains(ticked, b.Slug) {
			orgs[b.Organisation] = true
		}
	}
	var out []*calendar.Body
	for _, b := range kept {
		if orgs[b.Organisation] || slices.Contains(ticked, b.Slug) {
			out = append(out, b)
		}
	}
	return out
}

// keptBodies are the bodies the caller keeps: every body for an admin,
// else those they are secretary of, ordered as the store lists them.
func keptBodies(p *access.Principal, all []*calendar.Body) []*calendar.Body {
	var out []*calendar.Body
	for _, b := range all {
		if p.SeeAll() || p.Rights != nil && p.Rights.Secretary[b.Slug] {
			out = append(out, b)
		}
	}
	return out
}

// weekDate is "tisdag 21 januari 2025, v 4".
func weekDate(t time.Time) string {
	_, w := calendar.In(t).ISOWeek()
	return fmt.Sprintf("%s, v %d", swedishDate(t), w)
}

// weekWhen is when m is, with its week, as the secretaries' pages list
// it: "tisdag 21 januari 2025, v 4, 13.00–16.30"; an event of whole days
// names its last day too ("onsdag 19 november 2025 – torsdag 20 november
// 2025, heldagar, v 47").
func weekWhen(m *calendar.Meeting) string {
	if m.AllDay && lastDayOf(m) != calendar.DateOf(m.Start) {
		_, w := calendar.In(m.Start).ISOWeek()
		return fmt.Sprintf("%s, v %d", swedishWhen(m), w)
	}
	return weekDate(m.Start) + ", " + swedishSpan(m)
}

// swedishSpan is "13.00–16.30", or "heldag".
func swedishSpan(m *calendar.Meeting) string {
	if m.AllDay {
		return "heldag"
	}
	return swedishClock(m.Start) + "–" + swedishClock(m.End)
}

// shortStatus is the status in one word: "Förslag", "Fastställt" or
// "Inställt".
func shortStatus(st calendar.MeetingStatus) string {
	if st == calendar.StatusProposed {
		return "Förslag"
	}
	return swedishStatus(st)
}

func hubPath(id int64) string { return "/mina-organ/moten/" + strconv.FormatInt(id, 10) }

// ---- Mina organ

type myBodiesPage struct {
	page
	Bodies []keptBody
}

type keptBody struct {
	Name, Slug, Plan, New string
	Coming                []comingRow
	Todo                  []todoItem
}

type comingRow struct {
	Path, Title, When, Status, StatusClass string
}

type todoItem struct{ Text, Path, Action string }

// comingPerBody is how many coming meetings "Mina organ" lists per body;
// the waiting proposals of those are counted in one query (CountProposals),
// so that an admin's page of every body stays a few round trips.
const comingPerBody = 6

// proposedListed is how many proposed dates of a body "Mina organ" lists
// one by one; the rest are one line that leads to the årsplan, where a
// year's proposals are fixed in one action. (An admin sees every body: a
// region's next year, all proposed, would be hundreds of lines.)
const proposedListed = 3

// myBodies answers GET /mina-organ.
func (s *Server) myBodies(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalOf(r)
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	all := make([]*calendar.Body, 0, len(n.bodies))
	for _, b := range n.bodies {
		all = append(all, b)
	}
	slices.SortFunc(all, func(a, b *calendar.Body) int { return strings.Compare(a.Name, b.Name) })
	kept := keptBodies(p, all)
	data := myBodiesPage{page: page{Title: "Mina organ", Region: s.region, Home: "/"}}
	if len(kept) == 0 {
		s.renderPage(w, r, http.StatusOK, s.pages.myBodies, data)
		return
	}
	now := s.now()
	slugs := make([]string, len(kept))
	for i, b := range kept {
		slugs[i] = b.Slug
	}
	from := now.AddDate(-1, 0, 0)
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: slugs, From: &from})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pending, err := s.store.FindJusteringar(ctx, true)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	justering := map[int64]*calendar.Justering{}
	for _, j := range pending {
		justering[j.MeetingID] = j
	}
	windows, err := s.windowTodos(ctx, p, kept, now)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The proposals waiting for the meetings the page lists: the first
	// comingPerBody coming meetings of each body.
	var listed []int64
	for _, b := range kept {
		shown := 0
		for _, m := range ms {
			if shown < comingPerBody && !m.End.Before(now) && slices.Contains(m.Bodies, b.Slug) {
				shown++
				listed = append(listed, m.ID)
			}
		}
	}
	proposals, err := s.store.CountProposals(ctx, listed)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	waiting, err := s.lettersWaiting(ctx, ms, n, now)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, b := range kept {
		kb := keptBody{Name: b.Name, Slug: b.Slug, Plan: fmt.Sprintf("/mina-organ/%s?ar=%d", b.Slug, calendar.In(now).Year()),
			New: "/mina-organ/" + b.Slug + "/nytt-mote"}
		proposed, moreYear := 0, 0
		for _, m := range ms {
			if !slices.Contains(m.Bodies, b.Slug) {
				continue
			}
			title := meetingTitle(m, n)
			if j := justering[m.ID]; j != nil && m.End.Before(now) {
				done := 0
				for _, a := range j.Approvals {
					if !a.ApprovedAt.IsZero() {
						done++
					}
				}
				kb.Todo = append(kb.Todo, todoItem{Path: hubPath(m.ID) + "/justering", Action: "Följ justeringen",
					Text: fmt.Sprintf("Protokollet från %s, %s, väntar på justering (%d av %d har justerat).", title, swedishDate(m.Start), done, len(j.Approvals))})
			}
			if m.End.Before(now) {
				continue
			}
			if len(kb.Coming) < comingPerBody {
				kb.Coming = append(kb.Coming, comingRow{Path: hubPath(m.ID), Title: title, When: weekWhen(m),
					Status: shortStatus(m.Status), StatusClass: string(m.Status)})
				if count := proposals[m.ID]; count > 0 && m.Status != calendar.StatusCancelled {
					kb.Todo = append(kb.Todo, todoItem{Path: hubPath(m.ID) + "/dagordning", Action: "Hantera förslagen",
						Text: fmt.Sprintf("%d förslag från ledamöter väntar inför mötet %s.", count, swedishDate(m.Start))})
				}
			}
			kb.Todo = append(kb.Todo, waiting[m.ID]...)
			if m.Status == calendar.StatusProposed {
				if proposed++; proposed <= proposedListed {
					kb.Todo = append(kb.Todo, todoItem{Path: hubPath(m.ID), Action: "Fastställ",
						Text: fmt.Sprintf("Föreslaget datum %s är inte fastställt.", weekDate(m.Start))})
				} else if proposed == proposedListed+1 {
					moreYear = calendar.In(m.Start).Year()
				}
			}
		}
		if more := proposed - proposedListed; more > 0 {
			kb.Todo = append(kb.Todo, todoItem{Path: fmt.Sprintf("/mina-organ/%s?ar=%d", b.Slug, moreYear), Action: fmt.Sprintf("Årsplanen %d", moreYear),
				Text: fmt.Sprintf("Ytterligare %d föreslagna datum är inte fastställda; fastställ dem i årsplanen.", more)})
		}
		kb.Todo = append(kb.Todo, windows[b.Slug]...)
		data.Bodies = append(data.Bodies, kb)
	}
	s.renderPage(w, r, http.StatusOK, s.pages.myBodies, data)
}

// windowTodos are, per kept body, the booking windows still open (their
// last day not passed) in which the body has fewer meetings than the
// window asks for, counted as the booking-week reminder counts them
// (plan.FindWindowBookings).
// A secretary who keeps only some of a window's bodies books their
// body's meeting by hand: the window's page is not theirs.
func (s *Server) windowTodos(ctx context.Context, p *access.Principal, kept []*calendar.Body, now time.Time) (map[string][]todoItem, error) {
	ws, err := s.store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	keeps := map[string]bool{}
	for _, b := range kept {
		keeps[b.Slug] = true
	}
	today := calendar.DateOf(now)
	out := map[string][]todoItem{}
	for _, w := range ws {
		days := w.Days()
		if len(days) == 0 || days[len(days)-1].Before(today) || !slices.ContainsFunc(w.Bodies, func(b string) bool { return keeps[b] }) {
			continue
		}
		bookings, err := plan.FindWindowBookings(ctx, s.store, w)
		if err != nil {
			return nil, err
		}
		for _, b := range bookings {
			if !keeps[b.Body] || b.Done() {
				continue
			}
			text := fmt.Sprintf("%s (%s): %d av %d möten är bokade.", w.Name, swedishWeeks(w.Weeks), b.Planned+b.Booked, b.Wanted)
			if !w.Deadline.IsZero() {
				text += " Sista dag att boka är " + swedishDate(w.Deadline.Start()) + "."
			}
			todo := todoItem{Path: fmt.Sprintf("/mina-organ/bokning/%d", w.ID), Action: "Planera bokningsveckorna", Text: text}
			if !p.Change(w.Bodies...) { // the window's plan is for whoever keeps all its bodies
				todo.Path, todo.Action = "/mina-organ/"+b.Body+"/nytt-mote", "Boka ett möte"
			}
			out[b.Body] = append(out[b.Body], todo)
		}
	}
	return out, nil
}

// ---- the årsplan

type arsplanPage struct {
	page
	Body               string
	Slug               string
	Year               int
	Grid               bool
	ListPath, GridPath string
	PrevPath, NextPath string
	New, NewEvent      string
	ConfirmAll         string
	Export, Import     string
	NextYear           string // next year's proposal
	NextYearNumber     int
	CanChange          bool
	Proposed           int
	Confirmed          string // the confirmation after "Fastställ alla"
	Rows               []comingRow
	Weeks              []gridWeek
	DayNames           []string
}

type gridWeek struct {
	Week  int
	Cells []gridCell // mån–fre, then helg
}

type gridCell struct {
	Days    []gridDay
	Weekend bool
}

type gridDay struct {
	Label    string // "21 jan"
	Outside  bool   // not in the year
	Holiday  string // the holiday's name
	Klamdag  bool
	Meetings []gridMeeting
}

type gridMeeting struct {
	Path, Time, Title, Status, StatusClass string
}

// gridStatus is the status in a grid cell, with soft hyphens where a
// narrow column may break the word.
var gridStatus = map[calendar.MeetingStatus]string{
	calendar.StatusProposed:  "för\u00adslag",
	calendar.StatusConfirmed: "fast\u00adställt",
	calendar.StatusCancelled: "in\u00adställt",
}

var shortMonths = [...]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

// bodyForPage reads the body named in the path, answering a 404 page
// when there is none and a 403 page to one who does not keep it.
func (s *Server) bodyForPage(w http.ResponseWriter, r *http.Request) *calendar.Body {
	slug := mux.Vars(r)["slug"]
	b, err := s.store.FindBodyBySlug(r.Context(), slug)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	p := principalOf(r)
	if !p.SeeInternal(b.Slug) {
		if !p.SeeBody(b.Slug, isPublic(b)) {
			s.pageNotFound(w, r)
			return nil
		}
		s.forbidden(w, r, p, "")
		return nil
	}
	return b
}

// pageYear reads ?ar=YYYY, the current year when it is missing or wrong.
func (s *Server) pageYear(r *http.Request) int {
	y, err := strconv.Atoi(r.URL.Query().Get("ar"))
	if err != nil || calendar.CheckYear(y) != nil {
		return calendar.In(s.now()).Year()
	}
	return y
}

// arsplanPage answers GET /mina-organ/{slug}?ar=YYYY[&visa=rutnat].
func (s *Server) arsplanPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyForPage(w, r)
	if b == nil {
		return
	}
	ctx := r.Context()
	year := s.pageYear(r)
	grid := r.URL.Query().Get("visa") == "rutnat"
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{b.Slug}, Year: &year})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	base := "/mina-organ/" + b.Slug
	title := fmt.Sprintf("Årsplan %d – %s", year, b.Name)
	if grid {
		title += " (rutnät)"
	}
	data := arsplanPage{
		page: page{Title: title, Region: s.region, Home: "/"},
		Body: b.Name, Slug: b.Slug, Year: year, Grid: grid,
		ListPath: fmt.Sprintf("%s?ar=%d", base, year), GridPath: fmt.Sprintf("%s?ar=%d&visa=rutnat", base, year),
		New: base + "/nytt-mote", NewEvent: base + "/ny-handelse", ConfirmAll: fmt.Sprintf("%s/faststall?ar=%d", base, year),
		Export: arsplanExportPath(b.Slug, year), Import: arsplanImportPath(b.Slug), NextYear: nextYearPath(b.Slug, year+1), NextYearNumber: year + 1,
		CanChange: principalOf(r).Change(b.Slug),
	}
	suffix := ""
	if grid {
		suffix = "&visa=rutnat"
	}
	if calendar.CheckYear(year-1) == nil {
		data.PrevPath = fmt.Sprintf("%s?ar=%d%s", base, year-1, suffix)
	}
	if calendar.CheckYear(year+1) == nil {
		data.NextPath = fmt.Sprintf("%s?ar=%d%s", base, year+1, suffix)
	}
	if c, err := strconv.Atoi(r.URL.Query().Get("skapade")); err == nil && c >= 0 {
		data.Confirmed = fmt.Sprintf("%d föreslagna möten är skapade.", c)
		if f, err := strconv.Atoi(r.URL.Query().Get("fanns")); err == nil && f > 0 {
			data.Confirmed += fmt.Sprintf(" %d fanns redan samma dag och lämnades som de var.", f)
		}
	}
	if r.URL.Query().Get("importerad") == "1" {
		data.Confirmed = "Årsplanen är importerad."
	}
	if c := r.URL.Query().Get("faststallda"); c != "" {
		data.Confirmed = fmt.Sprintf("%s förslag är fastställda.", c)
	}
	byDay := map[calendar.Date][]gridMeeting{}
	for _, m := range ms {
		if m.Status == calendar.StatusProposed {
			data.Proposed++
		}
		data.Rows = append(data.Rows, comingRow{Path: hubPath(m.ID), Title: meetingTitle(m, n),
			When: weekWhen(m), Status: shortStatus(m.Status), StatusClass: string(m.Status)})
		d := calendar.DateOf(m.Start)
		byDay[d] = append(byDay[d], gridMeeting{Path: hubPath(m.ID), Time: swedishSpan(m), Title: meetingTitle(m, n),
			Status: gridStatus[m.Status], StatusClass: string(m.Status)})
	}
	if grid {
		data.DayNames = []string{"mån", "tis", "ons", "tor", "fre", "helg"}
		data.Weeks = yearGrid(year, byDay)
	}
	s.renderPage(w, r, http.StatusOK, s.pages.arsplan, data)
}

// yearGrid lays the year out by ISO week: a row per week that has a day in
// the year, five weekday cells and one for the weekend.
func yearGrid(year int, byDay map[calendar.Date][]gridMeeting) []gridWeek {
	return weekGrid(calendar.Date{Year: year, Month: time.January, Day: 1}, calendar.Date{Year: year, Month: time.December, Day: 31}, byDay)
}

// weekGrid lays the days first…last out by ISO week, as the year grid and
// the calendar's month and week show them: a row per week, five weekday
// cells and one for the weekend; days of those weeks outside first…last
// are marked Outside. Holidays and klämdagar are named.
func weekGrid(first, last calendar.Date, byDay map[calendar.Date][]gridMeeting) []gridWeek {
	mon := first
	for mon.Weekday() != time.Monday {
		mon = mon.AddDays(-1)
	}
	var out []gridWeek
	for ; !last.Before(mon); mon = mon.AddDays(7) {
		_, wk := mon.ISOWeek()
		gw := gridWeek{Week: wk}
		for i := 0; i < 6; i++ {
			cell := gridCell{Weekend: i == 5}
			days := []calendar.Date{mon.AddDays(i)}
			if i == 5 {
				days = append(days, mon.AddDays(6))
			}
			for _, d := range days {
				gd := gridDay{Label: fmt.Sprintf("%d %s", d.Day, shortMonths[d.Month-1]), Outside: d.Before(first) || last.Before(d),
					Klamdag: plan.IsKlamdag(d), Meetings: byDay[d]}
				if i == 5 {
					gd.Label = calendar.SwedishWeekday(d.Weekday())[:3] + " " + gd.Label
				}
				gd.Holiday, _ = plan.Holiday(d)
				cell.Days = append(cell.Days, gd)
			}
			gw.Cells = append(gw.Cells, cell)
		}
		out = append(out, gw)
	}
	return out
}

// ---- a meeting's hub

type meetingHubPage struct {
	page
	ID                                int64
	Name, When, Status, StatusClass   string
	Place, Online, Bodies, Notes      string
	CancelMessage                     string
	Saved                             string
	Cancelled, Proposed, CanChange    bool
	Edit, Cancel, Confirm, Public     string
	Agenda, Justering, Mail, PlanPath string
	// Event is another dated event, which has no dagordning, justering
	// or mail (notify writes to meetings only); Noun names it in the
	// page's words ("mötet", "händelsen"), PlanText is where PlanPath
	// leads, and For is whose an event of no body is.
	Event               bool
	Noun, PlanText, For string
	// Overrides are the times a secretary saved despite clash warnings,
	// from the record of changes.
	Overrides []string
	// Attendance is who comes, who has förhinder and who stands in.
	Attendance attendance
}

// meetingHub answers GET /mina-organ/moten/{id}.
func (s *Server) meetingHub(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	base := hubPath(m.ID)
	title := meetingTitle(m, n)
	all := func(*calendar.Body) bool { return true }
	data := meetingHubPage{
		page: page{Title: title + ", " + swedishDate(m.Start), Region: s.region, Home: "/"},
		ID:   m.ID, Name: title, When: weekWhen(m), Status: swedishStatus(m.Status),
		StatusClass: string(m.Status), Place: place(m, n), Online: m.OnlineURL, Bodies: bodyNames(m, n, all), Notes: m.Notes, CancelMessage: m.CancelMessage,
		Cancelled: m.Status == calendar.StatusCancelled, Proposed: m.Status == calendar.StatusProposed,
		CanChange: principalOf(r).Change(m.Bodies...),
		Edit:      base + "/andra", Cancel: base + "/installa", Confirm: base + "/faststall",
		Public: "/moten/" + strconv.FormatInt(m.ID, 10),
		Agenda: base + "/dagordning", Justering: base + "/justering", Mail: base + "/utskick",
	}
	entity := "meeting"
	changes, err := s.store.FindChanges(r.Context(), calendar.ChangeFilter{Entity: &entity, EntityID: &m.ID, Limit: 50})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, c := range changes {
		if fc, ok := c.Fields[calendar.ClashesConfirmedField]; ok {
			who := cmp.Or(c.Actor.Name, "en administratör")
			data.Overrides = append(data.Overrides, fmt.Sprintf("Sparat trots varning av %s %s: %s", who, tableTime(c.At), fc.New))
		}
	}
	noun := nounOf(m)
	data.Event, data.Noun, data.PlanText = m.Kind == calendar.KindEvent, noun.def, "Årsplanen"
	switch {
	case len(m.Bodies) > 0:
		data.PlanPath = fmt.Sprintf("/mina-organ/%s?ar=%d", m.Bodies[0], calendar.In(m.Start).Year())
	case principalOf(r).SeeAll():
		data.PlanPath, data.PlanText = eventsPath(calendar.In(m.Start).Year()), "Gemensamma händelser"
	}
	if len(m.Bodies) == 0 {
		data.For = cmp.Or(n.orgs[m.Organisation], "Alla")
	}
	if data.Attendance, err = s.attendanceOf(r.Context(), m); err != nil {
		s.Error(w, r, err)
		return
	}
	switch r.URL.Query().Get("klart") {
	case "skapat":
		data.Saved = noun.Def + " är skapa" + noun.done + "."
	case "sparat":
		data.Saved = "Ändringarna är sparade."
	case "installt":
		data.Saved = noun.Def + " är inställ" + noun.done + "."
	case "faststallt":
		data.Saved = noun.Def + " är fastställ" + noun.done + "."
	}
	s.renderPage(w, r, http.StatusOK, s.pages.meetingHub, data)
}

// ---- the meeting form: create, change, move

type meetingFormPage struct {
	page
	Heading, Action, Back, Submit string
	Form                          meetingForm
	Rooms                         []kindOption
	// BodyOptions are the bodies the meeting may be for: those the caller
	// keeps. With more than one, the form offers them as checkboxes, so a
	// joint meeting ("gemensamt med …") is made by ticking several.
	BodyOptions []kindOption
	// Event is a form of another dated event (calendar.KindEvent: a
	// conference, a follow-up day): its title is required, since a
	// conference is not called after a body, and it may last whole days.
	Event bool
	// NoBodies is a form of an event of no body, the admin's (event_pages.go):
	// no body choice, but whose it is (Organisations, when there are any).
	NoBodies      bool
	Organisations []kindOption
	// NearOnly: the caller keeps more bodies than a form can list (an
	// admin of several regions), so BodyOptions are those of the ticked
	// bodies' organisations (nearBodies).
	NearOnly  bool
	Errors    []formError
	ErrorFor  map[string]string
	Clashes   []string
	confirmed bool // saved despite Clashes
}

// saveContext is the context to save the form's meeting under.
func (d *meetingFormPage) saveContext(r *http.Request) context.Context {
	if d.confirmed {
		return confirmedClashes(r, d.Clashes)
	}
	return r.Context()
}

// meetingForm is the form as typed.
type meetingForm struct {
	Title, Date, Start, End, Room, Location, Online, Status string
	// Bodies are the ticked bodies; nil when the form had no body choice
	// (then the meeting keeps its bodies, or a new one gets the page's).
	Bodies []string
	// AllDay is "Hela dagen" chosen: from the start of Date to the end of
	// LastDate ("" for one day), and Start and End are not read.
	AllDay       bool
	LastDate     string
	Organisation string // of an event of no body: "" for everyone
}

func formOf(m *calendar.Meeting) meetingForm {
	f := meetingForm{Title: m.Title, Date: calendar.DateOf(m.Start).String(), Start: swedishClock(m.Start), End: swedishClock(m.End),
		Room: m.Room, Location: m.Location, Online: m.OnlineURL, Status: string(m.Status), Bodies: m.Bodies, Organisation: m.Organisation}
	if m.AllDay {
		// End is midnight after the last day; a one-day event shows no
		// last day, and no clock (00.00–00.00 is not a time anyone means).
		f.AllDay, f.Start, f.End = true, "", ""
		if last := lastDayOf(m); last != calendar.DateOf(m.Start) {
			f.LastDate = last.String()
		}
	}
	return f
}

// parseClock reads a time of day the Swedish way: "13.00", "13:00", "9.30"
// or "13".
func parseClock(s string) (hour, minute int, ok bool) {
	s = strings.TrimSpace(s)
	h, mm, found := strings.Cut(strings.ReplaceAll(s, ":", "."), ".")
	if !found {
		mm = "00"
	}
	if len(h) < 1 || len(h) > 2 || len(mm) != 2 {
		return 0, 0, false
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// swedishWallClock is d at hour:minute in Swedish time, or a Swedish
// message for a time that does not exist (the hour skipped when summer
// time starts) or happens twice (the hour repeated when it ends).
func swedishWallClock(d calendar.Date, hour, minute int) (time.Time, string) {
	t := time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, calendar.Location)
	hm := fmt.Sprintf("%02d.%02d", hour, minute)
	if t.Hour() != hour || t.Minute() != minute {
		return t, fmt.Sprintf("%s %s finns inte: klockan ställs fram en timme den natten, från 02.00 till 03.00. Välj en annan tid.", d, hm)
	}
	for _, o := range []time.Time{t.Add(-time.Hour), t.Add(time.Hour)} {
		if o.Hour() == hour && o.Minute() == minute {
			return t, fmt.Sprintf("%s %s finns två gånger: klockan ställs tillbaka en timme den natten, från 03.00 till 02.00. Välj en annan tid.", d, hm)
		}
	}
	return t, ""
}

// apply checks the form in Swedish and sets m's fields from it. m's kind
// and bodies say what the form is of: an event needs a title, and only an
// event of no body has an organisation, one of orgs (names by slug).
func (f meetingForm) apply(m *calendar.Meeting, rooms map[string]*calendar.Room, orgs map[string]string) []formError {
	var errs []formError
	event := m.Kind == calendar.KindEvent
	noun := nounOf(m)
	if p := calendar.NameText.Check(f.Title, false); p != nil {
		errs = append(errs, formError{"titel", swedishText("Rubriken", "rubriken", p)})
	} else if event && f.Title == "" {
		errs = append(errs, formError{"titel", "Skriv vad händelsen heter, till exempel Uppföljningsdag folkhälsoarbetet."})
	}
	d, err := calendar.ParseDate(f.Date)
	switch {
	case f.Date == "":
		errs = append(errs, formError{"datum", "Skriv " + noun.def + "s datum, till exempel 2026-03-24."})
	case err != nil:
		errs = append(errs, formError{"datum", "Skriv datumet som år-månad-dag, till exempel 2026-03-24."})
	case calendar.CheckYear(d.Year) != nil:
		errs = append(errs, formError{"datum", "Året ligger utanför det Samkal kan planera."})
	}
	dateOK := err == nil && f.Date != "" && calendar.CheckYear(d.Year) == nil
	var start, end time.Time
	if f.AllDay {
		start, end = f.days(d, dateOK, &errs)
	} else {
		if f.LastDate != "" {
			errs = append(errs, formError{"sista", "Sista dagen gäller bara en händelse som pågår hela dagar. Välj ”Hela dagen” eller töm fältet."})
		}
		start, end = f.clock(d, dateOK, noun, &errs)
	}
	if f.Room != "" && rooms[f.Room] == nil {
		errs = append(errs, formError{"lokal", "Välj en lokal i listan, eller ingen lokal."})
	}
	if p := calendar.NameText.Check(f.Location, false); p != nil {
		errs = append(errs, formError{"plats", swedishText("Platsen", "platsen", p)})
	}
	if f.Online != "" && (calendar.LinkText.Check(f.Online, true) != nil || !calendar.HTTPLink(f.Online)) {
		errs = append(errs, formError{"lank", "Skriv hela webbadressen till mötet, som börjar med https://."})
	}
	status := calendar.MeetingStatus(f.Status)
	if status != calendar.StatusProposed && status != calendar.StatusConfirmed {
		errs = append(errs, formError{"status", "Välj om datumet är ett förslag eller fastställt."})
	}
	org := ""
	if event && len(m.Bodies) == 0 {
		if _, ok := orgs[f.Organisation]; f.Organisation != "" && !ok {
			errs = append(errs, formError{"organisation", "Välj en organisation i listan, eller Alla."})
		}
		org = f.Organisation
	}
	if len(errs) > 0 {
		return errs
	}
	m.Title, m.Start, m.End, m.Room, m.Location, m.OnlineURL, m.Status = f.Title, start, end, f.Room, f.Location, f.Online, status
	m.AllDay, m.Organisation = f.AllDay, org
	return nil
}

// clock reads Start and End on day d, adding Swedish errors to errs.
func (f meetingForm) clock(d calendar.Date, dateOK bool, noun noun, errs *[]formError) (start, end time.Time) {
	for _, c := range []struct {
		field, text, what string
		dst               *time.Time
	}{{"start", f.Start, "när " + noun.def + " börjar", &start}, {"slut", f.End, "när " + noun.def + " slutar", &end}} {
		h, mi, ok := parseClock(c.text)
		switch {
		case c.text == "":
			*errs = append(*errs, formError{c.field, "Skriv " + c.what + ", till exempel 13.00."})
		case !ok:
			*errs = append(*errs, formError{c.field, "Skriv tiden som timmar och minuter, till exempel 13.00 eller 13:00."})
		case dateOK:
			t, msg := swedishWallClock(d, h, mi)
			if msg != "" {
				*errs = append(*errs, formError{c.field, msg})
			}
			*c.dst = t
		}
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		*errs = append(*errs, formError{"slut", noun.Def + " måste sluta efter att " + noun.pron + " börjar."})
	}
	return start, end
}

// days reads whole days from d to LastDate ("" for d alone): midnight to
// midnight after the last day, as calendar.Meeting keeps an all-day
// event. The clock fields are not read: "Hela dagen" was chosen.
func (f meetingForm) days(d calendar.Date, dateOK bool, errs *[]formError) (start, end time.Time) {
	last := d
	if f.LastDate != "" {
		l, err := calendar.ParseDate(f.LastDate)
		switch {
		case err != nil:
			*errs = append(*errs, formError{"sista", "Skriv sista dagen som år-månad-dag, till exempel 2026-03-25, eller töm fältet för en enda dag."})
			return
		case dateOK && l.Before(d):
			*errs = append(*errs, formError{"sista", "Sista dagen kan inte vara före första dagen."})
			return
		case dateOK && l.AddDays(1).Start().Sub(d.Start()) > calendar.MaxMeetingLength:
			*errs = append(*errs, formError{"sista", "En händelse kan pågå högst 14 dagar. Lägg in en längre period som flera händelser."})
			return
		}
		last = l
	}
	if !dateOK {
		return
	}
	return d.Start(), last.AddDays(1).Start()
}

// noun is how the pages name a meeting or an event in Swedish.
type noun struct {
	def, Def string // "mötet", "Mötet" / "händelsen", "Händelsen"
	pron     string // "det" / "den"
	// done is a participle's ending: "Mötet är skapat", "Händelsen är skapad".
	done string
}

func nounOf(m *calendar.Meeting) noun {
	if m.Kind == calendar.KindEvent {
		return noun{def: "händelsen", Def: "Händelsen", pron: "den", done: "d"}
	}
	return noun{def: "mötet", Def: "Mötet", pron: "det", done: "t"}
}

func readMeetingForm(v url.Values) meetingForm {
	t := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := meetingForm{Title: t("titel"), Date: t("datum"), Start: t("start"), End: t("slut"), Room: t("lokal"),
		Location: t("plats"), Online: t("lank"), Status: t("status"), AllDay: v.Get("tid") == "heldag", LastDate: t("sista"),
		Organisation: t("organisation")}
	if v.Has("organ") || v.Get("organ_valt") == "ja" {
		f.Bodies = []string{}
		for _, b := range v["organ"] {
			if b = strings.TrimSpace(b); b != "" && !slices.Contains(f.Bodies, b) {
				f.Bodies = append(f.Bodies, b)
			}
		}
	}
	return f
}

// renderMeetingForm shows the form with its errors or clash warnings.
func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, data meetingFormPage) {
	rooms, err := s.store.FindRooms(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if data.NoBodies {
		n, err := s.names(r.Context())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if len(n.orgs) > 0 {
			data.Organisations = []kindOption{{Value: "", Label: "Alla", Selected: data.Form.Organisation == ""}}
		}
		for _, slug := range slices.SortedFunc(maps.Keys(n.orgs), func(a, b string) int { return cmp.Or(cmp.Compare(n.orgs[a], n.orgs[b]), cmp.Compare(a, b)) }) {
			data.Organisations = append(data.Organisations, kindOption{Value: slug, Label: n.orgs[slug], Selected: slug == data.Form.Organisation})
		}
	} else {
		bodies, err := s.store.FindBodies(r.Context(), calendar.BodyFilter{})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		kept := keptBodies(principalOf(r), bodies)
		if len(kept) > bodyListMax {
			kept, data.NearOnly = nearBodies(kept, data.Form.Bodies), true
		}
		for _, b := range kept {
			data.BodyOptions = append(data.BodyOptions, kindOption{Value: b.Slug, Label: b.Name, Selected: slices.Contains(data.Form.Bodies, b.Slug)})
		}
	}
	data.Rooms = []kindOption{{Value: "", Label: "Ingen lokal", Selected: data.Form.Room == ""}}
	for _, rm := range rooms {
		data.Rooms = append(data.Rooms, kindOption{Value: rm.Slug, Label: rm.Name, Selected: rm.Slug == data.Form.Room})
	}
	data.ErrorFor = map[string]string{}
	for _, e := range data.Errors {
		if e.Field != "" {
			data.ErrorFor[e.Field] = e.Message
		}
	}
	title := data.Heading
	if len(data.Errors) > 0 {
		title = "Fel: " + title
	} else if len(data.Clashes) > 0 {
		title = "Varning: " + title
	}
	data.page = page{Title: title, Region: s.region, Home: "/"}
	s.renderPage(w, r, status, s.pages.meetingForm, data)
}

// newMeetingPage answers GET /mina-organ/{slug}/nytt-mote.
func (s *Server) newMeetingPage(w http.ResponseWriter, r *http.Request) {
	s.newOfBody(w, r, calendar.KindMeeting)
}

// newEventPage answers GET /mina-organ/{slug}/ny-handelse: a conference or
// another dated event of the body (Konferens Väster of länsdel Väster).
func (s *Server) newEventPage(w http.ResponseWriter, r *http.Request) {
	s.newOfBody(w, r, calendar.KindEvent)
}

// createMeetingForm answers POST /mina-organ/{slug}/nytt-mote.
func (s *Server) createMeetingForm(w http.ResponseWriter, r *http.Request) {
	s.createOfBody(w, r, calendar.KindMeeting)
}

// createEventForm answers POST /mina-organ/{slug}/ny-handelse.
func (s *Server) createEventForm(w http.ResponseWriter, r *http.Request) {
	s.createOfBody(w, r, calendar.KindEvent)
}

// bodyForm is the empty form of a new meeting or event of b: a meeting
// 13.00–16.30 and proposed, as most are; an event whole days and fixed,
// as a conference day is announced.
func (s *Server) bodyForm(b *calendar.Body, kind calendar.MeetingKind) meetingFormPage {
	back := fmt.Sprintf("/mina-organ/%s?ar=%d", b.Slug, calendar.In(s.now()).Year())
	if kind == calendar.KindEvent {
		return meetingFormPage{Heading: "Ny händelse – " + b.Name, Action: "/mina-organ/" + b.Slug + "/ny-handelse", Back: back,
			Submit: "Skapa händelsen", Event: true,
			Form: meetingForm{AllDay: true, Status: string(calendar.StatusConfirmed), Bodies: []string{b.Slug}}}
	}
	return meetingFormPage{Heading: "Nytt möte – " + b.Name, Action: "/mina-organ/" + b.Slug + "/nytt-mote", Back: back,
		Submit: "Skapa mötet", Form: meetingForm{Start: "13.00", End: "16.30", Status: string(calendar.StatusProposed), Bodies: []string{b.Slug}}}
}

func (s *Server) newOfBody(w http.ResponseWriter, r *http.Request, kind calendar.MeetingKind) {
	b := s.bodyForPage(w, r)
	if b == nil {
		return
	}
	s.renderMeetingForm(w, r, http.StatusOK, s.bodyForm(b, kind))
}

func (s *Server) createOfBody(w http.ResponseWriter, r *http.Request, kind calendar.MeetingKind) {
	slug := mux.Vars(r)["slug"]
	if !s.keepsBody(w, r, slug) {
		return
	}
	b, err := s.store.FindBodyBySlug(r.Context(), slug)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	m := &calendar.Meeting{Kind: kind, Bodies: []string{b.Slug}}
	data := s.bodyForm(b, kind)
	data.Form = readMeetingForm(values)
	if data.Form.Bodies == nil {
		data.Form.Bodies = []string{b.Slug}
	}
	s.createFromForm(w, r, m, values, &data)
}

// createFromForm checks the form, saves m and sends the browser to its hub.
func (s *Server) createFromForm(w http.ResponseWriter, r *http.Request, m *calendar.Meeting, values url.Values, data *meetingFormPage) {
	if !s.checkMeeting(w, r, m, values, data) {
		return
	}
	err := s.store.CreateMeeting(data.saveContext(r), m)
	if !s.savedMeeting(w, r, err, data) {
		return
	}
	s.wrote()
	seeOther(w, hubPath(m.ID)+"?klart=skapat")
}

// checkMeeting applies the form to m and checks its clashes. It shows the
// form again and returns false when the form is wrong, or when m clashes
// and the secretary has not chosen "Spara ändå"; when they have, data
// remembers it for saveContext.
func (s *Server) checkMeeting(w http.ResponseWriter, r *http.Request, m *calendar.Meeting, values url.Values, data *meetingFormPage) bool {
	rooms, err := s.store.FindRooms(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	byslug := map[string]*calendar.Room{}
	for _, rm := range rooms {
		byslug[rm.Slug] = rm
	}
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	data.Errors = data.Form.apply(m, byslug, n.orgs)
	if !data.NoBodies {
		data.Errors = append(data.Errors, s.checkMeetingBodies(r, m, data.Form.Bodies)...)
	}
	if len(data.Errors) > 0 {
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, *data)
		return false
	}
	cs, err := plan.MeetingClashes(r.Context(), s.store, m)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		data.Clashes = append(data.Clashes, c.Detail)
	}
	if values.Get("spara_anda") != "ja" {
		s.renderMeetingForm(w, r, http.StatusConflict, *data)
		return false
	}
	data.confirmed = true
	return true
}

// checkMeetingBodies sets m's bodies to those ticked, in Swedish errors
// when none is, or when one is not the caller's to plan for: a joint
// meeting is changed only by whoever keeps all its bodies
// (access.Principal.Change), so the form offers only those.
func (s *Server) checkMeetingBodies(r *http.Request, m *calendar.Meeting, bodies []string) []formError {
	if len(bodies) == 0 {
		return []formError{{"organ", "Kryssa i minst ett organ som mötet hålls för."}}
	}
	p := principalOf(r)
	for _, b := range bodies {
		if !p.Change(b) {
			return []formError{{"organ", "Du kan bara lägga möten för organ där du är sekreterare."}}
		}
	}
	m.Bodies = slices.Sorted(slices.Values(bodies))
	return nil
}

// confirmedClashes is r's context carrying the warnings the secretary
// saved despite, which the store records with the meeting's change
// (calendar.ClashesConfirmedField): the record of changes already holds
// who changed what and when, so the choice is kept there, with its
// author, and the meeting's notes stay the secretary's own text.
func confirmedClashes(r *http.Request, clashes []string) context.Context {
	return calendar.WithConfirmedClashes(r.Context(), strings.Join(clashes, " "))
}

// savedMeeting maps the store's answer to the form: true when it saved.
func (s *Server) savedMeeting(w http.ResponseWriter, r *http.Request, err error, data *meetingFormPage) bool {
	switch calendar.ErrorCode(err) {
	case "":
		return true
	case calendar.ECONFLICT:
		data.Errors = []formError{{"lokal", "Lokalen är redan bokad då. Välj en annan lokal eller en annan tid."}}
	case calendar.EINVALID:
		data.Errors = []formError{{"", "Mötet kunde inte sparas med de här uppgifterna. Kontrollera datum, tider och plats och försök igen."}}
	case calendar.ENOTFOUND:
		s.pageNotFound(w, r)
		return false
	default:
		s.Error(w, r, err)
		return false
	}
	data.Clashes = nil
	s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, *data)
	return false
}

// editMeetingPage answers GET /mina-organ/moten/{id}/andra.
func (s *Server) editMeetingPage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	data := editForm(m)
	data.Form = formOf(m)
	s.renderMeetingForm(w, r, http.StatusOK, data)
}

// editForm is the page that changes m, without its form.
func editForm(m *calendar.Meeting) meetingFormPage {
	event := m.Kind == calendar.KindEvent
	return meetingFormPage{Heading: "Ändra eller flytta " + nounOf(m).def + " " + swedishDate(m.Start),
		Action: hubPath(m.ID) + "/andra", Back: hubPath(m.ID), Submit: "Spara", Event: event, NoBodies: event && len(m.Bodies) == 0}
}

// updateMeetingForm answers POST /mina-organ/moten/{id}/andra.
func (s *Server) updateMeetingForm(w http.ResponseWriter, r *http.Request) {
	old := s.pageMeeting(w, r, true)
	if old == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	m, id := *old, old.ID
	data := editForm(old)
	data.Form = readMeetingForm(values)
	if data.Form.Bodies == nil {
		data.Form.Bodies = old.Bodies
	}
	if old.Status == calendar.StatusCancelled {
		data.Form.Status = string(calendar.StatusProposed) // a cancelled meeting changed is proposed again
	}
	if !s.checkMeeting(w, r, &m, values, &data) {
		return
	}
	upd := calendar.MeetingUpdate{Bodies: &m.Bodies, Title: &m.Title, Start: &m.Start, End: &m.End, AllDay: &m.AllDay, Room: &m.Room,
		Location: &m.Location, OnlineURL: &m.OnlineURL, Status: &m.Status}
	if data.NoBodies {
		upd.Organisation = &m.Organisation
	}
	_, err := s.store.UpdateMeeting(data.saveContext(r), id, upd)
	if !s.savedMeeting(w, r, err, &data) {
		return
	}
	s.wrote()
	seeOther(w, hubPath(id)+"?klart=sparat")
}

// ---- cancel

type cancelPage struct {
	page
	Name, When, Action, Back, Message string
	Event                             bool // another dated event: no kallelse was sent, so no letter goes
	Errors                            []formError
	ErrorFor                          map[string]string
}

// cancelMeetingPage answers GET /mina-organ/moten/{id}/installa.
func (s *Server) cancelMeetingPage(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, false)
	if m == nil {
		return
	}
	s.renderCancel(w, r, http.StatusOK, m, "", nil)
}

func (s *Server) renderCancel(w http.ResponseWriter, r *http.Request, status int, m *calendar.Meeting, msg string, errs []formError) {
	n, err := s.names(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := cancelPage{page: page{Title: errorTitle("Ställ in "+nounOf(m).def+" "+swedishDate(m.Start), errs), Region: s.region, Home: "/"},
		Name: meetingTitle(m, n), When: weekWhen(m), Action: hubPath(m.ID) + "/installa",
		Back: hubPath(m.ID), Message: msg, Errors: errs, ErrorFor: map[string]string{}, Event: m.Kind == calendar.KindEvent}
	for _, e := range errs {
		data.ErrorFor[e.Field] = e.Message
	}
	s.renderPage(w, r, status, s.pages.cancelMeeting, data)
}

// cancelMeetingForm answers POST /mina-organ/moten/{id}/installa. The
// optional message is the meeting's CancelMessage, which notify's
// cancellation letter quotes to everyone told the kallelse; the meeting's
// notes stay as they are. The scan is asked to run at once.
func (s *Server) cancelMeetingForm(w http.ResponseWriter, r *http.Request) {
	m := s.pageMeeting(w, r, true)
	if m == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	msg := strings.TrimSpace(calendar.NormalizeNewlines(values.Get("meddelande")))
	if p := calendar.NoteText.Check(msg, false); p != nil {
		s.renderCancel(w, r, http.StatusUnprocessableEntity, m, msg, []formError{{"meddelande", swedishText("Meddelandet", "meddelandet", p)}})
		return
	}
	st := calendar.StatusCancelled
	upd := calendar.MeetingUpdate{Status: &st, CancelMessage: &msg}
	if _, err := s.store.UpdateMeeting(r.Context(), m.ID, upd); err != nil {
		if calendar.ErrorCode(err) == calendar.EINVALID {
			s.renderCancel(w, r, http.StatusUnprocessableEntity, m, msg, []formError{{"meddelande", "Mötet kunde inte ställas in med det här meddelandet. Korta det eller ta bort ovanliga tecken och försök igen."}})
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	s.requestMail()
	seeOther(w, hubPath(m.ID)+"?klart=installt")
}

// ---- fastställ

// confirmMeetingForm answers POST /mina-organ/moten/{id}/faststall.
func (s *Server) confirmMeetingForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "meeting")
	if err != nil {
		s.pageNotFound(w, r)
		return
	}
	if !s.keepsMeeting(w, r, id) {
		return
	}
	st := calendar.StatusConfirmed
	if _, err := s.store.UpdateMeeting(r.Context(), id, calendar.MeetingUpdate{Status: &st}); err != nil {
		if calendar.IsNotFound(err) {
			s.pageNotFound(w, r)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, hubPath(id)+"?klart=faststallt")
}

// confirmYearForm answers POST /mina-organ/{slug}/faststall?ar=YYYY: every
// proposed meeting of the body that year which the caller may change (a
// joint meeting needs every one of its bodies) becomes fixed.
func (s *Server) confirmYearForm(w http.ResponseWriter, r *http.Request) {
	slug := mux.Vars(r)["slug"]
	if !s.keepsBody(w, r, slug) {
		return
	}
	year := s.pageYear(r)
	n, err := s.confirmYear(r.Context(), principalOf(r), slug, year)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if n > 0 {
		s.wrote()
	}
	seeOther(w, fmt.Sprintf("/mina-organ/%s?ar=%d&faststallda=%d", slug, year, n))
}

func (s *Server) confirmYear(ctx context.Context, p *access.Principal, slug string, year int) (int, error) {
	ms, err := s.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{slug}, Year: &year,
		Status: []calendar.MeetingStatus{calendar.StatusProposed}})
	if err != nil {
		return 0, err
	}
	st := calendar.StatusConfirmed
	done := 0
	for _, m := range ms {
		if !p.Change(m.Bodies...) {
			continue
		}
		if _, err := s.store.UpdateMeeting(ctx, m.ID, calendar.MeetingUpdate{Status: &st}); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}
