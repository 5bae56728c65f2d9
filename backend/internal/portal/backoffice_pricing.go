package portal

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What the ERP pushes for the shop (issue 8): customer contract prices,
// list-price quantity breaks, promotions, promo codes, exclusive product
// assignments and a product's catalog details. Same batch semantics as
// BackOfficeService: one transaction, each row in a savepoint, per-row
// results, idempotent (a row sent twice is unchanged the second time).

// ContractPriceInput is one contract price of a customer, keyed by the
// ERP's id of the price agreement line.
type ContractPriceInput struct {
	ExternalID         string
	CustomerExternalID string
	ProductExternalID  string
	MinQuantity        float64 // pricing units; 0: the base contract price
	UnitPrice          int64   // minor units per pricing unit
	ValidFrom, ValidTo string  // YYYY-MM-DD, inclusive; "" open-ended
}

// PriceBreaksInput is a product's list-price quantity breaks, as a set:
// the product's breaks become exactly these (none: no breaks).
type PriceBreaksInput struct {
	ProductExternalID string
	Breaks            []PriceBreakInput
}

// PriceBreakInput is one break: UnitPrice from MinQuantity on.
type PriceBreakInput struct {
	MinQuantity float64
	UnitPrice   int64
}

// PromotionInput is a promotion of one product: PercentOffBP basis points
// off its list price, or the promotional UnitPrice (exactly one).
type PromotionInput struct {
	ExternalID        string
	ProductExternalID string
	Name              string
	PercentOffBP      int
	UnitPrice         *int64
	StartsAt, EndsAt  string // RFC 3339; ends exclusive
}

// PromoCodeInput is a promo code: PercentOffBP of the subtotal or
// AmountOff (exactly one), for orders of at least MinOrder, at most
// UsageLimit times (0: unlimited).
type PromoCodeInput struct {
	ExternalID       string
	Code             string // any case; kept upper case
	Description      string
	PercentOffBP     int
	AmountOff        int64
	Currency         string // default USD
	StartsAt, EndsAt string // RFC 3339
	MinOrder         int64
	UsageLimit       int
	Active           *bool // nil: true
}

// CustomerProductsInput is the set of exclusive products assigned to a
// customer: it becomes exactly these (none: no exclusive products).
type CustomerProductsInput struct {
	CustomerExternalID string
	ProductExternalIDs []string
}

// ProductDetailsInput is a product's catalog details. Each field that is
// set replaces what the product has; nil leaves it as it is.
type ProductDetailsInput struct {
	ProductExternalID         string
	Exclusive                 *bool
	Images                    *[]ProductImage
	ProcessingOptions         *[]ProcessingOptionInput
	RequiredDimensions        *[]DimensionInput
	RelatedProductExternalIDs *[]string
}

// ProcessingOptionInput is processing the product is offered with.
type ProcessingOptionInput struct {
	Code, Name string
	Charge     int64 // minor units, per line
}

// DimensionInput is a dimension the customer must enter, from Min to Max.
type DimensionInput struct {
	Name, Label, Unit string
	Min, Max          float64
}

// CatalogSync applies the ERP's pricing and catalog batches.
type CatalogSync interface {
	UpsertContractPrices(ctx context.Context, rows []ContractPriceInput) ([]RowResult, error)
	SetPriceBreaks(ctx context.Context, rows []PriceBreaksInput) ([]RowResult, error)
	UpsertPromotions(ctx context.Context, rows []PromotionInput) ([]RowResult, error)
	UpsertPromoCodes(ctx context.Context, rows []PromoCodeInput) ([]RowResult, error)
	SetCustomerProducts(ctx context.Context, rows []CustomerProductsInput) ([]RowResult, error)
	SetProductDetails(ctx context.Context, rows []ProductDetailsInput) ([]RowResult, error)
}

// Milli is a validated quantity (at most 3 decimals) in thousandths.
func Milli(v float64) int64 { return int64(math.Round(v * 1000)) }

var (
	promoCodePattern  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,39}$`)
	optionCodePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,49}$`)
	dimensionPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)
)

func (c *checker) moment(field, v string, required bool) time.Time {
	if v == "" {
		if required {
			c.add(field, "Required.")
		}
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		c.add(field, "Use a time as RFC 3339, e.g. 2026-12-01T00:00:00Z.")
	}
	return t
}

// Validate checks one contract price row.
func (in ContractPriceInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	c.externalID("product_external_id", in.ProductExternalID, true)
	c.quantity("min_quantity", in.MinQuantity, false)
	c.money("unit_price", in.UnitPrice, false)
	c.date("valid_from", in.ValidFrom, false)
	c.date("valid_to", in.ValidTo, false)
	if in.ValidFrom != "" && in.ValidTo != "" && in.ValidTo < in.ValidFrom {
		c.add("valid_to", "Must not be before valid_from.")
	}
	return c.fields
}

// Validate checks one product's breaks.
func (in PriceBreaksInput) Validate() []FieldError {
	var c checker
	c.externalID("product_external_id", in.ProductExternalID, true)
	if len(in.Breaks) > 50 {
		c.add("breaks", "At most 50 breaks.")
	}
	seen := map[int64]bool{}
	for i, b := range in.Breaks {
		f := "breaks[" + strconv.Itoa(i) + "]."
		c.quantity(f+"min_quantity", b.MinQuantity, true)
		c.money(f+"unit_price", b.UnitPrice, false)
		if seen[Milli(b.MinQuantity)] {
			c.add(f+"min_quantity", "Appears twice.")
		}
		seen[Milli(b.MinQuantity)] = true
	}
	return c.fields
}

// Validate checks one promotion row.
func (in PromotionInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	c.externalID("product_external_id", in.ProductExternalID, true)
	c.text("name", in.Name, true, 100)
	switch {
	case (in.PercentOffBP != 0) == (in.UnitPrice != nil):
		c.add("percent_off_bp", "Give either percent_off_bp or unit_price.")
	case in.PercentOffBP < 0 || in.PercentOffBP > 10000:
		c.add("percent_off_bp", "Give 1 to 10000 basis points (0.01%% to 100%%).")
	case in.UnitPrice != nil && *in.UnitPrice < 0:
		c.add("unit_price", "Must not be negative.")
	}
	s, e := c.moment("starts_at", in.StartsAt, true), c.moment("ends_at", in.EndsAt, true)
	if !s.IsZero() && !e.IsZero() && !e.After(s) {
		c.add("ends_at", "Must be after starts_at.")
	}
	return c.fields
}

// Validate checks one promo code row.
func (in PromoCodeInput) Validate() []FieldError {
	var c checker
	c.externalID("external_id", in.ExternalID, true)
	if !promoCodePattern.MatchString(strings.ToUpper(in.Code)) {
		c.add("code", "Use 1 to 40 letters, digits, _ and -.")
	}
	c.text("description", in.Description, false, 200)
	switch {
	case (in.PercentOffBP != 0) == (in.AmountOff != 0):
		c.add("percent_off_bp", "Give either percent_off_bp or amount_off.")
	case in.PercentOffBP < 0 || in.PercentOffBP > 10000:
		c.add("percent_off_bp", "Give 1 to 10000 basis points (0.01%% to 100%%).")
	case in.AmountOff < 0:
		c.add("amount_off", "Must be positive.")
	}
	c.currency("currency", in.Currency)
	c.money("min_order", in.MinOrder, false)
	if in.UsageLimit < 0 {
		c.add("usage_limit", "Must not be negative (0: unlimited).")
	}
	s, e := c.moment("starts_at", in.StartsAt, true), c.moment("ends_at", in.EndsAt, true)
	if !s.IsZero() && !e.IsZero() && !e.After(s) {
		c.add("ends_at", "Must be after starts_at.")
	}
	return c.fields
}

// Validate checks one customer's assignments.
func (in CustomerProductsInput) Validate() []FieldError {
	var c checker
	c.externalID("customer_external_id", in.CustomerExternalID, true)
	if len(in.ProductExternalIDs) > 1000 {
		c.add("product_external_ids", "At most 1,000 products.")
	}
	for i, p := range in.ProductExternalIDs {
		c.externalID("product_external_ids["+strconv.Itoa(i)+"]", p, true)
	}
	return c.fields
}

// Validate checks one product's details.
func (in ProductDetailsInput) Validate() []FieldError {
	var c checker
	c.externalID("product_external_id", in.ProductExternalID, true)
	if in.Images != nil {
		if len(*in.Images) > 20 {
			c.add("images", "At most 20 images.")
		}
		for i, im := range *in.Images {
			if !(strings.HasPrefix(im.URL, "https://") || strings.HasPrefix(im.URL, "/")) || len(im.URL) > 1000 || strings.HasPrefix(im.URL, "//") {
				c.add("images["+strconv.Itoa(i)+"].url", "Give an https:// address or a path of this portal, at most 1,000 characters.")
			}
			c.text("images["+strconv.Itoa(i)+"].alt", im.Alt, false, 200)
		}
	}
	if in.ProcessingOptions != nil {
		seen := map[string]bool{}
		for i, o := range *in.ProcessingOptions {
			f := "processing_options[" + strconv.Itoa(i) + "]."
			if !optionCodePattern.MatchString(o.Code) || seen[o.Code] {
				c.add(f+"code", "Use a unique code of lower-case letters, digits, _ and -.")
			}
			seen[o.Code] = true
			c.text(f+"name", o.Name, true, 100)
			c.money(f+"charge", o.Charge, false)
		}
	}
	if in.RequiredDimensions != nil {
		seen := map[string]bool{}
		for i, d := range *in.RequiredDimensions {
			f := "required_dimensions[" + strconv.Itoa(i) + "]."
			if !dimensionPattern.MatchString(d.Name) || seen[d.Name] {
				c.add(f+"name", "Use a unique name of lower-case letters, digits and _, starting with a letter.")
			}
			seen[d.Name] = true
			c.text(f+"label", d.Label, true, 50)
			c.text(f+"unit", d.Unit, true, 20)
			c.quantity(f+"min", d.Min, true)
			c.quantity(f+"max", d.Max, true)
			if d.Max < d.Min {
				c.add(f+"max", "Must not be below min.")
			}
		}
	}
	if in.RelatedProductExternalIDs != nil {
		for i, p := range *in.RelatedProductExternalIDs {
			c.externalID("related_product_external_ids["+strconv.Itoa(i)+"]", p, true)
			if p == in.ProductExternalID {
				c.add("related_product_external_ids["+strconv.Itoa(i)+"]", "A product is not related to itself.")
			}
		}
	}
	return c.fields
}
