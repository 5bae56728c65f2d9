package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// quoteColumns are a quote's own columns and what it names (customer,
// requester, pricer, order, document, sales rep), read by scanQuote.
const quoteColumns = `q.id::text, q.customer_id::text, c.company_name, c.account_number, coalesce(q.quote_number, ''), q.status,
	q.quote_type, q.source, coalesce(q.requested_by_id::text, ''), coalesce(ru.name, ''), q.needed_by_date, q.special_instructions,
	q.expected_response_date, q.currency, q.subtotal_minor, q.total_minor, q.valid_until, q.response_notes, coalesce(pu.name, ''),
	q.priced_at, q.decided_at, q.decline_reason, coalesce(q.order_id::text, ''), coalesce(o.order_number, ''),
	coalesce((SELECT d.id::text FROM documents d WHERE d.tenant_id = q.tenant_id AND d.quote_id = q.id AND d.type = 'quote_document'), ''),
	coalesce(sr.name, ''), coalesce(sr.email, ''), coalesce(sr.phone, ''), q.created_at, q.updated_at, q.submitted_at`

const quoteFrom = ` FROM quotes q JOIN customers c ON c.tenant_id = q.tenant_id AND c.id = q.customer_id
	LEFT JOIN users ru ON ru.tenant_id = q.tenant_id AND ru.id = q.requested_by_id
	LEFT JOIN users pu ON pu.tenant_id = q.tenant_id AND pu.id = q.priced_by_id
	LEFT JOIN orders o ON o.tenant_id = q.tenant_id AND o.id = q.order_id
	LEFT JOIN sales_reps sr ON sr.tenant_id = c.tenant_id AND sr.id = c.sales_rep_id`

type quoteScanner interface{ Scan(dest ...any) error }

func scanQuote(r quoteScanner) (*portal.Quote, error) {
	q := &portal.Quote{}
	var needed, expected, valid sql.NullTime
	var currency sql.NullString
	var subtotal, total sql.NullInt64
	var priced, decided, submitted sql.NullTime
	var rep portal.SalesRep
	if err := r.Scan(&q.ID, &q.CustomerID, &q.CustomerName, &q.AccountNumber, &q.Number, &q.Status, &q.Type, &q.Source,
		&q.RequestedByID, &q.RequestedBy, &needed, &q.SpecialInstructions, &expected, &currency, &subtotal, &total, &valid,
		&q.ResponseNotes, &q.PricedBy, &priced, &decided, &q.DeclineReason, &q.OrderID, &q.OrderNumber, &q.DocumentID,
		&rep.Name, &rep.Email, &rep.Phone, &q.CreatedAt, &q.UpdatedAt, &submitted); err != nil {
		return nil, err
	}
	q.NeededByDate, q.ExpectedResponseDate, q.ValidUntil = timePtr(needed), timePtr(expected), timePtr(valid)
	q.PricedAt, q.DecidedAt, q.SubmittedAt = timePtr(priced), timePtr(decided), timePtr(submitted)
	if subtotal.Valid && total.Valid {
		q.Subtotal = &portal.Money{Amount: subtotal.Int64, Currency: currency.String}
		q.Total = &portal.Money{Amount: total.Int64, Currency: currency.String}
	}
	if rep.Name != "" {
		q.SalesRep = &rep
	}
	return q, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// lockQuoteTx reads quote id under where (with args after the id) and
// locks its row: ENOTFOUND when there is none.
func lockQuoteTx(ctx context.Context, tx bun.Tx, where, id string, args ...any) (*portal.Quote, error) {
	q, err := scanQuote(tx.QueryRowContext(ctx, "SELECT "+quoteColumns+quoteFrom+" WHERE q.id = ? AND "+where+" FOR UPDATE OF q",
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoQuote
	}
	return q, err
}

// quoteLinesOfTx reads q's lines into q.Lines.
func quoteLinesOfTx(ctx context.Context, tx bun.Tx, q *portal.Quote) error {
	rows, err := tx.QueryContext(ctx, `SELECT l.line_no, coalesce(l.product_id::text, ''), coalesce(p.code, ''), l.product_description,
			(l.quantity * 1000)::bigint, l.uom, l.processing_requirements, l.unit_price_minor, l.line_total_minor
		FROM quote_lines l LEFT JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
		WHERE l.quote_id = ? ORDER BY l.line_no`, q.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	q.Lines = []portal.QuoteLine{}
	for rows.Next() {
		var l portal.QuoteLine
		var unit, total sql.NullInt64
		if err := rows.Scan(&l.LineNo, &l.ProductID, &l.ProductCode, &l.Description, &l.QuantityMilli, &l.UOM, &l.Processing,
			&unit, &total); err != nil {
			return err
		}
		if unit.Valid && total.Valid && q.Total != nil {
			l.UnitPrice = &portal.Money{Amount: unit.Int64, Currency: q.Total.Currency}
			l.Total = &portal.Money{Amount: total.Int64, Currency: q.Total.Currency}
		}
		q.Lines = append(q.Lines, l)
	}
	return rows.Err()
}

// readQuote reads one quote and its lines under where.
func (s *QuoteService) readQuote(ctx context.Context, where string, args ...any) (*portal.Quote, error) {
	var q *portal.Quote
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		q, err = scanQuote(tx.QueryRowContext(ctx, "SELECT "+quoteColumns+quoteFrom+" WHERE "+where, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return errNoQuote
		}
		if err != nil {
			return err
		}
		return quoteLinesOfTx(ctx, tx, q)
	})
	if err != nil {
		return nil, wrapQuoteErr("quote", err)
	}
	return q, nil
}

// Quote implements portal.QuoteService: a draft is its author's only.
func (s *QuoteService) Quote(ctx context.Context, actor *portal.User, id string) (*portal.Quote, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	if !portal.ValidUUID(id) {
		return nil, errNoQuote
	}
	return s.readQuote(ctx, "q.id = ? AND q.customer_id = ? AND (q.status <> 'draft' OR q.requested_by_id = ?)",
		id, actor.CustomerID, actor.ID)
}

// StaffQuote implements portal.QuoteService: another rep's customer's
// quote is ENOTFOUND (staffScope).
func (s *QuoteService) StaffQuote(ctx context.Context, actor *portal.User, id string) (*portal.Quote, error) {
	if !actor.Staff() {
		return nil, errStaffOnly
	}
	if !portal.ValidUUID(id) {
		return nil, errNoQuote
	}
	scope, args := staffScope(actor, "q.customer_id")
	return s.readQuote(ctx, "q.id = ? AND q.status <> 'draft' AND "+scope, append([]any{id}, args...)...)
}

const quoteSummaryColumns = `q.id::text, coalesce(q.quote_number, ''), q.status, q.quote_type, c.company_name,
	(SELECT count(*) FROM quote_lines l WHERE l.tenant_id = q.tenant_id AND l.quote_id = q.id)::int,
	q.currency, q.total_minor, q.valid_until, q.created_at, q.updated_at, q.submitted_at
	FROM quotes q JOIN customers c ON c.tenant_id = q.tenant_id AND c.id = q.customer_id`

func (s *QuoteService) summaries(ctx context.Context, query string, args ...any) ([]portal.QuoteSummary, error) {
	out := []portal.QuoteSummary{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+quoteSummaryColumns+" "+query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var q portal.QuoteSummary
			var currency sql.NullString
			var total sql.NullInt64
			var valid, submitted sql.NullTime
			if err := rows.Scan(&q.ID, &q.Number, &q.Status, &q.Type, &q.CustomerName, &q.LineCount, &currency, &total, &valid,
				&q.CreatedAt, &q.UpdatedAt, &submitted); err != nil {
				return err
			}
			if total.Valid {
				q.Total = &portal.Money{Amount: total.Int64, Currency: currency.String}
			}
			q.ValidUntil, q.SubmittedAt = timePtr(valid), timePtr(submitted)
			out = append(out, q)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: quotes: %w", err)
	}
	return out, nil
}

// maxQuoteList bounds a quotes list (no paging yet: a customer has tens).
const maxQuoteList = 200

// Quotes implements portal.QuoteService.
func (s *QuoteService) Quotes(ctx context.Context, actor *portal.User) ([]portal.QuoteSummary, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	return s.summaries(ctx, `WHERE q.customer_id = ? AND (q.status <> 'draft' OR q.requested_by_id = ?)
		ORDER BY q.updated_at DESC, q.id DESC LIMIT ?`, actor.CustomerID, actor.ID, maxQuoteList)
}

// StaffQuotes implements portal.QuoteService: the quotes of the customers
// the actor works for (staffScope).
func (s *QuoteService) StaffQuotes(ctx context.Context, actor *portal.User, status string) ([]portal.QuoteSummary, error) {
	if !actor.Staff() {
		return nil, errStaffOnly
	}
	if _, ok := portal.QuoteStatus(status); status != "" && (!ok || status == portal.QuoteDraft) {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown status.",
			Fields: []portal.FieldError{{Field: "status", Message: "Give submitted, under_review, quoted, accepted, expired or declined."}}}
	}
	where, args := staffScope(actor, "q.customer_id")
	if status != "" {
		where, args = where+" AND q.status = ?", append(args, status)
	} else {
		where += " AND q.status <> 'draft'"
	}
	// Those waiting for an answer first, oldest submission first.
	return s.summaries(ctx, "WHERE "+where+` ORDER BY q.status NOT IN ('submitted', 'under_review'), q.submitted_at, q.id LIMIT ?`,
		append(args, maxQuoteList)...)
}

// FromOrder implements portal.QuoteService.
func (s *QuoteService) FromOrder(ctx context.Context, actor *portal.User, orderID string) ([]portal.QuoteLine, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	if !portal.ValidUUID(orderID) {
		return nil, errNoOrder
	}
	out := []portal.QuoteLine{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE id = ? AND customer_id = ? AND status <> 'draft'`,
			orderID, actor.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errNoOrder
		}
		// The order's lines of products still sold.
		rows, err := tx.QueryContext(ctx, `SELECT l.line_no, p.id::text, p.code, p.name, (l.quantity * 1000)::bigint, p.pricing_uom,
				l.processing_notes
			FROM order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id AND p.active
			WHERE l.order_id = ? ORDER BY l.line_no`, orderID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l portal.QuoteLine
			if err := rows.Scan(&l.LineNo, &l.ProductID, &l.ProductCode, &l.Description, &l.QuantityMilli, &l.UOM, &l.Processing); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrapQuoteErr("quote from order", err)
	}
	return out, nil
}

// RecentProducts implements portal.QuoteService.
func (s *QuoteService) RecentProducts(ctx context.Context, actor *portal.User) ([]portal.CatalogItem, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	out := []portal.CatalogItem{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT p.id::text, p.code, p.name, p.form, p.grade, p.dimensions, p.pricing_uom
			FROM (SELECT l.product_id, max(o.order_date) AS last FROM orders o
				JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
				WHERE o.customer_id = ? AND o.status <> 'draft' AND l.product_id IS NOT NULL
				GROUP BY l.product_id) r
			JOIN products p ON p.tenant_id = current_setting('app.tenant_id')::uuid AND p.id = r.product_id AND p.active
			ORDER BY r.last DESC, p.code LIMIT 10`, actor.CustomerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c portal.CatalogItem
			if err := rows.Scan(&c.ProductID, &c.Code, &c.Name, &c.Form, &c.Grade, &c.Dimensions, &c.UOM); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: recent products: %w", err)
	}
	return out, nil
}
