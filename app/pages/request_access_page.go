package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the request-access screen; browser tests find it by them.
const (
	idRequestForm    = "request-access"
	idRequestCompany = "request-company"
	idRequestContact = "request-contact"
	idRequestEmail   = "request-email"
	idRequestPhone   = "request-phone"
	idRequestAccount = "request-account"
	idRequestSubmit  = "request-submit"
	idRequestError   = "request-error"
	idRequestSent    = "request-sent"
	idRequestBack    = "request-back"
	idRequestLink    = "request-access-link"
	idRegisterLink   = "register-link"
)

// requestFields maps the API's field names to the form's inputs.
var requestFields = map[string]string{"company_name": idRequestCompany, "contact_name": idRequestContact,
	"email": idRequestEmail, "phone": idRequestPhone, "account_number": idRequestAccount}

// requestAccessPage is /portal/request-access (spec 000 login_and_auth step
// 4): company, contact, e-mail, phone and an optional account number, then
// request_submitted_confirmation with the server's wording, which is the
// same whether or not the address already has an account.
type requestAccessPage struct {
	app.Compo
	chrome
	interactive bool

	company, contact, email, phone, account string
	form                                    formState
}

func newRequestAccessPage() app.Composer { return &requestAccessPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *requestAccessPage) OnInit() {
	p.initBrand()
	p.interactive = app.IsClient
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *requestAccessPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Request portal access", "Ask "+p.brand.Name+" for access to its customer portal")
}

// OnMount puts the cursor in the first field.
func (p *requestAccessPage) OnMount(ctx app.Context) { focusFirst(ctx, idRequestCompany) }

func (p *requestAccessPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.interactive {
		return
	}
	readInputs(ctx, map[string]*string{idRequestCompany: &p.company, idRequestContact: &p.contact,
		idRequestEmail: &p.email, idRequestPhone: &p.phone, idRequestAccount: &p.account})
	in := api.AccessRequestCreate{CompanyName: p.company, ContactName: p.contact, Email: p.email, Phone: p.phone, AccountNumber: p.account}
	p.form.send(ctx, requestFields, func(c context.Context, client *apiclient.Client) (string, error) {
		out, err := client.RequestAccess(c, in)
		return out.Detail, err
	}, nil)
}

// Render implements app.Composer.
func (p *requestAccessPage) Render() app.UI {
	var body app.UI
	if p.form.done {
		body = app.Div().ID(idRequestSent).Class("signin__done").Role("status").Body(
			app.H2().Class("card__title").Text("Request submitted"),
			app.P().Text(orDefault(p.form.detail, "Thank you. We will answer by e-mail once your request has been reviewed.")),
			app.Div().Class("signin__actions").Body(
				app.A().ID(idRequestBack).Class("button button--primary button--block").Href(components.PathLogin).Text("Back to sign in"),
			),
		)
	} else {
		f := p.form.problem.Fields
		body = app.Form().ID(idRequestForm).Class("signin__form").Method("post").OnSubmit(p.submit).Body(
			fieldSet(p.interactive).Body(
				app.P().Class("signin__lead").Text("Tell us who you are. We review every request and answer by e-mail."),
				formAlert(idRequestError, p.form.problem, p.brand.Name),
				textField(idRequestCompany, "Company name", "text", "organization", true, p.company, p.ValueTo(&p.company), f[idRequestCompany]),
				textField(idRequestContact, "Your name", "text", "name", true, p.contact, p.ValueTo(&p.contact), f[idRequestContact]),
				textField(idRequestEmail, "E-mail address", "email", "email", true, p.email, p.ValueTo(&p.email), f[idRequestEmail]),
				textField(idRequestPhone, "Phone", "tel", "tel", true, p.phone, p.ValueTo(&p.phone), f[idRequestPhone]),
				textField(idRequestAccount, "Account number", "text", "", false, p.account, p.ValueTo(&p.account), f[idRequestAccount]),
				submitButton(idRequestSubmit, "Request access", "Sending…", p.interactive, p.form.busy),
			),
			app.P().Class("signin__alt").Body(app.A().ID(idRequestBack).Href(components.PathLogin).Text("Back to sign in")),
		)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).Content(signinCard(&p.chrome, "Request portal access", body))
}

// requestAccessSection is the sign-in page's request_access_section (spec
// 000 login_screen): "Don't have an account?" with the outlined "Request
// Portal Access" button, and, where the tenant lets visitors sign up
// themselves, a link to the sign-up.
type requestAccessSection struct {
	app.Compo
	selfRegistration bool
}

func newRequestAccessSection() *requestAccessSection { return &requestAccessSection{} }

// OnMount asks the tenant's public settings whether sign-up is open.
func (s *requestAccessSection) OnMount(ctx app.Context) {
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		t, err := client.Tenant(c)
		ctx.Dispatch(func(app.Context) { s.selfRegistration = err == nil && t.SelfRegistration })
	})
}

// Render implements app.Composer.
func (s *requestAccessSection) Render() app.UI {
	return app.Div().Class("signin__request").Body(
		app.P().Class("signin__lead").Text("Don't have an account?"),
		app.A().ID(idRequestLink).Class("button button--block").Href(components.PathRequestAccess).Text("Request Portal Access"),
		app.If(s.selfRegistration, func() app.UI {
			return app.P().Class("signin__alt").Body(
				app.A().ID(idRegisterLink).Href(components.PathRegister).Text("New customer? Create an account"))
		}),
	)
}
