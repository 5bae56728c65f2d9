package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// TestTenantsAPIKeyCommand: the printed key authenticates at its tenant,
// with its scope, until it is revoked; bad flags create nothing.
func TestTenantsAPIKeyCommand(t *testing.T) {
	env, d := portalEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"tenants", "apply"}, env.get, &out, &out); err != nil {
		t.Fatalf("tenants apply: %v\n%s", err, &out)
	}
	out.Reset()
	if err := run(ctx, []string{"tenants", "api-key", "create", "-tenant", "northwind-steel", "-name", "ERP sync", "-scope", "backoffice"},
		env.get, &out, &out); err != nil {
		t.Fatalf("api-key create: %v\n%s", err, &out)
	}
	key := regexp.MustCompile(`(?m)^(pk_bo_[A-Za-z0-9]{8})\.[A-Za-z0-9]{49}$`).FindStringSubmatch(out.String())
	if key == nil {
		t.Fatalf("no key in the output:\n%s", &out)
	}
	app := d.OpenApp(t, postgres.Options{})
	tn, err := app.FindTenantBySlug(ctx, "northwind-steel")
	if err != nil {
		t.Fatal(err)
	}
	keys := postgres.NewAPIKeyService(app)
	tctx := tenants.NewContext(ctx, tn)
	k, err := keys.AuthenticateAPIKey(tctx, key[0])
	if err != nil || !k.HasScope(portal.ScopeBackOffice) || k.Name != "ERP sync" {
		t.Fatalf("authenticate: %+v %v", k, err)
	}
	other, err := app.FindTenantBySlug(ctx, "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.AuthenticateAPIKey(tenants.NewContext(ctx, other), key[0]); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("key at another tenant: %v", err)
	}
	if err := run(ctx, []string{"tenants", "api-key", "revoke", "-tenant", "northwind-steel", "-prefix", key[1]}, env.get, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.AuthenticateAPIKey(tctx, key[0]); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("revoked key: %v", err)
	}
	for _, args := range [][]string{
		{"tenants", "api-key", "create", "-tenant", "northwind-steel", "-name", "x", "-scope", "admin"},
		{"tenants", "api-key", "create", "-tenant", "northwind-steel", "-scope", "backoffice"},
		{"tenants", "api-key", "create", "-tenant", "no-such-tenant", "-name", "x", "-scope", "backoffice"},
		{"tenants", "api-key", "rotate"},
	} {
		var out bytes.Buffer
		if err := run(ctx, args, env.get, &out, &out); err == nil || strings.Contains(out.String(), "pk_") {
			t.Errorf("%v: %v %s", args, err, &out)
		}
	}
}
