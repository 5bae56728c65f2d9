package portal

import (
	"context"
	"io"
	"time"

	"example.com/portal/tenants"
)

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
	CreditNoteID string // credit_memo
	QuoteID      string // quote_document
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
	// LineIDs are the order lines a mill test report covers (lists only).
	LineIDs []string
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

// UploadTypes are the document types the ERP uploads through the
// back-office API; the portal generates the others.
var UploadTypes = []string{"mtr", "coc", "pod", "bill_of_lading"}

// DocumentUpload is a document the ERP uploads, naming what it belongs to
// by the ERP's own ids. The customer is the order's (or the shipment's).
type DocumentUpload struct {
	Type               string // one of UploadTypes
	OrderExternalID    string // mtr, coc: required; pod, bill_of_lading: taken from the shipment
	ShipmentExternalID string // pod, bill_of_lading: required
	HeatNumber         string // mtr: required
	// LineNos are the order lines an MTR covers; each must carry
	// HeatNumber. Empty: every line of the order that carries it.
	LineNos []int
	Number  string // bill_of_lading: the BOL number of the file name (default: the shipment number)
}

// DocumentService is what the portal's screens and the back-office API do
// with documents. Every read is scoped to the actor's customer: another
// customer's or another tenant's document is ENOTFOUND.
type DocumentService interface {
	// Documents lists the actor's customer's documents, newest first.
	// Errors: EINVALID naming the filter field.
	Documents(ctx context.Context, actor *User, f DocumentFilter) (*DocumentPage, error)
	// Open streams a document's content and records the download (via:
	// stream, link, zip, email). Errors: ENOTFOUND, EUNAVAILABLE.
	Open(ctx context.Context, actor *User, id, via string) (*Document, io.ReadCloser, error)
	// Link returns a presigned URL valid for at most five minutes and when
	// it expires, and records the download.
	Link(ctx context.Context, actor *User, id string, expiry time.Duration, attachment bool) (string, time.Time, error)
	// CheckZip resolves the ids of a zip before any byte is written;
	// WriteZip then streams it.
	CheckZip(ctx context.Context, actor *User, ids []string) ([]*Document, error)
	WriteZip(ctx context.Context, actor *User, docs []*Document, w io.Writer) error
	// Statement renders the actor's customer's account statement from
	// from to to (inclusive) as a PDF, and returns its file name.
	// Errors: EINVALID naming from or to.
	Statement(ctx context.Context, actor *User, from, to time.Time) (name string, pdf []byte, err error)
	// Upload stores an ERP document of the tenant of ctx (size bytes of
	// PDF). Errors: EINVALID naming the field, EUNPROCESSABLE for an
	// unknown order, shipment, line or heat, ETOOLARGE, EUNAVAILABLE.
	Upload(ctx context.Context, in DocumentUpload, body io.Reader, size int64) (*Document, error)
}

// GeneratedTypes are the document types the portal renders itself from
// its own data, once each becomes available (spec 000 section 4
// available_when); the statement is rendered on demand.
var GeneratedTypes = []string{"invoice", "credit_memo", "order_confirmation", "packing_slip", "quote_document"}

// DocumentSource is the data a generated document prints.
type DocumentSource struct {
	Type       string // one of GeneratedTypes
	Name       string // file name of the spec's pattern
	Customer   DocumentCustomer
	Order      *Order
	Invoice    *InvoiceDetail // invoice
	CreditNote *CreditNote    // credit_memo
	Shipment   *Shipment      // packing_slip
	Quote      *Quote         // quote_document
	Statement  *Statement     // statement
}

// Statement is a customer's account statement for a date range (spec 000
// section 4, rendered on demand): the balance before From, and every
// invoice (raising it) and received payment (lowering it) in the range,
// in the customer's currency.
type Statement struct {
	From, To time.Time // dates, To inclusive
	Opening  Money
	Entries  []StatementEntry
}

// StatementEntry is one movement of a statement.
type StatementEntry struct {
	Date      time.Time
	Kind      string // invoice | payment
	Reference string
	DueDate   *time.Time
	Amount    Money // positive for invoices, negative for payments
}

// DocumentCustomer is the customer block of a generated document.
type DocumentCustomer struct {
	ID, Name, AccountNumber, PaymentTerms string
}

// DocumentRenderer renders generated documents as PDF, branded with the
// tenant's logo and colours.
type DocumentRenderer interface {
	Render(w io.Writer, t *tenants.Tenant, src *DocumentSource) error
}

// DocumentMailer sends a document, attached, from a customer user.
type DocumentMailer interface {
	SendDocument(ctx context.Context, t *tenants.Tenant, baseURL string, sender User, company string,
		to []string, d Document, content []byte, note string) error
}

// MaxEmailedDocumentBytes is the largest document the portal attaches to an
// e-mail (10 MiB: what mail servers commonly take once encoded).
const MaxEmailedDocumentBytes = 10 << 20
