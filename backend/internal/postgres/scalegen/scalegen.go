// Package scalegen loads a deterministic, production-sized data set (1,000
// tenants, ~20k customers, 2M orders, 10M order lines, their shipments and
// invoices) into a database of its own, for the scale benchmarks.
//
// The data set is generated from a seed, so two loads of the same Version
// and schema hold the same rows. It is loaded once and cached: the database
// is named portal_scale_<scale>_<hash>, the hash covering Version and the
// columns and constraints of the tables it fills, and Ensure reuses it when
// it exists. Migrations that only add indexes do not change the hash; Ensure
// applies pending migrations to a cached database, as production would.
//
// Loading is COPY (pgx CopyFrom) as the owner role. Row-level security is
// lifted (NO FORCE) on the loaded tables for the load, and the secondary
// indexes and foreign keys are dropped before it and recreated after it (one
// sorted build and one validating join each, instead of per-row work); then
// everything is FORCEd again and ANALYZEd. The orders' search terms
// (migration 24), which triggers keep row by row in production, are filled
// after the copy in one INSERT … SELECT per loader with those triggers
// disabled during the load.
package scalegen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/portal/backend/internal/postgres"
)

// Version changes whenever what the generator writes changes, so that a
// cached database of an older generator is not reused.
const Version = "scalegen-2"

// Scale says how much to load.
type Scale struct {
	Name      string
	Tenants   int
	Customers int // over all tenants
	Orders    int // over all tenants
	// Big are the order counts of the biggest customers, the first customer
	// of tenants 0, 1, …; every other customer shares the remaining orders
	// with a heavy-tailed (Pareto) skew.
	Big  []int
	Seed uint64
}

// Full is the data set: 1,000 tenants, 20,000 customers, 2M orders
// (one customer with 200k) and about 10M lines.
var Full = Scale{Name: "full", Tenants: 1000, Customers: 20000, Orders: 2_000_000, Big: []int{200_000, 50_000, 20_000}, Seed: 20261207}

// Small is a hundredth of Full, for quick checks and the generator's test.
var Small = Scale{Name: "small", Tenants: 10, Customers: 200, Orders: 20_000, Big: []int{2_000, 500}, Seed: 20261207}

// ScaleFromEnv is Small when PORTAL_BENCH_SCALE=small, else Full.
func ScaleFromEnv(v string) Scale {
	if v == "small" {
		return Small
	}
	return Full
}

// End is the last order date of the data set; orders go back three years.
var End = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Stats describes a loaded database.
type Stats struct {
	Database string
	Reused   bool
	LoadTime time.Duration // zero when reused
	Rows     map[string]int64
	Bytes    int64 // pg_database_size
}

// Options of Ensure.
type Options struct {
	AdminURL string // superuser connection to the server (creates the database)
	Log      io.Writer
}

// loadedTables are the tables the generator fills, in load order.
var loadedTables = []string{"tenants", "sales_reps", "locations", "customers", "users", "products",
	"orders", "order_lines", "order_search_terms", "shipments", "invoices"}

// derivedTriggers keep order_search_terms from the tables they are on; the
// load disables them and fills the table in bulk (fillDerived). What they
// write is defined by derivedFunctions, whose definitions are part of the
// schema hash.
var derivedFunctions = []string{"search_words", "order_search_terms_of"}

var derivedTriggers = map[string][]string{
	"orders":      {"orders_search_terms_insert", "orders_search_terms_update", "orders_search_terms_delete"},
	"order_lines": {"order_lines_search_terms_insert", "order_lines_search_terms_update", "order_lines_search_terms_delete"},
}

// Ensure returns the name of a database holding sc's data set, loading it
// when no cached one exists. It connects as the owner role to load and to
// migrate; the caller connects as it likes (app role for the benchmarks).
func Ensure(ctx context.Context, sc Scale, opt Options) (*Stats, error) {
	logw := opt.Log
	if logw == nil {
		logw = io.Discard
	}
	admin, err := pgx.Connect(ctx, opt.AdminURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, postgres.RolesSQL); err != nil {
		return nil, fmt.Errorf("scalegen: roles: %w", err)
	}
	// One loader of a scale at a time on a server (test binaries may run in
	// parallel).
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7403, hashtext($1))", sc.Name); err != nil {
		return nil, err
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7403, hashtext($1))", sc.Name) //nolint:errcheck // ends with the session

	prefix := "portal_scale_" + sc.Name + "_"
	building := prefix + "build"
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return nil, err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building+" OWNER portal_owner"); err != nil {
		return nil, err
	}
	owner, err := postgres.Open(ctx, withDB(opt.AdminURL, building, "portal_owner"), postgres.Options{MaxConns: 4})
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, owner); err != nil {
		owner.Close()
		return nil, err
	}
	sum, err := schemaHash(ctx, owner.Pool, sc)
	if err != nil {
		owner.Close()
		return nil, err
	}
	name := prefix + sum[:12]
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		owner.Close()
		return nil, err
	}
	st := &Stats{Database: name, Reused: exists}
	if exists {
		owner.Close()
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
			return nil, err
		}
		cached, err := postgres.Open(ctx, withDB(opt.AdminURL, name, "portal_owner"), postgres.Options{MaxConns: 2})
		if err != nil {
			return nil, err
		}
		defer cached.Close()
		if err := migrate(ctx, cached); err != nil { // indexes added since the load
			return nil, err
		}
		fmt.Fprintf(logw, "scalegen: reusing %s\n", name)
	} else {
		fmt.Fprintf(logw, "scalegen: loading %s (%d tenants, %d customers, %d orders)\n", name, sc.Tenants, sc.Customers, sc.Orders)
		start := time.Now()
		err := load(ctx, owner.Pool, sc, logw)
		owner.Close()
		if err != nil {
			return nil, fmt.Errorf("scalegen: load: %w", err)
		}
		st.LoadTime = time.Since(start)
		// Scale databases of other generator versions or schemas go: each
		// holds gigabytes.
		rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'portal\_scale\_%' AND datname <> $1 AND datname NOT LIKE '%\_build'`, name)
		if err != nil {
			return nil, err
		}
		stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		for _, s := range stale {
			if strings.HasPrefix(s, prefix) {
				if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+s+" WITH (FORCE)"); err != nil {
					fmt.Fprintf(logw, "scalegen: drop stale %s: %v\n", s, err)
				}
			}
		}
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
			return nil, err
		}
	}
	if err := admin.QueryRow(ctx, "SELECT pg_database_size($1)", name).Scan(&st.Bytes); err != nil {
		return nil, err
	}
	st.Rows, err = countRows(ctx, opt.AdminURL, name)
	return st, err
}

// URL returns adminURL pointed at database name as role.
func URL(adminURL, name, role string) string { return withDB(adminURL, name, role) }

func withDB(adminURL, name, role string) string {
	u, err := url.Parse(adminURL)
	if err != nil {
		return adminURL
	}
	u.Path = "/" + name
	if role != "" {
		u.User = url.UserPassword(role, role) // the harness's local passwords, see pgtest
	}
	return u.String()
}

func migrate(ctx context.Context, db *postgres.DB) error {
	m, err := postgres.NewMigrator(db)
	if err != nil {
		return err
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		return fmt.Errorf("scalegen: migrate: %w", err)
	}
	return nil
}

// schemaHash fingerprints Version, the scale, the columns and constraints
// (not the indexes) of the loaded tables and the functions that derive rows.
func schemaHash(ctx context.Context, pool *pgxpool.Pool, sc Scale) (string, error) {
	rows, err := pool.Query(ctx, `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)
		UNION ALL
		SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE conrelid = ANY (SELECT oid FROM pg_class WHERE relname = ANY($1) AND relnamespace = current_schema()::regnamespace)
		UNION ALL
		SELECT pg_get_functiondef(oid) FROM pg_proc WHERE proname = ANY($2) AND pronamespace = current_schema()::regnamespace
		ORDER BY 1`, loadedTables, derivedFunctions)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%+v\n", Version, sc)
	for _, l := range lines {
		fmt.Fprintln(h, l)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func countRows(ctx context.Context, adminURL, name string) (map[string]int64, error) {
	c, err := pgx.Connect(ctx, withDB(adminURL, name, ""))
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	out := map[string]int64{}
	for _, t := range loadedTables {
		var n int64
		// Planner estimates: exact counts of 10M rows take seconds.
		if err := c.QueryRow(ctx, "SELECT reltuples::bigint FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace", t).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// load fills the migrated, empty database behind pool.
func load(ctx context.Context, pool *pgxpool.Pool, sc Scale, logw io.Writer) error {
	deferred, err := dropSecondary(ctx, pool)
	if err != nil {
		return err
	}
	// Every forced table, not only the loaded ones: re-adding a foreign key
	// validates it against the referenced table too.
	rows, err := pool.Query(ctx, `SELECT oid::regclass::text FROM pg_class WHERE relforcerowsecurity AND relnamespace = current_schema()::regnamespace ORDER BY 1`)
	if err != nil {
		return err
	}
	forced, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, t := range forced {
		if _, err := pool.Exec(ctx, "ALTER TABLE "+t+" NO FORCE ROW LEVEL SECURITY"); err != nil {
			return err
		}
	}
	for table, triggers := range derivedTriggers {
		for _, tg := range triggers {
			if _, err := pool.Exec(ctx, "ALTER TABLE "+table+" DISABLE TRIGGER "+tg); err != nil {
				return err
			}
		}
	}
	p := newPlan(sc)
	start := time.Now()
	if err := copyTenants(ctx, pool, p); err != nil {
		return err
	}
	// Two loaders, each its own share of tenants; a tenant is generated in
	// memory (its rows depend only on the seed and its index) and copied
	// table by table in one transaction.
	const workers = 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ti := w; ti < sc.Tenants; ti += workers {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				if err := copyTenant(ctx, pool, p.tenant(ti)); err != nil {
					errs[w] = fmt.Errorf("tenant %d: %w", ti, err)
					return
				}
				if ti%100 == 0 {
					fmt.Fprintf(logw, "scalegen: tenant %d/%d after %s\n", ti, sc.Tenants, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(logw, "scalegen: rows copied in %s\n", time.Since(start).Round(time.Second))
	t := time.Now()
	if err := fillDerived(ctx, pool, p); err != nil {
		return err
	}
	fmt.Fprintf(logw, "scalegen: search terms filled (%s); building indexes and foreign keys\n", time.Since(t).Round(time.Second))
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
		return err
	}
	for _, stmt := range deferred {
		t := time.Now()
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
		fmt.Fprintf(logw, "scalegen: %s (%s)\n", firstWords(stmt, 9), time.Since(t).Round(time.Millisecond))
	}
	for table, triggers := range derivedTriggers {
		for _, tg := range triggers {
			if _, err := conn.Exec(ctx, "ALTER TABLE "+table+" ENABLE TRIGGER "+tg); err != nil {
				return err
			}
		}
	}
	for _, t := range forced {
		if _, err := conn.Exec(ctx, "ALTER TABLE "+t+" FORCE ROW LEVEL SECURITY"); err != nil {
			return err
		}
	}
	t = time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(loadedTables, ", ")); err != nil {
		return err
	}
	fmt.Fprintf(logw, "scalegen: vacuum analyze (%s)\n", time.Since(t).Round(time.Millisecond))
	return nil
}

// fillDerived fills order_search_terms from the copied orders and lines,
// as migration 24's backfill does, without its primary key (rebuilt after,
// one sorted build), two loaders each a share of the tenants.
func fillDerived(ctx context.Context, pool *pgxpool.Pool, p *plan) error {
	var pkey, pdef string
	if err := pool.QueryRow(ctx, `SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'order_search_terms'::regclass AND contype = 'p'`).Scan(&pkey, &pdef); err != nil {
		return fmt.Errorf("order_search_terms primary key: %w", err)
	}
	if _, err := pool.Exec(ctx, "ALTER TABLE order_search_terms DROP CONSTRAINT "+pkey); err != nil {
		return err
	}
	// Statistics first: without them the per-order plan may scan lines.
	if _, err := pool.Exec(ctx, "ANALYZE orders, order_lines"); err != nil {
		return err
	}
	const workers = 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		var ids []string
		for ti := w; ti < len(p.tenants); ti += workers {
			ids = append(ids, uuidString(p.tenants[ti].id))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// JIT compiling the per-order plan costs more than it saves
			// (measured: 3 times slower on the small data set).
			_, errs[w] = pool.Exec(ctx, `SET jit = off; INSERT INTO order_search_terms (tenant_id, customer_id, term, order_id)
				SELECT o.tenant_id, o.customer_id, t, o.id FROM orders o CROSS JOIN LATERAL order_search_terms_of(o) AS t
				WHERE o.tenant_id = ANY('`+"{"+strings.Join(ids, ",")+"}"+`'::uuid[])`)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("fill order_search_terms: %w", err)
		}
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "ALTER TABLE order_search_terms ADD CONSTRAINT "+pkey+" "+pdef)
	return err
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = append(f[:n], "…")
	}
	return strings.Join(f, " ")
}

// dropSecondary drops the foreign keys and the indexes that back no
// constraint on the loaded tables, and returns the statements that restore
// them (indexes first, then foreign keys).
func dropSecondary(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	var restore, drop []string
	rows, err := pool.Query(ctx, `SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
		WHERE indrelid = ANY (SELECT oid FROM pg_class WHERE relname = ANY($1) AND relnamespace = current_schema()::regnamespace)
		  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`, loadedTables)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		drop, restore = append(drop, "DROP INDEX "+name), append(restore, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = pool.Query(ctx, `SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
		WHERE contype = 'f' AND conrelid = ANY (SELECT oid FROM pg_class WHERE relname = ANY($1) AND relnamespace = current_schema()::regnamespace)
		ORDER BY 1, 2`, loadedTables)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, name, def string
		if err := rows.Scan(&table, &name, &def); err != nil {
			return nil, err
		}
		drop = append(drop, "ALTER TABLE "+table+" DROP CONSTRAINT "+name)
		restore = append(restore, "ALTER TABLE "+table+" ADD CONSTRAINT "+name+" "+def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, s := range drop {
		if _, err := pool.Exec(ctx, s); err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return restore, nil
}

func copyTenants(ctx context.Context, pool *pgxpool.Pool, p *plan) error {
	rows := make([][]any, len(p.tenants))
	for i, t := range p.tenants {
		rows[i] = []any{t.id, t.slug, t.name, End, End}
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"tenants"}, []string{"id", "slug", "name", "created_at", "updated_at"}, pgx.CopyFromRows(rows))
	return err
}

func copyTenant(ctx context.Context, pool *pgxpool.Pool, d *tenantData) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, t := range d.tables {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		return nil
	})
}
