package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserListsReviewsAndHeldOrders walks issue 8's lists, reviews and
// held orders at phone width on the demo tenant, as a Buyer: "Add to
// list" on a product page makes a new list holding the product; the same
// dialog on a delivered order adds the whole order to that list; the
// order's "Rate product" opens the product's review form, and the review
// saved shows on the product page; an order held for approval shows as
// Awaiting Approval in My Orders, under the status filter's Awaiting
// Approval and among the dashboard's orders in progress.
func TestBrowserListsReviewsAndHeldOrders(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, password = "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"

	inTenant, _ := tenantTx(t, d, "acme-metals")
	count := func(q string, args ...any) int {
		t.Helper()
		var c int
		inTenant(func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&c) })
		return c
	}
	// The buyer's newest delivered order all of whose lines' products are
	// still sold, and its first line.
	var orderID, productID string
	var lineNo int
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT o.id::text, l.line_no, l.product_id::text
			FROM orders o JOIN users u ON u.tenant_id = o.tenant_id AND u.customer_id = o.customer_id
			JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
			WHERE u.email = ? AND o.status = 'delivered' AND l.product_id IS NOT NULL
				AND NOT EXISTS (SELECT FROM order_lines x LEFT JOIN products p ON p.tenant_id = x.tenant_id AND p.id = x.product_id
					WHERE x.tenant_id = o.tenant_id AND x.order_id = o.id AND (p.id IS NULL OR NOT p.active))
			ORDER BY o.order_date DESC, o.order_number, l.line_no LIMIT 1`, buyer).Scan(&orderID, &lineNo, &productID)
	})
	n := strconv.Itoa(lineNo)

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

	step("phone", browsertest.Emulate(browsertest.Phone))
	step("sign in",
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", buyer),
		browsertest.Fill("#password", password),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)

	// The product page: a new list, with the product in it.
	const listName = "E2E Job 77"
	step("product page", chromedp.Navigate(origin+"/portal/shop/"+productID), chromedp.WaitVisible(chromedp.CSS("#product-add-to-list")),
		browsertest.Fill("#product-qty", "3"),
		chromedp.Click(chromedp.CSS("#product-add-to-list")),
		chromedp.WaitVisible(chromedp.CSS("#product-list-new")),
		chromedp.Click(chromedp.CSS("#product-list-new")),
		chromedp.WaitVisible(chromedp.CSS("#product-list-name")),
		browsertest.Fill("#product-list-name", listName),
		until(`!document.querySelector("#product-list-save").disabled`),
	)
	browsertest.Screenshot(t, ctx, "lists-add-product-phone")
	step("product added", chromedp.Click(chromedp.CSS("#product-list-save")), chromedp.WaitVisible(chromedp.CSS("#product-list-added")))
	var listID string
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id::text FROM purchase_lists WHERE name = ?`, listName).Scan(&listID)
	})
	if c := count(`SELECT count(*) FROM purchase_list_items WHERE list_id = ? AND product_id = ? AND quantity_milli = 3000`, listID, productID); c != 1 {
		t.Errorf("the new list does not hold 3 of the product (%d)", c)
	}
	if got := textOf("#product-list-added"); !strings.Contains(got, listName) {
		t.Errorf("added note %q", got)
	}

	// The delivered order: the whole order into that list.
	step("order page", chromedp.Navigate(origin+"/portal/orders/"+orderID), chromedp.WaitVisible(chromedp.CSS("#order-add-to-list")),
		chromedp.Click(chromedp.CSS("#order-add-to-list")),
		chromedp.WaitVisible(chromedp.CSS("#order-list-"+listID)),
		chromedp.Click(chromedp.CSS("#order-list-"+listID)),
		until(`[...document.querySelectorAll("#order-list-lines input[type=checkbox]")].every(c => c.checked)`),
	)
	browsertest.Screenshot(t, ctx, "lists-add-order-phone")
	step("order added", chromedp.Click(chromedp.CSS("#order-list-save")), chromedp.WaitVisible(chromedp.CSS("#order-list-added")))
	if c := count(`SELECT count(*) FROM order_lines l WHERE l.order_id = ? AND l.product_id IS NOT NULL AND l.quantity > 0
		AND NOT EXISTS (SELECT FROM purchase_list_items i WHERE i.tenant_id = l.tenant_id AND i.list_id = ? AND i.product_id = l.product_id)`,
		orderID, listID); c != 0 {
		t.Errorf("%d of the order's products are not in the list", c)
	}

	// Rate the product of the delivered order's line; the review shows on
	// the product page.
	const review = "Cut clean and arrived on time (E2E)"
	step("rate", chromedp.WaitVisible(chromedp.CSS("#line-rate-"+n)), chromedp.Click(chromedp.CSS("#line-rate-"+n)),
		until(`location.pathname === "/portal/shop/`+productID+`"`),
		chromedp.WaitVisible(chromedp.CSS("#review-star-4")),
		chromedp.Click(chromedp.CSS("#review-star-4")),
		browsertest.Fill("#review-body", review),
		until(`!document.querySelector("#review-save").disabled`),
	)
	browsertest.Screenshot(t, ctx, "reviews-rate-phone")
	step("review saved", chromedp.Click(chromedp.CSS("#review-save")), chromedp.WaitVisible(chromedp.CSS("#review-saved")))
	step("review shown", chromedp.Navigate(origin+"/portal/shop/"+productID), chromedp.WaitVisible(chromedp.CSS("#reviews-list")),
		until(`document.querySelector("#reviews-list").textContent.includes(`+strconv.Quote(review)+`)`))
	if c := count(`SELECT count(*) FROM product_reviews r JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id
		WHERE u.email = ? AND r.product_id = ? AND r.rating = 4`, buyer, productID); c != 1 {
		t.Errorf("%d reviews of 4 stars saved", c)
	}

	// An order held for approval (as the approval rule leaves one: a draft
	// with a pending approval).
	heldID := uuid.NewString()
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, currency,
				subtotal_minor, total_minor, source)
			SELECT u.tenant_id, ?, u.customer_id, 'HELD-E2E-1', 'PO-HELD-E2E', 'draft', current_date, c.currency, 250000, 250000, 'portal'
			FROM users u JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id WHERE u.email = ?`, heldID, buyer); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO order_approvals (tenant_id, order_id, customer_id, status, requested_by_id, threshold_minor, created_at)
			SELECT u.tenant_id, ?, u.customer_id, 'pending', u.id, 100000, now() FROM users u WHERE u.email = ?`, heldID, buyer)
		return err
	})
	step("my orders", chromedp.Navigate(origin+"/portal/orders"), chromedp.WaitVisible(chromedp.CSS("#order-"+heldID)),
		until(`document.querySelector("#order-`+heldID+`").textContent.includes("Awaiting Approval")`),
		chromedp.WaitVisible(chromedp.CSS("#status-awaiting_approval")),
	)
	step("awaiting approval filter", chromedp.Navigate(origin+"/portal/orders?status=awaiting_approval"),
		chromedp.WaitVisible(chromedp.CSS("#order-"+heldID)),
		until(`document.querySelectorAll("#orders tbody tr.orders__row").length === 1`),
		until(`document.querySelector("#status-awaiting_approval").checked`),
	)
	browsertest.Screenshot(t, ctx, "orders-awaiting-approval-phone")
	step("dashboard", chromedp.Navigate(origin+"/portal"), chromedp.WaitVisible(chromedp.CSS("#orders-in-progress")),
		until(`document.querySelector("#orders-in-progress").textContent.includes("HELD-E2E-1")`),
		until(`document.querySelector("#orders-in-progress").textContent.includes("Awaiting Approval")`),
	)
	browsertest.Screenshot(t, ctx, "dashboard-awaiting-approval-phone")
}
