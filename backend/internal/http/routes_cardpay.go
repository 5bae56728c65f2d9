package http

import (
	"errors"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// cardPaymentRoutes are paying invoices by card.
func (s *Server) cardPaymentRoutes(r chi.Router) {
	s.api(r, "POST", api.PathCardPayments, needs(policies.InvoicesPay), s.handleCardPaymentCreate)
}

// handleCardPaymentCreate starts (or resumes) paying the chosen invoices.
func (s *Server) handleCardPaymentCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.CardPaymentRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if s.CardPayments == nil || s.StripePublishableKey == "" {
		return portal.Errorf(portal.EFORBIDDEN, "This portal does not take card payments.")
	}
	cur, _ := userFrom(r.Context())
	p, err := s.CardPayments.PayInvoices(r.Context(), cur.user, portal.PayInvoicesInput{InvoiceIDs: in.InvoiceIDs,
		PaymentMethodID: in.PaymentMethodID})
	if err != nil {
		return err
	}
	out := api.CardPayment{ID: p.AttemptID, PaymentIntentID: p.PaymentIntentID, ClientSecret: p.ClientSecret,
		PublishableKey: s.StripePublishableKey, StripeAccount: p.StripeAccount, Amount: toAPIMoney(p.Amount), Status: p.Status,
		Invoices: make([]api.InvoiceSummary, 0, len(p.Invoices))}
	for _, i := range p.Invoices {
		out.Invoices = append(out.Invoices, toAPIInvoiceSummary(i))
	}
	return writePrivateJSON(w, out)
}

func toAPIInvoiceSummary(i portal.InvoiceSummary) api.InvoiceSummary {
	return api.InvoiceSummary{ID: i.ID, InvoiceNumber: i.InvoiceNumber, OrderID: i.OrderID, OrderNumber: i.OrderNumber,
		InvoiceDate: apiDate(i.InvoiceDate), DueDate: apiDate(i.DueDate), Status: i.Status, Total: toAPIMoney(i.Total),
		AmountDue: toAPIMoney(i.AmountDue)}
}

// PathStripeWebhook receives Stripe's events for every connected account.
// It is the platform's, not a tenant's: it answers on any host, like the
// health endpoints, and the event's account names the tenant. The
// Stripe-Signature header is its only authentication.
const PathStripeWebhook = "/stripe/webhook"

// maxWebhookBody bounds a Stripe event; theirs are a few kilobytes.
const maxWebhookBody = 256 << 10

// handleStripeWebhook applies one Stripe event. 400 for a bad signature
// (Stripe shows it to the operator), 200 once applied or when it is about
// no tenant of ours, 500 on a failure, which Stripe retries.
func (s *Server) handleStripeWebhook(w http.ResponseWriter, r *http.Request) error {
	if s.ParseCardEvent == nil || s.CardEvents == nil {
		return errNotFound
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		return portal.Errorf(portal.EINVALID, "The event could not be read.")
	}
	ev, err := s.ParseCardEvent(body, r.Header.Get("Stripe-Signature"))
	if err != nil {
		if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
			return portal.Errorf(portal.EINVALID, "The Stripe-Signature does not verify.")
		}
		return err
	}
	if ev.Account != "" {
		tn, err := s.Tenants.FindTenantByStripeAccount(r.Context(), ev.Account)
		switch {
		case errors.Is(err, portal.ErrTenantNotFound):
			s.Logger.WarnContext(r.Context(), "stripe event for an unknown account", "event", ev.ID, "type", ev.Type, "account", ev.Account)
		case err != nil:
			return err
		default:
			if err := s.CardEvents.ApplyCardEvent(tenants.NewContext(r.Context(), tn), *ev); err != nil {
				return err
			}
		}
	}
	return writeJSON(w, http.StatusOK, map[string]bool{"received": true})
}
