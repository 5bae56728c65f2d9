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

// BenchmarkCartRead100Lines reads and prices a cart of 100 lines (the
// cart is priced on every read, through priceItemsTx): ns/op and p95.
func BenchmarkCartRead100Lines(b *testing.B) {
	e := newCartEnv(b)
	ta, _ := tenants.FromContext(e.a)
	lines := make([]portal.CartLineInput, 100)
	err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		for i := range lines {
			id := uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
				VALUES (?, ?, ?, 'Bench plate', 'plate', 'ea', 'ea', ?)`, ta.ID, id, fmt.Sprintf("BENCH-%03d", i), 1000+i); err != nil {
				return err
			}
			lines[i] = portal.CartLineInput{ProductID: id, Quantity: "2.5"}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.cart.AddToCart(e.ctx, e.jane, lines); err != nil {
		b.Fatal(err)
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		c, err := e.cart.Cart(e.ctx, e.jane, "", nil)
		if err != nil || len(c.Lines) != 100 {
			b.Fatalf("cart: %v", err)
		}
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)*95/100].Microseconds())/1000, "p95-ms")
}
