package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the self-registration screens.
const (
	idSignUpForm     = "signup"
	idSignUpName     = "signup-name"
	idSignUpEmail    = "signup-email"
	idSignUpPassword = "signup-password"
	idSignUpSubmit   = "signup-submit"
	idSignUpError    = "signup-error"
	idSignUpClosed   = "signup-closed"

	idProfileForm     = "profile"
	idProfileType     = "profile-type"
	idProfileName     = "profile-name"
	idProfileSame     = "profile-same"
	idProfileSubmit   = "profile-submit"
	idProfileError    = "profile-error"
	idRegisterPending = "register-pending"
)

// signUpPage is /portal/register (spec 002 "Registration & Onboarding"):
// name, e-mail and password; the account is created and signed in, and the
// profile comes next. Only where the tenant enables self-registration.
type signUpPage struct {
	app.Compo
	chrome
	interactive bool
	closed      bool // the tenant does not let visitors sign up

	name, email, password string
	form                  formState
	needsMFA              bool // the sign-up's session waits for a second factor
}

func newSignUpPage() app.Composer { return &signUpPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *signUpPage) OnInit() {
	p.initBrand()
	p.interactive = app.IsClient
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *signUpPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Create an account", "Create your account on the customer portal of "+p.brand.Name)
	if !app.IsClient {
		return
	}
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		t, err := client.Tenant(c)
		ctx.Dispatch(func(app.Context) { p.closed = err == nil && !t.SelfRegistration })
	})
}

func (p *signUpPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.interactive {
		return
	}
	readInputs(ctx, map[string]*string{idSignUpName: &p.name, idSignUpEmail: &p.email, idSignUpPassword: &p.password})
	in := api.SignUp{Name: p.name, Email: p.email, Password: p.password}
	p.form.send(ctx, map[string]string{"name": idSignUpName, "email": idSignUpEmail, "password": idSignUpPassword},
		func(c context.Context, client *apiclient.Client) (string, error) {
			st, err := client.SignUp(c, in)
			p.needsMFA = err == nil && st.MFA != nil
			return "", err
		}, func(ctx app.Context, err error) {
			if err != nil {
				return
			}
			p.password = ""
			if p.needsMFA {
				// The tenant requires a second factor: the code was
				// mailed; the profile comes after it.
				ctx.Navigate(api.PageMFA)
				return
			}
			ctx.NewAction(state.ActionLoadSession) // the header shows who signed in
			ctx.Navigate(components.PathRegisterProfile)
		})
}

// Render implements app.Composer.
func (p *signUpPage) Render() app.UI {
	var body app.UI
	if p.closed {
		body = app.Div().ID(idSignUpClosed).Class("signin__done").Body(
			app.P().Text(p.brand.Name+" does not offer sign-up. Ask for access instead."),
			app.A().Class("button button--primary button--block").Href(components.PathRequestAccess).Text("Request Portal Access"),
		)
	} else {
		f := p.form.problem.Fields
		body = app.Form().ID(idSignUpForm).Class("signin__form").Method("post").OnSubmit(p.submit).Body(
			fieldSet(p.interactive).Body(
				formAlert(idSignUpError, p.form.problem, p.brand.Name),
				textField(idSignUpName, "Your name", "text", "name", true, p.name, p.ValueTo(&p.name), f[idSignUpName]),
				textField(idSignUpEmail, "E-mail address", "email", "username", true, p.email, p.ValueTo(&p.email), f[idSignUpEmail]),
				textField(idSignUpPassword, "Password", "password", "new-password", true, p.password, p.ValueTo(&p.password), f[idSignUpPassword]),
				app.P().Class("field__hint").Text("At least 12 characters; a phrase of a few words works well."),
				submitButton(idSignUpSubmit, "Create account", "Creating…", p.interactive, p.form.busy),
			),
			app.P().Class("signin__alt").Body(app.A().Href(components.PathLogin).Text("Already have an account? Sign in")),
		)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).Content(signinCard(&p.chrome, "Create an account", body))
}

// addressInputs are the ids of one address's inputs, by API field name.
func addressInputs(prefix string) map[string]string {
	return map[string]string{"line1": prefix + "-line1", "line2": prefix + "-line2", "city": prefix + "-city",
		"region": prefix + "-region", "postal_code": prefix + "-postal", "country": prefix + "-country"}
}

// profilePage is /portal/register/profile: what a self-registered customer
// must complete before anything else (customer type, name or company,
// billing address, shipping address defaulting to billing).
type profilePage struct {
	app.Compo
	chrome
	interactive bool
	signedIn    string

	kind, name        string
	billing, shipping map[string]string // API field name → value
	sameAsBilling     bool
	form              formState
}

func newProfilePage() app.Composer {
	return &profilePage{kind: "business", sameAsBilling: true, billing: map[string]string{}, shipping: map[string]string{}}
}

// OnInit brands the first client render (see brand.Initial).
func (p *profilePage) OnInit() {
	p.initBrand()
	p.interactive = app.IsClient
}

// OnNav sends the user where the registration stands: signed out to the
// sign-in, done to the dashboard, pending to the pending page.
func (p *profilePage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Complete your profile", "Complete your customer profile")
	if app.IsClient {
		followRegistration(ctx, api.CodeProfileIncomplete, &p.signedIn)
	}
}

// followRegistration asks the registration state and leaves for the page
// that state belongs on, unless it is here.
func followRegistration(ctx app.Context, here string, signedIn *string) {
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		st, err := client.Registration(c)
		me, _ := client.Me(c)
		ctx.Dispatch(func(ctx app.Context) {
			*signedIn = me.User.Name
			switch {
			case apiclient.ErrorCode(err) == api.CodeUnauthorized:
				ctx.Navigate(components.PathLogin)
			case err != nil || st.State == here:
			case st.State == api.CodeProfileIncomplete:
				ctx.Navigate(components.PathRegisterProfile)
			case st.State == api.CodePendingApproval:
				ctx.Navigate(components.PathRegisterPending)
			default:
				ctx.Navigate(components.PathDashboard)
			}
		})
	})
}

func (p *profilePage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.interactive {
		return
	}
	ids := map[string]*string{idProfileType: &p.kind, idProfileName: &p.name}
	read := func(prefix string, into map[string]string) {
		vals := map[string]*string{}
		for field, id := range addressInputs(prefix) {
			v := into[field]
			vals[id] = &v
			defer func() { into[field] = *vals[id] }()
		}
		readInputs(ctx, vals)
	}
	readInputs(ctx, ids)
	read("billing", p.billing)
	if !p.sameAsBilling {
		read("shipping", p.shipping)
	}
	addr := func(m map[string]string) api.PostalAddress {
		return api.PostalAddress{Line1: m["line1"], Line2: m["line2"], City: m["city"], Region: m["region"],
			PostalCode: m["postal_code"], Country: m["country"]}
	}
	in := api.RegistrationProfile{Type: p.kind, Name: p.name, Billing: addr(p.billing)}
	if !p.sameAsBilling {
		sh := addr(p.shipping)
		in.Shipping = &sh
	}
	fieldIDs := map[string]string{"type": idProfileType, "name": idProfileName}
	for _, prefix := range []string{"billing", "shipping"} {
		for field, id := range addressInputs(prefix) {
			fieldIDs[prefix+"."+field] = id
		}
	}
	p.form.send(ctx, fieldIDs, func(c context.Context, client *apiclient.Client) (string, error) {
		st, err := client.CompleteProfile(c, in)
		return st.State, err
	}, func(ctx app.Context, err error) {
		switch {
		case err != nil:
		case p.form.detail == api.CodePendingApproval:
			ctx.Navigate(components.PathRegisterPending)
		default:
			ctx.Navigate(components.PathDashboard)
		}
	})
}

func (p *profilePage) renderAddress(prefix, legend string, values map[string]string) app.UI {
	ids, f := addressInputs(prefix), p.form.problem.Fields
	in := func(field, label, typ, auto string, required bool) app.UI {
		id := ids[field]
		return textField(id, label, typ, prefix+" "+auto, required, values[field], func(ctx app.Context, _ app.Event) {
			values[field] = ctx.JSSrc().Get("value").String()
		}, f[id])
	}
	return app.FieldSet().Class("signin__fields").Body(
		app.Legend().Class("field__label").Text(legend),
		in("line1", "Street address", "text", "address-line1", true),
		in("line2", "Address line 2", "text", "address-line2", false),
		in("city", "City", "text", "address-level2", true),
		in("region", "State or province", "text", "address-level1", false),
		in("postal_code", "Postal code", "text", "postal-code", false),
		in("country", "Country (two-letter code, e.g. US)", "text", "country", true),
	)
}

// Render implements app.Composer.
func (p *profilePage) Render() app.UI {
	f := p.form.problem.Fields
	nameLabel := "Company name"
	if p.kind == "individual" {
		nameLabel = "Your full name"
	}
	form := app.Form().ID(idProfileForm).Class("signin__form").Method("post").OnSubmit(p.submit).Body(
		fieldSet(p.interactive).Body(
			app.P().Class("signin__lead").Text("Tell us who you buy for and where to bill and ship. You can use the portal once this is done."),
			formAlert(idProfileError, p.form.problem, p.brand.Name),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For(idProfileType).Text("Customer type"),
				app.Select().ID(idProfileType).Name(idProfileType).Class("field__input").
					OnChange(p.ValueTo(&p.kind)).Body(
					app.Option().Value("business").Selected(p.kind == "business").Text("Business"),
					app.Option().Value("individual").Selected(p.kind == "individual").Text("Individual"),
				),
				fieldError(idProfileType, f[idProfileType]),
			),
			textField(idProfileName, nameLabel, "text", "organization", true, p.name, p.ValueTo(&p.name), f[idProfileName]),
			p.renderAddress("billing", "Billing address", p.billing),
			p.renderSameAsBilling(),
			app.If(!p.sameAsBilling, func() app.UI { return p.renderAddress("shipping", "Shipping address", p.shipping) }),
			submitButton(idProfileSubmit, "Save and continue", "Saving…", p.interactive, p.form.busy),
		),
	)
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(p.signedIn).
		Content(signinCard(&p.chrome, "Complete your profile", form))
}

// renderSameAsBilling is the "ship to the billing address" box, checked
// by default (spec 002: shipping defaults to billing).
func (p *profilePage) renderSameAsBilling() app.UI {
	box := app.Input().ID(idProfileSame).Name(idProfileSame).Class("field__check").Type("checkbox").
		OnChange(func(ctx app.Context, _ app.Event) { p.sameAsBilling = ctx.JSSrc().Get("checked").Bool() })
	if p.sameAsBilling {
		box = box.Checked(true) // only when true, as with disabled
	}
	return app.Div().Class("field field--check").Body(box, app.Label().For(idProfileSame).Text("Ship to the billing address"))
}

// pendingPage is /portal/register/pending: the registration is complete and
// waits for the tenant's approval.
type pendingPage struct {
	app.Compo
	chrome
	signedIn string
}

func newPendingPage() app.Composer { return &pendingPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *pendingPage) OnInit() { p.initBrand() }

// OnNav runs on the server (pre-render) and in the browser.
func (p *pendingPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Registration received", "Your registration waits for approval")
	if app.IsClient {
		followRegistration(ctx, api.CodePendingApproval, &p.signedIn)
	}
}

// Render implements app.Composer.
func (p *pendingPage) Render() app.UI {
	body := app.Div().ID(idRegisterPending).Class("signin__done").Role("status").Body(
		app.H2().Class("card__title").Text("Thank you for registering"),
		app.P().Text("Your account is waiting for approval by "+p.brand.Name+". You can use the portal as soon as it is approved."),
		app.P().Class("card__note").Text("Questions? Contact "+orDefault(p.brand.SupportEmail, p.brand.Name+" support")+"."),
	)
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(p.signedIn).
		Content(signinCard(&p.chrome, "Registration received", body))
}
