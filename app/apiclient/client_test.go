//go:build !js || !wasm

package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"example.com/portal/backend/api"
)

// newServer answers each path with the handler given for it, like the real
// API would; the client talks to it over a real connection.
func newServer(t *testing.T, routes map[string]http.HandlerFunc) *Client {
	t.Helper()
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL + "/portal?x=1") // a page URL, as ctx.Page().URL() gives
	if err != nil {
		t.Fatal(err)
	}
	return New(u)
}

func writeJSON(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func TestTenant(t *testing.T) {
	c := newServer(t, map[string]http.HandlerFunc{
		"GET " + api.PathTenant: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, "application/json", `{"slug":"acme","name":"Acme Metals","support_email":"help@acme.example","mfa_required":true}`)
		},
	})
	got, err := c.Tenant(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := api.Tenant{Slug: "acme", Name: "Acme Metals", SupportEmail: "help@acme.example", MFARequired: true}
	if got != want {
		t.Errorf("Tenant = %+v, want %+v", got, want)
	}
}

func TestMe(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    Session
		wantErr bool
	}{
		{
			name: "signed in",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, "application/json", `{"email":"jane@customer.example","name":"Jane Buyer","role":"buyer",
					"customer_name":"Customer Co","capabilities":["orders:read"]}`)
			},
			want: Session{SignedIn: true, User: User{Email: "jane@customer.example", Name: "Jane Buyer", Role: "buyer",
				CustomerName: "Customer Co", Capabilities: []string{"orders:read"}}},
		},
		{
			name: "401 is signed out, not an error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 401, "application/problem+json", `{"title":"Unauthorized","status":401,"code":"unauthorized"}`)
			},
			want: Session{SignedIn: false},
		},
		{
			name: "401 mfa_required: signed out, second factor due",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 401, "application/problem+json", `{"title":"Unauthorized","status":401,"code":"mfa_required"}`)
			},
			want: Session{MFAPending: true},
		},
		{
			name: "401 without a problem body is signed out too",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no session", http.StatusUnauthorized)
			},
			want: Session{SignedIn: false},
		},
		{
			name: "500 is an error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 500, "application/problem+json", `{"title":"Internal Server Error","status":500,"code":"internal"}`)
			},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newServer(t, map[string]http.HandlerFunc{"GET " + api.PathMe: tt.handler})
			got, err := c.Me(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("Me error = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Me = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestProblemDecoding(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    Error
	}{
		{
			name: "problem document",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "hdr-1")
				writeJSON(w, 422, "application/problem+json; charset=utf-8", `{
					"type":"about:blank","title":"Invalid request","status":422,"detail":"2 fields are invalid",
					"code":"invalid","request_id":"req-42",
					"errors":[{"field":"lines[2].quantity","message":"must be positive"}]}`)
			},
			want: Error{Status: 422, Code: api.CodeInvalid, Title: "Invalid request", Detail: "2 fields are invalid",
				RequestID: "req-42", Fields: []api.FieldError{{Field: "lines[2].quantity", Message: "must be positive"}}},
		},
		{
			name: "forbidden problem",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 403, "application/problem+json", `{"title":"Forbidden","status":403,"code":"forbidden","request_id":"req-7"}`)
			},
			want: Error{Status: 403, Code: api.CodeForbidden, Title: "Forbidden", RequestID: "req-7"},
		},
		{
			name: "plain 404 of a route that does not exist yet",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.NotFound(w, r)
			},
			want: Error{Status: 404, Code: api.CodeNotFound, Title: "HTTP 404"},
		},
		{
			name: "proxy HTML page keeps the request id header",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "edge-9")
				writeJSON(w, 502, "text/html", "<h1>Bad gateway</h1>")
			},
			want: Error{Status: 502, Code: api.CodeUnavailable, Title: "HTTP 502", RequestID: "edge-9"},
		},
		{
			name: "problem without code gets one from the status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 429, "application/problem+json", `{"title":"Slow down","status":429}`)
			},
			want: Error{Status: 429, Code: api.CodeRateLimited, Title: "Slow down"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newServer(t, map[string]http.HandlerFunc{"GET " + api.PathTenant: tt.handler})
			_, err := c.Tenant(context.Background())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if e.Status != tt.want.Status || e.Code != tt.want.Code || e.Title != tt.want.Title ||
				e.Detail != tt.want.Detail || e.RequestID != tt.want.RequestID || len(e.Fields) != len(tt.want.Fields) {
				t.Errorf("error = %+v\nwant    %+v", *e, tt.want)
			}
			for i := range tt.want.Fields {
				if e.Fields[i] != tt.want.Fields[i] {
					t.Errorf("field %d = %+v, want %+v", i, e.Fields[i], tt.want.Fields[i])
				}
			}
			if got := ErrorCode(err); got != tt.want.Code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.want.Code)
			}
		})
	}
}

func TestTransportFailures(t *testing.T) {
	t.Run("bad JSON body", func(t *testing.T) {
		c := newServer(t, map[string]http.HandlerFunc{
			"GET " + api.PathTenant: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, "application/json", `{"slug":`)
			},
		})
		_, err := c.Tenant(context.Background())
		var e *Error
		if err == nil || errors.As(err, &e) {
			t.Fatalf("error = %v, want a decode error that is not an *Error", err)
		}
	})
	t.Run("server down", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		u, _ := url.Parse(srv.URL)
		srv.Close()
		_, err := New(u).Me(context.Background())
		if err == nil || ErrorCode(err) != "" {
			t.Fatalf("error = %v (code %q), want a network error without code", err, ErrorCode(err))
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		c := newServer(t, map[string]http.HandlerFunc{
			"GET " + api.PathMe: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Me(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
	})
}

// request is what the test server saw of one request.
type request struct {
	method, path, contentType, accept string
	body                              string
}

// recordingServer answers every request with status, contentType and body,
// and records what it received.
func recordingServer(t *testing.T, status int, contentType, body string) (*Client, *request) {
	t.Helper()
	got := &request{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request body: %v", err)
		}
		*got = request{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
			accept: r.Header.Get("Accept"), body: string(b)}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, contentType, body)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL + "/portal/login")
	if err != nil {
		t.Fatal(err)
	}
	return New(u), got
}

func TestSignInSendsJSON(t *testing.T) {
	c, got := recordingServer(t, 200, "application/json", `{"email":"jane@customer.example","name":"Jane Buyer",
		"role":"buyer","customer_name":"Customer Co","capabilities":["orders:read","quotes:create"]}`)
	me, err := c.SignIn(context.Background(), api.SignIn{Email: "jane@customer.example", Password: "pa\"ss wörd", Remember: true})
	if err != nil {
		t.Fatal(err)
	}
	want := api.Me{Email: "jane@customer.example", Name: "Jane Buyer", Role: "buyer", CustomerName: "Customer Co",
		Capabilities: []string{"orders:read", "quotes:create"}}
	if !reflect.DeepEqual(me, want) {
		t.Errorf("SignIn = %+v, want %+v", me, want)
	}
	if got.method != "POST" || got.path != api.PathSession {
		t.Errorf("request = %s %s, want POST %s", got.method, got.path, api.PathSession)
	}
	if got.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got.contentType)
	}
	if !strings.Contains(got.accept, "application/problem+json") {
		t.Errorf("Accept = %q, want it to accept problem documents", got.accept)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", got.body, err)
	}
	wantBody := map[string]any{"email": "jane@customer.example", "password": "pa\"ss wörd", "remember": true}
	if !reflect.DeepEqual(body, wantBody) {
		t.Errorf("body = %v, want %v", body, wantBody)
	}
}

func TestSignInProblems(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   Error
	}{
		{
			name:   "wrong credentials",
			status: 401,
			body: `{"title":"Unauthorized","status":401,"code":"unauthorized",
				"detail":"E-mail or password is incorrect.","request_id":"req-401"}`,
			want: Error{Status: 401, Code: api.CodeUnauthorized, Title: "Unauthorized",
				Detail: "E-mail or password is incorrect.", RequestID: "req-401"},
		},
		{
			name:   "rate limited",
			status: 429,
			body: `{"title":"Too many attempts","status":429,"code":"rate_limited",
				"detail":"Too many sign-in attempts. Try again in 5 minutes."}`,
			want: Error{Status: 429, Code: api.CodeRateLimited, Title: "Too many attempts",
				Detail: "Too many sign-in attempts. Try again in 5 minutes."},
		},
		{
			name:   "invalid fields",
			status: 400,
			body: `{"title":"Invalid request","status":400,"code":"invalid","errors":[
				{"field":"email","message":"must be an e-mail address"},{"field":"password","message":"is required"}]}`,
			want: Error{Status: 400, Code: api.CodeInvalid, Title: "Invalid request", Fields: []api.FieldError{
				{Field: "email", Message: "must be an e-mail address"}, {Field: "password", Message: "is required"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := recordingServer(t, tt.status, "application/problem+json", tt.body)
			me, err := c.SignIn(context.Background(), api.SignIn{Email: "a@b.example", Password: "x"})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if !reflect.DeepEqual(*e, tt.want) {
				t.Errorf("error = %+v\nwant    %+v", *e, tt.want)
			}
			if !reflect.DeepEqual(me, api.Me{}) {
				t.Errorf("SignIn returned a user %+v with the error", me)
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr string // api code of the error; "" for success
	}{
		{name: "204 signs out", status: 204},
		{name: "401: already signed out", status: 401, body: `{"title":"Unauthorized","status":401,"code":"unauthorized"}`},
		{name: "500 is an error", status: 500, body: `{"title":"Internal Server Error","status":500,"code":"internal"}`,
			wantErr: api.CodeInternal},
		{name: "403 is an error", status: 403, body: `{"title":"Forbidden","status":403,"code":"forbidden"}`,
			wantErr: api.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := recordingServer(t, tt.status, "application/problem+json", tt.body)
			err := c.SignOut(context.Background())
			if tt.wantErr == "" && err != nil {
				t.Fatalf("SignOut = %v, want success", err)
			}
			if tt.wantErr != "" && ErrorCode(err) != tt.wantErr {
				t.Fatalf("SignOut = %v, want an error with code %q", err, tt.wantErr)
			}
			if got.method != "DELETE" || got.path != api.PathSession {
				t.Errorf("request = %s %s, want DELETE %s", got.method, got.path, api.PathSession)
			}
			if got.body != "" || got.contentType != "" {
				t.Errorf("DELETE sent a body %q (Content-Type %q)", got.body, got.contentType)
			}
		})
	}
}

// TestGetSendsNoBody: a GET carries neither a body nor a Content-Type.
func TestGetSendsNoBody(t *testing.T) {
	c, got := recordingServer(t, 200, "application/json", `{"slug":"acme"}`)
	if _, err := c.Tenant(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got.method != "GET" || got.path != api.PathTenant || got.body != "" || got.contentType != "" {
		t.Errorf("request = %+v, want a bare GET %s", *got, api.PathTenant)
	}
}

func TestRequestPasswordReset(t *testing.T) {
	const detail = "If an account uses this address, we have sent it a link to reset the password."
	c, got := recordingServer(t, 202, "application/json", `{"detail":"`+detail+`"}`)
	a, err := c.RequestPasswordReset(context.Background(), "jane@customer.example")
	if err != nil {
		t.Fatal(err)
	}
	if a.Detail != detail {
		t.Errorf("Detail = %q, want %q", a.Detail, detail)
	}
	if got.method != "POST" || got.path != api.PathPasswordReset || got.contentType != "application/json" {
		t.Errorf("request = %s %s (Content-Type %q), want POST %s with JSON", got.method, got.path, got.contentType, api.PathPasswordReset)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", got.body, err)
	}
	if want := map[string]any{"email": "jane@customer.example"}; !reflect.DeepEqual(body, want) {
		t.Errorf("body = %v, want %v", body, want)
	}

	t.Run("malformed address", func(t *testing.T) {
		c, _ := recordingServer(t, 400, "application/problem+json", `{"title":"Invalid request","status":400,
			"code":"invalid","detail":"Check the highlighted fields.","request_id":"req-9",
			"errors":[{"field":"email","message":"Enter a valid e-mail address."}]}`)
		a, err := c.RequestPasswordReset(context.Background(), "jane@")
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not an *Error", err, err)
		}
		want := Error{Status: 400, Code: api.CodeInvalid, Title: "Invalid request", Detail: "Check the highlighted fields.",
			RequestID: "req-9", Fields: []api.FieldError{{Field: "email", Message: "Enter a valid e-mail address."}}}
		if !reflect.DeepEqual(*e, want) {
			t.Errorf("error = %+v\nwant    %+v", *e, want)
		}
		if a != (api.Accepted{}) {
			t.Errorf("RequestPasswordReset returned %+v with the error", a)
		}
	})
}

func TestResetPassword(t *testing.T) {
	c, got := recordingServer(t, 204, "", "")
	if err := c.ResetPassword(context.Background(), "tok_en-123", "a \"new\" pässword"); err != nil {
		t.Fatal(err)
	}
	if got.method != "POST" || got.path != api.PathPasswordResetConfirm || got.contentType != "application/json" {
		t.Errorf("request = %s %s (Content-Type %q), want POST %s with JSON", got.method, got.path, got.contentType, api.PathPasswordResetConfirm)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", got.body, err)
	}
	if want := map[string]any{"token": "tok_en-123", "password": "a \"new\" pässword"}; !reflect.DeepEqual(body, want) {
		t.Errorf("body = %v, want %v", body, want)
	}

	for _, tt := range []struct {
		name, body string
		want       Error
	}{
		{
			name: "used or expired link",
			body: `{"title":"Invalid request","status":400,"code":"invalid",
				"detail":"This reset link is invalid or has expired. Ask for a new one.",
				"errors":[{"field":"token","message":"The link is invalid, already used or expired."}]}`,
			want: Error{Status: 400, Code: api.CodeInvalid, Title: "Invalid request",
				Detail: "This reset link is invalid or has expired. Ask for a new one.",
				Fields: []api.FieldError{{Field: "token", Message: "The link is invalid, already used or expired."}}},
		},
		{
			name: "weak password",
			body: `{"title":"Invalid request","status":400,"code":"invalid","detail":"Choose a stronger password.",
				"request_id":"req-3","errors":[{"field":"password","message":"This password is too common. Choose another."}]}`,
			want: Error{Status: 400, Code: api.CodeInvalid, Title: "Invalid request", Detail: "Choose a stronger password.",
				RequestID: "req-3", Fields: []api.FieldError{{Field: "password", Message: "This password is too common. Choose another."}}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := recordingServer(t, 400, "application/problem+json", tt.body)
			err := c.ResetPassword(context.Background(), "t", "p")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if !reflect.DeepEqual(*e, tt.want) {
				t.Errorf("error = %+v\nwant    %+v", *e, tt.want)
			}
		})
	}
}
