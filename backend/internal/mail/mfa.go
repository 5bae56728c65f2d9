package mail

import (
	"context"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// SendMFACode mails u the verification code of their pending sign-in.
func (n *Notifier) SendMFACode(ctx context.Context, t *tenants.Tenant, baseURL string, u portal.User, code string) error {
	subject, text, html, err := Render(KindMFACode, MFACode{
		Base: Base{BaseURL: baseURL, RecipientName: u.Name}, Code: code, Expires: portal.MFACodeLifetime,
	}, t)
	if err != nil {
		return err
	}
	return n.Sender.Send(ctx, Message{To: []string{u.Email}, Subject: subject, Text: text, HTML: html, Tenant: t})
}
