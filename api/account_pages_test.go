package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar/sqlstore"
)

var secretField = regexp.MustCompile(`<input id="ny-nyckel" type="text" readonly [^>]*value="([A-Za-z0-9_-]{40,})"`)

// TestTokensPage: a signed-in person makes a token on /konto/nycklar
// without JavaScript, sees its secret once, uses it, and revokes it; a
// wrong form names its errors in the summary; anonymous callers are sent
// to sign in.
func TestTokensPage(t *testing.T) {
	engines(t, func(t *testing.T, open func(testing.TB, sqlstore.Options) *sqlstore.Store) {
		e := newEnv(t, open)
		seed(t, e)
		maria := sessionCookie(t, e, "maria-lindborg")

		r := e.get("/konto/nycklar", maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Du har inga API-nycklar") || !strings.Contains(r.text(), "Maria Lindborg") {
			t.Fatalf("the empty page: %d %s", r.StatusCode, r.body)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers: CSP %q, Cache-Control %q", csp, r.Header.Get("Cache-Control"))
		}

		// A wrong form: every error in the summary, linked to its field,
		// what was typed kept.
		r = e.postForm("/konto/nycklar", url.Values{"namn": {""}, "giltig": {"31/3 2027"}}, maria)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong form: %d", r.StatusCode)
		}
		for _, want := range []string{`class="error-summary"`, `href="#namn"`, `href="#behorighet"`, `href="#giltig"`, `value="31/3 2027"`, "<title>Fel: "} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("wrong form's page lacks %q", want)
			}
		}
		r = e.postForm("/konto/nycklar", url.Values{"namn": {"Kalkylark"}, "behorighet": {"read"}, "giltig": {"2027-03-31"}}, maria)
		if !strings.Contains(r.text(), "högst ett år") {
			t.Errorf("an expiry too far ahead is not named: %s", r.body)
		}

		// Made: the secret once, in a read-only field.
		r = e.postForm("/konto/nycklar", url.Values{"namn": {"Kalkylark"}, "behorighet": {"write"}, "giltig": {"2025-12-31"}}, maria)
		m := secretField.FindStringSubmatch(r.text())
		if r.StatusCode != http.StatusOK || m == nil || !strings.Contains(r.text(), "visas bara den här gången") {
			t.Fatalf("made a token: %d, secret field %v\n%s", r.StatusCode, m, r.body)
		}
		secret := m[1]
		if r := e.get("/api/v1/tokens", bearer(secret)); r.StatusCode != http.StatusOK {
			t.Errorf("the new token does not work: %d", r.StatusCode)
		}
		page := e.get("/konto/nycklar", maria).text()
		if strings.Contains(page, secret) || !strings.Contains(page, "Kalkylark") || !strings.Contains(page, "Läsa och ändra") || !strings.Contains(page, "2025-12-31") {
			t.Errorf("the page after: the secret shown again, or the token missing:\n%s", page)
		}
		action := regexp.MustCompile(`action="(/konto/nycklar/\d+/aterkalla)"`).FindStringSubmatch(page)
		if action == nil {
			t.Fatalf("no revoke form on the page")
		}
		// Another person cannot revoke it.
		if r := e.postForm(action[1], url.Values{}, sessionCookie(t, e, "anna-berg")); r.StatusCode != http.StatusNotFound {
			t.Errorf("anna revoking maria's token: %d", r.StatusCode)
		}
		r = e.postForm(action[1], url.Values{}, maria)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "är återkallad") || !strings.Contains(r.text(), "Återkallad ") {
			t.Errorf("revoked: %d %s", r.StatusCode, r.body)
		}
		if r := e.get("/api/v1/tokens", bearer(secret)); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("the revoked token: %d", r.StatusCode)
		}

		// Anonymous: sent to sign in, and back here after it; the admin
		// token has no tokens.
		r = e.get("/konto/nycklar")
		if r.Request.URL.Path != "/logga-in" || r.Request.URL.Query().Get("next") != "/konto/nycklar" || !strings.Contains(r.text(), "Logga in") {
			t.Errorf("anonymous: ended at %s, %d %.300s", r.Request.URL, r.StatusCode, r.body)
		}
		if r := e.postForm("/konto/nycklar", url.Values{"namn": {"x"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/logga-in" {
			t.Errorf("anonymous post: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.do(req{method: "GET", path: "/konto/nycklar", admin: true}); r.StatusCode != http.StatusForbidden {
			t.Errorf("admin token: %d", r.StatusCode)
		}
	})
}
