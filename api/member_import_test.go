package api_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// postFile posts a file in the upload form's field "fil", as the browser
// sends it.
func (e *env) postFile(path, name string, data []byte, cookie string) *resp {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("fil", name)
	must(e.t, err)
	_, err = fw.Write(data)
	must(e.t, err)
	must(e.t, mw.Close())
	return e.postRaw(path, mw.FormDataContentType(), b.Bytes(), cookie)
}

// hiddenValue returns the value of the hidden input name on the page, as
// the browser would send it back.
func hiddenValue(t *testing.T, r *resp, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(r.text())
	if m == nil {
		t.Fatalf("no hidden input %q on the page:\n%.1500s", name, r.body)
	}
	return html.UnescapeString(m[1])
}

// TestMemberImportCSV: Maria uploads a CSV saved by Excel (BOM,
// semicolons) with a new person, a role change, an unchanged row and two
// rows with problems. The preview says what happens per row and writes
// nothing; "Importera" without choosing to skip writes nothing either;
// with the choice, the good rows are written in one go.
func TestMemberImportCSV(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		const body = "arbetsgrupp-uppfoljningsdag"
		page := "/mina-organ/" + body + "/medlemmar/importera"
		ctx := context.Background()

		wantIn(t, "link from members", e.get("/mina-organ/"+body+"/medlemmar", maria), http.StatusOK, `href="`+page+`"`)
		wantIn(t, "upload page", e.get(page, maria), http.StatusOK, `enctype="multipart/form-data"`, `type="file"`, "ordförande, vice ordförande", "Förhandsgranska")

		file := "\ufeffNamn;E-post;Organisation;Roll;Från\r\n" +
			"Lena Ek;lena.ek@kumla.se;Kumla kommun;ledamot;2026-01-01\r\n" +
			"Anna Berg;ANNA.BERG@kumla.se;kumla;Ordförande;\r\n" +
			"Maria Lindborg;maria.lindborg@regionorebrolan.se;;sekreterare;\r\n" +
			";per@kumla.se;;ledamot;\r\n" +
			"Per Ek;per@;Ingenstans;ordf;1 jan\r\n"
		r := e.postFile(page, "medlemmar.csv", []byte(file), maria)
		wantIn(t, "preview", r, http.StatusOK, "Förhandsgranska import", "medlemmar.csv", "Ingenting är sparat än",
			"Ny person", "Nytt medlemskap", "Finns: Anna Berg", "Byter roll från ledamot", "Finns: Maria Lindborg", "Oförändrad",
			"Namn saknas.", "&#34;per@&#34; är ingen e-postadress", "Rollen &#34;ordf&#34; finns inte. Skriv en av: ordförande, vice ordförande, sekreterare, ledamot, ersättare, tjänsteperson, gäst eller kontaktperson.",
			"Organisationen &#34;Ingenstans&#34; finns inte", "inte &#34;1 jan&#34;", "2 rader har fel", `name="hoppa-over"`, "Importera")
		if _, err := e.store.FindPersonByKey(ctx, "lena-ek"); !calendar.IsNotFound(err) {
			t.Fatalf("the preview wrote Lena: %v", err)
		}
		content := hiddenValue(t, r, "innehall")
		confirm := page + "/spara"

		// Not chosen to skip: refused, nothing written.
		r = e.postForm(confirm, url.Values{"innehall": {content}, "filnamn": {"medlemmar.csv"}}, maria)
		wantIn(t, "refused", r, http.StatusUnprocessableEntity, `class="error-summary"`, `href="#hoppa-over"`, "välj att hoppa över raderna med fel")
		if _, err := e.store.FindPersonByKey(ctx, "lena-ek"); !calendar.IsNotFound(err) {
			t.Fatalf("a refused import wrote Lena: %v", err)
		}

		// Chosen: the good rows are written.
		wantSeeOther(t, "import", e.postForm(confirm, url.Values{"innehall": {content}, "filnamn": {"medlemmar.csv"}, "hoppa-over": {"ja"}}, maria),
			"/mina-organ/"+body+"/medlemmar?importerade=2")
		lena, err := e.store.FindPersonByKey(ctx, "lena-ek")
		must(t, err)
		if lena.Email != "lena.ek@kumla.se" || lena.Organisation != "kumla" {
			t.Errorf("Lena stored as %+v", lena)
		}
		if ms := membershipsOf(t, e, body, "lena-ek"); len(ms) != 1 || ms[0].Role != calendar.RoleMember || ms[0].From.String() != "2026-01-01" {
			t.Errorf("Lena's memberships %+v", ms)
		}
		if ms := membershipsOf(t, e, body, "anna-berg"); len(ms) != 1 || ms[0].Role != calendar.RoleChair || ms[0].From.String() != "2024-01-01" {
			t.Errorf("Anna's memberships %+v, want one as ordförande from 2024-01-01", ms)
		}
		if ms := membershipsOf(t, e, body, "maria-lindborg"); len(ms) != 1 || ms[0].Role != calendar.RoleSecretary {
			t.Errorf("Maria's memberships %+v", ms)
		}
		wantIn(t, "members after", e.get("/mina-organ/"+body+"/medlemmar?importerade=2", maria), http.StatusOK, "Importen är klar: 2 rader är sparade.", "Lena Ek")

		// The same file again changes nothing more.
		r = e.postFile(page, "medlemmar.csv", []byte(file), maria)
		wantIn(t, "again", r, http.StatusOK, "Finns: Lena Ek", "0 rader sparas")

		// A secretary of another body may not import here.
		other := sessionCookie(t, e, "anna-berg")
		if r := e.postFile(page, "medlemmar.csv", []byte(file), other); r.StatusCode != http.StatusForbidden {
			t.Errorf("another body's member: %d, want 403", r.StatusCode)
		}
	})
}

// TestMemberImportFiles: an XLSX workbook with English headers, a
// Windows-1252 CSV with commas, and files that are no member list, each
// told in Swedish.
func TestMemberImportFiles(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		const body = "arbetsgrupp-uppfoljningsdag"
		page := "/mina-organ/" + body + "/medlemmar/importera"

		x := excelize.NewFile()
		for i, row := range [][]any{
			{"Name", "Email", "Organization", "Role", "From", "Until"},
			{"Olle Öst", "olle.ost@kumla.se", "kumla", "Substitute", "2026-01-01", "2026-12-31"},
			{},
			{"Siv Sjö", "siv.sjo@kumla.se", "", "gäst"},
		} {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			must(t, err)
			must(t, x.SetSheetRow("Sheet1", cell, &row))
		}
		var buf bytes.Buffer
		must(t, x.Write(&buf))
		r := e.postFile(page, "lista.xlsx", buf.Bytes(), maria)
		wantIn(t, "xlsx preview", r, http.StatusOK, "lista.xlsx", "Olle Öst", "Siv Sjö", "1 januari 2026–31 december 2026", "2 rader sparas",
			`<td data-label="Rad">4</td>`)
		wantSeeOther(t, "xlsx import", e.postForm(page+"/spara", url.Values{"innehall": {hiddenValue(t, r, "innehall")}}, maria),
			"/mina-organ/"+body+"/medlemmar?importerade=2")
		if ms := membershipsOf(t, e, body, "olle-ost"); len(ms) != 1 || ms[0].Role != calendar.RoleSubstitute || ms[0].Until.String() != "2026-12-31" {
			t.Errorf("Olle's memberships %+v", ms)
		}

		cp, err := charmap.Windows1252.NewEncoder().String("namn,e-post,roll\nBörje Åström,borje@kumla.se,ledamot\n")
		must(t, err)
		wantIn(t, "windows-1252", e.postFile(page, "gammal.csv", []byte(cp), maria), http.StatusOK, "Börje Åström", "Nytt medlemskap")

		for _, c := range []struct {
			name, file string
			status     int
			want       string
		}{
			{"no header", "Lena;lena@kumla.se;ledamot\n", http.StatusUnprocessableEntity, "Rubriken namn och e-post och roll saknas."},
			{"only header", "namn;e-post;roll\n", http.StatusUnprocessableEntity, "Filen har bara rubrikraden."},
			{"a zip that is no workbook", "PK\x03\x04garbage", http.StatusUnprocessableEntity, "Filen kunde inte läsas som Excel-fil"},
			{"empty", "", http.StatusUnprocessableEntity, "Välj en fil med medlemslistan"},
		} {
			wantIn(t, c.name, e.postFile(page, "x.csv", []byte(c.file), maria), c.status, `class="error-summary"`, `href="#fil"`, c.want)
		}
		big := bytes.Repeat([]byte("a"), 1<<20+1)
		wantIn(t, "too large", e.postFile(page, "x.csv", big, maria), http.StatusRequestEntityTooLarge, "Filen är större än 1 MB.")
		if r := e.postForm(page, url.Values{"fil": {"x"}}, maria); r.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("a form-encoded upload: %d, want 415", r.StatusCode)
		}
	})
}
