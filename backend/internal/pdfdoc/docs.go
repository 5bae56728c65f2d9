package pdfdoc

import "time"

// Brand is the tenant's branding printed on every document.
type Brand struct {
	Name string
	// Logo is a PNG or JPEG image; nil prints the name only.
	Logo []byte
	// Primary and Accent are #rrggbb colours; "" takes a neutral default.
	Primary, Accent       string
	Address, Phone, Email string
}

// Party is a customer or address block: a name and its address lines.
type Party struct {
	Name  string
	Lines []string
}

// Line is one line of a document's table.
type Line struct {
	ProductCode string
	Description string
	// Quantity is the decimal quantity as text (e.g. "12.5"), never a float.
	Quantity string
	Unit     string
	// Dimensions, Grade and Heat print under the description when set.
	Dimensions, Grade, Heat string
	UnitPrice               Money
	Total                   Money
}

// Totals are a document's money summary; Processing prints only when
// non-zero, AmountPaid/AmountDue only on invoices.
type Totals struct {
	Subtotal, Processing, Freight, Tax, Total Money
}

// InvoiceDoc is an invoice (spec 001).
type InvoiceDoc struct {
	Number, OrderNumber, PONumber string
	IssueDate, DueDate            time.Time
	PaymentTerms                  string
	Customer                      Party
	BillTo, ShipTo                Party
	Lines                         []Line
	Totals
	AmountPaid, AmountDue Money
	Notes                 string
}

// CreditMemoDoc is a credit memo against an invoice.
type CreditMemoDoc struct {
	Number, InvoiceNumber, PONumber string
	Date                            time.Time
	Reason                          string
	Customer, BillTo                Party
	Lines                           []Line
	Totals
}

// OrderDoc is an order confirmation.
type OrderDoc struct {
	Number, PONumber string
	OrderDate        time.Time
	RequestedDate    *time.Time
	PaymentTerms     string
	Customer         Party
	BillTo, ShipTo   Party
	Lines            []Line
	Totals
}

// PackingSlipDoc is a packing slip: lines and quantities, no prices.
type PackingSlipDoc struct {
	Number, OrderNumber, PONumber string
	ShipDate                      time.Time
	Carrier, TrackingNumber       string
	Customer, ShipTo              Party
	Lines                         []Line
}

// QuoteDoc is a quote.
type QuoteDoc struct {
	Number, PONumber string
	Date, ValidUntil time.Time
	PaymentTerms     string
	Customer         Party
	BillTo, ShipTo   Party
	Lines            []Line
	Totals
}

// StatementEntry is one movement of an account statement. Amount raises the
// balance when positive (invoices) and lowers it when negative (payments,
// credits).
type StatementEntry struct {
	Date      time.Time
	Kind      string // invoice | payment | credit
	Reference string
	DueDate   *time.Time
	Amount    Money
}

// StatementDoc is an account statement for a date range; the closing
// balance is Opening plus every entry, computed here.
type StatementDoc struct {
	AccountNumber string
	From, To      time.Time
	Customer      Party
	Opening       Money
	Entries       []StatementEntry
}
