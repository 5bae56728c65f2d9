package api

// Checkout, quick order, guest checkout and purchase lists (issue 8).

// Checkout routes and pages.
const (
	PathCartQuickOrder  = "/api/v1/cart/quick-order" // POST QuickOrder
	PathCheckout        = "/api/v1/checkout"         // POST CheckoutRequest → 201 CheckoutConfirmation
	PathCheckoutOptions = "/api/v1/checkout/options" // GET CheckoutOptions
	PathGuestCart       = "/api/v1/guest/cart/price" // POST GuestCartPrice → Cart (public, when guests may order)
	PathGuestCheckout   = "/api/v1/guest/checkout"   // POST GuestCheckoutRequest → 201 CheckoutConfirmation (public)
	PathPurchaseLists   = "/api/v1/purchase-lists"   // GET, POST; /{id}: GET, PATCH, DELETE; /{id}/items: POST; /{id}/items/{item_id}: DELETE; /{id}/cart: POST

	PageCart       = "/portal/cart"
	PageCheckout   = "/portal/checkout"
	PageQuickOrder = "/portal/quick-order"
	PageLists      = "/portal/lists" // a list: PageLists + "/{id}"
	// PageGuestCheckout is a guest's checkout of the cart the browser
	// keeps (localStorage GuestCartStorageKey: a JSON array of
	// CartItemInput), where the tenant takes guest orders.
	PageGuestCheckout   = "/portal/guest-checkout"
	GuestCartStorageKey = "portal.guest_cart"
)

// CartLineUpdate is PATCH /api/v1/cart/items/{line_id}: the fields sent
// change; dimensions and processing, when sent, replace the line's.
type CartLineUpdate struct {
	Quantity   *string           `json:"quantity,omitempty"`
	UOM        *string           `json:"uom,omitempty"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Processing []string          `json:"processing,omitempty"`
	Notes      *string           `json:"notes,omitempty"`
}

// QuickOrderLine is a product code and a quantity.
type QuickOrderLine struct {
	Code     string `json:"code"`
	Quantity string `json:"quantity"`
}

// QuickOrder is POST /api/v1/cart/quick-order: lines, or a CSV of
// "code,quantity" rows (pasted or the text of an uploaded file). Every bad
// line is a field error naming it (lines[i].code, csv.lineN.quantity) and
// then nothing is added.
type QuickOrder struct {
	Lines []QuickOrderLine `json:"lines,omitempty"`
	CSV   string           `json:"csv,omitempty"`
}

// CheckoutOptions is GET /api/v1/checkout/options: what the checkout
// screen offers.
type CheckoutOptions struct {
	BillingAddresses  []Address        `json:"billing_addresses"`
	ShippingAddresses []Address        `json:"shipping_addresses"`
	ShippingMethods   []ShippingMethod `json:"shipping_methods"`
	PORequired        bool             `json:"po_required"`
	PaymentTerms      string           `json:"payment_terms"`
	AvailableCredit   Money            `json:"available_credit"`
	CardPayments      bool             `json:"card_payments"`
}

// ShippingMethod is a way the order can ship.
type ShippingMethod struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Payment ways of CheckoutRequest.
const (
	PaymentOnAccount = "account"
	PaymentByCard    = "card"
)

// CheckoutRequest is POST /api/v1/checkout: the signed-in user's cart
// becomes an order. IdempotencyKey is a random key the client makes once
// per checkout screen: submitting again with it answers the same order.
type CheckoutRequest struct {
	IdempotencyKey    string         `json:"idempotency_key"`
	BillingAddressID  string         `json:"billing_address_id,omitempty"` // "" and no billing_address: the default
	BillingAddress    *PostalAddress `json:"billing_address,omitempty"`
	ShippingAddressID string         `json:"shipping_address_id,omitempty"`
	ShippingAddress   *PostalAddress `json:"shipping_address,omitempty"` // a new address, instead of a saved one
	ShippingMethod    string         `json:"shipping_method"`
	PONumber          string         `json:"po_number,omitempty"`
	PromoCode         string         `json:"promo_code,omitempty"`
	RequestedDate     Date           `json:"requested_date,omitempty"`
	Notes             string         `json:"notes,omitempty"`
	Payment           string         `json:"payment"`                     // PaymentOnAccount or PaymentByCard
	PaymentMethodID   string         `json:"payment_method_id,omitempty"` // a saved card, with PaymentByCard
}

// CheckoutConfirmation is the placed order, for the confirmation screen.
type CheckoutConfirmation struct {
	OrderID           string `json:"order_id"`
	OrderNumber       string `json:"order_number"`
	Status            string `json:"status"`
	EstimatedShipDate Date   `json:"estimated_ship_date"`
	Total             Money  `json:"total"`
	PONumber          string `json:"po_number,omitempty"`
	ShippingMethod    string `json:"shipping_method"`
	Payment           string `json:"payment"`
	// CreditWarning is the spec's warning when the order exceeds the
	// available credit: placed, for the distributor's review.
	CreditWarning string `json:"credit_warning,omitempty"`
	// Card is the payment to confirm with Stripe.js, when paid by card.
	Card *CardPayment `json:"card,omitempty"`
	// Replayed: this checkout's key had placed the order before.
	Replayed bool `json:"replayed,omitempty"`
}

// GuestContact is who a guest order is for.
type GuestContact struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	Phone       string `json:"phone,omitempty"`
	CompanyName string `json:"company_name,omitempty"`
}

// GuestCartPrice is POST /api/v1/guest/cart/price: a guest's cart (kept in
// the browser) priced as guests see it.
type GuestCartPrice struct {
	Items     []CartItemInput `json:"items"`
	PromoCode string          `json:"promo_code,omitempty"`
}

// GuestCheckoutRequest is POST /api/v1/guest/checkout: the cart, contact
// and addresses come whole each time; guests pay by card. The order is
// confirmed by e-mail to contact.email.
type GuestCheckoutRequest struct {
	IdempotencyKey  string          `json:"idempotency_key"`
	Contact         GuestContact    `json:"contact"`
	Items           []CartItemInput `json:"items"`
	BillingAddress  *PostalAddress  `json:"billing_address,omitempty"` // nil: the shipping address
	ShippingAddress *PostalAddress  `json:"shipping_address"`
	ShippingMethod  string          `json:"shipping_method"`
	PONumber        string          `json:"po_number,omitempty"`
	PromoCode       string          `json:"promo_code,omitempty"`
	RequestedDate   Date            `json:"requested_date,omitempty"`
	Notes           string          `json:"notes,omitempty"`
}

// List sharing.
const (
	ListPrivate  = "private"
	ListTeamRead = "team_read" // the account's users may read it
	ListTeamEdit = "team_edit" // and change its lines and name
)

// PurchaseList is a saved list (its items only in the detail).
type PurchaseList struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Sharing   string             `json:"sharing"`
	OwnerName string             `json:"owner_name"`
	Mine      bool               `json:"mine"`
	CanEdit   bool               `json:"can_edit"`
	ItemCount int                `json:"item_count"`
	UpdatedAt string             `json:"updated_at"`
	Items     []PurchaseListItem `json:"items,omitempty"`
}

// PurchaseListItem is a line of a list.
type PurchaseListItem struct {
	ID         string            `json:"id"`
	ProductID  string            `json:"product_id"`
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	Quantity   string            `json:"quantity"`
	UOM        string            `json:"uom"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Processing []string          `json:"processing,omitempty"`
	Notes      string            `json:"notes,omitempty"`
	Available  bool              `json:"available"`
}

// PurchaseListInput is POST (name required) and PATCH of a list.
type PurchaseListInput struct {
	Name    *string `json:"name,omitempty"`
	Sharing *string `json:"sharing,omitempty"`
}

// PurchaseListAdd is POST /api/v1/purchase-lists/{id}/items: lines, the
// lines of one of the account's orders (line_nos: only those), or the
// user's cart; exactly one of them.
type PurchaseListAdd struct {
	Items       []CartItemInput `json:"items,omitempty"`
	FromOrderID string          `json:"from_order_id,omitempty"`
	LineNos     []int           `json:"line_nos,omitempty"`
	FromCart    bool            `json:"from_cart,omitempty"`
}

// PurchaseListCreate is POST /api/v1/purchase-lists: the list's name and
// sharing and, optionally, its first items (as PurchaseListAdd), created
// together in one transaction: a bad line, or an order not of the
// account (404), creates no list.
type PurchaseListCreate struct {
	Name    *string `json:"name,omitempty"`
	Sharing *string `json:"sharing,omitempty"`
	PurchaseListAdd
}
