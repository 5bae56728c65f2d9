package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserReorderAndApproval walks issue 8's reorder and approvals at
// phone width on the demo tenant. A Buyer reorders an old order whose
// product's list price has risen since: the changed price is highlighted
// beside the previous one, the order is placed once however often Place
// Order is pressed, and the confirmation shows its number, ship date and
// total. Then the account's Admin sets an approval rule in
// /portal/approvals, the Buyer's next reorder waits for approval (no
// order.created), and the Admin approves it there (order.created written).
func TestBrowserReorderAndApproval(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, logs := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, admin, password = "buyer@lakeshore-fab.example.com", "admin@lakeshore-fab.example.com", "Portal-Demo-2026!"

	owner := d.OpenOwner(t)
	tn, err := owner.FindTenantBySlug(context.Background(), "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	inTenant := func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := owner.InTx(context.Background(), tn.ID, fn); err != nil {
			t.Fatal(err)
		}
	}
	// The buyer's oldest delivered or invoiced order whose first line's
	// product is still sold; its list price goes up by $12.34 (the demo
	// order was priced at the list price of its day).
	var orderID, orderNumber, productID string
	var lineNo int
	var oldUnit, newUnit int64
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT o.id::text, o.order_number, l.line_no, l.product_id::text, l.unit_price_minor
			FROM orders o JOIN users u ON u.tenant_id = o.tenant_id AND u.customer_id = o.customer_id
			JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
			JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
			WHERE u.email = ? AND o.status IN ('delivered', 'invoiced') AND p.active AND p.currency = o.currency
			ORDER BY o.order_date, o.order_number, l.line_no LIMIT 1`, buyer).Scan(&orderID, &orderNumber, &lineNo, &productID, &oldUnit); err != nil {
			return err
		}
		newUnit = oldUnit + 1234
		_, err := tx.ExecContext(ctx, `UPDATE products SET list_price_minor = ? WHERE id = ?`, newUnit, productID)
		return err
	})
	// What the screen must show is what the API prices (contract prices,
	// breaks and promotions included): the test asks it as the browser's
	// user.
	apiReorder := func(lines string) api.Reorder {
		t.Helper()
		js := `fetch("/api/v1/orders/` + orderID + `/reorder` + map[bool]string{true: "", false: "/preview"}[lines == ""] + `", ` +
			map[bool]string{true: `{}`, false: `{method: "POST", headers: {"Content-Type": "application/json"}, body: ` + strconv.Quote(lines) + `}`}[lines == ""] +
			`).then(r => r.ok ? r.text() : Promise.reject(new Error(r.status)))`
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("reorder API: %v", err)
		}
		var r api.Reorder
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	lineOf := func(r api.Reorder) api.ReorderLine {
		for _, l := range r.Lines {
			if l.LineNo == lineNo {
				return l
			}
		}
		t.Fatalf("no line %d in %+v", lineNo, r)
		return api.ReorderLine{}
	}
	n := strconv.Itoa(lineNo)
	count := func(q string, args ...any) int {
		t.Helper()
		var c int
		inTenant(func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&c) })
		return c
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
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return s
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
	signOut := func() {
		t.Helper()
		step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	}
	// reorder opens the reorder screen from the order page's Reorder.
	reorder := func(name string) {
		t.Helper()
		step(name,
			chromedp.Navigate(origin+"/portal/orders/"+orderID),
			chromedp.WaitVisible(chromedp.CSS("#order-reorder")),
			chromedp.Click(chromedp.CSS("#order-reorder")),
			chromedp.WaitVisible(chromedp.CSS("#reorder-lines")),
			until(`location.pathname === "/portal/orders/`+orderID+`/reorder"`),
		)
	}
	// place sets the line's quantity, waits for the server's new total,
	// and presses Place Order twice at once.
	place := func(name, qty, po string) {
		t.Helper()
		want := lineOf(apiReorder(`{"lines":[{"line_no":` + n + `,"quantity":"` + qty + `"}]}`)).Total.Amount
		step(name+" quantity",
			browsertest.Fill("#qty-"+n, qty),
			until(`document.querySelector("#line-total-`+n+`").textContent.replace(/[^0-9]/g, "") === "`+strconv.FormatInt(want, 10)+`"`),
			until(`!document.querySelector("#reorder-place").disabled`),
			browsertest.Fill("#reorder-po", po),
		)
		step(name,
			until(`(() => { const b = document.querySelector("#reorder-place"); b.click(); b.click(); return true })()`),
			chromedp.WaitVisible(chromedp.CSS("#reorder-confirmation")),
		)
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	signIn(buyer)
	// The orders list offers Reorder on each row.
	step("orders list", chromedp.Navigate(origin+"/portal/orders?range=all"), chromedp.WaitVisible(chromedp.CSS("#orders")),
		until(`document.querySelectorAll("#orders a.reorder-link").length > 0`))
	reorder("reorder screen")
	if got := textOf("#reorder-title"); got != "Reorder from Order "+orderNumber {
		t.Errorf("title %q", got)
	}
	line := lineOf(apiReorder(""))
	if !line.PriceChanged || line.OriginalPrice.Amount != oldUnit {
		t.Fatalf("the API does not see the price change: %+v", line)
	}
	if got := parseMoney(t, textOf("#prev-price-"+n)); got != oldUnit {
		t.Errorf("previous price %d, want %d", got, oldUnit)
	}
	if got := parseMoney(t, textOf("#current-price-"+n)); got != line.CurrentPrice.Amount {
		t.Errorf("current price %d, the API says %d (list price now %d)", got, line.CurrentPrice.Amount, newUnit)
	}
	if eval(`String(!!document.querySelector("#current-price-`+n+` .price--changed"))`) != "true" {
		t.Errorf("the changed price is not highlighted")
	}
	if !strings.Contains(textOf("#reorder-warnings"), "changed") ||
		eval(`String(!!document.querySelector('#reorder-warnings [data-type="price_changed"]'))`) != "true" {
		t.Errorf("no price_changed warning: %q", textOf("#reorder-warnings"))
	}
	if href := eval(`document.querySelector("#reorder-quote").getAttribute("href")`); href != "/portal/quotes/new?from_order="+orderID {
		t.Errorf("Request Quote Instead links %q", href)
	}
	if textOf("#reorder-estimate-note") == "" {
		t.Errorf("no note on what freight and tax are")
	}
	// Every line but the edited one is left out, so the total is its own.
	step("exclude the others", until(`(() => { document.querySelectorAll('#reorder-lines input[type=checkbox]:not(:disabled)').forEach(c => {
		if (c.id !== "include-`+n+`" && c.checked) { c.click() } }); return true })()`),
		until(`[...document.querySelectorAll('#reorder-lines input[type=checkbox]')].filter(c => c.checked).length === 1`))
	browsertest.Screenshot(t, ctx, "reorder-phone")
	place("place order", "2", "PO-REORDER-E2E")
	browsertest.Screenshot(t, ctx, "reorder-confirmation-phone")
	number := textOf("#confirm-number")
	var placedTotal int64
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT total_minor FROM orders WHERE order_number = ?`, number).Scan(&placedTotal)
	})
	if got := parseMoney(t, textOf("#confirm-total")); got != placedTotal || placedTotal == 0 {
		t.Errorf("confirmed total %d, the order's %d", got, placedTotal)
	}
	if textOf("#confirm-ship") == "" || !strings.Contains(textOf("#confirm-status"), "Received") {
		t.Errorf("confirmation ship date %q, status %q", textOf("#confirm-ship"), textOf("#confirm-status"))
	}
	if c := count(`SELECT count(*) FROM orders WHERE po_number = 'PO-REORDER-E2E' AND source = 'portal'`); c != 1 {
		t.Errorf("%d orders placed by a double click, want 1", c)
	}
	if c := count(`SELECT count(*) FROM orders o JOIN outbox_events e ON e.tenant_id = o.tenant_id AND e.subject_id = o.id
		WHERE o.order_number = ? AND e.event_type = 'order.created'`, number); c != 1 {
		t.Errorf("order %s has %d order.created events", number, c)
	}
	signOut()

	// The Admin: Buyers' orders above $1.00 need approval.
	signIn(admin)
	step("approvals screen", chromedp.Navigate(origin+"/portal/approvals"), chromedp.WaitVisible(chromedp.CSS("#rule-form")),
		browsertest.Fill("#rule-threshold", "1.00"), browsertest.Submit("#rule-form"),
		until(`document.querySelector("#rules-list") && document.querySelector("#rules-list").textContent.includes("$1.00")`))
	signOut()

	signIn(buyer)
	reorder("reorder again")
	if eval(`String(!!document.querySelector("#reorder-approval-note"))`) != "true" {
		t.Errorf("the screen does not say the order needs approval")
	}
	place("place for approval", "3", "PO-APPROVE-E2E")
	if got := textOf("#confirm-title"); !strings.Contains(got, "approval") || !strings.Contains(textOf("#confirm-status"), "Awaiting Approval") {
		t.Errorf("confirmation %q, status %q", got, textOf("#confirm-status"))
	}
	browsertest.Screenshot(t, ctx, "reorder-awaiting-approval-phone")
	var heldID string
	inTenant(func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id::text FROM orders WHERE po_number = 'PO-APPROVE-E2E' AND status = 'draft'`).Scan(&heldID)
	})
	if c := count(`SELECT count(*) FROM outbox_events WHERE subject_id = ?`, heldID); c != 0 {
		t.Errorf("the order awaiting approval has %d events, want none", c)
	}
	step("the buyer's order page", chromedp.Click(chromedp.CSS("#confirm-view")), chromedp.WaitVisible(chromedp.CSS("#order-approval")),
		until(`document.querySelector("#order-status").textContent.includes("Awaiting Approval")`))
	signOut()

	signIn(admin)
	step("approve",
		chromedp.Navigate(origin+"/portal/approvals"),
		chromedp.WaitVisible(chromedp.CSS("#approve-"+heldID)),
		browsertest.Fill("#comment-"+heldID, "Approved for the Q1 project"),
	)
	browsertest.Screenshot(t, ctx, "approvals-pending-phone")
	step("approved", chromedp.Click(chromedp.CSS("#approve-"+heldID)),
		until(`document.querySelector("#approval-status-`+heldID+`").textContent === "Approved"`))
	browsertest.Screenshot(t, ctx, "approvals-approved-phone")
	if c := count(`SELECT count(*) FROM orders o JOIN outbox_events e ON e.tenant_id = o.tenant_id AND e.subject_id = o.id
		WHERE o.id = ? AND o.status = 'pending_review' AND e.event_type = 'order.created' AND e.payload->>'source' = 'portal'`, heldID); c != 1 {
		t.Errorf("the approved order is not released (%d)", c)
	}
	if !strings.Contains(logs.String(), "awaits your approval") {
		t.Errorf("no approval e-mail in the log")
	}
}
