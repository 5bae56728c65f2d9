package portal

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Inputs of the e-commerce API's customer side (cart, order, quote
// request) and their validation, naming fields as the request body does.

// CartItem is one line of a cart or order request.
type CartItem struct {
	ProductID  string
	Quantity   string
	UOM        string
	Processing []string
	// Dimensions are the product's required dimensions by name, as
	// decimals of the dimension's unit ("120", "48.5"); priceItemsTx checks
	// them against the product.
	Dimensions map[string]string
	LineNotes  string

	quantityMilli int64
}

// MaxCartItems bounds the lines of one cart, order or quote request.
const MaxCartItems = 200

// validateItems checks cart or order lines under field (items, line_items).
func validateItems(field string, items []CartItem) []FieldError {
	var fields []FieldError
	if len(items) == 0 || len(items) > MaxCartItems {
		return []FieldError{{Field: field, Message: "Send 1 to 200 lines."}}
	}
	for i := range items {
		it := &items[i]
		at := field + "[" + strconv.Itoa(i) + "]."
		if !ValidUUID(it.ProductID) {
			fields = append(fields, FieldError{Field: at + "product_id", Message: "Give a product id (a UUID)."})
		}
		var ok bool
		if it.quantityMilli, ok = ParseQuantity(it.Quantity); !ok {
			fields = append(fields, FieldError{Field: at + "quantity", Message: "Give a quantity greater than 0, with at most 3 decimals."})
		}
		it.UOM = strings.TrimSpace(it.UOM)
		if len(it.UOM) > 20 {
			fields = append(fields, FieldError{Field: at + "uom", Message: "Give a unit of measure of at most 20 characters."})
		}
		// Processing codes and dimensions are checked against the
		// product by priceItemsTx; here only their shape.
		if len(it.Processing) > 10 {
			fields = append(fields, FieldError{Field: at + "processing", Message: "Choose at most 10 processing options."})
		}
		for j, code := range it.Processing {
			if code == "" || len(code) > 50 {
				fields = append(fields, FieldError{Field: at + "processing[" + strconv.Itoa(j) + "]", Message: "Give a processing option code."})
			}
		}
		if len(it.Dimensions) > 10 {
			fields = append(fields, FieldError{Field: at + "dimensions", Message: "Give at most 10 dimensions."})
		}
		if utf8.RuneCountInString(it.LineNotes) > 1000 {
			fields = append(fields, FieldError{Field: at + "line_notes", Message: "Keep line notes to 1,000 characters."})
		}
	}
	return fields
}

// QuantityMilli is the validated quantity in thousandths.
func (it *CartItem) QuantityMilli() int64 { return it.quantityMilli }

// CartInput is POST /ecommerce/cart/price.
type CartInput struct {
	Items             []CartItem
	ShippingAddressID string
	// The ship-to freight and tax are estimated for, with
	// ShippingAddressID or ShipCountry (none without either): the method
	// (standard when "") and a country and region instead of a saved
	// address.
	ShippingMethod          string
	ShipCountry, ShipRegion string
	PromoCode               string
}

// ShipTo is the ship-to of the cart's estimate; nil when neither an
// address nor a country is given.
func (in *CartInput) ShipTo() *ShipTo {
	if in.ShippingAddressID == "" && in.ShipCountry == "" && in.ShipRegion == "" && in.ShippingMethod == "" {
		return nil
	}
	t := &ShipTo{Method: in.ShippingMethod, AddressID: in.ShippingAddressID, Country: in.ShipCountry, Region: in.ShipRegion}
	if t.Method == "" {
		t.Method = ShippingMethods[0]
	}
	return t
}

// Validate checks every line, naming fields as items[i].field, and the
// ship-to and promo code.
func (in *CartInput) Validate() error {
	fields := validateItems("items", in.Items)
	if in.ShippingAddressID != "" && !ValidUUID(in.ShippingAddressID) {
		fields = append(fields, FieldError{Field: "shipping_address_id", Message: "Give an address id (a UUID)."})
	} else if t := in.ShipTo(); t != nil {
		var pe *Error
		if err := t.Validate(); errors.As(err, &pe) {
			fields = append(fields, pe.Fields...)
		}
	}
	in.PromoCode = strings.ToUpper(strings.TrimSpace(in.PromoCode))
	if len(in.PromoCode) > 40 {
		fields = append(fields, FieldError{Field: "promo_code", Message: "Keep the promo code to 40 characters."})
	}
	return invalid(fields)
}

// CartLine is a priced line.
type CartLine struct {
	ProductID, Code, Name string
	QuantityMilli         int64
	UOM                   string
	ListPrice             Money
	Price                 Price
	// Processing is the charge of the line's processing options; Total
	// is the goods alone (unit × quantity).
	Processing Money
	Total      Money
	// ProcessingCodes and DimensionsMilli are the line's configuration as
	// checked against the product (dimensions in thousandths of their unit).
	ProcessingCodes []string
	DimensionsMilli map[string]int64
}

// CartPriceValidity is how long a cart price holds (spec: 30 minutes).
const CartPriceValidity = 30 * time.Minute

// CartPrice is the priced cart. Freight and tax are not estimated yet
// (no freight rules or tax engine): they are zero, and GrandTotal is what
// the lines and processing come to.
type CartPrice struct {
	Items                                          []CartLine
	Subtotal, Processing, Freight, Tax, GrandTotal Money
	// Discount is the promo code's (PromoCode, upper case) on the
	// subtotal; GrandTotal is net of it. Zero without a code.
	Discount  Money
	PromoCode string
	// Estimate is how Freight and Tax were estimated for the ship-to the
	// pricing was asked for (EstimateFreightTax); nil: none was given, and
	// both are zero.
	Estimate *FreightTax
}

// EcommerceOrderInput is POST /ecommerce/orders.
type EcommerceOrderInput struct {
	CustomerID          string
	PONumber            string
	ShippingAddressID   string
	RequestedShipDate   string // YYYY-MM-DD or ""
	SpecialInstructions string
	Lines               []CartItem
	// Now is today for the requested date's check; set by the caller.
	Now time.Time
}

// Validate checks the order, naming fields as in the request body.
func (in *EcommerceOrderInput) Validate() error {
	var fields []FieldError
	if !ValidUUID(in.CustomerID) {
		fields = append(fields, FieldError{Field: "customer_id", Message: "Give the customer id (a UUID)."})
	}
	in.PONumber = strings.TrimSpace(in.PONumber)
	if utf8.RuneCountInString(in.PONumber) > 50 {
		fields = append(fields, FieldError{Field: "po_number", Message: "Keep the PO number to 50 characters."})
	}
	if !ValidUUID(in.ShippingAddressID) {
		fields = append(fields, FieldError{Field: "shipping_address_id", Message: "Give a shipping address id (a UUID)."})
	}
	if in.RequestedShipDate != "" {
		d, err := time.Parse(time.DateOnly, in.RequestedShipDate)
		if err != nil {
			fields = append(fields, FieldError{Field: "requested_ship_date", Message: "Give a date as YYYY-MM-DD."})
		} else if d.Before(in.Now.UTC().Truncate(24 * time.Hour)) {
			fields = append(fields, FieldError{Field: "requested_ship_date", Message: "The date is in the past."})
		}
	}
	if utf8.RuneCountInString(in.SpecialInstructions) > 2000 {
		fields = append(fields, FieldError{Field: "special_instructions", Message: "Keep the instructions to 2,000 characters."})
	}
	fields = append(fields, validateItems("line_items", in.Lines)...)
	return invalid(fields)
}

// EcommerceOrderCreated is the answer to a new order.
type EcommerceOrderCreated struct {
	ID, OrderNumber   string
	Status            Status
	EstimatedTotal    Money
	EstimatedShipDate *time.Time
}

// EcommerceOrderFilter is GET /ecommerce/orders's parameters. Status is a
// customer-facing status code; no dates means all time.
type EcommerceOrderFilter struct {
	Status   string
	From, To *time.Time
	Page     int
	PageSize int
}

// Validate checks the filter, naming the query parameter.
func (f *EcommerceOrderFilter) Validate() error {
	var fields []FieldError
	if f.Status != "" && InternalOrderStatuses(f.Status) == nil {
		fields = append(fields, FieldError{Field: "status", Message: "Unknown status " + strconv.Quote(f.Status) + "."})
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		fields = append(fields, FieldError{Field: "to_date", Message: "The end date is before the start date."})
	}
	fields = append(fields, validEcommercePage(&f.Page, &f.PageSize, 20)...)
	return invalid(fields)
}

// QuoteRequestLine is one line of a quote request; ProductID may be empty
// for something not in the catalog.
type QuoteRequestLine struct {
	ProductID              string
	ProductDescription     string
	Quantity               string
	UOM                    string
	ProcessingRequirements string

	quantityMilli int64
}

// QuantityMilli is the validated quantity in thousandths.
func (l *QuoteRequestLine) QuantityMilli() int64 { return l.quantityMilli }

// QuoteRequestInput is POST /ecommerce/quotes.
type QuoteRequestInput struct {
	CustomerID          string
	NeededByDate        string
	SpecialInstructions string
	Lines               []QuoteRequestLine
	Now                 time.Time
}

// Validate checks the request, naming fields as in the request body.
func (in *QuoteRequestInput) Validate() error {
	var fields []FieldError
	if !ValidUUID(in.CustomerID) {
		fields = append(fields, FieldError{Field: "customer_id", Message: "Give the customer id (a UUID)."})
	}
	if in.NeededByDate != "" {
		d, err := time.Parse(time.DateOnly, in.NeededByDate)
		if err != nil {
			fields = append(fields, FieldError{Field: "needed_by_date", Message: "Give a date as YYYY-MM-DD."})
		} else if d.Before(in.Now.UTC().Truncate(24 * time.Hour)) {
			fields = append(fields, FieldError{Field: "needed_by_date", Message: "The date is in the past."})
		}
	}
	if utf8.RuneCountInString(in.SpecialInstructions) > 2000 {
		fields = append(fields, FieldError{Field: "special_instructions", Message: "Keep the instructions to 2,000 characters."})
	}
	if len(in.Lines) == 0 || len(in.Lines) > MaxCartItems {
		fields = append(fields, FieldError{Field: "line_items", Message: "Send 1 to 200 lines."})
	}
	for i := range in.Lines {
		l := &in.Lines[i]
		at := "line_items[" + strconv.Itoa(i) + "]."
		if l.ProductID != "" && !ValidUUID(l.ProductID) {
			fields = append(fields, FieldError{Field: at + "product_id", Message: "Give a product id (a UUID) or null."})
		}
		l.ProductDescription = strings.TrimSpace(l.ProductDescription)
		if l.ProductDescription == "" || utf8.RuneCountInString(l.ProductDescription) > 500 {
			fields = append(fields, FieldError{Field: at + "product_description", Message: "Describe the product in 1 to 500 characters."})
		}
		var ok bool
		if l.quantityMilli, ok = ParseQuantity(l.Quantity); !ok {
			fields = append(fields, FieldError{Field: at + "quantity", Message: "Give a quantity greater than 0, with at most 3 decimals."})
		}
		l.UOM = strings.TrimSpace(l.UOM)
		if l.UOM == "" || len(l.UOM) > 20 {
			fields = append(fields, FieldError{Field: at + "uom", Message: "Give a unit of measure of 1 to 20 characters."})
		}
		if utf8.RuneCountInString(l.ProcessingRequirements) > 1000 {
			fields = append(fields, FieldError{Field: at + "processing_requirements", Message: "Keep it to 1,000 characters."})
		}
	}
	return invalid(fields)
}

// QuoteResponseDays is how many business days a quote request is answered
// in (the expected_response_date the storefront shows).
const QuoteResponseDays = 2

// AddBusinessDays adds n days skipping Saturdays and Sundays.
func AddBusinessDays(d time.Time, n int) time.Time {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// QuoteCreated is the answer to a quote request.
type QuoteCreated struct {
	ID, QuoteNumber, Status string
	ExpectedResponseDate    time.Time
}
