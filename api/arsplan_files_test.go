package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

const newMeetingYAML = `# Ett nytt möte
meetings:
  - key: chefsgrupp-folkhalsa-2026-02-10
    bodies: [chefsgrupp-folkhalsa]
    date: 2026-02-10
    start: "13:00"
    end: "15:00"
    status: proposed
`

// TestArsplanFilePages: Maria downloads chefsgrupp folkhälsa's 2025 as a
// file, imports it back (nothing changes), previews and imports a file with
// a new meeting, and gets the problems of a broken file by line in
// Swedish; a file touching a body she does not keep, or changing a room,
// is refused whole.
func TestArsplanFilePages(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		const body = "chefsgrupp-folkhalsa"
		base := "/mina-organ/" + body
		ctx := context.Background()

		wantIn(t, "links on the årsplan", e.get(base+"?ar=2025", maria), http.StatusOK,
			`href="`+base+`/exportera?ar=2025" download`, "Ladda ner årsplan 2025 (YAML)", `href="`+base+`/importera"`, "Importera en årsplan")

		r := e.get(base+"/exportera?ar=2025", maria)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Disposition") != `attachment; filename="arsplan-2025-chefsgrupp-folkhalsa.yaml"` ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/yaml") || !strings.Contains(r.text(), "meetings:") {
			t.Fatalf("export: %d %v\n%.500s", r.StatusCode, r.Header, r.body)
		}
		exported := r.body

		page := base + "/importera"
		wantIn(t, "upload page", e.get(page, maria), http.StatusOK, `enctype="multipart/form-data"`, `accept=".yaml`, "Förhandsgranska")
		wantIn(t, "the export again", e.postFile(page, "arsplan-2025.yaml", exported, maria), http.StatusOK, "Filen ändrar ingenting", "Oförändrade")

		r = e.postFile(page, "nytt.yaml", []byte(newMeetingYAML), maria)
		wantIn(t, "preview", r, http.StatusOK, "Förhandsgranska årsplan", "Ingenting är sparat än", "<th scope=\"row\">Möten</th><td data-label=\"Nya\">1</td>",
			"tisdag 10 februari 2026, v 7, 13.00–15.00", "Importera")
		if _, err := e.store.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2026-02-10"); !calendar.IsNotFound(err) {
			t.Fatalf("the preview wrote the meeting: %v", err)
		}
		wantSeeOther(t, "import", e.postForm(page+"/spara", url.Values{"innehall": {hiddenValue(t, r, "innehall")}, "filnamn": {"nytt.yaml"}}, maria),
			base+"?ar=2026&importerad=1")
		m, err := e.store.FindMeetingByKey(ctx, "chefsgrupp-folkhalsa-2026-02-10")
		must(t, err)
		if m.Status != calendar.StatusProposed || calendar.In(m.Start).Hour() != 13 {
			t.Errorf("imported %+v", m)
		}
		wantIn(t, "after", e.get(base+"?ar=2026&importerad=1", maria), http.StatusOK, "Årsplanen är importerad.")

		// A broken file: every problem by line, in Swedish.
		broken := strings.Replace(newMeetingYAML, "date: 2026-02-10", "date: 2026-13-10", 1) + "  - key: x\n    bodies: [chefsgrupp-folkhalsa]\n    dat: 2026-03-01\n"
		r = e.postFile(page, "trasig.yaml", []byte(broken), maria)
		wantIn(t, "broken", r, http.StatusUnprocessableEntity, `class="error-summary"`, `href="#fil"`, "Filen trasig.yaml kan inte importeras",
			"Rad 5: ”2026-13-10” är inget datum. Skriv date som ÅÅÅÅ-MM-DD", "Rad 9: date saknas.", "Rad 11: okänd nyckel ”dat”. Menade du ”date”?")
		unknown := strings.ReplaceAll(newMeetingYAML, "bodies: [chefsgrupp-folkhalsa]", "bodies: [chefsgrupp-folkhalsa, okant-organ]")
		wantIn(t, "unknown body", e.postFile(page, "x.yaml", []byte(unknown), maria), http.StatusUnprocessableEntity,
			"organet ”okant-organ” finns varken i Samkal eller i filen.")
		wantIn(t, "bad yaml", e.postFile(page, "x.yaml", []byte("meetings:\n  - key: [\n"), maria), http.StatusUnprocessableEntity, "filen är inte giltig YAML")

		// Only her bodies, and no rooms.
		other := strings.ReplaceAll(newMeetingYAML, "chefsgrupp-folkhalsa", "skolchefsgruppen")
		wantIn(t, "another body", e.postFile(page, "x.yaml", []byte(other), maria), http.StatusUnprocessableEntity,
			"Rad 3: du är inte sekreterare för organet skolchefsgruppen")
		room := "rooms:\n  - slug: lokal-eken\n    name: Lokal Eken (ny)\n    address: Eklundavägen 1, Örebro\n"
		wantIn(t, "a room", e.postFile(page, "x.yaml", []byte(room), maria), http.StatusUnprocessableEntity, "Filen lägger till eller ändrar lokaler (1 st.)")
		r = e.postForm(page+"/spara", url.Values{"innehall": {other}}, maria)
		wantIn(t, "confirm checks again", r, http.StatusUnprocessableEntity, "du är inte sekreterare för organet skolchefsgruppen")
		if _, err := e.store.FindMeetingByKey(ctx, "skolchefsgruppen-2026-02-10"); !calendar.IsNotFound(err) {
			t.Fatalf("a refused import wrote: %v", err)
		}
	})
}
