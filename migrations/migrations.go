// Package migrations embeds the SQL migrations of the portal's schema.
//
// Files follow bun's naming: a 14-digit UTC stamp, a name, then ".tx.up.sql"
// or ".tx.down.sql" (".tx." runs the whole file in one transaction, so a
// failing migration leaves nothing half-applied). Statements are split on
// "--bun:split" lines.
//
// Conventions every tenant-owned table follows (checked by the schema lint in
// backend/internal/postgres):
//   - tenant_id uuid NOT NULL is the first column of the primary key and of
//     every unique constraint and foreign key;
//   - ENABLE and FORCE ROW LEVEL SECURITY with the policy tenant_isolation on
//     app.tenant_id, which errors when no tenant is set (fail closed);
//   - privileges are granted to the portal_app role, never ownership.
//
// Migrations run as the owner role (portal_owner); the server logs in as a
// member of portal_app, which owns nothing and cannot bypass RLS.
//
// FORCE ROW LEVEL SECURITY applies to the owner too, which bites migrations
// that touch existing rows: with no app.tenant_id set they fail, and with one
// set they see only that tenant. In particular ALTER TABLE … ADD FOREIGN KEY
// (or VALIDATE CONSTRAINT) on a populated table checks only the visible rows
// and could mark a constraint valid that other tenants' rows violate. Such a
// migration must, in its one transaction, ALTER TABLE … NO FORCE ROW LEVEL
// SECURITY on the tables involved, do its work, and FORCE it again; data
// backfills loop over tenants with set_config per tenant.
package migrations

import (
	"embed"

	"github.com/uptrace/bun/migrate"
)

//go:embed *.sql
var sqlFiles embed.FS

// Migrations returns the portal's migrations, discovered from the embedded SQL
// files.
func Migrations() (*migrate.Migrations, error) {
	m := migrate.NewMigrations()
	if err := m.Discover(sqlFiles); err != nil {
		return nil, err
	}
	return m, nil
}

// FS returns the embedded SQL files, for tests that fingerprint the schema.
func FS() embed.FS { return sqlFiles }
