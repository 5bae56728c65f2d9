package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// commerceEnv is authEnv (tenants alpha and beta; Jane, a Buyer of
// Lakeshore Fab) plus, in alpha: Ann, Lakeshore's Admin; Otto, a Buyer of
// another customer; Sue, a tenant admin; three products (PL-1 whose list
// price rose from $10.00 to $12.00 since the order, BAR-2 discontinued,
// TUBE-3 out of stock at $5.00); a delivered order SO-900 of Lakeshore with
// a line of each; and Otto's own order SO-950. Beta has a product of its
// own.
type commerceEnv struct {
	*authEnv
	reorders             *postgres.ReorderService
	approvals            *postgres.ApprovalService
	reviews              *postgres.ReviewService
	orders               *postgres.OrderService
	jane, ann, otto, sue *portal.User
	ids                  map[string]string
}

func newCommerceEnv(t testing.TB) *commerceEnv {
	t.Helper()
	e := &commerceEnv{authEnv: newAuthEnv(t), ids: map[string]string{}}
	id := func(name string) string {
		if e.ids[name] == "" {
			e.ids[name] = uuid.NewString()
		}
		return e.ids[name]
	}
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	ta, _ := tenants.FromContext(e.a)
	tb, _ := tenants.FromContext(e.b)
	exec := func(ctx context.Context, tx bun.Tx, q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err = e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		tid := ta.ID
		var cust string
		if err := tx.QueryRowContext(ctx, `SELECT customer_id::text FROM users WHERE email = 'jane@example.com'`).Scan(&cust); err != nil {
			return err
		}
		e.ids["lakeshore"] = cust
		exec(ctx, tx, `UPDATE customers SET credit_limit_minor = 100000 WHERE id = ?`, cust)
		exec(ctx, tx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'C-2', 'Other Co')`, tid, id("other"))
		exec(ctx, tx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, password_hash) VALUES
			(?, ?, ?, 'ann@example.com', 'Ann Admin', 'admin', 'active', ?),
			(?, ?, ?, 'otto@example.com', 'Otto Other', 'buyer', 'active', ?),
			(?, ?, NULL, 'sue@alpha.example', 'Sue Staff', 'tenant_admin', 'active', ?)`,
			tid, id("ann"), cust, hash, tid, id("otto"), id("other"), hash, tid, id("sue"), hash)
		exec(ctx, tx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, country) VALUES
			(?, ?, ?, 'shipping', '1 Dock Rd', 'Erie', 'US'), (?, ?, ?, 'shipping', '9 Yard St', 'Erie', 'US'),
			(?, ?, ?, 'shipping', '5 Other Way', 'Buffalo', 'US')`,
			tid, id("dock"), cust, tid, id("yard"), cust, tid, id("otheraddr"), id("other"))
		exec(ctx, tx, `INSERT INTO locations (tenant_id, id, code, name) VALUES (?, ?, 'PIT', 'Pittsburgh')`, tid, id("loc"))
		exec(ctx, tx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor, active, lead_time_days) VALUES
			(?, ?, 'PL-1', 'A36 Plate', 'plate', 'ea', 'ea', 1200, true, 3),
			(?, ?, 'BAR-2', 'Old Bar', 'bar', 'ea', 'ea', 800, false, 0),
			(?, ?, 'TUBE-3', 'Square Tube', 'tube', 'ea', 'ea', 500, true, 10)`,
			tid, id("pl"), tid, id("bar"), tid, id("tube"))
		exec(ctx, tx, `INSERT INTO inventory (tenant_id, product_id, location_id, quantity_on_hand, quantity_available) VALUES
			(?, ?, ?, 100, 100), (?, ?, ?, 0, 0)`, tid, id("pl"), id("loc"), tid, id("tube"), id("loc"))
		order := func(name, number, customer, status, shipTo string) {
			exec(ctx, tx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, status, order_date, total_minor, ship_to_id)
				VALUES (?, ?, ?, ?, ?, '2026-06-01', 9000, ?)`, tid, id(name), customer, number, status, shipTo)
		}
		order("so900", "SO-900", cust, "delivered", id("yard"))
		order("so950", "SO-950", id("other"), "delivered", id("otheraddr"))
		line := func(order string, no int, product, desc string, qty string, unit int64) {
			exec(ctx, tx, `INSERT INTO order_lines (tenant_id, id, order_id, line_no, product_id, description, quantity, uom,
				unit_price_minor, line_total_minor, processing_notes) VALUES (?, ?, ?, ?, ?, ?, ?::numeric, 'ea', ?, 0, 'cut to 48in')`,
				tid, uuid.NewString(), id(order), no, id(product), desc, qty, unit)
		}
		line("so900", 1, "pl", "A36 Plate", "5", 1000)
		line("so900", 2, "bar", "Old Bar", "2", 800)
		line("so900", 3, "tube", "Square Tube", "4", 500)
		line("so950", 1, "pl", "A36 Plate", "1", 1000)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.owner.InTx(e.b, tb.ID, func(ctx context.Context, tx bun.Tx) error {
		exec(ctx, tx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor) VALUES
			(?, ?, 'B-1', 'Beta Plate', 'plate', 'ea', 'ea', 100)`, tb.ID, id("betaproduct"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) *portal.User {
		_, u, err := signIn(e.authEnv, e.a, email, authPassword, false)
		if err != nil {
			t.Fatalf("sign in %s: %v", email, err)
		}
		return u
	}
	e.jane, e.ann, e.otto, e.sue = signIn("jane@example.com"), signIn("ann@example.com"), signIn("otto@example.com"), signIn("sue@alpha.example")
	e.reorders, e.approvals = postgres.NewReorderService(e.app), postgres.NewApprovalService(e.app)
	e.reviews, e.orders = postgres.NewReviewService(e.app), postgres.NewOrderService(e.app)
	return e
}

// count runs a count(*) as the owner in tenant alpha.
func (e *commerceEnv) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	ta, _ := tenants.FromContext(e.a)
	var n int
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	}); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestReorder_LinesPricesAndWarnings(t *testing.T) {
	e := newCommerceEnv(t)
	r, err := e.reorders.Reorder(e.a, e.jane, e.ids["so900"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OrderNumber != "SO-900" || len(r.Lines) != 3 || !portal.ValidUUID(r.PlacementID) {
		t.Fatalf("reorder = %+v", r)
	}
	pl, bar, tube := r.Lines[0], r.Lines[1], r.Lines[2]
	if pl.OriginalPrice.Amount != 1000 || pl.CurrentPrice.Amount != 1200 || !pl.PriceChanged || pl.Total.Amount != 6000 ||
		pl.Availability != portal.InStock || !pl.Included {
		t.Errorf("changed-price line = %+v", pl)
	}
	if !bar.Discontinued() || bar.Included || bar.CurrentPrice.Amount != 0 || bar.Total.Amount != 0 {
		t.Errorf("discontinued line = %+v", bar)
	}
	if tube.PriceChanged || tube.Availability != portal.OutOfStock || tube.Total.Amount != 2000 || !tube.Included {
		t.Errorf("out-of-stock line = %+v", tube)
	}
	types := map[string]int{}
	for _, w := range r.Warnings {
		types[w.Type] = w.LineNo
	}
	if types[portal.WarnPriceChanged] != 1 || types[portal.WarnDiscontinued] != 2 || types[portal.WarnOutOfStock] != 3 || len(r.Warnings) != 3 {
		t.Errorf("warnings = %+v", r.Warnings)
	}
	// The summary is the included lines', from the one pricing path;
	// no freight or tax settings in this tenant: both estimated at zero.
	if r.Subtotal.Amount != 8000 || r.GrandTotal.Amount != 8000 || r.Freight.Amount != 0 || r.Tax.Amount != 0 || r.GrandTotal.Currency != "USD" {
		t.Errorf("summary = %+v %+v %+v %+v", r.Subtotal, r.Freight, r.Tax, r.GrandTotal)
	}
	if r.ShippingAddressID != e.ids["yard"] || len(r.ShippingAddresses) != 2 {
		t.Errorf("shipping = %s of %d, want the order's %s", r.ShippingAddressID, len(r.ShippingAddresses), e.ids["yard"])
	}
	if want := e.now.Truncate(24*time.Hour).AddDate(0, 0, 10); !r.EarliestDate.Equal(want) {
		t.Errorf("earliest date %v, want today + 10 days (TUBE-3's lead time) %v", r.EarliestDate, want)
	}
	if r.CreditWarning != "" || r.AvailableCredit.Amount != 100000 || r.NeedsApproval {
		t.Errorf("credit %+v warning %q approval %v", r.AvailableCredit, r.CreditWarning, r.NeedsApproval)
	}

	// Edited: PL-1 at 100 (over its stock: low), TUBE-3 left out; the
	// total then exceeds the $1,000.00 of credit.
	in := &portal.ReorderInput{Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "100"}}}
	r, err = e.reorders.Reorder(e.a, e.jane, e.ids["so900"], in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines[0].Total.Amount != 120000 || r.Lines[0].Availability != portal.InStock || r.Lines[2].Included || r.Lines[2].CurrentPrice.Amount != 500 {
		t.Errorf("edited lines = %+v", r.Lines)
	}
	if r.GrandTotal.Amount != 120000 || r.CreditWarning != portal.CreditReviewWarning {
		t.Errorf("edited total %+v, credit warning %q", r.GrandTotal, r.CreditWarning)
	}
	in = &portal.ReorderInput{Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "101"}}}
	if r, err = e.reorders.Reorder(e.a, e.jane, e.ids["so900"], in); err != nil || r.Lines[0].Availability != portal.LowStock {
		t.Errorf("101 of 100 in stock: %v %+v", err, r)
	}

	// Bad input names its field; no one else's order is found.
	_, err = e.reorders.Reorder(e.a, e.jane, e.ids["so900"], &portal.ReorderInput{Lines: []portal.ReorderLineInput{{LineNo: 9, Quantity: "1"}}})
	if fe := fieldsOf(err); portal.ErrorCode(err) != portal.EINVALID || !fe["lines[0].line_no"] {
		t.Errorf("unknown line: %v", err)
	}
	_, err = e.reorders.Reorder(e.a, e.jane, e.ids["so900"], &portal.ReorderInput{Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "-1"}}})
	if fe := fieldsOf(err); !fe["lines[0].quantity"] {
		t.Errorf("bad quantity: %v", err)
	}
	for name, c := range map[string]struct {
		ctx   context.Context
		actor *portal.User
		id    string
	}{
		"another customer's order": {e.a, e.jane, e.ids["so950"]},
		"from another customer":    {e.a, e.otto, e.ids["so900"]},
		"in another tenant":        {e.b, e.jane, e.ids["so900"]},
		"malformed":                {e.a, e.jane, "x'--"},
	} {
		if _, err := e.reorders.Reorder(c.ctx, c.actor, c.id, nil); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}

func TestReorder_Place(t *testing.T) {
	e := newCommerceEnv(t)
	r, err := e.reorders.Reorder(e.a, e.jane, e.ids["so900"], nil)
	if err != nil {
		t.Fatal(err)
	}
	in := portal.ReorderInput{PlacementID: r.PlacementID, Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "2"}, {LineNo: 3, Quantity: "1"}},
		ShippingAddressID: e.ids["dock"], PONumber: "PO-REORDER-1", RequestedDate: e.now.AddDate(0, 0, 14).Format(time.DateOnly),
		SpecialInstructions: "Dock 4"}
	// A discontinued line, another customer's address, a date before the
	// lead time and a missing PO number (once required) are refused, and
	// nothing is written.
	bad := in
	bad.Lines = []portal.ReorderLineInput{{LineNo: 2, Quantity: "1"}}
	if _, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], bad); !fieldsOf(err)["lines[0].line_no"] {
		t.Errorf("discontinued line: %v", err)
	}
	bad = in
	bad.ShippingAddressID = e.ids["otheraddr"]
	if _, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], bad); !fieldsOf(err)["shipping_address_id"] {
		t.Errorf("another customer's address: %v", err)
	}
	bad = in
	bad.RequestedDate = e.now.AddDate(0, 0, 2).Format(time.DateOnly)
	if _, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], bad); !fieldsOf(err)["requested_date"] {
		t.Errorf("before the lead time: %v", err)
	}
	ta, _ := tenants.FromContext(e.a)
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE customers SET po_required = true WHERE id = ?`, e.ids["lakeshore"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	bad = in
	bad.PONumber = ""
	if _, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], bad); !fieldsOf(err)["po_number"] {
		t.Errorf("PO required: %v", err)
	}
	if n := e.count(t, `SELECT count(*) FROM orders`); n != 2 {
		t.Fatalf("%d orders after refused placements, want 2", n)
	}

	placed, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], in)
	if err != nil {
		t.Fatal(err)
	}
	if placed.OrderID != r.PlacementID || placed.Total.Amount != 2900 || placed.Status.Code != "received" || placed.AwaitingApproval ||
		placed.Replayed || placed.CreditWarning != "" {
		t.Errorf("placed = %+v", placed)
	}
	o, err := e.orders.FindOrderByID(e.a, e.jane, placed.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 2 || o.Lines[0].UnitPrice.Amount != 1200 || o.Lines[0].ProcessingNotes != "cut to 48in" || o.PONumber != "PO-REORDER-1" ||
		o.ShippingAddress == nil || o.ShippingAddress.ID != e.ids["dock"] || o.Total.Amount != 2900 {
		t.Errorf("the new order = %+v", o)
	}
	if n := e.count(t, `SELECT count(*) FROM orders WHERE id = ? AND source = 'portal' AND status = 'pending_review' AND placed_by_id = ?`,
		placed.OrderID, e.jane.ID); n != 1 {
		t.Errorf("order row: %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND subject_id = ? AND payload->>'source' = 'portal'`,
		placed.OrderID); n != 1 {
		t.Errorf("%d order.created events", n)
	}

	// Submitting again, in sequence or at once, answers the same order.
	again, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], in)
	if err != nil || !again.Replayed || again.OrderNumber != placed.OrderNumber {
		t.Errorf("second submit: %+v %v", again, err)
	}
	r2, _ := e.reorders.Reorder(e.a, e.jane, e.ids["so900"], nil)
	in.PlacementID = r2.PlacementID
	var wg sync.WaitGroup
	numbers := make([]string, 4)
	errs := make([]error, 4)
	for i := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], in)
			if errs[i] = err; err == nil {
				numbers[i] = p.OrderNumber
			}
		}()
	}
	wg.Wait()
	for i := range numbers {
		if errs[i] != nil || numbers[i] != numbers[0] {
			t.Errorf("concurrent submit %d: %q %v (first %q)", i, numbers[i], errs[i], numbers[0])
		}
	}
	if n := e.count(t, `SELECT count(*) FROM orders`); n != 4 {
		t.Errorf("%d orders, want 4 (2 + one per placement id)", n)
	}
	// Another customer cannot take over a placement id.
	if _, err := e.reorders.PlaceReorder(e.a, e.otto, e.ids["so950"], portal.ReorderInput{PlacementID: placed.OrderID,
		Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "1"}}, PONumber: "X"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("another customer's placement id: %v", err)
	}
	// Nor reorder from another customer's or tenant's order.
	in.PlacementID = uuid.NewString()
	if _, err := e.reorders.PlaceReorder(e.a, e.jane, e.ids["so950"], in); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another customer's order: %v", err)
	}
	if _, err := e.reorders.PlaceReorder(e.b, e.jane, e.ids["so900"], in); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another tenant: %v", err)
	}
}

// TestReorder_LinePricingRefuses: a line the pricing path refuses as it
// was (here: a product now priced in another currency than the order's
// other lines) is left out of the screen with its reason, and placing it
// names the request's own line.
func TestReorder_LinePricingRefuses(t *testing.T) {
	e := newCommerceEnv(t)
	ta, _ := tenants.FromContext(e.a)
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE products SET currency = 'EUR' WHERE id = ?`, e.ids["tube"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r, err := e.reorders.Reorder(e.a, e.jane, e.ids["so900"], nil)
	if err != nil {
		t.Fatal(err)
	}
	tube := r.Lines[2]
	if tube.Problem == "" || tube.Included || tube.Total.Amount != 0 || r.GrandTotal.Amount != 6000 {
		t.Errorf("refused line %+v, total %+v", tube, r.GrandTotal)
	}
	found := false
	for _, w := range r.Warnings {
		found = found || (w.Type == portal.WarnNeedsOptions && w.LineNo == 3)
	}
	if !found {
		t.Errorf("no needs_options warning: %+v", r.Warnings)
	}
	_, err = e.reorders.PlaceReorder(e.a, e.jane, e.ids["so900"], portal.ReorderInput{PlacementID: r.PlacementID,
		Lines: []portal.ReorderLineInput{{LineNo: 3, Quantity: "1"}, {LineNo: 1, Quantity: "1"}}})
	if f := fieldsOf(err); !f["lines[0].product_id"] || len(f) != 1 {
		t.Errorf("placing the refused line: %v", err)
	}
	if n := e.count(t, `SELECT count(*) FROM orders`); n != 2 {
		t.Errorf("%d orders, want none placed", n)
	}
}
