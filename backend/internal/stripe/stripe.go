// Package stripe is the card processor: Stripe Connect through
// github.com/stripe/stripe-go/v76 (API version 2023-10-16, which that major
// pins). Every call carries the tenant's connected account in the
// Stripe-Account header. It implements portal.CardGateway; nothing else in
// the server imports stripe-go, so a later major upgrade touches only this
// package.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	sg "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"example.com/portal/backend/internal/portal"
)

// Config is the platform's Stripe configuration.
type Config struct {
	SecretKey string // the platform's sk_…; configuration, never logged
	// APIURL overrides Stripe's API address (stripe-mock in tests).
	APIURL string
	// HTTPClient, when set, carries the requests (tests record them).
	HTTPClient *http.Client
}

// Gateway implements portal.CardGateway.
type Gateway struct {
	api *client.API
}

// New returns a gateway. Stripe's own retries are off: a caller's
// idempotency key makes its retry safe, and a failure should reach the
// caller now rather than after seconds of backoff.
func New(cfg Config) (*Gateway, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripe: no secret key")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	bc := &sg.BackendConfig{
		HTTPClient:        hc,
		MaxNetworkRetries: sg.Int64(0),
		// stripe-go's default logger prints failed requests; errors reach
		// the caller and are logged there, without request details.
		LeveledLogger: &sg.LeveledLogger{Level: sg.LevelNull},
	}
	if cfg.APIURL != "" {
		bc.URL = sg.String(cfg.APIURL)
	}
	backends := &sg.Backends{
		API:     sg.GetBackendWithConfig(sg.APIBackend, bc),
		Connect: sg.GetBackendWithConfig(sg.ConnectBackend, bc),
		Uploads: sg.GetBackendWithConfig(sg.UploadsBackend, bc),
	}
	return &Gateway{api: client.New(cfg.SecretKey, backends)}, nil
}

// CreateIntent implements portal.CardGateway.
func (g *Gateway) CreateIntent(ctx context.Context, in portal.IntentInput) (*portal.Intent, error) {
	p := &sg.PaymentIntentParams{
		Amount:      sg.Int64(in.Amount.Amount),
		Currency:    sg.String(strings.ToLower(in.Amount.Currency)),
		Description: sg.String(in.Description),
	}
	if in.PaymentMethod != "" {
		// A saved card, confirmed by the server with ConfirmIntent: cards
		// only, so no redirect (and no return URL) can be needed.
		p.Customer, p.PaymentMethod = sg.String(in.Customer), sg.String(in.PaymentMethod)
		p.PaymentMethodTypes = []*string{sg.String("card")}
	} else {
		p.AutomaticPaymentMethods = &sg.PaymentIntentAutomaticPaymentMethodsParams{Enabled: sg.Bool(true)}
	}
	p.Context = ctx
	p.SetStripeAccount(in.Account)
	p.SetIdempotencyKey(in.IdempotencyKey)
	for k, v := range in.Metadata {
		p.AddMetadata(k, v)
	}
	pi, err := g.api.PaymentIntents.New(p)
	if err != nil {
		return nil, wrap("create payment intent", err)
	}
	return intent(pi), nil
}

// ConfirmIntent implements portal.CardGateway. 3-D Secure, when the bank
// asks for it, comes back as requires_action, for Stripe.js.
func (g *Gateway) ConfirmIntent(ctx context.Context, account, id, idempotencyKey string) (*portal.Intent, error) {
	p := &sg.PaymentIntentConfirmParams{}
	p.Context = ctx
	p.SetStripeAccount(account)
	p.SetIdempotencyKey(idempotencyKey)
	pi, err := g.api.PaymentIntents.Confirm(id, p)
	var se *sg.Error
	if errors.As(err, &se) && se.Type == sg.ErrorTypeCard && se.PaymentIntent != nil {
		// Declined: Stripe answers 402 with the intent, which is the
		// customer's answer, not a failure.
		out := intent(se.PaymentIntent)
		out.Declined = true
		return out, nil
	}
	if err != nil {
		return nil, wrap("confirm payment intent", err)
	}
	return intent(pi), nil
}

// GetIntent implements portal.CardGateway.
func (g *Gateway) GetIntent(ctx context.Context, account, id string) (*portal.Intent, error) {
	p := &sg.PaymentIntentParams{}
	p.Context = ctx
	p.SetStripeAccount(account)
	pi, err := g.api.PaymentIntents.Get(id, p)
	if err != nil {
		return nil, wrap("get payment intent", err)
	}
	return intent(pi), nil
}

// CancelIntent implements portal.CardGateway.
func (g *Gateway) CancelIntent(ctx context.Context, account, id string) error {
	p := &sg.PaymentIntentCancelParams{}
	p.Context = ctx
	p.SetStripeAccount(account)
	if _, err := g.api.PaymentIntents.Cancel(id, p); err != nil {
		return wrap("cancel payment intent", err)
	}
	return nil
}

// CreateCustomer implements portal.CardSaver.
func (g *Gateway) CreateCustomer(ctx context.Context, in portal.StripeCustomerInput) (string, error) {
	p := &sg.CustomerParams{Name: sg.String(in.Name)}
	p.Context = ctx
	p.SetStripeAccount(in.Account)
	p.SetIdempotencyKey(in.IdempotencyKey)
	for k, v := range in.Metadata {
		p.AddMetadata(k, v)
	}
	c, err := g.api.Customers.New(p)
	if err != nil {
		return "", wrap("create customer", err)
	}
	return c.ID, nil
}

// CreateSetup implements portal.CardSaver: a SetupIntent for a card the
// customer will use again while present (usage on_session), attached to
// the customer when it succeeds.
func (g *Gateway) CreateSetup(ctx context.Context, in portal.SetupInput) (*portal.Setup, error) {
	p := &sg.SetupIntentParams{Customer: sg.String(in.Customer), Usage: sg.String("on_session"),
		PaymentMethodTypes: []*string{sg.String("card")}}
	p.Context = ctx
	p.SetStripeAccount(in.Account)
	p.SetIdempotencyKey(in.IdempotencyKey)
	for k, v := range in.Metadata {
		p.AddMetadata(k, v)
	}
	si, err := g.api.SetupIntents.New(p)
	if err != nil {
		return nil, wrap("create setup intent", err)
	}
	return &portal.Setup{ID: si.ID, ClientSecret: si.ClientSecret, Status: string(si.Status)}, nil
}

// GetCard implements portal.CardSaver.
func (g *Gateway) GetCard(ctx context.Context, account, id string) (*portal.CardDetails, error) {
	p := &sg.PaymentMethodParams{}
	p.Context = ctx
	p.SetStripeAccount(account)
	pm, err := g.api.PaymentMethods.Get(id, p)
	if err != nil {
		return nil, wrap("get payment method", err)
	}
	return cardDetails(pm), nil
}

// DetachCard implements portal.CardSaver.
func (g *Gateway) DetachCard(ctx context.Context, account, id, idempotencyKey string) error {
	p := &sg.PaymentMethodDetachParams{}
	p.Context = ctx
	p.SetStripeAccount(account)
	p.SetIdempotencyKey(idempotencyKey)
	_, err := g.api.PaymentMethods.Detach(id, p)
	var se *sg.Error
	if errors.As(err, &se) && (se.Code == sg.ErrorCodeResourceMissing || se.Code == sg.ErrorCodePaymentMethodUnexpectedState) {
		// Gone, or no longer attached to a customer (detached in Stripe's
		// dashboard, say): what was asked for holds already.
		return nil
	}
	if err != nil {
		return wrap("detach payment method", err)
	}
	return nil
}

// SetDefaultCard implements portal.CardSaver.
func (g *Gateway) SetDefaultCard(ctx context.Context, account, customer, id, idempotencyKey string) error {
	p := &sg.CustomerParams{InvoiceSettings: &sg.CustomerInvoiceSettingsParams{DefaultPaymentMethod: sg.String(id)}}
	p.Context = ctx
	p.SetStripeAccount(account)
	p.SetIdempotencyKey(idempotencyKey)
	if _, err := g.api.Customers.Update(customer, p); err != nil {
		return wrap("set default payment method", err)
	}
	return nil
}

// cardDetails keeps of a PaymentMethod what the portal lists: never the
// card number, which Stripe does not send anyway.
func cardDetails(pm *sg.PaymentMethod) *portal.CardDetails {
	out := &portal.CardDetails{ID: pm.ID}
	if pm.Customer != nil {
		out.Customer = pm.Customer.ID
	}
	if pm.Card != nil {
		out.Brand, out.Last4 = string(pm.Card.Brand), pm.Card.Last4
		out.ExpMonth, out.ExpYear = int(pm.Card.ExpMonth), int(pm.Card.ExpYear)
	}
	return out
}

func intent(pi *sg.PaymentIntent) *portal.Intent {
	return &portal.Intent{ID: pi.ID, ClientSecret: pi.ClientSecret, Status: string(pi.Status),
		Amount: portal.Money{Amount: pi.Amount, Currency: strings.ToUpper(string(pi.Currency))}}
}

// wrap turns Stripe's failures into the domain's: Stripe unreachable or
// failing is EUNAVAILABLE (retry later); a request Stripe refuses is our
// bug or a setting of the tenant's (a wrong connected account), EINTERNAL
// with Stripe's message kept for the log.
func wrap(op string, err error) error {
	var se *sg.Error
	if errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 && se.HTTPStatusCode != http.StatusTooManyRequests {
		return fmt.Errorf("stripe: %s: %s (%s, request %s): %w", op, se.Msg, se.Type, se.RequestID,
			portal.Errorf(portal.EINTERNAL, "The card processor refused the request."))
	}
	return fmt.Errorf("stripe: %s: %v: %w", op, err, portal.Errorf(portal.EUNAVAILABLE, "Card payments are unavailable right now; try again in a minute."))
}
