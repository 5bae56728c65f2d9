package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.UserService = (*UserService)(nil)

// UserService manages a customer account's users under row-level security;
// every query is also filtered by the actor's customer.
type UserService struct {
	db *DB
}

// NewUserService returns the user management service over db (app role).
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

const accountUserColumns = `u.id::text, u.email, u.name, u.role, u.status, u.created_at,
	(SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id AND NOT s.mfa_pending)`

func scanAccountUser(row interface{ Scan(...any) error }) (portal.AccountUser, error) {
	var u portal.AccountUser
	var last sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Status, &u.CreatedAt, &last)
	if last.Valid {
		u.LastSignInAt = &last.Time
	}
	return u, err
}

// inAccount restricts users u to the actor's account, with accountOf's
// arguments: their customer's users, or for staff the staff (customer_id
// NULL). bun inlines the arguments, so the planner sees one branch and
// keeps to the index.
const inAccount = `(u.customer_id = ?::uuid OR ?::uuid IS NULL AND u.customer_id IS NULL)`

func accountOf(actor *portal.User) []any {
	return []any{nullable(actor.CustomerID), nullable(actor.CustomerID)}
}

// ListUsers implements portal.UserService.
func (s *UserService) ListUsers(ctx context.Context, actor *portal.User) ([]portal.AccountUser, error) {
	var out []portal.AccountUser
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+accountUserColumns+` FROM users u
			WHERE `+inAccount+` ORDER BY u.name, u.email`, accountOf(actor)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanAccountUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// InviteUser implements portal.UserService.
func (s *UserService) InviteUser(ctx context.Context, actor *portal.User, in portal.InviteInput) (*portal.AccountUser, string, error) {
	if err := in.Validate(actor.Staff()); err != nil {
		return nil, "", err
	}
	var (
		u     portal.AccountUser
		token string
	)
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, token, err = inviteTx(ctx, tx, s.db.Now().UTC(), actor, actor.CustomerID, in)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return &u, token, nil
}

// InviteStaff invites someone to the staff of tenantID on the platform
// operator's behalf (`portal tenants invite-staff`): how a new tenant gets
// its first tenant admin. It returns the invitation token.
func (db *DB) InviteStaff(ctx context.Context, tenantID string, in portal.InviteInput) (*portal.AccountUser, string, error) {
	if err := in.Validate(true); err != nil {
		return nil, "", err
	}
	var (
		u     portal.AccountUser
		token string
	)
	err := db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, token, err = inviteTx(ctx, tx, db.Now().UTC(), nil, "", in)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return &u, token, nil
}

// inviteTx invites a user of customerID ("" for the tenant's staff) and
// audits it: inviteUserTx, on behalf of actor (nil for the platform
// operator). in is valid. It returns the user and the invitation's token.
func inviteTx(ctx context.Context, tx bun.Tx, now time.Time, actor *portal.User, customerID string, in portal.InviteInput) (portal.AccountUser, string, error) {
	id, token, err := inviteUserTx(ctx, tx, now, customerID, in.Email, in.Name, in.Role)
	if err != nil {
		return portal.AccountUser{}, "", err
	}
	u, err := scanAccountUser(tx.QueryRowContext(ctx, `SELECT `+accountUserColumns+` FROM users u WHERE u.id = ?`, id))
	if err != nil {
		return portal.AccountUser{}, "", err
	}
	detail := map[string]any{"user_id": id, "email": in.Email, "role": in.Role}
	subject := in.Email
	if actor != nil {
		subject = actor.Email
	} else {
		detail["by"] = "platform operator"
	}
	if err := auditTx(ctx, tx, now, "user_invited", actor, subject, in.Client, detail); err != nil {
		return portal.AccountUser{}, "", err
	}
	return u, token, nil
}

// inviteUserTx creates an invited user of customerID and the invitation,
// a single-use password_resets token valid for InvitationLifetime: setting a
// password through it activates the user. It returns the user's id and the
// token to mail. Errors: ECONFLICT when the address already has a user in
// the tenant.
func inviteUserTx(ctx context.Context, tx bun.Tx, now time.Time, customerID, email, name, role string) (id, token string, err error) {
	token, hashed, err := newToken()
	if err != nil {
		return "", "", err
	}
	id = uuid.Must(uuid.NewV7()).String()
	_, err = tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, 'invited', ?, ?)`,
		id, nullable(customerID), email, name, role, now, now)
	if isUniqueViolation(err) {
		// Unique per tenant: the message names nothing beyond the
		// address the inviter typed.
		return "", "", &portal.Error{Code: portal.ECONFLICT, Message: "This e-mail address already has an account.",
			Fields: []portal.FieldError{{Field: "email", Message: "Already has an account."}}}
	}
	if err != nil {
		return "", "", fmt.Errorf("postgres: invite user: %w", err)
	}
	if err := insertInvitationTx(ctx, tx, now, hashed, nullable(customerID), id); err != nil {
		return "", "", fmt.Errorf("postgres: create invitation: %w", err)
	}
	return id, token, nil
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// UpdateUser implements portal.UserService.
func (s *UserService) UpdateUser(ctx context.Context, actor *portal.User, userID string, up portal.UserUpdate) (*portal.AccountUser, error) {
	if err := up.Validate(actor.Staff()); err != nil {
		return nil, err
	}
	id, err := uuid.Parse(userID)
	if err != nil {
		return nil, portal.Errorf(portal.ENOTFOUND, "No such user.")
	}
	if id.String() == actor.ID {
		return nil, portal.Errorf(portal.ECONFLICT, "You cannot change your own role or status; ask another Admin.")
	}
	now := s.db.Now().UTC()
	var u portal.AccountUser
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := scanAccountUser(tx.QueryRowContext(ctx, `SELECT `+accountUserColumns+` FROM users u
			WHERE u.id = ? AND `+inAccount+` FOR UPDATE`, append([]any{id.String()}, accountOf(actor)...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return portal.Errorf(portal.ENOTFOUND, "No such user.")
		}
		if err != nil {
			return err
		}
		// The account must keep an active Admin (the staff a tenant
		// admin): lock every such row of the account, so two Admins
		// removing each other at once cannot both succeed.
		admin := portal.AdminRole(actor.Staff())
		if before.Role == admin && before.Status == "active" &&
			((up.Role != nil && *up.Role != admin) || (up.Status != nil && *up.Status == "disabled")) {
			var others int
			if err := tx.NewRaw(`SELECT count(*) FROM (SELECT id FROM users u
					WHERE `+inAccount+` AND role = ? AND status = 'active' AND id <> ? FOR UPDATE) a`,
				append(accountOf(actor), admin, before.ID)...).Scan(ctx, &others); err != nil {
				return err
			}
			if others == 0 {
				return portal.Errorf(portal.ECONFLICT, "The account must keep at least one active Admin.")
			}
		}
		detail := map[string]any{"user_id": before.ID, "email": before.Email}
		if up.Role != nil && *up.Role != before.Role {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, *up.Role, now, before.ID); err != nil {
				return err
			}
			detail["role"] = map[string]string{"from": before.Role, "to": *up.Role}
			if err := auditTx(ctx, tx, now, "role_changed", actor, actor.Email, up.Client, detail); err != nil {
				return err
			}
		}
		if up.Status != nil && *up.Status != before.Status {
			if before.Status == "invited" && *up.Status == "active" {
				return &portal.Error{Code: portal.EINVALID, Message: "An invited user becomes active by accepting the invitation.",
					Fields: []portal.FieldError{{Field: "status", Message: "Cannot activate an invitation."}}}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET status = ?, updated_at = ? WHERE id = ?`, *up.Status, now, before.ID); err != nil {
				return err
			}
			if *up.Status == "disabled" {
				// A deactivated user is signed out everywhere, now.
				if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL`, now, before.ID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, before.ID); err != nil {
					return err
				}
			}
			kind := map[string]string{"disabled": "user_deactivated", "active": "user_reactivated"}[*up.Status]
			if err := auditTx(ctx, tx, now, kind, actor, actor.Email, up.Client, detail); err != nil {
				return err
			}
		}
		u, err = scanAccountUser(tx.QueryRowContext(ctx, `SELECT `+accountUserColumns+` FROM users u WHERE u.id = ?`, before.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ResendInvitation implements portal.UserService.
func (s *UserService) ResendInvitation(ctx context.Context, actor *portal.User, userID string, c portal.Client) (*portal.AccountUser, string, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return nil, "", portal.Errorf(portal.ENOTFOUND, "No such user.")
	}
	token, hashed, err := newToken()
	if err != nil {
		return nil, "", err
	}
	var u portal.AccountUser
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err = scanAccountUser(tx.QueryRowContext(ctx, `SELECT `+accountUserColumns+` FROM users u
			WHERE u.id = ? AND `+inAccount+` FOR UPDATE`, append([]any{id.String()}, accountOf(actor)...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return portal.Errorf(portal.ENOTFOUND, "No such user.")
		}
		if err != nil {
			return err
		}
		if u.Status != "invited" {
			return portal.Errorf(portal.ECONFLICT, "%s has accepted the invitation already.", u.Name)
		}
		now := s.db.Now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, u.ID); err != nil {
			return err
		}
		if err := insertInvitationTx(ctx, tx, now, hashed, nullable(actor.CustomerID), u.ID); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "invitation_resent", actor, actor.Email, c, map[string]any{"user_id": u.ID, "email": u.Email})
	})
	if err != nil {
		return nil, "", err
	}
	return &u, token, nil
}

// insertInvitationTx stores an invitation token for user (a reset token
// that lives portal.InvitationLifetime).
func insertInvitationTx(ctx context.Context, tx bun.Tx, now time.Time, hashed []byte, customerID any, userID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (tenant_id, id, token_hash, customer_id, user_id, created_at, expires_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?)`,
		uuid.Must(uuid.NewV7()).String(), hashed, customerID, userID, now, now.Add(portal.InvitationLifetime))
	return err
}

// EndUserSessions implements portal.UserService.
func (s *UserService) EndUserSessions(ctx context.Context, actor *portal.User, userID string, c portal.Client) error {
	id, err := uuid.Parse(userID)
	if err != nil {
		return portal.Errorf(portal.ENOTFOUND, "No such user.")
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var email string
		err := tx.NewRaw(`SELECT u.email FROM users u WHERE u.id = ? AND `+inAccount,
			append([]any{id.String()}, accountOf(actor)...)...).Scan(ctx, &email)
		if errors.Is(err, sql.ErrNoRows) {
			return portal.Errorf(portal.ENOTFOUND, "No such user.")
		}
		if err != nil {
			return err
		}
		now := s.db.Now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL`, now, id.String())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return auditTx(ctx, tx, now, "sessions_ended", actor, actor.Email, c,
			map[string]any{"user_id": id.String(), "email": email, "sessions": n})
	})
}

// ListAuditEvents implements portal.UserService.
func (s *UserService) ListAuditEvents(ctx context.Context, actor *portal.User, limit int) ([]portal.AuditEvent, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []portal.AuditEvent
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, occurred_at, kind, subject_email, COALESCE(host(client_ip), ''),
				user_agent, detail
			FROM audit_events WHERE customer_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?`, nullable(actor.CustomerID), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e portal.AuditEvent
			var detail []byte
			if err := rows.Scan(&e.ID, &e.OccurredAt, &e.Kind, &e.Email, &e.ClientIP, &e.UserAgent, &detail); err != nil {
				return err
			}
			if err := json.Unmarshal(detail, &e.Detail); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
