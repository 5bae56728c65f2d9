package portal

import "time"

// DocumentType is one of the ten document types of spec 000 section 4.
type DocumentType struct {
	Code          string
	Label         string
	RetentionDays int
	Entity        string // order, order_line, shipment, quote, customer
}

// DocumentTypes are the spec's documents_exposed, by code.
var DocumentTypes = map[string]DocumentType{
	"invoice":            {"invoice", "Invoice", 2555, "order"},
	"credit_memo":        {"credit_memo", "Credit Memo", 2555, "order"},
	"packing_slip":       {"packing_slip", "Packing Slip", 730, "shipment"},
	"bill_of_lading":     {"bill_of_lading", "Bill of Lading", 730, "shipment"},
	"mtr":                {"mtr", "Mill Test Report", 3650, "order_line"},
	"coc":                {"coc", "Certificate of Conformance", 3650, "order"},
	"quote_document":     {"quote_document", "Quote", 365, "quote"},
	"order_confirmation": {"order_confirmation", "Order Confirmation", 730, "order"},
	"statement":          {"statement", "Account Statement", 730, "customer"},
	"pod":                {"pod", "Proof of Delivery", 730, "shipment"},
}

// MaxDocumentBytes is the largest document the portal stores (25 MiB).
const MaxDocumentBytes = 25 << 20

// NewDocument is a document to store. Name is the file name of the spec's
// pattern (INV-{invoice_number}.pdf, MTR-{heat_number}.pdf, …), built by the
// caller; OrderLineIDs are the lines a mill test report covers.
type NewDocument struct {
	CustomerID   string
	Type         string
	Name         string
	OrderID      string
	InvoiceID    string
	ShipmentID   string
	HeatNumber   string
	OrderLineIDs []string
	ContentType  string
}

// Document is a stored document.
type Document struct {
	ID, CustomerID, Type, Name string
	OrderID, OrderNumber       string
	InvoiceID, ShipmentID      string
	HeatNumber                 string
	ObjectKey, ContentType     string
	SizeBytes                  int64
	SHA256                     string
	CreatedAt, ExpiresAt       time.Time
}

// DocumentFilter narrows a customer's documents list.
type DocumentFilter struct {
	Q        string   // order number or document name, case-insensitive substring
	Types    []string // document type codes; empty: all
	From, To time.Time
	OrderID  string
	Page     int // from 1
	PageSize int
}

// DocumentPage is one page of a documents list.
type DocumentPage struct {
	Items          []Document
	Total          int
	Page, PageSize int
}
