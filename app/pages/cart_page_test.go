package pages

import (
	"strings"
	"testing"

	"example.com/portal/app/components"
	"example.com/portal/backend/api"
)

// TestCartQuotesMode: a tenant in quotes mode takes quote requests, not
// orders, so the cart leads to the quote builder started from its lines
// instead of to checkout.
func TestCartQuotesMode(t *testing.T) {
	usd := api.Money{Amount: 12000, Currency: "USD"}
	cart := api.Cart{Lines: []api.CartLine{{ID: "l1", ProductID: "p1", Code: "PL-1", Name: "Plate", Quantity: "2", UOM: "EA",
		UnitPrice: usd, ListPrice: usd, Total: usd}}, ItemCount: 1, Subtotal: usd, Total: usd}
	for _, quotes := range []bool{false, true} {
		p := &cartPage{chrome: chrome{brand: brands["acme.test"], path: api.PageCart}, loaded: true, cart: cart, quotesMode: quotes,
			session: signedInAs(components.CapabilityCart)}
		html := renderHTML(t, p)
		quote := strings.Contains(html, `id="cart-request-quote"`) && strings.Contains(html, `href="/portal/quotes/new?from_cart=1"`)
		checkout := strings.Contains(html, `id="cart-checkout"`)
		if quote != quotes || checkout == quotes {
			t.Errorf("quotes mode %v: request a quote shown %v, checkout shown %v", quotes, quote, checkout)
		}
	}
}
