package api

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// The form that creates a booking window: GET and POST
// /mina-organ/bokning/ny. It writes through the store with the domain's
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

func (s *Server) renderWindowForm(w http.ResponseWriter, r *http.Request, status int, f windowForm, errs []formError) {
	ctx := r.Context()
	p := principalOf(r)
	n, err := s.names(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	title := "Nya bokningsveckor"
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := windowFormData{page: page{Title: title, Region: s.region, Home: "/"}, Form: f, Errors: errs, ErrorFor: errorFor(errs)}
	var slugs []string
	for slug := range n.bodies {
		if p.Change(slug) {
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

// createWindowForm answers POST /mina-organ/bokning/ny.
func (s *Server) createWindowForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, calendar.Errorf(calendar.EINVALID, "the form could not be read"))
		return
	}
	v := r.PostForm
	f := windowForm{Name: strings.TrimSpace(v.Get("namn")), Weeks: v.Get("veckor"), Length: strings.TrimSpace(v.Get("langd")),
		Hours: v.Get("tider"), Deadline: strings.TrimSpace(v.Get("sista-dag")), Bodies: v["organ"], Weekdays: v["dagar"], Rooms: v["lokaler"]}
	x := &calendar.BookingWindow{Name: f.Name, Bodies: f.Bodies, Rooms: f.Rooms}
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
	if f.Deadline != "" {
		if d, err := calendar.ParseDate(f.Deadline); err != nil {
			add("sista-dag", "Skriv sista dag att boka som 2025-06-13, eller lämna fältet tomt.")
		} else {
			x.Deadline = d
		}
	}
	if len(errs) == 0 {
		if err := x.Validate(); err != nil {
			add("veckor", "Bokningsveckorna går inte att spara så här: kontrollera veckorna (högst ett år) och tiderna.")
		}
	}
	if len(errs) > 0 {
		s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if err := s.store.CreateBookingWindow(r.Context(), x); err != nil {
		if calendar.ErrorCode(err) == calendar.EINVALID {
			s.renderWindowForm(w, r, http.StatusUnprocessableEntity, f, []formError{{Field: "veckor", Message: "Bokningsveckorna går inte att spara så här: kontrollera veckorna och tiderna."}})
			return
		}
		s.Error(w, r, err)
		return
	}
	s.wrote()
	http.Redirect(w, r, windowPath(x.ID)+"?klart=skapat", http.StatusSeeOther)
}
