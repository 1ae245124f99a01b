package api

// Next year's årsplan for a body: /mina-organ/{slug}/nasta-ar?ar=YYYY.
// The secretary chooses how the body meets (copy a year, a monthly
// pattern, or a number of meetings a year); plan.ProposeYear – the engine
// behind POST /api/v1/bodies/{slug}/arsplan-proposal and `samkal plan
// next-year` – proposes the dates with the reason for every moved one. The
// proposal is a form: dates and times can be changed and rows left out,
// and "Skapa som förslag" writes the rows as proposed meetings with
// plan.ApplyProposals, in one transaction.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

func nextYearPath(slug string, year int) string {
	return fmt.Sprintf("/mina-organ/%s/nasta-ar?ar=%d", slug, year)
}

// The methods the page offers, as plan.Pattern has them.
const (
	methodCopy    = "kopiera"
	methodPattern = "monster"
	methodPerYear = "antal"
)

// patternForm is the choice of method as typed (the GET form).
type patternForm struct {
	Method, CopyYear, PerYear, Weekday, Start, End, Ordinal, Interval, Excluded, Room string
}

type yearRow struct {
	Index                          int
	Date, Start, End               string
	Room, Title, Location, Online  string
	Reasons                        []string
	ReasonText                     string // the reasons, one a line, for the hidden field
	Moved                          bool
	Original                       string // "tisdag 13 maj 2027", when moved
	Keep                           bool
	Day                            string // the date in words, for the row's label
	DateErr, StartErr, EndErr, Err string
}

type nextYearPage struct {
	page
	Body, Slug, Action, Plan string
	Year                     int
	Form                     patternForm
	Weekdays, Ordinals       []option
	Intervals, Rooms         []option
	Errors                   []formError
	ErrorFor                 map[string]string
	Proposed                 bool
	Rows                     []yearRow
	LeftOut                  []string
	CanChange                bool
	Fields                   map[string]yearField
}

// yearField is a text input of the method form.
type yearField struct {
	ID, Label, Hint, Value, Size, Mode, Err string
}

var weekdayOptions = []struct{ Value, Label string }{{"mon", "måndag"}, {"tue", "tisdag"}, {"wed", "onsdag"}, {"thu", "torsdag"}, {"fri", "fredag"}}

func optionsOf(list []struct{ Value, Label string }, selected string) []option {
	var out []option
	for _, o := range list {
		out = append(out, option{Value: o.Value, Label: o.Label, Selected: o.Value == selected})
	}
	return out
}

// nextYearOf reads ?ar=, next year when it is missing or outside what the
// planner plans.
func (s *Server) nextYearOf(v url.Values) int {
	y, err := strconv.Atoi(v.Get("ar"))
	if err != nil || y < plan.MinPlanYear || y > plan.MaxPlanYear {
		return calendar.In(s.now()).Year() + 1
	}
	return y
}

// parseWeekNumbers reads "27–32, 52" (also with - and spaces).
func parseWeekNumbers(s string) ([]int, bool) {
	var out []int
	s = strings.NewReplacer("–", "-", "—", "-", ";", ",", " ", ",").Replace(s)
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		a, b, isRange := strings.Cut(part, "-")
		from, err1 := strconv.Atoi(a)
		to, err2 := from, error(nil)
		if isRange {
			to, err2 = strconv.Atoi(b)
		}
		if err1 != nil || err2 != nil || from < 1 || to > 53 || to < from {
			return nil, false
		}
		for w := from; w <= to; w++ {
			out = append(out, w)
		}
	}
	return out, true
}

// pattern turns the form into a plan.Pattern, saying every mistake in
// Swedish against its field.
func (f patternForm) pattern(year int, rooms map[string]*calendar.Room) (plan.Pattern, []formError) {
	var p plan.Pattern
	var errs []formError
	clock := func(field, text, what string) (int, bool) {
		h, m, ok := parseClock(text)
		if !ok {
			errs = append(errs, formError{field, "Skriv " + what + " som timmar och minuter, till exempel 13.00."})
		}
		return h*60 + m, ok
	}
	switch f.Method {
	case methodCopy:
		y, err := strconv.Atoi(strings.TrimSpace(f.CopyYear))
		switch {
		case err != nil || y < plan.MinPlanYear || y > plan.MaxPlanYear:
			errs = append(errs, formError{"fran-ar", fmt.Sprintf("Skriv året att kopiera, till exempel %d.", year-1)})
		case y == year:
			errs = append(errs, formError{"fran-ar", fmt.Sprintf("Välj ett annat år än %d att kopiera.", year)})
		}
		p.CopyYear = y
	case methodPattern, methodPerYear:
		wd, err := calendar.ParseWeekday(f.Weekday)
		if err != nil || wd < calendar.Weekday(time.Monday) || wd > calendar.Weekday(time.Friday) {
			errs = append(errs, formError{"veckodag", "Välj en veckodag, måndag till fredag."})
		}
		start, ok1 := clock("start", f.Start, "när mötena börjar")
		end, ok2 := clock("slut", f.End, "när mötena slutar")
		if ok1 && ok2 && end <= start {
			errs = append(errs, formError{"slut", "Mötena måste sluta efter att de börjar."})
		}
		p.Start, p.DurationMinutes = calendar.Clock(start), end-start
		if f.Method == methodPerYear {
			n, err := strconv.Atoi(strings.TrimSpace(f.PerYear))
			if err != nil || n < 1 || n > 53 {
				errs = append(errs, formError{"antal", "Skriv hur många möten om året, från 1 till 53."})
			}
			p.PerYear, p.Weekday = n, wd
		} else {
			day := map[string]string{"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR"}[f.Weekday]
			pos := map[string]string{"1": "1", "2": "2", "3": "3", "4": "4", "-1": "-1"}[f.Ordinal]
			every := map[string]string{"1": "1", "2": "2", "3": "3"}[f.Interval]
			if pos == "" {
				errs = append(errs, formError{"ordning", "Välj vilken veckodag i månaden."})
			}
			if every == "" {
				errs = append(errs, formError{"intervall", "Välj hur ofta."})
			}
			p.RRule = fmt.Sprintf("FREQ=MONTHLY;INTERVAL=%s;BYDAY=%s;BYSETPOS=%s", every, day, pos)
		}
	default:
		errs = append(errs, formError{"metod-kopiera", "Välj hur förslaget ska göras."})
	}
	weeks, ok := parseWeekNumbers(f.Excluded)
	if !ok {
		errs = append(errs, formError{"uteslut", "Skriv veckonummer från 1 till 53, till exempel 27–32, 52."})
	}
	p.ExcludedWeeks = weeks
	if f.Room != "" && rooms[f.Room] == nil {
		errs = append(errs, formError{"lokal", "Välj en lokal i listan, eller ingen lokal."})
	}
	p.Room = f.Room
	return p, errs
}

func (s *Server) roomsByslug(r *http.Request) (map[string]*calendar.Room, []*calendar.Room, error) {
	rooms, err := s.store.FindRooms(r.Context())
	if err != nil {
		return nil, nil, err
	}
	by := map[string]*calendar.Room{}
	for _, x := range rooms {
		by[x.Slug] = x
	}
	return by, rooms, nil
}

func (s *Server) renderNextYear(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, year int, rooms []*calendar.Room, data nextYearPage) {
	title := fmt.Sprintf("Årsplan %d – förslag – %s", year, b.Name)
	if len(data.Errors) > 0 {
		title = "Fel: " + title
	}
	data.page = page{Title: title, Region: s.region, Home: "/"}
	data.Body, data.Slug, data.Year = b.Name, b.Slug, year
	data.Action, data.Plan = "/mina-organ/"+b.Slug+"/nasta-ar", fmt.Sprintf("/mina-organ/%s?ar=%d", b.Slug, year)
	data.Weekdays = optionsOf(weekdayOptions, data.Form.Weekday)
	data.Ordinals = optionsOf([]struct{ Value, Label string }{{"1", "första"}, {"2", "andra"}, {"3", "tredje"}, {"4", "fjärde"}, {"-1", "sista"}}, data.Form.Ordinal)
	data.Intervals = optionsOf([]struct{ Value, Label string }{{"1", "varje månad"}, {"2", "varannan månad"}, {"3", "var tredje månad"}}, data.Form.Interval)
	for _, x := range rooms {
		data.Rooms = append(data.Rooms, option{Value: x.Slug, Label: x.Name, Selected: x.Slug == data.Form.Room})
	}
	data.ErrorFor = errorFor(data.Errors)
	f := data.Form
	data.Fields = map[string]yearField{}
	for _, x := range []yearField{
		{"fran-ar", "Året att kopiera", "", f.CopyYear, "4", "numeric", ""},
		{"antal", "Antal möten om året", "Gäller sättet Ett antal möten om året.", f.PerYear, "3", "numeric", ""},
		{"start", "Börjar", "Till exempel 13.00.", f.Start, "5", "decimal", ""},
		{"slut", "Slutar", "Till exempel 16.00.", f.End, "5", "decimal", ""},
		{"uteslut", "Veckor utan möten (frivilligt)", "Veckonummer, till exempel 27–32, 52 för sommaren och julen.", f.Excluded, "20", "text", ""},
	} {
		x.Err = data.ErrorFor[x.ID]
		data.Fields[x.ID] = x
	}
	for i := range data.Rows {
		data.Rows[i].ReasonText = strings.Join(data.Rows[i].Reasons, "\n")
	}
	data.CanChange = principalOf(r).Change(b.Slug)
	s.renderPage(w, r, status, s.pages.nextYear, data)
}

// nextYearPage answers GET /mina-organ/{slug}/nasta-ar?ar=YYYY: the
// choice of method and, once chosen (?metod=…), the proposal. It writes
// nothing.
func (s *Server) nextYearPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	q := r.URL.Query()
	year := s.nextYearOf(q)
	form := patternForm{Method: q.Get("metod"), CopyYear: q.Get("fran-ar"), PerYear: q.Get("antal"), Weekday: q.Get("veckodag"),
		Start: q.Get("start"), End: q.Get("slut"), Ordinal: q.Get("ordning"), Interval: q.Get("intervall"), Excluded: q.Get("uteslut"), Room: q.Get("lokal")}
	byslug, rooms, err := s.roomsByslug(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if form.Method == "" {
		form = patternForm{Method: methodCopy, CopyYear: strconv.Itoa(year - 1), PerYear: "6", Weekday: "tue", Start: "13.00", End: "16.00",
			Ordinal: "3", Interval: "1", Excluded: "27–32, 52"}
		s.renderNextYear(w, r, http.StatusOK, b, year, rooms, nextYearPage{Form: form})
		return
	}
	pat, errs := form.pattern(year, byslug)
	if len(errs) > 0 {
		s.renderNextYear(w, r, http.StatusUnprocessableEntity, b, year, rooms, nextYearPage{Form: form, Errors: errs})
		return
	}
	yp, err := plan.ProposeYear(r.Context(), s.store, b.Slug, year, pat)
	if calendar.ErrorCode(err) == calendar.EINVALID {
		msg := "Det gick inte att göra ett förslag med de här uppgifterna. Ändra något och försök igen."
		field := "metod-kopiera"
		if form.Method == methodCopy {
			msg, field = fmt.Sprintf("Det finns inga möten med tider %s att kopiera. Välj ett annat år eller ett annat sätt.", form.CopyYear), "fran-ar"
		} else if form.Method == methodPattern {
			msg = "Mönstret ger inga datum det året. Välj ett annat mönster."
		}
		s.renderNextYear(w, r, http.StatusUnprocessableEntity, b, year, rooms, nextYearPage{Form: form, Errors: []formError{{field, msg}}})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := nextYearPage{Form: form, Proposed: true}
	for i, p := range yp.Proposals {
		row := yearRow{Index: i, Date: calendar.DateOf(p.Start).String(), Start: swedishClock(p.Start), End: swedishClock(p.End),
			Room: p.Room, Title: p.Title, Location: p.Location, Online: p.OnlineURL, Reasons: p.Reasons, Moved: p.Moved, Keep: true}
		if p.Moved {
			row.Original = swedishDate(p.Original)
		}
		row.Day = swedishDate(p.Start)
		data.Rows = append(data.Rows, row)
	}
	for _, l := range yp.LeftOut {
		data.LeftOut = append(data.LeftOut, swedishDate(l.Start)+": "+l.Reason)
	}
	s.renderNextYear(w, r, http.StatusOK, b, year, rooms, data)
}

// createNextYear answers POST /mina-organ/{slug}/nasta-ar: the rows kept,
// with their dates and times as edited, become proposed meetings.
func (s *Server) createNextYear(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	year := s.nextYearOf(values)
	byslug, rooms, err := s.roomsByslug(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := strconv.Atoi(values.Get("rader"))
	if err != nil || n < 0 || n > 200 {
		n = 0
	}
	var rows []yearRow
	var errs []formError
	var ps []plan.Proposal
	for i := range n {
		k := func(name string) string { return strings.TrimSpace(values.Get(name + "-" + strconv.Itoa(i))) }
		row := yearRow{Index: i, Date: k("datum"), Start: k("start"), End: k("slut"), Room: k("lokal"), Title: k("rubrik"),
			Location: k("plats"), Online: k("lank"), Original: k("ursprung"), Keep: k("med") == "ja"}
		row.Moved = row.Original != ""
		if why := values.Get("skal-" + strconv.Itoa(i)); why != "" {
			row.Reasons = strings.Split(why, "\n")
		}
		row.Day = "Rad " + strconv.Itoa(i+1)
		if d, err := calendar.ParseDate(row.Date); err == nil {
			row.Day = swedishDate(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, calendar.Location))
		}
		if row.Keep {
			var m calendar.Meeting
			mf := meetingForm{Title: row.Title, Date: row.Date, Start: row.Start, End: row.End, Room: row.Room, Location: row.Location,
				Online: row.Online, Status: string(calendar.StatusProposed)}
			for _, e := range mf.apply(&m, byslug, nil) {
				field := e.Field + "-" + strconv.Itoa(i)
				switch e.Field {
				case "datum":
					row.DateErr = e.Message
				case "start":
					row.StartErr = e.Message
				case "slut":
					row.EndErr = e.Message
				default:
					field = "datum-" + strconv.Itoa(i)
					row.Err = e.Message
				}
				errs = append(errs, formError{field, fmt.Sprintf("Rad %d: %s", i+1, e.Message)})
			}
			ps = append(ps, plan.Proposal{Start: m.Start, End: m.End, Room: m.Room, Location: m.Location, OnlineURL: m.OnlineURL,
				Title: m.Title, Reasons: row.Reasons})
		}
		rows = append(rows, row)
	}
	if len(errs) == 0 && len(ps) == 0 {
		errs = append(errs, formError{"", "Ta med minst ett möte, eller avbryt."})
	}
	if len(errs) > 0 {
		form := patternForm{Method: values.Get("metod")}
		s.renderNextYear(w, r, http.StatusUnprocessableEntity, b, year, rooms, nextYearPage{Form: form, Proposed: true, Rows: rows, Errors: errs})
		return
	}
	created, existing, err := plan.ApplyProposals(r.Context(), s.store, b.Slug, ps)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, fmt.Sprintf("/mina-organ/%s?ar=%d&skapade=%d&fanns=%d", b.Slug, year, len(created), len(existing)))
}
