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
	"example.com/portal/tenants"
)

// TestCartFreightTaxAPI: GET /api/v1/cart estimates freight and tax for
// ?shipping_method= with a saved address or a country and region, names a
// bad parameter, and checkout places the estimate on the order, which the
// order detail shows.
func TestCartFreightTaxAPI(t *testing.T) {
	e := newEnv(t, nil)
	tn := newTenant("freightco", "Freight Co", tenants.StatusActive)
	tn.Settings.Freight = map[string]tenants.FreightRate{"standard": {AmountMinor: 2000, FreeOverMinor: 100_000}, "express": {AmountMinor: 5000}}
	tn.Settings.TaxRates = map[string]int64{"US-PA": 6000, "US": 4000}
	if err := e.owner.ApplyTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "freightco", "fay@freight-customer.example", "Fay", "buyer")
	stored, err := e.owner.FindTenantBySlug(context.Background(), "freightco")
	if err != nil {
		t.Fatal(err)
	}
	product, addr := uuid.NewString(), uuid.NewString()
	if err := e.owner.InTx(context.Background(), stored.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'PL-1', 'A36 Plate', 'plate', 'sheet', 'sheet', 12500)`, stored.ID, product); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, region, country)
			SELECT ?, ?, customer_id, 'shipping', '1 Dock Rd', 'Erie', 'PA', 'US' FROM users WHERE email = 'fay@freight-customer.example'`, stored.ID, addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	host := "freightco.portal.test"
	fay := e.signIn(t, host, "fay@freight-customer.example", testPassword)
	w := e.request("POST", host, api.PathCartItems, `{"items":[{"product_id":"`+product+`","quantity":"2"}]}`, fay, nil)
	if c := decodeCart(t, w, w.Body.String(), w.Code); c.Freight.Amount != 0 || c.Tax.Amount != 0 || c.Estimate != nil || c.Total.Amount != 25000 {
		t.Errorf("no ship-to: %s", w.Body)
	}
	w = e.request("GET", host, api.PathCart+"?shipping_method=standard&shipping_address_id="+addr, "", fay, nil)
	c := decodeCart(t, w, w.Body.String(), w.Code)
	if c.Freight.Amount != 2000 || c.Tax.Amount != 1500 || c.Total.Amount != 28500 || c.Estimate == nil || c.Estimate.TaxRate != "6" ||
		c.Estimate.TaxRegion != "US-PA" || c.Estimate.ShippingMethod != "standard" {
		t.Errorf("saved address: %s", w.Body)
	}
	w = e.request("GET", host, api.PathCart+"?shipping_method=express&ship_country=US&ship_region=OH", "", fay, nil)
	if c := decodeCart(t, w, w.Body.String(), w.Code); c.Freight.Amount != 5000 || c.Tax.Amount != 1000 || c.Total.Amount != 31000 {
		t.Errorf("country and region: %s", w.Body)
	}
	for q, field := range map[string]string{
		"?shipping_method=drone&ship_country=US":                            "shipping_method",
		"?shipping_method=standard&shipping_address_id=" + uuid.NewString(): "shipping_address_id",
		"?shipping_method=standard&ship_country=USA":                        "ship_country",
	} {
		w := e.request("GET", host, api.PathCart+q, "", fay, nil)
		if p := decodeProblem(t, w, http.StatusBadRequest); !strings.Contains(strings.Join(problemFields(p), ","), field) {
			t.Errorf("%s: %+v, want %s named", q, p, field)
		}
	}
	w = e.request("POST", host, api.PathCheckout, `{"idempotency_key":"freight-checkout-0001","shipping_address_id":"`+addr+
		`","shipping_method":"express","payment":"account","billing_address":{"line1":"9 Ledger St","city":"Erie","country":"US"}}`, fay, nil)
	var conf api.CheckoutConfirmation
	if err := json.Unmarshal(w.Body.Bytes(), &conf); err != nil || w.Code != http.StatusCreated || conf.Freight.Amount != 5000 ||
		conf.Tax.Amount != 1500 || conf.Total.Amount != 31500 {
		t.Fatalf("checkout: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathOrders+"/"+conf.OrderID, "", fay, nil)
	var o api.OrderDetail
	if err := json.Unmarshal(w.Body.Bytes(), &o); err != nil || w.Code != 200 || o.Freight.Amount != 5000 || o.Tax.Amount != 1500 {
		t.Errorf("order detail: %d %s", w.Code, w.Body)
	}
	// Reorder it express to a new address in Ohio: the preview and the
	// placed order carry that estimate; a new address without a country
	// is named.
	reorder := api.ReorderPath(conf.OrderID)
	w = e.request("POST", host, reorder+"/preview", `{"lines":[{"line_no":1,"quantity":"2"}],"shipping_method":"express",
		"shipping_address":{"line1":"4 Lake Rd","city":"Toledo","region":"OH","country":"US"}}`, fay, nil)
	var rp api.Reorder
	if err := json.Unmarshal(w.Body.Bytes(), &rp); err != nil || w.Code != 200 || rp.FreightEstimate.Amount != 5000 || rp.TaxEstimate.Amount != 1000 ||
		rp.GrandTotal.Amount != 31000 || rp.ShippingMethod != "express" || rp.ShippingAddress == nil || rp.Estimate == nil || rp.Estimate.TaxRate != "4" {
		t.Errorf("reorder preview: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", host, reorder+"/preview", `{"lines":[{"line_no":1,"quantity":"2"}],"shipping_address":{"line1":"4 Lake Rd","city":"Toledo"}}`, fay, nil)
	if p := decodeProblem(t, w, http.StatusBadRequest); !strings.Contains(strings.Join(problemFields(p), ","), "shipping_address.country") {
		t.Errorf("reorder without a country: %+v", p)
	}
	w = e.request("GET", host, reorder, "", fay, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &rp); err != nil || w.Code != 200 {
		t.Fatalf("reorder: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", host, reorder, `{"placement_id":"`+rp.PlacementID+`","lines":[{"line_no":1,"quantity":"2"}],"shipping_method":"express",
		"shipping_address":{"line1":"4 Lake Rd","city":"Toledo","region":"OH","country":"US"}}`, fay, nil)
	var placed api.ReorderPlaced
	if err := json.Unmarshal(w.Body.Bytes(), &placed); err != nil || w.Code != http.StatusCreated || placed.Freight.Amount != 5000 ||
		placed.Tax.Amount != 1000 || placed.Total.Amount != 31000 {
		t.Errorf("reorder placed: %d %s", w.Code, w.Body)
	}
}
