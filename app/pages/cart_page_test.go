package pages

import (
	"strings"
	"testing"

	"example.com/portal/app/components"
	"example.com/portal/app/state"
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

// TestShopProductGuestAdded: once a visitor who is not signed in has put
// a product in the cart their browser keeps, the product page offers the
// guest checkout; a signed-in customer is not offered it.
func TestShopProductGuestAdded(t *testing.T) {
	for _, guest := range []bool{false, true} {
		p := &shopProductPage{chrome: chrome{brand: brands["acme.test"], path: api.PageShop + "/p1"}, id: "p1", loadedID: "p1", loaded: true,
			quantity: "1", guestAdded: guest, addStatus: "Added to your cart (1 lines).", session: state.Session{Status: state.Loaded}}
		p.product.ID, p.product.Name = "p1", "A36 Plate"
		html := renderHTML(t, p)
		if got := strings.Contains(html, `id="product-guest-checkout"`) && strings.Contains(html, `href="/portal/guest-checkout"`); got != guest {
			t.Errorf("guest added %v: guest checkout offered %v", guest, got)
		}
	}
}
