package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

// generateEvery is how often the portal looks for documents it owes
// (invoices, order confirmations, packing slips that became available).
const generateEvery = 30 * time.Second

// generateDocuments renders every tenant's due generated documents, up to
// 200 per tenant a run, until ctx ends. The unique indexes of migration 27
// keep two servers from storing the same document twice.
func generateDocuments(ctx context.Context, db *postgres.DB, docs *postgres.DocumentStore, logger *slog.Logger) {
	eachTenantEvery(ctx, db, generateEvery, logger, "documents generation", func(ctx context.Context, tn *tenants.Tenant) {
		n, err := docs.GenerateDue(ctx, tn, 200)
		if err != nil {
			logger.ErrorContext(ctx, "documents generation", "tenant", tn.Slug, "error", err.Error())
		}
		if n > 0 {
			logger.InfoContext(ctx, "documents generated", "tenant", tn.Slug, "generated", n)
		}
	})
}

// tenantLogo reads a tenant's logo for its PDFs from the web directory when
// it is a PNG or JPEG there (fpdf embeds no SVG); nil prints the name.
func tenantLogo(webDir string) func(*tenants.Tenant) []byte {
	return func(t *tenants.Tenant) []byte {
		u := t.Branding.LogoURL
		ext := strings.ToLower(filepath.Ext(u))
		if !strings.HasPrefix(u, "/web/") || (ext != ".png" && ext != ".jpg" && ext != ".jpeg") {
			return nil
		}
		b, err := os.ReadFile(filepath.Join(webDir, filepath.FromSlash(strings.TrimPrefix(u, "/web/"))))
		if err != nil {
			return nil
		}
		return b
	}
}
