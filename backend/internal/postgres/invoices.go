package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// InvoiceService implements portal.InvoiceService over the invoices and
// payments tables, in the actor's tenant (row-level security) and scoped
// to the actor's customer.
type InvoiceService struct {
	orders *OrderService // for its customer-scoped read transaction
	db     *DB
}

var _ portal.InvoiceService = (*InvoiceService)(nil)

// NewInvoiceService returns the invoice service over db (app role).
func NewInvoiceService(db *DB) *InvoiceService {
	return &InvoiceService{orders: NewOrderService(db), db: db}
}

// invoiceColumns select an Invoice from invoices i joined to its order o;
// the last one is the overdue flag, computed against ? (today).
const invoiceColumns = `i.id::text, i.invoice_number, coalesce(o.id::text, ''), coalesce(o.order_number, ''),
	i.invoice_date, i.due_date, i.status, i.currency, i.total_minor, i.amount_paid_minor`

// invoiceDue is an invoice's amount due: nothing for paid or void ones.
const invoiceDue = `(CASE WHEN i.status IN ('open', 'partially_paid') THEN greatest(i.total_minor - i.amount_paid_minor, 0) ELSE 0 END)`

var invoiceSorts = map[string]string{
	portal.SortInvoiceDate:   "i.invoice_date %[1]s, i.invoice_number %[1]s",
	portal.SortDueDate:       "i.due_date %[1]s, i.invoice_number %[1]s",
	portal.SortInvoiceNumber: "i.invoice_number %[1]s",
	portal.SortAmountDue:     invoiceDue + " %[1]s, i.invoice_number %[1]s",
}

var errNoInvoiceFound = portal.Errorf(portal.ENOTFOUND, "No such invoice.")

func (s *InvoiceService) scanInvoice(row interface{ Scan(...any) error }, extra ...any) (portal.Invoice, error) {
	var i portal.Invoice
	err := row.Scan(append([]any{&i.ID, &i.InvoiceNumber, &i.OrderID, &i.OrderNumber, &i.InvoiceDate, &i.DueDate, &i.Status,
		&i.Total.Currency, &i.Total.Amount, &i.AmountPaid.Amount}, extra...)...)
	if err != nil {
		return i, err
	}
	i.AmountPaid.Currency, i.AmountDue.Currency = i.Total.Currency, i.Total.Currency
	if i.Status == portal.InvoiceOpen || i.Status == portal.InvoicePartiallyPaid {
		i.AmountDue.Amount = max(i.Total.Amount-i.AmountPaid.Amount, 0)
		i.Overdue = i.DueDate.Before(dateOnly(s.db.Now()))
	}
	return i, nil
}

// FindInvoices implements portal.InvoiceService.
func (s *InvoiceService) FindInvoices(ctx context.Context, actor *portal.User, f portal.InvoiceFilter) ([]portal.Invoice, int, []portal.InvoiceTotals, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, nil, err
	}
	today := dateOnly(s.db.Now())
	var out []portal.Invoice
	var total int
	var totals []portal.InvoiceTotals
	err := s.orders.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		conds, args := []string{"i.customer_id = ?"}, []any{actor.CustomerID}
		if len(f.Statuses) > 0 {
			var ors []string
			var stored []string
			for _, st := range f.Statuses {
				if st == portal.InvoiceOverdue {
					ors = append(ors, "(i.status IN ('open', 'partially_paid') AND i.due_date < ?)")
					args = append(args, today)
				} else {
					stored = append(stored, st)
				}
			}
			if len(stored) > 0 {
				ors = append(ors, "i.status IN (?)")
				args = append(args, bun.In(stored))
			}
			conds = append(conds, "("+strings.Join(ors, " OR ")+")")
		}
		if f.From != nil {
			conds, args = append(conds, "i.invoice_date >= ?"), append(args, dateOnly(*f.From))
		}
		if f.To != nil {
			conds, args = append(conds, "i.invoice_date <= ?"), append(args, dateOnly(*f.To))
		}
		if f.DueFrom != nil {
			conds, args = append(conds, "i.due_date >= ?"), append(args, dateOnly(*f.DueFrom))
		}
		if f.DueTo != nil {
			conds, args = append(conds, "i.due_date <= ?"), append(args, dateOnly(*f.DueTo))
		}
		if f.Search != "" {
			like := "%" + escapeLike(f.Search) + "%"
			conds = append(conds, "(i.invoice_number ILIKE ? OR o.order_number ILIKE ?)")
			args = append(args, like, like)
		}
		where := strings.Join(conds, " AND ")
		dir := "ASC"
		if f.Desc {
			dir = "DESC"
		}
		from := `FROM invoices i LEFT JOIN orders o ON o.tenant_id = i.tenant_id AND o.customer_id = i.customer_id AND o.id = i.order_id`
		rows, err := tx.QueryContext(ctx, `SELECT `+invoiceColumns+`, count(*) OVER () `+from+` WHERE `+where+
			` ORDER BY `+fmt.Sprintf(invoiceSorts[f.Sort], dir)+` LIMIT ? OFFSET ?`, append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []portal.Invoice{}
		for rows.Next() {
			i, err := s.scanInvoice(rows, &total)
			if err != nil {
				return err
			}
			out = append(out, i)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Page > 1 {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) `+from+` WHERE `+where, args...).Scan(&total); err != nil {
				return err
			}
		}
		// The account's open and overdue amounts, whatever the filter.
		trows, err := tx.QueryContext(ctx, `SELECT i.currency, count(*), coalesce(sum(`+invoiceDue+`), 0),
				count(*) FILTER (WHERE i.due_date < ?), coalesce(sum(`+invoiceDue+`) FILTER (WHERE i.due_date < ?), 0)
			FROM invoices i WHERE i.customer_id = ? AND i.status IN ('open', 'partially_paid')
			GROUP BY i.currency ORDER BY i.currency`, today, today, actor.CustomerID)
		if err != nil {
			return err
		}
		defer trows.Close()
		totals = []portal.InvoiceTotals{}
		for trows.Next() {
			var t portal.InvoiceTotals
			if err := trows.Scan(&t.Currency, &t.OpenCount, &t.OpenDue, &t.OverdueCount, &t.OverdueDue); err != nil {
				return err
			}
			totals = append(totals, t)
		}
		return trows.Err()
	})
	return out, total, totals, err
}

// FindInvoiceByID implements portal.InvoiceService.
func (s *InvoiceService) FindInvoiceByID(ctx context.Context, actor *portal.User, id string) (*portal.InvoiceDetail, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoInvoiceFound
	}
	var d portal.InvoiceDetail
	err := s.orders.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+invoiceColumns+`, i.subtotal_minor, i.tax_minor
			FROM invoices i LEFT JOIN orders o ON o.tenant_id = i.tenant_id AND o.customer_id = i.customer_id AND o.id = i.order_id
			WHERE i.customer_id = ? AND i.id = ?`, actor.CustomerID, id)
		inv, err := s.scanInvoice(row, &d.Subtotal.Amount, &d.Tax.Amount)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoInvoiceFound
		}
		if err != nil {
			return err
		}
		d.Invoice = inv
		d.Subtotal.Currency, d.Tax.Currency = inv.Total.Currency, inv.Total.Currency
		rows, err := tx.QueryContext(ctx, `SELECT p.id::text, p.reference, p.method, p.status, p.currency, p.amount_minor, p.received_on
			FROM payments p WHERE p.customer_id = ? AND p.invoice_id = ?
			ORDER BY p.received_on DESC, p.created_at DESC, p.id DESC LIMIT 200`, actor.CustomerID, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		d.Payments = []portal.Payment{}
		for rows.Next() {
			p := portal.Payment{InvoiceID: inv.ID, InvoiceNumber: inv.InvoiceNumber}
			if err := rows.Scan(&p.ID, &p.Reference, &p.Method, &p.Status, &p.Amount.Currency, &p.Amount.Amount, &p.ReceivedOn); err != nil {
				return err
			}
			d.Payments = append(d.Payments, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// escapeLike makes s match literally inside a LIKE pattern (backslash is
// PostgreSQL's default LIKE escape).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
