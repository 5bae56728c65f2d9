package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// withFreightTax is ctx's tenant with freight and tax settings: standard
// 20.00 (free from 1,000.00), express 50.00, pickup free; 6 % in
// Pennsylvania, 4 % elsewhere in the US.
func withFreightTax(ctx context.Context, freightTaxable bool) context.Context {
	t, _ := tenants.FromContext(ctx)
	c := *t
	c.Settings.Freight = map[string]tenants.FreightRate{"standard": {AmountMinor: 2000, FreeOverMinor: 100_000},
		"express": {AmountMinor: 5000}, "pickup": {}}
	c.Settings.TaxRates = map[string]int64{"US-PA": 6000, "US": 4000}
	c.Settings.FreightTaxable = freightTaxable
	return tenants.NewContext(ctx, &c)
}

// TestCartFreightTax: the cart estimates freight and tax for the ship-to
// asked for (a saved address or a country and region), a tax-exempt
// account pays none, and checkout places the estimate on the order.
func TestCartFreightTax(t *testing.T) {
	e := newCartEnv(t)
	ctx := withFreightTax(e.ctx, false)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"}) // 250.00
	cart := func(ship *portal.ShipTo) *portal.Cart {
		t.Helper()
		c, err := e.cart.Cart(ctx, e.jane, "", ship)
		if err != nil {
			t.Fatalf("cart for %+v: %v", ship, err)
		}
		return c
	}
	if c := cart(nil); c.Freight.Amount != 0 || c.Tax.Amount != 0 || c.Estimate != nil || c.Total.Amount != 25000 {
		t.Errorf("no ship-to: %+v %+v %+v %+v", c.Freight, c.Tax, c.Estimate, c.Total)
	}
	// The dock is in Erie, PA: 20.00 freight, 6 % tax.
	c := cart(&portal.ShipTo{Method: "standard", AddressID: e.ids["dock"]})
	if c.Freight.Amount != 2000 || c.Tax.Amount != 1500 || c.Total.Amount != 28500 || c.Estimate == nil || c.Estimate.TaxKey != "US-PA" ||
		c.Tax.Currency != "USD" {
		t.Errorf("dock, standard: %+v %+v %+v %+v", c.Freight, c.Tax, c.Total, c.Estimate)
	}
	// Express to Ohio: the country's rate.
	c = cart(&portal.ShipTo{Method: "express", Country: "us", Region: "oh"})
	if c.Freight.Amount != 5000 || c.Tax.Amount != 1000 || c.Total.Amount != 31000 || c.Estimate.TaxKey != "US" {
		t.Errorf("Ohio, express: %+v %+v %+v %+v", c.Freight, c.Tax, c.Total, c.Estimate)
	}
	// Bad ship-tos name their field: another customer's address, no
	// method, no country.
	for _, bad := range []struct {
		ship  portal.ShipTo
		field string
	}{
		{portal.ShipTo{Method: "standard", AddressID: uuid.NewString()}, "shipping_address_id"},
		{portal.ShipTo{Method: "drone", AddressID: e.ids["dock"]}, "shipping_method"},
		{portal.ShipTo{Method: "standard"}, "ship_country"},
	} {
		if _, err := e.cart.Cart(ctx, e.jane, "", &bad.ship); !slices.Contains(cartFields(err), bad.field) {
			t.Errorf("ship-to %+v: %v, want a field error of %s", bad.ship, err, bad.field)
		}
	}
	// Olga's cart cannot be estimated to Jane's dock.
	e.add(t, e.olga, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "1"})
	if _, err := e.cart.Cart(ctx, e.olga, "", &portal.ShipTo{Method: "standard", AddressID: e.ids["dock"]}); !slices.Equal(cartFields(err), []string{"shipping_address_id"}) {
		t.Errorf("another customer's address: %v", err)
	}
	// Freight taxable: 6 % of 270.00.
	if c, err := e.cart.Cart(withFreightTax(e.ctx, true), e.jane, "", &portal.ShipTo{Method: "standard", AddressID: e.ids["dock"]}); err != nil ||
		c.Tax.Amount != 1620 {
		t.Errorf("freight taxable: %+v %v", c, err)
	}
	// A tax-exempt account pays freight, no tax.
	e.ownerExec(t, `UPDATE customers SET tax_exempt = true WHERE id = ?`, e.jane.CustomerID)
	if c := cart(&portal.ShipTo{Method: "standard", AddressID: e.ids["dock"]}); c.Freight.Amount != 2000 || c.Tax.Amount != 0 || c.Total.Amount != 27000 {
		t.Errorf("tax exempt: %+v %+v %+v", c.Freight, c.Tax, c.Total)
	}
	e.ownerExec(t, `UPDATE customers SET tax_exempt = false WHERE id = ?`, e.jane.CustomerID)
	// Eight sheets reach 1,000.00: standard freight is waived.
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "6"})
	if c := cart(&portal.ShipTo{Method: "standard", AddressID: e.ids["dock"]}); c.Freight.Amount != 0 || !c.Estimate.FreeFreight || c.Tax.Amount != 6000 ||
		c.Total.Amount != 106000 {
		t.Errorf("free freight: %+v %+v %+v %+v", c.Freight, c.Tax, c.Total, c.Estimate)
	}

	// Checkout places the estimate for its address and method.
	in := checkoutInput("checkout-freight-01")
	in.ShippingAddressID, in.ShippingMethod = e.ids["dock"], "express"
	r, err := e.cart.Checkout(ctx, e.jane, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Freight.Amount != 5000 || r.Tax.Amount != 6000 || r.Total.Amount != 111000 {
		t.Errorf("checkout: freight %+v tax %+v total %+v", r.Freight, r.Tax, r.Total)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE id = ? AND subtotal_minor = 100000 AND freight_minor = 5000 AND tax_minor = 6000
		AND total_minor = 111000`, r.OrderID); n != 1 {
		t.Errorf("the order does not carry the estimate")
	}
	if again, err := e.cart.Checkout(ctx, e.jane, in); err != nil || !again.Replayed || again.Freight.Amount != 5000 || again.Tax.Amount != 6000 {
		t.Errorf("replay: %+v %v", again, err)
	}
	// A new address entered at checkout: its state's rate.
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "1"})
	in = checkoutInput("checkout-freight-02")
	in.ShippingAddress = &portal.PostalAddress{Line1: "4 Lake Rd", City: "Toledo", Region: "OH", Country: "US"}
	r, err = e.cart.Checkout(ctx, e.jane, in)
	if err != nil || r.Freight.Amount != 2000 || r.Tax.Amount != 500 || r.Total.Amount != 15000 {
		t.Fatalf("new address: %+v %v", r, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE id = ? AND freight_minor = 2000 AND tax_minor = 500`, r.OrderID); n != 1 {
		t.Errorf("new address: the order does not carry the estimate")
	}
}

// TestGuestCartFreightTax: a guest's cart is estimated for a country and
// region (never a saved address), and the guest order carries it.
func TestGuestCartFreightTax(t *testing.T) {
	e := newCartEnv(t)
	ctx := withFreightTax(e.ctx, false)
	ta, _ := tenants.FromContext(ctx)
	on := *ta
	on.Settings.GuestCheckout = true
	ctx = tenants.NewContext(ctx, &on)
	lines := []portal.CartLineInput{{ProductID: e.products["RB-2"], Quantity: "100"}} // 1,050.00: free standard freight
	c, err := e.cart.PriceGuestCart(ctx, lines, "", &portal.ShipTo{Method: "express", Country: "US", Region: "PA"})
	if err != nil || c.Freight.Amount != 5000 || c.Tax.Amount != 6300 || c.Total.Amount != 116300 {
		t.Fatalf("guest cart: %+v %v", c, err)
	}
	if _, err := e.cart.PriceGuestCart(ctx, lines, "", &portal.ShipTo{Method: "express", AddressID: e.ids["dock"]}); !slices.Equal(cartFields(err), []string{"shipping_address_id"}) {
		t.Errorf("guest with a saved address: %v", err)
	}
	in := guestInput("guest-freight-0001", "gus@example.com", portal.CartLineInput{ProductID: e.products["RB-2"], Quantity: "3"})
	r, err := e.cart.GuestCheckout(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var freight, tax, total int64
	if err := e.owner.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT freight_minor, tax_minor, total_minor FROM orders WHERE id = ?`, r.OrderID).Scan(&freight, &tax, &total)
	}); err != nil {
		t.Fatal(err)
	}
	if r.Freight.Amount != freight || r.Tax.Amount != tax || r.Total.Amount != total || total != 3150+freight+tax || tax != 126 { // guestInput ships by pickup: no freight, 4 % of 31.50
		t.Errorf("guest order: result %+v, row freight %d tax %d total %d", r, freight, tax, total)
	}
}

// TestReorderFreightTax: the reorder screen estimates for the preselected
// address and standard delivery, the preview for another method or a new
// address, and the placed order carries the estimate.
func TestReorderFreightTax(t *testing.T) {
	e := newCommerceEnv(t)
	ctx := withFreightTax(e.a, false)
	ta, _ := tenants.FromContext(ctx)
	if err := e.owner.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE addresses SET region = 'PA' WHERE id = ?`, e.ids["yard"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// SO-900's yard (PA), standard: lines 1 and 3 at 60.00 and 20.00.
	r, err := e.reorders.Reorder(ctx, e.jane, e.ids["so900"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.ShippingAddressID != e.ids["yard"] || r.ShippingMethod != "standard" || r.Subtotal.Amount != 8000 || r.Freight.Amount != 2000 ||
		r.Tax.Amount != 480 || r.GrandTotal.Amount != 10480 || r.Estimate == nil {
		t.Errorf("reorder screen: address %s method %s %+v %+v %+v %+v", r.ShippingAddressID, r.ShippingMethod, r.Subtotal, r.Freight, r.Tax, r.GrandTotal)
	}
	lines := []portal.ReorderLineInput{{LineNo: 1, Quantity: "5"}, {LineNo: 3, Quantity: "4"}}
	// Express to a new address in New York: the country's 4 %.
	newAddr := &portal.PostalAddress{Line1: "7 Harbor St", City: "Buffalo", Region: "NY", Country: "US"}
	p, err := e.reorders.Reorder(ctx, e.jane, e.ids["so900"], &portal.ReorderInput{Lines: lines, ShippingAddress: newAddr, ShippingMethod: "express"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ShippingAddressID != "" || p.ShippingAddress == nil || p.Freight.Amount != 5000 || p.Tax.Amount != 320 || p.GrandTotal.Amount != 13320 {
		t.Errorf("preview, new address: %q %+v %+v %+v", p.ShippingAddressID, p.Freight, p.Tax, p.GrandTotal)
	}
	// Bad ship-tos name their field.
	for _, bad := range []struct {
		in    portal.ReorderInput
		field string
	}{
		{portal.ReorderInput{Lines: lines, ShippingAddressID: e.ids["otheraddr"]}, "shipping_address_id"},
		{portal.ReorderInput{Lines: lines, ShippingMethod: "drone"}, "shipping_method"},
		{portal.ReorderInput{Lines: lines, ShippingAddress: &portal.PostalAddress{Line1: "x", City: "y"}}, "shipping_address.country"},
		{portal.ReorderInput{Lines: lines, ShippingAddress: newAddr, ShippingAddressID: e.ids["dock"]}, "shipping_address"},
	} {
		if _, err := e.reorders.Reorder(ctx, e.jane, e.ids["so900"], &bad.in); !fieldsOf(err)[bad.field] {
			t.Errorf("%+v: %v, want a field error of %s", bad.in, err, bad.field)
		}
	}
	placed, err := e.reorders.PlaceReorder(ctx, e.jane, e.ids["so900"], portal.ReorderInput{PlacementID: r.PlacementID, Lines: lines,
		ShippingAddress: newAddr, ShippingMethod: "express"})
	if err != nil {
		t.Fatal(err)
	}
	if placed.Freight.Amount != 5000 || placed.Tax.Amount != 320 || placed.Total.Amount != 13320 {
		t.Errorf("placed: %+v", placed)
	}
	if n := e.count(t, `SELECT count(*) FROM orders WHERE id = ? AND freight_minor = 5000 AND tax_minor = 320 AND total_minor = 13320
		AND ship_to_id IS NULL AND notes LIKE '%7 Harbor St, Buffalo, NY, US%Express delivery%'`, placed.OrderID); n != 1 {
		t.Errorf("the placed order does not carry the estimate and the new address")
	}
}
