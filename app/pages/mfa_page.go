package pages

import (
	"context"
	"strconv"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the second-factor screen; browser tests find it by them.
const (
	idMFAForm         = "mfa"
	idMFACode         = "mfa-code"
	idMFARecoveryCode = "mfa-recovery-code"
	idMFASubmit       = "mfa-submit"
	idMFAError        = "mfa-error"
	idMFAResend       = "mfa-resend"
	idMFAUseRecovery  = "mfa-use-recovery"
	idMFACancel       = "mfa-cancel"
	idMFAEnded        = "mfa-ended"
)

// apiTimeout bounds one call of the MFA screens.
const apiTimeout = 15 * time.Second

// mfaPage is /portal/mfa (spec 000 mfa_screen): after a right password,
// the six-digit code from the authenticator app, or one e-mailed (then with
// "Resend code" after a 60-second cooldown). The code field sends itself
// once six digits are in. A TOTP user may use a recovery code instead.
// Cancel ends the pending sign-in and goes back to the sign-in page.
type mfaPage struct {
	app.Compo

	chrome

	interactive bool
	loaded      bool // the challenge is known
	ended       bool // there is no pending sign-in (any more)
	challenge   api.MFAChallenge

	recovery     bool // typing a recovery code instead
	code         string
	recoveryCode string
	busy         bool
	problem      formProblem

	resendIn   int // seconds until "Resend code" works
	resendNote string
}

func newMFAPage() app.Composer { return &mfaPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *mfaPage) OnInit() {
	p.initBrand()
	p.interactive = app.IsClient
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *mfaPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Two-Factor Authentication", "Finish signing in to the customer portal of "+p.brand.Name)
	if !app.IsClient {
		return
	}
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, apiTimeout)
		defer cancel()
		ch, err := client.MFAChallenge(c)
		ctx.Dispatch(func(ctx app.Context) {
			if e, ok := err.(*apiclient.Error); ok && e.Status == 401 {
				ctx.Navigate(components.PathLogin) // nothing to finish: sign in first
				return
			}
			if err != nil {
				_, p.problem, _ = apiError(err)
				return
			}
			p.challenge, p.loaded = ch, true
			p.startCooldown(ctx, ch.ResendAfter)
			focusFirst(ctx, idMFACode)
		})
	})
}

// startCooldown counts down the seconds until a code may be resent.
func (p *mfaPage) startCooldown(ctx app.Context, seconds int) {
	p.resendIn = seconds
	if seconds <= 0 {
		return
	}
	ctx.After(time.Second, func(ctx app.Context) {
		if p.resendIn > 0 {
			p.startCooldown(ctx, p.resendIn-1)
		}
	})
}

func (p *mfaPage) onCode(ctx app.Context, _ app.Event) {
	v := ctx.JSSrc().Get("value").String()
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
	p.code = digits
	if len(digits) == 6 && !p.busy {
		p.verify(ctx) // spec: auto_submit
	}
}

func (p *mfaPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.busy && p.interactive && p.loaded {
		p.verify(ctx)
	}
}

func (p *mfaPage) verify(ctx app.Context) {
	in := api.MFAVerify{Code: p.code}
	if p.recovery {
		in = api.MFAVerify{RecoveryCode: p.recoveryCode}
	}
	p.busy, p.problem = true, formProblem{}
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, apiTimeout)
		defer cancel()
		me, err := client.VerifyMFA(c, in)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err == nil {
				state.SignedIn(ctx, me)
				ctx.Navigate(components.PathDashboard)
				return
			}
			e, problem, answered := apiError(err)
			switch {
			case !answered:
				p.problem = problem
			case e.Status == 401:
				p.ended = true
			case e.Code == api.CodeInvalid:
				p.problem = formProblem{Message: "The code was not accepted.",
					Fields: fieldMessages(e.Fields, map[string]string{"code": idMFACode, "recovery_code": idMFARecoveryCode})}
				p.code = ""
			case e.Code == api.CodeRateLimited:
				p.problem = formProblem{Message: orDefault(e.Detail, "Too many wrong codes. Please wait and try again.")}
			default:
				p.problem = formProblem{Message: "We could not check the code right now. Please try again.", Ref: e.RequestID}
			}
		})
	})
}

func (p *mfaPage) resend(ctx app.Context, _ app.Event) {
	if p.resendIn > 0 || p.busy {
		return
	}
	p.resendNote = ""
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, apiTimeout)
		defer cancel()
		ch, err := client.ResendMFACode(c)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				_, p.problem, _ = apiError(err)
				if e, ok := err.(*apiclient.Error); ok {
					p.problem = formProblem{Message: orDefault(e.Detail, "We could not send a new code."), Ref: e.RequestID}
				}
				return
			}
			p.resendNote = "We have sent you a new code."
			p.startCooldown(ctx, ch.ResendAfter)
		})
	})
}

func (p *mfaPage) toggleRecovery(ctx app.Context, _ app.Event) {
	p.recovery, p.problem = !p.recovery, formProblem{}
	if p.recovery {
		focusFirst(ctx, idMFARecoveryCode)
	} else {
		focusFirst(ctx, idMFACode)
	}
}

// cancel ends the pending sign-in and goes back to the sign-in page.
func (p *mfaPage) cancel(ctx app.Context, _ app.Event) {
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, apiTimeout)
		defer cancel()
		_ = client.SignOut(c) // the pending session ends within minutes anyway
		ctx.Dispatch(func(ctx app.Context) { ctx.Navigate(components.PathLogin) })
	})
}

// Render implements app.Composer.
func (p *mfaPage) Render() app.UI {
	var body app.UI
	if p.ended {
		body = app.Div().ID(idMFAEnded).Class("signin__done").Role("status").Body(
			app.H2().Class("card__title").Text("Sign in again"),
			app.P().Text("This sign-in has ended: it took too long, or too many codes were wrong."),
			app.Div().Class("signin__actions").Body(
				app.A().Class("button button--primary button--block").Href(components.PathLogin).Text("Back to sign in"),
			),
		)
	} else {
		body = p.renderForm()
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).Content(
		app.Section().Class("signin").Body(
			components.NewLogo().Brand(p.brand).Large(true),
			app.H1().Class("signin__title").Text("Two-Factor Authentication"),
			app.Div().Class("card signin__card").Body(body),
		),
	)
}

func (p *mfaPage) instructions() string {
	switch {
	case p.recovery:
		return "Enter one of the recovery codes you saved when you set up your authenticator app. Each works once."
	case p.challenge.Method == api.MFAMethodEmail:
		return "Enter the 6-digit code we sent to your e-mail address"
	default:
		return "Enter the 6-digit code from your authenticator app"
	}
}

func (p *mfaPage) renderForm() app.UI {
	fields := app.FieldSet().Class("signin__fields")
	if !p.interactive || !p.loaded {
		fields = fields.Disabled(true) // only when true: see loginPage.renderForm
	}
	submit := app.Button().ID(idMFASubmit).Class("button button--primary button--block").Type("submit")
	switch {
	case !p.interactive || !p.loaded:
		submit = submit.Disabled(true).Text("Loading…")
	case p.busy:
		submit = submit.Disabled(true).Class("button--busy").Body(app.Span().Class("spinner"), app.Text("Verifying…"))
	default:
		submit = submit.Text("Verify")
	}
	return app.Form().ID(idMFAForm).Class("signin__form").Method("post").OnSubmit(p.submit).Body(
		fields.Body(
			app.P().Class("signin__lead").Text(p.instructions()),
			formAlert(idMFAError, p.problem, p.brand.Name),
			p.renderInput(),
			submit,
		),
		p.renderResend(),
		app.If(p.challenge.Recovery, func() app.UI {
			label := "Use a recovery code"
			if p.recovery {
				label = "Use a code from your app"
			}
			return app.P().Class("signin__alt").Body(
				app.Button().ID(idMFAUseRecovery).Class("button button--text").Type("button").OnClick(p.toggleRecovery).Text(label))
		}),
		app.P().Class("signin__alt").Body(
			app.Button().ID(idMFACancel).Class("button button--text").Type("button").OnClick(p.cancel).Text("Cancel")),
	)
}

func (p *mfaPage) renderInput() app.UI {
	if p.recovery {
		msg := p.problem.Fields[idMFARecoveryCode]
		in := app.Input().ID(idMFARecoveryCode).Name(idMFARecoveryCode).Class("field__input otp__input").Type("text").
			Attr("autocomplete", "off").Attr("autocapitalize", "none").Spellcheck(false).
			Placeholder("xxxx-xxxx-xxxx-xxxx").Required(true).Value(p.recoveryCode).OnInput(p.ValueTo(&p.recoveryCode))
		return app.Div().Class("field").Body(
			app.Label().Class("field__label").For(idMFARecoveryCode).Text("Recovery code"),
			withFieldError(in, idMFARecoveryCode, msg), fieldError(idMFARecoveryCode, msg))
	}
	msg := p.problem.Fields[idMFACode]
	in := app.Input().ID(idMFACode).Name(idMFACode).Class("field__input otp__input").Type("text").
		Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").Attr("pattern", "[0-9]{6}").
		MaxLength(6).Placeholder("123456").Required(true).AutoFocus(true).Value(p.code).OnInput(p.onCode)
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(idMFACode).Text("6-digit code"),
		withFieldError(in, idMFACode, msg), fieldError(idMFACode, msg))
}

// renderResend is the spec's resend_section, for e-mailed codes only.
func (p *mfaPage) renderResend() app.UI {
	if p.challenge.Method != api.MFAMethodEmail || p.recovery {
		return nil
	}
	button := app.Button().ID(idMFAResend).Class("button button--text").Type("button").OnClick(p.resend)
	if p.resendIn > 0 {
		button = button.Disabled(true).Text("Resend Code (" + strconv.Itoa(p.resendIn) + " s)")
	} else {
		button = button.Text("Resend Code")
	}
	return app.Div().Class("signin__alt").Body(
		app.P().Class("card__note").Text("Didn't receive a code?"),
		button,
		app.If(p.resendNote != "", func() app.UI { return app.P().Role("status").Text(p.resendNote) }),
	)
}
