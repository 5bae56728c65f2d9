package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/backend/internal/postgres"
)

// TestBrowserMFA walks the second factor in headless Chromium at phone
// size: a user with an authenticator app (its secret seeded in the
// database) signs in, lands on /portal/mfa and reaches the dashboard with
// the code the app would show; then another user sets up an app at
// /portal/account/security/mfa from the key on the page, saves the
// recovery codes, and signs in again with one of them.
func TestBrowserMFA(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, serverLog := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const (
		secret   = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		seeded   = "admin@lakeshore-fab.example.com"
		enroller = "buyer@lakeshore-fab.example.com"
		pw       = "Portal-Demo-2026!"
	)
	owner := d.OpenOwner(t)
	tn, err := owner.FindTenantBySlug(context.Background(), "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	err = owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		var id string
		if err := tx.NewRaw(`SELECT id::text FROM users WHERE email = ?`, seeded).Scan(ctx, &id); err != nil {
			return err
		}
		stored, err := postgres.SealTOTP(testSecrets(t, env), tn.ID, id, secret)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET mfa_enabled = true, totp_secret = ? WHERE id = ?`, stored, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	step := browserSteps{t, ctx}.step
	eval := func(js string) string {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, err := chromedp.Run(c, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	code := func(secret string) string {
		t.Helper()
		c, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	signIn := func(name, email string) {
		t.Helper()
		step(name, 90*time.Second,
			chromedp.Navigate(origin+"/portal/login"),
			chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email),
			browsertest.Fill("#password", pw),
			browsertest.Submit("#signin"),
		)
	}

	// 1. Password, then the challenge page.
	step("phone", 10*time.Second, browsertest.Emulate(browsertest.Phone))
	signIn("sign in with TOTP", seeded)
	step("challenge", 60*time.Second, chromedp.WaitEnabled(chromedp.CSS("#mfa-submit")))
	if u := eval(`location.pathname`); u != "/portal/mfa" {
		t.Errorf("after the password: %s, want /portal/mfa", u)
	}
	if s := eval(`document.querySelector(".signin__card").innerText`); !strings.Contains(s, "Enter the 6-digit code from your authenticator app") ||
		strings.Contains(s, "Resend") {
		t.Errorf("challenge reads %q", s)
	}
	if s := eval(`document.querySelector("h1").innerText`); s != "Two-Factor Authentication" {
		t.Errorf("heading %q", s)
	}
	if s := eval(`document.activeElement.id`); s != "mfa-code" {
		t.Errorf("focus on %q, want the code field", s)
	}
	browsertest.Screenshot(t, ctx, "challenge")
	// Wandering off to the dashboard half-way leads back to the challenge.
	step("dashboard while pending", 60*time.Second,
		chromedp.Navigate(origin+"/portal"),
		chromedp.WaitEnabled(chromedp.CSS("#mfa-submit")),
	)

	if u := eval(`location.pathname`); u != "/portal/mfa" {
		t.Errorf("the dashboard with a pending sign-in stayed at %s", u)
	}

	// 2. A wrong code says so; the right one signs in by itself (auto-submit).
	step("wrong code", 30*time.Second,
		browsertest.Fill("#mfa-code", "000000"),
		chromedp.WaitVisible(chromedp.CSS("#mfa-code-error")),
	)
	browsertest.Screenshot(t, ctx, "wrong-code")
	step("right code", 30*time.Second,
		browsertest.Fill("#mfa-code", code(secret)),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	if u := eval(`location.pathname`); u != "/portal" {
		t.Errorf("after the code: %s, want the dashboard", u)
	}
	browsertest.Screenshot(t, ctx, "signed-in")
	step("sign out", 30*time.Second, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))

	// 3. Enrolment through the settings page, from the key shown on it.
	signIn("sign in without MFA", enroller)
	step("signed in", 30*time.Second, chromedp.WaitVisible(chromedp.CSS("#signout")))
	step("settings", 60*time.Second,
		chromedp.Navigate(origin+"/portal/account/security/mfa"),
		chromedp.WaitEnabled(chromedp.CSS("#mfa-setup-start")),
		chromedp.Click(chromedp.CSS("#mfa-setup-start")),
		chromedp.WaitVisible(chromedp.CSS("#mfa-secret")),
	)
	if src := eval(`document.getElementById("mfa-qr").getAttribute("src")`); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("QR code src %.40q", src)
	}
	key := strings.TrimSpace(eval(`document.getElementById("mfa-secret").innerText`))
	browsertest.Screenshot(t, ctx, "enrol")
	step("confirm", 30*time.Second,
		browsertest.Fill("#mfa-confirm-code", code(key)),
		browsertest.Submit("#mfa-confirm"),
		chromedp.WaitVisible(chromedp.CSS("#mfa-recovery-codes")),
	)
	n := eval(`String(document.querySelectorAll("#mfa-recovery-codes li").length)`)
	recovery := eval(`document.querySelector("#mfa-recovery-codes li").innerText`)
	if n != "10" || len(recovery) != 19 {
		t.Errorf("%s recovery codes, first %q", n, recovery)
	}
	if eval(`String(document.getElementById("mfa-codes-done").disabled)`) != "true" {
		t.Error(`"Done" works before "I have saved these codes" is ticked`)
	}
	browsertest.Screenshot(t, ctx, "recovery-codes")
	step("saved", 30*time.Second,
		chromedp.Click(chromedp.CSS("#mfa-saved")),
		chromedp.WaitEnabled(chromedp.CSS("#mfa-codes-done")),
		chromedp.Click(chromedp.CSS("#mfa-codes-done")),
		chromedp.WaitVisible(chromedp.CSS("#mfa-disable")),
	)
	if s := eval(`document.getElementById("mfa-status").innerText`); !strings.Contains(s, "on") || !strings.Contains(s, "Recovery codes left: 10") {
		t.Errorf("status reads %q", s)
	}
	browsertest.Screenshot(t, ctx, "enabled")

	// 4. The next sign-in asks for the second factor; a recovery code does.
	step("sign out again", 30*time.Second, chromedp.Navigate(origin+"/portal"), chromedp.WaitVisible(chromedp.CSS("#signout")),
		chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	signIn("sign in after enrolment", enroller)
	step("recovery", 60*time.Second,
		chromedp.WaitEnabled(chromedp.CSS("#mfa-submit")),
		chromedp.Click(chromedp.CSS("#mfa-use-recovery")),
		browsertest.Fill("#mfa-recovery-code", recovery),
		browsertest.Submit("#mfa"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	browsertest.Screenshot(t, ctx, "recovery-signed-in")

	// 5. Northwind requires MFA: a user without an app gets a code by
	// e-mail, and "Resend Code" waits out its cooldown.
	origin = fmt.Sprintf("http://northwind-steel.localhost:%s", port)
	const mailed = "admin@mapleridge-mw.example.com"
	signIn("sign in with an e-mailed code", mailed)
	step("e-mail challenge", 60*time.Second, chromedp.WaitEnabled(chromedp.CSS("#mfa-submit")), chromedp.WaitVisible(chromedp.CSS("#mfa-resend")))
	if s := eval(`document.querySelector(".signin__card").innerText`); !strings.Contains(s, "sent to your e-mail") ||
		!strings.Contains(s, "Didn't receive a code?") || strings.Contains(s, "recovery") {
		t.Errorf("e-mail challenge reads %q", s)
	}
	if eval(`String(document.getElementById("mfa-resend").disabled)`) != "true" {
		t.Error("Resend Code works before the cooldown")
	}
	browsertest.Screenshot(t, ctx, "email-challenge")
	step("e-mailed code", 30*time.Second,
		browsertest.Fill("#mfa-code", mfaCodeFromLog(t, serverLog, mailed)),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	browsertest.Screenshot(t, ctx, "email-signed-in")
}
