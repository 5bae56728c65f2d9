package pages

import (
	"context"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// auditKindLabels names the audit log's event kinds.
var auditKindLabels = map[string]string{
	"signin":                     "Signed in",
	"signin_failed":              "Failed sign-in",
	"signin_throttled":           "Sign-in blocked (too many failures)",
	"signout":                    "Signed out",
	"session_ended":              "Session ended",
	"password_changed":           "Password changed",
	"password_reset":             "Password reset",
	"user_invited":               "User invited",
	"role_changed":               "Role changed",
	"user_deactivated":           "User deactivated",
	"user_reactivated":           "User reactivated",
	"invitation_resent":          "Invitation sent again",
	"sessions_ended":             "Signed out everywhere",
	"password_change_failed":     "Wrong current password",
	"mfa_enabled":                "Two-factor authentication on",
	"mfa_disabled":               "Two-factor authentication off",
	"mfa_verified":               "Second factor passed",
	"mfa_failed":                 "Wrong second-factor code",
	"recovery_codes_regenerated": "New recovery codes",
	"access_approved":            "Access request approved",
}

// auditLogPage is /portal/account/audit-log: the account's security events
// for its Admins, newest first (issue 3, "security audit log").
type auditLogPage struct {
	app.Compo

	chrome
	ui      app.Context // from OnNav, see callAPI
	session state.Session
	loaded  string // e-mail of the user whose data was asked for
	events  []api.AuditEvent
	err     error
}

func newAuditLogPage() app.Composer { return &auditLogPage{} }

// OnInit brands the first client render.
func (p *auditLogPage) OnInit() { p.initBrand() }

// OnNav runs on the server (pre-render) and in the browser.
func (p *auditLogPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Audit log", "Security events of your company's account")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() {
		if u, ok := p.session.User(); ok && p.loaded != u.Email && p.session.Status == state.Loaded && can(u, capAuditLogRead) {
			p.loaded = u.Email
			var list []api.AuditEvent
			callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { list, err = cl.AuditEvents(c); return }, func(err error) {
				p.events, p.err = list, err
			})
		}
	})
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// Render implements app.Composer.
func (p *auditLogPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.P().Body(app.A().Href(api.PageAccount).Text("← Your account")),
		app.H1().Class("welcome__title").Text("Audit log"),
	}
	if gate := accountGate(p.session, capAuditLogRead); gate != nil {
		content = append(content, gate)
	} else {
		rows := []app.UI{}
		for _, e := range p.events {
			rows = append(rows, app.Tr().Class("audit-row").Body(
				app.Td().Attr("data-label", "When").Text(formatTime(e.OccurredAt)),
				app.Td().Attr("data-label", "Event").Text(auditLabel(e)),
				app.Td().Attr("data-label", "Who").Text(e.Email),
				app.Td().Attr("data-label", "Client").Text(strings.TrimSpace(e.ClientIP+" "+shortAgent(e.UserAgent))),
			))
		}
		content = append(content, app.Div().Class("card").Body(
			alertLine("audit-error", problemText(p.err)),
			app.If(len(rows) == 0 && p.err == nil, func() app.UI { return app.P().Text("No events yet.") }),
			app.Div().Class("table-wrap").Body(app.Table().ID("audit-log").Class("table").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("When"), app.Th().Text("Event"), app.Th().Text("Who"), app.Th().Text("Client"))),
				app.TBody().Body(rows...),
			)),
		))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("account").Body(content...))
}

// auditLabel is an event's kind for people, with the user it concerns.
func auditLabel(e api.AuditEvent) string {
	label := orDefault(auditKindLabels[e.Kind], e.Kind)
	if email, ok := e.Detail["email"].(string); ok && email != "" && email != e.Email {
		label += ": " + email
	}
	return label
}

// shortAgent trims a user agent to what fits a table cell.
func shortAgent(ua string) string {
	if len(ua) > 60 {
		return ua[:57] + "…"
	}
	return ua
}
