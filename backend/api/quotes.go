package api

import "time"

// The portal's quotes (spec 000 request_quote, quote statuses of section
// 3; spec 001 Quotations): a customer user builds a request, auto-saved
// as a draft (at most MaxQuoteDrafts per user), and submits it; the
// tenant's staff price and send it; the customer accepts it into an order
// or declines it before it expires. Another customer's quote, and another
// user's draft, answer 404.
const (
	// PathQuotes: GET lists the account's quotes and the user's drafts
	// (QuoteList); POST submits a request (QuoteRequest; 201 Quote), the
	// draft named by draft_id becoming the request.
	// GET PathQuotes+"/{id}" is one (Quote); POST …/{id}/accept
	// (QuoteAccept; 200 QuoteAccepted) and …/{id}/decline (QuoteDecline;
	// 200 Quote) decide a quoted quote; GET …/{id}/document is its PDF.
	PathQuotes = "/api/v1/quotes"
	// PathQuoteDrafts: POST saves a new draft (QuoteRequest; 201 Quote; a
	// sixth draft is 409); PUT/DELETE PathQuoteDrafts+"/{id}" replace or
	// delete one.
	PathQuoteDrafts = PathQuotes + "/drafts"
	// PathQuoteProducts: GET searches the catalog for the builder
	// (QuoteProductList; query search, category_id, page).
	PathQuoteProducts = PathQuotes + "/products"
	// PathQuoteRecentProducts: GET the products the account ordered most
	// recently (at most 10; QuoteProductList).
	PathQuoteRecentProducts = PathQuotes + "/recent-products"
	// PathQuoteFromOrder: GET PathQuoteFromOrder+"/{order_id}" is an order's
	// lines as quote lines (QuoteProductList's Lines), for the reorder
	// screen's "Request Quote Instead".
	PathQuoteFromOrder = PathQuotes + "/from-order"
	// PathStaffQuotes: the staff's queue. GET lists (query status);
	// GET …/{id}; POST …/{id}/review marks it under review; POST
	// …/{id}/respond prices and sends it (QuoteRespond; 200 Quote).
	PathStaffQuotes = "/api/v1/staff/quotes"
)

// Pages of the quotes.
const (
	PageQuotes      = "/portal/quotes"
	PageStaffQuotes = "/portal/staff/quotes"
	// PageQuoteNew takes ?from_order={id} to start from an order's lines.
	QueryFromOrder = "from_order"
	// QueryFromCart=1 starts PageQuoteNew from the cart's lines (the
	// cart's "Request quote", in quotes mode).
	QueryFromCart = "from_cart"
)

// Limits of a quote request (spec 000 draft_save, quote_builder_screen).
const (
	MaxQuoteDrafts            = 5
	MaxQuoteInstructions      = 1000
	QuoteDraftAutoSaveSeconds = 30
)

// Quote types (the flow's first step).
var QuoteTypes = []QuoteTypeOption{
	{"stock_items", "Stock Items", "inventory"},
	{"custom_processing", "Custom Processing", "precision_manufacturing"},
	{"bulk_order", "Bulk Order", "warehouse"},
}

// QuoteTypeOption is one request type.
type QuoteTypeOption struct {
	ID, Label, Icon string
}

// QuoteLineInput is one item of a request.
type QuoteLineInput struct {
	ProductID  string `json:"product_id"`
	Quantity   string `json:"quantity"` // decimal, at most 3 places
	UOM        string `json:"uom,omitempty"`
	Processing string `json:"processing,omitempty"` // processing requirements
}

// QuoteRequest is a request to save as a draft or submit.
type QuoteRequest struct {
	Type                string           `json:"type"`                     // stock_items | custom_processing | bulk_order
	NeededByDate        Date             `json:"needed_by_date,omitempty"` // tomorrow at the earliest
	SpecialInstructions string           `json:"special_instructions,omitempty"`
	Lines               []QuoteLineInput `json:"lines"`
	DraftID             string           `json:"draft_id,omitempty"` // POST PathQuotes: submit this draft
}

// QuoteLine is a line of a quote; prices once quoted.
type QuoteLine struct {
	LineNo      int    `json:"line_no"`
	ProductID   string `json:"product_id,omitempty"`
	ProductCode string `json:"product_code,omitempty"`
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UOM         string `json:"uom"`
	Processing  string `json:"processing,omitempty"`
	UnitPrice   *Money `json:"unit_price,omitempty"`
	Total       *Money `json:"total,omitempty"`
}

// Quote is one quote.
type Quote struct {
	ID                   string      `json:"id"`
	Number               string      `json:"number,omitempty"` // none while a draft
	Status               Status      `json:"status"`
	StatusCode           string      `json:"status_code"` // draft | submitted | under_review | quoted | accepted | expired | declined
	Type                 string      `json:"type"`
	Source               string      `json:"source"`
	CustomerName         string      `json:"customer_name"`
	AccountNumber        string      `json:"account_number"`
	RequestedBy          string      `json:"requested_by,omitempty"`
	NeededByDate         *Date       `json:"needed_by_date,omitempty"`
	SpecialInstructions  string      `json:"special_instructions,omitempty"`
	ExpectedResponseDate *Date       `json:"expected_response_date,omitempty"`
	Lines                []QuoteLine `json:"lines"`
	Subtotal             *Money      `json:"subtotal,omitempty"`
	Total                *Money      `json:"total,omitempty"`
	ValidUntil           *Date       `json:"valid_until,omitempty"`
	ResponseNotes        string      `json:"response_notes,omitempty"`
	PricedBy             string      `json:"priced_by,omitempty"`
	PricedAt             *time.Time  `json:"priced_at,omitempty"`
	DecidedAt            *time.Time  `json:"decided_at,omitempty"`
	DeclineReason        string      `json:"decline_reason,omitempty"`
	OrderID              string      `json:"order_id,omitempty"`
	OrderNumber          string      `json:"order_number,omitempty"`
	DocumentID           string      `json:"document_id,omitempty"` // the quote PDF (documents screen)
	SalesRep             *SalesRep   `json:"sales_rep,omitempty"`
	// CanAccept: quoted and not past valid_until (today included).
	CanAccept   bool       `json:"can_accept"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
}

// QuoteSummary is a row of a quotes list.
type QuoteSummary struct {
	ID           string     `json:"id"`
	Number       string     `json:"number,omitempty"`
	Status       Status     `json:"status"`
	StatusCode   string     `json:"status_code"`
	Type         string     `json:"type"`
	CustomerName string     `json:"customer_name"`
	LineCount    int        `json:"line_count"`
	Total        *Money     `json:"total,omitempty"`
	ValidUntil   *Date      `json:"valid_until,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
}

// QuoteList is the quotes list; Drafts counts the user's drafts.
type QuoteList struct {
	Quotes    []QuoteSummary `json:"quotes"`
	Drafts    int            `json:"drafts"`
	MaxDrafts int            `json:"max_drafts"`
}

// QuoteAccept accepts a quote: the order's PO number (required when the
// account says so) and shipping address (optional).
type QuoteAccept struct {
	PONumber          string `json:"po_number,omitempty"`
	ShippingAddressID string `json:"shipping_address_id,omitempty"`
}

// QuoteAccepted is the order an accepted quote became.
type QuoteAccepted struct {
	Quote       Quote  `json:"quote"`
	OrderID     string `json:"order_id"`
	OrderNumber string `json:"order_number"`
	// CreditWarning: the order exceeds the available credit and is placed
	// for the distributor's review.
	CreditWarning string `json:"credit_warning,omitempty"`
	// AwaitingApproval: an approval rule of the account holds the order
	// until an Admin approves it.
	AwaitingApproval bool `json:"awaiting_approval,omitempty"`
}

// QuoteDecline declines a quote.
type QuoteDecline struct {
	Reason string `json:"reason,omitempty"`
}

// QuoteLinePrice is the staff's unit price of a line, a decimal in the
// quote's currency ("11.00").
type QuoteLinePrice struct {
	LineNo    int    `json:"line_no"`
	UnitPrice string `json:"unit_price"`
}

// QuoteRespond is the staff's answer: a price for every line, the last
// day it is valid (default 30 days) and notes for the customer.
type QuoteRespond struct {
	Lines      []QuoteLinePrice `json:"lines"`
	ValidUntil Date             `json:"valid_until,omitempty"`
	Notes      string           `json:"notes,omitempty"`
}

// QuoteProduct is a product the builder offers.
type QuoteProduct struct {
	ProductID  string `json:"product_id"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Form       string `json:"form,omitempty"`
	Grade      string `json:"grade,omitempty"`
	Dimensions string `json:"dimensions,omitempty"`
	UOM        string `json:"uom"`
}

// QuoteProductList is a page of the builder's products; Lines is set by
// PathQuoteFromOrder.
type QuoteProductList struct {
	Products []QuoteProduct   `json:"products"`
	Total    int              `json:"total"`
	Lines    []QuoteLineInput `json:"lines,omitempty"`
}

// Capabilities of the quotes (GET /api/v1/me).
const (
	CapabilityQuotesRead    = "quotes:read"
	CapabilityQuotesRequest = "quotes:request"
	CapabilityQuotesAccept  = "quotes:accept"
	CapabilityQuotesRespond = "quotes:respond"
)
