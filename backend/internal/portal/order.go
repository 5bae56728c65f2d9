package portal

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Money is an amount in minor units (cents) of an ISO 4217 currency; never
// a float (DESIGN.md §7).
type Money struct {
	Amount   int64
	Currency string
}

// OrderSummary is one row of the orders list and of the dashboard's
// orders in progress. Status is the customer-facing status (internal
// statuses stay in the server).
type OrderSummary struct {
	ID          string
	OrderNumber string
	PONumber    string
	OrderDate   time.Time // a date (UTC midnight)
	Status      Status
	LineCount   int
	Total       Money
	// InvoiceID is the order's latest non-void invoice, "" when none.
	InvoiceID string
}

// Order is an order as its customer sees it on the detail page.
type Order struct {
	OrderSummary
	RequestedDate     *time.Time
	EstimatedShipDate *time.Time
	// Timeline is the five steps of the progress timeline, each with the
	// time it was first reached (nil when not yet).
	Timeline        []TimelineEntry
	Lines           []OrderLine
	Subtotal        Money
	Processing      Money
	Freight         Money
	Tax             Money
	Shipments       []Shipment
	ShippingAddress *Address
	// Location is the distributor's site the order ships from (its phone
	// is the support card's "Call"); nil when the ERP named none.
	Location *Location
}

// TimelineEntry is one step of an order's progress.
type TimelineEntry struct {
	ID, Label, Icon string
	State           string // done | current | upcoming
	At              *time.Time
}

// OrderLine is one line of an order.
type OrderLine struct {
	ID              string
	LineNo          int
	ProductID       string // "" for a line without a catalogue product
	ProductCode     string
	Description     string
	Quantity        string // decimal as text, "12.5"; never a float
	UOM             string
	UnitPrice       Money
	Total           Money
	Status          Status // the job status
	ProcessingNotes string
	Dimensions      string
	Grade           string
	HeatNumber      string
	HasMTR          bool
}

// Shipment is a shipment of an order, with its tracking.
type Shipment struct {
	ID                string
	ShipmentNumber    string
	OrderID           string
	OrderNumber       string
	Status            Status
	Carrier           string
	CarrierType       string // parcel | freight | own_truck | pickup
	TrackingNumber    string // "" unless Status.ShowTracking
	TrackingURL       string // "" unless Status.ShowTracking
	ShipDate          *time.Time
	EstimatedDelivery *time.Time
	DeliveredAt       *time.Time
	Lines             []ShipmentLine
}

// ShipmentLine is an order line (or part of one) a shipment carries.
type ShipmentLine struct {
	LineNo      int
	Description string
	Quantity    string
	UOM         string
}

// Location is one of the distributor's sites.
type Location struct {
	Name, Phone, Email, City, Region string
}

// InvoiceSummary is one row of the dashboard's recent invoices.
type InvoiceSummary struct {
	ID            string
	InvoiceNumber string
	OrderID       string
	OrderNumber   string
	InvoiceDate   time.Time
	DueDate       time.Time
	Status        string // open | partially_paid | paid | void | overdue (an open invoice past due)
	Total         Money
	AmountDue     Money
}

// SalesRep is the customer's assigned sales rep.
type SalesRep struct {
	Name, Email, Phone string
}

// Credit levels of AccountSummary.CreditLevel: the colour of available
// credit on the dashboard.
const (
	CreditOK   = "ok"   // more than a quarter of the limit is available: green
	CreditLow  = "low"  // a quarter of the limit or less: amber
	CreditOver = "over" // nothing available, or no limit at all on terms: red
)

// AccountSummary is the dashboard's account card (spec 000
// account_summary, spec 001 dashboard metrics).
//
// OpenBalance is what the customer owes: the unpaid part of its open and
// partially paid invoices. AvailableCredit is CreditLimit less OpenBalance
// (it goes negative when the account is over its limit). TotalOrders
// counts every order the customer can see (drafts are not); LifetimeSales
// is the total of its non-void invoices.
type AccountSummary struct {
	AccountNumber   string
	CompanyName     string
	PaymentTerms    string
	Status          string // active | on_hold | pending | closed
	CreditLimit     Money
	AvailableCredit Money
	CreditLevel     string
	OpenBalance     Money
	TotalOrders     int
	LifetimeSales   Money
}

// CreditReviewWarning is shown when an order on account exceeds the
// available credit: it is placed all the same, for the distributor's
// review (spec 000, reorder credit_status).
const CreditReviewWarning = "Order total may exceed available credit. Our team will review."

// CreditLevelOf colours available credit against the limit.
func CreditLevelOf(available, limit int64) string {
	switch {
	case available <= 0:
		return CreditOver
	case available*4 <= limit:
		return CreditLow
	default:
		return CreditOK
	}
}

// Dashboard is everything the dashboard shows for the signed-in user.
type Dashboard struct {
	FirstName        string
	Summary          AccountSummary
	InProgressCount  int
	OrdersInProgress []OrderSummary   // newest first, at most 5
	RecentShipments  []Shipment       // newest first, at most 5 (without lines)
	RecentInvoices   []InvoiceSummary // newest first, at most 5
	SalesRep         *SalesRep        // nil when none is assigned
}

// Order list sorts.
const (
	SortOrderDate   = "order_date"
	SortStatus      = "status"
	SortTotal       = "total"
	SortOrderNumber = "order_number"
	SortPONumber    = "po_number"
)

// SearchCountLimit caps how many matches of a search are counted: a
// common word in a customer with 200,000 orders would otherwise be checked
// against every order and line to say "61,234". Below the cap a search's
// total is exact; at or above it, it is a lower bound (at least the cap, and
// at least every order up to the page shown), which the API says with
// total_is_lower_bound and the screen shows as "1,000+".
const SearchCountLimit = 1000

// PageSizes are the page sizes lists offer (spec 000 orders_table).
var PageSizes = []int{20, 50, 100}

// OrderFilter selects and orders a customer's orders. The zero value (after
// Validate) is the spec's default: not cancelled, ordered in the last 12
// months, newest first, 20 a page.
type OrderFilter struct {
	// Search finds the orders that have, for every word of it, a word
	// starting with it: the order number or PO number (whole or a part
	// between hyphens) or a word of a line description, case-insensitive.
	// It matches the start of words, not text inside one ("stain" finds
	// "stainless", "ainless" does not). See the postgres adapter for how
	// words are split.
	Search string
	// Statuses are customer-facing codes (Status.Code); empty means every
	// status but cancelled.
	Statuses []string
	From, To *time.Time // order date range, inclusive; both nil: 12 months before Now
	AllTime  bool       // no date range at all (the "All time" preset)
	Sort     string     // one of the Sort constants; default order_date
	Desc     bool       // descending; the default sort is descending
	Page     int        // from 1
	PageSize int        // one of PageSizes

	// Now is "today" for the default date range; set by the caller.
	Now time.Time
}

// Validate checks the filter and fills in the defaults, naming the query
// parameter of every bad field.
func (f *OrderFilter) Validate() error {
	var fields []FieldError
	f.Search = strings.TrimSpace(f.Search)
	switch {
	case !utf8.ValidString(f.Search) || strings.ContainsRune(f.Search, 0):
		fields = append(fields, FieldError{Field: "q", Message: "Search for text: this has characters that are not."})
	case utf8.RuneCountInString(f.Search) > 100:
		fields = append(fields, FieldError{Field: "q", Message: "Search for at most 100 characters."})
	}
	for _, c := range f.Statuses {
		if c != AwaitingApproval.Code && InternalOrderStatuses(c) == nil {
			fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(c) + "."})
		}
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		fields = append(fields, FieldError{Field: "to", Message: "The end date is before the start date."})
	}
	switch f.Sort {
	case "":
		f.Sort, f.Desc = SortOrderDate, true
	case SortOrderDate, SortStatus, SortTotal, SortOrderNumber, SortPONumber:
	default:
		fields = append(fields, FieldError{Field: "sort", Message: "Sort by order_date, status, total, order_number or po_number."})
	}
	fields = append(fields, validatePage(&f.Page, &f.PageSize)...)
	// The spec's default range applies only when no date is given: "to"
	// alone means everything up to that day.
	if f.From == nil && f.To == nil && !f.AllTime && f.Search == "" {
		from := f.Now.UTC().AddDate(-1, 0, 0).Truncate(24 * time.Hour)
		f.From = &from
	}
	return invalid(fields)
}

// validatePage defaults page to 1 and size to the first of PageSizes.
func validatePage(page, size *int) []FieldError {
	var fields []FieldError
	if *page == 0 {
		*page = 1
	}
	if *page < 1 || *page > 100_000 {
		fields = append(fields, FieldError{Field: "page", Message: "Pages count from 1."})
	}
	if *size == 0 {
		*size = PageSizes[0]
	}
	ok := false
	for _, s := range PageSizes {
		ok = ok || s == *size
	}
	if !ok {
		fields = append(fields, FieldError{Field: "page_size", Message: "Show 20, 50 or 100 a page."})
	}
	return fields
}

// ShipmentFilter pages through a customer's shipments, newest first.
type ShipmentFilter struct {
	// Statuses are customer-facing codes (Status.Code, e.g. "in_transit");
	// empty: all.
	Statuses []string
	Page     int
	PageSize int
}

// Validate checks the filter and fills in the defaults.
func (f *ShipmentFilter) Validate() error {
	var fields []FieldError
	for _, s := range f.Statuses {
		if InternalShipmentStatuses(s) == nil {
			fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(s) + "."})
		}
	}
	fields = append(fields, validatePage(&f.Page, &f.PageSize)...)
	return invalid(fields)
}

// AccountOverview is the account screen's company card, contacts,
// addresses, payment terms and credit status (spec 000 account_overview).
type AccountOverview struct {
	Company   Company
	Summary   AccountSummary
	Contacts  []Contact // the account's portal users that are not disabled
	Addresses []Address
	SalesRep  *SalesRep
}

// Contact is one of the customer account's people.
type Contact struct {
	Name, Email, Phone, Role string
}

// Payment is one entry of the account's payment history.
type Payment struct {
	ID            string
	Reference     string
	Method        string // check | ach | wire | card | cash | credit | other
	Status        string // pending | succeeded | failed | refunded
	Amount        Money
	ReceivedOn    time.Time
	InvoiceID     string
	InvoiceNumber string
}

// PaymentStatuses are the statuses of Payment.Status.
var PaymentStatuses = []string{"pending", "succeeded", "failed", "refunded"}

// PaymentFilter selects the account's payments, newest first.
type PaymentFilter struct {
	From, To *time.Time
	Statuses []string
	Page     int
	PageSize int
}

// Validate checks the filter and fills in the defaults.
func (f *PaymentFilter) Validate() error {
	var fields []FieldError
	for _, s := range f.Statuses {
		known := false
		for _, k := range PaymentStatuses {
			known = known || k == s
		}
		if !known {
			fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(s) + "."})
		}
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		fields = append(fields, FieldError{Field: "to", Message: "The end date is before the start date."})
	}
	fields = append(fields, validatePage(&f.Page, &f.PageSize)...)
	return invalid(fields)
}

// OrderService is what a customer's user reads of their account's orders,
// shipments and payments. Every method is scoped to the actor's customer:
// an id of another customer or tenant is ENOTFOUND, exactly like an id
// that does not exist, and staff (no customer) get EFORBIDDEN. Drafts are
// never returned.
type OrderService interface {
	// Dashboard returns the actor's dashboard.
	Dashboard(ctx context.Context, actor *User) (*Dashboard, error)

	// FindOrders returns a page of the customer's orders and how many match
	// in all; for a search (which matches the start of words, see
	// OrderFilter.Search), counted up to SearchCountLimit only (see there).
	// Errors: EINVALID (naming the query parameter).
	FindOrders(ctx context.Context, actor *User, f OrderFilter) ([]OrderSummary, int, error)

	// FindOrderByID returns one order with lines, timeline and shipments.
	// Errors: ENOTFOUND.
	FindOrderByID(ctx context.Context, actor *User, id string) (*Order, error)

	// FindShipments returns a page of the customer's shipments, newest
	// first, with their lines. Errors: EINVALID.
	FindShipments(ctx context.Context, actor *User, f ShipmentFilter) ([]Shipment, int, error)

	// FindShipmentByID returns one shipment with its lines. Errors:
	// ENOTFOUND.
	FindShipmentByID(ctx context.Context, actor *User, id string) (*Shipment, error)

	// AccountOverview returns the account screen's overview.
	AccountOverview(ctx context.Context, actor *User) (*AccountOverview, error)

	// FindPayments returns a page of the account's payment history.
	// Errors: EINVALID.
	FindPayments(ctx context.Context, actor *User, f PaymentFilter) ([]Payment, int, error)
}
