package portal

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"hash/crc32"
	"math/big"
	"strings"
	"time"
)

// API key scopes: what a tenant's API key may call. The back-office API
// takes only keys with ScopeBackOffice.
const (
	ScopeEcommerce  = "ecommerce"
	ScopeBackOffice = "backoffice"
	ScopeWebhooks   = "webhooks"
)

// Scopes lists every API key scope, in the order forms show them.
var Scopes = []string{ScopeEcommerce, ScopeBackOffice, ScopeWebhooks}

// ValidScope reports whether s is an API key scope.
func ValidScope(s string) bool {
	return s == ScopeEcommerce || s == ScopeBackOffice || s == ScopeWebhooks
}

// APIKeyUseInterval is how stale last_used_at may get: a key's use is
// recorded at most once per interval, so a busy ERP does not turn every
// request into a write of the same row.
const APIKeyUseInterval = time.Minute

// APIKey is a tenant's API key as the server sees it; its secret is never
// kept, only its SHA-256.
//
// The key a client presents is "<prefix>.<secret>": the prefix
// (pk_<scope>_<8 letters or digits>, e.g. pk_bo_7hQ2xK9a) names the key in
// lists and logs, the secret is what proves it: 256 random bits as 43
// base62 characters, then a 6-character base62 CRC32 of everything before
// it, so that secret scanners (and the server, before any query) tell a
// real key from a look-alike or a typo.
type APIKey struct {
	ID         string
	Name       string
	Prefix     string
	Scopes     []string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	// RevokedAt is when the key stops working: zero while live, in the
	// future during a rotation's grace period.
	RevokedAt time.Time
}

// HasScope reports whether the key carries scope.
func (k *APIKey) HasScope(scope string) bool {
	for _, s := range k.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// API key secret lengths: the random part and its checksum.
const (
	apiKeyRandomLen   = 43 // 62^43 > 2^256
	apiKeyChecksumLen = 6  // 62^6 > 2^32
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// toBase62 writes b as a big-endian number in exactly n base62 digits.
func toBase62(b []byte, n int) string {
	v := new(big.Int).SetBytes(b)
	out := make([]byte, n)
	base, mod := big.NewInt(62), new(big.Int)
	for i := n - 1; i >= 0; i-- {
		v.DivMod(v, base, mod)
		out[i] = base62[mod.Int64()]
	}
	return string(out)
}

func apiKeyChecksum(body string) string {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE([]byte(body)))
	return toBase62(sum[:], apiKeyChecksumLen)
}

// NewAPIKeySecret returns the secret of a key with prefix from 32 random
// bytes: their base62 digits and the checksum.
func NewAPIKeySecret(prefix string, random [32]byte) string {
	body := toBase62(random[:], apiKeyRandomLen)
	return body + apiKeyChecksum(prefix+"."+body)
}

// SplitAPIKey splits a presented key into its prefix and secret; ok is
// false when it is not of the form "<prefix>.<secret>" or its checksum is
// wrong.
func SplitAPIKey(key string) (prefix, secret string, ok bool) {
	prefix, secret, ok = strings.Cut(key, ".")
	if !ok || len(prefix) < 8 || len(prefix) > 40 || len(secret) != apiKeyRandomLen+apiKeyChecksumLen {
		return "", "", false
	}
	body := secret[:apiKeyRandomLen]
	if subtle.ConstantTimeCompare([]byte(apiKeyChecksum(prefix+"."+body)), []byte(secret[apiKeyRandomLen:])) != 1 {
		return "", "", false
	}
	return prefix, secret, true
}

// CreateAPIKeyInput names a new key and its scopes.
type CreateAPIKeyInput struct {
	Name   string
	Scopes []string
}

// Validate checks the name and scopes.
func (in CreateAPIKeyInput) Validate() error {
	var fields []FieldError
	if strings.TrimSpace(in.Name) == "" || len(in.Name) > 200 {
		fields = append(fields, FieldError{"name", "Give the key a name of up to 200 characters."})
	}
	if len(in.Scopes) == 0 {
		fields = append(fields, FieldError{"scopes", "Name at least one scope."})
	}
	for _, s := range in.Scopes {
		if !ValidScope(s) {
			fields = append(fields, FieldError{"scopes", "Unknown scope " + s + " (ecommerce, backoffice or webhooks)."})
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "The key could not be created.", Fields: fields}
	}
	return nil
}

// APIKeyService authenticates the tenant's API keys.
type APIKeyService interface {
	// AuthenticateAPIKey finds the live key of the tenant in ctx that key
	// ("<prefix>.<secret>") presents and records its use. EUNAUTHORIZED
	// for a malformed, unknown, wrong or revoked key.
	AuthenticateAPIKey(ctx context.Context, key string) (*APIKey, error)
}

// APIKeyRotationGrace is how long a rotated key keeps working beside its
// replacement, so that the client can switch without an outage.
const APIKeyRotationGrace = 24 * time.Hour

// APIKeyManager is how a tenant's admins manage its API keys (staff area
// and API). Every change is in the audit log.
type APIKeyManager interface {
	// ListAPIKeys returns the tenant's keys, newest first, revoked ones
	// included (with RevokedAt).
	ListAPIKeys(ctx context.Context, actor *User) ([]APIKey, error)
	// CreateAPIKey creates a key; the returned full key is shown once.
	// Errors: EINVALID.
	CreateAPIKey(ctx context.Context, actor *User, in CreateAPIKeyInput, c Client) (*APIKey, string, error)
	// RotateAPIKey creates a key with the same name and scopes and lets
	// the old one work for APIKeyRotationGrace more. Errors: ENOTFOUND
	// (also for a key already revoked).
	RotateAPIKey(ctx context.Context, actor *User, id string, c Client) (*APIKey, string, error)
	// RevokeAPIKey ends a key now. Errors: ENOTFOUND.
	RevokeAPIKey(ctx context.Context, actor *User, id string, c Client) error
}
