package api

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// The form that creates a booking window, GET and POST
// /mina-organ/bokning/ny, and the same form filled in that changes one,
// /mina-organ/bokning/{id}/andra. It writes through the store with the domain's
// validation (calendar.BookingWindow.Validate), as the API's POST does.

type windowForm struct {
	Name, Weeks, Length, Hours, Deadline string
	Bodies, Weekdays, Rooms              []string
}

type choice struct {
	Value, Label string
	Checked      bool
}

type windowFormData struct {
	page
	Form     windowForm
	Bodies   []choice
	Weekdays []choice
	Rooms    []choice
	Errors   []formError
	ErrorFor map[string]string
	// Heading, Action and Back differ between a new window and a change.
	Heading, Action, Back string
}

type textField struct{ ID, Label, Hint, Value, Error string }

// Field is the text field id of the form, as the template shows it.
func (d windowFormData) Field(id, label, hint string) textField {
	v := map[string]string{"namn": d.Form.Name, "veckor": d.Form.Weeks, "langd": d.Form.Length, "tider": d.Form.Hours, "sista-dag": d.Form.Deadline}[id]
	return textField{ID: id, Label: label, Hint: hint, Value: v, Error: d.ErrorFor[id]}
}

var (
	// "v 37–38 2025", "v 37, 38 2025", "vecka 37-38 2025"
	swedishWeeksPattern = regexp.MustCompile(`^(?:v|v\.|vecka|veckor)\s*([0-9][0-9\s,–-]*?)\s+(\d{4})$`)
	weekRangePattern    = regexp.MustCompile(`^(\d{1,2})\s*(?:[–-]\s*(\d{1,2}))?$`)
)

// parseWeeks reads "2025-W37, 2025-W38" or "v 37–38 2025" (several
// separated by ";" or ",").
func parseWeeks(s string) ([]calendar.ISOWeek, bool) {
	var out []calendar.ISOWeek
	s = strings.TrimSpace(s)
	if m := swedishWeeksPattern.FindStringSubmatch(s); m != nil {
		year, _ := strconv.Atoi(m[2])
		for _, part := range strings.Split(m[1], ",") {
			r := weekRangePattern.FindStringSubmatch(strings.TrimSpace(part))
			if r == nil {
				return nil, false
			}
			from, _ := strconv.Atoi(r[1])
			to := from
			if r[2] != "" {
				to, _ = strconv.Atoi(r[2])
			}
			if to < from || to-from > calendar.MaxWindowWeeks {
				return nil, false
			}
			for w := from; w <= to; w++ {
				out = append(out, calendar.ISOWeek{Year: year, Week: w})
			}
		}
		return out, len(out) > 0
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		w, err := calendar.ParseISOWeek(strings.ToUpper(part))
		if err != nil {
			return nil, false
		}
		out = append(out, w)
	}
	return out, len(out) > 0
}

// parseSpans reads "09.00–12.00, 13.00–16.00".
func parseSpans(s string) ([]calendar.TimeSpan, bool) {
	var out []calendar.TimeSpan
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		ends := strings.FieldsFunc(part, func(r rune) bool { return r == '–' || r == '-' })
		if len(ends) != 2 {
			return nil, false
		}
		from, err1 := calendar.ParseClock(strings.TrimSpace(ends[0]))
		to, err2 := calendar.ParseClock(strings.TrimSpace(ends[1]))
		if err1 != nil || err2 != nil || to <= from {
			return nil, false
		}
		out = append(out, calendar.TimeSpan{From: from, To: to})
	}
	return out, len(out) > 0
}

func (s *Server) newWindowPage(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if !p.SeeAll() && len(p.SecretaryOf()) == 0 {
		s.forbidden(w, r, p, "")
		return
	}
	s.renderWindowForm(w, r, http.StatusOK, windowForm{Length: "120", Weekdays: []string{"1", "2", "3", "4", "5"}, Hours: "09.00–12.00, 13.00–16.00"}, nil)
}

// renderWindowForm shows the window form: a new window, or stored (one
// x) to change.
func (s *Server) renderWindowForm(w http.ResponseWriter, r *http.Request, status int, f windowForm, errs []formError, stored ...*calendar.BookingWindow) {
	ctx := r.Context()
	p := principalOf(r)
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title, action, back := "Nya bokningsveckor", windowsPath+"/ny", windowsPath
	if len(stored) > 0 {
		title, action, back = "Ändra "+stored[0].Name, windowPath(stored[0].ID)+"/andra", windowPath(stored[0].ID)
	}
	heading := title
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := windowFormData{page: page{Title: title, Region: s.region, Home: "/"}, Form: f, Errors: errs, ErrorFor: errorFor(errs),
		Heading: heading, Action: action, Back: back}
	var slugs []string
	for slug := range n.bodies {
		// A read token sees the window's own bodies, not to change them.
		if p.Change(slug) || slices.Contains(f.Bodies, slug) && p.SeeInternal(slug) {
			slugs = append(slugs, slug)
		}
	}
	slices.SortFunc(slugs, func(a, b string) int { return strings.Compare(n.bodyName(a), n.bodyName(b)) })
	for _, slug := range slugs {
		data.Bodies = append(data.Bodies, choice{Value: slug, Label: n.bodyName(slug), Checked: slices.Contains(f.Bodies, slug)})
	}
	for d := calendar.Weekday(1); d <= 7; d++ {
		v := strconv.Itoa(int(d))
		data.Weekdays = append(data.Weekdays, choice{Value: v, Label: swedishWeekdayNames[d], Checked: slices.Contains(f.Weekdays, v)})
	}
	var rooms []string
	for slug := range n.rooms {
		rooms = append(rooms, slug)
	}
	slices.Sort(rooms)
	for _, slug := range rooms {
		data.Rooms = append(data.Rooms, choice{Value: slug, Label: n.roomName(&slug), Checked: slices.Contains(f.Rooms, slug)})
	}
	s.renderPage(w, r, status, s.pages.windowForm, data)
}

// readWindowForm reads the window form of r into f and, where every
// field holds, into x's fields that the form shows (name, weeks, bodies,
// length, weekdays, hours, rooms, deadline); the rest of x is left as it
// is. It returns the problems in Swedish, one per field.
func readWindowForm(r *http.Request, x *calendar.BookingWindow) (windowForm, []formError) {
	v := r.PostForm
	f := windowForm{Name: strings.TrimSpace(v.Get("namn")), Weeks: v.Get("veckor"), Length: strings.TrimSpace(v.Get("langd")),
		Hours: v.Get("tider"), Deadline: strings.TrimSpace(v.Get("sista-dag")), Bodies: v["organ"], Weekdays: v["dagar"], Rooms: v["lokaler"]}
	x.Name, x.Bodies, x.Rooms = f.Name, f.Bodies, f.Rooms
	var errs []formError
	add := func(field, msg string) { errs = append(errs, formError{Field: field, Message: msg}) }
	if f.Name == "" {
		add("namn", "Skriv ett namn på bokningsveckorna.")
	}
	if ws, ok := parseWeeks(f.Weeks); ok {
		x.Weeks = ws
	} else {
		add("veckor", "Skriv veckorna som ”v 37–38 2025” eller ”2025-W37, 2025-W38”.")
	}
	first := "organ-" + "forsta"
	if len(f.Bodies) == 0 {
		add(first, "Välj minst ett organ.")
	} else if !principalOf(r).Change(f.Bodies...) {
		add(first, "Du kan bara välja organ som du är sekreterare för.")
	}
	if m, err := strconv.Atoi(f.Length); err != nil || m < 1 || m > 720 {
		add("langd", "Skriv mötenas längd i minuter, 1–720, till exempel 120.")
	} else {
		x.DurationMinutes = m
	}
	x.Weekdays = nil
	for _, d := range f.Weekdays {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 7 {
			continue
		}
		x.Weekdays = append(x.Weekdays, calendar.Weekday(n))
	}
	if len(x.Weekdays) == 0 {
		add("dag-1", "Välj minst en veckodag.")
	}
	if hs, ok := parseSpans(f.Hours); ok {
		x.Hours = hs
		for _, h := range hs {
			if x.DurationMinutes > 0 && int(h.To-h.From) < x.DurationMinutes {
				add("tider", "En av tiderna är kortare än mötet. Gör tiden längre eller mötet kortare.")
				break
			}
		}
	} else {
		add("tider", "Skriv tiderna som ”09.00–12.00, 13.00–16.00”.")
	}
	x.Deadline = calendar.Date{}
	if f.Deadline != "" {
		if d, err := calendar.ParseDate(f.Deadline); err != nil {
			add("sista-dag", "Skriv sista dag att boka som 2025-06-13, eller lämna fältet tomt.")
		} else {
			x.Deadline = d
		}
	}
	// Counts and attendees of bodies no longer in the window go with them.
	for body := range x.Counts {
		if !slices.Contains(x.Bodies, body) {
			delete(x.Counts, body)
		}
	}
	for body := range x.Attendees {
		if !slices.Contains(x.Bodies, body) {
			delete(x.Attendees, body)
		}
	}
	if len(errs) == 0 {
		if err := x.Validate(); err != nil {
			add("veckor", "Bokningsveckorna går inte att spara så här: kontrollera veckorna (högst ett år) och tiderna.")
		}
	}
	return f, errs
}

// windowSaveError is what the form says when the store refuses a window
// the form's checks let through.
var windowSaveError = []formError{{Field: "veckor", Message: "Bokningsveckorna går inte att spara så här: kontrollera veckorna och tiderna."}}

// createWindowForm answers POST /mina-organ/bokning/ny.
func (s *Server) createWindowForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, calendar.Errorf(calendar.EINVALID, "the form could not be read"))
		return
	}
	x := &calendar.BookingWindow{}
	f, errs := readWindowForm(r, x)
	if len(errs) > 0 {
		s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if err := s.store.CreateBookingWindow(r.Context(), x); err != nil {
		if calendar.ErrorCode(err) == calendar.EINVALID {
			s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, windowSaveError)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	http.Redirect(w, r, windowPath(x.ID)+"?klart=skapat", http.StatusSeeOther)
}

// formOfWindow fills the form with a stored window, as the secretary
// would type it.
func formOfWindow(x *calendar.BookingWindow) windowForm {
	f := windowForm{Name: x.Name, Weeks: weekRuns(x.Weeks), Length: strconv.Itoa(x.DurationMinutes),
		Bodies: slices.Clone(x.Bodies), Rooms: slices.Clone(x.Rooms)}
	var hours []string
	for _, h := range x.Hours {
		hours = append(hours, spanText(h))
	}
	f.Hours = strings.Join(hours, ", ")
	for _, d := range x.Weekdays {
		f.Weekdays = append(f.Weekdays, strconv.Itoa(int(d)))
	}
	if !x.Deadline.IsZero() {
		f.Deadline = x.Deadline.String()
	}
	return f
}

// spanText writes a time span as "09.00–12.00".
func spanText(h calendar.TimeSpan) string {
	return fmt.Sprintf("%02d.%02d–%02d.%02d", h.From/60, h.From%60, h.To/60, h.To%60)
}

// editWindowPage answers GET /mina-organ/bokning/{id}/andra: the form of
// /mina-organ/bokning/ny, filled in.
func (s *Server) editWindowPage(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, false)
	if x == nil {
		return
	}
	s.renderWindowForm(w, r, http.StatusOK, formOfWindow(x), nil, x)
}

// editWindowForm answers POST /mina-organ/bokning/{id}/andra. The fields
// the form does not show (counts, attendees, buffer, blackouts) are kept;
// the window is changed as the store holds it locked, as the API's PATCH.
func (s *Server) editWindowForm(w http.ResponseWriter, r *http.Request) {
	x := s.pageWindow(w, r, true)
	if x == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, calendar.Errorf(calendar.EINVALID, "the form could not be read"))
		return
	}
	var f windowForm
	var errs []formError
	_, err := s.store.EditBookingWindow(r.Context(), x.ID, func(y *calendar.BookingWindow) error {
		f, errs = readWindowForm(r, y)
		if len(errs) > 0 {
			return errFormInvalid
		}
		return nil
	})
	switch {
	case err == errFormInvalid:
		s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, errs, x)
		return
	case calendar.ErrorCode(err) == calendar.EINVALID:
		s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, windowSaveError, x)
		return
	case err != nil:
		s.Error(w, r, err)
		return
	}
	s.wrote()
	http.Redirect(w, r, windowPath(x.ID)+"?klart=andrat", http.StatusSeeOther)
}

// errFormInvalid stops an edit whose form has errors.
var errFormInvalid = errors.New("the form has errors")
