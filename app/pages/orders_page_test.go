package pages

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
)

func TestOrderFilterURLRoundTrip(t *testing.T) {
	q, _ := url.ParseQuery("q=PO-77&status=shipped,in_production,shipped&range=custom&from=2026-01-01&to=2026-02-01&sort=total:desc&page=3&page_size=50&junk=1")
	f := parseOrderFilter(q)
	want := orderFilter{Q: "PO-77", Statuses: []string{"shipped", "in_production"}, Range: rangeCustom, From: "2026-01-01", To: "2026-02-01",
		Sort: "total:desc", Page: 3, PageSize: 50}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("parsed %+v, want %+v", f, want)
	}
	if again := parseOrderFilter(f.pageQuery()); !reflect.DeepEqual(again, f) {
		t.Errorf("round trip %+v, want %+v", again, f)
	}
	// Defaults stay out of the URL; unknown values fall back to them.
	if d := parseOrderFilter(url.Values{"range": {"90d"}, "sort": {"colour"}, "page_size": {"7"}, "from": {"2026-01-01"}}); d.href() != "/portal/orders" {
		t.Errorf("defaults href = %q", d.href())
	}
}

func TestOrderFilterAPIQuery(t *testing.T) {
	today := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		f    orderFilter
		want string
	}{
		{orderFilter{}, "dir=desc&from=2025-12-31&page_size=20&sort=order_date"},
		{orderFilter{Q: "SO-1"}, "dir=desc&page_size=20&q=SO-1&sort=order_date"},
		{orderFilter{Range: range30Days, Statuses: []string{"shipped", "delivered"}}, "dir=desc&from=2026-03-01&page_size=20&sort=order_date&status=shipped%2Cdelivered"},
		{orderFilter{Range: range12Month, Sort: "total:asc", Page: 2, PageSize: 100}, "dir=asc&from=2025-03-31&page=2&page_size=100&sort=total"},
		{orderFilter{Range: rangeAllTime}, "all_time=true&dir=desc&page_size=20&sort=order_date"},
		{orderFilter{Range: rangeCustom, To: "2026-02-01"}, "dir=desc&page_size=20&sort=order_date&to=2026-02-01"},
	}
	for _, tt := range tests {
		if got := tt.f.apiQuery(today).Encode(); got != tt.want {
			t.Errorf("%+v: API query %q, want %q", tt.f, got, tt.want)
		}
	}
}

// A search counted to its cap says "1,000+", not an exact figure.
func TestOrdersCountLowerBound(t *testing.T) {
	s := state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true, User: apiclient.User{Email: "tom@x.example"}}}
	for _, c := range []struct {
		capped bool
		want   string
	}{{false, "1–1 of 1000 orders"}, {true, "1–1 of 1000+ orders"}} {
		list := api.OrderList{Orders: []api.OrderSummary{{ID: "o1", OrderNumber: "SO-1", OrderDate: "2026-12-05"}},
			Total: 1000, TotalIsLowerBound: c.capped, Page: 1, PageSize: 20, TotalPages: 50}
		p := &ordersPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/orders"}, session: s, list: list, loaded: true}
		e := app.NewTestEngine()
		if err := e.Load(p); err != nil {
			t.Fatal(err)
		}
		e.ConsumeAll()
		if html := app.HTMLString(p); !strings.Contains(html, c.want) {
			t.Errorf("capped=%v: no %q in\n%s", c.capped, c.want, html)
		}
	}
}
