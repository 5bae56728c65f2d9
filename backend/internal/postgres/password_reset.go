package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
)

var _ portal.PasswordResetService = (*AuthService)(nil)

var errBadResetToken = &portal.Error{Code: portal.EINVALID, Message: "This reset link is invalid or has expired. Ask for a new one.",
	Fields: []portal.FieldError{{Field: "token", Message: "The link is invalid, already used or expired."}}}

// checkNewPassword refuses a new password for the account of email: the
// domain's rules (portal.ValidatePassword), then how guessable it is.
func checkNewPassword(plain, email string) *portal.Error {
	fields := portal.ValidatePassword(plain, email)
	if fields == nil && password.Guessable(plain, password.EmailHints(email)...) {
		fields = []portal.FieldError{portal.ErrGuessablePassword}
	}
	if fields != nil {
		return &portal.Error{Code: portal.EINVALID, Message: "Choose a stronger password.", Fields: fields}
	}
	return nil
}

// RequestPasswordReset implements portal.PasswordResetService.
func (s *AuthService) RequestPasswordReset(ctx context.Context, email string, c portal.Client) (*portal.ResetRequest, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted fields.",
			Fields: []portal.FieldError{{Field: "email", Message: "Enter a valid e-mail address."}}}
	}
	var req *portal.ResetRequest
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var u portal.User
		var recent int
		err := tx.NewRaw(`SELECT u.id::text, coalesce(u.customer_id::text, ''), coalesce(c.company_name, ''), u.email, u.name, u.role,
				(SELECT count(*) FROM password_resets r WHERE r.user_id = u.id AND r.created_at > ?)
			FROM users u LEFT JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id
			WHERE u.email = ? AND u.status = 'active'`, now.Add(-time.Hour), email).
			Scan(ctx, &u.ID, &u.CustomerID, &u.CustomerName, &u.Email, &u.Name, &u.Role, &recent)
		if errors.Is(err, sql.ErrNoRows) {
			return auditTx(ctx, tx, now, "password_reset_requested", nil, email, c, map[string]any{"sent": false})
		}
		if err != nil {
			return err
		}
		if recent >= portal.MaxResetsPerHour {
			return auditTx(ctx, tx, now, "password_reset_requested", &u, email, c, map[string]any{"sent": false, "reason": "limit"})
		}
		token, hashed, err := newToken()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO password_resets (tenant_id, id, token_hash, customer_id, user_id, created_at, expires_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?)`,
			uuid.Must(uuid.NewV7()).String(), hashed, nullable(u.CustomerID), u.ID, now, now.Add(portal.ResetTokenLifetime))
		if err != nil {
			return fmt.Errorf("postgres: create password reset: %w", err)
		}
		req = &portal.ResetRequest{Token: token, User: u}
		return auditTx(ctx, tx, now, "password_reset_requested", &u, email, c, map[string]any{"sent": true})
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// ResetPassword implements portal.PasswordResetService.
func (s *AuthService) ResetPassword(ctx context.Context, token, newPassword string, c portal.Client) error {
	hashed, ok := hashToken(token)
	if !ok {
		return errBadResetToken
	}
	now := s.db.Now().UTC()
	var u portal.User
	var resetID string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT r.id::text, u.id::text, coalesce(u.customer_id::text, ''), u.email
			FROM password_resets r JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id AND u.status IN ('active', 'invited')
			WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?`, hashed, now).
			Scan(ctx, &resetID, &u.ID, &u.CustomerID, &u.Email)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return errBadResetToken
	}
	if err != nil {
		return err
	}
	if err := checkNewPassword(newPassword, u.Email); err != nil {
		return err
	}
	// Hash outside the transaction (it is slow on purpose); the update
	// below re-checks the token, so a concurrent second use still fails.
	hash, err := password.Hash(newPassword)
	if err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
			now, resetID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadResetToken
		}
		// An invitation is accepted the same way: setting a password
		// activates the invited user.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, status = 'active', updated_at = ? WHERE id = ?`, hash, now, u.ID); err != nil {
			return err
		}
		// Whoever knew the old password is signed out everywhere, and any
		// other reset link dies with this one.
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL`, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, u.ID); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "password_changed", &u, u.Email, c, map[string]any{"via": "reset"})
	})
}
