package api

// The portal's cart (issue 8): one server-side cart per signed-in user,
// priced by the server on every read. The shop's product page, purchase
// lists, quick order and reorder add to it through PathCartItems.

// Cart routes.
const (
	PathCart      = "/api/v1/cart"       // GET the priced cart; DELETE empties it
	PathCartItems = "/api/v1/cart/items" // POST CartItemsAdd; PATCH/DELETE PathCartItems+"/{line_id}"
)

// CartItemInput is one line to add: a product, a quantity in the
// product's unit (decimal string, at most 3 decimals), and what the
// customer configured on the product page.
type CartItemInput struct {
	ProductID  string            `json:"product_id"`
	Quantity   string            `json:"quantity"`
	UOM        string            `json:"uom,omitempty"`
	Dimensions map[string]string `json:"dimensions,omitempty"` // required dimensions by name, e.g. {"length": "120"}
	Processing []string          `json:"processing,omitempty"` // processing option codes
	Notes      string            `json:"notes,omitempty"`
}

// CartItemsAdd is POST /api/v1/cart/items: lines added at once (a product
// page adds one; a list, quick order or reorder adds many). A line of a
// product already in the cart with the same configuration adds to its
// quantity.
type CartItemsAdd struct {
	Items []CartItemInput `json:"items"`
}

// CartLine is a priced line of the cart.
type CartLine struct {
	ID          string            `json:"id"`
	ProductID   string            `json:"product_id"`
	Code        string            `json:"code"`
	Name        string            `json:"name"`
	Quantity    string            `json:"quantity"`
	UOM         string            `json:"uom"`
	Dimensions  map[string]string `json:"dimensions,omitempty"`
	Processing  []string          `json:"processing,omitempty"`
	Notes       string            `json:"notes,omitempty"`
	ListPrice   Money             `json:"list_price"`
	UnitPrice   Money             `json:"unit_price"`
	PriceSource string            `json:"price_source"` // list, contract, break, promotion
	Total       Money             `json:"total"`
	// Problem is why the line cannot be ordered now ("" when it can):
	// a product no longer sold, for example.
	Problem string `json:"problem,omitempty"`
}

// Cart is the signed-in user's priced cart.
type Cart struct {
	Lines     []CartLine `json:"lines"`
	ItemCount int        `json:"item_count"`
	Subtotal  Money      `json:"subtotal"`
	Discount  Money      `json:"discount"`
	Total     Money      `json:"total"`
}
