package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// changesPageSize is how many changes one page of a body's change log
// shows.
const changesPageSize = 50

type changesPage struct {
	page
	Body, Slug string
	Rows       []changeRow
	Older      string // the next page's address, "" on the last
	Newest     string // the first page's address, "" on the first
}

type changeRow struct {
	When, Who, What, Link string
	Fields                string // the fields changed, in Swedish
	Clashes               string // what was saved despite a clash warning
}

// changesPage answers GET /mina-organ/{slug}/andringar: the body's record
// of changes (calendar.ChangeFilter.Bodies, as GET /api/v1/changes gives a
// secretary), newest first, changesPageSize at a time; ?fore=ID pages on.
// It says who changed what and when, and which fields, not their values:
// the values (addresses, notes) are read where they are kept. A meeting
// saved despite clash warnings shows the warnings confirmed.
func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	bodies := []string{b.Slug}
	f := calendar.ChangeFilter{Bodies: &bodies, Limit: changesPageSize + 1}
	if fore, err := strconv.ParseInt(r.URL.Query().Get("fore"), 10, 64); err == nil && fore > 0 {
		f.Before = fore
	}
	cs, err := s.store.FindChanges(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	path := "/mina-organ/" + b.Slug + "/andringar"
	data := changesPage{page: page{Title: "Ändringar – " + b.Name, Region: s.region, Home: "/"}, Body: b.Name, Slug: b.Slug}
	if f.Before > 0 {
		data.Newest = path
	}
	if len(cs) > changesPageSize {
		cs = cs[:changesPageSize]
		data.Older = path + "?fore=" + strconv.FormatInt(cs[len(cs)-1].ID, 10)
	}
	for _, c := range cs {
		data.Rows = append(data.Rows, changeRowOf(c))
	}
	s.renderPage(w, r, http.StatusOK, s.pages.changes, data)
}

// changeEntityNames are the record's entities in Swedish.
var changeEntityNames = map[string]string{
	"body": "Organet", "membership": "Medlemskap", "meeting": "Möte", "agenda_item": "Punkt på dagordningen",
	"backlog_item": "Ämne i backloggen", "justering": "Justering", "role": "Behörighet", "booking_window": "Bokningsveckor",
	"availability": "Svar om dagar man inte kan",
}

// changeActions are the record's actions in Swedish.
var changeActions = map[calendar.ChangeAction]string{
	calendar.ActionCreate: "skapades", calendar.ActionUpdate: "ändrades", calendar.ActionDelete: "togs bort",
}

// changeFieldNames are the record's fields in Swedish; a field not here
// is shown by its name.
var changeFieldNames = map[string]string{
	"title": "rubrik", "name": "namn", "start": "start", "end": "slut", "all_day": "heldag", "status": "status", "room": "lokal",
	"location": "plats", "online_url": "länk till digitalt möte", "notes": "anteckningar", "cancel_message": "meddelande vid inställningen",
	"sequence": "version", "bodies": "organ", "person": "person", "role": "roll", "from": "från", "to": "till",
	"position": "plats på dagordningen", "presenter": "föredragande", "kind": "slag", "sub_points": "delpunkter", "links": "länkar",
	"submitted_by": "föreslagen av", "decline_note": "besked till förslagsställaren", "document_url": "protokollet",
	"justerare": "justerare", "chair": "ordförande", "deadline": "sista dag", "ready_at": "klart för justering",
	"approved": "justerat av", "approved_on": "justerat den", "remind_requested_at": "påminnelse på begäran",
	"description": "beskrivning", "organisation": "huvudman", "minutes_need_approval": "protokollet justeras", "notify": "mejltider",
}

// changeWho says who made c: the person's name, or how it was made.
func changeWho(c *calendar.Change) string {
	if c.Actor.Name != "" {
		return c.Actor.Name
	}
	switch c.Actor.Via {
	case calendar.ViaScan:
		return "Samkals mejlutskick"
	case calendar.ViaAdminToken:
		return "En administratör (med administratörsnyckeln)"
	case calendar.ViaCLI:
		return "Samkal på servern"
	case calendar.ViaRetention:
		return "Samkals gallring"
	case calendar.ViaLink:
		return "Någon via en personlig länk"
	case calendar.ViaToken:
		return "Någon via API-nyckeln " + c.Actor.Token
	}
	return cmp.Or(c.Actor.Person, "Okänd")
}

func changeRowOf(c *calendar.Change) changeRow {
	what := cmp.Or(changeEntityNames[c.Entity], c.Entity)
	row := changeRow{When: tableTime(c.At), Who: changeWho(c), What: what + " " + cmp.Or(changeActions[c.Action], string(c.Action))}
	if c.Entity == "meeting" && c.Action != calendar.ActionDelete {
		row.Link = meetingPagePath(c.EntityID, "")
	}
	if fc, ok := c.Fields[calendar.ClashesConfirmedField]; ok {
		row.Clashes = fc.New
	}
	if c.Action == calendar.ActionUpdate {
		var names []string
		for k := range c.Fields {
			if k != calendar.ClashesConfirmedField {
				names = append(names, cmp.Or(changeFieldNames[k], k))
			}
		}
		slices.Sort(names)
		row.Fields = strings.Join(slices.Compact(names), ", ")
	}
	return row
}
