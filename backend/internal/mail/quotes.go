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
		fmt.Fprintf(&b, "Total: %s\nValid until: %s\n", formatMinor(*q.Total), q.ValidUntil.Format(time.DateOnly))
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

// formatMinor writes an amount of two minor digits with its currency code,
// e.g. "USD 1,234.50".
func formatMinor(m portal.Money) string {
	sign, a := "", m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	whole := fmt.Sprint(a / 100)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s %s%s.%02d", m.Currency, sign, whole, a%100)
}
