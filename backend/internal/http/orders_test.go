package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
)

// seedOrder gives the customer of the user with email an order with one
// line and one shipment in transit, and a location with a phone; it
// returns the order's and the shipment's ids.
func seedOrder(t *testing.T, e *env, email, number, status string) (orderID, shipmentID string) {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	orderID, shipmentID = uuid.NewString(), uuid.NewString()
	err = e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		loc := uuid.NewString()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO locations (tenant_id, id, code, name, phone) VALUES (?, ?, ?, 'Yard', '+1 412 555 0100')`, []any{tn.ID, loc, "L-" + number}},
			{`INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, total_minor, location_id)
				SELECT ?, ?, customer_id, ?, 'PO-1', ?, current_date, 12345, ? FROM users WHERE email = ?`, []any{tn.ID, orderID, number, status, loc, email}},
			{`INSERT INTO order_lines (tenant_id, id, order_id, line_no, description, quantity, uom, unit_price_minor, line_total_minor)
				VALUES (?, ?, ?, 1, 'A36 Plate', 2, 'ea', 5000, 10000)`, []any{tn.ID, uuid.NewString(), orderID}},
			{`INSERT INTO shipments (tenant_id, id, customer_id, order_id, shipment_number, status, carrier, tracking_number, tracking_url, ship_date)
				SELECT tenant_id, ?, customer_id, id, ?, 'shipped', 'UPS', '1Z1', 'https://track.example/1Z1', order_date FROM orders WHERE id = ?`,
				[]any{shipmentID, "SH-" + number, orderID}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return orderID, shipmentID
}

func TestOrdersAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Buyer", "buyer") // another customer account
	seedUser(t, e.owner, "acme", "staff@acme.example", "Staff", "tenant_admin")
	// A Viewer of Jane's own customer.
	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	hash, _ := password.Hash(testPassword)
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			SELECT tenant_id, ?, customer_id, 'vic@acme-customer.example', 'Vic Viewer', 'viewer', ? FROM users WHERE email = 'jane@acme-customer.example'`,
			uuid.NewString(), hash)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mine, myShipment := seedOrder(t, e, "jane@acme-customer.example", "SO-1", "in_progress")
	theirs, theirShipment := seedOrder(t, e, "other@elsewhere.example", "SO-2", "confirmed")
	draft, _ := seedOrder(t, e, "jane@acme-customer.example", "SO-3", "draft")

	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	jane, vic, staff := signIn("jane@acme-customer.example"), signIn("vic@acme-customer.example"), signIn("staff@acme.example")
	get := func(path string, cookies []*http.Cookie, status int, v any) {
		t.Helper()
		w := e.request("GET", host, path, "", cookies, nil)
		if w.Code != status {
			t.Fatalf("GET %s = %d %s, want %d", path, w.Code, w.Body, status)
		}
		if v != nil {
			if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
				t.Fatal(err)
			}
		}
		if status == 200 && w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", path, w.Header().Get("Cache-Control"))
		}
	}

	// A Viewer reads the same orders as the Buyer.
	for _, who := range [][]*http.Cookie{jane, vic} {
		var list api.OrderList
		get(api.PathOrders+"?q=plate&status=in_production&sort=total&dir=desc&page_size=50", who, 200, &list)
		if list.Total != 1 || len(list.Orders) != 1 || list.Orders[0].ID != mine || list.PageSize != 50 || list.TotalPages != 1 {
			t.Errorf("orders = %+v", list)
		}
		if len(list.Orders) == 1 && (list.Orders[0].Status.Label != "In Production" || list.Orders[0].OrderDate == "" ||
			strings.Contains(list.Orders[0].OrderDate, "T")) {
			t.Errorf("order row = %+v", list.Orders[0])
		}
		// Awaiting Approval (derived, held orders) first, then the spec's.
		if len(list.Statuses) < 2 || list.Statuses[0].Code != "awaiting_approval" || list.Statuses[1].Code != "received" {
			t.Errorf("status options = %+v", list.Statuses)
		}
	}

	var detail api.OrderDetail
	get(api.PathOrders+"/"+mine, jane, 200, &detail)
	if detail.OrderNumber != "SO-1" || len(detail.Lines) != 1 || len(detail.Timeline) != 5 || len(detail.Shipments) != 1 ||
		detail.Shipments[0].TrackingURL != "https://track.example/1Z1" || !detail.Shipments[0].ShowTracking {
		t.Errorf("detail = %+v", detail)
	}
	// The support card calls the shipping yard and mails the tenant.
	if detail.Support.Phone != "+1 412 555 0100" || detail.Support.Email != "help@acme.example" || detail.Support.ChatEnabled {
		t.Errorf("support = %+v", detail.Support)
	}

	var dash api.Dashboard
	get(api.PathDashboard, jane, 200, &dash)
	if dash.FirstName != "Jane" || dash.InProgressCount != 1 || len(dash.OrdersInProgress) != 1 || len(dash.RecentShipments) != 1 {
		t.Errorf("dashboard = %+v", dash)
	}
	var ships api.ShipmentList
	get(api.PathShipments, jane, 200, &ships)
	if ships.Total != 1 || ships.Shipments[0].ID != myShipment || ships.Page != 1 || ships.PageSize != 20 {
		t.Errorf("shipments = %+v", ships)
	}
	// The status filter takes the customer-facing codes it offers.
	get(api.PathShipments+"?status=in_transit&page_size=50", jane, 200, &ships)
	if ships.Total != 1 || ships.PageSize != 50 || !slices.ContainsFunc(ships.Statuses, func(s api.Status) bool { return s.Code == "in_transit" }) {
		t.Errorf("in transit = %+v", ships)
	}
	var overview api.AccountOverview
	get(api.PathAccount, vic, 200, &overview)
	if overview.Company.Name != "Lakeshore Fab" || len(overview.Contacts) != 2 {
		t.Errorf("account = %+v", overview)
	}
	var payments api.PaymentList
	get(api.PathPayments+"?from=2026-01-01", jane, 200, &payments)
	if payments.Payments == nil || payments.Total != 0 {
		t.Errorf("payments = %+v", payments)
	}

	// Another customer's ids, a draft, and nonsense: 404, never 403.
	for _, path := range []string{api.PathOrders + "/" + theirs, api.PathOrders + "/" + draft, api.PathOrders + "/" + uuid.NewString(),
		api.PathOrders + "/not-an-id", api.PathShipments + "/" + theirShipment} {
		var p api.Problem
		get(path, jane, http.StatusNotFound, &p)
		if p.Code != api.CodeNotFound || strings.Contains(p.Detail, "SO-2") {
			t.Errorf("%s: %+v", path, p)
		}
	}

	// Bad query parameters: one 400 naming each.
	w := e.request("GET", host, api.PathOrders+"?status=draft,shipped&from=yesterday&page=0&page_size=25&dir=up&all_time=maybe&sort=price", "", jane, nil)
	p := decodeProblem(t, w, http.StatusBadRequest)
	named := map[string]bool{}
	for _, f := range p.Errors {
		named[f.Field] = true
	}
	// Those that do not parse and those the filter rejects, in one answer.
	for _, f := range []string{"from", "page", "dir", "all_time", "status", "page_size", "sort"} {
		if !named[f] {
			t.Errorf("field %s not named: %+v", f, p.Errors)
		}
	}
	p = decodeProblem(t, e.request("GET", host, api.PathOrders+"?status=draft&page_size=25&sort=price", "", jane, nil), http.StatusBadRequest)
	named = map[string]bool{}
	for _, f := range p.Errors {
		named[f.Field] = true
	}
	if !named["status"] || !named["page_size"] || !named["sort"] {
		t.Errorf("service fields not named: %+v", p.Errors)
	}
	decodeProblem(t, e.request("GET", host, api.PathPayments+"?to=2026-13-01", "", jane, nil), http.StatusBadRequest)
	// A NUL in the search is the client's mistake, not a server error.
	if p := decodeProblem(t, e.request("GET", host, api.PathOrders+"?q=SO%00", "", jane, nil), http.StatusBadRequest); len(p.Errors) != 1 || p.Errors[0].Field != "q" {
		t.Errorf("NUL in q: %+v", p)
	}

	// Staff have no customer account: the customer screens are not theirs.
	for _, path := range []string{api.PathDashboard, api.PathOrders, api.PathShipments, api.PathAccount, api.PathPayments} {
		if w := e.request("GET", host, path, "", staff, nil); w.Code != http.StatusForbidden {
			t.Errorf("staff GET %s = %d", path, w.Code)
		}
		if w := e.request("GET", host, path, "", nil, nil); w.Code != http.StatusUnauthorized {
			t.Errorf("signed out GET %s = %d", path, w.Code)
		}
	}
}
