package portal

import (
	"math"
	"testing"

	"example.com/portal/tenants"
)

func TestEstimateFreightTax(t *testing.T) {
	s := &tenants.Settings{
		Freight: map[string]tenants.FreightRate{
			"standard": {AmountMinor: 7500, FreeOverMinor: 100_000},
			"express":  {AmountMinor: 19_500},
			"pickup":   {AmountMinor: 0},
		},
		TaxRates: map[string]int64{"US-IL": 10_250, "US": 6_000, "CA-ON": 13_000},
	}
	taxed := *s
	taxed.FreightTaxable = true
	usd := func(a int64) Money { return Money{Amount: a, Currency: "USD"} }
	for _, c := range []struct {
		name     string
		s        *tenants.Settings
		to       ShipTo
		goods    int64
		exempt   bool
		freight  int64
		tax      int64
		key      string
		free     bool
		rateMill int64
	}{
		{name: "region rate", s: s, to: ShipTo{Method: "standard", Country: "US", Region: "IL"}, goods: 50_000,
			freight: 7500, tax: 5125, key: "US-IL", rateMill: 10_250},
		{name: "region in lower case", s: s, to: ShipTo{Method: "standard", Country: "us", Region: " il "}, goods: 50_000,
			freight: 7500, tax: 5125, key: "US-IL", rateMill: 10_250},
		{name: "country fallback", s: s, to: ShipTo{Method: "standard", Country: "US", Region: "WI"}, goods: 50_000,
			freight: 7500, tax: 3000, key: "US", rateMill: 6_000},
		{name: "country without region", s: s, to: ShipTo{Method: "express", Country: "US"}, goods: 10_000,
			freight: 19_500, tax: 600, key: "US", rateMill: 6_000},
		{name: "no rate for the country", s: s, to: ShipTo{Method: "express", Country: "MX", Region: "NL"}, goods: 10_000,
			freight: 19_500},
		{name: "region key needs its country", s: s, to: ShipTo{Method: "standard", Country: "CA", Region: "QC"}, goods: 10_000,
			freight: 7500},
		{name: "free over the threshold", s: s, to: ShipTo{Method: "standard", Country: "CA", Region: "ON"}, goods: 100_000,
			free: true, tax: 13_000, key: "CA-ON", rateMill: 13_000},
		{name: "just under the threshold", s: s, to: ShipTo{Method: "standard", Country: "CA", Region: "ON"}, goods: 99_999,
			freight: 7500, tax: 13_000, key: "CA-ON", rateMill: 13_000}, // 12999.87 rounds up
		{name: "express has no threshold", s: s, to: ShipTo{Method: "express", Country: "US", Region: "IL"}, goods: 1_000_000,
			freight: 19_500, tax: 102_500, key: "US-IL", rateMill: 10_250},
		{name: "pickup is free", s: s, to: ShipTo{Method: "pickup", Country: "US", Region: "IL"}, goods: 20_000,
			tax: 2050, key: "US-IL", rateMill: 10_250},
		{name: "tax exempt", s: s, to: ShipTo{Method: "standard", Country: "US", Region: "IL"}, goods: 50_000, exempt: true,
			freight: 7500},
		{name: "freight taxable", s: &taxed, to: ShipTo{Method: "standard", Country: "US", Region: "IL"}, goods: 50_000,
			freight: 7500, tax: 5894, key: "US-IL", rateMill: 10_250}, // 57500 × 10.25 % = 5893.75
		{name: "freight taxable, waived freight", s: &taxed, to: ShipTo{Method: "standard", Country: "US", Region: "IL"}, goods: 100_000,
			free: true, tax: 10_250, key: "US-IL", rateMill: 10_250},
		{name: "half rounds up", s: s, to: ShipTo{Method: "pickup", Country: "US"}, goods: 25, // 1.5
			tax: 2, key: "US", rateMill: 6_000},
		{name: "negative goods are not taxed", s: s, to: ShipTo{Method: "pickup", Country: "US"}, goods: -100,
			key: "US", rateMill: 6_000},
		{name: "unknown method has no freight", s: s, to: ShipTo{Method: "drone", Country: "US"}, goods: 100,
			tax: 6, key: "US", rateMill: 6_000},
		{name: "no settings", s: nil, to: ShipTo{Method: "standard", Country: "US", Region: "IL"}, goods: 50_000},
		{name: "nothing configured", s: &tenants.Settings{}, to: ShipTo{Method: "standard", Country: "US"}, goods: 50_000},
		{name: "huge order does not overflow", s: s, to: ShipTo{Method: "pickup", Country: "US"}, goods: math.MaxInt64 / 2,
			tax: 276701161105643274, key: "US", rateMill: 6_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := EstimateFreightTax(c.s, c.to, usd(c.goods), c.exempt)
			want := FreightTax{Freight: usd(c.freight), Tax: usd(c.tax), FreeFreight: c.free, TaxRateMilli: c.rateMill, TaxKey: c.key}
			if got != want {
				t.Errorf("EstimateFreightTax = %+v, want %+v", got, want)
			}
		})
	}
}

func TestShipToValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    ShipTo
		field string // "" when valid
	}{
		{"saved address", ShipTo{Method: "standard", AddressID: "0193a6a2-7f3e-7c4b-9d2e-1f2a3b4c5d6e"}, ""},
		{"country and region", ShipTo{Method: "express", Country: "us", Region: "il"}, ""},
		{"no method", ShipTo{Country: "US"}, "shipping_method"},
		{"unknown method", ShipTo{Method: "drone", Country: "US"}, "shipping_method"},
		{"no address nor country", ShipTo{Method: "standard"}, "ship_country"},
		{"bad country", ShipTo{Method: "standard", Country: "USA"}, "ship_country"},
		{"bad address id", ShipTo{Method: "standard", AddressID: "home"}, "shipping_address_id"},
		{"address and country", ShipTo{Method: "standard", AddressID: "0193a6a2-7f3e-7c4b-9d2e-1f2a3b4c5d6e", Country: "US"}, "ship_country"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.in.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			pe, ok := err.(*Error)
			if !ok || len(pe.Fields) == 0 || pe.Fields[0].Field != c.field {
				t.Fatalf("Validate = %v, want a field error of %s", err, c.field)
			}
		})
	}
}
