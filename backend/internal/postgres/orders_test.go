package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// orderEnv is a tenant (alpha) whose customer Lakeshore Fab (Jane, a
// Buyer) has orders in every state the screens care about, a second
// customer of the same tenant with an order of its own, and a second
// tenant (beta) with an order too: what Jane must never see.
type orderEnv struct {
	*authEnv
	orders *postgres.OrderService
	jane   *portal.User
	ids    map[string]string // order, shipment and invoice numbers → ids
}

func newOrderEnv(t testing.TB) *orderEnv {
	t.Helper()
	e := &orderEnv{authEnv: newAuthEnv(t), ids: map[string]string{}}
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	e.jane = jane
	id := func(name string) string {
		if e.ids[name] == "" {
			e.ids[name] = uuid.NewString()
		}
		return e.ids[name]
	}
	exec := func(ctx context.Context, tx bun.Tx, q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ta, _ := tenants.FromContext(e.a)
	tb, _ := tenants.FromContext(e.b)
	err = e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		tid, cust := ta.ID, jane.CustomerID
		exec(ctx, tx, `INSERT INTO sales_reps (tenant_id, id, name, email, phone) VALUES (?, ?, 'Sam Rep', 'sam@alpha.example', '+1 412 555 0199')`, tid, id("rep"))
		exec(ctx, tx, `UPDATE customers SET credit_limit_minor = 1000000, payment_terms = 'NET30', sales_rep_id = ? WHERE id = ?`, id("rep"), cust)
		exec(ctx, tx, `INSERT INTO locations (tenant_id, id, code, name, phone) VALUES (?, ?, 'PIT', 'Pittsburgh Yard', '+1 412 555 0100')`, tid, id("loc"))
		exec(ctx, tx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, region, postal_code, country)
			VALUES (?, ?, ?, 'shipping', '1 Dock Rd', 'Erie', 'PA', '16501', 'US')`, tid, id("dock"), cust)
		order := func(number, status, date, po string, total int64) {
			exec(ctx, tx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, total_minor,
				subtotal_minor, freight_minor, tax_minor, processing_minor, location_id, ship_to_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1000, 500, 0, ?, ?)`,
				tid, id(number), cust, number, po, status, date, total, total-1500, id("loc"), id("dock"))
		}
		line := func(number string, no int, desc, job string) {
			exec(ctx, tx, `INSERT INTO order_lines (tenant_id, id, order_id, line_no, description, quantity, uom, unit_price_minor,
				line_total_minor, job_status, grade, dimensions) VALUES (?, ?, ?, ?, ?, 12.5, 'ea', 100, 1250, ?, 'A36', '1/2 x 48 x 96')`,
				tid, id(number+"/"+string(rune('0'+no))), id(number), no, desc, job)
		}
		history := func(number string, steps ...string) {
			at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
			for i, st := range steps {
				exec(ctx, tx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at) VALUES (?, ?, ?, ?, ?)`,
					tid, uuid.NewString(), id(number), st, at.AddDate(0, 0, i))
			}
		}
		order("SO-1001", "confirmed", "2026-10-01", "PO-77", 150000)
		line("SO-1001", 1, "A36 Plate 1/2in", "queued")
		line("SO-1001", 2, "Round bar 304 stainless", "in_progress")
		history("SO-1001", "pending_review", "confirmed")
		order("SO-1002", "shipped", "2026-09-15", "PO-88", 50000)
		line("SO-1002", 1, "Hot rolled sheet", "shipped")
		history("SO-1002", "pending_review", "confirmed", "in_progress", "shipped")
		order("SO-1003", "draft", "2026-10-20", "PO-DRAFT", 99)
		line("SO-1003", 1, "Plate in a draft", "queued")
		order("SO-1004", "cancelled", "2026-10-10", "", 7000)
		order("SO-1005", "delivered", "2025-06-01", "PO-OLD", 20000)
		line("SO-1005", 1, "Angle iron 2x2", "shipped")
		order("SO-1006", "on_hold", "2026-10-25", "PO-99", 33000)
		history("SO-1006", "pending_review", "confirmed", "released", "on_hold")
		shipment := func(number, order, status, tracking, shipDate string) {
			exec(ctx, tx, `INSERT INTO shipments (tenant_id, id, customer_id, order_id, shipment_number, status, carrier, tracking_number,
				tracking_url, ship_date) VALUES (?, ?, ?, ?, ?, ?, 'UPS', ?, 'https://track.example/'||?, ?::date)`,
				tid, id(number), cust, id(order), number, status, tracking, tracking, shipDate)
		}
		shipment("SH-1", "SO-1002", "label_created", "1Z999", "2026-09-20")
		shipment("SH-2", "SO-1002", "packed", "1ZHIDDEN", "2026-09-21")
		shipment("SH-3", "SO-1003", "shipped", "1ZDRAFT", "2026-10-21") // of a draft: never shown
		exec(ctx, tx, `INSERT INTO shipment_lines (tenant_id, shipment_id, order_id, order_line_id, quantity) VALUES (?, ?, ?, ?, 5)`,
			tid, id("SH-1"), id("SO-1002"), id("SO-1002/1"))
		invoice := func(number, order, status, due string, total, paid int64) {
			exec(ctx, tx, `INSERT INTO invoices (tenant_id, id, customer_id, order_id, invoice_number, status, invoice_date, due_date,
				total_minor, amount_paid_minor) VALUES (?, ?, ?, ?, ?, ?, ?::date - 30, ?, ?, ?)`,
				tid, id(number), cust, id(order), number, status, due, due, total, paid)
		}
		invoice("INV-1", "SO-1002", "open", "2026-12-01", 200000, 50000)
		invoice("INV-2", "SO-1005", "paid", "2025-07-01", 30000, 30000)
		invoice("INV-3", "SO-1005", "void", "2025-07-02", 99999, 0)
		invoice("INV-4", "SO-1001", "partially_paid", "2026-10-01", 100000, 40000) // overdue on 2026-11-02
		exec(ctx, tx, `INSERT INTO payments (tenant_id, id, customer_id, invoice_id, reference, method, status, amount_minor, received_on)
			VALUES (?, ?, ?, ?, 'CHK-1', 'check', 'succeeded', 30000, '2025-06-20'), (?, ?, ?, ?, 'ACH-2', 'ach', 'pending', 40000, '2026-10-20')`,
			tid, id("PAY-1"), cust, id("INV-2"), tid, id("PAY-2"), cust, id("INV-4"))

		// Another customer of the same tenant.
		other := id("other-customer")
		exec(ctx, tx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'C-2', 'Other Co')`, tid, other)
		exec(ctx, tx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, total_minor)
			VALUES (?, ?, ?, 'SO-2001', 'PO-77', 'confirmed', '2026-10-02', 1)`, tid, id("SO-2001"), other)
		exec(ctx, tx, `INSERT INTO shipments (tenant_id, id, customer_id, order_id, shipment_number, status, ship_date)
			VALUES (?, ?, ?, ?, 'SH-2001', 'shipped', '2026-10-03')`, tid, id("SH-2001"), other, id("SO-2001"))
		exec(ctx, tx, `INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor)
			VALUES (?, ?, ?, 'INV-2001', 'open', '2026-10-01', '2026-10-31', 5000000)`, tid, id("INV-2001"), other)
		exec(ctx, tx, `INSERT INTO payments (tenant_id, id, customer_id, reference, method, status, amount_minor, received_on)
			VALUES (?, ?, ?, 'CHK-OTHER', 'check', 'succeeded', 1, '2026-10-21')`, tid, id("PAY-OTHER"), other)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.owner.InTx(e.b, tb.ID, func(ctx context.Context, tx bun.Tx) error {
		exec(ctx, tx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, total_minor)
			SELECT ?, ?, id, 'SO-1001', 'PO-77', 'confirmed', '2026-10-01', 1 FROM customers`, tb.ID, id("beta/SO-1001"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.orders = postgres.NewOrderService(e.app)
	return e
}

func orderNumbers(list []portal.OrderSummary) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.OrderNumber)
	}
	return out
}

func TestDashboardFigures(t *testing.T) {
	e := newOrderEnv(t)
	d, err := e.orders.Dashboard(e.a, e.jane)
	if err != nil {
		t.Fatal(err)
	}
	s := d.Summary
	// Open balance: INV-1 (2,000.00 − 500.00) + INV-4 (1,000.00 − 400.00);
	// lifetime sales: every invoice that is not void.
	if s.OpenBalance.Amount != 210000 || s.AvailableCredit.Amount != 790000 || s.CreditLimit.Amount != 1000000 ||
		s.LifetimeSales.Amount != 330000 || s.CreditLevel != portal.CreditOK || s.OpenBalance.Currency != "USD" {
		t.Errorf("summary = %+v", s)
	}
	if s.AccountNumber != "C-1" || s.CompanyName != "Lakeshore Fab" || s.PaymentTerms != "NET30" {
		t.Errorf("account = %+v", s)
	}
	// Every order but the draft; in progress: confirmed, shipped, on hold.
	if s.TotalOrders != 5 || d.InProgressCount != 3 {
		t.Errorf("total orders %d, in progress %d; want 5 and 3", s.TotalOrders, d.InProgressCount)
	}
	if got := orderNumbers(d.OrdersInProgress); !slices.Equal(got, []string{"SO-1006", "SO-1001", "SO-1002"}) {
		t.Errorf("orders in progress = %v", got)
	}
	if d.FirstName != "Jane" || d.SalesRep == nil || d.SalesRep.Email != "sam@alpha.example" {
		t.Errorf("first name %q, rep %+v", d.FirstName, d.SalesRep)
	}
	var shipments []string
	for _, sh := range d.RecentShipments {
		shipments = append(shipments, sh.ShipmentNumber)
	}
	if !slices.Equal(shipments, []string{"SH-2", "SH-1"}) {
		t.Errorf("recent shipments = %v (the draft's and other customers' must not show)", shipments)
	}
	statuses := map[string]string{}
	for _, i := range d.RecentInvoices {
		statuses[i.InvoiceNumber] = i.Status
	}
	want := map[string]string{"INV-1": "open", "INV-2": "paid", "INV-3": "void", "INV-4": "overdue"}
	if len(statuses) != len(want) {
		t.Errorf("recent invoices = %v", statuses)
	}
	for n, st := range want {
		if statuses[n] != st {
			t.Errorf("invoice %s status %q, want %q", n, statuses[n], st)
		}
	}
}

func TestDashboardCreditLevels(t *testing.T) {
	for _, c := range []struct {
		available, limit int64
		want             string
	}{{790000, 1000000, portal.CreditOK}, {250000, 1000000, portal.CreditLow}, {0, 1000000, portal.CreditOver},
		{-5, 1000000, portal.CreditOver}, {0, 0, portal.CreditOver}, {250001, 1000000, portal.CreditOK}} {
		if got := portal.CreditLevelOf(c.available, c.limit); got != c.want {
			t.Errorf("CreditLevelOf(%d, %d) = %q, want %q", c.available, c.limit, got, c.want)
		}
	}
}

func TestFindOrdersFilters(t *testing.T) {
	e := newOrderEnv(t)
	find := func(f portal.OrderFilter) ([]string, int) {
		t.Helper()
		list, total, err := e.orders.FindOrders(e.a, e.jane, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		return orderNumbers(list), total
	}
	date := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	cases := []struct {
		name   string
		filter portal.OrderFilter
		want   []string
	}{
		// The spec's default: not cancelled, last 12 months, newest first;
		// never a draft, never another customer's order.
		{"default", portal.OrderFilter{}, []string{"SO-1006", "SO-1001", "SO-1002"}},
		{"all time", portal.OrderFilter{AllTime: true}, []string{"SO-1006", "SO-1001", "SO-1002", "SO-1005"}},
		{"cancelled on request", portal.OrderFilter{Statuses: []string{"cancelled"}}, []string{"SO-1004"}},
		{"several statuses", portal.OrderFilter{Statuses: []string{"on_hold", "shipped"}}, []string{"SO-1006", "SO-1002"}},
		// A search looks at all time: an old order is found by its number.
		{"search PO", portal.OrderFilter{Search: "po-77"}, []string{"SO-1001"}},
		{"search line", portal.OrderFilter{Search: "round BAR"}, []string{"SO-1001"}},
		{"search old", portal.OrderFilter{Search: "angle"}, []string{"SO-1005"}},
		{"search draft line", portal.OrderFilter{Search: "draft"}, nil},
		{"search is literal", portal.OrderFilter{Search: "SO-100_"}, nil},
		// A search matches the start of a word (migration 24), of every
		// word given, not a piece inside one: "ainless" found SO-1001 when
		// the search was ILIKE '%…%', and no longer does.
		{"search start of a word", portal.OrderFilter{Search: "STAIN"}, []string{"SO-1001"}},
		{"search inside a word", portal.OrderFilter{Search: "ainless"}, nil},
		{"search every word", portal.OrderFilter{Search: "plate a36"}, []string{"SO-1001"}},
		{"search a word of another order too", portal.OrderFilter{Search: "plate angle"}, nil},
		{"search order number part", portal.OrderFilter{Search: "1005"}, []string{"SO-1005"}},
		{"search order number prefix", portal.OrderFilter{Search: "so-100"}, []string{"SO-1006", "SO-1001", "SO-1002", "SO-1005"}},
		{"search only punctuation", portal.OrderFilter{Search: "- /"}, nil},
		{"date range", portal.OrderFilter{From: date("2026-09-01"), To: date("2026-10-01")}, []string{"SO-1001", "SO-1002"}},
		// An end date alone is everything up to it, not the default year.
		{"end date only", portal.OrderFilter{To: date("2025-12-31")}, []string{"SO-1005"}},
		{"total ascending", portal.OrderFilter{Sort: portal.SortTotal}, []string{"SO-1006", "SO-1002", "SO-1001"}},
		{"total descending", portal.OrderFilter{Sort: portal.SortTotal, Desc: true}, []string{"SO-1001", "SO-1002", "SO-1006"}},
		// Workflow order: confirmed, shipped, then on hold.
		{"status", portal.OrderFilter{Sort: portal.SortStatus}, []string{"SO-1001", "SO-1002", "SO-1006"}},
	}
	for _, c := range cases {
		got, total := find(c.filter)
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("%s: %v (total %d), want %v", c.name, got, total, c.want)
		}
	}
	// A search reads its orders by terms or by walking the customer's
	// orders, depending on its words' counts (with this little data, always
	// by terms); either way it finds the same orders.
	for _, byTerms := range []bool{true, false} {
		restore := postgres.SetSearchPlan(byTerms)
		for _, c := range cases {
			if c.filter.Search == "" {
				continue
			}
			got, total := find(c.filter)
			if !slices.Equal(got, c.want) || total != len(c.want) {
				t.Errorf("%s (by terms: %v): %v (total %d), want %v", c.name, byTerms, got, total, c.want)
			}
		}
		restore()
	}

	// Paging: 20 a page, the total counts every match.
	got, total := find(portal.OrderFilter{AllTime: true, Page: 2})
	if len(got) != 0 || total != 4 {
		t.Errorf("page 2: %v, total %d; want none of 4", got, total)
	}
	list, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{})
	if err != nil || len(list) == 0 {
		t.Fatal(err)
	}
	if o := list[1]; o.Status.Label != "Confirmed" || o.LineCount != 2 || o.Total.Amount != 150000 || o.InvoiceID != e.ids["INV-4"] {
		t.Errorf("SO-1001 summary = %+v", o)
	}
}

func TestFindOrdersInvalidFilter(t *testing.T) {
	e := newOrderEnv(t)
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	_, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Statuses: []string{"draft"}, Sort: "price",
		PageSize: 25, From: &from, To: &to})
	fields := fieldsOf(err)
	for _, f := range []string{"status", "sort", "page_size", "to"} {
		if !fields[f] {
			t.Errorf("field %s not named: %v", f, err)
		}
	}
	// Text PostgreSQL cannot hold is a field error, not a failed query.
	for _, q := range []string{"SO\x00", "plate \xff"} {
		if _, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Search: q}); !fieldsOf(err)["q"] {
			t.Errorf("search %q: %v, want a field error on q", q, err)
		}
	}
}

func TestFindOrderByID(t *testing.T) {
	e := newOrderEnv(t)
	o, err := e.orders.FindOrderByID(e.a, e.jane, e.ids["SO-1002"])
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, s := range o.Timeline {
		states = append(states, s.ID+":"+s.State)
	}
	want := []string{"received:done", "confirmed:done", "processing:done", "shipped:current", "delivered:upcoming"}
	if !slices.Equal(states, want) {
		t.Errorf("timeline = %v, want %v", states, want)
	}
	if at := o.Timeline[3].At; at == nil || !at.Equal(time.Date(2026, 9, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("shipped at %v", at)
	}
	if o.Timeline[4].At != nil {
		t.Errorf("delivered dated %v before it happened", o.Timeline[4].At)
	}
	if len(o.Lines) != 1 || o.Lines[0].Quantity != "12.5" || o.Lines[0].Status.Label != "Shipped" || o.Lines[0].Grade != "A36" {
		t.Errorf("lines = %+v", o.Lines)
	}
	if o.Freight.Amount != 1000 || o.Tax.Amount != 500 || o.Subtotal.Amount != 48500 || o.Processing.Amount != 0 {
		t.Errorf("totals: subtotal %d freight %d tax %d processing %d", o.Subtotal.Amount, o.Freight.Amount, o.Tax.Amount, o.Processing.Amount)
	}
	if o.Location == nil || o.Location.Phone != "+1 412 555 0100" || o.ShippingAddress == nil || o.ShippingAddress.City != "Erie" {
		t.Errorf("location %+v, ship to %+v", o.Location, o.ShippingAddress)
	}
	if len(o.Shipments) != 2 {
		t.Fatalf("shipments = %+v", o.Shipments)
	}
	// Tracking shows from label created on; a packed parcel has none yet.
	sh1, sh2 := o.Shipments[0], o.Shipments[1]
	if sh1.ShipmentNumber != "SH-1" || sh1.TrackingNumber != "1Z999" || sh1.TrackingURL != "https://track.example/1Z999" ||
		len(sh1.Lines) != 1 || sh1.Lines[0].Quantity != "5" {
		t.Errorf("SH-1 = %+v", sh1)
	}
	if sh2.TrackingNumber != "" || sh2.TrackingURL != "" || sh2.Status.Label != "Packed" {
		t.Errorf("SH-2 shows tracking before its label: %+v", sh2)
	}

	// On hold after release: stays at processing.
	o, err = e.orders.FindOrderByID(e.a, e.jane, e.ids["SO-1006"])
	if err != nil {
		t.Fatal(err)
	}
	if o.Timeline[2].State != "current" || o.Timeline[1].State != "done" || o.Status.Label != "On Hold" {
		t.Errorf("on hold timeline = %+v", o.Timeline)
	}

	// A draft, another customer's order, another tenant's order, and
	// nonsense are all simply not found.
	for _, id := range []string{e.ids["SO-1003"], e.ids["SO-2001"], e.ids["beta/SO-1001"], uuid.NewString(), "SO-1001", "'; --"} {
		if _, err := e.orders.FindOrderByID(e.a, e.jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("order %q: %v, want not found", id, err)
		}
	}
}

func TestFindShipments(t *testing.T) {
	e := newOrderEnv(t)
	list, total, err := e.orders.FindShipments(e.a, e.jane, portal.ShipmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(list) != 2 || list[0].ShipmentNumber != "SH-2" || list[1].OrderNumber != "SO-1002" {
		t.Errorf("shipments = %+v (total %d)", list, total)
	}
	list, total, err = e.orders.FindShipments(e.a, e.jane, portal.ShipmentFilter{Statuses: []string{"label_created"}})
	if err != nil || total != 1 || list[0].ShipmentNumber != "SH-1" {
		t.Errorf("label_created = %+v, %v", list, err)
	}
	// The filter takes customer-facing codes: "in_transit" is the internal
	// "shipped", which is not a code of its own.
	if list, total, err := e.orders.FindShipments(e.a, e.jane, portal.ShipmentFilter{Statuses: []string{"in_transit", "preparing"}}); err != nil || total != 0 {
		t.Errorf("in_transit = %+v (total %d), %v", list, total, err)
	}
	for _, code := range []string{"lost", "shipped"} {
		if _, _, err := e.orders.FindShipments(e.a, e.jane, portal.ShipmentFilter{Statuses: []string{code}}); !fieldsOf(err)["status"] {
			t.Errorf("status %q: %v, want a field error", code, err)
		}
	}
	sh, err := e.orders.FindShipmentByID(e.a, e.jane, e.ids["SH-1"])
	if err != nil || sh.TrackingNumber != "1Z999" || len(sh.Lines) != 1 {
		t.Errorf("SH-1 = %+v, %v", sh, err)
	}
	for _, id := range []string{e.ids["SH-3"], e.ids["SH-2001"], uuid.NewString(), "x"} {
		if _, err := e.orders.FindShipmentByID(e.a, e.jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("shipment %q: %v, want not found", id, err)
		}
	}
}

func TestAccountOverviewAndPayments(t *testing.T) {
	e := newOrderEnv(t)
	a, err := e.orders.AccountOverview(e.a, e.jane)
	if err != nil {
		t.Fatal(err)
	}
	if a.Company.Name != "Lakeshore Fab" || a.Summary.OpenBalance.Amount != 210000 || a.SalesRep == nil {
		t.Errorf("overview = %+v", a)
	}
	// The disabled user is not a contact.
	if len(a.Contacts) != 1 || a.Contacts[0].Email != "jane@example.com" || len(a.Addresses) != 1 {
		t.Errorf("contacts %+v, addresses %+v", a.Contacts, a.Addresses)
	}

	list, total, err := e.orders.FindPayments(e.a, e.jane, portal.PaymentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || list[0].Reference != "ACH-2" || list[0].InvoiceNumber != "INV-4" || list[1].Amount.Amount != 30000 {
		t.Errorf("payments = %+v (total %d)", list, total)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	list, _, err = e.orders.FindPayments(e.a, e.jane, portal.PaymentFilter{From: &from, Statuses: []string{"pending"}})
	if err != nil || len(list) != 1 || list[0].Reference != "ACH-2" {
		t.Errorf("filtered payments = %+v, %v", list, err)
	}
	if _, _, err := e.orders.FindPayments(e.a, e.jane, portal.PaymentFilter{Statuses: []string{"bounced"}}); !fieldsOf(err)["status"] {
		t.Errorf("unknown payment status: %v", err)
	}

	// A payment can only name an invoice of its own customer: the schema
	// refuses another customer's payment pointing at Jane's invoice, whose
	// number would otherwise show in that customer's history.
	ta, _ := tenants.FromContext(e.a)
	err = e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO payments (tenant_id, id, customer_id, invoice_id, reference, method, status, amount_minor, received_on)
			VALUES (?, ?, ?, ?, 'CHK-X', 'check', 'succeeded', 1, '2026-10-21')`, ta.ID, uuid.NewString(), e.ids["other-customer"], e.ids["INV-1"])
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "payments_invoice_customer_fkey") {
		t.Errorf("payment of another customer on Jane's invoice: %v, want the foreign key to refuse it", err)
	}
}

func TestOrderServiceRefusesStaff(t *testing.T) {
	e := newOrderEnv(t)
	staff := *e.jane
	staff.CustomerID = ""
	if _, err := e.orders.Dashboard(e.a, &staff); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("staff dashboard: %v", err)
	}
	if _, _, err := e.orders.FindOrders(e.a, &staff, portal.OrderFilter{}); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("staff orders: %v", err)
	}
}

// TestInTenantReadBatch: the one-round-trip read runs its queries in a
// read-only transaction of the context's tenant with the statement timeout
// set, refuses to run without a tenant, and a failing query fails the
// whole read and leaves the pool usable.
func TestInTenantReadBatch(t *testing.T) {
	e := newOrderEnv(t)
	ran := false
	err := e.app.InTenantReadBatch(context.Background(), time.Second, func(b *postgres.ReadBatch) { ran = true })
	if !errors.Is(err, postgres.ErrNoTenant) || ran {
		t.Errorf("without a tenant: err=%v ran=%v", err, ran)
	}
	read := func(q string, args ...any) (string, error) {
		var got string
		err := e.app.InTenantReadBatch(e.a, 1500*time.Millisecond, func(b *postgres.ReadBatch) {
			b.QueryRow(func(row pgx.Row) error { return row.Scan(&got) }, q, args...)
		})
		return got, err
	}
	ta, _ := tenants.FromContext(e.a)
	for q, want := range map[string]string{
		"SELECT current_setting('transaction_read_only')": "on",
		"SELECT current_setting('statement_timeout')":     "1500ms",
		"SELECT current_setting('app.tenant_id')":         ta.ID,
		// Row-level security: the other tenant's order is not there.
		"SELECT count(*)::text FROM orders WHERE tenant_id <> current_setting('app.tenant_id')::uuid":   "0",
		"SELECT string_agg(order_number, ',' ORDER BY order_number) FROM orders WHERE customer_id = $1": "SO-1001,SO-1002,SO-1003,SO-1004,SO-1005,SO-1006",
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, e.jane.CustomerID)
		}
		got, err := read(q, args...)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", q, got, err, want)
		}
	}
	var second bool
	err = e.app.InTenantReadBatch(e.a, time.Second, func(b *postgres.ReadBatch) {
		b.QueryRow(func(row pgx.Row) error { var n int; return row.Scan(&n) }, "SELECT 1 / 0")
		b.QueryRow(func(row pgx.Row) error { second = true; return nil }, "SELECT 1")
	})
	if err == nil || !strings.Contains(err.Error(), "22012") || second {
		t.Errorf("division by zero: err=%v, later query read=%v; want SQLSTATE 22012 and nothing after", err, second)
	}
	// The timeout, set by the batch's second statement, applies to the
	// later statements of the same message.
	if _, err := read("SELECT pg_sleep(3)::text"); err == nil || !strings.Contains(err.Error(), "57014") {
		t.Errorf("a query past the timeout: %v, want SQLSTATE 57014", err)
	}
	if _, err := read("UPDATE orders SET notes = 'x' RETURNING notes"); err == nil || !strings.Contains(err.Error(), "25006") {
		t.Errorf("a write in the read batch: %v, want SQLSTATE 25006 (read-only transaction)", err)
	}
	for range 10 { // more reads than the pool has connections: none was left in a transaction
		if got, err := read("SELECT current_setting('transaction_read_only')"); err != nil || got != "on" {
			t.Fatalf("after the failures: %q, %v", got, err)
		}
	}
}

// roundTrips counts the messages a context's reads send (each batch or
// single statement is one round trip).
type roundTrips struct{}

type roundTripsKey struct{}

func (roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if n, ok := ctx.Value(roundTripsKey{}).(*int); ok {
		*n++
	}
	return ctx
}
func (roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	if n, ok := ctx.Value(roundTripsKey{}).(*int); ok {
		*n++
	}
	return ctx
}
func (roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestFindOrdersRoundTrips: the orders list sends its statements in as
// few messages as their dependencies allow (see FindOrders), with the
// same answers: one for a list (BEGIN, the page, its count and COMMIT),
// two for a search (its plan first).
func TestFindOrdersRoundTrips(t *testing.T) {
	e := newOrderEnv(t)
	ta, _ := tenants.FromContext(e.a)
	err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		for i := range 30 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date, total_minor)
				VALUES (?, ?, ?, ?, ?, 'confirmed', '2026-10-02', 100)`, ta.ID, uuid.NewString(), e.jane.CustomerID, fmt.Sprintf("RT-%03d", i), fmt.Sprintf("BULK-%d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db := e.pg.OpenApp(t, postgres.Options{MaxConns: 1, Tracer: roundTrips{}})
	orders := postgres.NewOrderService(db)
	for _, c := range []struct {
		name   string
		f      portal.OrderFilter
		trips  int
		total  int
		onPage int
	}{
		{"plain list, full page", portal.OrderFilter{AllTime: true}, 1, 34, 20},
		{"plain list, last page", portal.OrderFilter{AllTime: true, Page: 2}, 1, 34, 14},
		{"rare term", portal.OrderFilter{Search: "stainless", AllTime: true}, 2, 1, 1},
		{"no match", portal.OrderFilter{Search: "zzzz", AllTime: true}, 2, 0, 0},
		{"common term, counted", portal.OrderFilter{Search: "bulk", AllTime: true}, 2, 30, 20},
		{"common term, last page", portal.OrderFilter{Search: "bulk", AllTime: true, Page: 2}, 2, 30, 10},
		{"past the last page", portal.OrderFilter{Search: "bulk", AllTime: true, Page: 3}, 2, 30, 0},
	} {
		for run := range 2 { // the first run prepares the statements
			var n int
			got, total, err := orders.FindOrders(context.WithValue(e.a, roundTripsKey{}, &n), e.jane, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if total != c.total || len(got) != c.onPage {
				t.Errorf("%s: %d orders of %d, want %d of %d", c.name, len(got), total, c.onPage, c.total)
			}
			if run == 1 && n != c.trips {
				t.Errorf("%s: %d round trips, want %d", c.name, n, c.trips)
			}
		}
	}
}
