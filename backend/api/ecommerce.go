package api

import "encoding/json"

// The e-commerce API (spec 000 §5): what the tenant's storefront calls, on
// the tenant's own host, described for storefront developers by the
// OpenAPI document at PathOpenAPI. Authentication is a Bearer credential:
//
//   - api_key: the tenant's API key with the ecommerce scope
//     ("pk_ec_….…"), kept on the storefront's server;
//   - customer_token: a token for one customer user ("ct_…"), obtained
//     with the API key from PathEcommerceCustomerTokens and valid for an
//     hour. A route that takes an api_key also takes a customer token (it
//     stands for its key), and then answers the customer's own prices.
//
// Money is a decimal with two places (e.g. 1234.50) beside its currency;
// quantities are decimals of at most three places. Every answer carries
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds); a
// 429 adds Retry-After. Errors are application/problem+json (Problem),
// naming each bad field in "errors".
const (
	PathOpenAPI   = "/api/v1/openapi.json"
	PathEcommerce = "/api/v1/ecommerce"
	// PathEcommerceCustomerTokens: POST (api_key; body CustomerTokenRequest)
	// issues a customer token (201 CustomerTokenIssued); DELETE (the
	// customer token itself) revokes it (204).
	PathEcommerceCustomerTokens = PathEcommerce + "/customer-tokens"
	PathEcommerceProducts       = PathEcommerce + "/products"   // GET; + "/{product_id}", + "/{product_id}/availability"
	PathEcommerceCartPrice      = PathEcommerce + "/cart/price" // POST CartPriceRequest
	// PathEcommerceOrders: GET, POST; + "/{order_id}". A tenant in quotes
	// mode (Tenant.QuotesMode) answers POST with 409: request a quote.
	PathEcommerceOrders    = PathEcommerce + "/orders"
	PathEcommerceQuotes    = PathEcommerce + "/quotes"    // POST QuoteRequest
	PathEcommerceCustomers = PathEcommerce + "/customers" // + "/{customer_id}"
	PathEcommerceDocuments = PathEcommerce + "/documents" // + "/{document_id}": the file
)

// CustomerTokenRequest names the customer user the storefront signed in.
type CustomerTokenRequest struct {
	Email string `json:"email"`
}

// CustomerTokenIssued is a new customer token; the token is shown once.
type CustomerTokenIssued struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"` // Bearer
	ExpiresIn   int    `json:"expires_in"` // seconds
	ExpiresAt   string `json:"expires_at"` // RFC 3339
	CustomerID  string `json:"customer_id"`
	UserID      string `json:"user_id"`
}

// EcomPagination is a list's page.
type EcomPagination struct {
	Total      int `json:"total"`
	Page       int `json:"page"`
	PageSize   int `json:"page_size"`
	TotalPages int `json:"total_pages"`
}

// EcomCategory names a product's category.
type EcomCategory struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// EcomProduct is a product of the catalog.
type EcomProduct struct {
	ProductID   string        `json:"product_id"`
	Code        string        `json:"code"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Category    *EcomCategory `json:"category"`
	Form        string        `json:"form"`
	Grade       string        `json:"grade"`
	Dimensions  string        `json:"dimensions"`
	PricingUOM  string        `json:"pricing_uom"`
	ImageURL    *string       `json:"image_url"`
}

// EcomProductList is GET /ecommerce/products.
type EcomProductList struct {
	Products   []EcomProduct  `json:"products"`
	Pagination EcomPagination `json:"pagination"`
}

// EcomAvailability is a product's stock.
type EcomAvailability struct {
	InStock           bool        `json:"in_stock"`
	Level             string      `json:"level"` // in_stock | low_stock | out_of_stock
	QuantityAvailable json.Number `json:"quantity_available"`
	LeadTimeDays      int         `json:"lead_time_days"`
}

// EcomQuantityBreak is a lower unit price from a quantity on.
type EcomQuantityBreak struct {
	MinQuantity json.Number `json:"min_quantity"`
	UnitPrice   json.Number `json:"unit_price"`
}

// EcomPricing is a product's prices; customer_price only with a customer token.
type EcomPricing struct {
	Currency       string              `json:"currency"`
	ListPrice      json.Number         `json:"list_price"`
	CustomerPrice  *json.Number        `json:"customer_price"`
	PriceSource    string              `json:"price_source,omitempty"`
	QuantityBreaks []EcomQuantityBreak `json:"quantity_breaks"`
}

// EcomProductDetail is GET /ecommerce/products/{product_id}.
type EcomProductDetail struct {
	Product           EcomProductFull  `json:"product"`
	Availability      EcomAvailability `json:"availability"`
	Pricing           EcomPricing      `json:"pricing"`
	ProcessingOptions []string         `json:"processing_options"`
	RelatedProducts   []string         `json:"related_products"`
}

// EcomProductFull is every product field.
type EcomProductFull struct {
	EcomProduct
	StockUOM string `json:"stock_uom"`
}

// EcomLocationStock is stock at one location.
type EcomLocationStock struct {
	LocationID        string      `json:"location_id"`
	QuantityAvailable json.Number `json:"quantity_available"`
}

// EcomAvailabilityCheck is GET /ecommerce/products/{product_id}/availability.
type EcomAvailabilityCheck struct {
	Available         bool                `json:"available"`
	QuantityAvailable json.Number         `json:"quantity_available"`
	Locations         []EcomLocationStock `json:"locations"`
	LeadTimeDays      int                 `json:"lead_time_days"`
	NextAvailableDate *string             `json:"next_available_date"`
}

// EcomCartItem is a line of a cart.
type EcomCartItem struct {
	ProductID string `json:"product_id"`
	// Quantity is a JSON number (or a string holding one); kept raw so
	// that a bad one is named as its field.
	Quantity   json.RawMessage `json:"quantity"`
	UOM        string          `json:"uom"`
	Processing []string        `json:"processing"`
}

// CartPriceRequest is POST /ecommerce/cart/price.
type CartPriceRequest struct {
	Items             []EcomCartItem `json:"items"`
	ShippingAddressID *string        `json:"shipping_address_id"`
	// The ship-to of the freight and tax estimate: shipping_address_id or
	// ship_country (and ship_region), and the method (standard when
	// absent). Without an address or a country nothing is estimated.
	ShippingMethod *string `json:"shipping_method"`
	ShipCountry    *string `json:"ship_country"`
	ShipRegion     *string `json:"ship_region"`
	PromoCode      *string `json:"promo_code"`
}

// EcomCartLine is a priced line.
type EcomCartLine struct {
	ProductID       string      `json:"product_id"`
	Code            string      `json:"code"`
	Name            string      `json:"name"`
	Quantity        json.Number `json:"quantity"`
	UOM             string      `json:"uom"`
	ListPrice       json.Number `json:"list_price"`
	UnitPrice       json.Number `json:"unit_price"`
	PriceSource     string      `json:"price_source"`
	ProcessingTotal json.Number `json:"processing_total"`
	LineTotal       json.Number `json:"line_total"`
}

// CartPriced answers a cart. Freight and tax are estimated for the
// ship-to asked for (FreightTaxEstimated), else 0.
type CartPriced struct {
	Currency        string         `json:"currency"`
	Items           []EcomCartLine `json:"items"`
	Subtotal        json.Number    `json:"subtotal"`
	ProcessingTotal json.Number    `json:"processing_total"`
	Discount        json.Number    `json:"discount"`
	PromoCode       string         `json:"promo_code,omitempty"`
	// FreightTaxEstimated: freight and tax were estimated for a ship-to;
	// TaxRate is the rate applied, a percentage ("8.25").
	FreightTaxEstimated bool        `json:"freight_tax_estimated"`
	TaxRate             string      `json:"tax_rate,omitempty"`
	FreightEstimate     json.Number `json:"freight_estimate"`
	TaxEstimate         json.Number `json:"tax_estimate"`
	GrandTotal          json.Number `json:"grand_total"`
	ValidForMinutes     int         `json:"valid_for_minutes"`
}

// EcomOrderLineItem is a line of a new order.
type EcomOrderLineItem struct {
	ProductID  string          `json:"product_id"`
	Quantity   json.RawMessage `json:"quantity"`
	UOM        string          `json:"uom"`
	Processing []string        `json:"processing"`
	LineNotes  *string         `json:"line_notes"`
}

// EcomOrderRequest is POST /ecommerce/orders.
type EcomOrderRequest struct {
	CustomerID          string              `json:"customer_id"`
	PONumber            *string             `json:"po_number"`
	ShippingAddressID   string              `json:"shipping_address_id"`
	RequestedShipDate   *string             `json:"requested_ship_date"`
	SpecialInstructions *string             `json:"special_instructions"`
	LineItems           []EcomOrderLineItem `json:"line_items"`
}

// EcomOrderCreated answers a new order (201).
type EcomOrderCreated struct {
	OrderID           string      `json:"order_id"`
	OrderNumber       string      `json:"order_number"`
	Status            string      `json:"status"`
	Currency          string      `json:"currency"`
	EstimatedTotal    json.Number `json:"estimated_total"`
	EstimatedShipDate *string     `json:"estimated_ship_date"`
	ConfirmationURL   string      `json:"confirmation_url"`
}

// EcomOrderSummary is a row of the orders list.
type EcomOrderSummary struct {
	OrderID     string      `json:"order_id"`
	OrderNumber string      `json:"order_number"`
	PONumber    string      `json:"po_number"`
	OrderDate   string      `json:"order_date"`
	Status      string      `json:"status"`
	StatusLabel string      `json:"status_label"`
	LineCount   int         `json:"line_count"`
	Currency    string      `json:"currency"`
	Total       json.Number `json:"total"`
}

// EcomOrderList is GET /ecommerce/orders.
type EcomOrderList struct {
	Orders     []EcomOrderSummary `json:"orders"`
	Pagination EcomPagination     `json:"pagination"`
}

// EcomOrderFull is an order's details.
type EcomOrderFull struct {
	EcomOrderSummary
	RequestedDate     *string      `json:"requested_date"`
	EstimatedShipDate *string      `json:"estimated_ship_date"`
	Subtotal          json.Number  `json:"subtotal"`
	ProcessingTotal   json.Number  `json:"processing_total"`
	Freight           json.Number  `json:"freight"`
	Tax               json.Number  `json:"tax"`
	ShippingAddress   *EcomAddress `json:"shipping_address"`
}

// EcomOrderLine is an order line with its status.
type EcomOrderLine struct {
	LineID          string      `json:"line_id"`
	LineNo          int         `json:"line_no"`
	ProductCode     string      `json:"product_code"`
	Description     string      `json:"description"`
	Grade           string      `json:"grade"`
	Dimensions      string      `json:"dimensions"`
	Quantity        json.Number `json:"quantity"`
	UOM             string      `json:"uom"`
	UnitPrice       json.Number `json:"unit_price"`
	LineTotal       json.Number `json:"line_total"`
	Status          string      `json:"status"`
	StatusLabel     string      `json:"status_label"`
	ProcessingNotes string      `json:"processing_notes"`
	HeatNumber      string      `json:"heat_number"`
	HasMTR          bool        `json:"has_mtr"`
}

// EcomShipment is a shipment with tracking.
type EcomShipment struct {
	ShipmentID        string  `json:"shipment_id"`
	ShipmentNumber    string  `json:"shipment_number"`
	Status            string  `json:"status"`
	StatusLabel       string  `json:"status_label"`
	Carrier           string  `json:"carrier"`
	TrackingNumber    string  `json:"tracking_number"`
	TrackingURL       string  `json:"tracking_url"`
	ShipDate          *string `json:"ship_date"`
	EstimatedDelivery *string `json:"estimated_delivery"`
}

// EcomDocument is a document with its download URL (customer token).
type EcomDocument struct {
	DocumentID   string `json:"document_id"`
	DocumentType string `json:"document_type"`
	Name         string `json:"name"`
	ContentType  string `json:"content_type"`
	SizeBytes    int64  `json:"size_bytes"`
	CreatedAt    string `json:"created_at"`
	DownloadURL  string `json:"download_url"`
}

// EcomOrderDetail is GET /ecommerce/orders/{order_id}.
type EcomOrderDetail struct {
	Order     EcomOrderFull   `json:"order"`
	LineItems []EcomOrderLine `json:"line_items"`
	Shipments []EcomShipment  `json:"shipments"`
	Documents []EcomDocument  `json:"documents"`
}

// EcomQuoteLine is a line of a quote request.
type EcomQuoteLine struct {
	ProductID              *string         `json:"product_id"`
	ProductDescription     string          `json:"product_description"`
	Quantity               json.RawMessage `json:"quantity"`
	UOM                    string          `json:"uom"`
	ProcessingRequirements *string         `json:"processing_requirements"`
}

// EcomQuoteRequest is POST /ecommerce/quotes.
type EcomQuoteRequest struct {
	CustomerID          string          `json:"customer_id"`
	NeededByDate        *string         `json:"needed_by_date"`
	SpecialInstructions *string         `json:"special_instructions"`
	LineItems           []EcomQuoteLine `json:"line_items"`
}

// EcomQuoteCreated answers a quote request (201).
type EcomQuoteCreated struct {
	QuoteID              string `json:"quote_id"`
	QuoteNumber          string `json:"quote_number"`
	Status               string `json:"status"`
	ExpectedResponseDate string `json:"expected_response_date"`
}

// EcomAddress is a shipping (or billing) address.
type EcomAddress struct {
	AddressID  string `json:"address_id"`
	Kind       string `json:"kind"`
	Label      string `json:"label"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	IsDefault  bool   `json:"is_default"`
}

// EcomContact is a portal user of the account.
type EcomContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
	Role  string `json:"role"`
}

// EcomCredit is the account's credit.
type EcomCredit struct {
	Currency        string      `json:"currency"`
	CreditLimit     json.Number `json:"credit_limit"`
	AvailableCredit json.Number `json:"available_credit"`
	PaymentTerms    string      `json:"payment_terms"`
}

// EcomRep is the assigned CSR / sales rep.
type EcomRep struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// EcomCustomerAccount is the account's details.
type EcomCustomerAccount struct {
	CustomerID    string `json:"customer_id"`
	AccountNumber string `json:"account_number"`
	CompanyName   string `json:"company_name"`
	Type          string `json:"type"`
	Status        string `json:"status"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
}

// EcomCustomer is GET /ecommerce/customers/{customer_id}.
type EcomCustomer struct {
	Customer    EcomCustomerAccount `json:"customer"`
	Addresses   []EcomAddress       `json:"addresses"`
	Contacts    []EcomContact       `json:"contacts"`
	Credit      EcomCredit          `json:"credit"`
	AssignedRep *EcomRep            `json:"assigned_rep"`
}
