package portal

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/portal/tenants"
)

// The quote workflow of spec 000 (request_quote, quote statuses of section
// 3): a customer user builds a request (auto-saved as a draft), submits
// it; the tenant's staff review it, price every line and send it; the
// customer accepts it into an order or declines it, or it expires.

// Quote statuses (spec 000 section 3, internal).
const (
	QuoteDraft       = "draft"
	QuoteSubmitted   = "submitted"
	QuoteUnderReview = "under_review"
	QuoteQuoted      = "quoted"
	QuoteAccepted    = "accepted"
	QuoteExpired     = "expired"
	QuoteDeclined    = "declined"
)

// QuoteTypes are the request types of the flow's first step.
var QuoteTypes = []string{"stock_items", "custom_processing", "bulk_order"}

// Limits of a quote request (spec 000 quote_builder_screen, draft_save).
const (
	MaxQuoteDrafts            = 5
	MaxQuoteInstructions      = 1000
	QuoteDraftAutoSaveSeconds = 30
	// DefaultQuoteValidityDays is the validity staff start from.
	DefaultQuoteValidityDays = 30
)

// QuoteLineInput is one line of a quote request from the portal.
type QuoteLineInput struct {
	ProductID  string
	Quantity   string
	UOM        string
	Processing string // processing requirements, free text

	quantityMilli int64
}

// QuantityMilli is the validated quantity in thousandths.
func (l *QuoteLineInput) QuantityMilli() int64 { return l.quantityMilli }

// QuoteInput is a portal quote request, as a draft or to submit.
type QuoteInput struct {
	Type                string
	NeededByDate        string // YYYY-MM-DD or ""
	SpecialInstructions string
	Lines               []QuoteLineInput
	// Now is the moment of the request; the needed-by date must be after
	// its day. Set by the service.
	Now time.Time
}

// Validate checks the request; submit is true for a submission, which
// needs at least one line (a draft may be empty). Fields are named as in
// the request body.
func (in *QuoteInput) Validate(submit bool) error {
	var fields []FieldError
	if in.Type == "" {
		in.Type = QuoteTypes[0]
	}
	if !slices.Contains(QuoteTypes, in.Type) {
		fields = append(fields, FieldError{Field: "type", Message: "Choose stock_items, custom_processing or bulk_order."})
	}
	if in.NeededByDate != "" {
		d, err := time.Parse(time.DateOnly, in.NeededByDate)
		tomorrow := in.Now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
		if err != nil {
			fields = append(fields, FieldError{Field: "needed_by_date", Message: "Give a date as YYYY-MM-DD."})
		} else if d.Before(tomorrow) {
			fields = append(fields, FieldError{Field: "needed_by_date", Message: "Choose tomorrow or a later date."})
		}
	}
	if !utf8.ValidString(in.SpecialInstructions) || utf8.RuneCountInString(in.SpecialInstructions) > MaxQuoteInstructions {
		fields = append(fields, FieldError{Field: "special_instructions", Message: "Keep the instructions to 1,000 characters."})
	}
	if len(in.Lines) > MaxCartItems || submit && len(in.Lines) == 0 {
		fields = append(fields, FieldError{Field: "lines", Message: "Add 1 to 200 items."})
	}
	for i := range in.Lines {
		l := &in.Lines[i]
		at := "lines[" + strconv.Itoa(i) + "]."
		if !ValidUUID(l.ProductID) {
			fields = append(fields, FieldError{Field: at + "product_id", Message: "Choose a product."})
		}
		var ok bool
		if l.quantityMilli, ok = ParseQuantity(l.Quantity); !ok {
			fields = append(fields, FieldError{Field: at + "quantity", Message: "Give a quantity greater than 0, with at most 3 decimals."})
		}
		l.UOM = strings.TrimSpace(l.UOM)
		if len(l.UOM) > 20 {
			fields = append(fields, FieldError{Field: at + "uom", Message: "Give a unit of measure of at most 20 characters."})
		}
		if !utf8.ValidString(l.Processing) || utf8.RuneCountInString(l.Processing) > 1000 {
			fields = append(fields, FieldError{Field: at + "processing", Message: "Keep it to 1,000 characters."})
		}
	}
	return invalid(fields)
}

// QuoteLine is a line of a quote; UnitPrice and Total are nil until staff
// price it.
type QuoteLine struct {
	LineNo        int
	ProductID     string // "" for a line not in the catalog (e-commerce requests)
	ProductCode   string
	Description   string
	QuantityMilli int64
	UOM           string
	Processing    string
	UnitPrice     *Money
	Total         *Money
}

// Quote is a quote as its customer (or the staff) sees it.
type Quote struct {
	ID, CustomerID, CustomerName string
	AccountNumber                string
	Number                       string // "" for a draft
	Status                       string // internal; the API sends QuoteStatus(Status)
	Type, Source                 string
	RequestedByID, RequestedBy   string
	NeededByDate                 *time.Time
	SpecialInstructions          string
	ExpectedResponseDate         *time.Time
	Lines                        []QuoteLine
	// The staff's answer (quoted and after): nil before.
	Subtotal, Total *Money
	ValidUntil      *time.Time
	ResponseNotes   string
	PricedBy        string
	PricedAt        *time.Time
	// The customer's decision.
	DecidedAt     *time.Time
	DeclineReason string
	OrderID       string // the order an accepted quote became
	OrderNumber   string
	DocumentID    string // the quote PDF, once generated
	SalesRep      *SalesRep
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   *time.Time
}

// Acceptable reports whether the customer may accept the quote at now:
// quoted and valid through its valid-until day.
func (q *Quote) Acceptable(now time.Time) bool {
	return q.Status == QuoteQuoted && q.ValidUntil != nil && !q.ValidUntil.Before(now.UTC().Truncate(24*time.Hour))
}

// QuoteSummary is one row of a quotes list.
type QuoteSummary struct {
	ID, Number, Status, Type string
	CustomerName             string
	LineCount                int
	Total                    *Money
	ValidUntil               *time.Time
	CreatedAt, UpdatedAt     time.Time
	SubmittedAt              *time.Time
}

// QuoteLinePrice is the staff's unit price of one line, in minor units of
// the quote's currency.
type QuoteLinePrice struct {
	LineNo    int
	UnitPrice int64
}

// QuoteResponse is the staff's answer to a quote.
type QuoteResponse struct {
	Lines      []QuoteLinePrice
	ValidUntil string // YYYY-MM-DD; "" for DefaultQuoteValidityDays
	Notes      string
	Now        time.Time
}

// Validate checks the answer, naming fields as in the request body.
func (in *QuoteResponse) Validate() error {
	var fields []FieldError
	if len(in.Lines) == 0 || len(in.Lines) > MaxCartItems {
		fields = append(fields, FieldError{Field: "lines", Message: "Price every line."})
	}
	seen := map[int]bool{}
	for i, l := range in.Lines {
		at := "lines[" + strconv.Itoa(i) + "]."
		if l.LineNo <= 0 || seen[l.LineNo] {
			fields = append(fields, FieldError{Field: at + "line_no", Message: "Name each line once."})
		}
		seen[l.LineNo] = true
		if l.UnitPrice < 0 || l.UnitPrice > 1e12 {
			fields = append(fields, FieldError{Field: at + "unit_price", Message: "Give a unit price of 0 or more."})
		}
	}
	if in.ValidUntil == "" {
		in.ValidUntil = in.Now.UTC().AddDate(0, 0, DefaultQuoteValidityDays).Format(time.DateOnly)
	}
	if d, err := time.Parse(time.DateOnly, in.ValidUntil); err != nil {
		fields = append(fields, FieldError{Field: "valid_until", Message: "Give a date as YYYY-MM-DD."})
	} else if d.Before(in.Now.UTC().Truncate(24 * time.Hour)) {
		fields = append(fields, FieldError{Field: "valid_until", Message: "The date is in the past."})
	}
	if !utf8.ValidString(in.Notes) || utf8.RuneCountInString(in.Notes) > 2000 {
		fields = append(fields, FieldError{Field: "notes", Message: "Keep the notes to 2,000 characters."})
	}
	return invalid(fields)
}

// QuoteAcceptance is the customer's acceptance: the order's PO number
// (required when the account says so) and shipping address (optional).
type QuoteAcceptance struct {
	PONumber          string
	ShippingAddressID string
}

// QuoteAcceptResult is what an acceptance made.
type QuoteAcceptResult struct {
	Quote       *Quote
	OrderID     string
	OrderNumber string
	// CreditWarning is CreditReviewWarning when the order exceeds the
	// account's available credit (placed for review all the same).
	CreditWarning string
	// AwaitingApproval: an approval rule of the account holds the order
	// until an Admin approves it (order approvals).
	AwaitingApproval bool
}

// QuoteRecipient is a customer user to tell that a quote was answered.
type QuoteRecipient struct {
	Name, Email string
}

// CatalogItem is a product the quote builder offers: from a search, or
// one the customer ordered recently.
type CatalogItem struct {
	ProductID, Code, Name, Form, Grade, Dimensions, UOM string
}

// QuoteService is the portal's quote workflow. Customer calls see the
// actor's customer only (another customer's quote is ENOTFOUND) and a
// draft only its author; staff calls need a staff actor and see the
// quotes of the customers it works for (User.AllCustomers): another
// customer's quote is ENOTFOUND to a sales rep.
type QuoteService interface {
	// Quotes lists the actor's customer's quotes (the actor's own drafts
	// among them), newest first.
	Quotes(ctx context.Context, actor *User) ([]QuoteSummary, error)
	// Quote returns one. Errors: ENOTFOUND.
	Quote(ctx context.Context, actor *User, id string) (*Quote, error)
	// SaveDraft creates (id "") or replaces a draft of the actor.
	// Errors: EINVALID, ENOTFOUND, ECONFLICT (a sixth draft, or the
	// quote is no longer a draft).
	SaveDraft(ctx context.Context, actor *User, id string, in QuoteInput) (*Quote, error)
	// DeleteDraft deletes a draft of the actor. Errors: ENOTFOUND.
	DeleteDraft(ctx context.Context, actor *User, id string) error
	// Submit submits in as a new request, or as draftID's when given
	// (the draft becomes the request), and writes quote.created.
	// Errors: EINVALID, ENOTFOUND, ECONFLICT (draft already submitted).
	Submit(ctx context.Context, actor *User, draftID string, in QuoteInput) (*Quote, error)
	// Accept turns a quoted, unexpired quote into an order at the quoted
	// prices; accepting an accepted quote again answers its order.
	// Errors: EINVALID (po_number), ENOTFOUND, ECONFLICT (not quoted,
	// expired, declined), EUNPROCESSABLE (a line not in the catalog).
	Accept(ctx context.Context, actor *User, id string, in QuoteAcceptance) (*QuoteAcceptResult, error)
	// Decline declines a quoted quote. Errors: ENOTFOUND, ECONFLICT.
	Decline(ctx context.Context, actor *User, id, reason string) (*Quote, error)
	// FromOrder returns the lines of one of the actor's customer's orders
	// as quote lines (the reorder screen's "Request Quote Instead").
	// Errors: ENOTFOUND.
	FromOrder(ctx context.Context, actor *User, orderID string) ([]QuoteLine, error)
	// RecentProducts lists up to 10 products the actor's customer ordered,
	// most recent first.
	RecentProducts(ctx context.Context, actor *User) ([]CatalogItem, error)

	// StaffQuotes lists the submitted quotes of the actor's customers (status "" for
	// every status but draft), oldest submission first.
	StaffQuotes(ctx context.Context, actor *User, status string) ([]QuoteSummary, error)
	// StaffQuote returns a non-draft quote of the actor's customers.
	StaffQuote(ctx context.Context, actor *User, id string) (*Quote, error)
	// Review marks a submitted quote under review. Errors: ENOTFOUND,
	// ECONFLICT.
	Review(ctx context.Context, actor *User, id string) (*Quote, error)
	// Respond prices every line, sets the validity and sends the quote
	// (status quoted, quote.responded), and returns who to tell.
	// Errors: EINVALID, ENOTFOUND, ECONFLICT.
	Respond(ctx context.Context, actor *User, id string, in QuoteResponse) (*Quote, []QuoteRecipient, error)
}

// QuoteMailer tells customer users that their quote was answered.
type QuoteMailer interface {
	SendQuoteResponded(ctx context.Context, t *tenants.Tenant, baseURL string, to []QuoteRecipient, q *Quote) error
}

// QuotesModeMessage is the refusal of an order where the tenant takes
// quotes instead (tenant setting quotes_mode).
const QuotesModeMessage = "This portal takes quote requests instead of orders: request a quote (POST /api/v1/quotes) and accept it once it is priced."
