package api

// The back office's pricing and catalog batches (issue 8), with the
// semantics of the other batches (PUT, at most MaxBatchRows rows, a
// BatchResult). Rows of an entity of the ERP are keyed by its external
// id; rows that set what belongs to a product or a customer (breaks,
// assignments, details) are keyed by that product's or customer's
// external id, replace the whole set, and are "unchanged" when it is
// already so. Money in minor units, percentages in basis points (1250 is
// 12.5%), quantities in the product's pricing unit (at most 3 decimals).
const (
	PathBackOfficeContractPrices   = PathBackOffice + "/contract-prices"   // PUT []BackOfficeContractPrice
	PathBackOfficePriceBreaks      = PathBackOffice + "/price-breaks"      // PUT []BackOfficePriceBreaks
	PathBackOfficePromotions       = PathBackOffice + "/promotions"        // PUT []BackOfficePromotion
	PathBackOfficePromoCodes       = PathBackOffice + "/promo-codes"       // PUT []BackOfficePromoCode
	PathBackOfficeCustomerProducts = PathBackOffice + "/customer-products" // PUT []BackOfficeCustomerProducts
	PathBackOfficeProductDetails   = PathBackOffice + "/product-details"   // PUT []BackOfficeProductDetails
)

// BackOfficeContractPrice is a customer's contract price of a product
// from min_quantity on (0: any quantity), valid on the dates from
// valid_from to valid_to inclusive (absent: open-ended).
type BackOfficeContractPrice struct {
	ExternalID         string  `json:"external_id"`
	CustomerExternalID string  `json:"customer_external_id"`
	ProductExternalID  string  `json:"product_external_id"`
	MinQuantity        float64 `json:"min_quantity"`
	UnitPrice          int64   `json:"unit_price"`
	ValidFrom          string  `json:"valid_from,omitempty"`
	ValidTo            string  `json:"valid_to,omitempty"`
}

// BackOfficePriceBreak is everyone's unit price from min_quantity on.
type BackOfficePriceBreak struct {
	MinQuantity float64 `json:"min_quantity"`
	UnitPrice   int64   `json:"unit_price"`
}

// BackOfficePriceBreaks is a product's list-price breaks (the whole set;
// empty removes them).
type BackOfficePriceBreaks struct {
	ProductExternalID string                 `json:"product_external_id"`
	Breaks            []BackOfficePriceBreak `json:"breaks"`
}

// BackOfficePromotion is a promotion of one product from starts_at to
// ends_at (RFC 3339, end exclusive): percent_off_bp off the list price,
// or the promotional unit_price; exactly one of them.
type BackOfficePromotion struct {
	ExternalID        string `json:"external_id"`
	ProductExternalID string `json:"product_external_id"`
	Name              string `json:"name"`
	PercentOffBP      int    `json:"percent_off_bp,omitempty"`
	UnitPrice         *int64 `json:"unit_price,omitempty"`
	StartsAt          string `json:"starts_at"`
	EndsAt            string `json:"ends_at"`
}

// BackOfficePromoCode is a promo code customers enter at checkout:
// percent_off_bp of the subtotal or amount_off (exactly one), for orders
// of at least min_order, at most usage_limit times (0: unlimited).
type BackOfficePromoCode struct {
	ExternalID   string `json:"external_id"`
	Code         string `json:"code"`
	Description  string `json:"description,omitempty"`
	PercentOffBP int    `json:"percent_off_bp,omitempty"`
	AmountOff    int64  `json:"amount_off,omitempty"`
	Currency     string `json:"currency,omitempty"`
	StartsAt     string `json:"starts_at"`
	EndsAt       string `json:"ends_at"`
	MinOrder     int64  `json:"min_order,omitempty"`
	UsageLimit   int    `json:"usage_limit,omitempty"`
	Active       *bool  `json:"active,omitempty"` // default true
}

// BackOfficeCustomerProducts is the set of exclusive products a customer
// sees (products with exclusive true are shown to no one else).
type BackOfficeCustomerProducts struct {
	CustomerExternalID string   `json:"customer_external_id"`
	ProductExternalIDs []string `json:"product_external_ids"`
}

// BackOfficeProcessingOption is processing a product is offered with;
// charge is added once per ordered line that selects it.
type BackOfficeProcessingOption struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Charge int64  `json:"charge"`
}

// BackOfficeDimension is a dimension the customer must enter to order
// the product (e.g. {"name":"length","label":"Length","unit":"in","min":1,"max":240}).
type BackOfficeDimension struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Unit  string  `json:"unit"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// BackOfficeProductDetails is a product's shop details; each field that
// is present replaces what the product has, an absent one is kept.
type BackOfficeProductDetails struct {
	ProductExternalID         string                        `json:"product_external_id"`
	Exclusive                 *bool                         `json:"exclusive,omitempty"`
	Images                    *[]ShopImage                  `json:"images,omitempty"`
	ProcessingOptions         *[]BackOfficeProcessingOption `json:"processing_options,omitempty"`
	RequiredDimensions        *[]BackOfficeDimension        `json:"required_dimensions,omitempty"`
	RelatedProductExternalIDs *[]string                     `json:"related_product_external_ids,omitempty"`
}
