package pages

import (
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestDashboardShowsTheAPIFigures(t *testing.T) {
	usd := func(c int64) api.Money { return api.Money{Amount: c, Currency: "USD"} }
	d := api.Dashboard{
		FirstName: "Tom", CompanyName: "Lakeshore Fabrication Inc.", InProgressCount: 7,
		Summary: api.AccountSummary{AccountNumber: "AM-10001", PaymentTerms: "NET30", CreditLimit: usd(15000000),
			AvailableCredit: usd(250000), CreditLevel: "low", OpenBalance: usd(1191347), TotalOrders: 14, LifetimeSales: usd(1870462)},
		OrdersInProgress: []api.OrderSummary{{ID: "o1", OrderNumber: "SO-1", OrderDate: "2026-12-05",
			Status: api.Status{Code: "in_production", Label: "In Production", Color: "orange"}, Total: usd(217056)}},
		RecentShipments: []api.Shipment{{ID: "s1", OrderID: "o1", OrderNumber: "SO-1", ShowTracking: true, TrackingNumber: "1Z9",
			TrackingURL: "https://carrier.example/track?n=1Z9", Status: api.Status{Code: "in_transit", Label: "In Transit", Color: "blue"}}},
		SalesRep: &api.SalesRep{Name: "Dana", Email: "dana@acme.example", Phone: "+1 312-555-0141"},
		Support:  api.SupportContacts{Email: "support@acme.example"},
	}
	s := state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true,
		User: apiclient.User{Email: "tom@x.example", Name: "Tom Becker", Role: "buyer", CustomerName: "Lakeshore Fabrication Inc."}}}
	p := &dashboardPage{chrome: chrome{brand: brands["acme.test"], path: "/portal"}, session: s, data: d, loaded: true}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p)
	for _, want := range []string{
		"Welcome back, Tom<", "Lakeshore Fabrication Inc. · Buyer",
		`id="quick-orders-badge"`, ">7<", `href="/portal/quotes/new"`, `href="mailto:support@acme.example"`,
		">$11,913.47<", ">$150,000.00<", "credit--low", ">$2,500.00 (low)<", ">14<", ">$18,704.62<",
		"chip--orange", ">In Production<", `href="/portal/orders/o1"`,
		`href="https://carrier.example/track?n=1Z9"`, `href="mailto:dana@acme.example"`, `href="tel:+13125550141"`,
		"No recent invoices",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, html)
		}
	}
}

func TestOrderPageNotFound(t *testing.T) {
	s := state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true, User: apiclient.User{Email: "tom@x.example"}}}
	p := &orderPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/orders/x"}, session: s,
		err: &apiclient.Error{Status: 404, Code: api.CodeNotFound}, loaded: true}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if html := app.HTMLString(p); !strings.Contains(html, `id="order-not-found"`) || strings.Contains(html, "could not load") {
		t.Errorf("404 does not show the not-found state:\n%s", html)
	}
}
