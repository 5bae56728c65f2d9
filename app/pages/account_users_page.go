package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// customerRoles are the roles an Admin gives, in the order offered.
var customerRoles = []string{"admin", "buyer", "viewer", "finance"}

// accountUsersPage is /portal/account/users (spec 000 manage_users_screen,
// spec 001 "Multi-User Access"): the account's users with role, status and
// last sign-in; an Admin invites, changes roles, deactivates and
// reactivates. The server's refusals (the last Admin, one's own role) show
// as they come.
type accountUsersPage struct {
	app.Compo

	chrome
	ui      app.Context // from OnNav, see callAPI
	session state.Session
	loaded  string // e-mail of the user whose data was asked for

	users   []api.AccountUser
	listErr error
	actErr  error // the last change's refusal
	done    string

	inviting  bool
	invite    api.Invite
	inviteErr error
}

func newAccountUsersPage() app.Composer { return &accountUsersPage{} }

// OnInit brands the first client render.
func (p *accountUsersPage) OnInit() { p.initBrand() }

// OnNav runs on the server (pre-render) and in the browser.
func (p *accountUsersPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Users", "The users of your company's account")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() {
		if u, ok := p.session.User(); ok && p.loaded != u.Email && p.session.Status == state.Loaded && can(u, capUsersRead) {
			p.loaded = u.Email
			p.load(ctx)
		}
	})
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *accountUsersPage) load(ctx app.Context) {
	var list []api.AccountUser
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { list, err = cl.Users(c); return }, func(err error) {
		p.listErr = err
		if err == nil {
			p.users = list
		}
	})
}

// change sends a role or status change; role is the user's role before it,
// which a refused change puts back in the row's select (the page's own
// render does not: as far as it knows the select never changed).
func (p *accountUsersPage) change(ctx app.Context, id, role string, in api.UserUpdate, done string) {
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { _, err := cl.UpdateUser(c, id, in); return err }, func(err error) {
		p.actErr, p.done = err, ""
		if err == nil {
			p.done = done
		} else if sel := app.Window().GetElementByID("user-role-" + id); sel.Truthy() {
			sel.Set("value", role)
		}
		p.load(ctx)
	})
}

func (p *accountUsersPage) sendInvite(ctx app.Context, e app.Event) {
	e.PreventDefault()
	in := p.invite
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { _, err := cl.InviteUser(c, in); return err }, func(err error) {
		p.inviteErr = err
		if err == nil {
			p.inviting, p.done, p.actErr = false, "Invitation sent to "+in.Email+".", nil
			p.load(ctx)
		}
	})
}

// Render implements app.Composer.
func (p *accountUsersPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.P().Body(app.A().Href(api.PageAccount).Text("← Your account")),
		app.H1().Class("welcome__title").Text("Users"),
	}
	if gate := accountGate(p.session, capUsersRead); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderUsers(can(user, capUsersManage)))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("account").Body(content...))
}

func (p *accountUsersPage) renderUsers(manage bool) app.UI {
	rows := []app.UI{}
	for _, u := range p.users {
		last := "Never"
		if u.LastSignInAt != nil {
			last = formatTime(*u.LastSignInAt)
		}
		var role app.UI = app.Text(roleLabel(u.Role))
		var action app.UI
		if manage {
			id, email, before := u.ID, u.Email, u.Role
			opts := []app.UI{}
			for _, r := range customerRoles {
				opts = append(opts, app.Option().Value(r).Selected(r == u.Role).Text(roleLabel(r)))
			}
			role = app.Select().ID("user-role-"+u.ID).Class("field__input").Aria("label", "Role of "+u.Email).
				OnChange(func(ctx app.Context, _ app.Event) {
					r := ctx.JSSrc().Get("value").String()
					p.change(ctx, id, before, api.UserUpdate{Role: &r}, "Role of "+email+" changed to "+roleLabel(r)+".")
				}).Body(opts...)
			switch u.Status {
			case "disabled":
				action = app.Button().ID("user-reactivate-" + u.ID).Class("button").Type("button").OnClick(func(ctx app.Context, _ app.Event) {
					s := "active"
					p.change(ctx, id, before, api.UserUpdate{Status: &s}, email+" can sign in again.")
				}).Text("Reactivate")
			default:
				action = app.Button().ID("user-deactivate-" + u.ID).Class("button").Type("button").OnClick(func(ctx app.Context, _ app.Event) {
					s := "disabled"
					p.change(ctx, id, before, api.UserUpdate{Status: &s}, email+" is deactivated and signed out.")
				}).Text("Deactivate")
			}
		}
		rows = append(rows, app.Tr().ID("user-"+u.ID).Body(
			app.Td().Attr("data-label", "Name").Text(u.Name),
			app.Td().Attr("data-label", "E-mail").Text(u.Email),
			app.Td().Attr("data-label", "Role").Body(role),
			app.Td().Attr("data-label", "Status").Body(app.Span().Class("badge badge--"+u.Status).Text(statusLabel(u.Status))),
			app.Td().Attr("data-label", "Last sign-in").Text(last),
			app.If(manage, func() app.UI { return app.Td().Body(action) }),
		))
	}
	head := []app.UI{app.Th().Text("Name"), app.Th().Text("E-mail"), app.Th().Text("Role"), app.Th().Text("Status"), app.Th().Text("Last sign-in")}
	if manage {
		head = append(head, app.Th().Text("Access"))
	}
	return app.Div().Class("card").Body(
		alertLine("users-error", problemText(p.listErr)),
		alertLine("user-change-error", problemText(p.actErr)),
		statusLine("user-change-done", p.done),
		app.If(manage, func() app.UI {
			return app.Button().ID("invite-open").Class("button button--primary").Type("button").OnClick(func(ctx app.Context, _ app.Event) {
				p.inviting, p.inviteErr, p.invite = true, nil, api.Invite{Role: "buyer"}
				focusFirst(ctx, "invite-email")
			}).Text("Invite a user")
		}),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("users").Class("table").Body(app.THead().Body(app.Tr().Body(head...)), app.TBody().Body(rows...)),
		),
		app.If(p.inviting, p.renderInvite),
	)
}

func (p *accountUsersPage) renderInvite() app.UI {
	var fields map[string]string
	if e, _, ok := apiError(p.inviteErr); p.inviteErr != nil && ok {
		fields = fieldMessages(e.Fields, map[string]string{"email": "invite-email", "name": "invite-name", "role": "invite-role"})
	}
	opts := []app.UI{}
	for _, r := range customerRoles {
		opts = append(opts, app.Option().Value(r).Selected(r == p.invite.Role).Text(roleLabel(r)))
	}
	return app.Div().Class("dialog").Body(
		app.Form().ID("invite-form").Class("card dialog__box").Role("dialog").Aria("modal", "true").Aria("labelledby", "invite-title").
			OnSubmit(p.sendInvite).Body(
			app.H2().ID("invite-title").Class("card__title").Text("Invite a user"),
			app.P().Text("They get an e-mail with a link to choose their password."),
			textField("invite-email", "E-mail", "email", "off", true, p.invite.Email, p.ValueTo(&p.invite.Email), fields["invite-email"]),
			textField("invite-name", "Name", "text", "off", true, p.invite.Name, p.ValueTo(&p.invite.Name), fields["invite-name"]),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("invite-role").Text("Role"),
				app.Select().ID("invite-role").Class("field__input").OnChange(p.ValueTo(&p.invite.Role)).Body(opts...),
				fieldError("invite-role", fields["invite-role"]),
			),
			alertLine("invite-error", problemTextUnlessFields(p.inviteErr, fields)),
			app.Div().Class("account__actions").Body(
				app.Button().ID("invite-submit").Class("button button--primary").Type("submit").Text("Send invitation"),
				app.Button().ID("invite-cancel").Class("button").Type("button").OnClick(func(app.Context, app.Event) { p.inviting = false }).Text("Cancel"),
			),
		),
	)
}

// statusLabel is how a user's status reads.
func statusLabel(s string) string {
	switch s {
	case "invited":
		return "Invited"
	case "active":
		return "Active"
	case "disabled":
		return "Deactivated"
	default:
		return s
	}
}
