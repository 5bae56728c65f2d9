package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"

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
	k := &portal.APIKey{ID: uuid.Must(uuid.NewV7()).String(), Name: in.Name, Scopes: in.Scopes,
		Prefix: "pk_" + scopeShort[in.Scopes[0]] + "_" + string(tail), CreatedAt: db.Now().UTC()}
	secret := portal.NewAPIKeySecret(k.Prefix, [32]byte(raw[:32]))
	sum := sha256.Sum256([]byte(secret))
	err := db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes, created_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.Name, k.Prefix, sum[:], pgdialect.Array(k.Scopes), k.CreatedAt)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("postgres: create api key: %w", err)
	}
	return k, k.Prefix + "." + secret, nil
}

// RevokeAPIKey revokes the tenant's key with prefix (operator command and
// tests); revoking twice keeps the first time.
func (db *DB) RevokeAPIKey(ctx context.Context, tenantID, prefix string) error {
	return db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE prefix = ?`, db.Now().UTC(), prefix)
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
		if subtle.ConstantTimeCompare(stored, sum[:]) != 1 || revo.Valid {
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
