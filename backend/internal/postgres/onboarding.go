package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
)

var _ portal.OnboardingService = (*OnboardingService)(nil)

// OnboardingService handles access requests, their staff queue and
// self-registration under the tenant's row-level security.
type OnboardingService struct {
	db *DB
}

// NewOnboardingService returns the onboarding service over db (app role).
func NewOnboardingService(db *DB) *OnboardingService { return &OnboardingService{db: db} }

var (
	errNoAccessRequest = portal.Errorf(portal.ENOTFOUND, "No such access request.")
	errDecided         = portal.Errorf(portal.ECONFLICT, "This request has already been decided.")
	errNotStaff        = portal.Errorf(portal.EFORBIDDEN, "Only the tenant's staff decide access requests.")
)

// RequestAccess implements portal.OnboardingService.
func (s *OnboardingService) RequestAccess(ctx context.Context, in portal.AccessRequestInput) (*portal.AccessRequest, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	req := &portal.AccessRequest{ID: uuid.Must(uuid.NewV7()).String(), CompanyName: in.CompanyName, ContactName: in.ContactName,
		Email: in.Email, Phone: in.Phone, AccountNumber: in.AccountNumber, Status: "pending", CreatedAt: now}
	limited := false
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ip := clientIP(in.Client)
		lo, hi := clientRange(in.Client) // an IPv6 /64 is one client, as for sign-in
		// Requests from one client queue on a lock, so parallel requests
		// cannot all pass the count.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' access ' || coalesce(?::text, '')))`, lo); err != nil {
			return err
		}
		var recent int
		if err := tx.NewRaw(`SELECT count(*) FROM access_requests
			WHERE (client_ip BETWEEN ?::inet AND ?::inet OR ?::inet IS NULL AND client_ip IS NULL) AND created_at > ?`,
			lo, hi, lo, now.Add(-portal.AccessRequestWindow)).Scan(ctx, &recent); err != nil {
			return err
		}
		if recent >= portal.MaxAccessRequestsPerClient {
			limited = true
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO access_requests (tenant_id, id, company_name, contact_name, email, phone,
				account_number, client_ip, created_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?)`,
			req.ID, req.CompanyName, req.ContactName, req.Email, req.Phone, req.AccountNumber, ip, now)
		if err != nil {
			return fmt.Errorf("postgres: create access request: %w", err)
		}
		return auditTx(ctx, tx, now, "access_requested", nil, req.Email, in.Client, map[string]any{"request_id": req.ID})
	})
	if err != nil {
		return nil, err
	}
	if limited {
		return nil, portal.Errorf(portal.ERATELIMITED, "Too many requests from your network. Try again in an hour.")
	}
	return req, nil
}

const accessRequestColumns = `r.id::text, r.company_name, r.contact_name, r.email, r.phone, r.account_number, r.status, r.reason,
	coalesce(r.customer_id::text, ''), coalesce(c.company_name, ''), coalesce(d.email, ''), r.created_at, r.decided_at`

const accessRequestFrom = ` FROM access_requests r
	LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
	LEFT JOIN users d ON d.tenant_id = r.tenant_id AND d.id = r.decided_by`

// accessRequestCustomer is the customer an access request is about, for
// staffScope: the one it was approved into, else the one whose account
// number the requester gave (none: a new customer, a tenant admin's).
const accessRequestCustomer = `coalesce(r.customer_id,
	(SELECT ac.id FROM customers ac WHERE ac.tenant_id = r.tenant_id AND ac.account_number = nullif(r.account_number, '')))`

func scanAccessRequest(row interface{ Scan(...any) error }) (portal.AccessRequest, error) {
	var r portal.AccessRequest
	var decided sql.NullTime
	err := row.Scan(&r.ID, &r.CompanyName, &r.ContactName, &r.Email, &r.Phone, &r.AccountNumber, &r.Status, &r.Reason,
		&r.CustomerID, &r.CustomerName, &r.DecidedBy, &r.CreatedAt, &decided)
	if decided.Valid {
		r.DecidedAt = &decided.Time
	}
	return r, err
}

// ListAccessRequests implements portal.OnboardingService.
func (s *OnboardingService) ListAccessRequests(ctx context.Context, actor *portal.User, status string) ([]portal.AccessRequest, error) {
	if !actor.Staff() {
		return nil, errNotStaff
	}
	switch status {
	case "", "pending", "approved", "rejected":
	default:
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown status.",
			Fields: []portal.FieldError{{Field: "status", Message: "Choose pending, approved or rejected."}}}
	}
	var out []portal.AccessRequest
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		scope, args := staffScope(actor, accessRequestCustomer)
		rows, err := tx.QueryContext(ctx, `SELECT `+accessRequestColumns+accessRequestFrom+`
			WHERE (? = '' OR r.status = ?) AND `+scope+` ORDER BY r.status <> 'pending', r.created_at DESC, r.id DESC LIMIT 500`,
			append([]any{status, status}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanAccessRequest(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// pendingRequestTx locks request id for a decision by actor (one outside
// its scope is ENOTFOUND).
func pendingRequestTx(ctx context.Context, tx bun.Tx, actor *portal.User, id string) (portal.AccessRequest, error) {
	if _, err := uuid.Parse(id); err != nil {
		return portal.AccessRequest{}, errNoAccessRequest
	}
	scope, args := staffScope(actor, accessRequestCustomer)
	r, err := scanAccessRequest(tx.QueryRowContext(ctx, `SELECT `+accessRequestColumns+accessRequestFrom+`
		WHERE r.id = ? AND `+scope+` FOR UPDATE OF r`, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errNoAccessRequest
	}
	if err != nil {
		return r, err
	}
	if r.Status != "pending" {
		return r, errDecided
	}
	return r, nil
}

func fieldError(code, field, msg string) error {
	return &portal.Error{Code: code, Message: msg, Fields: []portal.FieldError{{Field: field, Message: msg}}}
}

// ApproveAccessRequest implements portal.OnboardingService.
func (s *OnboardingService) ApproveAccessRequest(ctx context.Context, actor *portal.User, id string, in portal.ApproveInput) (*portal.Approval, error) {
	if !actor.Staff() {
		return nil, errNotStaff
	}
	if in.Role == "" {
		in.Role = "admin"
	}
	if err := portal.ValidateRole(false, in.Role); err != nil {
		return nil, err
	}
	in.CustomerID, in.AccountNumber = strings.TrimSpace(in.CustomerID), strings.TrimSpace(in.AccountNumber)
	in.NewCompanyName, in.NewAccountNumber = strings.TrimSpace(in.NewCompanyName), strings.TrimSpace(in.NewAccountNumber)
	now := s.db.Now().UTC()
	var out portal.Approval
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		req, err := pendingRequestTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		customerID, created, err := approvedCustomerTx(ctx, tx, now, actor, req, in)
		if err != nil {
			return err
		}
		userID, token, err := inviteUserTx(ctx, tx, now, customerID, req.Email, req.ContactName, in.Role)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE access_requests SET status = 'approved', customer_id = ?, user_id = ?,
				decided_by = ?, decided_at = ? WHERE id = ?`, customerID, userID, actor.ID, now, req.ID); err != nil {
			return err
		}
		if out.Request, err = scanAccessRequest(tx.QueryRowContext(ctx, `SELECT `+accessRequestColumns+accessRequestFrom+` WHERE r.id = ?`, req.ID)); err != nil {
			return err
		}
		if out.User, err = scanAccountUser(tx.QueryRowContext(ctx, `SELECT `+accountUserColumns+` FROM users u WHERE u.id = ?`, userID)); err != nil {
			return err
		}
		out.Token = token
		if err := auditTx(ctx, tx, now, "access_request_approved", actor, actor.Email, in.Client,
			map[string]any{"request_id": req.ID, "customer_id": customerID, "customer_created": created, "user_id": userID}); err != nil {
			return err
		}
		// In the customer's own log too: who let the new user in.
		invited := &portal.User{ID: userID, CustomerID: customerID, Email: req.Email}
		return auditTx(ctx, tx, now, "user_invited", invited, req.Email, in.Client,
			map[string]any{"user_id": userID, "email": req.Email, "role": in.Role, "by": actor.Email, "request_id": req.ID})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// approvedCustomerTx finds the customer named by in, among the actor's
// (staffScope: another rep's customer is as unknown as a missing one), or
// creates one, which only a staff user working for all customers may: a
// new customer is assigned to nobody yet.
func approvedCustomerTx(ctx context.Context, tx bun.Tx, now time.Time, actor *portal.User, req portal.AccessRequest,
	in portal.ApproveInput) (id string, created bool, err error) {
	scope, args := staffScope(actor, "c.id")
	switch {
	case in.CustomerID != "":
		if _, perr := uuid.Parse(in.CustomerID); perr != nil {
			return "", false, fieldError(portal.EINVALID, "customer_id", "No such customer.")
		}
		err = tx.NewRaw(`SELECT c.id::text FROM customers c WHERE c.id = ? AND `+scope, append([]any{in.CustomerID}, args...)...).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, fieldError(portal.EINVALID, "customer_id", "No such customer.")
		}
		return id, false, err
	case in.AccountNumber != "":
		err = tx.NewRaw(`SELECT c.id::text FROM customers c WHERE c.account_number = ? AND `+scope, append([]any{in.AccountNumber}, args...)...).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, fieldError(portal.EINVALID, "account_number", "No customer has this account number.")
		}
		return id, false, err
	}
	if !actor.AllCustomers() {
		return "", false, fieldError(portal.EFORBIDDEN, "customer_id", "Choose one of your customers: a new customer is for a tenant admin to create.")
	}
	name, number := in.NewCompanyName, in.NewAccountNumber
	if name == "" {
		name = req.CompanyName
	}
	if number == "" {
		number = req.AccountNumber
	}
	if number == "" || len(number) > 40 {
		return "", false, fieldError(portal.EINVALID, "new_account_number", "Enter the new customer's account number.")
	}
	if len(name) > 200 {
		return "", false, fieldError(portal.EINVALID, "new_company_name", "At most 200 characters.")
	}
	id = uuid.Must(uuid.NewV7()).String()
	_, err = tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name, phone, email, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?)`, id, number, name, req.Phone, req.Email, now, now)
	if isUniqueViolation(err) {
		return "", false, fieldError(portal.ECONFLICT, "new_account_number", "Another customer has this account number.")
	}
	if err != nil {
		return "", false, fmt.Errorf("postgres: create customer: %w", err)
	}
	return id, true, nil
}

// RejectAccessRequest implements portal.OnboardingService.
func (s *OnboardingService) RejectAccessRequest(ctx context.Context, actor *portal.User, id, reason string, c portal.Client) (*portal.AccessRequest, error) {
	if !actor.Staff() {
		return nil, errNotStaff
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 1000 {
		return nil, fieldError(portal.EINVALID, "reason", "At most 1000 characters.")
	}
	now := s.db.Now().UTC()
	var out portal.AccessRequest
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		req, err := pendingRequestTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE access_requests SET status = 'rejected', reason = ?, decided_by = ?, decided_at = ?
				WHERE id = ?`, reason, actor.ID, now, req.ID); err != nil {
			return err
		}
		if out, err = scanAccessRequest(tx.QueryRowContext(ctx, `SELECT `+accessRequestColumns+accessRequestFrom+` WHERE r.id = ?`, req.ID)); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "access_request_rejected", actor, actor.Email, c, map[string]any{"request_id": req.ID, "email": req.Email})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SignUp implements portal.OnboardingService.
func (s *OnboardingService) SignUp(ctx context.Context, in portal.SignUpInput) (string, *portal.Session, *portal.User, error) {
	if err := in.Validate(); err != nil {
		return "", nil, nil, err
	}
	if err := checkNewPassword(in.Password, in.Email); err != nil {
		return "", nil, nil, err
	}
	hash, err := password.Hash(in.Password)
	if err != nil {
		return "", nil, nil, err
	}
	token, hashed, err := newToken()
	if err != nil {
		return "", nil, nil, err
	}
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return "", nil, nil, err
	}
	now := s.db.Now().UTC()
	u := &portal.User{ID: uuid.Must(uuid.NewV7()).String(), CustomerID: uuid.Must(uuid.NewV7()).String(),
		CustomerName: in.Name, Email: in.Email, Name: in.Name, Role: "admin"}
	var sess *portal.Session
	limited := false
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// At most MaxAccessRequestsPerClient sign-ups an hour per client
		// (an IPv6 /64 is one), counted from the audit log under a lock.
		lo, hi := clientRange(in.Client)
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' signup ' || coalesce(?::text, '')))`, lo); err != nil {
			return err
		}
		var recent int
		if err := tx.NewRaw(`SELECT count(*) FROM audit_events WHERE kind = 'registered'
			AND (client_ip BETWEEN ?::inet AND ?::inet OR ?::inet IS NULL AND client_ip IS NULL) AND occurred_at > ?`,
			lo, hi, lo, now.Add(-portal.AccessRequestWindow)).Scan(ctx, &recent); err != nil {
			return err
		}
		if recent >= portal.MaxAccessRequestsPerClient {
			limited = true
			return nil
		}
		// A placeholder name and a web account number until the profile is
		// complete and the ERP assigns its own.
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name, status, profile_completed,
				email, created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, 'pending', false, ?, ?, ?)`,
			u.CustomerID, "WEB-"+strings.ToUpper(hex.EncodeToString(b)), in.Name, in.Email, now, now); err != nil {
			return fmt.Errorf("postgres: create registered customer: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, password_hash, created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, 'admin', 'active', ?, ?, ?)`,
			u.ID, u.CustomerID, u.Email, u.Name, hash, now, now)
		if isUniqueViolation(err) {
			return &portal.Error{Code: portal.ECONFLICT, Message: "This e-mail address already has an account. Sign in, or reset your password.",
				Fields: []portal.FieldError{{Field: "email", Message: "Already has an account."}}}
		}
		if err != nil {
			return fmt.Errorf("postgres: create registered user: %w", err)
		}
		if sess, err = createSessionTx(ctx, tx, now, hashed, u, false, in.Client); err != nil {
			return err
		}
		// A tenant that requires a second factor gets one from the start:
		// the e-mailed code also proves the address is the registrant's.
		if method := mfaMethodFor(ctx, u); method != "" {
			if err := markPendingTx(ctx, tx, now, sess, method); err != nil {
				return err
			}
		}
		return auditTx(ctx, tx, now, "registered", u, u.Email, in.Client, map[string]any{"session_id": sess.ID})
	})
	if err != nil {
		return "", nil, nil, err
	}
	if limited {
		return "", nil, nil, portal.Errorf(portal.ERATELIMITED, "Too many sign-ups from your network. Try again in an hour.")
	}
	return token, sess, u, nil
}

// CompleteProfile implements portal.OnboardingService.
func (s *OnboardingService) CompleteProfile(ctx context.Context, actor *portal.User, in portal.ProfileInput, approval bool) (string, error) {
	if actor.Staff() {
		return "", portal.Errorf(portal.ECONFLICT, "Staff have no registration to complete.")
	}
	if err := in.Validate(); err != nil {
		return "", err
	}
	shipping := in.Billing
	if in.Shipping != nil {
		shipping = *in.Shipping
	}
	state, status := portal.RegistrationComplete, "active"
	if approval {
		state, status = portal.RegistrationPendingApproval, "pending"
	}
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE customers SET type = ?, company_name = ?, status = ?, profile_completed = true, updated_at = ?
			WHERE id = ? AND NOT profile_completed`, in.Type, in.Name, status, now, actor.CustomerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return portal.Errorf(portal.ECONFLICT, "The profile is already complete.")
		}
		for _, a := range []struct {
			kind string
			addr portal.PostalAddress
		}{{"billing", in.Billing}, {"shipping", shipping}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, line2, city, region,
					postal_code, country, is_default)
				VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)`,
				uuid.Must(uuid.NewV7()).String(), actor.CustomerID, a.kind, a.addr.Line1, a.addr.Line2, a.addr.City,
				a.addr.Region, a.addr.PostalCode, a.addr.Country); err != nil {
				return fmt.Errorf("postgres: create %s address: %w", a.kind, err)
			}
		}
		return auditTx(ctx, tx, now, "profile_completed", actor, actor.Email, in.Client, map[string]any{"type": in.Type, "status": status})
	})
	if err != nil {
		return "", err
	}
	return state, nil
}

// RegistrationState implements portal.OnboardingService.
func (s *OnboardingService) RegistrationState(ctx context.Context, u *portal.User) (string, error) {
	if u.Staff() {
		return portal.RegistrationComplete, nil
	}
	var state string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT CASE WHEN NOT profile_completed THEN ? WHEN status = 'pending' THEN ? ELSE '' END
			FROM customers WHERE id = ?`, portal.RegistrationProfileIncomplete, portal.RegistrationPendingApproval, u.CustomerID).Scan(ctx, &state)
	})
	return state, err
}

const registrationQuery = `SELECT c.id::text, c.company_name, c.type, coalesce(u.email, ''), coalesce(u.name, ''), c.created_at
	FROM customers c
	LEFT JOIN LATERAL (SELECT email, name FROM users WHERE customer_id = c.id ORDER BY created_at LIMIT 1) u ON true
	WHERE c.status = 'pending' AND c.profile_completed`

func scanRegistration(row interface{ Scan(...any) error }) (portal.Registration, error) {
	var r portal.Registration
	err := row.Scan(&r.CustomerID, &r.CompanyName, &r.Type, &r.Email, &r.Name, &r.CreatedAt)
	return r, err
}

// ListRegistrations implements portal.OnboardingService.
func (s *OnboardingService) ListRegistrations(ctx context.Context, actor *portal.User) ([]portal.Registration, error) {
	if !actor.Staff() {
		return nil, errNotStaff
	}
	var out []portal.Registration
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		scope, args := staffScope(actor, "c.id")
		rows, err := tx.QueryContext(ctx, registrationQuery+` AND `+scope+` ORDER BY c.created_at DESC LIMIT 500`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRegistration(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// ApproveRegistration implements portal.OnboardingService.
func (s *OnboardingService) ApproveRegistration(ctx context.Context, actor *portal.User, customerID string, c portal.Client) (*portal.Registration, error) {
	if !actor.Staff() {
		return nil, errNotStaff
	}
	notFound := portal.Errorf(portal.ENOTFOUND, "No such registration.")
	if _, err := uuid.Parse(customerID); err != nil {
		return nil, notFound
	}
	now := s.db.Now().UTC()
	var out portal.Registration
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var status string
		var complete bool
		scope, args := staffScope(actor, "c.id")
		err := tx.NewRaw(`SELECT c.status, c.profile_completed FROM customers c WHERE c.id = ? AND `+scope+` FOR UPDATE`,
			append([]any{customerID}, args...)...).Scan(ctx, &status, &complete)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return err
		}
		if status != "pending" || !complete {
			return portal.Errorf(portal.ECONFLICT, "This customer is not waiting for approval.")
		}
		if out, err = scanRegistration(tx.QueryRowContext(ctx, registrationQuery+` AND c.id = ?`, customerID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET status = 'active', updated_at = ? WHERE id = ?`, now, customerID); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "registration_approved", actor, actor.Email, c, map[string]any{"customer_id": customerID})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
