package pages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/brand"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

var brands = map[string]brand.Brand{
	"acme.test": {Name: "Acme Metals", PrimaryColor: "#c0392b", SupportEmail: "help@acme.example", SupportPhone: "+1 555 0100"},
	"beta.test": {Name: "Beta Steel", PrimaryColor: "#1f6feb"},
}

// handler is a go-app Handler the way the server runs one, with the brand
// resolved by host. Pre-rendering in it really runs OnNav, which the test
// engine does not.
func handler(t *testing.T) *app.Handler {
	t.Helper()
	Register()
	old := brand.Resolve
	t.Cleanup(func() { brand.Resolve = old })
	brand.Resolve = func(host string) (brand.Brand, bool) {
		b, ok := brands[host]
		return b, ok
	}
	return &app.Handler{Name: "test", Version: "test"}
}

// get pre-renders target (an absolute URL, so r.URL.Host is set the way the
// server sets it) and returns the status and body.
func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Code, rec.Body.String()
}

func TestDashboardPreRender(t *testing.T) {
	h := handler(t)
	for _, path := range []string{"/portal", "/"} {
		code, body := get(t, h, "http://acme.test"+path)
		if code != 200 {
			t.Fatalf("GET %s = %d", path, code)
		}
		for _, want := range []string{
			"<title>Dashboard · Acme Metals</title>",
			"Welcome to Acme Metals",
			"Checking whether you are signed in", // the server never asks /api/v1/me
			`href="/portal/login"`,
			"mailto:help@acme.example",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", path, want)
			}
		}
	}
	_, body := get(t, h, "http://beta.test:8080/portal")
	if !strings.Contains(body, "Welcome to Beta Steel") || strings.Contains(body, "Acme") {
		t.Errorf("beta.test did not render as Beta Steel:\n%s", body)
	}
}

func TestLoginPagePreRender(t *testing.T) {
	h := handler(t)
	code, body := get(t, h, "http://acme.test/portal/login")
	if code != 200 {
		t.Fatalf("GET /portal/login = %d", code)
	}
	for _, want := range []string{
		"<title>Sign in · Acme Metals</title>",
		"Sign in to Acme Metals",
		`id="signin"`, `method="post"`,
		"mailto:help@acme.example", "tel:+15550100", // support contacts in the footer
	} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	// Until the Wasm runs the form, it is disabled: nothing typed into the
	// pre-rendered fields would survive the app starting, and a password must
	// never go out as a plain form post.
	if !regexp.MustCompile(`<fieldset[^>]* disabled[ >]`).MatchString(body) {
		t.Errorf("pre-rendered sign-in form is not disabled:\n%s", body)
	}
	// The header does not link the sign-in page to itself.
	if n := strings.Count(body, `href="/portal/login"`); n != 0 {
		t.Errorf("login page links to itself %d times", n)
	}
}

// renderLogin renders a login page as the browser would once the Wasm runs
// it (interactive), with the given submission state.
func renderLogin(t *testing.T, p *loginPage) string {
	t.Helper()
	p.brand, p.path, p.interactive = brands["acme.test"], "/portal/login", true
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(p)
}

// tag returns the opening tag of the element with the given id, or fails.
func tag(t *testing.T, html, id string) string {
	t.Helper()
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element #%s in:\n%s", id, html)
	}
	start := strings.LastIndex(html[:i], "<")
	end := i + strings.Index(html[i:], ">")
	return html[start : end+1]
}

// hasAttrs returns the entries of want that the opening tag lacks: "<name"
// for the element's name, name="value" pairs, or bare attribute names.
func hasAttrs(tagHTML string, want ...string) []string {
	var missing []string
	for _, a := range want {
		if strings.HasPrefix(a, "<") {
			if !strings.HasPrefix(tagHTML, a+" ") && !strings.HasPrefix(tagHTML, a+">") {
				missing = append(missing, a)
			}
			continue
		}
		if !regexp.MustCompile(` ` + regexp.QuoteMeta(a) + `[ >]`).MatchString(tagHTML) {
			missing = append(missing, a)
		}
	}
	return missing
}

func TestLoginFormFields(t *testing.T) {
	html := renderLogin(t, &loginPage{})
	for id, want := range map[string][]string{
		"signin":          {"<form", `method="post"`},
		"email":           {"<input", `type="email"`, `autocomplete="username"`, "required", `name="email"`, "autofocus"},
		"password":        {"<input", `type="password"`, `autocomplete="current-password"`, "required", `name="password"`},
		"remember":        {"<input", `type="checkbox"`, `name="remember"`},
		"signin-submit":   {"<button", `type="submit"`},
		"signin-error":    {"<div", `role="alert"`},
		"password-toggle": {"<button", `type="button"`, `aria-controls="password"`},
	} {
		if missing := hasAttrs(tag(t, html, id), want...); len(missing) > 0 {
			t.Errorf("#%s %s lacks %v", id, tag(t, html, id), missing)
		}
	}
	for _, want := range []string{`for="email"`, `for="password"`, `for="remember"`, "Remember me for 30 days", ">Sign in<",
		`src="`, "Sign in to Acme Metals"} {
		if want == `src="` {
			want = ">AM<" // Acme has no logo in this test: its initials stand in
		}
		if !strings.Contains(html, want) {
			t.Errorf("login form lacks %s", want)
		}
	}
	// Interactive: nothing is disabled, nothing is checked, no error shows.
	for _, unwanted := range []string{" disabled", " checked", "aria-invalid", "Signing in"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("idle login form contains %q:\n%s", unwanted, html)
		}
	}
	if errTag := tag(t, html, "signin-error"); !strings.HasPrefix(html[strings.Index(html, errTag)+len(errTag):], "</div>") {
		t.Errorf("error area is not empty:\n%s", html)
	}
	// The way to a forgotten password, now that its screen exists.
	if missing := hasAttrs(tag(t, html, "forgot-link"), "<a", `href="/portal/forgot-password"`); len(missing) > 0 {
		t.Errorf("#forgot-link %s lacks %v", tag(t, html, "forgot-link"), missing)
	}
	if !strings.Contains(html, ">Forgot password?</a>") {
		t.Errorf("login page lacks the \"Forgot password?\" link:\n%s", html)
	}
	// The request_access_section, now that its screen exists.
	if missing := hasAttrs(tag(t, html, "request-access-link"), "<a", `href="/portal/request-access"`); len(missing) > 0 ||
		!strings.Contains(html, "Don&#39;t have an account?") || !strings.Contains(html, ">Request Portal Access</a>") {
		t.Errorf("#request-access-link lacks %v, or the section its text:\n%s", missing, html)
	}
	// No links to screens that do not exist yet.
	for _, href := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		switch u := href[1]; {
		case u == "/portal", u == "#main", u == "/portal/forgot-password", u == "/portal/request-access",
			u == "/portal/orders", u == "/portal/invoices", u == "/portal/shipments", u == "/portal/receipts", u == "/portal/credit-notes", // the menu's built entries
			u == "/portal/lists",  // purchase lists (issue 8)
			u == "/portal/quotes", // quotes feature
			u == "/portal/shop",   // the shop (issue 8)
			strings.HasPrefix(u, "mailto:"), strings.HasPrefix(u, "tel:"):
		default:
			t.Errorf("login page links to %q, which is not a built page", u)
		}
	}
}

func TestLoginFormStates(t *testing.T) {
	t.Run("submitting", func(t *testing.T) {
		html := renderLogin(t, &loginPage{submission: state.Submission{Status: state.Loading}})
		submit := tag(t, html, "signin-submit")
		if missing := hasAttrs(submit, "disabled"); len(missing) > 0 {
			t.Errorf("submit button is not disabled while signing in: %s", submit)
		}
		if !strings.Contains(html, "Signing in…") || !strings.Contains(html, `class="spinner"`) {
			t.Errorf("no progress shown while signing in:\n%s", html)
		}
	})
	t.Run("signed in, leaving", func(t *testing.T) {
		html := renderLogin(t, &loginPage{submission: state.Submission{Status: state.Loaded}})
		if missing := hasAttrs(tag(t, html, "signin-submit"), "disabled"); len(missing) > 0 {
			t.Errorf("submit button is enabled after a successful sign-in")
		}
	})
	t.Run("values and remember me", func(t *testing.T) {
		html := renderLogin(t, &loginPage{email: "jane@customer.example", remember: true, showPassword: true})
		if missing := hasAttrs(tag(t, html, "email"), `value="jane@customer.example"`); len(missing) > 0 {
			t.Errorf("e-mail field lost its value: %s", tag(t, html, "email"))
		}
		if missing := hasAttrs(tag(t, html, "remember"), "checked"); len(missing) > 0 {
			t.Errorf("remember me is not checked: %s", tag(t, html, "remember"))
		}
		if missing := hasAttrs(tag(t, html, "password"), `type="text"`); len(missing) > 0 {
			t.Errorf("shown password is not type=text: %s", tag(t, html, "password"))
		}
		if toggle := tag(t, html, "password-toggle"); !strings.Contains(toggle, `aria-label="Hide password"`) {
			t.Errorf("toggle does not offer to hide: %s", toggle)
		}
	})
	t.Run("not yet interactive", func(t *testing.T) {
		p := &loginPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/login"}}
		e := app.NewTestEngine()
		if err := e.Load(p); err != nil {
			t.Fatal(err)
		}
		e.ConsumeAll()
		html := app.HTMLString(p)
		if missing := hasAttrs(tag(t, html, "signin-submit"), "disabled"); len(missing) > 0 || strings.Contains(html, ">Sign in<") {
			t.Errorf("pre-rendered submit button is usable: %s", tag(t, html, "signin-submit"))
		}
	})
}

func TestLoginErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		message    string
		ref        string
		emailErr   string
		passErr    string
		unwantedIn string // text that must not appear on the page
	}{
		{
			name: "401 shows the server's generic message",
			err: &apiclient.Error{Status: 401, Code: api.CodeUnauthorized, Title: "Unauthorized",
				Detail: "E-mail or password is incorrect.", RequestID: "req-1"},
			message: "E-mail or password is incorrect.", unwantedIn: "req-1",
		},
		{
			name:    "401 without detail",
			err:     &apiclient.Error{Status: 401, Code: api.CodeUnauthorized},
			message: "E-mail or password is incorrect.",
		},
		{
			name: "429 shows when to retry",
			err: &apiclient.Error{Status: 429, Code: api.CodeRateLimited,
				Detail: "Too many sign-in attempts. Try again in 15 minutes."},
			message: "Too many sign-in attempts. Try again in 15 minutes.",
		},
		{
			name: "400 puts messages under the fields",
			err: &apiclient.Error{Status: 400, Code: api.CodeInvalid, Detail: "2 fields are invalid", Fields: []api.FieldError{
				{Field: "email", Message: "must be an e-mail address"}, {Field: "password", Message: "is required"},
				{Field: "email", Message: "second message, not shown"}}},
			message: "Please correct the marked fields.", emailErr: "Must be an e-mail address", passErr: "Is required",
			unwantedIn: "second message",
		},
		{
			name:    "400 without known fields",
			err:     &apiclient.Error{Status: 400, Code: api.CodeInvalid, RequestID: "req-4"},
			message: "Please check your e-mail address and password.", ref: "req-4",
		},
		{
			name: "500 apologises and gives the request id",
			err: &apiclient.Error{Status: 500, Code: api.CodeInternal, Title: "Internal Server Error",
				Detail: "pq: connection refused", RequestID: "req-500"},
			message: "Sign-in is not available right now. Please try again in a moment.", ref: "req-500",
			unwantedIn: "pq:",
		},
		{
			name:    "403 from the cross-origin check is not shown raw",
			err:     &apiclient.Error{Status: 403, Code: api.CodeForbidden, Title: "HTTP 403", RequestID: "req-403"},
			message: "Sign-in is not available right now. Please try again in a moment.", ref: "req-403",
			unwantedIn: "HTTP 403",
		},
		{
			name:    "network failure",
			err:     fmt.Errorf("api: POST /api/v1/session: %w", errors.New("TypeError: Failed to fetch")),
			message: "We could not reach the portal. Check your connection and try again.", unwantedIn: "TypeError",
		},
		{
			name:    "timeout",
			err:     fmt.Errorf("api: POST /api/v1/session: %w", context.DeadlineExceeded),
			message: "The portal took too long to answer. Please try again.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describeSignInError(tt.err)
			if got.Message != tt.message || got.Ref != tt.ref || got.Fields["email"] != tt.emailErr || got.Fields["password"] != tt.passErr {
				t.Errorf("describeSignInError = %+v\nwant message %q, ref %q, email %q, password %q",
					got, tt.message, tt.ref, tt.emailErr, tt.passErr)
			}

			html := renderLogin(t, &loginPage{submission: state.Submission{Status: state.LoadingErr, Err: tt.err}})
			alert := html[strings.Index(html, `id="signin-error"`):]
			alert = alert[:strings.Index(alert, "</div>")]
			if !strings.Contains(alert, tt.message) {
				t.Errorf("error area lacks %q:\n%s", tt.message, alert)
			}
			if tt.ref != "" && !strings.Contains(alert, "quote reference "+tt.ref) {
				t.Errorf("error area lacks the reference %s:\n%s", tt.ref, alert)
			}
			if tt.ref == "" && strings.Contains(alert, "reference") {
				t.Errorf("error area quotes a reference:\n%s", alert)
			}
			for id, msg := range map[string]string{"email": tt.emailErr, "password": tt.passErr} {
				input := tag(t, html, id)
				if msg == "" {
					if strings.Contains(input, "aria-invalid") || strings.Contains(html, `id="`+id+`-error"`) {
						t.Errorf("#%s is marked invalid: %s", id, input)
					}
					continue
				}
				if missing := hasAttrs(input, "aria-invalid", `aria-describedby="`+id+`-error"`); len(missing) > 0 {
					t.Errorf("#%s %s lacks %v", id, input, missing)
				}
				if errTag := tag(t, html, id+"-error"); !strings.HasPrefix(html[strings.Index(html, errTag)+len(errTag):], msg+"</p>") {
					t.Errorf("no message %q under #%s:\n%s", msg, id, html)
				}
			}
			if tt.unwantedIn != "" && strings.Contains(html, tt.unwantedIn) {
				t.Errorf("page shows %q", tt.unwantedIn)
			}
			// A failed sign-in can be tried again.
			if strings.Contains(tag(t, html, "signin-submit"), "disabled") {
				t.Errorf("submit button stays disabled after an error")
			}
		})
	}
}

// TestMenuMatchesRoutes keeps the menu table honest: a built entry must have
// a page, and an entry marked unbuilt must not have one yet (else flip it).
func TestMenuMatchesRoutes(t *testing.T) {
	h := handler(t)
	for _, it := range components.Menu {
		code, _ := get(t, h, "http://acme.test"+it.Path)
		if it.Built && code != 200 {
			t.Errorf("%s is Built but GET %s = %d", it.Label, it.Path, code)
		}
		if !it.Built && code != 404 {
			t.Errorf("%s is not Built but GET %s = %d: set Built", it.Label, it.Path, code)
		}
	}
	if code, _ := get(t, h, "http://acme.test/portal/nope"); code != 404 {
		t.Errorf("unregistered page = %d, want 404", code)
	}
}

func renderDashboard(t *testing.T, s state.Session) string {
	t.Helper()
	p := &dashboardPage{chrome: chrome{brand: brands["acme.test"], path: "/portal"}, session: s}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(p)
}

func TestDashboardAccountPanel(t *testing.T) {
	tests := []struct {
		name     string
		session  state.Session
		want     []string
		unwanted []string
		signIns  int // links to the sign-in page: header and call to action
	}{
		{
			name:     "signed out",
			session:  state.Session{Status: state.Loaded},
			want:     []string{"You are not signed in", "button--primary", `href="/portal/login"`},
			unwanted: []string{"Checking", "could not"},
			signIns:  2,
		},
		{
			name: "error with reference",
			session: state.Session{Status: state.LoadingErr,
				Err: &apiclient.Error{Status: 500, Code: "internal", RequestID: "req-123"}},
			want:     []string{"We could not check your sign-in", "Try again", "req-123", `role="alert"`},
			unwanted: []string{"You are not signed in"},
			signIns:  1,
		},
		{
			name:     "network error",
			session:  state.Session{Status: state.LoadingErr, Err: http.ErrHandlerTimeout},
			want:     []string{"We could not check your sign-in", "Try again"},
			unwanted: []string{"reference"},
			signIns:  1,
		},
		{
			name: "signed in",
			session: state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true,
				User: apiclient.User{Email: "jane@customer.example", Name: "Jane Buyer", Role: "buyer", CustomerName: "Customer Co"}}},
			want: []string{"Welcome back, Jane Buyer", "Customer Co · Buyer", "Loading your dashboard",
				`id="signout"`, ">Sign out<"},
			unwanted: []string{">Sign in<", "You are not signed in", "Welcome to", "Checking"},
		},
		{
			name: "signed in without a name, with an unknown role",
			session: state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true,
				User: apiclient.User{Email: "jane@customer.example", Role: "superuser", CustomerName: "Customer Co"}}},
			want:     []string{"Welcome back, jane@customer.example", `<p class="welcome__lead">Customer Co</p>`, `id="signout"`},
			unwanted: []string{"superuser", "Role", ">Sign in<"},
		},
		{
			name: "re-checking keeps the signed-in user",
			session: state.Session{Status: state.Loading, Data: apiclient.Session{SignedIn: true,
				User: apiclient.User{Email: "jane@customer.example", Name: "Jane Buyer", Role: "finance"}}},
			want:     []string{"Welcome back, Jane Buyer", "Finance", `id="signout"`},
			unwanted: []string{"Checking", ">Sign in<"},
		},
		{
			name:    "loading",
			session: state.Session{Status: state.Loading},
			want:    []string{"Checking whether you are signed in"},
			signIns: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := renderDashboard(t, tt.session)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("dashboard lacks %q:\n%s", w, html)
				}
			}
			if n := strings.Count(html, `href="/portal/login"`); n != tt.signIns {
				t.Errorf("%d links to the sign-in page, want %d", n, tt.signIns)
			}
			for _, u := range tt.unwanted {
				if strings.Contains(html, u) {
					t.Errorf("dashboard shows %q:\n%s", u, html)
				}
			}
		})
	}
}
