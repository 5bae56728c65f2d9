package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	"go.yaml.in/yaml/v3"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/tenants"
	"example.com/portal/tenants/definitions"
)

// TestBrowserSSO gives the demo tenant Acme Metals single sign-on with an
// in-process OpenID Connect provider (applied with `portal tenants apply`,
// the client secret in the variable the definition names), then signs in
// through the login page's SSO button: the provider signs the queued user
// in at once and the browser lands on the dashboard. A user of a domain the
// tenant does not allow comes back to the login page with the generic
// message.
func TestBrowserSSO(t *testing.T) {
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Shutdown() })

	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	env["ACME_OIDC_CLIENT_SECRET"] = op.ClientSecret
	ctx := browsertest.New(t)
	port, out := mustRunMain(t, env)

	// The demo definition of Acme Metals, plus SSO, applied over the
	// running server's data (the demo data stays as loaded).
	defs, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	var acme definitions.Definition
	for _, d := range defs {
		if d.Slug == "acme-metals" {
			acme = d
		}
	}
	acme.Demo = nil
	acme.SSO = &tenants.SSO{Issuer: op.Issuer(), ClientID: op.ClientID, ClientSecretEnv: "ACME_OIDC_CLIENT_SECRET",
		ButtonLabel: "Sign in with Acme ID", AllowedDomains: []string{"lakeshore-fab.example.com"},
		FirstTime: &tenants.SSOFirstTime{AccountNumber: "AM-10001", Role: "viewer"}}
	data, err := yaml.Marshal(acme)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acme-metals.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"tenants", "apply", "-dir", dir}, env.get, out, out); err != nil {
		t.Fatalf("tenants apply with sso: %v", err)
	}

	login := fmt.Sprintf("http://acme-metals.localhost:%s/portal/login", port)
	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			err := browsertest.WaitFor(ctx, 90*time.Second,
				browsertest.Emulate(vp),
				chromedp.Navigate(login),
				chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
				chromedp.WaitVisible(chromedp.CSS("#sso-link")),
			)
			if err != nil {
				browsertest.Screenshot(t, ctx, "sso-login-failed")
				t.Fatalf("login page: %v", err)
			}
			label, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#sso-link")))
			if strings.TrimSpace(label) != "Sign in with Acme ID" {
				t.Errorf("SSO button says %q", label)
			}
			browsertest.Screenshot(t, ctx, "sso-login-"+vp.Name)

			op.QueueUser(&mockoidc.MockUser{Subject: "sub-maria-lopez", Email: "admin@lakeshore-fab.example.com", EmailVerified: true}) // one person, one subject
			err = browsertest.WaitFor(ctx, 60*time.Second,
				chromedp.Click(chromedp.CSS("#sso-link")),
				chromedp.WaitVisible(chromedp.CSS("#signout")),
			)
			if err != nil {
				browsertest.Screenshot(t, ctx, "sso-signin-failed")
				t.Fatalf("sign in with SSO: %v", err)
			}
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
			if where != "/portal" {
				t.Errorf("landed on %q, want /portal", where)
			}
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if !strings.Contains(body, "Lakeshore Fabrication") {
				t.Errorf("dashboard after SSO: %q", body)
			}
			browsertest.Screenshot(t, ctx, "sso-signed-in-"+vp.Name)
			if err := browsertest.WaitFor(ctx, 30*time.Second, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin"))); err != nil {
				t.Fatalf("sign out: %v", err)
			}
		})
	}

	t.Run("domain not allowed", func(t *testing.T) {
		op.QueueUser(&mockoidc.MockUser{Subject: "sub-stranger", Email: "stranger@elsewhere.example", EmailVerified: true})
		err := browsertest.WaitFor(ctx, 60*time.Second,
			chromedp.Navigate(login),
			chromedp.WaitVisible(chromedp.CSS("#sso-link")),
			chromedp.Click(chromedp.CSS("#sso-link")),
			chromedp.WaitVisible(chromedp.CSS("#sso-error p")),
		)
		if err != nil {
			browsertest.Screenshot(t, ctx, "sso-refused-failed")
			t.Fatalf("refused SSO: %v", err)
		}
		msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#sso-error")))
		if !strings.Contains(msg, "cannot sign in to this portal with single sign-on") {
			t.Errorf("message %q", msg)
		}
		browsertest.Screenshot(t, ctx, "sso-refused")
	})
}
