package pages

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"example.com/portal/backend/api"
)

func TestLoginSSOButton(t *testing.T) {
	render := func(label, ssoError string) string {
		t.Helper()
		p := &loginPage{ssoError: ssoError}
		p.brand, p.path, p.interactive = brands["acme.test"], "/portal/login", true
		p.brand.SSOLabel = label
		e := app.NewTestEngine()
		if err := e.Load(p); err != nil {
			t.Fatal(err)
		}
		e.ConsumeAll()
		return app.HTMLString(p)
	}

	if html := render("", ""); strings.Contains(html, "sso-link") || strings.Contains(html, api.PathSSOStart) {
		t.Errorf("a tenant without SSO shows an SSO button:\n%s", html)
	}

	html := render("Sign in with Microsoft", "")
	if missing := hasAttrs(tag(t, html, "sso-link"), "<button", `type="submit"`); len(missing) > 0 {
		t.Errorf("#sso-link lacks %v", missing)
	}
	if !strings.Contains(html, `action="`+api.PathSSOStart+`"`) || !strings.Contains(html, ">Sign in with Microsoft</button>") {
		t.Errorf("SSO button does not start SSO with the tenant's label:\n%s", html)
	}
	if errTag := tag(t, html, "sso-error"); !strings.HasPrefix(html[strings.Index(html, errTag)+len(errTag):], "</div>") {
		t.Errorf("SSO error area is not empty without an error:\n%s", html)
	}

	html = render("Sign in with Microsoft", api.SSOErrorExpired)
	if !strings.Contains(html, api.SSOErrorMessage(api.SSOErrorExpired)) {
		t.Errorf("expired SSO attempt shows no message:\n%s", html)
	}
	// An unknown code (a tampered URL) gets the generic message, not the code.
	html = render("Sign in with Microsoft", "<script>")
	if strings.Contains(html, "<script>") || !strings.Contains(html, "not available right now") {
		t.Errorf("unknown SSO error code:\n%s", html)
	}
}
