package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/tenants"
)

const cartHost = "acme.portal.test"

// seedCartProducts adds PL-1 (125.00 a sheet) and RB-2 (10.50 a ft) to
// acme's catalog and a shipping address to Jane's account; it returns the
// product ids by code and the address id.
func seedCartProducts(t *testing.T, e *env) (map[string]string, string) {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"PL-1": uuid.NewString(), "RB-2": uuid.NewString(), "RB-3": uuid.NewString()}
	addr := uuid.NewString()
	err = e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'PL-1', 'A36 Plate', 'plate', 'sheet', 'sheet', 12500), (?, ?, 'RB-2', '304 Round bar', 'round_bar', 'ft', 'ft', 1050),
				(?, ?, 'RB-3', '304 Round bar, cut to length', 'round_bar', 'ft', 'ft', 1050)`,
			tn.ID, ids["PL-1"], tn.ID, ids["RB-2"], tn.ID, ids["RB-3"]); err != nil {
			return err
		}
		// RB-3 is cut to length: it takes a length (1 to 240 in) and offers
		// saw cutting, which the one pricing path checks.
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_processing_options (tenant_id, product_id, code, name) VALUES (?, ?, 'saw_cut', 'Saw cut')`,
			tn.ID, ids["RB-3"]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_required_dimensions (tenant_id, product_id, name, label, unit, min_milli, max_milli)
			VALUES (?, ?, 'length', 'Length', 'in', 1000, 240000)`, tn.ID, ids["RB-3"]); err != nil {
			return err
		}

		_, err := tx.ExecContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, country)
			SELECT ?, ?, customer_id, 'shipping', '1 Dock Rd', 'Erie', 'US' FROM users WHERE email = 'jane@acme-customer.example'`, tn.ID, addr)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, addr
}

func decodeCart(t *testing.T, w interface {
	Result() *http.Response
}, body string, code int) api.Cart {
	t.Helper()
	var c api.Cart
	if err := json.Unmarshal([]byte(body), &c); err != nil || code != 200 {
		t.Fatalf("cart: %d %s", code, body)
	}
	return c
}

func TestCartAPI(t *testing.T) {
	e := newEnv(t, nil)
	products, _ := seedCartProducts(t, e)
	seedUser(t, e.owner, "acme", "bob@acme-customer.example", "Bob", "buyer")
	jane, bob := e.signIn(t, cartHost, "jane@acme-customer.example", testPassword), e.signIn(t, cartHost, "bob@acme-customer.example", testPassword)

	w := e.request("POST", cartHost, api.PathCartItems, `{"items":[{"product_id":"`+products["PL-1"]+`","quantity":"2"},{"product_id":"`+products["RB-2"]+`","quantity":"0"}]}`, jane, nil)
	if p := decodeProblem(t, w, http.StatusBadRequest); strings.Join(problemFields(p), ",") != "items[1].quantity" {
		t.Errorf("bad line: %+v", p)
	}
	w = e.request("POST", cartHost, api.PathCartItems, `{"items":[{"product_id":"`+products["PL-1"]+`","quantity":"2"},{"product_id":"`+products["RB-3"]+`","quantity":"10","dimensions":{"length":"120"},"processing":["saw_cut"]}]}`, jane, nil)
	c := decodeCart(t, w, w.Body.String(), w.Code)
	if len(c.Lines) != 2 || c.Total.Amount != 25000+10500 || c.Lines[1].Dimensions["length"] != "120" || c.Lines[1].PriceSource != "list" {
		t.Fatalf("cart = %+v", c)
	}
	w = e.request("PATCH", cartHost, api.PathCartItems+"/"+c.Lines[0].ID, `{"quantity":"3"}`, jane, nil)
	if c = decodeCart(t, w, w.Body.String(), w.Code); c.Lines[0].Quantity != "3" || c.Subtotal.Amount != 37500+10500 {
		t.Errorf("after patch: %+v", c)
	}
	// Bob's requests for Jane's line: 404, as for a line that does not exist.
	for _, method := range []string{"PATCH", "DELETE"} {
		w := e.request(method, cartHost, api.PathCartItems+"/"+c.Lines[0].ID, `{"quantity":"1"}`, bob, nil)
		if p := decodeProblem(t, w, http.StatusNotFound); p.Code != api.CodeNotFound {
			t.Errorf("%s of another user's line: %+v", method, p)
		}
	}
	w = e.request("POST", cartHost, api.PathCartQuickOrder, `{"csv":"code,quantity\nPL-1,1\nNOPE,2\nRB-2,abc\n"}`, jane, nil)
	if p := decodeProblem(t, w, http.StatusBadRequest); strings.Join(problemFields(p), ",") != "csv.line3.code,csv.line4.quantity" {
		t.Errorf("quick order CSV: %+v", p)
	}
	w = e.request("POST", cartHost, api.PathCartQuickOrder, `{"lines":[{"code":"RB-2","quantity":"5"}]}`, jane, nil)
	if c = decodeCart(t, w, w.Body.String(), w.Code); len(c.Lines) != 3 {
		t.Errorf("quick order: %+v", c)
	}
	if w := e.request("DELETE", cartHost, api.PathCartItems+"/"+c.Lines[2].ID, "", jane, nil); w.Code != 200 {
		t.Errorf("remove: %d %s", w.Code, w.Body)
	}
	if w := e.request("DELETE", cartHost, api.PathCart, "", jane, nil); w.Code != http.StatusNoContent {
		t.Errorf("empty: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", cartHost, api.PathCart, "", jane, nil)
	if c = decodeCart(t, w, w.Body.String(), w.Code); len(c.Lines) != 0 {
		t.Errorf("emptied cart: %+v", c)
	}
}

func TestCheckoutAPI(t *testing.T) {
	e := newEnv(t, nil)
	products, addr := seedCartProducts(t, e)
	jane := e.signIn(t, cartHost, "jane@acme-customer.example", testPassword)
	add := func() {
		w := e.request("POST", cartHost, api.PathCartItems, `{"items":[{"product_id":"`+products["PL-1"]+`","quantity":"2"}]}`, jane, nil)
		if w.Code != 200 {
			t.Fatalf("add: %d %s", w.Code, w.Body)
		}
	}
	add()
	e.ownerExecAcme(t, `UPDATE customers SET po_required = true WHERE id = (SELECT customer_id FROM users WHERE email = 'jane@acme-customer.example')`)
	body := func(key, po, payment string) string {
		return `{"idempotency_key":"` + key + `","shipping_address_id":"` + addr + `","shipping_method":"standard","po_number":"` + po +
			`","payment":"` + payment + `","billing_address":{"line1":"9 Ledger St","city":"Erie","country":"US"}}`
	}
	p := decodeProblem(t, e.request("POST", cartHost, api.PathCheckout, body("http-checkout-0001", "", "account"), jane, nil), http.StatusBadRequest)
	if strings.Join(problemFields(p), ",") != "po_number" {
		t.Fatalf("PO required: %+v", p)
	}
	// A double click: 201 and the order, then 200 and the same order.
	w := e.request("POST", cartHost, api.PathCheckout, body("http-checkout-0001", "PO-9", "account"), jane, nil)
	var first, second api.CheckoutConfirmation
	if err := json.Unmarshal(w.Body.Bytes(), &first); err != nil || w.Code != http.StatusCreated {
		t.Fatalf("checkout: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", cartHost, api.PathCheckout, body("http-checkout-0001", "PO-9", "account"), jane, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &second); err != nil || w.Code != 200 || second.OrderID != first.OrderID || !second.Replayed {
		t.Fatalf("second submit: %d %s", w.Code, w.Body)
	}
	// Jane's account has no credit limit: placed, with the spec's warning.
	if first.OrderNumber == "" || first.Total.Amount != 25000 || first.EstimatedShipDate == "" ||
		first.CreditWarning != "Order total may exceed available credit. Our team will review." {
		t.Errorf("confirmation = %+v", first)
	}
	if n := e.ownerIntAcme(t, `SELECT count(*) FROM orders WHERE source = 'portal' AND po_number = 'PO-9'`); n != 1 {
		t.Errorf("%d orders", n)
	}
	if n := e.ownerIntAcme(t, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND subject_id = ?`, first.OrderID); n != 1 {
		t.Errorf("%d order.created", n)
	}

	// By card, against stripe-mock: the amount is the server's price.
	stripetest.URL(t)
	add()
	w = e.request("POST", cartHost, api.PathCheckout, body("http-checkout-0002", "PO-10", "card"), jane, nil)
	var card api.CheckoutConfirmation
	if err := json.Unmarshal(w.Body.Bytes(), &card); err != nil || w.Code != http.StatusCreated || card.Card == nil ||
		card.Card.ClientSecret == "" || card.Card.PublishableKey != "pk_test_portal" || card.Card.StripeAccount != "acct_1AcmeTest" ||
		card.Card.Amount.Amount != 25000 || card.CreditWarning != "" {
		t.Fatalf("card checkout: %d %s", w.Code, w.Body)
	}
	creates := e.stripe.Requests("POST", "/v1/payment_intents")
	if len(creates) != 1 || creates[0].Form.Get("amount") != "25000" || !strings.HasPrefix(creates[0].Header.Get("Idempotency-Key"), "checkout:") {
		t.Errorf("creates = %+v", creates)
	}

	// Guest checkout: 404 where the tenant does not take guest orders.
	guest := `{"idempotency_key":"guest-http-000001","contact":{"name":"Gus","email":"gus@example.com"},"items":[{"product_id":"` +
		products["RB-2"] + `","quantity":"3"}],"shipping_address":{"line1":"5 Guest Ln","city":"Erie","country":"US"},"shipping_method":"pickup"}`
	decodeProblem(t, e.request("POST", cartHost, api.PathGuestCheckout, guest, nil, nil), http.StatusNotFound)
	decodeProblem(t, e.request("POST", cartHost, api.PathGuestCart, `{"items":[]}`, nil, nil), http.StatusNotFound)
	// A cross-site post is refused before anything else.
	w = e.request("POST", cartHost, api.PathGuestCheckout, guest, nil, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site guest checkout: %d", w.Code)
	}

	store := newTenant("store", "Store Steel", tenants.StatusActive)
	store.Settings.GuestCheckout, store.Settings.StripeAccount = true, "acct_1StoreTest"
	if err := e.owner.ApplyTenant(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	ids := e.ownerProductStore(t)
	guest = strings.ReplaceAll(guest, products["RB-2"], ids)
	w = e.request("POST", "store.portal.test", api.PathGuestCart, `{"items":[{"product_id":"`+ids+`","quantity":"3"}]}`, nil, nil)
	if c := decodeCart(t, w, w.Body.String(), w.Code); c.Total.Amount != 3150 {
		t.Errorf("guest cart: %+v", c)
	}
	w = e.request("POST", "store.portal.test", api.PathGuestCheckout, guest, nil, nil)
	var g api.CheckoutConfirmation
	if err := json.Unmarshal(w.Body.Bytes(), &g); err != nil || w.Code != http.StatusCreated || g.Card == nil || g.Total.Amount != 3150 {
		t.Fatalf("guest checkout: %d %s", w.Code, w.Body)
	}
	e.srv.Wait()
	if logs := e.logs.String(); !strings.Contains(logs, "gus@example.com") || !strings.Contains(logs, g.OrderNumber) {
		t.Errorf("no confirmation mail in the log: %s", logs)
	}
}

func (e *env) ownerExecAcme(t *testing.T, q string, args ...any) {
	t.Helper()
	tn, err := e.owner.FindTenantBySlug(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) ownerIntAcme(t *testing.T, q string, args ...any) int {
	t.Helper()
	tn, err := e.owner.FindTenantBySlug(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// ownerProductStore adds RB-2 to the store tenant's catalog.
func (e *env) ownerProductStore(t *testing.T) string {
	t.Helper()
	tn, err := e.owner.FindTenantBySlug(context.Background(), "store")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'RB-2', '304 Round bar', 'round_bar', 'ft', 'ft', 1050)`, tn.ID, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPurchaseListAPI(t *testing.T) {
	e := newEnv(t, nil)
	products, _ := seedCartProducts(t, e)
	seedUser(t, e.owner, "acme", "bob@acme-customer.example", "Bob", "buyer")
	jane, bob := e.signIn(t, cartHost, "jane@acme-customer.example", testPassword), e.signIn(t, cartHost, "bob@acme-customer.example", testPassword)
	p := decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists, `{"name":""}`, jane, nil), http.StatusBadRequest)
	if strings.Join(problemFields(p), ",") != "name" {
		t.Errorf("blank name: %+v", p)
	}
	w := e.request("POST", cartHost, api.PathPurchaseLists, `{"name":"Job 42","sharing":"team_edit"}`, jane, nil)
	var l api.PurchaseList
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil || w.Code != http.StatusCreated || !l.Mine || !l.CanEdit {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", cartHost, api.PathPurchaseLists+"/"+l.ID+"/items", `{"items":[{"product_id":"`+products["PL-1"]+`","quantity":"4"}]}`, jane, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil || w.Code != 200 || len(l.Items) != 1 || l.Items[0].Code != "PL-1" {
		t.Fatalf("add items: %d %s", w.Code, w.Body)
	}
	// Created with its first items in one request; bad input names its
	// field, an order that is not the account's is 404, and neither makes
	// a list.
	item := `[{"product_id":"` + products["PL-1"] + `","quantity":"2"}]`
	w = e.request("POST", cartHost, api.PathPurchaseLists, `{"name":"Plates","items":`+item+`}`, jane, nil)
	var withItems api.PurchaseList
	if err := json.Unmarshal(w.Body.Bytes(), &withItems); err != nil || w.Code != http.StatusCreated || len(withItems.Items) != 1 ||
		withItems.Items[0].Quantity != "2" {
		t.Fatalf("create with items: %d %s", w.Code, w.Body)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"name":"x","from_cart":true,"line_nos":[1]}`, "line_nos"},
		{`{"name":"x","from_order_id":"` + uuid.NewString() + `","line_nos":[0]}`, "line_nos[0]"},
		{`{"name":"x","from_cart":true,"items":` + item + `}`, "items"},
		{`{"name":"","items":` + item + `}`, "name"},
		{`{"name":"x","items":[{"product_id":"` + products["PL-1"] + `","quantity":"-1"}]}`, "items[0].quantity"},
	} {
		p := decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists, tc.body, jane, nil), http.StatusBadRequest)
		if strings.Join(problemFields(p), ",") != tc.field {
			t.Errorf("%s: %+v, want field %s", tc.body, p, tc.field)
		}
	}
	decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists, `{"name":"x","from_order_id":"`+uuid.NewString()+`"}`, jane, nil),
		http.StatusNotFound)
	w = e.request("GET", cartHost, api.PathPurchaseLists, "", jane, nil)
	var all []api.PurchaseList
	if err := json.Unmarshal(w.Body.Bytes(), &all); err != nil || len(all) != 2 {
		t.Errorf("lists after the refused creates: %d %s", w.Code, w.Body)
	}
	// Bob is another customer: Jane's list does not exist for him.
	for _, r := range [][3]string{{"GET", "", ""}, {"PATCH", "", `{"name":"mine now"}`}, {"DELETE", "", ""}, {"POST", "/cart", ""},
		{"POST", "/items", `{"from_cart":true}`}, {"DELETE", "/items/" + l.Items[0].ID, ""}} {
		if w := e.request(r[0], cartHost, api.PathPurchaseLists+"/"+l.ID+r[1], r[2], bob, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s %s as another customer: %d %s", r[0], r[1], w.Code, w.Body)
		}
	}
	w = e.request("POST", cartHost, api.PathPurchaseLists+"/"+l.ID+"/cart", "", jane, nil)
	if c := decodeCart(t, w, w.Body.String(), w.Code); len(c.Lines) != 1 || c.Total.Amount != 50000 {
		t.Errorf("list to cart: %+v", c)
	}
	// A Viewer reads lists but changes none, and has no cart.
	seedUser(t, e.owner, "acme", "vic@acme-customer.example", "Vic", "viewer")
	vic := e.signIn(t, cartHost, "vic@acme-customer.example", testPassword)
	if w := e.request("GET", cartHost, api.PathPurchaseLists, "", vic, nil); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("viewer's lists: %d %s", w.Code, w.Body)
	}
	decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists, `{"name":"Mine"}`, vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists, `{"name":"Mine","items":`+item+`}`, vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("POST", cartHost, api.PathPurchaseLists+"/"+l.ID+"/items", `{"items":`+item+`}`, vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("GET", cartHost, api.PathCart, "", vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("POST", cartHost, api.PathCheckout, `{}`, vic, nil), http.StatusForbidden)
	if w := e.request("DELETE", cartHost, api.PathPurchaseLists+"/"+l.ID, "", jane, nil); w.Code != http.StatusNoContent {
		t.Errorf("delete: %d %s", w.Code, w.Body)
	}
}
