package postgres

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// quoteRecord is a new quote request as any channel writes it (the
// portal's builder, the e-commerce API): the one shape insertQuoteTx
// writes.
type quoteRecord struct {
	ID, CustomerID, RequestedByID string
	Status                        string // draft or submitted
	Source                        string // portal, ecommerce
	Type                          string // stock_items, custom_processing, bulk_order
	NeededBy                      string // YYYY-MM-DD or ""
	Instructions                  string
	Lines                         []quoteLineRecord
	Now                           time.Time
}

// quoteLineRecord is a line of a quoteRecord; ProductID "" for something
// not in the catalog.
type quoteLineRecord struct {
	ProductID, Description string
	QuantityMilli          int64
	UOM, Processing        string
}

// insertQuoteTx writes r and its lines in tx. A submitted request takes its
// number and expected response date and writes quote.created; a draft has
// neither until submitDraftTx.
func insertQuoteTx(ctx context.Context, tx bun.Tx, r *quoteRecord) (*portal.QuoteCreated, error) {
	out := &portal.QuoteCreated{ID: r.ID, Status: r.Status}
	var number, expected, submitted any
	if r.Status == portal.QuoteSubmitted {
		var err error
		if out.QuoteNumber, err = nextNumberTx(ctx, tx, "quote", "QT", r.Now); err != nil {
			return nil, err
		}
		out.ExpectedResponseDate = portal.AddBusinessDays(dateOnly(r.Now), portal.QuoteResponseDays)
		number, expected, submitted = out.QuoteNumber, out.ExpectedResponseDate.Format(time.DateOnly), r.Now
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO quotes (tenant_id, id, customer_id, quote_number, status, source, quote_type,
			requested_by_id, needed_by_date, special_instructions, expected_response_date, submitted_at, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.CustomerID, number, r.Status, r.Source, r.Type, nullable(r.RequestedByID), nullable(r.NeededBy), r.Instructions,
		expected, submitted, r.Now, r.Now); err != nil {
		return nil, err
	}
	if err := replaceQuoteLinesTx(ctx, tx, r.ID, r.Lines); err != nil {
		return nil, err
	}
	if r.Status == portal.QuoteSubmitted {
		if err := quoteCreatedEventTx(ctx, tx, out.ID, out.QuoteNumber, r.CustomerID, r.Source, len(r.Lines), r.Now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// replaceQuoteLinesTx makes lines the lines of quote id.
func replaceQuoteLinesTx(ctx context.Context, tx bun.Tx, id string, lines []quoteLineRecord) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM quote_lines WHERE quote_id = ?`, id); err != nil {
		return err
	}
	for i, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_lines (tenant_id, quote_id, line_no, product_id, product_description,
				quantity, uom, processing_requirements)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?::numeric / 1000, ?, ?)`,
			id, i+1, nullable(l.ProductID), l.Description, l.QuantityMilli, l.UOM, l.Processing); err != nil {
			return err
		}
	}
	return nil
}

// submitDraftTx submits the draft id: its number, expected response date
// and quote.created.
func submitDraftTx(ctx context.Context, tx bun.Tx, id, customerID string, lineCount int, now time.Time) (*portal.QuoteCreated, error) {
	out := &portal.QuoteCreated{ID: id, Status: portal.QuoteSubmitted,
		ExpectedResponseDate: portal.AddBusinessDays(dateOnly(now), portal.QuoteResponseDays)}
	var err error
	if out.QuoteNumber, err = nextNumberTx(ctx, tx, "quote", "QT", now); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET status = 'submitted', quote_number = ?, expected_response_date = ?,
			submitted_at = ?, created_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
		out.QuoteNumber, out.ExpectedResponseDate.Format(time.DateOnly), now, now, now, id); err != nil {
		return nil, err
	}
	return out, quoteCreatedEventTx(ctx, tx, id, out.QuoteNumber, customerID, "portal", lineCount, now)
}

func quoteCreatedEventTx(ctx context.Context, tx bun.Tx, id, number, customerID, source string, lines int, now time.Time) error {
	return insertOutboxEvents(ctx, tx, now, boEvent{"quote.created", id, map[string]any{"quote_id": id,
		"quote_number": number, "customer_id": customerID, "source": source, "line_count": lines, "created_at": now}})
}
