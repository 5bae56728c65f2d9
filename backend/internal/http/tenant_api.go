package http

import (
	"net/http"

	"example.com/portal/backend/api"
	"example.com/portal/tenants"
)

// handleTenantGet answers the tenant's public branding and settings.
func (s *Server) handleTenantGet(w http.ResponseWriter, r *http.Request) error {
	t, ok := tenants.FromContext(r.Context())
	if !ok {
		return errNotFound
	}
	return writeJSON(w, http.StatusOK, toAPITenant(t))
}

func toAPITenant(t *tenants.Tenant) api.Tenant {
	b, st := t.Branding, t.Settings
	out := api.Tenant{
		Slug: t.Slug, Name: t.Name, ShortName: b.ShortName, LogoURL: b.LogoURL,
		PrimaryColor: b.PrimaryColor, AccentColor: b.AccentColor,
		SupportEmail: b.SupportEmail, SupportPhone: b.SupportPhone,
		MFARequired: st.MFARequired, ChatEnabled: st.ChatEnabled, TimeZone: st.TimeZone, Currency: st.Currency,
		SelfRegistration: st.SelfRegistration,
		GuestCheckout:    st.GuestCheckout, // checkout (issue 8)
		QuotesMode:       st.QuotesMode,    // quotes feature
	}
	if t.SSO != nil {
		out.SSOLabel = t.SSO.ButtonLabel // only the label: never the issuer, client id or secret's name
	}
	return out
}
