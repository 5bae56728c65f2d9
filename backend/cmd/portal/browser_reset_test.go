package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserPasswordReset walks the forgotten-password flow of a demo user
// in headless Chromium at phone size: "Forgot password?" on the sign-in
// page, the reset request, the link from the (logged) e-mail, a mismatch
// caught before sending, a weak password refused by the server, a good one,
// signing in with it, and the old password refused. Along the way it checks
// that the token leaves the address bar, that a link without a token and a
// used link are refused, and keeps a screenshot of each screen.
func TestBrowserPasswordReset(t *testing.T) {
	start := time.Now()
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, serverLog := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const (
		email       = "admin@lakeshore-fab.example.com"
		oldPassword = "Portal-Demo-2026!"
		newPassword = "Harbour-Crane-Lantern-71"
		weak        = "password123" // long enough for the hint, but easy to guess
	)

	location := func() string {
		t.Helper()
		u, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// fill replaces what a field holds by typing value. (chromedp.Clear
	// resets the value attribute only, not what was typed, and SetValue
	// refuses "".)
	submitReset := browsertest.Submit("#reset")

	// 1. From the sign-in page to the forgot-password page, inside the app.
	b := browserSteps{t, ctx}
	step, text := b.step, b.text

	step("open forgot page", 90*time.Second,
		browsertest.Emulate(browsertest.Phone),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")), // the Wasm runs the page
		chromedp.Click(chromedp.CSS("#forgot-link")),
		chromedp.WaitEnabled(chromedp.CSS("#forgot-submit")),
	)
	if u := location(); u != origin+"/portal/forgot-password" {
		t.Errorf("forgot link went to %s", u)
	}
	browsertest.Screenshot(t, ctx, "forgot")

	// 2. Ask for the link.
	step("request link", 30*time.Second,
		browsertest.Fill("#forgot-email", email),
		browsertest.Submit("#forgot"),
		chromedp.WaitVisible(chromedp.CSS("#forgot-sent")),
	)
	if s := text("#forgot-sent"); !strings.Contains(s, "If an account uses this address") || !strings.Contains(s, "Back to sign in") {
		t.Errorf("confirmation reads %q", s)
	}
	browsertest.Screenshot(t, ctx, "sent")
	link := resetLinkFromLog(t, serverLog, email, origin)

	// 3. The page without a token says at once that the link is no good.
	step("link without token", 60*time.Second,
		chromedp.Navigate(origin+"/portal/reset-password"),
		chromedp.WaitVisible(chromedp.CSS("#reset-invalid")),
	)
	if s := text("#reset-invalid"); !strings.Contains(s, "invalid or has expired") {
		t.Errorf("link without token shows %q", s)
	}
	browsertest.Screenshot(t, ctx, "no-token")

	// 4. The e-mailed link: the Wasm reads the token, then takes it out of
	// the address bar. (From /portal/reset-password this is a same-document
	// navigation, like a second link pasted into the tab; step 10 opens a
	// link with a fresh page load.)
	step("open link", 60*time.Second,
		chromedp.Navigate(link),
		chromedp.WaitEnabled(chromedp.CSS("#reset-submit")),
	)
	if u := location(); u != origin+"/portal/reset-password" {
		t.Errorf("address bar after reading the link = %q, want the token gone", u)
	}
	browsertest.Screenshot(t, ctx, "reset-form")

	// 5. Two different passwords: caught before anything is sent.
	step("mismatch", 20*time.Second,
		browsertest.Fill("#reset-password", newPassword),
		browsertest.Fill("#reset-confirm", newPassword+"x"),
		submitReset,
		chromedp.WaitVisible(chromedp.CSS("#reset-confirm-error")),
	)
	if s := text("#reset-confirm-error"); s != "Passwords do not match." {
		t.Errorf("mismatch message = %q", s)
	}
	browsertest.Screenshot(t, ctx, "mismatch")

	// 6. A weak password: the server says why, under the field, and the
	// link stays usable.
	step("weak password", 30*time.Second,
		browsertest.Fill("#reset-password", weak),
		browsertest.Fill("#reset-confirm", weak),
		submitReset,
		chromedp.WaitVisible(chromedp.CSS("#reset-password-error")),
	)
	if s := text("#reset-password-error"); !strings.Contains(s, "too easy to guess") {
		t.Errorf("weak password message = %q", s)
	}
	browsertest.Screenshot(t, ctx, "weak")

	// 7. A good password.
	step("reset", 30*time.Second,
		browsertest.Fill("#reset-password", newPassword),
		browsertest.Fill("#reset-confirm", newPassword),
		submitReset,
		chromedp.WaitVisible(chromedp.CSS("#reset-done")),
	)
	browsertest.Screenshot(t, ctx, "done")

	// 8. Sign in with the new password, from the success screen's button.
	step("sign in with the new password", 30*time.Second,
		chromedp.Click(chromedp.CSS("#reset-signin")),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", email),
		browsertest.Fill("#password", newPassword),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	browsertest.Screenshot(t, ctx, "signed-in")

	// 9. The old password no longer works.
	step("old password refused", 60*time.Second,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin")),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", email),
		browsertest.Fill("#password", oldPassword),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signin-error p")),
	)
	if s := text("#signin-error"); !strings.Contains(s, "E-mail or password is incorrect") {
		t.Errorf("old password: %q", s)
	}
	browsertest.Screenshot(t, ctx, "old-password")

	// 10. The link works once.
	step("used link", 60*time.Second,
		chromedp.Navigate(link),
		chromedp.WaitEnabled(chromedp.CSS("#reset-submit")),
	)
	if u := location(); u != origin+"/portal/reset-password" {
		t.Errorf("address bar after loading the link = %q, want the token gone", u)
	}
	step("used link refused", 30*time.Second,
		browsertest.Fill("#reset-password", "Another-Long-Password-42"),
		browsertest.Fill("#reset-confirm", "Another-Long-Password-42"),
		submitReset,
		chromedp.WaitVisible(chromedp.CSS("#reset-invalid")),
	)
	if href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("reset-new-link").getAttribute("href")`)); err != nil || href != "/portal/forgot-password" {
		t.Errorf("used link offers %q (%v), want a new link from /portal/forgot-password", href, err)
	}
	browsertest.Screenshot(t, ctx, "used-link")

	t.Logf("password reset flow took %s", time.Since(start).Round(100*time.Millisecond))
}
