package http

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// mfaRoutes registers the routes of the second factor: TOTP enrolment, challenge, recovery codes.
func (s *Server) mfaRoutes(r chi.Router) {
	s.api(r, "GET", api.PathSessionMFA, mfaPending, s.handleMFAChallenge)
	s.api(r, "POST", api.PathSessionMFA, mfaPending, s.handleMFAVerify)
	s.api(r, "POST", api.PathSessionMFAResend, mfaPending, s.handleMFAResend)
	s.api(r, "GET", api.PathMyMFA, needs(policies.ProfileRead), s.handleMyMFAGet)
	s.api(r, "POST", api.PathMyTOTP, needs(policies.ProfileUpdate), s.handleTOTPStart)
	s.api(r, "POST", api.PathMyTOTPConfirm, needs(policies.ProfileUpdate), s.handleTOTPConfirm)
	s.api(r, "POST", api.PathMyTOTPDisable, needs(policies.ProfileUpdate), s.handleTOTPDisable)
	s.api(r, "POST", api.PathMyRecoveryCodes, needs(policies.ProfileUpdate), s.handleRecoveryCodes)
}

// pendingKey holds a sign-in awaiting its second factor, apart from
// sessionKey so that userFrom never returns it.
type pendingKey struct{}

// pendingFrom returns the sign-in of ctx that awaits its second factor.
func pendingFrom(ctx context.Context) (*signedIn, bool) {
	s, ok := ctx.Value(pendingKey{}).(*signedIn)
	return s, ok
}

// anySessionFrom returns the session of ctx, signed in or pending: what
// signing out or in again ends.
func anySessionFrom(ctx context.Context) (*signedIn, bool) {
	if s, ok := userFrom(ctx); ok {
		return s, true
	}
	return pendingFrom(ctx)
}

// requirePending lets only a sign-in awaiting its second factor through.
func (s *Server) requirePending(next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := pendingFrom(r.Context()); !ok || s.MFA == nil {
			return portal.Errorf(portal.EUNAUTHORIZED, "There is no sign-in waiting for a code. Sign in again.")
		}
		return next(w, r)
	}
}

// answerPendingSignIn answers a password step that still needs the second
// factor; for a code by e-mail, it sends the first one.
func (s *Server) answerPendingSignIn(w http.ResponseWriter, r *http.Request, token string, sess *portal.Session) error {
	ch, err := s.startChallenge(r, token, sess)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.Me{Capabilities: []string{}, MFA: ch})
}

// startChallenge opens the second-factor step of a pending session: an
// e-mailed code goes out at once.
func (s *Server) startChallenge(r *http.Request, token string, sess *portal.Session) (*api.MFAChallenge, error) {
	if sess.MFAMethod == portal.MFAMethodEmail {
		if _, err := s.sendMFACode(r, token); err != nil {
			return nil, err
		}
	}
	ch, err := s.MFA.Challenge(r.Context(), token)
	if err != nil {
		return nil, err
	}
	return toAPIChallenge(ch, s.now()), nil
}

// sendMFACode makes a new e-mailed code and mails it after the response.
// Within the cooldown it answers 429 with the seconds left in Retry-After.
func (s *Server) sendMFACode(r *http.Request, token string) (*portal.MFACodeMail, error) {
	m, wait, err := s.MFA.IssueCode(r.Context(), token, clientOf(r))
	if err != nil {
		return nil, &retryAfter{err: err, wait: wait}
	}
	t, _ := tenants.FromContext(r.Context())
	base, rid := originOf(r), RequestIDFrom(r.Context())
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Mailer.SendMFACode(ctx, t, base, m.User, m.Code); err != nil {
			s.Logger.Error("send mfa code", "request_id", rid, "tenant", t.Slug, "error", err.Error())
		}
	})
	return m, nil
}

// retryAfter carries how long a rate-limited client should wait.
type retryAfter struct {
	err  error
	wait time.Duration
}

func (e *retryAfter) Error() string { return e.err.Error() }
func (e *retryAfter) Unwrap() error { return e.err }

func (s *Server) now() time.Time { return time.Now() }

func toAPIChallenge(ch *portal.MFAChallenge, now time.Time) *api.MFAChallenge {
	out := &api.MFAChallenge{Method: ch.Method, ExpiresAt: ch.ExpiresAt, Recovery: ch.Recovery}
	if !ch.ResendAt.IsZero() && ch.ResendAt.After(now) {
		out.ResendAfter = int((ch.ResendAt.Sub(now) + time.Second - 1) / time.Second)
	}
	return out
}

// handleMFAChallenge describes the pending sign-in (GET /api/v1/session/mfa).
func (s *Server) handleMFAChallenge(w http.ResponseWriter, r *http.Request) error {
	p, _ := pendingFrom(r.Context())
	ch, err := s.MFA.Challenge(r.Context(), p.token)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, toAPIChallenge(ch, s.now()))
}

// handleMFAVerify answers the challenge (POST /api/v1/session/mfa): the
// pending session ends and a new one, with a new id and token, opens.
func (s *Server) handleMFAVerify(w http.ResponseWriter, r *http.Request) error {
	p, _ := pendingFrom(r.Context())
	var in api.MFAVerify
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	token, sess, u, err := s.MFA.Verify(r.Context(), p.token, portal.MFAVerifyInput{Code: in.Code, RecoveryCode: in.RecoveryCode, Client: clientOf(r)})
	if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
		s.clearSessionCookie(w, r) // the challenge has ended
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token, sess)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, s.toAPIMe(r.Context(), u))
}

// handleMFAResend e-mails a new code (POST /api/v1/session/mfa/resend).
func (s *Server) handleMFAResend(w http.ResponseWriter, r *http.Request) error {
	p, _ := pendingFrom(r.Context())
	if _, err := s.sendMFACode(r, p.token); err != nil {
		if ra, ok := err.(*retryAfter); ok && ra.wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((ra.wait+time.Second-1)/time.Second)))
		}
		return err
	}
	ch, err := s.MFA.Challenge(r.Context(), p.token)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIChallenge(ch, s.now()))
}

// handleMyMFAGet answers the user's second factor (GET /api/v1/me/mfa).
func (s *Server) handleMyMFAGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	st, err := s.MFA.Status(r.Context(), cur.user.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.MFAStatus{TOTPEnabled: st.TOTPEnabled, RecoveryCodesLeft: st.RecoveryCodesLeft, Required: st.Required})
}

// handleTOTPStart starts enrolling an authenticator app (POST
// /api/v1/me/mfa/totp).
func (s *Server) handleTOTPStart(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	e, err := s.MFA.StartTOTP(r.Context(), cur.user.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.TOTPEnrolment{Secret: e.Secret, URI: e.URI,
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG)})
}

// handleTOTPConfirm turns TOTP on (POST /api/v1/me/mfa/totp/confirm).
func (s *Server) handleTOTPConfirm(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	var in api.MFACode
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	codes, err := s.MFA.ConfirmTOTP(r.Context(), cur.user.ID, in.Code, clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.RecoveryCodes{Codes: codes})
}

// handleTOTPDisable turns TOTP off (POST /api/v1/me/mfa/totp/disable).
func (s *Server) handleTOTPDisable(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	var in api.MFAReauth
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.MFA.DisableTOTP(r.Context(), cur.user.ID, portal.MFAReauth{Password: in.Password, Code: in.Code}, clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleRecoveryCodes replaces the recovery codes (POST
// /api/v1/me/mfa/recovery-codes).
func (s *Server) handleRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	var in api.MFAReauth
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	codes, err := s.MFA.RegenerateRecoveryCodes(r.Context(), cur.user.ID, portal.MFAReauth{Password: in.Password, Code: in.Code}, clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.RecoveryCodes{Codes: codes})
}
