package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.ApprovalService = (*ApprovalService)(nil)

// ApprovalService is a customer account's order approvals (issue 8): the
// rules its Admins set, and the orders placeOrderTx held for approval.
type ApprovalService struct {
	db *DB
}

// NewApprovalService returns the service over db (app role).
func NewApprovalService(db *DB) *ApprovalService { return &ApprovalService{db: db} }

var (
	errNoApproval = portal.Errorf(portal.ENOTFOUND, "No such order awaiting approval.")
	errNoRule     = portal.Errorf(portal.ENOTFOUND, "No such approval rule.")
)

// matchedRule is the approval rule that holds an order.
type matchedRule struct {
	thresholdMinor int64
	email          string
}

// approvalRuleTx is the rule of the account that holds an order of total
// placed by placedByID, or nil: a rule for the placer's role whose
// threshold the total is above. An order in another currency than the
// rule's is held too (it cannot be compared, so it is not waved through).
// Orders placed by no user (the ERP's) are never held.
func approvalRuleTx(ctx context.Context, tx bun.Tx, customerID, placedByID string, total portal.Money) (*matchedRule, error) {
	if placedByID == "" {
		return nil, nil
	}
	var m matchedRule
	var currency string
	err := tx.QueryRowContext(ctx, `SELECT r.threshold_minor, r.currency, u.email FROM users u
		JOIN approval_rules r ON r.tenant_id = u.tenant_id AND r.customer_id = u.customer_id AND r.applies_to_role = u.role
		WHERE u.id = ? AND u.customer_id = ?`, placedByID, customerID).Scan(&m.thresholdMinor, &currency, &m.email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if currency == total.Currency && total.Amount <= m.thresholdMinor {
		return nil, nil
	}
	return &m, nil
}

// requestApprovalTx records that the placed order p waits for approval:
// its approval row, its draft status history and the activity log entry.
func requestApprovalTx(ctx context.Context, tx bun.Tx, p *orderPlacement, number string, m *matchedRule) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_approvals (tenant_id, order_id, customer_id, status, requested_by_id,
			threshold_minor, created_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, 'pending', ?, ?, ?)`,
		p.ID, p.CustomerID, p.PlacedByID, m.thresholdMinor, p.Now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at, note)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, 'Awaiting approval')`,
		uuid.Must(uuid.NewV7()).String(), p.ID, portal.OrderDraft, p.Now); err != nil {
		return err
	}
	return auditTx(ctx, tx, p.Now, "order_approval_requested", &portal.User{ID: p.PlacedByID, CustomerID: p.CustomerID}, m.email,
		portal.Client{}, map[string]any{"order_id": p.ID, "order_number": number, "source": p.Source,
			"total": decimalMinor(p.Priced.GrandTotal.Amount), "threshold": decimalMinor(m.thresholdMinor)})
}

// approvalColumns select an OrderApproval from order_approvals a, orders o
// and the requester ru and decider du (LEFT JOINs).
const approvalColumns = `o.id::text, o.order_number, o.po_number, a.status, o.status, a.requested_by_id::text, coalesce(ru.name, ''),
	a.created_at, o.total_minor, o.currency, a.threshold_minor,
	(SELECT count(*) FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id),
	coalesce(du.name, ''), a.decided_at, a.comment`

const approvalFrom = ` FROM order_approvals a JOIN orders o ON o.tenant_id = a.tenant_id AND o.id = a.order_id
	LEFT JOIN users ru ON ru.tenant_id = a.tenant_id AND ru.id = a.requested_by_id
	LEFT JOIN users du ON du.tenant_id = a.tenant_id AND du.id = a.decided_by_id`

func scanApproval(row interface{ Scan(...any) error }) (portal.OrderApproval, error) {
	var a portal.OrderApproval
	var orderStatus string
	err := row.Scan(&a.OrderID, &a.OrderNumber, &a.PONumber, &a.Status, &orderStatus, &a.RequestedByID, &a.RequestedBy,
		&a.RequestedAt, &a.Total.Amount, &a.Total.Currency, &a.Threshold.Amount, &a.LineCount, &a.DecidedBy, &a.DecidedAt, &a.Comment)
	a.Threshold.Currency = a.Total.Currency
	a.OrderStatus = customerOrderStatus(orderStatus)
	return a, err
}

// customerOrderStatus is what a customer sees of an order they may see: a
// draft they can see is one awaiting approval.
func customerOrderStatus(internal string) portal.Status {
	if internal == portal.OrderDraft {
		return portal.AwaitingApproval
	}
	st, _ := portal.OrderStatus(internal)
	return st
}

// ApprovalRules implements portal.ApprovalService.
func (s *ApprovalService) ApprovalRules(ctx context.Context, actor *portal.User) ([]portal.ApprovalRule, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	out := []portal.ApprovalRule{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, applies_to_role, threshold_minor, currency, updated_at FROM approval_rules
			WHERE customer_id = ? ORDER BY applies_to_role`, actor.CustomerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r portal.ApprovalRule
			if err := rows.Scan(&r.ID, &r.AppliesToRole, &r.Threshold.Amount, &r.Threshold.Currency, &r.UpdatedAt); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: approval rules: %w", err)
	}
	return out, nil
}

// SetApprovalRule implements portal.ApprovalService.
func (s *ApprovalService) SetApprovalRule(ctx context.Context, actor *portal.User, in portal.ApprovalRuleInput) (*portal.ApprovalRule, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	r := &portal.ApprovalRule{AppliesToRole: in.AppliesToRole, UpdatedAt: now}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO approval_rules (tenant_id, id, customer_id, applies_to_role, threshold_minor, currency,
				created_by_id, created_at, updated_at)
			SELECT current_setting('app.tenant_id')::uuid, ?, c.id, ?, ?, c.currency, ?, ?, ? FROM customers c WHERE c.id = ?
			ON CONFLICT (tenant_id, customer_id, applies_to_role) DO UPDATE
				SET threshold_minor = excluded.threshold_minor, updated_at = excluded.updated_at
			RETURNING id::text, threshold_minor, currency`,
			uuid.Must(uuid.NewV7()).String(), in.AppliesToRole, in.ThresholdMinor(), actor.ID, now, now, actor.CustomerID).
			Scan(&r.ID, &r.Threshold.Amount, &r.Threshold.Currency)
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "approval_rule_set", actor, "", in.Client, map[string]any{"applies_to_role": in.AppliesToRole,
			"threshold": decimalMinor(r.Threshold.Amount), "currency": r.Threshold.Currency})
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: set approval rule: %w", err)
	}
	return r, nil
}

// DeleteApprovalRule implements portal.ApprovalService.
func (s *ApprovalService) DeleteApprovalRule(ctx context.Context, actor *portal.User, id string, c portal.Client) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	if !portal.ValidUUID(id) {
		return errNoRule
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `DELETE FROM approval_rules WHERE id = ? AND customer_id = ? RETURNING applies_to_role`,
			id, actor.CustomerID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoRule
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, s.db.Now().UTC(), "approval_rule_deleted", actor, "", c, map[string]any{"applies_to_role": role})
	})
	if err != nil && portal.ErrorCode(err) == portal.EINTERNAL {
		return fmt.Errorf("postgres: delete approval rule: %w", err)
	}
	return err
}

// Approvals implements portal.ApprovalService.
func (s *ApprovalService) Approvals(ctx context.Context, actor *portal.User, f portal.ApprovalFilter) ([]portal.OrderApproval, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	where, args := " WHERE a.customer_id = ?", []any{actor.CustomerID}
	if f.Status != "" {
		where += " AND a.status = ?"
		args = append(args, f.Status)
	}
	out := []portal.OrderApproval{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+approvalColumns+approvalFrom+where+" ORDER BY a.created_at DESC, a.order_id DESC LIMIT 200", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanApproval(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: approvals: %w", err)
	}
	return out, nil
}

// FindOrderApproval implements portal.ApprovalService.
func (s *ApprovalService) FindOrderApproval(ctx context.Context, actor *portal.User, orderID string) (*portal.OrderApproval, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if !portal.ValidUUID(orderID) {
		return nil, errNoApproval
	}
	var a portal.OrderApproval
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) (err error) {
		a, err = scanApproval(tx.QueryRowContext(ctx, "SELECT "+approvalColumns+approvalFrom+" WHERE a.order_id = ? AND a.customer_id = ?",
			orderID, actor.CustomerID))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoApproval
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: order approval: %w", err)
	}
	return &a, nil
}

// DecideApproval implements portal.ApprovalService. Approving places the
// order as placeOrderTx would have: pending review, its status history and
// order.created (dated now, when the ERP first hears of it). Rejecting
// cancels it; no event is written, since the ERP never knew the order.
func (s *ApprovalService) DecideApproval(ctx context.Context, actor *portal.User, orderID string, d portal.ApprovalDecision) (*portal.OrderApproval, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if !portal.ValidUUID(orderID) {
		return nil, errNoApproval
	}
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var status, number, source, currency string
		var total int64
		var lines int
		err := tx.QueryRowContext(ctx, `SELECT a.status, o.order_number, o.source, o.total_minor, o.currency,
				(SELECT count(*) FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id)
			FROM order_approvals a JOIN orders o ON o.tenant_id = a.tenant_id AND o.id = a.order_id
			WHERE a.order_id = ? AND a.customer_id = ? FOR UPDATE OF a, o`, orderID, actor.CustomerID).
			Scan(&status, &number, &source, &total, &currency, &lines)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoApproval
		}
		if err != nil {
			return err
		}
		if status != portal.ApprovalPending {
			return portal.Errorf(portal.ECONFLICT, "This order was %s already.", status)
		}
		to, decided, kind, note := portal.OrderPendingReview, portal.ApprovalApproved, "order_approved", "Approved by "+actor.Name
		if d.Decision == "reject" {
			to, decided, kind, note = portal.OrderCancelled, portal.ApprovalRejected, "order_rejected", "Rejected by "+actor.Name
		}
		if d.Comment != "" {
			note += ": " + d.Comment
		}
		if _, err := tx.ExecContext(ctx, `UPDATE order_approvals SET status = ?, decided_by_id = ?, decided_at = ?, comment = ?
			WHERE order_id = ?`, decided, actor.ID, now, d.Comment, orderID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'draft'`, to, now, orderID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at, note)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), orderID, to, now, truncate(note, 1000)); err != nil {
			return err
		}
		if to == portal.OrderPendingReview {
			if err := insertOutboxEvents(ctx, tx, now, orderCreatedEvent(orderID, number, actor.CustomerID, source, total, lines, now)); err != nil {
				return err
			}
		}
		return auditTx(ctx, tx, now, kind, actor, "", d.Client, map[string]any{"order_id": orderID, "order_number": number,
			"total": decimalMinor(total), "currency": currency, "comment": d.Comment})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: decide approval: %w", err)
	}
	return s.FindOrderApproval(ctx, actor, orderID)
}

// ClaimApprovalNotice implements portal.ApprovalService.
func (s *ApprovalService) ClaimApprovalNotice(ctx context.Context, orderID string) (*portal.ApprovalNotice, error) {
	var n *portal.ApprovalNotice
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE order_approvals SET notified_at = ? WHERE order_id = ? AND status = 'pending' AND notified_at IS NULL`,
			s.db.Now().UTC(), orderID)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return err
		}
		n, err = noticeTx(ctx, tx, orderID, `SELECT u.email FROM users u JOIN order_approvals a ON a.tenant_id = u.tenant_id
			AND a.customer_id = u.customer_id WHERE a.order_id = ? AND u.role = 'admin' AND u.status = 'active' ORDER BY u.email`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: claim approval notice: %w", err)
	}
	return n, nil
}

// DecisionNotice implements portal.ApprovalService.
func (s *ApprovalService) DecisionNotice(ctx context.Context, orderID string) (*portal.ApprovalNotice, error) {
	var n *portal.ApprovalNotice
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) (err error) {
		n, err = noticeTx(ctx, tx, orderID, `SELECT u.email FROM users u JOIN order_approvals a ON a.tenant_id = u.tenant_id
			AND a.requested_by_id = u.id WHERE a.order_id = ? AND a.status <> 'pending' AND u.status = 'active'`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: decision notice: %w", err)
	}
	return n, nil
}

// noticeTx reads an approval and the addresses recipients selects.
func noticeTx(ctx context.Context, tx bun.Tx, orderID, recipients string) (*portal.ApprovalNotice, error) {
	n := &portal.ApprovalNotice{}
	var err error
	if n.OrderApproval, err = scanApproval(tx.QueryRowContext(ctx, "SELECT "+approvalColumns+approvalFrom+" WHERE a.order_id = ?", orderID)); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT c.company_name FROM customers c JOIN order_approvals a ON a.tenant_id = c.tenant_id
		AND a.customer_id = c.id WHERE a.order_id = ?`, orderID).Scan(&n.CustomerName); err != nil {
		return nil, err
	}
	if err := tx.NewRaw(recipients, orderID).Scan(ctx, &n.To); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return n, nil
}
