package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/backend/internal/stripe/stripetest"
)

// TestBrowserInvoices walks the invoice screens of issue 6 at phone width
// as a Finance user: the list shows the database's figures, an invoice's
// Pay now opens the card dialog (Stripe.js cannot load here: its error
// shows), a signed payment_intent.succeeded webhook pays it, and the
// invoice then shows Paid. A Buyer sees no Pay buttons.
func TestBrowserInvoices(t *testing.T) {
	stripeURL := stripetest.URL(t)
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	const whsec = "whsec_e2e_invoices"
	env["PORTAL_STRIPE_SECRET_KEY"] = "sk_test_e2e"
	env["PORTAL_STRIPE_PUBLISHABLE_KEY"] = "pk_test_e2e_from_api"
	env["PORTAL_STRIPE_WEBHOOK_SECRET"] = whsec
	env["PORTAL_STRIPE_API_URL"] = stripeURL
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, finance, password = "buyer@lakeshore-fab.example.com", "finance-e2e@lakeshore-fab.example.com", "Portal-Demo-2026!"
	const account = "acct_1E2EInvoices"
	owner := d.OpenOwner(t)
	bg := context.Background()
	tn, err := owner.FindTenantBySlug(bg, "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	inv := uuid.NewString()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE tenants SET settings = settings || jsonb_build_object('stripe_account', ?::text) WHERE id = ?`, account, tn.ID)
	exec(`INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
		SELECT tenant_id, ?, customer_id, ?, 'Fran Finance', 'finance', password_hash FROM users WHERE email = ?`, uuid.NewString(), finance, buyer)
	exec(`INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor, amount_paid_minor)
		SELECT tenant_id, ?, customer_id, 'INV-E2E-1', 'open', current_date + 1, current_date - 3, 43210, 0 FROM users WHERE email = ?`, inv, buyer)
	var openDue, overdueDue int64
	if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT coalesce(sum(i.total_minor - i.amount_paid_minor), 0),
				coalesce(sum(i.total_minor - i.amount_paid_minor) FILTER (WHERE i.due_date < current_date), 0)
			FROM invoices i JOIN users u ON u.tenant_id = i.tenant_id AND u.customer_id = i.customer_id
			WHERE u.email = ? AND i.status IN ('open', 'partially_paid') AND i.currency = 'USD'`, buyer).Scan(&openDue, &overdueDue)
	}); err != nil {
		t.Fatal(err)
	}

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	textOf := func(sel string) string {
		t.Helper()
		return strings.TrimSpace(b.text(sel))
	}
	signIn := func(email string) {
		t.Helper()
		step("sign in "+email,
			chromedp.Navigate(origin+"/portal/login"),
			chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email),
			browsertest.Fill("#password", password),
			browsertest.Submit("#signin"),
			chromedp.WaitVisible(chromedp.CSS("#signout")),
		)
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	signIn(finance)
	step("invoices", chromedp.Navigate(origin+"/portal/invoices"), chromedp.WaitVisible(chromedp.CSS("#invoices-table")),
		until(`document.querySelector('[data-invoice="INV-E2E-1"]') !== null`))
	if got := parseMoney(t, textOf("#invoices-open-due-USD")); got != openDue {
		t.Errorf("open due shows %q, the database says %d", textOf("#invoices-open-due-USD"), openDue)
	}
	if got := parseMoney(t, textOf("#invoices-overdue-due-USD")); got != overdueDue {
		t.Errorf("overdue due shows %q, the database says %d", textOf("#invoices-overdue-due-USD"), overdueDue)
	}
	row := `[data-invoice="INV-E2E-1"]`
	if got := parseMoney(t, textOf(row+" .invoice-due")); got != 43210 {
		t.Errorf("INV-E2E-1 amount due shows %q", textOf(row+" .invoice-due"))
	}
	step("overdue highlighted", until(`document.querySelector('`+row+`').classList.contains("invoice-row--overdue")`),
		until(`document.querySelector('`+row+` .chip').textContent === "Overdue"`),
		chromedp.WaitVisible(chromedp.CSS("#invoices-pay-selected")))
	browsertest.Screenshot(t, ctx, "invoices-phone")

	step("open invoice", chromedp.Click(chromedp.CSS(row+" .invoice-link")), chromedp.WaitVisible(chromedp.CSS("#invoice-pay-now")))
	if got := parseMoney(t, textOf("#invoice-due")); got != 43210 {
		t.Errorf("detail amount due %q", textOf("#invoice-due"))
	}
	browsertest.Screenshot(t, ctx, "invoice-phone")
	step("pay now", chromedp.Click(chromedp.CSS("#invoice-pay-now")), chromedp.WaitVisible(chromedp.CSS("#pay-dialog")),
		chromedp.WaitVisible(chromedp.CSS("#pay-amount")),
		// js.stripe.com is unreachable here: the dialog says so (or,
		// online, mounts the Payment Element).
		until(`document.querySelector("#pay-message") !== null || document.querySelector("#pay-element iframe") !== null`))
	browsertest.Screenshot(t, ctx, "invoice-pay-dialog-phone")
	if m := textOf("#pay-dialog"); strings.Contains(m, "could not load") {
		t.Logf("pay dialog: %s", m)
	}

	// Stripe confirms: the signed webhook the platform endpoint receives.
	var intent string
	var amount int64
	if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT a.payment_intent_id, a.amount_minor FROM payment_attempts a
			JOIN payment_attempt_invoices ai ON ai.tenant_id = a.tenant_id AND ai.attempt_id = a.id WHERE ai.invoice_id = ?`, inv).Scan(&intent, &amount)
	}); err != nil {
		t.Fatalf("the payment attempt: %v", err)
	}
	if amount != 43210 {
		t.Errorf("attempt amount %d, want 43210", amount)
	}
	now := time.Now()
	body := []byte(fmt.Sprintf(`{"id":"evt_e2e_1","object":"event","type":"payment_intent.succeeded","account":%q,"created":%d,"api_version":"2026-08-26.dahlia",
		"data":{"object":{"id":%q,"object":"payment_intent","status":"succeeded","amount":%d,"amount_received":%d,"currency":"usd"}}}`,
		account, now.Unix(), intent, amount, amount))
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: whsec, Timestamp: now})
	req, _ := http.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:%s/stripe/webhook", port), bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", sp.Header)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("webhook: %d", res.StatusCode)
	}
	step("paid", chromedp.Click(chromedp.CSS("#pay-close")),
		until(`document.querySelector("#invoice-status .chip") && document.querySelector("#invoice-status .chip").textContent === "Paid"`),
		until(`document.querySelector("#invoice-pay-now") === null`),
		until(`document.querySelectorAll("#invoice-payments tbody tr").length === 1`))
	browsertest.Screenshot(t, ctx, "invoice-paid-phone")

	// A Buyer reads invoices but has no Pay buttons.
	step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	signIn(buyer)
	step("buyer invoices", chromedp.Navigate(origin+"/portal/invoices"), chromedp.WaitVisible(chromedp.CSS("#invoices-table")),
		until(`document.querySelector("#invoices-pay-selected") === null && document.querySelectorAll(".invoice-select").length === 0`))
	step("buyer invoice", chromedp.Navigate(origin+"/portal/invoices/"+inv), chromedp.WaitVisible(chromedp.CSS("#invoice-header")),
		until(`document.querySelector("#invoice-pay-now") === null`))
	browsertest.Screenshot(t, ctx, "invoices-buyer-phone")
}
