package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// The account's receipts and credit notes (portal.LedgerService), on the
// invoice service: the same customer-scoped read transaction.

var _ portal.LedgerService = (*InvoiceService)(nil)

var (
	errNoReceipt    = portal.Errorf(portal.ENOTFOUND, "No such receipt.")
	errNoCreditNote = portal.Errorf(portal.ENOTFOUND, "No such credit note.")
)

// FindReceipts implements portal.LedgerService: the payment history
// restricted to money received.
func (s *InvoiceService) FindReceipts(ctx context.Context, actor *portal.User, f portal.PaymentFilter) ([]portal.Payment, int, error) {
	if len(f.Statuses) == 0 {
		f.Statuses = portal.ReceiptStatuses
	}
	for _, st := range f.Statuses {
		if st != "succeeded" && st != "refunded" {
			return nil, 0, &portal.Error{Code: portal.EINVALID, Message: "Receipts are of payments received.",
				Fields: []portal.FieldError{{Field: "status", Message: "Choose succeeded or refunded."}}}
		}
	}
	return s.orders.FindPayments(ctx, actor, f)
}

// FindReceiptByID implements portal.LedgerService.
func (s *InvoiceService) FindReceiptByID(ctx context.Context, actor *portal.User, id string) (*portal.Receipt, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoReceipt
	}
	var r portal.Receipt
	err := s.orders.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT p.id::text, p.reference, p.method, p.status, p.currency, p.amount_minor, p.received_on,
				coalesce(i.id::text, ''), coalesce(i.invoice_number, ''), c.company_name, coalesce(c.account_number, '')
			FROM payments p JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
			LEFT JOIN invoices i ON i.tenant_id = p.tenant_id AND i.customer_id = p.customer_id AND i.id = p.invoice_id
			WHERE p.customer_id = ? AND p.id = ? AND p.status IN ('succeeded', 'refunded')`, actor.CustomerID, id).
			Scan(&r.ID, &r.Reference, &r.Method, &r.Status, &r.Amount.Currency, &r.Amount.Amount, &r.ReceivedOn,
				&r.InvoiceID, &r.InvoiceNumber, &r.CompanyName, &r.AccountNumber)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoReceipt
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

const creditNoteColumns = `n.id::text, n.credit_note_number, coalesce(i.id::text, ''), coalesce(i.invoice_number, ''), n.status,
	n.issue_date, n.currency, n.amount_minor, CASE WHEN n.status = 'open' THEN n.remaining_minor ELSE 0 END, n.reason`

const creditNoteFrom = `FROM credit_notes n
	LEFT JOIN invoices i ON i.tenant_id = n.tenant_id AND i.customer_id = n.customer_id AND i.id = n.invoice_id`

func scanCreditNote(row interface{ Scan(...any) error }, extra ...any) (portal.CreditNote, error) {
	var n portal.CreditNote
	err := row.Scan(append([]any{&n.ID, &n.Number, &n.InvoiceID, &n.InvoiceNumber, &n.Status, &n.IssueDate, &n.Amount.Currency,
		&n.Amount.Amount, &n.Remaining.Amount, &n.Reason}, extra...)...)
	n.Remaining.Currency = n.Amount.Currency
	return n, err
}

// FindCreditNotes implements portal.LedgerService.
func (s *InvoiceService) FindCreditNotes(ctx context.Context, actor *portal.User, f portal.CreditNoteFilter) ([]portal.CreditNote, int, []portal.CreditTotals, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, nil, err
	}
	out, totals := []portal.CreditNote{}, []portal.CreditTotals{}
	var total int
	err := s.orders.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		conds, args := []string{"n.customer_id = ?"}, []any{actor.CustomerID}
		if len(f.Statuses) > 0 {
			conds, args = append(conds, "n.status IN (?)"), append(args, bun.In(f.Statuses))
		}
		if f.From != nil {
			conds, args = append(conds, "n.issue_date >= ?"), append(args, dateOnly(*f.From))
		}
		if f.To != nil {
			conds, args = append(conds, "n.issue_date <= ?"), append(args, dateOnly(*f.To))
		}
		where := strings.Join(conds, " AND ")
		rows, err := tx.QueryContext(ctx, `SELECT `+creditNoteColumns+`, count(*) OVER () `+creditNoteFrom+` WHERE `+where+`
			ORDER BY n.issue_date DESC, n.credit_note_number DESC LIMIT ? OFFSET ?`, append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanCreditNote(rows, &total)
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Page > 1 {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) `+creditNoteFrom+` WHERE `+where, args...).Scan(&total); err != nil {
				return err
			}
		}
		trows, err := tx.QueryContext(ctx, `SELECT currency, sum(remaining_minor) FROM credit_notes
			WHERE customer_id = ? AND status = 'open' AND remaining_minor > 0 GROUP BY currency ORDER BY currency`, actor.CustomerID)
		if err != nil {
			return err
		}
		defer trows.Close()
		for trows.Next() {
			var t portal.CreditTotals
			if err := trows.Scan(&t.Currency, &t.Remaining); err != nil {
				return err
			}
			totals = append(totals, t)
		}
		return trows.Err()
	})
	if err != nil {
		return nil, 0, nil, err
	}
	return out, total, totals, nil
}

// FindCreditNoteByID implements portal.LedgerService.
func (s *InvoiceService) FindCreditNoteByID(ctx context.Context, actor *portal.User, id string) (*portal.CreditNote, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCreditNote
	}
	var n portal.CreditNote
	err := s.orders.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = scanCreditNote(tx.QueryRowContext(ctx, `SELECT `+creditNoteColumns+` `+creditNoteFrom+` WHERE n.customer_id = ? AND n.id = ?`,
			actor.CustomerID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errNoCreditNote
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}
