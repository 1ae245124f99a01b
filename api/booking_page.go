package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// The booking page: /bokning/{token}, the personal page the booking
// reminder links (calendar.LinkBooking). It shows one booking window to one
// of its bodies' secretaries: the weeks and the deadline, which of their
// bodies have booked (and what), and for each body that has not, the best
// free times – when everyone who must attend is free – with the reasons
// behind each. Free times show when people are busy, which is why the page
// is personal and not public (suggestions in the API need the admin
// token). It only shows: booking is done in Samkal as before, and a booked
// meeting then shows here. Like every personal page it needs no account,
// is never cached and sends no referrer (see personal_pages.go).

// suggestionsPerBody is how many free times the page shows a body.
const suggestionsPerBody = 5

type bookingPage struct {
	page
	Window    string // the window's name
	Weeks     string // "v 37, 38, 48 och 49 2025"
	Deadline  string // "fredag 29 augusti 2025"; "" for none
	Passed    bool   // the deadline has passed
	Person    string // the secretary's name
	BodyNames string // their bodies in the window, "Länsdel Norr och ÖLBF"
	Bodies    []bookingBody
	Unbooked  int // how many of Bodies have not booked
	// Availability is the person's own "kan inte" page behind the same
	// link, while the window is open and they must attend; "" otherwise.
	Availability string
}

// bookingBody is one of the secretary's bodies in the window.
type bookingBody struct {
	Name, Anchor string
	Wanted       int
	Done         bool
	Meetings     []bookedEntry
	Suggestions  []suggestionEntry
	// Problem says in Swedish why there are no suggestions; "" otherwise.
	Problem string
}

type bookedEntry struct{ When, Status, Path string }

type suggestionEntry struct{ When, Place, Reasons string }

// bookingPage answers GET /bokning/{token}.
func (s *Server) bookingPage(w http.ResponseWriter, r *http.Request) {
	x, p, ok := s.bookingVisit(w, r)
	if !ok {
		return
	}
	data, err := s.bookingPageData(r.Context(), x, p)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Those who must attend say here which days they cannot do.
	mine, err := s.mustAttend(r.Context(), x, p.Key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(mine) > 0 && windowOpen(x, calendar.DateOf(s.now())) {
		data.Availability = "/bokning/" + mux.Vars(r)["token"] + "/kan-inte"
	}
	s.renderPage(w, r, http.StatusOK, s.pages.booking, data)
}

// bookingVisit reads the window and person of the booking link in the
// path's {token}, or answers itself (404 for an unknown token, 410 for a
// revoked or expired link) and returns false. The "kan inte" page behind
// the same link uses it too.
func (s *Server) bookingVisit(w http.ResponseWriter, r *http.Request) (*calendar.BookingWindow, *calendar.Person, bool) {
	ctx := r.Context()
	token := mux.Vars(r)["token"]
	if !plausibleToken(token) {
		s.linkNotFound(w, r)
		return nil, nil, false
	}
	l, err := s.store.FindLinkByToken(ctx, token)
	if calendar.IsNotFound(err) || err == nil && l.Purpose != calendar.LinkBooking {
		s.linkNotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	switch {
	case !l.RevokedAt.IsZero():
		s.linkNotice(w, r, http.StatusGone, nil, "Länken har dragits tillbaka",
			"Länken har dragits tillbaka och går inte att använda längre.",
			"Har du fått ett nyare e-postmeddelande om bokningsveckorna kan du använda länken i det.")
		return nil, nil, false
	case !l.UsableAt(s.now()):
		s.linkNotice(w, r, http.StatusGone, nil, "Länken har gått ut",
			"Bokningsveckorna är slut, så länken visar ingenting längre.")
		return nil, nil, false
	}
	x, err := s.store.FindBookingWindowByID(ctx, l.WindowID)
	if calendar.IsNotFound(err) {
		s.linkNotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	p, err := s.store.FindPersonByKey(ctx, l.Person)
	if calendar.IsNotFound(err) {
		s.linkNotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	return x, p, true
}

// bookingPageData gathers what the page shows person about window x: the
// window's bodies of which the person is secretary today, as the reminder
// chose them, each booked or with free times.
func (s *Server) bookingPageData(ctx context.Context, x *calendar.BookingWindow, p *calendar.Person) (*bookingPage, error) {
	now := s.now()
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	data := &bookingPage{
		page:   page{Title: "Boka möten – " + x.Name, Region: s.region, Home: "/"},
		Window: x.Name, Weeks: swedishWeeks(x.Weeks), Person: p.Name,
	}
	if !x.Deadline.IsZero() {
		data.Deadline = swedishDate(x.Deadline.Start())
		data.Passed = x.Deadline.Before(calendar.DateOf(now))
	}
	mine, err := s.secretaryOf(ctx, x.Bodies, p.Key, calendar.DateOf(now))
	if err != nil || len(mine) == 0 {
		return data, err
	}
	bookings, err := plan.FindWindowBookings(ctx, s.store, x)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, wb := range bookings {
		if !slices.Contains(mine, wb.Body) {
			continue
		}
		b := bookingBody{Name: wb.Body, Anchor: "organ-" + wb.Body, Wanted: wb.Wanted, Done: wb.Done()}
		if body := n.bodies[wb.Body]; body != nil {
			b.Name = body.Name
		}
		names = append(names, b.Name)
		for _, m := range wb.Meetings {
			e := bookedEntry{When: swedishWhen(m), Status: strings.ToLower(swedishStatus(m.Status))}
			if m.IsPublic(n.isPublic) {
				e.Path = "/moten/" + strconv.FormatInt(m.ID, 10)
			}
			b.Meetings = append(b.Meetings, e)
		}
		if !b.Done {
			data.Unbooked++
			if err := s.suggestFor(ctx, x, &b, wb.Body, n); err != nil {
				return nil, err
			}
		}
		data.Bodies = append(data.Bodies, b)
	}
	data.BodyNames = swedishList(names)
	return data, nil
}

// suggestFor fills b's free times in x, or says why there are none. A
// window the planner refuses (EINVALID: a body without anyone who must
// attend, say) is the administrator's to fix: the page says so and the
// log has the details.
func (s *Server) suggestFor(ctx context.Context, x *calendar.BookingWindow, b *bookingBody, body string, n *names) error {
	sg, err := plan.SuggestWindow(ctx, s.store, x, body, s.now(), suggestionsPerBody)
	switch calendar.ErrorCode(err) {
	case "":
	case calendar.EINVALID:
		s.log.WarnContext(ctx, "booking page: no suggestions", "window", x.ID, "body", body, "err", err)
		b.Problem = "Samkal kan inte föreslå tider för " + b.Name + ", eftersom bokningsveckornas inställningar behöver ses över. Kontakta den som administrerar Samkal."
		return nil
	default:
		return err
	}
	if len(sg) == 0 {
		b.Problem = "Samkal hittade ingen tid i bokningsveckorna då alla som ska vara med på " + b.Name + " är lediga."
		return nil
	}
	for _, g := range sg {
		m := calendar.Meeting{Start: g.Start, End: g.End}
		e := suggestionEntry{When: swedishWhen(&m), Place: "Digitalt", Reasons: strings.Join(g.Reasons, "; ")}
		if r := n.rooms[g.Room]; r != nil {
			e.Place = r.Name
		} else if g.Room != "" {
			e.Place = g.Room
		}
		b.Suggestions = append(b.Suggestions, e)
	}
	return nil
}

// secretaryOf returns the bodies, of those given, in which person is
// secretary on day, in the order given.
func (s *Server) secretaryOf(ctx context.Context, bodies []string, person string, day calendar.Date) ([]string, error) {
	ms, err := s.store.FindMemberships(ctx, calendar.MembershipFilter{Person: &person, ActiveOn: &day})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, slug := range bodies {
		if slices.ContainsFunc(ms, func(m *calendar.Membership) bool { return m.Body == slug && m.Role == calendar.RoleSecretary }) {
			out = append(out, slug)
		}
	}
	return out, nil
}

// swedishWeeks lists ISO weeks as a Swede writes them: "v 37, 38, 48 och
// 49 2025", with the year after each year's weeks when they span two
// ("v 52 2025 och v 1 2026").
func swedishWeeks(ws []calendar.ISOWeek) string {
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b calendar.ISOWeek) int { return strings.Compare(a.String(), b.String()) })
	ws = slices.Compact(ws)
	var parts []string
	for i := 0; i < len(ws); {
		j := i
		var nums []string
		for ; j < len(ws) && ws[j].Year == ws[i].Year; j++ {
			nums = append(nums, strconv.Itoa(ws[j].Week))
		}
		parts = append(parts, "v "+swedishList(nums)+" "+strconv.Itoa(ws[i].Year))
		i = j
	}
	return swedishList(parts)
}
