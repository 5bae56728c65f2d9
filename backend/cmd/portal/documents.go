package main

import (
	"context"
	"log/slog"
	"time"

	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// documentsEvery is how often the retention job and the orphan sweep run.
const documentsEvery = time.Hour

// maintainDocuments deletes every tenant's documents past their retention
// (spec 000 section 4 retention_days) and sweeps orphaned objects, once an
// hour until ctx ends. Both are idempotent, so several servers may run it.
func maintainDocuments(ctx context.Context, db *postgres.DB, docs *postgres.DocumentStore, logger *slog.Logger) {
	eachTenantEvery(ctx, db, documentsEvery, logger, "documents retention", func(ctx context.Context, tn *tenants.Tenant) {
		if n, err := docs.DeleteExpired(ctx, tn.ID, 1000); err != nil {
			logger.ErrorContext(ctx, "documents retention", "tenant", tn.Slug, "error", err.Error())
		} else if n > 0 {
			logger.InfoContext(ctx, "documents past retention deleted", "tenant", tn.Slug, "deleted", n)
		}
		if n, err := docs.SweepOrphans(ctx, tn.ID); err != nil {
			logger.ErrorContext(ctx, "documents orphan sweep", "tenant", tn.Slug, "error", err.Error())
		} else if n > 0 {
			logger.InfoContext(ctx, "orphaned document objects removed", "tenant", tn.Slug, "removed", n)
		}
	})
}
