package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/tenants/definitions"
)

// TestBrowserDemoTenantsBranded boots the real server with the demo tenants
// and loads each tenant's portal in headless Chromium at phone and desktop
// width: the Wasm app must start (it replaces the pre-rendered "checking"
// card with the signed-out card after calling /api/v1/me), and the page must
// carry the tenant's own name and primary colour and fit the screen.
// Screenshots are kept in PORTAL_TEST_ARTIFACTS/screenshots.
func TestBrowserDemoTenantsBranded(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)

	defs, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) < 2 {
		t.Fatalf("want two demo tenants, have %d", len(defs))
	}
	seenColors := map[string]bool{}
	for _, def := range defs {
		for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
			t.Run(def.Slug+"/"+vp.Name, func(t *testing.T) {
				url := fmt.Sprintf("http://%s.localhost:%s/portal", def.Slug, port)
				err := browsertest.WaitFor(ctx, 90*time.Second,
					browsertest.Emulate(vp),
					chromedp.Navigate(url),
					chromedp.WaitVisible(chromedp.CSS(".card--cta")), // rendered by the Wasm, never pre-rendered
				)
				if err != nil {
					browsertest.Screenshot(t, ctx, "failed")
					t.Fatalf("%s did not render with the Wasm app: %v", url, err)
				}
				title, err := chromedp.Run(ctx, chromedp.Title())
				if err != nil || !strings.Contains(title, def.Name) {
					t.Errorf("title = %q (%v), want it to name %q", title, err, def.Name)
				}
				name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".portal-header__name")))
				if err != nil || strings.TrimSpace(name) != def.Name {
					t.Errorf("header name = %q (%v), want %q", name, err, def.Name)
				}
				bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".portal-header")).backgroundColor`))
				if want := cssRGB(t, def.Branding.PrimaryColor); err != nil || bg != want {
					t.Errorf("header background = %q (%v), want the primary colour %s = %q", bg, err, def.Branding.PrimaryColor, want)
				}
				seenColors[bg] = true
				overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if err != nil || overflow {
					t.Errorf("page wider than the %d px viewport (%v)", vp.Width, err)
				}
				browsertest.Screenshot(t, ctx, def.Slug+"-"+vp.Name)
			})
		}
	}
	if len(seenColors) < 2 {
		t.Errorf("the demo tenants did not render in different colours: %v", seenColors)
	}

	t.Run("unknown host", func(t *testing.T) {
		if err := browsertest.WaitFor(ctx, 30*time.Second, chromedp.Navigate(fmt.Sprintf("http://nobody.localhost:%s/portal", port))); err != nil {
			t.Fatal(err)
		}
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		if err != nil || !strings.Contains(body, "There is no portal at this address") {
			t.Errorf("unknown host shows %q (%v)", body, err)
		}
	})
}

// cssRGB turns #rrggbb into the rgb(r, g, b) form getComputedStyle reports.
func cssRGB(t *testing.T, hex string) string {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad colour %q", hex)
	}
	return fmt.Sprintf("rgb(%d, %d, %d)", v>>16, v>>8&0xff, v&0xff)
}

// TestBrowserSignInAndOut signs a demo user in through the login screen,
// checks the signed-in header and dashboard, reloads (the session cookie
// must carry over), signs out, and tries a wrong password.
func TestBrowserSignInAndOut(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	login := fmt.Sprintf("http://acme-metals.localhost:%s/portal/login", port)
	const email, password = "admin@lakeshore-fab.example.com", "Portal-Demo-2026!"

	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			err := browsertest.WaitFor(ctx, 90*time.Second,
				browsertest.Emulate(vp),
				chromedp.Navigate(login),
				chromedp.WaitEnabled(chromedp.CSS("#signin-submit")), // enabled once the Wasm runs the form
				browsertest.Fill("#email", email),
				browsertest.Fill("#password", password),
				browsertest.Submit("#signin"),
				chromedp.WaitVisible(chromedp.CSS("#signout")),
			)
			if err != nil {
				browsertest.Screenshot(t, ctx, "signin-failed")
				t.Fatalf("sign in: %v", err)
			}
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if !strings.Contains(body, "Lakeshore Fabrication") || !strings.Contains(body, "Admin") {
				t.Errorf("dashboard after sign-in: %q", body)
			}
			browsertest.Screenshot(t, ctx, "signed-in-"+vp.Name)

			// A full reload keeps the session (the cookie, not page state).
			if err := browsertest.WaitFor(ctx, 60*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#signout"))); err != nil {
				t.Fatalf("signed out by a reload: %v", err)
			}
			if err := browsertest.WaitFor(ctx, 30*time.Second, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin"))); err != nil {
				browsertest.Screenshot(t, ctx, "signout-failed")
				t.Fatalf("sign out: %v", err)
			}
			me, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/api/v1/me").then(r => r.status)`, chromedp.EvalAwaitPromise))
			if err != nil || me != 401 {
				t.Errorf("/api/v1/me after sign-out = %d (%v), want 401", me, err)
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		err := browsertest.WaitFor(ctx, 60*time.Second,
			chromedp.Navigate(login),
			chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email),
			browsertest.Fill("#password", "not-the-password"),
			browsertest.Submit("#signin"),
			chromedp.WaitVisible(chromedp.CSS("#signin-error")),
		)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#signin-error")))
		if !strings.Contains(msg, "E-mail or password is incorrect") {
			t.Errorf("error shown: %q", msg)
		}
		browsertest.Screenshot(t, ctx, "wrong-password")
	})
}
