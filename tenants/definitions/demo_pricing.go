package definitions

import (
	"strings"
	"time"
)

// DemoPricing is the demo's customer pricing (issue 8), so that the shop
// of `make run` shows every kind of price: list-price quantity breaks on
// every product, the first customer's contract prices on two grades (with
// a volume tier), a running promotion on one grade and a promo code.
type DemoPricing struct {
	Breaks     []PriceBreakRow
	Contract   []ContractPriceRow
	Promotions []PromotionRow
	PromoCodes []PromoCodeRow
	Processing []ProcessingOptionRow
}

// PriceBreakRow is everyone's unit price of a product from MinQuantity on.
type PriceBreakRow struct {
	ProductID   string
	MinQuantity Milli
	UnitPrice   int64
}

// ContractPriceRow is a customer's contract price of a product.
type ContractPriceRow struct {
	ID, ExternalID, CustomerID, ProductID string
	MinQuantity                           Milli
	UnitPrice                             int64
}

// PromotionRow is a promotion of one product (PercentOffBP off its list
// price) from StartsAt to EndsAt.
type PromotionRow struct {
	ID, ExternalID, ProductID, Name string
	PercentOffBP                    int
	StartsAt, EndsAt                time.Time
}

// PromoCodeRow is a promo code for orders of at least MinOrder.
type PromoCodeRow struct {
	ID, ExternalID, Code, Description string
	PercentOffBP                      int
	Currency                          string
	StartsAt, EndsAt                  time.Time
	MinOrder                          int64
	UsageLimit                        int
}

// ProcessingOptionRow is processing a product is offered with, charged
// once per line.
type ProcessingOptionRow struct {
	ProductID, Code, Name string
	Charge                int64
}

// Demo pricing rules, as percentages of the list price.
const (
	demoBreak1Qty, demoBreak1Pct = 10, 95
	demoBreak2Qty, demoBreak2Pct = 25, 88
	demoContractPct              = 92
	demoContractTierQty          = 100
	demoContractTierPct          = 82
	demoPromotionBP              = 1500
)

// demoContractGrades get the first customer's contract prices;
// demoPromotionGrades the running promotion.
var (
	demoContractGrades  = map[string]bool{"A36": true, "6061-T6": true}
	demoPromotionGrades = map[string]bool{"5052-H32": true, "A1011-CS": true}
)

func pct(amount int64, p int64) int64 { return (amount*p + 50) / 100 }

// pricing fills ds.Pricing from the catalog and the customers.
func (g *gen) pricing() {
	ds := g.ds
	var first string
	if len(g.customers) > 0 {
		first = g.customers[0].row.ID
	}
	for _, pi := range g.products {
		p := pi.row
		ds.Pricing.Breaks = append(ds.Pricing.Breaks,
			PriceBreakRow{ProductID: p.ID, MinQuantity: demoBreak1Qty * 1000, UnitPrice: pct(p.ListPrice, demoBreak1Pct)},
			PriceBreakRow{ProductID: p.ID, MinQuantity: demoBreak2Qty * 1000, UnitPrice: pct(p.ListPrice, demoBreak2Pct)})
		if first != "" && demoContractGrades[p.Grade] {
			ds.Pricing.Contract = append(ds.Pricing.Contract,
				ContractPriceRow{ID: g.id("contract-price", first, p.Code, "0"), ExternalID: "CP-" + p.Code, CustomerID: first, ProductID: p.ID,
					UnitPrice: pct(p.ListPrice, demoContractPct)},
				ContractPriceRow{ID: g.id("contract-price", first, p.Code, "100"), ExternalID: "CP-" + p.Code + "-100", CustomerID: first,
					ProductID: p.ID, MinQuantity: demoContractTierQty * 1000, UnitPrice: pct(p.ListPrice, demoContractTierPct)})
		}
		if demoPromotionGrades[p.Grade] {
			ds.Pricing.Promotions = append(ds.Pricing.Promotions, PromotionRow{ID: g.id("promotion", p.Code), ExternalID: "PROMO-" + p.Code,
				ProductID: p.ID, Name: "Winter sale", PercentOffBP: demoPromotionBP, StartsAt: g.today.AddDate(0, 0, -7), EndsAt: g.today.AddDate(0, 1, 0)})
		}
		switch {
		case strings.Contains(p.Form, "bar"), strings.Contains(p.Form, "tube"), p.Form == "pipe", p.Form == "angle", p.Form == "channel":
			ds.Pricing.Processing = append(ds.Pricing.Processing, ProcessingOptionRow{ProductID: p.ID, Code: "saw-cut", Name: "Saw cut to length", Charge: 1250},
				ProcessingOptionRow{ProductID: p.ID, Code: "deburr", Name: "Deburr ends", Charge: 500})
		case p.Form == "plate", p.Form == "sheet":
			ds.Pricing.Processing = append(ds.Pricing.Processing, ProcessingOptionRow{ProductID: p.ID, Code: "shear", Name: "Shear to size", Charge: 2500})
		}
	}
	ds.Pricing.PromoCodes = append(ds.Pricing.PromoCodes, PromoCodeRow{ID: g.id("promo-code", "WELCOME10"), ExternalID: "PC-WELCOME10",
		Code: "WELCOME10", Description: "10% off your order of 500.00 or more", PercentOffBP: 1000, Currency: ds.Currency,
		StartsAt: g.today.AddDate(0, 0, -30), EndsAt: g.today.AddDate(0, 3, 0), MinOrder: 50_000, UsageLimit: 500})
}
