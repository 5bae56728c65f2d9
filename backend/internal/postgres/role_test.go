package postgres_test

import (
	"context"
	"strings"
	"testing"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
)

func TestCheckAppRole(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)

	if err := d.OpenApp(t, postgres.Options{}).CheckAppRole(ctx); err != nil {
		t.Errorf("app role refused: %v", err)
	}
	for name, dsn := range map[string]string{"owner": d.OwnerURL, "superuser": d.AdminURL} {
		db, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = db.CheckAppRole(ctx)
		db.Close()
		// Roles are cluster-wide: drop them now (and before, in case an
		// earlier run died).
		if err == nil || !strings.Contains(err.Error(), "refusing to start") {
			t.Errorf("%s role accepted as app role, err = %v", name, err)
		}
	}
}

// TestCheckAppRoleSeesSetRole: a login role that is only a NOINHERIT member
// of the owner (or of a BYPASSRLS role) could SET ROLE and skip RLS, so it
// is refused too.
func TestCheckAppRoleSeesSetRole(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)
	admin, err := postgres.Open(ctx, d.AdminURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for _, c := range []struct{ name, grant string }{
		{"portal_sneaky_owner", "GRANT portal_owner TO portal_sneaky_owner"},
		{"portal_sneaky_bypass", "CREATE ROLE portal_bypass_target NOLOGIN BYPASSRLS; GRANT portal_bypass_target TO portal_sneaky_bypass"},
	} {
		_, err := admin.Pool.Exec(ctx, `DROP ROLE IF EXISTS `+c.name+`; DROP ROLE IF EXISTS portal_bypass_target;
			CREATE ROLE `+c.name+` LOGIN NOINHERIT PASSWORD 'x'; GRANT portal_app TO `+c.name+`; `+c.grant)
		if err != nil {
			t.Fatal(err)
		}
		u := strings.Replace(d.AppURL, "portal_app:portal_app", c.name+":x", 1)
		db, err := postgres.Open(ctx, u, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = db.CheckAppRole(ctx)
		db.Close()
		// Roles are cluster-wide: drop them now (and before, in case an
		// earlier run died).
		if err == nil {
			t.Errorf("%s (%s) accepted as app role", c.name, c.grant)
		}
		admin.Pool.Exec(ctx, `DROP ROLE IF EXISTS `+c.name+`; DROP ROLE IF EXISTS portal_bypass_target`) //nolint:errcheck
	}
}
