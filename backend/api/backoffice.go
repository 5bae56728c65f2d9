package api

import "time"

// The back-office API: the tenant's ERP pushes its data. Every route needs
// a tenant API key with the backoffice scope, sent as
// "Authorization: Bearer <prefix>.<secret>" to the tenant's own host
// (sessions and cookies do not count). Batch routes take a JSON array of
// at most MaxBatchRows rows (413 beyond) and answer 200 with a BatchResult:
// one RowResult per row, in order. Rows are keyed by the ERP's own ids
// (external_id): sending the same row again changes nothing ("unchanged").
// Each row is applied on its own: a bad row (status "error", its errors
// naming the fields) leaves nothing behind and does not stop the others.
// Every field of a row is written (PUT semantics): an omitted field takes
// its default. References to other entities are by their external ids.
const (
	// PathBackOffice is the root of the back-office API.
	PathBackOffice = "/api/v1/backoffice"
	// PUT: batches of BackOfficeCustomer, BackOfficeAddress,
	// BackOfficeLocation, BackOfficeCategory, BackOfficeProduct,
	// BackOfficeInventory, BackOfficeOrder, BackOfficeShipment,
	// BackOfficeInvoice and BackOfficePayment.
	PathBackOfficeCustomers  = PathBackOffice + "/customers"
	PathBackOfficeAddresses  = PathBackOffice + "/addresses"
	PathBackOfficeLocations  = PathBackOffice + "/locations"
	PathBackOfficeCategories = PathBackOffice + "/categories"
	PathBackOfficeProducts   = PathBackOffice + "/products"
	PathBackOfficeInventory  = PathBackOffice + "/inventory"
	PathBackOfficeOrders     = PathBackOffice + "/orders"
	PathBackOfficeShipments  = PathBackOffice + "/shipments"
	PathBackOfficeInvoices   = PathBackOffice + "/invoices"
	PathBackOfficePayments   = PathBackOffice + "/payments"
	// PathBackOfficeLineStatuses: POST a batch of BackOfficeLineStatus.
	PathBackOfficeLineStatuses = PathBackOffice + "/order-lines/status"
	// POST PathBackOfficeOrders + "/{external_id}/status" (body
	// BackOfficeOrderStatus) moves one order: 200 RowResult, 404 for an
	// unknown order, 409 for a transition the status model refuses (the
	// problem names both statuses).
)

// MaxBatchRows is the most rows a batch may carry.
const MaxBatchRows = 1000

// Row statuses of RowResult.Status.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged"
	RowError     = "error"
)

// BatchResult answers a batch.
type BatchResult struct {
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Errors    int         `json:"errors"`
	Rows      []RowResult `json:"rows"`
}

// RowResult is what became of one row.
type RowResult struct {
	Index      int          `json:"index"`
	ExternalID string       `json:"external_id"`
	Status     string       `json:"status"`       // created | updated | unchanged | error
	ID         string       `json:"id,omitempty"` // the portal's id
	Errors     []FieldError `json:"errors,omitempty"`
}

// BackOfficeCustomer is a customer account; money in minor units.
type BackOfficeCustomer struct {
	ExternalID      string              `json:"external_id"`
	AccountNumber   string              `json:"account_number"`
	CompanyName     string              `json:"company_name"`
	Type            string              `json:"type,omitempty"`          // business (default) | individual
	Status          string              `json:"status,omitempty"`        // pending | active (default) | on_hold | closed
	PaymentTerms    string              `json:"payment_terms,omitempty"` // NET30 (default), NET60, COD, PREPAID…
	Currency        string              `json:"currency,omitempty"`      // USD (default)
	CreditLimit     int64               `json:"credit_limit"`
	PORequired      bool                `json:"po_required"`
	TaxExempt       bool                `json:"tax_exempt"`                 // no sales tax is estimated for its orders
	ProductsDisplay string              `json:"products_display,omitempty"` // standard_and_exclusive (default) | exclusive_only
	Phone           string              `json:"phone,omitempty"`
	Email           string              `json:"email,omitempty"`
	SalesRep        *BackOfficeSalesRep `json:"sales_rep,omitempty"` // the assigned rep, upserted with the customer
}

// BackOfficeSalesRep is a customer's assigned sales rep.
type BackOfficeSalesRep struct {
	ExternalID string `json:"external_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Phone      string `json:"phone,omitempty"`
}

// BackOfficeAddress is a customer's billing or shipping address.
type BackOfficeAddress struct {
	ExternalID         string `json:"external_id"`
	CustomerExternalID string `json:"customer_external_id"`
	Kind               string `json:"kind"` // billing | shipping
	Label              string `json:"label,omitempty"`
	Line1              string `json:"line1"`
	Line2              string `json:"line2,omitempty"`
	City               string `json:"city"`
	Region             string `json:"region,omitempty"`
	PostalCode         string `json:"postal_code,omitempty"`
	Country            string `json:"country"` // ISO 3166 alpha-2
	IsDefault          bool   `json:"is_default"`
}

// BackOfficeLocation is one of the distributor's sites.
type BackOfficeLocation struct {
	ExternalID string `json:"external_id"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	Line1      string `json:"line1,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`   // default US
	TimeZone   string `json:"time_zone,omitempty"` // IANA name, default UTC
}

// BackOfficeCategory is a product category.
type BackOfficeCategory struct {
	ExternalID       string `json:"external_id"`
	Slug             string `json:"slug"`
	Name             string `json:"name"`
	ParentExternalID string `json:"parent_external_id,omitempty"`
}

// BackOfficeProduct is a catalog product; the list price is in minor units
// per pricing unit.
type BackOfficeProduct struct {
	ExternalID    string  `json:"external_id"`
	Code          string  `json:"code"`
	Name          string  `json:"name"`
	Description   string  `json:"description,omitempty"`
	Form          string  `json:"form"`
	Grade         string  `json:"grade,omitempty"`
	Dimensions    string  `json:"dimensions,omitempty"`
	StockUOM      string  `json:"stock_uom"`
	PricingUOM    string  `json:"pricing_uom"`
	Currency      string  `json:"currency,omitempty"`
	ListPrice     int64   `json:"list_price"`
	LowStockLevel float64 `json:"low_stock_level"`
	LeadTimeDays  int     `json:"lead_time_days"`
	Active        *bool   `json:"active,omitempty"` // default true
	// CategoryExternalIDs: absent leaves the product's categories alone;
	// a list (even empty) makes them exactly those.
	CategoryExternalIDs []string `json:"category_external_ids,omitempty"`
}

// BackOfficeInventory is the stock of a product at a location; its row is
// named "<product_external_id>@<location_external_id>" in results.
type BackOfficeInventory struct {
	ProductExternalID  string  `json:"product_external_id"`
	LocationExternalID string  `json:"location_external_id"`
	QuantityOnHand     float64 `json:"quantity_on_hand"`
	QuantityAvailable  float64 `json:"quantity_available"`
}

// BackOfficeOrder is an order with its lines (keyed by line number).
type BackOfficeOrder struct {
	ExternalID         string `json:"external_id"`
	CustomerExternalID string `json:"customer_external_id"`
	OrderNumber        string `json:"order_number"`
	PONumber           string `json:"po_number,omitempty"`
	Status             string `json:"status,omitempty"` // internal status (spec 000 §3); a change is a transition
	Source             string `json:"source,omitempty"` // portal | ecommerce | internal (default) | edi
	OrderDate          Date   `json:"order_date"`
	RequestedDate      Date   `json:"requested_date,omitempty"`
	PromisedDate       Date   `json:"promised_date,omitempty"`
	ShipToExternalID   string `json:"ship_to_external_id,omitempty"`
	LocationExternalID string `json:"location_external_id,omitempty"`
	Currency           string `json:"currency,omitempty"`
	Subtotal           int64  `json:"subtotal"`
	Tax                int64  `json:"tax"`
	Freight            int64  `json:"freight"`
	Processing         int64  `json:"processing"`
	Total              int64  `json:"total"`
	COCRequired        bool   `json:"coc_required"`
	Notes              string `json:"notes,omitempty"`
	// Lines: absent leaves an existing order's lines alone; a list makes
	// them exactly those.
	Lines []BackOfficeOrderLine `json:"lines,omitempty"`
}

// BackOfficeOrderLine is one line of an order.
type BackOfficeOrderLine struct {
	LineNo            int     `json:"line_no"`
	ProductExternalID string  `json:"product_external_id,omitempty"`
	Description       string  `json:"description"`
	Grade             string  `json:"grade,omitempty"`
	Dimensions        string  `json:"dimensions,omitempty"`
	Quantity          float64 `json:"quantity"`
	UOM               string  `json:"uom"`
	UnitPrice         int64   `json:"unit_price"`
	LineTotal         int64   `json:"line_total"`
	JobStatus         string  `json:"job_status,omitempty"` // absent keeps the line's (queued when new)
	ProcessingNotes   string  `json:"processing_notes,omitempty"`
	HeatNumber        string  `json:"heat_number,omitempty"`
	HasMTR            bool    `json:"has_mtr"`
}

// BackOfficeOrderStatus moves an order to an internal status.
type BackOfficeOrderStatus struct {
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// BackOfficeLineStatus sets a line's job status; its row is named
// "<order_external_id>#<line_no>" in results.
type BackOfficeLineStatus struct {
	OrderExternalID string `json:"order_external_id"`
	LineNo          int    `json:"line_no"`
	JobStatus       string `json:"job_status"`
}

// BackOfficeShipment is a shipment of one order.
type BackOfficeShipment struct {
	ExternalID        string     `json:"external_id"`
	OrderExternalID   string     `json:"order_external_id"`
	ShipmentNumber    string     `json:"shipment_number"`
	Status            string     `json:"status"` // internal shipment status (spec 000 §3)
	Carrier           string     `json:"carrier,omitempty"`
	CarrierType       string     `json:"carrier_type,omitempty"` // parcel (default) | freight | own_truck | pickup
	TrackingNumber    string     `json:"tracking_number,omitempty"`
	TrackingURL       string     `json:"tracking_url,omitempty"`
	ShipDate          Date       `json:"ship_date,omitempty"`
	EstimatedDelivery Date       `json:"estimated_delivery,omitempty"`
	DeliveredAt       *time.Time `json:"delivered_at,omitempty"`
	SignedBy          string     `json:"signed_by,omitempty"`
	PODAvailable      bool       `json:"pod_available"`
	// Lines: absent leaves the shipment's lines alone; a list makes them
	// exactly those.
	Lines []BackOfficeShipmentLine `json:"lines,omitempty"`
}

// BackOfficeShipmentLine is how much of an order line a shipment carries.
type BackOfficeShipmentLine struct {
	LineNo   int     `json:"line_no"`
	Quantity float64 `json:"quantity"`
}

// BackOfficeInvoice is an invoice; money in minor units.
type BackOfficeInvoice struct {
	ExternalID         string `json:"external_id"`
	CustomerExternalID string `json:"customer_external_id"`
	OrderExternalID    string `json:"order_external_id,omitempty"`
	InvoiceNumber      string `json:"invoice_number"`
	Status             string `json:"status"` // open | partially_paid | paid | void
	InvoiceDate        Date   `json:"invoice_date"`
	DueDate            Date   `json:"due_date"`
	Currency           string `json:"currency,omitempty"`
	Subtotal           int64  `json:"subtotal"`
	Tax                int64  `json:"tax"`
	Total              int64  `json:"total"`
	AmountPaid         int64  `json:"amount_paid"`
}

// BackOfficePayment is a payment recorded in the ERP.
type BackOfficePayment struct {
	ExternalID         string `json:"external_id"`
	CustomerExternalID string `json:"customer_external_id"`
	InvoiceExternalID  string `json:"invoice_external_id,omitempty"`
	Reference          string `json:"reference"`
	Method             string `json:"method"` // check | ach | wire | card | cash | credit | other
	Status             string `json:"status"` // pending | succeeded | failed | refunded
	Currency           string `json:"currency,omitempty"`
	Amount             int64  `json:"amount"`
	ReceivedOn         Date   `json:"received_on"`
}
