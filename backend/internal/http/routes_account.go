package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
)

// accountRoutes registers the routes of the signed-in user's profile, their
// customer's addresses and their notification preferences.
func (s *Server) accountRoutes(r chi.Router) {
	s.api(r, "GET", api.PathMyProfile, needs(policies.ProfileRead), s.handleProfileGet)
	s.api(r, "PATCH", api.PathMyProfile, needs(policies.ProfileUpdate), s.handleProfileUpdate)
	s.api(r, "GET", api.PathMyNotifications, needs(policies.NotificationsManage), s.handleNotificationsGet)
	s.api(r, "PUT", api.PathMyNotifications, needs(policies.NotificationsManage), s.handleNotificationsSet)
	s.api(r, "GET", api.PathAddresses, needs(policies.AddressesRead), s.handleAddressList)
	s.api(r, "POST", api.PathAddresses, needs(policies.AddressesManage), s.handleAddressCreate)
	s.api(r, "PUT", api.PathAddresses+"/{id}", needs(policies.AddressesManage), s.handleAddressUpdate)
	s.api(r, "DELETE", api.PathAddresses+"/{id}", needs(policies.AddressesManage), s.handleAddressDelete)
	s.api(r, "POST", api.PathAddresses+"/{id}/default", needs(policies.AddressesManage), s.handleAddressSetDefault)
}

func toAPIProfile(p *portal.Profile) api.Profile {
	out := api.Profile{Email: p.Email, Name: p.Name, Phone: p.Phone, Role: p.Role}
	if c := p.Company; c != nil {
		out.Company = &api.Company{Name: c.Name, AccountNumber: c.AccountNumber, Type: c.Type, PaymentTerms: c.PaymentTerms,
			Email: c.Email, Phone: c.Phone}
	}
	return out
}

func toAPIAddress(a *portal.Address) api.Address {
	return api.Address{ID: a.ID, Kind: a.Kind, Label: a.Label, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, Country: a.Country, IsDefault: a.IsDefault}
}

func toAPINotifications(list []portal.NotificationPreference) []api.NotificationPreference {
	out := make([]api.NotificationPreference, 0, len(list))
	for _, p := range list {
		out = append(out, api.NotificationPreference{Kind: p.Kind, Email: p.Email})
	}
	return out
}

// handleProfileGet answers the signed-in user's profile.
func (s *Server) handleProfileGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	p, err := s.Account.Profile(r.Context(), cur.user)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, toAPIProfile(p))
}

// handleProfileUpdate changes the signed-in user's name or phone.
func (s *Server) handleProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	var in api.ProfileUpdate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	p, err := s.Account.UpdateProfile(r.Context(), cur.user, portal.ProfileUpdate{Name: in.Name, Phone: in.Phone})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIProfile(p))
}

// handleNotificationsGet lists the user's notification preferences.
func (s *Server) handleNotificationsGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Account.NotificationPreferences(r.Context(), cur.user)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, toAPINotifications(list))
}

// handleNotificationsSet stores some of the user's preferences.
func (s *Server) handleNotificationsSet(w http.ResponseWriter, r *http.Request) error {
	var in api.NotificationPreferences
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	prefs := make([]portal.NotificationPreference, 0, len(in.Preferences))
	for _, p := range in.Preferences {
		prefs = append(prefs, portal.NotificationPreference{Kind: p.Kind, Email: p.Email})
	}
	cur, _ := userFrom(r.Context())
	list, err := s.Account.SetNotificationPreferences(r.Context(), cur.user, prefs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPINotifications(list))
}

// handleAddressList lists the customer account's addresses.
func (s *Server) handleAddressList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Account.Addresses(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := make([]api.Address, 0, len(list))
	for i := range list {
		out = append(out, toAPIAddress(&list[i]))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

func decodeAddress(w http.ResponseWriter, r *http.Request) (portal.AddressInput, error) {
	var in api.AddressInput
	err := decodeJSON(w, r, &in)
	return portal.AddressInput{Kind: in.Kind, Label: in.Label, Line1: in.Line1, Line2: in.Line2, City: in.City, Region: in.Region,
		PostalCode: in.PostalCode, Country: in.Country, IsDefault: in.IsDefault}, err
}

// handleAddressCreate adds an address to the customer account.
func (s *Server) handleAddressCreate(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeAddress(w, r)
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	a, err := s.Account.CreateAddress(r.Context(), cur.user, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAPIAddress(a))
}

// handleAddressUpdate replaces one of the account's addresses.
func (s *Server) handleAddressUpdate(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeAddress(w, r)
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	a, err := s.Account.UpdateAddress(r.Context(), cur.user, chi.URLParam(r, "id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIAddress(a))
}

// handleAddressSetDefault makes an address the default of its kind.
func (s *Server) handleAddressSetDefault(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	a, err := s.Account.SetDefaultAddress(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIAddress(a))
}

// handleAddressDelete removes one of the account's addresses.
func (s *Server) handleAddressDelete(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.Account.DeleteAddress(r.Context(), cur.user, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
