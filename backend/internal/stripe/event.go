package stripe

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	sg "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"example.com/portal/backend/internal/portal"
)

// ErrSignature is the error of a webhook whose signature does not verify
// (tampered, stale, or signed with another secret).
var ErrSignature = portal.Errorf(portal.EUNAUTHORIZED, "The webhook signature does not verify.")

// ParseEvent verifies a webhook's Stripe-Signature header with the
// endpoint's secret and returns the event as the portal applies it.
//
// Stripe-go v76 would refuse events of an API version other than its own
// (2023-10-16); the fields read here are the same in later versions, so the
// check is relaxed. The timestamp must be within stripe-go's default
// tolerance (5 minutes).
func ParseEvent(payload []byte, header, secret string) (*portal.CardEvent, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, header, secret, webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return nil, fmt.Errorf("stripe: webhook: %v: %w", err, ErrSignature)
	}
	out := &portal.CardEvent{ID: ev.ID, Type: string(ev.Type), Account: ev.Account, Created: time.Unix(ev.Created, 0).UTC()}
	if ev.Data == nil {
		return out, nil
	}
	switch {
	case strings.HasPrefix(out.Type, "payment_intent."):
		var pi sg.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return nil, portal.Errorf(portal.EINVALID, "The event's payment intent cannot be read.")
		}
		out.PaymentIntentID, out.IntentStatus = pi.ID, string(pi.Status)
		out.AmountReceived = portal.Money{Amount: pi.AmountReceived, Currency: strings.ToUpper(string(pi.Currency))}
	case out.Type == "charge.refunded":
		var ch sg.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return nil, portal.Errorf(portal.EINVALID, "The event's charge cannot be read.")
		}
		if ch.PaymentIntent != nil {
			out.PaymentIntentID = ch.PaymentIntent.ID
		}
		out.AmountRefunded = portal.Money{Amount: ch.AmountRefunded, Currency: strings.ToUpper(string(ch.Currency))}
	case strings.HasPrefix(out.Type, "setup_intent."):
		var si sg.SetupIntent
		if err := json.Unmarshal(ev.Data.Raw, &si); err != nil {
			return nil, portal.Errorf(portal.EINVALID, "The event's setup intent cannot be read.")
		}
		out.SetupIntentID = si.ID
		if si.Customer != nil {
			out.Customer = si.Customer.ID
		}
		if si.PaymentMethod != nil {
			out.PaymentMethodID = si.PaymentMethod.ID
		}
	case strings.HasPrefix(out.Type, "payment_method."):
		var pm sg.PaymentMethod
		if err := json.Unmarshal(ev.Data.Raw, &pm); err != nil {
			return nil, portal.Errorf(portal.EINVALID, "The event's payment method cannot be read.")
		}
		out.PaymentMethodID = pm.ID
		if pm.Customer != nil {
			out.Customer = pm.Customer.ID
		}
	}
	return out, nil
}
