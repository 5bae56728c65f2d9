package definitions_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"example.com/portal/tenants/definitions"
)

// The invariants TestDemoInvariants checks on every dataset.

func checkTotals(t *testing.T, ds *definitions.Dataset) {
	t.Helper()
	sums := map[string]int64{}
	for _, l := range ds.OrderLines {
		if want := (int64(l.Quantity)*l.UnitPrice + 500) / 1000; l.LineTotal != want || l.Quantity <= 0 {
			t.Errorf("line %s/%d: total %d, want %s × %d = %d", l.OrderID, l.LineNo, l.LineTotal, l.Quantity, l.UnitPrice, want)
		}
		sums[l.OrderID] += l.LineTotal
	}
	for _, o := range ds.Orders {
		if o.Subtotal != sums[o.ID] || o.Total != o.Subtotal+o.Tax+o.Freight || o.Subtotal <= 0 {
			t.Errorf("order %s: subtotal %d (lines %d) + tax %d + freight %d != total %d", o.Number, o.Subtotal, sums[o.ID], o.Tax, o.Freight, o.Total)
		}
	}
	for _, inv := range ds.Invoices {
		if inv.Subtotal+inv.Tax != inv.Total || inv.Total <= 0 {
			t.Errorf("invoice %s: %d + %d != %d", inv.Number, inv.Subtotal, inv.Tax, inv.Total)
		}
		ok := map[string]bool{
			"paid":           inv.AmountPaid == inv.Total,
			"partially_paid": inv.AmountPaid > 0 && inv.AmountPaid < inv.Total,
			"open":           inv.AmountPaid == 0,
			"void":           inv.AmountPaid == 0,
		}[inv.Status]
		if !ok {
			t.Errorf("invoice %s %s has paid %d of %d", inv.Number, inv.Status, inv.AmountPaid, inv.Total)
		}
	}
}

func checkReferences(t *testing.T, ds *definitions.Dataset) {
	t.Helper()
	ids := map[string]string{} // id → table
	add := func(table, id string) {
		if prev, dup := ids[id]; dup {
			t.Errorf("id %s in %s repeats one in %s", id, table, prev)
		}
		ids[id] = table
	}
	for _, r := range ds.SalesReps {
		add("sales_reps", r.ID)
	}
	for _, r := range ds.Locations {
		add("locations", r.ID)
	}
	for _, r := range ds.Customers {
		add("customers", r.ID)
	}
	for _, r := range ds.Users {
		add("users", r.ID)
	}
	for _, r := range ds.Addresses {
		add("addresses", r.ID)
	}
	for _, r := range ds.Categories {
		add("product_categories", r.ID)
	}
	for _, r := range ds.Products {
		add("products", r.ID)
	}
	for _, r := range ds.Orders {
		add("orders", r.ID)
	}
	for _, r := range ds.OrderLines {
		add("order_lines", r.ID)
	}
	for _, r := range ds.StatusHistory {
		add("order_status_history", r.ID)
	}
	for _, r := range ds.Shipments {
		add("shipments", r.ID)
	}
	for _, r := range ds.Invoices {
		add("invoices", r.ID)
	}
	ref := func(what, id, table string, optional bool) {
		if id == "" && optional {
			return
		}
		if ids[id] != table {
			t.Errorf("%s refers to %q, not a row of %s", what, id, table)
		}
	}
	for _, c := range ds.Customers {
		ref("customer "+c.AccountNumber+" sales rep", c.SalesRepID, "sales_reps", true)
	}
	for _, u := range ds.Users {
		staff := u.Role == "tenant_admin" || u.Role == "sales_rep"
		if staff && u.CustomerID != "" {
			t.Errorf("staff user %s belongs to customer %s", u.Email, u.CustomerID)
		}
		ref("user "+u.Email, u.CustomerID, "customers", staff)
	}
	for _, a := range ds.Addresses {
		ref("address", a.CustomerID, "customers", false)
	}
	for _, c := range ds.Categories {
		ref("category "+c.Slug, c.ParentID, "product_categories", true)
	}
	for _, l := range ds.ProductCategories {
		ref("category link", l.ProductID, "products", false)
		ref("category link", l.CategoryID, "product_categories", false)
	}
	userCustomer := map[string]string{}
	for _, u := range ds.Users {
		userCustomer[u.ID] = u.CustomerID
	}
	for _, o := range ds.Orders {
		ref("order "+o.Number, o.CustomerID, "customers", false)
		ref("order "+o.Number+" placed_by", o.PlacedByID, "users", false)
		ref("order "+o.Number+" ship_to", o.ShipToID, "addresses", false)
		ref("order "+o.Number+" location", o.LocationID, "locations", false)
		if userCustomer[o.PlacedByID] != o.CustomerID {
			t.Errorf("order %s placed by a user of another customer", o.Number)
		}
	}
	for _, l := range ds.OrderLines {
		ref("order line", l.OrderID, "orders", false)
		ref("order line", l.ProductID, "products", false)
	}
	for _, h := range ds.StatusHistory {
		ref("status change", h.OrderID, "orders", false)
	}
	for _, s := range ds.Shipments {
		ref("shipment "+s.Number, s.OrderID, "orders", false)
	}
	for _, l := range ds.ShipmentLines {
		ref("shipment line", l.ShipmentID, "shipments", false)
		ref("shipment line", l.OrderLineID, "order_lines", false)
	}
	for _, inv := range ds.Invoices {
		ref("invoice "+inv.Number, inv.CustomerID, "customers", false)
		ref("invoice "+inv.Number, inv.OrderID, "orders", false)
	}
	// The schema's unique constraints.
	for name, keys := range map[string][]string{
		"account number": keysOf(ds.Customers, func(c definitions.Customer) string { return c.AccountNumber }),
		"company name":   keysOf(ds.Customers, func(c definitions.Customer) string { return c.CompanyName }),
		"user e-mail":    keysOf(ds.Users, func(u definitions.User) string { return u.Email }),
		"product code":   keysOf(ds.Products, func(p definitions.Product) string { return p.Code }),
		"category slug":  keysOf(ds.Categories, func(c definitions.Category) string { return c.Slug }),
		"order number":   keysOf(ds.Orders, func(o definitions.Order) string { return o.Number }),
		"shipment no.":   keysOf(ds.Shipments, func(s definitions.Shipment) string { return s.Number }),
		"invoice number": keysOf(ds.Invoices, func(i definitions.Invoice) string { return i.Number }),
		"line number":    keysOf(ds.OrderLines, func(l definitions.OrderLine) string { return fmt.Sprint(l.OrderID, l.LineNo) }),
		"shipment line":  keysOf(ds.ShipmentLines, func(l definitions.ShipmentLine) string { return l.ShipmentID + l.OrderLineID }),
		"category link":  keysOf(ds.ProductCategories, func(l definitions.ProductCategory) string { return l.ProductID + l.CategoryID }),
	} {
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Errorf("%s %q repeats", name, k)
			}
			seen[k] = true
		}
	}
}

func keysOf[T any](rows []T, key func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = key(r)
	}
	return out
}

// checkNumbers: human numbers are per-year sequences without gaps, and the
// counters hold the last number of each.
func checkNumbers(t *testing.T, ds *definitions.Dataset) {
	t.Helper()
	numbers := map[string][]string{
		"order":    keysOf(ds.Orders, func(o definitions.Order) string { return o.Number }),
		"shipment": keysOf(ds.Shipments, func(s definitions.Shipment) string { return s.Number }),
		"invoice":  keysOf(ds.Invoices, func(i definitions.Invoice) string { return i.Number }),
	}
	counters := map[string]int64{}
	for _, c := range ds.Counters {
		counters[fmt.Sprint(c.Kind, c.Period)] = c.LastValue
	}
	if len(counters) != len(ds.Counters) {
		t.Error("a counter repeats")
	}
	seen := 0
	for kind, list := range numbers {
		perYear := map[string][]int{}
		for _, n := range list {
			m := numberRE[kind].FindStringSubmatch(n)
			if m == nil {
				t.Errorf("%s number %q has the wrong format", kind, n)
				continue
			}
			seq, _ := strconv.Atoi(m[2]) // "0019": not octal
			perYear[m[1]] = append(perYear[m[1]], seq)
		}
		for year, seqs := range perYear {
			slices.Sort(seqs)
			for i, s := range seqs {
				if s != i+1 {
					t.Errorf("%s numbers of %s are not 1..%d: %v", kind, year, len(seqs), seqs)
					break
				}
			}
			if counters[kind+year] != int64(len(seqs)) {
				t.Errorf("counter %s %s = %d, want %d", kind, year, counters[kind+year], len(seqs))
			}
			seen++
		}
	}
	if seen != len(ds.Counters) {
		t.Errorf("%d counters for %d numbering periods", len(ds.Counters), seen)
	}
}

func checkDates(t *testing.T, ds *definitions.Dataset, now, today time.Time) {
	t.Helper()
	history := map[string][]definitions.StatusChange{}
	for _, h := range ds.StatusHistory {
		history[h.OrderID] = append(history[h.OrderID], h)
	}
	for _, o := range ds.Orders {
		if o.OrderDate.After(today) || o.OrderDate.Before(today.AddDate(-1, 0, 0)) {
			t.Errorf("order %s dated %s, not within the last 12 months of %s", o.Number, o.OrderDate, today)
		}
		hs := history[o.ID]
		if len(hs) == 0 || hs[len(hs)-1].Status != o.Status {
			t.Errorf("order %s (%s): history does not end in its status: %v", o.Number, o.Status, hs)
			continue
		}
		if first := hs[0].Status; first != "draft" && first != "pending_review" {
			t.Errorf("order %s history starts at %s", o.Number, first)
		}
		for i, h := range hs {
			if h.ChangedAt.After(now) || (i > 0 && !h.ChangedAt.After(hs[i-1].ChangedAt)) {
				t.Errorf("order %s: %s at %s is out of order or in the future", o.Number, h.Status, h.ChangedAt)
			}
			if h.Note == "" {
				t.Errorf("order %s: %s has no note", o.Number, h.Status)
			}
		}
		if !o.CreatedAt.Equal(hs[0].ChangedAt) {
			t.Errorf("order %s created %s, first status %s", o.Number, o.CreatedAt, hs[0].ChangedAt)
		}
	}
	for _, s := range ds.Shipments {
		tracked := slices.Contains(specTrackedStatuses, s.Status)
		if tracked != (s.TrackingNumber != "") || tracked != strings.HasPrefix(s.TrackingURL, "https://") {
			t.Errorf("shipment %s %s: tracking %q %q", s.Number, s.Status, s.TrackingNumber, s.TrackingURL)
		}
		if tracked && !strings.Contains(s.TrackingURL, s.TrackingNumber) {
			t.Errorf("shipment %s: URL %s does not carry %s", s.Number, s.TrackingURL, s.TrackingNumber)
		}
		if (s.Status == "delivered") != !s.DeliveredAt.IsZero() || s.DeliveredAt.After(now) {
			t.Errorf("shipment %s %s delivered at %s", s.Number, s.Status, s.DeliveredAt)
		}
		if s.Carrier == "" || s.EstimatedDelivery.IsZero() {
			t.Errorf("shipment %s has no carrier or estimated delivery", s.Number)
		}
	}
	for _, inv := range ds.Invoices {
		if inv.DueDate.Before(inv.InvoiceDate) || inv.InvoiceDate.After(today) {
			t.Errorf("invoice %s dated %s due %s", inv.Number, inv.InvoiceDate, inv.DueDate)
		}
	}
}
