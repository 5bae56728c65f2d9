package portal

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Reorder (spec 000 reorder flow and reorder_review_screen): a past order's
// lines at today's prices, for the customer to edit and place again.

// Discontinued is the availability of a reorder line whose product is no
// longer sold (inactive, or gone from the catalog): the line cannot be
// ordered.
const Discontinued = "discontinued"

// Reorder warning types (spec 000 reorder_review warnings).
const (
	WarnPriceChanged = "price_changed"
	WarnDiscontinued = "item_discontinued"
	WarnOutOfStock   = "out_of_stock"
	// WarnNeedsOptions: the line's product now needs what the old line
	// does not say (required dimensions, processing options), or the
	// customer may no longer buy it; the line is left out.
	WarnNeedsOptions = "needs_options"
)

// EstimateNote says what the reorder's freight and tax estimates are:
// EstimateFreightTax's, for the shipping method and address chosen; the
// distributor confirms them with the order.
const EstimateNote = "Freight and tax are estimated for the shipping method and address chosen; our team confirms them with the order."

// ReorderLine is one line of the original order as it would be ordered now.
type ReorderLine struct {
	LineNo        int
	ProductID     string // "" when the line named no catalog product
	ProductCode   string
	Description   string
	QuantityMilli int64 // the original quantity, or the edited one
	UOM           string
	// Availability is InStock, LowStock, OutOfStock or Discontinued.
	Availability  string
	LeadTimeDays  int
	Included      bool
	OriginalPrice Money // the unit price on the original order
	// CurrentPrice is today's unit price for this customer and quantity
	// (portal.PriceFor through the one pricing path); zero when
	// discontinued.
	CurrentPrice Money
	PriceSource  string
	PriceChanged bool
	Total        Money // CurrentPrice × quantity; zero when discontinued
	Notes        string
	// Problem is why the pricing path refused the line as it was (see
	// WarnNeedsOptions); such a line is left out and cannot be placed.
	Problem string
}

// Discontinued reports whether the line can no longer be ordered.
func (l *ReorderLine) Discontinued() bool { return l.Availability == Discontinued }

// Orderable reports whether the line can be included.
func (l *ReorderLine) Orderable() bool { return !l.Discontinued() && l.Problem == "" }

// ReorderWarning is one entry of the warnings banner.
type ReorderWarning struct {
	Type    string // WarnPriceChanged, WarnDiscontinued, WarnOutOfStock
	LineNo  int
	Message string
}

// Reorder is the reorder screen's data: the lines, the warnings, the
// delivery options and the order summary of the included lines.
type Reorder struct {
	OrderID, OrderNumber string
	// PlacementID is the id the new order will have: the client sends it
	// back when it places the order, so a second submit finds the first
	// order instead of placing another.
	PlacementID       string
	Lines             []ReorderLine
	Warnings          []ReorderWarning
	ShippingAddressID string // preselected: the original order's, when it is still a shipping address
	ShippingAddresses []Address
	PORequired        bool
	PaymentTerms      string
	EarliestDate      time.Time // today plus the longest lead time of the included lines
	// ShippingMethod is the method the estimate is for (standard unless
	// chosen); ShippingAddress the new address it is for, when one was
	// entered instead of ShippingAddressID.
	ShippingMethod                     string
	ShippingAddress                    *PostalAddress
	Subtotal, Freight, Tax, GrandTotal Money
	// Estimate is how Freight and Tax were estimated; nil when there is
	// nothing to ship or nowhere to ship it.
	Estimate        *FreightTax
	AvailableCredit Money
	// CreditWarning is CreditReviewWarning when the total exceeds the
	// available credit (spec 000 credit_status), else "".
	CreditWarning string
	// NeedsApproval: the account's approval rule applies to this order as
	// the user would place it.
	NeedsApproval bool
}

// ReorderLineInput is one line to order: a line number of the original
// order and the quantity (decimal string, in the line's unit).
type ReorderLineInput struct {
	LineNo   int
	Quantity string

	quantityMilli int64
}

// QuantityMilli is the validated quantity in thousandths.
func (l *ReorderLineInput) QuantityMilli() int64 { return l.quantityMilli }

// ReorderInput is an edited reorder: the lines included (lines not listed
// are excluded) and, to place it, the delivery details.
type ReorderInput struct {
	PlacementID         string
	Lines               []ReorderLineInput
	ShippingAddressID   string         // a saved shipping address; "" with ShippingAddress, or the preselected one
	ShippingAddress     *PostalAddress // a new address entered on the reorder screen
	ShippingMethod      string         // one of ShippingMethods; "" is standard
	PONumber            string
	RequestedDate       string // YYYY-MM-DD or ""
	SpecialInstructions string
	// Now is today for the requested date's check; set by the caller.
	Now time.Time
}

// Validate checks the input; place is true when the order is to be placed
// (a placement id and at least one line are then required).
func (in *ReorderInput) Validate(place bool) error {
	var fields []FieldError
	if (place || in.PlacementID != "") && !ValidUUID(in.PlacementID) {
		fields = append(fields, FieldError{Field: "placement_id", Message: "Send the placement id the reorder screen was given."})
	}
	if place && len(in.Lines) == 0 {
		fields = append(fields, FieldError{Field: "lines", Message: "Include at least one line."})
	}
	if len(in.Lines) > MaxCartItems {
		fields = append(fields, FieldError{Field: "lines", Message: "Send at most 200 lines."})
	}
	seen := map[int]bool{}
	for i := range in.Lines {
		l := &in.Lines[i]
		at := "lines[" + strconv.Itoa(i) + "]."
		if l.LineNo <= 0 || seen[l.LineNo] {
			fields = append(fields, FieldError{Field: at + "line_no", Message: "Give each line of the order once."})
		}
		seen[l.LineNo] = true
		var ok bool
		if l.quantityMilli, ok = ParseQuantity(l.Quantity); !ok {
			fields = append(fields, FieldError{Field: at + "quantity", Message: "Give a quantity greater than 0, with at most 3 decimals."})
		}
	}
	switch {
	case in.ShippingAddress != nil && in.ShippingAddressID != "":
		fields = append(fields, FieldError{Field: "shipping_address", Message: "Choose a saved address or enter a new one, not both."})
	case in.ShippingAddress != nil:
		fields = append(fields, in.ShippingAddress.validate("shipping_address")...)
	case in.ShippingAddressID != "" && !ValidUUID(in.ShippingAddressID):
		fields = append(fields, FieldError{Field: "shipping_address_id", Message: "Choose one of your shipping addresses."})
	}
	if in.ShippingMethod == "" {
		in.ShippingMethod = ShippingMethods[0]
	}
	if !slices.Contains(ShippingMethods, in.ShippingMethod) {
		fields = append(fields, FieldError{Field: "shipping_method", Message: "Choose a shipping method (standard, express or pickup)."})
	}
	in.PONumber = strings.TrimSpace(in.PONumber)
	if utf8.RuneCountInString(in.PONumber) > 50 {
		fields = append(fields, FieldError{Field: "po_number", Message: "Keep the PO number to 50 characters."})
	}
	if in.RequestedDate != "" {
		d, err := time.Parse(time.DateOnly, in.RequestedDate)
		if err != nil {
			fields = append(fields, FieldError{Field: "requested_date", Message: "Give a date as YYYY-MM-DD."})
		} else if d.Before(in.Now.UTC().Truncate(24 * time.Hour)) {
			fields = append(fields, FieldError{Field: "requested_date", Message: "The date is in the past."})
		}
	}
	if utf8.RuneCountInString(in.SpecialInstructions) > 2000 {
		fields = append(fields, FieldError{Field: "special_instructions", Message: "Keep the instructions to 2,000 characters."})
	}
	return invalid(fields)
}

// ReorderPlaced is what placing a reorder made.
type ReorderPlaced struct {
	OrderID, OrderNumber string
	Status               Status // customer-facing: Received, or Awaiting Approval
	Total                Money
	Freight, Tax         Money // estimated, on the order
	EstimatedShipDate    time.Time
	CreditWarning        string // CreditReviewWarning or ""
	AwaitingApproval     bool
	// Replayed: the placement id had already placed this order (a second
	// submit); nothing new was written.
	Replayed bool
}

// ReorderService reorders a past order of the actor's customer account.
// Another account's order, a draft and an unknown id are ENOTFOUND.
type ReorderService interface {
	// Reorder returns the order's lines at today's prices; in (may be nil:
	// every line at its original quantity) edits quantities and leaves
	// out lines. Errors: ENOTFOUND, EINVALID (in's fields).
	Reorder(ctx context.Context, actor *User, orderID string, in *ReorderInput) (*Reorder, error)

	// PlaceReorder places the edited lines as a new order (source portal,
	// on account) through the one order-writing path, approval rules and
	// credit check included. Placing again with the same placement id
	// answers the first order (Replayed). Errors: ENOTFOUND, EINVALID
	// (lines, a discontinued line, po_number, shipping_address_id,
	// requested_date), ECONFLICT (the placement id is taken otherwise).
	PlaceReorder(ctx context.Context, actor *User, orderID string, in ReorderInput) (*ReorderPlaced, error)
}
