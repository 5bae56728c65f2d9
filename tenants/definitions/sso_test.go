package definitions_test

import (
	"strings"
	"testing"

	"example.com/portal/tenants/definitions"
)

func TestDefinitionSSO(t *testing.T) {
	good := minimal + `
sso:
  issuer: https://login.microsoftonline.com/0000/v2.0
  client_id: portal-acme
  client_secret_env: ACME_OIDC_CLIENT_SECRET
  button_label: Sign in with Microsoft
  allowed_domains: [lakeshore-fab.example.com]
  first_time: {account_number: AM-10001, role: buyer}
`
	d, err := definitions.Parse("test-metals.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	tn := d.Tenant("localhost")
	if tn.SSO == nil || tn.SSO.ClientSecretEnv != "ACME_OIDC_CLIENT_SECRET" || tn.SSO.FirstTime.Role != "buyer" {
		t.Fatalf("sso = %+v", tn.SSO)
	}
	if !tn.SSO.AllowsEmail("Ann@Lakeshore-Fab.example.com") || tn.SSO.AllowsEmail("ann@lakeshore-fab.example.com.evil.example") ||
		tn.SSO.AllowsEmail("ann@evil.example") {
		t.Error("AllowsEmail matches the wrong domains")
	}

	// A loopback issuer may be plain http (an in-process provider in tests).
	loopback := strings.Replace(good, "https://login.microsoftonline.com/0000/v2.0", "http://127.0.0.1:5556/oidc", 1)
	if _, err := definitions.Parse("test-metals.yaml", []byte(loopback)); err != nil {
		t.Errorf("loopback issuer: %v", err)
	}

	bad := minimal + `
sso:
  issuer: http://idp.example.com
  client_id: ""
  client_secret_env: "s3cr3t value"
  button_label: ""
  allowed_domains: [Example.COM]
  first_time: {account_number: "", role: tenant_admin}
`
	_, err = definitions.Parse("test-metals.yaml", []byte(bad))
	if err == nil {
		t.Fatal("bad sso accepted")
	}
	for _, field := range []string{"sso.issuer", "sso.client_id", "sso.client_secret_env", "sso.button_label",
		"sso.allowed_domains", "sso.first_time.account_number", "sso.first_time.role"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s:\n%v", field, err)
		}
	}
	// The secret itself has no field: a client_secret key is an error.
	withSecret := strings.Replace(good, "client_id: portal-acme", "client_id: portal-acme\n  client_secret: hunter2", 1)
	if _, err := definitions.Parse("test-metals.yaml", []byte(withSecret)); err == nil || !strings.Contains(err.Error(), "client_secret") {
		t.Errorf("a client_secret in the definition: %v, want an unknown-field error", err)
	}
}
