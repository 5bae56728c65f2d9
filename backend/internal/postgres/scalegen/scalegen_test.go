package scalegen_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres/scalegen"
)

// TestEnsure_Small loads (or reuses) the small data set and checks its
// shape: the skew, the statuses, row-level security back on, and that a
// second Ensure reuses the database instead of loading again.
func TestEnsure_Small(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin := pgtest.AdminURL()
	if c, err := pgx.Connect(ctx, admin); err != nil {
		pgtest.Unavailable(t, "PostgreSQL: %v", err)
	} else {
		c.Close(ctx)
	}
	st, err := scalegen.Ensure(ctx, scalegen.Small, scalegen.Options{AdminURL: admin, Log: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: reused=%v load=%s size=%d MB rows=%v", st.Database, st.Reused, st.LoadTime, st.Bytes>>20, st.Rows)
	again, err := scalegen.Ensure(ctx, scalegen.Small, scalegen.Options{AdminURL: admin})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Reused || again.Database != st.Database {
		t.Errorf("second Ensure: reused=%v %s, want the cached %s", again.Reused, again.Database, st.Database)
	}

	conn, err := pgx.Connect(ctx, scalegen.URL(admin, st.Database, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tenants, customers, orders, lines, ships, shipMismatch, invs int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM customers), (SELECT count(*) FROM orders),
		(SELECT count(*) FROM order_lines), (SELECT count(*) FROM shipments),
		(SELECT count(*) FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id WHERE o.customer_id <> s.customer_id),
		(SELECT count(*) FROM invoices)`).Scan(&tenants, &customers, &orders, &lines, &ships, &shipMismatch, &invs); err != nil {
		t.Fatal(err)
	}
	sc := scalegen.Small
	if tenants != sc.Tenants || customers < sc.Customers/2 || customers > sc.Customers*2 {
		t.Errorf("%d tenants, %d customers; want %d and about %d", tenants, customers, sc.Tenants, sc.Customers)
	}
	if orders < sc.Orders*95/100 || orders > sc.Orders*105/100 || lines < orders*4 || lines > orders*6 {
		t.Errorf("%d orders, %d lines; want about %d and 5 a order", orders, lines, sc.Orders)
	}
	if ships == 0 || invs == 0 || shipMismatch != 0 {
		t.Errorf("%d shipments (%d of another customer than their order's), %d invoices", ships, shipMismatch, invs)
	}
	top := scalegen.Customers(sc)[0]
	var biggest int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM orders WHERE customer_id = $1`, top.CustomerID).Scan(&biggest); err != nil {
		t.Fatal(err)
	}
	if biggest != sc.Big[0] || top.Orders != sc.Big[0] {
		t.Errorf("biggest customer has %d orders (plan says %d), want %d", biggest, top.Orders, sc.Big[0])
	}
	var forced int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname IN ('orders', 'order_lines', 'shipments', 'invoices', 'customers', 'order_search_terms')
		AND relforcerowsecurity`).Scan(&forced); err != nil {
		t.Fatal(err)
	}
	if forced != 6 {
		t.Errorf("row-level security forced on %d of 6 tables after the load", forced)
	}
	// The search terms, filled in bulk with their triggers off, are what
	// the triggers would have written (migration 24's definition).
	var missing, extra int
	if err := conn.QueryRow(ctx, `WITH want AS (SELECT o.tenant_id, o.customer_id, t AS term, o.id AS order_id
			FROM orders o CROSS JOIN LATERAL order_search_terms_of(o) AS t)
		SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM order_search_terms) m),
			(SELECT count(*) FROM (SELECT * FROM order_search_terms EXCEPT SELECT * FROM want) m)`).Scan(&missing, &extra); err != nil {
		t.Fatal(err)
	}
	if missing != 0 || extra != 0 {
		t.Errorf("order_search_terms: %d terms missing, %d too many", missing, extra)
	}
	var enabled int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%search_terms%' AND tgenabled = 'O'`).Scan(&enabled); err != nil {
		t.Fatal(err)
	}
	if enabled != 6 {
		t.Errorf("%d of the 6 search-term triggers enabled after the load", enabled)
	}
	var statuses int
	if err := conn.QueryRow(ctx, `SELECT count(DISTINCT status) FROM orders`).Scan(&statuses); err != nil {
		t.Fatal(err)
	}
	if statuses < 12 {
		t.Errorf("orders use %d statuses, want nearly all 13", statuses)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
