package pdfdoc

import (
	"fmt"
	"io"
	"strings"
)

// Invoice renders an invoice to w.
func Invoice(w io.Writer, b Brand, d InvoiceDoc) error {
	doc, err := newDoc(b, "Invoice", d.Number, [][2]string{{"Date", date(d.IssueDate)}, {"Due", date(d.DueDate)},
		{"Order", d.OrderNumber}, {"PO", d.PONumber}, {"Terms", d.PaymentTerms}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer}, [2]any{"Bill to", d.BillTo}, [2]any{"Ship to", d.ShipTo})
	doc.table(pricedColumns(), d.Lines)
	rows := totalRows(d.Totals)
	rows = append(rows, [2]string{"Amount paid", FormatMoney(d.AmountPaid)}, [2]string{"Amount due", FormatMoney(d.AmountDue)})
	doc.summary(rows, true)
	doc.note("Notes", d.Notes)
	return doc.write(w)
}

// CreditMemo renders a credit memo to w.
func CreditMemo(w io.Writer, b Brand, d CreditMemoDoc) error {
	doc, err := newDoc(b, "Credit memo", d.Number, [][2]string{{"Date", date(d.Date)}, {"Invoice", d.InvoiceNumber}, {"PO", d.PONumber}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer}, [2]any{"Bill to", d.BillTo})
	doc.table(pricedColumns(), d.Lines)
	doc.summary(totalRows(d.Totals), true)
	doc.note("Reason", d.Reason)
	return doc.write(w)
}

// OrderConfirmation renders an order confirmation to w.
func OrderConfirmation(w io.Writer, b Brand, d OrderDoc) error {
	req := ""
	if d.RequestedDate != nil {
		req = date(*d.RequestedDate)
	}
	doc, err := newDoc(b, "Order confirmation", d.Number, [][2]string{{"Date", date(d.OrderDate)}, {"Requested", req},
		{"PO", d.PONumber}, {"Terms", d.PaymentTerms}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer}, [2]any{"Bill to", d.BillTo}, [2]any{"Ship to", d.ShipTo})
	doc.table(pricedColumns(), d.Lines)
	doc.summary(totalRows(d.Totals), true)
	return doc.write(w)
}

// PackingSlip renders a packing slip (no prices) to w.
func PackingSlip(w io.Writer, b Brand, d PackingSlipDoc) error {
	doc, err := newDoc(b, "Packing slip", d.Number, [][2]string{{"Shipped", date(d.ShipDate)}, {"Order", d.OrderNumber},
		{"PO", d.PONumber}, {"Carrier", d.Carrier}, {"Tracking", d.TrackingNumber}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer}, [2]any{"Ship to", d.ShipTo})
	doc.table([]column{
		{"Product", 32, "L", func(l Line) string { return l.ProductCode }},
		{"Description", 108, "L", describe},
		{"Quantity", 40, "R", qty},
	}, d.Lines)
	return doc.write(w)
}

// Quote renders a quote to w.
func Quote(w io.Writer, b Brand, d QuoteDoc) error {
	doc, err := newDoc(b, "Quote", d.Number, [][2]string{{"Date", date(d.Date)}, {"Valid until", date(d.ValidUntil)},
		{"PO", d.PONumber}, {"Terms", d.PaymentTerms}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer}, [2]any{"Bill to", d.BillTo}, [2]any{"Ship to", d.ShipTo})
	doc.table(pricedColumns(), d.Lines)
	doc.summary(totalRows(d.Totals), true)
	return doc.write(w)
}

// Statement renders an account statement to w: opening balance, each
// invoice, payment and credit with its running balance, closing balance.
// Every amount must be in the opening balance's currency.
func Statement(w io.Writer, b Brand, d StatementDoc) error {
	bal := d.Opening
	lines := make([]Line, 0, len(d.Entries))
	for i, e := range d.Entries {
		if !strings.EqualFold(e.Amount.Currency, d.Opening.Currency) {
			return fmt.Errorf("pdfdoc: statement entry %d currency %q differs from the opening balance's %q", i, e.Amount.Currency, d.Opening.Currency)
		}
		bal.Amount += e.Amount.Amount
		due := ""
		if e.DueDate != nil {
			due = date(*e.DueDate)
		}
		// Reuse Line's fields for the statement columns.
		lines = append(lines, Line{ProductCode: date(e.Date), Description: strings.TrimSpace(e.Kind + " " + e.Reference),
			Quantity: due, UnitPrice: e.Amount, Total: bal})
	}
	doc, err := newDoc(b, "Statement", d.AccountNumber, [][2]string{{"From", date(d.From)}, {"To", date(d.To)}})
	if err != nil {
		return err
	}
	doc.parties([2]any{"Customer", d.Customer})
	doc.summary([][2]string{{"Opening balance", FormatMoney(d.Opening)}}, false)
	doc.pdf.Ln(2)
	doc.table([]column{
		{"Date", 26, "L", func(l Line) string { return l.ProductCode }},
		{"Document", 78, "L", func(l Line) string { return l.Description }},
		{"Due", 26, "L", func(l Line) string { return l.Quantity }},
		{"Amount", 25, "R", func(l Line) string { return FormatMoney(l.UnitPrice) }},
		{"Balance", 25, "R", func(l Line) string { return FormatMoney(l.Total) }},
	}, lines)
	doc.summary([][2]string{{"Closing balance", FormatMoney(bal)}}, true)
	return doc.write(w)
}
