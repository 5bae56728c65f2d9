package api

// PathInvoices: GET lists the customer's invoices (query: status (repeatable
// or comma separated: open, partially_paid, paid, void, overdue), from, to
// (invoice date, YYYY-MM-DD), due_from, due_to (due date), q (invoice or
// order number), sort
// (invoice_date, due_date, invoice_number, amount_due), dir (asc, desc),
// page, page_size) → InvoiceList. GET PathInvoices/{id} → InvoiceDetail.
// Amounts are integer minor units with their currency.
const PathInvoices = "/api/v1/invoices"

// Invoice is one row of the invoice list.
type Invoice struct {
	ID            string `json:"id"`
	InvoiceNumber string `json:"invoice_number"`
	OrderID       string `json:"order_id,omitempty"`
	OrderNumber   string `json:"order_number,omitempty"`
	InvoiceDate   Date   `json:"invoice_date"`
	DueDate       Date   `json:"due_date"`
	Status        string `json:"status"`  // open | partially_paid | paid | void
	Overdue       bool   `json:"overdue"` // unpaid and past its due date
	Total         Money  `json:"total"`
	AmountPaid    Money  `json:"amount_paid"`
	AmountDue     Money  `json:"amount_due"`
}

// InvoiceTotals are the account's open and overdue amounts in one currency.
type InvoiceTotals struct {
	Currency     string `json:"currency"`
	OpenCount    int    `json:"open_count"`
	OpenDue      int64  `json:"open_due"`
	OverdueCount int    `json:"overdue_count"`
	OverdueDue   int64  `json:"overdue_due"`
}

// InvoiceList is a page of the customer's invoices. CanPay says whether the
// user may pay invoices by card (the Pay buttons).
type InvoiceList struct {
	Invoices   []Invoice       `json:"invoices"`
	Total      int             `json:"total"`
	Page       int             `json:"page"`
	PageSize   int             `json:"page_size"`
	TotalPages int             `json:"total_pages"`
	Summary    []InvoiceTotals `json:"summary"`
	CanPay     bool            `json:"can_pay"`
}

// InvoiceDetail is one invoice with the payments received against it.
type InvoiceDetail struct {
	Invoice
	Subtotal Money     `json:"subtotal"`
	Tax      Money     `json:"tax"`
	Payments []Payment `json:"payments"`
	CanPay   bool      `json:"can_pay"`
}
