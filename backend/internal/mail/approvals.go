package mail

import (
	"context"
	"fmt"
	"strings"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.ApprovalMailer = (*Notifier)(nil)

// SendApprovalRequested tells the account's Admins (n.To) that an order
// waits for their approval, with where to decide. Plain text: a notice
// between colleagues of one account, like the staff's access request
// notice.
func (n *Notifier) SendApprovalRequested(ctx context.Context, t *tenants.Tenant, baseURL string, a portal.ApprovalNotice) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s placed order %s for %s in the %s portal. It is above your approval limit of %s and waits for an Admin's approval.\n\n",
		a.RequestedBy, a.OrderNumber, money(a.Total), t.Name, money(a.Threshold))
	if a.PONumber != "" {
		fmt.Fprintf(&b, "PO number: %s\n", a.PONumber)
	}
	fmt.Fprintf(&b, "Lines: %d\n\nApprove or reject it at %s%s\n", a.LineCount, baseURL, api.PageApprovals)
	return n.Sender.Send(ctx, Message{To: a.To, Subject: "Order " + a.OrderNumber + " awaits your approval", Text: b.String(), Tenant: t})
}

// SendApprovalDecided tells the requester (n.To) that their order was
// approved (and went to the distributor) or rejected, with the comment.
func (n *Notifier) SendApprovalDecided(ctx context.Context, t *tenants.Tenant, baseURL string, a portal.ApprovalNotice) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Your order %s for %s was %s by %s.\n", a.OrderNumber, money(a.Total), a.Status, a.DecidedBy)
	if a.Comment != "" {
		fmt.Fprintf(&b, "\nComment: %s\n", a.Comment)
	}
	if a.Status == portal.ApprovalApproved {
		b.WriteString("\nIt has been sent to us for confirmation.\n")
	}
	fmt.Fprintf(&b, "\nSee the order at %s%s/%s\n", baseURL, api.PageOrders, a.OrderID)
	return n.Sender.Send(ctx, Message{To: a.To, Subject: "Order " + a.OrderNumber + " " + a.Status, Text: b.String(), Tenant: t})
}

// money is an amount as a mail shows it: "$1,234.50", or "1234.50 EUR".
func money(m portal.Money) string {
	whole, cents := m.Amount/100, m.Amount%100
	if cents < 0 {
		cents = -cents
	}
	s := fmt.Sprintf("%d", whole)
	if m.Currency != "USD" {
		return fmt.Sprintf("%s.%02d %s", s, cents, m.Currency)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && r != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("$%s.%02d", b.String(), cents)
}
