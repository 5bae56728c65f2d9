package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var _ portal.QuoteMailer = (*Notifier)(nil)

// SendQuoteResponded tells each recipient that quote q was priced: its
// number, total, validity, and where to review and accept it (the quote
// PDF is on the portal's documents screen). Each is mailed on its own;
// errors are joined.
func (n *Notifier) SendQuoteResponded(ctx context.Context, t *tenants.Tenant, baseURL string, to []portal.QuoteRecipient, q *portal.Quote) error {
	if q.Total == nil || q.ValidUntil == nil {
		return fmt.Errorf("mail: quote %s is not priced", q.Number)
	}
	var errs []error
	for _, r := range to {
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\nyour quote %s from %s is ready.\n\n", r.Name, q.Number, t.Name)
		fmt.Fprintf(&b, "Total: %s\nValid until: %s\n", q.Total.Currency+" "+formatMinor(q.Total.Amount), q.ValidUntil.Format(time.DateOnly))
		if q.ResponseNotes != "" {
			fmt.Fprintf(&b, "\nNotes from %s:\n%s\n", t.Name, q.ResponseNotes)
		}
		fmt.Fprintf(&b, "\nReview and accept it at %s%s/%s\nThe quote PDF is in your documents: %s%s\n",
			baseURL, api.PageQuotes, q.ID, baseURL, api.PageDocuments)
		errs = append(errs, n.Sender.Send(ctx, Message{To: []string{r.Email}, Subject: "Your quote " + q.Number + " is ready",
			Text: b.String(), Tenant: t}))
	}
	return errors.Join(errs...)
}
