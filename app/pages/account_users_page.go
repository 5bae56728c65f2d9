package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The roles an Admin gives, in the order offered: a customer's Admin the
// customer roles, a tenant admin the staff roles.
var (
	customerRoles = []string{"admin", "buyer", "viewer", "finance"}
	staffRoles    = []string{"tenant_admin", "sales_rep"}
)

// Capabilities of the staff's users screen.
const (
	capStaffUsersRead   = "staff_users:read"
	capStaffUsersManage = "staff_users:manage"
)

// accountUsersPage is /portal/account/users (spec 000 manage_users_screen,
// spec 001 "Multi-User Access"): the account's users with role, status and
// last sign-in; an Admin invites, changes roles, deactivates and
// reactivates, resends an invitation and signs a user out everywhere. The
// server's refusals (the last Admin, one's own role) show as they come.
// For a tenant admin the same screen, at /portal/staff/users, manages the
// staff.
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
		if u, ok := p.session.User(); ok && p.loaded != u.Email && p.session.Status == state.Loaded && can(u, p.caps(u.Staff).read) {
			p.loaded = u.Email
			p.load(ctx)
		}
	})
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// usersCaps are the capabilities and roles of the screen for staff or a
// customer's Admin.
type usersCaps struct {
	read, manage string
	roles        []string
}

func (p *accountUsersPage) caps(staff bool) usersCaps {
	if staff {
		return usersCaps{capStaffUsersRead, capStaffUsersManage, staffRoles}
	}
	return usersCaps{capUsersRead, capUsersManage, customerRoles}
}

// staff reports whether the signed-in user manages the staff.
func (p *accountUsersPage) staff() bool {
	u, ok := p.session.User()
	return ok && u.Staff
}

func (p *accountUsersPage) load(ctx app.Context) {
	var list []api.AccountUser
	staff := p.staff()
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { list, err = cl.Users(c, staff); return }, func(err error) {
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
	staff := p.staff()
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error {
		_, err := cl.UpdateUser(c, staff, id, in)
		return err
	}, func(err error) {
		p.actErr, p.done = err, ""
		if err == nil {
			p.done = done
		} else if sel := app.Window().GetElementByID("user-role-" + id); sel.Truthy() {
			sel.Set("value", role)
		}
		p.load(ctx)
	})
}

// rowUser is the user of the row whose control fired the event.
func rowUser(ctx app.Context) (id, email, role string) {
	src := ctx.JSSrc()
	return clickedID(ctx), src.Call("getAttribute", "data-email").String(), src.Call("getAttribute", "data-role").String()
}

func (p *accountUsersPage) onRoleChange(ctx app.Context, _ app.Event) {
	id, email, before := rowUser(ctx)
	r := ctx.JSSrc().Get("value").String()
	p.change(ctx, id, before, api.UserUpdate{Role: &r}, "Role of "+email+" changed to "+roleLabel(r)+".")
}

func (p *accountUsersPage) onStatus(status string) app.EventHandler {
	done := map[string]string{"active": " can sign in again.", "disabled": " is deactivated and signed out."}[status]
	return func(ctx app.Context, _ app.Event) {
		id, email, role := rowUser(ctx)
		s := status
		p.change(ctx, id, role, api.UserUpdate{Status: &s}, email+done)
	}
}

func (p *accountUsersPage) onResend(ctx app.Context, _ app.Event) {
	id, email, _ := rowUser(ctx)
	staff := p.staff()
	p.act(func(c context.Context, cl *apiclient.Client) error { return cl.ResendInvitation(c, staff, id) },
		"A new invitation is on its way to "+email+"; the old link no longer works.")
}

func (p *accountUsersPage) onSignOutEverywhere(ctx app.Context, _ app.Event) {
	id, email, _ := rowUser(ctx)
	staff := p.staff()
	p.act(func(c context.Context, cl *apiclient.Client) error { return cl.EndUserSessions(c, staff, id) },
		email+" is signed out on every device.")
}

// act runs one of the row actions that change nothing on the row (resend,
// sign out everywhere) and says what happened.
func (p *accountUsersPage) act(call func(context.Context, *apiclient.Client) error, done string) {
	callAPI(p.ui, call, func(err error) {
		p.actErr, p.done = err, ""
		if err == nil {
			p.done = done
		}
	})
}

func (p *accountUsersPage) sendInvite(ctx app.Context, e app.Event) {
	e.PreventDefault()
	in, staff := p.invite, p.staff()
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { _, err := cl.InviteUser(c, staff, in); return err }, func(err error) {
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
	caps, title := p.caps(user.Staff), "Users"
	if user.Staff {
		title = "Staff"
	}
	content := []app.UI{
		app.P().Body(app.A().Href(api.PageAccount).Text("← Your account")),
		app.H1().Class("welcome__title").Text(title),
	}
	if gate := accountGate(p.session, caps.read); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderUsers(can(user, caps.manage), caps.roles))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("account").Body(content...))
}

func (p *accountUsersPage) renderUsers(manage bool, roles []string) app.UI {
	rows := []app.UI{}
	for _, u := range p.users {
		last := "Never"
		if u.LastSignInAt != nil {
			last = formatTime(*u.LastSignInAt)
		}
		var role app.UI = app.Text(roleLabel(u.Role))
		var action app.UI
		if manage {
			// Handlers read the row's user from data attributes at the
			// time of the event: go-app keeps a row's DOM (and the first
			// closures bound to it) when the list reloads and rows shift,
			// so a closure over u would act on whoever was there before.
			data := func(e app.HTMLButton) app.HTMLButton {
				return e.DataSet("id", u.ID).DataSet("email", u.Email).DataSet("role", u.Role)
			}
			opts := []app.UI{}
			for _, r := range roles {
				opts = append(opts, app.Option().Value(r).Selected(r == u.Role).Text(roleLabel(r)))
			}
			role = app.Select().ID("user-role-"+u.ID).Class("field__input").Aria("label", "Role of "+u.Email).
				DataSet("id", u.ID).DataSet("email", u.Email).DataSet("role", u.Role).
				OnChange(p.onRoleChange).Body(opts...)
			deactivate := data(app.Button().ID("user-deactivate-" + u.ID).Class("button").Type("button")).
				OnClick(p.onStatus("disabled")).Text("Deactivate")
			switch u.Status {
			case "invited":
				action = app.Div().Class("account__actions").Body(
					data(app.Button().ID("user-resend-"+u.ID).Class("button").Type("button")).OnClick(p.onResend).Text("Resend invitation"),
					deactivate,
				)
			case "disabled":
				action = data(app.Button().ID("user-reactivate-" + u.ID).Class("button").Type("button")).
					OnClick(p.onStatus("active")).Text("Reactivate")
			default:
				action = app.Div().Class("account__actions").Body(
					data(app.Button().ID("user-signout-"+u.ID).Class("button").Type("button")).OnClick(p.onSignOutEverywhere).Text("Sign out everywhere"),
					deactivate,
				)
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
				role := "buyer"
				if p.staff() {
					role = "sales_rep"
				}
				p.inviting, p.inviteErr, p.invite = true, nil, api.Invite{Role: role}
				focusFirst(ctx, "invite-email")
			}).Text("Invite a user")
		}),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("users").Class("table").Body(app.THead().Body(app.Tr().Body(head...)), app.TBody().Body(rows...)),
		),
		app.If(p.inviting, func() app.UI { return p.renderInvite(roles) }),
	)
}

func (p *accountUsersPage) renderInvite(roles []string) app.UI {
	var fields map[string]string
	if e, _, ok := apiError(p.inviteErr); p.inviteErr != nil && ok {
		fields = fieldMessages(e.Fields, map[string]string{"email": "invite-email", "name": "invite-name", "role": "invite-role"})
	}
	opts := []app.UI{}
	for _, r := range roles {
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
