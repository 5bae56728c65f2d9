package pages

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderPage renders c with the test engine (server mode: OnNav does not
// run, so the test sets what it would have).
func renderPage(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

// between returns the HTML from the opening tag of #id to the first close
// of that tag's name: the element's content when it has no nested element
// of the same name.
func between(t *testing.T, html, id string) string {
	t.Helper()
	open := tag(t, html, id)
	name := strings.Fields(strings.TrimPrefix(open, "<"))[0]
	rest := html[strings.Index(html, open):]
	end := strings.Index(rest, "</"+name+">")
	if end < 0 {
		t.Fatalf("#%s is not closed:\n%s", id, html)
	}
	return rest[:end]
}

func TestPasswordPagesRouted(t *testing.T) {
	h := handler(t)
	for path, want := range map[string][]string{
		"/portal/forgot-password": {
			"<title>Reset your password · Acme Metals</title>",
			`id="forgot-email"`, `id="forgot-submit"`, `id="forgot-back"`, `href="/portal/login"`,
			"Loading…", // the submit button, until the Wasm runs
		},
		"/portal/reset-password": {
			"<title>Reset your password · Acme Metals</title>",
			`id="reset-checking"`, "Checking your link…",
			`id="reset-password"`, `id="reset-confirm"`, `id="reset-submit"`, `href="/portal/login"`,
		},
	} {
		code, body := get(t, h, "http://acme.test"+path)
		if code != 200 {
			t.Fatalf("GET %s = %d", path, code)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", path, w)
			}
		}
		// The form stays disabled until the Wasm runs it (and, for the
		// reset, has read the token from the fragment, which the server
		// never sees).
		if !regexp.MustCompile(`<fieldset[^>]* disabled[ >]`).MatchString(body) {
			t.Errorf("GET %s: pre-rendered form is not disabled", path)
		}
		submit := map[string]string{"/portal/forgot-password": "forgot-submit", "/portal/reset-password": "reset-submit"}[path]
		if missing := hasAttrs(tag(t, body, submit), "disabled"); len(missing) > 0 {
			t.Errorf("GET %s: pre-rendered submit button is enabled", path)
		}
		for _, unwanted := range []string{"invalid or has expired", `id="reset-invalid"`, `id="forgot-sent"`, "aria-invalid"} {
			if strings.Contains(body, unwanted) {
				t.Errorf("GET %s shows %q before anything happened", path, unwanted)
			}
		}
	}

	// The sign-in page links to the forgot-password page, also before the
	// Wasm runs (the link is outside the disabled fieldset).
	_, body := get(t, h, "http://acme.test/portal/login")
	link := tag(t, body, "forgot-link")
	if missing := hasAttrs(link, "<a", `href="/portal/forgot-password"`); len(missing) > 0 {
		t.Errorf("pre-rendered login page: %s lacks %v", link, missing)
	}
	if i, j := strings.Index(body, "</fieldset>"), strings.Index(body, `id="forgot-link"`); i < 0 || j < i {
		t.Errorf("the forgot-password link is inside the disabled fieldset")
	}
}

func renderForgot(t *testing.T, p *forgotPasswordPage) string {
	t.Helper()
	p.brand, p.path, p.interactive = brands["acme.test"], "/portal/forgot-password", true
	return renderPage(t, p)
}

func TestForgotPasswordForm(t *testing.T) {
	html := renderForgot(t, &forgotPasswordPage{})
	for id, want := range map[string][]string{
		"forgot":        {"<form", `method="post"`},
		"forgot-email":  {"<input", `type="email"`, `autocomplete="username"`, "required", `name="forgot-email"`, "autofocus"},
		"forgot-submit": {"<button", `type="submit"`},
		"forgot-error":  {"<div", `role="alert"`},
		"forgot-back":   {"<a", `href="/portal/login"`},
	} {
		if missing := hasAttrs(tag(t, html, id), want...); len(missing) > 0 {
			t.Errorf("#%s %s lacks %v", id, tag(t, html, id), missing)
		}
	}
	for _, want := range []string{`for="forgot-email"`, ">Send reset link<", ">Back to sign in<", "Reset your password"} {
		if !strings.Contains(html, want) {
			t.Errorf("forgot page lacks %s", want)
		}
	}
	for _, unwanted := range []string{" disabled", "aria-invalid", "forgot-sent", "Sending"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("idle forgot page contains %q:\n%s", unwanted, html)
		}
	}

	t.Run("sending", func(t *testing.T) {
		html := renderForgot(t, &forgotPasswordPage{email: "jane@customer.example", submission: state.Submission{Status: state.Loading}})
		if missing := hasAttrs(tag(t, html, "forgot-submit"), "disabled"); len(missing) > 0 || !strings.Contains(html, "Sending…") {
			t.Errorf("submit button is usable while sending: %s", tag(t, html, "forgot-submit"))
		}
		if missing := hasAttrs(tag(t, html, "forgot-email"), `value="jane@customer.example"`); len(missing) > 0 {
			t.Errorf("e-mail field lost its value: %s", tag(t, html, "forgot-email"))
		}
	})

	t.Run("sent", func(t *testing.T) {
		const detail = "If an account uses this address, we have sent it a link to reset the password. The link works once, for one hour."
		html := renderForgot(t, &forgotPasswordPage{submission: state.Submission{Status: state.Loaded, Detail: detail}})
		sent := html[strings.Index(html, tag(t, html, "forgot-sent")):]
		if !strings.Contains(sent, detail) {
			t.Errorf("#forgot-sent lacks the server's message:\n%s", sent)
		}
		if missing := hasAttrs(tag(t, html, "forgot-back"), "<a", `href="/portal/login"`); len(missing) > 0 {
			t.Errorf("no way back to sign in: %s", tag(t, html, "forgot-back"))
		}
		if missing := hasAttrs(tag(t, html, "forgot-again"), "<button", `type="button"`); len(missing) > 0 {
			t.Errorf("#forgot-again %s lacks %v", tag(t, html, "forgot-again"), missing)
		}
		if strings.Contains(html, `id="forgot-email"`) || strings.Contains(html, `id="forgot-submit"`) {
			t.Errorf("the form is still there after sending:\n%s", html)
		}
	})

	t.Run("sent without a detail", func(t *testing.T) {
		html := renderForgot(t, &forgotPasswordPage{submission: state.Submission{Status: state.Loaded}})
		if !strings.Contains(html, "If an account uses this address") {
			t.Errorf("no confirmation text:\n%s", html)
		}
	})

	t.Run("not yet interactive", func(t *testing.T) {
		p := &forgotPasswordPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/forgot-password"}}
		html := renderPage(t, p)
		if missing := hasAttrs(tag(t, html, "forgot-submit"), "disabled"); len(missing) > 0 || strings.Contains(html, ">Send reset link<") {
			t.Errorf("pre-rendered submit button is usable: %s", tag(t, html, "forgot-submit"))
		}
	})
}

func TestForgotPasswordErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		message    string
		ref        string
		fieldErr   string
		unwantedIn string
	}{
		{
			name: "malformed address: message under the field",
			err: &apiclient.Error{Status: 400, Code: api.CodeInvalid, Detail: "Check the highlighted fields.", RequestID: "req-1",
				Fields: []api.FieldError{{Field: "email", Message: "Enter a valid e-mail address."}}},
			message: "Please correct the marked field.", fieldErr: "Enter a valid e-mail address.", unwantedIn: "req-1",
		},
		{
			name:    "400 without a known field",
			err:     &apiclient.Error{Status: 400, Code: api.CodeInvalid, RequestID: "req-2"},
			message: "Please check your e-mail address.", ref: "req-2",
		},
		{
			name:    "rate limited",
			err:     &apiclient.Error{Status: 429, Code: api.CodeRateLimited, Detail: "Too many requests. Try again in 10 minutes."},
			message: "Too many requests. Try again in 10 minutes.",
		},
		{
			name: "500 apologises and gives the request id",
			err: &apiclient.Error{Status: 500, Code: api.CodeInternal, Title: "Internal Server Error",
				Detail: "pq: connection refused", RequestID: "req-500"},
			message: "We could not send the link right now. Please try again in a moment.", ref: "req-500", unwantedIn: "pq:",
		},
		{
			name:    "network failure",
			err:     fmt.Errorf("api: POST %s: %w", api.PathPasswordReset, errors.New("TypeError: Failed to fetch")),
			message: "We could not reach the portal. Check your connection and try again.", unwantedIn: "TypeError",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := renderForgot(t, &forgotPasswordPage{submission: state.Submission{Status: state.LoadingErr, Err: tt.err}})
			alert := between(t, html, "forgot-error")
			if !strings.Contains(alert, tt.message) {
				t.Errorf("error area lacks %q:\n%s", tt.message, alert)
			}
			if tt.ref != "" && !strings.Contains(alert, "quote reference "+tt.ref) {
				t.Errorf("error area lacks the reference %s:\n%s", tt.ref, alert)
			}
			if tt.ref == "" && strings.Contains(alert, "reference") {
				t.Errorf("error area quotes a reference:\n%s", alert)
			}
			input := tag(t, html, "forgot-email")
			if tt.fieldErr == "" {
				if strings.Contains(input, "aria-invalid") {
					t.Errorf("e-mail field is marked invalid: %s", input)
				}
			} else {
				if missing := hasAttrs(input, "aria-invalid", `aria-describedby="forgot-email-error"`); len(missing) > 0 {
					t.Errorf("#forgot-email %s lacks %v", input, missing)
				}
				if !strings.Contains(between(t, html, "forgot-email-error"), tt.fieldErr) {
					t.Errorf("no message %q under the field:\n%s", tt.fieldErr, html)
				}
			}
			if tt.unwantedIn != "" && strings.Contains(html, tt.unwantedIn) {
				t.Errorf("page shows %q", tt.unwantedIn)
			}
			if strings.Contains(tag(t, html, "forgot-submit"), "disabled") {
				t.Errorf("submit button stays disabled after an error")
			}
			if !strings.Contains(html, `id="forgot-back"`) {
				t.Errorf("no way back to sign in after an error")
			}
		})
	}
}

func renderReset(t *testing.T, p *resetPasswordPage) string {
	t.Helper()
	p.brand, p.path = brands["acme.test"], "/portal/reset-password"
	return renderPage(t, p)
}

func TestResetPasswordForm(t *testing.T) {
	html := renderReset(t, &resetPasswordPage{checked: true, token: "tok"})
	for id, want := range map[string][]string{
		"reset":                 {"<form", `method="post"`},
		"reset-password":        {"<input", `type="password"`, `autocomplete="new-password"`, "required", `name="reset-password"`, `aria-describedby="reset-password-hint"`},
		"reset-confirm":         {"<input", `type="password"`, `autocomplete="new-password"`, "required", `name="reset-confirm"`},
		"reset-password-toggle": {"<button", `type="button"`, `aria-controls="reset-password reset-confirm"`},
		"reset-password-hint":   {"<p"},
		"reset-submit":          {"<button", `type="submit"`},
		"reset-error":           {"<div", `role="alert"`},
		"reset-back":            {"<a", `href="/portal/login"`},
	} {
		if missing := hasAttrs(tag(t, html, id), want...); len(missing) > 0 {
			t.Errorf("#%s %s lacks %v", id, tag(t, html, id), missing)
		}
	}
	for _, want := range []string{`for="reset-password"`, `for="reset-confirm"`, ">Set new password<", "Use at least 10 characters"} {
		if !strings.Contains(html, want) {
			t.Errorf("reset form lacks %q", want)
		}
	}
	for _, unwanted := range []string{" disabled", "aria-invalid", "Checking your link", "reset-invalid", "do not match", "tok"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("idle reset form contains %q:\n%s", unwanted, html)
		}
	}
}

func TestResetPasswordStates(t *testing.T) {
	tests := []struct {
		name     string
		page     resetPasswordPage
		want     []string
		unwanted []string
	}{
		{
			name:     "pre-rendered: checking the link",
			page:     resetPasswordPage{},
			want:     []string{`id="reset-checking"`, "Checking your link…", `id="reset-password"`},
			unwanted: []string{"reset-invalid", ">Set new password<"},
		},
		{
			name:     "no token in the link",
			page:     resetPasswordPage{checked: true},
			want:     []string{`id="reset-invalid"`, "This link is invalid or has expired", `href="/portal/forgot-password"`, `id="reset-new-link"`, `href="/portal/login"`},
			unwanted: []string{`id="reset-password"`, `id="reset-submit"`},
		},
		{
			name: "short password: the hint counts",
			page: resetPasswordPage{checked: true, token: "t", password: "short"},
			want: []string{"5 of at least 10 characters."},
		},
		{
			name:     "long enough",
			page:     resetPasswordPage{checked: true, token: "t", password: "päßwörter-12"},
			want:     []string{"field__hint--ok", "Long enough"},
			unwanted: []string{"of at least"},
		},
		{
			name: "mismatch after trying to send",
			page: resetPasswordPage{checked: true, token: "t", password: "correct horse battery", confirm: "correct horse battery!", matchChecked: true},
			want: []string{`id="reset-confirm-error"`, "Passwords do not match.", `aria-describedby="reset-confirm-error"`},
		},
		{
			name:     "mismatch not shown before trying to send",
			page:     resetPasswordPage{checked: true, token: "t", password: "correct horse battery", confirm: "correct"},
			unwanted: []string{"do not match", "aria-invalid"},
		},
		{
			name:     "fixed after the mismatch",
			page:     resetPasswordPage{checked: true, token: "t", password: "correct horse battery", confirm: "correct horse battery", matchChecked: true},
			unwanted: []string{"do not match", "aria-invalid"},
		},
		{
			name: "saving",
			page: resetPasswordPage{checked: true, token: "t", submission: state.Submission{Status: state.Loading}},
			want: []string{"Saving…", `class="spinner"`},
		},
		{
			name: "weak password: the server's message under the field",
			page: resetPasswordPage{checked: true, token: "t", password: "password123", confirm: "password123", matchChecked: true,
				submission: state.Submission{Status: state.LoadingErr, Err: &apiclient.Error{Status: 400, Code: api.CodeInvalid,
					Detail: "Choose a stronger password.", RequestID: "req-7",
					Fields: []api.FieldError{{Field: "password", Message: "This password is too common. Choose another."}}}}},
			want: []string{`id="reset-password-error"`, "This password is too common. Choose another.",
				`aria-describedby="reset-password-hint reset-password-error"`, "Choose a stronger password.", `id="reset-submit"`},
			unwanted: []string{"req-7", "reset-invalid", "do not match"},
		},
		{
			name: "link refused by the server",
			page: resetPasswordPage{checked: true, token: "t",
				submission: state.Submission{Status: state.LoadingErr, Err: &apiclient.Error{Status: 400, Code: api.CodeInvalid,
					Detail: "This reset link is invalid or has expired. Ask for a new one.",
					Fields: []api.FieldError{{Field: "token", Message: "The link is invalid, already used or expired."}}}}},
			want:     []string{`id="reset-invalid"`, `href="/portal/forgot-password"`},
			unwanted: []string{`id="reset-password"`, `id="reset-submit"`},
		},
		{
			name: "server failure keeps the form and gives a reference",
			page: resetPasswordPage{checked: true, token: "t",
				submission: state.Submission{Status: state.LoadingErr, Err: &apiclient.Error{Status: 503, Code: api.CodeUnavailable, RequestID: "req-503"}}},
			want:     []string{"We could not change your password right now", "quote reference req-503", `id="reset-submit"`},
			unwanted: []string{"reset-invalid"},
		},
		{
			name:     "done",
			page:     resetPasswordPage{checked: true, submission: state.Submission{Status: state.Loaded}},
			want:     []string{`id="reset-done"`, "Your password has been changed", `id="reset-signin"`, `href="/portal/login"`, ">Sign in<"},
			unwanted: []string{`id="reset-password"`, "reset-invalid"},
		},
		{
			name:     "invitation",
			page:     resetPasswordPage{checked: true, token: "t", invite: true},
			want:     []string{"Choose your password", ">Set password<", "activates your account"},
			unwanted: []string{"Reset your password"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.page
			html := renderReset(t, &p)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("page lacks %q:\n%s", w, html)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(html, u) {
					t.Errorf("page shows %q:\n%s", u, html)
				}
			}
			if fieldsetDisabled := regexp.MustCompile(`<fieldset[^>]* disabled[ >]`).MatchString(html); fieldsetDisabled != !p.checked {
				t.Errorf("form disabled = %v, want %v (until the link is read)", fieldsetDisabled, !p.checked)
			}
			// The submit button is disabled only while checking or saving.
			if strings.Contains(html, `id="reset-submit"`) {
				disabled := len(hasAttrs(tag(t, html, "reset-submit"), "disabled")) == 0
				if want := !p.checked || p.submission.Status == state.Loading; disabled != want {
					t.Errorf("submit disabled = %v, want %v: %s", disabled, want, tag(t, html, "reset-submit"))
				}
			}
		})
	}
}

func TestParseResetLink(t *testing.T) {
	tests := []struct {
		fragment string
		want     resetLink
		ok       bool
	}{
		{"token=abc_DEF-123", resetLink{Token: "abc_DEF-123"}, true},
		{"token=abc&invite=1", resetLink{Token: "abc", Invite: true}, true},
		{"invite=1&token=a%2Bb%3D", resetLink{Token: "a+b=", Invite: true}, true},
		{"token=abc&bad=%zz", resetLink{Token: "abc"}, true},
		{"token=", resetLink{}, false},
		{"main", resetLink{}, false},
		{"", resetLink{}, false},
	}
	for _, tt := range tests {
		got, ok := parseResetLink(tt.fragment)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseResetLink(%q) = %+v, %v; want %+v, %v", tt.fragment, got, ok, tt.want, tt.ok)
		}
	}
}

func TestConfirmError(t *testing.T) {
	for _, tt := range []struct {
		password, confirm, want string
	}{
		{"correct horse battery", "correct horse battery", ""},
		{"correct horse battery", "correct horse batter", msgPasswordsDiffer},
		{"Password-2026", "password-2026", msgPasswordsDiffer}, // case matters
		{"x", "", msgPasswordsDiffer},
		{"", "", ""}, // "required" catches empty fields first
	} {
		if got := confirmError(tt.password, tt.confirm); got != tt.want {
			t.Errorf("confirmError(%q, %q) = %q, want %q", tt.password, tt.confirm, got, tt.want)
		}
	}
}

func TestDescribeResetError(t *testing.T) {
	if _, refused := describeResetError(&apiclient.Error{Status: 400, Code: api.CodeInvalid,
		Fields: []api.FieldError{{Field: "token", Message: "expired"}}}); !refused {
		t.Error("a token error does not count as a refused link")
	}
	p, refused := describeResetError(&apiclient.Error{Status: 400, Code: api.CodeInvalid,
		Fields: []api.FieldError{{Field: "password", Message: "use at least 10 characters."}}})
	if refused || p.Fields[idResetPassword] != "Use at least 10 characters." {
		t.Errorf("password error = %+v, refused %v", p, refused)
	}
	if p, refused := describeResetError(fmt.Errorf("x: %w", errors.New("TypeError"))); refused || !strings.Contains(p.Message, "could not reach") {
		t.Errorf("network error = %+v, refused %v", p, refused)
	}
}
