package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

const boHost = "acme.portal.test"

// boKey creates an API key of the tenant slug with scopes and returns it.
func (e *env) boKey(t *testing.T, slug string, scopes ...string) (prefix, key string) {
	t.Helper()
	tn, err := e.owner.FindTenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	k, key, err := e.owner.CreateAPIKey(context.Background(), tn.ID, portal.CreateAPIKeyInput{Name: "ERP", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return k.Prefix, key
}

func (e *env) bo(method, host, path, body, key string) *httptest.ResponseRecorder {
	h := map[string]string{}
	if key != "" {
		h["Authorization"] = "Bearer " + key
	}
	return e.request(method, host, path, body, nil, h)
}

func decodeBatch(t *testing.T, w *httptest.ResponseRecorder) api.BatchResult {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("batch: %d %s", w.Code, w.Body)
	}
	var out api.BatchResult
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// ownerQuery reads one int under the tenant slug, as the owner.
func (e *env) ownerInt(t *testing.T, slug, q string, args ...any) int {
	t.Helper()
	tn, err := e.owner.FindTenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	err = e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// outbox lists the tenant's events as "type payload".
func (e *env) outbox(t *testing.T, slug string) []string {
	t.Helper()
	tn, _ := e.owner.FindTenantBySlug(context.Background(), slug)
	var out []string
	err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT event_type || ' ' || payload::text FROM outbox_events ORDER BY occurred_at, id`).Scan(ctx, &out)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func addTenant(t *testing.T, e *env, slug string) {
	t.Helper()
	if err := e.owner.ApplyTenant(context.Background(), newTenant(slug, slug+" Inc", tenants.StatusActive)); err != nil {
		t.Fatal(err)
	}
}

func TestBackOfficeKeyAuth(t *testing.T) {
	e := newEnv(t, nil)
	addTenant(t, e, "globex")
	prefix, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	_, shopKey := e.boKey(t, "acme", portal.ScopeEcommerce)
	_, globexKey := e.boKey(t, "globex", portal.ScopeBackOffice)
	revPrefix, revoked := e.boKey(t, "acme", portal.ScopeBackOffice)
	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	if err := e.owner.RevokeAPIKey(context.Background(), tn.ID, revPrefix); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(prefix, "pk_bo_") || !strings.HasPrefix(key, prefix+".") {
		t.Errorf("key %q of prefix %q", key, prefix)
	}
	// A well-formed secret (right checksum) that is not the key's.
	wrongSecret := prefix + "." + portal.NewAPIKeySecret(prefix, [32]byte{1, 2, 3})
	body := `[]`
	for name, tc := range map[string]struct {
		key    string
		status int
	}{
		"missing":            {"", 401},
		"malformed":          {"not-a-key", 401},
		"wrong secret":       {wrongSecret, 401},
		"revoked":            {revoked, 401},
		"other tenant's key": {globexKey, 401},
		"wrong scope":        {shopKey, 403},
		"good":               {key, 200},
	} {
		t.Run(name, func(t *testing.T) {
			w := e.bo("PUT", boHost, api.PathBackOfficeProducts, body, tc.key)
			if tc.status != 200 {
				p := decodeProblem(t, w, tc.status)
				if tc.status == 401 && (p.Code != api.CodeUnauthorized || w.Header().Get("WWW-Authenticate") == "") {
					t.Errorf("problem %+v, WWW-Authenticate %q", p, w.Header().Get("WWW-Authenticate"))
				}
				return
			}
			decodeBatch(t, w)
		})
	}
	if w := e.request("PUT", boHost, api.PathBackOfficeProducts, body, nil, map[string]string{"Authorization": "bearer " + key}); w.Code != 200 {
		t.Errorf("lower-case bearer scheme: %d %s", w.Code, w.Body)
	}
	if w := e.request("PUT", boHost, api.PathBackOfficeProducts, body, nil, map[string]string{"Authorization": "Basic " + key}); w.Code != 401 {
		t.Errorf("basic scheme: %d %s", w.Code, w.Body)
	}
	// The other tenant's key works at its own host.
	if w := e.bo("PUT", "globex.portal.test", api.PathBackOfficeProducts, body, globexKey); w.Code != 200 {
		t.Errorf("globex key at globex: %d %s", w.Code, w.Body)
	}
	// A signed-in user's cookie is not a key, and a key is no session.
	w := e.request("POST", boHost, api.PathSession, `{"email":"jane@acme-customer.example","password":"`+testPassword+`"}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in: %d", w.Code)
	}
	if w := e.request("PUT", boHost, api.PathBackOfficeProducts, body, w.Result().Cookies(), nil); w.Code != 401 {
		t.Errorf("cookie on the back-office API: %d", w.Code)
	}
	if w := e.bo("GET", boHost, api.PathMe, "", key); w.Code != 401 {
		t.Errorf("API key on a customer route: %d", w.Code)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM api_keys WHERE prefix = ? AND last_used_at IS NOT NULL`, prefix); n != 1 {
		t.Errorf("last_used_at not recorded")
	}
	if strings.Contains(e.logs.String(), key[len(prefix)+1:]) {
		t.Error("a key's secret reached the log")
	}
}

const boCategories = `[{"external_id":"CAT-PLATE","slug":"plate","name":"Plate"},
	{"external_id":"CAT-AL","slug":"aluminum-plate","name":"Aluminum plate","parent_external_id":"CAT-PLATE"}]`

func boProducts(n int, price int) string {
	var rows []string
	for i := range n {
		rows = append(rows, fmt.Sprintf(`{"external_id":"P-%d","code":"AL-%d","name":"Plate %d","form":"plate","stock_uom":"ea",
			"pricing_uom":"lb","list_price":%d,"low_stock_level":5,"active":true,"category_external_ids":["CAT-AL"]}`, i, i, i, price))
	}
	return "[" + strings.Join(rows, ",") + "]"
}

func TestBackOfficeIdempotentUpsert(t *testing.T) {
	e := newEnv(t, nil)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	for round, want := range []string{api.RowCreated, api.RowUnchanged} {
		cats := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeCategories, boCategories, key))
		prods := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeProducts, boProducts(3, 1000), key))
		for _, r := range append(cats.Rows, prods.Rows...) {
			if r.Status != want || r.ID == "" {
				t.Errorf("round %d: row %+v, want %s", round, r, want)
			}
		}
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM products`); n != 3 {
		t.Errorf("%d products, want 3", n)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM product_category_links`); n != 3 {
		t.Errorf("%d category links, want 3", n)
	}
	if ev := e.outbox(t, "acme"); len(ev) != 0 {
		t.Errorf("events for new products: %v", ev)
	}
	// A price change is an update with its price.changed event.
	prods := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeProducts, boProducts(3, 1250), key))
	if prods.Updated != 3 {
		t.Errorf("price change: %+v", prods)
	}
	ev := e.outbox(t, "acme")
	if len(ev) != 3 || !strings.Contains(ev[0], `"old_price": 10.00`) || !strings.Contains(ev[0], `"new_price": 12.50`) ||
		!strings.Contains(ev[0], `"price_type": "list"`) || !strings.HasPrefix(ev[0], "price.changed ") {
		t.Errorf("events: %v", ev)
	}
	// More than MaxBatchRows rows is refused whole.
	w := e.bo("PUT", boHost, api.PathBackOfficeProducts, boProducts(api.MaxBatchRows+1, 1), key)
	if p := decodeProblem(t, w, http.StatusRequestEntityTooLarge); p.Code != api.CodeTooLarge {
		t.Errorf("oversized batch: %+v", p)
	}
	if w := e.bo("PUT", boHost, api.PathBackOfficeProducts, `{"external_id":"x"}`, key); w.Code != 400 {
		t.Errorf("an object instead of an array: %d", w.Code)
	}
}

func TestBackOfficeBadRowDoesNotFailOthers(t *testing.T) {
	e := newEnv(t, nil)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	res := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeCustomers, `[
		{"external_id":"C-1","account_number":"A-1","company_name":"Lakeshore Fab","credit_limit":500000,"payment_terms":"NET60",
		 "po_required":true,"tax_exempt":true,"products_display":"exclusive_only","sales_rep":{"external_id":"REP-1","name":"Sam Rep","email":"sam@acme.example"}},
		{"external_id":"C-2","account_number":"A-2","company_name":"","credit_limit":-1},
		{"external_id":"C-3","account_number":"A-1","company_name":"Duplicate account","sales_rep":{"external_id":"REP-3","name":"Half","email":"half@acme.example"}},
		{"external_id":"C-4","account_number":"A-4","company_name":"Harbor Steel"}]`, key))
	got := []string{}
	for _, r := range res.Rows {
		got = append(got, r.Status)
	}
	if strings.Join(got, ",") != "created,error,error,created" {
		t.Fatalf("statuses %v: %+v", got, res.Rows)
	}
	fields := func(r api.RowResult) string {
		var f []string
		for _, e := range r.Errors {
			f = append(f, e.Field)
		}
		return strings.Join(f, ",")
	}
	if fields(res.Rows[1]) != "company_name,credit_limit" || fields(res.Rows[2]) != "account_number" {
		t.Errorf("errors: %+v / %+v", res.Rows[1].Errors, res.Rows[2].Errors)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM customers WHERE external_id IN ('C-2', 'C-3')`); n != 0 {
		t.Errorf("bad rows written: %d", n)
	}
	// C-3's sales rep was written before its customer was refused: rolled back with it.
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM sales_reps WHERE external_id = 'REP-3'`); n != 0 {
		t.Error("a refused row was half written")
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM customers c JOIN sales_reps r ON r.id = c.sales_rep_id
		WHERE c.external_id = 'C-1' AND c.credit_limit_minor = 500000 AND c.po_required AND c.tax_exempt AND c.payment_terms = 'NET60'
		AND c.products_display = 'exclusive_only' AND r.external_id = 'REP-1'`); n != 1 {
		t.Error("customer C-1 not written as sent")
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM customers WHERE external_id = 'C-4' AND NOT tax_exempt`); n != 1 {
		t.Error("customer C-4 is tax exempt without saying so")
	}
	// An unknown reference names its field.
	res = decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeAddresses, `[
		{"external_id":"AD-1","customer_external_id":"C-404","kind":"shipping","line1":"1 Dock St","city":"Toledo","country":"US"},
		{"external_id":"AD-2","customer_external_id":"C-1","kind":"shipping","line1":"1 Dock St","city":"Toledo","country":"US","is_default":true}]`, key))
	if res.Rows[0].Status != api.RowError || fields(res.Rows[0]) != "customer_external_id" || res.Rows[1].Status != api.RowCreated {
		t.Errorf("addresses: %+v", res.Rows)
	}
}

// boOrderFixture syncs a customer, a location and a product for orders.
func boOrderFixture(t *testing.T, e *env, host, key string) {
	t.Helper()
	for path, body := range map[string]string{
		api.PathBackOfficeCustomers: `[{"external_id":"C-1","account_number":"A-1","company_name":"Lakeshore Fab"},
			{"external_id":"C-2","account_number":"A-2","company_name":"Harbor Steel"}]`,
		api.PathBackOfficeLocations: `[{"external_id":"L-1","code":"TOL","name":"Toledo"}]`,
	} {
		if r := decodeBatch(t, e.bo("PUT", host, path, body, key)); r.Errors != 0 {
			t.Fatalf("%s: %+v", path, r)
		}
	}
	if r := decodeBatch(t, e.bo("PUT", host, api.PathBackOfficeProducts, `[{"external_id":"P-1","code":"AL-1","name":"Plate","form":"plate",
		"stock_uom":"ea","pricing_uom":"ea","list_price":1000,"low_stock_level":5}]`, key)); r.Errors != 0 {
		t.Fatalf("products: %+v", r)
	}
}

const boOrder = `[{"external_id":"SO-1","customer_external_id":"C-1","order_number":"SO-2026-0001","source":"edi","order_date":"2026-12-01",
	"promised_date":"2026-12-10","total":250000,"lines":[
	{"line_no":1,"product_external_id":"P-1","description":"Plate 1/4","quantity":2,"uom":"ea","unit_price":1000,"line_total":2000},
	{"line_no":2,"description":"Cutting","quantity":1,"uom":"ea","unit_price":500,"line_total":500}]},
	{"external_id":"SO-BAD","customer_external_id":"C-404","order_number":"SO-2026-0002","order_date":"2026-12-01","lines":[]}]`

func TestBackOfficeOrdersTransitionsAndOutbox(t *testing.T) {
	e := newEnv(t, nil)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	boOrderFixture(t, e, boHost, key)
	res := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeOrders, boOrder, key))
	if res.Rows[0].Status != api.RowCreated || res.Rows[1].Status != api.RowError || res.Rows[1].Errors[0].Field != "customer_external_id" {
		t.Fatalf("orders: %+v", res.Rows)
	}
	ev := e.outbox(t, "acme")
	if len(ev) != 1 || !strings.HasPrefix(ev[0], "order.created ") || !strings.Contains(ev[0], `"source": "edi"`) ||
		!strings.Contains(ev[0], `"line_count": 2`) || !strings.Contains(ev[0], `"total": 2500.00`) || strings.Contains(ev[0], "SO-2026-0002") {
		t.Fatalf("events after create: %v", ev)
	}
	// Same batch again: nothing changes, no event.
	res = decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeOrders, boOrder, key))
	if res.Rows[0].Status != api.RowUnchanged {
		t.Errorf("second push: %+v", res.Rows[0])
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM order_lines`); n != 2 || len(e.outbox(t, "acme")) != 1 {
		t.Errorf("second push wrote: %d lines, %v", n, e.outbox(t, "acme"))
	}
	// Without "lines" the order keeps them; a product sent without
	// "active" is active.
	noLines := `[{"external_id":"SO-1","customer_external_id":"C-1","order_number":"SO-2026-0001","source":"edi","order_date":"2026-12-01",
		"promised_date":"2026-12-10","total":250000}]`
	if r := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeOrders, noLines, key)); r.Unchanged != 1 ||
		e.ownerInt(t, "acme", `SELECT count(*) FROM order_lines`) != 2 {
		t.Errorf("push without lines: %+v", r)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM products WHERE active`); n != 1 {
		t.Error("a product sent without active is inactive")
	}
	// Allowed: pending_review → confirmed, with status_changed and confirmed.
	path := api.PathBackOfficeOrders + "/SO-1/status"
	if w := e.bo("POST", boHost, path, `{"status":"confirmed"}`, key); w.Code != 200 || !strings.Contains(w.Body.String(), `"updated"`) {
		t.Fatalf("confirm: %d %s", w.Code, w.Body)
	}
	ev = e.outbox(t, "acme")
	if len(ev) != 3 || !strings.Contains(ev[1], `"previous_status": "pending_review"`) || !strings.HasPrefix(ev[2], "order.confirmed ") ||
		!strings.Contains(ev[2], `"estimated_ship_date": "2026-12-10"`) || !strings.Contains(ev[2], `"confirmed_total": 2500.00`) {
		t.Fatalf("events after confirm: %v", ev)
	}
	// Refused: confirmed → draft is 409 naming both; nothing written.
	p := decodeProblem(t, e.bo("POST", boHost, path, `{"status":"draft"}`, key), http.StatusConflict)
	if !strings.Contains(p.Detail, "confirmed") || !strings.Contains(p.Detail, "draft") || p.Code != api.CodeConflict {
		t.Errorf("409: %+v", p)
	}
	if len(e.outbox(t, "acme")) != 3 || e.ownerInt(t, "acme", `SELECT count(*) FROM orders WHERE status = 'confirmed'`) != 1 {
		t.Error("a refused transition wrote something")
	}
	if w := e.bo("POST", boHost, api.PathBackOfficeOrders+"/SO-404/status", `{"status":"confirmed"}`, key); w.Code != 404 {
		t.Errorf("unknown order: %d", w.Code)
	}
	// A refused transition inside an order batch is a row error.
	bad := strings.Replace(boOrder, `"source":"edi"`, `"source":"edi","status":"pending_review"`, 1)
	res = decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeOrders, bad, key))
	if res.Rows[0].Status != api.RowError || !strings.Contains(res.Rows[0].Errors[0].Message, "confirmed to pending_review") {
		t.Errorf("backward transition in a batch: %+v", res.Rows[0])
	}
	// Line job status, then a shipment that leaves and is delivered.
	res = decodeBatch(t, e.bo("POST", boHost, api.PathBackOfficeLineStatuses, `[{"order_external_id":"SO-1","line_no":1,"job_status":"staged"},
		{"order_external_id":"SO-1","line_no":9,"job_status":"staged"}]`, key))
	if res.Rows[0].Status != api.RowUpdated || res.Rows[1].Status != api.RowError || res.Rows[1].Errors[0].Field != "line_no" {
		t.Errorf("line statuses: %+v", res.Rows)
	}
	ship := `[{"external_id":"SH-1","order_external_id":"SO-1","shipment_number":"SH-0001","status":"%s","carrier":"UPS",
		"tracking_number":"1Z999","tracking_url":"https://ups.example/1Z999","ship_date":"2026-12-05","signed_by":"%s",
		"lines":[{"line_no":1,"quantity":2}]}]`
	if r := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeShipments, fmt.Sprintf(ship, "shipped", ""), key)); r.Created != 1 {
		t.Fatalf("shipment: %+v", r)
	}
	if r := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeShipments, fmt.Sprintf(ship, "delivered", "J. Doe"), key)); r.Updated != 1 {
		t.Fatalf("delivery: %+v", r)
	}
	ev = e.outbox(t, "acme")
	if len(ev) != 5 || !strings.HasPrefix(ev[3], "order.shipped ") || !strings.Contains(ev[3], `"tracking_number": "1Z999"`) ||
		!strings.Contains(ev[3], `"line_items_shipped": ["`) || !strings.HasPrefix(ev[4], "order.delivered ") || !strings.Contains(ev[4], `"signed_by": "J. Doe"`) {
		t.Errorf("shipment events: %v", ev)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.customer_id = o.customer_id`); n != 1 {
		t.Error("shipment's customer is not its order's")
	}
	// An invoice of the order, and a payment against it; an invoice may
	// not name another customer's order.
	res = decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeInvoices, `[
		{"external_id":"INV-1","customer_external_id":"C-1","order_external_id":"SO-1","invoice_number":"INV-1","status":"open",
		 "invoice_date":"2026-12-06","due_date":"2027-01-05","total":250000},
		{"external_id":"INV-2","customer_external_id":"C-2","order_external_id":"SO-1","invoice_number":"INV-2","status":"open",
		 "invoice_date":"2026-12-06","due_date":"2027-01-05","total":1}]`, key))
	if res.Rows[0].Status != api.RowCreated || res.Rows[1].Status != api.RowError || res.Rows[1].Errors[0].Field != "order_external_id" {
		t.Errorf("invoices: %+v", res.Rows)
	}
	ev = e.outbox(t, "acme")
	if len(ev) != 6 || !strings.HasPrefix(ev[5], "order.invoiced ") || !strings.Contains(ev[5], `"invoice_url": "/portal/invoices/`) {
		t.Errorf("invoice events: %v", ev)
	}
	res = decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficePayments, `[
		{"external_id":"PAY-1","customer_external_id":"C-1","invoice_external_id":"INV-1","reference":"CHK-1","method":"check",
		 "status":"succeeded","amount":1000,"received_on":"2026-12-07"},
		{"external_id":"PAY-2","customer_external_id":"C-2","invoice_external_id":"INV-1","reference":"CHK-2","method":"check",
		 "status":"succeeded","amount":1000,"received_on":"2026-12-07"}]`, key))
	if res.Rows[0].Status != api.RowCreated || res.Rows[1].Status != api.RowError || res.Rows[1].Errors[0].Field != "invoice_external_id" {
		t.Errorf("payments: %+v", res.Rows)
	}
}

// Availability changes of a product within five minutes are one event,
// waiting in the outbox until its window closes (deliver_after): it
// follows the changes, and a change undone within the window leaves none.
func TestBackOfficeInventoryAvailability(t *testing.T) {
	e := newEnv(t, nil)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	boOrderFixture(t, e, boHost, key)
	for i, c := range []struct {
		available float64
		events    int
		last      string
	}{
		{20, 1, `"new_availability": "in_stock"`},
		{20, 1, `"available_quantity": 20.000`},
		{3, 1, `"new_availability": "low_stock"`},
		{0, 0, ""}, // out of stock again, as before the window
		{1, 1, `"available_quantity": 1.000`},
	} {
		body := fmt.Sprintf(`[{"product_external_id":"P-1","location_external_id":"L-1","quantity_on_hand":%v,"quantity_available":%v}]`, c.available, c.available)
		decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeInventory, body, key))
		if ev := e.outbox(t, "acme"); len(ev) != c.events || (c.events > 0 && (!strings.Contains(ev[0], c.last) ||
			!strings.Contains(ev[0], `"previous_availability": "out_of_stock"`))) {
			t.Errorf("step %d: events %v, want %d with %s", i, ev, c.events, c.last)
		}
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM outbox_events WHERE deliver_after - occurred_at <= interval '5 minutes'
		AND deliver_after > occurred_at`); n != 1 {
		t.Errorf("%d events waiting for their window to close", n)
	}
	res := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeInventory,
		`[{"product_external_id":"P-1","location_external_id":"L-404","quantity_on_hand":1,"quantity_available":1}]`, key))
	if res.Rows[0].Status != api.RowError || res.Rows[0].Errors[0].Field != "location_external_id" {
		t.Errorf("unknown location: %+v", res.Rows[0])
	}
}

// TestBackOfficeTenantIsolation: tenant B's key, even with A's external
// ids, touches only B's rows.
func TestBackOfficeTenantIsolation(t *testing.T) {
	e := newEnv(t, nil)
	addTenant(t, e, "globex")
	_, keyA := e.boKey(t, "acme", portal.ScopeBackOffice)
	_, keyB := e.boKey(t, "globex", portal.ScopeBackOffice)
	boOrderFixture(t, e, boHost, keyA)
	decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeOrders, boOrder, keyA))
	const hostB = "globex.portal.test"
	// B's key refers to A's customer and order: unknown in B.
	res := decodeBatch(t, e.bo("PUT", hostB, api.PathBackOfficeOrders, boOrder, keyB))
	if res.Rows[0].Status != api.RowError || res.Rows[0].Errors[0].Field != "customer_external_id" {
		t.Errorf("B ordering for A's customer: %+v", res.Rows[0])
	}
	if w := e.bo("POST", hostB, api.PathBackOfficeOrders+"/SO-1/status", `{"status":"cancelled"}`, keyB); w.Code != 404 {
		t.Errorf("B moving A's order: %d", w.Code)
	}
	// B upserting A's external ids creates B's own rows; A's stay as they were.
	res = decodeBatch(t, e.bo("PUT", hostB, api.PathBackOfficeCustomers, `[{"external_id":"C-1","account_number":"A-1","company_name":"Hijacked"}]`, keyB))
	if res.Rows[0].Status != api.RowCreated {
		t.Errorf("B's customer: %+v", res.Rows[0])
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM customers WHERE company_name = 'Hijacked'`); n != 0 {
		t.Error("B's key changed A's customer")
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM orders WHERE status = 'pending_review'`); n != 1 {
		t.Error("A's order changed")
	}
	if ev := e.outbox(t, "globex"); len(ev) != 0 {
		t.Errorf("B's outbox: %v", ev)
	}
}

// TestBackOfficeRepushIsUnchanged: every batch route, pushed twice with the
// same rows, answers unchanged the second time and duplicates nothing.
func TestBackOfficeRepushIsUnchanged(t *testing.T) {
	e := newEnv(t, nil)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	steps := []struct{ method, path, body string }{
		{"PUT", api.PathBackOfficeLocations, `[{"external_id":"L-1","code":"TOL","name":"Toledo","time_zone":"America/New_York"}]`},
		{"PUT", api.PathBackOfficeCustomers, `[{"external_id":"C-1","account_number":"A-1","company_name":"Lakeshore Fab",
			"sales_rep":{"external_id":"REP-1","name":"Sam Rep","email":"sam@acme.example"}}]`},
		{"PUT", api.PathBackOfficeAddresses, `[{"external_id":"AD-1","customer_external_id":"C-1","kind":"shipping","line1":"1 Dock St",
			"city":"Toledo","country":"US","is_default":true}]`},
		{"PUT", api.PathBackOfficeCategories, boCategories},
		{"PUT", api.PathBackOfficeProducts, `[{"external_id":"P-1","code":"AL-1","name":"Plate","form":"plate","stock_uom":"ea",
			"pricing_uom":"ea","list_price":1000,"low_stock_level":2.5,"active":true,"category_external_ids":["CAT-AL","CAT-PLATE"]}]`},
		{"PUT", api.PathBackOfficeInventory, `[{"product_external_id":"P-1","location_external_id":"L-1","quantity_on_hand":12.5,"quantity_available":10.25}]`},
		{"PUT", api.PathBackOfficeOrders, strings.Replace(boOrder, `"order_date"`, `"ship_to_external_id":"AD-1","location_external_id":"L-1","order_date"`, 1)},
		{"POST", api.PathBackOfficeLineStatuses, `[{"order_external_id":"SO-1","line_no":2,"job_status":"in_progress"}]`},
		{"PUT", api.PathBackOfficeShipments, `[{"external_id":"SH-1","order_external_id":"SO-1","shipment_number":"SH-1","status":"delivered",
			"ship_date":"2026-12-05","delivered_at":"2026-12-06T15:04:05Z","carrier_type":"freight","lines":[{"line_no":1,"quantity":1.5}]}]`},
		{"PUT", api.PathBackOfficeInvoices, `[{"external_id":"INV-1","customer_external_id":"C-1","order_external_id":"SO-1","invoice_number":"INV-1",
			"status":"partially_paid","invoice_date":"2026-12-06","due_date":"2027-01-05","total":250000,"amount_paid":1000}]`},
		{"PUT", api.PathBackOfficePayments, `[{"external_id":"PAY-1","customer_external_id":"C-1","invoice_external_id":"INV-1","reference":"CHK-1",
			"method":"check","status":"succeeded","amount":1000,"received_on":"2026-12-07"}]`},
	}
	tables := []string{"locations", "customers", "sales_reps", "addresses", "product_categories", "products", "product_category_links",
		"inventory", "orders", "order_lines", "order_status_history", "shipments", "shipment_lines", "invoices", "payments", "outbox_events"}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, tb := range tables {
			out[tb] = e.ownerInt(t, "acme", `SELECT count(*) FROM `+tb)
		}
		return out
	}
	for _, s := range steps {
		r := decodeBatch(t, e.bo(s.method, boHost, s.path, s.body, key))
		if r.Rows[0].Status == api.RowError || r.Rows[0].Status == api.RowUnchanged {
			t.Errorf("first push of %s: %+v", s.path, r.Rows[0])
		}
	}
	before := counts()
	for _, s := range steps {
		r := decodeBatch(t, e.bo(s.method, boHost, s.path, s.body, key))
		if r.Rows[0].Status != api.RowUnchanged {
			t.Errorf("second push of %s: %+v", s.path, r.Rows[0])
		}
	}
	after := counts()
	for _, tb := range tables {
		if before[tb] != after[tb] || before[tb] == 0 {
			t.Errorf("%s: %d rows, then %d", tb, before[tb], after[tb])
		}
	}
}
