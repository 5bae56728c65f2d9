package definitions

import (
	"reflect"
	"testing"
)

func TestDemoParseDecimal(t *testing.T) {
	for in, want := range map[string]int64{"8.25": 825, "13": 1300, "0": 0, "150000.00": 15000000, "0.5": 50} {
		if got, err := parseDecimal(in, 2); err != nil || got != want {
			t.Errorf("parseDecimal(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1,000", "1.234", "-5", "eight", ".5", "1e3"} {
		if _, err := parseDecimal(in, 2); err == nil {
			t.Errorf("parseDecimal(%q) accepted", in)
		}
	}
}

func TestDemoDimensions(t *testing.T) {
	cases := map[string]struct {
		form, size string
		want       map[string]float64
	}{
		"plate":  {"plate", `1/4" x 48" x 96"`, map[string]float64{"thickness": 0.25, "width": 48, "length": 96}},
		"bar":    {"round_bar", `1-1/2" dia x 12'`, map[string]float64{"diameter": 1.5, "length": 144}},
		"tube":   {"square_tube", `2" x 2" x 0.120" wall x 24'`, map[string]float64{"width": 2, "height": 2, "wall": 0.12, "length": 288}},
		"pipe":   {"pipe", `2" Sch 80 x 21'`, map[string]float64{"nps": 2, "schedule": 80, "length": 252, "od": 2.375, "wall": 0.218}},
		"beam":   {"beam", `W8 x 31# x 40'`, map[string]float64{"depth": 8, "weight_per_ft": 31, "length": 480}},
		"angle":  {"angle", `3" x 3" x 3/8" x 20'`, map[string]float64{"leg1": 3, "leg2": 3, "thickness": 0.375, "length": 240}},
		"sheets": {"sheet", `0.060" x 48" x 120"`, map[string]float64{"thickness": 0.06, "width": 48, "length": 120}},
	}
	for name, c := range cases {
		got, _, err := dimensions(c.form, forms[c.form], c.size)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: dimensions(%q) = %v, %v; want %v", name, c.size, got, err, c.want)
		}
	}
	for form, size := range map[string]string{
		"plate":     `1/4" x 48"`,        // a number short
		"round_bar": `1" dia x 144"`,     // length not in feet
		"pipe":      `7" Sch 40 x 21'`,   // no such nominal size
		"flat_bar":  `0" x 2" x 20'`,     // zero thickness
		"channel":   `C6 x 8.2 x 20 x 1`, // too many numbers
	} {
		if _, _, err := dimensions(form, forms[form], size); err == nil {
			t.Errorf("dimensions(%s, %q) accepted", form, size)
		}
	}
}

func TestDemoOrderSpec(t *testing.T) {
	cases := map[string]orderSpec{
		"draft":                     {status: "draft"},
		"complete":                  {status: "complete", shipment: "pending"},
		"complete/label_created":    {status: "complete", shipment: "label_created"},
		"shipped":                   {status: "shipped", shipment: "shipped", invoice: "open"},
		"invoiced":                  {status: "invoiced", shipment: "delivered", invoice: "paid"},
		"invoiced/overdue":          {status: "invoiced", shipment: "delivered", invoice: "overdue"},
		"shipped/returned/paid":     {status: "shipped", shipment: "returned", invoice: "paid"},
		"partial_shipped/delivered": {status: "partial_shipped", shipment: "delivered", invoice: "open"},
	}
	for in, want := range cases {
		if got, err := parseOrderSpec(in); err != nil || got != want {
			t.Errorf("parseOrderSpec(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "teleported", "draft/paid", "complete/delivered", "shipped/packed", "invoiced/paid/paid", "delivered/overdue/x"} {
		if _, err := parseOrderSpec(in); err == nil {
			t.Errorf("parseOrderSpec(%q) accepted", in)
		}
	}
}

func TestDemoMilli(t *testing.T) {
	if s := Milli(12500).String(); s != "12.500" {
		t.Errorf("Milli(12500) = %s", s)
	}
	if s := Milli(7).String(); s != "0.007" {
		t.Errorf("Milli(7) = %s", s)
	}
	if v := Milli(13068).Times(6200); v != 81022 { // 13.068 cwt at $62.00 = $810.216
		t.Errorf("13.068 × 6200 = %d, want 81022", v)
	}
}
