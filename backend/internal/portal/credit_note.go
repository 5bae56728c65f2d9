package portal

import (
	"context"
	"strconv"
	"time"
)

// Receipts and credit notes (spec 001 menu "Receipts", "Credit Notes").
//
// A receipt is a payment the account made that arrived: a payments row
// with status succeeded (or refunded since). Card payments made in the
// portal write that row when Stripe confirms them; the ERP pushes the
// others. There is no second receipt model.
//
// A credit note (credit memo) is what the distributor owes the customer
// back, issued by the ERP, optionally against an invoice; its remaining
// amount is the credit not yet applied.

// ReceiptStatuses are the payment statuses a receipt has.
var ReceiptStatuses = []string{"succeeded", "refunded"}

// Receipt is one receipt with the account it was received from.
type Receipt struct {
	Payment
	CompanyName   string
	AccountNumber string
}

// Credit note statuses.
const (
	CreditNoteOpen    = "open"
	CreditNoteApplied = "applied"
	CreditNoteVoid    = "void"
)

// CreditNote is one of the account's credit notes.
type CreditNote struct {
	ID            string
	Number        string
	InvoiceID     string
	InvoiceNumber string
	Status        string // open | applied | void
	IssueDate     time.Time
	Amount        Money
	Remaining     Money // credit still to apply; zero when applied or void
	Reason        string
}

// CreditNoteFilter selects the account's credit notes, newest first.
type CreditNoteFilter struct {
	Statuses []string
	From, To *time.Time // issue date, inclusive
	Page     int
	PageSize int
}

// Validate checks the filter and fills in the defaults.
func (f *CreditNoteFilter) Validate() error {
	var fields []FieldError
	for _, s := range f.Statuses {
		switch s {
		case CreditNoteOpen, CreditNoteApplied, CreditNoteVoid:
		default:
			fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(s) + "."})
		}
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		fields = append(fields, FieldError{Field: "to", Message: "The end date is before the start date."})
	}
	fields = append(fields, validatePage(&f.Page, &f.PageSize)...)
	return invalid(fields)
}

// CreditTotals is the credit still to apply, in one currency.
type CreditTotals struct {
	Currency  string
	Remaining int64
}

// LedgerService reads the account's receipts and credit notes. Scoped to
// the actor's customer: another customer's or tenant's id is ENOTFOUND,
// staff get EFORBIDDEN.
type LedgerService interface {
	// FindReceipts returns a page of receipts (payments received) and how
	// many match; f.Statuses, when empty, is ReceiptStatuses.
	FindReceipts(ctx context.Context, actor *User, f PaymentFilter) ([]Payment, int, error)
	// FindReceiptByID returns one receipt. Errors: ENOTFOUND.
	FindReceiptByID(ctx context.Context, actor *User, id string) (*Receipt, error)
	// FindCreditNotes returns a page of credit notes, how many match, and
	// the open credit of the whole account per currency.
	FindCreditNotes(ctx context.Context, actor *User, f CreditNoteFilter) ([]CreditNote, int, []CreditTotals, error)
	// FindCreditNoteByID returns one credit note. Errors: ENOTFOUND.
	FindCreditNoteByID(ctx context.Context, actor *User, id string) (*CreditNote, error)
}

// BackOfficeCreditNoteInput is a credit note of the ERP.
type BackOfficeCreditNoteInput struct {
	ExternalID         string
	CustomerExternalID string
	InvoiceExternalID  string // optional: an invoice of the same customer
	CreditNoteNumber   string
	Status             string // open | applied | void
	IssueDate          string
	Currency           string
	Amount             int64
	// Remaining is the credit still to apply; nil: all of it when open,
	// none when applied or void.
	Remaining *int64
	Reason    string
}

// RemainingOrDefault is Remaining, or its default for the status.
func (in BackOfficeCreditNoteInput) RemainingOrDefault() int64 {
	switch {
	case in.Remaining != nil:
		return *in.Remaining
	case in.Status == CreditNoteOpen:
		return in.Amount
	}
	return 0
}

// Validate checks one credit note row.
func (in BackOfficeCreditNoteInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	c.externalID("invoice_external_id", in.InvoiceExternalID, false)
	c.text("credit_note_number", in.CreditNoteNumber, true, 50)
	if in.Status == "" {
		c.add("status", "Required.")
	}
	c.oneOf("status", in.Status, CreditNoteOpen, CreditNoteApplied, CreditNoteVoid)
	c.date("issue_date", in.IssueDate, true)
	c.currency("currency", in.Currency)
	if in.Amount <= 0 {
		c.add("amount", "Must be greater than zero.")
	}
	if r := in.RemainingOrDefault(); r < 0 {
		c.add("remaining", "Must not be negative.")
	} else if r > in.Amount {
		c.add("remaining", "Cannot be more than the amount.")
	}
	c.text("reason", in.Reason, false, 500)
	return c.fields
}
