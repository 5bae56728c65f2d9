package postgres

import (
	"time"

	"github.com/uptrace/bun"
)

// The bun models of the core tables (migrations/*_core.tx.up.sql), one struct
// per table with every column, so that reads and writes share one mapping.
//
// Conventions, chosen so that a struct round-trips without surprises:
//   - ids are strings (type:uuid); nullable references and external ids are
//     strings tagged nullzero, so "" is written as NULL and NULL reads as "";
//   - money is int64 minor units, quantities and weights are decimal strings
//     (numeric columns), never floats;
//   - date columns are time.Time at midnight UTC (type:date);
//   - created_at / updated_at default to now() when zero.
//
// Every model's first primary-key column is tenant_id (DESIGN §3).

// NumberCounterRow is a per-tenant, per-period number sequence.
type NumberCounterRow struct {
	bun.BaseModel `bun:"table:number_counters,alias:nc"`

	TenantID  string `bun:"tenant_id,pk,type:uuid"`
	Kind      string `bun:"kind,pk"`
	Period    int    `bun:"period,pk"`
	LastValue int64  `bun:"last_value,notnull"`
}

// SalesRepRow is a tenant's sales representative.
type SalesRepRow struct {
	bun.BaseModel `bun:"table:sales_reps,alias:sr"`

	TenantID   string `bun:"tenant_id,pk,type:uuid"`
	ID         string `bun:"id,pk,type:uuid"`
	Name       string `bun:"name,notnull"`
	Email      string `bun:"email,notnull"`
	Phone      string `bun:"phone,notnull"`
	ExternalID string `bun:"external_id,nullzero"`
}

// LocationRow is one of the distributor's sites.
type LocationRow struct {
	bun.BaseModel `bun:"table:locations,alias:loc"`

	TenantID   string `bun:"tenant_id,pk,type:uuid"`
	ID         string `bun:"id,pk,type:uuid"`
	Code       string `bun:"code,notnull"`
	Name       string `bun:"name,notnull"`
	Phone      string `bun:"phone,notnull"`
	Email      string `bun:"email,notnull"`
	Line1      string `bun:"line1,notnull"`
	City       string `bun:"city,notnull"`
	Region     string `bun:"region,notnull"`
	PostalCode string `bun:"postal_code,notnull"`
	Country    string `bun:"country,notnull"`
	TimeZone   string `bun:"time_zone,notnull"`
}

// CustomerRow is a customer account.
type CustomerRow struct {
	bun.BaseModel `bun:"table:customers,alias:c"`

	TenantID         string    `bun:"tenant_id,pk,type:uuid"`
	ID               string    `bun:"id,pk,type:uuid"`
	AccountNumber    string    `bun:"account_number,notnull"`
	CompanyName      string    `bun:"company_name,notnull"`
	Type             string    `bun:"type,notnull"`
	Status           string    `bun:"status,notnull"`
	PaymentTerms     string    `bun:"payment_terms,notnull"`
	Currency         string    `bun:"currency,notnull"`
	CreditLimitMinor int64     `bun:"credit_limit_minor,notnull"`
	PORequired       bool      `bun:"po_required,notnull"`
	TaxExempt        bool      `bun:"tax_exempt,notnull"`
	ProductsDisplay  string    `bun:"products_display,notnull"`
	SalesRepID       string    `bun:"sales_rep_id,type:uuid,nullzero"`
	Phone            string    `bun:"phone,notnull"`
	Email            string    `bun:"email,notnull"`
	ExternalID       string    `bun:"external_id,nullzero"`
	CreatedAt        time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt        time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// UserRow is someone who signs in: a customer's user, or (CustomerID "")
// one of the tenant's staff.
type UserRow struct {
	bun.BaseModel `bun:"table:users,alias:cu"`

	TenantID     string    `bun:"tenant_id,pk,type:uuid"`
	ID           string    `bun:"id,pk,type:uuid"`
	CustomerID   string    `bun:"customer_id,type:uuid,nullzero"`
	Email        string    `bun:"email,notnull"`
	Name         string    `bun:"name,notnull"`
	Phone        string    `bun:"phone,notnull"`
	Role         string    `bun:"role,notnull"`
	Status       string    `bun:"status,notnull"`
	PasswordHash string    `bun:"password_hash,notnull"` // PHC argon2id; "" for SSO-only users
	MFAEnabled   bool      `bun:"mfa_enabled,notnull"`
	CreatedAt    time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt    time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// AddressRow is a customer's billing or shipping address.
type AddressRow struct {
	bun.BaseModel `bun:"table:addresses,alias:a"`

	TenantID   string `bun:"tenant_id,pk,type:uuid"`
	ID         string `bun:"id,pk,type:uuid"`
	CustomerID string `bun:"customer_id,type:uuid,notnull"`
	Kind       string `bun:"kind,notnull"`
	Label      string `bun:"label,notnull"`
	Line1      string `bun:"line1,notnull"`
	Line2      string `bun:"line2,notnull"`
	City       string `bun:"city,notnull"`
	Region     string `bun:"region,notnull"`
	PostalCode string `bun:"postal_code,notnull"`
	Country    string `bun:"country,notnull"`
	IsDefault  bool   `bun:"is_default,notnull"`
}

// ProductCategoryRow is a product category.
type ProductCategoryRow struct {
	bun.BaseModel `bun:"table:product_categories,alias:pc"`

	TenantID string `bun:"tenant_id,pk,type:uuid"`
	ID       string `bun:"id,pk,type:uuid"`
	Slug     string `bun:"slug,notnull"`
	Name     string `bun:"name,notnull"`
	ParentID string `bun:"parent_id,type:uuid,nullzero"`
}

// ProductRow is a catalog item.
type ProductRow struct {
	bun.BaseModel `bun:"table:products,alias:p"`

	TenantID        string             `bun:"tenant_id,pk,type:uuid"`
	ID              string             `bun:"id,pk,type:uuid"`
	Code            string             `bun:"code,notnull"`
	Name            string             `bun:"name,notnull"`
	Description     string             `bun:"description,notnull"`
	Form            string             `bun:"form,notnull"`
	Grade           string             `bun:"grade,notnull"`
	Dimensions      string             `bun:"dimensions,notnull"`
	DimensionValues map[string]float64 `bun:"dimension_values,type:jsonb,notnull"`
	StockUOM        string             `bun:"stock_uom,notnull"`
	PricingUOM      string             `bun:"pricing_uom,notnull"`
	WeightPerUnit   string             `bun:"weight_per_unit,type:numeric,nullzero"` // lb per stock unit
	Currency        string             `bun:"currency,notnull"`
	ListPriceMinor  int64              `bun:"list_price_minor,notnull"`
	Active          bool               `bun:"active,notnull"`
	ExternalID      string             `bun:"external_id,nullzero"`
	CreatedAt       time.Time          `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt       time.Time          `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// ProductCategoryLinkRow puts a product in a category.
type ProductCategoryLinkRow struct {
	bun.BaseModel `bun:"table:product_category_links,alias:pcl"`

	TenantID   string `bun:"tenant_id,pk,type:uuid"`
	ProductID  string `bun:"product_id,pk,type:uuid"`
	CategoryID string `bun:"category_id,pk,type:uuid"`
}

// OrderRow is a sales order.
type OrderRow struct {
	bun.BaseModel `bun:"table:orders,alias:o"`

	TenantID      string    `bun:"tenant_id,pk,type:uuid"`
	ID            string    `bun:"id,pk,type:uuid"`
	CustomerID    string    `bun:"customer_id,type:uuid,notnull"`
	OrderNumber   string    `bun:"order_number,notnull"`
	PONumber      string    `bun:"po_number,notnull"`
	Status        string    `bun:"status,notnull"`
	OrderDate     time.Time `bun:"order_date,type:date,notnull"`
	RequestedDate time.Time `bun:"requested_date,type:date,nullzero"`
	PromisedDate  time.Time `bun:"promised_date,type:date,nullzero"`
	PlacedByID    string    `bun:"placed_by_id,type:uuid,nullzero"`
	ShipToID      string    `bun:"ship_to_id,type:uuid,nullzero"`
	LocationID    string    `bun:"location_id,type:uuid,nullzero"`
	Currency      string    `bun:"currency,notnull"`
	SubtotalMinor int64     `bun:"subtotal_minor,notnull"`
	TaxMinor      int64     `bun:"tax_minor,notnull"`
	FreightMinor  int64     `bun:"freight_minor,notnull"`
	TotalMinor    int64     `bun:"total_minor,notnull"`
	COCRequired   bool      `bun:"coc_required,notnull"`
	Notes         string    `bun:"notes,notnull"`
	ExternalID    string    `bun:"external_id,nullzero"`
	CreatedAt     time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt     time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// OrderLineRow is a line of an order.
type OrderLineRow struct {
	bun.BaseModel `bun:"table:order_lines,alias:ol"`

	TenantID        string `bun:"tenant_id,pk,type:uuid"`
	ID              string `bun:"id,pk,type:uuid"`
	OrderID         string `bun:"order_id,type:uuid,notnull"`
	LineNo          int    `bun:"line_no,notnull"`
	ProductID       string `bun:"product_id,type:uuid,nullzero"`
	Description     string `bun:"description,notnull"`
	Grade           string `bun:"grade,notnull"`
	Dimensions      string `bun:"dimensions,notnull"`
	Quantity        string `bun:"quantity,type:numeric,notnull"`
	UOM             string `bun:"uom,notnull"`
	UnitPriceMinor  int64  `bun:"unit_price_minor,notnull"`
	LineTotalMinor  int64  `bun:"line_total_minor,notnull"`
	JobStatus       string `bun:"job_status,notnull"`
	ProcessingNotes string `bun:"processing_notes,notnull"`
	HeatNumber      string `bun:"heat_number,notnull"`
	HasMTR          bool   `bun:"has_mtr,notnull"`
}

// OrderStatusChangeRow is one entry of an order's status history.
type OrderStatusChangeRow struct {
	bun.BaseModel `bun:"table:order_status_history,alias:osh"`

	TenantID  string    `bun:"tenant_id,pk,type:uuid"`
	ID        string    `bun:"id,pk,type:uuid"`
	OrderID   string    `bun:"order_id,type:uuid,notnull"`
	Status    string    `bun:"status,notnull"`
	ChangedAt time.Time `bun:"changed_at,notnull"`
	Note      string    `bun:"note,notnull"`
}

// ShipmentRow is a shipment of (part of) an order.
type ShipmentRow struct {
	bun.BaseModel `bun:"table:shipments,alias:s"`

	TenantID          string    `bun:"tenant_id,pk,type:uuid"`
	ID                string    `bun:"id,pk,type:uuid"`
	CustomerID        string    `bun:"customer_id,type:uuid,notnull"`
	OrderID           string    `bun:"order_id,type:uuid,notnull"`
	ShipmentNumber    string    `bun:"shipment_number,notnull"`
	Status            string    `bun:"status,notnull"`
	Carrier           string    `bun:"carrier,notnull"`
	CarrierType       string    `bun:"carrier_type,notnull"`
	TrackingNumber    string    `bun:"tracking_number,notnull"`
	TrackingURL       string    `bun:"tracking_url,notnull"`
	ShipDate          time.Time `bun:"ship_date,type:date,nullzero"`
	EstimatedDelivery time.Time `bun:"estimated_delivery,type:date,nullzero"`
	DeliveredAt       time.Time `bun:"delivered_at,nullzero"`
	PODAvailable      bool      `bun:"pod_available,notnull"`
	ExternalID        string    `bun:"external_id,nullzero"`
	CreatedAt         time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt         time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// ShipmentLineRow is the quantity of an order line in a shipment.
type ShipmentLineRow struct {
	bun.BaseModel `bun:"table:shipment_lines,alias:sl"`

	TenantID    string `bun:"tenant_id,pk,type:uuid"`
	ShipmentID  string `bun:"shipment_id,pk,type:uuid"`
	OrderID     string `bun:"order_id,type:uuid,notnull"`
	OrderLineID string `bun:"order_line_id,pk,type:uuid"`
	Quantity    string `bun:"quantity,type:numeric,notnull"`
}

// InvoiceRow is an invoice; "overdue" is an open one past its due date.
type InvoiceRow struct {
	bun.BaseModel `bun:"table:invoices,alias:inv"`

	TenantID        string    `bun:"tenant_id,pk,type:uuid"`
	ID              string    `bun:"id,pk,type:uuid"`
	CustomerID      string    `bun:"customer_id,type:uuid,notnull"`
	OrderID         string    `bun:"order_id,type:uuid,nullzero"`
	InvoiceNumber   string    `bun:"invoice_number,notnull"`
	Status          string    `bun:"status,notnull"`
	InvoiceDate     time.Time `bun:"invoice_date,type:date,notnull"`
	DueDate         time.Time `bun:"due_date,type:date,notnull"`
	Currency        string    `bun:"currency,notnull"`
	SubtotalMinor   int64     `bun:"subtotal_minor,notnull"`
	TaxMinor        int64     `bun:"tax_minor,notnull"`
	TotalMinor      int64     `bun:"total_minor,notnull"`
	AmountPaidMinor int64     `bun:"amount_paid_minor,notnull"`
	ExternalID      string    `bun:"external_id,nullzero"`
	CreatedAt       time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt       time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}
