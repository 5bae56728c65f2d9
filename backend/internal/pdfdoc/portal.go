package pdfdoc

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Renderer renders the portal's generated documents (portal.DocumentRenderer)
// from the portal's own types.
type Renderer struct {
	// Logo returns the tenant's logo as PNG or JPEG, or nil to print the
	// name alone.
	Logo func(t *tenants.Tenant) []byte
}

// Render implements portal.DocumentRenderer.
func (r Renderer) Render(w io.Writer, t *tenants.Tenant, src *portal.DocumentSource) error {
	b := Brand{Name: t.Name, Primary: t.Branding.PrimaryColor, Accent: t.Branding.AccentColor,
		Phone: t.Branding.SupportPhone, Email: t.Branding.SupportEmail}
	if r.Logo != nil {
		b.Logo = r.Logo(t)
	}
	customer := Party{Name: src.Customer.Name, Lines: []string{"Account " + src.Customer.AccountNumber}}
	o := src.Order
	switch src.Type {
	case "invoice":
		if src.Invoice == nil {
			return fmt.Errorf("pdfdoc: invoice %s without its invoice", src.Name)
		}
		inv := src.Invoice
		d := InvoiceDoc{Number: inv.InvoiceNumber, IssueDate: inv.InvoiceDate, DueDate: inv.DueDate,
			PaymentTerms: src.Customer.PaymentTerms, Customer: customer, AmountPaid: inv.AmountPaid, AmountDue: inv.AmountDue,
			Totals: Totals{Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total}}
		if o != nil {
			d.OrderNumber, d.PONumber, d.ShipTo, d.Lines = o.OrderNumber, o.PONumber, shipTo(o), portalLines(o.Lines, true)
			d.Processing, d.Freight = o.Processing, o.Freight
		}
		return Invoice(w, b, d)
	case "credit_memo":
		c := src.CreditNote
		if c == nil {
			return fmt.Errorf("pdfdoc: credit memo %s without its credit note", src.Name)
		}
		d := CreditMemoDoc{Number: c.Number, InvoiceNumber: c.InvoiceNumber, Date: c.IssueDate, Reason: c.Reason, Customer: customer,
			Lines:  []Line{{Description: cmp.Or(c.Reason, "Credit"), Quantity: "1", UnitPrice: c.Amount, Total: c.Amount}},
			Totals: Totals{Subtotal: c.Amount, Total: c.Amount}}
		if o != nil {
			d.PONumber = o.PONumber
		}
		return CreditMemo(w, b, d)
	case "order_confirmation":
		return OrderConfirmation(w, b, OrderDoc{Number: o.OrderNumber, PONumber: o.PONumber, OrderDate: o.OrderDate,
			RequestedDate: o.RequestedDate, PaymentTerms: src.Customer.PaymentTerms, Customer: customer, ShipTo: shipTo(o),
			Lines: portalLines(o.Lines, true), Totals: Totals{Subtotal: o.Subtotal, Processing: o.Processing, Freight: o.Freight,
				Tax: o.Tax, Total: o.Total}})
	case "packing_slip":
		s := src.Shipment
		d := PackingSlipDoc{Number: s.ShipmentNumber, OrderNumber: o.OrderNumber, PONumber: o.PONumber, Carrier: s.Carrier,
			TrackingNumber: s.TrackingNumber, Customer: customer, ShipTo: shipTo(o)}
		if s.ShipDate != nil {
			d.ShipDate = *s.ShipDate
		}
		byNo := map[int]portal.OrderLine{}
		for _, l := range o.Lines {
			byNo[l.LineNo] = l
		}
		for _, sl := range s.Lines {
			l := byNo[sl.LineNo]
			d.Lines = append(d.Lines, Line{ProductCode: l.ProductCode, Description: sl.Description, Quantity: sl.Quantity,
				Unit: sl.UOM, Dimensions: l.Dimensions, Grade: l.Grade, Heat: l.HeatNumber})
		}
		if len(s.Lines) == 0 { // the ERP sent no shipment lines: the order's
			d.Lines = portalLines(o.Lines, false)
		}
		return PackingSlip(w, b, d)
	case "quote_document":
		q := src.Quote
		if q == nil || q.Total == nil || q.ValidUntil == nil {
			return fmt.Errorf("pdfdoc: quote %s without its priced quote", src.Name)
		}
		d := QuoteDoc{Number: q.Number, Date: q.CreatedAt, ValidUntil: *q.ValidUntil, PaymentTerms: src.Customer.PaymentTerms,
			Customer: customer, Totals: Totals{Subtotal: *q.Subtotal, Total: *q.Total}}
		if q.PricedAt != nil {
			d.Date = *q.PricedAt
		}
		for _, l := range q.Lines {
			line := Line{ProductCode: l.ProductCode, Description: l.Description, Quantity: portal.FormatQuantity(l.QuantityMilli), Unit: l.UOM}
			if l.UnitPrice != nil {
				line.UnitPrice, line.Total = *l.UnitPrice, *l.Total
			}
			d.Lines = append(d.Lines, line)
		}
		return Quote(w, b, d)
	case "statement":
		st := src.Statement
		d := StatementDoc{AccountNumber: src.Customer.AccountNumber, From: st.From, To: st.To, Customer: customer, Opening: st.Opening}
		for _, e := range st.Entries {
			d.Entries = append(d.Entries, StatementEntry{Date: e.Date, Kind: e.Kind, Reference: e.Reference, DueDate: e.DueDate, Amount: e.Amount})
		}
		return Statement(w, b, d)
	}
	return fmt.Errorf("pdfdoc: %q is not a generated document type", src.Type)
}

func portalLines(in []portal.OrderLine, priced bool) []Line {
	out := make([]Line, 0, len(in))
	for _, l := range in {
		line := Line{ProductCode: l.ProductCode, Description: l.Description, Quantity: l.Quantity, Unit: l.UOM,
			Dimensions: l.Dimensions, Grade: l.Grade, Heat: l.HeatNumber}
		if priced {
			line.UnitPrice, line.Total = l.UnitPrice, l.Total
		}
		out = append(out, line)
	}
	return out
}

func shipTo(o *portal.Order) Party {
	a := o.ShippingAddress
	if a == nil {
		return Party{}
	}
	city := strings.TrimSpace(strings.Join(nonEmpty(a.City, a.Region, a.PostalCode), " "))
	return Party{Name: a.Label, Lines: nonEmpty(a.Line1, a.Line2, city, a.Country)}
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
