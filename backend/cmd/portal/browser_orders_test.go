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

// TestBrowserOrders walks the screens of issue 4 at phone width as a Buyer
// of the demo tenant: the dashboard's figures equal what the API answers
// the same user, the orders list filters by status and searches, an order
// shows its timeline and a shipment's tracking link, the shipments page
// opens the tracking dialog, and the account shows its Overview and
// Payments. An unknown order is "not found".
func TestBrowserOrders(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, password = "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"
	// The demo data has no payments yet: three for the buyer's account, so
	// the payment history has rows to show and to filter.
	owner := d.OpenOwner(t)
	tn, err := owner.FindTenantBySlug(context.Background(), "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	payments := []struct {
		ref, status string
		cents       int64
		on          string
	}{
		{"CHK-90017", "succeeded", 123456, "2026-11-02"},
		{"ACH-90018", "succeeded", 50000, "2026-11-20"},
		{"ACH-90019", "pending", 7525, "2026-12-01"},
	}
	err = owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range payments {
			_, err := tx.ExecContext(ctx, `INSERT INTO payments (tenant_id, id, customer_id, reference, method, status, amount_minor, received_on)
				SELECT c.tenant_id, gen_random_uuid(), c.id, ?, 'ach', ?, ?, ?::date FROM customers c
				JOIN users u ON u.customer_id = c.id AND u.tenant_id = c.tenant_id WHERE u.email = ?`, p.ref, p.status, p.cents, p.on, buyer)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
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
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return s
	}
	// apiGet asks the API as the signed-in user (the browser's cookie).
	apiGet := func(path string, v any) {
		t.Helper()
		body := eval(`fetch(` + strconv.Quote(path) + `).then(r => r.ok ? r.text() : Promise.reject(new Error(r.status)))`)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
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

	// Dashboard: the page shows the figures the API gives this user.
	step("dashboard", chromedp.Navigate(origin+"/portal"), chromedp.WaitVisible(chromedp.CSS("#account-summary")))
	var dash api.Dashboard
	apiGet(api.PathDashboard, &dash)
	if dash.Summary.TotalOrders == 0 || dash.InProgressCount == 0 || len(dash.RecentShipments) == 0 {
		t.Fatalf("the demo buyer's dashboard has no orders, orders in progress or shipments: %+v", dash)
	}
	if got := textOf("#welcome-title"); got != "Welcome back, "+dash.FirstName {
		t.Errorf("welcome = %q, want the first name %q", got, dash.FirstName)
	}
	if !strings.Contains(textOf("main"), dash.CompanyName) {
		t.Errorf("dashboard does not name the company %q", dash.CompanyName)
	}
	for id, want := range map[string]api.Money{
		"#open-balance": dash.Summary.OpenBalance, "#credit-limit": dash.Summary.CreditLimit,
		"#available-credit": dash.Summary.AvailableCredit, "#lifetime-sales": dash.Summary.LifetimeSales,
	} {
		if got := parseMoney(t, textOf(id)); got != want.Amount {
			t.Errorf("%s shows %q (%d cents), the API says %d", id, textOf(id), got, want.Amount)
		}
	}
	if got := textOf("#total-orders"); got != strconv.Itoa(dash.Summary.TotalOrders) {
		t.Errorf("total orders shows %q, the API says %d", got, dash.Summary.TotalOrders)
	}
	if got := textOf("#account-number"); got != dash.Summary.AccountNumber {
		t.Errorf("account number shows %q, want %q", got, dash.Summary.AccountNumber)
	}
	if got := textOf("#quick-orders-badge"); got != strconv.Itoa(dash.InProgressCount) {
		t.Errorf("orders badge shows %q, the API counts %d in progress", got, dash.InProgressCount)
	}
	if n := eval(`String(document.querySelectorAll("#orders-in-progress tbody tr").length)`); n != strconv.Itoa(min(5, len(dash.OrdersInProgress))) {
		t.Errorf("%s orders in progress listed, want %d", n, min(5, len(dash.OrdersInProgress)))
	}
	if lvl := eval(`document.querySelector("#available-credit .credit").className`); !strings.Contains(lvl, "credit--"+dash.Summary.CreditLevel) {
		t.Errorf("available credit class %q, want level %q", lvl, dash.Summary.CreditLevel)
	}
	if dash.SalesRep != nil {
		if href := eval(`document.querySelector("#rep-email").getAttribute("href")`); href != "mailto:"+dash.SalesRep.Email {
			t.Errorf("sales rep e-mail link %q", href)
		}
	}
	browsertest.Screenshot(t, ctx, "dashboard-phone")

	// A shipped order with tracking, to search for and open.
	var tracked api.Shipment
	for _, s := range dash.RecentShipments {
		if s.ShowTracking && s.TrackingURL != "" {
			tracked = s
			break
		}
	}
	if tracked.ID == "" {
		t.Fatalf("no recent shipment with tracking: %+v", dash.RecentShipments)
	}

	// Orders: filter by the status of the first order in progress.
	status := dash.OrdersInProgress[0].Status
	step("orders", chromedp.Click(chromedp.CSS("#quick-orders")), chromedp.WaitVisible(chromedp.CSS("#orders")))
	browsertest.Screenshot(t, ctx, "orders-phone")
	rowsHaveStatus := `(() => { const c = [...document.querySelectorAll("#orders tbody tr .chip")]; return c.length > 0 && c.every(x => x.dataset.status === "` + status.Code + `") })()`
	step("filter by status",
		chromedp.Click(chromedp.CSS("#status-"+status.Code)),
		until(`location.search.includes("status=`+status.Code+`")`),
		until(rowsHaveStatus),
	)
	var filtered api.OrderList
	apiGet(api.PathOrders+"?status="+status.Code+"&from="+time.Now().AddDate(0, 0, -90).Format("2006-01-02"), &filtered)
	if got := textOf("#orders-count"); !strings.HasSuffix(got, " of "+strconv.Itoa(filtered.Total)+" orders") {
		t.Errorf("status filter shows %q, the API has %d orders %s", got, filtered.Total, status.Code)
	}
	browsertest.Screenshot(t, ctx, "orders-filtered-phone")

	// A reload keeps the filter (it lives in the URL).
	step("reload keeps filter", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#orders")), until(rowsHaveStatus),
		until(`document.querySelector("#status-`+status.Code+`").checked`))

	// Search for the tracked shipment's order.
	step("search",
		chromedp.Click(chromedp.CSS("#order-clear")),
		until(`location.search === ""`),
		chromedp.WaitVisible(chromedp.CSS("#orders")),
		browsertest.Fill("#order-q", tracked.OrderNumber),
		browsertest.Submit("#order-search"),
		until(`location.search.includes("q=`+tracked.OrderNumber+`")`),
		until(`document.querySelectorAll("#orders tbody tr").length === 1 && document.querySelector("#orders tbody tr").textContent.includes("`+tracked.OrderNumber+`")`),
	)
	browsertest.Screenshot(t, ctx, "orders-search-phone")

	// Back shows the unsearched list again, forward the search.
	step("back", chromedp.NavigateBack(), until(`location.search === ""`), until(`document.querySelector("#order-q").value === ""`))
	step("forward", chromedp.NavigateForward(), until(`document.querySelectorAll("#orders tbody tr").length === 1`),
		until(`document.querySelector("#order-q").value === "`+tracked.OrderNumber+`"`))

	// The order: timeline with dates, and the shipment's tracking link.
	step("order detail",
		chromedp.Click(chromedp.CSS("#orders tbody tr a.orders__number")),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
	)
	var order api.OrderDetail
	apiGet(api.PathOrders+"/"+tracked.OrderID, &order)
	if got := textOf("#order-number"); got != "Order "+tracked.OrderNumber {
		t.Errorf("order page heading %q", got)
	}
	if got := textOf("#order-status"); got != order.Status.Label {
		t.Errorf("order status chip %q, the API says %q", got, order.Status.Label)
	}
	done := 0
	for _, s := range order.Timeline {
		if s.State == "done" {
			done++
		}
	}
	if n := eval(`String(document.querySelectorAll("#timeline .timeline__step--done").length)`); done == 0 || n != strconv.Itoa(done) {
		t.Errorf("%s done steps shown, the API has %d", n, done)
	}
	if n := eval(`String(document.querySelectorAll("#timeline .timeline__date").length)`); n == "0" {
		t.Errorf("the timeline shows no dates")
	}
	if href := eval(`(document.querySelector("#shipment-` + tracked.ID + ` a.tracking-link") || {getAttribute: () => ""}).getAttribute("href")`); href != tracked.TrackingURL {
		t.Errorf("tracking link %q, want %q", href, tracked.TrackingURL)
	}
	if got := parseMoney(t, textOf("#total-total dd")); got != order.Total.Amount {
		t.Errorf("order total %d, the API says %d", got, order.Total.Amount)
	}
	if order.ShippingAddress != nil {
		if href := eval(`document.querySelector("#shipping-map").href`); !strings.HasPrefix(href, "https://www.google.com/maps/search/?api=1&query=") {
			t.Errorf("map link %q", href)
		}
	}
	if subject := eval(`document.querySelector("#support-email").getAttribute("href")`); !strings.Contains(subject, "subject=Order%20"+tracked.OrderNumber) {
		t.Errorf("support e-mail %q lacks the order number", subject)
	}
	chat := eval(`String(!!document.querySelector("#support-chat"))`)
	if chat != strconv.FormatBool(order.Support.ChatEnabled) {
		t.Errorf("chat offered: %s, the tenant's chat_enabled: %v", chat, order.Support.ChatEnabled)
	}
	// A line's details (processing notes, dimensions, grade) open and close.
	expanded := false
	for _, l := range order.Lines {
		if l.Dimensions == "" && l.Grade == "" && l.ProcessingNotes == "" {
			continue
		}
		n := strconv.Itoa(l.LineNo)
		step("line details",
			chromedp.Click(chromedp.CSS("#line-toggle-"+n)),
			chromedp.WaitVisible(chromedp.CSS("#line-details-"+n)),
		)
		details := textOf("#line-details-" + n)
		for _, want := range []string{l.Dimensions, l.Grade, l.ProcessingNotes} {
			if !strings.Contains(details, want) {
				t.Errorf("line %s details %q lack %q", n, details, want)
			}
		}
		step("line details close", chromedp.Click(chromedp.CSS("#line-toggle-"+n)), until(`!document.querySelector("#line-details-`+n+`")`))
		expanded = true
		break
	}
	if !expanded {
		t.Errorf("order %s has no line with details to expand: %+v", order.OrderNumber, order.Lines)
	}
	browsertest.Screenshot(t, ctx, "order-detail-phone")
	step("order desktop", browsertest.Emulate(browsertest.Desktop), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	browsertest.Screenshot(t, ctx, "order-detail-desktop")
	step("phone again", browsertest.Emulate(browsertest.Phone))

	step("order not found", chromedp.Navigate(origin+"/portal/orders/no-such-order"), chromedp.WaitVisible(chromedp.CSS("#order-not-found")))

	// Shipments and the tracking dialog.
	step("shipments",
		chromedp.Navigate(origin+"/portal/shipments"),
		chromedp.WaitVisible(chromedp.CSS("#shipments")),
	)
	browsertest.Screenshot(t, ctx, "shipments-phone")
	var shipment api.Shipment
	apiGet(api.PathShipments+"/"+tracked.ID, &shipment)
	step("tracking dialog",
		chromedp.Click(chromedp.CSS("#track-"+tracked.ID)),
		chromedp.WaitVisible(chromedp.CSS("#tracking-dialog")),
		until(`document.querySelectorAll("#tracking-lines li").length === `+strconv.Itoa(len(shipment.Lines))),
	)
	if dialog := textOf("#tracking-dialog"); !strings.Contains(dialog, shipment.TrackingNumber) || !strings.Contains(dialog, shipment.Carrier) {
		t.Errorf("tracking dialog lacks %q / %q: %q", shipment.TrackingNumber, shipment.Carrier, dialog)
	}
	if href := eval(`document.querySelector("#tracking-link").getAttribute("href")`); href != shipment.TrackingURL {
		t.Errorf("dialog tracking link %q, want %q", href, shipment.TrackingURL)
	}
	browsertest.Screenshot(t, ctx, "shipments-tracking-phone")
	step("close dialog", chromedp.Click(chromedp.CSS("#tracking-close")), until(`!document.querySelector("#tracking-dialog")`))

	// Account: Overview, then Payments filtered by status.
	var overview api.AccountOverview
	apiGet(api.PathAccount, &overview)
	step("account overview",
		chromedp.Navigate(origin+"/portal/account"),
		chromedp.WaitVisible(chromedp.CSS("#tab-overview")),
		chromedp.Click(chromedp.CSS("#tab-overview")),
		chromedp.WaitVisible(chromedp.CSS("#overview-company")),
	)
	if c := textOf("#overview-company"); !strings.Contains(c, overview.Company.Name) || !strings.Contains(c, overview.Company.AccountNumber) {
		t.Errorf("company card %q lacks %q / %q", c, overview.Company.Name, overview.Company.AccountNumber)
	}
	if got := parseMoney(t, textOf("#panel-overview #open-balance")); got != overview.Summary.OpenBalance.Amount {
		t.Errorf("overview open balance %d, the API says %d", got, overview.Summary.OpenBalance.Amount)
	}
	browsertest.Screenshot(t, ctx, "account-overview-phone")

	step("payments",
		chromedp.Click(chromedp.CSS("#tab-payments")),
		chromedp.WaitVisible(chromedp.CSS("#payments")),
	)
	if got := textOf("#payments-count"); got != strconv.Itoa(len(payments))+" payments" {
		t.Errorf("payments count %q, the database has %d", got, len(payments))
	}
	for _, p := range payments {
		row := eval(`(([...document.querySelectorAll("#payments tbody tr")].find(r => r.textContent.includes("` + p.ref + `")) || {}).textContent || "")`)
		if row == "" {
			t.Errorf("payment %s not listed", p.ref)
			continue
		}
		if want := fmt.Sprintf("$%d.%02d", p.cents/100, p.cents%100); !strings.Contains(strings.ReplaceAll(row, ",", ""), want) {
			t.Errorf("payment %s row %q lacks %s", p.ref, row, want)
		}
	}
	browsertest.Screenshot(t, ctx, "account-payments-phone")
	step("payments filter",
		until(`(() => { const s = document.querySelector("#payment-status"); if (!s) return false; s.value = "succeeded"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`),
		until(`location.search.includes("pstatus=succeeded")`),
		until(`(document.querySelector("#payments-count") || {}).textContent === "2 payments"`),
		until(`[...document.querySelectorAll("#payments tbody .badge")].every(b => b.textContent === "Received")`),
	)
	if strings.Contains(textOf("#payments"), "ACH-90019") {
		t.Errorf("the pending payment shows under Received")
	}
	browsertest.Screenshot(t, ctx, "account-payments-filtered-phone")

	step("dashboard desktop", browsertest.Emulate(browsertest.Desktop), chromedp.Navigate(origin+"/portal"), chromedp.WaitVisible(chromedp.CSS("#account-summary")))
	browsertest.Screenshot(t, ctx, "dashboard-desktop")
}

// parseMoney reads an amount the page shows ("$1,234.56", "-$5.00 (low)")
// back into minor units, independently of the UI's formatter.
func parseMoney(t *testing.T, s string) int64 {
	t.Helper()
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if !strings.Contains(s, ".") || digits == "" {
		t.Fatalf("not an amount with cents: %q", s)
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		n = -n
	}
	return n
}
