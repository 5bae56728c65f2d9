package api

import "time"

// Paths of the customer's orders, shipments and account data. Every one
// answers only the signed-in user's own customer account: another
// account's ids are 404.
const (
	// PathDashboard: GET the dashboard (Dashboard).
	PathDashboard = "/api/v1/dashboard"
	// PathOrders: GET lists orders (OrderList). Query: q (order number, PO
	// number or line description), status (customer-facing codes, comma
	// separated; default every status but cancelled), from and to (order
	// dates, YYYY-MM-DD, inclusive; when neither is given and q is empty,
	// the last 12 months, spec 000's default filter), all_time=true (no
	// date range), sort (order_date | status | total | order_number |
	// po_number; default order_date), dir (asc | desc; default desc for
	// order_date, asc for the others), page (from 1), page_size (20, 50 or
	// 100). Every bad parameter is named in one 400 answer.
	// GET PathOrders + "/{id}" is one order (OrderDetail).
	PathOrders = "/api/v1/orders"
	// PathShipments: GET lists shipments newest first, those not yet
	// shipped on top (ShipmentList; query status: customer-facing codes
	// such as in_transit, comma separated; page, page_size); GET PathShipments + "/{id}" is one
	// (Shipment).
	PathShipments = "/api/v1/shipments"
	// PathAccount: GET the account overview (AccountOverview).
	PathAccount = "/api/v1/account"
	// PathPayments: GET the payment history (PaymentList; query from, to,
	// status, page, page_size).
	PathPayments = "/api/v1/payments"
)

// Pages of the PWA for these screens.
const (
	PageOrders    = "/portal/orders"
	PageShipments = "/portal/shipments"
	PageDocuments = "/portal/documents"
	PageQuoteNew  = "/portal/quotes/new"
	PageInvoices  = "/portal/invoices"
)

// Money is an amount in minor units (cents) of an ISO 4217 currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Status is a customer-facing status (spec 000 section 3): the portal never
// sends internal statuses.
type Status struct {
	Code        string `json:"code"`  // e.g. "in_production"; what the status filter takes
	Label       string `json:"label"` // "In Production"
	Color       string `json:"color"` // grey | blue | orange | green | yellow | red
	Icon        string `json:"icon"`  // Material Symbols name
	Progress    int    `json:"progress"`
	Description string `json:"description,omitempty"`
}

// Date is a calendar date, "2026-03-14".
type Date = string

// OrderSummary is one row of the orders list.
type OrderSummary struct {
	ID          string `json:"id"`
	OrderNumber string `json:"order_number"`
	PONumber    string `json:"po_number"`
	OrderDate   Date   `json:"order_date"`
	Status      Status `json:"status"`
	LineCount   int    `json:"line_count"`
	Total       Money  `json:"total"`
	// InvoiceID is the order's invoice, for "Download Invoice"; "" when none.
	InvoiceID string `json:"invoice_id,omitempty"`
}

// OrderList is a page of orders.
type OrderList struct {
	Orders []OrderSummary `json:"orders"`
	Total  int            `json:"total"`
	// TotalIsLowerBound: a search counts its matches up to 1,000 only, so
	// Total means "at least" (the screen shows "1,000+"); pages beyond it
	// still load while they have rows.
	TotalIsLowerBound bool `json:"total_is_lower_bound,omitempty"`
	Page              int  `json:"page"`
	PageSize          int  `json:"page_size"`
	TotalPages        int  `json:"total_pages"`
	// Statuses are the options of the status filter.
	Statuses []Status `json:"statuses"`
}

// OrderDetail is one order as the detail page shows it.
type OrderDetail struct {
	OrderSummary
	RequestedDate     Date            `json:"requested_date,omitempty"`
	EstimatedShipDate Date            `json:"estimated_ship_date,omitempty"`
	Timeline          []TimelineStep  `json:"timeline"`
	Lines             []OrderLine     `json:"lines"`
	Subtotal          Money           `json:"subtotal"`
	Processing        Money           `json:"processing"`
	Freight           Money           `json:"freight"`
	Tax               Money           `json:"tax"`
	Shipments         []Shipment      `json:"shipments"`
	ShippingAddress   *Address        `json:"shipping_address,omitempty"`
	Support           SupportContacts `json:"support"`
}

// TimelineStep is one step of an order's progress timeline.
type TimelineStep struct {
	ID    string     `json:"id"` // received | confirmed | processing | shipped | delivered
	Label string     `json:"label"`
	Icon  string     `json:"icon"`
	State string     `json:"state"` // done | current | upcoming
	At    *time.Time `json:"at,omitempty"`
}

// OrderLine is one line of an order.
type OrderLine struct {
	LineNo          int    `json:"line_no"`
	ProductID       string `json:"product_id,omitempty"` // the catalogue's product, for its page (reviews); none for a free-text line
	ProductCode     string `json:"product_code"`
	Description     string `json:"description"`
	Quantity        string `json:"quantity"` // decimal as text
	UOM             string `json:"uom"`
	UnitPrice       Money  `json:"unit_price"`
	Total           Money  `json:"total"`
	Status          Status `json:"status"`
	ProcessingNotes string `json:"processing_notes,omitempty"`
	Dimensions      string `json:"dimensions,omitempty"`
	Grade           string `json:"grade,omitempty"`
	HeatNumber      string `json:"heat_number,omitempty"`
	HasMTR          bool   `json:"has_mtr"`
}

// SupportContacts is the order page's "Need Help?" card.
type SupportContacts struct {
	Email       string `json:"email"`
	Phone       string `json:"phone,omitempty"` // the shipping location's, else the tenant's
	ChatEnabled bool   `json:"chat_enabled"`
}

// Shipment is a shipment with its tracking. TrackingNumber and
// TrackingURL are empty until the status shows tracking (label created).
type Shipment struct {
	ID                string         `json:"id"`
	ShipmentNumber    string         `json:"shipment_number"`
	OrderID           string         `json:"order_id"`
	OrderNumber       string         `json:"order_number"`
	Status            Status         `json:"status"`
	ShowTracking      bool           `json:"show_tracking"`
	Carrier           string         `json:"carrier"`
	TrackingNumber    string         `json:"tracking_number,omitempty"`
	TrackingURL       string         `json:"tracking_url,omitempty"`
	ShipDate          Date           `json:"ship_date,omitempty"`
	EstimatedDelivery Date           `json:"estimated_delivery,omitempty"`
	DeliveredAt       *time.Time     `json:"delivered_at,omitempty"`
	Lines             []ShipmentLine `json:"lines,omitempty"`
}

// ShipmentLine is an order line a shipment carries.
type ShipmentLine struct {
	LineNo      int    `json:"line_no"`
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UOM         string `json:"uom"`
}

// ShipmentList is a page of shipments.
type ShipmentList struct {
	Shipments  []Shipment `json:"shipments"`
	Total      int        `json:"total"`
	Page       int        `json:"page"`
	PageSize   int        `json:"page_size"`
	TotalPages int        `json:"total_pages"`
	// Statuses are the status filter's options.
	Statuses []Status `json:"statuses"`
}

// InvoiceSummary is one of the dashboard's recent invoices.
type InvoiceSummary struct {
	ID            string `json:"id"`
	InvoiceNumber string `json:"invoice_number"`
	OrderID       string `json:"order_id,omitempty"`
	OrderNumber   string `json:"order_number,omitempty"`
	InvoiceDate   Date   `json:"invoice_date"`
	DueDate       Date   `json:"due_date"`
	Status        string `json:"status"` // open | partially_paid | paid | void | overdue
	Total         Money  `json:"total"`
	AmountDue     Money  `json:"amount_due"`
}

// AccountSummary is the dashboard's account card. CreditLevel colours the
// available credit: ok (green), low (a quarter of the limit or less:
// amber), over (nothing left: red).
type AccountSummary struct {
	AccountNumber   string `json:"account_number"`
	CompanyName     string `json:"company_name"`
	PaymentTerms    string `json:"payment_terms"`
	CreditLimit     Money  `json:"credit_limit"`
	AvailableCredit Money  `json:"available_credit"`
	CreditLevel     string `json:"credit_level"`
	OpenBalance     Money  `json:"open_balance"`
	TotalOrders     int    `json:"total_orders"`
	LifetimeSales   Money  `json:"lifetime_sales"`
	OnHold          bool   `json:"on_hold"` // the account is on credit hold
}

// SalesRep is the account's assigned sales rep.
type SalesRep struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

// Dashboard is the signed-in user's dashboard.
type Dashboard struct {
	FirstName        string           `json:"first_name"`
	CompanyName      string           `json:"company_name"`
	Summary          AccountSummary   `json:"summary"`
	InProgressCount  int              `json:"in_progress_count"`
	OrdersInProgress []OrderSummary   `json:"orders_in_progress"`
	RecentShipments  []Shipment       `json:"recent_shipments"`
	RecentInvoices   []InvoiceSummary `json:"recent_invoices"`
	SalesRep         *SalesRep        `json:"sales_rep,omitempty"`
	Support          SupportContacts  `json:"support"`
}

// AccountOverview is the account screen's overview.
type AccountOverview struct {
	Company   Company        `json:"company"`
	Summary   AccountSummary `json:"summary"`
	Contacts  []Contact      `json:"contacts"`
	Addresses []Address      `json:"addresses"`
	SalesRep  *SalesRep      `json:"sales_rep,omitempty"`
}

// Contact is one of the account's people.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role"`
}

// Payment is one entry of the payment history.
type Payment struct {
	ID            string `json:"id"`
	Reference     string `json:"reference"`
	Method        string `json:"method"` // check | ach | wire | card | cash | credit | other
	Status        string `json:"status"` // pending | succeeded | failed | refunded
	Amount        Money  `json:"amount"`
	ReceivedOn    Date   `json:"received_on"`
	InvoiceID     string `json:"invoice_id,omitempty"`
	InvoiceNumber string `json:"invoice_number,omitempty"`
}

// PaymentList is a page of the payment history.
type PaymentList struct {
	Payments   []Payment `json:"payments"`
	Total      int       `json:"total"`
	Page       int       `json:"page"`
	PageSize   int       `json:"page_size"`
	TotalPages int       `json:"total_pages"`
}
