package pages

import (
	"context"
	"errors"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// dashboardPage is the portal's home (/portal and /): a welcome (the
// tenant's name, or the signed-in user with their company and role, spec 000
// dashboard_screen welcome_header) and the account panel, which is a "Sign
// in" call to action when signed out. The summary cards come with the data
// they show.
type dashboardPage struct {
	app.Compo

	chrome
	ui      app.Context // from OnNav, see callAPI
	session state.Session

	// The dashboard's figures, for the signed-in user; loadedFor is whose
	// (a new sign-in loads again).
	loadedFor string
	data      api.Dashboard
	dataErr   error
	loaded    bool
}

func newDashboardPage() app.Composer {
	return &dashboardPage{}
}

// OnInit brands the first client render (see brand.Initial).
func (p *dashboardPage) OnInit() {
	p.initBrand()
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *dashboardPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Dashboard", "Customer portal of "+p.brand.Name)
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() {
		// A sign-in left half-way (the second factor is due) goes back to it.
		if p.session.Status == state.Loaded && p.session.Data.MFAPending {
			ctx.Navigate(api.PageMFA)
		}
		p.load()
	})
	// Only the browser asks who is signed in: the pre-render has no cookies
	// (see state.handleLoadSession), so it shows the neutral "checking" panel.
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *dashboardPage) retry(ctx app.Context, _ app.Event) {
	ctx.NewAction(state.ActionLoadSession)
}

// load asks for the dashboard once the session shows a customer's user
// (staff have no customer account, so no dashboard figures).
func (p *dashboardPage) load() {
	user, ok := p.session.User()
	if !ok || user.Staff || p.session.Status != state.Loaded || p.loadedFor == user.Email {
		return
	}
	p.loadedFor = user.Email
	var d api.Dashboard
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { d, err = cl.Dashboard(c); return }, func(err error) {
		p.data, p.dataErr, p.loaded = d, err, err == nil
	})
}

// Render implements app.Composer.
func (p *dashboardPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	return components.NewLayout().
		Brand(p.brand).
		Path(p.path).
		SignedInAs(signedInAs).
		Content(
			p.renderWelcome(user, signedIn),
			p.renderAccount(),
		)
}

func (p *dashboardPage) renderWelcome(user apiclient.User, signedIn bool) app.UI {
	if signedIn {
		name, subtitle := displayName(user), userSubtitle(user)
		if p.loaded && p.data.FirstName != "" {
			name = p.data.FirstName
		}
		if p.loaded && p.data.CompanyName != "" && user.CustomerName == "" {
			subtitle = strings.Join([]string{p.data.CompanyName, roleLabel(user.Role)}, " · ")
		}
		return app.Section().Class("welcome").Body(
			app.H1().ID("welcome-title").Class("welcome__title").Text("Welcome back, "+name),
			app.If(subtitle != "", func() app.UI {
				return app.P().Class("welcome__lead").Text(subtitle)
			}),
		)
	}
	return app.Section().Class("welcome").Body(
		app.H1().Class("welcome__title").Text("Welcome to "+p.brand.Name),
		app.P().Class("welcome__lead").Text(
			"This is the customer portal of "+p.brand.Name+": one place for your business to "+
				"follow orders and shipments, get invoices and documents, and reach support."),
	)
}

// renderAccount is the panel that depends on who is signed in. It is a live
// region so screen readers hear the result of the check.
func (p *dashboardPage) renderAccount() app.UI {
	var body app.UI
	user, signedIn := p.session.User()
	switch s := p.session; {
	case s.Status == state.LoadingErr:
		body = errorPanel(s.Err, p.retry)
	case signedIn && !user.Staff:
		body = p.renderFigures()
	case signedIn:
		body = app.Div().Class("card").Body(
			app.H2().Class("card__title").Text("Your account"),
			app.Dl().Class("facts").Body(
				fact("Signed in as", user.Email),
				fact("Role", roleLabel(user.Role)),
			),
		)
	case s.Status == state.Loaded:
		body = app.Div().Class("card card--cta").Body(
			app.H2().Class("card__title").Text("You are not signed in"),
			app.P().Text("Sign in to see your account summary, orders in progress, recent shipments "+
				"and open invoices."),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in"),
		)
	default: // NeverLoaded (the pre-rendered page) or Loading
		body = app.Div().Class("card card--muted").Body(
			app.P().Class("card__status").Text("Checking whether you are signed in…"),
		)
	}
	return app.Section().
		Class("account").
		Aria("live", "polite").
		Aria("label", "Your account").
		Body(body)
}

// fact is one term and value of a facts list; it renders nothing without a
// value.
func fact(term, value string) app.UI {
	if value == "" {
		return nil
	}
	return app.Div().Class("facts__row").Body(
		app.Dt().Text(term),
		app.Dd().Text(value),
	)
}

// errorPanel tells the user, without jargon, that the portal did not answer,
// offers a retry and, when the server sent one, the reference support needs.
func errorPanel(err error, retry app.EventHandler) app.UI {
	var e *apiclient.Error
	var ref string
	if errors.As(err, &e) {
		ref = e.RequestID
	}
	return app.Div().Class("card card--alert").Role("alert").Body(
		app.H2().Class("card__title").Text("We could not check your sign-in"),
		app.P().Text("The portal did not answer as expected. Please try again in a moment."),
		app.Button().Class("button").Type("button").OnClick(retry).Text("Try again"),
		app.If(ref != "", func() app.UI {
			return app.P().Class("card__ref").Text("If this keeps happening, contact support and quote reference " + ref + ".")
		}),
	)
}

// displayName is how the header and the panel name the signed-in user.
func displayName(u apiclient.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// userSubtitle is the line under the signed-in welcome: the user's company
// and role, "Customer Co · Buyer", leaving out what is unknown.
func userSubtitle(u apiclient.User) string {
	var parts []string
	if u.CustomerName != "" {
		parts = append(parts, u.CustomerName)
	}
	if r := roleLabel(u.Role); r != "" {
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

// roleLabel is how a role of api.Me reads in the UI; "" for a role the UI
// does not know, rather than showing an internal name.
func roleLabel(role string) string {
	switch strings.ToLower(role) {
	case "admin":
		return "Admin"
	case "buyer":
		return "Buyer"
	case "viewer":
		return "Viewer"
	case "finance":
		return "Finance"
	case "tenant_admin":
		return "Tenant admin"
	case "sales_rep":
		return "Sales rep"
	default:
		return ""
	}
}
