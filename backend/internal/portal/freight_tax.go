package portal

import (
	"math/bits"
	"slices"
	"strings"

	"example.com/portal/tenants"
)

// Freight and tax estimates (issue 8, spec 000 "order summary with
// estimated freight and tax"): the cart, checkout, reorder, guest checkout
// and the e-commerce API's cart price all show the same estimate, because
// EstimateFreightTax decides it and the one pricing path
// (postgres.priceItemsTx) is the only caller. The distributor may still
// change both when it confirms the order; the estimate is what the order
// is placed with (orders.freight_minor, orders.tax_minor).
//
// The rule, from the tenant's settings (tenants.Settings.Freight,
// TaxRates, FreightTaxable):
//   - Freight is the flat amount of the shipping method, waived when the
//     goods (lines and processing, less the promo discount) reach the
//     method's free_over_minor; a method without a rate has no freight.
//   - Tax is the rate of the ship-to's "COUNTRY-REGION", else of its
//     "COUNTRY", else none, on the goods (plus freight when
//     freight_taxable), rounded half up to the minor unit. A tax-exempt
//     customer pays none.

// ShipTo is where and how an order ships: what freight and tax are
// estimated on. A signed-in customer names a saved shipping address
// (AddressID, whose country and region the pricing path reads); a guest,
// a new address or the e-commerce API give Country and Region.
type ShipTo struct {
	Method    string // one of ShippingMethods
	AddressID string // a saved shipping address of the customer, or ""
	Country   string // ISO 3166 alpha-2, upper case
	Region    string // state or province code ("IL", "ON")
}

// Validate checks t, naming the fields as in a query string or body
// (shipping_method, shipping_address_id, ship_country, ship_region), and
// normalises the country and region to upper case.
func (t *ShipTo) Validate() error {
	var fields []FieldError
	t.Method = strings.TrimSpace(t.Method)
	if !slices.Contains(ShippingMethods, t.Method) {
		fields = append(fields, FieldError{Field: "shipping_method", Message: "Choose a shipping method (standard, express or pickup)."})
	}
	t.AddressID = strings.TrimSpace(t.AddressID)
	t.Country = strings.ToUpper(strings.TrimSpace(t.Country))
	t.Region = strings.ToUpper(strings.TrimSpace(t.Region))
	switch {
	case t.AddressID != "":
		if !ValidUUID(t.AddressID) {
			fields = append(fields, FieldError{Field: "shipping_address_id", Message: "Choose one of your shipping addresses."})
		}
		if t.Country != "" || t.Region != "" {
			fields = append(fields, FieldError{Field: "ship_country", Message: "Give a saved address or a country, not both."})
		}
	case len(t.Country) != 2 || strings.Trim(t.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		fields = append(fields, FieldError{Field: "ship_country", Message: "Give the country shipped to (two-letter code) or a saved address."})
	}
	if len(t.Region) > 100 {
		fields = append(fields, FieldError{Field: "ship_region", Message: "At most 100 characters."})
	}
	return invalid(fields)
}

// FreightTax is an estimate of an order's freight and tax.
type FreightTax struct {
	Freight, Tax Money
	// FreeFreight: the method has freight, waived for this order's goods.
	FreeFreight bool
	// TaxRateMilli is the rate applied in thousandths of a percent, and
	// TaxKey the rate's key in the settings ("US-IL", "US"); both zero
	// when no rate applies or the customer is tax exempt.
	TaxRateMilli int64
	TaxKey       string
}

// EstimateFreightTax estimates freight and tax of an order of goods (the
// lines and their processing, less the promo discount, in goods'
// currency) shipped to to under the tenant settings s (nil: none), by the
// rule above. taxExempt is the customer's tax exemption.
func EstimateFreightTax(s *tenants.Settings, to ShipTo, goods Money, taxExempt bool) FreightTax {
	out := FreightTax{Freight: Money{Currency: goods.Currency}, Tax: Money{Currency: goods.Currency}}
	if s == nil {
		return out
	}
	if r, ok := s.Freight[to.Method]; ok && r.AmountMinor > 0 {
		if r.FreeOverMinor > 0 && goods.Amount >= r.FreeOverMinor {
			out.FreeFreight = true
		} else {
			out.Freight.Amount = r.AmountMinor
		}
	}
	if taxExempt {
		return out
	}
	country := strings.ToUpper(strings.TrimSpace(to.Country))
	region := strings.ToUpper(strings.TrimSpace(to.Region))
	for _, key := range []string{country + "-" + region, country} {
		if rate, ok := s.TaxRates[key]; ok && country != "" && (key == country || region != "") {
			out.TaxRateMilli, out.TaxKey = rate, key
			break
		}
	}
	base := max(goods.Amount, 0)
	if s.FreightTaxable {
		base += out.Freight.Amount
	}
	out.Tax.Amount = rateOf(base, out.TaxRateMilli)
	return out
}

// rateOf is rateMilli thousandths of a percent of amount (rateMilli /
// 100,000), rounded half up, without overflow for any non-negative
// amount.
func rateOf(amount, rateMilli int64) int64 {
	if amount <= 0 || rateMilli <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amount), uint64(rateMilli))
	lo, carry := bits.Add64(lo, 50_000, 0)
	hi += carry
	if hi >= 100_000 {
		return amount // beyond int64: rates above 100 % are refused by the settings
	}
	q, _ := bits.Div64(hi, lo, 100_000)
	return int64(q)
}
