package api

import "time"

// Reorder, order approvals and product reviews (issue 8).

// Reorder routes. {id} is an order of the signed-in user's account.
const (
	// PathOrders + "/{id}/reorder": GET the reorder screen (Reorder);
	// POST places it (ReorderPlace → ReorderPlaced, 201; 200 with
	// replayed true when the placement id placed an order already).
	// PathOrders + "/{id}/reorder/preview": POST ReorderPreview → Reorder,
	// the screen re-priced for edited lines.
	PathReorderSuffix        = "/reorder"
	PathReorderPreviewSuffix = "/reorder/preview"
	// PathOrders + "/{id}/approval": GET the order's approval
	// (OrderApproval); 404 when it needed none.
	PathOrderApprovalSuffix = "/approval"
)

// ReorderPath is the reorder API of order id.
func ReorderPath(id string) string { return PathOrders + "/" + id + PathReorderSuffix }

// PageReorder is the reorder screen of order id.
func PageReorder(id string) string { return PageOrders + "/" + id + "/reorder" }

// PageQuoteFromOrder is "Request Quote Instead": the quote request
// screen, prefilled from order id.
func PageQuoteFromOrder(id string) string { return PageQuoteNew + "?from_order=" + id }

// Availability of a reorder line: in_stock, low_stock, out_of_stock, or
// discontinued (the line cannot be ordered).
const AvailabilityDiscontinued = "discontinued"

// Reorder warning types.
const (
	WarningPriceChanged = "price_changed"
	WarningDiscontinued = "item_discontinued"
	WarningOutOfStock   = "out_of_stock"
	WarningNeedsOptions = "needs_options" // see ReorderLine.Problem
)

// ReorderLine is one line of the original order at today's price.
type ReorderLine struct {
	LineNo        int    `json:"line_no"`
	ProductID     string `json:"product_id,omitempty"`
	ProductCode   string `json:"product_code"`
	Description   string `json:"description"`
	Quantity      string `json:"quantity"`
	UOM           string `json:"uom"`
	Availability  string `json:"availability"`
	LeadTimeDays  int    `json:"lead_time_days"`
	Included      bool   `json:"included"`
	Discontinued  bool   `json:"discontinued"`
	OriginalPrice Money  `json:"original_price"`
	CurrentPrice  Money  `json:"current_price"`
	PriceChanged  bool   `json:"price_changed"`
	Total         Money  `json:"line_total"`
	// Problem is why the line cannot be reordered as it was (a product
	// that now needs options or dimensions, or is no longer the
	// customer's to buy); such a line is left out, like a discontinued one.
	Problem string `json:"problem,omitempty"`
}

// ReorderWarning is one entry of the warnings banner.
type ReorderWarning struct {
	Type    string `json:"type"`
	LineNo  int    `json:"line_no"`
	Message string `json:"message"`
}

// Reorder is the reorder screen (spec 000 reorder_review_screen).
type Reorder struct {
	OrderID     string `json:"order_id"`
	OrderNumber string `json:"order_number"`
	// PlacementID is sent back with ReorderPlace: a second submit with it
	// answers the first order instead of placing another.
	PlacementID       string           `json:"placement_id"`
	Lines             []ReorderLine    `json:"lines"`
	Warnings          []ReorderWarning `json:"warnings"`
	ShippingAddressID string           `json:"shipping_address_id,omitempty"` // preselected from the order, or the one asked for
	ShippingAddresses []Address        `json:"shipping_addresses"`
	// ShippingAddress is the new address the estimate is for, when one was
	// entered instead of a saved one; ShippingMethod the method (standard
	// unless chosen) among ShippingMethods.
	ShippingAddress *PostalAddress   `json:"shipping_address,omitempty"`
	ShippingMethod  string           `json:"shipping_method"`
	ShippingMethods []ShippingMethod `json:"shipping_methods"`
	PORequired      bool             `json:"po_required"`
	PaymentTerms    string           `json:"payment_terms"`
	EarliestDate    Date             `json:"earliest_date"` // today + the longest lead time of the included lines
	Subtotal        Money            `json:"subtotal"`
	FreightEstimate Money            `json:"freight_estimate"`
	TaxEstimate     Money            `json:"tax_estimate"`
	// Estimate says how freight and tax were estimated; absent when
	// nothing ships or there is no address.
	Estimate   *FreightTaxEstimate `json:"estimate,omitempty"`
	GrandTotal Money               `json:"grand_total"`
	// EstimateNote says what the freight and tax estimates are.
	EstimateNote    string `json:"estimate_note"`
	AvailableCredit Money  `json:"available_credit"`
	// CreditWarning is set when the total exceeds the available credit.
	CreditWarning string `json:"credit_warning,omitempty"`
	// NeedsApproval: the account's approval rule will hold this order.
	NeedsApproval bool `json:"needs_approval"`
}

// ReorderLineInput is a line to order: its line number in the original
// order and the quantity. Lines not sent are excluded.
type ReorderLineInput struct {
	LineNo   int    `json:"line_no"`
	Quantity string `json:"quantity"`
}

// ReorderPreview is POST .../reorder/preview.
type ReorderPreview struct {
	PlacementID string             `json:"placement_id,omitempty"`
	Lines       []ReorderLineInput `json:"lines"`
	// The ship-to of the estimate: a saved address or a new one, and a
	// method (standard when "").
	ShippingAddressID string         `json:"shipping_address_id,omitempty"`
	ShippingAddress   *PostalAddress `json:"shipping_address,omitempty"`
	ShippingMethod    string         `json:"shipping_method,omitempty"`
}

// ReorderPlace is POST .../reorder.
type ReorderPlace struct {
	PlacementID         string             `json:"placement_id"`
	Lines               []ReorderLineInput `json:"lines"`
	ShippingAddressID   string             `json:"shipping_address_id,omitempty"`
	ShippingAddress     *PostalAddress     `json:"shipping_address,omitempty"` // a new address instead of a saved one
	ShippingMethod      string             `json:"shipping_method,omitempty"`  // standard when ""
	PONumber            string             `json:"po_number,omitempty"`
	RequestedDate       Date               `json:"requested_date,omitempty"`
	SpecialInstructions string             `json:"special_instructions,omitempty"`
}

// ReorderPlaced is the confirmation (spec 000 order_confirmation_screen).
type ReorderPlaced struct {
	OrderID           string `json:"order_id"`
	OrderNumber       string `json:"order_number"`
	Status            Status `json:"status"`
	Total             Money  `json:"total"`
	Freight           Money  `json:"freight"` // estimated, included in the total
	Tax               Money  `json:"tax"`     // estimated, included in the total
	EstimatedShipDate Date   `json:"estimated_ship_date"`
	CreditWarning     string `json:"credit_warning,omitempty"`
	AwaitingApproval  bool   `json:"awaiting_approval"`
	Replayed          bool   `json:"replayed"`
}

// Order approval routes.
const (
	// PathApprovals: GET the account's approvals newest first
	// (ApprovalList; query status: pending | approved | rejected).
	// POST PathApprovals + "/{order_id}/decision" (ApprovalDecision) →
	// OrderApproval; Admins only.
	PathApprovals = "/api/v1/approvals"
	// PathApprovalRules: GET the account's rules (ApprovalRuleList); POST
	// ApprovalRuleInput sets the rule of its role; DELETE
	// PathApprovalRules + "/{id}". Setting and deleting: Admins only.
	PathApprovalRules = "/api/v1/approval-rules"
	// PageApprovals is the approvals screen.
	PageApprovals = "/portal/approvals"
	// CapabilityApprovalsApprove: approve, reject, set the rules.
	CapabilityApprovalsApprove = "approvals:approve"
	CapabilityApprovalsRead    = "approvals:read"
	CapabilityOrdersReorder    = "orders:reorder"
)

// Approval statuses.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
)

// OrderApproval is one order's approval.
type OrderApproval struct {
	OrderID     string     `json:"order_id"`
	OrderNumber string     `json:"order_number"`
	PONumber    string     `json:"po_number"`
	Status      string     `json:"status"`       // pending | approved | rejected
	OrderStatus Status     `json:"order_status"` // what the order is now
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Total       Money      `json:"total"`
	Threshold   Money      `json:"threshold"`
	LineCount   int        `json:"line_count"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Comment     string     `json:"comment,omitempty"`
}

// ApprovalList is GET PathApprovals.
type ApprovalList struct {
	Approvals []OrderApproval `json:"approvals"`
}

// ApprovalDecision approves or rejects; a rejection needs a comment.
type ApprovalDecision struct {
	Decision string `json:"decision"` // approve | reject
	Comment  string `json:"comment,omitempty"`
}

// ApprovalRule: orders placed by AppliesToRole above Threshold need an
// Admin's approval.
type ApprovalRule struct {
	ID            string    `json:"id"`
	AppliesToRole string    `json:"applies_to_role"`
	Threshold     Money     `json:"threshold"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ApprovalRuleList is GET PathApprovalRules.
type ApprovalRuleList struct {
	Rules []ApprovalRule `json:"rules"`
}

// ApprovalRuleInput is POST PathApprovalRules: threshold is a decimal
// amount in the account's currency ("5000.00").
type ApprovalRuleInput struct {
	AppliesToRole string `json:"applies_to_role"`
	Threshold     string `json:"threshold"`
}

// Product review routes.
const (
	// PathProductReviews(id): GET the product's reviews (ProductReviews);
	// PUT ReviewInput saves the signed-in user's own (Review).
	PathProductsPrefix = "/api/v1/products"
	// PathStaffReviews: GET the tenant's reviews for staff (ReviewList);
	// PATCH PathStaffReviews + "/{id}" (ReviewModeration) hides or shows one.
	PathStaffReviews = "/api/v1/staff/reviews"
	// PageStaffReviews is the staff's review moderation screen.
	PageStaffReviews          = "/portal/staff/reviews"
	CapabilityReviewsWrite    = "reviews:write"
	CapabilityReviewsModerate = "reviews:moderate"
)

// PathProductReviews is the reviews of product id.
func PathProductReviews(id string) string { return PathProductsPrefix + "/" + id + "/reviews" }

// Review is one product review.
type Review struct {
	ID          string    `json:"id"`
	ProductID   string    `json:"product_id"`
	ProductCode string    `json:"product_code,omitempty"`
	ProductName string    `json:"product_name,omitempty"`
	Rating      int       `json:"rating"`
	Body        string    `json:"body"`
	AuthorName  string    `json:"author_name"` // "Jane B."
	Mine        bool      `json:"mine"`
	Hidden      bool      `json:"hidden"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Staff only.
	CustomerName string `json:"customer_name,omitempty"`
	AuthorEmail  string `json:"author_email,omitempty"`
}

// ProductReviews is a product's reviews.
type ProductReviews struct {
	ProductID string   `json:"product_id"`
	Count     int      `json:"count"`
	Average   float64  `json:"average"` // one decimal; 0 without reviews
	Reviews   []Review `json:"reviews"`
	Mine      *Review  `json:"mine,omitempty"`
	CanReview bool     `json:"can_review"`
}

// ReviewInput is PUT PathProductReviews(id).
type ReviewInput struct {
	Rating int    `json:"rating"`
	Body   string `json:"body"`
}

// ReviewList is GET PathStaffReviews.
type ReviewList struct {
	Reviews []Review `json:"reviews"`
}

// ReviewModeration is PATCH PathStaffReviews + "/{id}".
type ReviewModeration struct {
	Hidden bool `json:"hidden"`
}
