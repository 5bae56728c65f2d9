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
