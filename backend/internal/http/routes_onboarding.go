package http

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// onboardingRoutes registers the routes of the request access, self-registration and the staff queue that approves them.
func (s *Server) onboardingRoutes(r chi.Router) {
	s.api(r, "POST", api.PathAccessRequests, public, s.handleAccessRequestCreate)
	s.api(r, "GET", api.PathAccessRequests, needs(policies.AccessRequestsApprove), s.handleAccessRequestList)
	s.api(r, "POST", api.PathAccessRequests+"/{id}/approve", needs(policies.AccessRequestsApprove), s.handleAccessRequestApprove)
	s.api(r, "POST", api.PathAccessRequests+"/{id}/reject", needs(policies.AccessRequestsApprove), s.handleAccessRequestReject)
	s.api(r, "POST", api.PathRegistration, public, s.handleSignUp)
	s.api(r, "GET", api.PathRegistration, needs(policies.ProfileRead), s.handleRegistrationGet)
	s.api(r, "PUT", api.PathRegistrationProfile, needs(policies.ProfileUpdate), s.handleRegistrationProfile)
	s.api(r, "GET", api.PathRegistrations, needs(policies.AccessRequestsApprove), s.handleRegistrationList)
	s.api(r, "POST", api.PathRegistrations+"/{id}/approve", needs(policies.AccessRequestsApprove), s.handleRegistrationApprove)
}

// accessRequestAccepted is the one answer to an access request, whether or
// not the address already has an account (no enumeration).
var accessRequestAccepted = api.Accepted{Detail: "Thank you. We have received your request and will answer by e-mail once it has been reviewed."}

// registrationOpen lists the routes a self-registered user may call before
// the registration is complete: who am I, and the registration itself.
var registrationOpen = map[string]bool{
	"GET " + api.PathMe:                  true,
	"GET " + api.PathRegistration:        true,
	"PUT " + api.PathRegistrationProfile: true,
}

// registrationGate answers 403 with the problem code profile_incomplete or
// pending_approval, and reports true, when u's self-registered customer is
// not usable yet and r is not one of the registration's own routes. It is
// the one place registration is enforced (called by authorize).
func (s *Server) registrationGate(w http.ResponseWriter, r *http.Request, u *portal.User) (bool, error) {
	if s.Onboarding == nil || u.Staff() || registrationOpen[r.Method+" "+r.URL.Path] {
		return false, nil
	}
	state, err := s.Onboarding.RegistrationState(r.Context(), u)
	if err != nil || state == portal.RegistrationComplete {
		return false, err
	}
	detail := map[string]string{
		portal.RegistrationProfileIncomplete: "Complete your profile first.",
		portal.RegistrationPendingApproval:   "Your registration is waiting for approval.",
	}[state]
	s.writeProblem(w, r, http.StatusForbidden, api.Problem{Title: "Forbidden", Code: state, Detail: detail})
	return true, nil
}

// handleAccessRequestCreate queues a visitor's access request and mails the
// acknowledgement in the background.
func (s *Server) handleAccessRequestCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.AccessRequestCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := s.Onboarding.RequestAccess(r.Context(), portal.AccessRequestInput{CompanyName: in.CompanyName,
		ContactName: in.ContactName, Email: in.Email, Phone: in.Phone, AccountNumber: in.AccountNumber, Client: clientOf(r)})
	if portal.ErrorCode(err) == portal.ERATELIMITED {
		w.Header().Set("Retry-After", strconv.Itoa(int(portal.AccessRequestWindow.Seconds())))
		s.writeProblem(w, r, http.StatusTooManyRequests, api.Problem{Title: "Too Many Requests", Code: api.CodeRateLimited,
			Detail: portal.ErrorMessage(err)})
		return nil
	}
	if err != nil {
		return err
	}
	t, _ := tenants.FromContext(r.Context())
	s.mailLater(r, "send access request received", func(ctx context.Context, base string) error {
		return s.OnboardingMail.SendAccessRequestReceived(ctx, t, base, *req)
	})
	return writeJSON(w, http.StatusAccepted, accessRequestAccepted)
}

// mailLater sends a mail after the response, logging a failure with the
// request id.
func (s *Server) mailLater(r *http.Request, what string, send func(ctx context.Context, base string) error) {
	t, _ := tenants.FromContext(r.Context())
	base, rid := originOf(r), RequestIDFrom(r.Context())
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := send(ctx, base); err != nil {
			s.Logger.Error(what, "request_id", rid, "tenant", t.Slug, "error", err.Error())
		}
	})
}

func toAPIAccessRequest(r portal.AccessRequest) api.AccessRequest {
	return api.AccessRequest{ID: r.ID, CompanyName: r.CompanyName, ContactName: r.ContactName, Email: r.Email, Phone: r.Phone,
		AccountNumber: r.AccountNumber, Status: r.Status, Reason: r.Reason, CustomerID: r.CustomerID, CustomerName: r.CustomerName,
		DecidedBy: r.DecidedBy, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt}
}

// handleAccessRequestList lists the staff queue, pending first.
func (s *Server) handleAccessRequestList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Onboarding.ListAccessRequests(r.Context(), cur.user, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := make([]api.AccessRequest, 0, len(list))
	for _, a := range list {
		out = append(out, toAPIAccessRequest(a))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// invitationLink is the set-password page with the invitation token in the
// fragment, which never reaches a server log.
func invitationLink(base, token string) string {
	return base + api.PageResetPassword + "#" + url.Values{"token": {token}, "invite": {"1"}}.Encode()
}

// handleAccessRequestApprove approves a request and mails the requester an
// invitation to set a password.
func (s *Server) handleAccessRequestApprove(w http.ResponseWriter, r *http.Request) error {
	var in api.AccessRequestApprove
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	a, err := s.Onboarding.ApproveAccessRequest(r.Context(), cur.user, chi.URLParam(r, "id"), portal.ApproveInput{
		CustomerID: in.CustomerID, AccountNumber: in.AccountNumber, NewCompanyName: in.NewCompanyName,
		NewAccountNumber: in.NewAccountNumber, Role: in.Role, Client: clientOf(r)})
	if err != nil {
		return err
	}
	t, _ := tenants.FromContext(r.Context())
	inviter := portal.User{Name: cur.user.Name, CustomerName: a.Request.CustomerName}
	s.mailLater(r, "send access request invitation", func(ctx context.Context, base string) error {
		return s.Mailer.SendInvitation(ctx, t, base, inviter, a.User, invitationLink(base, a.Token))
	})
	return writeJSON(w, http.StatusOK, toAPIAccessRequest(a.Request))
}

// handleAccessRequestReject rejects a request and tells the requester.
func (s *Server) handleAccessRequestReject(w http.ResponseWriter, r *http.Request) error {
	var in api.AccessRequestReject
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	req, err := s.Onboarding.RejectAccessRequest(r.Context(), cur.user, chi.URLParam(r, "id"), in.Reason, clientOf(r))
	if err != nil {
		return err
	}
	t, _ := tenants.FromContext(r.Context())
	s.mailLater(r, "send access request rejected", func(ctx context.Context, base string) error {
		return s.OnboardingMail.SendAccessRequestRejected(ctx, t, base, *req)
	})
	return writeJSON(w, http.StatusOK, toAPIAccessRequest(*req))
}

// handleSignUp self-registers a visitor where the tenant allows it, and
// signs them in; the PWA then asks for the profile.
func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) error {
	t, _ := tenants.FromContext(r.Context())
	if !t.Settings.SelfRegistration {
		return errNotFound
	}
	var in api.SignUp
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	token, sess, _, err := s.Onboarding.SignUp(r.Context(), portal.SignUpInput{Name: in.Name, Email: in.Email,
		Password: in.Password, Client: clientOf(r)})
	if portal.ErrorCode(err) == portal.ERATELIMITED {
		w.Header().Set("Retry-After", strconv.Itoa(int(portal.AccessRequestWindow.Seconds())))
	}
	if err != nil {
		return err
	}
	// Like a sign-in, the new session replaces any the browser had, and
	// where the tenant requires a second factor it waits for one.
	if err := s.startSession(w, r, token, sess); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	out := api.RegistrationStatus{State: portal.RegistrationProfileIncomplete}
	if sess.MFAPending {
		if out.MFA, err = s.startChallenge(r, token, sess); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusCreated, out)
}

// handleRegistrationGet tells the signed-in user's registration state.
func (s *Server) handleRegistrationGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	state, err := s.Onboarding.RegistrationState(r.Context(), cur.user)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.RegistrationStatus{State: state})
}

func fromAPIAddress(a api.PostalAddress) portal.PostalAddress {
	return portal.PostalAddress{Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country}
}

// handleRegistrationProfile completes the self-registered customer's
// profile; the tenant's settings say whether approval follows.
func (s *Server) handleRegistrationProfile(w http.ResponseWriter, r *http.Request) error {
	var in api.RegistrationProfile
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	t, _ := tenants.FromContext(r.Context())
	p := portal.ProfileInput{Type: in.Type, Name: in.Name, Billing: fromAPIAddress(in.Billing), Client: clientOf(r)}
	if in.Shipping != nil {
		sh := fromAPIAddress(*in.Shipping)
		p.Shipping = &sh
	}
	state, err := s.Onboarding.CompleteProfile(r.Context(), cur.user, p, t.Settings.RegistrationApproval)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.RegistrationStatus{State: state})
}

func toAPIRegistration(g portal.Registration) api.Registration {
	return api.Registration{CustomerID: g.CustomerID, CompanyName: g.CompanyName, Type: g.Type, Email: g.Email,
		Name: g.Name, CreatedAt: g.CreatedAt}
}

// handleRegistrationList lists self-registered customers awaiting approval.
func (s *Server) handleRegistrationList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Onboarding.ListRegistrations(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := make([]api.Registration, 0, len(list))
	for _, g := range list {
		out = append(out, toAPIRegistration(g))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// handleRegistrationApprove activates a self-registered customer.
func (s *Server) handleRegistrationApprove(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	g, err := s.Onboarding.ApproveRegistration(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIRegistration(*g))
}
