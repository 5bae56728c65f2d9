package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/portal"
)

var _ portal.APIKeyService = (*APIKeyService)(nil)

// APIKeyService authenticates API keys under the tenant of the request's
// host (row-level security): a key is found only at its own tenant's address.
type APIKeyService struct {
	db *DB
}

// NewAPIKeyService returns the API key service over db (app role).
func NewAPIKeyService(db *DB) *APIKeyService { return &APIKeyService{db: db} }

var errBadAPIKey = portal.Errorf(portal.EUNAUTHORIZED, "The API key is missing, unknown or revoked.")

// scopeShort names a scope in a key's prefix.
var scopeShort = map[string]string{portal.ScopeBackOffice: "bo", portal.ScopeEcommerce: "ec", portal.ScopeWebhooks: "wh"}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// CreateAPIKey creates a key of the tenant and returns it with the full key
// ("<prefix>.<secret>"), which is shown this once: only the secret's SHA-256
// is kept. It runs as whichever role db logged in as (the operator command
// uses the owner), under tenantID.
func (db *DB) CreateAPIKey(ctx context.Context, tenantID string, in portal.CreateAPIKeyInput) (*portal.APIKey, string, error) {
	var k *portal.APIKey
	var full string
	err := db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		var err error
		k, full, err = createAPIKeyTx(ctx, tx, db.Now(), in)
		return err
	})
	return k, full, err
}

// createAPIKeyTx inserts a new key in the transaction's tenant.
func createAPIKeyTx(ctx context.Context, tx bun.Tx, now time.Time, in portal.CreateAPIKeyInput) (*portal.APIKey, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	var raw [32 + 8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", fmt.Errorf("postgres: api key: %w", err)
	}
	tail := make([]byte, 8)
	for i, b := range raw[32:] {
		tail[i] = keyAlphabet[int(b)%len(keyAlphabet)] // 256 % 62 bias is harmless: the prefix is an identifier, not a secret
	}
	k := &portal.APIKey{ID: uuid.Must(uuid.NewV7()).String(), Name: strings.TrimSpace(in.Name), Scopes: in.Scopes,
		Prefix: "pk_" + scopeShort[in.Scopes[0]] + "_" + string(tail), CreatedAt: now.UTC()}
	secret := portal.NewAPIKeySecret(k.Prefix, [32]byte(raw[:32]))
	sum := sha256.Sum256([]byte(secret))
	_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes, created_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, k.Prefix, sum[:], pgdialect.Array(k.Scopes), k.CreatedAt)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: create api key: %w", err)
	}
	return k, k.Prefix + "." + secret, nil
}

// RevokeAPIKey revokes the tenant's key with prefix (operator command and
// tests); revoking twice keeps the first time, and a key in a rotation's
// grace period stops now.
func (db *DB) RevokeAPIKey(ctx context.Context, tenantID, prefix string) error {
	return db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		now := db.Now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = LEAST(coalesce(revoked_at, ?), ?) WHERE prefix = ?`, now, now, prefix)
		if err != nil {
			return fmt.Errorf("postgres: revoke api key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "No such API key.")
		}
		return nil
	})
}

// noKeyHash is compared against when no key has the prefix, so that an
// unknown prefix costs the same as a wrong secret.
var noKeyHash = sha256.Sum256([]byte("no such key"))

// AuthenticateAPIKey implements portal.APIKeyService.
func (s *APIKeyService) AuthenticateAPIKey(ctx context.Context, key string) (*portal.APIKey, error) {
	prefix, secret, ok := portal.SplitAPIKey(key)
	if !ok {
		return nil, errBadAPIKey
	}
	sum := sha256.Sum256([]byte(secret))
	now := s.db.Now().UTC()
	var k portal.APIKey
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var (
			stored         []byte
			lastUsed, revo sql.NullTime
			scopes         []string
		)
		err := tx.QueryRowContext(ctx, `SELECT id::text, name, prefix, secret_hash, scopes, created_at, last_used_at, revoked_at
			FROM api_keys WHERE prefix = ?`, prefix).Scan(&k.ID, &k.Name, &k.Prefix, &stored, pgdialect.Array(&scopes),
			&k.CreatedAt, &lastUsed, &revo)
		if errors.Is(err, sql.ErrNoRows) {
			subtle.ConstantTimeCompare(noKeyHash[:], sum[:])
			return errBadAPIKey
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(stored, sum[:]) != 1 || (revo.Valid && !revo.Time.After(now)) {
			return errBadAPIKey
		}
		k.Scopes, k.LastUsedAt = scopes, lastUsed.Time
		if !lastUsed.Valid || now.Sub(lastUsed.Time) >= portal.APIKeyUseInterval {
			if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now, k.ID); err != nil {
				return err
			}
			k.LastUsedAt = now
		}
		return nil
	})
	if err != nil {
		if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: authenticate api key: %w", err)
	}
	return &k, nil
}

var _ portal.APIKeyManager = (*APIKeyService)(nil)

var (
	errNoAPIKey     = portal.Errorf(portal.ENOTFOUND, "No such API key.")
	errNotTenantKey = portal.Errorf(portal.EFORBIDDEN, "API keys are the distributor's staff's to manage.")
)

// ListAPIKeys implements portal.APIKeyManager.
func (s *APIKeyService) ListAPIKeys(ctx context.Context, actor *portal.User) ([]portal.APIKey, error) {
	if actor.CustomerID != "" {
		return nil, errNotTenantKey
	}
	out := []portal.APIKey{}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, name, prefix, scopes, created_at, last_used_at, revoked_at
			FROM api_keys ORDER BY created_at DESC, id DESC`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k portal.APIKey
			var lastUsed, revoked sql.NullTime
			if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, pgdialect.Array(&k.Scopes), &k.CreatedAt, &lastUsed, &revoked); err != nil {
				return err
			}
			k.LastUsedAt, k.RevokedAt = lastUsed.Time, revoked.Time
			out = append(out, k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list api keys: %w", err)
	}
	return out, nil
}

// CreateAPIKey implements portal.APIKeyManager.
func (s *APIKeyService) CreateAPIKey(ctx context.Context, actor *portal.User, in portal.CreateAPIKeyInput, c portal.Client) (*portal.APIKey, string, error) {
	if actor.CustomerID != "" {
		return nil, "", errNotTenantKey
	}
	var k *portal.APIKey
	var full string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if k, full, err = createAPIKeyTx(ctx, tx, s.db.Now(), in); err != nil {
			return err
		}
		return auditTx(ctx, tx, s.db.Now().UTC(), "api_key_created", actor, "", c,
			map[string]any{"prefix": k.Prefix, "name": k.Name, "scopes": k.Scopes})
	})
	if err != nil {
		return nil, "", err
	}
	return k, full, nil
}

// RotateAPIKey implements portal.APIKeyManager.
func (s *APIKeyService) RotateAPIKey(ctx context.Context, actor *portal.User, id string, c portal.Client) (*portal.APIKey, string, error) {
	if actor.CustomerID != "" {
		return nil, "", errNotTenantKey
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, "", errNoAPIKey
	}
	var k *portal.APIKey
	var full string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		var old portal.APIKey
		err := tx.QueryRowContext(ctx, `SELECT name, prefix, scopes FROM api_keys WHERE id = ? AND revoked_at IS NULL FOR UPDATE`, id).
			Scan(&old.Name, &old.Prefix, pgdialect.Array(&old.Scopes))
		if errors.Is(err, sql.ErrNoRows) {
			return errNoAPIKey
		}
		if err != nil {
			return err
		}
		if k, full, err = createAPIKeyTx(ctx, tx, now, portal.CreateAPIKeyInput{Name: old.Name, Scopes: old.Scopes}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, now.Add(portal.APIKeyRotationGrace), id); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "api_key_rotated", actor, "", c, map[string]any{"prefix": old.Prefix, "new_prefix": k.Prefix})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("postgres: rotate api key: %w", err)
	}
	return k, full, nil
}

// RevokeAPIKey implements portal.APIKeyManager: the key stops now, also
// when it was in a rotation's grace period.
func (s *APIKeyService) RevokeAPIKey(ctx context.Context, actor *portal.User, id string, c portal.Client) error {
	if actor.CustomerID != "" {
		return errNotTenantKey
	}
	if _, err := uuid.Parse(id); err != nil {
		return errNoAPIKey
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		var prefix string
		err := tx.QueryRowContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND (revoked_at IS NULL OR revoked_at > ?)
			RETURNING prefix`, now, id, now).Scan(&prefix)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoAPIKey
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "api_key_revoked", actor, "", c, map[string]any{"prefix": prefix})
	})
	if err != nil && portal.ErrorCode(err) == portal.EINTERNAL {
		return fmt.Errorf("postgres: revoke api key: %w", err)
	}
	return err
}
