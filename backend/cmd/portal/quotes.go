package main

import (
	"context"
	"log/slog"
	"time"

	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// expireQuotesEvery is how often quotes past their valid-until day expire.
const expireQuotesEvery = 10 * time.Minute

// expireQuotes marks every tenant's quoted quotes past valid-until expired,
// until ctx ends. Acceptance checks the date itself, so the job only keeps
// the lists truthful; it is idempotent, so several servers may run it.
func expireQuotes(ctx context.Context, db *postgres.DB, quotes *postgres.QuoteService, logger *slog.Logger) {
	eachTenantEvery(ctx, db, expireQuotesEvery, logger, "quote expiry", func(ctx context.Context, tn *tenants.Tenant) {
		n, err := quotes.ExpireDue(ctx, tn.ID, db.Now())
		if err != nil {
			logger.ErrorContext(ctx, "quote expiry", "tenant", tn.Slug, "error", err.Error())
		} else if n > 0 {
			logger.InfoContext(ctx, "quotes expired", "tenant", tn.Slug, "expired", n)
		}
	})
}
