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
	Status string // internal status: pending_review
	// OverCredit is true when an order on account exceeds the account's
	// available credit (credit limit less open invoices). The order is
	// still placed, for the distributor's review (spec 000's reorder
	// credit_status warning): callers show portal.CreditReviewWarning.
	OverCredit bool
}

// placeOrderTx checks the account's PO requirement, writes the order (pending
// review: the ERP confirms it), its lines, its first status and
// order.created in tx.
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
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (tenant_id, id, customer_id, order_number, po_number, status, order_date,
			requested_date, placed_by_id, ship_to_id, currency, subtotal_minor, processing_minor, total_minor, notes, source, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CustomerID, number, p.PONumber, portal.OrderPendingReview, dateOnly(p.Now), nullable(p.RequestedOn),
		nullable(p.PlacedByID), nullable(p.ShipToID), priced.GrandTotal.Currency, priced.Subtotal.Amount, priced.Processing.Amount,
		priced.GrandTotal.Amount, p.Notes, p.Source, p.Now, p.Now)
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), p.ID, portal.OrderPendingReview, p.Now); err != nil {
		return nil, err
	}
	err = insertOutboxEvents(ctx, tx, p.Now, boEvent{"order.created", p.ID, map[string]any{"order_id": p.ID,
		"order_number": number, "customer_id": p.CustomerID, "source": p.Source,
		"total": decimalMinor(priced.GrandTotal.Amount), "line_count": len(priced.Items), "created_at": p.Now}})
	if err != nil {
		return nil, err
	}
	return &placedOrder{Number: number, Status: portal.OrderPendingReview,
		OverCredit: p.OnAccount && priced.GrandTotal.Amount > available}, nil
}
