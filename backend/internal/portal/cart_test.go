package portal

import (
	"slices"
	"testing"
	"time"
)

func TestCartLineConfigKey(t *testing.T) {
	a := CartLineInput{UOM: "ft", Dimensions: map[string]string{"length": "120", "width": "2"}, Processing: []string{"saw_cut", "deburr"}}
	b := CartLineInput{UOM: "ft", Dimensions: map[string]string{"width": "2", "length": "120"}, Processing: []string{"deburr", "saw_cut"}}
	c := CartLineInput{UOM: "ft", Dimensions: map[string]string{"length": "60", "width": "2"}, Processing: []string{"saw_cut", "deburr"}}
	if a.ConfigKey() != b.ConfigKey() || a.ConfigKey() == c.ConfigKey() || (&CartLineInput{UOM: "ft"}).ConfigKey() == a.ConfigKey() {
		t.Errorf("keys: %q %q %q", a.ConfigKey(), b.ConfigKey(), c.ConfigKey())
	}
}

func cartFieldNames(err error) []string {
	var out []string
	if e, ok := err.(*Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestValidateCartLines(t *testing.T) {
	ok := "0190a5c2-0000-7000-8000-000000000001"
	for _, c := range []struct {
		name  string
		lines []CartLineInput
		want  []string
	}{
		{"none", nil, []string{"items"}},
		{"good", []CartLineInput{{ProductID: ok, Quantity: "2.5", Dimensions: map[string]string{"length": "120"}, Processing: []string{"saw_cut"}}}, nil},
		{"bad id and quantity", []CartLineInput{{ProductID: "x", Quantity: "1.2345"}}, []string{"items[0].product_id", "items[0].quantity"}},
		{"zero", []CartLineInput{{ProductID: ok, Quantity: "0"}}, []string{"items[0].quantity"}},
		{"bad dimension", []CartLineInput{{ProductID: ok, Quantity: "1", Dimensions: map[string]string{"length": "-1"}}}, []string{"items[0].dimensions.length"}},
		{"bad processing", []CartLineInput{{ProductID: ok, Quantity: "1", Processing: []string{"Saw Cut"}}}, []string{"items[0].processing"}},
	} {
		if got := cartFieldNames(ValidateCartLines("items", c.lines)); !slices.Equal(got, c.want) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseQuickOrderCSV(t *testing.T) {
	lines, err := ParseQuickOrderCSV("code,quantity\r\nPL-1, 2\n\n\"RB-2\",10,extra\n")
	if err != nil || len(lines) != 2 || lines[0] != (QuickOrderLine{Code: "PL-1", Quantity: "2", CSVLine: 2}) || lines[1].CSVLine != 4 {
		t.Fatalf("lines = %+v, %v", lines, err)
	}
	if _, err := ParseQuickOrderCSV("PL-1\n"); !slices.Equal(cartFieldNames(err), []string{"csv.line1.quantity"}) {
		t.Errorf("short row: %v", err)
	}
	if _, err := ParseQuickOrderCSV("\"PL-1,2\n"); !slices.Equal(cartFieldNames(err), []string{"csv"}) {
		t.Errorf("broken quoting: %v", err)
	}
}

func TestCheckoutInputValidate(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	in := CheckoutInput{IdempotencyKey: "short", ShippingMethod: "teleport", Payment: "cash", RequestedDate: "2026-12-07", Now: now}
	want := []string{"idempotency_key", "shipping_address_id", "shipping_method", "requested_date", "payment"}
	if got := cartFieldNames(in.Validate()); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	good := CheckoutInput{IdempotencyKey: "checkout-key-0001", ShippingAddress: &PostalAddress{Line1: "1 Main", City: "Erie", Country: "us"},
		ShippingMethod: "pickup", Payment: PayOnAccount, RequestedDate: "2026-12-08", PromoCode: " spring10 ", Now: now}
	if err := good.Validate(); err != nil || good.PromoCode != "SPRING10" || good.ShippingAddress.Country != "US" {
		t.Errorf("good input: %v %+v", err, good)
	}
	g := GuestCheckoutInput{CheckoutInput: CheckoutInput{IdempotencyKey: "guest-key-000001", ShippingMethod: "standard", Now: now,
		PaymentMethodID: "pm"}, Contact: GuestContact{Name: "", Email: "x"}}
	if got := cartFieldNames(g.Validate()); !slices.Equal(got, []string{"shipping_address", "payment_method_id", "contact.name", "contact.email", "items"}) {
		t.Errorf("guest fields %v", got)
	}
}
