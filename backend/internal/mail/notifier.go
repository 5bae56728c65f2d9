package mail

import (
	"context"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.Mailer = (*Notifier)(nil)

// Notifier renders and sends the portal's e-mails through a Sender.
type Notifier struct {
	Sender *Sender
}

// SendPasswordReset mails u the reset link.
func (n *Notifier) SendPasswordReset(ctx context.Context, t *tenants.Tenant, baseURL string, u portal.User, link string) error {
	subject, text, html, err := Render(KindPasswordReset, PasswordReset{
		Base: Base{BaseURL: baseURL, RecipientName: u.Name}, Link: link, Expires: portal.ResetTokenLifetime,
	}, t)
	if err != nil {
		return err
	}
	return n.Sender.Send(ctx, Message{To: []string{u.Email}, Subject: subject, Text: text, HTML: html, Tenant: t})
}

// SendInvitation mails u the invitation to inviter's customer account, or
// to the tenant's staff when inviter is staff.
func (n *Notifier) SendInvitation(ctx context.Context, t *tenants.Tenant, baseURL string, inviter portal.User, u portal.AccountUser, link string) error {
	company := inviter.CustomerName
	if inviter.Staff() {
		company = t.Name
	}
	subject, text, html, err := Render(KindInvitation, Invitation{
		Base: Base{BaseURL: baseURL, RecipientName: u.Name}, InviterName: inviter.Name, CompanyName: company,
		Role: u.Role, Link: link, Expires: portal.InvitationLifetime, Staff: inviter.Staff(),
	}, t)
	if err != nil {
		return err
	}
	return n.Sender.Send(ctx, Message{To: []string{u.Email}, Subject: subject, Text: text, HTML: html, Tenant: t})
}
