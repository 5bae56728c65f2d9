package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
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
	p, err := s.CardPayments.PayInvoices(r.Context(), cur.user, portal.PayInvoicesInput{InvoiceIDs: in.InvoiceIDs})
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
