package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// searchTermsDrift lists where order_search_terms differs from the terms
// of the orders as they are (migration 24's order_search_terms_of); empty
// means the triggers kept up.
func searchTermsDrift(ctx context.Context, t *testing.T, tx bun.Tx) []string {
	t.Helper()
	var drift []string
	err := tx.NewRaw(`WITH want AS (SELECT o.tenant_id, o.customer_id, w AS term, o.id AS order_id
			FROM orders o CROSS JOIN LATERAL order_search_terms_of(o) AS w)
		SELECT 'missing ' || term || ' of ' || order_id FROM (SELECT * FROM want EXCEPT SELECT * FROM order_search_terms) m
		UNION ALL
		SELECT 'stale ' || term || ' of ' || order_id || ' (customer ' || customer_id || ')'
		FROM (SELECT * FROM order_search_terms EXCEPT SELECT * FROM want) m`).Scan(ctx, &drift)
	if err != nil {
		t.Fatal(err)
	}
	return drift
}

// TestOrderSearchTermsFollowEveryWrite: whatever a statement does to orders
// and their lines (multi-row inserts, a new description or PO number, a
// write that changes nothing searched, a deleted line, an order moved to
// another customer, a line moved to another order, a deleted order), the
// search terms end equal to what the orders hold, as the app role, and the
// customer's search finds exactly what the orders now say.
func TestOrderSearchTermsFollowEveryWrite(t *testing.T) {
	e := newOrderEnv(t)
	ta, _ := tenants.FromContext(e.a)
	tid, cust, other := ta.ID, e.jane.CustomerID, e.ids["other-customer"]
	o1, o2, l1, l2, l3 := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	steps := []struct {
		name  string
		sql   string
		args  []any
		finds map[string][]string // Jane's search → order numbers, newest first
	}{
		{"insert two orders in one statement", `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date)
			VALUES (?, ?, ?, 'T-500', 'ACME-7781', 'confirmed', '2026-11-01'), (?, ?, ?, 'T-501', '', 'confirmed', '2026-11-02')`,
			[]any{tid, o1, cust, tid, o2, cust},
			map[string][]string{"t-50": {"T-501", "T-500"}, "acme": {"T-500"}, "7781": {"T-500"}, "acme-7781": {"T-500"}}},
		{"insert lines of both in one statement", `INSERT INTO order_lines (tenant_id, id, order_id, line_no, description, quantity, uom,
				unit_price_minor, line_total_minor)
			VALUES (?, ?, ?, 1, 'Zirconium rod 12mm', 1, 'ea', 1, 1), (?, ?, ?, 2, 'Titanium sheet', 1, 'ea', 1, 1),
				(?, ?, ?, 1, 'Zirconium plate (cut)', 1, 'ea', 1, 1)`,
			[]any{tid, l1, o1, tid, l2, o1, tid, l3, o2},
			map[string][]string{"zirc": {"T-501", "T-500"}, "TITAN": {"T-500"}, "zirconium cut": {"T-501"}, "conium": nil}},
		{"new description", `UPDATE order_lines SET description = 'Tungsten plate' WHERE id = ?`, []any{l3},
			map[string][]string{"zirc": {"T-500"}, "tungs": {"T-501"}, "cut": nil}},
		{"an update that changes nothing searched", `UPDATE orders SET notes = 'hello', status = 'in_progress' WHERE id IN (?, ?)`, []any{o1, o2},
			map[string][]string{"zirc": {"T-500"}, "tungs": {"T-501"}}},
		{"new PO number", `UPDATE orders SET po_number = 'PO-NEW-1' WHERE id = ?`, []any{o1},
			map[string][]string{"acme": nil, "7781": nil, "po-new": {"T-500"}}},
		{"delete a line", `DELETE FROM order_lines WHERE id = ?`, []any{l1},
			map[string][]string{"zirc": nil, "12mm": nil, "titan": {"T-500"}}},
		{"move an order to another customer", `UPDATE orders SET customer_id = ? WHERE id = ?`, []any{other, o2},
			map[string][]string{"tungs": nil, "t-50": {"T-500"}}},
		{"move a line to another order", `UPDATE order_lines SET order_id = ?, line_no = 3 WHERE id = ?`, []any{o1, l3},
			map[string][]string{"tungs": {"T-500"}, "titan": {"T-500"}}},
		{"delete an order", `DELETE FROM orders WHERE id = ?`, []any{o1},
			map[string][]string{"titan": nil, "tungs": nil, "t-50": nil}},
	}
	check := func(step string) {
		t.Helper()
		err := e.app.InTx(e.a, tid, func(ctx context.Context, tx bun.Tx) error {
			if d := searchTermsDrift(ctx, t, tx); len(d) > 0 {
				t.Errorf("%s: search terms drift: %v", step, d)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("seeded data")
	for _, s := range steps {
		err := e.app.InTx(e.a, tid, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, s.sql, s.args...)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		check("after " + s.name)
		for q, want := range s.finds {
			list, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Search: q})
			if err != nil {
				t.Fatalf("%s: search %q: %v", s.name, q, err)
			}
			if got := orderNumbers(list); !slices.Equal(got, want) {
				t.Errorf("after %s: search %q finds %v, want %v", s.name, q, got, want)
			}
		}
	}
	// The moved order's terms are the other customer's now, and another
	// tenant's terms stay out of sight.
	err := e.app.InTx(e.a, tid, func(ctx context.Context, tx bun.Tx) error {
		var moved, foreign int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE order_id = ? AND customer_id = ?),
				count(*) FILTER (WHERE tenant_id <> ?) FROM order_search_terms`, o2, other, tid).Scan(&moved, &foreign); err != nil {
			return err
		}
		if moved == 0 || foreign != 0 {
			t.Errorf("%d terms of the moved order under its new customer (want some), %d terms of another tenant visible", moved, foreign)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOrderSearchTermsConcurrentLines: a line added by one transaction and
// another line with the same word deleted by a second, concurrently, leave
// the word (the line triggers serialise on the order's row; without that,
// the second's rebuild, not seeing the first's line, dropped the word the
// first had found already there).
func TestOrderSearchTermsConcurrentLines(t *testing.T) {
	e := newOrderEnv(t)
	ta, _ := tenants.FromContext(e.a)
	begin := func() bun.Tx {
		t.Helper()
		tx, err := e.app.Bun.BeginTx(e.a, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(e.a, "SELECT set_config('app.tenant_id', ?, true)", ta.ID); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	order, old, added := e.ids["SO-1001"], uuid.NewString(), uuid.NewString()
	line := `INSERT INTO order_lines (tenant_id, id, order_id, line_no, description, quantity, uom, unit_price_minor, line_total_minor)
		VALUES (?, ?, ?, ?, 'Zircon bar', 1, 'ea', 1, 1)`
	setup := begin()
	if _, err := setup.ExecContext(e.a, line, ta.ID, old, order, 7); err != nil {
		t.Fatal(err)
	}
	if err := setup.Commit(); err != nil {
		t.Fatal(err)
	}
	adder := begin()
	if _, err := adder.ExecContext(e.a, line, ta.ID, added, order, 8); err != nil { // "zircon" is there: nothing to add
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		deleter := begin()
		if _, err := deleter.ExecContext(e.a, `DELETE FROM order_lines WHERE id = ?`, old); err != nil {
			deleter.Rollback() //nolint:errcheck // reporting the first error
			done <- err
			return
		}
		done <- deleter.Commit()
	}()
	time.Sleep(300 * time.Millisecond) // the deleter is waiting for the order's row (or, unserialised, has rebuilt)
	if err := adder.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	err := e.app.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		if d := searchTermsDrift(ctx, t, tx); len(d) > 0 {
			t.Errorf("search terms drift: %v", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Search: "zircon"})
	if err != nil || !slices.Equal(orderNumbers(list), []string{"SO-1001"}) {
		t.Errorf("search zircon: %v, %v; want SO-1001", orderNumbers(list), err)
	}
}
