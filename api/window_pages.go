package api

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
	"github.com/samkal/samkal/calendar/plan"
)

// The secretaries' booking weeks (bokningsveckor, issue 10 point 5):
// /mina-organ/bokning lists the windows whose bodies the person keeps,
// /mina-organ/bokning/{id} shows one with the whole-window plan, and a
// POST to /mina-organ/bokning/{id}/lagg-in writes the plan's meetings as
// planWindow with apply=true does.

const windowsPath = "/mina-organ/bokning"

func windowPath(id int64) string { return windowsPath + "/" + strconv.FormatInt(id, 10) }

// windowDone are the confirmations the window page shows after a POST.
var windowDone = map[string]string{
	"skapat": "Bokningsveckorna är sparade. Här är Samkals förslag.",
	"inlagt": "Förslaget är inlagt: mötena finns nu som föreslagna möten i organens kalendrar.",
	"andrat": "Ändringarna är sparade. Här är Samkals förslag för bokningsveckorna som de är nu.",
	"vald":   "Tiden är vald: mötet ligger som föreslaget möte i organets kalender, och det ligger kvar när förslaget läggs in.",
}

// windowsDone are the confirmations of the list.
var windowsDone = map[string]string{
	"borttaget": "Bokningsveckorna är borttagna. Mötena som låg i kalendrarna ligger kvar.",
}

type windowBody struct {
	Name, Slug string
	Wanted     int
	Booked     bool
	Meetings   []windowMeeting
}

type windowMeeting struct {
	When, Status, Path string
	ByWindow           bool
}

type windowRow struct {
	ID                          int64
	Name, Path, Weeks, Deadline string
	Bodies                      []windowBody
}

type windowsPageData struct {
	page
	Done    string
	Windows []windowRow
}

type windowDeleteData struct {
	page
	Name, Weeks, Back, Action string
	Meetings                  []deletedWindowMeeting
}

type deletedWindowMeeting struct{ Body, When, Status, Path string }

type planRow struct {
	Body, When, Room string
	Reasons          []string
	Violations       []string
}

type conflictRow struct {
	Bodies, People, Rooms, Days, Reason string
}

type windowPageData struct {
	page
	windowRow
	Length, Weekdays, Hours, Rooms string
	Done, Error                    string
	Feasible, Planned, Invalid     bool
	Proposals                      []planRow
	Conflicts                      []conflictRow
	AlreadyBooked                  []string
	Apply, Take                    string
	// Kept are the meetings laid in earlier that stay where they are,
	// Moved those that must move, with why.
	Kept, Moved []placedRow
	// Answers are the "kan inte" answers of those who must attend.
	Answers *windowAnswers
	// Suggested are the bodies still to place, each with its own free
	// times.
	Suggested []bodySuggestions
}

type placedRow struct {
	Body, When, Room, Path string
	Reasons                []string
}

type bodySuggestions struct {
	Name, Slug, Anchor string
	Times              []suggestedTime
}

type suggestedTime struct {
	When, Place, Reasons string
	// Start ("2025-09-09T09:00") and Room are what the form sends back.
	Start, Room string
}

// weekRuns writes a window's weeks the Swedish way: "v 37–38 2025",
// runs of weeks joined by an en dash, years apart.
func weekRuns(weeks []calendar.ISOWeek) string {
	var parts []string
	for i := 0; i < len(weeks); {
		j := i
		for j+1 < len(weeks) && weeks[j+1].Year == weeks[i].Year && weeks[j+1].Week == weeks[j].Week+1 {
			j++
		}
		run := strconv.Itoa(weeks[i].Week)
		if j > i {
			run += "–" + strconv.Itoa(weeks[j].Week)
		}
		if j+1 >= len(weeks) || weeks[j+1].Year != weeks[i].Year {
			run += " " + strconv.Itoa(weeks[i].Year)
		}
		parts = append(parts, run)
		i = j + 1
	}
	if len(parts) == 0 {
		return ""
	}
	return "v " + strings.Join(parts, ", ")
}

func (n *names) bodyName(slug string) string {
	if b := n.bodies[slug]; b != nil {
		return b.Name
	}
	return slug
}

func (n *names) roomName(slug *string) string {
	if slug == nil || *slug == "" {
		return "Digitalt"
	}
	if r := n.rooms[*slug]; r != nil {
		return r.Name
	}
	return *slug
}

func joinSwedish(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " och " + xs[len(xs)-1]
}

var swedishWeekdayNames = map[calendar.Weekday]string{1: "måndag", 2: "tisdag", 3: "onsdag", 4: "torsdag", 5: "fredag", 6: "lördag", 7: "söndag"}

func (s *Server) windowRowOf(x *calendar.BookingWindow, bookings []plan.WindowBooking, n *names) windowRow {
	row := windowRow{ID: x.ID, Name: x.Name, Path: windowPath(x.ID), Weeks: weekRuns(x.Weeks), Deadline: "ingen"}
	if !x.Deadline.IsZero() {
		row.Deadline = x.Deadline.String()
		if x.Deadline.Before(calendar.DateOf(s.now())) {
			row.Deadline += " (har passerat)"
		}
	}
	for _, b := range bookings {
		wb := windowBody{Name: n.bodyName(b.Body), Slug: b.Body, Wanted: b.Wanted, Booked: b.Done()}
		for _, m := range b.Meetings {
			st := "föreslaget"
			if m.Status == calendar.StatusConfirmed {
				st = "fastställt"
			}
			wb.Meetings = append(wb.Meetings, windowMeeting{When: swedishDate(m.Start) + " " + swedishClock(m.Start) + "–" + swedishClock(m.End),
				Status: st, Path: hubPath(m.ID), ByWindow: plan.IsWindowMeeting(x.ID, m)})
		}
		row.Bodies = append(row.Bodies, wb)
	}
	return row
}

var windowBodyPattern = regexp.MustCompile(`body "([^"]+)"`)

// invalidWindowText says in Swedish why a window cannot be planned: the
// planner's messages are English, for the API.
func invalidWindowText(err error, n *names, x *calendar.BookingWindow) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "has no day to meet on"):
		var holidays []string
		for _, d := range x.Days() {
			if name, ok := plan.Holiday(d); ok && slices.Contains(x.Weekdays, calendar.Weekday(d.Weekday())) {
				holidays = append(holidays, d.String()+" ("+name+")")
			}
		}
		if len(holidays) > 0 {
			return "Bokningsveckorna har ingen dag att mötas på: veckodagarna i veckorna är helgdagar eller spärrade (" + joinSwedish(holidays) + "). Ändra veckorna eller veckodagarna."
		}
		return "Bokningsveckorna har ingen dag att mötas på: veckodagarna i veckorna är spärrade. Ändra veckorna eller veckodagarna."
	case strings.Contains(msg, "has no start time"):
		return fmt.Sprintf("Ett möte på %d minuter får inte plats inom tiderna. Ändra tiderna eller mötenas längd.", x.DurationMinutes)
	case strings.Contains(msg, "too large to plan"):
		return "Bokningsveckorna är för stora för att Samkal ska hinna planera dem: ta färre veckor eller kortare tider, eller dela organen på flera bokningsveckor."
	}
	body := ""
	if m := windowBodyPattern.FindStringSubmatch(msg); m != nil {
		body = n.bodyName(m[1])
	}
	switch {
	case body != "" && strings.Contains(msg, "nobody who must attend"):
		return body + " har ingen som måste delta under veckorna. Lägg till ledamöter i organet, eller be en administratör ange deltagare för bokningsveckorna."
	case body != "" && strings.Contains(msg, "does not exist"):
		return body + " finns inte längre. Be en administratör ta bort organet ur bokningsveckorna."
	}
	return "Samkal kan inte göra någon plan för bokningsveckorna som de är inställda. Be en administratör se över dem."
}

// windowsPage answers GET /mina-organ/bokning: the windows whose bodies
// are all the person's (admins: all).
func (s *Server) windowsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalOf(r)
	if !p.SeeAll() && len(p.SecretaryOf()) == 0 {
		s.forbidden(w, r, p, "")
		return
	}
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ws, err := s.store.FindBookingWindows(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := windowsPageData{page: page{Title: "Bokningsveckor", Region: s.region, Home: "/"}, Done: windowsDone[r.URL.Query().Get("klart")]}
	for _, x := range ws {
		if !keepsAll(p, x.Bodies) {
			continue
		}
		bookings, err := plan.FindWindowBookings(ctx, s.store, x)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		data.Windows = append(data.Windows, s.windowRowOf(x, bookings, n))
	}
	s.renderPage(w, r, http.StatusOK, s.pages.windows, data)
}

// pageWindow reads the window named by the path for one who keeps all its
// bodies; it answers the page itself and returns nil otherwise.
// keepsAll reports whether the caller sees the internals of every one of
// bodies: an admin, or the secretary of them all, also through a read
// token. A window is the caller's when all its bodies are.
func keepsAll(p *access.Principal, bodies []string) bool {
	for _, b := range bodies {
		if !p.SeeInternal(b) {
			return false
		}
	}
	return p.SeeAll() || len(bodies) > 0
}

func (s *Server) pageWindow(w http.ResponseWriter, r *http.Request, change bool) *calendar.BookingWindow {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	x, err := s.store.FindBookingWindowByID(r.Context(), id)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	// The plan shows when people are busy: only those who keep every
	// body of the window see it, as with the API's plan.
	p := principalOf(r)
	if change && p.Change(x.Bodies...) || !change && keepsAll(p, x.Bodies) {
		return x
	}
	v, err := s.view(r.Context(), p)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	if !v.seesWindow(x) {
		s.pageNotFound(w, r)
		return nil
	}
	s.forbidden(w, r, p, "Bokningsveckorna gäller organ som du inte är sekreterare för.")
	return nil
}

// windowPage answers GET /mina-organ/bokning/{id}.
func (s *Server) windowPage(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, false)
	if x == nil {
		return
	}
	s.renderWindowPage(w, r, http.StatusOK, x, "")
}

func (s *Server) renderWindowPage(w http.ResponseWriter, r *http.Request, status int, x *calendar.BookingWindow, problem string) {
	ctx := r.Context()
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	wp, each, err := s.windowPlan(ctx, x)
	if err != nil && calendar.ErrorCode(err) != calendar.EINVALID {
		s.Error(w, r, err)
		return
	}
	title := x.Name + " – bokningsveckor"
	if problem != "" {
		title = "Fel: " + title
	}
	data := windowPageData{page: page{Title: title, Region: s.region, Home: "/"}, Done: windowDone[r.URL.Query().Get("klart")],
		Error: problem, Apply: windowPath(x.ID) + "/lagg-in", Take: windowPath(x.ID) + "/ta-tid", Length: fmt.Sprintf("%d minuter", x.DurationMinutes), Rooms: "digitalt"}
	var days, hours, rooms []string
	for _, d := range x.Weekdays {
		days = append(days, swedishWeekdayNames[d])
	}
	for _, h := range x.Hours {
		hours = append(hours, spanText(h))
	}
	for _, ro := range x.Rooms {
		rooms = append(rooms, n.roomName(&ro))
	}
	data.Weekdays, data.Hours = joinSwedish(days), joinSwedish(hours)
	if len(rooms) > 0 {
		data.Rooms = joinSwedish(rooms)
	}
	if err != nil {
		// An invalid window (a body removed, weeks beyond the limits):
		// the plan cannot be made; say so in Swedish.
		bookings, ferr := plan.FindWindowBookings(ctx, s.store, x)
		if ferr != nil {
			s.Error(w, r, ferr)
			return
		}
		data.windowRow = s.windowRowOf(x, bookings, n)
		data.Invalid = true
		if data.Error == "" {
			data.Error = invalidWindowText(err, n, x)
		}
		s.renderPage(w, r, status, s.pages.window, data)
		return
	}
	data.windowRow = s.windowRowOf(x, wp.Bookings, n)
	if data.Answers, err = s.windowAnswersOf(ctx, x); err != nil {
		s.Error(w, r, err)
		return
	}
	for _, b := range wp.AlreadyBooked {
		data.AlreadyBooked = append(data.AlreadyBooked, n.bodyName(b.Body))
	}
	placed := func(pl plan.Placed) placedRow {
		m := pl.Meeting
		return placedRow{Body: n.bodyName(pl.Body), When: swedishDate(m.Start) + " " + swedishClock(m.Start) + "–" + swedishClock(m.End),
			Room: n.roomName(&m.Room), Path: hubPath(m.ID), Reasons: pl.Reasons}
	}
	for _, k := range wp.Kept {
		data.Kept = append(data.Kept, placed(k))
	}
	for _, mv := range wp.Moved {
		data.Moved = append(data.Moved, placed(mv))
	}
	if p := wp.Problem; p != nil {
		for _, d := range p.Demands {
			bs := bodySuggestions{Name: n.bodyName(d.Body), Slug: d.Body, Anchor: "tider-" + d.Body}
			for _, g := range each[d.Body] {
				bs.Times = append(bs.Times, suggestedTime{When: swedishDate(g.Start) + " " + swedishClock(g.Start) + "–" + swedishClock(g.End),
					Place: n.roomName(&g.Room), Reasons: strings.Join(g.Reasons, "; "), Start: calendar.In(g.Start).Format(suggestionStart), Room: g.Room})
			}
			data.Suggested = append(data.Suggested, bs)
		}
	}
	if res := wp.Result; res != nil {
		data.Planned = true
		data.Feasible = res.Feasible
		for _, a := range res.Assignments {
			if a.Kept {
				continue
			}
			data.Proposals = append(data.Proposals, planRow{Body: n.bodyName(a.Body),
				When: swedishDate(a.Start) + " " + swedishClock(a.Start) + "–" + swedishClock(a.End),
				Room: n.roomName(&a.Room), Reasons: a.Reasons, Violations: a.Violations})
		}
		var people map[string]string
		for _, c := range res.Conflicts {
			if len(c.People) > 0 && people == nil {
				ps, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
				if err != nil {
					s.Error(w, r, err)
					return
				}
				people = map[string]string{}
				for _, p := range ps {
					people[p.Key] = p.Name
				}
			}
			var bs, pn, rs, ds []string
			for _, b := range c.Bodies {
				bs = append(bs, n.bodyName(b))
			}
			for _, k := range c.People {
				if people[k] != "" {
					pn = append(pn, people[k])
				} else {
					pn = append(pn, k)
				}
			}
			for _, ro := range c.Rooms {
				rs = append(rs, n.roomName(&ro))
			}
			for _, d := range c.Days {
				ds = append(ds, d.String())
			}
			data.Conflicts = append(data.Conflicts, conflictRow{Bodies: joinSwedish(bs), People: joinSwedish(pn), Rooms: joinSwedish(rs),
				Days: joinSwedish(ds), Reason: c.Reason})
		}
	}
	s.renderPage(w, r, status, s.pages.window, data)
}

// applyWindowForm answers POST /mina-organ/bokning/{id}/lagg-in: plans
// the window and writes the plan's meetings in one transaction, as the
// API's plan with apply=true does. Meetings booked otherwise than by the
// window are left where they are; so are the window's own earlier ones,
// unless they now break a hard rule (plan.PlanWindow).
func (s *Server) applyWindowForm(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, true)
	if x == nil {
		return
	}
	ctx := r.Context()
	err := s.store.InTx(ctx, func(tx calendar.Store) error {
		wp, err := plan.PlanWindow(ctx, tx, x, s.now(), plan.Options{})
		if err != nil {
			return err
		}
		if wp.Result == nil {
			return nil // every body has booked: nothing to write
		}
		_, err = plan.ApplyWindowPlan(ctx, tx, x, wp.Result)
		return err
	})
	switch calendar.ErrorCode(err) {
	case "":
		s.wrote()
		http.Redirect(w, r, windowPath(x.ID)+"?klart=inlagt", http.StatusSeeOther)
	case calendar.ECONFLICT:
		s.renderWindowPage(w, r, http.StatusConflict, x, "Förslaget kunde inte läggas in: det finns ingen plan där alla organ får plats, eller så har en lokal bokats under tiden. Se krockarna nedan.")
	case calendar.EINVALID:
		s.renderWindowPage(w, r, http.StatusBadRequest, x, "")
	default:
		s.Error(w, r, err)
	}
}

// deleteWindowPage answers GET /mina-organ/bokning/{id}/ta-bort: it asks
// before the window goes, and says that the meetings already in the
// bodies' calendars stay.
func (s *Server) deleteWindowPage(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, false)
	if x == nil {
		return
	}
	ctx := r.Context()
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	bookings, err := plan.FindWindowBookings(ctx, s.store, x)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := windowDeleteData{page: page{Title: "Ta bort " + x.Name, Region: s.region, Home: "/"}, Name: x.Name, Weeks: weekRuns(x.Weeks),
		Back: windowPath(x.ID), Action: windowPath(x.ID) + "/ta-bort"}
	for _, wm := range s.windowRowOf(x, bookings, n).Bodies {
		for _, m := range wm.Meetings {
			data.Meetings = append(data.Meetings, deletedWindowMeeting{Body: wm.Name, When: m.When, Status: m.Status, Path: m.Path})
		}
	}
	s.renderPage(w, r, http.StatusOK, s.pages.windowDelete, data)
}

// deleteWindowForm answers POST /mina-organ/bokning/{id}/ta-bort. The
// window's meetings stay: they are the bodies' meetings now.
func (s *Server) deleteWindowForm(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, true)
	if x == nil {
		return
	}
	err := s.store.DeleteBookingWindow(r.Context(), x.ID)
	if err != nil && !calendar.IsNotFound(err) {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	http.Redirect(w, r, windowsPath+"?klart=borttaget", http.StatusSeeOther)
}

// suggestionStart is how a suggested time's start goes in the form.
const suggestionStart = "2006-01-02T15:04"

// takeSuggestionForm answers POST /mina-organ/bokning/{id}/ta-tid: one
// body takes one of its suggested times (organ, start, lokal), laid in as
// the window's own proposed meeting (plan.TakeSuggestion) if it is still
// free.
func (s *Server) takeSuggestionForm(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, true)
	if x == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, calendar.Errorf(calendar.EINVALID, "the form could not be read"))
		return
	}
	body, room := r.PostForm.Get("organ"), r.PostForm.Get("lokal")
	start, err := time.ParseInLocation(suggestionStart, r.PostForm.Get("start"), calendar.Location)
	if err != nil || !slices.Contains(x.Bodies, body) {
		s.renderWindowPage(w, r, http.StatusBadRequest, x, "Tiden kunde inte väljas. Välj en av tiderna nedan.")
		return
	}
	_, err = plan.TakeSuggestion(r.Context(), s.store, x, body, start, room, s.now())
	switch calendar.ErrorCode(err) {
	case "":
		s.wrote()
		http.Redirect(w, r, windowPath(x.ID)+"?klart=vald", http.StatusSeeOther)
	case calendar.ECONFLICT:
		s.renderWindowPage(w, r, http.StatusConflict, x, "Tiden är inte ledig längre: någon som ska vara med, eller lokalen, har bokats under tiden. Välj en annan tid nedan.")
	case calendar.EINVALID:
		s.renderWindowPage(w, r, http.StatusBadRequest, x, "Tiden kunde inte väljas: organet har redan bokat sina möten under veckorna, eller så behöver bokningsveckorna ses över.")
	default:
		s.Error(w, r, err)
	}
}
