package pages

import (
	"strings"

	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the forgot-password screen; browser tests find it by them.
const (
	idForgotForm   = "forgot"
	idForgotEmail  = "forgot-email"
	idForgotSubmit = "forgot-submit"
	idForgotError  = "forgot-error"
	idForgotSent   = "forgot-sent"
	idForgotAgain  = "forgot-again"
	idForgotBack   = "forgot-back"
)

// forgotPasswordPage is /portal/forgot-password (spec 000 login_and_auth
// step 2, forgot_password_screen): the user's e-mail address, "Send reset
// link", then the confirmation (reset_sent_confirmation) with the server's
// own wording, which is the same whether or not the address has an account.
// "Back to sign in" is always there.
type forgotPasswordPage struct {
	app.Compo

	chrome

	// interactive is false in the pre-rendered page, whose form stays
	// disabled until the Wasm runs it (see loginPage.interactive).
	interactive bool

	email      string
	submission state.Submission
}

func newForgotPasswordPage() app.Composer {
	return &forgotPasswordPage{}
}

// OnInit brands the first client render (see brand.Initial).
func (p *forgotPasswordPage) OnInit() {
	p.initBrand()
	if app.IsClient {
		p.interactive = true
	}
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *forgotPasswordPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Reset your password", "Get a link to choose a new password for the customer portal of "+p.brand.Name)
	if !app.IsClient {
		return
	}
	// A request that ended earlier is not news on a fresh visit.
	var last state.Submission
	ctx.GetState(state.KeyPasswordResetRequest, &last)
	if last.Status != state.Loading {
		ctx.SetState(state.KeyPasswordResetRequest, state.Submission{})
	}
	ctx.ObserveState(state.KeyPasswordResetRequest, &p.submission)
}

// OnMount puts the cursor in the e-mail field.
func (p *forgotPasswordPage) OnMount(ctx app.Context) {
	focusFirst(ctx, idForgotEmail)
}

func (p *forgotPasswordPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.submission.Status == state.Loading || !p.interactive {
		return
	}
	// From the form too, for browsers that fill it without input events.
	if el := ctx.JSSrc().Get("elements"); el.Truthy() {
		if input := el.Call("namedItem", idForgotEmail); input.Truthy() {
			p.email = input.Get("value").String()
		}
	}
	p.submission = state.Submission{Status: state.Loading} // at once, before the action's goroutine runs
	ctx.NewActionWithValue(state.ActionRequestPasswordReset, strings.TrimSpace(p.email))
}

// again goes back to the form, for another address or a typo.
func (p *forgotPasswordPage) again(ctx app.Context, _ app.Event) {
	ctx.SetState(state.KeyPasswordResetRequest, state.Submission{})
	focusFirst(ctx, idForgotEmail)
}

// Render implements app.Composer.
func (p *forgotPasswordPage) Render() app.UI {
	b := p.brand
	var body app.UI
	if p.submission.Status == state.Loaded {
		body = p.renderSent()
	} else {
		body = p.renderForm()
	}
	return components.NewLayout().
		Brand(b).
		Path(p.path).
		Content(
			app.Section().Class("signin").Body(
				components.NewLogo().Brand(b).Large(true),
				app.H1().Class("signin__title").Text("Reset your password"),
				app.Div().Class("card signin__card").Body(body),
			),
		)
}

func (p *forgotPasswordPage) renderForm() app.UI {
	var problem formProblem
	if p.submission.Status == state.LoadingErr {
		problem = describeForgotError(p.submission.Err)
	}
	fieldErr := problem.Fields[idForgotEmail]

	fields := app.FieldSet().Class("signin__fields")
	if !p.interactive {
		fields = fields.Disabled(true) // only when true: see loginPage.renderForm
	}
	input := app.Input().
		ID(idForgotEmail).
		Name(idForgotEmail).
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

	submit := app.Button().
		ID(idForgotSubmit).
		Class("button button--primary button--block").
		Type("submit")
	switch {
	case !p.interactive:
		submit = submit.Disabled(true).Text("Loading…")
	case p.submission.Status == state.Loading:
		submit = submit.Disabled(true).Class("button--busy").Body(
			app.Span().Class("spinner"),
			app.Text("Sending…"),
		)
	default:
		submit = submit.Text("Send reset link")
	}

	return app.Form().
		ID(idForgotForm).
		Class("signin__form").
		Method("post").
		OnSubmit(p.submit).
		Body(
			fields.Body(
				app.P().Class("signin__lead").Text(
					"Enter the e-mail address you sign in with. We will send you a link to choose a new password."),
				formAlert(idForgotError, problem, p.brand.Name),
				app.Div().Class("field").Body(
					app.Label().Class("field__label").For(idForgotEmail).Text("E-mail address"),
					withFieldError(input, idForgotEmail, fieldErr),
					fieldError(idForgotEmail, fieldErr),
				),
				submit,
			),
			// Outside the fieldset: the link works before the Wasm runs.
			app.P().Class("signin__alt").Body(
				app.A().ID(idForgotBack).Href(components.PathLogin).Text("Back to sign in"),
			),
		)
}

// renderSent is the confirmation. It says what the server said: that a link
// went out if the address has an account. Telling more would let anyone
// find out which addresses do.
func (p *forgotPasswordPage) renderSent() app.UI {
	return app.Div().
		ID(idForgotSent).
		Class("signin__done").
		Role("status").
		Body(
			app.H2().Class("card__title").Text("Check your e-mail"),
			app.P().Text(orDefault(p.submission.Detail,
				"If an account uses this address, we have sent it a link to reset the password.")),
			app.P().Class("card__note").Text(
				"No e-mail after a few minutes? Check your spam folder, and that you used the address you sign in with."),
			app.Div().Class("signin__actions").Body(
				app.A().
					ID(idForgotBack).
					Class("button button--primary button--block").
					Href(components.PathLogin).
					Text("Back to sign in"),
				app.Button().
					ID(idForgotAgain).
					Class("button button--block").
					Type("button").
					OnClick(p.again).
					Text("Use another address"),
			),
		)
}

// describeForgotError turns the error of a failed reset request into what
// the form shows.
func describeForgotError(err error) formProblem {
	if err == nil {
		return formProblem{}
	}
	e, problem, answered := apiError(err)
	if !answered {
		return problem
	}
	switch e.Code {
	case api.CodeInvalid:
		if fields := fieldMessages(e.Fields, map[string]string{"email": idForgotEmail}); len(fields) > 0 {
			return formProblem{Message: "Please correct the marked field.", Fields: fields}
		}
		return formProblem{Message: "Please check your e-mail address.", Ref: e.RequestID}
	case api.CodeRateLimited:
		return formProblem{Message: orDefault(e.Detail, "Too many requests. Please wait a few minutes and try again.")}
	default:
		return formProblem{
			Message: "We could not send the link right now. Please try again in a moment.",
			Ref:     e.RequestID,
		}
	}
}
