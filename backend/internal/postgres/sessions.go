package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
)

var _ portal.SessionService = (*AuthService)(nil)

// ListSessions implements portal.SessionService.
func (s *AuthService) ListSessions(ctx context.Context, userID string) ([]portal.Session, error) {
	now := s.db.Now().UTC()
	var out []portal.Session
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, user_id::text, coalesce(customer_id::text, ''), created_at, last_seen_at,
				idle_expires_at, expires_at, remember, user_agent, COALESCE(host(client_ip), '')
			FROM sessions WHERE user_id = ? AND NOT mfa_pending AND ended_at IS NULL AND idle_expires_at > ? AND expires_at > ?
			ORDER BY created_at DESC`, userID, now, now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x portal.Session
			if err := rows.Scan(&x.ID, &x.UserID, &x.CustomerID, &x.CreatedAt, &x.LastSeenAt, &x.IdleExpiresAt,
				&x.ExpiresAt, &x.Remember, &x.UserAgent, &x.ClientIP); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// EndSession implements portal.SessionService.
func (s *AuthService) EndSession(ctx context.Context, userID, sessionID string, c portal.Client) error {
	// A malformed id is simply not found (and must not reach PostgreSQL,
	// whose cast error would surface as a 500).
	id, err := uuid.Parse(sessionID)
	if err != nil {
		return portal.Errorf(portal.ENOTFOUND, "No such session.")
	}
	now := s.db.Now().UTC()
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var u portal.User
		// user_id in the WHERE clause: another user's session id (even of
		// the same customer) is "not found", never "forbidden".
		err := tx.NewRaw(`UPDATE sessions SET ended_at = ? WHERE id = ? AND user_id = ? AND ended_at IS NULL
			RETURNING user_id::text, coalesce(customer_id::text, '')`, now, id.String(), userID).Scan(ctx, &u.ID, &u.CustomerID)
		if errors.Is(err, sql.ErrNoRows) {
			return portal.Errorf(portal.ENOTFOUND, "No such session.")
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "session_ended", &u, "", c, map[string]any{"session_id": id.String()})
	})
}

// ChangePassword implements portal.SessionService. Wrong current passwords
// are throttled like sign-ins (portal.MaxFailuresAccountClient per
// portal.ThrottleWindow): a session left open on a shared computer must not
// let its finder guess the password and then lock the owner out with it.
func (s *AuthService) ChangePassword(ctx context.Context, userID, keepSessionID, current, next string, c portal.Client) error {
	var (
		fieldErr *portal.Error
		limited  bool
	)
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Parallel attempts queue up so that each sees the failures before it.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' password ' || ?))`, userID); err != nil {
			return err
		}
		var u portal.User
		var hash string
		err := tx.NewRaw(`SELECT id::text, coalesce(customer_id::text, ''), email, password_hash FROM users WHERE id = ? AND status = 'active'`,
			userID).Scan(ctx, &u.ID, &u.CustomerID, &u.Email, &hash)
		if err != nil {
			return err
		}
		now := s.db.Now().UTC()
		var failures int
		if err := tx.NewRaw(`SELECT count(*) FROM audit_events WHERE user_id = ? AND kind = 'password_change_failed' AND occurred_at > ?`,
			u.ID, now.Add(-portal.ThrottleWindow)).Scan(ctx, &failures); err != nil {
			return err
		}
		if failures >= portal.MaxFailuresAccountClient {
			limited = true
			return nil
		}
		ok, err := password.Verify(hash, current)
		if err != nil && !errors.Is(err, password.ErrMalformed) {
			return err
		}
		if !ok {
			fieldErr = &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted fields.",
				Fields: []portal.FieldError{{Field: "current_password", Message: "This is not your current password."}}}
			return auditTx(ctx, tx, now, "password_change_failed", &u, u.Email, c, nil)
		}
		if err := checkNewPassword(next, u.Email); err != nil {
			fieldErr = err
			return nil
		}
		newHash, err := password.Hash(next)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, newHash, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE user_id = ? AND id <> ? AND ended_at IS NULL`,
			now, u.ID, keepSessionID); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "password_changed", &u, u.Email, c, map[string]any{"via": "account"})
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	case err != nil:
		return err
	case limited:
		return portal.Errorf(portal.ERATELIMITED, "Too many wrong passwords. Wait %d minutes and try again.", int(portal.ThrottleWindow.Minutes()))
	case fieldErr != nil:
		return fieldErr
	}
	return nil
}
