package definitions_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"example.com/portal/tenants"
	"example.com/portal/tenants/definitions"
)

func TestLoadDemoDefinitions(t *testing.T) {
	defs, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, d := range defs {
		slugs = append(slugs, d.Slug)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.Slug, err)
		}
		if d.Demo == nil {
			t.Errorf("%s: no demo section", d.Slug)
		}
		if want := "/web/tenants/" + d.Slug + "/logo.svg"; d.Branding.LogoURL != want {
			t.Errorf("%s: logo_url = %q, want %q", d.Slug, d.Branding.LogoURL, want)
		}
		if d.Branding.IconURL != "" || d.Branding.IconLargeURL != "" {
			t.Errorf("%s: icon urls set; the server generates icons", d.Slug)
		}
		checkLogo(t, filepath.Join("..", "..", strings.TrimPrefix(d.Branding.LogoURL, "/")), d.Branding.PrimaryColor)
	}
	if strings.Join(slugs, ",") != "acme-metals,northwind-steel" {
		t.Fatalf("Load() slugs = %v, want acme-metals, northwind-steel in order", slugs)
	}

	acme, nw := defs[0], defs[1]
	if acme.Name != "Acme Metals" || nw.Name != "Northwind Steel Supply" {
		t.Errorf("names = %q, %q", acme.Name, nw.Name)
	}
	if acme.Branding.PrimaryColor == nw.Branding.PrimaryColor || acme.Branding.AccentColor == nw.Branding.AccentColor {
		t.Error("the demo tenants share colours; their portals must look different")
	}
	if want := (tenants.Settings{MFARequired: false, ChatEnabled: true, TimeZone: "America/Chicago", Currency: "USD", Locale: "en-US",
		// Freight and tax estimates (issue 8).
		Freight: map[string]tenants.FreightRate{"standard": {AmountMinor: 7500, FreeOverMinor: 250000}, "express": {AmountMinor: 19500},
			"pickup": {}},
		TaxRates: map[string]int64{"US-IL": 8250, "US-WI": 5500, "US-IN": 7000}}); !reflect.DeepEqual(acme.Settings, want) {
		t.Errorf("acme settings = %+v, want %+v", acme.Settings, want)
	}
	// Northwind is the storefront demo: visitors sign up, staff approve.
	if want := (tenants.Settings{MFARequired: true, ChatEnabled: false, TimeZone: "America/Toronto", Currency: "CAD", Locale: "en-CA",
		SelfRegistration: true, RegistrationApproval: true,
		GuestBrowse: true, PriceVisibility: "login_required",
		Freight: map[string]tenants.FreightRate{"standard": {AmountMinor: 9500, FreeOverMinor: 300000}, "express": {AmountMinor: 24500},
			"pickup": {}},
		TaxRates: map[string]int64{"CA-ON": 13000, "CA": 5000}, FreightTaxable: true}); !reflect.DeepEqual(nw.Settings, want) { // shop (issue 8): guests browse, prices after sign-in
		t.Errorf("northwind settings = %+v, want %+v", nw.Settings, want)
	}
}

// checkLogo checks that the logo exists, is well-formed SVG and uses the
// tenant's primary colour.
func checkLogo(t *testing.T, path, color string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("logo: %v", err)
		return
	}
	var root struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(data, &root); err != nil || root.XMLName.Local != "svg" {
		t.Errorf("%s: not an SVG document (root %q, err %v)", path, root.XMLName.Local, err)
	}
	if !strings.Contains(strings.ToLower(string(data)), strings.ToLower(color)) {
		t.Errorf("%s: does not use the primary colour %s", path, color)
	}
}

const minimal = `
slug: test-metals
name: Test Metals
hosts: [portal.test-metals.example]
branding:
  short_name: Test
  logo_url: /web/tenants/test-metals/logo.svg
  primary_color: "#112233"
  accent_color: "#445566"
  background_color: "#ffffff"
settings:
  time_zone: America/Chicago
  currency: USD
`

func TestDefinitionParseMinimal(t *testing.T) {
	d, err := definitions.Parse("test-metals.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != tenants.StatusActive {
		t.Errorf("status = %q, want active by default", d.Status)
	}
	if d.Demo != nil {
		t.Error("demo section appeared from nowhere")
	}
	if _, err := d.DemoData(fixedNow); err == nil {
		t.Error("DemoData without a demo section: no error")
	}
}

func TestDefinitionRejectsUnknownFields(t *testing.T) {
	cases := map[string]string{
		"top level": minimal + "domain: acme.example\n",
		"branding":  strings.Replace(minimal, "  primary_color:", "  primary_colour: \"#112233\"\n  primary_color:", 1),
		"settings":  minimal + "  mfa: true\n",
		"demo":      minimal + "demo:\n  demo_password: x\n  colour: red\n",
	}
	want := map[string]string{"top level": "domain", "branding": "primary_colour", "settings": "mfa", "demo": "colour"}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := definitions.Parse("x.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), want[name]) || !strings.Contains(err.Error(), "x.yaml") {
				t.Errorf("Parse error = %v, want one naming the file and field %q", err, want[name])
			}
		})
	}
}

func TestDefinitionRejectsEmptyAndMultipleDocuments(t *testing.T) {
	if _, err := definitions.Parse("empty.yaml", nil); err == nil {
		t.Error("empty document accepted")
	}
	if _, err := definitions.Parse("two.yaml", []byte(minimal+"---\n"+minimal)); err == nil {
		t.Error("two documents in one file accepted")
	}
}

func TestDefinitionValidateNamesEveryBadField(t *testing.T) {
	bad := strings.NewReplacer(
		"slug: test-metals", "slug: Test_Metals",
		`primary_color: "#112233"`, `primary_color: red`,
		"time_zone: America/Chicago", "time_zone: Mars/Olympus",
		"currency: USD", "currency: dollars",
		"short_name: Test", "short_name: A Very Long Short Name",
		"portal.test-metals.example", "Portal.Test:8080",
	).Replace(minimal) + `demo:
  demo_password: short
  tax_rate: "eight"
  price_percent: 100
  locations: [{code: HQ, name: HQ, line1: 1 Main St, city: Chicago}]
  carriers: [{name: UPS, type: parcel, tracking_url: "https://x/{tracking}"}, {name: ODFL, type: truck, tracking_url: "http://x"}]
  customers:
    - account_number: C-1
      company_name: C
      payment_terms: NET 30
      credit_limit: "1,000"
      sales_rep: nobody
      billing: {line1: 1 Main St, city: Chicago}
      shipping: [{line1: 1 Main St, city: Chicago}]
      users: [{name: U, email: U@Example.com, role: boss}]
      orders: [shipped/packed, teleported]
  catalog:
    - {form: plate, grades: [A36, unobtainium], sizes: ['1/4" x 48"']}
    - {form: blob, grades: [A36], sizes: ['1"']}
`
	_, err := definitions.Parse("bad.yaml", []byte(bad))
	if err == nil {
		t.Fatal("Parse accepted a definition full of errors")
	}
	msg := err.Error()
	for _, field := range []string{
		"slug", "branding.primary_color", "settings.time_zone", "settings.currency", "branding.short_name", "hosts",
		"demo.demo_password", "demo.tax_rate", "demo.carriers[1].type", "demo.carriers[1].tracking_url",
		"demo.customers[0].payment_terms", "demo.customers[0].credit_limit", "demo.customers[0].sales_rep",
		"demo.customers[0].users[0].email", "demo.customers[0].users[0].role", "demo.customers[0].orders[0]",
		"demo.customers[0].orders[1]", "demo.catalog[0].grades[1]", "demo.catalog[0].sizes[0]", "demo.catalog[1].form",
	} {
		if !strings.Contains(msg, field) {
			t.Errorf("error does not name %s:\n%s", field, msg)
		}
	}
	for _, line := range strings.Split(msg, "\n") {
		if !strings.HasPrefix(line, "bad.yaml: ") {
			t.Errorf("error line %q does not start with the file name", line)
		}
	}
}

func TestDefinitionTenantAddsSubdomainHost(t *testing.T) {
	d, err := definitions.Parse("test-metals.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	tn := d.Tenant("Portal.Example:443")
	if got := strings.Join(tn.Hosts, ","); got != "test-metals.portal.example,portal.test-metals.example" {
		t.Errorf("hosts = %s", got)
	}
	if tn.Slug != d.Slug || tn.Name != d.Name || tn.Branding != d.Branding || !reflect.DeepEqual(tn.Settings, d.Settings) || tn.ID != "" {
		t.Errorf("Tenant() = %+v does not carry the definition", tn)
	}
	if err := tn.Validate(); err != nil {
		t.Errorf("Tenant().Validate() = %v", err)
	}
	if hosts := d.Tenant("").Hosts; len(hosts) != 1 {
		t.Errorf("without a base domain hosts = %v, want the custom host only", hosts)
	}
}

func TestDefinitionLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, doc string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("test-metals.yaml", minimal)
	write("notes.txt", "not a definition")
	defs, err := definitions.LoadDir(dir)
	if err != nil || len(defs) != 1 || defs[0].Slug != "test-metals" || defs[0].File != "test-metals.yaml" {
		t.Fatalf("LoadDir = %v, %v", defs, err)
	}

	write("other.yml", strings.Replace(minimal, "slug: test-metals", "slug: other", 1))
	_, err = definitions.LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "portal.test-metals.example") {
		t.Errorf("two definitions claiming one host: err = %v", err)
	}

	write("other.yml", strings.Replace(minimal, "slug: test-metals", "slug: renamed", 1))
	_, err = definitions.LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "file name") {
		t.Errorf("slug not matching the file name: err = %v", err)
	}
}
