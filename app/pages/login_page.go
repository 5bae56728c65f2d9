package pages

import (
	"strings"

	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the sign-in form. Browser tests find the form by them, and
// labels and error messages point at them; keep them stable.
const (
	idSignInForm     = "signin"
	idEmail          = "email"
	idPassword       = "password"
	idRemember       = "remember"
	idSignInSubmit   = "signin-submit"
	idSignInError    = "signin-error"
	idPasswordToggle = "password-toggle"
	idForgotLink     = "forgot-link"
)

// loginPage is /portal/login (spec 000 login_screen): the tenant's logo and
// name over a card with the sign-in form. Signing in stores the user in the
// session state, which every page observes, and goes to the dashboard; a
// visitor who is already signed in goes there at once.
//
// Under the form, "Forgot password?" leads to the password reset (spec steps
// 2–3); under the card, the request_access_section (request_access_page.go).
type loginPage struct {
	app.Compo

	chrome

	// interactive is false in the pre-rendered page: until the Wasm runs
	// the form, it is disabled, so nobody types into fields that the app
	// replaces when it starts, or submits a password as a plain form post.
	interactive bool

	email        string
	password     string
	remember     bool
	showPassword bool

	session    state.Session
	submission state.Submission

	ssoError string // the code /api/v1/sso/callback sent back (?sso_error=)
}

func newLoginPage() app.Composer {
	return &loginPage{}
}

// OnInit brands the first client render (see brand.Initial).
func (p *loginPage) OnInit() {
	p.initBrand()
	if app.IsClient {
		p.interactive = true
	}
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *loginPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Sign in", "Sign in to the customer portal of "+p.brand.Name)
	p.ssoError = ctx.Page().URL().Query().Get(api.SSOErrorParam)
	if !app.IsClient {
		return // the pre-render has no cookies: it cannot know who is signed in
	}

	// A sign-in that ended earlier (an error, or a success before signing
	// out again) is not news on a fresh visit.
	var last state.Submission
	ctx.GetState(state.KeySignIn, &last)
	if last.Status != state.Loading {
		ctx.SetState(state.KeySignIn, state.Submission{})
	}
	ctx.ObserveState(state.KeySignIn, &p.submission).OnChange(func() {
		// The password was right but the second factor is due.
		if p.submission.Status == state.Loaded && p.submission.Next != "" {
			ctx.Navigate(p.submission.Next)
		}
	})
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() {
		p.leaveIfSignedIn(ctx)
	})
	if _, ok := p.session.User(); ok {
		ctx.Defer(p.leaveIfSignedIn)
		return
	}
	ctx.NewAction(state.ActionLoadSession)
}

// OnMount puts the cursor in the e-mail field (spec: autofocus), unless the
// user has already focused something: the autofocus attribute alone does
// not act on a form the app inserts after the page has loaded.
func (p *loginPage) OnMount(ctx app.Context) {
	focusFirst(ctx, idEmail)
}

// leaveIfSignedIn goes to the dashboard once the session state has a user:
// after a successful sign-in, or at once for a visitor who is signed in.
func (p *loginPage) leaveIfSignedIn(ctx app.Context) {
	if _, ok := p.session.User(); ok {
		ctx.Navigate(components.PathDashboard)
	}
}

// busy reports whether a sign-in is running, or has succeeded and the page
// is about to leave: either way the form must not be sent again.
func (p *loginPage) busy() bool {
	return p.submission.Status == state.Loading || p.submission.Status == state.Loaded
}

func (p *loginPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy() || !p.interactive {
		return
	}
	p.readForm(ctx)
	p.submission = state.Submission{Status: state.Loading} // at once, before the action's goroutine runs
	ctx.NewActionWithValue(state.ActionSignIn, api.SignIn{
		Email:    strings.TrimSpace(p.email),
		Password: p.password,
		Remember: p.remember,
	})
}

// readForm takes the values from the form itself (the submit event's
// source) as well as from the input events: some browsers fill saved
// credentials without firing them.
func (p *loginPage) readForm(ctx app.Context) {
	elements := ctx.JSSrc().Get("elements")
	if !elements.Truthy() {
		return
	}
	if el := elements.Call("namedItem", idEmail); el.Truthy() {
		p.email = el.Get("value").String()
	}
	if el := elements.Call("namedItem", idPassword); el.Truthy() {
		p.password = el.Get("value").String()
	}
	if el := elements.Call("namedItem", idRemember); el.Truthy() {
		p.remember = el.Get("checked").Bool()
	}
}

func (p *loginPage) onRemember(ctx app.Context, _ app.Event) {
	p.remember = ctx.JSSrc().Get("checked").Bool()
}

func (p *loginPage) togglePassword(app.Context, app.Event) {
	p.showPassword = !p.showPassword
}

// Render implements app.Composer.
func (p *loginPage) Render() app.UI {
	b := p.brand
	return components.NewLayout().
		Brand(b).
		Path(p.path).
		Content(
			app.Section().Class("signin").Body(
				components.NewLogo().Brand(b).Large(true),
				app.H1().Class("signin__title").Text("Sign in to "+b.Name),
				app.Div().Class("card signin__card").Body(p.renderForm(), p.renderSSO()),
				// Onboarding: request access (and sign-up where the tenant allows it).
				newRequestAccessSection(),
			),
		)
}

func (p *loginPage) renderForm() app.UI {
	var problem formProblem
	if p.submission.Status == state.LoadingErr {
		problem = describeSignInError(p.submission.Err)
	}

	fields := app.FieldSet().Class("signin__fields")
	if !p.interactive {
		// Set only when true: go-app pre-renders a false boolean attribute
		// as disabled="false", which HTML reads as disabled.
		fields = fields.Disabled(true)
	}
	return app.Form().
		ID(idSignInForm).
		Class("signin__form").
		Method("post").
		OnSubmit(p.submit).
		Body(
			fields.Body(
				formAlert(idSignInError, problem, p.brand.Name),
				p.renderEmail(problem.Fields[idEmail]),
				p.renderPassword(problem.Fields[idPassword]),
				p.renderRemember(),
				p.renderSubmit(),
			),
			// Outside the fieldset: the link works before the Wasm runs.
			app.P().Class("signin__alt").Body(
				app.A().ID(idForgotLink).Href(components.PathForgotPassword).Text("Forgot password?"),
			),
		)
}

func (p *loginPage) renderEmail(fieldErr string) app.UI {
	input := app.Input().
		ID(idEmail).
		Name(idEmail).
		Class("field__input").
		Type("email").
		Attr("autocomplete", "username").
		Attr("autocapitalize", "none").
		Spellcheck(false).
		Placeholder("you@company.com").
		Required(true).
		AutoFocus(true).
		Value(p.email).
		OnInput(p.ValueTo(&p.email))
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(idEmail).Text("E-mail address"),
		withFieldError(input, idEmail, fieldErr),
		fieldError(idEmail, fieldErr),
	)
}

func (p *loginPage) renderPassword(fieldErr string) app.UI {
	inputType, toggleText, toggleLabel := "password", "Show", "Show password"
	if p.showPassword {
		inputType, toggleText, toggleLabel = "text", "Hide", "Hide password"
	}
	input := app.Input().
		ID(idPassword).
		Name(idPassword).
		Class("field__input").
		Type(inputType).
		Attr("autocomplete", "current-password").
		Attr("autocapitalize", "none").
		Spellcheck(false).
		Required(true).
		Value(p.password).
		OnInput(p.ValueTo(&p.password))
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(idPassword).Text("Password"),
		app.Div().Class("field__password").Body(
			withFieldError(input, idPassword, fieldErr),
			app.Button().
				ID(idPasswordToggle).
				Class("field__toggle").
				Type("button").
				Aria("controls", idPassword).
				Aria("label", toggleLabel).
				OnClick(p.togglePassword).
				Text(toggleText),
		),
		fieldError(idPassword, fieldErr),
	)
}

func (p *loginPage) renderRemember() app.UI {
	box := app.Input().
		ID(idRemember).
		Name(idRemember).
		Class("field__check").
		Type("checkbox").
		OnChange(p.onRemember)
	if p.remember {
		box = box.Checked(true) // only when true, as with disabled
	}
	return app.Div().Class("field field--check").Body(
		box,
		app.Label().For(idRemember).Text("Remember me for 30 days"),
	)
}

func (p *loginPage) renderSubmit() app.UI {
	button := app.Button().
		ID(idSignInSubmit).
		Class("button button--primary button--block").
		Type("submit")
	switch {
	case !p.interactive:
		return button.Disabled(true).Text("Loading…")
	case p.busy():
		return button.Disabled(true).Class("button--busy").Body(
			app.Span().Class("spinner"),
			app.Text("Signing in…"),
		)
	default:
		return button.Text("Sign in")
	}
}

// describeSignInError turns the error of a failed sign-in into what the form
// shows. The server's own wording is used where it is meant for the user:
// the generic "wrong e-mail or password" (the same for both, so nobody can
// probe which accounts exist), and when to retry after too many attempts.
// Anything else gets a plain apology and, when the server sent one, the
// request id support needs.
func describeSignInError(err error) formProblem {
	if err == nil {
		return formProblem{}
	}
	e, problem, answered := apiError(err)
	if !answered {
		return problem
	}
	switch e.Code {
	case api.CodeUnauthorized:
		return formProblem{Message: orDefault(e.Detail, "E-mail or password is incorrect.")}
	case api.CodeRateLimited:
		return formProblem{Message: orDefault(e.Detail,
			"Too many sign-in attempts. Please wait a few minutes and try again.")}
	case api.CodeInvalid:
		if fields := fieldMessages(e.Fields, map[string]string{"email": idEmail, "password": idPassword}); len(fields) > 0 {
			return formProblem{Message: "Please correct the marked fields.", Fields: fields}
		}
		return formProblem{Message: "Please check your e-mail address and password.", Ref: e.RequestID}
	default:
		return formProblem{
			Message: "Sign-in is not available right now. Please try again in a moment.",
			Ref:     e.RequestID,
		}
	}
}

// Single sign-on: when the tenant has an identity provider, a button under
// the password form starts it (a plain form: it works before the Wasm runs), and
// a failed attempt's code shows as a generic message above it.
const (
	idSSOLink  = "sso-link"
	idSSOError = "sso-error"
)

func (p *loginPage) renderSSO() app.UI {
	if p.brand.SSOLabel == "" {
		return nil
	}
	var problem formProblem
	if p.ssoError != "" {
		problem.Message = api.SSOErrorMessage(p.ssoError)
	}
	return app.Div().Class("signin__sso").Body(
		app.P().Class("signin__or").Text("or"),
		formAlert(idSSOError, problem, p.brand.Name),
		// A GET form, not a link: go-app routes link clicks inside the
		// app, and this must leave it for the server's redirect.
		app.Form().Method("get").Action(api.PathSSOStart).Body(
			app.Button().ID(idSSOLink).Class("button button--block").Type("submit").Text(p.brand.SSOLabel),
		),
	)
}
