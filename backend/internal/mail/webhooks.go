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

var _ portal.WebhookNotifier = (*Notifier)(nil)

// SendWebhookDisabled tells the tenant's admins (to) that the portal turned
// the webhook endpoint ep off, why, and where to turn it back on and send
// the missed events again. Plain text, like the other staff notices.
func (n *Notifier) SendWebhookDisabled(ctx context.Context, t *tenants.Tenant, baseURL string, to []string, ep portal.WebhookEndpoint) error {
	if len(to) == 0 {
		return errors.New("mail: webhook disabled: no recipients")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The %s customer portal turned off one of your webhook endpoints:\n\n", t.Name)
	fmt.Fprintf(&b, "Endpoint: %s\n", ep.URL)
	if ep.Description != "" {
		fmt.Fprintf(&b, "Description: %s\n", ep.Description)
	}
	fmt.Fprintf(&b, "Reason: %s\n\n", ep.DisabledReason)
	b.WriteString("No more events are sent to it. Events keep being recorded: once the receiver works again, " +
		"turn the endpoint back on and send the missed ones again (replay a time range) at\n")
	fmt.Fprintf(&b, "%s%s\n", baseURL, api.PageStaffIntegrations)
	return n.Sender.Send(ctx, Message{To: to, Subject: "Webhook endpoint turned off: " + ep.URL, Text: b.String(), Tenant: t})
}
