package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/tenants"
)

// rollupsDrift lists, per customer and status, where the rollups of
// migration 22 differ from the aggregates over orders and invoices they
// stand for; empty means they agree.
func rollupsDrift(ctx context.Context, t *testing.T, tx bun.Tx) []string {
	t.Helper()
	var drift []string
	rows, err := tx.QueryContext(ctx, `
		SELECT 'orders ' || coalesce(a.customer_id, r.customer_id)::text || ' ' || coalesce(a.status, r.status)
			|| ': counted ' || coalesce(a.n, 0) || ', rolled up ' || coalesce(r.orders, 0)
		FROM (SELECT customer_id, status, count(*) AS n FROM orders GROUP BY 1, 2) a
		FULL JOIN customer_order_counts r ON r.customer_id = a.customer_id AND r.status = a.status
		WHERE coalesce(a.n, 0) <> coalesce(r.orders, 0)
		UNION ALL
		SELECT 'invoices ' || coalesce(a.customer_id, r.customer_id)::text || ' ' || coalesce(a.status, r.status)
			|| ': counted ' || coalesce(a.n, 0) || '/' || coalesce(a.t, 0) || '/' || coalesce(a.p, 0)
			|| ', rolled up ' || coalesce(r.invoices, 0) || '/' || coalesce(r.total_minor, 0) || '/' || coalesce(r.paid_minor, 0)
		FROM (SELECT customer_id, status, count(*) AS n, sum(total_minor) AS t, sum(amount_paid_minor) AS p FROM invoices GROUP BY 1, 2) a
		FULL JOIN customer_invoice_sums r ON r.customer_id = a.customer_id AND r.status = a.status
		WHERE coalesce(a.n, 0) <> coalesce(r.invoices, 0) OR coalesce(a.t, 0) <> coalesce(r.total_minor, 0)
			OR coalesce(a.p, 0) <> coalesce(r.paid_minor, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		drift = append(drift, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return drift
}

// TestCustomerRollupsFollowEveryWrite: whatever a statement does to orders
// and invoices (multi-row inserts, upserts, status changes, no-op updates,
// a move to another customer, deletes, a rolled-back savepoint), the
// dashboard's rollups end equal to the aggregates, as the app role.
func TestCustomerRollupsFollowEveryWrite(t *testing.T) {
	e := newOrderEnv(t)
	ta, _ := tenants.FromContext(e.a)
	tid, cust, other := ta.ID, e.jane.CustomerID, e.ids["other-customer"]
	n1, n2, n3, i1 := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"insert three orders in one statement", `INSERT INTO orders (tenant_id, id, customer_id, order_number, status, order_date, total_minor)
			VALUES (?, ?, ?, 'R-1', 'confirmed', '2026-11-01', 10), (?, ?, ?, 'R-2', 'confirmed', '2026-11-02', 20),
			(?, ?, ?, 'R-3', 'draft', '2026-11-03', 30)`, []any{tid, n1, cust, tid, n2, cust, tid, n3, other}},
		{"status change of two", `UPDATE orders SET status = 'in_progress' WHERE id IN (?, ?)`, []any{n1, n2}},
		{"update that changes no status", `UPDATE orders SET notes = 'hello' WHERE customer_id = ?`, []any{cust}},
		{"move an order to another customer", `UPDATE orders SET customer_id = ?, status = 'shipped' WHERE id = ?`, []any{other, n2}},
		{"upsert: one new, one existing", `INSERT INTO orders (tenant_id, id, customer_id, order_number, status, order_date)
			VALUES (?, ?, ?, 'R-1', 'delivered', '2026-11-01'), (?, ?, ?, 'R-4', 'on_hold', '2026-11-04')
			ON CONFLICT (tenant_id, id) DO UPDATE SET status = EXCLUDED.status`, []any{tid, n1, cust, tid, uuid.NewString(), cust}},
		{"delete orders", `DELETE FROM orders WHERE id IN (?, ?)`, []any{n2, n3}},
		{"insert invoices", `INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor, amount_paid_minor)
			VALUES (?, ?, ?, 'RI-1', 'open', '2026-11-01', '2026-12-01', 5000, 0), (?, ?, ?, 'RI-2', 'open', '2026-11-01', '2026-12-01', 7000, 100)`,
			[]any{tid, i1, cust, tid, uuid.NewString(), other}},
		{"partial payment: amount, same status", `UPDATE invoices SET amount_paid_minor = 2000 WHERE id = ?`, []any{i1}},
		{"paid: status and amount", `UPDATE invoices SET status = 'paid', amount_paid_minor = total_minor WHERE id = ?`, []any{i1}},
		{"an ERP correction of every open invoice's total", `UPDATE invoices SET total_minor = total_minor + 1 WHERE status = 'open'`, nil},
		{"delete an invoice", `DELETE FROM invoices WHERE id = ?`, []any{i1}},
	}
	err := e.app.InTx(e.a, tid, func(ctx context.Context, tx bun.Tx) error {
		if d := rollupsDrift(ctx, t, tx); len(d) > 0 {
			t.Fatalf("seeded data: rollups drift: %v", d)
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if d := rollupsDrift(ctx, t, tx); len(d) > 0 {
				t.Fatalf("after %s: rollups drift: %v", s.name, d)
			}
		}
		// A back-office row rolled back to its savepoint takes its rollup
		// change with it.
		if _, err := tx.ExecContext(ctx, "SAVEPOINT row"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'cancelled' WHERE customer_id = ?`, cust); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT row"); err != nil {
			t.Fatal(err)
		}
		if d := rollupsDrift(ctx, t, tx); len(d) > 0 {
			t.Fatalf("after a rolled-back savepoint: rollups drift: %v", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The other tenant's rollups are its own: row-level security hides them.
	err = e.app.InTx(e.a, tid, func(ctx context.Context, tx bun.Tx) error {
		var foreign int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customer_order_counts WHERE tenant_id <> ?`, tid).Scan(&foreign); err != nil {
			return err
		}
		if foreign != 0 {
			t.Errorf("%d rollup rows of another tenant are visible", foreign)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
