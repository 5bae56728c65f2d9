package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserCheckout: at phone width a Buyer of an account that requires
// PO numbers adds two products through quick order, steps one quantity up
// in the cart, checks out on account with a PO number and sees the
// confirmation; the order is in the database (source portal, the stepped
// quantity, the PO number) with order.created in the outbox, and the cart
// is empty.
func TestBrowserCheckout(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, password = "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"
	inTx, _ := tenantTx(t, d, "acme-metals")
	var codes []string
	var shipping int
	inTx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET po_required = true WHERE id = (SELECT customer_id FROM users WHERE email = ?)`, buyer); err != nil {
			return err
		}
		if err := tx.NewRaw(`SELECT code FROM products WHERE active AND list_price_minor > 0 ORDER BY code LIMIT 2`).Scan(ctx, &codes); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM addresses a JOIN users u ON u.tenant_id = a.tenant_id AND u.customer_id = a.customer_id
			WHERE u.email = ? AND a.kind = 'shipping'`, buyer).Scan(&shipping)
	})
	if len(codes) != 2 {
		t.Fatalf("demo catalog codes: %v", codes)
	}

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	step("phone", browsertest.Emulate(browsertest.Phone))
	step("sign in",
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", buyer),
		browsertest.Fill("#password", password),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	step("quick order", chromedp.Navigate(origin+"/portal/quick-order"), chromedp.WaitVisible(chromedp.CSS("#quick-order-text")),
		browsertest.Fill("#quick-order-text", "NO-SUCH-CODE, 1"),
		browsertest.Submit("#quick-order-form"),
		until(`document.querySelector("#quick-order-errors") !== null && document.querySelector("#quick-order-errors").textContent.includes("Line 1")`))
	browsertest.Screenshot(t, ctx, "quick-order-error-phone")
	step("quick order lines", browsertest.Fill("#quick-order-text", codes[0]+", 2\n"+codes[1]+", 1"),
		browsertest.Submit("#quick-order-form"),
		until(`location.pathname === "/portal/cart"`),
		until(`document.querySelectorAll("#cart-lines .cart-line").length === 2`),
		until(`document.querySelector("#cart-count") !== null && document.querySelector("#cart-count").textContent === "2"`))
	step("step a quantity up", chromedp.Click(chromedp.CSS(`#cart-lines .cart-line:first-child .stepper--up`)),
		until(`document.querySelector("#cart-lines .cart-line:first-child .cart-line__quantity").value === "3"`))
	// Freight and tax are estimated for the account's default shipping
	// address (Chicago: the demo's US-IL rate) and standard delivery.
	if shipping > 0 {
		step("cart estimate", until(`document.querySelector("#cart-freight") !== null && document.querySelector("#cart-tax") !== null &&
			document.querySelector("#cart-estimate").textContent.includes("Estimated tax (8.25%)")`))
	}
	browsertest.Screenshot(t, ctx, "cart-phone")

	var fill []chromedp.Action[chromedp.Void]
	if shipping == 0 {
		fill = append(fill, browsertest.Fill("#ship-line1", "77 Dock Rd"), browsertest.Fill("#ship-city", "Erie"), browsertest.Fill("#ship-country", "US"))
	}
	step("checkout", append([]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#cart-checkout")),
		until(`location.pathname === "/portal/checkout"`), chromedp.WaitVisible(chromedp.CSS("#checkout-place"))}, fill...)...)
	step("PO number", browsertest.Fill("#checkout-po", "PO-E2E-7788"))
	if shipping > 0 {
		// Express has freight whatever the order's size: the estimate row
		// changes with the method.
		step("checkout estimate", until(`document.querySelector("#checkout-freight") !== null && document.querySelector("#checkout-tax") !== null`))
		standard := strings.TrimSpace(b.text("#checkout-freight"))
		step("express", chromedp.Click(chromedp.CSS("#checkout-method-express")),
			until(`document.querySelector("#checkout-freight").textContent.trim() !== `+fmt.Sprintf("%q", standard)),
			until(`document.querySelector("#checkout-freight").textContent.includes("195.00")`))
	}
	browsertest.Screenshot(t, ctx, "checkout-phone")
	// A double tap on "Place order": one order.
	step("place order", until(`(() => { const b = document.querySelector("#checkout-place"); b.click(); b.click(); return true })()`),
		chromedp.WaitVisible(chromedp.CSS("#checkout-confirmation")))
	number := strings.TrimSpace(b.text("#confirmation-number"))
	shipDate := strings.TrimSpace(b.text("#confirmation-ship-date"))
	total := strings.TrimSpace(b.text("#confirmation-total"))
	freight, tax := strings.TrimSpace(b.text("#confirmation-freight")), strings.TrimSpace(b.text("#confirmation-tax"))
	browsertest.Screenshot(t, ctx, "checkout-confirmation-phone")
	if !strings.HasPrefix(number, "SO-") || shipDate == "" || total == "" {
		t.Errorf("confirmation shows %q, %q, %q", number, shipDate, total)
	}

	var orders, events, cartLines int
	var po, source string
	var qty float64
	var totalMinor, freightMinor, taxMinor int64
	inTx(func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders o JOIN users u ON u.tenant_id = o.tenant_id AND u.customer_id = o.customer_id
			WHERE u.email = ? AND o.source = 'portal'`, buyer).Scan(&orders); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT o.po_number, o.source, o.total_minor, o.freight_minor, o.tax_minor, l.quantity FROM orders o
			JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id AND l.line_no = 1 WHERE o.order_number = ?`, number).
			Scan(&po, &source, &totalMinor, &freightMinor, &taxMinor, &qty); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox_events e JOIN orders o ON o.tenant_id = e.tenant_id AND o.id = e.subject_id
			WHERE o.order_number = ? AND e.event_type = 'order.created' AND e.payload->>'source' = 'portal'`, number).Scan(&events); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM cart_lines c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
			WHERE u.email = ?`, buyer).Scan(&cartLines)
	})
	if orders != 1 || po != "PO-E2E-7788" || source != "portal" || qty != 3 || events != 1 || cartLines != 0 {
		t.Errorf("database: %d portal orders, po %q, source %q, first line %v, %d order.created, %d cart lines", orders, po, source, qty, events, cartLines)
	}
	if got := parseMoney(t, total); got != totalMinor {
		t.Errorf("confirmation total %q, the order's %d", total, totalMinor)
	}
	if parseMoney(t, freight) != freightMinor || parseMoney(t, tax) != taxMinor || shipping > 0 && (freightMinor != 19500 || taxMinor == 0) {
		t.Errorf("confirmation freight %q and tax %q, the order's %d and %d", freight, tax, freightMinor, taxMinor)
	}
	step("cart empty", chromedp.Navigate(origin+"/portal/cart"), chromedp.WaitVisible(chromedp.CSS("#cart-empty")))
	// Acme Metals takes no guest orders: the guest checkout says so.
	step("guest checkout closed", chromedp.Navigate(origin+"/portal/guest-checkout"), chromedp.WaitVisible(chromedp.CSS("#guest-closed")))
}
