package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// orderPlacement is a new order as a customer placed it, through any
// channel (the portal's checkout, the e-commerce API, reorder, an accepted
// quote): the one shape placeOrderTx writes.
type orderPlacement struct {
	ID          string // set by the caller (a UUIDv7)
	CustomerID  string
	PlacedByID  string // the customer user; "" when none
	Source      string // orders.source: portal, ecommerce, ...
	PONumber    string
	ShipToID    string // a shipping address of the customer; "" when none
	RequestedOn string // YYYY-MM-DD or ""
	Notes       string
	Priced      *portal.CartPrice
	// LineNotes[i] is Priced.Items[i]'s processing notes; may be short.
	LineNotes []string
	// OnAccount is true when the order is to be paid on the account's
	// terms, so it is held against the available credit; false for an
	// order paid by card.
	OnAccount bool
	// AcceptedQuote is true for the order of an accepted quote: the one
	// order a tenant in quotes mode takes.
	AcceptedQuote bool
	Now           time.Time
}

// placedOrder is what placeOrderTx made of an orderPlacement.
type placedOrder struct {
	Number string
	// Status is the internal status: pending_review, or draft when the
	// order waits for approval (PendingApproval); show CustomerStatus.
	Status string
	// PendingApproval is true when an approval rule of the account matched
	// (see approvalRuleTx): the order is a draft, no order.created was
	// written, and the account's Admins are to be told
	// (Server.notifyApproversLater).
	PendingApproval bool
	// OverCredit is true when an order on account exceeds the account's
	// available credit (credit limit less open invoices). The order is
	// still placed, for the distributor's review (spec 000's reorder
	// credit_status warning): callers show portal.CreditReviewWarning.
	OverCredit bool
}

// placeOrderTx checks the account's PO requirement, writes the order (pending
// review: the ERP confirms it), its lines, its first status and
// order.created in tx. When an approval rule of the account matches the
// order (orders approval, issue 8) the order is written as a draft with a
// pending order_approvals row and no order.created: the ERP hears of it
// only when an Admin approves it (approveOrderTx).
func placeOrderTx(ctx context.Context, tx bun.Tx, p *orderPlacement) (*placedOrder, error) {
	// Quotes mode (tenant setting quotes_mode): orders come only from
	// accepted quotes, whatever the channel.
	if t, ok := tenants.FromContext(ctx); ok && t.Settings.QuotesMode && !p.AcceptedQuote {
		return nil, portal.Errorf(portal.ECONFLICT, "%s", portal.QuotesModeMessage)
	}
	var poRequired bool
	var available int64
	if err := tx.QueryRowContext(ctx, `SELECT c.po_required, c.credit_limit_minor - coalesce((SELECT sum(i.total_minor - i.paid_minor)
			FROM customer_invoice_sums i WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id AND i.status IN ('open', 'partially_paid')), 0)
		FROM customers c WHERE c.id = ?`, p.CustomerID).Scan(&poRequired, &available); err != nil {
		return nil, err
	}
	if poRequired && p.PONumber == "" {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "This account requires a PO number.",
			Fields: []portal.FieldError{{Field: "po_number", Message: "Required for this account."}}}
	}
	number, err := nextNumberTx(ctx, tx, "order", "SO", p.Now)
	if err != nil {
		return nil, err
	}
	priced := p.Priced
	// Order approvals (issue 8): does a rule of the account hold this order?
	approval, err := approvalRuleTx(ctx, tx, p.CustomerID, p.PlacedByID, priced.GrandTotal)
	if err != nil {
		return nil, err
	}
	status := portal.OrderPendingReview
	if approval != nil {
		status = portal.OrderDraft
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date,
			requested_date, placed_by_id, ship_to_id, currency, subtotal_minor, processing_minor, freight_minor, tax_minor, total_minor, notes, source,
			created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CustomerID, number, p.PONumber, status, dateOnly(p.Now), nullable(p.RequestedOn),
		nullable(p.PlacedByID), nullable(p.ShipToID), priced.GrandTotal.Currency, priced.Subtotal.Amount, priced.Processing.Amount,
		priced.Freight.Amount, priced.Tax.Amount, priced.GrandTotal.Amount, p.Notes, p.Source, p.Now, p.Now)
	if err != nil {
		return nil, err
	}
	for i, l := range priced.Items {
		notes := ""
		if i < len(p.LineNotes) {
			notes = p.LineNotes[i]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (tenant_id, id, order_id, line_no, product_id, description, grade,
				dimensions, quantity, uom, unit_price_minor, line_total_minor, processing_notes)
			SELECT current_setting('app.tenant_id')::uuid, ?, ?, ?, p.id, p.name, p.grade, p.dimensions, ?::numeric / 1000, ?, ?, ?, ?
			FROM products p WHERE p.id = ?`, uuid.Must(uuid.NewV7()).String(), p.ID, i+1, l.QuantityMilli, l.UOM,
			l.Price.Unit.Amount, l.Total.Amount, notes, l.ProductID); err != nil {
			return nil, err
		}
	}
	if approval != nil {
		if err := requestApprovalTx(ctx, tx, p, number, approval); err != nil {
			return nil, err
		}
		return &placedOrder{Number: number, Status: status, PendingApproval: true,
			OverCredit: p.OnAccount && priced.GrandTotal.Amount > available}, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), p.ID, portal.OrderPendingReview, p.Now); err != nil {
		return nil, err
	}
	err = insertOutboxEvents(ctx, tx, p.Now, orderCreatedEvent(p.ID, number, p.CustomerID, p.Source, priced.GrandTotal.Amount, len(priced.Items), p.Now))
	if err != nil {
		return nil, err
	}
	return &placedOrder{Number: number, Status: portal.OrderPendingReview,
		OverCredit: p.OnAccount && priced.GrandTotal.Amount > available}, nil
}

// CustomerStatus is what the customer sees of the placed order: Received,
// or Awaiting Approval.
func (o *placedOrder) CustomerStatus() portal.Status {
	if o.PendingApproval {
		return portal.AwaitingApproval
	}
	st, _ := portal.OrderStatus(o.Status)
	return st
}

// orderCreatedEvent is the order.created event of a placed order: written
// by placeOrderTx, or by approveOrderTx when an order that waited for
// approval is approved.
func orderCreatedEvent(id, number, customerID, source string, totalMinor int64, lines int, at time.Time) boEvent {
	return boEvent{"order.created", id, map[string]any{"order_id": id,
		"order_number": number, "customer_id": customerID, "source": source,
		"total": decimalMinor(totalMinor), "line_count": lines, "created_at": at}}
}
