package portal

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/portal/tenants"
)

// The portal's cart and checkout (issue 8, spec 001 "Place an Order", spec
// 002 "Cart & Checkout" and "Guest Checkout"): a server-side cart per
// signed-in customer user, priced on every read by the one pricing path;
// checkout places the order through the one order path, and a guest (when
// the tenant allows it) checks out a cart it sends whole.

// MaxCartLines bounds one user's cart (and one purchase list).
const MaxCartLines = MaxCartItems

// CartLineInput is a line to put in the cart or a purchase list: a
// product, a quantity in its unit, and its configuration.
type CartLineInput struct {
	ProductID  string
	Quantity   string
	UOM        string
	Dimensions map[string]string // required dimensions by name
	Processing []string          // processing option codes
	Notes      string

	quantityMilli int64
}

// QuantityMilli is the validated quantity in thousandths.
func (in *CartLineInput) QuantityMilli() int64 { return in.quantityMilli }

// SetQuantityMilli sets the quantity of a line built by the server (a
// list's or an order's line), so it need not be parsed.
func (in *CartLineInput) SetQuantityMilli(q int64) {
	in.quantityMilli, in.Quantity = q, FormatQuantity(q)
}

// ConfigKey identifies the line's configuration: two lines of one product
// with the same key are one line, whose quantities add up.
func (in *CartLineInput) ConfigKey() string {
	names := make([]string, 0, len(in.Dimensions))
	for k := range in.Dimensions {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(in.UOM)
	for _, k := range names {
		b.WriteString("|" + k + "=" + in.Dimensions[k])
	}
	proc := slices.Clone(in.Processing)
	slices.Sort(proc)
	b.WriteString("|p=" + strings.Join(proc, ","))
	return b.String()
}

// validate checks the line, naming its fields under at ("items[2].").
func (in *CartLineInput) validate(at string) []FieldError {
	var fields []FieldError
	if !ValidUUID(in.ProductID) {
		fields = append(fields, FieldError{Field: at + "product_id", Message: "Give a product id (a UUID)."})
	}
	in.ProductID = strings.ToLower(in.ProductID)
	var ok bool
	if in.quantityMilli, ok = ParseQuantity(strings.TrimSpace(in.Quantity)); !ok || in.quantityMilli > 1_000_000_000 {
		fields = append(fields, FieldError{Field: at + "quantity", Message: "Give a quantity greater than 0 (at most 1,000,000), with at most 3 decimals."})
	}
	fields = append(fields, in.validateConfig(at)...)
	return fields
}

func (in *CartLineInput) validateConfig(at string) []FieldError {
	var fields []FieldError
	in.UOM = strings.TrimSpace(in.UOM)
	if len(in.UOM) > 20 {
		fields = append(fields, FieldError{Field: at + "uom", Message: "Give a unit of measure of at most 20 characters."})
	}
	if len(in.Dimensions) > 6 {
		fields = append(fields, FieldError{Field: at + "dimensions", Message: "Give at most 6 dimensions."})
	}
	for k, v := range in.Dimensions {
		if !codeLike(k, 30) {
			fields = append(fields, FieldError{Field: at + "dimensions", Message: "Name dimensions in lower-case letters (length, width)."})
			break
		}
		if _, ok := ParseQuantity(strings.TrimSpace(v)); !ok {
			fields = append(fields, FieldError{Field: at + "dimensions." + k, Message: "Give a number greater than 0, with at most 3 decimals."})
			continue
		}
		in.Dimensions[k] = strings.TrimSpace(v)
	}
	if len(in.Processing) > 10 {
		fields = append(fields, FieldError{Field: at + "processing", Message: "Choose at most 10 processing options."})
	}
	for _, p := range in.Processing {
		if !codeLike(p, 40) {
			fields = append(fields, FieldError{Field: at + "processing", Message: "Processing options are codes (saw_cut, deburr)."})
			break
		}
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if utf8.RuneCountInString(in.Notes) > 1000 || !utf8.ValidString(in.Notes) {
		fields = append(fields, FieldError{Field: at + "notes", Message: "Keep notes to 1,000 characters."})
	}
	return fields
}

// codeLike reports whether s is 1..max of a-z, 0-9 and _.
func codeLike(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// ValidateCartLines checks lines to add under field (items), 1 to
// MaxCartLines of them.
func ValidateCartLines(field string, lines []CartLineInput) error {
	if len(lines) == 0 || len(lines) > MaxCartLines {
		return invalid([]FieldError{{Field: field, Message: "Send 1 to " + strconv.Itoa(MaxCartLines) + " lines."}})
	}
	var fields []FieldError
	for i := range lines {
		fields = append(fields, lines[i].validate(field+"["+strconv.Itoa(i)+"].")...)
	}
	return invalid(fields)
}

// PricingItem is the line as the pricing path takes it.
func (in *CartLineInput) PricingItem() CartItem {
	return CartItem{ProductID: in.ProductID, Quantity: FormatQuantity(in.quantityMilli), UOM: in.UOM,
		Processing: in.Processing, Dimensions: in.Dimensions, LineNotes: in.Notes, quantityMilli: in.quantityMilli}
}

// CartLineUpdate changes a cart line; nil fields stay.
type CartLineUpdate struct {
	Quantity   *string
	UOM        *string
	Dimensions map[string]string // nil: unchanged; empty: none
	Processing []string          // nil: unchanged; empty: none
	Notes      *string
}

// CartLineView is a priced line of the cart.
type CartLineView struct {
	ID string
	CartLineInput
	Code, Name string
	ListPrice  Money
	UnitPrice  Money
	Source     string
	Total      Money
	Problem    string // why it cannot be ordered now; "" when it can
}

// Cart is a user's priced cart.
type Cart struct {
	Lines     []CartLineView
	ItemCount int
	Subtotal  Money
	Discount  Money
	// Freight and Tax are estimated for the ship-to the cart was priced
	// for (Estimate, EstimateFreightTax); zero and Estimate nil without
	// one. Total includes them.
	Freight, Tax Money
	Estimate     *FreightTax
	Total        Money
}

// QuickOrderLine is one line of a quick order: a product code and a
// quantity, as typed or as a row of a pasted or uploaded CSV.
type QuickOrderLine struct {
	Code     string
	Quantity string
	// CSVLine is the line of the CSV it was read from; 0 when typed.
	CSVLine int
}

// MaxQuickOrderCSV bounds a quick order's CSV.
const MaxQuickOrderCSV = 64 << 10

// ParseQuickOrderCSV reads "code,quantity" rows (a header row, blank rows
// and extra columns are allowed). Errors name the CSV's line number.
func ParseQuickOrderCSV(s string) ([]QuickOrderLine, error) {
	if len(s) > MaxQuickOrderCSV {
		return nil, invalid([]FieldError{{Field: "csv", Message: "Send at most 64 KB of CSV."}})
	}
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord, r.TrimLeadingSpace = -1, true
	var out []QuickOrderLine
	var fields []FieldError
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, invalid([]FieldError{{Field: "csv", Message: "Line " + strconv.Itoa(line) + ": not valid CSV."}})
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(out) == 0 && len(fields) == 0 && len(rec) >= 2 && strings.EqualFold(strings.TrimSpace(rec[0]), "code") {
			continue // header
		}
		if len(rec) < 2 {
			fields = append(fields, FieldError{Field: "csv.line" + strconv.Itoa(line) + ".quantity", Message: "Line " + strconv.Itoa(line) + ": give a code and a quantity."})
			continue
		}
		out = append(out, QuickOrderLine{Code: strings.TrimSpace(rec[0]), Quantity: strings.TrimSpace(rec[1]), CSVLine: line})
	}
	return out, invalid(fields)
}

// Shipping methods a checkout offers. Freight is estimated per method by
// the tenant's settings (EstimateFreightTax); the distributor may still
// change it on confirmation.
var ShippingMethods = []string{"standard", "express", "pickup"}

// ShippingMethodLabel is a method's name as customers read it.
func ShippingMethodLabel(m string) string {
	switch m {
	case "standard":
		return "Standard delivery"
	case "express":
		return "Express delivery"
	case "pickup":
		return "Customer pickup"
	}
	return m
}

// Payment ways of a checkout.
const (
	PayOnAccount = "account" // the account's payment terms
	PayByCard    = "card"    // a card, through Stripe
)

// CheckoutInput is a signed-in user's checkout of their cart.
type CheckoutInput struct {
	// IdempotencyKey is the client's key of this checkout: submitting
	// again with it returns the order the first submit placed.
	IdempotencyKey    string
	BillingAddressID  string         // a billing address of the account; "" with BillingAddress
	BillingAddress    *PostalAddress // entered at checkout
	ShippingAddressID string         // a saved shipping address; "" with ShippingAddress
	ShippingAddress   *PostalAddress // a new one entered at checkout
	ShippingMethod    string
	PONumber          string
	PromoCode         string
	RequestedDate     string // YYYY-MM-DD or ""
	Notes             string
	Payment           string // PayOnAccount or PayByCard
	PaymentMethodID   string // a saved card (our id), with PayByCard
	Client            Client
	// Now is the moment of the checkout; set by the caller.
	Now time.Time
}

// Validate checks the common fields, naming each.
func (in *CheckoutInput) Validate() error {
	var fields []FieldError
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	if len(in.IdempotencyKey) < 16 || len(in.IdempotencyKey) > 100 {
		fields = append(fields, FieldError{Field: "idempotency_key", Message: "Send a random key of 16 to 100 characters."})
	}
	switch {
	case in.BillingAddress != nil:
		fields = append(fields, in.BillingAddress.validate("billing_address")...)
	case in.BillingAddressID != "" && !ValidUUID(in.BillingAddressID):
		fields = append(fields, FieldError{Field: "billing_address_id", Message: "Choose a billing address."})
	}
	switch {
	case in.ShippingAddress != nil:
		fields = append(fields, in.ShippingAddress.validate("shipping_address")...)
	case !ValidUUID(in.ShippingAddressID):
		fields = append(fields, FieldError{Field: "shipping_address_id", Message: "Choose a shipping address or enter a new one."})
	}
	if !slices.Contains(ShippingMethods, in.ShippingMethod) {
		fields = append(fields, FieldError{Field: "shipping_method", Message: "Choose a shipping method."})
	}
	if !text(&in.PONumber, 50, true) {
		fields = append(fields, FieldError{Field: "po_number", Message: "Keep the PO number to 50 characters."})
	}
	in.PromoCode = strings.ToUpper(strings.TrimSpace(in.PromoCode))
	if len(in.PromoCode) > 40 {
		fields = append(fields, FieldError{Field: "promo_code", Message: "Keep the promo code to 40 characters."})
	}
	if in.RequestedDate != "" {
		d, err := time.Parse(time.DateOnly, in.RequestedDate)
		today := time.Date(in.Now.Year(), in.Now.Month(), in.Now.Day(), 0, 0, 0, 0, time.UTC)
		if err != nil || !d.After(today) || d.After(today.AddDate(1, 0, 0)) {
			fields = append(fields, FieldError{Field: "requested_date", Message: "Choose a date from tomorrow to a year ahead."})
		}
	}
	if utf8.RuneCountInString(in.Notes) > 1000 {
		fields = append(fields, FieldError{Field: "notes", Message: "Keep notes to 1,000 characters."})
	}
	switch in.Payment {
	case PayOnAccount:
		if in.PaymentMethodID != "" {
			fields = append(fields, FieldError{Field: "payment_method_id", Message: "A saved card pays by card."})
		}
	case PayByCard:
	default:
		fields = append(fields, FieldError{Field: "payment", Message: "Pay on account or by card."})
	}
	return invalid(fields)
}

// GuestContact is who a guest checkout is for.
type GuestContact struct {
	Name, Email, Phone, CompanyName string
}

// GuestCheckoutInput is a guest's checkout: the cart comes whole with it
// (a guest has no server-side cart), the contact and addresses are
// entered each time, and it is paid by card.
type GuestCheckoutInput struct {
	CheckoutInput
	Contact GuestContact
	Items   []CartLineInput
}

// Validate checks every field, naming each.
func (in *GuestCheckoutInput) Validate() error {
	in.Payment, in.BillingAddressID, in.ShippingAddressID = PayByCard, "", "none"
	err := in.CheckoutInput.Validate()
	var fields []FieldError
	var pe *Error
	if errors.As(err, &pe) {
		for _, f := range pe.Fields {
			if f.Field != "shipping_address_id" {
				fields = append(fields, f)
			}
		}
	}
	in.ShippingAddressID = ""
	if in.ShippingAddress == nil {
		fields = append(fields, FieldError{Field: "shipping_address", Message: "Enter the shipping address."})
	}
	if in.BillingAddress == nil {
		in.BillingAddress = in.ShippingAddress
	}
	if in.PaymentMethodID != "" {
		fields = append(fields, FieldError{Field: "payment_method_id", Message: "Guests cannot use saved cards."})
	}
	if !text(&in.Contact.Name, 200, false) {
		fields = append(fields, FieldError{Field: "contact.name", Message: "Enter your name."})
	}
	if !validEmail(&in.Contact.Email) {
		fields = append(fields, FieldError{Field: "contact.email", Message: "Enter a valid e-mail address."})
	}
	if !text(&in.Contact.Phone, 40, true) {
		fields = append(fields, FieldError{Field: "contact.phone", Message: "At most 40 characters."})
	}
	if !text(&in.Contact.CompanyName, 200, true) {
		fields = append(fields, FieldError{Field: "contact.company_name", Message: "At most 200 characters."})
	}
	if err := ValidateCartLines("items", in.Items); errors.As(err, &pe) {
		fields = append(fields, pe.Fields...)
	}
	return invalid(fields)
}

// MaxGuestCheckoutsPerClient bounds guest orders from one client address
// (an IPv6 /64) per GuestCheckoutWindow.
const (
	MaxGuestCheckoutsPerClient = 5
	GuestCheckoutWindow        = time.Hour
)

// GuestAccountNumber is the account number of the tenant's guest customer,
// which every guest order belongs to.
const GuestAccountNumber = "GUEST"

// CheckoutResult is the placed order, for the confirmation screen.
type CheckoutResult struct {
	OrderID, OrderNumber string
	Status               string // customer-facing status code
	EstimatedShipDate    time.Time
	Total                Money
	Freight, Tax         Money // estimated, on the order (orders.freight_minor, tax_minor)
	PONumber             string
	ShippingMethod       string
	Payment              string
	// CreditWarning is CreditReviewWarning when the order on account
	// exceeds the available credit; "" otherwise.
	CreditWarning string
	// Card is the payment to confirm in the browser, with PayByCard.
	Card *CardPayment
	// Replayed is true when the idempotency key had placed it before.
	Replayed bool
	// PendingApproval is true when the account's approval rule holds the
	// order (Status awaiting_approval): its Admins are to be told.
	PendingApproval bool
	// Email is the guest's, where the confirmation goes.
	Email string
}

// CheckoutOptions is what the checkout screen offers the user.
type CheckoutOptions struct {
	BillingAddresses  []SavedAddress
	ShippingAddresses []SavedAddress
	ShippingMethods   []string
	PORequired        bool
	PaymentTerms      string
	AvailableCredit   Money
	CardPayments      bool
}

// SavedAddress is an address of the account's address book.
type SavedAddress struct {
	ID, Label string
	PostalAddress
	Default bool
}

// CartService is the signed-in user's cart, quick order and checkout.
type CartService interface {
	// Cart returns the actor's cart, priced now (promo applied when not
	// ""), with freight and tax estimated for shipTo when not nil
	// (EINVALID naming shipping_method, shipping_address_id, ship_country).
	Cart(ctx context.Context, actor *User, promoCode string, shipTo *ShipTo) (*Cart, error)
	// AddToCart adds lines (EINVALID naming items[i].field; a product not
	// sold is items[i].product_id).
	AddToCart(ctx context.Context, actor *User, lines []CartLineInput) (*Cart, error)
	// QuickOrder adds lines by product code; every bad line is a field
	// error naming its line (lines[i].code, or csv.lineN.code for a line
	// read from a CSV) and nothing is added.
	QuickOrder(ctx context.Context, actor *User, field string, lines []QuickOrderLine) (*Cart, error)
	// UpdateCartLine changes one of the actor's lines (ENOTFOUND for
	// another user's).
	UpdateCartLine(ctx context.Context, actor *User, id string, up CartLineUpdate) (*Cart, error)
	// RemoveCartLine removes one (ENOTFOUND for another user's).
	RemoveCartLine(ctx context.Context, actor *User, id string) (*Cart, error)
	// EmptyCart removes every line.
	EmptyCart(ctx context.Context, actor *User) error
	// CheckoutOptions is what the checkout screen offers.
	CheckoutOptions(ctx context.Context, actor *User) (*CheckoutOptions, error)
	// Checkout places the cart as an order and empties the cart, at most
	// once per idempotency key.
	Checkout(ctx context.Context, actor *User, in CheckoutInput) (*CheckoutResult, error)
	// GuestCheckout places a guest's order (ENOTFOUND when the tenant
	// does not take guest orders; ERATELIMITED).
	GuestCheckout(ctx context.Context, in GuestCheckoutInput) (*CheckoutResult, error)
	// PriceGuestCart prices a guest's lines as a guest sees them, with
	// freight and tax estimated for shipTo (a country and region) when not
	// nil.
	PriceGuestCart(ctx context.Context, lines []CartLineInput, promoCode string, shipTo *ShipTo) (*Cart, error)
}

// CheckoutMailer sends a guest's order confirmation.
type CheckoutMailer interface {
	SendGuestOrderConfirmation(ctx context.Context, t *tenants.Tenant, baseURL string, to GuestContact, r CheckoutResult) error
}
