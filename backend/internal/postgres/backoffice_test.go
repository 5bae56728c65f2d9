package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// newBackOfficeTenant creates a tenant and returns the app role's service
// and a ctx carrying the tenant.
func newBackOfficeTenant(tb testing.TB, d *pgtest.Database, owner *postgres.DB, app *postgres.DB, slug string) (context.Context, *postgres.BackOfficeService) {
	tb.Helper()
	tn := &tenants.Tenant{Slug: slug, Name: slug, Status: tenants.StatusActive,
		Branding: tenants.Branding{PrimaryColor: "#000000", AccentColor: "#000000", BackgroundColor: "#ffffff"}}
	if err := owner.ApplyTenant(context.Background(), tn); err != nil {
		tb.Fatal(err)
	}
	return tenants.NewContext(context.Background(), tn), postgres.NewBackOfficeService(app)
}

func syncProducts(from, n int, price int64) []portal.ProductInput {
	rows := make([]portal.ProductInput, n)
	for i := range rows {
		k := from + i
		rows[i] = portal.ProductInput{ExternalID: fmt.Sprintf("P-%d", k), Code: fmt.Sprintf("AL-%d", k), Name: fmt.Sprintf("Plate %d", k),
			Form: "plate", Grade: "6061-T6", Dimensions: `1/4" x 48" x 96"`, StockUOM: "ea", PricingUOM: "lb", ListPrice: price,
			LowStockLevel: 5, LeadTimeDays: 3}
	}
	return rows
}

// TestBackOfficeProductsFallBackPerRow: a row only the database refuses
// (a product code another product has) is found by the per-row fallback;
// the rest of the batch lands.
func TestBackOfficeProductsFallBackPerRow(t *testing.T) {
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	app := d.OpenApp(t, postgres.Options{})
	ctx, svc := newBackOfficeTenant(t, d, owner, app, "alpha")
	rows := syncProducts(0, 4, 1000)
	rows[2].Code = rows[0].Code
	rows[3].Name = "" // refused in Go
	res, err := svc.UpsertProducts(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{portal.RowCreated, portal.RowCreated, portal.RowError, portal.RowError}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("row %d: %+v, want %s", i, r, want[i])
		}
	}
	if len(res[2].Errors) != 1 || res[2].Errors[0].Field != "code" || res[3].Errors[0].Field != "name" {
		t.Errorf("errors: %+v %+v", res[2].Errors, res[3].Errors)
	}
	var n int
	if err := app.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM products`).Scan(&n)
	}); err != nil || n != 2 {
		t.Errorf("%d products (%v), want 2", n, err)
	}
	// Without a tenant nothing is written.
	if _, err := svc.UpsertProducts(context.Background(), rows[:1]); err == nil {
		t.Error("a batch without a tenant succeeded")
	}
}

// BenchmarkBackOfficeProductSync10k syncs 10,000 new products in batches
// of 1,000 through the back-office service as the app role, then the same
// 10,000 with a new price (updates, each with its price.changed event).
// Goal: under 10 s per 10k on 2 cores.
func BenchmarkBackOfficeProductSync10k(b *testing.B) {
	d := pgtest.New(b)
	owner := d.OpenOwner(b)
	app := d.OpenApp(b, postgres.Options{})
	const total, batch = 10_000, portal.MaxBatchRows
	var created, updated time.Duration
	for i := 0; b.Loop(); i++ {
		ctx, svc := newBackOfficeTenant(b, d, owner, app, fmt.Sprintf("bench-bo-%d", i))
		for pass, price := range []int64{1000, 1250} {
			start := time.Now()
			for from := 0; from < total; from += batch {
				res, err := svc.UpsertProducts(ctx, syncProducts(from, batch, price))
				if err != nil {
					b.Fatal(err)
				}
				if res[0].Status == portal.RowError {
					b.Fatalf("row error: %+v", res[0])
				}
			}
			if pass == 0 {
				created += time.Since(start)
			} else {
				updated += time.Since(start)
			}
		}
	}
	perCreate := created.Seconds() / float64(b.N)
	b.ReportMetric(perCreate, "s/10k-products")
	b.ReportMetric(total/perCreate, "rows/s")
	b.ReportMetric(updated.Seconds()/float64(b.N), "s/10k-price-updates")
}

// TestAPIKeyLastUsedAtMostOncePerMinute: authentication records a key's
// use, but rewrites last_used_at only once it is a minute old.
func TestAPIKeyLastUsedAtMostOncePerMinute(t *testing.T) {
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	app := d.OpenApp(t, postgres.Options{})
	ctx, _ := newBackOfficeTenant(t, d, owner, app, "alpha")
	tn, _ := tenants.FromContext(ctx)
	k, key, err := owner.CreateAPIKey(ctx, tn.ID, portal.CreateAPIKeyInput{Name: "ERP", Scopes: []string{portal.ScopeBackOffice}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	app.Now = func() time.Time { return now }
	svc := postgres.NewAPIKeyService(app)
	lastUsed := func() time.Time {
		var at time.Time
		if err := app.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT last_used_at FROM api_keys WHERE id = ?`, k.ID).Scan(&at)
		}); err != nil {
			t.Fatal(err)
		}
		return at.UTC()
	}
	for _, step := range []struct {
		after time.Duration
		want  time.Time
	}{{0, now}, {30 * time.Second, now}, {61 * time.Second, now.Add(61 * time.Second)}} {
		now = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC).Add(step.after)
		got, err := svc.AuthenticateAPIKey(ctx, key)
		if err != nil || got.ID != k.ID {
			t.Fatalf("authenticate after %v: %+v %v", step.after, got, err)
		}
		if at := lastUsed(); !at.Equal(step.want) {
			t.Errorf("after %v: last_used_at %v, want %v", step.after, at, step.want)
		}
	}
	if _, err := svc.AuthenticateAPIKey(context.Background(), key); err == nil {
		t.Error("authenticated without a tenant")
	}
}
