package pages

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the reset-password screen; browser tests find it by them.
const (
	idResetForm     = "reset"
	idResetPassword = "reset-password"
	idResetConfirm  = "reset-confirm"
	idResetToggle   = "reset-password-toggle"
	idResetHint     = "reset-password-hint"
	idResetSubmit   = "reset-submit"
	idResetError    = "reset-error"
	idResetChecking = "reset-checking"
	idResetInvalid  = "reset-invalid"
	idResetNewLink  = "reset-new-link"
	idResetDone     = "reset-done"
	idResetSignIn   = "reset-signin"
	idResetBack     = "reset-back"
)

// minPasswordLength is the server's minimum (portal.MinPasswordLength),
// for the hint under the field only: the server decides what it accepts,
// and says why it refuses a password.
const minPasswordLength = 10

// msgPasswordsDiffer is the client's own check before anything is sent.
const msgPasswordsDiffer = "Passwords do not match."

// resetPasswordPage is /portal/reset-password (spec 000 login_and_auth step
// 3, reset_password_screen), where the e-mailed links point: a new password
// twice, then "sign in". Invitations use the same link with "invite=1"
// (setting a password activates the invited user); the page then speaks of
// choosing a password rather than resetting one.
//
// The token is in the URL fragment (#token=…), which the browser never sends
// to a server: the pre-rendered page cannot know it, so it shows "Checking
// your link…" with the form disabled until the Wasm has read the fragment.
// The page then keeps the token in memory and takes it out of the address
// bar, so it does not linger in the history, a bookmark or a screenshot.
type resetPasswordPage struct {
	app.Compo

	chrome

	checked bool   // the Wasm has read the link from the fragment
	token   string // "" when the link has none
	invite  bool   // the link is an invitation's

	password     string
	confirm      string
	showPassword bool
	// matchChecked is set once the user has tried to send the form: from
	// then on the confirmation says, as they type, whether it matches.
	matchChecked bool

	submission state.Submission
}

func newResetPasswordPage() app.Composer {
	return &resetPasswordPage{}
}

// OnInit brands the first client render (see brand.Initial).
func (p *resetPasswordPage) OnInit() {
	p.initBrand()
}

// OnNav runs on the server (pre-render) and in the browser. It runs again
// when only the fragment changes (a second link pasted into the same tab, or
// the "Skip to content" link's #main), so a fragment without a token keeps
// the token the page already has.
func (p *resetPasswordPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	if !app.IsClient {
		p.setTitle(ctx)
		return // the fragment never reaches the server
	}
	u := ctx.Page().URL()
	if link, ok := parseResetLink(u.EscapedFragment()); ok {
		if !p.checked || link.Token != p.token {
			p.startOver(ctx)
		}
		p.token, p.invite = link.Token, link.Invite
		clean := *u
		clean.Fragment, clean.RawFragment = "", ""
		ctx.Page().ReplaceURL(&clean) // history.replaceState: no new history entry
	} else if !p.checked {
		p.startOver(ctx)
	}
	p.checked = true
	p.setTitle(ctx)
	ctx.ObserveState(state.KeyResetPassword, &p.submission).OnChange(func() {
		if p.submission.Status == state.Loaded {
			// Used up: nothing of it needs to stay in memory.
			p.token, p.password, p.confirm = "", "", ""
		}
	})
	focusFirst(ctx, idResetPassword)
}

// startOver forgets the outcome of an earlier link (unless one is being
// sent) and what was typed for it.
func (p *resetPasswordPage) startOver(ctx app.Context) {
	var last state.Submission
	ctx.GetState(state.KeyResetPassword, &last)
	if last.Status != state.Loading {
		ctx.SetState(state.KeyResetPassword, state.Submission{})
		p.submission = state.Submission{}
	}
	p.password, p.confirm, p.matchChecked = "", "", false
}

func (p *resetPasswordPage) setTitle(ctx app.Context) {
	ctx.Page().SetTitle("%s", pageTitle(p.heading(), p.brand))
	ctx.Page().SetDescription("%s", "Choose a new password for the customer portal of "+p.brand.Name)
}

func (p *resetPasswordPage) heading() string {
	if p.invite {
		return "Choose your password"
	}
	return "Reset your password"
}

// resetLink is what a reset link's fragment carries.
type resetLink struct {
	Token  string
	Invite bool
}

// parseResetLink reads the fragment of a reset link ("token=…&invite=1",
// escaped as in the URL) and reports whether it has a token.
func parseResetLink(fragment string) (resetLink, bool) {
	v, _ := url.ParseQuery(fragment) // keeps what parses; a stray bad pair does not lose the token
	token := strings.TrimSpace(v.Get("token"))
	if token == "" {
		return resetLink{}, false
	}
	return resetLink{Token: token, Invite: v.Get("invite") == "1"}, true
}

// confirmError is the client's check before sending: the two fields must be
// the same. How strong the password must be is the server's to say.
func confirmError(password, confirm string) string {
	if password != confirm {
		return msgPasswordsDiffer
	}
	return ""
}

func (p *resetPasswordPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.checked || p.token == "" || p.submission.Status == state.Loading {
		return
	}
	p.readForm(ctx)
	p.matchChecked = true
	if confirmError(p.password, p.confirm) != "" {
		// Nothing goes to the server, and what it said about an earlier
		// attempt no longer applies.
		ctx.SetState(state.KeyResetPassword, state.Submission{})
		p.submission = state.Submission{}
		ctx.Defer(func(app.Context) {
			if el := app.Window().Get("document").Call("getElementById", idResetConfirm); el.Truthy() {
				el.Call("focus")
			}
		})
		return
	}
	p.submission = state.Submission{Status: state.Loading} // at once, before the action's goroutine runs
	ctx.NewActionWithValue(state.ActionResetPassword, api.PasswordResetConfirm{Token: p.token, Password: p.password})
}

// readForm takes the values from the form itself as well as from the input
// events: password managers may fill a generated password without firing
// them.
func (p *resetPasswordPage) readForm(ctx app.Context) {
	elements := ctx.JSSrc().Get("elements")
	if !elements.Truthy() {
		return
	}
	if el := elements.Call("namedItem", idResetPassword); el.Truthy() {
		p.password = el.Get("value").String()
	}
	if el := elements.Call("namedItem", idResetConfirm); el.Truthy() {
		p.confirm = el.Get("value").String()
	}
}

func (p *resetPasswordPage) togglePassword(app.Context, app.Event) {
	p.showPassword = !p.showPassword
}

// Render implements app.Composer.
func (p *resetPasswordPage) Render() app.UI {
	var problem formProblem
	var refused bool
	if p.submission.Status == state.LoadingErr {
		problem, refused = describeResetError(p.submission.Err)
	}
	var body app.UI
	switch {
	case p.submission.Status == state.Loaded:
		body = p.renderDone()
	case refused, p.checked && p.token == "":
		body = p.renderInvalid()
	default:
		body = p.renderForm(problem)
	}
	return components.NewLayout().
		Brand(p.brand).
		Path(p.path).
		Content(
			app.Section().Class("signin").Body(
				components.NewLogo().Brand(p.brand).Large(true),
				app.H1().Class("signin__title").Text(p.heading()),
				app.Div().Class("card signin__card").Body(body),
			),
		)
}

func (p *resetPasswordPage) renderForm(problem formProblem) app.UI {
	fields := app.FieldSet().Class("signin__fields")
	if !p.checked {
		fields = fields.Disabled(true) // only when true: see loginPage.renderForm
	}
	lead := "Choose a new password for your account."
	if p.invite {
		lead = "Choose the password you will sign in with. Setting it activates your account."
	}
	return app.Form().
		ID(idResetForm).
		Class("signin__form").
		Method("post").
		OnSubmit(p.submit).
		Body(
			fields.Body(
				app.If(!p.checked, func() app.UI {
					return app.P().ID(idResetChecking).Class("signin__lead").Role("status").Text("Checking your link…")
				}).Else(func() app.UI {
					return app.P().Class("signin__lead").Text(lead)
				}),
				formAlert(idResetError, problem, p.brand.Name),
				p.renderPassword(problem.Fields[idResetPassword]),
				p.renderConfirm(),
				p.renderSubmit(),
			),
			app.P().Class("signin__alt").Body(
				app.A().ID(idResetBack).Href(components.PathLogin).Text("Back to sign in"),
			),
		)
}

func (p *resetPasswordPage) renderPassword(fieldErr string) app.UI {
	inputType, toggleText, toggleLabel := "password", "Show", "Show passwords"
	if p.showPassword {
		inputType, toggleText, toggleLabel = "text", "Hide", "Hide passwords"
	}
	describedBy := idResetHint
	input := app.Input().
		ID(idResetPassword).
		Name(idResetPassword).
		Class("field__input").
		Type(inputType).
		Attr("autocomplete", "new-password").
		Attr("autocapitalize", "none").
		Spellcheck(false).
		Required(true).
		Value(p.password).
		OnInput(p.ValueTo(&p.password))
	if fieldErr != "" {
		input = input.Aria("invalid", "true")
		describedBy += " " + idResetPassword + "-error"
	}
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(idResetPassword).Text("New password"),
		app.Div().Class("field__password").Body(
			input.Aria("describedby", describedBy),
			app.Button().
				ID(idResetToggle).
				Class("field__toggle").
				Type("button").
				Aria("controls", idResetPassword+" "+idResetConfirm).
				Aria("label", toggleLabel).
				OnClick(p.togglePassword).
				Text(toggleText),
		),
		p.renderHint(),
		fieldError(idResetPassword, fieldErr),
	)
}

// renderHint is the live strength hint under the new password: how long it
// is against the minimum. It is a hint, not a rule: the server checks the
// rest (common passwords, the e-mail address in it) and says so.
func (p *resetPasswordPage) renderHint() app.UI {
	n := utf8.RuneCountInString(p.password)
	hint := app.P().ID(idResetHint).Class("field__hint")
	switch {
	case n == 0:
		return hint.Text("Use at least " + strconv.Itoa(minPasswordLength) +
			" characters. A few unrelated words are long and easy to remember.")
	case n < minPasswordLength:
		return hint.Text(strconv.Itoa(n) + " of at least " + strconv.Itoa(minPasswordLength) + " characters.")
	default:
		return hint.Class("field__hint--ok").Text("Long enough. Avoid common passwords and your e-mail address.")
	}
}

func (p *resetPasswordPage) renderConfirm() app.UI {
	inputType := "password"
	if p.showPassword {
		inputType = "text"
	}
	var mismatch string
	if p.matchChecked {
		mismatch = confirmError(p.password, p.confirm)
	}
	input := app.Input().
		ID(idResetConfirm).
		Name(idResetConfirm).
		Class("field__input").
		Type(inputType).
		Attr("autocomplete", "new-password").
		Attr("autocapitalize", "none").
		Spellcheck(false).
		Required(true).
		Value(p.confirm).
		OnInput(p.ValueTo(&p.confirm))
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(idResetConfirm).Text("Repeat the new password"),
		withFieldError(input, idResetConfirm, mismatch),
		fieldError(idResetConfirm, mismatch),
	)
}

func (p *resetPasswordPage) renderSubmit() app.UI {
	button := app.Button().
		ID(idResetSubmit).
		Class("button button--primary button--block").
		Type("submit")
	switch {
	case !p.checked:
		return button.Disabled(true).Text("Checking your link…")
	case p.submission.Status == state.Loading:
		return button.Disabled(true).Class("button--busy").Body(
			app.Span().Class("spinner"),
			app.Text("Saving…"),
		)
	case p.invite:
		return button.Text("Set password")
	default:
		return button.Text("Set new password")
	}
}

// renderInvalid replaces the form when the link has no token, or the server
// refused it: used, expired, or never issued.
func (p *resetPasswordPage) renderInvalid() app.UI {
	text := "Reset links work once, for one hour. Ask for a new link, and open the newest e-mail."
	if p.invite {
		text = "Invitation links work once. If you have already set your password, sign in or ask for a reset link; " +
			"if the invitation has expired, ask your company's portal administrator to invite you again."
	}
	return app.Div().
		ID(idResetInvalid).
		Class("signin__done").
		Role("alert").
		Body(
			app.H2().Class("card__title").Text("This link is invalid or has expired"),
			app.P().Text(text),
			app.Div().Class("signin__actions").Body(
				app.A().
					ID(idResetNewLink).
					Class("button button--primary button--block").
					Href(components.PathForgotPassword).
					Text("Get a new link"),
				app.A().
					ID(idResetBack).
					Class("button button--block").
					Href(components.PathLogin).
					Text("Back to sign in"),
			),
		)
}

func (p *resetPasswordPage) renderDone() app.UI {
	title, text := "Your password has been changed",
		"For your security, you have been signed out everywhere. Sign in with your new password."
	if p.invite {
		title, text = "Your password is set", "Your account is active. Sign in with your e-mail address and the new password."
	}
	return app.Div().
		ID(idResetDone).
		Class("signin__done").
		Role("status").
		Body(
			app.H2().Class("card__title").Text(title),
			app.P().Text(text),
			app.A().
				ID(idResetSignIn).
				Class("button button--primary button--block").
				Href(components.PathLogin).
				Text("Sign in"),
		)
}

// describeResetError turns the error of a failed reset into what the form
// shows, and reports whether the server refused the link itself (then the
// page offers a new link instead of the form).
func describeResetError(err error) (problem formProblem, linkRefused bool) {
	if err == nil {
		return formProblem{}, false
	}
	e, problem, answered := apiError(err)
	if !answered {
		return problem, false
	}
	switch {
	case e.Code == api.CodeInvalid && hasField(e, "token"):
		return formProblem{}, true
	case e.Code == api.CodeInvalid:
		if fields := fieldMessages(e.Fields, map[string]string{"password": idResetPassword}); len(fields) > 0 {
			return formProblem{Message: "Choose a stronger password.", Fields: fields}, false
		}
		return formProblem{Message: "Please check the new password.", Ref: e.RequestID}, false
	case e.Code == api.CodeRateLimited:
		return formProblem{Message: orDefault(e.Detail, "Too many attempts. Please wait a few minutes and try again.")}, false
	default:
		return formProblem{
			Message: "We could not change your password right now. Please try again in a moment.",
			Ref:     e.RequestID,
		}, false
	}
}
