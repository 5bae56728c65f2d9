package postgres

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.RateLimiter = (*RateLimiter)(nil)

// RateLimiter counts API requests per key and endpoint in fixed windows
// (a minute for the e-commerce API) in the UNLOGGED table
// api_rate_counters: one row per key and endpoint, incremented by one
// atomic upsert, so every server process shares the same count and a
// burst spread over several processes is limited as one.
type RateLimiter struct {
	db *DB
}

// NewRateLimiter returns the limiter over db (app role); the window
// boundaries follow db.Now.
func NewRateLimiter(db *DB) *RateLimiter { return &RateLimiter{db: db} }

// Take implements portal.RateLimiter. Every request counts, refused ones
// too, so a client hammering past its limit does not get a fresh window
// early; the row of a new window starts again at 1. A request from a
// window already passed (a slow process) counts in the current one.
func (l *RateLimiter) Take(ctx context.Context, keyID, endpoint string, lim portal.RateLimit) (portal.RateDecision, error) {
	now := l.db.Now().UTC()
	start := now.Truncate(lim.Per)
	var n int
	err := l.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_rate_counters AS c (tenant_id, api_key_id, endpoint, window_start, count)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, 1)
			ON CONFLICT (tenant_id, api_key_id, endpoint) DO UPDATE SET
				count = CASE WHEN c.window_start >= EXCLUDED.window_start THEN c.count + 1 ELSE 1 END,
				window_start = GREATEST(c.window_start, EXCLUDED.window_start)
			RETURNING count`, keyID, endpoint, start).Scan(&n)
	})
	if err != nil {
		return portal.RateDecision{}, fmt.Errorf("postgres: rate limit: %w", err)
	}
	return portal.RateDecision{Allowed: n <= lim.N, Limit: lim.N, Remaining: max(0, lim.N-n), ResetIn: start.Add(lim.Per).Sub(now)}, nil
}
