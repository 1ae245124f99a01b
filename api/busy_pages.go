package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/busy"
)

// "Upptagen i egen kalender", /mina-moten/egen-kalender: a signed-in member
// gives the address of a calendar they publish elsewhere (Outlook's
// "Publicera kalender", Google's secret iCal address, a Nextcloud link),
// changes it, fetches it again or removes it. Samkal keeps only when the
// member is busy (calendar/busy) and the planner keeps clear of those
// times. The address is a secret: the page shows only its server, and
// nothing of the calendar but when it was read and how many busy times it
// gave, or why it could not be read.

type ownCalendarPage struct {
	page
	Shown     string // the address's server and "…"; "" when none is given
	Fetched   string // "onsdag 28 oktober 2026 kl. 09.15"; "" when never
	OK        string // when last read well, if not the last fetch
	Periods   int
	Error     string // why the last fetch failed, in Swedish
	Done      string // what was just done
	Errors    []formError
	ErrorFor  map[string]string
	FormValue string // what was typed, shown back only when it is refused
}

// ownCalendarPath is the page's address.
const ownCalendarPath = "/mina-moten/egen-kalender"

// ownCalendarRefetch is the least time between two fetches the member asks
// for: "Hämta nu" pressed again and again does not make Samkal knock on
// another server each time.
const ownCalendarRefetch = time.Minute

// shownAddress is the server of a calendar's address and "/…": enough for
// the member to recognise it, too little to read the calendar.
func shownAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "…"
	}
	return u.Hostname() + "/…"
}

// ownCalendarPage answers GET /mina-moten/egen-kalender.
func (s *Server) ownCalendarPage(w http.ResponseWriter, r *http.Request) {
	key := principalOf(r).Person()
	if key == "" { // the admin token is no one
		seeOther(w, "/logga-in?next="+ownCalendarPath)
		return
	}
	data := ownCalendarPage{}
	switch r.URL.Query().Get("klart") {
	case "sparad":
		data.Done = "Adressen är sparad."
	case "hamtad":
		data.Done = "Kalendern är hämtad på nytt."
	case "borttagen":
		data.Done = "Adressen är borttagen, och Samkal har glömt dina upptagna tider."
	}
	s.renderOwnCalendar(w, r, http.StatusOK, key, data)
}

// renderOwnCalendar fills in the person's calendar and renders the page.
func (s *Server) renderOwnCalendar(w http.ResponseWriter, r *http.Request, status int, key string, data ownCalendarPage) {
	data.page = s.page("Upptagen i egen kalender")
	if len(data.Errors) > 0 {
		data.page = s.page(errorTitle("Upptagen i egen kalender", data.Errors))
	}
	data.ErrorFor = errorsByField(data.Errors)
	f, err := s.store.FindBusyFeed(r.Context(), key)
	switch {
	case calendar.IsNotFound(err):
	case err != nil:
		s.Error(w, r, err)
		return
	default:
		data.Shown, data.Periods, data.Error = shownAddress(f.URL), f.Periods, f.Error
		if !f.FetchedAt.IsZero() {
			data.Fetched = swedishStamp(f.FetchedAt)
		}
		if !f.OKAt.IsZero() && !f.OKAt.Equal(f.FetchedAt) {
			data.OK = swedishStamp(f.OKAt)
		}
	}
	s.renderPage(w, r, status, s.pages.ownCalendar, data)
}

// ownCalendarForm answers POST /mina-moten/egen-kalender: "atgard" is
// "spara" (with "adress": give or change the address, then fetch it),
// "hamta" (fetch again) or "ta-bort" (forget the address and the busy
// times).
func (s *Server) ownCalendarForm(w http.ResponseWriter, r *http.Request) {
	key := principalOf(r).Person()
	if key == "" {
		seeOther(w, "/logga-in?next="+ownCalendarPath)
		return
	}
	form, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	switch form.Get("atgard") {
	case "spara":
		addr, err := s.busyFetcher.CheckURL(form.Get("adress"))
		if err != nil {
			var be *busy.Error
			msg := "Adressen går inte att använda."
			if errors.As(err, &be) {
				msg = be.Message
			}
			s.renderOwnCalendar(w, r, http.StatusBadRequest, key, ownCalendarPage{
				Errors: []formError{{Field: "adress", Message: msg}}, FormValue: form.Get("adress")})
			return
		}
		f, err := s.store.SetBusyFeed(ctx, key, addr)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if err := s.fetchOwnCalendar(ctx, f); err != nil {
			s.Error(w, r, err)
			return
		}
		seeOther(w, ownCalendarPath+"?klart=sparad")
	case "hamta":
		f, err := s.store.FindBusyFeed(ctx, key)
		if calendar.IsNotFound(err) {
			seeOther(w, ownCalendarPath)
			return
		} else if err != nil {
			s.Error(w, r, err)
			return
		}
		if f.FetchedAt.IsZero() || s.now().Sub(f.FetchedAt) >= ownCalendarRefetch {
			if err := s.fetchOwnCalendar(ctx, f); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		seeOther(w, ownCalendarPath+"?klart=hamtad")
	case "ta-bort":
		if _, err := s.store.SetBusyFeed(ctx, key, ""); err != nil {
			s.Error(w, r, err)
			return
		}
		seeOther(w, ownCalendarPath+"?klart=borttagen")
	default:
		s.renderOwnCalendar(w, r, http.StatusBadRequest, key, ownCalendarPage{
			Errors: []formError{{Message: "Formuläret saknar vad som ska göras. Välj en av knapparna på sidan."}}})
	}
}

// fetchOwnCalendar fetches f's calendar now and stores what it gave; the
// fetch is bounded by the fetcher (size, time, redirects).
func (s *Server) fetchOwnCalendar(ctx context.Context, f *calendar.BusyFeed) error {
	got, err := busy.RefreshOne(ctx, s.store, s.busyFetcher, f, s.now())
	if err != nil {
		return err
	}
	if got.Error != "" {
		// Never the address: only whose calendar, and why.
		s.log.InfoContext(ctx, "own calendar not read", "person", f.Person, "why", got.Error)
	} else {
		s.log.InfoContext(ctx, "own calendar read", "person", f.Person, "busy_periods", strconv.Itoa(len(got.Periods)))
	}
	return nil
}
