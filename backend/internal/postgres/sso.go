package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.SSOService = (*AuthService)(nil)

// SaveSSOState implements portal.SSOService. Expired states of the tenant
// are swept on the way, so the table holds only sign-ins under way.
func (s *AuthService) SaveSSOState(ctx context.Context, st portal.SSOState) error {
	now := s.db.Now().UTC()
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_states WHERE expires_at <= ?`, now); err != nil {
			return fmt.Errorf("postgres: sweep sso states: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sso_states (tenant_id, state_hash, browser_hash, nonce, verifier, created_at, expires_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?)`,
			st.StateHash, st.BrowserHash, st.Nonce, st.Verifier, now, st.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("postgres: save sso state: %w", err)
		}
		return nil
	})
}

// TakeSSOState implements portal.SSOService. The DELETE … RETURNING makes
// two callbacks racing with one state see it once.
func (s *AuthService) TakeSSOState(ctx context.Context, stateHash []byte) (*portal.SSOState, error) {
	var st portal.SSOState
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`DELETE FROM sso_states WHERE state_hash = ? RETURNING state_hash, browser_hash, nonce, verifier, expires_at`,
			stateHash).Scan(ctx, &st.StateHash, &st.BrowserHash, &st.Nonce, &st.Verifier, &st.ExpiresAt)
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !st.ExpiresAt.After(now)) {
		return nil, portal.Errorf(portal.ENOTFOUND, "This sign-in has expired. Start again.")
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// SignInSSO implements portal.SSOService.
func (s *AuthService) SignInSSO(ctx context.Context, id portal.SSOIdentity, firstTime *tenants.SSOFirstTime, c portal.Client) (string, *portal.Session, *portal.User, error) {
	token, hashed, err := newToken()
	if err != nil {
		return "", nil, nil, err
	}
	if strings.TrimSpace(id.Subject) == "" {
		return "", nil, nil, errors.New("postgres: sso sign-in without the provider's subject")
	}
	email := strings.ToLower(strings.TrimSpace(id.Email))
	var (
		u       portal.User
		sess    *portal.Session
		refusal *portal.Error
	)
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		fail := func(e *portal.Error, uid *portal.User, reason string) error {
			refusal = e
			return auditTx(ctx, tx, now, "signin_failed", uid, email, c, map[string]any{"method": "sso", "reason": reason})
		}
		// The lock password sign-in takes: two first sign-ins of one new
		// address queue, and the second finds the user the first made.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' signin ' || ?))`, email); err != nil {
			return err
		}
		// The provider's subject finds the user; the e-mail only the first
		// time, when the user is not linked to a subject yet (an address
		// that moved to another person at the provider finds nobody).
		var status, linked string
		err := tx.NewRaw(`SELECT u.id::text, coalesce(u.customer_id::text, ''), coalesce(cu.company_name, ''), u.email, u.name, u.role, u.mfa_enabled,
				CASE WHEN cu.status = 'closed' THEN 'customer_closed' ELSE u.status END, coalesce(u.sso_subject, '')
			FROM users u LEFT JOIN customers cu ON cu.tenant_id = u.tenant_id AND cu.id = u.customer_id
			WHERE u.sso_subject = ? OR u.email = ?
			ORDER BY u.sso_subject = ? DESC NULLS LAST LIMIT 1`, id.Subject, email, id.Subject).
			Scan(ctx, &u.ID, &u.CustomerID, &u.CustomerName, &u.Email, &u.Name, &u.Role, &u.MFAEnabled, &status, &linked)
		if err == nil && linked != "" && linked != id.Subject {
			return fail(portal.ErrSSONoAccount, &u, "subject_mismatch")
		}
		provisioned := false
		switch {
		case errors.Is(err, sql.ErrNoRows) && firstTime == nil:
			return fail(portal.ErrSSONoAccount, nil, "unknown_email")
		case errors.Is(err, sql.ErrNoRows):
			ok, err := provisionSSOUserTx(ctx, tx, now, &u, id.Subject, email, id.Name, firstTime)
			if err != nil {
				return err
			}
			if !ok {
				return fail(portal.ErrSSONoAccount, nil, "first_time_customer_missing")
			}
			provisioned, status = true, "active"
		case err != nil:
			return err
		}
		if status != "active" {
			return fail(portal.ErrSSOUserDisabled, &u, failReason(true, true, status))
		}
		if linked == "" && !provisioned {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET sso_subject = ? WHERE id = ?`, id.Subject, u.ID); err != nil {
				return fmt.Errorf("postgres: link sso subject: %w", err)
			}
		}
		sess, err = createSessionTx(ctx, tx, now, hashed, &u, false, c)
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "signin", &u, u.Email, c, map[string]any{"method": "sso", "session_id": sess.ID, "provisioned": provisioned})
	})
	switch {
	case err != nil:
		return "", nil, nil, err
	case refusal != nil:
		return "", nil, nil, refusal
	}
	return token, sess, &u, nil
}

// provisionSSOUserTx creates a first-time SSO user: active, no password,
// in the customer with ft.AccountNumber and role ft.Role. It reports false
// when that customer does not exist (the tenant's definition is stale).
func provisionSSOUserTx(ctx context.Context, tx bun.Tx, now time.Time, u *portal.User, subject, email, name string, ft *tenants.SSOFirstTime) (bool, error) {
	err := tx.NewRaw(`SELECT id::text, company_name FROM customers WHERE account_number = ?`, ft.AccountNumber).
		Scan(ctx, &u.CustomerID, &u.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if name = strings.TrimSpace(name); name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	u.ID, u.Email, u.Name, u.Role = uuid.Must(uuid.NewV7()).String(), email, truncate(name, 200), ft.Role
	_, err = tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, sso_subject, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
		u.ID, u.CustomerID, u.Email, u.Name, u.Role, subject, now, now)
	if err != nil {
		return false, fmt.Errorf("postgres: provision sso user: %w", err)
	}
	return true, nil
}

// SSOFailed implements portal.SSOService.
func (s *AuthService) SSOFailed(ctx context.Context, email, reason string, c portal.Client) error {
	return s.audit(ctx, "signin_failed", nil, strings.ToLower(email), c, map[string]any{"method": "sso", "reason": reason})
}
