package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// BenchmarkTenantTx measures what row-level security costs a request: one
// transaction that sets app.tenant_id and reads, as the app role, with 8
// pooled connections shared by parallel goroutines. Compare by-id with the
// stack notes' figures (≈3.2–3.5k tx/s on 2 cores).
func BenchmarkTenantTx(b *testing.B) {
	ctx := context.Background()
	d := pgtest.New(b)
	owner := d.OpenOwner(b)
	const perTenant = 2000
	var tenantIDs []string
	ids := map[string][]string{}
	for i := range 4 {
		t := &tenants.Tenant{Slug: fmt.Sprintf("bench-%d", i), Name: "Bench", Status: tenants.StatusActive,
			Branding: tenants.Branding{PrimaryColor: "#000000", AccentColor: "#000000", BackgroundColor: "#ffffff"}}
		if err := owner.ApplyTenant(ctx, t); err != nil {
			b.Fatal(err)
		}
		tenantIDs = append(tenantIDs, t.ID)
		err := owner.InTx(ctx, t.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
				SELECT ?, gen_random_uuid(), 'P-' || g, 'Product ' || g, 'plate', 'ea', 'ea', g * 100 FROM generate_series(1, ?) g`, t.ID, perTenant)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		var list []string
		if err := owner.InTx(ctx, t.ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewRaw(`SELECT id::text FROM products`).Scan(ctx, &list)
		}); err != nil {
			b.Fatal(err)
		}
		ids[t.ID] = list
	}
	// Statistics as a live database would have them after autovacuum.
	if _, err := owner.Pool.Exec(ctx, "ANALYZE products"); err != nil {
		b.Fatal(err)
	}
	app := d.OpenApp(b, postgres.Options{MaxConns: 8})

	b.Run("by-id", func(b *testing.B) {
		b.SetParallelism(4) // 4 × GOMAXPROCS goroutines over 8 connections
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				tid := tenantIDs[rand.IntN(len(tenantIDs))]
				id := ids[tid][rand.IntN(perTenant)]
				var name string
				err := app.InTx(ctx, tid, func(ctx context.Context, tx bun.Tx) error {
					return tx.NewRaw(`SELECT name FROM products WHERE id = ?`, id).Scan(ctx, &name)
				})
				if err != nil || name == "" {
					b.Errorf("lookup: %q %v", name, err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	})
	b.Run("page-of-20", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				tid := tenantIDs[rand.IntN(len(tenantIDs))]
				var names []string
				err := app.InTx(ctx, tid, func(ctx context.Context, tx bun.Tx) error {
					return tx.NewRaw(`SELECT name FROM products ORDER BY code LIMIT 20`).Scan(ctx, &names)
				})
				if err != nil || len(names) != 20 {
					b.Errorf("page: %d rows, %v", len(names), err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	})
}
