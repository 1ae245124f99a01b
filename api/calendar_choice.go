package api

import (
	"context"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Two ways into a member's own calendar (issue 11, items 4 and 6).
//
//   - GET /mina-moten/kalenderval asks a signed-in person how they want
//     their meetings in their calendar (calendar.CalendarDelivery):
//     invitations in the kallelse emails, the subscribed feed, or both.
//     POST saves it and answers 303 to /mina-moten, which says so. The
//     email scan (notify) leaves the invitation out of the kallelse, its
//     updates and the cancellation of whoever chose the feed; the kallelse
//     itself still comes, with the agenda. The personal feed is the same
//     whatever the choice: who subscribes gets their meetings, and a feed
//     that emptied itself on "invitations only" would surprise a member
//     who subscribed on the phone long ago.
//   - GET /kalenderlank asks for an email address ("Skicka min
//     kalenderlänk"; the start page has the same form). POST answers 303
//     to /kalenderlank?skickad=1, the same page for any address that looks
//     like one, known or not, and as soon: the address is looked up after
//     the answer (afterAnswer). A known person's email with their personal
//     feed address is then put in the outbox (Options.CalendarLinkMail composes
//     it, Options.MailQueued wakes the delivery), at most once in
//     calendar.CalendarLinkMailEvery per person (the store claims it in
//     the person's row, for every replica). Anonymous posts count against
//     the limit of anonymous writes per client address (ratelimit.go).

// deliveryChoice is one radio button of the choice page.
type deliveryChoice struct {
	Value, ID, Label, Hint string
	Checked                bool
}

type calendarChoicePage struct {
	page
	Choices  []deliveryChoice
	Errors   []formError
	ErrorFor map[string]string
}

// deliveryTexts say what each choice means in plain Swedish (Means, under
// its radio button and on Mina möten) and in a word or two (Short, in the
// secretary's table of members). "" reads as invitations.
var deliveryTexts = map[calendar.CalendarDelivery]struct{ Means, Short string }{
	calendar.DeliveryInvitations: {
		"Kallelsen till varje möte har en kalenderinbjudan som du lägger in i din kalender. Flyttas eller ställs mötet in kommer en ny inbjudan som ändrar det. Välj det här om du inte prenumererar på din kalender.",
		"Inbjudan"},
	calendar.DeliveryFeed: {
		"Du prenumererar på din kalender, så mötena kommer in av sig själva. Kallelsen kommer ändå i e-posten, med dagordningen, men utan kalenderinbjudan – så att mötet inte hamnar två gånger i din kalender.",
		"Prenumeration (ingen inbjudan)"},
	calendar.DeliveryBoth: {
		"Kallelsen har en kalenderinbjudan, och du prenumererar också på din kalender, till exempel inbjudningar i jobbets Outlook och prenumeration i telefonen. Lägger du båda i samma kalender ser du mötet två gånger.",
		"Inbjudan och prenumeration"},
}

// deliveryMeans says in plain Swedish what a choice means for the person.
func deliveryMeans(d calendar.CalendarDelivery) string {
	return deliveryTexts[deliveryOrDefault(d)].Means
}

// deliveryShort is a choice in a word or two.
func deliveryShort(d calendar.CalendarDelivery) string {
	return deliveryTexts[deliveryOrDefault(d)].Short
}

func deliveryOrDefault(d calendar.CalendarDelivery) calendar.CalendarDelivery {
	if d.Valid() {
		return d
	}
	return calendar.DeliveryInvitations
}

// calendarChoicePage answers GET /mina-moten/kalenderval.
func (s *Server) calendarChoicePage(w http.ResponseWriter, r *http.Request) {
	key := principalOf(r).Person()
	if key == "" { // the admin token is no one
		seeOther(w, "/logga-in?next=/mina-moten/kalenderval")
		return
	}
	p, err := s.store.FindPersonByKey(r.Context(), key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderCalendarChoice(w, r, http.StatusOK, deliveryOrDefault(p.Delivery), nil)
}

func (s *Server) renderCalendarChoice(w http.ResponseWriter, r *http.Request, status int, chosen calendar.CalendarDelivery, errs []formError) {
	title := "Inbjudningar eller prenumeration"
	if len(errs) > 0 {
		title = "Fel: " + title
	}
	data := calendarChoicePage{page: s.page(title), Errors: errs, ErrorFor: errorFor(errs)}
	for i, d := range calendar.Deliveries {
		id := "kalenderval"
		if i > 0 {
			id += "-" + string(d)
		}
		data.Choices = append(data.Choices, deliveryChoice{Value: string(d), ID: id, Label: d.SwedishName(), Hint: deliveryMeans(d),
			Checked: d == chosen})
	}
	s.renderPage(w, r, status, s.pages.calendarChoice, data)
}

// saveCalendarChoice answers POST /mina-moten/kalenderval: 303 to
// /mina-moten?klart=kalenderval, or the page again (422) without a choice.
func (s *Server) saveCalendarChoice(w http.ResponseWriter, r *http.Request) {
	key := principalOf(r).Person()
	if key == "" {
		seeOther(w, "/logga-in?next=/mina-moten/kalenderval")
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	d := calendar.CalendarDelivery(values.Get("kalenderval"))
	if !d.Valid() {
		s.renderCalendarChoice(w, r, http.StatusUnprocessableEntity, "",
			[]formError{{"kalenderval", "Välj hur du vill få dina möten i din kalender."}})
		return
	}
	if _, err := s.store.UpdatePerson(r.Context(), key, calendar.PersonUpdate{Delivery: &d}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	seeOther(w, "/mina-moten?klart=kalenderval")
}

type calendarLinkPage struct {
	page
	Mail     bool // whether Samkal can send the mail (Options.CalendarLinkMail)
	Sent     bool
	Email    string // as typed, on an error
	Errors   []formError
	ErrorFor map[string]string
}

// calendarLinkPage answers GET /kalenderlank, and with ?skickad=1 what
// every sent form leads to.
func (s *Server) calendarLinkPage(w http.ResponseWriter, r *http.Request) {
	s.renderCalendarLink(w, r, http.StatusOK, "", nil, r.URL.Query().Get("skickad") == "1")
}

func (s *Server) renderCalendarLink(w http.ResponseWriter, r *http.Request, status int, email string, errs []formError, sent bool) {
	title := "Skicka min kalenderlänk"
	if len(errs) > 0 {
		title = "Fel: " + title
	} else if sent {
		title = "Kolla din e-post"
	}
	data := calendarLinkPage{page: s.page(title), Mail: s.calendarLinkMail != nil, Sent: sent, Email: email, Errors: errs,
		ErrorFor: errorFor(errs)}
	s.renderPage(w, r, status, s.pages.calendarLink, data)
}

// requestCalendarLink answers POST /kalenderlank: an address that is not
// one gets the form again with the error (422); any other is answered 303
// to the same page, and a known person's mail is queued. What went wrong
// for a known person (mailed a moment ago, an address that cannot be
// mailed) is logged, never shown.
func (s *Server) requestCalendarLink(w http.ResponseWriter, r *http.Request) {
	if s.calendarLinkMail == nil {
		s.renderCalendarLink(w, r, http.StatusOK, "", nil, false)
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(values.Get("epost"))
	if msg := emailProblem(email); msg != "" {
		s.renderCalendarLink(w, r, http.StatusUnprocessableEntity, email, []formError{{"epost", msg}}, false)
		return
	}
	// Whether the address is known is found out after the answer, which
	// is thus the same, and as quick, for every address.
	s.afterAnswer(r.Context(), "calendar link", func(ctx context.Context) {
		p, err := s.store.FindPersonByEmail(ctx, email)
		switch {
		case calendar.IsNotFound(err):
		case err != nil:
			s.log.ErrorContext(ctx, "calendar link: the address not looked up", "err", err)
		default:
			s.mailCalendarLink(ctx, p)
		}
	})
	seeOther(w, "/kalenderlank?skickad=1")
}

// afterAnswers are the runs of afterAnswer: at most cap(slots) at once.
type afterAnswers struct {
	slots   chan struct{}
	running *sync.WaitGroup
}

// maxAfterAnswers is how many runs of afterAnswer may be under way at
// once; the limit of anonymous writes keeps far below it, unless many
// addresses post at once, and then a request more is dropped (and
// logged), never queued without end.
const maxAfterAnswers = 16

// afterAnswerTimeout bounds one run of afterAnswer.
const afterAnswerTimeout = 30 * time.Second

func newAfterAnswers() afterAnswers {
	return afterAnswers{slots: make(chan struct{}, maxAfterAnswers), running: &sync.WaitGroup{}}
}

// afterAnswer runs f on its own, so that the handler answers without
// waiting for it: the answer cannot tell by its content or its time what
// f found. f gets ctx's values (the request's ID for the log) but not its
// end. A panic in f is logged. Server.Wait waits for every run.
func (s *Server) afterAnswer(ctx context.Context, what string, f func(context.Context)) {
	select {
	case s.after.slots <- struct{}{}:
	default:
		s.log.WarnContext(ctx, what+" dropped: too many requests at once", "limit", maxAfterAnswers)
		return
	}
	s.after.running.Add(1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(ctx, what+" failed", "panic", v)
			}
			<-s.after.slots
			s.after.running.Done()
		}()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterAnswerTimeout)
		defer cancel()
		f(ctx)
	}()
}

// Wait waits until the work that answers left to do after them ("Skicka
// min kalenderlänk" looks up the address and queues the mail after it has
// answered) is done. serve calls it once the HTTP server has stopped,
// before the database closes.
func (s *Server) Wait() { s.after.running.Wait() }

// emailProblem is what is wrong with an email address typed into a form,
// in Swedish; "" when it looks like one.
func emailProblem(email string) string {
	a, err := mail.ParseAddress(email)
	switch {
	case email == "":
		return "Skriv din e-postadress, till exempel namn@kommun.se."
	case err != nil || a.Address != email || len(email) > 254 || calendar.LineText.Check(email, true) != nil:
		return "Skriv e-postadressen i rätt format, till exempel namn@kommun.se."
	}
	return ""
}

// mailCalendarLink queues p's calendar link email, unless it was queued a
// moment ago; what fails is logged with the person's key, never the
// address of the feed.
func (s *Server) mailCalendarLink(ctx context.Context, p *calendar.Person) {
	err := s.store.ClaimCalendarLinkMail(ctx, p.Key)
	if calendar.ErrorCode(err) == calendar.ECONFLICT {
		s.log.InfoContext(ctx, "calendar link not sent: it was sent a moment ago", "person", p.Key, "every", calendar.CalendarLinkMailEvery)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "calendar link not claimed", "person", p.Key, "err", err)
		return
	}
	now := s.now()
	msg, err := s.calendarLinkMail(p, s.baseURL+"/feeds/people/"+p.FeedToken+".ics", s.baseURL+"/mina-moten", now)
	s.enqueueAsked(ctx, "calendar link", p, msg, err)
}

// enqueueAsked puts msg, an email someone asked for right now (a sign-in
// link, a calendar link), in the outbox and wakes the delivery. err is
// composing msg's: it and what else fails is logged, never shown, so that
// the page answers the same.
func (s *Server) enqueueAsked(ctx context.Context, what string, p *calendar.Person, msg *calendar.OutboxMessage, err error) {
	if err != nil {
		s.log.ErrorContext(ctx, what+" email not written", "person", p.Key, "err", calendar.ErrorMessage(err))
		return
	}
	if _, err := s.store.EnqueueMessage(ctx, msg); err != nil {
		s.log.ErrorContext(ctx, what+" email not queued", "person", p.Key, "err", calendar.ErrorMessage(err))
		return
	}
	if s.mailQueued != nil {
		s.mailQueued()
	}
}
