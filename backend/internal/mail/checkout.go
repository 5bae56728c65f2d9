package mail

import (
	"context"
	"fmt"
	"strings"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.CheckoutMailer = (*Notifier)(nil)

// SendGuestOrderConfirmation confirms a guest's order (spec 002 "Guest
// Checkout": a guest has no order history, so the e-mail is the record):
// plain text, with the number, total and estimated ship date.
func (n *Notifier) SendGuestOrderConfirmation(ctx context.Context, t *tenants.Tenant, baseURL string, to portal.GuestContact, r portal.CheckoutResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nThank you for your order with %s.\n\n", to.Name, t.Name)
	fmt.Fprintf(&b, "Order number: %s\n", r.OrderNumber)
	if r.PONumber != "" {
		fmt.Fprintf(&b, "PO number: %s\n", r.PONumber)
	}
	fmt.Fprintf(&b, "Total: %s %s\n", formatMinor(r.Total.Amount), r.Total.Currency)
	fmt.Fprintf(&b, "Shipping: %s\n", portal.ShippingMethodLabel(r.ShippingMethod))
	fmt.Fprintf(&b, "Estimated ship date: %s\n\n", r.EstimatedShipDate.Format("January 2, 2006"))
	b.WriteString("We review every order and will confirm it, with freight and tax, by e-mail.\n")
	if t.Branding.SupportEmail != "" {
		fmt.Fprintf(&b, "Questions? Write to %s.\n", t.Branding.SupportEmail)
	}
	return n.Sender.Send(ctx, Message{To: []string{to.Email}, Subject: "Your order " + r.OrderNumber + " with " + t.Name,
		Text: b.String(), Tenant: t})
}

// formatMinor renders minor units with two decimals (12345 → 123.45).
func formatMinor(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}
