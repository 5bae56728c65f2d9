package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserAccessRequest walks issue 3's request-access flow at phone
// size: a visitor asks from the sign-in page, the tenant admin approves the
// request in the staff area (reached through the staff menu), the
// invitation mail's link lets the invitee set a password, and the invitee
// signs in.
func TestBrowserAccessRequest(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, serverLog := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	b := browserSteps{t, ctx}
	const (
		invitee  = "hana.lee@harbor-welding.example.com"
		password = "Harbour-Crane-Lantern-71"
	)

	// 1. The visitor finds "Request Portal Access" on the sign-in page.
	b.step("open request page", 90*time.Second,
		browsertest.Emulate(browsertest.Phone),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		chromedp.Click(chromedp.CSS("#request-access-link")),
		chromedp.WaitEnabled(chromedp.CSS("#request-submit")),
	)
	browsertest.Screenshot(t, ctx, "request-access")
	// 2. A blank phone (spaces pass the browser's check) is named under
	// its field by the server; then the request goes in.
	b.step("request without phone", 30*time.Second,
		browsertest.Fill("#request-company", "Harbor Welding"),
		browsertest.Fill("#request-contact", "Hana Lee"),
		browsertest.Fill("#request-email", invitee),
		browsertest.Fill("#request-phone", "   "),
		browsertest.Submit("#request-access"),
		chromedp.WaitVisible(chromedp.CSS("#request-phone-error")),
	)
	b.step("request", 30*time.Second,
		browsertest.Fill("#request-phone", "+1 412 555 0199"),
		browsertest.Submit("#request-access"),
		chromedp.WaitVisible(chromedp.CSS("#request-sent")),
	)
	if s := b.text("#request-sent"); !strings.Contains(s, "received your request") {
		t.Errorf("confirmation reads %q", s)
	}
	browsertest.Screenshot(t, ctx, "request-sent")
	mailFromLog(t, serverLog, invitee, regexp.MustCompile(`Thank you for your request`))

	// 3. The tenant admin signs in, at a desk; the staff menu (not the
	// customers') leads to the queue.
	b.step("staff signs in", 60*time.Second,
		browsertest.Emulate(browsertest.Desktop),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", "admin@acme-metals.example.com"),
		browsertest.Fill("#password", "Portal-Demo-2026!"),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS(`.portal-menu a[href="/portal/staff/access-requests"]`)),
		chromedp.Click(chromedp.CSS(`.portal-menu a[href="/portal/staff/access-requests"]`)),
		chromedp.WaitVisible(chromedp.CSS("#staff-queue")),
	)
	browsertest.Screenshot(t, ctx, "staff-queue")
	if menu := b.text(".portal-menu"); strings.Contains(menu, "Dashboard") || strings.Contains(menu, "Shop") {
		t.Errorf("staff see the customers' menu: %q", menu)
	}
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#staff-queue li")]
		.find(li => li.textContent.includes("hana.lee@harbor-welding.example.com")).id.replace("request-", "")`))
	if err != nil || id == "" {
		t.Fatalf("request not in the queue (%v)", err)
	}
	// 4. Approve: a new customer, its account number typed by the staff.
	b.step("open approve dialog", 30*time.Second,
		chromedp.Click(chromedp.CSS("#approve-"+id)),
		chromedp.WaitVisible(chromedp.CSS("#decide-new-account")),
	)
	browsertest.Screenshot(t, ctx, "approve-dialog")
	b.step("approve", 30*time.Second,
		browsertest.Fill("#decide-new-account", "HW-1001"),
		browsertest.Submit("#decide-form"),
		chromedp.WaitNotPresent(chromedp.CSS("#decide-dialog")),
		chromedp.WaitVisible(chromedp.CSS(`#request-`+id+`[data-status="approved"]`)),
	)
	browsertest.Screenshot(t, ctx, "approved")
	if s := b.text("#request-" + id); !strings.Contains(s, "approved · Harbor Welding") {
		t.Errorf("approved request reads %q", s)
	}
	link := mailFromLog(t, serverLog, invitee, regexp.MustCompile(regexp.QuoteMeta(origin+"/portal/reset-password#")+`[A-Za-z0-9_%=&.~-]+`))

	// 4b. The tenant admin manages the staff on the same users screen: the
	// sales rep is listed, and a new sales rep is invited.
	b.step("staff users", 30*time.Second,
		chromedp.Click(chromedp.CSS(`.portal-menu a[href="/portal/staff/users"]`)),
		chromedp.WaitVisible(chromedp.CSS("#invite-open")),
		browsertest.Until(`document.querySelector("#users").textContent.includes("dana.whitfield")`),
	)
	if s := b.text("#users"); !strings.Contains(s, "dana.whitfield@acme-metals.example.com") || !strings.Contains(s, "Sales rep") ||
		strings.Contains(s, "lakeshore-fab") {
		t.Errorf("staff list reads %q", s)
	}
	b.step("invite a sales rep", 30*time.Second,
		chromedp.Click(chromedp.CSS("#invite-open")),
		browsertest.Fill("#invite-email", "new.rep@acme-metals.example.com"),
		browsertest.Fill("#invite-name", "Newton Rep"),
		browsertest.Submit("#invite-form"),
		chromedp.WaitVisible(chromedp.CSS("#user-change-done")),
		browsertest.Until(`document.querySelector("#users").textContent.includes("new.rep@")`),
	)
	if s := b.text("#users"); !strings.Contains(s, "new.rep@acme-metals.example.com") || !strings.Contains(s, "Invited") {
		t.Errorf("staff list after the invitation reads %q", s)
	}
	mailFromLog(t, serverLog, "new.rep@acme-metals.example.com", regexp.MustCompile(`access requests, quotes and tickets`))

	// 5. The invitee sets a password through the invitation and signs in.
	b.step("sign out staff", 30*time.Second,
		browsertest.Emulate(browsertest.Phone),
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin")),
	)
	b.step("set password", 60*time.Second,
		chromedp.Navigate(link),
		chromedp.WaitEnabled(chromedp.CSS("#reset-submit")),
		browsertest.Fill("#reset-password", password),
		browsertest.Fill("#reset-confirm", password),
		browsertest.Submit("#reset"),
		chromedp.WaitVisible(chromedp.CSS("#reset-done")),
	)
	b.step("invitee signs in", 60*time.Second,
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", invitee),
		browsertest.Fill("#password", password),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	browsertest.Screenshot(t, ctx, "invitee-signed-in")
}

// TestBrowserSelfRegistration: on northwind-steel, which lets visitors sign
// up and requires a second factor, a visitor signs up from the sign-in
// page's link, enters the e-mailed code, completes the profile (shipping
// defaults to billing) and lands on the pending page.
func TestBrowserSelfRegistration(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, serverLog := mustRunMain(t, env)
	origin := fmt.Sprintf("http://northwind-steel.localhost:%s", port)
	b := browserSteps{t, ctx}

	b.step("open sign-up", 90*time.Second,
		browsertest.Emulate(browsertest.Phone),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("#register-link")),
		chromedp.Click(chromedp.CSS("#register-link")),
		chromedp.WaitEnabled(chromedp.CSS("#signup-submit")),
	)
	browsertest.Screenshot(t, ctx, "sign-up")
	b.step("sign up", 60*time.Second,
		browsertest.Fill("#signup-name", "Pat Doe"),
		browsertest.Fill("#signup-email", "pat@doe-fab.example.com"),
		browsertest.Fill("#signup-password", "Harbour-Crane-Lantern-71"),
		browsertest.Submit("#signup"),
		// Northwind requires a second factor: the e-mailed code comes
		// first, and proves the address is the registrant's.
		chromedp.WaitEnabled(chromedp.CSS("#mfa-submit")),
	)
	b.step("e-mailed code", 60*time.Second,
		browsertest.Fill("#mfa-code", mfaCodeFromLog(t, serverLog, "pat@doe-fab.example.com")),
		chromedp.WaitEnabled(chromedp.CSS("#profile-submit")),
	)
	browsertest.Screenshot(t, ctx, "profile")
	b.step("complete profile", 60*time.Second,
		browsertest.Fill("#profile-name", "Doe Fabrication Inc."),
		browsertest.Fill("#billing-line1", "100 King St W"),
		browsertest.Fill("#billing-city", "Toronto"),
		browsertest.Fill("#billing-region", "ON"),
		browsertest.Fill("#billing-postal", "M5X 1A9"),
		browsertest.Fill("#billing-country", "CA"),
		browsertest.Submit("#profile"),
		chromedp.WaitVisible(chromedp.CSS("#register-pending")),
	)
	if s := b.text("#register-pending"); !strings.Contains(s, "waiting for approval") {
		t.Errorf("pending page reads %q", s)
	}
	browsertest.Screenshot(t, ctx, "pending")
	// The dashboard's address, or the profile's, brings the user back here:
	// the registration is not done until the tenant approves it.
	for _, path := range []string{"/portal", "/portal/register/profile"} {
		b.step("pending sticks at "+path, 60*time.Second,
			chromedp.Navigate(origin+path),
			chromedp.WaitVisible(chromedp.CSS("#register-pending")),
		)
	}
}
