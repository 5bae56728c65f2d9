package portal

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The e-commerce API (spec 000 §5 "APIs Exposed for E-Commerce") is what a
// tenant's storefront calls: the catalog with an API key of the ecommerce
// scope, a customer's cart, orders, quotes, account and documents with a
// customer token that the storefront obtained for one customer user.

// CustomerTokenLifetime is how long a customer token works.
const CustomerTokenLifetime = time.Hour

// CustomerTokenPrefix starts every customer token, so that it is told
// from an API key (pk_…) at a glance and by secret scanners.
const CustomerTokenPrefix = "ct_"

// NewCustomerTokenSecret renders 32 random bytes as a customer token.
func NewCustomerTokenSecret(random [32]byte) string {
	return CustomerTokenPrefix + toBase62(random[:], apiKeyRandomLen)
}

// WellFormedCustomerToken reports whether s has a customer token's shape.
func WellFormedCustomerToken(s string) bool {
	if !strings.HasPrefix(s, CustomerTokenPrefix) || len(s) != len(CustomerTokenPrefix)+apiKeyRandomLen {
		return false
	}
	for _, c := range s[len(CustomerTokenPrefix):] {
		if !strings.ContainsRune(base62, c) {
			return false
		}
	}
	return true
}

// CustomerToken is an issued token; the secret is only in Token, returned
// once by IssueCustomerToken.
type CustomerToken struct {
	ID, CustomerID, UserID, APIKeyID string
	ExpiresAt                        time.Time
}

// Shopper is who calls the e-commerce API: the storefront's API key, and,
// with a customer token, the customer user it stands for.
type Shopper struct {
	APIKey *APIKey
	// User is the token's customer user (CustomerID set); nil with an API
	// key alone.
	User    *User
	TokenID string
}

// CustomerID is the shopper's customer account, "" without a token.
func (s *Shopper) CustomerID() string {
	if s == nil || s.User == nil {
		return ""
	}
	return s.User.CustomerID
}

// MaxEcommercePageSize is the largest page the e-commerce lists answer.
const MaxEcommercePageSize = 200

// validEcommercePage fills the page defaults and checks the bounds.
func validEcommercePage(page, size *int, defSize int) []FieldError {
	var fields []FieldError
	if *page == 0 {
		*page = 1
	}
	if *page < 1 || *page > 100_000 {
		fields = append(fields, FieldError{Field: "page", Message: "Pages count from 1."})
	}
	if *size == 0 {
		*size = defSize
	}
	if *size < 1 || *size > MaxEcommercePageSize {
		fields = append(fields, FieldError{Field: "page_size", Message: "Ask for 1 to 200 a page."})
	}
	return fields
}

// ValidUUID reports whether s is a UUID in its canonical text form.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

// ParseQuantity reads a positive decimal of at most three places ("2",
// "12.5", "0.125") as thousandths; never through a float.
func ParseQuantity(s string) (milli int64, ok bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 11 || len(frac) > 3 || (strings.Contains(s, ".") && frac == "") {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64)
	milli = w*1000 + f
	return milli, milli > 0
}

// FormatQuantity renders thousandths as a decimal without trailing zeros.
func FormatQuantity(milli int64) string {
	s := strconv.FormatInt(milli/1000, 10)
	if f := milli % 1000; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(1000+f, 10)[1:], "0")
	}
	return s
}

// CatalogFilter selects the storefront's product list. The zero value
// (after Validate) is the spec's default: page 1 of 50.
type CatalogFilter struct {
	// CustomerID is the customer token's customer ("" with the API key
	// alone): its products display and exclusive products apply.
	CustomerID  string
	CategoryID  string
	Search      string
	InStockOnly bool
	Page        int
	PageSize    int
}

// Validate checks the filter, naming the query parameter of every bad field.
func (f *CatalogFilter) Validate() error {
	var fields []FieldError
	if f.CategoryID != "" && !ValidUUID(f.CategoryID) {
		fields = append(fields, FieldError{Field: "category_id", Message: "Give a category id (a UUID)."})
	}
	f.Search = strings.TrimSpace(f.Search)
	if !utf8.ValidString(f.Search) || strings.ContainsRune(f.Search, 0) || utf8.RuneCountInString(f.Search) > 100 {
		fields = append(fields, FieldError{Field: "search", Message: "Search for at most 100 characters of text."})
	}
	fields = append(fields, validEcommercePage(&f.Page, &f.PageSize, 50)...)
	return invalid(fields)
}

// Availability levels (spec 000 inventory.availability_changed).
const (
	InStock    = "in_stock"
	LowStock   = "low_stock"
	OutOfStock = "out_of_stock"
)

// CatalogProduct is a product as the storefront lists it.
type CatalogProduct struct {
	ID, Code, Name, Description string
	CategoryID, CategoryName    string // "" when the product is in no category
	Form, Grade, Dimensions     string
	PricingUOM, StockUOM        string
	ImageURL                    string // "" when none
	ListPrice                   Money
	// QuantityAvailable is the stock over all locations, in thousandths.
	QuantityAvailable int64
	LowStockLevel     int64 // thousandths
	LeadTimeDays      int
	// Exclusive: shown only to the customers it is assigned to.
	Exclusive bool
}

// AvailabilityLevel is the product's stock level.
func (p *CatalogProduct) AvailabilityLevel() string {
	switch {
	case p.QuantityAvailable <= 0:
		return OutOfStock
	case p.QuantityAvailable <= p.LowStockLevel:
		return LowStock
	default:
		return InStock
	}
}

// LineTotal is unit × quantity (thousandths), rounded half up to the minor unit.
func LineTotal(unit int64, quantityMilli int64) int64 {
	return (unit*quantityMilli + 500) / 1000
}

// ProductDetail is GET /ecommerce/products/{id}.
type ProductDetail struct {
	Product CatalogProduct
	// CustomerPrice is set when the caller has a customer token.
	CustomerPrice *Price
	// QuantityBreaks are the caller's unit prices by quantity
	// (PriceSteps): the customer's with a token, list breaks without.
	QuantityBreaks    []PriceStep
	ProcessingOptions []string // codes of the processing options offered
	RelatedProducts   []string // ids of its related products, else others of its category
}

// AvailabilityQuery is GET /ecommerce/products/{id}/availability's parameters.
type AvailabilityQuery struct {
	Quantity   string
	LocationID string

	quantityMilli int64
}

// QuantityMilli is the validated quantity in thousandths.
func (q *AvailabilityQuery) QuantityMilli() int64 { return q.quantityMilli }

// Validate checks the query, naming the parameter.
func (q *AvailabilityQuery) Validate() error {
	var fields []FieldError
	var ok bool
	if q.quantityMilli, ok = ParseQuantity(q.Quantity); !ok {
		fields = append(fields, FieldError{Field: "quantity", Message: "Give a quantity greater than 0, with at most 3 decimals."})
	}
	if q.LocationID != "" && !ValidUUID(q.LocationID) {
		fields = append(fields, FieldError{Field: "location_id", Message: "Give a location id (a UUID)."})
	}
	return invalid(fields)
}

// LocationStock is the quantity available at one location.
type LocationStock struct {
	LocationID        string
	QuantityAvailable int64 // thousandths
}

// AvailabilityCheck answers whether a quantity can be had.
type AvailabilityCheck struct {
	Available         bool
	QuantityAvailable int64 // thousandths, at the location when one was asked for
	Locations         []LocationStock
	LeadTimeDays      int
	NextAvailableDate *time.Time // nil when available now or unknown
}

// EcommerceOrder is GET /ecommerce/orders/{id}: the order as the portal
// shows it, and its documents.
type EcommerceOrder struct {
	Order     *Order
	Documents []Document
}

// EcommerceService is the e-commerce API's domain. Every call runs under
// the tenant of ctx; calls with a customer token see only the shopper's
// customer: another customer's ids answer ENOTFOUND, like unknown ones.
type EcommerceService interface {
	// IssueCustomerToken gives the storefront of key a token for the
	// active user with email of an active (or on hold) customer account,
	// and writes it to the account's audit log (customer_token_issued).
	// Errors: EINVALID (field email: no such user).
	IssueCustomerToken(ctx context.Context, key *APIKey, email string, c Client) (*CustomerToken, string, error)
	// AuthenticateCustomerToken finds the live token. EUNAUTHORIZED for a
	// malformed, unknown, expired or revoked token, or one whose key,
	// user or account is no longer active.
	AuthenticateCustomerToken(ctx context.Context, token string) (*Shopper, error)
	// RevokeCustomerToken ends the shopper's token now.
	RevokeCustomerToken(ctx context.Context, sh *Shopper) error

	// Products lists active products. Errors: EINVALID.
	Products(ctx context.Context, f CatalogFilter) ([]CatalogProduct, int, error)
	// Product returns one active product. Errors: ENOTFOUND.
	Product(ctx context.Context, sh *Shopper, id string) (*ProductDetail, error)
	// Availability checks a quantity. Errors: EINVALID, ENOTFOUND.
	Availability(ctx context.Context, id string, q AvailabilityQuery) (*AvailabilityCheck, error)

	// PriceCart prices the shopper's cart. Errors: EINVALID, ENOTFOUND
	// (shipping address).
	PriceCart(ctx context.Context, sh *Shopper, in CartInput) (*CartPrice, error)
	// CreateOrder places an order (source ecommerce, pending review) and
	// writes order.created. Errors: EINVALID, ENOTFOUND (customer, address).
	CreateOrder(ctx context.Context, sh *Shopper, in EcommerceOrderInput) (*EcommerceOrderCreated, error)
	// Orders lists the shopper's customer's orders, newest first.
	Orders(ctx context.Context, sh *Shopper, f EcommerceOrderFilter) ([]OrderSummary, int, error)
	// Order returns one order with lines, shipments and documents.
	// Errors: ENOTFOUND.
	Order(ctx context.Context, sh *Shopper, id string) (*EcommerceOrder, error)
	// RequestQuote submits a quote request and writes quote.created.
	// Errors: EINVALID, ENOTFOUND (customer).
	RequestQuote(ctx context.Context, sh *Shopper, in QuoteRequestInput) (*QuoteCreated, error)
	// Customer returns the account. Errors: ENOTFOUND.
	Customer(ctx context.Context, sh *Shopper, id string) (*AccountOverview, error)
	// OpenDocument streams one of the customer's documents and records the
	// download. Errors: ENOTFOUND, EUNAVAILABLE.
	OpenDocument(ctx context.Context, sh *Shopper, id string) (*Document, io.ReadCloser, error)
}

// RateLimit is a route's limit: N requests per Per for one API key.
type RateLimit struct {
	N   int
	Per time.Duration
}

// RateDecision is the limiter's answer for one request.
type RateDecision struct {
	Allowed   bool
	Limit     int
	Remaining int
	// ResetIn is how long until the current window ends.
	ResetIn time.Duration
}

// RateLimiter counts requests per API key and endpoint in fixed windows
// shared by every server process.
type RateLimiter interface {
	// Take counts one request of keyID at endpoint against l.
	Take(ctx context.Context, keyID, endpoint string, l RateLimit) (RateDecision, error)
}
