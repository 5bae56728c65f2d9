package pages

import (
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func renderHTML(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

func signedInAs(caps ...string) state.Session {
	return state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true, User: apiclient.User{Name: "Tom", Capabilities: caps}}}
}

// TestReorderScreen: the changed price is highlighted beside the previous
// one, the discontinued line is disabled, the warnings banner lists every
// warning, the credit warning shows, and Request Quote Instead links the
// quote screen prefilled from the order. A Viewer is told the screen is
// not for their role.
func TestReorderScreen(t *testing.T) {
	usd := func(c int64) api.Money { return api.Money{Amount: c, Currency: "USD"} }
	p := &reorderPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/orders/o1/reorder"}, id: "o1", loaded: true,
		session: signedInAs(api.CapabilityOrdersReorder), qty: map[int]string{1: "5", 2: "2"}, excluded: map[int]bool{2: true},
		r: api.Reorder{OrderID: "o1", OrderNumber: "SO-900", Lines: []api.ReorderLine{
			{LineNo: 1, ProductCode: "PL-1", Quantity: "5", Availability: "in_stock", Included: true, OriginalPrice: usd(1000),
				CurrentPrice: usd(1200), PriceChanged: true, Total: usd(6000)},
			{LineNo: 2, ProductCode: "BAR-2", Quantity: "2", Availability: api.AvailabilityDiscontinued, Discontinued: true, OriginalPrice: usd(800)},
		}, Warnings: []api.ReorderWarning{{Type: api.WarningPriceChanged, LineNo: 1, Message: "The price of PL-1 changed."},
			{Type: api.WarningDiscontinued, LineNo: 2, Message: "BAR-2 is no longer available."}},
			GrandTotal: usd(6000), CreditWarning: "Order total may exceed available credit. Our team will review.", EstimateNote: "Freight later."}}
	html := renderHTML(t, p)
	for _, want := range []string{`id="reorder-title"`, "Reorder from Order SO-900", "price--changed", "$12.00", "$10.00",
		"reorder-line--disabled", `data-type="price_changed"`, `data-type="item_discontinued"`, `id="reorder-credit-warning"`,
		`href="/portal/quotes/new?from_order=o1"`, "Place Order", "Estimated freight", "Freight later."} {
		if !strings.Contains(html, want) {
			t.Errorf("the reorder screen lacks %q", want)
		}
	}
	if n := strings.Count(html, "price--changed"); n != 1 {
		t.Errorf("%d highlighted prices, want 1", n)
	}
	viewer := &reorderPage{chrome: chrome{brand: brands["acme.test"]}, session: signedInAs("orders:read")}
	if html := renderHTML(t, viewer); !strings.Contains(html, "account-denied") || strings.Contains(html, "reorder-lines") {
		t.Errorf("a Viewer sees the reorder screen")
	}
}

// TestProductReviewsCard: average, reviews, the hidden note and the form
// only for those who may review.
func TestProductReviewsCard(t *testing.T) {
	c := &ProductReviews{IProductID: "p1", loaded: true, data: api.ProductReviews{Count: 2, Average: 4.5, CanReview: true,
		Reviews: []api.Review{{ID: "r1", Rating: 5, Body: "Great", AuthorName: "Jane B."}},
		Mine:    &api.Review{ID: "r2", Rating: 4, Hidden: true}}}
	html := renderHTML(t, c)
	for _, want := range []string{"4.5 out of 5 · 2 reviews", "Jane B.", "★★★★★", `id="review-hidden-note"`, `id="review-form"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the reviews card lacks %q", want)
		}
	}
	c = &ProductReviews{IProductID: "p1", loaded: true, data: api.ProductReviews{}}
	if html := renderHTML(t, c); strings.Contains(html, "review-form") || !strings.Contains(html, "No reviews yet.") {
		t.Errorf("no reviews, may not review: %s", html)
	}
}
