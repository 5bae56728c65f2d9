package brand

import (
	"testing"

	"example.com/portal/tenants"
)

func TestFromTenantNormalizes(t *testing.T) {
	b := FromTenant(&tenants.Tenant{
		Slug: "acme",
		Name: " Acme Metals ",
		Branding: tenants.Branding{
			PrimaryColor:    "#c0392b",
			AccentColor:     "red;}body{display:none", // never reaches a style
			BackgroundColor: "",
			SupportEmail:    "help@acme.example",
		},
	})
	want := Brand{
		Slug: "acme", Name: "Acme Metals", ShortName: "Acme Metals",
		PrimaryColor: "#c0392b", AccentColor: DefaultAccentColor, BackgroundColor: DefaultBackgroundColor,
		SupportEmail: "help@acme.example",
	}
	if b != want {
		t.Errorf("FromTenant = %+v\nwant %+v", b, want)
	}
}

func TestEnvRoundTrip(t *testing.T) {
	in := Brand{Slug: "beta", Name: "Beta Steel", ShortName: "Beta", LogoURL: "/web/tenants/beta/logo.svg",
		PrimaryColor: "#1f6feb", AccentColor: "#ffaa00", BackgroundColor: "#f3f7ff",
		SupportEmail: "s@beta.example", SupportPhone: "+1 555 0100"}
	env := in.EnvVars()
	if got := FromEnv(func(k string) string { return env[k] }); got != in {
		t.Errorf("FromEnv(EnvVars()) = %+v, want %+v", got, in)
	}
	if got := FromEnv(func(string) string { return "" }); got != Default() {
		t.Errorf("FromEnv(empty) = %+v, want Default()", got)
	}
}

func TestResolveHost(t *testing.T) {
	old := Resolve
	t.Cleanup(func() { Resolve = old })
	var asked string
	Resolve = func(host string) (Brand, bool) {
		asked = host
		if host == "acme.example" {
			return Brand{Name: "Acme Metals", PrimaryColor: "#c0392b"}, true
		}
		return Brand{}, false
	}

	b := resolveHost("Acme.Example:8443")
	if asked != "acme.example" {
		t.Errorf("Resolve got host %q, want it normalised to acme.example", asked)
	}
	if b.Name != "Acme Metals" || b.PrimaryColor != "#c0392b" || b.AccentColor != DefaultAccentColor {
		t.Errorf("resolveHost = %+v, want Acme with default accent", b)
	}
	if b := resolveHost("unknown.example"); b != Default() {
		t.Errorf("unknown host = %+v, want Default()", b)
	}
	Resolve = nil
	if b := resolveHost("acme.example"); b != Default() {
		t.Errorf("nil Resolve = %+v, want Default()", b)
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Acme Metals":           "AM",
		"northwind":             "N",
		"Beta Steel & Aluminum": "BS",
		"Ölwerk Süd":            "ÖS",
		"  ":                    "",
		"3M Distribution":       "3D",
	} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}
