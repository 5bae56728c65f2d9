package portal

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Invoice statuses a customer filters by. Overdue is not stored: it is an
// open or partially paid invoice whose due date has passed.
const (
	InvoiceOpen          = "open"
	InvoicePartiallyPaid = "partially_paid"
	InvoicePaid          = "paid"
	InvoiceVoid          = "void"
	InvoiceOverdue       = "overdue"
)

// Invoice list sorts.
const (
	SortInvoiceDate   = "invoice_date"
	SortDueDate       = "due_date"
	SortInvoiceNumber = "invoice_number"
	SortAmountDue     = "amount_due"
)

// Invoice is one of the customer's invoices as the invoice list shows it.
type Invoice struct {
	ID            string
	InvoiceNumber string
	OrderID       string
	OrderNumber   string
	InvoiceDate   time.Time
	DueDate       time.Time
	Status        string // open | partially_paid | paid | void
	Overdue       bool   // open or partially paid and past its due date
	Total         Money
	AmountPaid    Money
	AmountDue     Money // zero for paid and void invoices
}

// InvoiceDetail is one invoice with the payments received against it.
type InvoiceDetail struct {
	Invoice
	Subtotal Money
	Tax      Money
	Payments []Payment // newest first
}

// InvoiceTotals are the amounts due of the customer's open invoices (all of
// them, not only the page), per currency.
type InvoiceTotals struct {
	Currency     string
	OpenCount    int
	OpenDue      int64
	OverdueCount int
	OverdueDue   int64
}

// InvoiceFilter selects and orders the customer's invoices. The zero
// value (after Validate) is every invoice, newest first, 20 a page.
type InvoiceFilter struct {
	Search   string     // invoice or order number, part of it
	Statuses []string   // open, partially_paid, paid, void, overdue; empty: all
	From, To *time.Time // invoice date range, inclusive
	// DueFrom, DueTo: due date range, inclusive.
	DueFrom, DueTo *time.Time
	Sort           string // one of the SortInvoice constants
	Desc           bool
	Page           int
	PageSize       int
}

// Validate checks the filter and fills in the defaults, naming the query
// parameter of every bad field.
func (f *InvoiceFilter) Validate() error {
	var fields []FieldError
	f.Search = strings.TrimSpace(f.Search)
	switch {
	case !utf8.ValidString(f.Search) || strings.ContainsRune(f.Search, 0):
		fields = append(fields, FieldError{Field: "q", Message: "Search for text: this has characters that are not."})
	case utf8.RuneCountInString(f.Search) > 100:
		fields = append(fields, FieldError{Field: "q", Message: "Search for at most 100 characters."})
	}
	for _, s := range f.Statuses {
		switch s {
		case InvoiceOpen, InvoicePartiallyPaid, InvoicePaid, InvoiceVoid, InvoiceOverdue:
		default:
			fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(s) + "."})
		}
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		fields = append(fields, FieldError{Field: "to", Message: "The end date is before the start date."})
	}
	if f.DueFrom != nil && f.DueTo != nil && f.DueTo.Before(*f.DueFrom) {
		fields = append(fields, FieldError{Field: "due_to", Message: "The end date is before the start date."})
	}
	switch f.Sort {
	case "":
		f.Sort, f.Desc = SortInvoiceDate, true
	case SortInvoiceDate, SortDueDate, SortInvoiceNumber, SortAmountDue:
	default:
		fields = append(fields, FieldError{Field: "sort", Message: "Sort by invoice_date, due_date, invoice_number or amount_due."})
	}
	fields = append(fields, validatePage(&f.Page, &f.PageSize)...)
	return invalid(fields)
}

// InvoiceService is what a customer's user reads of their account's
// invoices. Scoped to the actor's customer: another customer's or tenant's
// invoice is ENOTFOUND, staff get EFORBIDDEN.
type InvoiceService interface {
	// FindInvoices returns a page of the customer's invoices, how many
	// match, and the open and overdue totals of the whole account.
	// Errors: EINVALID (naming the query parameter).
	FindInvoices(ctx context.Context, actor *User, f InvoiceFilter) ([]Invoice, int, []InvoiceTotals, error)

	// FindInvoiceByID returns one invoice with its payments. Errors:
	// ENOTFOUND.
	FindInvoiceByID(ctx context.Context, actor *User, id string) (*InvoiceDetail, error)
}
