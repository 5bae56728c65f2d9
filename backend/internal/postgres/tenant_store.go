package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.TenantFinder = (*DB)(nil)

// The platform tables (tenants, tenant_hosts) are not tenant-owned and have
// no row-level security. The app role may only read them, through
// FindTenantByHost; writes happen in the operator command as the owner.

// FindTenantByHost returns the tenant that host (normalised, without port)
// belongs to, or portal.ErrTenantNotFound.
func (db *DB) FindTenantByHost(ctx context.Context, host string) (*tenants.Tenant, error) {
	return db.findTenant(ctx, `t.id = (SELECT tenant_id FROM tenant_hosts WHERE host = $1)`, tenants.NormalizeHost(host))
}

// FindTenantBySlug returns the tenant with slug, or portal.ErrTenantNotFound.
func (db *DB) FindTenantBySlug(ctx context.Context, slug string) (*tenants.Tenant, error) {
	return db.findTenant(ctx, `t.slug = $1`, slug)
}

// FindTenantByStripeAccount returns the tenant whose settings name the
// Stripe connected account, or portal.ErrTenantNotFound. Two tenants
// naming one account is a misconfiguration, and an error here.
func (db *DB) FindTenantByStripeAccount(ctx context.Context, account string) (*tenants.Tenant, error) {
	return db.findTenant(ctx, `t.id = (SELECT id FROM tenants WHERE settings->>'stripe_account' = $1)`, account)
}

const tenantColumns = `t.id::text, t.slug, t.name, t.status, t.branding, t.settings, t.sso,
	COALESCE((SELECT array_agg(h.host ORDER BY h.host) FROM tenant_hosts h WHERE h.tenant_id = t.id), '{}')`

func (db *DB) findTenant(ctx context.Context, where string, arg any) (*tenants.Tenant, error) {
	row := db.Pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants t WHERE `+where, arg)
	t, err := scanTenant(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, portal.ErrTenantNotFound
	}
	return t, err
}

// ListTenants returns every tenant, by slug.
func (db *DB) ListTenants(ctx context.Context) ([]*tenants.Tenant, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants t ORDER BY t.slug`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tenants: %w", err)
	}
	defer rows.Close()
	var out []*tenants.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanTenant(row pgx.Row) (*tenants.Tenant, error) {
	var (
		t                  tenants.Tenant
		status             string
		branding, settings []byte
		sso                []byte // NULL: no single sign-on
	)
	if err := row.Scan(&t.ID, &t.Slug, &t.Name, &status, &branding, &settings, &sso, &t.Hosts); err != nil {
		return nil, err
	}
	t.Status = tenants.Status(status)
	if err := json.Unmarshal(branding, &t.Branding); err != nil {
		return nil, fmt.Errorf("postgres: tenant %s branding: %w", t.Slug, err)
	}
	if err := json.Unmarshal(settings, &t.Settings); err != nil {
		return nil, fmt.Errorf("postgres: tenant %s settings: %w", t.Slug, err)
	}
	if sso != nil {
		if err := json.Unmarshal(sso, &t.SSO); err != nil {
			return nil, fmt.Errorf("postgres: tenant %s sso: %w", t.Slug, err)
		}
	}
	return &t, nil
}

// ApplyTenant creates or updates the tenant with t.Slug to match t: name,
// branding, settings and exactly t.Hosts as its host names. t.Status applies
// only when the tenant is created: afterwards only SetTenantStatus changes
// it, so re-applying definitions never lifts a suspension. It sets t.ID (a
// new UUIDv7 for a new tenant) and t.Status to the stored status. A host
// already held by another tenant is an error naming it. Owner role only.
func (db *DB) ApplyTenant(ctx context.Context, t *tenants.Tenant) error {
	if err := t.Validate(); err != nil {
		return err
	}
	branding, err := json.Marshal(t.Branding)
	if err != nil {
		return err
	}
	settings, err := json.Marshal(t.Settings)
	if err != nil {
		return err
	}
	var sso any // SQL NULL when the tenant has no single sign-on
	if t.SSO != nil {
		b, err := json.Marshal(t.SSO)
		if err != nil {
			return err
		}
		sso = string(b)
	}
	return pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		id := uuid.Must(uuid.NewV7()).String()
		err := tx.QueryRow(ctx, `
			INSERT INTO tenants (id, slug, name, status, branding, settings, sso)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,
				branding = EXCLUDED.branding, settings = EXCLUDED.settings, sso = EXCLUDED.sso, updated_at = now()
			RETURNING id::text, status`, id, t.Slug, t.Name, string(t.Status), string(branding), string(settings), sso).Scan(&t.ID, &t.Status)
		if err != nil {
			return fmt.Errorf("postgres: apply tenant %s: %w", t.Slug, err)
		}
		var taken []string
		if err := tx.QueryRow(ctx, `
			SELECT COALESCE(array_agg(h.host || ' (' || o.slug || ')'), '{}') FROM tenant_hosts h JOIN tenants o ON o.id = h.tenant_id
			WHERE h.host = ANY($1) AND h.tenant_id <> $2`, t.Hosts, t.ID).Scan(&taken); err != nil {
			return err
		}
		if len(taken) > 0 {
			return fmt.Errorf("postgres: apply tenant %s: hosts already belong to other tenants: %s", t.Slug, strings.Join(taken, ", "))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tenant_hosts WHERE tenant_id = $1 AND NOT (host = ANY($2))`, t.ID, t.Hosts); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tenant_hosts (host, tenant_id) SELECT unnest($1::text[]), $2 ON CONFLICT (host) DO NOTHING`, t.Hosts, t.ID)
		return err
	})
}

// SetTenantStatus suspends or reactivates the tenant with slug. Owner role only.
func (db *DB) SetTenantStatus(ctx context.Context, slug string, status tenants.Status) error {
	if status != tenants.StatusActive && status != tenants.StatusSuspended {
		return fmt.Errorf("postgres: invalid tenant status %q", status)
	}
	tag, err := db.Pool.Exec(ctx, `UPDATE tenants SET status = $2, updated_at = now() WHERE slug = $1`, slug, string(status))
	if err != nil {
		return fmt.Errorf("postgres: set tenant status: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return portal.ErrTenantNotFound
	}
	return nil
}
