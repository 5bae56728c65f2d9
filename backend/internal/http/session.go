package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Session cookies. The __Host- prefix makes browsers insist on Secure,
// Path=/ and no Domain, so no sibling sub-domain (another tenant's portal)
// can set or read it. Plain-HTTP development on *.localhost cannot carry
// Secure cookies everywhere, so there, and only there, the cookie drops the
// prefix and Secure.
const (
	sessionCookie    = "__Host-portal_session"
	devSessionCookie = "portal_session"
)

type sessionKey struct{}

type signedIn struct {
	session *portal.Session
	user    *portal.User
	token   string
}

// userFrom returns the signed-in user of ctx, if any.
func userFrom(ctx context.Context) (*signedIn, bool) {
	s, ok := ctx.Value(sessionKey{}).(*signedIn)
	return s, ok
}

// insecureDev reports whether r is plain HTTP to a localhost name, the one
// place a session cookie may go without Secure.
func insecureDev(r *http.Request) bool {
	if r.TLS != nil || remoteFrom(r).https {
		return false
	}
	h := tenants.NormalizeHost(r.Host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

func cookieName(r *http.Request) string {
	if insecureDev(r) {
		return devSessionCookie
	}
	return sessionCookie
}

// loadSession puts the signed-in user in the context when the request
// carries a live session cookie. A dead one is cleared; the request goes on
// signed out, and handlers that need a user answer 401.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName(r))
		if err != nil || c.Value == "" || s.Auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := s.Auth.Authenticate(r.Context(), c.Value)
		switch portal.ErrorCode(err) {
		case "":
			// A sign-in awaiting its second factor is kept apart: userFrom
			// never returns it, so no route can take it for a signed-in user.
			key := any(sessionKey{})
			if sess.MFAPending {
				key = pendingKey{}
			}
			ctx := context.WithValue(r.Context(), key, &signedIn{session: sess, user: u, token: c.Value})
			next.ServeHTTP(w, r.WithContext(ctx))
		case portal.EUNAUTHORIZED:
			s.clearSessionCookie(w, r)
			next.ServeHTTP(w, r)
		default:
			s.writeError(w, r, err)
		}
	})
}

// startSession hands the browser a new session (password or SSO sign-in).
// It replaces the one the browser had: the id changes at sign-in, so a
// planted cookie never becomes a signed-in session.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, token string, sess *portal.Session) error {
	// A new session replaces the one the browser had, signed in or waiting
	// for its second factor (the id changes at sign-in: a planted cookie
	// never becomes a signed-in session).
	if old, ok := anySessionFrom(r.Context()); ok {
		if err := s.Auth.SignOut(r.Context(), old.token, clientOf(r)); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, r, token, sess)
	return nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, sess *portal.Session) {
	c := &http.Cookie{Name: cookieName(r), Value: token, Path: "/", HttpOnly: true, Secure: !insecureDev(r),
		SameSite: http.SameSiteLaxMode}
	if sess.Remember {
		c.Expires = sess.ExpiresAt // survives closing the browser
	}
	http.SetCookie(w, c)
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !insecureDev(r), SameSite: http.SameSiteLaxMode})
}

// nulEscape finds a NUL character in a JSON text: the only way one can be
// written is the escape \u0000 (any case of the hex digits), not preceded
// by a backslash that would make it literal text.
var nulEscape = regexp.MustCompile(`(^|[^\\])(\\\\)*\\u0000`)

// maxJSONBody bounds request bodies of the JSON API.
const maxJSONBody = 64 << 10

// decodeJSON reads r's body into v strictly: unknown fields, trailing data
// and oversized bodies are the client's mistake (400), never a 500.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONMax(w, r, v, maxJSONBody)
}

// decodeJSONMax is decodeJSON with its own bound on the body's size (the
// back-office API's batches are larger than any form).
func decodeJSONMax(w http.ResponseWriter, r *http.Request, v any, max int64) error {
	// application/json is not a CORS-safelisted type: a cross-site page
	// cannot send it without a preflight, which is never granted. With
	// CrossOriginProtection this is the second line against CSRF (a
	// text/plain form post carrying JSON is refused here).
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &portal.Error{Code: portal.EUNSUPPORTED, Message: "Send the request body as application/json.",
			Fields: []portal.FieldError{{Field: "Content-Type", Message: "Must be application/json."}}}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err == nil && nulEscape.Match(body) {
		// PostgreSQL text cannot hold NUL: refused here, for every field
		// of every route, instead of failing in the database as a 500.
		return &portal.Error{Code: portal.EINVALID, Message: "The request could not be read.",
			Fields: []portal.FieldError{{Field: "body", Message: "Text must not contain NUL characters."}}}
	}
	var dec *json.Decoder
	if err == nil {
		dec = json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		return nil
	}
	field, msg := "body", "The request body must be one JSON object."
	var typeErr *json.UnmarshalTypeError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &typeErr):
		field, msg = typeErr.Field, "Wrong type: expected "+typeErr.Type.String()+"."
	case errors.As(err, &maxErr):
		msg = "The request body is too large."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		msg = "Unknown field."
	}
	return &portal.Error{Code: portal.EINVALID, Message: "The request could not be read.",
		Fields: []portal.FieldError{{Field: field, Message: msg}}}
}

// clientOf describes where r came from: the address clientAddress found.
func clientOf(r *http.Request) portal.Client {
	return portal.Client{IP: remoteFrom(r).ip, UserAgent: r.UserAgent()}
}

// handleSessionCreate signs in (POST /api/v1/session).
func (s *Server) handleSessionCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.SignIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	token, sess, u, err := s.Auth.SignIn(r.Context(), portal.SignInInput{Email: in.Email, Password: in.Password,
		Remember: in.Remember, Client: clientOf(r)})
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, token, sess); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if sess.MFAPending {
		return s.answerPendingSignIn(w, r, token, sess)
	}
	return writeJSON(w, http.StatusOK, s.toAPIMe(r.Context(), u))
}

// handleSessionDelete signs out (DELETE /api/v1/session). Signing out twice
// is not an error.
func (s *Server) handleSessionDelete(w http.ResponseWriter, r *http.Request) error {
	if cur, ok := anySessionFrom(r.Context()); ok {
		if err := s.Auth.SignOut(r.Context(), cur.token, clientOf(r)); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMeGet answers the signed-in user and what they may do.
func (s *Server) handleMeGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context()) // authorize let only signed-in users through
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, s.toAPIMe(r.Context(), cur.user))
}

func (s *Server) toAPIMe(ctx context.Context, u *portal.User) api.Me {
	me := api.Me{Email: u.Email, Name: u.Name, Role: u.Role, CustomerName: u.CustomerName, Staff: u.Staff(), Capabilities: []string{}}
	t, ok := tenants.FromContext(ctx)
	if ok && me.Staff {
		me.CustomerName = t.Name
	}
	if ok && s.Authz != nil {
		for _, p := range s.Authz.Permissions(t.ID, u.Role) {
			me.Capabilities = append(me.Capabilities, p.String())
		}
	}
	// Not a policy row: who may create a customer follows whose customers
	// the staff user works for (portal.User.AllCustomers).
	if u.AllCustomers() && slices.Contains(me.Capabilities, api.CapabilityAccessRequests) {
		me.Capabilities = append(me.Capabilities, api.CapabilityCustomersCreate)
	}
	return me
}
