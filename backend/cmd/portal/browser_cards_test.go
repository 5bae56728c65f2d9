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

// TestBrowserSavedCards walks saved cards, receipts and credit notes at
// phone width as a Finance user: "Add a card" makes the server create the
// Stripe Customer and a SetupIntent (Stripe.js cannot load here, so the
// card form says so), Stripe's signed setup_intent.succeeded lists the
// card as the default, the pay dialog offers it and the server confirms
// the payment with it against stripe-mock, the signed success marks the
// invoice paid and its receipt appears under Receipts; the ERP's credit
// note shows under Credit Notes; removing the card empties the list.
func TestBrowserSavedCards(t *testing.T) {
	stripeURL := stripetest.URL(t)
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	const whsec = "whsec_e2e_cards"
	env["PORTAL_STRIPE_SECRET_KEY"] = "sk_test_e2e"
	env["PORTAL_STRIPE_PUBLISHABLE_KEY"] = "pk_test_e2e_cards"
	env["PORTAL_STRIPE_WEBHOOK_SECRET"] = whsec
	env["PORTAL_STRIPE_API_URL"] = stripeURL
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, finance, password = "buyer@lakeshore-fab.example.com", "finance-cards@lakeshore-fab.example.com", "Portal-Demo-2026!"
	const account = "acct_1E2ECards"
	owner := d.OpenOwner(t)
	bg := context.Background()
	tn, err := owner.FindTenantBySlug(bg, "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(q string, args []any, dest ...any) {
		t.Helper()
		if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, q, args...).Scan(dest...)
		}); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	inv := uuid.NewString()
	exec(`UPDATE tenants SET settings = settings || jsonb_build_object('stripe_account', ?::text) WHERE id = ?`, account, tn.ID)
	exec(`INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
		SELECT tenant_id, ?, customer_id, ?, 'Cora Cards', 'finance', password_hash FROM users WHERE email = ?`, uuid.NewString(), finance, buyer)
	exec(`INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor, amount_paid_minor)
		SELECT tenant_id, ?, customer_id, 'INV-E2E-CARD', 'open', current_date, current_date + 30, 27500, 0 FROM users WHERE email = ?`, inv, buyer)
	exec(`INSERT INTO credit_notes (tenant_id, id, customer_id, invoice_id, credit_note_number, status, issue_date, amount_minor, remaining_minor, reason)
		SELECT tenant_id, ?, customer_id, ?, 'CN-E2E-1', 'open', current_date, 12000, 8000, 'Returned plate' FROM users WHERE email = ?`,
		uuid.NewString(), inv, buyer)
	exec(`INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor, amount_paid_minor)
		SELECT tenant_id, ?, customer_id, 'INV-E2E-LATE', 'open', current_date - 40, current_date - 10, 5100, 0 FROM users WHERE email = ?`,
		uuid.NewString(), buyer)
	var available int64
	scan(`SELECT coalesce(sum(remaining_minor), 0) FROM credit_notes n JOIN users u ON u.tenant_id = n.tenant_id AND u.customer_id = n.customer_id
		WHERE u.email = ? AND n.status = 'open' AND n.currency = 'USD'`, []any{buyer}, &available)

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
	deliver := func(body []byte) {
		t.Helper()
		sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: whsec, Timestamp: time.Now()})
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
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	step("sign in",
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", finance),
		browsertest.Fill("#password", password),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	step("payment methods", chromedp.Navigate(origin+"/portal/account?tab=payment-methods"), chromedp.WaitVisible(chromedp.CSS("#cards-empty")),
		chromedp.WaitVisible(chromedp.CSS("#cards-add")))
	step("add a card", chromedp.Click(chromedp.CSS("#cards-add")),
		// js.stripe.com is unreachable here: the tab says so (online, the
		// Payment Element mounts).
		until(`document.querySelector("#cards-message") !== null || document.querySelector("#card-setup-element iframe") !== null`))
	browsertest.Screenshot(t, ctx, "cards-add-phone")
	var cus string
	scan(`SELECT sc.stripe_customer_id FROM stripe_customers sc JOIN users u ON u.tenant_id = sc.tenant_id AND u.customer_id = sc.customer_id
		WHERE u.email = ? AND sc.stripe_account = ?`, []any{finance, account}, &cus)

	// Stripe saved the card: its signed event lists it.
	deliver([]byte(fmt.Sprintf(`{"id":"evt_e2e_seti","object":"event","type":"setup_intent.succeeded","account":%q,"created":%d,
		"api_version":"2026-08-26.dahlia","data":{"object":{"id":"seti_1E2E","object":"setup_intent","status":"succeeded","customer":%q,
		"payment_method":"pm_1E2ECard"}}}`, account, time.Now().Unix(), cus)))
	step("card listed", chromedp.Navigate(origin+"/portal/account?tab=payment-methods"),
		until(`document.querySelectorAll("#cards-list .saved-card").length === 1`),
		until(`document.querySelector("#cards-list .saved-card .chip") !== null`))
	if got := textOf("#cards-list .saved-card__label"); got != "Visa •••• 4242, expires 08/2030" {
		t.Errorf("saved card shows %q", got)
	}
	browsertest.Screenshot(t, ctx, "cards-listed-phone")

	// Pay with it: the dialog offers the default card; the server confirms.
	step("pay with the saved card", chromedp.Navigate(origin+"/portal/invoices/"+inv), chromedp.WaitVisible(chromedp.CSS("#invoice-pay-now")),
		chromedp.Click(chromedp.CSS("#invoice-pay-now")), chromedp.WaitVisible(chromedp.CSS("#pay-cards")),
		until(`document.querySelector("#pay-cards .pay-card").checked === true`),
		chromedp.Click(chromedp.CSS("#pay-saved")),
		until(`document.querySelector("#pay-message") !== null || document.querySelector("#invoice-status .chip").textContent === "Paid"`))
	browsertest.Screenshot(t, ctx, "cards-pay-phone")
	var intent, method string
	var amount int64
	scan(`SELECT a.payment_intent_id, coalesce(a.payment_method_id, ''), a.amount_minor FROM payment_attempts a
		JOIN payment_attempt_invoices ai ON ai.tenant_id = a.tenant_id AND ai.attempt_id = a.id WHERE ai.invoice_id = ?`, []any{inv}, &intent, &method, &amount)
	if method != "pm_1E2ECard" || amount != 27500 {
		t.Errorf("attempt paid with %q for %d, want pm_1E2ECard for 27500", method, amount)
	}
	// stripe-mock answers a confirmation with its fixture's status
	// (requires_payment_method, shown as declined); Stripe's success event
	// then pays the invoice.
	t.Logf("pay dialog after the server's confirmation: %s", textOf("#pay-dialog"))
	deliver([]byte(fmt.Sprintf(`{"id":"evt_e2e_card_paid","object":"event","type":"payment_intent.succeeded","account":%q,"created":%d,
		"api_version":"2026-08-26.dahlia","data":{"object":{"id":%q,"object":"payment_intent","status":"succeeded","amount":%d,
		"amount_received":%d,"currency":"usd"}}}`, account, time.Now().Unix(), intent, amount, amount)))
	step("paid", chromedp.Click(chromedp.CSS("#pay-close")),
		until(`document.querySelector("#invoice-status .chip") && document.querySelector("#invoice-status .chip").textContent === "Paid"`))

	// The receipt and the credit note.
	step("receipts", chromedp.Navigate(origin+"/portal/receipts"), chromedp.WaitVisible(chromedp.CSS("#receipts-table")),
		until(`[...document.querySelectorAll(".receipt-row")].some(r => r.textContent.includes("INV-E2E-CARD"))`))
	if got := parseMoney(t, textOf(`.receipt-row:first-child .receipt-amount`)); got != 27500 {
		t.Errorf("newest receipt shows %q", textOf(`.receipt-row:first-child .receipt-amount`))
	}
	browsertest.Screenshot(t, ctx, "receipts-phone")
	step("credit notes", chromedp.Navigate(origin+"/portal/credit-notes"), chromedp.WaitVisible(chromedp.CSS("#credit-notes-table")),
		until(`document.querySelector('[data-credit-note="CN-E2E-1"]') !== null`))
	if got := parseMoney(t, textOf(`[data-credit-note="CN-E2E-1"] .credit-remaining`)); got != 8000 {
		t.Errorf("CN-E2E-1 remaining shows %q", textOf(`[data-credit-note="CN-E2E-1"] .credit-remaining`))
	}
	if got := parseMoney(t, textOf("#credit-available-USD")); got != available {
		t.Errorf("available credit shows %q, the database says %d", textOf("#credit-available-USD"), available)
	}
	browsertest.Screenshot(t, ctx, "credit-notes-phone")

	// The invoice list's due-date range and sort: what the database says.
	cutoff := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
	var dueBy int
	var earliest string
	scan(`SELECT count(*), min(i.invoice_number) FILTER (WHERE i.due_date = (SELECT min(due_date) FROM invoices j WHERE j.tenant_id = i.tenant_id
			AND j.customer_id = i.customer_id)) FROM invoices i JOIN users u ON u.tenant_id = i.tenant_id AND u.customer_id = i.customer_id
		WHERE u.email = ? AND i.due_date <= ?`, []any{buyer, cutoff}, &dueBy, &earliest)
	step("invoices due by yesterday", chromedp.Navigate(origin+"/portal/invoices"), chromedp.WaitVisible(chromedp.CSS("#invoices-table")),
		browsertest.Fill("#invoices-due-to", cutoff),
		until(fmt.Sprintf(`document.querySelectorAll("#invoices-table tbody tr").length === %d`, min(dueBy, 20))),
		until(`document.querySelector('[data-invoice="INV-E2E-CARD"]') === null`),
		browsertest.Fill("#invoices-sort", "due_date:asc"),
		until(fmt.Sprintf(`document.querySelector("#invoices-table tbody tr").dataset.invoice === %q`, earliest)))
	browsertest.Screenshot(t, ctx, "invoices-filtered-phone")

	// Remove the card (asked twice).
	step("remove", chromedp.Navigate(origin+"/portal/account?tab=payment-methods"), chromedp.WaitVisible(chromedp.CSS("#cards-list .card-remove")),
		chromedp.Click(chromedp.CSS("#cards-list .card-remove")), until(`document.querySelector("#cards-list .card-remove").textContent === "Remove this card?"`),
		chromedp.Click(chromedp.CSS("#cards-list .card-remove")), chromedp.WaitVisible(chromedp.CSS("#cards-empty")))
	var left int
	scan(`SELECT count(*) FROM payment_methods WHERE payment_method_id = 'pm_1E2ECard'`, nil, &left)
	if left != 0 {
		t.Errorf("%d rows of the removed card", left)
	}

	// A Buyer has no payment methods tab.
	step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	step("buyer", browsertest.Fill("#email", buyer), browsertest.Fill("#password", password), browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
		chromedp.Navigate(origin+"/portal/account?tab=payment-methods"), chromedp.WaitVisible(chromedp.CSS("#tab-profile")),
		until(`document.querySelector("#tab-payment-methods") === null && document.querySelector("#cards") === null`))
}
