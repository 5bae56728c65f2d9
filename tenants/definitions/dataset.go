package definitions

import (
	"fmt"
	"time"
)

// Dataset is a tenant's expanded demo data: one slice per table, rows as
// plain values (no database types), in an order that satisfies foreign keys
// when inserted front to back. Ids are deterministic (see DemoData), so
// loading a Dataset twice updates the same rows.
//
// Dates (order, due, ship dates) are time.Time at midnight UTC carrying the
// calendar date in the tenant's time zone; a zero Time means "no date".
// Money is int64 minor units in Currency.
type Dataset struct {
	Slug     string
	Currency string
	// Password is the demo password every demo user signs in with, in plain
	// text until the loader hashes it; never log a Dataset.
	Password string

	SalesReps         []SalesRep
	Locations         []Location
	Customers         []Customer
	Users             []User
	Addresses         []Address
	Categories        []Category // parents before children
	Products          []Product
	ProductCategories []ProductCategory
	Orders            []Order
	OrderLines        []OrderLine
	StatusHistory     []StatusChange
	Shipments         []Shipment
	ShipmentLines     []ShipmentLine
	Invoices          []Invoice
	Counters          []Counter
	// Shop (issue 8): customer pricing and processing options.
	Pricing DemoPricing
}

// SalesRep is a distributor's sales representative.
type SalesRep struct {
	ID, Name, Email, Phone, ExternalID string
}

// Location is one of the distributor's own sites (warehouse, branch).
type Location struct {
	ID, Code, Name, Phone, Email    string
	Line1, City, Region, PostalCode string
	Country, TimeZone               string
}

// Customer is a customer account (a business or an individual).
type Customer struct {
	ID, AccountNumber, CompanyName string
	Type                           string // business | individual
	Status                         string // pending | active | on_hold | closed
	PaymentTerms                   string // NET30, NET60, COD, PREPAID...
	Currency                       string
	CreditLimit                    int64
	PORequired                     bool
	ProductsDisplay                string // standard_and_exclusive | exclusive_only
	SalesRepID                     string // "" for none
	Phone, Email, ExternalID       string
	TaxExempt                      bool // customers.tax_exempt: no estimated tax; decides the demo orders' tax
}

// User is someone who signs in to the portal: a customer's user, or (with
// CustomerID "") one of the tenant's staff; a sales_rep staff user is the
// SalesRep with the same e-mail address.
type User struct {
	ID, CustomerID, Email, Name, Phone string
	Role                               string // admin | buyer | viewer | finance; staff: tenant_admin | sales_rep
	Status                             string // invited | active | disabled
	Password                           string // plain text until hashed
	MFAEnabled                         bool
}

// Address is a customer's billing or shipping address.
type Address struct {
	ID, CustomerID, Kind, Label            string
	Line1, Line2, City, Region, PostalCode string
	Country                                string
	IsDefault                              bool
}

// Category is a product category; ParentID is "" for a top-level one.
type Category struct {
	ID, Slug, Name, ParentID string
}

// Product is one sellable item of the catalog.
type Product struct {
	ID, Code, Name, Description string
	Form, Grade, Dimensions     string
	// DimensionValues are the dimensions as numbers, in inches (lengths
	// included) except "schedule" and "weight_per_ft" (lb/ft).
	DimensionValues      map[string]float64
	StockUOM, PricingUOM string
	WeightPerUnit        Milli // lb per stock unit
	Currency             string
	ListPrice            int64 // per pricing unit
	Active               bool
	ExternalID           string
	Material             string // category slug of the material, e.g. "stainless-steel"
}

// ProductCategory links a product to a category.
type ProductCategory struct {
	ProductID, CategoryID string
}

// Order is a sales order with its totals: Subtotal is the sum of its lines'
// totals and Total = Subtotal + Tax + Freight.
type Order struct {
	ID, CustomerID, Number, PONumber string
	Status                           string // internal order status of spec §3
	OrderDate, RequestedDate         time.Time
	PromisedDate                     time.Time
	PlacedByID, ShipToID, LocationID string
	Currency                         string
	Subtotal, Tax, Freight, Total    int64
	COCRequired                      bool
	Notes, ExternalID                string
	CreatedAt, UpdatedAt             time.Time
}

// OrderLine is one line of an order; LineTotal = Quantity × UnitPrice,
// rounded half up to the minor unit.
type OrderLine struct {
	ID, OrderID                   string
	LineNo                        int
	ProductID                     string
	Description, Grade, Dimension string
	Quantity                      Milli
	UOM                           string
	UnitPrice, LineTotal          int64
	JobStatus                     string // line (job) status of spec §3
	ProcessingNotes, HeatNumber   string
	HasMTR                        bool
}

// StatusChange is one entry of an order's status history.
type StatusChange struct {
	ID, OrderID, Status string
	ChangedAt           time.Time
	Note                string
}

// Shipment is one shipment of (part of) an order.
type Shipment struct {
	ID, CustomerID, OrderID     string // the customer is the order's
	Number, Status              string
	Carrier, CarrierType        string // carrier_type: parcel | freight
	TrackingNumber, TrackingURL string
	ShipDate, EstimatedDelivery time.Time
	DeliveredAt                 time.Time
	PODAvailable                bool
	ExternalID                  string
	CreatedAt, UpdatedAt        time.Time
}

// ShipmentLine is the quantity of an order line in a shipment.
type ShipmentLine struct {
	ShipmentID, OrderID, OrderLineID string
	Quantity                         Milli
}

// Invoice is an invoice; "overdue" is not a status but an open invoice whose
// due date has passed. Subtotal + Tax = Total (freight is in the subtotal).
type Invoice struct {
	ID, CustomerID, OrderID, Number  string
	Status                           string // open | partially_paid | paid | void
	InvoiceDate, DueDate             time.Time
	Currency                         string
	Subtotal, Tax, Total, AmountPaid int64
	ExternalID                       string
	CreatedAt, UpdatedAt             time.Time
}

// Counter is a per-tenant number sequence: the last number handed out for
// Kind ("order", "shipment", "invoice") in Period (the year).
type Counter struct {
	Kind      string
	Period    int
	LastValue int64
}

// Milli is a decimal quantity in thousandths (12.5 is Milli(12500)), so that
// quantities, weights and the totals computed from them stay exact.
type Milli int64

// String formats m with three decimals, as numeric(14,3) columns take it.
func (m Milli) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%03d", sign, v/1000, v%1000)
}

// Times returns m × price (minor units per whole unit), rounded half up.
func (m Milli) Times(price int64) int64 {
	return (int64(m)*price + 500) / 1000
}

// SignIn is one demo user's sign-in, for the operator to hand out.
type SignIn struct {
	Email, Role, Password string
	Customer              string // company name and account number
}

// SignIns lists every demo user's sign-in, customer by customer, in the
// order of the definition.
func (d *Dataset) SignIns() []SignIn {
	names := map[string]string{}
	for _, c := range d.Customers {
		names[c.ID] = c.CompanyName + " (" + c.AccountNumber + ")"
	}
	out := make([]SignIn, 0, len(d.Users))
	for _, u := range d.Users {
		customer := names[u.CustomerID]
		if u.CustomerID == "" {
			customer = "staff"
		}
		out = append(out, SignIn{Email: u.Email, Role: u.Role, Password: u.Password, Customer: customer})
	}
	return out
}
