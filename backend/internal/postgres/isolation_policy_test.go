package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/postgres"
)

// TestEveryPolicyMatters removes the tenant_isolation policy of each
// tenant-owned table in turn, once as a plain DROP (row security stays on,
// so the app role then sees nothing) and once replaced by a policy that lets
// everything through, and requires the select check to notice every time:
// no table's policy can be removed without the suite going red.
func TestEveryPolicyMatters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newIsoWorld(t, postgres.Options{})
	if p := isoCheckSelect(ctx, w.app, w, w.tables); len(p) > 0 {
		t.Fatalf("the intact schema already fails: %v", p)
	}
	const policy = "tenant_isolation"
	restore := func(table string) string {
		name := pgx.Identifier{table}.Sanitize()
		return fmt.Sprintf(`DROP POLICY IF EXISTS %[2]s ON %[1]s; CREATE POLICY %[2]s ON %[1]s
			USING (tenant_id = current_setting('app.tenant_id')::uuid)
			WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid)`, name, policy)
	}
	for _, table := range w.tables {
		name := pgx.Identifier{table}.Sanitize()
		for mutation, ddl := range map[string]string{
			"dropped":    fmt.Sprintf(`DROP POLICY %s ON %s`, policy, name),
			"permissive": fmt.Sprintf(`DROP POLICY %[2]s ON %[1]s; CREATE POLICY %[2]s ON %[1]s USING (true) WITH CHECK (true)`, name, policy),
		} {
			if _, err := w.owner.Pool.Exec(ctx, ddl); err != nil {
				t.Fatalf("%s %s: %v", table, mutation, err)
			}
			if p := isoCheckSelect(ctx, w.app, w, []string{table}); len(p) == 0 {
				t.Errorf("%s: policy %s, yet the isolation check saw nothing wrong", table, mutation)
			}
			if _, err := w.owner.Pool.Exec(ctx, restore(table)); err != nil {
				t.Fatalf("%s: restore: %v", table, err)
			}
		}
	}
	if p := isoCheckSelect(ctx, w.app, w, w.tables); len(p) > 0 {
		t.Errorf("after restoring every policy: %v", p)
	}
}

// TestInTenantTxNeedsATenant: without a tenant in the context no query runs.
func TestInTenantTxNeedsATenant(t *testing.T) {
	w := newIsoWorld(t, postgres.Options{})
	ran := false
	err := w.app.InTenantTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		ran = true
		return nil
	})
	if !errors.Is(err, postgres.ErrNoTenant) || ran {
		t.Errorf("InTenantTx without a tenant: err=%v ran=%v", err, ran)
	}
}
