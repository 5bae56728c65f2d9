package postgres

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// maxStatementDays bounds a statement's range: five years of movements.
const maxStatementDays = 5 * 366

// Statement implements portal.DocumentService: the statement is computed
// in one read transaction and rendered, not stored (it is on demand; the
// download is recorded like any other).
func (s *DocumentStore) Statement(ctx context.Context, actor *portal.User, from, to time.Time) (string, []byte, error) {
	if actor == nil || actor.CustomerID == "" {
		return "", nil, portal.Errorf(portal.EFORBIDDEN, "Statements belong to a customer.")
	}
	switch {
	case from.IsZero():
		return "", nil, invalidField("from", "required")
	case to.IsZero():
		return "", nil, invalidField("to", "required")
	case to.Before(from):
		return "", nil, invalidField("to", "on or after from")
	case to.Sub(from) > maxStatementDays*24*time.Hour:
		return "", nil, invalidField("to", "at most five years after from")
	}
	if s.Renderer == nil {
		return "", nil, errors.New("documents: no renderer")
	}
	t, ok := tenants.FromContext(ctx)
	if !ok {
		return "", nil, errors.New("documents: statement without a tenant")
	}
	st := &portal.Statement{From: from, To: to}
	src := &portal.DocumentSource{Type: "statement", Statement: st, Customer: portal.DocumentCustomer{ID: actor.CustomerID}}
	end := to.AddDate(0, 0, 1)
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var cur string
		if err := tx.QueryRowContext(ctx, `SELECT company_name, account_number, payment_terms, currency FROM customers WHERE id = ?`,
			actor.CustomerID).Scan(&src.Customer.Name, &src.Customer.AccountNumber, &src.Customer.PaymentTerms, &cur); err != nil {
			return err
		}
		st.Opening.Currency = cur
		if err := tx.QueryRowContext(ctx, `SELECT
				coalesce((SELECT sum(total_minor) FROM invoices WHERE customer_id = ? AND currency = ? AND status <> 'void' AND invoice_date < ?), 0)
				- coalesce((SELECT sum(amount_minor) FROM payments WHERE customer_id = ? AND currency = ? AND status = 'succeeded' AND received_on < ?), 0)`,
			actor.CustomerID, cur, from, actor.CustomerID, cur, from).Scan(&st.Opening.Amount); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT invoice_date, 'invoice', invoice_number, due_date, total_minor FROM invoices
				WHERE customer_id = ? AND currency = ? AND status <> 'void' AND invoice_date >= ? AND invoice_date < ?
			UNION ALL
			SELECT received_on, 'payment', reference, NULL, -amount_minor FROM payments
				WHERE customer_id = ? AND currency = ? AND status = 'succeeded' AND received_on >= ? AND received_on < ?
			ORDER BY 1, 2, 3`, actor.CustomerID, cur, from, end, actor.CustomerID, cur, from, end)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := portal.StatementEntry{Amount: portal.Money{Currency: cur}}
			if err := rows.Scan(&e.Date, &e.Kind, &e.Reference, &e.DueDate, &e.Amount.Amount); err != nil {
				return err
			}
			st.Entries = append(st.Entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return "", nil, err
	}
	src.Name = "STMT-" + src.Customer.AccountNumber + "-" + from.Format("20060102") + "-" + to.Format("20060102") + ".pdf"
	var buf bytes.Buffer
	if err := s.Renderer.Render(&buf, t, src); err != nil {
		return "", nil, err
	}
	if err := s.RecordDownload(ctx, actor, "stream", &portal.Document{Name: src.Name}); err != nil {
		return "", nil, err
	}
	return src.Name, buf.Bytes(), nil
}
