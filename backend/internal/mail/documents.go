package mail

import (
	"context"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// SendDocument mails d (its content attached) from sender to the
// recipients; replies go to the sender.
func (n *Notifier) SendDocument(ctx context.Context, t *tenants.Tenant, baseURL string, sender portal.User, company string,
	to []string, d portal.Document, content []byte, note string) error {
	subject, text, html, err := Render(KindDocumentShared, DocumentShared{
		Base: Base{BaseURL: baseURL}, SenderName: sender.Name, SenderEmail: sender.Email, CompanyName: company,
		DocumentName: d.Name, DocumentType: portal.DocumentTypes[d.Type].Label, Note: note,
	}, t)
	if err != nil {
		return err
	}
	return n.Sender.Send(ctx, Message{To: to, Subject: subject, Text: text, HTML: html, Tenant: t, ReplyTo: sender.Email,
		Attachments: []Attachment{{Name: d.Name, ContentType: d.ContentType, Data: content}}})
}
