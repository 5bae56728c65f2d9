package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserAccount walks the account screens in headless Chromium as a
// customer's Admin: edit the profile, add a shipping address and make it
// the default, see a second session (opened over the API from "another
// device") and end it, change the password, invite a user and change their
// role, and read the audit log. Then a Viewer: no Users or Audit log entry,
// the screens say so, and the API answers 403.
func TestBrowserAccount(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const (
		admin       = "admin@lakeshore-fab.example.com"
		viewer      = "viewer@lakeshore-fab.example.com"
		password    = "Portal-Demo-2026!"
		newPassword = "Harbour-Crane-Lantern-71"
		invitee     = "new.planner@lakeshore-fab.example.com"
	)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := browsertest.WaitFor(ctx, 20*time.Second, actions...); err != nil {
			browsertest.Screenshot(t, ctx, name+"-failed")
			t.Fatalf("%s: %v", name, err)
		}
	}
	// until waits for a JavaScript condition (or performs a click that
	// needs the element to have rendered first).
	until := browsertest.Until
	textOf := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(email, pw string) {
		t.Helper()
		step("sign in "+email,
			chromedp.Navigate(origin+"/portal/login"),
			chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email),
			browsertest.Fill("#password", pw),
			browsertest.Submit("#signin"),
			chromedp.WaitVisible(chromedp.CSS("#signout")),
		)
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	signIn(admin, password)

	// The header's Account link leads to the profile.
	step("profile",
		chromedp.Click(chromedp.CSS("#account-link")),
		chromedp.WaitVisible(chromedp.CSS("#profile-name")),
		until(`document.querySelector("#profile-name").value === "Maria Lopez"`),
		browsertest.Fill("#profile-name", "Maria L. Lopez"),
		browsertest.Fill("#profile-phone", "+1 773-555-0199"),
		browsertest.Submit("#profile"),
		chromedp.WaitVisible(chromedp.CSS("#profile-saved")),
		until(`document.querySelector(".portal-header__user").textContent.includes("Maria L. Lopez")`),
	)
	if c := textOf("#company"); !strings.Contains(c, "Lakeshore") {
		t.Errorf("company card: %q", c)
	}
	browsertest.Screenshot(t, ctx, "account-profile-phone")

	// Addresses: add a shipping address, then make it the default.
	const harbor = "77 Harbor Way"
	addressLi := `[...document.querySelectorAll("#address-list li")].find(l => l.textContent.includes("` + harbor + `"))`
	step("add address",
		chromedp.Click(chromedp.CSS("#tab-addresses")),
		chromedp.WaitVisible(chromedp.CSS("#address-add")),
		chromedp.Click(chromedp.CSS("#address-add")),
		browsertest.Fill("#address-label", "North dock"),
		browsertest.Fill("#address-line1", harbor),
		browsertest.Fill("#address-city", "Chicago"),
		browsertest.Fill("#address-region", "IL"),
		browsertest.Fill("#address-postal", "60601"),
		browsertest.Submit("#address-form"),
		until(`!document.querySelector("#address-form") && !!(`+addressLi+`)`),
	)
	step("make default",
		until(`(() => { const li = `+addressLi+`; const b = li && li.querySelector('button[id^="address-default-"]'); if (!b) return false; b.click(); return true })()`),
		until(`(() => { const li = `+addressLi+`; return !!li && li.textContent.includes("Default shipping") && !li.querySelector('button[id^="address-default-"]') })()`),
	)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("#address-list .badge")].filter(b => b.textContent === "Default shipping").length`)); n != 1 {
		t.Errorf("%d default shipping addresses shown, want 1", n)
	}
	browsertest.Screenshot(t, ctx, "account-addresses-phone")

	// Another device signs in; this one sees it and ends it.
	other := signInOverAPI(t, port, admin, password, "Second-Device-Test/1.0")
	step("end other session",
		chromedp.Click(chromedp.CSS("#tab-security")),
		chromedp.WaitVisible(chromedp.CSS("#password-form")),
		until(`document.querySelectorAll("#session-list li").length === 2`),
		until(`[...document.querySelectorAll("#session-list li")].some(l => l.textContent.includes("This device"))`),
		until(`[...document.querySelectorAll("#session-list li")].some(l => l.textContent.includes("Second-Device-Test"))`),
		chromedp.Click(chromedp.CSS(`#session-list button[id^="session-end-"]`)),
		chromedp.WaitVisible(chromedp.CSS("#session-ended")),
		until(`document.querySelectorAll("#session-list li").length === 1`),
	)
	if href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#link-mfa").getAttribute("href")`)); href != "/portal/account/security/mfa" {
		t.Errorf("MFA link = %q", href)
	}
	if status := apiStatus(t, port, "GET", "/api/v1/me", other); status != http.StatusUnauthorized {
		t.Errorf("the ended session still works: %d", status)
	}

	// Change the password: a mismatch is caught here, then it is saved.
	step("password mismatch",
		browsertest.Fill("#pw-current", password),
		browsertest.Fill("#pw-new", newPassword),
		browsertest.Fill("#pw-confirm", newPassword+"x"),
		browsertest.Submit("#password-form"),
		chromedp.WaitVisible(chromedp.CSS("#pw-confirm-error")),
	)
	step("password change",
		browsertest.Fill("#pw-confirm", newPassword),
		browsertest.Submit("#password-form"),
		chromedp.WaitVisible(chromedp.CSS("#pw-saved")),
		until(`document.querySelector("#pw-current").value === "" && document.querySelector("#pw-new").value === ""`),
	)
	browsertest.Screenshot(t, ctx, "account-security-phone")

	// Notifications: a toggle is saved at once.
	step("notifications",
		chromedp.Click(chromedp.CSS("#tab-notifications")),
		chromedp.WaitVisible(chromedp.CSS("#notify-order_shipped")),
		chromedp.Click(chromedp.CSS("#notify-order_shipped")),
		until(`fetch("/api/v1/me/notifications").then(r => r.json()).then(l => l.find(p => p.kind === "order_shipped").email === false)`),
	)

	// Users, on a desktop: invite, then change the new user's role.
	step("desktop", browsertest.Emulate(browsertest.Desktop))
	row := `[...document.querySelectorAll("#users tbody tr")].find(r => r.textContent.includes("` + invitee + `"))`
	step("invite",
		chromedp.Click(chromedp.CSS("#link-users")),
		chromedp.WaitVisible(chromedp.CSS("#invite-open")),
		chromedp.Click(chromedp.CSS("#invite-open")),
		browsertest.Fill("#invite-email", invitee),
		browsertest.Fill("#invite-name", "Nina Planner"),
		browsertest.Fill("#invite-role", "viewer"),
		browsertest.Submit("#invite-form"),
		chromedp.WaitVisible(chromedp.CSS("#user-change-done")),
		until(`!!(`+row+`) && `+row+`.textContent.includes("Invited")`),
	)
	step("change role",
		until(`(() => { const s = `+row+`.querySelector("select"); if (!s) return false; s.value = "buyer"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`),
		until(`document.querySelector("#user-change-done") && document.querySelector("#user-change-done").textContent.includes("Buyer")`),
		until(``+row+`.querySelector("select").value === "buyer"`),
	)
	// The server's guard shows: an Admin cannot demote themselves.
	step("own role refused",
		until(`(() => { const r = [...document.querySelectorAll("#users tbody tr")].find(r => r.textContent.includes("`+admin+`")); const s = r && r.querySelector("select"); if (!s) return false; s.value = "viewer"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`),
		chromedp.WaitVisible(chromedp.CSS("#user-change-error")),
		until(`document.querySelector("#users select[value], #users select") && [...document.querySelectorAll("#users tbody tr")].find(r => r.textContent.includes("`+admin+`")).querySelector("select").value === "admin"`),
	)
	// An invitation lost in a spam folder: a new link. A lost phone: the
	// user is signed out everywhere.
	step("resend invitation",
		until(`(() => { const b = `+row+`.querySelector("[id^=user-resend-]"); if (!b) return false; b.click(); return true })()`),
		until(`document.querySelector("#user-change-done") && document.querySelector("#user-change-done").textContent.includes("new invitation")`),
	)
	viewerRow := `[...document.querySelectorAll("#users tbody tr")].find(r => r.textContent.includes("` + viewer + `"))`
	step("sign out everywhere",
		until(`(() => { const b = `+viewerRow+` && `+viewerRow+`.querySelector("[id^=user-signout-]"); if (!b) return false; b.click(); return true })()`),
		until(`document.querySelector("#user-change-done") && document.querySelector("#user-change-done").textContent.includes("every device")`),
	)
	browsertest.Screenshot(t, ctx, "account-users-desktop")

	step("audit log",
		chromedp.Navigate(origin+"/portal/account"),
		chromedp.WaitVisible(chromedp.CSS("#link-audit-log")),
		chromedp.Click(chromedp.CSS("#link-audit-log")),
		until(`document.querySelectorAll("#audit-log tbody tr").length > 0`),
	)
	log := textOf("#audit-log")
	for _, want := range []string{"Role changed: " + invitee, "User invited: " + invitee, "Invitation sent again: " + invitee, "Signed out everywhere: " + viewer,
		"Password changed", "Session ended", "Signed in"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
	if first := textOf("#audit-log tbody tr"); !strings.Contains(first, "Signed out everywhere") {
		t.Errorf("newest event first: %q", first)
	}
	browsertest.Screenshot(t, ctx, "account-audit-desktop")

	// A Viewer sees neither entry, is told so on the screens, and the API
	// refuses.
	step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	signIn(viewer, password)
	step("viewer account",
		chromedp.Navigate(origin+"/portal/account"),
		chromedp.WaitVisible(chromedp.CSS("#tab-addresses")),
	)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#link-users, #link-audit-log").length`)); n != 0 {
		t.Errorf("a Viewer sees %d of the Users / Audit log entries", n)
	}
	step("viewer addresses", chromedp.Click(chromedp.CSS("#tab-addresses")), chromedp.WaitVisible(chromedp.CSS("#address-list")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#address-add, [id^=address-edit-]").length`)); n != 0 {
		t.Errorf("a Viewer is offered %d address changes", n)
	}
	for _, page := range []string{"/portal/account/users", "/portal/account/audit-log"} {
		step("viewer "+page, chromedp.Navigate(origin+page), chromedp.WaitVisible(chromedp.CSS("#account-denied")))
	}
	for _, path := range []string{"/api/v1/users", "/api/v1/audit-events"} {
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("`+path+`").then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil || status != http.StatusForbidden {
			t.Errorf("viewer GET %s = %d (%v), want 403", path, status, err)
		}
	}
	browsertest.Screenshot(t, ctx, "account-viewer-denied")
}

// signInOverAPI opens a session as another device would and returns its
// cookies.
func signInOverAPI(t *testing.T, port, email, password, userAgent string) []*http.Cookie {
	t.Helper()
	req, err := http.NewRequest("POST", "http://127.0.0.1:"+port+"/api/v1/session",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "acme-metals.localhost:" + port
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("sign in over the API: %d", res.StatusCode)
	}
	return res.Cookies()
}

// apiStatus answers the status of a request with cookies.
func apiStatus(t *testing.T, port, method, path string, cookies []*http.Cookie) int {
	t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:"+port+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "acme-metals.localhost:" + port
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
