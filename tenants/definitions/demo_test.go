package definitions_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/portal/tenants/definitions"
)

// fixedNow is a Sunday afternoon in late November, UTC.
var fixedNow = time.Date(2026, 11, 22, 15, 4, 5, 0, time.UTC)

// The statuses of spec 000 §3, written out here rather than taken from the
// package so that the test checks the generator against the spec.
var (
	specOrderStatuses = []string{"draft", "pending_review", "confirmed", "released", "in_progress",
		"partial_complete", "complete", "shipped", "partial_shipped", "delivered", "invoiced", "cancelled", "on_hold"}
	specJobStatuses      = []string{"queued", "in_progress", "staged", "completed", "shipped", "cancelled", "on_hold"}
	specShipmentStatuses = []string{"pending", "picked", "packed", "label_created", "shipped", "out_for_delivery",
		"delivered", "exception", "returned"}
	specTrackedStatuses = []string{"label_created", "shipped", "out_for_delivery", "delivered", "exception", "returned"}
)

// demoData expands every embedded definition at now.
func demoData(t *testing.T, now time.Time) map[string]*definitions.Dataset {
	t.Helper()
	defs, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*definitions.Dataset{}
	for _, d := range defs {
		ds, err := d.DemoData(now)
		if err != nil {
			t.Fatalf("%s: DemoData: %v", d.Slug, err)
		}
		out[d.Slug] = ds
	}
	if len(out) != 2 {
		t.Fatalf("%d demo tenants, want 2", len(out))
	}
	return out
}

func set[T any](rows []T, key func(T) string) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[key(r)]++
	}
	return m
}

func missing(have map[string]int, want []string) []string {
	var out []string
	for _, w := range want {
		if have[w] == 0 {
			out = append(out, w)
		}
	}
	return out
}

func TestDemoCoversEveryStatus(t *testing.T) {
	for slug, ds := range demoData(t, fixedNow) {
		t.Run(slug, func(t *testing.T) {
			first := ds.Customers[0]
			var firstOrders []definitions.Order
			for _, o := range ds.Orders {
				if o.CustomerID == first.ID {
					firstOrders = append(firstOrders, o)
				}
			}
			if m := missing(set(firstOrders, func(o definitions.Order) string { return o.Status }), specOrderStatuses); len(m) > 0 {
				t.Errorf("first customer has no order in status %v", m)
			}
			for _, c := range ds.Customers[1:] {
				n := 0
				for _, o := range ds.Orders {
					if o.CustomerID == c.ID {
						n++
					}
				}
				if n < 3 {
					t.Errorf("customer %s has %d orders, want a spread of at least 3", c.AccountNumber, n)
				}
			}
			if m := missing(set(ds.OrderLines, func(l definitions.OrderLine) string { return l.JobStatus }), specJobStatuses); len(m) > 0 {
				t.Errorf("no line in job status %v", m)
			}
			if m := missing(set(ds.Shipments, func(s definitions.Shipment) string { return s.Status }), specShipmentStatuses); len(m) > 0 {
				t.Errorf("no shipment in status %v", m)
			}
			if m := missing(set(ds.Shipments, func(s definitions.Shipment) string { return s.CarrierType }), []string{"parcel", "freight"}); len(m) > 0 {
				t.Errorf("no %v shipment", m)
			}
			states := set(ds.Invoices, func(i definitions.Invoice) string {
				if i.Status == "open" && i.DueDate.Before(dateIn(fixedNow, slug)) {
					return "overdue"
				}
				return i.Status
			})
			if m := missing(states, []string{"open", "partially_paid", "paid", "void", "overdue"}); len(m) > 0 {
				t.Errorf("no invoice that is %v (have %v)", m, states)
			}
			roles := set(ds.Users, func(u definitions.User) string {
				if u.CustomerID != first.ID {
					return ""
				}
				return u.Role
			})
			if m := missing(roles, []string{"admin", "buyer", "viewer", "finance"}); len(m) > 0 {
				t.Errorf("first customer has no user with role %v", m)
			}
		})
	}
}

func TestDemoAccountsAndCatalog(t *testing.T) {
	for slug, ds := range demoData(t, fixedNow) {
		t.Run(slug, func(t *testing.T) {
			if n := len(ds.Locations); n < 2 || n > 3 {
				t.Errorf("%d locations, want 2–3", n)
			}
			for _, l := range ds.Locations {
				if l.Phone == "" {
					t.Errorf("location %s has no phone", l.Code)
				}
			}
			if len(ds.Customers) < 4 {
				t.Fatalf("%d customers, want at least 4", len(ds.Customers))
			}
			types := set(ds.Customers, func(c definitions.Customer) string { return c.Type })
			if types["individual"] == 0 || types["business"] == 0 {
				t.Errorf("customer types %v, want businesses and an individual", types)
			}
			for field, key := range map[string]func(definitions.Customer) string{
				"payment_terms":    func(c definitions.Customer) string { return c.PaymentTerms },
				"credit_limit":     func(c definitions.Customer) string { return fmt.Sprint(c.CreditLimit) },
				"po_required":      func(c definitions.Customer) string { return fmt.Sprint(c.PORequired) },
				"products_display": func(c definitions.Customer) string { return c.ProductsDisplay },
				"sales_rep":        func(c definitions.Customer) string { return c.SalesRepID },
			} {
				if len(set(ds.Customers, key)) < 2 {
					t.Errorf("every customer has the same %s", field)
				}
			}
			for _, u := range ds.Users {
				if u.Password != ds.Password || len(u.Password) < 12 || u.Email != strings.ToLower(u.Email) {
					t.Errorf("user %s: password or e-mail unusable", u.Email)
				}
			}
			if kinds := set(ds.Addresses, func(a definitions.Address) string { return a.Kind }); kinds["billing"] < len(ds.Customers) || kinds["shipping"] < len(ds.Customers) {
				t.Errorf("addresses by kind %v, want billing and shipping for each customer", kinds)
			}

			if len(ds.Products) < 200 {
				t.Errorf("%d products, want at least 200", len(ds.Products))
			}
			uoms := set(ds.Products, func(p definitions.Product) string { return p.StockUOM })
			for k, v := range set(ds.Products, func(p definitions.Product) string { return p.PricingUOM }) {
				uoms[k] += v
			}
			if m := missing(uoms, []string{"ea", "ft", "lb", "cwt", "sheet"}); len(m) > 0 {
				t.Errorf("no product stocked or priced per %v", m)
			}
			forms := set(ds.Products, func(p definitions.Product) string { return p.Form })
			if len(forms) < 8 {
				t.Errorf("forms %v, want plate, sheet, bars, tube, pipe and structurals", forms)
			}
			for _, p := range ds.Products {
				if p.ListPrice <= 0 || p.WeightPerUnit <= 0 || len(p.DimensionValues) == 0 || p.Dimensions == "" || !strings.Contains(p.Name, p.Grade) {
					t.Errorf("product %s incomplete: %+v", p.Code, p)
				}
			}
			linked := set(ds.ProductCategories, func(l definitions.ProductCategory) string { return l.ProductID })
			for _, p := range ds.Products {
				if linked[p.ID] == 0 {
					t.Errorf("product %s has no category", p.Code)
				}
			}
		})
	}
}

// TestDemoPrices pins a few list prices, so that a change in the price
// arithmetic shows up as a diff to review.
func TestDemoPrices(t *testing.T) {
	ds := demoData(t, fixedNow)["acme-metals"]
	want := map[string]struct {
		uom   string
		price int64
	}{
		"PL-A36-0.25X48X96":  {"cwt", 6200},    // $62.00 per hundredweight
		"PL-304-0.25X48X96":  {"lb", 315},      // $3.15 per lb
		"RB-1018-1X12":       {"ft", 276},      // 2.673 lb/ft at $94.00/cwt + 10 %
		"SH-304-0.06X48X120": {"sheet", 35237}, // 99.878 lb at $315.00/cwt + 12 %
	}
	for _, p := range ds.Products {
		if w, ok := want[p.Code]; ok {
			if p.PricingUOM != w.uom || p.ListPrice != w.price {
				t.Errorf("%s: %d per %s, want %d per %s", p.Code, p.ListPrice, p.PricingUOM, w.price, w.uom)
			}
			delete(want, p.Code)
		}
	}
	for code := range want {
		t.Errorf("no product %s", code)
	}
}

var (
	numberRE = map[string]*regexp.Regexp{
		"order":    regexp.MustCompile(`^SO-(\d{4})-(\d{4})$`),
		"shipment": regexp.MustCompile(`^SH-(\d{4})-(\d{4})$`),
		"invoice":  regexp.MustCompile(`^INV-(\d{4})-(\d{4})$`),
	}
)

// TestDemoInvariants checks what the schema and the portal rely on, at
// several moments (including just after new year, when orders straddle two
// numbering periods).
func TestDemoInvariants(t *testing.T) {
	for _, now := range []time.Time{fixedNow, time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)} {
		for slug, ds := range demoData(t, now) {
			t.Run(slug+"@"+now.Format("2006-01-02"), func(t *testing.T) {
				checkTotals(t, ds)
				checkReferences(t, ds)
				checkNumbers(t, ds)
				checkDates(t, ds, now, dateIn(now, slug))
			})
		}
	}
}

// TestDemoJobStatusesFitOrders: lines say the same as their order.
func TestDemoJobStatusesFitOrders(t *testing.T) {
	allowed := map[string][]string{
		"draft": {"queued"}, "pending_review": {"queued"}, "confirmed": {"queued"}, "released": {"queued"},
		"in_progress": {"in_progress", "queued"}, "partial_complete": {"completed", "in_progress"},
		"complete": {"staged"}, "partial_shipped": {"shipped", "completed"},
		"shipped": {"shipped"}, "delivered": {"shipped"}, "invoiced": {"shipped"},
		"cancelled": {"cancelled"}, "on_hold": {"on_hold"},
	}
	for slug, ds := range demoData(t, fixedNow) {
		status := map[string]string{}
		for _, o := range ds.Orders {
			status[o.ID] = o.Status
		}
		byOrder := map[string]map[string]int{}
		for _, l := range ds.OrderLines {
			if byOrder[l.OrderID] == nil {
				byOrder[l.OrderID] = map[string]int{}
			}
			byOrder[l.OrderID][l.JobStatus]++
			if !slices.Contains(allowed[status[l.OrderID]], l.JobStatus) {
				t.Errorf("%s: line in %s in a %s order", slug, l.JobStatus, status[l.OrderID])
			}
			if l.HasMTR && l.HeatNumber == "" {
				t.Errorf("%s: line with an MTR but no heat", slug)
			}
		}
		heats := 0
		for _, l := range ds.OrderLines {
			if l.HeatNumber != "" {
				heats++
			}
		}
		if heats == 0 {
			t.Errorf("%s: no line has a heat number", slug)
		}
		for id, s := range status {
			if s == "partial_complete" || s == "partial_shipped" || s == "in_progress" {
				if len(byOrder[id]) < 2 {
					t.Errorf("%s: %s order with lines %v, want some of each", slug, s, byOrder[id])
				}
			}
		}
	}
}

func TestDemoDeterministic(t *testing.T) {
	a, b := demoData(t, fixedNow), demoData(t, fixedNow)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two expansions at the same moment differ")
	}
	later := demoData(t, fixedNow.Add(41*24*time.Hour+5*time.Hour))
	for slug := range a {
		for name, ids := range map[string][2][]string{
			"customers": {keysOf(a[slug].Customers, func(c definitions.Customer) string { return c.ID }), keysOf(later[slug].Customers, func(c definitions.Customer) string { return c.ID })},
			"users":     {keysOf(a[slug].Users, func(u definitions.User) string { return u.ID }), keysOf(later[slug].Users, func(u definitions.User) string { return u.ID })},
			"products":  {keysOf(a[slug].Products, func(p definitions.Product) string { return p.ID }), keysOf(later[slug].Products, func(p definitions.Product) string { return p.ID })},
			"orders":    {sorted(keysOf(a[slug].Orders, func(o definitions.Order) string { return o.ID })), sorted(keysOf(later[slug].Orders, func(o definitions.Order) string { return o.ID }))},
			"lines":     {sorted(keysOf(a[slug].OrderLines, func(l definitions.OrderLine) string { return l.ID })), sorted(keysOf(later[slug].OrderLines, func(l definitions.OrderLine) string { return l.ID }))},
			"invoices":  {sorted(keysOf(a[slug].Invoices, func(i definitions.Invoice) string { return i.ID })), sorted(keysOf(later[slug].Invoices, func(i definitions.Invoice) string { return i.ID }))},
		} {
			if !slices.Equal(ids[0], ids[1]) {
				t.Errorf("%s: %s ids depend on the moment of expansion", slug, name)
			}
		}
	}
	if a["acme-metals"].Customers[0].ID == a["northwind-steel"].Customers[0].ID {
		t.Error("two tenants share ids")
	}
}

func sorted(s []string) []string { slices.Sort(s); return s }

// dateIn is today's date in the demo tenant's time zone, as DemoData sees it.
func dateIn(now time.Time, slug string) time.Time {
	zone := map[string]string{"acme-metals": "America/Chicago", "northwind-steel": "America/Toronto"}[slug]
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestDemoSignIns(t *testing.T) {
	for slug, ds := range demoData(t, fixedNow) {
		signIns := ds.SignIns()
		if len(signIns) != len(ds.Users) {
			t.Fatalf("%s: %d sign-ins for %d users", slug, len(signIns), len(ds.Users))
		}
		for _, s := range signIns {
			staff := s.Role == "tenant_admin" || s.Role == "sales_rep"
			if s.Email == "" || s.Password != ds.Password || s.Role == "" || staff != (s.Customer == "staff") ||
				!staff && !strings.Contains(s.Customer, "(") {
				t.Errorf("%s: sign-in %+v is incomplete", slug, s)
			}
		}
		if first := signIns[0]; first.Role != "admin" || !strings.Contains(first.Customer, ds.Customers[0].CompanyName) {
			t.Errorf("%s: first sign-in %+v, want the first customer's admin", slug, first)
		}
	}
}
