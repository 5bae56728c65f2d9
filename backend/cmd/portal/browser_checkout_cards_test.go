package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/backend/internal/stripe/stripetest"
)

// stripeEnv points the server of env at stripe-mock (behind a recorder
// the test shapes) with test keys, and gives the tenant slug the
// connected account.
func stripeEnv(t *testing.T, env testEnv) *stripetest.Recorder {
	t.Helper()
	u, rec := stripetest.Server(t)
	env["PORTAL_STRIPE_SECRET_KEY"] = "sk_test_e2e"
	env["PORTAL_STRIPE_PUBLISHABLE_KEY"] = "pk_test_e2e_checkout"
	env["PORTAL_STRIPE_WEBHOOK_SECRET"] = "whsec_e2e_checkout"
	env["PORTAL_STRIPE_API_URL"] = u
	return rec
}

// TestBrowserCheckoutSavedCard: at phone width the demo Admin of
// Lakeshore Fabrication (an Admin reads the account's cards and orders;
// Finance reads cards but does not order, a Buyer orders but does not read
// cards) fills the cart by quick order, chooses "Pay by card" at checkout,
// where the saved cards are listed with the default chosen, places the
// order and sees the confirmation with the payment made: the server
// created one PaymentIntent with the account's Stripe Customer and the
// default card and confirmed it once (Stripe, here stripe-mock behind a
// recorder, answers succeeded). A Buyer of the same account is offered no
// saved cards.
func TestBrowserCheckoutSavedCard(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	rec := stripeEnv(t, env)
	rec.SetIntentStatus("POST", regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`), "succeeded")
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const admin, buyer, password = "admin@lakeshore-fab.example.com", "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"
	const account = "acct_1E2ECheckout"
	inTx, tn := tenantTx(t, d, "acme-metals")
	exec := func(q string, args ...any) {
		t.Helper()
		inTx(func(ctx context.Context, tx bun.Tx) error { _, err := tx.ExecContext(ctx, q, args...); return err })
	}
	exec(`UPDATE tenants SET settings = settings || jsonb_build_object('stripe_account', ?::text) WHERE id = ?`, account, tn)
	exec(`INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
		SELECT tenant_id, customer_id, ?, 'cus_1E2ELakeshore', now() FROM users WHERE email = ?`, account, admin)
	defaultCard, otherCard := uuid.NewString(), uuid.NewString()
	exec(`INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4, exp_month, exp_year, is_default, created_at)
		SELECT tenant_id, ?::uuid, customer_id, ?, 'pm_1E2EOther', 'mastercard', '4444', 3, 2031, false, now() - interval '1 day' FROM users WHERE email = ?
		UNION ALL
		SELECT tenant_id, ?::uuid, customer_id, ?, 'pm_1E2EDefault', 'visa', '4242', 8, 2030, true, now() FROM users WHERE email = ?`,
		otherCard, account, admin, defaultCard, account, admin)
	var code string
	inTx(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT code FROM products p WHERE active AND list_price_minor > 0 AND NOT exclusive
			AND NOT EXISTS (SELECT 1 FROM product_required_dimensions d WHERE d.tenant_id = p.tenant_id AND d.product_id = p.id) ORDER BY code LIMIT 1`).Scan(&code)
	})

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	signIn := func(email string) {
		t.Helper()
		step("sign in "+email, chromedp.Navigate(origin+"/portal/login"), chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email), browsertest.Fill("#password", password), browsertest.Submit("#signin"),
			chromedp.WaitVisible(chromedp.CSS("#signout")))
	}
	toCheckout := func() {
		t.Helper()
		step("quick order", chromedp.Navigate(origin+"/portal/quick-order"), chromedp.WaitVisible(chromedp.CSS("#quick-order-text")),
			browsertest.Fill("#quick-order-text", code+", 2"), browsertest.Submit("#quick-order-form"),
			until(`location.pathname === "/portal/cart"`), until(`document.querySelectorAll("#cart-lines .cart-line").length >= 1`))
		step("checkout", chromedp.Click(chromedp.CSS("#cart-checkout")), until(`location.pathname === "/portal/checkout"`),
			chromedp.WaitVisible(chromedp.CSS("#checkout-place")), browsertest.Fill("#checkout-po", "PO-E2E-CARD"))
		var shipping int
		inTx(func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM addresses a JOIN users u ON u.tenant_id = a.tenant_id AND u.customer_id = a.customer_id
				WHERE u.email = ? AND a.kind = 'shipping'`, admin).Scan(&shipping)
		})
		if shipping == 0 {
			step("shipping address", browsertest.Fill("#ship-line1", "77 Dock Rd"), browsertest.Fill("#ship-city", "Erie"), browsertest.Fill("#ship-country", "US"))
		}
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	signIn(admin)
	toCheckout()
	step("pay by card", chromedp.Click(chromedp.CSS("#checkout-pay-card")), chromedp.WaitVisible(chromedp.CSS("#checkout-cards")),
		until(`document.querySelectorAll("#checkout-cards .checkout-saved-card").length === 2`),
		until(fmt.Sprintf(`document.querySelector("#checkout-card-%s").checked === true && document.querySelector("#checkout-card-%s").checked === false`,
			defaultCard, otherCard)))
	browsertest.Screenshot(t, ctx, "checkout-saved-cards-phone")
	step("place order", chromedp.Click(chromedp.CSS("#checkout-place")), chromedp.WaitVisible(chromedp.CSS("#checkout-confirmation")),
		until(`document.querySelector("#checkout-card-message") !== null`))
	number := strings.TrimSpace(b.text("#confirmation-number"))
	total := strings.TrimSpace(b.text("#confirmation-total"))
	paidMsg := strings.TrimSpace(b.text("#checkout-card-message"))
	browsertest.Screenshot(t, ctx, "checkout-paid-by-card-phone")
	if !strings.HasPrefix(number, "SO-") || !strings.Contains(paidMsg, "Paid with Visa •••• 4242") {
		t.Errorf("confirmation: number %q, payment %q", number, paidMsg)
	}
	var status, payment, intent string
	var totalMinor int64
	inTx(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT c.payment, c.payment_status, c.payment_intent_id, o.total_minor FROM checkout_orders c
			JOIN orders o ON o.tenant_id = c.tenant_id AND o.id = c.order_id WHERE o.order_number = ?`, number).Scan(&payment, &status, &intent, &totalMinor)
	})
	if payment != "card" || status != "succeeded" {
		t.Errorf("checkout recorded %q, %q; want card, succeeded", payment, status)
	}
	if got := parseMoney(t, total); got != totalMinor {
		t.Errorf("confirmation total %q, the order's %d", total, totalMinor)
	}
	creates := rec.Requests("POST", "/v1/payment_intents")
	if len(creates) != 1 || creates[0].Form.Get("payment_method") != "pm_1E2EDefault" || creates[0].Form.Get("customer") != "cus_1E2ELakeshore" ||
		creates[0].Form.Get("amount") != fmt.Sprint(totalMinor) || creates[0].Header.Get("Stripe-Account") != account {
		t.Errorf("intents created: %+v", creates)
	}
	if n := len(rec.Requests("POST", "/v1/payment_intents/"+intent+"/confirm")); n != 1 {
		t.Errorf("%d confirmations, want 1", n)
	}

	// A Buyer orders but may not use the account's cards: by card means a
	// new card, entered after placing the order.
	step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	signIn(buyer)
	toCheckout()
	step("buyer pays by card", chromedp.Click(chromedp.CSS("#checkout-pay-card")), chromedp.WaitVisible(chromedp.CSS("#checkout-card-note")),
		until(`document.querySelector("#checkout-cards") === null`))
	browsertest.Screenshot(t, ctx, "checkout-buyer-card-phone")
}

// TestBrowserGuestCheckout: on a tenant that lets visitors browse with
// prices and order as guests (acme-metals with guest_browse,
// price_visibility public and guest_checkout set), a visitor at phone
// width opens the shop, searches, adds a product to the cart their
// browser keeps, checks out as a guest entering contact and address, and
// sees the confirmation with the order number and total; the order
// belongs to the tenant's guest customer with the visitor's contact, and
// the confirmation e-mail is sent (the log-only mailer writes it to the
// server's log).
func TestBrowserGuestCheckout(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	rec := stripeEnv(t, env)
	ctx := browsertest.New(t)
	port, out := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	inTx, tn := tenantTx(t, d, "acme-metals")
	inTx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tenants SET settings = settings || jsonb_build_object('stripe_account', 'acct_1E2EGuest',
			'guest_browse', true, 'price_visibility', 'public', 'guest_checkout', true) WHERE id = ?`, tn)
		return err
	})
	var productID, code, name string
	inTx(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id::text, code, name FROM products p WHERE active AND list_price_minor > 0 AND NOT exclusive
			AND NOT EXISTS (SELECT 1 FROM product_required_dimensions d WHERE d.tenant_id = p.tenant_id AND d.product_id = p.id) ORDER BY code LIMIT 1`).
			Scan(&productID, &code, &name)
	})
	const email = "gail.guest@example.net"

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	step("phone", browsertest.Emulate(browsertest.Phone))
	step("shop", chromedp.Navigate(origin+api.PageShop), chromedp.WaitVisible(chromedp.CSS("#shop-results")),
		until(`document.querySelector("#signout") === null`))
	step("search", browsertest.Fill("#shop-q", code), browsertest.Submit("#shop-search"),
		until(fmt.Sprintf(`document.querySelector("#shop-product-%s") !== null`, productID)))
	browsertest.Screenshot(t, ctx, "guest-shop-search-phone")
	step("product", chromedp.Click(chromedp.CSS("#shop-product-"+productID)), until(fmt.Sprintf(`location.pathname === %q`, api.PageShop+"/"+productID)),
		chromedp.WaitVisible(chromedp.CSS("#product-add")))
	step("add to cart", browsertest.Fill("#product-qty", "3"), chromedp.Click(chromedp.CSS("#product-add")),
		chromedp.WaitVisible(chromedp.CSS("#product-guest-checkout")))
	browsertest.Screenshot(t, ctx, "guest-added-phone")
	step("guest checkout", chromedp.Click(chromedp.CSS("#product-guest-checkout")), until(fmt.Sprintf(`location.pathname === %q`, api.PageGuestCheckout)),
		chromedp.WaitVisible(chromedp.CSS("#guest-name")),
		until(`document.querySelectorAll(".checkout-lines .checkout-line").length === 1`))
	step("contact and address", browsertest.Fill("#guest-name", "Gail Guest"), browsertest.Fill("#guest-email", email),
		browsertest.Fill("#guest-phone", "+1 312-555-0199"), browsertest.Fill("#ship-line1", "12 Harbor Way"),
		browsertest.Fill("#ship-city", "Chicago"), browsertest.Fill("#ship-region", "IL"), browsertest.Fill("#ship-postal", "60601"),
		browsertest.Fill("#ship-country", "US"))
	browsertest.Screenshot(t, ctx, "guest-checkout-phone")
	step("place order", chromedp.Click(chromedp.CSS("#checkout-place")), chromedp.WaitVisible(chromedp.CSS("#checkout-confirmation")))
	number := strings.TrimSpace(b.text("#confirmation-number"))
	total := strings.TrimSpace(b.text("#confirmation-total"))
	browsertest.Screenshot(t, ctx, "guest-confirmation-phone")
	if !strings.HasPrefix(number, "SO-") || total == "" {
		t.Fatalf("confirmation shows %q, %q", number, total)
	}

	var account, contact, contactEmail, payment, intent string
	var totalMinor int64
	var guest bool
	var qty float64
	inTx(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT cu.account_number, c.contact_name, c.contact_email, c.guest, c.payment, coalesce(c.payment_intent_id, ''),
				o.total_minor, l.quantity
			FROM checkout_orders c JOIN orders o ON o.tenant_id = c.tenant_id AND o.id = c.order_id
			JOIN customers cu ON cu.tenant_id = o.tenant_id AND cu.id = o.customer_id
			JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id AND l.line_no = 1
			WHERE o.order_number = ?`, number).Scan(&account, &contact, &contactEmail, &guest, &payment, &intent, &totalMinor, &qty)
	})
	if account != "GUEST" || contact != "Gail Guest" || contactEmail != email || !guest || payment != "card" || intent == "" || qty != 3 {
		t.Errorf("guest order: account %q, contact %q <%s>, guest %v, payment %q, intent %q, quantity %v", account, contact, contactEmail, guest, payment, intent, qty)
	}
	if got := parseMoney(t, total); got != totalMinor {
		t.Errorf("confirmation total %q, the order's %d", total, totalMinor)
	}
	if creates := rec.Requests("POST", "/v1/payment_intents"); len(creates) != 1 || creates[0].Form.Get("amount") != fmt.Sprint(totalMinor) {
		t.Errorf("intents created: %+v", creates)
	}
	// The confirmation e-mail goes out after the answer: one message to
	// the guest naming the order.
	mailed := func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, email) && strings.Contains(line, "Your order "+number) {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(15 * time.Second); !mailed() && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
	}
	if !mailed() {
		t.Errorf("no confirmation e-mail to %s for %s in the server's log", email, number)
	}
	if n := b.text("#checkout-confirmation"); !strings.Contains(n, "e-mailed") {
		t.Errorf("confirmation text %q", n)
	}
	// The browser's cart is emptied with the order.
	left, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem(`+fmt.Sprintf("%q", api.GuestCartStorageKey)+`) || ""`))
	if err != nil {
		t.Fatal(err)
	}
	if left != "" {
		t.Errorf("guest cart left in the browser: %s", left)
	}
}
