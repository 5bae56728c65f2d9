package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/tenants"
)

// WebhookService implements portal.WebhookService. Secrets are sealed with
// the database's Box, bound to the tenant and endpoint.
type WebhookService struct {
	db *DB
	// AllowHTTP admits http:// receivers (local development and tests,
	// with the delivery guard's loopback setting); production takes https
	// only.
	AllowHTTP bool
}

var _ portal.WebhookService = (*WebhookService)(nil)

// NewWebhookService returns the service over db (app role).
func NewWebhookService(db *DB) *WebhookService { return &WebhookService{db: db} }

var (
	errNoWebhook    = portal.Errorf(portal.ENOTFOUND, "No such webhook endpoint.")
	errStaffWebhook = portal.Errorf(portal.EFORBIDDEN, "Webhooks are the distributor's staff's to manage.")
)

func webhookAAD(tenantID, id string) []byte { return []byte("webhook:" + tenantID + ":" + id) }

const webhookColumns = `id::text, url, description, events, enabled, disabled_reason, previous_expires_at, failing_since, created_at, updated_at`

func scanWebhook(row interface{ Scan(...any) error }, extra ...any) (*portal.WebhookEndpoint, error) {
	var w portal.WebhookEndpoint
	var prev, failing sql.NullTime
	err := row.Scan(append([]any{&w.ID, &w.URL, &w.Description, pgdialect.Array(&w.Events), &w.Enabled, &w.DisabledReason, &prev,
		&failing, &w.CreatedAt, &w.UpdatedAt}, extra...)...)
	w.PreviousExpiresAt, w.FailingSince = prev.Time, failing.Time
	return &w, err
}

func (s *WebhookService) box() error {
	if s.db.Secrets() == nil {
		return fmt.Errorf("postgres: webhooks: no encryption keys to seal secrets with")
	}
	return nil
}

// ListWebhooks implements portal.WebhookService.
func (s *WebhookService) ListWebhooks(ctx context.Context, actor *portal.User) ([]portal.WebhookEndpoint, error) {
	if actor.CustomerID != "" {
		return nil, errStaffWebhook
	}
	out := []portal.WebhookEndpoint{}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints ORDER BY created_at, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			out = append(out, *w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list webhooks: %w", err)
	}
	return out, nil
}

// CreateWebhook implements portal.WebhookService.
func (s *WebhookService) CreateWebhook(ctx context.Context, actor *portal.User, in portal.WebhookInput, c portal.Client) (*portal.WebhookEndpoint, string, error) {
	if actor.CustomerID != "" {
		return nil, "", errStaffWebhook
	}
	if err := in.Validate(true, s.AllowHTTP); err != nil {
		return nil, "", err
	}
	if err := s.box(); err != nil {
		return nil, "", err
	}
	tn, _ := tenants.FromContext(ctx)
	id, secret, now := uuid.Must(uuid.NewV7()).String(), webhook.NewSecret(), s.db.Now().UTC()
	sealed, err := s.db.Secrets().Seal([]byte(secret), webhookAAD(tn.ID, id))
	if err != nil {
		return nil, "", err
	}
	desc, enabled := "", true
	if in.Description != nil {
		desc = *in.Description
	}
	if in.Enabled != nil {
		enabled = *in.Enabled
	}
	var w *portal.WebhookEndpoint
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		w, err = scanWebhook(tx.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, description, events, enabled,
				secret_sealed, created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+webhookColumns,
			id, *in.URL, desc, pgdialect.Array(in.Events), enabled, sealed, now, now))
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "webhook_created", actor, "", c, map[string]any{"webhook_id": id, "url": *in.URL, "events": in.Events})
	})
	if err != nil {
		return nil, "", fmt.Errorf("postgres: create webhook: %w", err)
	}
	return w, secret, nil
}

// UpdateWebhook implements portal.WebhookService.
func (s *WebhookService) UpdateWebhook(ctx context.Context, actor *portal.User, id string, in portal.WebhookInput, c portal.Client) (*portal.WebhookEndpoint, string, error) {
	if actor.CustomerID != "" {
		return nil, "", errStaffWebhook
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, "", errNoWebhook
	}
	if err := in.Validate(false, s.AllowHTTP); err != nil {
		return nil, "", err
	}
	if err := s.box(); err != nil {
		return nil, "", err
	}
	tn, _ := tenants.FromContext(ctx)
	now := s.db.Now().UTC()
	var w *portal.WebhookEndpoint
	var newSecret string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT secret_sealed FROM webhook_endpoints WHERE id = ? FOR UPDATE`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoWebhook
		}
		if err != nil {
			return err
		}
		q := tx.NewUpdate().Table("webhook_endpoints").Where("id = ?", id).Set("updated_at = ?", now)
		if in.URL != nil {
			q.Set("url = ?", *in.URL)
		}
		if in.Description != nil {
			q.Set("description = ?", *in.Description)
		}
		if in.Events != nil {
			q.Set("events = ?", pgdialect.Array(in.Events))
		}
		if in.Enabled != nil {
			// Turning it back on clears why the portal had turned it off,
			// and its days of failures start again from the next one;
			// saving an endpoint that is on keeps its failing clock.
			q.Set("enabled = ?", *in.Enabled).Set("disabled_reason = ''").Set("failing_since = CASE WHEN enabled THEN failing_since END")
		}
		if in.RotateSecret {
			newSecret = webhook.NewSecret()
			sealed, err := s.db.Secrets().Seal([]byte(newSecret), webhookAAD(tn.ID, id))
			if err != nil {
				return err
			}
			q.Set("secret_sealed = ?", sealed).Set("previous_secret_sealed = ?", current).
				Set("previous_expires_at = ?", now.Add(portal.WebhookSecretGrace))
		}
		if w, err = scanWebhook(tx.QueryRowContext(ctx, q.Returning(webhookColumns).String())); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "webhook_updated", actor, "", c, map[string]any{"webhook_id": id, "url": w.URL,
			"events": w.Events, "enabled": w.Enabled, "secret_rotated": in.RotateSecret})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("postgres: update webhook: %w", err)
	}
	return w, newSecret, nil
}

// DeleteWebhook implements portal.WebhookService.
func (s *WebhookService) DeleteWebhook(ctx context.Context, actor *portal.User, id string, c portal.Client) error {
	if actor.CustomerID != "" {
		return errStaffWebhook
	}
	if _, err := uuid.Parse(id); err != nil {
		return errNoWebhook
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var url string
		err := tx.QueryRowContext(ctx, `DELETE FROM webhook_endpoints WHERE id = ? RETURNING url`, id).Scan(&url)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoWebhook
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, s.db.Now().UTC(), "webhook_deleted", actor, "", c, map[string]any{"webhook_id": id, "url": url})
	})
	if err != nil && portal.ErrorCode(err) == portal.EINTERNAL {
		return fmt.Errorf("postgres: delete webhook: %w", err)
	}
	return err
}

// WebhookSecrets implements portal.WebhookService.
func (s *WebhookService) WebhookSecrets(ctx context.Context, id string) (*portal.WebhookEndpoint, []string, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, nil, errNoWebhook
	}
	if err := s.box(); err != nil {
		return nil, nil, err
	}
	tn, _ := tenants.FromContext(ctx)
	var w *portal.WebhookEndpoint
	var current string
	var previous sql.NullString
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		w, err = scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+`, secret_sealed, previous_secret_sealed
			FROM webhook_endpoints WHERE id = ?`, id), &current, &previous)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoWebhook
		}
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("postgres: webhook secrets: %w", err)
	}
	secrets, err := s.openSecrets(tn.ID, w, current, previous.String)
	if err != nil {
		return nil, nil, err
	}
	return w, secrets, nil
}

// openSecrets opens the endpoint's sealed secrets that sign now: the
// current one, and the previous one until it expires.
func (s *WebhookService) openSecrets(tenantID string, w *portal.WebhookEndpoint, current, previous string) ([]string, error) {
	secrets := make([]string, 0, 2)
	for i, sealed := range []string{current, previous} {
		if sealed == "" || (i == 1 && !w.PreviousExpiresAt.After(s.db.Now())) {
			continue
		}
		plain, err := s.db.Secrets().Open(sealed, webhookAAD(tenantID, w.ID))
		if err != nil {
			return nil, fmt.Errorf("postgres: open webhook secret: %w", err)
		}
		secrets = append(secrets, string(plain))
	}
	return secrets, nil
}
