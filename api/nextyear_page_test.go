package api_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

var inputPattern = regexp.MustCompile(`<input ([^>]*)>`)
var attrPattern = regexp.MustCompile(`(\w[\w-]*)(?:="([^"]*)")?`)

// formOnPage collects what the browser would send from the page's form
// that posts to action: its text and hidden inputs, and its checked boxes.
func formOnPage(t *testing.T, r *resp, action string) url.Values {
	t.Helper()
	page := r.text()
	i := strings.Index(page, `method="post" action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posting to %s:\n%.1500s", action, page)
	}
	page = page[i:]
	page = page[:strings.Index(page, "</form>")]
	v := url.Values{}
	for _, m := range inputPattern.FindAllStringSubmatch(page, -1) {
		a := map[string]string{}
		for _, kv := range attrPattern.FindAllStringSubmatch(m[1], -1) {
			a[kv[1]] = html.UnescapeString(kv[2])
		}
		if _, checked := a["checked"]; (a["type"] == "checkbox" || a["type"] == "radio") && !checked {
			continue
		}
		if a["name"] != "" {
			v.Add(a["name"], a["value"])
		}
	}
	return v
}

// TestNextYearPage: Maria proposes chefsgrupp folkhälsa's 2026 on the
// first Thursday of every month: New Year's Day is moved with its reason;
// she changes a time (refused in Swedish, row by row, first a time that
// does not exist), leaves a row out and creates the rest as proposed
// meetings, which the årsplan then lists.
func TestNextYearPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		makeSecretary(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")
		const body = "chefsgrupp-folkhalsa"
		base := "/mina-organ/" + body
		action := base + "/nasta-ar"
		ctx := context.Background()

		wantIn(t, "link", e.get(base+"?ar=2025", maria), http.StatusOK, `href="`+action+`?ar=2026"`, "Föreslå årsplan för 2026")
		wantIn(t, "choose", e.get(action+"?ar=2026", maria), http.StatusOK, "Föreslå årsplan 2026", `value="kopiera" checked`, `name="fran-ar"`,
			`value="2025"`, "Visa förslag")
		wantIn(t, "copy", e.get(action+"?ar=2026&metod=kopiera&fran-ar=2025&uteslut=", maria), http.StatusOK, "Förslag för 2026", "Skapa som förslag")

		r := e.get(action+"?ar=2026&metod=antal&antal=0&veckodag=sat&start=25&slut=13.00&uteslut=60", maria)
		wantIn(t, "pattern errors", r, http.StatusUnprocessableEntity, `class="error-summary"`, `href="#antal"`, `href="#veckodag"`, `href="#start"`,
			`href="#uteslut"`, "Skriv hur många möten om året, från 1 till 53.")

		q := "?ar=2026&metod=monster&ordning=1&intervall=1&veckodag=thu&start=13.00&slut=15.30&uteslut=27-32&lokal=lokal-eken"
		r = e.get(action+q, maria)
		wantIn(t, "proposal", r, http.StatusOK, "Förslag för 2026", "Flyttat från torsdag 1 januari 2026.", `name="datum-0"`, `name="med-0"`)
		if !strings.Contains(strings.ToLower(r.text()), "nyårsdagen") {
			t.Errorf("no reason naming nyårsdagen:\n%.3000s", r.body)
		}
		if strings.Contains(r.text(), "2026-07-02") {
			t.Errorf("a meeting in excluded week 27")
		}
		form := formOnPage(t, r, action)
		n := form.Get("rader")
		if n != "12" {
			t.Fatalf("rader = %s, want 12", n)
		}

		// Edits refused row by row.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("datum-2", "2026-03-29")
		bad.Set("start-2", "02.30")
		bad.Set("slut-3", "kväll")
		r = e.postForm(action, bad, maria)
		wantIn(t, "row errors", r, http.StatusUnprocessableEntity, `href="#start-2"`, "Rad 3: 2026-03-29 02.30 finns inte", `href="#slut-3"`,
			"Rad 4: Skriv tiden som timmar och minuter", `value="kväll"`, `aria-invalid="true"`, "Flyttat från torsdag 1 januari 2026.")

		// Leave out the second row, move the third, create.
		form.Del("med-1")
		form.Set("start-2", "9.00")
		wantSeeOther(t, "create", e.postForm(action, form, maria), base+"?ar=2026&skapade=11&fanns=0")
		year := 2026
		ms, err := e.store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{body}, Year: &year})
		must(t, err)
		if len(ms) != 11 {
			t.Fatalf("%d meetings in 2026, want 11", len(ms))
		}
		for _, m := range ms {
			if m.Status != calendar.StatusProposed || m.Room != "lokal-eken" {
				t.Errorf("created %+v", m)
			}
		}
		if h := calendar.In(ms[1].Start).Hour(); h != 9 {
			t.Errorf("the edited row starts at %d, want 9", h)
		}
		if !strings.Contains(strings.ToLower(ms[0].Notes), "nyårsdagen") {
			t.Errorf("the moved meeting's notes %q lack the reason", ms[0].Notes)
		}
		wantIn(t, "årsplan", e.get(base+"?ar=2026&skapade=11&fanns=0", maria), http.StatusOK, "11 föreslagna möten är skapade.")

		// Another body's secretary may look at nothing here.
		if r := e.postForm(action, form, sessionCookie(t, e, "anna-berg")); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Errorf("Anna: %d, want 403 or 404", r.StatusCode)
		}
	})
}
