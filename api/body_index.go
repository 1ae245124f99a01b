package api

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

// The public bodies, found. A region has some sixty; an installation for
// several regions has a thousand and more (issue 12), and one long list on
// the start page helps nobody: above bodyListMax the start page lists the
// organisations instead, and /organ shows one organisation's bodies or
// finds bodies by name.

// bodyListMax is how many public bodies are listed one by one.
const bodyListMax = 60

// bodySearchMax is how many hits a search shows.
const bodySearchMax = 50

// bodyIndex is the bodies part of the start page and of /organ.
type bodyIndex struct {
	Bodies []bodyItem // listed one by one: all, one organisation's, or a search's hits
	Orgs   []orgItem  // instead of Bodies when there are too many
	Total  int        // public bodies in all
	Query  string     // what was searched for (?sok=)
	Org    string     // the organisation's name (?organisation=)
	// OrgFeed is the organisation's feed: its bodies' meetings and the
	// events for its people, in one subscription.
	OrgFeed feedLinks
	Hits    int // bodies found, shown or not
}

// orgItem is an organisation with public bodies, and how many.
type orgItem struct {
	Name, Path string
	Count      int
}

type bodyIndexPage struct {
	page
	Index    bodyIndex
	Searched bool
	Error    string // a search that cannot be run, in Swedish
}

// publicBodies builds the index: one organisation's bodies (org), a
// search (query), or everything – one by one up to bodyListMax, else by
// organisation.
func (s *Server) publicBodies(ctx context.Context, org, query string) (bodyIndex, error) {
	n, err := s.names(ctx)
	if err != nil {
		return bodyIndex{}, err
	}
	bodies := n.public
	ix := bodyIndex{Total: len(bodies), Query: query}
	var shown []*calendar.Body
	switch {
	case query != "":
		lower, folded := strings.ToLower(query), calendar.Slugify(query)
		for _, b := range bodies {
			if strings.Contains(strings.ToLower(b.Name), lower) || (folded != "" && strings.Contains(calendar.Slugify(b.Name), folded)) {
				shown = append(shown, b)
			}
		}
		ix.Hits = len(shown)
		shown = shown[:min(len(shown), bodySearchMax)]
	case org != "":
		for _, b := range bodies {
			if b.Organisation == org {
				shown = append(shown, b)
			}
		}
		ix.Hits = len(shown)
		ix.Org = n.orgs[org]
		if ix.Org != "" {
			ix.OrgFeed = s.feedLinks("/feeds/organisations/" + org + ".ics")
		}
	case len(bodies) <= bodyListMax:
		shown = bodies
	default:
		count := map[string]int{}
		for _, b := range bodies {
			count[b.Organisation]++
		}
		for slug, c := range count {
			if name, ok := n.orgs[slug]; ok {
				ix.Orgs = append(ix.Orgs, orgItem{Name: name, Path: "/organ?organisation=" + slug, Count: c})
			}
		}
		slices.SortFunc(ix.Orgs, func(a, b orgItem) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Path, b.Path)) })
	}
	for _, b := range shown {
		ix.Bodies = append(ix.Bodies, bodyItem{Name: b.Name, Path: "/organ/" + b.Slug, Kind: swedishBodyKind(b.Kind),
			Description: b.Description, Feed: s.feedLinks("/feeds/bodies/" + b.Slug + ".ics")})
	}
	return ix, nil
}

// bodyIndexPage answers /organ: the search form, and the bodies of
// ?organisation= or those whose name holds ?sok=, or the organisations.
// Like every page it ignores other query parameters.
func (s *Server) bodyIndexPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("sok"))
	org := strings.TrimSpace(q.Get("organisation"))
	data := bodyIndexPage{page: page{Title: "Hitta ett organ", Region: s.region}, Searched: query != "" || org != ""}
	switch {
	case utf8.RuneCountInString(query) > 100:
		data.Error, query = "Sökningen får vara högst 100 tecken.", ""
	case calendar.LineText.Check(query, false) != nil:
		data.Error, query = "Sökningen innehåller tecken som inte kan finnas i ett namn.", ""
	}
	ix, err := s.publicBodies(r.Context(), org, query)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.Index = ix
	if data.Error != "" {
		data.Title = "Fel: " + data.Title
	}
	s.renderPage(w, r, http.StatusOK, s.pages.bodyIndex, data)
}
