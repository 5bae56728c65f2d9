package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// BenchmarkReorder100Lines: the reorder screen (GET) and its re-pricing
// of an edited order (preview) for an order of 100 lines of 100 products,
// one request at a time; p50_ms and p95_ms per request.
func BenchmarkReorder100Lines(b *testing.B) {
	e := newCommerceEnv(b)
	ta, _ := tenants.FromContext(e.a)
	order := uuid.NewString()
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, status, order_date, total_minor)
			VALUES (?, ?, ?, 'SO-BENCH', 'invoiced', '2026-01-05', 0)`, ta.ID, order, e.ids["lakeshore"]); err != nil {
			return err
		}
		for i := 1; i <= 100; i++ {
			p := uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
				VALUES (?, ?, ?, 'Bench plate', 'plate', 'ea', 'ea', ?)`, ta.ID, p, fmt.Sprintf("BP-%03d", i), 1000+i); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (tenant_id, id, order_id, line_no, product_id, description, quantity, uom,
				unit_price_minor, line_total_minor) VALUES (?, ?, ?, ?, ?, 'Bench plate', 3, 'ea', 1000, 3000)`, ta.ID, uuid.NewString(), order, i, p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	edited := &portal.ReorderInput{}
	for i := 1; i <= 100; i += 2 {
		edited.Lines = append(edited.Lines, portal.ReorderLineInput{LineNo: i, Quantity: "7"})
	}
	for _, c := range []struct {
		name string
		in   *portal.ReorderInput
	}{{"screen", nil}, {"preview", edited}} {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				var in *portal.ReorderInput
				if c.in != nil {
					cp := *c.in
					cp.Lines = slices.Clone(c.in.Lines)
					in = &cp
				}
				start := time.Now()
				r, err := e.reorders.Reorder(e.a, e.jane, order, in)
				lat = append(lat, time.Since(start))
				if err != nil || len(r.Lines) != 100 {
					b.Fatalf("%v %d lines", err, len(r.Lines))
				}
			}
			slices.Sort(lat)
			n := len(lat)
			b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(lat[min(n*95/100, n-1)].Microseconds())/1000, "p95_ms")
		})
	}
}
