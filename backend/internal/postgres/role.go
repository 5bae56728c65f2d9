package postgres

import (
	"context"
	"fmt"
)

// RoleFacts are what the server checks about the role it logged in as.
type RoleFacts struct {
	Name        string
	Superuser   bool     // is, or can SET ROLE to, a superuser
	BypassRLS   bool     // is, or can SET ROLE to, a role with BYPASSRLS
	OwnedTables []string // tables in the current database the role owns (directly or through membership)
}

// CanBypassRLS reports whether row-level security would not apply to the role.
func (f RoleFacts) CanBypassRLS() bool {
	return f.Superuser || f.BypassRLS || len(f.OwnedTables) > 0
}

// CurrentRole reads the facts about the connected role from the catalog.
// A role the connection can SET ROLE to counts as its own: membership is
// 'MEMBER', not just inherited 'USAGE', because one SET ROLE would then
// bypass row-level security. Owners skip RLS unless FORCE is set, and may
// switch it off, so owning any table counts as able to bypass.
func (db *DB) CurrentRole(ctx context.Context) (RoleFacts, error) {
	var f RoleFacts
	err := db.Pool.QueryRow(ctx, `
		SELECT current_user::text,
		       EXISTS (SELECT FROM pg_roles r WHERE r.rolsuper AND pg_has_role(current_user, r.oid, 'MEMBER')),
		       EXISTS (SELECT FROM pg_roles r WHERE r.rolbypassrls AND pg_has_role(current_user, r.oid, 'MEMBER'))`).
		Scan(&f.Name, &f.Superuser, &f.BypassRLS)
	if err != nil {
		return f, fmt.Errorf("postgres: read current role: %w", err)
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT c.oid::regclass::text
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		  AND pg_has_role(current_user, c.relowner, 'MEMBER')
		ORDER BY 1`)
	if err != nil {
		return f, fmt.Errorf("postgres: read owned tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return f, err
		}
		f.OwnedTables = append(f.OwnedTables, name)
	}
	return f, rows.Err()
}

// CheckAppRole returns an error, meant for the operator, when the connected
// role could bypass row-level security. The server refuses to start on it.
func (db *DB) CheckAppRole(ctx context.Context) error {
	f, err := db.CurrentRole(ctx)
	if err != nil {
		return err
	}
	if !f.CanBypassRLS() {
		return nil
	}
	why := ""
	switch {
	case f.Superuser:
		why = "is (or can become) a superuser"
	case f.BypassRLS:
		why = "has (or can become a role with) BYPASSRLS"
	default:
		why = fmt.Sprintf("owns %d tables (e.g. %s)", len(f.OwnedTables), f.OwnedTables[0])
	}
	return fmt.Errorf("refusing to start: database role %q %s, so row-level security would not isolate tenants; "+
		"connect PORTAL_DATABASE_URL as the app role (portal_app: NOSUPERUSER NOBYPASSRLS, owning nothing) "+
		"and run migrations with PORTAL_OWNER_DATABASE_URL", f.Name, why)
}
