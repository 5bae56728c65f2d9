package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// dueGenerated selects what the portal owes a generated document: every
// entity whose document is available under spec 000 section 4 and has
// none yet, oldest first. Invoices are billed once the invoice exists (and
// is not void) on an order in an invoicing status, or on no order; credit
// memos once the ERP sent the credit note (not void);
// confirmations once the order is past review; packing slips once the
// shipment is packed (on an order the customer sees); quotes once priced
// and sent (quoted).
const dueGenerated = `
SELECT * FROM (
	SELECT 'invoice' AS type, i.customer_id, coalesce(i.order_id::text, '') AS order_id, i.id::text AS invoice_id,
		'' AS entity_id, i.invoice_number AS number, 0 AS seq, i.created_at AS since
	FROM invoices i LEFT JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
	WHERE i.status <> 'void'
		AND (o.id IS NULL OR o.status IN ('invoiced', 'complete', 'partial_shipped', 'shipped', 'delivered'))
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = i.tenant_id AND d.type = 'invoice' AND d.invoice_id = i.id)
	UNION ALL
	SELECT 'credit_memo', c.customer_id, coalesce(i.order_id::text, ''), coalesce(c.invoice_id::text, ''), c.id::text,
		c.credit_note_number, 0, c.created_at
	FROM credit_notes c LEFT JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
	WHERE c.status <> 'void'
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = c.tenant_id AND d.type = 'credit_memo' AND d.credit_note_id = c.id)
	UNION ALL
	SELECT 'order_confirmation', o.customer_id, o.id::text, '', '', o.order_number, 0, o.created_at
	FROM orders o
	WHERE o.status NOT IN ('draft', 'pending_review', 'cancelled')
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = o.tenant_id AND d.type = 'order_confirmation' AND d.order_id = o.id)
	UNION ALL
	SELECT 'packing_slip', s.customer_id, s.order_id::text, '', s.id::text, o.order_number,
		(SELECT count(*) FROM shipments p WHERE p.tenant_id = s.tenant_id AND p.order_id = s.order_id
			AND (p.shipment_number, p.id) <= (s.shipment_number, s.id))::int, s.created_at
	FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id
	WHERE s.status IN ('packed', 'shipped', 'delivered') AND o.status NOT IN ('draft', 'pending_review', 'cancelled')
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = s.tenant_id AND d.type = 'packing_slip' AND d.shipment_id = s.id)
	UNION ALL
	SELECT 'quote_document', q.customer_id, '', '', q.id::text, q.quote_number, 0, q.priced_at
	FROM quotes q
	WHERE q.status = 'quoted'
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = q.tenant_id AND d.type = 'quote_document' AND d.quote_id = q.id)
) due ORDER BY since, type LIMIT ?`

// dueDocument is one row of dueGenerated; entityID is the shipment of a
// packing slip, the credit note of a credit memo or the quote of a quote.
type dueDocument struct {
	typ, customerID, orderID, invoiceID, entityID, number string
	seq                                                   int
}

// GenerateDue renders and stores up to limit of the tenant's due generated
// documents (see dueGenerated) with the store's Renderer, each through
// Create (so each emits document.available), and returns how many it made.
// The unique indexes of the generated types make a second server's copy
// fail harmlessly; one that fails to render is logged by the caller and
// retried on the next run.
func (s *DocumentStore) GenerateDue(ctx context.Context, tn *tenants.Tenant, limit int) (int, error) {
	if s.Renderer == nil {
		return 0, errors.New("documents: no renderer")
	}
	ctx = tenants.NewContext(ctx, tn)
	var due []dueDocument
	err := s.db.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, dueGenerated, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d dueDocument
			var since any
			if err := rows.Scan(&d.typ, &d.customerID, &d.orderID, &d.invoiceID, &d.entityID, &d.number, &d.seq, &since); err != nil {
				return err
			}
			due = append(due, d)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, d := range due {
		if err := s.generate(ctx, tn, d); err != nil {
			errs = append(errs, fmt.Errorf("%s of %s: %w", d.typ, d.number, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func (s *DocumentStore) generate(ctx context.Context, tn *tenants.Tenant, d dueDocument) error {
	src := &portal.DocumentSource{Type: d.typ}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		src.Customer.ID = d.customerID
		return tx.QueryRowContext(ctx, `SELECT company_name, account_number, payment_terms FROM customers WHERE id = ?`, d.customerID).
			Scan(&src.Customer.Name, &src.Customer.AccountNumber, &src.Customer.PaymentTerms)
	})
	if err != nil {
		return err
	}
	// The customer's own reads, as the customer would see them.
	actor := &portal.User{CustomerID: d.customerID}
	orders := NewOrderService(s.db)
	if d.orderID != "" {
		if src.Order, err = orders.FindOrderByID(ctx, actor, d.orderID); err != nil {
			return err
		}
	}
	in := portal.NewDocument{CustomerID: d.customerID, Type: d.typ, OrderID: d.orderID, InvoiceID: d.invoiceID,
		ContentType: "application/pdf"}
	switch d.typ {
	case "credit_memo":
		in.CreditNoteID = d.entityID
		if src.CreditNote, err = NewInvoiceService(s.db).FindCreditNoteByID(ctx, actor, d.entityID); err != nil {
			return err
		}
		in.Name = "CM-" + d.number + ".pdf"
	case "invoice":
		if src.Invoice, err = NewInvoiceService(s.db).FindInvoiceByID(ctx, actor, d.invoiceID); err != nil {
			return err
		}
		in.Name = "INV-" + d.number + ".pdf"
	case "order_confirmation":
		in.Name = "OC-" + d.number + ".pdf"
	case "quote_document":
		in.QuoteID = d.entityID
		if src.Quote, err = NewQuoteService(s.db, nil).readQuote(ctx, "q.id = ?", d.entityID); err != nil {
			return err
		}
		in.Name = "QT-" + d.number + ".pdf"
	case "packing_slip":
		in.ShipmentID = d.entityID
		for i := range src.Order.Shipments {
			if src.Order.Shipments[i].ID == d.entityID {
				src.Shipment = &src.Order.Shipments[i]
			}
		}
		if src.Shipment == nil {
			return fmt.Errorf("shipment %s not on its order", d.entityID)
		}
		in.Name = "PS-" + d.number + "-" + strconv.Itoa(d.seq) + ".pdf"
	}
	src.Name = in.Name
	var buf bytes.Buffer
	if err := s.Renderer.Render(&buf, tn, src); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err = s.Create(ctx, tn.ID, in, &buf, int64(buf.Len()))
	return err
}

// GenerateQuote renders and stores the quote PDF of quote id now, if it is
// due (quoted, none yet): what Respond calls once the quote is sent, so
// the customer has it with the e-mail. The documents job covers a failure.
func (s *DocumentStore) GenerateQuote(ctx context.Context, tn *tenants.Tenant, id string) error {
	if s.Renderer == nil {
		return errors.New("documents: no renderer")
	}
	ctx = tenants.NewContext(ctx, tn)
	var d dueDocument
	err := s.db.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT customer_id::text, quote_number FROM quotes q WHERE q.id = ? AND q.status = 'quoted'
			AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = q.tenant_id AND d.type = 'quote_document' AND d.quote_id = q.id)`,
			id).Scan(&d.customerID, &d.number)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	d.typ, d.entityID = "quote_document", id
	return s.generate(ctx, tn, d)
}
