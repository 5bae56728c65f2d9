package pages

import (
	"context"
	"strconv"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the two-factor settings screen; browser tests find it by them.
const (
	idMFASettings      = "mfa-settings"
	idMFAStatus        = "mfa-status"
	idMFASetupStart    = "mfa-setup-start"
	idMFAQR            = "mfa-qr"
	idMFASecret        = "mfa-secret"
	idMFAConfirmForm   = "mfa-confirm"
	idMFAConfirmCode   = "mfa-confirm-code"
	idMFAConfirmSubmit = "mfa-confirm-submit"
	idMFARecoveryList  = "mfa-recovery-codes"
	idMFASaved         = "mfa-saved"
	idMFACodesDone     = "mfa-codes-done"
	idMFAReauthForm    = "mfa-reauth"
	idMFAReauthPass    = "mfa-reauth-password"
	idMFAReauthCode    = "mfa-reauth-code"
	idMFARegenerate    = "mfa-regenerate"
	idMFADisable       = "mfa-disable"
	idMFASettingsError = "mfa-settings-error"
	idMFASignedOut     = "mfa-signed-out"
)

// mfaSettingsPage is /portal/account/security/mfa: a signed-in user (any
// role) sets up an authenticator app (QR code or the key typed in, then a
// code from the app), saves the recovery codes shown once, makes new ones,
// or turns the app off (with the password or a code). The account page
// links here.
type mfaSettingsPage struct {
	app.Compo

	chrome
	session state.Session

	loaded    bool
	signedOut bool
	status    api.MFAStatus

	enrolment *api.TOTPEnrolment // started, not yet confirmed
	codes     []string           // recovery codes to show once
	saved     bool               // "I have saved them" ticked

	confirmCode    string
	reauthPassword string
	reauthCode     string
	busy           bool
	problem        formProblem
	notice         string
}

func newMFASettingsPage() app.Composer { return &mfaSettingsPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *mfaSettingsPage) OnInit() { p.initBrand() }

// OnNav runs on the server (pre-render) and in the browser.
func (p *mfaSettingsPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Two-factor authentication", "Second factor settings for the customer portal of "+p.brand.Name)
	ctx.ObserveState(state.KeySession, &p.session)
	if !app.IsClient {
		return
	}
	ctx.NewAction(state.ActionLoadSession)
	p.load(ctx)
}

func (p *mfaSettingsPage) load(ctx app.Context) {
	p.call(ctx, func(c context.Context, client *apiclient.Client) (func(), error) {
		st, err := client.MFAStatus(c)
		return func() { p.status, p.loaded = st, true }, err
	})
}

// call runs fn against the API off the UI goroutine, then applies its
// result (or shows its error) on it.
func (p *mfaSettingsPage) call(ctx app.Context, fn func(context.Context, *apiclient.Client) (func(), error)) {
	p.busy, p.problem, p.notice = true, formProblem{}, ""
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, apiTimeout)
		defer cancel()
		apply, err := fn(c, client)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err == nil {
				apply()
				return
			}
			e, problem, answered := apiError(err)
			switch {
			case !answered:
				p.problem = problem
			case e.Status == 401:
				p.signedOut = true
			case e.Code == api.CodeInvalid:
				p.problem = formProblem{Message: orDefault(e.Detail, "Please check the marked field."),
					Fields: fieldMessages(e.Fields, map[string]string{"code": idMFAConfirmCode, "password": idMFAReauthPass})}
				if p.enrolment == nil {
					if m := p.problem.Fields[idMFAConfirmCode]; m != "" {
						p.problem.Fields[idMFAReauthCode] = m
					}
				}
			default:
				p.problem = formProblem{Message: orDefault(e.Detail, "That did not work. Please try again."), Ref: e.RequestID}
			}
		})
	})
}

func (p *mfaSettingsPage) start(ctx app.Context, _ app.Event) {
	p.call(ctx, func(c context.Context, client *apiclient.Client) (func(), error) {
		en, err := client.StartTOTP(c)
		return func() { p.enrolment, p.confirmCode = &en, ""; focusFirst(ctx, idMFAConfirmCode) }, err
	})
}

func (p *mfaSettingsPage) confirm(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	code := p.confirmCode
	p.call(ctx, func(c context.Context, client *apiclient.Client) (func(), error) {
		rc, err := client.ConfirmTOTP(c, code)
		return func() {
			p.enrolment, p.codes, p.saved = nil, rc.Codes, false
			p.status.TOTPEnabled, p.status.RecoveryCodesLeft = true, len(rc.Codes)
		}, err
	})
}

func (p *mfaSettingsPage) reauth() api.MFAReauth {
	return api.MFAReauth{Password: p.reauthPassword, Code: p.reauthCode}
}

func (p *mfaSettingsPage) regenerate(ctx app.Context, _ app.Event) {
	in := p.reauth()
	p.call(ctx, func(c context.Context, client *apiclient.Client) (func(), error) {
		rc, err := client.RegenerateRecoveryCodes(c, in)
		return func() {
			p.codes, p.saved, p.reauthPassword, p.reauthCode = rc.Codes, false, "", ""
			p.status.RecoveryCodesLeft = len(rc.Codes)
		}, err
	})
}

func (p *mfaSettingsPage) disable(ctx app.Context, e app.Event) {
	e.PreventDefault()
	in := p.reauth()
	p.call(ctx, func(c context.Context, client *apiclient.Client) (func(), error) {
		err := client.DisableTOTP(c, in)
		return func() {
			p.status.TOTPEnabled, p.status.RecoveryCodesLeft, p.reauthPassword, p.reauthCode = false, 0, "", ""
			p.notice = "The authenticator app is turned off."
		}, err
	})
}

// Render implements app.Composer.
func (p *mfaSettingsPage) Render() app.UI {
	var signedInAs string
	if u, ok := p.session.User(); ok {
		signedInAs = displayName(u)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).Content(
		app.Section().ID(idMFASettings).Class("mfa-settings").Body(
			app.H1().Class("welcome__title").Text("Two-factor authentication"),
			app.P().Class("welcome__lead").Text("A code from an authenticator app on your phone keeps your account safe even if someone learns your password."),
			formAlert(idMFASettingsError, p.problem, p.brand.Name),
			app.If(p.notice != "", func() app.UI { return app.P().Class("card card--muted").Role("status").Text(p.notice) }),
			p.renderBody(),
		),
	)
}

func (p *mfaSettingsPage) renderBody() app.UI {
	switch {
	case p.signedOut:
		return app.Div().ID(idMFASignedOut).Class("card card--cta").Body(
			app.H2().Class("card__title").Text("You are not signed in"),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in"))
	case len(p.codes) > 0:
		return p.renderCodes()
	case p.enrolment != nil:
		return p.renderEnrolment()
	case !p.loaded:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading…"))
	case p.status.TOTPEnabled:
		return p.renderEnabled()
	default:
		note := "Without an app you sign in with your password alone."
		if p.status.Required {
			note = "Your company requires a second factor: without an app, we e-mail you a code each time you sign in."
		}
		return app.Div().ID(idMFAStatus).Class("card").Body(
			app.H2().Class("card__title").Text("Authenticator app: off"),
			app.P().Text(note),
			app.Button().ID(idMFASetupStart).Class("button button--primary").Type("button").Disabled(p.busy).
				OnClick(p.start).Text("Set up authenticator app"))
	}
}

func (p *mfaSettingsPage) renderEnrolment() app.UI {
	msg := p.problem.Fields[idMFAConfirmCode]
	in := app.Input().ID(idMFAConfirmCode).Name(idMFAConfirmCode).Class("field__input otp__input").Type("text").
		Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6).Required(true).
		Value(p.confirmCode).OnInput(p.ValueTo(&p.confirmCode))
	return app.Div().Class("card mfa-enrol").Body(
		app.H2().Class("card__title").Text("Set up your authenticator app"),
		app.Ol().Class("mfa-steps").Body(
			app.Li().Text("Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password) and add an account."),
			app.Li().Body(
				app.Text("Scan this QR code:"),
				app.Img().ID(idMFAQR).Class("mfa-qr").Src(p.enrolment.QRCode).Alt("QR code for your authenticator app").Width(240).Height(240),
				app.Text("or type this key:"),
				app.Code().ID(idMFASecret).Class("mfa-secret").Text(p.enrolment.Secret),
			),
			app.Li().Text("Enter the 6-digit code the app shows."),
		),
		app.Form().ID(idMFAConfirmForm).Class("signin__fields").OnSubmit(p.confirm).Body(
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For(idMFAConfirmCode).Text("6-digit code"),
				withFieldError(in, idMFAConfirmCode, msg), fieldError(idMFAConfirmCode, msg)),
			app.Button().ID(idMFAConfirmSubmit).Class("button button--primary").Type("submit").Disabled(p.busy).Text("Turn on"),
		),
	)
}

func (p *mfaSettingsPage) renderCodes() app.UI {
	return app.Div().Class("card").Body(
		app.H2().Class("card__title").Text("Save your recovery codes"),
		app.P().Text("If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe: they are shown only now."),
		app.Ul().ID(idMFARecoveryList).Class("mfa-codes").Body(
			app.Range(p.codes).Slice(func(i int) app.UI { return app.Li().Body(app.Code().Text(p.codes[i])) }),
		),
		app.Div().Class("field field--check").Body(
			app.Input().ID(idMFASaved).Class("field__check").Type("checkbox").Checked(p.saved).
				OnChange(func(ctx app.Context, _ app.Event) { p.saved = ctx.JSSrc().Get("checked").Bool() }),
			app.Label().For(idMFASaved).Text("I have saved these codes"),
		),
		app.Button().ID(idMFACodesDone).Class("button button--primary").Type("button").Disabled(!p.saved).
			OnClick(func(app.Context, app.Event) { p.codes = nil }).Text("Done"),
	)
}

func (p *mfaSettingsPage) renderEnabled() app.UI {
	passMsg, codeMsg := p.problem.Fields[idMFAReauthPass], p.problem.Fields[idMFAReauthCode]
	pass := app.Input().ID(idMFAReauthPass).Name(idMFAReauthPass).Class("field__input").Type("password").
		Attr("autocomplete", "current-password").Value(p.reauthPassword).OnInput(p.ValueTo(&p.reauthPassword))
	code := app.Input().ID(idMFAReauthCode).Name(idMFAReauthCode).Class("field__input").Type("text").
		Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6).
		Value(p.reauthCode).OnInput(p.ValueTo(&p.reauthCode))
	return app.Div().ID(idMFAStatus).Class("card").Body(
		app.H2().Class("card__title").Text("Authenticator app: on"),
		app.P().Text("Recovery codes left: "+strconv.Itoa(p.status.RecoveryCodesLeft)),
		app.Form().ID(idMFAReauthForm).Class("signin__fields").OnSubmit(p.disable).Body(
			app.P().Class("signin__lead").Text("To change these settings, confirm it is you with your password or a code from your app."),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For(idMFAReauthPass).Text("Password"),
				withFieldError(pass, idMFAReauthPass, passMsg), fieldError(idMFAReauthPass, passMsg)),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For(idMFAReauthCode).Text("or 6-digit code"),
				withFieldError(code, idMFAReauthCode, codeMsg), fieldError(idMFAReauthCode, codeMsg)),
			app.Div().Class("signin__actions").Body(
				app.Button().ID(idMFARegenerate).Class("button").Type("button").Disabled(p.busy).OnClick(p.regenerate).Text("Make new recovery codes"),
				app.Button().ID(idMFADisable).Class("button").Type("submit").Disabled(p.busy).Text("Turn off authenticator app"),
			),
		),
	)
}
