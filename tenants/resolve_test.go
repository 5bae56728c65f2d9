package tenants

import (
	"strings"
	"testing"
)

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"Acme.Localhost:8080":     "acme.localhost",
		"portal.acme-metals.com.": "portal.acme-metals.com",
		"[::1]:8080":              "::1",
		" northwind.localhost ":   "northwind.localhost",
		"northwind.localhost":     "northwind.localhost",
	} {
		if got := NormalizeHost(in); got != want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugFromHost(t *testing.T) {
	tests := []struct {
		host, base, want string
		ok               bool
	}{
		{"acme.localhost:8080", "localhost", "acme", true},
		{"ACME.portal.example", "portal.example", "acme", true},
		{"a.b.portal.example", "portal.example", "", false}, // only one label deep
		{"portal.example", "portal.example", "", false},
		{"acme.evil.example", "portal.example", "", false},
		{"acmeportal.example", "portal.example", "", false},
		{"acme.localhost", "", "", false},
		{"-bad.localhost", "localhost", "", false},
	}
	for _, tt := range tests {
		got, ok := SlugFromHost(tt.host, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SlugFromHost(%q, %q) = %q, %v; want %q, %v", tt.host, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	good := Tenant{Slug: "acme", Name: "Acme", Status: StatusActive, Hosts: []string{"acme.localhost"},
		Branding: Branding{PrimaryColor: "#112233", AccentColor: "#445566", BackgroundColor: "#ffffff"}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid tenant: %v", err)
	}
	bad := good
	bad.Slug, bad.Name, bad.Hosts = "Bad Slug", " ", []string{"Acme.Localhost:80"}
	bad.Branding.PrimaryColor = "red"
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid tenant passed validation")
	}
	for _, field := range []string{"slug", "name", "hosts", "branding.primary_color"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name field %s", err, field)
		}
	}
}

func TestValidHost(t *testing.T) {
	for host, want := range map[string]bool{
		"acme.localhost":                true,
		"portal.acme-metals.com":        true,
		"":                              false,
		"a..b":                          false,
		"-a.example":                    false,
		"a-.example":                    false,
		"evil.example/x":                false,
		"caf\u00e9.example":             false,
		strings.Repeat("a", 64):         false,
		strings.Repeat("a.", 127) + "a": false,
	} {
		if got := ValidHost(host); got != want {
			t.Errorf("ValidHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestValidateFreightTaxSettings(t *testing.T) {
	good := Tenant{Slug: "acme", Name: "Acme", Status: StatusActive,
		Branding: Branding{PrimaryColor: "#112233", AccentColor: "#445566", BackgroundColor: "#ffffff"},
		Settings: Settings{Freight: map[string]FreightRate{"standard": {AmountMinor: 7500, FreeOverMinor: 250000}, "pickup": {}},
			TaxRates: map[string]int64{"US-IL": 8250, "US": 0, "CA-ON": 13000}}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
	for name, s := range map[string]Settings{
		"settings.freight.drone":      {Freight: map[string]FreightRate{"drone": {AmountMinor: 1}}},
		"settings.freight.express":    {Freight: map[string]FreightRate{"express": {AmountMinor: -1}}},
		"settings.tax_rates.us-il":    {TaxRates: map[string]int64{"us-il": 8250}},
		"settings.tax_rates.USA":      {TaxRates: map[string]int64{"USA": 8250}},
		"settings.tax_rates.US-WI":    {TaxRates: map[string]int64{"US-WI": 100_001}},
		"settings.tax_rates.US-WI-NW": {TaxRates: map[string]int64{"US-WI-NW": 1}},
	} {
		bad := good
		bad.Settings = s
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want it named", name, err)
		}
	}
}
