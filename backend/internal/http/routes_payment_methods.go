package http

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// paymentMethodRoutes are the account's saved cards.
func (s *Server) paymentMethodRoutes(r chi.Router) {
	s.api(r, "GET", api.PathPaymentMethods, needs(policies.PaymentMethodsRead), s.handlePaymentMethodList)
	s.api(r, "POST", api.PathCardSetups, needs(policies.PaymentMethodsManage), s.handleCardSetupCreate)
	s.api(r, "POST", api.PathPaymentMethods+"/{id}/default", needs(policies.PaymentMethodsManage), s.handlePaymentMethodDefault)
	s.api(r, "DELETE", api.PathPaymentMethods+"/{id}", needs(policies.PaymentMethodsManage), s.handlePaymentMethodDelete)
}

// cardsAvailable is whether the tenant takes (and so saves) cards here.
func (s *Server) cardsAvailable(r *http.Request) bool {
	t, ok := tenants.FromContext(r.Context())
	return ok && s.PaymentMethods != nil && s.StripePublishableKey != "" && t.Settings.StripeAccount != ""
}

func (s *Server) handlePaymentMethodList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	t, _ := tenants.FromContext(r.Context())
	out := api.PaymentMethodList{PaymentMethods: []api.PaymentMethod{}, Available: s.cardsAvailable(r)}
	out.CanManage = out.Available && s.Authz != nil && s.Authz.Allowed(t.ID, cur.user.Role, policies.PaymentMethodsManage)
	if s.PaymentMethods == nil {
		return writePrivateJSON(w, out)
	}
	list, err := s.PaymentMethods.FindPaymentMethods(r.Context(), cur.user)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, m := range list {
		out.PaymentMethods = append(out.PaymentMethods, api.PaymentMethod{ID: m.ID, Brand: m.Brand, Last4: m.Last4,
			ExpMonth: m.ExpMonth, ExpYear: m.ExpYear, Expired: m.Expired(now), Default: m.Default})
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleCardSetupCreate(w http.ResponseWriter, r *http.Request) error {
	if !s.cardsAvailable(r) {
		return portal.Errorf(portal.EFORBIDDEN, "This portal does not take card payments.")
	}
	cur, _ := userFrom(r.Context())
	su, err := s.PaymentMethods.StartCardSetup(r.Context(), cur.user)
	if err != nil {
		return err
	}
	return writePrivateJSON(w, api.CardSetup{SetupIntentID: su.SetupIntentID, ClientSecret: su.ClientSecret,
		PublishableKey: s.StripePublishableKey, StripeAccount: su.StripeAccount})
}

func (s *Server) handlePaymentMethodDefault(w http.ResponseWriter, r *http.Request) error {
	if s.PaymentMethods == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	if err := s.PaymentMethods.SetDefaultPaymentMethod(r.Context(), cur.user, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handlePaymentMethodDelete(w http.ResponseWriter, r *http.Request) error {
	if s.PaymentMethods == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	if err := s.PaymentMethods.RemovePaymentMethod(r.Context(), cur.user, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
