package pages

import (
	"context"
	"strconv"
	"unicode/utf8"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The account page's Security and Notifications tabs.

// ---- Security ----

func (p *accountPage) changePassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.pwSaving {
		return
	}
	p.pwChecked = true
	if confirmError(p.password, p.confirm) != "" {
		return
	}
	current, next := p.current, p.password
	p.pwSaving, p.pwSaved = true, false
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { return cl.ChangePassword(c, current, next) }, func(err error) {
		p.pwSaving, p.pwErr, p.pwSaved = false, err, err == nil
		if err == nil {
			p.current, p.password, p.confirm, p.pwChecked = "", "", "", false
			// Emptying the bound values removes the value attributes but
			// not what was typed: clear the inputs themselves.
			if f := app.Window().GetElementByID("password-form"); f.Truthy() {
				f.Call("reset")
			}
			p.loadSessions(ctx) // the other sessions have ended
		}
	})
}

func (p *accountPage) endSession(id string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { return cl.EndSession(c, id) }, func(err error) {
			p.sessionsErr, p.endedSession = err, err == nil
			p.loadSessions(ctx)
		})
	}
}

func (p *accountPage) renderSecurity() app.UI {
	var fields map[string]string
	if e, _, ok := apiError(p.pwErr); p.pwErr != nil && ok {
		fields = fieldMessages(e.Fields, map[string]string{"current_password": "pw-current", "password": "pw-new"})
	}
	mismatch := ""
	if p.pwChecked {
		mismatch = confirmError(p.password, p.confirm)
	}
	saved := ""
	if p.pwSaved {
		saved = "Your password is changed. Your other sessions have been signed out."
	}
	submit := app.Button().ID("pw-submit").Class("button button--primary").Type("submit")
	if p.pwSaving {
		submit = submit.Disabled(true).Text("Saving…")
	} else {
		submit = submit.Text("Change password")
	}
	sessions := []app.UI{}
	for _, s := range p.sessions {
		sessions = append(sessions, app.Li().ID("session-"+s.ID).Class("account__item").Body(
			app.P().Class("account__item-title").Body(
				app.Text(orDefault(s.UserAgent, "Unknown browser")),
				app.If(s.Current, func() app.UI { return app.Span().Class("badge").Text("This device") }),
			),
			app.P().Text("Signed in "+formatTime(s.CreatedAt)+" from "+orDefault(s.ClientIP, "an unknown address")+
				" · last active "+formatTime(s.LastSeenAt)),
			app.If(!s.Current, func() app.UI {
				return app.Button().ID("session-end-" + s.ID).Class("button").Type("button").OnClick(p.endSession(s.ID)).Text("End session")
			}),
		))
	}
	ended := ""
	if p.endedSession {
		ended = "The session has ended."
	}
	return app.Div().ID("panel-security").Class("account__panel").Body(
		app.Form().ID("password-form").Class("card").OnSubmit(p.changePassword).Body(
			app.H2().Class("card__title").Text("Change password"),
			textField("pw-current", "Current password", "password", "current-password", true, p.current, p.ValueTo(&p.current), fields["pw-current"]),
			textField("pw-new", "New password", "password", "new-password", true, p.password, p.ValueTo(&p.password), fields["pw-new"]),
			passwordHint("pw-new-hint", p.password),
			textField("pw-confirm", "Repeat the new password", "password", "new-password", true, p.confirm, p.ValueTo(&p.confirm), mismatch),
			alertLine("pw-error", problemTextUnlessFields(p.pwErr, fields)),
			statusLine("pw-saved", saved),
			submit,
		),
		app.Div().Class("card").Body(
			app.H2().Class("card__title").Text("Two-factor authentication"),
			app.P().Text("Protect your account with a code from an authenticator app."),
			app.A().ID("link-mfa").Class("button").Href(api.PageMFASettings).Text("Two-factor authentication"),
		),
		app.Div().Class("card").Body(
			app.H2().Class("card__title").Text("Where you are signed in"),
			alertLine("sessions-error", problemText(p.sessionsErr)),
			statusLine("session-ended", ended),
			app.Ul().ID("session-list").Class("account__list").Body(sessions...),
		),
	)
}

// passwordHint is the live strength hint under a new password: its length
// against the minimum. The server checks the rest and says why it refuses.
func passwordHint(id, password string) app.UI {
	n := utf8.RuneCountInString(password)
	hint := app.P().ID(id).Class("field__hint")
	switch {
	case n == 0:
		return hint.Text("Use at least " + strconv.Itoa(minPasswordLength) + " characters. A few unrelated words are long and easy to remember.")
	case n < minPasswordLength:
		return hint.Text(strconv.Itoa(n) + " of at least " + strconv.Itoa(minPasswordLength) + " characters.")
	default:
		return hint.Class("field__hint--ok").Text("Long enough. Avoid common passwords and your e-mail address.")
	}
}

// ---- Notifications ----

func (p *accountPage) toggle(kind string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		on := ctx.JSSrc().Get("checked").Bool()
		var list []api.NotificationPreference
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
			list, err = cl.SetNotifications(c, []api.NotificationPreference{{Kind: kind, Email: on}})
			return
		}, func(err error) {
			p.prefsErr = err
			if err == nil {
				p.prefs = list
			}
		})
	}
}

func (p *accountPage) renderNotifications() app.UI {
	rows := []app.UI{}
	for _, pr := range p.prefs {
		id := "notify-" + pr.Kind
		rows = append(rows, app.Div().Class("field field--check").Body(
			app.Input().ID(id).Type("checkbox").Class("field__check").Checked(pr.Email).OnChange(p.toggle(pr.Kind)),
			app.Label().For(id).Text(orDefault(notificationLabels[pr.Kind], pr.Kind)),
		))
	}
	return app.Div().ID("panel-notifications").Class("account__panel").Body(
		app.Div().Class("card").Body(
			app.H2().Class("card__title").Text("E-mail notifications"),
			app.P().Text("Choose which e-mails you get. Changes are saved at once."),
			alertLine("notifications-error", problemText(p.prefsErr)),
			app.Div().ID("notification-list").Body(rows...),
		),
	)
}
