package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// "Kan inte" (issue 11 point 8): while a booking window is open, everyone
// who must attend one of its bodies (plan.WindowAttendees: the window's
// attendee list, or blocking-role memberships) answers which half days of
// its candidate days (plan.CandidateDays: its weekdays less holidays and
// blackouts) they cannot do. Förmiddag is before 12.00, eftermiddag from
// 12.00 (calendar.Half); only the halves the window's hours touch are
// asked. The planner treats each answer as a hard rule.
//
// A window is open until its deadline, or, without one, until its last
// day (windowOpen); after that the page says the time to answer is over,
// and the answers stay for planning.
//
// Two doors lead to the same page: /mina-moten/kan-inte/{id} for a person
// signed in (linked from Mina möten), and /bokning/{token}/kan-inte through
// the personal link of the booking-week email (calendar.LinkBooking, the
// token is the credential, as on the booking page). Saving replaces the
// person's answer; no box ticked ("jag kan alla dagar") is an answer too.
// Someone who need not attend the window gets 404 on the signed-in path
// (the window is none of theirs) and a page saying so through a link.

// availabilityVisit is one person answering for one window.
type availabilityVisit struct {
	window *calendar.BookingWindow
	person *calendar.Person
	bodies []string // the window's bodies the person must attend
	path   string   // the page's own address
	back   link     // where "tillbaka" leads
}

type link struct{ Path, Text string }

type availabilityPage struct {
	page
	Window, Weeks, Deadline, Bodies string
	Back                            link
	Action                          string
	Answered                        string // when, in Swedish; "" before the first answer
	Cannot                          int    // half days ticked in the stored answer
	Saved                           bool
	HalfText                        string // what the halves mean
	Days                            []availabilityDay
	Errors                          []formError
}

type availabilityDay struct {
	Legend  string // "tisdag 9 september 2025, v 37"
	Options []availabilityOption
}

type availabilityOption struct {
	ID, Value, Label string
	Checked          bool
}

// availabilityField is the form's checkbox name; each value is a half
// day, "2025-09-09 fm".
const availabilityField = "kan-inte"

// windowOpen reports whether window x takes answers on day today: until
// its deadline, or without one until its last day, and never after its
// last day.
func windowOpen(x *calendar.BookingWindow, today calendar.Date) bool {
	last := x.LastDay()
	if !x.Deadline.IsZero() && x.Deadline.Before(last) {
		last = x.Deadline
	}
	return !last.Before(today)
}

// askedHalves are the halves the window's hours touch: fm when a span
// starts before 12.00, em when one ends after it.
func askedHalves(x *calendar.BookingWindow) []calendar.Half {
	var out []calendar.Half
	if slices.ContainsFunc(x.Hours, func(h calendar.TimeSpan) bool { return h.From < calendar.Noon }) {
		out = append(out, calendar.HalfMorning)
	}
	if slices.ContainsFunc(x.Hours, func(h calendar.TimeSpan) bool { return h.To > calendar.Noon }) {
		out = append(out, calendar.HalfAfternoon)
	}
	return out
}

// mustAttend returns the bodies of x (in its order) that person must
// attend.
func (s *Server) mustAttend(ctx context.Context, x *calendar.BookingWindow, person string) ([]string, error) {
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &person})
	if err != nil {
		return nil, err
	}
	att := plan.WindowAttendees(x, ms)
	var out []string
	for _, b := range x.Bodies {
		if slices.Contains(att[b], person) {
			out = append(out, b)
		}
	}
	return out, nil
}

// myAvailabilityVisit reads the visit of /mina-moten/kan-inte/{id}, or
// answers itself (sign in, 404) and returns nil.
func (s *Server) myAvailabilityVisit(w http.ResponseWriter, r *http.Request) *availabilityVisit {
	ctx := r.Context()
	key := principalOf(r).Person()
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.pageNotFound(w, r)
		return nil
	}
	path := myAvailabilityPath(id)
	if key == "" { // the admin token is no one
		seeOther(w, "/logga-in?next="+url.QueryEscape(path))
		return nil
	}
	x, err := s.store.FindBookingWindowByID(ctx, id)
	if calendar.IsNotFound(err) {
		s.pageNotFound(w, r)
		return nil
	}
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	p, err := s.store.FindPersonByKey(ctx, key)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	bodies, err := s.mustAttend(ctx, x, key)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	if len(bodies) == 0 {
		s.pageNotFound(w, r) // none of theirs: not even that it exists
		return nil
	}
	return &availabilityVisit{window: x, person: p, bodies: bodies, path: path, back: link{"/mina-moten", "Mina möten"}}
}

func myAvailabilityPath(id int64) string { return "/mina-moten/kan-inte/" + strconv.FormatInt(id, 10) }

// linkAvailabilityVisit reads the visit of /bokning/{token}/kan-inte, or
// answers itself and returns nil.
func (s *Server) linkAvailabilityVisit(w http.ResponseWriter, r *http.Request) *availabilityVisit {
	x, p, ok := s.bookingVisit(w, r)
	if !ok {
		return nil
	}
	bodies, err := s.mustAttend(r.Context(), x, p.Key)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	token := mux.Vars(r)["token"]
	if len(bodies) == 0 {
		s.linkNotice(w, r, http.StatusOK, nil, "Du behöver inte svara",
			"Du är inte med bland dem som ska vara med på mötena i "+x.Name+", så Samkal behöver inte veta vilka dagar du kan.")
		return nil
	}
	return &availabilityVisit{window: x, person: p, bodies: bodies, path: "/bokning/" + token + "/kan-inte",
		back: link{"/bokning/" + token, "Boka möten: " + x.Name}}
}

// open answers itself with a notice and returns false when v's window no
// longer takes answers.
func (s *Server) availabilityOpen(w http.ResponseWriter, r *http.Request, v *availabilityVisit) bool {
	if windowOpen(v.window, calendar.DateOf(s.now())) {
		return true
	}
	s.linkNotice(w, r, http.StatusGone, nil, "Tiden för att svara har gått ut",
		"Bokningsveckorna "+v.window.Name+" tar inte emot svar längre. Det du svarade tidigare gäller fortfarande när mötena planeras.",
		"Kan du inte en dag då ett möte redan är lagt, säg det till sekreteraren.")
	return false
}

// myAvailabilityPage answers GET /mina-moten/kan-inte/{id}.
func (s *Server) myAvailabilityPage(w http.ResponseWriter, r *http.Request) {
	if v := s.myAvailabilityVisit(w, r); v != nil && s.availabilityOpen(w, r, v) {
		s.renderAvailability(w, r, v, http.StatusOK, nil, nil)
	}
}

// myAvailabilityForm answers POST /mina-moten/kan-inte/{id}.
func (s *Server) myAvailabilityForm(w http.ResponseWriter, r *http.Request) {
	v := s.myAvailabilityVisit(w, r)
	if v == nil || !s.availabilityOpen(w, r, v) {
		return
	}
	form, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	s.saveAvailability(w, r, v, form)
}

// linkAvailabilityPage answers GET /bokning/{token}/kan-inte.
func (s *Server) linkAvailabilityPage(w http.ResponseWriter, r *http.Request) {
	if v := s.linkAvailabilityVisit(w, r); v != nil && s.availabilityOpen(w, r, v) {
		s.renderAvailability(w, r, v, http.StatusOK, nil, nil)
	}
}

// linkAvailabilityForm answers POST /bokning/{token}/kan-inte.
func (s *Server) linkAvailabilityForm(w http.ResponseWriter, r *http.Request) {
	v := s.linkAvailabilityVisit(w, r)
	if v == nil || !s.availabilityOpen(w, r, v) {
		return
	}
	form := s.readForm(w, r, nil)
	if form == nil {
		return
	}
	s.saveAvailability(w, r, v, form)
}

// saveAvailability replaces v's answer with the half days ticked in form
// and goes back to the page; a value that is no half day the page offers
// shows the page again with the error.
func (s *Server) saveAvailability(w http.ResponseWriter, r *http.Request, v *availabilityVisit, form url.Values) {
	days, halves := plan.CandidateDays(v.window), askedHalves(v.window)
	a := &calendar.Availability{WindowID: v.window.ID, Person: v.person.Key}
	var bad bool
	for _, val := range form[availabilityField] {
		h, ok := parseHalfDay(val)
		if !ok || !slices.Contains(days, h.Day) || !slices.Contains(halves, h.Half) {
			bad = true
			continue
		}
		a.CannotDo = append(a.CannotDo, h)
	}
	if bad {
		errs := []formError{{Field: firstOptionID(days, halves), Message: "Kryssa bara för dagar som finns på sidan. Ingenting har sparats."}}
		s.renderAvailability(w, r, v, http.StatusUnprocessableEntity, errs, a.CannotDo)
		return
	}
	if err := s.store.SetAvailability(r.Context(), a); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, v.path+"?klart=sparat")
}

// parseHalfDay reads "2025-09-09 fm".
func parseHalfDay(s string) (calendar.HalfDay, bool) {
	day, half, ok := strings.Cut(s, " ")
	if !ok {
		return calendar.HalfDay{}, false
	}
	d, err := calendar.ParseDate(day)
	h := calendar.Half(half)
	if err != nil || !h.Valid() {
		return calendar.HalfDay{}, false
	}
	return calendar.HalfDay{Day: d, Half: h}, true
}

func halfDayID(h calendar.HalfDay) string { return "kan-inte-" + h.Day.String() + "-" + string(h.Half) }

func firstOptionID(days []calendar.Date, halves []calendar.Half) string {
	if len(days) == 0 || len(halves) == 0 {
		return ""
	}
	return halfDayID(calendar.HalfDay{Day: days[0], Half: halves[0]})
}

// renderAvailability shows v's page: the stored answer ticked, or ticked
// (a form with errors given back).
func (s *Server) renderAvailability(w http.ResponseWriter, r *http.Request, v *availabilityVisit, status int, errs []formError, ticked []calendar.HalfDay) {
	ctx := r.Context()
	x := v.window
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := availabilityPage{page: s.page(errorTitle("Dagar du inte kan – "+x.Name, errs)), Window: x.Name, Weeks: swedishWeeks(x.Weeks),
		Back: v.back, Action: v.path, Saved: r.URL.Query().Get("klart") == "sparat" && errs == nil, Errors: errs}
	if !x.Deadline.IsZero() {
		data.Deadline = swedishDate(x.Deadline.Start())
	}
	var names []string
	for _, b := range v.bodies {
		names = append(names, n.bodyName(b))
	}
	data.Bodies = swedishList(names)
	a, err := s.store.FindAvailability(ctx, x.ID, v.person.Key)
	switch {
	case err == nil:
		data.Answered = swedishDate(a.AnsweredAt) + " kl. " + swedishClock(a.AnsweredAt)
		data.Cannot = len(a.CannotDo)
		if errs == nil {
			ticked = a.CannotDo
		}
	case !calendar.IsNotFound(err):
		s.Error(w, r, err)
		return
	}
	halves := askedHalves(x)
	var texts []string
	for _, h := range halves {
		if h == calendar.HalfMorning {
			texts = append(texts, "förmiddag är före 12.00")
		} else {
			texts = append(texts, "eftermiddag är från 12.00")
		}
	}
	data.HalfText = strings.Join(texts, ", ")
	for _, d := range plan.CandidateDays(x) {
		_, week := d.ISOWeek()
		day := availabilityDay{Legend: fmt.Sprintf("%s, v %d", swedishDate(d.Start()), week)}
		for _, h := range halves {
			hd := calendar.HalfDay{Day: d, Half: h}
			day.Options = append(day.Options, availabilityOption{ID: halfDayID(hd), Value: d.String() + " " + string(h),
				Label: "Kan inte " + h.SwedishName(), Checked: slices.Contains(ticked, hd)})
		}
		data.Days = append(data.Days, day)
	}
	s.renderPage(w, r, status, s.pages.availability, data)
}

// ---- what Mina möten and the secretary's window page show

// myWindow is an open window a person must answer, for Mina möten.
type myWindow struct {
	ID, Name, Weeks, Deadline, Path string // ID is the link's element id
	Answered                        bool
}

// myWindows lists the open windows person must attend, by first day.
func (s *Server) myWindows(ctx context.Context, person string, today calendar.Date) ([]myWindow, error) {
	ws, err := s.store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	ws = slices.DeleteFunc(ws, func(x *calendar.BookingWindow) bool { return !windowOpen(x, today) })
	if len(ws) == 0 {
		return nil, nil
	}
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &person})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ws, func(a, b *calendar.BookingWindow) int {
		return strings.Compare(a.Days()[0].String(), b.Days()[0].String())
	})
	var out []myWindow
	for _, x := range ws {
		att := plan.WindowAttendees(x, ms)
		if !slices.ContainsFunc(x.Bodies, func(b string) bool { return slices.Contains(att[b], person) }) {
			continue
		}
		row := myWindow{ID: "bokningsveckor-" + strconv.FormatInt(x.ID, 10), Name: x.Name, Weeks: swedishWeeks(x.Weeks), Path: myAvailabilityPath(x.ID)}
		if !x.Deadline.IsZero() {
			row.Deadline = swedishDate(x.Deadline.Start())
		}
		_, err := s.store.FindAvailability(ctx, x.ID, person)
		switch {
		case err == nil:
			row.Answered = true
		case !calendar.IsNotFound(err):
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// windowAnswers is what the secretary's window page shows of the "kan
// inte" answers: how many of those who must attend have answered, the
// names of those who have not (to remind them), and for each half day
// someone cannot do, who – what the planner's reasons name anyway. Not
// shown: when each answered, or anyone's answers beyond the window.
type windowAnswers struct {
	Asked, Answered int
	Open            bool
	Missing         string // names, "Ida Broman och Maria Lindborg"
	Cannot          []cannotRow
}

type cannotRow struct{ When, Names string }

// windowAnswersOf gathers windowAnswers for x.
func (s *Server) windowAnswersOf(ctx context.Context, x *calendar.BookingWindow) (*windowAnswers, error) {
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{})
	if err != nil {
		return nil, err
	}
	var asked []string
	for _, keys := range plan.WindowAttendees(x, ms) {
		asked = append(asked, keys...)
	}
	slices.Sort(asked)
	asked = slices.Compact(asked)
	answers, err := s.store.FindAvailabilities(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	name := map[string]string{}
	for _, p := range people {
		name[p.Key] = p.Name
	}
	nameOf := func(k string) string {
		if name[k] != "" {
			return name[k]
		}
		return k
	}
	out := &windowAnswers{Asked: len(asked), Open: windowOpen(x, calendar.DateOf(s.now()))}
	byHalf := map[calendar.HalfDay][]string{}
	var missing []string
	for _, k := range asked {
		i := slices.IndexFunc(answers, func(a *calendar.Availability) bool { return a.Person == k })
		if i < 0 {
			missing = append(missing, nameOf(k))
			continue
		}
		out.Answered++
		for _, h := range answers[i].CannotDo {
			byHalf[h] = append(byHalf[h], nameOf(k))
		}
	}
	slices.Sort(missing)
	out.Missing = swedishList(missing)
	var halves []calendar.HalfDay
	for h := range byHalf {
		halves = append(halves, h)
	}
	slices.SortFunc(halves, calendar.CompareHalfDays)
	for _, h := range halves {
		ns := byHalf[h]
		slices.Sort(ns)
		out.Cannot = append(out.Cannot, cannotRow{When: swedishDate(h.Day.Start()) + " " + h.Half.SwedishName(), Names: swedishList(ns)})
	}
	return out, nil
}
