package portal

import (
	"math/bits"
	"slices"
	"strconv"
	"time"
)

// Customer pricing (spec 001 "Customer-Specific Pricing": contract prices,
// volume discounts, promotional pricing) is decided here and nowhere
// else: PriceFor is a pure function of the product, the customer's
// pricing data, the quantity and the moment, so the shop, the cart,
// checkout, reorder, quotes and the e-commerce API cannot disagree.
//
// The rule: every price the customer is offered at this quantity and
// moment is a candidate (the list price; the list-price quantity break
// for the quantity; the customer's contract price for the quantity, when
// in force; every promotion running), and the lowest wins: a customer
// never pays more than a price they were offered. Equal prices name the
// more specific source (contract before promotion before break before
// list). A contract price above the list price therefore does not raise
// the price; the ERP that wants it to must raise the list price.

// Price sources.
const (
	PriceList      = "list"
	PriceContract  = "contract"
	PriceBreak     = "break"
	PricePromotion = "promotion"
)

// sourceRank orders sources for ties: the higher, the more specific.
var sourceRank = map[string]int{PriceList: 0, PriceBreak: 1, PricePromotion: 2, PriceContract: 3}

// Price is a customer's unit price of a product and where it came from.
type Price struct {
	Unit   Money
	Source string // PriceList, PriceContract, PriceBreak or PricePromotion
	// Promotion names the promotion when Source is PricePromotion.
	Promotion string
}

// ContractPrice is a customer's negotiated unit price of a product from
// MinQuantityMilli on (0: any quantity), in force on the dates from
// ValidFrom to ValidTo inclusive (zero: open-ended), in UTC.
type ContractPrice struct {
	MinQuantityMilli int64
	Unit             int64
	ValidFrom        time.Time
	ValidTo          time.Time
}

// QuantityBreak is a list-price quantity break: everyone's unit price from
// MinQuantityMilli on.
type QuantityBreak struct {
	MinQuantityMilli int64
	Unit             int64
}

// Promotion lowers a product's price from StartsAt (inclusive) to EndsAt
// (exclusive): PercentOffBP basis points off the list price, or, when
// PercentOffBP is 0, the promotional unit price Unit.
type Promotion struct {
	Name             string
	PercentOffBP     int
	Unit             int64
	StartsAt, EndsAt time.Time
}

// Running reports whether the promotion is on at the moment at.
func (p *Promotion) Running(at time.Time) bool {
	return !at.Before(p.StartsAt) && at.Before(p.EndsAt)
}

// PricingData is what one customer is offered on one product: their
// contract prices, the product's list-price breaks and its promotions.
// The zero value (a guest, nothing configured) prices at list.
type PricingData struct {
	Contract   []ContractPrice
	Breaks     []QuantityBreak
	Promotions []Promotion
}

// inForce reports whether the contract price applies on at's UTC date.
func (c *ContractPrice) inForce(at time.Time) bool {
	day := time.Date(at.UTC().Year(), at.UTC().Month(), at.UTC().Day(), 0, 0, 0, 0, time.UTC)
	return (c.ValidFrom.IsZero() || !day.Before(c.ValidFrom)) && (c.ValidTo.IsZero() || !day.After(c.ValidTo))
}

// PercentOf is bp basis points of amount, rounded half up, without
// overflow for any non-negative amount.
func PercentOf(amount int64, bp int) int64 {
	if amount <= 0 || bp <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amount), uint64(bp))
	lo, carry := bits.Add64(lo, 5000, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, 10000)
	return int64(q)
}

// PriceFor is the customer's unit price of p for quantityMilli
// (thousandths of the pricing unit) at the moment at, under the rule
// above. d may be nil (list price).
func PriceFor(p *CatalogProduct, d *PricingData, quantityMilli int64, at time.Time) Price {
	cur := p.ListPrice.Currency
	best := Price{Unit: p.ListPrice, Source: PriceList}
	offer := func(unit int64, source, promo string) {
		if unit < 0 {
			return
		}
		if unit < best.Unit.Amount || (unit == best.Unit.Amount && sourceRank[source] > sourceRank[best.Source]) {
			best = Price{Unit: Money{Amount: unit, Currency: cur}, Source: source, Promotion: promo}
		}
	}
	if d == nil {
		return best
	}
	// The break of the quantity: the highest threshold reached.
	var brk *QuantityBreak
	for i := range d.Breaks {
		b := &d.Breaks[i]
		if b.MinQuantityMilli <= quantityMilli && (brk == nil || b.MinQuantityMilli > brk.MinQuantityMilli) {
			brk = b
		}
	}
	if brk != nil {
		offer(brk.Unit, PriceBreak, "")
	}
	// The contract tier of the quantity, among those in force.
	var con *ContractPrice
	for i := range d.Contract {
		c := &d.Contract[i]
		if c.inForce(at) && c.MinQuantityMilli <= quantityMilli && (con == nil || c.MinQuantityMilli > con.MinQuantityMilli) {
			con = c
		}
	}
	if con != nil {
		offer(con.Unit, PriceContract, "")
	}
	for i := range d.Promotions {
		pr := &d.Promotions[i]
		if !pr.Running(at) {
			continue
		}
		unit := pr.Unit
		if pr.PercentOffBP > 0 {
			unit = p.ListPrice.Amount - PercentOf(p.ListPrice.Amount, min(pr.PercentOffBP, 10000))
		}
		offer(unit, PricePromotion, pr.Name)
	}
	return best
}

// PriceStep is the unit price from MinQuantityMilli on, up to the next
// step's quantity.
type PriceStep struct {
	MinQuantityMilli int64
	Price            Price
}

// PriceSteps lists the customer's unit price of p at every quantity at
// the moment at, as steps: PriceFor depends on the quantity only through
// the thresholds of the breaks and contract tiers, so the price at q is
// the last step whose MinQuantityMilli is at most q (UnitPriceAt). The
// first step starts at 0; steps that change nothing are left out. The
// product page shows them and updates its live price from them without
// asking the server again.
func PriceSteps(p *CatalogProduct, d *PricingData, at time.Time) []PriceStep {
	thresholds := []int64{0}
	if d != nil {
		for _, b := range d.Breaks {
			thresholds = append(thresholds, b.MinQuantityMilli)
		}
		for i := range d.Contract {
			if d.Contract[i].inForce(at) {
				thresholds = append(thresholds, d.Contract[i].MinQuantityMilli)
			}
		}
	}
	slices.Sort(thresholds)
	thresholds = slices.Compact(thresholds)
	out := make([]PriceStep, 0, len(thresholds))
	for _, t := range thresholds {
		price := PriceFor(p, d, max(t, 1), at)
		if n := len(out); n > 0 && out[n-1].Price == price {
			continue
		}
		out = append(out, PriceStep{MinQuantityMilli: t, Price: price})
	}
	return out
}

// UnitPriceAt is the price of steps (PriceSteps) at quantityMilli.
func UnitPriceAt(steps []PriceStep, quantityMilli int64) Price {
	var p Price
	for _, s := range steps {
		if s.MinQuantityMilli <= quantityMilli || s.MinQuantityMilli == 0 {
			p = s.Price
		}
	}
	return p
}

// PromoCode is a code a customer enters for a discount on the order:
// PercentOffBP basis points of the subtotal, or AmountOff (minor units
// of Currency, at most the subtotal), from StartsAt (inclusive) to EndsAt
// (exclusive), on a subtotal of at least MinOrder, used at most
// UsageLimit times (0: no limit).
type PromoCode struct {
	Code, Description string
	PercentOffBP      int
	AmountOff         int64
	Currency          string
	StartsAt, EndsAt  time.Time
	MinOrder          int64
	UsageLimit        int
	TimesUsed         int
	Active            bool
}

// PromoDiscount is the discount c gives on a subtotal (the lines, before
// processing, freight and tax) at the moment at, or why it gives none:
// a message for the customer, naming what to change.
func PromoDiscount(c *PromoCode, subtotal Money, at time.Time) (Money, string) {
	none := Money{Currency: subtotal.Currency}
	switch {
	case c == nil || !c.Active:
		return none, "This code is not valid."
	case at.Before(c.StartsAt):
		return none, "This code is not valid yet."
	case !at.Before(c.EndsAt):
		return none, "This code has expired."
	case c.UsageLimit > 0 && c.TimesUsed >= c.UsageLimit:
		return none, "This code has been used up."
	case c.Currency != "" && subtotal.Currency != "" && c.Currency != subtotal.Currency:
		return none, "This code is for orders in " + c.Currency + "."
	case subtotal.Amount < c.MinOrder:
		return none, "This code needs an order of at least " + formatMinor(c.MinOrder, c.Currency) + "."
	}
	if c.PercentOffBP > 0 {
		return Money{Amount: PercentOf(subtotal.Amount, min(c.PercentOffBP, 10000)), Currency: subtotal.Currency}, ""
	}
	return Money{Amount: min(c.AmountOff, subtotal.Amount), Currency: subtotal.Currency}, ""
}

// formatMinor renders minor units as "123.45 USD" for messages.
func formatMinor(minor int64, currency string) string {
	frac := strconv.FormatInt(100+minor%100, 10)[1:]
	s := strconv.FormatInt(minor/100, 10) + "." + frac
	if currency != "" {
		s += " " + currency
	}
	return s
}
