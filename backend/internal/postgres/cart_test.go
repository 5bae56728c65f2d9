package postgres_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/tenants"
)

// cartEnv is the orders fixture (Jane, a Buyer of Lakeshore Fab, 7,900.00
// of available credit, shipping address "dock") with a catalog: PL-1
// (plate, 125.00 a sheet), RB-2 (round bar, 10.50 a ft, 5 days' lead
// time), OLD-3 (no longer sold); a teammate Tom (Buyer) and Olga of
// another customer (Buyer); card payments against stripe-mock.
type cartEnv struct {
	*orderEnv
	cart     *postgres.CartService
	lists    *postgres.PurchaseListService
	rec      *stripetest.Recorder
	ctx      context.Context // tenant alpha, with a connected account
	products map[string]string
	tom      *portal.User
	olga     *portal.User
}

func newCartEnv(t testing.TB) *cartEnv {
	t.Helper()
	e := &cartEnv{orderEnv: newOrderEnv(t), products: map[string]string{}}
	g, rec := stripetest.Unchecked(t)
	e.cart, e.rec = postgres.NewCartService(e.app, g), rec
	e.lists = postgres.NewPurchaseListService(e.app, e.cart)
	ta, _ := tenants.FromContext(e.a)
	withStripe := *ta
	withStripe.Settings.StripeAccount = "acct_1AlphaMetals"
	e.ctx = tenants.NewContext(e.a, &withStripe)
	e.tom = &portal.User{ID: uuid.NewString(), CustomerID: e.jane.CustomerID, Name: "Tom Buyer", Email: "tom@example.com", Role: "buyer"}
	e.olga = &portal.User{ID: uuid.NewString(), CustomerID: e.ids["other-customer"], Name: "Olga", Email: "olga@other.example", Role: "buyer"}
	err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range []struct {
			code, name, uom string
			price           int64
			lead            int
			active          bool
		}{{"PL-1", "A36 Plate 1/4in", "sheet", 12500, 0, true}, {"RB-2", "304 Round bar 1in", "ft", 1050, 5, true},
			{"RB-3", "304 Round bar 1in, cut to length", "ft", 1050, 5, true}, {"OLD-3", "Retired angle", "ea", 100, 0, true}} {
			e.products[p.code] = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor, lead_time_days, active)
				VALUES (?, ?, ?, ?, 'plate', ?, ?, ?, ?, ?)`, ta.ID, e.products[p.code], p.code, p.name, p.uom, p.uom, p.price, p.lead, p.active); err != nil {
				return err
			}
		}
		// RB-3 is cut to length: it takes a length (1 to 240 in) and offers
		// saw cutting, which the one pricing path checks.
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_processing_options (tenant_id, product_id, code, name) VALUES (?, ?, 'saw_cut', 'Saw cut')`,
			ta.ID, e.products["RB-3"]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_required_dimensions (tenant_id, product_id, name, label, unit, min_milli, max_milli)
			VALUES (?, ?, 'length', 'Length', 'in', 1000, 240000)`, ta.ID, e.products["RB-3"]); err != nil {
			return err
		}
		for _, u := range []*portal.User{e.tom, e.olga} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, password_hash)
				VALUES (?, ?, ?, ?, ?, 'buyer', 'active', '')`, ta.ID, u.ID, u.CustomerID, u.Email, u.Name); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, country, is_default)
			VALUES (?, ?, ?, 'billing', '9 Ledger St', 'Erie', 'US', true)`, ta.ID, uuid.NewString(), e.jane.CustomerID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *cartEnv) ownerExec(t testing.TB, q string, args ...any) {
	t.Helper()
	ta, _ := tenants.FromContext(e.a)
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func (e *cartEnv) ownerInt(t *testing.T, q string, args ...any) int {
	t.Helper()
	ta, _ := tenants.FromContext(e.a)
	var n int
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func cartFields(err error) []string {
	var pe *portal.Error
	if !errors.As(err, &pe) {
		return nil
	}
	var out []string
	for _, f := range pe.Fields {
		out = append(out, f.Field)
	}
	return out
}

func (e *cartEnv) add(t testing.TB, u *portal.User, lines ...portal.CartLineInput) *portal.Cart {
	t.Helper()
	c, err := e.cart.AddToCart(e.ctx, u, lines)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCartAddsMergesAndPricesOnRead(t *testing.T) {
	e := newCartEnv(t)
	c := e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"},
		portal.CartLineInput{ProductID: e.products["RB-3"], Quantity: "12.5", Dimensions: map[string]string{"length": "120"}})
	if len(c.Lines) != 2 || c.Subtotal.Amount != 2*12500+13125 || c.Total.Amount != c.Subtotal.Amount || c.ItemCount != 2 {
		t.Fatalf("cart = %+v", c)
	}
	// The same product and configuration adds to the line; another length is a line of its own.
	c = e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "1", UOM: "sheet"},
		portal.CartLineInput{ProductID: e.products["RB-3"], Quantity: "1", Dimensions: map[string]string{"length": "60"}})
	if len(c.Lines) != 3 || c.Lines[0].Quantity != "3" || c.Lines[0].Code != "PL-1" || c.Lines[0].UnitPrice.Amount != 12500 || c.Lines[0].Total.Amount != 37500 {
		t.Fatalf("after merge: %+v", c.Lines)
	}

	// Bad lines name their field; nothing of the request is added.
	_, err := e.cart.AddToCart(e.ctx, e.jane, []portal.CartLineInput{{ProductID: e.products["PL-1"], Quantity: "1"},
		{ProductID: "nope", Quantity: "0"}, {ProductID: uuid.NewString(), Quantity: "1"}})
	if got := cartFields(err); !slices.Equal(got, []string{"items[1].product_id", "items[1].quantity"}) {
		t.Errorf("invalid lines: %v %v", err, got)
	}
	_, err = e.cart.AddToCart(e.ctx, e.jane, []portal.CartLineInput{{ProductID: e.products["PL-1"], Quantity: "1"},
		{ProductID: uuid.NewString(), Quantity: "1"}, {ProductID: e.products["RB-2"], Quantity: "1", UOM: "kg"}})
	if got := cartFields(err); !slices.Equal(got, []string{"items[1].product_id", "items[2].uom"}) {
		t.Errorf("unknown product, wrong unit: %v %v", err, got)
	}
	if c, _ := e.cart.Cart(e.ctx, e.jane, ""); c.Lines[0].Quantity != "3" {
		t.Errorf("a refused request changed the cart: %+v", c.Lines[0])
	}

	// Update and remove; another user's line is not found.
	line := c.Lines[1].ID
	q := "4"
	c, err = e.cart.UpdateCartLine(e.ctx, e.jane, line, portal.CartLineUpdate{Quantity: &q})
	if err != nil || c.Lines[1].Quantity != "4" || c.Lines[1].Total.Amount != 4200 {
		t.Fatalf("update: %v %+v", err, c)
	}
	bad := "0"
	if _, err := e.cart.UpdateCartLine(e.ctx, e.jane, line, portal.CartLineUpdate{Quantity: &bad}); !slices.Equal(cartFields(err), []string{"quantity"}) {
		t.Errorf("bad quantity: %v", err)
	}
	// Changing the length to that of the other line merges the two.
	c, err = e.cart.UpdateCartLine(e.ctx, e.jane, line, portal.CartLineUpdate{Dimensions: map[string]string{"length": "60"}})
	if err != nil || len(c.Lines) != 2 || c.Lines[1].Quantity != "5" {
		t.Fatalf("merge by update: %v %+v", err, c)
	}
	for _, other := range []*portal.User{e.tom, e.olga} {
		if _, err := e.cart.UpdateCartLine(e.ctx, other, c.Lines[1].ID, portal.CartLineUpdate{Quantity: &q}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s updates Jane's line: %v", other.Name, err)
		}
		if _, err := e.cart.RemoveCartLine(e.ctx, other, c.Lines[1].ID); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s removes Jane's line: %v", other.Name, err)
		}
		if oc, err := e.cart.Cart(e.ctx, other, ""); err != nil || len(oc.Lines) != 0 {
			t.Errorf("%s sees a cart: %+v %v", other.Name, oc, err)
		}
	}
	// Another tenant does not see the line either.
	if _, err := e.cart.RemoveCartLine(e.b, e.jane, c.Lines[1].ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("other tenant: %v", err)
	}

	// Priced on every read: a new list price shows, a product no longer sold is a problem of its line.
	e.ownerExec(t, `UPDATE products SET list_price_minor = 20000 WHERE id = ?`, e.products["PL-1"])
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["OLD-3"], Quantity: "1"})
	e.ownerExec(t, `UPDATE products SET active = false WHERE id = ?`, e.products["OLD-3"])
	c, err = e.cart.Cart(e.ctx, e.jane, "")
	if err != nil || len(c.Lines) != 3 || c.Lines[0].Total.Amount != 60000 || c.Lines[2].Problem == "" || c.Lines[2].Code != "OLD-3" ||
		c.ItemCount != 2 || c.Subtotal.Amount != 60000+5250 {
		t.Fatalf("repriced cart: %v %+v", err, c)
	}
	if c, err = e.cart.RemoveCartLine(e.ctx, e.jane, c.Lines[2].ID); err != nil || len(c.Lines) != 2 {
		t.Fatalf("remove: %v %+v", err, c)
	}
	if err := e.cart.EmptyCart(e.ctx, e.jane); err != nil {
		t.Fatal(err)
	}
	if c, _ := e.cart.Cart(e.ctx, e.jane, ""); len(c.Lines) != 0 {
		t.Errorf("emptied: %+v", c)
	}
}

func TestQuickOrderByCodeAndCSV(t *testing.T) {
	e := newCartEnv(t)
	_, err := e.cart.QuickOrder(e.ctx, e.jane, "lines", []portal.QuickOrderLine{{Code: "pl-1", Quantity: "2"}, {Code: "NOPE", Quantity: "1"}, {Code: "RB-2", Quantity: "x"}})
	if got := cartFields(err); !slices.Equal(got, []string{"lines[1].code", "lines[2].quantity"}) {
		t.Fatalf("quick order errors: %v %v", err, got)
	}
	if c, _ := e.cart.Cart(e.ctx, e.jane, ""); len(c.Lines) != 0 {
		t.Fatalf("a refused quick order added: %+v", c.Lines)
	}
	lines, err := portal.ParseQuickOrderCSV("code,quantity\nPL-1, 2\n\nRB-2,10\n")
	if err != nil || len(lines) != 2 {
		t.Fatalf("csv: %v %+v", err, lines)
	}
	c, err := e.cart.QuickOrder(e.ctx, e.jane, "lines", lines)
	if err != nil || len(c.Lines) != 2 || c.Subtotal.Amount != 25000+10500 {
		t.Fatalf("quick order: %v %+v", err, c)
	}
	if _, err := portal.ParseQuickOrderCSV("PL-1,2\nRB-2\n"); !slices.Equal(cartFields(err), []string{"csv.line2.quantity"}) {
		t.Errorf("short CSV row: %v", err)
	}
}

func checkoutInput(key string) portal.CheckoutInput {
	return portal.CheckoutInput{IdempotencyKey: key, ShippingMethod: "standard", Payment: portal.PayOnAccount}
}

func TestCheckoutPlacesOneOrderAndEmptiesTheCart(t *testing.T) {
	e := newCartEnv(t)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"},
		portal.CartLineInput{ProductID: e.products["RB-3"], Quantity: "10", Processing: []string{"saw_cut"}, Dimensions: map[string]string{"length": "120"},
			Notes: "tag each bar"})
	in := checkoutInput("checkout-key-0001")
	in.ShippingAddressID = e.ids["dock"]

	// The account requires a PO number.
	e.ownerExec(t, `UPDATE customers SET po_required = true WHERE id = ?`, e.jane.CustomerID)
	if _, err := e.cart.Checkout(e.ctx, e.jane, in); !slices.Equal(cartFields(err), []string{"po_number"}) {
		t.Fatalf("without PO: %v", err)
	}
	// Someone else's shipping address is not one of Jane's.
	other := in
	other.PONumber, other.ShippingAddressID = "PO-1", uuid.NewString()
	if _, err := e.cart.Checkout(e.ctx, e.jane, other); !slices.Equal(cartFields(err), []string{"shipping_address_id"}) {
		t.Fatalf("unknown address: %v", err)
	}
	in.PONumber, in.RequestedDate = "PO-555", "2026-11-20"
	// A double click: ten submits with one key place one order.
	var wg sync.WaitGroup
	results := make([]*portal.CheckoutResult, 10)
	errs := make([]error, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.cart.Checkout(e.ctx, e.jane, in)
		}()
	}
	wg.Wait()
	replays := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		if r.OrderID != results[0].OrderID && !r.Replayed {
			t.Fatalf("two orders: %+v %+v", results[0], r)
		}
		if r.Replayed {
			replays++
		}
	}
	r := results[slices.IndexFunc(results, func(r *portal.CheckoutResult) bool { return !r.Replayed })]
	if replays != 9 || r.OrderNumber == "" || r.Total.Amount != 25000+10500 || r.CreditWarning != "" || r.Status == "" ||
		r.EstimatedShipDate.Format("2006-01-02") != "2026-11-20" {
		t.Fatalf("result = %+v (%d replays)", r, replays)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE customer_id = ? AND source = 'portal'`, e.jane.CustomerID); n != 1 {
		t.Errorf("%d portal orders", n)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE id = ? AND po_number = 'PO-555' AND placed_by_id = ? AND ship_to_id = ?
		AND total_minor = 35500 AND status = 'pending_review'`, r.OrderID, e.jane.ID, e.ids["dock"]); n != 1 {
		t.Errorf("order row not as placed")
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM order_lines WHERE order_id = ? AND processing_notes LIKE '%saw_cut%tag each bar%'`, r.OrderID); n != 1 {
		t.Errorf("line notes missing")
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND subject_id = ? AND payload->>'source' = 'portal'`, r.OrderID); n != 1 {
		t.Errorf("%d order.created events", n)
	}
	if c, _ := e.cart.Cart(e.ctx, e.jane, ""); len(c.Lines) != 0 {
		t.Errorf("cart not emptied: %+v", c.Lines)
	}
	// The key again, after the cart emptied: still the same order.
	again, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil || again.OrderID != r.OrderID || !again.Replayed {
		t.Errorf("replay: %+v %v", again, err)
	}
	// A new key with an empty cart.
	if _, err := e.cart.Checkout(e.ctx, e.jane, checkoutInput("checkout-key-0002")); !slices.Equal(cartFields(err), []string{"shipping_address_id"}) {
		t.Errorf("no address: %v", err)
	}
	next := checkoutInput("checkout-key-0002")
	next.ShippingAddressID = e.ids["dock"]
	if _, err := e.cart.Checkout(e.ctx, e.jane, next); !slices.Equal(cartFields(err), []string{"cart"}) {
		t.Errorf("empty cart: %v", err)
	}
	// Tom, Jane's teammate, cannot replay Jane's key.
	e.add(t, e.tom, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "1"})
	if _, err := e.cart.Checkout(e.ctx, e.tom, in); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("teammate with Jane's key: %v", err)
	}
}

func TestCheckoutOverCreditIsPlacedWithTheWarning(t *testing.T) {
	e := newCartEnv(t)
	// 70 sheets: 8,750.00 over 7,900.00 of available credit.
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "70"})
	in := checkoutInput("checkout-over-credit")
	in.ShippingAddress = &portal.PostalAddress{Line1: "77 New Site Rd", City: "Buffalo", Country: "us"}
	r, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil || r.CreditWarning != portal.CreditReviewWarning || r.Total.Amount != 875000 {
		t.Fatalf("over credit: %+v %v", r, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM checkout_orders WHERE order_id = ? AND over_credit AND shipping_address->>'line1' = '77 New Site Rd'
		AND billing_address->>'line1' = '9 Ledger St'`, r.OrderID); n != 1 {
		t.Errorf("checkout record not as placed")
	}
	if again, err := e.cart.Checkout(e.ctx, e.jane, in); err != nil || again.CreditWarning != portal.CreditReviewWarning {
		t.Errorf("replay lost the warning: %+v %v", again, err)
	}
}

func TestCheckoutByCardAgainstStripeMock(t *testing.T) {
	stripetest.URL(t)
	e := newCartEnv(t)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "70"})
	in := checkoutInput("checkout-by-card-1")
	in.ShippingAddressID, in.Payment = e.ids["dock"], portal.PayByCard
	// Without a connected account the portal takes no cards.
	if _, err := e.cart.Checkout(e.a, e.jane, in); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Fatalf("no account: %v", err)
	}
	r, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil {
		t.Fatal(err)
	}
	// Paid by card, so not held against the credit.
	if r.Card == nil || r.Card.ClientSecret == "" || r.Card.Amount.Amount != 875000 || r.CreditWarning != "" || r.Payment != "card" {
		t.Fatalf("card checkout: %+v", r)
	}
	creates := e.rec.Requests("POST", "/v1/payment_intents")
	if len(creates) != 1 || creates[0].Form.Get("amount") != "875000" || creates[0].Header.Get("Stripe-Account") != "acct_1AlphaMetals" ||
		creates[0].Header.Get("Idempotency-Key") != "checkout:"+e.jane.CustomerID+":checkout-by-card-1" ||
		creates[0].Form.Get("metadata[order_id]") != r.OrderID {
		t.Fatalf("creates = %+v", creates)
	}
	// The second submit answers the same order and intent, and creates none.
	again, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil || again.OrderID != r.OrderID || again.Card == nil || again.Card.PaymentIntentID != r.Card.PaymentIntentID ||
		len(e.rec.Requests("POST", "/v1/payment_intents")) != 1 {
		t.Errorf("second submit: %+v %v", again, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM checkout_orders WHERE order_id = ? AND payment = 'card' AND payment_intent_id = ?`, r.OrderID, r.Card.PaymentIntentID); n != 1 {
		t.Errorf("checkout record missing")
	}
	// Stripe's events move the order's payment on, forward only; another
	// account's event about the intent changes nothing.
	pay := postgres.NewCardPaymentService(e.app, nil)
	status := func() string {
		var st string
		ta, _ := tenants.FromContext(e.a)
		if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT payment_status FROM checkout_orders WHERE order_id = ?`, r.OrderID).Scan(&st)
		}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	for i, ev := range []struct{ typ, account, want string }{
		{"payment_intent.succeeded", "acct_1Elsewhere", r.Card.Status},
		{"payment_intent.processing", "acct_1AlphaMetals", "processing"},
		{"payment_intent.succeeded", "acct_1AlphaMetals", "succeeded"},
		{"payment_intent.payment_failed", "acct_1AlphaMetals", "succeeded"},
	} {
		if err := pay.ApplyCardEvent(e.ctx, portal.CardEvent{ID: "evt_checkout_" + strconv.Itoa(i), Type: ev.typ, Account: ev.account,
			Created: time.Now(), PaymentIntentID: r.Card.PaymentIntentID}); err != nil {
			t.Fatal(err)
		}
		if got := status(); got != ev.want {
			t.Errorf("after %s from %s: %q, want %q", ev.typ, ev.account, got, ev.want)
		}
	}
}

func TestCheckoutWithSavedCardConfirmsOnceAfterCommit(t *testing.T) {
	stripetest.URL(t)
	e := newCartEnv(t)
	card := uuid.NewString()
	e.ownerExec(t, `INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
		SELECT tenant_id, id, 'acct_1AlphaMetals', 'cus_1Jane', now() FROM customers WHERE id = ?`, e.jane.CustomerID)
	e.ownerExec(t, `INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4, exp_month, exp_year, is_default, created_at)
		SELECT tenant_id, ?, id, 'acct_1AlphaMetals', 'pm_1JaneVisa', 'visa', '4242', 8, 2030, true, now() FROM customers WHERE id = ?`, card, e.jane.CustomerID)
	e.rec.SetIntentStatus("POST", regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`), "requires_action")
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["RB-2"], Quantity: "4"})
	in := checkoutInput("checkout-saved-card-1")
	in.ShippingAddressID, in.Payment, in.PaymentMethodID = e.ids["dock"], portal.PayByCard, card
	// Another customer's card id is not found, and nothing is placed.
	other := in
	other.PaymentMethodID = uuid.NewString()
	if _, err := e.cart.Checkout(e.ctx, e.jane, other); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("unknown card: %v", err)
	}
	var intent string
	for i := range 2 { // a double submit: one intent, confirmed once
		r, err := e.cart.Checkout(e.ctx, e.jane, in)
		if err == nil && r.Card != nil {
			intent = r.Card.PaymentIntentID
		}
		if err != nil || r.Card == nil || r.Card.Status != "requires_action" || r.Card.ClientSecret == "" {
			t.Fatalf("submit %d: %+v %v", i, r, err)
		}
	}
	creates := e.rec.Requests("POST", "/v1/payment_intents")
	if len(creates) != 1 || creates[0].Form.Get("payment_method") != "pm_1JaneVisa" || creates[0].Form.Get("customer") != "cus_1Jane" {
		t.Errorf("creates = %+v", creates)
	}
	confirms := 0
	for _, q := range e.rec.Requests("POST", "/v1/payment_intents/"+intent+"/confirm") {
		if strings.HasPrefix(q.Header.Get("Idempotency-Key"), "checkout-confirm:") {
			confirms++
		}
	}
	if confirms != 1 {
		t.Errorf("%d confirmations", confirms)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM checkout_orders WHERE payment_status = 'requires_action'`); n != 1 {
		t.Errorf("payment status not recorded")
	}
}

func guestInput(key, email string, items ...portal.CartLineInput) portal.GuestCheckoutInput {
	return portal.GuestCheckoutInput{CheckoutInput: portal.CheckoutInput{IdempotencyKey: key, ShippingMethod: "pickup",
		ShippingAddress: &portal.PostalAddress{Line1: "5 Guest Ln", City: "Erie", Country: "US"},
		Client:          portal.Client{IP: "198.51.100.9"}},
		Contact: portal.GuestContact{Name: "Gus Guest", Email: email}, Items: items}
}

func TestGuestCheckout(t *testing.T) {
	stripetest.URL(t)
	e := newCartEnv(t)
	item := portal.CartLineInput{ProductID: e.products["RB-2"], Quantity: "3"}
	if _, err := e.cart.GuestCheckout(e.ctx, guestInput("guest-checkout-01", "gus@example.com", item)); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("guest checkout off: %v", err)
	}
	ta, _ := tenants.FromContext(e.ctx)
	on := *ta
	on.Settings.GuestCheckout = true
	ctx := tenants.NewContext(e.ctx, &on)
	bad := guestInput("guest-checkout-01", "not-an-email", item)
	bad.ShippingAddress = nil
	if got := cartFields(func() error { _, err := e.cart.GuestCheckout(ctx, bad); return err }()); !slices.Equal(got, []string{"shipping_address", "contact.email"}) {
		t.Errorf("bad guest input: %v", got)
	}
	r, err := e.cart.GuestCheckout(ctx, guestInput("guest-checkout-01", "gus@example.com", item))
	if err != nil || r.Card == nil || r.Total.Amount != 3150 || r.Email != "gus@example.com" {
		t.Fatalf("guest: %+v %v", r, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders o JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
		JOIN checkout_orders k ON k.tenant_id = o.tenant_id AND k.order_id = o.id
		WHERE o.id = ? AND c.account_number = 'GUEST' AND k.guest AND k.contact_email = 'gus@example.com' AND o.placed_by_id IS NULL`, r.OrderID); n != 1 {
		t.Errorf("guest order not on the guest customer")
	}
	// Same key: the same order, only for the same e-mail.
	if again, err := e.cart.GuestCheckout(ctx, guestInput("guest-checkout-01", "gus@example.com", item)); err != nil || again.OrderID != r.OrderID {
		t.Errorf("guest replay: %+v %v", again, err)
	}
	if _, err := e.cart.GuestCheckout(ctx, guestInput("guest-checkout-01", "eve@example.com", item)); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("another guest's key: %v", err)
	}
	// Five guest orders an hour from one network.
	for i := 2; i <= 5; i++ {
		if _, err := e.cart.GuestCheckout(ctx, guestInput("guest-checkout-0"+string(rune('0'+i)), "gus@example.com", item)); err != nil {
			t.Fatalf("guest order %d: %v", i, err)
		}
	}
	if _, err := e.cart.GuestCheckout(ctx, guestInput("guest-checkout-06", "gus@example.com", item)); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("sixth guest order: %v", err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM customers WHERE account_number = 'GUEST'`); n != 1 {
		t.Errorf("%d guest customers", n)
	}
}

func TestPurchaseLists(t *testing.T) {
	e := newCartEnv(t)
	name := "Job 42"
	l, err := e.lists.CreatePurchaseList(e.ctx, e.jane, portal.PurchaseListInput{Name: &name})
	if err != nil || l.Sharing != portal.ListPrivate || !l.CanEdit {
		t.Fatalf("create: %+v %v", l, err)
	}
	empty := " "
	if _, err := e.lists.CreatePurchaseList(e.ctx, e.jane, portal.PurchaseListInput{Name: &empty}); !slices.Equal(cartFields(err), []string{"name"}) {
		t.Errorf("blank name: %v", err)
	}
	// From the cart, and from an order placed at checkout.
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"})
	if l, err = e.lists.AddToPurchaseList(e.ctx, e.jane, l.ID, portal.ListItemsAdd{FromCart: true}); err != nil || len(l.Items) != 1 {
		t.Fatalf("from cart: %+v %v", l, err)
	}
	in := checkoutInput("list-order-key-01")
	in.ShippingAddressID = e.ids["dock"]
	placed, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil {
		t.Fatal(err)
	}
	if l, err = e.lists.AddToPurchaseList(e.ctx, e.jane, l.ID, portal.ListItemsAdd{FromOrderID: placed.OrderID}); err != nil ||
		len(l.Items) != 1 || l.Items[0].Quantity != "4" {
		t.Fatalf("from order: %+v %v", l, err)
	}
	if _, err := e.lists.AddToPurchaseList(e.ctx, e.jane, l.ID, portal.ListItemsAdd{FromOrderID: e.ids["SO-2001"]}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another customer's order: %v", err)
	}
	l, err = e.lists.AddToPurchaseList(e.ctx, e.jane, l.ID, portal.ListItemsAdd{Items: []portal.CartLineInput{{ProductID: e.products["RB-2"], Quantity: "6"}}})
	if err != nil || len(l.Items) != 2 {
		t.Fatalf("add items: %+v %v", l, err)
	}

	// Private: Tom does not see it; Olga (another customer) never does.
	for _, u := range []*portal.User{e.tom, e.olga} {
		if _, err := e.lists.PurchaseList(e.ctx, u, l.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s reads a private list: %v", u.Name, err)
		}
	}
	// Shared to read: Tom reads and adds it to his cart, but cannot change it.
	share := portal.ListTeamRead
	if _, err := e.lists.UpdatePurchaseList(e.ctx, e.jane, l.ID, portal.PurchaseListInput{Sharing: &share}); err != nil {
		t.Fatal(err)
	}
	if got, err := e.lists.PurchaseList(e.ctx, e.tom, l.ID); err != nil || got.CanEdit || len(got.Items) != 2 {
		t.Errorf("Tom reads: %+v %v", got, err)
	}
	renamed := "Tom's now"
	if _, err := e.lists.UpdatePurchaseList(e.ctx, e.tom, l.ID, portal.PurchaseListInput{Name: &renamed}); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("Tom renames a read-only list: %v", err)
	}
	if _, err := e.lists.RemoveFromPurchaseList(e.ctx, e.tom, l.ID, l.Items[0].ID); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("Tom removes from a read-only list: %v", err)
	}
	c, err := e.lists.AddListToCart(e.ctx, e.tom, l.ID)
	if err != nil || len(c.Lines) != 2 || c.Subtotal.Amount != 4*12500+6*1050 {
		t.Fatalf("list to Tom's cart: %+v %v", c, err)
	}
	if _, err := e.lists.AddListToCart(e.ctx, e.olga, l.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Olga adds the list: %v", err)
	}
	// Shared to edit: Tom renames; only Jane deletes or reshares.
	share = portal.ListTeamEdit
	if _, err := e.lists.UpdatePurchaseList(e.ctx, e.jane, l.ID, portal.PurchaseListInput{Sharing: &share}); err != nil {
		t.Fatal(err)
	}
	if got, err := e.lists.UpdatePurchaseList(e.ctx, e.tom, l.ID, portal.PurchaseListInput{Name: &renamed}); err != nil || got.Name != renamed {
		t.Errorf("Tom renames: %+v %v", got, err)
	}
	if err := e.lists.DeletePurchaseList(e.ctx, e.tom, l.ID); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("Tom deletes: %v", err)
	}
	if lists, err := e.lists.PurchaseLists(e.ctx, e.olga); err != nil || len(lists) != 0 {
		t.Errorf("Olga's lists: %+v %v", lists, err)
	}
	if lists, err := e.lists.PurchaseLists(e.ctx, e.tom); err != nil || len(lists) != 1 || lists[0].ItemCount != 2 {
		t.Errorf("Tom's lists: %+v %v", lists, err)
	}
	if err := e.lists.DeletePurchaseList(e.ctx, e.jane, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lists.PurchaseList(e.ctx, e.jane, l.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("deleted list: %v", err)
	}
}

// TestCheckoutHeldForApproval: an order the account's approval rule holds
// is placed awaiting approval (no order.created yet) when paid on account;
// by card it is refused, naming payment, and nothing is placed: it is not
// charged before an Admin approves it.
func TestCheckoutHeldForApproval(t *testing.T) {
	stripetest.URL(t)
	e := newCartEnv(t)
	if _, err := postgres.NewApprovalService(e.app).SetApprovalRule(e.ctx, e.jane, portal.ApprovalRuleInput{AppliesToRole: "buyer", Threshold: "100"}); err != nil {
		t.Fatal(err)
	}
	e.add(t, e.tom, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"})
	card := checkoutInput("held-order-by-card")
	card.ShippingAddressID, card.Payment = e.ids["dock"], portal.PayByCard
	_, err := e.cart.Checkout(e.ctx, e.tom, card)
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.Code != portal.ECONFLICT || len(pe.Fields) != 1 || pe.Fields[0].Field != "payment" {
		t.Fatalf("held order by card: %v %+v; want ECONFLICT naming payment", err, pe.Fields)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE placed_by_id = ?`, e.tom.ID); n != 0 || len(e.rec.Requests("POST", "/v1/payment_intents")) != 0 {
		t.Fatalf("refused card checkout left %d orders, %d intents", n, len(e.rec.Requests("POST", "/v1/payment_intents")))
	}
	onAccount := checkoutInput("held-order-on-account")
	onAccount.ShippingAddressID = e.ids["dock"]
	r, err := e.cart.Checkout(e.ctx, e.tom, onAccount)
	if err != nil || r.Status != portal.AwaitingApproval.Code || !r.PendingApproval {
		t.Fatalf("held order on account: %+v, %v", r, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND payload->>'order_id' = ?`, r.OrderID); n != 0 {
		t.Errorf("order.created written for an order awaiting approval")
	}
	if again, err := e.cart.Checkout(e.ctx, e.tom, onAccount); err != nil || !again.Replayed || again.Status != portal.AwaitingApproval.Code {
		t.Errorf("replay: %+v, %v", again, err)
	}
}

// TestCheckoutRedeemsPromoCode: a promo code used at checkout counts one
// use with the order; a code limited to one use discounts the first order
// and is refused, naming promo_code, on the next (nothing placed).
func TestCheckoutRedeemsPromoCode(t *testing.T) {
	e := newCartEnv(t)
	ta, _ := tenants.FromContext(e.a)
	e.ownerExec(t, `INSERT INTO promo_codes (tenant_id, id, external_id, code, percent_off_bp, starts_at, ends_at, usage_limit)
		VALUES (?, gen_random_uuid(), 'promo-once', 'ONCE10', 1000, '2000-01-01', '2100-01-01', 1)`, ta.ID)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"})
	in := checkoutInput("promo-checkout-first")
	in.ShippingAddressID, in.PromoCode = e.ids["dock"], "once10"
	r, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.ownerInt(t, `SELECT times_used FROM promo_codes WHERE code = 'ONCE10'`); n != 1 {
		t.Errorf("times used after the order: %d, want 1", n)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE id = ? AND total_minor < subtotal_minor`, r.OrderID); n != 1 {
		t.Errorf("the order's total is not net of the discount")
	}
	if _, err := e.cart.Checkout(e.ctx, e.jane, in); err != nil { // the same key: the same order, no second use
		t.Fatal(err)
	}
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"})
	second := in
	second.IdempotencyKey = "promo-checkout-second"
	_, err = e.cart.Checkout(e.ctx, e.jane, second)
	var pe *portal.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 || pe.Fields[0].Field != "promo_code" {
		t.Fatalf("second use of a one-use code: %v; want an error naming promo_code", err)
	}
	if n := e.ownerInt(t, `SELECT times_used FROM promo_codes WHERE code = 'ONCE10'`); n != 1 {
		t.Errorf("times used: %d, want 1", n)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM orders WHERE customer_id = ? AND source = 'portal'`, e.jane.CustomerID); n != 1 {
		t.Errorf("%d portal orders, want 1", n)
	}
}

// TestPurchaseListCreatedWithItems: a list is created with its first
// items (lines, an order's chosen lines or the cart) in one transaction;
// bad input names its field and, like another customer's order, leaves no
// list behind.
func TestPurchaseListCreatedWithItems(t *testing.T) {
	e := newCartEnv(t)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "2"}, portal.CartLineInput{ProductID: e.products["RB-2"], Quantity: "3"})
	in := checkoutInput("list-create-key-01")
	in.ShippingAddressID = e.ids["dock"]
	placed, err := e.cart.Checkout(e.ctx, e.jane, in)
	if err != nil {
		t.Fatal(err)
	}
	rbLine := e.ownerInt(t, `SELECT line_no FROM order_lines WHERE order_id = ? AND product_id = ?`, placed.OrderID, e.products["RB-2"])
	lists := func() int {
		return e.ownerInt(t, `SELECT count(*) FROM purchase_lists WHERE customer_id = ?`, e.jane.CustomerID)
	}
	name := func(s string) *string { return &s }

	l, err := e.lists.CreatePurchaseList(e.ctx, e.jane, portal.PurchaseListInput{Name: name("Bars"),
		Initial: portal.ListItemsAdd{Items: []portal.CartLineInput{{ProductID: e.products["RB-2"], Quantity: "6"}}}})
	if err != nil || len(l.Items) != 1 || l.Items[0].Code != "RB-2" || l.Items[0].Quantity != "6" || l.ItemCount != 1 {
		t.Fatalf("with items: %+v %v", l, err)
	}
	l, err = e.lists.CreatePurchaseList(e.ctx, e.jane, portal.PurchaseListInput{Name: name("From the order"),
		Initial: portal.ListItemsAdd{FromOrderID: placed.OrderID, LineNos: []int{rbLine}}})
	if err != nil || len(l.Items) != 1 || l.Items[0].Code != "RB-2" || l.Items[0].Quantity != "3" {
		t.Fatalf("from order line %d: %+v %v", rbLine, l, err)
	}
	// The rest of the order added to the existing list: every line.
	if l, err = e.lists.AddToPurchaseList(e.ctx, e.jane, l.ID, portal.ListItemsAdd{FromOrderID: placed.OrderID}); err != nil ||
		len(l.Items) != 2 {
		t.Fatalf("add the whole order: %+v %v", l, err)
	}
	before := lists()
	for _, tc := range []struct {
		name  string
		in    portal.ListItemsAdd
		code  string
		field string
	}{
		{"another customer's order", portal.ListItemsAdd{FromOrderID: e.ids["SO-2001"]}, portal.ENOTFOUND, ""},
		{"no such line", portal.ListItemsAdd{FromOrderID: placed.OrderID, LineNos: []int{rbLine, 99}}, portal.EINVALID, "line_nos[1]"},
		{"line numbers without an order", portal.ListItemsAdd{LineNos: []int{1}}, portal.EINVALID, "items"},
		{"line numbers with the cart", portal.ListItemsAdd{FromCart: true, LineNos: []int{1}}, portal.EINVALID, "line_nos"},
		{"two sources", portal.ListItemsAdd{FromCart: true, FromOrderID: placed.OrderID}, portal.EINVALID, "items"},
		{"empty cart", portal.ListItemsAdd{FromCart: true}, portal.EINVALID, "items"},
		{"unknown product", portal.ListItemsAdd{Items: []portal.CartLineInput{{ProductID: uuid.NewString(), Quantity: "1"}}}, portal.EINVALID, "items[0].product_id"},
	} {
		_, err := e.lists.CreatePurchaseList(e.ctx, e.jane, portal.PurchaseListInput{Name: name(tc.name), Initial: tc.in})
		if portal.ErrorCode(err) != tc.code || (tc.field != "" && !slices.Equal(cartFields(err), []string{tc.field})) {
			t.Errorf("%s: %v (fields %v), want %s %s", tc.name, err, cartFields(err), tc.code, tc.field)
		}
	}
	if n := lists(); n != before {
		t.Errorf("%d lists after the refused creates, want %d", n, before)
	}
}
