package api

// The portal's cart (issue 8): one server-side cart per signed-in user,
// priced by the server on every read. The shop's product page, purchase
// lists, quick order and reorder add to it through PathCartItems.

// Cart routes.
const (
	PathCart      = "/api/v1/cart"       // GET the priced cart (?promo_code=, ship-to: ?shipping_method=&shipping_address_id= or &ship_country=&ship_region=); DELETE empties it
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
	// Freight and Tax are estimated for the ship-to asked for (Estimate);
	// zero, and Estimate nil, without one. Total includes them.
	Freight  Money               `json:"freight"`
	Tax      Money               `json:"tax"`
	Estimate *FreightTaxEstimate `json:"estimate,omitempty"`
	Total    Money               `json:"total"`
}

// FreightTaxEstimate says how freight and tax were estimated: the
// shipping method, whether its freight was waived for the order's size,
// and the tax rate applied (a percentage, "8.25"; "0" when none applies
// or the account is tax exempt) with its key ("US-IL", "US"; "" none).
type FreightTaxEstimate struct {
	ShippingMethod string `json:"shipping_method"`
	FreeFreight    bool   `json:"free_freight"`
	TaxRate        string `json:"tax_rate"`
	TaxRegion      string `json:"tax_region,omitempty"`
}
