package postgres_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
)

// The schema lint (reliability checklist T1, T2, T6 and T11) reads the
// catalog of a freshly migrated database and enforces the conventions of
// DESIGN.md §3 that row-level security and a future Citus distribution rely
// on. It is a catalog check, so a new migration that forgets one of them
// fails CI before any query could leak.

const (
	// lintAppRole is the role the server logs in as (see roles.sql).
	lintAppRole = "portal_app"

	// lintTenantPolicyExpr is how PostgreSQL deparses the tenant_isolation
	// predicate of the migrations. The form without missing_ok is the
	// convention (stack notes §1): it raises an error when app.tenant_id is
	// unset or empty instead of quietly matching nothing, and the isolation
	// tests rely on that. A policy that merely mentions app.tenant_id (say
	// "… OR true") must not pass, so expressions are compared exactly.
	lintTenantPolicyExpr = "(tenant_id = (current_setting('app.tenant_id'::text))::uuid)"
)

// lintPlatformTables are the platform tables: not tenant-owned, so without
// row-level security. tenants has no tenant_id at all. tenant_hosts has one,
// but it is read by tenant resolution before any tenant is known (host name
// → tenant), so a policy on app.tenant_id cannot apply to it; instead the app
// role may only read both tables (rule f) and only the operator command, as
// the owner, writes them. Keep this list short: every entry is a table that
// row-level security does not protect.
var lintPlatformTables = map[string]bool{
	"tenants":      true,
	"tenant_hosts": true,
}

// lintInfrastructureTable reports whether name is a table of the migration
// tool or the job queue, which hold no tenant data of their own.
func lintInfrastructureTable(name string) bool {
	return name == "bun_migrations" || name == "bun_migration_locks" || strings.HasPrefix(name, "river_")
}

// TestSchemaLint fails listing every violation of the tenancy conventions in
// the migrated schema, so one run shows all that a migration got wrong.
func TestSchemaLint(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	if v := lintSchema(context.Background(), d.OpenOwner(t)); len(v) > 0 {
		t.Errorf("schema lint: %d violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

// TestSchemaLintCatchesViolations proves the lint can fail: in a database of
// its own, whose clean schema passes first, every case breaks a rule, and a
// single lint run must report each case's exact violations, which also
// proves they are collected rather than reported one at a time.
func TestSchemaLintCatchesViolations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	if v := lintSchema(ctx, owner); len(v) > 0 {
		t.Fatalf("lint fails on the clean schema, fix TestSchemaLint first:\n  %s", strings.Join(v, "\n  "))
	}

	admin, err := postgres.Open(ctx, d.AdminURL, postgres.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	// Each case's SQL runs as the owner unless asAdmin (objects owned by the
	// app role can only be made by a superuser). Every want must match one
	// reported line (all substrings of that line).
	cases := []struct {
		name    string
		sql     string
		asAdmin bool
		want    [][]string
	}{
		{
			name: "table with tenant_id but no row-level security",
			sql:  `CREATE TABLE lint_no_rls (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))`,
			want: [][]string{
				{"lint_no_rls", "row-level security is not enabled"},
				{"lint_no_rls", "not forced"},
				{"lint_no_rls", "no policy"},
			},
		},
		{
			name: "primary key not starting with tenant_id",
			sql: `CREATE TABLE lint_bad_pk (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (id, tenant_id));
				ALTER TABLE lint_bad_pk ENABLE ROW LEVEL SECURITY;
				ALTER TABLE lint_bad_pk FORCE ROW LEVEL SECURITY;
				CREATE POLICY tenant_isolation ON lint_bad_pk
				    USING (tenant_id = current_setting('app.tenant_id')::uuid)
				    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid)`,
			want: [][]string{{"lint_bad_pk", "primary key", "(id, tenant_id)"}},
		},
		{
			name: "policy dropped",
			sql:  `DROP POLICY tenant_isolation ON invoices`,
			want: [][]string{{"invoices", "no policy"}},
		},
		{
			name: "global unique constraint",
			sql:  `ALTER TABLE products ADD CONSTRAINT products_name_key UNIQUE (name)`,
			want: [][]string{{"products", "products_name_key", "(name)"}},
		},
		{
			name: "global unique index",
			sql:  `CREATE UNIQUE INDEX customers_email_uidx ON customers (lower(email))`,
			want: [][]string{{"customers", "customers_email_uidx"}},
		},
		{
			name: "foreign key without tenant_id",
			sql: `ALTER TABLE customers ADD CONSTRAINT customers_id_key UNIQUE (id);
				ALTER TABLE invoices ADD CONSTRAINT invoices_customer_global_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)`,
			want: [][]string{
				{"customers", "customers_id_key", "(id)"},
				{"invoices", "invoices_customer_global_fkey", "(customer_id)"},
			},
		},
		{
			name: "foreign key to tenants on another column",
			sql:  `ALTER TABLE orders ADD COLUMN billed_tenant_id uuid REFERENCES tenants (id)`,
			want: [][]string{{"orders", "orders_billed_tenant_id_fkey", "(billed_tenant_id)"}},
		},
		{
			name: "policy that is not the tenant predicate",
			sql:  `CREATE POLICY support_read ON orders FOR SELECT USING (true)`,
			want: [][]string{{"orders", "support_read", "permissive"}},
		},
		{
			name: "tenant policy weakened with OR",
			sql: `ALTER POLICY tenant_isolation ON shipments
				USING (tenant_id = current_setting('app.tenant_id')::uuid OR true)`,
			want: [][]string{{"shipments", "no policy"}, {"shipments", "tenant_isolation", "permissive"}},
		},
		{
			name: "policy without WITH CHECK",
			sql: `DROP POLICY tenant_isolation ON addresses;
				CREATE POLICY tenant_isolation ON addresses USING (tenant_id = current_setting('app.tenant_id')::uuid)`,
			want: [][]string{{"addresses", "no policy"}},
		},
		{
			name: "row-level security not forced",
			sql:  `ALTER TABLE locations NO FORCE ROW LEVEL SECURITY`,
			want: [][]string{{"locations", "not forced"}},
		},
		{
			name: "row-level security disabled",
			sql:  `ALTER TABLE sales_reps DISABLE ROW LEVEL SECURITY`,
			want: [][]string{{"sales_reps", "row-level security is not enabled"}},
		},
		{
			name: "nullable tenant_id of the wrong type",
			sql: `CREATE TABLE lint_text_tenant (tenant_id text, id uuid NOT NULL, PRIMARY KEY (id));
				ALTER TABLE lint_text_tenant ENABLE ROW LEVEL SECURITY;
				ALTER TABLE lint_text_tenant FORCE ROW LEVEL SECURITY`,
			want: [][]string{
				{"lint_text_tenant", "tenant_id is nullable"},
				{"lint_text_tenant", "tenant_id is text"},
			},
		},
		{
			name: "new table without tenant_id",
			sql:  `CREATE TABLE lint_no_tenant (id uuid PRIMARY KEY, note text)`,
			want: [][]string{{"lint_no_tenant", "no tenant_id"}},
		},
		{
			name: "table outside public",
			sql:  `CREATE SCHEMA lint_other; CREATE TABLE lint_other.hidden (id uuid PRIMARY KEY)`,
			want: [][]string{{"lint_other.hidden", "outside the public schema"}},
		},
		{
			name: "view without security_invoker",
			sql:  `CREATE VIEW lint_orders_view AS SELECT tenant_id, id FROM orders`,
			want: [][]string{{"lint_orders_view", "security_invoker"}},
		},
		{
			name: "materialized view",
			sql:  `CREATE MATERIALIZED VIEW lint_orders_mv AS SELECT 1 AS one WITH NO DATA`,
			want: [][]string{{"lint_orders_mv", "materialized view"}},
		},
		{
			name: "app role may write a platform table",
			sql:  `GRANT INSERT, DELETE ON tenants TO portal_app; GRANT UPDATE (tenant_id) ON tenant_hosts TO portal_app`,
			want: [][]string{
				{"tenants", "INSERT"},
				{"tenants", "DELETE"},
				{"tenant_hosts", "UPDATE"},
			},
		},
		{
			name: "app role may truncate a tenant table",
			sql:  `GRANT TRUNCATE ON orders TO portal_app`,
			want: [][]string{{"orders", "TRUNCATE"}},
		},
		{
			name:    "objects owned by the app role",
			asAdmin: true,
			sql: `CREATE SEQUENCE lint_app_seq; ALTER SEQUENCE lint_app_seq OWNER TO portal_app;
				CREATE FUNCTION lint_app_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
				ALTER FUNCTION lint_app_fn() OWNER TO portal_app;
				GRANT CREATE ON SCHEMA public TO portal_app`,
			want: [][]string{
				{"lint_app_seq", "owned by portal_app"},
				{"lint_app_fn", "owned by portal_app"},
				{"public", "CREATE"},
			},
		},
	}
	for _, c := range cases {
		var err error
		if c.asAdmin {
			_, err = admin.Bun.ExecContext(ctx, c.sql)
		} else {
			// Validating a new foreign key reads the tables, which FORCE
			// subjects to the policy, so the owner needs some tenant set.
			err = owner.InTx(ctx, uuid.Must(uuid.NewV7()).String(), func(ctx context.Context, tx bun.Tx) error {
				_, err := tx.ExecContext(ctx, c.sql)
				return err
			})
		}
		if err != nil {
			t.Fatalf("%s: set up: %v", c.name, err)
		}
	}
	got := lintSchema(ctx, owner)
	for _, c := range cases {
		for _, want := range c.want {
			if !slices.ContainsFunc(got, func(line string) bool { return lintContainsAll(line, want) }) {
				t.Errorf("%s: lint did not report %q", c.name, want)
			}
		}
	}
	if t.Failed() {
		t.Logf("lint reported:\n  %s", strings.Join(got, "\n  "))
	}
}

func lintContainsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// lintRelation is one relation of the public schema as the lint sees it.
type lintRelation struct {
	name       string
	kind       string // pg_class.relkind
	rls, force bool
	options    []string // reloptions
	hasTenant  bool     // has a tenant_id column
	notNull    bool
	tenantType string
}

// lintSchema returns every violation of the tenancy conventions in the
// database db is connected to, one line each, sorted. A failing catalog query
// is reported as a violation too, so the lint never passes by not looking.
func lintSchema(ctx context.Context, db *postgres.DB) []string {
	l := &schemaLinter{db: db}
	l.run(ctx)
	sort.Strings(l.violations)
	return l.violations
}

type schemaLinter struct {
	db         *postgres.DB
	violations []string
	relations  map[string]*lintRelation
}

func (l *schemaLinter) addf(format string, args ...any) {
	l.violations = append(l.violations, fmt.Sprintf(format, args...))
}

// tenantOwned reports whether the lint treats r as tenant-owned.
func (l *schemaLinter) tenantOwned(r *lintRelation) bool {
	return r != nil && r.hasTenant && (r.kind == "r" || r.kind == "p") && !lintPlatformTables[r.name]
}

func (l *schemaLinter) run(ctx context.Context) {
	if err := l.loadRelations(ctx); err != nil {
		l.addf("lint: read relations: %v", err)
		return
	}
	checks := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"tables", l.checkTables},
		{"policies", l.checkPolicies},
		{"keys", l.checkKeys},
		{"unique indexes", l.checkUniqueIndexes},
		{"foreign keys", l.checkForeignKeys},
		{"app role", l.checkAppRole},
		{"privileges", l.checkPrivileges},
	}
	for _, c := range checks {
		if err := c.fn(ctx); err != nil {
			l.addf("lint: check %s: %v", c.name, err)
		}
	}
}

func (l *schemaLinter) loadRelations(ctx context.Context) error {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
		       coalesce(c.reloptions, '{}'), a.attnum IS NOT NULL, coalesce(a.attnotnull, false),
		       coalesce(format_type(a.atttypid, a.atttypmod), '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`)
	if err != nil {
		return err
	}
	l.relations = map[string]*lintRelation{}
	var r lintRelation
	_, err = pgx.ForEachRow(rows, []any{&r.name, &r.kind, &r.rls, &r.force, &r.options, &r.hasTenant, &r.notNull, &r.tenantType}, func() error {
		rel := r
		l.relations[rel.name] = &rel
		return nil
	})
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(l.names(), func(n string) bool { return l.tenantOwned(l.relations[n]) }) {
		l.addf("lint: no tenant-owned table found in the public schema; the lint would check nothing")
	}
	return nil
}

// names returns the relation names in order, for stable output.
func (l *schemaLinter) names() []string {
	names := make([]string, 0, len(l.relations))
	for n := range l.relations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// checkTables enforces rules (a: RLS flags), (b), (d) and (g).
func (l *schemaLinter) checkTables(ctx context.Context) error {
	for _, name := range l.names() {
		r := l.relations[name]
		switch r.kind {
		case "v":
			// (g) A view runs with its owner's rights unless security_invoker:
			// the owner is subject to FORCE, but a superuser- or
			// BYPASSRLS-owned view would see every tenant.
			if !lintSecurityInvoker(r.options) {
				l.addf("view %s: not created WITH (security_invoker = true)", name)
			}
			continue
		case "m":
			l.addf("materialized view %s: row-level security does not apply to materialized views; use a table with RLS or a security_invoker view", name)
			continue
		case "f":
			l.addf("foreign table %s: row-level security is not checked for foreign tables; not allowed in public", name)
			continue
		}
		if lintPlatformTables[name] {
			continue
		}
		if !r.hasTenant {
			if lintInfrastructureTable(name) {
				continue
			}
			// (d) Every table is tenant-owned unless it is allowlisted.
			l.addf("table %s: no tenant_id column; every table in public is tenant-owned unless it is a platform table (lintPlatformTables) or bun/river infrastructure", name)
			continue
		}
		// (b)
		if !r.notNull {
			l.addf("table %s: tenant_id is nullable; it must be NOT NULL", name)
		}
		if r.tenantType != "uuid" {
			l.addf("table %s: tenant_id is %s; it must be uuid everywhere (same type for Citus co-location)", name, r.tenantType)
		}
		// (a)
		if !r.rls {
			l.addf("table %s: row-level security is not enabled (ALTER TABLE … ENABLE ROW LEVEL SECURITY)", name)
		}
		if !r.force {
			l.addf("table %s: row-level security is not forced (ALTER TABLE … FORCE ROW LEVEL SECURITY), so the owner bypasses it", name)
		}
	}
	return l.checkOutsidePublic(ctx)
}

// checkOutsidePublic reports tables and views in schemas other than public:
// the app's tables live in public, and anything elsewhere would escape the
// lint (and the isolation tests, which discover tables in public).
func (l *schemaLinter) checkOutsidePublic(ctx context.Context) error {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT n.nspname || '.' || c.relname
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
		  AND n.nspname NOT IN ('public', 'pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
		ORDER BY 1`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		l.addf("relation %s: outside the public schema, where the lint and the isolation tests do not look", n)
	}
	return err
}

func lintSecurityInvoker(options []string) bool {
	for _, o := range options {
		k, v, _ := strings.Cut(o, "=")
		if strings.EqualFold(k, "security_invoker") {
			switch strings.ToLower(v) {
			case "true", "on", "yes", "1":
				return true
			}
		}
	}
	return false
}

// lintTenantRestricting reports whether a deparsed policy expression confines
// rows to the current tenant: the tenant predicate itself, or the tenant
// predicate AND something more.
func lintTenantRestricting(expr string) bool {
	return expr == lintTenantPolicyExpr || strings.HasPrefix(expr, "("+lintTenantPolicyExpr+" AND ")
}

// checkPolicies enforces rule (a) on policies: a permissive policy for ALL
// commands whose USING and WITH CHECK are the tenant predicate. Permissive
// policies are OR-ed together, so every other permissive policy must be
// tenant-restricting as well or it widens what the tenant policy allows;
// restrictive policies are AND-ed and can only narrow.
func (l *schemaLinter) checkPolicies(ctx context.Context) error {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT c.relname, p.polname, p.polcmd::text, p.polpermissive,
		       coalesce(pg_get_expr(p.polqual, p.polrelid), ''), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
		FROM pg_policy p
		JOIN pg_class c ON c.oid = p.polrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public'
		ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	hasTenantPolicy := map[string]bool{}
	var table, name, cmd, using, check string
	var permissive bool
	_, err = pgx.ForEachRow(rows, []any{&table, &name, &cmd, &permissive, &using, &check}, func() error {
		if !l.tenantOwned(l.relations[table]) || !permissive {
			return nil
		}
		if cmd == "*" && lintTenantRestricting(using) && lintTenantRestricting(check) {
			hasTenantPolicy[table] = true
		}
		// Command-specific policies use only one of the two expressions.
		if (using != "" && !lintTenantRestricting(using)) || (check != "" && !lintTenantRestricting(check)) {
			l.addf("table %s: permissive policy %s (FOR %s) is not restricted to app.tenant_id (USING %s, WITH CHECK %s); permissive policies are OR-ed, so it widens the tenant policy",
				table, name, lintPolicyCommands[cmd], lintOrNone(using), lintOrNone(check))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range l.names() {
		if l.tenantOwned(l.relations[name]) && !hasTenantPolicy[name] {
			l.addf("table %s: no policy for ALL commands with USING and WITH CHECK both %s", name, lintTenantPolicyExpr)
		}
	}
	return nil
}

// lintPolicyCommands names pg_policy.polcmd values.
var lintPolicyCommands = map[string]string{"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}

func lintOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// lintConstraint is a constraint with its column names in key order.
type lintConstraint struct {
	table, name, kind string
	cols              []string
	refTable          string // foreign keys only
	refCols           []string
}

func (l *schemaLinter) constraints(ctx context.Context, kinds string) ([]lintConstraint, error) {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT c.relname, con.conname, con.contype::text,
		       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
		             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
		       coalesce(rc.relname, ''),
		       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
		             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_class rc ON rc.oid = con.confrelid
		WHERE n.nspname = 'public' AND con.contype::text = ANY ($1)
		ORDER BY 1, 2`, strings.Split(kinds, ""))
	if err != nil {
		return nil, err
	}
	var out []lintConstraint
	var c lintConstraint
	_, err = pgx.ForEachRow(rows, []any{&c.table, &c.name, &c.kind, &c.cols, &c.refTable, &c.refCols}, func() error {
		out = append(out, c)
		return nil
	})
	return out, err
}

func lintCols(cols []string) string { return "(" + strings.Join(cols, ", ") + ")" }

// checkKeys enforces rule (c) on primary keys, unique and exclusion
// constraints: tenant_id first keeps uniqueness per tenant (a global unique
// key reveals other tenants' values through duplicate-key errors) and is
// what Citus requires of a distributed table.
func (l *schemaLinter) checkKeys(ctx context.Context) error {
	cons, err := l.constraints(ctx, "pux")
	if err != nil {
		return err
	}
	hasPK := map[string]bool{}
	for _, c := range cons {
		if !l.tenantOwned(l.relations[c.table]) {
			continue
		}
		what := map[string]string{"p": "primary key", "u": "unique constraint", "x": "exclusion constraint"}[c.kind]
		if c.kind == "p" {
			hasPK[c.table] = true
		}
		if len(c.cols) == 0 || c.cols[0] != "tenant_id" {
			l.addf("table %s: %s %s %s does not start with tenant_id", c.table, what, c.name, lintCols(c.cols))
		}
	}
	for _, name := range l.names() {
		if l.tenantOwned(l.relations[name]) && !hasPK[name] {
			l.addf("table %s: no primary key; it must be (tenant_id, …)", name)
		}
	}
	return nil
}

// checkUniqueIndexes enforces rule (c) on unique indexes that back no
// constraint (CREATE UNIQUE INDEX), including partial and expression ones.
func (l *schemaLinter) checkUniqueIndexes(ctx context.Context) error {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT c.relname, ic.relname, coalesce(a.attname::text, ''), pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] AND i.indkey[0] <> 0
		WHERE n.nspname = 'public' AND i.indisunique
		  AND NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
		ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	var table, index, first, def string
	_, err = pgx.ForEachRow(rows, []any{&table, &index, &first, &def}, func() error {
		if l.tenantOwned(l.relations[table]) && first != "tenant_id" {
			l.addf("table %s: unique index %s does not start with tenant_id: %s", table, index, def)
		}
		return nil
	})
	return err
}

// checkForeignKeys enforces rule (c) on foreign keys. Foreign-key checks
// bypass row-level security, so a single-column key to another tenant's row
// would be accepted; with tenant_id first on both sides a row can only point
// at its own tenant's rows. The key to tenants(id) is tenant_id alone.
func (l *schemaLinter) checkForeignKeys(ctx context.Context) error {
	fks, err := l.constraints(ctx, "f")
	if err != nil {
		return err
	}
	for _, fk := range fks {
		if !l.tenantOwned(l.relations[fk.table]) {
			continue
		}
		if fk.refTable == "tenants" {
			if !slices.Equal(fk.cols, []string{"tenant_id"}) || !slices.Equal(fk.refCols, []string{"id"}) {
				l.addf("table %s: foreign key %s %s → tenants %s must be (tenant_id) → tenants (id)", fk.table, fk.name, lintCols(fk.cols), lintCols(fk.refCols))
			}
			continue
		}
		if len(fk.cols) < 2 || fk.cols[0] != "tenant_id" || fk.refCols[0] != "tenant_id" {
			l.addf("table %s: foreign key %s %s → %s %s must start with tenant_id on both sides", fk.table, fk.name, lintCols(fk.cols), fk.refTable, lintCols(fk.refCols))
		}
	}
	return nil
}

// checkAppRole enforces rule (e): the app role is not a superuser, has no
// BYPASSRLS, and owns nothing in public (owners may disable or drop row-level
// security), neither directly nor through a role it is a member of; nor may
// it create objects in public, which it would then own.
func (l *schemaLinter) checkAppRole(ctx context.Context) error {
	rows, err := l.db.Pool.Query(ctx, `
		SELECT r.rolname, r.rolsuper, r.rolbypassrls
		FROM pg_roles r
		WHERE pg_has_role($1, r.oid, 'MEMBER')
		ORDER BY 1`, lintAppRole)
	if err != nil {
		return err
	}
	var role string
	var super, bypass bool
	found := false
	if _, err := pgx.ForEachRow(rows, []any{&role, &super, &bypass}, func() error {
		found = found || role == lintAppRole
		if super {
			l.addf("role %s: superuser (the app role %s is, or is a member of, it), which bypasses row-level security", role, lintAppRole)
		}
		if bypass {
			l.addf("role %s: has BYPASSRLS (the app role %s is, or is a member of, it)", role, lintAppRole)
		}
		return nil
	}); err != nil {
		return err
	}
	if !found {
		l.addf("role %s: does not exist", lintAppRole)
		return nil
	}

	rows, err = l.db.Pool.Query(ctx, `
		SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END,
		       c.relname, pg_get_userbyid(c.relowner)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
		  AND pg_has_role($1, c.relowner, 'MEMBER')
		UNION ALL
		SELECT 'function', p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'public' AND pg_has_role($1, p.proowner, 'MEMBER')
		UNION ALL
		SELECT 'schema', n.nspname, pg_get_userbyid(n.nspowner)
		FROM pg_namespace n WHERE n.nspname = 'public' AND pg_has_role($1, n.nspowner, 'MEMBER')
		ORDER BY 1, 2`, lintAppRole)
	if err != nil {
		return err
	}
	var kind, name, owner string
	if _, err := pgx.ForEachRow(rows, []any{&kind, &name, &owner}, func() error {
		l.addf("%s %s: owned by %s (the app role %s or a role it belongs to); owners bypass or can switch off row-level security", kind, name, owner, lintAppRole)
		return nil
	}); err != nil {
		return err
	}
	var create bool
	if err := l.db.Pool.QueryRow(ctx, `SELECT has_schema_privilege($1, 'public', 'CREATE')`, lintAppRole).Scan(&create); err != nil {
		return err
	}
	if create {
		l.addf("schema public: %s has CREATE, so it could create tables it owns", lintAppRole)
	}
	return nil
}

// checkPrivileges enforces rule (f): the app role only reads the platform
// tables (writes belong to the operator command). It also may not TRUNCATE a
// tenant-owned table: TRUNCATE is not subject to row-level security and
// would empty every tenant's rows. Column-level grants count as well.
func (l *schemaLinter) checkPrivileges(ctx context.Context) error {
	var tenantTables []string
	for _, name := range l.names() {
		if l.tenantOwned(l.relations[name]) {
			tenantTables = append(tenantTables, name)
		}
	}
	rows, err := l.db.Pool.Query(ctx, `
		SELECT c.relname, p.priv
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN unnest(CASE WHEN c.relname = ANY ($2) THEN ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']
		                       ELSE ARRAY['TRUNCATE'] END) AS p(priv)
		WHERE n.nspname = 'public' AND (c.relname = ANY ($2) OR c.relname = ANY ($3))
		  AND (has_table_privilege($1, c.oid, p.priv)
		       OR (p.priv IN ('INSERT', 'UPDATE') AND has_any_column_privilege($1, c.oid, p.priv)))
		ORDER BY 1, 2`, lintAppRole, slices.Sorted(maps.Keys(lintPlatformTables)), tenantTables)
	if err != nil {
		return err
	}
	var table, priv string
	_, err = pgx.ForEachRow(rows, []any{&table, &priv}, func() error {
		if lintPlatformTables[table] {
			l.addf("table %s: %s may %s this platform table; it may only SELECT it", table, lintAppRole, priv)
		} else {
			l.addf("table %s: %s has TRUNCATE, which row-level security does not restrict", table, lintAppRole)
		}
		return nil
	})
	return err
}

// catalogTenantTables returns the tenant-owned tables by the lint's
// definition (a tenant_id column, not a platform table), sorted. The
// isolation tests iterate over it, so a new table is covered without
// editing them.
func catalogTenantTables(ctx context.Context, db *postgres.DB) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT c.relname
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(names, func(n string) bool { return lintPlatformTables[n] }), nil
}
