package api

// Receipts and credit notes of the customer's account (every customer
// role reads them):
//
//   - GET PathReceipts (query from, to (received date, YYYY-MM-DD),
//     status (succeeded, refunded), page, page_size) → PaymentList of the
//     payments received, newest first; GET PathReceipts/{id} → Receipt
//   - GET PathCreditNotes (query status (open, applied, void), from, to
//     (issue date), page, page_size) → CreditNoteList; GET
//     PathCreditNotes/{id} → CreditNote
//
// Another customer's id answers 404. Amounts are integer minor units.
const (
	PathReceipts    = "/api/v1/receipts"
	PathCreditNotes = "/api/v1/credit-notes"
	// PathBackOfficeCreditNotes: PUT a batch of BackOfficeCreditNote.
	PathBackOfficeCreditNotes = PathBackOffice + "/credit-notes"

	PageReceipts    = "/portal/receipts"
	PageCreditNotes = "/portal/credit-notes"
)

// Receipt is one payment received, with the account it came from.
type Receipt struct {
	Payment
	CompanyName   string `json:"company_name"`
	AccountNumber string `json:"account_number,omitempty"`
}

// CreditNote is one credit note (credit memo).
type CreditNote struct {
	ID            string `json:"id"`
	Number        string `json:"credit_note_number"`
	InvoiceID     string `json:"invoice_id,omitempty"`
	InvoiceNumber string `json:"invoice_number,omitempty"`
	Status        string `json:"status"` // open | applied | void
	IssueDate     Date   `json:"issue_date"`
	Amount        Money  `json:"amount"`
	Remaining     Money  `json:"remaining"` // credit still to apply
	Reason        string `json:"reason,omitempty"`
}

// CreditNoteList is a page of credit notes; Available is the account's
// open credit per currency (whatever the filter).
type CreditNoteList struct {
	CreditNotes []CreditNote `json:"credit_notes"`
	Total       int          `json:"total"`
	Page        int          `json:"page"`
	PageSize    int          `json:"page_size"`
	TotalPages  int          `json:"total_pages"`
	Available   []Money      `json:"available"`
}

// BackOfficeCreditNote is a credit note the ERP issued; money in minor
// units. Remaining, when omitted, is the whole amount for an open note
// and nothing for an applied or void one.
type BackOfficeCreditNote struct {
	ExternalID         string `json:"external_id"`
	CustomerExternalID string `json:"customer_external_id"`
	InvoiceExternalID  string `json:"invoice_external_id,omitempty"`
	CreditNoteNumber   string `json:"credit_note_number"`
	Status             string `json:"status"` // open | applied | void
	IssueDate          Date   `json:"issue_date"`
	Currency           string `json:"currency,omitempty"`
	Amount             int64  `json:"amount"`
	Remaining          *int64 `json:"remaining,omitempty"`
	Reason             string `json:"reason,omitempty"`
}
