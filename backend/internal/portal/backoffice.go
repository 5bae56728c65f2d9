package portal

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// The back-office API: the tenant's ERP pushes its data in batches keyed by
// its own ids (external ids). Each row of a batch is applied on its own: a
// bad row is reported and leaves nothing behind, the others land.

// MaxBatchRows is the most rows one batch request may carry.
const MaxBatchRows = 1000

// Row statuses of a batch result.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged"
	RowError     = "error"
)

// RowResult is what became of one row of a batch.
type RowResult struct {
	Index      int
	ExternalID string
	Status     string
	ID         string // the portal's id of the entity; empty on error
	Errors     []FieldError
}

// InvoicePagePath is where a customer reads an invoice in the portal; the
// order.invoiced event's invoice_url is it followed by the invoice id.
const InvoicePagePath = "/portal/invoices/"

// CustomerInput is one customer account of the ERP.
type CustomerInput struct {
	ExternalID      string
	AccountNumber   string
	CompanyName     string
	Type            string // business (default) | individual
	Status          string // pending | active (default) | on_hold | closed
	PaymentTerms    string // NET30 (default), NET60, COD, PREPAID …
	Currency        string // USD (default)
	CreditLimit     int64  // minor units
	PORequired      bool
	TaxExempt       bool   // no sales tax is estimated (EstimateFreightTax)
	ProductsDisplay string // standard_and_exclusive (default) | exclusive_only
	Phone           string
	Email           string
	SalesRep        *SalesRepInput // nil: no assigned rep
}

// SalesRepInput is the sales rep assigned to a customer, upserted with it.
type SalesRepInput struct {
	ExternalID string
	Name       string
	Email      string
	Phone      string
}

// BackOfficeAddressInput is a customer's billing or shipping address.
type BackOfficeAddressInput struct {
	ExternalID         string
	CustomerExternalID string
	Kind               string // billing | shipping
	Label              string
	Line1, Line2       string
	City, Region       string
	PostalCode         string
	Country            string // ISO 3166 alpha-2
	IsDefault          bool
}

// LocationInput is one of the distributor's sites.
type LocationInput struct {
	ExternalID string
	Code, Name string
	Phone      string
	Email      string
	Line1      string
	City       string
	Region     string
	PostalCode string
	Country    string // default US
	TimeZone   string // default UTC
}

// CategoryInput is a product category; its parent is another category's
// external id (earlier in the same batch, or already synced).
type CategoryInput struct {
	ExternalID       string
	Slug, Name       string
	ParentExternalID string
}

// ProductInput is one product of the catalog.
type ProductInput struct {
	ExternalID          string
	Code, Name          string
	Description         string
	Form, Grade         string
	Dimensions          string
	StockUOM            string
	PricingUOM          string
	Currency            string // default USD
	ListPrice           int64  // minor units per pricing unit
	LowStockLevel       float64
	LeadTimeDays        int
	Active              *bool // nil: true
	CategoryExternalIDs []string
}

// InventoryInput is the stock of a product at a location.
type InventoryInput struct {
	ProductExternalID  string
	LocationExternalID string
	QuantityOnHand     float64
	QuantityAvailable  float64
}

// BackOfficeOrderInput is an order with its lines, as the ERP has it.
type BackOfficeOrderInput struct {
	ExternalID          string
	CustomerExternalID  string
	OrderNumber         string
	PONumber            string
	Status              string // internal status; default pending_review
	Source              string // portal | ecommerce | internal (default) | edi
	OrderDate           string // YYYY-MM-DD
	RequestedDate       string // optional
	PromisedDate        string // optional; order.confirmed's estimated_ship_date
	ShipToExternalID    string // optional: one of the customer's addresses
	LocationExternalID  string // optional
	Currency            string
	Subtotal, Tax       int64
	Freight, Processing int64
	Total               int64
	COCRequired         bool
	Notes               string
	Lines               []BackOfficeOrderLineInput // nil: an existing order keeps its lines
}

// BackOfficeOrderLineInput is one line of an order, keyed by its line number.
type BackOfficeOrderLineInput struct {
	LineNo            int
	ProductExternalID string // optional
	Description       string
	Grade             string
	Dimensions        string
	Quantity          float64
	UOM               string
	UnitPrice         int64
	LineTotal         int64
	JobStatus         string // default queued
	ProcessingNotes   string
	HeatNumber        string
	HasMTR            bool
}

// OrderStatusInput moves one order to a new internal status.
type OrderStatusInput struct {
	Status string
	Note   string
}

// LineStatusInput sets the job status of one order line.
type LineStatusInput struct {
	OrderExternalID string
	LineNo          int
	JobStatus       string
}

// BackOfficeShipmentInput is a shipment of one order.
type BackOfficeShipmentInput struct {
	ExternalID        string
	OrderExternalID   string
	ShipmentNumber    string
	Status            string
	Carrier           string
	CarrierType       string // parcel (default) | freight | own_truck | pickup
	TrackingNumber    string
	TrackingURL       string
	ShipDate          string // YYYY-MM-DD, optional
	EstimatedDelivery string // YYYY-MM-DD, optional
	DeliveredAt       *time.Time
	SignedBy          string
	PODAvailable      bool
	Lines             []ShipmentLineInput
}

// ShipmentLineInput is the quantity of one order line a shipment carries.
type ShipmentLineInput struct {
	LineNo   int
	Quantity float64
}

// BackOfficeInvoiceInput is an invoice of the ERP.
type BackOfficeInvoiceInput struct {
	ExternalID         string
	CustomerExternalID string
	OrderExternalID    string // optional
	InvoiceNumber      string
	Status             string // open | partially_paid | paid | void
	InvoiceDate        string
	DueDate            string
	Currency           string
	Subtotal, Tax      int64
	Total              int64
	AmountPaid         int64
}

// BackOfficePaymentInput is a payment recorded in the ERP.
type BackOfficePaymentInput struct {
	ExternalID         string
	CustomerExternalID string
	InvoiceExternalID  string // optional: an invoice of the same customer
	Reference          string
	Method             string // check | ach | wire | card | cash | credit | other
	Status             string // pending | succeeded | failed | refunded
	Currency           string
	Amount             int64
	ReceivedOn         string
}

// BackOfficeService applies what the ERP pushes, under the tenant of ctx.
// Batch methods answer one RowResult per row, in order; their error is for
// failures of the whole batch (the database is gone), never for a bad row.
type BackOfficeService interface {
	UpsertCustomers(ctx context.Context, rows []CustomerInput) ([]RowResult, error)
	UpsertAddresses(ctx context.Context, rows []BackOfficeAddressInput) ([]RowResult, error)
	UpsertLocations(ctx context.Context, rows []LocationInput) ([]RowResult, error)
	UpsertCategories(ctx context.Context, rows []CategoryInput) ([]RowResult, error)
	UpsertProducts(ctx context.Context, rows []ProductInput) ([]RowResult, error)
	UpsertInventory(ctx context.Context, rows []InventoryInput) ([]RowResult, error)
	UpsertOrders(ctx context.Context, rows []BackOfficeOrderInput) ([]RowResult, error)
	// SetOrderStatus moves the order with externalID: ENOTFOUND for an
	// unknown order, ECONFLICT (naming both statuses) for a transition
	// OrderTransitionAllowed refuses. Setting the current status is a no-op.
	SetOrderStatus(ctx context.Context, externalID string, in OrderStatusInput) (*RowResult, error)
	SetLineStatuses(ctx context.Context, rows []LineStatusInput) ([]RowResult, error)
	UpsertShipments(ctx context.Context, rows []BackOfficeShipmentInput) ([]RowResult, error)
	UpsertInvoices(ctx context.Context, rows []BackOfficeInvoiceInput) ([]RowResult, error)
	UpsertPayments(ctx context.Context, rows []BackOfficePaymentInput) ([]RowResult, error)
	// UpsertCreditNotes applies credit notes (an invoice, when named, of
	// the same customer).
	UpsertCreditNotes(ctx context.Context, rows []BackOfficeCreditNoteInput) ([]RowResult, error)
}

// TransitionConflict is the error of a refused order status transition.
func TransitionConflict(from, to string) *Error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("An order cannot move from %s to %s.", from, to),
		Fields: []FieldError{{"status", fmt.Sprintf("Transition from %s to %s is not allowed.", from, to)}}}
}

// checker collects the field errors of one row.
type checker struct{ fields []FieldError }

func (c *checker) add(field, format string, args ...any) {
	c.fields = append(c.fields, FieldError{field, fmt.Sprintf(format, args...)})
}

var (
	externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$`)
	currencyPattern   = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern    = regexp.MustCompile(`^[A-Z]{2}$`)
	slugPattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

func (c *checker) externalID(field, v string, required bool) {
	switch {
	case v == "" && required:
		c.add(field, "Required.")
	case v != "" && !externalIDPattern.MatchString(v):
		c.add(field, "Use up to 100 letters, digits and . _ : / # -, starting with a letter or digit.")
	}
}

func (c *checker) text(field, v string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(v) == "":
		c.add(field, "Required.")
	case len(v) > max:
		c.add(field, "At most %d characters.", max)
	}
}

func (c *checker) oneOf(field, v string, allowed ...string) {
	if v == "" {
		return // defaults apply
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(field, "Must be one of %s.", strings.Join(allowed, ", "))
}

func (c *checker) date(field, v string, required bool) {
	if v == "" {
		if required {
			c.add(field, "Required.")
		}
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		c.add(field, "Use a date as YYYY-MM-DD.")
	}
}

func (c *checker) money(field string, v int64, allowNegative bool) {
	if v < 0 && !allowNegative {
		c.add(field, "Must not be negative.")
	}
}

func (c *checker) quantity(field string, v float64, positive bool) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e11:
		c.add(field, "Out of range.")
	case math.Abs(v*1000-math.Round(v*1000)) > 1e-6:
		c.add(field, "At most 3 decimals.")
	case positive && v <= 0:
		c.add(field, "Must be greater than zero.")
	case !positive && v < 0:
		c.add(field, "Must not be negative.")
	}
}

func (c *checker) currency(field, v string) {
	if v != "" && !currencyPattern.MatchString(v) {
		c.add(field, "Use a three-letter ISO 4217 code such as USD.")
	}
}

func (c *checker) country(field, v string, required bool) {
	switch {
	case v == "" && required:
		c.add(field, "Required.")
	case v != "" && !countryPattern.MatchString(v):
		c.add(field, "Use a two-letter ISO 3166 code such as US.")
	}
}

// Validate checks one customer row.
func (in CustomerInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.text("account_number", in.AccountNumber, true, 50)
	c.text("company_name", in.CompanyName, true, 200)
	c.oneOf("type", in.Type, "business", "individual")
	c.oneOf("status", in.Status, "pending", "active", "on_hold", "closed")
	c.text("payment_terms", in.PaymentTerms, false, 30)
	c.currency("currency", in.Currency)
	c.money("credit_limit", in.CreditLimit, false)
	c.oneOf("products_display", in.ProductsDisplay, "standard_and_exclusive", "exclusive_only")
	c.text("phone", in.Phone, false, 50)
	c.text("email", in.Email, false, 254)
	if r := in.SalesRep; r != nil {
		c.externalID("sales_rep.external_id", r.ExternalID, true)
		c.text("sales_rep.name", r.Name, true, 200)
		c.text("sales_rep.email", r.Email, true, 254)
		if r.Email != "" && !strings.Contains(r.Email, "@") {
			c.add("sales_rep.email", "Not an e-mail address.")
		}
		c.text("sales_rep.phone", r.Phone, false, 50)
	}
	return c.fields
}

// Validate checks one address row.
func (in BackOfficeAddressInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	if in.Kind == "" {
		c.add("kind", "Required.")
	}
	c.oneOf("kind", in.Kind, "billing", "shipping")
	c.text("label", in.Label, false, 100)
	c.text("line1", in.Line1, true, 200)
	c.text("line2", in.Line2, false, 200)
	c.text("city", in.City, true, 100)
	c.text("region", in.Region, false, 100)
	c.text("postal_code", in.PostalCode, false, 20)
	c.country("country", in.Country, true)
	return c.fields
}

// Validate checks one location row.
func (in LocationInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.text("code", in.Code, true, 50)
	c.text("name", in.Name, true, 200)
	c.text("phone", in.Phone, false, 50)
	c.text("email", in.Email, false, 254)
	c.text("line1", in.Line1, false, 200)
	c.text("city", in.City, false, 100)
	c.text("region", in.Region, false, 100)
	c.text("postal_code", in.PostalCode, false, 20)
	c.country("country", in.Country, false)
	if in.TimeZone != "" {
		if _, err := time.LoadLocation(in.TimeZone); err != nil {
			c.add("time_zone", "Unknown time zone.")
		}
	}
	return c.fields
}

// Validate checks one category row.
func (in CategoryInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.text("slug", in.Slug, true, 100)
	if in.Slug != "" && !slugPattern.MatchString(in.Slug) {
		c.add("slug", "Use lowercase letters, digits and dashes.")
	}
	c.text("name", in.Name, true, 200)
	c.externalID("parent_external_id", in.ParentExternalID, false)
	if in.ParentExternalID != "" && in.ParentExternalID == in.ExternalID {
		c.add("parent_external_id", "A category cannot be its own parent.")
	}
	return c.fields
}

// Validate checks one product row.
func (in ProductInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.text("code", in.Code, true, 100)
	c.text("name", in.Name, true, 300)
	c.text("description", in.Description, false, 5000)
	c.text("form", in.Form, true, 50)
	c.text("grade", in.Grade, false, 100)
	c.text("dimensions", in.Dimensions, false, 200)
	c.text("stock_uom", in.StockUOM, true, 20)
	c.text("pricing_uom", in.PricingUOM, true, 20)
	c.currency("currency", in.Currency)
	c.money("list_price", in.ListPrice, false)
	c.quantity("low_stock_level", in.LowStockLevel, false)
	if in.LeadTimeDays < 0 || in.LeadTimeDays > 3650 {
		c.add("lead_time_days", "Between 0 and 3650.")
	}
	for i, id := range in.CategoryExternalIDs {
		c.externalID(fmt.Sprintf("category_external_ids[%d]", i), id, true)
	}
	return c.fields
}

// Validate checks one inventory row.
func (in InventoryInput) Validate() []FieldError {
	var c checker
	c.externalID("product_external_id", in.ProductExternalID, true)
	c.externalID("location_external_id", in.LocationExternalID, true)
	c.quantity("quantity_on_hand", in.QuantityOnHand, false)
	// Available may go negative when the ERP oversells.
	if math.IsNaN(in.QuantityAvailable) || math.IsInf(in.QuantityAvailable, 0) || math.Abs(in.QuantityAvailable) >= 1e11 {
		c.add("quantity_available", "Out of range.")
	}
	return c.fields
}

var jobStatusCodes = []string{"queued", "in_progress", "staged", "completed", "shipped", "cancelled", "on_hold"}

// Validate checks one order row and its lines.
func (in BackOfficeOrderInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	c.text("order_number", in.OrderNumber, true, 50)
	c.text("po_number", in.PONumber, false, 100)
	if in.Status != "" && !ValidOrderStatus(in.Status) {
		c.add("status", "Unknown order status.")
	}
	c.oneOf("source", in.Source, "portal", "ecommerce", "internal", "edi")
	c.date("order_date", in.OrderDate, true)
	c.date("requested_date", in.RequestedDate, false)
	c.date("promised_date", in.PromisedDate, false)
	c.externalID("ship_to_external_id", in.ShipToExternalID, false)
	c.externalID("location_external_id", in.LocationExternalID, false)
	c.currency("currency", in.Currency)
	c.text("notes", in.Notes, false, 5000)
	if len(in.Lines) > 500 {
		c.add("lines", "At most 500 lines.")
	}
	seen := map[int]bool{}
	for i, l := range in.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		if l.LineNo <= 0 {
			c.add(p+"line_no", "Must be greater than zero.")
		} else if seen[l.LineNo] {
			c.add(p+"line_no", "Line %d appears twice.", l.LineNo)
		}
		seen[l.LineNo] = true
		c.externalID(p+"product_external_id", l.ProductExternalID, false)
		c.text(p+"description", l.Description, true, 1000)
		c.text(p+"uom", l.UOM, true, 20)
		c.quantity(p+"quantity", l.Quantity, true)
		c.money(p+"unit_price", l.UnitPrice, false)
		c.oneOf(p+"job_status", l.JobStatus, jobStatusCodes...)
	}
	return c.fields
}

// Validate checks one line status row.
func (in LineStatusInput) Validate() []FieldError {
	var c checker
	c.externalID("order_external_id", in.OrderExternalID, true)
	if in.LineNo <= 0 {
		c.add("line_no", "Must be greater than zero.")
	}
	if in.JobStatus == "" {
		c.add("job_status", "Required.")
	}
	c.oneOf("job_status", in.JobStatus, jobStatusCodes...)
	return c.fields
}

// Validate checks one shipment row.
func (in BackOfficeShipmentInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("order_external_id", in.OrderExternalID, true)
	c.text("shipment_number", in.ShipmentNumber, true, 50)
	if in.Status == "" {
		c.add("status", "Required.")
	} else if _, ok := ShipmentStatus(in.Status); !ok {
		c.add("status", "Unknown shipment status.")
	}
	c.text("carrier", in.Carrier, false, 100)
	c.oneOf("carrier_type", in.CarrierType, "parcel", "freight", "own_truck", "pickup")
	c.text("tracking_number", in.TrackingNumber, false, 100)
	c.text("tracking_url", in.TrackingURL, false, 2000)
	if u := in.TrackingURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		c.add("tracking_url", "Must be an http or https address.")
	}
	c.date("ship_date", in.ShipDate, false)
	c.date("estimated_delivery", in.EstimatedDelivery, false)
	c.text("signed_by", in.SignedBy, false, 200)
	seen := map[int]bool{}
	for i, l := range in.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		if l.LineNo <= 0 {
			c.add(p+"line_no", "Must be greater than zero.")
		} else if seen[l.LineNo] {
			c.add(p+"line_no", "Line %d appears twice.", l.LineNo)
		}
		seen[l.LineNo] = true
		c.quantity(p+"quantity", l.Quantity, true)
	}
	return c.fields
}

// Validate checks one invoice row.
func (in BackOfficeInvoiceInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	c.externalID("order_external_id", in.OrderExternalID, false)
	c.text("invoice_number", in.InvoiceNumber, true, 50)
	if in.Status == "" {
		c.add("status", "Required.")
	}
	c.oneOf("status", in.Status, "open", "partially_paid", "paid", "void")
	c.date("invoice_date", in.InvoiceDate, true)
	c.date("due_date", in.DueDate, true)
	c.currency("currency", in.Currency)
	c.money("amount_paid", in.AmountPaid, false)
	return c.fields
}

// Validate checks one payment row.
func (in BackOfficePaymentInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	c.externalID("invoice_external_id", in.InvoiceExternalID, false)
	c.text("reference", in.Reference, true, 100)
	if in.Method == "" {
		c.add("method", "Required.")
	}
	c.oneOf("method", in.Method, "check", "ach", "wire", "card", "cash", "credit", "other")
	if in.Status == "" {
		c.add("status", "Required.")
	}
	c.oneOf("status", in.Status, "pending", "succeeded", "failed", "refunded")
	c.currency("currency", in.Currency)
	if in.Amount <= 0 {
		c.add("amount", "Must be greater than zero.")
	}
	c.date("received_on", in.ReceivedOn, true)
	return c.fields
}

// AvailabilityDebounce is the window of inventory.availability_changed
// per product (spec 000 section 5, debounce_minutes): one event per product
// per window, sent when it closes, with the latest availability.
const AvailabilityDebounce = 5 * time.Minute

// Availability is a product's stock state of the
// inventory.availability_changed event.
func Availability(available, lowStockLevel float64) string {
	switch {
	case available <= 0:
		return "out_of_stock"
	case available <= lowStockLevel:
		return "low_stock"
	default:
		return "in_stock"
	}
}
