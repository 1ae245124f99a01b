package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
)

// The secretary's hand on a meeting's call for agenda items and its
// kallelse, on the page /mina-organ/moten/{id}/utskick:
//
//   - …/utskick/inbjudan and …/utskick/kallelse show the letter as its
//     recipients will read it, written by notify's own composer
//     (Options.PreviewLetter) without side effects: no personal link is
//     made and nothing is queued;
//   - POST …/utskick/{brev} with atgard=hall|slapp|skicka holds the
//     letter back, releases it to its timing, or sends it now, even
//     before its day (calendar.MailControl, read by notify's scan);
//   - POST …/utskick/kallelse/meddelande saves the secretary's message at
//     the top of the kallelse.
//
// A body may make its letters wait for "Skicka" (calendar.MailRelease,
// on its settings page); the page and /mina-organ then say so.

// LetterPreview is a letter as its recipients will read it: the subject
// and text written for Sample, and everyone it goes to. Skip says why it
// would not be sent to a recipient ("" when it would).
type LetterPreview struct {
	Subject, Text string
	Sample        LetterRecipient
	Recipients    []LetterRecipient
}

// LetterRecipient is one recipient of a letter.
type LetterRecipient struct{ Name, Email, Skip string }

// letterSlugs are the letters by the last part of their address.
var letterSlugs = map[string]calendar.MailLetter{"inbjudan": calendar.MailCall, "kallelse": calendar.MailNotice}

// letterNames are the letters as the pages name them.
var letterNames = map[calendar.MailLetter]string{
	calendar.MailCall:   "Inbjudan att anmäla punkter",
	calendar.MailNotice: "Kallelse med dagordning",
}

// letterKinds are the outbox kinds of the letters (notify.KindCall,
// notify.KindNotice).
var letterKinds = map[calendar.MailLetter]string{calendar.MailCall: "anmalan", calendar.MailNotice: "kallelse"}

func letterSlug(l calendar.MailLetter) string {
	if l == calendar.MailCall {
		return "inbjudan"
	}
	return "kallelse"
}

// mailingsDone are the confirmations the POSTs lead to (?klart=…).
var mailingsDone = map[string]string{
	"hallen":          "Brevet hålls inne. Det skickas inte förrän du släpper det eller trycker Skicka nu.",
	"slappt":          "Brevet är släppt och skickas på sin dag.",
	"slappt-manuellt": "Brevet är släppt. Organets brev väntar ändå på att du trycker Skicka.",
	"skickat":         "Brevet skickas nu. Det läggs i utkorgen inom några minuter och går sedan ut.",
	"i-kon":           "Brevet ligger i utkorgen och går ut inom några minuter.",
	"meddelande":      "Meddelandet är sparat och står överst i kallelsen.",
	"meddelande-sent": "Meddelandet är sparat. Kallelsen har redan skickats och skickas inte om: meddelandet kommer bara med i kallelser som går ut senare, till exempel en ändrad kallelse.",
	"utan-meddelande": "Meddelandet är borttaget.",
}

// mailControls reads the secretary's choices for meeting id, by letter; a
// letter without a choice is released without a message.
func (s *Server) mailControls(ctx context.Context, id int64) (map[calendar.MailLetter]*calendar.MailControl, error) {
	cs, err := s.store.FindMailControls(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[calendar.MailLetter]*calendar.MailControl{}
	for _, l := range calendar.MailLetters {
		out[l] = &calendar.MailControl{MeetingID: id, Letter: l, State: calendar.MailReleased}
	}
	for _, c := range cs {
		out[c.Letter] = c
	}
	return out, nil
}

// waitingFor says why a letter that is not sent yet waits, or goes early;
// "" when it goes by its timing.
func waitingFor(c *calendar.MailControl, manual bool) string {
	switch {
	case c != nil && c.State == calendar.MailHeld:
		return "Hålls inne. Skickas inte förrän du släpper det."
	case c != nil && c.State == calendar.MailNow:
		return "Skickas nu, inom några minuter"
	case manual:
		return "Väntar på att du trycker Skicka"
	}
	return ""
}

// letterRow is one letter on the Utskick page: where it stands and what
// the secretary may do with it.
type letterRow struct {
	Kind, Slug, State string
	Preview, Action   string
	// The buttons to show; none when the caller may not change the
	// meeting or the letter has gone.
	Hold, Release, SendNow, Send bool
	Told                         bool // some of it is queued or sent
	Late                         bool // its time has passed: it is not sent
}

// letterRows are the call and the kallelse of m that its bodies send (a
// letter turned off has none).
func (s *Server) letterRows(m *calendar.Meeting, n *names, msgs []*calendar.OutboxMessage,
	controls map[calendar.MailLetter]*calendar.MailControl, canChange bool) []letterRow {
	bodies := meetingBodies(m, n)
	plan := s.mailTiming.ForMeeting(m.Start, bodies)
	manual := slices.ContainsFunc(bodies, func(b *calendar.Body) bool { return b.MailRelease.Manual() })
	var out []letterRow
	for _, l := range calendar.MailLetters {
		at := plan.CallAt
		if l == calendar.MailNotice {
			at = plan.NoticeAt
		}
		if at.IsZero() {
			continue
		}
		row := letterRow{Kind: letterNames[l], Slug: letterSlug(l),
			Preview: meetingPagePath(m.ID, "/utskick/"+letterSlug(l)), Action: meetingPagePath(m.ID, "/utskick/"+letterSlug(l))}
		row.Told = slices.ContainsFunc(msgs, func(x *calendar.OutboxMessage) bool {
			return x.Kind == letterKinds[l] && x.Status != calendar.OutboxSkipped
		})
		c := controls[l]
		late := ""
		switch {
		case !s.now().Before(m.Start):
			late = "Mötet har redan börjat, så brevet skickas inte."
		case l == calendar.MailCall && !s.now().Before(plan.CallCloses):
			late = "Sista dagen för att anmäla punkter har passerat, så inbjudan skickas inte."
		}
		switch {
		case row.Told:
			row.State = "Har gått ut eller ligger i utkorgen, se nedan. Den som blir medlem senare får det automatiskt."
		case late != "":
			row.State = late
		case waitingFor(c, manual) != "":
			row.State = waitingFor(c, manual)
		case s.now().Before(at):
			row.State = "Skickas automatiskt " + tableTime(at)
		default:
			row.State = "Skickas inom kort"
		}
		row.Late = late != ""
		if canChange && !row.Told && !row.Late {
			switch {
			case c.State == calendar.MailHeld:
				row.Release, row.SendNow = true, true
			case c.State == calendar.MailNow:
			case manual:
				row.Send = true
			default:
				row.Hold, row.SendNow = true, true
			}
		}
		out = append(out, row)
	}
	return out
}

// meetingBodies are m's bodies, those that exist.
func meetingBodies(m *calendar.Meeting, n *names) []*calendar.Body {
	var out []*calendar.Body
	for _, slug := range m.Bodies {
		if b := n.bodies[slug]; b != nil {
			out = append(out, b)
		}
	}
	return out
}

type letterPage struct {
	page
	Meeting, When, Back string
	Kind                string
	Preview             *LetterPreview
	NoAddress           int
	Note                string // why there is no letter to show
	Row                 *letterRow
}

// letterPage answers GET /mina-organ/moten/{id}/utskick/{brev}: the
// letter as its recipients will read it, for one of them, and the list of
// them all.
func (s *Server) letterPage(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, false)
	if !ok {
		return
	}
	l := letterSlugs[mux.Vars(r)["brev"]]
	ctx := r.Context()
	data := letterPage{page: page{Title: letterNames[l] + ": " + secretaryMeetingTitle(m, n), Region: s.region, Home: "/"},
		Meeting: secretaryMeetingName(m, n), When: swedishWhen(m), Back: meetingPagePath(m.ID, "/utskick"), Kind: letterNames[l]}
	_, note := s.plannedMail(m, n, nil, nil, nil)
	switch {
	case note != "":
		data.Note = note
	case s.previewLetter == nil:
		data.Note = "Den här servern skickar inga mejl, så det finns inget brev att visa."
	default:
		p, err := s.previewLetter(ctx, m.ID, l, s.now())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if p == nil {
			data.Note = "Mötet får inget sådant brev: det är avstängt för organet, eller ingen ska ha det."
			break
		}
		data.Preview = p
		for _, x := range p.Recipients {
			if x.Email == "" {
				data.NoAddress++
			}
		}
		id := m.ID
		msgs, err := s.store.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &id, Limit: outboxLimit})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		controls, err := s.mailControls(ctx, m.ID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for _, row := range s.letterRows(m, n, msgs, controls, principalOf(r).Change(m.Bodies...)) {
			if row.Slug == letterSlug(l) {
				data.Row = &row
			}
		}
	}
	s.renderPage(w, r, http.StatusOK, s.pages.letter, data)
}

// letterControlForm answers POST /mina-organ/moten/{id}/utskick/{brev}:
// atgard=hall holds the letter, slapp releases it, skicka sends it now
// (303 to the Utskick page, which confirms). A meeting that gets no
// letters (a proposal, a cancelled meeting, an event) is the page with
// why (409).
func (s *Server) letterControlForm(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, true)
	if !ok {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	l := letterSlugs[mux.Vars(r)["brev"]]
	state, done := calendar.MailState(""), ""
	switch values.Get("atgard") {
	case "hall":
		state, done = calendar.MailHeld, "hallen"
	case "slapp":
		state, done = calendar.MailReleased, "slappt"
		if slices.ContainsFunc(meetingBodies(m, n), func(b *calendar.Body) bool { return b.MailRelease.Manual() }) {
			done = "slappt-manuellt"
		}
	case "skicka":
		state, done = calendar.MailNow, "skickat"
	default:
		s.renderMailings(w, r, http.StatusUnprocessableEntity, m, n,
			mailingsPage{Errors: []formError{{"", "Välj om brevet ska hållas inne, släppas eller skickas nu."}}}, nil)
		return
	}
	if _, note := s.plannedMail(m, n, nil, nil, nil); note != "" {
		s.renderMailings(w, r, http.StatusConflict, m, n, mailingsPage{Errors: []formError{{"", note}}}, nil)
		return
	}
	ctx := r.Context()
	controls, err := s.mailControls(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := controls[l]
	c.State = state
	if err := s.store.SetMailControl(ctx, c); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	if state == calendar.MailNow && s.queueMail != nil {
		// Queue it at once, so that the page shows it in the outbox, and
		// ask for a pass that delivers it without waiting for the schedule
		// (MailQueued only wakes the delivery of urgent mail).
		if err := s.queueMail(context.WithoutCancel(ctx)); err != nil {
			s.log.ErrorContext(ctx, "queueing mail sent now", "meeting", m.ID, "letter", l, "err", err)
		} else {
			done = "i-kon"
		}
		s.requestMail()
	}
	seeOther(w, meetingPagePath(m.ID, "/utskick?klart="+done))
}

// letterMessageForm answers POST /mina-organ/moten/{id}/utskick/kallelse/meddelande:
// the secretary's message is saved (303 to the page, which says whether
// the kallelse went already), or the page is shown again with the error
// (422). An empty message removes it.
func (s *Server) letterMessageForm(w http.ResponseWriter, r *http.Request) {
	m, n, ok := s.secretaryMeeting(w, r, true)
	if !ok {
		return
	}
	values, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	typed := values.Get("meddelande")
	text := strings.TrimSpace(calendar.NormalizeNewlines(typed))
	if p := calendar.MailMessageText.Check(text, false); p != nil {
		s.renderMailings(w, r, http.StatusUnprocessableEntity, m, n,
			mailingsPage{Errors: []formError{{"meddelande", swedishText("Meddelandet", "meddelandet", p)}}}, &typed)
		return
	}
	ctx := r.Context()
	controls, err := s.mailControls(ctx, m.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := controls[calendar.MailNotice]
	c.Message = text
	if err := s.store.SetMailControl(ctx, c); err != nil {
		s.Error(w, r, err)
		return
	}
	s.wrote()
	done := "meddelande"
	id := m.ID
	msgs, err := s.store.FindMessages(ctx, calendar.OutboxFilter{MeetingID: &id, Limit: outboxLimit})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	switch {
	case text == "":
		done = "utan-meddelande"
	case slices.ContainsFunc(msgs, func(x *calendar.OutboxMessage) bool {
		return x.Kind == letterKinds[calendar.MailNotice] && x.Status != calendar.OutboxQueued && x.Status != calendar.OutboxSkipped
	}):
		done = "meddelande-sent"
	}
	seeOther(w, meetingPagePath(m.ID, "/utskick?klart="+done))
}

// mailSoon is how far ahead "Mina organ" tells of a letter that goes out
// by itself, so that the secretary can read it first.
const mailSoon = 7 * 24 * time.Hour

// lettersWaiting lists, for /mina-organ, the letters of coming meetings
// that wait for the secretary (held, or of a body whose letters wait for
// "Skicka"), and those that go out by themselves within mailSoon. It
// reads the choices of all of ms at once.

func (s *Server) lettersWaiting(ctx context.Context, ms []*calendar.Meeting, n *names, now time.Time) (map[int64][]todoItem, error) {
	var ids []int64
	for _, m := range ms {
		if m.Kind == calendar.KindMeeting && m.Status == calendar.StatusConfirmed && now.Before(m.Start) {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := s.store.FindMailControls(ctx, ids...)
	if err != nil {
		return nil, err
	}
	control := map[int64]map[calendar.MailLetter]*calendar.MailControl{}
	for _, c := range cs {
		if control[c.MeetingID] == nil {
			control[c.MeetingID] = map[calendar.MailLetter]*calendar.MailControl{}
		}
		control[c.MeetingID][c.Letter] = c
	}
	out := map[int64][]todoItem{}
	for _, m := range ms {
		if !slices.Contains(ids, m.ID) {
			continue
		}
		bodies := meetingBodies(m, n)
		manual := slices.ContainsFunc(bodies, func(b *calendar.Body) bool { return b.MailRelease.Manual() })
		plan := s.mailTiming.ForMeeting(m.Start, bodies)
		for _, l := range calendar.MailLetters {
			at := plan.CallAt
			if l == calendar.MailNotice {
				at = plan.NoticeAt
			}
			c := control[m.ID][l]
			if at.IsZero() || l == calendar.MailCall && !now.Before(plan.CallCloses) {
				continue
			}
			soon := now.Before(at) // its day is still to come
			sentNow := c != nil && c.State == calendar.MailNow
			if soon && (at.After(now.Add(mailSoon)) || sentNow) {
				continue
			}
			held := c != nil && c.State == calendar.MailHeld
			waits := held || manual && !sentNow
			var what string
			switch {
			case !waits && !soon: // gone, or going with this scan
				continue
			case !waits:
				what = "går ut " + swedishStamp(at) + ". Läs den innan"
			case held:
				what = "hålls inne"
			default:
				what = "väntar på att du trycker Skicka"
			}
			out[m.ID] = append(out[m.ID], todoItem{Path: meetingPagePath(m.ID, "/utskick"), Action: "Utskick",
				Text: fmt.Sprintf("%s till mötet %s %s.", letterNames[l], swedishDate(m.Start), what)})
		}
	}
	return out, nil
}
