package portal

import (
	"math"
	"testing"
	"time"
)

func TestPriceFor(t *testing.T) {
	p := &CatalogProduct{ListPrice: Money{Amount: 1000, Currency: "USD"}}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	breaks := []QuantityBreak{{MinQuantityMilli: 10_000, Unit: 900}, {MinQuantityMilli: 50_000, Unit: 800}}
	contract := []ContractPrice{{MinQuantityMilli: 0, Unit: 850}, {MinQuantityMilli: 100_000, Unit: 700}}
	promo := Promotion{Name: "Winter", PercentOffBP: 2500, StartsAt: at.Add(-time.Hour), EndsAt: at.Add(time.Hour)}
	for _, c := range []struct {
		name   string
		d      *PricingData
		qty    int64
		at     time.Time
		unit   int64
		source string
		promo  string
	}{
		{"no data: list", nil, 1000, at, 1000, PriceList, ""},
		{"zero data: list", &PricingData{}, 1000, at, 1000, PriceList, ""},
		{"below the first break: list", &PricingData{Breaks: breaks}, 9_999, at, 1000, PriceList, ""},
		{"at the first break", &PricingData{Breaks: breaks}, 10_000, at, 900, PriceBreak, ""},
		{"between breaks", &PricingData{Breaks: breaks}, 49_999, at, 900, PriceBreak, ""},
		{"at the second break", &PricingData{Breaks: breaks}, 50_000, at, 800, PriceBreak, ""},
		{"above every break", &PricingData{Breaks: breaks}, 1_000_000, at, 800, PriceBreak, ""},
		{"fraction below the break", &PricingData{Breaks: breaks}, 9_999, at, 1000, PriceList, ""},
		{"breaks in any order", &PricingData{Breaks: []QuantityBreak{breaks[1], breaks[0]}}, 20_000, at, 900, PriceBreak, ""},
		{"contract beats list", &PricingData{Contract: contract[:1]}, 1000, at, 850, PriceContract, ""},
		{"contract beats a higher break", &PricingData{Contract: contract[:1], Breaks: breaks}, 10_000, at, 850, PriceContract, ""},
		{"a lower break beats the contract", &PricingData{Contract: contract[:1], Breaks: breaks}, 50_000, at, 800, PriceBreak, ""},
		{"contract tier reached", &PricingData{Contract: contract, Breaks: breaks}, 100_000, at, 700, PriceContract, ""},
		{"contract tier not reached", &PricingData{Contract: contract}, 99_999, at, 850, PriceContract, ""},
		{"contract tier alone, not reached: list", &PricingData{Contract: contract[1:]}, 99_999, at, 1000, PriceList, ""},
		{"contract above list: list", &PricingData{Contract: []ContractPrice{{Unit: 1100}}}, 1000, at, 1000, PriceList, ""},
		{"contract equal to list: contract", &PricingData{Contract: []ContractPrice{{Unit: 1000}}}, 1000, at, 1000, PriceContract, ""},
		{"contract not yet in force", &PricingData{Contract: []ContractPrice{{Unit: 500, ValidFrom: day("2026-12-08")}}}, 1000, at, 1000, PriceList, ""},
		{"contract from today", &PricingData{Contract: []ContractPrice{{Unit: 500, ValidFrom: day("2026-12-07")}}}, 1000, at, 500, PriceContract, ""},
		{"contract to today (inclusive)", &PricingData{Contract: []ContractPrice{{Unit: 500, ValidTo: day("2026-12-07")}}}, 1000, at, 500, PriceContract, ""},
		{"contract ended yesterday", &PricingData{Contract: []ContractPrice{{Unit: 500, ValidTo: day("2026-12-06")}}}, 1000, at, 1000, PriceList, ""},
		{"contract last second of its last day", &PricingData{Contract: []ContractPrice{{Unit: 500, ValidTo: day("2026-12-07")}}}, 1000,
			time.Date(2026, 12, 7, 23, 59, 59, 0, time.UTC), 500, PriceContract, ""},
		{"expired tier falls back to the tier in force", &PricingData{Contract: []ContractPrice{{Unit: 850},
			{MinQuantityMilli: 10_000, Unit: 600, ValidTo: day("2026-12-01")}}}, 20_000, at, 850, PriceContract, ""},
		{"promotion percent", &PricingData{Promotions: []Promotion{promo}}, 1000, at, 750, PricePromotion, "Winter"},
		{"promotion at its start (inclusive)", &PricingData{Promotions: []Promotion{promo}}, 1000, promo.StartsAt, 750, PricePromotion, "Winter"},
		{"promotion a nanosecond before its start", &PricingData{Promotions: []Promotion{promo}}, 1000, promo.StartsAt.Add(-1), 1000, PriceList, ""},
		{"promotion at its end (exclusive)", &PricingData{Promotions: []Promotion{promo}}, 1000, promo.EndsAt, 1000, PriceList, ""},
		{"promotion a nanosecond before its end", &PricingData{Promotions: []Promotion{promo}}, 1000, promo.EndsAt.Add(-1), 750, PricePromotion, "Winter"},
		{"promotion beats contract", &PricingData{Contract: contract, Promotions: []Promotion{promo}}, 1000, at, 750, PricePromotion, "Winter"},
		{"contract tier beats promotion", &PricingData{Contract: contract, Promotions: []Promotion{promo}}, 100_000, at, 700, PriceContract, ""},
		{"promotion fixed price", &PricingData{Promotions: []Promotion{{Name: "Clearance", Unit: 600, StartsAt: promo.StartsAt, EndsAt: promo.EndsAt}}},
			1000, at, 600, PricePromotion, "Clearance"},
		{"best of two promotions", &PricingData{Promotions: []Promotion{promo, {Name: "Flash", PercentOffBP: 3000, StartsAt: promo.StartsAt, EndsAt: promo.EndsAt}}},
			1000, at, 700, PricePromotion, "Flash"},
		{"promotion equal to contract: contract", &PricingData{Contract: []ContractPrice{{Unit: 750}}, Promotions: []Promotion{promo}}, 1000, at, 750, PriceContract, ""},
		{"promotion equal to break: promotion", &PricingData{Breaks: []QuantityBreak{{MinQuantityMilli: 1000, Unit: 750}}, Promotions: []Promotion{promo}},
			1000, at, 750, PricePromotion, "Winter"},
		{"100% off", &PricingData{Promotions: []Promotion{{Name: "Free", PercentOffBP: 10000, StartsAt: promo.StartsAt, EndsAt: promo.EndsAt}}},
			1000, at, 0, PricePromotion, "Free"},
		{"percent rounds half up", &PricingData{Promotions: []Promotion{{Name: "Odd", PercentOffBP: 1250, StartsAt: promo.StartsAt, EndsAt: promo.EndsAt}}},
			1000, at, 875, PricePromotion, "Odd"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := PriceFor(p, c.d, c.qty, c.at)
			if got.Unit.Amount != c.unit || got.Source != c.source || got.Promotion != c.promo || got.Unit.Currency != "USD" {
				t.Errorf("PriceFor(qty %d) = %+v, want %d %s %q", c.qty, got, c.unit, c.source, c.promo)
			}
		})
	}
}

func TestPercentOfRoundsAndDoesNotOverflow(t *testing.T) {
	for _, c := range []struct {
		amount int64
		bp     int
		want   int64
	}{{1000, 2500, 250}, {1, 5000, 1}, {1, 4999, 0}, {999, 3333, 333}, {0, 5000, 0}, {1000, 0, 0},
		{math.MaxInt64, 10000, math.MaxInt64}, {math.MaxInt64, 5000, math.MaxInt64/2 + 1}} {
		if got := PercentOf(c.amount, c.bp); got != c.want {
			t.Errorf("PercentOf(%d, %d) = %d, want %d", c.amount, c.bp, got, c.want)
		}
	}
}

// TestPriceStepsMatchPriceFor: the steps the product page prices from
// agree with PriceFor at every quantity around every threshold.
func TestPriceStepsMatchPriceFor(t *testing.T) {
	p := &CatalogProduct{ListPrice: Money{Amount: 1000, Currency: "USD"}}
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d := &PricingData{
		Breaks:     []QuantityBreak{{MinQuantityMilli: 10_000, Unit: 900}, {MinQuantityMilli: 50_000, Unit: 800}, {MinQuantityMilli: 60_000, Unit: 800}},
		Contract:   []ContractPrice{{Unit: 950}, {MinQuantityMilli: 20_000, Unit: 850}, {MinQuantityMilli: 100_000, Unit: 700}},
		Promotions: []Promotion{{Name: "Winter", PercentOffBP: 1000, StartsAt: at.Add(-time.Hour), EndsAt: at.Add(time.Hour)}},
	}
	steps := PriceSteps(p, d, at)
	want := []struct {
		min    int64
		unit   int64
		source string
	}{{0, 900, PricePromotion}, {20_000, 850, PriceContract}, {50_000, 800, PriceBreak}, {100_000, 700, PriceContract}}
	if len(steps) != len(want) {
		t.Fatalf("steps %+v, want %d", steps, len(want))
	}
	for i, w := range want {
		if s := steps[i]; s.MinQuantityMilli != w.min || s.Price.Unit.Amount != w.unit || s.Price.Source != w.source {
			t.Errorf("step %d: %+v, want %+v", i, s, w)
		}
	}
	for _, q := range []int64{1, 999, 1000, 9_999, 10_000, 10_001, 19_999, 20_000, 49_999, 50_000, 59_999, 60_000, 99_999, 100_000, 5_000_000} {
		if got, want := UnitPriceAt(steps, q), PriceFor(p, d, q, at); got != want {
			t.Errorf("qty %d: steps say %+v, PriceFor %+v", q, got, want)
		}
	}
	if s := PriceSteps(p, nil, at); len(s) != 1 || s[0].Price.Source != PriceList || s[0].Price.Unit.Amount != 1000 {
		t.Errorf("no data: %+v", s)
	}
}

func TestPromoDiscount(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	base := PromoCode{Code: "WINTER10", PercentOffBP: 1000, Currency: "USD", StartsAt: at.Add(-24 * time.Hour), EndsAt: at.Add(24 * time.Hour),
		MinOrder: 10_000, Active: true}
	usd := func(n int64) Money { return Money{Amount: n, Currency: "USD"} }
	with := func(f func(c *PromoCode)) *PromoCode { c := base; f(&c); return &c }
	for _, c := range []struct {
		name     string
		code     *PromoCode
		subtotal Money
		at       time.Time
		want     int64
		problem  string
	}{
		{"percent", &base, usd(50_000), at, 5_000, ""},
		{"percent rounds half up", &base, usd(10_005), at, 1_001, ""},
		{"at the minimum", &base, usd(10_000), at, 1_000, ""},
		{"below the minimum", &base, usd(9_999), at, 0, "This code needs an order of at least 100.00 USD."},
		{"unknown", nil, usd(50_000), at, 0, "This code is not valid."},
		{"inactive", with(func(c *PromoCode) { c.Active = false }), usd(50_000), at, 0, "This code is not valid."},
		{"not yet", &base, usd(50_000), base.StartsAt.Add(-1), 0, "This code is not valid yet."},
		{"at its start", &base, usd(50_000), base.StartsAt, 5_000, ""},
		{"at its end", &base, usd(50_000), base.EndsAt, 0, "This code has expired."},
		{"just before its end", &base, usd(50_000), base.EndsAt.Add(-1), 5_000, ""},
		{"used up", with(func(c *PromoCode) { c.UsageLimit, c.TimesUsed = 3, 3 }), usd(50_000), at, 0, "This code has been used up."},
		{"one use left", with(func(c *PromoCode) { c.UsageLimit, c.TimesUsed = 3, 2 }), usd(50_000), at, 5_000, ""},
		{"amount", with(func(c *PromoCode) { c.PercentOffBP, c.AmountOff = 0, 2_500 }), usd(50_000), at, 2_500, ""},
		{"amount capped at the subtotal", with(func(c *PromoCode) { c.PercentOffBP, c.AmountOff, c.MinOrder = 0, 2_500, 0 }), usd(1_000), at, 1_000, ""},
		{"other currency", &base, Money{Amount: 50_000, Currency: "EUR"}, at, 0, "This code is for orders in USD."},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, problem := PromoDiscount(c.code, c.subtotal, c.at)
			if got.Amount != c.want || problem != c.problem || got.Currency != c.subtotal.Currency {
				t.Errorf("PromoDiscount = %+v %q, want %d %q", got, problem, c.want, c.problem)
			}
		})
	}
}
