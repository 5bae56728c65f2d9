package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.OnboardingMailer = (*Notifier)(nil)

// SendAccessRequestReceived acknowledges req to the requester and tells the
// tenant's support address (if it has one) that a request waits in the
// staff queue. Both are attempted; errors are joined.
func (n *Notifier) SendAccessRequestReceived(ctx context.Context, t *tenants.Tenant, baseURL string, req portal.AccessRequest) error {
	subject, text, html, err := Render(KindAccessRequestReceived, AccessRequestReceived{
		Base: Base{BaseURL: baseURL, RecipientName: req.ContactName}, CompanyName: req.CompanyName,
	}, t)
	if err != nil {
		return err
	}
	errAck := n.Sender.Send(ctx, Message{To: []string{req.Email}, Subject: subject, Text: text, HTML: html, Tenant: t})
	var errStaff error
	if to := t.Branding.SupportEmail; to != "" {
		// Plain text for the staff: what was asked and where to decide.
		var b strings.Builder
		fmt.Fprintf(&b, "A new request for access to the %s customer portal waits for a decision.\n\n", t.Name)
		for _, f := range [][2]string{{"Company", req.CompanyName}, {"Contact", req.ContactName}, {"E-mail", req.Email},
			{"Phone", req.Phone}, {"Account number", req.AccountNumber}} {
			if f[1] != "" {
				fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
			}
		}
		fmt.Fprintf(&b, "\nReview it at %s%s\n", baseURL, api.PageStaffAccessRequests)
		errStaff = n.Sender.Send(ctx, Message{To: []string{to}, Subject: "New portal access request: " + req.CompanyName,
			Text: b.String(), ReplyTo: req.Email, Tenant: t})
	}
	return errors.Join(errAck, errStaff)
}

// SendAccessRequestRejected tells the requester that req was rejected, with
// the reviewer's reason if one was given.
func (n *Notifier) SendAccessRequestRejected(ctx context.Context, t *tenants.Tenant, baseURL string, req portal.AccessRequest) error {
	subject, text, html, err := Render(KindAccessRequestRejected, AccessRequestRejected{
		Base: Base{BaseURL: baseURL, RecipientName: req.ContactName}, CompanyName: req.CompanyName, Reason: req.Reason,
	}, t)
	if err != nil {
		return err
	}
	return n.Sender.Send(ctx, Message{To: []string{req.Email}, Subject: subject, Text: text, HTML: html, Tenant: t})
}
