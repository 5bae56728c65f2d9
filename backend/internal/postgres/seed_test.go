package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants/definitions"
)

// seedTables are the tables SeedDemo writes.
var seedTables = []string{"sales_reps", "locations", "customers", "users", "addresses",
	"product_categories", "products", "product_category_links", "orders", "order_lines",
	"order_status_history", "shipments", "shipment_lines", "invoices", "number_counters"}

// seedNow is a fixed moment, so that failures reproduce.
var seedNow = time.Date(2026, 11, 22, 15, 4, 5, 0, time.UTC)

// datasetSizes is how many rows of each table the dataset has.
func datasetSizes(ds *definitions.Dataset) map[string]int {
	return map[string]int{
		"sales_reps": len(ds.SalesReps), "locations": len(ds.Locations), "customers": len(ds.Customers),
		"users": len(ds.Users), "addresses": len(ds.Addresses), "product_categories": len(ds.Categories),
		"products": len(ds.Products), "product_category_links": len(ds.ProductCategories), "orders": len(ds.Orders),
		"order_lines": len(ds.OrderLines), "order_status_history": len(ds.StatusHistory),
		"shipments": len(ds.Shipments), "shipment_lines": len(ds.ShipmentLines), "invoices": len(ds.Invoices),
		"number_counters": len(ds.Counters),
	}
}

// countRows counts the rows of each seed table visible inside a transaction
// for tenantID, with no WHERE clause: row-level security alone scopes them.
func countRows(tb testing.TB, db *postgres.DB, tenantID string) map[string]int {
	tb.Helper()
	counts := map[string]int{}
	err := db.InTx(context.Background(), tenantID, func(ctx context.Context, tx bun.Tx) error {
		for _, table := range seedTables {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			counts[table] = n
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return counts
}

// createTenant inserts a tenants row as the owner (the operator's path).
func createTenant(tb testing.TB, owner *postgres.DB, slug string) string {
	tb.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	if _, err := owner.Pool.Exec(context.Background(), `INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)`, id, slug, slug); err != nil {
		tb.Fatal(err)
	}
	return id
}

func demoDatasets(tb testing.TB, now time.Time) map[string]*definitions.Dataset {
	tb.Helper()
	defs, err := definitions.Load()
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]*definitions.Dataset{}
	for _, d := range defs {
		ds, err := d.DemoData(now)
		if err != nil {
			tb.Fatal(err)
		}
		out[d.Slug] = ds
	}
	return out
}

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	app := d.OpenApp(t, postgres.Options{})
	data := demoDatasets(t, seedNow)
	acme, northwind := data["acme-metals"], data["northwind-steel"]
	acmeID := createTenant(t, owner, "acme-metals")

	first, err := owner.SeedDemo(ctx, acmeID, acme, password.Hash)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first seed of acme-metals:\n%s", first)
	if first.Elapsed > 5*time.Second {
		t.Errorf("first seed took %s, want well under 5 s", first.Elapsed)
	}
	if first.Hashed != len(acme.Users) {
		t.Errorf("hashed %d passwords, want %d", first.Hashed, len(acme.Users))
	}
	want := datasetSizes(acme)
	if got := countRows(t, owner, acmeID); !maps.Equal(got, want) {
		t.Fatalf("after the first seed the tables hold %v, want %v", got, want)
	}
	for table, n := range want {
		if first.Rows(table) != n {
			t.Errorf("stats: %s %d rows, want %d", table, first.Rows(table), n)
		}
	}

	t.Run("AgainWritesNothing", func(t *testing.T) {
		again, err := owner.SeedDemo(ctx, acmeID, acme, password.Hash)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("second seed: %d written, %d hashed, %s", again.Written(), again.Hashed, again.Elapsed)
		if again.Written() != 0 || again.Hashed != 0 {
			t.Errorf("second seed of the same data wrote %d rows and hashed %d passwords, want none:\n%s", again.Written(), again.Hashed, again)
		}
		if got := countRows(t, owner, acmeID); !maps.Equal(got, want) {
			t.Errorf("after the second seed the tables hold %v, want %v", got, want)
		}
	})

	t.Run("AppRoleSeesTheSameRows", func(t *testing.T) {
		if got := countRows(t, app, acmeID); !maps.Equal(got, want) {
			t.Errorf("the app role sees %v, want %v", got, want)
		}
	})

	t.Run("DataHoldsTogetherInTheDatabase", func(t *testing.T) {
		checks := map[string]string{
			"orders whose subtotal is not the sum of their lines": `SELECT count(*) FROM orders o
				WHERE o.subtotal_minor <> (SELECT sum(line_total_minor) FROM order_lines l WHERE l.order_id = o.id)
				OR o.total_minor <> o.subtotal_minor + o.tax_minor + o.freight_minor`,
			"order statuses missing":    `SELECT 13 - count(DISTINCT status) FROM orders`,
			"job statuses missing":      `SELECT 7 - count(DISTINCT job_status) FROM order_lines`,
			"shipment statuses missing": `SELECT 9 - count(DISTINCT status) FROM shipments`,
			"overdue invoices missing":  `SELECT CASE WHEN count(*) > 0 THEN 0 ELSE 1 END FROM invoices WHERE status = 'open' AND due_date < current_date`,
			"line quantities wrong":     `SELECT count(*) FROM order_lines WHERE line_total_minor <> round(quantity * unit_price_minor)`,
		}
		err := app.InTx(ctx, acmeID, func(ctx context.Context, tx bun.Tx) error {
			for what, q := range checks {
				var n int
				if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
				if n != 0 {
					t.Errorf("%s: %d", what, n)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("DemoPasswordVerifies", func(t *testing.T) {
		var hash string
		err := app.InTx(ctx, acmeID, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewSelect().Model((*postgres.UserRow)(nil)).Column("password_hash").
				Where("email = ?", acme.Users[0].Email).Scan(ctx, &hash)
		})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := password.Verify(hash, acme.Password); err != nil || !ok {
			t.Errorf("Verify(stored hash of %s, demo password) = %v, %v", acme.Users[0].Email, ok, err)
		}
		if ok, _ := password.Verify(hash, "not-the-password"); ok {
			t.Error("a wrong password verifies")
		}
	})

	t.Run("OtherTenantIsSeparate", func(t *testing.T) {
		nwID := createTenant(t, owner, "northwind-steel")
		if _, err := owner.SeedDemo(ctx, nwID, northwind, password.Hash); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, app, acmeID); !maps.Equal(got, want) {
			t.Errorf("seeding northwind changed acme's tables to %v, want %v", got, want)
		}
		if got, want := countRows(t, app, nwID), datasetSizes(northwind); !maps.Equal(got, want) {
			t.Errorf("northwind's tables hold %v, want %v", got, want)
		}
	})

	t.Run("ChangedDefinitionConverges", func(t *testing.T) {
		// A definition that now generates one line fewer on a shipped order:
		// the stale line, its shipment line and its history go.
		changed := *acme
		var drop definitions.OrderLine
		for _, l := range acme.OrderLines {
			if l.JobStatus == "shipped" && l.LineNo > 1 {
				drop = l
			}
		}
		changed.OrderLines = slices.DeleteFunc(slices.Clone(acme.OrderLines), func(l definitions.OrderLine) bool { return l.ID == drop.ID })
		changed.ShipmentLines = slices.DeleteFunc(slices.Clone(acme.ShipmentLines), func(l definitions.ShipmentLine) bool { return l.OrderLineID == drop.ID })
		changed.StatusHistory = acme.StatusHistory[1:]
		stats, err := owner.SeedDemo(ctx, acmeID, &changed, password.Hash)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range map[string]int64{"order_lines": 1, "shipment_lines": 1, "order_status_history": 1} {
			if got := pruned(stats, table); got != n {
				t.Errorf("pruned %d rows of %s, want %d", got, table, n)
			}
		}
		if got, want := countRows(t, app, acmeID), datasetSizes(&changed); !maps.Equal(got, want) {
			t.Errorf("after the change the tables hold %v, want %v", got, want)
		}
		if _, err := owner.SeedDemo(ctx, acmeID, acme, password.Hash); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, app, acmeID); !maps.Equal(got, want) {
			t.Errorf("after changing back the tables hold %v, want %v", got, want)
		}
	})

	t.Run("LaterMomentMovesDatesNotRows", func(t *testing.T) {
		// Two and a half months later the orders straddle another new year,
		// so numbers move between rows: the seed must free them first.
		later := demoDatasets(t, seedNow.AddDate(0, 2, 15))["acme-metals"]
		holder := map[string]string{} // number → order id, before
		for _, o := range acme.Orders {
			holder[o.Number] = o.ID
		}
		swaps := 0
		for _, o := range later.Orders {
			if id, ok := holder[o.Number]; ok && id != o.ID {
				swaps++
			}
		}
		if swaps == 0 {
			t.Fatal("no order number moves to another order: the test does not exercise freeing numbers")
		}
		stats, err := owner.SeedDemo(ctx, acmeID, later, password.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Written() == 0 {
			t.Error("a later moment wrote nothing; the dates did not move")
		}
		got := countRows(t, app, acmeID)
		for table, n := range datasetSizes(later) {
			if table == "number_counters" { // counters of the old year stay
				continue
			}
			if got[table] != n {
				t.Errorf("%s holds %d rows, want %d", table, got[table], n)
			}
		}
	})
}

func pruned(s postgres.SeedStats, table string) int64 {
	for _, t := range s.Tables {
		if t.Table == table {
			return t.Pruned
		}
	}
	return -1
}

// TestSeedDemoIsAllOrNothing: a row the database refuses rolls back the rows
// before it.
func TestSeedDemoIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	ds := demoDatasets(t, seedNow)["northwind-steel"]
	broken := *ds
	broken.Invoices = append([]definitions.Invoice(nil), ds.Invoices...)
	broken.Invoices[len(broken.Invoices)-1].Status = "lost" // violates the CHECK constraint
	tenantID := createTenant(t, owner, "northwind-steel")

	if _, err := owner.SeedDemo(ctx, tenantID, &broken, password.Hash); err == nil {
		t.Fatal("a dataset with an invalid invoice status was accepted")
	}
	for table, n := range countRows(t, owner, tenantID) {
		if n != 0 {
			t.Errorf("%s kept %d rows of a failed seed", table, n)
		}
	}

	errEntropy := errors.New("no entropy today")
	failing := func(string) (string, error) { return "", errEntropy }
	if _, err := owner.SeedDemo(ctx, tenantID, ds, failing); !errors.Is(err, errEntropy) {
		t.Errorf("a failing hash function: err = %v, want it passed on", err)
	}
	if _, err := owner.SeedDemo(ctx, "", ds, password.Hash); !errors.Is(err, postgres.ErrNoTenant) {
		t.Errorf("seed without a tenant: err = %v, want ErrNoTenant", err)
	}
}
