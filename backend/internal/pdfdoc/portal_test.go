package pdfdoc

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

func portalOrder() *portal.Order {
	ship := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	o := &portal.Order{
		OrderSummary: portal.OrderSummary{ID: "o1", OrderNumber: "SO-4242", PONumber: "PO-9", OrderDate: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Total: usd(27500)},
		Lines: []portal.OrderLine{
			{LineNo: 1, ProductCode: "PL-A36", Description: "A36 plate 1/2in", Quantity: "2", UOM: "ea", UnitPrice: usd(10000), Total: usd(20000), HeatNumber: "H77"},
			{LineNo: 2, ProductCode: "RB-304", Description: "Round bar 304", Quantity: "12.5", UOM: "ft", UnitPrice: usd(400), Total: usd(5000)},
		},
		Subtotal: usd(25000), Freight: usd(1500), Tax: usd(1000),
		ShippingAddress: &portal.Address{Label: "Dock 4", Line1: "1 Mill Rd", City: "Joliet", Region: "IL", PostalCode: "60436", Country: "US"},
	}
	o.Shipments = []portal.Shipment{{ID: "s1", ShipmentNumber: "SH-77", Carrier: "UPS", TrackingNumber: "1Z42", ShipDate: &ship,
		Lines: []portal.ShipmentLine{{LineNo: 1, Description: "A36 plate 1/2in", Quantity: "2", UOM: "ea"}}}}
	return o
}

// TestRendererFromPortalTypes renders the three generated types from the
// portal's own data and reads the text back.
func TestRendererFromPortalTypes(t *testing.T) {
	tn := &tenants.Tenant{Name: "Acme Metals", Branding: tenants.Branding{PrimaryColor: "#aa0000", SupportEmail: "help@acme.example"}}
	o := portalOrder()
	cust := portal.DocumentCustomer{Name: "Lakeshore Fab", AccountNumber: "AM-1", PaymentTerms: "NET30"}
	render := func(src *portal.DocumentSource) string {
		t.Helper()
		var buf bytes.Buffer
		if err := (Renderer{}).Render(&buf, tn, src); err != nil {
			t.Fatal(err)
		}
		return all(pages(t, buf.Bytes()))
	}
	inv := &portal.InvoiceDetail{Invoice: portal.Invoice{InvoiceNumber: "100234", InvoiceDate: o.OrderDate, DueDate: o.OrderDate.AddDate(0, 0, 30),
		Total: usd(27500), AmountPaid: usd(7500), AmountDue: usd(20000)}, Subtotal: usd(25000), Tax: usd(1000)}
	text := render(&portal.DocumentSource{Type: "invoice", Customer: cust, Order: o, Invoice: inv})
	mustContain(t, text, "100234", "SO-4242", "PO-9", "Lakeshore Fab", "AM-1", "NET30", "A36 plate 1/2in", "Round bar 304",
		"$250.00", "$15.00", "$10.00", "$275.00", "$75.00", "$200.00", "Dock 4", "Joliet IL 60436", "Acme Metals")

	text = render(&portal.DocumentSource{Type: "order_confirmation", Customer: cust, Order: o})
	mustContain(t, text, "SO-4242", "A36 plate 1/2in", "Round bar 304", "$275.00")

	text = render(&portal.DocumentSource{Type: "packing_slip", Customer: cust, Order: o, Shipment: &o.Shipments[0]})
	mustContain(t, text, "SH-77", "SO-4242", "UPS", "1Z42", "A36 plate 1/2in", "H77")
	for _, absent := range []string{"Round bar 304", "$100.00"} {
		if strings.Contains(text, absent) {
			t.Errorf("packing slip shows %q (not in the shipment / no prices)", absent)
		}
	}

	text = render(&portal.DocumentSource{Type: "credit_memo", Customer: cust, Order: o, CreditNote: &portal.CreditNote{
		Number: "CN-77", InvoiceNumber: "100234", IssueDate: o.OrderDate, Amount: usd(2500), Reason: "Short shipment"}})
	mustContain(t, text, "CN-77", "100234", "Short shipment", "$25.00", "Lakeshore Fab")

	if err := (Renderer{}).Render(&bytes.Buffer{}, tn, &portal.DocumentSource{Type: "mtr"}); err == nil {
		t.Error("an uploaded type rendered")
	}
}
