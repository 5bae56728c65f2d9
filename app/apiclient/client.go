// Package apiclient is the UI's typed client of the portal API (/api/v1),
// speaking the wire types of backend/api.
//
// It has two transports chosen at build time: in the Wasm binary the
// browser's fetch through syscall/js (transport_js.go), because linking
// net/http's client into app.wasm costs about 5 MB raw and 0.85 MB brotli
// for something that ends up calling window.fetch anyway; everywhere else
// net/http (transport_other.go), which the tests and server-side callers use.
package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"example.com/portal/backend/api"
)

// Client calls the API of the tenant a page was served for. Requests are
// same-origin, so the browser sends the session cookie with them.
type Client struct {
	base *url.URL
}

// New returns a client for the API on base's scheme and host; base is
// usually ctx.Page().URL(). Only scheme and host are used. The server build
// needs an absolute base (net/http cannot resolve relative URLs).
func New(base *url.URL) *Client {
	b := &url.URL{}
	if base != nil {
		b = &url.URL{Scheme: base.Scheme, Host: base.Host}
	}
	return &Client{base: b}
}

// Tenant returns the public branding and settings of the tenant (GET
// /api/v1/tenant).
func (c *Client) Tenant(ctx context.Context) (api.Tenant, error) {
	var t api.Tenant
	err := c.getJSON(ctx, api.PathTenant, &t)
	return t, err
}

// Session is who is signed in, as GET /api/v1/me answered. Signed-out is a
// normal result, not an error: the API answers 401 and the UI shows the
// sign-in placeholder.
type Session struct {
	SignedIn bool
	User     User // zero when signed out
	// MFAPending: not signed in, but the password was right and the second
	// factor is due (the 401 had code api.CodeMFARequired).
	MFAPending bool
}

// User is the signed-in user, as the wire contract has it.
type User = api.Me

// Me returns the signed-in user (GET /api/v1/me), or a signed-out Session
// when the API answers 401. Any other failure is an error (*Error when the
// API answered).
func (c *Client) Me(ctx context.Context) (Session, error) {
	var u User
	err := c.getJSON(ctx, api.PathMe, &u)
	var e *Error
	switch {
	case err == nil:
		return Session{SignedIn: true, User: u}, nil
	case errors.As(err, &e) && e.Status == 401:
		return Session{MFAPending: e.Code == api.CodeMFARequired}, nil
	default:
		return Session{}, err
	}
}

// SignIn signs in with e-mail and password (POST /api/v1/session) and
// returns the signed-in user; the answer also sets the session cookie, which
// the browser keeps and sends with later same-origin requests. A rejection is
// an *Error: CodeUnauthorized for wrong credentials (one generic Detail, the
// same whether the e-mail or the password was wrong), CodeRateLimited with a
// Detail saying when to retry, CodeInvalid with Fields naming "email" or
// "password".
func (c *Client) SignIn(ctx context.Context, in api.SignIn) (api.Me, error) {
	var me api.Me
	err := c.do(ctx, "POST", api.PathSession, in, &me)
	return me, err
}

// SignOut ends the session (DELETE /api/v1/session). A 401 counts as success:
// the session had already ended (it expired, or another tab signed out),
// which is the state the caller asked for.
func (c *Client) SignOut(ctx context.Context) error {
	err := c.do(ctx, "DELETE", api.PathSession, nil, nil)
	var e *Error
	if errors.As(err, &e) && e.Status == 401 {
		return nil
	}
	return err
}

// RequestPasswordReset asks for a password reset link for email (POST
// /api/v1/password-reset) and returns the server's message for the user.
// The answer is the same whether or not the address has an account, so that
// nobody can probe which addresses do; only a malformed address is refused,
// as an *Error with CodeInvalid and Fields naming "email". Too many requests
// are CodeRateLimited.
func (c *Client) RequestPasswordReset(ctx context.Context, email string) (api.Accepted, error) {
	var a api.Accepted
	err := c.do(ctx, "POST", api.PathPasswordReset, api.PasswordResetRequest{Email: email}, &a)
	return a, err
}

// ResetPassword sets a new password with the token of a reset link (POST
// /api/v1/password-reset/confirm). The server ends every session of the
// user, this browser's included. A refusal is an *Error with CodeInvalid:
// Fields name "token" when the link is invalid, used or expired, and
// "password" (with a message for the user) when the password is too weak.
func (c *Client) ResetPassword(ctx context.Context, token, password string) error {
	return c.do(ctx, "POST", api.PathPasswordResetConfirm, api.PasswordResetConfirm{Token: token, Password: password}, nil)
}

// Error is a failed API call: the API's problem document (RFC 9457) when it
// sent one, else what the status tells.
type Error struct {
	Status    int    // HTTP status
	Code      string // api.Code* constant; derived from Status when the body had none
	Title     string
	Detail    string
	RequestID string // quote it to support; "" when the server did not send one
	Fields    []api.FieldError
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Title
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	s := fmt.Sprintf("api: %d %s: %s", e.Status, e.Code, msg)
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// ErrorCode returns the api.Code* of err when it is (or wraps) an *Error, and
// "" for anything else (network failure, cancelled context).
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// jsonContentType is the Content-Type of every request body the client
// sends.
const jsonContentType = "application/json"

// response is what a transport hands back: enough to decode a body or a
// problem, nothing transport-specific.
type response struct {
	status      int
	contentType string
	requestID   string // X-Request-Id header
	body        []byte
}

// maxBody bounds what the client reads of one response; API bodies are
// small, and a runaway body must not exhaust a phone's memory.
const maxBody = 8 << 20

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	return c.do(ctx, "GET", path, nil, v)
}

// do sends one API request: in, when not nil, as the JSON body; a 2xx
// answer decoded into out when out is not nil (a 204 has nothing to decode);
// anything else as an *Error.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("api: %s %s: encode request: %w", method, path, err)
		}
		body = b
	}
	// path may carry a query (see withQuery); the path part stays
	// unescaped, as the API paths are plain.
	ref := &url.URL{Path: path}
	if p, q, ok := strings.Cut(path, "?"); ok {
		ref = &url.URL{Path: p, RawQuery: q}
	}
	u := c.base.ResolveReference(ref)
	res, err := roundTrip(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("api: %s %s: %w", method, path, err)
	}
	if res.status < 200 || res.status > 299 {
		return decodeError(res)
	}
	if out == nil || res.status == 204 {
		return nil
	}
	if err := json.Unmarshal(res.body, out); err != nil {
		return fmt.Errorf("api: %s %s: decode response: %w", method, path, err)
	}
	return nil
}

// decodeError turns a non-2xx response into an *Error, using the problem
// document when the body is one and falling back to the status otherwise
// (a proxy's HTML error page, or a route that does not exist yet).
func decodeError(res response) *Error {
	e := &Error{Status: res.status, RequestID: res.requestID}
	mt, _, _ := mime.ParseMediaType(res.contentType)
	if mt == "application/problem+json" || mt == "application/json" {
		var p api.Problem
		if json.Unmarshal(res.body, &p) == nil {
			e.Code, e.Title, e.Detail, e.Fields = p.Code, p.Title, p.Detail, p.Errors
			if p.RequestID != "" {
				e.RequestID = p.RequestID
			}
		}
	}
	if e.Code == "" {
		e.Code = codeForStatus(res.status)
	}
	if e.Title == "" {
		e.Title = "HTTP " + strconv.Itoa(res.status)
	}
	return e
}

// codeForStatus is the inverse of the server's code→status table, for
// answers without a problem body. Statuses without a code of their own are
// "internal": the UI cannot act on them any better.
func codeForStatus(status int) string {
	switch status {
	case 400, 422:
		return api.CodeInvalid
	case 401:
		return api.CodeUnauthorized
	case 403:
		return api.CodeForbidden
	case 404, 410:
		return api.CodeNotFound
	case 409:
		return api.CodeConflict
	case 429:
		return api.CodeRateLimited
	case 502, 503, 504:
		return api.CodeUnavailable
	default:
		return api.CodeInternal
	}
}
